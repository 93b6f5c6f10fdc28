/* test_panel.c: the link run (panel.h) on small stores written here: parts
 * adding up to a common band, a straddling band split by population worked
 * by hand, suppression carried through a split, and every reason a series is
 * left out (no population, overlapping parts, a part never completed, a rate
 * in a band of its own, two series for one panel series, an unknown place);
 * lower-tier districts added up to their county, and the sets of districts
 * that cannot be; a second run changes nothing. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/link/strmap.h"
#include "carecast/panel.h"
#include "testutil.h"

#define VALUE_TOLERANCE 1e-9

typedef struct spec {
  const char *measure, *geography, *band;
  cc_kind kind;
  const char *start;
  size_t n;
  double values[4];
} spec;

static cc_series *make(const spec *sp) {
  cc_series *s = cc_series_alloc(sp->n);
  cc_error err;
  ck_assert_ptr_nonnull(s);
  cc_series_make_id(sp->measure, sp->geography, sp->band, s->id, sizeof s->id);
  snprintf(s->measure, sizeof s->measure, "%s", sp->measure);
  snprintf(s->geography, sizeof s->geography, "%s", sp->geography);
  snprintf(s->age_band, sizeof s->age_band, "%s", sp->band);
  snprintf(s->unit, sizeof s->unit, "people");
  s->kind = sp->kind;
  ck_assert(cc_period_parse(sp->start, &s->start, &err) == CC_OK);
  s->freq = s->start.freq;
  s->source_ids = strdup("test");
  for (size_t i = 0; i < sp->n; i++) {
    s->values[i] = sp->values[i];
    s->flags[i] = isnan(sp->values[i]) ? 0 : CC_OBS_OBSERVED;
  }
  return s;
}

static char *write_store(const char *dir, const spec *specs, size_t n) {
  char *path = cc_test_path(dir, "store.h5");
  cc_store *store = NULL;
  cc_error err;
  ck_assert_msg(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err) == CC_OK, "%s", err.message);
  for (size_t i = 0; i < n; i++) {
    cc_series *s = make(&specs[i]);
    ck_assert_msg(cc_store_series_write(store, s, &err) == CC_OK, "%s", err.message);
    cc_series_free(s);
  }
  ck_assert(cc_store_commit(store, &err) == CC_OK);
  cc_store_close(store);
  return path;
}

static void run_link(const char *path, cc_link_report *report) {
  cc_store *store = NULL;
  cc_error err;
  ck_assert(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err) == CC_OK);
  cc_link_options opt = cc_link_options_default();
  opt.lookups_dir = CC_PROJECT_DIR "/data/lookups";
  ck_assert_msg(cc_link_run(store, &opt, report, &err) == CC_OK, "%s", err.message);
  if (report->changed) ck_assert(cc_store_commit(store, &err) == CC_OK);
  cc_store_close(store);
}

static cc_series *panel(const char *path, const char *key) {
  cc_store *store = NULL;
  cc_series *s = NULL;
  cc_error err;
  ck_assert(cc_store_open(path, CC_STORE_READ, NULL, &store, &err) == CC_OK);
  ck_assert_msg(cc_store_panel_read(store, key, &s, &err) == CC_OK, "%s: %s", key, err.message);
  cc_store_close(store);
  return s;
}

static int has_line(const cc_link_lines *lines, const char *part) {
  for (size_t i = 0; i < lines->n; i++)
    if (strstr(lines->items[i], part)) return 1;
  return 0;
}

/* A second link run leaves the panel as it was; then the store's folder goes. */
static void second_run_changes_nothing(char *dir, char *path) {
  cc_link_report report;
  run_link(path, &report);
  ck_assert(!report.changed);
  cc_link_report_free(&report);
  cc_test_rmtree(dir);
  free(path);
  free(dir);
}

#define POP(geo, band, value) {"population", geo, band, CC_KIND_STOCK, "2023", 2, {value, value}}

START_TEST(test_parts_and_splits) {
  const spec specs[] = {
      POP("E08000019", "0-17", 1800), POP("E08000019", "18-64", 4700), POP("E08000019", "65-74", 1000),
      POP("E08000019", "75-84", 600), POP("E08000019", "85+", 300),
      /* Parts that add up to 65+ (no 65+ given whole). */
      {"visits", "Sheffield", "65-74", CC_KIND_FLOW, "2024-01", 3, {10, 11, 12}},
      {"visits", "Sheffield", "75+", CC_KIND_FLOW, "2024-01", 3, {5, NAN, 7}},
      /* 0-15, 16-24 (split), 25-64: 0-17 and 18-64. */
      {"visits", "Sheffield", "0-15", CC_KIND_FLOW, "2024-01", 2, {40, 41}},
      {"visits", "Sheffield", "16-24", CC_KIND_FLOW, "2024-01", 2, {90, NAN}},
      {"visits", "Sheffield", "25-64", CC_KIND_FLOW, "2024-01", 2, {200, 201}},
  };
  char *dir = cc_test_tmpdir();
  char *path = write_store(dir, specs, sizeof specs / sizeof *specs);
  /* Suppress February's 16-24 (bound 5). */
  cc_store *store = NULL;
  cc_error err;
  cc_series *s = NULL;
  ck_assert(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err) == CC_OK);
  ck_assert(cc_store_series_read(store, "visits/Sheffield/16-24", &s, &err) == CC_OK);
  s->flags[1] = CC_OBS_SUPPRESSED;
  s->bounds[1] = 5;
  ck_assert(cc_store_series_write(store, s, &err) == CC_OK);
  ck_assert(cc_store_commit(store, &err) == CC_OK);
  cc_store_close(store);
  cc_series_free(s);

  cc_link_report report;
  run_link(path, &report);
  ck_assert_msg(report.unlinked.n == 0, "%s", report.unlinked.n ? report.unlinked.items[0] : "");
  ck_assert(report.changed);
  ck_assert(has_line(&report.split, "visits/Sheffield/16-24 -> 0-17, 18-64"));
  ck_assert(has_line(&report.combined, "visits/E08000019/65+ <- visits/Sheffield/65-74 + visits/Sheffield/75+"));
  /* 65+: 10+5, missing (75+ has no February), 12+7. */
  cc_series *old = panel(path, "month/visits/E08000019/65+");
  ck_assert(old->values[0] == 15 && isnan(old->values[1]) && old->flags[1] == 0 && old->values[2] == 19);
  ck_assert(old->flags[0] == CC_OBS_OBSERVED);
  cc_series *q = panel(path, "quarter/visits/E08000019/65+");
  ck_assert(isnan(q->values[0])); /* February is missing, so is the quarter */
  /* By hand: 16-17 is 2/18 of 1,800 = 200, 18-24 is 7/47 of 4,700 = 700: shares 2/9 and 7/9. */
  cc_series *young = panel(path, "month/visits/E08000019/0-17"), *adult = panel(path, "month/visits/E08000019/18-64");
  ck_assert(fabs(young->values[0] - (40 + 90 * 2.0 / 9.0)) < VALUE_TOLERANCE);
  ck_assert(fabs(adult->values[0] - (200 + 90 * 7.0 / 9.0)) < VALUE_TOLERANCE);
  ck_assert(young->flags[0] == CC_OBS_IMPUTED);
  /* February: suppressed 16-24 (at most 5) makes both suppressed, bounds 41 + 5 x 2/9 and 201 + 5 x 7/9. */
  ck_assert(isnan(young->values[1]) && (young->flags[1] & CC_OBS_SUPPRESSED));
  ck_assert(fabs(young->bounds[1] - (41 + 5 * 2.0 / 9.0)) < VALUE_TOLERANCE);
  ck_assert(fabs(adult->bounds[1] - (201 + 5 * 7.0 / 9.0)) < VALUE_TOLERANCE);
  cc_series_free(old);
  cc_series_free(q);
  cc_series_free(young);
  cc_series_free(adult);
  cc_link_report_free(&report);
  second_run_changes_nothing(dir, path);
}
END_TEST

START_TEST(test_reasons_to_leave_out) {
  const spec specs[] = {
      POP("E06000012", "0-17", 3400),
      {"visits", "North East Lincolnshire", "16-24", CC_KIND_FLOW, "2024-01", 1, {9}},    /* population lacks 18-64 */
      {"visits", "North East Lincolnshire", "0-15", CC_KIND_FLOW, "2024-01", 1, {9}},
      {"calls", "E06000012", "65-79", CC_KIND_FLOW, "2024-01", 1, {3}},                    /* overlaps the next */
      {"calls", "E06000012", "75-84", CC_KIND_FLOW, "2024-01", 1, {3}},
      {"calls", "E06000012", "85+", CC_KIND_FLOW, "2024-01", 1, {3}},
      {"rate_thing", "E06000012", "16-24", CC_KIND_RATE, "2024-01", 1, {0.5}},             /* a rate in its own band */
      {"walks", "E06000012", "0-4", CC_KIND_FLOW, "2024-01", 1, {2}},                      /* never completed */
      {"dupes", "E06000012", "all", CC_KIND_FLOW, "2024-01", 1, {2}},                      /* one panel series, twice */
      {"dupes", "North East Lincolnshire", "all", CC_KIND_FLOW, "2024-01", 1, {2}},
      {"dupes", "Narnia", "all", CC_KIND_FLOW, "2024-01", 1, {2}},                         /* unknown place */
  };
  char *dir = cc_test_tmpdir();
  char *path = write_store(dir, specs, sizeof specs / sizeof *specs);
  cc_link_report report;
  run_link(path, &report);
  ck_assert(has_line(&report.unlinked, "visits/North East Lincolnshire/16-24: visits/E06000012/0-17 cannot be built: the population bands do not cover every age in 16-24"));
  ck_assert(has_line(&report.unlinked, "visits/North East Lincolnshire/0-15: visits/E06000012/0-17 cannot be built"));
  ck_assert_uint_eq(report.unlinked.n, 9); /* each series once */
  ck_assert(has_line(&report.unlinked, "calls/E06000012/75-84: ages 75-84 of calls/E06000012/65+ are already supplied by calls/E06000012/65-79"));
  ck_assert(has_line(&report.unlinked, "rate_thing/E06000012/16-24: a rate in the band 16-24"));
  ck_assert(has_line(&report.unlinked, "walks/E06000012/0-4: its part of walks/E06000012/0-17 is never completed"));
  ck_assert(has_line(&report.unlinked, "dupes/North East Lincolnshire/all: dupes/E06000012/all is already supplied by dupes/E06000012/all"));
  ck_assert(has_line(&report.unlinked, "dupes/Narnia/all: 'Narnia' matches no area"));
  ck_assert(has_line(&report.matched, "North East Lincolnshire -> E06000012"));
  /* What is left out is kept with the panel for later readers. */
  cc_store *store = NULL;
  cc_error err;
  char *note = NULL;
  ck_assert(cc_store_open(path, CC_STORE_READ, NULL, &store, &err) == CC_OK);
  ck_assert(cc_store_panel_get_note(store, "unlinked", &note, &err) == CC_OK);
  ck_assert(note && strstr(note, "Narnia"));
  free(note);
  cc_store_close(store);
  cc_link_report_free(&report);
  /* A folder without lookups is an error, and the store is not changed. */
  ck_assert(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err) == CC_OK);
  cc_link_options opt = cc_link_options_default();
  opt.lookups_dir = dir;
  ck_assert(cc_link_run(store, &opt, &report, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.file, "local_authorities.csv"), "%s", err.file);
  opt.lookups_dir = NULL;
  ck_assert(cc_link_run(store, &opt, &report, &err) == CC_EUSAGE);
  cc_store_close(store);
  cc_test_rmtree(dir);
  free(path);
  free(dir);
}
END_TEST

/* Districts: Buckinghamshire's four (by name and code) add up to the county,
 * which was recoded to the unitary E06000060 in 2020; East Sussex lacks
 * Wealden, so its four are left out naming it; a rate is not added up; a
 * district given twice is used once. */
START_TEST(test_district_sums) {
  const spec specs[] = {
      {"visits", "Aylesbury Vale", "all", CC_KIND_FLOW, "2024-01", 3, {10, 20, 30}},
      {"visits", "E07000005", "all", CC_KIND_FLOW, "2024-01", 3, {1, 2, 3}},               /* Chiltern */
      {"visits", "South Bucks District Council", "all", CC_KIND_FLOW, "2024-01", 3, {100, NAN, 300}},
      {"visits", "Wycombe", "all", CC_KIND_FLOW, "2023-12", 4, {7, 1000, 2000, 3000}},     /* a month earlier */
      {"visits", "E07000004", "all", CC_KIND_FLOW, "2024-01", 3, {5, 5, 5}},               /* Aylesbury Vale again */
      {"visits", "Eastbourne", "all", CC_KIND_FLOW, "2024-01", 1, {1}},
      {"visits", "Hastings", "all", CC_KIND_FLOW, "2024-01", 1, {1}},
      {"visits", "Lewes", "all", CC_KIND_FLOW, "2024-01", 1, {1}},
      {"visits", "Rother", "all", CC_KIND_FLOW, "2024-01", 1, {1}},
      {"rate_thing", "Cambridge", "all", CC_KIND_RATE, "2024-01", 1, {0.5}},
      /* Northamptonshire was split in 2021 along district lines: four districts make North Northamptonshire. */
      {"visits", "Corby", "all", CC_KIND_FLOW, "2024-01", 1, {1}},
      {"visits", "E07000152", "all", CC_KIND_FLOW, "2024-01", 1, {20}},
      {"visits", "Kettering", "all", CC_KIND_FLOW, "2024-01", 1, {300}},
      {"visits", "Wellingborough", "all", CC_KIND_FLOW, "2024-01", 1, {4000}},
      {"visits", "Daventry", "all", CC_KIND_FLOW, "2024-01", 1, {1}},                      /* West lacks two */
  };
  char *dir = cc_test_tmpdir();
  char *path = write_store(dir, specs, sizeof specs / sizeof *specs);
  cc_link_report report;
  run_link(path, &report);
  ck_assert(has_line(&report.matched, "Aylesbury Vale -> E07000004 Aylesbury Vale (district, by name; 1 series); "
                                      "district of county E10000002 (Buckinghamshire)"));
  ck_assert(has_line(&report.combined, "visits/E10000002/all <- the 4 districts of E10000002 (Buckinghamshire): "));
  ck_assert(has_line(&report.matched, "E10000002 -> E06000060 Buckinghamshire (local authority, by code, recoded from E10000002"));
  /* By hand: December only Wycombe (missing), 10+1+100+1000, missing (South Bucks has no February), 30+3+300+3000. */
  cc_series *bucks = panel(path, "month/visits/E06000060/all");
  ck_assert_uint_eq(bucks->n, 4);
  ck_assert(isnan(bucks->values[0]) && bucks->values[1] == 1111 && isnan(bucks->values[2]) && bucks->values[3] == 3333);
  ck_assert(bucks->flags[1] == CC_OBS_OBSERVED && bucks->flags[0] == 0 && bucks->flags[2] == 0);
  cc_series_free(bucks);
  ck_assert(has_line(&report.unlinked, "visits/E07000004/all: the district's visits/all is already supplied by "
                                        "visits/Aylesbury Vale/all"));
  ck_assert(has_line(&report.unlinked, "visits/Eastbourne/all: E07000061 (Eastbourne) is a district of E10000011 (East "
                                        "Sussex): visits/E10000011/all is the sum of all 5 of its "
                                        "districts, and 1 is missing: E07000065 (Wealden)"));
  ck_assert(has_line(&report.unlinked, "visits/Rother/all: E07000064 (Rother) is a district of E10000011"));
  ck_assert(has_line(&report.unlinked, "rate_thing/Cambridge/all: E07000008 (Cambridge) is a district of E10000003 "
                                        "(Cambridgeshire): a rate cannot be added up"));
  ck_assert(has_line(&report.combined, "visits/E06000061/all <- the 4 districts of E06000061 (North Northamptonshire): "));
  cc_series *north = panel(path, "month/visits/E06000061/all");
  ck_assert(north->n == 1 && north->values[0] == 4321);
  cc_series_free(north);
  ck_assert(has_line(&report.unlinked, "visits/Daventry/all: E07000151 (Daventry) is a district of E06000062 (West "
                                        "Northamptonshire): visits/E06000062/all is the sum of all 3 of its districts, "
                                        "and 2 are missing: E07000154 (Northampton), E07000155 (South Northamptonshire)"));
  ck_assert_uint_eq(report.unlinked.n, 7);
  ck_assert_uint_eq(report.series_read, 15);
  ck_assert_uint_eq(report.series_linked, 8);
  ck_assert_uint_eq(report.by_code, 3); /* E07000004, E07000005, E07000152: not the sum's E06000061 */
  cc_link_report_free(&report);
  second_run_changes_nothing(dir, path);
}
END_TEST

/* The hash map the run looks places and panel series up in, against a plain
 * array searched the obvious way, through many growths and replacements. */
START_TEST(test_strmap_oracle) {
  enum { KEYS = 3000, OPS = 20000 };
  static char keys[KEYS][16];
  static size_t values[KEYS];
  static int present[KEYS];
  memset(present, 0, sizeof present);
  for (size_t i = 0; i < KEYS; i++) snprintf(keys[i], sizeof keys[i], "k%zu/%zu", i * 7919 % 10007, i);
  cc_strmap map = {0};
  cc_error err;
  unsigned seed = 11u;
  for (int op = 0; op < OPS; op++) {
    size_t i = (size_t)rand_r(&seed) % KEYS, got = 0;
    if (rand_r(&seed) % 2) {
      values[i] = (size_t)op;
      present[i] = 1;
      ck_assert(cc_strmap_put(&map, keys[i], values[i], &err) == CC_OK);
    }
    int found = cc_strmap_get(&map, keys[i], &got);
    ck_assert_int_eq(found, present[i]);
    if (found) ck_assert_uint_eq(got, values[i]);
  }
  size_t count = 0;
  for (size_t i = 0; i < KEYS; i++) count += (size_t)present[i];
  ck_assert_uint_eq(map.count, count);
  ck_assert(!cc_strmap_get(&map, "absent", &count));
  cc_strmap_clear(&map);
  ck_assert(!cc_strmap_get(&map, keys[0], &count));
  cc_strmap_clear(&map);
}
END_TEST

static Suite *panel_suite(void) {
  Suite *suite = suite_create("panel");
  TCase *link = tcase_create("link");
  tcase_set_timeout(link, 30);
  tcase_add_test(link, test_parts_and_splits);
  tcase_add_test(link, test_reasons_to_leave_out);
  tcase_add_test(link, test_district_sums);
  tcase_add_test(link, test_strmap_oracle);
  suite_add_tcase(suite, link);
  return suite;
}

int main(void) { return cc_test_run_suite(panel_suite()); }
