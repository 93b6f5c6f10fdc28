/* supsmu.h: Friedman's super smoother (Friedman 1984, "A variable span
 * smoother", Stanford LCS Technical Report 5), as R's stats::supsmu().
 *
 * Three running-lines smoothers (spans 5%, 20% and 50% of the points: the
 * tweeter, midrange and woofer) are fitted with their leave-one-out
 * cross-validated residuals; the residuals are smoothed, the best span is
 * chosen point by point, smoothed itself, and the final value interpolates
 * between the fits of the neighbouring spans before a last tweeter pass.
 * forecast::tsoutliers() and mstl() use it for the trend of a series. */
#ifndef CARECAST_SUPSMU_H
#define CARECAST_SUPSMU_H

#include <stddef.h>

#include "carecast/error.h"

/* Doubles of workspace that cc_supsmu needs for n points. */
#define CC_SUPSMU_WORK(n) (8 * (size_t)(n))

/* Smallest n the smoother handles: its running windows hold at least 2 x 2 + 1 points. */
#define CC_SUPSMU_MIN_N 5

/* Smooth y against x (both of n points, x sorted increasing, no NaN),
 * with weights w (NULL: all 1), into smooth[n]. span 0 selects the span by
 * cross-validation (supsmu(span = "cv")), a value in (0, 1] fixes it; bass
 * in (0, 10] pushes towards the woofer (0: no effect, R's default). work
 * holds CC_SUPSMU_WORK(n) doubles. Tied x values get the weighted mean of
 * their smooths (R then keeps one of them). CC_EINPUT when n is below
 * CC_SUPSMU_MIN_N or span is outside [0, 1]. */
CC_MUST_CHECK cc_status cc_supsmu(const double *x, const double *y, const double *w, size_t n, double span,
                                  double bass, double *smooth, double *work, cc_error *err);

#endif
