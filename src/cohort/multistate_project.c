/* multistate_project.c: projecting a stock-and-flow model forward month by
 * month (multistate.h). Each path moves whole people between states by
 * multinomial draws with a transition matrix of its own (a bootstrap draw,
 * so that the uncertainty of the rates reaches the projection), adds the
 * entries of its entry path, and records stocks, starts and ends. Stocks
 * are never negative: they are sums of non-negative draws and entries. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/multistate.h"

cc_projection *cc_projection_alloc(size_t k, size_t months, size_t n_paths) {
  cc_projection *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  size_t cells = n_paths * months * k;
  p->k = k;
  p->months = months;
  p->n_paths = n_paths;
  p->stocks = calloc(cells, sizeof *p->stocks);
  p->starts = calloc(cells, sizeof *p->starts);
  p->ends = calloc(cells, sizeof *p->ends);
  if (!p->stocks || !p->starts || !p->ends) {
    cc_projection_free(p);
    return NULL;
  }
  return p;
}

void cc_projection_free(cc_projection *p) {
  if (!p) return;
  free(p->stocks);
  free(p->starts);
  free(p->ends);
  free(p);
}

/* The seed of path `path`'s random stream: splitmix64 of the run's seed and
 * the path's index, so that streams are independent of how paths are shared out. */
unsigned long cc_multistate_path_seed(unsigned long seed, size_t path) {
  uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ULL + (uint64_t)path + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (unsigned long)((z ^ (z >> 31)) & 0xFFFFFFFFULL);
}

/* One month of the expectation: next = p' x + e. */
static void expected_month(const cc_multistate *m, const double *x, const double *e, double *next, double *starts,
                           double *ends) {
  size_t k = m->k, cols = k + 1;
  for (size_t j = 0; j < k; j++) {
    next[j] = e[j];
    starts[j] = e[j];
  }
  for (size_t i = 0; i < k; i++) {
    for (size_t j = 0; j < k; j++) {
      double moved = x[i] * m->p[i * cols + j];
      next[j] += moved;
      if (j != i) starts[j] += moved;
    }
    ends[i] = x[i] * (1.0 - m->p[i * cols + i]);
  }
}

/* One month of a simulated path with transition matrix p. */
static void simulated_month(size_t k, const double *p, const double *x, const double *e, gsl_rng *rng, double *next,
                            double *starts, double *ends) {
  size_t cols = k + 1;
  unsigned int moves[CC_MULTISTATE_MAX_STATES + 1];
  for (size_t j = 0; j < k; j++) {
    double arrivals = isnan(e[j]) ? 0.0 : fmax(0.0, round(e[j]));
    next[j] = arrivals;
    if (starts) starts[j] = arrivals;
  }
  for (size_t i = 0; i < k; i++) {
    unsigned int people = (unsigned int)fmax(0.0, round(x[i]));
    gsl_ran_multinomial(rng, cols, people, p + i * cols, moves);
    for (size_t j = 0; j < k; j++) {
      next[j] += moves[j];
      if (starts && j != i) starts[j] += moves[j];
    }
    if (ends) ends[i] = (double)(people - moves[i]);
  }
}

void cc_multistate_simulate_path(size_t k, const double *p, const double *x0, const double *entries, size_t months,
                                 gsl_rng *rng, double *stocks, double *starts, double *ends) {
  for (size_t t = 0; t < months; t++)
    simulated_month(k, p, t == 0 ? x0 : stocks + (t - 1) * k, entries + t * k, rng, stocks + t * k,
                    starts ? starts + t * k : NULL, ends ? ends + t * k : NULL);
}

cc_status cc_multistate_project(const cc_multistate *m, const double *x0, const double *entries, size_t n_entry_paths,
                                unsigned long seed, int expected, cc_projection *proj, cc_error *err) {
  size_t k = m->k, H = proj->months;
  if (proj->k != k)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "states", "the projection has %zu states, the model %zu", proj->k, k);
  if (n_entry_paths < 1) return cc_error_set(err, CC_EINPUT, NULL, 0, "entries", "no entry schedule was given");
  for (size_t i = 0; i < k; i++)
    if (!(x0[i] >= 0.0) || isinf(x0[i]))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "stocks", "the starting stock of %s is %g: it must be a non-negative count",
                          m->names[i], x0[i]);
  if (expected) {
    /* the mean entries over the entry paths, then the deterministic recursion on every path slot */
    double *mean_entries = calloc(H * k, sizeof *mean_entries);
    if (!mean_entries) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    for (size_t q = 0; q < n_entry_paths; q++)
      for (size_t c = 0; c < H * k; c++) {
        double e = entries[q * H * k + c];
        mean_entries[c] += (isnan(e) ? 0.0 : fmax(0.0, e)) / (double)n_entry_paths;
      }
    for (size_t path = 0; path < proj->n_paths; path++)
      for (size_t t = 0; t < H; t++) {
        const double *x = t == 0 ? x0 : proj->stocks + (path * H + t - 1) * k;
        size_t at = (path * H + t) * k;
        expected_month(m, x, mean_entries + t * k, proj->stocks + at, proj->starts + at, proj->ends + at);
      }
    free(mean_entries);
    return CC_OK;
  }
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t cells = k * (k + 1);
  for (size_t path = 0; path < proj->n_paths; path++) {
    gsl_rng_set(rng, cc_multistate_path_seed(seed, path));
    const double *p = m->n_draws > 0 ? m->draws + (path % m->n_draws) * cells : m->p;
    size_t at = path * H * k;
    cc_multistate_simulate_path(k, p, x0, entries + (path % n_entry_paths) * H * k, H, rng, proj->stocks + at,
                                proj->starts + at, proj->ends + at);
  }
  gsl_rng_free(rng);
  return CC_OK;
}
