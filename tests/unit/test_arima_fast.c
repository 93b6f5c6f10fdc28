/* test_arima_fast.c: the fast likelihood of complete series (the ARMA
 * autocovariances and the Chandrasekhar recursions in
 * src/ts/arima_statespace.c) against the slow obvious one, the Kalman
 * filter over the full state with the diffuse differencing states.
 *
 * The filter runs whenever a value is missing. A missing first value adds
 * nothing to the likelihood (without a constant: the filter only predicts
 * through it), so fitting (NaN, y) takes the filter and fitting y the fast
 * path, on the same likelihood up to R's diffuse prior (kappa 1e6). Both
 * fits must agree: log-likelihood within 1e-3, coefficients within 1e-3
 * (relative above 1),
 * forecasts within 1e-4 relative, for stationary and differenced, seasonal
 * and non-seasonal models. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "carecast/model.h"
#include "carecast/models.h"
#include "testutil.h"

#define N_VALUES 96
#define LOGLIK_TOLERANCE 1e-3
#define COEF_TOLERANCE 1e-3
#define MEAN_TOLERANCE 1e-4
#define HORIZON 8

/* A seasonal series with noise from a fixed linear congruential stream. */
static void make_series(double *y, size_t n, int period) {
  unsigned long state = 12345;
  double level = 50, noise_prev = 0;
  for (size_t t = 0; t < n; t++) {
    state = (1103515245UL * state + 12345UL) % 2147483648UL;
    double noise = (double)state / 2147483648.0 - 0.5;
    level += 0.3 * noise;
    y[t] = level + 4 * sin(6.283185307179586 * (double)t / period) + 2 * noise + 0.6 * noise_prev;
    noise_prev = noise;
  }
}

static cc_model *fit(const double *y, size_t n, int period, const char *variant) {
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period;
  cc_model *m = NULL;
  cc_error err;
  cc_error_clear(&err);
  ck_assert_msg(cc_model_arima.fit(y, n, variant, &options, &m, &err) == CC_OK, "%s: %s", variant, err.message);
  return m;
}

START_TEST(test_fast_matches_filter) {
  const char *variants[] = {"1,0,1:mean", "2,0,0:1,0,0:mean", "0,1,1:none", "1,1,1:0,1,1", "0,1,1:0,1,1",
                            "2,0,1:1,1,0", "0,0,2:0,0,1:mean"};
  double y[N_VALUES], shifted[N_VALUES + 1];
  make_series(y, N_VALUES, 4);
  shifted[0] = NAN;
  memcpy(shifted + 1, y, sizeof y);
  for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
    cc_model *fast = fit(y, N_VALUES, 4, variants[v]), *filter = fit(shifted, N_VALUES + 1, 4, variants[v]);
    ck_assert_msg(fabs(fast->loglik - filter->loglik) <= LOGLIK_TOLERANCE, "%s: loglik %.8f vs %.8f", variants[v],
                  fast->loglik, filter->loglik);
    ck_assert_uint_eq(fast->n_params, filter->n_params);
    for (size_t i = 0; i < fast->n_params; i++)
      ck_assert_msg(fabs(fast->params[i] - filter->params[i]) <= COEF_TOLERANCE * fmax(1, fabs(filter->params[i])), "%s: %s %.8f vs %.8f", variants[v],
                    fast->param_names[i], fast->params[i], filter->params[i]);
    double mean_fast[HORIZON], mean_filter[HORIZON], variance[HORIZON];
    int analytic;
    cc_error err;
    ck_assert_int_eq(cc_model_arima.forecast(fast, HORIZON, mean_fast, variance, &analytic, &err), CC_OK);
    ck_assert_int_eq(cc_model_arima.forecast(filter, HORIZON, mean_filter, variance, &analytic, &err), CC_OK);
    for (int h = 0; h < HORIZON; h++)
      ck_assert_msg(fabs(mean_fast[h] - mean_filter[h]) <= MEAN_TOLERANCE * fabs(mean_filter[h]), "%s: h=%d %.8f vs %.8f",
                    variants[v], h + 1, mean_fast[h], mean_filter[h]);
    cc_model_free(fast);
    cc_model_free(filter);
  }
}
END_TEST

static Suite *arima_fast_suite(void) {
  Suite *s = suite_create("arima_fast");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_fast_matches_filter);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return cc_test_run_suite(arima_fast_suite());
}
