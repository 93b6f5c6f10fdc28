/* models.h: the model families carecast ships (see model.h for the interface).
 *   ets     exponential smoothing state-space models (Hyndman et al. 2008), src/ts/ets*.c
 *   arima   seasonal ARIMA with fixed orders by exact likelihood (R's arima), with
 *           regressors (regression with ARIMA errors), src/ts/arima*.c
 *   theta   the standard Theta method (Assimakopoulos and Nikolopoulos 2000), src/ts/theta.c
 *   naive, snaive, drift, mean, naive2   the benchmarks, src/ts/benchmarks.c
 *   croston, sba, tsb   intermittent demand (Croston 1972; Syntetos and Boylan 2005;
 *           Teunter, Syntetos and Babai 2011), src/ts/intermittent.c
 *   combo   the mean of automatic ETS, ARIMA and Theta (combination.h), src/ts/combination.c */
#ifndef CARECAST_MODELS_H
#define CARECAST_MODELS_H

#include "carecast/model.h"

extern const cc_model_type cc_model_ets;
extern const cc_model_type cc_model_theta;
extern const cc_model_type cc_model_naive;
extern const cc_model_type cc_model_snaive;
extern const cc_model_type cc_model_drift;
extern const cc_model_type cc_model_mean;
extern const cc_model_type cc_model_naive2;
extern const cc_model_type cc_model_croston, cc_model_sba, cc_model_tsb;
extern const cc_model_type cc_model_arima;
extern const cc_model_type cc_model_combo;

#endif
