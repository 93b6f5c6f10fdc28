/* source.c: the long-format CSV reader (see source.h and docs/sources.md).
 *
 * The file is read whole, hashed, and handed to the shared CSV row reader
 * (csvfile.h: UTF-8 check, libcsv, the line each row started on). Each row
 * is validated field by field; a bad row is recorded
 * and reading goes on, so one run reports every problem in the file. When
 * all rows are read, observations are sorted by key and repeated keys are
 * resolved: an exact repeat is read once, a repeat with another value or
 * flag is an error naming both lines. */
#include "carecast/source.h"

#include "carecast/csvfile.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CC_SOURCE_COLUMNS_MIN 5 /* geography_code,period,measure,age_band,value */
#define CC_SOURCE_COLUMNS_MAX 6 /* ... ,flag */
#define CC_FIELD_MAX 256        /* longest field kept; longer ones are rejected */

static const char *const column_names[CC_SOURCE_COLUMNS_MAX] = {"geography_code", "period", "measure",
                                                                "age_band", "value", "flag"};

enum { COL_GEOGRAPHY, COL_PERIOD, COL_MEASURE, COL_AGE_BAND, COL_VALUE, COL_FLAG };

/* State while libcsv calls back. */
typedef struct reader {
  const char *path;             /* CSV path, for messages */
  const cc_manifest *manifest;  /* declared measures */
  long row_line;                /* line the current row started on */
  int header_seen;              /* the header row has been read */
  int columns;                  /* columns the header declared */
  int fields;                   /* fields of the current row so far */
  int field_too_long;           /* a field of this row was over CC_FIELD_MAX */
  char field[CC_SOURCE_COLUMNS_MAX][CC_FIELD_MAX]; /* the current row's fields */
  cc_source *src;               /* what is being built */
  size_t obs_capacity;          /* allocated length of src->obs */
  cc_error_list *errors;        /* every problem, for the caller */
  cc_error first;               /* the first problem */
  int out_of_memory;            /* an allocation failed: stop */
} reader;

/* Record a problem. The first problem is the one on the earliest line (the
 * first found among those on one line): rows are checked in file order, but
 * repeated keys only once every row is read. */
static void record(reader *r, const cc_error *e) {
  if (r->first.status == CC_OK || e->line < r->first.line) r->first = *e;
  cc_error_list_add(r->errors, e);
}

static void reject(reader *r, long line, const char *field, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static void reject(reader *r, long line, const char *field, const char *format, ...) {
  char reason[CC_ERROR_MESSAGE_MAX];
  va_list args;
  va_start(args, format);
  vsnprintf(reason, sizeof reason, format, args);
  va_end(args);
  cc_error e;
  cc_error_set(&e, CC_EINPUT, r->path, line, field, "%s", reason);
  record(r, &e);
}

/* Report an error a checker produced (it has field and reason, no place). */
static void reject_checked(reader *r, const cc_error *checked) {
  cc_error e = *checked;
  snprintf(e.file, sizeof e.file, "%s", r->path);
  e.line = r->row_line;
  record(r, &e);
}

static int is_suppression_marker(const char *text) {
  static const char *const markers[] = {"*", "c", "x", "[c]", "[x]", "..", "[low]", NULL};
  for (const char *const *m = markers; *m; m++)
    if (strcasecmp(text, *m) == 0) return 1;
  return 0;
}

int cc_source_plain_number(const char *text, double *out) {
  const char *p = text;
  int digits = 0;
  if (*p == '+' || *p == '-') p++;
  while (isdigit((unsigned char)*p)) p++, digits++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p)) p++, digits++;
  }
  if (digits == 0) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
  }
  if (*p) return 0;
  char *end;
  *out = strtod(text, &end);
  return isfinite(*out);
}

/* Parse the value field into obs; 0 on success, else a rejection was made. */
static int parse_value(reader *r, const char *text, const cc_measure_def *def, cc_observation *obs) {
  obs->value = NAN;
  obs->bound = NAN;
  obs->flags = 0;
  if (text[0] == '\0') return 0; /* missing */
  if (is_suppression_marker(text)) {
    obs->flags = CC_OBS_SUPPRESSED;
    obs->bound = r->manifest->suppression_max;
    return 0;
  }
  double number;
  if (text[0] == '<' && cc_source_plain_number(text + 1, &number) && number > 0) {
    /* "<5": for counts the largest value hidden is 4; for rates, anything below 5. */
    int integral_count = (def->kind == CC_KIND_FLOW || def->kind == CC_KIND_STOCK) && number == floor(number);
    obs->flags = CC_OBS_SUPPRESSED;
    obs->bound = integral_count ? number - 1 : number;
    return 0;
  }
  if (!cc_source_plain_number(text, &number)) {
    if (strchr(text, ','))
      reject(r, r->row_line, "value", "'%s' is not a number (remove thousands separators)", text);
    else
      reject(r, r->row_line, "value", "'%s' is not a number or a suppression marker (*, c, x, [c], [x], .., [low], <N)", text);
    return 1;
  }
  if (number < 0 && def->kind != CC_KIND_AMOUNT) {
    reject(r, r->row_line, "value", "%s is negative, but measure '%s' is a %s and cannot be", text, def->name,
           cc_kind_name(def->kind));
    return 1;
  }
  obs->value = number == 0 ? 0.0 : number; /* no negative zero */
  obs->flags = CC_OBS_OBSERVED;
  return 0;
}

static int parse_flag(reader *r, const char *text, cc_observation *obs) {
  if (text[0] == '\0' || strcasecmp(text, "observed") == 0) return 0;
  if (strcasecmp(text, "provisional") == 0) obs->flags |= CC_OBS_PROVISIONAL;
  else if (strcasecmp(text, "estimated") == 0) obs->flags |= CC_OBS_IMPUTED;
  else if (strcasecmp(text, "outlier") == 0) obs->flags |= CC_OBS_OUTLIER;
  else if (strcasecmp(text, "break") == 0) obs->flags |= CC_OBS_BREAK;
  else {
    reject(r, r->row_line, "flag", "'%s' is not a flag (expected observed, provisional, estimated, outlier or break)", text);
    return 1;
  }
  return 0;
}

static void read_header(reader *r) {
  r->header_seen = 1;
  int ok = r->fields >= CC_SOURCE_COLUMNS_MIN && r->fields <= CC_SOURCE_COLUMNS_MAX;
  for (int i = 0; ok && i < r->fields; i++) ok = strcmp(r->field[i], column_names[i]) == 0;
  if (!ok) {
    reject(r, r->row_line, "header", "%s", "expected the columns geography_code,period,measure,age_band,value[,flag]");
    r->columns = -1; /* every later row would be wrong too: stop checking rows */
    return;
  }
  r->columns = r->fields;
}

static int grow_observations(reader *r) {
  if (r->src->n_obs < r->obs_capacity) return 0;
  size_t capacity = r->obs_capacity ? 2 * r->obs_capacity : 1024;
  cc_observation *grown = realloc(r->src->obs, capacity * sizeof *grown);
  if (!grown) return r->out_of_memory = 1;
  r->src->obs = grown;
  r->obs_capacity = capacity;
  return 0;
}

static void read_row(reader *r) {
  cc_error checked;
  r->src->rows_read++;
  if (r->fields != r->columns) {
    reject(r, r->row_line, "row", "expected %d fields, found %d", r->columns, r->fields);
    r->src->rows_rejected++;
    return;
  }
  if (r->field_too_long) {
    reject(r, r->row_line, column_names[r->field_too_long - 1], "longer than %d characters", CC_FIELD_MAX - 1);
    r->src->rows_rejected++;
    return;
  }
  cc_observation obs = {0};
  obs.line = (int32_t)r->row_line;
  int bad = 0;
  const char *geography = r->field[COL_GEOGRAPHY], *measure = r->field[COL_MEASURE], *age_band = r->field[COL_AGE_BAND];
  if (cc_check_geography(geography, &checked)) reject_checked(r, &checked), bad = 1;
  else memcpy(obs.geography, geography, strlen(geography) + 1);

  const cc_measure_def *def = NULL;
  if (cc_check_measure_name(measure, &checked)) reject_checked(r, &checked), bad = 1;
  else if (!(def = cc_manifest_measure(r->manifest, measure)))
    reject(r, r->row_line, "measure", "'%s' is not declared in the manifest's measures", measure), bad = 1;
  else memcpy(obs.measure, measure, strlen(measure) + 1);

  if (cc_period_parse(r->field[COL_PERIOD], &obs.period, &checked)) reject_checked(r, &checked), bad = 1;
  else if (def && obs.period.freq != def->freq) {
    reject(r, r->row_line, "period", "'%s' is a %s, but measure '%s' is declared with frequency %s",
           r->field[COL_PERIOD], cc_freq_name(obs.period.freq), def->name, cc_freq_name(def->freq));
    bad = 1;
  }
  if (cc_check_age_band(age_band, &checked)) reject_checked(r, &checked), bad = 1;
  else memcpy(obs.age_band, age_band, strlen(age_band) + 1);

  if (def && parse_value(r, r->field[COL_VALUE], def, &obs)) bad = 1;
  if (r->columns > COL_FLAG && parse_flag(r, r->field[COL_FLAG], &obs)) bad = 1;
  if (bad) {
    r->src->rows_rejected++;
    return;
  }
  if (grow_observations(r)) return;
  r->src->obs[r->src->n_obs++] = obs;
}

/* Keep the first CC_SOURCE_COLUMNS_MAX fields of a row, each at most CC_FIELD_MAX - 1 bytes. */
static void keep_fields(reader *r, const char *const *fields, size_t n_fields) {
  r->fields = n_fields > INT_MAX ? INT_MAX : (int)n_fields;
  r->field_too_long = 0;
  for (size_t i = 0; i < n_fields && i < CC_SOURCE_COLUMNS_MAX; i++) {
    size_t len = strlen(fields[i]);
    if (len >= CC_FIELD_MAX) {
      if (!r->field_too_long) r->field_too_long = (int)i + 1;
      len = CC_FIELD_MAX - 1;
    }
    memcpy(r->field[i], fields[i], len);
    r->field[i][len] = '\0';
  }
}

static int on_row(const char *const *fields, size_t n_fields, long line, void *user) {
  reader *r = user;
  if (r->columns < 0 || r->out_of_memory) return 1;
  r->row_line = line;
  keep_fields(r, fields, n_fields);
  if (!r->header_seen) read_header(r);
  else read_row(r);
  return r->out_of_memory;
}

int cc_observation_compare_key(const cc_observation *a, const cc_observation *b) {
  int c = strcmp(a->measure, b->measure);
  if (!c) c = strcmp(a->geography, b->geography);
  if (!c) c = strcmp(a->age_band, b->age_band);
  if (!c) c = (a->period.index > b->period.index) - (a->period.index < b->period.index);
  return c;
}

int cc_observation_same_series(const cc_observation *a, const cc_observation *b) {
  return strcmp(a->measure, b->measure) == 0 && strcmp(a->geography, b->geography) == 0 &&
         strcmp(a->age_band, b->age_band) == 0;
}

static int compare_key_then_line(const void *pa, const void *pb) {
  const cc_observation *a = pa, *b = pb;
  int c = cc_observation_compare_key(a, b);
  return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int same_number(double a, double b) { return isnan(a) ? isnan(b) : !isnan(b) && a == b; }

/* 1 when a and b hold the same value and bound (flags aside). */
static int same_value(const cc_observation *a, const cc_observation *b) {
  return same_number(a->value, b->value) && same_number(a->bound, b->bound);
}

/* Sort by key; drop exact repeats; reject repeats that disagree. */
static void resolve_repeats(reader *r) {
  cc_source *src = r->src;
  if (src->n_obs == 0) return; /* obs may be NULL, which qsort may not be given */
  qsort(src->obs, src->n_obs, sizeof *src->obs, compare_key_then_line);
  size_t kept = 0;
  for (size_t i = 0; i < src->n_obs; i++) {
    if (kept > 0 && cc_observation_compare_key(&src->obs[kept - 1], &src->obs[i]) == 0) {
      const cc_observation *first = &src->obs[kept - 1], *again = &src->obs[i];
      if (same_value(first, again) && first->flags == again->flags) {
        src->rows_duplicate++;
      } else {
        const char *differs = same_value(first, again) ? "flag" : "value";
        reject(r, again->line, differs, "the same geography, period, measure and age band as line %ld, with a different %s",
               (long)first->line, differs);
        src->rows_rejected++;
      }
      continue;
    }
    src->obs[kept++] = src->obs[i];
  }
  src->n_obs = kept;
}

cc_status cc_source_manifest_path(const char *csv_path, char *buf, size_t len, cc_error *err) {
  size_t n = strlen(csv_path);
  if (n < 5 || strcmp(csv_path + n - 4, ".csv") != 0)
    return cc_error_set(err, CC_EINPUT, csv_path, 0, NULL, "a source file's name must end in .csv");
  if (n + 2 > len) return cc_error_set(err, CC_EINPUT, csv_path, 0, NULL, "path too long");
  memcpy(buf, csv_path, n - 4);
  strcpy(buf + n - 4, ".yaml");
  return CC_OK;
}

void cc_source_free(cc_source *src) {
  if (!src) return;
  cc_manifest_free(src->manifest);
  free(src->path);
  free(src->obs);
  free(src);
}

/* Hand back a problem found before any row was read: into err (which may be
 * NULL) and, when it is bad input, into the list of every problem. */
static cc_status fail_early(const cc_error *problem, cc_error_list *errors, cc_error *err) {
  if (err) *err = *problem;
  if (problem->status == CC_EINPUT) cc_error_list_add(errors, problem);
  return problem->status;
}

cc_status cc_source_read(const char *csv_path, cc_source **out, cc_error_list *errors, cc_error *err) {
  *out = NULL;
  cc_error problem;
  char manifest_path[CC_ERROR_FILE_MAX];
  if (cc_source_manifest_path(csv_path, manifest_path, sizeof manifest_path, &problem))
    return fail_early(&problem, errors, err);
  if (!cc_file_exists(manifest_path)) {
    cc_error_set(&problem, CC_EINPUT, csv_path, 0, "manifest", "no manifest beside it (expected %s)", manifest_path);
    return fail_early(&problem, errors, err);
  }

  cc_source *src = calloc(1, sizeof *src);
  if (!src || !(src->path = strdup(csv_path))) {
    free(src);
    return cc_error_set(err, CC_ENOMEM, csv_path, 0, NULL, "out of memory");
  }
  char *text = NULL;
  size_t len = 0;
  if (cc_manifest_load(manifest_path, &src->manifest, &problem) ||
      cc_file_read(csv_path, CC_SOURCE_MAX_BYTES, &text, &len, &problem)) {
    cc_source_free(src);
    return fail_early(&problem, errors, err);
  }
  cc_sha256_hex(text, len, src->sha256);

  cc_status status = CC_OK;
  reader r = {.path = csv_path, .manifest = src->manifest, .src = src, .errors = errors};
  status = cc_csv_parse(csv_path, text, len, on_row, &r, &problem);
  if (status == CC_EINPUT) { /* not UTF-8, or malformed quoting: a problem of the file, reported with the others */
    record(&r, &problem);
    status = CC_OK;
  } else if (status && err) {
    *err = problem;
  }
  if (status == CC_OK && r.out_of_memory) status = cc_error_set(err, CC_ENOMEM, csv_path, 0, NULL, "out of memory");
  if (status == CC_OK && !r.header_seen && r.first.status == CC_OK)
    reject(&r, 1, "header", "%s", "the file is empty (no header row)");
  if (status == CC_OK) resolve_repeats(&r); /* also after bad rows, so one run reports every problem */
  free(text);
  if (status == CC_OK && r.first.status != CC_OK) {
    if (err) *err = r.first;
    status = CC_EINPUT;
  }
  if (status) {
    cc_source_free(src);
    return status;
  }
  *out = src;
  return CC_OK;
}
