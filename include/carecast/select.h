/* select.h: turning a model request into a fitted model for one series.
 *
 * A request is what the command line's --model takes: a family name
 * ("ets", "theta", "naive", "snaive", "drift", "mean", "naive2", "croston",
 * "sba", "tsb", "arima", "combo"), a family and a variant ("ets:MAdM"), or
 * "auto". The automatic rule, per series: SBA for intermittent demand
 * (mean interval between non-zero values above 1.32); otherwise the
 * combination of automatic ETS, automatic ARIMA and Theta (combination.h:
 * the mean of those that fit, at least two) when ETS and at
 * least one other fit; ETS alone by AICc (forecast::ets) when only ETS
 * fits; and the naive forecast for a series too short for ETS (where ARIMA
 * and Theta on a handful of values are no better). Suppressed values
 * are missing for fitting (their value is NaN; the bound is not used yet);
 * imputed values and breaks are used as cc_model_fit_series says.
 * With a Box-Cox lambda the model is fitted to the transformed series (and
 * exponential smoothing to additive models only, as forecast::ets does);
 * forecasts are transformed back by the generic forecast code. */
#ifndef CARECAST_SELECT_H
#define CARECAST_SELECT_H

#include "carecast/error.h"
#include "carecast/model.h"
#include "carecast/series.h"

#define CC_MODEL_REQUEST_MAX 64

typedef struct cc_model_request {
  const cc_model_type *type; /* NULL for "auto" */
  char variant[CC_MODEL_REQUEST_MAX]; /* "" for the family's own choice */
  double lambda;             /* Box-Cox lambda to fit on, NaN for none (set after parsing) */
  int lambda_auto;           /* 1: choose lambda per series by Guerrero's method */
  int biasadj;               /* 1: bias-adjust back-transformed means */
} cc_model_request;

/* Parse a --lambda value: "auto" or a number in [-1, 2]. CC_EUSAGE otherwise. */
CC_MUST_CHECK cc_status cc_model_request_set_lambda(cc_model_request *request, const char *text, cc_error *err);

/* Parse "auto", "ets", "ets:MNM", "theta", ... CC_EUSAGE naming the families when unknown. */
CC_MUST_CHECK cc_status cc_model_request_parse(const char *text, cc_model_request *out, cc_error *err);

/* Fit the request to y[0..n) with seasonal period `period`. Caller frees *out. */
CC_MUST_CHECK cc_status cc_model_fit_request(const cc_model_request *request, const double *y, size_t n, int period,
                                             cc_model **out, cc_error *err);

/* Fit the request to series s using its flags (carecast quality sets them):
 * - an imputed value (CC_OBS_IMPUTED) weighs no more than it deserves:
 *   families whose likelihood skips missing values (ETS, ARIMA, and auto
 *   when it chooses ETS) treat it as missing; the others (benchmarks, Theta,
 *   Croston and its kin), which need every value, use it;
 * - a break (CC_OBS_BREAK at slot b; the last one counts) is a step: its
 *   size is estimated by least squares of the non-imputed values on
 *   (1, t, 1{t >= b}) (cc_break_step) and added to the values before b, so
 *   the model is fitted on the post-break level (a step regressor in two
 *   stages). Suppressed values stay missing unless imputed.
 * Caller frees *out. */
CC_MUST_CHECK cc_status cc_model_fit_series(const cc_model_request *request, const cc_series *s, cc_model **out,
                                            cc_error *err);
/* The same with n_xreg regressors xreg (n x n_xreg, column-major, NaN
 * missing) called names: a regression with ARIMA errors. "auto" then means
 * the automatic ARIMA with the regressors (forecast::auto.arima(xreg = X));
 * a family other than arima is a usage error (CC_EUSAGE). n_xreg 0 is
 * cc_model_fit_request. Caller frees *out. */
CC_MUST_CHECK cc_status cc_model_fit_request_xreg(const cc_model_request *request, const double *y, size_t n, int period,
                                                  size_t n_xreg, const double *xreg, const char *const *names,
                                                  cc_model **out, cc_error *err);

/* The Ljung-Box p-value of m's residuals with the lags forecast::checkresiduals
 * uses: min(2m, n/5) for seasonal data, min(10, n/5) otherwise, and the
 * model's parameter count as the degrees of freedom it used. */
double cc_model_residual_check(const cc_model *m);

#endif
