/* extract.c: reading person-level extracts with identifiers pseudonymised
 * on read (see extract.h).
 *
 * The file is read whole, cut into rows by csvfile's sensitive parser (which wipes its field
 * buffers after each row), and every row is checked and reduced to a
 * cc_person_record. The file's bytes are wiped before they are freed, so no
 * raw NHS number or postcode outlives the read. */
#include "carecast/extract.h"

#include "carecast/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/csvfile.h"
#include "carecast/file.h"
#include "carecast/period.h"
#include "carecast/wipe.h"

#define NHS_NUMBER_DIGITS 10
#define POSTCODE_INWARD_LEN 3 /* a full postcode ends in a 3-character inward code (digit, letter, letter) */
#define POSTCODE_MAX 8        /* longest postcode without its space ("EC1A1BB" is 7) */
#define DATE_YEAR_MIN CC_PERIOD_YEAR_MIN /* years of dates outside period.h's range are typing errors */
#define DATE_YEAR_MAX CC_PERIOD_YEAR_MAX

enum column {
  COL_RECORD_ID,
  COL_EVENT_DATE,
  COL_AGE_BAND,
  COL_GEOGRAPHY,
  COL_NHS_NUMBER,
  COL_DATE_OF_BIRTH,
  COL_YEAR_OF_BIRTH,
  COL_SEX,
  COL_POSTCODE,
  COL_COUNT
};

static const char *const column_names[COL_COUNT] = {"record_id",     "event_date",    "age_band",
                                                     "geography_code", "nhs_number",   "date_of_birth",
                                                     "year_of_birth", "sex",           "postcode"};
#define COLUMNS_REQUIRED 4 /* the first four of column_names */
#define EXPECTED_COLUMNS                                                                                       \
  "record_id, event_date, age_band, geography_code, and optionally nhs_number, date_of_birth or year_of_birth, " \
  "sex, postcode"

typedef struct reader {
  const char *path;            /* for messages */
  const cc_pseudonym_key *key; /* for pseudonyms */
  char id_domain[80];          /* "record_id:<domain>" */
  int header_seen;             /* the header was read */
  int position[COL_COUNT];     /* index of each column in a row, -1 when absent */
  size_t columns;              /* fields per row */
  cc_extract *extract;         /* being built */
  size_t capacity;             /* allocated records */
  cc_status status;            /* what the last row's reading gave */
  cc_error *err;               /* where a row's error goes */
} reader;

/* ---- dates -------------------------------------------------------------- */

/* An ISO date YYYY-MM-DD (a real calendar date; date.h) as a day number and its parts; 0 when not one. */
static int iso_date(const char *text, int32_t *day, int *year, int *month, int *mday) {
  long days;
  if (strlen(text) != CC_ISO_DATE_LEN || text[4] != '-' || cc_date_parse(text, &days, NULL) != CC_OK) return 0;
  *day = (int32_t)days;
  cc_date_to_civil(days, year, month, mday);
  return 1;
}

static int digits_at(const char *text, int n) {
  int value = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

/* ---- identifiers -------------------------------------------------------- */

int cc_nhs_number_valid(const char *digits10) {
  int total = 0;
  for (int i = 0; i < NHS_NUMBER_DIGITS - 1; i++) total += (digits10[i] - '0') * (NHS_NUMBER_DIGITS - i);
  int check = 11 - total % 11; /* NHS Data Dictionary: modulus 11, weights 10..2 */
  if (check == 11) check = 0;
  return check != 10 && check == digits10[NHS_NUMBER_DIGITS - 1] - '0';
}

/* Copy text without spaces, upper-cased, into out (size len); 0 when it does not fit. */
static int squeeze(const char *text, char *out, size_t len) {
  size_t k = 0;
  for (const char *p = text; *p; p++) {
    if (*p == ' ') continue;
    if (k + 1 >= len) return 0;
    out[k++] = (char)toupper((unsigned char)*p);
  }
  out[k] = '\0';
  return 1;
}

static cc_status read_nhs_number(reader *r, long line, const char *text, cc_person_record *rec, cc_error *err) {
  char digits[NHS_NUMBER_DIGITS + 2];
  int ok = squeeze(text, digits, sizeof digits) && strlen(digits) == NHS_NUMBER_DIGITS;
  for (size_t i = 0; ok && digits[i]; i++) ok = isdigit((unsigned char)digits[i]) != 0;
  if (!ok) {
    cc_secure_wipe(digits, sizeof digits);
    /* the value is not echoed: it may be an identifier */
    return cc_error_set(err, CC_EINPUT, r->path, line, "nhs_number", "not a 10-digit NHS number (value not shown)");
  }
  if (cc_nhs_number_valid(digits)) {
    cc_pseudonym(r->key, "nhs_number", digits, NHS_NUMBER_DIGITS, rec->nhs_digest);
    rec->has_nhs = 1;
  } else {
    r->extract->nhs_invalid++;
  }
  cc_secure_wipe(digits, sizeof digits);
  return CC_OK;
}

/* The district of a postcode: its outward code (all but the 3-character inward code), or the whole text when
 * only an outward code is given. Text that cannot be a postcode (other than letters and digits, too short or too
 * long) is counted and treated as unknown, as an NHS number with a wrong check digit is: one mistyped field should
 * not refuse a whole extract. Typos that keep the shape ("9S" for "S9") are kept, for comparison to judge. */
static void read_postcode(reader *r, const char *text, cc_person_record *rec) {
  char code[POSTCODE_MAX + 2];
  int ok = squeeze(text, code, sizeof code);
  for (size_t i = 0; ok && code[i]; i++) ok = isalnum((unsigned char)code[i]) != 0;
  size_t len = ok ? strlen(code) : 0;
  size_t district_len = len > POSTCODE_INWARD_LEN + 1 ? len - POSTCODE_INWARD_LEN : len;
  ok = ok && len >= 2 && district_len < CC_DISTRICT_MAX;
  if (ok) {
    memcpy(rec->district, code, district_len);
    rec->district[district_len] = '\0';
    if (district_len < len) { /* a full postcode: its pseudonym, in a normal form without spaces */
      cc_pseudonym(r->key, "postcode", code, len, rec->postcode_digest);
      rec->has_postcode = 1;
    }
  } else {
    r->extract->postcode_invalid++;
  }
  cc_secure_wipe(code, sizeof code);
}

static cc_status read_sex(reader *r, long line, const char *text, cc_person_record *rec, cc_error *err) {
  char c = (char)toupper((unsigned char)text[0]);
  if (text[0] && text[1]) c = '?';
  if (c == 'F' || c == '2') rec->sex = 'F';
  else if (c == 'M' || c == '1') rec->sex = 'M';
  else if (c == '\0' || c == 'U' || c == '0' || c == '9') rec->sex = 0;
  else return cc_error_set(err, CC_EINPUT, r->path, line, "sex", "'%s' is not M, F, 1, 2, U, 0, 9 or empty", text);
  return CC_OK;
}

static cc_status read_birth(reader *r, long line, const char *date, const char *year, cc_person_record *rec,
                            cc_error *err) {
  if (date && date[0]) {
    int32_t day;
    int y, m, d;
    if (!iso_date(date, &day, &y, &m, &d))
      return cc_error_set(err, CC_EINPUT, r->path, line, "date_of_birth", "not a date YYYY-MM-DD (value not shown)");
    rec->birth_year = (int16_t)y, rec->birth_month = (int8_t)m, rec->birth_day = (int8_t)d;
  } else if (year && year[0]) {
    int y = strlen(year) == 4 ? digits_at(year, 4) : -1;
    if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX)
      return cc_error_set(err, CC_EINPUT, r->path, line, "year_of_birth", "'%s' is not a year YYYY", year);
    rec->birth_year = (int16_t)y;
  }
  return CC_OK;
}

/* ---- rows --------------------------------------------------------------- */

/* One row as the readers below see it. */
typedef struct csv_row {
  long line;                 /* the line it started on */
  size_t n_fields;
  const char *const *fields; /* valid during the row's call only */
} csv_row;

static cc_status read_header(reader *r, const csv_row *row, cc_error *err) {
  for (int c = 0; c < COL_COUNT; c++) r->position[c] = -1;
  for (size_t i = 0; i < row->n_fields; i++) {
    int found = -1;
    for (int c = 0; c < COL_COUNT && found < 0; c++)
      if (strcmp(row->fields[i], column_names[c]) == 0) found = c;
    if (found < 0)
      return cc_error_set(err, CC_EINPUT, r->path, row->line, "header", "unknown column '%s' (expected %s)",
                          row->fields[i], EXPECTED_COLUMNS);
    if (r->position[found] >= 0)
      return cc_error_set(err, CC_EINPUT, r->path, row->line, "header", "column '%s' appears twice", row->fields[i]);
    r->position[found] = (int)i;
  }
  for (int c = 0; c < COLUMNS_REQUIRED; c++)
    if (r->position[c] < 0)
      return cc_error_set(err, CC_EINPUT, r->path, row->line, "header", "no column '%s' (expected %s)", column_names[c],
                          EXPECTED_COLUMNS);
  if (r->position[COL_DATE_OF_BIRTH] >= 0 && r->position[COL_YEAR_OF_BIRTH] >= 0)
    return cc_error_set(err, CC_EINPUT, r->path, row->line, "header", "%s",
                        "give date_of_birth or year_of_birth, not both");
  r->columns = row->n_fields;
  r->header_seen = 1;
  return CC_OK;
}

static const char *field(const reader *r, const csv_row *row, enum column c) {
  return r->position[c] < 0 ? NULL : row->fields[r->position[c]];
}

static cc_status grow(reader *r, cc_error *err) {
  if (r->extract->n < r->capacity) return CC_OK;
  size_t capacity = r->capacity ? 2 * r->capacity : 1024;
  cc_person_record *grown = realloc(r->extract->records, capacity * sizeof *grown);
  if (!grown) return cc_error_set(err, CC_ENOMEM, r->path, 0, NULL, "out of memory");
  r->extract->records = grown;
  r->capacity = capacity;
  return CC_OK;
}

static cc_status read_record(reader *r, const csv_row *row, cc_error *err) {
  if (row->n_fields != r->columns)
    return cc_error_set(err, CC_EINPUT, r->path, row->line, "row", "expected %zu fields, found %zu", r->columns,
                        row->n_fields);
  cc_person_record rec;
  memset(&rec, 0, sizeof rec);
  rec.line = (int32_t)row->line;
  const char *id = field(r, row, COL_RECORD_ID);
  if (!id[0]) return cc_error_set(err, CC_EINPUT, r->path, row->line, "record_id", "%s", "empty");
  cc_pseudonym(r->key, r->id_domain, id, strlen(id), rec.id_digest);

  int y, m, d;
  const char *event = field(r, row, COL_EVENT_DATE);
  if (!iso_date(event, &rec.event_day, &y, &m, &d))
    return cc_error_set(err, CC_EINPUT, r->path, row->line, "event_date", "'%s' is not a date YYYY-MM-DD", event);
  cc_error checked;
  const char *band = field(r, row, COL_AGE_BAND), *geography = field(r, row, COL_GEOGRAPHY);
  if (cc_check_age_band(band, &checked))
    return cc_error_set(err, CC_EINPUT, r->path, row->line, "age_band", "%s", checked.message);
  if (!cc_geography_is_code(geography))
    return cc_error_set(err, CC_EINPUT, r->path, row->line, "geography_code", "'%s' is not an ONS GSS code",
                        geography);
  snprintf(rec.age_band, sizeof rec.age_band, "%s", band);
  snprintf(rec.geography, sizeof rec.geography, "%s", geography);

  const char *text;
  cc_status status = CC_OK;
  if ((text = field(r, row, COL_NHS_NUMBER)) && text[0]) status = read_nhs_number(r, row->line, text, &rec, err);
  if (!status) status = read_birth(r, row->line, field(r, row, COL_DATE_OF_BIRTH), field(r, row, COL_YEAR_OF_BIRTH),
                                   &rec, err);
  if (!status && (text = field(r, row, COL_SEX))) status = read_sex(r, row->line, text, &rec, err);
  if (!status && (text = field(r, row, COL_POSTCODE)) && text[0]) read_postcode(r, text, &rec);
  if (!status) status = grow(r, err);
  if (status) return status;
  r->extract->nhs_missing += !rec.has_nhs;
  r->extract->records[r->extract->n++] = rec;
  return CC_OK;
}

/* The row callback: a status other than CC_OK (in r->status, with r->err) stops the parse. */
static int on_row(const char *const *fields, size_t n_fields, long line, void *context) {
  reader *r = context;
  csv_row row = {line, n_fields, fields};
  r->status = r->header_seen ? read_record(r, &row, r->err) : read_header(r, &row, r->err);
  return r->status != CC_OK;
}

static int compare_digest(const void *a, const void *b) {
  const cc_person_record *const *x = a, *const *y = b;
  return memcmp((*x)->id_digest, (*y)->id_digest, CC_HMAC_SHA256_SIZE);
}

/* Two rows with the same record id are refused: a link must name one row. */
static cc_status check_unique_ids(const cc_extract *extract, cc_error *err) {
  if (extract->n < 2) return CC_OK;
  const cc_person_record **sorted = malloc(extract->n * sizeof *sorted);
  if (!sorted) return cc_error_set(err, CC_ENOMEM, extract->path, 0, NULL, "out of memory");
  for (size_t i = 0; i < extract->n; i++) sorted[i] = &extract->records[i];
  qsort(sorted, extract->n, sizeof *sorted, compare_digest);
  cc_status status = CC_OK;
  for (size_t i = 1; i < extract->n && !status; i++)
    if (compare_digest(&sorted[i - 1], &sorted[i]) == 0) {
      const cc_person_record *first = sorted[i - 1]->line < sorted[i]->line ? sorted[i - 1] : sorted[i];
      const cc_person_record *again = first == sorted[i] ? sorted[i - 1] : sorted[i];
      status = cc_error_set(err, CC_EINPUT, extract->path, again->line, "record_id", "the same record id as line %ld",
                            (long)first->line);
    }
  free(sorted);
  return status;
}

cc_status cc_extract_read(const char *path, const cc_pseudonym_key *key, const char *domain, cc_extract **out,
                          cc_error *err) {
  *out = NULL;
  cc_extract *extract = calloc(1, sizeof *extract);
  if (!extract || !(extract->path = strdup(path))) {
    free(extract);
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  }
  char *text = NULL;
  size_t len = 0;
  cc_status status = cc_file_read(path, CC_EXTRACT_MAX_BYTES, &text, &len, err);
  if (status) {
    cc_extract_free(extract);
    return status;
  }
  cc_sha256_hex(text, len, extract->sha256);
  reader r = {.path = path, .key = key, .extract = extract};
  snprintf(r.id_domain, sizeof r.id_domain, "record_id:%s", domain);
  r.err = err;
  status = cc_csv_parse_sensitive(path, text, len, on_row, &r, err);
  if (!status) status = r.status;
  cc_secure_wipe(text, len);
  free(text);
  if (!status && !r.header_seen) status = cc_error_set(err, CC_EINPUT, path, 1, "header", "the file is empty");
  if (!status) status = check_unique_ids(extract, err);
  if (status) {
    cc_extract_free(extract);
    return status;
  }
  *out = extract;
  return CC_OK;
}

void cc_extract_free(cc_extract *extract) {
  if (!extract) return;
  if (extract->records) cc_secure_wipe(extract->records, extract->n * sizeof *extract->records);
  free(extract->records);
  free(extract->path);
  free(extract);
}
