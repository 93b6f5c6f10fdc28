/* model.c: the generic parts of a fitted model (see model.h): allocation,
 * parameters by name, information criteria and the Ljung-Box test. */
#include "carecast/model.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CC_FIT_MAX_ITERATIONS 2000
#define CC_FIT_TOLERANCE 1e-8

void cc_fit_options_default(cc_fit_options *options) {
  options->period = 1;
  options->max_iterations = CC_FIT_MAX_ITERATIONS;
  options->tolerance = CC_FIT_TOLERANCE;
  options->allow_multiplicative = -1;
  options->n_xreg = 0;
  options->xreg = NULL;
  options->xreg_names = NULL;
}

cc_model *cc_model_alloc(const cc_model_type *type, size_t n, size_t n_params, size_t n_states) {
  cc_model *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->type = type;
  m->n = n;
  m->n_params = n_params;
  m->n_states = n_states;
  m->period = 1;
  m->params = calloc(n_params ? n_params : 1, sizeof *m->params);
  m->param_names = calloc(n_params ? n_params : 1, sizeof *m->param_names);
  m->std_errors = calloc(n_params ? n_params : 1, sizeof *m->std_errors);
  m->states = calloc(n_states ? n_states : 1, sizeof *m->states);
  m->fitted = malloc((n ? n : 1) * sizeof *m->fitted);
  m->residuals = malloc((n ? n : 1) * sizeof *m->residuals);
  if (!m->params || !m->param_names || !m->std_errors || !m->states || !m->fitted || !m->residuals) {
    cc_model_free(m);
    return NULL;
  }
  for (size_t i = 0; i < n_params; i++) m->params[i] = m->std_errors[i] = NAN;
  for (size_t i = 0; i < n; i++) m->fitted[i] = m->residuals[i] = NAN;
  m->sigma2 = m->loglik = m->aic = m->aicc = m->bic = NAN;
  m->lambda = NAN;
  return m;
}

void cc_model_free(cc_model *m) {
  if (!m) return;
  for (size_t i = 0; i < m->n_components; i++) cc_model_free(m->components[i]);
  free(m->components);
  free(m->params);
  free(m->param_names);
  free(m->std_errors);
  free(m->covariance);
  free(m->xreg_names);
  free(m->states);
  free(m->fitted);
  free(m->residuals);
  free(m);
}

cc_status cc_model_set_xreg(cc_model *m, size_t n_xreg, const char *const *names, cc_error *err) {
  if (n_xreg > m->n_params)
    return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "%zu regressors for a model of %zu parameters", n_xreg,
                        m->n_params);
  char(*copy)[CC_XREG_NAME_MAX] = calloc(n_xreg ? n_xreg : 1, sizeof *copy);
  if (!copy) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t j = 0; j < n_xreg; j++) snprintf(copy[j], CC_XREG_NAME_MAX, "%s", names[j]);
  free(m->xreg_names);
  m->xreg_names = copy;
  m->n_xreg = n_xreg;
  return CC_OK;
}

void cc_model_regression(const cc_model *m, const double *xreg_future, size_t h, double *offset) {
  const double *beta = m->params + (m->n_params - m->n_xreg);
  for (size_t i = 0; i < h; i++) {
    double sum = 0;
    for (size_t j = 0; j < m->n_xreg; j++) sum += xreg_future[i + h * j] * beta[j];
    offset[i] = sum;
  }
}

void cc_model_set_param(cc_model *m, size_t i, const char *name, double value) {
  snprintf(m->param_names[i], CC_PARAM_NAME_MAX, "%s", name);
  m->params[i] = value;
}

double cc_model_param(const cc_model *m, const char *name) {
  for (size_t i = 0; i < m->n_params; i++)
    if (strcmp(m->param_names[i], name) == 0) return m->params[i];
  return NAN;
}

void cc_model_set_criteria(cc_model *m) {
  double k = m->n_estimated, n = (double)m->nobs;
  if (isnan(m->loglik)) return;
  m->aic = -2 * m->loglik + 2 * k;
  m->bic = -2 * m->loglik + k * log(n);
  m->aicc = n - k - 1 > 0 ? m->aic + 2 * k * (k + 1) / (n - k - 1) : INFINITY;
}

void cc_model_set_residuals(cc_model *m, const double *y) {
  for (size_t i = 0; i < m->n; i++) m->residuals[i] = isnan(y[i]) || isnan(m->fitted[i]) ? NAN : y[i] - m->fitted[i];
}

double cc_model_ljung_box(const cc_model *m, int lags, int fitted_df) {
  /* Autocorrelations as R's acf(na.action = na.pass): deviations from the mean of the
   * observed residuals, lag-k products summed over the pairs where both are observed
   * and divided by (pairs + k), which is n for a series without gaps. */
  double mean = 0;
  size_t count = 0;
  for (size_t i = 0; i < m->n; i++)
    if (!isnan(m->residuals[i])) mean += m->residuals[i], count++;
  if (lags < 1 || (size_t)lags >= count || lags - fitted_df < 1) return NAN;
  mean /= (double)count;
  double autocovariance[lags + 1];
  autocovariance[0] = 0;
  for (int k = 0; k <= lags; k++) {
    double sum = 0;
    size_t pairs = 0;
    for (size_t i = (size_t)k; i < m->n; i++)
      if (!isnan(m->residuals[i]) && !isnan(m->residuals[i - (size_t)k])) {
        sum += (m->residuals[i] - mean) * (m->residuals[i - (size_t)k] - mean);
        pairs++;
      }
    autocovariance[k] = pairs ? sum / (double)(pairs + (size_t)k) : NAN;
  }
  if (!(autocovariance[0] > 0)) return NAN;
  double statistic = 0;
  for (int k = 1; k <= lags; k++) {
    double r = autocovariance[k] / autocovariance[0];
    statistic += r * r / (double)(count - (size_t)k);
  }
  statistic *= (double)count * ((double)count + 2);
  return gsl_cdf_chisq_Q(statistic, lags - fitted_df);
}
