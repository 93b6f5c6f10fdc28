/* scenario_internal.h: what the scenario engine's files share
 * (scenario_setup.c resolves, scenario_run.c draws, scenario_report.c
 * writes). Not a public header. */
#ifndef CARECAST_SCENARIO_INTERNAL_H
#define CARECAST_SCENARIO_INTERNAL_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "carecast/forecast.h"
#include "carecast/multistate.h"
#include "carecast/scenario_run.h"
#include "carecast/store.h"

#define DAYS_PER_WEEK 7.0
#define MONTHS_PER_YEAR 12

/* Money per account, year and draw: the columns. */
enum { MONEY_BASELINE, MONEY_SCENARIO, MONEY_INTERVENTION, MONEY_GROSS, MONEY_NET, MONEY_MEASURES };
/* The appraisal per account and draw. */
enum { APPRAISAL_NPV, APPRAISAL_PV_COST, APPRAISAL_ROI, APPRAISAL_PAYBACK, APPRAISAL_MEASURES };

/* A council's stock-and-flow model: simulated again in every draw when a lever acts on it. */
typedef struct sim_model {
  cc_demand_record *record;                          /* owned */
  cc_forecast *drivers[CC_MULTISTATE_MAX_STATES];    /* entry forecasts (owned), NULL for states without entries */
  cc_period first;                                   /* the month after the history */
  size_t months;                                     /* simulated, to the appraisal's end */
  int simulated;                                     /* 1 when a lever acts on its entries or moves */
  uint64_t seed_salt;                                /* from its name and council: its own random streams */
} sim_model;

/* A lever's action in one council. */
typedef struct lever_action {
  size_t lever;
  enum { ACT_PATH, ACT_ENTRIES, ACT_TRANSITION, ACT_COST } kind;
  size_t target;     /* activity (ACT_PATH), sim model (ACT_ENTRIES, ACT_TRANSITION), unit cost (ACT_COST) */
  size_t state, to;  /* ACT_ENTRIES: the state; ACT_TRANSITION: from and to */
} lever_action;

/* One costed series in one council. */
typedef struct activity {
  char id[CC_SERIES_ID_MAX];
  size_t unit_cost, account;
  cc_kind kind;
  cc_freq freq;
  cc_forecast *forecast;  /* its stored paths (owned), NULL when simulated */
  cc_period first;        /* first period of the forecast */
  int sim, part;          /* the simulated model and state it comes from, or -1 */
  cc_period period0;      /* the first period of its frequency in the appraisal */
  size_t n_periods;       /* and how many */
} activity;

typedef struct scenario_account {
  char organisation[CC_ORGANISATION_MAX];
  char budget[CC_BUDGET_MAX];
} scenario_account;

typedef struct scenario_plan {
  const cc_scenario *s;
  unsigned long seed;
  int years;
  cc_period month0, month_end;  /* the appraisal's first and last month */
  size_t n_sims, n_activities, n_actions, n_accounts; /* accounts without the total (the last row) */
  sim_model *sims;
  activity *activities;
  lever_action *actions;
  scenario_account *accounts;
  double *intervention;         /* [(n_accounts + 1) x years] the intervention's costs, uplifted */
  size_t max_months;            /* the longest simulation */
  char forecast_run[CC_RUN_ID_MAX], model_run[CC_RUN_ID_MAX];
} scenario_plan;

/* Scratch of one thread. */
typedef struct draw_work {
  gsl_rng *rng, *lever_rng;
  double **stocks_baseline, **stocks_scenario; /* per sim model: months x states */
  double *entries, *entries_changed;           /* months x states */
  double *matrix;                              /* one transition matrix */
  double *effects;                             /* the levers of this draw */
} draw_work;

/* Resolve scenario s against the store into *p (scenario_setup.c). */
CC_MUST_CHECK cc_status scenario_plan_build(cc_store *store, const cc_scenario *s, unsigned long seed, scenario_plan *p,
                                            cc_error *err);
void scenario_plan_free(scenario_plan *p);

/* Run draws (scenario_run.c; see there). */
CC_MUST_CHECK cc_status scenario_draws(const scenario_plan *p, size_t n, int jobs, long fixed_lever, double fixed_value,
                                       double *money, double *demand, double *appraisal, double *effects, cc_error *err);

#endif
