/* breaks.c: the sup-F test for one structural break, its long-run variance
 * and the step regressor (see breaks.h). The regressions are one- or
 * two-parameter least squares, computed from running sums so that every
 * candidate costs O(n); the long-run variance is computed once, O(n^2) at
 * most, with every residual recomputed from the sums so that nothing is
 * allocated. */
#include "carecast/breaks.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <math.h>

/* Hansen (1997)'s response surface for the supF test, as distributed with
 * strucchange (sc.beta.sup): for k regressors, 25 rows (tau = 0.49, 0.47,
 * ..., 0.01 in steps of 0.02 from the middle out) of (beta0, beta1, degrees
 * of freedom); the p-value at a row is the chi-square upper tail of
 * max(0, beta0 + beta1 F) with those degrees of freedom. */
#define HANSEN_ROWS 25
static const double hansen_sup[CC_BREAK_MAX_REGRESSORS][HANSEN_ROWS][3] = {
    {{-0.0648467, 0.99671156, 1.2573241},   {-0.15305667, 0.96757645, 1.43651315}, {-0.23071675, 0.95825013, 1.56531261},
     {-0.29247661, 0.95715782, 1.68851898}, {-0.35706588, 0.95237505, 1.77889686}, {-0.40514715, 0.96055795, 1.89761322},
     {-0.45248386, 0.95810999, 1.98370422}, {-0.50458517, 0.96149538, 2.07086519}, {-0.55009159, 0.96684273, 2.17244338},
     {-0.60241623, 0.96518399, 2.23509053}, {-0.64308746, 0.97354902, 2.33722161}, {-0.68833676, 0.97829106, 2.42776524},
     {-0.73136161, 0.9820687, 2.50833918},  {-0.78078198, 0.99475319, 2.6209551},  {-0.82894221, 1.00023473, 2.70286643},
     {-0.88430133, 1.00162529, 2.77835798}, {-0.9499265, 1.00384268, 2.84325795},  {-0.98828874, 1.01604712, 2.96752918},
     {-1.04892713, 1.02570939, 3.08442682}, {-1.11527783, 1.03526033, 3.19770394}, {-1.14992644, 1.06643436, 3.44739573},
     {-1.24010871, 1.06929468, 3.54993605}, {-1.38522113, 1.06808543, 3.61667211}, {-1.48296473, 1.1283969, 4.07202473},
     {-1.78738608, 1.17220925, 4.4726701}},
    {{-0.03933112, 0.99525784, 2.44239332}, {-0.14650989, 0.9938654, 2.78837829},  {-0.28765583, 0.98139359, 2.93724618},
     {-0.35528752, 0.9942739, 3.18187129},  {-0.49538961, 0.96923268, 3.19484388}, {-0.58780544, 0.97339124, 3.32763253},
     {-0.66900489, 0.97444133, 3.44170617}, {-0.77825803, 0.96678414, 3.48652761}, {-0.87260977, 0.97626434, 3.61709836},
     {-0.96782445, 0.97636983, 3.6779502},  {-1.07358977, 0.97407744, 3.71945379}, {-1.12531079, 0.99897105, 3.95114475},
     {-1.16041007, 1.01629918, 4.14932643}, {-1.2975797, 1.015268, 4.17103882},    {-1.36743697, 1.03004743, 4.3223804},
     {-1.43012785, 1.05139461, 4.53836755}, {-1.53311747, 1.05280599, 4.61175851}, {-1.65273586, 1.05932633, 4.69340428},
     {-1.79350728, 1.04936541, 4.68380985}, {-1.9117747, 1.0588459, 4.8073354},    {-2.02659329, 1.07200268, 4.97772701},
     {-2.18499383, 1.08674781, 5.14231666}, {-2.3765858, 1.11342895, 5.40268693},  {-2.51267262, 1.15305027, 5.88573096},
     {-3.05559851, 1.17629253, 6.11067794}}};

/* Hansen's table spans tau from HANSEN_TAU_MIN to HANSEN_TAU_MAX; tau = 0.5 is the pointwise chi-square. */
#define HANSEN_TAU_MIN 0.01
#define HANSEN_TAU_MAX 0.49
#define HANSEN_TAU_MIDDLE 0.5
#define HANSEN_TAU_STEPS 50.0 /* rows per unit of tau: one row every 0.02 */

static double hansen_row(double statistic, int k, int row) {
  const double *b = hansen_sup[k - 1][row];
  double x = b[0] + b[1] * statistic;
  if (x < 0.0) x = 0.0;
  return gsl_cdf_chisq_Q(x, b[2]);
}

double cc_break_supf_pvalue(double statistic, int k, double lambda) {
  if (k < 1 || k > CC_BREAK_MAX_REGRESSORS) return NAN;
  double tau = lambda < 1.0 ? lambda : 1.0 / (1.0 + sqrt(lambda));
  double pointwise = gsl_cdf_chisq_Q(statistic, k);
  if (tau == HANSEN_TAU_MIDDLE) return pointwise;
  if (tau <= HANSEN_TAU_MIN) return hansen_row(statistic, k, HANSEN_ROWS - 1);
  if (tau >= HANSEN_TAU_MAX)
    return ((HANSEN_TAU_MIDDLE - tau) * hansen_row(statistic, k, 0) + (tau - HANSEN_TAU_MAX) * pointwise) * 100.0;
  double position = (HANSEN_TAU_MAX + 0.02 - tau) * HANSEN_TAU_STEPS; /* 1-based row, fractional */
  double lower = floor(position);
  int row = (int)lower - 1;
  return (lower + 1.0 - position) * hansen_row(statistic, k, row) + (position - lower) * hansen_row(statistic, k, row + 1);
}

/* Sums of a segment for least squares on (1, t). */
typedef struct segment_sums {
  double count, t, tt, y, ty, yy;
} segment_sums;

static void sums_add(segment_sums *s, double t, double y, double sign) {
  s->count += sign;
  s->t += sign * t;
  s->tt += sign * t * t;
  s->y += sign * y;
  s->ty += sign * t * y;
  s->yy += sign * y * y;
}

/* Residual sum of squares of the segment's regression on 1 (k = 1) or (1, t) (k = 2). */
static double segment_rss(const segment_sums *s, int k) {
  double syy = s->yy - s->y * s->y / s->count;
  if (k == 1) return syy > 0.0 ? syy : 0.0;
  double stt = s->tt - s->t * s->t / s->count, sty = s->ty - s->t * s->y / s->count;
  double rss = stt > 0.0 ? syy - sty * sty / stt : syy;
  return rss > 0.0 ? rss : 0.0;
}

/* The segment's fitted value at time t. */
static double segment_fit(const segment_sums *s, int k, double t) {
  double mean_y = s->y / s->count;
  if (k == 1) return mean_y;
  double mean_t = s->t / s->count, stt = s->tt - s->t * s->t / s->count, sty = s->ty - s->t * s->y / s->count;
  double slope = stt > 0.0 ? sty / stt : 0.0;
  return mean_y + slope * (t - mean_t);
}

/* RSS of the two segments [0, point) and [point, n): recomputed from scratch for accuracy. */
static double split_rss(const double *y, size_t n, size_t point, int k, segment_sums *first, segment_sums *second) {
  *first = (segment_sums){0};
  *second = (segment_sums){0};
  for (size_t t = 0; t < n; t++) sums_add(t < point ? first : second, (double)(t + 1), y[t], 1.0);
  return segment_rss(first, k) + segment_rss(second, k);
}

/* The value of the quadratic spectral kernel at x (Andrews 1991, eq. 2.7; 1 at 0). */
static double qs_kernel(double x) {
  if (x == 0.0) return 1.0;
  double z = CC_BREAK_QS_FREQUENCY * M_PI * x;
  return CC_BREAK_QS_SCALE / (M_PI * M_PI * x * x) * (sin(z) / z - cos(z));
}

/* u[t] of a residual source: the stored residual, or y minus the fit of
 * `fit` before `point` and of `after` from it (one segment: after = fit). */
typedef struct residuals {
  const double *values;       /* y, or the residuals themselves when fit is NULL */
  const segment_sums *fit;    /* the regression whose residuals are meant (the first segment's), or NULL */
  const segment_sums *after;  /* the second segment's regression */
  size_t point;               /* first index of the second segment */
  int k;                      /* regressors per segment */
} residuals;

static double residual_at(const residuals *r, size_t t) {
  if (!r->fit) return r->values[t];
  return r->values[t] - segment_fit(t < r->point ? r->fit : r->after, r->k, (double)(t + 1));
}

/* e[t] = u[t + 1] - rho u[t], t = 0 .. n - 2: the residuals prewhitened by their AR(1). */
static double prewhitened_at(const residuals *r, double rho, size_t t) {
  return residual_at(r, t + 1) - rho * residual_at(r, t);
}

/* The AR(1) coefficient the residuals are prewhitened with, without intercept
 * (Andrews & Monahan 1992; sandwich's ar(demean = FALSE)); NaN when the
 * regression fits exactly (no residual at all). */
static double prewhiten_coefficient(const residuals *r, size_t n) {
  double cross = 0.0, lagged = 0.0;
  for (size_t t = 1; t < n; t++) {
    double u = residual_at(r, t), v = residual_at(r, t - 1);
    cross += u * v;
    lagged += v * v;
  }
  return lagged > 0.0 ? cross / lagged : NAN;
}

/* The long-run variance of r's residuals prewhitened by rho (prewhiten_coefficient's). */
static double long_run_variance(const residuals *r, size_t n, size_t params, double rho) {
  if (isnan(rho)) return 0.0; /* the regression fits exactly */
  if (fabs(1.0 - rho) < CC_BREAK_UNIT_ROOT_GAP) return INFINITY;
  /* Andrews' AR(1) plug-in bandwidth from the prewhitened residuals, whose AR(1) has an intercept (sandwich's bwAndrews). */
  size_t m = n - 1;
  segment_sums pairs = {0}; /* (e[t - 1], e[t]) as (t, y) of a regression with intercept */
  for (size_t t = 1; t < m; t++) sums_add(&pairs, prewhitened_at(r, rho, t - 1), prewhitened_at(r, rho, t), 1.0);
  double sxx = pairs.tt - pairs.t * pairs.t / pairs.count, sxy = pairs.ty - pairs.t * pairs.y / pairs.count;
  double rho_e = sxx > 0.0 ? sxy / sxx : 0.0;
  double alpha2 = 4.0 * rho_e * rho_e / pow(1.0 - rho_e, 4.0);
  double bandwidth = CC_BREAK_QS_BANDWIDTH * pow((double)m * alpha2, CC_BREAK_QS_BANDWIDTH_POWER);
  /* Kernel-weighted autocovariances, the weights cut after the last one above CC_BREAK_KERNEL_TOLERANCE. */
  size_t lags = 0;
  for (size_t j = 1; j < m; j++)
    if (bandwidth > 0.0 && fabs(qs_kernel((double)j / bandwidth)) > CC_BREAK_KERNEL_TOLERANCE) lags = j;
  double total = 0.0;
  for (size_t j = 0; j <= lags; j++) {
    double gamma = 0.0;
    for (size_t t = j; t < m; t++) gamma += prewhitened_at(r, rho, t) * prewhitened_at(r, rho, t - j);
    double weight = isfinite(bandwidth) ? qs_kernel((double)j / bandwidth) : 1.0;
    total += (j == 0 ? 1.0 : 2.0) * weight * gamma;
  }
  /* Recolour: the long-run variance of u is that of e over (1 - rho)^2. */
  return total / ((1.0 - rho) * (1.0 - rho)) / (double)(n - params);
}

double cc_break_long_run_variance(const double *u, size_t n, size_t params) {
  if (n < CC_BREAK_LRV_MIN_N || params >= n) return NAN;
  residuals r = {u, NULL, NULL, 0, 0};
  return long_run_variance(&r, n, params, prewhiten_coefficient(&r, n));
}

/* The robust test's variance (breaks.h): the residuals at the least-squares
 * break decide; out gets the variance chosen, its AR(1) and where it came from. */
static double robust_variance(const double *y, size_t n, int k, size_t absorbed, const segment_sums *all,
                              const segment_sums *first, const segment_sums *second, cc_break_test *out) {
  residuals split = {y, first, second, out->breakpoint, k};
  double split_ar = n >= CC_BREAK_SPLIT_MIN_N ? prewhiten_coefficient(&split, n) : NAN;
  if (split_ar <= CC_BREAK_SPLIT_MAX_AR) {
    double split_lrv = long_run_variance(&split, n, 2 * (size_t)k + absorbed, split_ar);
    double plain = out->residual_sd * out->residual_sd;
    out->under_break = 1;
    out->prewhiten_ar = split_ar;
    out->long_run_variance = split_lrv > plain ? split_lrv : plain;
  } else {
    residuals null_residuals = {y, all, all, 0, k};
    out->prewhiten_ar = prewhiten_coefficient(&null_residuals, n);
    out->long_run_variance = long_run_variance(&null_residuals, n, (size_t)k + absorbed, out->prewhiten_ar);
  }
  return out->long_run_variance;
}

size_t cc_break_deseasonalise(const double *y, size_t n, int period, double *out) {
  size_t seasons = period > 1 ? (size_t)period : 1;
  double count[CC_BREAK_MAX_PERIOD] = {0}, mean_t[CC_BREAK_MAX_PERIOD] = {0}, mean_y[CC_BREAK_MAX_PERIOD] = {0};
  if (seasons > CC_BREAK_MAX_PERIOD || n < 2 * seasons) seasons = 1;
  for (size_t t = 0; t < n; t++) {
    size_t s = t % seasons;
    count[s] += 1.0;
    mean_t[s] += ((double)(t + 1) - mean_t[s]) / count[s];
    mean_y[s] += (y[t] - mean_y[s]) / count[s];
  }
  /* The slope of y ~ t + season (Frisch-Waugh: both centred within seasons), then y less its season's intercept. */
  double stt = 0.0, sty = 0.0;
  for (size_t t = 0; t < n; t++) {
    double dt = (double)(t + 1) - mean_t[t % seasons];
    stt += dt * dt;
    sty += dt * (y[t] - mean_y[t % seasons]);
  }
  double slope = stt > 0.0 ? sty / stt : 0.0;
  for (size_t t = 0; t < n; t++) out[t] = y[t] - (mean_y[t % seasons] - slope * mean_t[t % seasons]);
  return seasons - 1;
}

/* The sup-F of breaks.h, plain (serial = 0) or robust, with `absorbed` parameters fitted beforehand. */
static cc_status supf(const double *y, size_t n, int regressors, size_t absorbed, double trim, int serial,
                      cc_break_test *out, cc_error *err) {
  int k = regressors;
  if (k < 1 || k > CC_BREAK_MAX_REGRESSORS)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "regressors", "%d regressors: only 1 or 2 are supported", k);
  if (!(trim > 0.0 && trim < 0.5))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "trim", "trimming %g is not between 0 and 0.5", trim);
  for (size_t t = 0; t < n; t++)
    if (!isfinite(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "value %zu is missing", t + 1);
  /* Candidate ends of the first segment, 1-based, as Fstats: floor(trim n) .. n - that, kept inside k + 1 .. n - k - 1. */
  long from = (long)floor(trim * (double)n), to = (long)n - from;
  if (from < k + 1) from = k + 1;
  if (to > (long)n - k - 1) to = (long)n - k - 1;
  if (from > to || n <= 2 * (size_t)k + absorbed + 1)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "values", "%zu values are too few for a break test with %d regressors", n,
                        k);
  segment_sums all = {0}, first, second, best_first = {0}, best_second = {0};
  for (size_t t = 0; t < n; t++) sums_add(&all, (double)(t + 1), y[t], 1.0);
  double rss0 = segment_rss(&all, k);
  size_t dof = n - 2 * (size_t)k - absorbed; /* residual degrees of freedom of a split */
  out->regressors = k;
  out->n = n;
  out->statistic = -INFINITY;
  out->long_run_variance = out->prewhiten_ar = NAN;
  out->under_break = 0;
  double best_rss = INFINITY;
  for (long point = from; point <= to; point++) {
    double rss = split_rss(y, n, (size_t)point, k, &first, &second);
    if (!serial) { /* the plain F; an exact fit (no residual at all) has nothing to test against */
      double f = rss > 0.0 ? (rss0 - rss) / (rss / (double)dof) : 0.0;
      if (f > out->statistic) out->statistic = f;
    }
    /* The break is located by least squares (Bai 1994): the split with the smallest RSS. */
    if (rss < best_rss) {
      best_rss = rss;
      best_first = first;
      best_second = second;
      out->breakpoint = (size_t)point;
      double at = (double)point + 1.0; /* time of the first value after the break */
      out->step = segment_fit(&second, k, at) - segment_fit(&first, k, at);
      out->residual_sd = sqrt(rss / (double)dof);
    }
  }
  if (serial) {
    /* One variance for every candidate (see breaks.h), so the largest F is at the least-squares break. */
    double variance = robust_variance(y, n, k, absorbed, &all, &best_first, &best_second, out);
    out->statistic = variance > 0.0 ? (rss0 - best_rss) / variance : 0.0;
  }
  out->lambda = ((double)((long)n - from) * (double)to) / ((double)from * (double)((long)n - to));
  out->p_value = cc_break_supf_pvalue(out->statistic, k, out->lambda);
  return CC_OK;
}

cc_status cc_break_supf(const double *y, size_t n, int regressors, double trim, cc_break_test *out, cc_error *err) {
  return supf(y, n, regressors, 0, trim, 0, out, err);
}

cc_status cc_break_supf_lrv(const double *y, size_t n, int regressors, size_t absorbed, double trim, cc_break_test *out,
                            cc_error *err) {
  return supf(y, n, regressors, absorbed, trim, 1, out, err);
}

cc_status cc_break_step(const double *y, size_t n, size_t at, double *step, double *adjusted, cc_error *err) {
  /* Normal equations of y on (1, t, d), d = 1{t >= at}, solved by Cramer's rule on the 3 x 3 system. */
  double s[3][3] = {{0}}, r[3] = {0};
  size_t before = 0, after = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    double x[3] = {1.0, (double)(t + 1) / (double)n, t >= at ? 1.0 : 0.0};
    if (t >= at) after++;
    else before++;
    for (int i = 0; i < 3; i++) {
      r[i] += x[i] * y[t];
      for (int j = 0; j < 3; j++) s[i][j] += x[i] * x[j];
    }
  }
  if (before < 2 || after < 2)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "break", "a step at %zu needs two observed values on each side", at + 1);
  double det = s[0][0] * (s[1][1] * s[2][2] - s[1][2] * s[2][1]) - s[0][1] * (s[1][0] * s[2][2] - s[1][2] * s[2][0]) +
               s[0][2] * (s[1][0] * s[2][1] - s[1][1] * s[2][0]);
  double det_step = s[0][0] * (s[1][1] * r[2] - r[1] * s[2][1]) - s[0][1] * (s[1][0] * r[2] - r[1] * s[2][0]) +
                    r[0] * (s[1][0] * s[2][1] - s[1][1] * s[2][0]);
  if (!(fabs(det) > 0.0)) return cc_error_set(err, CC_EINPUT, NULL, 0, "break", "the step at %zu is not identified", at + 1);
  *step = det_step / det;
  if (adjusted)
    for (size_t t = 0; t < n; t++) adjusted[t] = t < at ? y[t] + *step : y[t];
  return CC_OK;
}
