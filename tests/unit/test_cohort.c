/* test_cohort.c: the cohort (population x rate) projection (cohort.h) and
 * the empirical-Bayes shrinkage of rates (shrink.h).
 *
 * Cohort: three age bands with constant rates against figures worked by
 * hand (exact), and with forecast rate paths and population variants
 * against a direct calculation from the same paths; the population of
 * three demand bands built from five population bands (a straddling band
 * split, a finer demand band, a gap, a cut open band) by hand. Shrinkage: the
 * method-of-moments prior and the shrunk rate against closed forms worked
 * below, the weight falling as evidence grows, and a simulation in which
 * shrinking small councils towards their neighbours lowers the mean squared
 * error of their rates (the reason to shrink at all). */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/cohort.h"
#include "carecast/shrink.h"
#include "testutil.h"

#define BANDS 3
#define HORIZON 2
#define CLOSED_FORM_TOLERANCE 1e-12
#define SEED 20250401UL

START_TEST(constant_rates_by_hand) {
  /* bands 65-74, 75-84, 85+; rates 1%, 5%, 20% */
  const double rates[HORIZON * BANDS] = {0.01, 0.05, 0.20, 0.01, 0.05, 0.20};
  const double pop[HORIZON * BANDS] = {1000, 500, 200, 1100, 520, 210};
  cc_cohort_paths *out = cc_cohort_paths_alloc(BANDS, HORIZON, 1);
  cc_error err;
  ck_assert_int_eq(cc_cohort_project(rates, 1, pop, 1, out, &err), CC_OK);
  const double want[HORIZON * BANDS] = {10, 25, 40, 11, 26, 42};
  for (size_t i = 0; i < HORIZON * BANDS; i++) ck_assert_double_eq_tol(out->demand[i], want[i], CLOSED_FORM_TOLERANCE);
  ck_assert_double_eq_tol(out->total[0], 75, CLOSED_FORM_TOLERANCE);
  ck_assert_double_eq_tol(out->total[1], 79, CLOSED_FORM_TOLERANCE);

  /* and the rates back from demand and population */
  double back[HORIZON * BANDS];
  ck_assert_int_eq(cc_cohort_rates(want, pop, HORIZON, BANDS, back, &err), CC_OK);
  for (size_t i = 0; i < HORIZON * BANDS; i++) ck_assert_double_eq_tol(back[i], rates[i], CLOSED_FORM_TOLERANCE);
  cc_cohort_paths_free(out);
}
END_TEST

START_TEST(forecast_rates_and_variants) {
  enum { RATE_PATHS = 7, VARIANTS = 3, PATHS = 50, H = 12 };
  double rates[RATE_PATHS * H * BANDS], pop[VARIANTS * H * BANDS];
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, SEED);
  for (size_t i = 0; i < RATE_PATHS * H * BANDS; i++) rates[i] = gsl_ran_gaussian(rng, 0.02) + 0.01; /* some dip below 0 */
  for (size_t i = 0; i < VARIANTS * H * BANDS; i++) pop[i] = 1000.0 + 100.0 * gsl_rng_uniform(rng);
  gsl_rng_free(rng);
  cc_cohort_paths *out = cc_cohort_paths_alloc(BANDS, H, PATHS);
  cc_error err;
  ck_assert_int_eq(cc_cohort_project(rates, RATE_PATHS, pop, VARIANTS, out, &err), CC_OK);
  for (size_t p = 0; p < PATHS; p++)
    for (size_t t = 0; t < H; t++) {
      double total = 0.0;
      for (size_t b = 0; b < BANDS; b++) {
        double r = rates[((p % RATE_PATHS) * H + t) * BANDS + b];
        double want = pop[((p % VARIANTS) * H + t) * BANDS + b] * (r > 0.0 ? r : 0.0);
        double got = out->demand[(p * H + t) * BANDS + b];
        ck_assert_double_eq_tol(got, want, CLOSED_FORM_TOLERANCE);
        ck_assert(got >= 0.0);
        total += want;
      }
      ck_assert_double_eq_tol(out->total[p * H + t], total, 1e-9);
    }
  cc_cohort_paths_free(out);
}
END_TEST

START_TEST(cohort_errors) {
  cc_error err;
  double rates[BANDS];
  const double demand[BANDS] = {1, 2, 3}, zero_pop[BANDS] = {10, 0, 10}, negative[BANDS] = {1, -2, 3};
  ck_assert_int_eq(cc_cohort_rates(demand, zero_pop, 1, BANDS, rates, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "population");
  ck_assert_int_eq(cc_cohort_rates(negative, demand, 1, BANDS, rates, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "demand");
  cc_cohort_paths *out = cc_cohort_paths_alloc(BANDS, 1, 1);
  const double nan_rates[BANDS] = {0.1, NAN, 0.1};
  ck_assert_int_eq(cc_cohort_project(nan_rates, 1, demand, 1, out, &err), CC_EINPUT);
  ck_assert_int_eq(cc_cohort_project(demand, 1, negative, 1, out, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "population");
  cc_cohort_paths_free(out);
  cc_cohort_paths_free(NULL);
}
END_TEST

/* Three demand bands from five population bands, worked by hand: 40-64
 * straddles 18-49 and 50-64 and is split by its years (10 and 15 of 25). */
START_TEST(band_population_by_hand) {
  enum { DEMAND = 3, POPULATION = 5 };
  const cc_age_range demand[DEMAND] = {{18, 50}, {50, 65}, {65, CC_AGE_END}};
  const cc_age_range bands[POPULATION] = {{0, 18}, {18, 40}, {40, 65}, {65, 80}, {80, CC_AGE_END}};
  double people[POPULATION] = {1000, 2200, 2500, 900, 300};
  const cc_age_reference ref = {bands, people, POPULATION};
  double out[DEMAND];
  cc_error err;
  ck_assert_int_eq(cc_cohort_band_population(demand, DEMAND, &ref, out, &err), CC_OK);
  ck_assert_double_eq_tol(out[0], 2200 + 2500 * 10.0 / 25.0, CLOSED_FORM_TOLERANCE); /* 3200 */
  ck_assert_double_eq_tol(out[1], 2500 * 15.0 / 25.0, CLOSED_FORM_TOLERANCE);        /* 1500 */
  ck_assert_double_eq_tol(out[2], 900 + 300, CLOSED_FORM_TOLERANCE);                 /* 1200: summed, 80+ whole */
  /* a demand band finer than its population band: 65-69 is 5 of 65-79's 15 years */
  const cc_age_range finer[2] = {{65, 70}, {70, 80}};
  ck_assert_int_eq(cc_cohort_band_population(finer, 2, &ref, out, &err), CC_OK);
  ck_assert_double_eq_tol(out[0], 300, CLOSED_FORM_TOLERANCE);
  ck_assert_double_eq_tol(out[1], 600, CLOSED_FORM_TOLERANCE);
  /* a band with no figure spoils only the demand bands it feeds */
  people[4] = NAN;
  ck_assert_int_eq(cc_cohort_band_population(demand, DEMAND, &ref, out, &err), CC_OK);
  ck_assert_double_eq_tol(out[0], 3200, CLOSED_FORM_TOLERANCE);
  ck_assert(isnan(out[2]));
  /* a gap (no 40-44), and an open band that would be cut */
  const cc_age_range gap[POPULATION] = {{0, 18}, {18, 40}, {45, 65}, {65, 80}, {80, CC_AGE_END}};
  const cc_age_reference with_gap = {gap, people, POPULATION};
  ck_assert_int_eq(cc_cohort_band_population(demand, DEMAND, &with_gap, out, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "population_bands");
  ck_assert_msg(strstr(err.message, "demand band 18-49") && strstr(err.message, "do not cover"), "%s", err.message);
  const cc_age_range cut[1] = {{80, 90}};
  ck_assert_int_eq(cc_cohort_band_population(cut, 1, &ref, out, &err), CC_EINPUT);
  ck_assert_msg(strstr(err.message, "demand band 80-89") && strstr(err.message, "open population band 80+"), "%s", err.message);
}
END_TEST

START_TEST(shrink_closed_forms) {
  cc_error err;
  cc_shrink_result r;
  /* neighbours 0.1, 0.2, 0.3: m = 0.2, v = 0.01, s = 0.16 / 0.01 - 1 = 15 */
  const double rates[3] = {0.1, 0.2, 0.3};
  ck_assert_int_eq(cc_shrink_rate(0, 5, rates, NULL, 3, &r, &err), CC_OK);
  ck_assert_double_eq_tol(r.prior_mean, 0.2, CLOSED_FORM_TOLERANCE);
  ck_assert_double_eq_tol(r.strength, 15.0, 1e-9);
  ck_assert_double_eq_tol(r.rate, 3.0 / 20.0, 1e-12); /* (0 + 0.2 x 15) / (5 + 15) */
  ck_assert_double_eq_tol(r.own_weight, 0.25, 1e-12);
  /* exposures 100 each: sampling variance 0.16 / 100, s = 0.16 / 0.0084 - 1 */
  const double exposures[3] = {100, 100, 100};
  ck_assert_int_eq(cc_shrink_rate(0, 5, rates, exposures, 3, &r, &err), CC_OK);
  ck_assert_double_eq_tol(r.strength, 0.16 / 0.0084 - 1.0, 1e-9);
  /* the own weight grows with the evidence */
  double last = 0.0;
  for (double n = 1; n <= 1e5; n *= 10) {
    ck_assert_int_eq(cc_shrink_rate(0.3 * n, n, rates, NULL, 3, &r, &err), CC_OK);
    ck_assert(r.own_weight > last);
    last = r.own_weight;
  }
  ck_assert_double_gt(last, 0.999);
  /* neighbours that agree exactly: the prior is (nearly) all */
  const double same[3] = {0.2, 0.2, 0.2};
  ck_assert_int_eq(cc_shrink_rate(0, 50, same, NULL, 3, &r, &err), CC_OK);
  ck_assert_double_eq_tol(r.rate, 0.2, 1e-4);

  /* rows: means (0.8, 0.1, 0.1), variances (0.01, 0.0025, 0.0025): s = 0.34 / 0.015 - 1 */
  const double rows[9] = {0.8, 0.1, 0.1, 0.9, 0.05, 0.05, 0.7, 0.15, 0.15};
  const double counts[3] = {10, 0, 0};
  double shrunk[3], s, w;
  ck_assert_int_eq(cc_shrink_row(counts, 3, rows, 3, shrunk, &s, &w, &err), CC_OK);
  double want_s = 0.34 / 0.015 - 1.0;
  ck_assert_double_eq_tol(s, want_s, 1e-9);
  ck_assert_double_eq_tol(shrunk[1], 0.1 * want_s / (10 + want_s), 1e-12);
  ck_assert_double_eq_tol(shrunk[0] + shrunk[1] + shrunk[2], 1.0, 1e-12);
  ck_assert_double_eq_tol(w, 10 / (10 + want_s), 1e-12);
}
END_TEST

/* Small councils (20 at risk) with true rates from a Beta(0.2 x 15, 0.8 x 15):
 * shrinking towards ten neighbours (estimated from 2,000 at risk each) must
 * lower the mean squared error of the rates against the truth. */
START_TEST(shrinking_helps_small_councils) {
  enum { COUNCILS = 400, NEIGHBOURS = 10 };
  const double small = 20, large = 2000;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, SEED);
  double mse_raw = 0.0, mse_shrunk = 0.0;
  cc_error err;
  for (size_t c = 0; c < COUNCILS; c++) {
    double truth = gsl_ran_beta(rng, 3.0, 12.0);
    double x = gsl_ran_binomial(rng, truth, (unsigned)small);
    double neighbour_rates[NEIGHBOURS], exposures[NEIGHBOURS];
    for (size_t k = 0; k < NEIGHBOURS; k++) {
      double their = gsl_ran_beta(rng, 3.0, 12.0);
      neighbour_rates[k] = gsl_ran_binomial(rng, their, (unsigned)large) / large;
      exposures[k] = large;
    }
    cc_shrink_result r;
    ck_assert_int_eq(cc_shrink_rate(x, small, neighbour_rates, exposures, NEIGHBOURS, &r, &err), CC_OK);
    mse_raw += (x / small - truth) * (x / small - truth);
    mse_shrunk += (r.rate - truth) * (r.rate - truth);
  }
  gsl_rng_free(rng);
  ck_assert_msg(mse_shrunk < 0.75 * mse_raw, "shrunk MSE %.5f, raw %.5f", mse_shrunk / COUNCILS, mse_raw / COUNCILS);
}
END_TEST

START_TEST(shrink_errors) {
  cc_error err;
  cc_shrink_result r;
  const double rates[3] = {0.1, 0.2, 1.3};
  ck_assert_int_eq(cc_shrink_rate(6, 5, rates, NULL, 2, &r, &err), CC_EINPUT);
  ck_assert_int_eq(cc_shrink_rate(1, 5, rates, NULL, 1, &r, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "neighbours");
  ck_assert_int_eq(cc_shrink_rate(1, 5, rates, NULL, 3, &r, &err), CC_EINPUT);
  const double zero[2] = {0, 100};
  ck_assert_int_eq(cc_shrink_rate(1, 5, rates, zero, 2, &r, &err), CC_EINPUT);
}
END_TEST

static Suite *cohort_suite(void) {
  Suite *s = suite_create("cohort");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, constant_rates_by_hand);
  tcase_add_test(tc, forecast_rates_and_variants);
  tcase_add_test(tc, cohort_errors);
  tcase_add_test(tc, band_population_by_hand);
  tcase_add_test(tc, shrink_closed_forms);
  tcase_add_test(tc, shrinking_helps_small_councils);
  tcase_add_test(tc, shrink_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(cohort_suite()); }
