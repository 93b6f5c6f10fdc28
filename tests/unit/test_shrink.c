/* test_shrink.c: shrinking a council's transition matrix towards its
 * statistical neighbours' (shrink.h, cc_shrink_multistate) and reading
 * the DfE statistical-neighbour table (neighbours.h).
 *
 * - A council with few person-months at risk is pulled towards its
 *   neighbours with the closed-form Dirichlet weight n / (n + s), worked by
 *   hand below; its zero rates become positive.
 * - A council with many is (nearly) not moved.
 * - The posterior draws have the closed-form Dirichlet mean and spread, and
 *   a projection that draws from them has wider intervals than one with
 *   the same mean matrix and only the random variation of flows.
 * - The SSDA903 path: counted transitions of the sample's three (synthetic)
 *   councils, each shrunk towards the other two. They are labels, not real
 *   councils, and are not in the DfE's statistical-neighbour file.
 * - The neighbour table: Sheffield's ten neighbours in the DfE's order,
 *   translated to GSS codes, and the error paths.
 * - Shrinking only the chance of ending (cc_shrink_exits, what model files'
 *   shrink: uses with the DfE's annual rates): the closed-form weight with
 *   the neighbours' sampling variance removed, the rest of the row keeping
 *   its shares, a zero chance of ending made positive, states not asked
 *   for untouched, Beta posterior draws; and the exit-rate table. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/multistate.h"
#include "carecast/neighbours.h"
#include "carecast/shrink.h"
#include "carecast/ssda903.h"
#include "testutil.h"

#define K 2
#define COLS (K + 1)
#define CELLS (K * COLS)
#define N_NEIGHBOURS 3
#define CLOSED_FORM_TOLERANCE 1e-12
#define DRAWS 20000
#define DRAW_MEAN_TOLERANCE 0.003   /* Monte Carlo error of a mean of 20,000 draws (sd about 0.03) */
#define DRAW_SD_RELATIVE 0.05       /* Monte Carlo error of their standard deviation, relative */
#define SEED 20250401UL
#define SSDA903 CC_PROJECT_DIR "/data/ssda903/"
#define NEIGHBOURS CC_PROJECT_DIR "/data/neighbours/dfe_statistical_neighbours_2025.csv"
#define LOOKUP CC_PROJECT_DIR "/data/lookups/local_authorities.csv"

/* Three neighbours. Row 0 (child in need: stay, move to a plan, end): means
 * (0.90, 0.06, 0.04), variances (0.0016, 0.0004, 0.0004), so
 * s = (0.9 x 0.1 + 0.06 x 0.94 + 0.04 x 0.96) / 0.0024 - 1 = 0.1848 / 0.0024 - 1 = 76.
 * Row 1 (plan: back to child in need, stay, end): means (0.05, 0.90, 0.05). */
static const double neighbour_p[N_NEIGHBOURS * CELLS] = {
    0.90, 0.06, 0.04, 0.05, 0.90, 0.05,
    0.86, 0.08, 0.06, 0.03, 0.92, 0.05,
    0.94, 0.04, 0.02, 0.07, 0.88, 0.05,
};
#define ROW0_STRENGTH 76.0

static cc_multistate *council(const double p[CELLS]) {
  cc_multistate *m = cc_multistate_alloc(K);
  ck_assert_ptr_nonnull(m);
  memcpy(m->p, p, CELLS * sizeof *p);
  snprintf(m->names[0], CC_STATE_NAME_MAX, "child_in_need");
  snprintf(m->names[1], CC_STATE_NAME_MAX, "child_protection_plan");
  return m;
}

START_TEST(few_transitions_pulled_with_closed_form_weight) {
  /* 24 person-months in child in need, nobody moved or left: zero rates */
  const double own[CELLS] = {1.0, 0.0, 0.0, 0.0, 1.0, 0.0};
  const double exposure[K] = {24.0, 24.0};
  cc_multistate *m = council(own);
  double weight[K], strength[K];
  cc_error err;
  ck_assert_msg(cc_shrink_multistate(m, exposure, neighbour_p, N_NEIGHBOURS, 0, SEED, weight, strength, &err) == CC_OK, "%s",
                err.message);
  ck_assert_double_eq_tol(strength[0], ROW0_STRENGTH, 1e-9);
  ck_assert_double_eq_tol(weight[0], 24.0 / (24.0 + ROW0_STRENGTH), CLOSED_FORM_TOLERANCE);
  /* (24 + 0.9 x 76) / 100, 0.06 x 76 / 100, 0.04 x 76 / 100 */
  ck_assert_double_eq_tol(m->p[0], 0.924, 1e-9);
  ck_assert_double_eq_tol(m->p[1], 0.0456, 1e-9);
  ck_assert_double_eq_tol(m->p[2], 0.0304, 1e-9);
  for (size_t i = 0; i < CELLS; i++) ck_assert_double_gt(m->p[i], 0.0); /* the zero rates are gone */
  for (size_t i = 0; i < K; i++) ck_assert_double_eq_tol(m->p[i * COLS] + m->p[i * COLS + 1] + m->p[i * COLS + 2], 1.0, 1e-12);
  /* posterior sd of a Dirichlet(24 + 68.4, 4.56, 3.04): sqrt(a (a0 - a) / (a0^2 (a0 + 1))), a0 = 100 */
  ck_assert_double_eq_tol(m->se[1], sqrt(4.56 * 95.44 / (1e4 * 101.0)), 1e-12);
  cc_multistate_free(m);
}
END_TEST

START_TEST(many_transitions_not_moved) {
  const double own[CELLS] = {0.95, 0.03, 0.02, 0.10, 0.80, 0.10};
  const double exposure[K] = {1e6, 1e6};
  cc_multistate *m = council(own);
  double weight[K];
  cc_error err;
  ck_assert_int_eq(cc_shrink_multistate(m, exposure, neighbour_p, N_NEIGHBOURS, 0, SEED, weight, NULL, &err), CC_OK);
  ck_assert_double_gt(weight[0], 0.9999);
  for (size_t i = 0; i < CELLS; i++) ck_assert_double_eq_tol(m->p[i], own[i], 1e-4);
  /* and the weight falls as the evidence does */
  double last = 1.0;
  for (double n = 1e5; n >= 1.0; n /= 10.0) {
    const double e[K] = {n, n};
    cc_multistate *small = council(own);
    ck_assert_int_eq(cc_shrink_multistate(small, e, neighbour_p, N_NEIGHBOURS, 0, SEED, weight, NULL, &err), CC_OK);
    ck_assert_double_lt(weight[0], last);
    last = weight[0];
    cc_multistate_free(small);
  }
  cc_multistate_free(m);
}
END_TEST

/* The spread between the 10th and 90th percentiles of the last month's stock in state 0. */
static double p10_p90_width(const cc_multistate *m, size_t paths, size_t months) {
  const double x0[K] = {500.0, 100.0};
  double *entries = calloc(months * K, sizeof *entries), *last = malloc(paths * sizeof *last);
  cc_projection *proj = cc_projection_alloc(K, months, paths);
  cc_error err;
  ck_assert_int_eq(cc_multistate_project(m, x0, entries, 1, SEED, 0, proj, &err), CC_OK);
  for (size_t p = 0; p < paths; p++) last[p] = proj->stocks[(p * months + months - 1) * K];
  for (size_t i = 1; i < paths; i++) /* insertion sort: a few thousand values */
    for (size_t j = i; j > 0 && last[j - 1] > last[j]; j--) {
      double t = last[j];
      last[j] = last[j - 1], last[j - 1] = t;
    }
  double width = last[(size_t)(0.9 * (double)paths)] - last[(size_t)(0.1 * (double)paths)];
  free(entries);
  free(last);
  cc_projection_free(proj);
  return width;
}

START_TEST(draws_carry_parameter_uncertainty) {
  const double own[CELLS] = {1.0, 0.0, 0.0, 0.0, 1.0, 0.0};
  const double exposure[K] = {24.0, 24.0};
  cc_multistate *m = council(own);
  cc_error err;
  ck_assert_int_eq(cc_shrink_multistate(m, exposure, neighbour_p, N_NEIGHBOURS, DRAWS, SEED, NULL, NULL, &err), CC_OK);
  ck_assert_uint_eq(m->n_draws, DRAWS);
  for (size_t c = 0; c < CELLS; c++) {
    double mean = 0.0, sq = 0.0;
    for (size_t b = 0; b < DRAWS; b++) mean += m->draws[b * CELLS + c] / DRAWS;
    for (size_t b = 0; b < DRAWS; b++) sq += pow(m->draws[b * CELLS + c] - mean, 2) / (DRAWS - 1);
    ck_assert_double_eq_tol(mean, m->p[c], DRAW_MEAN_TOLERANCE);
    ck_assert_double_eq_tol(sqrt(sq), m->se[c], DRAW_SD_RELATIVE * m->se[c]);
  }
  /* the same mean matrix without draws: only the multinomial variation of flows */
  cc_multistate *fixed = council(m->p);
  const size_t paths = 2000, months = 24;
  double with = p10_p90_width(m, paths, months), without = p10_p90_width(fixed, paths, months);
  ck_assert_msg(with > 1.5 * without, "P10-P90 width %.1f with parameter draws, %.1f without", with, without);
  cc_multistate_free(fixed);
  cc_multistate_free(m);
}
END_TEST

START_TEST(errors_leave_the_model_alone) {
  const double own[CELLS] = {0.95, 0.03, 0.02, 0.10, 0.80, 0.10};
  cc_multistate *m = council(own);
  cc_error err;
  const double negative[K] = {-1.0, 10.0}, fine[K] = {10.0, 10.0};
  ck_assert_int_eq(cc_shrink_multistate(m, negative, neighbour_p, N_NEIGHBOURS, 10, SEED, NULL, NULL, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "exposure");
  ck_assert_ptr_nonnull(strstr(err.message, "child_in_need"));
  ck_assert_int_eq(cc_shrink_multistate(m, fine, neighbour_p, 1, 10, SEED, NULL, NULL, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "neighbours");
  double bad[N_NEIGHBOURS * CELLS];
  memcpy(bad, neighbour_p, sizeof bad);
  bad[COLS + 1] = 1.5; /* a rate above one: not a probability */
  ck_assert_int_eq(cc_shrink_multistate(m, fine, bad, N_NEIGHBOURS, 10, SEED, NULL, NULL, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "child_protection_plan"));
  for (size_t i = 0; i < CELLS; i++) ck_assert_double_eq(m->p[i], own[i]);
  ck_assert_ptr_null(m->draws);
  cc_multistate_free(m);
}
END_TEST

/* Counted transitions of one sample council: p (rows with no one in them
 * uniform: their exposure is zero, so shrinkage replaces them) and exposure. */
static void ssda903_council(const char *la, double *p, double *exposure) {
  cc_ssda903 *d = NULL;
  cc_ssda903_counts *c = NULL;
  cc_error err;
  ck_assert_msg(cc_ssda903_read(SSDA903 "episodes.csv", SSDA903 "header.csv", la, &d, &err) == CC_OK, "%s", err.message);
  ck_assert_msg(cc_ssda903_count(d, 2018, 4, 36, &c, &err) == CC_OK, "%s", err.message);
  const size_t S = CC_SSDA903_STATES;
  for (size_t i = 0; i < S; i++) {
    double total = 0.0;
    for (size_t j = 0; j <= S; j++) total += c->counts[i * (S + 1) + j];
    exposure[i] = total;
    for (size_t j = 0; j <= S; j++) p[i * (S + 1) + j] = total > 0.0 ? c->counts[i * (S + 1) + j] / total : 1.0 / (double)(S + 1);
  }
  cc_ssda903_counts_free(c);
  cc_ssda903_free(d);
}

START_TEST(ssda903_councils_shrunk_towards_each_other) {
  static const char *const councils[3] = {"Southwark", "Bromley", "Hillingdon"};
  const size_t S = CC_SSDA903_STATES, cells = S * (S + 1);
  double *p = malloc(3 * cells * sizeof *p), exposure[3][CC_SSDA903_STATES];
  for (size_t c = 0; c < 3; c++) ssda903_council(councils[c], p + c * cells, exposure[c]);
  for (size_t c = 0; c < 3; c++) {
    double *others = malloc(2 * cells * sizeof *others);
    for (size_t o = 0, n = 0; o < 3; o++)
      if (o != c) memcpy(others + n++ * cells, p + o * cells, cells * sizeof *p);
    cc_multistate *m = cc_multistate_alloc(S);
    memcpy(m->p, p + c * cells, cells * sizeof *p);
    double weight[CC_SSDA903_STATES], strength[CC_SSDA903_STATES];
    cc_error err;
    ck_assert_msg(cc_shrink_multistate(m, exposure[c], others, 2, 100, SEED, weight, strength, &err) == CC_OK, "%s", err.message);
    size_t zeros_filled = 0;
    for (size_t i = 0; i < S; i++) {
      double sum = 0.0;
      for (size_t j = 0; j <= S; j++) {
        double own = p[c * cells + i * (S + 1) + j], shrunk = m->p[i * (S + 1) + j];
        sum += shrunk;
        int neighbours_move = others[i * (S + 1) + j] > 0.0 && others[cells + i * (S + 1) + j] > 0.0;
        if (exposure[c][i] > 0.0 && own == 0.0 && neighbours_move && strength[i] > 0.0) {
          ck_assert_double_gt(shrunk, 0.0);
          zeros_filled++;
        }
      }
      ck_assert_double_eq_tol(sum, 1.0, 1e-9);
      ck_assert_double_eq_tol(weight[i], exposure[c][i] / (exposure[c][i] + strength[i]), CLOSED_FORM_TOLERANCE);
    }
    ck_assert_msg(zeros_filled > 0, "%s: no zero rate was filled from its neighbours", councils[c]);
    cc_multistate_free(m);
    free(others);
  }
  free(p);
}
END_TEST

START_TEST(neighbour_table) {
  cc_neighbours *t = NULL;
  cc_error err;
  ck_assert_msg(cc_neighbours_load(NEIGHBOURS, LOOKUP, &t, &err) == CC_OK, "%s", err.message);
  ck_assert_uint_eq(t->n, 153);
  /* Sheffield (373): SN_1 is 382 Kirklees, SN_10 350 Bolton */
  const char (*sn)[CC_GEOGRAPHY_MAX] = cc_neighbours_of(t, "E08000019");
  ck_assert_ptr_nonnull(sn);
  ck_assert_str_eq(sn[0], "E08000034");
  ck_assert_str_eq(sn[9], "E08000001");
  /* North Yorkshire (815): the current unitary council, not the county it replaced */
  ck_assert_ptr_nonnull(cc_neighbours_of(t, "E06000065"));
  ck_assert_ptr_null(cc_neighbours_of(t, "E10000023"));
  for (size_t i = 0; i < CC_NEIGHBOURS_PER_COUNCIL; i++) {
    ck_assert_int_eq(sn[i][0], 'E');
    ck_assert_str_ne(sn[i], "E08000019");
  }
  ck_assert_ptr_null(cc_neighbours_of(t, "E99999999"));
  cc_neighbours_free(t);

  char *dir = cc_test_tmpdir();
  char *no_column = cc_test_write(dir, "no_column.csv", "old_la_code,SN_1\n373,371\n");
  ck_assert_int_eq(cc_neighbours_load(no_column, LOOKUP, &t, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "SN_2");
  ck_assert_ptr_null(t);
  char *unknown = cc_test_write(dir, "unknown.csv",
                                "old_la_code,SN_1,SN_2,SN_3,SN_4,SN_5,SN_6,SN_7,SN_8,SN_9,SN_10\n"
                                "373,371,370,372,390,391,392,393,394,940,999\n");
  ck_assert_int_eq(cc_neighbours_load(unknown, LOOKUP, &t, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "SN_10");
  ck_assert_int_eq(err.line, 2);
  ck_assert_ptr_nonnull(strstr(err.message, "'999'"));
  cc_neighbours_free(NULL);
  free(no_column);
  free(unknown);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

/* Shrinking the chance of ending only (cc_shrink_exits): the neighbours' DfE rates. */
#define END_NEIGHBOURS 4
START_TEST(ending_shrunk_with_closed_form_weight) {
  /* child in need: 30 person-months, nobody's case closed; 5% moved to a plan */
  const double own[CELLS] = {0.95, 0.05, 0.0, 0.05, 0.90, 0.05};
  const double exposure[K] = {30.0, 30.0};
  const unsigned char which[K] = {1, 0};
  /* neighbours' monthly chances of ending (the 4th has no figure), 1000 person-months each */
  const double ends[K * END_NEIGHBOURS] = {0.02, 0.04, 0.06, NAN, 0.1, 0.1, 0.1, 0.1};
  const double months[K * END_NEIGHBOURS] = {1000, 1000, 1000, NAN, 1000, 1000, 1000, 1000};
  /* m = 0.04; spread 0.0004 less sampling 0.04 x 0.96 / 1000: s = 0.0384 / 0.0003616 - 1 */
  const double s = 0.0384 / (0.0004 - 0.0384 / 1000.0) - 1.0, end = 0.04 * s / (30.0 + s);
  cc_multistate *m = council(own);
  double weight[K];
  cc_error err;
  ck_assert_msg(cc_shrink_exits(m, exposure, which, ends, months, END_NEIGHBOURS, 0, SEED, weight, &err) == CC_OK, "%s",
                err.message);
  ck_assert_double_eq_tol(weight[0], 30.0 / (30.0 + s), 1e-9);
  ck_assert_double_eq_tol(m->p[2], end, 1e-9);          /* the zero chance of ending is gone */
  ck_assert_double_eq_tol(m->p[0], 0.95 * (1.0 - end), 1e-9); /* staying and moving keep their shares of the rest */
  ck_assert_double_eq_tol(m->p[1], 0.05 * (1.0 - end), 1e-9);
  ck_assert(isnan(weight[1]));                          /* not asked for: untouched */
  for (size_t j = 0; j < COLS; j++) ck_assert_double_eq(m->p[COLS + j], own[COLS + j]);
  ck_assert_ptr_null(m->draws);
  cc_multistate_free(m);

  /* much evidence: (nearly) not moved */
  const double lots[K] = {1e7, 1e7};
  const double steady[CELLS] = {0.90, 0.05, 0.05, 0.05, 0.90, 0.05};
  m = council(steady);
  ck_assert_int_eq(cc_shrink_exits(m, lots, which, ends, months, END_NEIGHBOURS, 0, SEED, weight, &err), CC_OK);
  ck_assert_double_gt(weight[0], 0.999);
  ck_assert_double_eq_tol(m->p[2], 0.05, 1e-4);
  cc_multistate_free(m);

  /* fewer than two neighbours with a figure: left alone */
  const double one[K * END_NEIGHBOURS] = {0.02, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
  m = council(own);
  ck_assert_int_eq(cc_shrink_exits(m, exposure, which, one, months, END_NEIGHBOURS, 0, SEED, weight, &err), CC_OK);
  ck_assert(isnan(weight[0]));
  ck_assert_double_eq(m->p[2], 0.0);
  /* errors: a negative exposure, a rate outside [0, 1] */
  const double negative[K] = {-1.0, 1.0};
  ck_assert_int_eq(cc_shrink_exits(m, negative, which, ends, months, END_NEIGHBOURS, 0, SEED, weight, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "child_in_need"));
  const double bad[K * END_NEIGHBOURS] = {0.02, 1.5, 0.06, NAN, 0.1, 0.1, 0.1, 0.1};
  ck_assert_int_eq(cc_shrink_exits(m, exposure, which, bad, months, END_NEIGHBOURS, 0, SEED, weight, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "neighbours");
  ck_assert_double_eq(m->p[2], 0.0);
  cc_multistate_free(m);
}
END_TEST

START_TEST(ending_draws_from_the_beta_posterior) {
  const double own[CELLS] = {0.95, 0.05, 0.0, 0.05, 0.90, 0.05};
  const double exposure[K] = {30.0, 30.0};
  const unsigned char which[K] = {1, 0};
  const double ends[K * END_NEIGHBOURS] = {0.02, 0.04, 0.06, NAN, 0.1, 0.1, 0.1, 0.1};
  const double months[K * END_NEIGHBOURS] = {1000, 1000, 1000, NAN, 1000, 1000, 1000, 1000};
  cc_multistate *m = council(own);
  cc_error err;
  ck_assert_int_eq(cc_shrink_exits(m, exposure, which, ends, months, END_NEIGHBOURS, DRAWS, SEED, NULL, &err), CC_OK);
  ck_assert_uint_eq(m->n_draws, DRAWS);
  double mean = 0.0, sq = 0.0;
  for (size_t b = 0; b < DRAWS; b++) {
    const double *d = m->draws + b * CELLS;
    mean += d[2] / DRAWS;
    ck_assert_double_eq_tol(d[0] / d[1], 0.95 / 0.05, 1e-9); /* each draw keeps the split of the rest */
    ck_assert_double_eq(d[COLS + 2], own[COLS + 2]);         /* the state not shrunk */
  }
  for (size_t b = 0; b < DRAWS; b++) sq += pow(m->draws[b * CELLS + 2] - mean, 2) / (DRAWS - 1);
  ck_assert_double_eq_tol(mean, m->p[2], DRAW_MEAN_TOLERANCE / 3.0);
  ck_assert_double_eq_tol(sqrt(sq), m->se[2], DRAW_SD_RELATIVE * m->se[2]);
  cc_multistate_free(m);
}
END_TEST

START_TEST(exit_rate_table) {
  cc_exit_rates *r = NULL;
  cc_error err;
  ck_assert_msg(cc_exit_rates_load(CC_PROJECT_DIR "/data/neighbours/dfe_exit_rates.csv", &r, &err) == CC_OK, "%s", err.message);
  double p, n;
  /* the first row of data/neighbours/build.py's output for Sheffield */
  ck_assert(cc_exit_rates_get(r, "E08000019", "child_in_need", &p, &n));
  ck_assert_double_eq_tol(p, 0.089508, 1e-12);
  ck_assert_double_eq_tol(n, 144300.0, 1e-9);
  ck_assert(!cc_exit_rates_get(r, "E08000019", "nursing_care", &p, &n));
  cc_exit_rates_free(r);
  char *dir = cc_test_tmpdir();
  char *bad = cc_test_write(dir, "bad.csv", "geography_code,state,exit_probability,person_months\nE08000019,child_in_need,1.5,10\n");
  ck_assert_int_eq(cc_exit_rates_load(bad, &r, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "exit_probability");
  ck_assert_int_eq(err.line, 2);
  char *twice = cc_test_write(dir, "twice.csv",
                              "geography_code,state,exit_probability,person_months\nE1,a,0.1,10\nE2,a,0.1,10\nE1,a,0.2,10\n");
  ck_assert_int_eq(cc_exit_rates_load(twice, &r, &err), CC_EINPUT);
  ck_assert_int_eq(err.line, 4);
  char *no_column = cc_test_write(dir, "no_column.csv", "geography_code,state,exit_probability\nE1,a,0.1\n");
  ck_assert_int_eq(cc_exit_rates_load(no_column, &r, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "person_months");
  ck_assert_ptr_null(r);
  cc_exit_rates_free(NULL);
  free(bad);
  free(twice);
  free(no_column);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

static Suite *shrink_suite(void) {
  Suite *s = suite_create("shrink");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, few_transitions_pulled_with_closed_form_weight);
  tcase_add_test(tc, many_transitions_not_moved);
  tcase_add_test(tc, draws_carry_parameter_uncertainty);
  tcase_add_test(tc, errors_leave_the_model_alone);
  tcase_add_test(tc, ssda903_councils_shrunk_towards_each_other);
  tcase_add_test(tc, neighbour_table);
  tcase_add_test(tc, ending_shrunk_with_closed_form_weight);
  tcase_add_test(tc, ending_draws_from_the_beta_posterior);
  tcase_add_test(tc, exit_rate_table);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(shrink_suite()); }
