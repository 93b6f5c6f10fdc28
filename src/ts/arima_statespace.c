/* arima_statespace.c: the numerical kernel of ARIMA (see arima.c for the
 * model and its estimation): expanding the seasonal polynomials, the
 * stationarity-preserving parameter transformation, Harvey's state-space
 * form with the differences in the state, its stationary initial
 * covariance, and the Kalman filter that gives the exact likelihood. */
#include <complex.h>
#include <float.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "carecast/model.h"
#include "carecast/models.h"
#include "carecast/optim.h"

#include "arima_internal.h"

/* ---------- polynomials and the parameter transformation ---------- */

/* R's partrans: p unconstrained values to the coefficients of a stationary
 * AR(p) (tanh to partial autocorrelations, then Durbin-Levinson). */
void arima_partrans(int p, const double *raw, double *out) {
  double work[ARIMA_MAX_ORDER];
  for (int j = 0; j < p; j++) work[j] = out[j] = tanh(raw[j]);
  for (int j = 1; j < p; j++) {
    double a = out[j];
    for (int k = 0; k < j; k++) work[k] -= a * out[j - k - 1];
    for (int k = 0; k < j; k++) out[k] = work[k];
  }
}

/* R's invpartrans: the inverse of partrans. */
void arima_invpartrans(int p, const double *phi, double *out) {
  double work[ARIMA_MAX_ORDER];
  for (int j = 0; j < p; j++) work[j] = out[j] = phi[j];
  for (int j = p - 1; j > 0; j--) {
    double a = out[j];
    for (int k = 0; k < j; k++) work[k] = (out[k] + a * out[j - k - 1]) / (1 - a * a);
    for (int k = 0; k < j; k++) out[k] = work[k];
  }
  for (int j = 0; j < p; j++) out[j] = atanh(out[j]);
}

/* Apply f (partrans or invpartrans) to the two AR blocks of par into out; copy the rest. */
void arima_transform_ar_blocks(const arima_spec *s, const double *par, double *out, int inverse) {
  memcpy(out, par, (size_t)s->n_coef * sizeof *out);
  int seasonal_ar = s->p + s->q;
  if (inverse) {
    if (s->p) arima_invpartrans(s->p, par, out);
    if (s->sp) arima_invpartrans(s->sp, par + seasonal_ar, out + seasonal_ar);
  } else {
    if (s->p) arima_partrans(s->p, par, out);
    if (s->sp) arima_partrans(s->sp, par + seasonal_ar, out + seasonal_ar);
  }
}

/* R's ARIMA_transPars: the expanded phi[n_phi] and theta[r - 1] (zero-padded)
 * from par (transformed AR parts when transform), using scratch[n_coef]. */
void arima_expand_polynomials(const arima_spec *s, const double *par, int transform, double *scratch, double *phi,
                               double *theta) {
  const double *w = par;
  if (transform) {
    arima_transform_ar_blocks(s, par, scratch, 0);
    w = scratch;
  }
  int ns = s->period, p = s->p, q = s->q, sp = s->sp, sq = s->sq;
  for (int i = 0; i < s->n_phi; i++) phi[i] = 0;
  for (int i = 0; i < s->r - 1; i++) theta[i] = 0;
  for (int i = 0; i < p; i++) phi[i] = w[i];
  for (int i = 0; i < q; i++) theta[i] = w[i + p];
  for (int j = 0; j < sp; j++) {
    phi[(j + 1) * ns - 1] += w[j + p + q];
    for (int i = 0; i < p; i++) phi[(j + 1) * ns + i] -= w[i] * w[j + p + q];
  }
  for (int j = 0; j < sq; j++) {
    theta[(j + 1) * ns - 1] += w[j + p + q + sp];
    for (int i = 0; i < q; i++) theta[(j + 1) * ns + i] += w[i + p] * w[j + p + q + sp];
  }
}

/* The differencing polynomial: y_t = sum_i delta[i] y_{t-1-i} + w_t (R's Delta). */
void arima_expand_delta(const arima_spec *s, double *delta) {
  double poly[s->n_delta + 1];
  int degree = 0;
  poly[0] = 1;
  for (int k = 0; k < s->d + s->sd; k++) {
    int lag = k < s->d ? 1 : s->period;
    for (int i = degree + 1; i <= degree + lag; i++) poly[i] = 0;
    for (int i = degree + lag; i >= lag; i--) poly[i] -= poly[i - lag];
    degree += lag;
  }
  for (int i = 0; i < s->n_delta; i++) delta[i] = -poly[i + 1];
}

/* 1 when all roots of 1 - ar_1 z - ... - ar_p z^p lie outside the unit circle (R's arCheck). */
int arima_ar_stationary(int p, const double *ar) {
  while (p > 0 && ar[p - 1] == 0) p--;
  if (p == 0) return 1;
  double coef[2 * ARIMA_MAX_ORDER + 2], roots[4 * ARIMA_MAX_ORDER + 4];
  coef[0] = 1;
  for (int i = 0; i < p; i++) coef[i + 1] = -ar[i];
  gsl_poly_complex_workspace *w = gsl_poly_complex_workspace_alloc((size_t)p + 1);
  if (!w) return 0;
  int status = gsl_poly_complex_solve(coef, (size_t)p + 1, w, roots);
  gsl_poly_complex_workspace_free(w);
  if (status) return 0;
  for (int i = 0; i < p; i++)
    if (hypot(roots[2 * i], roots[2 * i + 1]) <= 1) return 0;
  return 1;
}

/* R's maInvert: reflect the roots of 1 + ma_1 z + ... inside the unit circle. */
void arima_ma_invert(int q, double *ma) {
  int q0 = q;
  while (q0 > 0 && ma[q0 - 1] == 0) q0--;
  if (q0 == 0) return;
  double coef[ARIMA_MAX_ORDER + 1], roots[2 * ARIMA_MAX_ORDER + 2];
  coef[0] = 1;
  for (int i = 0; i < q0; i++) coef[i + 1] = ma[i];
  gsl_poly_complex_workspace *w = gsl_poly_complex_workspace_alloc((size_t)q0 + 1);
  if (!w) return;
  int status = gsl_poly_complex_solve(coef, (size_t)q0 + 1, w, roots);
  gsl_poly_complex_workspace_free(w);
  if (status) return;
  int any_inside = 0;
  for (int i = 0; i < q0; i++) any_inside |= hypot(roots[2 * i], roots[2 * i + 1]) < 1;
  if (!any_inside) return;
  if (q0 == 1) {
    ma[0] = 1 / ma[0];
    return;
  }
  double complex x[ARIMA_MAX_ORDER + 1] = {1};
  int len = 1;
  for (int i = 0; i < q0; i++) {
    double complex root = roots[2 * i] + roots[2 * i + 1] * I;
    if (cabs(root) < 1) root = 1 / root;
    x[len] = 0;
    for (int k = len; k >= 1; k--) x[k] -= x[k - 1] / root;
    len++;
  }
  for (int i = 0; i < q0; i++) ma[i] = creal(x[i + 1]);
}

/* ---------- the state-space form (R's makeARIMA / ARIMA_Like / KalmanForecast) ---------- */

/* anew = T a. */
void arima_state_predict(const arima_spec *s, const double *phi, const double *delta, const double *a, double *anew) {
  int r = s->r, rd = s->rd;
  for (int i = 0; i < r; i++) {
    double tmp = i < r - 1 ? a[i + 1] : 0.0;
    if (i < s->n_phi) tmp += phi[i] * a[0];
    anew[i] = tmp;
  }
  if (s->n_delta > 0) {
    for (int i = r + 1; i < rd; i++) anew[i] = a[i - 1];
    double tmp = a[0];
    for (int i = 0; i < s->n_delta; i++) tmp += delta[i] * a[r + i];
    anew[r] = tmp;
  }
}

/* Pnew = T P T' + R R' using the structure of T (mm is rd x rd scratch). */
void arima_covariance_predict(const arima_spec *s, const double *phi, const double *theta, const double *delta,
                               const double *P, double *mm, double *Pnew) {
  int r = s->r, rd = s->rd, p = s->n_phi, d = s->n_delta, q = s->r - 1;
  for (int j = 0; j < rd; j++) /* column by column: contiguous in memory */
    for (int i = 0; i < r; i++) {
      double tmp = 0.0;
      if (i < p) tmp += phi[i] * P[rd * j];
      if (i < r - 1) tmp += P[i + 1 + rd * j];
      mm[i + rd * j] = tmp;
    }
  if (d > 0) {
    for (int j = 0; j < rd; j++) {
      double tmp = P[rd * j];
      for (int k = 0; k < d; k++) tmp += delta[k] * P[r + k + rd * j];
      mm[r + rd * j] = tmp;
    }
    for (int i = 1; i < d; i++)
      for (int j = 0; j < rd; j++) mm[r + i + rd * j] = P[r + i - 1 + rd * j];
  }
  for (int i = 0; i < r; i++)
    for (int j = 0; j < rd; j++) {
      double tmp = 0.0;
      if (i < p) tmp += phi[i] * mm[j];
      if (i < r - 1) tmp += mm[rd * (i + 1) + j];
      Pnew[j + rd * i] = tmp;
    }
  if (d > 0) {
    for (int j = 0; j < rd; j++) {
      double tmp = mm[j];
      for (int k = 0; k < d; k++) tmp += delta[k] * mm[rd * (r + k) + j];
      Pnew[j + rd * r] = tmp;
    }
    for (int i = 1; i < d; i++)
      for (int j = 0; j < rd; j++) Pnew[j + rd * (r + i)] = mm[rd * (r + i - 1) + j];
  }
  for (int i = 0; i <= q; i++) {
    double vi = i == 0 ? 1.0 : theta[i - 1];
    for (int j = 0; j <= q; j++) Pnew[i + rd * j] += vi * (j == 0 ? 1.0 : theta[j - 1]);
  }
}

ARIMA_SCALAR_LOOPS static int stationary_first_column(const arima_spec *s, const double *phi, const double *theta, double *q,
                                   double *scratch);

/* The initial state covariance Pn (rd x rd): the stationary covariance Q
 * of the ARMA block, and kappa on the differencing block. Q's first column
 * comes from the autocovariances (stationary_first_column); the rest from
 * the Lyapunov equation Q = T Q T' + R R' read entry by entry,
 *   Q_ij = phi_i phi_j Q_00 + phi_i Q_0,j+1 + phi_j Q_i+1,0 + Q_i+1,j+1 + R_i R_j,
 * from the last row and column (where Q_r,. = 0) backwards: O(r^2), sums of
 * known terms only. The equation's first row must then give back the first
 * column: when it does not (to 1e-8 of Q_00), or a variance is not positive,
 * the AR part is not stationary. scratch holds 4 r^2 + 8 (r + 1). 0 when
 * the AR part is not stationary. */
int arima_initial_covariance(const arima_spec *s, const double *phi, const double *theta, double *Pn,
                              double *scratch) {
  int r = s->r, rd = s->rd, p = s->n_phi;
  double *q = scratch, *rest = q + r + 1;
  if (!stationary_first_column(s, phi, theta, q, rest)) return 0;
  for (int i = 0; i < rd * rd; i++) Pn[i] = 0;
  for (int i = r - 1; i >= 0; i--)
    for (int j = r - 1; j >= i; j--) {
      double phi_i = i < p ? phi[i] : 0, phi_j = j < p ? phi[j] : 0;
      double R_i = i == 0 ? 1.0 : theta[i - 1], R_j = j == 0 ? 1.0 : theta[j - 1];
      double value = phi_i * phi_j * q[0] + R_i * R_j;
      if (j + 1 < r) value += phi_i * q[j + 1];
      if (i + 1 < r) value += phi_j * q[i + 1];
      if (i + 1 < r && j + 1 < r) value += Pn[(i + 1) + rd * (j + 1)];
      Pn[i + rd * j] = Pn[j + rd * i] = value;
    }
  for (int j = 0; j < r; j++)
    if (!(fabs(Pn[rd * j] - q[j]) <= ARIMA_COVARIANCE_CHECK * q[0]) || !(Pn[j + rd * j] >= 0)) return 0;
  for (int i = r; i < rd; i++) Pn[i + rd * i] = ARIMA_KAPPA;
  return 1;
}


/* R's ARIMA_Like: run the filter over w->x from a = 0 and P = w->P (the
 * initial covariance, overwritten); leaves a_n, P_n in w->a, w->P and, when
 * resid is given, the standardised innovations (NaN where missing). */
likelihood_sums arima_kalman_filter(arima_work *w, double *resid) {
  const arima_spec *s = &w->spec;
  int r = s->r, rd = s->rd, d = s->n_delta;
  likelihood_sums sums = {0, 0, 0};
  for (int i = 0; i < rd; i++) w->a[i] = 0;
  memcpy(w->Pnew, w->P, (size_t)(rd * rd) * sizeof *w->P);
  for (size_t t = 0; t < w->n; t++) {
    arima_state_predict(s, w->phi, w->delta, w->a, w->anew);
    if (t > 0) arima_covariance_predict(s, w->phi, w->theta, w->delta, w->P, w->mm, w->Pnew);
    if (!isnan(w->x[t])) {
      double innovation = w->x[t] - w->anew[0];
      for (int i = 0; i < d; i++) innovation -= w->delta[i] * w->anew[r + i];
      for (int i = 0; i < rd; i++) {
        double tmp = w->Pnew[i];
        for (int j = 0; j < d; j++) tmp += w->Pnew[i + rd * (r + j)] * w->delta[j];
        w->M[i] = tmp;
      }
      double gain = w->M[0];
      for (int i = 0; i < d; i++) gain += w->delta[i] * w->M[r + i];
      if (gain < ARIMA_DIFFUSE_GAIN) {
        sums.nu++;
        sums.ssq += innovation * innovation / gain;
        sums.sumlog += log(gain);
      }
      if (resid) resid[t] = innovation / sqrt(gain);
      for (int i = 0; i < rd; i++) w->a[i] = w->anew[i] + w->M[i] * innovation / gain;
      for (int j = 0; j < rd; j++)
        for (int i = 0; i < rd; i++) w->P[i + rd * j] = w->Pnew[i + rd * j] - w->M[i] * w->M[j] / gain;
    } else {
      memcpy(w->a, w->anew, (size_t)rd * sizeof *w->a);
      memcpy(w->P, w->Pnew, (size_t)(rd * rd) * sizeof *w->P);
      if (resid) resid[t] = NAN;
    }
  }
  return sums;
}

/* ---------- the fast likelihood of a complete series ---------- */

/* The autocovariances gamma[0..r] (in units of sigma2) and psi weights
 * psi[0..r) of the ARMA part with the expanded polynomials phi (n_phi) and
 * theta (r - 1, padded): Brockwell and Davis (1991), section 3.3, method 2
 * (the equations for lags 0..p solved as a linear system, the rest by the
 * AR recursion). matrix is scratch of (n_phi + 1)^2. 0 when the system is
 * singular or the variance not positive (a non-stationary AR part). */
ARIMA_SCALAR_LOOPS static int arma_autocovariances(const arima_spec *s, const double *phi, const double *theta, double *gamma,
                                double *psi, double *rhs, double *matrix) {
  int p = s->n_phi, r = s->r, size = p + 1;
  for (int j = 0; j < r; j++) {
    double value = j == 0 ? 1.0 : theta[j - 1];
    for (int i = 1; i <= j && i <= p; i++) value += phi[i - 1] * psi[j - i];
    psi[j] = value;
  }
  for (int k = 0; k <= r; k++) { /* c_k = sum_{j >= k} theta_j psi_{j - k}, theta_0 = 1 */
    double value = 0;
    for (int j = k; j < r; j++) value += (j == 0 ? 1.0 : theta[j - 1]) * psi[j - k];
    rhs[k] = value;
  }
  for (int k = 0; k < size; k++) {
    for (int m = 0; m < size; m++) matrix[k + size * m] = k == m ? 1.0 : 0.0;
    for (int i = 1; i <= p; i++) matrix[k + size * abs(k - i)] -= phi[i - 1];
    gamma[k] = rhs[k];
  }
  for (int col = 0; col < size; col++) { /* Gaussian elimination with partial pivoting */
    int pivot = col;
    for (int k = col + 1; k < size; k++)
      if (fabs(matrix[k + size * col]) > fabs(matrix[pivot + size * col])) pivot = k;
    if (!(fabs(matrix[pivot + size * col]) > 0)) return 0;
    if (pivot != col) {
      for (int m = 0; m < size; m++) {
        double t = matrix[col + size * m];
        matrix[col + size * m] = matrix[pivot + size * m], matrix[pivot + size * m] = t;
      }
      double t = gamma[col];
      gamma[col] = gamma[pivot], gamma[pivot] = t;
    }
    for (int k = col + 1; k < size; k++) {
      double factor = matrix[k + size * col] / matrix[col + size * col];
      if (factor == 0) continue;
      for (int m = col; m < size; m++) matrix[k + size * m] -= factor * matrix[col + size * m];
      gamma[k] -= factor * gamma[col];
    }
  }
  for (int k = size - 1; k >= 0; k--) {
    double value = gamma[k];
    for (int m = k + 1; m < size; m++) value -= matrix[k + size * m] * gamma[m];
    gamma[k] = value / matrix[k + size * k];
  }
  for (int k = size; k <= r; k++) {
    double value = rhs[k];
    for (int i = 1; i <= p; i++) value += phi[i - 1] * gamma[k - i];
    gamma[k] = value;
  }
  return gamma[0] > 0 && isfinite(gamma[0]);
}

/* q = Q e_1, the first column of the ARMA state's stationary covariance:
 * Cov(alpha_t[i], y_t) = sum_{k >= i} phi_{k+1} gamma(k - i + 1) + theta_k
 * psi_{k - i} (alpha_t[i] = sum_{k >= i} phi_{k+1} y_{t-1+i-k} + theta_k
 * e_{t+i-k} in Harvey's form). scratch holds (n_phi + 1)^2 + 3 (r + 1).
 * 0 when the AR part is not stationary. */
ARIMA_SCALAR_LOOPS static int stationary_first_column(const arima_spec *s, const double *phi, const double *theta, double *q,
                                   double *scratch) {
  int r = s->r, p = s->n_phi;
  double *gamma = scratch, *psi = gamma + r + 1, *rhs = psi + r + 1, *matrix = rhs + r + 1;
  if (!arma_autocovariances(s, phi, theta, gamma, psi, rhs, matrix)) return 0;
  for (int i = 0; i < r; i++) {
    double value = 0;
    for (int k = i; k < r; k++) {
      if (k < p) value += phi[k] * gamma[k - i + 1];
      value += (k == 0 ? 1.0 : theta[k - 1]) * psi[k - i];
    }
    q[i] = value;
  }
  return 1;
}

/* out = T x for the ARMA block of Harvey's form: phi_i x_0 + x_{i+1}. */
static void arma_transition(int r, int n_phi, const double *phi, const double *x, double *out) {
  for (int i = 0; i < r; i++) out[i] = (i < n_phi ? phi[i] * x[0] : 0) + (i + 1 < r ? x[i + 1] : 0);
}

/* One evaluation of the fast likelihood in progress (arima_fast_likelihoods). */
typedef struct fast_chain {
  double *a, *phi, *K, *W;     /* state, phi padded to r, gain, W: r + 1 each (a zero past the end) */
  double F, inverse_F, M;      /* F_t, 1 / F_t, M_t */
  double product, ssq, sumlog; /* running product of F (flushed to sumlog), sum e^2 / F */
  double steady_ssq;           /* sum e^2 in the steady state */
  size_t counted, steady;      /* counted steps before the steady state; steps in it */
  int phase;                   /* 0 transient, 1 steady, -1 broken down */
} fast_chain;

/* The body of arima_fast_likelihoods, inlined into its two compilations. */
static inline __attribute__((always_inline)) void fast_likelihoods(arima_work *w, int n_chains, const double *phis,
                                                                  size_t phi_stride, const double *thetas,
                                                                  size_t theta_stride, likelihood_sums *sums, int *ok,
                                                                  likelihood_columns *columns) {
  const arima_spec *s = &w->spec;
  int r = s->r, p = s->n_phi, n_columns = columns ? s->n_reg : 0;
  size_t n = w->n, start = (size_t)s->n_delta, block = (size_t)r + 1;
  double *column_state = w->fast_columns, steady_vV[ARIMA_MAX_XREG + 1], steady_VV[ARIMA_MAX_XREG + 1];
  for (int b = 0; b < n_columns; b++) {
    for (size_t i = 0; i < block; i++) column_state[(size_t)b * block + i] = 0;
    columns->vV[b] = columns->VV[b] = steady_vV[b] = steady_VV[b] = 0;
  }
  const double *x = w->w; /* the differenced series, from start on */
  fast_chain chains[ARIMA_MAX_CHAINS + 1];
  for (int c = 0; c < n_chains; c++) {
    fast_chain *ch = &chains[c];
    const double *chain_phi = phis + (size_t)c * phi_stride, *chain_theta = thetas + (size_t)c * theta_stride;
    double *q = w->fast + (size_t)c * 5 * block;
    ch->a = q + block, ch->phi = ch->a + block, ch->K = ch->phi + block, ch->W = ch->K + block;
    sums[c] = (likelihood_sums){0, 0, 0};
    ok[c] = 0;
    ch->phase = stationary_first_column(s, chain_phi, chain_theta, q, w->lyap) ? 0 : -1;
    if (ch->phase < 0) continue;
    for (int i = 0; i < r; i++) ch->phi[i] = i < p ? chain_phi[i] : 0, ch->a[i] = 0; /* T v = phi v_0 + (v_1, ..) */
    ch->a[r] = ch->W[r] = 0; /* so that the shifts below need no test */
    ch->F = q[0], ch->inverse_F = 1 / ch->F, ch->M = -ch->inverse_F;
    ch->product = 1, ch->ssq = ch->sumlog = ch->steady_ssq = 0;
    ch->counted = ch->steady = 0;
    arma_transition(r, p, chain_phi, q, ch->K);
    memcpy(ch->W, ch->K, (size_t)r * sizeof *ch->W);
  }
  /* Chandrasekhar recursions (Morf, Sidhu and Kailath 1974): P_{t+1} - P_t = M_t W_t W_t'
   * has rank one from the stationary start, so each step costs O(r). Once
   * M W W' is below rounding against F (after p steps for a pure AR, at a
   * geometric rate for an MA part) the filter is in its steady state: F and
   * K no longer change and only the state is updated. The log F terms are
   * summed as a product of F values (each below ARIMA_DIFFUSE_GAIN), taken
   * to the log before it could overflow. The chains are independent: one
   * step of each in turn lets the processor overlap them. */
  for (size_t t = start; t < n; t++) {
    for (int c = 0; c < n_chains; c++) {
      fast_chain *ch = &chains[c];
      if (ch->phase < 0) continue;
      double *a = ch->a, *phi = ch->phi, *K = ch->K, *W = ch->W;
      double innovation = x[t] - a[0], a0 = a[0], F = ch->F;
      if (!(F > 0) || !isfinite(F)) {
        ch->phase = -1;
        continue;
      }
      int with_columns = c == 0 && n_columns > 0;
      if (ch->phase == 1) { /* K is K / F here */
        ch->steady++;
        ch->steady_ssq += innovation * innovation;
        for (int b = 0; with_columns && b < n_columns; b++) {
          double *state = column_state + (size_t)b * block, c0 = state[0], v = -w->dreg[t + n * (size_t)b] - c0;
          steady_vV[b] += innovation * v, steady_VV[b] += v * v;
          for (int i = 0; i < r; i++) state[i] = phi[i] * c0 + state[i + 1] + K[i] * v;
        }
        for (int i = 0; i < r; i++) a[i] = phi[i] * a0 + a[i + 1] + K[i] * innovation;
        continue;
      }
      double inverse_F = ch->inverse_F, M = ch->M, scaled = innovation * inverse_F;
      int counts = F < ARIMA_DIFFUSE_GAIN;
      if (counts) {
        ch->counted++;
        ch->ssq += innovation * scaled;
        ch->product *= F;
        if (ch->product > ARIMA_PRODUCT_FLUSH) ch->sumlog += log(ch->product), ch->product = 1;
      }
      for (int b = 0; with_columns && b < n_columns; b++) { /* the filter on -(Delta C_b), before K moves */
        double *state = column_state + (size_t)b * block, c0 = state[0], v = -w->dreg[t + n * (size_t)b] - c0;
        double v_scaled = v * inverse_F;
        if (counts) columns->vV[b] += v * scaled, columns->VV[b] += v * v_scaled;
        for (int i = 0; i < r; i++) state[i] = phi[i] * c0 + state[i + 1] + K[i] * v_scaled;
      }
      /* a = T a + K innovation / F; K += M u T W; W = T W - u K / F, in place
       * (entry i reads entry i + 1 before it is overwritten) */
      double u = W[0], F_next = F + M * u * u, spread = 0;
      double gain = M * u, shrink = u * inverse_F;
      for (int i = 0; i < r; i++) {
        a[i] = phi[i] * a0 + a[i + 1] + K[i] * scaled;
        double g = phi[i] * u + W[i + 1], k_old = K[i];
        K[i] = k_old + g * gain;
        W[i] = g - shrink * k_old;
        spread += W[i] * W[i];
      }
      double inverse_next = 1 / F_next;
      ch->M = M * F * inverse_next;
      ch->F = F_next, ch->inverse_F = inverse_next;
      if (fabs(ch->M) * spread <= ARIMA_STEADY_TOLERANCE * F_next) {
        ch->phase = 1;
        for (int i = 0; i < r; i++) K[i] *= inverse_next;
      }
    }
  }
  for (int c = 0; c < n_chains; c++) {
    fast_chain *ch = &chains[c];
    if (ch->phase < 0) continue;
    sums[c].nu = ch->counted, sums[c].ssq = ch->ssq, sums[c].sumlog = ch->sumlog + log(ch->product);
    if (ch->steady > 0 && ch->F < ARIMA_DIFFUSE_GAIN) {
      sums[c].nu += ch->steady;
      sums[c].ssq += ch->steady_ssq / ch->F;
      sums[c].sumlog += (double)ch->steady * log(ch->F);
      for (int b = 0; c == 0 && b < n_columns; b++)
        columns->vV[b] += steady_vV[b] / ch->F, columns->VV[b] += steady_VV[b] / ch->F;
    }
    ok[c] = 1;
  }
}

/* Compiled without the loop vectoriser, for short state vectors. */
ARIMA_SCALAR_LOOPS static void fast_likelihoods_scalar(arima_work *w, int n_chains, const double *phis, size_t phi_stride,
                                                       const double *thetas, size_t theta_stride, likelihood_sums *sums,
                                                       int *ok, likelihood_columns *columns) {
  fast_likelihoods(w, n_chains, phis, phi_stride, thetas, theta_stride, sums, ok, columns);
}

static void fast_likelihoods_vector(arima_work *w, int n_chains, const double *phis, size_t phi_stride,
                                    const double *thetas, size_t theta_stride, likelihood_sums *sums, int *ok,
                                    likelihood_columns *columns) {
  fast_likelihoods(w, n_chains, phis, phi_stride, thetas, theta_stride, sums, ok, columns);
}

void arima_fast_likelihoods(arima_work *w, int n_chains, const double *phis, size_t phi_stride, const double *thetas,
                            size_t theta_stride, likelihood_sums *sums, int *ok, likelihood_columns *columns) {
  if (w->spec.r <= ARIMA_SCALAR_STATE)
    fast_likelihoods_scalar(w, n_chains, phis, phi_stride, thetas, theta_stride, sums, ok, columns);
  else
    fast_likelihoods_vector(w, n_chains, phis, phi_stride, thetas, theta_stride, sums, ok, columns);
}

likelihood_sums arima_fast_likelihood(arima_work *w, int *ok) {
  likelihood_sums sums;
  arima_fast_likelihoods(w, 1, w->phi, 0, w->theta, 0, &sums, ok, NULL);
  return sums;
}
