/* structts.c: structural time-series models by maximum likelihood and the
 * Kalman smoother (see structts.h).
 *
 * The filter is StructTS's: predict a = T a, P = T P T' + V, then, when y_t
 * is observed, update with the innovation v = y - Z a and its variance
 * F = Z P Z' + h. It keeps for each t the predicted state a_t and
 * M_t = P_t Z', which is all the state smoother needs: with u = T' r_t,
 * r_{t-1} = u + Z' (v_t - M_t' u) / F_t (u alone when y_t is missing), and
 * the smoothed signal is Z a_t + M_t' r_{t-1} (Durbin & Koopman 2012,
 * eq. 4.44 written with L_t = T - T M_t Z / F_t). */
#include "carecast/structts.h"

#include <gsl/gsl_math.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/optim.h"

/* Polishing restarts of the Nelder-Mead search from its own best point. */
#define STS_RESTARTS 1

static size_t state_count(cc_sts_type type, int period) {
  switch (type) {
  case CC_STS_LEVEL: return 1;
  case CC_STS_TREND: return 2;
  default: return (size_t)period + 1;
  }
}

/* Number of variances the type estimates, and which. */
static size_t variance_slots(cc_sts_type type, int *slots) {
  size_t k = 0;
  slots[k++] = CC_STS_VAR_LEVEL;
  if (type != CC_STS_LEVEL) slots[k++] = CC_STS_VAR_SLOPE;
  if (type == CC_STS_BSM) slots[k++] = CC_STS_VAR_SEASONAL;
  slots[k++] = CC_STS_VAR_EPSILON;
  return k;
}

/* Workspace: predicted states and M per t (n m each), innovations and
 * their variances (n each), observed flags as doubles (n), three m x m
 * matrices, four m vectors, and T's non-zero entries (at most 3 m, as
 * row, column, value). */
static size_t work_size(size_t n, size_t m) { return 2 * n * m + 3 * n + 3 * m * m + 4 * m + 9 * m; }

cc_sts *cc_sts_alloc(size_t n, cc_sts_type type, int period) {
  if (type == CC_STS_BSM ? period < 2 : type != CC_STS_LEVEL && type != CC_STS_TREND) return NULL;
  cc_sts *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->type = type;
  s->period = type == CC_STS_BSM ? period : 1;
  s->n = n;
  s->m = state_count(type, period);
  s->smoothed = calloc(n ? n : 1, sizeof *s->smoothed);
  s->work = calloc(work_size(n, s->m), sizeof *s->work);
  if (!s->smoothed || !s->work) {
    cc_sts_free(s);
    return NULL;
  }
  for (int i = 0; i < CC_STS_VARS; i++) s->variances[i] = NAN;
  return s;
}

void cc_sts_free(cc_sts *s) {
  if (!s) return;
  free(s->smoothed);
  free(s->work);
  free(s);
}

/* The model's transition T (m x m, row-major) and signal vector Z. */
static void system_matrices(const cc_sts *s, double *T, double *Z) {
  size_t m = s->m;
  memset(T, 0, m * m * sizeof *T);
  memset(Z, 0, m * sizeof *Z);
  T[0] = 1.0;
  Z[0] = 1.0;
  if (s->type == CC_STS_LEVEL) return;
  T[1] = 1.0;         /* level += slope */
  T[m + 1] = 1.0;     /* slope */
  if (s->type != CC_STS_BSM) return;
  Z[2] = 1.0;
  for (size_t j = 2; j < m; j++) T[2 * m + j] = -1.0; /* new seasonal = -(sum of the last period - 1) */
  for (size_t i = 2; i + 1 < m; i++) T[(i + 1) * m + i] = 1.0;
}

/* Views of the workspace. */
typedef struct sts_view {
  double *a_pred, *m_pred, *innovation, *variance, *observed, *T, *P, *tmp, *Z, *a, *mvec, *r;
  double *nz_row, *nz_col, *nz_value; /* T's non-zero entries (T is sparse: about 2 m of m^2) */
} sts_view;

static sts_view view_of(cc_sts *s) {
  size_t n = s->n, m = s->m;
  double *w = s->work;
  sts_view v;
  v.a_pred = w;
  v.m_pred = w + n * m;
  v.innovation = w + 2 * n * m;
  v.variance = v.innovation + n;
  v.observed = v.variance + n;
  v.T = v.observed + n;
  v.P = v.T + m * m;
  v.tmp = v.P + m * m;
  v.Z = v.tmp + m * m;
  v.a = v.Z + m;
  v.mvec = v.a + m;
  v.r = v.mvec + m;
  v.nz_row = v.r + m;
  v.nz_col = v.nz_row + 3 * m;
  v.nz_value = v.nz_col + 3 * m;
  return v;
}

/* The variance scale of StructTS: var(observed y) / 100, and the first value (or the mean when it is missing). */
static int scale_of(const double *y, size_t n, double *scale, double *first) {
  double sum = 0.0, ss = 0.0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) sum += y[t], count++;
  if (count < 2) return 0;
  double mean = sum / (double)count;
  for (size_t t = 0; t < n; t++)
    if (!isnan(y[t])) ss += (y[t] - mean) * (y[t] - mean);
  *scale = ss / (double)(count - 1) / CC_STS_SCALE_DIVISOR;
  *first = isnan(y[0]) ? mean : y[0];
  return 1;
}

/* Run the filter with variances var (absolute); returns the objective (Inf when a variance F is not positive). */
static double run_filter(const double *y, cc_sts *s, const double *var, double scale, double first) {
  size_t n = s->n, m = s->m;
  sts_view v = view_of(s);
  system_matrices(s, v.T, v.Z);
  size_t nz = 0;
  for (size_t i = 0; i < m; i++)
    for (size_t k = 0; k < m; k++)
      if (v.T[i * m + k] != 0.0) {
        v.nz_row[nz] = (double)i;
        v.nz_col[nz] = (double)k;
        v.nz_value[nz++] = v.T[i * m + k];
      }
  memset(v.a, 0, m * sizeof *v.a);
  v.a[0] = first;
  for (size_t i = 0; i < m * m; i++) v.P[i] = CC_STS_DIFFUSE * scale;
  double disturbance[3] = {var[CC_STS_VAR_LEVEL], s->type != CC_STS_LEVEL ? var[CC_STS_VAR_SLOPE] : 0.0,
                           s->type == CC_STS_BSM ? var[CC_STS_VAR_SEASONAL] : 0.0};
  double h = var[CC_STS_VAR_EPSILON], ssq = 0.0, sumlog = 0.0;
  size_t observed = 0;
  for (size_t t = 0; t < n; t++) {
    double *a_pred = v.a_pred + t * m, *M = v.m_pred + t * m;
    /* a = T a; P = T P T' (by T's non-zero entries) */
    memset(a_pred, 0, m * sizeof *a_pred);
    memset(v.tmp, 0, m * m * sizeof *v.tmp);
    for (size_t e = 0; e < nz; e++) {
      size_t i = (size_t)v.nz_row[e], k = (size_t)v.nz_col[e];
      double value = v.nz_value[e];
      a_pred[i] += value * v.a[k];
      for (size_t j = 0; j < m; j++) v.tmp[i * m + j] += value * v.P[k * m + j];
    }
    memset(v.P, 0, m * m * sizeof *v.P);
    for (size_t e = 0; e < nz; e++) {
      size_t j = (size_t)v.nz_row[e], k = (size_t)v.nz_col[e];
      double value = v.nz_value[e];
      for (size_t i = 0; i < m; i++) v.P[i * m + j] += v.tmp[i * m + k] * value;
    }
    for (size_t i = 0; i < m && i < 3; i++) v.P[i * m + i] += disturbance[i];
    double F = h;
    for (size_t i = 0; i < m; i++) {
      double sum = 0.0;
      for (size_t k = 0; k < m; k++) sum += v.P[i * m + k] * v.Z[k];
      M[i] = sum;
      F += v.Z[i] * sum;
    }
    v.observed[t] = !isnan(y[t]);
    if (!v.observed[t]) {
      memcpy(v.a, a_pred, m * sizeof *v.a);
      continue;
    }
    if (!(F > 0.0)) return INFINITY;
    double innovation = y[t];
    for (size_t i = 0; i < m; i++) innovation -= v.Z[i] * a_pred[i];
    v.innovation[t] = innovation;
    v.variance[t] = F;
    ssq += innovation * innovation / F;
    sumlog += log(F);
    observed++;
    for (size_t i = 0; i < m; i++) v.a[i] = a_pred[i] + M[i] * innovation / F;
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < m; j++) v.P[i * m + j] -= M[i] * M[j] / F;
  }
  return 0.5 * (ssq / (double)observed + sumlog / (double)observed);
}

/* The backward pass: smoothed signals from the stored filter. */
static void run_smoother(cc_sts *s) {
  size_t n = s->n, m = s->m;
  sts_view v = view_of(s);
  memset(v.r, 0, m * sizeof *v.r);
  for (size_t t = n; t-- > 0;) {
    const double *a_pred = v.a_pred + t * m, *M = v.m_pred + t * m;
    /* u = T' r */
    for (size_t j = 0; j < m; j++) {
      double sum = 0.0;
      for (size_t i = 0; i < m; i++) sum += v.T[i * m + j] * v.r[i];
      v.mvec[j] = sum;
    }
    if (v.observed[t]) {
      double mu = 0.0;
      for (size_t i = 0; i < m; i++) mu += M[i] * v.mvec[i];
      double scaled = (v.innovation[t] - mu) / v.variance[t];
      for (size_t i = 0; i < m; i++) v.mvec[i] += v.Z[i] * scaled;
    }
    memcpy(v.r, v.mvec, m * sizeof *v.r);
    double signal = 0.0;
    for (size_t i = 0; i < m; i++) signal += v.Z[i] * a_pred[i] + M[i] * v.r[i];
    s->smoothed[t] = signal;
  }
}

cc_status cc_sts_evaluate(const double *y, size_t n, const double *variances, cc_sts *s, cc_error *err) {
  if (s->n != n) return cc_error_set(err, CC_EINTERNAL, NULL, 0, "structts", "model allocated for another length");
  double scale, first;
  if (!scale_of(y, n, &scale, &first))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "fewer than two observed values");
  s->objective = run_filter(y, s, variances, scale, first);
  if (!isfinite(s->objective))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "variances", "the variances give a non-positive prediction variance");
  size_t observed = 0;
  for (size_t t = 0; t < n; t++) observed += !isnan(y[t]);
  s->loglik = -(double)n * s->objective - 0.5 * (double)observed * log(2.0 * M_PI);
  int slots[CC_STS_VARS];
  size_t k = variance_slots(s->type, slots);
  for (int i = 0; i < CC_STS_VARS; i++) s->variances[i] = NAN;
  for (size_t i = 0; i < k; i++) s->variances[slots[i]] = variances[slots[i]];
  run_smoother(s);
  return CC_OK;
}

/* What the optimiser sees. */
typedef struct sts_problem {
  const double *y;
  cc_sts *model;
  double scale, first;
  int slots[CC_STS_VARS];
  size_t k;
} sts_problem;

/* The objective at square roots of the variance ratios (StructTS optimises the ratios, bounded below by 0). */
static double objective(const double *theta, size_t k, void *context) {
  sts_problem *p = context;
  double var[CC_STS_VARS] = {0.0, 0.0, 0.0, 0.0};
  int all_zero = 1;
  for (size_t i = 0; i < k; i++) {
    double ratio = theta[i] * theta[i];
    if (ratio != 0.0) all_zero = 0;
    var[p->slots[i]] = ratio * p->scale;
  }
  if (all_zero) return CC_STS_ALL_ZERO_OBJECTIVE;
  return run_filter(p->y, p->model, var, p->scale, p->first);
}

cc_status cc_sts_fit(const double *y, size_t n, cc_sts *s, cc_error *err) {
  if (s->n != n) return cc_error_set(err, CC_EINTERNAL, NULL, 0, "structts", "model allocated for another length");
  sts_problem problem = {.y = y, .model = s};
  if (!scale_of(y, n, &problem.scale, &problem.first))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "fewer than two observed values");
  problem.k = variance_slots(s->type, problem.slots);
  double theta[CC_STS_VARS] = {1.0, 1.0, 1.0, 1.0};
  cc_nm_workspace *w = cc_nm_workspace_alloc(problem.k);
  if (!w) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_nm_options options;
  cc_nm_options_default(&options);
  cc_nm_result result;
  cc_status status = CC_OK;
  for (int pass = 0; !status && pass <= STS_RESTARTS; pass++)
    status = cc_nelder_mead(objective, &problem, theta, problem.k, &options, w, &result, err);
  cc_nm_workspace_free(w);
  if (status) return status;
  double var[CC_STS_VARS] = {0.0, 0.0, 0.0, 0.0};
  for (size_t i = 0; i < problem.k; i++) var[problem.slots[i]] = theta[i] * theta[i] * problem.scale;
  return cc_sts_evaluate(y, n, var, s, err);
}

cc_status cc_impute_kalman(const double *y, size_t n, int period, double *out, cc_error *err) {
  size_t observed = 0;
  for (size_t t = 0; t < n; t++) observed += !isnan(y[t]);
  if (observed < 3) return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "%zu observed values: too few to impute from", observed);
  int constant = 1;
  double value = NAN;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    if (isnan(value)) value = y[t];
    else if (y[t] != value) constant = 0;
  }
  if (constant) {
    for (size_t t = 0; t < n; t++) out[t] = value;
    return CC_OK;
  }
  cc_sts_type type = period > 1 && observed > 2 * (size_t)period ? CC_STS_BSM : CC_STS_TREND;
  cc_sts *s = cc_sts_alloc(n, type, period);
  if (!s) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = cc_sts_fit(y, n, s, err);
  for (size_t t = 0; !status && t < n; t++) out[t] = isnan(y[t]) ? s->smoothed[t] : y[t];
  cc_sts_free(s);
  return status;
}
