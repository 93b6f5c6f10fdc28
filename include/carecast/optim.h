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

/* The search in two steps, so that it can stop at one evaluation count and
 * go on later exactly as an uninterrupted search would (the state lives in
 * w, which must not be used for anything else meanwhile). cc_nm_start
 * evaluates f at x[n] and builds the first simplex: CC_EINPUT when f is not
 * finite there. cc_nm_continue iterates until the tolerance is met, a
 * shrink stops making progress, or more than evaluation_limit evaluations
 * have been made in all; it writes the best vertex into x[n]. */
CC_MUST_CHECK cc_status cc_nm_start(cc_objective_fn f, void *context, const double *x, size_t n,
                                    const cc_nm_options *options, cc_nm_workspace *w, cc_error *err);
void cc_nm_continue(cc_nm_workspace *w, int evaluation_limit, double *x, cc_nm_result *result);

/* 1 when the search in w has ended (converged or stalled). */
int cc_nm_finished(const cc_nm_workspace *w);

/* Minimise f from x[n] (replaced by the best point found): cc_nm_start, then
 * cc_nm_continue to options->max_evaluations. CC_EINPUT when f is not finite
 * at the start. */
CC_MUST_CHECK cc_status cc_nelder_mead(cc_objective_fn f, void *context, double *x, size_t n,
                                       const cc_nm_options *options, cc_nm_workspace *w, cc_nm_result *result,
                                       cc_error *err);

/* Quasi-Newton minimisation: a variable metric method with BFGS updates of
 * the inverse Hessian and a backtracking line search (Nash 1990, algorithm
 * 21), the method of R's optim(method = "BFGS"), with the gradient by
 * central differences of step gradient_step in scaled coordinates x / scale
 * (optim's ndeps and parscale), or options->gradient when given (optim's gr). R's arima estimates with it, so using the
 * same one keeps carecast on R's path. */
/* The gradient of an objective at x[n] into gradient[n], in x's own units;
 * returns 0 when it cannot be computed or is not finite. */
typedef int (*cc_gradient_fn)(const double *x, size_t n, void *context, double *gradient);

/* An objective that may stop early: f at x[n], or, once it knows that f
 * exceeds bound, any value above bound (HUGE_VAL). */
typedef double (*cc_bounded_objective_fn)(const double *x, size_t n, void *context, double bound);

typedef struct cc_bfgs_options {
  int max_iterations;   /* gradient evaluations at most (optim's maxit, 100) */
  double rel_tol;       /* stop when f improves by less than rel_tol * (|f| + rel_tol) (sqrt(DBL_EPSILON)) */
  double gradient_step; /* central-difference step in scaled coordinates (1e-3) */
  cc_gradient_fn gradient; /* the gradient as the caller computes it (same context as f), or NULL for central differences (default) */
  /* f that may stop early (same context as f), or NULL (default): the line
   * search calls it where only whether the point is accepted matters (a
   * rejected value is not used unless the next, shorter step moves no
   * coordinate, and there f itself is called), so the path is unchanged. */
  cc_bounded_objective_fn bounded;
} cc_bfgs_options;

void cc_bfgs_options_default(cc_bfgs_options *options);

#define CC_BFGS_MAX_PARAMETERS 128 /* the workspace lives on the stack */

/* Minimise f from x[n] (replaced by the result; n at most
 * CC_BFGS_MAX_PARAMETERS) with parameter scales scale[n]. Returns 1 when it
 * converged, 0 when it ran out of iterations, -1 when f or its gradient was
 * not finite (at the start, or at a gradient). *value is f at the result. */
int cc_bfgs(cc_objective_fn f, void *context, double *x, size_t n, const double *scale, const cc_bfgs_options *options,
            double *value);

/* The Hessian of f at x[n] (n at most CC_BFGS_MAX_PARAMETERS) as R's
 * optimHess (what optim(hessian = TRUE) returns): central differences, step
 * gradient_step / scale[i] in scaled coordinates, of the central-difference
 * gradient cc_bfgs uses, then symmetrised. hessian[i + n j] (n x n) is in
 * x's own units. Returns 0 when a gradient is not finite. */
int cc_optim_hessian(cc_objective_fn f, void *context, const double *x, size_t n, const double *scale,
                     double gradient_step, double *hessian);

/* One-dimensional minimisation of f on [lower, upper] by Brent's (1973,
 * ch. 5) combination of golden-section search and parabolic interpolation,
 * without derivatives and without needing a bracket: the method of R's
 * optimize(), with the same tolerance convention (tol on x; R's default is
 * DBL_EPSILON^0.25). Returns the x found. */
typedef double (*cc_objective1_fn)(double x, void *context);
double cc_minimize_brent(cc_objective1_fn f, void *context, double lower, double upper, double tol);

#endif
