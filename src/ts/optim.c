/* optim.c: Nelder-Mead after Nash (1990), algorithm 19 (see optim.h).
 *
 * The simplex has n+1 vertices. Each iteration reflects the worst vertex
 * through the centroid of the others; if that beats the best vertex it
 * tries an expansion; if it fails to beat the worst it contracts towards
 * the centroid, and if even that fails it shrinks every vertex towards the
 * best one. It stops when the spread of function values over the simplex
 * falls below the tolerance, when a shrink no longer reduces the simplex,
 * or when the evaluation budget is spent. */
#include "carecast/optim.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CC_NM_BIG 1.0e35        /* stands in for an inadmissible (non-finite) value */
#define CC_NM_STEP_FRACTION 0.1 /* initial simplex: 10% of the largest |x_i| */
#define CC_NM_STEP_DEFAULT 0.1  /* ... or this when x is all zeros */

void cc_nm_options_default(cc_nm_options *o) {
  o->reflection = 1.0;
  o->contraction = 0.5;
  o->expansion = 2.0;
  o->rel_tol = sqrt(DBL_EPSILON);
  o->abs_tol = -INFINITY;
  o->max_evaluations = 2000;
}

struct cc_nm_workspace {
  size_t n_max;
  double *vertices; /* (n_max + 1) vertices of n_max coordinates */
  double *values;   /* f at each vertex */
  double *centroid; /* centroid of all but the worst */
  double *trial;    /* a trial point */
  /* The search in progress, so that it can stop at one evaluation count and go on later
   * exactly as if it had never stopped. */
  cc_objective_fn f;  /* the objective */
  void *context;      /* its context */
  size_t n;           /* parameters */
  cc_nm_options options;
  int count;          /* evaluations so far */
  double tolerance;   /* absolute spread of values that ends the search */
  double old_size;    /* size of the simplex at the last shrink */
  size_t best;        /* vertex with the lowest value at the last ordering */
  int recompute;      /* values of all but the best vertex are stale (after a shrink) */
  int finished;       /* converged, or a shrink stopped making progress */
  int converged;      /* finished by the tolerance */
};

cc_nm_workspace *cc_nm_workspace_alloc(size_t n_max) {
  cc_nm_workspace *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->n_max = n_max;
  w->vertices = malloc((n_max + 1) * (n_max ? n_max : 1) * sizeof *w->vertices);
  w->values = malloc((n_max + 1) * sizeof *w->values);
  w->centroid = malloc((n_max ? n_max : 1) * sizeof *w->centroid);
  w->trial = malloc((n_max ? n_max : 1) * sizeof *w->trial);
  if (!w->vertices || !w->values || !w->centroid || !w->trial) {
    cc_nm_workspace_free(w);
    return NULL;
  }
  return w;
}

void cc_nm_workspace_free(cc_nm_workspace *w) {
  if (!w) return;
  free(w->vertices);
  free(w->values);
  free(w->centroid);
  free(w->trial);
  free(w);
}

static double evaluate(cc_objective_fn f, void *context, const double *x, size_t n, int *count) {
  double v = f(x, n, context);
  (*count)++;
  return isfinite(v) ? v : CC_NM_BIG;
}

int cc_nm_finished(const cc_nm_workspace *w) { return w->finished; }

cc_status cc_nm_start(cc_objective_fn f, void *context, const double *x, size_t n, const cc_nm_options *o,
                      cc_nm_workspace *w, cc_error *err) {
  if (n > w->n_max) return cc_error_set(err, CC_EINTERNAL, NULL, 0, "optimiser", "workspace too small (%zu > %zu)", n, w->n_max);
  w->f = f;
  w->context = context;
  w->n = n;
  w->options = *o;
  w->count = 1;
  w->best = 0;
  w->recompute = 1;
  w->finished = w->converged = 0;
  double start = f(x, n, context);
  if (!isfinite(start))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "optimiser", "the objective cannot be evaluated at the starting values");
  w->tolerance = o->rel_tol * (fabs(start) + o->rel_tol);
  double *V = w->vertices;
#define VERTEX(j) (V + (size_t)(j) * n)
  memcpy(VERTEX(0), x, n * sizeof *x);
  w->values[0] = start;
  if (n == 0) {
    w->finished = w->converged = 1;
    return CC_OK;
  }
  /* The initial simplex: x, and x with one coordinate moved by `step` (grown tenfold until it changes x). */
  double step = 0;
  for (size_t i = 0; i < n; i++)
    if (CC_NM_STEP_FRACTION * fabs(x[i]) > step) step = CC_NM_STEP_FRACTION * fabs(x[i]);
  if (step == 0) step = CC_NM_STEP_DEFAULT;
  double size = 0;
  for (size_t j = 1; j <= n; j++) {
    double *v = VERTEX(j);
    memcpy(v, x, n * sizeof *x);
    double tried = step;
    while (v[j - 1] == x[j - 1]) {
      v[j - 1] = x[j - 1] + tried;
      tried *= 10;
    }
    size += tried;
  }
  w->old_size = size;
  return CC_OK;
#undef VERTEX
}

void cc_nm_continue(cc_nm_workspace *w, int evaluation_limit, double *x, cc_nm_result *result) {
  const cc_nm_options *o = &w->options;
  cc_objective_fn f = w->f;
  void *context = w->context;
  const size_t n = w->n;
  double *V = w->vertices, *fv = w->values, *centroid = w->centroid, *trial = w->trial;
  int count = w->count;
  size_t best = w->best;
#define VERTEX(j) (V + (size_t)(j) * n)
  while (!w->finished && count <= evaluation_limit) {
    if (w->recompute) {
      for (size_t j = 0; j <= n; j++)
        if (j != best) fv[j] = evaluate(f, context, VERTEX(j), n, &count);
      w->recompute = 0;
    }
    size_t worst = best;
    double low = fv[best], high = low;
    for (size_t j = 0; j <= n; j++) {
      if (j == best) continue;
      if (fv[j] < low) best = j, low = fv[j];
      if (fv[j] > high) worst = j, high = fv[j];
    }
    if (high <= low + w->tolerance || low <= o->abs_tol) {
      w->finished = w->converged = 1;
      break;
    }
    for (size_t i = 0; i < n; i++) {
      double sum = -VERTEX(worst)[i];
      for (size_t j = 0; j <= n; j++) sum += VERTEX(j)[i];
      centroid[i] = sum / (double)n;
    }
    for (size_t i = 0; i < n; i++) trial[i] = (1 + o->reflection) * centroid[i] - o->reflection * VERTEX(worst)[i];
    double reflected = evaluate(f, context, trial, n, &count);
    if (reflected < low) {
      /* Try going further: centroid keeps the reflected point, trial the expanded one. */
      for (size_t i = 0; i < n; i++) {
        double expanded = o->expansion * trial[i] + (1 - o->expansion) * centroid[i];
        centroid[i] = trial[i];
        trial[i] = expanded;
      }
      double value = evaluate(f, context, trial, n, &count);
      if (value < reflected) {
        memcpy(VERTEX(worst), trial, n * sizeof *trial);
        fv[worst] = value;
      } else {
        memcpy(VERTEX(worst), centroid, n * sizeof *centroid);
        fv[worst] = reflected;
      }
    } else {
      if (reflected < high) {
        memcpy(VERTEX(worst), trial, n * sizeof *trial);
        fv[worst] = reflected;
      }
      for (size_t i = 0; i < n; i++) trial[i] = (1 - o->contraction) * VERTEX(worst)[i] + o->contraction * centroid[i];
      double value = evaluate(f, context, trial, n, &count);
      if (value < fv[worst]) {
        memcpy(VERTEX(worst), trial, n * sizeof *trial);
        fv[worst] = value;
      } else if (reflected >= high) {
        /* Shrink every vertex half way towards the best; stop if that no longer makes the simplex smaller. */
        w->recompute = 1;
        double size = 0;
        for (size_t j = 0; j <= n; j++) {
          if (j == best) continue;
          for (size_t i = 0; i < n; i++) {
            VERTEX(j)[i] = o->contraction * (VERTEX(j)[i] - VERTEX(best)[i]) + VERTEX(best)[i];
            size += fabs(VERTEX(j)[i] - VERTEX(best)[i]);
          }
        }
        if (size < w->old_size) w->old_size = size;
        else w->finished = 1;
      }
    }
  }
  w->count = count;
  w->best = best;
  memcpy(x, VERTEX(best), n * sizeof *x);
  result->value = fv[best];
  result->evaluations = count;
  result->converged = w->converged;
#undef VERTEX
}

cc_status cc_nelder_mead(cc_objective_fn f, void *context, double *x, size_t n, const cc_nm_options *o,
                         cc_nm_workspace *w, cc_nm_result *result, cc_error *err) {
  cc_status status = cc_nm_start(f, context, x, n, o, w, err);
  if (status) return status;
  cc_nm_continue(w, o->max_evaluations, x, result);
  return CC_OK;
}

/* Brent's localmin (Brent 1973, "Algorithms for minimization without
 * derivatives", section 5.8): keep the best three points, try a parabola
 * through them, fall back to a golden-section step when the parabola is
 * not trustworthy, and stop when the bracket is within 2 tol1 of the best. */
double cc_minimize_brent(cc_objective1_fn f, void *context, double lower, double upper, double tol) {
  const double golden = (3 - sqrt(5)) / 2, eps = sqrt(DBL_EPSILON);
  double a = lower, b = upper;
  double v = a + golden * (b - a), w = v, x = v;
  double d = 0, e = 0;
  double fx = f(x, context), fv = fx, fw = fx;
  for (;;) {
    double xm = (a + b) / 2, tol1 = eps * fabs(x) + tol / 3, tol2 = 2 * tol1;
    if (fabs(x - xm) <= tol2 - (b - a) / 2) break;
    double p = 0, q = 0, r = 0;
    if (fabs(e) > tol1) { /* a parabola through x, w and v */
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
    }
    if (fabs(p) >= fabs(q / 2 * r) || p <= q * (a - x) || p >= q * (b - x)) {
      e = x < xm ? b - x : a - x; /* golden section */
      d = golden * e;
    } else {
      d = p / q; /* parabolic step, kept away from the ends */
      double u = x + d;
      if (u - a < tol2 || b - u < tol2) d = x < xm ? tol1 : -tol1;
    }
    double u = fabs(d) >= tol1 ? x + d : d > 0 ? x + tol1 : x - tol1;
    double fu = f(u, context);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w, fv = fw;
      w = x, fw = fx;
      x = u, fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w == x) {
        v = w, fv = fw;
        w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  return x;
}

void cc_bfgs_options_default(cc_bfgs_options *o) {
  o->max_iterations = 100;
  o->rel_tol = sqrt(DBL_EPSILON);
  o->gradient_step = 1e-3;
  o->gradient = NULL;
  o->bounded = NULL;
}

#define CC_BFGS_STEP_SHRINK 0.2   /* the line search cuts the step by this */
#define CC_BFGS_ACCEPT 0.0001     /* sufficient-decrease fraction of the projected gradient */
#define CC_BFGS_MOVE_TEST 10.0    /* a coordinate has moved when 10 + old != 10 + new */

/* 1 when the line search's step would move no coordinate of start along
 * direction (then the search ends, keeping the last value of f). */
static int shorter_step_unmoved(const double *start, const double *direction, double step, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (CC_BFGS_MOVE_TEST + start[i] != CC_BFGS_MOVE_TEST + (start[i] + step * direction[i])) return 0;
  return 1;
}

/* f at the scaled point z (x = z * scale, written into x). */
static double scaled_value(cc_objective_fn f, void *context, const double *z, const double *scale, double *x, size_t n) {
  for (size_t i = 0; i < n; i++) x[i] = z[i] * scale[i];
  return f(x, n, context);
}

/* The gradient in scaled coordinates: from gradient_fn when given (times
 * the scales), else by central differences; 0 when not finite. */
static int scaled_gradient(cc_objective_fn f, cc_gradient_fn gradient_fn, void *context, double *z,
                           const double *scale, double *x, size_t n, double step, double *gradient) {
  if (gradient_fn) {
    for (size_t i = 0; i < n; i++) x[i] = z[i] * scale[i];
    if (!gradient_fn(x, n, context, gradient)) return 0;
    for (size_t i = 0; i < n; i++) {
      gradient[i] *= scale[i];
      if (!isfinite(gradient[i])) return 0;
    }
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    double keep = z[i];
    z[i] = keep + step;
    double up = scaled_value(f, context, z, scale, x, n);
    z[i] = keep - step;
    double down = scaled_value(f, context, z, scale, x, n);
    z[i] = keep;
    gradient[i] = (up - down) / (2 * step);
    if (!isfinite(gradient[i])) return 0;
  }
  return 1;
}

int cc_bfgs(cc_objective_fn f, void *context, double *x, size_t n, const double *scale, const cc_bfgs_options *o,
            double *value) {
  if (n == 0) {
    *value = f(x, 0, context);
    return isfinite(*value) ? 1 : -1;
  }
  if (n > CC_BFGS_MAX_PARAMETERS) return -1;
  /* z: the point in scaled coordinates; direction: the search direction; start, old_gradient:
   * where the line search began; H: the inverse Hessian's lower triangle. */
  double z[n], gradient[n], direction[n], start[n], old_gradient[n], work[n], H[n][n];
  for (size_t i = 0; i < n; i++) z[i] = x[i] / scale[i];
  double fz = scaled_value(f, context, z, scale, work, n), best = fz;
  if (!isfinite(fz) || !scaled_gradient(f, o->gradient, context, z, scale, work, n, o->gradient_step, gradient)) return -1;
  int iterations = 1, gradients = 1, last_reset = gradients;
  size_t unmoved = 0;
  do {
    if (last_reset == gradients) /* (re)start from the identity */
      for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++) H[i][j] = 0;
        H[i][i] = 1;
      }
    for (size_t i = 0; i < n; i++) start[i] = z[i], old_gradient[i] = gradient[i];
    double slope = 0; /* the gradient projected on the direction -H g */
    for (size_t i = 0; i < n; i++) {
      double sum = 0;
      for (size_t j = 0; j <= i; j++) sum -= H[i][j] * gradient[j];
      for (size_t j = i + 1; j < n; j++) sum -= H[j][i] * gradient[j];
      direction[i] = sum;
      slope += sum * gradient[i];
    }
    if (slope < 0) { /* downhill: backtrack until the decrease is sufficient or nothing moves */
      double step = 1;
      int accepted = 0;
      do {
        unmoved = 0;
        for (size_t i = 0; i < n; i++) {
          z[i] = start[i] + step * direction[i];
          if (CC_BFGS_MOVE_TEST + start[i] == CC_BFGS_MOVE_TEST + z[i]) unmoved++;
        }
        if (unmoved < n) {
          double bound = best + slope * step * CC_BFGS_ACCEPT;
          if (o->bounded && !shorter_step_unmoved(start, direction, step * CC_BFGS_STEP_SHRINK, n)) {
            for (size_t i = 0; i < n; i++) work[i] = z[i] * scale[i];
            fz = o->bounded(work, n, context, bound);
          } else {
            fz = scaled_value(f, context, z, scale, work, n);
          }
          accepted = isfinite(fz) && fz <= bound;
          if (!accepted) step *= CC_BFGS_STEP_SHRINK;
        }
      } while (!(unmoved == n || accepted));
      if (!(fabs(fz - best) > o->rel_tol * (fabs(best) + o->rel_tol))) { /* converged */
        unmoved = n;
        best = fz;
      }
      if (unmoved < n) { /* progress: new gradient, then the BFGS update of H */
        best = fz;
        if (!scaled_gradient(f, o->gradient, context, z, scale, work, n, o->gradient_step, gradient)) return -1;
        gradients++;
        iterations++;
        double curvature = 0;
        for (size_t i = 0; i < n; i++) {
          direction[i] *= step;
          old_gradient[i] = gradient[i] - old_gradient[i];
          curvature += direction[i] * old_gradient[i];
        }
        if (curvature > 0) {
          double quadratic = 0;
          for (size_t i = 0; i < n; i++) {
            double sum = 0;
            for (size_t j = 0; j <= i; j++) sum += H[i][j] * old_gradient[j];
            for (size_t j = i + 1; j < n; j++) sum += H[j][i] * old_gradient[j];
            start[i] = sum;
            quadratic += sum * old_gradient[i];
          }
          quadratic = 1 + quadratic / curvature;
          for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j <= i; j++)
              H[i][j] += (quadratic * direction[i] * direction[j] - start[i] * direction[j] - direction[i] * start[j]) /
                         curvature;
        } else {
          last_reset = gradients;
        }
      } else if (last_reset < gradients) { /* no progress since the last reset: reset */
        unmoved = 0;
        last_reset = gradients;
      }
    } else { /* uphill: reset, unless just reset */
      unmoved = 0;
      if (last_reset == gradients) unmoved = n;
      else last_reset = gradients;
    }
    if (iterations >= o->max_iterations) break;
    if (gradients - last_reset > 2 * (int)n) last_reset = gradients; /* periodic restart */
  } while (unmoved != n || last_reset != gradients);
  /* The point returned is the last one tried, as R's optim returns it. */
  for (size_t i = 0; i < n; i++) x[i] = z[i] * scale[i];
  *value = best;
  return iterations < o->max_iterations ? 1 : 0;
}

int cc_optim_hessian(cc_objective_fn f, void *context, const double *x, size_t n, const double *scale,
                     double gradient_step, double *hessian) {
  if (n == 0) return 1;
  if (n > CC_BFGS_MAX_PARAMETERS) return 0;
  double z[CC_BFGS_MAX_PARAMETERS], work[CC_BFGS_MAX_PARAMETERS];
  double up[CC_BFGS_MAX_PARAMETERS], down[CC_BFGS_MAX_PARAMETERS];
  for (size_t i = 0; i < n; i++) z[i] = x[i] / scale[i];
  for (size_t i = 0; i < n; i++) {
    double keep = z[i], eps = gradient_step / scale[i];
    z[i] = keep + eps;
    int ok = scaled_gradient(f, NULL, context, z, scale, work, n, gradient_step, up);
    z[i] = keep - eps;
    ok = ok && scaled_gradient(f, NULL, context, z, scale, work, n, gradient_step, down);
    z[i] = keep;
    if (!ok) return 0;
    for (size_t j = 0; j < n; j++) hessian[i + n * j] = (up[j] - down[j]) / (2 * eps * scale[i] * scale[j]);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) {
      double mean = 0.5 * (hessian[i + n * j] + hessian[j + n * i]);
      hessian[i + n * j] = hessian[j + n * i] = mean;
    }
  return 1;
}
