/* cmd_link.c: carecast link. Links the store's series into the panel
 * (panel.h) and prints what it matched, split, combined and aggregated, and
 * what it could not link. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carecast/panel.h"
#include "cli.h"

#define CC_LINK_DISAGGREGATE_MAX 64 /* measures one --disaggregate may name */

static void print_lines(FILE *out, const char *title, const cc_link_lines *lines) {
  fprintf(out, "%s:%s\n", title, lines->n ? "" : " none");
  for (size_t i = 0; i < lines->n; i++) fprintf(out, "  %s\n", lines->items[i]);
}

static void print_report(FILE *out, const cc_link_report *rep, const char *store_path) {
  fprintf(out, "link: %zu series read, %zu linked into %zu panel series; %s %s\n", rep->series_read, rep->series_linked,
          rep->panel_series, store_path, rep->changed ? "updated" : "unchanged: the panel was already this");
  fprintf(out, "geographies already GSS codes: %zu\n", rep->by_code);
  print_lines(out, "matched (names, legacy and replaced codes)", &rep->matched);
  print_lines(out, "split by population", &rep->split);
  print_lines(out, "combined from parts", &rep->combined);
  print_lines(out, "kept out (the common band is supplied whole)", &rep->superseded);
  fprintf(out, "aggregated: %zu to quarter, %zu to financial_year, %zu to year\n", rep->aggregated[CC_FREQ_QUARTER],
          rep->aggregated[CC_FREQ_FYEAR], rep->aggregated[CC_FREQ_YEAR]);
  print_lines(out, "disaggregated to months", &rep->disaggregated);
  print_lines(out, "could not link", &rep->unlinked);
}

int cc_cli_link(const char *store_path, const char *lookups_dir, const char *const *disaggregate, int strict, FILE *out) {
  if (access(store_path, F_OK) != 0) {
    fprintf(stderr, "carecast: %s: no store here (%s); ingest sources first\n", store_path, strerror(errno));
    return CC_EXIT_INPUT;
  }
  cc_link_options options = cc_link_options_default();
  options.lookups_dir = lookups_dir;
  options.disaggregate = disaggregate;
  cc_error err;
  cc_error_clear(&err);
  cc_store_options store_options = cc_cli_store_options();
  cc_store *store = NULL;
  cc_link_report report;
  memset(&report, 0, sizeof report);
  fprintf(stderr, "link: reading %s\n", store_path);
  cc_status status = cc_store_open(store_path, CC_STORE_WRITE, &store_options, &store, &err);
  if (!status) status = cc_link_run(store, &options, &report, &err);
  if (!status && report.changed) status = cc_store_commit(store, &err);
  cc_store_close(store);
  if (status) return cc_cli_report_unwritten(&err, store_path);
  print_report(out, &report, store_path);
  int code = strict && report.unlinked.n ? CC_EXIT_INPUT : CC_EXIT_OK;
  if (code) fprintf(stderr, "carecast: %zu series could not be linked (--strict)\n", report.unlinked.n);
  cc_link_report_free(&report);
  return code;
}

int cc_cmd_link(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'},
                                          {"lookups", required_argument, NULL, 'l'},
                                          {"data", required_argument, NULL, 'd'},
                                          {"disaggregate", required_argument, NULL, 'm'},
                                          {"strict", no_argument, NULL, 'x'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0}};
  const char *store_path = NULL, *lookups = NULL, *data = NULL;
  char *measures = NULL;
  int strict = 0, opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:l:d:m:xh", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'l': lookups = optarg; break;
    case 'd': data = optarg; break;
    case 'm': measures = optarg; break;
    case 'x': strict = 1; break;
    case 'h': cc_cli_print_usage("link", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("link", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("link", "--store is required");
  if (optind < argc) return cc_cli_usage_error("link", "unexpected argument: %s", argv[optind]);
  if (lookups && data) return cc_cli_usage_error("link", "--lookups and --data name the same thing: give one");
  char lookups_buf[CC_ERROR_FILE_MAX];
  if (!lookups) {
    snprintf(lookups_buf, sizeof lookups_buf, "%s/lookups", cc_cli_data_dir(data));
    lookups = lookups_buf;
  }
  const char *list[CC_LINK_DISAGGREGATE_MAX + 1] = {NULL};
  char *copy = measures ? strdup(measures) : NULL;
  if (measures && !copy) return CC_EXIT_INTERNAL;
  size_t n = 0;
  for (char *save = NULL, *m = copy ? strtok_r(copy, ",", &save) : NULL; m; m = strtok_r(NULL, ",", &save)) {
    if (n == CC_LINK_DISAGGREGATE_MAX) {
      free(copy);
      return cc_cli_usage_error("link", "--disaggregate names more than %d measures", CC_LINK_DISAGGREGATE_MAX);
    }
    list[n++] = m;
  }
  if (measures && n == 0) {
    free(copy);
    return cc_cli_usage_error("link", "--disaggregate needs a measure, a list of them, or all");
  }
  int code = cc_cli_link(store_path, lookups, n ? list : NULL, strict, stdout);
  free(copy);
  return code;
}
