/* scenario.h: savings scenario files (the .yaml files in scenarios/).
 *
 * A scenario turns a forecast into money. It names
 *   - the baseline: a forecast run (or the newest run projecting a named
 *     demand model), the first financial year and how many years;
 *   - levers: each changes one thing from a month, reaching full effect
 *     over a ramp, with an uncertainty range: a series (a demand model's
 *     entry flow or rate, whose effect then flows through the model, or any
 *     forecast series), a transition between two states of a stock-and-flow
 *     model, or a unit cost;
 *   - unit costs: the cost of one unit of an activity series (a person-week
 *     of a stock, one event of a flow, a person-year), in a price base year
 *     with an inflation rate, falling to an organisation's budget line, with
 *     its source (or "assumption: ...");
 *   - the cost of the intervention itself (set-up, running), by organisation;
 *   - the discount rate (default 3.5%, the Green Book) and an optimism-bias
 *     uplift on the intervention's costs.
 *
 *   name: reablement_expansion
 *   description: ...
 *   baseline: {model: asc_older_people, start: 2025/26, years: 5}
 *   geographies: [E08000019, E06000012]
 *   price_base: 2024/25
 *   discount_rate: 0.035
 *   optimism_bias: 0.2
 *   levers:
 *     - name: fewer_residential_admissions
 *       series: asc_residential_admissions/{geography}/65+
 *       change: -0.10            # proportional, at full effect
 *       low: -0.15
 *       high: -0.05
 *       distribution: triangular # triangular (mode = change), uniform, fixed
 *       from: 2025-04
 *       ramp_months: 12
 *     - name: fewer_plans
 *       transition: {model: children_social_care, from: child_in_need, to: child_protection_plan}
 *       change: -0.08
 *       ...
 *   unit_costs:
 *     - name: residential_care_65
 *       activity: asc_residential_clients/{geography}/65+
 *       cost: 950
 *       price_year: 2024/25      # the year of the price (default: price_base)
 *       per: week                # week (per person in a stock), event (per flow event), year (per person)
 *       inflation: 0.03
 *       organisation: council
 *       budget: adult_social_care
 *       source: "assumption: ..."
 *   intervention_costs:
 *     - name: reablement_team
 *       organisation: council
 *       budget: adult_social_care
 *       setup: 150000            # in the first year
 *       running: 600000          # every year
 *       by_year: {2026/27: 50000} # and amounts in particular years (e.g. an evaluation)
 *
 * Loading checks everything a file can get wrong on its own: unknown keys,
 * missing keys, impossible ranges (low > change > high, a fall of more than
 * 100%), an unknown distribution, an organisation or budget line that does
 * not exist, two items of the same name, a lever on a unit cost that is not
 * listed; each error names the file, line and key. What needs the store (a
 * series that does not exist, a forecast too short) is checked when the
 * scenario runs (scenario_run.h). */
#ifndef CARECAST_SCENARIO_H
#define CARECAST_SCENARIO_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/multistate.h"
#include "carecast/period.h"
#include "carecast/series.h"
#include "carecast/store.h"

#define CC_SCENARIO_NAME_MAX 64        /* names of scenarios, levers, costs, with NUL */
#define CC_SCENARIO_TEMPLATE_MAX 160   /* a series template, with NUL */
#define CC_SCENARIO_MAX_YEARS 30       /* the appraisal's length at most */
#define CC_SCENARIO_MAX_ITEMS 64       /* levers, unit costs, intervention costs, each */
#define CC_SCENARIO_MAX_GEOGRAPHIES 400
#define CC_ORGANISATION_MAX 16
#define CC_BUDGET_MAX 32

typedef enum cc_lever_target {
  CC_LEVER_SERIES = 0,     /* a forecast series (through a demand model when it drives one) */
  CC_LEVER_TRANSITION = 1, /* a move between two states of a stock-and-flow model */
  CC_LEVER_UNIT_COST = 2,  /* the cost of one unit of an activity */
} cc_lever_target;

typedef enum cc_distribution {
  CC_DISTRIBUTION_FIXED = 0,      /* always `change` */
  CC_DISTRIBUTION_TRIANGULAR = 1, /* low, mode `change`, high */
  CC_DISTRIBUTION_UNIFORM = 2,    /* between low and high */
} cc_distribution;

typedef enum cc_cost_unit {
  CC_PER_WEEK = 0,  /* per person per week, for a stock (people at month end) */
  CC_PER_EVENT = 1, /* per event, for a flow */
  CC_PER_YEAR = 2,  /* per person per year, for a stock */
} cc_cost_unit;

typedef struct cc_lever {
  char name[CC_SCENARIO_NAME_MAX];
  cc_lever_target target;
  char series[CC_SCENARIO_TEMPLATE_MAX];   /* CC_LEVER_SERIES: the series template */
  char model[CC_MEASURE_MAX];              /* CC_LEVER_TRANSITION: the demand model ... */
  char from_state[CC_STATE_NAME_MAX], to_state[CC_STATE_NAME_MAX]; /* ... and the move */
  char unit_cost[CC_SCENARIO_NAME_MAX];    /* CC_LEVER_UNIT_COST: the unit cost's name */
  double change, low, high;                /* proportional changes at full effect */
  cc_distribution distribution;
  cc_period from;                          /* the month it starts */
  int ramp_months;                         /* months to full effect (0: at once) */
  long line;                               /* where it is in the file */
} cc_lever;

typedef struct cc_unit_cost {
  char name[CC_SCENARIO_NAME_MAX];
  char activity[CC_SCENARIO_TEMPLATE_MAX]; /* the series template costed */
  double cost;                             /* GBP, in the prices of price_year */
  cc_period price_year;                    /* financial year of the price (default: the scenario's price_base) */
  cc_cost_unit per;
  double inflation;                        /* a year */
  char organisation[CC_ORGANISATION_MAX];
  char budget[CC_BUDGET_MAX];
  char source[256];                        /* citation and price year, or "assumption: ..." */
  long line;
} cc_unit_cost;

typedef struct cc_intervention_cost {
  char name[CC_SCENARIO_NAME_MAX];
  char organisation[CC_ORGANISATION_MAX];
  char budget[CC_BUDGET_MAX];
  double setup;                            /* in the first year, price_year prices */
  double running;                          /* every year */
  double by_year[CC_SCENARIO_MAX_YEARS];   /* further amounts in given years of the appraisal (0 elsewhere) */
  cc_period price_year;                    /* financial year of the prices (default: price_base) */
  double inflation;
  long line;
} cc_intervention_cost;

typedef struct cc_scenario {
  char *path;                              /* the file */
  char *text;                              /* its text (kept with the results) */
  char name[CC_SCENARIO_NAME_MAX];
  char description[256];
  char baseline_model[CC_MEASURE_MAX];     /* "" when the baseline is a run */
  char baseline_run[CC_RUN_ID_MAX];        /* "" when it is a model */
  cc_period start;                         /* first financial year */
  int years;
  size_t n_geographies;
  char (*geographies)[CC_GEOGRAPHY_MAX];
  cc_period price_base;                    /* financial year of the prices */
  double discount_rate;
  double optimism_bias;
  size_t n_levers, n_unit_costs, n_intervention_costs;
  cc_lever *levers;
  cc_unit_cost *unit_costs;
  cc_intervention_cost *intervention_costs;
} cc_scenario;

/* Load and check the scenario file at path (caller frees *out). */
CC_MUST_CHECK cc_status cc_scenario_load(const char *path, cc_scenario **out, cc_error *err);

/* The same from len bytes of text; name is used in messages. */
CC_MUST_CHECK cc_status cc_scenario_parse(const char *text, size_t len, const char *name, cc_scenario **out,
                                          cc_error *err);

/* Free s. No operation when s is NULL. */
void cc_scenario_free(cc_scenario *s);

/* 1 when budget is a budget line of organisation (council: adult_social_care,
 * childrens_services, public_health, housing; nhs: acute, community,
 * mental_health, primary_care, continuing_healthcare; police: safeguarding,
 * response; fire_rescue: prevention). */
int cc_budget_line_known(const char *organisation, const char *budget);

/* The effect of a lever in month `month` for a drawn full effect: 0 before
 * it starts, rising linearly to `effect` over ramp_months (the first month
 * carries 1/ramp_months of it), then `effect`. */
double cc_lever_effect(const cc_lever *lever, double effect, cc_period month);

#endif
