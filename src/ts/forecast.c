/* forecast.c: intervals and sample paths for any model (see forecast.h).
 *
 * Analytic intervals are mean +- z * sd with z the Gaussian quantile, as
 * forecast::forecast does for the model classes that have them; otherwise
 * the quantiles of CC_FORECAST_INTERVAL_PATHS simulated paths (type-7
 * quantiles, as R's quantile()). One random stream, seeded from the
 * options alone, draws first the interval paths and then the kept paths,
 * so a forecast depends on nothing but the model, h and the seed. */
#include "carecast/forecast.h"

#include "carecast/boxcox.h"
#include "carecast/combination.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void cc_forecast_options_default(cc_forecast_options *options) {
  options->n_paths = CC_FORECAST_PATHS_DEFAULT;
  options->interval_paths = CC_FORECAST_INTERVAL_PATHS;
  options->seed = 20240401UL;
  options->nonnegative = 0;
  options->xreg_future = NULL;
}

cc_forecast *cc_forecast_alloc(size_t h, size_t n_levels, size_t n_paths) {
  cc_forecast *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->h = h;
  f->n_levels = n_levels;
  f->n_paths = n_paths;
  size_t bounds = n_levels * h > 0 ? n_levels * h : 1, values = n_paths * h > 0 ? n_paths * h : 1;
  f->mean = calloc(h ? h : 1, sizeof *f->mean);
  f->levels = calloc(n_levels ? n_levels : 1, sizeof *f->levels);
  f->lower = calloc(bounds, sizeof *f->lower);
  f->upper = calloc(bounds, sizeof *f->upper);
  f->paths = calloc(values, sizeof *f->paths);
  if (!f->mean || !f->levels || !f->lower || !f->upper || !f->paths) {
    cc_forecast_free(f);
    return NULL;
  }
  return f;
}

void cc_forecast_free(cc_forecast *f) {
  if (!f) return;
  free(f->mean);
  free(f->levels);
  free(f->lower);
  free(f->upper);
  free(f->paths);
  free(f);
}

double cc_quantile_sorted(const double *sorted, size_t n, double q) {
  if (n == 0) return NAN;
  double position = q * (double)(n - 1);
  size_t below = (size_t)floor(position);
  if (below >= n - 1) return sorted[n - 1];
  double fraction = position - (double)below;
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

/* Draw n paths of h steps into paths (path-major), each plus the regression offset[h]. */
static cc_status simulate_paths(const cc_model *m, size_t h, size_t n, gsl_rng *rng, const double *offset,
                                double *paths, int nonnegative, cc_error *err) {
  if (m->n_components) { /* a combination: its components' forecasts once for all paths */
    cc_status status = cc_combination_simulate_paths(m, h, n, rng, paths, err);
    if (status) return status;
  }
  for (size_t p = 0; p < n; p++) {
    if (!m->n_components) {
      cc_status status = m->type->simulate(m, h, rng, paths + p * h, err);
      if (status) return status;
    }
    for (size_t i = 0; i < h; i++) paths[p * h + i] += offset[i];
    if (nonnegative)
      for (size_t i = 0; i < h; i++)
        if (paths[p * h + i] < 0) paths[p * h + i] = 0;
  }
  return CC_OK;
}

/* Rearrange values[0..n) so that values[k] is the one a sort would put there,
 * with nothing larger before it and nothing smaller after it (Hoare's
 * selection, expected O(n)). */
static void select_kth(double *values, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = values[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        double t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/* Sorting 5000 draws per step for four bounds cost more than simulating them. */
double cc_quantile_select(double *values, size_t n, double q) {
  if (n == 0) return NAN;
  double position = q * (double)(n - 1);
  size_t below = (size_t)floor(position);
  if (below >= n - 1) below = n - 1;
  select_kth(values, n, below);
  double low = values[below], fraction = position - (double)below;
  if (below == n - 1 || fraction == 0) return low;
  double next = values[below + 1]; /* the smallest value after position below */
  for (size_t p = below + 2; p < n; p++)
    if (values[p] < next) next = values[p];
  return low + fraction * (next - low);
}

/* Interval bounds of f (its levels) from the empirical quantiles of n paths
 * of f->h steps (path-major); column is scratch of n values. */
static void quantile_bounds(const double *paths, size_t n, cc_forecast *f, double *column) {
  size_t h = f->h;
  for (size_t i = 0; i < h; i++) {
    for (size_t p = 0; p < n; p++) column[p] = paths[p * h + i];
    for (size_t l = 0; l < f->n_levels; l++) {
      double tail = (1 - f->levels[l] / 100) / 2;
      f->lower[l * h + i] = cc_quantile_select(column, n, tail);
      f->upper[l * h + i] = cc_quantile_select(column, n, 1 - tail);
    }
  }
}

/* Interval bounds from the empirical quantiles of simulated paths. */
static cc_status simulated_intervals(const cc_model *m, cc_forecast *f, const cc_forecast_options *o, gsl_rng *rng,
                                     const double *offset, cc_error *err) {
  size_t n = o->interval_paths, h = f->h;
  double *paths = malloc(n * h * sizeof *paths), *column = malloc(n * sizeof *column);
  cc_status status = paths && column ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = simulate_paths(m, h, n, rng, offset, paths, o->nonnegative && isnan(m->lambda), err);
  if (!status) quantile_bounds(paths, n, f, column);
  free(paths);
  free(column);
  return status;
}

/* A model fitted to Box-Cox transformed data: bounds and paths go back through the
 * (increasing) inverse transform; the mean is the back-transformed mean (the median
 * of the forecast distribution) or, with bias adjustment, its mean, using the
 * transformed-scale variance (analytic, else from the widest interval as
 * forecast::InvBoxCox does). */
static void back_transform(const cc_model *m, cc_forecast *f, const double *variance) {
  const size_t h = f->h;
  const double lambda = m->lambda;
  size_t widest = 0;
  for (size_t l = 1; l < f->n_levels; l++)
    if (f->levels[l] > f->levels[widest]) widest = l;
  for (size_t i = 0; i < h; i++) {
    double var = variance[i];
    if (!f->analytic && f->n_levels) {
      double z = gsl_cdf_ugaussian_Pinv(0.5 + f->levels[widest] / 200);
      double half = (f->upper[widest * h + i] - f->lower[widest * h + i]) / (2 * z);
      var = half * half;
    }
    if (isnan(var)) var = 0;
    f->mean[i] = m->biasadj ? cc_boxcox_inverse_mean(f->mean[i], lambda, var) : cc_boxcox_inverse(f->mean[i], lambda);
  }
  for (size_t k = 0; k < f->n_levels * h; k++) {
    f->lower[k] = cc_boxcox_inverse(f->lower[k], lambda);
    f->upper[k] = cc_boxcox_inverse(f->upper[k], lambda);
  }
  for (size_t k = 0; k < f->n_paths * h; k++) f->paths[k] = cc_boxcox_inverse(f->paths[k], lambda);
}

cc_status cc_forecast_compute(const cc_model *m, size_t h, const double *levels, size_t n_levels,
                              const cc_forecast_options *options, cc_forecast **out, cc_error *err) {
  *out = NULL;
  cc_forecast_options defaults;
  cc_forecast_options_default(&defaults);
  const cc_forecast_options *o = options ? options : &defaults;
  if (h == 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "horizon", "must be at least 1");
  for (size_t l = 0; l < n_levels; l++)
    if (!(levels[l] > 0 && levels[l] < 100))
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "level", "%g is not a level between 0 and 100", levels[l]);
  if (m->n_xreg > 0 && !o->xreg_future)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "xreg", "the model needs the future values of its regressor '%s'%s",
                        m->xreg_names[0], m->n_xreg > 1 ? " and the others" : "");
  cc_forecast *f = cc_forecast_alloc(h, n_levels, o->n_paths);
  double *variance = malloc(h * sizeof *variance), *offset = calloc(h, sizeof *offset);
  for (size_t i = 0; variance && i < h; i++) variance[i] = NAN; /* families without a variance leave it unset */
  gsl_rng *rng = NULL;
  cc_status status = f && variance && offset ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) {
    memcpy(f->levels, levels, n_levels * sizeof *levels);
    status = m->type->forecast(m, h, f->mean, variance, &f->analytic, err);
  }
  if (!status && m->n_xreg > 0) {
    cc_model_regression(m, o->xreg_future, h, offset);
    for (size_t i = 0; i < h; i++) f->mean[i] += offset[i];
  }
  /* A combination whose components are all Gaussian has closed-form bounds (combination.h). */
  int mixture = 0;
  if (!status && !f->analytic && n_levels && m->n_components)
    status = cc_combination_intervals(m, h, f->mean, levels, n_levels, f->lower, f->upper, variance, &mixture, err);
  /* The random stream, only when something is simulated (seeding it is not free). */
  if (!status && ((!f->analytic && !mixture && n_levels) || o->n_paths)) {
    if (!(rng = gsl_rng_alloc(gsl_rng_mt19937))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    else gsl_rng_set(rng, o->seed);
  }
  if (!status && mixture) {
    f->analytic = 1; /* bounds in closed form, variance the mixture's (for bias adjustment) */
  } else if (!status && f->analytic) {
    for (size_t l = 0; l < n_levels; l++) {
      double z = gsl_cdf_ugaussian_Pinv(0.5 + levels[l] / 200);
      for (size_t i = 0; i < h; i++) {
        double sd = sqrt(variance[i] > 0 ? variance[i] : 0);
        f->lower[l * h + i] = f->mean[i] - z * sd;
        f->upper[l * h + i] = f->mean[i] + z * sd;
      }
    }
  } else if (!status && n_levels) {
    status = simulated_intervals(m, f, o, rng, offset, err);
  }
  if (!status && o->n_paths)
    status = simulate_paths(m, h, o->n_paths, rng, offset, f->paths, o->nonnegative && isnan(m->lambda), err);
  if (!status && !isnan(m->lambda)) back_transform(m, f, variance);
  if (!status && o->nonnegative) {
    for (size_t i = 0; i < h; i++) f->mean[i] = f->mean[i] < 0 ? 0 : f->mean[i];
    for (size_t k = 0; k < n_levels * h; k++) {
      if (f->lower[k] < 0) f->lower[k] = 0;
      if (f->upper[k] < 0) f->upper[k] = 0;
    }
  }
  free(variance);
  free(offset);
  gsl_rng_free(rng);
  if (status) {
    cc_forecast_free(f);
    return status;
  }
  *out = f;
  return CC_OK;
}

cc_status cc_forecast_from_paths(const double *paths, size_t n_paths, size_t h, const double *levels, size_t n_levels,
                                 size_t keep, cc_forecast **out, cc_error *err) {
  *out = NULL;
  if (n_paths == 0 || h == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "paths", "no paths to summarise");
  for (size_t l = 0; l < n_levels; l++)
    if (!(levels[l] > 0 && levels[l] < 100))
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "level", "%g is not a level between 0 and 100", levels[l]);
  if (keep > n_paths) keep = n_paths;
  cc_forecast *f = cc_forecast_alloc(h, n_levels, keep);
  double *column = malloc(n_paths * sizeof *column);
  if (!f || !column) {
    cc_forecast_free(f);
    free(column);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  memcpy(f->levels, levels, n_levels * sizeof *levels);
  for (size_t i = 0; i < h; i++) {
    double sum = 0.0;
    for (size_t p = 0; p < n_paths; p++) sum += paths[p * h + i];
    f->mean[i] = sum / (double)n_paths;
  }
  quantile_bounds(paths, n_paths, f, column);
  memcpy(f->paths, paths, keep * h * sizeof *paths);
  f->analytic = 0;
  free(column);
  *out = f;
  return CC_OK;
}
