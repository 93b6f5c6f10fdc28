/* test_intermittent.c: the intermittent-demand families croston, sba and tsb,
 * and the demand classification (intermittent.h).
 *
 * Reference values: forecast::croston() in R forecast 8.20, through
 * tests/reference/intermittent_reference.R (18 simulated series, fixtures
 * intermittent_series.csv, intermittent_croston.csv, intermittent_fitted.csv).
 * Point forecasts and fitted values within 1e-9 relative (absolute below 1).
 * SBA against the closed form R's Croston x (1 - alpha / 2), same tolerance.
 * TSB and the classification against small examples worked by hand below.
 * Besides: missing values (a NaN gives exactly the result of the series with
 * that period deleted), every error path, the all-zero series, estimation
 * against a grid search, and the simulated paths (non-negative integers,
 * mean equal by design to the point forecast, reproducible by seed). */
#include <check.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/forecast.h"
#include "carecast/intermittent.h"
#include "carecast/model.h"
#include "carecast/models.h"
#include "fixture.h"
#include "testutil.h"

#define REFERENCE_TOLERANCE 1e-9 /* relative, against R and closed forms */
#define HAND_TOLERANCE 1e-12     /* hand-worked examples */
#define MIN_REFERENCE_CASES 12   /* the comparison must not pass vacuously */
#define MAX_VALUES 256
#define N_SIM_PATHS 20000
#define SIM_MEAN_TOLERANCE 0.02  /* simulated mean within 2% of the point forecast */
#define SIM_HORIZON 12

static const char *const family_names[] = {"croston", "sba", "tsb"};
#define N_FAMILIES (sizeof family_names / sizeof *family_names)

/* Fit family to y with variant (NULL for defaults); fails the test on error. */
static cc_model *fit_or_fail(const char *family, const double *y, size_t n, const char *variant) {
  const cc_model_type *type = cc_model_type_find(family);
  ck_assert_msg(type != NULL, "model %s not in the registry", family);
  cc_model *m = NULL;
  cc_error err;
  cc_error_clear(&err);
  cc_status status = type->fit(y, n, variant, NULL, &m, &err);
  ck_assert_msg(status == CC_OK, "%s fit failed: %s", family, err.message);
  ck_assert_ptr_nonnull(m);
  return m;
}

/* The point forecast h steps ahead (the family's forecast(), no simulation). */
static void point_forecast(const cc_model *m, size_t h, double *mean) {
  double variance[MAX_VALUES];
  int analytic = -1;
  cc_error err;
  ck_assert_int_eq(m->type->forecast(m, h, mean, variance, &analytic, &err), CC_OK);
  ck_assert_int_eq(analytic, 0);
}

/* Fit and forecast one step: the flat point forecast. */
static double fit_forecast(const char *family, const double *y, size_t n, const char *variant) {
  cc_model *m = fit_or_fail(family, y, n, variant);
  double mean[1];
  point_forecast(m, 1, mean);
  cc_model_free(m);
  return mean[0];
}

/* The values of the fixture case starting at row *row into y, with its alpha; advances *row. */
static size_t read_case(const cc_fixture *series, size_t *row, char *name, size_t name_len, double *alpha, double *y) {
  snprintf(name, name_len, "%s", cc_fixture_text(series, *row, "case"));
  *alpha = cc_fixture_number(series, *row, "alpha");
  size_t n = 0;
  while (*row < series->n_rows && strcmp(cc_fixture_text(series, *row, "case"), name) == 0) {
    ck_assert_uint_lt(n, MAX_VALUES);
    ck_assert_int_eq((int)cc_fixture_number(series, *row, "t"), (int)n + 1);
    y[n++] = cc_fixture_number(series, (*row)++, "value");
  }
  return n;
}

/* The `column` of the rows of `f` whose case is name, in order. */
static size_t case_column(const cc_fixture *f, const char *name, const char *column, double *values) {
  size_t count = 0;
  for (size_t r = 0; r < f->n_rows; r++)
    if (strcmp(cc_fixture_text(f, r, "case"), name) == 0) {
      ck_assert_uint_lt(count, MAX_VALUES);
      values[count++] = cc_fixture_number(f, r, column);
    }
  return count;
}

START_TEST(test_croston_sba_against_r) {
  cc_fixture *series = cc_fixture_load("intermittent_series.csv");
  cc_fixture *forecasts = cc_fixture_load("intermittent_croston.csv");
  cc_fixture *fits = cc_fixture_load("intermittent_fitted.csv");
  ck_assert_msg(series && forecasts && fits, "intermittent fixtures missing: run tests/reference/intermittent_reference.R");
  size_t compared = 0, row = 0;
  double worst = 0;
  while (row < series->n_rows) {
    char name[64], variant[64];
    double alpha, y[MAX_VALUES], expected[MAX_VALUES], expected_fit[MAX_VALUES];
    size_t n = read_case(series, &row, name, sizeof name, &alpha, y);
    snprintf(variant, sizeof variant, "alpha=%.17g", alpha);
    size_t h = case_column(forecasts, name, "mean", expected);
    ck_assert_uint_eq(case_column(fits, name, "fitted", expected_fit), n);
    ck_assert_uint_gt(h, 0);

    /* The default alpha is R's default 0.1: fit those cases without a variant. */
    cc_model *croston = fit_or_fail("croston", y, n, alpha == 0.1 ? NULL : variant);
    cc_model *sba = fit_or_fail("sba", y, n, alpha == 0.1 ? NULL : variant);
    ck_assert(cc_model_param(croston, "alpha") == alpha);
    double mean[MAX_VALUES], sba_mean[MAX_VALUES];
    point_forecast(croston, h, mean);
    point_forecast(sba, h, sba_mean);
    for (size_t i = 0; i < h; i++) {
      double relative = fabs(mean[i] - expected[i]) / (fabs(expected[i]) > 1 ? fabs(expected[i]) : 1);
      if (relative > worst) worst = relative;
      ck_assert_msg(cc_fixture_close(mean[i], expected[i], REFERENCE_TOLERANCE), "%s h=%zu: croston %.17g, R %.17g",
                    name, i + 1, mean[i], expected[i]);
      double sba_expected = expected[i] * (1 - alpha / 2);
      ck_assert_msg(cc_fixture_close(sba_mean[i], sba_expected, REFERENCE_TOLERANCE), "%s h=%zu: sba %.17g, want %.17g",
                    name, i + 1, sba_mean[i], sba_expected);
    }
    /* R's first fitted value is NA (0 for the all-zero series); ours is NaN: compare from t = 2. */
    ck_assert(isnan(croston->fitted[0]));
    for (size_t t = 1; t < n; t++)
      ck_assert_msg(cc_fixture_close(croston->fitted[t], expected_fit[t], REFERENCE_TOLERANCE),
                    "%s fitted t=%zu: %.17g, R %.17g", name, t + 1, croston->fitted[t], expected_fit[t]);
    ck_assert(isnan(croston->loglik) && isnan(croston->aic));
    cc_model_free(croston);
    cc_model_free(sba);
    compared++;
  }
  ck_assert_uint_ge(compared, MIN_REFERENCE_CASES);
  printf("intermittent: croston and sba on %zu R cases, worst relative difference %.3g\n", compared, worst);
  cc_fixture_free(series);
  cc_fixture_free(forecasts);
  cc_fixture_free(fits);
}
END_TEST

/* The six-period series 0 3 0 0 5 0 worked by hand.
 *
 * TSB with alpha = 0.3 (size) and beta = 0.2 (probability):
 *   t=1  y=0  no demand yet (fitted: NaN, nothing observed before)
 *   t=2  y=3  first demand, interval 2: z = 3, p = 1/2           (fitted 0: no demand seen yet)
 *   t=3  y=0  p = 0.8 * 0.5 = 0.4                                 (fitted 0.5 * 3 = 1.5)
 *   t=4  y=0  p = 0.8 * 0.4 = 0.32                                (fitted 0.4 * 3 = 1.2)
 *   t=5  y=5  p = 0.2 + 0.8 * 0.32 = 0.456, z = 0.3*5 + 0.7*3 = 3.6   (fitted 0.32 * 3 = 0.96)
 *   t=6  y=0  p = 0.8 * 0.456 = 0.3648                            (fitted 0.456 * 3.6 = 1.6416)
 *   forecast p z = 0.3648 * 3.6 = 1.31328.
 * With the defaults alpha = beta = 0.1: p = 0.5, 0.45, 0.405, 0.4645, 0.41805
 * and z = 3, then 3.2 at t=5: forecast 0.41805 * 3.2 = 1.33776.
 * Croston, alpha = 0.1: sizes 3, 5 and intervals 2, 3: z = 0.1*5 + 0.9*3 =
 * 3.2, q = 0.1*3 + 0.9*2 = 2.1: forecast 3.2 / 2.1; SBA 0.95 * 3.2 / 2.1. */
START_TEST(test_hand_examples) {
  const double y[] = {0, 3, 0, 0, 5, 0};
  cc_model *m = fit_or_fail("tsb", y, 6, "alpha=0.3,beta=0.2");
  double mean[3];
  point_forecast(m, 3, mean);
  for (int i = 0; i < 3; i++) ck_assert(cc_fixture_close(mean[i], 1.31328, HAND_TOLERANCE));
  const double fitted[] = {NAN, 0, 1.5, 1.2, 0.96, 1.6416};
  for (int t = 0; t < 6; t++)
    ck_assert_msg(cc_fixture_close(m->fitted[t], fitted[t], HAND_TOLERANCE), "tsb fitted t=%d: %.17g", t + 1,
                  m->fitted[t]);
  ck_assert(cc_model_param(m, "beta") == 0.2);
  ck_assert(cc_fixture_close(cc_model_param(m, "size_var"), 2, HAND_TOLERANCE)); /* sizes 3 and 5 */
  cc_model_free(m);
  ck_assert(cc_fixture_close(fit_forecast("tsb", y, 6, NULL), 1.33776, HAND_TOLERANCE));
  ck_assert(cc_fixture_close(fit_forecast("croston", y, 6, NULL), 3.2 / 2.1, HAND_TOLERANCE));
  ck_assert(cc_fixture_close(fit_forecast("sba", y, 6, NULL), 0.95 * 3.2 / 2.1, HAND_TOLERANCE));
  ck_assert(cc_fixture_close(fit_forecast("sba", y, 6, "alpha=0.5"), 0.75 * 4 / 2.5, HAND_TOLERANCE));
  /* A single demand: Croston and TSB forecast size / interval (R: y / tt). */
  const double one[] = {0, 0, 0, 4, 0};
  ck_assert(cc_fixture_close(fit_forecast("croston", one, 5, NULL), 1, HAND_TOLERANCE));
  ck_assert(cc_fixture_close(fit_forecast("tsb", one, 5, "beta=0"), 1, HAND_TOLERANCE));
}
END_TEST

START_TEST(test_classification) {
  double adi, cv2;
  const double smooth[] = {3, 4, 3, 5, 4, 4};
  ck_assert_int_eq(cc_demand_classify(smooth, 6, &adi, &cv2), CC_DEMAND_SMOOTH);
  ck_assert(cc_fixture_close(adi, 1, HAND_TOLERANCE));
  /* mean 23/6, sum of squares 17/6, s^2 = 17/30, CV2 = (17/30) / (529/36) = 102/2645 */
  ck_assert(cc_fixture_close(cv2, 102.0 / 2645, HAND_TOLERANCE));

  const double erratic[] = {1, 10, 2, 12, 1, 9};
  ck_assert_int_eq(cc_demand_classify(erratic, 6, &adi, &cv2), CC_DEMAND_ERRATIC);
  /* mean 35/6, sum of squares 761/6, s^2 = 761/30, CV2 = (761/30) / (1225/36) = 4566/6125 */
  ck_assert(cc_fixture_close(cv2, 4566.0 / 6125, HAND_TOLERANCE));

  const double intermittent[] = {0, 2, 0, 0, 3, 0, 2, 0};
  ck_assert_int_eq(cc_demand_classify(intermittent, 8, &adi, &cv2), CC_DEMAND_INTERMITTENT);
  ck_assert(cc_fixture_close(adi, 7.0 / 3, HAND_TOLERANCE)); /* demands at 2, 5, 7: intervals 2, 3, 2 */
  ck_assert(cc_fixture_close(cv2, 3.0 / 49, HAND_TOLERANCE)); /* s^2 = 1/3, mean^2 = 49/9 */
  ck_assert_int_eq(cc_demand_is_intermittent(intermittent, 8), 1);

  const double lumpy[] = {0, 0, 1, 0, 0, 12, 0, 0, 2, 0};
  ck_assert_int_eq(cc_demand_classify(lumpy, 10, &adi, &cv2), CC_DEMAND_LUMPY);
  ck_assert(cc_fixture_close(adi, 3, HAND_TOLERANCE));
  ck_assert(cc_fixture_close(cv2, 37.0 / 25, HAND_TOLERANCE)); /* mean 5, s^2 = (16 + 49 + 9) / 2 */
  ck_assert_int_eq(cc_demand_is_intermittent(lumpy, 10), 1);
  ck_assert_int_eq(cc_demand_is_intermittent(smooth, 6), 0);
  ck_assert_int_eq(cc_demand_is_intermittent(erratic, 6), 0);

  /* Cut-offs: a value exactly at one is on the smooth side. */
  double above_adi = nextafter(CC_INTERMITTENT_ADI_CUTOFF, 2), above_cv2 = nextafter(CC_INTERMITTENT_CV2_CUTOFF, 1);
  ck_assert_int_eq(cc_demand_class_of(1.32, 0.49), CC_DEMAND_SMOOTH);
  ck_assert_int_eq(cc_demand_class_of(above_adi, 0.49), CC_DEMAND_INTERMITTENT);
  ck_assert_int_eq(cc_demand_class_of(1.32, above_cv2), CC_DEMAND_ERRATIC);
  ck_assert_int_eq(cc_demand_class_of(above_adi, above_cv2), CC_DEMAND_LUMPY);
  ck_assert_int_eq(cc_demand_class_of(NAN, NAN), CC_DEMAND_NONE);
  ck_assert_int_eq(cc_demand_class_of(2, NAN), CC_DEMAND_INTERMITTENT);

  /* A series with ADI exactly 1.32: 25 ones over 33 periods, zeros at 2, 6, ..., 30. */
  double boundary[34];
  boundary[0] = 0;
  for (int t = 0; t < 33; t++) boundary[t + 1] = (t + 1) % 4 == 2 && t + 1 <= 30 ? 0 : 1;
  ck_assert_int_eq(cc_demand_classify(boundary + 1, 33, &adi, &cv2), CC_DEMAND_SMOOTH);
  ck_assert(adi == 1.32 && cv2 == 0);
  ck_assert_int_eq(cc_demand_is_intermittent(boundary + 1, 33), 0);
  /* One more leading zero: 34 / 25 = 1.36. */
  ck_assert_int_eq(cc_demand_classify(boundary, 34, &adi, NULL), CC_DEMAND_INTERMITTENT);
  ck_assert(cc_fixture_close(adi, 1.36, HAND_TOLERANCE));
  ck_assert_int_eq(cc_demand_is_intermittent(boundary, 34), 1);

  /* Missing values are dropped; trailing zeros are no interval yet; one demand has no CV2. */
  const double with_missing[] = {0, NAN, 2, 0, 3, 0, 0};
  ck_assert_int_eq(cc_demand_classify(with_missing, 7, &adi, &cv2), CC_DEMAND_INTERMITTENT);
  ck_assert(cc_fixture_close(adi, 2, HAND_TOLERANCE));
  ck_assert(cc_fixture_close(cv2, 0.5 / 6.25, HAND_TOLERANCE));
  const double single[] = {0, 0, 5};
  ck_assert_int_eq(cc_demand_classify(single, 3, &adi, &cv2), CC_DEMAND_INTERMITTENT);
  ck_assert(adi == 3 && isnan(cv2));

  const double zeros[] = {0, 0, NAN, 0};
  ck_assert_int_eq(cc_demand_classify(zeros, 4, &adi, &cv2), CC_DEMAND_NONE);
  ck_assert(isnan(adi) && isnan(cv2));
  ck_assert_int_eq(cc_demand_is_intermittent(zeros, 4), 0);
  const double negative[] = {0, 2, -1, 3};
  ck_assert_int_eq(cc_demand_classify(negative, 4, &adi, &cv2), CC_DEMAND_INVALID);
  ck_assert(isnan(adi) && isnan(cv2));
  ck_assert_int_eq(cc_demand_is_intermittent(negative, 4), 0);
  ck_assert_int_eq(cc_demand_classify(NULL, 0, NULL, NULL), CC_DEMAND_NONE);
  ck_assert_str_eq(cc_demand_class_name(CC_DEMAND_LUMPY), "lumpy");
  ck_assert_str_eq(cc_demand_class_name(CC_DEMAND_SMOOTH), "smooth");
}
END_TEST

/* A NaN is treated as if the period did not exist: the fit of a series with
 * NaN equals, exactly, the fit of the series with those periods deleted (and
 * differs from putting a zero there, which lengthens the interval). */
START_TEST(test_missing_values_dropped) {
  const double y[] = {0, 0, 4, 0, 1, 0, 0, 0, 2, 3, 0, 0, 1, 0, 5, 0, 0, 0, 2, 0};
  const size_t n = sizeof y / sizeof *y, missing[] = {0, 4, 6, 11, 19};
  double with_nan[sizeof y / sizeof *y], deleted[sizeof y / sizeof *y], zeroed[sizeof y / sizeof *y];
  size_t kept = 0;
  for (size_t t = 0, k = 0; t < n; t++) {
    int is_missing = k < sizeof missing / sizeof *missing && missing[k] == t;
    with_nan[t] = is_missing ? NAN : y[t];
    zeroed[t] = is_missing ? 0 : y[t];
    if (is_missing) k++;
    else deleted[kept++] = y[t];
  }
  for (size_t f = 0; f < N_FAMILIES; f++) {
    cc_model *a = fit_or_fail(family_names[f], with_nan, n, NULL);
    cc_model *b = fit_or_fail(family_names[f], deleted, kept, NULL);
    double mean_a[4], mean_b[4];
    point_forecast(a, 4, mean_a);
    point_forecast(b, 4, mean_b);
    for (int i = 0; i < 4; i++) ck_assert_msg(mean_a[i] == mean_b[i], "%s: %.17g vs %.17g", family_names[f], mean_a[i], mean_b[i]);
    for (size_t t = 0, j = 0; t < n; t++) {
      if (isnan(with_nan[t])) {
        ck_assert(isnan(a->fitted[t]) && isnan(a->residuals[t]));
        continue;
      }
      ck_assert(cc_fixture_close(a->fitted[t], b->fitted[j], 0));
      j++;
    }
    ck_assert_uint_eq(a->nobs, kept);
    ck_assert_uint_eq(a->n, n);
    if (f != 2) ck_assert(fit_forecast(family_names[f], zeroed, n, NULL) != mean_a[0]);
    cc_model_free(a);
    cc_model_free(b);
  }
}
END_TEST

START_TEST(test_errors) {
  cc_error err;
  for (size_t f = 0; f < N_FAMILIES; f++) {
    const cc_model_type *type = cc_model_type_find(family_names[f]);
    cc_model *m = (cc_model *)1;
    const double negative[] = {0, 2, -1, 0};
    ck_assert_int_eq(type->fit(negative, 4, NULL, NULL, &m, &err), CC_EINPUT);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(err.message, "negative") != NULL, "%s", err.message);
    const double infinite[] = {0, INFINITY, 1};
    ck_assert_int_eq(type->fit(infinite, 3, NULL, NULL, &m, &err), CC_EINPUT);
    const double all_missing[] = {NAN, NAN};
    ck_assert_int_eq(type->fit(all_missing, 2, NULL, NULL, &m, &err), CC_EINPUT);
    ck_assert_int_eq(type->fit(negative, 0, NULL, NULL, &m, &err), CC_EINPUT);
    const double ok[] = {0, 2, 0, 1};
    const char *bad[] = {"alpha=1.5", "alpha=", "alpha=0.1x", "alpha=-0.1", "gamma=0.2", "opt", "alpha=nan"};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
      ck_assert_msg(type->fit(ok, 4, bad[b], NULL, &m, &err) == CC_EUSAGE, "%s accepted \"%s\"", family_names[f], bad[b]);
      ck_assert_ptr_null(m);
    }
    cc_status beta = type->fit(ok, 4, "beta=0.2", NULL, &m, &err);
    ck_assert_int_eq(beta, strcmp(family_names[f], "tsb") == 0 ? CC_OK : CC_EUSAGE);
    cc_model_free(beta == CC_OK ? m : NULL);
  }
}
END_TEST

/* All zeros: forecast 0, zero-width intervals, paths of zeros. */
START_TEST(test_all_zero_series) {
  const double zeros[] = {0, 0, NAN, 0, 0, 0};
  static const double levels[] = {80, 95};
  for (size_t f = 0; f < N_FAMILIES; f++) {
    cc_model *m = fit_or_fail(family_names[f], zeros, 6, NULL);
    cc_forecast *fc = NULL;
    cc_error err;
    ck_assert_int_eq(cc_forecast_compute(m, 5, levels, 2, NULL, &fc, &err), CC_OK);
    ck_assert_int_eq(fc->analytic, 0);
    for (size_t i = 0; i < 5; i++) {
      ck_assert(fc->mean[i] == 0);
      for (size_t l = 0; l < 2; l++) ck_assert(fc->lower[l * 5 + i] == 0 && fc->upper[l * 5 + i] == 0);
    }
    for (size_t k = 0; k < fc->n_paths * 5; k++) ck_assert(fc->paths[k] == 0);
    ck_assert(m->fitted[1] == 0 && isnan(m->fitted[2]));
    cc_forecast_free(fc);
    cc_model_free(m);
  }
}
END_TEST

/* "optimal" against a grid search (the slow obvious oracle): the estimated
 * constants reach an in-sample MSE no worse than the best grid point. */
START_TEST(test_optimal_smoothing) {
  const double y[] = {0, 0, 4, 0, 1, 0, 0, 0, 2, 3, 0, 0, 1, 0, 5, 0, 0, 0, 2, 0, 0, 6, 0, 1, 0, 0, 3, 0, 0, 0, 2, 1};
  const size_t n = sizeof y / sizeof *y;
  for (size_t f = 0; f < N_FAMILIES; f++) {
    int tsb = strcmp(family_names[f], "tsb") == 0;
    cc_model *best = fit_or_fail(family_names[f], y, n, "optimal");
    ck_assert_int_eq(best->n_estimated, tsb ? 2 : 1);
    double alpha = cc_model_param(best, "alpha");
    ck_assert(alpha >= 0 && alpha <= 1);
    double grid_min = INFINITY;
    for (int a = 0; a <= 50; a++)
      for (int b = 0; b <= (tsb ? 50 : 0); b++) {
        char variant[64];
        snprintf(variant, sizeof variant, tsb ? "alpha=%g,beta=%g" : "alpha=%g", a / 50.0, b / 50.0);
        cc_model *m = fit_or_fail(family_names[f], y, n, variant);
        if (m->sigma2 < grid_min) grid_min = m->sigma2;
        cc_model_free(m);
      }
    ck_assert_msg(best->sigma2 <= grid_min * (1 + 1e-6), "%s: optimal MSE %.10g, grid %.10g", family_names[f],
                  best->sigma2, grid_min);
    cc_model_free(best);
  }
  /* A constant fixed in the variant stays fixed. */
  cc_model *m = fit_or_fail("tsb", y, n, "optimal,beta=0.05");
  ck_assert(cc_model_param(m, "beta") == 0.05);
  ck_assert_int_eq(m->n_estimated, 1);
  cc_model_free(m);
}
END_TEST

/* Paths: non-negative integers whose mean is, by design, exactly the point
 * forecast (P z) and whose variance is the one forecast() reports. */
START_TEST(test_simulated_paths) {
  const double lumpy[] = {0, 0, 1, 0, 0, 12, 0, 0, 2, 0, 0, 7, 0, 0, 0, 1, 0, 15, 0, 0, 3, 0, 0, 0, 9, 0};
  const double ones[] = {0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1};
  const double dense[] = {3, 2, 0, 4, 5, 3, 0, 2, 3, 4, 2, 3, 0, 3, 4, 2};
  const double fractional[] = {0, 0.5, 0, 0, 0.25, 0, 0.5, 0};
  const struct {
    const double *y;
    size_t n;
  } series[] = {{lumpy, sizeof lumpy / sizeof *lumpy},
                {ones, sizeof ones / sizeof *ones},
                {dense, sizeof dense / sizeof *dense},
                {fractional, sizeof fractional / sizeof *fractional}};
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  double *paths = malloc(N_SIM_PATHS * SIM_HORIZON * sizeof *paths);
  ck_assert(rng && paths);
  for (size_t s = 0; s < sizeof series / sizeof *series; s++)
    for (size_t f = 0; f < N_FAMILIES; f++) {
      cc_model *m = fit_or_fail(family_names[f], series[s].y, series[s].n, NULL);
      double mean[SIM_HORIZON], variance[SIM_HORIZON];
      int analytic;
      cc_error err;
      ck_assert_int_eq(m->type->forecast(m, SIM_HORIZON, mean, variance, &analytic, &err), CC_OK);
      gsl_rng_set(rng, 12345 + s);
      for (size_t p = 0; p < N_SIM_PATHS; p++)
        ck_assert_int_eq(m->type->simulate(m, SIM_HORIZON, rng, paths + p * SIM_HORIZON, &err), CC_OK);
      double total = 0, squares = 0;
      size_t not_counts = 0; /* counted rather than asserted one by one: 240000 asserts are slow under the sanitizers */
      for (size_t i = 0; i < SIM_HORIZON; i++) {
        double sum = 0;
        for (size_t p = 0; p < N_SIM_PATHS; p++) {
          double v = paths[p * SIM_HORIZON + i];
          not_counts += !(v >= 0 && v == floor(v));
          sum += v, squares += (v - mean[i]) * (v - mean[i]);
        }
        total += sum;
        /* Per step for the dense series, whose per-period CV lets 2% hold at 20000 paths (about 5 standard errors);
         * pooled over the flat horizon for the sparse ones (a per-step 2% would be 1.4 to 2.5 standard errors). */
        if (s == 2)
          ck_assert_msg(fabs(sum / N_SIM_PATHS - mean[i]) <= SIM_MEAN_TOLERANCE * mean[i],
                        "series %zu %s step %zu: simulated mean %g, forecast %g", s, family_names[f], i + 1,
                        sum / N_SIM_PATHS, mean[i]);
      }
      ck_assert_msg(not_counts == 0, "series %zu %s: %zu path values not non-negative integers", s, family_names[f],
                    not_counts);
      double draws = (double)N_SIM_PATHS * SIM_HORIZON;
      ck_assert_msg(fabs(total / draws - mean[0]) <= SIM_MEAN_TOLERANCE * mean[0], "series %zu %s: pooled mean %g vs %g",
                    s, family_names[f], total / draws, mean[0]);
      ck_assert_msg(fabs(squares / draws - variance[0]) <= 0.05 * variance[0], "series %zu %s: variance %g vs %g", s,
                    family_names[f], squares / draws, variance[0]);
      cc_model_free(m);
    }
  free(paths);
  gsl_rng_free(rng);
}
END_TEST

/* Through the generic forecast code: the same seed gives the same paths and
 * bounds, another seed other paths; bounds are integers and ordered. */
START_TEST(test_reproducible_forecasts) {
  const double y[] = {0, 0, 1, 0, 0, 12, 0, 0, 2, 0, 0, 7, 0, 0, 0, 1, 0, 15, 0, 0, 3, 0, 0, 0, 9, 0};
  static const double levels[] = {80, 95};
  cc_forecast_options options;
  cc_forecast_options_default(&options);
  options.nonnegative = 1;
  for (size_t f = 0; f < N_FAMILIES; f++) {
    cc_model *m = fit_or_fail(family_names[f], y, sizeof y / sizeof *y, NULL);
    cc_forecast *a = NULL, *b = NULL, *c = NULL;
    cc_error err;
    ck_assert_int_eq(cc_forecast_compute(m, 6, levels, 2, &options, &a, &err), CC_OK);
    ck_assert_int_eq(cc_forecast_compute(m, 6, levels, 2, &options, &b, &err), CC_OK);
    options.seed++;
    ck_assert_int_eq(cc_forecast_compute(m, 6, levels, 2, &options, &c, &err), CC_OK);
    options.seed--;
    ck_assert_int_eq(memcmp(a->paths, b->paths, a->n_paths * 6 * sizeof *a->paths), 0);
    ck_assert_int_eq(memcmp(a->lower, b->lower, 2 * 6 * sizeof *a->lower), 0);
    ck_assert_int_eq(memcmp(a->upper, b->upper, 2 * 6 * sizeof *a->upper), 0);
    ck_assert_int_ne(memcmp(a->paths, c->paths, a->n_paths * 6 * sizeof *a->paths), 0);
    for (size_t i = 0; i < 6; i++) {
      ck_assert(a->lower[6 + i] <= a->lower[i] && a->lower[i] <= a->mean[i] && a->mean[i] <= a->upper[i]);
      ck_assert(a->upper[i] <= a->upper[6 + i]);
    }
    cc_forecast_free(a);
    cc_forecast_free(b);
    cc_forecast_free(c);
    cc_model_free(m);
  }
}
END_TEST

static Suite *intermittent_suite(void) {
  Suite *suite = suite_create("intermittent");
  TCase *reference = tcase_create("reference");
  tcase_add_test(reference, test_croston_sba_against_r);
  tcase_add_test(reference, test_hand_examples);
  tcase_add_test(reference, test_classification);
  suite_add_tcase(suite, reference);
  TCase *behaviour = tcase_create("behaviour");
  tcase_add_test(behaviour, test_missing_values_dropped);
  tcase_add_test(behaviour, test_errors);
  tcase_add_test(behaviour, test_all_zero_series);
  tcase_add_test(behaviour, test_optimal_smoothing);
  suite_add_tcase(suite, behaviour);
  TCase *paths = tcase_create("paths");
  tcase_add_test(paths, test_simulated_paths);
  tcase_add_test(paths, test_reproducible_forecasts);
  suite_add_tcase(suite, paths);
  return suite;
}

int main(void) {
  return cc_test_run_suite(intermittent_suite());
}
