/* cmd_report.c: carecast report. Writes the HTML report of a store
 * (report.h) to one self-contained file, atomically. Read-only on the store.
 *
 * Disclosure control: without --internal the report is meant for
 * publication, and every published count passes through the hook that
 * publication_disclosure() sets up: the rule its measure follows in the
 * disclosure rules file (data/disclosure.yaml, disclosure.h). With
 * --internal nothing is suppressed and every page says so. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carecast/file.h"
#include "carecast/report.h"
#include "carecast/disclosure.h"
#include "cli.h"

#define CC_REPORT_GLOBS_MAX 32     /* --series options */
#define CC_REPORT_SCENARIOS_MAX 64 /* --scenario options */

/* The hook for a report meant for publication: every count passes the rule
 * its measure follows in the disclosure rules file (data/disclosure.yaml,
 * disclosure.h): rounded where the rule rounds, suppressed (NaN) where it is
 * a small count. Secondary suppression needs a whole table with its totals
 * and is done by carecast publish; the report's counts are single cells. */
static double publish_count(void *context, const cc_published_count *count) {
  const cc_disclosure_rules *rules = context;
  char measure[CC_MEASURE_MAX] = "", geography[CC_GEOGRAPHY_MAX], band[CC_AGE_BAND_MAX], text[CC_DISCLOSURE_TEXT_MAX];
  cc_error ignored;
  if (count->series_id && cc_series_split_id(count->series_id, measure, geography, band, &ignored) != CC_OK) measure[0] = '\0';
  cc_disclosure_outcome outcome = cc_disclosure_apply_cell(rules, measure, count->value, text, sizeof text);
  if (outcome != CC_SDC_SHOWN) return NAN;
  return strtod(text, NULL);
}

static int publication_disclosure(cc_disclosure *d, cc_disclosure_rules **rules) {
  char path[CC_ERROR_FILE_MAX];
  cc_error err;
  if (cc_disclosure_rules_load(cc_cli_disclosure_rules_path(NULL, path, sizeof path), rules, &err) != CC_OK)
    return cc_cli_report(&err);
  cc_disclosure_none(d);
  d->name = "published counts follow data/disclosure.yaml: children's figures of 1 to 5 and health and adult social "
            "care figures of 1 to 7 are suppressed, health and adult social care figures rounded to 5 (docs/disclosure.md)";
  d->apply = publish_count;
  d->context = *rules;
  d->suppressed_text = "[c]";
  return CC_EXIT_OK;
}

int cc_cli_report_places(const char *lookups_dir, cc_geo_lookup **places) {
  *places = NULL;
  char dir[CC_ERROR_FILE_MAX];
  if (lookups_dir) snprintf(dir, sizeof dir, "%s", lookups_dir);
  else snprintf(dir, sizeof dir, "%s/lookups", cc_cli_data_dir(NULL));
  if (!lookups_dir && !cc_file_exists(dir)) return CC_EXIT_OK; /* no names: the codes are shown */
  cc_error err;
  if (cc_geo_lookup_load(dir, places, &err) != CC_OK) return cc_cli_report(&err);
  return CC_EXIT_OK;
}

int cc_cli_report_write(const char *store_path, const char *out_path, const cc_report_options *given, FILE *progress) {
  cc_report_options chosen = *given, *options = &chosen;
  cc_disclosure_rules *rules = NULL;
  if (options->internal) cc_disclosure_none(&options->disclosure);
  else {
    int code = publication_disclosure(&options->disclosure, &rules);
    if (code) return code;
  }
  cc_error err;
  cc_error_clear(&err);
  cc_store_options store_options = cc_cli_store_options();
  cc_store *store = NULL;
  char *html = NULL;
  size_t len = 0;
  FILE *out = NULL;
  cc_report_summary summary;
  cc_status st = cc_store_open(store_path, CC_STORE_READ, &store_options, &store, &err);
  if (!st && !(out = open_memstream(&html, &len))) st = cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st) st = cc_report_write(store, options, out, &summary, &err);
  if (out && fclose(out) != 0 && !st) st = cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory writing the report");
  if (!st) st = cc_file_write_atomic(out_path, html, len, &err);
  cc_store_close(store);
  free(html);
  cc_disclosure_rules_free(rules);
  if (st) return cc_cli_report(&err);
  fprintf(progress, "report: %zu series (fan charts)%s, %zu scenario run%s, %zu charts, %zu backtests, %zu bytes: %s\n",
          summary.series_shown, summary.series_left_out ? " and more left out (--series chooses)" : "",
          summary.scenarios_shown, summary.scenarios_shown == 1 ? "" : "s", summary.charts, summary.backtests, len,
          out_path);
  return CC_EXIT_OK;
}

int cc_cmd_report(int argc, char **argv) {
  static const struct option options[] = {
      {"store", required_argument, NULL, 's'},  {"out", required_argument, NULL, 'o'},
      {"scenario", required_argument, NULL, 'c'}, {"series", required_argument, NULL, 'g'},
      {"internal", no_argument, NULL, 'i'},     {"no-backtest", no_argument, NULL, 'n'},
      {"lookups", required_argument, NULL, 'l'},
      {"help", no_argument, NULL, 'h'},         {0}};
  const char *store_path = NULL, *out_path = NULL, *lookups_dir = NULL;
  const char *globs[CC_REPORT_GLOBS_MAX], *scenarios[CC_REPORT_SCENARIOS_MAX];
  size_t n_globs = 0, n_scenarios = 0;
  int internal = 0, backtest = 1, opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:o:c:g:inl:h", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'o': out_path = optarg; break;
    case 'c':
      if (n_scenarios == CC_REPORT_SCENARIOS_MAX) return cc_cli_usage_error("report", "at most %d --scenario options", CC_REPORT_SCENARIOS_MAX);
      scenarios[n_scenarios++] = optarg;
      break;
    case 'g':
      if (n_globs == CC_REPORT_GLOBS_MAX) return cc_cli_usage_error("report", "at most %d --series options", CC_REPORT_GLOBS_MAX);
      globs[n_globs++] = optarg;
      break;
    case 'i': internal = 1; break;
    case 'n': backtest = 0; break;
    case 'l': lookups_dir = optarg; break;
    case 'h': cc_cli_print_usage("report", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("report", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (optind < argc) return cc_cli_usage_error("report", "unexpected argument: %s", argv[optind]);
  if (!store_path) return cc_cli_usage_error("report", "--store is required");
  if (!out_path) return cc_cli_usage_error("report", "--out is required");
  cc_report_options report_options;
  cc_report_options_default(&report_options);
  report_options.series_globs = n_globs ? globs : NULL;
  report_options.n_series_globs = n_globs;
  report_options.scenario_runs = n_scenarios ? scenarios : NULL;
  report_options.n_scenario_runs = n_scenarios;
  report_options.internal = internal;
  report_options.backtest = backtest;
  char now[40];
  cc_cli_timestamp(now, sizeof now);
  report_options.created_at = now;
  report_options.store_label = cc_file_basename(store_path);
  cc_geo_lookup *places = NULL;
  int code = cc_cli_report_places(lookups_dir, &places);
  report_options.places = places;
  if (code == CC_EXIT_OK) code = cc_cli_report_write(store_path, out_path, &report_options, stderr);
  cc_geo_lookup_free(places);
  return code;
}
