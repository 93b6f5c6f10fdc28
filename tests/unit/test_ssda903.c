/* test_ssda903.c: reading SSDA903 episodes (ssda903.h), with the dates
 * (date.h) and the CSV table reader (csvfile.h) under it.
 *
 * tests/data/ssda903/ holds a small return worked by hand: one case of every
 * cleaning rule, a child who changes placement, a child who ages into the
 * next bracket, one who turns 18, a stay too short to reach a month end, and
 * a council to skip. The counts below are worked out in the comments. The
 * shipped synthetic sample (data/ssda903/) is checked for its accounting
 * identities: every child at a month end is, at the next, in some state or
 * ended, and every stock is the moves into it plus the entries. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/csvfile.h"
#include "carecast/date.h"
#include "carecast/multistate.h"
#include "carecast/ssda903.h"
#include "testutil.h"

#define DATA CC_TEST_DATA_DIR "/ssda903/"
#define SAMPLE CC_PROJECT_DIR "/data/ssda903/"
#define S CC_SSDA903_STATES
#define FOSTER_5_10 (2 * CC_PLACEMENT_COUNT + CC_PLACEMENT_FOSTER)
#define RESI_5_10 (2 * CC_PLACEMENT_COUNT + CC_PLACEMENT_RESIDENTIAL)
#define FOSTER_10_16 (3 * CC_PLACEMENT_COUNT + CC_PLACEMENT_FOSTER)
#define RESI_10_16 (3 * CC_PLACEMENT_COUNT + CC_PLACEMENT_RESIDENTIAL)
#define FOSTER_16_18 (4 * CC_PLACEMENT_COUNT + CC_PLACEMENT_FOSTER)

START_TEST(dates) {
  ck_assert_int_eq(cc_date_from_civil(1970, 1, 1), 0);
  ck_assert_int_eq(cc_date_from_civil(2000, 3, 1), 11017); /* date -d 2000-03-01 +%s / 86400 */
  ck_assert_int_eq(cc_date_from_civil(1969, 12, 31), -1);
  for (long day = -800000; day < 800000; day += 997) {
    int y, m, d;
    cc_date_to_civil(day, &y, &m, &d);
    ck_assert_int_eq(cc_date_from_civil(y, m, d), day);
  }
  long day;
  cc_error err;
  ck_assert_int_eq(cc_date_parse("29/02/2024", &day, &err), CC_OK);
  ck_assert_int_eq(day, cc_date_from_civil(2024, 2, 29));
  ck_assert_int_eq(cc_date_parse("2023-02-29", &day, &err), CC_EINPUT);
  ck_assert_int_eq(cc_date_parse("2023-2-1", &day, &err), CC_EINPUT);
  ck_assert_int_eq(cc_date_month_end(2100, 2), cc_date_from_civil(2100, 2, 28));
  ck_assert_int_eq(cc_date_age(cc_date_from_civil(2003, 1, 10), cc_date_from_civil(2021, 1, 9)), 17);
  ck_assert_int_eq(cc_date_age(cc_date_from_civil(2003, 1, 10), cc_date_from_civil(2021, 1, 10)), 18);
}
END_TEST

START_TEST(placement_codes) {
  ck_assert_int_eq(cc_ssda903_placement("U4"), CC_PLACEMENT_FOSTER);
  ck_assert_int_eq(cc_ssda903_placement("K2"), CC_PLACEMENT_RESIDENTIAL);
  ck_assert_int_eq(cc_ssda903_placement("P1"), CC_PLACEMENT_OTHER);
  ck_assert_int_eq(cc_ssda903_placement("U7"), CC_PLACEMENT_OTHER);
  char name[64];
  cc_ssda903_state_name(FOSTER_10_16, name, sizeof name);
  ck_assert_str_eq(name, "10-16 foster");
}
END_TEST

START_TEST(cleaning_rules) {
  cc_ssda903 *d = NULL;
  cc_error err;
  ck_assert_msg(cc_ssda903_read(DATA "episodes.csv", DATA "header.csv", "X", &d, &err) == CC_OK, "%s", err.message);
  /* 12 rows of council X; dropped: the row with no child, E (no start), D (no
   * date of birth), A's repeat in the 2021 return, F (ends before it starts);
   * G's first episode is cut where its second starts */
  ck_assert_uint_eq(d->report.rows, 12);
  ck_assert_uint_eq(d->report.no_child, 1);
  ck_assert_uint_eq(d->report.no_start, 1);
  ck_assert_uint_eq(d->report.no_birth, 1);
  ck_assert_uint_eq(d->report.duplicates, 1);
  ck_assert_uint_eq(d->report.end_before_start, 1);
  ck_assert_uint_eq(d->report.overlaps, 1);
  ck_assert_uint_eq(d->report.kept, 7);
  ck_assert_uint_eq(d->report.children, 5);
  ck_assert_uint_eq(d->n, 7);
  /* sorted by child then start: A, A, B, C, G, G, H */
  ck_assert_str_eq(d->episodes[4].child, "G");
  ck_assert_int_eq(d->episodes[4].end, cc_date_from_civil(2020, 4, 1));
  ck_assert_int_eq(d->episodes[4].birth, cc_date_from_civil(2012, 2, 1)); /* the 2020 header wins over 2019's */
  ck_assert_int_eq(d->episodes[1].end, CC_SSDA903_OPEN);
  ck_assert_int_eq(d->episodes[2].birth, cc_date_from_civil(2003, 1, 10)); /* DD/MM/YYYY read */
  cc_ssda903_free(d);
}
END_TEST

START_TEST(counting_by_hand) {
  cc_ssda903 *d = NULL;
  cc_error err;
  ck_assert_int_eq(cc_ssda903_read(DATA "episodes.csv", DATA "header.csv", "X", &d, &err), CC_OK);
  cc_ssda903_counts *c = NULL;
  ck_assert_int_eq(cc_ssda903_count(d, 2020, 1, 4, &c, &err), CC_OK);
  /* month ends Jan-Apr 2020. A (aged 9): foster, foster, residential, residential.
   * G (aged 7-8): foster x3, residential. B (17) enters foster in Feb. C never seen. */
  ck_assert_double_eq(c->stocks[0 * S + FOSTER_5_10], 2);
  ck_assert_double_eq(c->stocks[1 * S + FOSTER_5_10], 2);
  ck_assert_double_eq(c->stocks[1 * S + FOSTER_16_18], 1);
  ck_assert_double_eq(c->stocks[2 * S + FOSTER_5_10], 1);
  ck_assert_double_eq(c->stocks[2 * S + RESI_5_10], 1);
  ck_assert_double_eq(c->stocks[3 * S + RESI_5_10], 2);
  ck_assert_double_eq(c->entries[0 * S + FOSTER_16_18], 1);
  ck_assert_double_eq(c->counts[FOSTER_5_10 * (S + 1) + FOSTER_5_10], 3);
  ck_assert_double_eq(c->counts[FOSTER_5_10 * (S + 1) + RESI_5_10], 2);
  ck_assert_double_eq(c->counts[RESI_5_10 * (S + 1) + RESI_5_10], 1);
  ck_assert_double_eq(c->counts[FOSTER_16_18 * (S + 1) + FOSTER_16_18], 2);
  double total = 0.0;
  for (size_t i = 0; i < S * (S + 1); i++) total += c->counts[i];
  ck_assert_double_eq(total, 8);
  cc_ssda903_counts_free(c);

  /* Nov 2020 - Jan 2021: H ages from 5-10 into 10-16 in December; B turns 18 on
   * 10 January and leaves care; G ended in August; A stays in residential care */
  ck_assert_int_eq(cc_ssda903_count(d, 2020, 11, 3, &c, &err), CC_OK);
  ck_assert_double_eq(c->counts[FOSTER_5_10 * (S + 1) + FOSTER_10_16], 1);
  ck_assert_double_eq(c->counts[FOSTER_16_18 * (S + 1) + FOSTER_16_18], 1);
  ck_assert_double_eq(c->counts[FOSTER_16_18 * (S + 1) + S], 1);
  ck_assert_double_eq(c->counts[FOSTER_10_16 * (S + 1) + FOSTER_10_16], 1);
  ck_assert_double_eq(c->counts[RESI_10_16 * (S + 1) + RESI_10_16], 2); /* A turned 10 in June 2020 */
  ck_assert_double_eq(c->stocks[0 * S + FOSTER_5_10], 1);
  cc_ssda903_counts_free(c);
  cc_ssda903_free(d);
}
END_TEST

START_TEST(errors_name_file_line_field) {
  cc_ssda903 *d = NULL;
  cc_error err;
  ck_assert_int_eq(cc_ssda903_read(DATA "bad_date.csv", DATA "header.csv", NULL, &d, &err), CC_EINPUT);
  ck_assert_ptr_null(d);
  ck_assert_ptr_nonnull(strstr(err.file, "bad_date.csv"));
  ck_assert_int_eq(err.line, 2);
  ck_assert_str_eq(err.field, "DEC");
  ck_assert_int_eq(cc_ssda903_read(DATA "no_decom.csv", DATA "header.csv", NULL, &d, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "DECOM");
  ck_assert_int_eq(cc_ssda903_read(DATA "missing.csv", DATA "header.csv", NULL, &d, &err), CC_EINPUT);
  char *dir = cc_test_tmpdir();
  char *ragged = cc_test_write(dir, "ragged.csv", "CHILD,DOB\nA,2010-01-01\nB,2011-01-01,extra\n");
  cc_csv_table *t = NULL;
  ck_assert_int_eq(cc_csv_table_read(ragged, 1 << 20, &t, &err), CC_EINPUT);
  ck_assert_int_eq(err.line, 3);
  char *quoted = cc_test_write(dir, "quoted.csv", "\xEF\xBB\xBF" "CHILD,NOTE\n\nA,\"two\nlines\"\nB,x\n");
  ck_assert_int_eq(cc_csv_table_read(quoted, 1 << 20, &t, &err), CC_OK);
  ck_assert_str_eq(cc_csv_table_header(t, 0), "CHILD");
  ck_assert_uint_eq(t->n_rows, 2);
  ck_assert_str_eq(cc_csv_table_cell(t, 0, 1), "two\nlines");
  ck_assert_int_eq(cc_csv_table_line(t, 1), 5);
  cc_csv_table_free(t);
  free(ragged);
  free(quoted);
  cc_test_rmtree(dir);
  free(dir);
  ck_assert_int_eq(cc_ssda903_count(NULL, 2020, 1, 1, &(cc_ssda903_counts *){NULL}, &err), CC_EUSAGE);
}
END_TEST

/* The shipped sample: every rule's count adds up, and the month-end
 * accounting holds. Then the counted rates project without error. */
START_TEST(shipped_sample_accounts) {
  cc_ssda903 *d = NULL;
  cc_error err;
  ck_assert_msg(cc_ssda903_read(SAMPLE "episodes.csv", SAMPLE "header.csv", "Southwark", &d, &err) == CC_OK, "%s",
                err.message);
  cc_ssda903_report *r = &d->report;
  ck_assert_uint_eq(r->rows, r->no_child + r->no_start + r->no_birth + r->duplicates + r->end_before_start + r->kept);
  ck_assert_uint_gt(r->kept, 500);
  const size_t months = 48;
  cc_ssda903_counts *c = NULL;
  ck_assert_int_eq(cc_ssda903_count(d, 2017, 4, months, &c, &err), CC_OK);
  double moved_from[S] = {0}, moved_into[S] = {0}, stock_before[S] = {0}, stock_after[S] = {0}, entered[S] = {0};
  for (size_t i = 0; i < S; i++)
    for (size_t j = 0; j <= S; j++) {
      moved_from[i] += c->counts[i * (S + 1) + j];
      if (j < S) moved_into[j] += c->counts[i * (S + 1) + j];
    }
  for (size_t t = 0; t < months; t++)
    for (size_t j = 0; j < S; j++) {
      if (t + 1 < months) stock_before[j] += c->stocks[t * S + j];
      if (t > 0) stock_after[j] += c->stocks[t * S + j], entered[j] += c->entries[(t - 1) * S + j];
    }
  double in_care = 0.0;
  for (size_t j = 0; j < S; j++) {
    ck_assert_double_eq(moved_from[j], stock_before[j]);
    ck_assert_double_eq(moved_into[j] + entered[j], stock_after[j]);
    in_care += c->stocks[(months - 1) * S + j];
  }
  ck_assert_double_gt(in_care, 50);
  cc_ssda903_counts_free(c);
  cc_ssda903_free(d);
}
END_TEST

/* The hand-made return gathered into two model states, under 10 (brackets
 * 0-1, 1-5, 5-10) and 10 or over (10-16, 16-18), over the 13 month ends
 * January 2020 to January 2021, and the probabilities counted from it.
 * Month ends in care (u under 10, o 10 or over, - out, E ended):
 *          J F M A M J J A S O N D J
 *     A    u u u u u o o o o o o o o   turns 10 on 15 June 2020
 *     B    - o o o o o o o o o o o E   enters in February, turns 18 on 10 January 2021
 *     G    u u u u u u u E             its last episode ends on 31 August
 *     H                        u o o   enters in November, turns 10 on 15 December
 * under 10: stays 4 (A) + 6 (G) = 10, ages into 10+ 1 (A) + 1 (H) = 2, ends 1 (G): 13 month-pairs
 * 10 or over: stays 7 (A) + 10 (B) + 1 (H) = 18, ends 1 (B): 19 month-pairs */
START_TEST(gathered_rates_by_hand) {
  cc_ssda903 *d = NULL;
  cc_ssda903_counts *c = NULL;
  cc_error err;
  ck_assert_int_eq(cc_ssda903_read(DATA "episodes.csv", DATA "header.csv", "X", &d, &err), CC_OK);
  ck_assert_int_eq(cc_ssda903_count(d, 2020, 1, 13, &c, &err), CC_OK);
  unsigned young = cc_ssda903_match("0-1") | cc_ssda903_match("1-5") | cc_ssda903_match("5-10");
  unsigned old = cc_ssda903_match("10-16") | cc_ssda903_match("16-18");
  ck_assert_uint_eq(young & old, 0);
  ck_assert_uint_eq(young | old, (1u << S) - 1);
  ck_assert_uint_eq(cc_ssda903_match("10-16 foster"), 1u << FOSTER_10_16);
  ck_assert_uint_eq(cc_ssda903_match("residential 5-10"), 1u << RESI_5_10);
  ck_assert_uint_eq(cc_ssda903_match("foster"), 1u << 0 | 1u << 3 | 1u << 6 | 1u << 9 | 1u << 12);
  ck_assert_uint_eq(cc_ssda903_match("foster foster"), 0);
  ck_assert_uint_eq(cc_ssda903_match("10-16 foster extra"), 0);
  ck_assert_uint_eq(cc_ssda903_match(""), 0);
  int map[S];
  for (size_t s903 = 0; s903 < S; s903++) map[s903] = young >> s903 & 1u ? 0 : 1;
  double counts[2 * 3], stocks[13 * 2], entries[12 * 2];
  cc_ssda903_gather(c, map, 2, counts, stocks, entries);
  ck_assert_double_eq(counts[0], 10); /* under 10: stay, age, end */
  ck_assert_double_eq(counts[1], 2);
  ck_assert_double_eq(counts[2], 1);
  ck_assert_double_eq(counts[3], 0); /* 10 or over: nobody grows younger */
  ck_assert_double_eq(counts[4], 18);
  ck_assert_double_eq(counts[5], 1);
  ck_assert_double_eq(stocks[0 * 2 + 0], 2);  /* January 2020: A, G */
  ck_assert_double_eq(stocks[1 * 2 + 1], 1);  /* February: B */
  ck_assert_double_eq(stocks[12 * 2 + 0], 0); /* January 2021: A and H are 10 */
  ck_assert_double_eq(stocks[12 * 2 + 1], 2);
  ck_assert_double_eq(entries[0 * 2 + 1], 1);  /* B in February */
  ck_assert_double_eq(entries[9 * 2 + 0], 1); /* H in November (row t - 1 for month end t) */
  double entered = 0;
  for (size_t i = 0; i < 24; i++) entered += entries[i];
  ck_assert_double_eq(entered, 2);
  cc_multistate *m = cc_multistate_alloc(2);
  m->allowed[1 * 3 + 0] = 0;
  ck_assert_int_eq(cc_multistate_from_counts(m, counts, 100, 7, &err), CC_OK);
  ck_assert_double_eq(m->p[0], 10.0 / 13);
  ck_assert_double_eq(m->p[1], 2.0 / 13);
  ck_assert_double_eq(m->p[2], 1.0 / 13);
  ck_assert_double_eq(m->p[4], 18.0 / 19);
  ck_assert_double_eq(m->p[5], 1.0 / 19);
  cc_multistate_free(m);
  cc_ssda903_counts_free(c);
  cc_ssda903_free(d);
}
END_TEST

static Suite *ssda903_suite(void) {
  Suite *s = suite_create("ssda903");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, dates);
  tcase_add_test(tc, placement_codes);
  tcase_add_test(tc, cleaning_rules);
  tcase_add_test(tc, counting_by_hand);
  tcase_add_test(tc, gathered_rates_by_hand);
  tcase_add_test(tc, errors_name_file_line_field);
  tcase_add_test(tc, shipped_sample_accounts);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(ssda903_suite()); }
