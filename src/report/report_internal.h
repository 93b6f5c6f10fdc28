/* report_internal.h: what the report's files share (report.c gathers,
 * report_series.c writes the series' sections, report_scenario.c the
 * scenarios'). Not a public header. */
#ifndef CARECAST_REPORT_INTERNAL_H
#define CARECAST_REPORT_INTERNAL_H

#include <stdio.h>

#include "carecast/backtest.h"
#include "carecast/charts.h"
#include "carecast/forecast.h"
#include "carecast/quality.h"
#include "carecast/report.h"

/* The services a series belongs to, by the prefix of its measure name. */
typedef struct report_service {
  const char *prefix; /* "asc_"; NULL for the catch-all last entry */
  const char *id;     /* anchor, "adult-social-care" */
  const char *name;   /* "Adult social care" */
} report_service;

#define REPORT_SERVICES 5 /* four services and "Other" */
extern const report_service report_services[REPORT_SERVICES];

/* One series shown: its history, the forecast it is shown from and what
 * the diagnostics need (data quality is assessed for the whole store, report_sections.c). */
typedef struct report_series {
  char id[CC_SERIES_ID_MAX];
  char run[CC_RUN_ID_MAX];         /* the forecast run */
  char model_run[CC_RUN_ID_MAX];   /* the fit run the forecast came from ("" when unknown) */
  int service;                     /* index into report_services */
  char demand_model[CC_MEASURE_MAX]; /* the demand model it is an output of ("" when none) */
  cc_series *history;              /* the stored series (NULL when it is not one, e.g. a derived rate) */
  size_t n_history;                /* values of history before the forecast's first period */
  cc_kind kind;                    /* flow, stock, rate or amount */
  cc_forecast *forecast;
  cc_period first;                 /* the forecast's first period */
  double *lower, *upper, *median;  /* fan bands: CC_FAN_LEVELS x h, level-major, and h */
  cc_model *model;                 /* the fitted model (NULL for a demand model's output) */
  cc_model_context context;
  cc_backtest_result *backtest;    /* NULL when not run */
  char backtest_note[160];         /* why not, or what was run */
} report_series;

typedef struct report {
  cc_store *store;
  const cc_report_options *options;
  FILE *out;
  report_series *series;
  size_t n_series;
  size_t left_out;                 /* matching series over the cap */
  char (*scenario_runs)[CC_RUN_ID_MAX];
  size_t n_scenarios;
  size_t charts, backtests;
} report;

/* One year of a series: observed, or from the forecast's paths (with the
 * observed part of the year when it straddles the forecast's start). */
typedef struct report_year {
  cc_period year;     /* financial (or calendar) year */
  int modelled;       /* 0: every slot observed; 1: some slots forecast */
  double mean;        /* observed value, or the mean forecast */
  double p50, lo80, hi80, lo95, hi95; /* NaN when observed or without paths */
} report_year;

/* Secondary suppression over time: 1 when a month (or quarter) of s's
 * history inside `year` is suppressed when published on its own (the
 * disclosure hook turns it to NaN), so that the year's observed total,
 * published beside the months, would give it away. */
int report_year_withheld(const report *r, const report_series *s, cc_period year);

/* The published text of a yearly figure of s in table: suppressed when the
 * year is observed and report_year_withheld says so, else as
 * report_count_text. */
char *report_year_text(const report *r, const report_series *s, const char *table, const report_year *y, double value,
                       char *buf, size_t len);

/* Load everything series s needs (history, forecast, bands, model
 * and the backtest when asked); s->id, run and model_run set. */
CC_MUST_CHECK cc_status report_series_load(report *r, report_series *s, cc_error *err);
void report_series_clear(report_series *s);

/* The complete years of s (caller frees *years). */
CC_MUST_CHECK cc_status report_series_years(const report_series *s, report_year **years, size_t *n, cc_error *err);

/* The sections about the series: summary, forecasts, quality, diagnostics. */
CC_MUST_CHECK cc_status report_write_summary(report *r, cc_error *err);
CC_MUST_CHECK cc_status report_write_forecasts(report *r, cc_error *err);
CC_MUST_CHECK cc_status report_write_quality(report *r, cc_error *err);
void report_write_diagnostics(report *r);

/* The section of one scenario run. */
CC_MUST_CHECK cc_status report_write_scenario(report *r, const char *run_id, cc_error *err);

/* A count published through the disclosure hook, formatted (suppressed: the hook's text). */
char *report_count_text(const report *r, const char *series_id, const char *table, const char *period,
                        cc_count_origin origin, double value, char *buf, size_t len);

/* What a person calls series s: "asc_home_care_clients, Sheffield (E08000019), 65+". */
void report_series_title(const report *r, const report_series *s, char *buf, size_t len);

/* The anchor of series i ("series-3"). */
void report_series_anchor(size_t i, char *buf, size_t len);

#endif
