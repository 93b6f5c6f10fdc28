/* test_seasonality.c: forecast's seasonal strength (seas.heuristic) and
 * nsdiffs(test = "seas") (src/ts/unitroot.c), on the robust mstl of the
 * data-quality modules (interp.h, stl.h; STL itself is checked against R in
 * test_quality_reference.c).
 *
 * Reference values: R 4.2.2 / forecast 8.20 through
 * tests/reference/auto_arima_seasonal_reference.R on the 29 seasonal
 * auto.arima cases (fixtures auto_sarima.csv, auto_sarima_series.csv):
 * strengths within 1e-4, nsdiffs equal, with both answers exercised. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "carecast/unitroot.h"
#include "fixture.h"
#include "testutil.h"

#define STRENGTH_TOLERANCE 1e-4 /* seasonal strength, absolute */
#define MAX_VALUES 512
#define MIN_CASES 20

/* The series of case_name from auto_sarima_series.csv; returns its length and sets *period. */
static size_t load_series(const cc_fixture *series, const char *case_name, double *y, int *period) {
  size_t n = 0;
  for (size_t r = 0; r < series->n_rows; r++) {
    if (strcmp(cc_fixture_text(series, r, "case"), case_name) != 0) continue;
    ck_assert_uint_lt(n, MAX_VALUES);
    y[n++] = cc_fixture_number(series, r, "value");
    *period = (int)cc_fixture_number(series, r, "period");
  }
  return n;
}

START_TEST(test_strength_and_nsdiffs) {
  cc_fixture *fits = cc_fixture_load("auto_sarima.csv"), *series = cc_fixture_load("auto_sarima_series.csv");
  ck_assert_msg(fits && series, "auto_sarima fixtures missing");
  static double y[MAX_VALUES];
  size_t compared = 0, differenced = 0;
  for (size_t r = 0; r < fits->n_rows; r++) {
    const char *name = cc_fixture_text(fits, r, "case");
    int period = 0;
    size_t n = load_series(series, name, y, &period);
    double strength = cc_seasonal_strength(y, n, period), expected = cc_fixture_number(fits, r, "strength");
    ck_assert_msg(fabs(strength - expected) <= STRENGTH_TOLERANCE, "%s: strength %.10g, R %.10g", name, strength,
                  expected);
    int D = cc_nsdiffs(y, n, period, CC_NSDIFFS_MAX_D);
    ck_assert_msg(D == (int)cc_fixture_number(fits, r, "nsdiffs"), "%s: nsdiffs %d", name, D);
    differenced += D > 0;
    compared++;
  }
  ck_assert_uint_ge(compared, MIN_CASES);
  ck_assert_uint_ge(differenced, 3); /* both answers are exercised */
  ck_assert_uint_le(differenced, compared - 3);
  cc_fixture_free(fits), cc_fixture_free(series);
}
END_TEST

START_TEST(test_guards) {
  double constant[24], y[3] = {1, 2, 3};
  for (int i = 0; i < 24; i++) constant[i] = 5.0;
  ck_assert_int_eq(cc_nsdiffs(constant, 24, 12, 1), 0); /* a constant series needs no differencing */
  ck_assert_int_eq(cc_nsdiffs(y, 3, 4, 1), 0);          /* the period is longer than the series */
  ck_assert(isnan(cc_seasonal_strength(y, 2, 4)));
}
END_TEST

static Suite *seasonality_suite(void) {
  Suite *s = suite_create("seasonality");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_strength_and_nsdiffs);
  tcase_add_test(tc, test_guards);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(seasonality_suite()); }
