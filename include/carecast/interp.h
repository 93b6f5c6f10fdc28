/* interp.h: filling missing values by interpolation, as forecast::na.interp().
 *
 * Non-seasonal series (period 1, or no more than two periods observed):
 * linear interpolation between the neighbouring observed values, the
 * nearest observed value beyond the ends (approx(rule = 2)). Seasonal
 * series: a regression on Fourier terms (min(period / 2, 5) harmonics) and
 * a polynomial trend (degree n / 10, between 1 and 6) fills the gaps
 * provisionally; a robust STL (s.window 11, as forecast::mstl) of the
 * filled series gives the seasonal component; the seasonally adjusted
 * observed values are interpolated linearly and the seasonal added back
 * (Hyndman & Athanasopoulos, FPP2 section 12.9). */
#ifndef CARECAST_INTERP_H
#define CARECAST_INTERP_H

#include <stddef.h>

#include "carecast/error.h"

/* Highest Fourier harmonic and polynomial degree na.interp uses. */
#define CC_INTERP_MAX_HARMONICS 5
#define CC_INTERP_MAX_DEGREE 6
/* s.window of the robust STL of forecast::mstl (the first of 7 + 4 * (1..6)). */
#define CC_MSTL_S_WINDOW 11

/* Linear interpolation of y[0..n) (NaN = missing) into out[n], constant
 * beyond the first and last observed values. CC_EINPUT when nothing is observed. */
CC_MUST_CHECK cc_status cc_interp_linear(const double *y, size_t n, double *out, cc_error *err);

/* Fill the missing values of y[0..n) (NaN) with seasonal period `period`
 * into out[n] (observed values are copied) as forecast::na.interp(). Uses
 * the seasonal method when period > 1 and more than 2 period values are
 * observed, linear interpolation otherwise. CC_EINPUT when nothing is
 * observed; CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_interp_na(const double *y, size_t n, int period, double *out, cc_error *err);

/* The robust STL of forecast::mstl() for a series with one seasonal
 * period: stl(s.window = 11, robust = TRUE). seasonal[n] and trend[n] get
 * its components. CC_EINPUT as cc_stl_decompose. */
CC_MUST_CHECK cc_status cc_mstl(const double *y, size_t n, int period, double *seasonal, double *trend, cc_error *err);

#endif
