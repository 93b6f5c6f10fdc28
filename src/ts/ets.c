/* ets.c: exponential smoothing as a model family (see models.h): estimation
 * by maximum likelihood, automatic selection by AICc, and forecasting.
 *
 * Estimation follows forecast::ets() (Hyndman et al. 2008, ch. 5; R's
 * forecast package 8.x) closely, so that fitted models agree with it:
 * initial states from a classical decomposition of the first years (or a
 * trend-plus-Fourier regression when there are fewer than three) and a
 * straight line through the first observations; smoothing parameters
 * started where forecast::ets starts them; all of them and the initial
 * states (the last seasonal state fixed by the normalisation) optimised
 * together by Nelder-Mead on n log(SSE) (+ 2 sum log|mu| for multiplicative
 * errors) inside the admissible region. Differences from forecast::ets, on
 * purpose: missing values inside the series are skipped by the likelihood
 * (forecast::ets keeps the longest stretch without them), and the starting
 * states are computed from the series with its gaps interpolated. */
#include <gsl/gsl_math.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/decompose.h"
#include "carecast/models.h"
#include "carecast/optim.h"
#include "ets_internal.h"

#define ETS_LOWER 1e-4          /* lower bound of alpha, beta, gamma */
#define ETS_UPPER 0.9999        /* upper bound of alpha, beta, gamma */
#define ETS_PHI_LOWER 0.8
#define ETS_PHI_UPPER 0.98
#define ETS_PERFECT_FIT (-1e10) /* the criterion is floored here so perfect fits stay comparable */
#define ETS_SEASON_FLOOR 0.01   /* multiplicative starting indices are at least this */
#define ETS_CONSTANT_ALPHA 0.99999 /* forecast::ets fits a constant series by SES with this alpha */
#define ETS_PAR_MAX (4 + 2 + ETS_SEASON_MAX)

/* ---- starting values ----------------------------------------------------------- */

/* y with its gaps filled by straight lines (ends by the nearest value), for starting values only. */
static void interpolate_gaps(const double *y, size_t n, double *out) {
  size_t previous = n; /* index of the last observed value, n when none yet */
  for (size_t t = 0; t < n; t++) {
    out[t] = y[t];
    if (isnan(y[t])) continue;
    if (previous == n)
      for (size_t k = 0; k < t; k++) out[k] = y[t];
    else
      for (size_t k = previous + 1; k < t; k++)
        out[k] = y[previous] + (y[t] - y[previous]) * (double)(k - previous) / (double)(t - previous);
    previous = t;
  }
  for (size_t k = previous + 1; previous < n && k < n; k++) out[k] = y[previous];
}

/* Least squares of y on the columns of X (n x k, row-major); coefficients into beta[k]. */
static cc_status least_squares(const double *X, const double *y, size_t n, size_t k, double *beta, cc_error *err) {
  gsl_matrix_const_view design = gsl_matrix_const_view_array(X, n, k);
  gsl_vector_const_view response = gsl_vector_const_view_array(y, n);
  gsl_vector *c = gsl_vector_alloc(k);
  gsl_matrix *cov = gsl_matrix_alloc(k, k);
  gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, k);
  cc_status status = c && cov && w ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double chisq;
  if (!status && gsl_multifit_linear(&design.matrix, &response.vector, c, cov, &chisq, w) != 0)
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "ets", "the starting regression failed");
  for (size_t i = 0; !status && i < k; i++) beta[i] = gsl_vector_get(c, i);
  gsl_vector_free(c);
  gsl_matrix_free(cov);
  gsl_multifit_linear_free(w);
  return status;
}

/* The seasonal component of y[0..n): from a classical decomposition with at
 * least three seasons of data, else what a regression on a line and the
 * first Fourier pair leaves (forecast's initstate). */
static cc_status seasonal_start(const double *y, size_t n, int m, int multiplicative, double *seasonal, cc_error *err) {
  if (n >= 3 * (size_t)m) {
    cc_decomposition *d = cc_decomposition_alloc(n, m);
    if (!d) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    cc_status status = cc_decompose_classical(y, n, m, multiplicative ? CC_DECOMPOSE_MULTIPLICATIVE : CC_DECOMPOSE_ADDITIVE,
                                              d, err);
    for (size_t t = 0; !status && t < n; t++) seasonal[t] = d->figure[t % (size_t)m];
    cc_decomposition_free(d);
    return status;
  }
  double *X = malloc(n * 4 * sizeof *X), beta[4];
  if (!X) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  /* forecast::fourier drops the sine when it is identically zero (m = 2). */
  size_t k = m == 2 ? 3 : 4;
  for (size_t t = 0; t < n; t++) {
    double angle = 2 * M_PI * (double)(t + 1) / m;
    X[t * k + 0] = 1;
    X[t * k + 1] = (double)(t + 1);
    if (k == 4) X[t * k + 2] = sin(angle);
    X[t * k + k - 1] = cos(angle);
  }
  cc_status status = least_squares(X, y, n, k, beta, err);
  free(X);
  for (size_t t = 0; !status && t < n; t++) {
    double line = beta[0] + beta[1] * (double)(t + 1);
    seasonal[t] = multiplicative ? y[t] / line : y[t] - line;
  }
  return status;
}

/* forecast::ets's initstate: level (and slope) from the first max(10, 2m)
 * seasonally adjusted values; m - 1 free seasonal states, newest first. */
static cc_status initial_states(const ets_spec *spec, const double *y, size_t n, double *x, cc_error *err) {
  double *adjusted = malloc(n * sizeof *adjusted), *component = malloc(n * sizeof *component);
  if (!adjusted || !component) {
    free(adjusted);
    free(component);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  interpolate_gaps(y, n, adjusted);
  const int m = spec->season ? spec->m : 1;
  double seasonal[ETS_SEASON_MAX];
  cc_status status = CC_OK;
  if (spec->season) {
    if (n < 4) status = cc_error_set(err, CC_EINPUT, NULL, 0, "ets", "too few observations for a seasonal model");
    if (!status) status = seasonal_start(adjusted, n, m, spec->season == ETS_MULT, component, err);
    for (int j = 0; !status && j < m - 1; j++) seasonal[j] = component[m - 1 - j]; /* newest first */
    if (!status && spec->season == ETS_MULT) {
      double sum = 0;
      for (int j = 0; j < m - 1; j++) seasonal[j] = fmax(seasonal[j], ETS_SEASON_FLOOR), sum += seasonal[j];
      if (sum > m) {
        double scaled = 0;
        for (int j = 0; j < m - 1; j++) scaled += seasonal[j] + ETS_SEASON_FLOOR;
        for (int j = 0; j < m - 1; j++) seasonal[j] /= scaled;
      }
    }
    for (size_t t = 0; !status && t < n; t++)
      adjusted[t] = spec->season == ETS_ADD ? adjusted[t] - component[t] : adjusted[t] / fmax(component[t], ETS_SEASON_FLOOR);
  }
  free(component);
  if (status) {
    free(adjusted);
    return status;
  }
  size_t first = (size_t)(2 * m > 10 ? 2 * m : 10);
  if (first > n) first = n;
  size_t k = 0;
  if (spec->trend == ETS_NONE) {
    double sum = 0;
    for (size_t t = 0; t < first; t++) sum += adjusted[t];
    x[k++] = sum / (double)first;
  } else {
    double mean_t = 0, mean_y = 0, sxy = 0, sxx = 0;
    for (size_t t = 0; t < first; t++) mean_t += (double)(t + 1), mean_y += adjusted[t];
    mean_t /= (double)first;
    mean_y /= (double)first;
    for (size_t t = 0; t < first; t++) {
      sxy += ((double)(t + 1) - mean_t) * (adjusted[t] - mean_y);
      sxx += ((double)(t + 1) - mean_t) * ((double)(t + 1) - mean_t);
    }
    double slope = sxx > 0 ? sxy / sxx : 0, level = mean_y - slope * mean_t;
    if (fabs(level + slope) < 1e-8) level *= 1 + 1e-3, slope *= 1 - 1e-3;
    x[k++] = level;
    x[k++] = slope;
  }
  for (int j = 0; spec->season && j < m - 1; j++) x[k++] = seasonal[j];
  free(adjusted);
  return CC_OK;
}

/* ---- the objective ------------------------------------------------------------------ */

typedef struct ets_problem {
  ets_spec spec;
  const double *y;
  size_t n;
  size_t n_smoothing; /* alpha, beta, gamma, phi as present */
  double *state;      /* scratch: full initial state */
} ets_problem;

/* Smoothing parameters from the front of the parameter vector. */
static ets_par unpack(const ets_problem *p, const double *v) {
  ets_par par = {v[0], 0, 0, 1};
  size_t k = 1;
  if (p->spec.trend) par.beta = v[k++];
  if (p->spec.season) par.gamma = v[k++];
  if (p->spec.damped) par.phi = v[k++];
  return par;
}

/* The full initial state: free states from v, the last seasonal by normalisation. Returns 0 if unusable. */
static int build_state(const ets_problem *p, const double *v, double *state) {
  size_t free_states = ets_state_size(&p->spec) - (p->spec.season ? 1 : 0);
  memcpy(state, v + p->n_smoothing, free_states * sizeof *state);
  if (!p->spec.season) return 1;
  const int m = p->spec.m;
  double *seasonal = state + 1 + (p->spec.trend != ETS_NONE), sum = 0;
  for (int j = 0; j < m - 1; j++) sum += seasonal[j];
  seasonal[m - 1] = (p->spec.season == ETS_MULT ? m : 0) - sum;
  if (p->spec.season == ETS_MULT)
    for (int j = 0; j < m; j++)
      if (seasonal[j] < 0) return 0;
  return 1;
}

static double objective(const double *v, size_t n_par, void *context) {
  (void)n_par;
  ets_problem *p = context;
  ets_par par = unpack(p, v);
  if (!ets_par_admissible(&p->spec, &par)) return INFINITY;
  if (!build_state(p, v, p->state)) return INFINITY;
  double lik = ets_pass(&p->spec, &par, p->state, p->y, p->n, NULL, NULL, NULL, NULL);
  if (isnan(lik)) return INFINITY;
  return lik < ETS_PERFECT_FIT ? ETS_PERFECT_FIT : lik;
}

/* forecast's initparam: where the optimiser starts alpha, beta, gamma and phi. */
static size_t starting_smoothing(const ets_spec *spec, double *v) {
  size_t k = 0;
  int m = spec->season ? spec->m : 1;
  double alpha = ETS_LOWER + 0.2 * (ETS_UPPER - ETS_LOWER) / m;
  if (alpha > 1 || alpha < 0) alpha = ETS_LOWER + 2e-3;
  v[k++] = alpha;
  if (spec->trend) {
    double upper = fmin(ETS_UPPER, alpha), beta = ETS_LOWER + 0.1 * (upper - ETS_LOWER);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
    v[k++] = beta;
  }
  if (spec->season) {
    double upper = fmin(ETS_UPPER, 1 - alpha), gamma = ETS_LOWER + 0.05 * (upper - ETS_LOWER);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
    v[k++] = gamma;
  }
  if (spec->damped) {
    double phi = ETS_PHI_LOWER + 0.99 * (ETS_PHI_UPPER - ETS_PHI_LOWER);
    if (phi < 0 || phi > 1) phi = ETS_PHI_UPPER - 1e-3;
    v[k++] = phi;
  }
  return k;
}

/* ---- one model ------------------------------------------------------------------ */

static size_t count_observed(const double *y, size_t n) {
  size_t count = 0;
  for (size_t t = 0; t < n; t++) count += !isnan(y[t]);
  return count;
}

/* Fill m from the optimum v of problem p. */
static cc_status finish_model(const ets_problem *p, const double *v, size_t n_par, cc_model *model, cc_error *err) {
  const ets_spec *spec = &p->spec;
  ets_par par = unpack(p, v);
  size_t n_state = ets_state_size(spec), k = 0;
  double *x0 = malloc(n_state * sizeof *x0), *errors = malloc((p->n ? p->n : 1) * sizeof *errors);
  if (!x0 || !errors) {
    free(x0);
    free(errors);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  build_state(p, v, x0);
  size_t n_obs = 0;
  double lik = ets_pass(spec, &par, x0, p->y, p->n, model->fitted, errors, model->states, &n_obs);
  ets_spec_name(spec, model->spec, sizeof model->spec);
  model->settings[0] = spec->error;
  model->settings[1] = spec->trend;
  model->settings[2] = spec->season;
  model->settings[3] = spec->damped;
  model->period = spec->season ? spec->m : 1;
  cc_model_set_param(model, k++, "alpha", par.alpha);
  if (spec->trend) cc_model_set_param(model, k++, "beta", par.beta);
  if (spec->season) cc_model_set_param(model, k++, "gamma", par.gamma);
  if (spec->damped) cc_model_set_param(model, k++, "phi", par.phi);
  cc_model_set_param(model, k++, "l", x0[0]);
  if (spec->trend) cc_model_set_param(model, k++, "b", x0[1]);
  for (int j = 0; spec->season && j < spec->m; j++) {
    char name[CC_PARAM_NAME_MAX];
    snprintf(name, sizeof name, "s%d", j + 1);
    cc_model_set_param(model, k++, name, x0[1 + (spec->trend != ETS_NONE) + j]);
  }
  double sse = 0;
  for (size_t t = 0; t < p->n; t++)
    if (!isnan(errors[t])) sse += errors[t] * errors[t];
  cc_model_set_residuals(model, p->y);
  model->nobs = n_obs;
  model->n_estimated = (int)n_par + 1; /* + sigma2, as forecast::ets counts */
  model->loglik = -0.5 * lik;
  model->sigma2 = sse / (double)(n_obs - n_par);
  cc_model_set_criteria(model);
  free(x0);
  free(errors);
  return CC_OK;
}

/* One candidate model on its way through the optimiser. */
typedef struct ets_candidate {
  ets_problem problem;            /* spec, data and scratch for the objective */
  double v[ETS_PAR_MAX];          /* parameters: smoothing, then free initial states */
  double state[2 + ETS_SEASON_MAX]; /* the objective's scratch state */
  size_t n_par;                   /* parameters optimised */
  size_t n_obs;                   /* observations the likelihood counts */
  int feasible;                   /* 0: too many parameters for the data, or no admissible start */
  cc_nm_workspace *nm;            /* the search in progress */
  cc_nm_result result;            /* where it has got to */
} ets_candidate;

/* Starting values, the feasibility test of forecast::ets (more parameters
 * than observations - 1, or an inadmissible start, rule a model out), and
 * the first simplex. */
static cc_status candidate_start(const double *y, size_t n, const ets_spec *spec, const cc_fit_options *options,
                                 ets_candidate *c, cc_error *err) {
  c->feasible = 0;
  size_t n_smoothing = starting_smoothing(spec, c->v);
  cc_status status = initial_states(spec, y, n, c->v + n_smoothing, err);
  if (status) return status;
  c->n_par = n_smoothing + ets_state_size(spec) - (spec->season ? 1 : 0);
  c->n_obs = count_observed(y, n);
  if (c->n_par + 1 >= c->n_obs) return CC_OK;
  c->problem = (ets_problem){*spec, y, n, n_smoothing, c->state};
  cc_nm_options nm_options;
  cc_nm_options_default(&nm_options);
  nm_options.max_evaluations = options->max_iterations;
  status = cc_nm_start(objective, &c->problem, c->v, c->n_par, &nm_options, c->nm, err);
  if (status == CC_EINPUT) return CC_OK;
  if (status) return status;
  c->feasible = 1;
  c->result.value = INFINITY;
  return CC_OK;
}

/* Run the candidate's search on, to evaluation_limit evaluations in all. */
static void candidate_run(ets_candidate *c, int evaluation_limit) {
  cc_nm_continue(c->nm, evaluation_limit, c->v, &c->result);
}

/* The AICc the candidate has reached so far, from the optimiser's value. */
static double candidate_aicc(const ets_candidate *c) {
  double k = (double)c->n_par + 1, n_obs = (double)c->n_obs;
  return c->result.value + 2 * k + 2 * k * (k + 1) / (n_obs - k - 1);
}

/* The fitted model at the candidate's optimum. */
static cc_status candidate_model(const ets_candidate *c, cc_model **out, cc_error *err) {
  const ets_spec *spec = &c->problem.spec;
  /* Parameters reported: the smoothing parameters and the full initial state. */
  cc_model *model = cc_model_alloc(&cc_model_ets, c->problem.n, c->problem.n_smoothing + ets_state_size(spec),
                                   ets_state_size(spec));
  if (!model) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = finish_model(&c->problem, c->v, c->n_par, model, err);
  if (status) {
    cc_model_free(model);
    return status;
  }
  *out = model;
  return CC_OK;
}

/* Fit one ETS model. *out is NULL (and CC_OK returned) when the model has
 * more parameters than the data can carry, as forecast::ets skips it. */
static cc_status fit_spec(const double *y, size_t n, const ets_spec *spec, const cc_fit_options *options,
                          cc_nm_workspace *nm, cc_model **out, cc_error *err) {
  *out = NULL;
  ets_candidate c = {.nm = nm};
  cc_status status = candidate_start(y, n, spec, options, &c, err);
  if (status || !c.feasible) return status;
  candidate_run(&c, options->max_iterations);
  return candidate_model(&c, out, err);
}

/* A constant series: simple exponential smoothing with alpha near one, as forecast::ets. */
static cc_status fit_constant(const double *y, size_t n, cc_model **out, cc_error *err) {
  cc_model *model = cc_model_alloc(&cc_model_ets, n, 2, 1);
  if (!model) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double level = NAN;
  for (size_t t = 0; t < n && isnan(level); t++) level = y[t];
  ets_spec spec = {ETS_ADD, ETS_NONE, ETS_NONE, 0, 1};
  ets_par par = {ETS_CONSTANT_ALPHA, 0, 0, 1};
  ets_pass(&spec, &par, &level, y, n, model->fitted, NULL, model->states, &model->nobs);
  ets_spec_name(&spec, model->spec, sizeof model->spec);
  model->settings[0] = ETS_ADD;
  cc_model_set_param(model, 0, "alpha", ETS_CONSTANT_ALPHA);
  cc_model_set_param(model, 1, "l", level);
  cc_model_set_residuals(model, y);
  model->sigma2 = 0;
  model->n_estimated = 2;
  *out = model;
  return CC_OK;
}

static int is_constant(const double *y, size_t n) {
  double first = NAN;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    if (isnan(first)) first = y[t];
    else if (y[t] != first) return 0;
  }
  return !isnan(first);
}

static int strictly_positive(const double *y, size_t n) {
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t]) && y[t] <= 0) return 0;
  return 1;
}

/* forecast::ets(model = "ZZZ"): every admissible combination, the lowest
 * AICc wins (ties to the earlier, in forecast's order). To spend the
 * optimiser's budget where it matters, the selection runs in rounds, a
 * successive halving: every candidate first makes ETS_SCREEN_SEASONAL (or
 * ETS_SCREEN_PLAIN) evaluations; then, round after round, only the searches
 * still going on whose AICc so far ranks among the round's best `keep` go
 * on, to the round's evaluation count, and the others are left behind. The
 * last round carries the best two on to forecast's full budget. A search
 * that has converged is final and competes in every later ranking. A
 * continued search is exactly the one an uninterrupted run makes, so a
 * survivor ends where forecast::ets ends; a candidate left behind is one
 * that was not among the best few at some round.
 *
 * A round's evaluation count is per optimised parameter (plus one: the
 * size of the simplex) of the largest candidate, since Nelder-Mead needs
 * more steps in more dimensions: 17 parameters with a monthly season, 9
 * with a quarterly one, at most 5 without. The counts are the smallest
 * tried that kept both of these: the automatic choices of the 38 reference
 * cases of tests/unit/test_ets.c (R's model, or one with an AICc within 0.5
 * of it), and sMAPE and MASE within 1% of R's on every M3 and tourism
 * subset (bench/). Seasonal series have up to 15 candidates, so they are
 * halved in more rounds; non-seasonal ones have at most 6. */
#define ETS_SCREEN_SEASONAL 100 /* evaluations every candidate makes before the first ranking (seasonal series) */
#define ETS_SCREEN_PLAIN 80     /* ... and without a season */
#define ETS_FULL_BUDGET 0       /* a round's count meaning "the caller's max_iterations" */
#define ETS_CANDIDATES_MAX 15

typedef struct ets_round {
  int evaluations_per_parameter; /* survivors run to this many evaluations in all per (parameter + 1), or
                                    ETS_FULL_BUDGET */
  size_t keep;                   /* survivors: the searches going on whose AICc has fewer than `keep` better */
} ets_round;

static const ets_round seasonal_rounds[] = {{15, 8}, {30, 6}, {60, 3}, {ETS_FULL_BUDGET, 2}};
static const ets_round plain_rounds[] = {{25, 3}, {ETS_FULL_BUDGET, 2}};

/* One round: the ranks are taken first (every feasible candidate competes,
 * finished or not), then the survivors run on and the rest are left behind. */
static void run_round(ets_candidate *candidates, size_t count, const ets_round *round, int simplex_size,
                      int max_evaluations) {
  size_t better[ETS_CANDIDATES_MAX];
  for (size_t i = 0; i < count; i++) {
    better[i] = 0;
    for (size_t j = 0; candidates[i].feasible && j < count; j++)
      if (j != i && candidates[j].feasible && candidate_aicc(&candidates[j]) < candidate_aicc(&candidates[i])) better[i]++;
  }
  int limit = round->evaluations_per_parameter == ETS_FULL_BUDGET ? max_evaluations
                                                                  : round->evaluations_per_parameter * simplex_size;
  if (limit > max_evaluations) limit = max_evaluations;
  for (size_t i = 0; i < count; i++) {
    ets_candidate *c = &candidates[i];
    if (!c->feasible || cc_nm_finished(c->nm)) continue;
    if (better[i] < round->keep) candidate_run(c, limit);
    else c->feasible = 0; /* left behind */
  }
}

static cc_status fit_auto(const double *y, size_t n, int m, const cc_fit_options *options, cc_model **out,
                          cc_error *err) {
  int positive = strictly_positive(y, n);
  int multiplicative = options->allow_multiplicative < 0 ? positive : options->allow_multiplicative && positive;
  int seasonal = m > 1 && m <= ETS_SEASON_MAX && n > (size_t)m;
  static const int errors[] = {ETS_ADD, ETS_MULT}, trends[] = {ETS_NONE, ETS_ADD},
                   seasons[] = {ETS_NONE, ETS_ADD, ETS_MULT}, dampings[] = {1, 0};
  ets_candidate *candidates = calloc(ETS_CANDIDATES_MAX, sizeof *candidates);
  if (!candidates) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t count = 0;
  cc_status status = CC_OK;
  for (int e = 0; e < 2; e++)
    for (int t = 0; t < 2; t++)
      for (int s = 0; s < 3; s++)
        for (int d = 0; d < 2 && !status; d++) {
          ets_spec spec = {errors[e], trends[t], seasons[s], dampings[d], seasonal ? m : 1};
          if (spec.trend == ETS_NONE && spec.damped) continue;
          if (spec.season != ETS_NONE && !seasonal) continue;
          if ((spec.error == ETS_MULT || spec.season == ETS_MULT) && !multiplicative) continue;
          if (spec.error == ETS_ADD && spec.season == ETS_MULT) continue;
          ets_candidate *c = &candidates[count++];
          if (!(c->nm = cc_nm_workspace_alloc(ETS_PAR_MAX))) {
            status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
            break;
          }
          status = candidate_start(y, n, &spec, options, c, err);
          if (!status && c->feasible) candidate_run(c, seasonal ? ETS_SCREEN_SEASONAL : ETS_SCREEN_PLAIN);
        }
  const ets_round *rounds = seasonal ? seasonal_rounds : plain_rounds;
  const size_t n_rounds = seasonal ? sizeof seasonal_rounds / sizeof *seasonal_rounds
                                   : sizeof plain_rounds / sizeof *plain_rounds;
  size_t largest = 0;
  for (size_t i = 0; i < count; i++)
    if (candidates[i].feasible && candidates[i].n_par > largest) largest = candidates[i].n_par;
  for (size_t r = 0; !status && r < n_rounds; r++)
    run_round(candidates, count, &rounds[r], (int)largest + 1, options->max_iterations);
  cc_model *best = NULL;
  for (size_t i = 0; !status && i < count; i++) {
    if (!candidates[i].feasible) continue;
    cc_model *candidate = NULL;
    if ((status = candidate_model(&candidates[i], &candidate, err))) break;
    if (isfinite(candidate->aicc) && (!best || candidate->aicc < best->aicc)) {
      cc_model_free(best);
      best = candidate;
    } else {
      cc_model_free(candidate);
    }
  }
  for (size_t i = 0; i < count; i++) cc_nm_workspace_free(candidates[i].nm);
  free(candidates);
  if (status) {
    cc_model_free(best);
    return status;
  }
  if (!best) return cc_error_set(err, CC_EINPUT, NULL, 0, "ets", "no exponential smoothing model can be fitted to %zu observations", count_observed(y, n));
  *out = best;
  return CC_OK;
}

static cc_status ets_fit(const double *y, size_t n, const char *variant, const cc_fit_options *options, cc_model **out,
                         cc_error *err) {
  *out = NULL;
  cc_fit_options defaults;
  cc_fit_options_default(&defaults);
  if (!options) options = &defaults;
  int m = options->period < 1 ? 1 : options->period;
  if (count_observed(y, n) == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "ets", "the series has no observations");
  cc_nm_workspace *nm = cc_nm_workspace_alloc(ETS_PAR_MAX);
  if (!nm) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status;
  if (!variant || !*variant || strcmp(variant, "ZZZ") == 0) {
    status = is_constant(y, n) ? fit_constant(y, n, out, err) : fit_auto(y, n, m, options, out, err);
  } else {
    ets_spec spec;
    status = ets_spec_parse(variant, &spec, err);
    spec.m = spec.season ? m : 1;
    if (!status && spec.season && (m <= 1 || m > ETS_SEASON_MAX || n <= (size_t)m))
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "model", "a seasonal model needs a seasonal period of 2 to %d and more than one season of data", ETS_SEASON_MAX);
    if (!status && (spec.error == ETS_MULT || spec.season == ETS_MULT) && !strictly_positive(y, n))
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "model", "multiplicative components need strictly positive data");
    if (!status) status = fit_spec(y, n, &spec, options, nm, out, err);
    if (!status && !*out)
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "model",
                            "ETS model %s cannot be fitted to these %zu observations (too few, or no admissible start)",
                            variant, count_observed(y, n));
  }
  cc_nm_workspace_free(nm);
  return status;
}

/* ---- forecasting ------------------------------------------------------------------ */

static void model_spec(const cc_model *m, ets_spec *spec, ets_par *par) {
  spec->error = m->settings[0];
  spec->trend = m->settings[1];
  spec->season = m->settings[2];
  spec->damped = m->settings[3];
  spec->m = m->period;
  par->alpha = cc_model_param(m, "alpha");
  par->beta = spec->trend ? cc_model_param(m, "beta") : 0;
  par->gamma = spec->season ? cc_model_param(m, "gamma") : 0;
  par->phi = spec->damped ? cc_model_param(m, "phi") : 1;
}

static cc_status ets_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic, cc_error *err) {
  (void)err;
  ets_spec spec;
  ets_par par;
  model_spec(m, &spec, &par);
  *analytic = ets_forecast_distribution(&spec, &par, m->states, m->sigma2, h, mean, variance);
  return CC_OK;
}

static cc_status ets_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  (void)err;
  ets_spec spec;
  ets_par par;
  model_spec(m, &spec, &par);
  ets_simulate_path(&spec, &par, m->states, m->sigma2, h, rng, path);
  return CC_OK;
}

const cc_model_type cc_model_ets = {
    "ets", "exponential smoothing state-space models (automatic selection by AICc, or ets:MAdM etc.)",
    ets_fit, ets_forecast, ets_simulate,
};
