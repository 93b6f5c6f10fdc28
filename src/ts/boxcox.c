/* boxcox.c: Box-Cox transformation and Guerrero's lambda (see boxcox.h).
 *
 * Guerrero (1993) chooses the lambda that makes the coefficient of
 * variation of sd_j / mean_j^(1 - lambda) smallest over the subseries j
 * (whole seasons, taken from the end of the series, or pairs of
 * observations for non-seasonal data), searched by Brent's method as R's
 * optimize() does, with R's default tolerance. */
#include "carecast/boxcox.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "carecast/optim.h"

#define CC_BOXCOX_TOLERANCE 1.220703125e-4 /* DBL_EPSILON^0.25, optimize()'s default */

double cc_boxcox(double y, double lambda) {
  if (isnan(y)) return NAN;
  if (lambda < 0 && y < 0) return NAN;
  if (lambda == 0) return log(y);
  return (copysign(pow(fabs(y), lambda), y) - 1) / lambda;
}

double cc_boxcox_inverse(double x, double lambda) {
  if (isnan(x)) return NAN;
  if (lambda < 0 && x > -1 / lambda) return NAN;
  if (lambda == 0) return exp(x);
  double base = x * lambda + 1;
  return copysign(pow(fabs(base), 1 / lambda), base);
}

double cc_boxcox_inverse_mean(double x, double lambda, double variance) {
  double median = cc_boxcox_inverse(x, lambda);
  return median * (1 + 0.5 * variance * (1 - lambda) / pow(median, 2 * lambda));
}

typedef struct guerrero_data {
  const double *y;  /* the last n_groups * length values */
  size_t length;    /* values per subseries */
  size_t n_groups;  /* subseries */
} guerrero_data;

/* Mean and sample standard deviation of the non-missing values of x[0..n); 0 when fewer than two. */
static int mean_sd(const double *x, size_t n, double *mean, double *sd) {
  double sum = 0, sum2 = 0;
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) sum += x[i], count++;
  if (count < 2) return 0;
  *mean = sum / (double)count;
  for (size_t i = 0; i < n; i++)
    if (!isnan(x[i])) sum2 += (x[i] - *mean) * (x[i] - *mean);
  *sd = sqrt(sum2 / (double)(count - 1));
  return 1;
}

/* The coefficient of variation of sd_j / mean_j^(1 - lambda) (forecast's guer.cv). */
static double guerrero_cv(double lambda, void *context) {
  const guerrero_data *g = context;
  double ratios[g->n_groups ? g->n_groups : 1];
  size_t k = 0;
  for (size_t j = 0; j < g->n_groups; j++) {
    double mean, sd;
    if (!mean_sd(g->y + j * g->length, g->length, &mean, &sd)) continue;
    double ratio = sd / pow(mean, 1 - lambda);
    if (!isnan(ratio)) ratios[k++] = ratio;
  }
  double mean, sd;
  if (!mean_sd(ratios, k, &mean, &sd)) return INFINITY;
  return sd / mean;
}

double cc_boxcox_lambda(const double *y, size_t n, int period, double lower, double upper) {
  for (size_t i = 0; i < n; i++)
    if (!isnan(y[i]) && y[i] <= 0) lower = fmax(lower, 0);
  if (n <= 2 * (size_t)(period > 1 ? period : 1)) return 1;
  size_t length = (size_t)(period > CC_BOXCOX_NONSEASONAL_LENGTH ? period : CC_BOXCOX_NONSEASONAL_LENGTH);
  size_t n_groups = n / length;
  guerrero_data g = {y + (n - n_groups * length), length, n_groups};
  return cc_minimize_brent(guerrero_cv, &g, lower, upper, CC_BOXCOX_TOLERANCE);
}
