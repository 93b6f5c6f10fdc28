/* test_demandspec.c: checking demand model files (demandspec.h): the
 * shipped files load, and each rule rejects a bad file naming its line and
 * key. The files' use against a store is tests/cli/test_demand.sh. */
#include <check.h>
#include <string.h>

#include "carecast/demandspec.h"
#include "testutil.h"

#define MODELS CC_PROJECT_DIR "/models/"

static const char stockflow_head[] = "type: stockflow\nname: m\ngeographies: [E08000019]\n";
static const char cohort_head[] = "type: cohort\nname: c\ngeographies: [E08000019]\n";

/* Parse text; expect CC_EINPUT at line with key. */
static void expect_rejected(const char *text, long line, const char *key, const char *words) {
  cc_demand_spec *s = NULL;
  cc_error err;
  cc_error_clear(&err);
  ck_assert_msg(cc_demand_spec_parse(text, strlen(text), "m.yaml", &s, &err) == CC_EINPUT, "accepted:\n%s", text);
  ck_assert_ptr_null(s);
  ck_assert_str_eq(err.file, "m.yaml");
  ck_assert_msg(err.line == line, "line %ld, expected %ld (%s)", err.line, line, err.message);
  ck_assert_str_eq(err.field, key);
  ck_assert_msg(strstr(err.message, words) != NULL, "message '%s' lacks '%s'", err.message, words);
}

static char *join(const char *a, const char *b) {
  static char buffer[4096];
  snprintf(buffer, sizeof buffer, "%s%s", a, b);
  return buffer;
}

START_TEST(shipped_files_load) {
  const char *files[] = {MODELS "asc_older_people.yaml", MODELS "children_social_care.yaml",
                         MODELS "asc_older_people_cohort.yaml"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    cc_demand_spec *s = NULL;
    cc_error err;
    ck_assert_msg(cc_demand_spec_load(files[i], &s, &err) == CC_OK, "%s: %s", files[i], err.message);
    ck_assert_uint_eq(s->n_geographies, 2);
    cc_demand_spec_free(s);
  }
  cc_demand_spec *s = NULL;
  cc_error err;
  ck_assert_int_eq(cc_demand_spec_load(MODELS "children_social_care.yaml", &s, &err), CC_OK);
  ck_assert_int_eq(s->type, CC_DEMAND_STOCKFLOW);
  ck_assert_uint_eq(s->n_states, 5);
  size_t k = s->n_states;
  /* child_protection_plan (1) -> looked_after_residential (3) is listed; residential -> other (4) is not */
  ck_assert_int_eq(s->allowed[1 * (k + 1) + 3], 1);
  ck_assert_int_eq(s->allowed[3 * (k + 1) + 4], 0);
  ck_assert_int_eq(s->allowed[3 * (k + 1) + k], 1); /* ending is always allowed */
  ck_assert_str_eq(s->states[2].entries.text, "");
  char id[CC_SERIES_ID_MAX];
  ck_assert_int_eq(cc_demand_series_id(s, &s->states[0].stock, "E06000012", NULL, id, sizeof id, &err), CC_OK);
  ck_assert_str_eq(id, "cs_cin_open/E06000012/0-17");
  ck_assert_int_eq(s->has_from, 1);
  cc_demand_spec_free(s);
}
END_TEST

START_TEST(rules_name_line_and_key) {
  expect_rejected("type: markov\nname: m\n", 1, "type", "not a model type");
  expect_rejected("type: stockflow\nname: M\ngeographies: [a]\n", 2, "name", "lower case");
  expect_rejected("type: stockflow\nname: m\n", 1, "geographies", "required field missing");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{geography}/all\nbogus: 1\n"), 7, "bogus", "unknown field");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    entries: s/{geography}/all\n"), 6, "stock", "required field missing");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{place}/all\n"), 6, "states.a.stock", "only {geography}");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{geography}/{band}\n"), 6, "states.a.stock", "{band}");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: just_a_measure\n"), 6, "states.a.stock", "not a series id");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{geography}/all\nmoves:\n  - [a, a]\n"), 8, "moves",
                  "staying is always allowed");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{geography}/all\nbootstrap: 20000\n"), 7, "bootstrap",
                  "whole number");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{geography}/all\nfrom: 2021\n"), 7, "from", "not a month");
  expect_rejected(join(stockflow_head, "states:\n  a:\n    stock: s/{geography}/all\nentry_model: prophet\n"), 7,
                  "entry_model", "not a model");
  expect_rejected(join(cohort_head, "bands: [65-74, 75+]\ndemand: d/{geography}/all\npopulation: p/{geography}/{band}\n"
                                    "projection: q/{geography}/{band}\n"),
                  5, "demand", "must contain {band}");
  expect_rejected(join(cohort_head, "bands: [65+, 65+]\n"), 4, "bands", "listed twice");
  expect_rejected(join(cohort_head, "bands: [65+]\ndemand: d/{geography}/{band}\npopulation: p/{geography}/{band}\n"
                                    "projection: q/{geography}/{band}\nrate_model: sometimes\n"),
                  8, "rate_model", "not a model");
  cc_demand_spec *s = NULL;
  cc_error err;
  ck_assert_int_eq(cc_demand_spec_load(MODELS "no_such_file.yaml", &s, &err), CC_EINPUT);
}
END_TEST

START_TEST(shrink_key) {
  /* paths are resolved against the model file's folder unless absolute */
  const char *text = "type: stockflow\nname: m\ngeographies: [E08000019]\n"
                     "states:\n  a:\n    stock: s/{geography}/all\n  b:\n    stock: t/{geography}/all\n"
                     "shrink:\n  neighbours: ../data/sn.csv\n  lookup: /srv/la.csv\n  rates: rates.csv\n"
                     "  states:\n    b: looked_after\n";
  cc_demand_spec *s = NULL;
  cc_error err;
  ck_assert_msg(cc_demand_spec_parse(text, strlen(text), "models/m.yaml", &s, &err) == CC_OK, "%s", err.message);
  ck_assert_int_eq(s->has_shrink, 1);
  ck_assert_str_eq(s->shrink.neighbours, "models/../data/sn.csv");
  ck_assert_str_eq(s->shrink.lookup, "/srv/la.csv");
  ck_assert_str_eq(s->shrink.rates, "models/rates.csv");
  ck_assert_int_eq(s->shrink.line, 10); /* its mapping starts on the line after `shrink:` */
  ck_assert_str_eq(s->states[0].shrink_rate, "");
  ck_assert_str_eq(s->states[1].shrink_rate, "looked_after");
  cc_demand_spec_free(s);
  /* a file in the current folder: paths as written */
  ck_assert_int_eq(cc_demand_spec_parse(text, strlen(text), "m.yaml", &s, &err), CC_OK);
  ck_assert_str_eq(s->shrink.rates, "rates.csv");
  cc_demand_spec_free(s);
  const char *head = "type: stockflow\nname: m\ngeographies: [a]\nstates:\n  a:\n    stock: s/{geography}/all\n";
  expect_rejected(join(head, "shrink: yes\n"), 7, "shrink", "must be a mapping");
  expect_rejected(join(head, "shrink:\n  neighbours: n.csv\n  lookup: l.csv\n  rates: r.csv\n  states:\n    z: x\n"), 12,
                  "shrink.states", "'z' is not one of the states");
  expect_rejected(join(head, "shrink:\n  neighbours: n.csv\n  lookup: l.csv\n  rates: r.csv\n"), 8, "shrink.states",
                  "required field missing");
  expect_rejected(join(head, "shrink:\n  neighbours: n.csv\n  rates: r.csv\n  states:\n    a: x\n"), 8, "lookup",
                  "required field missing");
  expect_rejected(join(head, "shrink:\n  neighbours: n.csv\n  lookup: l.csv\n  rates: r.csv\n  states: {a: x}\n  weight: 1\n"),
                  12, "weight", "unknown field");
}
END_TEST

/* A cohort file with these demand bands and population bands (lines 4 and 5). */
static const char *with_bands(const char *bands, const char *population) {
  static char buffer[1024];
  snprintf(buffer, sizeof buffer, "%sbands: %s\npopulation_bands: %s\ndemand: d/{geography}/{band}\n"
           "population: p/{geography}/{band}\nprojection: q/{geography}/{band}\n", cohort_head, bands, population);
  return buffer;
}

/* population_bands: each demand band built from the population's bands. */
START_TEST(population_bands_key) {
  const char *text = "type: cohort\nname: c\ngeographies: [E08000019]\nbands: [18-49, 50-64, 65+]\n"
                     "population_bands: [0-17, 18-39, 40-64, 65-79, 80+]\n"
                     "demand: d/{geography}/{band}\npopulation: p/{geography}/{band}\nprojection: q/{geography}/{band}\n";
  cc_demand_spec *s = NULL;
  cc_error err;
  ck_assert_msg(cc_demand_spec_parse(text, strlen(text), "m.yaml", &s, &err) == CC_OK, "%s", err.message);
  ck_assert_uint_eq(s->n_population_bands, 5);
  ck_assert_str_eq(s->population_bands[2], "40-64");
  ck_assert_int_eq(s->population_ranges[4].low, 80);
  ck_assert_int_eq(s->band_ranges[0].high, 50);
  ck_assert_int_eq(s->population_bands_line, 5);
  cc_demand_spec_free(s);
  /* a gap: no population band holds ages 40-44 */
  expect_rejected(with_bands("[18-49, 50-64, 65+]", "[0-17, 18-39, 45-64, 65-79, 80+]"), 5, "population_bands",
                  "demand band 18-49: the population bands do not cover every age in 18-49");
  /* an overlap: 60-64 in two population bands */
  expect_rejected(with_bands("[18-64, 65+]", "[18-64, 60+]"), 5, "population_bands", "18-64 and 60+ share ages");
  /* a finer demand band that would cut an open population band */
  expect_rejected(with_bands("[65-84, 85-89]", "[65-74, 75-84, 85+]"), 5, "population_bands",
                  "cannot split the open population band 85+");
  /* not age bands */
  expect_rejected(with_bands("[65+]", "[65-74, older]"), 5, "population_bands", "'older' is not an age band");
  expect_rejected(with_bands("[elderly]", "[65-74, 75+]"), 4, "bands", "'elderly' is not an age band");
  expect_rejected(with_bands("[65+]", "[]"), 5, "population_bands", "at least one");
  /* read at three population bands, the population template needs {band} even for one demand band */
  expect_rejected(join(cohort_head, "bands: [65+]\npopulation_bands: [65-74, 75-84, 85+]\ndemand: d/{geography}/{band}\n"
                                    "population: p/{geography}/65+\nprojection: q/{geography}/{band}\n"),
                  7, "population", "must contain {band}: it is read at 3 bands");
}
END_TEST

/* A state's entries led by an indicator: the template, its lag, and the rules. */
START_TEST(indicator_keys) {
  const char *head = "type: stockflow\nname: m\ngeographies: [a]\nstates:\n  a:\n    stock: s/{geography}/all\n";
  char text[1024];
  snprintf(text, sizeof text, "%s%s", head,
           "    entries: e/{geography}/all\n    indicator: nhs_emergency_admissions/{geography}/65+\n    indicator_lag: 2\n");
  cc_demand_spec *s = NULL;
  cc_error err;
  ck_assert_msg(cc_demand_spec_parse(text, strlen(text), "m.yaml", &s, &err) == CC_OK, "%s", err.message);
  ck_assert_str_eq(s->states[0].indicator.text, "nhs_emergency_admissions/{geography}/65+");
  ck_assert_str_eq(s->states[0].indicator.key, "states.a.indicator");
  ck_assert_int_eq(s->states[0].indicator.line, 8);
  ck_assert_int_eq(s->states[0].indicator_lag, 2);
  cc_demand_spec_free(s);
  expect_rejected(join(head, "    indicator: x/{geography}/all\n"), 7, "states.a.indicator", "has no entries");
  expect_rejected(join(head, "    entries: e/{geography}/all\n    indicator_lag: 1\n"), 8, "states.a.indicator_lag",
                  "needs an indicator");
  expect_rejected(join(head, "    entries: e/{geography}/all\n    indicator: x/{geography}/all\n    indicator_lag: 25\n"), 9,
                  "states.a.indicator_lag", "from 0 to 24");
  expect_rejected(join(head, "    entries: e/{geography}/all\n    indicator: x/{geography}/all\n    indicator_lag: -1\n"), 9,
                  "states.a.indicator_lag", "from 0 to 24");
  expect_rejected(join(head, "    entries: e/{geography}/all\n    indicator: not-a-series\n"), 8, "states.a.indicator",
                  "is not a series id");
  expect_rejected(join(head, "    entries: e/{geography}/all\n    indicator_future: x/{geography}/all\n"), 8,
                  "states.a.indicator_future", "a future needs an indicator");
}
END_TEST

/* episodes: the SSDA903 files, each geography's council and each state's SSDA903 states. */
START_TEST(episodes_key) {
  static const char head[] = "type: stockflow\nname: m\ngeographies: [E08000019, E06000012]\n"
                             "states:\n  young:\n    stock: y/{geography}/all\n  old:\n    stock: o/{geography}/all\n"
                             "episodes:\n  file: ../data/e.csv\n  header: h.csv\n";                    /* lines 1-11 */
  static const char councils[] = "  councils:\n    E08000019: Sheffield\n    E06000012: NE Lincs\n"; /* 12-14 */
  char text[2048];
  snprintf(text, sizeof text, "%s%s%s", head, councils,
           "  to: 2022-03\n  states:\n    young: [0-1, 1-5, 5-10]\n    old: [10-16, 16-18]\n");
  cc_demand_spec *s = NULL;
  cc_error err;
  ck_assert_msg(cc_demand_spec_parse(text, strlen(text), "models/m.yaml", &s, &err) == CC_OK, "%s", err.message);
  ck_assert_int_eq(s->has_episodes, 1);
  ck_assert_str_eq(s->episodes.file, "models/../data/e.csv");
  ck_assert_str_eq(s->episodes.header, "models/h.csv");
  ck_assert_str_eq(s->episodes.councils[1], "NE Lincs");
  ck_assert_int_eq(s->episodes.has_to, 1);
  ck_assert_uint_eq(s->states[0].ssda903_states, (1u << 9) - 1);                       /* brackets 0-1 to 5-10, every placement */
  ck_assert_uint_eq(s->states[1].ssda903_states, ((1u << 15) - 1) & ~((1u << 9) - 1)); /* 10-16 and 16-18 */
  ck_assert_int_eq(s->states[1].ssda903_line, 18);
  cc_demand_spec_free(s);

#define EPISODES(states_lines) (snprintf(text, sizeof text, "%s%s%s", head, councils, "  states:\n" states_lines), text)
  expect_rejected(EPISODES("    young: [0-1, 1-5, 5-10]\n    old: [10-16]\n"), 16, "episodes.states",
                  "SSDA903 state '16-18 foster' is not mapped");
  expect_rejected(EPISODES("    young: [0-1, 1-5, 5-10, 10-16, 16-18]\n"), 16, "episodes.states",
                  "state old is not mapped to any SSDA903 state");
  expect_rejected(EPISODES("    young: [0-1, 1-5, 5-10]\n    old: [10-16, 16-18, 5-10 foster]\n"), 17, "episodes.states",
                  "SSDA903 state '5-10 foster' is gathered twice");
  expect_rejected(EPISODES("    young: [0-1, 1-5, 5-10]\n    old: [10-16, teenage]\n"), 17, "episodes.states",
                  "'teenage' is not an SSDA903 state");
  expect_rejected(EPISODES("    young: [0-1, 1-5, 5-10]\n    older: [10-16, 16-18]\n"), 17, "episodes.states",
                  "'older' is not one of the states");
#undef EPISODES
  snprintf(text, sizeof text, "%s%s", head, "  councils:\n    E08000019: Sheffield\n  states:\n    young: [foster]\n");
  expect_rejected(text, 13, "episodes.councils", "geography E06000012 has no council");
  snprintf(text, sizeof text, "%s%s", head, "  councils:\n    E09000001: City\n");
  expect_rejected(text, 13, "episodes.councils", "'E09000001' is not one of the geographies");
  snprintf(text, sizeof text, "%s%s%s", head, councils, "  to: March\n  states:\n    young: [0-1, 1-5, 5-10]\n    old: [10-16, 16-18]\n");
  expect_rejected(text, 15, "episodes.to", "'March' is not a month");
  snprintf(text, sizeof text, "%s", head);
  expect_rejected(text, 10, "episodes.councils", "required field missing");
  static const char with_starts[] = "type: stockflow\nname: m\ngeographies: [a]\nstates:\n  a:\n    stock: s/{geography}/all\n"
                                    "    starts: t/{geography}/all\nepisodes:\n  file: e.csv\n  header: h.csv\n"
                                    "  councils:\n    a: A\n  states:\n    a: [foster, residential, other]\n";
  expect_rejected(with_starts, 7, "states.a.starts", "takes no starts series");
  /* the shipped file */
  ck_assert_msg(cc_demand_spec_load(MODELS "children_looked_after_903.yaml", &s, &err) == CC_OK, "%s", err.message);
  ck_assert_int_eq(s->has_episodes, 1);
  ck_assert_uint_eq(s->n_states, 4);
  ck_assert_uint_eq(s->n_geographies, 3);
  ck_assert_str_eq(s->episodes.councils[2], "Hillingdon");
  cc_demand_spec_free(s);
  ck_assert_msg(cc_demand_spec_load(MODELS "asc_older_people_led.yaml", &s, &err) == CC_OK, "%s", err.message);
  ck_assert_int_eq(s->states[2].indicator_lag, 1);
  cc_demand_spec_free(s);
  const char *no_file = "type: stockflow\nname: m\ngeographies: [a]\nstates:\n  a:\n    stock: s/{geography}/all\n"
                        "episodes:\n  header: h.csv\n";
  expect_rejected(no_file, 8, "file", "required field missing");
}
END_TEST

static Suite *demandspec_suite(void) {
  Suite *s = suite_create("demandspec");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, shipped_files_load);
  tcase_add_test(tc, rules_name_line_and_key);
  tcase_add_test(tc, shrink_key);
  tcase_add_test(tc, population_bands_key);
  tcase_add_test(tc, indicator_keys);
  tcase_add_test(tc, episodes_key);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(demandspec_suite()); }
