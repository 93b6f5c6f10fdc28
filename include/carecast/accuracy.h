/* accuracy.h: how good a forecast was, measured against what happened.
 *
 * The measures are those of R's forecast::accuracy() (forecast 8.20,
 * testaccuracy()) and of the M4 competition (Makridakis, Spiliotis and
 * Assimakopoulos 2020, "The M4 Competition", IJF 36(1), section 2.3). For
 * actuals y_i and point forecasts f_i, errors e_i = y_i - f_i:
 *
 *   ME     mean e_i
 *   MAE    mean |e_i|
 *   RMSE   sqrt(mean e_i^2)
 *   MASE   mean |e_i| / scale, scale = the in-sample MAE of the seasonal
 *          naive forecast on the training data x_1..x_n of the forecast:
 *              scale = mean over t = lag+1..n of |x_t - x_{t-lag}|,
 *          lag = m, the series' period, or 1 when m = 1 (naive). This is
 *          forecast::accuracy's denominator (seasonal difference when the
 *          frequency is above 1, first difference otherwise; pairs with a
 *          missing value are skipped, as mean(..., na.rm = TRUE)) and M4's.
 *   sMAPE  mean 200 |e_i| / (|y_i| + |f_i|), in percent (0..200), the
 *          M3/M4 definition. A point with y_i = f_i = 0 counts as 0 (a
 *          perfect forecast: the limit along y = f); M4's smape_cal would
 *          give NaN there and make the whole mean NaN.
 *   coverage at level L: the share (0..1) of actuals inside [lo, hi], the
 *          bounds included.
 *   pinball the mean quantile loss over every interval bound: for level L
 *          the bounds are the quantiles q = (1 - L/100)/2 and 1 - q, and
 *          the loss of bound x at quantile q is q (y - x) when y >= x,
 *          (1 - q) (x - y) otherwise. Averaged over points and over the
 *          2 x n_levels bounds alike.
 *
 * Missing values are NaN and are skipped: a point counts only where both
 * the actual and the point forecast are present (coverage and pinball also
 * need that level's bounds). A measure with nothing to average is NaN; so
 * is MASE when the scale is 0 or NaN (a constant or too short training
 * series), where R would give Inf or NaN.
 *
 * Summing over origins and series. A cc_accuracy_sums gathers the points
 * of one series over any number of forecast origins (rolling origin,
 * backtest.h); each origin brings its own MASE scale, computed on the data
 * that origin was fitted to, so the series' MASE is the mean of |e| / scale
 * over all its points. With one origin every measure equals R's. A
 * cc_accuracy_total then averages finished per-series measures: every
 * overall measure is the mean of the per-series measures, each series
 * weighing the same however many points it has (as the M4 reports average
 * sMAPE and MASE over series). A series whose measure is NaN is left out of
 * that measure's mean only.
 *
 * Everything here is plain data with no allocation: the structs can live
 * on the stack and be copied. */
#ifndef CARECAST_ACCURACY_H
#define CARECAST_ACCURACY_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/forecast.h"

#define CC_ACCURACY_LEVELS_MAX 8 /* interval levels one evaluation can score */

/* Finished measures of one series, or the means over series (see above). */
typedef struct cc_accuracy {
  size_t n_series;                          /* series behind these measures (1 for one series) */
  size_t n;                                 /* points scored: actual and point forecast present */
  double me;                                /* mean error y - f */
  double mae;                               /* mean absolute error */
  double rmse;                              /* root mean squared error */
  double mase;                              /* mean absolute scaled error */
  double smape;                             /* symmetric MAPE in percent, 0..200 */
  size_t n_levels;                          /* interval levels scored */
  double levels[CC_ACCURACY_LEVELS_MAX];    /* the levels in percent, e.g. 80, 95 */
  double coverage[CC_ACCURACY_LEVELS_MAX];  /* share of actuals inside each level's interval */
  double pinball;                           /* mean pinball loss over all bounds */
} cc_accuracy;

/* Running sums of one series' errors over any number of forecast origins. */
typedef struct cc_accuracy_sums {
  size_t n_levels;                          /* interval levels scored */
  double levels[CC_ACCURACY_LEVELS_MAX];    /* the levels in percent */
  size_t n;                                 /* points with actual and point forecast */
  double sum_error;                         /* sum of e */
  double sum_abs;                           /* sum of |e| */
  double sum_squares;                       /* sum of e^2 */
  double sum_smape;                         /* sum of 200 |e| / (|y| + |f|) */
  size_t n_scaled;                          /* points whose origin had a usable MASE scale */
  double sum_scaled;                        /* sum of |e| / scale over them */
  size_t n_interval[CC_ACCURACY_LEVELS_MAX];/* points with both bounds of each level */
  size_t n_inside[CC_ACCURACY_LEVELS_MAX];  /* ... of which the actual was inside */
  size_t n_bounds;                          /* bounds scored by the pinball loss */
  double sum_pinball;                       /* sum of their losses */
} cc_accuracy_sums;

/* Running sums of finished per-series measures. */
typedef struct cc_accuracy_total {
  size_t n_levels;                              /* interval levels, as every series added */
  double levels[CC_ACCURACY_LEVELS_MAX];        /* the levels in percent */
  size_t n_series;                              /* series added */
  size_t n_points;                              /* their points scored, summed */
  double sum_me, sum_mae, sum_rmse, sum_mase, sum_smape, sum_pinball;         /* sums of per-series values */
  size_t n_me, n_mae, n_rmse, n_mase, n_smape, n_pinball;                     /* series in each sum (not NaN) */
  double sum_coverage[CC_ACCURACY_LEVELS_MAX];  /* sums of per-series coverage */
  size_t n_coverage[CC_ACCURACY_LEVELS_MAX];    /* series in each */
} cc_accuracy_total;

/* The MASE denominator of training data x[0..n) with seasonal period
 * `period`: mean |x_t - x_{t-lag}| over the pairs with both values present,
 * lag = period when period > 1, else 1. NaN when there is no such pair. */
double cc_accuracy_mase_scale(const double *x, size_t n, int period);

/* The pinball (quantile) loss of a bound x at quantile q (0..1) when y happened. */
double cc_accuracy_pinball(double y, double x, double q);

/* Start sums for one series, scoring intervals at levels[n_levels] (percent,
 * each in (0, 100); levels may be NULL when n_levels is 0). CC_EUSAGE when a
 * level is out of range or there are more than CC_ACCURACY_LEVELS_MAX. */
CC_MUST_CHECK cc_status cc_accuracy_sums_init(cc_accuracy_sums *sums, const double *levels, size_t n_levels,
                                              cc_error *err);

/* Add one origin's forecast of h steps: actual[h] (NaN = missing), mean[h]
 * and, unless NULL, the bounds lower/upper laid out as in cc_forecast
 * (level-major, lower[l * h + i], with the levels of the sums). scale is
 * that origin's MASE denominator (cc_accuracy_mase_scale of the data the
 * forecast was made from); when it is NaN or not positive the points still
 * count in every measure but MASE. */
void cc_accuracy_sums_add(cc_accuracy_sums *sums, const double *actual, const double *mean, const double *lower,
                          const double *upper, size_t h, double scale);

/* The measures of the points added so far (n_series = 1, or 0 when no point
 * was scored; then every measure is NaN). */
void cc_accuracy_sums_finish(const cc_accuracy_sums *sums, cc_accuracy *out);

/* Score one forecast as forecast::accuracy(f, x) does for a test set:
 * train[n_train] the data the forecast was made from (for the MASE scale,
 * with the seasonal period `period`), actual[h] what happened next and f
 * the forecast (its first h steps and all its levels). CC_EINPUT when f
 * has fewer than h steps, CC_EUSAGE when it has more levels than
 * CC_ACCURACY_LEVELS_MAX. */
CC_MUST_CHECK cc_status cc_accuracy_compute(const double *train, size_t n_train, int period, const double *actual,
                                            size_t h, const cc_forecast *f, cc_accuracy *out, cc_error *err);

/* Start a total over series whose measures are at levels[n_levels]. Errors as cc_accuracy_sums_init. */
CC_MUST_CHECK cc_status cc_accuracy_total_init(cc_accuracy_total *total, const double *levels, size_t n_levels,
                                               cc_error *err);

/* Add one series' finished measures. CC_EUSAGE when its levels are not the total's. */
CC_MUST_CHECK cc_status cc_accuracy_total_add(cc_accuracy_total *total, const cc_accuracy *series, cc_error *err);

/* The means over the series added (n_series of them; n is their points summed). */
void cc_accuracy_total_finish(const cc_accuracy_total *total, cc_accuracy *out);

#endif
