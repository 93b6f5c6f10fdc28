/* combination.c: forecast combinations (see combination.h) and the "combo"
 * family, the equal-weight mean of automatic ETS, automatic ARIMA and Theta.
 *
 * Point forecasts are the mean of the components' point forecasts, exactly
 * as R users combine forecast(ets(y)), forecast(auto.arima(y)) and thetaf(y).
 *
 * Sample paths (and so intervals) are a recentred mixture of the components'
 * paths: each path picks one component at random with equal probability,
 * draws one of its paths, and moves it by the difference between the
 * combined point forecast and that component's point forecast:
 *     path_c = combined mean + (path of component c - mean of component c).
 * Why not the mean of one independent path of each component: that divides
 * the variance of the future by about the number of components, as if the
 * three models were forecasting three independent futures; their errors are
 * in fact almost perfectly correlated (they extrapolate the same history
 * into the same future), so such intervals would be far too narrow. Driving
 * the three components with the same shocks would model that correlation,
 * but the families draw their Gaussians differently (ETS by the ziggurat,
 * Theta and ARIMA by the polar method, ARIMA also drawing its state
 * uncertainty first), so one seed does not give them the same shocks. The
 * recentred mixture needs no such agreement: the combined error is one of
 * the components' errors, each with the combination's weight, so the spread
 * is the components' average spread (a mixture of their error
 * distributions), centred on the combined forecast; each path stays a
 * coherent trajectory of one model (what the scenario engine needs). For
 * counts, the generic code censors the combined paths at zero (forecast.c).
 * When every component's forecast is Gaussian (an analytic variance), the
 * mixture's quantiles are found in closed form (cc_combination_intervals:
 * the equal-weight mixture of Gaussians about the combined mean) instead of
 * from 5000 simulated paths; the paths kept for scenarios are simulated
 * either way.
 * Coverage measured by rolling-origin backtests is in README.md (Models). */
#include "carecast/combination.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/models.h"

const char *cc_combination_component_label(const cc_model *component) {
  if (component->type == &cc_model_ets) return "ETS";
  if (component->type == &cc_model_arima) return "ARIMA";
  if (component->type == &cc_model_theta) return "Theta";
  return component->type->name;
}

static void free_parts(cc_model **parts, size_t n) {
  for (size_t i = 0; i < n; i++) cc_model_free(parts[i]);
}

/* The combination's own summaries: spec from the components' labels, fitted
 * values as the mean of the components' (NaN where any is missing),
 * residuals and their mean square as the innovation variance. */
static void describe(cc_model *m, const double *y) {
  int used = snprintf(m->spec, sizeof m->spec, "Combo(");
  for (size_t c = 0; c < m->n_components && used >= 0 && (size_t)used < sizeof m->spec; c++)
    used += snprintf(m->spec + used, sizeof m->spec - (size_t)used, "%s%s", c ? "," : "",
                     cc_combination_component_label(m->components[c]));
  if (used >= 0 && (size_t)used < sizeof m->spec) snprintf(m->spec + used, sizeof m->spec - (size_t)used, ")");
  double sum_squares = 0;
  size_t count = 0;
  for (size_t t = 0; t < m->n; t++) {
    double sum = 0;
    for (size_t c = 0; c < m->n_components; c++) sum += m->components[c]->fitted[t];
    m->fitted[t] = sum / (double)m->n_components; /* NaN when any component has none */
    m->residuals[t] = isnan(y[t]) ? NAN : y[t] - m->fitted[t];
    if (!isnan(m->residuals[t])) sum_squares += m->residuals[t] * m->residuals[t], count++;
    m->nobs += !isnan(y[t]);
  }
  m->sigma2 = count ? sum_squares / (double)count : NAN;
}

cc_status cc_combination_fit(const cc_model_type *family, const cc_model_type *const *types, size_t n_types,
                             const double *y, size_t n, const cc_fit_options *options, cc_model **out, cc_error *err) {
  *out = NULL;
  if (n_types > CC_COMBINATION_MAX_COMPONENTS)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "a combination takes at most %d models, not %zu",
                        CC_COMBINATION_MAX_COMPONENTS, n_types);
  cc_model *parts[CC_COMBINATION_MAX_COMPONENTS];
  size_t n_parts = 0;
  char skipped[CC_ERROR_MESSAGE_MAX / 2] = "";
  for (size_t k = 0; k < n_types; k++) {
    cc_error part_err;
    cc_status status = types[k]->fit(y, n, NULL, options, &parts[n_parts], &part_err);
    if (status == CC_EINPUT) { /* this model does not fit this series: combine the others */
      size_t used = strlen(skipped);
      snprintf(skipped + used, sizeof skipped - used, "%s%s: %.160s", used ? "; " : "", types[k]->name, part_err.message);
      continue;
    }
    if (status) {
      free_parts(parts, n_parts);
      if (err) *err = part_err;
      return status;
    }
    assert(isnan(parts[n_parts]->lambda) && parts[n_parts]->n == n);
    n_parts++;
  }
  if (n_parts < CC_COMBINATION_MIN_COMPONENTS) {
    free_parts(parts, n_parts);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "model", "a combination needs at least %d of its %zu models, %zu fit (%s)",
                        CC_COMBINATION_MIN_COMPONENTS, n_types, n_parts, skipped);
  }
  cc_model *m = cc_model_alloc(family, n, 0, 0);
  if (m) m->components = malloc(n_parts * sizeof *m->components);
  if (!m || !m->components) {
    cc_model_free(m);
    free_parts(parts, n_parts);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  memcpy(m->components, parts, n_parts * sizeof *parts);
  m->n_components = n_parts;
  m->period = options ? options->period : 1;
  m->settings[0] = (int)n_parts;
  describe(m, y);
  *out = m;
  return CC_OK;
}

/* The combined mean and each component's point forecast for h steps, in
 * means[(1 + n_components) * h]: the combined mean first, then component c's
 * at means + (1 + c) * h. scratch holds h doubles. */
static cc_status all_means(const cc_model *m, size_t h, double *means, double *scratch, cc_error *err) {
  double *variance = scratch;
  for (size_t i = 0; i < h; i++) means[i] = 0;
  for (size_t c = 0; c < m->n_components; c++) {
    const cc_model *part = m->components[c];
    double *part_mean = means + (1 + c) * h;
    int analytic;
    cc_status status = part->type->forecast(part, h, part_mean, variance, &analytic, err);
    if (status) return status;
    for (size_t i = 0; i < h; i++) means[i] += part_mean[i] / (double)m->n_components;
  }
  return CC_OK;
}

static cc_status require_components(const cc_model *m, cc_error *err) {
  if (m->n_components >= 1) return CC_OK;
  return cc_error_set(err, CC_EINPUT, NULL, 0, "model", "the combination %s has no component models", m->spec);
}

static cc_status combo_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic,
                                cc_error *err) {
  (void)variance; /* no analytic variance: intervals come from the paths */
  *analytic = 0;
  cc_status status = require_components(m, err);
  if (status) return status;
  double *means = malloc((1 + m->n_components + 1) * h * sizeof *means);
  if (!means) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  status = all_means(m, h, means, means + (1 + m->n_components) * h, err);
  if (!status) memcpy(mean, means, h * sizeof *mean);
  free(means);
  return status;
}

cc_status cc_combination_simulate_paths(const cc_model *m, size_t h, size_t n, gsl_rng *rng, double *paths,
                                        cc_error *err) {
  cc_status status = require_components(m, err);
  if (status) return status;
  double *means = malloc((1 + m->n_components + 1) * h * sizeof *means);
  if (!means) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  status = all_means(m, h, means, means + (1 + m->n_components) * h, err);
  for (size_t p = 0; !status && p < n; p++) {
    size_t c = gsl_rng_uniform_int(rng, m->n_components);
    const cc_model *part = m->components[c];
    double *path = paths + p * h;
    status = part->type->simulate(part, h, rng, path, err);
    for (size_t i = 0; !status && i < h; i++) path[i] += means[i] - means[(1 + c) * h + i];
  }
  free(means);
  return status;
}

#define MIXTURE_BISECTIONS 60 /* halvings of the bracket: below double resolution of any bound */

/* The share of the mixture of zero-mean Gaussians with standard deviations
 * sd[0..k) at or below q. */
static double mixture_cdf(const double *sd, size_t k, double q) {
  double sum = 0;
  for (size_t c = 0; c < k; c++) sum += sd[c] > 0 ? gsl_cdf_ugaussian_P(q / sd[c]) : (q >= 0);
  return sum / (double)k;
}

cc_status cc_combination_intervals(const cc_model *m, size_t h, const double *mean, const double *levels,
                                   size_t n_levels, double *lower, double *upper, double *variance, int *done,
                                   cc_error *err) {
  *done = 0;
  cc_status status = require_components(m, err);
  if (status) return status;
  size_t k = m->n_components;
  double *part_mean = malloc((1 + k) * h * sizeof *part_mean);
  if (!part_mean) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double *part_sd = part_mean + h; /* part_sd[c * h + i] */
  int all_analytic = 1;
  for (size_t c = 0; !status && all_analytic && c < k; c++) {
    const cc_model *part = m->components[c];
    double *sd = part_sd + c * h;
    for (size_t i = 0; i < h; i++) sd[i] = NAN;
    status = part->type->forecast(part, h, part_mean, sd, &all_analytic, err);
    for (size_t i = 0; !status && all_analytic && i < h; i++) sd[i] = sqrt(sd[i] > 0 ? sd[i] : 0);
  }
  if (status || !all_analytic) {
    free(part_mean);
    return status;
  }
  double sd_at_step[CC_COMBINATION_MAX_COMPONENTS];
  for (size_t i = 0; i < h; i++) {
    double smallest = INFINITY, largest = 0, sum_var = 0;
    for (size_t c = 0; c < k; c++) {
      sd_at_step[c] = part_sd[c * h + i];
      smallest = fmin(smallest, sd_at_step[c]);
      largest = fmax(largest, sd_at_step[c]);
      sum_var += sd_at_step[c] * sd_at_step[c];
    }
    variance[i] = sum_var / (double)k;
    for (size_t l = 0; l < n_levels; l++) {
      /* The mixture's quantile lies between the narrowest and the widest component's. */
      double target = 0.5 + levels[l] / 200, z = gsl_cdf_ugaussian_Pinv(target);
      double below = z * smallest, above = z * largest;
      for (int b = 0; b < MIXTURE_BISECTIONS && above > below; b++) {
        double middle = 0.5 * (below + above);
        if (mixture_cdf(sd_at_step, k, middle) < target) below = middle;
        else above = middle;
      }
      lower[l * h + i] = mean[i] - above;
      upper[l * h + i] = mean[i] + above;
    }
  }
  free(part_mean);
  *done = 1;
  return CC_OK;
}

/* One path of the recentred mixture. */
static cc_status combo_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  return cc_combination_simulate_paths(m, h, 1, rng, path, err);
}

/* The components of "combo", in the order of its spec. */
static const cc_model_type *const combo_types[] = {&cc_model_ets, &cc_model_arima, &cc_model_theta};

static cc_status combo_fit(const double *y, size_t n, const char *variant, const cc_fit_options *options, cc_model **out,
                           cc_error *err) {
  *out = NULL;
  if (variant && *variant)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "combo takes no variant, got \"%s\"", variant);
  cc_fit_options defaults;
  cc_fit_options_default(&defaults);
  return cc_combination_fit(&cc_model_combo, combo_types, sizeof combo_types / sizeof *combo_types, y, n,
                            options ? options : &defaults, out, err);
}

const cc_model_type cc_model_combo = {
    "combo", "the mean of automatic ETS, automatic ARIMA and Theta (those that fit, at least two)", combo_fit,
    combo_forecast, combo_simulate};
