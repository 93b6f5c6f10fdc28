/* report.h: the HTML report for people (carecast report).
 *
 * One self-contained HTML file from a store: a summary of demand by service
 * (now, and in one, three and five years, with 80% intervals), a fan chart
 * and a table by year for each series shown, the data-quality summary,
 * model diagnostics for analysts (model, parameters, residual checks and a
 * quick rolling-origin backtest), and per scenario run its savings by year
 * and organisation with P10/P50/P90, NPV, return, payback and the tornado
 * chart. Which series are shown: those matching the caller's globs, or by
 * default the outputs of the demand models and then the count series of
 * each service (adult social care, children's services, NHS, police) up to
 * a cap per service. Each series is shown from the newest forecast run that
 * holds it.
 *
 * Disclosure control: every count the report publishes -- an observed
 * value, a forecast, an interval bound, a yearly total, a count in a
 * scenario's demand table -- passes through one function,
 * cc_report_publish_count (report_publish.c), which hands it to the
 * cc_disclosure hook of the options. The hook decides what is published:
 * the value, a rounded value, or NaN for a suppressed one (written as the
 * hook's suppressed_text). cc_disclosure_none publishes everything as it
 * is: for internal reports (CC_HTML_INTERNAL_TEXT on every page). Money,
 * rates and model statistics are not counts and do not pass through it. */
#ifndef CARECAST_REPORT_H
#define CARECAST_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "carecast/error.h"
#include "carecast/geography.h"
#include "carecast/series.h"
#include "carecast/store.h"

#define CC_REPORT_SERIES_MAX 60          /* fan charts in one report at most (each is about 10 kB) */
#define CC_REPORT_SERIES_PER_SERVICE 12  /* series of one service shown by default */
#define CC_REPORT_BACKTEST_ORIGINS 4     /* forecast origins of the quick backtest */
#define CC_REPORT_BACKTEST_SERIES_MAX 60 /* series backtested at most (bounds the time it takes) */
#define CC_REPORT_YEARS_AHEAD_MAX 5      /* the summary's furthest year */

/* ---- disclosure control: the one place published counts pass ------------ */

/* Where a count is published. */
typedef enum cc_count_origin {
  CC_COUNT_OBSERVED = 0, /* a value as observed (history, the year before the forecast) */
  CC_COUNT_MODELLED = 1, /* a forecast, an interval bound or a scenario's projected demand */
} cc_count_origin;

/* A count about to be published. */
typedef struct cc_published_count {
  const char *series_id;   /* the series it belongs to (NULL when none) */
  const char *table;       /* where it appears: "history", "summary", "forecast_by_year", "scenario_demand" */
  const char *period;      /* the period or year it is for (NULL when none) */
  cc_count_origin origin;  /* observed or modelled */
  double value;            /* the count (NaN: nothing to publish) */
} cc_published_count;

/* A disclosure-control hook: the value to publish for count (rounded, or
 * NaN to suppress it). Must not fail; must be safe to call many times. */
typedef double (*cc_disclosure_fn)(void *context, const cc_published_count *count);

typedef struct cc_disclosure {
  const char *name;            /* what it does, printed in the report ("none (internal use)") */
  cc_disclosure_fn apply;      /* NULL: every count is published as it is */
  void *context;               /* passed to apply */
  const char *suppressed_text; /* shown for a suppressed count, e.g. "[c]" */
} cc_disclosure;

/* The hook that publishes every count as it is. */
void cc_disclosure_none(cc_disclosure *d);

/* The value to publish for count under d: d->apply's answer, or the value
 * itself when d has no hook. The one function every published count passes. */
double cc_report_publish_count(const cc_disclosure *d, const cc_published_count *count);

/* ---- the report ----------------------------------------------------------- */

typedef struct cc_report_options {
  const char *const *series_globs;   /* series to show (fnmatch patterns); NULL for the default choice */
  size_t n_series_globs;
  const char *const *scenario_runs;  /* scenario run ids; NULL for the newest run of each scenario name */
  size_t n_scenario_runs;
  int internal;                      /* 1: mark every page CC_HTML_INTERNAL_TEXT */
  cc_disclosure disclosure;          /* the hook every published count passes */
  size_t series_max;                 /* charts at most (default CC_REPORT_SERIES_MAX) */
  size_t per_service;                /* default choice: series per service (default CC_REPORT_SERIES_PER_SERVICE) */
  int backtest;                      /* 1 (default): a quick backtest per series shown */
  const char *created_at;            /* the time shown on the report, e.g. "2026-11-29T22:00:00Z" (may be NULL) */
  const char *store_label;           /* what to call the store (e.g. its file name; NULL: its path) */
  const cc_geo_lookup *places;       /* names of the geography codes (data/lookups); NULL: codes only */
} cc_report_options;

/* Defaults: everything off or NULL, the caps above, cc_disclosure_none, backtest on. */
void cc_report_options_default(cc_report_options *options);

/* What a report holds, for the command line to say. */
typedef struct cc_report_summary {
  size_t series_shown;     /* fan charts */
  size_t series_left_out;  /* matching series over the cap */
  size_t scenarios_shown;  /* scenario runs */
  size_t charts;           /* every chart */
  size_t backtests;        /* series backtested */
} cc_report_summary;

/* Write the report of store to out. CC_EINPUT when the store has no
 * forecast run, no forecast matches the globs, or a scenario run id is not
 * in the store (named). summary may be NULL. The caller checks ferror(out). */
CC_MUST_CHECK cc_status cc_report_write(cc_store *store, const cc_report_options *options, FILE *out,
                                        cc_report_summary *summary, cc_error *err);

#endif
