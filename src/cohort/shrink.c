/* shrink.c: empirical-Bayes (beta-binomial and Dirichlet-multinomial)
 * shrinkage towards statistical neighbours (shrink.h). */
#include "carecast/shrink.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- a whole transition matrix ----------------------------------------- */

/* One draw from Dirichlet(alpha[n]) into theta; a zero alpha gives a zero
 * share (a move no one, neighbours included, has ever made). */
static void draw_dirichlet(gsl_rng *rng, const double *alpha, size_t n, double *theta) {
  double sum = 0.0;
  for (size_t j = 0; j < n; j++) sum += theta[j] = alpha[j] > 0.0 ? gsl_ran_gamma(rng, alpha[j], 1.0) : 0.0;
  for (size_t j = 0; j < n; j++) theta[j] = sum > 0.0 ? theta[j] / sum : 1.0 / (double)n;
}

cc_status cc_shrink_multistate(cc_multistate *m, const double *exposure, const double *neighbour_p, size_t n_neighbours,
                               size_t n_draws, unsigned long seed, double *own_weight, double *strength, cc_error *err) {
  size_t k = m->k, cols = k + 1, cells = k * cols;
  if (n_neighbours < CC_SHRINK_MIN_NEIGHBOURS)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "%zu neighbours: at least %d are needed", n_neighbours,
                        CC_SHRINK_MIN_NEIGHBOURS);
  for (size_t i = 0; i < k; i++)
    if (!(exposure[i] >= 0.0) || isinf(exposure[i]))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "exposure", "%s: %g person-months at risk is not a count", m->names[i],
                          exposure[i]);
  double *alpha = malloc(cells * sizeof *alpha), *rows = malloc(n_neighbours * cols * sizeof *rows);
  double *draws = n_draws ? malloc(n_draws * cells * sizeof *draws) : NULL;
  gsl_rng *rng = n_draws ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
  cc_status st = CC_OK;
  if (!alpha || !rows || (n_draws && (!draws || !rng))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  /* the posterior of each row: alpha_j = counts_j + m_j s over the allowed moves (n of them) */
  size_t allowed_n[CC_MULTISTATE_MAX_STATES];
  for (size_t i = 0; !st && i < k; i++) {
    double counts[CC_MULTISTATE_MAX_STATES + 1], shrunk[CC_MULTISTATE_MAX_STATES + 1], s = 0.0, w = 0.0;
    size_t n = 0;
    for (size_t j = 0; j < cols; j++) {
      if (!m->allowed[i * cols + j]) continue;
      counts[n] = m->p[i * cols + j] * exposure[i];
      for (size_t q = 0; q < n_neighbours; q++) rows[q * cols + n] = neighbour_p[q * cells + i * cols + j];
      n++;
    }
    for (size_t q = 0; !st && q < n_neighbours; q++)
      for (size_t j = 0; !st && j < cols; j++) {
        double r = neighbour_p[q * cells + i * cols + j];
        if (!(r >= 0.0 && r <= 1.0))
          st = cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "state %s: neighbour %zu's probability of moving to %s is %g",
                            m->names[i], q + 1, j == k ? "ended" : m->names[j], r);
      }
    if (st) break;
    for (size_t q = 0; q < n_neighbours; q++) { /* renormalise over the allowed moves */
      double total = 0.0;
      for (size_t j = 0; j < n; j++) total += rows[q * cols + j];
      for (size_t j = 0; j < n; j++) rows[q * cols + j] = total > 0.0 ? rows[q * cols + j] / total : 1.0 / (double)n;
    }
    /* cc_shrink_row reads rows as n_neighbours x n: pack them */
    for (size_t q = 1; q < n_neighbours; q++)
      for (size_t j = 0; j < n; j++) rows[q * n + j] = rows[q * cols + j];
    st = cc_shrink_row(counts, n, rows, n_neighbours, shrunk, &s, &w, err);
    if (st) {
      char reason[CC_ERROR_MESSAGE_MAX];
      snprintf(reason, sizeof reason, "%s", err->message);
      st = cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "state %s: %s", m->names[i], reason);
      break;
    }
    allowed_n[i] = n;
    double total = exposure[i] + s;
    for (size_t j = 0; j < n; j++) alpha[i * cols + j] = shrunk[j] * total; /* = counts_j + m_j s */
    if (own_weight) own_weight[i] = w;
    if (strength) strength[i] = s;
  }
  for (size_t i = 0; !st && i < k; i++) {
    double a0 = 0.0;
    for (size_t j = 0; j < allowed_n[i]; j++) a0 += alpha[i * cols + j];
    size_t n = 0;
    for (size_t j = 0; j < cols; j++) {
      size_t at = i * cols + j;
      if (!m->allowed[at]) {
        m->p[at] = 0.0, m->se[at] = 0.0;
        continue;
      }
      double a = alpha[i * cols + n++];
      m->p[at] = a0 > 0.0 ? a / a0 : 1.0 / (double)allowed_n[i];
      m->se[at] = a0 > 0.0 ? sqrt(a * (a0 - a) / (a0 * a0 * (a0 + 1.0))) : NAN;
    }
  }
  if (!st && n_draws) {
    gsl_rng_set(rng, seed);
    double theta[CC_MULTISTATE_MAX_STATES + 1];
    for (size_t b = 0; b < n_draws; b++)
      for (size_t i = 0; i < k; i++) {
        draw_dirichlet(rng, alpha + i * cols, allowed_n[i], theta);
        size_t n = 0;
        for (size_t j = 0; j < cols; j++) draws[b * cells + i * cols + j] = m->allowed[i * cols + j] ? theta[n++] : 0.0;
      }
    free(m->draws);
    m->draws = draws;
    m->n_draws = n_draws;
    draws = NULL;
  }
  free(alpha);
  free(rows);
  free(draws);
  gsl_rng_free(rng);
  return st;
}

/* ---- the chance of ending only ---------------------------------------- */

/* Set row i of p (k x (k+1)) to end with probability `end`, every other
 * move (staying included) keeping its share of the rest in row i of
 * `split` (same layout); all of the rest to staying when split has none. */
static void set_end(double *p, const double *split, size_t k, size_t i, double end) {
  size_t cols = k + 1;
  double rest = 1.0 - split[i * cols + k];
  for (size_t j = 0; j < k; j++)
    p[i * cols + j] = rest > 0.0 ? (1.0 - end) * split[i * cols + j] / rest : j == i ? 1.0 - end : 0.0;
  p[i * cols + k] = end;
}

cc_status cc_shrink_exits(cc_multistate *m, const double *exposure, const unsigned char *shrink, const double *neighbour_exit,
                          const double *neighbour_exposure, size_t n_neighbours, size_t n_draws, unsigned long seed,
                          double *own_weight, cc_error *err) {
  size_t k = m->k, cols = k + 1, cells = k * cols;
  cc_shrink_result result[CC_MULTISTATE_MAX_STATES];
  int done[CC_MULTISTATE_MAX_STATES] = {0};
  double x[CC_MULTISTATE_MAX_STATES];
  for (size_t i = 0; i < k; i++) {
    if (own_weight) own_weight[i] = NAN;
    if (!shrink[i]) continue;
    if (!(exposure[i] >= 0.0) || isinf(exposure[i]))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "exposure", "%s: %g person-months at risk is not a count", m->names[i],
                          exposure[i]);
    double rates[CC_SHRINK_MAX_NEIGHBOURS], exposures[CC_SHRINK_MAX_NEIGHBOURS];
    size_t n = 0;
    for (size_t q = 0; q < n_neighbours && n < CC_SHRINK_MAX_NEIGHBOURS; q++) {
      double r = neighbour_exit[i * n_neighbours + q], e = neighbour_exposure[i * n_neighbours + q];
      if (isnan(r)) continue;
      if (!(r >= 0.0 && r <= 1.0) || !(e > 0.0))
        return cc_error_set(err, CC_EINPUT, NULL, 0, "neighbours", "%s: neighbour %zu's exit probability %g over %g person-months",
                            m->names[i], q + 1, r, e);
      rates[n] = r, exposures[n++] = e;
    }
    if (n < CC_SHRINK_MIN_NEIGHBOURS) continue;
    double end = m->p[cc_multistate_at(m, i, k)];
    x[i] = fmin(fmax(end, 0.0), 1.0) * exposure[i];
    cc_status st = cc_shrink_rate(x[i], exposure[i], rates, exposures, n, &result[i], err);
    if (st) return st;
    done[i] = 1;
  }
  /* the draws first (they keep their own split), then the point estimate */
  size_t draws = m->n_draws ? m->n_draws : n_draws;
  double *out = draws ? malloc(draws * cells * sizeof *out) : NULL;
  gsl_rng *rng = draws ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
  if (draws && (!out || !rng)) {
    free(out);
    gsl_rng_free(rng);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  if (rng) gsl_rng_set(rng, seed);
  for (size_t b = 0; b < draws; b++) {
    const double *own = m->n_draws ? m->draws + b * cells : m->p;
    memcpy(out + b * cells, own, cells * sizeof *out);
    for (size_t i = 0; i < k; i++) {
      if (!done[i]) continue;
      double s = result[i].strength, mean = result[i].prior_mean, n = exposure[i];
      double a = x[i] + mean * s, bb = n - x[i] + (1.0 - mean) * s;
      double end = a <= 0.0 ? 0.0 : bb <= 0.0 ? 1.0 : gsl_ran_beta(rng, a, bb);
      set_end(out + b * cells, own, k, i, end);
    }
  }
  if (draws) {
    free(m->draws);
    m->draws = out;
    m->n_draws = draws;
  }
  gsl_rng_free(rng);
  double split[CC_MULTISTATE_MAX_STATES * (CC_MULTISTATE_MAX_STATES + 1)];
  memcpy(split, m->p, cells * sizeof *split);
  for (size_t i = 0; i < k; i++) {
    if (!done[i]) continue;
    double s = result[i].strength, n = exposure[i], end = result[i].rate;
    double a = x[i] + result[i].prior_mean * s, total = n + s;
    double sd = total > 0.0 ? sqrt(a * (total - a) / (total * total * (total + 1.0))) : NAN;
    set_end(m->p, split, k, i, end);
    /* the other moves are shares of 1 - end: their sd is their share of the end's */
    for (size_t j = 0; j < cols; j++) m->se[i * cols + j] = j == k ? sd : end < 1.0 ? sd * m->p[i * cols + j] / (1.0 - end) : 0.0;
    if (own_weight) own_weight[i] = result[i].own_weight;
  }
  return CC_OK;
}
