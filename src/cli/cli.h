/* cli.h: private interface of the carecast command's verbs.
 *
 * main.c knows the verbs only through the table in verbs.c; each verb is a
 * file cmd_<verb>.c with one entry point. Verbs return an exit code:
 * 0 ok, 1 bad input, 2 usage, 3 internal (see error.h). */
#ifndef CARECAST_CLI_H
#define CARECAST_CLI_H

#include <stdio.h>

#include "carecast/error.h"
#include "carecast/quality.h"
#include "carecast/store.h"

#define CC_EXIT_OK 0
#define CC_EXIT_INPUT 1
#define CC_EXIT_USAGE 2
#define CC_EXIT_INTERNAL 3

typedef struct cc_verb {
  const char *name;    /* as typed after "carecast" */
  const char *summary; /* one line for carecast --help */
  const char *usage;   /* the full text of carecast VERB --help */
  int (*run)(int argc, char **argv); /* argv[0] is the verb */
} cc_verb;

extern const cc_verb cc_verbs[]; /* terminated by an entry with a NULL name */

int cc_cmd_import(int argc, char **argv);
int cc_cmd_ingest(int argc, char **argv);
int cc_cmd_list(int argc, char **argv);
int cc_cmd_scenario(int argc, char **argv);
int cc_cmd_show(int argc, char **argv);
int cc_cmd_demo(int argc, char **argv);
int cc_cmd_fit(int argc, char **argv);
int cc_cmd_models(int argc, char **argv);
int cc_cmd_forecast(int argc, char **argv);
int cc_cmd_backtest(int argc, char **argv);
int cc_cmd_link_records(int argc, char **argv);
int cc_cmd_quality(int argc, char **argv);
int cc_cmd_effect(int argc, char **argv);
int cc_cmd_link(int argc, char **argv);
int cc_cmd_publish(int argc, char **argv);

/* The disclosure rules file: option when given, else DATA/disclosure.yaml (data folder as
 * cc_cli_data_dir); buf (len bytes) holds the default. Shared by publish and the report. */
const char *cc_cli_disclosure_rules_path(const char *option, char *buf, size_t len);
int cc_cmd_report(int argc, char **argv);

/* Write the HTML report of the store at store_path to out_path (atomically)
 * and say what it holds on progress (shared by report and demo). The
 * disclosure hook is chosen here from options->internal: none for internal
 * use, else the publication hook of cmd_report.c (where SDC plugs in). */
struct cc_report_options;
struct cc_geo_lookup;

/* The place names for the report: the lookups in lookups_dir, or when it is
 * NULL those of the data folder (none, without an error, when it has none).
 * The caller frees *places with cc_geo_lookup_free. Returns an exit code. */
int cc_cli_report_places(const char *lookups_dir, struct cc_geo_lookup **places);

int cc_cli_report_write(const char *store_path, const char *out_path, const struct cc_report_options *options,
                        FILE *progress);

/* Link the series of the store into its panel and print the report (shared by link and
 * demo). disaggregate: measures to disaggregate to months (NULL-terminated) or NULL.
 * strict: exit 1 when some series could not be linked. Returns an exit code. */
int cc_cli_link(const char *store_path, const char *lookups_dir, const char *const *disaggregate, int strict, FILE *out);

/* --jobs: a count from text, or every core when text is NULL. Returns an exit code. */
int cc_cli_jobs(const char *text, int *jobs);

/* Fit every series matching glob (NULL: all) with the model request (shared by fit and demo). */
int cc_cli_fit(const char *store_path, const char *glob, const char *model_text, const char *lambda_text, int biasadj,
               int jobs, FILE *out);

/* cc_cli_fit with regressors: xreg_text lists series ids ("A,B"), each
 * aligned on every fitted series' periods (regression with ARIMA errors);
 * NULL for none. */
int cc_cli_fit_xreg(const char *store_path, const char *glob, const char *model_text, const char *lambda_text,
                    int biasadj, const char *xreg_text, int jobs, FILE *out);

/* Print err as "carecast: FILE:LINE: field: reason" and return its exit code. */
int cc_cli_report(const cc_error *err);

/* cc_cli_report, then say that the store was left as it was. Returns the exit code. */
int cc_cli_report_unwritten(const cc_error *err, const char *store_path);

/* The current time as a run id stamp, 20261129T200205Z, into buf. */
void cc_cli_run_stamp(char *buf, size_t len);

/* Print a usage error for verb and return CC_EXIT_USAGE. */
int cc_cli_usage_error(const char *verb, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Print the usage text of verb to out. */
void cc_cli_print_usage(const char *verb, FILE *out);

/* Store options for the command line: the test-only fault hook
 * (CARECAST_FAULT_KILL_AT=stage[:n] kills the process at the n-th time the
 * store reaches that stage), nothing else. */
cc_store_options cc_cli_store_options(void);

/* Current UTC time as ISO 8601 (or SOURCE_DATE_EPOCH when set) into buf. */
void cc_cli_timestamp(char *buf, size_t len);

/* The embedded data folder: --data, else $CARECAST_DATA, else the build's default. */
const char *cc_cli_data_dir(const char *option);

/* The folder of model files: the option, else $CARECAST_MODELS, else the project's models/. */
const char *cc_cli_models_dir(const char *option);

/* The folder of scenario files: the option, else $CARECAST_SCENARIOS, else the project's scenarios/. */
const char *cc_cli_scenarios_dir(const char *option);

/* Ingest files into the store at path (shared by ingest and demo). dry_run validates only. */
int cc_cli_ingest_files(const char *store_path, char **files, size_t n_files, int dry_run, FILE *out);

/* Print the series table of a store (shared by list and demo). Filters may be NULL. */
int cc_cli_list_series(const char *store_path, const char *measure, const char *geography, int as_csv, FILE *out);

#define CC_LEVELS_MAX 8 /* interval levels one forecast run may ask for */

/* A forecast run's settings (cmd_forecast.c). */
typedef struct forecast_plan {
  const char *horizon;          /* "H" periods or "Ny" years */
  double levels[CC_LEVELS_MAX]; /* interval levels, percent */
  size_t n_levels;
  size_t n_paths;               /* sample paths kept per series */
  unsigned long seed;           /* base of every series' random stream */
  int jobs;                     /* threads */
} forecast_plan;

/* Parse "80,95" into plan's levels; 0 when malformed. */
int cc_cli_parse_levels(const char *text, forecast_plan *plan);

/* Forecast the models of run model_run (NULL: newest) per plan; CSV to out_path when not NULL. */
int cc_cli_forecast(const char *store_path, const char *model_run, const forecast_plan *plan, const char *out_path,
                    FILE *progress);

/* Run scenario files (side by side when compare) against store_path; CSV tables to out_dir when not NULL. */
struct cc_scenario_options;
int cc_cli_scenarios(const char *store_path, char **files, size_t n_files, const struct cc_scenario_options *options,
                     const char *out_dir, int compare, FILE *out);

/* carecast quality: the report (to out_path, standard output when NULL) and, when writes,
 * the handling of every series matching glob (NULL: all). Returns the exit code. */
int cc_cli_quality(const char *store_path, const char *glob, const char *out_path, const cc_quality_handling *handling,
                   int writes);

/* carecast backtest of model on the series matching glob (NULL: all), CSV to out_path. */
int cc_cli_backtest(const char *store_path, const char *glob, const char *model, size_t horizon, size_t origins, int jobs,
                    const char *out_path);

#endif
