/* backtest.h: rolling-origin evaluation of a model family on one series.
 *
 * Time series cross-validation (Hyndman and Athanasopoulos, "Forecasting:
 * principles and practice", 3rd ed., section 5.10; R's forecast::tsCV):
 * the model is refitted at each of K forecast origins on all the data
 * before it and forecasts H steps, and the forecasts are scored against
 * what followed (accuracy.h). For a series y[0..n), origin k (0-based)
 * fits on y[0..origin_k) and forecasts y[origin_k .. origin_k + H), with
 *     origin_k = n - H - (K - 1 - k) * step,
 * so the last origin leaves exactly H observations after it. tsCV's row t
 * (1-based) is the origin t here: error[k][i] = y[origin_k + i] - forecast
 * step i + 1. Each origin's MASE is scaled by the in-sample scale of its
 * own training data (no look-ahead; accuracy.h).
 *
 * Memory is bounded by H and the number of levels: the forecasts are
 * scored as they are made and dropped, unless keep_forecasts asks for all
 * of them. Results depend on nothing but the inputs: origin o's intervals,
 * where a family simulates them, use the seed cc_backtest_origin_seed(seed,
 * o), which does not depend on K, so an origin scores the same in any
 * backtest that contains it. */
#ifndef CARECAST_BACKTEST_H
#define CARECAST_BACKTEST_H

#include <stddef.h>

#include "carecast/accuracy.h"
#include "carecast/error.h"
#include "carecast/model.h"

#define CC_BACKTEST_MIN_TRAIN_DEFAULT 2      /* fewest values the first origin fits on (the benchmarks need 2) */
#define CC_BACKTEST_SEED_DEFAULT 20240401UL  /* as cc_forecast_options_default */

typedef struct cc_backtest_options {
  size_t horizon;        /* H: steps forecast from each origin (default 1, as tsCV) */
  size_t n_origins;      /* K: forecast origins (default 1) */
  size_t step;           /* values between consecutive origins (default 1) */
  size_t min_train;      /* fewest values the first origin may fit on (default CC_BACKTEST_MIN_TRAIN_DEFAULT) */
  int nonnegative;       /* 1 for counts: forecasts and bounds censored at zero (cc_forecast_options) */
  unsigned long seed;    /* base seed of every origin's random stream (default CC_BACKTEST_SEED_DEFAULT) */
  size_t interval_paths; /* paths drawn where intervals are simulated (default CC_FORECAST_INTERVAL_PATHS) */
  int keep_forecasts;    /* 1: keep every origin's forecast in the result (default 0) */
} cc_backtest_options;

void cc_backtest_options_default(cc_backtest_options *options);

typedef struct cc_backtest_result {
  size_t n;                              /* length of the series */
  size_t horizon;                        /* H */
  size_t n_origins;                      /* K */
  size_t step;                           /* values between origins */
  size_t first_origin;                   /* origin 0: values it fitted on; origin k fits on first_origin + k * step */
  size_t n_levels;                       /* interval levels scored */
  double levels[CC_ACCURACY_LEVELS_MAX]; /* the levels in percent */
  cc_accuracy accuracy;                  /* the series' measures over every origin and step */
  cc_accuracy *by_h;                     /* horizon entries: by_h[i] over every origin at step i + 1 */
  char last_spec[CC_MODEL_SPEC_MAX];     /* the model fitted at the last origin, e.g. "ETS(A,N,N)" */
  int kept;                              /* 1 when the arrays below hold every forecast */
  double *mean;      /* n_origins * horizon point forecasts, mean[k * horizon + i]; NULL unless kept */
  double *errors;    /* actual - mean, same layout, NaN where the actual is missing; NULL unless kept */
  double *lower;     /* n_origins * n_levels * horizon, lower[(k * n_levels + l) * horizon + i]; NULL unless kept */
  double *upper;     /* same layout as lower; NULL unless kept */
} cc_backtest_result;

/* Allocate an empty result for H = horizon, K = n_origins and n_levels
 * levels, with the forecast arrays when keep is 1. NULL when out of memory. */
cc_backtest_result *cc_backtest_result_alloc(size_t horizon, size_t n_origins, size_t n_levels, int keep);

/* Free r. No operation when r is NULL. */
void cc_backtest_result_free(cc_backtest_result *r);

/* The fewest values a series needs for these options:
 * min_train + horizon + (n_origins - 1) * step (SIZE_MAX if that overflows). */
size_t cc_backtest_min_length(const cc_backtest_options *options);

/* The seed origin `origin` (values fitted on) forecasts with, from the base seed. */
unsigned long cc_backtest_origin_seed(unsigned long seed, size_t origin);

/* Backtest the family `type` with `variant` (NULL for its automatic choice)
 * and fit_options (NULL for the defaults; its period is also the MASE
 * period) on y[0..n) (NaN = missing), scoring intervals at levels[n_levels]
 * (percent; levels NULL for the default 80 and 95). options NULL means the
 * defaults. On success *out is a result the caller frees with
 * cc_backtest_result_free. Errors: CC_EUSAGE for a horizon, origin count
 * or step of 0, or bad levels; CC_EINPUT when y holds an infinite value or
 * is shorter than cc_backtest_min_length (the message says how many values
 * are needed), and a family's own fit error at an origin, prefixed with the
 * origin. */
CC_MUST_CHECK cc_status cc_backtest_run(const double *y, size_t n, const cc_model_type *type, const char *variant,
                                        const cc_fit_options *fit_options, const double *levels, size_t n_levels,
                                        const cc_backtest_options *options, cc_backtest_result **out, cc_error *err);

#endif
