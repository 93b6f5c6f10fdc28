/* interp.c: missing values filled as forecast::na.interp() fills them
 * (see interp.h), and the single-period robust STL of forecast::mstl()
 * that it and tsoutliers() share. The regression is an ordinary least
 * squares fit (GSL, SVD) on the observed values; the polynomial is in
 * standardised time, which spans the same space as R's orthogonal poly()
 * and so gives the same fitted values. */
#include "carecast/interp.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>

#include "carecast/stl.h"

/* Observations per polynomial degree in na.interp's trend (degree n / 10). */
#define INTERP_POINTS_PER_DEGREE 10

cc_status cc_interp_linear(const double *y, size_t n, double *out, cc_error *err) {
  size_t first = n, last = n;
  for (size_t i = 0; i < n; i++)
    if (!isnan(y[i])) {
      if (first == n) first = i;
      last = i;
    }
  if (first == n) return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "no observed value to interpolate from");
  for (size_t i = 0; i < first; i++) out[i] = y[first];
  for (size_t i = last + 1; i < n; i++) out[i] = y[last];
  size_t previous = first;
  out[first] = y[first];
  for (size_t i = first + 1; i <= last; i++) {
    if (isnan(y[i])) continue;
    for (size_t j = previous + 1; j < i; j++)
      out[j] = y[previous] + (y[i] - y[previous]) * (double)(j - previous) / (double)(i - previous);
    out[i] = y[i];
    previous = i;
  }
  return CC_OK;
}

cc_status cc_mstl(const double *y, size_t n, int period, double *seasonal, double *trend, cc_error *err) {
  cc_stl *d = cc_stl_alloc(n, period);
  if (!d) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_stl_options options;
  cc_stl_options_default(&options, CC_MSTL_S_WINDOW, 1);
  cc_status status = cc_stl_decompose(y, n, period, &options, d, err);
  for (size_t i = 0; !status && i < n; i++) {
    seasonal[i] = d->seasonal[i];
    trend[i] = d->trend[i];
  }
  cc_stl_free(d);
  return status;
}

/* Columns of na.interp's regression: intercept, sin and cos of each
 * harmonic (the sine dropped where it vanishes, k = period / 2), and
 * standardised time to the powers 1..degree. Fills row t of design into x. */
static size_t design_row(size_t t, size_t n, int period, int harmonics, int degree, double *x) {
  size_t c = 0;
  x[c++] = 1.0;
  double time = (double)(t + 1);
  for (int k = 1; k <= harmonics; k++) {
    double angle = 2.0 * M_PI * k * time / period;
    if (!(period % 2 == 0 && 2 * k == period)) x[c++] = sin(angle);
    x[c++] = cos(angle);
  }
  double centre = (n + 1) / 2.0, spread = (double)n / 2.0;
  double z = (time - centre) / spread, power = 1.0;
  for (int d = 1; d <= degree; d++) {
    power *= z;
    x[c++] = power;
  }
  return c;
}

/* Provisional fill of the gaps by the Fourier and polynomial regression. */
static cc_status regression_fill(const double *y, size_t n, int period, double *out, cc_error *err) {
  int harmonics = period / 2 < CC_INTERP_MAX_HARMONICS ? period / 2 : CC_INTERP_MAX_HARMONICS;
  int degree = (int)(n / INTERP_POINTS_PER_DEGREE);
  if (degree < 1) degree = 1;
  if (degree > CC_INTERP_MAX_DEGREE) degree = CC_INTERP_MAX_DEGREE;
  double row[1 + 2 * CC_INTERP_MAX_HARMONICS + CC_INTERP_MAX_DEGREE];
  size_t p = design_row(0, n, period, harmonics, degree, row), observed = 0;
  for (size_t t = 0; t < n; t++) observed += !isnan(y[t]);
  if (observed <= p) return cc_interp_linear(y, n, out, err);
  gsl_matrix *X = gsl_matrix_alloc(observed, p), *cov = gsl_matrix_alloc(p, p);
  gsl_vector *v = gsl_vector_alloc(observed), *coef = gsl_vector_alloc(p);
  gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(observed, p);
  cc_status status = CC_OK;
  if (!X || !cov || !v || !coef || !w) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t t = 0, r = 0; !status && t < n; t++) {
    if (isnan(y[t])) continue;
    design_row(t, n, period, harmonics, degree, row);
    for (size_t c = 0; c < p; c++) gsl_matrix_set(X, r, c, row[c]);
    gsl_vector_set(v, r++, y[t]);
  }
  double chisq;
  if (!status && gsl_multifit_linear(X, v, coef, cov, &chisq, w) != 0)
    status = cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "interpolation regression failed");
  for (size_t t = 0; !status && t < n; t++) {
    if (!isnan(y[t])) {
      out[t] = y[t];
      continue;
    }
    design_row(t, n, period, harmonics, degree, row);
    double fit = 0.0;
    for (size_t c = 0; c < p; c++) fit += row[c] * gsl_vector_get(coef, c);
    out[t] = fit;
  }
  gsl_multifit_linear_free(w);
  gsl_matrix_free(X);
  gsl_matrix_free(cov);
  gsl_vector_free(v);
  gsl_vector_free(coef);
  return status;
}

cc_status cc_interp_na(const double *y, size_t n, int period, double *out, cc_error *err) {
  size_t observed = 0;
  for (size_t t = 0; t < n; t++) observed += !isnan(y[t]);
  if (observed == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "no observed value to interpolate from");
  if (observed == n) {
    for (size_t t = 0; t < n; t++) out[t] = y[t];
    return CC_OK;
  }
  if (period <= 1 || observed <= 2 * (size_t)period) return cc_interp_linear(y, n, out, err);
  double *filled = malloc(4 * n * sizeof *filled);
  if (!filled) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double *seasonal = filled + n, *trend = filled + 2 * n, *adjusted = filled + 3 * n;
  cc_status status = regression_fill(y, n, period, filled, err);
  if (!status) status = cc_mstl(filled, n, period, seasonal, trend, err);
  if (!status) {
    for (size_t t = 0; t < n; t++) adjusted[t] = isnan(y[t]) ? NAN : filled[t] - seasonal[t];
    status = cc_interp_linear(adjusted, n, trend, err);
  }
  for (size_t t = 0; !status && t < n; t++) out[t] = isnan(y[t]) ? trend[t] + seasonal[t] : y[t];
  free(filled);
  return status;
}
