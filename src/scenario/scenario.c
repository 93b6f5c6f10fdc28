/* scenario.c: loading and checking scenario files (scenario.h). */
#include "carecast/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/config.h"
#include "carecast/file.h"
#include "carecast/finance.h"

#define SCENARIO_FILE_MAX_BYTES ((size_t)1 << 20)
#define LARGEST_FALL (-1.0)         /* a change cannot take away more than everything */
#define LARGEST_RISE 10.0           /* a tenfold rise is a typing error, not a lever */
#define LARGEST_RATE 1.0            /* discount, inflation and optimism bias are fractions */
#define LARGEST_RAMP 120            /* months */

static const char *const top_keys[] = {"name", "description", "baseline", "geographies", "price_base", "discount_rate",
                                       "optimism_bias", "levers", "unit_costs", "intervention_costs", NULL};
static const char *const baseline_keys[] = {"model", "run", "start", "years", NULL};
static const char *const lever_keys[] = {"name", "series", "transition", "unit_cost", "change", "low", "high",
                                         "distribution", "from", "ramp_months", "description", NULL};
static const char *const transition_keys[] = {"model", "from", "to", NULL};
static const char *const unit_cost_keys[] = {"name", "activity", "cost", "price_year", "per", "inflation", "organisation",
                                             "budget", "source", NULL};
static const char *const intervention_keys[] = {"name", "organisation", "budget", "setup", "running", "by_year",
                                                "price_year", "inflation", "description", NULL};

/* Budget lines per organisation: where a saving or a cost can fall. */
static const struct {
  const char *organisation;
  const char *budgets[6];
} budget_lines[] = {
    {"council", {"adult_social_care", "childrens_services", "public_health", "housing", NULL}},
    {"nhs", {"acute", "community", "mental_health", "primary_care", "continuing_healthcare", NULL}},
    {"police", {"safeguarding", "response", NULL}},
    {"fire_rescue", {"prevention", NULL}},
};

int cc_budget_line_known(const char *organisation, const char *budget) {
  for (size_t i = 0; i < sizeof budget_lines / sizeof *budget_lines; i++) {
    if (strcmp(budget_lines[i].organisation, organisation) != 0) continue;
    for (const char *const *b = budget_lines[i].budgets; *b; b++)
      if (strcmp(*b, budget) == 0) return 1;
  }
  return 0;
}

static int organisation_known(const char *organisation) {
  for (size_t i = 0; i < sizeof budget_lines / sizeof *budget_lines; i++)
    if (strcmp(budget_lines[i].organisation, organisation) == 0) return 1;
  return 0;
}

double cc_lever_effect(const cc_lever *lever, double effect, cc_period month) {
  int32_t since = cc_period_diff(lever->from, month);
  if (since < 0) return 0.0;
  if (lever->ramp_months <= 0 || since + 1 >= lever->ramp_months) return effect;
  return effect * (double)(since + 1) / (double)lever->ramp_months;
}

void cc_scenario_free(cc_scenario *s) {
  if (!s) return;
  free(s->path);
  free(s->text);
  free(s->geographies);
  free(s->levers);
  free(s->unit_costs);
  free(s->intervention_costs);
  free(s);
}

/* ---- reading fields ------------------------------------------------------ */


/* A number under key in [lo, hi]; *out = fallback when absent and not required. */
static cc_status number(cc_config_node map, const char *key, int required, double fallback, double lo, double hi,
                        double *out, cc_error *err) {
  const char *text;
  cc_status st = required ? cc_config_require_text(map, key, NULL, &text, err) : cc_config_optional_text(map, key, &text, err);
  if (st) return st;
  if (!text) {
    *out = fallback;
    return CC_OK;
  }
  char *end;
  double value = strtod(text, &end);
  cc_config_node node = cc_config_get(map, key);
  if (end == text || *end || !isfinite(value)) return cc_config_fail(node, key, err, "'%s' is not a number", text);
  if (value < lo || value > hi) return cc_config_fail(node, key, err, "%g is outside %g to %g", value, lo, hi);
  *out = value;
  return CC_OK;
}

/* A text under key copied into buf (len bytes); "" when absent and not required. */
static cc_status text_field(cc_config_node map, const char *key, int required, char *buf, size_t len, cc_error *err) {
  const char *text;
  cc_status st = required ? cc_config_require_text(map, key, NULL, &text, err) : cc_config_optional_text(map, key, &text, err);
  if (st) return st;
  if (!text) text = "";
  if (strlen(text) >= len) return cc_config_fail(cc_config_get(map, key), key, err, "'%.40s...' is too long", text);
  snprintf(buf, len, "%s", text);
  return CC_OK;
}

static cc_status period_field(cc_config_node map, const char *key, cc_freq freq, cc_period *out, cc_error *err) {
  const char *text;
  cc_status st = cc_config_require_text(map, key, NULL, &text, err);
  if (st) return st;
  cc_error inner;
  if (cc_period_parse(text, out, &inner) != CC_OK || out->freq != freq)
    return cc_config_fail(cc_config_get(map, key), key, err, "'%s' is not a %s", text,
              freq == CC_FREQ_MONTH ? "month (YYYY-MM)" : "financial year (YYYY/YY)");
  return CC_OK;
}

/* An optional financial year under key: *out = fallback when absent. */
static cc_status optional_fyear(cc_config_node map, const char *key, cc_period fallback, cc_period *out, cc_error *err) {
  *out = fallback;
  if (cc_config_get(map, key).id == 0) return CC_OK;
  return period_field(map, key, CC_FREQ_FYEAR, out, err);
}

static cc_status require_mapping(cc_config_node node, const char *key, cc_error *err) {
  if (cc_config_node_type(node) == CC_CONFIG_MAPPING) return CC_OK;
  return cc_config_fail(node, key, err, "must be a mapping of fields");
}

/* organisation and budget of a cost, checked against the known budget lines. */
static cc_status budget_fields(cc_config_node map, char *organisation, char *budget, cc_error *err) {
  cc_status st = text_field(map, "organisation", 1, organisation, CC_ORGANISATION_MAX, err);
  if (!st) st = text_field(map, "budget", 1, budget, CC_BUDGET_MAX, err);
  if (st) return st;
  if (!organisation_known(organisation))
    return cc_config_fail(cc_config_get(map, "organisation"), "organisation", err,
              "'%s' is not an organisation (council, nhs, police, fire_rescue)", organisation);
  if (!cc_budget_line_known(organisation, budget))
    return cc_config_fail(cc_config_get(map, "budget"), "budget", err, "'%s' is not a budget line of %s", budget, organisation);
  return CC_OK;
}

/* The items of an optional list under key: each a mapping. */
static cc_status list_of_mappings(cc_config_node root, const char *key, size_t *n, cc_error *err) {
  cc_config_node list = cc_config_get(root, key);
  *n = 0;
  if (list.id == 0) return CC_OK;
  if (cc_config_node_type(list) != CC_CONFIG_SEQUENCE) return cc_config_fail(list, key, err, "must be a list");
  *n = cc_config_length(list);
  if (*n > CC_SCENARIO_MAX_ITEMS) return cc_config_fail(list, key, err, "more than %d entries", CC_SCENARIO_MAX_ITEMS);
  for (size_t i = 0; i < *n; i++) {
    cc_status st = require_mapping(cc_config_item(list, i), key, err);
    if (st) return st;
  }
  return CC_OK;
}

/* ---- the parts of a scenario --------------------------------------------- */

static cc_status read_baseline(cc_config_node root, cc_scenario *s, cc_error *err) {
  cc_config_node b = cc_config_get(root, "baseline");
  if (b.id == 0) return cc_config_fail(root, "baseline", err, "required field missing");
  cc_status st = require_mapping(b, "baseline", err);
  if (!st) st = cc_config_check_keys(b, baseline_keys, "baseline", err);
  if (!st) st = text_field(b, "model", 0, s->baseline_model, sizeof s->baseline_model, err);
  if (!st) st = text_field(b, "run", 0, s->baseline_run, sizeof s->baseline_run, err);
  if (!st && !s->baseline_model[0] == !s->baseline_run[0])
    st = cc_config_fail(b, "baseline", err, "give either the demand model (model:) or the forecast run (run:) the scenario starts from");
  if (!st) st = period_field(b, "start", CC_FREQ_FYEAR, &s->start, err);
  double years = 0;
  if (!st) st = number(b, "years", 1, 0, 1, CC_SCENARIO_MAX_YEARS, &years, err);
  if (!st && years != floor(years)) st = cc_config_fail(cc_config_get(b, "years"), "years", err, "must be a whole number of years");
  s->years = (int)years;
  return st;
}

static cc_status read_geographies(cc_config_node root, cc_scenario *s, cc_error *err) {
  cc_config_node list = cc_config_get(root, "geographies");
  if (list.id == 0) return cc_config_fail(root, "geographies", err, "required field missing");
  if (cc_config_node_type(list) != CC_CONFIG_SEQUENCE || cc_config_length(list) == 0)
    return cc_config_fail(list, "geographies", err, "must be a list of at least one council code");
  size_t n = cc_config_length(list);
  if (n > CC_SCENARIO_MAX_GEOGRAPHIES) return cc_config_fail(list, "geographies", err, "too many councils");
  if (!(s->geographies = calloc(n, sizeof *s->geographies))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < n; i++) {
    cc_config_node item = cc_config_item(list, i);
    const char *code = cc_config_scalar(item);
    if (!code || !*code || strlen(code) >= CC_GEOGRAPHY_MAX) return cc_config_fail(item, "geographies", err, "each entry must be a council code");
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->geographies[j], code) == 0) return cc_config_fail(item, "geographies", err, "'%s' is listed twice", code);
    snprintf(s->geographies[i], CC_GEOGRAPHY_MAX, "%s", code);
    s->n_geographies = i + 1;
  }
  return CC_OK;
}

static cc_status read_lever(cc_config_node map, cc_lever *l, cc_error *err) {
  l->line = cc_config_node_line(map);
  cc_status st = cc_config_check_keys(map, lever_keys, "a lever", err);
  if (!st) st = text_field(map, "name", 1, l->name, sizeof l->name, err);
  if (st) return st;
  int targets = (cc_config_get(map, "series").id != 0) + (cc_config_get(map, "transition").id != 0) +
                (cc_config_get(map, "unit_cost").id != 0);
  if (targets != 1) return cc_config_fail(map, l->name, err, "lever %s must act on exactly one of series, transition or unit_cost", l->name);
  if (cc_config_get(map, "series").id) {
    l->target = CC_LEVER_SERIES;
    st = text_field(map, "series", 1, l->series, sizeof l->series, err);
  } else if (cc_config_get(map, "unit_cost").id) {
    l->target = CC_LEVER_UNIT_COST;
    st = text_field(map, "unit_cost", 1, l->unit_cost, sizeof l->unit_cost, err);
  } else {
    l->target = CC_LEVER_TRANSITION;
    cc_config_node t = cc_config_get(map, "transition");
    st = require_mapping(t, "transition", err);
    if (!st) st = cc_config_check_keys(t, transition_keys, "transition", err);
    if (!st) st = text_field(t, "model", 1, l->model, sizeof l->model, err);
    if (!st) st = text_field(t, "from", 1, l->from_state, sizeof l->from_state, err);
    if (!st) st = text_field(t, "to", 1, l->to_state, sizeof l->to_state, err);
    if (!st && strcmp(l->from_state, l->to_state) == 0)
      st = cc_config_fail(t, "transition", err, "from and to are the same state: a lever changes a move between two states");
  }
  if (!st) st = number(map, "change", 1, 0, LARGEST_FALL, LARGEST_RISE, &l->change, err);
  char distribution[16];
  if (!st) st = text_field(map, "distribution", 0, distribution, sizeof distribution, err);
  if (st) return st;
  if (!distribution[0] || strcmp(distribution, "triangular") == 0) l->distribution = CC_DISTRIBUTION_TRIANGULAR;
  else if (strcmp(distribution, "uniform") == 0) l->distribution = CC_DISTRIBUTION_UNIFORM;
  else if (strcmp(distribution, "fixed") == 0) l->distribution = CC_DISTRIBUTION_FIXED;
  else return cc_config_fail(cc_config_get(map, "distribution"), "distribution", err, "'%s' is not triangular, uniform or fixed", distribution);
  int ranged = l->distribution != CC_DISTRIBUTION_FIXED;
  st = number(map, "low", ranged, l->change, LARGEST_FALL, LARGEST_RISE, &l->low, err);
  if (!st) st = number(map, "high", ranged, l->change, LARGEST_FALL, LARGEST_RISE, &l->high, err);
  if (st) return st;
  if (!(l->low <= l->change && l->change <= l->high))
    return cc_config_fail(cc_config_get(map, ranged ? "low" : "change"), ranged ? "low" : "change", err,
              "the range is impossible: low %g, change %g, high %g must be in increasing order", l->low, l->change, l->high);
  if (ranged && l->low == l->high)
    return cc_config_fail(cc_config_get(map, "low"), "low", err, "low and high are equal: use distribution: fixed");
  st = period_field(map, "from", CC_FREQ_MONTH, &l->from, err);
  double ramp = 0;
  if (!st) st = number(map, "ramp_months", 0, 0, 0, LARGEST_RAMP, &ramp, err);
  if (!st && ramp != floor(ramp)) st = cc_config_fail(cc_config_get(map, "ramp_months"), "ramp_months", err, "must be a whole number");
  l->ramp_months = (int)ramp;
  return st;
}

static cc_status read_unit_cost(cc_config_node map, cc_period price_base, cc_unit_cost *u, cc_error *err) {
  u->line = cc_config_node_line(map);
  char per[8];
  cc_status st = cc_config_check_keys(map, unit_cost_keys, "a unit cost", err);
  if (!st) st = text_field(map, "name", 1, u->name, sizeof u->name, err);
  if (!st) st = text_field(map, "activity", 1, u->activity, sizeof u->activity, err);
  if (!st) st = number(map, "cost", 1, 0, 0, HUGE_VAL, &u->cost, err);
  if (!st) st = optional_fyear(map, "price_year", price_base, &u->price_year, err);
  if (!st) st = text_field(map, "per", 1, per, sizeof per, err);
  if (!st) {
    if (strcmp(per, "week") == 0) u->per = CC_PER_WEEK;
    else if (strcmp(per, "event") == 0) u->per = CC_PER_EVENT;
    else if (strcmp(per, "year") == 0) u->per = CC_PER_YEAR;
    else st = cc_config_fail(cc_config_get(map, "per"), "per", err, "'%s' is not week, event or year", per);
  }
  if (!st) st = number(map, "inflation", 0, 0, -LARGEST_RATE, LARGEST_RATE, &u->inflation, err);
  if (!st) st = budget_fields(map, u->organisation, u->budget, err);
  if (!st) st = text_field(map, "source", 1, u->source, sizeof u->source, err);
  return st;
}

/* by_year: a mapping of financial years (within the appraisal) to amounts. */
static cc_status read_by_year(cc_config_node map, const cc_scenario *s, cc_intervention_cost *c, cc_error *err) {
  cc_config_node years = cc_config_get(map, "by_year");
  if (years.id == 0) return CC_OK;
  if (cc_config_node_type(years) != CC_CONFIG_MAPPING)
    return cc_config_fail(years, "by_year", err, "must map financial years (2025/26) to amounts");
  for (size_t i = 0; i < cc_config_length(years); i++) {
    const char *year_text = cc_config_key_at(years, i);
    cc_config_node value = cc_config_value_at(years, i);
    cc_period year;
    cc_error inner;
    if (!year_text || cc_period_parse(year_text, &year, &inner) != CC_OK || year.freq != CC_FREQ_FYEAR)
      return cc_config_fail(value, "by_year", err, "'%s' is not a financial year (YYYY/YY)", year_text ? year_text : "");
    int32_t y = year.index - s->start.index;
    if (y < 0 || y >= s->years)
      return cc_config_fail(value, "by_year", err, "%s is outside the appraisal (%d years from the baseline's start)", year_text,
                            s->years);
    const char *amount_text = cc_config_scalar(value);
    char *end = NULL;
    double amount = amount_text ? strtod(amount_text, &end) : NAN;
    if (!amount_text || end == amount_text || *end || !(amount >= 0.0) || isinf(amount))
      return cc_config_fail(value, "by_year", err, "the amount for %s is not a non-negative number", year_text);
    c->by_year[y] += amount;
  }
  return CC_OK;
}

static cc_status read_intervention(cc_config_node map, const cc_scenario *s, cc_intervention_cost *c, cc_error *err) {
  c->line = cc_config_node_line(map);
  cc_status st = cc_config_check_keys(map, intervention_keys, "an intervention cost", err);
  if (!st) st = text_field(map, "name", 1, c->name, sizeof c->name, err);
  if (!st) st = budget_fields(map, c->organisation, c->budget, err);
  if (!st) st = number(map, "setup", 0, 0, 0, HUGE_VAL, &c->setup, err);
  if (!st) st = number(map, "running", 0, 0, 0, HUGE_VAL, &c->running, err);
  if (!st) st = read_by_year(map, s, c, err);
  if (!st) st = optional_fyear(map, "price_year", s->price_base, &c->price_year, err);
  if (!st) st = number(map, "inflation", 0, 0, -LARGEST_RATE, LARGEST_RATE, &c->inflation, err);
  double any = c->setup + c->running;
  for (int y = 0; y < CC_SCENARIO_MAX_YEARS; y++) any += c->by_year[y];
  if (!st && any == 0)
    st = cc_config_fail(map, c->name, err, "intervention cost %s has no set-up, running or by-year cost", c->name);
  return st;
}

/* Names must be unique within each list; a lever on a unit cost must name one listed. */
static cc_status check_names(cc_config_node root, const cc_scenario *s, cc_error *err) {
  for (size_t i = 0; i < s->n_levers; i++) {
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->levers[i].name, s->levers[j].name) == 0)
        return cc_error_set(err, CC_EINPUT, s->path, s->levers[i].line, "name", "lever '%s' is named twice", s->levers[i].name);
    if (s->levers[i].target != CC_LEVER_UNIT_COST) continue;
    int found = 0;
    for (size_t u = 0; u < s->n_unit_costs; u++) found |= strcmp(s->unit_costs[u].name, s->levers[i].unit_cost) == 0;
    if (!found)
      return cc_error_set(err, CC_EINPUT, s->path, s->levers[i].line, "unit_cost", "lever '%s' acts on unit cost '%s', which is not listed",
                          s->levers[i].name, s->levers[i].unit_cost);
  }
  for (size_t i = 0; i < s->n_unit_costs; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->unit_costs[i].name, s->unit_costs[j].name) == 0)
        return cc_error_set(err, CC_EINPUT, s->path, s->unit_costs[i].line, "name", "unit cost '%s' is named twice", s->unit_costs[i].name);
  for (size_t i = 0; i < s->n_intervention_costs; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->intervention_costs[i].name, s->intervention_costs[j].name) == 0)
        return cc_error_set(err, CC_EINPUT, s->path, s->intervention_costs[i].line, "name", "intervention cost '%s' is named twice",
                            s->intervention_costs[i].name);
  if (s->n_unit_costs == 0) return cc_config_fail(root, "unit_costs", err, "a scenario needs at least one unit cost to put a price on demand");
  return CC_OK;
}

cc_status cc_scenario_parse(const char *text, size_t len, const char *name, cc_scenario **out, cc_error *err) {
  *out = NULL;
  cc_config *doc = NULL;
  cc_status st = cc_config_parse(text, len, name, &doc, err);
  if (st) return st;
  cc_scenario *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(name)) || !(s->text = strndup(text, len)))
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_config_node root = cc_config_root(doc);
  if (!st) st = require_mapping(root, "name", err);
  if (!st) st = cc_config_check_keys(root, top_keys, NULL, err);
  if (!st) st = text_field(root, "name", 1, s->name, sizeof s->name, err);
  if (!st) st = text_field(root, "description", 0, s->description, sizeof s->description, err);
  if (!st) st = read_baseline(root, s, err);
  if (!st) st = read_geographies(root, s, err);
  if (!st) st = period_field(root, "price_base", CC_FREQ_FYEAR, &s->price_base, err);
  if (!st) st = number(root, "discount_rate", 0, CC_GREEN_BOOK_RATE, 0, LARGEST_RATE, &s->discount_rate, err);
  if (!st) st = number(root, "optimism_bias", 0, 0, 0, LARGEST_RISE, &s->optimism_bias, err);
  if (!st) st = list_of_mappings(root, "levers", &s->n_levers, err);
  if (!st) st = list_of_mappings(root, "unit_costs", &s->n_unit_costs, err);
  if (!st) st = list_of_mappings(root, "intervention_costs", &s->n_intervention_costs, err);
  if (!st) {
    s->levers = calloc(s->n_levers ? s->n_levers : 1, sizeof *s->levers);
    s->unit_costs = calloc(s->n_unit_costs ? s->n_unit_costs : 1, sizeof *s->unit_costs);
    s->intervention_costs = calloc(s->n_intervention_costs ? s->n_intervention_costs : 1, sizeof *s->intervention_costs);
    if (!s->levers || !s->unit_costs || !s->intervention_costs) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t i = 0; !st && i < s->n_levers; i++) st = read_lever(cc_config_item(cc_config_get(root, "levers"), i), &s->levers[i], err);
  for (size_t i = 0; !st && i < s->n_unit_costs; i++)
    st = read_unit_cost(cc_config_item(cc_config_get(root, "unit_costs"), i), s->price_base, &s->unit_costs[i], err);
  for (size_t i = 0; !st && i < s->n_intervention_costs; i++)
    st = read_intervention(cc_config_item(cc_config_get(root, "intervention_costs"), i), s, &s->intervention_costs[i], err);
  if (!st) st = check_names(root, s, err);
  cc_config_free(doc);
  if (st) {
    cc_scenario_free(s);
    return st;
  }
  *out = s;
  return CC_OK;
}

cc_status cc_scenario_load(const char *path, cc_scenario **out, cc_error *err) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  cc_status st = cc_file_read(path, SCENARIO_FILE_MAX_BYTES, &text, &len, err);
  if (st) return st;
  st = cc_scenario_parse(text, len, path, out, err);
  free(text);
  return st;
}
