/* test_geography.c: the geography lookups and matching (geography.h).
 * Jaro-Winkler against the worked examples of Winkler (1990) as usually
 * quoted; every matching stage and every refusal on the shipped lookups of
 * data/lookups; the ambiguous and unmatched cases and every loading error on
 * small lookups written here. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/geography.h"
#include "fixture.h"
#include "testutil.h"

#define JW_TOLERANCE 5e-4 /* the published examples are given to three decimals */
#define JW_REFERENCE_TOLERANCE 1e-12 /* jellyfish computes the same sums in double precision */
#define FUZZ_ROUNDS 4000         /* random texts thrown at the matcher */

static cc_geo_lookup *shipped(void) {
  cc_geo_lookup *lk = NULL;
  cc_error err;
  ck_assert_msg(cc_geo_lookup_load(CC_PROJECT_DIR "/data/lookups", &lk, &err) == CC_OK, "%s", err.message);
  return lk;
}

static cc_geo_match resolve_ok(const cc_geo_lookup *lk, const char *text, const char *code, cc_geo_method method) {
  cc_geo_match m;
  cc_error err;
  ck_assert_msg(cc_geo_resolve(lk, text, NULL, &m, &err) == CC_OK, "'%s' refused: %s", text, err.message);
  ck_assert_msg(strcmp(m.code, code) == 0, "'%s' linked to %s, expected %s", text, m.code, code);
  ck_assert_msg(m.method == method, "'%s' matched by %s, expected %s", text, cc_geo_method_name(m.method),
                cc_geo_method_name(method));
  return m;
}

/* text must be refused with a message containing each of the NULL-terminated parts. */
static void resolve_refused(const cc_geo_lookup *lk, const char *text, const char *const *parts) {
  cc_geo_match m;
  cc_error err;
  ck_assert_msg(cc_geo_resolve(lk, text, NULL, &m, &err) == CC_EINPUT, "'%s' accepted as %s", text, m.code);
  ck_assert_str_eq(err.field, "geography");
  for (size_t i = 0; parts[i]; i++)
    ck_assert_msg(strstr(err.message, parts[i]), "'%s': message lacks '%s': %s", text, parts[i], err.message);
}

START_TEST(test_jaro_winkler_published) {
  static const struct {
    const char *a, *b;
    double expected;
  } cases[] = {{"MARTHA", "MARHTA", 0.961}, {"DWAYNE", "DUANE", 0.840}, {"DIXON", "DICKSONX", 0.813},
               {"JELLYFISH", "SMELLYFISH", 0.896}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    double got = cc_jaro_winkler(cases[i].a, cases[i].b);
    ck_assert_msg(fabs(got - cases[i].expected) < JW_TOLERANCE, "%s/%s: %.4f, expected %.3f", cases[i].a, cases[i].b, got,
                  cases[i].expected);
    ck_assert_msg(fabs(cc_jaro_winkler(cases[i].b, cases[i].a) - got) < 1e-12, "not symmetric");
  }
  ck_assert(cc_jaro_winkler("sheffield", "sheffield") == 1.0);
  ck_assert(cc_jaro_winkler("", "sheffield") == 0.0);
  ck_assert(cc_jaro_winkler("abc", "xyz") == 0.0);
}
END_TEST

START_TEST(test_jaro_winkler_jellyfish) {
  cc_fixture *f = cc_fixture_load("jaro_winkler.csv");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_gt(f->n_rows, 1000);
  for (size_t r = 0; r < f->n_rows; r++) {
    const char *a = cc_fixture_text(f, r, "a"), *b = cc_fixture_text(f, r, "b");
    double expected = cc_fixture_number(f, r, "score"), got = cc_jaro_winkler(a, b);
    ck_assert_msg(fabs(got - expected) < JW_REFERENCE_TOLERANCE, "'%s'/'%s': %.15g, jellyfish %.15g", a, b, got, expected);
  }
  cc_fixture_free(f);
}
END_TEST

/* Random bytes, names with random edits, and long texts: never a crash, and
 * every answer is either a match to an area the lookup defines or CC_EINPUT. */
START_TEST(test_fuzz_resolve) {
  cc_geo_lookup *lk = shipped();
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&.,'-/()\xc3\xa9\t";
  unsigned seed = 20251129u;
  char text[300];
  for (int round = 0; round < FUZZ_ROUNDS; round++) {
    size_t len;
    if (round % 3 == 0) { /* a real name with a few random edits */
      const cc_geo_area *a = cc_geo_area_at(lk, (size_t)rand_r(&seed) % cc_geo_count(lk));
      snprintf(text, sizeof text, "%s", a->name);
      len = strlen(text);
      for (int edit = rand_r(&seed) % 3; edit >= 0 && len > 0; edit--)
        text[(size_t)rand_r(&seed) % len] = alphabet[(size_t)rand_r(&seed) % (sizeof alphabet - 1)];
    } else {
      len = (size_t)rand_r(&seed) % (round % 50 == 1 ? sizeof text - 1 : 24);
      for (size_t i = 0; i < len; i++) text[i] = (char)(1 + rand_r(&seed) % 255);
      text[len] = '\0';
    }
    cc_geo_match m;
    cc_error err;
    cc_status status = cc_geo_resolve(lk, text, NULL, &m, &err);
    ck_assert_msg(status == CC_OK || status == CC_EINPUT, "status %d", status);
    if (status == CC_OK) {
      const cc_geo_area *a = cc_geo_find(lk, m.code);
      ck_assert(a && a->status == CC_GEO_CURRENT);
      ck_assert(m.score >= CC_GEO_MIN_SCORE_DEFAULT && m.score <= 1.0);
    } else {
      ck_assert(err.message[0] != '\0');
    }
    char normalised[CC_GEO_NAME_MAX];
    cc_geo_normalise(text, normalised, sizeof normalised);
    double score = cc_jaro_winkler(text, normalised);
    ck_assert(score >= 0.0 && score <= 1.0);
  }
  cc_geo_lookup_free(lk);
}
END_TEST

START_TEST(test_normalise) {
  static const struct {
    const char *in, *out;
  } cases[] = {{"Sheffield City Council", "sheffield"},
               {"SHEFFIELD", "sheffield"},
               {"Sheffield MD", "sheffield"},
               {"  Sheffield  Metropolitan Borough Council ", "sheffield"},
               {"Kingston upon Hull, City of", "kingston upon hull"},
               {"St. Helens", "st helens"},
               {"Stockton-on-Tees Borough Council", "stockton on tees"},
               {"Royal Borough of Windsor & Maidenhead", "windsor and maidenhead"},
               {"NHS South Yorkshire Integrated Care Board", "south yorkshire icb"},
               {"South Yorkshire Police", "south yorkshire"},
               {"Council", "council"},
               {"City of London", "city of london"},
               {"London, City of", "london city of"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char buf[CC_GEO_NAME_MAX];
    cc_geo_normalise(cases[i].in, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, cases[i].out) == 0, "'%s' -> '%s', expected '%s'", cases[i].in, buf, cases[i].out);
  }
}
END_TEST

START_TEST(test_shipped_lookup_covers_england) {
  cc_geo_lookup *lk = shipped();
  size_t counts[CC_GEO_KIND_COUNT] = {0}, current = 0;
  for (size_t i = 0; i < cc_geo_count(lk); i++) {
    const cc_geo_area *a = cc_geo_area_at(lk, i);
    counts[a->kind]++;
    if (a->kind == CC_GEO_LOCAL_AUTHORITY && a->status == CC_GEO_CURRENT) {
      current++;
      ck_assert_msg(*a->police_force_area && *a->icbs, "%s has no police force area or ICB", a->code);
    }
  }
  /* 153 authorities with social care duties in 2025 (152 plus the Isles of Scilly), 42 ICBs, 39 forces. */
  ck_assert_uint_eq(current, 153);
  ck_assert_uint_eq(counts[CC_GEO_ICB], 42);
  ck_assert_uint_eq(counts[CC_GEO_POLICE_FORCE_AREA], 39);
  const cc_geo_area *sheffield = cc_geo_find(lk, "E08000019");
  ck_assert_str_eq(sheffield->name, "Sheffield");
  ck_assert_str_eq(sheffield->police_force_area, "E23000011");
  ck_assert_str_eq(sheffield->icbs, "E54000061");
  ck_assert(sheffield->icb_whole);
  ck_assert_str_eq(cc_geo_find(lk, "E06000012")->police_force_area, "E23000012");
  cc_geo_lookup_free(lk);
}
END_TEST

START_TEST(test_stages_on_shipped_lookup) {
  cc_geo_lookup *lk = shipped();
  resolve_ok(lk, "E08000019", "E08000019", CC_GEO_BY_CODE);
  resolve_ok(lk, "E23000011", "E23000011", CC_GEO_BY_CODE);
  resolve_ok(lk, "373", "E08000019", CC_GEO_BY_LEGACY_CODE);
  resolve_ok(lk, "00CG", "E08000019", CC_GEO_BY_LEGACY_CODE);
  resolve_ok(lk, "00FC", "E06000012", CC_GEO_BY_LEGACY_CODE);
  resolve_ok(lk, "47", "E10000034", CC_GEO_BY_LEGACY_CODE);   /* Worcestershire (typed as 46 before the cross-check) */
  resolve_ok(lk, "00EJ", "E06000047", CC_GEO_BY_LEGACY_CODE); /* County Durham, a 2009 unitary */
  resolve_ok(lk, "Sheffield", "E08000019", CC_GEO_BY_NAME);
  resolve_ok(lk, "North East Lincolnshire", "E06000012", CC_GEO_BY_NAME);
  resolve_ok(lk, "NE Lincs", "E06000012", CC_GEO_BY_NAME); /* an alias */
  resolve_ok(lk, "Sheffield City Council", "E08000019", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "SHEFFIELD", "E08000019", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "Sheffield MD", "E08000019", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "North East Lincolnshire Council", "E06000012", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "City of Kingston upon Hull", "E06000010", CC_GEO_BY_NAME);
  resolve_ok(lk, "Kingston upon Hull City Council", "E06000010", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "South Yorkshire Police", "E23000011", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "NHS South Yorkshire ICB", "E54000061", CC_GEO_BY_NORMALISED_NAME);
  cc_geo_match m = resolve_ok(lk, "Sheffeild", "E08000019", CC_GEO_BY_APPROXIMATE_NAME);
  ck_assert_msg(m.score > CC_GEO_MIN_SCORE_DEFAULT && m.score < 1.0, "score %.3f", m.score);
  m = resolve_ok(lk, "North East Lincolnshre", "E06000012", CC_GEO_BY_APPROXIMATE_NAME);
  ck_assert(m.score > CC_GEO_MIN_SCORE_DEFAULT && m.score < 1.0);
  /* A name shared by a county and a police force area: the local authority, and the note says so. */
  m = resolve_ok(lk, "Lancashire", "E10000017", CC_GEO_BY_NAME);
  ck_assert_msg(strstr(m.note, "E23000003"), "note: %s", m.note);
  cc_geo_lookup_free(lk);
}
END_TEST

START_TEST(test_boundary_changes) {
  cc_geo_lookup *lk = shipped();
  cc_geo_match m = resolve_ok(lk, "E08000020", "E08000037", CC_GEO_BY_CODE); /* Gateshead recoded in 2013 */
  ck_assert_str_eq(m.followed, "E08000020");
  resolve_ok(lk, "E06000048", "E06000057", CC_GEO_BY_CODE);                  /* Northumberland */
  resolve_ok(lk, "E10000023", "E06000065", CC_GEO_BY_CODE);                  /* North Yorkshire 2023 */
  resolve_ok(lk, "E10000027", "E06000066", CC_GEO_BY_CODE);                  /* Somerset 2023 */
  resolve_ok(lk, "E10000002", "E06000060", CC_GEO_BY_CODE);                  /* Buckinghamshire 2020 */
  resolve_ok(lk, "825", "E06000060", CC_GEO_BY_LEGACY_CODE);   /* one DfE code, old and new GSS code: one area */
  resolve_ok(lk, "North Yorkshire", "E06000065", CC_GEO_BY_NAME);
  resolve_refused(lk, "E10000021", (const char *const[]){"split", "E06000061", "E06000062", NULL});
  resolve_refused(lk, "928", (const char *const[]){"split", "E06000061", NULL});
  resolve_refused(lk, "E10000006", (const char *const[]){"split", "E06000063", "E06000064", NULL});
  resolve_refused(lk, "E06000028", (const char *const[]){"merged", "E06000058", NULL});
  resolve_refused(lk, "E10000009", (const char *const[]){"split", "E06000059", NULL});
  cc_geo_lookup_free(lk);
}
END_TEST

/* Lower-tier districts: matched by code and name, the note naming the county;
 * the districts of a county; a district merged into a new one refused. */
START_TEST(test_districts) {
  cc_geo_lookup *lk = shipped();
  size_t in_current_counties = 0;
  for (size_t i = 0; i < cc_geo_count(lk); i++) {
    const cc_geo_area *a = cc_geo_area_at(lk, i);
    if (a->kind == CC_GEO_DISTRICT && a->status == CC_GEO_CURRENT &&
        cc_geo_find(lk, a->county)->status == CC_GEO_CURRENT)
      in_current_counties++;
  }
  ck_assert_uint_eq(in_current_counties, 164); /* the lower-tier districts of 2025 */
  cc_geo_match m = resolve_ok(lk, "E07000008", "E07000008", CC_GEO_BY_CODE);
  ck_assert(m.kind == CC_GEO_DISTRICT);
  ck_assert_msg(strstr(m.note, "district of county E10000003 (Cambridgeshire)"), "note: %s", m.note);
  m = resolve_ok(lk, "Cambridge", "E07000008", CC_GEO_BY_NAME);
  ck_assert_msg(strstr(m.note, "E10000003"), "note: %s", m.note);
  resolve_ok(lk, "Cambridge City Council", "E07000008", CC_GEO_BY_NORMALISED_NAME);
  resolve_ok(lk, "12UB", "E07000008", CC_GEO_BY_LEGACY_CODE); /* Cambridge's old ONS code */
  resolve_ok(lk, "King's Lynn and West Norfolk", "E07000146", CC_GEO_BY_NAME);
  resolve_ok(lk, "Kings Lynn & West Norfolk Borough Council", "E07000146", CC_GEO_BY_NORMALISED_NAME);
  /* An upper-tier authority still wins over a district of a similar name. */
  resolve_ok(lk, "Cambridgeshire", "E10000003", CC_GEO_BY_NAME);
  resolve_refused(lk, "E07000201", (const char *const[]){"merged", "E07000245", "2019", NULL}); /* Forest Heath */
  const cc_geo_area *list[16];
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E10000003", list, 16), 5);
  ck_assert_str_eq(list[0]->code, "E07000008");
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E10000029", list, 16), 5);   /* Suffolk since 2019 */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E10000002", list, 16), 4);   /* Buckinghamshire until 2020 */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E10000012", list, 2), 12);   /* Essex, more than asked for */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E06000012", list, 16), 0);   /* a unitary has none */
  /* Split counties: a district adds up to the unitary it became part of, if that unitary is made of districts alone. */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E10000021", list, 16), 7);   /* Northamptonshire */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E06000061", list, 16), 4);   /* North Northamptonshire */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E06000063", list, 16), 3);   /* Cumberland */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E06000059", list, 16), 5);   /* Dorset */
  ck_assert_uint_eq(cc_geo_districts_of(lk, "E06000058", list, 16), 0);   /* BCP took two unitaries as well */
  ck_assert_str_eq(cc_geo_district_total(cc_geo_find(lk, "E07000150")), "E06000061");
  ck_assert_str_eq(cc_geo_district_total(cc_geo_find(lk, "E07000048")), "E10000009"); /* Christchurch */
  ck_assert_str_eq(cc_geo_district_total(cc_geo_find(lk, "E07000008")), "E10000003");
  m = resolve_ok(lk, "Corby", "E07000150", CC_GEO_BY_NAME);
  ck_assert_msg(strstr(m.note, "district of county E10000021 (Northamptonshire), now part of E06000061"), "%s", m.note);
  cc_geo_lookup_free(lk);
}
END_TEST

START_TEST(test_unmatched_lists_nearest) {
  cc_geo_lookup *lk = shipped();
  resolve_refused(lk, "Atlantis", (const char *const[]){"matches no area", "nearest", "score", NULL});
  resolve_refused(lk, "E08999999", (const char *const[]){"not in the lookup", NULL});
  resolve_refused(lk, "", (const char *const[]){"matches no area", NULL});
  resolve_refused(lk, "999", (const char *const[]){"matches no area", NULL});
  resolve_refused(lk, "London", (const char *const[]){"matches no area", NULL}); /* not the City of London */
  cc_geo_lookup_free(lk);
}
END_TEST

/* A small lookup in a temporary folder; la_rows are the authority rows. */
static char *small_lookup(const char *la_rows, const char *aliases) {
  char *dir = cc_test_tmpdir();
  char text[4096];
  snprintf(text, sizeof text,
           "code,name,type,region,dfe_code,ons_legacy_code,police_force_area,status,successors,changed\n%s", la_rows);
  free(cc_test_write(dir, "local_authorities.csv", text));
  free(cc_test_write(dir, "districts.csv", "code,name,county,unitary,ons_legacy_code,status,successors,changed\n"));
  free(cc_test_write(dir, "integrated_care_boards.csv", "code,name\nE54000001,NHS Testshire Integrated Care Board\n"));
  free(cc_test_write(dir, "police_force_areas.csv", "code,name\nE23000001,Testshire\n"));
  free(cc_test_write(dir, "sub_icb_locations.csv", "code,ods_code,name,icb\nE38000001,00A,NHS Testshire ICB - 00A,E54000001\n"));
  free(cc_test_write(dir, "la_icb.csv", "la_code,icb_code,coverage\nE06000001,E54000001,whole\n"));
  snprintf(text, sizeof text, "alias,code\n%s", aliases);
  free(cc_test_write(dir, "aliases.csv", text));
  return dir;
}

#define ROW(code, name, dfe) code "," name ",unitary,X," dfe ",,E23000001,current,,\n"

START_TEST(test_ambiguous_names) {
  char *dir = small_lookup(ROW("E06000001", "Bexshira", "801") ROW("E06000002", "Bexshiro", "802")
                               ROW("E06000003", "Upton", "803") ROW("E06000004", "Upton Council", "804")
                               ROW("E06000005", "Mapleton", "805"),
                           "Twin,E06000001\n");
  cc_geo_lookup *lk = NULL;
  cc_error err;
  ck_assert_msg(cc_geo_lookup_load(dir, &lk, &err) == CC_OK, "%s", err.message);
  /* Two names equally near: ambiguous, both listed with their scores. */
  resolve_refused(lk, "Bexshire", (const char *const[]){"ambiguous", "E06000001", "E06000002", "score", NULL});
  /* Two areas with the same normalised name: ambiguous. */
  resolve_refused(lk, "UPTON", (const char *const[]){"ambiguous", "E06000003", "E06000004", NULL});
  /* Exact beats normalised: "Upton" is the name of one of them. */
  resolve_ok(lk, "Upton", "E06000003", CC_GEO_BY_NAME);
  /* A stricter threshold turns an approximate match into an error. */
  cc_geo_options strict = cc_geo_options_default();
  cc_geo_match m;
  ck_assert(cc_geo_resolve(lk, "Mapletown", NULL, &m, &err) == CC_OK && strcmp(m.code, "E06000005") == 0);
  strict.min_score = 0.999;
  ck_assert(cc_geo_resolve(lk, "Mapletown", &strict, &m, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "matches no area") && strstr(err.message, "E06000005"), "%s", err.message);
  cc_geo_lookup_free(lk);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

/* la_rows must fail to load with a message containing part, in file, naming field. */
static void load_refused(const char *la_rows, const char *aliases, const char *file, const char *field, const char *part) {
  char *dir = small_lookup(la_rows, aliases);
  cc_geo_lookup *lk = NULL;
  cc_error err;
  ck_assert_msg(cc_geo_lookup_load(dir, &lk, &err) == CC_EINPUT, "loaded: expected '%s'", part);
  ck_assert(lk == NULL);
  ck_assert_msg(strstr(err.file, file), "file %s, expected %s", err.file, file);
  ck_assert_str_eq(err.field, field);
  ck_assert_msg(strstr(err.message, part), "message: %s (expected '%s')", err.message, part);
  cc_test_rmtree(dir);
  free(dir);
}

START_TEST(test_sub_icb_locations) {
  cc_geo_lookup *lk = shipped();
  size_t n = 0;
  for (size_t i = 0; i < cc_geo_count(lk); i++)
    if (cc_geo_area_at(lk, i)->kind == CC_GEO_SUB_ICB) n++;
  ck_assert_uint_eq(n, 106); /* the sub-ICB locations of July 2022 */
  cc_geo_match m = resolve_ok(lk, "00L", "E38000130", CC_GEO_BY_LEGACY_CODE);
  ck_assert(m.kind == CC_GEO_SUB_ICB);
  ck_assert_msg(strstr(m.note, "sub-ICB location of ICB E54000050 (NHS North East and North Cumbria Integrated Care Board)"),
                "note: %s", m.note);
  ck_assert_str_eq(cc_geo_find(lk, "E38000130")->icbs, "E54000050");
  m = resolve_ok(lk, "E38000008", "E38000008", CC_GEO_BY_CODE); /* 02Q, Bassetlaw's former CCG */
  ck_assert_msg(strstr(m.note, "E54000060"), "note: %s", m.note);
  resolve_ok(lk, "NHS Derby and Derbyshire ICB - 15M", "E38000261", CC_GEO_BY_NAME);
  resolve_ok(lk, "D2P2L", "E38000259", CC_GEO_BY_LEGACY_CODE);
  /* The ICB's own name still links to the ICB, not to one of its locations. */
  m = resolve_ok(lk, "NHS Black Country Integrated Care Board", "E54000062", CC_GEO_BY_NAME);
  ck_assert(m.kind == CC_GEO_ICB && m.note[0] == '\0');
  cc_geo_lookup_free(lk);
  /* A sub-ICB location whose ICB is not an ICB of the lookup is refused. */
  char *dir = small_lookup(ROW("E06000001", "A", "1"), "");
  free(cc_test_write(dir, "sub_icb_locations.csv", "code,ods_code,name,icb\nE38000001,00A,X,E23000001\n"));
  cc_error err;
  ck_assert(cc_geo_lookup_load(dir, &lk, &err) == CC_EINPUT && lk == NULL);
  ck_assert_msg(strstr(err.file, "sub_icb_locations.csv") && !strcmp(err.field, "icb") && strstr(err.message, "E23000001"),
                "%s: %s", err.field, err.message);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

START_TEST(test_loading_errors) {
  load_refused(ROW("E06000001", "A", "1") "E06000002,B,unitary,X,2,,E23000001,renamed,,\n", "", "local_authorities.csv",
               "status", "not current");
  load_refused(ROW("E06000001", "A", "1") "E06000002,B,unitary,X,2,,E23000001,recoded,E06000009,2020\n", "",
               "local_authorities.csv", "successors", "E06000009");
  load_refused(ROW("E06000001", "A", "1") "E06000002,B,unitary,X,2,,E23000001,recoded,,2020\n", "",
               "local_authorities.csv", "successors", "replaced one");
  load_refused(ROW("E06000001", "A", "1") ROW("E06000003", "C", "3")
               "E06000002,B,unitary,X,2,,E23000001,recoded,E06000001;E06000003,2020\n",
               "", "local_authorities.csv", "successors", "exactly one");
  load_refused(ROW("E06000001", "A", "1") "E06000002,B,unitary,X,2,,E23000009,current,,\n", "", "local_authorities.csv",
               "police_force_area", "E23000009");
  load_refused(ROW("E06000001", "A", "1") ROW("E06000001", "B", "2"), "", "carecast-test", "code", "twice");
  load_refused(ROW("E06000001", "A", "1") "Sheffield,B,unitary,X,2,,E23000001,current,,\n", "", "local_authorities.csv",
               "code", "not a GSS code");
  load_refused(ROW("E06000001", "A", "1"), "Alias,E06000099\n", "aliases.csv", "code", "E06000099");
  load_refused(ROW("E06000001", "A", "1"), "\"Alias,E06000001\n", "aliases.csv", "row", "malformed quoting");
  load_refused(ROW("E06000001", "A", "1"), "Quoted \"x\" alias,E06000001\n", "aliases.csv", "row", "malformed quoting");
  load_refused(ROW("E06000001", "A", "1") "E06000002,B,unitary,X,2,,E23000001,current,,,extra\n", "",
               "local_authorities.csv", "row", "fields");
  cc_geo_lookup *lk = NULL;
  cc_error err;
  char *dir = small_lookup(ROW("E06000001", "A", "1"), "");
  free(cc_test_write(dir, "districts.csv",
                     "code,name,county,unitary,ons_legacy_code,status,successors,changed\nE07000001,D,E06000001,,,current,,\n"));
  ck_assert(cc_geo_lookup_load(dir, &lk, &err) == CC_EINPUT && lk == NULL);
  ck_assert_msg(strstr(err.file, "districts.csv") && !strcmp(err.field, "county") && strstr(err.message, "not a county"),
                "%s: %s", err.field, err.message);
  cc_test_rmtree(dir);
  free(dir);
  /* A unitary for a district of a county that was not split. */
  dir = small_lookup(ROW("E06000001", "A", "1") "E10000001,C,county,X,3,,E23000001,current,,\n", "");
  free(cc_test_write(dir, "districts.csv",
                     "code,name,county,unitary,ons_legacy_code,status,successors,changed\nE07000001,D,E10000001,E06000001,,current,,\n"));
  ck_assert(cc_geo_lookup_load(dir, &lk, &err) == CC_EINPUT && lk == NULL);
  ck_assert_msg(!strcmp(err.field, "unitary") && strstr(err.message, "that E10000001 was split into"), "%s: %s", err.field,
                err.message);
  free(cc_test_write(dir, "districts.csv", "code,name,county,unitary,ons_legacy_code,status,successors,changed\n"));
  free(cc_test_write(dir, "aliases.csv", "name,code\nB,E06000001\n"));
  ck_assert(cc_geo_lookup_load(dir, &lk, &err) == CC_EINPUT && lk == NULL);
  ck_assert_msg(strstr(err.message, "no column 'alias'") && err.line == 1, "%s", err.message);
  free(cc_test_write(dir, "aliases.csv", "alias,code\nB,E06000001\n\n\"C, the\",E06000001\nD,E06000001,x\n"));
  ck_assert(cc_geo_lookup_load(dir, &lk, &err) == CC_EINPUT);
  ck_assert_msg(err.line == 5, "the row with three fields is line 5, not %ld", err.line);
  cc_test_rmtree(dir);
  free(dir);
  ck_assert(cc_geo_lookup_load("/nonexistent/lookups", &lk, &err) != CC_OK);
  ck_assert(lk == NULL);
  cc_geo_lookup_free(NULL);
}
END_TEST

static Suite *geography_suite(void) {
  Suite *suite = suite_create("geography");
  TCase *strings = tcase_create("strings");
  tcase_add_test(strings, test_jaro_winkler_published);
  tcase_add_test(strings, test_normalise);
  tcase_add_test(strings, test_jaro_winkler_jellyfish);
  suite_add_tcase(suite, strings);
  TCase *matching = tcase_create("matching");
  tcase_add_test(matching, test_shipped_lookup_covers_england);
  tcase_add_test(matching, test_stages_on_shipped_lookup);
  tcase_add_test(matching, test_boundary_changes);
  tcase_add_test(matching, test_districts);
  tcase_add_test(matching, test_sub_icb_locations);
  tcase_add_test(matching, test_unmatched_lists_nearest);
  tcase_add_test(matching, test_ambiguous_names);
  tcase_add_test(matching, test_loading_errors);
  tcase_add_test(matching, test_fuzz_resolve);
  tcase_set_timeout(matching, 60);
  suite_add_tcase(suite, matching);
  return suite;
}

int main(void) { return cc_test_run_suite(geography_suite()); }
