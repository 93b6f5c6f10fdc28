/* arima.c: seasonal ARIMA(p,d,q)(P,D,Q)[m] with fixed orders, estimated as
 * R's stats::arima(method = "CSS-ML") and forecast::Arima() do (R 4.x,
 * forecast 8.20; Box and Jenkins 1976; Harvey 1989, section 3.3; Durbin and
 * Koopman 2012, section 3.4).
 *
 * Variant syntax (the part after "arima:"):
 *     p,d,q                 non-seasonal orders
 *     p,d,q:P,D,Q           and seasonal orders, with the series' period as m
 *     ...:mean              an intercept (only when d + D = 0; the default there)
 *     ...:drift             a linear drift (only when d + D = 1)
 *     ...:none              no constant (the default when d + D > 0)
 * e.g. "arima:0,1,1:0,1,1" (the airline model), "arima:2,0,1:mean",
 * "arima:0,1,1:drift". A NULL, empty or "auto" variant selects the orders
 * automatically, as forecast::auto.arima() (arima_auto.c), seasonal orders
 * included when the period is above 1. Limits: p, q, P, Q at most 20, d and D
 * at most 3, and a state (see below) of at most 256 values; seasonal orders
 * on a series of period 1, too few observations for the orders, or a
 * non-stationary AR part from CSS are bad input (CC_EINPUT: the command
 * line skips the series), a malformed variant is a usage error.
 *
 * Regression with ARIMA errors (forecast::Arima(y, xreg = X)): the
 * regressors come in cc_fit_options (n_xreg columns, xreg, xreg_names) and
 * are regression columns after the constant; the model keeps their names
 * and, as its last n_xreg parameters, their coefficients, and forecasting
 * takes their future values (cc_forecast_options.xreg_future; the family's
 * forecast and simulate leave that part out, model.h).
 *
 * The model, as R writes it: x_t = y_t - C_t beta with C_t the regression
 * columns (1 for a mean or t = 1..n for a drift, then the regressors), and Delta(B) x_t = w_t, phi(B) Phi(B^m) w_t = theta(B)
 * Theta(B^m) e_t, e_t ~ N(0, sigma2), where the seasonal polynomials are
 * multiplied out into one AR polynomial of degree p + mP and one MA
 * polynomial of degree q + mQ. The differencing is kept inside the state
 * (R's makeARIMA): the state holds Harvey's r = max(p + mP, q + mQ + 1)
 * ARMA states followed by the last d + mD undifferenced values, which get
 * the diffuse prior variance kappa = 1e6 as in R. So missing values are
 * simply skipped by the Kalman filter (prediction without update).
 *
 * Estimation, step by step as stats::arima:
 *   1. beta starts from the least-squares fit of the differenced series on
 *      the differenced columns (rows with a missing value left out), and its
 *      optimiser scale (optim's parscale) is 10 standard errors; two or more
 *      columns are first rotated onto the right singular vectors of the
 *      columns, as R does (arima_regression.c).
 *   2. Without missing values: conditional sum of squares (R's ARIMA_CSS,
 *      first p + mP + d + mD residuals conditioned on) minimised by BFGS from
 *      zero; a non-stationary AR part there is an error, as in R. With
 *      missing values R switches to plain ML from zero, and so do we.
 *   3. Exact Gaussian likelihood by the Kalman filter, sigma2 concentrated
 *      out (0.5 log(ssq / nu) + 0.5 sum log F_t / nu, ignoring steps whose
 *      F_t >= 1e4, i.e. the diffuse start), AR parts reparametrised through
 *      the partial autocorrelations (tanh, then Durbin-Levinson; R's
 *      partrans), MA parts made invertible before and after (maInvert),
 *      minimised by BFGS. For a complete series the objective is computed
 *      without the filter (arima_fast_likelihood): the exact likelihood of
 *      the differenced series under the stationary ARMA part, which R's
 *      diffuse prior on the differencing states approximates, by the
 *      Chandrasekhar recursions in O(n r) instead of O(n rd^2); estimates
 *      agree with R's to about 1e-4 (0.1% on a flat ARIMA(2,1,2)). The
 *      final pass that keeps a_n, P_n and the residuals is the filter's.
 * The BFGS is a transcription of R's vmmin (optim(method = "BFGS")), with
 * optim's central-difference gradient (ndeps 1e-3 on the parscaled
 * parameters), maxit 100 and reltol sqrt(DBL_EPSILON), so that we take the
 * path R takes. For a complete series the gradient's values come cheaper
 * but the same: where the residuals are linear in a parameter (CSS: AR and
 * regression coefficients; likelihood: regression coefficients) the
 * objective at +-h follows from sums at the point, and the other
 * evaluations at +-h run side by side in one pass over the series. One deviation: the stationary covariance of the ARMA state
 * (R: Gardner, Harvey and Phillips 1980, getQ0) is computed from the ARMA
 * autocovariances (its first column) and the Lyapunov equation Q = T Q T' +
 * R R' read entry by entry (the rest), in O(r^2) (arima_statespace.c),
 * which agrees with Gardner's to rounding for stationary models.
 *
 * Standard errors as R's var.coef: the Hessian of the objective at the
 * optimum by optimHess (cc_optim_hessian), in the transformed coordinates,
 * times n_used, inverted and carried through the Jacobian of the AR
 * transformation; the model keeps the covariance and the standard errors.
 *
 * Numbers as R reports them: loglik = -0.5 (2 n_used f + n_used + n_used
 * log 2 pi) with f the concentrated objective and n_used the non-missing
 * observations less d + mD; n_estimated = coefficients + 1 (sigma2), and
 * m->nobs = n_used, so that cc_model_set_criteria gives forecast::Arima's
 * AICc and BIC (which use n_used). sigma2 is forecast::Arima's: the sum of
 * squared standardised residuals over n_used - coefficients (the one its
 * intervals use); residuals are the standardised innovations e_t / sqrt(F_t)
 * and fitted values y - residuals, as R's residuals() and fitted().
 *
 * What a fitted model holds (enough to forecast without the data):
 *   settings  [0] p*10000 + d*100 + q, [1] P*10000 + D*100 + Q,
 *             [2] constant: 0 none, 1 mean, 2 drift
 *   params    R's coefficients in R's order and names: ar1.., ma1.., sar1..,
 *             sma1.., then intercept or drift, then the regressors (named
 *             as given when the name fits a parameter name, else xreg1..)
 *   states    the filtered state a_n (rd values) then its covariance P_n
 *             (rd x rd, column-major, in units of sigma2), rd = r + d + mD
 * Forecasts are R's KalmanForecast from (a_n, P_n) plus beta c_{n+h};
 * sample paths draw the state from N(a_n, sigma2 P_n) and run the state
 * equation with N(0, sigma2) innovations, so their variance is the analytic one. */
#include <assert.h>
#include <complex.h>
#include <float.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/model.h"
#include "carecast/models.h"
#include "carecast/optim.h"

#include "arima_internal.h"


/* ---------- orders and variants ---------- */

void arima_spec_complete(arima_spec *s) {
  s->n_arma = s->p + s->q + s->sp + s->sq;
  s->n_reg = (s->constant != CONSTANT_NONE) + s->n_xreg;
  s->n_coef = s->n_arma + s->n_reg;
  s->n_phi = s->p + s->period * s->sp;
  s->n_theta = s->q + s->period * s->sq;
  s->r = s->n_phi > s->n_theta + 1 ? s->n_phi : s->n_theta + 1;
  s->n_delta = s->d + s->period * s->sd;
  s->rd = s->r + s->n_delta;
}

static int parse_triple(const char *text, int *a, int *b, int *c, const char **end) {
  int used = 0;
  if (sscanf(text, "%d,%d,%d%n", a, b, c, &used) != 3) return 0;
  *end = text + used;
  return 1;
}

/* Parse "p,d,q[:P,D,Q][:mean|:drift|:none]" with the seasonal period into s. */
static cc_status parse_variant(const char *variant, int period, arima_spec *s, cc_error *err) {
  memset(s, 0, sizeof *s);
  assert(variant && *variant); /* the automatic choice is arima_fit's */
  const char *rest = variant;
  if (!parse_triple(rest, &s->p, &s->d, &s->q, &rest))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\" does not start with p,d,q", variant);
  int constant = -1;
  if (*rest == ':' && rest[1] >= '0' && rest[1] <= '9') {
    if (!parse_triple(rest + 1, &s->sp, &s->sd, &s->sq, &rest))
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\": seasonal part is not P,D,Q", variant);
  }
  if (*rest == ':') {
    rest++;
    if (strcmp(rest, "mean") == 0) constant = CONSTANT_MEAN;
    else if (strcmp(rest, "drift") == 0) constant = CONSTANT_DRIFT;
    else if (strcmp(rest, "none") == 0) constant = CONSTANT_NONE;
    else
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model",
                          "arima variant \"%s\": expected mean, drift or none after the orders, got \"%s\"", variant, rest);
  } else if (*rest) {
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\": unexpected \"%s\"", variant, rest);
  }
  int orders[4] = {s->p, s->q, s->sp, s->sq}, diffs[2] = {s->d, s->sd};
  for (int i = 0; i < 4; i++)
    if (orders[i] < 0 || orders[i] > ARIMA_MAX_ORDER)
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\": AR and MA orders must be 0..%d",
                          variant, ARIMA_MAX_ORDER);
  for (int i = 0; i < 2; i++)
    if (diffs[i] < 0 || diffs[i] > ARIMA_MAX_DIFF)
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\": differences must be 0..%d", variant,
                          ARIMA_MAX_DIFF);
  int seasonal = s->sp + s->sd + s->sq > 0;
  if (seasonal && period < 2) /* a property of the data, so bad input: the command line skips the series */
    return cc_error_set(err, CC_EINPUT, NULL, 0, "model",
                        "arima variant \"%s\" has seasonal orders but the series has period %d", variant, period);
  s->period = seasonal ? period : 1;
  int total_diff = s->d + s->sd;
  if (constant < 0) constant = total_diff == 0 ? CONSTANT_MEAN : CONSTANT_NONE;
  if (constant == CONSTANT_MEAN && total_diff != 0)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\": a mean needs d + D = 0", variant);
  if (constant == CONSTANT_DRIFT && total_diff != 1)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "arima variant \"%s\": a drift needs d + D = 1", variant);
  s->constant = constant;
  arima_spec_complete(s);
  if (s->rd > ARIMA_MAX_STATE) /* depends on the series' period, so bad input */
    return cc_error_set(err, CC_EINPUT, NULL, 0, "model",
                        "arima variant \"%s\" with period %d needs a state of %d values; at most %d are supported",
                        variant, period, s->rd, ARIMA_MAX_STATE);
  return CC_OK;
}

static void spec_from_settings(const cc_model *m, arima_spec *s) {
  memset(s, 0, sizeof *s);
  s->p = m->settings[SETTING_ORDER] / 10000, s->d = m->settings[SETTING_ORDER] / 100 % 100;
  s->q = m->settings[SETTING_ORDER] % 100;
  s->sp = m->settings[SETTING_SEASONAL] / 10000, s->sd = m->settings[SETTING_SEASONAL] / 100 % 100;
  s->sq = m->settings[SETTING_SEASONAL] % 100;
  s->constant = m->settings[SETTING_CONSTANT];
  s->n_xreg = (int)m->n_xreg;
  s->period = m->period;
  arima_spec_complete(s);
}

/* ---------- objectives ---------- */

/* out[t] = v[t] - C_t beta for t in [from, n), with C_t the row t of the
 * n x n_reg columns cols and beta = par[n_arma..]. */
static void subtract_regression(const arima_work *w, const double *par, const double *v, const double *cols,
                                size_t from, double *out) {
  const arima_spec *s = &w->spec;
  const double *beta = par + s->n_arma;
  for (size_t t = from; t < w->n; t++) {
    double x = v[t];
    for (int j = 0; j < s->n_reg; j++) x -= beta[j] * cols[t + w->n * (size_t)j];
    out[t] = x;
  }
}

/* x = y - C_t beta for the coefficients par. */
static void remove_regression(arima_work *w, const double *par) { subtract_regression(w, par, w->y, w->reg, 0, w->x); }

/* v[0..n) differenced d times at lag 1 and D times at lag m, in place
 * (v[t] for t < d + mD are left partly differenced and are not used). */
static void difference_in_place(const arima_spec *s, double *v, size_t n) {
  for (int i = 0; i < s->d; i++)
    for (size_t t = n - 1; t > 0; t--) v[t] -= v[t - 1];
  size_t ns = (size_t)s->period;
  for (int i = 0; i < s->sd; i++)
    for (size_t t = n - 1; t >= ns; t--) v[t] -= v[t - ns];
}

/* The differenced series and regression columns (as estimated, so after
 * the rotation), once per fit: the CSS and the fast likelihood need the
 * differenced x = y - C beta, which is their difference. */
static void difference_inputs(arima_work *w) {
  const arima_spec *s = &w->spec;
  memcpy(w->dy, w->y, w->n * sizeof *w->dy);
  difference_in_place(s, w->dy, w->n);
  memcpy(w->dreg, w->reg, w->n * (size_t)s->n_reg * sizeof *w->dreg);
  for (int j = 0; j < s->n_reg; j++) difference_in_place(s, w->dreg + w->n * (size_t)j, w->n);
  if (s->n_reg == 0) memcpy(w->w, w->dy, w->n * sizeof *w->w);
}

/* w->w[t] = (Delta x)_t = (Delta y)_t - (Delta C)_t beta for t >= d + mD
 * (without regression columns it is Delta y, there since difference_inputs). */
static void differenced_errors(arima_work *w, const double *par) {
  if (w->spec.n_reg == 0) return;
  subtract_regression(w, par, w->dy, w->dreg, (size_t)w->spec.n_delta, w->w);
}

static double arima_objective(arima_work *w, const double *par);

/* 1 when the CSS skips the zero terms of the polynomials (no value missing),
 * which its gradient needs. */
static int css_sparse(const arima_work *w) {
  return w->complete && w->spec.n_phi <= ARIMA_MAX_STATE && w->spec.n_theta <= ARIMA_MAX_STATE;
}

/* The derivatives of the expanded AR polynomial (arima_expand_polynomials,
 * not transformed) with respect to each AR parameter of par (ar, then sar),
 * as terms: parameter i (its index in par) changes phi[j] by value per unit,
 * for its w->dterm_count[i] pairs (j, value) at w->dterm_index /
 * w->dterm_value + i ARIMA_DTERMS. */
static void ar_derivative_terms(arima_work *w, const double *par) {
  const arima_spec *s = &w->spec;
  int m = s->period, p = s->p, sp = s->sp, seasonal = s->p + s->q;
  const double *ar = par, *sar = par + seasonal;
  for (int i = 0; i < p; i++) {
    int *index = w->dterm_index + i * ARIMA_DTERMS;
    double *value = w->dterm_value + i * ARIMA_DTERMS;
    index[0] = i, value[0] = 1;
    for (int k = 0; k < sp; k++) index[k + 1] = (k + 1) * m + i, value[k + 1] = -sar[k];
    w->dterm_count[i] = 1 + sp;
  }
  for (int k = 0; k < sp; k++) {
    int *index = w->dterm_index + (seasonal + k) * ARIMA_DTERMS;
    double *value = w->dterm_value + (seasonal + k) * ARIMA_DTERMS;
    index[0] = (k + 1) * m - 1, value[0] = 1;
    for (int i = 0; i < p; i++) index[i + 1] = (k + 1) * m + i, value[i + 1] = -ar[i];
    w->dterm_count[seasonal + k] = 1 + p;
  }
}

/* 1 when parameter i is an MA coefficient (ma or sma). */
static int is_ma_parameter(const arima_spec *s, int i) {
  return (i >= s->p && i < s->p + s->q) || (i >= s->p + s->q + s->sp && i < s->n_arma);
}

/* What conditional_ssq sums: the squared residuals and their count, and for
 * each parameter on which the residuals depend linearly (AR and regression
 * coefficients: the others fixed, e = Theta(B)^-1 Phi(B) Delta(y - C beta)
 * is linear in each of them), sum e_t D_t and sum D_t^2 with D_t = de_t /
 * dpar_i, so that the residuals at par + h e_i are exactly e + h D. */
typedef struct css_sums {
  double ssq;
  size_t nu;
  double eD[ARIMA_MAX_COEF], DD[ARIMA_MAX_COEF];
} css_sums;

/* The CSS residual recursion of conditional_ssq (sparse, without sums)
 * from t = from on, when its MA terms are lags 1..q: q a constant where
 * this is inlined (css_register_steps), so that the last q residuals stay
 * in registers instead of being read back from w->resid, which shortens
 * each step's chain of dependent operations. The same operations in the
 * same order as conditional_ssq's loop. 0 once ssq passes stop_ssq. */
static inline __attribute__((always_inline)) int css_steps_in_registers(arima_work *w, size_t from, const int *ar_terms,
                                                                       int n_ar, int q, double stop_ssq, double *ssq_io,
                                                                       size_t *nu_io) {
  const double *x = w->w;
  double *resid = w->resid, ar[ARIMA_MAX_STATE], ma[CSS_REGISTER_MA], past[CSS_REGISTER_MA];
  size_t lag[ARIMA_MAX_STATE], n = w->n, nu = *nu_io;
  double ssq = *ssq_io;
  for (int k = 0; k < n_ar; k++) ar[k] = w->phi[ar_terms[k]], lag[k] = (size_t)ar_terms[k] + 1;
  for (int j = 0; j < q; j++) ma[j] = w->theta[j], past[j] = resid[from - (size_t)j - 1];
  for (size_t t = from; t < n; t++) {
    double tmp = x[t];
    for (int k = 0; k < n_ar; k++) tmp -= ar[k] * x[t - lag[k]];
    for (int j = 0; j < q; j++) tmp -= ma[j] * past[j];
    for (int j = q - 1; j > 0; j--) past[j] = past[j - 1];
    if (q > 0) past[0] = tmp;
    resid[t] = tmp;
    if (!isnan(tmp)) nu++, ssq += tmp * tmp;
    if (ssq > stop_ssq) return 0;
  }
  *ssq_io = ssq, *nu_io = nu;
  return 1;
}

/* css_steps_in_registers with q as a constant, for q at most CSS_REGISTER_MA. */
static int css_register_steps(arima_work *w, size_t from, const int *ar_terms, int n_ar, int q, double stop_ssq,
                              double *ssq, size_t *nu) {
  switch (q) {
  case 0: return css_steps_in_registers(w, from, ar_terms, n_ar, 0, stop_ssq, ssq, nu);
  case 1: return css_steps_in_registers(w, from, ar_terms, n_ar, 1, stop_ssq, ssq, nu);
  case 2: return css_steps_in_registers(w, from, ar_terms, n_ar, 2, stop_ssq, ssq, nu);
  case 3: return css_steps_in_registers(w, from, ar_terms, n_ar, 3, stop_ssq, ssq, nu);
  case 4: return css_steps_in_registers(w, from, ar_terms, n_ar, 4, stop_ssq, ssq, nu);
  default: return css_steps_in_registers(w, from, ar_terms, n_ar, CSS_REGISTER_MA, stop_ssq, ssq, nu);
  }
}

/* R's ARIMA_CSS: mean squared conditional residual of the differenced x
 * (w->w, from differenced_errors; w->phi, w->theta expanded from par).
 * With sums (only when css_sparse) also the sums above, D_t following the
 * residuals' own recursion: D_t = -(d phi) w_{t-1..} - theta D_{t-1..} for an
 * AR coefficient, -(Delta C)_t + phi (Delta C)_{t-1..} - theta D_{t-1..} for
 * a regression coefficient. */
ARIMA_SCALAR_LOOPS static double conditional_ssq(arima_work *w, const double *par, css_sums *sums, double stop_ssq) {
  const arima_spec *s = &w->spec;
  size_t n = w->n;
  double ssq = 0;
  size_t nu = 0, cond = (size_t)w->n_cond;
  int q = s->n_theta;
  /* Seasonal polynomials are mostly zeros: with no value missing, the terms
   * with a zero coefficient add exactly nothing and are skipped (with
   * missing values they must stay, since 0 * NaN is NaN in R's sum too). */
  int ar_terms[ARIMA_MAX_STATE], ma_terms[ARIMA_MAX_STATE], n_ar = 0, n_ma = 0;
  int sparse = css_sparse(w);
  if (sparse) {
    for (int j = 0; j < s->n_phi; j++)
      if (w->phi[j] != 0) ar_terms[n_ar++] = j;
    for (int j = 0; j < q; j++)
      if (w->theta[j] != 0) ma_terms[n_ma++] = j;
  }
  int linear[ARIMA_MAX_COEF], n_linear = 0; /* the parameters the residuals are linear in */
  linear_term *terms = w->linear_terms; /* theirs, in locals the stores into D cannot change */
  double ar_coef[ARIMA_MAX_STATE], ma_coef[ARIMA_MAX_STATE];
  size_t ar_lag[ARIMA_MAX_STATE], ma_lag[ARIMA_MAX_STATE];
  const double *x = w->w;
  if (sums && sparse) {
    ar_derivative_terms(w, par);
    for (int i = 0; i < s->n_coef; i++)
      if (!is_ma_parameter(s, i)) {
        linear_term *term = &terms[n_linear];
        linear[n_linear++] = i;
        term->D = w->deriv + n * (size_t)i, term->eD = term->DD = 0, term->column = NULL, term->count = 0;
        if (i >= s->n_arma) term->column = w->dreg + n * (size_t)(i - s->n_arma);
        else
          for (int c = 0; c < w->dterm_count[i]; c++, term->count++)
            term->value[c] = w->dterm_value[i * ARIMA_DTERMS + c],
            term->lag[c] = (size_t)w->dterm_index[i * ARIMA_DTERMS + c] + 1;
      }
    for (int k = 0; k < n_ar; k++) ar_coef[k] = w->phi[ar_terms[k]], ar_lag[k] = (size_t)ar_terms[k] + 1;
    for (int k = 0; k < n_ma; k++) ma_coef[k] = w->theta[ma_terms[k]], ma_lag[k] = (size_t)ma_terms[k] + 1;
  }
  /* the MA terms lags 1..n_ma (as non-seasonal models): after the first
   * n_ma steps, the recursion runs in css_register_steps */
  int in_registers = sparse && !sums && n_ma <= CSS_REGISTER_MA && (n_ma == 0 || ma_terms[n_ma - 1] == n_ma - 1);
  size_t end = in_registers && cond + (size_t)n_ma < n ? cond + (size_t)n_ma : n;
  for (size_t t = cond; t < end; t++) {
    double tmp = w->w[t];
    size_t limit = t - cond < (size_t)q ? t - cond : (size_t)q;
    int n_ma_now = 0; /* the MA terms within the limit */
    if (sparse) {
      for (int k = 0; k < n_ar; k++) tmp -= w->phi[ar_terms[k]] * w->w[t - (size_t)ar_terms[k] - 1];
      for (; n_ma_now < n_ma && (size_t)ma_terms[n_ma_now] < limit; n_ma_now++)
        tmp -= w->theta[ma_terms[n_ma_now]] * w->resid[t - (size_t)ma_terms[n_ma_now] - 1];
    } else {
      for (int j = 0; j < s->n_phi; j++) tmp -= w->phi[j] * w->w[t - (size_t)j - 1];
      for (size_t j = 0; j < limit; j++) tmp -= w->theta[j] * w->resid[t - j - 1];
    }
    w->resid[t] = tmp;
    if (!isnan(tmp)) nu++, ssq += tmp * tmp;
    if (ssq > stop_ssq) return HUGE_VAL;
    for (int l = 0; l < n_linear; l++) {
      linear_term *term = &terms[l];
      double *D = term->D, u = 0;
      if (term->column == NULL) {
        for (int c = 0; c < term->count; c++) u -= term->value[c] * x[t - term->lag[c]];
      } else {
        u = -term->column[t];
        for (int k = 0; k < n_ar; k++) u += ar_coef[k] * term->column[t - ar_lag[k]];
      }
      for (int k = 0; k < n_ma_now; k++) u -= ma_coef[k] * D[t - ma_lag[k]];
      D[t] = u;
      term->eD += tmp * u, term->DD += u * u;
    }
  }
  if (end < n && !css_register_steps(w, end, ar_terms, n_ar, n_ma, stop_ssq, &ssq, &nu)) return HUGE_VAL;
  for (int l = 0; l < n_linear; l++) sums->eD[linear[l]] = terms[l].eD, sums->DD[linear[l]] = terms[l].DD;
  if (sums) sums->ssq = ssq, sums->nu = nu;
  return ssq / (double)nu;
}

/* The CSS objective at par with each MA coefficient moved by +h_i (up)
 * and by -h_i (down), h_i = gradient_step parscale_i, indexed by parameter;
 * w->w and w->phi must be par's (the AR part does not move). One pass over
 * the series runs these 2 (q + Q) residual recursions side by side: they
 * share the AR part and, being independent, overlap in the processor. Each
 * subtracts the same terms in the same order as conditional_ssq there (and
 * terms of another recursion's polynomial that are zero in its own, which
 * changes nothing), so the values are what evaluating there gives. */
static void css_ma_differences(arima_work *w, const double *par, double *up, double *down) {
  const arima_spec *s = &w->spec;
  size_t n = w->n, cond = (size_t)w->n_cond, n_theta = (size_t)s->n_theta, stride = (size_t)s->r; /* theta: r - 1 values */
  int ma[ARIMA_MAX_CHAINS / 2], n_ma_params = 0;
  for (int i = 0; i < s->n_arma; i++)
    if (is_ma_parameter(s, i)) ma[n_ma_params++] = i;
  if (n_ma_params == 0) return; /* a pure AR model: no chain to run */
  int chains = 2 * n_ma_params;
  double moved[ARIMA_MAX_COEF];
  memcpy(moved, par, (size_t)s->n_coef * sizeof *moved);
  for (int c = 0; c < chains; c++) { /* chain 2 m: parameter ma[m] + h; 2 m + 1: - h */
    int i = ma[c / 2];
    double h = w->gradient_step * w->parscale[i];
    moved[i] = c % 2 ? par[i] - h : par[i] + h;
    arima_expand_polynomials(s, moved, 0, w->tpar, w->chain_phi, w->chain_theta + (size_t)c * stride);
    moved[i] = par[i];
  }
  int ar_terms[ARIMA_MAX_STATE], ma_terms[ARIMA_MAX_STATE], n_ar = 0, n_ma = 0;
  for (int j = 0; j < s->n_phi; j++)
    if (w->phi[j] != 0) ar_terms[n_ar++] = j;
  for (size_t j = 0; j < n_theta; j++) {
    int any = 0;
    for (int c = 0; c < chains; c++) any |= w->chain_theta[(size_t)c * stride + j] != 0;
    if (any) ma_terms[n_ma++] = (int)j;
  }
  double ssq[ARIMA_MAX_CHAINS];
  size_t nu[ARIMA_MAX_CHAINS];
  for (int c = 0; c < chains; c++) ssq[c] = 0, nu[c] = 0;
  double *resid = w->chain_resid; /* chain c's residual at t: resid[t chains + c] */
  for (size_t t = cond; t < n; t++) {
    double z = w->w[t];
    for (int k = 0; k < n_ar; k++) z -= w->phi[ar_terms[k]] * w->w[t - (size_t)ar_terms[k] - 1];
    size_t limit = t - cond < n_theta ? t - cond : n_theta;
    /* the residuals are built in their row (a separate array copied there
     * became a call to memcpy per step) */
    double *e = resid + t * (size_t)chains;
    for (int c = 0; c < chains; c++) e[c] = z;
    for (int k = 0; k < n_ma && (size_t)ma_terms[k] < limit; k++) {
      size_t j = (size_t)ma_terms[k];
      const double *past = resid + (t - j - 1) * (size_t)chains;
      for (int c = 0; c < chains; c++) e[c] -= w->chain_theta[(size_t)c * stride + j] * past[c];
    }
    for (int c = 0; c < chains; c++)
      if (!isnan(e[c])) nu[c]++, ssq[c] += e[c] * e[c];
  }
  for (int c = 0; c < chains; c++) {
    double value = 0.5 * log(ssq[c] / (double)nu[c]);
    if (c % 2) down[ma[c / 2]] = value;
    else up[ma[c / 2]] = value;
  }
}

/* The gradient of the CSS objective f = 0.5 log(ssq / nu) at par as optim's
 * numerical one (central differences, step gradient_step in parscaled
 * coordinates), in the shape the shared BFGS takes; only for a series with
 * no value missing (css_sparse). For a parameter the residuals are linear in
 * (css_sums), f at par +- h e_i is 0.5 log((ssq +- 2 h sum e D + h^2 sum
 * D^2) / nu), exactly what evaluating there gives (to rounding), so one
 * pass replaces its two evaluations; the MA parameters' values come from
 * css_ma_differences. The same numbers as optim's gradient, so the same
 * path as R. */
static int css_gradient_for_optimiser(const double *par, size_t n, void *context, double *gradient) {
  (void)n;
  arima_work *w = context;
  const arima_spec *s = &w->spec;
  css_sums sums;
  arima_expand_polynomials(s, par, 0, w->tpar, w->phi, w->theta);
  differenced_errors(w, par);
  (void)conditional_ssq(w, par, &sums, HUGE_VAL);
  double nu = (double)sums.nu, up[ARIMA_MAX_COEF], down[ARIMA_MAX_COEF];
  css_ma_differences(w, par, up, down);
  for (int i = 0; i < s->n_coef; i++) {
    double h = w->gradient_step * w->parscale[i];
    if (!is_ma_parameter(s, i)) {
      up[i] = 0.5 * log((sums.ssq + 2 * h * sums.eD[i] + h * h * sums.DD[i]) / nu);
      down[i] = 0.5 * log((sums.ssq - 2 * h * sums.eD[i] + h * h * sums.DD[i]) / nu);
    }
    gradient[i] = (up[i] - down[i]) / (2 * h);
    if (!isfinite(gradient[i])) return 0;
  }
  return 1;
}

/* R's armafn from the likelihood sums: 0.5 (log(ssq / nu) + sum log F / nu). */
static double likelihood_objective(likelihood_sums sums) {
  if (sums.nu == 0) return HUGE_VAL;
  double s2 = sums.ssq / (double)sums.nu;
  return 0.5 * (log(s2) + sums.sumlog / (double)sums.nu);
}

/* The gradient of the exact likelihood's objective at par as optim's
 * numerical one (central differences, step gradient_step in parscaled
 * coordinates), for a series with no value missing. One pass of
 * arima_fast_likelihoods gives the objective at each ARMA coefficient moved
 * by +-h (x does not move with them), bit for bit what evaluating there
 * gives, and, at par itself, the sums of likelihood_columns: the
 * innovations are linear in each regression coefficient, so the objective
 * there is 0.5 (log((ssq +- 2 h sum v V + h^2 sum V^2) / nu) + sum log F /
 * nu), which is what evaluating gives, to rounding. Where the fast
 * likelihood does not apply, the objective is evaluated. */
static int likelihood_gradient_for_optimiser(const double *par, size_t n, void *context, double *gradient) {
  arima_work *w = context;
  const arima_spec *s = &w->spec;
  int chains = 2 * s->n_arma + 1;
  size_t phi_stride = (size_t)s->n_phi + 1, theta_stride = (size_t)s->r;
  double moved[ARIMA_MAX_COEF], transformed[ARIMA_MAX_COEF];
  memcpy(moved, par, n * sizeof *moved);
  /* par with its AR blocks transformed: a moved MA coefficient leaves them
   * as they are, so those chains take them from here (the same values) */
  if (w->transform) arima_transform_ar_blocks(s, par, transformed, 0);
  else memcpy(transformed, par, n * sizeof *transformed);
  int first = s->n_reg > 0 ? 0 : 1; /* chain 0 (par) only for the regression columns */
  for (int c = first; c < chains; c++) { /* chain 0: par; 1 + 2 i: parameter i + h; 2 + 2 i: - h */
    int i = (c - 1) / 2, from_transformed = c == 0 || is_ma_parameter(s, i);
    double h = c > 0 ? w->gradient_step * w->parscale[i] : 0, *target = from_transformed ? transformed : moved;
    if (c > 0) target[i] = c % 2 ? par[i] + h : par[i] - h;
    arima_expand_polynomials(s, target, from_transformed ? 0 : w->transform, w->tpar,
                             w->chain_phi + (size_t)c * phi_stride, w->chain_theta + (size_t)c * theta_stride);
    if (c > 0) target[i] = par[i]; /* an MA coefficient is par's in transformed too */
  }
  differenced_errors(w, par);
  likelihood_sums sums[ARIMA_MAX_CHAINS + 1];
  likelihood_columns columns;
  int ok[ARIMA_MAX_CHAINS + 1];
  ok[0] = 0, sums[0].nu = 0;
  arima_fast_likelihoods(w, chains - first, w->chain_phi + (size_t)first * phi_stride, phi_stride,
                         w->chain_theta + (size_t)first * theta_stride, theta_stride, sums + first, ok + first,
                         first ? NULL : &columns);
  double nu = (double)sums[0].nu, log_term = sums[0].nu > 0 ? sums[0].sumlog / nu : 0;
  for (int i = 0; i < s->n_coef; i++) {
    double h = w->gradient_step * w->parscale[i], value[2];
    for (int side = 0; side < 2; side++) {
      int c = 1 + 2 * i + side, b = i - s->n_arma;
      double sign = side ? -1 : 1;
      if (i < s->n_arma && ok[c]) {
        value[side] = likelihood_objective(sums[c]);
      } else if (i >= s->n_arma && ok[0] && sums[0].nu > 0) {
        double ssq = sums[0].ssq + sign * 2 * h * columns.vV[b] + h * h * columns.VV[b];
        value[side] = 0.5 * (log(ssq / nu) + log_term);
      } else {
        moved[i] = par[i] + sign * h;
        value[side] = arima_objective(w, moved);
        moved[i] = par[i];
      }
    }
    gradient[i] = (value[0] - value[1]) / (2 * h);
    if (!isfinite(gradient[i])) return 0;
  }
  return 1;
}

/* R's armaCSS at par, stopping (HUGE_VAL) once the sum of squares passes stop_ssq. */
static double css_objective(arima_work *w, const double *par, double stop_ssq) {
  arima_expand_polynomials(&w->spec, par, 0, w->tpar, w->phi, w->theta);
  differenced_errors(w, par);
  return 0.5 * log(conditional_ssq(w, par, NULL, stop_ssq));
}

/* The objective R's optim sees: armaCSS or armafn, at the parameters par. */
static double arima_objective(arima_work *w, const double *par) {
  const arima_spec *s = &w->spec;
  if (w->use_css) return css_objective(w, par, HUGE_VAL);
  arima_expand_polynomials(s, par, w->transform, w->tpar, w->phi, w->theta);
  if (w->complete) differenced_errors(w, par);
  likelihood_sums sums;
  int fast = 0; /* the fast likelihood, or the filter when it cannot be used or breaks down */
  if (w->complete) sums = arima_fast_likelihood(w, &fast);
  if (!fast) {
    remove_regression(w, par);
    if (!arima_initial_covariance(s, w->phi, w->theta, w->P, w->lyap)) return HUGE_VAL;
    sums = arima_kalman_filter(w, NULL);
  }
  return likelihood_objective(sums);
}

/* The objective in the shape the shared optimisers take. */
static double objective_for_optimiser(const double *par, size_t n, void *context) {
  (void)n;
  return arima_objective(context, par);
}

/* The CSS objective, or HUGE_VAL once it is known to exceed bound: the sum
 * of squares only grows along the series, and the count it is divided by
 * only shrinks (a NaN residual is not counted), so once the partial sum
 * exceeds nu exp(2 bound) (with a margin against the rounding of exp and
 * log) the objective is above bound. The exact objective otherwise. */
static double css_bounded_for_optimiser(const double *par, size_t n, void *context, double bound) {
  (void)n;
  arima_work *w = context;
  return css_objective(w, par, (double)(w->n - (size_t)w->n_cond) * exp(2 * bound) * (1 + ARIMA_BOUND_MARGIN));
}

/* Minimise the objective over par[n_coef] (replaced by the result) with the
 * shared BFGS (optim.h), optim's defaults and w's parameter scales; for a
 * complete series with optim's numerical gradient computed in fewer passes
 * (css_gradient_for_optimiser, likelihood_gradient_for_optimiser). */
static int bfgs(arima_work *w, double *par, double *value) {
  cc_bfgs_options options;
  cc_bfgs_options_default(&options);
  if (w->use_css && css_sparse(w)) options.gradient = css_gradient_for_optimiser, options.bounded = css_bounded_for_optimiser;
  if (!w->use_css && w->complete) options.gradient = likelihood_gradient_for_optimiser;
  w->gradient_step = options.gradient_step;
  return cc_bfgs(objective_for_optimiser, w, par, (size_t)w->spec.n_coef, w->parscale, &options, value);
}

/* ---------- fitting ---------- */

static void work_free(arima_work *w) {
  if (!w) return;
  free(w->x), free(w->phi), free(w->theta), free(w->delta), free(w->coef), free(w->tpar);
  free(w->a), free(w->anew), free(w->M), free(w->P), free(w->Pnew), free(w->mm), free(w->lyap);
  free(w->w), free(w->resid), free(w->parscale), free(w->fast), free(w->fast_columns);
  free(w->reg), free(w->reg_natural), free(w->rotation), free(w->dy), free(w->dreg);
  free(w->deriv), free(w->dterm_index), free(w->dterm_value), free(w->dterm_count);
  free(w->chain_phi), free(w->chain_theta), free(w->chain_resid), free(w->linear_terms);
  free(w);
}

static arima_work *work_alloc(const arima_spec *s, const double *y, size_t n) {
  arima_work *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->spec = *s;
  w->y = y, w->n = n;
  size_t rd = (size_t)s->rd, r = (size_t)s->r, nc = (size_t)s->n_coef + 1;
  size_t chains = 2 * (size_t)s->n_arma + 1; /* likelihoods or CSS run side by side: each ARMA coefficient moved */
  w->x = malloc(n * sizeof *w->x);
  w->phi = calloc((size_t)s->n_phi + 1, sizeof *w->phi);
  w->theta = calloc(r, sizeof *w->theta);
  w->delta = calloc((size_t)s->n_delta + 1, sizeof *w->delta);
  w->coef = calloc(nc, sizeof *w->coef);
  w->tpar = calloc(nc, sizeof *w->tpar);
  w->a = calloc(rd, sizeof *w->a), w->anew = calloc(rd, sizeof *w->anew), w->M = calloc(rd, sizeof *w->M);
  w->P = calloc(rd * rd, sizeof *w->P), w->Pnew = calloc(rd * rd, sizeof *w->Pnew);
  w->mm = calloc(rd * rd, sizeof *w->mm);
  w->lyap = calloc(4 * r * r + 8 * (r + 1), sizeof *w->lyap);
  w->w = calloc(n, sizeof *w->w), w->resid = calloc(n, sizeof *w->resid);
  w->parscale = calloc(nc, sizeof *w->parscale);
  size_t reg_values = n * (size_t)s->n_reg > 0 ? n * (size_t)s->n_reg : 1;
  w->reg = calloc(reg_values, sizeof *w->reg), w->reg_natural = calloc(reg_values, sizeof *w->reg_natural);
  w->dy = malloc(n * sizeof *w->dy), w->dreg = calloc(reg_values, sizeof *w->dreg);
  size_t n_arma = s->n_arma > 0 ? (size_t)s->n_arma : 1;
  w->deriv = malloc(n * nc * sizeof *w->deriv);
  w->dterm_index = malloc(n_arma * ARIMA_DTERMS * sizeof *w->dterm_index);
  w->dterm_value = malloc(n_arma * ARIMA_DTERMS * sizeof *w->dterm_value);
  w->dterm_count = malloc(n_arma * sizeof *w->dterm_count);
  w->chain_phi = calloc(chains * ((size_t)s->n_phi + 1), sizeof *w->chain_phi);
  w->chain_theta = calloc(chains * r, sizeof *w->chain_theta);
  w->chain_resid = malloc(chains * n * sizeof *w->chain_resid);
  w->linear_terms = malloc(nc * sizeof *w->linear_terms);
  w->fast = calloc(chains * 5 * (r + 1), sizeof *w->fast);
  w->fast_columns = calloc((size_t)(s->n_reg + 1) * (r + 1), sizeof *w->fast_columns);
  w->complete = 1;
  for (size_t t = 0; t < n; t++) w->complete &= !isnan(y[t]);
  if (!w->reg || !w->reg_natural || !w->fast_columns || !w->dy || !w->dreg || !w->deriv || !w->dterm_index || !w->dterm_value ||
      !w->dterm_count || !w->chain_phi || !w->chain_theta || !w->chain_resid || !w->linear_terms || !w->fast || !w->x || !w->phi || !w->theta || !w->delta || !w->coef || !w->tpar ||
      !w->a || !w->anew || !w->M || !w->P ||
      !w->Pnew || !w->mm || !w->lyap || !w->w || !w->resid || !w->parscale) {
    work_free(w);
    return NULL;
  }
  arima_expand_delta(s, w->delta);
  return w;
}

/* R's var.coef: the Hessian of the objective at the (transformed) optimum
 * by optimHess (cc_optim_hessian), inverted after multiplying by n_used, and
 * carried to the natural parameters through the Jacobian A of the AR
 * transformation (R's ARIMA_Gradtrans: forward differences of step 1e-3),
 * var = A' (n_used H)^-1 A. Writes cov (n_coef x n_coef) in the estimation
 * coordinates; 0 when the Hessian is not finite or not invertible. */
static int coefficient_covariance(arima_work *w, double *cov) {
  const arima_spec *s = &w->spec;
  size_t k = (size_t)s->n_coef;
  if (k == 0) return 1;
  cc_bfgs_options options;
  cc_bfgs_options_default(&options);
  double *hessian = malloc(k * k * sizeof *hessian), *jacobian = calloc(k * k, sizeof *jacobian);
  gsl_matrix *lu = gsl_matrix_alloc(k, k), *inverse = gsl_matrix_alloc(k, k);
  gsl_permutation *perm = gsl_permutation_alloc(k);
  int ok = hessian && jacobian && lu && inverse && perm &&
           cc_optim_hessian(objective_for_optimiser, w, w->coef, k, w->parscale, options.gradient_step, hessian);
  int sign;
  if (ok) {
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < k; j++) gsl_matrix_set(lu, i, j, hessian[i + k * j] * (double)w->n_used);
    ok = gsl_linalg_LU_decomp(lu, perm, &sign) == 0 && fabs(gsl_linalg_LU_det(lu, sign)) > 0 &&
         gsl_linalg_LU_invert(lu, perm, inverse) == 0;
  }
  if (ok) {
    for (size_t i = 0; i < k; i++) jacobian[i + k * i] = 1;
    int blocks[2][2] = {{0, s->p}, {s->p + s->q, s->sp}}; /* start and size of each AR block */
    for (int b = 0; b < 2; b++) {
      int first = blocks[b][0], size = blocks[b][1];
      if (size == 0) continue;
      double raw[ARIMA_MAX_ORDER], base[ARIMA_MAX_ORDER], moved[ARIMA_MAX_ORDER];
      memcpy(raw, w->coef + first, (size_t)size * sizeof *raw);
      arima_partrans(size, raw, base);
      for (int i = 0; i < size; i++) {
        raw[i] += ARIMA_GRADTRANS_STEP;
        arima_partrans(size, raw, moved);
        for (int j = 0; j < size; j++)
          jacobian[(size_t)(first + i) + k * (size_t)(first + j)] = (moved[j] - base[j]) / ARIMA_GRADTRANS_STEP;
        raw[i] -= ARIMA_GRADTRANS_STEP;
      }
    }
    for (size_t a = 0; a < k; a++)
      for (size_t b = 0; b < k; b++) {
        double sum = 0;
        for (size_t i = 0; i < k; i++)
          for (size_t j = 0; j < k; j++) sum += jacobian[i + k * a] * gsl_matrix_get(inverse, i, j) * jacobian[j + k * b];
        cov[a + k * b] = sum;
      }
  }
  free(hessian), free(jacobian);
  gsl_matrix_free(lu), gsl_matrix_free(inverse), gsl_permutation_free(perm);
  return ok;
}

/* The start of an estimation (after arima_regression_build): coefficients
 * at zero with unit scales, then with regressors the rotation of their
 * columns and their least-squares start; the series and the columns
 * differenced. */
static cc_status estimation_start(arima_work *w, cc_error *err) {
  const arima_spec *s = &w->spec;
  for (int i = 0; i < s->n_coef; i++) w->coef[i] = 0, w->parscale[i] = 1;
  if (s->n_reg > 0) {
    cc_status status = arima_regression_rotate(w, err);
    if (!status) status = arima_regression_start(w, err);
    if (status) return status;
  }
  difference_inputs(w);
  return CC_OK;
}

/* The whole estimation into w->coef (natural parameters, natural regression
 * columns); *objective is the concentrated objective there and cov
 * (n_coef x n_coef) R's var.coef, NaN when the Hessian is not invertible or
 * with_covariance is 0 (its Hessian costs 4 n_coef^2 evaluations of the
 * objective, more than the rest of the fit for small models). */
static cc_status estimate(arima_work *w, double *objective, double *cov, int with_covariance, cc_error *err) {
  const arima_spec *s = &w->spec;
  int any_missing = 0;
  for (size_t t = 0; t < w->n; t++) any_missing |= isnan(w->y[t]);
  for (size_t t = 0; t < w->n * (size_t)s->n_reg; t++) any_missing |= isnan(w->reg[t]);
  cc_status status = estimation_start(w, err);
  if (status) return status;
  double value;
  if (!any_missing) { /* CSS start, kept only when its BFGS converged (R) */
    w->use_css = 1;
    w->n_cond = s->n_delta + s->n_phi;
    double css[ARIMA_MAX_COEF];
    memcpy(css, w->coef, (size_t)s->n_coef * sizeof *css);
    int result = bfgs(w, css, &value);
    if (result == 1) memcpy(w->coef, css, (size_t)s->n_coef * sizeof *css);
    if (result < 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the conditional sum of squares is not finite");
    if (!arima_ar_stationary(s->p, w->coef) || !arima_ar_stationary(s->sp, w->coef + s->p + s->q))
      return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                          "non-stationary AR part from CSS (as R's arima: try other orders or more differencing)");
  }
  w->use_css = 0;
  w->transform = 1;
  w->n_cond = 0;
  arima_transform_ar_blocks(s, w->coef, w->tpar, 1);
  memcpy(w->coef, w->tpar, (size_t)s->n_coef * sizeof *w->coef);
  arima_ma_invert(s->q, w->coef + s->p);
  arima_ma_invert(s->sq, w->coef + s->p + s->q + s->sp);
  int result = bfgs(w, w->coef, &value);
  if (result < 0)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the likelihood is not finite near the starting values");
  arima_ma_invert(s->q, w->coef + s->p);
  arima_ma_invert(s->sq, w->coef + s->p + s->q + s->sp);
  *objective = arima_objective(w, w->coef);
  if (!with_covariance || !coefficient_covariance(w, cov))
    for (int i = 0; i < s->n_coef * s->n_coef; i++) cov[i] = NAN;
  arima_transform_ar_blocks(s, w->coef, w->tpar, 0);
  memcpy(w->coef, w->tpar, (size_t)s->n_coef * sizeof *w->coef);
  w->transform = 0;
  arima_regression_unrotate(w, cov);
  return CC_OK;
}

/* R's coefficient names: ar1.., ma1.., sar1.., sma1.., intercept or drift,
 * then each regressor's name when it fits a parameter name, else xreg1... */
static void name_params(const arima_spec *s, cc_model *m, const double *coef, const char *const *xreg_names) {
  const char *prefix[4] = {"ar", "ma", "sar", "sma"};
  int counts[4] = {s->p, s->q, s->sp, s->sq}, k = 0;
  char name[CC_PARAM_NAME_MAX];
  for (int block = 0; block < 4; block++)
    for (int i = 0; i < counts[block]; i++, k++) {
      snprintf(name, sizeof name, "%s%d", prefix[block], i + 1);
      cc_model_set_param(m, (size_t)k, name, coef[k]);
    }
  if (s->constant != CONSTANT_NONE) {
    cc_model_set_param(m, (size_t)k, s->constant == CONSTANT_DRIFT ? "drift" : "intercept", coef[k]);
    k++;
  }
  for (int j = 0; j < s->n_xreg; j++, k++) {
    if (strlen(xreg_names[j]) < CC_PARAM_NAME_MAX) snprintf(name, sizeof name, "%s", xreg_names[j]);
    else snprintf(name, sizeof name, "xreg%d", j + 1);
    cc_model_set_param(m, (size_t)k, name, coef[k]);
  }
}

/* "ARIMA(1,1,1)(0,1,1)[12]+d", "ARIMA(2,0,0) mean", with "+xreg" for regressors, cut to fit m->spec. */
static void label_model(const arima_spec *s, cc_model *m) {
  char label[96];
  if (s->sp + s->sd + s->sq > 0)
    snprintf(label, sizeof label, "ARIMA(%d,%d,%d)(%d,%d,%d)[%d]%s%s", s->p, s->d, s->q, s->sp, s->sd, s->sq, s->period,
             s->constant == CONSTANT_DRIFT ? "+d" : "", s->n_xreg ? "+xreg" : "");
  else
    snprintf(label, sizeof label, "ARIMA(%d,%d,%d)%s%s", s->p, s->d, s->q,
             s->constant == CONSTANT_DRIFT ? " drift" : s->constant == CONSTANT_MEAN ? " mean" : "",
             s->n_xreg ? "+xreg" : "");
  size_t label_len = strlen(label) < sizeof m->spec - 1 ? strlen(label) : sizeof m->spec - 1;
  memcpy(m->spec, label, label_len);
  m->spec[label_len] = '\0';
}

/* Ready the final filter at the natural coefficients coef: w->phi, w->theta
 * and the stationary start w->P; CC_EINPUT when the AR part is not stationary
 * (a search's candidate is then refused). */
static cc_status final_filter_start(arima_work *w, const double *coef, cc_error *err) {
  const arima_spec *s = &w->spec;
  arima_expand_polynomials(s, coef, 0, w->tpar, w->phi, w->theta);
  if (!arima_initial_covariance(s, w->phi, w->theta, w->P, w->lyap))
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the fitted AR part is not stationary");
  return CC_OK;
}

/* The final filter at the natural coefficients coef (after final_filter_start):
 * into m the residuals, fitted values, the state a_n and P_n and sigma2 (the
 * sum of squared residuals over n_used - n_coef, m->nobs being n_used). */
static void filter_into_model(arima_work *w, const double *coef, cc_model *m) {
  const arima_spec *s = &w->spec;
  remove_regression(w, coef); /* w->x: the series less its regression at coef, which the filter runs on */
  (void)arima_kalman_filter(w, m->residuals);
  double squares = 0;
  for (size_t t = 0; t < w->n; t++) {
    m->fitted[t] = w->y[t] - m->residuals[t];
    if (!isnan(m->residuals[t])) squares += m->residuals[t] * m->residuals[t];
  }
  memcpy(m->states, w->a, (size_t)s->rd * sizeof *m->states);
  memcpy(m->states + s->rd, w->P, (size_t)(s->rd * s->rd) * sizeof *m->states);
  m->sigma2 = squares / ((double)m->nobs - (double)s->n_coef);
}

/* The model takes cov (k x k, R's var.coef) and its standard errors. */
static void set_covariance(cc_model *m, double *cov, int k) {
  for (int i = 0; i < k; i++) {
    double variance = cov[i + k * i];
    m->std_errors[i] = variance >= 0 ? sqrt(variance) : NAN;
  }
  free(m->covariance);
  m->covariance = cov;
}

cc_status arima_fit_complete(const double *y, size_t n, const double *xreg, cc_model *m, cc_error *err) {
  arima_spec spec;
  spec_from_settings(m, &spec);
  const arima_spec *s = &spec;
  arima_work *w = work_alloc(s, y, n);
  double *cov = malloc((size_t)(s->n_coef * s->n_coef + 1) * sizeof *cov);
  if (!w || !cov) {
    work_free(w);
    free(cov);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  arima_regression_build(w, xreg);
  cc_status status = estimation_start(w, err); /* the scales, and the rotation of the columns, as the fit had them */
  if (!status) {
    arima_transform_ar_blocks(s, m->params, w->coef, 1); /* the estimation coordinates: AR blocks as raw values */
    if (w->rotation) { /* rotated coefficients V' beta */
      size_t k = (size_t)s->n_reg, first = (size_t)s->n_arma;
      for (size_t j = 0; j < k; j++) {
        double sum = 0;
        for (size_t l = 0; l < k; l++) sum += w->rotation[l + k * j] * m->params[first + l];
        w->coef[first + j] = sum;
      }
    }
    w->use_css = 0, w->transform = 1, w->n_cond = 0;
    w->n_used = m->nobs;
    if (!coefficient_covariance(w, cov))
      for (int i = 0; i < s->n_coef * s->n_coef; i++) cov[i] = NAN;
    arima_regression_unrotate(w, cov);
    set_covariance(m, cov, s->n_coef);
    cov = NULL;
    /* the final filter at the model's coefficients, as its fit would have run it */
    status = final_filter_start(w, m->params, err);
    if (!status) filter_into_model(w, m->params, m);
  }
  work_free(w);
  free(cov);
  return status;
}

cc_status arima_fit_spec(const arima_spec *spec, const double *y, size_t n, cc_model **out, cc_error *err) {
  arima_spec s = *spec;
  s.n_xreg = 0;
  arima_spec_complete(&s);
  return arima_fit_spec_xreg(&s, y, n, NULL, NULL, 1, out, err);
}

cc_status arima_fit_spec_xreg(const arima_spec *spec, const double *y, size_t n, const double *xreg,
                              const char *const *names, int complete_model, cc_model **out, cc_error *err) {
  *out = NULL;
  arima_spec s = *spec;
  cc_status status;
  if (s.n_xreg > ARIMA_MAX_XREG)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "xreg", "%d regressors; at most %d are supported", s.n_xreg,
                        ARIMA_MAX_XREG);
  size_t nobs = 0;
  for (size_t t = 0; t < n; t++) {
    if (isinf(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is infinite", t + 1);
    int observed = !isnan(y[t]);
    for (int j = 0; j < s.n_xreg; j++) {
      double value = xreg[t + n * (size_t)j];
      if (isinf(value))
        return cc_error_set(err, CC_EINPUT, NULL, 0, "xreg", "value %zu of regressor '%s' is infinite", t + 1, names[j]);
      observed &= !isnan(value);
    }
    nobs += (size_t)observed;
  }
  size_t n_cond = (size_t)(s.n_delta + s.n_phi);
  if (nobs <= (size_t)s.n_delta + (size_t)s.n_coef + 2 || n <= n_cond + 1)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                        "ARIMA(%d,%d,%d)(%d,%d,%d)[%d] needs more data: %zu non-missing values for %d coefficients "
                        "and %d differences",
                        s.p, s.d, s.q, s.sp, s.sd, s.sq, s.period, nobs, s.n_coef, s.n_delta);

  arima_work *w = work_alloc(&s, y, n);
  cc_model *m = w ? cc_model_alloc(&cc_model_arima, n, (size_t)s.n_coef, (size_t)(s.rd + s.rd * s.rd)) : NULL;
  double *cov = malloc((size_t)(s.n_coef * s.n_coef + 1) * sizeof *cov);
  if (!m || !cov) {
    work_free(w);
    cc_model_free(m);
    free(cov);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  w->n_used = nobs - (size_t)s.n_delta;
  arima_regression_build(w, xreg);
  double objective = NAN;
  status = estimate(w, &objective, cov, complete_model, err);
  if (!status) status = final_filter_start(w, w->coef, err); /* a_n, P_n and the residuals, when complete_model */
  if (!status && s.n_xreg > 0) status = cc_model_set_xreg(m, (size_t)s.n_xreg, names, err);
  if (status) {
    work_free(w);
    cc_model_free(m);
    free(cov);
    return status;
  }
  double used = (double)w->n_used;
  m->nobs = w->n_used;
  if (complete_model) {
    filter_into_model(w, w->coef, m);
  } else {
    for (size_t t = 0; t < n; t++) m->residuals[t] = m->fitted[t] = NAN;
    m->sigma2 = NAN;
  }
  name_params(&s, m, w->coef, names);
  set_covariance(m, cov, s.n_coef);
  cov = NULL;
  m->settings[SETTING_ORDER] = s.p * 10000 + s.d * 100 + s.q;
  m->settings[SETTING_SEASONAL] = s.sp * 10000 + s.sd * 100 + s.sq;
  m->settings[SETTING_CONSTANT] = s.constant;
  m->period = s.period;
  m->loglik = -0.5 * (2 * used * objective + used + used * LOG_2PI);
  m->n_estimated = s.n_coef + 1;
  cc_model_set_criteria(m);
  label_model(&s, m);
  work_free(w);
  free(cov);
  *out = m;
  return CC_OK;
}

/* 1 when the covariance of the estimates, the inverse of the Hessian h[k x
 * k] (times the positive n_used, which changes neither), exists and has no
 * negative variance: R's solve(res$hessian * n.used), which fails on an
 * exactly singular matrix (LAPACK dgesv: a zero pivot), and forecast's
 * checkarima (a NaN standard error). h is overwritten. */
static int covariance_admissible(double *h, int k) {
  int pivots[4 * ARIMA_MAX_ORDER + 1];
  for (int col = 0; col < k; col++) { /* LU with partial pivoting, as dgesv */
    int pivot = col;
    for (int row = col + 1; row < k; row++)
      if (fabs(h[row * k + col]) > fabs(h[pivot * k + col])) pivot = row;
    pivots[col] = pivot;
    if (h[pivot * k + col] == 0 || isnan(h[pivot * k + col])) return 0;
    for (int j = 0; j < k; j++) {
      double t = h[col * k + j];
      h[col * k + j] = h[pivot * k + j], h[pivot * k + j] = t;
    }
    for (int row = col + 1; row < k; row++) {
      double factor = h[row * k + col] /= h[col * k + col];
      for (int j = col + 1; j < k; j++) h[row * k + j] -= factor * h[col * k + j];
    }
  }
  for (int i = 0; i < k; i++) { /* diagonal of the inverse: solve for the unit vectors */
    double x[4 * ARIMA_MAX_ORDER + 1];
    for (int j = 0; j < k; j++) x[j] = j == i ? 1.0 : 0.0;
    for (int col = 0; col < k; col++) { /* the row swaps, then L */
      double t = x[col];
      x[col] = x[pivots[col]], x[pivots[col]] = t;
    }
    for (int row = 0; row < k; row++)
      for (int j = 0; j < row; j++) x[row] -= h[row * k + j] * x[j];
    for (int row = k - 1; row >= 0; row--) {
      for (int j = row + 1; j < k; j++) x[row] -= h[row * k + j] * x[j];
      x[row] /= h[row * k + row];
    }
    if (!(x[i] >= 0)) return 0;
  }
  return 1;
}

cc_status arima_fit_css(const arima_spec *spec, const double *y, size_t n, const double *xreg, double *coef,
                        double *sigma2, cc_error *err) {
  size_t nobs = 0;
  for (size_t t = 0; t < n; t++) nobs += !isnan(y[t]);
  if (nobs <= (size_t)spec->n_delta + (size_t)spec->n_coef + 2 || n <= (size_t)(spec->n_delta + spec->n_phi) + 1)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "too few values for the conditional sum of squares");
  arima_work *w = work_alloc(spec, y, n);
  if (!w) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  arima_regression_build(w, xreg);
  cc_status status = estimation_start(w, err);
  if (!status) {
    w->use_css = 1;
    w->n_cond = spec->n_delta + spec->n_phi;
    double value;
    /* as stats::arima(method = "CSS"): the result is kept whether or not BFGS converged */
    double objective = bfgs(w, w->coef, &value) < 0 ? NAN : arima_objective(w, w->coef);
    double hessian[(4 * ARIMA_MAX_ORDER + 1) * (4 * ARIMA_MAX_ORDER + 1)];
    cc_bfgs_options options;
    cc_bfgs_options_default(&options);
    if (!isfinite(objective))
      status = cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the conditional sum of squares is not finite");
    else if (!cc_optim_hessian(objective_for_optimiser, w, w->coef, (size_t)spec->n_coef, w->parscale,
                               options.gradient_step, hessian) ||
             !covariance_admissible(hessian, spec->n_coef))
      status = cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                            "the estimates have no covariance (singular Hessian or a negative variance)");
    else {
      *sigma2 = exp(2 * objective);
      arima_regression_unrotate(w, NULL);
      memcpy(coef, w->coef, (size_t)spec->n_coef * sizeof *coef);
    }
  }
  work_free(w);
  return status;
}

static cc_status arima_fit(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                           cc_model **out, cc_error *err) {
  *out = NULL;
  cc_fit_options defaults;
  cc_fit_options_default(&defaults);
  const cc_fit_options *o = options ? options : &defaults;
  int period = o->period;
  if (period < 1) return cc_error_set(err, CC_EUSAGE, NULL, 0, "period", "must be at least 1, not %d", period);
  if (o->n_xreg > 0 && (!o->xreg || !o->xreg_names))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "xreg", "%zu regressors without their values or names", o->n_xreg);
  if (o->n_xreg > ARIMA_MAX_XREG)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "xreg", "%zu regressors; at most %d are supported", o->n_xreg,
                        ARIMA_MAX_XREG);
  if (!variant || !*variant || strcmp(variant, "auto") == 0) {
    return arima_auto_fit_xreg(y, n, period, o->n_xreg, o->xreg, o->xreg_names, out, err);
  }
  arima_spec s;
  cc_status status = parse_variant(variant, period, &s, err);
  if (status) return status;
  s.n_xreg = (int)o->n_xreg;
  arima_spec_complete(&s);
  return arima_fit_spec_xreg(&s, y, n, o->xreg, o->xreg_names, 1, out, err);
}

/* ---------- forecasting and simulation ---------- */

/* The constant part of the forecast h steps (1-based) after the series. */
static double constant_ahead(const cc_model *m, const arima_spec *s, size_t h) {
  if (s->constant == CONSTANT_NONE) return 0;
  double beta = m->params[s->n_arma];
  return s->constant == CONSTANT_DRIFT ? beta * (double)(m->n + h) : beta;
}

/* Scratch for running the state equation of a fitted model. */
typedef struct arima_system {
  arima_spec spec;
  double *phi, *theta, *delta, *a, *anew, *P, *Pnew, *mm, *tpar;
} arima_system;

static void system_free(arima_system *sys) {
  free(sys->phi), free(sys->theta), free(sys->delta), free(sys->a), free(sys->anew);
  free(sys->P), free(sys->Pnew), free(sys->mm), free(sys->tpar);
}

static cc_status system_init(const cc_model *m, arima_system *sys, cc_error *err) {
  memset(sys, 0, sizeof *sys);
  spec_from_settings(m, &sys->spec);
  const arima_spec *s = &sys->spec;
  size_t rd = (size_t)s->rd;
  if (m->n_states != rd + rd * rd || m->n_params != (size_t)s->n_coef)
    return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "arima model's states do not match its orders");
  sys->phi = calloc((size_t)s->n_phi + 1, sizeof *sys->phi);
  sys->theta = calloc((size_t)s->r, sizeof *sys->theta);
  sys->delta = calloc((size_t)s->n_delta + 1, sizeof *sys->delta);
  sys->a = malloc(rd * sizeof *sys->a), sys->anew = malloc(rd * sizeof *sys->anew);
  sys->P = malloc(rd * rd * sizeof *sys->P), sys->Pnew = malloc(rd * rd * sizeof *sys->Pnew);
  sys->mm = malloc(rd * rd * sizeof *sys->mm);
  sys->tpar = calloc((size_t)s->n_coef + 1, sizeof *sys->tpar);
  if (!sys->phi || !sys->theta || !sys->delta || !sys->a || !sys->anew || !sys->P || !sys->Pnew || !sys->mm ||
      !sys->tpar) {
    system_free(sys);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  arima_expand_polynomials(s, m->params, 0, sys->tpar, sys->phi, sys->theta);
  arima_expand_delta(s, sys->delta);
  memcpy(sys->a, m->states, rd * sizeof *sys->a);
  memcpy(sys->P, m->states + rd, rd * rd * sizeof *sys->P);
  return CC_OK;
}

/* Z'a: the observation from the state. */
static double observe(const arima_spec *s, const double *delta, const double *a) {
  double value = a[0];
  for (int i = 0; i < s->n_delta; i++) value += delta[i] * a[s->r + i];
  return value;
}

static cc_status arima_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic,
                                cc_error *err) {
  arima_system sys;
  cc_status status = system_init(m, &sys, err);
  if (status) return status;
  const arima_spec *s = &sys.spec;
  int rd = s->rd, r = s->r;
  *analytic = 1;
  for (size_t i = 0; i < h; i++) {
    arima_state_predict(s, sys.phi, sys.delta, sys.a, sys.anew);
    memcpy(sys.a, sys.anew, (size_t)rd * sizeof *sys.a);
    arima_covariance_predict(s, sys.phi, sys.theta, sys.delta, sys.P, sys.mm, sys.Pnew);
    memcpy(sys.P, sys.Pnew, (size_t)(rd * rd) * sizeof *sys.P);
    mean[i] = observe(s, sys.delta, sys.a) + constant_ahead(m, s, i + 1);
    double zpz = 0; /* Z' P Z with Z = (1, 0.., delta) */
    for (int j = 0; j < rd; j++) {
      double zj = j == 0 ? 1 : j >= r ? sys.delta[j - r] : 0;
      if (zj == 0) continue;
      for (int k = 0; k < rd; k++) {
        double zk = k == 0 ? 1 : k >= r ? sys.delta[k - r] : 0;
        zpz += zj * sys.P[j + rd * k] * zk;
      }
    }
    variance[i] = zpz * m->sigma2;
  }
  system_free(&sys);
  return CC_OK;
}

static cc_status arima_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  arima_system sys;
  cc_status status = system_init(m, &sys, err);
  if (status) return status;
  const arima_spec *s = &sys.spec;
  size_t rd = (size_t)s->rd;
  /* Draw the state from N(a_n, sigma2 P_n) through P_n's eigen-decomposition
   * (P_n is only semi-definite: clip rounding-negative eigenvalues). */
  gsl_matrix *cov = gsl_matrix_alloc(rd, rd), *vectors = gsl_matrix_alloc(rd, rd);
  gsl_vector *values = gsl_vector_alloc(rd);
  gsl_eigen_symmv_workspace *ew = gsl_eigen_symmv_alloc(rd);
  if (!cov || !vectors || !values || !ew) {
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  } else {
    for (size_t i = 0; i < rd; i++)
      for (size_t j = 0; j < rd; j++) gsl_matrix_set(cov, i, j, 0.5 * (sys.P[i + rd * j] + sys.P[j + rd * i]));
    gsl_eigen_symmv(cov, values, vectors, ew);
    double sigma = sqrt(m->sigma2);
    for (size_t k = 0; k < rd; k++) {
      double lambda = gsl_vector_get(values, k);
      if (lambda <= 0) continue;
      double draw = gsl_ran_gaussian(rng, sigma * sqrt(lambda));
      for (size_t i = 0; i < rd; i++) sys.a[i] += draw * gsl_matrix_get(vectors, i, k);
    }
    for (size_t i = 0; i < h; i++) {
      arima_state_predict(s, sys.phi, sys.delta, sys.a, sys.anew);
      double e = gsl_ran_gaussian(rng, sigma); /* R e: 1, theta.., 0.. */
      sys.anew[0] += e;
      for (int j = 1; j < s->r; j++) sys.anew[j] += sys.theta[j - 1] * e;
      memcpy(sys.a, sys.anew, rd * sizeof *sys.a);
      path[i] = observe(s, sys.delta, sys.a) + constant_ahead(m, s, i + 1);
    }
  }
  gsl_eigen_symmv_free(ew);
  gsl_vector_free(values);
  gsl_matrix_free(vectors);
  gsl_matrix_free(cov);
  system_free(&sys);
  return status;
}

const cc_model_type cc_model_arima = {"arima", "seasonal ARIMA, fixed orders as forecast::Arima (CSS-ML) or automatic orders as auto.arima",
                                      arima_fit, arima_forecast, arima_simulate};
