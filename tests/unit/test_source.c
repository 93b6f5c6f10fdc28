/* test_source.c: the source reader (CSV and manifest) against two corpora.
 *
 * tests/data/bad holds files that must be refused, each with the exact first
 * error expected; tests/data/good holds files that must be read, each with
 * the counts expected (see tests/data/bad/README.md). On top of those: the
 * error list of a file with several bad rows, the order of observations, a
 * few single observations, and fuzz loops of seeded byte mutations of the
 * good files and of a manifest, which must never crash the reader nor give a
 * message without a line inside the file. Run longer or with other seeds by
 * setting CARECAST_FUZZ_ITERATIONS and CARECAST_FUZZ_SEED (best in the
 * AddressSanitizer build, -DCARECAST_SANITIZE=ON). */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/file.h"
#include "carecast/source.h"
#include "testutil.h"

#define BAD_DIR CC_TEST_DATA_DIR "/bad"
#define GOOD_DIR CC_TEST_DATA_DIR "/good"
#define BAD_CASES_MIN 30      /* fewer means the corpus went missing: fail */
#define GOOD_CASES_MIN 6
#define FUZZ_ITERATIONS 4000  /* mutated files read by the fuzz loop (env CARECAST_FUZZ_ITERATIONS) */
#define FUZZ_SEED 20250430u   /* fixed, so a failure names an iteration that replays (env CARECAST_FUZZ_SEED) */
#define MESSAGE_MAX 2048

/* The case names of a corpus (the NAME of each NAME.expected), sorted. Set
 * in main before the runner forks, so loop tests can index them. */
typedef struct corpus {
  char **names; /* malloc'd names */
  size_t n;     /* number of names */
} corpus;

static corpus bad_cases, good_cases;

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static corpus list_cases(const char *dir) {
  corpus c = {NULL, 0};
  size_t capacity = 0;
  DIR *folder = opendir(dir);
  if (!folder) return c;
  const struct dirent *entry;
  while ((entry = readdir(folder))) {
    size_t len = strlen(entry->d_name);
    const char *suffix = ".expected";
    size_t suffix_len = strlen(suffix);
    if (len <= suffix_len || strcmp(entry->d_name + len - suffix_len, suffix) != 0) continue;
    if (c.n == capacity) {
      capacity = capacity ? 2 * capacity : 64;
      c.names = realloc(c.names, capacity * sizeof *c.names);
    }
    c.names[c.n] = strndup(entry->d_name, len - suffix_len);
    c.n++;
  }
  closedir(folder);
  if (c.n) qsort(c.names, c.n, sizeof *c.names, compare_names);
  return c;
}

static void free_cases(corpus *c) {
  for (size_t i = 0; i < c->n; i++) free(c->names[i]);
  free(c->names);
}

/* dir/name+suffix into a malloc'd path. */
static char *case_path(const char *dir, const char *name, const char *suffix) {
  size_t len = strlen(dir) + strlen(name) + strlen(suffix) + 2;
  char *path = malloc(len);
  snprintf(path, len, "%s/%s%s", dir, name, suffix);
  return path;
}

/* The first line of dir/name.expected, without its line end (malloc'd). */
static char *read_expected(const char *dir, const char *name) {
  char *path = case_path(dir, name, ".expected");
  char *text = NULL;
  size_t len = 0;
  cc_error err;
  cc_status status = cc_file_read(path, 1 << 16, &text, &len, &err);
  ck_assert_msg(status == CC_OK, "case %s: cannot read %s", name, path);
  free(path);
  text[strcspn(text, "\r\n")] = '\0';
  return text;
}

/* Delete every occurrence of `remove` from text, in place. */
static void delete_all(char *text, const char *remove) {
  size_t remove_len = strlen(remove);
  char *found;
  while ((found = strstr(text, remove))) memmove(found, found + remove_len, strlen(found + remove_len) + 1);
}

/* The error formatted with the bad corpus's folder taken out (README.md). */
static void format_relative(const cc_error *err, char *buf, size_t len) {
  cc_error_format(err, buf, len);
  delete_all(buf, BAD_DIR "/");
}

static size_t count_lines(const char *text, size_t len) {
  size_t lines = 1;
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\n') lines++;
  return lines;
}

/* Lines as YAML counts them: LF, CR, CRLF, and NEL, LS and PS in UTF-8 all end one. */
static size_t count_yaml_lines(const char *text, size_t len) {
  size_t lines = 1;
  for (size_t i = 0; i < len; i++) {
    const unsigned char *p = (const unsigned char *)text + i;
    if (p[0] == '\n' || (p[0] == '\r' && (i + 1 == len || p[1] != '\n'))) lines++;
    else if (i + 1 < len && p[0] == 0xc2 && p[1] == 0x85) lines++;
    else if (i + 2 < len && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) lines++;
  }
  return lines;
}

static void assert_sorted(const cc_source *src, const char *name) {
  for (size_t i = 1; i < src->n_obs; i++)
    ck_assert_msg(cc_observation_compare_key(&src->obs[i - 1], &src->obs[i]) < 0,
                  "case %s: observations %zu and %zu (lines %d and %d) out of order or repeated", name, i - 1, i,
                  (int)src->obs[i - 1].line, (int)src->obs[i].line);
}

/* Every bad case is refused with exactly its expected first error. */
START_TEST(test_bad_case) {
  const char *name = bad_cases.names[_i];
  char *csv_path = case_path(BAD_DIR, name, ".csv");
  char *expected = read_expected(BAD_DIR, name);
  cc_source *src = (cc_source *)1;
  cc_error err;
  cc_error_clear(&err);
  cc_error_list list = {0};
  cc_status status = cc_source_read(csv_path, &src, &list, &err);
  char got[MESSAGE_MAX];
  format_relative(&err, got, sizeof got);
  ck_assert_msg(status == CC_EINPUT, "case %s: status %d (%s), expected bad input; message: %s", name, (int)status,
                cc_status_name(status), got);
  ck_assert_msg(src == NULL, "case %s: refused but *out is not NULL", name);
  ck_assert_msg(strcmp(got, expected) == 0, "case %s:\n  expected: %s\n  got:      %s", name, expected, got);

  /* The first error is also in the list, and no error in the list is on an earlier line. */
  ck_assert_msg(list.total >= 1 && list.kept >= 1, "case %s: the error list is empty", name);
  int in_list = 0;
  for (size_t k = 0; k < list.kept; k++) {
    char item[MESSAGE_MAX];
    format_relative(&list.items[k], item, sizeof item);
    in_list |= strcmp(item, got) == 0;
    ck_assert_msg(list.items[k].line >= err.line, "case %s: list item %zu (line %ld) comes before the first error (line %ld)",
                  name, k, list.items[k].line, err.line);
  }
  ck_assert_msg(in_list, "case %s: the first error is not in the error list", name);

  /* No list and no cc_error: the same status and no crash. */
  ck_assert_int_eq(cc_source_read(csv_path, &src, NULL, NULL), CC_EINPUT);
  ck_assert_ptr_null(src);
  ck_assert_int_eq(cc_source_read(csv_path, &src, &list, NULL), CC_EINPUT);
  ck_assert_ptr_null(src);
  free(expected);
  free(csv_path);
}
END_TEST

/* The bad corpus is there: a test over zero cases would pass. */
START_TEST(test_bad_corpus_size) {
  ck_assert_msg(bad_cases.n >= BAD_CASES_MIN, "only %zu bad cases in %s (at least %d expected)", bad_cases.n, BAD_DIR,
                BAD_CASES_MIN);
  ck_assert_msg(good_cases.n >= GOOD_CASES_MIN, "only %zu good cases in %s (at least %d expected)", good_cases.n,
                GOOD_DIR, GOOD_CASES_MIN);
  for (size_t i = 0; i < bad_cases.n; i++) {
    char *csv_path = case_path(BAD_DIR, bad_cases.names[i], ".csv");
    ck_assert_msg(cc_file_exists(csv_path), "case %s has no .csv", bad_cases.names[i]);
    free(csv_path);
  }
}
END_TEST

typedef struct summary {
  size_t rows, observations, duplicates, suppressed, missing;
} summary;

static summary summarise(const cc_source *src) {
  summary s = {src->rows_read, src->n_obs, src->rows_duplicate, 0, 0};
  for (size_t i = 0; i < src->n_obs; i++) {
    const cc_observation *o = &src->obs[i];
    if (o->flags & CC_OBS_SUPPRESSED) s.suppressed++;
    else if (isnan(o->value)) s.missing++;
  }
  return s;
}

/* Read good/NAME.csv, which must succeed. */
static cc_source *read_good(const char *name) {
  char *csv_path = case_path(GOOD_DIR, name, ".csv");
  cc_source *src = NULL;
  cc_error err;
  cc_error_list list = {0};
  cc_status status = cc_source_read(csv_path, &src, &list, &err);
  char message[MESSAGE_MAX];
  ck_assert_msg(status == CC_OK, "case %s: refused: %s", name, cc_error_format(&err, message, sizeof message));
  ck_assert_msg(list.total == 0, "case %s: read, but %zu errors listed", name, list.total);
  free(csv_path);
  return src;
}

/* Every good case is read, with its expected counts, sorted, nothing rejected. */
START_TEST(test_good_case) {
  const char *name = good_cases.names[_i];
  char *expected_text = read_expected(GOOD_DIR, name);
  summary expected;
  ck_assert_msg(sscanf(expected_text, "rows=%zu observations=%zu duplicates=%zu suppressed=%zu missing=%zu",
                       &expected.rows, &expected.observations, &expected.duplicates, &expected.suppressed,
                       &expected.missing) == 5,
                "case %s: malformed expected summary '%s'", name, expected_text);
  cc_source *src = read_good(name);
  summary got = summarise(src);
  ck_assert_msg(memcmp(&got, &expected, sizeof got) == 0,
                "case %s:\n  expected: %s\n  got:      rows=%zu observations=%zu duplicates=%zu suppressed=%zu missing=%zu",
                name, expected_text, got.rows, got.observations, got.duplicates, got.suppressed, got.missing);
  ck_assert_uint_eq(src->rows_rejected, 0);
  ck_assert_uint_eq(strlen(src->sha256), CC_SHA256_HEX_LEN);
  ck_assert_ptr_nonnull(src->manifest);
  assert_sorted(src, name);
  for (size_t i = 0; i < src->n_obs; i++) {
    const cc_observation *o = &src->obs[i];
    ck_assert_msg(o->line >= 1, "case %s: observation %zu has line %d", name, i, (int)o->line);
    ck_assert_msg(((o->flags & CC_OBS_SUPPRESSED) != 0) == !isnan(o->bound), "case %s: line %d: bound %g with flags %#x",
                  name, (int)o->line, o->bound, o->flags);
    if (o->flags & (CC_OBS_OBSERVED | CC_OBS_SUPPRESSED)) continue;
    ck_assert_msg(isnan(o->value), "case %s: line %d: a value without the observed flag", name, (int)o->line);
  }
  cc_source_free(src);
  free(expected_text);
}
END_TEST

/* The observation of src for measure, geography, age band and period text; fails when absent. */
static const cc_observation *find(const cc_source *src, const char *measure, const char *geography, const char *age_band,
                                  const char *period_text) {
  cc_period period;
  cc_error err;
  ck_assert_int_eq(cc_period_parse(period_text, &period, &err), CC_OK);
  for (size_t i = 0; i < src->n_obs; i++) {
    const cc_observation *o = &src->obs[i];
    if (strcmp(o->measure, measure) == 0 && strcmp(o->geography, geography) == 0 && strcmp(o->age_band, age_band) == 0 &&
        o->period.freq == period.freq && o->period.index == period.index)
      return o;
  }
  ck_abort_msg("no observation %s/%s/%s at %s", measure, geography, age_band, period_text);
  return NULL;
}

/* A month of asc_requests/E08000019/65+, the series most good cases hold. */
static const cc_observation *find_month(const cc_source *src, const char *month) {
  return find(src, "asc_requests", "E08000019", "65+", month);
}

static void assert_observed(const cc_observation *o, double value, int line) {
  ck_assert_double_eq(o->value, value);
  ck_assert(isnan(o->bound));
  ck_assert_uint_eq(o->flags, CC_OBS_OBSERVED);
  ck_assert_int_eq(o->line, line);
}

static void assert_suppressed(const cc_observation *o, double bound) {
  ck_assert(isnan(o->value));
  ck_assert_double_eq(o->bound, bound);
  ck_assert_uint_eq(o->flags, CC_OBS_SUPPRESSED);
}

START_TEST(test_line_numbers_skip_bom_crlf_and_blank_lines) {
  cc_source *src = read_good("blank_lines"); /* header on line 3, rows on lines 4, 7 and 9 */
  assert_observed(find_month(src, "2024-01"), 412, 4);
  assert_observed(find_month(src, "2024-02"), 398, 7);
  assert_observed(find_month(src, "2024-03"), 405, 9);
  cc_source_free(src);
  src = read_good("bom_crlf");
  assert_observed(find_month(src, "2024-01"), 412, 2);
  assert_observed(find_month(src, "2024-03"), 405, 4);
  cc_source_free(src);
  src = read_good("no_final_newline");
  assert_observed(find_month(src, "2024-02"), 398, 3);
  cc_source_free(src);
}
END_TEST

START_TEST(test_quoted_fields) {
  cc_source *src = read_good("quoted_fields");
  assert_observed(find(src, "asc_requests", "Sheffield, City of", "65+", "2024-01"), 412, 2);
  const cc_observation *missing = find(src, "asc_requests", "Sheffield, City of", "18-64", "2024-02");
  ck_assert(isnan(missing->value) && isnan(missing->bound));
  ck_assert_uint_eq(missing->flags, 0);
  assert_observed(find(src, "cp_plans", "E08000019", "0-17", "2024-Q1"), 100, 4);
  assert_observed(find(src, "pop_rate", "Barnsley \"Central\"", "all", "2024"), 12.5, 5);
  cc_source_free(src);
}
END_TEST

START_TEST(test_suppression_bounds) {
  cc_source *src = read_good("suppression_markers");
  static const struct {
    const char *month;
    double bound;
  } months[] = {{"2024-01", 5}, {"2024-02", 5}, {"2024-03", 5}, {"2024-04", 5}, {"2024-05", 5},
                {"2024-06", 4}, {"2024-07", 5}, {"2024-08", 5}, {"2024-09", 5}};
  for (size_t i = 0; i < sizeof months / sizeof *months; i++) assert_suppressed(find_month(src, months[i].month), months[i].bound);
  assert_suppressed(find(src, "pop_rate", "E08000019", "all", "2024"), 5);     /* <5 on a rate: below 5 */
  assert_suppressed(find(src, "cp_plans", "E08000019", "0-17", "2024-Q1"), 9);  /* <10 on a stock: at most 9 */
  assert_suppressed(find(src, "asc_spend", "E08000019", "all", "2024/25"), 5); /* <5 on an amount: below 5 */
  assert_observed(find_month(src, "2024-10"), 17, 14);
  cc_source_free(src);

  src = read_good("suppression_max"); /* suppression_max: 9 */
  assert_suppressed(find_month(src, "2024-01"), 9);
  assert_suppressed(find_month(src, "2024-02"), 2);
  assert_suppressed(find_month(src, "2024-03"), 9);
  ck_assert_double_eq(src->manifest->suppression_max, 9);
  cc_source_free(src);
}
END_TEST

START_TEST(test_exact_repeat_read_once) {
  cc_source *src = read_good("duplicate_exact");
  assert_observed(find_month(src, "2024-01"), 412, 2); /* the earlier of lines 2 and 4 is kept */
  const cc_observation *missing = find_month(src, "2024-02");
  ck_assert(isnan(missing->value) && isnan(missing->bound));
  ck_assert_uint_eq(missing->flags, 0);
  ck_assert_int_eq(missing->line, 3);
  ck_assert_uint_eq(src->rows_duplicate, 1);
  cc_source_free(src);
}
END_TEST

START_TEST(test_flags) {
  cc_source *src = read_good("flags");
  static const struct {
    const char *month;
    unsigned flags;
  } months[] = {
      {"2024-01", CC_OBS_OBSERVED},                      /* empty flag */
      {"2024-02", CC_OBS_OBSERVED},                      /* observed */
      {"2024-03", CC_OBS_OBSERVED | CC_OBS_PROVISIONAL}, /* provisional */
      {"2024-04", CC_OBS_OBSERVED | CC_OBS_IMPUTED},     /* estimated */
      {"2024-05", CC_OBS_OBSERVED | CC_OBS_OUTLIER},     /* outlier */
      {"2024-06", CC_OBS_OBSERVED | CC_OBS_BREAK},       /* break */
      {"2024-07", CC_OBS_SUPPRESSED | CC_OBS_PROVISIONAL},
      {"2024-08", CC_OBS_IMPUTED}, /* estimated, no value */
  };
  for (size_t i = 0; i < sizeof months / sizeof *months; i++) {
    const cc_observation *o = find_month(src, months[i].month);
    ck_assert_msg(o->flags == months[i].flags, "%s: flags %#x, expected %#x", months[i].month, o->flags, months[i].flags);
    ck_assert_int_eq(o->line, (int)i + 2);
  }
  ck_assert_double_eq(find_month(src, "2024-05")->value, 900);
  ck_assert_double_eq(find_month(src, "2024-07")->bound, 5);
  ck_assert(isnan(find_month(src, "2024-08")->value));
  cc_source_free(src);
}
END_TEST

/* Observations come out sorted by measure, geography, age band, period, whatever the file's order. */
START_TEST(test_observations_sorted_by_key) {
  cc_source *src = read_good("unsorted_mixed");
  static const struct {
    const char *measure, *geography, *age_band, *period;
    double value;
    int line;
  } expected[] = {
      {"asc_requests", "E08000019", "18-64", "2024-01", 7, 5},
      {"asc_requests", "E08000019", "65+", "2024-01", 3, 3},
      {"asc_requests", "E08000019", "65+", "2024-02", 4, 4},
      {"asc_requests", "E08000019", "65+", "2024-03", 5, 2},
      {"asc_requests", "Sheffield", "65+", "2024-01", 1, 6},
      {"asc_spend", "E08000019", "all", "2023/24", 98000, 8},
      {"asc_spend", "E08000019", "all", "2024/25", -120.5, 7},
      {"cp_plans", "W06000015", "0-17", "2024-Q1", 41, 10},
      {"cp_plans", "W06000015", "0-17", "2024-Q4", 44, 9},
      {"pop_rate", "E08000019", "all", "2024", 0, 12},
      {"pop_rate", "E08000019", "all", "2025", 0, 11},
      {"pop_rate", "K04000001", "all", "2024", 1.5, 13},
  };
  size_t n = sizeof expected / sizeof *expected;
  ck_assert_uint_eq(src->n_obs, n);
  for (size_t i = 0; i < n; i++) {
    const cc_observation *o = &src->obs[i];
    char period[CC_PERIOD_TEXT_MAX];
    cc_period_format(o->period, period, sizeof period);
    ck_assert_msg(strcmp(o->measure, expected[i].measure) == 0 && strcmp(o->geography, expected[i].geography) == 0 &&
                      strcmp(o->age_band, expected[i].age_band) == 0 && strcmp(period, expected[i].period) == 0,
                  "observation %zu is %s/%s/%s %s, expected %s/%s/%s %s", i, o->measure, o->geography, o->age_band, period,
                  expected[i].measure, expected[i].geography, expected[i].age_band, expected[i].period);
    ck_assert_double_eq(o->value, expected[i].value);
    ck_assert_int_eq(o->line, expected[i].line);
  }
  ck_assert(!signbit(src->obs[9].value)); /* "-0" is stored as 0 */
  ck_assert(cc_observation_same_series(&src->obs[1], &src->obs[3]));
  ck_assert(!cc_observation_same_series(&src->obs[0], &src->obs[1]));
  cc_source_free(src);
}
END_TEST

/* A file with several bad rows reports each of them, in file order. */
START_TEST(test_every_bad_row_listed) {
  char *csv_path = case_path(BAD_DIR, "several_bad_rows", ".csv");
  cc_source *src = NULL;
  cc_error err;
  cc_error_list list = {0};
  ck_assert_int_eq(cc_source_read(csv_path, &src, &list, &err), CC_EINPUT);
  static const struct {
    long line;
    const char *field;
  } expected[] = {{3, "period"}, {5, "age_band"}, {5, "value"}, {6, "measure"}, {8, "value"}};
  size_t n = sizeof expected / sizeof *expected;
  ck_assert_uint_eq(list.total, n);
  ck_assert_uint_eq(list.kept, n);
  for (size_t k = 0; k < n; k++) {
    ck_assert_msg(list.items[k].line == expected[k].line && strcmp(list.items[k].field, expected[k].field) == 0,
                  "error %zu is line %ld field %s, expected line %ld field %s", k, list.items[k].line, list.items[k].field,
                  expected[k].line, expected[k].field);
    ck_assert_int_eq(list.items[k].status, CC_EINPUT);
  }
  ck_assert_ptr_nonnull(strstr(list.items[4].message, "as line 2"));
  ck_assert_int_eq(err.line, 3);
  free(csv_path);
}
END_TEST

static const char *manifest_text =
    "source_id: test_source\n"
    "organisation: council\n"
    "organisation_name: Test Borough Council\n"
    "data_sharing_agreement: none (open data)\n"
    "licence: OGL-3.0\n"
    "refreshed: 2025-04-30\n"
    "measures:\n"
    "  asc_requests: {frequency: month, kind: flow, unit: requests}\n";

/* Write NAME.csv and its manifest into dir, read it, return the status. */
static cc_status read_text(const char *dir, const char *name, const char *csv, cc_error_list *list, cc_error *err) {
  char file[64];
  snprintf(file, sizeof file, "%s.yaml", name);
  free(cc_test_write(dir, file, manifest_text));
  snprintf(file, sizeof file, "%s.csv", name);
  char *csv_path = cc_test_write(dir, file, csv);
  cc_source *src = NULL;
  cc_status status = cc_source_read(csv_path, &src, list, err);
  cc_source_free(src);
  free(csv_path);
  return status;
}

/* The list keeps the first CC_ERROR_LIST_KEPT errors and counts them all. */
START_TEST(test_error_list_bounded) {
  char *dir = cc_test_tmpdir();
  size_t bad_rows = 3 * CC_ERROR_LIST_KEPT;
  size_t capacity = 64 * (bad_rows + 1);
  char *csv = malloc(capacity);
  size_t used = (size_t)snprintf(csv, capacity, "geography_code,period,measure,age_band,value\n");
  for (size_t i = 0; i < bad_rows; i++) /* each row: one bad age band */
    used += (size_t)snprintf(csv + used, capacity - used, "E08000019,2024-01,asc_requests,old%zu,1\n", i);
  cc_error err;
  cc_error_list list = {0};
  ck_assert_int_eq(read_text(dir, "many", csv, &list, &err), CC_EINPUT);
  ck_assert_uint_eq(list.total, bad_rows);
  ck_assert_uint_eq(list.kept, CC_ERROR_LIST_KEPT);
  for (size_t k = 0; k < list.kept; k++) ck_assert_int_eq(list.items[k].line, (long)k + 2);
  ck_assert_int_eq(err.line, 2);
  free(csv);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

/* A quoted field over two lines: the row is reported on the line it starts on, and later rows keep their lines. */
START_TEST(test_line_numbers_after_multiline_field) {
  char *dir = cc_test_tmpdir();
  cc_error err;
  cc_error_list list = {0};
  ck_assert_int_eq(read_text(dir, "multiline",
                             "geography_code,period,measure,age_band,value\n"
                             "\"Sheffield\n"
                             "North\",2024-01,asc_requests,65+,1\n"
                             "E08000019,2024-13,asc_requests,65+,2\n",
                             &list, &err),
                   CC_EINPUT);
  ck_assert_uint_eq(list.total, 2);
  ck_assert_int_eq(list.items[0].line, 2);
  ck_assert_str_eq(list.items[0].field, "geography_code");
  ck_assert_int_eq(list.items[1].line, 4);
  ck_assert_str_eq(list.items[1].field, "period");
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

START_TEST(test_manifest_path) {
  char buf[64];
  cc_error err;
  ck_assert_int_eq(cc_source_manifest_path("dir/a.csv", buf, sizeof buf, &err), CC_OK);
  ck_assert_str_eq(buf, "dir/a.yaml");
  ck_assert_int_eq(cc_source_manifest_path("dir/a.txt", buf, sizeof buf, &err), CC_EINPUT);
  ck_assert_int_eq(cc_source_manifest_path(".csv", buf, sizeof buf, &err), CC_EINPUT);
  ck_assert_int_eq(cc_source_manifest_path("abc.csv", buf, 8, &err), CC_EINPUT); /* "abc.yaml" needs 9 bytes */
  ck_assert_int_eq(cc_source_manifest_path("abc.csv", buf, 9, &err), CC_OK);
  cc_source *src = NULL;
  cc_error_list list = {0};
  ck_assert_int_eq(cc_source_read(GOOD_DIR "/blank_lines.txt", &src, &list, &err), CC_EINPUT);
  ck_assert_uint_eq(list.total, 1);
  ck_assert_int_eq(cc_source_read(BAD_DIR "/no_such_file.csv", &src, &list, &err), CC_EINPUT);
  ck_assert_uint_eq(list.total, 2);
  ck_assert_ptr_null(src);
}
END_TEST

/* A small random-number stream (xorshift64*), so the fuzz loop replays exactly. */
typedef struct rng {
  uint64_t state;
} rng;

static uint64_t rng_next(rng *r) {
  r->state ^= r->state >> 12;
  r->state ^= r->state << 25;
  r->state ^= r->state >> 27;
  return r->state * 0x2545F4914F6CDD1Dull;
}

static size_t rng_below(rng *r, size_t n) { return n ? (size_t)(rng_next(r) % n) : 0; }

/* A buffer being mutated. */
typedef struct bytes {
  char *data;
  size_t len, capacity;
} bytes;

static void bytes_reserve(bytes *b, size_t more) {
  if (b->len + more <= b->capacity) return;
  b->capacity = 2 * (b->len + more);
  b->data = realloc(b->data, b->capacity);
}

static void bytes_insert(bytes *b, size_t at, const char *text, size_t len) {
  bytes_reserve(b, len);
  memmove(b->data + at + len, b->data + at, b->len - at);
  memcpy(b->data + at, text, len);
  b->len += len;
}

/* Bytes that reach the interesting parts of the reader more often than chance. */
static const char interesting[] = {',', '"', '\n', '\r', ' ', '\t', '\0', '\f', '\v', '<', '-', '/', 'Q', '.', '+',
                                   '0', '9', 'e', 'c', 'x', '[', ']', '*', (char)0xff, (char)0xc3, (char)0xef};

/* The start and end (past its newline) of the line holding byte at. */
static void line_around(const bytes *b, size_t at, size_t *start, size_t *end) {
  *start = at;
  while (*start > 0 && b->data[*start - 1] != '\n') (*start)--;
  *end = at;
  while (*end < b->len && b->data[*end] != '\n') (*end)++;
  if (*end < b->len) (*end)++;
}

static void mutate(bytes *b, rng *r) {
  switch (rng_below(r, 6)) {
  case 0: /* flip a bit */
    if (b->len) b->data[rng_below(r, b->len)] ^= (char)(1u << rng_below(r, 8));
    break;
  case 1: { /* insert a byte */
    char c = rng_below(r, 2) ? interesting[rng_below(r, sizeof interesting)] : (char)rng_below(r, 256);
    bytes_insert(b, rng_below(r, b->len + 1), &c, 1);
    break;
  }
  case 2: /* delete a run of 1 to 4 bytes */
    if (b->len) {
      size_t at = rng_below(r, b->len), run = 1 + rng_below(r, 4);
      if (run > b->len - at) run = b->len - at;
      memmove(b->data + at, b->data + at + run, b->len - at - run);
      b->len -= run;
    }
    break;
  case 3: { /* duplicate a line */
    if (!b->len) break;
    size_t start, end;
    line_around(b, rng_below(r, b->len), &start, &end);
    size_t len = end - start;
    char *line = malloc(len + 1);
    memcpy(line, b->data + start, len);
    bytes_insert(b, end, line, len);
    free(line);
    break;
  }
  case 4: { /* replace a line's text with one to three interesting bytes */
    if (!b->len) break;
    size_t start, end;
    line_around(b, rng_below(r, b->len), &start, &end);
    if (end > start && b->data[end - 1] == '\n') end--;
    memmove(b->data + start, b->data + end, b->len - end);
    b->len -= end - start;
    char text[3];
    size_t len = 1 + rng_below(r, 3);
    for (size_t k = 0; k < len; k++) text[k] = interesting[rng_below(r, sizeof interesting)];
    bytes_insert(b, start, text, len);
    break;
  }
  default: /* overwrite a byte with an interesting one */
    if (b->len) b->data[rng_below(r, b->len)] = interesting[rng_below(r, sizeof interesting)];
    break;
  }
}

static void write_bytes(const char *path, const bytes *b) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b->data, 1, b->len, f), b->len);
  ck_assert_int_eq(fclose(f), 0);
}

/* The fuzz loops' seed and length: fixed, unless the environment says otherwise. */
static uint64_t fuzz_seed(void) {
  const char *text = getenv("CARECAST_FUZZ_SEED");
  uint64_t seed = text ? strtoull(text, NULL, 10) : FUZZ_SEED;
  return seed ? seed : FUZZ_SEED; /* xorshift never leaves 0 */
}

static int fuzz_iterations(void) {
  const char *text = getenv("CARECAST_FUZZ_ITERATIONS");
  return text ? atoi(text) : FUZZ_ITERATIONS;
}

/* Seeded random mutations of every good file: the reader never crashes, and
 * either reads the file or refuses it with a message and a line inside it. */
START_TEST(test_fuzz_mutations) {
  ck_assert_uint_gt(good_cases.n, 0);
  char *dir = cc_test_tmpdir();
  bytes *originals = calloc(good_cases.n, sizeof *originals);
  for (size_t c = 0; c < good_cases.n; c++) { /* each good file's bytes, its manifest beside the mutants */
    char *good_csv = case_path(GOOD_DIR, good_cases.names[c], ".csv");
    char *good_yaml = case_path(GOOD_DIR, good_cases.names[c], ".yaml");
    char *yaml_path = case_path(dir, good_cases.names[c], ".yaml");
    cc_error err;
    ck_assert_int_eq(cc_file_read(good_csv, 1 << 20, &originals[c].data, &originals[c].len, &err), CC_OK);
    ck_assert_int_eq(cc_file_copy(good_yaml, yaml_path, &err), CC_OK);
    free(good_csv);
    free(good_yaml);
    free(yaml_path);
  }
  int iterations = fuzz_iterations();
  rng r = {fuzz_seed()};
  size_t read_ok = 0, refused = 0;
  for (int iteration = 0; iteration < iterations; iteration++) {
    size_t c = (size_t)iteration % good_cases.n;
    const char *name = good_cases.names[c];
    char *csv_path = case_path(dir, name, ".csv");
    bytes b = {malloc(originals[c].len + 1), originals[c].len, originals[c].len + 1};
    memcpy(b.data, originals[c].data, b.len);
    int mutations = 1 + (int)rng_below(&r, 4);
    for (int m = 0; m < mutations; m++) mutate(&b, &r);
    write_bytes(csv_path, &b);
    size_t lines = count_lines(b.data, b.len);

    cc_source *src = NULL;
    cc_error_list list = {0};
    cc_error err;
    cc_error_clear(&err);
    cc_status status = cc_source_read(csv_path, &src, &list, &err);
    char message[MESSAGE_MAX];
    cc_error_format(&err, message, sizeof message);
    ck_assert_msg(status == CC_OK || status == CC_EINPUT, "iteration %d (%s): status %d: %s", iteration, name,
                  (int)status, message);
    if (status == CC_OK) {
      read_ok++;
      ck_assert_uint_eq(list.total, 0);
      ck_assert_uint_le(src->n_obs, src->rows_read);
      assert_sorted(src, name);
      for (size_t i = 0; i < src->n_obs; i++)
        ck_assert_msg(src->obs[i].line >= 1 && (size_t)src->obs[i].line <= lines,
                      "iteration %d (%s): observation on line %d of %zu", iteration, name, (int)src->obs[i].line, lines);
      cc_source_free(src);
    } else {
      refused++;
      ck_assert_ptr_null(src);
      ck_assert_msg(err.message[0] != '\0', "iteration %d (%s): refused without a reason", iteration, name);
      ck_assert_msg(err.line >= 1 && (size_t)err.line <= lines, "iteration %d (%s): line %ld outside 1..%zu: %s",
                    iteration, name, err.line, lines, message);
      ck_assert_msg(list.total >= 1, "iteration %d (%s): refused with an empty error list", iteration, name);
      for (size_t k = 0; k < list.kept; k++)
        ck_assert_msg(list.items[k].line >= 1 && (size_t)list.items[k].line <= lines && list.items[k].message[0],
                      "iteration %d (%s): listed error %zu on line %ld of %zu", iteration, name, k, list.items[k].line,
                      lines);
    }
    free(b.data);
    free(csv_path);
  }
  fprintf(stderr, "fuzz: %d mutated files (seed %llu), %zu read, %zu refused\n", iterations,
          (unsigned long long)fuzz_seed(), read_ok, refused);
  ck_assert_uint_gt(refused, 0); /* the mutations did reach the checks */
  ck_assert_uint_gt(read_ok, 0);
  for (size_t c = 0; c < good_cases.n; c++) free(originals[c].data);
  free(originals);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

/* Seeded random mutations of a manifest: never a crash, and a refusal names
 * a line inside whichever of the two files it is about. */
START_TEST(test_fuzz_manifest_mutations) {
  char *dir = cc_test_tmpdir();
  char *good_csv = case_path(GOOD_DIR, "flags", ".csv"), *good_yaml = case_path(GOOD_DIR, "flags", ".yaml");
  char *csv_path = cc_test_path(dir, "m.csv"), *yaml_path = cc_test_path(dir, "m.yaml");
  cc_error err;
  ck_assert_int_eq(cc_file_copy(good_csv, csv_path, &err), CC_OK);
  bytes original = {NULL, 0, 0};
  ck_assert_int_eq(cc_file_read(good_yaml, 1 << 20, &original.data, &original.len, &err), CC_OK);
  rng r = {fuzz_seed() + 1};
  int iterations = fuzz_iterations() / 4;
  size_t read_ok = 0, refused = 0;
  for (int iteration = 0; iteration < iterations; iteration++) {
    bytes b = {malloc(original.len + 1), original.len, original.len + 1};
    memcpy(b.data, original.data, b.len);
    int mutations = 1 + (int)rng_below(&r, 3);
    for (int m = 0; m < mutations; m++) mutate(&b, &r);
    write_bytes(yaml_path, &b);
    size_t lines = count_yaml_lines(b.data, b.len);
    cc_source *src = NULL;
    cc_error_clear(&err);
    cc_status status = cc_source_read(csv_path, &src, NULL, &err);
    char message[MESSAGE_MAX];
    cc_error_format(&err, message, sizeof message);
    ck_assert_msg(status == CC_OK || status == CC_EINPUT, "iteration %d: status %d: %s", iteration, (int)status, message);
    if (status == CC_OK) {
      read_ok++;
      cc_source_free(src);
    } else {
      refused++;
      ck_assert_msg(err.message[0] != '\0', "iteration %d: refused without a reason", iteration);
      size_t last_line = lines;
      if (strcmp(err.file, yaml_path) == 0) /* about the manifest (else about the CSV, read with a changed measure) */
        ck_assert_msg(err.line >= 1 && (size_t)err.line <= last_line, "iteration %d: line %ld outside 1..%zu: %s",
                      iteration, err.line, lines, message);
    }
    free(b.data);
  }
  fprintf(stderr, "manifest fuzz: %d mutated manifests (seed %llu), %zu read, %zu refused\n", iterations,
          (unsigned long long)fuzz_seed() + 1, read_ok, refused);
  ck_assert_uint_gt(refused, 0);
  free(original.data);
  free(good_csv);
  free(good_yaml);
  free(csv_path);
  free(yaml_path);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

static Suite *source_suite(void) {
  Suite *suite = suite_create("source");
  TCase *corpora = tcase_create("corpora");
  tcase_add_test(corpora, test_bad_corpus_size);
  tcase_add_loop_test(corpora, test_bad_case, 0, (int)bad_cases.n);
  tcase_add_loop_test(corpora, test_good_case, 0, (int)good_cases.n);
  suite_add_tcase(suite, corpora);
  TCase *details = tcase_create("details");
  tcase_add_test(details, test_line_numbers_skip_bom_crlf_and_blank_lines);
  tcase_add_test(details, test_quoted_fields);
  tcase_add_test(details, test_suppression_bounds);
  tcase_add_test(details, test_exact_repeat_read_once);
  tcase_add_test(details, test_flags);
  tcase_add_test(details, test_observations_sorted_by_key);
  tcase_add_test(details, test_every_bad_row_listed);
  tcase_add_test(details, test_error_list_bounded);
  tcase_add_test(details, test_line_numbers_after_multiline_field);
  tcase_add_test(details, test_manifest_path);
  suite_add_tcase(suite, details);
  TCase *fuzz = tcase_create("fuzz");
  tcase_set_timeout(fuzz, 600);
  tcase_add_test(fuzz, test_fuzz_mutations);
  tcase_add_test(fuzz, test_fuzz_manifest_mutations);
  suite_add_tcase(suite, fuzz);
  return suite;
}

int main(void) {
  bad_cases = list_cases(BAD_DIR);
  good_cases = list_cases(GOOD_DIR);
  int status = cc_test_run_suite(source_suite());
  free_cases(&bad_cases);
  free_cases(&good_cases);
  return status;
}
