/* supsmu.c: Friedman's super smoother (Friedman 1984), computed as R's
 * stats::supsmu() does (its constants are the single-precision values of
 * the reference implementation, converted to double, so that results agree
 * with R to rounding).
 *
 * The running-lines smoother keeps the weighted means, variance and
 * covariance of a window of 2k + 1 neighbours updated as the window slides
 * (fixed at the ends of the series); with cross-validation it also returns
 * |y_j - s_j| / (1 - w_j h_j), the leave-one-out residual, h_j the
 * leverage of point j in its window's line. */
#include "carecast/supsmu.h"

#include <math.h>
#include <string.h>

/* The three spans (fractions of n) and constants of the reference code, as single precision. */
static const double TWEETER = (double)0.05f, MIDRANGE = (double)0.2f, WOOFER = (double)0.5f;
#define SUPSMU_BIG ((double)1.0e20f) /* larger than any residual */
#define SUPSMU_SML ((double)1.0e-7f) /* floor of the residual ratio in the bass adjustment */
#define SUPSMU_EPS ((double)1.0e-3f) /* slopes need a window variance above (eps x interquartile x range)^2 */
#define SUPSMU_BASS_MAX 10.0         /* bass control acts on (0, 10] */
#define SUPSMU_MIN_HALF_WINDOW 2     /* a window holds at least 2 neighbours each side */

/* Running weighted moments of a window. */
typedef struct window_moments {
  double sum_w, mean_x, mean_y, var, cov;
} window_moments;

static void window_add(window_moments *m, double x, double y, double w) {
  double before = m->sum_w;
  m->sum_w += w;
  if (m->sum_w > 0.0) {
    m->mean_x = (before * m->mean_x + w * x) / m->sum_w;
    m->mean_y = (before * m->mean_y + w * y) / m->sum_w;
  }
  double t = before > 0.0 ? m->sum_w * w * (x - m->mean_x) / before : 0.0;
  m->var += t * (x - m->mean_x);
  m->cov += t * (y - m->mean_y);
}

static void window_remove(window_moments *m, double x, double y, double w) {
  double before = m->sum_w;
  m->sum_w -= w;
  double t = m->sum_w > 0.0 ? before * w * (x - m->mean_x) / m->sum_w : 0.0;
  m->var -= t * (x - m->mean_x);
  m->cov -= t * (y - m->mean_y);
  if (m->sum_w > 0.0) {
    m->mean_x = (before * m->mean_x - w * x) / m->sum_w;
    m->mean_y = (before * m->mean_y - w * y) / m->sum_w;
  }
}

/* Running-lines smooth of y on x with the given span into smooth; when cv
 * is not NULL, the cross-validated absolute residuals into cv. */
static void running_lines(const double *x, const double *y, const double *w, size_t n, double span, double min_var,
                          double *smooth, double *cv) {
  size_t half = (size_t)(0.5 * span * (double)n + 0.5);
  if (half < SUPSMU_MIN_HALF_WINDOW) half = SUPSMU_MIN_HALF_WINDOW;
  size_t width = 2 * half + 1;
  if (width > n) width = n;
  window_moments m = {0};
  for (size_t i = 0; i < width; i++) window_add(&m, x[i], y[i], w[i]);
  for (size_t j = 0; j < n; j++) {
    /* Slide when the whole window [j - half, j + half] fits in the series. */
    if (j >= half + 1 && j + half < n) {
      size_t out = j - half - 1, in = j + half;
      window_remove(&m, x[out], y[out], w[out]);
      window_add(&m, x[in], y[in], w[in]);
    }
    double slope = m.var > min_var ? m.cov / m.var : 0.0;
    smooth[j] = slope * (x[j] - m.mean_x) + m.mean_y;
    if (!cv) continue;
    double leverage = m.sum_w > 0.0 ? 1.0 / m.sum_w : 0.0;
    if (m.var > min_var) leverage += (x[j] - m.mean_x) * (x[j] - m.mean_x) / m.var;
    double denominator = 1.0 - w[j] * leverage;
    if (denominator > 0.0) cv[j] = fabs(y[j] - smooth[j]) / denominator;
    else cv[j] = j > 0 ? cv[j - 1] : 0.0;
  }
  /* Points with the same x share the weighted mean of their smooths. */
  for (size_t j = 0; j < n;) {
    size_t end = j;
    double sum = smooth[j] * w[j], sum_w = w[j];
    while (end + 1 < n && !(x[end + 1] > x[end])) {
      end++;
      sum += w[end] * smooth[end];
      sum_w += w[end];
    }
    if (end > j) {
      double mean = sum_w > 0.0 ? sum / sum_w : 0.0;
      for (size_t i = j; i <= end; i++) smooth[i] = mean;
    }
    j = end + 1;
  }
}

cc_status cc_supsmu(const double *x, const double *y, const double *w, size_t n, double span, double bass,
                    double *smooth, double *work, cc_error *err) {
  if (n < CC_SUPSMU_MIN_N)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "supsmu", "%zu points; the super smoother needs at least %d", n,
                        CC_SUPSMU_MIN_N);
  if (!(span >= 0.0 && span <= 1.0))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "span", "span %g is not in [0, 1]", span);
  double *sc[7];
  for (int c = 0; c < 7; c++) sc[c] = work + (size_t)c * n;
  double *ones = work + 7 * n;
  if (!w) {
    for (size_t i = 0; i < n; i++) ones[i] = 1.0;
    w = ones;
  }
  if (!(x[n - 1] > x[0])) {
    double sum = 0.0, sum_w = 0.0;
    for (size_t i = 0; i < n; i++) {
      sum += w[i] * y[i];
      sum_w += w[i];
    }
    for (size_t i = 0; i < n; i++) smooth[i] = sum_w > 0.0 ? sum / sum_w : 0.0;
    return CC_OK;
  }
  /* Scale of x: the interquartile distance (1-based positions n/4 and 3n/4), widened until positive. */
  size_t lo = n / 4, hi = 3 * lo;
  double scale = x[hi - 1] - x[lo - 1];
  while (!(scale > 0.0)) {
    if (hi < n) hi++;
    if (lo > 1) lo--;
    scale = x[hi - 1] - x[lo - 1];
  }
  double min_var = (SUPSMU_EPS * scale) * (SUPSMU_EPS * scale);
  if (span > 0.0) {
    running_lines(x, y, w, n, span, min_var, smooth, NULL);
    return CC_OK;
  }
  const double spans[3] = {TWEETER, MIDRANGE, WOOFER};
  for (int i = 0; i < 3; i++) {
    running_lines(x, y, w, n, spans[i], min_var, sc[2 * i], sc[6]);
    running_lines(x, sc[6], w, n, MIDRANGE, min_var, sc[2 * i + 1], NULL);
  }
  for (size_t j = 0; j < n; j++) {
    double best = SUPSMU_BIG;
    for (int i = 0; i < 3; i++)
      if (sc[2 * i + 1][j] < best) {
        best = sc[2 * i + 1][j];
        sc[6][j] = spans[i];
      }
    if (bass > 0.0 && bass <= SUPSMU_BASS_MAX && best < sc[5][j] && best > 0.0)
      sc[6][j] += (WOOFER - sc[6][j]) * pow(fmax(SUPSMU_SML, best / sc[5][j]), SUPSMU_BASS_MAX - bass);
  }
  running_lines(x, sc[6], w, n, MIDRANGE, min_var, sc[1], NULL);
  for (size_t j = 0; j < n; j++) {
    double chosen = fmin(fmax(sc[1][j], TWEETER), WOOFER);
    double f = chosen - MIDRANGE;
    if (f < 0.0) {
      f = -f / (MIDRANGE - TWEETER);
      sc[3][j] = (1.0 - f) * sc[2][j] + f * sc[0][j];
    } else {
      f = f / (WOOFER - MIDRANGE);
      sc[3][j] = (1.0 - f) * sc[2][j] + f * sc[4][j];
    }
  }
  running_lines(x, sc[3], w, n, TWEETER, min_var, smooth, NULL);
  return CC_OK;
}
