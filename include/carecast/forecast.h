/* forecast.h: the forecast distribution of a fitted model, for any family.
 *
 * cc_forecast_compute asks the model's family for its mean forecast and,
 * where analytic, its variance; intervals are then Gaussian quantiles, and
 * otherwise empirical quantiles of simulated paths. Sample paths are always
 * simulated (seeded) for the scenario engine. For counts (nonnegative),
 * no mean, bound or path is ever below zero: paths are censored at zero
 * and bounds and means follow. */
#ifndef CARECAST_FORECAST_H
#define CARECAST_FORECAST_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/model.h"

#define CC_FORECAST_PATHS_DEFAULT 1000      /* sample paths kept per series */
#define CC_FORECAST_INTERVAL_PATHS 5000     /* paths drawn for simulated intervals (as forecast::forecast.ets) */

typedef struct cc_forecast_options {
  size_t n_paths;          /* sample paths to keep (0 for none) */
  size_t interval_paths;   /* paths to draw when intervals must be simulated */
  unsigned long seed;      /* seed of the random stream (results depend on nothing else) */
  int nonnegative;         /* 1 for counts: censor at zero */
  const double *xreg_future; /* h x m->n_xreg future values of the model's regressors, column-major
                                (xreg_future[i + h j]); NULL when the model has none (the default) */
} cc_forecast_options;

void cc_forecast_options_default(cc_forecast_options *options);

typedef struct cc_forecast {
  size_t h;          /* steps ahead */
  double *mean;      /* h point forecasts */
  size_t n_levels;   /* interval levels */
  double *levels;    /* n_levels levels in percent, e.g. 80, 95 */
  double *lower;     /* n_levels * h lower bounds, level-major: lower[l * h + i] */
  double *upper;     /* n_levels * h upper bounds */
  size_t n_paths;    /* sample paths kept */
  double *paths;     /* n_paths * h values, path-major: paths[p * h + i] */
  int analytic;      /* 1 when intervals are analytic, 0 when simulated */
} cc_forecast;

/* Allocate an empty forecast. NULL when out of memory. */
cc_forecast *cc_forecast_alloc(size_t h, size_t n_levels, size_t n_paths);

/* Free f. No operation when f is NULL. */
void cc_forecast_free(cc_forecast *f);

/* Forecast m h steps ahead with intervals at levels[n_levels] (percent,
 * each in (0, 100)). options may be NULL for the defaults. A model with
 * regressors needs their future values (options->xreg_future; CC_EINPUT
 * naming the first regressor otherwise): the regression on them is added to
 * the mean, the bounds and every path. The caller frees *out. */
CC_MUST_CHECK cc_status cc_forecast_compute(const cc_model *m, size_t h, const double *levels, size_t n_levels,
                                            const cc_forecast_options *options, cc_forecast **out, cc_error *err);

/* Summarise n_paths sample paths of h steps (path-major) as a forecast: the
 * mean of the paths, empirical interval bounds at levels[n_levels], and the
 * first `keep` paths (at most n_paths). For models whose forecast is only
 * known through paths (demand models, combinations). The caller frees *out. */
CC_MUST_CHECK cc_status cc_forecast_from_paths(const double *paths, size_t n_paths, size_t h, const double *levels,
                                               size_t n_levels, size_t keep, cc_forecast **out, cc_error *err);

/* The q-quantile (0..1) of n sorted values, by linear interpolation between
 * order statistics (R's quantile type 7). */
double cc_quantile_sorted(const double *sorted, size_t n, double q);

/* The same quantile of n values in any order, found by selection in expected
 * O(n) instead of sorting; values is rearranged. NaN when n is 0. */
double cc_quantile_select(double *values, size_t n, double q);

#endif
