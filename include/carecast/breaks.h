/* breaks.h: level shifts and definitional breaks by a structural-change test.
 *
 * The sup-F test (Andrews 1993) of a single break at an unknown date in a
 * linear regression y_t = x_t' b + e_t, with x_t = 1 (a shift in the mean,
 * k = 1) or x_t = (1, t) (a shift in level and slope, k = 2): for every
 * candidate break point between the trimmed ends the Chow statistic
 * F = (RSS_0 - RSS_split) / (RSS_split / (n - 2k)) is computed, and the
 * largest one locates the break. Its p-value is Hansen's (1997, "Approximate
 * asymptotic p values for structural-change tests", JBES 15(1)) response
 * surface, as strucchange::sctest(Fstats(...), type = "supF") reports it.
 * Computed as strucchange 1.5-3's Fstats(y ~ 1 or y ~ t, from = trim). */
#ifndef CARECAST_BREAKS_H
#define CARECAST_BREAKS_H

#include <stddef.h>

#include "carecast/error.h"

/* Fraction of the series trimmed at each end from the candidate breaks (strucchange's from = 0.15). */
#define CC_BREAK_TRIM 0.15
/* Regressors with a p-value table here: 1 (mean) and 2 (level and slope). */
#define CC_BREAK_MAX_REGRESSORS 2

typedef struct cc_break_test {
  int regressors;     /* k: 1 for a mean shift, 2 for a shift in level and slope */
  size_t n;           /* observations tested */
  double statistic;   /* the largest F */
  size_t breakpoint;  /* 0-based index of the first value after the break (R's breakpoint, 1-based end of the first segment) */
  double lambda;      /* ((n - from) to) / (from (n - to)), the trimming's parameter of the limit distribution */
  double p_value;     /* Hansen's approximate asymptotic p-value */
  double step;        /* jump of the fitted line at the break: second segment's fit minus the first's */
  double residual_sd; /* sqrt(RSS / (n - 2k)) of the two-segment fit at the break */
} cc_break_test;

/* Test y[0..n) (no missing value) for one break with `regressors` (1 or 2)
 * regressors, trimming `trim` (0 < trim < 0.5) of the points at each end.
 * CC_EINPUT when a value is missing, the series is too short for any
 * candidate (n must exceed 2 (k + 1)), or the arguments are out of range. */
CC_MUST_CHECK cc_status cc_break_supf(const double *y, size_t n, int regressors, double trim, cc_break_test *out,
                                      cc_error *err);

/* Bartlett bandwidth of the long-run variance: floor(4 (n / 100)^(2/9)) lags (Newey & West 1994). */
#define CC_BREAK_LRV_BANDWIDTH_SCALE 4.0
#define CC_BREAK_LRV_BANDWIDTH_POWER (2.0 / 9.0)

/* As cc_break_supf, but with serial = 1 the F statistic's error variance is
 * the Bartlett long-run variance of the two-segment residuals instead of
 * their plain variance, so that serially correlated noise (a smooth series
 * wandering about a line) is not mistaken for a break. The p-value uses the
 * same asymptotic distribution, which is what the long-run variance is
 * for (Andrews 1993, section 5). The break is still located by least
 * squares (the smallest two-segment RSS). serial = 0 is cc_break_supf. */
CC_MUST_CHECK cc_status cc_break_supf_lrv(const double *y, size_t n, int regressors, double trim, int serial,
                                          cc_break_test *out, cc_error *err);

/* Hansen's p-value of a sup-F statistic with k regressors (1 or 2) and
 * trimming parameter lambda; NaN for another k. */
double cc_break_supf_pvalue(double statistic, int k, double lambda);

/* A step at index `at` estimated as a regressor: least squares of y on
 * (1, t, 1{t >= at}) over the observed values of y[0..n); *step is the
 * coefficient of the step. adjusted[n] (may be NULL) gets y with the values
 * before `at` raised by the step, i.e. the series on its post-break
 * level. CC_EINPUT when either side has fewer than two observed values. */
CC_MUST_CHECK cc_status cc_break_step(const double *y, size_t n, size_t at, double *step, double *adjusted,
                                      cc_error *err);

#endif
