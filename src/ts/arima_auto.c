/* arima_auto.c: automatic order selection for non-seasonal ARIMA, as
 * forecast::auto.arima(y, seasonal = FALSE) does it by default (forecast
 * 8.20; Hyndman and Khandakar 2008, "Automatic time series forecasting: the
 * forecast package for R", J. Stat. Softw. 27(3), section 3.2).
 *
 * The stepwise search, step by step as auto.arima:
 *   1. d from the KPSS test (cc_ndiffs, as ndiffs: level 5%, at most 2).
 *   2. max.p = max.q = min(5, floor(n / 3)) with n the observations from the
 *      first to the last non-missing one; a constant (a mean when d = 0, a
 *      drift when d = 1) is allowed only when d < 2.
 *   3. Four starting models: (2, d, 2), (0, d, 0), (1, d, 0), (0, d, 1), each
 *      with the constant when allowed, then (0, d, 0) without it (start
 *      orders at most 1 for fewer than 10 values).
 *   4. From the best so far, the neighbours in R's order: p - 1, q - 1, p + 1,
 *      q + 1, both - 1, (p - 1, q + 1), (p + 1, q - 1), both + 1, and the
 *      constant switched; a model already tried is not refitted. As soon as
 *      one is better, it becomes the current model and the moves start again
 *      (when the constant-free start model wins, R keeps searching with the
 *      constant, and so do we: the best model is kept all the same);
 *      the search ends when none is better (or after R's nmodels = 94).
 * A model is scored by its AICc (the AIC for 3 values or fewer) from the
 * CSS-ML fit arima.c makes (arima_fit_spec: the same numbers as
 * forecast::Arima); it is inadmissible (score infinite) when the fit fails or
 * a root of its AR or MA polynomial lies within 1.01 of the unit circle, as
 * forecast's myarima.
 *
 * Deviations from R, all outside what the reference tests exercise:
 *   - R's approximation (CSS fits with an offset for series longer than 150)
 *     is not implemented: every model is fitted exactly, which is what R does
 *     for 150 values or fewer, and gives R's final refit directly.
 *   - R's checkarima (a NaN standard error from the Hessian makes a model
 *     inadmissible) is not done: the fit does not compute the Hessian.
 *   - A series that is constant after differencing is bad input here; R
 *     fits a fixed-coefficient model to it.
 *   - Leading missing values are kept (R drops them first), which matters
 *     only for the origin of a drift.
 *
 * With regressors (auto.arima(y, xreg = X)), d is chosen on the residuals of
 * the least-squares regression of y on X with an intercept, and every model
 * of the search is a regression with ARIMA errors on X. */
#include <gsl/gsl_poly.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/model.h"
#include "carecast/unitroot.h"

#include "arima_internal.h"

#define AUTO_MAX_ORDER 5      /* auto.arima's max.p and max.q */
#define AUTO_START_ORDER 2    /* its start.p and start.q */
#define AUTO_MAX_MODELS 94    /* its nmodels */
#define AUTO_MIN_ROOT 1.01    /* myarima: roots closer to the unit circle are inadmissible */
#define AUTO_ROOT_ZERO 1e-8   /* myarima: trailing coefficients below this are dropped before solving */

/* One model the search has tried. */
typedef struct tried_model {
  int p, q, constant; /* orders and whether the mean or drift is included */
} tried_model;

/* The state of one search. */
typedef struct auto_search {
  const double *y;    /* the series, n values, NaN missing */
  size_t n;
  size_t n_xreg;      /* regressors in every model (0 without) */
  const double *xreg; /* n x n_xreg, column-major */
  const char *const *xreg_names;
  int d;              /* differences, from the KPSS test */
  int max_p, max_q;   /* largest orders tried */
  int use_aic;        /* 1: AIC instead of AICc (3 values or fewer, as R) */
  tried_model tried[AUTO_MAX_MODELS];
  int n_tried;
  cc_model *best;     /* best admissible model so far, owned, NULL before one */
  double best_ic;     /* its criterion, HUGE_VAL before one */
} auto_search;

/* The smallest modulus of the roots of 1 + sign (c_1 z + ... + c_k z^k), or
 * HUGE_VAL when there are none (trailing coefficients below 1e-8 dropped);
 * NaN when the roots cannot be computed. */
static double min_root_modulus(int k, const double *c, double sign) {
  while (k > 0 && fabs(c[k - 1]) <= AUTO_ROOT_ZERO) k--;
  if (k == 0) return HUGE_VAL;
  double coef[AUTO_MAX_ORDER + 1], roots[2 * AUTO_MAX_ORDER + 2];
  coef[0] = 1;
  for (int i = 0; i < k; i++) coef[i + 1] = sign * c[i];
  gsl_poly_complex_workspace *w = gsl_poly_complex_workspace_alloc((size_t)k + 1);
  if (!w) return NAN;
  int status = gsl_poly_complex_solve(coef, (size_t)k + 1, w, roots);
  gsl_poly_complex_workspace_free(w);
  if (status) return NAN;
  double smallest = HUGE_VAL;
  for (int i = 0; i < k; i++) smallest = fmin(smallest, hypot(roots[2 * i], roots[2 * i + 1]));
  return smallest;
}

/* The criterion of a fitted model, HUGE_VAL when myarima would reject it. */
static double model_score(const auto_search *a, const cc_model *m, int p, int q) {
  double ic = a->use_aic ? m->aic : m->aicc;
  if (!isfinite(ic)) return HUGE_VAL;
  double ar_root = min_root_modulus(p, m->params, -1), ma_root = min_root_modulus(q, m->params + p, 1);
  if (!(ar_root >= AUTO_MIN_ROOT) || !(ma_root >= AUTO_MIN_ROOT)) return HUGE_VAL;
  return ic;
}

/* Fit (p, d, q) with or without the constant and keep it when it beats the
 * best so far. *improved says whether it did; only running out of memory is
 * an error (a fit that fails is just not admissible). */
static cc_status try_model(auto_search *a, int p, int q, int constant, int *improved, cc_error *err) {
  *improved = 0;
  if (a->n_tried < AUTO_MAX_MODELS) a->tried[a->n_tried++] = (tried_model){p, q, constant};
  arima_spec s;
  memset(&s, 0, sizeof s);
  s.p = p, s.d = a->d, s.q = q, s.period = 1;
  s.constant = !constant ? CONSTANT_NONE : a->d == 0 ? CONSTANT_MEAN : CONSTANT_DRIFT;
  s.n_xreg = (int)a->n_xreg;
  arima_spec_complete(&s);
  cc_model *m = NULL;
  cc_error fit_err;
  cc_error_clear(&fit_err);
  cc_status status = arima_fit_spec_xreg(&s, a->y, a->n, a->xreg, a->xreg_names, &m, &fit_err);
  if (status == CC_ENOMEM) {
    *err = fit_err;
    return status;
  }
  if (status) return CC_OK;
  double score = model_score(a, m, p, q);
  if (score < a->best_ic) {
    cc_model_free(a->best);
    a->best = m, a->best_ic = score;
    *improved = 1;
  } else {
    cc_model_free(m);
  }
  return CC_OK;
}

/* 1 when (p, q, constant) has not been tried yet (R's newmodel). */
static int is_new(const auto_search *a, int p, int q, int constant) {
  for (int i = 0; i < a->n_tried; i++)
    if (a->tried[i].p == p && a->tried[i].q == q && a->tried[i].constant == constant) return 0;
  return 1;
}

/* 1 when the differenced series (missing values skipped) takes one value only. */
static int constant_after_differencing(const double *y, size_t n, int d) {
  double *x = malloc((n ? n : 1) * sizeof *x);
  if (!x) return 0; /* let the fits run into the memory error */
  size_t k = 0;
  for (size_t t = 0; t < n; t++) x[k++] = y[t]; /* NaN propagates through the differences, as R's diff */
  for (int i = 0; i < d; i++) {
    for (size_t t = k - 1; t > 0; t--) x[t] -= x[t - 1];
    k = k > 0 ? k - 1 : 0;
    memmove(x, x + 1, k * sizeof *x);
  }
  double first = NAN;
  int constant = 1;
  for (size_t t = 0; t < k; t++) {
    if (isnan(x[t])) continue;
    if (isnan(first)) first = x[t];
    else if (x[t] != first) constant = 0;
  }
  free(x);
  return constant;
}

/* The neighbourhood moves of auto.arima's stepwise loop, in its order. */
static const int moves[8][2] = {{-1, 0}, {0, -1}, {1, 0}, {0, 1}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}};

/* Run the stepwise search from the starting models to a local minimum. */
static cc_status stepwise(auto_search *a, int allow_constant, cc_error *err) {
  int p, q, constant = allow_constant, improved;
  int start = a->n < 10 ? 1 : AUTO_START_ORDER;
  p = start < a->max_p ? start : a->max_p, q = start < a->max_q ? start : a->max_q;
  cc_status status = try_model(a, p, q, constant, &improved, err);
  if (!status) status = try_model(a, 0, 0, constant, &improved, err);
  if (!status && improved) p = q = 0;
  if (!status && a->max_p > 0 && !(status = try_model(a, 1, 0, constant, &improved, err)) && improved) p = 1, q = 0;
  if (!status && a->max_q > 0 && !(status = try_model(a, 0, 1, constant, &improved, err)) && improved) p = 0, q = 1;
  /* R resets the orders but not its `constant` flag when this one wins, so
   * the moves below keep the constant until the switch move drops it. */
  if (!status && constant && !(status = try_model(a, 0, 0, 0, &improved, err)) && improved) p = q = 0;
  int moved = 1;
  while (!status && moved && a->n_tried < AUTO_MAX_MODELS) {
    moved = 0;
    for (int i = 0; i < 8 && !status && !moved; i++) {
      int np = p + moves[i][0], nq = q + moves[i][1];
      if (np < 0 || np > a->max_p || nq < 0 || nq > a->max_q || !is_new(a, np, nq, constant)) continue;
      if (a->n_tried >= AUTO_MAX_MODELS) break;
      status = try_model(a, np, nq, constant, &improved, err);
      if (!status && improved) p = np, q = nq, moved = 1;
    }
    if (!status && !moved && allow_constant && is_new(a, p, q, !constant) && a->n_tried < AUTO_MAX_MODELS) {
      status = try_model(a, p, q, !constant, &improved, err);
      if (!status && improved) constant = !constant, moved = 1;
    }
  }
  return status;
}

cc_status arima_auto_fit(const double *y, size_t n, cc_model **out, cc_error *err) {
  return arima_auto_fit_xreg(y, n, 0, NULL, NULL, out, err);
}

cc_status arima_auto_fit_xreg(const double *y, size_t n, size_t n_xreg, const double *xreg, const char *const *names,
                              cc_model **out, cc_error *err) {
  *out = NULL;
  size_t first = 0, last = n, count = 0;
  while (first < n && isnan(y[first])) first++;
  while (last > first && isnan(y[last - 1])) last--;
  for (size_t t = first; t < last; t++) {
    if (isinf(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is infinite", t + 1);
    count += !isnan(y[t]);
  }
  if (count < 2) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "automatic ARIMA needs at least 2 values");
  auto_search a;
  memset(&a, 0, sizeof a);
  a.y = y, a.n = n, a.best_ic = HUGE_VAL;
  a.n_xreg = n_xreg, a.xreg = xreg, a.xreg_names = names;
  double *for_d = NULL; /* with regressors, d comes from the residuals of y on them (auto.arima) */
  if (n_xreg > 0) {
    cc_status status = arima_regression_residuals(y, n, n_xreg, xreg, &for_d, err);
    if (status) return status;
  }
  const double *series_for_d = for_d ? for_d : y;
  a.d = cc_ndiffs(series_for_d, n, CC_KPSS_ALPHA, CC_KPSS_MAX_D);
  int constant = constant_after_differencing(series_for_d, n, a.d);
  free(for_d);
  if (constant)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                        "the series is constant after %d difference(s): there is no ARIMA model to choose", a.d);
  int limit = (int)(count / 3);
  a.max_p = a.max_q = limit < AUTO_MAX_ORDER ? limit : AUTO_MAX_ORDER;
  a.use_aic = count <= 3;
  cc_status status = stepwise(&a, a.d < 2, err);
  if (status) {
    cc_model_free(a.best);
    return status;
  }
  if (!a.best) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "no suitable ARIMA model found");
  *out = a.best;
  return CC_OK;
}
