/* test_arima.c: seasonal ARIMA with fixed orders (src/ts/arima.c).
 *
 * Reference values come from R's forecast 8.20 (forecast::Arima with its
 * default method "CSS-ML") through tests/reference/arima_reference.R
 * (fixtures in tests/reference/fixtures: simulated processes and M3 series).
 * Tolerances: coefficients within 2% relative or 0.02 absolute (whichever is
 * looser), log-likelihood within 0.1, point forecasts within 1% relative
 * (absolute below 1), interval bounds within 3% relative. Besides the
 * reference comparison: sample paths against the analytic forecast
 * variance, and every error path. */
#include <check.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/model.h"
#include "carecast/models.h"
#include "fixture.h"
#include "testutil.h"

#define COEF_RELATIVE_TOLERANCE 0.02 /* coefficients: 2% relative ... */
#define COEF_ABSOLUTE_TOLERANCE 0.02 /* ... or 0.02 absolute for small ones */
#define LOGLIK_TOLERANCE 0.1         /* log-likelihood: absolute */
#define MEAN_TOLERANCE 0.01          /* point forecasts: 1% relative */
#define BOUND_TOLERANCE 0.03         /* interval bounds: 3% relative */
#define MIN_REFERENCE_CASES 12       /* the comparison must not pass vacuously */
#define MAX_VALUES 1024
#define MAX_HORIZON 64
#define MAX_COEF 16
#define PI 3.14159265358979323846

/* Compare one reference case; returns the number of mismatches (printed). */
static int compare_case(const cc_fixture *fits, size_t r, const cc_fixture *series, const cc_fixture *forecasts) {
  const char *case_name = cc_fixture_text(fits, r, "case");
  static double y[MAX_VALUES];
  int period = 1, failures = 0;
  size_t n = cc_fixture_series_part(series, case_name, NULL, y, MAX_VALUES, &period);
  ck_assert_uint_le(n, MAX_VALUES);
  ck_assert_msg(n > 0, "no series for %s", case_name);
  char variant[64];
  cc_fixture_arima_variant(fits, r, variant, sizeof variant);
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period;
  cc_model *m = NULL;
  cc_error err;
  cc_error_clear(&err);
  cc_status status = cc_model_arima.fit(y, n, variant, &options, &m, &err);
  ck_assert_msg(status == CC_OK, "%s %s: %s", case_name, variant, err.message);

  char names[MAX_COEF][CC_FIXTURE_WORD_MAX], values[MAX_COEF][CC_FIXTURE_WORD_MAX];
  size_t n_names = cc_fixture_words(cc_fixture_text(fits, r, "names"), names, MAX_COEF);
  size_t n_values = cc_fixture_words(cc_fixture_text(fits, r, "values"), values, MAX_COEF);
  ck_assert_uint_eq(n_names, n_values);
  ck_assert_uint_eq(n_names, m->n_params);
  for (size_t i = 0; i < n_names; i++) {
    double expected = strtod(values[i], NULL), got = cc_model_param(m, names[i]);
    double allowed = fmax(COEF_RELATIVE_TOLERANCE * fabs(expected), COEF_ABSOLUTE_TOLERANCE);
    if (!(fabs(got - expected) <= allowed)) {
      printf("%s %s: %s = %.6g, R %.6g\n", case_name, variant, names[i], got, expected);
      failures++;
    }
  }
  double loglik = cc_fixture_number(fits, r, "loglik");
  if (!(fabs(m->loglik - loglik) <= LOGLIK_TOLERANCE)) {
    printf("%s %s: loglik %.6f, R %.6f\n", case_name, variant, m->loglik, loglik);
    failures++;
  }

  double mean[MAX_HORIZON], variance[MAX_HORIZON];
  size_t h = 0;
  for (size_t k = 0; k < forecasts->n_rows; k++)
    if (strcmp(cc_fixture_text(forecasts, k, "case"), case_name) == 0) h++;
  ck_assert_uint_gt(h, 0);
  ck_assert_uint_le(h, MAX_HORIZON);
  int analytic = 0;
  ck_assert_int_eq(cc_model_arima.forecast(m, h, mean, variance, &analytic, &err), CC_OK);
  ck_assert_int_eq(analytic, 1);
  const char *bounds[4] = {"lo80", "hi80", "lo95", "hi95"};
  double z80 = gsl_cdf_ugaussian_Pinv(0.9), z95 = gsl_cdf_ugaussian_Pinv(0.975);
  double sign_z[4] = {-z80, z80, -z95, z95};
  for (size_t k = 0; k < forecasts->n_rows; k++) {
    if (strcmp(cc_fixture_text(forecasts, k, "case"), case_name) != 0) continue;
    size_t step = (size_t)cc_fixture_number(forecasts, k, "h");
    ck_assert(step >= 1 && step <= h);
    double got = mean[step - 1], expected = cc_fixture_number(forecasts, k, "mean");
    if (!cc_fixture_close(got, expected, MEAN_TOLERANCE)) {
      printf("%s %s: h=%zu mean %.6g, R %.6g\n", case_name, variant, step, got, expected);
      failures++;
    }
    for (int b = 0; b < 4; b++) {
      double bound = got + sign_z[b] * sqrt(variance[step - 1]);
      double reference = cc_fixture_number(forecasts, k, bounds[b]);
      if (!cc_fixture_close(bound, reference, BOUND_TOLERANCE)) {
        printf("%s %s: h=%zu %s %.6g, R %.6g\n", case_name, variant, step, bounds[b], bound, reference);
        failures++;
      }
    }
  }
  cc_model_free(m);
  return failures;
}

START_TEST(test_reference_fits) {
  cc_fixture *fits = cc_fixture_load("arima_fits.csv");
  cc_fixture *series = cc_fixture_load("arima_series.csv");
  cc_fixture *forecasts = cc_fixture_load("arima_forecast.csv");
  ck_assert_msg(fits && series && forecasts, "arima fixtures missing (run tests/reference/arima_reference.R)");
  size_t compared = 0, failed_cases = 0;
  for (size_t r = 0; r < fits->n_rows; r++) {
    int failures = compare_case(fits, r, series, forecasts);
    compared++;
    failed_cases += failures > 0;
  }
  printf("arima: %zu reference cases compared, %zu with mismatches\n", compared, failed_cases);
  ck_assert_uint_ge(compared, MIN_REFERENCE_CASES);
  ck_assert_uint_eq(failed_cases, 0);
  cc_fixture_free(fits);
  cc_fixture_free(series);
  cc_fixture_free(forecasts);
}
END_TEST

/* Sample paths from a fitted airline-type model: their mean and variance
 * match the analytic forecast within Monte Carlo error. */
START_TEST(test_paths_match_analytic_variance) {
  enum { N = 120, H = 8, PATHS = 4000 };
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 42);
  double y[N], e_prev = 0, level = 100;
  for (int t = 0; t < N; t++) { /* an IMA(1,1) with drift-free level */
    double e = gsl_ran_gaussian(rng, 1.0);
    level += e - 0.4 * e_prev;
    e_prev = e;
    y[t] = level + (t == 30 ? NAN : 0);
  }
  cc_fit_options options;
  cc_fit_options_default(&options);
  cc_model *m = NULL;
  cc_error err;
  ck_assert_int_eq(cc_model_arima.fit(y, N, "1,1,1", &options, &m, &err), CC_OK);
  double mean[H], variance[H], path[H], sum[H] = {0}, squares[H] = {0};
  int analytic;
  ck_assert_int_eq(cc_model_arima.forecast(m, H, mean, variance, &analytic, &err), CC_OK);
  for (int k = 0; k < PATHS; k++) {
    ck_assert_int_eq(cc_model_arima.simulate(m, H, rng, path, &err), CC_OK);
    for (int i = 0; i < H; i++) sum[i] += path[i], squares[i] += (path[i] - mean[i]) * (path[i] - mean[i]);
  }
  for (int i = 0; i < H; i++) {
    double sample_mean = sum[i] / PATHS, sample_variance = squares[i] / PATHS;
    ck_assert_msg(fabs(sample_mean - mean[i]) < 4 * sqrt(variance[i] / PATHS), "h=%d mean %g vs %g", i + 1,
                  sample_mean, mean[i]);
    ck_assert_msg(fabs(sample_variance / variance[i] - 1) < 0.1, "h=%d variance %g vs %g", i + 1, sample_variance,
                  variance[i]);
  }
  cc_model_free(m);
  gsl_rng_free(rng);
}
END_TEST

/* Oracle: ARIMA(0,0,0) with a mean is iid Gaussian; its exact maximum
 * likelihood is the sample mean and variance, in closed form. */
START_TEST(test_white_noise_closed_form) {
  enum { N = 60 };
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 7);
  double y[N], sum = 0, squares = 0;
  for (int t = 0; t < N; t++) y[t] = 5 + gsl_ran_gaussian(rng, 2.0), sum += y[t];
  double mean = sum / N;
  for (int t = 0; t < N; t++) squares += (y[t] - mean) * (y[t] - mean);
  cc_fit_options options;
  cc_fit_options_default(&options);
  cc_model *m = NULL;
  cc_error err;
  ck_assert_int_eq(cc_model_arima.fit(y, N, "0,0,0", &options, &m, &err), CC_OK);
  double ml_variance = squares / N, loglik = -0.5 * N * (log(2 * PI * ml_variance) + 1);
  ck_assert_double_eq_tol(cc_model_param(m, "intercept"), mean, 1e-4 * fabs(mean));
  ck_assert_double_eq_tol(m->loglik, loglik, 1e-6);
  ck_assert_double_eq_tol(m->sigma2, squares / (N - 1), 1e-6 * m->sigma2); /* forecast::Arima's divisor */
  ck_assert_int_eq(m->n_estimated, 2);
  ck_assert_double_eq_tol(m->aicc, -2 * loglik + 4 + 12.0 / (N - 3), 1e-6);
  double forecast[3], variance[3];
  int analytic;
  ck_assert_int_eq(cc_model_arima.forecast(m, 3, forecast, variance, &analytic, &err), CC_OK);
  for (int i = 0; i < 3; i++) {
    ck_assert_double_eq_tol(forecast[i], cc_model_param(m, "intercept"), 1e-9);
    ck_assert_double_eq_tol(variance[i], m->sigma2, 1e-9 * m->sigma2);
  }
  cc_model_free(m);
  gsl_rng_free(rng);
}
END_TEST

/* Random orders on random series with gaps: every fit either succeeds with
 * finite numbers everywhere or fails with a status; nothing crashes. */
START_TEST(test_fuzz_orders) {
  enum { N = 80, H = 10 };
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 2024);
  int fitted = 0;
  for (int trial = 0; trial < 150; trial++) {
    size_t n = 8 + gsl_rng_uniform_int(rng, N - 8);
    int period = gsl_rng_uniform(rng) < 0.5 ? 1 : 4;
    double y[N], level = 50;
    for (size_t t = 0; t < n; t++) {
      level += gsl_ran_gaussian(rng, 1.0);
      y[t] = gsl_rng_uniform(rng) < 0.05 ? NAN : level + (period > 1 ? 3 * sin((double)t) : 0);
    }
    char variant[64];
    snprintf(variant, sizeof variant, "%lu,%lu,%lu:%lu,%lu,%lu", gsl_rng_uniform_int(rng, 3),
             gsl_rng_uniform_int(rng, 3), gsl_rng_uniform_int(rng, 3), gsl_rng_uniform_int(rng, 2),
             gsl_rng_uniform_int(rng, 2), gsl_rng_uniform_int(rng, 2));
    cc_fit_options options;
    cc_fit_options_default(&options);
    options.period = period;
    cc_model *m = NULL;
    cc_error err;
    cc_status status = cc_model_arima.fit(y, n, variant, &options, &m, &err);
    if (status) {
      ck_assert(m == NULL);
      ck_assert(status == CC_EINPUT);
      continue;
    }
    fitted++;
    ck_assert_msg(isfinite(m->loglik) && isfinite(m->sigma2) && m->sigma2 >= 0, "%s n=%zu", variant, n);
    double mean[H], variance[H], path[H];
    int analytic;
    ck_assert_int_eq(cc_model_arima.forecast(m, H, mean, variance, &analytic, &err), CC_OK);
    ck_assert_int_eq(cc_model_arima.simulate(m, H, rng, path, &err), CC_OK);
    for (int i = 0; i < H; i++)
      ck_assert_msg(isfinite(mean[i]) && isfinite(variance[i]) && variance[i] >= 0 && isfinite(path[i]),
                    "%s n=%zu h=%d", variant, n, i + 1);
    cc_model_free(m);
  }
  ck_assert_int_gt(fitted, 50);
  gsl_rng_free(rng);
}
END_TEST

static cc_status fit_variant(const double *y, size_t n, int period, const char *variant, cc_error *err) {
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period;
  cc_model *m = NULL;
  cc_status status = cc_model_arima.fit(y, n, variant, &options, &m, err);
  ck_assert(status != CC_OK || m != NULL);
  cc_model_free(m);
  return status;
}

START_TEST(test_errors) {
  double y[40];
  for (int i = 0; i < 40; i++) y[i] = 10 + sin(i) + 0.1 * i;
  cc_error err;
  ck_assert_int_eq(fit_variant(y, 40, 1, "0,1,1", &err), CC_OK);
  const char *bad[] = {"1,1", "a,b,c", "1,1,1:", "1,1,1:x", "1,1,1:1,1", "1,1,1;", "0,1,1:mean",
                       "1,0,0:drift", "1,2,0:drift", "25,0,0", "-1,0,0", "0,5,0"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    ck_assert_msg(fit_variant(y, 40, 1, bad[i], &err) == CC_EUSAGE, "variant \"%s\" accepted", bad[i]);
  ck_assert_int_eq(fit_variant(y, 40, 4, NULL, &err), CC_OK);     /* seasonal automatic selection */
  ck_assert_int_eq(fit_variant(y, 40, 1, "0,1,1:0,1,1", &err), CC_EINPUT); /* seasonal orders, period 1 */
  ck_assert_int_eq(fit_variant(y, 40, 0, "0,1,1", &err), CC_EUSAGE);       /* period 0 */
  /* Orders too large for the data. */
  ck_assert_int_eq(fit_variant(y, 12, 12, "0,1,1:0,1,1", &err), CC_EINPUT);
  ck_assert_int_eq(fit_variant(y, 5, 1, "3,0,2", &err), CC_EINPUT);
  ck_assert_int_eq(fit_variant(y, 0, 1, "0,1,1", &err), CC_EINPUT);
  ck_assert_int_eq(fit_variant(y, 40, 365, "0,0,0:0,1,1", &err), CC_EINPUT); /* state too large */
  double missing[10];
  for (int i = 0; i < 10; i++) missing[i] = NAN;
  ck_assert_int_eq(fit_variant(missing, 10, 1, "0,0,0", &err), CC_EINPUT);
  y[3] = INFINITY;
  ck_assert_int_eq(fit_variant(y, 40, 1, "0,1,1", &err), CC_EINPUT);
}
END_TEST

static Suite *arima_suite(void) {
  Suite *suite = suite_create("arima");
  TCase *reference = tcase_create("reference");
  tcase_set_timeout(reference, 120);
  tcase_add_test(reference, test_reference_fits);
  suite_add_tcase(suite, reference);
  TCase *exact = tcase_create("exact");
  tcase_add_test(exact, test_white_noise_closed_form);
  suite_add_tcase(suite, exact);
  TCase *fuzz = tcase_create("fuzz");
  tcase_set_timeout(fuzz, 120);
  tcase_add_test(fuzz, test_fuzz_orders);
  suite_add_tcase(suite, fuzz);
  TCase *paths = tcase_create("paths");
  tcase_add_test(paths, test_paths_match_analytic_variance);
  suite_add_tcase(suite, paths);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_errors);
  suite_add_tcase(suite, errors);
  return suite;
}

int main(void) {
  return cc_test_run_suite(arima_suite());
}
