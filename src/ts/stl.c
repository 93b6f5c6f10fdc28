/* stl.c: STL decomposition (Cleveland, Cleveland, McRae & Terpenning 1990,
 * "STL: A Seasonal-Trend Decomposition Procedure Based on Loess", Journal
 * of Official Statistics 6(1)), step for step as R's stats::stl() computes
 * it, so that seasonal, trend and robustness weights agree with R to
 * rounding.
 *
 * The building block is a loess estimate at one abscissa from a window of
 * neighbouring points with tricube weights (times robustness weights), of
 * degree 0 or 1 (section 2 of the paper). A loess smooth of a series
 * evaluates it every `jump` points and interpolates linearly in between.
 * One inner iteration (section 2.2): detrend; smooth each cycle-subseries
 * with the seasonal loess, one point beyond each end; low-pass filter the
 * result (moving averages of period, period and 3, then a loess) and take
 * the filter away; deseasonalise; smooth the trend. The outer loop
 * recomputes robustness weights B(|r| / (6 median |r|)) with Tukey's
 * biweight B(u) = (1 - u^2)^2 on |u| < 1 (section 2.3). Positions inside
 * the loess routines are 1-based doubles, as the paper writes them. */
#include "carecast/stl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tricube weights: points within this fraction of the bandwidth weigh 1;
 * beyond 0.999 of it they weigh 0 (the STL reference implementation's cut-offs). */
#define STL_NEAR 0.001
#define STL_FAR 0.999
/* A local linear fit is used only when the weighted spread of the window's
 * abscissae exceeds this fraction of the series' range; else local constant. */
#define STL_MIN_SPREAD 0.001
/* Robustness weights: residuals are scaled by 6 median absolute residuals
 * (written 3 (r_(m1) + r_(m2)), the two middle order statistics). */
#define STL_MAD_SCALE 3.0
/* Span of the final moving average of the low-pass filter. */
#define STL_LOW_PASS_LAST 3
/* A periodic seasonal is a seasonal loess with a span this many times the series length, plus one. */
#define STL_PERIODIC_SPAN_FACTOR 10

static int next_odd(double x) {
  int v = (int)lround(x);
  return v % 2 == 0 ? v + 1 : v;
}

static int ceil_div10(int window) { return (int)ceil(window / 10.0); }

void cc_stl_options_default(cc_stl_options *options, int s_window, int robust) {
  memset(options, 0, sizeof *options);
  options->s_window = s_window;
  options->s_degree = 0;
  options->t_degree = 1;
  options->l_degree = -1; /* resolved to t_degree */
  options->inner = robust ? CC_STL_ROBUST_INNER : CC_STL_PLAIN_INNER;
  options->outer = robust ? CC_STL_ROBUST_OUTER : 0;
}

/* Columns of the workspace: five of n + 2 period, then four subseries buffers of n + 2. */
static size_t work_size(size_t n, int period) { return 5 * (n + 2 * (size_t)period) + 4 * (n + 2); }

cc_stl *cc_stl_alloc(size_t n, int period) {
  if (period < 2) return NULL;
  cc_stl *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->n = n;
  d->period = period;
  d->trend = calloc(n ? n : 1, sizeof(double));
  d->seasonal = calloc(n ? n : 1, sizeof(double));
  d->remainder = calloc(n ? n : 1, sizeof(double));
  d->weights = calloc(n ? n : 1, sizeof(double));
  d->work = calloc(work_size(n, period), sizeof(double));
  if (!d->trend || !d->seasonal || !d->remainder || !d->weights || !d->work) {
    cc_stl_free(d);
    return NULL;
  }
  return d;
}

void cc_stl_free(cc_stl *d) {
  if (!d) return;
  free(d->trend);
  free(d->seasonal);
  free(d->remainder);
  free(d->weights);
  free(d->work);
  free(d);
}

/* Loess estimate at abscissa xs (1-based) from points nleft..nright
 * (1-based, inclusive) of y[0..n) with span len and degree 0 or 1. w is
 * scratch of n; rw the robustness weights when use_rw. Returns 0 when every
 * weight is zero (no estimate), 1 with *ys set otherwise. */
static int loess_at(const double *y, size_t n, int len, int degree, double xs, size_t nleft, size_t nright, double *w,
                    int use_rw, const double *rw, double *ys) {
  double range = (double)n - 1.0;
  double h = fmax(xs - (double)nleft, (double)nright - xs);
  if ((size_t)len > n) h += (double)(((size_t)len - n) / 2);
  double h_far = STL_FAR * h, h_near = STL_NEAR * h, total = 0.0;
  for (size_t j = nleft; j <= nright; j++) {
    double r = fabs((double)j - xs);
    double wj = 0.0;
    if (r <= h_far) {
      wj = r <= h_near ? 1.0 : pow(1.0 - pow(r / h, 3), 3);
      if (use_rw) wj *= rw[j - 1];
      total += wj;
    }
    w[j - 1] = wj;
  }
  if (total <= 0.0) return 0;
  for (size_t j = nleft; j <= nright; j++) w[j - 1] /= total;
  if (h > 0.0 && degree > 0) {
    double mean = 0.0, spread = 0.0;
    for (size_t j = nleft; j <= nright; j++) mean += w[j - 1] * (double)j;
    double slope = xs - mean;
    for (size_t j = nleft; j <= nright; j++) spread += w[j - 1] * ((double)j - mean) * ((double)j - mean);
    if (sqrt(spread) > STL_MIN_SPREAD * range) {
      slope /= spread;
      for (size_t j = nleft; j <= nright; j++) w[j - 1] *= slope * ((double)j - mean) + 1.0;
    }
  }
  double sum = 0.0;
  for (size_t j = nleft; j <= nright; j++) sum += w[j - 1] * y[j - 1];
  *ys = sum;
  return 1;
}

/* Loess smooth of y[0..n) into ys: estimates every `jump` points, linear
 * interpolation between them, and the last point always estimated. w is scratch of n. */
static void loess_smooth(const double *y, size_t n, int len, int degree, int jump, int use_rw, const double *rw,
                         double *ys, double *w) {
  if (n < 2) {
    ys[0] = y[0];
    return;
  }
  size_t step = (size_t)jump < n - 1 ? (size_t)jump : n - 1;
  size_t nleft = 1, nright = n;
  size_t half = ((size_t)len + 1) / 2;
  if ((size_t)len >= n) {
    for (size_t i = 1; i <= n; i += step)
      if (!loess_at(y, n, len, degree, (double)i, nleft, nright, w, use_rw, rw, &ys[i - 1])) ys[i - 1] = y[i - 1];
  } else if (step == 1) {
    nright = (size_t)len;
    for (size_t i = 1; i <= n; i++) {
      if (i > half && nright != n) {
        nleft++;
        nright++;
      }
      if (!loess_at(y, n, len, degree, (double)i, nleft, nright, w, use_rw, rw, &ys[i - 1])) ys[i - 1] = y[i - 1];
    }
  } else {
    for (size_t i = 1; i <= n; i += step) {
      if (i < half) {
        nleft = 1;
        nright = (size_t)len;
      } else if (i >= n - half + 1) {
        nleft = n - (size_t)len + 1;
        nright = n;
      } else {
        nleft = i - half + 1;
        nright = (size_t)len + i - half;
      }
      if (!loess_at(y, n, len, degree, (double)i, nleft, nright, w, use_rw, rw, &ys[i - 1])) ys[i - 1] = y[i - 1];
    }
  }
  if (step == 1) return;
  for (size_t i = 1; i + step <= n; i += step) {
    double delta = (ys[i + step - 1] - ys[i - 1]) / (double)step;
    for (size_t j = i + 1; j < i + step; j++) ys[j - 1] = ys[i - 1] + delta * (double)(j - i);
  }
  size_t last = ((n - 1) / step) * step + 1;
  if (last == n) return;
  /* The last point is estimated from the window of the last computed one, as the reference does. */
  if (!loess_at(y, n, len, degree, (double)n, nleft, nright, w, use_rw, rw, &ys[n - 1])) ys[n - 1] = y[n - 1];
  if (last != n - 1) {
    double delta = (ys[n - 1] - ys[last - 1]) / (double)(n - last);
    for (size_t j = last + 1; j < n; j++) ys[j - 1] = ys[last - 1] + delta * (double)(j - last);
  }
}

/* Running mean of span len: ave[0..n-len] from x[0..n). */
static void moving_average(const double *x, size_t n, size_t len, double *ave) {
  double sum = 0.0;
  for (size_t i = 0; i < len; i++) sum += x[i];
  ave[0] = sum / (double)len;
  for (size_t j = 1; j + len <= n; j++) {
    sum += x[j + len - 1] - x[j - 1];
    ave[j] = sum / (double)len;
  }
}

/* Low-pass filter of x[0..n) (n = series length + 2 period): moving averages
 * of spans period, period and 3, giving n - 2 period values in out. */
static void low_pass(const double *x, size_t n, size_t period, double *out, double *scratch) {
  moving_average(x, n, period, out);
  moving_average(out, n - period + 1, period, scratch);
  moving_average(scratch, n - 2 * period + 2, STL_LOW_PASS_LAST, out);
}

/* The scratch buffers of one decomposition. */
typedef struct stl_work {
  double *col[5];         /* five columns of n + 2 period */
  double *sub_y, *sub_fit, *sub_rw, *sub_w; /* cycle-subseries buffers of n + 2 */
} stl_work;

/* Seasonal loess of each cycle-subseries of y, extended one cycle beyond
 * each end: season gets n + 2 period values (stlss). */
static void smooth_subseries(const double *y, size_t n, size_t period, const cc_stl_options *o, int use_rw,
                             const double *rw, double *season, stl_work *wk) {
  for (size_t j = 0; j < period; j++) {
    size_t k = (n - 1 - j) / period + 1;
    for (size_t i = 0; i < k; i++) {
      wk->sub_y[i] = y[i * period + j];
      if (use_rw) wk->sub_rw[i] = rw[i * period + j];
    }
    loess_smooth(wk->sub_y, k, o->s_window, o->s_degree, o->s_jump, use_rw, wk->sub_rw, wk->sub_fit + 1, wk->sub_w);
    size_t nright = (size_t)o->s_window < k ? (size_t)o->s_window : k;
    if (!loess_at(wk->sub_y, k, o->s_window, o->s_degree, 0.0, 1, nright, wk->sub_w, use_rw, wk->sub_rw,
                  &wk->sub_fit[0]))
      wk->sub_fit[0] = wk->sub_fit[1];
    size_t nleft = k > (size_t)o->s_window ? k - (size_t)o->s_window + 1 : 1;
    if (!loess_at(wk->sub_y, k, o->s_window, o->s_degree, (double)(k + 1), nleft, k, wk->sub_w, use_rw, wk->sub_rw,
                  &wk->sub_fit[k + 1]))
      wk->sub_fit[k + 1] = wk->sub_fit[k];
    for (size_t m = 0; m < k + 2; m++) season[m * period + j] = wk->sub_fit[m];
  }
}

/* The inner loop (stlstp): o->inner passes updating seasonal and trend. */
static void inner_loop(const double *y, size_t n, size_t period, const cc_stl_options *o, int use_rw, const double *rw,
                       double *seasonal, double *trend, stl_work *wk) {
  double **c = wk->col;
  for (int pass = 0; pass < o->inner; pass++) {
    for (size_t i = 0; i < n; i++) c[0][i] = y[i] - trend[i];
    smooth_subseries(c[0], n, period, o, use_rw, rw, c[1], wk);
    low_pass(c[1], n + 2 * period, period, c[2], c[0]);
    loess_smooth(c[2], n, o->l_window, o->l_degree, o->l_jump, 0, c[3], c[0], c[4]);
    for (size_t i = 0; i < n; i++) seasonal[i] = c[1][period + i] - c[0][i];
    for (size_t i = 0; i < n; i++) c[0][i] = y[i] - seasonal[i];
    loess_smooth(c[0], n, o->t_window, o->t_degree, o->t_jump, use_rw, rw, trend, c[2]);
  }
}

/* The partial quicksort of the STL reference implementation (Singleton's
 * algorithm restricted to the segments holding the wanted positions).
 * Reproduced step for step rather than replaced by a full sort because,
 * for an even n, the two middle positions are requested in decreasing
 * order, which this bookkeeping assumes increasing: the values it leaves at
 * those positions are then not always the true order statistics, and R's
 * robustness weights (hence its robust decompositions) follow from exactly
 * those values. a and want are 1-based (a[1..n], want[1..n_want]). */
static void reference_partial_sort(double *a, long n, const long *want, long n_want) {
  long seg_lo[17], seg_hi[17], want_lo[17], want_hi[17];
  long i = 1, j = n, m = 1, jl = 1, ju = n_want, k, l, mid, p;
  double t, tt;
  if (n < 2 || n_want == 0) return;
  want_lo[1] = 1;
  want_hi[1] = n_want;
next_segment:
  if (i < j) goto partition;
pop:
  m--;
  if (m == 0) return;
  i = seg_lo[m];
  j = seg_hi[m];
  jl = want_lo[m];
  ju = want_hi[m];
  if (jl > ju) goto pop;
large:
  if (j - i <= 10) goto small;
partition:
  k = i;
  mid = (i + j) / 2;
  t = a[mid];
  if (a[i] > t) {
    a[mid] = a[i];
    a[i] = t;
    t = a[mid];
  }
  l = j;
  if (a[j] < t) {
    a[mid] = a[j];
    a[j] = t;
    t = a[mid];
    if (a[i] > t) {
      a[mid] = a[i];
      a[i] = t;
      t = a[mid];
    }
  }
  for (;;) {
    l--;
    if (a[l] <= t) {
      tt = a[l];
      do k++;
      while (!(a[k] >= t));
      if (k > l) break;
      a[l] = a[k];
      a[k] = tt;
    }
  }
  want_lo[m] = jl;
  want_hi[m] = ju;
  p = m;
  m++;
  if (l - i <= j - k) {
    seg_lo[p] = k;
    seg_hi[p] = j;
    j = l;
    for (;;) {
      if (jl > ju) goto pop;
      if (want[ju] > j) ju--;
      else break;
    }
    want_lo[p] = ju + 1;
  } else {
    seg_lo[p] = i;
    seg_hi[p] = l;
    i = k;
    for (;;) {
      if (jl > ju) goto pop;
      if (want[jl] < i) jl++;
      else break;
    }
    want_hi[p] = jl - 1;
  }
  goto large;
small:
  if (i == 1) goto next_segment;
  /* Straight insertion; a[i - 1] bounds the segment from below. */
  for (i--;;) {
    i++;
    if (i == j) goto pop;
    t = a[i + 1];
    if (a[i] > t) {
      k = i;
      do {
        a[k + 1] = a[k];
        k--;
      } while (!(t >= a[k]));
      a[k + 1] = t;
    }
  }
}

/* Robustness weights from the fit (seasonal + trend) in fit; sorted is scratch of n. */
static void robustness_weights(const double *y, size_t n, const double *fit, double *rw, double *sorted) {
  for (size_t i = 0; i < n; i++) sorted[i] = fabs(y[i] - fit[i]);
  long middle[3] = {0, (long)n / 2 + 1, 0}; /* 1-based; middle[1] >= middle[2] */
  middle[2] = (long)n - middle[1] + 1;
  reference_partial_sort(sorted - 1, (long)n, middle, 2); /* sorted is never the start of its buffer */
  double cmad = STL_MAD_SCALE * (sorted[middle[1] - 1] + sorted[middle[2] - 1]);
  double c_far = STL_FAR * cmad, c_near = STL_NEAR * cmad;
  for (size_t i = 0; i < n; i++) {
    double r = fabs(y[i] - fit[i]);
    if (r <= c_near) rw[i] = 1.0;
    else if (r <= c_far) rw[i] = (1.0 - (r / cmad) * (r / cmad)) * (1.0 - (r / cmad) * (r / cmad));
    else rw[i] = 0.0;
  }
}

/* Fill the options left at their defaults (0) for a series of n values. */
static void resolve_options(const cc_stl_options *in, size_t n, int period, cc_stl_options *o, int *periodic) {
  *o = *in;
  *periodic = o->s_window == CC_STL_PERIODIC;
  if (*periodic) {
    o->s_window = STL_PERIODIC_SPAN_FACTOR * (int)n + 1;
    o->s_degree = 0;
  }
  if (o->t_window <= 0) o->t_window = next_odd(ceil(1.5 * period / (1.0 - 1.5 / o->s_window)));
  if (o->l_window <= 0) o->l_window = next_odd(period);
  if (o->l_degree < 0) o->l_degree = o->t_degree;
  if (o->s_jump <= 0) o->s_jump = ceil_div10(o->s_window);
  if (o->t_jump <= 0) o->t_jump = ceil_div10(o->t_window);
  if (o->l_jump <= 0) o->l_jump = ceil_div10(o->l_window);
  /* The spans must be odd and at least 3. */
  int *spans[3] = {&o->s_window, &o->t_window, &o->l_window};
  for (int i = 0; i < 3; i++) {
    if (*spans[i] < 3) *spans[i] = 3;
    if (*spans[i] % 2 == 0) (*spans[i])++;
  }
}

cc_status cc_stl_decompose(const double *y, size_t n, int period, const cc_stl_options *options, cc_stl *d,
                           cc_error *err) {
  if (!d || d->n != n || d->period != period)
    return cc_error_set(err, CC_EINTERNAL, NULL, 0, "stl", "decomposition allocated for another length or period");
  if (period < 2 || n <= 2 * (size_t)period)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "stl", "series is not periodic or has less than two periods (n = %zu, period = %d)",
                        n, period);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i])) return cc_error_set(err, CC_EINPUT, NULL, 0, "stl", "value %zu is missing or not finite", i + 1);
  cc_stl_options defaults, o;
  if (!options) {
    cc_stl_options_default(&defaults, CC_STL_PERIODIC, 0);
    options = &defaults;
  }
  int periodic = 0;
  resolve_options(options, n, period, &o, &periodic);
  size_t p = (size_t)period, col_len = n + 2 * p;
  stl_work wk;
  for (int c = 0; c < 5; c++) wk.col[c] = d->work + (size_t)c * col_len;
  double *sub = d->work + 5 * col_len;
  wk.sub_y = sub;
  wk.sub_fit = sub + (n + 2);
  wk.sub_rw = sub + 2 * (n + 2);
  wk.sub_w = sub + 3 * (n + 2);
  for (size_t i = 0; i < n; i++) d->trend[i] = 0.0;
  int use_rw = 0;
  for (int k = 0;; k++) {
    inner_loop(y, n, p, &o, use_rw, d->weights, d->seasonal, d->trend, &wk);
    if (k >= o.outer) break;
    for (size_t i = 0; i < n; i++) wk.col[0][i] = d->trend[i] + d->seasonal[i];
    robustness_weights(y, n, wk.col[0], d->weights, wk.col[1]);
    use_rw = 1;
  }
  if (o.outer <= 0)
    for (size_t i = 0; i < n; i++) d->weights[i] = 1.0;
  if (periodic) {
    /* Every cycle gets the mean seasonal of its position. */
    for (size_t j = 0; j < p; j++) {
      double sum = 0.0;
      size_t count = 0;
      for (size_t i = j; i < n; i += p, count++) sum += d->seasonal[i];
      for (size_t i = j; i < n; i += p) d->seasonal[i] = sum / (double)count;
    }
  }
  for (size_t i = 0; i < n; i++) d->remainder[i] = y[i] - d->seasonal[i] - d->trend[i];
  return CC_OK;
}
