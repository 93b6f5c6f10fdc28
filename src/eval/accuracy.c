/* accuracy.c: accuracy measures of forecasts against actuals (see
 * accuracy.h for the definitions, which follow R's forecast::accuracy()
 * and the M4 competition).
 *
 * Everything is a running sum so that a backtest of many origins, or a
 * run over thousands of series, never keeps the forecasts it scores:
 * cc_accuracy_sums for the points of one series, cc_accuracy_total for
 * the finished measures of many. Missing values (NaN) are skipped point by
 * point, as R's mean(..., na.rm = TRUE). */
#include "carecast/accuracy.h"

#include <math.h>
#include <string.h>

double cc_accuracy_mase_scale(const double *x, size_t n, int period) {
  size_t lag = period > 1 ? (size_t)period : 1;
  double sum = 0;
  size_t pairs = 0;
  for (size_t t = lag; t < n; t++) {
    double change = x[t] - x[t - lag];
    if (isnan(change)) continue;
    sum += fabs(change);
    pairs++;
  }
  return pairs ? sum / (double)pairs : NAN;
}

double cc_accuracy_pinball(double y, double x, double q) { return y >= x ? q * (y - x) : (1 - q) * (x - y); }

/* Check levels[n_levels] for a sums or a total. */
static cc_status check_levels(const double *levels, size_t n_levels, cc_error *err) {
  if (n_levels > CC_ACCURACY_LEVELS_MAX)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "level", "at most %d interval levels can be scored, got %zu",
                        CC_ACCURACY_LEVELS_MAX, n_levels);
  for (size_t l = 0; l < n_levels; l++)
    if (!(levels[l] > 0 && levels[l] < 100))
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "level", "%g is not a level between 0 and 100", levels[l]);
  return CC_OK;
}

cc_status cc_accuracy_sums_init(cc_accuracy_sums *sums, const double *levels, size_t n_levels, cc_error *err) {
  memset(sums, 0, sizeof *sums);
  cc_status status = check_levels(levels, n_levels, err);
  if (status) return status;
  sums->n_levels = n_levels;
  if (n_levels) memcpy(sums->levels, levels, n_levels * sizeof *levels);
  return CC_OK;
}

/* The sMAPE term of one point, in percent; 0 when y = f = 0 (see accuracy.h). */
static double smape_term(double y, double f) {
  double denominator = fabs(y) + fabs(f);
  return denominator > 0 ? 200 * fabs(y - f) / denominator : 0;
}

/* Score the bounds of one point at every level. */
static void add_intervals(cc_accuracy_sums *sums, double y, const double *lower, const double *upper, size_t h,
                          size_t i) {
  for (size_t l = 0; l < sums->n_levels; l++) {
    double lo = lower[l * h + i], hi = upper[l * h + i];
    if (isnan(lo) || isnan(hi)) continue;
    double tail = (1 - sums->levels[l] / 100) / 2;
    sums->n_interval[l]++;
    if (y >= lo && y <= hi) sums->n_inside[l]++;
    sums->sum_pinball += cc_accuracy_pinball(y, lo, tail) + cc_accuracy_pinball(y, hi, 1 - tail);
    sums->n_bounds += 2;
  }
}

void cc_accuracy_sums_add(cc_accuracy_sums *sums, const double *actual, const double *mean, const double *lower,
                          const double *upper, size_t h, double scale) {
  int scaled = scale > 0 && isfinite(scale);
  for (size_t i = 0; i < h; i++) {
    double y = actual[i], f = mean[i];
    if (isnan(y) || isnan(f)) continue;
    double error = y - f;
    sums->n++;
    sums->sum_error += error;
    sums->sum_abs += fabs(error);
    sums->sum_squares += error * error;
    sums->sum_smape += smape_term(y, f);
    if (scaled) {
      sums->sum_scaled += fabs(error) / scale;
      sums->n_scaled++;
    }
    if (lower && upper) add_intervals(sums, y, lower, upper, h, i);
  }
}

/* sum / count, or NaN when count is 0. */
static double mean_of(double sum, size_t count) { return count ? sum / (double)count : NAN; }

void cc_accuracy_sums_finish(const cc_accuracy_sums *sums, cc_accuracy *out) {
  memset(out, 0, sizeof *out);
  out->n_series = sums->n ? 1 : 0;
  out->n = sums->n;
  out->me = mean_of(sums->sum_error, sums->n);
  out->mae = mean_of(sums->sum_abs, sums->n);
  out->rmse = sqrt(mean_of(sums->sum_squares, sums->n));
  out->mase = mean_of(sums->sum_scaled, sums->n_scaled);
  out->smape = mean_of(sums->sum_smape, sums->n);
  out->n_levels = sums->n_levels;
  for (size_t l = 0; l < sums->n_levels; l++) {
    out->levels[l] = sums->levels[l];
    out->coverage[l] = mean_of((double)sums->n_inside[l], sums->n_interval[l]);
  }
  out->pinball = mean_of(sums->sum_pinball, sums->n_bounds);
}

cc_status cc_accuracy_compute(const double *train, size_t n_train, int period, const double *actual, size_t h,
                              const cc_forecast *f, cc_accuracy *out, cc_error *err) {
  if (f->h < h)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "horizon", "the forecast has %zu steps, fewer than the %zu actuals",
                        f->h, h);
  cc_accuracy_sums sums;
  cc_status status = cc_accuracy_sums_init(&sums, f->levels, f->n_levels, err);
  if (status) return status;
  /* Bounds are level-major with stride f->h; score level by level when the
   * forecast is longer than the actuals so that the stride stays right. */
  double scale = cc_accuracy_mase_scale(train, n_train, period);
  if (f->h == h) {
    cc_accuracy_sums_add(&sums, actual, f->mean, f->lower, f->upper, h, scale);
  } else {
    cc_accuracy_sums_add(&sums, actual, f->mean, NULL, NULL, h, scale);
    for (size_t i = 0; i < h; i++)
      if (!isnan(actual[i]) && !isnan(f->mean[i])) add_intervals(&sums, actual[i], f->lower, f->upper, f->h, i);
  }
  cc_accuracy_sums_finish(&sums, out);
  return CC_OK;
}

cc_status cc_accuracy_total_init(cc_accuracy_total *total, const double *levels, size_t n_levels, cc_error *err) {
  memset(total, 0, sizeof *total);
  cc_status status = check_levels(levels, n_levels, err);
  if (status) return status;
  total->n_levels = n_levels;
  if (n_levels) memcpy(total->levels, levels, n_levels * sizeof *levels);
  return CC_OK;
}

/* Add value to *sum and count it, unless it is NaN. */
static void add_finite(double value, double *sum, size_t *count) {
  if (isnan(value)) return;
  *sum += value;
  (*count)++;
}

cc_status cc_accuracy_total_add(cc_accuracy_total *total, const cc_accuracy *series, cc_error *err) {
  int same_levels = series->n_levels == total->n_levels;
  for (size_t l = 0; same_levels && l < total->n_levels; l++) same_levels = series->levels[l] == total->levels[l];
  if (!same_levels)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "level",
                        "a series scored at other interval levels cannot be added to this total");
  total->n_series++;
  total->n_points += series->n;
  add_finite(series->me, &total->sum_me, &total->n_me);
  add_finite(series->mae, &total->sum_mae, &total->n_mae);
  add_finite(series->rmse, &total->sum_rmse, &total->n_rmse);
  add_finite(series->mase, &total->sum_mase, &total->n_mase);
  add_finite(series->smape, &total->sum_smape, &total->n_smape);
  add_finite(series->pinball, &total->sum_pinball, &total->n_pinball);
  for (size_t l = 0; l < total->n_levels; l++)
    add_finite(series->coverage[l], &total->sum_coverage[l], &total->n_coverage[l]);
  return CC_OK;
}

void cc_accuracy_total_finish(const cc_accuracy_total *total, cc_accuracy *out) {
  memset(out, 0, sizeof *out);
  out->n_series = total->n_series;
  out->n = total->n_points;
  out->me = mean_of(total->sum_me, total->n_me);
  out->mae = mean_of(total->sum_mae, total->n_mae);
  out->rmse = mean_of(total->sum_rmse, total->n_rmse);
  out->mase = mean_of(total->sum_mase, total->n_mase);
  out->smape = mean_of(total->sum_smape, total->n_smape);
  out->pinball = mean_of(total->sum_pinball, total->n_pinball);
  out->n_levels = total->n_levels;
  for (size_t l = 0; l < total->n_levels; l++) {
    out->levels[l] = total->levels[l];
    out->coverage[l] = mean_of(total->sum_coverage[l], total->n_coverage[l]);
  }
}
