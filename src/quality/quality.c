/* quality.c: assessing and handling the data quality of one series (see
 * quality.h). The assessment runs on the values as published: suppressed
 * cells count as missing for the tests, and nothing in the series is
 * changed; handling makes a new series with every change flagged. */
#include "carecast/quality.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/breaks.h"
#include "carecast/interp.h"
#include "carecast/outliers.h"
#include "carecast/structts.h"
#include "carecast/supsmu.h"

cc_quality *cc_quality_alloc(size_t n) {
  cc_quality *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->n = n;
  q->marks = calloc(n ? n : 1, 1);
  q->replacements = malloc((n ? n : 1) * sizeof *q->replacements);
  if (!q->marks || !q->replacements) {
    cc_quality_free(q);
    return NULL;
  }
  return q;
}

void cc_quality_free(cc_quality *q) {
  if (!q) return;
  free(q->marks);
  free(q->replacements);
  free(q);
}

double cc_quality_score(const cc_quality *q) {
  if (q->n == 0) return 0.0;
  double lost = (double)q->missing + CC_QUALITY_WEIGHT_SUPPRESSED * (double)q->suppressed +
                CC_QUALITY_WEIGHT_OUTLIER * (double)q->outliers + CC_QUALITY_WEIGHT_ZERO * (double)q->zeros;
  double score = CC_QUALITY_SCORE_MAX * (1.0 - lost / (double)q->n) - (q->has_break ? CC_QUALITY_BREAK_PENALTY : 0.0);
  return score > 0.0 ? score : 0.0;
}

static int is_count(cc_kind kind) { return kind == CC_KIND_FLOW || kind == CC_KIND_STOCK; }

/* Counts and rates are never negative; only money amounts may be (series.h). */
static int is_nonnegative(cc_kind kind) { return kind != CC_KIND_AMOUNT; }

static void count_gaps(const cc_series *s, cc_quality *q) {
  size_t run = 0;
  for (size_t i = 0; i < s->n; i++) {
    int suppressed = (s->flags[i] & CC_OBS_SUPPRESSED) != 0;
    if (suppressed) q->suppressed++;
    if (!isnan(s->values[i])) q->observed++;
    if (isnan(s->values[i]) && !suppressed) {
      q->missing++;
      if (run++ == 0) q->missing_runs++;
      if (run > q->longest_gap) q->longest_gap = run;
    } else {
      run = 0;
    }
  }
}

/* Unexpected zeros (see quality.h): the median of the nearest observed values around each zero. */
static void find_zeros(const cc_series *s, cc_quality *q) {
  if (!is_count(s->kind)) return;
  double near[CC_QUALITY_ZERO_NEIGHBOURS], sorted[CC_QUALITY_ZERO_NEIGHBOURS];
  for (size_t i = 0; i < s->n; i++) {
    if (s->values[i] != 0.0) continue;
    size_t k = 0;
    /* Alternate outwards: i - 1, i + 1, i - 2, ... */
    for (size_t d = 1; k < CC_QUALITY_ZERO_NEIGHBOURS && (d <= i || i + d < s->n); d++) {
      if (d <= i && !isnan(s->values[i - d]) && k < CC_QUALITY_ZERO_NEIGHBOURS) near[k++] = s->values[i - d];
      if (i + d < s->n && !isnan(s->values[i + d]) && k < CC_QUALITY_ZERO_NEIGHBOURS) near[k++] = s->values[i + d];
    }
    if (k == 0) continue;
    double median = cc_quantile7(near, k, 0.5, sorted);
    if (median >= CC_QUALITY_ZERO_LEVEL) {
      q->marks[i] |= CC_QUALITY_MARK_ZERO;
      q->zeros++;
    }
  }
}

/* The break test on the cleaned series, with seasonal dummies when it has seasons (breaks.h). */
static void test_break(const cc_series *s, const double *cleaned, int period, cc_quality *q, double *adjusted) {
  size_t n = s->n;
  if (n < CC_QUALITY_BREAK_MIN_N || q->observed < CC_QUALITY_BREAK_MIN_N) return;
  size_t dummies = cc_break_deseasonalise(cleaned, n, period, adjusted);
  cc_break_test test;
  cc_error too_short;
  if (cc_break_supf_lrv(adjusted, n, CC_QUALITY_BREAK_REGRESSORS, dummies, CC_BREAK_TRIM, &test, &too_short) != CC_OK)
    return;
  q->break_p = test.p_value;
  q->break_statistic = test.statistic;
  q->break_index = test.breakpoint;
  q->break_step = test.step;
  q->has_break = test.p_value < CC_QUALITY_BREAK_ALPHA;
}

cc_status cc_quality_assess(const cc_series *s, cc_quality *q, cc_error *err) {
  size_t n = s->n;
  if (q->n != n) return cc_error_set(err, CC_EINTERNAL, NULL, 0, "quality", "assessment allocated for another length");
  unsigned char *marks = q->marks;
  double *replacements = q->replacements;
  memset(q, 0, sizeof *q);
  q->n = n;
  q->marks = marks;
  q->replacements = replacements;
  memset(marks, 0, n ? n : 1);
  for (size_t i = 0; i < n; i++) replacements[i] = NAN;
  q->break_p = q->break_statistic = q->break_step = NAN;
  count_gaps(s, q);
  find_zeros(s, q);
  int period = cc_freq_per_year(s->freq);
  if (q->observed < CC_SUPSMU_MIN_N || (double)q->observed < CC_QUALITY_MIN_OBSERVED_SHARE * (double)n) {
    q->score = cc_quality_score(q);
    return CC_OK;
  }
  cc_outliers *o = cc_outliers_alloc(n);
  double *adjusted = malloc((n ? n : 1) * sizeof *adjusted);
  cc_status status = o && adjusted ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_error outlier_err;
  /* A series the outlier search cannot handle (nothing observed) has none. */
  if (!status && cc_outliers_find(s->values, n, period, CC_OUTLIER_ITERATE, o, &outlier_err) == CC_OK) {
    for (size_t k = 0; k < o->count; k++) {
      marks[o->index[k]] |= CC_QUALITY_MARK_OUTLIER;
      replacements[o->index[k]] = o->replacements[k];
    }
    q->outliers = o->count;
    test_break(s, o->cleaned, period, q, adjusted);
  }
  cc_outliers_free(o);
  free(adjusted);
  q->score = cc_quality_score(q);
  return status;
}

cc_status cc_break_handling_parse(const char *text, cc_break_handling *out, cc_error *err) {
  if (strcmp(text, "step") == 0) *out = CC_BREAKS_STEP;
  else if (strcmp(text, "shorten") == 0) *out = CC_BREAKS_SHORTEN;
  else return cc_error_set(err, CC_EUSAGE, NULL, 0, "breaks", "'%s' is not a break handling (step or shorten)", text);
  return CC_OK;
}

/* A copy of slots [first, s->n) of s, with its description. NULL when out of memory. */
static cc_series *copy_from(const cc_series *s, size_t first) {
  cc_series *c = cc_series_alloc_like(s, s->n - first);
  if (!c) return NULL;
  c->start = cc_period_add(s->start, (int32_t)first);
  for (size_t i = first; i < s->n; i++) {
    c->values[i - first] = s->values[i];
    c->bounds[i - first] = s->bounds[i];
    c->flags[i - first] = s->flags[i];
  }
  return c;
}

/* Impute the missing and suppressed slots of c (outliers set aside for the fit). */
static cc_status impute(cc_series *c, const unsigned char *outlier, cc_error *err) {
  size_t n = c->n;
  double *y = malloc(2 * (n ? n : 1) * sizeof *y);
  if (!y) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double *filled = y + n;
  for (size_t i = 0; i < n; i++) y[i] = outlier[i] ? NAN : c->values[i];
  cc_error impossible;
  if (cc_impute_kalman(y, n, cc_freq_per_year(c->freq), filled, &impossible) != CC_OK) {
    free(y); /* too few values to impute from: the gaps stay */
    return CC_OK;
  }
  for (size_t i = 0; i < n; i++) {
    if (!isnan(c->values[i])) continue;
    double v = filled[i];
    if (is_nonnegative(c->kind) || (c->flags[i] & CC_OBS_SUPPRESSED)) v = fmax(v, 0.0);
    if ((c->flags[i] & CC_OBS_SUPPRESSED) && !isnan(c->bounds[i])) v = fmin(v, c->bounds[i]);
    c->values[i] = v;
    c->flags[i] |= CC_OBS_IMPUTED;
  }
  free(y);
  return CC_OK;
}

cc_status cc_quality_handle(const cc_series *s, const cc_quality *q, const cc_quality_handling *h, cc_series **out,
                            cc_error *err) {
  *out = NULL;
  if (q->n != s->n) return cc_error_set(err, CC_EINTERNAL, NULL, 0, "quality", "assessment of another series");
  size_t first = h->breaks == CC_BREAKS_SHORTEN && q->has_break ? q->break_index : 0;
  cc_series *c = copy_from(s, 0);
  unsigned char *outlier = calloc(s->n ? s->n : 1, 1);
  if (!c || !outlier) {
    cc_series_free(c);
    free(outlier);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t i = 0; i < s->n; i++) {
    if (!(q->marks[i] & CC_QUALITY_MARK_OUTLIER)) continue;
    outlier[i] = 1;
    c->flags[i] |= CC_OBS_OUTLIER;
    if (h->replace_outliers) {
      c->values[i] = is_nonnegative(c->kind) ? fmax(q->replacements[i], 0.0) : q->replacements[i];
      c->flags[i] |= CC_OBS_IMPUTED;
    }
  }
  cc_status status = h->impute ? impute(c, outlier, err) : CC_OK;
  if (!status && h->breaks == CC_BREAKS_STEP && q->has_break) c->flags[q->break_index] |= CC_OBS_BREAK;
  free(outlier);
  if (!status && first > 0) {
    cc_series *shortened = copy_from(c, first);
    cc_series_free(c);
    c = shortened;
    if (!c) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  if (status) {
    cc_series_free(c);
    return status;
  }
  *out = c;
  return CC_OK;
}
