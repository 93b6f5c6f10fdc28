/* test_quality_reference.c: the data-quality building blocks against R
 * (fixtures from tests/reference/quality_reference.R: R 4.2.2, forecast
 * 8.20, strucchange 1.5-3) on M3 series with planted outliers, R datasets
 * and simulated series:
 *   stats::stl() under three settings      seasonal, trend, weights within 1e-7 (relative, absolute below 1)
 *   stats::supsmu()                        smooth within 1e-7
 *   forecast::tsoutliers()                 the same indices; replacements within 1e-6
 *   forecast::na.interp()                  filled values within 1e-6
 *   strucchange sup-F (y ~ 1 and y ~ t)     statistic 1e-7, same break, p-value 1e-6 (absolute)
 *   robust sup-F (breaks.h): the long-run   the same residuals chosen (split or null), long-run variance
 *   variance by sandwich::lrvar, splits by  and statistic 1e-7 (relative), prewhitening AR(1) 1e-9,
 *   lm.fit, p-value by strucchange; also   same break, p-value 1e-6 (absolute)
 *   with seasonal dummies (lm(y ~ t + season))
 *   stats::StructTS() / tsSmooth()          at R's variances: objective 1e-7, smoothed values 1e-5;
 *                                           our own fit's objective no worse than R's by 1e-6, and
 *                                           the values it imputes within 1e-4 of R's */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/breaks.h"

#include "carecast/interp.h"
#include "carecast/outliers.h"
#include "carecast/stl.h"
#include "carecast/structts.h"

#include "carecast/supsmu.h"
#include "fixture.h"
#include "testutil.h"

#define MAX_VALUES 1024
#define STL_TOLERANCE 1e-7
#define SUPSMU_TOLERANCE 1e-7
#define REPLACEMENT_TOLERANCE 1e-6
#define BREAK_STAT_TOLERANCE 1e-7
#define BREAK_P_TOLERANCE 1e-6
#define BREAK_RHO_TOLERANCE 1e-9
#define STRUCTTS_OBJECTIVE_TOLERANCE 1e-7
#define STRUCTTS_SMOOTH_TOLERANCE 1e-5
#define STRUCTTS_FIT_SLACK 1e-6
#define STRUCTTS_IMPUTED_TOLERANCE 1e-4 /* our ML estimates differ slightly from where R's L-BFGS-B stops (1.1e-5 seen) */

/* The series `name` of quality_series.csv into y; returns its length and sets *period. */
static size_t load_case(const cc_fixture *series, const char *name, double *y, int *period) {
  size_t n = 0;
  for (size_t r = 0; r < series->n_rows; r++) {
    if (strcmp(cc_fixture_text(series, r, "case"), name) != 0) continue;
    ck_assert_uint_lt(n, MAX_VALUES);
    y[n++] = cc_fixture_number(series, r, "value");
    *period = atoi(cc_fixture_text(series, r, "period"));
  }
  ck_assert_msg(n > 0, "no series %s in the fixture", name);
  return n;
}

static cc_fixture *load_fixture(const char *name) {
  cc_fixture *f = cc_fixture_load(name);
  ck_assert_msg(f != NULL, "%s missing: run tests/reference/quality_reference.R", name);
  return f;
}

START_TEST(test_stl_matches_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_stl.csv");
  size_t r = 0, compared = 0;
  while (r < ref->n_rows) {
    const char *name = cc_fixture_text(ref, r, "case");
    int s_window = (int)cc_fixture_number(ref, r, "s_window"), robust = (int)cc_fixture_number(ref, r, "robust");
    double y[MAX_VALUES];
    int period = 1;
    size_t n = load_case(series, name, y, &period);
    cc_stl *d = cc_stl_alloc(n, period);
    cc_stl_options options;
    cc_stl_options_default(&options, s_window, robust);
    cc_error err;
    ck_assert_int_eq(cc_stl_decompose(y, n, period, &options, d, &err), CC_OK);
    for (size_t t = 0; t < n; t++, r++) {
      ck_assert_msg(cc_fixture_close(d->seasonal[t], cc_fixture_number(ref, r, "seasonal"), STL_TOLERANCE),
                    "%s s.window %d robust %d t %zu: seasonal %.10g, R %.10g", name, s_window, robust, t + 1,
                    d->seasonal[t], cc_fixture_number(ref, r, "seasonal"));
      ck_assert_msg(cc_fixture_close(d->trend[t], cc_fixture_number(ref, r, "trend"), STL_TOLERANCE),
                    "%s s.window %d robust %d t %zu: trend %.10g, R %.10g", name, s_window, robust, t + 1, d->trend[t],
                    cc_fixture_number(ref, r, "trend"));
      ck_assert_msg(cc_fixture_close(d->weights[t], cc_fixture_number(ref, r, "weight"), STL_TOLERANCE),
                    "%s t %zu: weight %.10g, R %.10g", name, t + 1, d->weights[t], cc_fixture_number(ref, r, "weight"));
      ck_assert_double_eq_tol(d->remainder[t], y[t] - d->seasonal[t] - d->trend[t], 1e-9 * (1 + fabs(y[t])));
    }
    cc_stl_free(d);
    compared++;
  }
  ck_assert_uint_ge(compared, 20);
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

START_TEST(test_stl_errors) {
  double y[30];
  for (int i = 0; i < 30; i++) y[i] = i % 12;
  cc_error err;
  cc_stl *d = cc_stl_alloc(24, 12);
  ck_assert_int_eq(cc_stl_decompose(y, 24, 12, NULL, d, &err), CC_EINPUT); /* two periods only */
  cc_stl_free(d);
  d = cc_stl_alloc(30, 12);
  y[7] = NAN;
  ck_assert_int_eq(cc_stl_decompose(y, 30, 12, NULL, d, &err), CC_EINPUT);
  ck_assert_int_eq(cc_stl_decompose(y, 29, 12, NULL, d, &err), CC_EINTERNAL);
  cc_stl_free(d);
  ck_assert_ptr_null(cc_stl_alloc(30, 1));
  cc_stl_free(NULL);
}
END_TEST

START_TEST(test_supsmu_matches_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_supsmu.csv");
  size_t r = 0, compared = 0;
  while (r < ref->n_rows) {
    const char *name = cc_fixture_text(ref, r, "case");
    double y[MAX_VALUES], x[MAX_VALUES], smooth[MAX_VALUES], work[CC_SUPSMU_WORK(MAX_VALUES)];
    int period = 1;
    size_t n = load_case(series, name, y, &period);
    for (size_t t = 0; t < n; t++) x[t] = (double)(t + 1);
    cc_error err;
    ck_assert_int_eq(cc_supsmu(x, y, NULL, n, 0.0, 0.0, smooth, work, &err), CC_OK);
    for (size_t t = 0; t < n; t++, r++)
      ck_assert_msg(cc_fixture_close(smooth[t], cc_fixture_number(ref, r, "smooth"), SUPSMU_TOLERANCE),
                    "%s t %zu: %.10g, R %.10g", name, t + 1, smooth[t], cc_fixture_number(ref, r, "smooth"));
    compared++;
  }
  ck_assert_uint_ge(compared, 15);
  double x[4] = {1, 2, 3, 4}, work[CC_SUPSMU_WORK(4)], out[4];
  cc_error err;
  ck_assert_int_eq(cc_supsmu(x, x, NULL, 4, 0.0, 0.0, out, work, &err), CC_EINPUT);
  double x5[5] = {1, 2, 3, 4, 5}, y5[5] = {2, 4, 6, 8, 10}, work5[CC_SUPSMU_WORK(5)], out5[5];
  ck_assert_int_eq(cc_supsmu(x5, y5, NULL, 5, 1.5, 0.0, out5, work5, &err), CC_EINPUT);
  ck_assert_int_eq(cc_supsmu(x5, y5, NULL, 5, 0.5, 0.0, out5, work5, &err), CC_OK);
  for (int i = 0; i < 5; i++) ck_assert_double_eq_tol(out5[i], y5[i], 1e-12); /* a line is its own smooth */
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

START_TEST(test_tsoutliers_matches_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_tsoutliers.csv");
  size_t r = 0, compared = 0, found = 0;
  while (r < ref->n_rows) {
    const char *name = cc_fixture_text(ref, r, "case");
    double y[MAX_VALUES];
    int period = 1;
    size_t n = load_case(series, name, y, &period);
    cc_outliers *o = cc_outliers_alloc(n);
    cc_error err;
    ck_assert_msg(cc_outliers_find(y, n, period, CC_OUTLIER_ITERATE, o, &err) == CC_OK, "%s: %s", name, err.message);
    size_t k = 0;
    for (; r < ref->n_rows && strcmp(cc_fixture_text(ref, r, "case"), name) == 0; r++) {
      double index = cc_fixture_number(ref, r, "index");
      if (isnan(index)) continue;
      ck_assert_msg(k < o->count, "%s: R finds an outlier at %g that carecast misses", name, index);
      ck_assert_msg(o->index[k] + 1 == (size_t)index, "%s: outlier %zu at %zu, R %g", name, k + 1, o->index[k] + 1,
                    index);
      ck_assert_msg(cc_fixture_close(o->replacements[k], cc_fixture_number(ref, r, "replacement"),
                                     REPLACEMENT_TOLERANCE),
                    "%s at %g: replacement %.10g, R %.10g", name, index, o->replacements[k],
                    cc_fixture_number(ref, r, "replacement"));
      k++;
    }
    ck_assert_msg(k == o->count, "%s: carecast finds %zu outliers, R %zu", name, o->count, k);
    found += k;
    cc_outliers_free(o);
    compared++;
  }
  ck_assert_uint_ge(compared, 20);
  ck_assert_uint_ge(found, 50);
  /* Edge cases: nothing observed, a result of the wrong size, a constant series, too few values. */
  double flat[12], none[12];
  for (int i = 0; i < 12; i++) flat[i] = 7, none[i] = NAN;
  cc_outliers *o = cc_outliers_alloc(12), *small = cc_outliers_alloc(4);
  cc_error err;
  ck_assert_int_eq(cc_outliers_find(none, 12, 1, 2, o, &err), CC_EINPUT);
  ck_assert_int_eq(cc_outliers_find(flat, 11, 1, 2, o, &err), CC_EINTERNAL);
  ck_assert_int_eq(cc_outliers_find(flat, 12, 4, 2, o, &err), CC_OK);
  ck_assert_uint_eq(o->count, 0);
  flat[2] = 1000;
  ck_assert_int_eq(cc_outliers_find(flat, 4, 1, 2, small, &err), CC_OK);
  ck_assert_uint_eq(small->count, 0);
  cc_outliers_free(o);
  cc_outliers_free(small);
  cc_outliers_free(NULL);
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

START_TEST(test_na_interp_matches_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_nainterp.csv");
  size_t r = 0, compared = 0;
  while (r < ref->n_rows) {
    const char *name = cc_fixture_text(ref, r, "case");
    double y[MAX_VALUES], out[MAX_VALUES];
    int period = 1;
    size_t n = load_case(series, name, y, &period);
    cc_error err;
    ck_assert_int_eq(cc_interp_na(y, n, period, out, &err), CC_OK);
    for (; r < ref->n_rows && strcmp(cc_fixture_text(ref, r, "case"), name) == 0; r++) {
      size_t t = (size_t)cc_fixture_number(ref, r, "t") - 1;
      ck_assert_msg(isnan(y[t]), "%s t %zu is not missing", name, t + 1);
      ck_assert_msg(cc_fixture_close(out[t], cc_fixture_number(ref, r, "value"), REPLACEMENT_TOLERANCE),
                    "%s t %zu: %.10g, R %.10g", name, t + 1, out[t], cc_fixture_number(ref, r, "value"));
      compared++;
    }
  }
  ck_assert_uint_ge(compared, 14);
  double empty[3] = {NAN, NAN, NAN}, out[3];
  cc_error err;
  ck_assert_int_eq(cc_interp_na(empty, 3, 1, out, &err), CC_EINPUT);
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

/* The statistic, break point and p-value of fixture row r match test. */
static void expect_break_row(const cc_fixture *ref, size_t r, const cc_break_test *test) {
  const char *name = cc_fixture_text(ref, r, "case");
  int k = test->regressors;
  double statistic = cc_fixture_number(ref, r, "statistic"), p_value = cc_fixture_number(ref, r, "p_value");
  ck_assert_msg(cc_fixture_close(test->statistic, statistic, BREAK_STAT_TOLERANCE), "%s k %d: supF %.10g, R %.10g", name,
                k, test->statistic, statistic);
  ck_assert_msg(test->breakpoint == (size_t)cc_fixture_number(ref, r, "breakpoint"), "%s k %d: break %zu, R %g", name, k,
                test->breakpoint, cc_fixture_number(ref, r, "breakpoint"));
  ck_assert_msg(fabs(test->p_value - p_value) <= BREAK_P_TOLERANCE, "%s k %d: p %.10g, R %.10g", name, k, test->p_value,
                p_value);
}

START_TEST(test_breaks_match_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_breaks.csv");
  for (size_t r = 0; r < ref->n_rows; r++) {
    double y[MAX_VALUES];
    int period = 1, k = (int)cc_fixture_number(ref, r, "regressors");
    const char *name = cc_fixture_text(ref, r, "case");
    size_t n = load_case(series, name, y, &period);
    cc_break_test test;
    cc_error err;
    ck_assert_int_eq(cc_break_supf(y, n, k, CC_BREAK_TRIM, &test, &err), CC_OK);
    expect_break_row(ref, r, &test);
  }
  ck_assert_uint_ge(ref->n_rows, 30);
  /* Closed form: a step of 10 at t = 31 on a straight line is recovered exactly. */
  double y[60], adjusted[60], step;
  for (int t = 0; t < 60; t++) y[t] = 5.0 + 0.1 * t + (t >= 30 ? 10.0 : 0.0);
  cc_error err;
  ck_assert_int_eq(cc_break_step(y, 60, 30, &step, adjusted, &err), CC_OK);
  ck_assert_double_eq_tol(step, 10.0, 1e-9);
  ck_assert_double_eq_tol(adjusted[0], y[0] + step, 1e-12);
  ck_assert_int_eq(cc_break_step(y, 60, 59, &step, NULL, &err), CC_EINPUT);
  cc_break_test test;
  ck_assert_int_eq(cc_break_supf(y, 5, 2, CC_BREAK_TRIM, &test, &err), CC_EINPUT);
  ck_assert_int_eq(cc_break_supf(y, 60, 3, CC_BREAK_TRIM, &test, &err), CC_EINPUT);
  y[3] = NAN;
  ck_assert_int_eq(cc_break_supf(y, 60, 1, CC_BREAK_TRIM, &test, &err), CC_EINPUT);
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

START_TEST(test_robust_breaks_match_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_breaks_lrv.csv");
  for (size_t r = 0; r < ref->n_rows; r++) {
    const char *name = cc_fixture_text(ref, r, "case");
    double y[MAX_VALUES];
    int period = 1, k = (int)cc_fixture_number(ref, r, "regressors");
    size_t n = load_case(series, name, y, &period), absorbed = 0;
    if (cc_fixture_number(ref, r, "seasonal") == 1) {
      absorbed = cc_break_deseasonalise(y, n, period, y);
      ck_assert_uint_eq(absorbed, (size_t)period - 1);
    }
    cc_break_test test;
    cc_error err;
    ck_assert_int_eq(cc_break_supf_lrv(y, n, k, absorbed, CC_BREAK_TRIM, &test, &err), CC_OK);
    double lrv = cc_fixture_number(ref, r, "lrv"), rho = cc_fixture_number(ref, r, "rho");
    ck_assert_msg(test.under_break == (int)cc_fixture_number(ref, r, "under_break"), "%s k %d: variance under the %s",
                  name, k, test.under_break ? "break" : "null");
    ck_assert_msg(cc_fixture_close(test.long_run_variance, lrv, BREAK_STAT_TOLERANCE), "%s k %d: s2 %.10g, R %.10g", name, k,
                  test.long_run_variance, lrv);
    ck_assert_msg(fabs(test.prewhiten_ar - rho) <= BREAK_RHO_TOLERANCE, "%s k %d: rho %.12g, R %.12g", name, k,
                  test.prewhiten_ar, rho);
    expect_break_row(ref, r, &test);
  }
  ck_assert_uint_ge(ref->n_rows, 64);
  /* Edge cases: residuals that are all zero have no variance, too few have none defined. */
  double zeros[8] = {0}, line[40];
  ck_assert_double_eq(cc_break_long_run_variance(zeros, 8, 1), 0.0);
  ck_assert(isnan(cc_break_long_run_variance(zeros, CC_BREAK_LRV_MIN_N - 1, 1)));
  ck_assert(isnan(cc_break_long_run_variance(zeros, 8, 8)));
  /* An exact straight line: no residual, so no break (F = 0, p = 1) rather than a division by zero. */
  for (int t = 0; t < 40; t++) line[t] = 3.0 + 0.5 * t;
  cc_break_test test;
  cc_error err;
  ck_assert_int_eq(cc_break_supf_lrv(line, 40, 2, 0, CC_BREAK_TRIM, &test, &err), CC_OK);
  ck_assert_double_eq(test.statistic, 0.0);
  ck_assert(test.p_value > 0.99);
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

static cc_sts_type sts_type_of(const char *name) {
  if (strcmp(name, "level") == 0) return CC_STS_LEVEL;
  if (strcmp(name, "trend") == 0) return CC_STS_TREND;
  return CC_STS_BSM;
}

START_TEST(test_structts_matches_r) {
  cc_fixture *series = load_fixture("quality_series.csv"), *ref = load_fixture("quality_structts.csv");
  size_t r = 0, compared = 0;
  while (r < ref->n_rows) {
    const char *name = cc_fixture_text(ref, r, "case"), *type = cc_fixture_text(ref, r, "type");
    double y[MAX_VALUES];
    int period = 1;
    size_t n = load_case(series, name, y, &period);
    cc_sts *s = cc_sts_alloc(n, sts_type_of(type), period);
    ck_assert_ptr_nonnull(s);
    double var[CC_STS_VARS] = {cc_fixture_number(ref, r, "level_var"), cc_fixture_number(ref, r, "slope_var"),
                               cc_fixture_number(ref, r, "seas_var"), cc_fixture_number(ref, r, "eps_var")};
    double expected = cc_fixture_number(ref, r, "objective");
    cc_error err;
    ck_assert_int_eq(cc_sts_evaluate(y, n, var, s, &err), CC_OK);
    ck_assert_msg(cc_fixture_close(s->objective, expected, STRUCTTS_OBJECTIVE_TOLERANCE),
                  "%s %s: objective at R's variances %.10g, R %.10g", name, type, s->objective, expected);
    for (size_t t = 0; t < n; t++)
      ck_assert_msg(cc_fixture_close(s->smoothed[t], cc_fixture_number(ref, r + t, "smooth"), STRUCTTS_SMOOTH_TOLERANCE),
                    "%s %s t %zu: smoothed %.10g, R %.10g", name, type, t + 1, s->smoothed[t],
                    cc_fixture_number(ref, r + t, "smooth"));
    ck_assert_int_eq(cc_sts_fit(y, n, s, &err), CC_OK);
    ck_assert_msg(s->objective <= expected + STRUCTTS_FIT_SLACK * fabs(expected), "%s %s: our ML objective %.10g, R %.10g",
                  name, type, s->objective, expected);
    /* Imputed values from our own fit against R's (tsSmooth at StructTS's estimates). */
    for (size_t t = 0; t < n; t++) {
      if (!isnan(y[t])) continue;
      double theirs = cc_fixture_number(ref, r + t, "smooth");
      ck_assert_msg(cc_fixture_close(s->smoothed[t], theirs, STRUCTTS_IMPUTED_TOLERANCE), "%s %s t %zu: imputed %.10g, R %.10g",
                    name, type, t + 1, s->smoothed[t], theirs);
    }
    cc_sts_free(s);
    r += n;
    compared++;
  }
  ck_assert_uint_ge(compared, 9);
  ck_assert_ptr_null(cc_sts_alloc(10, CC_STS_BSM, 1));
  double two[2] = {1, NAN};
  cc_sts *s = cc_sts_alloc(2, CC_STS_TREND, 1);
  cc_error err;
  double var[CC_STS_VARS] = {1, 1, 1, 1};
  ck_assert_int_eq(cc_sts_evaluate(two, 2, var, s, &err), CC_EINPUT);
  cc_sts_free(s);
  double out[2];
  ck_assert_int_eq(cc_impute_kalman(two, 2, 1, out, &err), CC_EINPUT);
  cc_fixture_free(series);
  cc_fixture_free(ref);
}
END_TEST

int main(void) {
  Suite *s = suite_create("quality_reference");
  TCase *tc = tcase_create("quality_reference");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_stl_matches_r);
  tcase_add_test(tc, test_stl_errors);
  tcase_add_test(tc, test_supsmu_matches_r);
  tcase_add_test(tc, test_tsoutliers_matches_r);
  tcase_add_test(tc, test_na_interp_matches_r);
  tcase_add_test(tc, test_breaks_match_r);
  tcase_add_test(tc, test_robust_breaks_match_r);
  tcase_add_test(tc, test_structts_matches_r);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
