/* test_effect.c: intervention effects (src/eval/effect.c).
 *
 * The correctness check the issue asks for: on 100 simulated series (seeded)
 * -- an AR(1) process around a level, plus a step of known size at a known
 * period -- the 95% interval of the estimated level change holds the true
 * step in at least 90 of them. The series are 240 periods long: the interval
 * (R's, from the inverse Hessian) is asymptotic, and on 84 periods with an
 * AR coefficient of 0.5 it holds the truth in about 90% of series rather
 * than 95% (the estimated AR coefficient is biased towards zero in short
 * series), so a shorter design would test the small-sample bias, not the code. Besides: no effect gives an interval around
 * zero for the cumulative difference in most series; a control series that
 * carries the shock explains it away; the ramp; and every error path. */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/effect.h"
#include "carecast/store.h"
#include "testutil.h"

#define SIMULATIONS 100       /* series simulated */
#define MIN_COVERED 90        /* at least this many intervals must hold the truth (the bar) */
#define SERIES_LENGTH 240     /* twenty years of months: long enough for the nominal coverage (see below) */
#define CHANGE_AT 160         /* the change at period 161 */
#define SHORT_LENGTH 84       /* seven years of months, for the other checks */
#define SHORT_CHANGE 60
#define TRUE_STEP 8.0         /* the effect simulated */
#define AR_COEFFICIENT 0.5    /* of the noise */
#define NOISE_SD 2.0
#define BASE_LEVEL 100.0
#define TEST_PATHS 200        /* counterfactual paths: enough for a 95% interval here, and fast */

/* An AR(1) process of n values around BASE_LEVEL with `step` added from change on. */
static void simulate(gsl_rng *rng, size_t n, size_t change, double step, double *y) {
  double noise = gsl_ran_gaussian(rng, NOISE_SD / sqrt(1 - AR_COEFFICIENT * AR_COEFFICIENT));
  for (size_t t = 0; t < n; t++) {
    if (t > 0) noise = AR_COEFFICIENT * noise + gsl_ran_gaussian(rng, NOISE_SD);
    y[t] = BASE_LEVEL + noise + (t >= change ? step : 0);
  }
}

static cc_effect_options fast_options(void) {
  cc_effect_options o;
  cc_effect_options_default(&o);
  o.n_paths = TEST_PATHS;
  o.nonnegative = 1;
  return o;
}

START_TEST(test_recovers_known_step) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 20261129);
  cc_effect_options o = fast_options();
  double y[SERIES_LENGTH];
  int covered = 0, fitted = 0;
  for (int k = 0; k < SIMULATIONS; k++) {
    simulate(rng, SERIES_LENGTH, CHANGE_AT, TRUE_STEP, y);
    cc_effect_result *r = NULL;
    cc_error err;
    cc_status status = cc_effect_compute(y, SERIES_LENGTH, CHANGE_AT, NULL, &o, &r, &err);
    ck_assert_msg(status == CC_OK, "simulation %d: %s", k, err.message);
    fitted++;
    const cc_effect_estimate *level = cc_effect_find(r, "level_change");
    ck_assert_ptr_nonnull(level);
    ck_assert(level->lo <= level->estimate && level->estimate <= level->hi);
    covered += level->lo <= TRUE_STEP && TRUE_STEP <= level->hi;
    cc_effect_result_free(r);
  }
  printf("effect: the 95%% interval of the level change held the true step in %d of %d simulations\n", covered, fitted);
  ck_assert_int_ge(covered, MIN_COVERED);
  gsl_rng_free(rng);
}
END_TEST

/* Without an effect the counterfactual's interval for the cumulative
 * difference holds zero in most series; with a large one it does not. */
START_TEST(test_counterfactual) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 7);
  cc_effect_options o = fast_options();
  double y[SHORT_LENGTH];
  int zero_held = 0;
  enum { RUNS = 10 };
  for (int k = 0; k < RUNS; k++) {
    simulate(rng, SHORT_LENGTH, SHORT_CHANGE, 0, y);
    cc_effect_result *r = NULL;
    cc_error err;
    ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_OK);
    const cc_effect_estimate *d = cc_effect_find(r, "cumulative_difference");
    zero_held += d->lo <= 0 && 0 <= d->hi;
    ck_assert_uint_eq(r->n_after, SHORT_LENGTH - SHORT_CHANGE);
    ck_assert_uint_eq(r->n_before, SHORT_CHANGE);
    cc_effect_result_free(r);
  }
  ck_assert_int_ge(zero_held, RUNS - 2);
  simulate(rng, SHORT_LENGTH, SHORT_CHANGE, 5 * TRUE_STEP, y);
  cc_effect_result *r = NULL;
  cc_error err;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_OK);
  const cc_effect_estimate *d = cc_effect_find(r, "cumulative_difference"), *rel = cc_effect_find(r, "relative_difference");
  const cc_effect_estimate *obs = cc_effect_find(r, "observed_total"), *cf = cc_effect_find(r, "counterfactual_total");
  ck_assert(d->lo > 0);
  ck_assert(rel->lo > 0 && rel->estimate > rel->lo && rel->estimate < rel->hi);
  ck_assert_double_eq_tol(d->estimate, obs->estimate - cf->estimate, 1e-9);
  ck_assert_double_eq_tol(rel->estimate, 100 * (obs->estimate / cf->estimate - 1), 1e-9);
  /* about 24 periods x 40 */
  ck_assert_double_eq_tol(d->estimate, (SHORT_LENGTH - SHORT_CHANGE) * 5 * TRUE_STEP, 0.25 * (SHORT_LENGTH - SHORT_CHANGE) * 5 * TRUE_STEP);
  cc_effect_result_free(r);
  gsl_rng_free(rng);
}
END_TEST

/* A control series that carries the same shift explains it: with the control
 * the counterfactual follows the shift and the cumulative difference holds
 * zero; without it the difference is clearly positive. Then the ramp. */
START_TEST(test_control_and_ramp) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 11);
  double y[SHORT_LENGTH], control[SHORT_LENGTH];
  for (size_t t = 0; t < SHORT_LENGTH; t++)
    control[t] = 50 + gsl_ran_gaussian(rng, 3) + (t >= SHORT_CHANGE ? 4 * TRUE_STEP : 0);
  simulate(rng, SHORT_LENGTH, SHORT_CHANGE, 0, y);
  for (size_t t = 0; t < SHORT_LENGTH; t++) y[t] += control[t];
  cc_effect_options o = fast_options();
  cc_effect_result *r = NULL;
  cc_error err;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, control, &o, &r, &err), CC_OK);
  const cc_effect_estimate *d = cc_effect_find(r, "cumulative_difference");
  ck_assert_msg(d->lo <= 0 && 0 <= d->hi, "with the control: %g (%g, %g)", d->estimate, d->lo, d->hi);
  ck_assert_ptr_nonnull(strstr(r->model, "+xreg"));
  ck_assert_ptr_nonnull(strstr(r->counterfactual_model, "+xreg"));
  cc_effect_result_free(r);
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_OK);
  d = cc_effect_find(r, "cumulative_difference");
  ck_assert_msg(d->lo > 0, "without the control: %g (%g, %g)", d->estimate, d->lo, d->hi);
  cc_effect_result_free(r);
  /* a ramp over 6 periods to a known size */
  simulate(rng, SHORT_LENGTH, SHORT_CHANGE, 0, y);
  for (size_t t = SHORT_CHANGE; t < SHORT_LENGTH; t++) y[t] += TRUE_STEP * fmin(1.0, (double)(t - SHORT_CHANGE + 1) / 6);
  o.ramp_periods = 6;
  o.unit = "referrals", o.period_name = "month";
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_OK);
  const cc_effect_estimate *level = cc_effect_find(r, "level_change");
  ck_assert_msg(level->lo <= TRUE_STEP && TRUE_STEP <= level->hi, "ramp %g (%g, %g)", level->estimate, level->lo,
                level->hi);
  ck_assert_str_eq(level->unit, "referrals per month");
  ck_assert_str_eq(cc_effect_find(r, "slope_change")->unit, "referrals per month per month");
  ck_assert_ptr_null(cc_effect_find(r, "no_such_estimate"));
  cc_effect_result_free(r);
  gsl_rng_free(rng);
}
END_TEST

START_TEST(test_errors) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 3);
  double y[SHORT_LENGTH], control[SHORT_LENGTH];
  simulate(rng, SHORT_LENGTH, SHORT_CHANGE, TRUE_STEP, y);
  cc_effect_options o = fast_options();
  cc_effect_result *r = NULL;
  cc_error err;
  /* too close to the start, to the end, outside */
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, CC_EFFECT_MIN_BEFORE - 1, NULL, &o, &r, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "at least 12"));
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_LENGTH - 2, NULL, &o, &r, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "at least 3"));
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_LENGTH, NULL, &o, &r, &err), CC_EINPUT);
  ck_assert_ptr_null(r);
  /* a control that stops before the end, or starts too late */
  for (size_t t = 0; t < SHORT_LENGTH; t++) control[t] = t < SHORT_LENGTH - 1 ? (double)t : NAN;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, control, &o, &r, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "control");
  for (size_t t = 0; t < SHORT_LENGTH; t++) control[t] = t >= SHORT_CHANGE - 5 ? (double)t : NAN;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, control, &o, &r, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "control");
  /* bad options */
  o.level = 100;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_EUSAGE);
  o = fast_options();
  o.ramp_periods = -1;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_EUSAGE);
  ck_assert_ptr_null(r);
  cc_effect_result_free(NULL);
  gsl_rng_free(rng);
}
END_TEST

/* An effect survives the store; an absent one is CC_EINPUT. */
START_TEST(test_store_round_trip) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 5);
  double y[SHORT_LENGTH];
  simulate(rng, SHORT_LENGTH, SHORT_CHANGE, TRUE_STEP, y);
  cc_effect_options o = fast_options();
  cc_effect_result *r = NULL;
  cc_error err;
  ck_assert_int_eq(cc_effect_compute(y, SHORT_LENGTH, SHORT_CHANGE, NULL, &o, &r, &err), CC_OK);
  char *dir = cc_test_tmpdir(), *path = cc_test_path(dir, "store.h5"), run_id[CC_RUN_ID_MAX];
  cc_store *store = NULL;
  cc_period at;
  ck_assert_int_eq(cc_period_parse("2019-04", &at, &err), CC_OK);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_run_create(store, "effects", "20260101T000000Z", run_id, &err), CC_OK);
  ck_assert_int_eq(cc_store_effect_write(store, run_id, "cs_referrals/E08000019/0-17", r, at, 0, NULL, &err), CC_OK);
  ck_assert_int_eq(cc_store_commit(store, &err), CC_OK);
  cc_store_close(store);
  cc_effect_estimate back[CC_EFFECT_ESTIMATES];
  size_t n = 0;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_effect_read(store, run_id, "cs_referrals/E08000019/0-17", back, &n, &err), CC_OK);
  ck_assert_uint_eq(n, r->n_estimates);
  for (size_t i = 0; i < n; i++) {
    ck_assert_str_eq(back[i].name, r->estimates[i].name);
    ck_assert_str_eq(back[i].unit, r->estimates[i].unit);
    ck_assert_double_eq(back[i].estimate, r->estimates[i].estimate);
    ck_assert_double_eq(back[i].lo, r->estimates[i].lo);
    ck_assert_double_eq(back[i].hi, r->estimates[i].hi);
  }
  ck_assert_int_eq(cc_store_effect_read(store, run_id, "cs_referrals/E06000012/0-17", back, &n, &err), CC_EINPUT);
  cc_store_close(store);
  cc_effect_result_free(r);
  cc_test_rmtree(dir);
  free(dir), free(path);
  gsl_rng_free(rng);
}
END_TEST

static Suite *effect_suite(void) {
  Suite *suite = suite_create("effect");
  TCase *coverage = tcase_create("coverage");
  tcase_set_timeout(coverage, 120);
  tcase_add_test(coverage, test_recovers_known_step);
  suite_add_tcase(suite, coverage);
  TCase *estimates = tcase_create("estimates");
  tcase_set_timeout(estimates, 60);
  tcase_add_test(estimates, test_counterfactual);
  tcase_add_test(estimates, test_control_and_ramp);
  suite_add_tcase(suite, estimates);
  TCase *store = tcase_create("store");
  tcase_add_test(store, test_store_round_trip);
  suite_add_tcase(suite, store);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_errors);
  suite_add_tcase(suite, errors);
  return suite;
}

int main(void) { return cc_test_run_suite(effect_suite()); }

