/* combination.h: forecast combinations, the equal-weight mean of the point
 * forecasts of several automatically chosen models.
 *
 * The family "combo" (cc_model_combo in models.h) combines automatic ETS,
 * automatic ARIMA and Theta, the combination R users compute as
 *   (forecast(ets(y))$mean + forecast(auto.arima(y))$mean + thetaf(y)$mean) / 3
 * and which, in the M3 and M4 evaluations, is more accurate than any of the
 * three alone (Makridakis, Spiliotis and Assimakopoulos 2020, "The M4
 * Competition: 100,000 time series and 61 forecasting methods"; Hyndman and
 * Athanasopoulos, "Forecasting: Principles and Practice", section 13.4).
 *
 * A component that cannot be fitted to the series (bad input for it: too
 * short, or a seasonal series for automatic ARIMA while it is non-seasonal
 * only) is left out, and the spec names the components used, e.g.
 * "Combo(ETS,Theta)". At least CC_COMBINATION_MIN_COMPONENTS must fit,
 * otherwise the fit is CC_EINPUT (the automatic rule then falls back to ETS
 * alone, select.h). A fitted combination owns its components (cc_model's
 * components array) and the store saves them with it.
 *
 * The forecast distribution is simulated (intervals are quantiles of sample
 * paths; see combination.c for how the components' paths are combined). */
#ifndef CARECAST_COMBINATION_H
#define CARECAST_COMBINATION_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "carecast/error.h"
#include "carecast/model.h"

#define CC_COMBINATION_MIN_COMPONENTS 2 /* fewer is not a combination */
#define CC_COMBINATION_MAX_COMPONENTS 8 /* families one combination may take */

/* Fit each of the n_types families in types (their automatic choice, no
 * variant) to y[0..n) and combine those that fit with equal weights into a
 * model of family `family` (the combination family whose forecast and
 * simulate functions combine the components). A family whose fit is
 * CC_EINPUT is left out; any other error is returned. CC_EINPUT when fewer
 * than CC_COMBINATION_MIN_COMPONENTS fit, naming why the others did not.
 * On success the caller frees *out with cc_model_free. */
CC_MUST_CHECK cc_status cc_combination_fit(const cc_model_type *family, const cc_model_type *const *types, size_t n_types,
                                           const double *y, size_t n, const cc_fit_options *options, cc_model **out,
                                           cc_error *err);

/* n sample paths of the combination m, h steps each, into paths[n * h]
 * (path-major), drawing from rng: per path a component chosen with equal
 * probability, one of its paths, moved by the combined point forecast minus
 * that component's (the recentred mixture; combination.c says why). The
 * components' point forecasts are computed once, which is why the generic
 * forecast code (forecast.c) calls this for a model with components rather
 * than the family's one-path simulate n times. */
CC_MUST_CHECK cc_status cc_combination_simulate_paths(const cc_model *m, size_t h, size_t n, gsl_rng *rng, double *paths,
                                                      cc_error *err);

/* Interval bounds of the combination m's forecast distribution (the
 * recentred mixture) in closed form, when every component's forecast is
 * Gaussian (its family gives an analytic variance): the quantiles of the
 * equal-weight mixture of N(mean[i], variance of component c at step i),
 * which is symmetric about mean[i], found by bisection. mean holds the
 * combined point forecasts (h); lower and upper receive n_levels * h bounds,
 * level-major as cc_forecast; variance receives the mixture's variance (the
 * mean of the components'). *done is 0, and nothing is written, when some
 * component has no analytic variance: the caller then simulates. */
CC_MUST_CHECK cc_status cc_combination_intervals(const cc_model *m, size_t h, const double *mean, const double *levels,
                                                 size_t n_levels, double *lower, double *upper, double *variance,
                                                 int *done, cc_error *err);

/* The short name of a component model for a combination's spec: "ETS",
 * "ARIMA", "Theta", or the family name for others. */
const char *cc_combination_component_label(const cc_model *component);

#endif
