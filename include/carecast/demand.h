/* demand.h: fitting and forecasting the demand models of a model file
 * (cohort and stock-and-flow; demandspec.h) against the store.
 *
 * `carecast fit --model stockflow:FILE` (or cohort:FILE) makes one model
 * run holding, for every council the file names,
 *   - the ordinary time-series models of the model's drivers: each state's
 *     entry flow (stock and flow) or each band's rate of need (cohort, the
 *     rate series being demand / population, named <measure>_rate), fitted
 *     with the file's entry_model or rate_model; and
 *   - the demand record (store.h): the estimated transition probabilities
 *     with their bootstrap draws, or the constant rates, and the model
 *     file's text, so that the run can be forecast (and audited) alone.
 * `carecast forecast` then forecasts the drivers like any series and
 * cc_demand_forecast projects: stocks per state from the drivers' sample
 * paths and the transition draws (stock and flow), or demand per band as
 * population x rate paths (cohort, one population variant per path in
 * turn). The outputs are ordinary forecasts with sample paths, so the
 * scenario engine reads them as it reads any forecast.
 *
 * A stock-and-flow state whose entries follow a leading indicator
 * (demandspec.h: indicator, indicator_lag) has its entries fitted as a
 * regression with ARIMA errors on the lagged indicator, kept under the
 * demand record (cc_store_demand_model_write), and the indicator's own
 * model as its driver; the projection turns each of the indicator's forecast
 * paths into an entry path (never negative). A model file with episodes:
 * is counted from SSDA903 episodes instead of the store's aggregates: the
 * probabilities are the counted moves' shares with Dirichlet draws, the
 * stocks and entries the counted month ends.
 *
 * Population is mid-year (yearly); it is interpolated linearly to months
 * between mid-years (June) and averaged over the months of each period of
 * the demand series, the history's estimates first and the projection after
 * them. With population_bands (demandspec.h) each demand band's population
 * is built from the population bands year by year, before interpolation, for
 * the estimates, the projection and each variant. Series are the store's
 * model series (the linked panel once there is one); a population series
 * the panel lacks (it keeps only the common age bands) is read from the
 * series as ingested. */
#ifndef CARECAST_DEMAND_H
#define CARECAST_DEMAND_H

#include <stddef.h>

#include "carecast/demandspec.h"
#include "carecast/error.h"
#include "carecast/forecast.h"
#include "carecast/store.h"

#define CC_DEMAND_MIN_MONTHS 12   /* months of history a stock-and-flow model needs at least */
#define CC_DEMAND_RATE_SUFFIX "_rate"

/* 1 when text is "cohort:FILE" or "stockflow:FILE", with *path pointing at FILE. */
int cc_demand_request(const char *text, const char **path);

/* Fit spec for each of its councils into model run run_id of store (open
 * for writing). seed drives the bootstrap. *fitted counts the councils.
 * CC_EINPUT naming the model file, line and key when a series it names is
 * not in the store, has the wrong frequency or age bands, or too little
 * history. */
CC_MUST_CHECK cc_status cc_demand_fit(cc_store *store, const char *run_id, const cc_demand_spec *spec, unsigned long seed,
                                      size_t *fitted, cc_error *err);

/* Called with each output forecast (for the command line's CSV). */
typedef void (*cc_demand_emit_fn)(void *context, const char *series_id, cc_period first, const cc_forecast *f,
                                  const char *model_spec);

/* What to forecast: the horizon ("H" periods or "Ny" years), the levels,
 * the paths kept, the seed. */
typedef struct cc_demand_forecast_plan {
  const char *horizon;
  const double *levels;
  size_t n_levels;
  size_t n_paths;
  unsigned long seed;
} cc_demand_forecast_plan;

/* Project every demand model of model run model_run into forecast run
 * forecast_run, whose forecasts of the drivers must already be written.
 * Writes each output's forecast and passes it to emit (may be NULL).
 * *written counts the series forecast. */
CC_MUST_CHECK cc_status cc_demand_forecast(cc_store *store, const char *model_run, const char *forecast_run,
                                           const cc_demand_forecast_plan *plan, cc_demand_emit_fn emit,
                                           void *emit_context, size_t *written, cc_error *err);

#endif
