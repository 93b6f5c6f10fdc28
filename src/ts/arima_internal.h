/* arima_internal.h: what arima.c (orders, estimation, forecasting) and
 * arima_statespace.c (the polynomials, the parameter transformation, the
 * state-space form and the Kalman filter) share. Not a public header. */
#ifndef CARECAST_ARIMA_INTERNAL_H
#define CARECAST_ARIMA_INTERNAL_H

#include <stddef.h>

#include "carecast/model.h"

#define ARIMA_MAX_ORDER 20          /* p, q, P, Q each at most this */
#define ARIMA_MAX_DIFF 3            /* d, D each at most this */
#define ARIMA_MAX_XREG 32           /* external regressors at most this */
#define ARIMA_MAX_COEF (4 * ARIMA_MAX_ORDER + 1 + ARIMA_MAX_XREG) /* coefficients at most this */
#define ARIMA_MAX_STATE 256         /* r + d + mD at most this: the filter costs O(n (r + d + mD)^2) */
#define ARIMA_DTERMS (ARIMA_MAX_ORDER + 1) /* terms of one AR parameter's derivative of the expanded polynomial */
#define ARIMA_MAX_CHAINS (8 * ARIMA_MAX_ORDER) /* recursions run side by side: each ARMA coefficient moved up and down */
#define ARIMA_KAPPA 1e6             /* prior variance of the differencing states (R's kappa) */
#define ARIMA_DIFFUSE_GAIN 1e4      /* steps with F_t at least this are left out of the likelihood (R) */
#define ARIMA_RANK_TOLERANCE 1e-7    /* relative singular value below which the regression is rank deficient (lm's tol) */
#define ARIMA_GRADTRANS_STEP 1e-3    /* forward-difference step of the AR transformation's Jacobian (R's Gradtrans) */
#define ARIMA_COVARIANCE_CHECK 1e-8 /* stationary covariance: first row and column agree to this share of the variance */
#define ARIMA_STEADY_TOLERANCE 1e-16 /* fast likelihood: steady state once |M| W'W is below this share of F */
#define ARIMA_BOUND_MARGIN 1e-9     /* early stop of an objective: exceeds its bound by more than this share */
#define CSS_REGISTER_MA 5           /* CSS: MA orders up to this keep their past residuals in registers */
#define ARIMA_PRODUCT_FLUSH 1e250   /* fast likelihood: log of the product of F values once above this */
#define LOG_2PI 1.83787706640934548356 /* log(2 pi) */

/* The recursions over a series step short loops (r, p + q terms, a few
 * chains) whose vectorised form costs more in set-up and alias checks than
 * it saves: GCC compiles the functions marked with this without the loop
 * vectoriser (on M3 other, -6% CPU for arima_fast_likelihoods, -1.5% for conditional_ssq; on M3 monthly, with r up to 14, the vectorised fast likelihood is 4% faster: see ARIMA_SCALAR_STATE). */
#if defined(__GNUC__) && !defined(__clang__)
#define ARIMA_SCALAR_LOOPS __attribute__((optimize("no-tree-vectorize")))
#else
#define ARIMA_SCALAR_LOOPS
#endif

#define ARIMA_SCALAR_STATE 6 /* fast likelihood: r up to this (non-seasonal models) without the vectoriser */

enum { CONSTANT_NONE = 0, CONSTANT_MEAN = 1, CONSTANT_DRIFT = 2 };
enum { SETTING_ORDER = 0, SETTING_SEASONAL = 1, SETTING_CONSTANT = 2 };

/* One parameter the CSS residuals are linear in, as conditional_ssq steps
 * its derivative D: from the differenced series (AR: count terms value[c]
 * x_{t - lag[c]}) or from a differenced regression column; with its sums
 * e D and D^2. */
typedef struct linear_term {
  double *D;
  const double *column; /* NULL for an AR parameter */
  double value[ARIMA_DTERMS];
  size_t lag[ARIMA_DTERMS];
  int count;
  double eD, DD;
} linear_term;

/* The model's orders and the sizes that follow from them. */
typedef struct arima_spec {
  int p, d, q;         /* non-seasonal orders */
  int sp, sd, sq;      /* seasonal orders P, D, Q */
  int period;          /* m (1 when not seasonal) */
  int constant;        /* CONSTANT_* */
  int n_xreg;          /* external regressors (0 without) */
  int n_arma;          /* p + q + P + Q */
  int n_reg;           /* regression columns: (constant != none) + n_xreg */
  int n_coef;          /* n_arma + n_reg */
  int n_phi, n_theta;  /* degrees of the expanded AR and MA polynomials */
  int r;               /* Harvey's ARMA state size, max(n_phi, n_theta + 1) */
  int n_delta;         /* d + m D */
  int rd;              /* r + n_delta, the whole state */
} arima_spec;

/* Everything one fit needs, allocated once. */
typedef struct arima_work {
  arima_spec spec;
  const double *y;     /* the series, n values, NaN missing */
  size_t n;
  double *x;           /* y - C_t beta, C the regression columns */
  double *reg;         /* n x n_reg regression columns as estimated (rotated when `rotation` is set) */
  double *reg_natural; /* n x n_reg: constant (1 or t), then the regressors */
  double *rotation;    /* n_reg x n_reg, V of the SVD of the columns (R rotates two or more), or NULL */
  double *phi, *theta, *delta; /* expanded polynomials (theta padded to r - 1) */
  double *coef;        /* n_coef, natural parameters */
  double *tpar;        /* n_coef, scratch for transformations */
  double *a, *anew, *M;        /* rd each */
  double *P, *Pnew, *mm;       /* rd x rd each */
  double *lyap;                /* 4 r^2 + 8 (r + 1): scratch for the stationary covariance */
  double *w, *resid;           /* n each: differenced x (from d + mD on), residuals */
  double *dy, *dreg;           /* y (n) and reg (n x n_reg) differenced, once per fit */
  double *deriv;               /* n x n_coef: derivatives of the CSS residuals (its gradient) */
  int *dterm_index, *dterm_count; /* n_arma x ARIMA_DTERMS and n_arma: terms of the AR polynomial's derivatives */
  double *dterm_value;         /* n_arma x ARIMA_DTERMS */
  double gradient_step;        /* the optimiser's central-difference step (parscaled) */
  linear_term *linear_terms;   /* n_coef + 1: scratch of conditional_ssq */
  double *chain_phi, *chain_theta, *chain_resid; /* each ARMA coefficient moved up and down (2 n_arma + 1 chains): polynomials (n_phi + 1, r each), CSS residuals (n each) */
  double *parscale;            /* n_coef */
  int n_cond;                  /* CSS: residuals conditioned on */
  int use_css;                 /* objective: 1 CSS, 0 exact likelihood */
  int transform;               /* objective: AR parts through partrans */
  size_t n_used;               /* non-missing observations less n_delta */
  int complete;                /* 1: no value missing, so the fast likelihood applies */
  double *fast;                /* 5 (r + 1) per chain (2 n_arma + 1 chains): scratch of arima_fast_likelihoods */
  double *fast_columns;        /* n_reg (r + 1): its states of the regression columns */
} arima_work;

typedef struct likelihood_sums {
  double ssq;    /* sum of e_t^2 / F_t over the counted steps */
  double sumlog; /* sum of log F_t over the counted steps */
  size_t nu;     /* steps counted (F_t < 1e4) */
} likelihood_sums;

/* The kernel (arima_statespace.c, where each is described): the PACF
 * transformation of an AR block and its inverse; expanding the seasonal
 * polynomials and the differencing operator; stationarity and MA
 * invertibility; one prediction step of the state and its covariance; the
 * stationary initial covariance; and the Kalman filter's likelihood sums. */
void arima_partrans(int p, const double *raw, double *out);
void arima_invpartrans(int p, const double *phi, double *out);
void arima_transform_ar_blocks(const arima_spec *s, const double *par, double *out, int inverse);
void arima_expand_polynomials(const arima_spec *s, const double *par, int transform, double *scratch, double *phi, double *theta);
void arima_expand_delta(const arima_spec *s, double *delta);
int arima_ar_stationary(int p, const double *ar);
void arima_ma_invert(int q, double *ma);
void arima_state_predict(const arima_spec *s, const double *phi, const double *delta, const double *a, double *anew);
void arima_covariance_predict(const arima_spec *s, const double *phi, const double *theta, const double *delta, const double *P, double *mm, double *Pnew);
int arima_initial_covariance(const arima_spec *s, const double *phi, const double *theta, double *Pn, double *scratch);
likelihood_sums arima_kalman_filter(arima_work *w, double *resid);

/* The regression part (arima_regression.c): fill w->reg_natural and w->reg
 * with the columns (the constant, then xreg); rotate two or more columns as
 * R does (w->rotation, w->reg = C V; CC_EINPUT when they are collinear); the
 * starting values and scales of their coefficients (w->coef, w->parscale
 * from n_arma on; CC_EINPUT when too few values or collinear after
 * differencing); and back from the rotation: coefficients, cov (n_coef x
 * n_coef, may be NULL) and w->reg. */
void arima_regression_build(arima_work *w, const double *xreg);
cc_status arima_regression_rotate(arima_work *w, cc_error *err);
cc_status arima_regression_start(arima_work *w, cc_error *err);
void arima_regression_unrotate(arima_work *w, double *cov);
/* The likelihood sums of a complete series (w->complete) without the
 * Kalman filter's O(r^2) covariance steps: the exact likelihood of the
 * differenced series x (w->w[d + mD..n), which the caller fills) under the stationary ARMA part, from its
 * autocovariances and the Chandrasekhar recursions, O(n r) per call. This
 * is the likelihood R's filter approximates with its diffuse prior (kappa
 * 1e6) on the differencing states: fitted log-likelihoods agree with R's
 * to about 3e-4 on the reference cases. *ok is 0 when the AR part
 * is not stationary or the recursions break down (F_t not positive): the
 * caller then runs the filter. */
likelihood_sums arima_fast_likelihood(arima_work *w, int *ok);

/* The innovations are linear in the data: those of x - h (Delta C_b) are
 * v + h V_b with V_b the filter's innovations of -(Delta C_b). For each
 * regression column b, sum v V_b / F and sum V_b^2 / F over the counted steps. */
typedef struct likelihood_columns {
  double vV[ARIMA_MAX_XREG + 1], VV[ARIMA_MAX_XREG + 1];
} likelihood_columns;

/* The same for n_chains models that differ only in their ARMA part: chain c
 * has the expanded polynomials phis + c phi_stride and thetas + c
 * theta_stride (as w->phi and w->theta), its sums in sums[c] and ok[c]. One
 * pass over the series steps them side by side; each gives what
 * arima_fast_likelihood gives with those polynomials, bit for bit. With
 * columns (not NULL), chain 0 also gives the sums of likelihood_columns for
 * the regression columns w->dreg. */
void arima_fast_likelihoods(arima_work *w, int n_chains, const double *phis, size_t phi_stride, const double *thetas,
                            size_t theta_stride, likelihood_sums *sums, int *ok, likelihood_columns *columns);

/* Fill the sizes of s (n_arma, n_coef, r, ...) from its orders, period and constant. */
void arima_spec_complete(arima_spec *s);

/* Fit the model s (complete, validated orders) to y[0..n) as forecast::Arima
 * (arima.c). On success *out is a model the caller frees; CC_EINPUT when the
 * data do not allow the fit, CC_ENOMEM when out of memory. */
cc_status arima_fit_spec(const arima_spec *s, const double *y, size_t n, cc_model **out, cc_error *err);

/* The same with s->n_xreg regressors xreg (n x n_xreg, column-major, NaN
 * missing) called names, as forecast::Arima(y, xreg = X): regression with
 * ARIMA errors. xreg and names may be NULL when s->n_xreg is 0. With
 * complete_model 0 only what the stepwise search needs is computed (the
 * coefficients, the log-likelihood and criteria): no Hessian, so the
 * covariance and standard errors are NaN, and no final filter, so the
 * residuals, fitted values and sigma2 are NaN and the states zero;
 * arima_fit_complete adds them. */
cc_status arima_fit_spec_xreg(const arima_spec *s, const double *y, size_t n, const double *xreg,
                              const char *const *names, int complete_model, cc_model **out, cc_error *err);

/* Complete m, fitted to y[0..n) (and xreg) by arima_fit_spec_xreg with
 * complete_model 0 (its specification is read back from m's settings), as
 * that fit with complete_model 1 would have: the
 * covariance of its estimates and their standard errors (the Hessian at its
 * coefficients, the AR parts taken back through the inverse transformation,
 * so to rounding), then the final filter's residuals, fitted values,
 * states and sigma2. CC_ENOMEM, or CC_EINPUT when the regression columns
 * no longer allow the fit. */
cc_status arima_fit_complete(const double *y, size_t n, const double *xreg, cc_model *m, cc_error *err);

/* The series auto.arima chooses d on when there are regressors: y where a
 * row has a missing value, else the residuals of the least-squares fit of y
 * on an intercept and xreg (n x n_xreg) (arima_regression.c). *out (n values) is the
 * caller's to free. */
cc_status arima_regression_residuals(const double *y, size_t n, size_t n_xreg, const double *xreg, double **out,
                                     cc_error *err);

/* Fit the model s to y[0..n) by conditional sum of squares only, as
 * stats::arima(method = "CSS") (arima.c), with s->n_xreg regressors xreg
 * (n x n_xreg, column-major; NULL when none): coef[n_coef] the estimates
 * (natural parameters, not checked for stationarity), *sigma2 the mean
 * squared conditional residual. No model is built: auto.arima's
 * approximation uses it during the search. CC_EINPUT when the data do not
 * allow the fit or, as R's arima(method = "CSS") and forecast's checkarima,
 * the Hessian (R's optimHess) is exactly singular or gives a negative
 * variance; CC_ENOMEM. */
cc_status arima_fit_css(const arima_spec *s, const double *y, size_t n, const double *xreg, double *coef, double *sigma2,
                        cc_error *err);

/* Choose the orders of an ARIMA for y[0..n) of the given period (1: not
 * seasonal) as forecast::auto.arima(y, xreg = X) and fit them (arima_auto.c):
 * D and d from the residuals of the regression of y on X (y itself without
 * regressors), then the stepwise search with the regressors in every model.
 * n_xreg may be 0 (xreg and names NULL). On success *out is the chosen
 * model, which the caller frees. */
cc_status arima_auto_fit_xreg(const double *y, size_t n, int period, size_t n_xreg, const double *xreg,
                              const char *const *names, cc_model **out, cc_error *err);

#endif
