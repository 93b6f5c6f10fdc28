/* fellegi_sunter.h: the Fellegi-Sunter model of record linkage, with its m
 * and u probabilities estimated by EM, and the choice of a match threshold
 * from the estimated false-match rate.
 *
 * A candidate pair of records is compared field by field; each comparison
 * gives an agreement level (0 = disagree, higher = closer agreement) or
 * CC_FS_MISSING when a value is absent on either side. Under conditional
 * independence (Fellegi and Sunter, JASA 64, 1969), a pair's likelihood is
 *   P(levels | match)     = prod_k m_k[level_k]
 *   P(levels | non-match) = prod_k u_k[level_k]
 * with missing comparisons left out of both products. Its match weight is
 * sum_k log2(m_k / u_k) and, with p the share of matches among candidates,
 * its match probability is p M / (p M + (1 - p) U).
 *
 * m, u and p are estimated by EM (Winkler 1988, "Using the EM algorithm for
 * weight computation in the Fellegi-Sunter model of record linkage"), on the
 * distinct comparison patterns with their counts, so an iteration costs the
 * number of patterns, not the number of pairs. */
#ifndef CARECAST_FELLEGI_SUNTER_H
#define CARECAST_FELLEGI_SUNTER_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"

#define CC_FS_FIELDS_MAX 8  /* compared fields */
#define CC_FS_LEVELS_MAX 4  /* agreement levels per field */
#define CC_FS_MISSING 0xff  /* level of a comparison that could not be made */

typedef struct cc_fs_options {
  int max_iterations;   /* EM iterations at most (default 10000; an iteration costs the number of patterns) */
  double tolerance;     /* stop when no parameter moves by more than this (default 1e-8) */
  double floor;         /* smallest m or u kept, so no weight is infinite (default 1e-6) */
  double start_p;       /* starting share of matches among candidates (default 0.1) */
  double start_m_top;   /* starting m of each field's highest level (default 0.9); the rest is spread evenly */
} cc_fs_options;

typedef struct cc_fs_model {
  size_t n_fields;                                /* compared fields */
  int n_levels[CC_FS_FIELDS_MAX];                 /* levels of each field */
  double m[CC_FS_FIELDS_MAX][CC_FS_LEVELS_MAX];   /* P(level | match) */
  double u[CC_FS_FIELDS_MAX][CC_FS_LEVELS_MAX];   /* P(level | non-match) */
  double p;                                       /* share of matches among the pairs */
  int iterations;                                 /* EM iterations run */
  int converged;                                  /* 1 when the tolerance was met */
  double loglik;                                  /* log-likelihood at the estimate */
} cc_fs_model;

/* The default options described above. */
cc_fs_options cc_fs_default_options(void);

/* Estimate m, u and p by EM from n_patterns distinct comparison patterns
 * (patterns[i * n_fields + k] is field k's level in pattern i) seen
 * counts[i] times. n_levels[k] is the number of levels of field k. Starting
 * values: u from the frequency of each level among all pairs (nearly all
 * candidates are non-matches), m from options->start_m_top. options may be
 * NULL (defaults). Fails with CC_EINPUT when there is nothing to estimate
 * from or a level is out of range. The result is in *model; it reports
 * iterations and convergence. */
CC_MUST_CHECK cc_status cc_fs_estimate(const uint8_t *patterns, const double *counts, size_t n_patterns,
                                       size_t n_fields, const int *n_levels, const cc_fs_options *options,
                                       cc_fs_model *model, cc_error *err);

/* The match weight (log2 likelihood ratio) of a pattern of model->n_fields levels. */
double cc_fs_weight(const cc_fs_model *model, const uint8_t *levels);

/* The match probability of a pattern. */
double cc_fs_probability(const cc_fs_model *model, const uint8_t *levels);

/* The threshold rule. weights[i] and probabilities[i] are those of n
 * accepted-if-above-threshold pairs. Accepting every pair with weight >= t
 * gives an estimated false-match rate of (sum over accepted of 1 - probability)
 * / (number accepted). The threshold is the lowest weight t at which that rate
 * is at most target_fmr (pairs of equal weight are accepted or refused
 * together). *threshold is +Inf and *accepted 0 when no t qualifies;
 * *estimated_fmr is the rate at the threshold (0 when none accepted). */
CC_MUST_CHECK cc_status cc_fs_threshold(const double *weights, const double *probabilities, size_t n,
                                        double target_fmr, double *threshold, size_t *accepted,
                                        double *estimated_fmr, cc_error *err);

#endif
