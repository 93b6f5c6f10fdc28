/* test_optim.c: the shared Nelder-Mead against R's optim(method =
 * "Nelder-Mead") (fixture from tests/reference/optim_reference.R): the same
 * number of evaluations and the same optimum, to 1e-9 relative, with and
 * without the evaluation limit biting; a search paused and resumed is the
 * uninterrupted one; the shared BFGS against optim(method = "BFGS") to 1e-7,
 * and with an objective that stops early on the same path;
 * and its error paths. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/optim.h"
#include "fixture.h"
#include "testutil.h"

#define OPTIM_TOLERANCE 1e-9
#define BFGS_TOLERANCE 1e-7 /* BFGS differences its function numerically: rounding shows sooner (floor 1e-3) */

static double rosenbrock(const double *x, size_t n, void *context) {
  (void)n, (void)context;
  return 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1 - x[0]) * (1 - x[0]);
}

static double bumpy(const double *x, size_t n, void *context) {
  (void)context;
  double sum = 0, product = 1;
  for (size_t i = 0; i < n; i++) sum += (x[i] - (double)(i + 1)) * (x[i] - (double)(i + 1)), product *= fabs(x[i]);
  return sum + sqrt(product);
}

static double quadratic(const double *x, size_t n, void *context) {
  (void)n, (void)context;
  const double centre[3] = {0.5, -2, 3};
  double sum = 0;
  for (int i = 0; i < 3; i++) sum += (i + 1) * (x[i] - centre[i]) * (x[i] - centre[i]);
  return sum;
}

static double nowhere(const double *x, size_t n, void *context) {
  (void)x, (void)n, (void)context;
  return INFINITY;
}

START_TEST(test_matches_r_optim) {
  cc_fixture *f = cc_fixture_load("optim_nelder_mead.csv");
  ck_assert_msg(f != NULL, "fixture optim_nelder_mead.csv missing");
  cc_nm_workspace *w = cc_nm_workspace_alloc(5);
  size_t compared = 0;
  for (size_t r = 0; r < f->n_rows; r++) {
    const char *name = cc_fixture_text(f, r, "problem");
    if (strstr(name, "_bfgs")) continue; /* test_bfgs_matches_r */
    cc_objective_fn fn = strcmp(name, "rosenbrock") == 0 ? rosenbrock : strcmp(name, "bumpy") == 0 ? bumpy : quadratic;
    double start[3][5] = {{-1.2, 1}, {0.5, 0.2, 3, 1, 2}, {0, 0, 0}};
    size_t dims[3] = {2, 5, 3};
    int which = fn == rosenbrock ? 0 : fn == bumpy ? 1 : 2;
    double x[5];
    memcpy(x, start[which], sizeof x);
    cc_nm_options o;
    cc_nm_options_default(&o);
    o.max_evaluations = (int)cc_fixture_number(f, r, "maxit");
    cc_nm_result result;
    cc_error err;
    ck_assert_int_eq(cc_nelder_mead(fn, NULL, x, dims[which], &o, w, &result, &err), CC_OK);
    ck_assert_int_eq(result.evaluations, (int)cc_fixture_number(f, r, "evaluations"));
    double value = cc_fixture_number(f, r, "value");
    ck_assert_msg(fabs(result.value - value) <= OPTIM_TOLERANCE * fmax(fabs(value), 1e-12), "%s: value %.15g, R %.15g", name,
                  result.value, value);
    const char *columns[5] = {"x1", "x2", "x3", "x4", "x5"};
    for (size_t i = 0; i < dims[which]; i++) {
      double expected = cc_fixture_number(f, r, columns[i]);
      ck_assert_msg(fabs(x[i] - expected) <= OPTIM_TOLERANCE * fmax(fabs(expected), 1e-6), "%s x%zu: %.15g, R %.15g", name,
                    i + 1, x[i], expected);
    }
    compared++;
  }
  ck_assert_uint_ge(compared, 6);
  cc_nm_workspace_free(w);
  cc_fixture_free(f);
}
END_TEST

/* A search stopped at some evaluation count and continued later ends exactly
 * where an uninterrupted search ends. */
START_TEST(test_pause_and_resume) {
  cc_nm_workspace *whole = cc_nm_workspace_alloc(5), *paused = cc_nm_workspace_alloc(5);
  cc_nm_options o;
  cc_nm_options_default(&o);
  cc_nm_result a, b;
  cc_error err;
  for (int stop = 7; stop < 600; stop += 37) {
    double x[5] = {0.5, 0.2, 3, 1, 2}, y[5] = {0.5, 0.2, 3, 1, 2};
    ck_assert_int_eq(cc_nelder_mead(bumpy, NULL, x, 5, &o, whole, &a, &err), CC_OK);
    ck_assert_int_eq(cc_nm_start(bumpy, NULL, y, 5, &o, paused, &err), CC_OK);
    cc_nm_continue(paused, stop, y, &b);
    cc_nm_continue(paused, o.max_evaluations, y, &b);
    ck_assert_int_eq(a.evaluations, b.evaluations);
    ck_assert_double_eq(a.value, b.value);
    for (int i = 0; i < 5; i++) ck_assert_double_eq(x[i], y[i]);
    ck_assert(cc_nm_finished(paused));
  }
  cc_nm_workspace_free(whole);
  cc_nm_workspace_free(paused);
}
END_TEST

/* cc_bfgs against optim(method = "BFGS"), with parameter scales 1 and 10. */
START_TEST(test_bfgs_matches_r) {
  cc_fixture *f = cc_fixture_load("optim_nelder_mead.csv");
  ck_assert_ptr_nonnull(f);
  size_t compared = 0;
  for (size_t r = 0; r < f->n_rows; r++) {
    const char *name = cc_fixture_text(f, r, "problem");
    const char *tag = strstr(name, "_bfgs");
    if (!tag) continue;
    int which = strncmp(name, "rosenbrock", 10) == 0 ? 0 : strncmp(name, "bumpy", 5) == 0 ? 1 : 2;
    cc_objective_fn fns[3] = {rosenbrock, bumpy, quadratic};
    double start[3][5] = {{-1.2, 1}, {0.5, 0.2, 3, 1, 2}, {0, 0, 0}};
    size_t dims[3] = {2, 5, 3};
    double scale_value = atof(tag + 5), scale[5], x[5], value;
    for (int i = 0; i < 5; i++) scale[i] = scale_value, x[i] = start[which][i];
    cc_bfgs_options o;
    cc_bfgs_options_default(&o);
    ck_assert_int_ge(cc_bfgs(fns[which], NULL, x, dims[which], scale, &o, &value), 0);
    double expected = cc_fixture_number(f, r, "value");
    ck_assert_msg(fabs(value - expected) <= BFGS_TOLERANCE * fmax(fabs(expected), 1e-3), "%s: value %.15g, R %.15g", name,
                  value, expected);
    const char *columns[5] = {"x1", "x2", "x3", "x4", "x5"};
    for (size_t i = 0; i < dims[which]; i++) {
      double want = cc_fixture_number(f, r, columns[i]);
      ck_assert_msg(fabs(x[i] - want) <= BFGS_TOLERANCE * fmax(fabs(want), 1e-3), "%s x%zu: %.15g, R %.15g", name, i + 1,
                    x[i], want);
    }
    compared++;
  }
  ck_assert_uint_ge(compared, 6);
  cc_fixture_free(f);
}
END_TEST

/* A gradient callback computing what cc_bfgs computes without one (central
 * differences of step 1e-3 in scaled coordinates, so 1e-3 scale in x's
 * units), counting its calls: the path, and so the minimum, must be the same
 * to rounding, and the callback must be the one used. */
typedef struct counted_gradient {
  int calls;
  int fail;            /* 1: report the gradient as not computable */
  const double *scale; /* the optimiser's scales */
} counted_gradient;

static double rosenbrock_counted(const double *x, size_t n, void *context) { return rosenbrock(x, n, context); }

static int central_gradient(const double *x, size_t n, void *context, double *gradient) {
  counted_gradient *c = context;
  c->calls++;
  if (c->fail) return 0;
  double moved[2] = {x[0], x[1]};
  for (size_t i = 0; i < n; i++) {
    double h = 1e-3 * c->scale[i];
    moved[i] = x[i] + h;
    double up = rosenbrock(moved, n, NULL);
    moved[i] = x[i] - h;
    double down = rosenbrock(moved, n, NULL);
    moved[i] = x[i];
    gradient[i] = (up - down) / (2 * h);
  }
  return 1;
}

START_TEST(test_bfgs_gradient_callback) {
  double plain[2] = {-1.2, 1}, called[2] = {-1.2, 1}, scale[2] = {2, 0.5}, plain_value, called_value;
  cc_bfgs_options o;
  cc_bfgs_options_default(&o);
  int plain_result = cc_bfgs(rosenbrock, NULL, plain, 2, scale, &o, &plain_value);
  counted_gradient counter = {0, 0, scale};
  o.gradient = central_gradient;
  int called_result = cc_bfgs(rosenbrock_counted, &counter, called, 2, scale, &o, &called_value);
  ck_assert_int_eq(called_result, plain_result);
  ck_assert_int_gt(counter.calls, 1);
  for (int i = 0; i < 2; i++) ck_assert_double_eq_tol(called[i], plain[i], 1e-9);
  ck_assert_double_eq_tol(called_value, plain_value, 1e-12);
  counted_gradient failing = {0, 1, scale};
  double x[2] = {-1.2, 1};
  ck_assert_int_eq(cc_bfgs(rosenbrock_counted, &failing, x, 2, scale, &o, &called_value), -1);
  ck_assert_int_eq(failing.calls, 1);
}
END_TEST

/* A bounded objective that stops as early as it may (HUGE_VAL whenever f
 * is above the bound) must leave the path, and so the result, bit for bit
 * what f alone gives, on each problem and scale of test_bfgs_matches_r. */
typedef struct bounded_counter {
  cc_objective_fn f;
  int stops; /* calls answered with HUGE_VAL */
} bounded_counter;

static double counted_f(const double *x, size_t n, void *context) {
  bounded_counter *c = context;
  return c->f(x, n, NULL);
}

static double stop_above(const double *x, size_t n, void *context, double bound) {
  bounded_counter *c = context;
  double value = c->f(x, n, NULL);
  if (value > bound) return c->stops++, HUGE_VAL;
  return value;
}

START_TEST(test_bfgs_bounded_objective) {
  cc_objective_fn fns[3] = {rosenbrock, bumpy, quadratic};
  double start[3][5] = {{-1.2, 1}, {0.5, 0.2, 3, 1, 2}, {0, 0, 0}};
  size_t dims[3] = {2, 5, 3};
  double scales[2] = {1, 10};
  int stops = 0;
  for (int which = 0; which < 3; which++)
    for (int k = 0; k < 2; k++) {
      double scale[5], plain[5], bounded[5], plain_value, bounded_value;
      for (int i = 0; i < 5; i++) scale[i] = scales[k], plain[i] = bounded[i] = start[which][i];
      bounded_counter counter = {fns[which], 0};
      cc_bfgs_options o;
      cc_bfgs_options_default(&o);
      int plain_result = cc_bfgs(counted_f, &counter, plain, dims[which], scale, &o, &plain_value);
      o.bounded = stop_above;
      int bounded_result = cc_bfgs(counted_f, &counter, bounded, dims[which], scale, &o, &bounded_value);
      ck_assert_int_eq(bounded_result, plain_result);
      ck_assert_msg(bounded_value == plain_value, "problem %d scale %g: %.17g against %.17g", which, scales[k],
                    bounded_value, plain_value);
      for (size_t i = 0; i < dims[which]; i++) ck_assert(bounded[i] == plain[i]);
      stops += counter.stops;
    }
  ck_assert_int_gt(stops, 0);
}
END_TEST

/* f(x) = 0.5 x'Ax + b'x: central differences of a quadratic are exact, so
 * cc_optim_hessian returns A to rounding, whatever the scales; and a
 * function that is not finite near x gives 0. */
static double general_quadratic(const double *x, size_t n, void *context) {
  const double *a = context;
  double value = 0;
  for (size_t i = 0; i < n; i++) {
    value += 0.3 * (double)(i + 1) * x[i];
    for (size_t j = 0; j < n; j++) value += 0.5 * x[i] * a[i + n * j] * x[j];
  }
  return value;
}

static double log_of_first(const double *x, size_t n, void *context) {
  (void)n, (void)context;
  return x[0] > 0 ? log(x[0]) : NAN;
}

START_TEST(test_hessian_of_quadratic) {
  enum { N = 3 };
  double a[N * N] = {4, 1, -0.5, 1, 3, 0.25, -0.5, 0.25, 2}, x[N] = {0.7, -1.2, 3}, scale[N] = {1, 10, 0.05};
  double hessian[N * N];
  ck_assert_int_eq(cc_optim_hessian(general_quadratic, a, x, N, scale, 1e-3, hessian), 1);
  for (int i = 0; i < N * N; i++) ck_assert_double_eq_tol(hessian[i], a[i], 1e-6);
  double near_zero[1] = {1e-4}, unit[1] = {1};
  ck_assert_int_eq(cc_optim_hessian(log_of_first, NULL, near_zero, 1, unit, 1e-3, hessian), 0);
}
END_TEST

START_TEST(test_errors) {
  cc_nm_workspace *w = cc_nm_workspace_alloc(2);
  cc_nm_options o;
  cc_nm_options_default(&o);
  cc_nm_result result;
  cc_error err;
  double x[3] = {1, 2, 3};
  ck_assert_int_eq(cc_nelder_mead(nowhere, NULL, x, 2, &o, w, &result, &err), CC_EINPUT);
  ck_assert_int_eq(cc_nelder_mead(quadratic, NULL, x, 3, &o, w, &result, &err), CC_EINTERNAL); /* workspace too small */
  cc_nm_workspace_free(w);
}
END_TEST

/* cc_optim_hessian against R's optimHess with parscale (i + 1) * scale
 * (tests/reference/optim_reference.R): the same differences, so within
 * 1e-7 relative (absolute below 1); a non-finite function fails. */
START_TEST(test_hessian_matches_r) {
  cc_fixture *f = cc_fixture_load("optim_hessian.csv");
  ck_assert_msg(f != NULL, "fixture optim_hessian.csv missing");
  const char *names[3] = {"rosenbrock", "bumpy", "quadratic"};
  cc_objective_fn functions[3] = {rosenbrock, bumpy, quadratic};
  const double points[3][5] = {{0.7, 0.4}, {1.5, 2.2, 2.9, 4.1, 5.3}, {1, 1, 1}};
  const size_t sizes[3] = {2, 5, 3};
  cc_bfgs_options o;
  cc_bfgs_options_default(&o);
  size_t compared = 0;
  for (int p = 0; p < 3; p++)
    for (int scale = 1; scale <= 10; scale += 9) {
      size_t n = sizes[p];
      double parscale[5], hessian[25];
      for (size_t i = 0; i < n; i++) parscale[i] = (double)((i + 1) * (size_t)scale);
      ck_assert_int_eq(cc_optim_hessian(functions[p], NULL, points[p], n, parscale, o.gradient_step, hessian), 1);
      for (size_t r = 0; r < f->n_rows; r++) {
        if (strcmp(cc_fixture_text(f, r, "problem"), names[p]) != 0 || (int)cc_fixture_number(f, r, "scale") != scale)
          continue;
        size_t i = (size_t)cc_fixture_number(f, r, "i") - 1, j = (size_t)cc_fixture_number(f, r, "j") - 1;
        double expected = cc_fixture_number(f, r, "value");
        ck_assert_msg(cc_fixture_close(hessian[i * n + j], expected, 1e-7), "%s scale %d H[%zu][%zu] = %.10g, R %.10g",
                      names[p], scale, i + 1, j + 1, hessian[i * n + j], expected);
        compared++;
      }
    }
  ck_assert_uint_eq(compared, 2 * (4 + 25 + 9));
  double x[2] = {1, 1}, scale[2] = {1, 1}, hessian[4];
  ck_assert_int_eq(cc_optim_hessian(nowhere, NULL, x, 2, scale, o.gradient_step, hessian), 0);
  cc_fixture_free(f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("optim");
  TCase *tc = tcase_create("nelder-mead");
  tcase_add_test(tc, test_matches_r_optim);
  tcase_add_test(tc, test_pause_and_resume);
  tcase_add_test(tc, test_bfgs_matches_r);
  tcase_add_test(tc, test_bfgs_gradient_callback);
  tcase_add_test(tc, test_bfgs_bounded_objective);
  tcase_add_test(tc, test_hessian_of_quadratic);
  tcase_add_test(tc, test_hessian_matches_r);
  tcase_add_test(tc, test_errors);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
