/* frequency.h: aligning series of different frequencies.
 *
 * Aggregation: a monthly series becomes quarterly, financial-year and
 * calendar-year series, and a quarterly one financial-year and calendar-year
 * series. Flows and amounts are summed over the period; stocks take the value
 * at the period's end; rates are not aggregated (a rate needs its numerator
 * and denominator). A period is aggregated only when every one of its slots
 * is in the series and has a value or a suppression bound: a suppressed slot
 * makes the total suppressed, with the sum of values and bounds as its upper
 * bound. Flags other than "observed" carry over when any slot has them.
 *
 * Disaggregation (only on request): Denton's proportional first-difference
 * method as modified by Cholette (1988), the one in IMF's Quarterly National
 * Accounts Manual (Bloem et al. 2001, ch. 6) and statsmodels' dentonm:
 * minimise sum_t (x_t/i_t - x_{t-1}/i_{t-1})^2 over the high-frequency x,
 * given an indicator i, subject to each low-frequency value being the sum
 * (flows), the end value (stocks) of its x. Values made so are flagged imputed. */
#ifndef CARECAST_FREQUENCY_H
#define CARECAST_FREQUENCY_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/series.h"

/* How k high-frequency values make one low-frequency value. */
typedef enum cc_temporal_rule {
  CC_TEMPORAL_SUM = 0,  /* flows and amounts */
  CC_TEMPORAL_LAST = 1, /* stocks: the value at the period's end */
} cc_temporal_rule;

/* The rule for a kind; CC_EINPUT for rates, which are neither summed nor carried. */
CC_MUST_CHECK cc_status cc_temporal_rule_of(cc_kind kind, cc_temporal_rule *rule, cc_error *err);

/* 1 when a series of frequency from can be aggregated to frequency to
 * (month to quarter, financial year or year; quarter to financial or calendar year). */
int cc_freq_aggregates_to(cc_freq from, cc_freq to);

/* Aggregate s to frequency to (see the rules above). The result has s's id,
 * measure, geography, age band, unit, kind and sources, and covers every
 * period of `to` that s touches (missing where incomplete). Caller frees *out. */
CC_MUST_CHECK cc_status cc_freq_aggregate(const cc_series *s, cc_freq to, cc_series **out, cc_error *err);

/* Denton (proportional, first differences): x[0..k*m) from indicator[0..k*m)
 * (all > 0) and benchmark[0..m), each benchmark the rule's aggregate of k
 * consecutive x. Solves the constrained least-squares problem through its
 * normal equations with LAPACK. CC_EINPUT for a non-positive indicator. */
CC_MUST_CHECK cc_status cc_denton(const double *indicator, const double *benchmark, size_t m, size_t k,
                                  cc_temporal_rule rule, double *x, cc_error *err);

/* Disaggregate the quarterly or annual s to months by Denton with a flat
 * indicator, run by run of consecutive periods with a value (suppressed and
 * missing periods stay missing months). Months made so are flagged imputed
 * (plus provisional or break when their period was). Counts that would come
 * out negative are refused with CC_EINPUT. Caller frees *out. */
CC_MUST_CHECK cc_status cc_freq_disaggregate(const cc_series *s, cc_series **out, cc_error *err);

#endif
