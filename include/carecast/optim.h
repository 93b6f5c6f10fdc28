/* optim.h: the Nelder-Mead simplex minimiser every model family shares.
 *
 * This is the variant of Nelder and Mead (1965) described by Nash, "Compact
 * Numerical Methods for Computers" (1990), algorithm 19 -- the one behind
 * R's optim(method = "Nelder-Mead") and forecast::ets(). We use it rather
 * than GSL's nmsimplex2 because matching R's fitted models (the reference
 * the tests compare against) depends on taking the same path through the
 * parameter space: the same initial simplex, the same reflection,
 * expansion, contraction and shrink rules, and the same convergence test
 * on the spread of function values. The workspace is allocated once and
 * reused, so a fitting loop allocates nothing. */
#ifndef CARECAST_OPTIM_H
#define CARECAST_OPTIM_H

#include <stddef.h>

#include "carecast/error.h"

/* The function to minimise: returns f(x) for x[n]; +Inf (or NaN) marks an inadmissible x. */
typedef double (*cc_objective_fn)(const double *x, size_t n, void *context);

typedef struct cc_nm_options {
  double reflection;   /* alpha, 1 */
  double contraction;  /* beta, 0.5 */
  double expansion;    /* gamma, 2 */
  double rel_tol;      /* stop when the simplex's function values differ by less than rel_tol * (|f0| + rel_tol) */
  double abs_tol;      /* stop when the best value is below this (-Inf: never) */
  int max_evaluations; /* limit on function evaluations */
} cc_nm_options;

/* R's defaults as forecast::ets() sets them: 1, 0.5, 2, sqrt(DBL_EPSILON), -Inf, 2000. */
void cc_nm_options_default(cc_nm_options *options);

typedef struct cc_nm_workspace cc_nm_workspace;

/* Workspace for problems of up to n_max parameters. NULL when out of memory. */
cc_nm_workspace *cc_nm_workspace_alloc(size_t n_max);
void cc_nm_workspace_free(cc_nm_workspace *w);

typedef struct cc_nm_result {
  double value;      /* f at the best point */
  int evaluations;   /* function evaluations used */
  int converged;     /* 1 when the tolerance was met, 0 when the evaluation limit was hit */
} cc_nm_result;

/* Minimise f from x[n] (replaced by the best point found). CC_EINPUT when f
 * is not finite at the start. */
CC_MUST_CHECK cc_status cc_nelder_mead(cc_objective_fn f, void *context, double *x, size_t n,
                                       const cc_nm_options *options, cc_nm_workspace *w, cc_nm_result *result,
                                       cc_error *err);

#endif
