/* test_import.c: importing publishers' tables (import.h) on excerpts of the
 * real files in tests/data/import (see its README for where each comes
 * from). Each import is written to a fresh folder and read back with the
 * source reader, as `carecast ingest` reads it:
 *  - dfe-ees: the written CSV equals a golden file checked by hand against
 *    the excerpt (every DfE symbol: c suppressed at most 5, k suppressed
 *    below half a unit, x and u missing, z left out; national and regional
 *    rows kept under their ONS codes), filter columns selected with
 *    --filter or split into measures, an age column read as bands, --level;
 *  - ons-snpp: single years as published and bands summed from them, the
 *    sums checked against values worked out independently from the excerpt;
 *  - the manifest's provenance (publisher, licence, SHA-256 of the original,
 *    the publisher's area names);
 *  - every error path: unknown format, a file of another format (naming the
 *    missing column), bad cells naming FILE:LINE and column, conflicting
 *    repeats, bad options. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/file.h"
#include "carecast/import.h"
#include "carecast/source.h"
#include "testutil.h"

#define IMPORT_DIR CC_TEST_DATA_DIR "/import"
#define REFRESHED "2026-01-01"
#define SUM_TOLERANCE 1e-9 /* sums of three-decimal values are written with three decimals: exact */

/* Import path in format with opt into a fresh folder, read it back; the caller frees *dir and the source. */
static cc_source *import_and_read(const char *format, const char *path, cc_import_options *opt, char **dir) {
  opt->refreshed = REFRESHED;
  cc_import_result *res = NULL;
  cc_error err;
  cc_error_clear(&err);
  char message[2048];
  ck_assert_msg(cc_import_file(format, path, opt, &res, &err) == CC_OK, "import failed: %s",
                cc_error_format(&err, message, sizeof message));
  *dir = cc_test_tmpdir();
  char csv_path[1024];
  ck_assert_msg(cc_import_write(res, *dir, csv_path, sizeof csv_path, &err) == CC_OK, "write failed: %s",
                cc_error_format(&err, message, sizeof message));
  cc_import_result_free(res);
  cc_source *src = NULL;
  ck_assert_msg(cc_source_read(csv_path, &src, NULL, &err) == CC_OK, "written source does not read back: %s",
                cc_error_format(&err, message, sizeof message));
  return src;
}

/* The whole of a file (malloc'd). */
static char *slurp(const char *path) {
  char *text = NULL;
  size_t len = 0;
  cc_error err;
  ck_assert_msg(cc_file_read(path, 1u << 24, &text, &len, &err) == CC_OK, "cannot read %s", path);
  return text;
}

/* dir/name equals the golden file. */
static void assert_same_file(const char *dir, const char *name, const char *golden) {
  char *path = cc_test_path(dir, name);
  char *got = slurp(path), *want = slurp(golden);
  ck_assert_msg(strcmp(got, want) == 0, "%s differs from %s:\n%s", path, golden, got);
  free(got);
  free(want);
  free(path);
}

/* The observation of a key, or NULL. */
static const cc_observation *find(const cc_source *src, const char *measure, const char *geography,
                                  const char *age_band, const char *period) {
  cc_period p;
  cc_error err;
  ck_assert(cc_period_parse(period, &p, &err) == CC_OK);
  for (size_t i = 0; i < src->n_obs; i++) {
    const cc_observation *o = &src->obs[i];
    if (strcmp(o->measure, measure) == 0 && strcmp(o->geography, geography) == 0 &&
        strcmp(o->age_band, age_band) == 0 && o->period.freq == p.freq && o->period.index == p.index)
      return o;
  }
  return NULL;
}

static const cc_observation *must_find(const cc_source *src, const char *measure, const char *geography,
                                       const char *age_band, const char *period) {
  const cc_observation *o = find(src, measure, geography, age_band, period);
  ck_assert_msg(o != NULL, "no %s/%s/%s in %s", measure, geography, age_band, period);
  return o;
}

static const char *area_name(const cc_manifest *m, const char *code) {
  for (size_t i = 0; i < m->n_areas; i++)
    if (strcmp(m->areas[i].code, code) == 0) return m->areas[i].name;
  return NULL;
}

static void finish(cc_source *src, char *dir) {
  cc_source_free(src);
  cc_test_rmtree(dir);
  free(dir);
}

START_TEST(test_ees_symbols_golden) {
  cc_import_options opt = cc_import_options_default();
  char *dir;
  cc_source *src = import_and_read("dfe-ees", IMPORT_DIR "/ees_cpp_excerpt.csv", &opt, &dir);
  assert_same_file(dir, "ees_cpp_excerpt.csv", IMPORT_DIR "/ees_cpp_excerpt.expected");
  ck_assert_uint_eq(src->n_obs, 32);
  /* c: Isles of Scilly CPP_start 2025 -> suppressed, bound DfE's 5. */
  const cc_observation *o = must_find(src, "dfe_cpp_start", "E06000053", "all", "2024/25");
  ck_assert(o->flags & CC_OBS_SUPPRESSED);
  ck_assert(isnan(o->value) && o->bound == 5.0);
  /* x (Hackney 2022) and u (Hampshire 2024): missing. */
  o = must_find(src, "dfe_cpp_start", "E09000012", "all", "2021/22");
  ck_assert(isnan(o->value) && o->flags == 0);
  o = must_find(src, "dfe_cpp_subsequent_percent", "E10000014", "all", "2023/24");
  ck_assert(isnan(o->value) && o->flags == 0);
  /* z: Isles of Scilly percent 2024 left out; its counts kept. */
  ck_assert_ptr_null(find(src, "dfe_cpp_subsequent_percent", "E06000053", "all", "2023/24"));
  ck_assert_double_eq(must_find(src, "dfe_cpp_start", "E06000053", "all", "2023/24")->value, 0.0);
  /* National and regional rows under their ONS codes; Sheffield's published figures. */
  ck_assert_double_eq(must_find(src, "dfe_cpp_start", "E92000001", "all", "2024/25")->value, 61840);
  ck_assert_double_eq(must_find(src, "dfe_cpp_subsequent", "E12000001", "all", "2024/25")->value, 1240);
  ck_assert_double_eq(must_find(src, "dfe_cpp_start", "E08000019", "all", "2023/24")->value, 663);
  ck_assert_double_eq_tol(must_find(src, "dfe_cpp_subsequent_percent", "E08000019", "all", "2024/25")->value, 19.7, 1e-12);
  /* Provenance. */
  const cc_manifest *m = src->manifest;
  ck_assert_str_eq(m->organisation_name, "Department for Education");
  ck_assert_int_eq(m->organisation, CC_ORG_GOVERNMENT);
  ck_assert_str_eq(m->licence, "OGL-3.0");
  ck_assert_str_eq(m->refreshed, REFRESHED);
  ck_assert_str_eq(m->original_file, "ees_cpp_excerpt.csv");
  char *original = slurp(IMPORT_DIR "/ees_cpp_excerpt.csv");
  char sha[CC_SHA256_HEX_LEN + 1];
  cc_sha256_hex(original, strlen(original), sha);
  free(original);
  ck_assert_str_eq(m->original_sha256, sha);
  ck_assert_uint_eq(m->n_areas, 8);
  ck_assert_str_eq(area_name(m, "E08000019"), "Sheffield");
  ck_assert_str_eq(area_name(m, "E92000001"), "England");
  ck_assert_int_eq(cc_manifest_measure(m, "dfe_cpp_subsequent_percent")->kind, CC_KIND_RATE);
  ck_assert_int_eq(cc_manifest_measure(m, "dfe_cpp_start")->freq, CC_FREQ_FYEAR);
  finish(src, dir);
}
END_TEST

START_TEST(test_ees_levels_and_age_band) {
  cc_import_options opt = cc_import_options_default();
  opt.levels = "Local authority";
  opt.age_band = "0-17";
  opt.measure_prefix = "cpp_";
  opt.source_id = "cpp_la";
  char *dir;
  cc_source *src = import_and_read("dfe-ees", IMPORT_DIR "/ees_cpp_excerpt.csv", &opt, &dir);
  ck_assert_uint_eq(src->n_obs, 32 - 6); /* the national and the regional row (three values each) left out */
  ck_assert_ptr_null(find(src, "cpp_cpp_start", "E92000001", "0-17", "2024/25"));
  ck_assert_double_eq(must_find(src, "cpp_cpp_start", "E06000012", "0-17", "2024/25")->value, 149);
  ck_assert_str_eq(src->manifest->source_id, "cpp_la");
  finish(src, dir);
}
END_TEST

START_TEST(test_ees_age_column) {
  cc_import_options opt = cc_import_options_default();
  opt.filters[opt.n_filters++] = "cla_group=Age on ceasing";
  opt.age_column = "characteristic";
  opt.source_id = "ceased_age";
  char *dir;
  cc_source *src = import_and_read("dfe-ees", IMPORT_DIR "/ees_ceased_excerpt.csv", &opt, &dir);
  assert_same_file(dir, "ceased_age.csv", IMPORT_DIR "/ees_ceased_age.expected");
  ck_assert_double_eq(must_find(src, "dfe_number", "E08000019", "0-0", "2023/24")->value, 20);  /* Under 1 year */
  ck_assert_double_eq(must_find(src, "dfe_number", "E08000019", "18+", "2023/24")->value, 118); /* 18 years and over */
  ck_assert_double_eq(must_find(src, "dfe_number", "E08000019", "all", "2023/24")->value, 308); /* Total */
  finish(src, dir);
}
END_TEST

START_TEST(test_ees_filter_split_and_k) {
  cc_import_options opt = cc_import_options_default();
  opt.filters[opt.n_filters++] = "cla_group=Reason episode ceased";
  opt.source_id = "ceased_reason";
  char *dir;
  cc_source *src = import_and_read("dfe-ees", IMPORT_DIR "/ees_ceased_excerpt.csv", &opt, &dir);
  assert_same_file(dir, "ceased_reason.csv", IMPORT_DIR "/ees_ceased_reason.expected");
  /* k on a whole-number percentage: suppressed, below 0.5. */
  const cc_observation *o = must_find(src, "dfe_percentage_child_moved_abroad", "E10000016", "all", "2023/24");
  ck_assert(o->flags & CC_OBS_SUPPRESSED);
  ck_assert_double_eq(o->bound, 0.5);
  ck_assert_double_eq(must_find(src, "dfe_number_accommodation_on_remand_ended", "E92000001", "all", "2023/24")->value, 150);
  finish(src, dir);
}
END_TEST

START_TEST(test_ees_rename) {
  cc_import_options opt = cc_import_options_default();
  opt.filters[opt.n_filters++] = "cla_group=Reason episode ceased";
  opt.renames[opt.n_renames++] = "Child moved abroad=abroad";
  opt.renames[opt.n_renames++] = "number=children";
  char *dir;
  cc_source *src = import_and_read("dfe-ees", IMPORT_DIR "/ees_ceased_excerpt.csv", &opt, &dir);
  ck_assert_double_eq(must_find(src, "dfe_children_abroad", "E10000016", "all", "2023/24")->value, 7);
  ck_assert_ptr_nonnull(cc_manifest_measure(src->manifest, "dfe_percentage_abroad"));
  finish(src, dir);
}
END_TEST

START_TEST(test_snpp_single_years) {
  cc_import_options opt = cc_import_options_default();
  opt.release = "2022-based";
  char *dir;
  cc_source *src = import_and_read("ons-snpp", IMPORT_DIR "/snpp2022_excerpt.csv", &opt, &dir);
  ck_assert_uint_eq(src->n_obs, 6 * 26); /* six rows, 2022..2047 */
  ck_assert_double_eq(must_find(src, "ons_snpp_population", "E08000019", "0-0", "2022")->value, 5857);
  ck_assert_double_eq(must_find(src, "ons_snpp_population", "E08000019", "90+", "2047")->value, 8550.667);
  ck_assert_double_eq(must_find(src, "ons_snpp_population", "E08000019", "all", "2047")->value, 651588.852);
  const cc_manifest *m = src->manifest;
  ck_assert_int_eq(m->organisation, CC_ORG_ONS);
  ck_assert_str_eq(m->release, "2022-based");
  ck_assert_str_eq(area_name(m, "E08000019"), "Sheffield");
  const cc_measure_def *def = cc_manifest_measure(m, "ons_snpp_population");
  ck_assert_int_eq(def->freq, CC_FREQ_YEAR);
  ck_assert_int_eq(def->kind, CC_KIND_STOCK);
  ck_assert_str_eq(def->unit, "persons");
  finish(src, dir);
}
END_TEST

START_TEST(test_snpp_bands) {
  /* Sums worked out from the excerpt by a separate script (Python, summing the
   * published cells), not by this code. The file writes 90 and over as 90. */
  static const struct {
    const char *code, *band, *year;
    double value;
  } want[] = {
      {"E06000012", "65-74", "2016", 16905},     {"E06000012", "65-74", "2041", 18255.487},
      {"E06000012", "85+", "2016", 4159},        {"E06000012", "85+", "2041", 8017.419},
      {"E06000012", "60+", "2041", 50751.604},   {"E08000019", "65-74", "2016", 48971},
      {"E08000019", "65-74", "2041", 58104.201}, {"E08000019", "85+", "2016", 12736},
      {"E08000019", "85+", "2041", 22912.684},   {"E08000019", "60+", "2041", 156365.572},
  };
  cc_import_options opt = cc_import_options_default();
  opt.age_bands = "65-74,85+,60+";
  opt.measure = "snpp2016_population";
  char *dir;
  cc_source *src = import_and_read("ons-snpp", IMPORT_DIR "/snpp2016_excerpt.csv", &opt, &dir);
  ck_assert_uint_eq(src->n_obs, 2 * 3 * 26);
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    ck_assert_double_eq_tol(must_find(src, "snpp2016_population", want[i].code, want[i].band, want[i].year)->value,
                            want[i].value, SUM_TOLERANCE);
  ck_assert_uint_eq(src->manifest->n_areas, 0); /* the file names no areas */
  finish(src, dir);
}
END_TEST

START_TEST(test_sfr) {
  cc_import_options opt = cc_import_options_default();
  opt.age_band = "0-17";
  char *dir;
  cc_source *src = import_and_read("dfe-sfr", IMPORT_DIR "/SFR50_CLA2017.csv", &opt, &dir);
  /* The row 55,E08000019,LA,373,Sheffield,584,829,0,...: at 31 March 2017 and during 2016/17. */
  ck_assert_double_eq(must_find(src, "dfe_cla_mar", "E08000019", "0-17", "2016/17")->value, 584);
  ck_assert_double_eq(must_find(src, "dfe_cla", "E08000019", "0-17", "2016/17")->value, 829);
  ck_assert_double_eq(must_find(src, "dfe_cla_mar", "E12000007", "0-17", "2016/17")->value, 9910); /* London, not Inner London */
  const cc_observation *o = must_find(src, "dfe_cla_placeo", "E08000019", "0-17", "2016/17"); /* published x */
  ck_assert(o->flags & CC_OBS_SUPPRESSED);
  ck_assert_double_eq(o->bound, 5.0);
  const cc_manifest *m = src->manifest;
  ck_assert_int_eq(cc_manifest_measure(m, "dfe_cla_mar")->kind, CC_KIND_STOCK);
  ck_assert_int_eq(cc_manifest_measure(m, "dfe_cla")->kind, CC_KIND_FLOW);
  ck_assert_int_eq(cc_manifest_measure(m, "dfe_cla_netgain")->kind, CC_KIND_AMOUNT);
  ck_assert_ptr_null(cc_manifest_measure(m, "dfe_la_order"));
  ck_assert_str_eq(area_name(m, "E12000007"), "LONDON");
  ck_assert_ptr_nonnull(strstr(m->description, "(INNER LONDON, OUTER LONDON)"));
  finish(src, dir);
  /* A spreadsheet error left in a published file is a missing value. */
  src = import_and_read("dfe-sfr", IMPORT_DIR "/SFR36_CLA2013.csv", &opt, &dir);
  o = must_find(src, "dfe_cla_netgain", "E92000001", "0-17", "2012/13");
  ck_assert(isnan(o->value) && o->flags == 0);
  finish(src, dir);
}
END_TEST

/* Import text (written to a temporary NAME) and expect an error: its field,
 * its line, and a piece of its message. */
static void expect_error(const char *format, const char *name, const char *text, cc_import_options *opt,
                         cc_status status, long line, const char *field, const char *message_part) {
  char *dir = cc_test_tmpdir();
  char *path = cc_test_write(dir, name, text);
  opt->refreshed = opt->refreshed ? opt->refreshed : REFRESHED;
  cc_import_result *res = NULL;
  cc_error err;
  cc_error_clear(&err);
  char message[2048];
  cc_status got = cc_import_file(format, path, opt, &res, &err);
  cc_error_format(&err, message, sizeof message);
  ck_assert_msg(got == status, "%s: status %d, expected %d (%s)", name, got, status, message);
  ck_assert_ptr_null(res);
  ck_assert_msg(err.line == line, "%s: line %ld, expected %ld (%s)", name, err.line, line, message);
  ck_assert_msg(strcmp(err.field, field) == 0, "%s: field '%s', expected '%s' (%s)", name, err.field, field, message);
  ck_assert_msg(strstr(err.message, message_part), "%s: message lacks '%s': %s", name, message_part, message);
  if (line > 0) ck_assert_msg(strcmp(err.file, path) == 0, "%s: error names %s", name, err.file);
  free(path);
  cc_test_rmtree(dir);
  free(dir);
}

#define EES_HEADER "time_period,time_identifier,geographic_level,country_code,country_name,new_la_code,la_name,referral_count\n"

START_TEST(test_errors) {
  cc_import_options opt = cc_import_options_default();
  expect_error("dfe-xyz", "a.csv", EES_HEADER, &opt, CC_EINPUT, 0, "--format", "dfe-ees, dfe-sfr, ons-snpp");
  /* A file of another layout names the column it lacks. */
  expect_error("dfe-ees", "snpp.csv", "AREA_CODE,AGE_GROUP,2016\nE08000019,60,1\n", &opt, CC_EINPUT, 1, "time_period",
               "not a dfe-ees table");
  expect_error("ons-snpp", "ees.csv", EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &opt, CC_EINPUT, 1, "AREA_CODE", "not an ons-snpp table");
  /* Bad cells: FILE:LINE: column. */
  expect_error("dfe-ees", "cell.csv",
               EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n"
                          "2024,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,1O4\n"
                          "2023,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,12\n",
               &opt, CC_EINPUT, 3, "referral_count", "'1O4' is not a number or a DfE symbol");
  expect_error("dfe-ees", "period.csv", EES_HEADER "20x5,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &opt, CC_EINPUT, 2, "time_period", "'20x5'");
  expect_error("dfe-ees", "fy.csv", EES_HEADER "202426,Financial year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &opt, CC_EINPUT, 2, "time_period", "YYYYYY");
  expect_error("dfe-ees", "academic.csv", EES_HEADER "202425,Academic year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &opt, CC_EINPUT, 2, "time_identifier", "'Academic year'");
  expect_error("dfe-ees", "code.csv", EES_HEADER "2025,Reporting year,Local authority,E92000001,England,Sheffield,Sheffield,10\n",
               &opt, CC_EINPUT, 2, "new_la_code", "not an ONS code");
  expect_error("dfe-ees", "level.csv", EES_HEADER "2025,Reporting year,School,E92000001,England,E08000019,Sheffield,10\n",
               &opt, CC_EINPUT, 2, "geographic_level", "--level");
  expect_error("dfe-ees", "repeat.csv",
               EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n"
                          "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,11\n",
               &opt, CC_EINPUT, 3, "value", "line 2");
  cc_import_options filtered = cc_import_options_default();
  filtered.filters[filtered.n_filters++] = "category=Total";
  expect_error("dfe-ees", "filter.csv", EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &filtered, CC_EINPUT, 1, "--filter", "no column 'category'");
  cc_import_options prefixed = cc_import_options_default();
  prefixed.measure_prefix = "a_very_long_prefix_that_will_not_leave_room_for_the_column_";
  expect_error("dfe-ees", "long.csv", EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &prefixed, CC_EINPUT, 2, "measure", "longer than 63");
  cc_import_options badid = cc_import_options_default();
  badid.source_id = "Bad-Id";
  expect_error("dfe-ees", "id.csv", EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &badid, CC_EINPUT, 0, "--source-id", "not a source id");
  cc_import_options baddate = cc_import_options_default();
  baddate.refreshed = "29/11/2026";
  expect_error("dfe-ees", "date.csv", EES_HEADER "2025,Reporting year,Local authority,E92000001,England,E08000019,Sheffield,10\n",
               &baddate, CC_EINPUT, 0, "--refreshed", "YYYY-MM-DD");
  /* ons-snpp cells and bands. */
  expect_error("ons-snpp", "age.csv", "AREA_CODE,AGE_GROUP,2016\nE08000019,60,1\nE08000019,ninety,2\n", &opt, CC_EINPUT, 3,
               "AGE_GROUP", "'ninety' is not an age");
  expect_error("ons-snpp", "number.csv", "AREA_CODE,AGE_GROUP,2016,2017\nE08000019,60,1,2\nE08000019,61,2,x\n", &opt,
               CC_EINPUT, 3, "2017", "'x' is not a number");
  expect_error("ons-snpp", "years.csv", "AREA_CODE,AGE_GROUP,total\nE08000019,60,1\n", &opt, CC_EINPUT, 1, "",
               "no year columns");
  cc_import_options banded = cc_import_options_default();
  banded.age_bands = "60-62";
  expect_error("ons-snpp", "band.csv", "AREA_CODE,AGE_GROUP,2016\nE08000019,60,1\nE08000019,61,2\n", &banded, CC_EINPUT, 2,
               "--age-bands", "band 60-62 needs age 62");
  expect_error("ons-snpp", "twice.csv", "AREA_CODE,AGE_GROUP,2016\nE08000019,60,1\nE08000019,60,2\n", &opt, CC_EINPUT, 3,
               "AGE_GROUP", "line 2");
  expect_error("ons-snpp", "negative.csv", "AREA_CODE,AGE_GROUP,2016\nE08000019,60,1\nE08000019,61,-2\n", &opt, CC_EINPUT,
               3, "2016", "-2 is negative");
  expect_error("dfe-sfr", "years.csv", "New_geog_code,geog_l,geog_n,CLA_Mar2016,CLA_2017\nE08000019,LA,Sheffield,1,2\n",
               &opt, CC_EINPUT, 1, "CLA_2017", "one file is one year");
  expect_error("dfe-sfr", "sfrcell.csv", "New_geog_code,geog_l,geog_n,CLA_Mar2017\nE08000019,LA,Sheffield,*\n", &opt,
               CC_EINPUT, 2, "CLA_Mar2017", "'*' is not a number, x");
  /* The CSV itself: rows of the wrong length. */
  expect_error("ons-snpp", "ragged.csv", "AREA_CODE,AGE_GROUP,2016\nE08000019,60\n", &opt, CC_EINPUT, 2, "row",
               "expected 3 fields");
}
END_TEST

START_TEST(test_write_errors) {
  cc_import_options opt = cc_import_options_default();
  opt.refreshed = REFRESHED;
  cc_import_result *res = NULL;
  cc_error err;
  ck_assert_int_eq(cc_import_file("ons-snpp", IMPORT_DIR "/snpp2022_excerpt.csv", &opt, &res, &err), CC_OK);
  char csv_path[1024];
  ck_assert_int_eq(cc_import_write(res, "/nonexistent/carecast-import", csv_path, sizeof csv_path, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "--out");
  ck_assert_int_eq(cc_import_write(res, "/proc", csv_path, sizeof csv_path, &err), CC_EIO); /* a folder no one may write */
  cc_import_summary s = cc_import_result_summary(res);
  ck_assert_uint_eq(s.rows_read, 6);
  ck_assert_uint_eq(s.observations, 156);
  ck_assert_uint_eq(s.local_authorities, 1);
  cc_import_result_free(res);
  cc_import_result_free(NULL);
}
END_TEST

/* Seeded byte mutations of the excerpts: an import must never crash, and
 * either succeed (and then read back) or fail with a message naming the file. */
#define FUZZ_ITERATIONS 100 /* mutated files per excerpt (each written and synced: keep it small) */
#define FUZZ_SEED 20261129u

static uint32_t next_random(uint32_t *state) { /* xorshift32: fixed, so a failing iteration replays */
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

START_TEST(test_fuzz) {
  static const struct {
    const char *format, *file;
  } cases[] = {{"dfe-ees", "ees_cpp_excerpt.csv"}, {"dfe-ees", "ees_ceased_excerpt.csv"}, {"ons-snpp", "snpp2022_excerpt.csv"}};
  static const char alphabet[] = "0123456789,\"\n.cxzku-E ";
  char *dir = cc_test_tmpdir();
  uint32_t state = FUZZ_SEED;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    char *original_path = cc_test_path(IMPORT_DIR, cases[c].file);
    char *original = slurp(original_path);
    free(original_path);
    size_t len = strlen(original);
    for (int it = 0; it < FUZZ_ITERATIONS; it++) {
      char *text = strdup(original);
      int edits = 1 + (int)(next_random(&state) % 4);
      for (int e = 0; e < edits; e++) text[next_random(&state) % len] = alphabet[next_random(&state) % (sizeof alphabet - 1)];
      char *path = cc_test_write(dir, "fuzz.csv", text);
      cc_import_options opt = cc_import_options_default();
      opt.refreshed = REFRESHED;
      opt.source_id = "fuzz";
      cc_import_result *res = NULL;
      cc_error err;
      cc_error_clear(&err);
      cc_status status = cc_import_file(cases[c].format, path, &opt, &res, &err);
      if (status == CC_OK) {
        char csv_path[1024];
        ck_assert_int_eq(cc_import_write(res, dir, csv_path, sizeof csv_path, &err), CC_OK);
        cc_source *src = NULL;
        char message[2048];
        ck_assert_msg(cc_source_read(csv_path, &src, NULL, &err) == CC_OK, "%s iteration %d: does not read back: %s",
                      cases[c].file, it, cc_error_format(&err, message, sizeof message));
        cc_source_free(src);
      } else {
        ck_assert_msg(status == CC_EINPUT, "%s iteration %d: status %d", cases[c].file, it, status);
        ck_assert_msg(err.file[0] == '\0' || strcmp(err.file, path) == 0, "%s iteration %d: error names %s", cases[c].file,
                      it, err.file);
      }
      cc_import_result_free(res);
      free(path);
      free(text);
    }
    free(original);
  }
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

static Suite *import_suite(void) {
  Suite *suite = suite_create("import");
  TCase *ees = tcase_create("dfe-ees");
  tcase_add_test(ees, test_ees_symbols_golden);
  tcase_add_test(ees, test_ees_levels_and_age_band);
  tcase_add_test(ees, test_ees_age_column);
  tcase_add_test(ees, test_ees_filter_split_and_k);
  tcase_add_test(ees, test_ees_rename);
  suite_add_tcase(suite, ees);
  TCase *snpp = tcase_create("ons-snpp");
  tcase_add_test(snpp, test_snpp_single_years);
  tcase_add_test(snpp, test_snpp_bands);
  suite_add_tcase(suite, snpp);
  TCase *sfr = tcase_create("dfe-sfr");
  tcase_add_test(sfr, test_sfr);
  suite_add_tcase(suite, sfr);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_errors);
  tcase_add_test(errors, test_write_errors);
  tcase_add_test(errors, test_fuzz);
  suite_add_tcase(suite, errors);
  return suite;
}

int main(void) { return cc_test_run_suite(import_suite()); }
