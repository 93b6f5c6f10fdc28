/* decompose.c: classical decomposition, the 90% seasonality test and the
 * multiplicative seasonal adjustment of thetaf / M4 Naive2 (see decompose.h).
 *
 * The decomposition follows R's stats::decompose() step by step: trend by
 * stats::filter() with weights c(0.5, 1, ..., 1, 0.5) / m for even m and
 * rep(1, m) / m for odd m (centred, NaN where the window is incomplete or
 * holds a missing value), the detrended series averaged per cycle position
 * with missing values skipped, and the figure normalised. The
 * autocorrelations of the seasonality test are R's acf() with
 * na.action = na.pass: deviations from the mean of the non-missing values,
 * lag-k sums over complete pairs divided by (pairs + k). */
#include "carecast/decompose.h"

#include <math.h>
#include <stdlib.h>

/* qnorm(0.95): the two-sided 90% critical value as forecast::thetaf computes it. */
#define SEASONALITY_Z_THETAF 1.6448536269514722
/* The same critical value as printed in the M4 benchmarks' SeasonalityTest. */
#define SEASONALITY_Z_M4 1.645
/* Relative tolerance of R's all.equal(), which is.constant() uses. */
#define CONSTANT_TOLERANCE 1.5e-8

cc_decomposition *cc_decomposition_alloc(size_t n, int period) {
  if (period < 1) return NULL;
  cc_decomposition *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  size_t size = n ? n : 1;
  d->n = n;
  d->period = period;
  d->trend = malloc(size * sizeof *d->trend);
  d->seasonal = malloc(size * sizeof *d->seasonal);
  d->remainder = malloc(size * sizeof *d->remainder);
  d->figure = malloc((size_t)period * sizeof *d->figure);
  if (!d->trend || !d->seasonal || !d->remainder || !d->figure) {
    cc_decomposition_free(d);
    return NULL;
  }
  return d;
}

void cc_decomposition_free(cc_decomposition *d) {
  if (!d) return;
  free(d->trend);
  free(d->seasonal);
  free(d->remainder);
  free(d->figure);
  free(d);
}

/* The centred moving average of order period at every t (NaN where the
 * window leaves the series or holds a missing value). */
static void centred_moving_average(const double *y, size_t n, int period, double *trend) {
  size_t half = (size_t)period / 2;
  int even = period % 2 == 0;
  for (size_t t = 0; t < n; t++) {
    trend[t] = NAN;
    if (t < half || t + half >= n) continue;
    double sum = 0;
    for (size_t j = t - half; j <= t + half; j++) {
      double weight = even && (j == t - half || j == t + half) ? 0.5 : 1.0;
      sum += weight * y[j];
    }
    trend[t] = sum / period; /* NaN propagates, as in stats::filter */
  }
}

cc_status cc_decompose_classical(const double *y, size_t n, int period, cc_decompose_type type, cc_decomposition *d,
                                 cc_error *err) {
  if (period < 2)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "period",
                        "decomposition needs a seasonal period of at least 2, not %d", period);
  if (!d || d->n != n || d->period != period)
    return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "decomposition allocated for another length or period");
  size_t observed = 0;
  for (size_t t = 0; t < n; t++) observed += !isnan(y[t]);
  if (observed < 2 * (size_t)period)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                        "decomposition needs two full periods (%d values), the series has %zu non-missing", 2 * period,
                        observed);
  d->type = type;
  centred_moving_average(y, n, period, d->trend);
  for (size_t t = 0; t < n; t++)
    d->remainder[t] = type == CC_DECOMPOSE_ADDITIVE ? y[t] - d->trend[t] : y[t] / d->trend[t]; /* detrended, for now */

  double figure_sum = 0;
  for (int position = 0; position < period; position++) {
    double sum = 0;
    size_t count = 0;
    for (size_t t = (size_t)position; t < n; t += (size_t)period)
      if (!isnan(d->remainder[t])) sum += d->remainder[t], count++;
    if (count == 0)
      return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                          "no detrended value at position %d of the seasonal cycle: too many missing values",
                          position + 1);
    d->figure[position] = sum / (double)count;
    figure_sum += d->figure[position];
  }
  double figure_mean = figure_sum / period;
  for (int position = 0; position < period; position++)
    d->figure[position] =
        type == CC_DECOMPOSE_ADDITIVE ? d->figure[position] - figure_mean : d->figure[position] / figure_mean;

  for (size_t t = 0; t < n; t++) {
    d->seasonal[t] = d->figure[t % (size_t)period];
    d->remainder[t] = type == CC_DECOMPOSE_ADDITIVE ? y[t] - d->seasonal[t] - d->trend[t]
                                                    : y[t] / d->seasonal[t] / d->trend[t];
  }
  return CC_OK;
}

/* R's is.constant(): all non-missing values equal to the first within all.equal()'s tolerance. */
static int is_constant(const double *y, size_t n) {
  double first = NAN, deviation = 0, magnitude = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    if (isnan(first)) first = y[t];
    deviation += fabs(y[t] - first);
    magnitude += fabs(y[t]);
  }
  if (isnan(first)) return 1;
  return magnitude > 0 ? deviation / magnitude < CONSTANT_TOLERANCE : deviation == 0;
}

/* Lag-k autocovariance over complete pairs of deviations from mean, divided
 * by (pairs + k) as R's acf() does with na.pass; NaN when no pair. */
static double autocovariance(const double *y, size_t n, double mean, size_t lag) {
  double sum = 0;
  size_t pairs = 0;
  for (size_t t = 0; t + lag < n; t++)
    if (!isnan(y[t]) && !isnan(y[t + lag])) sum += (y[t] - mean) * (y[t + lag] - mean), pairs++;
  return pairs ? sum / (double)(pairs + lag) : NAN;
}

void cc_decompose_test_seasonality(const double *y, size_t n, int period, cc_seasonality_convention convention,
                         cc_seasonality_result *result) {
  result->tested = result->seasonal = 0;
  result->acf_at_period = result->threshold = NAN;
  if (period < 2) return;
  size_t m = (size_t)period;
  int long_enough = convention == CC_SEASONALITY_THETAF ? n > 2 * m : n >= 3 * m;
  if (!long_enough || is_constant(y, n)) return;

  double mean = 0;
  size_t observed = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) mean += y[t], observed++;
  mean /= (double)observed;
  double variance = autocovariance(y, n, mean, 0);
  double sum_squares = 0; /* sum of r_k^2 for k = 1..m-1 */
  for (size_t k = 1; k < m; k++) {
    double r = autocovariance(y, n, mean, k) / variance;
    if (!isnan(r)) sum_squares += r * r;
  }
  double r_m = autocovariance(y, n, mean, m) / variance;
  if (isnan(r_m)) return;
  double z = convention == CC_SEASONALITY_THETAF ? SEASONALITY_Z_THETAF : SEASONALITY_Z_M4;
  result->tested = 1;
  result->acf_at_period = r_m;
  result->threshold = z * sqrt((1 + 2 * sum_squares) / (double)n);
  result->seasonal = fabs(r_m) > result->threshold;
}

cc_seasonal_adjustment *cc_seasonal_adjustment_alloc(size_t n, int period) {
  if (period < 1) return NULL;
  cc_seasonal_adjustment *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  size_t size = n ? n : 1;
  a->n = n;
  a->period = period;
  a->index = malloc(size * sizeof *a->index);
  a->adjusted = malloc(size * sizeof *a->adjusted);
  a->ahead = malloc((size_t)period * sizeof *a->ahead);
  if (!a->index || !a->adjusted || !a->ahead) {
    cc_seasonal_adjustment_free(a);
    return NULL;
  }
  return a;
}

void cc_seasonal_adjustment_free(cc_seasonal_adjustment *a) {
  if (!a) return;
  free(a->index);
  free(a->adjusted);
  free(a->ahead);
  free(a);
}

/* Set a to "not seasonal": indices one, adjusted = y. */
static void no_adjustment(const double *y, size_t n, cc_seasonal_adjustment *a) {
  a->seasonal = 0;
  for (size_t t = 0; t < n; t++) a->index[t] = 1, a->adjusted[t] = y[t];
  for (int j = 0; j < a->period; j++) a->ahead[j] = 1;
}

cc_status cc_decompose_adjust(const double *y, size_t n, int period, cc_seasonality_convention convention,
                             cc_seasonal_adjustment *a, cc_error *err) {
  if (!a || a->n != n || a->period != period)
    return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "seasonal adjustment allocated for another length or period");
  no_adjustment(y, n, a);
  cc_seasonality_result test;
  cc_decompose_test_seasonality(y, n, period, convention, &test);
  if (!test.seasonal) return CC_OK;

  cc_decomposition *d = cc_decomposition_alloc(n, period);
  if (!d) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_error ignored; /* an impossible decomposition means "adjust nothing", as thetaf's fallback */
  cc_status status = cc_decompose_classical(y, n, period, CC_DECOMPOSE_MULTIPLICATIVE, d, &ignored);
  int usable = status == CC_OK;
  for (int j = 0; usable && j < period; j++)
    usable = isfinite(d->figure[j]) && fabs(d->figure[j]) >= CC_DECOMPOSE_MIN_INDEX;
  if (usable) {
    a->seasonal = 1;
    for (size_t t = 0; t < n; t++) a->index[t] = d->seasonal[t], a->adjusted[t] = y[t] / d->seasonal[t];
    for (int j = 0; j < period; j++) a->ahead[j] = d->figure[(n + (size_t)j) % (size_t)period];
  }
  cc_decomposition_free(d);
  return CC_OK;
}
