/* multistate.h: the stock-and-flow (multistate Markov) demand model.
 *
 * People occupy one of k live states (for adults: community with no
 * long-term support, home care, residential care, nursing care; for
 * children: referral, assessment, child in need, child protection plan,
 * looked after ...) and move each month with probabilities p[i][j]; column
 * k is "ended" (died, left, case closed). New people enter from outside.
 * Over one month
 *
 *     x_{t+1,j} = sum_i x_{t,i} p_ij + e_{t+1,j}                (stocks)
 *     s_{t+1,j} = sum_{i != j} x_{t,i} p_ij + e_{t+1,j}         (starts)
 *     d_{t+1,i} = x_{t,i} (1 - p_ii)                            (ends)
 *
 * with x the end-of-month stocks, e the entries from outside, s the starts
 * (all arrivals into a state) and d the ends (all departures from a state).
 *
 * Councils publish and share aggregates, not who moved where, so the
 * probabilities are estimated from these identities by constrained least
 * squares (the "macro" Markov estimator of Lee, Judge and Zellner, 1970):
 * each row of p lies on the probability simplex (entries in [0,1], summing
 * to one) with transitions the model forbids held at zero. Equations are
 * weighted by the inverse of their Poisson-like variance (1 + the observed
 * count) and the problem is solved by accelerated projected gradient
 * (Beck and Teboulle's FISTA) with the exact Euclidean projection onto the
 * simplex (Duchi et al. 2008). Where episode-level data exist the rates come
 * from counted transitions instead (cc_multistate_from_counts).
 *
 * Uncertainty of the rates: a parametric bootstrap (the fitted chain is
 * simulated forward from the first stocks with the observed entries,
 * re-aggregated and re-estimated) gives standard errors and a set of
 * probability matrices that projection draws from, so that projections
 * carry parameter uncertainty as well as the random variation of flows. */
#ifndef CARECAST_MULTISTATE_H
#define CARECAST_MULTISTATE_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "carecast/error.h"

#define CC_MULTISTATE_MAX_STATES 16     /* live states a model may have */
#define CC_STATE_NAME_MAX 32            /* "child_protection_plan", with NUL */

/* A fitted (or given) transition model of k live states plus "ended". */
typedef struct cc_multistate {
  size_t k;                              /* live states */
  char (*names)[CC_STATE_NAME_MAX];      /* k state names */
  unsigned char *allowed;                /* k x (k+1), row-major: 1 where i -> j may happen (column k: ended) */
  double *p;                             /* k x (k+1) monthly transition probabilities, rows sum to 1 */
  double *se;                            /* k x (k+1) standard errors (bootstrap), NaN when not estimated */
  size_t n_draws;                        /* bootstrap draws kept */
  double *draws;                         /* n_draws x k x (k+1) probability matrices, NULL when none */
  double sse;                            /* weighted sum of squared residuals of the fit */
  int iterations;                        /* projected-gradient iterations used */
} cc_multistate;

/* Allocate a model of k live states (1 <= k <= CC_MULTISTATE_MAX_STATES):
 * every transition allowed, p uniform over each row, se NaN, no draws, names
 * "s0", "s1", ... NULL when out of memory or k out of range. */
cc_multistate *cc_multistate_alloc(size_t k);

/* Free m. No operation when m is NULL. */
void cc_multistate_free(cc_multistate *m);

/* Index of p, allowed and se for the move from state i to state j (j == k: ended). */
static inline size_t cc_multistate_at(const cc_multistate *m, size_t i, size_t j) { return i * (m->k + 1) + j; }

/* Aggregate data over T months for k live states. Matrices are row-major
 * with one row per time: stocks has T + 1 rows (row 0 is the stock at the
 * end of the month before the first), the flows T rows (row t is month t+1,
 * the month that ends at stocks row t+1). NaN marks a missing value: its
 * equation is left out. */
typedef struct cc_flow_data {
  size_t k;               /* live states */
  size_t months;          /* T */
  const double *stocks;   /* (T + 1) x k end-of-month stocks (required) */
  const double *entries;  /* T x k arrivals from outside the system (required) */
  const double *starts;   /* T x k all arrivals into each state, or NULL */
  const double *ends;     /* T x k all departures from each state, or NULL */
} cc_flow_data;

typedef struct cc_multistate_options {
  int max_iterations;     /* projected-gradient iterations at most (default 20000) */
  double tolerance;       /* stop when no probability moves by more than this (default 1e-10) */
  size_t bootstrap;       /* bootstrap replicates for standard errors and draws (default 200, 0 for none) */
  unsigned long seed;     /* seed of the bootstrap stream */
} cc_multistate_options;

void cc_multistate_options_default(cc_multistate_options *options);

/* Estimate m->p (within m->allowed, which the caller sets first; a row with
 * no allowed move is an error) from data by weighted constrained least
 * squares, then, when options->bootstrap > 0, m->se and m->draws. options
 * may be NULL for the defaults. CC_EINPUT, naming the field, when the data
 * are negative, of the wrong size, or leave a state's row unidentified (no
 * month with a positive stock in it). */
CC_MUST_CHECK cc_status cc_multistate_estimate(cc_multistate *m, const cc_flow_data *data,
                                               const cc_multistate_options *options, cc_error *err);

/* Set m->p from counted transitions: counts is k x (k+1) (moves from i to
 * j, j == k ended, staying put on the diagonal). Rows with no count at all
 * are an error naming the state. Standard errors are the binomial ones;
 * draws (n_draws > 0) come from the Dirichlet posterior under a Jeffreys
 * prior over each row's allowed moves. */
CC_MUST_CHECK cc_status cc_multistate_from_counts(cc_multistate *m, const double *counts, size_t n_draws,
                                                  unsigned long seed, cc_error *err);

/* Expected months a person entering state i stays there: 1 / (1 - p_ii)
 * (the sojourn of a geometric stay); infinity when p_ii is 1. */
double cc_multistate_mean_stay(const cc_multistate *m, size_t i);

/* A projection: per path, month and state, the stocks, starts and ends. */
typedef struct cc_projection {
  size_t k, months, n_paths;
  double *stocks;   /* n_paths x months x k end-of-month stocks: stocks[(p * months + t) * k + j] */
  double *starts;   /* same layout: arrivals into each state (from outside and from other states) */
  double *ends;     /* same layout: departures from each state */
} cc_projection;

/* Allocate a projection, zero-filled. NULL when out of memory. */
cc_projection *cc_projection_alloc(size_t k, size_t months, size_t n_paths);

/* Free p. No operation when p is NULL. */
void cc_projection_free(cc_projection *p);

/* Project m forward from the stocks x0[k] for proj->months months along
 * proj->n_paths paths. entries holds the arrivals from outside: either
 * n_entry_paths x months x k sample paths (path p uses entry path
 * p mod n_entry_paths) or, with n_entry_paths == 1, one fixed schedule.
 * Each path moves people by multinomial draws with a probability matrix of
 * its own: bootstrap draw p mod n_draws when m has draws, else m->p. Path p
 * uses a random stream seeded from seed and p alone, so results do not
 * depend on how paths are shared out. Stocks are rounded to whole people
 * before they move. With expected != 0 the projection is the expectation
 * instead (no multinomial noise; m->p; entries averaged over the paths). */
/* One simulated path of `months` months with transition matrix p (k x (k+1),
 * rows summing to one; e.g. m->p, a bootstrap draw, or a scenario's
 * changed matrix) from stocks x0[k], with arrivals entries[months x k]
 * (NaN or negative count as none), drawing from rng. Writes stocks, starts
 * and ends (months x k each; starts and ends may be NULL). */
void cc_multistate_simulate_path(size_t k, const double *p, const double *x0, const double *entries, size_t months,
                                 gsl_rng *rng, double *stocks, double *starts, double *ends);

/* The seed of path `path`'s random stream in a projection seeded with seed. */
unsigned long cc_multistate_path_seed(unsigned long seed, size_t path);

CC_MUST_CHECK cc_status cc_multistate_project(const cc_multistate *m, const double *x0, const double *entries,
                                              size_t n_entry_paths, unsigned long seed, int expected,
                                              cc_projection *proj, cc_error *err);

#endif
