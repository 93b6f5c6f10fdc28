/* test_unitroot.c: the KPSS statistic against urca::ur.kpss(type = "mu") and
 * the number of differences against forecast::ndiffs(test = "kpss") on 20
 * series (tests/reference/unitroot_reference.R): statistics within 1e-9
 * relative, the same number of differences in every case; and the p-value
 * interpolation at the table's points. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/unitroot.h"
#include "fixture.h"
#include "testutil.h"

#define STATISTIC_TOLERANCE 1e-9
#define MAX_VALUES 512

START_TEST(test_matches_r) {
  cc_fixture *series = cc_fixture_load("unitroot_series.csv"), *results = cc_fixture_load("unitroot.csv");
  ck_assert_msg(series && results, "fixtures missing: run tests/reference/unitroot_reference.R");
  size_t compared = 0;
  for (size_t r = 0; r < results->n_rows; r++) {
    const char *name = cc_fixture_text(results, r, "case");
    double y[MAX_VALUES], x[MAX_VALUES];
    size_t n = 0, m = 0;
    for (size_t k = 0; k < series->n_rows; k++)
      if (strcmp(cc_fixture_text(series, k, "case"), name) == 0 && n < MAX_VALUES) y[n++] = cc_fixture_number(series, k, "value");
    for (size_t t = 0; t < n; t++)
      if (!isnan(y[t])) x[m++] = y[t];
    int lags = cc_kpss_lags(m);
    ck_assert_int_eq(lags, (int)cc_fixture_number(results, r, "lags"));
    double statistic = cc_kpss_statistic(x, m, lags), expected = cc_fixture_number(results, r, "statistic");
    ck_assert_msg(fabs(statistic - expected) <= STATISTIC_TOLERANCE * fabs(expected), "%s: KPSS %.12g, R %.12g", name,
                  statistic, expected);
    ck_assert_msg(cc_ndiffs(y, n, CC_KPSS_ALPHA, CC_KPSS_MAX_D) == (int)cc_fixture_number(results, r, "ndiffs"),
                  "%s: ndiffs %d, R %g", name, cc_ndiffs(y, n, CC_KPSS_ALPHA, CC_KPSS_MAX_D),
                  cc_fixture_number(results, r, "ndiffs"));
    compared++;
  }
  ck_assert_uint_ge(compared, 20);
  cc_fixture_free(series);
  cc_fixture_free(results);
}
END_TEST

START_TEST(test_pvalues) {
  ck_assert_double_eq(cc_kpss_pvalue(0.2), 0.10);
  ck_assert_double_eq_tol(cc_kpss_pvalue(0.463), 0.05, 1e-12);
  ck_assert_double_eq_tol(cc_kpss_pvalue((0.463 + 0.574) / 2), 0.0375, 1e-12);
  ck_assert_double_eq(cc_kpss_pvalue(2.0), 0.01);
  double flat[10] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4};
  ck_assert_int_eq(cc_ndiffs(flat, 10, 0.05, 2), 0);
  ck_assert(isnan(cc_kpss_statistic(flat, 10, 1)));
}
END_TEST

int main(void) {
  Suite *s = suite_create("unitroot");
  TCase *tc = tcase_create("kpss");
  tcase_add_test(tc, test_matches_r);
  tcase_add_test(tc, test_pvalues);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
