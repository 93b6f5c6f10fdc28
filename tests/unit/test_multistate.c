/* test_multistate.c: the stock-and-flow model (multistate.h).
 *
 * The recovery test the issue asks for: a known monthly transition matrix
 * is simulated forward person by person (GSL's multinomial draws, not
 * carecast's projection code), aggregated to starts, ends and end-of-month
 * stocks, and estimated back: every probability within 0.02, and the
 * 36-month projection of the estimated model within 2% of the projection of
 * the true one. Besides: stocks alone (a weaker design) still recover the
 * matrix, counted transitions give the closed-form proportions, forbidden
 * moves stay at zero and rows sum to one, the bootstrap's standard errors
 * are of the size of the estimator's spread over independent simulations,
 * projections are non-negative and reproducible path by path, and every
 * error path. */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/multistate.h"
#include "testutil.h"

#define K 3                         /* live states in the test model */
#define COLS (K + 1)                /* with "ended" */
#define MONTHS 72                   /* history simulated */
#define HORIZON 36                  /* projection the issue names */
#define PROB_TOLERANCE 0.02         /* the bound on each probability */
#define STOCK_TOLERANCE 0.02        /* the bound on projected stocks, relative */
#define ROW_SUM_TOLERANCE 1e-9
#define SE_RATIO_LOW 0.5            /* bootstrap se against the Monte Carlo spread */
#define SE_RATIO_HIGH 2.0
#define SPREAD_REPLICATES 40
#define SEED 20250401UL
#define TWO_PI 6.28318530717958647693

/* community support -> home care -> residential; everyone may end. Rows sum to 1. */
static const double true_p[K][COLS] = {
    {0.90, 0.05, 0.01, 0.04},
    {0.00, 0.93, 0.03, 0.04},
    {0.00, 0.00, 0.97, 0.03},
};

typedef struct history {
  double stocks[(MONTHS + 1) * K];
  double entries[MONTHS * K];
  double starts[MONTHS * K];
  double ends[MONTHS * K];
} history;

/* Mean arrivals from outside in month t: seasonal with a rise, so stocks move. */
static double mean_entry(size_t t, size_t j) {
  static const double base[K] = {400.0, 60.0, 15.0};
  return base[j] * (1.0 + 0.3 * sin(TWO_PI * (double)t / 12.0) + 0.01 * (double)t);
}

static void simulate_history(unsigned long seed, history *h) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, seed);
  const double x0[K] = {1500.0, 3000.0, 600.0};
  memcpy(h->stocks, x0, sizeof x0);
  for (size_t t = 0; t < MONTHS; t++) {
    double *x = h->stocks + t * K, *next = h->stocks + (t + 1) * K;
    for (size_t j = 0; j < K; j++) {
      double e = (double)gsl_ran_poisson(rng, mean_entry(t, j));
      h->entries[t * K + j] = e;
      h->starts[t * K + j] = e;
      next[j] = e;
    }
    for (size_t i = 0; i < K; i++) {
      unsigned int moves[COLS];
      gsl_ran_multinomial(rng, COLS, (unsigned int)x[i], true_p[i], moves);
      for (size_t j = 0; j < K; j++) {
        next[j] += moves[j];
        if (j != i) h->starts[t * K + j] += moves[j];
      }
      h->ends[t * K + i] = x[i] - moves[i];
    }
  }
  gsl_rng_free(rng);
}

static cc_multistate *model_with_structure(void) {
  cc_multistate *m = cc_multistate_alloc(K);
  ck_assert_ptr_nonnull(m);
  for (size_t i = 0; i < K; i++)
    for (size_t j = 0; j < COLS; j++) m->allowed[cc_multistate_at(m, i, j)] = j == K || j >= i;
  return m;
}

static cc_multistate_options quick_options(size_t bootstrap) {
  cc_multistate_options o;
  cc_multistate_options_default(&o);
  o.bootstrap = bootstrap;
  return o;
}

static void assert_recovers(const cc_multistate *m, double tolerance) {
  for (size_t i = 0; i < K; i++) {
    double sum = 0.0;
    for (size_t j = 0; j < COLS; j++) {
      double got = m->p[cc_multistate_at(m, i, j)];
      sum += got;
      ck_assert_msg(fabs(got - true_p[i][j]) <= tolerance, "p[%zu][%zu] = %.4f, true %.4f", i, j, got, true_p[i][j]);
      if (!m->allowed[cc_multistate_at(m, i, j)]) ck_assert_double_eq(got, 0.0);
      ck_assert(got >= 0.0);
    }
    ck_assert_double_eq_tol(sum, 1.0, ROW_SUM_TOLERANCE);
  }
}

START_TEST(recovers_matrix_from_starts_ends_stocks) {
  history h;
  simulate_history(SEED, &h);
  cc_multistate *m = model_with_structure();
  cc_flow_data d = {K, MONTHS, h.stocks, h.entries, h.starts, h.ends};
  cc_multistate_options o = quick_options(0);
  cc_error err;
  ck_assert_msg(cc_multistate_estimate(m, &d, &o, &err) == CC_OK, "%s", err.message);
  assert_recovers(m, PROB_TOLERANCE);

  /* the 36-month projection (expectation, same entries) of estimated and true models */
  cc_multistate *truth = model_with_structure();
  memcpy(truth->p, true_p, sizeof true_p);
  double future[HORIZON * K];
  for (size_t t = 0; t < HORIZON; t++)
    for (size_t j = 0; j < K; j++) future[t * K + j] = mean_entry(MONTHS + t, j);
  cc_projection *a = cc_projection_alloc(K, HORIZON, 1), *b = cc_projection_alloc(K, HORIZON, 1);
  const double *x_last = h.stocks + MONTHS * K;
  ck_assert_int_eq(cc_multistate_project(m, x_last, future, 1, SEED, 1, a, &err), CC_OK);
  ck_assert_int_eq(cc_multistate_project(truth, x_last, future, 1, SEED, 1, b, &err), CC_OK);
  for (size_t j = 0; j < K; j++) {
    double got = a->stocks[(HORIZON - 1) * K + j], want = b->stocks[(HORIZON - 1) * K + j];
    ck_assert_msg(fabs(got - want) <= STOCK_TOLERANCE * want, "state %zu at 36 months: %.1f vs %.1f", j, got, want);
  }
  cc_projection_free(a);
  cc_projection_free(b);
  cc_multistate_free(truth);
  cc_multistate_free(m);
}
END_TEST

START_TEST(recovers_matrix_from_stocks_alone) {
  history h;
  simulate_history(SEED + 1, &h);
  cc_multistate *m = model_with_structure();
  cc_flow_data d = {K, MONTHS, h.stocks, h.entries, NULL, NULL};
  cc_multistate_options o = quick_options(0);
  cc_error err;
  ck_assert_msg(cc_multistate_estimate(m, &d, &o, &err) == CC_OK, "%s", err.message);
  assert_recovers(m, PROB_TOLERANCE);
  cc_multistate_free(m);
}
END_TEST

START_TEST(missing_months_are_left_out) {
  history h;
  simulate_history(SEED + 2, &h);
  for (size_t t = 10; t < 16; t++) h.stocks[t * K + 1] = NAN;
  for (size_t t = 30; t < 33; t++) h.starts[t * K + 2] = h.ends[t * K] = h.entries[t * K] = NAN;
  cc_multistate *m = model_with_structure();
  cc_flow_data d = {K, MONTHS, h.stocks, h.entries, h.starts, h.ends};
  cc_multistate_options o = quick_options(20);
  cc_error err;
  ck_assert_msg(cc_multistate_estimate(m, &d, &o, &err) == CC_OK, "%s", err.message);
  assert_recovers(m, PROB_TOLERANCE);
  ck_assert_uint_eq(m->n_draws, 20);
  cc_multistate_free(m);
}
END_TEST

/* The bootstrap's standard errors against the spread of the estimator over
 * independent histories of the true model. */
START_TEST(bootstrap_se_matches_spread) {
  double sum[K * COLS] = {0}, sumsq[K * COLS] = {0};
  cc_error err;
  cc_multistate_options o = quick_options(0);
  for (size_t r = 0; r < SPREAD_REPLICATES; r++) {
    history h;
    simulate_history(SEED + 100 + r, &h);
    cc_multistate *m = model_with_structure();
    cc_flow_data d = {K, MONTHS, h.stocks, h.entries, NULL, NULL};
    ck_assert_int_eq(cc_multistate_estimate(m, &d, &o, &err), CC_OK);
    for (size_t c = 0; c < K * COLS; c++) {
      sum[c] += m->p[c];
      sumsq[c] += m->p[c] * m->p[c];
    }
    cc_multistate_free(m);
  }
  history h;
  simulate_history(SEED, &h);
  cc_multistate *m = model_with_structure();
  cc_flow_data d = {K, MONTHS, h.stocks, h.entries, NULL, NULL};
  o = quick_options(100);
  ck_assert_int_eq(cc_multistate_estimate(m, &d, &o, &err), CC_OK);
  for (size_t i = 0; i < K; i++)
    for (size_t j = 0; j < COLS; j++) {
      size_t c = cc_multistate_at(m, i, j);
      if (!m->allowed[c]) continue;
      double mean = sum[c] / SPREAD_REPLICATES;
      double spread = sqrt(fmax(0.0, (sumsq[c] - SPREAD_REPLICATES * mean * mean) / (SPREAD_REPLICATES - 1)));
      if (spread < 1e-4) continue; /* pinned at a bound: nothing to compare */
      double ratio = m->se[c] / spread;
      ck_assert_msg(ratio >= SE_RATIO_LOW && ratio <= SE_RATIO_HIGH, "se of p[%zu][%zu] %.5f vs spread %.5f", i, j,
                    m->se[c], spread);
    }
  cc_multistate_free(m);
}
END_TEST

START_TEST(counted_transitions) {
  cc_multistate *m = model_with_structure();
  double counts[K * COLS] = {90, 5, 1, 4, 0, 186, 6, 8, 0, 0, 97, 3};
  cc_error err;
  ck_assert_int_eq(cc_multistate_from_counts(m, counts, 4000, SEED, &err), CC_OK);
  ck_assert_double_eq_tol(m->p[cc_multistate_at(m, 0, 1)], 0.05, 1e-15);
  ck_assert_double_eq_tol(m->p[cc_multistate_at(m, 1, 1)], 0.93, 1e-15);
  ck_assert_double_eq_tol(m->se[cc_multistate_at(m, 2, 3)], sqrt(0.03 * 0.97 / 100.0), 1e-15);
  ck_assert_double_eq_tol(cc_multistate_mean_stay(m, 2), 1.0 / 0.03, 1e-9);
  /* Dirichlet(c + 1/2) posterior mean of row 0, cell 1: 5.5 / (100 + 4 * 0.5) */
  double mean = 0.0;
  for (size_t b = 0; b < m->n_draws; b++) mean += m->draws[b * K * COLS + cc_multistate_at(m, 0, 1)];
  mean /= (double)m->n_draws;
  ck_assert_double_eq_tol(mean, 5.5 / 102.0, 0.003);
  for (size_t b = 0; b < m->n_draws; b++) ck_assert_double_eq(m->draws[b * K * COLS + cc_multistate_at(m, 2, 0)], 0.0);
  counts[cc_multistate_at(m, 2, 0)] = 1;
  ck_assert_int_eq(cc_multistate_from_counts(m, counts, 0, SEED, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "counts");
  cc_multistate_free(m);
}
END_TEST

START_TEST(projection_paths) {
  history h;
  simulate_history(SEED, &h);
  cc_multistate *m = model_with_structure();
  memcpy(m->p, true_p, sizeof true_p);
  double future[HORIZON * K];
  for (size_t t = 0; t < HORIZON; t++)
    for (size_t j = 0; j < K; j++) future[t * K + j] = mean_entry(MONTHS + t, j);
  cc_projection *small = cc_projection_alloc(K, HORIZON, 5), *large = cc_projection_alloc(K, HORIZON, 400);
  cc_projection *mean = cc_projection_alloc(K, HORIZON, 1);
  cc_error err;
  const double *x_last = h.stocks + MONTHS * K;
  ck_assert_int_eq(cc_multistate_project(m, x_last, future, 1, SEED, 0, small, &err), CC_OK);
  ck_assert_int_eq(cc_multistate_project(m, x_last, future, 1, SEED, 0, large, &err), CC_OK);
  ck_assert_int_eq(cc_multistate_project(m, x_last, future, 1, SEED, 1, mean, &err), CC_OK);
  /* path p depends on the seed and p only */
  ck_assert_mem_eq(small->stocks, large->stocks, 5 * HORIZON * K * sizeof(double));
  double avg[K] = {0};
  for (size_t p = 0; p < large->n_paths; p++)
    for (size_t t = 0; t < HORIZON; t++)
      for (size_t j = 0; j < K; j++) {
        size_t at = (p * HORIZON + t) * K + j;
        ck_assert(large->stocks[at] >= 0.0 && large->starts[at] >= 0.0 && large->ends[at] >= 0.0);
        ck_assert_double_eq(large->stocks[at], round(large->stocks[at]));
        if (t == HORIZON - 1) avg[j] += large->stocks[at] / (double)large->n_paths;
      }
  for (size_t j = 0; j < K; j++)
    ck_assert_msg(fabs(avg[j] - mean->stocks[(HORIZON - 1) * K + j]) <= 0.01 * mean->stocks[(HORIZON - 1) * K + j],
                  "state %zu: simulated mean %.1f vs expectation %.1f", j, avg[j], mean->stocks[(HORIZON - 1) * K + j]);
  cc_projection_free(small);
  cc_projection_free(large);
  cc_projection_free(mean);
  cc_multistate_free(m);
}
END_TEST

START_TEST(errors_are_named) {
  history h;
  simulate_history(SEED, &h);
  cc_multistate *m = model_with_structure();
  cc_multistate_options o = quick_options(0);
  cc_error err;
  h.entries[5] = -1.0;
  cc_flow_data d = {K, MONTHS, h.stocks, h.entries, NULL, NULL};
  ck_assert_int_eq(cc_multistate_estimate(m, &d, &o, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "entries");
  h.entries[5] = 1.0;
  for (size_t t = 0; t <= MONTHS; t++) h.stocks[t * K + 2] = 0.0;
  ck_assert_int_eq(cc_multistate_estimate(m, &d, &o, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "stocks");
  ck_assert_ptr_nonnull(strstr(err.message, "s2"));
  cc_flow_data wrong = {K + 1, MONTHS, h.stocks, h.entries, NULL, NULL};
  ck_assert_int_eq(cc_multistate_estimate(m, &wrong, &o, &err), CC_EINPUT);
  for (size_t j = 0; j < COLS; j++) m->allowed[cc_multistate_at(m, 1, j)] = 0;
  ck_assert_int_eq(cc_multistate_estimate(m, &d, &o, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "transitions");
  ck_assert_ptr_null(cc_multistate_alloc(0));
  ck_assert_ptr_null(cc_multistate_alloc(CC_MULTISTATE_MAX_STATES + 1));
  cc_multistate_free(NULL);
  cc_projection_free(NULL);
  cc_multistate_free(m);
}
END_TEST

static Suite *multistate_suite(void) {
  Suite *s = suite_create("multistate");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, recovers_matrix_from_starts_ends_stocks);
  tcase_add_test(tc, recovers_matrix_from_stocks_alone);
  tcase_add_test(tc, missing_months_are_left_out);
  tcase_add_test(tc, bootstrap_se_matches_spread);
  tcase_add_test(tc, counted_transitions);
  tcase_add_test(tc, projection_paths);
  tcase_add_test(tc, errors_are_named);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(multistate_suite()); }
