/* decompose.h: classical seasonal decomposition, the 90% seasonality test
 * and the multiplicative seasonal adjustment that the Theta method and the
 * M4 Naive2 benchmark share.
 *
 * The decomposition is R's stats::decompose() (Kendall & Stuart 1983;
 * Brockwell & Davis): a centred moving average of order `period` (a 2 x m
 * average when the period is even) for the trend, the detrended values
 * averaged per position in the cycle for the seasonal figure, normalised to
 * sum 0 (additive) or average 1 (multiplicative). Missing values (NaN) are
 * allowed: the trend is NaN wherever its window holds one, and the seasonal
 * means skip them.
 *
 * The seasonality test is the one of forecast::thetaf and the M4 benchmarks
 * (Assimakopoulos & Nikolopoulos 2000; Makridakis et al. 2020): the series is
 * seasonal when |r_m| > q * sqrt((1 + 2 sum_{k=1}^{m-1} r_k^2) / n), r_k the
 * sample autocorrelations and q the two-sided 90% normal quantile. */
#ifndef CARECAST_DECOMPOSE_H
#define CARECAST_DECOMPOSE_H

#include <stddef.h>

#include "carecast/error.h"

/* Seasonal indices closer to zero than this make a multiplicative seasonal
 * adjustment meaningless; thetaf then falls back to no adjustment. */
#define CC_DECOMPOSE_MIN_INDEX 1e-4

typedef enum cc_decompose_type {
  CC_DECOMPOSE_ADDITIVE = 0,      /* y = trend + seasonal + remainder */
  CC_DECOMPOSE_MULTIPLICATIVE = 1 /* y = trend * seasonal * remainder */
} cc_decompose_type;

typedef struct cc_decomposition {
  size_t n;               /* length of the series */
  int period;             /* seasonal period m (>= 2) */
  cc_decompose_type type; /* additive or multiplicative */
  double *trend;          /* n centred moving averages; NaN at both ends and near missing values */
  double *seasonal;       /* n seasonal components: figure[t % period] */
  double *remainder;      /* n: y - trend - seasonal, or y / (trend * seasonal) */
  double *figure;         /* period normalised seasonal indices; figure[0] belongs to t = 0 */
} cc_decomposition;

/* Allocate a decomposition for n values of the given period. NULL when out of memory. */
cc_decomposition *cc_decomposition_alloc(size_t n, int period);

/* Free d. No operation when d is NULL. */
void cc_decomposition_free(cc_decomposition *d);

/* Decompose y[0..n) (NaN = missing) into d, which must have been allocated
 * for n and period. As R's decompose(): needs period >= 2 and at least two
 * periods of non-missing values; CC_EINPUT otherwise, or when some position
 * in the cycle has no detrended value at all. */
CC_MUST_CHECK cc_status cc_decompose_classical(const double *y, size_t n, int period, cc_decompose_type type,
                                               cc_decomposition *d, cc_error *err);

/* Which rule decides whether a series is long enough to be tested. */
typedef enum cc_seasonality_convention {
  CC_SEASONALITY_THETAF = 0, /* forecast::thetaf: n > 2m, series not constant, q = qnorm(0.95) */
  CC_SEASONALITY_M4 = 1      /* M4 benchmarks' SeasonalityTest: n >= 3m, q = 1.645 as printed there */
} cc_seasonality_convention;

typedef struct cc_seasonality_result {
  int tested;          /* 0 when the series was too short, constant or not periodic (period < 2) */
  int seasonal;        /* 1 when tested and |acf_at_period| > threshold */
  double acf_at_period;/* r_m, NaN when not tested */
  double threshold;    /* q * sqrt((1 + 2 sum r_k^2, k < m) / n), NaN when not tested */
} cc_seasonality_result;

/* Test y[0..n) for seasonality at `period` under `convention`. Missing
 * values are skipped pairwise in the autocorrelations (as R's
 * acf(na.action = na.pass)); n counts them, as length(x) does in R. */
void cc_decompose_test_seasonality(const double *y, size_t n, int period, cc_seasonality_convention convention,
                         cc_seasonality_result *result);

/* A multiplicative seasonal adjustment: y / index, index from a classical
 * multiplicative decomposition, or all ones when the series is not seasonal. */
typedef struct cc_seasonal_adjustment {
  size_t n;         /* length of the series */
  int period;       /* seasonal period the adjustment was allocated for */
  int seasonal;     /* 1 when the series was adjusted, 0 when index is all ones */
  double *index;    /* n in-sample seasonal indices */
  double *adjusted; /* n seasonally adjusted values y / index (NaN where y is missing) */
  double *ahead;    /* period indices for the steps 1..period after the end of the series */
} cc_seasonal_adjustment;

/* Allocate an adjustment for n values and the given period (>= 1). NULL when out of memory. */
cc_seasonal_adjustment *cc_seasonal_adjustment_alloc(size_t n, int period);

/* Free a. No operation when a is NULL. */
void cc_seasonal_adjustment_free(cc_seasonal_adjustment *a);

/* Seasonally adjust y[0..n) as forecast::thetaf and the M4 Naive2 do: when
 * the seasonality test under `convention` says the series is seasonal, by
 * a classical multiplicative decomposition; otherwise (and, as thetaf does,
 * when some index is within CC_DECOMPOSE_MIN_INDEX of zero or the
 * decomposition is impossible) not at all. a must be allocated for n and
 * period (CC_EINTERNAL otherwise). Fails otherwise only when out of memory. */
CC_MUST_CHECK cc_status cc_decompose_adjust(const double *y, size_t n, int period, cc_seasonality_convention convention,
                                           cc_seasonal_adjustment *a, cc_error *err);

#endif
