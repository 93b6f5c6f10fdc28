/* test_fellegi_sunter.c: EM recovers known m, u and p; the weight and
 * probability formulas; the threshold rule; the error paths.
 *
 * Recovery is tested twice. With the exact expected pattern counts of a
 * known model (N (p prod m + (1 - p) prod u) per pattern) the maximum
 * likelihood estimate is the model itself, so EM must return it to 1e-6.
 * With 200,000 pairs drawn from the model (seeded), some comparisons
 * missing, the estimates must lie within 0.02 of the truth (about four
 * standard errors for the m of the 10,000 matches). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/fellegi_sunter.h"
#include "testutil.h"

#define N_FIELDS 4
#define EXACT_TOLERANCE 1e-6
#define SAMPLE_TOLERANCE 0.02
#define SAMPLE_PAIRS 200000
#define SAMPLE_SEED 4231u
#define MISSING_SHARE 0.1 /* share of the first field's comparisons made missing in the sample */

static const int levels[N_FIELDS] = {2, 4, 2, 3};
static const double true_p = 0.05;
/* the truth: rows are fields, columns levels (0 = disagree) */
static const double true_m[N_FIELDS][CC_FS_LEVELS_MAX] = {
    {0.05, 0.95}, {0.02, 0.03, 0.10, 0.85}, {0.03, 0.97}, {0.10, 0.15, 0.75}};
static const double true_u[N_FIELDS][CC_FS_LEVELS_MAX] = {
    {0.999, 0.001}, {0.60, 0.30, 0.08, 0.02}, {0.50, 0.50}, {0.70, 0.25, 0.05}};

#define N_PATTERNS (2 * 4 * 2 * 3)

/* Pattern i's levels, field 0 varying fastest. */
static void pattern_of(size_t i, uint8_t *out) {
  for (int k = 0; k < N_FIELDS; k++) {
    out[k] = (uint8_t)(i % (size_t)levels[k]);
    i /= (size_t)levels[k];
  }
}

static void check_model(const cc_fs_model *got, double tolerance) {
  ck_assert_msg(fabs(got->p - true_p) < tolerance, "p %g", got->p);
  for (int k = 0; k < N_FIELDS; k++)
    for (int l = 0; l < levels[k]; l++) {
      ck_assert_msg(fabs(got->m[k][l] - true_m[k][l]) < tolerance, "m[%d][%d] %g, truth %g", k, l, got->m[k][l],
                    true_m[k][l]);
      ck_assert_msg(fabs(got->u[k][l] - true_u[k][l]) < tolerance, "u[%d][%d] %g, truth %g", k, l, got->u[k][l],
                    true_u[k][l]);
    }
}

START_TEST(test_em_exact_counts) {
  uint8_t patterns[N_PATTERNS * N_FIELDS];
  double counts[N_PATTERNS];
  for (size_t i = 0; i < N_PATTERNS; i++) {
    uint8_t *lv = patterns + i * N_FIELDS;
    pattern_of(i, lv);
    double pm = 1, pu = 1;
    for (int k = 0; k < N_FIELDS; k++) pm *= true_m[k][lv[k]], pu *= true_u[k][lv[k]];
    counts[i] = 1e6 * (true_p * pm + (1 - true_p) * pu);
  }
  cc_fs_options o = cc_fs_default_options();
  o.tolerance = 1e-10;
  o.max_iterations = 20000;
  cc_fs_model model;
  cc_error err;
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, N_PATTERNS, N_FIELDS, levels, &o, &model, &err), CC_OK);
  ck_assert(model.converged);
  check_model(&model, EXACT_TOLERANCE);
}
END_TEST

static uint64_t next_random(uint64_t *state) { /* splitmix64 */
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static double uniform(uint64_t *state) { return (double)(next_random(state) >> 11) * 0x1.0p-53; }

static uint8_t draw_level(const double *probabilities, int n, uint64_t *state) {
  double u = uniform(state), cumulative = 0;
  for (int l = 0; l < n - 1; l++)
    if (u < (cumulative += probabilities[l])) return (uint8_t)l;
  return (uint8_t)(n - 1);
}

START_TEST(test_em_simulated_pairs) {
  /* patterns: the N_PATTERNS complete ones, then the same with field 0 missing */
  uint8_t patterns[2 * N_PATTERNS * N_FIELDS];
  double counts[2 * N_PATTERNS] = {0};
  for (size_t i = 0; i < 2 * N_PATTERNS; i++) {
    pattern_of(i % N_PATTERNS, patterns + i * N_FIELDS);
    if (i >= N_PATTERNS) patterns[i * N_FIELDS] = CC_FS_MISSING;
  }
  uint64_t state = SAMPLE_SEED;
  for (size_t s = 0; s < SAMPLE_PAIRS; s++) {
    int match = uniform(&state) < true_p;
    size_t index = 0, stride = 1;
    for (int k = 0; k < N_FIELDS; k++) {
      index += stride * draw_level(match ? true_m[k] : true_u[k], levels[k], &state);
      stride *= (size_t)levels[k];
    }
    if (uniform(&state) < MISSING_SHARE) index += N_PATTERNS;
    counts[index]++;
  }
  cc_fs_model model;
  cc_error err;
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, 2 * N_PATTERNS, N_FIELDS, levels, NULL, &model, &err), CC_OK);
  ck_assert(model.converged);
  check_model(&model, SAMPLE_TOLERANCE);
}
END_TEST

START_TEST(test_weight_and_probability) {
  cc_fs_model model = {.n_fields = 2, .n_levels = {2, 3}, .p = 0.01};
  model.m[0][0] = 0.1, model.m[0][1] = 0.9, model.u[0][0] = 0.8, model.u[0][1] = 0.2;
  model.m[1][0] = 0.1, model.m[1][1] = 0.2, model.m[1][2] = 0.7;
  model.u[1][0] = 0.5, model.u[1][1] = 0.4, model.u[1][2] = 0.1;
  uint8_t both[2] = {1, 2}, one_missing[2] = {CC_FS_MISSING, 0};
  ck_assert_double_eq_tol(cc_fs_weight(&model, both), log2(0.9 / 0.2) + log2(0.7 / 0.1), 1e-12);
  ck_assert_double_eq_tol(cc_fs_weight(&model, one_missing), log2(0.1 / 0.5), 1e-12);
  double a = 0.01 * 0.9 * 0.7, b = 0.99 * 0.2 * 0.1;
  ck_assert_double_eq_tol(cc_fs_probability(&model, both), a / (a + b), 1e-12);
  a = 0.01 * 0.1, b = 0.99 * 0.5;
  ck_assert_double_eq_tol(cc_fs_probability(&model, one_missing), a / (a + b), 1e-12);
}
END_TEST

static void expect_threshold(const double *w, const double *p, size_t n, double target, double want_threshold,
                             size_t want_accepted, double want_fmr) {
  double threshold, fmr;
  size_t accepted;
  cc_error err;
  ck_assert_int_eq(cc_fs_threshold(w, p, n, target, &threshold, &accepted, &fmr, &err), CC_OK);
  ck_assert_msg(threshold == want_threshold, "target %g: threshold %g, expected %g", target, threshold, want_threshold);
  ck_assert_uint_eq(accepted, want_accepted);
  ck_assert_double_eq_tol(fmr, want_fmr, 1e-12);
}

START_TEST(test_threshold_rule) {
  /* given out of order; sorted: 10 (.999), 8 (.99), 8 (.98), 5 (.9), 2 (.5), -1 (.1) */
  const double w[] = {8, -1, 10, 5, 8, 2}, p[] = {0.99, 0.1, 0.999, 0.9, 0.98, 0.5};
  /* estimated false matches accepted at each weight: 10: .001/1; 8: .031/3 (ties go together); 5: .131/4; 2: .631/5 */
  expect_threshold(w, p, 6, 0.011, 8, 3, 0.031 / 3);
  expect_threshold(w, p, 6, 0.010, 10, 1, 0.001); /* .031/3 = .01033 is over: the tie at 8 is refused whole */
  expect_threshold(w, p, 6, 0.05, 5, 4, 0.131 / 4);
  expect_threshold(w, p, 6, 0.0005, INFINITY, 0, 0);
  /* the rate need not fall with the weight: the lowest weight that meets the target wins */
  const double w2[] = {10, 9, 8, 7}, p2[] = {0.9, 1.0, 1.0, 0.2};
  expect_threshold(w2, p2, 4, 0.05, 8, 3, 0.1 / 3); /* 10 alone: .1; to 9: .05; to 8: .033; to 7: .225 */
  expect_threshold(w2, p2, 0, 0.05, INFINITY, 0, 0);
}
END_TEST

START_TEST(test_errors) {
  uint8_t patterns[4] = {0, 1, 1, 1};
  double counts[2] = {0, 0};
  int two[2] = {2, 2}, too_many[2] = {2, CC_FS_LEVELS_MAX + 1};
  cc_fs_model model;
  cc_error err;
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, 2, 2, two, NULL, &model, &err), CC_EINPUT); /* no pairs */
  ck_assert_str_eq(err.field, "pairs");
  counts[0] = 5, counts[1] = 5;
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, 2, 2, too_many, NULL, &model, &err), CC_EINPUT);
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, 2, 0, two, NULL, &model, &err), CC_EINPUT);
  patterns[3] = 2; /* level 2 of a 2-level field */
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, 2, 2, two, NULL, &model, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "levels");
  counts[0] = -1;
  patterns[3] = 1;
  ck_assert_int_eq(cc_fs_estimate(patterns, counts, 2, 2, two, NULL, &model, &err), CC_EINPUT);
  double threshold, fmr, w = 1, p = 1;
  size_t accepted;
  ck_assert_int_eq(cc_fs_threshold(&w, &p, 1, 1.0, &threshold, &accepted, &fmr, &err), CC_EUSAGE);
  ck_assert_int_eq(cc_fs_threshold(&w, &p, 1, NAN, &threshold, &accepted, &fmr, &err), CC_EUSAGE);
}
END_TEST

int main(void) {
  Suite *s = suite_create("fellegi_sunter");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_em_exact_counts);
  tcase_add_test(tc, test_em_simulated_pairs);
  tcase_add_test(tc, test_weight_and_probability);
  tcase_add_test(tc, test_threshold_rule);
  tcase_add_test(tc, test_errors);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
