/* theta.c: the standard Theta method as forecast::thetaf() computes it
 * (Assimakopoulos & Nikolopoulos 2000; Hyndman & Billah 2003, "Unmasking
 * the Theta method", IJF 19(2), which shows it is simple exponential
 * smoothing with drift equal to half the slope of a linear trend).
 *
 *  1. Seasonal adjustment: when the 90% seasonality test (thetaf's rule,
 *     decompose.h) says so, divide by the indices of a classical
 *     multiplicative decomposition.
 *  2. SES on the adjusted series x: ETS(A,N,N) with alpha in [1e-4, 0.9999]
 *     and the initial level estimated, as ses() -> ets(model = "ANN"). Its
 *     criterion, forecast's ets likelihood n log(sum e^2) (and the "mse"
 *     that ses() actually asks for), is minimised where sum e^2 is. For a
 *     fixed alpha the one-step errors are linear in the initial level l0,
 *     so l0 is concentrated out exactly (least squares), and alpha is
 *     found by a grid search refined with Brent's method (gsl_min). This is
 *     the ANN special case of the ETS family (src/ts/ets*.c) and can be
 *     routed through it once that module exists. As ets() does for fewer
 *     than 7 values (n <= npars + 4), short series are instead smoothed
 *     HoltWinters-style from l0 = the first value with alpha in [0, 1].
 *  3. Forecasts: l_n + b/2 ((h - 1) + (1 - (1 - alpha)^n) / alpha), with b
 *     the least-squares slope of x on t = 0..n-1 and alpha at least 1e-10;
 *     multiplied by the seasonal indices of the last period.
 *  4. Variances: sigma^2 (1 + (h - 1) alpha^2), sigma^2 = sum e^2 / (n - 2)
 *     (sum e^2 / n for short series), as thetaf: on the adjusted scale and
 *     NOT multiplied by the seasonal index, because thetaf adds the
 *     adjusted-scale standard error to the re-seasonalised mean.
 *
 * Missing values, where carecast deviates from R (thetaf stops in acf()
 * for seasonal series and fits ses() to the longest contiguous stretch
 * otherwise): the state-space treatment, the level carried unchanged over
 * a missing value and the error skipped; the slope is fitted to the
 * non-missing values; n in step 3 still counts every period.
 *
 * thetaf reports no likelihood; loglik and the criteria are NaN.
 *
 * What a fitted model holds: params alpha (floored at 1e-10), l0 and
 * drift (b/2, thetaf's "drift"); states[0] the final SES level on the
 * adjusted scale, then, when seasonal, `period` seasonal indices for steps
 * 1..period after the end; settings seasonal (0/1) and short (1 when
 * smoothed HoltWinters-style); sigma2 on the adjusted scale. */
#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/decompose.h"
#include "carecast/model.h"
#include "carecast/models.h"

#define THETA_ALPHA_LOWER 1e-4   /* ets() "usual" lower bound for alpha */
#define THETA_ALPHA_UPPER 0.9999 /* ets() "usual" upper bound for alpha */
#define THETA_ALPHA_FLOOR 1e-10  /* thetaf: alpha <- pmax(1e-10, alpha) */
#define THETA_SHORT_SERIES 6     /* ets() smooths by HoltWintersZZ when n <= npars + 4, npars = 2 for ANN */
#define THETA_GRID_POINTS 101    /* alpha grid that brackets the minimum before Brent refines it */
#define THETA_MIN_OBSERVATIONS 2 /* the trend line needs two points */

/* The layout of cc_model.settings for theta. */
enum { SETTING_SEASONAL = 0, SETTING_SHORT = 1 };

/* The SES sum of squared errors as a function of alpha, for gsl_function. */
typedef struct ses_problem {
  const double *x;   /* the (adjusted) series, NaN = missing */
  size_t n;          /* its length */
  double fixed_l0;   /* the initial level, or NaN to concentrate it out */
} ses_problem;

/* One pass of SES, l_t = l_{t-1} + alpha (x_t - l_{t-1}), from l0 over
 * x[0..n), skipping missing values. Returns sum e^2; the final level goes
 * to *level and, when fitted is not NULL, the one-step forecasts l_{t-1}
 * to fitted[0..n) (NaN where x is missing). */
static double ses_filter(const ses_problem *p, double alpha, double l0, double *level, double *fitted) {
  double l = l0, sse = 0;
  for (size_t t = 0; t < p->n; t++) {
    if (fitted) fitted[t] = isnan(p->x[t]) ? NAN : l;
    if (isnan(p->x[t])) continue;
    double e = p->x[t] - l;
    sse += e * e;
    l += alpha * e;
  }
  *level = l;
  return sse;
}

/* The least-squares initial level for alpha: the one-step error at t is
 * a_t - c_t l0 with a_t the error of the pass from l0 = 0 and c_t =
 * (1 - alpha)^(values seen before t), so l0 = sum a c / sum c^2. */
static double concentrated_l0(const ses_problem *p, double alpha) {
  double level = 0, weight = 1, cross = 0, weights = 0;
  for (size_t t = 0; t < p->n; t++) {
    if (isnan(p->x[t])) continue;
    double e = p->x[t] - level;
    cross += e * weight;
    weights += weight * weight;
    level += alpha * e;
    weight *= 1 - alpha;
  }
  return cross / weights;
}

static double ses_l0(const ses_problem *p, double alpha) {
  return isnan(p->fixed_l0) ? concentrated_l0(p, alpha) : p->fixed_l0;
}

/* The SES sum of squared errors at alpha, capped at DBL_MAX: gsl_min's
 * Brent step reports a non-finite value through the GSL error handler,
 * which by default aborts. */
static double ses_objective(double alpha, void *params) {
  const ses_problem *p = params;
  double level, sse = ses_filter(p, alpha, ses_l0(p, alpha), &level, NULL);
  return isfinite(sse) ? sse : DBL_MAX;
}

/* Minimise the SES objective over alpha in [lower, upper]: the best of a
 * grid, refined by Brent's method (gsl_min_fminimizer_brent) between its
 * neighbours when they bracket it. Boundary minima stay on the boundary,
 * as a bounded optimiser leaves them. */
static cc_status minimise_alpha(ses_problem *p, double lower, double upper, const cc_fit_options *options,
                                double *alpha, cc_error *err) {
  double best_x = lower, best_f = INFINITY, grid_step = (upper - lower) / (THETA_GRID_POINTS - 1);
  int best_i = 0;
  for (int i = 0; i < THETA_GRID_POINTS; i++) {
    double x = i == THETA_GRID_POINTS - 1 ? upper : lower + i * grid_step, f = ses_objective(x, p);
    if (f < best_f) best_x = x, best_f = f, best_i = i;
  }
  *alpha = best_x;
  if (best_f == DBL_MAX) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "SES errors overflow for every alpha");
  double left = best_i > 0 ? best_x - grid_step : lower;
  double right = best_i < THETA_GRID_POINTS - 1 ? best_x + grid_step : upper;
  if (best_i == 0 || best_i == THETA_GRID_POINTS - 1) { /* look inside the boundary cell once */
    double inner = best_i == 0 ? lower + grid_step / 2 : upper - grid_step / 2, f = ses_objective(inner, p);
    if (!(f < best_f)) return CC_OK;
    best_x = inner, best_f = f;
    if (best_i == 0) right = lower + grid_step; else left = upper - grid_step;
  }
  double f_left = ses_objective(left, p), f_right = ses_objective(right, p);
  if (!(best_f < f_left && best_f < f_right)) return CC_OK; /* flat: gsl_min needs a strict bracket */

  gsl_min_fminimizer *minimizer = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
  if (!minimizer) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  gsl_function function = {ses_objective, p};
  int gsl_status =
      gsl_min_fminimizer_set_with_values(minimizer, &function, best_x, best_f, left, f_left, right, f_right);
  for (int iteration = 0; gsl_status == GSL_SUCCESS && iteration < options->max_iterations; iteration++) {
    gsl_status = gsl_min_fminimizer_iterate(minimizer);
    if (gsl_status != GSL_SUCCESS) break;
    double a = gsl_min_fminimizer_x_lower(minimizer), b = gsl_min_fminimizer_x_upper(minimizer);
    if (gsl_min_test_interval(a, b, options->tolerance, options->tolerance) == GSL_SUCCESS) break;
  }
  if (gsl_min_fminimizer_f_minimum(minimizer) < best_f) *alpha = gsl_min_fminimizer_x_minimum(minimizer);
  gsl_min_fminimizer_free(minimizer);
  return CC_OK;
}

/* Least-squares slope of x on t = 0..n-1 over the non-missing values (R's lsfit). */
static double trend_slope(const double *x, size_t n) {
  double mean_t = 0, mean_x = 0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(x[t])) mean_t += (double)t, mean_x += x[t], count++;
  mean_t /= (double)count, mean_x /= (double)count;
  double cross = 0, squares = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(x[t])) {
      double centred_t = (double)t - mean_t;
      cross += centred_t * (x[t] - mean_x);
      squares += centred_t * centred_t;
    }
  return squares > 0 ? cross / squares : 0;
}

/* SES with drift on the adjusted series into m: params alpha, l0, drift;
 * states[0] the final level; sigma2; fitted values on the adjusted scale. */
static cc_status fit_ses_drift(const double *x, size_t n, size_t observed, const cc_fit_options *options, cc_model *m,
                               cc_error *err) {
  int short_series = observed <= THETA_SHORT_SERIES;
  ses_problem problem = {x, n, NAN};
  double lower = THETA_ALPHA_LOWER, upper = THETA_ALPHA_UPPER;
  if (short_series) { /* HoltWintersZZ: l0 the first value, alpha in [0, 1] */
    for (size_t t = 0; t < n && isnan(problem.fixed_l0); t++) problem.fixed_l0 = x[t];
    lower = 0, upper = 1;
  }
  double alpha;
  cc_status status = minimise_alpha(&problem, lower, upper, options, &alpha, err);
  if (status) return status;
  double l0 = ses_l0(&problem, alpha), level;
  double sse = ses_filter(&problem, alpha, l0, &level, m->fitted);
  double drift = trend_slope(x, n) / 2;
  cc_model_set_param(m, 0, "alpha", fmax(alpha, THETA_ALPHA_FLOOR));
  cc_model_set_param(m, 1, "l0", l0);
  cc_model_set_param(m, 2, "drift", drift);
  m->n_estimated = 4; /* alpha, l0, drift and sigma2 */
  m->states[0] = level;
  m->sigma2 = sse / (double)(short_series ? observed : observed - 2);
  m->settings[SETTING_SHORT] = short_series;
  return CC_OK;
}

static cc_status theta_fit(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                           cc_model **out, cc_error *err) {
  *out = NULL;
  if (variant && *variant)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "theta takes no variant, got \"%s\"", variant);
  cc_fit_options defaults;
  cc_fit_options_default(&defaults);
  if (!options) options = &defaults;
  int period = options->period;
  if (period < 1) return cc_error_set(err, CC_EUSAGE, NULL, 0, "period", "must be at least 1, not %d", period);
  size_t observed = 0;
  for (size_t t = 0; t < n; t++) {
    if (isinf(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is infinite", t + 1);
    observed += !isnan(y[t]);
  }
  if (observed < THETA_MIN_OBSERVATIONS)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "theta needs %d non-missing values, the series has %zu",
                        THETA_MIN_OBSERVATIONS, observed);

  cc_seasonal_adjustment *adjustment = cc_seasonal_adjustment_alloc(n, period);
  if (!adjustment) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = cc_decompose_adjust(y, n, period, CC_SEASONALITY_THETAF, adjustment, err);
  int seasonal = adjustment->seasonal;
  cc_model *m = NULL;
  if (!status) {
    m = cc_model_alloc(&cc_model_theta, n, 3, 1 + (seasonal ? (size_t)period : 0));
    if (!m) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  if (!status) status = fit_ses_drift(adjustment->adjusted, n, observed, options, m, err);
  if (!status) {
    snprintf(m->spec, sizeof m->spec, "Theta");
    m->settings[SETTING_SEASONAL] = seasonal;
    m->period = seasonal ? period : 1;
    m->nobs = observed;
    if (seasonal) memcpy(m->states + 1, adjustment->ahead, (size_t)period * sizeof *m->states);
    for (size_t t = 0; t < n; t++) m->fitted[t] *= adjustment->index[t];
    cc_model_set_residuals(m, y);
  }
  cc_seasonal_adjustment_free(adjustment);
  if (status) {
    cc_model_free(m);
    return status;
  }
  *out = m;
  return CC_OK;
}

/* The seasonal index at 0-based step i. */
static double theta_index(const cc_model *m, size_t i) {
  return m->settings[SETTING_SEASONAL] ? m->states[1 + i % (size_t)m->period] : 1;
}

/* The point forecast at 0-based step i: thetaf's SES level plus drift, re-seasonalised. */
static double theta_mean(const cc_model *m, size_t i) {
  double alpha = m->params[0], drift = m->params[2];
  double offset = (1 - pow(1 - alpha, (double)m->n)) / alpha; /* thetaf's drift term at h = 1 */
  return (m->states[0] + drift * ((double)i + offset)) * theta_index(m, i);
}

static cc_status theta_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic,
                                cc_error *err) {
  double alpha = m->params[0];
  for (size_t i = 0; i < h; i++) {
    mean[i] = theta_mean(m, i);
    variance[i] = m->sigma2 * (1 + (double)i * alpha * alpha);
  }
  *analytic = 1;
  return CC_OK;
}

/* A path of SES with drift: the point forecast plus e_h + alpha sum_{j<h} e_j,
 * whose variance is the analytic one (not scaled by the index, as thetaf). */
static cc_status theta_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  double alpha = m->params[0], sigma = sqrt(m->sigma2), past_errors = 0;
  for (size_t i = 0; i < h; i++) {
    double e = gsl_ran_gaussian(rng, sigma);
    path[i] = theta_mean(m, i) + e + alpha * past_errors;
    past_errors += e;
  }
  return CC_OK;
}

const cc_model_type cc_model_theta = {"theta", "the standard Theta method, as forecast::thetaf", theta_fit,
                                      theta_forecast, theta_simulate};
