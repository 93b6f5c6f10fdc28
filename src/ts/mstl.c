/* mstl.c: forecast's mstl, na.interp and seasonal strength for one period
 * (see mstl.h), as forecast 8.20 computes them.
 *
 * na.interp's first guess is a least-squares fit of the present values on
 * an intercept, min(floor(m / 2), 5) Fourier pairs sin, cos(2 pi k t / m)
 * (the sine left out where it vanishes, 2k = m) and a polynomial in t of
 * degree min(max(floor(n / 10), 1), 6). R uses orthogonal polynomials
 * (poly()); the fitted values depend only on the span, so we use powers of
 * t rescaled to [-1, 1], solved by GSL's SVD least squares. */
#include "carecast/mstl.h"

#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define INTERP_MAX_FOURIER 5   /* na.interp: K = min(floor(m / 2), 5) */
#define INTERP_MAX_DEGREE 6    /* na.interp: polynomial degree at most 6 */
#define INTERP_DEGREE_SPAN 10  /* ... and floor(n / 10) */
#define INTERP_STRAY 0.5       /* fall back to linear beyond half the range outside the data */
#define INTERP_ROBUST 1        /* na.interp's mstl(x, robust = TRUE) */

/* approx(idx, x[idx], 1:n, rule = 2): linear between present values of x,
 * the first and last present value held outside them. */
static void linear_fill(const double *x, size_t n, double *out) {
  size_t prev = n; /* index of the last present value seen, n for none */
  for (size_t t = 0; t < n; t++) {
    if (isnan(x[t])) continue;
    if (prev == n)
      for (size_t s = 0; s < t; s++) out[s] = x[t];
    else
      for (size_t s = prev + 1; s < t; s++) out[s] = x[prev] + (x[t] - x[prev]) * (double)(s - prev) / (double)(t - prev);
    out[t] = x[t];
    prev = t;
  }
  for (size_t s = prev + 1; s < n; s++) out[s] = x[prev];
}

/* The regressors of na.interp's first guess at time t (0-based) into row;
 * returns their number. */
static size_t regressors(size_t t, size_t n, int period, int fourier, int degree, double *row) {
  size_t k = 0;
  row[k++] = 1;
  double time = (double)(t + 1);
  for (int j = 1; j <= fourier; j++) {
    double angle = 2 * M_PI * j * time / period;
    if (2 * j != period) row[k++] = sin(angle);
    row[k++] = cos(angle);
  }
  double u = n > 1 ? (2 * (double)t - (double)(n - 1)) / (double)(n - 1) : 0, power = 1;
  for (int d = 1; d <= degree; d++) row[k++] = power *= u;
  return k;
}

/* na.interp's first guess: x's missing values replaced by the regression's
 * predictions, in out. */
static cc_status regression_fill(const double *x, size_t n, int period, double *out, cc_error *err) {
  int fourier = period / 2 < INTERP_MAX_FOURIER ? period / 2 : INTERP_MAX_FOURIER;
  int degree = (int)(n / INTERP_DEGREE_SPAN);
  degree = degree < 1 ? 1 : degree > INTERP_MAX_DEGREE ? INTERP_MAX_DEGREE : degree;
  double row[1 + 2 * INTERP_MAX_FOURIER + INTERP_MAX_DEGREE];
  size_t columns = regressors(0, n, period, fourier, degree, row), present = 0;
  for (size_t t = 0; t < n; t++) present += !isnan(x[t]);
  if (present < columns) { /* too few values for the regression: the linear fill */
    linear_fill(x, n, out);
    return CC_OK;
  }
  gsl_matrix *design = gsl_matrix_alloc(present, columns), *cov = gsl_matrix_alloc(columns, columns);
  gsl_vector *target = gsl_vector_alloc(present), *coef = gsl_vector_alloc(columns);
  gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc(present, columns);
  cc_status status = CC_OK;
  if (!design || !cov || !target || !coef || !work) {
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  } else {
    size_t i = 0;
    for (size_t t = 0; t < n; t++) {
      if (isnan(x[t])) continue;
      regressors(t, n, period, fourier, degree, row);
      for (size_t c = 0; c < columns; c++) gsl_matrix_set(design, i, c, row[c]);
      gsl_vector_set(target, i++, x[t]);
    }
    double chisq;
    gsl_multifit_linear(design, target, coef, cov, &chisq, work);
    for (size_t t = 0; t < n; t++) {
      if (!isnan(x[t])) {
        out[t] = x[t];
        continue;
      }
      regressors(t, n, period, fourier, degree, row);
      double value = 0;
      for (size_t c = 0; c < columns; c++) value += row[c] * gsl_vector_get(coef, c);
      out[t] = value;
    }
  }
  gsl_multifit_linear_free(work);
  gsl_vector_free(coef), gsl_vector_free(target);
  gsl_matrix_free(cov), gsl_matrix_free(design);
  return status;
}

/* na.interp's seasonal path: x (with gaps) into out, or *strayed set when
 * the result leaves [min - range / 2, max + range / 2]. */
static cc_status seasonal_fill(const double *x, size_t n, int period, double *out, int *strayed, cc_error *err) {
  *strayed = 0;
  cc_status status = regression_fill(x, n, period, out, err);
  if (status) return status;
  cc_stl_result *r = cc_stl_result_alloc(n);
  double *adjusted = malloc(n * sizeof *adjusted), *filled = malloc(n * sizeof *filled);
  if (!r || !adjusted || !filled) {
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  } else {
    cc_stl_options o;
    cc_stl_options_default(&o, period, CC_MSTL_S_WINDOW, INTERP_ROBUST);
    status = cc_stl(out, n, &o, r, err);
  }
  if (!status) {
    for (size_t t = 0; t < n; t++) adjusted[t] = isnan(x[t]) ? NAN : out[t] - r->seasonal[t];
    linear_fill(adjusted, n, filled);
    double low = HUGE_VAL, high = -HUGE_VAL;
    for (size_t t = 0; t < n; t++)
      if (!isnan(x[t])) low = fmin(low, x[t]), high = fmax(high, x[t]);
    double slack = INTERP_STRAY * (high - low);
    for (size_t t = 0; t < n; t++) {
      if (isnan(x[t])) out[t] = filled[t] + r->seasonal[t];
      if (out[t] > high + slack || out[t] < low - slack) *strayed = 1;
    }
  }
  free(filled), free(adjusted);
  cc_stl_result_free(r);
  return status;
}

cc_status cc_na_interp(const double *y, size_t n, int period, double *out, cc_error *err) {
  size_t present = 0;
  for (size_t t = 0; t < n; t++) present += !isnan(y[t]);
  if (present == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "every value of the series is missing");
  if (present == n) {
    if (out != y) memcpy(out, y, n * sizeof *out);
    return CC_OK;
  }
  double *x = malloc(n * sizeof *x); /* a copy, since out may be y */
  if (!x) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  memcpy(x, y, n * sizeof *x);
  cc_status status = CC_OK;
  int strayed = 1;
  if (period > 1 && present > 2 * (size_t)period) status = seasonal_fill(x, n, period, out, &strayed, err);
  if (!status && strayed) linear_fill(x, n, out);
  free(x);
  return status;
}

cc_status cc_mstl(const double *y, size_t n, int period, cc_stl_result *r, cc_error *err) {
  double *filled = malloc((n ? n : 1) * sizeof *filled);
  if (!filled) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = cc_na_interp(y, n, period, filled, err);
  if (!status) {
    cc_stl_options o;
    cc_stl_options_default(&o, period, CC_MSTL_S_WINDOW, 0);
    status = cc_stl(filled, n, &o, r, err);
  }
  if (!status)
    for (size_t t = 0; t < n; t++)
      if (isnan(y[t])) r->remainder[t] = NAN;
  free(filled);
  return status;
}

/* Sample variance of a[t] + b[t] (b may be NULL) over the t where a is present. */
static double variance_present(const double *a, const double *b, size_t n) {
  double sum = 0, squares = 0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(a[t])) continue;
    double v = a[t] + (b ? b[t] : 0);
    sum += v, count++;
  }
  if (count < 2) return NAN;
  double mean = sum / (double)count;
  for (size_t t = 0; t < n; t++) {
    if (isnan(a[t])) continue;
    double v = a[t] + (b ? b[t] : 0) - mean;
    squares += v * v;
  }
  return squares / (double)(count - 1);
}

double cc_seasonal_strength(const double *y, size_t n, int period) {
  cc_stl_result *r = cc_stl_result_alloc(n);
  if (!r) return NAN;
  cc_error err;
  double strength = NAN;
  if (cc_mstl(y, n, period, r, &err) == CC_OK) {
    double remainder = variance_present(r->remainder, NULL, n);
    double total = variance_present(r->remainder, r->seasonal, n);
    double value = 1 - remainder / total;
    if (!isnan(value)) strength = value < 0 ? 0 : value > 1 ? 1 : value;
  }
  cc_stl_result_free(r);
  return strength;
}
