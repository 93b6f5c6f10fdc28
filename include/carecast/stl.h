/* stl.h: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland,
 * McRae and Terpenning 1990, "STL: a seasonal-trend decomposition procedure
 * based on loess", J. Official Statistics 6(1), 3-73), as R's stats::stl()
 * computes it: y = trend + seasonal + remainder, with an inner loop of
 * cycle-subseries smoothing, low-pass filtering and trend smoothing, and an
 * optional outer loop of robustness weights (bisquare of |remainder| / 6 MAD).
 *
 * Usage:
 *     cc_stl_options o;
 *     cc_stl_options_default(&o, period, 11, 0);     // s.window = 11, not robust
 *     cc_stl_result *r = cc_stl_result_alloc(n);
 *     cc_status s = cc_stl(y, n, &o, r, &err);       // r->trend, r->seasonal, ...
 *     cc_stl_result_free(r);
 * The series must be complete (no NaN), as stl(na.action = na.fail).
 * Robust fits use the true median of the absolute remainders, where R's
 * partial sort can pick a neighbouring order statistic for even lengths
 * (see stl.c): about 1e-7 of the data apart on some series. */
#ifndef CARECAST_STL_H
#define CARECAST_STL_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_STL_PERIODIC 0 /* s_window value meaning s.window = "periodic" */

/* The parameters of stl(), named as R names them. cc_stl_options_default
 * fills R's defaults; a window or jump left at 0 is derived as R derives it. */
typedef struct cc_stl_options {
  int period;   /* the seasonal period (frequency), at least 2 */
  int s_window; /* seasonal loess span (odd, >= 3 after R's rounding) or CC_STL_PERIODIC */
  int s_degree; /* 0 or 1: degree of the seasonal loess (0 when periodic) */
  int t_window; /* trend span; 0: nextodd(ceiling(1.5 period / (1 - 1.5 / s_window))) */
  int t_degree; /* 0 or 1 */
  int l_window; /* low-pass span; 0: nextodd(period) */
  int l_degree; /* 0 or 1 (R: t.degree) */
  int s_jump, t_jump, l_jump; /* loess evaluated every jump points, linear between; 0: ceiling(window / 10) */
  int inner;    /* passes of the inner loop (R: 2, or 1 when robust) */
  int outer;    /* robustness iterations (R: 0, or 15 when robust) */
} cc_stl_options;

/* Fill o with stl()'s defaults for this period, seasonal window (an odd
 * number, or CC_STL_PERIODIC) and robustness (0 or 1). */
void cc_stl_options_default(cc_stl_options *o, int period, int s_window, int robust);

/* A decomposition of n values. */
typedef struct cc_stl_result {
  size_t n;          /* length of the series */
  double *trend;     /* n trend-cycle values */
  double *seasonal;  /* n seasonal values */
  double *remainder; /* n: y - trend - seasonal */
  double *weights;   /* n robustness weights of the last pass (all 1 when outer = 0) */
  double *work;      /* scratch of 6 (n + 2 period) values, (re)sized by cc_stl for the period */
  size_t work_size;  /* values in work */
} cc_stl_result;

/* Allocate a result for n values; the caller frees it with
 * cc_stl_result_free. NULL when out of memory. */
cc_stl_result *cc_stl_result_alloc(size_t n);

/* Free r. No operation when r is NULL. */
void cc_stl_result_free(cc_stl_result *r);

/* Decompose y[0..n) into r (allocated for n values). CC_EINPUT when a value
 * is missing or infinite or the series has 2 periods or fewer; CC_EUSAGE for
 * impossible options (period < 2, degree not 0 or 1, windows or jumps < 0,
 * inner < 1); CC_ENOMEM when out of memory. */
CC_MUST_CHECK cc_status cc_stl(const double *y, size_t n, const cc_stl_options *o, cc_stl_result *r, cc_error *err);

#endif
