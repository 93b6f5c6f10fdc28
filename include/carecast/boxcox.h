/* boxcox.h: the Box-Cox transformation (Box and Cox 1964), its inverse with
 * optional bias adjustment, and the choice of lambda by Guerrero's (1993)
 * method, as R's forecast package defines them (BoxCox, InvBoxCox,
 * BoxCox.lambda(method = "guerrero")). Any model family can be fitted on
 * the transformed scale: cc_model.lambda records the transformation and the
 * generic forecast code (forecast.h) transforms means, bounds and paths back. */
#ifndef CARECAST_BOXCOX_H
#define CARECAST_BOXCOX_H

#include <stddef.h>

#define CC_BOXCOX_LOWER (-1.0)  /* forecast::BoxCox.lambda's search interval */
#define CC_BOXCOX_UPPER 2.0
#define CC_BOXCOX_NONSEASONAL_LENGTH 2 /* subseries length for non-seasonal data (Guerrero) */

/* (y^lambda - 1) / lambda, or log y for lambda 0; for lambda < 0 a negative y gives NaN (as R). */
double cc_boxcox(double y, double lambda);

/* The inverse; NaN where lambda < 0 and x > -1/lambda (outside the range of the transform). */
double cc_boxcox_inverse(double x, double lambda);

/* The bias-adjusted inverse: the mean rather than the median of the back-transformed
 * distribution whose transformed-scale variance is variance (Hyndman and
 * Athanasopoulos, FPP3 section 5.6): inverse(x) (1 + variance (1 - lambda) / (2 inverse(x)^(2 lambda))). */
double cc_boxcox_inverse_mean(double x, double lambda, double variance);

/* Guerrero's lambda for y[0..n) (NaN = missing) with seasonal period `period`,
 * searched on [lower, upper] (the lower end raised to 0 when any value is not
 * positive); 1 when the series has no more than two seasons (as R). */
double cc_boxcox_lambda(const double *y, size_t n, int period, double lower, double upper);

#endif
