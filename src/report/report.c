/* report.c: the HTML report (report.h): which series and scenario runs it
 * shows, the page's order and its table of contents. The sections
 * themselves are written by report_series.c and report_scenario.c. */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/html.h"
#include "carecast/numfmt.h"
#include "report_internal.h"

const report_service report_services[REPORT_SERVICES] = {
    {"asc_", "adult-social-care", "Adult social care"},
    {"cs_", "childrens-services", "Children's services"},
    {"nhs_", "nhs", "NHS"},
    {"police_", "police", "Police"},
    {NULL, "other", "Other series"},
};

#define SERVICE_OTHER (REPORT_SERVICES - 1)

void cc_report_options_default(cc_report_options *options) {
  memset(options, 0, sizeof *options);
  cc_disclosure_none(&options->disclosure);
  options->series_max = CC_REPORT_SERIES_MAX;
  options->per_service = CC_REPORT_SERIES_PER_SERVICE;
  options->backtest = 1;
}

static int service_of(const char *series_id) {
  for (int i = 0; i < SERVICE_OTHER; i++)
    if (strncmp(series_id, report_services[i].prefix, strlen(report_services[i].prefix)) == 0) return i;
  return SERVICE_OTHER;
}

void report_series_title(const report *r, const report_series *s, char *buf, size_t len) {
  char measure[CC_MEASURE_MAX], geography[CC_GEOGRAPHY_MAX], age_band[CC_AGE_BAND_MAX];
  cc_error ignored;
  if (cc_series_split_id(s->id, measure, geography, age_band, &ignored) != CC_OK) {
    snprintf(buf, len, "%s", s->id);
    return;
  }
  const cc_geo_area *area = r->options->places ? cc_geo_find(r->options->places, geography) : NULL;
  if (area) snprintf(buf, len, "%s, %s (%s), %s", measure, area->name, geography, age_band);
  else snprintf(buf, len, "%s, %s, %s", measure, geography, age_band);
}

void report_series_anchor(size_t i, char *buf, size_t len) { snprintf(buf, len, "series-%zu", i + 1); }

char *report_count_text(const report *r, const char *series_id, const char *table, const char *period,
                        cc_count_origin origin, double value, char *buf, size_t len) {
  cc_published_count count = {series_id, table, period, origin, value};
  double shown = cc_report_publish_count(&r->options->disclosure, &count);
  if (isnan(shown) && !isnan(value)) snprintf(buf, len, "%s", r->options->disclosure.suppressed_text);
  else cc_numfmt_count(shown, buf, len);
  return buf;
}

int report_year_withheld(const report *r, const report_series *s, cc_period year) {
  if (!s->history || s->history->freq == year.freq) return 0;
  for (size_t i = 0; i < s->n_history; i++) {
    cc_period slot = cc_series_period(s->history, i), within;
    cc_error ignored;
    if (cc_period_convert(slot, year.freq, &within, &ignored) != CC_OK || within.index != year.index) continue;
    double value = s->history->values[i];
    if (isnan(value)) continue;
    char period[CC_PERIOD_TEXT_MAX];
    cc_published_count count = {s->id, "history", cc_period_format(slot, period, sizeof period), CC_COUNT_OBSERVED, value};
    if (isnan(cc_report_publish_count(&r->options->disclosure, &count))) return 1;
  }
  return 0;
}

char *report_year_text(const report *r, const report_series *s, const char *table, const report_year *y, double value,
                       char *buf, size_t len) {
  char year[CC_PERIOD_TEXT_MAX];
  cc_period_format(y->year, year, sizeof year);
  if (!y->modelled && !isnan(value) && report_year_withheld(r, s, y->year)) {
    snprintf(buf, len, "%s", r->options->disclosure.suppressed_text);
    return buf;
  }
  return report_count_text(r, s->id, table, year, y->modelled ? CC_COUNT_MODELLED : CC_COUNT_OBSERVED, value, buf, len);
}

/* ---- choosing the series ---------------------------------------------------- */

/* A candidate: a series id and the newest forecast run holding it. */
typedef struct candidate {
  char id[CC_SERIES_ID_MAX];
  char run[CC_RUN_ID_MAX];
  char demand_model[CC_MEASURE_MAX];
  int service;
} candidate;

typedef struct candidate_list {
  candidate *items;
  size_t n, cap;
} candidate_list;

static candidate *find_candidate(candidate_list *list, const char *id) {
  for (size_t i = 0; i < list->n; i++)
    if (strcmp(list->items[i].id, id) == 0) return &list->items[i];
  return NULL;
}

static cc_status add_candidate(candidate_list *list, const char *id, const char *run, cc_error *err) {
  if (find_candidate(list, id)) return CC_OK;
  if (list->n == list->cap) {
    size_t cap = list->cap ? 2 * list->cap : 64;
    candidate *grown = realloc(list->items, cap * sizeof *grown);
    if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    list->items = grown;
    list->cap = cap;
  }
  candidate *c = &list->items[list->n++];
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "%s", id);
  snprintf(c->run, sizeof c->run, "%s", run);
  c->service = service_of(id);
  return CC_OK;
}

/* Every forecast series with its newest run, newest runs first; the demand
 * models' outputs (of each run's fit run) marked. */
static cc_status gather_candidates(cc_store *store, candidate_list *list, cc_error *err) {
  char **runs = NULL;
  size_t n_runs = 0;
  cc_status st = cc_store_run_ids(store, "forecasts", &runs, &n_runs, err);
  if (!st && n_runs == 0)
    st = cc_error_set(err, CC_EINPUT, cc_store_path(store), 0, "forecasts",
                      "the store has no forecasts: run carecast fit and carecast forecast first");
  for (size_t k = n_runs; !st && k-- > 0;) {
    char **ids = NULL;
    size_t n_ids = 0;
    st = cc_store_run_series(store, "forecasts", runs[k], &ids, &n_ids, err);
    for (size_t i = 0; !st && i < n_ids; i++) st = add_candidate(list, ids[i], runs[k], err);
    cc_store_free_names(ids, n_ids);
    char model_run[CC_RUN_ID_MAX];
    int found = 0;
    if (!st) st = cc_store_run_attribute(store, "forecasts", runs[k], "model_run", model_run, sizeof model_run, &found, err);
    if (st || !found) continue;
    char **keys = NULL;
    size_t n_keys = 0;
    st = cc_store_demand_list(store, model_run, &keys, &n_keys, err);
    for (size_t i = 0; !st && i < n_keys; i++) {
      cc_demand_record *d = NULL;
      st = cc_store_demand_read(store, model_run, keys[i], &d, err);
      for (size_t p = 0; !st && p < d->n_parts; p++) {
        candidate *c = find_candidate(list, d->output_ids[p]);
        if (c && strcmp(c->run, runs[k]) == 0 && !c->demand_model[0])
          snprintf(c->demand_model, sizeof c->demand_model, "%s", d->name);
      }
      cc_demand_record_free(d);
    }
    cc_store_free_names(keys, n_keys);
  }
  cc_store_free_names(runs, n_runs);
  return st;
}

static int matches_globs(const cc_report_options *o, const char *id) {
  for (size_t g = 0; g < o->n_series_globs; g++)
    if (fnmatch(o->series_globs[g], id, 0) == 0) return 1;
  return 0;
}

/* 1 when the default choice may show the series: a count series of a service. */
static int default_candidate(cc_store *store, const candidate *c) {
  if (c->demand_model[0]) return 1;
  if (c->service == SERVICE_OTHER) return 0;
  cc_series *s = NULL;
  cc_error ignored;
  if (cc_store_series_read(store, c->id, &s, &ignored) != CC_OK) return 0;
  int count = s->kind == CC_KIND_FLOW || s->kind == CC_KIND_STOCK;
  cc_series_free(s);
  return count;
}

static int compare_candidates(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  if (x->service != y->service) return x->service - y->service;
  int xd = x->demand_model[0] != 0, yd = y->demand_model[0] != 0;
  if (xd != yd) return yd - xd; /* demand models' outputs first */
  return strcmp(x->id, y->id);
}

static cc_status choose_series(report *r, cc_error *err) {
  const cc_report_options *o = r->options;
  candidate_list list = {0};
  cc_status st = gather_candidates(r->store, &list, err);
  size_t kept = 0, per_service[REPORT_SERVICES] = {0};
  if (!st) qsort(list.items, list.n, sizeof *list.items, compare_candidates);
  for (size_t i = 0; !st && i < list.n; i++) {
    candidate *c = &list.items[i];
    int wanted = o->n_series_globs ? matches_globs(o, c->id)
                                   : default_candidate(r->store, c) && per_service[c->service] < o->per_service;
    if (!wanted) continue;
    per_service[c->service]++;
    if (kept == o->series_max) {
      r->left_out++;
      continue;
    }
    list.items[kept++] = *c;
  }
  if (!st && kept == 0)
    st = cc_error_set(err, CC_EINPUT, cc_store_path(r->store), 0, "series",
                      o->n_series_globs ? "no forecast series matches the --series patterns"
                                        : "no forecast series of a service to report");
  if (!st && !(r->series = calloc(kept, sizeof *r->series))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !st && i < kept; i++) {
    report_series *s = &r->series[i];
    snprintf(s->id, sizeof s->id, "%s", list.items[i].id);
    snprintf(s->run, sizeof s->run, "%s", list.items[i].run);
    snprintf(s->demand_model, sizeof s->demand_model, "%s", list.items[i].demand_model);
    s->service = list.items[i].service;
    r->n_series++;
    int found = 0;
    st = cc_store_run_attribute(r->store, "forecasts", s->run, "model_run", s->model_run, sizeof s->model_run, &found, err);
    if (!st && !found) s->model_run[0] = '\0';
    if (!st) st = report_series_load(r, s, err);
  }
  free(list.items);
  return st;
}

/* ---- choosing the scenario runs ---------------------------------------------- */

static cc_status choose_scenarios(report *r, cc_error *err) {
  const cc_report_options *o = r->options;
  char **runs = NULL;
  size_t n_runs = 0;
  cc_status st = cc_store_run_ids(r->store, "scenarios", &runs, &n_runs, err);
  size_t wanted = o->n_scenario_runs ? o->n_scenario_runs : n_runs;
  if (!st && !(r->scenario_runs = calloc(wanted ? wanted : 1, sizeof *r->scenario_runs)))
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !st && i < o->n_scenario_runs; i++) {
    if (!cc_store_run_exists(r->store, "scenarios", o->scenario_runs[i]))
      st = cc_error_set(err, CC_EINPUT, cc_store_path(r->store), 0, "scenario",
                        "no scenario run '%s' in the store (carecast report --help says how to list them)",
                        o->scenario_runs[i]);
    else snprintf(r->scenario_runs[r->n_scenarios++], CC_RUN_ID_MAX, "%s", o->scenario_runs[i]);
  }
  /* By default the newest run of each scenario name, in the order they were run. */
  char (*names)[CC_RUN_ID_MAX * 2] = NULL;
  if (!st && !o->n_scenario_runs && n_runs && !(names = calloc(n_runs, sizeof *names)))
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t k = 0; !st && !o->n_scenario_runs && k < n_runs; k++) {
    int found = 0;
    st = cc_store_run_attribute(r->store, "scenarios", runs[k], "name", names[k], sizeof names[k], &found, err);
    if (!st && !found) snprintf(names[k], sizeof names[k], "%s", runs[k]);
  }
  for (size_t k = 0; !st && !o->n_scenario_runs && k < n_runs; k++) {
    int newer = 0;
    for (size_t j = k + 1; j < n_runs; j++) newer |= strcmp(names[j], names[k]) == 0;
    if (newer) continue;
    snprintf(r->scenario_runs[r->n_scenarios++], CC_RUN_ID_MAX, "%s", runs[k]);
  }
  free(names);
  cc_store_free_names(runs, n_runs);
  return st;
}

/* ---- the page --------------------------------------------------------------- */

static void write_toc(report *r) {
  size_t n = 6 + r->n_scenarios;
  cc_html_toc_entry *entries = calloc(n, sizeof *entries);
  char (*ids)[32] = calloc(r->n_scenarios ? r->n_scenarios : 1, sizeof *ids);
  char (*titles)[CC_RUN_ID_MAX + 32] = calloc(r->n_scenarios ? r->n_scenarios : 1, sizeof *titles);
  if (!entries || !ids || !titles) {
    free(entries), free(ids), free(titles);
    return; /* a page without contents is still a page; the writer reports the memory failure later */
  }
  size_t k = 0;
  entries[k++] = (cc_html_toc_entry){"summary", "Summary: demand by service", 1};
  entries[k++] = (cc_html_toc_entry){"forecasts", "Forecasts by series (fan charts and years)", 1};
  entries[k++] = (cc_html_toc_entry){"quality", "Data quality", 1};
  entries[k++] = (cc_html_toc_entry){"diagnostics", "Model diagnostics (for analysts)", 1};
  if (r->n_scenarios) entries[k++] = (cc_html_toc_entry){"scenarios", "Scenarios: savings, NPV and payback", 1};
  for (size_t i = 0; i < r->n_scenarios; i++) {
    snprintf(ids[i], sizeof ids[i], "scenario-%zu", i + 1);
    char name[CC_RUN_ID_MAX];
    int found = 0;
    cc_error ignored;
    if (cc_store_run_attribute(r->store, "scenarios", r->scenario_runs[i], "name", name, sizeof name, &found, &ignored) ||
        !found)
      snprintf(name, sizeof name, "%s", r->scenario_runs[i]);
    snprintf(titles[i], sizeof titles[i], "%s (run %s)", name, r->scenario_runs[i]);
    entries[k++] = (cc_html_toc_entry){ids[i], titles[i], 2};
  }
  entries[k++] = (cc_html_toc_entry){"about", "About this report", 1};
  cc_html_toc(r->out, k, entries);
  free(entries);
  free(ids);
  free(titles);
}

static void write_about(report *r) {
  FILE *out = r->out;
  char text[1024];
  cc_html_section_begin(out, "about", "About this report");
  cc_html_paragraph(out, NULL,
                    "Forecasts are carecast's: each series' model was chosen and fitted automatically (or is a "
                    "cohort or stock-and-flow demand model), and its forecast simulated as sample paths. The fan "
                    "charts' bands and the tables' intervals are quantiles of those paths, so yearly totals carry "
                    "the uncertainty of every month in them. Counts are never forecast below zero.");
  snprintf(text, sizeof text, "Disclosure control of the counts shown: %s.", r->options->disclosure.name);
  cc_html_paragraph(out, NULL, text);
  if (r->left_out) {
    snprintf(text, sizeof text, "%zu further series matched but were left out (at most %zu are shown); choose "
                                "them with carecast report --series.", r->left_out, r->options->series_max);
    cc_html_paragraph(out, "note", text);
  }
  cc_html_paragraph(out, "note",
                    "Money is in cash terms unless a table says it is discounted (net present values use the "
                    "scenario's discount rate, HM Treasury Green Book 3.5% by default). Financial years run April "
                    "to March.");
  cc_html_section_end(out);
}

static void free_report(report *r) {
  for (size_t i = 0; i < r->n_series; i++) report_series_clear(&r->series[i]);
  free(r->series);
  free(r->scenario_runs);
}

cc_status cc_report_write(cc_store *store, const cc_report_options *options, FILE *out, cc_report_summary *summary,
                          cc_error *err) {
  report r = {.store = store, .options = options, .out = out};
  cc_status st = choose_scenarios(&r, err);
  if (!st) st = choose_series(&r, err);
  if (st) {
    free_report(&r);
    return st;
  }
  char subtitle[1024];
  snprintf(subtitle, sizeof subtitle, "Store %s%s%s. %zu series, %zu scenario run%s.",
           options->store_label ? options->store_label : cc_store_path(store), options->created_at ? ", written " : "",
           options->created_at ? options->created_at : "", r.n_series, r.n_scenarios, r.n_scenarios == 1 ? "" : "s");
  cc_html_page page = {"carecast report: demand and savings", subtitle, options->internal};
  cc_html_begin(out, &page);
  write_toc(&r);
  st = report_write_summary(&r, err);
  if (!st) st = report_write_forecasts(&r, err);
  if (!st) st = report_write_quality(&r, err);
  if (!st) report_write_diagnostics(&r);
  if (!st && r.n_scenarios) {
    cc_html_section_begin(out, "scenarios", "Scenarios: savings, NPV and payback");
    for (size_t i = 0; !st && i < r.n_scenarios; i++) st = report_write_scenario(&r, r.scenario_runs[i], err);
    cc_html_section_end(out);
  }
  if (!st) {
    write_about(&r);
    cc_html_end(out, &page);
  }
  if (summary) {
    summary->series_shown = r.n_series;
    summary->series_left_out = r.left_out;
    summary->scenarios_shown = r.n_scenarios;
    summary->charts = r.charts;
    summary->backtests = r.backtests;
  }
  free_report(&r);
  return st;
}
