/* cmd_demo.c: carecast demo. The pipeline on the embedded data, stage by stage.
 * Each issue that adds a stage adds it here, until demo runs ingest, link,
 * quality, fit, backtest, forecast, scenarios and the report. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carecast/file.h"
#include "carecast/forecast.h"
#include "cli.h"

#define CC_DEMO_OUT_DEFAULT "carecast-demo"
#define CC_DEMO_HORIZON "3y"     /* three years of each series' own periods */
#define CC_DEMO_SEED 20250401UL

static int compare_paths(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The .csv files in dir, sorted. */
static int find_sources(const char *dir, char ***files, size_t *n) {
  *files = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "carecast: %s: cannot open the data folder: %s\n", dir, strerror(errno));
    return CC_EXIT_INPUT;
  }
  size_t capacity = 0;
  struct dirent *entry;
  int code = CC_EXIT_OK;
  while ((entry = readdir(d)) && code == CC_EXIT_OK) {
    size_t len = strlen(entry->d_name);
    if (len < 5 || strcmp(entry->d_name + len - 4, ".csv") != 0) continue;
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
    fprintf(stderr, "carecast: %s: no source CSV files here\n", dir);
    code = CC_EXIT_INPUT;
  }
  if (code == CC_EXIT_OK) qsort(*files, *n, sizeof **files, compare_paths);
  return code;
}

int cc_cmd_demo(int argc, char **argv) {
  static const struct option options[] = {
      {"out", required_argument, NULL, 'o'}, {"data", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0}};
  const char *out_dir = CC_DEMO_OUT_DEFAULT, *data_option = NULL;
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+o:d:h", options, NULL)) != -1) {
    switch (opt) {
    case 'o': out_dir = optarg; break;
    case 'd': data_option = optarg; break;
    case 'h': cc_cli_print_usage("demo", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("demo", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (optind < argc) return cc_cli_usage_error("demo", "unexpected argument: %s", argv[optind]);
  const char *data_dir = cc_cli_data_dir(data_option);
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
    code = find_sources(sources_dir, &files, &n_files);
  }
  char *forecast_csv = malloc(store_len + 16);
  if (!forecast_csv) code = CC_EXIT_INTERNAL;
  else snprintf(forecast_csv, store_len + 16, "%s/forecasts.csv", out_dir);
  int jobs = 1;
  if (code == CC_EXIT_OK) code = cc_cli_jobs(NULL, &jobs);
  if (code == CC_EXIT_OK) {
    printf("[1/5] ingest: %zu sources from %s into %s\n", n_files, sources_dir, store_path);
    code = cc_cli_ingest_files(store_path, files, n_files, 0, stdout);
  }
  if (code == CC_EXIT_OK) {
    char lookups_dir[CC_ERROR_FILE_MAX];
    snprintf(lookups_dir, sizeof lookups_dir, "%s/lookups", data_dir);
    printf("[2/5] link: GSS codes, common age bands and frequencies, with the lookups in %s\n", lookups_dir);
    code = cc_cli_link(store_path, lookups_dir, NULL, 0, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[3/5] list: the series in %s\n", store_path);
    code = cc_cli_list_series(store_path, NULL, NULL, 0, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[4/5] fit: automatic model choice for every series with at least two observations\n");
    code = cc_cli_fit(store_path, NULL, "auto", NULL, 0, jobs, stdout);
  }
  if (code == CC_EXIT_OK) {
    printf("[5/5] forecast: %s ahead, 80%% and 95%% intervals, %d sample paths per series\n", CC_DEMO_HORIZON,
           CC_FORECAST_PATHS_DEFAULT);
    forecast_plan plan = {.horizon = CC_DEMO_HORIZON, .n_paths = CC_FORECAST_PATHS_DEFAULT, .seed = CC_DEMO_SEED, .jobs = jobs};
    cc_cli_parse_levels("80,95", &plan);
    code = cc_cli_forecast(store_path, NULL, &plan, forecast_csv, stdout);
  }
  if (code == CC_EXIT_OK) printf("done: store %s, forecasts %s\n", store_path, forecast_csv);
  free(forecast_csv);
  for (size_t i = 0; i < n_files; i++) free(files[i]);
  free(files);
  free(sources_dir);
  free(store_path);
  return code;
}
