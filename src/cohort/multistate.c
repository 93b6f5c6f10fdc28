/* multistate.c: estimating monthly transition probabilities between care
 * states from aggregate stocks and flows, and their bootstrap uncertainty
 * (multistate.h says what the model is). Projection is multistate_project.c.
 *
 * Estimation: the unknowns are the allowed entries of p. Every available
 * identity (stocks, starts, ends; multistate.h) of every month is one linear
 * equation a'p = b, weighted by 1 / (1 + |observed count|), the inverse of a
 * Poisson-like variance, so large states do not drown small ones. The
 * weighted normal equations G = sum w a a', c = sum w a b are accumulated
 * once; the objective p'Gp - 2c'p is then minimised over the product of the
 * rows' simplices by FISTA (Beck and Teboulle 2009) with a gradient-based
 * restart (O'Donoghue and Candes 2015) and step 1 / L, L twice the largest
 * eigenvalue of G (from LAPACKE's symmetric eigensolver). */
#include "carecast/multistate.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MULTISTATE_MAX_ITERATIONS 20000  /* projected-gradient iterations (default) */
#define MULTISTATE_TOLERANCE 1e-10       /* largest change of a probability to stop at (default) */
#define MULTISTATE_BOOTSTRAP 200         /* bootstrap replicates (default) */
#define MULTISTATE_SEED 20250401UL       /* default seed, as the forecasts' */
#define JEFFREYS_PRIOR 0.5               /* Dirichlet prior count per allowed move (Jeffreys) */

void cc_multistate_options_default(cc_multistate_options *options) {
  options->max_iterations = MULTISTATE_MAX_ITERATIONS;
  options->tolerance = MULTISTATE_TOLERANCE;
  options->bootstrap = MULTISTATE_BOOTSTRAP;
  options->seed = MULTISTATE_SEED;
}

cc_multistate *cc_multistate_alloc(size_t k) {
  if (k < 1 || k > CC_MULTISTATE_MAX_STATES) return NULL;
  cc_multistate *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  size_t cells = k * (k + 1);
  m->k = k;
  m->names = calloc(k, sizeof *m->names);
  m->allowed = malloc(cells);
  m->p = malloc(cells * sizeof *m->p);
  m->se = malloc(cells * sizeof *m->se);
  if (!m->names || !m->allowed || !m->p || !m->se) {
    cc_multistate_free(m);
    return NULL;
  }
  for (size_t i = 0; i < k; i++) snprintf(m->names[i], CC_STATE_NAME_MAX, "s%zu", i);
  for (size_t c = 0; c < cells; c++) {
    m->allowed[c] = 1;
    m->p[c] = 1.0 / (double)(k + 1);
    m->se[c] = NAN;
  }
  m->sse = NAN;
  return m;
}

void cc_multistate_free(cc_multistate *m) {
  if (!m) return;
  free(m->names);
  free(m->allowed);
  free(m->p);
  free(m->se);
  free(m->draws);
  free(m);
}

double cc_multistate_mean_stay(const cc_multistate *m, size_t i) {
  double stay = m->p[cc_multistate_at(m, i, i)];
  return stay >= 1.0 ? INFINITY : 1.0 / (1.0 - stay);
}

/* ---- the least-squares problem ------------------------------------------ */

/* The normal equations of one estimation, over the allowed cells. */
typedef struct ls_problem {
  size_t k, cols;     /* live states, k + 1 */
  size_t n_par;       /* allowed cells */
  int *par_of_cell;   /* k x (k+1): parameter index, or -1 when not allowed */
  double *G;          /* n_par x n_par */
  double *c;          /* n_par */
  double b2;          /* sum w b^2 */
  double *a;          /* n_par scratch: one equation's coefficients */
  int *nonzero;       /* n_par scratch: which coefficients are set */
  size_t *rows_seen;  /* k: equations that involve row i with a positive coefficient */
} ls_problem;

static void ls_free(ls_problem *ls) {
  free(ls->par_of_cell);
  free(ls->G);
  free(ls->c);
  free(ls->a);
  free(ls->nonzero);
  free(ls->rows_seen);
}

static cc_status ls_alloc(ls_problem *ls, const cc_multistate *m, cc_error *err) {
  memset(ls, 0, sizeof *ls);
  ls->k = m->k;
  ls->cols = m->k + 1;
  size_t cells = ls->k * ls->cols;
  ls->par_of_cell = malloc(cells * sizeof *ls->par_of_cell);
  if (!ls->par_of_cell) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t cell = 0; cell < cells; cell++) ls->par_of_cell[cell] = m->allowed[cell] ? (int)ls->n_par++ : -1;
  ls->G = calloc(ls->n_par * ls->n_par, sizeof *ls->G);
  ls->c = calloc(ls->n_par, sizeof *ls->c);
  ls->a = calloc(ls->n_par, sizeof *ls->a);
  ls->nonzero = calloc(ls->n_par, sizeof *ls->nonzero);
  ls->rows_seen = calloc(ls->k, sizeof *ls->rows_seen);
  if (!ls->G || !ls->c || !ls->a || !ls->nonzero || !ls->rows_seen) {
    ls_free(ls);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  return CC_OK;
}

static void ls_reset(ls_problem *ls) {
  memset(ls->G, 0, ls->n_par * ls->n_par * sizeof *ls->G);
  memset(ls->c, 0, ls->n_par * sizeof *ls->c);
  memset(ls->rows_seen, 0, ls->k * sizeof *ls->rows_seen);
  ls->b2 = 0.0;
}

/* Add the equation sum a p = b (the coefficients in ls->a, marked in
 * ls->nonzero, which are cleared) with weight 1 / (1 + |observed|). */
static void ls_add(ls_problem *ls, double b, double observed) {
  double w = 1.0 / (1.0 + fabs(observed));
  size_t n = ls->n_par;
  for (size_t r = 0; r < n; r++) {
    if (!ls->nonzero[r]) continue;
    ls->c[r] += w * ls->a[r] * b;
    for (size_t s = 0; s < n; s++)
      if (ls->nonzero[s]) ls->G[r * n + s] += w * ls->a[r] * ls->a[s];
  }
  for (size_t r = 0; r < n; r++) {
    ls->a[r] = 0.0;
    ls->nonzero[r] = 0;
  }
  ls->b2 += w * b * b;
}

/* Set coefficient x for cell (i, j) when it is a parameter; returns whether it is. */
static int ls_coef(ls_problem *ls, size_t i, size_t j, double x) {
  int par = ls->par_of_cell[i * ls->cols + j];
  if (par < 0 || x == 0.0) return 0;
  ls->a[par] += x;
  ls->nonzero[par] = 1;
  if (x > 0.0) ls->rows_seen[i]++;
  return 1;
}

static int row_complete(const double *row, size_t k) {
  for (size_t i = 0; i < k; i++)
    if (isnan(row[i])) return 0;
  return 1;
}

/* Accumulate every available identity of every month (multistate.h). */
static void ls_build(ls_problem *ls, const cc_flow_data *d) {
  size_t k = ls->k;
  ls_reset(ls);
  for (size_t t = 0; t < d->months; t++) {
    const double *x = d->stocks + t * k;
    const double *next = d->stocks + (t + 1) * k;
    const double *e = d->entries + t * k;
    if (!row_complete(x, k)) continue;
    for (size_t j = 0; j < k; j++) {
      if (isnan(e[j])) continue;
      if (!isnan(next[j])) {
        int any = 0;
        for (size_t i = 0; i < k; i++) any |= ls_coef(ls, i, j, x[i]);
        if (any) ls_add(ls, next[j] - e[j], next[j]);
      }
      if (d->starts && !isnan(d->starts[t * k + j])) {
        int any = 0;
        double s = d->starts[t * k + j];
        for (size_t i = 0; i < k; i++)
          if (i != j) any |= ls_coef(ls, i, j, x[i]);
        if (any) ls_add(ls, s - e[j], s);
      }
    }
    if (d->ends)
      for (size_t i = 0; i < k; i++) {
        double ends = d->ends[t * k + i];
        if (isnan(ends)) continue;
        /* ends = x_i (1 - p_ii), i.e. x_i p_ii = x_i - ends */
        if (ls_coef(ls, i, i, x[i])) ls_add(ls, x[i] - ends, ends);
      }
  }
}

/* Euclidean projection of v[0..n) onto the simplex {v >= 0, sum v = 1}
 * (Duchi, Shalev-Shwartz, Singer and Chandra 2008). sorted is scratch. */
static void project_simplex(double *v, size_t n, double *sorted) {
  memcpy(sorted, v, n * sizeof *v);
  /* insertion sort, descending: rows have at most CC_MULTISTATE_MAX_STATES + 1 entries */
  for (size_t i = 1; i < n; i++) {
    double key = sorted[i];
    size_t j = i;
    while (j > 0 && sorted[j - 1] < key) {
      sorted[j] = sorted[j - 1];
      j--;
    }
    sorted[j] = key;
  }
  double cumulative = 0.0, theta = 0.0;
  for (size_t i = 0; i < n; i++) {
    cumulative += sorted[i];
    double candidate = (cumulative - 1.0) / (double)(i + 1);
    if (sorted[i] - candidate > 0.0) theta = candidate;
  }
  for (size_t i = 0; i < n; i++) v[i] = v[i] > theta ? v[i] - theta : 0.0;
}

/* Project the parameter vector row by row onto the simplices. */
static void project_rows(const ls_problem *ls, double *par) {
  double row[CC_MULTISTATE_MAX_STATES + 1], scratch[CC_MULTISTATE_MAX_STATES + 1];
  int index[CC_MULTISTATE_MAX_STATES + 1];
  for (size_t i = 0; i < ls->k; i++) {
    size_t n = 0;
    for (size_t j = 0; j < ls->cols; j++) {
      int par_index = ls->par_of_cell[i * ls->cols + j];
      if (par_index < 0) continue;
      index[n] = par_index;
      row[n++] = par[par_index];
    }
    project_simplex(row, n, scratch);
    for (size_t r = 0; r < n; r++) par[index[r]] = row[r];
  }
}

/* The largest eigenvalue of the symmetric n x n matrix G. */
static cc_status largest_eigenvalue(const double *G, size_t n, double *out, cc_error *err) {
  double *copy = malloc(n * n * sizeof *copy), *values = malloc(n * sizeof *values);
  if (!copy || !values) {
    free(copy);
    free(values);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  memcpy(copy, G, n * n * sizeof *copy);
  lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)n, copy, (lapack_int)n, values);
  *out = info == 0 ? values[n - 1] : NAN;
  free(copy);
  free(values);
  if (info != 0) return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "eigenvalue computation failed (%d)", (int)info);
  return CC_OK;
}

/* g = 2 (G v - c) */
static void gradient(const ls_problem *ls, const double *v, double *g) {
  size_t n = ls->n_par;
  for (size_t r = 0; r < n; r++) {
    double sum = -ls->c[r];
    for (size_t s = 0; s < n; s++) sum += ls->G[r * n + s] * v[s];
    g[r] = 2.0 * sum;
  }
}

static double objective(const ls_problem *ls, const double *v) {
  size_t n = ls->n_par;
  double quad = 0.0, lin = 0.0;
  for (size_t r = 0; r < n; r++) {
    double gv = 0.0;
    for (size_t s = 0; s < n; s++) gv += ls->G[r * n + s] * v[s];
    quad += v[r] * gv;
    lin += ls->c[r] * v[r];
  }
  return quad - 2.0 * lin + ls->b2;
}

/* Minimise over the simplices by FISTA with restarts, from par (feasible). */
static cc_status ls_solve(const ls_problem *ls, double *par, const cc_multistate_options *o, int *iterations,
                          cc_error *err) {
  size_t n = ls->n_par;
  double lmax;
  cc_status st = largest_eigenvalue(ls->G, n, &lmax, err);
  if (st != CC_OK) return st;
  double *y = malloc(n * sizeof *y), *g = malloc(n * sizeof *g), *next = malloc(n * sizeof *next);
  if (!y || !g || !next) {
    free(y);
    free(g);
    free(next);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  double step = lmax > 0.0 ? 1.0 / (2.0 * lmax) : 1.0;
  double momentum = 1.0;
  memcpy(y, par, n * sizeof *y);
  int it = 0;
  for (; it < o->max_iterations; it++) {
    gradient(ls, y, g);
    for (size_t r = 0; r < n; r++) next[r] = y[r] - step * g[r];
    project_rows(ls, next);
    double change = 0.0, restart_test = 0.0;
    for (size_t r = 0; r < n; r++) {
      double d = next[r] - par[r];
      change = fmax(change, fabs(d));
      restart_test += g[r] * d; /* gradient-based restart: the step went uphill */
    }
    double momentum_next = 0.5 * (1.0 + sqrt(1.0 + 4.0 * momentum * momentum));
    double beta = (momentum - 1.0) / momentum_next;
    if (restart_test > 0.0) {
      momentum_next = 1.0;
      beta = 0.0;
    }
    for (size_t r = 0; r < n; r++) {
      y[r] = next[r] + beta * (next[r] - par[r]);
      par[r] = next[r];
    }
    project_rows(ls, y);
    momentum = momentum_next;
    if (change <= o->tolerance) break;
  }
  *iterations = it;
  free(y);
  free(g);
  free(next);
  return CC_OK;
}

/* ---- estimation --------------------------------------------------------- */

static cc_status check_data(const cc_multistate *m, const cc_flow_data *d, cc_error *err) {
  if (d->k != m->k)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "states", "the data have %zu states, the model %zu", d->k, m->k);
  if (d->months < 1 || !d->stocks || !d->entries)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "stocks", "stocks and entries of at least one month are needed");
  struct {
    const char *name;
    const double *values;
    size_t rows;
  } parts[] = {{"stocks", d->stocks, d->months + 1},
               {"entries", d->entries, d->months},
               {"starts", d->starts, d->months},
               {"ends", d->ends, d->months}};
  for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
    if (!parts[p].values) continue;
    for (size_t r = 0; r < parts[p].rows; r++)
      for (size_t i = 0; i < d->k; i++) {
        double v = parts[p].values[r * d->k + i];
        if (v < 0.0 || isinf(v))
          return cc_error_set(err, CC_EINPUT, NULL, 0, parts[p].name, "%s of state %s in row %zu is %g: counts must be finite and non-negative",
                              parts[p].name, m->names[i], r + 1, v);
      }
  }
  for (size_t i = 0; i < m->k; i++) {
    int any = 0;
    for (size_t j = 0; j <= m->k; j++) any |= m->allowed[cc_multistate_at(m, i, j)];
    if (!any)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "transitions", "state %s has no allowed move (not even staying)", m->names[i]);
  }
  return CC_OK;
}

/* Start from a feasible point: staying put with probability 0.9 where allowed, the rest spread. */
static void initial_point(const ls_problem *ls, double *par) {
  for (size_t i = 0; i < ls->k; i++) {
    size_t allowed = 0;
    for (size_t j = 0; j < ls->cols; j++) allowed += ls->par_of_cell[i * ls->cols + j] >= 0;
    int stay = ls->par_of_cell[i * ls->cols + i];
    for (size_t j = 0; j < ls->cols; j++) {
      int r = ls->par_of_cell[i * ls->cols + j];
      if (r < 0) continue;
      if (stay >= 0 && allowed > 1) par[r] = (int)j == (int)i ? 0.9 : 0.1 / (double)(allowed - 1);
      else par[r] = 1.0 / (double)allowed;
    }
  }
}

static void par_to_matrix(const ls_problem *ls, const double *par, double *p) {
  for (size_t cell = 0; cell < ls->k * ls->cols; cell++) p[cell] = ls->par_of_cell[cell] >= 0 ? par[ls->par_of_cell[cell]] : 0.0;
}

/* Simulate the chain p forward from data's first stocks with its entries
 * (missing entries: what the stock identity implies, at least zero) into
 * the stocks/starts/ends of sim, keeping data's pattern of missing values. */
static void simulate_data(const cc_multistate *m, const double *p, const cc_flow_data *d, gsl_rng *rng,
                          double *stocks, double *entries, double *starts, double *ends) {
  size_t k = m->k, cols = k + 1;
  double prob[CC_MULTISTATE_MAX_STATES + 1];
  unsigned int moves[CC_MULTISTATE_MAX_STATES + 1];
  for (size_t i = 0; i < k; i++) stocks[i] = isnan(d->stocks[i]) ? 0.0 : round(d->stocks[i]);
  for (size_t t = 0; t < d->months; t++) {
    double *x = stocks + t * k, *next = stocks + (t + 1) * k;
    for (size_t j = 0; j < k; j++) {
      double e = d->entries[t * k + j];
      if (isnan(e)) {
        double implied = d->stocks[(t + 1) * k + j];
        for (size_t i = 0; i < k; i++) implied -= p[i * cols + j] * (isnan(d->stocks[t * k + i]) ? 0.0 : d->stocks[t * k + i]);
        e = isnan(implied) ? 0.0 : fmax(0.0, implied);
      }
      entries[t * k + j] = round(e);
      next[j] = entries[t * k + j];
      starts[t * k + j] = entries[t * k + j];
    }
    for (size_t i = 0; i < k; i++) {
      for (size_t j = 0; j < cols; j++) prob[j] = p[i * cols + j];
      gsl_ran_multinomial(rng, cols, (unsigned int)x[i], prob, moves);
      for (size_t j = 0; j < k; j++) {
        next[j] += moves[j];
        if (j != i) starts[t * k + j] += moves[j];
      }
      ends[t * k + i] = x[i] - moves[i];
    }
  }
  /* the same values are missing as in the data, so each replicate is estimated the same way */
  for (size_t r = 0; r <= d->months; r++)
    for (size_t i = 0; i < k; i++)
      if (isnan(d->stocks[r * k + i])) stocks[r * k + i] = NAN;
  for (size_t r = 0; r < d->months; r++)
    for (size_t i = 0; i < k; i++) {
      if (isnan(d->entries[r * k + i])) entries[r * k + i] = NAN;
      if (!d->starts || isnan(d->starts[r * k + i])) starts[r * k + i] = NAN;
      if (!d->ends || isnan(d->ends[r * k + i])) ends[r * k + i] = NAN;
    }
}

static cc_status bootstrap(cc_multistate *m, ls_problem *ls, const double *par_hat, const cc_flow_data *d,
                           const cc_multistate_options *o, cc_error *err) {
  size_t k = m->k, cells = k * (k + 1), T = d->months, B = o->bootstrap;
  double *buffer = malloc(((T + 1) * k + 3 * T * k + ls->n_par) * sizeof *buffer);
  double *draws = malloc(B * cells * sizeof *draws);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  cc_status st = CC_OK;
  if (!buffer || !draws || !rng) {
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    goto done;
  }
  gsl_rng_set(rng, o->seed);
  double *stocks = buffer, *entries = stocks + (T + 1) * k, *starts = entries + T * k, *ends = starts + T * k;
  double *par = ends + T * k;
  cc_flow_data sim = {k, T, stocks, entries, d->starts ? starts : NULL, d->ends ? ends : NULL};
  for (size_t b = 0; b < B && st == CC_OK; b++) {
    simulate_data(m, m->p, d, rng, stocks, entries, starts, ends);
    ls_build(ls, &sim);
    memcpy(par, par_hat, ls->n_par * sizeof *par);
    int iterations;
    st = ls_solve(ls, par, o, &iterations, err);
    par_to_matrix(ls, par, draws + b * cells);
  }
  if (st != CC_OK) goto done;
  for (size_t cell = 0; cell < cells; cell++) {
    if (!m->allowed[cell]) {
      m->se[cell] = 0.0;
      continue;
    }
    double mean = 0.0, ss = 0.0;
    for (size_t b = 0; b < B; b++) mean += draws[b * cells + cell];
    mean /= (double)B;
    for (size_t b = 0; b < B; b++) ss += (draws[b * cells + cell] - mean) * (draws[b * cells + cell] - mean);
    m->se[cell] = B > 1 ? sqrt(ss / (double)(B - 1)) : NAN;
  }
  free(m->draws);
  m->draws = draws;
  m->n_draws = B;
  draws = NULL;
done:
  free(buffer);
  free(draws);
  gsl_rng_free(rng);
  return st;
}

cc_status cc_multistate_estimate(cc_multistate *m, const cc_flow_data *data, const cc_multistate_options *options,
                                 cc_error *err) {
  cc_multistate_options defaults;
  if (!options) {
    cc_multistate_options_default(&defaults);
    options = &defaults;
  }
  cc_status st = check_data(m, data, err);
  if (st != CC_OK) return st;
  ls_problem ls;
  if ((st = ls_alloc(&ls, m, err)) != CC_OK) return st;
  double *par = malloc(ls.n_par * sizeof *par);
  if (!par) {
    ls_free(&ls);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  ls_build(&ls, data);
  for (size_t i = 0; i < m->k && st == CC_OK; i++) {
    size_t allowed = 0;
    for (size_t j = 0; j <= m->k; j++) allowed += m->allowed[cc_multistate_at(m, i, j)];
    if (ls.rows_seen[i] == 0 && allowed > 1)
      st = cc_error_set(err, CC_EINPUT, NULL, 0, "stocks",
                        "state %s is empty in every month with complete data: its transitions cannot be estimated",
                        m->names[i]);
  }
  if (st == CC_OK) {
    initial_point(&ls, par);
    st = ls_solve(&ls, par, options, &m->iterations, err);
  }
  if (st == CC_OK) {
    par_to_matrix(&ls, par, m->p);
    m->sse = objective(&ls, par);
    for (size_t cell = 0; cell < m->k * (m->k + 1); cell++) m->se[cell] = NAN;
    if (options->bootstrap > 0) st = bootstrap(m, &ls, par, data, options, err);
  }
  free(par);
  ls_free(&ls);
  return st;
}

cc_status cc_multistate_from_counts(cc_multistate *m, const double *counts, size_t n_draws, unsigned long seed,
                                    cc_error *err) {
  size_t k = m->k, cols = k + 1, cells = k * cols;
  for (size_t i = 0; i < k; i++) {
    double total = 0.0;
    for (size_t j = 0; j < cols; j++) {
      double c = counts[i * cols + j];
      if (!(c >= 0.0) || isinf(c))
        return cc_error_set(err, CC_EINPUT, NULL, 0, "counts", "the count of moves from %s is %g: counts must be non-negative",
                            m->names[i], c);
      if (c > 0.0 && !m->allowed[i * cols + j])
        return cc_error_set(err, CC_EINPUT, NULL, 0, "counts", "moves from %s to %s were counted but the model forbids them",
                            m->names[i], j == k ? "ended" : m->names[j]);
      total += c;
    }
    if (total <= 0.0)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "counts", "no one was counted in state %s: its rates cannot be estimated",
                          m->names[i]);
    for (size_t j = 0; j < cols; j++) {
      double p = counts[i * cols + j] / total;
      m->p[i * cols + j] = p;
      m->se[i * cols + j] = sqrt(p * (1.0 - p) / total);
    }
  }
  free(m->draws);
  m->draws = NULL;
  m->n_draws = 0;
  if (n_draws == 0) return CC_OK;
  double *draws = malloc(n_draws * cells * sizeof *draws);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  if (!draws || !rng) {
    free(draws);
    gsl_rng_free(rng);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  gsl_rng_set(rng, seed);
  double alpha[CC_MULTISTATE_MAX_STATES + 1], theta[CC_MULTISTATE_MAX_STATES + 1];
  for (size_t b = 0; b < n_draws; b++)
    for (size_t i = 0; i < k; i++) {
      size_t n = 0;
      for (size_t j = 0; j < cols; j++)
        if (m->allowed[i * cols + j]) alpha[n++] = counts[i * cols + j] + JEFFREYS_PRIOR;
      gsl_ran_dirichlet(rng, n, alpha, theta);
      n = 0;
      for (size_t j = 0; j < cols; j++) draws[b * cells + i * cols + j] = m->allowed[i * cols + j] ? theta[n++] : 0.0;
    }
  gsl_rng_free(rng);
  m->draws = draws;
  m->n_draws = n_draws;
  return CC_OK;
}
