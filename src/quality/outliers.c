/* outliers.c: forecast::tsoutliers() (see outliers.h). One pass finds the
 * points whose super-smoother residual lies outside the far-out fences;
 * the second pass repeats it on the series with the first pass's outliers
 * replaced, which uncovers outliers that a bigger one had masked. */
#include "carecast/outliers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/interp.h"
#include "carecast/supsmu.h"

/* Quartiles of the residuals. */
#define LOWER_QUARTILE 0.25
#define UPPER_QUARTILE 0.75

cc_outliers *cc_outliers_alloc(size_t n) {
  cc_outliers *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  size_t room = n ? n : 1;
  o->n = n;
  o->index = malloc(room * sizeof *o->index);
  o->replacements = malloc(room * sizeof *o->replacements);
  o->cleaned = malloc(room * sizeof *o->cleaned);
  if (!o->index || !o->replacements || !o->cleaned) {
    cc_outliers_free(o);
    return NULL;
  }
  return o;
}

void cc_outliers_free(cc_outliers *o) {
  if (!o) return;
  free(o->index);
  free(o->replacements);
  free(o->cleaned);
  free(o);
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double cc_quantile7(const double *x, size_t n, double p, double *sorted) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) sorted[m++] = x[i];
  if (m == 0) return NAN;
  qsort(sorted, m, sizeof *sorted, compare_doubles);
  double h = (double)(m - 1) * p;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= m) return sorted[m - 1];
  return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static double sample_variance(const double *x, size_t n) {
  double mean = 0.0, ss = 0.0;
  for (size_t i = 0; i < n; i++) mean += x[i];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return ss / (double)(n - 1);
}

cc_status cc_outliers_adjust(const double *y, size_t n, int period, double *adjusted, double *scratch, cc_error *err) {
  memcpy(adjusted, y, n * sizeof *adjusted);
  if (period <= 1 || n <= 2 * (size_t)period) return CC_OK;
  double *seasonal = scratch, *trend = scratch + n;
  cc_status status = cc_mstl(y, n, period, seasonal, trend, err);
  if (status) return status;
  /* Strength: remainder = y - trend - seasonal against detrended = y - trend (adjusted holds each in turn). */
  for (size_t i = 0; i < n; i++) adjusted[i] = y[i] - trend[i] - seasonal[i];
  double remainder_variance = sample_variance(adjusted, n);
  for (size_t i = 0; i < n; i++) adjusted[i] = y[i] - trend[i];
  double strength = 1.0 - remainder_variance / sample_variance(adjusted, n);
  for (size_t i = 0; i < n; i++) adjusted[i] = strength >= CC_OUTLIER_SEASONAL_STRENGTH ? y[i] - seasonal[i] : y[i];
  return CC_OK;
}

/* Scratch of one pass: 4 n values for the smoother's residuals and the
 * decomposition, and CC_SUPSMU_WORK(n) for the smoother. */
typedef struct pass_work {
  double *series, *seasonal, *trend, *residual, *supsmu, *time;
} pass_work;

/* One pass of tsoutliers: mark[i] = 1 for the outliers of y (NaN-free
 * filled values `filled`, `missing` where the original was missing). */
static cc_status one_pass(const double *filled, const unsigned char *missing, size_t n, int period, unsigned char *mark,
                          pass_work *wk, cc_error *err) {
  memset(mark, 0, n);
  int constant = 1;
  for (size_t i = 1; i < n; i++)
    if (filled[i] != filled[0]) constant = 0;
  if (constant || n < CC_SUPSMU_MIN_N) return CC_OK;
  double *x = wk->series;
  cc_status status = cc_outliers_adjust(filled, n, period, x, wk->seasonal, err);
  if (status) return status;
  for (size_t i = 0; i < n; i++) wk->time[i] = (double)(i + 1);
  status = cc_supsmu(wk->time, x, NULL, n, 0.0, 0.0, wk->trend, wk->supsmu, err);
  if (status) return status;
  for (size_t i = 0; i < n; i++) wk->residual[i] = missing[i] ? NAN : x[i] - wk->trend[i];
  double q1 = cc_quantile7(wk->residual, n, LOWER_QUARTILE, wk->seasonal);
  double q3 = cc_quantile7(wk->residual, n, UPPER_QUARTILE, wk->seasonal);
  double lower = q1 - CC_OUTLIER_IQR_FENCE * (q3 - q1), upper = q3 + CC_OUTLIER_IQR_FENCE * (q3 - q1);
  if (!(upper - lower > CC_OUTLIER_MIN_FENCE_WIDTH)) return CC_OK;
  for (size_t i = 0; i < n; i++)
    if (!isnan(wk->residual[i]) && (wk->residual[i] < lower || wk->residual[i] > upper)) mark[i] = 1;
  return CC_OK;
}

/* Set the marked values of x missing and fill every missing value into out. */
static cc_status replace_marked(const double *x, const unsigned char *mark, size_t n, int period, double *masked,
                                double *out, cc_error *err) {
  for (size_t i = 0; i < n; i++) masked[i] = mark[i] ? NAN : x[i];
  return cc_interp_na(masked, n, period, out, err);
}

cc_status cc_outliers_find(const double *y, size_t n, int period, int iterate, cc_outliers *o, cc_error *err) {
  if (o->n != n) return cc_error_set(err, CC_EINTERNAL, NULL, 0, "outliers", "result allocated for another length");
  o->count = 0;
  size_t room = n ? n : 1;
  double *buffer = malloc((7 * room + CC_SUPSMU_WORK(room)) * sizeof *buffer);
  unsigned char *flags = malloc(3 * room);
  if (!buffer || !flags) {
    free(buffer);
    free(flags);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  pass_work wk = {buffer, buffer + room, buffer + 2 * room, buffer + 3 * room, buffer + 7 * room, buffer + 4 * room};
  double *filled = buffer + 5 * room, *masked = buffer + 6 * room;
  unsigned char *missing = flags, *mark = flags + room, *mark2 = flags + 2 * room;
  for (size_t i = 0; i < n; i++) missing[i] = isnan(y[i]);
  cc_status status = cc_interp_na(y, n, period, filled, err);
  if (!status) status = one_pass(filled, missing, n, period, mark, &wk, err);
  /* Replace this pass's outliers (and every missing value) in the cleaned series. */
  if (!status) status = replace_marked(y, mark, n, period, masked, o->cleaned, err);
  if (!status && iterate > 1) {
    memset(missing, 0, n); /* the cleaned series has no missing value */
    status = one_pass(o->cleaned, missing, n, period, mark2, &wk, err);
    size_t more = 0;
    for (size_t i = 0; !status && i < n; i++)
      if (mark2[i]) {
        more++;
        mark[i] = 1;
      }
    if (!status && more) {
      memcpy(filled, o->cleaned, n * sizeof *filled);
      status = replace_marked(filled, mark, n, period, masked, o->cleaned, err);
    }
  }
  for (size_t i = 0; !status && i < n; i++)
    if (mark[i]) {
      o->index[o->count] = i;
      o->replacements[o->count++] = o->cleaned[i];
    }
  free(buffer);
  free(flags);
  return status;
}
