/* test_scenario.c: savings scenarios (scenario.h, scenario_run.h, finance.h).
 *
 * A store with constant series (100 events a month, 50 people at every
 * month end) forecast by the naive method, whose paths are then exactly
 * constant, so every figure can be worked by hand:
 *   - a fixed 10% cut in events at GBP 50 each saves GBP 6,000 a year; the
 *     intervention costs GBP 3,000 to set up and GBP 4,000 a year; NPV,
 *     ROI and payback at the Green Book's 3.5% match the hand figures to the
 *     penny, as do the baseline costs (person-weeks by days in the year);
 *   - a triangular lever (-15%, -10%, -5%) makes the NPV linear in the
 *     lever, so its P10 and P90 are the lever's analytic quantiles mapped
 *     through that line (within 2%), and the P50 moves towards the analytic
 *     median as the draws grow (2,000 and 20,000 draws);
 *   - results do not depend on the number of threads.
 * Besides: the finance functions against closed forms, and the scenario
 * file's rules and the run's checks against the store, each naming the
 * line and key. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/finance.h"
#include "carecast/scenario.h"
#include "carecast/scenario_run.h"
#include "carecast/store.h"
#include "testutil.h"

#define PENNY 0.005
#define QUANTILE_TOLERANCE 0.02
#define EVENTS_PER_MONTH 100.0
#define PEOPLE 50.0
#define PRICE_EVENT 50.0
#define PRICE_WEEK 100.0
#define SETUP 3000.0
#define RUNNING 4000.0
#define RATE 0.035

static char *dir, *store_path, run_id[CC_RUN_ID_MAX];

static const char manifest[] =
    "source_id: test_constant\norganisation: council\norganisation_name: Test\ndata_sharing_agreement: none\n"
    "licence: OGL-3.0\nrefreshed: 2025-04-30\nmeasures:\n"
    "  test_events:\n    frequency: month\n    kind: flow\n    unit: events\n"
    "  test_people:\n    frequency: month\n    kind: stock\n    unit: people\n";

/* Ingest constant series, fit naive, forecast six years: once for the suite. */
static void make_store(void) {
  dir = cc_test_tmpdir();
  size_t cap = 64 * 1024, len = 0;
  char *csv = malloc(cap);
  len += (size_t)snprintf(csv + len, cap - len, "geography_code,period,measure,age_band,value\n");
  for (int year = 2020; year <= 2025; year++)
    for (int month = 1; month <= 12 && !(year == 2025 && month > 3); month++) {
      len += (size_t)snprintf(csv + len, cap - len, "E08000019,%d-%02d,test_events,all,%g\n", year, month, EVENTS_PER_MONTH);
      len += (size_t)snprintf(csv + len, cap - len, "E08000019,%d-%02d,test_people,all,%g\n", year, month, PEOPLE);
    }
  free(cc_test_write(dir, "constant.yaml", manifest));
  char *csv_path = cc_test_write(dir, "constant.csv", csv);
  free(csv);
  store_path = cc_test_path(dir, "store.h5");
  char command[4096];
  snprintf(command, sizeof command,
           "%s ingest --store %s %s && %s fit --store %s --model naive && %s forecast --store %s --horizon 6y --paths 20",
           CC_CARECAST_BIN, store_path, csv_path, CC_CARECAST_BIN, store_path, CC_CARECAST_BIN, store_path);
  char *output = NULL;
  int rc = cc_test_run(command, &output);
  ck_assert_msg(rc == 0, "store set-up failed: %s", output ? output : "");
  free(output);
  free(csv_path);
  cc_store *store = NULL;
  cc_error err;
  int found = 0;
  ck_assert_int_eq(cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_run_latest(store, "forecasts", run_id, &found, &err), CC_OK);
  ck_assert(found);
  cc_store_close(store);
}

static void remove_store(void) {
  cc_test_rmtree(dir);
  free(dir);
  free(store_path);
}

/* A scenario with one lever on the events (lever_text fills in its distribution). */
static cc_scenario *scenario_with(const char *lever_text, cc_error *err) {
  char text[4096];
  snprintf(text, sizeof text,
           "name: constant\nbaseline: {run: %s, start: 2025/26, years: 3}\ngeographies: [E08000019]\n"
           "price_base: 2025/26\nlevers:\n  - name: fewer_events\n    series: test_events/{geography}/all\n%s"
           "    from: 2025-04\nunit_costs:\n"
           "  - {name: events, activity: \"test_events/{geography}/all\", cost: %g, per: event, organisation: council,"
           " budget: adult_social_care, source: test}\n"
           "  - {name: people, activity: \"test_people/{geography}/all\", cost: %g, per: week, organisation: nhs,"
           " budget: community, source: test}\n"
           "intervention_costs:\n  - {name: team, organisation: council, budget: adult_social_care, setup: %g, running: %g}\n",
           run_id, lever_text, PRICE_EVENT, PRICE_WEEK, SETUP, RUNNING);
  cc_scenario *s = NULL;
  if (cc_scenario_parse(text, strlen(text), "constant.yaml", &s, err) != CC_OK) return NULL;
  return s;
}

static cc_scenario_result *run(const cc_scenario *s, size_t draws, int jobs) {
  cc_store *store = NULL;
  cc_error err;
  ck_assert_int_eq(cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_scenario_options o;
  cc_scenario_options_default(&o);
  o.draws = draws;
  o.jobs = jobs;
  cc_scenario_result *r = NULL;
  cc_status st = cc_scenario_run(store, s, &o, &r, &err);
  ck_assert_msg(st == CC_OK, "%s:%ld: %s: %s", err.file, err.line, err.field, err.message);
  cc_store_close(store);
  return r;
}

static const cc_account_result *account(const cc_scenario_result *r, const char *organisation) {
  for (size_t a = 0; a < r->n_accounts; a++)
    if (strcmp(r->accounts[a].organisation, organisation) == 0) return &r->accounts[a];
  ck_abort_msg("no account %s", organisation);
  return NULL;
}

START_TEST(finance_closed_forms) {
  ck_assert_double_eq_tol(cc_discount_factor(RATE, 0), 1.0, 1e-15);
  ck_assert_double_eq_tol(cc_discount_factor(RATE, 2), 1.0 / (1.035 * 1.035), 1e-15);
  /* the Green Book schedule: 3.5% to year 30, then 3.0% */
  ck_assert_double_eq_tol(cc_discount_factor(RATE, 32), pow(1.035, -30) * pow(1.03, -2), 1e-15);
  ck_assert_double_eq_tol(cc_inflate(100.0, 0.03, 2024, 2026), 106.09, 1e-12);
  const double net[3] = {-1000, 2000, 2000};
  ck_assert_double_eq_tol(cc_npv(net, 3, RATE), -1000 + 2000 / 1.035 + 2000 / (1.035 * 1.035), 1e-9);
  ck_assert_double_eq_tol(cc_payback(net, 3, RATE), 1.0 + 1000.0 / (2000.0 / 1.035), 1e-12);
  const double never[2] = {-1000, 100}, always[2] = {10, 10};
  ck_assert(isinf(cc_payback(never, 2, RATE)));
  ck_assert_double_eq(cc_payback(always, 2, RATE), 0.0);
}
END_TEST

START_TEST(fixed_lever_to_the_penny) {
  cc_error err;
  cc_scenario *s = scenario_with("    change: -0.10\n    distribution: fixed\n", &err);
  ck_assert_msg(s != NULL, "%s", err.message);
  cc_scenario_result *r = run(s, 200, 1);
  const cc_account_result *council = account(r, "council"), *nhs = account(r, "nhs");
  const double saving = EVENTS_PER_MONTH * 12 * PRICE_EVENT * 0.10; /* 6,000 a year */
  const double net[3] = {saving - SETUP - RUNNING, saving - RUNNING, saving - RUNNING};
  double npv = 0, pv_cost = 0;
  for (int y = 0; y < 3; y++) {
    double df = pow(1.0 + RATE, -y);
    npv += net[y] * df;
    pv_cost += ((y == 0 ? SETUP : 0.0) + RUNNING) * df;
    ck_assert_double_eq_tol(council->gross_saving[y].p50, saving, PENNY);
    ck_assert_double_eq_tol(council->net_saving[y].p10, net[y], PENNY);
    ck_assert_double_eq_tol(council->net_saving[y].p90, net[y], PENNY);
    ck_assert_double_eq_tol(council->baseline_cost[y].mean, EVENTS_PER_MONTH * 12 * PRICE_EVENT, PENNY);
    /* people: 50 x days in the financial year / 7 weeks x GBP 100; 2027/28 has 29 February 2028 */
    double days = y == 2 ? 366 : 365;
    ck_assert_double_eq_tol(nhs->baseline_cost[y].mean, PEOPLE * days / 7.0 * PRICE_WEEK, PENNY);
    ck_assert_double_eq_tol(nhs->gross_saving[y].mean, 0.0, PENNY);
  }
  ck_assert_double_eq_tol(council->npv.p50, npv, PENNY);
  ck_assert_double_eq_tol(council->pv_intervention.p50, pv_cost, PENNY);
  ck_assert_double_eq_tol(council->roi.p50, npv / pv_cost, 1e-9);
  ck_assert_double_eq_tol(council->payback.p50, 1.0 + (SETUP + RUNNING - saving) / ((saving - RUNNING) / 1.035), 1e-9);
  ck_assert_double_eq(council->probability_positive, 1.0);
  const cc_account_result *total = &r->accounts[r->n_accounts - 1];
  ck_assert_str_eq(total->organisation, "all");
  ck_assert_double_eq_tol(total->npv.p50, npv, PENNY);
  cc_scenario_result_free(r);
  cc_scenario_free(s);
}
END_TEST

START_TEST(ramp_to_the_penny) {
  cc_error err;
  cc_scenario *s = scenario_with("    change: -0.10\n    distribution: fixed\n    ramp_months: 12\n", &err);
  ck_assert_msg(s != NULL, "%s", err.message);
  cc_scenario_result *r = run(s, 10, 1);
  /* month m of the first year saves 500 x m / 12: 500 x 78 / 12 in all */
  ck_assert_double_eq_tol(account(r, "council")->gross_saving[0].p50, 500.0 * 78.0 / 12.0, PENNY);
  ck_assert_double_eq_tol(account(r, "council")->gross_saving[1].p50, 6000.0, PENNY);
  cc_scenario_result_free(r);
  cc_scenario_free(s);
}
END_TEST

/* A unit cost priced in an earlier year is inflated from that year; an
 * intervention's by-year amounts fall in their years. */
START_TEST(price_years_and_by_year) {
  char text[4096];
  snprintf(text, sizeof text,
           "name: priced\nbaseline: {run: %s, start: 2025/26, years: 3}\ngeographies: [E08000019]\nprice_base: 2025/26\n"
           "unit_costs:\n  - {name: events, activity: \"test_events/{geography}/all\", cost: 50, price_year: 2023/24,"
           " inflation: 0.10, per: event, organisation: council, budget: adult_social_care, source: test}\n"
           "intervention_costs:\n  - {name: review, organisation: council, budget: adult_social_care, running: 100,"
           " by_year: {2027/28: 1000}}\n",
           run_id);
  cc_error err;
  cc_scenario *s = NULL;
  ck_assert_msg(cc_scenario_parse(text, strlen(text), "priced.yaml", &s, &err) == CC_OK, "%s", err.message);
  cc_scenario_result *r = run(s, 5, 1);
  const cc_account_result *council = account(r, "council");
  /* GBP 50 in 2023/24 prices is 50 x 1.1^2 in 2025/26 and 50 x 1.1^4 in 2027/28 */
  ck_assert_double_eq_tol(council->baseline_cost[0].p50, 1200 * 50 * 1.21, PENNY);
  ck_assert_double_eq_tol(council->baseline_cost[2].p50, 1200 * 50 * 1.4641, PENNY);
  ck_assert_double_eq_tol(council->intervention_cost[0].p50, 100, PENNY);
  ck_assert_double_eq_tol(council->intervention_cost[2].p50, 1100, PENNY);
  cc_scenario_result_free(r);
  cc_scenario_free(s);
  const char *outside = "name: x\nbaseline: {model: m, start: 2025/26, years: 2}\ngeographies: [E08000019]\n"
                        "price_base: 2025/26\nunit_costs:\n  - {name: c, activity: \"a/{geography}/all\", cost: 1, per: week,"
                        " organisation: council, budget: adult_social_care, source: s}\nintervention_costs:\n"
                        "  - {name: r, organisation: council, budget: adult_social_care, by_year: {2030/31: 5}}\n";
  ck_assert_int_eq(cc_scenario_parse(outside, strlen(outside), "x.yaml", &s, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "by_year");
}
END_TEST

/* The q-quantile of a triangular(low, mode, high). */
static double triangular_quantile(double low, double mode, double high, double q) {
  double split = (mode - low) / (high - low);
  return q < split ? low + sqrt(q * (high - low) * (mode - low)) : high - sqrt((1 - q) * (high - low) * (high - mode));
}

START_TEST(linear_lever_quantiles) {
  cc_error err;
  cc_scenario *s = scenario_with("    change: -0.10\n    low: -0.15\n    high: -0.05\n    distribution: triangular\n", &err);
  ck_assert_msg(s != NULL, "%s", err.message);
  /* NPV(e) = sum_y df_y (-e x 60,000 - cost_y): decreasing in e */
  double df_sum = 1 + 1 / 1.035 + 1 / (1.035 * 1.035), cost = SETUP + RUNNING * df_sum;
  double slope = -EVENTS_PER_MONTH * 12 * PRICE_EVENT * df_sum;
  double p10 = -cost + slope * triangular_quantile(-0.15, -0.10, -0.05, 0.90);
  double p90 = -cost + slope * triangular_quantile(-0.15, -0.10, -0.05, 0.10);
  double p50 = -cost + slope * triangular_quantile(-0.15, -0.10, -0.05, 0.50);
  cc_scenario_result *small = run(s, 2000, 2), *large = run(s, 20000, 2);
  const cc_account_result *a = account(large, "council");
  ck_assert_msg(fabs(a->npv.p10 - p10) <= QUANTILE_TOLERANCE * fabs(p10), "P10 %.2f vs %.2f", a->npv.p10, p10);
  ck_assert_msg(fabs(a->npv.p90 - p90) <= QUANTILE_TOLERANCE * fabs(p90), "P90 %.2f vs %.2f", a->npv.p90, p90);
  /* The P50 of the second year's saving (-e x 60,000, median 6,000) converges: at each
   * draw count it is within four standard errors of the sample median, which shrink as
   * 1 / sqrt(draws): sqrt(1/4 / n) / f(median) in the lever, f(median) = 2 / (high - low). */
  double saving50 = -EVENTS_PER_MONTH * 12 * PRICE_EVENT * triangular_quantile(-0.15, -0.10, -0.05, 0.50);
  double density = 2.0 / 0.10, scale = EVENTS_PER_MONTH * 12 * PRICE_EVENT;
  const cc_scenario_result *runs[2] = {small, large};
  const double draws[2] = {2000, 20000};
  for (int i = 0; i < 2; i++) {
    double se = scale * sqrt(0.25 / draws[i]) / density, got = account(runs[i], "council")->gross_saving[1].p50;
    ck_assert_msg(fabs(got - saving50) <= 4.0 * se, "P50 with %.0f draws %.2f vs %.2f (standard error %.2f)", draws[i], got,
                  saving50, se);
  }
  ck_assert_msg(fabs(a->npv.p50 - p50) <= QUANTILE_TOLERANCE * fabs(p50), "NPV P50 %.2f vs %.2f", a->npv.p50, p50);
  /* the tornado: the one lever carries all of the variance */
  ck_assert_uint_eq(large->n_levers, 1);
  ck_assert_double_gt(large->sensitivity[0].variance_share, 0.99);
  ck_assert_double_eq_tol(large->sensitivity[0].swing, fabs(slope) * 0.10, 1.0);
  cc_scenario_result_free(small);
  cc_scenario_result_free(large);
  cc_scenario_free(s);
}
END_TEST

START_TEST(threads_do_not_matter) {
  cc_error err;
  cc_scenario *s = scenario_with("    change: -0.10\n    low: -0.15\n    high: -0.05\n", &err);
  cc_scenario_result *one = run(s, 3000, 1), *two = run(s, 3000, 2);
  ck_assert_mem_eq(one->npv_draws, two->npv_draws, 3000 * sizeof(double));
  ck_assert_double_eq(one->accounts[0].npv.p10, two->accounts[0].npv.p10);
  cc_scenario_result_free(one);
  cc_scenario_result_free(two);
  cc_scenario_free(s);
}
END_TEST

/* Parse text; expect CC_EINPUT at line with key. */
static void expect_rejected(const char *text, long line, const char *key) {
  cc_scenario *s = NULL;
  cc_error err;
  cc_error_clear(&err);
  ck_assert_msg(cc_scenario_parse(text, strlen(text), "bad.yaml", &s, &err) == CC_EINPUT, "accepted:\n%s", text);
  ck_assert_msg(err.line == line && strcmp(err.field, key) == 0, "got %ld %s (%s), expected %ld %s", err.line, err.field,
                err.message, line, key);
}

START_TEST(file_rules) {
  const char *head = "name: x\nbaseline: {model: m, start: 2025/26, years: 5}\ngeographies: [E08000019]\nprice_base: 2024/25\n";
  const char *cost = "unit_costs:\n  - {name: c, activity: \"a/{geography}/all\", cost: 1, per: week, organisation: council,"
                     " budget: adult_social_care, source: s}\n";
  char text[2048];
  snprintf(text, sizeof text, "%s%sbogus: 1\n", head, cost);
  expect_rejected(text, 7, "bogus");
  snprintf(text, sizeof text, "%sunit_costs:\n  - {name: c, activity: \"a/{geography}/all\", cost: 1, per: week, "
                              "organisation: council, budget: roads, source: s}\n", head);
  expect_rejected(text, 6, "budget");
  snprintf(text, sizeof text, "%slevers:\n  - name: l\n    series: a/{geography}/all\n    change: -0.1\n    low: -0.05\n"
                              "    high: 0.1\n    from: 2025-04\n%s", head, cost);
  expect_rejected(text, 9, "low");
  snprintf(text, sizeof text, "%slevers:\n  - name: l\n    series: a/{geography}/all\n    change: -1.5\n    distribution: fixed\n"
                              "    from: 2025-04\n%s", head, cost);
  expect_rejected(text, 8, "change");
  snprintf(text, sizeof text, "%slevers:\n  - name: l\n    unit_cost: nowhere\n    change: 0.1\n    distribution: fixed\n"
                              "    from: 2025-04\n%s", head, cost);
  expect_rejected(text, 6, "unit_cost");
  snprintf(text, sizeof text, "name: x\nbaseline: {model: m, run: r, start: 2025/26, years: 5}\ngeographies: [E08000019]\n"
                              "price_base: 2024/25\n%s", cost);
  expect_rejected(text, 2, "baseline");
  snprintf(text, sizeof text, "%s", head);
  expect_rejected(text, 1, "unit_costs");
}
END_TEST

START_TEST(store_checks) {
  cc_error err;
  char text[4096];
  snprintf(text, sizeof text,
           "name: x\nbaseline: {run: %s, start: 2025/26, years: 3}\ngeographies: [E08000019]\nprice_base: 2025/26\n"
           "levers:\n  - name: l\n    series: test_missing/{geography}/all\n    change: -0.1\n    distribution: fixed\n"
           "    from: 2025-04\nunit_costs:\n  - {name: c, activity: \"test_events/{geography}/all\", cost: 1, per: event,"
           " organisation: council, budget: adult_social_care, source: s}\n",
           run_id);
  cc_scenario *s = NULL;
  ck_assert_int_eq(cc_scenario_parse(text, strlen(text), "x.yaml", &s, &err), CC_OK);
  cc_store *store = NULL;
  ck_assert_int_eq(cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_scenario_result *r = NULL;
  ck_assert_int_eq(cc_scenario_run(store, s, NULL, &r, &err), CC_EINPUT);
  ck_assert_int_eq(err.line, 6);
  ck_assert_str_eq(err.field, "series");
  ck_assert_ptr_nonnull(strstr(err.message, "test_missing/E08000019/all"));
  cc_scenario_free(s);
  /* a stock priced per event */
  snprintf(text, sizeof text,
           "name: x\nbaseline: {run: %s, start: 2025/26, years: 3}\ngeographies: [E08000019]\nprice_base: 2025/26\n"
           "unit_costs:\n  - {name: c, activity: \"test_people/{geography}/all\", cost: 1, per: event,"
           " organisation: council, budget: adult_social_care, source: s}\n",
           run_id);
  ck_assert_int_eq(cc_scenario_parse(text, strlen(text), "x.yaml", &s, &err), CC_OK);
  ck_assert_int_eq(cc_scenario_run(store, s, NULL, &r, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "per");
  cc_scenario_free(s);
  /* an appraisal longer than the forecast */
  snprintf(text, sizeof text,
           "name: x\nbaseline: {run: %s, start: 2025/26, years: 10}\ngeographies: [E08000019]\nprice_base: 2025/26\n"
           "unit_costs:\n  - {name: c, activity: \"test_events/{geography}/all\", cost: 1, per: event,"
           " organisation: council, budget: adult_social_care, source: s}\n",
           run_id);
  ck_assert_int_eq(cc_scenario_parse(text, strlen(text), "x.yaml", &s, &err), CC_OK);
  ck_assert_int_eq(cc_scenario_run(store, s, NULL, &r, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "--horizon"));
  cc_scenario_free(s);
  cc_store_close(store);
}
END_TEST

static Suite *scenario_suite(void) {
  Suite *s = suite_create("scenario");
  TCase *tc = tcase_create("core");
  tcase_add_unchecked_fixture(tc, make_store, remove_store);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, finance_closed_forms);
  tcase_add_test(tc, fixed_lever_to_the_penny);
  tcase_add_test(tc, ramp_to_the_penny);
  tcase_add_test(tc, price_years_and_by_year);
  tcase_add_test(tc, linear_lever_quantiles);
  tcase_add_test(tc, threads_do_not_matter);
  tcase_add_test(tc, file_rules);
  tcase_add_test(tc, store_checks);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(scenario_suite()); }
