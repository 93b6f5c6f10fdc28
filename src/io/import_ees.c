/* import_ees.c: DfE Explore Education Statistics tables (format dfe-ees).
 *
 * An EES table has one row per time period, place and combination of
 * filter values, and one column per measure ("indicator"):
 *
 *   time_period,time_identifier,geographic_level,country_code,...,new_la_code,la_name,category,referral_count,...
 *   2025,Reporting year,Local authority,E92000001,...,E08000019,Sheffield,Referrals and Re-referrals,10593,...
 *
 * The place of a row is the code column of its geographic level
 * (National: country_code, Regional: region_code, Local authority:
 * new_la_code, the current ONS code, never the DfE's old_la_code). The
 * period comes from time_period read as time_identifier says. Columns that
 * are neither time nor place are indicators when every kept cell is a number
 * or one of DfE's symbols, and filters otherwise; a filter with one value
 * over the kept rows is dropped, a filter with several makes one measure per
 * value (the value is added to the measure name). Symbols (GSS/DfE
 * guidance): c confidential -> suppressed; k rounds to 0 -> suppressed
 * below half a unit of the column's precision; x not available and u low
 * reliability -> missing; z not applicable -> no observation. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carecast/source.h"
#include "import_internal.h"

#define EES_SUPPRESSION_MAX 5.0 /* DfE suppresses counts of 1 to 5 ("c"); secondary suppression can hide more */
#define EES_DECIMALS_MAX 9      /* finest precision a k bound is written at */

static const char *const required_columns[] = {"time_period", "time_identifier", "geographic_level", NULL};

/* A geographic level and the columns that hold its code and name. */
typedef struct ees_level {
  const char *level;
  const char *code_column;
  const char *name_column;
} ees_level;

static const ees_level levels[] = {
    {"National", "country_code", "country_name"},
    {"Regional", "region_code", "region_name"},
    {"Local authority", "new_la_code", "la_name"},
    {"Local authority district", "lad_code", "lad_name"},
    {NULL, NULL, NULL},
};

/* Columns that say when and where, never indicators or filters (EES's
 * standard time and geography columns). */
static const char *const place_columns[] = {
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
    "region_name", "old_la_code", "new_la_code", "la_name", "lad_code", "lad_name", "english_devolved_area_code",
    "english_devolved_area_name", "opportunity_area_code", "opportunity_area_name", "pcon_code", "pcon_name",
    "rsc_region_lead_name", "local_enterprise_partnership_code", "local_enterprise_partnership_name", "ward_code",
    "ward_name", "local_skills_improvement_plan_area_code", "local_skills_improvement_plan_area_name", "school_urn",
    "school_laestab", "school_name", "school_postcode", "trust_id", "trust_name", "sponsor_id", "sponsor_name",
    "provider_ukprn", "provider_name", "institution_id", "institution_name", "planning_area_code",
    "planning_area_name", NULL};

typedef enum ees_treatment {
  EES_VALUE = 0,          /* a number, kept as written */
  EES_SUPPRESSED,         /* c: confidential */
  EES_BELOW_HALF,         /* k: rounds to 0 but is not 0 */
  EES_NOT_AVAILABLE,      /* x, .., : not available; u low reliability (value withheld) */
  EES_NOT_APPLICABLE,     /* z: no such value */
  EES_EMPTY,              /* an empty cell: missing */
  EES_BAD,                /* anything else */
} ees_treatment;

static const struct {
  const char *symbol;
  ees_treatment treatment;
} symbols[] = {
    {"c", EES_SUPPRESSED},     {"[c]", EES_SUPPRESSED},     {"k", EES_BELOW_HALF}, {"[low]", EES_BELOW_HALF},
    {"low", EES_BELOW_HALF},   {"x", EES_NOT_AVAILABLE},    {"[x]", EES_NOT_AVAILABLE}, {"..", EES_NOT_AVAILABLE},
    {":", EES_NOT_AVAILABLE},  {"u", EES_NOT_AVAILABLE},    {"[u]", EES_NOT_AVAILABLE}, {"z", EES_NOT_APPLICABLE},
    {"[z]", EES_NOT_APPLICABLE}, {NULL, EES_BAD},
};

static ees_treatment treat(const char *cell) {
  if (!*cell) return EES_EMPTY;
  double number;
  if (cc_source_plain_number(cell, &number)) return EES_VALUE;
  for (size_t i = 0; symbols[i].symbol; i++)
    if (strcasecmp(cell, symbols[i].symbol) == 0) return symbols[i].treatment;
  return EES_BAD;
}

static const char *const month_names[12] = {"January", "February", "March",     "April",   "May",      "June",
                                           "July",    "August",   "September", "October", "November", "December"};

/* n leading digits of text as a number, the whole text being exactly n digits; -1 otherwise. */
static int digits(const char *text, size_t n) {
  if (strlen(text) != n) return -1;
  int value = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isdigit((unsigned char)text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

/* The period of a row from time_period and time_identifier. */
static cc_status ees_period(const char *file, long line, const char *period, const char *identifier,
                            int reporting_calendar, cc_period *out, cc_error *err) {
  int year = digits(period, 4), span = digits(period, 6);
  int quarter = 0;
  cc_freq freq;
  if (strcasecmp(identifier, "Reporting year") == 0) {
    /* DfE's children's social care collections report years ending 31 March: 2025 is 2024/25. */
    freq = reporting_calendar ? CC_FREQ_YEAR : CC_FREQ_FYEAR;
    if (year >= 0 && !reporting_calendar) year -= 1;
  } else if (strcasecmp(identifier, "Calendar year") == 0) {
    freq = CC_FREQ_YEAR;
  } else if (strcasecmp(identifier, "Financial year") == 0) {
    freq = CC_FREQ_FYEAR;
    year = span >= 0 && (span / 100 + 1) % 100 == span % 100 ? span / 100 : -1;
  } else if (strncasecmp(identifier, "Calendar year Q", 15) == 0 && identifier[15] >= '1' && identifier[15] <= '4' &&
             !identifier[16]) {
    freq = CC_FREQ_QUARTER;
    quarter = identifier[15] - '0';
  } else if (strncasecmp(identifier, "Financial year Q", 16) == 0 && identifier[16] >= '1' && identifier[16] <= '4' &&
             !identifier[17]) {
    /* Financial quarter 1 is April to June: calendar quarter 2 of the starting year. */
    freq = CC_FREQ_QUARTER;
    quarter = identifier[16] - '0' + 1;
    year = span >= 0 && (span / 100 + 1) % 100 == span % 100 ? span / 100 : -1;
  } else {
    int month = 0;
    for (int m = 0; m < 12; m++)
      if (strcasecmp(identifier, month_names[m]) == 0) month = m + 1;
    if (!month)
      return cc_error_set(err, CC_EINPUT, file, line, "time_identifier",
                          "'%s' is not a period carecast holds (Reporting year, Financial year, Calendar year, "
                          "Calendar year Q1-Q4, Financial year Q1-Q4, or a month)", identifier);
    freq = CC_FREQ_MONTH;
    if (year < 0) return cc_error_set(err, CC_EINPUT, file, line, "time_period", "'%s' is not a year (YYYY)", period);
    out->freq = freq;
    out->index = year * 12 + month - 1;
    return CC_OK;
  }
  if (year < CC_PERIOD_YEAR_MIN || year > CC_PERIOD_YEAR_MAX)
    return cc_error_set(err, CC_EINPUT, file, line, "time_period", "'%s' is not a %s (%s)", period, identifier,
                        freq == CC_FREQ_FYEAR && strncasecmp(identifier, "Financial", 9) == 0 ? "YYYYYY such as 202425"
                                                                                             : "YYYY");
  out->freq = freq;
  out->index = freq == CC_FREQ_QUARTER ? year * 4 + quarter - 1 : year;
  return CC_OK;
}

/* The conversion's working state. */
typedef struct ees_job {
  const cc_csv_table *table;
  const cc_import_options *opt;
  cc_import_result *res;
  long time_period, time_identifier, geographic_level; /* columns */
  long level_code[sizeof levels / sizeof *levels];     /* code and name column of each level, -1 absent */
  long level_name[sizeof levels / sizeof *levels];
  long age_column;                                     /* -1 when none */
  import_filters filters;
  unsigned char *keep;      /* rows kept */
  int *row_level;           /* index into levels of each kept row */
  long *indicators;         /* indicator columns */
  int *decimals;            /* finest decimals seen in each indicator column */
  size_t n_indicators;
  long *split;              /* filter columns that name measures */
  size_t n_split;
  size_t count[EES_BAD + 1]; /* cells by treatment */
} ees_job;

static void job_free(ees_job *job) {
  free(job->keep);
  free(job->row_level);
  free(job->indicators);
  free(job->decimals);
  free(job->split);
}

static cc_status find_columns(ees_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  for (const char *const *c = required_columns; *c; c++)
    if (cc_csv_table_column(t, *c) < 0)
      return cc_error_set(err, CC_EINPUT, t->path, 1, *c,
                          "no such column: not a dfe-ees table (expected time_period, time_identifier, "
                          "geographic_level, the geography columns and one column per measure)");
  job->time_period = cc_csv_table_column(t, "time_period");
  job->time_identifier = cc_csv_table_column(t, "time_identifier");
  job->geographic_level = cc_csv_table_column(t, "geographic_level");
  for (size_t l = 0; levels[l].level; l++) {
    job->level_code[l] = cc_csv_table_column(t, levels[l].code_column);
    job->level_name[l] = cc_csv_table_column(t, levels[l].name_column);
  }
  job->age_column = -1;
  if (job->opt->age_column && (job->age_column = cc_csv_table_column(t, job->opt->age_column)) < 0)
    return cc_error_set(err, CC_EINPUT, t->path, 1, "--age-column", "the file has no column '%s'", job->opt->age_column);
  return import_filters_resolve(t, job->opt, &job->filters, err);
}

/* Decide which rows are kept: their level is wanted and supported, and they pass --filter. */
static cc_status select_rows(ees_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  for (size_t row = 0; row < t->n_rows; row++) {
    const char *level = cc_csv_table_cell(t, row, (size_t)job->geographic_level);
    int l = -1;
    for (int k = 0; levels[k].level; k++)
      if (strcasecmp(level, levels[k].level) == 0) l = k;
    if (job->opt->levels && !import_in_comma_list(job->opt->levels, level)) continue;
    long line = cc_csv_table_line(t, row);
    if (l < 0)
      return cc_error_set(err, CC_EINPUT, t->path, line, "geographic_level",
                          "'%s' is not a level carecast imports (National, Regional, Local authority, Local "
                          "authority district): choose levels with --level", level);
    if (job->level_code[l] < 0)
      return cc_error_set(err, CC_EINPUT, t->path, 1, levels[l].code_column,
                          "no such column, but rows at level %s need it", levels[l].level);
    if (!import_filters_pass(t, &job->filters, row)) continue;
    job->keep[row] = 1;
    job->row_level[row] = l;
  }
  return CC_OK;
}

/* Decimal places of a plain number's text. */
static int decimals_of(const char *cell) {
  const char *point = strchr(cell, '.');
  if (!point) return 0;
  int n = 0;
  while (isdigit((unsigned char)point[1 + n])) n++;
  return n;
}

/* Indicator columns (--indicators, or every column whose kept cells are all
 * numbers or symbols), and the filter columns that split measures. */
static cc_status classify_columns(ees_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  long *candidates = malloc(t->n_cols * sizeof *candidates);
  size_t n_candidates = 0;
  job->indicators = malloc(t->n_cols * sizeof *job->indicators);
  job->decimals = calloc(t->n_cols, sizeof *job->decimals);
  job->split = malloc(t->n_cols * sizeof *job->split);
  if (!candidates || !job->indicators || !job->decimals || !job->split) {
    free(candidates);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  if (job->opt->indicators) { /* every name given must be a column */
    const char *p = job->opt->indicators;
    while (*p) {
      while (*p == ',' || *p == ' ') p++;
      size_t n = strcspn(p, ",");
      char name[CC_ERROR_FIELD_MAX];
      snprintf(name, sizeof name, "%.*s", (int)n, p);
      for (size_t k = strlen(name); k > 0 && name[k - 1] == ' '; k--) name[k - 1] = '\0';
      if (*name && cc_csv_table_column(t, name) < 0) {
        free(candidates);
        return cc_error_set(err, CC_EINPUT, t->path, 1, "--indicators", "the file has no column '%s'", name);
      }
      p += n;
    }
  }
  for (size_t col = 0; col < t->n_cols; col++) {
    const char *header = cc_csv_table_header(t, col);
    if (import_in_list(place_columns, header) || (long)col == job->age_column) continue;
    size_t numbers = 0, texts = 0, symbols_or_numbers = 0, first_text = 0;
    for (size_t row = 0; row < t->n_rows; row++) {
      if (!job->keep[row]) continue;
      ees_treatment tr = treat(cc_csv_table_cell(t, row, col));
      numbers += tr == EES_VALUE;
      symbols_or_numbers += tr != EES_BAD && tr != EES_EMPTY;
      if (tr == EES_BAD && texts++ == 0) first_text = row;
    }
    int selected = import_filters_has(&job->filters, (long)col);
    if (!job->opt->indicators && !selected && texts > 0 && numbers > texts) { /* a measure column with a bad cell */
      free(candidates);
      return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, first_text), header,
                          "'%s' is not a number or a DfE symbol (c, x, z, k, u); if %s is a filter, name the measure "
                          "columns with --indicators",
                          cc_csv_table_cell(t, first_text, col), header);
    }
    int indicator = job->opt->indicators ? import_in_comma_list(job->opt->indicators, header)
                                         : texts == 0 && symbols_or_numbers > 0 && !selected;
    if (indicator) job->indicators[job->n_indicators++] = (long)col;
    else candidates[n_candidates++] = (long)col;
  }
  if (job->n_indicators == 0) {
    free(candidates);
    return cc_error_set(err, CC_EINPUT, t->path, 1, NULL,
                        "no measure columns (columns whose every kept cell is a number or a symbol c, x, z, k, u)");
  }
  for (size_t i = 0; i < job->n_indicators; i++)
    for (size_t row = 0; row < t->n_rows; row++)
      if (job->keep[row] && treat(cc_csv_table_cell(t, row, (size_t)job->indicators[i])) == EES_VALUE) {
        int d = decimals_of(cc_csv_table_cell(t, row, (size_t)job->indicators[i]));
        if (d > job->decimals[i]) job->decimals[i] = d > EES_DECIMALS_MAX ? EES_DECIMALS_MAX : d;
      }
  import_split_columns(t, job->keep, candidates, n_candidates, job->split, &job->n_split);
  free(candidates);
  return CC_OK;
}

/* The measure of indicator i on a row: its name from the column and the
 * values of the splitting filters, added to the result when new. */
static cc_status row_measure(ees_job *job, size_t i, size_t row, cc_freq freq, uint32_t *index, cc_error *err) {
  const cc_csv_table *t = job->table;
  long line = cc_csv_table_line(t, row);
  const char *parts[1 + CC_IMPORT_SELECT_MAX * 4];
  size_t n_parts = 0;
  const char *column = cc_csv_table_header(t, (size_t)job->indicators[i]);
  parts[n_parts++] = import_part_name(job->opt, column);
  for (size_t s = 0; s < job->n_split && n_parts < sizeof parts / sizeof *parts; s++)
    parts[n_parts++] = import_part_name(job->opt, cc_csv_table_cell(t, row, (size_t)job->split[s]));
  char name[CC_MEASURE_MAX];
  const char *prefix = job->opt->measure_prefix ? job->opt->measure_prefix : "dfe_";
  cc_status status = import_measure_name(prefix, parts, n_parts, t->path, line, name, err);
  if (status) return status;
  cc_kind kind;
  if ((status = import_kind(job->opt, name, column, NULL, &kind, err))) return status;
  char description[1024];
  int used = snprintf(description, sizeof description, "column %s", column);
  for (size_t s = 0; s < job->n_split && used > 0 && (size_t)used < sizeof description; s++)
    used += snprintf(description + used, sizeof description - (size_t)used, "; %s = %s",
                     cc_csv_table_header(t, (size_t)job->split[s]), cc_csv_table_cell(t, row, (size_t)job->split[s]));
  return import_measure_add(job->res, name, freq, kind, import_unit(kind, name, "count"), description, t->path, line,
                            index, err);
}

/* One cell as the source CSV's value text; 0 when the cell makes no observation. */
static int value_text(ees_job *job, size_t i, const char *cell, char *buf, size_t len) {
  ees_treatment tr = treat(cell);
  job->count[tr]++;
  switch (tr) {
  case EES_VALUE: snprintf(buf, len, "%s", cell); return 1;
  case EES_SUPPRESSED: snprintf(buf, len, "c"); return 1;
  case EES_BELOW_HALF: snprintf(buf, len, "<%.*f", job->decimals[i] + 1, 0.5 * pow(10.0, -job->decimals[i])); return 1;
  case EES_NOT_AVAILABLE:
  case EES_EMPTY: buf[0] = '\0'; return 1;
  default: return 0; /* not applicable */
  }
}

static cc_status convert_rows(ees_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  const char *total_band = job->opt->age_band ? job->opt->age_band : "all";
  cc_error checked;
  if (cc_check_age_band(total_band, &checked))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "--age-band", "%s", checked.message);
  for (size_t row = 0; row < t->n_rows; row++) {
    if (!job->keep[row]) continue;
    long line = cc_csv_table_line(t, row);
    int l = job->row_level[row];
    const char *code = cc_csv_table_cell(t, row, (size_t)job->level_code[l]);
    if (!cc_geography_is_code(code))
      return cc_error_set(err, CC_EINPUT, t->path, line, levels[l].code_column, "'%s' is not an ONS code (E08000019)", code);
    cc_period period;
    cc_status status = ees_period(t->path, line, cc_csv_table_cell(t, row, (size_t)job->time_period),
                                  cc_csv_table_cell(t, row, (size_t)job->time_identifier),
                                  job->opt->reporting_year_calendar, &period, err);
    if (status) return status;
    char band[CC_AGE_BAND_MAX];
    snprintf(band, sizeof band, "%s", total_band);
    if (job->age_column >= 0) {
      const char *age = cc_csv_table_cell(t, row, (size_t)job->age_column);
      if (!import_age_band(age, total_band, band, sizeof band) || cc_check_age_band(band, &checked))
        return cc_error_set(err, CC_EINPUT, t->path, line, job->opt->age_column, "'%s' is not an age or age band", age);
    }
    uint32_t area;
    const char *name = job->level_name[l] >= 0 ? cc_csv_table_cell(t, row, (size_t)job->level_name[l]) : NULL;
    if ((status = import_area_add(job->res, code, name, period, &area, err))) return status;
    for (size_t i = 0; i < job->n_indicators; i++) {
      const char *cell = cc_csv_table_cell(t, row, (size_t)job->indicators[i]);
      if (treat(cell) == EES_BAD)
        return cc_error_set(err, CC_EINPUT, t->path, line, cc_csv_table_header(t, (size_t)job->indicators[i]),
                            "'%s' is not a number or a DfE symbol (c, x, z, k, u)", cell);
      char value[IMPORT_VALUE_MAX];
      if (!value_text(job, i, cell, value, sizeof value)) continue;
      uint32_t measure;
      if ((status = row_measure(job, i, row, period.freq, &measure, err)) ||
          (status = import_add(job->res, area, measure, period, band, value,
                               cc_csv_table_header(t, (size_t)job->indicators[i]), line, err)))
        return status;
    }
    job->res->summary.rows_kept++;
  }
  return CC_OK;
}

cc_status import_dfe_ees(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err) {
  *out = NULL;
  cc_csv_table *table = NULL;
  cc_status status = cc_csv_table_read(path, CC_IMPORT_MAX_BYTES, &table, err);
  if (status) return status;
  char title[CC_ERROR_FILE_MAX + 64];
  snprintf(title, sizeof title, "Explore Education Statistics table %s", cc_file_basename(path));
  import_provenance provenance = {
      .organisation = "government",
      .organisation_name = "Department for Education",
      .title = title,
      .release = NULL,
      .url = "https://explore-education-statistics.service.gov.uk/",
      .suppression_max = EES_SUPPRESSION_MAX,
  };
  ees_job job = {.table = table, .opt = opt};
  job.keep = calloc(table->n_rows ? table->n_rows : 1, 1);
  job.row_level = calloc(table->n_rows ? table->n_rows : 1, sizeof *job.row_level);
  if (!job.keep || !job.row_level) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = find_columns(&job, err);
  if (!status) status = import_result_start(table, opt, &provenance, &job.res, err);
  if (!status) status = select_rows(&job, err);
  if (!status) status = classify_columns(&job, err);
  if (!status) status = convert_rows(&job, err);
  if (!status) status = import_finish(job.res, path, err);
  if (!status) {
    job.res->summary.suppressed = job.count[EES_SUPPRESSED] + job.count[EES_BELOW_HALF];
    job.res->summary.not_available = job.count[EES_NOT_AVAILABLE] + job.count[EES_EMPTY];
    job.res->summary.not_applicable = job.count[EES_NOT_APPLICABLE];
    status = import_describe(
        job.res,
        "Imported by carecast import --format dfe-ees. One row per place (National: country_code, Regional: "
        "region_code, Local authority: new_la_code) and period (time_identifier '%s'%s). DfE symbols: c "
        "(confidential: 1 to 5, or secondary suppression) kept as suppressed with suppression_max as bound (%zu "
        "cells); k (rounds to 0) kept as suppressed below half a unit (%zu); x (not available) and u (low "
        "reliability) written as missing values (%zu, with %zu empty cells); z (not applicable) left out (%zu).",
        cc_csv_table_cell(table, 0, (size_t)job.time_identifier),
        strcasecmp(cc_csv_table_cell(table, 0, (size_t)job.time_identifier), "Reporting year") == 0 &&
                !opt->reporting_year_calendar
            ? ": the year ending 31 March, 2025 = 2024/25"
            : "",
        job.count[EES_SUPPRESSED], job.count[EES_BELOW_HALF], job.count[EES_NOT_AVAILABLE], job.count[EES_EMPTY],
        job.count[EES_NOT_APPLICABLE]);
  }
  job_free(&job);
  cc_csv_table_free(table);
  if (status) {
    cc_import_result_free(job.res);
    return status;
  }
  *out = job.res;
  return CC_OK;
}
