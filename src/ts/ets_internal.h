/* ets_internal.h: the numerical kernel of exponential smoothing, shared by
 * ets_core.c (recursion, admissibility, forecast distributions) and ets.c
 * (estimation, selection, the model family). Not a public header.
 *
 * The model is the innovations state-space form of Hyndman, Koehler, Ord
 * and Snyder (2008), "Forecasting with Exponential Smoothing", ch. 2: state
 * x_t = (l_t, b_t, s_t, s_{t-1}, ..., s_{t-m+1}); one-step mean
 * mu_t = (l + phi b) [+|*] s_{t-m}; error e_t = y_t - mu_t (additive) or
 * (y_t - mu_t) / mu_t (multiplicative); the state updates are written in
 * terms of y_t (their "error correction" form), which is the same for both
 * error types. */
#ifndef CARECAST_ETS_INTERNAL_H
#define CARECAST_ETS_INTERNAL_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "carecast/error.h"

enum { ETS_NONE = 0, ETS_ADD = 1, ETS_MULT = 2 };

#define ETS_SEASON_MAX 24 /* as forecast::ets: longer seasons are not modelled by ETS */

typedef struct ets_spec {
  int error;  /* ETS_ADD or ETS_MULT */
  int trend;  /* ETS_NONE or ETS_ADD (multiplicative trends are not offered) */
  int season; /* ETS_NONE, ETS_ADD or ETS_MULT */
  int damped; /* 1 for a damped trend */
  int m;      /* seasonal period (1 when season is ETS_NONE) */
} ets_spec;

typedef struct ets_par {
  double alpha, beta, gamma, phi; /* beta 0 without trend, gamma 0 without season, phi 1 undamped */
} ets_par;

/* States: level, then trend (if any), then m seasonals newest first. */
size_t ets_state_size(const ets_spec *spec);

/* "ETS(M,Ad,M)" into buf. */
void ets_spec_name(const ets_spec *spec, char *buf, size_t len);

/* Parse "MAdM", "ANN", ... into spec (m set by the caller). CC_EINPUT when malformed. */
CC_MUST_CHECK cc_status ets_spec_parse(const char *text, ets_spec *spec, cc_error *err);

/* One pass of the recursion over y[0..n) from state x0. Returns the
 * criterion forecast::ets minimises, n_obs * log(sum e^2) + 2 * sum log|mu|
 * (the last term for multiplicative errors), summing over non-missing y
 * only: a missing y leaves the error out and moves the state as if y had
 * equalled its forecast. Returns NaN when a forecast is not usable.
 * fitted[n], errors[n] and final_state may be NULL; *n_obs gets the count. */
double ets_pass(const ets_spec *spec, const ets_par *par, const double *x0, const double *y, size_t n, double *fitted,
                double *errors, double *final_state, size_t *n_obs);

/* forecast::ets's parameter region ("both"): the usual bounds lower..upper
 * with beta <= alpha and gamma <= 1 - alpha, and the admissible region of
 * Hyndman et al. (2008, ch. 10) for the linear part. 1 when admissible. */
int ets_par_admissible(const ets_spec *spec, const ets_par *par);

/* Mean and variance of the h-step forecast distribution from the final
 * state, for the classes with analytic results (Hyndman et al. 2008, ch. 6):
 * class 1 (additive error, linear), class 2 (multiplicative error, linear),
 * class 3 (multiplicative error and season). Returns 0 when the model has
 * no analytic result (then mean is the plain point forecast). */
int ets_forecast_distribution(const ets_spec *spec, const ets_par *par, const double *state, double sigma2, size_t h,
                              double *mean, double *variance);

/* The point forecasts (the recursion with errors set to zero). */
void ets_point_forecast(const ets_spec *spec, const ets_par *par, const double *state, size_t h, double *mean);

/* One simulated future path of h values. */
void ets_simulate_path(const ets_spec *spec, const ets_par *par, const double *state, double sigma2, size_t h,
                       gsl_rng *rng, double *path);

#endif
