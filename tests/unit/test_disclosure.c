/* test_disclosure.c: statistical disclosure control (disclosure.h).
 *
 * Single counts under the DfE rule (1 to 5 shown as c) and the NHS rule (1 to 7
 * shown as *, the rest rounded to the nearest 5); tables with totals: a
 * suppressed cell with its row total gets a complement; a table where the
 * naive complement (the next smallest cell of the row) still leaks the cell
 * through its column total; suppressed totals; two cycles joined by one cell,
 * which meets "two suppressions in every row and column" and still leaks; and
 * 200 random tables. Whether a suppressed cell is determined by the published
 * numbers is decided by an oracle independent of the library's graph test: the
 * rank of the published equations restricted to the unknown cells (LAPACK's
 * SVD), a cell being determined exactly when dropping its column lowers the
 * rank (its unit vector lies in the row space). Then every error of a rules
 * file, named by file, line and key. */
#include <check.h>
#include <gsl/gsl_rng.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/disclosure.h"
#include "carecast/file.h"
#include "testutil.h"

#define RULES_FILE CC_PROJECT_DIR "/data/disclosure.yaml"
#define RANK_TOLERANCE 1e-9    /* singular values below this (relative to the largest) are zero */
#define RANDOM_TABLES 200
#define RANDOM_SEED 20251129UL

static cc_disclosure_rules *load_shipped(void) {
  cc_disclosure_rules *rules = NULL;
  cc_error err;
  ck_assert_msg(cc_disclosure_rules_load(RULES_FILE, &rules, &err) == CC_OK, "%s:%ld: %s", err.file, err.line, err.message);
  return rules;
}

/* ---- the oracle: rank of the published equations -------------------------------- */

static int oracle_rank(const double *a, int m, int n) {
  if (n == 0) return 0;
  double *copy = malloc((size_t)m * (size_t)n * sizeof *copy), *s = malloc((size_t)(m < n ? m : n) * sizeof *s);
  double *superb = malloc((size_t)(m < n ? m : n) * sizeof *superb);
  memcpy(copy, a, (size_t)m * (size_t)n * sizeof *copy);
  int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', m, n, copy, n, s, NULL, 1, NULL, 1, superb);
  ck_assert_int_eq(info, 0);
  int rank = 0, k = m < n ? m : n;
  for (int i = 0; i < k; i++) rank += s[i] > RANK_TOLERANCE * s[0];
  free(copy), free(s), free(superb);
  return rank;
}

/* The equations of table t in their plain form: row i: sum_j x_ij - r_i = 0;
 * column j: sum_i x_ij - c_j = 0; sum_j c_j - g = 0; sum_i r_i - g = 0. The
 * unknowns are the cells whose outcome is not CC_SDC_SHOWN. Writes into
 * determined[k] whether the published cells fix unknown cell k exactly. */
static void oracle(const cc_disclosure_table *t, uint8_t *determined) {
  int R = (int)t->rows, C = (int)t->cols, n_cells = (R + 1) * (C + 1), m = R + C + 2;
  int *column_of = malloc((size_t)n_cells * sizeof *column_of), n_unknown = 0;
  for (int k = 0; k < n_cells; k++) column_of[k] = t->outcome[k] != CC_SDC_SHOWN ? n_unknown++ : -1;
  double *a = calloc((size_t)m * (size_t)(n_unknown + 1), sizeof *a);
  for (int i = 0; i <= R; i++)
    for (int j = 0; j <= C; j++) {
      int k = i * (C + 1) + j, u = column_of[k];
      if (u < 0) continue;
      /* equation R + C + 1 - ... : rows 0..R-1, columns R..R+C-1, then the two total equations */
      if (i < R && j < C) a[i * n_unknown + u] = 1, a[(R + j) * n_unknown + u] = 1;
      else if (i < R) a[i * n_unknown + u] = -1, a[(R + C + 1) * n_unknown + u] = 1;      /* r_i */
      else if (j < C) a[(R + j) * n_unknown + u] = -1, a[(R + C) * n_unknown + u] = 1;   /* c_j */
      else a[(R + C) * n_unknown + u] = -1, a[(R + C + 1) * n_unknown + u] = -1;         /* g */
    }
  int full = oracle_rank(a, m, n_unknown);
  double *without = malloc((size_t)m * (size_t)(n_unknown + 1) * sizeof *without);
  for (int k = 0; k < n_cells; k++) {
    determined[k] = 0;
    int u = column_of[k];
    if (u < 0) continue;
    for (int r = 0; r < m; r++)
      for (int c = 0, d = 0; c < n_unknown; c++)
        if (c != u) without[r * (n_unknown - 1) + d++] = a[r * n_unknown + c];
    determined[k] = oracle_rank(without, m, n_unknown - 1) < full;
  }
  free(without), free(a), free(column_of);
}

/* Suppressed cells of t the oracle finds determined. */
static size_t oracle_leaks(const cc_disclosure_table *t) {
  size_t n = (t->rows + 1) * (t->cols + 1), leaks = 0;
  uint8_t *determined = malloc(n);
  oracle(t, determined);
  for (size_t k = 0; k < n; k++)
    leaks += determined[k] && (t->outcome[k] == CC_SDC_PRIMARY || t->outcome[k] == CC_SDC_SECONDARY ||
                               t->outcome[k] == CC_SDC_WITHHELD);
  free(determined);
  return leaks;
}

/* The library's test and the oracle agree cell by cell. */
static void expect_same_verdict(const cc_disclosure_table *t) {
  size_t n = (t->rows + 1) * (t->cols + 1);
  uint8_t *mine = malloc(n), *theirs = malloc(n);
  cc_disclosure_table_exposed(t, mine);
  oracle(t, theirs);
  for (size_t k = 0; k < n; k++) {
    int suppressed = t->outcome[k] == CC_SDC_PRIMARY || t->outcome[k] == CC_SDC_SECONDARY || t->outcome[k] == CC_SDC_WITHHELD;
    ck_assert_msg(mine[k] == (suppressed && theirs[k]), "cell %zu: library says %d, oracle %d", k, mine[k], theirs[k]);
  }
  free(mine), free(theirs);
}

static cc_disclosure_table *table_from(size_t rows, size_t cols, unsigned margins, const double *cells) {
  cc_disclosure_table *t = cc_disclosure_table_alloc(rows, cols, margins);
  ck_assert_ptr_nonnull(t);
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) t->value[cc_disclosure_table_index(t, i, j)] = cells[i * cols + j];
  cc_disclosure_table_sum(t);
  return t;
}

static const char *text_at(const cc_disclosure_table *t, size_t i, size_t j) {
  return t->text[cc_disclosure_table_index(t, i, j)];
}

/* The naive rule: after primary suppression, a row with one suppressed cell
 * also loses its smallest other cell. */
static void naive_secondary(const cc_disclosure_rule *rule, cc_disclosure_table *t) {
  cc_disclosure_rule primary_only = *rule;
  primary_only.secondary = 0;
  cc_error err;
  ck_assert_int_eq(cc_disclosure_table_apply(&primary_only, t, NULL, &err), CC_OK);
  for (size_t i = 0; i < t->rows; i++) {
    size_t suppressed = 0, smallest = SIZE_MAX;
    for (size_t j = 0; j < t->cols; j++) {
      size_t k = cc_disclosure_table_index(t, i, j);
      if (t->outcome[k] != CC_SDC_SHOWN) suppressed++;
      else if (smallest == SIZE_MAX || t->value[k] < t->value[smallest]) smallest = k;
    }
    if (suppressed == 1 && smallest != SIZE_MAX) t->outcome[smallest] = CC_SDC_SECONDARY;
  }
}

/* ---- rules and single counts ----------------------------------------------------- */

START_TEST(shipped_rules) {
  cc_disclosure_rules *rules = load_shipped();
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "cs_referrals")->name, "dfe");
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "cs_dfe_cla_at31")->name, "dfe");
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "nhs_ae_attendances")->name, "nhs");
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "asc_requests")->name, "nhs");
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "population_projection")->name, "ons");
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "police_domestic_abuse_incidents")->name, "council");
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "something_else")->name, "council");
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe"), *nhs = cc_disclosure_rule_named(rules, "nhs");
  ck_assert_int_eq(dfe->suppress_from, 1);
  ck_assert_int_eq(dfe->suppress_to, 5);
  ck_assert_str_eq(dfe->symbol, "c");
  ck_assert_int_eq(dfe->secondary, 1);
  ck_assert_int_eq(nhs->suppress_to, 7);
  ck_assert_int_eq(nhs->round_to, 5);
  ck_assert_int_eq(nhs->secondary, 0);
  ck_assert_ptr_null(cc_disclosure_rule_named(rules, "nope"));
  char note[256];
  ck_assert_str_eq(cc_disclosure_describe(dfe, note, sizeof note),
                   "counts of 1 to 5 are shown as c, and further cells are hidden where a total would reveal them (dfe)");
  ck_assert_str_eq(cc_disclosure_describe(nhs, note, sizeof note),
                   "counts of 1 to 7 are shown as *; other counts are rounded to the nearest 5 (nhs)");
  ck_assert_str_eq(cc_disclosure_describe(cc_disclosure_rule_named(rules, "ons"), note, sizeof note),
                   "counts are shown as they are (ons)");
  ck_assert_str_eq(cc_disclosure_describe(cc_disclosure_rule_internal(), note, sizeof note),
                   "INTERNAL USE ONLY: no disclosure control; not for publication");
  ck_assert_uint_eq(rules->n_sums, 3);
  ck_assert_str_eq(rules->sums[0].total, "cs_cla");
  ck_assert_uint_eq(rules->sums[1].n_parts, 9);
  cc_disclosure_rules_free(rules);
}
END_TEST

static void expect_cell(const cc_disclosure_rule *rule, double value, const char *text, cc_disclosure_outcome outcome) {
  char buf[CC_DISCLOSURE_TEXT_MAX];
  cc_disclosure_outcome got = cc_disclosure_cell(rule, value, buf, sizeof buf);
  ck_assert_msg(strcmp(buf, text) == 0 && got == outcome, "%s rule, %g: '%s' (%d), expected '%s' (%d)", rule->name,
                value, buf, (int)got, text, (int)outcome);
}

START_TEST(dfe_primary) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe");
  expect_cell(dfe, 0, "0", CC_SDC_SHOWN);
  for (int v = 1; v <= 5; v++) expect_cell(dfe, v, "c", CC_SDC_PRIMARY);
  expect_cell(dfe, 6, "6", CC_SDC_SHOWN);
  expect_cell(dfe, 1234, "1234", CC_SDC_SHOWN);
  expect_cell(dfe, NAN, "", CC_SDC_MISSING);
  /* forecasts are not whole: rounded to a whole count first, halves away from zero */
  expect_cell(dfe, 0.4, "0", CC_SDC_SHOWN);
  expect_cell(dfe, 0.5, "c", CC_SDC_PRIMARY);
  expect_cell(dfe, 5.49, "c", CC_SDC_PRIMARY);
  expect_cell(dfe, 5.5, "6", CC_SDC_SHOWN);
  char buf[CC_DISCLOSURE_TEXT_MAX];
  ck_assert_int_eq(cc_disclosure_apply_cell(rules, "cs_referrals", 4, buf, sizeof buf), CC_SDC_PRIMARY);
  ck_assert_str_eq(buf, "c");
  ck_assert_int_eq(cc_disclosure_apply_cell(rules, "nhs_ae_attendances", 4, buf, sizeof buf), CC_SDC_PRIMARY);
  ck_assert_str_eq(buf, "*");
  /* internal output shows everything as it is */
  expect_cell(cc_disclosure_rule_internal(), 3, "3", CC_SDC_SHOWN);
  expect_cell(cc_disclosure_rule_internal(), 2.25, "2.25", CC_SDC_SHOWN);
  cc_disclosure_rules_free(rules);
}
END_TEST

START_TEST(nhs_rounding) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *nhs = cc_disclosure_rule_named(rules, "nhs");
  expect_cell(nhs, 0, "0", CC_SDC_SHOWN);
  for (int v = 1; v <= 7; v++) expect_cell(nhs, v, "*", CC_SDC_PRIMARY);
  expect_cell(nhs, 8, "10", CC_SDC_SHOWN);
  expect_cell(nhs, 12, "10", CC_SDC_SHOWN);
  expect_cell(nhs, 13, "15", CC_SDC_SHOWN);
  expect_cell(nhs, 7.4, "*", CC_SDC_PRIMARY);
  expect_cell(nhs, 7.5, "10", CC_SDC_SHOWN); /* 8 as a whole count */
  expect_cell(nhs, 12.5, "15", CC_SDC_SHOWN); /* 13 as a whole count: ties go away from zero */
  expect_cell(nhs, 1000003, "1000005", CC_SDC_SHOWN);
  /* every whole count from 8 on: a multiple of 5 within 2 of it */
  for (int v = 8; v <= 5000; v++) {
    char buf[CC_DISCLOSURE_TEXT_MAX];
    ck_assert_int_eq(cc_disclosure_cell(nhs, v, buf, sizeof buf), CC_SDC_SHOWN);
    long shown = strtol(buf, NULL, 10);
    ck_assert_msg(shown % 5 == 0 && labs(shown - v) <= 2, "%d shown as %s", v, buf);
  }
  /* a table under the NHS rule: totals computed from unrounded values, then rounded; no complements */
  const double cells[] = {8, 3, 12, 20};
  cc_disclosure_table *t = table_from(2, 2, CC_SDC_ROW_TOTALS | CC_SDC_COL_TOTALS | CC_SDC_GRAND_TOTAL, cells);
  size_t secondary = 99;
  cc_error err;
  ck_assert_int_eq(cc_disclosure_table_apply(nhs, t, &secondary, &err), CC_OK);
  ck_assert_uint_eq(secondary, 0);
  ck_assert_str_eq(text_at(t, 0, 0), "10");
  ck_assert_str_eq(text_at(t, 0, 1), "*");
  ck_assert_str_eq(text_at(t, 0, 2), "10");  /* 11 */
  ck_assert_str_eq(text_at(t, 1, 2), "30");  /* 32 */
  ck_assert_str_eq(text_at(t, 2, 0), "20");  /* 20 */
  ck_assert_str_eq(text_at(t, 2, 1), "25");  /* 23 */
  ck_assert_str_eq(text_at(t, 2, 2), "45");  /* 43, not 10 + 30 */
  cc_disclosure_table_free(t);
  cc_disclosure_rules_free(rules);
}
END_TEST

/* ---- tables ----------------------------------------------------------------------- */

START_TEST(row_total_complement) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe");
  const double cells[] = {3, 10, 20};
  cc_disclosure_table *t = table_from(1, 3, CC_SDC_ROW_TOTALS, cells);
  /* before protection the 3 is recovered as 33 - 10 - 20 */
  for (size_t k = 0; k < 8; k++) t->outcome[k] = CC_SDC_SHOWN;
  t->outcome[cc_disclosure_table_index(t, 0, 0)] = CC_SDC_PRIMARY;
  for (size_t j = 0; j <= 3; j++) t->outcome[cc_disclosure_table_index(t, 1, j)] = CC_SDC_UNPUBLISHED;
  ck_assert_uint_eq(cc_disclosure_table_exposed(t, NULL), 1);
  ck_assert_uint_eq(oracle_leaks(t), 1);
  size_t secondary = 0;
  cc_error err;
  ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, &secondary, &err), CC_OK);
  ck_assert_uint_eq(secondary, 1);
  ck_assert_str_eq(text_at(t, 0, 0), "c");
  ck_assert_str_eq(text_at(t, 0, 1), "c"); /* the smallest other cell */
  ck_assert_str_eq(text_at(t, 0, 2), "20");
  ck_assert_str_eq(text_at(t, 0, 3), "33");
  ck_assert_str_eq(text_at(t, 1, 0), ""); /* column totals not published */
  ck_assert_int_eq(t->outcome[cc_disclosure_table_index(t, 0, 1)], CC_SDC_SECONDARY);
  ck_assert_uint_eq(cc_disclosure_table_exposed(t, NULL), 0);
  ck_assert_uint_eq(oracle_leaks(t), 0);
  cc_disclosure_table_free(t);
  cc_disclosure_rules_free(rules);
}
END_TEST

START_TEST(naive_complement_leaks) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe");
  /*  3  8 20 |  31      the naive rule hides 3 and 8 in row 0; column 0 then gives
   * 10  9 30 |  49      3 = 25 - 10 - 12, so the 3 leaks through the column total
   * 12 15 40 |  67
   * 25 32 90 | 147 */
  const double cells[] = {3, 8, 20, 10, 9, 30, 12, 15, 40};
  unsigned all = CC_SDC_ROW_TOTALS | CC_SDC_COL_TOTALS | CC_SDC_GRAND_TOTAL;
  cc_disclosure_table *t = table_from(3, 3, all, cells);
  naive_secondary(dfe, t);
  ck_assert_int_eq(t->outcome[cc_disclosure_table_index(t, 0, 1)], CC_SDC_SECONDARY);
  ck_assert_uint_eq(oracle_leaks(t), 2); /* both cells of row 0: each column has one suppression */
  uint8_t exposed[16];
  ck_assert_uint_eq(cc_disclosure_table_exposed(t, exposed), 2);
  ck_assert_int_eq(exposed[cc_disclosure_table_index(t, 0, 0)], 1);
  expect_same_verdict(t);
  size_t secondary = 0;
  cc_error err;
  ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, &secondary, &err), CC_OK);
  ck_assert_uint_eq(oracle_leaks(t), 0);
  ck_assert_uint_eq(cc_disclosure_table_exposed(t, NULL), 0);
  /* the cheapest cycle: 3, 8, 9, 10 (the 2 x 2 corner) */
  ck_assert_uint_eq(secondary, 3);
  ck_assert_str_eq(text_at(t, 0, 0), "c");
  ck_assert_str_eq(text_at(t, 0, 1), "c");
  ck_assert_str_eq(text_at(t, 1, 0), "c");
  ck_assert_str_eq(text_at(t, 1, 1), "c");
  ck_assert_str_eq(text_at(t, 3, 3), "147");
  cc_disclosure_table_free(t);
  cc_disclosure_rules_free(rules);
}
END_TEST

START_TEST(two_per_line_is_not_enough) {
  /* Two cycles of suppressed cells, rows {0,1} x columns {0,1} and rows {2,3} x
   * columns {2,3}, joined by cell (0, 2): every row and column with a
   * suppression has at least two, yet adding rows 0 and 1 and subtracting
   * columns 0 and 1 leaves (0, 2) alone: it is determined. */
  const double cells[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25};
  unsigned all = CC_SDC_ROW_TOTALS | CC_SDC_COL_TOTALS | CC_SDC_GRAND_TOTAL;
  cc_disclosure_table *t = table_from(4, 4, all, cells);
  const size_t hidden[][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {0, 2}};
  for (size_t k = 0; k < 25; k++) t->outcome[k] = CC_SDC_SHOWN;
  for (size_t h = 0; h < 9; h++) t->outcome[cc_disclosure_table_index(t, hidden[h][0], hidden[h][1])] = CC_SDC_SECONDARY;
  uint8_t exposed[25];
  ck_assert_uint_eq(cc_disclosure_table_exposed(t, exposed), 1);
  ck_assert_int_eq(exposed[cc_disclosure_table_index(t, 0, 2)], 1);
  ck_assert_uint_eq(oracle_leaks(t), 1);
  expect_same_verdict(t);
  cc_disclosure_table_free(t);
}
END_TEST

START_TEST(suppressed_totals) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe");
  /* row 0 totals 3 (itself small), column 2 totals 4 */
  const double cells[] = {1, 2, 0, 30, 40, 4, 25, 35, 0};
  unsigned all = CC_SDC_ROW_TOTALS | CC_SDC_COL_TOTALS | CC_SDC_GRAND_TOTAL;
  cc_disclosure_table *t = table_from(3, 3, all, cells);
  size_t secondary = 0;
  cc_error err;
  ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, &secondary, &err), CC_OK);
  ck_assert_str_eq(text_at(t, 0, 3), "c"); /* the row total 3 */
  ck_assert_str_eq(text_at(t, 3, 2), "c"); /* the column total 4 */
  ck_assert_str_eq(text_at(t, 0, 0), "c");
  ck_assert_str_eq(text_at(t, 0, 1), "c");
  ck_assert_str_eq(text_at(t, 1, 2), "c");
  ck_assert_int_eq(t->outcome[cc_disclosure_table_index(t, 0, 3)], CC_SDC_PRIMARY);
  ck_assert_uint_eq(cc_disclosure_table_exposed(t, NULL), 0);
  ck_assert_uint_eq(oracle_leaks(t), 0);
  ck_assert_uint_ge(secondary, 1);
  /* a total withheld by the source is protected like a small one */
  cc_disclosure_table *w = table_from(2, 2, all, (const double[]){40, 50, 60, 70});
  w->withheld[cc_disclosure_table_index(w, 2, 0)] = 1;
  ck_assert_int_eq(cc_disclosure_table_apply(dfe, w, &secondary, &err), CC_OK);
  ck_assert_int_eq(w->outcome[cc_disclosure_table_index(w, 2, 0)], CC_SDC_WITHHELD);
  ck_assert_str_eq(text_at(w, 2, 0), "c");
  ck_assert_uint_ge(secondary, 1);
  ck_assert_uint_eq(oracle_leaks(w), 0);
  cc_disclosure_table_free(w);
  cc_disclosure_table_free(t);
  cc_disclosure_rules_free(rules);
}
END_TEST

START_TEST(random_tables) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe");
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, RANDOM_SEED);
  size_t naive_leaky = 0, primary_leaky = 0, complements = 0, cells_total = 0, with_interval = 0;
  double narrowest = INFINITY;
  for (int round = 0; round < RANDOM_TABLES; round++) {
    size_t rows = 3 + gsl_rng_uniform_int(rng, 4), cols = 4 + gsl_rng_uniform_int(rng, 3);
    unsigned margins = round % 4 == 3 ? (unsigned)gsl_rng_uniform_int(rng, 8)
                                      : CC_SDC_ROW_TOTALS | CC_SDC_COL_TOTALS | CC_SDC_GRAND_TOTAL;
    cc_disclosure_table *t = cc_disclosure_table_alloc(rows, cols, margins);
    for (size_t i = 0; i < rows; i++)
      for (size_t j = 0; j < cols; j++) {
        double u = gsl_rng_uniform(rng), v;
        if (u < 0.25) v = 1 + (double)gsl_rng_uniform_int(rng, 5);       /* small */
        else if (u < 0.33) v = 0;
        else if (u < 0.36) v = NAN;                                        /* missing */
        else v = 6 + (double)gsl_rng_uniform_int(rng, 40);
        t->value[cc_disclosure_table_index(t, i, j)] = v;
      }
    cc_disclosure_table_sum(t);
    if (gsl_rng_uniform(rng) < 0.1) t->withheld[cc_disclosure_table_index(t, 0, 0)] = 1;
    /* the graph test agrees with the oracle on the naive and the primary-only patterns */
    naive_secondary(dfe, t);
    expect_same_verdict(t);
    naive_leaky += oracle_leaks(t) > 0;
    size_t secondary = 0;
    cc_error err;
    cc_disclosure_rule primary_only = *dfe;
    primary_only.secondary = 0;
    ck_assert_int_eq(cc_disclosure_table_apply(&primary_only, t, &secondary, &err), CC_OK);
    expect_same_verdict(t);
    primary_leaky += oracle_leaks(t) > 0;
    ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, &secondary, &err), CC_OK);
    ck_assert_msg(oracle_leaks(t) == 0, "table %d (%zu x %zu, margins %u) leaks", round, rows, cols, margins);
    ck_assert_uint_eq(cc_disclosure_table_exposed(t, NULL), 0);
    expect_same_verdict(t);
    complements += secondary;
    /* with non-negativity too, no hidden small count is pinned to one value */
    double lower[49], upper[49];
    ck_assert_int_eq(cc_disclosure_table_intervals(t, lower, upper, &err), CC_OK);
    for (size_t k = 0; k < (rows + 1) * (cols + 1); k++) {
      if (t->outcome[k] != CC_SDC_PRIMARY || isnan(lower[k])) continue;
      ck_assert_msg(upper[k] > lower[k], "table %d: cell %zu pinned to %g", round, k, lower[k]);
      ck_assert_msg(lower[k] <= t->value[k] && t->value[k] <= upper[k], "table %d: cell %zu outside its interval", round, k);
      with_interval++;
      narrowest = fmin(narrowest, upper[k] - lower[k]);
    }
    /* every small published count is hidden; every shown cell is its value */
    for (size_t i = 0; i <= rows; i++)
      for (size_t j = 0; j <= cols; j++) {
        size_t k = cc_disclosure_table_index(t, i, j);
        unsigned needs = i < rows ? (j < cols ? 0 : CC_SDC_ROW_TOTALS) : (j < cols ? CC_SDC_COL_TOTALS : CC_SDC_GRAND_TOTAL);
        int is_published = needs == 0 || (margins & needs) != 0;
        double v = t->value[k];
        if (is_published && !isnan(v) && v >= 1 && v <= 5) ck_assert_str_eq(t->text[k], "c");
        if (t->outcome[k] == CC_SDC_SHOWN) ck_assert_double_eq(strtod(t->text[k], NULL), v);
        if (!is_published) ck_assert_str_eq(t->text[k], "");
        cells_total++;
      }
    cc_disclosure_table_free(t);
  }
  /* the cases are not trivial: primary suppression alone and the naive rule both leak often */
  ck_assert_msg(primary_leaky > RANDOM_TABLES / 2, "only %zu tables leak without complements", primary_leaky);
  ck_assert_msg(naive_leaky > RANDOM_TABLES / 4, "only %zu tables leak under the naive rule", naive_leaky);
  ck_assert_uint_gt(with_interval, 100);
  fprintf(stderr, "random tables: %d, %zu cells, %zu complements; leaking without them %zu, under the naive rule %zu; "
          "%zu hidden small counts with intervals, the narrowest %g wide\n",
          RANDOM_TABLES, cells_total, complements, primary_leaky, naive_leaky, with_interval, narrowest);
  gsl_rng_free(rng);
  cc_disclosure_rules_free(rules);
}
END_TEST

/* ---- feasible intervals: a brute-force oracle ----------------------------------------- */

/* Every non-negative whole filling of the unknown interior cells of t (at most
 * 4, each at most the grand total, which must be published), the unknown totals
 * following from them, that agrees with every published number: the smallest
 * and largest value of each suppressed cell over them into lo[], hi[]. */
static void brute_intervals(const cc_disclosure_table *t, double *lo, double *hi) {
  size_t R = t->rows, C = t->cols, n = (R + 1) * (C + 1), unknown[4], n_unknown = 0;
  double *fill = malloc(n * sizeof *fill);
  double grand = t->value[cc_disclosure_table_index(t, R, C)];
  for (size_t k = 0; k < n; k++) lo[k] = INFINITY, hi[k] = -INFINITY;
  for (size_t i = 0; i < R; i++)
    for (size_t j = 0; j < C; j++) {
      size_t k = cc_disclosure_table_index(t, i, j);
      fill[k] = t->value[k];
      if (t->outcome[k] != CC_SDC_SHOWN) {
        ck_assert_uint_lt(n_unknown, 4);
        unknown[n_unknown++] = k;
      }
    }
  long combinations = 1;
  for (size_t u = 0; u < n_unknown; u++) combinations *= (long)grand + 1;
  for (long code = 0; code < combinations; code++) {
    long rest = code;
    for (size_t u = 0; u < n_unknown; u++) fill[unknown[u]] = (double)(rest % ((long)grand + 1)), rest /= (long)grand + 1;
    int agrees = 1;
    for (size_t i = 0; i <= R && agrees; i++)
      for (size_t j = 0; j <= C && agrees; j++) {
        if (i < R && j < C) continue;
        double sum = 0;
        for (size_t a = 0; a < R; a++)
          for (size_t b = 0; b < C; b++)
            if ((i == R || a == i) && (j == C || b == j)) sum += fill[cc_disclosure_table_index(t, a, b)];
        size_t k = cc_disclosure_table_index(t, i, j);
        fill[k] = sum;
        if (t->outcome[k] == CC_SDC_SHOWN && sum != t->value[k]) agrees = 0;
      }
    if (!agrees) continue;
    for (size_t k = 0; k < n; k++) lo[k] = fmin(lo[k], fill[k]), hi[k] = fmax(hi[k], fill[k]);
  }
  free(fill);
}

START_TEST(intervals_against_brute_force) {
  cc_disclosure_rules *rules = load_shipped();
  const cc_disclosure_rule *dfe = cc_disclosure_rule_named(rules, "dfe");
  unsigned all = CC_SDC_ROW_TOTALS | CC_SDC_COL_TOTALS | CC_SDC_GRAND_TOTAL;
  /* the leaking table, protected: 3, 8, 9 and 10 hidden on one cycle, 3 + t, 8 - t, 9 + t, 10 - t with t in [-3, 8] */
  const double cells[] = {3, 8, 20, 10, 9, 30, 12, 15, 40};
  cc_disclosure_table *t = table_from(3, 3, all, cells);
  double lower[16], upper[16];
  cc_error err;
  ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, NULL, &err), CC_OK);
  ck_assert_int_eq(cc_disclosure_table_intervals(t, lower, upper, &err), CC_OK);
  ck_assert_double_eq(lower[0], 0);
  ck_assert_double_eq(upper[0], 11);
  ck_assert_double_eq(lower[1], 0);
  ck_assert_double_eq(upper[1], 11);
  ck_assert_double_eq(lower[cc_disclosure_table_index(t, 1, 0)], 2);  /* 10 - t */
  ck_assert_double_eq(upper[cc_disclosure_table_index(t, 1, 0)], 13);
  ck_assert_double_eq(lower[cc_disclosure_table_index(t, 1, 1)], 6);  /* 9 + t */
  ck_assert_double_eq(upper[cc_disclosure_table_index(t, 1, 1)], 17);
  ck_assert(isnan(lower[2]));
  /* a total that does not add up is refused */
  t->value[cc_disclosure_table_index(t, 3, 3)] = 148;
  ck_assert_int_eq(cc_disclosure_table_intervals(t, lower, upper, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "total");
  cc_disclosure_table_free(t);
  /* no totals published: nothing bounds a hidden cell */
  t = table_from(2, 2, 0, (const double[]){3, 10, 20, 30});
  ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, NULL, &err), CC_OK);
  ck_assert_int_eq(cc_disclosure_table_intervals(t, lower, upper, &err), CC_OK);
  ck_assert_double_eq(lower[0], 0);
  ck_assert(isinf(upper[0]));
  cc_disclosure_table_free(t);
  /* random small tables against the brute force */
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, RANDOM_SEED + 1);
  int compared = 0;
  while (compared < 40) {
    size_t rows = 2 + gsl_rng_uniform_int(rng, 2), cols = 2 + gsl_rng_uniform_int(rng, 2);
    t = cc_disclosure_table_alloc(rows, cols, all);
    for (size_t i = 0; i < rows; i++)
      for (size_t j = 0; j < cols; j++)
        t->value[cc_disclosure_table_index(t, i, j)] = (double)gsl_rng_uniform_int(rng, gsl_rng_uniform(rng) < 0.5 ? 6 : 12);
    cc_disclosure_table_sum(t);
    ck_assert_int_eq(cc_disclosure_table_apply(dfe, t, NULL, &err), CC_OK);
    size_t n = (rows + 1) * (cols + 1), n_unknown = 0;
    for (size_t i = 0; i < rows; i++)
      for (size_t j = 0; j < cols; j++) n_unknown += t->outcome[cc_disclosure_table_index(t, i, j)] != CC_SDC_SHOWN;
    double grand = t->value[n - 1];
    if (n_unknown == 0 || n_unknown > 4 || t->outcome[n - 1] != CC_SDC_SHOWN || grand > 40) {
      cc_disclosure_table_free(t);
      continue;
    }
    double lo[16], hi[16], want_lo[16], want_hi[16];
    ck_assert_int_eq(cc_disclosure_table_intervals(t, lo, hi, &err), CC_OK);
    brute_intervals(t, want_lo, want_hi);
    for (size_t k = 0; k < n; k++) {
      if (t->outcome[k] != CC_SDC_PRIMARY && t->outcome[k] != CC_SDC_SECONDARY) continue;
      ck_assert_msg(lo[k] == want_lo[k] && hi[k] == want_hi[k], "cell %zu: [%g, %g], brute force [%g, %g]", k, lo[k],
                    hi[k], want_lo[k], want_hi[k]);
      ck_assert_msg(hi[k] > lo[k], "cell %zu recovered as %g", k, lo[k]);
    }
    compared++;
    cc_disclosure_table_free(t);
  }
  gsl_rng_free(rng);
  cc_disclosure_rules_free(rules);
}
END_TEST

/* ---- rules file errors ------------------------------------------------------------ */

static void expect_rejected(const char *text, long line, const char *key, const char *words) {
  cc_disclosure_rules *rules = NULL;
  cc_error err;
  cc_error_clear(&err);
  ck_assert_msg(cc_disclosure_rules_parse(text, strlen(text), "r.yaml", &rules, &err) == CC_EINPUT, "accepted:\n%s", text);
  ck_assert_ptr_null(rules);
  ck_assert_str_eq(err.file, "r.yaml");
  ck_assert_msg(err.line == line, "line %ld, expected %ld (%s)", err.line, line, err.message);
  ck_assert_msg(strcmp(err.field, key) == 0, "field '%s', expected '%s' (%s)", err.field, key, err.message);
  ck_assert_msg(strstr(err.message, words) != NULL, "message '%s' lacks '%s'", err.message, words);
}

START_TEST(rules_file_errors) {
  const char *good = "rules:\n  dfe:\n    suppress: [1, 5]\n    symbol: c\n    secondary: true\ndefault: dfe\n";
  cc_disclosure_rules *rules = NULL;
  cc_error err;
  ck_assert_int_eq(cc_disclosure_rules_parse(good, strlen(good), "r.yaml", &rules, &err), CC_OK);
  ck_assert_str_eq(cc_disclosure_rule_for(rules, "anything")->name, "dfe");
  ck_assert_int_eq(cc_disclosure_rule_for(rules, "anything")->round_to, 1);
  cc_disclosure_rules_free(rules);

  expect_rejected("rules:\n  dfe:\n    suppress: [1, 5]\n    symbol: c\n    colour: red\ndefault: dfe\n", 5, "colour",
                  "unknown field in dfe");
  expect_rejected("rules:\n  dfe:\n    suppress: [5, 1]\n    symbol: c\ndefault: dfe\n", 3, "suppress", "below the smallest");
  expect_rejected("rules:\n  dfe:\n    suppress: [1, 2.5]\n    symbol: c\ndefault: dfe\n", 3, "suppress", "whole number");
  expect_rejected("rules:\n  dfe:\n    suppress: [-1, 5]\n    symbol: c\ndefault: dfe\n", 3, "suppress", "outside");
  expect_rejected("rules:\n  dfe:\n    suppress: 5\n    symbol: c\ndefault: dfe\n", 3, "suppress", "[FROM, TO]");
  expect_rejected("rules:\n  dfe:\n    suppress: [1, 5]\n    symbol: c\n    round_to: 0\ndefault: dfe\n", 5, "round_to",
                  "outside 1..1000");
  expect_rejected("rules:\n  dfe:\n    suppress: [1, 5]\n    symbol: '5'\ndefault: dfe\n", 4, "symbol", "never read as a count");
  expect_rejected("rules:\n  dfe:\n    suppress: [1, 5]\ndefault: dfe\n", 3, "symbol", "required field missing");
  expect_rejected("rules:\n  dfe:\n    suppress: [1, 5]\n    symbol: c\n    secondary: maybe\ndefault: dfe\n", 5,
                  "secondary", "true or false");
  expect_rejected("rules:\n  dfe:\n    symbol: c\nmeasures:\n  cs_: dfx\ndefault: dfe\n", 5, "cs_",
                  "'dfx' is not a rule of this file (rules: dfe)");
  expect_rejected("rules:\n  dfe:\n    symbol: c\ndefault: nhs\n", 4, "default", "'nhs' is not a rule");
  expect_rejected("rules:\n  dfe:\n    symbol: c\n", 1, "default", "required field missing");
  expect_rejected("rules:\n  internal:\n    symbol: c\ndefault: internal\n", 3, "rules", "reserved");
  expect_rejected("rules:\n  Dfe:\n    symbol: c\ndefault: Dfe\n", 3, "rules", "not a rule name");
  expect_rejected("rules:\n  dfe:\n    symbol: c\ndefault: dfe\nextra: 1\n", 5, "extra", "unknown field");
  expect_rejected("rules:\n  dfe:\n    symbol: c\ndefault: dfe\ntables:\n  - total: a\n    parts: [b]\n", 7, "parts",
                  "2 to 16");
  expect_rejected("rules:\n  dfe:\n    symbol: c\ndefault: dfe\ntables:\n  - total: a\n    parts: [b, a]\n", 7, "parts",
                  "the total itself");
  expect_rejected("rules:\n  dfe:\n    symbol: c\ndefault: dfe\ntables:\n  - total: A b\n    parts: [b, c]\n", 6, "total",
                  "not a measure name");
  expect_rejected("rules: [dfe]\ndefault: dfe\n", 1, "rules", "must map each rule");
}
END_TEST

/* Damaged rules files: random bytes changed, lines cut. Each is read or refused as bad input
 * naming the file; none crashes (the sanitizer build runs this too). */
START_TEST(rules_file_fuzz) {
  char *text = NULL;
  size_t len = 0;
  cc_error err;
  ck_assert_int_eq(cc_file_read(RULES_FILE, 1 << 20, &text, &len, &err), CC_OK);
  static const char alphabet[] = "abc:-[], \n#*0123456789'\"{}";
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, RANDOM_SEED + 2);
  char *copy = malloc(len + 1);
  size_t accepted = 0;
  for (int round = 0; round < 2000; round++) {
    memcpy(copy, text, len + 1);
    size_t n = round % 10 == 0 ? gsl_rng_uniform_int(rng, len) : len; /* sometimes cut short */
    for (int e = 0, edits = 1 + (int)gsl_rng_uniform_int(rng, 4); e < edits; e++)
      copy[gsl_rng_uniform_int(rng, n ? n : 1)] = alphabet[gsl_rng_uniform_int(rng, sizeof alphabet - 1)];
    cc_disclosure_rules *rules = NULL;
    cc_status st = cc_disclosure_rules_parse(copy, n, "f.yaml", &rules, &err);
    ck_assert_msg(st == CC_OK || st == CC_EINPUT, "round %d: status %d", round, (int)st);
    if (st == CC_OK) {
      accepted++;
      ck_assert_ptr_nonnull(cc_disclosure_rule_for(rules, "cs_x"));
    } else {
      ck_assert_str_eq(err.file, "f.yaml");
    }
    cc_disclosure_rules_free(rules);
  }
  ck_assert_uint_lt(accepted, 2000);
  free(copy);
  free(text);
  gsl_rng_free(rng);
}
END_TEST

static Suite *disclosure_suite(void) {
  Suite *s = suite_create("disclosure");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, shipped_rules);
  tcase_add_test(tc, dfe_primary);
  tcase_add_test(tc, nhs_rounding);
  tcase_add_test(tc, row_total_complement);
  tcase_add_test(tc, naive_complement_leaks);
  tcase_add_test(tc, two_per_line_is_not_enough);
  tcase_add_test(tc, suppressed_totals);
  tcase_add_test(tc, random_tables);
  tcase_add_test(tc, intervals_against_brute_force);
  tcase_add_test(tc, rules_file_errors);
  tcase_add_test(tc, rules_file_fuzz);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(disclosure_suite()); }
