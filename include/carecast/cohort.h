/* cohort.h: demand as population times a rate of need, per age band.
 *
 * The approach of POPPI and PANSI (the Projecting Older People / Adult
 * Needs and Service Information systems councils plan with): for each age
 * band, demand = population x rate, where the rate is the share of the band
 * that needs or uses the service. Rates are estimated from the history
 * (demand / population) and forecast with the time-series models, held
 * constant, or set by a scenario; the projection multiplies their sample
 * paths by the projected population, so it carries the rates' uncertainty
 * and, where population variants are given (ONS principal, high, low),
 * theirs too. */
#ifndef CARECAST_COHORT_H
#define CARECAST_COHORT_H

#include <stddef.h>

#include "carecast/ageband.h"
#include "carecast/error.h"

/* Rates of need: rates[t * bands + b] = demand / population for each period
 * and band. NaN where either is missing. CC_EINPUT naming the field when a
 * value is negative, or the population is zero while demand is not. */
CC_MUST_CHECK cc_status cc_cohort_rates(const double *demand, const double *population, size_t periods, size_t bands,
                                        double *rates, cc_error *err);

/* The population of each of n_bands demand bands (bands[b], ages) in one
 * period, from the population in other bands (ref: disjoint bands, such as
 * the ONS series' five-year bands or single years of age): out[b] is the
 * population of the ages of bands[b] under ref (cc_age_population). A
 * population band lying inside a demand band counts whole; one straddling
 * two demand bands is split between them in proportion to its population in
 * each, taken as the share of its years each holds (people spread evenly
 * over the years of a population band); so is one holding a finer demand
 * band (demand at 65-69 against population at 65-74 is divided by half of
 * the 65-74 population). An open population band (85+) is taken whole,
 * never cut. A missing (NaN) population in a band that contributes makes
 * out[b] NaN. CC_EINPUT under "population_bands" naming the demand band when
 * the population bands leave some of its ages uncovered or it would cut an
 * open band. */
CC_MUST_CHECK cc_status cc_cohort_band_population(const cc_age_range *bands, size_t n_bands, const cc_age_reference *ref,
                                                  double *out, cc_error *err);

/* Projected demand paths. */
typedef struct cc_cohort_paths {
  size_t bands, horizon, n_paths;
  double *demand; /* n_paths x horizon x bands: demand[(p * horizon + t) * bands + b] */
  double *total;  /* n_paths x horizon: the sum over bands */
} cc_cohort_paths;

/* Allocate zero-filled paths. NULL when out of memory. */
cc_cohort_paths *cc_cohort_paths_alloc(size_t bands, size_t horizon, size_t n_paths);

/* Free p. No operation when p is NULL. */
void cc_cohort_paths_free(cc_cohort_paths *p);

/* Project: path p of out is population variant (p mod n_variants) times
 * rate path (p mod n_rate_paths), band by band. rate_paths holds
 * n_rate_paths x horizon x bands rates (a rate held constant is one path);
 * population holds n_variants x horizon x bands people. Variants are taken
 * in turn, so each is equally represented: ONS publishes them as
 * alternatives, not as probabilities. Rates below zero (a forecast of a
 * rate can dip) count as zero, so demand is never negative. CC_EINPUT when
 * a population is negative or missing. */
CC_MUST_CHECK cc_status cc_cohort_project(const double *rate_paths, size_t n_rate_paths, const double *population,
                                          size_t n_variants, cc_cohort_paths *out, cc_error *err);

#endif
