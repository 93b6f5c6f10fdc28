/* unitroot.c: the KPSS test and ndiffs (see unitroot.h).
 *
 * With e_t the deviations from the mean and S_t their partial sums, the
 * statistic is sum S_t^2 / (n^2 s^2(l)), where s^2(l) is the Newey-West
 * long-run variance: (1/n) sum e_t^2 + (2/n) sum_{s=1..l} (1 - s/(l+1))
 * sum_{t>s} e_t e_{t-s} (KPSS 1992, equations 11 and 14). */
#include "carecast/unitroot.h"

#include "carecast/interp.h"
#include "carecast/stl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double kpss_critical[4] = {0.347, 0.463, 0.574, 0.739};
static const double kpss_levels[4] = {0.10, 0.05, 0.025, 0.01};

int cc_kpss_lags(size_t n) { return (int)trunc(3 * sqrt((double)n) / 13); }

double cc_kpss_statistic(const double *x, size_t n, int lags) {
  if (n < 2) return NAN;
  double mean = 0;
  for (size_t t = 0; t < n; t++) mean += x[t];
  mean /= (double)n;
  double partial = 0, sum_partial2 = 0, gamma0 = 0;
  for (size_t t = 0; t < n; t++) {
    double e = x[t] - mean;
    partial += e;
    sum_partial2 += partial * partial;
    gamma0 += e * e;
  }
  double long_run = gamma0 / (double)n;
  for (int s = 1; s <= lags && (size_t)s < n; s++) {
    double autocovariance = 0;
    for (size_t t = (size_t)s; t < n; t++) autocovariance += (x[t] - mean) * (x[t - (size_t)s] - mean);
    long_run += 2.0 / (double)n * (1 - (double)s / (lags + 1)) * autocovariance;
  }
  if (!(long_run > 0)) return NAN;
  return sum_partial2 / ((double)n * (double)n * long_run);
}

double cc_kpss_pvalue(double statistic) {
  if (statistic <= kpss_critical[0]) return kpss_levels[0];
  if (statistic >= kpss_critical[3]) return kpss_levels[3];
  for (int k = 0; k < 3; k++)
    if (statistic <= kpss_critical[k + 1]) {
      double w = (statistic - kpss_critical[k]) / (kpss_critical[k + 1] - kpss_critical[k]);
      return kpss_levels[k] + w * (kpss_levels[k + 1] - kpss_levels[k]);
    }
  return kpss_levels[3];
}

static int constant(const double *x, size_t n) {
  for (size_t t = 1; t < n; t++)
    if (x[t] != x[0]) return 0;
  return 1;
}

/* 1 when the KPSS test rejects level stationarity at alpha; -1 when it cannot be run. */
static int needs_difference(const double *x, size_t n, double alpha) {
  double statistic = cc_kpss_statistic(x, n, cc_kpss_lags(n));
  if (isnan(statistic)) return -1;
  return cc_kpss_pvalue(statistic) < alpha;
}

int cc_ndiffs(const double *y, size_t n, double alpha, int max_d) {
  if (alpha < 0.01) alpha = 0.01; /* the table's range, as ndiffs clamps it */
  if (alpha > 0.1) alpha = 0.1;
  double *x = malloc((n ? n : 1) * sizeof *x);
  if (!x) return 0;
  size_t m = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) x[m++] = y[t];
  int d = 0;
  if (m == 0 || constant(x, m)) {
    free(x);
    return 0;
  }
  int test = needs_difference(x, m, alpha);
  while (test == 1 && d < max_d) {
    d++;
    for (size_t t = 0; t + 1 < m; t++) x[t] = x[t + 1] - x[t];
    m--;
    if (m == 0 || constant(x, m)) break;
    test = needs_difference(x, m, alpha);
    if (test < 0) {
      d--;
      break;
    }
  }
  free(x);
  return d;
}

/* 1 when the present values of x[0..n) are all equal (or there are none). */
static int constant_present(const double *x, size_t n) {
  double first = NAN;
  for (size_t t = 0; t < n; t++) {
    if (isnan(x[t])) continue;
    if (isnan(first)) first = x[t];
    else if (x[t] != first) return 0;
  }
  return 1;
}

/* The sample variance of a[t] (+ b[t]) over the t where y[t] is present. */
static double variance_present(const double *y, const double *a, const double *b, size_t n) {
  double mean = 0.0, squares = 0.0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) mean += a[t] + (b ? b[t] : 0.0), count++;
  if (count < 2) return NAN;
  mean /= (double)count;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    double v = a[t] + (b ? b[t] : 0.0) - mean;
    squares += v * v;
  }
  return squares / (double)(count - 1);
}

double cc_seasonal_strength(const double *y, size_t n, int period) {
  if (n < 3 || period < 2) return NAN;
  double *filled = malloc(n * sizeof *filled);
  cc_stl *d = cc_stl_alloc(n, period);
  double strength = NAN;
  cc_error err;
  cc_stl_options options;
  cc_stl_options_default(&options, CC_MSTL_S_WINDOW, 0); /* mstl's stl: s.window 11, not robust */
  if (filled && d && cc_interp_na(y, n, period, filled, &err) == CC_OK &&
      cc_stl_decompose(filled, n, period, &options, d, &err) == CC_OK) {
    /* the remainder counts where y was observed, as seas.heuristic's var() of mstl's remainder */
    double value = 1.0 - variance_present(y, d->remainder, NULL, n) / variance_present(y, d->remainder, d->seasonal, n);
    if (!isnan(value)) strength = value < 0.0 ? 0.0 : value > 1.0 ? 1.0 : value;
  }
  free(filled);
  cc_stl_free(d);
  return strength;
}

/* nsdiffs' runTests with test = "seas". */
static int seasonal_difference_needed(const double *x, size_t n, int period) {
  double strength = cc_seasonal_strength(x, n, period);
  return !isnan(strength) && strength > CC_SEAS_THRESHOLD;
}

int cc_nsdiffs(const double *y, size_t n, int period, int max_d) {
  if (period < 2 || (size_t)period >= n || constant_present(y, n)) return 0;
  int difference = seasonal_difference_needed(y, n, period), D = 0;
  if (!difference || max_d < 1) return 0;
  double *x = malloc(n * sizeof *x);
  if (!x) return 0;
  memcpy(x, y, n * sizeof *x);
  size_t m = n, lag = (size_t)period;
  while (difference && D < max_d) {
    D++;
    for (size_t t = 0; t + lag < m; t++) x[t] = x[t + lag] - x[t];
    m -= lag;
    if (constant_present(x, m)) break;
    difference = m >= 2 * lag && D < max_d ? seasonal_difference_needed(x, m, period) : 0;
  }
  free(x);
  return D;
}
