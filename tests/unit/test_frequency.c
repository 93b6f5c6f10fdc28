/* test_frequency.c: aggregation to coarser frequencies and Denton
 * disaggregation (frequency.h). Denton against statsmodels' dentonm
 * (tests/reference/denton_reference.py, fixtures/denton.csv); aggregation
 * against sums worked by hand; disaggregation round-tripped through
 * aggregation (the benchmarks must come back); every refusal triggered. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/frequency.h"
#include "fixture.h"
#include "testutil.h"

#define DENTON_TOLERANCE 1e-8 /* relative to statsmodels: both solve the same linear system in double precision */
#define ROUND_TRIP_TOLERANCE 1e-9

static cc_period period(const char *text) {
  cc_period p;
  cc_error err;
  ck_assert_msg(cc_period_parse(text, &p, &err) == CC_OK, "%s", err.message);
  return p;
}

/* A series of n observed values from start (text), of kind. */
static cc_series *make(const char *start, cc_kind kind, const double *values, size_t n) {
  cc_series *s = cc_series_alloc(n);
  ck_assert_ptr_nonnull(s);
  strcpy(s->id, "m/E08000019/all");
  strcpy(s->measure, "m");
  strcpy(s->geography, "E08000019");
  strcpy(s->age_band, "all");
  strcpy(s->unit, "people");
  s->kind = kind;
  s->start = period(start);
  s->freq = s->start.freq;
  s->source_ids = strdup("test_source");
  for (size_t i = 0; i < n; i++) {
    s->values[i] = values[i];
    s->flags[i] = isnan(values[i]) ? 0 : CC_OBS_OBSERVED;
  }
  return s;
}

static cc_series *aggregate(const cc_series *s, cc_freq to) {
  cc_series *r = NULL;
  cc_error err;
  ck_assert_msg(cc_freq_aggregate(s, to, &r, &err) == CC_OK, "%s", err.message);
  return r;
}

START_TEST(test_denton_statsmodels) {
  cc_fixture *f = cc_fixture_load("denton.csv");
  ck_assert_ptr_nonnull(f);
  static const char *const cases[] = {"docstring_aq", "flat_qm", "seasonal_am", "flat_am", "single_qm"};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    double indicator[128], benchmark[16], expected[128], x[128];
    size_t n = 0, m = 0, e = 0, k = 0;
    for (size_t r = 0; r < f->n_rows; r++) {
      if (strcmp(cc_fixture_text(f, r, "case"), cases[c]) != 0) continue;
      const char *role = cc_fixture_text(f, r, "role");
      double v = cc_fixture_number(f, r, "value");
      k = (size_t)cc_fixture_number(f, r, "k");
      if (strcmp(role, "indicator") == 0) indicator[n++] = v;
      else if (strcmp(role, "benchmark") == 0) benchmark[m++] = v;
      else expected[e++] = v;
    }
    ck_assert_msg(n > 0 && n == e && n == m * k, "%s: fixture shapes %zu %zu %zu", cases[c], n, m, e);
    cc_error err;
    ck_assert_msg(cc_denton(indicator, benchmark, m, k, CC_TEMPORAL_SUM, x, &err) == CC_OK, "%s", err.message);
    for (size_t t = 0; t < n; t++)
      ck_assert_msg(cc_fixture_close(x[t], expected[t], DENTON_TOLERANCE), "%s[%zu]: %.12g, statsmodels %.12g", cases[c],
                    t, x[t], expected[t]);
  }
  cc_fixture_free(f);
}
END_TEST

START_TEST(test_denton_refusals_and_stock_rule) {
  double indicator[] = {1, 1, 0, 1, 1, 1}, benchmark[] = {10, 20}, x[6];
  cc_error err;
  ck_assert(cc_denton(indicator, benchmark, 2, 3, CC_TEMPORAL_SUM, x, &err) == CC_EINPUT);
  ck_assert_str_eq(err.field, "indicator");
  /* Stocks: the end value of each period is the benchmark, and a smooth path joins them. */
  double flat[] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, ends[] = {30, 60, 60};
  double path[9];
  ck_assert(cc_denton(flat, ends, 3, 3, CC_TEMPORAL_LAST, path, &err) == CC_OK);
  ck_assert(fabs(path[2] - 30) < 1e-9 && fabs(path[5] - 60) < 1e-9 && fabs(path[8] - 60) < 1e-9);
  ck_assert(fabs(path[3] - 40) < 1e-9 && fabs(path[4] - 50) < 1e-9); /* straight line between the ends */
}
END_TEST

START_TEST(test_aggregate_flows_by_hand) {
  /* Feb 2014 .. Apr 2015 (15 months): 1, 2, ..., 15. */
  double v[15];
  for (int i = 0; i < 15; i++) v[i] = i + 1;
  cc_series *s = make("2014-02", CC_KIND_FLOW, v, 15);
  s->flags[4] |= CC_OBS_PROVISIONAL; /* June 2014 */
  cc_series *q = aggregate(s, CC_FREQ_QUARTER);
  char buf[CC_PERIOD_TEXT_MAX];
  ck_assert_str_eq(cc_period_format(q->start, buf, sizeof buf), "2014-Q1");
  ck_assert_uint_eq(q->n, 6); /* 2014-Q1 .. 2015-Q2 */
  ck_assert(isnan(q->values[0]) && q->flags[0] == 0); /* January 2014 is not in the series */
  ck_assert(q->values[1] == 3 + 4 + 5);                /* Apr-Jun 2014 */
  ck_assert(q->flags[1] == (CC_OBS_OBSERVED | CC_OBS_PROVISIONAL));
  ck_assert(q->values[4] == 12 + 13 + 14);             /* Jan-Mar 2015 */
  ck_assert(isnan(q->values[5]));                      /* only April 2015 */
  ck_assert_str_eq(q->id, s->id);
  ck_assert_str_eq(q->source_ids, "test_source");
  cc_series *fy = aggregate(s, CC_FREQ_FYEAR);
  ck_assert_str_eq(cc_period_format(fy->start, buf, sizeof buf), "2013/14");
  ck_assert_uint_eq(fy->n, 3);
  ck_assert(isnan(fy->values[0]));
  ck_assert(fy->values[1] == 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14); /* Apr 2014 - Mar 2015 */
  ck_assert(isnan(fy->values[2]));
  cc_series *y = aggregate(s, CC_FREQ_YEAR);
  ck_assert_uint_eq(y->n, 2);
  ck_assert(isnan(y->values[0]) && isnan(y->values[1])); /* neither calendar year is complete */
  /* Quarters to financial years. */
  cc_series *fq = aggregate(q, CC_FREQ_FYEAR);
  ck_assert(fq->values[1] == fy->values[1]);
  cc_series_free(fq);
  cc_series_free(y);
  cc_series_free(fy);
  cc_series_free(q);
  cc_series_free(s);
}
END_TEST

START_TEST(test_aggregate_suppressed_and_stocks) {
  double v[] = {4, NAN, 6, 10, 11, 12};
  cc_series *s = make("2024-01", CC_KIND_FLOW, v, 6);
  s->flags[1] = CC_OBS_SUPPRESSED;
  s->bounds[1] = 5;
  cc_series *q = aggregate(s, CC_FREQ_QUARTER);
  ck_assert(isnan(q->values[0]) && q->flags[0] == CC_OBS_SUPPRESSED && q->bounds[0] == 4 + 5 + 6);
  ck_assert(q->values[1] == 33 && isnan(q->bounds[1]));
  cc_series_free(q);
  s->kind = CC_KIND_STOCK;
  q = aggregate(s, CC_FREQ_QUARTER);
  ck_assert(q->values[0] == 6 && q->flags[0] == CC_OBS_OBSERVED); /* the end of March */
  ck_assert(q->values[1] == 12);
  cc_series_free(q);
  s->kind = CC_KIND_RATE;
  cc_error err;
  ck_assert(cc_freq_aggregate(s, CC_FREQ_QUARTER, &q, &err) == CC_EINPUT && q == NULL);
  ck_assert_str_eq(err.field, "kind");
  s->kind = CC_KIND_FLOW;
  cc_series *yearly = aggregate(s, CC_FREQ_YEAR);
  ck_assert(cc_freq_aggregate(yearly, CC_FREQ_QUARTER, &q, &err) == CC_EINPUT);
  ck_assert_str_eq(err.field, "frequency");
  cc_series_free(yearly);
  cc_series_free(s);
}
END_TEST

static void round_trip(const char *start, cc_kind kind, const double *values, size_t n) {
  cc_series *s = make(start, kind, values, n);
  cc_series *monthly = NULL;
  cc_error err;
  ck_assert_msg(cc_freq_disaggregate(s, &monthly, &err) == CC_OK, "%s", err.message);
  ck_assert_uint_eq(monthly->n, n * (size_t)cc_freq_months(s->freq));
  ck_assert(monthly->freq == CC_FREQ_MONTH);
  cc_series *back = aggregate(monthly, s->freq);
  ck_assert_uint_eq(back->n, n);
  for (size_t i = 0; i < n; i++) {
    if (isnan(values[i])) {
      ck_assert(isnan(back->values[i]));
      continue;
    }
    ck_assert_msg(fabs(back->values[i] - values[i]) < ROUND_TRIP_TOLERANCE * fabs(values[i]), "slot %zu: %.12g vs %.12g", i,
                  back->values[i], values[i]);
    ck_assert(back->flags[i] & CC_OBS_IMPUTED);
  }
  for (size_t t = 0; t < monthly->n; t++)
    ck_assert(isnan(monthly->values[t]) || (monthly->flags[t] & CC_OBS_IMPUTED));
  cc_series_free(back);
  cc_series_free(monthly);
  cc_series_free(s);
}

START_TEST(test_disaggregate_round_trip) {
  round_trip("2014-Q2", CC_KIND_FLOW, (const double[]){310, 295, 340, 360, 330, 315, 350, 380}, 8);
  round_trip("2014/15", CC_KIND_FLOW, (const double[]){12000, 12600, NAN, 13100, 12900}, 5);
  round_trip("2015", CC_KIND_STOCK, (const double[]){620, 640, 655, 700}, 4);
  round_trip("2020-Q1", CC_KIND_AMOUNT, (const double[]){-5, 10, 20}, 3);
  /* A financial year's months start in April. */
  cc_series *s = make("2014/15", CC_KIND_FLOW, (const double[]){1200}, 1), *monthly = NULL;
  cc_error err;
  ck_assert(cc_freq_disaggregate(s, &monthly, &err) == CC_OK);
  char buf[CC_PERIOD_TEXT_MAX];
  ck_assert_str_eq(cc_period_format(monthly->start, buf, sizeof buf), "2014-04");
  ck_assert(fabs(monthly->values[5] - 100) < 1e-9); /* one year alone: spread evenly */
  cc_series_free(monthly);
  cc_series_free(s);
}
END_TEST

START_TEST(test_disaggregate_refusals) {
  cc_error err;
  cc_series *out = NULL;
  /* A collapse so steep that a smooth monthly path must go below zero. */
  cc_series *s = make("2020-Q1", CC_KIND_FLOW, (const double[]){3000, 10, 3000}, 3);
  ck_assert(cc_freq_disaggregate(s, &out, &err) == CC_EINPUT && out == NULL);
  ck_assert_msg(strstr(err.message, "negative"), "%s", err.message);
  cc_series_free(s);
  s = make("2020-01", CC_KIND_FLOW, (const double[]){1, 2}, 2);
  ck_assert(cc_freq_disaggregate(s, &out, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "already monthly"), "%s", err.message);
  s->kind = CC_KIND_RATE;
  ck_assert(cc_freq_disaggregate(s, &out, &err) == CC_EINPUT);
  cc_series_free(s);
}
END_TEST

/* The obvious way: for each period of `to`, find its months by converting every
 * slot, and add them up (or take the last) when all are there. */
static void oracle_check(const cc_series *s, const cc_series *r) {
  int k = cc_freq_months(r->freq) / cc_freq_months(s->freq);
  for (size_t j = 0; j < r->n; j++) {
    cc_period target = cc_period_add(r->start, (int32_t)j);
    int count = 0, complete = 1, suppressed = 0;
    double total = 0, bound = 0, last = NAN, last_bound = NAN;
    int last_suppressed = 0;
    for (size_t t = 0; t < s->n; t++) {
      cc_period p;
      cc_error err;
      ck_assert(cc_period_convert(cc_series_period(s, t), r->freq, &p, &err) == CC_OK);
      if (p.index != target.index) continue;
      count++;
      int sup = (s->flags[t] & CC_OBS_SUPPRESSED) != 0;
      if (isnan(s->values[t]) && !sup) complete = 0;
      suppressed |= sup;
      total += sup ? 0 : s->values[t];
      bound += sup ? s->bounds[t] : s->values[t];
      last = s->values[t], last_bound = s->bounds[t], last_suppressed = sup;
    }
    if (count != k || !complete) {
      ck_assert_msg(isnan(r->values[j]) && r->flags[j] == 0, "slot %zu should be missing", j);
    } else if (s->kind == CC_KIND_STOCK) {
      ck_assert(last_suppressed ? isnan(r->values[j]) && r->bounds[j] == last_bound : r->values[j] == last);
    } else if (suppressed) {
      ck_assert(isnan(r->values[j]) && fabs(r->bounds[j] - bound) < 1e-9);
    } else {
      ck_assert_msg(fabs(r->values[j] - total) < 1e-9, "slot %zu: %g vs %g", j, r->values[j], total);
    }
  }
}

START_TEST(test_aggregate_oracle) {
  unsigned seed = 7u;
  for (int round = 0; round < 300; round++) {
    size_t n = 1 + (size_t)rand_r(&seed) % 40;
    double v[40];
    for (size_t i = 0; i < n; i++) v[i] = rand_r(&seed) % 10 == 0 ? NAN : (double)(rand_r(&seed) % 100);
    char start[16];
    snprintf(start, sizeof start, "20%02d-%02d", 10 + rand_r(&seed) % 10, 1 + rand_r(&seed) % 12);
    cc_series *s = make(start, round % 2 ? CC_KIND_STOCK : CC_KIND_FLOW, v, n);
    for (size_t i = 0; i < n; i++)
      if (isnan(v[i]) && rand_r(&seed) % 2) s->flags[i] = CC_OBS_SUPPRESSED, s->bounds[i] = 5;
    static const cc_freq targets[] = {CC_FREQ_QUARTER, CC_FREQ_FYEAR, CC_FREQ_YEAR};
    for (size_t f = 0; f < 3; f++) {
      cc_series *r = aggregate(s, targets[f]);
      oracle_check(s, r);
      if (targets[f] == CC_FREQ_QUARTER) {
        for (size_t g = 1; g < 3; g++) { /* and the quarters on to years */
          cc_series *rr = aggregate(r, targets[g]);
          oracle_check(r, rr);
          cc_series_free(rr);
        }
      }
      cc_series_free(r);
    }
    cc_series_free(s);
  }
}
END_TEST

static Suite *frequency_suite(void) {
  Suite *suite = suite_create("frequency");
  TCase *denton = tcase_create("denton");
  tcase_add_test(denton, test_denton_statsmodels);
  tcase_add_test(denton, test_denton_refusals_and_stock_rule);
  tcase_add_test(denton, test_disaggregate_round_trip);
  tcase_add_test(denton, test_disaggregate_refusals);
  suite_add_tcase(suite, denton);
  TCase *aggregation = tcase_create("aggregation");
  tcase_add_test(aggregation, test_aggregate_flows_by_hand);
  tcase_add_test(aggregation, test_aggregate_suppressed_and_stocks);
  tcase_add_test(aggregation, test_aggregate_oracle);
  suite_add_tcase(suite, aggregation);
  return suite;
}

int main(void) { return cc_test_run_suite(frequency_suite()); }
