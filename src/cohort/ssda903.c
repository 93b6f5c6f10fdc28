/* ssda903.c: reading, cleaning and counting SSDA903 episodes of care
 * (ssda903.h says what the return is and what each cleaning rule does). */
#include "carecast/ssda903.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/csvfile.h"
#include "carecast/date.h"

/* Upper ends (exclusive, in years) of the age brackets of the DfE demand model. */
static const int bracket_upper[CC_AGE_BRACKETS] = {1, 5, 10, 16, CC_CARE_LEAVING_AGE};
static const char *const bracket_names[CC_AGE_BRACKETS] = {"0-1", "1-5", "5-10", "10-16", "16-18"};
static const char *const placement_names[CC_PLACEMENT_COUNT] = {"foster", "residential", "other"};

cc_placement cc_ssda903_placement(const char *place) {
  if (place[0] == 'U' && place[1] >= '1' && place[1] <= '6' && place[2] == '\0') return CC_PLACEMENT_FOSTER;
  static const char *const residential[] = {"K1", "K2", "R1", "S1"};
  for (size_t i = 0; i < sizeof residential / sizeof *residential; i++)
    if (strcmp(place, residential[i]) == 0) return CC_PLACEMENT_RESIDENTIAL;
  return CC_PLACEMENT_OTHER;
}

size_t cc_ssda903_state(int bracket, cc_placement placement) {
  return (size_t)bracket * CC_PLACEMENT_COUNT + (size_t)placement;
}

void cc_ssda903_state_name(size_t state, char *buf, size_t len) {
  snprintf(buf, len, "%s %s", bracket_names[state / CC_PLACEMENT_COUNT], placement_names[state % CC_PLACEMENT_COUNT]);
}

int cc_ssda903_bracket(long birth, long day) {
  int age = cc_date_age(birth, day);
  if (age < 0) return -1;
  for (int b = 0; b < CC_AGE_BRACKETS; b++)
    if (age < bracket_upper[b]) return b;
  return -1;
}

/* ---- reading ------------------------------------------------------------ */

#define SSDA903_MAX_BYTES ((size_t)1 << 30) /* refuse files over 1 GiB */

/* The index of column name, or CC_EINPUT naming the file and the column. */
static cc_status require_column(const cc_csv_table *t, const char *name, int *column, cc_error *err) {
  *column = (int)cc_csv_table_column(t, name);
  if (*column < 0) return cc_error_set(err, CC_EINPUT, t->path, 1, name, "the header has no column '%s'", name);
  return CC_OK;
}

typedef struct birth_entry {
  char child[CC_CHILD_ID_MAX];
  long birth;
  long year; /* return year the date came from */
} birth_entry;

typedef struct raw_episode {
  cc_ssda903_episode e;
  long year; /* return year */
} raw_episode;

static int compare_birth(const void *a, const void *b) {
  const birth_entry *x = a, *y = b;
  int c = strcmp(x->child, y->child);
  return c ? c : (x->year > y->year) - (x->year < y->year);
}

static int compare_raw(const void *a, const void *b) {
  const raw_episode *x = a, *y = b;
  int c = strcmp(x->e.child, y->e.child);
  if (!c) c = (x->e.start > y->e.start) - (x->e.start < y->e.start);
  if (!c) c = (x->year > y->year) - (x->year < y->year);
  return c;
}

/* A date cell: empty gives *present = 0; anything else must be a date. */
static cc_status date_cell(const cc_csv_table *t, size_t row, int column, long *day, int *present, cc_error *err) {
  const char *text = cc_csv_table_cell(t, row, (size_t)column);
  *present = text[0] != '\0';
  if (!*present) return CC_OK;
  cc_error inner;
  if (cc_date_parse(text, day, &inner) != CC_OK)
    return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, row), cc_csv_table_header(t, (size_t)column), "%s", inner.message);
  return CC_OK;
}

static long year_cell(const cc_csv_table *t, size_t row, int column) {
  return column < 0 ? 0 : strtol(cc_csv_table_cell(t, row, (size_t)column), NULL, 10);
}

static int other_la(const cc_csv_table *t, size_t row, int la_column, const char *la) {
  return la && la_column >= 0 && strcmp(cc_csv_table_cell(t, row, (size_t)la_column), la) != 0;
}

static int id_fits(const cc_csv_table *t, size_t row, int column, cc_error *err) {
  if (strlen(cc_csv_table_cell(t, row, (size_t)column)) < CC_CHILD_ID_MAX) return 1;
  cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, row), cc_csv_table_header(t, (size_t)column), "child id longer than %d characters",
               CC_CHILD_ID_MAX - 1);
  return 0;
}

/* The dates of birth of the header file, sorted by child (latest return last). */
static cc_status read_births(const cc_csv_table *t, const char *la, birth_entry **out, size_t *n, cc_error *err) {
  const char *path = t->path;
  cc_status st;
  int child_col, dob_col, la_col = cc_csv_table_column(t, "LA"), year_col = cc_csv_table_column(t, "YEAR");
  if ((st = require_column(t, "CHILD", &child_col, err)) != CC_OK ||
      (st = require_column(t, "DOB", &dob_col, err)) != CC_OK)
    return st;
  birth_entry *births = malloc((t->n_rows ? t->n_rows : 1) * sizeof *births);
  size_t kept = 0;
  if (!births) st = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  for (size_t r = 0; r < t->n_rows && st == CC_OK; r++) {
    const char *child = cc_csv_table_cell(t, r, (size_t)child_col);
    if (other_la(t, r, la_col, la) || child[0] == '\0') continue;
    if (!id_fits(t, r, child_col, err)) {
      st = CC_EINPUT;
      break;
    }
    int present;
    long dob;
    if ((st = date_cell(t, r, dob_col, &dob, &present, err)) != CC_OK || !present) continue;
    birth_entry *b = &births[kept++];
    snprintf(b->child, sizeof b->child, "%s", child);
    b->birth = dob;
    b->year = year_cell(t, r, year_col);
  }
  if (st != CC_OK) {
    free(births);
    return st;
  }
  qsort(births, kept, sizeof *births, compare_birth);
  *out = births;
  *n = kept;
  return CC_OK;
}

/* The latest date of birth of child, or 0 with *found 0. */
static long birth_of(const birth_entry *births, size_t n, const char *child, int *found) {
  size_t lo = 0, hi = n;
  while (lo < hi) { /* the first entry not before child */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(births[mid].child, child) < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = 0;
  long birth = 0;
  for (size_t i = lo; i < n && strcmp(births[i].child, child) == 0; i++) {
    birth = births[i].birth; /* sorted by year: the last is the latest return's */
    *found = 1;
  }
  return birth;
}

static cc_status read_episodes(const cc_csv_table *t, const char *la, const birth_entry *births, size_t n_births,
                               raw_episode **out, size_t *n, cc_ssda903_report *report, cc_error *err) {
  const char *path = t->path;
  cc_status st;
  int child_col, start_col, end_col, place_col;
  int la_col = (int)cc_csv_table_column(t, "LA"), year_col = (int)cc_csv_table_column(t, "YEAR");
  if ((st = require_column(t, "CHILD", &child_col, err)) != CC_OK ||
      (st = require_column(t, "DECOM", &start_col, err)) != CC_OK ||
      (st = require_column(t, "DEC", &end_col, err)) != CC_OK ||
      (st = require_column(t, "PLACE", &place_col, err)) != CC_OK)
    return st;
  raw_episode *raw = malloc((t->n_rows ? t->n_rows : 1) * sizeof *raw);
  size_t kept = 0;
  if (!raw) st = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  for (size_t r = 0; r < t->n_rows && st == CC_OK; r++) {
    if (other_la(t, r, la_col, la)) continue;
    report->rows++;
    const char *child = cc_csv_table_cell(t, r, (size_t)child_col);
    const char *place = cc_csv_table_cell(t, r, (size_t)place_col);
    if (child[0] == '\0') {
      report->no_child++;
      continue;
    }
    if (!id_fits(t, r, child_col, err)) {
      st = CC_EINPUT;
      break;
    }
    if (strlen(place) >= CC_PLACE_CODE_MAX) {
      st = cc_error_set(err, CC_EINPUT, path, cc_csv_table_line(t, r), "PLACE", "'%s' is not a placement code", place);
      break;
    }
    int has_start, has_end, found;
    long start, end;
    if ((st = date_cell(t, r, start_col, &start, &has_start, err)) != CC_OK) break;
    if ((st = date_cell(t, r, end_col, &end, &has_end, err)) != CC_OK) break;
    if (!has_start) {
      report->no_start++;
      continue;
    }
    long birth = birth_of(births, n_births, child, &found);
    if (!found) {
      report->no_birth++;
      continue;
    }
    raw_episode *e = &raw[kept++];
    snprintf(e->e.child, sizeof e->e.child, "%s", child);
    snprintf(e->e.place, sizeof e->e.place, "%s", place);
    e->e.placement = cc_ssda903_placement(place);
    e->e.start = start;
    e->e.end = has_end ? end : CC_SSDA903_OPEN;
    e->e.birth = birth;
    e->year = year_cell(t, r, year_col);
  }
  if (st != CC_OK) {
    free(raw);
    return st;
  }
  *out = raw;
  *n = kept;
  return CC_OK;
}

/* Deduplicate (latest return wins), drop reversed episodes, cut overlaps. */
static size_t clean(raw_episode *raw, size_t n, cc_ssda903_episode *out, cc_ssda903_report *report) {
  qsort(raw, n, sizeof *raw, compare_raw);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    /* sorted by child, start, return year: the last of a run of equal (child, start) is the latest */
    if (i + 1 < n && strcmp(raw[i].e.child, raw[i + 1].e.child) == 0 && raw[i].e.start == raw[i + 1].e.start) {
      report->duplicates++;
      continue;
    }
    if (raw[i].e.end < raw[i].e.start) {
      report->end_before_start++;
      continue;
    }
    if (kept > 0 && strcmp(out[kept - 1].child, raw[i].e.child) == 0 && out[kept - 1].end > raw[i].e.start) {
      out[kept - 1].end = raw[i].e.start;
      report->overlaps++;
    }
    out[kept++] = raw[i].e;
  }
  report->kept = kept;
  for (size_t i = 0; i < kept; i++)
    if (i == 0 || strcmp(out[i].child, out[i - 1].child) != 0) report->children++;
  return kept;
}

struct cc_ssda903_return {
  cc_csv_table *episodes; /* the episodes file as read */
  cc_csv_table *header;   /* the header file (CHILD, DOB) as read */
};

cc_status cc_ssda903_return_read(const char *episodes_path, const char *header_path, cc_ssda903_return **out,
                                 cc_error *err) {
  *out = NULL;
  cc_ssda903_return *ret = calloc(1, sizeof *ret);
  if (!ret) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status st = cc_csv_table_read(header_path, SSDA903_MAX_BYTES, &ret->header, err);
  if (st == CC_OK) st = cc_csv_table_read(episodes_path, SSDA903_MAX_BYTES, &ret->episodes, err);
  if (st != CC_OK) {
    cc_ssda903_return_free(ret);
    return st;
  }
  *out = ret;
  return CC_OK;
}

void cc_ssda903_return_free(cc_ssda903_return *ret) {
  if (!ret) return;
  cc_csv_table_free(ret->episodes);
  cc_csv_table_free(ret->header);
  free(ret);
}

cc_status cc_ssda903_select(const cc_ssda903_return *ret, const char *la, cc_ssda903 **out, cc_error *err) {
  *out = NULL;
  birth_entry *births = NULL;
  size_t n_births = 0, n_raw = 0;
  raw_episode *raw = NULL;
  cc_ssda903 *d = calloc(1, sizeof *d);
  if (!d) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status st = read_births(ret->header, la, &births, &n_births, err);
  if (st == CC_OK) st = read_episodes(ret->episodes, la, births, n_births, &raw, &n_raw, &d->report, err);
  if (st == CC_OK && !(d->episodes = malloc((n_raw ? n_raw : 1) * sizeof *d->episodes)))
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (st == CC_OK) d->n = clean(raw, n_raw, d->episodes, &d->report);
  free(births);
  free(raw);
  if (st != CC_OK) {
    cc_ssda903_free(d);
    return st;
  }
  *out = d;
  return CC_OK;
}

cc_status cc_ssda903_read(const char *episodes_path, const char *header_path, const char *la, cc_ssda903 **out,
                          cc_error *err) {
  *out = NULL;
  cc_ssda903_return *ret = NULL;
  cc_status st = cc_ssda903_return_read(episodes_path, header_path, &ret, err);
  if (st == CC_OK) st = cc_ssda903_select(ret, la, out, err);
  cc_ssda903_return_free(ret);
  return st;
}

void cc_ssda903_free(cc_ssda903 *d) {
  if (!d) return;
  free(d->episodes);
  free(d);
}

/* ---- counting ----------------------------------------------------------- */

void cc_ssda903_counts_free(cc_ssda903_counts *c) {
  if (!c) return;
  free(c->stocks);
  free(c->entries);
  free(c);
}

/* The state of the child whose episodes are e[0..n) at day `day`, or -1 when not in care. */
static int state_at(const cc_ssda903_episode *e, size_t n, long day) {
  for (size_t i = 0; i < n; i++)
    if (e[i].start <= day && day < e[i].end) {
      int bracket = cc_ssda903_bracket(e[i].birth, day);
      return bracket < 0 ? -1 : (int)cc_ssda903_state(bracket, e[i].placement);
    }
  return -1;
}

cc_status cc_ssda903_count(const cc_ssda903 *d, int first_year, int first_month, size_t months, cc_ssda903_counts **out,
                           cc_error *err) {
  *out = NULL;
  if (months < 2) return cc_error_set(err, CC_EUSAGE, NULL, 0, "months", "at least two month ends are needed to count moves");
  if (first_month < 1 || first_month > 12) return cc_error_set(err, CC_EUSAGE, NULL, 0, "month", "month %d is not 1-12", first_month);
  const size_t S = CC_SSDA903_STATES;
  cc_ssda903_counts *c = calloc(1, sizeof *c);
  long *ends = malloc(months * sizeof *ends);
  int *states = malloc(months * sizeof *states);
  if (c) {
    c->stocks = calloc(months * S, sizeof *c->stocks);
    c->entries = calloc((months - 1) * S, sizeof *c->entries);
  }
  if (!c || !ends || !states || !c->stocks || !c->entries) {
    cc_ssda903_counts_free(c);
    free(ends);
    free(states);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  c->first_year = first_year;
  c->first_month = first_month;
  c->months = months;
  for (size_t t = 0; t < months; t++) {
    int month0 = first_month - 1 + (int)t;
    ends[t] = cc_date_month_end(first_year + month0 / 12, month0 % 12 + 1);
  }
  for (size_t i = 0; i < d->n;) {
    size_t j = i;
    while (j < d->n && strcmp(d->episodes[j].child, d->episodes[i].child) == 0) j++;
    for (size_t t = 0; t < months; t++) states[t] = state_at(d->episodes + i, j - i, ends[t]);
    for (size_t t = 0; t < months; t++) {
      if (states[t] >= 0) c->stocks[t * S + (size_t)states[t]] += 1.0;
      if (t == 0) continue;
      if (states[t - 1] >= 0) c->counts[(size_t)states[t - 1] * (S + 1) + (states[t] >= 0 ? (size_t)states[t] : S)] += 1.0;
      else if (states[t] >= 0) c->entries[(t - 1) * S + (size_t)states[t]] += 1.0;
    }
    i = j;
  }
  free(ends);
  free(states);
  *out = c;
  return CC_OK;
}

/* ---- gathering into a model's states ------------------------------------- */

unsigned cc_ssda903_match(const char *text) {
  char word[2][CC_PLACE_CODE_MAX * 2] = {"", ""};
  char rest;
  int words = sscanf(text, "%15s %15s %c", word[0], word[1], &rest);
  if (words < 1 || words > 2) return 0;
  int bracket = -1, placement = -1;
  for (int w = 0; w < words; w++) {
    int found = 0;
    for (int b = 0; b < CC_AGE_BRACKETS && !found; b++)
      if (strcmp(word[w], bracket_names[b]) == 0 && bracket < 0) bracket = b, found = 1;
    for (int p = 0; p < CC_PLACEMENT_COUNT && !found; p++)
      if (strcmp(word[w], placement_names[p]) == 0 && placement < 0) placement = p, found = 1;
    if (!found) return 0;
  }
  unsigned mask = 0;
  for (int b = 0; b < CC_AGE_BRACKETS; b++)
    for (int p = 0; p < CC_PLACEMENT_COUNT; p++)
      if ((bracket < 0 || bracket == b) && (placement < 0 || placement == p))
        mask |= 1u << cc_ssda903_state(b, (cc_placement)p);
  return mask;
}

long cc_ssda903_last_day(const cc_ssda903 *d) {
  long last = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->episodes[i].start > last) last = d->episodes[i].start;
    if (d->episodes[i].end != CC_SSDA903_OPEN && d->episodes[i].end > last) last = d->episodes[i].end;
  }
  return last;
}

void cc_ssda903_gather(const cc_ssda903_counts *c, const int map[CC_SSDA903_STATES], size_t k, double *counts,
                       double *stocks, double *entries) {
  const size_t S = CC_SSDA903_STATES;
  memset(counts, 0, k * (k + 1) * sizeof *counts);
  memset(stocks, 0, c->months * k * sizeof *stocks);
  memset(entries, 0, (c->months - 1) * k * sizeof *entries);
  for (size_t s = 0; s < S; s++) {
    size_t to_model = (size_t)map[s];
    for (size_t j = 0; j <= S; j++) counts[to_model * (k + 1) + (j == S ? k : (size_t)map[j])] += c->counts[s * (S + 1) + j];
    for (size_t t = 0; t < c->months; t++) stocks[t * k + to_model] += c->stocks[t * S + s];
    for (size_t t = 0; t + 1 < c->months; t++) entries[t * k + to_model] += c->entries[t * S + s];
  }
}
