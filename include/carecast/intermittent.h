/* intermittent.h: classifying demand as smooth, erratic, intermittent or
 * lumpy, to decide whether the intermittent-demand families ("croston",
 * "sba", "tsb" in models.h, src/ts/intermittent.c) suit a series.
 *
 * The scheme is Syntetos, Boylan and Croston (2005), "On the categorization
 * of demand patterns", Journal of the Operational Research Society 56(5),
 * 495-503: two measures of a series,
 *   ADI  the average inter-demand interval, in periods, and
 *   CV2  the squared coefficient of variation of the non-zero demand sizes,
 * cut at ADI = 1.32 and CV2 = 0.49, the values at which their paper finds
 * SBA starts to beat Croston's method (and both beat simple exponential
 * smoothing):
 *                     CV2 <= 0.49     CV2 > 0.49
 *     ADI <= 1.32     smooth          erratic
 *     ADI >  1.32     intermittent    lumpy
 * A value exactly at a cut-off falls on the "smooth" side.
 *
 * How the measures are computed (the same way the fitting code sees the
 * series, so that classification and forecasts agree):
 *   - missing values (NaN) are dropped, as if the period did not exist;
 *   - the intervals are those of Croston's method as forecast::croston()
 *     forms them: the first runs from the start of the series to the first
 *     demand, each next one from one demand to the next; periods after the
 *     last demand are not an interval yet. ADI = mean interval = (position
 *     of the last demand among the non-missing periods) / (number of demands);
 *   - CV2 = s^2 / mean^2 of the non-zero values, s^2 the sample variance
 *     (divisor k - 1, as R's sd()); NaN with fewer than two demands, which
 *     classifies as CV2 <= 0.49 (a single size shows no variation). */
#ifndef CARECAST_INTERMITTENT_H
#define CARECAST_INTERMITTENT_H

#include <stddef.h>

/* The Syntetos-Boylan-Croston (2005) cut-offs. */
#define CC_INTERMITTENT_ADI_CUTOFF 1.32 /* average inter-demand interval, periods */
#define CC_INTERMITTENT_CV2_CUTOFF 0.49 /* squared coefficient of variation of the demand sizes */

typedef enum cc_intermittent_class {
  CC_DEMAND_SMOOTH = 0,       /* ADI <= 1.32, CV2 <= 0.49 */
  CC_DEMAND_ERRATIC = 1,      /* ADI <= 1.32, CV2 >  0.49 */
  CC_DEMAND_INTERMITTENT = 2, /* ADI >  1.32, CV2 <= 0.49 */
  CC_DEMAND_LUMPY = 3,        /* ADI >  1.32, CV2 >  0.49 */
  CC_DEMAND_NONE = 4,         /* no non-zero demand at all: ADI and CV2 are NaN */
  CC_DEMAND_INVALID = 5,      /* a negative or infinite value: not a demand series; ADI and CV2 are NaN */
} cc_intermittent_class;

/* Classify y[0..n) (NaN = missing) and, where adi and cv2 are not NULL,
 * store the two measures there (see above for their definitions). */
cc_intermittent_class cc_demand_classify(const double *y, size_t n, double *adi, double *cv2);

/* The class of a series with these measures (the table above; NaN cv2
 * counts as not above its cut-off, NaN adi gives CC_DEMAND_NONE). */
cc_intermittent_class cc_demand_class_of(double adi, double cv2);

/* 1 when y[0..n) is intermittent enough for Croston-type methods, that is
 * ADI > CC_INTERMITTENT_ADI_CUTOFF (class intermittent or lumpy); 0
 * otherwise, including for series with no demand or invalid values. */
int cc_demand_is_intermittent(const double *y, size_t n);

/* A short English name for a class ("smooth", "erratic", ...). */
const char *cc_demand_class_name(cc_intermittent_class c);

#endif
