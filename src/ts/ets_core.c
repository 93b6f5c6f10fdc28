/* ets_core.c: the exponential smoothing recursion, its parameter region and
 * its forecast distributions (see ets_internal.h).
 *
 * The recursion keeps the m seasonal states in a ring so that one step
 * costs a handful of operations whatever the season length. Admissibility
 * follows forecast::ets (bounds = "both"): the usual bounds, then the
 * conditions of Hyndman et al. (2008, ch. 10), whose last one -- all roots
 * of the characteristic polynomial inside the unit circle -- is decided by
 * the Schur-Cohn test rather than by finding the roots (as R's polyroot
 * does): the same answer in O(m^2) operations and no allocation, which
 * matters because it runs at every step of the optimiser. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "ets_internal.h"

#define ETS_LOWER_SMOOTHING 1e-4 /* forecast::ets default lower bound of alpha, beta, gamma */
#define ETS_UPPER_SMOOTHING 0.9999
#define ETS_LOWER_PHI 0.8
#define ETS_UPPER_PHI 0.98
#define ETS_TOL 1e-10             /* a seasonal index this close to zero cannot divide */
#define ETS_HUGE 1e10             /* what dividing by such an index gives instead */
#define ETS_ROOT_TOL 1e-10        /* roots may lie this far outside the unit circle (as forecast::admissible) */

size_t ets_state_size(const ets_spec *spec) {
  return 1 + (spec->trend != ETS_NONE) + (spec->season != ETS_NONE ? (size_t)spec->m : 0);
}

static char component_letter(int c) { return c == ETS_NONE ? 'N' : c == ETS_ADD ? 'A' : 'M'; }

void ets_spec_name(const ets_spec *spec, char *buf, size_t len) {
  snprintf(buf, len, "ETS(%c,%c%s,%c)", component_letter(spec->error), component_letter(spec->trend),
           spec->damped ? "d" : "", component_letter(spec->season));
}

cc_status ets_spec_parse(const char *text, ets_spec *spec, cc_error *err) {
  const char *p = text;
  int parsed[3] = {0}, damped = 0;
  for (int k = 0; k < 3; k++) {
    if (*p == 'N' && k > 0) parsed[k] = ETS_NONE;
    else if (*p == 'A') parsed[k] = ETS_ADD;
    else if (*p == 'M') parsed[k] = ETS_MULT;
    else
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model",
                          "'%s' is not an ETS model (expected error A|M, trend N|A|Ad, season N|A|M, e.g. MAdM)", text);
    p++;
    if (k == 1 && *p == 'd') {
      if (parsed[1] == ETS_NONE)
        return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "'%s': only a trend can be damped", text);
      damped = 1;
      p++;
    }
  }
  if (*p) return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "'%s' is not an ETS model (trailing text)", text);
  if (parsed[1] == ETS_MULT)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "'%s': multiplicative trends are not offered (they are unstable)", text);
  if (parsed[0] == ETS_ADD && parsed[2] == ETS_MULT)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model",
                        "'%s': additive errors with multiplicative seasonality are numerically unstable and not offered", text);
  spec->error = parsed[0];
  spec->trend = parsed[1];
  spec->season = parsed[2];
  spec->damped = damped;
  return CC_OK;
}

/* The recursion, written once and specialised by the compiler for each
 * combination of error, trend and season (ets_pass passes them as
 * constants), so the loop carries no tests of the model's form. For
 * multiplicative errors sum log|mu| is kept as a running product of |mu|
 * (of its significand, with the binary exponent summed apart, when |mu| is
 * extreme), scaled by exact powers of two to stay in range: one logarithm
 * per pass instead of one per observation, and no function call inside the
 * loop (a call would make the compiler keep the running sums in memory, and
 * the loop would wait on memory at every step). */
#define ETS_FACTOR_LIMIT 0x1p250  /* |mu| beyond 2^250 or below 2^-250 enters the product by its significand */
#define ETS_PRODUCT_LIMIT 0x1p500 /* the running product is scaled by this when it leaves 2^-500..2^500 */
#define ETS_PRODUCT_LIMIT_LOG2 500

/* x = significand * 2^exponent with the significand in [1, 2), for a
 * positive normal x: the exponent is added to *exponent_sum. */
static inline double split_binary(double x, int64_t *exponent_sum) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  *exponent_sum += (int64_t)(bits >> 52) - 1023;
  bits = (bits & UINT64_C(0x000fffffffffffff)) | UINT64_C(0x3ff0000000000000);
  memcpy(&x, &bits, sizeof x);
  return x;
}

/* What a pass adds up besides the squared errors and the product, which the
 * loop keeps itself so that a pair of steps adds to them once. */
typedef struct pass_counts {
  int64_t exponent_sum; /* sum of the binary exponents of |mu| (multiplicative errors) */
  size_t count;         /* observations counted */
  int irregular;        /* a mu was zero, subnormal, infinite or NaN */
} pass_counts;

/* One step's contribution to the criterion. */
typedef struct step_terms {
  double squared_error; /* e^2, 0 when y is missing */
  double factor;        /* |mu| (or its significand when |mu| is extreme) for multiplicative errors, else 1 */
} step_terms;

/* Everything step t does except moving the level and the slope: the
 * forecast mu = q [+|*] s_{t-m} from q = l + phi b, its error (into *terms
 * and counts), the fitted value and error when outputs is set, and the new
 * seasonal state in *slot (which holds s_{t-m}). Returns the deseasonalised
 * y that the level and slope move towards. */
static inline __attribute__((always_inline)) double
observe(const int error, const int season, const int outputs, const double q, double *slot, const double gamma,
        const double observed, size_t t, double *fitted, double *errors, step_terms *terms, pass_counts *counts) {
  const double s_old = season ? *slot : 0;
  const double f = season == ETS_ADD ? q + s_old : season == ETS_MULT ? q * s_old : q;
  const int missing = isnan(observed);
  const double yt = missing ? f : observed;
  /* With a multiplicative season y / mu = (y / s) / q, so two divisions give the
   * error, the deseasonalised y and the detrended y (divisions are the slowest
   * operations of the step). */
  const double inverse_q = season == ETS_MULT ? 1 / q : 0, y_over_s = season == ETS_MULT ? yt / s_old : 0;
  terms->squared_error = 0;
  terms->factor = 1;
  if (!missing) {
    const double e = error == ETS_ADD ? yt - f : season == ETS_MULT ? y_over_s * inverse_q - 1 : (yt - f) / f;
    terms->squared_error = e * e;
    counts->count++;
    if (error == ETS_MULT) {
      const double size = fabs(f);
      if (size > 1 / ETS_FACTOR_LIMIT && size < ETS_FACTOR_LIMIT) { /* false for NaN */
        terms->factor = size;
      } else {
        uint64_t bits;
        memcpy(&bits, &size, sizeof bits);
        /* A biased exponent of 0 (zero, subnormal) or 2047 (infinity, NaN) is not usable. */
        if ((bits >> 52) - 1 < 2046) terms->factor = split_binary(size, &counts->exponent_sum);
        else counts->irregular = 1;
      }
    }
    if (outputs && errors) errors[t] = e;
  } else if (outputs && errors) {
    errors[t] = NAN;
  }
  if (outputs && fitted) fitted[t] = f;
  /* State update in error-correction form (Hyndman et al. 2008, table 2.3). */
  double deseasonalised = yt;
  if (season == ETS_ADD) deseasonalised = yt - s_old;
  else if (season == ETS_MULT) deseasonalised = fabs(s_old) < ETS_TOL ? ETS_HUGE : y_over_s;
  if (season) {
    const double detrended = season == ETS_ADD ? yt - q : yt * inverse_q;
    *slot = s_old + gamma * (detrended - s_old);
  }
  return deseasonalised;
}

/* The level and slope move by l_t = q + alpha (d - q), b_t = phi b + beta (d
 * - q) with d the deseasonalised y: linear in (l, b) with the matrix
 * A = [1-alpha, (1-alpha) phi; -beta, phi (1-beta)] and input (alpha, beta) d.
 * Each step waits on the one before, so that chain is what a pass costs.
 * Where two consecutive observations are both present (so d_t and d_{t+1}
 * do not depend on the states; a season has at least two states, so the
 * second step does not read the seasonal state the first writes), the
 * chain jumps two steps at once with A^2, the states in between are
 * computed beside it, and the two steps add to the sums once: half the
 * chain's length for the same arithmetic. outputs is 0 when fitted, errors
 * and final_state are all NULL (the optimiser's passes). */
static inline __attribute__((always_inline)) double
pass_kernel(const int error, const int trend, const int season, const int outputs, const ets_spec *spec,
            const ets_par *par, const double *x0, const double *y, size_t n, double *fitted, double *errors,
            double *final_state, size_t *n_obs) {
  const int m = season ? spec->m : 1;
  const double alpha = par->alpha, beta = trend ? par->beta : 0, gamma = par->gamma;
  const double phi = trend ? par->phi : 0;
  /* A, A^2 and A (alpha, beta)'. */
  const double a_ll = 1 - alpha, a_lb = (1 - alpha) * phi, a_bl = -beta, a_bb = phi * (1 - beta);
  const double a2_ll = a_ll * a_ll + a_lb * a_bl, a2_lb = a_ll * a_lb + a_lb * a_bb;
  const double a2_bl = a_bl * a_ll + a_bb * a_bl, a2_bb = a_bl * a_lb + a_bb * a_bb;
  const double ag_l = a_ll * alpha + a_lb * beta, ag_b = a_bl * alpha + a_bb * beta;
  double level = x0[0], slope = trend ? x0[1] : 0;
  double ring[ETS_SEASON_MAX]; /* ring[pos] is the oldest seasonal state, s_{t-m} */
  const double *seasonal0 = x0 + 1 + (trend != ETS_NONE);
  if (season)
    for (int j = 0; j < m; j++) ring[j] = seasonal0[m - 1 - j];
  double unused_slot = 0, sse = 0, product = 1;
  int pos = 0;
  pass_counts counts = {0, 0, 0};
  size_t t = 0;
  while (t < n) {
    const double q0 = trend ? level + phi * slope : level;
    double *slot0 = season ? &ring[pos] : &unused_slot;
    if (season) pos = pos + 1 == m ? 0 : pos + 1;
    step_terms first, second;
    if (t + 1 < n && !isnan(y[t]) && !isnan(y[t + 1])) {
      const double d0 = observe(error, season, outputs, q0, slot0, gamma, y[t], t, fitted, errors, &first, &counts);
      const double level1 = a_ll * level + (a_lb * slope + alpha * d0);
      const double slope1 = trend ? a_bb * slope + (beta * d0 - beta * level) : 0;
      const double q1 = trend ? level1 + phi * slope1 : level1;
      double *slot1 = season ? &ring[pos] : &unused_slot;
      if (season) pos = pos + 1 == m ? 0 : pos + 1;
      const double d1 = observe(error, season, outputs, q1, slot1, gamma, y[t + 1], t + 1, fitted, errors, &second,
                                &counts);
      const double new_level = a2_ll * level + (a2_lb * slope + (ag_l * d0 + alpha * d1));
      if (trend) slope = a2_bb * slope + (a2_bl * level + (ag_b * d0 + beta * d1));
      level = new_level;
      sse += first.squared_error + second.squared_error;
      if (error == ETS_MULT) product *= first.factor * second.factor;
      t += 2;
    } else {
      const double d0 = observe(error, season, outputs, q0, slot0, gamma, y[t], t, fitted, errors, &first, &counts);
      const double new_level = a_ll * level + (a_lb * slope + alpha * d0);
      if (trend) slope = a_bb * slope + (beta * d0 - beta * level);
      level = new_level;
      sse += first.squared_error;
      if (error == ETS_MULT) product *= first.factor;
      t += 1;
    }
    /* Each step's factor lies within 2^-250..2^250, so the product stays within
     * 2^-1000..2^1000 and is brought back within 2^-500..2^500 by an exact power of two. */
    if (error == ETS_MULT && !(product < ETS_PRODUCT_LIMIT && product > 1 / ETS_PRODUCT_LIMIT)) {
      int down = product >= ETS_PRODUCT_LIMIT;
      product = down ? product / ETS_PRODUCT_LIMIT : product * ETS_PRODUCT_LIMIT;
      counts.exponent_sum += down ? ETS_PRODUCT_LIMIT_LOG2 : -ETS_PRODUCT_LIMIT_LOG2;
    }
  }
  if (outputs && final_state) {
    final_state[0] = level;
    if (trend) final_state[1] = slope;
    double *seasonal = final_state + 1 + (trend != ETS_NONE);
    for (int k = 1; season && k <= m; k++) seasonal[k - 1] = ring[(pos - k + m) % m];
  }
  if (n_obs) *n_obs = counts.count;
  if (counts.count == 0 || counts.irregular) return NAN; /* a zero, subnormal or infinite mu is not usable */
  double criterion = (double)counts.count * log(sse);
  if (error == ETS_MULT) criterion += 2 * (log(product) + (double)counts.exponent_sum * M_LN2);
  return criterion;
}

double ets_pass(const ets_spec *spec, const ets_par *par, const double *x0, const double *y, size_t n, double *fitted,
                double *errors, double *final_state, size_t *n_obs) {
  const int outputs = fitted || errors || final_state;
#define ETS_KERNEL(e, t, s)                                                                                          \
  (outputs ? pass_kernel(e, t, s, 1, spec, par, x0, y, n, fitted, errors, final_state, n_obs)              \
           : pass_kernel(e, t, s, 0, spec, par, x0, y, n, NULL, NULL, NULL, n_obs))
#define ETS_SEASONS(e, t)                                                                                            \
  (spec->season == ETS_NONE ? ETS_KERNEL(e, t, ETS_NONE)                                                           \
   : spec->season == ETS_ADD ? ETS_KERNEL(e, t, ETS_ADD)                                                           \
                             : ETS_KERNEL(e, t, ETS_MULT))
  if (spec->error == ETS_ADD) return spec->trend ? ETS_SEASONS(ETS_ADD, ETS_ADD) : ETS_SEASONS(ETS_ADD, ETS_NONE);
  return spec->trend ? ETS_SEASONS(ETS_MULT, ETS_ADD) : ETS_SEASONS(ETS_MULT, ETS_NONE);
#undef ETS_SEASONS
#undef ETS_KERNEL
}

/* 1 when every root of sum_k a[k] z^k (degree n, a[n] != 0) lies within
 * radius 1 + ETS_ROOT_TOL, by the Schur-Cohn test: p has all its roots in
 * the open unit disc iff |a_0| < |a_n| and the degree-(n-1) polynomial
 * (a_n p(z) - a_0 z^n p(1/z)) / z has too. Each reduced polynomial is
 * scaled to a leading coefficient of one, or its coefficients underflow.
 * The tolerance is applied by testing p((1 + tol) z), whose roots are p's
 * divided by 1 + tol. O(n^2) operations on the stack. a is overwritten. */
static int roots_inside_unit_circle(double *a, int n) {
  double power = 1;
  for (int k = 0; k <= n; k++, power *= 1 + ETS_ROOT_TOL) a[k] *= power;
  double reduced[ETS_SEASON_MAX + 2];
  for (int degree = n; degree >= 1; degree--) {
    double lead = a[degree], constant = a[0];
    if (!(fabs(constant) < fabs(lead))) return 0;
    for (int k = 0; k < degree; k++) reduced[k] = lead * a[k + 1] - constant * a[degree - k - 1];
    double inverse = 1 / reduced[degree - 1]; /* lead^2 - constant^2 > 0 */
    for (int k = 0; k < degree; k++) a[k] = reduced[k] * inverse;
  }
  return 1;
}

/* forecast::admissible (Hyndman et al. 2008, section 10.2). */
static int admissible_region(const ets_spec *spec, const ets_par *par) {
  const double alpha = par->alpha, phi = spec->damped ? par->phi : 1;
  double beta = spec->trend ? par->beta : 0;
  if (phi < 0 || phi > 1 + 1e-8) return 0;
  if (!spec->season) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return 0;
    if (spec->trend && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return 0;
    return 1;
  }
  const int m = spec->m;
  const double gamma = par->gamma;
  if (m <= 1) return 1;
  if (gamma < fmax(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return 0;
  if (alpha < 1 - 1 / phi - gamma * (1 - m + phi + phi * m) / (2 * phi * m)) return 0;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return 0;
  double poly[ETS_SEASON_MAX + 2];
  poly[0] = phi * (1 - alpha - gamma);
  poly[1] = alpha + beta - alpha * phi + gamma - 1;
  for (int k = 2; k < m; k++) poly[k] = alpha + beta - alpha * phi;
  poly[m] = alpha + beta - phi;
  poly[m + 1] = 1;
  return roots_inside_unit_circle(poly, m + 1);
}

int ets_par_admissible(const ets_spec *spec, const ets_par *par) {
  if (par->alpha < ETS_LOWER_SMOOTHING || par->alpha > ETS_UPPER_SMOOTHING) return 0;
  if (spec->trend && (par->beta < ETS_LOWER_SMOOTHING || par->beta > par->alpha || par->beta > ETS_UPPER_SMOOTHING))
    return 0;
  if (spec->damped && (par->phi < ETS_LOWER_PHI || par->phi > ETS_UPPER_PHI)) return 0;
  if (spec->season &&
      (par->gamma < ETS_LOWER_SMOOTHING || par->gamma > 1 - par->alpha || par->gamma > ETS_UPPER_SMOOTHING))
    return 0;
  return admissible_region(spec, par);
}

/* ---- forecast distributions ---------------------------------------------------- */

/* w'v for the linear part: level + phi*slope (+ oldest seasonal when additive). */
static double measure(const ets_spec *spec, const ets_par *par, const double *v, size_t p) {
  double value = v[0];
  if (spec->trend) value += (spec->damped ? par->phi : 1) * v[1];
  if (spec->season == ETS_ADD) value += v[p - 1];
  return value;
}

/* v <- F v: level absorbs the (damped) slope, the slope is damped, seasonals rotate. */
static void transition(const ets_spec *spec, const ets_par *par, double *v, size_t p) {
  double phi = spec->damped ? par->phi : 1;
  if (spec->trend) {
    v[0] += phi * v[1];
    v[1] *= phi;
  }
  if (spec->season) {
    size_t first = 1 + (spec->trend != ETS_NONE);
    double oldest = v[p - 1];
    memmove(v + first + 1, v + first, (p - 1 - first) * sizeof *v);
    v[first] = oldest;
  }
}

void ets_point_forecast(const ets_spec *spec, const ets_par *par, const double *state, size_t h, double *mean) {
  const int m = spec->season ? spec->m : 1;
  const double *seasonal = state + 1 + (spec->trend != ETS_NONE);
  double phi_sum = 0, phi_power = 1;
  for (size_t i = 0; i < h; i++) {
    if (spec->trend) {
      phi_power *= spec->damped ? par->phi : 1;
      phi_sum += phi_power;
    }
    double f = state[0] + (spec->trend ? phi_sum * state[1] : 0);
    if (spec->season) {
      double s = seasonal[m - 1 - (int)(i % (size_t)m)];
      f = spec->season == ETS_ADD ? f + s : f * s;
    }
    mean[i] = f;
  }
}

/* Class 1 and 2 (Hyndman et al. 2008, sections 6.3-6.4): mean w'F^(j-1)x and
 * c_j = w'F^(j-1)g; class 1 variance sigma2 (1 + sum c_j^2), class 2
 * theta_j = mu_j^2 + sigma2 sum_{i<j} c_i^2 theta_{j-i}, var = (1+sigma2) theta - mu^2. */
static void linear_distribution(const ets_spec *spec, const ets_par *par, const double *state, double sigma2, size_t h,
                                double *mean, double *variance) {
  size_t p = ets_state_size(spec);
  double a[2 + ETS_SEASON_MAX], g[2 + ETS_SEASON_MAX], c[h ? h : 1];
  memcpy(a, state, p * sizeof *a);
  memset(g, 0, p * sizeof *g);
  g[0] = par->alpha;
  if (spec->trend) g[1] = par->beta;
  if (spec->season) g[1 + (spec->trend != ETS_NONE)] = par->gamma;
  for (size_t j = 0; j < h; j++) {
    mean[j] = measure(spec, par, a, p);
    c[j] = measure(spec, par, g, p);
    transition(spec, par, a, p);
    transition(spec, par, g, p);
  }
  if (spec->error == ETS_ADD) {
    double sum = 0;
    for (size_t j = 0; j < h; j++) {
      variance[j] = sigma2 * (1 + sum);
      sum += c[j] * c[j];
    }
    return;
  }
  double theta[h ? h : 1];
  for (size_t j = 0; j < h; j++) {
    theta[j] = mean[j] * mean[j];
    for (size_t i = 1; i <= j; i++) theta[j] += sigma2 * c[i - 1] * c[i - 1] * theta[j - i];
    variance[j] = (1 + sigma2) * theta[j] - mean[j] * mean[j];
  }
}

/* out = A (r x k) * B (k x c), all row-major. */
static void matmul(const double *A, const double *B, double *out, size_t r, size_t k, size_t c) {
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      double sum = 0;
      for (size_t l = 0; l < k; l++) sum += A[i * k + l] * B[l * c + j];
      out[i * c + j] = sum;
    }
}

/* out = A (r x k) * B' where B is (c x k). */
static void matmul_t(const double *A, const double *B, double *out, size_t r, size_t k, size_t c) {
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      double sum = 0;
      for (size_t l = 0; l < k; l++) sum += A[i * k + l] * B[j * k + l];
      out[i * c + j] = sum;
    }
}

/* Kronecker product of A (ra x ca) and B (rb x cb). */
static void kron(const double *A, size_t ra, size_t ca, const double *B, size_t rb, size_t cb, double *out) {
  size_t cols = ca * cb;
  for (size_t i = 0; i < ra; i++)
    for (size_t j = 0; j < ca; j++)
      for (size_t k = 0; k < rb; k++)
        for (size_t l = 0; l < cb; l++) out[(i * rb + k) * cols + j * cb + l] = A[i * ca + j] * B[k * cb + l];
}

/* Class 3 (Hyndman et al. 2008, section 6.5): multiplicative error and
 * season, no or additive trend. The level-trend part (d = 1 or 2) and the
 * seasonal part (m) are tracked as the d x m matrix M_h = E[x x_s'] and the
 * covariance V_h of its vectorisation, written with Kronecker products. */
static void seasonal_multiplicative_distribution(const ets_spec *spec, const ets_par *par, const double *state,
                                                 double sigma2, size_t h, double *mean, double *variance) {
  const size_t d = 1 + (spec->trend != ETS_NONE), m = (size_t)spec->m, q = d * m;
  const double phi = spec->damped ? par->phi : 1;
  double F1[4] = {1, 0, 0, 0}, G1[4] = {par->alpha, 0, 0, 0};
  if (d == 2) {
    /* (l, b) moves by l + phi b and phi b, and its error terms scale l + phi b. forecast's
     * class3() writes 1 for these phi's, which is right only without damping. */
    F1[1] = phi, F1[3] = phi;
    G1[1] = par->alpha * phi, G1[2] = par->beta, G1[3] = par->beta * phi;
  }
  double F2[ETS_SEASON_MAX * ETS_SEASON_MAX] = {0}, G2[ETS_SEASON_MAX * ETS_SEASON_MAX] = {0};
  F2[m - 1] = 1;
  for (size_t i = 1; i < m; i++) F2[i * m + (i - 1)] = 1;
  G2[m - 1] = par->gamma;
  enum { Q_MAX = 2 * ETS_SEASON_MAX };
  double F21[Q_MAX * Q_MAX], G21[Q_MAX * Q_MAX], K[Q_MAX * Q_MAX], tmp[Q_MAX * Q_MAX];
  double V[Q_MAX * Q_MAX] = {0}, next[Q_MAX * Q_MAX], A[Q_MAX * Q_MAX], term[Q_MAX * Q_MAX];
  kron(F2, m, m, F1, d, d, F21);
  kron(G2, m, m, G1, d, d, G21);
  kron(G2, m, m, F1, d, d, K);
  kron(F2, m, m, G1, d, d, tmp);
  for (size_t i = 0; i < q * q; i++) K[i] += tmp[i];
  double M[2 * ETS_SEASON_MAX], Mn[2 * ETS_SEASON_MAX], vecM[Q_MAX];
  const double *seasonal = state + d;
  for (size_t r = 0; r < d; r++)
    for (size_t c = 0; c < m; c++) M[r * m + c] = state[r] * seasonal[c];
  for (size_t step = 0; step < h; step++) {
    /* mean = H1 M H2' (sum of the last column), variance from V's last d x d block. */
    double mu = 0, quad = 0;
    const double weight[2] = {1, phi}; /* H1: the mean is (l + phi b) s */
    for (size_t r = 0; r < d; r++) mu += weight[r] * M[r * m + m - 1];
    for (size_t a = 0; a < d; a++)
      for (size_t b = 0; b < d; b++) quad += weight[a] * weight[b] * V[((m - 1) * d + a) * q + (m - 1) * d + b];
    mean[step] = mu;
    variance[step] = (1 + sigma2) * quad + sigma2 * mu * mu;
    /* vec(M), column-major: element (r, c) at c*d + r. */
    for (size_t c = 0; c < m; c++)
      for (size_t r = 0; r < d; r++) vecM[c * d + r] = M[r * m + c];
    /* next V = F V F' + s2 (F V G' + G V F' + K (V + vv') K' + s2 G (3V + 2vv') G') */
    matmul(F21, V, tmp, q, q, q);
    matmul_t(tmp, F21, next, q, q, q);
    matmul(F21, V, tmp, q, q, q);
    matmul_t(tmp, G21, term, q, q, q);
    for (size_t i = 0; i < q * q; i++) A[i] = term[i];
    matmul(G21, V, tmp, q, q, q);
    matmul_t(tmp, F21, term, q, q, q);
    for (size_t i = 0; i < q * q; i++) A[i] += term[i];
    for (size_t i = 0; i < q; i++)
      for (size_t j = 0; j < q; j++) term[i * q + j] = V[i * q + j] + vecM[i] * vecM[j];
    matmul(K, term, tmp, q, q, q);
    matmul_t(tmp, K, term, q, q, q);
    for (size_t i = 0; i < q * q; i++) A[i] += term[i];
    for (size_t i = 0; i < q; i++)
      for (size_t j = 0; j < q; j++) term[i * q + j] = 3 * V[i * q + j] + 2 * vecM[i] * vecM[j];
    matmul(G21, term, tmp, q, q, q);
    matmul_t(tmp, G21, term, q, q, q);
    for (size_t i = 0; i < q * q; i++) V[i] = next[i] + sigma2 * (A[i] + sigma2 * term[i]);
    /* next M = F1 M F2' + s2 G1 M G2' */
    double FM[2 * ETS_SEASON_MAX], GM[2 * ETS_SEASON_MAX];
    matmul(F1, M, FM, d, d, m);
    matmul_t(FM, F2, Mn, d, m, m);
    matmul(G1, M, GM, d, d, m);
    matmul_t(GM, G2, FM, d, m, m);
    for (size_t i = 0; i < d * m; i++) M[i] = Mn[i] + sigma2 * FM[i];
  }
}

int ets_forecast_distribution(const ets_spec *spec, const ets_par *par, const double *state, double sigma2, size_t h,
                              double *mean, double *variance) {
  if (spec->season != ETS_MULT) {
    linear_distribution(spec, par, state, sigma2, h, mean, variance);
    return 1;
  }
  if (spec->error == ETS_MULT) {
    seasonal_multiplicative_distribution(spec, par, state, sigma2, h, mean, variance);
    return 1;
  }
  ets_point_forecast(spec, par, state, h, mean);
  return 0;
}

void ets_simulate_path(const ets_spec *spec, const ets_par *par, const double *state, double sigma2, size_t h,
                       gsl_rng *rng, double *path) {
  size_t p = ets_state_size(spec);
  double x[2 + ETS_SEASON_MAX], next[2 + ETS_SEASON_MAX];
  memcpy(x, state, p * sizeof *x);
  double sd = sqrt(sigma2 > 0 ? sigma2 : 0);
  for (size_t i = 0; i < h; i++) {
    /* One step of the recursion on a single simulated observation. */
    double mu;
    ets_point_forecast(spec, par, x, 1, &mu);
    double e = gsl_ran_gaussian_ziggurat(rng, sd);
    double y = spec->error == ETS_ADD ? mu + e : mu * (1 + e);
    path[i] = y;
    ets_pass(spec, par, x, &y, 1, NULL, NULL, next, NULL);
    memcpy(x, next, p * sizeof *x);
  }
}
