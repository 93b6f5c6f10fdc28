/* test_quantile_select.c: the selection quantile the simulated intervals use
 * (cc_quantile_select, src/ts/forecast.c) against the obvious way, sorting
 * and reading R's type-7 quantile (cc_quantile_sorted): exactly equal on
 * random arrays of many sizes, with and without ties, at random levels and
 * at 0 and 1. */
#include <check.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/forecast.h"
#include "testutil.h"

#define TRIALS 4000
#define MAX_N 6000 /* above the 5000 paths of simulated intervals */

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

START_TEST(test_select_equals_sort) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  static double values[MAX_N], sorted[MAX_N];
  for (int trial = 0; trial < TRIALS; trial++) {
    size_t n = 1 + gsl_rng_uniform_int(rng, trial % 10 ? 60 : MAX_N);
    int ties = trial % 4 == 0;
    for (size_t i = 0; i < n; i++) values[i] = ties ? (double)gsl_rng_uniform_int(rng, 4) : gsl_rng_uniform(rng) - 0.5;
    double q = trial % 7 == 0 ? 0 : trial % 11 == 0 ? 1 : gsl_rng_uniform(rng);
    memcpy(sorted, values, n * sizeof *values);
    qsort(sorted, n, sizeof *sorted, compare);
    double expected = cc_quantile_sorted(sorted, n, q);
    ck_assert_msg(cc_quantile_select(values, n, q) == expected, "trial %d (n %zu, q %g)", trial, n, q);
  }
  ck_assert(isnan(cc_quantile_select(values, 0, 0.5)));
  gsl_rng_free(rng);
}
END_TEST

static Suite *quantile_suite(void) {
  Suite *suite = suite_create("quantile_select");
  TCase *tc = tcase_create("quantile_select");
  tcase_add_test(tc, test_select_equals_sort);
  suite_add_tcase(suite, tc);
  return suite;
}

int main(void) { return cc_test_run_suite(quantile_suite()); }
