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
 * robust test (cc_break_supf_lrv) divides instead by one long-run variance,
 * the same for every candidate, so the largest F is at the least-squares
 * break. A long-run variance of residuals u_t is
 *
 *   - prewhitened by an AR(1), rho = sum u_t u_{t-1} / sum u_{t-1}^2
 *     (Andrews & Monahan 1992, "An improved heteroskedasticity and
 *     autocorrelation consistent covariance matrix estimator", Econometrica
 *     60(4)), e_t = u_t - rho u_{t-1};
 *   - weighted by the quadratic spectral kernel with Andrews' (1991,
 *     "Heteroskedasticity and autocorrelation consistent covariance matrix
 *     estimation", Econometrica 59(3), eq. 6.2 and 6.4) AR(1) plug-in
 *     bandwidth 1.3221 (m alpha(2))^(1/5), alpha(2) = 4 r^2 / (1 - r)^4, r
 *     the AR(1) (with intercept) of the m = n - 1 prewhitened residuals;
 *   - recoloured: s^2 = (sum_j w_j gamma_j(e)) / (1 - rho)^2 / (n - p), p
 *     the regression's parameters;
 *
 * i.e. sandwich::lrvar(u, type = "Andrews", prewhite = TRUE, adjust = FALSE)
 * * n^2 / (n - p), checked against it in tests/reference/quality_reference.R.
 * With deterministic regressors, (RSS_0 - RSS) / s^2 is asymptotically the
 * HAC Wald statistic, so Hansen's p-values apply (Andrews 1993, section 5).
 *
 * Which residuals: the residuals u of the split at the least-squares break
 * decide.
 *   - When the series has at least CC_BREAK_SPLIT_MIN_N values and those
 *     residuals are close to uncorrelated (their AR(1) rho at most
 *     CC_BREAK_SPLIT_MAX_AR), s^2 is their long-run variance, never below
 *     their plain variance: the variance under the alternative, as Bai &
 *     Perron (2006, "Multiple structural change models: a simulation
 *     analysis") and Kejriwal (2009, "Tests for a mean shift with good size
 *     and monotonic power", Economics Letters 102) recommend, so that a large
 *     step is found however large it is.
 *   - Otherwise -- the series is short, or still persistent after the break
 *     is allowed for (an AR(1) wandering about its trend, a random walk, a
 *     smooth projection whose residuals are a smooth curve) -- s^2 is the
 *     long-run variance of the residuals of the fit *without* a break. Those
 *     keep the wandering (rho -> 1), s^2 grows with the persistence and F
 *     stays bounded even under a unit root (Vogelsang 1998, "Trend function
 *     hypothesis testing in the presence of serial correlation", Econometrica
 *     66(1)); split residuals would soak the wandering up and call every
 *     wander a break. The price is Vogelsang's (1999, J. Econometrics 88)
 *     non-monotonic power, here paid only on persistent or short series: a
 *     shift of a few noise sds in AR(1) noise of 0.7 is rarely found.
 * The two thresholds were set by simulation (300 series each, R, with the
 * formulas above): the split residuals' AR(1) stayed below 0.10 in 95% of
 * white-noise series of 132 and above 0.46 and 0.70 in 95% of AR(1) 0.7
 * and random-walk series, so 0.3 sends the first to the split and the
 * others to the null; series of 13 or 19 values are too short for a
 * variance under the alternative (a random walk of 19 then looks white and
 * would be "broken" half of the time). Size and power as carecast runs the
 * test are asserted in tests/unit/test_quality.c. */
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
  int under_break;          /* 1: s^2 from the residuals of the split at the break; 0: of the fit without a break */
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
/* The split's residuals give the variance only with this many values ... */
#define CC_BREAK_SPLIT_MIN_N 30
/* ... and when their prewhitening AR(1) is at most this. */
#define CC_BREAK_SPLIT_MAX_AR 0.3
/* Fewest residuals a long-run variance is computed from. */
#define CC_BREAK_LRV_MIN_N 4

/* The long-run variance s^2 above of the residuals u[0..n) of a regression
 * with `params` parameters: AR(1)-prewhitened, QS kernel, Andrews bandwidth,
 * divided by n - params. 0 when the residuals are all zero, infinite when
 * their AR(1) is 1, NaN when n < CC_BREAK_LRV_MIN_N or params >= n. */
double cc_break_long_run_variance(const double *u, size_t n, size_t params);

/* As cc_break_supf, but the F statistic's error variance is the long-run
 * variance above, the same for every candidate, so that serial correlation
 * and a random walk's wandering are not mistaken for a break. `absorbed`
 * parameters were fitted to y beforehand (period - 1 seasonal dummies after
 * cc_break_deseasonalise) and come off the degrees of freedom. The break is
 * located by least squares (the smallest two-segment RSS), as there. */
CC_MUST_CHECK cc_status cc_break_supf_lrv(const double *y, size_t n, int regressors, size_t absorbed, double trim,
                                          cc_break_test *out, cc_error *err);

/* Longest season cc_break_deseasonalise takes (monthly). */
#define CC_BREAK_MAX_PERIOD 12

/* Seasonal dummies: out[n] = y less its season's intercept in the least
 * squares fit of y ~ t + season (seasons t mod period), i.e. the trend plus
 * the residuals of that fit. The break test on out holds the seasonal
 * effects at their no-break estimates (Frisch-Waugh for the null model), so
 * the seasonal pattern is neither a break nor noise, and unlike a local
 * seasonal adjustment (STL) no noise is taken out with it (which made a
 * test on STL-adjusted series flag 8.5% of seasonal series at p < 0.05).
 * A period of 1, above CC_BREAK_MAX_PERIOD or with fewer than two full
 * years copies y. out may be y. Returns the dummies absorbed beyond the
 * intercept: period - 1, or 0 when y was copied. */
size_t cc_break_deseasonalise(const double *y, size_t n, int period, double *out);

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
