/* stl.h: STL, the seasonal-trend decomposition by loess of Cleveland,
 * Cleveland, McRae & Terpenning (1990), as R's stats::stl().
 *
 * y = seasonal + trend + remainder. An inner loop alternates a loess
 * smoothing of each cycle-subseries (the seasonal), a low-pass filter of it
 * (three moving averages and a loess) that is taken away from it, and a
 * loess of the deseasonalised series (the trend); the robust variant wraps
 * it in outer iterations that downweight large remainders with Tukey's
 * biweight of |remainder| / (6 median |remainder|). Windows, degrees and
 * jumps default as in stats::stl, so that a decomposition agrees with R to
 * rounding. The series must be complete (no NaN): stl() refuses missing
 * values too (na.fail). */
#ifndef CARECAST_STL_H
#define CARECAST_STL_H

#include <stddef.h>

#include "carecast/error.h"

/* s_window value asking for a periodic seasonal (stl(s.window = "periodic")):
 * every cycle gets the same seasonal figure, the mean per position. */
#define CC_STL_PERIODIC 0

/* Robust STL's iteration counts (stats::stl: inner = 1, outer = 15 when
 * robust; inner = 2, outer = 0 otherwise). */
#define CC_STL_ROBUST_INNER 1
#define CC_STL_ROBUST_OUTER 15
#define CC_STL_PLAIN_INNER 2

typedef struct cc_stl_options {
  int s_window;  /* seasonal loess span in cycles (odd, >= 3; even is made odd) or CC_STL_PERIODIC */
  int s_degree;  /* degree of the seasonal loess, 0 or 1 (default 0) */
  int t_window;  /* trend span; 0: nextodd(ceil(1.5 period / (1 - 1.5 / s_window))) */
  int t_degree;  /* degree of the trend loess, 0 or 1 (default 1) */
  int l_window;  /* low-pass span; 0: the smallest odd integer >= period */
  int l_degree;  /* degree of the low-pass loess (default: t_degree) */
  int s_jump;    /* loess evaluated every s_jump points, linear in between; 0: ceil(s_window / 10) */
  int t_jump;    /* likewise for the trend; 0: ceil(t_window / 10) */
  int l_jump;    /* likewise for the low-pass filter; 0: ceil(l_window / 10) */
  int inner;     /* inner iterations */
  int outer;     /* outer (robustness) iterations; 0: no robustness weights */
} cc_stl_options;

/* Fill options as stats::stl(s.window = s_window, robust = robust) does. */
void cc_stl_options_default(cc_stl_options *options, int s_window, int robust);

typedef struct cc_stl {
  size_t n;          /* length of the series */
  int period;        /* seasonal period (>= 2) */
  double *trend;     /* n trend values */
  double *seasonal;  /* n seasonal values */
  double *remainder; /* n: y - seasonal - trend */
  double *weights;   /* n robustness weights of the last outer iteration (all 1 without robustness) */
  double *work;      /* workspace: 5 (n + 2 period) values and the cycle-subseries buffers */
} cc_stl;

/* Allocate a decomposition (with its workspace) for n values of the given
 * period (>= 2). NULL when out of memory or the period is below 2. The
 * caller frees it with cc_stl_free. */
cc_stl *cc_stl_alloc(size_t n, int period);

/* Free d. No operation when d is NULL. */
void cc_stl_free(cc_stl *d);

/* Decompose y[0..n) into d (allocated for n and period). options NULL
 * means cc_stl_options_default(s_window = CC_STL_PERIODIC, robust = 0).
 * CC_EINPUT when a value is missing or not finite, or when n <= 2 period
 * ("less than two periods", as stl()); CC_EINTERNAL when d does not fit. */
CC_MUST_CHECK cc_status cc_stl_decompose(const double *y, size_t n, int period, const cc_stl_options *options,
                                         cc_stl *d, cc_error *err);

#endif
