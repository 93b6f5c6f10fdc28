/* test_demand_entries.c: entry flows led by an indicator (demand_entries.c,
 * through its internal interface demand_internal.h).
 *
 * Simulated months where entries = a + b x(t - L) + AR(1) noise and x is a
 * seasonal series with AR(1) noise of its own: the fitted regression puts b
 * inside its 95% interval; with a known future indicator the mean of the
 * entry paths is the direct calculation c + b x(T + s - L) + phi^s eta_T
 * from the fitted coefficients (the first L months from the indicator's
 * last observed values); and entry paths are never below zero, even where
 * the regression's mean is. */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cohort/demand_internal.h"
#include "carecast/store.h"
#include "testutil.h"

#define MONTHS 144          /* entries observed */
#define LAG 2               /* months the entries follow the indicator by */
#define TRUE_A 10.0
#define TRUE_B 0.05
#define TRUE_PHI 0.5
#define NOISE_SD 2.0
#define H 12                /* months projected */
#define PATHS 4000
#define Z95 1.959964
#define TWO_PI 6.283185307179586

#define SPEC_STATE                                                                                                   \
  "type: stockflow\nname: sim\ngeographies: [E00000001]\nstates:\n  only:\n"                                            \
  "    stock: sim_stock/{geography}/all\n    entries: sim_entries/{geography}/all\n"                                    \
  "    indicator: sim_indicator/{geography}/all\n"
static const char spec_text[] = SPEC_STATE "    indicator_lag: 2\nentry_model: arima:1,0,0\n";
static const char spec_future_text[] =
    SPEC_STATE "    indicator_future: sim_future/{geography}/all\n    indicator_lag: 2\nentry_model: arima:1,0,0\n";

static cc_series *monthly(const char *measure, cc_period start, size_t n) {
  cc_series *s = cc_series_alloc(n);
  snprintf(s->measure, sizeof s->measure, "%s", measure);
  snprintf(s->geography, sizeof s->geography, "E00000001");
  snprintf(s->age_band, sizeof s->age_band, "all");
  cc_series_make_id(s->measure, s->geography, s->age_band, s->id, sizeof s->id);
  s->kind = CC_KIND_FLOW;
  s->freq = CC_FREQ_MONTH;
  s->start = start;
  for (size_t t = 0; t < n; t++) s->flags[t] = CC_OBS_OBSERVED;
  return s;
}

typedef struct fixture {
  char *dir, *path;
  cc_store *store;
  char run[CC_RUN_ID_MAX];
  cc_demand_spec *spec;
  cc_series *indicator, *entries;
  cc_demand_record *r;
} fixture;

/* Simulate, store the series and fit the entries on the indicator. */
static void fit_simulated(fixture *f) {
  cc_error err;
  f->dir = cc_test_tmpdir();
  f->path = cc_test_path(f->dir, "store.h5");
  cc_period first = {CC_FREQ_MONTH, 2010 * 12};
  f->indicator = monthly("sim_indicator", first, MONTHS + LAG);
  f->entries = monthly("sim_entries", cc_period_add(first, LAG), MONTHS);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 20250401);
  double wobble = 0.0, eta = 0.0;
  for (size_t t = 0; t < MONTHS + LAG; t++) {
    wobble = 0.7 * wobble + gsl_ran_gaussian(rng, 30.0);
    f->indicator->values[t] = 1000.0 + 120.0 * sin(TWO_PI * (double)t / 12) + wobble;
  }
  for (size_t t = 0; t < MONTHS; t++) {
    eta = TRUE_PHI * eta + gsl_ran_gaussian(rng, NOISE_SD);
    f->entries->values[t] = TRUE_A + TRUE_B * f->indicator->values[t] + eta; /* indicator slot t is month t - LAG */
  }
  gsl_rng_free(rng);
  ck_assert_int_eq(cc_store_open(f->path, CC_STORE_WRITE, NULL, &f->store, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_write(f->store, f->indicator, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_write(f->store, f->entries, &err), CC_OK);
  ck_assert_int_eq(cc_store_run_create(f->store, "models", "20260101T000000Z", f->run, &err), CC_OK);
  ck_assert_int_eq(cc_demand_spec_parse(spec_text, strlen(spec_text), "sim.yaml", &f->spec, &err), CC_OK);
  f->r = cc_demand_record_alloc(1);
  snprintf(f->r->name, sizeof f->r->name, "sim");
  snprintf(f->r->geography, sizeof f->r->geography, "E00000001");
  snprintf(f->r->spec_path, sizeof f->r->spec_path, "sim.yaml");
  f->r->last = cc_demand_last_period(f->entries);
  ck_assert_msg(cc_demand_fit_entries(f->store, f->run, f->spec, 0, f->entries, f->r, &err) == CC_OK, "%s", err.message);
}

static void fixture_free(fixture *f) {
  cc_demand_record_free(f->r);
  cc_demand_spec_free(f->spec);
  cc_series_free(f->indicator);
  cc_series_free(f->entries);
  cc_store_close(f->store);
  cc_test_rmtree(f->dir);
  free(f->dir);
  free(f->path);
}

/* A forecast of the indicator whose every path is future[H]. */
static cc_forecast *known_future(const double *future) {
  cc_forecast *driver = cc_forecast_alloc(H, 0, PATHS);
  for (size_t q = 0; q < PATHS; q++) memcpy(driver->paths + q * H, future, H * sizeof *future);
  return driver;
}

START_TEST(coefficient_within_its_interval) {
  fixture f = {0};
  fit_simulated(&f);
  cc_error err;
  ck_assert_str_eq(f.r->driver_ids[0], "sim_entries/E00000001/all"); /* the entries drive the state, as without an indicator */
  ck_assert_uint_eq(f.r->n_recent, CC_DEMAND_MAX_LAG);
  ck_assert_double_eq(f.r->indicator_recent[0], f.indicator->values[MONTHS + LAG - 2]); /* T - 1 */
  ck_assert_double_eq(f.r->indicator_recent[1], f.indicator->values[MONTHS + LAG - 1]); /* T */
  cc_model *m = NULL, *own = NULL;
  cc_model_context context;
  ck_assert_int_eq(cc_store_demand_model_read(f.store, f.run, "sim/E00000001", "only", &m, &context, &err), CC_OK);
  ck_assert_uint_eq(m->n_xreg, 1);
  size_t at = m->n_params - 1;
  double b = m->params[at], se = m->std_errors[at];
  ck_assert_msg(se > 0 && se < 0.01, "se %g", se);
  ck_assert_msg(fabs(b - TRUE_B) < Z95 * se, "b = %g (se %g), true %g", b, se, TRUE_B);
  ck_assert_msg(fabs(cc_model_param(m, "ar1") - TRUE_PHI) < 0.2, "ar1 %g", cc_model_param(m, "ar1"));
  /* the indicator's own model, fitted up to the entries' last month, is the run's model of it */
  ck_assert_int_eq(cc_store_model_read(f.store, f.run, "sim_indicator/E00000001/all", &own, &context, &err), CC_OK);
  ck_assert_int_eq(context.next.index, cc_period_add(f.r->last, 1).index);
  cc_model_free(own);
  cc_model_free(m);
  fixture_free(&f);
}
END_TEST

START_TEST(known_future_matches_direct_calculation) {
  fixture f = {0};
  fit_simulated(&f);
  cc_error err;
  cc_model *m = NULL;
  cc_model_context context;
  ck_assert_int_eq(cc_store_demand_model_read(f.store, f.run, "sim/E00000001", "only", &m, &context, &err), CC_OK);
  double c = cc_model_param(m, "intercept"), phi = cc_model_param(m, "ar1"), b = m->params[m->n_params - 1];
  double future[H];
  for (size_t s = 0; s < H; s++) future[s] = 900.0 + 25.0 * (double)s;
  cc_forecast *driver = known_future(future);
  double *paths = malloc(PATHS * H * sizeof *paths);
  char model_spec[CC_MODEL_SPEC_MAX];
  ck_assert_msg(cc_demand_entry_paths(f.store, f.run, f.r, f.spec, 0, driver, H, PATHS, 11, paths, model_spec, &err) == CC_OK, "%s",
                err.message);
  /* eta_T: the last entries less their regression on the indicator LAG months before */
  const double *x = f.indicator->values;
  double eta = f.entries->values[MONTHS - 1] - c - b * x[MONTHS - 1];
  for (size_t s = 0; s < H; s++) {
    double regressor = s < LAG ? x[MONTHS + s] : future[s - LAG]; /* month T + 1 + s follows month T + 1 + s - LAG */
    double direct = c + b * regressor + pow(phi, (double)s + 1) * eta, mean = 0.0;
    for (size_t q = 0; q < PATHS; q++) mean += paths[q * H + s] / PATHS;
    ck_assert_msg(fabs(mean - direct) < 0.15, "step %zu: paths' mean %g, direct %g", s + 1, mean, direct);
  }
  ck_assert_str_eq(model_spec, "ARIMA(1,0,0) mean+xreg");
  /* paths differ: the ARIMA noise is drawn */
  ck_assert_double_ne(paths[0 * H + H - 1], paths[1 * H + H - 1]);
  free(paths);
  cc_forecast_free(driver);
  cc_model_free(m);
  fixture_free(&f);
}
END_TEST

START_TEST(entry_paths_never_negative) {
  fixture f = {0};
  fit_simulated(&f);
  cc_error err;
  double future[H];
  for (size_t s = 0; s < H; s++) future[s] = -250.0; /* a regression mean near zero: half the draws would be negative */
  cc_forecast *driver = known_future(future);
  double *paths = malloc(PATHS * H * sizeof *paths);
  char model_spec[CC_MODEL_SPEC_MAX];
  ck_assert_int_eq(cc_demand_entry_paths(f.store, f.run, f.r, f.spec, 0, driver, H, PATHS, 11, paths, model_spec, &err), CC_OK);
  size_t zeros = 0;
  for (size_t i = 0; i < PATHS * H; i++) {
    ck_assert_msg(paths[i] >= 0, "path value %g", paths[i]);
    zeros += paths[i] == 0;
  }
  ck_assert_uint_gt(zeros, PATHS); /* the censoring was exercised */
  free(paths);
  cc_forecast_free(driver);
  fixture_free(&f);
}
END_TEST

/* A scenario's future of the indicator (indicator_future) read from the store as identical paths. */
START_TEST(scenario_future_from_the_store) {
  fixture f = {0};
  fit_simulated(&f);
  cc_error err;
  cc_series *future = monthly("sim_future", cc_period_add(f.r->last, 1), H - LAG);
  for (size_t s = 0; s < H - LAG; s++) future->values[s] = 800.0 + (double)s;
  ck_assert_int_eq(cc_store_series_write(f.store, future, &err), CC_OK);
  cc_demand_spec *spec = NULL;
  ck_assert_msg(cc_demand_spec_parse(spec_future_text, strlen(spec_future_text), "sim.yaml", &spec, &err) == CC_OK, "%s",
                err.message);
  cc_forecast *driver = NULL;
  ck_assert_msg(cc_demand_indicator_future(f.store, f.r, spec, 0, H, 3, &driver, &err) == CC_OK, "%s", err.message);
  for (size_t q = 0; q < 3; q++)
    for (size_t s = 0; s < H - LAG; s++) ck_assert_double_eq(driver->paths[q * H + s], 800.0 + (double)s);
  cc_forecast_free(driver);
  /* a horizon the scenario does not reach */
  ck_assert_int_eq(cc_demand_indicator_future(f.store, f.r, spec, 0, H + 1, 3, &driver, &err), CC_EINPUT);
  ck_assert_ptr_null(driver);
  ck_assert_str_eq(err.field, "states.only.indicator_future");
  ck_assert_int_eq(err.line, 9);
  cc_demand_spec_free(spec);
  cc_series_free(future);
  fixture_free(&f);
}
END_TEST

static Suite *demand_entries_suite(void) {
  Suite *s = suite_create("demand_entries");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, coefficient_within_its_interval);
  tcase_add_test(tc, known_future_matches_direct_calculation);
  tcase_add_test(tc, entry_paths_never_negative);
  tcase_add_test(tc, scenario_future_from_the_store);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(demand_entries_suite()); }
