/* test_combination.c: the combination family "combo" (src/ts/combination.c)
 * and the automatic rule that uses it (src/ts/select.c).
 *
 * Reference values come from R's forecast 8.20 through
 * tests/reference/combination_reference.R: (ets + auto.arima + thetaf) / 3
 * on 22 non-seasonal series (M3 yearly and other, simulated) and 5 seasonal
 * ones (M3 quarterly and monthly), whose three-way combination needs a
 * seasonal auto.arima; while carecast's automatic ARIMA is non-seasonal they
 * are compared as Combo(ETS,Theta) with R's (ets + thetaf) / 2. A combined
 * forecast can only match R's where each component chose R's model, so the
 * point forecasts are compared within 1% (absolute below 1) on the cases
 * where ETS chose R's model and ARIMA R's orders and constant; at least
 * MIN_COMPARED cases must qualify. Besides: the paths' mixture against the
 * components' analytic moments (an oracle), counts never below zero and
 * ordered bounds, the store round trip of a combination with its
 * components, the automatic rule's choices, and the error paths. */
#include <check.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/combination.h"
#include "carecast/forecast.h"
#include "carecast/models.h"
#include "carecast/select.h"
#include "carecast/store.h"
#include "fixture.h"
#include "testutil.h"

#define MEAN_TOLERANCE 0.01 /* combined point forecasts: 1% relative (absolute below 1) */
#define MIN_COMPARED 15     /* the comparison must not pass vacuously */
#define HORIZON 6
#define MAX_VALUES 1024
#define MIXTURE_PATHS 20000  /* paths for the moment checks */
#define MIXTURE_VAR_TOLERANCE 0.06 /* path variance vs the mixture's: 6% (sampling sd about 1.5% here) */
#define MIXTURE_BOUND_TOLERANCE 0.04 /* simulated vs closed-form bounds: 4% of the half-width */
#define SEASON_ANGLE (3.14159265358979323846 / 6) /* one cycle in 12 months */

static cc_status fit_combo(const double *y, size_t n, int period, cc_model **m, cc_error *err) {
  cc_fit_options options;
  cc_fit_options_default(&options);
  options.period = period;
  cc_error_clear(err);
  return cc_model_combo.fit(y, n, NULL, &options, m, err);
}

static const cc_model *component(const cc_model *m, const cc_model_type *type) {
  for (size_t c = 0; c < m->n_components; c++)
    if (m->components[c]->type == type) return m->components[c];
  return NULL;
}

/* 1 when an ETS spec ("ETS(M,Ad,N)") is the fixture's compact name ("MAdN"). */
static int ets_as_r(const char *spec, const char *compact) {
  char letters[CC_MODEL_SPEC_MAX];
  size_t k = 0;
  for (const char *c = spec + strlen("ETS"); *c && k + 1 < sizeof letters; c++)
    if (*c != '(' && *c != ',' && *c != ')') letters[k++] = *c;
  letters[k] = '\0';
  return strcmp(letters, compact) == 0;
}

/* 1 when the ARIMA component chose R's orders and constant for fixture row r. */
static int arima_as_r(const cc_model *arima, const cc_fixture *fits, size_t r) {
  int order = arima->settings[0], seasonal = arima->settings[1], constant = arima->settings[2] != 0;
  return order / 10000 == (int)cc_fixture_number(fits, r, "p") && order / 100 % 100 == (int)cc_fixture_number(fits, r, "d") &&
         order % 100 == (int)cc_fixture_number(fits, r, "q") && seasonal / 10000 == (int)cc_fixture_number(fits, r, "sp") &&
         seasonal / 100 % 100 == (int)cc_fixture_number(fits, r, "sd") &&
         seasonal % 100 == (int)cc_fixture_number(fits, r, "sq") &&
         constant == (strcmp(cc_fixture_text(fits, r, "constant"), "yes") == 0);
}

START_TEST(test_reference_forecasts) {
  cc_fixture *fits = cc_fixture_load("combination.csv");
  cc_fixture *series = cc_fixture_load("combination_series.csv");
  ck_assert_msg(fits && series, "combination fixtures missing (run tests/reference/combination_reference.R)");
  size_t compared = 0, failures = 0;
  static double y[MAX_VALUES];
  for (size_t r = 0; r < fits->n_rows; r++) {
    const char *case_name = cc_fixture_text(fits, r, "case");
    int period = 1;
    size_t n = cc_fixture_series_part(series, case_name, NULL, y, MAX_VALUES, &period);
    ck_assert_uint_le(n, MAX_VALUES);
    ck_assert_msg(n > 0, "no series for %s", case_name);
    cc_model *m = NULL;
    cc_error err;
    ck_assert_msg(fit_combo(y, n, period, &m, &err) == CC_OK, "%s: %s", case_name, err.message);
    const cc_model *ets = component(m, &cc_model_ets), *arima = component(m, &cc_model_arima);
    ck_assert_msg(ets && component(m, &cc_model_theta), "%s: %s lacks ETS or Theta", case_name, m->spec);
    /* Non-seasonal series always get all three; seasonal ones all three once ARIMA is seasonal. */
    ck_assert_msg(arima || period > 1, "%s: %s lacks ARIMA", case_name, m->spec);
    const char *columns = arima ? "f" : "pair";
    int same = ets_as_r(ets->spec, cc_fixture_text(fits, r, "ets")) && (!arima || arima_as_r(arima, fits, r));
    if (!same) {
      printf("%s: %s [%s%s%s], R %s ARIMA(%g,%g,%g)(%g,%g,%g): not compared\n", case_name, m->spec, ets->spec,
             arima ? ", " : "", arima ? arima->spec : "", cc_fixture_text(fits, r, "ets"), cc_fixture_number(fits, r, "p"),
             cc_fixture_number(fits, r, "d"), cc_fixture_number(fits, r, "q"), cc_fixture_number(fits, r, "sp"),
             cc_fixture_number(fits, r, "sd"), cc_fixture_number(fits, r, "sq"));
      cc_model_free(m);
      continue;
    }
    double mean[HORIZON], variance[HORIZON];
    int analytic = 1;
    ck_assert_int_eq(cc_model_combo.forecast(m, HORIZON, mean, variance, &analytic, &err), CC_OK);
    ck_assert_int_eq(analytic, 0);
    for (int h = 0; h < HORIZON; h++) {
      char column[16];
      snprintf(column, sizeof column, "%s%d", columns, h + 1);
      double expected = cc_fixture_number(fits, r, column);
      if (!cc_fixture_close(mean[h], expected, MEAN_TOLERANCE)) {
        printf("%s %s: h=%d combined %.8g, R %.8g\n", case_name, m->spec, h + 1, mean[h], expected);
        failures++;
      }
    }
    compared++;
    cc_model_free(m);
  }
  printf("combination: %zu of %zu reference cases with R's component models compared\n", compared, fits->n_rows);
  ck_assert_uint_ge(compared, MIN_COMPARED);
  ck_assert_uint_eq(failures, 0);
  cc_fixture_free(fits);
  cc_fixture_free(series);
}
END_TEST

/* A smooth non-seasonal series: all three components fit. */
static void smooth_series(double *y, size_t n) {
  for (size_t t = 0; t < n; t++) y[t] = 50 + 0.4 * (double)t + 3 * sin(1.3 * (double)t) + 2 * cos(0.7 * (double)(t * t));
}

/* The recentred mixture: the paths' mean is the combined forecast and their
 * variance the mean of the components' variances (each analytic here). */
START_TEST(test_paths_are_the_recentred_mixture) {
  double y[60];
  smooth_series(y, 60);
  cc_model *m = NULL;
  cc_error err;
  ck_assert_int_eq(fit_combo(y, 60, 1, &m, &err), CC_OK);
  ck_assert_uint_eq(m->n_components, 3);
  ck_assert_str_eq(m->spec, "Combo(ETS,ARIMA,Theta)");
  double combined[HORIZON], variance[HORIZON], expected_var[HORIZON] = {0};
  int analytic;
  ck_assert_int_eq(cc_model_combo.forecast(m, HORIZON, combined, variance, &analytic, &err), CC_OK);
  for (size_t c = 0; c < m->n_components; c++) {
    const cc_model *part = m->components[c];
    double part_mean[HORIZON], part_var[HORIZON];
    ck_assert_int_eq(part->type->forecast(part, HORIZON, part_mean, part_var, &analytic, &err), CC_OK);
    ck_assert_msg(analytic, "%s has no analytic variance", part->spec);
    for (int h = 0; h < HORIZON; h++) expected_var[h] += part_var[h] / (double)m->n_components;
  }
  double *paths = malloc(MIXTURE_PATHS * HORIZON * sizeof *paths);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 42);
  ck_assert_int_eq(cc_combination_simulate_paths(m, HORIZON, MIXTURE_PATHS, rng, paths, &err), CC_OK);
  for (int h = 0; h < HORIZON; h++) {
    double sum = 0, squares = 0;
    for (size_t p = 0; p < MIXTURE_PATHS; p++) sum += paths[p * HORIZON + (size_t)h];
    double mean = sum / MIXTURE_PATHS;
    for (size_t p = 0; p < MIXTURE_PATHS; p++) {
      double d = paths[p * HORIZON + (size_t)h] - mean;
      squares += d * d;
    }
    double var = squares / (MIXTURE_PATHS - 1);
    ck_assert_msg(fabs(mean - combined[h]) < 4 * sqrt(expected_var[h] / MIXTURE_PATHS), "h=%d path mean %g, combined %g",
                  h + 1, mean, combined[h]);
    ck_assert_msg(fabs(var / expected_var[h] - 1) < MIXTURE_VAR_TOLERANCE, "h=%d path variance %g, mixture %g", h + 1,
                  var, expected_var[h]);
  }
  /* The closed-form bounds are the quantiles of those paths. */
  double levels[2] = {80, 95};
  cc_forecast_options options;
  cc_forecast_options_default(&options);
  options.n_paths = 0;
  cc_forecast *f = NULL;
  ck_assert_int_eq(cc_forecast_compute(m, HORIZON, levels, 2, &options, &f, &err), CC_OK);
  ck_assert_int_eq(f->analytic, 1);
  double *column = malloc(MIXTURE_PATHS * sizeof *column);
  for (int h = 0; h < HORIZON; h++) {
    for (size_t p = 0; p < MIXTURE_PATHS; p++) column[p] = paths[p * HORIZON + (size_t)h];
    for (size_t l = 0; l < 2; l++) {
      double tail = (1 - levels[l] / 100) / 2, half = f->upper[l * HORIZON + (size_t)h] - combined[h];
      double lo = cc_quantile_select(column, MIXTURE_PATHS, tail), hi = cc_quantile_select(column, MIXTURE_PATHS, 1 - tail);
      ck_assert_msg(fabs(lo - f->lower[l * HORIZON + (size_t)h]) < MIXTURE_BOUND_TOLERANCE * half &&
                        fabs(hi - f->upper[l * HORIZON + (size_t)h]) < MIXTURE_BOUND_TOLERANCE * half,
                    "h=%d level %g: simulated [%g, %g], closed form [%g, %g]", h + 1, levels[l], lo, hi,
                    f->lower[l * HORIZON + (size_t)h], f->upper[l * HORIZON + (size_t)h]);
    }
  }
  free(column);
  cc_forecast_free(f);
  /* One path at a time draws the same as the batch from the same stream. */
  double one[HORIZON];
  gsl_rng_set(rng, 42);
  ck_assert_int_eq(cc_model_combo.simulate(m, HORIZON, rng, one, &err), CC_OK);
  for (int h = 0; h < HORIZON; h++) ck_assert_double_eq(one[h], paths[h]);
  gsl_rng_free(rng);
  free(paths);
  cc_model_free(m);
}
END_TEST

/* Counts: no path or bound below zero, bounds nested and ordered. */
START_TEST(test_counts_nonnegative_and_ordered) {
  double y[48];
  for (size_t t = 0; t < 48; t++) y[t] = fmax(0, round(4 - 0.08 * (double)t + 2.5 * sin(2.1 * (double)t)));
  cc_model *m = NULL;
  cc_error err;
  ck_assert_int_eq(fit_combo(y, 48, 1, &m, &err), CC_OK);
  cc_forecast_options options;
  cc_forecast_options_default(&options);
  options.nonnegative = 1;
  double levels[2] = {80, 95};
  cc_forecast *f = NULL;
  ck_assert_int_eq(cc_forecast_compute(m, 12, levels, 2, &options, &f, &err), CC_OK);
  size_t h = f->h;
  for (size_t k = 0; k < f->n_paths * h; k++) ck_assert_double_ge(f->paths[k], 0);
  for (size_t i = 0; i < h; i++) {
    double lo80 = f->lower[i], hi80 = f->upper[i], lo95 = f->lower[h + i], hi95 = f->upper[h + i];
    ck_assert_double_ge(f->mean[i], 0);
    ck_assert_double_ge(lo95, 0);
    ck_assert_double_le(lo95, lo80);
    ck_assert_double_le(lo80, hi80);
    ck_assert_double_le(hi80, hi95);
  }
  /* The series falls towards zero: some paths reach it, so censoring was exercised. */
  size_t zeros = 0;
  for (size_t k = 0; k < f->n_paths * h; k++) zeros += f->paths[k] == 0;
  ck_assert_uint_gt(zeros, 0);
  cc_forecast_free(f);
  cc_model_free(m);
}
END_TEST

/* A component without an analytic variance (SBA): the bounds come from simulated paths. */
START_TEST(test_simulated_when_a_component_is_not_gaussian) {
  double y[48];
  for (size_t t = 0; t < 48; t++) y[t] = 6 + 2 * sin(1.9 * (double)t) + (double)(t % 5);
  const cc_model_type *const types[] = {&cc_model_sba, &cc_model_theta};
  cc_fit_options options;
  cc_fit_options_default(&options);
  cc_model *m = NULL;
  cc_error err;
  ck_assert_int_eq(cc_combination_fit(&cc_model_combo, types, 2, y, 48, &options, &m, &err), CC_OK);
  ck_assert_str_eq(m->spec, "Combo(sba,Theta)");
  double levels[2] = {80, 95};
  cc_forecast *f = NULL;
  ck_assert_int_eq(cc_forecast_compute(m, 6, levels, 2, NULL, &f, &err), CC_OK);
  ck_assert_int_eq(f->analytic, 0);
  for (size_t i = 0; i < 6; i++) {
    ck_assert_double_le(f->lower[6 + i], f->lower[i]);
    ck_assert_double_lt(f->lower[i], f->upper[i]);
    ck_assert_double_le(f->upper[i], f->upper[6 + i]);
  }
  cc_forecast_free(f);
  cc_model_free(m);
}
END_TEST

/* A combination written to the store comes back with its components and forecasts the same. */
START_TEST(test_store_round_trip) {
  char *dir = cc_test_tmpdir(), *path = cc_test_path(dir, "store.h5");
  double y[40];
  smooth_series(y, 40);
  cc_model *m = NULL, *back = NULL;
  cc_error err;
  ck_assert_int_eq(fit_combo(y, 40, 1, &m, &err), CC_OK);
  cc_model_context context = {.kind = CC_KIND_STOCK, .freq = CC_FREQ_YEAR, .ljung_box_p = 0.5};
  snprintf(context.series_id, sizeof context.series_id, "m/g/a");
  context.next = (cc_period){CC_FREQ_YEAR, 2030};
  cc_store *store = NULL;
  char run_id[CC_RUN_ID_MAX];
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_run_create(store, "models", "20300101T000000Z", run_id, &err), CC_OK);
  ck_assert_int_eq(cc_store_model_write(store, run_id, m, &context, &err), CC_OK);
  ck_assert_int_eq(cc_store_commit(store, &err), CC_OK);
  cc_store_close(store);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_model_context context_back;
  ck_assert_int_eq(cc_store_model_read(store, run_id, "m/g/a", &back, &context_back, &err), CC_OK);
  char **ids = NULL;
  size_t n_ids = 0;
  ck_assert_int_eq(cc_store_run_series(store, "models", run_id, &ids, &n_ids, &err), CC_OK);
  ck_assert_uint_eq(n_ids, 1); /* the components are not series */
  cc_store_free_names(ids, n_ids);
  cc_store_close(store);
  ck_assert_str_eq(back->spec, m->spec);
  ck_assert_uint_eq(back->n_components, m->n_components);
  for (size_t c = 0; c < m->n_components; c++) {
    ck_assert_ptr_eq(back->components[c]->type, m->components[c]->type);
    ck_assert_str_eq(back->components[c]->spec, m->components[c]->spec);
  }
  cc_forecast *f1 = NULL, *f2 = NULL;
  double levels[1] = {90};
  ck_assert_int_eq(cc_forecast_compute(m, 8, levels, 1, NULL, &f1, &err), CC_OK);
  ck_assert_int_eq(cc_forecast_compute(back, 8, levels, 1, NULL, &f2, &err), CC_OK);
  for (size_t i = 0; i < 8; i++) {
    ck_assert_double_eq(f1->mean[i], f2->mean[i]);
    ck_assert_double_eq(f1->lower[i], f2->lower[i]);
    ck_assert_double_eq(f1->upper[i], f2->upper[i]);
  }
  cc_forecast_free(f1);
  cc_forecast_free(f2);
  cc_model_free(m);
  cc_model_free(back);
  cc_test_rmtree(dir);
  free(dir);
  free(path);
}
END_TEST

static const char *auto_spec(const double *y, size_t n, int period, char *spec) {
  cc_model_request request;
  cc_error err;
  ck_assert_int_eq(cc_model_request_parse("auto", &request, &err), CC_OK);
  cc_model *m = NULL;
  ck_assert_msg(cc_model_fit_request(&request, y, n, period, &m, &err) == CC_OK, "%s", err.message);
  snprintf(spec, CC_MODEL_SPEC_MAX, "%s", m->spec);
  cc_model_free(m);
  return spec;
}

/* The automatic rule: SBA for intermittent demand, the combination, ETS, naive. */
START_TEST(test_automatic_rule) {
  char spec[CC_MODEL_SPEC_MAX];
  double y[60];
  smooth_series(y, 60);
  ck_assert_str_eq(auto_spec(y, 60, 1, spec), "Combo(ETS,ARIMA,Theta)");
  double seasonal[48];
  for (size_t t = 0; t < 48; t++) seasonal[t] = 100 + (double)t + 10 * sin(SEASON_ANGLE * (double)t) + sin(1.7 * (double)t);
  const char *seasonal_spec = auto_spec(seasonal, 48, 12, spec);
  ck_assert_msg(strncmp(seasonal_spec, "Combo(ETS,", 10) == 0, "seasonal: %s", seasonal_spec);
  double intermittent[40] = {0};
  for (size_t t = 0; t < 40; t += 4) intermittent[t] = 1 + (double)(t % 3);
  ck_assert_str_eq(auto_spec(intermittent, 40, 1, spec), "SBA");
  double tiny[2] = {3, 5};
  ck_assert_str_eq(auto_spec(tiny, 2, 1, spec), "Naive");
}
END_TEST

START_TEST(test_errors) {
  double y[30];
  smooth_series(y, 30);
  cc_fit_options options;
  cc_fit_options_default(&options);
  cc_model *m = NULL;
  cc_error err;
  ck_assert_int_eq(cc_model_combo.fit(y, 30, "ets", &options, &m, &err), CC_EUSAGE);
  ck_assert_ptr_null(m);
  double one[1] = {4};
  ck_assert_int_eq(cc_model_combo.fit(one, 1, NULL, &options, &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err.message, "needs at least 2"), "%s", err.message);
  double with_inf[30];
  memcpy(with_inf, y, sizeof y);
  with_inf[7] = INFINITY;
  ck_assert_int_eq(cc_model_combo.fit(with_inf, 30, NULL, &options, &m, &err), CC_EINPUT);
  ck_assert_ptr_null(m);
  /* A combination whose components were lost cannot forecast. */
  cc_model *empty = cc_model_alloc(&cc_model_combo, 30, 0, 0);
  double mean[3], variance[3];
  int analytic;
  ck_assert_int_eq(cc_model_combo.forecast(empty, 3, mean, variance, &analytic, &err), CC_EINPUT);
  cc_model_free(empty);
  cc_model_free(NULL);
}
END_TEST

static Suite *combination_suite(void) {
  Suite *suite = suite_create("combination");
  TCase *tc = tcase_create("combination");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_reference_forecasts);
  tcase_add_test(tc, test_paths_are_the_recentred_mixture);
  tcase_add_test(tc, test_counts_nonnegative_and_ordered);
  tcase_add_test(tc, test_simulated_when_a_component_is_not_gaussian);
  tcase_add_test(tc, test_store_round_trip);
  tcase_add_test(tc, test_automatic_rule);
  tcase_add_test(tc, test_errors);
  suite_add_tcase(suite, tc);
  return suite;
}

int main(void) { return cc_test_run_suite(combination_suite()); }
