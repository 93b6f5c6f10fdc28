/* scenario_setup.c: resolving a scenario against the store (which forecast
 * run, which series each unit cost prices and where its paths come from,
 * what each lever acts on), and running it: the draws, the summaries and
 * the sensitivity table. Every check here names the scenario file, the
 * line of the item at fault and its key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/finance.h"
#include "carecast/forecast.h"
#include "carecast/hash.h"
#include "scenario_internal.h"

void scenario_plan_free(scenario_plan *p) {
  for (size_t i = 0; i < p->n_sims; i++) {
    cc_demand_record_free(p->sims[i].record);
    for (size_t k = 0; k < CC_MULTISTATE_MAX_STATES; k++) cc_forecast_free(p->sims[i].drivers[k]);
  }
  for (size_t i = 0; i < p->n_activities; i++) cc_forecast_free(p->activities[i].forecast);
  free(p->sims);
  free(p->activities);
  free(p->actions);
  free(p->accounts);
  free(p->intervention);
  memset(p, 0, sizeof *p);
}

/* ---- the baseline run -------------------------------------------------------- */

/* The forecast run the scenario starts from: the one it names, or the newest
 * made from a model run that holds its demand model. */
static cc_status find_run(cc_store *store, const cc_scenario *s, scenario_plan *p, cc_error *err) {
  int found = 0;
  cc_status st = CC_OK;
  if (s->baseline_run[0]) {
    if (!cc_store_run_exists(store, "forecasts", s->baseline_run))
      return cc_error_set(err, CC_EINPUT, s->path, 0, "baseline", "the store has no forecast run '%s'", s->baseline_run);
    snprintf(p->forecast_run, sizeof p->forecast_run, "%s", s->baseline_run);
    st = cc_store_run_attribute(store, "forecasts", s->baseline_run, "model_run", p->model_run, sizeof p->model_run, &found, err);
    if (!st && !found) st = cc_error_set(err, CC_EINPUT, s->path, 0, "baseline", "forecast run '%s' names no model run", s->baseline_run);
    return st;
  }
  char **runs = NULL;
  size_t n = 0;
  st = cc_store_run_ids(store, "forecasts", &runs, &n, err);
  size_t name_len = strlen(s->baseline_model);
  for (size_t i = n; !st && !p->forecast_run[0] && i-- > 0;) {
    char model_run[CC_RUN_ID_MAX], **keys = NULL;
    size_t n_keys = 0;
    st = cc_store_run_attribute(store, "forecasts", runs[i], "model_run", model_run, sizeof model_run, &found, err);
    if (!st && found && cc_store_run_exists(store, "models", model_run)) st = cc_store_demand_list(store, model_run, &keys, &n_keys, err);
    for (size_t k = 0; !st && k < n_keys; k++)
      if (strncmp(keys[k], s->baseline_model, name_len) == 0 && keys[k][name_len] == '/') {
        snprintf(p->forecast_run, sizeof p->forecast_run, "%s", runs[i]);
        snprintf(p->model_run, sizeof p->model_run, "%s", model_run);
        break;
      }
    cc_store_free_names(keys, n_keys);
  }
  cc_store_free_names(runs, n);
  if (!st && !p->forecast_run[0])
    st = cc_error_set(err, CC_EINPUT, s->path, 0, "baseline",
                      "no forecast run projects demand model '%s': fit it with carecast fit --model stockflow:FILE (or "
                      "cohort:FILE) and forecast that run",
                      s->baseline_model);
  return st;
}

/* ---- demand models ------------------------------------------------------------ */

/* The sim model of demand record `key` (loaded when first needed). */
static cc_status sim_of(cc_store *store, scenario_plan *p, const char *key, size_t *index, cc_error *err) {
  for (size_t i = 0; i < p->n_sims; i++) {
    char other[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2];
    snprintf(other, sizeof other, "%s/%s", p->sims[i].record->name, p->sims[i].record->geography);
    if (strcmp(other, key) == 0) {
      *index = i;
      return CC_OK;
    }
  }
  sim_model *sim = &p->sims[p->n_sims];
  memset(sim, 0, sizeof *sim);
  cc_status st = cc_store_demand_read(store, p->model_run, key, &sim->record, err);
  if (st) return st;
  sim->first = cc_period_add(sim->record->last, 1);
  sim->seed_salt = cc_fnv1a_text(key);
  *index = p->n_sims++;
  return CC_OK;
}

/* Where series id of council geography sits among the run's demand models:
 * *sim -1 when nowhere; else its model, part and whether it is the part's
 * driver (entries, rate) or output (stock, demand). */
typedef struct demand_place {
  long sim;
  size_t part;
  int is_driver;
} demand_place;

static cc_status place_of(cc_store *store, scenario_plan *p, char **keys, size_t n_keys, const char *geography, const char *id,
                          demand_place *out, cc_error *err) {
  out->sim = -1;
  for (size_t k = 0; k < n_keys; k++) {
    const char *slash = strchr(keys[k], '/');
    if (!slash || strcmp(slash + 1, geography) != 0) continue;
    size_t index;
    cc_status st = sim_of(store, p, keys[k], &index, err);
    if (st) return st;
    const cc_demand_record *r = p->sims[index].record;
    for (size_t i = 0; i < r->n_parts; i++)
      if (strcmp(r->output_ids[i], id) == 0 || strcmp(r->driver_ids[i], id) == 0) {
        out->sim = (long)index;
        out->part = i;
        out->is_driver = strcmp(r->driver_ids[i], id) == 0;
        return CC_OK;
      }
  }
  return CC_OK;
}

/* ---- activities, levers, accounts ----------------------------------------------- */

static size_t account_of(scenario_plan *p, const char *organisation, const char *budget) {
  for (size_t a = 0; a < p->n_accounts; a++)
    if (strcmp(p->accounts[a].organisation, organisation) == 0 && strcmp(p->accounts[a].budget, budget) == 0) return a;
  snprintf(p->accounts[p->n_accounts].organisation, CC_ORGANISATION_MAX, "%s", organisation);
  snprintf(p->accounts[p->n_accounts].budget, CC_BUDGET_MAX, "%s", budget);
  return p->n_accounts++;
}

static long activity_of(const scenario_plan *p, const char *id) {
  for (size_t a = 0; a < p->n_activities; a++)
    if (strcmp(p->activities[a].id, id) == 0) return (long)a;
  return -1;
}

static cc_status add_activities(cc_store *store, scenario_plan *p, char **keys, size_t n_keys, cc_error *err) {
  const cc_scenario *s = p->s;
  for (size_t g = 0; g < s->n_geographies; g++)
    for (size_t u = 0; u < s->n_unit_costs; u++) {
      const cc_unit_cost *cost = &s->unit_costs[u];
      activity *a = &p->activities[p->n_activities];
      memset(a, 0, sizeof *a);
      a->sim = a->part = -1;
      if (!cc_series_template_fill(cost->activity, s->geographies[g], NULL, a->id, sizeof a->id))
        return cc_error_set(err, CC_EINPUT, s->path, cost->line, "activity", "'%s' is too long for a series id", cost->activity);
      if (activity_of(p, a->id) >= 0)
        return cc_error_set(err, CC_EINPUT, s->path, cost->line, "activity", "'%s' is priced by two unit costs", a->id);
      if (!cc_store_model_series_exists(store, a->id))
        return cc_error_set(err, CC_EINPUT, s->path, cost->line, "activity", "series '%s' is not in the store", a->id);
      cc_series *series = NULL;
      cc_status st = cc_store_model_series_read(store, a->id, &series, err);
      if (st) return st;
      a->kind = series->kind;
      a->freq = series->freq;
      cc_series_free(series);
      if ((cost->per == CC_PER_EVENT) != (a->kind == CC_KIND_FLOW))
        return cc_error_set(err, CC_EINPUT, s->path, cost->line, "per", "'%s' is a %s: price it per %s", a->id,
                            a->kind == CC_KIND_FLOW ? "flow of events" : "stock of people",
                            a->kind == CC_KIND_FLOW ? "event" : "week or per year");
      demand_place place;
      if ((st = place_of(store, p, keys, n_keys, s->geographies[g], a->id, &place, err))) return st;
      if (place.sim >= 0 && !place.is_driver && p->sims[place.sim].record->transitions) {
        a->sim = (int)place.sim; /* a stock of a stock-and-flow model: simulated when a lever reaches the model */
        a->part = (int)place.part;
      }
      a->unit_cost = u;
      a->account = account_of(p, cost->organisation, cost->budget);
      p->n_activities++;
    }
  return CC_OK;
}

static long state_index(const cc_demand_record *r, const char *name) {
  for (size_t i = 0; i < r->n_parts; i++)
    if (strcmp(r->part_names[i], name) == 0) return (long)i;
  return -1;
}

static cc_status add_series_lever(cc_store *store, scenario_plan *p, char **keys, size_t n_keys, size_t l, size_t g,
                                  cc_error *err) {
  const cc_scenario *s = p->s;
  const cc_lever *lever = &s->levers[l];
  char id[CC_SERIES_ID_MAX];
  if (!cc_series_template_fill(lever->series, s->geographies[g], NULL, id, sizeof id))
    return cc_error_set(err, CC_EINPUT, s->path, lever->line, "series", "'%s' is too long for a series id", lever->series);
  demand_place place;
  cc_status st = place_of(store, p, keys, n_keys, s->geographies[g], id, &place, err);
  if (st) return st;
  lever_action *act = &p->actions[p->n_actions];
  memset(act, 0, sizeof *act);
  act->lever = l;
  if (place.sim >= 0 && place.is_driver) {
    const cc_demand_record *r = p->sims[place.sim].record;
    if (r->transitions) { /* an entry flow: the model is simulated with it changed */
      act->kind = ACT_ENTRIES;
      act->target = (size_t)place.sim;
      act->state = place.part;
      p->sims[place.sim].simulated = 1;
      p->n_actions++;
      return CC_OK;
    }
    snprintf(id, sizeof id, "%s", r->output_ids[place.part]); /* a rate: demand moves with it */
  }
  long a = activity_of(p, id);
  if (a < 0) {
    if (!cc_store_model_series_exists(store, id))
      return cc_error_set(err, CC_EINPUT, s->path, lever->line, "series", "lever '%s' acts on series '%s', which is not in the store",
                          lever->name, id);
    return cc_error_set(err, CC_EINPUT, s->path, lever->line, "series",
                        "lever '%s' acts on '%s', which no unit cost prices and which drives no costed demand model",
                        lever->name, id);
  }
  act->kind = ACT_PATH;
  act->target = (size_t)a;
  p->n_actions++;
  return CC_OK;
}

static cc_status add_transition_lever(cc_store *store, scenario_plan *p, char **keys, size_t n_keys, size_t l, size_t g,
                                      cc_error *err) {
  const cc_scenario *s = p->s;
  const cc_lever *lever = &s->levers[l];
  char key[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2];
  snprintf(key, sizeof key, "%s/%s", lever->model, s->geographies[g]);
  int present = 0;
  for (size_t k = 0; k < n_keys; k++) present |= strcmp(keys[k], key) == 0;
  if (!present)
    return cc_error_set(err, CC_EINPUT, s->path, lever->line, "transition", "run %s has no stock-and-flow model '%s' for %s",
                        p->model_run, lever->model, s->geographies[g]);
  size_t index;
  cc_status st = sim_of(store, p, key, &index, err);
  if (st) return st;
  const cc_demand_record *r = p->sims[index].record;
  long from = state_index(r, lever->from_state), to = state_index(r, lever->to_state);
  if (!r->transitions || from < 0 || to < 0)
    return cc_error_set(err, CC_EINPUT, s->path, lever->line, "transition", "model '%s' has no state '%s'", lever->model,
                        from < 0 ? lever->from_state : lever->to_state);
  if (!r->transitions->allowed[cc_multistate_at(r->transitions, (size_t)from, (size_t)to)])
    return cc_error_set(err, CC_EINPUT, s->path, lever->line, "transition", "model '%s' does not allow the move %s to %s",
                        lever->model, lever->from_state, lever->to_state);
  lever_action *act = &p->actions[p->n_actions++];
  act->lever = l;
  act->kind = ACT_TRANSITION;
  act->target = index;
  act->state = (size_t)from;
  act->to = (size_t)to;
  p->sims[index].simulated = 1;
  return CC_OK;
}

static cc_status add_levers(cc_store *store, scenario_plan *p, char **keys, size_t n_keys, cc_error *err) {
  const cc_scenario *s = p->s;
  for (size_t l = 0; l < s->n_levers; l++) {
    const cc_lever *lever = &s->levers[l];
    if (lever->target == CC_LEVER_UNIT_COST) {
      lever_action *act = &p->actions[p->n_actions++];
      act->lever = l;
      act->kind = ACT_COST;
      for (size_t u = 0; u < s->n_unit_costs; u++)
        if (strcmp(s->unit_costs[u].name, lever->unit_cost) == 0) act->target = u;
      continue;
    }
    for (size_t g = 0; g < s->n_geographies; g++) {
      cc_status st = lever->target == CC_LEVER_SERIES ? add_series_lever(store, p, keys, n_keys, l, g, err)
                                                      : add_transition_lever(store, p, keys, n_keys, l, g, err);
      if (st) return st;
    }
  }
  return CC_OK;
}

/* Stored forecasts for what is not simulated, entry forecasts for what is, and coverage. */
static cc_status load_paths(cc_store *store, scenario_plan *p, cc_error *err) {
  const cc_scenario *s = p->s;
  char t1[CC_PERIOD_TEXT_MAX], t2[CC_PERIOD_TEXT_MAX], t3[CC_PERIOD_TEXT_MAX], t4[CC_PERIOD_TEXT_MAX];
  for (size_t i = 0; i < p->n_sims; i++) {
    sim_model *sim = &p->sims[i];
    if (!sim->simulated) continue;
    int32_t months = cc_period_diff(sim->first, p->month_end) + 1;
    if (cc_period_diff(sim->first, p->month0) < 0 || months <= 0)
      return cc_error_set(err, CC_EINPUT, s->path, 0, "baseline", "model %s of %s starts projecting in %s, after the appraisal's start %s",
                          sim->record->name, sim->record->geography, cc_period_format(sim->first, t1, sizeof t1),
                          cc_period_format(p->month0, t2, sizeof t2));
    sim->months = (size_t)months;
    if (sim->months > p->max_months) p->max_months = sim->months;
    for (size_t k = 0; k < sim->record->n_parts; k++) {
      if (!sim->record->driver_ids[k][0]) continue;
      cc_period first;
      cc_status st = cc_store_forecast_read(store, p->forecast_run, sim->record->driver_ids[k], &sim->drivers[k], &first, err);
      if (st) return st;
      if (first.index != sim->first.index || sim->drivers[k]->h < sim->months || sim->drivers[k]->n_paths == 0)
        return cc_error_set(err, CC_EINPUT, s->path, 0, "baseline",
                            "the forecast of '%s' in run %s does not reach %s: forecast with a longer --horizon",
                            sim->record->driver_ids[k], p->forecast_run, cc_period_format(p->month_end, t1, sizeof t1));
    }
  }
  for (size_t ai = 0; ai < p->n_activities; ai++) {
    activity *a = &p->activities[ai];
    const cc_unit_cost *cost = &s->unit_costs[a->unit_cost];
    if (a->sim >= 0 && !p->sims[a->sim].simulated) a->sim = a->part = -1;
    cc_error inner;
    if (a->freq == CC_FREQ_YEAR || cc_period_convert(p->month0, a->freq, &a->period0, &inner) != CC_OK)
      return cc_error_set(err, CC_EINPUT, s->path, cost->line, "activity",
                          "'%s' is %s: unit costs price monthly, quarterly or financial-year series", a->id, cc_freq_name(a->freq));
    a->n_periods = (size_t)(p->years * cc_freq_per_year(a->freq));
    cc_period last = cc_period_add(a->period0, (int32_t)a->n_periods - 1);
    if (a->sim >= 0) continue; /* simulated over the whole appraisal */
    cc_status st = cc_store_forecast_read(store, p->forecast_run, a->id, &a->forecast, &a->first, err);
    if (st == CC_EINPUT)
      return cc_error_set(err, CC_EINPUT, s->path, cost->line, "activity", "series '%s' has no forecast in run %s", a->id, p->forecast_run);
    if (st) return st;
    if (cc_period_diff(a->first, a->period0) < 0 || cc_period_diff(a->first, last) >= (int32_t)a->forecast->h)
      return cc_error_set(err, CC_EINPUT, s->path, cost->line, "activity",
                          "the forecast of '%s' covers %s to %s, not the appraisal's %s to %s (forecast with --horizon %dy)",
                          a->id, cc_period_format(a->first, t1, sizeof t1),
                          cc_period_format(cc_period_add(a->first, (int32_t)a->forecast->h - 1), t2, sizeof t2),
                          cc_period_format(a->period0, t3, sizeof t3), cc_period_format(last, t4, sizeof t4), p->years + 1);
  }
  return CC_OK;
}

/* The intervention's costs per account and year: set-up in the first year,
 * running every year, inflated, with the optimism-bias uplift. */
static cc_status cost_intervention(scenario_plan *p, cc_error *err) {
  const cc_scenario *s = p->s;
  size_t Y = (size_t)p->years;
  for (size_t c = 0; c < s->n_intervention_costs; c++) account_of(p, s->intervention_costs[c].organisation, s->intervention_costs[c].budget);
  size_t A = p->n_accounts + 1;
  if (!(p->intervention = calloc(A * Y, sizeof *p->intervention))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t c = 0; c < s->n_intervention_costs; c++) {
    const cc_intervention_cost *cost = &s->intervention_costs[c];
    size_t a = account_of(p, cost->organisation, cost->budget);
    for (size_t y = 0; y < Y; y++) {
      double amount = (y == 0 ? cost->setup : 0.0) + cost->running + cost->by_year[y];
      amount = cc_inflate(amount, cost->inflation, cost->price_year.index, s->start.index + (int32_t)y) * (1.0 + s->optimism_bias);
      p->intervention[a * Y + y] += amount;
      p->intervention[(A - 1) * Y + y] += amount;
    }
  }
  return CC_OK;
}

cc_status scenario_plan_build(cc_store *store, const cc_scenario *s, unsigned long seed, scenario_plan *p, cc_error *err) {
  memset(p, 0, sizeof *p);
  p->s = s;
  p->seed = seed;
  p->years = s->years;
  cc_period_months(s->start, &p->month0, &p->month_end);
  p->month_end = cc_period_add(p->month0, s->years * MONTHS_PER_YEAR - 1);
  size_t G = s->n_geographies, max_sims = G * (s->n_unit_costs + s->n_levers + 1) + 1;
  p->sims = calloc(max_sims, sizeof *p->sims);
  p->activities = calloc(G * s->n_unit_costs + 1, sizeof *p->activities);
  p->actions = calloc(G * s->n_levers + s->n_levers + 1, sizeof *p->actions);
  p->accounts = calloc(s->n_unit_costs + s->n_intervention_costs + 1, sizeof *p->accounts);
  cc_status st = p->sims && p->activities && p->actions && p->accounts ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  char **keys = NULL;
  size_t n_keys = 0;
  if (!st) st = find_run(store, s, p, err);
  if (!st) st = cc_store_demand_list(store, p->model_run, &keys, &n_keys, err);
  if (!st) st = add_activities(store, p, keys, n_keys, err);
  if (!st) st = add_levers(store, p, keys, n_keys, err);
  if (!st) st = load_paths(store, p, err);
  if (!st) st = cost_intervention(p, err);
  cc_store_free_names(keys, n_keys);
  if (st) scenario_plan_free(p);
  return st;
}

/* ---- summaries ------------------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Quantiles of n values at stride in data (scratch holds n). Infinite values
 * (payback never reached) sort last; NaN (no ROI without costs) gives NaN. */
static cc_quantiles summarise(const double *data, size_t n, size_t stride, double *scratch) {
  cc_quantiles q = {NAN, NAN, NAN, NAN};
  double sum = 0.0;
  for (size_t d = 0; d < n; d++) {
    scratch[d] = data[d * stride];
    if (isnan(scratch[d])) return q;
    sum += scratch[d];
  }
  qsort(scratch, n, sizeof *scratch, compare_doubles);
  q.mean = sum / (double)n;
  q.p10 = cc_quantile_sorted(scratch, n, 0.10);
  q.p50 = cc_quantile_sorted(scratch, n, 0.50);
  q.p90 = cc_quantile_sorted(scratch, n, 0.90);
  return q;
}

void cc_scenario_result_free(cc_scenario_result *r) {
  if (!r) return;
  for (size_t a = 0; r->accounts && a < r->n_accounts; a++) {
    free(r->accounts[a].baseline_cost);
    free(r->accounts[a].scenario_cost);
    free(r->accounts[a].gross_saving);
    free(r->accounts[a].intervention_cost);
    free(r->accounts[a].net_saving);
  }
  for (size_t a = 0; r->activities && a < r->n_activities; a++) {
    free(r->activities[a].baseline);
    free(r->activities[a].scenario);
  }
  free(r->accounts);
  free(r->activities);
  free(r->sensitivity);
  free(r->npv_draws);
  free(r);
}

static cc_status summarise_all(const scenario_plan *p, size_t n, const double *money, const double *demand,
                               const double *appraisal, cc_scenario_result *r, double *scratch) {
  size_t A = p->n_accounts + 1, Y = (size_t)p->years, money_size = A * Y * MONEY_MEASURES;
  size_t demand_size = p->n_activities * Y * 2, appraisal_size = A * APPRAISAL_MEASURES;
  for (size_t a = 0; a < A; a++) {
    cc_account_result *acc = &r->accounts[a];
    snprintf(acc->organisation, sizeof acc->organisation, "%s", a < p->n_accounts ? p->accounts[a].organisation : "all");
    snprintf(acc->budget, sizeof acc->budget, "%s", a < p->n_accounts ? p->accounts[a].budget : "all");
    cc_quantiles **columns[MONEY_MEASURES] = {&acc->baseline_cost, &acc->scenario_cost, &acc->intervention_cost,
                                              &acc->gross_saving, &acc->net_saving};
    for (size_t m = 0; m < MONEY_MEASURES; m++) {
      if (!(*columns[m] = malloc(Y * sizeof **columns[m]))) return CC_ENOMEM;
      for (size_t y = 0; y < Y; y++) (*columns[m])[y] = summarise(money + (a * Y + y) * MONEY_MEASURES + m, n, money_size, scratch);
    }
    const double *row = appraisal + a * APPRAISAL_MEASURES;
    acc->npv = summarise(row + APPRAISAL_NPV, n, appraisal_size, scratch);
    acc->pv_intervention = summarise(row + APPRAISAL_PV_COST, n, appraisal_size, scratch);
    acc->roi = summarise(row + APPRAISAL_ROI, n, appraisal_size, scratch);
    acc->payback = summarise(row + APPRAISAL_PAYBACK, n, appraisal_size, scratch);
    size_t positive = 0;
    for (size_t d = 0; d < n; d++) positive += row[d * appraisal_size + APPRAISAL_NPV] > 0.0;
    acc->probability_positive = (double)positive / (double)n;
  }
  for (size_t i = 0; i < p->n_activities; i++) {
    cc_activity_result *act = &r->activities[i];
    snprintf(act->series_id, sizeof act->series_id, "%s", p->activities[i].id);
    snprintf(act->unit_cost, sizeof act->unit_cost, "%s", p->s->unit_costs[p->activities[i].unit_cost].name);
    act->is_stock = p->activities[i].kind != CC_KIND_FLOW;
    if (!(act->baseline = malloc(Y * sizeof *act->baseline)) || !(act->scenario = malloc(Y * sizeof *act->scenario)))
      return CC_ENOMEM;
    for (size_t y = 0; y < Y; y++) {
      act->baseline[y] = summarise(demand + (i * Y + y) * 2 + 0, n, demand_size, scratch);
      act->scenario[y] = summarise(demand + (i * Y + y) * 2 + 1, n, demand_size, scratch);
    }
  }
  return CC_OK;
}

static int compare_swing(const void *a, const void *b) {
  double x = ((const cc_lever_sensitivity *)a)->swing, y = ((const cc_lever_sensitivity *)b)->swing;
  return (x < y) - (x > y);
}

/* Squared correlation of x and y over n draws (x at stride sx, y at stride sy). */
static double squared_correlation(const double *x, size_t sx, const double *y, size_t sy, size_t n) {
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  for (size_t d = 0; d < n; d++) mx += x[d * sx] / (double)n, my += y[d * sy] / (double)n;
  for (size_t d = 0; d < n; d++) {
    double dx = x[d * sx] - mx, dy = y[d * sy] - my;
    sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
  }
  return sxx > 0 && syy > 0 ? sxy * sxy / (sxx * syy) : 0.0;
}

/* The tornado: each lever at its low and high end over the first draws. */
static cc_status sensitivity(const scenario_plan *p, size_t n_main, int jobs, const double *appraisal,
                             const double *effects, cc_scenario_result *r, cc_error *err) {
  size_t A = p->n_accounts + 1, Y = (size_t)p->years, L = p->s->n_levers;
  size_t n = n_main < CC_SENSITIVITY_DRAWS ? n_main : CC_SENSITIVITY_DRAWS;
  size_t appraisal_size = A * APPRAISAL_MEASURES, total = (A - 1) * APPRAISAL_MEASURES + APPRAISAL_NPV;
  double *money = malloc(n * A * Y * MONEY_MEASURES * sizeof *money);
  double *demand = malloc((n * p->n_activities * Y * 2 + 1) * sizeof *demand);
  double *side = malloc(n * appraisal_size * sizeof *side);
  cc_status st = money && demand && side ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  r->n_levers = 0;
  for (size_t l = 0; !st && l < L; l++) {
    const cc_lever *lever = &p->s->levers[l];
    cc_lever_sensitivity *row = &r->sensitivity[r->n_levers++];
    snprintf(row->name, sizeof row->name, "%s", lever->name);
    row->low = lever->low;
    row->high = lever->high;
    double ends[2] = {lever->low, lever->high}, mean[2] = {0, 0};
    for (int e = 0; !st && e < 2; e++) {
      st = scenario_draws(p, n, jobs, (long)l, ends[e], money, demand, side, NULL, err);
      for (size_t d = 0; !st && d < n; d++) mean[e] += side[d * appraisal_size + total] / (double)n;
    }
    row->npv_low = mean[0];
    row->npv_high = mean[1];
    row->swing = fabs(mean[1] - mean[0]);
    row->variance_share = squared_correlation(effects + l, L, appraisal + total, appraisal_size, n_main);
  }
  if (!st) qsort(r->sensitivity, r->n_levers, sizeof *r->sensitivity, compare_swing);
  free(money);
  free(demand);
  free(side);
  return st;
}

cc_status cc_scenario_run(cc_store *store, const cc_scenario *s, const cc_scenario_options *options,
                          cc_scenario_result **out, cc_error *err) {
  cc_scenario_options defaults;
  if (!options) cc_scenario_options_default(&defaults), options = &defaults;
  *out = NULL;
  if (options->draws < 1 || options->draws > CC_SCENARIO_DRAWS_MAX)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "draws", "draws must be from 1 to %d", CC_SCENARIO_DRAWS_MAX);
  scenario_plan p;
  cc_status st = scenario_plan_build(store, s, options->seed, &p, err);
  if (st) return st;
  size_t n = options->draws, A = p.n_accounts + 1, Y = (size_t)p.years, L = s->n_levers;
  double *money = malloc(n * A * Y * MONEY_MEASURES * sizeof *money);
  double *demand = malloc((n * p.n_activities * Y * 2 + 1) * sizeof *demand);
  double *appraisal = malloc(n * A * APPRAISAL_MEASURES * sizeof *appraisal);
  double *effects = malloc((n * L + 1) * sizeof *effects), *scratch = malloc(n * sizeof *scratch);
  cc_scenario_result *r = calloc(1, sizeof *r);
  if (!money || !demand || !appraisal || !effects || !scratch || !r) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st) {
    snprintf(r->name, sizeof r->name, "%s", s->name);
    snprintf(r->forecast_run, sizeof r->forecast_run, "%s", p.forecast_run);
    snprintf(r->model_run, sizeof r->model_run, "%s", p.model_run);
    r->draws = n;
    r->years = p.years;
    r->start = s->start;
    r->n_accounts = A;
    r->n_activities = p.n_activities;
    r->accounts = calloc(A, sizeof *r->accounts);
    r->activities = calloc(p.n_activities + 1, sizeof *r->activities);
    r->sensitivity = calloc(L + 1, sizeof *r->sensitivity);
    r->npv_draws = malloc(n * sizeof *r->npv_draws);
    if (!r->accounts || !r->activities || !r->sensitivity || !r->npv_draws) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  if (!st) st = scenario_draws(&p, n, options->jobs, -1, 0.0, money, demand, appraisal, effects, err);
  if (!st && summarise_all(&p, n, money, demand, appraisal, r, scratch) != CC_OK)
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t d = 0; !st && d < n; d++) r->npv_draws[d] = appraisal[d * A * APPRAISAL_MEASURES + (A - 1) * APPRAISAL_MEASURES + APPRAISAL_NPV];
  if (!st) st = sensitivity(&p, n, options->jobs, appraisal, effects, r, err);
  free(money);
  free(demand);
  free(appraisal);
  free(effects);
  free(scratch);
  scenario_plan_free(&p);
  if (st) {
    cc_scenario_result_free(r);
    return st;
  }
  *out = r;
  return CC_OK;
}
