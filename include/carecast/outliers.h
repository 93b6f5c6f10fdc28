/* outliers.h: outliers of a time series as forecast::tsoutliers() finds
 * them (R forecast 8.20).
 *
 * Missing values are first filled (cc_interp_na). A seasonal series
 * (period > 1, more than two periods long) is seasonally adjusted by the
 * robust STL of mstl() when its seasonal strength 1 - var(remainder) /
 * var(detrended) is at least 0.6. The residuals from Friedman's super
 * smoother of the (adjusted) series are compared with limits three
 * interquartile ranges beyond the quartiles (Tukey's far-out fences);
 * residuals outside are outliers. Outliers are then replaced by
 * interpolation and, with iterate = 2 (R's default), the search is run
 * once more on the cleaned series and the two sets united. Replacements
 * are cc_interp_na of the series with every outlier set missing. */
#ifndef CARECAST_OUTLIERS_H
#define CARECAST_OUTLIERS_H

#include <stddef.h>

#include "carecast/error.h"

/* Fences at this many interquartile ranges beyond the quartiles (Tukey 1977's "far out"). */
#define CC_OUTLIER_IQR_FENCE 3.0
/* Seasonal strength (Wang, Smith & Hyndman 2006) from which the series is seasonally adjusted first. */
#define CC_OUTLIER_SEASONAL_STRENGTH 0.6
/* tsoutliers()'s default number of passes. */
#define CC_OUTLIER_ITERATE 2
/* Fences closer together than this mean a (nearly) constant residual: no outliers. */
#define CC_OUTLIER_MIN_FENCE_WIDTH 1e-14

typedef struct cc_outliers {
  size_t n;              /* length of the series */
  size_t count;          /* outliers found */
  size_t *index;         /* count 0-based positions, increasing (room for n) */
  double *replacements;  /* count replacement values, one per index */
  double *cleaned;       /* n: the series with missing values and outliers filled */
} cc_outliers;

/* Allocate a result for series of n values. NULL when out of memory. */
cc_outliers *cc_outliers_alloc(size_t n);

/* Free o. No operation when o is NULL. */
void cc_outliers_free(cc_outliers *o);

/* Find the outliers of y[0..n) (NaN = missing; missing values are never
 * outliers) with seasonal period `period` and `iterate` passes (1 or 2),
 * into o (allocated for n). A constant series, or one too short for the
 * super smoother (fewer than CC_SUPSMU_MIN_N values), has none.
 * CC_EINPUT when nothing is observed; CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_outliers_find(const double *y, size_t n, int period, int iterate, cc_outliers *o,
                                         cc_error *err);

/* y[0..n) seasonally adjusted as tsoutliers() does before smoothing: when
 * period > 1, n > 2 period and the seasonal strength of the robust STL of
 * mstl(), 1 - var(remainder) / var(y - trend), is at least
 * CC_OUTLIER_SEASONAL_STRENGTH, y minus the seasonal component; otherwise y
 * itself. y must be complete. scratch holds 2 n values. */
CC_MUST_CHECK cc_status cc_outliers_adjust(const double *y, size_t n, int period, double *adjusted, double *scratch,
                                           cc_error *err);

/* The type-7 quantile (R's default) of the non-missing values of x[0..n) at
 * probability p; sorted is scratch of n. NaN when none is observed. */
double cc_quantile7(const double *x, size_t n, double p, double *sorted);

#endif
