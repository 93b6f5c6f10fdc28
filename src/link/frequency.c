/* frequency.c: aggregation to coarser frequencies and Denton
 * disaggregation to months (see frequency.h). */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/frequency.h"

/* Flags a total inherits when any of its parts has them. */
#define CARRIED_FLAGS (CC_OBS_IMPUTED | CC_OBS_OUTLIER | CC_OBS_BREAK | CC_OBS_PROVISIONAL)

cc_status cc_temporal_rule_of(cc_kind kind, cc_temporal_rule *rule, cc_error *err) {
  switch (kind) {
  case CC_KIND_FLOW:
  case CC_KIND_AMOUNT: *rule = CC_TEMPORAL_SUM; return CC_OK;
  case CC_KIND_STOCK: *rule = CC_TEMPORAL_LAST; return CC_OK;
  case CC_KIND_RATE: break;
  }
  return cc_error_set(err, CC_EINPUT, NULL, 0, "kind",
                      "a rate is neither summed nor carried across periods (it needs its numerator and denominator)");
}

int cc_freq_aggregates_to(cc_freq from, cc_freq to) {
  if (from == CC_FREQ_MONTH) return to == CC_FREQ_QUARTER || to == CC_FREQ_FYEAR || to == CC_FREQ_YEAR;
  if (from == CC_FREQ_QUARTER) return to == CC_FREQ_FYEAR || to == CC_FREQ_YEAR;
  return 0;
}

/* A series like s (same description) of n slots at frequency freq from start. */
static cc_status alloc_like(const cc_series *s, cc_freq freq, cc_period start, size_t n, cc_series **out, cc_error *err) {
  cc_series *r = cc_series_alloc_like(s, n);
  *out = r;
  if (!r) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  r->freq = freq;
  r->start = start;
  return CC_OK;
}

/* Combine slots [first, first + k) of s (all inside s) into slot j of r. */
static void combine(const cc_series *s, size_t first, size_t k, cc_temporal_rule rule, cc_series *r, size_t j) {
  double total = 0.0, bound = 0.0;
  int suppressed = 0;
  unsigned carried = 0;
  for (size_t t = first; t < first + k; t++) {
    int has_value = !isnan(s->values[t]);
    int is_suppressed = (s->flags[t] & CC_OBS_SUPPRESSED) != 0;
    if (!has_value && !is_suppressed) return; /* a missing part: the total is missing */
    carried |= s->flags[t] & CARRIED_FLAGS;
    if (rule == CC_TEMPORAL_LAST && t + 1 < first + k) continue;
    if (has_value) {
      total += s->values[t];
      bound += s->values[t];
    } else {
      suppressed = 1;
      bound += s->bounds[t];
    }
  }
  r->flags[j] = (uint8_t)(carried | (suppressed ? CC_OBS_SUPPRESSED : CC_OBS_OBSERVED));
  r->values[j] = suppressed ? NAN : total;
  r->bounds[j] = suppressed ? bound : NAN;
}

cc_status cc_freq_aggregate(const cc_series *s, cc_freq to, cc_series **out, cc_error *err) {
  *out = NULL;
  cc_temporal_rule rule = CC_TEMPORAL_SUM;
  cc_status status = cc_temporal_rule_of(s->kind, &rule, err);
  if (status) return status;
  if (!cc_freq_aggregates_to(s->freq, to))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "frequency", "a %s series cannot be aggregated to %s",
                        cc_freq_name(s->freq), cc_freq_name(to));
  if (s->n == 0) return alloc_like(s, to, s->start, 0, out, err);
  cc_period first, last;
  if ((status = cc_period_convert(s->start, to, &first, err)) ||
      (status = cc_period_convert(cc_series_period(s, s->n - 1), to, &last, err)))
    return status;
  size_t n = (size_t)cc_period_diff(first, last) + 1;
  size_t k = (size_t)(cc_freq_months(to) / cc_freq_months(s->freq));
  cc_series *r;
  if ((status = alloc_like(s, to, first, n, &r, err))) return status;
  for (size_t j = 0; j < n; j++) {
    /* The first slot of s inside period j of r, which may lie before s starts. */
    cc_period month_first, month_last, part;
    cc_period_months(cc_period_add(first, (int32_t)j), &month_first, &month_last);
    if ((status = cc_period_convert(month_first, s->freq, &part, err))) break;
    int32_t offset = cc_period_diff(s->start, part);
    if (offset < 0 || (size_t)offset + k > s->n) continue; /* the period is not wholly inside s */
    combine(s, (size_t)offset, k, rule, r, j);
  }
  if (status) {
    cc_series_free(r);
    return status;
  }
  *out = r;
  return CC_OK;
}

cc_status cc_denton(const double *indicator, const double *benchmark, size_t m, size_t k, cc_temporal_rule rule,
                    double *x, cc_error *err) {
  size_t n = m * k, dim = n + m;
  for (size_t t = 0; t < n; t++)
    if (!(indicator[t] > 0.0))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "indicator", "Denton needs a positive indicator (slot %zu is %g)", t,
                          indicator[t]);
  if (n == 0) return CC_OK;
  /* Unknowns: z = x / i (n), then one Lagrange multiplier per benchmark (m).
   * Rows 0..n-1: D'D z + C' lambda = 0, with D the first-difference matrix;
   * rows n..n+m-1: C z = benchmark, with C[j][t] = i_t for the slots t that
   * make benchmark j under the rule. */
  double *a = calloc(dim * dim + dim, sizeof *a);
  lapack_int *pivots = malloc(dim * sizeof *pivots);
  if (!a || !pivots) {
    free(a);
    free(pivots);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  double *rhs = a + dim * dim;
#define A(row, col) a[(row) * dim + (col)]
  for (size_t t = 0; t + 1 < n; t++) {
    A(t, t) += 1.0;
    A(t + 1, t + 1) += 1.0;
    A(t, t + 1) -= 1.0;
    A(t + 1, t) -= 1.0;
  }
  for (size_t j = 0; j < m; j++) {
    for (size_t t = j * k; t < (j + 1) * k; t++) {
      if (rule == CC_TEMPORAL_LAST && t + 1 < (j + 1) * k) continue;
      A(n + j, t) = indicator[t];
      A(t, n + j) = indicator[t];
    }
    rhs[n + j] = benchmark[j];
  }
#undef A
  lapack_int info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, (lapack_int)dim, 1, a, (lapack_int)dim, pivots, rhs, 1);
  cc_status status = CC_OK;
  if (info != 0)
    status = cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "Denton's equations are singular (LAPACK dgesv info %d)",
                          (int)info);
  else
    for (size_t t = 0; t < n; t++) x[t] = rhs[t] * indicator[t];
  free(a);
  free(pivots);
  return status;
}

/* Disaggregate the run of periods [first, first + m) of s into months of r. */
static cc_status disaggregate_run(const cc_series *s, size_t first, size_t m, size_t k, cc_temporal_rule rule,
                                  cc_series *r, cc_error *err) {
  double *work = malloc((m * k * 2 + m) * sizeof *work);
  if (!work) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double *indicator = work, *x = work + m * k, *benchmark = work + 2 * m * k;
  for (size_t t = 0; t < m * k; t++) indicator[t] = 1.0;
  for (size_t j = 0; j < m; j++) benchmark[j] = s->values[first + j];
  cc_status status = cc_denton(indicator, benchmark, m, k, rule, x, err);
  for (size_t j = 0; j < m && !status; j++)
    for (size_t t = 0; t < k; t++) {
      double v = x[j * k + t];
      if (v < 0.0 && s->kind != CC_KIND_AMOUNT) {
        char period[CC_PERIOD_TEXT_MAX];
        status = cc_error_set(err, CC_EINPUT, NULL, 0, "value",
                              "'%s': Denton gives a negative count in %s; the series is left at its own frequency", s->id,
                              cc_period_format(cc_series_period(s, first + j), period, sizeof period));
        break;
      }
      size_t slot = (first + j) * k + t;
      r->values[slot] = v;
      r->flags[slot] = (uint8_t)(CC_OBS_IMPUTED | (s->flags[first + j] & (CC_OBS_PROVISIONAL | CC_OBS_OUTLIER)) |
                                 (t == 0 ? s->flags[first + j] & CC_OBS_BREAK : 0));
    }
  free(work);
  return status;
}

cc_status cc_freq_disaggregate(const cc_series *s, cc_series **out, cc_error *err) {
  *out = NULL;
  cc_temporal_rule rule = CC_TEMPORAL_SUM;
  cc_status status = cc_temporal_rule_of(s->kind, &rule, err);
  if (status) return status;
  if (s->freq == CC_FREQ_MONTH)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "frequency", "'%s' is already monthly", s->id);
  size_t k = (size_t)cc_freq_months(s->freq);
  cc_period first_month, last_month;
  cc_period_months(s->start, &first_month, &last_month);
  cc_series *r;
  if ((status = alloc_like(s, CC_FREQ_MONTH, first_month, s->n * k, &r, err))) return status;
  for (size_t j = 0; j < s->n && !status;) {
    if (isnan(s->values[j])) {
      j++;
      continue;
    }
    size_t run = 1;
    while (j + run < s->n && !isnan(s->values[j + run])) run++;
    status = disaggregate_run(s, j, run, k, rule, r, err);
    j += run;
  }
  if (status) {
    cc_series_free(r);
    return status;
  }
  *out = r;
  return CC_OK;
}
