/* test_accuracy.c: the accuracy measures (src/eval/accuracy.c).
 *
 * Reference values come from R's forecast 8.20 through
 * tests/reference/accuracy_reference.R: for 39 forecasts of M3 series
 * (naive, snaive, rwf drift, meanf and ets, scored on the M3 hold-out,
 * one case with missing values in both parts), R's forecasts are scored
 * here and ME, RMSE, MAE and MASE compared with forecast::accuracy()
 * within 1e-9 relative (absolute below 1); the same tolerance for sMAPE,
 * coverage and pinball against the script's own implementation of their
 * definitions. Besides: sMAPE, pinball loss and the MASE scale against
 * small cases worked out by hand, coverage on a constructed case, the
 * treatment of missing actuals, the multi-origin sums against a slow
 * direct computation, the mean over series, and every error path. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/accuracy.h"
#include "carecast/forecast.h"
#include "fixture.h"
#include "testutil.h"

#define TOLERANCE 1e-9             /* relative, or absolute below 1 */
#define EXPECTED_REFERENCE_CASES 39 /* rows of accuracy_measures.csv: the comparison must not pass vacuously */
#define MAX_VALUES 256

static int close_enough(double got, double expected) { return cc_fixture_close(got, expected, TOLERANCE); }

#define ck_assert_close(got, expected, what, case_name)                                                              \
  ck_assert_msg(close_enough((got), (expected)), "%s %s: got %.17g, R %.17g", (case_name), (what), (double)(got), \
                (double)(expected))

/* The values of case_name's `split` part from accuracy_series.csv, in order; returns their count. */
static size_t series_part(const cc_fixture *series, const char *case_name, const char *split, double *values,
                          int *period) {
  size_t count = cc_fixture_series_part(series, case_name, split, values, MAX_VALUES, period);
  ck_assert_uint_le(count, MAX_VALUES);
  return count;
}

/* R's forecast of case/method as a cc_forecast with levels 80 and 95. */
static cc_forecast *reference_forecast(const cc_fixture *forecasts, const char *case_name, const char *method,
                                       size_t h) {
  static const double levels[] = {80, 95};
  cc_forecast *f = cc_forecast_alloc(h, 2, 0);
  ck_assert_ptr_nonnull(f);
  memcpy(f->levels, levels, sizeof levels);
  size_t found = 0;
  for (size_t r = 0; r < forecasts->n_rows; r++) {
    if (strcmp(cc_fixture_text(forecasts, r, "case"), case_name) != 0) continue;
    if (strcmp(cc_fixture_text(forecasts, r, "method"), method) != 0) continue;
    size_t i = (size_t)atoi(cc_fixture_text(forecasts, r, "h")) - 1;
    ck_assert_uint_lt(i, h);
    f->mean[i] = cc_fixture_number(forecasts, r, "mean");
    f->lower[i] = cc_fixture_number(forecasts, r, "lo80");
    f->upper[i] = cc_fixture_number(forecasts, r, "hi80");
    f->lower[h + i] = cc_fixture_number(forecasts, r, "lo95");
    f->upper[h + i] = cc_fixture_number(forecasts, r, "hi95");
    found++;
  }
  ck_assert_uint_eq(found, h);
  return f;
}

START_TEST(test_reference_accuracy) {
  cc_fixture *series = cc_fixture_load("accuracy_series.csv");
  cc_fixture *forecasts = cc_fixture_load("accuracy_forecasts.csv");
  cc_fixture *measures = cc_fixture_load("accuracy_measures.csv");
  ck_assert_msg(series && forecasts && measures, "accuracy fixtures missing: run tests/reference/accuracy_reference.R");
  size_t compared = 0, with_missing = 0;
  double train[MAX_VALUES], test[MAX_VALUES];
  for (size_t r = 0; r < measures->n_rows; r++) {
    const char *case_name = cc_fixture_text(measures, r, "case"), *method = cc_fixture_text(measures, r, "method");
    char label[128];
    snprintf(label, sizeof label, "%s %s", case_name, method);
    int period = 0, test_period = 0;
    size_t n_train = series_part(series, case_name, "train", train, &period);
    size_t h = series_part(series, case_name, "test", test, &test_period);
    ck_assert_msg(n_train > 0 && h > 0 && period == test_period, "%s: no series", label);
    cc_forecast *f = reference_forecast(forecasts, case_name, method, h);
    cc_accuracy acc;
    cc_error err;
    cc_error_clear(&err);
    ck_assert_int_eq(cc_accuracy_compute(train, n_train, period, test, h, f, &acc, &err), CC_OK);
    ck_assert_uint_eq(acc.n, (size_t)atoi(cc_fixture_text(measures, r, "n_test")));
    if (acc.n < h) with_missing++;
    ck_assert_close(acc.me, cc_fixture_number(measures, r, "ME"), "ME", label);
    ck_assert_close(acc.rmse, cc_fixture_number(measures, r, "RMSE"), "RMSE", label);
    ck_assert_close(acc.mae, cc_fixture_number(measures, r, "MAE"), "MAE", label);
    ck_assert_close(acc.mase, cc_fixture_number(measures, r, "MASE"), "MASE", label);
    ck_assert_close(cc_accuracy_mase_scale(train, n_train, period), cc_fixture_number(measures, r, "scale"), "scale",
                    label);
    ck_assert_close(acc.smape, cc_fixture_number(measures, r, "sMAPE"), "sMAPE", label);
    ck_assert_close(acc.coverage[0], cc_fixture_number(measures, r, "cov80"), "coverage 80", label);
    ck_assert_close(acc.coverage[1], cc_fixture_number(measures, r, "cov95"), "coverage 95", label);
    ck_assert_close(acc.pinball, cc_fixture_number(measures, r, "pinball"), "pinball", label);
    ck_assert_uint_eq(acc.n_series, 1);
    cc_forecast_free(f);
    compared++;
  }
  ck_assert_uint_eq(compared, EXPECTED_REFERENCE_CASES);
  ck_assert_uint_ge(with_missing, 4); /* the missing-values case was exercised for each of its methods */
  cc_fixture_free(series);
  cc_fixture_free(forecasts);
  cc_fixture_free(measures);
}
END_TEST

/* Score actual/mean/bounds (level-major) as one origin; returns the finished measures. */
static cc_accuracy score(const double *actual, const double *mean, const double *lower, const double *upper, size_t h,
                         const double *levels, size_t n_levels, double scale) {
  cc_accuracy_sums sums;
  ck_assert_int_eq(cc_accuracy_sums_init(&sums, levels, n_levels, NULL), CC_OK);
  cc_accuracy_sums_add(&sums, actual, mean, lower, upper, h, scale);
  cc_accuracy out;
  cc_accuracy_sums_finish(&sums, &out);
  return out;
}

START_TEST(test_smape_closed_form) {
  /* 200|e|/(|y|+|f|): 200*10/210, 0/0 -> 0, 200*10/90, 200*10/10, and a sign change 200*10/10. */
  const double actual[] = {100, 0, 50, 0, -5}, mean[] = {110, 0, 40, 10, 5};
  cc_accuracy acc = score(actual, mean, NULL, NULL, 5, NULL, 0, NAN);
  double expected = (200.0 / 21 + 0 + 200.0 / 9 + 200 + 200) / 5;
  ck_assert_uint_eq(acc.n, 5);
  ck_assert_double_eq_tol(acc.smape, expected, 1e-12);
  ck_assert_double_eq_tol(acc.me, (-10 + 0 + 10 - 10 - 10) / 5.0, 1e-12);
  ck_assert_double_eq_tol(acc.mae, 40 / 5.0, 1e-12);
  ck_assert_double_eq_tol(acc.rmse, sqrt(400 / 5.0), 1e-12);
  ck_assert(isnan(acc.mase)); /* no scale given */
  ck_assert(isnan(acc.pinball) && acc.n_levels == 0);
  /* A perfect forecast of zeros is 0, not NaN. */
  const double zeros[] = {0, 0, 0};
  acc = score(zeros, zeros, NULL, NULL, 3, NULL, 0, 1);
  ck_assert_double_eq(acc.smape, 0);
  ck_assert_double_eq(acc.mase, 0);
}
END_TEST

START_TEST(test_pinball_closed_form) {
  ck_assert_double_eq_tol(cc_accuracy_pinball(10, 8, 0.1), 0.2, 1e-15);
  ck_assert_double_eq_tol(cc_accuracy_pinball(10, 12, 0.9), 0.2, 1e-15);
  ck_assert_double_eq_tol(cc_accuracy_pinball(20, 22, 0.1), 1.8, 1e-15);
  ck_assert_double_eq(cc_accuracy_pinball(5, 5, 0.3), 0);
  /* Level 80 (q = 0.1, 0.9) and 50 (q = 0.25, 0.75) on three points:
   *   80: y=10 [8,12] 0.2+0.2; y=20 [22,28] 0.9*2+0.1*8; y=30 [25,29] 0.1*5+0.9*1  -> 4.4
   *   50: y=10 [9,11] 0.25+0.25; y=20 [21,23] 0.75+0.75; y=30 [27,28] 0.75+1.5    -> 4.25
   * mean over 3 points x 4 bounds = 8.65 / 12. */
  const double levels[] = {80, 50};
  const double actual[] = {10, 20, 30}, mean[] = {10, 25, 27};
  const double lower[] = {8, 22, 25, 9, 21, 27}, upper[] = {12, 28, 29, 11, 23, 28};
  cc_accuracy acc = score(actual, mean, lower, upper, 3, levels, 2, NAN);
  ck_assert_double_eq_tol(acc.pinball, 8.65 / 12, 1e-12);
  ck_assert_double_eq_tol(acc.coverage[0], 1.0 / 3, 1e-15);
  ck_assert_double_eq_tol(acc.coverage[1], 1.0 / 3, 1e-15);
  ck_assert_double_eq(acc.levels[0], 80);
  ck_assert_double_eq(acc.levels[1], 50);
}
END_TEST

START_TEST(test_coverage_constructed) {
  /* 100 points y_i = i. Level 80: [i-1, i+1] except every fourth point,
   * whose interval [i+1, i+2] misses it -> 0.75. Level 95: [i, i] for all,
   * the bounds themselves count as inside -> 1. Level 50: every other
   * point's bounds missing (NaN) and the rest [i+1, i+1] -> 0 over 50. */
  enum { N = 100 };
  static double actual[N], mean[N], lower[3 * N], upper[3 * N];
  const double levels[] = {80, 95, 50};
  for (int i = 0; i < N; i++) {
    actual[i] = mean[i] = i;
    int miss = i % 4 == 0;
    lower[i] = miss ? i + 1 : i - 1;
    upper[i] = miss ? i + 2 : i + 1;
    lower[N + i] = upper[N + i] = i;
    lower[2 * N + i] = i % 2 ? NAN : i + 1;
    upper[2 * N + i] = i + 1;
  }
  cc_accuracy_sums sums;
  ck_assert_int_eq(cc_accuracy_sums_init(&sums, levels, 3, NULL), CC_OK);
  cc_accuracy_sums_add(&sums, actual, mean, lower, upper, N, 1);
  ck_assert_uint_eq(sums.n_interval[0], N);
  ck_assert_uint_eq(sums.n_interval[2], N / 2);
  cc_accuracy acc;
  cc_accuracy_sums_finish(&sums, &acc);
  ck_assert_double_eq(acc.coverage[0], 0.75);
  ck_assert_double_eq(acc.coverage[1], 1);
  ck_assert_double_eq(acc.coverage[2], 0);
  ck_assert_double_eq(acc.mae, 0);
}
END_TEST

START_TEST(test_mase_scale) {
  /* Pairs with a missing value are skipped: lag 1 -> |3-1|, |8-4| -> 3; lag 2 -> |4-3| -> 1. */
  const double x[] = {1, 3, NAN, 4, 8};
  ck_assert_double_eq(cc_accuracy_mase_scale(x, 5, 1), 3);
  ck_assert_double_eq(cc_accuracy_mase_scale(x, 5, 0), 3); /* period 0 or 1: naive */
  ck_assert_double_eq(cc_accuracy_mase_scale(x, 5, 2), 1);
  ck_assert(isnan(cc_accuracy_mase_scale(x, 5, 5)));       /* no pair a period apart */
  ck_assert(isnan(cc_accuracy_mase_scale(x, 1, 1)));
  /* A constant training series: scale 0, so MASE is NaN while the rest is scored. */
  const double flat[] = {4, 4, 4, 4}, actual[] = {5, 3}, mean[] = {4, 4};
  double scale = cc_accuracy_mase_scale(flat, 4, 1);
  ck_assert_double_eq(scale, 0);
  cc_accuracy acc = score(actual, mean, NULL, NULL, 2, NULL, 0, scale);
  ck_assert(isnan(acc.mase));
  ck_assert_double_eq(acc.mae, 1);
  /* MASE = MAE / scale for one origin. */
  acc = score(actual, mean, NULL, NULL, 2, NULL, 0, 0.5);
  ck_assert_double_eq(acc.mase, 2);
}
END_TEST

START_TEST(test_missing_actuals_skipped) {
  /* Missing actuals (and a missing forecast) sit next to forecasts that
   * would dominate every measure if they were used; the result must equal
   * scoring the complete points alone. */
  const double levels[] = {80};
  const double actual[] = {10, NAN, 12, NAN, 15, 11}, mean[] = {11, 1e9, 12.5, -1e9, NAN, 10};
  const double lower[] = {9, 1e9, 13, -1e9, 0, 9}, upper[] = {12, 1e9, 14, -1e9, 30, 10.5};
  const double actual_ok[] = {10, 12, 11}, mean_ok[] = {11, 12.5, 10};
  const double lower_ok[] = {9, 13, 9}, upper_ok[] = {12, 14, 10.5};
  cc_accuracy with = score(actual, mean, lower, upper, 6, levels, 1, 2);
  cc_accuracy without = score(actual_ok, mean_ok, lower_ok, upper_ok, 3, levels, 1, 2);
  ck_assert_uint_eq(with.n, 3);
  ck_assert_double_eq(with.me, without.me);
  ck_assert_double_eq(with.mae, without.mae);
  ck_assert_double_eq(with.rmse, without.rmse);
  ck_assert_double_eq(with.mase, without.mase);
  ck_assert_double_eq(with.smape, without.smape);
  ck_assert_double_eq(with.coverage[0], without.coverage[0]);
  ck_assert_double_eq(with.pinball, without.pinball);
  ck_assert_double_eq_tol(with.mae, (1 + 0.5 + 1) / 3.0, 1e-15);
  ck_assert_double_eq_tol(with.coverage[0], 1.0 / 3, 1e-15);
  /* Nothing present: every measure NaN, nothing counted. */
  const double none[] = {NAN, NAN};
  cc_accuracy empty = score(none, mean, lower, upper, 2, levels, 1, 2);
  ck_assert_uint_eq(empty.n, 0);
  ck_assert_uint_eq(empty.n_series, 0);
  ck_assert(isnan(empty.me) && isnan(empty.mae) && isnan(empty.rmse) && isnan(empty.mase) && isnan(empty.smape) &&
            isnan(empty.coverage[0]) && isnan(empty.pinball));
}
END_TEST

/* A small deterministic pseudo-random number in [0, 1). */
static double uniform(unsigned *state) {
  *state = *state * 1103515245u + 12345u;
  return (double)((*state >> 8) & 0xFFFFu) / 65536.0;
}

START_TEST(test_sums_against_direct) {
  /* Five origins of seven steps with their own scales, and missing values,
   * against the obvious computation over all points at once. */
  enum { ORIGINS = 5, H = 7, L = 2 };
  const double levels[L] = {80, 95};
  double actual[ORIGINS][H], mean[ORIGINS][H], lower[ORIGINS][L * H], upper[ORIGINS][L * H], scale[ORIGINS];
  unsigned state = 12345;
  cc_accuracy_sums sums;
  ck_assert_int_eq(cc_accuracy_sums_init(&sums, levels, L, NULL), CC_OK);
  for (int k = 0; k < ORIGINS; k++) {
    scale[k] = 0.5 + uniform(&state);
    for (int i = 0; i < H; i++) {
      actual[k][i] = uniform(&state) < 0.15 ? NAN : 100 * uniform(&state);
      mean[k][i] = 100 * uniform(&state);
      for (int l = 0; l < L; l++) {
        double half = (l + 1) * 30 * uniform(&state);
        lower[k][l * H + i] = mean[k][i] - half;
        upper[k][l * H + i] = mean[k][i] + half;
      }
    }
    cc_accuracy_sums_add(&sums, actual[k], mean[k], lower[k], upper[k], H, scale[k]);
  }
  cc_accuracy acc;
  cc_accuracy_sums_finish(&sums, &acc);

  double se = 0, sa = 0, ss = 0, sm = 0, sscaled = 0, spin = 0, inside[L] = {0};
  size_t n = 0;
  for (int k = 0; k < ORIGINS; k++)
    for (int i = 0; i < H; i++) {
      double y = actual[k][i], f = mean[k][i];
      if (isnan(y)) continue;
      n++;
      se += y - f;
      sa += fabs(y - f);
      ss += (y - f) * (y - f);
      sm += 200 * fabs(y - f) / (fabs(y) + fabs(f));
      sscaled += fabs(y - f) / scale[k];
      for (int l = 0; l < L; l++) {
        double q = (1 - levels[l] / 100) / 2, lo = lower[k][l * H + i], hi = upper[k][l * H + i];
        spin += (y >= lo ? q * (y - lo) : (1 - q) * (lo - y)) + (y >= hi ? (1 - q) * (y - hi) : q * (hi - y));
        inside[l] += y >= lo && y <= hi;
      }
    }
  ck_assert_uint_gt(n, 20);
  ck_assert_uint_lt(n, ORIGINS * H); /* some actuals were missing */
  ck_assert_uint_eq(acc.n, n);
  ck_assert_double_eq_tol(acc.me, se / n, 1e-12);
  ck_assert_double_eq_tol(acc.mae, sa / n, 1e-12);
  ck_assert_double_eq_tol(acc.rmse, sqrt(ss / n), 1e-12);
  ck_assert_double_eq_tol(acc.smape, sm / n, 1e-12);
  ck_assert_double_eq_tol(acc.mase, sscaled / n, 1e-12);
  ck_assert_double_eq_tol(acc.pinball, spin / (n * 2 * L), 1e-12);
  for (int l = 0; l < L; l++) ck_assert_double_eq_tol(acc.coverage[l], inside[l] / n, 1e-15);
}
END_TEST

START_TEST(test_total_is_mean_over_series) {
  /* Series A: 1 point, |e| = 4, scale 1 -> MASE 4. Series B: 3 points, |e| = 1, scale 1 -> MASE 1.
   * Mean over series: 2.5 (pooled over points it would be 1.75). Series C has
   * no scale (MASE NaN) and is left out of the MASE mean only. */
  const double levels[] = {90};
  const double ya[] = {10}, fa[] = {6}, la[] = {5}, ua[] = {7};
  const double yb[] = {1, 2, 3}, fb[] = {2, 3, 4}, lb[] = {0, 1, 2}, ub[] = {5, 5, 5};
  const double yc[] = {7, 9}, fc[] = {7, 7}, lc[] = {6, 6}, uc[] = {8, 8};
  cc_accuracy a = score(ya, fa, la, ua, 1, levels, 1, 1);
  cc_accuracy b = score(yb, fb, lb, ub, 3, levels, 1, 1);
  cc_accuracy c = score(yc, fc, lc, uc, 2, levels, 1, NAN);
  cc_accuracy_total total;
  ck_assert_int_eq(cc_accuracy_total_init(&total, levels, 1, NULL), CC_OK);
  ck_assert_int_eq(cc_accuracy_total_add(&total, &a, NULL), CC_OK);
  ck_assert_int_eq(cc_accuracy_total_add(&total, &b, NULL), CC_OK);
  ck_assert_int_eq(cc_accuracy_total_add(&total, &c, NULL), CC_OK);
  cc_accuracy all;
  cc_accuracy_total_finish(&total, &all);
  ck_assert_uint_eq(all.n_series, 3);
  ck_assert_uint_eq(all.n, 6);
  ck_assert_double_eq_tol(all.mase, 2.5, 1e-15);
  ck_assert_double_eq_tol(all.mae, (4 + 1 + 1) / 3.0, 1e-15);
  ck_assert_double_eq_tol(all.coverage[0], (0 + 1 + 0.5) / 3, 1e-15);
  ck_assert_double_eq_tol(all.smape, (a.smape + b.smape + c.smape) / 3, 1e-12);
  /* Levels must match. */
  const double other[] = {80};
  cc_accuracy d = score(ya, fa, la, ua, 1, other, 1, 1);
  cc_error err;
  cc_error_clear(&err);
  ck_assert_int_eq(cc_accuracy_total_add(&total, &d, &err), CC_EUSAGE);
  ck_assert_str_eq(err.field, "level");
  ck_assert_uint_eq(total.n_series, 3);
  /* An empty total is NaN throughout. */
  ck_assert_int_eq(cc_accuracy_total_init(&total, levels, 1, NULL), CC_OK);
  cc_accuracy_total_finish(&total, &all);
  ck_assert(all.n_series == 0 && isnan(all.mase) && isnan(all.coverage[0]));
}
END_TEST

START_TEST(test_errors) {
  cc_accuracy_sums sums;
  cc_accuracy_total total;
  cc_error err;
  const double bad_levels[][1] = {{0}, {100}, {-5}, {NAN}};
  for (size_t i = 0; i < sizeof bad_levels / sizeof *bad_levels; i++) {
    cc_error_clear(&err);
    ck_assert_int_eq(cc_accuracy_sums_init(&sums, bad_levels[i], 1, &err), CC_EUSAGE);
    ck_assert_str_eq(err.field, "level");
    ck_assert_int_eq(cc_accuracy_total_init(&total, bad_levels[i], 1, NULL), CC_EUSAGE);
  }
  double many[CC_ACCURACY_LEVELS_MAX + 1];
  for (size_t l = 0; l <= CC_ACCURACY_LEVELS_MAX; l++) many[l] = 50 + (double)l;
  cc_error_clear(&err);
  ck_assert_int_eq(cc_accuracy_sums_init(&sums, many, CC_ACCURACY_LEVELS_MAX + 1, &err), CC_EUSAGE);
  ck_assert_ptr_nonnull(strstr(err.message, "at most"));
  ck_assert_int_eq(cc_accuracy_sums_init(&sums, many, CC_ACCURACY_LEVELS_MAX, NULL), CC_OK);

  /* A forecast shorter than the actuals. */
  const double levels[] = {80}, train[] = {1, 2, 3}, actual[] = {4, 5, 6};
  cc_forecast *f = cc_forecast_alloc(2, 1, 0);
  ck_assert_ptr_nonnull(f);
  memcpy(f->levels, levels, sizeof levels);
  cc_accuracy acc;
  cc_error_clear(&err);
  ck_assert_int_eq(cc_accuracy_compute(train, 3, 1, actual, 3, f, &acc, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "horizon");
  /* A longer forecast scores its first h steps, bounds at the right stride. */
  f->mean[0] = 4;
  f->mean[1] = 7;
  f->lower[0] = 3;
  f->upper[0] = 5;
  f->lower[1] = 100;
  f->upper[1] = 200;
  ck_assert_int_eq(cc_accuracy_compute(train, 3, 1, actual, 1, f, &acc, NULL), CC_OK);
  ck_assert_uint_eq(acc.n, 1);
  ck_assert_double_eq(acc.mae, 0);
  ck_assert_double_eq(acc.coverage[0], 1);
  cc_forecast_free(f);
}
END_TEST

static Suite *accuracy_suite(void) {
  Suite *suite = suite_create("accuracy");
  TCase *reference = tcase_create("reference");
  tcase_add_test(reference, test_reference_accuracy);
  suite_add_tcase(suite, reference);
  TCase *exact = tcase_create("exact");
  tcase_add_test(exact, test_smape_closed_form);
  tcase_add_test(exact, test_pinball_closed_form);
  tcase_add_test(exact, test_coverage_constructed);
  tcase_add_test(exact, test_mase_scale);
  tcase_add_test(exact, test_missing_actuals_skipped);
  tcase_add_test(exact, test_sums_against_direct);
  tcase_add_test(exact, test_total_is_mean_over_series);
  suite_add_tcase(suite, exact);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_errors);
  suite_add_tcase(suite, errors);
  return suite;
}

int main(void) {
  return cc_test_run_suite(accuracy_suite());
}
