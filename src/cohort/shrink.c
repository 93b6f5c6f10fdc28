/* shrink.c: empirical-Bayes (beta-binomial and Dirichlet-multinomial)
 * shrinkage towards statistical neighbours (shrink.h). */
#include "carecast/shrink.h"

#include <math.h>

/* s from a mean m and a between-council variance v: m (1 - m) / v - 1, capped. */
static double strength_from_moments(double mean_part, double variance) {
  if (!(variance > 0.0)) return CC_SHRINK_MAX_STRENGTH;
  double s = mean_part / variance - 1.0;
  if (s < 0.0) s = 0.0; /* neighbours more spread than any beta allows: trust the council alone */
  return s > CC_SHRINK_MAX_STRENGTH ? CC_SHRINK_MAX_STRENGTH : s;
}

static cc_status check_rate(double r, const char *field, size_t index, cc_error *err) {
  if (!(r >= 0.0 && r <= 1.0))
    return cc_error_set(err, CC_EINPUT, NULL, 0, field, "neighbour %zu's rate %g is not in [0, 1]", index + 1, r);
  return CC_OK;
}

cc_status cc_shrink_rate(double x, double n, const double *rates, const double *exposures, size_t k,
                         cc_shrink_result *out, cc_error *err) {
  if (!(x >= 0.0) || !(n >= x))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "counts", "%g events out of %g at risk is not a count of a rate", x, n);
  if (k < CC_SHRINK_MIN_NEIGHBOURS)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "%zu neighbours: at least %d are needed", k,
                        CC_SHRINK_MIN_NEIGHBOURS);
  double mean = 0.0;
  for (size_t i = 0; i < k; i++) {
    cc_status st = check_rate(rates[i], "neighbours", i, err);
    if (st != CC_OK) return st;
    if (exposures && !(exposures[i] > 0.0))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "neighbour %zu's exposure %g is not positive", i + 1, exposures[i]);
    mean += rates[i] / (double)k;
  }
  double variance = 0.0, sampling = 0.0;
  for (size_t i = 0; i < k; i++) {
    variance += (rates[i] - mean) * (rates[i] - mean) / (double)(k - 1);
    if (exposures) sampling += mean * (1.0 - mean) / exposures[i] / (double)k;
  }
  double s = strength_from_moments(mean * (1.0 - mean), variance - sampling);
  out->prior_mean = mean;
  out->strength = s;
  out->own_weight = n / (n + s);
  out->rate = n + s > 0.0 ? (x + mean * s) / (n + s) : mean;
  return CC_OK;
}

cc_status cc_shrink_row(const double *counts, size_t cols, const double *neighbour_rows, size_t k, double *shrunk,
                        double *strength, double *own_weight, cc_error *err) {
  if (k < CC_SHRINK_MIN_NEIGHBOURS)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "%zu neighbours: at least %d are needed", k,
                        CC_SHRINK_MIN_NEIGHBOURS);
  double n = 0.0;
  for (size_t j = 0; j < cols; j++) {
    if (!(counts[j] >= 0.0)) return cc_error_set(err, CC_EINPUT, NULL, 0, "counts", "count %g is negative", counts[j]);
    n += counts[j];
  }
  /* Dirichlet moments: Var(p_j) = m_j (1 - m_j) / (s + 1) for every j, pooled over the row */
  double mean_part = 0.0, variance = 0.0;
  for (size_t j = 0; j < cols; j++) {
    double mean = 0.0, var = 0.0;
    for (size_t i = 0; i < k; i++) {
      cc_status st = check_rate(neighbour_rows[i * cols + j], "neighbours", i, err);
      if (st != CC_OK) return st;
      mean += neighbour_rows[i * cols + j] / (double)k;
    }
    for (size_t i = 0; i < k; i++) {
      double d = neighbour_rows[i * cols + j] - mean;
      var += d * d / (double)(k - 1);
    }
    shrunk[j] = mean; /* the prior mean, until the shrinkage below */
    mean_part += mean * (1.0 - mean);
    variance += var;
  }
  double s = strength_from_moments(mean_part, variance);
  for (size_t j = 0; j < cols; j++) shrunk[j] = n + s > 0.0 ? (counts[j] + shrunk[j] * s) / (n + s) : shrunk[j];
  *strength = s;
  *own_weight = n / (n + s);
  return CC_OK;
}
