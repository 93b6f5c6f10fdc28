/* test_auto_arima.c: automatic order selection for ARIMA
 * (src/ts/arima_auto.c, the "arima" family with no variant).
 *
 * Reference values come from R's forecast 8.20: auto.arima(y, seasonal =
 * FALSE) on 28 series of period 1 (tests/reference/auto_arima_reference.R:
 * M3 yearly and other series, simulated processes, at most 150 values), and
 * auto.arima(y) with all its defaults on 29 seasonal series
 * (tests/reference/auto_arima_seasonal_reference.R: M3 quarterly and
 * monthly, tourism, simulated seasonal ARIMA, some with missing values, 6
 * longer than 150 so that R's approximation runs). A stepwise search can
 * end in another local minimum after tiny numerical differences, so the bar
 * is: the same orders and constant as R in at least 80% of the cases, and
 * where they differ our AICc no worse than R's by more than 0.5; where the
 * orders agree, point forecasts within 1% (absolute below 1) and, for the
 * seasonal cases, coefficients within 2% (absolute below 1) and the
 * log-likelihood within 0.1. Besides: the error paths of the automatic
 * choice. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "carecast/model.h"
#include "carecast/models.h"
#include "fixture.h"
#include "testutil.h"

#define MIN_AGREEMENT 0.8      /* share of cases with R's orders */
#define AICC_TOLERANCE 0.5     /* where orders differ: our AICc at most this above R's */
#define MEAN_TOLERANCE 0.01    /* point forecasts: 1% relative */
#define MIN_REFERENCE_CASES 15 /* the comparison must not pass vacuously */
#define HORIZON 6
#define MAX_VALUES 1024
#define COEF_TOLERANCE 0.02     /* seasonal cases, orders as R: coefficients 2% (absolute below 1) */
#define LOGLIK_TOLERANCE 0.1    /* ... log-likelihood, absolute */
#define MIN_SEASONAL_CASES 20   /* seasonal comparison must not pass vacuously */
#define MAX_HORIZON 64          /* two periods of the longest period in the fixtures, and more */

static cc_status fit_auto(const double *y, size_t n, int period, const char *variant, cc_model **m, cc_error *err) {
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period;
  cc_error_clear(err);
  return cc_model_arima.fit(y, n, variant, &options, m, err);
}

START_TEST(test_reference_selection) {
  cc_fixture *fits = cc_fixture_load("auto_arima.csv");
  cc_fixture *series = cc_fixture_load("auto_arima_series.csv");
  ck_assert_msg(fits && series, "auto_arima fixtures missing (run tests/reference/auto_arima_reference.R)");
  size_t compared = 0, agreed = 0, worse = 0, forecast_failures = 0;
  static double y[MAX_VALUES];
  for (size_t r = 0; r < fits->n_rows; r++) {
    const char *case_name = cc_fixture_text(fits, r, "case");
    size_t n = cc_fixture_series_part(series, case_name, NULL, y, MAX_VALUES, NULL);
    ck_assert_uint_le(n, MAX_VALUES);
    ck_assert_msg(n > 0, "no series for %s", case_name);
    cc_model *m = NULL;
    cc_error err;
    cc_status status = fit_auto(y, n, 1, NULL, &m, &err);
    ck_assert_msg(status == CC_OK, "%s: %s", case_name, err.message);
    int order = m->settings[0], p = order / 10000, d = order / 100 % 100, q = order % 100;
    int constant = m->settings[2] != 0;
    int r_p = (int)cc_fixture_number(fits, r, "p"), r_d = (int)cc_fixture_number(fits, r, "d");
    int r_q = (int)cc_fixture_number(fits, r, "q");
    int r_constant = strcmp(cc_fixture_text(fits, r, "constant"), "yes") == 0;
    double r_aicc = cc_fixture_number(fits, r, "aicc");
    compared++;
    if (p == r_p && d == r_d && q == r_q && constant == r_constant) {
      agreed++;
      double mean[HORIZON], variance[HORIZON];
      int analytic = 0;
      ck_assert_int_eq(cc_model_arima.forecast(m, HORIZON, mean, variance, &analytic, &err), CC_OK);
      for (int h = 0; h < HORIZON; h++) {
        char column[8];
        snprintf(column, sizeof column, "f%d", h + 1);
        double expected = cc_fixture_number(fits, r, column);
        if (!cc_fixture_close(mean[h], expected, MEAN_TOLERANCE)) {
          printf("%s %s: h=%d mean %.6g, R %.6g\n", case_name, m->spec, h + 1, mean[h], expected);
          forecast_failures++;
        }
      }
    } else {
      printf("%s: chose %s (AICc %.4f), R ARIMA(%d,%d,%d)%s (AICc %.4f)\n", case_name, m->spec, m->aicc, r_p, r_d,
             r_q, r_constant ? " with constant" : "", r_aicc);
      if (!(m->aicc <= r_aicc + AICC_TOLERANCE)) worse++;
    }
    cc_model_free(m);
  }
  printf("auto arima: %zu reference cases compared, %zu with R's orders, %zu with a worse AICc\n", compared, agreed,
         worse);
  ck_assert_uint_ge(compared, MIN_REFERENCE_CASES);
  ck_assert_msg((double)agreed >= MIN_AGREEMENT * (double)compared, "only %zu of %zu orders as R", agreed, compared);
  ck_assert_uint_eq(worse, 0);
  ck_assert_uint_eq(forecast_failures, 0);
  cc_fixture_free(fits);
  cc_fixture_free(series);
}
END_TEST

/* The value of coefficient `name` of case_name in auto_sarima_coef.csv, NaN when absent. */
static double reference_coefficient(const cc_fixture *coefs, const char *case_name, const char *name) {
  for (size_t r = 0; r < coefs->n_rows; r++)
    if (strcmp(cc_fixture_text(coefs, r, "case"), case_name) == 0 && strcmp(cc_fixture_text(coefs, r, "name"), name) == 0)
      return cc_fixture_number(coefs, r, "value");
  return NAN;
}

/* Count where the coefficients, loglik and forecasts of m differ from R's for case_name. */
static size_t compare_fit(const cc_model *m, const char *case_name, double r_loglik, const cc_fixture *coefs,
                          const cc_fixture *forecasts) {
  size_t failures = 0;
  for (size_t i = 0; i < m->n_params; i++) {
    double expected = reference_coefficient(coefs, case_name, m->param_names[i]);
    if (!cc_fixture_close(m->params[i], expected, COEF_TOLERANCE)) {
      printf("%s %s: %s %.6g, R %.6g\n", case_name, m->spec, m->param_names[i], m->params[i], expected);
      failures++;
    }
  }
  if (!(fabs(m->loglik - r_loglik) <= LOGLIK_TOLERANCE)) {
    printf("%s %s: loglik %.6f, R %.6f\n", case_name, m->spec, m->loglik, r_loglik);
    failures++;
  }
  double mean[MAX_HORIZON], variance[MAX_HORIZON], expected[MAX_HORIZON];
  size_t h = 0;
  for (size_t r = 0; r < forecasts->n_rows; r++)
    if (strcmp(cc_fixture_text(forecasts, r, "case"), case_name) == 0 && h < MAX_HORIZON)
      expected[h++] = cc_fixture_number(forecasts, r, "mean");
  ck_assert_uint_gt(h, 0);
  int analytic = 0;
  cc_error err;
  ck_assert_int_eq(cc_model_arima.forecast(m, h, mean, variance, &analytic, &err), CC_OK);
  for (size_t i = 0; i < h; i++)
    if (!cc_fixture_close(mean[i], expected[i], MEAN_TOLERANCE)) {
      printf("%s %s: h=%zu mean %.6g, R %.6g\n", case_name, m->spec, i + 1, mean[i], expected[i]);
      failures++;
    }
  return failures;
}

START_TEST(test_seasonal_reference) {
  cc_fixture *fits = cc_fixture_load("auto_sarima.csv"), *series = cc_fixture_load("auto_sarima_series.csv");
  cc_fixture *coefs = cc_fixture_load("auto_sarima_coef.csv"), *forecasts = cc_fixture_load("auto_sarima_forecast.csv");
  ck_assert_msg(fits && series && coefs && forecasts,
                "auto_sarima fixtures missing (run tests/reference/auto_arima_seasonal_reference.R)");
  size_t compared = 0, agreed = 0, worse = 0, failures = 0, approximated = 0, seasonal_chosen = 0;
  static double y[MAX_VALUES];
  for (size_t r = 0; r < fits->n_rows; r++) {
    const char *case_name = cc_fixture_text(fits, r, "case");
    int period = 0;
    size_t n = cc_fixture_series_part(series, case_name, "", y, MAX_VALUES, &period);
    ck_assert_msg(n > 0 && n <= MAX_VALUES, "no series for %s", case_name);
    cc_model *m = NULL;
    cc_error err;
    cc_status status = fit_auto(y, n, period, NULL, &m, &err);
    ck_assert_msg(status == CC_OK, "%s: %s", case_name, err.message);
    int order = m->settings[0], seasonal = m->settings[1], constant = m->settings[2] != 0;
    int ours[6] = {order / 10000, order / 100 % 100, order % 100, seasonal / 10000, seasonal / 100 % 100, seasonal % 100};
    const char *columns[6] = {"p", "d", "q", "P", "D", "Q"};
    int same = constant == (strcmp(cc_fixture_text(fits, r, "constant"), "yes") == 0);
    for (int i = 0; i < 6; i++) same &= ours[i] == (int)cc_fixture_number(fits, r, columns[i]);
    double r_aicc = cc_fixture_number(fits, r, "aicc");
    compared++;
    approximated += strcmp(cc_fixture_text(fits, r, "approximation"), "yes") == 0;
    seasonal_chosen += cc_fixture_number(fits, r, "P") + cc_fixture_number(fits, r, "D") + cc_fixture_number(fits, r, "Q") > 0;
    if (same) {
      agreed++;
      failures += compare_fit(m, case_name, cc_fixture_number(fits, r, "loglik"), coefs, forecasts);
    } else {
      printf("%s: chose %s (AICc %.4f), R (%g,%g,%g)(%g,%g,%g)%s (AICc %.4f)\n", case_name, m->spec, m->aicc,
             cc_fixture_number(fits, r, "p"), cc_fixture_number(fits, r, "d"), cc_fixture_number(fits, r, "q"),
             cc_fixture_number(fits, r, "P"), cc_fixture_number(fits, r, "D"), cc_fixture_number(fits, r, "Q"),
             strcmp(cc_fixture_text(fits, r, "constant"), "yes") == 0 ? " with constant" : "", r_aicc);
      if (!(m->aicc <= r_aicc + AICC_TOLERANCE)) worse++;
    }
    cc_model_free(m);
  }
  printf("seasonal auto arima: %zu reference cases compared, %zu with R's orders, %zu with a worse AICc\n", compared,
         agreed, worse);
  ck_assert_uint_ge(compared, MIN_SEASONAL_CASES);
  ck_assert_uint_ge(approximated, 3);    /* the approximation is exercised */
  ck_assert_uint_ge(seasonal_chosen, 10); /* and seasonal models are chosen */
  ck_assert_msg((double)agreed >= MIN_AGREEMENT * (double)compared, "only %zu of %zu orders as R", agreed, compared);
  ck_assert_uint_eq(worse, 0);
  ck_assert_uint_eq(failures, 0);
  cc_fixture_free(fits), cc_fixture_free(series), cc_fixture_free(coefs), cc_fixture_free(forecasts);
}
END_TEST

/* The search fits its candidates without the covariance of the estimates
 * and the final filter, and adds them to the winner afterwards
 * (arima_fit_complete): the standard errors must be those of fitting the
 * chosen orders directly, which computes them within the fit, to 1e-6
 * relative, and sigma2, the residuals and the states the same to 1e-9, on
 * every seasonal reference case (with and without a constant, missing
 * values, the approximation). */
#define SE_TOLERANCE 1e-6

START_TEST(test_completed_as_fixed_fit) {
  cc_fixture *series = cc_fixture_load("auto_sarima_series.csv"), *fits = cc_fixture_load("auto_sarima.csv");
  ck_assert_ptr_nonnull(series);
  ck_assert_ptr_nonnull(fits);
  static double y[MAX_VALUES];
  size_t compared = 0;
  for (size_t r = 0; r < fits->n_rows; r++) {
    const char *case_name = cc_fixture_text(fits, r, "case");
    int period = 0;
    size_t n = cc_fixture_series_part(series, case_name, "", y, MAX_VALUES, &period);
    cc_model *chosen = NULL, *fixed = NULL;
    cc_error err;
    ck_assert_msg(fit_auto(y, n, period, NULL, &chosen, &err) == CC_OK, "%s: %s", case_name, err.message);
    int order = chosen->settings[0], seasonal = chosen->settings[1];
    const char *constants[3] = {"none", "mean", "drift"};
    char variant[64];
    snprintf(variant, sizeof variant, "%d,%d,%d:%d,%d,%d:%s", order / 10000, order / 100 % 100, order % 100,
             seasonal / 10000, seasonal / 100 % 100, seasonal % 100, constants[chosen->settings[2]]);
    if (seasonal == 0)
      snprintf(variant, sizeof variant, "%d,%d,%d:%s", order / 10000, order / 100 % 100, order % 100,
               constants[chosen->settings[2]]);
    ck_assert_msg(fit_auto(y, n, period, variant, &fixed, &err) == CC_OK, "%s %s: %s", case_name, variant, err.message);
    ck_assert_uint_eq(fixed->n_params, chosen->n_params);
    for (size_t i = 0; i < chosen->n_params; i++) {
      double want = fixed->std_errors[i], got = chosen->std_errors[i];
      if (isnan(want)) {
        ck_assert_msg(isnan(got), "%s %s: s.e. %zu is %g, the fixed fit's NaN", case_name, variant, i, got);
        continue;
      }
      ck_assert_msg(fabs(got - want) <= SE_TOLERANCE * fabs(want) + 1e-12, "%s %s: s.e. %zu %.10g, fixed fit %.10g",
                    case_name, variant, i, got, want);
      compared++;
    }
    ck_assert_msg(fabs(chosen->sigma2 - fixed->sigma2) <= 1e-9 * fixed->sigma2, "%s: sigma2 %.12g, fixed fit %.12g",
                  case_name, chosen->sigma2, fixed->sigma2);
    for (size_t t = 0; t < n; t++)
      ck_assert_msg(isnan(fixed->residuals[t]) ? isnan(chosen->residuals[t])
                                               : fabs(chosen->residuals[t] - fixed->residuals[t]) <=
                                                     1e-9 * (fabs(fixed->residuals[t]) + sqrt(fixed->sigma2)),
                    "%s: residual %zu %.12g, fixed fit %.12g", case_name, t, chosen->residuals[t], fixed->residuals[t]);
    ck_assert_uint_eq(chosen->n_states, fixed->n_states);
    for (size_t i = 0; i < fixed->n_states; i++)
      ck_assert_msg(fabs(chosen->states[i] - fixed->states[i]) <= 1e-9 * (fabs(fixed->states[i]) + 1),
                    "%s: state %zu %.12g, fixed fit %.12g", case_name, i, chosen->states[i], fixed->states[i]);
    cc_model_free(chosen), cc_model_free(fixed);
  }
  ck_assert_uint_ge(compared, MIN_SEASONAL_CASES);
  cc_fixture_free(series), cc_fixture_free(fits);
}
END_TEST

/* "auto", "" and NULL are the same automatic choice. */
START_TEST(test_variant_spellings) {
  double y[60];
  for (int t = 0; t < 60; t++) y[t] = 10 + 0.5 * t + sin(1.7 * t) + 0.3 * cos(0.9 * t * t);
  const char *variants[3] = {NULL, "", "auto"};
  char spec[CC_MODEL_SPEC_MAX] = "";
  for (int i = 0; i < 3; i++) {
    cc_model *m = NULL;
    cc_error err;
    ck_assert_int_eq(fit_auto(y, 60, 1, variants[i], &m, &err), CC_OK);
    if (i == 0) memcpy(spec, m->spec, sizeof spec);
    ck_assert_str_eq(m->spec, spec);
    cc_model_free(m);
  }
}
END_TEST

START_TEST(test_errors) {
  double y[40];
  for (int t = 0; t < 40; t++) y[t] = 5 + sin(t);
  cc_model *m = NULL;
  cc_error err;
  /* a seasonal series is fitted automatically (period 4, 40 values) */
  ck_assert_int_eq(fit_auto(y, 40, 4, NULL, &m, &err), CC_OK);
  ck_assert_int_eq(m->period == 4 || m->settings[1] == 0, 1);
  cc_model_free(m);
  m = NULL;
  /* a seasonal series constant after its seasonal difference */
  double repeating[48];
  for (int t = 0; t < 48; t++) repeating[t] = 10 + 5 * (t % 4);
  ck_assert_int_eq(fit_auto(repeating, 48, 4, NULL, &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
  /* a period so long that one seasonal difference exceeds the state limit: said so */
  static double long_period[700];
  for (int t = 0; t < 700; t++) long_period[t] = 10 + 5 * sin(0.0209439510239 * t) + 0.1 * sin(2.1 * t); /* period 300 */
  ck_assert_int_eq(fit_auto(long_period, 700, 300, NULL, &m, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "state would exceed"));
  ck_assert_ptr_null(m);
  /* a constant series: nothing to choose */
  double flat[30];
  for (int t = 0; t < 30; t++) flat[t] = 3;
  ck_assert_int_eq(fit_auto(flat, 30, 1, "auto", &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
  /* too few values, and an infinite one */
  double few[1] = {1};
  ck_assert_int_eq(fit_auto(few, 1, 1, NULL, &m, &err), CC_EINPUT);
  y[7] = INFINITY;
  ck_assert_int_eq(fit_auto(y, 40, 1, NULL, &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
}
END_TEST

static Suite *auto_arima_suite(void) {
  Suite *s = suite_create("auto_arima");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300); /* the missing-value cases take the filter: about a minute under ASan */
  tcase_add_test(tc, test_reference_selection);
  tcase_add_test(tc, test_seasonal_reference);
  tcase_add_test(tc, test_completed_as_fixed_fit);
  tcase_add_test(tc, test_variant_spellings);
  tcase_add_test(tc, test_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return cc_test_run_suite(auto_arima_suite());
}
