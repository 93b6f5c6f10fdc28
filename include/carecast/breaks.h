/* breaks.h: level shifts and definitional breaks by a structural-change test.
 *
 * The sup-F test (Andrews 1993) of a single break at an unknown date in a
 * linear regression y_t = x_t' b + u_t, with x_t = 1 (a shift in the mean,
 * k = 1) or x_t = (1, t) (a shift in level and slope, k = 2): for every
 * candidate break point between the trimmed ends (15% at each end) the
 * statistic F = (RSS_0 - RSS_split) / s^2 is computed, and the split with
 * the smallest RSS locates the break (Bai 1994). Its p-value is Hansen's
 * (1997, "Approximate asymptotic p values for structural-change tests",
 * JBES 15(1)) response surface, as strucchange::sctest(Fstats(...),
 * type = "supF") reports it.
 *
 * The error variance s^2 decides whether the test is right on our series.
 * With the plain s^2 = RSS_split / (n - 2k) (cc_break_supf, strucchange's
 * Fstats) the test assumes independent errors; on seasonal monthly demand,
 * stocks that wander like a random walk and smooth population projections it
 * rejects almost always (73 of the 292 embedded series at p < 0.001). The
 * robust test (cc_break_supf_lrv) divides by the long-run variance of the
 * residuals *without* a break, u_t = y_t - x_t' b_0:
 *
 *   - prewhitened by an AR(1), rho = sum u_t u_{t-1} / sum u_{t-1}^2
 *     (Andrews & Monahan 1992, "An improved heteroskedasticity and
 *     autocorrelation consistent covariance matrix estimator", Econometrica
 *     60(4)), e_t = u_t - rho u_{t-1};
 *   - the quadratic spectral kernel with Andrews' (1991, "Heteroskedasticity
 *     and autocorrelation consistent covariance matrix estimation",
 *     Econometrica 59(3), eq. 6.2 and 6.4) AR(1) plug-in bandwidth
 *     1.3221 (m alpha(2))^(1/5), alpha(2) = 4 r^2 / (1 - r)^4, r the AR(1)
 *     (with intercept) of the m = n - 1 prewhitened residuals;
 *   - recoloured: s^2 = (sum_j w_j gamma_j(e)) / (1 - rho)^2 / (n - k).
 *
 * That is sandwich::lrvar(u, type = "Andrews", prewhite = TRUE,
 * adjust = FALSE) * n^2 / (n - k), checked against it in
 * tests/reference/quality_reference.R. Because the scale is (RSS_0 - RSS)
 * over a long-run variance of a model with deterministic regressors, F is
 * asymptotically the HAC Wald statistic and Hansen's p-values apply to
 * stationary errors (Andrews 1993, section 5). Estimating the variance under
 * the null rather than at each candidate split is what keeps the size right
 * on persistent series: split residuals soak up the wandering of an AR(1) or
 * a random walk and make every wander a "break"; null residuals keep it, so
 * rho -> 1 and s^2 grows with the persistence, and F stays bounded even
 * under a unit root (Vogelsang 1998, "Trend function hypothesis testing in
 * the presence of serial correlation", Econometrica 66(1)). The price is
 * Vogelsang's (1999, J. Econometrics 88) non-monotonic power: a very large
 * shift also inflates rho, so power falls off again for shifts many noise
 * sds high (measured in tests/unit/test_quality.c). */
#ifndef CARECAST_BREAKS_H
#define CARECAST_BREAKS_H

#include <stddef.h>

#include "carecast/error.h"

/* Fraction of the series trimmed at each end from the candidate breaks (strucchange's from = 0.15, Andrews 1993). */
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
  double long_run_variance; /* s^2 of the robust test (NaN for the plain one) */
  double prewhiten_ar;      /* its prewhitening AR(1) coefficient rho (NaN for the plain one) */
} cc_break_test;

/* Test y[0..n) (no missing value) for one break with `regressors` (1 or 2)
 * regressors, trimming `trim` (0 < trim < 0.5) of the points at each end.
 * CC_EINPUT when a value is missing, the series is too short for any
 * candidate (n must exceed 2 (k + 1)), or the arguments are out of range. */
CC_MUST_CHECK cc_status cc_break_supf(const double *y, size_t n, int regressors, double trim, cc_break_test *out,
                                      cc_error *err);

/* The quadratic spectral kernel 25 / (12 pi^2 x^2) (sin(6 pi x / 5) / (6 pi x / 5) - cos(6 pi x / 5)). */
#define CC_BREAK_QS_SCALE (25.0 / 12.0)
#define CC_BREAK_QS_FREQUENCY (6.0 / 5.0)
/* Andrews' (1991) plug-in bandwidth of the QS kernel: 1.3221 (m alpha(2))^(1/5). */
#define CC_BREAK_QS_BANDWIDTH 1.3221
#define CC_BREAK_QS_BANDWIDTH_POWER (1.0 / 5.0)
/* Kernel weights at or below this are dropped (sandwich's weightsAndrews tol). */
#define CC_BREAK_KERNEL_TOLERANCE 1e-7
/* A prewhitening AR(1) this close to 1 is a unit root: infinite long-run variance, F = 0. */
#define CC_BREAK_UNIT_ROOT_GAP 1e-12
/* Fewest residuals a long-run variance is computed from. */
#define CC_BREAK_LRV_MIN_N 4

/* The long-run variance s^2 above of the residuals u[0..n) of a regression
 * with `params` parameters: AR(1)-prewhitened, QS kernel, Andrews bandwidth,
 * divided by n - params. 0 when the residuals are all zero, infinite when
 * their AR(1) is 1, NaN when n < CC_BREAK_LRV_MIN_N or params >= n. */
double cc_break_long_run_variance(const double *u, size_t n, size_t params);

/* As cc_break_supf, but with serial = 1 the F statistic's error variance is
 * the long-run variance of the residuals without a break (see above), the
 * same for every candidate, so that serial correlation, seasonality left
 * after adjustment and a random walk's wandering are not mistaken for a
 * break. The break is still located by least squares (the smallest
 * two-segment RSS). serial = 0 is cc_break_supf. */
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
