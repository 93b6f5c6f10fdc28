/* quality.h: the data quality of a series, measured and handled explicitly.
 *
 * An assessment counts what is wrong with a series -- missing values and
 * their runs, suppressed cells, outliers (cc_outliers_find, as
 * forecast::tsoutliers), a level shift or definitional break (the sup-F test
 * of breaks.h) and zeros where counts were expected -- and sums them into a
 * score from 0 to 100:
 *
 *   score = max(0, 100 (1 - (missing + suppressed / 2 + 2 outliers + 2 zeros) / n) - 15 breaks)
 *
 * A missing slot costs its share of the series; a suppressed one half of it
 * (its bound still says something); an outlier or an unexpected zero twice
 * (a wrong value misleads a model more than an absent one); a break 15
 * points (a model fitted across it is wrong on one side).
 *
 * Unexpected zero: a zero in a count series (flow or stock) whose local
 * level -- the median of the up to CC_QUALITY_ZERO_NEIGHBOURS nearest
 * observed non-suppressed values -- is at least CC_QUALITY_ZERO_LEVEL, where
 * a Poisson count would be zero with probability exp(-level) < 1e-4.
 *
 * Outliers and breaks are looked for only when at least half of the slots
 * are observed (a series that is mostly suppressed has no shape to depart from).
 *
 * Break: the sup-F test for a shift in level and slope (k = 2) with a
 * long-run variance (cc_break_supf_lrv, breaks.h: AR(1)-prewhitened QS
 * kernel, Andrews bandwidth, of the residuals at the break when they are
 * nearly white, else of the residuals without a break), so that serial
 * correlation, a random walk's wandering and a smooth projection's curve are
 * not read as a break, on the series with gaps filled (na.interp), outliers
 * replaced and, for monthly and quarterly series with two years or more,
 * seasonal dummies (cc_break_deseasonalise); reported when
 * p < CC_QUALITY_BREAK_ALPHA. Simulated, its false-flag rate is within its
 * level on AR(1), random-walk, seasonal and projection-like series, and it
 * finds a shift of 3 noise sds in white or seasonal noise (test_quality.c).
 *
 * Handling (cc_quality_handle) is explicit and flagged: missing and
 * suppressed values imputed by Kalman smoothing (cc_impute_kalman, fitted
 * with outliers set aside), suppressed ones kept inside [0, bound] and counts
 * and rates non-negative, flagged CC_OBS_IMPUTED; outliers always flagged
 * CC_OBS_OUTLIER and replaced (flagged imputed too) only when asked; a break
 * either flagged CC_OBS_BREAK (modelled as a step when fitted, select.h) or
 * the series shortened to start at it. */
#ifndef CARECAST_QUALITY_H
#define CARECAST_QUALITY_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/series.h"

#define CC_QUALITY_BREAK_ALPHA 0.001   /* p-value below which a break is reported (hundreds of series are tested at once) */
#define CC_QUALITY_BREAK_REGRESSORS 2  /* shift in level and slope */
#define CC_QUALITY_BREAK_MIN_N 12      /* shorter series are not tested for breaks */
#define CC_QUALITY_MIN_OBSERVED_SHARE 0.5 /* series with fewer values observed are not tested for outliers or breaks */
#define CC_QUALITY_ZERO_LEVEL 9.21     /* -ln(1e-4): a Poisson mean with P(0) below 1e-4 */
#define CC_QUALITY_ZERO_NEIGHBOURS 12  /* observed values around a zero that give its local level */
#define CC_QUALITY_WEIGHT_SUPPRESSED 0.5
#define CC_QUALITY_WEIGHT_OUTLIER 2.0
#define CC_QUALITY_WEIGHT_ZERO 2.0
#define CC_QUALITY_BREAK_PENALTY 15.0
#define CC_QUALITY_SCORE_MAX 100.0

/* Per-slot marks of an assessment. */
enum { CC_QUALITY_MARK_OUTLIER = 1u << 0, CC_QUALITY_MARK_ZERO = 1u << 1 };

typedef struct cc_quality {
  size_t n;                 /* slots */
  size_t observed;          /* slots with a value */
  size_t missing;           /* slots without a value and not suppressed */
  size_t missing_runs;      /* runs of consecutive missing slots */
  size_t longest_gap;       /* longest such run */
  size_t suppressed;        /* suppressed slots */
  size_t outliers;          /* outliers found */
  size_t zeros;             /* unexpected zeros */
  int has_break;            /* 1 when a break was found (p < CC_QUALITY_BREAK_ALPHA) */
  size_t break_index;       /* slot where the break starts (the first value after it) */
  double break_p;           /* p-value of the sup-F test, NaN when not tested */
  double break_statistic;   /* sup-F, NaN when not tested */
  double break_step;        /* jump of the fitted level at the break */
  double score;             /* 0..100, see above */
  unsigned char *marks;     /* n CC_QUALITY_MARK_* sets */
  double *replacements;     /* n: the outlier replacements (NaN elsewhere) */
} cc_quality;

/* Allocate an assessment for n slots. NULL when out of memory. */
cc_quality *cc_quality_alloc(size_t n);

/* Free q. No operation when q is NULL. */
void cc_quality_free(cc_quality *q);

/* Assess s into q (allocated for s->n). Fails only when out of memory or
 * on an internal error; a series too short for a test is simply not tested. */
CC_MUST_CHECK cc_status cc_quality_assess(const cc_series *s, cc_quality *q, cc_error *err);

/* The score from the counts in q (and q->has_break). */
double cc_quality_score(const cc_quality *q);

typedef enum cc_break_handling {
  CC_BREAKS_KEEP = 0,    /* report only */
  CC_BREAKS_STEP = 1,    /* flag the break slot; fitting models it as a step */
  CC_BREAKS_SHORTEN = 2, /* keep only the part from the break on */
} cc_break_handling;

typedef struct cc_quality_handling {
  int impute;                 /* 1: impute missing and suppressed values */
  int replace_outliers;       /* 1: replace outliers by their interpolations */
  cc_break_handling breaks;   /* what to do with a break */
} cc_quality_handling;

/* Parse "step" or "shorten". CC_EUSAGE otherwise. */
CC_MUST_CHECK cc_status cc_break_handling_parse(const char *text, cc_break_handling *out, cc_error *err);

/* The handled copy of s per q and h into *out (caller frees): see above.
 * Imputation that is impossible (fewer than three observed values) leaves
 * the slots missing. CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_quality_handle(const cc_series *s, const cc_quality *q, const cc_quality_handling *h,
                                          cc_series **out, cc_error *err);

#endif
