/* arima_auto.c: automatic order selection for ARIMA(p,d,q)(P,D,Q)[m], as
 * forecast::auto.arima(y) does it by default (forecast 8.20; Hyndman and
 * Khandakar 2008, "Automatic time series forecasting: the forecast package
 * for R", J. Stat. Softw. 27(3), section 3.2).
 *
 * The stepwise search, step by step as auto.arima (m the period; m = 1 is
 * the non-seasonal case, where everything seasonal below drops out):
 *   1. D from nsdiffs(test = "seas") (cc_nsdiffs: one seasonal difference
 *      when the STL seasonal strength exceeds 0.64), or 0 when there are at
 *      most 2m values; then d from the KPSS test (cc_ndiffs, as ndiffs:
 *      level 5%, at most 2) on the seasonally differenced series.
 *   2. max.p = max.q = min(5, floor(n / 3)), max.P = max.Q = min(2,
 *      floor(n / 3m)) with n the observations from the first to the last
 *      non-missing one; when seasonal orders are allowed, p and q are at
 *      most m - 1. A constant (a mean when d + D = 0, a drift when
 *      d + D = 1) is allowed only then.
 *   3. Starting models, each with the constant when allowed:
 *      (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0), (0,d,1)(0,D,1)
 *      (orders capped by the maxima; non-seasonal start orders at most 1 and
 *      seasonal ones 0 for fewer than 10 values), then (0,d,0)(0,D,0)
 *      without the constant.
 *   4. From the best so far, the neighbours in R's order: P - 1, Q - 1,
 *      P + 1, Q + 1, both - 1, (P - 1, Q + 1), (P + 1, Q - 1), both + 1, then
 *      the same eight moves on p and q, and the constant switched; a model
 *      already tried is not refitted. As soon as one is better it becomes
 *      the current model and the moves start again (when the constant-free
 *      start model wins, R keeps searching with the constant, and so do we);
 *      the search ends when a whole round fits nothing new (or after R's
 *      nmodels = 94).
 * A model is scored by its AICc (the AIC for 3 values or fewer); it is
 * inadmissible (score infinite) when the fit fails or a root of its AR or MA
 * polynomial (seasonal factors expanded) lies within 1.01 of the unit circle,
 * as forecast's myarima.
 *
 * R's approximation: when the series (from its first non-missing value) has
 * more than 150 values or a period above 12, the search fits every model by
 * conditional sum of squares only (arima_fit_css) and scores it with
 * AIC = offset + n* log(sigma2_CSS) + 2 k, where n* = n - d - mD, k the
 * coefficients plus one and the offset is -2 loglik - n log sigma2 of the
 * exact (0,d,0)(0,D,0) fit (a constant shift, which does not change the
 * ranking). The models tried are then refitted exactly (CSS-ML, through
 * arima_fit_spec) in order of that score until one is admissible, which is
 * the answer. Otherwise every model is fitted exactly during the search.
 *
 * As in R, a CSS fit whose Hessian is exactly singular or gives a negative
 * variance is inadmissible (arima_fit_css): with missing values, the
 * conditional residuals of an MA model are missing from the first gap on,
 * so R rejects those models and so must we to follow its search.
 *
 * Deviations from R, all outside what the reference tests exercise:
 *   - R's checkarima (a NaN standard error from the Hessian makes a model
 *     inadmissible) is not done for exact fits: they do not compute the
 *     Hessian.
 *   - Exact fits are more robust than R's for long periods: R's stationary
 *     covariance (Gardner et al. 1980) can break down there (e.g. a weekly
 *     ARIMA(1,1,0)(1,1,0)[52] whose likelihood R cannot evaluate), so R
 *     rejects models we fit and can end with a worse AICc.
 *   - A series that is constant after differencing is bad input here; R
 *     fits a fixed-coefficient model to it.
 *   - With regressors the search fits every model exactly (R's approximation
 *     would use CSS with the regressors; the exact search ranks the same
 *     models by their exact likelihood instead).
 *   - Leading missing values are kept (R drops them first), which matters
 *     only for the origin of a drift.
 *
 * With regressors (auto.arima(y, xreg = X)), D and d are chosen on the
 * residuals of the least-squares regression of y on X with an intercept, and
 * every model of the search is a regression with ARIMA errors on X. */
#include <gsl/gsl_poly.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/model.h"
#include "carecast/unitroot.h"

#include "arima_internal.h"

#define AUTO_MAX_ORDER 5         /* auto.arima's max.p and max.q */
#define AUTO_MAX_SEASONAL_ORDER 2 /* its max.P and max.Q */
#define AUTO_START_ORDER 2       /* its start.p and start.q */
#define AUTO_START_SEASONAL 1    /* its start.P and start.Q */
#define AUTO_SHORT_SERIES 10     /* fewer values than this: smaller start orders */
#define AUTO_MAX_MODELS 94       /* its nmodels */
#define AUTO_MIN_ROOT 1.01       /* myarima: roots closer to the unit circle are inadmissible */
#define AUTO_ROOT_ZERO 1e-8      /* myarima: trailing coefficients below this are dropped before solving */
#define AUTO_APPROX_LENGTH 150   /* approximation when the series is longer than this ... */
#define AUTO_APPROX_PERIOD 12    /* ... or its period above this */
#define AUTO_AIC_ONLY 3          /* series of at most this many values are ranked by the AIC */
#define AUTO_MOVES 16            /* neighbourhood moves */

/* One model the search has tried, with its score. */
typedef struct tried_model {
  int p, q, sp, sq, constant; /* orders and whether the mean or drift is included */
  double score;               /* AICc (or AIC), HUGE_VAL when inadmissible */
} tried_model;

/* The state of one search. */
typedef struct auto_search {
  const double *y;          /* the series, n values, NaN missing */
  size_t n;
  size_t n_xreg;            /* regressors in every model (0 without) */
  const double *xreg;       /* n x n_xreg, column-major */
  const char *const *xreg_names;
  int period;               /* m, 1 when not seasonal */
  int d, sd;                /* differences d and D */
  int max_p, max_q, max_sp, max_sq; /* largest orders tried */
  int use_aic;              /* 1: AIC instead of AICc (3 values or fewer, as R) */
  int approximate;          /* 1: CSS fits during the search, exact refit at the end */
  double offset;            /* the approximation's offset of the AIC */
  size_t n_star;            /* non-missing values less d + mD (R's nstar) */
  tried_model tried[AUTO_MAX_MODELS];
  int n_tried;
  cc_model *best;           /* best admissible exact model so far, owned, NULL before one (exact search) */
  double best_score;        /* the best score, HUGE_VAL before one */
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

/* 1 when every root of the expanded AR and MA polynomials of coefficients
 * coef (R's order: ar, ma, sar, sma) lies outside 1.01: a root w of the
 * seasonal factor in B^m gives roots of modulus |w|^(1/m). */
static int roots_admissible(const arima_spec *s, const double *coef) {
  const double *ar = coef, *ma = coef + s->p, *sar = ma + s->q, *sma = sar + s->sp;
  double ar_root = min_root_modulus(s->p, ar, -1), ma_root = min_root_modulus(s->q, ma, 1);
  double sar_root = pow(min_root_modulus(s->sp, sar, -1), 1.0 / s->period);
  double sma_root = pow(min_root_modulus(s->sq, sma, 1), 1.0 / s->period);
  return ar_root >= AUTO_MIN_ROOT && ma_root >= AUTO_MIN_ROOT && sar_root >= AUTO_MIN_ROOT && sma_root >= AUTO_MIN_ROOT;
}

/* AICc (or the AIC, for tiny series) from an AIC with k parameters on n* values. */
static double information_criterion(const auto_search *a, double aic, double k) {
  if (a->use_aic) return aic;
  double n_star = (double)a->n_star;
  return n_star - k - 1 > 0 ? aic + 2 * k * (k + 1) / (n_star - k - 1) : HUGE_VAL;
}

/* The specification of a candidate. */
static arima_spec candidate_spec(const auto_search *a, int p, int q, int sp, int sq, int constant) {
  arima_spec s;
  memset(&s, 0, sizeof s);
  s.p = p, s.d = a->d, s.q = q, s.sp = sp, s.sd = a->sd, s.sq = sq;
  s.period = sp + a->sd + sq > 0 ? a->period : 1;
  s.constant = !constant ? CONSTANT_NONE : a->d + a->sd == 0 ? CONSTANT_MEAN : CONSTANT_DRIFT;
  s.n_xreg = (int)a->n_xreg;
  arima_spec_complete(&s);
  return s;
}

/* Fit s exactly, without the covariance of the estimates and the final
 * filter (the search does not need them; arima_fit_complete adds them to
 * the winner); *model is the fit (owned
 * by the caller) and the return its score, HUGE_VAL when it failed or is
 * inadmissible (*model NULL then). Only running out of memory is an error,
 * in *status. */
static double fit_exact(const auto_search *a, const arima_spec *s, cc_model **model, cc_status *status, cc_error *err) {
  *model = NULL;
  cc_error fit_err;
  cc_error_clear(&fit_err);
  cc_status fit_status = arima_fit_spec_xreg(s, a->y, a->n, a->xreg, a->xreg_names, 0, model, &fit_err);
  if (fit_status == CC_ENOMEM) *err = fit_err, *status = fit_status;
  if (fit_status) return HUGE_VAL;
  double ic = a->use_aic ? (*model)->aic : (*model)->aicc;
  if (isfinite(ic) && roots_admissible(s, (*model)->params)) return ic;
  cc_model_free(*model);
  *model = NULL;
  return HUGE_VAL;
}

/* Fit s by CSS and score it as myarima with the approximation. */
static double fit_approximate(const auto_search *a, const arima_spec *s, cc_status *status, cc_error *err) {
  double coef[4 * ARIMA_MAX_ORDER + 1], sigma2;
  cc_error fit_err;
  cc_error_clear(&fit_err);
  cc_status fit_status = arima_fit_css(s, a->y, a->n, a->xreg, coef, &sigma2, &fit_err);
  if (fit_status == CC_ENOMEM) *err = fit_err, *status = fit_status;
  if (fit_status || !(sigma2 > 0)) return HUGE_VAL;
  double k = s->n_coef + 1;
  double ic = information_criterion(a, a->offset + (double)a->n_star * log(sigma2) + 2 * k, k);
  return isfinite(ic) && roots_admissible(s, coef) ? ic : HUGE_VAL;
}

/* Try a candidate, record it and keep it when it beats the best so far.
 * *improved says whether it did; only running out of memory is an error (a
 * fit that fails is just not admissible). */
static cc_status try_model(auto_search *a, int p, int q, int sp, int sq, int constant, int *improved, cc_error *err) {
  *improved = 0;
  arima_spec s = candidate_spec(a, p, q, sp, sq, constant);
  cc_status status = CC_OK;
  cc_model *m = NULL;
  double score = HUGE_VAL; /* a state beyond the supported size (long periods) is not admissible */
  if (s.rd <= ARIMA_MAX_STATE)
    score = a->approximate ? fit_approximate(a, &s, &status, err) : fit_exact(a, &s, &m, &status, err);
  if (a->n_tried < AUTO_MAX_MODELS) a->tried[a->n_tried++] = (tried_model){p, q, sp, sq, constant, score};
  if (score < a->best_score) {
    cc_model_free(a->best);
    a->best = m, a->best_score = score;
    *improved = 1;
  } else {
    cc_model_free(m);
  }
  return status;
}

/* 1 when the candidate has not been tried yet (R's newmodel). */
static int is_new(const auto_search *a, int p, int q, int sp, int sq, int constant) {
  for (int i = 0; i < a->n_tried; i++) {
    const tried_model *t = &a->tried[i];
    if (t->p == p && t->q == q && t->sp == sp && t->sq == sq && t->constant == constant) return 0;
  }
  return 1;
}

/* y[0..n) differenced D times at lag m, then d times at lag 1, into x
 * (NaN propagating, as R's diff); returns the length left. */
static size_t difference(const double *y, size_t n, int period, int sd, int d, double *x) {
  memcpy(x, y, n * sizeof *x);
  size_t k = n;
  for (int i = 0; i < sd + d; i++) {
    size_t lag = i < sd ? (size_t)period : 1;
    if (k <= lag) return 0;
    for (size_t t = 0; t + lag < k; t++) x[t] = x[t + lag] - x[t];
    k -= lag;
  }
  return k;
}

/* 1 when x[0..k) has no present value, or only one distinct one (as is.constant). */
static int all_missing(const double *x, size_t k) {
  for (size_t t = 0; t < k; t++)
    if (!isnan(x[t])) return 0;
  return 1;
}

static int constant_values(const double *x, size_t k) {
  double first = NAN;
  for (size_t t = 0; t < k; t++) {
    if (isnan(x[t])) continue;
    if (isnan(first)) first = x[t];
    else if (x[t] != first) return 0;
  }
  return 1;
}

/* The neighbourhood moves of auto.arima's stepwise loop, in its order: {dp, dq, dP, dQ}. */
static const int moves[AUTO_MOVES][4] = {
    {0, 0, -1, 0}, {0, 0, 0, -1}, {0, 0, 1, 0},  {0, 0, 0, 1},  {0, 0, -1, -1}, {0, 0, -1, 1}, {0, 0, 1, -1}, {0, 0, 1, 1},
    {-1, 0, 0, 0}, {0, -1, 0, 0}, {1, 0, 0, 0},  {0, 1, 0, 0},  {-1, -1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0}, {1, 1, 0, 0}};

static int min_int(int x, int y) { return x < y ? x : y; }

/* Run the stepwise search from the starting models to a local minimum. */
static cc_status stepwise(auto_search *a, int allow_constant, cc_error *err) {
  int constant = allow_constant, improved;
  int start = a->n < AUTO_SHORT_SERIES ? 1 : AUTO_START_ORDER;
  int start_seasonal = a->n < AUTO_SHORT_SERIES ? 0 : AUTO_START_SEASONAL;
  int cur[4] = {min_int(start, a->max_p), min_int(start, a->max_q), min_int(start_seasonal, a->max_sp),
                min_int(start_seasonal, a->max_sq)};
  int limits[4] = {a->max_p, a->max_q, a->max_sp, a->max_sq};
  cc_status status = try_model(a, cur[0], cur[1], cur[2], cur[3], constant, &improved, err);
  if (!status) status = try_model(a, 0, 0, 0, 0, constant, &improved, err);
  if (!status && improved) memset(cur, 0, sizeof cur);
  if (!status && (a->max_p > 0 || a->max_sp > 0)) {
    int p = a->max_p > 0, sp = a->period > 1 && a->max_sp > 0;
    status = try_model(a, p, 0, sp, 0, constant, &improved, err);
    if (!status && improved) cur[0] = p, cur[1] = 0, cur[2] = sp, cur[3] = 0;
  }
  if (!status && (a->max_q > 0 || a->max_sq > 0)) {
    int q = a->max_q > 0, sq = a->period > 1 && a->max_sq > 0;
    status = try_model(a, 0, q, 0, sq, constant, &improved, err);
    if (!status && improved) cur[0] = 0, cur[1] = q, cur[2] = 0, cur[3] = sq;
  }
  /* R resets the orders but not its `constant` flag when this one wins, so
   * the moves below keep the constant until the switch move drops it. */
  if (!status && constant && !(status = try_model(a, 0, 0, 0, 0, 0, &improved, err)) && improved)
    memset(cur, 0, sizeof cur);
  int fitted_in_round = 1;
  while (!status && fitted_in_round && a->n_tried < AUTO_MAX_MODELS) {
    fitted_in_round = 0;
    int moved = 0;
    for (int i = 0; i < AUTO_MOVES && !status && !moved && a->n_tried < AUTO_MAX_MODELS; i++) {
      int next[4];
      int inside = 1;
      for (int j = 0; j < 4; j++) {
        next[j] = cur[j] + moves[i][j];
        inside &= next[j] >= 0 && next[j] <= limits[j];
      }
      if (!inside || !is_new(a, next[0], next[1], next[2], next[3], constant)) continue;
      status = try_model(a, next[0], next[1], next[2], next[3], constant, &improved, err);
      fitted_in_round = 1;
      if (!status && improved) memcpy(cur, next, sizeof cur), moved = 1;
    }
    if (!status && !moved && allow_constant && a->n_tried < AUTO_MAX_MODELS &&
        is_new(a, cur[0], cur[1], cur[2], cur[3], !constant)) {
      status = try_model(a, cur[0], cur[1], cur[2], cur[3], !constant, &improved, err);
      fitted_in_round = 1;
      if (!status && improved) constant = !constant;
    }
  }
  return status;
}

/* The approximation's offset: -2 loglik - n log sigma2 of the exact
 * (0,d,0)(0,D,0) fit, with a mean when d + D = 0 (stats::arima's default);
 * 0 when that fit fails, as R. sigma2 is stats::arima's (the sum of squared
 * residuals over the values used). */
static cc_status approximation_offset(auto_search *a, size_t n_present, cc_error *err) {
  arima_spec s = candidate_spec(a, 0, 0, 0, 0, a->d + a->sd == 0);
  cc_model *m = NULL;
  cc_error fit_err;
  cc_error_clear(&fit_err);
  cc_status status = arima_fit_spec_xreg(&s, a->y, a->n, a->xreg, a->xreg_names, 1, &m, &fit_err); /* sigma2 */
  a->offset = 0;
  if (status == CC_ENOMEM) {
    *err = fit_err;
    return status;
  }
  if (!status) {
    double used = (double)m->nobs, sigma2 = m->sigma2 * (used - s.n_coef) / used;
    a->offset = -2 * m->loglik - (double)n_present * log(sigma2);
  }
  cc_model_free(m);
  return CC_OK;
}

/* After an approximate search: refit the models tried exactly, best score
 * first, until one is admissible; it becomes a->best. */
static cc_status refit_exact(auto_search *a, cc_error *err) {
  int order[AUTO_MAX_MODELS];
  for (int i = 0; i < a->n_tried; i++) order[i] = i;
  for (int i = 1; i < a->n_tried; i++) { /* stable insertion sort by score, as R's order() */
    int key = order[i], j = i - 1;
    while (j >= 0 && a->tried[order[j]].score > a->tried[key].score) order[j + 1] = order[j], j--;
    order[j + 1] = key;
  }
  cc_status status = CC_OK;
  for (int i = 0; i < a->n_tried && !status; i++) {
    const tried_model *t = &a->tried[order[i]];
    arima_spec s = candidate_spec(a, t->p, t->q, t->sp, t->sq, t->constant);
    cc_model *m = NULL;
    double score = s.rd <= ARIMA_MAX_STATE ? fit_exact(a, &s, &m, &status, err) : HUGE_VAL;
    if (score < HUGE_VAL) {
      a->best = m, a->best_score = score;
      break;
    }
  }
  return status;
}

/* D, then d, as auto.arima chooses them; fails when the differenced series is constant. */
static cc_status choose_differences(auto_search *a, const double *series, size_t first, cc_error *err) {
  const double *y = series + first;
  size_t n = a->n - first;
  double *x = malloc((n ? n : 1) * sizeof *x);
  if (!x) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  a->sd = 0;
  if (a->period > 1 && n > 2 * (size_t)a->period) {
    a->sd = cc_nsdiffs(y, n, a->period, CC_NSDIFFS_MAX_D);
    if (a->sd > 0 && all_missing(x, difference(y, n, a->period, a->sd, 0, x))) a->sd--;
  }
  size_t k = difference(y, n, a->period, a->sd, 0, x);
  a->d = cc_ndiffs(x, k, CC_KPSS_ALPHA, CC_KPSS_MAX_D);
  if (a->d > 0 && all_missing(x, difference(y, n, a->period, a->sd, a->d, x))) a->d--;
  k = difference(y, n, a->period, a->sd, a->d, x);
  int constant = constant_values(x, k);
  free(x);
  if (constant)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                        "the series is constant after %d difference(s) and %d seasonal one(s): there is no ARIMA "
                        "model to choose",
                        a->d, a->sd);
  return CC_OK;
}

cc_status arima_auto_fit_xreg(const double *y, size_t n, int period, size_t n_xreg, const double *xreg,
                              const char *const *names, cc_model **out, cc_error *err) {
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
  a.y = y, a.n = n, a.best_score = HUGE_VAL;
  a.period = period > 1 ? period : 1;
  a.n_xreg = n_xreg, a.xreg = xreg, a.xreg_names = names;
  double *residuals = NULL; /* with regressors, D and d come from the residuals of y on them (auto.arima) */
  cc_status status = n_xreg > 0 ? arima_regression_residuals(y, n, n_xreg, xreg, &residuals, err) : CC_OK;
  if (!status) status = choose_differences(&a, residuals ? residuals : y, first, err);
  free(residuals);
  if (status) return status;
  int limit = (int)(count / 3), seasonal_limit = a.period > 1 ? (int)(count / 3 / (size_t)a.period) : 0;
  a.max_p = a.max_q = min_int(limit, AUTO_MAX_ORDER);
  a.max_sp = a.max_sq = min_int(seasonal_limit, AUTO_MAX_SEASONAL_ORDER);
  if (a.max_sp > 0) a.max_p = min_int(a.max_p, a.period - 1);
  if (a.max_sq > 0) a.max_q = min_int(a.max_q, a.period - 1);
  a.use_aic = count <= AUTO_AIC_ONLY;
  a.n_star = count - (size_t)a.d - (size_t)(a.sd * a.period);
  a.approximate = n_xreg == 0 && (n - first > AUTO_APPROX_LENGTH || a.period > AUTO_APPROX_PERIOD);
  if (a.approximate) status = approximation_offset(&a, count, err);
  int total_diff = a.d + a.sd;
  if (!status) status = stepwise(&a, total_diff < 2, err);
  if (!status && a.approximate) status = refit_exact(&a, err);
  if (status) {
    cc_model_free(a.best);
    return status;
  }
  if (!a.best) {
    arima_spec smallest = candidate_spec(&a, 0, 0, 0, 0, 0);
    if (smallest.rd > ARIMA_MAX_STATE)
      return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                          "no ARIMA model fits: with period %d and %d seasonal difference(s) the state would exceed %d "
                          "values",
                          a.period, a.sd, ARIMA_MAX_STATE);
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "no suitable ARIMA model found");
  }
  /* The winner's covariance, residuals and states, which the search left out. */
  status = arima_fit_complete(y, n, xreg, a.best, err);
  if (status) {
    cc_model_free(a.best);
    return status;
  }
  *out = a.best;
  return CC_OK;
}
