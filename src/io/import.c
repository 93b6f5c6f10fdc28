/* import.c: what every import format shares (see import.h and
 * import_internal.h): the table of formats, the result being built (areas,
 * measures, rows), names, kinds, ages and filters, and writing the source
 * CSV and its manifest. The formats themselves are import_ees.c and
 * import_snpp.c. */
#include "import_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carecast/source.h"

const cc_import_format cc_import_formats[] = {
    {"dfe-ees", "DfE Explore Education Statistics table (time_period, geographic_level, one column per measure)",
     import_dfe_ees},
    {"dfe-sfr", "DfE statistical first release LA underlying data (New_geog_code, geog_l, year in column names)",
     import_dfe_sfr},
    {"ons-snpp", "ONS subnational population projection (AREA_CODE, AGE_GROUP, one column per year)", import_ons_snpp},
    {NULL, NULL, NULL},
};

#define IMPORT_LICENCE "OGL-3.0"
#define IMPORT_ATTRIBUTION "Contains public sector information licensed under the Open Government Licence v3.0."
#define IMPORT_GROW_INITIAL 256 /* rows, areas and measures allocated first; grown by doubling */

cc_import_options cc_import_options_default(void) {
  cc_import_options opt = {0};
  opt.suppression_max = NAN;
  return opt;
}

const cc_import_format *cc_import_format_find(const char *name) {
  for (const cc_import_format *f = cc_import_formats; f->name; f++)
    if (strcmp(f->name, name) == 0) return f;
  return NULL;
}

cc_status cc_import_file(const char *format, const char *path, const cc_import_options *opt, cc_import_result **out,
                         cc_error *err) {
  *out = NULL;
  const cc_import_format *f = cc_import_format_find(format);
  if (!f) {
    char names[256] = "";
    for (const cc_import_format *g = cc_import_formats; g->name; g++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "", g->name);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "--format", "'%s' is not a format (expected %s)", format, names);
  }
  if (!opt->refreshed) return cc_error_set(err, CC_EUSAGE, NULL, 0, "refreshed", "the date of the extract is required");
  return f->convert(path, opt, out, err);
}

static int grow(void **block, size_t *cap, size_t need, size_t unit) {
  if (need <= *cap) return 0;
  size_t capacity = *cap ? *cap : IMPORT_GROW_INITIAL;
  while (capacity < need) capacity *= 2;
  void *grown = realloc(*block, capacity * unit);
  if (!grown) return 1;
  *block = grown;
  *cap = capacity;
  return 0;
}

static cc_status no_memory(cc_error *err) { return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory"); }

void cc_import_result_free(cc_import_result *res) {
  if (!res) return;
  free(res->original_path);
  free(res->title);
  free(res->release);
  free(res->url);
  free(res->description);
  for (size_t i = 0; i < res->n_measures; i++) free(res->measures[i].description);
  free(res->measures);
  for (size_t i = 0; i < res->n_areas; i++) free(res->areas[i].name);
  free(res->areas);
  free(res->rows);
  free(res);
}

/* The file's name without folder and extension, as a source id. */
static void source_id_from_path(const char *path, char *buf, size_t len) {
  char base[CC_ERROR_FILE_MAX];
  snprintf(base, sizeof base, "%s", cc_file_basename(path));
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  import_slug(base, buf, len);
}

/* YYYY-MM-DD with a month and day that can be (the manifest reader checks the calendar fully). */
static int valid_date(const char *text) {
  int year, month, day;
  char tail;
  return strlen(text) == 10 && text[4] == '-' && text[7] == '-' && strspn(text, "0123456789-") == 10 &&
         sscanf(text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) == 3 && month >= 1 && month <= 12 && day >= 1 &&
         day <= 31;
}

static char *dup_or_null(const char *text) { return text ? strdup(text) : NULL; }

cc_status import_result_start(const cc_csv_table *table, const cc_import_options *opt,
                              const import_provenance *provenance, cc_import_result **out, cc_error *err) {
  *out = NULL;
  cc_import_result *res = calloc(1, sizeof *res);
  if (!res) return no_memory(err);
  res->provenance = *provenance;
  res->original_path = strdup(table->path);
  res->title = dup_or_null(opt->title ? opt->title : provenance->title);
  res->release = dup_or_null(opt->release ? opt->release : provenance->release);
  res->url = dup_or_null(opt->url ? opt->url : provenance->url);
  if (!res->original_path || !res->title || !res->url || ((opt->release || provenance->release) && !res->release)) {
    cc_import_result_free(res);
    return no_memory(err);
  }
  /* The format's texts may live on its stack: keep only the static ones. */
  res->provenance.title = res->provenance.release = res->provenance.url = NULL;
  memcpy(res->original_sha256, table->sha256, sizeof res->original_sha256);
  snprintf(res->refreshed, sizeof res->refreshed, "%s", opt->refreshed);
  res->suppression_max = isnan(opt->suppression_max) ? provenance->suppression_max : opt->suppression_max;
  if (opt->source_id) snprintf(res->source_id, sizeof res->source_id, "%s", opt->source_id);
  else source_id_from_path(table->path, res->source_id, sizeof res->source_id);
  cc_error checked;
  if (strlen(opt->source_id ? opt->source_id : res->source_id) >= sizeof res->source_id ||
      cc_check_source_id(res->source_id, &checked)) {
    cc_import_result_free(res);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "--source-id", "'%s' is not a source id (lower-case letters, digits and _, at most %d)",
                        opt->source_id ? opt->source_id : res->source_id, CC_SOURCE_ID_MAX - 1);
  }
  if (!valid_date(opt->refreshed)) {
    cc_import_result_free(res);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "--refreshed", "'%s' is not a date written YYYY-MM-DD", opt->refreshed);
  }
  res->summary.rows_read = table->n_rows;
  *out = res;
  return CC_OK;
}

cc_status import_area_add(cc_import_result *res, const char *code, const char *name, cc_period period, uint32_t *index,
                      cc_error *err) {
  size_t i = res->last_area;
  if (i >= res->n_areas || strcmp(res->areas[i].code, code) != 0) {
    for (i = 0; i < res->n_areas && strcmp(res->areas[i].code, code) != 0; i++) continue;
  }
  if (i == res->n_areas) {
    if (grow((void **)&res->areas, &res->areas_cap, res->n_areas + 1, sizeof *res->areas)) return no_memory(err);
    import_area *a = &res->areas[res->n_areas++];
    memset(a, 0, sizeof *a);
    snprintf(a->code, sizeof a->code, "%s", code);
    a->name_period = INT32_MIN;
  }
  import_area *a = &res->areas[i];
  if (name && *name && period.index > a->name_period) {
    char *copy = strdup(name);
    if (!copy) return no_memory(err);
    free(a->name);
    a->name = copy;
    a->name_period = period.index;
  }
  res->last_area = i;
  *index = (uint32_t)i;
  return CC_OK;
}

cc_status import_measure_add(cc_import_result *res, const char *name, cc_freq freq, cc_kind kind, const char *unit,
                             const char *description, const char *file, long line, uint32_t *index, cc_error *err) {
  for (size_t i = 0; i < res->n_measures; i++) {
    if (strcmp(res->measures[i].name, name) != 0) continue;
    if (res->measures[i].freq != freq)
      return cc_error_set(err, CC_EINPUT, file, line, "time_identifier",
                          "measure '%s' would have periods of two frequencies (%s and %s): select one with --filter",
                          name, cc_freq_name(res->measures[i].freq), cc_freq_name(freq));
    *index = (uint32_t)i;
    return CC_OK;
  }
  if (grow((void **)&res->measures, &res->measures_cap, res->n_measures + 1, sizeof *res->measures)) return no_memory(err);
  import_measure *m = &res->measures[res->n_measures];
  memset(m, 0, sizeof *m);
  snprintf(m->name, sizeof m->name, "%s", name);
  snprintf(m->unit, sizeof m->unit, "%s", unit);
  m->freq = freq;
  m->kind = kind;
  if (!(m->description = strdup(description))) return no_memory(err);
  *index = (uint32_t)res->n_measures++;
  return CC_OK;
}

cc_status import_add(cc_import_result *res, uint32_t area, uint32_t measure, cc_period period, const char *age_band,
                     const char *value, const char *column, long line, cc_error *err) {
  if (strlen(value) >= IMPORT_VALUE_MAX)
    return cc_error_set(err, CC_EINPUT, res->original_path, line, column, "longer than %d characters", IMPORT_VALUE_MAX - 1);
  double number;
  const import_measure *m = &res->measures[measure];
  if (m->kind != CC_KIND_AMOUNT && cc_source_plain_number(value, &number) && number < 0)
    return cc_error_set(err, CC_EINPUT, res->original_path, line, column, "%s is negative, but measure '%s' is a %s",
                        value, m->name, cc_kind_name(m->kind));
  if (grow((void **)&res->rows, &res->rows_cap, res->n_rows + 1, sizeof *res->rows)) return no_memory(err);
  import_row *r = &res->rows[res->n_rows++];
  r->area = area;
  r->measure = measure;
  r->period = period;
  snprintf(r->age_band, sizeof r->age_band, "%s", age_band);
  snprintf(r->value, sizeof r->value, "%s", value);
  r->line = line;
  return CC_OK;
}

/* A name and where it was, for putting measures and areas in name order. */
typedef struct ranked {
  const char *name;
  uint32_t old; /* index before sorting */
} ranked;

static int compare_ranked(const void *pa, const void *pb) {
  return strcmp(((const ranked *)pa)->name, ((const ranked *)pb)->name);
}

/* Sort n items of `size` bytes (each starting with its NUL-terminated name)
 * by name, and give the new place of every old index in moved_to. */
static cc_status sort_by_name(void *items, size_t n, size_t size, uint32_t *moved_to, cc_error *err) {
  ranked *order = malloc((n ? n : 1) * sizeof *order);
  char *copy = malloc((n ? n : 1) * size);
  if (!order || !copy) {
    free(order);
    free(copy);
    return no_memory(err);
  }
  memcpy(copy, items, n * size);
  for (size_t i = 0; i < n; i++) order[i] = (ranked){copy + i * size, (uint32_t)i};
  qsort(order, n, sizeof *order, compare_ranked);
  for (size_t i = 0; i < n; i++) {
    memcpy((char *)items + i * size, copy + (size_t)order[i].old * size, size);
    moved_to[order[i].old] = (uint32_t)i;
  }
  free(order);
  free(copy);
  return CC_OK;
}

/* Row order once measures and areas are in name order: measure, area, age
 * band, period (the source reader's order). */
static int compare_key(const import_row *a, const import_row *b) {
  int c = (a->measure > b->measure) - (a->measure < b->measure);
  if (!c) c = (a->area > b->area) - (a->area < b->area);
  if (!c) c = strcmp(a->age_band, b->age_band);
  if (!c) c = (a->period.index > b->period.index) - (a->period.index < b->period.index);
  return c;
}

static int compare_rows(const void *pa, const void *pb) {
  const import_row *a = pa, *b = pb;
  int c = compare_key(a, b);
  return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* 1 for a local authority code: unitary (E06), non-metropolitan district
 * (E07), metropolitan district (E08), London borough (E09), county (E10),
 * Welsh unitary (W06). */
static int is_local_authority(const char *code) {
  static const char *const prefixes[] = {"E06", "E07", "E08", "E09", "E10", "W06", NULL};
  for (const char *const *p = prefixes; *p; p++)
    if (strncmp(code, *p, 3) == 0 && cc_geography_is_code(code)) return 1;
  return 0;
}

cc_status import_finish(cc_import_result *res, const char *file, cc_error *err) {
  if (res->n_rows == 0)
    return cc_error_set(err, CC_EINPUT, file, 0, NULL, "no values to import (every row was left out: check --filter and --level)");
  uint32_t *measure_to = malloc(res->n_measures * sizeof *measure_to), *area_to = malloc(res->n_areas * sizeof *area_to);
  cc_status status = measure_to && area_to ? CC_OK : no_memory(err);
  if (!status) status = sort_by_name(res->measures, res->n_measures, sizeof *res->measures, measure_to, err);
  if (!status) status = sort_by_name(res->areas, res->n_areas, sizeof *res->areas, area_to, err);
  for (size_t i = 0; !status && i < res->n_rows; i++) {
    res->rows[i].measure = measure_to[res->rows[i].measure];
    res->rows[i].area = area_to[res->rows[i].area];
  }
  free(measure_to);
  free(area_to);
  if (status) return status;
  res->last_area = 0;
  qsort(res->rows, res->n_rows, sizeof *res->rows, compare_rows);
  size_t kept = 0;
  for (size_t i = 0; i < res->n_rows; i++) {
    if (kept > 0 && compare_key(&res->rows[kept - 1], &res->rows[i]) == 0) {
      const import_row *first = &res->rows[kept - 1], *again = &res->rows[i];
      if (strcmp(first->value, again->value) == 0) continue; /* an exact repeat: once */
      return cc_error_set(err, CC_EINPUT, file, again->line, "value",
                          "'%s' for %s/%s/%s in the same period as line %ld, which has '%s' (a filter column may be missing: see --filter)",
                          again->value, res->measures[again->measure].name, res->areas[again->area].code,
                          again->age_band, first->line, first->value);
    }
    res->rows[kept++] = res->rows[i];
  }
  res->n_rows = kept;
  res->summary.source_id = res->source_id;
  res->summary.observations = kept;
  res->summary.areas = res->n_areas;
  res->summary.measures = res->n_measures;
  for (size_t i = 0; i < res->n_areas; i++) res->summary.local_authorities += is_local_authority(res->areas[i].code);
  return CC_OK;
}

cc_status import_describe(cc_import_result *res, const char *format, ...) {
  va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  int n = vsnprintf(NULL, 0, format, args);
  va_end(args);
  char *text = n < 0 ? NULL : malloc((size_t)n + 1);
  if (text) vsnprintf(text, (size_t)n + 1, format, again);
  va_end(again);
  if (!text) return no_memory(NULL);
  free(res->description);
  res->description = text;
  return CC_OK;
}

cc_import_summary cc_import_result_summary(const cc_import_result *res) { return res->summary; }

void import_slug(const char *text, char *buf, size_t len) {
  size_t k = 0;
  int gap = 0;
  for (const char *p = text; *p && k + 1 < len; p++) {
    unsigned char c = (unsigned char)*p;
    if (isalnum(c) && c < 0x80) {
      if (gap && k > 0 && k + 2 < len) buf[k++] = '_';
      buf[k++] = (char)tolower(c);
      gap = 0;
    } else {
      gap = 1;
    }
  }
  buf[k] = '\0';
}

const char *import_part_name(const cc_import_options *opt, const char *text) {
  size_t n = strlen(text);
  for (size_t i = 0; i < opt->n_renames; i++) {
    const char *eq = strrchr(opt->renames[i], '=');
    if (eq && (size_t)(eq - opt->renames[i]) == n && strncmp(opt->renames[i], text, n) == 0) return eq + 1;
  }
  return text;
}

cc_status import_measure_name(const char *prefix, const char *const *parts, size_t n_parts, const char *file, long line,
                              char *buf, cc_error *err) {
  char name[4 * CC_MEASURE_MAX];
  snprintf(name, sizeof name, "%s", prefix ? prefix : "");
  for (size_t i = 0; i < n_parts; i++) {
    char slug[2 * CC_MEASURE_MAX];
    import_slug(parts[i], slug, sizeof slug);
    size_t n = strlen(name);
    snprintf(name + n, sizeof name - n, "%s%s", n && name[n - 1] != '_' ? "_" : "", slug);
  }
  if (strlen(name) >= CC_MEASURE_MAX)
    return cc_error_set(err, CC_EINPUT, file, line, "measure",
                        "the name '%s' would be longer than %d characters: keep one value of a filter column with "
                        "--filter COLUMN=VALUE, or choose a shorter --measure-prefix",
                        name, CC_MEASURE_MAX - 1);
  cc_error checked;
  if (cc_check_measure_name(name, &checked))
    return cc_error_set(err, CC_EINPUT, file, line, "measure", "'%s' is not a measure name (%s): give a --measure-prefix that starts with a letter",
                        name, checked.message);
  memcpy(buf, name, strlen(name) + 1);
  return CC_OK;
}

/* 1 when any of the words (NULL-terminated) is in name. */
static int names_any(const char *name, const char *const *words) {
  for (const char *const *w = words; *w; w++)
    if (strstr(name, *w)) return 1;
  return 0;
}

cc_status import_kind(const cc_import_options *opt, const char *measure, const char *column, const cc_kind *fallback,
                      cc_kind *kind, cc_error *err) {
  for (size_t i = 0; i < opt->n_kinds; i++) {
    const char *eq = strchr(opt->kinds[i], '=');
    if (!eq || eq == opt->kinds[i])
      return cc_error_set(err, CC_EINPUT, NULL, 0, "--kind", "'%s' is not NAME=KIND", opt->kinds[i]);
    size_t n = (size_t)(eq - opt->kinds[i]);
    int match = (strlen(measure) == n && strncmp(measure, opt->kinds[i], n) == 0) ||
                (column && strlen(column) == n && strncasecmp(column, opt->kinds[i], n) == 0);
    if (!match) continue;
    cc_status status = cc_kind_parse(eq + 1, kind, err);
    if (status && err) snprintf(err->field, sizeof err->field, "--kind");
    return status;
  }
  if (fallback) {
    *kind = *fallback;
    return CC_OK;
  }
  static const char *const rate_words[] = {"percent", "pct", "rate", "ratio", "proportion", "per_10", "per_1", NULL};
  static const char *const stock_words[] = {"at31", "at_31", "on_31", "population", "estimate", "open", NULL};
  *kind = names_any(measure, rate_words) ? CC_KIND_RATE : names_any(measure, stock_words) ? CC_KIND_STOCK : CC_KIND_FLOW;
  return CC_OK;
}

const char *import_unit(cc_kind kind, const char *name, const char *count_unit) {
  if (kind == CC_KIND_RATE) {
    if (strstr(name, "percent") || strstr(name, "pct")) return "percent";
    if (strstr(name, "10000") || strstr(name, "10k")) return "per 10,000";
    return "rate";
  }
  return count_unit;
}

/* Skip spaces; 1 when p starts with word (case-insensitive), moving p past it. */
static int take_word(const char **p, const char *word) {
  while (**p == ' ') (*p)++;
  size_t n = strlen(word);
  if (strncasecmp(*p, word, n) != 0) return 0;
  *p += n;
  return 1;
}

/* An age in whole years at p, moving p past it and an optional "year(s)"; -1 when none. */
static int take_age(const char **p) {
  while (**p == ' ') (*p)++;
  if (!isdigit((unsigned char)**p)) return -1;
  char *end;
  long age = strtol(*p, &end, 10);
  if (age > 150 || end - *p > 3) return -1; /* no one is older; longer numbers are not ages */
  *p = end;
  if (!take_word(p, "years")) take_word(p, "year");
  return (int)age;
}

static int at_end(const char *p) {
  while (*p == ' ') p++;
  return *p == '\0';
}

int import_age_band(const char *text, const char *total_band, char *buf, size_t len) {
  const char *p = text;
  if (strcasecmp(text, "total") == 0 || strcasecmp(text, "all ages") == 0 || strcasecmp(text, "all") == 0) {
    snprintf(buf, len, "%s", total_band);
    return 1;
  }
  take_word(&p, "children aged"), take_word(&p, "aged");
  int low, high;
  if (take_word(&p, "under")) {
    if ((high = take_age(&p)) < 1 || !at_end(p)) return 0;
    snprintf(buf, len, "0-%d", high - 1);
    return 1;
  }
  if ((low = take_age(&p)) < 0) return 0;
  if (at_end(p)) return snprintf(buf, len, "%d-%d", low, low), 1;
  if (take_word(&p, "+") || take_word(&p, "and over") || take_word(&p, "or over") || take_word(&p, "and above") ||
      take_word(&p, "plus")) {
    if (!at_end(p)) return 0;
    snprintf(buf, len, "%d+", low);
    return 1;
  }
  if (!take_word(&p, "to") && !take_word(&p, "-")) return 0;
  if ((high = take_age(&p)) < low || !at_end(p)) return 0;
  snprintf(buf, len, "%d-%d", low, high);
  return 1;
}

int import_in_list(const char *const *list, const char *name) {
  for (const char *const *p = list; *p; p++)
    if (strcasecmp(*p, name) == 0) return 1;
  return 0;
}

/* 1 when name is in the comma-separated list (case-insensitive, spaces around items ignored). */
int import_in_comma_list(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',') p++;
    const char *end = p;
    while (*end && *end != ',') end++;
    const char *last = end;
    while (last > p && last[-1] == ' ') last--;
    if ((size_t)(last - p) == n && strncasecmp(p, name, n) == 0) return 1;
    p = end;
  }
  return 0;
}

cc_status import_filters_resolve(const cc_csv_table *table, const cc_import_options *opt, import_filters *filters,
                                 cc_error *err) {
  filters->n = 0;
  for (size_t i = 0; i < opt->n_filters; i++) {
    const char *eq = strchr(opt->filters[i], '=');
    if (!eq || eq == opt->filters[i])
      return cc_error_set(err, CC_EINPUT, NULL, 0, "--filter", "'%s' is not COLUMN=VALUE", opt->filters[i]);
    char column[CC_ERROR_FIELD_MAX];
    snprintf(column, sizeof column, "%.*s", (int)(eq - opt->filters[i]), opt->filters[i]);
    long col = cc_csv_table_column(table, column);
    if (col < 0) return cc_error_set(err, CC_EINPUT, table->path, 1, "--filter", "the file has no column '%s'", column);
    filters->column[filters->n] = col;
    filters->value[filters->n++] = eq + 1;
  }
  return CC_OK;
}

int import_filters_pass(const cc_csv_table *table, const import_filters *filters, size_t row) {
  for (size_t i = 0; i < filters->n; i++)
    if (strcmp(cc_csv_table_cell(table, row, (size_t)filters->column[i]), filters->value[i]) != 0) return 0;
  return 1;
}

int import_filters_has(const import_filters *filters, long col) {
  for (size_t i = 0; i < filters->n; i++)
    if (filters->column[i] == col) return 1;
  return 0;
}

void import_split_columns(const cc_csv_table *table, const unsigned char *keep, const long *cols, size_t n, long *split,
                          size_t *n_split) {
  *n_split = 0;
  for (size_t c = 0; c < n; c++) {
    const char *first = NULL;
    for (size_t row = 0; row < table->n_rows; row++) {
      if (!keep[row]) continue;
      const char *cell = cc_csv_table_cell(table, row, (size_t)cols[c]);
      if (!first) first = cell;
      else if (strcmp(first, cell) != 0) {
        split[(*n_split)++] = cols[c];
        break;
      }
    }
  }
}

/* Writing the source. */

/* text as a YAML double-quoted scalar. */
static void yaml_quoted(FILE *out, const char *text) {
  fputc('"', out);
  for (const char *p = text; *p; p++) {
    if (*p == '"' || *p == '\\') fputc('\\', out), fputc(*p, out);
    else if (*p == '\n') fputs("\\n", out);
    else if ((unsigned char)*p < 0x20) fprintf(out, "\\x%02x", (unsigned char)*p);
    else fputc(*p, out);
  }
  fputc('"', out);
}

static void yaml_field(FILE *out, const char *indent, const char *key, const char *value) {
  fprintf(out, "%s%s: ", indent, key);
  yaml_quoted(out, value);
  fputc('\n', out);
}

static void write_manifest(const cc_import_result *res, FILE *out) {
  const import_provenance *p = &res->provenance;
  fprintf(out, "# Written by carecast import from %s\n", cc_file_basename(res->original_path));
  fprintf(out, "source_id: %s\norganisation: %s\n", res->source_id, p->organisation);
  yaml_field(out, "", "organisation_name", p->organisation_name);
  yaml_field(out, "", "data_sharing_agreement", "none (open data)");
  fprintf(out, "licence: %s\nrefreshed: %s\n", IMPORT_LICENCE, res->refreshed);
  yaml_field(out, "", "publisher_url", res->url);
  yaml_field(out, "", "attribution", IMPORT_ATTRIBUTION);
  yaml_field(out, "", "title", res->title);
  if (res->release) yaml_field(out, "", "release", res->release);
  yaml_field(out, "", "original_file", cc_file_basename(res->original_path));
  fprintf(out, "original_sha256: %s\n", res->original_sha256);
  if (res->description) yaml_field(out, "", "description", res->description);
  fprintf(out, "suppression_max: %g\n", res->suppression_max);
  int any_name = 0;
  for (size_t i = 0; i < res->n_areas; i++) any_name |= res->areas[i].name != NULL;
  if (any_name) {
    fputs("geographies:\n", out);
    for (size_t i = 0; i < res->n_areas; i++)
      if (res->areas[i].name) yaml_field(out, "  ", res->areas[i].code, res->areas[i].name);
  }
  fputs("measures:\n", out);
  for (size_t i = 0; i < res->n_measures; i++) {
    const import_measure *m = &res->measures[i];
    fprintf(out, "  %s:\n    frequency: %s\n    kind: %s\n", m->name, cc_freq_name(m->freq), cc_kind_name(m->kind));
    yaml_field(out, "    ", "unit", m->unit);
    yaml_field(out, "    ", "description", m->description);
  }
}

/* A CSV field, quoted when it holds a comma, quote or line end. */
static void csv_field(FILE *out, const char *text) {
  if (!strpbrk(text, ",\"\r\n")) {
    fputs(text, out);
    return;
  }
  fputc('"', out);
  for (const char *p = text; *p; p++) {
    if (*p == '"') fputc('"', out);
    fputc(*p, out);
  }
  fputc('"', out);
}

static void write_csv(const cc_import_result *res, FILE *out) {
  fputs("geography_code,period,measure,age_band,value\n", out);
  char period[CC_PERIOD_TEXT_MAX];
  for (size_t i = 0; i < res->n_rows; i++) {
    const import_row *r = &res->rows[i];
    csv_field(out, res->areas[r->area].code);
    fprintf(out, ",%s,%s,%s,", cc_period_format(r->period, period, sizeof period), res->measures[r->measure].name,
            r->age_band);
    csv_field(out, r->value);
    fputc('\n', out);
  }
}

/* Write one file through path.tmp, synced, then renamed into place. */
static cc_status write_file(const cc_import_result *res, const char *path, void (*writer)(const cc_import_result *, FILE *),
                            cc_error *err) {
  char tmp[CC_ERROR_FILE_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *out = fopen(tmp, "w");
  if (!out) return cc_error_set(err, CC_EIO, tmp, 0, NULL, "cannot create: %s", strerror(errno));
  writer(res, out);
  int failed = ferror(out);
  if (fclose(out) != 0) failed = 1;
  cc_status status = failed ? cc_error_set(err, CC_EIO, tmp, 0, NULL, "cannot write") : cc_file_sync(tmp, err);
  if (!status && rename(tmp, path) != 0) status = cc_error_set(err, CC_EIO, path, 0, NULL, "cannot rename into place: %s", strerror(errno));
  if (status) remove(tmp);
  return status;
}

cc_status cc_import_write(const cc_import_result *res, const char *dir, char *csv_path, size_t len, cc_error *err) {
  char yaml_path[CC_ERROR_FILE_MAX];
  if (!cc_file_exists(dir)) return cc_error_set(err, CC_EINPUT, dir, 0, "--out", "no such folder");
  int n = snprintf(csv_path, len, "%s/%s.csv", dir, res->source_id);
  if (n < 0 || (size_t)n >= len || (size_t)n >= sizeof yaml_path)
    return cc_error_set(err, CC_EINPUT, dir, 0, "--out", "path too long");
  snprintf(yaml_path, sizeof yaml_path, "%s/%s.yaml", dir, res->source_id);
  cc_status status = write_file(res, yaml_path, write_manifest, err);
  if (!status) status = write_file(res, csv_path, write_csv, err);
  if (!status) status = cc_file_sync_dir(csv_path, err);
  return status;
}
