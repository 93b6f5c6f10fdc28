/* ageband.h: age bands as intervals, and the harmonisation of publishers'
 * bands to the common bands of the linked panel.
 *
 * A band is a half-open interval of whole years [low, high): "18-64" is
 * [18, 65), "65+" is [65, CC_AGE_END), "all" is [0, CC_AGE_END). A source band
 * that lies inside one common band is a part of it; one that straddles two is
 * split between them in proportion to the population of each overlap. The
 * population of an age interval comes from reference bands (the population
 * series of the same place and year) assuming people are spread evenly over
 * the years of each reference band; an open reference band ("85+") can only be
 * taken whole, never cut. */
#ifndef CARECAST_AGEBAND_H
#define CARECAST_AGEBAND_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_AGE_END 1000 /* the upper end of an open band: past any age */
#define CC_AGE_COMMON_COUNT 3 /* 0-17, 18-64, 65+ (plus "all", which is kept as it is) */

typedef struct cc_age_range {
  int low;  /* first year of age in the band */
  int high; /* first year past the band; CC_AGE_END for an open band */
} cc_age_range;

/* The panel's common bands, in order: "0-17", "18-64", "65+". */
const char *cc_age_common_band(size_t i);

/* Parse an age band ("all", "N-M", "N+"; see cc_check_age_band). */
CC_MUST_CHECK cc_status cc_age_parse(const char *text, cc_age_range *out, cc_error *err);

/* Write r as a band ("all", "18-64", "65+") into buf of len bytes. */
char *cc_age_format(cc_age_range r, char *buf, size_t len);

/* 1 when a and b share at least one year. */
int cc_age_overlap(cc_age_range a, cc_age_range b);

/* 1 when inner lies wholly inside outer. */
int cc_age_within(cc_age_range inner, cc_age_range outer);

/* Reference population: disjoint bands with their counts. */
typedef struct cc_age_reference {
  const cc_age_range *bands; /* n disjoint bands */
  const double *population;  /* n counts, >= 0 */
  size_t n;
} cc_age_reference;

/* The population of ages r under ref (even spread within each band). Fails
 * when some year of r is in no reference band, or when r cuts an open band. */
CC_MUST_CHECK cc_status cc_age_population(cc_age_range r, const cc_age_reference *ref, double *out, cc_error *err);

/* The shares of source falling in each of targets[0..n) (shares[i] = 0 when
 * they do not overlap). A source inside one target has share 1 there and needs
 * no population (ref may be NULL); otherwise shares are population
 * proportions, and the targets must cover source. */
CC_MUST_CHECK cc_status cc_age_split(cc_age_range source, const cc_age_range *targets, size_t n,
                                     const cc_age_reference *ref, double *shares, cc_error *err);

/* From n available population bands pick the finest disjoint set: a band that
 * holds another available band is dropped, and so is "all". keep[i] is set to
 * 1 for the bands kept. Fails when two kept bands overlap without nesting. */
CC_MUST_CHECK cc_status cc_age_reference_select(const cc_age_range *bands, size_t n, int *keep, cc_error *err);

#endif
