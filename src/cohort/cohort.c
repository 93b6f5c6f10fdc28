/* cohort.c: population x rate projection (cohort.h). */
#include "carecast/cohort.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "carecast/series.h"

cc_status cc_cohort_rates(const double *demand, const double *population, size_t periods, size_t bands, double *rates,
                          cc_error *err) {
  for (size_t t = 0; t < periods; t++)
    for (size_t b = 0; b < bands; b++) {
      size_t at = t * bands + b;
      double d = demand[at], pop = population[at];
      if (d < 0.0) return cc_error_set(err, CC_EINPUT, NULL, 0, "demand", "demand %g in period %zu, band %zu is negative", d, t + 1, b + 1);
      if (pop < 0.0)
        return cc_error_set(err, CC_EINPUT, NULL, 0, "population", "population %g in period %zu, band %zu is negative", pop, t + 1, b + 1);
      if (pop == 0.0 && d > 0.0)
        return cc_error_set(err, CC_EINPUT, NULL, 0, "population",
                            "population is zero in period %zu, band %zu, where demand is %g: the bands do not match", t + 1, b + 1, d);
      rates[at] = isnan(d) || isnan(pop) ? NAN : pop == 0.0 ? 0.0 : d / pop;
    }
  return CC_OK;
}

cc_status cc_cohort_band_population(const cc_age_range *bands, size_t n_bands, const cc_age_reference *ref,
                                    double *out, cc_error *err) {
  for (size_t b = 0; b < n_bands; b++) {
    cc_status status = cc_age_population(bands[b], ref, &out[b], err);
    if (status) {
      char band[CC_AGE_BAND_MAX], reason[CC_ERROR_MESSAGE_MAX];
      snprintf(reason, sizeof reason, "%s", err->message);
      return cc_error_set(err, status, NULL, 0, "population_bands", "cannot build the population of demand band %s: %s",
                          cc_age_format(bands[b], band, sizeof band), reason);
    }
  }
  return CC_OK;
}

cc_cohort_paths *cc_cohort_paths_alloc(size_t bands, size_t horizon, size_t n_paths) {
  cc_cohort_paths *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->bands = bands;
  p->horizon = horizon;
  p->n_paths = n_paths;
  p->demand = calloc(n_paths * horizon * bands, sizeof *p->demand);
  p->total = calloc(n_paths * horizon, sizeof *p->total);
  if (!p->demand || !p->total) {
    cc_cohort_paths_free(p);
    return NULL;
  }
  return p;
}

void cc_cohort_paths_free(cc_cohort_paths *p) {
  if (!p) return;
  free(p->demand);
  free(p->total);
  free(p);
}

cc_status cc_cohort_project(const double *rate_paths, size_t n_rate_paths, const double *population, size_t n_variants,
                            cc_cohort_paths *out, cc_error *err) {
  size_t H = out->horizon, B = out->bands;
  if (n_rate_paths < 1 || n_variants < 1)
    return cc_error_set(err, CC_EINPUT, NULL, 0, n_rate_paths < 1 ? "rates" : "population", "nothing to project from");
  for (size_t c = 0; c < n_variants * H * B; c++)
    if (!(population[c] >= 0.0) || isinf(population[c]))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "population",
                          "projected population %g (variant %zu, step %zu, band %zu) is missing or negative", population[c],
                          c / (H * B) + 1, c / B % H + 1, c % B + 1);
  for (size_t p = 0; p < out->n_paths; p++) {
    const double *rates = rate_paths + (p % n_rate_paths) * H * B;
    const double *pop = population + (p % n_variants) * H * B;
    for (size_t t = 0; t < H; t++) {
      double total = 0.0;
      for (size_t b = 0; b < B; b++) {
        double rate = rates[t * B + b];
        if (isnan(rate))
          return cc_error_set(err, CC_EINPUT, NULL, 0, "rates", "rate path %zu has no value at step %zu, band %zu",
                              p % n_rate_paths + 1, t + 1, b + 1);
        double d = pop[t * B + b] * (rate > 0.0 ? rate : 0.0);
        out->demand[(p * H + t) * B + b] = d;
        total += d;
      }
      out->total[p * H + t] = total;
    }
  }
  return CC_OK;
}
