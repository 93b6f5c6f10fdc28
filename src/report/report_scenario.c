/* report_scenario.c: one scenario run in the report -- its net present
 * value, return and payback by organisation, savings by year with P10 to
 * P90 (table and bar chart), the tornado chart of its levers and the demand
 * behind its costs. Everything is read from the run's stored tables
 * (/scenarios/<run_id>: summary, by_year, sensitivity, demand), never
 * recomputed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/csvfile.h"
#include "carecast/html.h"
#include "carecast/numfmt.h"
#include "report_internal.h"

#define TEXT_MAX 128 /* a cell of a stored table */

/* A stored CSV table: a header and rows of text cells. */
typedef struct text_table {
  size_t n_columns, n_rows, cap;
  char (*header)[TEXT_MAX];
  char (*cells)[TEXT_MAX]; /* n_rows x n_columns */
} text_table;

typedef struct table_context {
  text_table *t;
  const char *name;
  cc_status status; /* what the last row gave */
  cc_error *err;
} table_context;

/* One row as take_row sees it. */
typedef struct csv_row {
  long line;
  size_t n_fields;
  const char *const *fields;
} csv_row;

static cc_status take_row(const csv_row *row, table_context *c, cc_error *err) {
  text_table *t = c->t;
  if (!t->header) {
    t->n_columns = row->n_fields;
    if (!(t->header = calloc(row->n_fields ? row->n_fields : 1, sizeof *t->header)))
      return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    for (size_t i = 0; i < row->n_fields; i++) snprintf(t->header[i], TEXT_MAX, "%s", row->fields[i]);
    return CC_OK;
  }
  if (row->n_fields != t->n_columns)
    return cc_error_set(err, CC_EINPUT, NULL, row->line, c->name, "a row of %zu fields, the header has %zu", row->n_fields,
                        t->n_columns);
  if (t->n_rows == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    void *grown = realloc(t->cells, cap * t->n_columns * sizeof *t->cells);
    if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    t->cells = grown;
    t->cap = cap;
  }
  for (size_t i = 0; i < row->n_fields; i++) snprintf(t->cells[t->n_rows * t->n_columns + i], TEXT_MAX, "%s", row->fields[i]);
  t->n_rows++;
  return CC_OK;
}

/* csvfile.h's row callback: a status other than CC_OK stops the parse. */
static int on_row(const char *const *fields, size_t n_fields, long line, void *context) {
  table_context *c = context;
  csv_row row = {line, n_fields, fields};
  c->status = take_row(&row, c, c->err);
  return c->status != CC_OK;
}

static void table_free(text_table *t) {
  free(t->header);
  free(t->cells);
  memset(t, 0, sizeof *t);
}

/* Read table `name` of the run and check it has the columns in required (NULL-terminated). */
static cc_status table_read(report *r, const char *run_id, const char *name, const char *const *required, text_table *t,
                            cc_error *err) {
  memset(t, 0, sizeof *t);
  char *csv = NULL;
  cc_status st = cc_store_scenario_table_read(r->store, run_id, name, &csv, err);
  table_context context = {t, name, CC_OK, err};
  if (!st) st = cc_csv_parse(cc_store_path(r->store), csv, strlen(csv), on_row, &context, err);
  if (!st) st = context.status;
  free(csv);
  for (size_t k = 0; !st && required[k]; k++) {
    int found = 0;
    for (size_t i = 0; i < t->n_columns; i++) found |= strcmp(t->header[i], required[k]) == 0;
    if (!found)
      st = cc_error_set(err, CC_EINPUT, cc_store_path(r->store), 0, name,
                        "table '%s' of scenario run %s has no column '%s'", name, run_id, required[k]);
  }
  if (st) table_free(t);
  return st;
}

static const char *cell(const text_table *t, size_t row, const char *column) {
  for (size_t i = 0; i < t->n_columns; i++)
    if (strcmp(t->header[i], column) == 0) return t->cells[row * t->n_columns + i];
  return "";
}

/* A number of a cell: "inf", "nan" and empty read as infinity and NaN. */
static double number(const text_table *t, size_t row, const char *column) {
  const char *text = cell(t, row, column);
  if (!*text) return NAN;
  char *end;
  double v = strtod(text, &end);
  return *end ? NAN : v;
}

/* "£1.23m (£0.85m to £1.50m)" */
static void money_interval(double p50, double p10, double p90, char *buf, size_t len) {
  char a[CC_NUMFMT_MAX], b[CC_NUMFMT_MAX], c[CC_NUMFMT_MAX];
  if (isfinite(p10) && isfinite(p90) && (p10 != p50 || p90 != p50))
    snprintf(buf, len, "%s (%s to %s)", cc_numfmt_money(p50, a, sizeof a), cc_numfmt_money(p10, b, sizeof b),
             cc_numfmt_money(p90, c, sizeof c));
  else snprintf(buf, len, "%s", cc_numfmt_money(p50, a, sizeof a));
}

static void payback_text(double years, char *buf, size_t len) {
  if (isnan(years) || isinf(years)) snprintf(buf, len, "not within the appraisal");
  else snprintf(buf, len, "%.1f years", years);
}

/* The row of `measure` for organisation/budget in the summary table, or -1. */
static long summary_row(const text_table *t, const char *organisation, const char *budget, const char *measure) {
  for (size_t i = 0; i < t->n_rows; i++)
    if (!strcmp(cell(t, i, "organisation"), organisation) && !strcmp(cell(t, i, "budget"), budget) &&
        !strcmp(cell(t, i, "measure"), measure))
      return (long)i;
  return -1;
}

static void write_accounts(report *r, const text_table *summary) {
  static const char *const headers[] = {"organisation", "budget", "NPV: P50 (P10 to P90)", "P(NPV > 0)",
                                        "return on investment: P50 (P10 to P90)", "payback (median)"};
  cc_html_table_begin(r->out, "Net present value, return and payback by organisation", 6, headers, "llrrrr");
  for (size_t i = 0; i < summary->n_rows; i++) {
    if (strcmp(cell(summary, i, "measure"), "npv") != 0) continue;
    const char *organisation = cell(summary, i, "organisation"), *budget = cell(summary, i, "budget");
    char npv[3 * CC_NUMFMT_MAX + 16], p[CC_NUMFMT_MAX] = CC_NUMFMT_MISSING, roi[3 * CC_NUMFMT_MAX + 16] = CC_NUMFMT_MISSING,
                                      payback[64] = CC_NUMFMT_MISSING;
    money_interval(number(summary, i, "p50"), number(summary, i, "p10"), number(summary, i, "p90"), npv, sizeof npv);
    long k = summary_row(summary, organisation, budget, "probability_npv_positive");
    if (k >= 0) cc_numfmt_percent(number(summary, (size_t)k, "mean"), 0, p, sizeof p);
    k = summary_row(summary, organisation, budget, "roi");
    if (k >= 0 && isfinite(number(summary, (size_t)k, "p50")))
      snprintf(roi, sizeof roi, "%.2f (%.2f to %.2f)", number(summary, (size_t)k, "p50"), number(summary, (size_t)k, "p10"),
               number(summary, (size_t)k, "p90"));
    k = summary_row(summary, organisation, budget, "payback_years");
    if (k >= 0) payback_text(number(summary, (size_t)k, "p50"), payback, sizeof payback);
    const char *row[] = {strcmp(organisation, "all") ? organisation : "all organisations",
                         strcmp(budget, "all") ? budget : "", npv, p, roi, payback};
    cc_html_table_row(r->out, 6, row, "llrrrr");
  }
  cc_html_table_end(r->out);
}

/* Savings by year and organisation; fills the total's net savings (P50, P10, P90) for the bar chart. */
static size_t write_by_year(report *r, const text_table *by_year, cc_bar_item *bars, char (*years)[CC_PERIOD_TEXT_MAX],
                            size_t max_bars) {
  static const char *const headers[] = {"organisation", "budget", "year", "gross saving: P50 (P10 to P90)",
                                        "intervention cost", "net saving: P50 (P10 to P90)"};
  cc_html_table_begin(r->out, "Savings by year and organisation (cash)", 6, headers, "lllrrr");
  size_t n_bars = 0;
  for (size_t i = 0; i < by_year->n_rows; i++) {
    if (strcmp(cell(by_year, i, "measure"), "net_saving") != 0) continue;
    const char *organisation = cell(by_year, i, "organisation"), *budget = cell(by_year, i, "budget"),
               *year = cell(by_year, i, "year");
    char gross[3 * CC_NUMFMT_MAX + 16] = CC_NUMFMT_MISSING, cost[CC_NUMFMT_MAX] = CC_NUMFMT_MISSING,
         net[3 * CC_NUMFMT_MAX + 16];
    for (size_t j = 0; j < by_year->n_rows; j++) {
      if (strcmp(cell(by_year, j, "organisation"), organisation) || strcmp(cell(by_year, j, "budget"), budget) ||
          strcmp(cell(by_year, j, "year"), year))
        continue;
      if (!strcmp(cell(by_year, j, "measure"), "gross_saving"))
        money_interval(number(by_year, j, "p50"), number(by_year, j, "p10"), number(by_year, j, "p90"), gross, sizeof gross);
      if (!strcmp(cell(by_year, j, "measure"), "intervention_cost")) cc_numfmt_money(number(by_year, j, "mean"), cost, sizeof cost);
    }
    money_interval(number(by_year, i, "p50"), number(by_year, i, "p10"), number(by_year, i, "p90"), net, sizeof net);
    int total = !strcmp(organisation, "all") && !strcmp(budget, "all");
    const char *row[] = {total ? "all organisations" : organisation, total ? "" : budget, year, gross, cost, net};
    cc_html_table_row(r->out, 6, row, "lllrrr");
    if (total && n_bars < max_bars) {
      snprintf(years[n_bars], CC_PERIOD_TEXT_MAX, "%s", year);
      bars[n_bars] = (cc_bar_item){years[n_bars], number(by_year, i, "p50"), number(by_year, i, "p10"), number(by_year, i, "p90")};
      n_bars++;
    }
  }
  cc_html_table_end(r->out);
  return n_bars;
}

#define YEARS_MAX 64 /* appraisal years charted */

static void write_savings_chart(report *r, size_t index, const char *name, const cc_bar_item *bars, size_t n) {
  int any = 0;
  for (size_t i = 0; i < n; i++) any |= (isfinite(bars[i].value) && bars[i].value != 0) ||
                                       (isfinite(bars[i].lo) && bars[i].lo != 0) || (isfinite(bars[i].hi) && bars[i].hi != 0);
  if (!any) {
    cc_html_paragraph(r->out, "note", "No net saving or cost in any year: nothing to chart.");
    return;
  }
  char id[32], title[CC_RUN_ID_MAX + 96];
  snprintf(id, sizeof id, "savings-%zu", index + 1);
  snprintf(title, sizeof title, "%s: net saving by year, all organisations", name);
  cc_bar_chart chart = {id, title, "net saving, \u00a3 (cash)", "financial year (April to March)",
                        "net saving, median (P50)", "P10 to P90", CC_SVG_NUMBERS_MONEY, n, bars};
  cc_html_figure_begin(r->out);
  cc_chart_bars(r->out, &chart);
  r->charts++;
  cc_html_figure_end(r->out, "Net saving each year (savings less the intervention's costs) across every organisation: "
                             "bars at the median of the simulated futures, whiskers from P10 to P90.");
}

static cc_status write_tornado(report *r, size_t index, const char *name, const text_table *sensitivity, double centre,
                               cc_error *err) {
  if (sensitivity->n_rows == 0) {
    cc_html_paragraph(r->out, "note", "This scenario has no levers: no tornado chart.");
    return CC_OK;
  }
  cc_tornado_bar *bars = calloc(sensitivity->n_rows, sizeof *bars);
  if (!bars) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < sensitivity->n_rows; i++)
    bars[i] = (cc_tornado_bar){cell(sensitivity, i, "lever"), number(sensitivity, i, "npv_at_low"),
                               number(sensitivity, i, "npv_at_high")};
  char id[32], title[CC_RUN_ID_MAX + 96];
  snprintf(id, sizeof id, "tornado-%zu", index + 1);
  snprintf(title, sizeof title, "%s: what drives the net present value", name);
  cc_tornado_chart chart = {id, title, "net present value, \u00a3", CC_SVG_NUMBERS_MONEY, centre, sensitivity->n_rows, bars};
  cc_html_figure_begin(r->out);
  cc_chart_tornado(r->out, &chart);
  r->charts++;
  cc_html_figure_end(r->out, "Mean net present value with each lever at the low and at the high end of its range and "
                             "the other levers central; the line marks the mean NPV of the full simulation. "
                             "Largest swing on top.");
  free(bars);
  return CC_OK;
}

/* The demand behind the costs: baseline and scenario medians per series and year, counts through the hook. */
static void write_demand(report *r, const text_table *demand) {
  static const char *const headers[] = {"series", "year", "measure", "baseline: P50 (P10 to P90)",
                                        "scenario: P50 (P10 to P90)"};
  cc_html_table_begin(r->out, "The demand behind the costs", 5, headers, "lllrr");
  for (size_t i = 0; i < demand->n_rows; i++) {
    if (strcmp(cell(demand, i, "future"), "baseline") != 0) continue;
    const char *id = cell(demand, i, "series_id"), *year = cell(demand, i, "year");
    char texts[2][3 * CC_NUMFMT_MAX + 16];
    snprintf(texts[1], sizeof texts[1], CC_NUMFMT_MISSING);
    for (size_t j = 0; j < demand->n_rows; j++) {
      int base = j == i;
      int match = !strcmp(cell(demand, j, "series_id"), id) && !strcmp(cell(demand, j, "year"), year) &&
                  !strcmp(cell(demand, j, "unit_cost"), cell(demand, i, "unit_cost")) &&
                  !strcmp(cell(demand, j, "future"), "scenario");
      if (!base && !match) continue;
      char a[CC_NUMFMT_MAX], b[CC_NUMFMT_MAX], c[CC_NUMFMT_MAX];
      snprintf(texts[base ? 0 : 1], sizeof texts[0], "%s (%s to %s)",
               report_count_text(r, id, "scenario_demand", year, CC_COUNT_MODELLED, number(demand, j, "p50"), a, sizeof a),
               report_count_text(r, id, "scenario_demand", year, CC_COUNT_MODELLED, number(demand, j, "p10"), b, sizeof b),
               report_count_text(r, id, "scenario_demand", year, CC_COUNT_MODELLED, number(demand, j, "p90"), c, sizeof c));
    }
    const char *measure = !strcmp(cell(demand, i, "measure"), "average_stock") ? "people (average over the year)"
                                                                               : "events in the year";
    const char *row[] = {id, year, measure, texts[0], texts[1]};
    cc_html_table_row(r->out, 5, row, "lllrr");
  }
  cc_html_table_end(r->out);
}

cc_status report_write_scenario(report *r, const char *run_id, cc_error *err) {
  size_t index = 0;
  while (index < r->n_scenarios && strcmp(r->scenario_runs[index], run_id) != 0) index++;
  char name[CC_RUN_ID_MAX * 2] = "", forecast_run[CC_RUN_ID_MAX] = "", draws[32] = "", anchor[32], heading[CC_RUN_ID_MAX * 3];
  int found = 0;
  cc_status st = cc_store_run_attribute(r->store, "scenarios", run_id, "name", name, sizeof name, &found, err);
  if (!st && !found) snprintf(name, sizeof name, "%s", run_id);
  if (!st) st = cc_store_run_attribute(r->store, "scenarios", run_id, "forecast_run", forecast_run, sizeof forecast_run, &found, err);
  if (!st) st = cc_store_run_attribute(r->store, "scenarios", run_id, "draws", draws, sizeof draws, &found, err);
  static const char *const summary_columns[] = {"organisation", "budget", "measure", "mean", "p10", "p50", "p90", NULL};
  static const char *const by_year_columns[] = {"organisation", "budget", "year", "measure", "mean", "p10", "p50", "p90", NULL};
  static const char *const sensitivity_columns[] = {"lever", "npv_at_low", "npv_at_high", NULL};
  static const char *const demand_columns[] = {"series_id", "unit_cost", "year", "measure", "future", "p10", "p50", "p90", NULL};
  text_table summary = {0}, by_year = {0}, sensitivity = {0}, demand = {0};
  if (!st) st = table_read(r, run_id, "summary", summary_columns, &summary, err);
  if (!st) st = table_read(r, run_id, "by_year", by_year_columns, &by_year, err);
  if (!st) st = table_read(r, run_id, "sensitivity", sensitivity_columns, &sensitivity, err);
  if (!st) st = table_read(r, run_id, "demand", demand_columns, &demand, err);
  if (!st) {
    snprintf(anchor, sizeof anchor, "scenario-%zu", index + 1);
    snprintf(heading, sizeof heading, "%s (run %s)", name, run_id);
    cc_html_heading(r->out, 3, anchor, heading);
    char text[1024], npv[3 * CC_NUMFMT_MAX + 16] = CC_NUMFMT_MISSING, p[CC_NUMFMT_MAX] = CC_NUMFMT_MISSING,
                     payback[64] = "not within the appraisal";
    long k = summary_row(&summary, "all", "all", "npv");
    double centre = k >= 0 ? number(&summary, (size_t)k, "mean") : NAN;
    if (k >= 0)
      money_interval(number(&summary, (size_t)k, "p50"), number(&summary, (size_t)k, "p10"), number(&summary, (size_t)k, "p90"),
                     npv, sizeof npv);
    if ((k = summary_row(&summary, "all", "all", "probability_npv_positive")) >= 0)
      cc_numfmt_percent(number(&summary, (size_t)k, "mean"), 0, p, sizeof p);
    if ((k = summary_row(&summary, "all", "all", "payback_years")) >= 0)
      payback_text(number(&summary, (size_t)k, "p50"), payback, sizeof payback);
    snprintf(text, sizeof text,
             "Net present value over the appraisal, all organisations: %s; probability it is positive %s; payback "
             "(median) %s. %s simulated futures, baseline forecast run %s.",
             npv, p, payback, draws[0] ? draws : "?", forecast_run[0] ? forecast_run : "?");
    cc_html_paragraph(r->out, NULL, text);
    write_accounts(r, &summary);
    cc_bar_item bars[YEARS_MAX];
    char years[YEARS_MAX][CC_PERIOD_TEXT_MAX];
    size_t n_bars = write_by_year(r, &by_year, bars, years, YEARS_MAX);
    write_savings_chart(r, index, name, bars, n_bars);
    st = write_tornado(r, index, name, &sensitivity, isfinite(centre) ? centre : 0, err);
    if (!st) write_demand(r, &demand);
  }
  table_free(&summary);
  table_free(&by_year);
  table_free(&sensitivity);
  table_free(&demand);
  return st;
}
