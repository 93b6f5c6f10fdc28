/* demand_internal.h: what demand.c shares with the parts of the demand
 * models kept in their own files (demand_entries.c: entry flows and their
 * leading indicators; demand_episodes.c: stock-and-flow models counted from
 * SSDA903 episodes). Not public. */
#ifndef CARECAST_DEMAND_INTERNAL_H
#define CARECAST_DEMAND_INTERNAL_H

#include "carecast/demand.h"
#include "carecast/neighbours.h"
#include "carecast/shrink.h"
#include "carecast/ssda903.h"

/* Read the series template t names for geography (and band) into *out; a
 * series not in the store is an error at the template's key. */
CC_MUST_CHECK cc_status cc_demand_load_series(cc_store *store, const cc_demand_spec *spec, const cc_demand_template *t,
                                              const char *geography, const char *band, cc_series **out, cc_error *err);

/* CC_EINPUT at t's key unless s has frequency freq. */
CC_MUST_CHECK cc_status cc_demand_require_freq(const cc_demand_spec *spec, const cc_demand_template *t, const cc_series *s,
                                               cc_freq freq, cc_error *err);

/* The last period of s, and the value of s in period p (NaN outside it or where missing). */
cc_period cc_demand_last_period(const cc_series *s);
double cc_demand_value_at(const cc_series *s, cc_period p);

/* Fit request_text to series s and store it in run_id as the model of s. */
CC_MUST_CHECK cc_status cc_demand_fit_driver(cc_store *store, const char *run_id, const char *request_text,
                                             const cc_series *s, const char *spec_path, cc_error *err);

/* A record of spec's model of geography with `parts` parts (NULL when out of memory). */
cc_demand_record *cc_demand_new_record(const cc_demand_spec *spec, const char *type, const char *geography, size_t parts);

/* What shrinking a model file's councils needs (shrink:), read once per fit. */
typedef struct cc_demand_shrink_context {
  cc_neighbours *neighbours;
  cc_exit_rates *rates;
} cc_demand_shrink_context;

/* Shrink council geography's exits in m towards its neighbours' (shrink.h),
 * its evidence the person-months at risk in the T rows of stocks (T x k). */
CC_MUST_CHECK cc_status cc_demand_shrink_council(const cc_demand_spec *spec, const cc_demand_shrink_context *shrink,
                                                 const char *geography, cc_multistate *m, const double *stocks, size_t T,
                                                 unsigned long seed, double *weights, cc_error *err);

/* Fit the entry flow of state `state` (series entries, ending in r->last)
 * into run_id and note its driver in r: the file's entry_model on the
 * entries alone, or, when the state names a leading indicator, a
 * regression with ARIMA errors on the indicator `indicator_lag` months
 * before (kept under the record, cc_store_demand_model_write) and the
 * indicator's own model (a model of the run, forecast as any), whose
 * forecast paths the projection turns into entry paths
 * (cc_demand_entry_paths). Either way the entries are the state's driver. */
CC_MUST_CHECK cc_status cc_demand_fit_entries(cc_store *store, const char *run_id, const cc_demand_spec *spec, size_t state,
                                              const cc_series *entries, cc_demand_record *r, cc_error *err);

/* The n_paths x h entry paths of state `state` of record r from its
 * indicator's forecast (driver, at least h steps and n_paths paths): path q
 * is a path of the stored regression on indicator path q lagged by the
 * state's indicator_lag (the record's last observed indicator values
 * filling the first months), drawn with its own stream from seed; never
 * below zero. model_spec (CC_MODEL_SPEC_MAX bytes) gets the regression's
 * spec ("ARIMA(1,0,0) mean+xreg"). */
CC_MUST_CHECK cc_status cc_demand_entry_paths(cc_store *store, const char *model_run, const cc_demand_record *r,
                                              const cc_demand_spec *spec, size_t state, const cc_forecast *driver,
                                              size_t h, size_t n_paths, unsigned long seed, double *paths,
                                              char *model_spec, cc_error *err);

/* A state's indicator_future as the indicator's forecast: *out (the
 * caller's) has h steps from the month after r->last and n_paths identical
 * paths, the scenario's values (steps the lag leaves unused are 0).
 * CC_EINPUT at the key when the series is not in the store or lacks a month
 * the projection needs. */
CC_MUST_CHECK cc_status cc_demand_indicator_future(cc_store *store, const cc_demand_record *r, const cc_demand_spec *spec,
                                                   size_t state, size_t h, size_t n_paths, cc_forecast **out,
                                                   cc_error *err);

/* Read the SSDA903 return spec's episodes: names (once per fit); a file that
 * is not there is an error at its key. The caller frees *out with
 * cc_ssda903_return_free. */
CC_MUST_CHECK cc_status cc_demand_episodes_read(const cc_demand_spec *spec, cc_ssda903_return **out, cc_error *err);

/* Fit spec's model of geography g from the episodes of the return (spec->has_episodes) into run_id. */
CC_MUST_CHECK cc_status cc_demand_fit_episodes(cc_store *store, const char *run_id, const cc_demand_spec *spec,
                                               const cc_ssda903_return *episodes, size_t g, unsigned long seed,
                                               const cc_demand_shrink_context *shrink, cc_error *err);

#endif
