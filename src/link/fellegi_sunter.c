/* fellegi_sunter.c: EM for the Fellegi-Sunter m and u probabilities, match
 * weights, and the threshold from the estimated false-match rate (see
 * fellegi_sunter.h). */
#include "carecast/fellegi_sunter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_ITERATIONS 10000
#define DEFAULT_TOLERANCE 1e-8
#define DEFAULT_FLOOR 1e-6
#define DEFAULT_START_P 0.1
#define DEFAULT_START_M_TOP 0.9

cc_fs_options cc_fs_default_options(void) {
  cc_fs_options o = {DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, DEFAULT_FLOOR, DEFAULT_START_P, DEFAULT_START_M_TOP};
  return o;
}

/* P(pattern | match) and P(pattern | non-match), missing comparisons left out. */
static void likelihoods(const cc_fs_model *model, const uint8_t *levels, double *match, double *nonmatch) {
  double lm = 1, lu = 1;
  for (size_t k = 0; k < model->n_fields; k++) {
    if (levels[k] == CC_FS_MISSING) continue;
    lm *= model->m[k][levels[k]];
    lu *= model->u[k][levels[k]];
  }
  *match = lm;
  *nonmatch = lu;
}

double cc_fs_weight(const cc_fs_model *model, const uint8_t *levels) {
  double w = 0;
  for (size_t k = 0; k < model->n_fields; k++)
    if (levels[k] != CC_FS_MISSING) w += log2(model->m[k][levels[k]] / model->u[k][levels[k]]);
  return w;
}

double cc_fs_probability(const cc_fs_model *model, const uint8_t *levels) {
  double lm, lu;
  likelihoods(model, levels, &lm, &lu);
  double a = model->p * lm, b = (1 - model->p) * lu;
  return a / (a + b);
}

static cc_status check_input(const uint8_t *patterns, const double *counts, size_t n_patterns, size_t n_fields,
                             const int *n_levels, double *total, cc_error *err) {
  if (n_fields == 0 || n_fields > CC_FS_FIELDS_MAX)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "fields", "between 1 and %d fields can be compared", CC_FS_FIELDS_MAX);
  for (size_t k = 0; k < n_fields; k++)
    if (n_levels[k] < 2 || n_levels[k] > CC_FS_LEVELS_MAX)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "levels", "field %zu has %d levels; 2 to %d are allowed", k,
                          n_levels[k], CC_FS_LEVELS_MAX);
  *total = 0;
  for (size_t i = 0; i < n_patterns; i++) {
    if (!(counts[i] >= 0)) return cc_error_set(err, CC_EINPUT, NULL, 0, "counts", "pattern %zu has a negative count", i);
    for (size_t k = 0; k < n_fields; k++) {
      uint8_t level = patterns[i * n_fields + k];
      if (level != CC_FS_MISSING && level >= n_levels[k])
        return cc_error_set(err, CC_EINPUT, NULL, 0, "levels", "pattern %zu: field %zu has level %d of %d", i, k,
                            level, n_levels[k]);
    }
    *total += counts[i];
  }
  if (*total <= 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "pairs", "%s", "no candidate pairs to estimate from");
  return CC_OK;
}

/* Starting values: u from the level frequencies of all pairs, m mostly on the highest level. */
static void start(const uint8_t *patterns, const double *counts, size_t n_patterns, const cc_fs_options *o,
                  cc_fs_model *model) {
  for (size_t k = 0; k < model->n_fields; k++) {
    int top = model->n_levels[k] - 1;
    double seen[CC_FS_LEVELS_MAX] = {0}, total = 0;
    for (size_t i = 0; i < n_patterns; i++) {
      uint8_t level = patterns[i * model->n_fields + k];
      if (level == CC_FS_MISSING) continue;
      seen[level] += counts[i];
      total += counts[i];
    }
    for (int l = 0; l <= top; l++) {
      model->m[k][l] = l == top ? o->start_m_top : (1 - o->start_m_top) / top;
      model->u[k][l] = total > 0 ? fmax(seen[l] / total, o->floor) : 1.0 / (top + 1);
    }
  }
  model->p = o->start_p;
}

/* Normalise a row of expected counts into probabilities no smaller than floor (about: the row is rescaled to sum
 * to one after flooring). Returns the largest change from the previous values in out. */
static double normalise(const double *expected, int n, double floor_value, double *out) {
  double total = 0, next[CC_FS_LEVELS_MAX], sum = 0, moved = 0;
  for (int l = 0; l < n; l++) total += expected[l];
  for (int l = 0; l < n; l++) sum += next[l] = total > 0 ? fmax(expected[l] / total, floor_value) : out[l];
  for (int l = 0; l < n; l++) {
    moved = fmax(moved, fabs(next[l] / sum - out[l]));
    out[l] = next[l] / sum;
  }
  return moved;
}

/* One EM step; returns the largest change of any parameter and the log-likelihood before the step. */
static double em_step(const uint8_t *patterns, const double *counts, size_t n_patterns, double total, double floor_value,
                      cc_fs_model *model, double *loglik) {
  double em[CC_FS_FIELDS_MAX][CC_FS_LEVELS_MAX] = {{0}}, eu[CC_FS_FIELDS_MAX][CC_FS_LEVELS_MAX] = {{0}};
  double matches = 0;
  *loglik = 0;
  for (size_t i = 0; i < n_patterns; i++) {
    if (counts[i] == 0) continue;
    const uint8_t *levels = patterns + i * model->n_fields;
    double lm, lu;
    likelihoods(model, levels, &lm, &lu);
    double a = model->p * lm, b = (1 - model->p) * lu;
    double g = a / (a + b); /* E step: posterior probability that pairs of this pattern match */
    *loglik += counts[i] * log(a + b);
    matches += counts[i] * g;
    for (size_t k = 0; k < model->n_fields; k++) {
      if (levels[k] == CC_FS_MISSING) continue;
      em[k][levels[k]] += counts[i] * g;
      eu[k][levels[k]] += counts[i] * (1 - g);
    }
  }
  /* M step */
  double p = fmin(fmax(matches / total, floor_value), 1 - floor_value);
  double moved = fabs(p - model->p);
  model->p = p;
  for (size_t k = 0; k < model->n_fields; k++) {
    moved = fmax(moved, normalise(em[k], model->n_levels[k], floor_value, model->m[k]));
    moved = fmax(moved, normalise(eu[k], model->n_levels[k], floor_value, model->u[k]));
  }
  return moved;
}

cc_status cc_fs_estimate(const uint8_t *patterns, const double *counts, size_t n_patterns, size_t n_fields,
                         const int *n_levels, const cc_fs_options *options, cc_fs_model *model, cc_error *err) {
  cc_fs_options o = options ? *options : cc_fs_default_options();
  double total = 0;
  memset(model, 0, sizeof *model);
  cc_status status = check_input(patterns, counts, n_patterns, n_fields, n_levels, &total, err);
  if (status) return status;
  model->n_fields = n_fields;
  for (size_t k = 0; k < n_fields; k++) model->n_levels[k] = n_levels[k];
  start(patterns, counts, n_patterns, &o, model);
  for (model->iterations = 1; model->iterations <= o.max_iterations; model->iterations++) {
    double moved = em_step(patterns, counts, n_patterns, total, o.floor, model, &model->loglik);
    if (moved < o.tolerance) {
      model->converged = 1;
      break;
    }
  }
  if (!model->converged) model->iterations = o.max_iterations;
  /* A label switch (the "match" class fitting the non-matches) shows as the top level being likelier among
   * non-matches: refuse it rather than link on inverted weights. */
  double mean_weight_top = 0;
  for (size_t k = 0; k < n_fields; k++) {
    int top = n_levels[k] - 1;
    mean_weight_top += log2(model->m[k][top] / model->u[k][top]);
  }
  if (!(mean_weight_top > 0))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "pairs", "%s",
                        "EM found no class of pairs that agree more than the rest: the extracts seem to share "
                        "no people");
  return CC_OK;
}

/* Order of indices by weight, highest first (ties by index, so the order is reproducible). */
typedef struct weighted {
  double weight;
  size_t index;
} weighted;

static int by_weight_desc(const void *a, const void *b) {
  const weighted *x = a, *y = b;
  if (x->weight != y->weight) return x->weight < y->weight ? 1 : -1;
  return (x->index > y->index) - (x->index < y->index);
}

cc_status cc_fs_threshold(const double *weights, const double *probabilities, size_t n, double target_fmr,
                          double *threshold, size_t *accepted, double *estimated_fmr, cc_error *err) {
  *threshold = INFINITY;
  *accepted = 0;
  *estimated_fmr = 0;
  if (!(target_fmr >= 0 && target_fmr < 1))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "target-fmr", "%g is not a rate in [0, 1)", target_fmr);
  if (n == 0) return CC_OK;
  weighted *order = malloc(n * sizeof *order);
  if (!order) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) order[i] = (weighted){weights[i], i};
  qsort(order, n, sizeof *order, by_weight_desc);
  double false_matches = 0;
  for (size_t i = 0; i < n; i++) {
    false_matches += 1 - probabilities[order[i].index];
    int last_of_weight = i + 1 == n || order[i + 1].weight != order[i].weight;
    if (!last_of_weight) continue;
    double rate = false_matches / (double)(i + 1);
    if (rate <= target_fmr) {
      *threshold = order[i].weight;
      *accepted = i + 1;
      *estimated_fmr = rate;
    }
  }
  free(order);
  return CC_OK;
}
