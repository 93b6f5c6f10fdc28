/* benchmarks.c: the benchmark families mean, naive, snaive, drift and naive2.
 *
 * All but mean are one model, the lag walk of forecast::lagwalk() (R
 * forecast 8.20; Hyndman & Athanasopoulos, "Forecasting: principles and
 * practice", 3rd ed., section 5.2 and table 5.2):
 *     y_t = y_{t-lag} + drift + e_t,   e_t ~ N(0, sigma^2),
 * with lag 1 (naive, drift) or the seasonal period (snaive), and drift zero
 * or estimated (drift). Naive2 is the M4 competition's benchmark: the lag-1
 * walk on the series seasonally adjusted by a classical multiplicative
 * decomposition when the M4 seasonality test says it is seasonal
 * (decompose.h), re-seasonalised. Mean is forecast::meanf(): iid values
 * around an estimated mean. One fit, one forecast and one simulate serve
 * every family; a benchmark_spec says which of them a family is.
 *
 * Missing values, as lagwalk(): a missing y_t is replaced by its own fitted
 * value (the last non-missing value `lag` steps back) when it is needed as a
 * lagged value; residuals and their variance skip missing values.
 *
 * Forecast variances, as forecast.lagwalk() and meanf():
 *   lag walk: sigma^2 k + (k se_drift)^2, k = ceil(h / lag) the number of
 *             seasonal steps; sigma^2 = sum e^2 / (count - [drift]) with
 *             count the non-missing residuals and se_drift = sigma /
 *             sqrt(count). For the drift model this is sigma^2 h (1 + h /
 *             count), count = n - 1 without missing values.
 *   mean:     s^2 (1 + 1 / n), s the sample standard deviation. R's meanf
 *             takes the interval quantile from Student's t with n - 1
 *             degrees of freedom; the generic interval code of forecast.c
 *             uses Gaussian quantiles, so our mean intervals are narrower
 *             by the ratio z / t (about 1% at n = 100, 7% at n = 20). We
 *             chose not to inflate the variance instead: no single
 *             variance reproduces t intervals at every level.
 *   naive2:   the variance of the adjusted walk times the seasonal index
 *             squared, so that intervals are those of the adjusted series
 *             re-seasonalised like the point forecasts; sigma2 is that of
 *             the adjusted series.
 * Two small deviations from R where it counts missing values or tests
 * floating-point equality: in mean, n is the number of non-missing values
 * (meanf uses length(x)); for drift, sigma^2 always divides by count - 1
 * (forecast.lagwalk divides by count when the estimated drift is exactly 0).
 *
 * None of these has a likelihood: loglik and the information criteria are
 * NaN. Sample paths draw the drift (or, for mean, the mean) once per path
 * from its estimated sampling distribution, so that their variance is the
 * analytic forecast variance above.
 *
 * What a fitted model holds (enough to forecast without the data):
 *   settings  kind (mean / lag walk), lag, drift (0/1), adjusted (0/1)
 *   params    mean: mu. Lag walk: drift, drift_se (both 0 without drift)
 *   states    lag walk: the `lag` values carried into the future, oldest
 *             first (step h starts from states[(h - 1) % lag]); when
 *             adjusted, followed by `period` seasonal indices for steps
 *             1..period after the end of the series. Mean: none. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/decompose.h"
#include "carecast/model.h"
#include "carecast/models.h"

enum benchmark_kind { KIND_MEAN = 0, KIND_LAG_WALK = 1 };

/* The layout of cc_model.settings for the benchmark families. */
enum { SETTING_KIND = 0, SETTING_LAG = 1, SETTING_DRIFT = 2, SETTING_ADJUSTED = 3 };

/* What distinguishes one benchmark family from another. */
typedef struct benchmark_spec {
  const cc_model_type *type; /* the family */
  const char *label;         /* cc_model.spec */
  enum benchmark_kind kind;  /* mean, or a lag walk */
  int seasonal_lag;          /* lag walk: 1 for lag = period (snaive), 0 for lag 1 */
  int drift;                 /* lag walk: estimate a drift */
  int adjust;                /* lag walk: seasonally adjust first when the M4 test says so (naive2) */
} benchmark_spec;

static const benchmark_spec spec_mean = {&cc_model_mean, "Mean", KIND_MEAN, 0, 0, 0};
static const benchmark_spec spec_naive = {&cc_model_naive, "Naive", KIND_LAG_WALK, 0, 0, 0};
static const benchmark_spec spec_snaive = {&cc_model_snaive, "SNaive", KIND_LAG_WALK, 1, 0, 0};
static const benchmark_spec spec_drift = {&cc_model_drift, "Drift", KIND_LAG_WALK, 0, 1, 0};
static const benchmark_spec spec_naive2 = {&cc_model_naive2, "Naive2", KIND_LAG_WALK, 0, 0, 1};

/* Mean: mu the mean and sigma2 the sample variance of the non-missing values. */
static cc_status fit_mean(const double *y, size_t n, cc_model *m, cc_error *err) {
  double sum = 0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) sum += y[t], count++;
  if (count < 2)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the mean method needs two non-missing values, got %zu", count);
  double mu = sum / (double)count, squares = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) squares += (y[t] - mu) * (y[t] - mu);
  cc_model_set_param(m, 0, "mu", mu);
  m->n_estimated = 1;
  m->sigma2 = squares / (double)(count - 1);
  for (size_t t = 0; t < n; t++) m->fitted[t] = isnan(y[t]) ? NAN : mu;
  return CC_OK;
}

/* Lag walk on x[0..n): fitted values (the value lag steps back, carried
 * over missing values), the lag values carried into the future as
 * states[0..lag), the drift and its standard error as params 0 and 1, and
 * sigma2. Fitted values and residuals are left on the scale of x. */
static cc_status fit_lag_walk(const double *x, size_t n, size_t lag, int drift, cc_model *m, cc_error *err) {
  if (n < lag)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the series has %zu values, fewer than one lag of %zu", n, lag);
  for (size_t t = 0; t < n; t++) {
    double lagged = t < lag ? NAN : (!isnan(x[t - lag]) ? x[t - lag] : m->fitted[t - lag]);
    m->fitted[t] = lagged;
  }
  for (size_t j = 0; j < lag; j++) {
    size_t t = n - lag + j;
    m->states[j] = !isnan(x[t]) ? x[t] : m->fitted[t];
    if (isnan(m->states[j]))
      return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                          "no non-missing value at position %zu of the last cycle of %zu to forecast from", j + 1, lag);
  }
  double sum = 0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++) {
    m->residuals[t] = x[t] - m->fitted[t]; /* NaN when either is missing */
    if (!isnan(m->residuals[t])) sum += m->residuals[t], count++;
  }
  size_t needed = drift ? 2 : 1;
  if (count < needed)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                        "the series needs %zu pairs of non-missing values %zu apart, it has %zu", needed, lag, count);
  double slope = drift ? sum / (double)count : 0, squares = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(m->residuals[t])) continue;
    m->residuals[t] -= slope;
    squares += m->residuals[t] * m->residuals[t];
  }
  for (size_t t = 0; t < n; t++) m->fitted[t] += slope;
  m->sigma2 = squares / (double)(count - (drift ? 1 : 0));
  cc_model_set_param(m, 0, "drift", slope);
  cc_model_set_param(m, 1, "drift_se", drift ? sqrt(m->sigma2 / (double)count) : 0);
  m->n_estimated = drift ? 1 : 0;
  return CC_OK;
}

/* Fit the lag walk of spec, on the seasonally adjusted series when spec says so. */
static cc_status fit_walk_family(const benchmark_spec *spec, const double *y, size_t n, int period, cc_model **out,
                                 cc_error *err) {
  cc_seasonal_adjustment *adjustment = spec->adjust ? cc_seasonal_adjustment_alloc(n, period) : NULL;
  if (spec->adjust && !adjustment) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = spec->adjust ? cc_decompose_adjust(y, n, period, CC_SEASONALITY_M4, adjustment, err) : CC_OK;
  int adjusted = adjustment && adjustment->seasonal;
  size_t lag = spec->seasonal_lag ? (size_t)period : 1;
  cc_model *m = NULL;
  if (!status) {
    m = cc_model_alloc(spec->type, n, 2, lag + (adjusted ? (size_t)period : 0));
    if (!m) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  if (!status) status = fit_lag_walk(adjusted ? adjustment->adjusted : y, n, lag, spec->drift, m, err);
  if (!status && adjusted) {
    for (size_t t = 0; t < n; t++) m->fitted[t] *= adjustment->index[t];
    memcpy(m->states + lag, adjustment->ahead, (size_t)period * sizeof *m->states);
  }
  if (!status) {
    m->settings[SETTING_LAG] = (int)lag;
    m->settings[SETTING_DRIFT] = spec->drift;
    m->settings[SETTING_ADJUSTED] = adjusted;
    m->period = spec->seasonal_lag || adjusted ? period : 1;
  }
  cc_seasonal_adjustment_free(adjustment);
  if (status) {
    cc_model_free(m);
    return status;
  }
  *out = m;
  return CC_OK;
}

/* The fit shared by every benchmark family. */
static cc_status benchmark_fit(const benchmark_spec *spec, const double *y, size_t n, const char *variant,
                               const cc_fit_options *options, cc_model **out, cc_error *err) {
  *out = NULL;
  if (variant && *variant)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "%s takes no variant, got \"%s\"", spec->type->name, variant);
  cc_fit_options defaults;
  cc_fit_options_default(&defaults);
  int period = options ? options->period : defaults.period;
  if (period < 1) return cc_error_set(err, CC_EUSAGE, NULL, 0, "period", "must be at least 1, not %d", period);
  if (n == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the series is empty");
  for (size_t t = 0; t < n; t++)
    if (isinf(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is infinite", t + 1);

  cc_model *m = NULL;
  cc_status status;
  if (spec->kind == KIND_MEAN) {
    m = cc_model_alloc(spec->type, n, 1, 0);
    if (!m) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    status = fit_mean(y, n, m, err);
  } else {
    status = fit_walk_family(spec, y, n, period, &m, err);
  }
  if (status) {
    cc_model_free(m);
    return status;
  }
  snprintf(m->spec, sizeof m->spec, "%s", spec->label);
  m->settings[SETTING_KIND] = (int)spec->kind;
  m->nobs = 0;
  for (size_t t = 0; t < n; t++) m->nobs += !isnan(y[t]);
  cc_model_set_residuals(m, y);
  *out = m;
  return CC_OK;
}

/* The seasonal index applied at 0-based step i: 1 unless the walk ran on an adjusted series. */
static double index_ahead(const cc_model *m, size_t i) {
  if (!m->settings[SETTING_ADJUSTED]) return 1;
  size_t lag = (size_t)m->settings[SETTING_LAG];
  return m->states[lag + i % (size_t)m->period];
}

static cc_status benchmark_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic,
                                    cc_error *err) {
  *analytic = 1;
  if (m->settings[SETTING_KIND] == KIND_MEAN) {
    for (size_t i = 0; i < h; i++) {
      mean[i] = m->params[0];
      variance[i] = m->sigma2 * (1 + 1 / (double)m->nobs);
    }
    return CC_OK;
  }
  size_t lag = (size_t)m->settings[SETTING_LAG];
  double drift = m->params[0], drift_se = m->params[1];
  for (size_t i = 0; i < h; i++) {
    double steps = (double)(i / lag + 1), index = index_ahead(m, i);
    mean[i] = (m->states[i % lag] + steps * drift) * index;
    variance[i] = (m->sigma2 * steps + steps * drift_se * steps * drift_se) * index * index;
  }
  return CC_OK;
}

static cc_status benchmark_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  double sigma = sqrt(m->sigma2);
  if (m->settings[SETTING_KIND] == KIND_MEAN) {
    double mu = m->params[0] + gsl_ran_gaussian(rng, sigma / sqrt((double)m->nobs));
    for (size_t i = 0; i < h; i++) path[i] = mu + gsl_ran_gaussian(rng, sigma);
    return CC_OK;
  }
  size_t lag = (size_t)m->settings[SETTING_LAG];
  double drift = m->params[0] + (m->params[1] > 0 ? gsl_ran_gaussian(rng, m->params[1]) : 0);
  for (size_t i = 0; i < h; i++) /* on the adjusted scale first: path[i - lag] is the lagged value */
    path[i] = (i < lag ? m->states[i] : path[i - lag]) + drift + gsl_ran_gaussian(rng, sigma);
  for (size_t i = 0; i < h; i++) path[i] *= index_ahead(m, i);
  return CC_OK;
}

static cc_status fit_mean_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                 cc_model **out, cc_error *err) {
  return benchmark_fit(&spec_mean, y, n, variant, options, out, err);
}
static cc_status fit_naive_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                  cc_model **out, cc_error *err) {
  return benchmark_fit(&spec_naive, y, n, variant, options, out, err);
}
static cc_status fit_snaive_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                   cc_model **out, cc_error *err) {
  return benchmark_fit(&spec_snaive, y, n, variant, options, out, err);
}
static cc_status fit_drift_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                  cc_model **out, cc_error *err) {
  return benchmark_fit(&spec_drift, y, n, variant, options, out, err);
}
static cc_status fit_naive2_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                   cc_model **out, cc_error *err) {
  return benchmark_fit(&spec_naive2, y, n, variant, options, out, err);
}

const cc_model_type cc_model_mean = {"mean", "mean of the history, as forecast::meanf", fit_mean_family,
                                     benchmark_forecast, benchmark_simulate};
const cc_model_type cc_model_naive = {"naive", "last value (random walk), as forecast::naive", fit_naive_family,
                                      benchmark_forecast, benchmark_simulate};
const cc_model_type cc_model_snaive = {"snaive", "value one season back, as forecast::snaive", fit_snaive_family,
                                       benchmark_forecast, benchmark_simulate};
const cc_model_type cc_model_drift = {"drift", "random walk with drift, as forecast::rwf(drift = TRUE)",
                                      fit_drift_family, benchmark_forecast, benchmark_simulate};
const cc_model_type cc_model_naive2 = {"naive2", "naive on the seasonally adjusted series (M4 Naive2)",
                                       fit_naive2_family, benchmark_forecast, benchmark_simulate};
