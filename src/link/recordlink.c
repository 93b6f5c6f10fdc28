/* recordlink.c: blocking, comparison, EM, one-to-one assignment and the
 * threshold, put together (see recordlink.h).
 *
 * Every candidate pair is reduced to a pattern code (its levels in base
 * PATTERN_BASE, missing as the top digit), so EM runs on the few hundred
 * distinct patterns and each pair's weight is a table look-up.
 *
 * EM runs on every pair of the cross product, not only on the candidates:
 * blocking selects pairs that agree on some fields, so among candidates the
 * non-matches agree far more often than non-matches do, and EM on them
 * alone mistakes that structure for matching (it split on "same date of
 * birth" and gave agreement on sex a negative weight when we tried). The
 * candidates' patterns are counted exactly; the rest of the cross product
 * (nearly all non-matches) is counted exactly when small, else estimated
 * from a seeded uniform sample of pairs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/recordlink.h"

#define PATTERN_BASE (CC_FS_LEVELS_MAX + 1) /* digit per field: a level, or CC_FS_LEVELS_MAX for missing */
#define PATTERN_CODES 625                   /* PATTERN_BASE ^ CC_RECORDS_FIELDS */

cc_records_options cc_records_default_options(void) {
  cc_records_options o = {CC_RECORDS_TARGET_FMR, cc_fs_default_options(), CC_RECORDS_SAMPLE_PAIRS, CC_RECORDS_SEED};
  return o;
}

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014): a small,
 * seeded stream for the sample of pairs, held in the caller's state. */
static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int is_candidate(const uint64_t *candidates, size_t n, uint64_t pair) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (candidates[mid] < pair) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && candidates[lo] == pair;
}

static uint16_t pattern_code(const uint8_t levels[CC_RECORDS_FIELDS]) {
  unsigned code = 0;
  for (int k = CC_RECORDS_FIELDS - 1; k >= 0; k--)
    code = code * PATTERN_BASE + (levels[k] == CC_FS_MISSING ? CC_FS_LEVELS_MAX : levels[k]);
  return (uint16_t)code;
}

/* The levels of a pattern code. Returns 0 when a level is beyond its field's levels (no pair has that code). */
static int pattern_levels(unsigned code, uint8_t levels[CC_RECORDS_FIELDS]) {
  int possible = 1;
  for (int k = 0; k < CC_RECORDS_FIELDS; k++, code /= PATTERN_BASE) {
    unsigned digit = code % PATTERN_BASE;
    levels[k] = digit == CC_FS_LEVELS_MAX ? CC_FS_MISSING : (uint8_t)digit;
    if (levels[k] != CC_FS_MISSING && levels[k] >= cc_records_levels[k]) possible = 0;
  }
  return possible;
}

/* A candidate pair: 12 bytes, as there may be tens of millions. */
typedef struct scored {
  uint32_t a, b;  /* record indices */
  uint16_t code;  /* comparison pattern */
  uint16_t rank;  /* the pattern's place in the order of weights, highest first (ties by code) */
} scored;

static int by_rank(const void *x, const void *y) {
  const scored *p = x, *q = y;
  if (p->rank != q->rank) return p->rank < q->rank ? -1 : 1;
  if (p->a != q->a) return p->a < q->a ? -1 : 1;
  return (p->b > q->b) - (p->b < q->b);
}

/* rank_of[code]: the order of pattern codes by weight, highest first, ties by code. */
static void rank_patterns(const double *weight_of, uint16_t *rank_of) {
  uint16_t order[PATTERN_CODES];
  for (unsigned code = 0; code < PATTERN_CODES; code++) order[code] = (uint16_t)code;
  for (unsigned i = 1; i < PATTERN_CODES; i++) { /* insertion sort of 625 codes: stable and small */
    uint16_t code = order[i];
    unsigned j = i;
    for (; j > 0 && weight_of[order[j - 1]] < weight_of[code]; j--) order[j] = order[j - 1];
    order[j] = code;
  }
  for (unsigned i = 0; i < PATTERN_CODES; i++) rank_of[order[i]] = (uint16_t)i;
}

/* Add to code_counts the patterns of the pairs that blocking left out: every one of them when there are at most
 * o->sample_pairs, else a uniform sample of the cross product (pairs that are candidates skipped, as they are
 * counted exactly) with each sampled pair standing for (|A| |B|) / sample_pairs pairs. */
static void count_other_pairs(const cc_extract *a, const cc_extract *b, const uint64_t *candidates, size_t n_candidates,
                              const cc_records_options *o, double *code_counts) {
  double all_pairs = (double)a->n * (double)b->n;
  uint8_t levels[CC_RECORDS_FIELDS];
  if (all_pairs <= (double)o->sample_pairs) {
    for (size_t i = 0; i < a->n; i++)
      for (size_t j = 0; j < b->n; j++) {
        if (is_candidate(candidates, n_candidates, (uint64_t)i << 32 | j)) continue;
        cc_records_compare(&a->records[i], &b->records[j], levels);
        code_counts[pattern_code(levels)] += 1;
      }
    return;
  }
  double scale = all_pairs / (double)o->sample_pairs;
  uint64_t state = o->seed;
  for (size_t s = 0; s < o->sample_pairs; s++) {
    uint64_t i = splitmix64(&state) % a->n, j = splitmix64(&state) % b->n;
    if (is_candidate(candidates, n_candidates, i << 32 | j)) continue;
    cc_records_compare(&a->records[i], &b->records[j], levels);
    code_counts[pattern_code(levels)] += scale;
  }
}

/* Estimate the model from the pattern counts. */
static cc_status estimate(const double *code_counts, const cc_records_options *o, cc_records_result *result, cc_error *err) {
  uint8_t patterns[PATTERN_CODES * CC_RECORDS_FIELDS];
  double counts[PATTERN_CODES];
  size_t n = 0;
  for (unsigned code = 0; code < PATTERN_CODES; code++) {
    if (code_counts[code] == 0) continue;
    pattern_levels(code, patterns + n * CC_RECORDS_FIELDS);
    counts[n++] = code_counts[code];
  }
  result->patterns = n;
  return cc_fs_estimate(patterns, counts, n, CC_RECORDS_FIELDS, cc_records_levels, &o->em, &result->model, err);
}

/* Greedy one-to-one assignment over pairs sorted by weight; keeps the chosen pairs at the front. */
static cc_status assign(scored *pairs, size_t n_pairs, size_t n_a, size_t n_b, size_t *n_assigned, cc_error *err) {
  uint8_t *used_a = calloc(n_a ? n_a : 1, 1), *used_b = calloc(n_b ? n_b : 1, 1);
  if (!used_a || !used_b) {
    free(used_a);
    free(used_b);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  size_t kept = 0;
  for (size_t i = 0; i < n_pairs; i++) {
    if (used_a[pairs[i].a] || used_b[pairs[i].b]) continue;
    used_a[pairs[i].a] = used_b[pairs[i].b] = 1;
    pairs[kept++] = pairs[i];
  }
  free(used_a);
  free(used_b);
  *n_assigned = kept;
  return CC_OK;
}

/* Threshold the assigned pairs and copy the links into result. */
static cc_status choose_links(const scored *assigned, size_t n_assigned, const double *weight_of,
                              const double *probability_of, const cc_records_options *o, cc_records_result *result,
                              cc_error *err) {
  double *weights = malloc((n_assigned ? n_assigned : 1) * sizeof *weights);
  double *probabilities = malloc((n_assigned ? n_assigned : 1) * sizeof *probabilities);
  cc_status status = CC_OK;
  if (!weights || !probabilities) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !status && i < n_assigned; i++) {
    weights[i] = weight_of[assigned[i].code];
    probabilities[i] = probability_of[assigned[i].code];
  }
  size_t accepted = 0;
  if (!status)
    status = cc_fs_threshold(weights, probabilities, n_assigned, o->target_fmr, &result->threshold, &accepted,
                             &result->estimated_fmr, err);
  free(weights);
  free(probabilities);
  if (status) return status;
  result->links = calloc(accepted ? accepted : 1, sizeof *result->links);
  if (!result->links) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  /* assigned pairs are in weight order, so the accepted ones are the first `accepted` */
  for (size_t i = 0; i < accepted; i++) {
    cc_records_match *link = &result->links[i];
    link->a = assigned[i].a;
    link->b = assigned[i].b;
    link->weight = weight_of[assigned[i].code];
    link->probability = probability_of[assigned[i].code];
    pattern_levels(assigned[i].code, link->levels);
  }
  result->n_links = accepted;
  return CC_OK;
}

cc_status cc_records_run(const cc_extract *a, const cc_extract *b, const cc_records_options *options, cc_records_result **out,
                      cc_error *err) {
  *out = NULL;
  cc_records_options o = options ? *options : cc_records_default_options();
  cc_records_result *result = calloc(1, sizeof *result);
  if (!result) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  uint64_t *candidates = NULL;
  scored *pairs = NULL;
  cc_status status = cc_records_block(a, b, &candidates, &result->candidates, result->per_pass, err);
  if (!status && !(pairs = malloc((result->candidates ? result->candidates : 1) * sizeof *pairs)))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory comparing %zu pairs", result->candidates);
  double code_counts[PATTERN_CODES] = {0};
  for (size_t i = 0; !status && i < result->candidates; i++) {
    uint8_t levels[CC_RECORDS_FIELDS];
    pairs[i].a = (uint32_t)(candidates[i] >> 32);
    pairs[i].b = (uint32_t)candidates[i];
    cc_records_compare(&a->records[pairs[i].a], &b->records[pairs[i].b], levels);
    pairs[i].code = pattern_code(levels);
    code_counts[pairs[i].code]++;
  }
  double candidate_counts[PATTERN_CODES];
  memcpy(candidate_counts, code_counts, sizeof code_counts);
  if (!status) count_other_pairs(a, b, candidates, result->candidates, &o, code_counts);
  free(candidates);
  /* Start EM near the truth: at most min(|A|, |B|) of the |A| |B| pairs can match; say half of that. */
  double all_pairs = (double)a->n * (double)b->n, fewest = (double)(a->n < b->n ? a->n : b->n);
  if (all_pairs > 0) o.em.start_p = 0.5 * fewest / all_pairs;
  if (!status) status = estimate(code_counts, &o, result, err);
  double weight_of[PATTERN_CODES], probability_of[PATTERN_CODES];
  for (unsigned code = 0; !status && code < PATTERN_CODES; code++) {
    uint8_t levels[CC_RECORDS_FIELDS];
    int possible = pattern_levels(code, levels);
    weight_of[code] = possible ? cc_fs_weight(&result->model, levels) : -INFINITY; /* never seen; sorts last */
    probability_of[code] = possible ? cc_fs_probability(&result->model, levels) : 0;
    result->expected_matches += candidate_counts[code] * probability_of[code];
  }
  size_t n_assigned = 0;
  if (!status) {
    uint16_t rank_of[PATTERN_CODES];
    rank_patterns(weight_of, rank_of);
    for (size_t i = 0; i < result->candidates; i++) pairs[i].rank = rank_of[pairs[i].code];
    qsort(pairs, result->candidates, sizeof *pairs, by_rank);
    status = assign(pairs, result->candidates, a->n, b->n, &n_assigned, err);
  }
  result->assigned = n_assigned;
  if (!status) status = choose_links(pairs, n_assigned, weight_of, probability_of, &o, result, err);
  free(pairs);
  if (status) {
    cc_records_result_free(result);
    return status;
  }
  *out = result;
  return CC_OK;
}

void cc_records_result_free(cc_records_result *result) {
  if (!result) return;
  free(result->links);
  free(result);
}
