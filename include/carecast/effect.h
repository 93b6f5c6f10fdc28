/* effect.h: the effect of a change introduced at a known period (a new
 * service, a policy) on a series, by interrupted time series analysis.
 *
 * Two estimates, as the evaluation literature recommends side by side
 * (Bernal, Cummins and Gasparrini 2017, "Interrupted time series regression
 * for the evaluation of public health interventions", Int. J. Epidemiol.
 * 46(1); Hyndman and Athanasopoulos, "Forecasting: principles and
 * practice", 3rd ed., section 10.5 on regression with ARIMA errors):
 *   1. Segmented regression with ARIMA errors on the whole series: a level
 *      change (a step at the change, or a ramp reaching full size after
 *      ramp_periods) and a slope change (periods since the change), with
 *      the control series as a further regressor when given; the ARIMA
 *      error orders are chosen automatically with these regressors (as
 *      forecast::auto.arima(y, xreg = X)); intervals from the coefficients'
 *      standard errors (Gaussian, as R's confint).
 *   2. The counterfactual: the automatic ARIMA (with the control as
 *      regressor where given) fitted to the periods before the change and
 *      forecast over the periods from it; the cumulative difference between
 *      what was observed and the counterfactual, and the relative
 *      difference, with intervals from the counterfactual's sample paths
 *      (which also carry the uncertainty of its constant and control
 *      coefficients, drawn from their covariance).
 * The ARIMA errors are chosen non-seasonally for now (auto.arima(seasonal =
 * FALSE), see CC_EFFECT_SEASONAL_PERIOD in effect.c). */
#ifndef CARECAST_EFFECT_H
#define CARECAST_EFFECT_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/model.h"

#define CC_EFFECT_MIN_BEFORE 12   /* observed values before the change the estimates need at least */
#define CC_EFFECT_MIN_AFTER 3     /* observed values from the change on they need at least */
#define CC_EFFECT_PATHS 2000      /* counterfactual sample paths by default */
#define CC_EFFECT_LEVEL 95.0      /* interval level by default, percent */
#define CC_EFFECT_NAME_MAX 32     /* an estimate's name, with NUL */
#define CC_EFFECT_UNIT_MAX 96     /* an estimate's unit, with NUL */
#define CC_EFFECT_ESTIMATES 6     /* estimates in a result */

typedef struct cc_effect_options {
  int ramp_periods;        /* 0: a step at the change; k > 0: a ramp reaching full size after k periods */
  int period;              /* seasonal period of the series (12 monthly, 1 none; default 1) for the ARIMA errors */
  double level;            /* interval level in percent (default 95) */
  size_t n_paths;          /* counterfactual sample paths (default CC_EFFECT_PATHS) */
  unsigned long seed;      /* seed of the counterfactual's random stream */
  int nonnegative;         /* 1 for counts: counterfactual paths censored at zero */
  const char *unit;        /* what one unit of the series is, for the units column ("referrals"); NULL: "units" */
  const char *period_name; /* one period ("month"); NULL: "period" */
} cc_effect_options;

/* Fill the defaults (step, not seasonal, 95%, CC_EFFECT_PATHS paths, a fixed seed, not non-negative). */
void cc_effect_options_default(cc_effect_options *options);

typedef struct cc_effect_estimate {
  char name[CC_EFFECT_NAME_MAX]; /* level_change, slope_change, observed_total, counterfactual_total,
                                    cumulative_difference, relative_difference */
  double estimate, lo, hi;       /* the estimate and its interval (lo = hi = estimate when it has none) */
  char unit[CC_EFFECT_UNIT_MAX]; /* "referrals per month", "percent", ... */
} cc_effect_estimate;

typedef struct cc_effect_result {
  size_t n_estimates;                             /* CC_EFFECT_ESTIMATES */
  cc_effect_estimate estimates[CC_EFFECT_ESTIMATES];
  double level;                                   /* interval level, percent */
  char model[CC_MODEL_SPEC_MAX];                  /* the segmented regression's ARIMA */
  char counterfactual_model[CC_MODEL_SPEC_MAX];   /* the counterfactual's */
  size_t n_before, n_after;                       /* periods before the change and from it on */
  double *observed;                               /* n_after observed values from the change (NaN missing) */
  double *counterfactual;                         /* n_after counterfactual means */
  double *counterfactual_lo, *counterfactual_hi;  /* n_after bounds at `level` */
} cc_effect_result;

/* Estimate the effect of a change at index `change` of y[0..n) (NaN
 * missing), with control[0..n) (aligned on y, NaN where it has no value) as
 * a control series, or NULL. options may be NULL for the defaults. CC_EINPUT
 * naming the minimum when the change leaves fewer than CC_EFFECT_MIN_BEFORE
 * observed values before it or CC_EFFECT_MIN_AFTER from it, or when the
 * control lacks values over the periods from the change or has fewer than
 * CC_EFFECT_MIN_BEFORE before it; CC_EINPUT too when no model fits. On
 * success *out is the caller's, freed with cc_effect_result_free. */
CC_MUST_CHECK cc_status cc_effect_compute(const double *y, size_t n, size_t change, const double *control,
                                           const cc_effect_options *options, cc_effect_result **out, cc_error *err);

/* The estimate called name in r, or NULL. */
const cc_effect_estimate *cc_effect_find(const cc_effect_result *r, const char *name);

/* Free r. No operation when r is NULL. */
void cc_effect_result_free(cc_effect_result *r);

#endif
