/* stl.c: STL decomposition (see stl.h), step by step as Cleveland et al.
 * (1990, section 2) and R's stats::stl, whose numbers it reproduces.
 *
 * Inner loop (inner passes), from trend T = 0:
 *   1. detrend: y - T;
 *   2. cycle-subseries smoothing: each of the `period` subseries is smoothed
 *      by loess (span s_window, degree s_degree) and extended by one point at
 *      each end, giving C of n + 2 period values;
 *   3. low-pass filter of C: moving averages of period, period and 3, then a
 *      loess of span l_window, giving L (n values);
 *   4. seasonal S = C[period + t] - L[t];
 *   5. deseasonalise y - S and smooth it by loess (t_window, t_degree) into T.
 * Outer loop (outer times): robustness weights rho_t = B(|y - T - S| / (6
 * median |y - T - S|)) with the bisquare B(u) = (1 - u^2)^2 for u < 1, used
 * by the loess of steps 2 and 5 of the next inner loop.
 * The loess is the local fit of Cleveland (1979): tricube weights over the
 * `span` nearest points (widened by (span - n) / 2 when the span exceeds the
 * series), a local constant or line, evaluated every `jump` points and
 * linearly interpolated between them; where all weights vanish the value is
 * kept. With s_window periodic, the seasonal span is 10 n + 1 and the
 * seasonal values are averaged per position in the cycle at the end.
 *
 * One deviation from R: its robustness weights take the median of |y - T -
 * S| from a Fortran partial sort asked for the order statistics n/2 + 1 and
 * n/2 in descending order, which for an even n can leave another value in
 * place of the n/2-th; we use the true median. Robust decompositions then
 * differ from R's by about 1e-7 of the data on some series (tests/unit/test_stl.c). */
#include "carecast/stl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STL_NEAR 0.001        /* distances below this share of the bandwidth get weight 1 (R's h1) */
#define STL_FAR 0.999         /* distances above this share get weight 0 (R's h9) */
#define STL_SLOPE_MIN 0.001   /* a local line needs a spread of abscissae above this share of the range */
#define STL_MAD_SCALE 6.0     /* robustness: residuals are scaled by 6 median |residual| */
#define STL_PERIODIC_SPAN 10  /* periodic: s.window = 10 n + 1 */
#define STL_COLUMNS 6         /* scratch columns of n + 2 period values */

void cc_stl_options_default(cc_stl_options *o, int period, int s_window, int robust) {
  memset(o, 0, sizeof *o);
  o->period = period;
  o->s_window = s_window;
  o->s_degree = 0;
  o->t_degree = 1;
  o->l_degree = 1;
  o->inner = robust ? 1 : 2;
  o->outer = robust ? 15 : 0;
}

cc_stl_result *cc_stl_result_alloc(size_t n) {
  cc_stl_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  size_t size = n ? n : 1;
  r->n = n;
  r->trend = calloc(size, sizeof *r->trend);
  r->seasonal = calloc(size, sizeof *r->seasonal);
  r->remainder = calloc(size, sizeof *r->remainder);
  r->weights = calloc(size, sizeof *r->weights);
  if (!r->trend || !r->seasonal || !r->remainder || !r->weights) {
    cc_stl_result_free(r);
    return NULL;
  }
  return r;
}

void cc_stl_result_free(cc_stl_result *r) {
  if (!r) return;
  free(r->trend), free(r->seasonal), free(r->remainder), free(r->weights), free(r->work);
  free(r);
}

/* R's nextodd: round, then up to the next odd integer. */
static int next_odd(double x) {
  int k = (int)lround(x);
  return k % 2 == 0 ? k + 1 : k;
}

/* One loess value at abscissa xs (0-based, may lie outside the series) from
 * y[nleft..nright] (inclusive), span len, degree deg; robustness weights rw
 * when given. w is scratch of n values. Returns 0 when all weights vanish. */
static int loess_point(const double *y, int n, int len, int deg, double xs, int nleft, int nright, double *w,
                       const double *rw, double *ys) {
  double range = (double)n - 1;
  double h = fmax(xs - nleft, nright - xs);
  if (len > n) h += (double)((len - n) / 2);
  double near = STL_NEAR * h, far = STL_FAR * h, total = 0;
  for (int j = nleft; j <= nright; j++) {
    w[j] = 0;
    double r = fabs(j - xs);
    if (r <= far) {
      if (r <= near) w[j] = 1;
      else {
        double u = r / h;
        w[j] = (1 - u * u * u) * (1 - u * u * u) * (1 - u * u * u);
      }
      if (rw) w[j] *= rw[j];
      total += w[j];
    }
  }
  if (total <= 0) return 0;
  for (int j = nleft; j <= nright; j++) w[j] /= total;
  if (h > 0 && deg > 0) { /* local line: reweight by 1 + b (j - mean) */
    double mean = 0, spread = 0;
    for (int j = nleft; j <= nright; j++) mean += w[j] * j;
    double b = xs - mean;
    for (int j = nleft; j <= nright; j++) spread += w[j] * (j - mean) * (j - mean);
    if (sqrt(spread) > STL_SLOPE_MIN * range) {
      b /= spread;
      for (int j = nleft; j <= nright; j++) w[j] *= b * (j - mean) + 1;
    }
  }
  double value = 0;
  for (int j = nleft; j <= nright; j++) value += w[j] * y[j];
  *ys = value;
  return 1;
}

/* Loess smoothing of y[0..n) into ys, evaluated every jump points and
 * interpolated linearly between; res is scratch of n values. */
static void loess_smooth(const double *y, int n, int len, int deg, int jump, const double *rw, double *ys,
                         double *res) {
  if (n < 2) {
    ys[0] = y[0];
    return;
  }
  int step = jump < n - 1 ? jump : n - 1;
  int nleft = 0, nright = n - 1;
  if (len >= n) {
    for (int i = 0; i < n; i += step)
      if (!loess_point(y, n, len, deg, i, nleft, nright, res, rw, &ys[i])) ys[i] = y[i];
  } else if (step == 1) {
    int half = (len + 1) / 2;
    nright = len - 1;
    for (int i = 0; i < n; i++) {
      if (i + 1 > half && nright != n - 1) nleft++, nright++;
      if (!loess_point(y, n, len, deg, i, nleft, nright, res, rw, &ys[i])) ys[i] = y[i];
    }
  } else {
    int half = (len + 1) / 2;
    for (int i = 0; i < n; i += step) {
      int one_based = i + 1;
      if (one_based < half) nleft = 0, nright = len - 1;
      else if (one_based >= n - half + 1) nleft = n - len, nright = n - 1;
      else nleft = one_based - half, nright = len + one_based - half - 1;
      if (!loess_point(y, n, len, deg, i, nleft, nright, res, rw, &ys[i])) ys[i] = y[i];
    }
  }
  if (step == 1) return;
  for (int i = 0; i < n - step; i += step) {
    double delta = (ys[i + step] - ys[i]) / step;
    for (int j = i + 1; j < i + step; j++) ys[j] = ys[i] + delta * (j - i);
  }
  int last = ((n - 1) / step) * step; /* the last point evaluated */
  if (last != n - 1) {
    if (!loess_point(y, n, len, deg, n - 1, nleft, nright, res, rw, &ys[n - 1])) ys[n - 1] = y[n - 1];
    if (last != n - 2) {
      double delta = (ys[n - 1] - ys[last]) / (n - 1 - last);
      for (int j = last + 1; j < n - 1; j++) ys[j] = ys[last] + delta * (j - last);
    }
  }
}

/* Step 2: smooth each cycle-subseries of y[0..n) and extend it by one value
 * at each end, into season[0..n + 2 period). sub, smooth, sub_rw, res are
 * scratch of n / period + 3 values or more. */
static void cycle_subseries(const double *y, int n, const cc_stl_options *o, const double *rw, double *season,
                            double *sub, double *smooth, double *sub_rw, double *res) {
  int np = o->period, ns = o->s_window;
  for (int j = 0; j < np; j++) {
    int k = (n - 1 - j) / np + 1;
    for (int i = 0; i < k; i++) sub[i] = y[i * np + j];
    if (rw)
      for (int i = 0; i < k; i++) sub_rw[i] = rw[i * np + j];
    const double *weights = rw ? sub_rw : NULL;
    loess_smooth(sub, k, ns, o->s_degree, o->s_jump, weights, smooth + 1, res);
    int right = ns < k ? ns : k;
    if (!loess_point(sub, k, ns, o->s_degree, -1, 0, right - 1, res, weights, &smooth[0])) smooth[0] = smooth[1];
    int left = k - ns > 0 ? k - ns : 0;
    if (!loess_point(sub, k, ns, o->s_degree, k, left, k - 1, res, weights, &smooth[k + 1])) smooth[k + 1] = smooth[k];
    for (int m = 0; m < k + 2; m++) season[m * np + j] = smooth[m];
  }
}

/* Moving average of span len over x[0..n) into ave[0..n - len + 1). */
static void moving_average(const double *x, int n, int len, double *ave) {
  double sum = 0;
  for (int i = 0; i < len; i++) sum += x[i];
  ave[0] = sum / len;
  for (int j = 1; j < n - len + 1; j++) {
    sum += x[j + len - 1] - x[j - 1];
    ave[j] = sum / len;
  }
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Robustness weights from the residuals y - fit; sorted is scratch of n. */
static void robustness_weights(const double *y, int n, const double *fit, double *sorted, double *rw) {
  for (int i = 0; i < n; i++) sorted[i] = fabs(y[i] - fit[i]);
  qsort(sorted, (size_t)n, sizeof *sorted, compare_double);
  int mid1 = n / 2, mid2 = n - (n / 2 + 1); /* 0-based: R's n/2 + 1 and n - that + 1 */
  double scale = STL_MAD_SCALE * 0.5 * (sorted[mid1] + sorted[mid2]);
  double near = STL_NEAR * scale, far = STL_FAR * scale;
  for (int i = 0; i < n; i++) {
    double r = fabs(y[i] - fit[i]);
    if (r <= near) rw[i] = 1;
    else if (r <= far) {
      double u = r / scale;
      rw[i] = (1 - u * u) * (1 - u * u);
    } else rw[i] = 0;
  }
}

/* The inner loop (steps 1-5), inner times, updating trend and seasonal. */
static void inner_loop(const double *y, int n, const cc_stl_options *o, const double *rw, double *work,
                       double *seasonal, double *trend) {
  int np = o->period;
  size_t column = (size_t)n + 2 * (size_t)np;
  double *c1 = work, *c2 = work + column, *c3 = work + 2 * column, *c4 = work + 3 * column;
  double *c5 = work + 4 * column, *c6 = work + 5 * column;
  for (int pass = 0; pass < o->inner; pass++) {
    for (int i = 0; i < n; i++) c1[i] = y[i] - trend[i];
    cycle_subseries(c1, n, o, rw, c2, c3, c4, c5, c6);
    int extended = n + 2 * np;
    moving_average(c2, extended, np, c3);
    moving_average(c3, extended - np + 1, np, c1);
    moving_average(c1, extended - 2 * np + 2, 3, c3);
    loess_smooth(c3, n, o->l_window, o->l_degree, o->l_jump, NULL, c1, c5);
    for (int i = 0; i < n; i++) seasonal[i] = c2[np + i] - c1[i];
    for (int i = 0; i < n; i++) c1[i] = y[i] - seasonal[i];
    loess_smooth(c1, n, o->t_window, o->t_degree, o->t_jump, rw, trend, c3);
  }
}

/* The options as the Fortran routine receives them: windows derived, made
 * odd and at least 3, jumps derived. */
static cc_status resolve_options(const cc_stl_options *in, size_t n, cc_stl_options *o, int *periodic, cc_error *err) {
  *o = *in;
  if (o->period < 2) return cc_error_set(err, CC_EUSAGE, NULL, 0, "period", "STL needs a period of at least 2, not %d", o->period);
  if (o->s_degree < 0 || o->s_degree > 1 || o->t_degree < 0 || o->t_degree > 1 || o->l_degree < 0 || o->l_degree > 1)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "degree", "STL loess degrees must be 0 or 1");
  if (o->s_window < 0 || o->t_window < 0 || o->l_window < 0 || o->s_jump < 0 || o->t_jump < 0 || o->l_jump < 0 ||
      o->inner < 1 || o->outer < 0)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "window", "STL windows and jumps must be positive and inner at least 1");
  *periodic = o->s_window == CC_STL_PERIODIC;
  if (*periodic) o->s_window = STL_PERIODIC_SPAN * (int)n + 1, o->s_degree = 0;
  if (o->t_window == 0) o->t_window = next_odd(ceil(1.5 * o->period / (1 - 1.5 / o->s_window)));
  if (o->l_window == 0) o->l_window = next_odd(o->period);
  if (o->s_jump == 0) o->s_jump = (int)ceil(o->s_window / 10.0);
  if (o->t_jump == 0) o->t_jump = (int)ceil(o->t_window / 10.0);
  if (o->l_jump == 0) o->l_jump = (int)ceil(o->l_window / 10.0);
  int *windows[3] = {&o->s_window, &o->t_window, &o->l_window};
  for (int i = 0; i < 3; i++) {
    if (*windows[i] < 3) *windows[i] = 3;
    if (*windows[i] % 2 == 0) (*windows[i])++;
  }
  return CC_OK;
}

cc_status cc_stl(const double *y, size_t n, const cc_stl_options *options, cc_stl_result *r, cc_error *err) {
  cc_stl_options o;
  int periodic = 0;
  cc_status status = resolve_options(options, n, &o, &periodic, err);
  if (status) return status;
  if (r->n != n) return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "STL result sized for %zu values, not %zu", r->n, n);
  if (n <= 2 * (size_t)o.period)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "STL needs more than two periods: %zu values for period %d", n,
                        o.period);
  for (size_t t = 0; t < n; t++)
    if (!isfinite(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is not finite", t + 1);
  size_t need = STL_COLUMNS * (n + 2 * (size_t)o.period);
  if (r->work_size < need) {
    double *work = realloc(r->work, need * sizeof *work);
    if (!work) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    r->work = work, r->work_size = need;
  }
  int len = (int)n;
  for (size_t t = 0; t < n; t++) r->trend[t] = 0, r->seasonal[t] = 0, r->weights[t] = 1;
  for (int k = 0;; k++) {
    inner_loop(y, len, &o, k > 0 ? r->weights : NULL, r->work, r->seasonal, r->trend);
    if (k >= o.outer) break;
    for (size_t t = 0; t < n; t++) r->remainder[t] = r->trend[t] + r->seasonal[t];
    robustness_weights(y, len, r->remainder, r->work, r->weights);
  }
  if (o.outer <= 0)
    for (size_t t = 0; t < n; t++) r->weights[t] = 1;
  if (periodic) { /* the seasonal values averaged per position in the cycle */
    for (int j = 0; j < o.period; j++) {
      double sum = 0;
      size_t count = 0;
      for (size_t t = (size_t)j; t < n; t += (size_t)o.period) sum += r->seasonal[t], count++;
      for (size_t t = (size_t)j; t < n; t += (size_t)o.period) r->seasonal[t] = sum / (double)count;
    }
  }
  for (size_t t = 0; t < n; t++) r->remainder[t] = y[t] - r->seasonal[t] - r->trend[t];
  return CC_OK;
}
