/* import_sfr.c: DfE statistical first release "underlying data" files
 * (format dfe-sfr), the local authority tables DfE published before
 * Explore Education Statistics, e.g. SFR50_CLA2017.csv:
 *
 *   LA_order,New_geog_code,geog_l,geog_c,geog_n,CLA_Mar2017,CLA_2017,CLA_stp2017,CLA_male,...,CLA_Fost,...
 *   55,E08000019,LA,373,Sheffield,584,829,0,312,...,417,...
 *
 * One file is one year. The year is read from the column names that carry
 * it (CLA_Mar2017: at 31 March 2017; CLA_2017: during the year ending 31
 * March 2017), so the period is the financial year ending in it (2016/17).
 * The place is New_geog_code (the ONS code) at every level (NATIONAL,
 * REGION, LA; --level picks); geog_n is the name. Every other column is a
 * measure, named without its year so that the files of several years give
 * the same measures (CLA_Mar2017 and CLA_Mar2016 are both dfe_cla_mar).
 * Columns with a year but no "Mar" count children during the year (flow);
 * the others count children at 31 March (stock).
 * Symbols, as the files' metadata define them: x = suppressed (1 to 5, and
 * secondary suppression), ".." = not available. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carecast/source.h"
#include "import_internal.h"

#define SFR_SUPPRESSION_MAX 5.0 /* "numbers from one to five inclusive have been suppressed and replaced by a cross (x)" */
#define SFR_YEAR_DIGITS 4

static const char *const place_columns[] = {"LA_order", "New_geog_code", "geog_l", "geog_c", "geog_n", NULL};

typedef enum sfr_treatment { SFR_VALUE, SFR_SUPPRESSED, SFR_NOT_AVAILABLE, SFR_SHEET_ERROR, SFR_BAD } sfr_treatment;

/* Spreadsheet error values left in some published files (SFR36_CLA2013.csv has a #VALUE!). */
static const char *const sheet_errors[] = {"#VALUE!", "#DIV/0!", "#N/A", "#REF!", "#NAME?", "#NUM!", "#NULL!", NULL};

static sfr_treatment treat(const char *cell) {
  double number;
  if (!*cell || strcmp(cell, "..") == 0 || strcmp(cell, ":") == 0) return SFR_NOT_AVAILABLE;
  if (import_in_list(sheet_errors, cell)) return SFR_SHEET_ERROR;
  if (cc_source_plain_number(cell, &number)) return SFR_VALUE;
  if (strcasecmp(cell, "x") == 0 || strcasecmp(cell, "c") == 0) return SFR_SUPPRESSED;
  return SFR_BAD;
}

/* The year a header ends in (CLA_Mar2017: 2017), or -1. */
static int header_year(const char *header) {
  size_t n = strlen(header);
  if (n <= SFR_YEAR_DIGITS) return -1;
  int year = 0;
  for (size_t i = n - SFR_YEAR_DIGITS; i < n; i++) {
    if (!isdigit((unsigned char)header[i])) return -1;
    year = year * 10 + header[i] - '0';
  }
  if (isdigit((unsigned char)header[n - SFR_YEAR_DIGITS - 1])) return -1;
  return year >= CC_PERIOD_YEAR_MIN && year <= CC_PERIOD_YEAR_MAX ? year : -1;
}

typedef struct sfr_job {
  const cc_csv_table *table;
  const cc_import_options *opt;
  cc_import_result *res;
  long code, level, name; /* columns */
  cc_period period;        /* the file's year */
  unsigned char *skip;     /* columns that are not measures: places, and nameless empty columns */
  size_t counts[SFR_BAD + 1];
  size_t repeated_rows;    /* rows left out: another area's code under another name */
  char repeated_names[256]; /* their names, for the description */
} sfr_job;

static cc_status find_columns(sfr_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  static const char *const required[] = {"New_geog_code", "geog_l", NULL};
  for (const char *const *c = required; *c; c++)
    if (cc_csv_table_column(t, *c) < 0)
      return cc_error_set(err, CC_EINPUT, t->path, 1, *c,
                          "no such column: not a dfe-sfr file (expected New_geog_code, geog_l, geog_n and one column "
                          "per measure)");
  job->code = cc_csv_table_column(t, "New_geog_code");
  job->level = cc_csv_table_column(t, "geog_l");
  job->name = cc_csv_table_column(t, "geog_n");
  int year = -1;
  for (size_t col = 0; col < t->n_cols; col++) {
    int y = header_year(cc_csv_table_header(t, col));
    if (y < 0) continue;
    if (year >= 0 && y != year)
      return cc_error_set(err, CC_EINPUT, t->path, 1, cc_csv_table_header(t, col),
                          "names the year %d, but another column names %d: one file is one year", y, year);
    year = y;
  }
  if (year < 0)
    return cc_error_set(err, CC_EINPUT, t->path, 1, NULL, "no column names the year (such as CLA_Mar2017)");
  job->period = (cc_period){CC_FREQ_FYEAR, year - 1}; /* the year ending 31 March `year` */
  return CC_OK;
}

/* The measure of column col, added when new. */
static cc_status column_measure(sfr_job *job, size_t col, long line, uint32_t *index, cc_error *err) {
  const cc_csv_table *t = job->table;
  const char *header = cc_csv_table_header(t, col);
  char base[CC_ERROR_FIELD_MAX];
  snprintf(base, sizeof base, "%s", header);
  int dated = header_year(header) >= 0;
  if (dated) base[strlen(base) - SFR_YEAR_DIGITS] = '\0';
  const char *part = import_part_name(job->opt, base);
  char name[CC_MEASURE_MAX];
  cc_status status = import_measure_name(job->opt->measure_prefix ? job->opt->measure_prefix : "dfe_", &part, 1,
                                         t->path, line, name, err);
  if (status) return status;
  /* Net columns (CLA_NetGain: placements gained less placements lost) are signed. */
  cc_kind kind, fallback = strstr(header, "_Net") ? CC_KIND_AMOUNT : dated && !strstr(header, "Mar") ? CC_KIND_FLOW : CC_KIND_STOCK;
  if ((status = import_kind(job->opt, name, header, &fallback, &kind, err))) return status;
  char description[256];
  snprintf(description, sizeof description, "column %s (%s the year ending 31 March %d)", header,
           kind == CC_KIND_FLOW ? "during" : "at the end of", job->period.index + 1);
  return import_measure_add(job->res, name, job->period.freq, kind, "children", description, t->path, line, index, err);
}

/* Mark the columns that are not measures: the place columns, and columns
 * without a name and without a value (a trailing comma in the header). */
static cc_status find_skipped_columns(sfr_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  for (size_t col = 0; col < t->n_cols; col++) {
    const char *header = cc_csv_table_header(t, col);
    job->skip[col] = (unsigned char)import_in_list(place_columns, header);
    if (header[strspn(header, " \r")] != '\0') continue;
    for (size_t row = 0; row < t->n_rows; row++)
      if (cc_csv_table_cell(t, row, col)[strspn(cc_csv_table_cell(t, row, col), " \r")] != '\0')
        return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, row), NULL,
                            "column %zu has no name but holds '%s'", col + 1, cc_csv_table_cell(t, row, col));
    job->skip[col] = 1;
  }
  return CC_OK;
}

/* 1 when the row's code was used by an earlier row under another name (the
 * SFRs give Inner and Outer London the code of London): it is left out. */
static int repeats_other_area(sfr_job *job, size_t row) {
  const cc_csv_table *t = job->table;
  if (job->name < 0) return 0;
  const char *code = cc_csv_table_cell(t, row, (size_t)job->code), *name = cc_csv_table_cell(t, row, (size_t)job->name);
  for (size_t earlier = 0; earlier < row; earlier++) {
    if (strcmp(cc_csv_table_cell(t, earlier, (size_t)job->code), code) != 0) continue;
    if (strcmp(cc_csv_table_cell(t, earlier, (size_t)job->name), name) == 0) return 0;
    size_t used = strlen(job->repeated_names);
    snprintf(job->repeated_names + used, sizeof job->repeated_names - used, "%s%s", used ? ", " : "", name);
    job->repeated_rows++;
    return 1;
  }
  return 0;
}

static cc_status convert_rows(sfr_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  const char *band = job->opt->age_band ? job->opt->age_band : "all";
  cc_error checked;
  if (cc_check_age_band(band, &checked)) return cc_error_set(err, CC_EINPUT, NULL, 0, "--age-band", "%s", checked.message);
  for (size_t row = 0; row < t->n_rows; row++) {
    long line = cc_csv_table_line(t, row);
    if (job->opt->levels && !import_in_comma_list(job->opt->levels, cc_csv_table_cell(t, row, (size_t)job->level)))
      continue;
    const char *code = cc_csv_table_cell(t, row, (size_t)job->code);
    if (repeats_other_area(job, row)) continue;
    if (!cc_geography_is_code(code))
      return cc_error_set(err, CC_EINPUT, t->path, line, "New_geog_code", "'%s' is not an ONS code (E08000019)", code);
    uint32_t area;
    const char *name = job->name >= 0 ? cc_csv_table_cell(t, row, (size_t)job->name) : NULL;
    cc_status status = import_area_add(job->res, code, name, job->period, &area, err);
    if (status) return status;
    for (size_t col = 0; col < t->n_cols; col++) {
      const char *header = cc_csv_table_header(t, col);
      if (job->skip[col]) continue;
      const char *cell = cc_csv_table_cell(t, row, col);
      sfr_treatment tr = treat(cell);
      job->counts[tr]++;
      if (tr == SFR_BAD)
        return cc_error_set(err, CC_EINPUT, t->path, line, header,
                            "'%s' is not a number, x (suppressed) or .. (not available)", cell);
      uint32_t measure;
      if ((status = column_measure(job, col, line, &measure, err)) ||
          (status = import_add(job->res, area, measure, job->period, band,
                               tr == SFR_VALUE ? cell : tr == SFR_SUPPRESSED ? "c" : "", header, line, err)))
        return status;
    }
    job->res->summary.rows_kept++;
  }
  return CC_OK;
}

cc_status import_dfe_sfr(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err) {
  *out = NULL;
  cc_csv_table *table = NULL;
  cc_status status = cc_csv_table_read(path, CC_IMPORT_MAX_BYTES, &table, err);
  if (status) return status;
  char title[CC_ERROR_FILE_MAX + 64];
  snprintf(title, sizeof title, "Statistical first release underlying data %s", cc_file_basename(path));
  import_provenance provenance = {
      .organisation = "government",
      .organisation_name = "Department for Education",
      .title = title,
      .release = NULL,
      .url = "https://www.gov.uk/government/collections/statistics-looked-after-children",
      .suppression_max = SFR_SUPPRESSION_MAX,
  };
  sfr_job job = {.table = table, .opt = opt};
  job.skip = calloc(table->n_cols, 1);
  status = job.skip ? find_columns(&job, err) : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = find_skipped_columns(&job, err);
  if (!status) status = import_result_start(table, opt, &provenance, &job.res, err);
  if (!status) status = convert_rows(&job, err);
  if (!status) status = import_finish(job.res, path, err);
  if (!status) {
    job.res->summary.suppressed = job.counts[SFR_SUPPRESSED];
    job.res->summary.not_available = job.counts[SFR_NOT_AVAILABLE] + job.counts[SFR_SHEET_ERROR];
    status = import_describe(job.res,
                             "Imported by carecast import --format dfe-sfr. One file is the year ending 31 March %d "
                             "(financial year %d/%02d); one row per place (New_geog_code at every level); measures "
                             "named by their column without the year. Symbols as the release's metadata define them: "
                             "x (1 to 5, or secondary suppression) kept as suppressed with suppression_max as bound "
                             "(%zu cells); .. (not available) and empty cells written as missing values (%zu); "
                             "spreadsheet errors such as #VALUE! written as missing values (%zu). Rows left out because "
                             "they repeat another area's code under another name: %zu%s%s%s. A "
                             "_Net column (CLA_NetGain) is an amount: it may be negative.",
                             job.period.index + 1, job.period.index, (job.period.index + 1) % 100,
                             job.counts[SFR_SUPPRESSED], job.counts[SFR_NOT_AVAILABLE], job.counts[SFR_SHEET_ERROR],
                             job.repeated_rows, job.repeated_rows ? " (" : "", job.repeated_names,
                             job.repeated_rows ? ")" : "");
  }
  free(job.skip);
  cc_csv_table_free(table);
  if (status) {
    cc_import_result_free(job.res);
    return status;
  }
  *out = job.res;
  return CC_OK;
}
