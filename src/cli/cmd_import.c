/* cmd_import.c: carecast import. Converts a publisher's table into a source
 * (CSV + manifest) in --out, then reads the source back exactly as
 * `carecast ingest` would, so that what it writes is known to ingest. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/import.h"
#include "carecast/source.h"
#include "cli.h"

#define IMPORT_DATE_LEN 10 /* YYYY-MM-DD */

enum {
  OPT_SOURCE_ID = 256,
  OPT_MEASURE_PREFIX,
  OPT_MEASURE,
  OPT_AGE_BAND,
  OPT_AGE_COLUMN,
  OPT_AGE_BANDS,
  OPT_INDICATORS,
  OPT_LEVEL,
  OPT_FILTER,
  OPT_KIND,
  OPT_RENAME,
  OPT_REPORTING_YEAR,
  OPT_REFRESHED,
  OPT_TITLE,
  OPT_RELEASE,
  OPT_URL,
  OPT_SUPPRESSION_MAX,
};

static void print_help(void) {
  cc_cli_print_usage("import", stdout);
  printf("\nformats:\n");
  for (const cc_import_format *f = cc_import_formats; f->name; f++) printf("  %-10s %s\n", f->name, f->summary);
}

/* Add text to a bounded list of option values; a usage error when full. */
static int add_selection(const char **list, size_t *n, const char *text, const char *option) {
  if (*n == CC_IMPORT_SELECT_MAX)
    return cc_cli_usage_error("import", "%s given more than %d times", option, CC_IMPORT_SELECT_MAX);
  list[(*n)++] = text;
  return CC_EXIT_OK;
}

/* Read the written source back as ingest does; a failure is carecast's bug. */
static int check_written(const char *csv_path) {
  cc_source *src = NULL;
  cc_error err;
  cc_error_clear(&err);
  cc_status status = cc_source_read(csv_path, &src, NULL, &err);
  cc_source_free(src);
  if (status == CC_OK) return CC_EXIT_OK;
  cc_cli_report(&err);
  fprintf(stderr, "carecast: internal error: the source written to %s does not read back\n", csv_path);
  return CC_EXIT_INTERNAL;
}

static int run_import(const char *format, const char *file, const char *out_dir, const cc_import_options *opt) {
  cc_import_result *res = NULL;
  cc_error err;
  cc_error_clear(&err);
  cc_status status = cc_import_file(format, file, opt, &res, &err);
  char csv_path[CC_ERROR_FILE_MAX];
  if (!status) status = cc_import_write(res, out_dir, csv_path, sizeof csv_path, &err);
  if (status) {
    cc_import_result_free(res);
    if (status == CC_EUSAGE) return cc_cli_usage_error("import", "%s", err.message);
    return cc_cli_report(&err);
  }
  cc_import_summary s = cc_import_result_summary(res);
  printf("imported %s (%s): %zu rows read, %zu kept; %zu observations of %zu measures in %zu areas (%zu local "
         "authorities); %zu suppressed, %zu missing, %zu not applicable (left out)\n",
         file, format, s.rows_read, s.rows_kept, s.observations, s.measures, s.areas, s.local_authorities,
         s.suppressed, s.not_available, s.not_applicable);
  printf("wrote %s and its manifest (source %s)\n", csv_path, s.source_id);
  cc_import_result_free(res);
  return check_written(csv_path);
}

int cc_cmd_import(int argc, char **argv) {
  static const struct option options[] = {
      {"format", required_argument, NULL, 'f'},
      {"out", required_argument, NULL, 'o'},
      {"source-id", required_argument, NULL, OPT_SOURCE_ID},
      {"measure-prefix", required_argument, NULL, OPT_MEASURE_PREFIX},
      {"measure", required_argument, NULL, OPT_MEASURE},
      {"age-band", required_argument, NULL, OPT_AGE_BAND},
      {"age-column", required_argument, NULL, OPT_AGE_COLUMN},
      {"age-bands", required_argument, NULL, OPT_AGE_BANDS},
      {"indicators", required_argument, NULL, OPT_INDICATORS},
      {"level", required_argument, NULL, OPT_LEVEL},
      {"filter", required_argument, NULL, OPT_FILTER},
      {"kind", required_argument, NULL, OPT_KIND},
      {"rename", required_argument, NULL, OPT_RENAME},
      {"reporting-year", required_argument, NULL, OPT_REPORTING_YEAR},
      {"refreshed", required_argument, NULL, OPT_REFRESHED},
      {"title", required_argument, NULL, OPT_TITLE},
      {"release", required_argument, NULL, OPT_RELEASE},
      {"url", required_argument, NULL, OPT_URL},
      {"suppression-max", required_argument, NULL, OPT_SUPPRESSION_MAX},
      {"help", no_argument, NULL, 'h'},
      {0}};
  cc_import_options opt = cc_import_options_default();
  const char *format = NULL, *out_dir = ".";
  char today[32];
  int code, opt_char;
  opterr = 0;
  optind = 1;
  while ((opt_char = getopt_long(argc, argv, "f:o:h", options, NULL)) != -1) {
    switch (opt_char) {
    case 'f': format = optarg; break;
    case 'o': out_dir = optarg; break;
    case OPT_SOURCE_ID: opt.source_id = optarg; break;
    case OPT_MEASURE_PREFIX: opt.measure_prefix = optarg; break;
    case OPT_MEASURE: opt.measure = optarg; break;
    case OPT_AGE_BAND: opt.age_band = optarg; break;
    case OPT_AGE_COLUMN: opt.age_column = optarg; break;
    case OPT_AGE_BANDS: opt.age_bands = optarg; break;
    case OPT_INDICATORS: opt.indicators = optarg; break;
    case OPT_LEVEL: opt.levels = optarg; break;
    case OPT_FILTER:
      if ((code = add_selection(opt.filters, &opt.n_filters, optarg, "--filter"))) return code;
      break;
    case OPT_KIND:
      if ((code = add_selection(opt.kinds, &opt.n_kinds, optarg, "--kind"))) return code;
      break;
    case OPT_RENAME:
      if (!strchr(optarg, '=')) return cc_cli_usage_error("import", "--rename takes TEXT=NAME, not '%s'", optarg);
      if ((code = add_selection(opt.renames, &opt.n_renames, optarg, "--rename"))) return code;
      break;
    case OPT_REPORTING_YEAR:
      if (strcmp(optarg, "calendar") == 0) opt.reporting_year_calendar = 1;
      else if (strcmp(optarg, "financial") != 0)
        return cc_cli_usage_error("import", "--reporting-year is financial or calendar, not '%s'", optarg);
      break;
    case OPT_REFRESHED: opt.refreshed = optarg; break;
    case OPT_TITLE: opt.title = optarg; break;
    case OPT_RELEASE: opt.release = optarg; break;
    case OPT_URL: opt.url = optarg; break;
    case OPT_SUPPRESSION_MAX: {
      char *end;
      opt.suppression_max = strtod(optarg, &end);
      if (end == optarg || *end || !isfinite(opt.suppression_max) || opt.suppression_max < 0)
        return cc_cli_usage_error("import", "--suppression-max must be a non-negative number, not '%s'", optarg);
      break;
    }
    case 'h': print_help(); return CC_EXIT_OK;
    default: return cc_cli_usage_error("import", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!format) return cc_cli_usage_error("import", "--format is required");
  if (!cc_import_format_find(format)) {
    fprintf(stderr, "carecast import: '%s' is not a format; the formats are:\n", format);
    for (const cc_import_format *f = cc_import_formats; f->name; f++) fprintf(stderr, "  %-10s %s\n", f->name, f->summary);
    return CC_EXIT_USAGE;
  }
  if (optind + 1 != argc) return cc_cli_usage_error("import", "name exactly one FILE");
  if (!opt.refreshed) {
    cc_cli_timestamp(today, sizeof today);
    today[IMPORT_DATE_LEN] = '\0';
    opt.refreshed = today;
  }
  return run_import(format, argv[optind], out_dir, &opt);
}
