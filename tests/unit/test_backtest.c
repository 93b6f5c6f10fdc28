/* test_backtest.c: rolling-origin evaluation (src/eval/backtest.c).
 *
 * Reference values come from R's forecast 8.20 through
 * tests/reference/accuracy_reference.R:
 *   - forecast::tsCV(y, f, h = 3) for naive, rwf(drift = TRUE), meanf and
 *     snaive on three short series (one with missing values): every error
 *     of every origin, and the per-step MAE, RMSE and MASE over the
 *     origins, within 1e-9 relative (absolute below 1). These benchmark
 *     forecasts are deterministic, so the comparison is exact up to
 *     rounding.
 *   - forecast::accuracy() of naive, snaive, drift and mean forecasts of
 *     M3 series: a backtest with one origin whose horizon is the M3
 *     hold-out must give the same ME, MAE, RMSE and MASE, same tolerance.
 * Besides: origins and steps against the definition, a step of 2 against
 * the step-1 run, determinism of simulated intervals per origin with a
 * test-only family that always simulates them (also against
 * cc_forecast_compute with the origin's seed), the nonnegative
 * option, missing actuals, the memory the result keeps, and every error
 * path. The fixtures name methods as the registry names the families.
 */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/accuracy.h"
#include "carecast/backtest.h"
#include "carecast/forecast.h"
#include "carecast/model.h"
#include "fixture.h"
#include "testutil.h"

#define TOLERANCE 1e-9 /* relative, or absolute below 1 */
#define H 3            /* the tsCV horizon of the fixtures */
#define MAX_VALUES 256
#define EXPECTED_TSCV_ERRORS 237      /* rows of accuracy_tscv.csv */
#define EXPECTED_TSCV_SUMMARIES 32    /* rows of accuracy_tscv_by_h.csv (8 runs x (all + 3 steps)) */
#define EXPECTED_SINGLE_ORIGIN_CASES 32 /* 8 M3 cases x naive, snaive, drift, mean */

static int close_enough(double got, double expected) { return cc_fixture_close(got, expected, TOLERANCE); }

#define ck_assert_close(got, expected, what, label)                                                              \
  ck_assert_msg(close_enough((got), (expected)), "%s %s: got %.17g, R %.17g", (label), (what), (double)(got), \
                (double)(expected))

/* The values of case_name's `split` part ("train", "test" or "all"), in order; returns their count. */
static size_t series_part(const cc_fixture *series, const char *case_name, const char *split, double *values,
                          int *period) {
  size_t count = cc_fixture_series_part(series, case_name, split, values, MAX_VALUES, period);
  ck_assert_uint_le(count, MAX_VALUES);
  return count;
}

/* Backtest `model` on y; fails the test on error. */
static cc_backtest_result *backtest_or_fail(const double *y, size_t n, const char *model, const char *variant,
                                            int period, const cc_backtest_options *options) {
  const cc_model_type *type = cc_model_type_find(model);
  ck_assert_msg(type != NULL, "model %s not in the registry", model);
  cc_fit_options fit;
  cc_fit_options_default(&fit);
  fit.period = period;
  cc_backtest_result *r = NULL;
  cc_error err;
  cc_error_clear(&err);
  cc_status status = cc_backtest_run(y, n, type, variant, &fit, NULL, 0, options, &r, &err);
  ck_assert_msg(status == CC_OK, "backtest of %s failed: %s", model, err.message);
  return r;
}

START_TEST(test_tscv_reference) {
  cc_fixture *series = cc_fixture_load("accuracy_series.csv");
  cc_fixture *errors = cc_fixture_load("accuracy_tscv.csv");
  cc_fixture *by_h = cc_fixture_load("accuracy_tscv_by_h.csv");
  ck_assert_msg(series && errors && by_h, "tsCV fixtures missing: run tests/reference/accuracy_reference.R");
  size_t compared_errors = 0, missing_errors = 0, compared_summaries = 0;
  double y[MAX_VALUES];
  for (size_t s = 0; s < by_h->n_rows; s++) {
    if (atoi(cc_fixture_text(by_h, s, "h")) != 0) continue; /* one backtest per case and method */
    const char *case_name = cc_fixture_text(by_h, s, "case"), *method = cc_fixture_text(by_h, s, "method");
    char label[128];
    snprintf(label, sizeof label, "%s %s", case_name, method);
    int period = 0;
    size_t n = series_part(series, case_name, "all", y, &period);
    size_t first = (size_t)atoi(cc_fixture_text(by_h, s, "first"));
    ck_assert_uint_gt(n, first + H);

    cc_backtest_options options;
    cc_backtest_options_default(&options);
    options.horizon = H;
    options.n_origins = n - H - first + 1;
    options.keep_forecasts = 1;
    ck_assert_uint_eq(cc_backtest_min_length(&options), n - first + options.min_train);
    cc_backtest_result *r = backtest_or_fail(y, n, method, NULL, period, &options);
    ck_assert_uint_eq(r->first_origin, first);

    /* Every error of every origin. */
    for (size_t e = 0; e < errors->n_rows; e++) {
      if (strcmp(cc_fixture_text(errors, e, "case"), case_name) != 0) continue;
      if (strcmp(cc_fixture_text(errors, e, "method"), method) != 0) continue;
      size_t origin = (size_t)atoi(cc_fixture_text(errors, e, "origin"));
      size_t h = (size_t)atoi(cc_fixture_text(errors, e, "h"));
      ck_assert(origin >= first && h >= 1 && h <= H);
      size_t k = origin - first;
      ck_assert_uint_lt(k, r->n_origins);
      double expected = cc_fixture_number(errors, e, "error"), got = r->errors[k * H + h - 1];
      char what[64];
      snprintf(what, sizeof what, "error at origin %zu, h %zu", origin, h);
      ck_assert_close(got, expected, what, label);
      if (isnan(expected)) missing_errors++;
      compared_errors++;
    }
    /* The summaries over all steps (h = 0) and by step. */
    for (size_t t = 0; t < by_h->n_rows; t++) {
      if (strcmp(cc_fixture_text(by_h, t, "case"), case_name) != 0) continue;
      if (strcmp(cc_fixture_text(by_h, t, "method"), method) != 0) continue;
      size_t h = (size_t)atoi(cc_fixture_text(by_h, t, "h"));
      const cc_accuracy *acc = h == 0 ? &r->accuracy : &r->by_h[h - 1];
      char what[64];
      ck_assert_uint_eq(acc->n, (size_t)atoi(cc_fixture_text(by_h, t, "n")));
      snprintf(what, sizeof what, "MAE at h %zu", h);
      ck_assert_close(acc->mae, cc_fixture_number(by_h, t, "MAE"), what, label);
      snprintf(what, sizeof what, "RMSE at h %zu", h);
      ck_assert_close(acc->rmse, cc_fixture_number(by_h, t, "RMSE"), what, label);
      snprintf(what, sizeof what, "MASE at h %zu", h);
      ck_assert_close(acc->mase, cc_fixture_number(by_h, t, "MASE"), what, label);
      compared_summaries++;
    }
    cc_backtest_result_free(r);
  }
  ck_assert_uint_eq(compared_errors, EXPECTED_TSCV_ERRORS);
  ck_assert_uint_eq(compared_summaries, EXPECTED_TSCV_SUMMARIES);
  ck_assert_uint_gt(missing_errors, 0); /* missing actuals gave NaN errors, as NA in R */
  cc_fixture_free(series);
  cc_fixture_free(errors);
  cc_fixture_free(by_h);
}
END_TEST

START_TEST(test_single_origin_matches_accuracy) {
  cc_fixture *series = cc_fixture_load("accuracy_series.csv");
  cc_fixture *measures = cc_fixture_load("accuracy_measures.csv");
  ck_assert_msg(series && measures, "accuracy fixtures missing: run tests/reference/accuracy_reference.R");
  static const char *const methods[] = {"naive", "snaive", "drift", "mean"};
  size_t compared = 0;
  double y[2 * MAX_VALUES];
  for (size_t r = 0; r < measures->n_rows; r++) {
    const char *case_name = cc_fixture_text(measures, r, "case"), *method = cc_fixture_text(measures, r, "method");
    int ours = 0;
    for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) ours |= strcmp(methods[m], method) == 0;
    if (!ours) continue;
    char label[128];
    snprintf(label, sizeof label, "%s %s (one origin)", case_name, method);
    int period = 0;
    size_t n_train = series_part(series, case_name, "train", y, &period);
    size_t h = series_part(series, case_name, "test", y + n_train, &period);
    cc_backtest_options options;
    cc_backtest_options_default(&options);
    options.horizon = h;
    cc_backtest_result *b = backtest_or_fail(y, n_train + h, method, NULL, period, &options);
    ck_assert_uint_eq(b->first_origin, n_train);
    ck_assert_uint_eq(b->accuracy.n, (size_t)atoi(cc_fixture_text(measures, r, "n_test")));
    ck_assert_close(b->accuracy.me, cc_fixture_number(measures, r, "ME"), "ME", label);
    ck_assert_close(b->accuracy.mae, cc_fixture_number(measures, r, "MAE"), "MAE", label);
    ck_assert_close(b->accuracy.rmse, cc_fixture_number(measures, r, "RMSE"), "RMSE", label);
    ck_assert_close(b->accuracy.mase, cc_fixture_number(measures, r, "MASE"), "MASE", label);
    cc_backtest_result_free(b);
    compared++;
  }
  ck_assert_uint_eq(compared, EXPECTED_SINGLE_ORIGIN_CASES);
  cc_fixture_free(series);
  cc_fixture_free(measures);
}
END_TEST

/* A trending monthly series with a season, strictly positive. */
static void seasonal_series(double *y, size_t n) {
  for (size_t t = 0; t < n; t++)
    y[t] = (200 + 1.5 * (double)t) * (1 + 0.25 * sin(2 * 3.14159265358979 * (double)t / 12)) + 7 * cos(1.7 * (double)t);
}

START_TEST(test_origins_and_steps) {
  enum { N = 40 };
  double y[N];
  seasonal_series(y, N);
  cc_backtest_options options;
  cc_backtest_options_default(&options);
  options.horizon = 4;
  options.n_origins = 6;
  options.keep_forecasts = 1;
  cc_backtest_result *one = backtest_or_fail(y, N, "naive", NULL, 12, &options);
  ck_assert_uint_eq(one->first_origin, N - 4 - 5);
  ck_assert_uint_eq(one->n_origins, 6);
  ck_assert_uint_eq(one->step, 1);
  ck_assert_str_eq(one->last_spec, "Naive");
  /* Naive from origin o forecasts y[o - 1] at every step. */
  for (size_t k = 0; k < 6; k++)
    for (size_t i = 0; i < 4; i++) {
      size_t origin = one->first_origin + k;
      ck_assert_double_eq(one->mean[k * 4 + i], y[origin - 1]);
      ck_assert_double_eq(one->errors[k * 4 + i], y[origin + i] - y[origin - 1]);
    }
  ck_assert_uint_eq(one->first_origin + 5 + 4, N); /* the last origin leaves exactly H values */

  /* Step 2, three origins: the origins N-4-4, N-4-2, N-4 of the step-1 run. */
  options.n_origins = 3;
  options.step = 2;
  cc_backtest_result *two = backtest_or_fail(y, N, "naive", NULL, 12, &options);
  ck_assert_uint_eq(two->first_origin, N - 4 - 4);
  for (size_t k = 0; k < 3; k++) {
    size_t k_one = two->first_origin + 2 * k - one->first_origin;
    ck_assert_mem_eq(two->mean + k * 4, one->mean + k_one * 4, 4 * sizeof *two->mean);
    ck_assert_mem_eq(two->lower + k * 2 * 4, one->lower + k_one * 2 * 4, 2 * 4 * sizeof *two->lower);
  }
  /* The per-step table is the step's own scores: MAE at h over the origins. */
  for (size_t i = 0; i < 4; i++) {
    double sum = 0;
    for (size_t k = 0; k < 3; k++) sum += fabs(two->errors[k * 4 + i]);
    ck_assert_double_eq_tol(two->by_h[i].mae, sum / 3, 1e-12);
    ck_assert_uint_eq(two->by_h[i].n, 3);
  }
  ck_assert_uint_eq(two->accuracy.n, 12);
  ck_assert_uint_eq(two->n_levels, 2);
  ck_assert_double_eq(two->levels[0], 80);
  ck_assert_double_eq(two->levels[1], 95);
  cc_backtest_result_free(one);
  cc_backtest_result_free(two);
}
END_TEST

/* A family for this test only whose intervals are always simulated (no
 * shipped family simulates them today): a random walk, N(0, 1) steps. */
static const cc_model_type simulated_walk;

static cc_status walk_fit(const double *y, size_t n, const char *variant, const cc_fit_options *options, cc_model **out,
                          cc_error *err) {
  *out = cc_model_alloc(&simulated_walk, n, 0, 1);
  if (!*out) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  (*out)->states[0] = y[n - 1];
  (*out)->sigma2 = 1;
  snprintf((*out)->spec, sizeof (*out)->spec, "Walk(%zu)", n);
  return CC_OK;
}

static cc_status walk_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic,
                               cc_error *err) {
  for (size_t i = 0; i < h; i++) mean[i] = m->states[0], variance[i] = NAN;
  *analytic = 0;
  return CC_OK;
}

static cc_status walk_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  double level = m->states[0];
  for (size_t i = 0; i < h; i++) path[i] = level += gsl_ran_gaussian(rng, 1);
  return CC_OK;
}

static const cc_model_type simulated_walk = {"walk", "test only: simulated intervals", walk_fit, walk_forecast,
                                             walk_simulate};

/* Backtest the simulated walk with `seed` over n_origins origins of HORIZON steps. */
static cc_backtest_result *walk_backtest(const double *y, size_t n, size_t horizon, size_t n_origins,
                                         unsigned long seed) {
  cc_backtest_options options;
  cc_backtest_options_default(&options);
  options.horizon = horizon;
  options.n_origins = n_origins;
  options.seed = seed;
  options.interval_paths = 500;
  options.keep_forecasts = 1;
  cc_backtest_result *r = NULL;
  cc_error err;
  cc_error_clear(&err);
  ck_assert_msg(cc_backtest_run(y, n, &simulated_walk, NULL, NULL, NULL, 0, &options, &r, &err) == CC_OK, "%s",
                err.message);
  return r;
}

START_TEST(test_simulated_intervals_deterministic) {
  /* Every origin simulates its intervals from a seed that depends on the
   * base seed and the origin only. */
  enum { N = 60, HORIZON = 6 };
  double y[N];
  seasonal_series(y, N);
  cc_model *m = NULL;
  ck_assert_int_eq(simulated_walk.fit(y, N - HORIZON, NULL, NULL, &m, NULL), CC_OK);
  cc_forecast_options forecast_options;
  cc_forecast_options_default(&forecast_options);
  forecast_options.n_paths = 0;
  forecast_options.interval_paths = 500;
  forecast_options.seed = cc_backtest_origin_seed(77, N - HORIZON);
  static const double levels[] = {80, 95};
  cc_forecast *direct = NULL;
  ck_assert_int_eq(cc_forecast_compute(m, HORIZON, levels, 2, &forecast_options, &direct, NULL), CC_OK);
  ck_assert_int_eq(direct->analytic, 0);

  cc_backtest_result *a = walk_backtest(y, N, HORIZON, 3, 77);
  cc_backtest_result *b = walk_backtest(y, N, HORIZON, 3, 77);
  cc_backtest_result *c = walk_backtest(y, N, HORIZON, 2, 77);
  size_t bounds = 2 * HORIZON;
  ck_assert_mem_eq(a->lower, b->lower, 3 * bounds * sizeof *a->lower);
  ck_assert_mem_eq(a->upper, b->upper, 3 * bounds * sizeof *a->upper);
  ck_assert_double_eq(a->accuracy.pinball, b->accuracy.pinball);
  ck_assert_double_eq(a->accuracy.coverage[0], b->accuracy.coverage[0]);
  /* The last two origins of a are c's two origins. */
  ck_assert_mem_eq(a->lower + bounds, c->lower, 2 * bounds * sizeof *a->lower);
  ck_assert_mem_eq(a->upper + bounds, c->upper, 2 * bounds * sizeof *a->upper);
  /* And the last origin is exactly cc_forecast_compute with that origin's seed. */
  ck_assert_mem_eq(a->lower + 2 * bounds, direct->lower, bounds * sizeof *a->lower);
  ck_assert_mem_eq(a->upper + 2 * bounds, direct->upper, bounds * sizeof *a->upper);
  ck_assert_mem_eq(a->mean + 2 * HORIZON, direct->mean, HORIZON * sizeof *a->mean);
  ck_assert_str_eq(a->last_spec, m->spec);
  /* The origins do not share a stream: the same model state at two origins
   * (a flat series) still gets different draws. A new base seed moves them. */
  double flat[N];
  for (size_t t = 0; t < N; t++) flat[t] = 50;
  cc_backtest_result *e = walk_backtest(flat, N, HORIZON, 2, 77);
  ck_assert(memcmp(e->lower, e->lower + bounds, bounds * sizeof *e->lower) != 0);
  cc_backtest_result *d = walk_backtest(y, N, HORIZON, 3, 78);
  ck_assert(memcmp(a->lower, d->lower, 3 * bounds * sizeof *a->lower) != 0);
  ck_assert_uint_ne(cc_backtest_origin_seed(77, 10), cc_backtest_origin_seed(77, 11));
  ck_assert_uint_ne(cc_backtest_origin_seed(77, 10), cc_backtest_origin_seed(78, 10));
  cc_forecast_free(direct);
  cc_model_free(m);
  cc_backtest_result_free(a);
  cc_backtest_result_free(b);
  cc_backtest_result_free(c);
  cc_backtest_result_free(d);
  cc_backtest_result_free(e);
}
END_TEST

START_TEST(test_nonnegative) {
  /* A count falling to zero: drift forecasts go negative unless censored. */
  const double y[] = {12, 10, 9, 7, 6, 4, 3, 2, 1, 0, 1, 0};
  cc_backtest_options options;
  cc_backtest_options_default(&options);
  options.horizon = 4;
  options.n_origins = 3;
  options.keep_forecasts = 1;
  cc_backtest_result *raw = backtest_or_fail(y, 12, "drift", NULL, 1, &options);
  options.nonnegative = 1;
  cc_backtest_result *counts = backtest_or_fail(y, 12, "drift", NULL, 1, &options);
  int negative = 0;
  for (size_t k = 0; k < 3 * 4; k++) {
    negative |= raw->mean[k] < 0;
    ck_assert_double_ge(counts->mean[k], 0);
    ck_assert_double_eq(counts->mean[k], fmax(raw->mean[k], 0));
  }
  for (size_t k = 0; k < 3 * 2 * 4; k++) ck_assert_double_ge(counts->lower[k], 0);
  ck_assert(negative);
  ck_assert_double_lt(counts->accuracy.mae, raw->accuracy.mae);
  cc_backtest_result_free(raw);
  cc_backtest_result_free(counts);
}
END_TEST

START_TEST(test_missing_actuals) {
  /* Missing values in the forecast region: their errors are NaN and no
   * measure counts them; the measures are those of the errors present. */
  enum { N = 30 };
  double y[N];
  seasonal_series(y, N);
  y[24] = NAN;
  y[27] = NAN;
  cc_backtest_options options;
  cc_backtest_options_default(&options);
  options.horizon = 3;
  options.n_origins = 5;
  options.keep_forecasts = 1;
  cc_backtest_result *r = backtest_or_fail(y, N, "naive", NULL, 1, &options);
  ck_assert_uint_eq(r->first_origin, 23);
  size_t present = 0;
  double sum = 0;
  for (size_t k = 0; k < 5; k++)
    for (size_t i = 0; i < 3; i++) {
      double e = r->errors[k * 3 + i];
      ck_assert(isnan(e) == isnan(y[23 + k + i]));
      if (!isnan(e)) present++, sum += fabs(e);
    }
  /* y[24] is an actual for 2 origin-steps, y[27] for 3 (and the last value fitted by origins 28). */
  ck_assert_uint_eq(present, 15 - 2 - 3);
  ck_assert_uint_eq(r->accuracy.n, present);
  ck_assert(isfinite(r->accuracy.mae) && isfinite(r->accuracy.rmse) && isfinite(r->accuracy.mase) &&
            isfinite(r->accuracy.smape) && isfinite(r->accuracy.pinball));
  ck_assert_double_eq_tol(r->accuracy.mae, sum / (double)present, 1e-12);
  size_t by_step = 0;
  for (size_t i = 0; i < 3; i++) by_step += r->by_h[i].n;
  ck_assert_uint_eq(by_step, present);
  cc_backtest_result_free(r);
}
END_TEST

START_TEST(test_memory_kept_only_when_asked) {
  double y[30];
  seasonal_series(y, 30);
  cc_backtest_options options;
  cc_backtest_options_default(&options);
  options.horizon = 5;
  options.n_origins = 10;
  cc_backtest_result *r = backtest_or_fail(y, 30, "mean", NULL, 1, &options);
  ck_assert_int_eq(r->kept, 0);
  ck_assert(r->mean == NULL && r->errors == NULL && r->lower == NULL && r->upper == NULL);
  ck_assert_ptr_nonnull(r->by_h);
  ck_assert_uint_eq(r->accuracy.n, 50);
  ck_assert_uint_eq(r->by_h[4].n, 10);
  cc_backtest_result_free(r);
  cc_backtest_result_free(NULL);
  /* The defaults: one origin, one step ahead, levels 80 and 95. */
  cc_backtest_result *d = NULL;
  ck_assert_int_eq(cc_backtest_run(y, 30, cc_model_type_find("naive"), NULL, NULL, NULL, 0, NULL, &d, NULL), CC_OK);
  ck_assert_uint_eq(d->first_origin, 29);
  ck_assert_uint_eq(d->accuracy.n, 1);
  ck_assert_uint_eq(d->n_levels, 2);
  ck_assert_double_eq(d->accuracy.mae, fabs(y[29] - y[28]));
  cc_backtest_result_free(d);
  /* Levels given explicitly, none at all. */
  const double no_levels[] = {0};
  ck_assert_int_eq(cc_backtest_run(y, 30, cc_model_type_find("naive"), NULL, NULL, no_levels, 0, NULL, &d, NULL),
                   CC_OK);
  ck_assert_uint_eq(d->n_levels, 0);
  ck_assert(isnan(d->accuracy.pinball));
  cc_backtest_result_free(d);
}
END_TEST

/* Run a backtest expected to fail; returns its status and leaves the message in err. */
static cc_status run_failing(const double *y, size_t n, const char *model, int period,
                             const cc_backtest_options *options, const double *levels, size_t n_levels,
                             cc_error *err) {
  cc_fit_options fit;
  cc_fit_options_default(&fit);
  fit.period = period;
  cc_backtest_result *r = (cc_backtest_result *)&r; /* must be reset to NULL */
  cc_error_clear(err);
  cc_status status =
      cc_backtest_run(y, n, model ? cc_model_type_find(model) : NULL, NULL, &fit, levels, n_levels, options, &r, err);
  ck_assert_ptr_null(r);
  return status;
}

START_TEST(test_errors) {
  double y[20];
  seasonal_series(y, 20);
  cc_error err;
  cc_backtest_options options;
  cc_backtest_options_default(&options);

  options.horizon = 0;
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, &options, NULL, 0, &err), CC_EUSAGE);
  ck_assert_str_eq(err.field, "horizon");
  cc_backtest_options_default(&options);
  options.n_origins = 0;
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, &options, NULL, 0, &err), CC_EUSAGE);
  ck_assert_str_eq(err.field, "origins");
  cc_backtest_options_default(&options);
  options.step = 0;
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, &options, NULL, 0, &err), CC_EUSAGE);
  ck_assert_str_eq(err.field, "step");
  cc_backtest_options_default(&options);
  options.min_train = 0;
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, &options, NULL, 0, &err), CC_EUSAGE);
  ck_assert_int_eq(run_failing(y, 20, NULL, 1, NULL, NULL, 0, &err), CC_EUSAGE);
  ck_assert_str_eq(err.field, "model");

  /* Too short: 2 + 4 + (6 - 1) * 2 = 16 values needed. */
  cc_backtest_options_default(&options);
  options.horizon = 4;
  options.n_origins = 6;
  options.step = 2;
  ck_assert_uint_eq(cc_backtest_min_length(&options), 16);
  ck_assert_int_eq(run_failing(y, 15, "naive", 1, &options, NULL, 0, &err), CC_EINPUT);
  ck_assert_msg(strstr(err.message, "needs at least 16 values") != NULL, "message: %s", err.message);
  ck_assert_msg(strstr(err.message, "has 15 values") != NULL, "message: %s", err.message);
  cc_backtest_result *r = NULL;
  ck_assert_int_eq(cc_backtest_run(y, 16, cc_model_type_find("naive"), NULL, NULL, NULL, 0, &options, &r, NULL), CC_OK);
  ck_assert_uint_eq(r->first_origin, 2);
  cc_backtest_result_free(r);
  ck_assert_int_eq(run_failing(y, 0, "naive", 1, &options, NULL, 0, &err), CC_EINPUT);
  options.n_origins = (size_t)-1;
  ck_assert_uint_eq(cc_backtest_min_length(&options), (size_t)-1);
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, &options, NULL, 0, &err), CC_EINPUT);

  /* Bad levels. */
  const double bad[] = {80, 100};
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, NULL, bad, 2, &err), CC_EUSAGE);
  ck_assert_str_eq(err.field, "level");
  double many[CC_ACCURACY_LEVELS_MAX + 1];
  for (size_t l = 0; l <= CC_ACCURACY_LEVELS_MAX; l++) many[l] = 50 + (double)l;
  ck_assert_int_eq(run_failing(y, 20, "naive", 1, NULL, many, CC_ACCURACY_LEVELS_MAX + 1, &err), CC_EUSAGE);

  /* An infinite value. */
  double with_inf[20];
  memcpy(with_inf, y, sizeof y);
  with_inf[7] = INFINITY;
  ck_assert_int_eq(run_failing(with_inf, 20, "naive", 1, NULL, NULL, 0, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "value 8"));

  /* A family that refuses at an origin: snaive with period 12 on 5 values. */
  cc_backtest_options_default(&options);
  options.horizon = 2;
  options.n_origins = 10;
  ck_assert_int_eq(run_failing(y, 15, "snaive", 12, &options, NULL, 0, &err), CC_EINPUT);
  ck_assert_msg(strncmp(err.message, "origin 1 of 10 (fitted on the first 4 values): ", 47) == 0, "message: %s",
                err.message);
}
END_TEST

static Suite *backtest_suite(void) {
  Suite *suite = suite_create("backtest");
  TCase *reference = tcase_create("reference");
  tcase_add_test(reference, test_tscv_reference);
  tcase_add_test(reference, test_single_origin_matches_accuracy);
  suite_add_tcase(suite, reference);
  TCase *exact = tcase_create("exact");
  tcase_add_test(exact, test_origins_and_steps);
  tcase_add_test(exact, test_simulated_intervals_deterministic);
  tcase_add_test(exact, test_nonnegative);
  tcase_add_test(exact, test_missing_actuals);
  tcase_add_test(exact, test_memory_kept_only_when_asked);
  suite_add_tcase(suite, exact);
  TCase *errors = tcase_create("errors");
  tcase_add_test(errors, test_errors);
  suite_add_tcase(suite, errors);
  return suite;
}

int main(void) {
  return cc_test_run_suite(backtest_suite());
}
