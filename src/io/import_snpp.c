/* import_snpp.c: ONS subnational population projections (format ons-snpp).
 *
 * ONS's SNPP tables (Z1: local authorities by single year of age) are wide:
 *
 *   AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2022,2023,...,2047
 *   E08000019,Sheffield,Population,persons,0,5857.000,5822.706,...
 *
 * one row per area and age (0..89, "90 and over", "All ages"), one column
 * per mid-year. Each cell becomes one observation of a `year` measure (kind
 * stock, persons) in that area and age band: single years as N-N, the
 * open-ended top age as 90+, "All ages" as all; or, with --age-bands, the
 * single years summed into the bands asked for. Columns other than the
 * area, the age and the years are filters (COMPONENT, SEX), handled as for
 * dfe-ees; a column that repeats AGE_GROUP on every row (a derived copy some
 * re-publishers add) is dropped. Values are kept as written; sums are
 * written with the finest decimals of their terms. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carecast/source.h"
#include "import_internal.h"

#define SNPP_TOP_AGE 90       /* ONS projects single years to 89 and "90 and over" */
#define CC_AGE_MAX_IMPORT 120 /* oldest single year of age read */
#define SNPP_AGES (CC_AGE_MAX_IMPORT + 2) /* slots: single years 0..CC_AGE_MAX_IMPORT and the open-ended top */
#define SNPP_BANDS_MAX 32     /* bands --age-bands may list */
#define SNPP_DECIMALS_MAX 9   /* finest decimals a sum is written with */
#define SNPP_SUPPRESSION_MAX 5.0 /* not used by ONS projections (nothing is suppressed); the manifest default */

/* One band of --age-bands: ages low..high (high -1: open-ended, "low+"; all: every age). */
typedef struct snpp_band {
  char text[CC_AGE_BAND_MAX];
  int low, high, all;
} snpp_band;

typedef struct snpp_job {
  const cc_csv_table *table;
  const cc_import_options *opt;
  cc_import_result *res;
  long area_code, area_name, age_group; /* columns; area_name -1 when absent */
  long *years;                          /* year columns */
  cc_period *year_period;               /* their periods */
  size_t n_years;
  long *others;                         /* filter columns */
  size_t n_others;
  long *split;                          /* filters that name measures */
  size_t n_split;
  import_filters filters;
  unsigned char *keep;                  /* rows kept */
  int *age;                             /* each row's age: 0.., SNPP_AGE_OPEN + top, or SNPP_AGE_ALL */
  int open_top;                         /* the open-ended top age (90 in ONS's tables) */
  snpp_band bands[SNPP_BANDS_MAX];
  size_t n_bands;
} snpp_job;

#define SNPP_AGE_ALL (-1)  /* the "All ages" row */
#define SNPP_AGE_OPEN 1000 /* added to the top age of an open-ended row ("90 and over") */

static void job_free(snpp_job *job) {
  free(job->years);
  free(job->year_period);
  free(job->others);
  free(job->split);
  free(job->keep);
  free(job->age);
}

static int is_year_header(const char *header, int *year) {
  int y = 0;
  for (int i = 0; i < 4; i++) {
    if (!isdigit((unsigned char)header[i])) return 0;
    y = y * 10 + header[i] - '0';
  }
  *year = y;
  return header[4] == '\0' && y >= CC_PERIOD_YEAR_MIN && y <= CC_PERIOD_YEAR_MAX;
}

/* 1 when column col equals the age column on every row (a derived copy). */
static int copies_age(const cc_csv_table *t, long col, long age_group) {
  for (size_t row = 0; row < t->n_rows; row++)
    if (strcmp(cc_csv_table_cell(t, row, (size_t)col), cc_csv_table_cell(t, row, (size_t)age_group)) != 0) return 0;
  return t->n_rows > 0;
}

static cc_status find_columns(snpp_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  static const char *const required[] = {"AREA_CODE", "AGE_GROUP", NULL};
  for (const char *const *c = required; *c; c++)
    if (cc_csv_table_column(t, *c) < 0)
      return cc_error_set(err, CC_EINPUT, t->path, 1, *c,
                          "no such column: not an ons-snpp table (expected AREA_CODE, AGE_GROUP and one column per year)");
  job->area_code = cc_csv_table_column(t, "AREA_CODE");
  job->age_group = cc_csv_table_column(t, "AGE_GROUP");
  job->area_name = cc_csv_table_column(t, "AREA_NAME");
  job->years = malloc(t->n_cols * sizeof *job->years);
  job->year_period = malloc(t->n_cols * sizeof *job->year_period);
  job->others = malloc(t->n_cols * sizeof *job->others);
  job->split = malloc(t->n_cols * sizeof *job->split);
  if (!job->years || !job->year_period || !job->others || !job->split)
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t col = 0; col < t->n_cols; col++) {
    int year;
    if ((long)col == job->area_code || (long)col == job->age_group || (long)col == job->area_name) continue;
    if (is_year_header(cc_csv_table_header(t, col), &year)) {
      job->year_period[job->n_years] = (cc_period){CC_FREQ_YEAR, year};
      job->years[job->n_years++] = (long)col;
    } else if (!copies_age(t, (long)col, job->age_group)) {
      job->others[job->n_others++] = (long)col;
    }
  }
  if (job->n_years == 0)
    return cc_error_set(err, CC_EINPUT, t->path, 1, NULL, "no year columns (headers such as 2022): not an ons-snpp table");
  return import_filters_resolve(t, job->opt, &job->filters, err);
}

/* The age of a row's AGE_GROUP: a single year, "N and over" (SNPP_AGE_OPEN + N) or All ages. */
static int parse_age(const char *text, int *age) {
  char band[CC_AGE_BAND_MAX];
  if (!import_age_band(text, "all", band, sizeof band)) return 0;
  int low, high;
  char tail;
  if (strcmp(band, "all") == 0) *age = SNPP_AGE_ALL;
  else if (sscanf(band, "%d+%c", &low, &tail) == 1 && strchr(band, '+')) *age = SNPP_AGE_OPEN + low;
  else if (sscanf(band, "%d-%d", &low, &high) == 2 && low == high && low <= CC_AGE_MAX_IMPORT) *age = low;
  else return 0;
  return 1;
}

/* Keep rows passing --filter; read every age; find the open-ended top. */
static cc_status read_ages(snpp_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  int has_open = 0, top = -1;
  for (size_t row = 0; row < t->n_rows; row++) {
    const char *text = cc_csv_table_cell(t, row, (size_t)job->age_group);
    if (!parse_age(text, &job->age[row]))
      return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, row), "AGE_GROUP",
                          "'%s' is not an age (expected 0..%d, '90 and over' or 'All ages')", text, CC_AGE_MAX_IMPORT);
    if (job->age[row] >= SNPP_AGE_OPEN) has_open = 1;
    else if (job->age[row] > top) top = job->age[row];
    job->keep[row] = (unsigned char)import_filters_pass(t, &job->filters, row);
  }
  /* Some re-publishers write ONS's "90 and over" as plain 90: the top age is open-ended then. */
  job->open_top = -1;
  if (!has_open && top == SNPP_TOP_AGE) {
    for (size_t row = 0; row < t->n_rows; row++)
      if (job->age[row] == SNPP_TOP_AGE) job->age[row] = SNPP_AGE_OPEN + SNPP_TOP_AGE;
  }
  for (size_t row = 0; row < t->n_rows; row++)
    if (job->age[row] >= SNPP_AGE_OPEN) job->open_top = job->age[row] - SNPP_AGE_OPEN;
  return CC_OK;
}

static cc_status parse_bands(snpp_job *job, cc_error *err) {
  const char *p = job->opt->age_bands;
  while (p && *p) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ",");
    if (n == 0) break;
    if (job->n_bands == SNPP_BANDS_MAX)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "--age-bands", "more than %d bands", SNPP_BANDS_MAX);
    snpp_band *b = &job->bands[job->n_bands++];
    snprintf(b->text, sizeof b->text, "%.*s", (int)n, p);
    cc_error checked;
    if (n >= sizeof b->text || cc_check_age_band(b->text, &checked))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "--age-bands", "'%.*s' is not an age band (all, N-M or N+)", (int)n, p);
    char tail;
    b->all = strcmp(b->text, "all") == 0;
    if (!b->all && sscanf(b->text, "%d-%d", &b->low, &b->high) != 2) {
      sscanf(b->text, "%d+%c", &b->low, &tail);
      b->high = -1;
    }
    p += n;
  }
  return CC_OK;
}

/* A group: the kept rows of one area and filter combination, by age. */
typedef struct snpp_group {
  long row_of_age[CC_AGE_MAX_IMPORT + 1]; /* single years */
  long open_row;                          /* the open-ended top */
  long all_row;                           /* All ages */
  size_t first;                           /* a row of the group, for names and lines */
} snpp_group;

/* The row indexes of one group; set and reset by the caller. */
static cc_status group_add(snpp_job *job, snpp_group *g, size_t row, cc_error *err) {
  int age = job->age[row];
  long *slot = age == SNPP_AGE_ALL ? &g->all_row : age >= SNPP_AGE_OPEN ? &g->open_row : &g->row_of_age[age];
  if (*slot >= 0)
    return cc_error_set(err, CC_EINPUT, job->table->path, cc_csv_table_line(job->table, row), "AGE_GROUP",
                        "the same area, filters and age as line %ld", cc_csv_table_line(job->table, (size_t)*slot));
  *slot = (long)row;
  return CC_OK;
}

/* The rows to add up for band b in group g into rows (room for SNPP_AGES); 0 with the missing age in *missing. */
static size_t band_rows(const snpp_job *job, const snpp_group *g, const snpp_band *b, long *rows, int *missing) {
  size_t n = 0;
  if (b->all && g->all_row >= 0) {
    rows[0] = g->all_row;
    return 1;
  }
  int low = b->all ? 0 : b->low, high = b->all || b->high < 0 ? -1 : b->high;
  int open = job->open_top;
  int last_single = high >= 0 ? high : (open >= 0 ? open - 1 : CC_AGE_MAX_IMPORT);
  if (high >= 0 && open >= 0 && high >= open) { /* a closed band reaching into the open-ended top cannot be made */
    *missing = open;
    return 0;
  }
  for (int age = low; age <= last_single; age++) {
    if (g->row_of_age[age] < 0) {
      if (high < 0 && open < 0) break; /* an open band without an open-ended row: up to the last age given */
      *missing = age;
      return 0;
    }
    rows[n++] = g->row_of_age[age];
  }
  if (high < 0 && open >= 0) {
    if (g->open_row < 0 || low > open) {
      *missing = g->open_row < 0 ? open : low;
      return 0;
    }
    rows[n++] = g->open_row;
  }
  if (n == 0) *missing = low;
  return n;
}

static int decimals_of(const char *cell) {
  const char *point = strchr(cell, '.');
  return point ? (int)strspn(point + 1, "0123456789") : 0;
}

static cc_status check_number(const snpp_job *job, size_t row, size_t y, double *value, cc_error *err) {
  const char *cell = cc_csv_table_cell(job->table, row, (size_t)job->years[y]);
  if (!cc_source_plain_number(cell, value))
    return cc_error_set(err, CC_EINPUT, job->table->path, cc_csv_table_line(job->table, row),
                        cc_csv_table_header(job->table, (size_t)job->years[y]), "'%s' is not a number", cell);
  return CC_OK;
}

/* The measure of a group (name from --measure and the splitting filters). */
static cc_status group_measure(snpp_job *job, size_t row, uint32_t *index, cc_error *err) {
  const cc_csv_table *t = job->table;
  const char *parts[1 + 64];
  size_t n_parts = 0;
  parts[n_parts++] = job->opt->measure ? job->opt->measure : "ons_snpp_population";
  char description[1024];
  int used = snprintf(description, sizeof description, "Projected usual residents at 30 June (mid-year)");
  for (size_t s = 0; s < job->n_split && n_parts < sizeof parts / sizeof *parts; s++) {
    parts[n_parts++] = import_part_name(job->opt, cc_csv_table_cell(t, row, (size_t)job->split[s]));
    if (used > 0 && (size_t)used < sizeof description)
      used += snprintf(description + used, sizeof description - (size_t)used, "; %s = %s",
                       cc_csv_table_header(t, (size_t)job->split[s]), cc_csv_table_cell(t, row, (size_t)job->split[s]));
  }
  char name[CC_MEASURE_MAX];
  long line = cc_csv_table_line(t, row);
  cc_status status = import_measure_name(job->opt->measure_prefix, parts, n_parts, t->path, line, name, err);
  if (status) return status;
  const cc_kind people_at_mid_year = CC_KIND_STOCK;
  cc_kind kind;
  if ((status = import_kind(job->opt, name, NULL, &people_at_mid_year, &kind, err))) return status;
  return import_measure_add(job->res, name, CC_FREQ_YEAR, kind, "persons", description, t->path, line, index, err);
}

/* Add the observations of one group: its rows as they are, or summed into bands. */
static cc_status add_group(snpp_job *job, const snpp_group *g, cc_error *err) {
  const cc_csv_table *t = job->table;
  uint32_t area, measure;
  const char *name = job->area_name >= 0 ? cc_csv_table_cell(t, g->first, (size_t)job->area_name) : NULL;
  const char *code = cc_csv_table_cell(t, g->first, (size_t)job->area_code);
  cc_error checked;
  if (cc_check_geography(code, &checked) || !cc_geography_is_code(code))
    return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, g->first), "AREA_CODE",
                        "'%s' is not an ONS code (E08000019)", code);
  cc_status status = import_area_add(job->res, code, name, job->year_period[job->n_years - 1], &area, err);
  if (!status) status = group_measure(job, g->first, &measure, err);
  long rows[SNPP_AGES];
  char band[CC_AGE_BAND_MAX], value[IMPORT_VALUE_MAX];
  size_t n_out = job->n_bands ? job->n_bands : SNPP_AGES + 1;
  for (size_t b = 0; !status && b < n_out; b++) {
    size_t n_rows = 0;
    if (job->n_bands) {
      int missing = 0;
      if (!(n_rows = band_rows(job, g, &job->bands[b], rows, &missing)))
        return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, g->first), "--age-bands",
                            "band %s needs age %d%s, which %s has no row for", job->bands[b].text, missing,
                            missing == job->open_top ? " and over" : "", code);
      snprintf(band, sizeof band, "%s", job->bands[b].text);
    } else { /* every row as it is: slot b is a single year, then the open top, then All ages */
      long row = b <= CC_AGE_MAX_IMPORT ? g->row_of_age[b] : b == CC_AGE_MAX_IMPORT + 1 ? g->open_row : g->all_row;
      if (row < 0) continue;
      rows[n_rows++] = row;
      if (b <= CC_AGE_MAX_IMPORT) snprintf(band, sizeof band, "%zu-%zu", b, b);
      else if (b == CC_AGE_MAX_IMPORT + 1) snprintf(band, sizeof band, "%d+", job->open_top);
      else snprintf(band, sizeof band, "all");
    }
    for (size_t y = 0; !status && y < job->n_years; y++) {
      double sum = 0, number;
      int decimals = 0;
      for (size_t k = 0; !status && k < n_rows; k++) {
        status = check_number(job, (size_t)rows[k], y, &number, err);
        sum += number;
        int d = decimals_of(cc_csv_table_cell(t, (size_t)rows[k], (size_t)job->years[y]));
        if (d > decimals) decimals = d > SNPP_DECIMALS_MAX ? SNPP_DECIMALS_MAX : d;
      }
      if (status) break;
      if (n_rows == 1) snprintf(value, sizeof value, "%s", cc_csv_table_cell(t, (size_t)rows[0], (size_t)job->years[y]));
      else snprintf(value, sizeof value, "%.*f", decimals, sum);
      status = import_add(job->res, area, measure, job->year_period[y], band, value,
                          cc_csv_table_header(t, (size_t)job->years[y]), cc_csv_table_line(t, (size_t)rows[0]), err);
    }
  }
  return status;
}

/* A kept row and the text of its group (area and filter values), to bring groups together. */
typedef struct keyed_row {
  char *key;
  size_t row;
} keyed_row;

static int compare_keyed(const void *pa, const void *pb) {
  const keyed_row *a = pa, *b = pb;
  int c = strcmp(a->key, b->key);
  return c ? c : (a->row > b->row) - (a->row < b->row);
}

static cc_status convert_groups(snpp_job *job, cc_error *err) {
  const cc_csv_table *t = job->table;
  keyed_row *order = calloc(t->n_rows ? t->n_rows : 1, sizeof *order);
  if (!order) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t n = 0;
  cc_status status = CC_OK;
  for (size_t row = 0; row < t->n_rows && !status; row++) {
    if (!job->keep[row]) continue;
    size_t len = strlen(cc_csv_table_cell(t, row, (size_t)job->area_code)) + 1;
    for (size_t s = 0; s < job->n_split; s++) len += strlen(cc_csv_table_cell(t, row, (size_t)job->split[s])) + 1;
    char *key = malloc(len);
    if (!key) {
      status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
      break;
    }
    size_t used = (size_t)snprintf(key, len, "%s", cc_csv_table_cell(t, row, (size_t)job->area_code));
    for (size_t s = 0; s < job->n_split; s++)
      used += (size_t)snprintf(key + used, len - used, "\x1f%s", cc_csv_table_cell(t, row, (size_t)job->split[s]));
    order[n++] = (keyed_row){key, row};
  }
  if (!status) qsort(order, n, sizeof *order, compare_keyed);
  for (size_t start = 0; start < n && !status;) {
    snpp_group g;
    memset(g.row_of_age, 0xff, sizeof g.row_of_age); /* every slot -1 */
    g.open_row = g.all_row = -1;
    g.first = order[start].row;
    size_t end = start;
    while (end < n && strcmp(order[end].key, order[start].key) == 0 && !status)
      status = group_add(job, &g, order[end++].row, err);
    if (!status) status = add_group(job, &g, err);
    job->res->summary.rows_kept += end - start;
    start = end;
  }
  for (size_t i = 0; i < n; i++) free(order[i].key);
  free(order);
  return status;
}

cc_status import_ons_snpp(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err) {
  *out = NULL;
  cc_csv_table *table = NULL;
  cc_status status = cc_csv_table_read(path, CC_IMPORT_MAX_BYTES, &table, err);
  if (status) return status;
  import_provenance provenance = {
      .organisation = "ons",
      .organisation_name = "Office for National Statistics",
      .title = "Subnational population projections for England: local authorities by single year of age (Z1)",
      .release = NULL,
      .url = "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationprojections",
      .suppression_max = SNPP_SUPPRESSION_MAX,
  };
  snpp_job job = {.table = table, .opt = opt};
  job.keep = calloc(table->n_rows ? table->n_rows : 1, 1);
  job.age = calloc(table->n_rows ? table->n_rows : 1, sizeof *job.age);
  if (!job.keep || !job.age) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = find_columns(&job, err);
  if (!status) status = parse_bands(&job, err);
  if (!status) status = read_ages(&job, err);
  if (!status) status = import_result_start(table, opt, &provenance, &job.res, err);
  if (!status) {
    import_split_columns(table, job.keep, job.others, job.n_others, job.split, &job.n_split);
    status = convert_groups(&job, err);
  }
  if (!status) status = import_finish(job.res, path, err);
  if (!status)
    status = import_describe(job.res,
                             "Imported by carecast import --format ons-snpp. One observation per area, age and "
                             "mid-year (year %d = 30 June %d); ages %s; values as published (unrounded persons)%s.",
                             job.year_period[0].index, job.year_period[0].index,
                             job.n_bands ? "summed from single years into the bands of --age-bands"
                                         : "as single years N-N, the open-ended top age as N+, All ages as all",
                             job.open_top >= 0 ? "" : "; the file has no open-ended top age");
  job_free(&job);
  cc_csv_table_free(table);
  if (status) {
    cc_import_result_free(job.res);
    return status;
  }
  *out = job.res;
  return CC_OK;
}
