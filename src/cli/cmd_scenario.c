/* cmd_scenario.c: carecast scenario. Runs one scenario file (or several
 * side by side with --compare) against the store's forecasts, prints the
 * one-screen summary, writes the tables as CSV to --out, and keeps the
 * results as a run under /scenarios. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carecast/scenario_run.h"
#include "cli.h"

#define CC_COMPARE_MAX 16 /* scenarios side by side */

/* Write the four tables of r into out_dir as <name>_<table>.csv. */
static cc_status write_tables(const cc_scenario_result *r, const char *out_dir, cc_error *err) {
  struct {
    const char *suffix;
    void (*write)(const cc_scenario_result *, FILE *);
  } tables[] = {{"by_year", cc_scenario_write_by_year},
                {"summary", cc_scenario_write_summary},
                {"demand", cc_scenario_write_demand},
                {"sensitivity", cc_scenario_write_sensitivity}};
  if (mkdir(out_dir, 0755) != 0 && errno != EEXIST)
    return cc_error_set(err, CC_EINPUT, out_dir, 0, "out", "cannot create the folder: %s", strerror(errno));
  for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_%s.csv", out_dir, r->name, tables[t].suffix);
    FILE *out = fopen(path, "w");
    if (!out) return cc_error_set(err, CC_EINPUT, path, 0, "out", "cannot write: %s", strerror(errno));
    tables[t].write(r, out);
    if (fclose(out) != 0) return cc_error_set(err, CC_EIO, path, 0, NULL, "cannot finish writing");
  }
  return CC_OK;
}

int cc_cli_scenarios(const char *store_path, char **files, size_t n_files, const cc_scenario_options *options,
                     const char *out_dir, int compare, FILE *out) {
  cc_error err;
  cc_error_clear(&err);
  cc_scenario *scenarios[CC_COMPARE_MAX] = {0};
  cc_scenario_result *results[CC_COMPARE_MAX] = {0};
  char run_ids[CC_COMPARE_MAX][CC_RUN_ID_MAX], stamp[32];
  cc_status status = CC_OK;
  for (size_t i = 0; !status && i < n_files; i++) status = cc_scenario_load(files[i], &scenarios[i], &err);
  if (status) {
    for (size_t i = 0; i < n_files; i++) cc_scenario_free(scenarios[i]);
    return cc_cli_report(&err);
  }
  cc_store_options store_options = cc_cli_store_options();
  cc_store *store = NULL;
  cc_cli_run_stamp(stamp, sizeof stamp);
  status = cc_store_open(store_path, CC_STORE_WRITE, &store_options, &store, &err);
  for (size_t i = 0; !status && i < n_files; i++) {
    fprintf(out, "scenario: %s (%zu draws)\n", scenarios[i]->name, options->draws);
    status = cc_scenario_run(store, scenarios[i], options, &results[i], &err);
    if (!status) status = cc_scenario_store(store, scenarios[i], results[i], stamp, run_ids[i], &err);
    if (!status && out_dir) status = write_tables(results[i], out_dir, &err);
  }
  if (!status) status = cc_store_commit(store, &err);
  cc_store_close(store);
  if (!status) {
    for (size_t i = 0; i < n_files; i++) {
      fputc('\n', out);
      cc_scenario_write_text(results[i], out);
      fprintf(out, "  Stored as /scenarios/%s%s%s\n", run_ids[i], out_dir ? "; tables in " : "", out_dir ? out_dir : "");
    }
    if (compare) {
      fputc('\n', out);
      cc_scenario_write_comparison(results, n_files, out);
    }
  }
  for (size_t i = 0; i < n_files; i++) {
    cc_scenario_free(scenarios[i]);
    cc_scenario_result_free(results[i]);
  }
  if (status) return cc_cli_report_unwritten(&err, store_path);
  return CC_EXIT_OK;
}

int cc_cmd_scenario(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'}, {"draws", required_argument, NULL, 'n'},
                                          {"seed", required_argument, NULL, 'S'},  {"out", required_argument, NULL, 'o'},
                                          {"jobs", required_argument, NULL, 'j'},  {"compare", no_argument, NULL, 'c'},
                                          {"help", no_argument, NULL, 'h'},        {0}};
  const char *store_path = NULL, *out_dir = NULL, *jobs_text = NULL;
  cc_scenario_options run;
  cc_scenario_options_default(&run);
  int opt, compare = 0;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "s:n:S:o:j:ch", options, NULL)) != -1) {
    char *end;
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'n':
      run.draws = strtoul(optarg, &end, 10);
      if (*end || run.draws < 1 || run.draws > CC_SCENARIO_DRAWS_MAX)
        return cc_cli_usage_error("scenario", "--draws must be a whole number from 1 to %d", CC_SCENARIO_DRAWS_MAX);
      break;
    case 'S':
      run.seed = strtoul(optarg, &end, 10);
      if (*end) return cc_cli_usage_error("scenario", "--seed must be a whole number");
      break;
    case 'o': out_dir = optarg; break;
    case 'j': jobs_text = optarg; break;
    case 'c': compare = 1; break;
    case 'h': cc_cli_print_usage("scenario", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("scenario", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("scenario", "--store is required");
  size_t n_files = (size_t)(argc - optind);
  if (n_files == 0) return cc_cli_usage_error("scenario", "name a scenario file (scenarios/*.yaml)");
  if (!compare && n_files > 1) return cc_cli_usage_error("scenario", "several scenario files need --compare");
  if (n_files > CC_COMPARE_MAX) return cc_cli_usage_error("scenario", "at most %d scenarios side by side", CC_COMPARE_MAX);
  int code = cc_cli_jobs(jobs_text, &run.jobs);
  if (code) return code;
  return cc_cli_scenarios(store_path, argv + optind, n_files, &run, out_dir, compare, stdout);
}
