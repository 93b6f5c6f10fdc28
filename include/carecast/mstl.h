/* mstl.h: forecast's STL-based tools for one seasonal period (forecast
 * 8.20): mstl() of a series with missing values, the interpolation of those
 * values na.interp() makes first, and the seasonal strength that
 * nsdiffs(test = "seas") compares with 0.64 (Wang, Smith and Hyndman 2006,
 * "Characteristic-based clustering for time series data", Data Mining and
 * Knowledge Discovery 13(3); Hyndman and Athanasopoulos, FPP3 section 4.3). */
#ifndef CARECAST_MSTL_H
#define CARECAST_MSTL_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/stl.h"

#define CC_MSTL_S_WINDOW 11 /* mstl's s.window for its first (here only) period: 7 + 4 * 1 */

/* Fill the missing values (NaN) of y[0..n) into out[0..n) as forecast's
 * na.interp(): linear interpolation (ends held) when period <= 1 or there
 * are at most 2 periods of values; otherwise a regression on Fourier terms
 * and a polynomial trend gives first values, a robust STL (s.window 11) of
 * that series gives the seasonal part, and the missing values are the
 * linearly interpolated seasonally adjusted series plus it (falling back to
 * the linear fill when that strays half the data's range outside it).
 * out may be y. CC_EINPUT when no value is present, CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_na_interp(const double *y, size_t n, int period, double *out, cc_error *err);

/* forecast::mstl(y) for a series of one period (>= 2) and n > 2 period
 * values into r (allocated for n): missing values filled by cc_na_interp,
 * STL with s.window 11, not robust; r->remainder is NaN where y is missing,
 * as in mstl. Errors as cc_stl and cc_na_interp. */
CC_MUST_CHECK cc_status cc_mstl(const double *y, size_t n, int period, cc_stl_result *r, cc_error *err);

/* forecast:::seas.heuristic: max(0, min(1, 1 - var(R) / var(R + S))) with
 * R and S the remainder and seasonal parts of cc_mstl(y) (missing
 * remainders left out). NaN when the decomposition fails (too short a
 * series, out of memory). */
double cc_seasonal_strength(const double *y, size_t n, int period);

#endif
