/* test_model.c: the generic parts of a fitted model. The Ljung-Box test
 * against R's Box.test(type = "Ljung-Box", fitdf) on six residual series at
 * four lag settings (tests/reference/ljungbox_reference.R; the series with
 * gaps against acf(na.action = na.pass)), p-values within 1e-9 absolute;
 * and the information criteria from a known log-likelihood (closed form). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/model.h"
#include "fixture.h"
#include "testutil.h"

#define P_TOLERANCE 1e-9
#define MAX_VALUES 256

START_TEST(test_ljung_box_matches_r) {
  cc_fixture *series = cc_fixture_load("ljungbox_series.csv"), *tests = cc_fixture_load("ljungbox.csv");
  ck_assert_msg(series && tests, "fixtures missing: run tests/reference/ljungbox_reference.R");
  size_t compared = 0;
  for (size_t r = 0; r < tests->n_rows; r++) {
    const char *name = cc_fixture_text(tests, r, "case");
    double values[MAX_VALUES];
    size_t n = 0;
    for (size_t k = 0; k < series->n_rows; k++)
      if (strcmp(cc_fixture_text(series, k, "case"), name) == 0 && n < MAX_VALUES) values[n++] = cc_fixture_number(series, k, "value");
    cc_model *m = cc_model_alloc(NULL, n, 0, 0);
    memcpy(m->residuals, values, n * sizeof *values);
    double p = cc_model_ljung_box(m, (int)cc_fixture_number(tests, r, "lag"), (int)cc_fixture_number(tests, r, "fitdf"));
    double expected = cc_fixture_number(tests, r, "p_value");
    ck_assert_msg(fabs(p - expected) <= P_TOLERANCE, "%s lag %g: p %.12g, R %.12g", name, cc_fixture_number(tests, r, "lag"),
                  p, expected);
    cc_model_free(m);
    compared++;
  }
  ck_assert_uint_ge(compared, 24);
  cc_fixture_free(series);
  cc_fixture_free(tests);
}
END_TEST

START_TEST(test_criteria) {
  cc_model *m = cc_model_alloc(NULL, 50, 0, 0);
  m->loglik = -100;
  m->n_estimated = 4;
  m->nobs = 50;
  cc_model_set_criteria(m);
  ck_assert_double_eq_tol(m->aic, 208, 1e-12);
  ck_assert_double_eq_tol(m->aicc, 208 + 2.0 * 4 * 5 / 45, 1e-12);
  ck_assert_double_eq_tol(m->bic, 200 + 4 * log(50), 1e-12);
  cc_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("model");
  TCase *tc = tcase_create("model");
  tcase_add_test(tc, test_ljung_box_matches_r);
  tcase_add_test(tc, test_criteria);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
