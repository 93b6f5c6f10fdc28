/* test_arima_xreg.c: regression with ARIMA errors and the standard errors of
 * ARIMA coefficients (src/ts/arima.c, forecast.c, select.c).
 *
 * Reference values come from R's forecast 8.20 through
 * tests/reference/arima_xreg_reference.R: forecast::Arima(y, xreg = X) on 8
 * simulated cases (one and two regressors, a step dummy, a step and a trend
 * after a change point, with and without drift, seasonal, missing values in
 * y and in a regressor), and sqrt(diag(var.coef)) of the 17 ordinary fits of
 * arima_reference.R. Tolerances: coefficients within 2% relative (0.02
 * absolute for small ones), standard errors within 5% relative, loglik
 * within 0.1, point forecasts (given the same future regressor values)
 * within 1%, 95% bounds within 3%. Besides: every error path of the
 * regression interface. */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/forecast.h"
#include "carecast/model.h"
#include "carecast/models.h"
#include "carecast/select.h"
#include "carecast/series.h"
#include "carecast/store.h"
#include "fixture.h"
#include "testutil.h"

#define COEF_RELATIVE_TOLERANCE 0.02 /* coefficients: 2% relative ... */
#define COEF_ABSOLUTE_TOLERANCE 0.02 /* ... or 0.02 absolute for small ones */
#define SE_TOLERANCE 0.05            /* standard errors: 5% relative */
#define LOGLIK_TOLERANCE 0.1         /* log-likelihood: absolute */
#define MEAN_TOLERANCE 0.01          /* point forecasts: 1% relative */
#define BOUND_TOLERANCE 0.03         /* interval bounds: 3% relative */
#define MIN_XREG_CASES 6             /* the comparison must not pass vacuously */
#define MIN_SE_CASES 15
#define MIN_AUTO_CASES 6
#define AUTO_AICC_SLACK 0.5          /* automatic orders: a different model may be this much worse at most */
#define MAX_VALUES 512
#define MAX_HORIZON 24
#define MAX_COEF 16

/* The index of parameter name in m, or -1. */
static int param_index(const cc_model *m, const char *name) {
  for (size_t i = 0; i < m->n_params; i++)
    if (strcmp(m->param_names[i], name) == 0) return (int)i;
  return -1;
}

/* Compare m's coefficients (and, when ses is not NULL, standard errors) with
 * the space-separated names and values of a fixture row; mismatches printed and counted. */
static int compare_coefficients(const char *case_name, const cc_model *m, const char *names_text, const char *values_text,
                                const char *ses_text) {
  char names[MAX_COEF][CC_FIXTURE_WORD_MAX], values[MAX_COEF][CC_FIXTURE_WORD_MAX], ses[MAX_COEF][CC_FIXTURE_WORD_MAX];
  size_t n_names = cc_fixture_words(names_text, names, MAX_COEF);
  int failures = 0;
  ck_assert_uint_eq(n_names, m->n_params);
  if (values_text) ck_assert_uint_eq(cc_fixture_words(values_text, values, MAX_COEF), n_names);
  if (ses_text) ck_assert_uint_eq(cc_fixture_words(ses_text, ses, MAX_COEF), n_names);
  for (size_t i = 0; i < n_names; i++) {
    int k = param_index(m, names[i]);
    ck_assert_msg(k >= 0, "%s: no parameter %s", case_name, names[i]);
    if (values_text) {
      double expected = strtod(values[i], NULL), got = m->params[k];
      if (!(fabs(got - expected) <= fmax(COEF_RELATIVE_TOLERANCE * fabs(expected), COEF_ABSOLUTE_TOLERANCE))) {
        printf("%s: %s = %.6g, R %.6g\n", case_name, names[i], got, expected);
        failures++;
      }
    }
    if (ses_text) {
      double expected = strtod(ses[i], NULL), got = m->std_errors[k];
      if (isnan(expected)) continue; /* R's Hessian gave a negative variance: nothing to compare */
      if (!(fabs(got - expected) <= SE_TOLERANCE * fabs(expected))) {
        printf("%s: s.e.(%s) = %.6g, R %.6g\n", case_name, names[i], got, expected);
        failures++;
      }
    }
  }
  return failures;
}

START_TEST(test_standard_errors_of_ordinary_fits) {
  cc_fixture *fits = cc_fixture_load("arima_fits.csv"), *series = cc_fixture_load("arima_series.csv");
  cc_fixture *ses = cc_fixture_load("arima_se.csv");
  ck_assert_msg(fits && series && ses, "fixtures missing (run tests/reference/arima_xreg_reference.R)");
  size_t compared = 0, failed = 0;
  static double y[1024];
  for (size_t r = 0; r < ses->n_rows; r++) {
    const char *case_name = cc_fixture_text(ses, r, "case");
    size_t fit_row = fits->n_rows;
    for (size_t k = 0; k < fits->n_rows; k++)
      if (strcmp(cc_fixture_text(fits, k, "case"), case_name) == 0) fit_row = k;
    ck_assert_uint_lt(fit_row, fits->n_rows);
    int period = 1;
    size_t n = 0;
    for (size_t k = 0; k < series->n_rows; k++)
      if (strcmp(cc_fixture_text(series, k, "case"), case_name) == 0) {
        ck_assert_uint_lt(n, 1024);
        y[n++] = cc_fixture_number(series, k, "value");
        period = (int)cc_fixture_number(series, k, "period");
      }
    char variant[64];
    cc_fixture_arima_variant(fits, fit_row, variant, sizeof variant);
    cc_fit_options options;
    cc_fit_options_default(&options);
    options.period = period;
    cc_model *m = NULL;
    cc_error err;
    ck_assert_msg(cc_model_arima.fit(y, n, variant, &options, &m, &err) == CC_OK, "%s: %s", case_name, err.message);
    failed += compare_coefficients(case_name, m, cc_fixture_text(ses, r, "names"), NULL, cc_fixture_text(ses, r, "ses")) > 0;
    compared++;
    cc_model_free(m);
  }
  printf("arima standard errors: %zu cases compared, %zu with mismatches\n", compared, failed);
  ck_assert_uint_ge(compared, MIN_SE_CASES);
  ck_assert_uint_eq(failed, 0);
  cc_fixture_free(fits), cc_fixture_free(series), cc_fixture_free(ses);
}
END_TEST

/* One regression case: y, regressors and their future values from the fixture. */
typedef struct xreg_case {
  double y[MAX_VALUES], xreg[2 * MAX_VALUES], future[2 * MAX_HORIZON];
  size_t n, h, k;
  int period;
} xreg_case;

static void load_xreg_case(const cc_fixture *series, const char *case_name, size_t k, xreg_case *c) {
  memset(c, 0, sizeof *c);
  c->k = k;
  double x[2][MAX_VALUES], xf[2][MAX_HORIZON];
  const char *columns[2] = {"x1", "x2"};
  for (size_t r = 0; r < series->n_rows; r++) {
    if (strcmp(cc_fixture_text(series, r, "case"), case_name) != 0) continue;
    c->period = (int)cc_fixture_number(series, r, "period");
    if (strcmp(cc_fixture_text(series, r, "part"), "fit") == 0) {
      ck_assert_uint_lt(c->n, MAX_VALUES);
      c->y[c->n] = cc_fixture_number(series, r, "value");
      for (size_t j = 0; j < k; j++) x[j][c->n] = cc_fixture_number(series, r, columns[j]);
      c->n++;
    } else {
      ck_assert_uint_lt(c->h, MAX_HORIZON);
      for (size_t j = 0; j < k; j++) xf[j][c->h] = cc_fixture_number(series, r, columns[j]);
      c->h++;
    }
  }
  for (size_t j = 0; j < k; j++) {
    memcpy(c->xreg + j * c->n, x[j], c->n * sizeof *c->xreg);
    memcpy(c->future + j * c->h, xf[j], c->h * sizeof *c->future);
  }
}

START_TEST(test_regression_reference) {
  cc_fixture *fits = cc_fixture_load("arima_xreg_fits.csv"), *series = cc_fixture_load("arima_xreg_series.csv");
  cc_fixture *forecasts = cc_fixture_load("arima_xreg_forecast.csv");
  ck_assert_msg(fits && series && forecasts, "fixtures missing (run tests/reference/arima_xreg_reference.R)");
  static xreg_case c;
  size_t compared = 0, failed = 0;
  for (size_t r = 0; r < fits->n_rows; r++) {
    const char *case_name = cc_fixture_text(fits, r, "case");
    size_t k = (size_t)cc_fixture_number(fits, r, "n_xreg");
    load_xreg_case(series, case_name, k, &c);
    /* R's names: the regressors are the last k names of the row. */
    char names[MAX_COEF][CC_FIXTURE_WORD_MAX];
    size_t n_names = cc_fixture_words(cc_fixture_text(fits, r, "names"), names, MAX_COEF);
    const char *xreg_names[2] = {names[n_names - k], k > 1 ? names[n_names - k + 1] : NULL};
    char variant[64];
    cc_fixture_arima_variant(fits, r, variant, sizeof variant);
    cc_fit_options options;
    cc_fit_options_default(&options);
    options.period = c.period;
    options.n_xreg = k, options.xreg = c.xreg, options.xreg_names = xreg_names;
    cc_model *m = NULL;
    cc_error err;
    ck_assert_msg(cc_model_arima.fit(c.y, c.n, variant, &options, &m, &err) == CC_OK, "%s: %s", case_name, err.message);
    ck_assert_uint_eq(m->n_xreg, k);
    ck_assert_str_eq(m->xreg_names[0], xreg_names[0]);
    int failures = compare_coefficients(case_name, m, cc_fixture_text(fits, r, "names"),
                                        cc_fixture_text(fits, r, "values"), cc_fixture_text(fits, r, "ses"));
    double loglik = cc_fixture_number(fits, r, "loglik");
    if (!(fabs(m->loglik - loglik) <= LOGLIK_TOLERANCE)) {
      printf("%s: loglik %.6f, R %.6f\n", case_name, m->loglik, loglik);
      failures++;
    }
    cc_forecast_options fo;
    cc_forecast_options_default(&fo);
    fo.n_paths = 0;
    fo.xreg_future = c.future;
    double level = 95;
    cc_forecast *f = NULL;
    ck_assert_msg(cc_forecast_compute(m, c.h, &level, 1, &fo, &f, &err) == CC_OK, "%s: %s", case_name, err.message);
    for (size_t row = 0; row < forecasts->n_rows; row++) {
      if (strcmp(cc_fixture_text(forecasts, row, "case"), case_name) != 0) continue;
      size_t step = (size_t)cc_fixture_number(forecasts, row, "h");
      ck_assert(step >= 1 && step <= c.h);
      double got[3] = {f->mean[step - 1], f->lower[step - 1], f->upper[step - 1]};
      const char *columns[3] = {"mean", "lo95", "hi95"};
      double tolerance[3] = {MEAN_TOLERANCE, BOUND_TOLERANCE, BOUND_TOLERANCE};
      for (int b = 0; b < 3; b++) {
        double expected = cc_fixture_number(forecasts, row, columns[b]);
        if (!cc_fixture_close(got[b], expected, tolerance[b])) {
          printf("%s: h=%zu %s %.6g, R %.6g\n", case_name, step, columns[b], got[b], expected);
          failures++;
        }
      }
    }
    cc_forecast_free(f);
    cc_model_free(m);
    compared++;
    failed += failures > 0;
  }
  printf("arima regression: %zu reference cases compared, %zu with mismatches\n", compared, failed);
  ck_assert_uint_ge(compared, MIN_XREG_CASES);
  ck_assert_uint_eq(failed, 0);
  cc_fixture_free(fits), cc_fixture_free(series), cc_fixture_free(forecasts);
}
END_TEST

/* auto.arima(y, xreg = X, seasonal = FALSE): the same orders and constant,
 * or (the search being greedy, a near tie may go either way) a model whose
 * AICc is no worse than R's by AUTO_AICC_SLACK. */
START_TEST(test_automatic_orders_reference) {
  cc_fixture *autos = cc_fixture_load("arima_xreg_auto.csv"), *series = cc_fixture_load("arima_xreg_series.csv");
  cc_fixture *fits = cc_fixture_load("arima_xreg_fits.csv");
  ck_assert_msg(autos && series && fits, "fixtures missing (run tests/reference/arima_xreg_reference.R)");
  static xreg_case c;
  size_t same = 0, compared = 0;
  for (size_t r = 0; r < autos->n_rows; r++) {
    const char *case_name = cc_fixture_text(autos, r, "case");
    size_t k = 0, fit_row = fits->n_rows;
    for (size_t f = 0; f < fits->n_rows; f++)
      if (strcmp(cc_fixture_text(fits, f, "case"), case_name) == 0) fit_row = f;
    ck_assert_uint_lt(fit_row, fits->n_rows);
    k = (size_t)cc_fixture_number(fits, fit_row, "n_xreg");
    load_xreg_case(series, case_name, k, &c);
    const char *names[2] = {"x1", "x2"};
    cc_fit_options options;
    cc_fit_options_default(&options);
    options.n_xreg = k, options.xreg = c.xreg, options.xreg_names = names;
    cc_model *m = NULL;
    cc_error err;
    ck_assert_msg(cc_model_arima.fit(c.y, c.n, NULL, &options, &m, &err) == CC_OK, "%s: %s", case_name, err.message);
    char expected[64], got[64];
    snprintf(expected, sizeof expected, "ARIMA(%d,%d,%d)%s", (int)cc_fixture_number(autos, r, "p"),
             (int)cc_fixture_number(autos, r, "d"), (int)cc_fixture_number(autos, r, "q"),
             strcmp(cc_fixture_text(autos, r, "constant"), "mean") == 0    ? " mean"
             : strcmp(cc_fixture_text(autos, r, "constant"), "drift") == 0 ? " drift"
                                                                           : "");
    snprintf(got, sizeof got, "%s", m->spec);
    char *suffix = strstr(got, "+xreg");
    if (suffix) *suffix = '\0';
    double aicc = cc_fixture_number(autos, r, "aicc");
    int match = strcmp(got, expected) == 0;
    if (!match) printf("%s: auto chose %s (AICc %.3f), R %s (AICc %.3f)\n", case_name, got, m->aicc, expected, aicc);
    ck_assert_msg(match || m->aicc <= aicc + AUTO_AICC_SLACK, "%s: %s is worse than R's %s", case_name, got, expected);
    if (match) ck_assert_msg(fabs(m->aicc - aicc) <= 2 * LOGLIK_TOLERANCE, "%s: AICc %g, R %g", case_name, m->aicc, aicc);
    same += (size_t)match;
    compared++;
    cc_model_free(m);
  }
  printf("arima regression, automatic orders: %zu of %zu as R\n", same, compared);
  ck_assert_uint_ge(compared, MIN_AUTO_CASES);
  ck_assert_uint_ge(same, compared - 1);
  cc_fixture_free(autos), cc_fixture_free(series), cc_fixture_free(fits);
}
END_TEST

/* The regression offset is X_future beta with beta the last n_xreg params. */
START_TEST(test_regression_offset) {
  cc_model *m = cc_model_alloc(&cc_model_arima, 4, 3, 1);
  ck_assert_ptr_nonnull(m);
  m->params[0] = 0.5, m->params[1] = 2, m->params[2] = -1;
  const char *names[2] = {"a", "b"};
  cc_error err;
  ck_assert_int_eq(cc_model_set_xreg(m, 2, names, &err), CC_OK);
  double future[6] = {1, 2, 3, 10, 20, 30}, offset[3];
  cc_model_regression(m, future, 3, offset);
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(offset[i], 2 * future[i] - future[3 + i], 1e-12);
  ck_assert_int_eq(cc_model_set_xreg(m, 4, names, &err), CC_EINTERNAL);
  cc_model_free(m);
}
END_TEST

/* Aligning a regressor on a series' periods: NaN outside it, the count of values. */
START_TEST(test_values_at) {
  cc_series *s = cc_series_alloc(4);
  ck_assert_ptr_nonnull(s);
  cc_error err;
  s->freq = CC_FREQ_MONTH;
  ck_assert_int_eq(cc_period_parse("2020-03", &s->start, &err), CC_OK);
  double values[4] = {1, 2, NAN, 4}, out[6];
  memcpy(s->values, values, sizeof values);
  cc_period start;
  ck_assert_int_eq(cc_period_parse("2020-01", &start, &err), CC_OK);
  ck_assert_uint_eq(cc_series_values_at(s, start, 6, out), 3);
  ck_assert(isnan(out[0]) && isnan(out[1]) && isnan(out[4]));
  ck_assert_double_eq(out[2], 1);
  ck_assert_double_eq(out[5], 4);
  ck_assert_int_eq(cc_period_parse("2021-01", &start, &err), CC_OK);
  ck_assert_uint_eq(cc_series_values_at(s, start, 6, out), 0);
  cc_series_free(s);
}
END_TEST

START_TEST(test_errors) {
  enum { N = 60 };
  double y[N], x[2 * N];
  for (int t = 0; t < N; t++) y[t] = 10 + 0.3 * t + sin(t), x[t] = t % 7, x[N + t] = 2 * (t % 7);
  const char *names[2] = {"a", "b"};
  cc_error err;
  cc_model *m = NULL;
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.n_xreg = 2, options.xreg = x, options.xreg_names = names;
  /* collinear regressors */
  ck_assert_int_eq(cc_model_arima.fit(y, N, "1,0,0", &options, &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
  /* regressors without values */
  options.xreg = NULL;
  ck_assert_int_eq(cc_model_arima.fit(y, N, "1,0,0", &options, &m, &err), CC_EUSAGE);
  /* an infinite regressor value */
  options.n_xreg = 1, options.xreg = x;
  x[5] = INFINITY;
  ck_assert_int_eq(cc_model_arima.fit(y, N, "1,0,0", &options, &m, &err), CC_EINPUT);
  x[5] = 5;
  /* a regressor that is constant after differencing */
  double flat[N];
  for (int t = 0; t < N; t++) flat[t] = 3;
  options.xreg = flat;
  ck_assert_int_eq(cc_model_arima.fit(y, N, "0,1,1", &options, &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
  /* a family without regressors */
  cc_model_request request;
  ck_assert_int_eq(cc_model_request_parse("ets", &request, &err), CC_OK);
  ck_assert_int_eq(cc_model_fit_request_xreg(&request, y, N, 1, 1, x, names, &m, &err), CC_EUSAGE);
  ck_assert_ptr_null(m);
  /* forecasting without the future values names the regressor */
  ck_assert_int_eq(cc_model_request_parse("arima:1,0,0", &request, &err), CC_OK);
  ck_assert_int_eq(cc_model_fit_request_xreg(&request, y, N, 1, 1, x, names, &m, &err), CC_OK);
  ck_assert_uint_eq(m->n_xreg, 1);
  ck_assert(isfinite(m->std_errors[m->n_params - 1]));
  cc_forecast *f = NULL;
  double level = 80;
  ck_assert_int_eq(cc_forecast_compute(m, 6, &level, 1, NULL, &f, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "'a'"));
  ck_assert_ptr_null(f);
  cc_model_free(m);
  /* the automatic choice with a regressor */
  ck_assert_int_eq(cc_model_request_parse("auto", &request, &err), CC_OK);
  ck_assert_int_eq(cc_model_fit_request_xreg(&request, y, N, 1, 1, x, names, &m, &err), CC_OK);
  ck_assert_ptr_eq(m->type, &cc_model_arima);
  ck_assert_uint_eq(m->n_xreg, 1);
  cc_model_free(m);
}
END_TEST

/* A model with regressors survives the store: names, standard errors,
 * covariance, and the same forecast from the same future values. */
START_TEST(test_store_round_trip) {
  cc_fixture *fits = cc_fixture_load("arima_xreg_fits.csv"), *series = cc_fixture_load("arima_xreg_series.csv");
  ck_assert_ptr_nonnull(fits);
  ck_assert_ptr_nonnull(series);
  static xreg_case c;
  load_xreg_case(series, "xreg_two_arma11_mean", 2, &c);
  const char *names[2] = {"nhs_emergency_admissions/E08000019/65+", "x2"};
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.n_xreg = 2, options.xreg = c.xreg, options.xreg_names = names;
  cc_model *m = NULL, *back = NULL;
  cc_error err;
  ck_assert_int_eq(cc_model_arima.fit(c.y, c.n, "1,0,1", &options, &m, &err), CC_OK);
  ck_assert_str_eq(m->param_names[m->n_params - 2], "xreg1"); /* too long for a parameter name */
  ck_assert_str_eq(m->param_names[m->n_params - 1], "x2");
  char *dir = cc_test_tmpdir(), *path = cc_test_path(dir, "store.h5"), run_id[CC_RUN_ID_MAX];
  cc_store *store = NULL;
  cc_model_context context = {.kind = CC_KIND_FLOW, .freq = CC_FREQ_MONTH, .ljung_box_p = NAN};
  snprintf(context.series_id, sizeof context.series_id, "asc_requests/E08000019/65+");
  ck_assert_int_eq(cc_period_parse("2025-04", &context.next, &err), CC_OK);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_run_create(store, "models", "20260101T000000Z", run_id, &err), CC_OK);
  ck_assert_int_eq(cc_store_model_write(store, run_id, m, &context, &err), CC_OK);
  ck_assert_int_eq(cc_store_commit(store, &err), CC_OK);
  cc_store_close(store);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_model_read(store, run_id, context.series_id, &back, &context, &err), CC_OK);
  cc_store_close(store);
  ck_assert_uint_eq(back->n_xreg, 2);
  ck_assert_str_eq(back->xreg_names[0], names[0]);
  ck_assert_ptr_nonnull(back->covariance);
  for (size_t i = 0; i < m->n_params; i++) {
    ck_assert_double_eq(back->std_errors[i], m->std_errors[i]);
    for (size_t j = 0; j < m->n_params; j++)
      ck_assert_double_eq(back->covariance[i + m->n_params * j], m->covariance[i + m->n_params * j]);
  }
  cc_forecast_options fo;
  cc_forecast_options_default(&fo);
  fo.n_paths = 0, fo.xreg_future = c.future;
  double level = 95;
  cc_forecast *f1 = NULL, *f2 = NULL;
  ck_assert_int_eq(cc_forecast_compute(m, c.h, &level, 1, &fo, &f1, &err), CC_OK);
  ck_assert_int_eq(cc_forecast_compute(back, c.h, &level, 1, &fo, &f2, &err), CC_OK);
  for (size_t i = 0; i < c.h; i++) ck_assert_double_eq(f1->mean[i], f2->mean[i]);
  cc_forecast_free(f1), cc_forecast_free(f2);
  cc_model_free(m), cc_model_free(back);
  cc_test_rmtree(dir);
  free(dir), free(path);
  cc_fixture_free(fits), cc_fixture_free(series);
}
END_TEST

/* Random orders, one to three regressors (random walks, steps, white noise),
 * missing values in y and in the regressors: a fit either succeeds with a
 * finite likelihood, standard errors that are positive or NaN and a finite
 * forecast from finite future values, or fails as bad input -- never a crash. */
START_TEST(test_fuzz) {
  enum { N = 90, H = 6, K = 3 };
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 4242);
  const char *names[K] = {"a", "b", "c"};
  int fitted = 0;
  for (int trial = 0; trial < 120; trial++) {
    size_t n = 10 + gsl_rng_uniform_int(rng, N - 10), k = 1 + gsl_rng_uniform_int(rng, K);
    double y[N], x[K * N], future[K * H], level = 20;
    for (size_t j = 0; j < k; j++) {
      double walk = 0;
      for (size_t t = 0; t < n + H; t++) {
        walk += gsl_ran_gaussian(rng, 1);
        double value = j == 0 ? walk : j == 1 ? (t > n / 2 ? 1.0 : 0.0) : gsl_ran_gaussian(rng, 3);
        if (t < n) x[j * n + t] = gsl_rng_uniform(rng) < 0.03 ? NAN : value;
        else future[j * H + (t - n)] = value;
      }
    }
    for (size_t t = 0; t < n; t++) {
      level += gsl_ran_gaussian(rng, 1);
      y[t] = gsl_rng_uniform(rng) < 0.05 ? NAN : level + 0.7 * x[t] + (k > 1 ? 4 * x[n + t] : 0);
    }
    char variant[64];
    snprintf(variant, sizeof variant, "%lu,%lu,%lu", gsl_rng_uniform_int(rng, 3), gsl_rng_uniform_int(rng, 2),
             gsl_rng_uniform_int(rng, 3));
    cc_fit_options options;
    cc_fit_options_default(&options);
    options.n_xreg = k, options.xreg = x, options.xreg_names = names;
    cc_model *m = NULL;
    cc_error err;
    cc_status status = cc_model_arima.fit(y, n, trial % 4 == 0 ? NULL : variant, &options, &m, &err);
    if (status) {
      ck_assert_ptr_null(m);
      ck_assert_msg(status == CC_EINPUT, "%s: %s", variant, err.message);
      continue;
    }
    fitted++;
    ck_assert_msg(isfinite(m->loglik), "%s n=%zu", variant, n);
    for (size_t i = 0; i < m->n_params; i++) ck_assert(isnan(m->std_errors[i]) || m->std_errors[i] > 0);
    cc_forecast_options fo;
    cc_forecast_options_default(&fo);
    fo.n_paths = 20, fo.xreg_future = future;
    double level80 = 80;
    cc_forecast *f = NULL;
    ck_assert_int_eq(cc_forecast_compute(m, H, &level80, 1, &fo, &f, &err), CC_OK);
    for (size_t i = 0; i < H; i++) ck_assert_msg(isfinite(f->mean[i]) && f->lower[i] <= f->upper[i], "%s", variant);
    cc_forecast_free(f);
    cc_model_free(m);
  }
  ck_assert_int_gt(fitted, 40);
  gsl_rng_free(rng);
}
END_TEST

static Suite *arima_xreg_suite(void) {
  Suite *suite = suite_create("arima_xreg");
  TCase *reference = tcase_create("reference");
  tcase_set_timeout(reference, 120);
  tcase_add_test(reference, test_standard_errors_of_ordinary_fits);
  tcase_add_test(reference, test_regression_reference);
  tcase_add_test(reference, test_automatic_orders_reference);
  suite_add_tcase(suite, reference);
  TCase *exact = tcase_create("exact");
  tcase_add_test(exact, test_regression_offset);
  tcase_add_test(exact, test_values_at);
  suite_add_tcase(suite, exact);
  TCase *fuzz = tcase_create("fuzz");
  tcase_set_timeout(fuzz, 120);
  tcase_add_test(fuzz, test_fuzz);
  suite_add_tcase(suite, fuzz);
  TCase *store = tcase_create("store");
  tcase_add_test(store, test_store_round_trip);
  suite_add_tcase(suite, store);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_errors);
  suite_add_tcase(suite, errors);
  return suite;
}

int main(void) { return cc_test_run_suite(arima_xreg_suite()); }
