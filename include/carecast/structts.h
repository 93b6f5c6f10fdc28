/* structts.h: basic structural time-series models (Harvey 1989) fitted by
 * maximum likelihood, and the Kalman smoother that imputes missing values
 * from them, as R's stats::StructTS() and tsSmooth().
 *
 * Three models: the local level (y = level + e), the local linear trend
 * (level and slope as random walks) and the basic structural model (the
 * trend plus a dummy seasonal of `period` - 1 states). Each has a variance
 * per disturbance: level, slope, seasonal, observation. As StructTS, the
 * filter starts from the first observation with zero slope and seasonals
 * and a diffuse covariance of 1e6 var(y) / 100 in every entry; the
 * variances are estimated as multiples of var(y) / 100 by minimising
 * 0.5 (sum v_t^2 / F_t + sum log F_t) / (observations), the prediction-error
 * decomposition. Missing values are skipped by the filter; the smoother
 * (Durbin & Koopman 2012, section 4.4) gives E(state | all data), whose
 * signal Z a_t fills them. */
#ifndef CARECAST_STRUCTTS_H
#define CARECAST_STRUCTTS_H

#include <stddef.h>

#include "carecast/error.h"

typedef enum cc_sts_type {
  CC_STS_LEVEL = 0, /* local level */
  CC_STS_TREND = 1, /* local linear trend */
  CC_STS_BSM = 2,   /* basic structural model: trend and dummy seasonal */
} cc_sts_type;

/* Indices of the variances. */
enum { CC_STS_VAR_LEVEL = 0, CC_STS_VAR_SLOPE = 1, CC_STS_VAR_SEASONAL = 2, CC_STS_VAR_EPSILON = 3, CC_STS_VARS = 4 };

/* The diffuse prior: 1e6 times the variance scale (var(y) / 100), as StructTS. */
#define CC_STS_DIFFUSE 1e6
#define CC_STS_SCALE_DIVISOR 100.0
/* StructTS's value for a likelihood with every variance zero. */
#define CC_STS_ALL_ZERO_OBJECTIVE 1000.0

typedef struct cc_sts {
  cc_sts_type type;                /* which model */
  int period;                      /* seasonal period (BSM only; 1 otherwise) */
  size_t n;                        /* length of the series */
  size_t m;                        /* number of states: 1, 2 or period + 1 */
  double variances[CC_STS_VARS];   /* estimated (or given) variances; NaN where the model has none */
  double objective;                /* the minimised 0.5 (sum v^2/F + sum log F) / observations */
  double loglik;                   /* StructTS's loglik: -n objective - 0.5 observations log(2 pi) */
  double *smoothed;                /* n smoothed signals Z a_t|n (level plus seasonal) */
  double *work;                    /* filter storage: predicted states and covariances, innovations */
} cc_sts;

/* Allocate a model of type for n values (period used by CC_STS_BSM, >= 2).
 * NULL when out of memory or the period does not fit the type. */
cc_sts *cc_sts_alloc(size_t n, cc_sts_type type, int period);

/* Free s. No operation when s is NULL. */
void cc_sts_free(cc_sts *s);

/* Run the filter and smoother on y[0..n) (NaN = missing) with the given
 * variances (CC_STS_VARS entries in the order above; those the model lacks
 * are ignored): fills s->objective, s->loglik and s->smoothed. CC_EINPUT
 * when nothing is observed or fewer than two values are (no scale). */
CC_MUST_CHECK cc_status cc_sts_evaluate(const double *y, size_t n, const double *variances, cc_sts *s, cc_error *err);

/* Estimate the variances by maximum likelihood (Nelder-Mead on their
 * square roots from StructTS's start, every ratio 1, then polished once
 * from the best point) and smooth with them. Errors as cc_sts_evaluate;
 * CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_sts_fit(const double *y, size_t n, cc_sts *s, cc_error *err);

/* Fill the missing values of y[0..n) into out[n] by Kalman smoothing of a
 * structural model fitted by maximum likelihood: the basic structural
 * model when period > 1 and more than two periods are observed, the local
 * linear trend otherwise (as imputeTS::na_kalman(model = "StructTS")).
 * Observed values are copied. CC_EINPUT when fewer than three values are
 * observed. */
CC_MUST_CHECK cc_status cc_impute_kalman(const double *y, size_t n, int period, double *out, cc_error *err);

#endif
