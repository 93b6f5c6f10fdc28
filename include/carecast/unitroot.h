/* unitroot.h: the KPSS test of stationarity (Kwiatkowski, Phillips, Schmidt
 * and Shin 1992) and the number of differences it calls for, as
 * forecast::ndiffs(test = "kpss") decides it for auto.arima (Hyndman and
 * Khandakar 2008). */
#ifndef CARECAST_UNITROOT_H
#define CARECAST_UNITROOT_H

#include <stddef.h>

#define CC_KPSS_ALPHA 0.05 /* ndiffs' default level */
#define CC_KPSS_MAX_D 2    /* ndiffs' default largest number of differences */

/* The KPSS level-stationarity statistic of x[0..n) (no missing values) with
 * the Bartlett-weighted long-run variance over `lags` lags. NaN when n < 2
 * or the series is constant. */
double cc_kpss_statistic(const double *x, size_t n, int lags);

/* The lag truncation ndiffs uses: trunc(3 sqrt(n) / 13). */
int cc_kpss_lags(size_t n);

/* The p-value ndiffs reads off the statistic: linear interpolation in the
 * table of critical values (0.347, 0.463, 0.574, 0.739 for 10, 5, 2.5 and
 * 1%; KPSS 1992, table 1), held at the ends. */
double cc_kpss_pvalue(double statistic);

/* How many times y[0..n) (missing values dropped) must be differenced to be
 * level-stationary by the KPSS test at level alpha, at most max_d. */
int cc_ndiffs(const double *y, size_t n, double alpha, int max_d);

#define CC_SEAS_THRESHOLD 0.64 /* nsdiffs(test = "seas"): difference when the seasonal strength exceeds this */
#define CC_NSDIFFS_MAX_D 1     /* nsdiffs' and auto.arima's default max.D */

/* How many seasonal differences (lag period) y[0..n) needs, as
 * forecast::nsdiffs(test = "seas"): one more while the seasonal strength
 * (cc_seasonal_strength) exceeds 0.64, at most max_d. 0 for a
 * constant series (missing values aside), a period below 2, or period >= n;
 * a test that cannot be run counts as no difference, as in nsdiffs. */
int cc_nsdiffs(const double *y, size_t n, int period, int max_d);

/* forecast's seasonal strength (seas.heuristic): 1 - var(R) / var(R + S) with
 * R and S the remainder and seasonal parts of forecast::mstl(y): missing
 * values filled by na.interp (interp.h), then stl with s.window 11, not
 * robust (stl.h); variances over the observed values; clamped to [0, 1];
 * NaN when it cannot be computed. */
double cc_seasonal_strength(const double *y, size_t n, int period);

#endif
