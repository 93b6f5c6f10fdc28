/* cmd_quality.c: carecast quality. Assesses every series (quality.h) and
 * reports one CSV row per series and a last row ALL; with --impute,
 * --replace-outliers or --breaks it also writes the handled series back to
 * the store in one atomic commit, keeping each series as ingested under
 * /original/ (docs/store.md). The assessment always reads that original
 * when there is one, so a second run gives the same report and handles the
 * same values, never its own imputations. */
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <string.h>

#include "carecast/quality.h"
#include "cli.h"

#define QUALITY_PROGRESS_EVERY 200 /* a progress line on stderr every so many series */
#define QUALITY_PERIODS_LISTED 12  /* outlier periods named per row; the rest are counted */

/* Totals for the ALL row. */
typedef struct quality_totals {
  size_t series, n, missing, runs, longest, suppressed, outliers, zeros, breaks;
  double score_sum;
  size_t imputed, replaced, handled, breaks_handled;
} quality_totals;

static void print_header(FILE *out) {
  fprintf(out, "series_id,n,missing,missing_runs,longest_gap,suppressed,outliers,zeros,break_period,break_p,score,"
               "outlier_periods\n");
}

static void print_row(FILE *out, const cc_series *s, const cc_quality *q) {
  char period[CC_PERIOD_TEXT_MAX] = "";
  if (q->has_break) cc_period_format(cc_series_period(s, q->break_index), period, sizeof period);
  fprintf(out, "%s,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%s,", s->id, q->n, q->missing, q->missing_runs, q->longest_gap,
          q->suppressed, q->outliers, q->zeros, period);
  if (q->has_break) fprintf(out, "%.3g", q->break_p);
  fprintf(out, ",%.1f,", q->score);
  size_t listed = 0;
  for (size_t i = 0; i < q->n; i++) {
    if (!(q->marks[i] & CC_QUALITY_MARK_OUTLIER)) continue;
    if (listed++ >= QUALITY_PERIODS_LISTED) continue;
    char text[CC_PERIOD_TEXT_MAX];
    fprintf(out, "%s%s", listed > 1 ? " " : "", cc_period_format(cc_series_period(s, i), text, sizeof text));
  }
  if (listed > QUALITY_PERIODS_LISTED) fprintf(out, " (+%zu)", listed - QUALITY_PERIODS_LISTED);
  fputc('\n', out);
}

static void add_totals(quality_totals *t, const cc_quality *q) {
  t->series++;
  t->n += q->n;
  t->missing += q->missing;
  t->runs += q->missing_runs;
  if (q->longest_gap > t->longest) t->longest = q->longest_gap;
  t->suppressed += q->suppressed;
  t->outliers += q->outliers;
  t->zeros += q->zeros;
  t->breaks += (size_t)q->has_break;
  t->score_sum += q->score;
}

/* Handle one series and write it back, keeping the original. */
static cc_status handle_one(cc_store *store, const cc_series *original, const cc_quality *q,
                            const cc_quality_handling *handling, quality_totals *t, cc_error *err) {
  cc_series *handled = NULL;
  cc_status status = cc_quality_handle(original, q, handling, &handled, err);
  if (!status) status = cc_store_series_keep_original(store, original->id, err);
  if (!status) status = cc_store_series_write(store, handled, err);
  if (!status) {
    /* Count what this run imputed, not what the publisher had (a shortened series lost its head). */
    size_t offset = original->n - handled->n;
    for (size_t i = 0; i < handled->n; i++)
      t->imputed += (handled->flags[i] & CC_OBS_IMPUTED) && !(original->flags[i + offset] & CC_OBS_IMPUTED);
    if (handling->replace_outliers) t->replaced += q->outliers;
    t->breaks_handled += handling->breaks != CC_BREAKS_KEEP && q->has_break;
    t->handled++;
  }
  cc_series_free(handled);
  return status;
}

int cc_cli_quality(const char *store_path, const char *glob, const char *out_path, const cc_quality_handling *handling,
                   int writes) {
  cc_error err;
  cc_error_clear(&err);
  cc_store_options options = cc_cli_store_options();
  cc_store *store = NULL;
  char **ids = NULL;
  size_t n_ids = 0;
  quality_totals totals = {0};
  FILE *out = stdout;
  cc_status status = cc_store_open(store_path, writes ? CC_STORE_WRITE : CC_STORE_READ, &options, &store, &err);
  if (!status) status = cc_store_series_ids(store, &ids, &n_ids, &err);
  if (!status && out_path && !(out = fopen(out_path, "w")))
    status = cc_error_set(&err, CC_EINPUT, out_path, 0, "out", "cannot write the report");
  if (!status) print_header(out);
  for (size_t i = 0; !status && i < n_ids; i++) {
    if (glob && fnmatch(glob, ids[i], 0) != 0) continue;
    cc_series *s = NULL;
    int kept = 0;
    cc_quality *q = NULL;
    status = cc_store_series_read_original(store, ids[i], &s, &kept, &err);
    if (!status && !kept) status = cc_store_series_read(store, ids[i], &s, &err);
    if (!status && !(q = cc_quality_alloc(s->n))) status = cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    if (!status) status = cc_quality_assess(s, q, &err);
    if (!status) {
      print_row(out, s, q);
      add_totals(&totals, q);
    }
    if (!status && writes) status = handle_one(store, s, q, handling, &totals, &err);
    if (!status && totals.series % QUALITY_PROGRESS_EVERY == 0)
      fprintf(stderr, "carecast: quality: %zu of %zu series\n", totals.series, n_ids);
    cc_quality_free(q);
    cc_series_free(s);
  }
  if (!status)
    fprintf(out, "ALL,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%zu breaks,,%.1f,\n", totals.n, totals.missing, totals.runs,
            totals.longest, totals.suppressed, totals.outliers, totals.zeros, totals.breaks,
            totals.series ? totals.score_sum / (double)totals.series : 0.0);
  if (out != stdout && out && fclose(out) != 0 && !status)
    status = cc_error_set(&err, CC_EIO, out_path, 0, "out", "cannot finish writing the report");
  if (!status && writes) status = cc_store_commit(store, &err);
  cc_store_free_names(ids, n_ids);
  cc_store_close(store);
  if (status) return writes ? cc_cli_report_unwritten(&err, store_path) : cc_cli_report(&err);
  if (writes)
    fprintf(stderr,
            "carecast: handled %zu series in %s: %zu values imputed or replaced (%zu of them outliers), %zu breaks %s\n",
            totals.handled, store_path, totals.imputed, totals.replaced, totals.breaks_handled,
            handling->breaks == CC_BREAKS_SHORTEN ? "shortened to" : "flagged as steps");
  return CC_EXIT_OK;
}

int cc_cmd_quality(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'},
                                          {"out", required_argument, NULL, 'o'},
                                          {"series", required_argument, NULL, 'g'},
                                          {"impute", no_argument, NULL, 'i'},
                                          {"replace-outliers", no_argument, NULL, 'r'},
                                          {"breaks", required_argument, NULL, 'b'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0}};
  const char *store_path = NULL, *out_path = NULL, *glob = NULL;
  cc_quality_handling handling = {0};
  int opt, writes = 0;
  cc_error err;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:o:g:irb:h", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'o': out_path = optarg; break;
    case 'g': glob = optarg; break;
    case 'i': handling.impute = writes = 1; break;
    case 'r': handling.replace_outliers = writes = 1; break;
    case 'b':
      if (cc_break_handling_parse(optarg, &handling.breaks, &err)) return cc_cli_usage_error("quality", "%s", err.message);
      writes = 1;
      break;
    case 'h': cc_cli_print_usage("quality", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("quality", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("quality", "--store is required");
  if (optind < argc) return cc_cli_usage_error("quality", "unexpected argument: %s", argv[optind]);
  return cc_cli_quality(store_path, glob, out_path, &handling, writes);
}
