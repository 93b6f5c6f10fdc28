/* cmd_demo.c: carecast demo. The pipeline on the embedded data, stage by stage.
 * Each issue that adds a stage adds it here, until demo runs ingest, link,
 * quality, fit, backtest, forecast, scenarios and the report. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carecast/demand.h"
#include "carecast/file.h"
#include "carecast/forecast.h"
#include "carecast/report.h"
#include "carecast/scenario_run.h"
#include "cli.h"

#define CC_DEMO_OUT_DEFAULT "carecast-demo"
#define CC_DEMO_HORIZON "3y"     /* three years of each series' own periods */
#define CC_DEMO_DEMAND_HORIZON "5y" /* demand models: the five years a business case appraises */
#define CC_DEMO_STAGES 10           /* the stages below, for the progress lines */
#define CC_DEMO_BACKTEST_SERIES "cs_[a-z]*/E0*/0-17" /* the councils' children's services series */
#define CC_DEMO_BACKTEST_HORIZON 12 /* months ahead scored */
#define CC_DEMO_BACKTEST_ORIGINS 2  /* forecast origins scored */
#define CC_DEMO_SEED 20250401UL

static int compare_paths(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The files in dir whose names end in extension (".csv"), sorted. */
static int find_files(const char *dir, const char *extension, char ***files, size_t *n) {
  *files = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "carecast: %s: cannot open the folder: %s\n", dir, strerror(errno));
    return CC_EXIT_INPUT;
  }
  size_t capacity = 0;
  struct dirent *entry;
  int code = CC_EXIT_OK;
  while ((entry = readdir(d)) && code == CC_EXIT_OK) {
    size_t len = strlen(entry->d_name), ext_len = strlen(extension);
    if (len <= ext_len || strcmp(entry->d_name + len - ext_len, extension) != 0) continue;
    if (*n == capacity) {
      capacity = capacity ? 2 * capacity : 16;
      char **grown = realloc(*files, capacity * sizeof *grown);
      if (!grown) { code = CC_EXIT_INTERNAL; break; }
      *files = grown;
    }
    size_t path_len = strlen(dir) + len + 2;
    if (!((*files)[*n] = malloc(path_len))) { code = CC_EXIT_INTERNAL; break; }
    snprintf((*files)[*n], path_len, "%s/%s", dir, entry->d_name);
    (*n)++;
  }
  closedir(d);
  if (code == CC_EXIT_OK && *n == 0) {
    fprintf(stderr, "carecast: %s: no %s files here\n", dir, extension);
    code = CC_EXIT_INPUT;
  }
  if (code == CC_EXIT_OK) qsort(*files, *n, sizeof **files, compare_paths);
  return code;
}

/* Fit and forecast every model file in models_dir (cohort and stock and
 * flow), each forecast written to out_dir/demand_<name>.csv. */
static int run_demand_models(const char *store_path, const char *models_dir, const char *out_dir, const forecast_plan *plan) {
  char **files = NULL;
  size_t n = 0;
  int code = find_files(models_dir, ".yaml", &files, &n);
  for (size_t i = 0; code == CC_EXIT_OK && i < n; i++) {
    cc_demand_spec *spec = NULL;
    cc_error err;
    if (cc_demand_spec_load(files[i], &spec, &err) != CC_OK) {
      code = cc_cli_report(&err);
      break;
    }
    size_t len = strlen(files[i]) + 16, csv_len = strlen(out_dir) + strlen(spec->name) + 32;
    char *request = malloc(len), *csv = malloc(csv_len);
    if (!request || !csv) code = CC_EXIT_INTERNAL;
    else {
      snprintf(request, len, "%s:%s", spec->type == CC_DEMAND_COHORT ? "cohort" : "stockflow", files[i]);
      snprintf(csv, csv_len, "%s/demand_%s.csv", out_dir, spec->name);
      code = cc_cli_fit(store_path, NULL, request, NULL, 0, plan->jobs, stdout);
      if (code == CC_EXIT_OK) code = cc_cli_forecast(store_path, NULL, plan, csv, stdout);
    }
    free(request);
    free(csv);
    cc_demand_spec_free(spec);
  }
  for (size_t i = 0; i < n; i++) free(files[i]);
  free(files);
  return code;
}

/* Run every scenario file in dir side by side; tables into out_dir/scenarios. */
static int run_scenarios(const char *store_path, const char *dir, const char *out_dir, int jobs) {
  char **files = NULL;
  size_t n = 0;
  int code = find_files(dir, ".yaml", &files, &n);
  size_t len = strlen(out_dir) + 16;
  char *tables = malloc(len);
  if (!tables) code = CC_EXIT_INTERNAL;
  if (code == CC_EXIT_OK) {
    snprintf(tables, len, "%s/scenarios", out_dir);
    cc_scenario_options options;
    cc_scenario_options_default(&options);
    options.jobs = jobs;
    code = cc_cli_scenarios(store_path, files, n, &options, tables, n > 1, stdout);
  }
  free(tables);
  for (size_t i = 0; i < n; i++) free(files[i]);
  free(files);
  return code;
}

int cc_cmd_demo(int argc, char **argv) {
  static const struct option options[] = {
      {"out", required_argument, NULL, 'o'}, {"data", required_argument, NULL, 'd'},
      {"models", required_argument, NULL, 'm'}, {"scenarios", required_argument, NULL, 'c'},
      {"help", no_argument, NULL, 'h'},        {0}};
  const char *out_dir = CC_DEMO_OUT_DEFAULT, *data_option = NULL, *models_option = NULL, *scenarios_option = NULL;
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+o:d:m:c:h", options, NULL)) != -1) {
    switch (opt) {
    case 'o': out_dir = optarg; break;
    case 'd': data_option = optarg; break;
    case 'm': models_option = optarg; break;
    case 'c': scenarios_option = optarg; break;
    case 'h': cc_cli_print_usage("demo", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("demo", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (optind < argc) return cc_cli_usage_error("demo", "unexpected argument: %s", argv[optind]);
  const char *data_dir = cc_cli_data_dir(data_option);
  const char *models_dir = cc_cli_models_dir(models_option);
  const char *scenarios_dir = cc_cli_scenarios_dir(scenarios_option);
  if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "carecast: %s: cannot create the output folder: %s\n", out_dir, strerror(errno));
    return CC_EXIT_INPUT;
  }
  size_t sources_len = strlen(data_dir) + 16, store_len = strlen(out_dir) + 16;
  char *sources_dir = malloc(sources_len), *store_path = malloc(store_len);
  char **files = NULL;
  size_t n_files = 0;
  int code = sources_dir && store_path ? CC_EXIT_OK : CC_EXIT_INTERNAL;
  if (code == CC_EXIT_OK) {
    snprintf(sources_dir, sources_len, "%s/sources", data_dir);
    snprintf(store_path, store_len, "%s/store.h5", out_dir);
    code = find_files(sources_dir, ".csv", &files, &n_files);
  }
  char *forecast_csv = malloc(store_len + 16);
  if (!forecast_csv) code = CC_EXIT_INTERNAL;
  else snprintf(forecast_csv, store_len + 16, "%s/forecasts.csv", out_dir);
  int jobs = 1;
  if (code == CC_EXIT_OK) code = cc_cli_jobs(NULL, &jobs);
  char quality_csv[CC_ERROR_FILE_MAX], backtest_csv[CC_ERROR_FILE_MAX];
  snprintf(quality_csv, sizeof quality_csv, "%s/quality.csv", out_dir);
  snprintf(backtest_csv, sizeof backtest_csv, "%s/backtest.csv", out_dir);
  int stage = 0;
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] ingest: %zu sources from %s into %s\n", ++stage, CC_DEMO_STAGES, n_files, sources_dir, store_path);
    code = cc_cli_ingest_files(store_path, files, n_files, 0, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] quality: gaps, suppressed cells, outliers, breaks per series (%s); missing and suppressed values "
           "imputed, flagged\n",
           ++stage, CC_DEMO_STAGES, quality_csv);
    cc_quality_handling handling = {.impute = 1, .replace_outliers = 0, .breaks = CC_BREAKS_KEEP};
    code = cc_cli_quality(store_path, NULL, quality_csv, &handling, 1);
  }
  if (code == CC_EXIT_OK) {
    char lookups_dir[CC_ERROR_FILE_MAX];
    snprintf(lookups_dir, sizeof lookups_dir, "%s/lookups", data_dir);
    printf("[%d/%d] link: GSS codes, common age bands and frequencies, with the lookups in %s\n", ++stage, CC_DEMO_STAGES,
           lookups_dir);
    code = cc_cli_link(store_path, lookups_dir, NULL, 0, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] list: the series in %s\n", ++stage, CC_DEMO_STAGES, store_path);
    code = cc_cli_list_series(store_path, NULL, NULL, 0, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] fit: automatic model choice for every series with at least two observations\n", ++stage, CC_DEMO_STAGES);
    code = cc_cli_fit(store_path, NULL, "auto", NULL, 0, jobs, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] backtest: the automatic choice on the children's services series, %d origins of %d months (%s)\n",
           ++stage, CC_DEMO_STAGES, CC_DEMO_BACKTEST_ORIGINS, CC_DEMO_BACKTEST_HORIZON, backtest_csv);
    code = cc_cli_backtest(store_path, CC_DEMO_BACKTEST_SERIES, "auto", CC_DEMO_BACKTEST_HORIZON, CC_DEMO_BACKTEST_ORIGINS,
                           jobs, backtest_csv);
  }
  forecast_plan plan = {.horizon = CC_DEMO_HORIZON, .n_paths = CC_FORECAST_PATHS_DEFAULT, .seed = CC_DEMO_SEED, .jobs = jobs};
  cc_cli_parse_levels("80,95", &plan);
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] forecast: %s ahead, 80%% and 95%% intervals, %d sample paths per series\n", ++stage, CC_DEMO_STAGES,
           CC_DEMO_HORIZON, CC_FORECAST_PATHS_DEFAULT);
    code = cc_cli_forecast(store_path, NULL, &plan, forecast_csv, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] demand models: the cohort and stock-and-flow models in %s, fitted and projected %s ahead\n", ++stage,
           CC_DEMO_STAGES, models_dir, CC_DEMO_DEMAND_HORIZON);
    forecast_plan demand_plan = plan;
    demand_plan.horizon = CC_DEMO_DEMAND_HORIZON;
    code = run_demand_models(store_path, models_dir, out_dir, &demand_plan);
  }
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] scenarios: every scenario in %s, %d draws each\n", ++stage, CC_DEMO_STAGES, scenarios_dir,
           CC_SCENARIO_DRAWS_DEFAULT);
    code = run_scenarios(store_path, scenarios_dir, out_dir, jobs);
  }
  char *report_path = malloc(store_len + 16);
  if (!report_path) code = CC_EXIT_INTERNAL;
  else snprintf(report_path, store_len + 16, "%s/report.html", out_dir);
  if (code == CC_EXIT_OK) {
    printf("[%d/%d] report: the HTML report of every stage, %s\n", ++stage, CC_DEMO_STAGES, report_path);
    fflush(stdout);
    cc_report_options report_options;
    cc_report_options_default(&report_options);
    char now[40];
    cc_cli_timestamp(now, sizeof now);
    report_options.created_at = now;
    report_options.store_label = "store.h5 (carecast demo)";
    char lookups_dir[CC_ERROR_FILE_MAX];
    snprintf(lookups_dir, sizeof lookups_dir, "%s/lookups", data_dir);
    cc_geo_lookup *places = NULL;
    code = cc_cli_report_places(lookups_dir, &places);
    report_options.places = places;
    if (code == CC_EXIT_OK) code = cc_cli_report_write(store_path, report_path, &report_options, stdout);
    cc_geo_lookup_free(places);
  }
  if (code == CC_EXIT_OK) printf("done: store %s, forecasts %s, report %s\n", store_path, forecast_csv, report_path);
  free(report_path);
  free(forecast_csv);
  for (size_t i = 0; i < n_files; i++) free(files[i]);
  free(files);
  free(sources_dir);
  free(store_path);
  return code;
}
