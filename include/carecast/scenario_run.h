/* scenario_run.h: running a savings scenario (scenario.h) by Monte Carlo.
 *
 * Each draw takes one sample path of the baseline forecast (path d mod the
 * paths stored) and one value of every lever from its distribution, and
 * computes two futures over the appraisal years: the baseline and the
 * scenario. Levers on a series multiply its path by (1 + effect), ramped in
 * from their start month; when the series drives a stock-and-flow model (an
 * entry flow) or a cohort model (a rate), the effect flows through the
 * model: a stock-and-flow model is simulated again for both futures, with
 * the same random numbers (common random numbers, so the saving is not
 * swamped by noise), from the draw's transition matrix; a transition lever
 * changes one move's probability, the difference going to staying put.
 * Unit costs price every activity per period (a person-week or person-year
 * of a stock, one event of a flow), inflated from the price base year; the
 * intervention's own costs carry the optimism-bias uplift. Costs are summed
 * per financial year and per organisation and budget line; savings are
 * baseline minus scenario; net savings less the intervention's costs are
 * discounted (finance.h) to a net present value, with return on investment
 * (NPV over the present value of the intervention's costs) and payback.
 *
 * Draw d's random stream depends on the seed and d alone, so the result is
 * the same whatever the number of threads. The sensitivity (tornado) table
 * re-runs the first draws with one lever at its low and then its high end
 * and the others at their central value, and also gives each lever's share
 * of the NPV's variance over the main draws (its squared correlation with
 * the NPV). */
#ifndef CARECAST_SCENARIO_RUN_H
#define CARECAST_SCENARIO_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "carecast/error.h"
#include "carecast/scenario.h"
#include "carecast/store.h"

#define CC_SCENARIO_DRAWS_DEFAULT 10000
#define CC_SCENARIO_DRAWS_MAX 1000000
#define CC_SCENARIO_SEED_DEFAULT 20250401UL
#define CC_SENSITIVITY_DRAWS 1000      /* draws per end of each lever in the tornado */

typedef struct cc_scenario_options {
  size_t draws;         /* Monte Carlo draws (default 10,000) */
  unsigned long seed;   /* seed of every draw's stream */
  int jobs;             /* threads (results do not depend on it) */
} cc_scenario_options;

void cc_scenario_options_default(cc_scenario_options *options);

/* A distribution over draws. */
typedef struct cc_quantiles {
  double mean, p10, p50, p90;
} cc_quantiles;

/* The money of one organisation's budget line ("all"/"all" for the total). */
typedef struct cc_account_result {
  char organisation[CC_ORGANISATION_MAX];
  char budget[CC_BUDGET_MAX];
  cc_quantiles *baseline_cost, *scenario_cost, *gross_saving, *intervention_cost, *net_saving; /* [years] */
  cc_quantiles npv;                /* of net savings */
  cc_quantiles pv_intervention;    /* present value of the intervention's costs */
  cc_quantiles roi;                /* npv / pv_intervention; NaN without intervention costs */
  cc_quantiles payback;            /* years; infinity when not within the appraisal */
  double probability_positive;     /* share of draws with npv > 0 */
} cc_account_result;

/* The demand behind one unit cost in one council, per year: the average
 * stock (people) or the total flow (events). */
typedef struct cc_activity_result {
  char series_id[CC_SERIES_ID_MAX];
  char unit_cost[CC_SCENARIO_NAME_MAX];
  int is_stock;
  cc_quantiles *baseline, *scenario; /* [years] */
} cc_activity_result;

typedef struct cc_lever_sensitivity {
  char name[CC_SCENARIO_NAME_MAX];
  double low, high;          /* the lever's range */
  double npv_low, npv_high;  /* mean NPV with the lever at each end, the others central */
  double swing;              /* |npv_high - npv_low| */
  double variance_share;     /* squared correlation of the lever's draws with the NPV */
} cc_lever_sensitivity;

typedef struct cc_scenario_result {
  char name[CC_SCENARIO_NAME_MAX];
  char forecast_run[CC_RUN_ID_MAX], model_run[CC_RUN_ID_MAX];
  size_t draws;
  int years;
  cc_period start;                    /* first financial year */
  size_t n_accounts;                  /* the last is the total */
  cc_account_result *accounts;
  size_t n_activities;
  cc_activity_result *activities;
  size_t n_levers;
  cc_lever_sensitivity *sensitivity;  /* largest swing first */
  double *npv_draws;                  /* [draws] total NPV of each draw */
} cc_scenario_result;

/* Run scenario s against store (read only here). CC_EINPUT naming the
 * scenario file, line and key when a series, model, state or run it names is
 * not there, or the forecast does not cover the appraisal. The caller frees
 * *out with cc_scenario_result_free. */
CC_MUST_CHECK cc_status cc_scenario_run(cc_store *store, const cc_scenario *s, const cc_scenario_options *options,
                                        cc_scenario_result **out, cc_error *err);

void cc_scenario_result_free(cc_scenario_result *r);

/* The result's tables as CSV (scenario_report.c). */
void cc_scenario_write_by_year(const cc_scenario_result *r, FILE *out);    /* money per account, year, measure */
void cc_scenario_write_summary(const cc_scenario_result *r, FILE *out);    /* NPV, ROI, payback per account */
void cc_scenario_write_demand(const cc_scenario_result *r, FILE *out);     /* demand per activity and year */
void cc_scenario_write_sensitivity(const cc_scenario_result *r, FILE *out);/* the tornado table */

/* A one-screen plain-text summary for a finance officer. */
void cc_scenario_write_text(const cc_scenario_result *r, FILE *out);

/* Several results side by side (carecast scenario --compare). */
void cc_scenario_write_comparison(cc_scenario_result *const *results, size_t n, FILE *out);

/* Store r (with the scenario's text) as a new run /scenarios/<run_id>;
 * run_id receives the id (CC_RUN_ID_MAX bytes). */
CC_MUST_CHECK cc_status cc_scenario_store(cc_store *store, const cc_scenario *s, const cc_scenario_result *r,
                                          const char *timestamp, char *run_id, cc_error *err);

#endif
