/* test_quality.c: the quality stage on series whose truth is known.
 *   - outliers planted in 200 simulated series (seasonal monthly and not):
 *     at least 90% found, at most 5% of the other values flagged;
 *   - imputation: values hidden from complete series (R datasets, simulated)
 *     are imputed by Kalman smoothing; its mean absolute error is compared
 *     with linear interpolation's and must be lower over all series;
 *   - assessment counts, the score formula, and every handling option on a
 *     small series built by hand (flags, bounds, shortening, steps);
 *   - the store keeps the original; fitting uses the flags (select.h);
 *   - the break test's size and power as cc_quality_assess runs it (200
 *     seeded series of each kind). Seen: no break, flagged at p < 0.001
 *     (p < 0.05): AR(1) 0.7 + trend 0 (0), random walk + drift 0 (0),
 *     seasonal + trend 1 (10), quadratic projection 0 (0); the plain sup-F
 *     at p < 0.05: 194, 200, 15, 200. A shift of 3 sds found: white noise
 *     200, seasonal 200 (199 placed within 3); in AR(1) 0.7 noise 0 (not
 *     asserted, breaks.h); 8 and 15 sds in white noise: 200 and 200. */
#include <check.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/breaks.h"
#include "carecast/interp.h"
#include "carecast/outliers.h"
#include "carecast/quality.h"
#include "carecast/select.h"
#include "carecast/store.h"
#include "carecast/structts.h"
#include "fixture.h"
#include "testutil.h"

#define SIM_SERIES 200          /* simulated series for the planted-outlier test */
#define SIM_PLANTED 3           /* outliers planted in each */
#define SIM_MIN_SIZE 6.0        /* planted outliers are 6-10 noise sds away */
#define SIM_MAX_SIZE 10.0
#define MIN_RECALL 0.90
#define MAX_FALSE_RATE 0.05
#define HIDDEN_SHARE 0.10       /* share of values hidden in the imputation test */
#define MAX_VALUES 1024

/* A simulated series: level + trend + (season) + AR(1) noise of sd `sd`. */
static void simulate(gsl_rng *rng, double *y, size_t n, int period, double sd) {
  double level = 100 + 400 * gsl_rng_uniform(rng), slope = gsl_ran_gaussian(rng, 0.3), amplitude = period > 1 ? 10 + 20 * gsl_rng_uniform(rng) : 0;
  double noise = 0;
  for (size_t t = 0; t < n; t++) {
    noise = 0.3 * noise + gsl_ran_gaussian(rng, sd * sqrt(1 - 0.09));
    y[t] = level + slope * (double)t + amplitude * sin(2 * M_PI * (double)t / (period > 1 ? period : 1)) + noise;
  }
}

START_TEST(test_planted_outliers_are_found) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 20250401);
  size_t planted_total = 0, found = 0, others = 0, false_flags = 0;
  for (int k = 0; k < SIM_SERIES; k++) {
    int period = k % 2 ? 12 : 1;
    size_t n = period > 1 ? 96 + (size_t)(k % 5) * 12 : 40 + (size_t)(k % 7) * 5;
    double y[MAX_VALUES], sd = 5.0;
    unsigned char planted[MAX_VALUES] = {0};
    simulate(rng, y, n, period, sd);
    for (int p = 0; p < SIM_PLANTED;) {
      size_t at = 2 + gsl_rng_uniform_int(rng, n - 4);
      if (planted[at]) continue;
      double size = SIM_MIN_SIZE + (SIM_MAX_SIZE - SIM_MIN_SIZE) * gsl_rng_uniform(rng);
      y[at] += (gsl_rng_uniform(rng) < 0.5 ? -1 : 1) * size * sd;
      planted[at] = 1;
      p++;
    }
    cc_outliers *o = cc_outliers_alloc(n);
    cc_error err;
    ck_assert_int_eq(cc_outliers_find(y, n, period, CC_OUTLIER_ITERATE, o, &err), CC_OK);
    unsigned char flagged[MAX_VALUES] = {0};
    for (size_t i = 0; i < o->count; i++) flagged[o->index[i]] = 1;
    for (size_t t = 0; t < n; t++) {
      if (planted[t]) {
        planted_total++;
        found += flagged[t];
      } else {
        others++;
        false_flags += flagged[t];
      }
    }
    cc_outliers_free(o);
  }
  gsl_rng_free(rng);
  double recall = (double)found / (double)planted_total, false_rate = (double)false_flags / (double)others;
  fprintf(stderr, "planted outliers: %zu of %zu found (%.1f%%), %zu of %zu other values flagged (%.2f%%)\n", found,
          planted_total, 100 * recall, false_flags, others, 100 * false_rate);
  ck_assert_msg(recall >= MIN_RECALL, "recall %.3f", recall);
  ck_assert_msg(false_rate <= MAX_FALSE_RATE, "false flags %.3f", false_rate);
}
END_TEST

/* Mean absolute error at the hidden positions. */
static double hidden_mae(const double *truth, const double *filled, const unsigned char *hidden, size_t n) {
  double sum = 0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    if (hidden[t]) sum += fabs(filled[t] - truth[t]), count++;
  return sum / (double)count;
}

START_TEST(test_kalman_imputation_beats_linear) {
  static const char *const cases[] = {"airpassengers", "nottem", "usaccdeaths", "nile", "lynx", "sim_shift", "sim_shift_q"};
  cc_fixture *series = cc_fixture_load("quality_series.csv");
  ck_assert_ptr_nonnull(series);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 7);
  double kalman_total = 0, linear_total = 0, seasonal_total = 0;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    double truth[MAX_VALUES], y[MAX_VALUES], kalman[MAX_VALUES], linear[MAX_VALUES], seasonal[MAX_VALUES];
    unsigned char hidden[MAX_VALUES] = {0};
    int period = 1;
    size_t n = 0;
    for (size_t r = 0; r < series->n_rows; r++)
      if (strcmp(cc_fixture_text(series, r, "case"), cases[c]) == 0) {
        truth[n++] = cc_fixture_number(series, r, "value");
        period = atoi(cc_fixture_text(series, r, "period"));
      }
    ck_assert_uint_gt(n, 20);
    double spread = 0, mean = 0;
    for (size_t t = 0; t < n; t++) mean += truth[t] / (double)n;
    for (size_t t = 0; t < n; t++) spread += fabs(truth[t] - mean) / (double)n;
    for (size_t t = 0; t < n; t++) {
      hidden[t] = t > 0 && gsl_rng_uniform(rng) < HIDDEN_SHARE;
      y[t] = hidden[t] ? NAN : truth[t];
    }
    cc_error err;
    ck_assert_int_eq(cc_impute_kalman(y, n, period, kalman, &err), CC_OK);
    ck_assert_int_eq(cc_interp_linear(y, n, linear, &err), CC_OK);
    ck_assert_int_eq(cc_interp_na(y, n, period, seasonal, &err), CC_OK);
    for (size_t t = 0; t < n; t++)
      if (!hidden[t]) ck_assert_double_eq(kalman[t], truth[t]);
    /* Errors relative to the series' mean absolute deviation, so that series weigh alike. */
    double ek = hidden_mae(truth, kalman, hidden, n) / spread, el = hidden_mae(truth, linear, hidden, n) / spread,
           es = hidden_mae(truth, seasonal, hidden, n) / spread;
    fprintf(stderr, "%-14s n %3zu: relative MAE Kalman %.3f, linear %.3f, na.interp %.3f\n", cases[c], n, ek, el, es);
    kalman_total += ek;
    linear_total += el;
    seasonal_total += es;
  }
  fprintf(stderr, "mean relative MAE: Kalman %.3f, linear %.3f, na.interp %.3f\n", kalman_total / 7, linear_total / 7,
          seasonal_total / 7);
  ck_assert_msg(kalman_total < linear_total, "Kalman %.3f not better than linear %.3f", kalman_total, linear_total);
  gsl_rng_free(rng);
  cc_fixture_free(series);
}
END_TEST

/* A monthly count series of 60 slots: level 40 rising slowly with noise,
 * a step of +25 from slot 36, suppressed cells (bound 5) at 10 and 11,
 * a gap at 20-22, an outlier at 30 and a zero at 45. */
static cc_series *hand_made(void) {
  cc_series *s = cc_series_alloc(60);
  snprintf(s->id, sizeof s->id, "m/E1/all");
  snprintf(s->measure, sizeof s->measure, "m");
  snprintf(s->geography, sizeof s->geography, "E1");
  snprintf(s->age_band, sizeof s->age_band, "all");
  s->kind = CC_KIND_FLOW;
  s->freq = CC_FREQ_MONTH;
  ck_assert_int_eq(cc_period_parse("2019-01", &s->start, NULL), CC_OK);
  s->source_ids = strdup("src");
  for (size_t t = 0; t < 60; t++) {
    s->values[t] = 40 + 0.1 * (double)t + ((t * 7) % 5) - 2.0 + (t >= 36 ? 25 : 0);
    s->flags[t] = CC_OBS_OBSERVED;
  }
  for (size_t t = 10; t <= 11; t++) {
    s->values[t] = NAN;
    s->bounds[t] = 5;
    s->flags[t] = CC_OBS_SUPPRESSED;
  }
  for (size_t t = 20; t <= 22; t++) {
    s->values[t] = NAN;
    s->flags[t] = 0;
  }
  s->values[30] = 200;
  s->values[45] = 0;
  return s;
}

START_TEST(test_assessment_and_handling) {
  cc_series *s = hand_made();
  cc_quality *q = cc_quality_alloc(s->n);
  cc_error err;
  ck_assert_int_eq(cc_quality_assess(s, q, &err), CC_OK);
  ck_assert_uint_eq(q->missing, 3);
  ck_assert_uint_eq(q->missing_runs, 1);
  ck_assert_uint_eq(q->longest_gap, 3);
  ck_assert_uint_eq(q->suppressed, 2);
  ck_assert_uint_eq(q->zeros, 1);
  ck_assert(q->marks[45] & CC_QUALITY_MARK_ZERO);
  ck_assert(q->marks[30] & CC_QUALITY_MARK_OUTLIER);
  /* The step starts at slot 36; after seasonal adjustment the break is located within one slot of it. */
  ck_assert_msg(q->has_break && q->break_index >= 35 && q->break_index <= 37, "break %d at %zu (p %g)", q->has_break,
                q->break_index, q->break_p);
  /* score = 100 (1 - (3 + 2/2 + 2 outliers + 2 zeros) / 60) - 15 */
  double lost = 3 + 0.5 * 2 + 2.0 * (double)q->outliers + 2.0 * 1;
  ck_assert_double_eq_tol(q->score, 100 * (1 - lost / 60) - 15, 1e-9);

  cc_quality_handling keep = {.impute = 1};
  cc_series *h = NULL;
  ck_assert_int_eq(cc_quality_handle(s, q, &keep, &h, &err), CC_OK);
  ck_assert_uint_eq(h->n, 60);
  for (size_t t = 0; t < 60; t++) ck_assert(!isnan(h->values[t]));
  for (size_t t = 10; t <= 11; t++) {
    ck_assert(h->values[t] >= 0 && h->values[t] <= 5);
    ck_assert(h->flags[t] & CC_OBS_IMPUTED);
    ck_assert(h->flags[t] & CC_OBS_SUPPRESSED);
  }
  for (size_t t = 20; t <= 22; t++) ck_assert(h->flags[t] & CC_OBS_IMPUTED);
  ck_assert_double_eq(h->values[30], 200); /* flagged, not replaced */
  ck_assert(h->flags[30] & CC_OBS_OUTLIER);
  ck_assert(!(h->flags[30] & CC_OBS_IMPUTED));
  ck_assert(!(h->flags[q->break_index] & CC_OBS_BREAK));
  cc_series_free(h);

  cc_quality_handling all = {.impute = 1, .replace_outliers = 1, .breaks = CC_BREAKS_STEP};
  ck_assert_int_eq(cc_quality_handle(s, q, &all, &h, &err), CC_OK);
  ck_assert(h->values[30] < 100);
  ck_assert(h->flags[30] & CC_OBS_IMPUTED);
  ck_assert(h->flags[q->break_index] & CC_OBS_BREAK);
  /* Fitting uses the flags: a mean model on a series with a step fits the post-break level. */
  cc_model_request request;
  ck_assert_int_eq(cc_model_request_parse("mean", &request, &err), CC_OK);
  cc_model *m = NULL;
  ck_assert_int_eq(cc_model_fit_series(&request, h, &m, &err), CC_OK);
  ck_assert_double_eq_tol(m->fitted[59], 65 + 0.1 * 59 - 3, 3.0); /* about the post-break line's mean */
  cc_model_free(m);
  /* ETS skips imputed values: it counts the observed ones only. */
  ck_assert_int_eq(cc_model_request_parse("ets:ANN", &request, &err), CC_OK);
  ck_assert_int_eq(cc_model_fit_series(&request, h, &m, &err), CC_OK);
  size_t imputed = 0;
  for (size_t t = 0; t < 60; t++) imputed += (h->flags[t] & CC_OBS_IMPUTED) != 0;
  ck_assert_uint_eq(m->nobs, 60 - imputed);
  cc_model_free(m);
  cc_series_free(h);

  cc_quality_handling shorten = {.breaks = CC_BREAKS_SHORTEN};
  ck_assert_int_eq(cc_quality_handle(s, q, &shorten, &h, &err), CC_OK);
  ck_assert_uint_eq(h->n, 60 - q->break_index);
  ck_assert_int_eq(h->start.index, cc_period_add(s->start, (int32_t)q->break_index).index);
  ck_assert_double_eq(h->values[0], s->values[q->break_index]);
  cc_series_free(h);

  cc_break_handling b;
  ck_assert_int_eq(cc_break_handling_parse("sideways", &b, &err), CC_EUSAGE);
  cc_quality *wrong = cc_quality_alloc(5);
  ck_assert_int_eq(cc_quality_assess(s, wrong, &err), CC_EINTERNAL);
  ck_assert_int_eq(cc_quality_handle(s, wrong, &all, &h, &err), CC_EINTERNAL);
  cc_quality_free(wrong);
  cc_quality_free(q);
  cc_series_free(s);
}
END_TEST

START_TEST(test_store_keeps_the_original) {
  char *dir = cc_test_tmpdir(), *path = cc_test_path(dir, "store.h5");
  cc_series *s = hand_made();
  cc_store *store = NULL;
  cc_error err;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_write(store, s, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_keep_original(store, "nope/E1/all", &err), CC_EINPUT);
  ck_assert_int_eq(cc_store_series_keep_original(store, s->id, &err), CC_OK);
  s->values[0] = -1;
  ck_assert_int_eq(cc_store_series_write(store, s, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_keep_original(store, s->id, &err), CC_OK); /* the first copy stays */
  ck_assert_int_eq(cc_store_commit(store, &err), CC_OK);
  cc_store_close(store);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_series *original = NULL, *current = NULL;
  int found = 0;
  ck_assert_int_eq(cc_store_series_read_original(store, s->id, &original, &found, &err), CC_OK);
  ck_assert_int_eq(found, 1);
  ck_assert_int_eq(cc_store_series_read(store, s->id, &current, &err), CC_OK);
  ck_assert_double_eq(current->values[0], -1);
  ck_assert_double_ne(original->values[0], -1);
  ck_assert_uint_eq(original->n, s->n);
  ck_assert(isnan(original->values[20]));
  cc_series_free(original);
  ck_assert_int_eq(cc_store_series_read_original(store, "m/E2/all", &original, &found, &err), CC_OK);
  ck_assert_int_eq(found, 0);
  ck_assert_ptr_null(original);
  cc_store_close(store);
  cc_series_free(current);
  cc_series_free(s);
  cc_test_rmtree(dir);
  free(dir);
  free(path);
}
END_TEST

/* Size and power of the break test as cc_quality_assess runs it, on series
 * like ours (seeded). No break: AR(1) noise (phi 0.7) about a trend, a random
 * walk with drift, seasonal monthly demand with a trend (132 months each) and
 * smooth quadratic population projections (19 years, whole persons); each
 * must be flagged at most as often as the test's level says (at p < 0.05 and
 * at carecast's CC_QUALITY_BREAK_ALPHA). A level shift of 3 noise sds at a
 * random point of the middle 70% of a trending series, with white or
 * seasonal noise, must be found at least 90% of the time and placed within
 * BREAK_PLACED periods. The same null series through the plain sup-F (iid
 * variance, cc_break_supf) are flagged far more often: what the long-run
 * variance is for. */
#define BREAK_RUNS 200            /* simulated series per kind */
#define BREAK_MONTHS 132          /* April 2014 to March 2025, as the embedded data */
#define BREAK_YEARS 19            /* 2022-2040, as the ONS projections */
#define BREAK_NOISE_SD 5.0        /* sd of the (innovation) noise */
#define BREAK_AR 0.7              /* AR(1) coefficient of the autocorrelated kind */
#define BREAK_DRIFT 0.5           /* drift of the random walk per month */
#define BREAK_SHIFT_SDS 3.0       /* planted shift, in noise sds */
#define BREAK_MIDDLE 0.70         /* share of the series the planted shift falls in (centred) */
#define BREAK_PLACED 3            /* periods a found break may be off by */
#define BREAK_SIZE_LEVEL 0.05     /* a 5% test ... */
#define BREAK_MIN_POWER 0.90      /* ... and the power asked for */
#define BREAK_PLAIN_EXCESS 4.0    /* the plain test's false flags exceed the nominal rate this many times */

typedef enum { SIM_AR1, SIM_RANDOM_WALK, SIM_SEASONAL, SIM_PROJECTION, SIM_WHITE, SIM_KINDS } break_sim;
static const char *const break_sim_names[SIM_KINDS] = {"AR(1) 0.7 + trend", "random walk + drift", "seasonal + trend",
                                                       "quadratic projection", "white noise + trend"};

/* A series of the given kind without a break into s (allocated for its length). */
static void simulate_unbroken(gsl_rng *rng, break_sim kind, cc_series *s) {
  double level = 100 + 400 * gsl_rng_uniform(rng), slope = gsl_ran_gaussian(rng, 0.3), noise = 0;
  double amplitude = 10 + 20 * gsl_rng_uniform(rng), phase = 2 * M_PI * gsl_rng_uniform(rng);
  double base = 1e4 + 6e5 * gsl_rng_uniform(rng), growth = 0.002 + 0.008 * gsl_rng_uniform(rng),
         bend = -2e-4 * gsl_rng_uniform(rng);
  for (size_t t = 0; t < s->n; t++) {
    double time = (double)t;
    switch (kind) {
    case SIM_AR1:
      noise = BREAK_AR * noise + gsl_ran_gaussian(rng, BREAK_NOISE_SD);
      s->values[t] = level + slope * time + noise;
      break;
    case SIM_RANDOM_WALK:
      noise += BREAK_DRIFT + gsl_ran_gaussian(rng, BREAK_NOISE_SD);
      s->values[t] = 2 * level + noise;
      break;
    case SIM_SEASONAL:
      s->values[t] = level + slope * time + amplitude * sin(2 * M_PI * time / 12 + phase) +
                     0.5 * amplitude * cos(4 * M_PI * time / 12) + gsl_ran_gaussian(rng, BREAK_NOISE_SD);
      break;
    case SIM_PROJECTION: s->values[t] = round(base * (1 + growth * time + bend * time * time)); break;
    default: s->values[t] = level + slope * time + gsl_ran_gaussian(rng, BREAK_NOISE_SD); break;
    }
  }
}

static cc_series *break_series(break_sim kind) {
  size_t n = kind == SIM_PROJECTION ? BREAK_YEARS : BREAK_MONTHS;
  cc_series *s = cc_series_alloc(n);
  ck_assert_ptr_nonnull(s);
  snprintf(s->id, sizeof s->id, "sim/E1/all");
  s->kind = kind == SIM_PROJECTION ? CC_KIND_STOCK : CC_KIND_FLOW;
  s->freq = kind == SIM_PROJECTION ? CC_FREQ_YEAR : CC_FREQ_MONTH;
  ck_assert_int_eq(cc_period_parse(kind == SIM_PROJECTION ? "2022" : "2014-04", &s->start, NULL), CC_OK);
  return s;
}

START_TEST(test_break_size_on_unbroken_series) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 20261129);
  for (int kind = SIM_AR1; kind <= SIM_PROJECTION; kind++) {
    cc_series *s = break_series((break_sim)kind);
    cc_quality *q = cc_quality_alloc(s->n);
    size_t flagged = 0, at_five = 0, plain_at_five = 0;
    for (int run = 0; run < BREAK_RUNS; run++) {
      simulate_unbroken(rng, (break_sim)kind, s);
      cc_error err;
      ck_assert_int_eq(cc_quality_assess(s, q, &err), CC_OK);
      ck_assert(!isnan(q->break_p)); /* every one is tested */
      flagged += (size_t)q->has_break;
      at_five += q->break_p < BREAK_SIZE_LEVEL;
      cc_break_test plain;
      double deseasonalised[BREAK_MONTHS];
      (void)cc_break_deseasonalise(s->values, s->n, cc_freq_per_year(s->freq), deseasonalised);
      ck_assert_int_eq(cc_break_supf(deseasonalised, s->n, CC_QUALITY_BREAK_REGRESSORS, CC_BREAK_TRIM, &plain, &err), CC_OK);
      plain_at_five += plain.p_value < BREAK_SIZE_LEVEL;
    }
    fprintf(stderr, "no break, %-22s: flagged %3zu of %d (p < %g: %3zu; plain sup-F p < %g: %3zu)\n",
            break_sim_names[kind], flagged, BREAK_RUNS, BREAK_SIZE_LEVEL, at_five, BREAK_SIZE_LEVEL, plain_at_five);
    ck_assert_msg(at_five <= (size_t)(BREAK_SIZE_LEVEL * BREAK_RUNS), "%s: %zu false breaks at p < %g",
                  break_sim_names[kind], at_five, BREAK_SIZE_LEVEL);
    /* At carecast's level: no more than its share, and never fewer than one allowed. */
    ck_assert_msg(flagged <= (size_t)ceil(CC_QUALITY_BREAK_ALPHA * BREAK_RUNS), "%s: %zu false breaks flagged",
                  break_sim_names[kind], flagged);
    /* The plain test on the persistent and smooth series is what flagged 73 of the embedded series. */
    if (kind != SIM_SEASONAL)
      ck_assert_uint_ge(plain_at_five, (size_t)(BREAK_PLAIN_EXCESS * BREAK_SIZE_LEVEL * BREAK_RUNS));
    cc_quality_free(q);
    cc_series_free(s);
  }
  gsl_rng_free(rng);
}
END_TEST

/* Power: plant a step of `sds` noise sds into `runs` series of `kind`; count those flagged and those placed. */
static void break_power(gsl_rng *rng, break_sim kind, double sds, size_t *found, size_t *placed) {
  cc_series *s = break_series(kind);
  cc_quality *q = cc_quality_alloc(s->n);
  size_t first = (size_t)ceil((1 - BREAK_MIDDLE) / 2 * (double)s->n), span = (size_t)(BREAK_MIDDLE * (double)s->n);
  *found = *placed = 0;
  for (int run = 0; run < BREAK_RUNS; run++) {
    simulate_unbroken(rng, kind, s);
    size_t at = first + gsl_rng_uniform_int(rng, span);
    for (size_t t = at; t < s->n; t++) s->values[t] += sds * BREAK_NOISE_SD;
    cc_error err;
    ck_assert_int_eq(cc_quality_assess(s, q, &err), CC_OK);
    *found += (size_t)q->has_break;
    *placed += q->has_break && q->break_index + BREAK_PLACED >= at && q->break_index <= at + BREAK_PLACED;
  }
  cc_quality_free(q);
  cc_series_free(s);
}

START_TEST(test_break_power_on_planted_shifts) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 20261130);
  const break_sim kinds[] = {SIM_WHITE, SIM_SEASONAL};
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    size_t found, placed;
    break_power(rng, kinds[k], BREAK_SHIFT_SDS, &found, &placed);
    fprintf(stderr, "shift of %g sd, %-22s: found %3zu of %d, placed within %d: %3zu\n", BREAK_SHIFT_SDS,
            break_sim_names[kinds[k]], found, BREAK_RUNS, BREAK_PLACED, placed);
    ck_assert_uint_ge(found, (size_t)(BREAK_MIN_POWER * BREAK_RUNS));
    ck_assert_uint_ge(placed, (size_t)(BREAK_MIN_POWER * BREAK_RUNS));
  }
  /* Reported, not asserted: a shift in AR(1) noise, and the power left for very large shifts (breaks.h). */
  const struct { break_sim kind; double sds; } report[] = {{SIM_AR1, BREAK_SHIFT_SDS}, {SIM_WHITE, 8.0}, {SIM_WHITE, 15.0}};
  for (size_t k = 0; k < sizeof report / sizeof *report; k++) {
    size_t found, placed;
    break_power(rng, report[k].kind, report[k].sds, &found, &placed);
    fprintf(stderr, "shift of %g sd, %-22s: found %3zu of %d, placed within %d: %3zu\n", report[k].sds,
            break_sim_names[report[k].kind], found, BREAK_RUNS, BREAK_PLACED, placed);
  }
  gsl_rng_free(rng);
}
END_TEST

int main(void) {
  Suite *s = suite_create("quality");
  TCase *tc = tcase_create("quality");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_planted_outliers_are_found);
  tcase_add_test(tc, test_kalman_imputation_beats_linear);
  tcase_add_test(tc, test_assessment_and_handling);
  tcase_add_test(tc, test_store_keeps_the_original);
  tcase_add_test(tc, test_break_size_on_unbroken_series);
  tcase_add_test(tc, test_break_power_on_planted_shifts);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
