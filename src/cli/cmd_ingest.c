/* cmd_ingest.c: carecast ingest. Reads every file first; writes only when all are good. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/ingest.h"
#include "carecast/source.h"
#include "cli.h"

static void free_sources(cc_source **sources, size_t n) {
  for (size_t i = 0; i < n; i++) cc_source_free(sources[i]);
  free(sources);
}

/* Read and validate every file; print every problem. Returns the worst exit code. */
static int read_all(char **files, size_t n_files, cc_source **sources, FILE *out) {
  int worst = CC_EXIT_OK;
  for (size_t i = 0; i < n_files; i++) {
    cc_error_list errors = {0};
    cc_error err;
    cc_error_clear(&err);
    cc_status status = cc_source_read(files[i], &sources[i], &errors, &err);
    if (status == CC_OK) {
      fprintf(out, "read %s: source %s, %zu rows, %zu observations%s\n", files[i], sources[i]->manifest->source_id,
              sources[i]->rows_read, sources[i]->n_obs, sources[i]->rows_duplicate ? " (exact repeats read once)" : "");
      continue;
    }
    if (errors.kept == 0) cc_error_list_add(&errors, &err);
    for (size_t k = 0; k < errors.kept; k++) cc_cli_report(&errors.items[k]);
    if (errors.total > errors.kept)
      fprintf(stderr, "carecast: %s: ... and %zu more errors\n", files[i], errors.total - errors.kept);
    int code = cc_status_exit_code(status);
    if (code > worst) worst = code;
  }
  return worst;
}

int cc_cli_ingest_files(const char *store_path, char **files, size_t n_files, int dry_run, FILE *out) {
  cc_source **sources = calloc(n_files, sizeof *sources);
  cc_ingest_outcome *outcomes = calloc(n_files, sizeof *outcomes);
  if (!sources || !outcomes) {
    free(sources);
    free(outcomes);
    fprintf(stderr, "carecast: out of memory\n");
    return CC_EXIT_INTERNAL;
  }
  int code = read_all(files, n_files, sources, out);
  if (code != CC_EXIT_OK) {
    fprintf(stderr, "carecast: nothing was written to %s\n", store_path);
  } else if (dry_run) {
    fprintf(out, "dry run: %zu file(s) valid; %s not changed\n", n_files, store_path);
  } else {
    cc_error err;
    cc_error_clear(&err);
    char now[32];
    cc_cli_timestamp(now, sizeof now);
    cc_store_options options = cc_cli_store_options();
    cc_store *store = NULL;
    cc_status status = cc_store_open(store_path, CC_STORE_WRITE, &options, &store, &err);
    if (!status) status = cc_ingest_sources(store, sources, n_files, now, outcomes, &err);
    size_t changed = 0;
    for (size_t i = 0; !status && i < n_files; i++) changed += outcomes[i].action != CC_INGEST_UNCHANGED;
    if (!status && changed) status = cc_store_commit(store, &err);
    cc_store_close(store);
    if (status) {
      code = cc_cli_report_unwritten(&err, store_path);
    } else {
      for (size_t i = 0; i < n_files; i++)
        fprintf(out, "ingested %s: source %s %s (version %lld, %zu observations, %zu series written, %zu removed)\n",
                files[i], outcomes[i].source_id, cc_ingest_action_name(outcomes[i].action),
                (long long)outcomes[i].version, outcomes[i].observations, outcomes[i].series_written,
                outcomes[i].series_removed);
      if (!changed) fprintf(out, "%s unchanged: every file was already stored\n", store_path);
    }
  }
  free_sources(sources, n_files);
  free(outcomes);
  return code;
}

int cc_cmd_ingest(int argc, char **argv) {
  static const struct option options[] = {
      {"store", required_argument, NULL, 's'}, {"dry-run", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'}, {0}};
  const char *store_path = NULL;
  int dry_run = 0, opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:nh", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'n': dry_run = 1; break;
    case 'h': cc_cli_print_usage("ingest", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("ingest", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("ingest", "--store is required");
  if (optind >= argc) return cc_cli_usage_error("ingest", "name at least one FILE.csv");
  return cc_cli_ingest_files(store_path, argv + optind, (size_t)(argc - optind), dry_run, stdout);
}
