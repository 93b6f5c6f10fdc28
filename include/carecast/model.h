/* model.h: the interface every forecasting model family implements.
 *
 * A family (ETS, Theta, the benchmarks, ...) is a cc_model_type: a table
 * of functions to fit a series, forecast its mean (and, where the family
 * has one, the analytic forecast variance) and simulate one sample path.
 * A fitted model is a cc_model: plain data (parameters, final states,
 * innovation variance, information criteria, fitted values and residuals)
 * that the store can save and that a family can forecast from without the
 * data it was fitted to. Everything generic -- intervals, sample paths,
 * non-negativity of counts, storing, backtesting, the command line -- is
 * written once against this interface (forecast.h, backtest.h) and knows
 * the families only through the registry (cc_model_type_find). */
#ifndef CARECAST_MODEL_H
#define CARECAST_MODEL_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "carecast/error.h"

#define CC_MODEL_SPEC_MAX 32   /* "ETS(M,Ad,M)" and the like, with NUL */
#define CC_PARAM_NAME_MAX 16   /* "alpha", "l0", "s11", ... with NUL */
#define CC_MODEL_SETTINGS 4    /* family-specific integer settings */
#define CC_XREG_NAME_MAX 128   /* a regressor's name (a series id fits), with NUL */

typedef struct cc_model_type cc_model_type;

/* Options that every fit takes. cc_fit_options_default fills the defaults. */
typedef struct cc_fit_options {
  int period;              /* seasonal period: 12 monthly, 4 quarterly, 1 none */
  int max_iterations;      /* optimiser iterations per start (default 2000, as forecast::ets) */
  double tolerance;        /* optimiser relative tolerance (default 1e-8) */
  int allow_multiplicative;/* -1: when the data are strictly positive (default), 0 never, 1 always */
  size_t n_xreg;           /* regressors (0, the default: none); only families that take them accept any */
  const double *xreg;      /* n x n_xreg values, column-major (xreg[t + n j]), NaN missing; NULL when none */
  const char *const *xreg_names; /* n_xreg names (a regressor's series id, "step", ...) */
} cc_fit_options;

void cc_fit_options_default(cc_fit_options *options);

typedef struct cc_model {
  const cc_model_type *type;      /* the family */
  char spec[CC_MODEL_SPEC_MAX];   /* what was fitted, e.g. "ETS(A,Ad,N)", "Theta", "SNaive" */
  int settings[CC_MODEL_SETTINGS];/* family-specific (ETS: error, trend, season, damped) */
  int period;                     /* seasonal period used (1 when the model is not seasonal) */
  size_t n_params;                /* parameters, estimated or fixed */
  double *params;                 /* n_params values */
  char (*param_names)[CC_PARAM_NAME_MAX]; /* n_params names */
  int n_estimated;                /* parameters counted by the information criteria (incl. sigma2 where R does) */
  size_t n_states;                /* length of the state after the last observation */
  double *states;                 /* family-specific layout (ETS: level, trend, seasonals newest first) */
  double sigma2;                  /* innovation variance (for M errors: of the relative error) */
  double loglik, aic, aicc, bic;  /* NaN when the family has no likelihood */
  size_t n;                       /* length of the series fitted, missing values included */
  size_t nobs;                    /* non-missing observations used */
  double *fitted;                 /* n one-step fitted values (NaN where missing) */
  double *residuals;              /* n residuals (on the scale the model was fitted on; NaN where missing) */
  double lambda;                  /* Box-Cox lambda the data were transformed with, NaN for none (boxcox.h) */
  int biasadj;                    /* 1: back-transformed means are bias-adjusted (means, not medians) */
  double *std_errors;             /* n_params standard errors of params (NaN where the family gives none) */
  double *covariance;             /* n_params x n_params covariance of params (column-major), NULL when the family gives none */
  size_t n_xreg;                  /* regressors: the last n_xreg params are their coefficients */
  char (*xreg_names)[CC_XREG_NAME_MAX]; /* n_xreg names, in the order of the coefficients; NULL when none */
  size_t n_components;            /* models this one combines (a combination, combination.h), 0 otherwise */
  struct cc_model **components;   /* n_components fitted models, owned by this one (freed with it) */
} cc_model;

struct cc_model_type {
  const char *name;        /* as named on the command line: "ets", "theta", "naive", ... */
  const char *description; /* one line for help texts */

  /* Fit y[0..n) (NaN = missing). variant is the part after "name:" on the
   * command line (e.g. "MAdM" for ets), or NULL for the family's automatic
   * choice. On success *out is a model the caller frees with cc_model_free. */
  cc_status (*fit)(const double *y, size_t n, const char *variant, const cc_fit_options *options, cc_model **out,
                   cc_error *err);

  /* Mean forecast for steps 1..h into mean[h]. Where the family has an
   * analytic forecast distribution (Gaussian), also the variance into
   * variance[h] and *analytic = 1; otherwise *analytic = 0 and intervals
   * come from simulated paths. For a model with regressors
   * (n_xreg > 0) this and simulate leave the regression on the regressors'
   * future values out (regressors at zero): cc_model_regression gives it
   * and cc_forecast_compute adds it. */
  cc_status (*forecast)(const cc_model *m, size_t h, double *mean, double *variance, int *analytic, cc_error *err);

  /* One sample path of h future values, drawing innovations from rng. */
  cc_status (*simulate)(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err);
};

/* Allocate a model with room for n observations, n_params parameters and
 * n_states states; numbers are NaN and names empty. NULL when out of memory. */
cc_model *cc_model_alloc(const cc_model_type *type, size_t n, size_t n_params, size_t n_states);

/* Free m and its components. No operation when m is NULL. */
void cc_model_free(cc_model *m);

/* Give m n_xreg regressors called names (copied, cut to CC_XREG_NAME_MAX - 1
 * characters): their coefficients are the last n_xreg of m's params.
 * CC_ENOMEM when out of memory, CC_EINTERNAL when m has fewer params. */
CC_MUST_CHECK cc_status cc_model_set_xreg(cc_model *m, size_t n_xreg, const char *const *names, cc_error *err);

/* The regression part of a forecast, sum_j xreg_future[i + h j] beta_j, for
 * steps i = 0..h-1 into offset[h], with beta m's regression coefficients and
 * xreg_future the regressors' future values (h x m->n_xreg, column-major).
 * All zero when m has no regressors. */
void cc_model_regression(const cc_model *m, const double *xreg_future, size_t h, double *offset);

/* Set parameter i's name and value. */
void cc_model_set_param(cc_model *m, size_t i, const char *name, double value);

/* The value of the parameter called name, or NaN. */
double cc_model_param(const cc_model *m, const char *name);

/* Fill loglik-based criteria from m->loglik, m->n_estimated and m->nobs:
 * AIC = -2 logL + 2k, AICc = AIC + 2k(k+1)/(n-k-1), BIC = -2 logL + k log n. */
void cc_model_set_criteria(cc_model *m);

/* Compute residuals and their variance-free summaries from y and m->fitted. */
void cc_model_set_residuals(cc_model *m, const double *y);

/* Ljung-Box test of the residuals at `lags` lags with `fitted_df` degrees
 * of freedom used by the model; the p-value, or NaN when too few residuals. */
double cc_model_ljung_box(const cc_model *m, int lags, int fitted_df);

/* The registry of model families. */
const cc_model_type *cc_model_type_find(const char *name);
extern const cc_model_type *const cc_model_types[]; /* NULL-terminated */

#endif
