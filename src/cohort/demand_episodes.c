/* demand_episodes.c: a stock-and-flow model counted from SSDA903 episodes
 * of care (demandspec.h's episodes:, demand_internal.h).
 *
 * Where a council has its children's episodes, nothing needs estimating
 * from aggregates: the episodes are read and cleaned (ssda903.h), each
 * child's state at every month end from the model file's `from` to its
 * `to` is found (an age bracket crossed with a placement category, gathered
 * into the model's states as episodes.states says), and the moves between
 * consecutive month ends are counted, ageing into the next bracket and
 * leaving care (at 18 or before) included. The monthly probabilities are
 * the counted shares, their uncertainty the Dirichlet posterior of the
 * counts (cc_multistate_from_counts); the stocks at `to` start the
 * projection and the children entering care each month (in care at a month
 * end, not at the one before) are the entry flows the file's entry_model
 * forecasts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/date.h"
#include "carecast/file.h"
#include "carecast/hash.h"
#include "carecast/ssda903.h"
#include "demand_internal.h"

/* The month of day `day` (days since 1970-01-01); *whole 1 when day is its last. */
static cc_period month_of(long day, int *whole) {
  int year, month, dom;
  cc_date_to_civil(day, &year, &month, &dom);
  *whole = dom == cc_date_month_days(year, month);
  return (cc_period){CC_FREQ_MONTH, (int32_t)(year * 12 + month - 1)};
}

/* The month ends counted: from the file's `from` (else the month of the first start) to its `to` (else the
 * last month end on or before the latest date in the episodes). */
static cc_status count_window(const cc_demand_spec *spec, const char *geography, const cc_ssda903 *d, cc_period *first,
                              cc_period *last, cc_error *err) {
  int whole;
  long earliest = d->episodes[0].start;
  for (size_t i = 1; i < d->n; i++)
    if (d->episodes[i].start < earliest) earliest = d->episodes[i].start;
  *first = spec->has_from ? spec->from : month_of(earliest, &whole);
  if (spec->episodes.has_to)
    *last = spec->episodes.to;
  else {
    *last = month_of(cc_ssda903_last_day(d), &whole);
    if (!whole) *last = cc_period_add(*last, -1);
  }
  char a[CC_PERIOD_TEXT_MAX], b[CC_PERIOD_TEXT_MAX];
  if (cc_period_diff(*first, *last) < CC_DEMAND_MIN_MONTHS)
    return cc_error_set(err, CC_EINPUT, spec->path, spec->episodes.line, "episodes",
                        "%s: month ends from %s to %s are too few to count moves over; %d are needed", geography,
                        cc_period_format(*first, a, sizeof a), cc_period_format(*last, b, sizeof b),
                        CC_DEMAND_MIN_MONTHS + 1);
  return CC_OK;
}

cc_status cc_demand_episodes_read(const cc_demand_spec *spec, cc_ssda903_return **out, cc_error *err) {
  const cc_demand_episodes *e = &spec->episodes;
  *out = NULL;
  if (!cc_file_exists(e->file))
    return cc_error_set(err, CC_EINPUT, spec->path, e->file_line, "episodes.file", "there is no episodes file %s",
                        e->file);
  if (!cc_file_exists(e->header))
    return cc_error_set(err, CC_EINPUT, spec->path, e->header_line, "episodes.header", "there is no header file %s",
                        e->header);
  return cc_ssda903_return_read(e->file, e->header, out, err);
}

/* Council g's episodes of the return; a council without episodes is an error at its key. */
static cc_status select_council(const cc_demand_spec *spec, const cc_ssda903_return *episodes, size_t g,
                                cc_ssda903 **out, cc_error *err) {
  const cc_demand_episodes *e = &spec->episodes;
  cc_status st = cc_ssda903_select(episodes, e->councils[g], out, err);
  if (!st && (*out)->n == 0) {
    st = cc_error_set(err, CC_EINPUT, spec->path, e->councils_line, "episodes.councils",
                      "%s: no episodes with LA '%s' in %s (%zu rows of that council, none kept)", spec->geographies[g],
                      e->councils[g], e->file, (*out)->report.rows);
    cc_ssda903_free(*out);
    *out = NULL;
  }
  return st;
}

/* The probabilities from the counts, after checking each counted move is one the file allows. */
static cc_status counted_rates(const cc_demand_spec *spec, const char *geography, const double *counts,
                               unsigned long seed, cc_multistate *m, cc_error *err) {
  size_t k = m->k;
  for (size_t i = 0; i < k; i++) {
    const cc_demand_state *state = &spec->states[i];
    double total = 0.0;
    for (size_t j = 0; j <= k; j++) {
      double c = counts[i * (k + 1) + j];
      total += c;
      if (c > 0 && !m->allowed[i * (k + 1) + j])
        return cc_error_set(err, CC_EINPUT, spec->path, state->ssda903_line, "moves",
                            "%s: the episodes have %g moves from %s to %s, which moves: does not list", geography, c,
                            state->name, spec->states[j].name);
    }
    if (total <= 0)
      return cc_error_set(err, CC_EINPUT, spec->path, state->ssda903_line, "episodes.states",
                          "%s: no child is in state %s at any month end counted: its rates cannot be counted",
                          geography, state->name);
  }
  return cc_multistate_from_counts(m, counts, spec->bootstrap, seed, err);
}

/* The entries of state i (rows months - 1 of entries, k columns) as a series named by its entries template. */
static cc_status entries_series(const cc_demand_spec *spec, size_t i, const char *geography, cc_period first,
                                const double *entries, size_t rows, size_t k, cc_series **out, cc_error *err) {
  char id[CC_SERIES_ID_MAX];
  *out = NULL;
  cc_status st = cc_demand_series_id(spec, &spec->states[i].entries, geography, NULL, id, sizeof id, err);
  if (st) return st;
  cc_series *s = cc_series_alloc(rows);
  if (!s) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  st = cc_series_split_id(id, s->measure, s->geography, s->age_band, err);
  if (st) {
    cc_series_free(s);
    return st;
  }
  snprintf(s->id, sizeof s->id, "%s", id);
  s->kind = CC_KIND_FLOW;
  s->freq = CC_FREQ_MONTH;
  s->start = cc_period_add(first, 1);
  for (size_t t = 0; t < rows; t++) s->values[t] = entries[t * k + i];
  *out = s;
  return CC_OK;
}

cc_status cc_demand_fit_episodes(cc_store *store, const char *run_id, const cc_demand_spec *spec,
                                 const cc_ssda903_return *episodes, size_t g, unsigned long seed,
                                 const cc_demand_shrink_context *shrink, cc_error *err) {
  const char *geography = spec->geographies[g];
  size_t k = spec->n_states;
  cc_ssda903 *d = NULL;
  cc_ssda903_counts *c = NULL;
  cc_period first, last;
  cc_status st = select_council(spec, episodes, g, &d, err);
  if (!st) st = count_window(spec, geography, d, &first, &last, err);
  size_t months = st ? 0 : (size_t)cc_period_diff(first, last) + 1;
  if (!st) st = cc_ssda903_count(d, first.index / 12, first.index % 12 + 1, months, &c, err);
  double *buffer = st ? NULL : malloc((k * (k + 1) + months * k + (months - 1) * k) * sizeof *buffer);
  cc_multistate *m = st ? NULL : cc_multistate_alloc(k);
  cc_demand_record *r = st ? NULL : cc_demand_new_record(spec, "stockflow", geography, k);
  if (!st && (!buffer || !m || !r)) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  double *counts = buffer, *stocks = st ? NULL : buffer + k * (k + 1), *entries = st ? NULL : stocks + months * k;
  unsigned long council_seed = (unsigned long)(seed ^ cc_fnv1a_text(geography));
  if (!st) {
    int map[CC_SSDA903_STATES];
    for (size_t s903 = 0; s903 < CC_SSDA903_STATES; s903++)
      for (size_t i = 0; i < k; i++)
        if (spec->states[i].ssda903_states >> s903 & 1u) map[s903] = (int)i;
    cc_ssda903_gather(c, map, k, counts, stocks, entries);
    for (size_t i = 0; i < k; i++) snprintf(m->names[i], CC_STATE_NAME_MAX, "%s", spec->states[i].name);
    memcpy(m->allowed, spec->allowed, k * (k + 1));
    st = counted_rates(spec, geography, counts, council_seed, m, err);
  }
  if (!st && shrink)
    st = cc_demand_shrink_council(spec, shrink, geography, m, stocks, months - 1, council_seed, r->shrink_weight, err);
  for (size_t i = 0; !st && i < k; i++) {
    r->values[i] = stocks[(months - 1) * k + i];
    snprintf(r->part_names[i], CC_STATE_NAME_MAX, "%s", spec->states[i].name);
    st = cc_demand_series_id(spec, &spec->states[i].stock, geography, NULL, r->output_ids[i], CC_SERIES_ID_MAX, err);
  }
  if (r) r->last = last;
  for (size_t i = 0; !st && i < k; i++) {
    if (!spec->states[i].entries.text[0]) continue;
    cc_series *series = NULL;
    st = entries_series(spec, i, geography, first, entries, months - 1, k, &series, err);
    if (!st) st = cc_demand_fit_entries(store, run_id, spec, i, series, r, err);
    cc_series_free(series);
  }
  if (!st) {
    r->transitions = m;
    m = NULL;
    st = cc_store_demand_write(store, run_id, r, err);
  }
  cc_demand_record_free(r);
  cc_multistate_free(m);
  free(buffer);
  cc_ssda903_counts_free(c);
  cc_ssda903_free(d);
  return st;
}
