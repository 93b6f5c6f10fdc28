/* store.h: the HDF5 store, carecast's memory.
 *
 * Layout (format version 1, see docs/store.md):
 *   /                  attributes format ("carecast-store"), format_version, created_by
 *   /sources/<id>      provenance of each source, its current observations and every version read
 *   /measures/<name>   what each measure is (frequency, kind, unit) and which sources declare it
 *   /series/<measure>/<geography>/<age_band>   values, bounds, flags and the series' attributes
 *   /original/<series_id>             the series as ingested, kept when carecast quality replaced it
 *   /models/<run_id>/<series_id>      a fitted model per series (carecast fit)
 *   /forecasts/<run_id>/<series_id>   forecast means, bounds and sample paths (carecast forecast)
 *   /effects/<run_id>/<series_id>     intervention effect estimates (carecast effect)
 *   /panel/<frequency>/<series_id>    the linked panel (carecast link, docs/store.md)
 *   /scenarios                        written by later stages
 *
 * A store is opened for reading or for writing. Writing happens on a copy
 * (`STORE.partial`) under an exclusive lock (`STORE.lock`); cc_store_commit
 * makes the copy durable and renames it over the store in one atomic step.
 * Until then the store on disk is untouched, so a crash, a kill or a bad
 * input at any point leaves the previous store intact and readable. */
#ifndef CARECAST_STORE_H
#define CARECAST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/effect.h"
#include "carecast/error.h"
#include "carecast/file.h"
#include "carecast/forecast.h"
#include "carecast/manifest.h"
#include "carecast/model.h"
#include "carecast/multistate.h"
#include "carecast/series.h"
#include "carecast/source.h"

#define CC_STORE_FORMAT "carecast-store"
#define CC_STORE_FORMAT_VERSION 1

typedef struct cc_store cc_store;

typedef enum cc_store_mode {
  CC_STORE_READ = 0,  /* the store must exist; nothing can be changed */
  CC_STORE_WRITE = 1, /* created when absent; changes become visible at cc_store_commit */
} cc_store_mode;

/* Called at named stages of a write (for fault-injection tests: a test may
 * kill the process there). NULL to do nothing. */
typedef void (*cc_store_checkpoint_fn)(void *context, const char *stage);

typedef struct cc_store_options {
  cc_store_checkpoint_fn checkpoint; /* may be NULL */
  void *checkpoint_context;          /* passed to checkpoint */
} cc_store_options;

/* Open the store at path. options may be NULL. A store of another format
 * version, or a file that is not a carecast store, is refused with
 * CC_EINPUT. The caller closes *out with cc_store_close. */
CC_MUST_CHECK cc_status cc_store_open(const char *path, cc_store_mode mode, const cc_store_options *options,
                                      cc_store **out, cc_error *err);

/* Make every change since cc_store_open visible, atomically and durably.
 * After a commit the store is closed for writing: only cc_store_close is allowed. */
CC_MUST_CHECK cc_status cc_store_commit(cc_store *store, cc_error *err);

/* Close the store, discarding uncommitted changes. No operation when NULL. */
void cc_store_close(cc_store *store);

/* The path the store was opened at. */
const char *cc_store_path(const cc_store *store);

/* Call the checkpoint hook with stage (fault-injection tests). */
void cc_store_checkpoint(cc_store *store, const char *stage);

/* ---- sources ---------------------------------------------------------- */

typedef struct cc_source_record {
  char source_id[CC_SOURCE_ID_MAX];       /* id from the manifest */
  char file_name[CC_ERROR_FILE_MAX];      /* name of the CSV (no directory) */
  char sha256[CC_SHA256_HEX_LEN + 1];     /* of the CSV's bytes */
  char manifest_sha256[CC_SHA256_HEX_LEN + 1]; /* of the manifest's bytes */
  char organisation[32];                  /* organisation type */
  char organisation_name[256];            /* who supplied it */
  char refreshed[11];                     /* date of the extract */
  char ingested_at[32];                   /* when this version was read, ISO 8601 UTC */
  int64_t version;                        /* 1 for the first version, then 2, ... */
  int64_t rows_read;                      /* data rows in the CSV */
  int64_t rows_rejected;                  /* rows refused */
  int64_t rows_duplicate;                 /* exact repeats read once */
  int64_t observations;                   /* observations kept */
} cc_source_record;

/* Find the current record of source_id. *found is 0 when it is not in the store. */
CC_MUST_CHECK cc_status cc_store_source_record(cc_store *store, const char *source_id, cc_source_record *record,
                                               int *found, cc_error *err);

/* The ids of all sources, sorted. The caller frees the array with cc_store_free_names. */
CC_MUST_CHECK cc_status cc_store_source_ids(cc_store *store, char ***ids, size_t *n, cc_error *err);

/* Every version recorded for source_id, oldest first (caller frees *versions). */
CC_MUST_CHECK cc_status cc_store_source_versions(cc_store *store, const char *source_id, cc_source_record **versions,
                                                 size_t *n, cc_error *err);

/* The manifest text of the current version of source_id (caller frees *text). */
CC_MUST_CHECK cc_status cc_store_source_manifest(cc_store *store, const char *source_id, char **text, cc_error *err);

/* The current observations of source_id, sorted by key (caller frees *obs). */
CC_MUST_CHECK cc_status cc_store_source_observations(cc_store *store, const char *source_id, cc_observation **obs,
                                                     size_t *n, cc_error *err);

/* Write src as the new current version of its source: its observations,
 * provenance (record) and manifest, appending record to the version history. */
CC_MUST_CHECK cc_status cc_store_source_put(cc_store *store, const cc_source *src, const cc_source_record *record,
                                            cc_error *err);

/* ---- measures --------------------------------------------------------- */

typedef struct cc_measure_record {
  cc_measure_def def;  /* frequency, kind, unit (description not kept here) */
  char *source_ids;    /* comma-separated sources that declare it (owned) */
} cc_measure_record;

/* Read /measures/<name>; *found 0 when absent. Free record->source_ids. */
CC_MUST_CHECK cc_status cc_store_measure_get(cc_store *store, const char *name, cc_measure_record *record, int *found,
                                             cc_error *err);

/* Write /measures/<name>; a record with empty source_ids deletes it. */
CC_MUST_CHECK cc_status cc_store_measure_put(cc_store *store, const cc_measure_record *record, cc_error *err);

/* ---- series ----------------------------------------------------------- */

/* The ids of all series, sorted. The caller frees with cc_store_free_names. */
CC_MUST_CHECK cc_status cc_store_series_ids(cc_store *store, char ***ids, size_t *n, cc_error *err);

/* Read the series with id. CC_EINPUT when there is none. Caller frees *out. */
CC_MUST_CHECK cc_status cc_store_series_read(cc_store *store, const char *id, cc_series **out, cc_error *err);

/* Write (or replace) series s under /series/<s->id>. */
CC_MUST_CHECK cc_status cc_store_series_write(cc_store *store, const cc_series *s, cc_error *err);

/* Delete the series with id (no error when absent). */
CC_MUST_CHECK cc_status cc_store_series_delete(cc_store *store, const char *id, cc_error *err);

/* 1 when a series with id exists. */
int cc_store_series_exists(cc_store *store, const char *id);

/* ---- originals kept by the quality stage ---------------------------------- */

/* Keep the series with id as ingested before the quality stage replaces it:
 * copy /series/<id> to /original/<id>, unless a copy is already there (so
 * the copy is always the series as built from the sources). */
CC_MUST_CHECK cc_status cc_store_series_keep_original(cc_store *store, const char *id, cc_error *err);

/* Read /original/<id> into *out (caller frees); *found 0 (and *out NULL) when there is none. */
CC_MUST_CHECK cc_status cc_store_series_read_original(cc_store *store, const char *id, cc_series **out, int *found,
                                                      cc_error *err);

/* Drop /original/<id> (ingest does when it rebuilds the series from its sources). No error when absent. */
CC_MUST_CHECK cc_status cc_store_series_forget_original(cc_store *store, const char *id, cc_error *err);
/* ---- the linked panel (carecast link) ----------------------------------- */

/* The keys of the panel's series, "<frequency>/<measure>/<geography>/<age_band>",
 * sorted. The caller frees with cc_store_free_names. */
CC_MUST_CHECK cc_status cc_store_panel_keys(cc_store *store, char ***keys, size_t *n, cc_error *err);

/* Read the panel series with key. CC_EINPUT when there is none. Caller frees *out. */
CC_MUST_CHECK cc_status cc_store_panel_read(cc_store *store, const char *key, cc_series **out, cc_error *err);

/* Write s under /panel/<frequency of s>/<s->id>. */
CC_MUST_CHECK cc_status cc_store_panel_write(cc_store *store, const cc_series *s, cc_error *err);

/* ---- the series models are fitted to ----------------------------------------------- */

/* 1 when carecast link has written a panel. */
int cc_store_has_panel(cc_store *store);

/* The series models are fitted to (fit, backtest, effect, the demand models and
 * scenarios): once the store has a panel, the panel's, each at the finest
 * frequency the panel has for it (its own frequency, or months where Denton
 * disaggregation was asked for), with the linked GSS codes and common age
 * bands; before that, /series. Ids are sorted; free them with cc_store_free_names. */
CC_MUST_CHECK cc_status cc_store_model_series_ids(cc_store *store, char ***ids, size_t *n, cc_error *err);

/* Read the model series with id (as above). CC_EINPUT when there is none. Caller frees *out. */
CC_MUST_CHECK cc_status cc_store_model_series_read(cc_store *store, const char *id, cc_series **out, cc_error *err);

/* 1 when there is a model series with id. */
int cc_store_model_series_exists(cc_store *store, const char *id);

/* Remove the whole panel (no error when there is none). */
CC_MUST_CHECK cc_status cc_store_panel_clear(cc_store *store, cc_error *err);

/* Set (value not NULL) or read (*value, caller frees; NULL when absent) a text attribute of /panel. */
CC_MUST_CHECK cc_status cc_store_panel_set_note(cc_store *store, const char *name, const char *value, cc_error *err);
CC_MUST_CHECK cc_status cc_store_panel_get_note(cc_store *store, const char *name, char **value, cc_error *err);

/* ---- runs: fitted models and forecasts ------------------------------------------- */

#define CC_RUN_ID_MAX 40 /* "20261129T200205Z" and a "-N" suffix, with NUL */

/* What a stored model needs to be forecast without its series. */
typedef struct cc_model_context {
  char series_id[CC_SERIES_ID_MAX]; /* the series it was fitted to */
  cc_kind kind;                     /* counts (flow, stock) are forecast non-negative */
  cc_freq freq;                     /* frequency of the series */
  cc_period next;                   /* the first period after the series */
  double ljung_box_p;               /* residual Ljung-Box p-value, NaN when too few residuals */
} cc_model_context;

/* Make a new group /<kind>/<run_id> ("models" or "forecasts"); the id is the
 * timestamp (20261129T200205Z), with -002, -003, ... when taken in the same
 * second, so that ids sort in the order the runs were made. */
CC_MUST_CHECK cc_status cc_store_run_create(cc_store *store, const char *kind, const char *timestamp, char *run_id,
                                            cc_error *err);

/* Set a text attribute of run /<kind>/<run_id>. */
CC_MUST_CHECK cc_status cc_store_run_describe(cc_store *store, const char *kind, const char *run_id, const char *name,
                                              const char *value, cc_error *err);

/* The newest run of kind (the largest id); *found 0 when there is none. */
CC_MUST_CHECK cc_status cc_store_run_latest(cc_store *store, const char *kind, char *run_id, int *found, cc_error *err);

/* The ids of every run of kind, oldest first (free with cc_store_free_names). */
CC_MUST_CHECK cc_status cc_store_run_ids(cc_store *store, const char *kind, char ***ids, size_t *n, cc_error *err);

/* The text attribute `name` of run /<kind>/<run_id> into buf (len bytes); *found 0 when absent. */
CC_MUST_CHECK cc_status cc_store_run_attribute(cc_store *store, const char *kind, const char *run_id, const char *name,
                                               char *buf, size_t len, int *found, cc_error *err);

/* 1 when /<kind>/<run_id> exists. */
int cc_store_run_exists(cc_store *store, const char *kind, const char *run_id);

/* The series ids in run /<kind>/<run_id>, sorted (free with cc_store_free_names). */
CC_MUST_CHECK cc_status cc_store_run_series(cc_store *store, const char *kind, const char *run_id, char ***ids, size_t *n,
                                            cc_error *err);

/* Write model m of series context->series_id into /models/<run_id>/<series_id>. */
CC_MUST_CHECK cc_status cc_store_model_write(cc_store *store, const char *run_id, const cc_model *m,
                                             const cc_model_context *context, cc_error *err);

/* Read it back: a model the caller frees (its family from the registry) and its context. */
CC_MUST_CHECK cc_status cc_store_model_read(cc_store *store, const char *run_id, const char *series_id, cc_model **out,
                                            cc_model_context *context, cc_error *err);

/* Write forecast f of a series into /forecasts/<run_id>/<series_id>: periods,
 * mean, bounds per level, and the sample paths (float32). */
CC_MUST_CHECK cc_status cc_store_forecast_write(cc_store *store, const char *run_id, const char *series_id,
                                                const cc_forecast *f, cc_period first, const char *model_spec,
                                                cc_error *err);

/* ---- forecasts as regressors' future values (store_forecasts.c) ------------------ */

/* The newest forecast run (largest id, other than exclude_run, which may be
 * NULL) that holds a forecast of series_id, into run_id (CC_RUN_ID_MAX
 * bytes); *found 0 when none does. */
CC_MUST_CHECK cc_status cc_store_forecast_newest_run(cc_store *store, const char *series_id, const char *exclude_run,
                                                     char *run_id, int *found, cc_error *err);

/* The mean forecast of series_id in run run_id at the h periods from first
 * into out[h] (NaN where the run has none); *covered says how many it has.
 * CC_EINPUT when the run holds no forecast of the series. */
CC_MUST_CHECK cc_status cc_store_forecast_mean(cc_store *store, const char *run_id, const char *series_id,
                                               cc_period first, size_t h, double *out, size_t *covered, cc_error *err);

/* ---- intervention effects (store_effects.c) ---------------------------------------- */

/* Write effect r of series_id, a change at period `at` (a ramp of
 * ramp_periods, 0 for a step; control_id NULL for none), into
 * /effects/<run_id>/<series_id>; make the run with cc_store_run_create(store,
 * "effects", ...). */
CC_MUST_CHECK cc_status cc_store_effect_write(cc_store *store, const char *run_id, const char *series_id,
                                              const cc_effect_result *r, cc_period at, int ramp_periods,
                                              const char *control_id, cc_error *err);

/* Read the estimates of /effects/<run_id>/<series_id> back into estimates
 * (*n of them). CC_EINPUT when there is none. */
CC_MUST_CHECK cc_status cc_store_effect_read(cc_store *store, const char *run_id, const char *series_id,
                                             cc_effect_estimate estimates[CC_EFFECT_ESTIMATES], size_t *n,
                                             cc_error *err);
/* Read forecast /forecasts/<run_id>/<series_id> back: *out (caller frees)
 * with mean, bounds, levels and the sample paths, and *first its first
 * period. CC_EINPUT when the run has no forecast of the series. */
CC_MUST_CHECK cc_status cc_store_forecast_read(cc_store *store, const char *run_id, const char *series_id,
                                               cc_forecast **out, cc_period *first, cc_error *err);

/* ---- demand models (cohort and stock-and-flow; demand.h) ------------------------- */

#define CC_DEMAND_GROUP "_demand" /* /models/<run_id>/_demand/<name>/<geography>: never a series id (ids start a-z) */

/* A fitted demand model of one council: what forecasting it needs besides
 * the ordinary models of its driver series (entry flows, rates), which the
 * same run holds. */
typedef struct cc_demand_record {
  char type[16];                          /* "cohort" or "stockflow" */
  char name[CC_MEASURE_MAX];              /* the model file's name */
  char geography[CC_GEOGRAPHY_MAX];
  char *spec_text;                        /* the model file's text (owned) */
  char spec_path[CC_ERROR_FILE_MAX];      /* where it was read from */
  cc_period last;                         /* the last period of the history */
  size_t n_parts;                         /* states (stockflow) or age bands (cohort) */
  char (*part_names)[CC_STATE_NAME_MAX];  /* n_parts */
  char (*output_ids)[CC_SERIES_ID_MAX];   /* n_parts: series forecast (stocks, or demand per band) */
  char (*driver_ids)[CC_SERIES_ID_MAX];   /* n_parts: the driver's series id ("" when none) */
  double *values;                         /* n_parts: stocks at `last` (stockflow) or constant rates (cohort; NaN when forecast) */
  cc_multistate *transitions;             /* stockflow: the estimated model (owned), NULL for cohort */
  double *shrink_weight;                  /* n_parts: own weight n / (n + s) of each state shrunk towards the
                                             statistical neighbours (shrink.h), NaN where not shrunk (and in
                                             stores written before it was kept) */
  size_t n_recent;                        /* indicator values kept per part (0 when no part has a leading indicator) */
  double *indicator_recent;               /* n_parts x n_recent: the last n_recent values of each part's leading
                                             indicator up to `last`, oldest first (NaN where none); NULL when n_recent is 0 */
} cc_demand_record;

/* Allocate a record of n_parts parts (names and ids empty, values and shrink weights NaN). NULL when out of memory. */
cc_demand_record *cc_demand_record_alloc(size_t n_parts);

/* Free r and what it owns. No operation when r is NULL. */
void cc_demand_record_free(cc_demand_record *r);

/* Write r into model run run_id. */
CC_MUST_CHECK cc_status cc_store_demand_write(cc_store *store, const char *run_id, const cc_demand_record *r,
                                              cc_error *err);

/* Write model m under demand record `key` ("<name>/<geography>") of run
 * run_id as the model of its part `part`: a model the demand model forecasts
 * itself (an entry flow's regression on its leading indicator, demand.h), so
 * kept out of the run's series. */
CC_MUST_CHECK cc_status cc_store_demand_model_write(cc_store *store, const char *run_id, const char *key, const char *part,
                                                    const cc_model *m, const cc_model_context *context, cc_error *err);

/* Read it back (caller frees *out). CC_EINPUT when there is none. */
CC_MUST_CHECK cc_status cc_store_demand_model_read(cc_store *store, const char *run_id, const char *key, const char *part,
                                                   cc_model **out, cc_model_context *context, cc_error *err);

/* The demand models of run run_id as "<name>/<geography>" keys, sorted (free with cc_store_free_names). */
CC_MUST_CHECK cc_status cc_store_demand_list(cc_store *store, const char *run_id, char ***keys, size_t *n, cc_error *err);

/* Read the demand model `key` of run run_id (caller frees *out). */
CC_MUST_CHECK cc_status cc_store_demand_read(cc_store *store, const char *run_id, const char *key,
                                             cc_demand_record **out, cc_error *err);

/* ---- scenario results ------------------------------------------------------------ */

/* Write a table (CSV text, header first) as dataset `name` of scenario run
 * /scenarios/<run_id> (one string per line). */
CC_MUST_CHECK cc_status cc_store_scenario_table(cc_store *store, const char *run_id, const char *name, const char *csv,
                                                cc_error *err);

/* Read table `name` of scenario run /scenarios/<run_id> back as CSV text,
 * one line per element, each ended by a newline (caller frees *csv).
 * CC_EINPUT naming the run when it or the table is not in the store. */
CC_MUST_CHECK cc_status cc_store_scenario_table_read(cc_store *store, const char *run_id, const char *name, char **csv,
                                                     cc_error *err);

/* Write n numbers as dataset `name` of scenario run /scenarios/<run_id>. */
CC_MUST_CHECK cc_status cc_store_scenario_values(cc_store *store, const char *run_id, const char *name, const double *values,
                                                 size_t n, cc_error *err);

/* Free an array of n names from cc_store_*_ids. */
void cc_store_free_names(char **names, size_t n);

#endif
