/* shrink.h: empirical-Bayes shrinkage of a council's rates towards its
 * statistical neighbours'.
 *
 * A small council sees few transitions, so its own rates are noisy and
 * often exactly zero, a known failure of children's demand models. Each
 * rate is pulled towards the mean of its neighbours' rates (the DfE's ten
 * statistical neighbours) with a weight that falls as the council's own
 * evidence grows: with x events out of n at risk and a Beta(m s, (1 - m) s)
 * prior whose mean m and strength s are fitted to the neighbours by the
 * method of moments,
 *
 *     rate = (x + m s) / (n + s),   own weight = n / (n + s).
 *
 * The strength comes from the spread of the neighbours' rates beyond what
 * their own sampling noise explains: s = m (1 - m) / v - 1, v the
 * between-council variance (the neighbours' variance less their mean
 * binomial variance m (1 - m) / n_k where exposures are given). Rows of a
 * transition matrix (several rates summing to one) use the Dirichlet form,
 * one strength pooled over the row's entries. The posterior (Beta, or
 * Dirichlet for a row) is what parameter draws come from. */
#ifndef CARECAST_SHRINK_H
#define CARECAST_SHRINK_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/multistate.h"

#define CC_SHRINK_MAX_STRENGTH 1e6 /* neighbours that agree exactly: the prior is (nearly) all */
#define CC_SHRINK_MIN_NEIGHBOURS 2 /* a spread needs at least two neighbours */
#define CC_SHRINK_MAX_NEIGHBOURS 64 /* neighbours used for one rate at most (the DfE lists ten) */

/* The prior fitted to the neighbours and the shrunk estimates. */
typedef struct cc_shrink_result {
  double prior_mean;    /* m (for a row: of the entry asked about) */
  double strength;      /* s, in pseudo-observations */
  double own_weight;    /* n / (n + s) */
  double rate;          /* the shrunk rate */
} cc_shrink_result;

/* Shrink x events out of n at risk towards neighbour rates[k] (each in
 * [0, 1]) with their exposures[k] (NULL when unknown: then all of the
 * neighbours' spread counts as between-council). CC_EINPUT when x > n, a
 * count is negative, a rate is outside [0, 1], or fewer than
 * CC_SHRINK_MIN_NEIGHBOURS neighbours are given. */
CC_MUST_CHECK cc_status cc_shrink_rate(double x, double n, const double *rates, const double *exposures, size_t k,
                                       cc_shrink_result *out, cc_error *err);

/* Shrink a row of counts[cols] (moves to each destination) towards the
 * neighbours' rows (k x cols, each summing to one) with one pooled
 * strength: shrunk[j] = (counts[j] + m_j s) / (n + s). *strength and
 * *own_weight receive s and n / (n + s). Same errors as cc_shrink_rate. */
CC_MUST_CHECK cc_status cc_shrink_row(const double *counts, size_t cols, const double *neighbour_rows, size_t k,
                                      double *shrunk, double *strength, double *own_weight, cc_error *err);

/* Shrink every row of the chain m (a council's monthly probabilities,
 * estimated from its aggregates or counted) towards the same row of its
 * neighbours' chains: neighbour_p holds n_neighbours matrices of k x (k+1)
 * in multistate.h's layout, each restricted to the moves m allows and
 * renormalised. Row i's evidence is exposure[i], the council's
 * person-months at risk in state i, so its counts are p_ij exposure[i];
 * the row is shrunk by cc_shrink_row. Afterwards m->p is the posterior mean
 * (every allowed move the neighbours make has a positive probability, so
 * a council's zero rates disappear), m->se the posterior standard
 * deviation, and m->draws n_draws matrices drawn from each row's Dirichlet
 * posterior (counts_j + m_j s), seeded with seed, so that a projection
 * drawing from them carries the uncertainty of the rates (n_draws 0: none
 * kept). own_weight and strength (k entries each, either may be NULL)
 * receive each row's n / (n + s) and s. CC_EINPUT naming the state when an
 * exposure is negative or fewer than CC_SHRINK_MIN_NEIGHBOURS neighbours
 * are given; m is unchanged then. */
CC_MUST_CHECK cc_status cc_shrink_multistate(cc_multistate *m, const double *exposure, const double *neighbour_p,
                                             size_t n_neighbours, size_t n_draws, unsigned long seed, double *own_weight,
                                             double *strength, cc_error *err);

/* Shrink only each state's chance of ending (column k: case closed, plan
 * ended, left care), for the rates every council publishes (monthly
 * probabilities from the DfE's annual tables, neighbours.h), not whole
 * rows. For state i with shrink[i] set, the council's probability of
 * ending e = p_ik over exposure[i] person-months (x = e n endings) is
 * shrunk with cc_shrink_rate towards its neighbours' probabilities
 * neighbour_exit[i * n_neighbours + q] with their person-months
 * neighbour_exposure (same layout; NaN where a neighbour has none); every
 * other move of the row, staying included, keeps its share of the rest
 * (the neighbours' figures say nothing about moves between live states).
 * A council that saw no one end gets a positive probability of ending.
 * Parameter uncertainty: every draw of m (its bootstrap draws; n_draws new
 * ones from m->p when m has none) gets a probability of ending drawn from
 * the Beta posterior (x + m s, n - x + (1 - m) s), the rest of the row
 * keeping that draw's own shares, and m->se of the row becomes the
 * posterior's. own_weight[k] (may be NULL) receives n / (n + s) for the
 * states shrunk and NaN for the others, including a state with fewer than
 * CC_SHRINK_MIN_NEIGHBOURS neighbours that have a rate (left alone).
 * CC_EINPUT naming the state for a negative exposure or a neighbour's
 * probability outside [0, 1]; m is unchanged then. */
CC_MUST_CHECK cc_status cc_shrink_exits(cc_multistate *m, const double *exposure, const unsigned char *shrink,
                                        const double *neighbour_exit, const double *neighbour_exposure,
                                        size_t n_neighbours, size_t n_draws, unsigned long seed, double *own_weight,
                                        cc_error *err);

#endif
