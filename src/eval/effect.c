/* effect.c: the effect of a change at a known period, by segmented
 * regression with ARIMA errors and by the counterfactual forecast of a model
 * fitted before the change (see effect.h for the method and references).
 *
 * Regressors of the segmented regression, t = 0..n-1 and c the change:
 *   level  0 before c; from c on 1 (a step), or min(1, (t - c + 1) / k) for
 *          a ramp of k periods
 *   slope  0 before c; t - c + 1 from c on (periods since the change)
 *   the control series, when given.
 * The counterfactual's sums run over the periods from the change whose value
 * was observed, for the observed and the counterfactual alike. */
#include "carecast/effect.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/forecast.h"
#include "carecast/models.h"

#define CC_EFFECT_SEED 20240401UL  /* default seed of the counterfactual paths */
#define CC_EFFECT_MAX_XREG 3       /* level, slope, control */
#define CC_EFFECT_MAX_REGRESSION 2 /* coefficients of the counterfactual's regression: constant, control */

void cc_effect_options_default(cc_effect_options *options) {
  options->ramp_periods = 0;
  options->period = 1;
  options->level = CC_EFFECT_LEVEL;
  options->n_paths = CC_EFFECT_PATHS;
  options->seed = CC_EFFECT_SEED;
  options->nonnegative = 0;
  options->unit = NULL;
  options->period_name = NULL;
}

void cc_effect_result_free(cc_effect_result *r) {
  if (!r) return;
  free(r->observed);
  free(r->counterfactual);
  free(r->counterfactual_lo);
  free(r->counterfactual_hi);
  free(r);
}

const cc_effect_estimate *cc_effect_find(const cc_effect_result *r, const char *name) {
  for (size_t i = 0; i < r->n_estimates; i++)
    if (strcmp(r->estimates[i].name, name) == 0) return &r->estimates[i];
  return NULL;
}

static cc_effect_result *result_alloc(size_t n_after) {
  cc_effect_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  size_t size = n_after ? n_after : 1;
  r->observed = malloc(size * sizeof *r->observed);
  r->counterfactual = malloc(size * sizeof *r->counterfactual);
  r->counterfactual_lo = malloc(size * sizeof *r->counterfactual_lo);
  r->counterfactual_hi = malloc(size * sizeof *r->counterfactual_hi);
  if (!r->observed || !r->counterfactual || !r->counterfactual_lo || !r->counterfactual_hi) {
    cc_effect_result_free(r);
    return NULL;
  }
  return r;
}

static void add_estimate(cc_effect_result *r, const char *name, double estimate, double lo, double hi,
                         const char *unit) {
  cc_effect_estimate *e = &r->estimates[r->n_estimates++];
  snprintf(e->name, sizeof e->name, "%s", name);
  e->estimate = estimate, e->lo = lo, e->hi = hi;
  snprintf(e->unit, sizeof e->unit, "%s", unit);
}

static size_t count_observed(const double *values, size_t n) {
  size_t count = 0;
  for (size_t t = 0; t < n; t++) count += !isnan(values[t]);
  return count;
}

/* Check the change point and the control; CC_EINPUT naming what is short. */
static cc_status validate(const double *y, size_t n, size_t change, const double *control, cc_error *err) {
  if (change >= n)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "at", "the change is at period %zu of a series of %zu", change + 1, n);
  size_t before = count_observed(y, change), after = count_observed(y + change, n - change);
  if (before < CC_EFFECT_MIN_BEFORE)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "at",
                        "the change leaves %zu observed values before it; the estimates need at least %d", before,
                        CC_EFFECT_MIN_BEFORE);
  if (after < CC_EFFECT_MIN_AFTER)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "at",
                        "the change leaves %zu observed values from it on; the estimates need at least %d", after,
                        CC_EFFECT_MIN_AFTER);
  if (!control) return CC_OK;
  size_t control_before = count_observed(control, change), control_after = count_observed(control + change, n - change);
  if (control_after < n - change)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "control",
                        "the control series has values for %zu of the %zu periods from the change; it needs all of them",
                        control_after, n - change);
  if (control_before < CC_EFFECT_MIN_BEFORE)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "control",
                        "the control series overlaps the series in %zu periods before the change; at least %d are needed",
                        control_before, CC_EFFECT_MIN_BEFORE);
  return CC_OK;
}

/* The automatic ARIMA of y[0..n) (seasonal period `period`) with k regressors xreg (n x k) called names. */
static cc_status fit_auto(const double *y, size_t n, int period, size_t k, const double *xreg, const char *const *names,
                          cc_model **out, cc_error *err) {
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period > 1 ? period : 1;
  options.n_xreg = k, options.xreg = k ? xreg : NULL, options.xreg_names = k ? names : NULL;
  return cc_model_arima.fit(y, n, NULL, &options, out, err);
}

/* Estimate 1: the segmented regression's level and slope changes. */
static cc_status segmented_regression(const double *y, size_t n, size_t change, const double *control,
                                      const cc_effect_options *o, const char *unit, const char *period,
                                      cc_effect_result *r, cc_error *err) {
  size_t k = control ? 3 : 2;
  const char *names[CC_EFFECT_MAX_XREG] = {"level", "slope", "control"};
  double *xreg = malloc(n * k * sizeof *xreg);
  if (!xreg) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t t = 0; t < n; t++) {
    double since = t >= change ? (double)(t - change + 1) : 0;
    xreg[t] = t < change ? 0 : o->ramp_periods > 0 ? fmin(1.0, since / o->ramp_periods) : 1.0;
    xreg[n + t] = since;
    if (control) xreg[2 * n + t] = control[t];
  }
  cc_model *m = NULL;
  cc_status status = fit_auto(y, n, o->period, k, xreg, names, &m, err);
  free(xreg);
  if (status) return status;
  double z = gsl_cdf_ugaussian_Pinv(0.5 + o->level / 200);
  size_t first = m->n_params - m->n_xreg;
  char level_unit[CC_EFFECT_UNIT_MAX], slope_unit[CC_EFFECT_UNIT_MAX];
  snprintf(level_unit, sizeof level_unit, "%s per %s", unit, period);
  snprintf(slope_unit, sizeof slope_unit, "%s per %s per %s", unit, period, period);
  for (size_t j = 0; j < 2; j++) {
    double beta = m->params[first + j], se = m->std_errors[first + j];
    add_estimate(r, j == 0 ? "level_change" : "slope_change", beta, beta - z * se, beta + z * se,
                 j == 0 ? level_unit : slope_unit);
  }
  snprintf(r->model, sizeof r->model, "%s", m->spec);
  cc_model_free(m);
  return CC_OK;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The lower and upper quantiles at `level` of values[n] (sorted in place; NaN left out). */
static void path_interval(double *values, size_t n, double level, double *lo, double *hi) {
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(values[i])) values[kept++] = values[i];
  qsort(values, kept, sizeof *values, compare_doubles);
  double tail = (1 - level / 100) / 2;
  *lo = cc_quantile_sorted(values, kept, tail);
  *hi = cc_quantile_sorted(values, kept, 1 - tail);
}

/* The Cholesky factor L (lower, in place) of the r x r covariance a; 0 when a
 * is not positive definite or not finite (then no coefficient is drawn). */
static int cholesky_lower(double *a, size_t r) {
  for (size_t j = 0; j < r; j++) {
    double pivot = a[j + r * j];
    for (size_t k = 0; k < j; k++) pivot -= a[j + r * k] * a[j + r * k];
    if (!(pivot > 0) || !isfinite(pivot)) return 0;
    a[j + r * j] = sqrt(pivot);
    for (size_t i = j + 1; i < r; i++) {
      double sum = a[i + r * j];
      for (size_t k = 0; k < j; k++) sum -= a[i + r * k] * a[j + r * k];
      a[i + r * j] = sum / a[j + r * j];
    }
    for (size_t i = 0; i < j; i++) a[i + r * j] = 0; /* the upper part is not used */
  }
  return 1;
}

/* The counterfactual's regression coefficients are estimates too: each path
 * gets C_future delta added, delta ~ N(0, V) with V their covariance, so that
 * a counterfactual that extrapolates a control (or a drift) carries the
 * uncertainty of its coefficient (R's forecast intervals leave it out). The
 * columns are those arima.c regresses on: intercept 1, drift t = 1..n_fit
 * (so n_fit + i + 1 ahead), then the control. Nothing is added when the
 * model has no covariance; the caller censors counts at zero afterwards. */
static cc_status add_coefficient_uncertainty(const cc_model *m, size_t n_fit, const double *control_future, size_t h,
                                            const cc_effect_options *o, double *paths, cc_error *err) {
  size_t index[CC_EFFECT_MAX_REGRESSION], r = 0, first_xreg = m->n_params - m->n_xreg;
  if (!m->covariance) return CC_OK;
  for (size_t i = 0; i < m->n_params; i++)
    if (strcmp(m->param_names[i], "intercept") == 0 || strcmp(m->param_names[i], "drift") == 0 || i >= first_xreg) {
      assert(r < CC_EFFECT_MAX_REGRESSION); /* a constant and one control at most */
      index[r++] = i;
    }
  if (r == 0) return CC_OK;
  double chol[CC_EFFECT_MAX_REGRESSION * CC_EFFECT_MAX_REGRESSION];
  for (size_t a = 0; a < r; a++)
    for (size_t b = 0; b < r; b++) chol[a + r * b] = m->covariance[index[a] + m->n_params * index[b]];
  int factored = cholesky_lower(chol, r);
  gsl_rng *rng = factored ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
  if (factored && !rng) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (rng) gsl_rng_set(rng, o->seed + 1); /* a stream apart from the paths' own */
  for (size_t p = 0; factored && p < o->n_paths; p++) {
    double z[CC_EFFECT_MAX_REGRESSION], delta[CC_EFFECT_MAX_REGRESSION];
    for (size_t a = 0; a < r; a++) z[a] = gsl_ran_ugaussian(rng);
    for (size_t a = 0; a < r; a++) {
      delta[a] = 0;
      for (size_t b = 0; b <= a; b++) delta[a] += chol[a + r * b] * z[b];
    }
    for (size_t i = 0; i < h; i++) {
      double shift = 0;
      for (size_t a = 0; a < r; a++) {
        const char *name = m->param_names[index[a]];
        double column = strcmp(name, "drift") == 0 ? (double)(n_fit + i + 1)
                        : index[a] >= first_xreg  ? control_future[i + h * (index[a] - first_xreg)]
                                                  : 1.0;
        shift += column * delta[a];
      }
      paths[p * h + i] += shift;
    }
  }
  gsl_rng_free(rng);
  return CC_OK;
}

/* Estimate 2: the counterfactual from the periods before the change. */
static cc_status counterfactual(const double *y, size_t n, size_t change, const double *control,
                                const cc_effect_options *o, const char *unit, cc_effect_result *r, cc_error *err) {
  size_t h = n - change, k = control ? 1 : 0;
  const char *names[1] = {"control"};
  cc_model *m = NULL;
  cc_status status = fit_auto(y, change, o->period, k, control, names, &m, err);
  if (status) return status;
  cc_forecast_options fo;
  cc_forecast_options_default(&fo);
  fo.n_paths = o->n_paths;
  fo.seed = o->seed;
  fo.nonnegative = 0; /* counts are censored below, after the coefficient uncertainty is added */
  fo.xreg_future = control ? control + change : NULL;
  cc_forecast *f = NULL;
  status = cc_forecast_compute(m, h, &o->level, 1, &fo, &f, err);
  if (!status) status = add_coefficient_uncertainty(m, change, fo.xreg_future, h, o, f->paths, err);
  for (size_t v = 0; !status && o->nonnegative && v < o->n_paths * h; v++) f->paths[v] = fmax(f->paths[v], 0);
  for (size_t i = 0; !status && o->nonnegative && i < h; i++) f->mean[i] = fmax(f->mean[i], 0);
  snprintf(r->counterfactual_model, sizeof r->counterfactual_model, "%s", m->spec);
  cc_model_free(m);
  if (status) {
    cc_forecast_free(f);
    return status;
  }
  double *differences = malloc((o->n_paths ? o->n_paths : 1) * sizeof *differences);
  double *relatives = malloc((o->n_paths ? o->n_paths : 1) * sizeof *relatives);
  double *totals = malloc((o->n_paths ? o->n_paths : 1) * sizeof *totals);
  if (!differences || !relatives || !totals) {
    free(differences), free(relatives), free(totals);
    cc_forecast_free(f);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  double observed = 0, expected = 0;
  for (size_t i = 0; i < h; i++) { /* per-period bounds from the paths, coefficient uncertainty included */
    for (size_t p = 0; p < o->n_paths; p++) totals[p] = f->paths[p * h + i];
    path_interval(totals, o->n_paths, o->level, &r->counterfactual_lo[i], &r->counterfactual_hi[i]);
    r->observed[i] = y[change + i];
    r->counterfactual[i] = f->mean[i];
    if (!isnan(y[change + i])) observed += y[change + i], expected += f->mean[i];
  }
  for (size_t p = 0; p < o->n_paths; p++) {
    double total = 0;
    for (size_t i = 0; i < h; i++)
      if (!isnan(y[change + i])) total += f->paths[p * h + i];
    totals[p] = total;
    differences[p] = observed - total;
    relatives[p] = total > 0 ? 100 * (observed / total - 1) : NAN;
  }
  double lo, hi;
  char total_unit[CC_EFFECT_UNIT_MAX];
  snprintf(total_unit, sizeof total_unit, "%s in total", unit);
  add_estimate(r, "observed_total", observed, observed, observed, total_unit);
  path_interval(totals, o->n_paths, o->level, &lo, &hi);
  add_estimate(r, "counterfactual_total", expected, lo, hi, total_unit);
  path_interval(differences, o->n_paths, o->level, &lo, &hi);
  add_estimate(r, "cumulative_difference", observed - expected, lo, hi, total_unit);
  path_interval(relatives, o->n_paths, o->level, &lo, &hi);
  add_estimate(r, "relative_difference", expected > 0 ? 100 * (observed / expected - 1) : NAN, lo, hi, "percent");
  free(differences), free(relatives), free(totals);
  cc_forecast_free(f);
  return CC_OK;
}

cc_status cc_effect_compute(const double *y, size_t n, size_t change, const double *control,
                             const cc_effect_options *options, cc_effect_result **out, cc_error *err) {
  *out = NULL;
  cc_effect_options defaults;
  cc_effect_options_default(&defaults);
  const cc_effect_options *o = options ? options : &defaults;
  if (!(o->level > 0 && o->level < 100))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "level", "%g is not a level between 0 and 100", o->level);
  if (o->ramp_periods < 0)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "ramp", "must be 0 (a step) or a number of periods, not %d",
                        o->ramp_periods);
  if (o->n_paths < 2) return cc_error_set(err, CC_EUSAGE, NULL, 0, "paths", "at least 2 paths are needed");
  cc_status status = validate(y, n, change, control, err);
  if (status) return status;
  cc_effect_result *r = result_alloc(n - change);
  if (!r) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  r->level = o->level;
  r->n_before = change, r->n_after = n - change;
  const char *unit = o->unit ? o->unit : "units", *period = o->period_name ? o->period_name : "period";
  status = segmented_regression(y, n, change, control, o, unit, period, r, err);
  if (!status) status = counterfactual(y, n, change, control, o, unit, r, err);
  if (status) {
    cc_effect_result_free(r);
    return status;
  }
  *out = r;
  return CC_OK;
}
