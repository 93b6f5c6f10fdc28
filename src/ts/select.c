/* select.c: model requests and the automatic choice (see select.h). */
#include "carecast/select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/boxcox.h"
#include "carecast/breaks.h"
#include "carecast/intermittent.h"
#include "carecast/models.h"

#define CC_LJUNG_BOX_LAGS 10 /* non-seasonal lags, as forecast::checkresiduals */

#define CC_BOXCOX_AUTO_LOWER (-0.9) /* forecast's BoxCox(x, "auto") searches from here */

cc_status cc_model_request_set_lambda(cc_model_request *request, const char *text, cc_error *err) {
  if (strcmp(text, "auto") == 0) {
    request->lambda_auto = 1;
    request->lambda = NAN;
    return CC_OK;
  }
  char *end;
  double value = strtod(text, &end);
  if (end == text || *end || !(value >= CC_BOXCOX_LOWER && value <= CC_BOXCOX_UPPER))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "lambda", "'%s' is not a Box-Cox lambda (auto, or a number from -1 to 2)", text);
  request->lambda_auto = 0;
  request->lambda = value;
  return CC_OK;
}

cc_status cc_model_request_parse(const char *text, cc_model_request *out, cc_error *err) {
  memset(out, 0, sizeof *out);
  out->lambda = NAN;
  if (strcmp(text, "auto") == 0) return CC_OK;
  char family[CC_MODEL_REQUEST_MAX];
  const char *colon = strchr(text, ':');
  size_t len = colon ? (size_t)(colon - text) : strlen(text);
  if (len >= sizeof family || (colon && strlen(colon + 1) >= sizeof out->variant))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "'%s' is too long", text);
  memcpy(family, text, len);
  family[len] = '\0';
  out->type = cc_model_type_find(family);
  if (!out->type) {
    char known[256] = "auto";
    for (const cc_model_type *const *t = cc_model_types; *t; t++) {
      strncat(known, ", ", sizeof known - strlen(known) - 1);
      strncat(known, (*t)->name, sizeof known - strlen(known) - 1);
    }
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "'%s' is not a model (known: %s)", family, known);
  }
  if (colon) snprintf(out->variant, sizeof out->variant, "%s", colon + 1);
  return CC_OK;
}

static cc_status fit_plain(const cc_model_request *request, const double *y, size_t n, const cc_fit_options *options,
                           cc_model **out, cc_error *err);
static cc_status fit_transformed(const cc_model_request *request, const double *y, size_t n, cc_fit_options options,
                                 cc_model **out, cc_error *err);

/* 1 when the combination m has a component of family type. */
static int combination_has(const cc_model *m, const cc_model_type *type) {
  for (size_t c = 0; c < m->n_components; c++)
    if (m->components[c]->type == type) return 1;
  return 0;
}

cc_status cc_model_fit_request(const cc_model_request *request, const double *y, size_t n, int period, cc_model **out,
                               cc_error *err) {
  return cc_model_fit_request_xreg(request, y, n, period, 0, NULL, NULL, out, err);
}

cc_status cc_model_fit_request_xreg(const cc_model_request *request, const double *y, size_t n, int period,
                                    size_t n_xreg, const double *xreg, const char *const *names, cc_model **out,
                                    cc_error *err) {
  *out = NULL;
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period;
  cc_model_request chosen = *request;
  if (n_xreg > 0) {
    if (request->type && request->type != &cc_model_arima)
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "xreg", "model '%s' takes no regressors (use arima or auto)",
                          request->type->name);
    chosen.type = &cc_model_arima; /* "auto" with regressors: the automatic ARIMA */
    options.n_xreg = n_xreg, options.xreg = xreg, options.xreg_names = names;
  }
  return fit_transformed(&chosen, y, n, options, out, err);
}

/* Fit the request, on the Box-Cox transformed series when it asks for one. */
static cc_status fit_transformed(const cc_model_request *request, const double *y, size_t n, cc_fit_options options,
                                 cc_model **out, cc_error *err) {
  int period = options.period;
  if (!request->lambda_auto && isnan(request->lambda)) return fit_plain(request, y, n, &options, out, err);
  double lambda = request->lambda_auto
                      ? cc_boxcox_lambda(y, n, period, CC_BOXCOX_AUTO_LOWER, CC_BOXCOX_UPPER)
                      : request->lambda;
  double *transformed = malloc((n ? n : 1) * sizeof *transformed);
  if (!transformed) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) transformed[i] = cc_boxcox(y[i], lambda);
  options.allow_multiplicative = 0;
  cc_status status = fit_plain(request, transformed, n, &options, out, err);
  free(transformed);
  if (status) return status;
  cc_model *m = *out;
  m->lambda = lambda;
  m->biasadj = request->biasadj;
  for (size_t i = 0; i < m->n; i++) m->fitted[i] = cc_boxcox_inverse(m->fitted[i], lambda);
  return CC_OK;
}

static cc_status fit_plain(const cc_model_request *request, const double *y, size_t n, const cc_fit_options *o,
                           cc_model **out, cc_error *err) {
  cc_fit_options options = *o;
  if (request->type)
    return request->type->fit(y, n, request->variant[0] ? request->variant : NULL, &options, out, err);
  /* Intermittent counts (ADI > 1.32, Syntetos, Boylan and Croston 2005): SBA, the
   * bias-corrected Croston that the same authors found best for such series. */
  if (cc_demand_is_intermittent(y, n)) return cc_model_sba.fit(y, n, NULL, &options, out, err);
  /* Otherwise the combination of ETS, ARIMA and Theta when ETS and at least one other
   * fit; else ETS alone; else the naive forecast. (A combination without ETS means the
   * series is too short for ETS, where the others are no better than naive.) */
  cc_error attempt_err;
  cc_status status = cc_model_combo.fit(y, n, NULL, &options, out, &attempt_err);
  if (!status && combination_has(*out, &cc_model_ets)) return CC_OK;
  if (status != CC_EINPUT && status) {
    if (err) *err = attempt_err;
    return status;
  }
  int try_ets = status == CC_EINPUT; /* the combination failed as a whole: ETS alone may still fit */
  cc_model_free(*out);
  *out = NULL;
  if (try_ets) {
    status = cc_model_ets.fit(y, n, NULL, &options, out, &attempt_err);
    if (status != CC_EINPUT) {
      if (status && err) *err = attempt_err;
      return status;
    }
  }
  return cc_model_naive.fit(y, n, NULL, &options, out, err);
}

/* Families whose likelihood skips missing values: ETS and ARIMA (and auto
 * when it would choose ETS, i.e. the demand is not intermittent). */
static int skips_missing(const cc_model_request *request, const double *y, size_t n) {
  if (!request->type) return !cc_demand_is_intermittent(y, n);
  return strcmp(request->type->name, "ets") == 0 || strcmp(request->type->name, "arima") == 0;
}

cc_status cc_model_fit_series(const cc_model_request *request, const cc_series *s, cc_model **out, cc_error *err) {
  size_t n = s->n, room = n ? n : 1, break_at = n;
  double *y = malloc(2 * room * sizeof *y);
  if (!y) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double *observed = y + room;
  for (size_t i = 0; i < n; i++) {
    y[i] = s->values[i];
    observed[i] = (s->flags[i] & CC_OBS_IMPUTED) ? NAN : s->values[i];
    if (s->flags[i] & CC_OBS_BREAK) break_at = i;
  }
  double step;
  cc_error unidentified;
  /* The step is estimated from the values as observed; a step that cannot be estimated is left in. */
  if (break_at < n && cc_break_step(observed, n, break_at, &step, NULL, &unidentified) == CC_OK)
    for (size_t i = 0; i < break_at; i++) y[i] += step;
  if (skips_missing(request, y, n))
    for (size_t i = 0; i < n; i++)
      if (s->flags[i] & CC_OBS_IMPUTED) y[i] = NAN;
  cc_status status = cc_model_fit_request(request, y, n, cc_freq_per_year(s->freq), out, err);
  free(y);
  return status;
}

double cc_model_residual_check(const cc_model *m) {
  size_t count = 0;
  for (size_t i = 0; i < m->n; i++) count += !isnan(m->residuals[i]);
  int lags = m->period > 1 ? 2 * m->period : CC_LJUNG_BOX_LAGS;
  if ((size_t)lags > count / 5) lags = (int)(count / 5);
  int df = m->n_estimated > 0 ? m->n_estimated - 1 : 0;
  if (lags - df < 1) return NAN;
  return cc_model_ljung_box(m, lags, df);
}
