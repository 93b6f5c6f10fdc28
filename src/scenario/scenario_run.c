/* scenario_run.c: the Monte Carlo of a savings scenario (scenario_run.h).
 *
 * Setup (scenario_setup.c) resolves everything the scenario names against
 * the store once. Here every draw is independent: it draws the levers,
 * simulates the stock-and-flow models that levers act on (baseline and
 * scenario from the same random numbers), prices every activity in every
 * period of the appraisal, and fills its own rows of the per-draw arrays,
 * from which the summaries are taken. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/date.h"
#include "carecast/finance.h"
#include "carecast/forecast.h"
#include "scenario_internal.h"

void cc_scenario_options_default(cc_scenario_options *options) {
  options->draws = CC_SCENARIO_DRAWS_DEFAULT;
  options->seed = CC_SCENARIO_SEED_DEFAULT;
  options->jobs = 1;
}

/* ---- drawing the levers ---------------------------------------------------- */

/* A draw from the lever's distribution (inverse CDF of the triangular). */
static double draw_effect(const cc_lever *l, gsl_rng *rng) {
  double u = gsl_rng_uniform(rng), width = l->high - l->low;
  switch (l->distribution) {
  case CC_DISTRIBUTION_FIXED: return l->change;
  case CC_DISTRIBUTION_UNIFORM: return l->low + u * width;
  case CC_DISTRIBUTION_TRIANGULAR:
  default: {
    double split = (l->change - l->low) / width;
    if (u < split) return l->low + sqrt(u * width * (l->change - l->low));
    return l->high - sqrt((1.0 - u) * width * (l->high - l->change));
  }
  }
}

/* The lever's effect averaged over the months of period (its ramp may pass through it). */
static double period_effect(const cc_lever *l, double effect, cc_period period) {
  if (period.freq == CC_FREQ_MONTH) return cc_lever_effect(l, effect, period);
  cc_period first, last;
  cc_period_months(period, &first, &last);
  double sum = 0.0;
  for (cc_period m = first; m.index <= last.index; m.index++) sum += cc_lever_effect(l, effect, m);
  return sum / (double)(last.index - first.index + 1);
}

/* ---- one draw -------------------------------------------------------------- */

/* Days in a period, for pricing person-weeks and person-years. */
static double days_in(cc_period period) {
  cc_period first, last;
  cc_period_months(period, &first, &last);
  double days = 0.0;
  for (int32_t m = first.index; m <= last.index; m++) days += cc_date_month_days(m / MONTHS_PER_YEAR, m % MONTHS_PER_YEAR + 1);
  return days;
}

/* The financial year (its starting calendar year) a period falls in. */
static int32_t fyear_of(cc_period period) {
  cc_period first, last, fy;
  cc_period_months(period, &first, &last);
  cc_error ignored;
  if (cc_period_convert(first, CC_FREQ_FYEAR, &fy, &ignored) != CC_OK) return first.index / MONTHS_PER_YEAR;
  return fy.index;
}

/* Simulate sim model i for draw d with levers at effects[] into the work's
 * baseline and scenario stocks (months x k each). */
static void simulate_model(const scenario_plan *p, size_t i, size_t d, const double *effects, draw_work *w) {
  const sim_model *sim = &p->sims[i];
  const cc_demand_record *r = sim->record;
  const cc_multistate *m = r->transitions;
  size_t k = m->k, cols = k + 1, H = sim->months;
  const double *base_p = m->n_draws ? m->draws + (d % m->n_draws) * k * cols : m->p;
  double *entries = w->entries, *changed = w->entries_changed;
  for (size_t t = 0; t < H; t++)
    for (size_t j = 0; j < k; j++) {
      const cc_forecast *f = sim->drivers[j];
      double e = f ? f->paths[(d % f->n_paths) * f->h + t] : 0.0;
      entries[t * k + j] = changed[t * k + j] = e;
    }
  for (size_t a = 0; a < p->n_actions; a++) {
    const lever_action *act = &p->actions[a];
    if (act->kind != ACT_ENTRIES || act->target != i) continue;
    const cc_lever *l = &p->s->levers[act->lever];
    for (size_t t = 0; t < H; t++)
      changed[t * k + act->state] *= 1.0 + cc_lever_effect(l, effects[act->lever], cc_period_add(sim->first, (int32_t)t));
  }
  unsigned long seed = cc_multistate_path_seed(p->seed ^ sim->seed_salt, d);
  for (int future = 0; future < 2; future++) {
    double *stocks = future ? w->stocks_scenario[i] : w->stocks_baseline[i];
    const double *arrivals = future ? changed : entries;
    gsl_rng_set(w->rng, seed); /* the same random numbers for both futures */
    for (size_t t = 0; t < H; t++) {
      memcpy(w->matrix, base_p, k * cols * sizeof *w->matrix);
      for (size_t a = 0; future && a < p->n_actions; a++) {
        const lever_action *act = &p->actions[a];
        if (act->kind != ACT_TRANSITION || act->target != i) continue;
        double effect = cc_lever_effect(&p->s->levers[act->lever], effects[act->lever], cc_period_add(sim->first, (int32_t)t));
        double *move = &w->matrix[act->state * cols + act->to], *stay = &w->matrix[act->state * cols + act->state];
        double moved = fmin(*move * (1.0 + effect), *move + *stay); /* what staying can give up */
        if (moved < 0.0) moved = 0.0;
        *stay += *move - moved;
        *move = moved;
      }
      cc_multistate_simulate_path(k, w->matrix, t == 0 ? r->values : stocks + (t - 1) * k, arrivals + t * k, 1, w->rng,
                                  stocks + t * k, NULL, NULL);
    }
  }
}

/* Price every activity of draw d; fills money[(account * years + y) * MONEY_MEASURES + measure]
 * (accounts incl. the total) and demand[(activity * years + y) * 2 + future]. */
static void run_draw(const scenario_plan *p, size_t d, const double *effects, draw_work *w, double *money,
                     double *demand) {
  size_t A = p->n_accounts + 1, Y = (size_t)p->years;
  memset(money, 0, A * Y * MONEY_MEASURES * sizeof *money);
  memset(demand, 0, p->n_activities * Y * 2 * sizeof *demand);
  for (size_t i = 0; i < p->n_sims; i++)
    if (p->sims[i].simulated) simulate_model(p, i, d, effects, w);
  for (size_t ai = 0; ai < p->n_activities; ai++) {
    const activity *a = &p->activities[ai];
    const cc_unit_cost *u = &p->s->unit_costs[a->unit_cost];
    size_t k = a->sim >= 0 ? p->sims[a->sim].record->n_parts : 0;
    for (size_t j = 0; j < a->n_periods; j++) {
      cc_period period = cc_period_add(a->period0, (int32_t)j);
      double base, scenario;
      if (a->sim >= 0) {
        int32_t t = cc_period_diff(p->sims[a->sim].first, period);
        base = w->stocks_baseline[a->sim][(size_t)t * k + (size_t)a->part];
        scenario = w->stocks_scenario[a->sim][(size_t)t * k + (size_t)a->part];
      } else {
        int32_t t = cc_period_diff(a->first, period);
        base = scenario = a->forecast->paths[(d % a->forecast->n_paths) * a->forecast->h + (size_t)t];
      }
      double price = cc_inflate(u->cost, u->inflation, u->price_year.index, fyear_of(period));
      double price_scenario = price;
      for (size_t x = 0; x < p->n_actions; x++) {
        const lever_action *act = &p->actions[x];
        const cc_lever *l = &p->s->levers[act->lever];
        if (act->kind == ACT_PATH && act->target == ai) scenario *= 1.0 + period_effect(l, effects[act->lever], period);
        if (act->kind == ACT_COST && act->target == a->unit_cost)
          price_scenario *= 1.0 + period_effect(l, effects[act->lever], period);
      }
      double units = u->per == CC_PER_WEEK ? days_in(period) / DAYS_PER_WEEK
                     : u->per == CC_PER_YEAR ? days_in(period) / days_in((cc_period){CC_FREQ_FYEAR, fyear_of(period)})
                                             : 1.0;
      size_t y = (size_t)(fyear_of(period) - p->s->start.index);
      const size_t accounts[2] = {a->account, A - 1}; /* its budget line and the total */
      for (size_t c = 0; c < 2; c++) {
        money[(accounts[c] * Y + y) * MONEY_MEASURES + MONEY_BASELINE] += base * units * price;
        money[(accounts[c] * Y + y) * MONEY_MEASURES + MONEY_SCENARIO] += scenario * units * price_scenario;
      }
      size_t per_year = a->n_periods / Y;
      double weight = a->kind == CC_KIND_FLOW ? 1.0 : 1.0 / (double)per_year; /* flows add up, stocks average */
      demand[(ai * Y + y) * 2 + 0] += base * weight;
      demand[(ai * Y + y) * 2 + 1] += scenario * weight;
    }
  }
  for (size_t acc = 0; acc < A; acc++)
    for (size_t y = 0; y < Y; y++) {
      double *row = money + (acc * Y + y) * MONEY_MEASURES;
      row[MONEY_INTERVENTION] = p->intervention[acc * Y + y];
      row[MONEY_GROSS] = row[MONEY_BASELINE] - row[MONEY_SCENARIO];
      row[MONEY_NET] = row[MONEY_GROSS] - row[MONEY_INTERVENTION];
    }
}

/* NPV, PV of the intervention, ROI and payback of each account of one draw. */
static void appraise(const scenario_plan *p, const double *money, double *out /* [accounts][APPRAISAL_MEASURES] */) {
  size_t A = p->n_accounts + 1, Y = (size_t)p->years;
  double net[CC_SCENARIO_MAX_YEARS], cost[CC_SCENARIO_MAX_YEARS];
  for (size_t acc = 0; acc < A; acc++) {
    for (size_t y = 0; y < Y; y++) {
      net[y] = money[(acc * Y + y) * MONEY_MEASURES + MONEY_NET];
      cost[y] = money[(acc * Y + y) * MONEY_MEASURES + MONEY_INTERVENTION];
    }
    double *row = out + acc * APPRAISAL_MEASURES;
    row[APPRAISAL_NPV] = cc_npv(net, Y, p->s->discount_rate);
    row[APPRAISAL_PV_COST] = cc_npv(cost, Y, p->s->discount_rate);
    row[APPRAISAL_ROI] = row[APPRAISAL_PV_COST] > 0.0 ? row[APPRAISAL_NPV] / row[APPRAISAL_PV_COST] : NAN;
    /* payback is the time to recover the intervention's cost: none without one */
    row[APPRAISAL_PAYBACK] = row[APPRAISAL_PV_COST] > 0.0 ? cc_payback(net, Y, p->s->discount_rate) : NAN;
  }
}

/* ---- the draws --------------------------------------------------------------- */

static void work_free(draw_work *w, size_t n_sims) {
  if (!w) return;
  gsl_rng_free(w->rng);
  gsl_rng_free(w->lever_rng);
  for (size_t i = 0; i < n_sims; i++) {
    if (w->stocks_baseline) free(w->stocks_baseline[i]);
    if (w->stocks_scenario) free(w->stocks_scenario[i]);
  }
  free(w->stocks_baseline);
  free(w->stocks_scenario);
  free(w->entries);
  free(w->entries_changed);
  free(w->matrix);
  free(w->effects);
}

static int work_alloc(const scenario_plan *p, draw_work *w) {
  memset(w, 0, sizeof *w);
  size_t n = p->n_sims ? p->n_sims : 1, cells = p->max_months * CC_MULTISTATE_MAX_STATES;
  w->rng = gsl_rng_alloc(gsl_rng_mt19937);
  w->lever_rng = gsl_rng_alloc(gsl_rng_mt19937);
  w->stocks_baseline = calloc(n, sizeof *w->stocks_baseline);
  w->stocks_scenario = calloc(n, sizeof *w->stocks_scenario);
  w->entries = malloc((cells ? cells : 1) * sizeof *w->entries);
  w->entries_changed = malloc((cells ? cells : 1) * sizeof *w->entries_changed);
  w->matrix = malloc(CC_MULTISTATE_MAX_STATES * (CC_MULTISTATE_MAX_STATES + 1) * sizeof *w->matrix);
  w->effects = malloc((p->s->n_levers ? p->s->n_levers : 1) * sizeof *w->effects);
  if (!w->rng || !w->lever_rng || !w->stocks_baseline || !w->stocks_scenario || !w->entries || !w->entries_changed ||
      !w->matrix || !w->effects)
    return 0;
  for (size_t i = 0; i < p->n_sims; i++) {
    size_t size = p->sims[i].months * p->sims[i].record->n_parts;
    w->stocks_baseline[i] = malloc((size ? size : 1) * sizeof(double));
    w->stocks_scenario[i] = malloc((size ? size : 1) * sizeof(double));
    if (!w->stocks_baseline[i] || !w->stocks_scenario[i]) return 0;
  }
  return 1;
}

/* Run draws [0, n) with the levers drawn (fixed_lever < 0), or with every
 * lever central except fixed_lever at fixed_value. Per-draw results go to
 * money (n x money_size), demand (n x demand_size), appraisal (n x
 * appraisal_size) and effects (n x levers), each row written by its draw alone. */
cc_status scenario_draws(const scenario_plan *p, size_t n, int jobs, long fixed_lever, double fixed_value, double *money,
                         double *demand, double *appraisal, double *effects, cc_error *err) {
  size_t A = p->n_accounts + 1, Y = (size_t)p->years, L = p->s->n_levers;
  size_t money_size = A * Y * MONEY_MEASURES, demand_size = p->n_activities * Y * 2;
  int failed = 0;
#pragma omp parallel num_threads(jobs > 0 ? jobs : 1)
  {
    draw_work w;
    int ok = work_alloc(p, &w);
    if (!ok) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(dynamic, 16)
    for (size_t d = 0; d < n; d++) {
      if (!ok) continue;
      gsl_rng_set(w.lever_rng, cc_multistate_path_seed(p->seed, d));
      for (size_t l = 0; l < L; l++) {
        const cc_lever *lever = &p->s->levers[l];
        double drawn = draw_effect(lever, w.lever_rng); /* drawn in any case: streams stay aligned */
        w.effects[l] = fixed_lever < 0 ? drawn : (long)l == fixed_lever ? fixed_value : lever->change;
        if (effects) effects[d * L + l] = w.effects[l];
      }
      run_draw(p, d, w.effects, &w, money + d * money_size, demand + d * demand_size);
      appraise(p, money + d * money_size, appraisal + d * A * APPRAISAL_MEASURES);
    }
    work_free(&w, p->n_sims);
  }
  if (failed) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  return CC_OK;
}
