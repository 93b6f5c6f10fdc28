/* demand_entries.c: a stock-and-flow model's entry flows, alone or led by
 * an indicator (demand_internal.h).
 *
 * An entry flow that follows a leading indicator x (emergency admissions of
 * people aged 65+ leading admissions to residential care, say) by L months
 * is fitted as a regression with ARIMA errors,
 *
 *     e_t = c + b x_{t-L} + eta_t,   eta_t ARIMA            (Hyndman and
 *     Athanasopoulos, Forecasting: Principles and Practice, ch. 10),
 *
 * with automatic orders unless the model file's entry_model names some.
 * Over the horizon the first L regressor values are the indicator's last
 * observed ones; after them each entry path rides on one of the indicator's
 * own forecast sample paths, so the indicator's uncertainty reaches the
 * entries, and the projection of the stocks, besides the regression's; or,
 * when the model file gives the indicator's future (a scenario), on those
 * values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/select.h"
#include "demand_internal.h"

/* "<name>/<geography>", the record's key in the store. */
static void record_key(const char *name, const char *geography, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s", name, geography);
}

/* Re-raise err as an input error at the indicator's key (a model that cannot be fitted names the file). */
static cc_status at_indicator(const cc_demand_spec *spec, const cc_demand_state *state, cc_status st, cc_error *err) {
  if (st != CC_EINPUT && st != CC_EUSAGE) return st;
  char reason[CC_ERROR_MESSAGE_MAX];
  snprintf(reason, sizeof reason, "%s", err->message);
  return cc_error_set(err, CC_EINPUT, spec->path, state->indicator.line, state->indicator.key, "%s", reason);
}

/* Keep the indicator's values of the lag months up to r->last in r->indicator_recent. */
static cc_status keep_recent(const cc_demand_spec *spec, const cc_demand_state *state, size_t part,
                             const cc_series *indicator, cc_demand_record *r, cc_error *err) {
  if (!r->indicator_recent) {
    if (!(r->indicator_recent = malloc(r->n_parts * CC_DEMAND_MAX_LAG * sizeof *r->indicator_recent)))
      return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    r->n_recent = CC_DEMAND_MAX_LAG;
    for (size_t i = 0; i < r->n_parts * CC_DEMAND_MAX_LAG; i++) r->indicator_recent[i] = NAN;
  }
  int lag = state->indicator_lag;
  for (int l = 0; l < lag; l++) {
    cc_period month = cc_period_add(r->last, l - lag + 1);
    double value = cc_demand_value_at(indicator, month);
    char text[CC_PERIOD_TEXT_MAX];
    if (isnan(value))
      return cc_error_set(err, CC_EINPUT, spec->path, state->indicator.line, state->indicator.key,
                          "'%s' has no value in %s, which the first %d months of the projection need", indicator->id,
                          cc_period_format(month, text, sizeof text), lag);
    r->indicator_recent[part * r->n_recent + (size_t)l] = value;
  }
  return CC_OK;
}

/* Fit the entries' regression on the indicator lagged by the state's lag and keep it under the record. */
static cc_status fit_regression(cc_store *store, const char *run_id, const cc_demand_spec *spec, size_t part,
                                const cc_series *entries, const cc_series *indicator, const cc_demand_record *r,
                                cc_error *err) {
  const cc_demand_state *state = &spec->states[part];
  double *lagged = malloc((entries->n ? entries->n : 1) * sizeof *lagged);
  if (!lagged) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t t = 0; t < entries->n; t++)
    lagged[t] = cc_demand_value_at(indicator, cc_period_add(entries->start, (int32_t)t - state->indicator_lag));
  cc_model_request request;
  cc_model *m = NULL;
  const char *names[1] = {indicator->id};
  cc_status st = cc_model_request_parse(spec->entry_model, &request, err);
  if (!st)
    st = cc_model_fit_request_xreg(&request, entries->values, entries->n, cc_freq_per_year(entries->freq), 1, lagged,
                                   names, &m, err);
  free(lagged);
  if (st) return at_indicator(spec, state, st, err);
  cc_model_context context = {.kind = entries->kind,
                              .freq = entries->freq,
                              .next = cc_period_add(r->last, 1),
                              .ljung_box_p = cc_model_residual_check(m)};
  snprintf(context.series_id, sizeof context.series_id, "%s", entries->id);
  char key[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2];
  record_key(r->name, r->geography, key, sizeof key);
  st = cc_store_demand_model_write(store, run_id, key, state->name, m, &context, err);
  cc_model_free(m);
  return st;
}

cc_status cc_demand_fit_entries(cc_store *store, const char *run_id, const cc_demand_spec *spec, size_t part,
                                const cc_series *entries, cc_demand_record *r, cc_error *err) {
  const cc_demand_state *state = &spec->states[part];
  if (!state->indicator.text[0]) {
    snprintf(r->driver_ids[part], CC_SERIES_ID_MAX, "%s", entries->id);
    return cc_demand_fit_driver(store, run_id, spec->entry_model, entries, spec->path, err);
  }
  cc_series *indicator = NULL;
  char text_last[CC_PERIOD_TEXT_MAX], text_indicator[CC_PERIOD_TEXT_MAX];
  cc_status st = cc_demand_load_series(store, spec, &state->indicator, r->geography, NULL, &indicator, err);
  if (!st) st = cc_demand_require_freq(spec, &state->indicator, indicator, CC_FREQ_MONTH, err);
  if (!st && cc_demand_last_period(indicator).index < r->last.index)
    st = cc_error_set(err, CC_EINPUT, spec->path, state->indicator.line, state->indicator.key,
                      "'%s' ends in %s but the entries in %s: the indicator must reach the entries' last month",
                      indicator->id,
                      cc_period_format(cc_demand_last_period(indicator), text_indicator, sizeof text_indicator),
                      cc_period_format(r->last, text_last, sizeof text_last));
  if (!st && state->indicator_future.text[0]) { /* a scenario's future: checked now, read when projecting */
    cc_series *future = NULL;
    st = cc_demand_load_series(store, spec, &state->indicator_future, r->geography, NULL, &future, err);
    if (!st) st = cc_demand_require_freq(spec, &state->indicator_future, future, CC_FREQ_MONTH, err);
    cc_series_free(future);
  }
  if (!st) st = fit_regression(store, run_id, spec, part, entries, indicator, r, err);
  if (!st) st = keep_recent(spec, state, part, indicator, r, err);
  int fitted_already = 0; /* two states may share an indicator: it has one model */
  for (size_t j = 0; !st && j < part; j++)
    fitted_already |= strcmp(spec->states[j].indicator.text, state->indicator.text) == 0;
  if (!st && !fitted_already) {
    indicator->n =
        (size_t)cc_period_diff(indicator->start, r->last) + 1; /* its forecast starts where the entries' does */
    st = at_indicator(spec, state, cc_demand_fit_driver(store, run_id, spec->entry_model, indicator, spec->path, err),
                      err);
  }
  if (!st) snprintf(r->driver_ids[part], CC_SERIES_ID_MAX, "%s", entries->id);
  cc_series_free(indicator);
  return st;
}

/* The months the projection needs of the indicator's future: h - lag. */
static size_t future_months(const cc_demand_state *state, size_t h) {
  return h > (size_t)state->indicator_lag ? h - (size_t)state->indicator_lag : 0;
}

cc_status cc_demand_indicator_future(cc_store *store, const cc_demand_record *r, const cc_demand_spec *spec,
                                     size_t part, size_t h, size_t n_paths, cc_forecast **out, cc_error *err) {
  const cc_demand_state *state = &spec->states[part];
  const cc_demand_template *t = &state->indicator_future;
  cc_series *future = NULL;
  *out = NULL;
  cc_status st = cc_demand_load_series(store, spec, t, r->geography, NULL, &future, err);
  if (!st) st = cc_demand_require_freq(spec, t, future, CC_FREQ_MONTH, err);
  cc_forecast *f = st ? NULL : cc_forecast_alloc(h, 0, n_paths);
  if (!st && !f) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t s = 0; !st && s < future_months(state, h); s++) {
    cc_period month = cc_period_add(r->last, (int32_t)s + 1);
    double value = cc_demand_value_at(future, month);
    char text[CC_PERIOD_TEXT_MAX];
    if (isnan(value))
      st = cc_error_set(err, CC_EINPUT, spec->path, t->line, t->key,
                        "'%s' has no value in %s, which the projection needs", future->id,
                        cc_period_format(month, text, sizeof text));
    for (size_t q = 0; !st && q < n_paths; q++) f->paths[q * h + s] = value;
  }
  cc_series_free(future);
  if (st) {
    cc_forecast_free(f);
    return st;
  }
  *out = f;
  return CC_OK;
}

cc_status cc_demand_entry_paths(cc_store *store, const char *model_run, const cc_demand_record *r,
                                const cc_demand_spec *spec, size_t part, const cc_forecast *driver, size_t h,
                                size_t n_paths, unsigned long seed, double *paths, char *model_spec, cc_error *err) {
  const cc_demand_state *state = &spec->states[part];
  size_t lag = (size_t)state->indicator_lag;
  char key[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2];
  record_key(r->name, r->geography, key, sizeof key);
  if (lag > 0 && (!r->indicator_recent || r->n_recent < lag))
    return cc_error_set(err, CC_EINPUT, r->spec_path, state->indicator.line, state->indicator.key,
                        "the stored model of %s lacks the indicator's last %zu values (fit it again)", r->geography,
                        lag);
  cc_model *m = NULL;
  cc_model_context context;
  cc_status st = cc_store_demand_model_read(store, model_run, key, state->name, &m, &context, err);
  if (!st) snprintf(model_spec, CC_MODEL_SPEC_MAX, "%s", m->spec);
  double *future = st ? NULL : malloc(h * sizeof *future);
  if (!st && !future) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  const double no_levels[1] = {0};
  cc_forecast_options options;
  cc_forecast_options_default(&options);
  options.n_paths = 1;
  options.nonnegative = 1;
  options.xreg_future = future;
  for (size_t q = 0; !st && q < n_paths; q++) {
    for (size_t s = 0; s < h; s++)
      future[s] = s < lag ? r->indicator_recent[part * r->n_recent + s] : driver->paths[q * driver->h + (s - lag)];
    options.seed = cc_multistate_path_seed(seed, q);
    cc_forecast *f = NULL;
    st = cc_forecast_compute(m, h, no_levels, 0, &options, &f, err);
    for (size_t s = 0; !st && s < h; s++)
      paths[q * h + s] = f->paths[s] > 0 ? f->paths[s] : 0; /* counts: never below zero */
    cc_forecast_free(f);
  }
  free(future);
  cc_model_free(m);
  return st;
}
