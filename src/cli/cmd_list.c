/* cmd_list.c: carecast list. One line per series: frequency, span, gaps, sources. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static void print_row(FILE *out, const cc_series *s, int as_csv, int id_width) {
  char first[CC_PERIOD_TEXT_MAX], last[CC_PERIOD_TEXT_MAX];
  cc_period_format(s->start, first, sizeof first);
  cc_period_format(cc_series_period(s, s->n ? s->n - 1 : 0), last, sizeof last);
  size_t missing = cc_series_count_missing(s), suppressed = cc_series_count_flag(s, CC_OBS_SUPPRESSED);
  if (as_csv)
    fprintf(out, "%s,%s,%s,%s,%zu,%zu,%zu,%s\n", s->id, cc_freq_name(s->freq), first, last, s->n, missing, suppressed,
            s->source_ids);
  else
    fprintf(out, "%-*s %-14s %-8s %-8s %5zu %7zu %10zu  %s\n", id_width, s->id, cc_freq_name(s->freq), first, last, s->n,
            missing, suppressed, s->source_ids);
}

int cc_cli_list_series(const char *store_path, const char *measure, const char *geography, int as_csv, FILE *out) {
  cc_error err;
  cc_error_clear(&err);
  cc_store *store = NULL;
  char **ids = NULL;
  size_t n = 0, shown = 0;
  cc_status status = cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err);
  if (!status) status = cc_store_series_ids(store, &ids, &n, &err);
  /* Keep the ids that pass the filters, and the width of the longest. */
  size_t kept = 0;
  int id_width = (int)strlen("series");
  for (size_t i = 0; !status && i < n; i++) {
    char m[CC_MEASURE_MAX], g[CC_GEOGRAPHY_MAX], a[CC_AGE_BAND_MAX];
    if ((status = cc_series_split_id(ids[i], m, g, a, &err))) break;
    if ((measure && strcmp(measure, m) != 0) || (geography && strcmp(geography, g) != 0)) continue;
    if ((int)strlen(ids[i]) > id_width) id_width = (int)strlen(ids[i]);
    char *keep = ids[i];
    ids[i] = ids[kept];
    ids[kept++] = keep;
  }
  if (!status) {
    if (as_csv) fprintf(out, "series_id,frequency,first,last,periods,missing,suppressed,sources\n");
    else fprintf(out, "%-*s %-14s %-8s %-8s %5s %7s %10s  %s\n", id_width, "series", "frequency", "first", "last", "n",
                 "missing", "suppressed", "sources");
  }
  for (size_t i = 0; !status && i < kept; i++) {
    cc_series *s = NULL;
    if ((status = cc_store_series_read(store, ids[i], &s, &err))) break;
    print_row(out, s, as_csv, id_width);
    shown++;
    cc_series_free(s);
  }
  cc_store_free_names(ids, n);
  cc_store_close(store);
  if (status) return cc_cli_report(&err);
  if (!as_csv) fprintf(out, "%zu series\n", shown);
  return CC_EXIT_OK;
}

int cc_cmd_list(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'},
                                          {"measure", required_argument, NULL, 'm'},
                                          {"geography", required_argument, NULL, 'g'},
                                          {"csv", no_argument, NULL, 'c'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0}};
  const char *store_path = NULL, *measure = NULL, *geography = NULL;
  int as_csv = 0, opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:m:g:ch", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'm': measure = optarg; break;
    case 'g': geography = optarg; break;
    case 'c': as_csv = 1; break;
    case 'h': cc_cli_print_usage("list", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("list", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("list", "--store is required");
  if (optind < argc) return cc_cli_usage_error("list", "unexpected argument: %s", argv[optind]);
  return cc_cli_list_series(store_path, measure, geography, as_csv, stdout);
}
