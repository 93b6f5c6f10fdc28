/* arima_regression.c: the regression part of a regression with ARIMA
 * errors (see arima.c): the columns (the constant, then the regressors), R's
 * rotation of two or more columns onto their right singular vectors, the
 * starting values and scales from least squares on the differenced data, and
 * the series auto.arima chooses the differences on. As stats::arima (R 4.x)
 * and forecast::auto.arima (8.20) do them. */
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arima_internal.h"

/* The regression columns C: the constant (1, or t = 1..n for a drift) first,
 * then the regressors, as forecast::Arima hands them to stats::arima. */
void arima_regression_build(arima_work *w, const double *xreg) {
  const arima_spec *s = &w->spec;
  size_t n = w->n, column = 0;
  if (s->constant != CONSTANT_NONE) {
    for (size_t t = 0; t < n; t++) w->reg_natural[t] = s->constant == CONSTANT_DRIFT ? (double)(t + 1) : 1.0;
    column = 1;
  }
  if (s->n_xreg > 0) memcpy(w->reg_natural + n * column, xreg, n * (size_t)s->n_xreg * sizeof *xreg);
  memcpy(w->reg, w->reg_natural, n * (size_t)s->n_reg * sizeof *w->reg);
  /* a missing regressor value makes x = y - C beta missing: the fast likelihood then does not apply */
  for (size_t t = 0; t < n * (size_t)s->n_reg && w->complete; t++)
    if (isnan(w->reg[t])) w->complete = 0;
}

/* With two or more columns R estimates in the coordinates of the right
 * singular vectors V of the columns (rows with a missing value left out):
 * w->reg = C V, and the coefficients are V' beta. */
cc_status arima_regression_rotate(arima_work *w, cc_error *err) {
  const arima_spec *s = &w->spec;
  size_t n = w->n, k = (size_t)s->n_reg, rows = 0;
  if (k < 2) return CC_OK;
  for (size_t t = 0; t < n; t++) {
    int complete = 1;
    for (size_t j = 0; j < k; j++) complete &= !isnan(w->reg_natural[t + n * j]);
    rows += (size_t)complete;
  }
  if (rows < k)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "xreg", "%zu complete rows of regressors for %zu columns", rows, k);
  gsl_matrix *a = gsl_matrix_alloc(rows, k), *v = gsl_matrix_alloc(k, k);
  gsl_vector *sv = gsl_vector_alloc(k), *work = gsl_vector_alloc(k);
  w->rotation = malloc(k * k * sizeof *w->rotation);
  cc_status status = a && v && sv && work && w->rotation ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) {
    size_t row = 0;
    for (size_t t = 0; t < n; t++) {
      int complete = 1;
      for (size_t j = 0; j < k; j++) complete &= !isnan(w->reg_natural[t + n * j]);
      if (!complete) continue;
      for (size_t j = 0; j < k; j++) gsl_matrix_set(a, row, j, w->reg_natural[t + n * j]);
      row++;
    }
    if (gsl_linalg_SV_decomp(a, v, sv, work) != 0)
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "xreg", "the singular value decomposition of the regressors failed");
    else if (!(gsl_vector_get(sv, k - 1) > ARIMA_RANK_TOLERANCE * gsl_vector_get(sv, 0)))
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "xreg",
                            "the regression columns (constant and regressors) are collinear");
  }
  if (!status) {
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < k; j++) w->rotation[i + k * j] = gsl_matrix_get(v, i, j);
    for (size_t t = 0; t < n; t++)
      for (size_t j = 0; j < k; j++) {
        double sum = 0;
        for (size_t l = 0; l < k; l++) sum += w->reg_natural[t + n * l] * w->rotation[l + k * j];
        w->reg[t + n * j] = sum;
      }
  }
  gsl_matrix_free(a), gsl_matrix_free(v), gsl_vector_free(sv), gsl_vector_free(work);
  return status;
}

/* Starting values and optimiser scales of the regression coefficients, as
 * R's arima: least squares of the differenced series on the differenced
 * columns (lm(dx ~ dxreg - 1), rows with a missing value left out), each
 * scaled by 10 of its standard errors (optim's parscale). */
cc_status arima_regression_start(arima_work *w, cc_error *err) {
  const arima_spec *s = &w->spec;
  size_t n = w->n, k = (size_t)s->n_reg;
  double *dy = malloc(n * sizeof *dy), *dc = malloc(n * k * sizeof *dc);
  if (!dy || !dc) {
    free(dy), free(dc);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  memcpy(dy, w->y, n * sizeof *dy);
  memcpy(dc, w->reg, n * k * sizeof *dc);
  size_t start = 0;
  for (int i = 0; i < s->d + s->sd; i++) {
    size_t lag = i < s->d ? 1 : (size_t)s->period;
    for (size_t t = n - 1; t >= start + lag; t--) {
      dy[t] -= dy[t - lag];
      for (size_t j = 0; j < k; j++) dc[t + n * j] -= dc[t - lag + n * j];
    }
    start += lag;
  }
  size_t rows = 0;
  for (size_t t = start; t < n; t++) {
    int complete = !isnan(dy[t]);
    for (size_t j = 0; j < k; j++) complete &= !isnan(dc[t + n * j]);
    if (complete) dy[rows] = dy[t];
    for (size_t j = 0; complete && j < k; j++) dc[rows + n * j] = dc[t + n * j];
    rows += (size_t)complete;
  }
  cc_status status = CC_OK;
  if (rows <= k) {
    status = cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                          "too few non-missing differences (%zu) to estimate %zu regression coefficient(s)", rows, k);
  } else {
    gsl_matrix *x = gsl_matrix_alloc(rows, k), *cov = gsl_matrix_alloc(k, k);
    gsl_vector *yv = gsl_vector_alloc(rows), *c = gsl_vector_alloc(k);
    gsl_multifit_linear_workspace *lw = gsl_multifit_linear_alloc(rows, k);
    double chisq;
    size_t rank = 0;
    if (!x || !cov || !yv || !c || !lw) {
      status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    } else {
      for (size_t r = 0; r < rows; r++) {
        gsl_vector_set(yv, r, dy[r]);
        for (size_t j = 0; j < k; j++) gsl_matrix_set(x, r, j, dc[r + n * j]);
      }
      if (gsl_multifit_linear_tsvd(x, yv, ARIMA_RANK_TOLERANCE, c, cov, &chisq, &rank, lw) != 0 || rank < k)
        status = cc_error_set(err, CC_EINPUT, NULL, 0, "xreg",
                              "the regression columns are collinear after %d difference(s) (a regressor constant "
                              "after differencing, or two that move together)",
                              s->n_delta);
    }
    for (size_t j = 0; !status && j < k; j++) {
      double se = sqrt(gsl_matrix_get(cov, j, j));
      w->coef[s->n_arma + (int)j] = gsl_vector_get(c, j);
      w->parscale[s->n_arma + (int)j] = se > 0 && isfinite(se) ? 10 * se : 1;
    }
    gsl_matrix_free(x), gsl_matrix_free(cov), gsl_vector_free(yv), gsl_vector_free(c);
    gsl_multifit_linear_free(lw);
  }
  free(dy), free(dc);
  return status;
}

cc_status arima_regression_residuals(const double *y, size_t n, size_t n_xreg, const double *xreg, double **out,
                                     cc_error *err) {
  *out = NULL;
  size_t k = n_xreg + 1, rows = 0;
  double *residuals = malloc((n ? n : 1) * sizeof *residuals);
  if (!residuals) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  memcpy(residuals, y, n * sizeof *y);
  for (size_t t = 0; t < n; t++) {
    int complete = !isnan(y[t]);
    for (size_t j = 0; j < n_xreg; j++) complete &= !isnan(xreg[t + n * j]);
    rows += (size_t)complete;
  }
  if (rows <= k) { /* too few rows to regress: d is chosen on y itself */
    *out = residuals;
    return CC_OK;
  }
  gsl_matrix *x = gsl_matrix_alloc(rows, k), *cov = gsl_matrix_alloc(k, k);
  gsl_vector *yv = gsl_vector_alloc(rows), *c = gsl_vector_alloc(k), *r = gsl_vector_alloc(rows);
  gsl_multifit_linear_workspace *lw = gsl_multifit_linear_alloc(rows, k);
  cc_status status = x && cov && yv && c && r && lw ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double chisq;
  size_t rank, row = 0;
  for (size_t t = 0; !status && t < n; t++) {
    int complete = !isnan(y[t]);
    for (size_t j = 0; j < n_xreg; j++) complete &= !isnan(xreg[t + n * j]);
    if (!complete) continue;
    gsl_vector_set(yv, row, y[t]);
    gsl_matrix_set(x, row, 0, 1.0);
    for (size_t j = 0; j < n_xreg; j++) gsl_matrix_set(x, row, j + 1, xreg[t + n * j]);
    row++;
  }
  if (!status && (gsl_multifit_linear_tsvd(x, yv, ARIMA_RANK_TOLERANCE, c, cov, &chisq, &rank, lw) != 0 || rank < k))
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "xreg", "the regressors are collinear (or one is constant)");
  if (!status) gsl_multifit_linear_residuals(x, yv, c, r);
  row = 0;
  for (size_t t = 0; !status && t < n; t++) {
    int complete = !isnan(y[t]);
    for (size_t j = 0; j < n_xreg; j++) complete &= !isnan(xreg[t + n * j]);
    if (complete) residuals[t] = gsl_vector_get(r, row++);
  }
  gsl_matrix_free(x), gsl_matrix_free(cov), gsl_vector_free(yv), gsl_vector_free(c), gsl_vector_free(r);
  gsl_multifit_linear_free(lw);
  if (status) {
    free(residuals);
    return status;
  }
  *out = residuals;
  return CC_OK;
}

/* Back from the rotated coordinates: beta = V beta_rotated and cov = R cov R'
 * with R = diag(I, V); the columns become the natural ones again. */
void arima_regression_unrotate(arima_work *w, double *cov) {
  const arima_spec *s = &w->spec;
  memcpy(w->reg, w->reg_natural, w->n * (size_t)s->n_reg * sizeof *w->reg);
  if (!w->rotation) return;
  size_t k = (size_t)s->n_reg, nc = (size_t)s->n_coef, first = (size_t)s->n_arma;
  double beta[ARIMA_MAX_COEF];
  for (size_t i = 0; i < k; i++) {
    double sum = 0;
    for (size_t j = 0; j < k; j++) sum += w->rotation[i + k * j] * w->coef[first + j];
    beta[i] = sum;
  }
  memcpy(w->coef + first, beta, k * sizeof *beta);
  if (!cov) return;
  double *r = calloc(nc * nc, sizeof *r), *rc = calloc(nc * nc, sizeof *rc);
  if (!r || !rc) { /* no room to rotate: leave the standard errors unknown */
    for (size_t i = 0; i < nc * nc; i++) cov[i] = NAN;
  } else {
    for (size_t i = 0; i < first; i++) r[i + nc * i] = 1;
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < k; j++) r[(first + i) + nc * (first + j)] = w->rotation[i + k * j];
    for (size_t i = 0; i < nc; i++) /* rc = R cov */
      for (size_t j = 0; j < nc; j++) {
        double sum = 0;
        for (size_t l = 0; l < nc; l++) sum += r[i + nc * l] * cov[l + nc * j];
        rc[i + nc * j] = sum;
      }
    for (size_t i = 0; i < nc; i++) /* cov = rc R' */
      for (size_t j = 0; j < nc; j++) {
        double sum = 0;
        for (size_t l = 0; l < nc; l++) sum += rc[i + nc * l] * r[j + nc * l];
        cov[i + nc * j] = sum;
      }
  }
  free(r), free(rc);
}
