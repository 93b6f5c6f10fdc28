/* demand.c: fitting and forecasting cohort and stock-and-flow models from
 * the store (demand.h says what is stored and how the pieces fit). */
#include "carecast/demand.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/cohort.h"
#include "carecast/hash.h"
#include "carecast/multistate.h"
#include "carecast/select.h"
#include "demand_internal.h"

#define MONTHS_PER_YEAR 12
#define MID_YEAR_MONTH 5          /* June (0-based): ONS mid-year estimates are at 30 June */

int cc_demand_request(const char *text, const char **path) {
  static const char *const prefixes[] = {"cohort:", "stockflow:"};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
    size_t n = strlen(prefixes[i]);
    if (strncmp(text, prefixes[i], n) == 0) {
      *path = text + n;
      return 1;
    }
  }
  return 0;
}

/* ---- reading the series a model file names ------------------------------ */

cc_status cc_demand_load_series(cc_store *store, const cc_demand_spec *spec, const cc_demand_template *t,
                                const char *geography, const char *band, cc_series **out, cc_error *err) {
  char id[CC_SERIES_ID_MAX];
  *out = NULL;
  cc_status st = cc_demand_series_id(spec, t, geography, band, id, sizeof id, err);
  if (st) return st;
  if (!cc_store_model_series_exists(store, id))
    return cc_error_set(err, CC_EINPUT, spec->path, t->line, t->key, "series '%s' is not in the store", id);
  return cc_store_model_series_read(store, id, out, err);
}

cc_status cc_demand_require_freq(const cc_demand_spec *spec, const cc_demand_template *t, const cc_series *s,
                                 cc_freq freq, cc_error *err) {
  if (s->freq == freq) return CC_OK;
  return cc_error_set(err, CC_EINPUT, spec->path, t->line, t->key, "series '%s' is %s: the model needs %s figures", s->id,
                      cc_freq_name(s->freq), cc_freq_name(freq));
}

cc_period cc_demand_last_period(const cc_series *s) { return cc_period_add(s->start, (int32_t)s->n - 1); }

double cc_demand_value_at(const cc_series *s, cc_period p) {
  int32_t i = cc_period_diff(s->start, p);
  return i < 0 || (size_t)i >= s->n ? NAN : s->values[i];
}

static cc_series *new_series_like(const cc_series *model, const char *measure, cc_kind kind) {
  cc_series *s = cc_series_alloc(model->n);
  if (!s) return NULL;
  snprintf(s->measure, sizeof s->measure, "%s", measure);
  snprintf(s->geography, sizeof s->geography, "%s", model->geography);
  snprintf(s->age_band, sizeof s->age_band, "%s", model->age_band);
  cc_series_make_id(s->measure, s->geography, s->age_band, s->id, sizeof s->id);
  s->kind = kind;
  s->freq = model->freq;
  s->start = model->start;
  return s;
}

cc_status cc_demand_fit_driver(cc_store *store, const char *run_id, const char *request_text, const cc_series *s,
                               const char *spec_path, cc_error *err) {
  cc_model_request request;
  cc_model *m = NULL;
  cc_status st = cc_model_request_parse(request_text, &request, err);
  if (!st) st = cc_model_fit_request(&request, s->values, s->n, cc_freq_per_year(s->freq), &m, err);
  if (st == CC_EINPUT)
    return cc_error_set(err, CC_EINPUT, spec_path, 0, "series", "cannot fit %s to '%s': %s", request_text, s->id, err->message);
  if (st) return st;
  cc_model_context context = {.kind = s->kind, .freq = s->freq, .next = cc_period_add(s->start, (int32_t)s->n),
                              .ljung_box_p = cc_model_residual_check(m)};
  snprintf(context.series_id, sizeof context.series_id, "%s", s->id);
  st = cc_store_model_write(store, run_id, m, &context, err);
  cc_model_free(m);
  return st;
}

cc_demand_record *cc_demand_new_record(const cc_demand_spec *spec, const char *type, const char *geography,
                                       size_t parts) {
  cc_demand_record *r = cc_demand_record_alloc(parts);
  if (!r) return NULL;
  snprintf(r->type, sizeof r->type, "%s", type);
  snprintf(r->name, sizeof r->name, "%s", spec->name);
  snprintf(r->geography, sizeof r->geography, "%s", geography);
  snprintf(r->spec_path, sizeof r->spec_path, "%s", spec->path);
  if (!(r->spec_text = strdup(spec->text))) {
    cc_demand_record_free(r);
    return NULL;
  }
  return r;
}

/* ---- stock and flow ------------------------------------------------------ */

typedef struct stockflow_series {
  cc_series *stock, *entries, *starts, *ends; /* entries, starts, ends may be NULL */
} stockflow_series;

static void free_stockflow_series(stockflow_series *s, size_t k) {
  for (size_t i = 0; s && i < k; i++) {
    cc_series_free(s[i].stock);
    cc_series_free(s[i].entries);
    cc_series_free(s[i].starts);
    cc_series_free(s[i].ends);
  }
  free(s);
}

static cc_status load_stockflow(cc_store *store, const cc_demand_spec *spec, const char *geography, stockflow_series *s,
                                cc_error *err) {
  for (size_t i = 0; i < spec->n_states; i++) {
    const cc_demand_state *state = &spec->states[i];
    const cc_demand_template *t[4] = {&state->stock, &state->entries, &state->starts, &state->ends};
    cc_series **slot[4] = {&s[i].stock, &s[i].entries, &s[i].starts, &s[i].ends};
    for (int f = 0; f < 4; f++) {
      if (!t[f]->text[0]) continue;
      cc_status st = cc_demand_load_series(store, spec, t[f], geography, NULL, slot[f], err);
      if (!st) st = cc_demand_require_freq(spec, t[f], *slot[f], CC_FREQ_MONTH, err);
      if (st) return st;
    }
  }
  return CC_OK;
}

/* Copy month first + row (+ offset) of each state's series into a row-major matrix. */
static void fill_matrix(const stockflow_series *s, size_t k, size_t which, cc_period first, size_t rows, int offset,
                        double *out, double absent) {
  for (size_t r = 0; r < rows; r++)
    for (size_t i = 0; i < k; i++) {
      const cc_series *series = which == 0 ? s[i].stock : which == 1 ? s[i].entries : which == 2 ? s[i].starts : s[i].ends;
      out[r * k + i] = series ? cc_demand_value_at(series, cc_period_add(first, (int32_t)r + offset)) : absent;
    }
}

/* The evidence is the person-months at risk in each state over the T months
 * estimated on (the stocks at the start of each month). */
cc_status cc_demand_shrink_council(const cc_demand_spec *spec, const cc_demand_shrink_context *shrink,
                                   const char *geography, cc_multistate *m, const double *stocks, size_t T,
                                   unsigned long seed, double *weights, cc_error *err) {
  size_t k = m->k;
  const char (*sn)[CC_GEOGRAPHY_MAX] = cc_neighbours_of(shrink->neighbours, geography);
  if (!sn)
    return cc_error_set(err, CC_EINPUT, spec->path, spec->shrink.line, "shrink.neighbours",
                        "%s has no statistical neighbours in %s", geography, spec->shrink.neighbours);
  double exposure[CC_MULTISTATE_MAX_STATES] = {0}, exits[CC_MULTISTATE_MAX_STATES * CC_NEIGHBOURS_PER_COUNCIL],
         months[CC_MULTISTATE_MAX_STATES * CC_NEIGHBOURS_PER_COUNCIL];
  unsigned char which[CC_MULTISTATE_MAX_STATES];
  for (size_t i = 0; i < k; i++) {
    for (size_t t = 0; t < T; t++)
      if (!isnan(stocks[t * k + i])) exposure[i] += stocks[t * k + i];
    which[i] = spec->states[i].shrink_rate[0] != '\0';
    for (size_t q = 0; q < CC_NEIGHBOURS_PER_COUNCIL; q++) {
      size_t at = i * CC_NEIGHBOURS_PER_COUNCIL + q;
      if (!which[i] || !cc_exit_rates_get(shrink->rates, sn[q], spec->states[i].shrink_rate, &exits[at], &months[at]))
        exits[at] = months[at] = NAN;
    }
  }
  cc_status st = cc_shrink_exits(m, exposure, which, exits, months, CC_NEIGHBOURS_PER_COUNCIL, spec->bootstrap, seed, weights, err);
  if (st == CC_EINPUT) {
    char reason[CC_ERROR_MESSAGE_MAX];
    snprintf(reason, sizeof reason, "%s", err->message);
    st = cc_error_set(err, CC_EINPUT, spec->path, spec->shrink.line, "shrink", "%s: %s", geography, reason);
  }
  return st;
}

static cc_status fit_stockflow(cc_store *store, const char *run_id, const cc_demand_spec *spec, const char *geography,
                               unsigned long seed, const cc_demand_shrink_context *shrink, cc_error *err) {
  size_t k = spec->n_states;
  stockflow_series *s = calloc(k, sizeof *s);
  if (!s) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status st = load_stockflow(store, spec, geography, s, err);
  /* the window every series covers: from the latest start (or the file's `from`) to the earliest end */
  cc_period first = {CC_FREQ_MONTH, INT32_MIN}, last = {CC_FREQ_MONTH, INT32_MAX};
  for (size_t i = 0; !st && i < k; i++) {
    const cc_series *all[4] = {s[i].stock, s[i].entries, s[i].starts, s[i].ends};
    for (int f = 0; f < 4; f++) {
      if (!all[f]) continue;
      if (all[f]->start.index > first.index) first = all[f]->start;
      if (cc_demand_last_period(all[f]).index < last.index) last = cc_demand_last_period(all[f]);
    }
  }
  if (!st && spec->has_from && spec->from.index > first.index) first = spec->from;
  int32_t months = st ? 0 : cc_period_diff(first, last);
  char text_first[CC_PERIOD_TEXT_MAX], text_last[CC_PERIOD_TEXT_MAX];
  if (!st && months < CC_DEMAND_MIN_MONTHS)
    st = cc_error_set(err, CC_EINPUT, spec->path, 0, "states", "%s: the series overlap from %s to %s only; %d months are needed",
                      geography, cc_period_format(first, text_first, sizeof text_first),
                      cc_period_format(last, text_last, sizeof text_last), CC_DEMAND_MIN_MONTHS + 1);
  size_t T = st ? 0 : (size_t)months;
  double *buffer = st ? NULL : malloc(((T + 1) * k + 3 * T * k) * sizeof *buffer);
  cc_multistate *m = st ? NULL : cc_multistate_alloc(k);
  cc_demand_record *r = st ? NULL : cc_demand_new_record(spec, "stockflow", geography, k);
  if (!st && (!buffer || !m || !r)) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st) {
    r->last = last; /* the fit of the entries below reads it */
    double *stocks = buffer, *entries = stocks + (T + 1) * k, *starts = entries + T * k, *ends = starts + T * k;
    int any_starts = 0, any_ends = 0;
    for (size_t i = 0; i < k; i++) {
      any_starts |= s[i].starts != NULL;
      any_ends |= s[i].ends != NULL;
      snprintf(m->names[i], CC_STATE_NAME_MAX, "%s", spec->states[i].name);
    }
    memcpy(m->allowed, spec->allowed, k * (k + 1));
    fill_matrix(s, k, 0, first, T + 1, 0, stocks, NAN);
    fill_matrix(s, k, 1, first, T, 1, entries, 0.0); /* no entries series: nobody arrives from outside */
    fill_matrix(s, k, 2, first, T, 1, starts, NAN);
    fill_matrix(s, k, 3, first, T, 1, ends, NAN);
    cc_flow_data data = {k, T, stocks, entries, any_starts ? starts : NULL, any_ends ? ends : NULL};
    cc_multistate_options options;
    cc_multistate_options_default(&options);
    options.bootstrap = spec->bootstrap;
    options.seed = (unsigned long)(seed ^ cc_fnv1a_text(geography));
    st = cc_multistate_estimate(m, &data, &options, err);
    if (st == CC_EINPUT) {
      char reason[CC_ERROR_MESSAGE_MAX];
      snprintf(reason, sizeof reason, "%s", err->message);
      st = cc_error_set(err, CC_EINPUT, spec->path, 0, "states", "%s: %s", geography, reason);
    }
    if (!st && shrink)
      st = cc_demand_shrink_council(spec, shrink, geography, m, stocks, T, options.seed, r->shrink_weight, err);
    for (size_t i = 0; !st && i < k; i++) {
      r->values[i] = stocks[T * k + i];
      snprintf(r->part_names[i], CC_STATE_NAME_MAX, "%s", spec->states[i].name);
      snprintf(r->output_ids[i], CC_SERIES_ID_MAX, "%s", s[i].stock->id);
      if (isnan(r->values[i]))
        st = cc_error_set(err, CC_EINPUT, spec->path, spec->states[i].stock.line, spec->states[i].stock.key,
                          "'%s' has no value in %s, where the projection starts", s[i].stock->id, text_last);
    }
  }
  for (size_t i = 0; !st && i < k; i++) {
    if (!s[i].entries) continue;
    if (cc_demand_last_period(s[i].entries).index != last.index) {
      char text_entries[CC_PERIOD_TEXT_MAX];
      st = cc_error_set(err, CC_EINPUT, spec->path, spec->states[i].entries.line, spec->states[i].entries.key,
                        "'%s' ends in %s but the stocks in %s: they must end in the same month", s[i].entries->id,
                        cc_period_format(cc_demand_last_period(s[i].entries), text_entries, sizeof text_entries), text_last);
      break;
    }
    st = cc_demand_fit_entries(store, run_id, spec, i, s[i].entries, r, err);
  }
  if (!st) {
    r->transitions = m;
    m = NULL;
    st = cc_store_demand_write(store, run_id, r, err);
  }
  cc_demand_record_free(r);
  cc_multistate_free(m);
  free(buffer);
  free_stockflow_series(s, k);
  return st;
}

/* ---- cohort -------------------------------------------------------------- */

/* Mid-year population by year from the estimates, then the projection for
 * later years: *first_year and values[years]. */
typedef struct population_years {
  int32_t first_year;
  size_t years;
  double *values;
} population_years;

/* A population series of a cohort model: the linked panel's when it has it,
 * else the store's series as ingested. The panel keeps only the common age
 * bands (0-17, 18-64, 65+, all), while population_bands may name the finer
 * bands the ONS series come in (65-74, 85+), from which the model builds its
 * own demand bands. A series in neither is an error at the template's key. */
static cc_status load_population_series(cc_store *store, const cc_demand_spec *spec, const cc_demand_template *t,
                                        const char *geography, const char *band, cc_series **out, cc_error *err) {
  char id[CC_SERIES_ID_MAX];
  *out = NULL;
  cc_status st = cc_demand_series_id(spec, t, geography, band, id, sizeof id, err);
  if (st) return st;
  if (cc_store_model_series_exists(store, id)) return cc_store_model_series_read(store, id, out, err);
  if (cc_store_series_exists(store, id)) return cc_store_series_read(store, id, out, err);
  return cc_error_set(err, CC_EINPUT, spec->path, t->line, t->key, "series '%s' is not in the store", id);
}

static cc_status population_by_year(cc_store *store, const cc_demand_spec *spec, const cc_demand_template *history,
                                    const cc_demand_template *projection, const char *geography, const char *band,
                                    population_years *out, cc_error *err) {
  cc_series *h = NULL, *p = NULL;
  memset(out, 0, sizeof *out);
  cc_status st = load_population_series(store, spec, history, geography, band, &h, err);
  if (!st) st = cc_demand_require_freq(spec, history, h, CC_FREQ_YEAR, err);
  if (!st) st = load_population_series(store, spec, projection, geography, band, &p, err);
  if (!st) st = cc_demand_require_freq(spec, projection, p, CC_FREQ_YEAR, err);
  if (!st) {
    int32_t first = h->start.index < p->start.index ? h->start.index : p->start.index;
    int32_t end = cc_demand_last_period(h).index > cc_demand_last_period(p).index ? cc_demand_last_period(h).index : cc_demand_last_period(p).index;
    out->first_year = first;
    out->years = (size_t)(end - first + 1);
    if (!(out->values = malloc(out->years * sizeof *out->values))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    for (size_t y = 0; !st && y < out->years; y++) {
      cc_period year = {CC_FREQ_YEAR, first + (int32_t)y};
      double estimate = cc_demand_value_at(h, year);
      out->values[y] = isnan(estimate) ? cc_demand_value_at(p, year) : estimate; /* estimates first, the projection after them */
    }
  }
  cc_series_free(h);
  cc_series_free(p);
  return st;
}

static void free_population_years(population_years *pop, size_t n) {
  for (size_t i = 0; pop && i < n; i++) free(pop[i].values);
  free(pop);
}

/* The value of pop in year (NaN outside it). */
static double population_at_year(const population_years *pop, int32_t year) {
  int32_t i = year - pop->first_year;
  return i < 0 || (size_t)i >= pop->years ? NAN : pop->values[i];
}

/* The population of each of the model's demand bands by year, the estimates
 * then `projection` (the principal projection or a variant), into a new
 * array *out of spec->n_bands. Without population_bands each is read at its
 * own band; with them, the population bands are read and each demand band
 * built from them year by year (cc_cohort_band_population), over the years
 * any population band has, NaN where a band it needs has no figure. */
static cc_status cohort_population(cc_store *store, const cc_demand_spec *spec, const cc_demand_template *projection,
                                   const char *geography, population_years **out, cc_error *err) {
  size_t B = spec->n_bands, P = spec->n_population_bands;
  population_years *pop = calloc(B, sizeof *pop), *source = P ? calloc(P, sizeof *source) : NULL;
  cc_status st = !pop || (P && !source) ? cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory") : CC_OK;
  for (size_t b = 0; !st && !P && b < B; b++)
    st = population_by_year(store, spec, &spec->population, projection, geography, spec->bands[b], &pop[b], err);
  int32_t first = INT32_MAX, end = INT32_MIN;
  for (size_t j = 0; !st && j < P; j++) {
    st = population_by_year(store, spec, &spec->population, projection, geography, spec->population_bands[j], &source[j], err);
    if (!st && source[j].first_year < first) first = source[j].first_year;
    if (!st && source[j].first_year + (int32_t)source[j].years - 1 > end) end = source[j].first_year + (int32_t)source[j].years - 1;
  }
  size_t years = st || !P ? 0 : (size_t)(end - first + 1);
  for (size_t b = 0; !st && P && b < B; b++) {
    pop[b].first_year = first;
    pop[b].years = years;
    if (!(pop[b].values = malloc(years * sizeof *pop[b].values))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  double people[CC_DEMAND_MAX_POPULATION_BANDS], built[CC_DEMAND_MAX_BANDS];
  cc_age_reference ref = {spec->population_ranges, people, P};
  for (size_t y = 0; !st && y < years; y++) {
    for (size_t j = 0; j < P; j++) people[j] = population_at_year(&source[j], first + (int32_t)y);
    st = cc_cohort_band_population(spec->band_ranges, B, &ref, built, err);
    if (st == CC_EINPUT) { /* checked when the file was loaded: only a file changed since */
      char reason[CC_ERROR_MESSAGE_MAX];
      snprintf(reason, sizeof reason, "%s", err->message);
      st = cc_error_set(err, st, spec->path, spec->population_bands_line, "population_bands", "%s", reason);
    }
    for (size_t b = 0; !st && b < B; b++) pop[b].values[y] = built[b];
  }
  free_population_years(source, P);
  if (st) free_population_years(pop, B);
  else *out = pop;
  return st;
}

/* Population in month index m (year * 12 + month - 1), linear between mid-years. */
static double population_in_month(const population_years *pop, int32_t month) {
  double position = (double)(month - MID_YEAR_MONTH) / MONTHS_PER_YEAR - (double)pop->first_year;
  if (position < 0.0 || position > (double)(pop->years - 1)) return NAN;
  size_t below = (size_t)floor(position);
  if (below + 1 >= pop->years) return pop->values[pop->years - 1];
  double fraction = position - (double)below;
  return pop->values[below] + fraction * (pop->values[below + 1] - pop->values[below]);
}

/* Mean population over the months of period p. */
static double population_in_period(const population_years *pop, cc_period p) {
  cc_period first, last;
  cc_period_months(p, &first, &last);
  double sum = 0.0;
  for (int32_t m = first.index; m <= last.index; m++) sum += population_in_month(pop, m);
  return sum / (double)(last.index - first.index + 1);
}

static cc_status rate_series(const cc_demand_spec *spec, const cc_series *demand, const population_years *pop,
                             cc_series **out, cc_error *err) {
  char measure[CC_MEASURE_MAX + 8];
  snprintf(measure, sizeof measure, "%s%s", demand->measure, CC_DEMAND_RATE_SUFFIX);
  if (strlen(measure) >= CC_MEASURE_MAX)
    return cc_error_set(err, CC_EINPUT, spec->path, spec->demand.line, "demand", "measure '%s' is too long to name its rate",
                        demand->measure);
  cc_series *r = new_series_like(demand, measure, CC_KIND_RATE);
  if (!r) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t observed = 0;
  for (size_t t = 0; t < demand->n; t++) {
    double d = demand->values[t], p = population_in_period(pop, cc_series_period(demand, t));
    if (!isnan(d) && d < 0.0) {
      cc_series_free(r);
      return cc_error_set(err, CC_EINPUT, spec->path, spec->demand.line, "demand", "'%s' has a negative count", demand->id);
    }
    if (isnan(d) || isnan(p)) continue;
    if (p <= 0.0) {
      cc_series_free(r);
      return cc_error_set(err, CC_EINPUT, spec->path, spec->population.line, "population",
                          "the population of band %s is not positive while '%s' counts people in it", demand->age_band, demand->id);
    }
    r->values[t] = d / p;
    r->flags[t] = CC_OBS_OBSERVED;
    observed++;
  }
  if (observed == 0) {
    cc_series_free(r);
    return cc_error_set(err, CC_EINPUT, spec->path, spec->population.line, "population",
                        "no period of '%s' has a population for band %s: the bands or years do not match", demand->id,
                        demand->age_band);
  }
  *out = r;
  return CC_OK;
}

/* The mean of the last year of rates (the "constant" rate model). */
static double last_year_rate(const cc_series *rates) {
  size_t per_year = (size_t)cc_freq_per_year(rates->freq), seen = 0;
  double sum = 0.0;
  for (size_t t = rates->n; t-- > 0 && seen < per_year;)
    if (!isnan(rates->values[t])) sum += rates->values[t], seen++;
  return seen ? sum / (double)seen : NAN;
}

static cc_status fit_cohort(cc_store *store, const char *run_id, const cc_demand_spec *spec, const char *geography,
                            cc_error *err) {
  size_t B = spec->n_bands;
  cc_demand_record *r = cc_demand_new_record(spec, "cohort", geography, B);
  if (!r) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  population_years *pop = NULL;
  cc_status st = cohort_population(store, spec, &spec->projection, geography, &pop, err);
  int constant = strcmp(spec->rate_model, "constant") == 0;
  for (size_t b = 0; !st && b < B; b++) {
    cc_series *demand = NULL, *rates = NULL;
    st = cc_demand_load_series(store, spec, &spec->demand, geography, spec->bands[b], &demand, err);
    if (!st) st = rate_series(spec, demand, &pop[b], &rates, err);
    if (!st && b > 0 && (demand->freq != r->last.freq || cc_demand_last_period(demand).index != r->last.index))
      st = cc_error_set(err, CC_EINPUT, spec->path, spec->demand.line, "demand",
                        "'%s' does not end in the same period as band %s", demand->id, spec->bands[0]);
    if (!st) {
      r->last = cc_demand_last_period(demand);
      snprintf(r->part_names[b], CC_STATE_NAME_MAX, "%s", spec->bands[b]);
      snprintf(r->output_ids[b], CC_SERIES_ID_MAX, "%s", demand->id);
      if (constant) r->values[b] = last_year_rate(rates);
      else {
        snprintf(r->driver_ids[b], CC_SERIES_ID_MAX, "%s", rates->id);
        st = cc_demand_fit_driver(store, run_id, spec->rate_model, rates, spec->path, err);
      }
    }
    cc_series_free(demand);
    cc_series_free(rates);
  }
  free_population_years(pop, B);
  if (!st) st = cc_store_demand_write(store, run_id, r, err);
  cc_demand_record_free(r);
  return st;
}

cc_status cc_demand_fit(cc_store *store, const char *run_id, const cc_demand_spec *spec, unsigned long seed,
                        size_t *fitted, cc_error *err) {
  *fitted = 0;
  cc_demand_shrink_context shrink = {0};
  cc_ssda903_return *episodes = NULL; /* every council's episodes, read once */
  cc_status st = CC_OK;
  if (spec->type == CC_DEMAND_STOCKFLOW && spec->has_shrink) {
    st = cc_neighbours_load(spec->shrink.neighbours, spec->shrink.lookup, &shrink.neighbours, err);
    if (!st) st = cc_exit_rates_load(spec->shrink.rates, &shrink.rates, err);
  }
  if (!st && spec->type == CC_DEMAND_STOCKFLOW && spec->has_episodes) st = cc_demand_episodes_read(spec, &episodes, err);
  for (size_t g = 0; !st && g < spec->n_geographies; g++) {
    const cc_demand_shrink_context *shrinking = spec->has_shrink ? &shrink : NULL;
    if (spec->type == CC_DEMAND_COHORT) st = fit_cohort(store, run_id, spec, spec->geographies[g], err);
    else if (spec->has_episodes) st = cc_demand_fit_episodes(store, run_id, spec, episodes, g, seed, shrinking, err);
    else st = fit_stockflow(store, run_id, spec, spec->geographies[g], seed, shrinking, err);
    if (!st) (*fitted)++;
  }
  cc_neighbours_free(shrink.neighbours);
  cc_exit_rates_free(shrink.rates);
  cc_ssda903_return_free(episodes);
  return st;
}

/* ---- forecasting --------------------------------------------------------- */

/* The stored forecast of series id, checked to start right after `last` and
 * to reach h steps. */
static cc_status read_driver(cc_store *store, const char *forecast_run, const cc_demand_record *r, const char *id, size_t h,
                             cc_forecast **out, cc_error *err) {
  cc_period first;
  cc_status st = cc_store_forecast_read(store, forecast_run, id, out, &first, err);
  if (st) return st;
  if (first.index != cc_period_add(r->last, 1).index || (*out)->h < h || (*out)->n_paths == 0) {
    cc_forecast_free(*out);
    *out = NULL;
    return cc_error_set(err, CC_EINPUT, r->spec_path, 0, r->name,
                        "the forecast of '%s' does not cover the %zu periods after the history (run %s)", id, h, forecast_run);
  }
  return CC_OK;
}

/* Write forecast f of series id (fitted as model_spec) and emit it. */
static cc_status store_and_emit(cc_store *store, const char *forecast_run, const cc_demand_record *r, const char *id,
                                const cc_forecast *f, const char *model_spec, cc_demand_emit_fn emit, void *emit_context,
                                cc_error *err) {
  cc_period first = cc_period_add(r->last, 1);
  cc_status st = cc_store_forecast_write(store, forecast_run, id, f, first, model_spec, err);
  if (!st && emit) emit(emit_context, id, first, f, model_spec);
  return st;
}

/* Summarise paths (n x h) of output `part` and write and emit them. */
static cc_status write_output(cc_store *store, const char *forecast_run, const cc_demand_record *r, size_t part,
                              const double *paths, size_t n, size_t h, const cc_demand_forecast_plan *plan,
                              cc_demand_emit_fn emit, void *emit_context, cc_error *err) {
  cc_forecast *f = NULL;
  char spec[CC_MODEL_SPEC_MAX];
  snprintf(spec, sizeof spec, "%s(%.20s)", strcmp(r->type, "cohort") == 0 ? "Cohort" : "StockFlow", r->name);
  cc_status st = cc_forecast_from_paths(paths, n, h, plan->levels, plan->n_levels, plan->n_paths, &f, err);
  if (!st) st = store_and_emit(store, forecast_run, r, r->output_ids[part], f, spec, emit, emit_context, err);
  cc_forecast_free(f);
  return st;
}

/* The entry forecast of state i, which follows a leading indicator: one
 * path on each of the indicator's forecast paths in this run (or on the
 * model file's future of it, indicator_future), written (and
 * emitted) as the forecast of the entries, so that scenarios read it as any
 * state's entries. *out (all paths kept) is the caller's. */
static cc_status led_entries(cc_store *store, const char *model_run, const char *forecast_run, const cc_demand_record *r,
                             const cc_demand_spec *spec, size_t i, size_t h, const cc_demand_forecast_plan *plan,
                             cc_demand_emit_fn emit, void *emit_context, cc_forecast **out, cc_error *err) {
  char id[CC_SERIES_ID_MAX], model_spec[CC_MODEL_SPEC_MAX], key[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2];
  cc_forecast *indicator = NULL;
  double *paths = NULL;
  *out = NULL;
  snprintf(key, sizeof key, "%s/%s", r->name, r->geography);
  unsigned long seed = (unsigned long)(plan->seed ^ cc_fnv1a_text(key) ^ cc_fnv1a_text(spec->states[i].name));
  cc_status st = cc_demand_series_id(spec, &spec->states[i].indicator, r->geography, NULL, id, sizeof id, err);
  if (!st && spec->states[i].indicator_future.text[0]) /* a scenario's future in place of the forecast */
    st = cc_demand_indicator_future(store, r, spec, i, h, plan->n_paths ? plan->n_paths : 1, &indicator, err);
  else if (!st) st = read_driver(store, forecast_run, r, id, h, &indicator, err);
  size_t n = st ? 0 : indicator->n_paths;
  if (!st && !(paths = malloc(n * h * sizeof *paths))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st) st = cc_demand_entry_paths(store, model_run, r, spec, i, indicator, h, n, seed, paths, model_spec, err);
  if (!st) st = cc_forecast_from_paths(paths, n, h, plan->levels, plan->n_levels, n, out, err);
  if (!st) st = store_and_emit(store, forecast_run, r, r->driver_ids[i], *out, model_spec, emit, emit_context, err);
  free(paths);
  cc_forecast_free(indicator);
  return st;
}

/* The model file stored with r, checked to have r's states or bands. The caller frees *out. */
static cc_status record_spec(const cc_demand_record *r, cc_demand_spec **out, cc_error *err) {
  cc_status st = cc_demand_spec_parse(r->spec_text, strlen(r->spec_text), r->spec_path, out, err);
  if (st) return st;
  int stockflow = strcmp(r->type, "stockflow") == 0;
  const char *parts = stockflow ? "states" : "bands";
  size_t in_file = stockflow ? (*out)->n_states : (*out)->n_bands;
  if (in_file != r->n_parts) {
    st = cc_error_set(err, CC_EINPUT, r->spec_path, 0, parts, "the stored model of %s has %zu %s, its file %zu",
                      r->geography, r->n_parts, parts, in_file);
    cc_demand_spec_free(*out);
    *out = NULL;
  }
  return st;
}

static cc_status forecast_stockflow(cc_store *store, const char *model_run, const char *forecast_run,
                                    const cc_demand_record *r, const cc_demand_forecast_plan *plan,
                                    cc_demand_emit_fn emit, void *emit_context, size_t *written, cc_error *err) {
  size_t k = r->n_parts, H, n_entry = SIZE_MAX;
  if (!cc_period_horizon(plan->horizon, CC_FREQ_MONTH, &H))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "horizon", "'%s' is not a horizon", plan->horizon);
  cc_demand_spec *spec = NULL;
  cc_status st = record_spec(r, &spec, err);
  cc_forecast **drivers = st ? NULL : calloc(k, sizeof *drivers);
  if (!st && !drivers) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !st && i < k; i++) {
    if (!r->driver_ids[i][0]) continue;
    int led = spec->states[i].indicator.text[0] != '\0';
    st = led ? led_entries(store, model_run, forecast_run, r, spec, i, H, plan, emit, emit_context, &drivers[i], err)
             : read_driver(store, forecast_run, r, r->driver_ids[i], H, &drivers[i], err);
    if (!st && led) (*written)++;
    if (!st && drivers[i]->n_paths < n_entry) n_entry = drivers[i]->n_paths;
  }
  cc_demand_spec_free(spec);
  if (n_entry == SIZE_MAX) n_entry = 1; /* no state has arrivals from outside */
  size_t n_paths = plan->n_paths ? plan->n_paths : 1;
  double *entries = st ? NULL : calloc(n_entry * H * k, sizeof *entries);
  double *column = st ? NULL : malloc(n_paths * H * sizeof *column);
  cc_projection *proj = st ? NULL : cc_projection_alloc(k, H, n_paths);
  if (!st && (!entries || !column || !proj)) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !st && i < k; i++)
    if (drivers[i])
      for (size_t q = 0; q < n_entry; q++)
        for (size_t t = 0; t < H; t++) entries[(q * H + t) * k + i] = drivers[i]->paths[q * drivers[i]->h + t];
  char key[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2];
  snprintf(key, sizeof key, "%s/%s", r->name, r->geography);
  if (!st)
    st = cc_multistate_project(r->transitions, r->values, entries, n_entry, (unsigned long)(plan->seed ^ cc_fnv1a_text(key)), 0,
                               proj, err);
  for (size_t i = 0; !st && i < k; i++) {
    for (size_t p = 0; p < n_paths; p++)
      for (size_t t = 0; t < H; t++) column[p * H + t] = proj->stocks[(p * H + t) * k + i];
    st = write_output(store, forecast_run, r, i, column, n_paths, H, plan, emit, emit_context, err);
    if (!st) (*written)++;
  }
  for (size_t i = 0; drivers && i < k; i++) cc_forecast_free(drivers[i]);
  free(drivers);
  free(entries);
  free(column);
  cc_projection_free(proj);
  return st;
}

static cc_status forecast_cohort(cc_store *store, const char *forecast_run, const cc_demand_record *r,
                                 const cc_demand_forecast_plan *plan, cc_demand_emit_fn emit, void *emit_context,
                                 size_t *written, cc_error *err) {
  cc_demand_spec *spec = NULL;
  size_t B = r->n_parts, H, n_rate = SIZE_MAX;
  if (!cc_period_horizon(plan->horizon, r->last.freq, &H))
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "horizon", "'%s' is not a horizon", plan->horizon);
  cc_status st = record_spec(r, &spec, err);
  cc_forecast **drivers = st ? NULL : calloc(B, sizeof *drivers);
  if (!st && !drivers) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t b = 0; !st && b < B; b++) {
    if (!r->driver_ids[b][0]) continue;
    st = read_driver(store, forecast_run, r, r->driver_ids[b], H, &drivers[b], err);
    if (!st && drivers[b]->n_paths < n_rate) n_rate = drivers[b]->n_paths;
  }
  if (n_rate == SIZE_MAX) n_rate = 1; /* every rate held constant */
  size_t V = 1 + (spec ? spec->n_variants : 0), n_paths = plan->n_paths ? plan->n_paths : 1;
  double *rates = st ? NULL : malloc(n_rate * H * B * sizeof *rates);
  double *population = st ? NULL : malloc(V * H * B * sizeof *population);
  double *column = st ? NULL : malloc(n_paths * H * sizeof *column);
  cc_cohort_paths *paths = st ? NULL : cc_cohort_paths_alloc(B, H, n_paths);
  if (!st && (!rates || !population || !column || !paths)) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t q = 0; !st && q < n_rate; q++)
    for (size_t t = 0; t < H; t++)
      for (size_t b = 0; b < B; b++)
        rates[(q * H + t) * B + b] = drivers[b] ? drivers[b]->paths[q * drivers[b]->h + t] : r->values[b];
  for (size_t v = 0; !st && v < V; v++) {
    population_years *pop = NULL;
    const cc_demand_template *projection = v == 0 ? &spec->projection : &spec->variants[v - 1];
    st = cohort_population(store, spec, projection, r->geography, &pop, err);
    for (size_t b = 0; !st && b < B; b++) {
      for (size_t t = 0; !st && t < H; t++) {
        double value = population_in_period(&pop[b], cc_period_add(r->last, (int32_t)t + 1));
        char text[CC_PERIOD_TEXT_MAX];
        if (isnan(value))
          st = cc_error_set(err, CC_EINPUT, r->spec_path, projection->line, projection->key,
                            "the population projection of band %s for %s does not reach %s", spec->bands[b], r->geography,
                            cc_period_format(cc_period_add(r->last, (int32_t)t + 1), text, sizeof text));
        else population[(v * H + t) * B + b] = value;
      }
    }
    free_population_years(pop, B);
  }
  if (!st) st = cc_cohort_project(rates, n_rate, population, V, paths, err);
  for (size_t b = 0; !st && b < B; b++) {
    for (size_t p = 0; p < n_paths; p++)
      for (size_t t = 0; t < H; t++) column[p * H + t] = paths->demand[(p * H + t) * B + b];
    st = write_output(store, forecast_run, r, b, column, n_paths, H, plan, emit, emit_context, err);
    if (!st) (*written)++;
  }
  for (size_t b = 0; drivers && b < B; b++) cc_forecast_free(drivers[b]);
  free(drivers);
  free(rates);
  free(population);
  free(column);
  cc_cohort_paths_free(paths);
  cc_demand_spec_free(spec);
  return st;
}

cc_status cc_demand_forecast(cc_store *store, const char *model_run, const char *forecast_run,
                             const cc_demand_forecast_plan *plan, cc_demand_emit_fn emit, void *emit_context,
                             size_t *written, cc_error *err) {
  char **keys = NULL;
  size_t n = 0;
  *written = 0;
  cc_status st = cc_store_demand_list(store, model_run, &keys, &n, err);
  for (size_t i = 0; !st && i < n; i++) {
    cc_demand_record *r = NULL;
    st = cc_store_demand_read(store, model_run, keys[i], &r, err);
    if (!st)
      st = strcmp(r->type, "stockflow") == 0 ? forecast_stockflow(store, model_run, forecast_run, r, plan, emit, emit_context, written, err)
                                             : forecast_cohort(store, forecast_run, r, plan, emit, emit_context, written, err);
    cc_demand_record_free(r);
  }
  cc_store_free_names(keys, n);
  return st;
}
