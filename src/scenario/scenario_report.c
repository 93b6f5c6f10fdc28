/* scenario_report.c: a scenario's results as CSV tables, a one-screen text
 * summary, a side-by-side comparison, and a run in the store. Money is in
 * pounds (cash terms of each year, i.e. after inflation) and, for the net
 * present value, discounted to the first year. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/scenario_run.h"

#define GBP_THOUSANDS 1e3
#define GBP_MILLIONS 1e6

static const char *const money_names[] = {"baseline_cost", "scenario_cost", "gross_saving", "intervention_cost",
                                          "net_saving"};

static void write_quantiles(FILE *out, cc_quantiles q) {
  fprintf(out, ",%.2f,%.2f,%.2f,%.2f", q.mean, q.p10, q.p50, q.p90);
}

static void year_name(const cc_scenario_result *r, int y, char *buf, size_t len) {
  cc_period_format(cc_period_add(r->start, y), buf, len);
}

void cc_scenario_write_by_year(const cc_scenario_result *r, FILE *out) {
  fputs("organisation,budget,year,measure,mean,p10,p50,p90\n", out);
  for (size_t a = 0; a < r->n_accounts; a++) {
    const cc_account_result *acc = &r->accounts[a];
    const cc_quantiles *columns[] = {acc->baseline_cost, acc->scenario_cost, acc->gross_saving, acc->intervention_cost,
                                     acc->net_saving};
    for (int y = 0; y < r->years; y++)
      for (size_t m = 0; m < sizeof columns / sizeof *columns; m++) {
        char year[CC_PERIOD_TEXT_MAX];
        year_name(r, y, year, sizeof year);
        fprintf(out, "%s,%s,%s,%s", acc->organisation, acc->budget, year, money_names[m]);
        write_quantiles(out, columns[m][y]);
        fputc('\n', out);
      }
  }
}

void cc_scenario_write_summary(const cc_scenario_result *r, FILE *out) {
  fputs("organisation,budget,measure,mean,p10,p50,p90\n", out);
  for (size_t a = 0; a < r->n_accounts; a++) {
    const cc_account_result *acc = &r->accounts[a];
    struct {
      const char *name;
      cc_quantiles q;
    } rows[] = {{"npv", acc->npv}, {"pv_intervention_cost", acc->pv_intervention}, {"roi", acc->roi}, {"payback_years", acc->payback}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
      fprintf(out, "%s,%s,%s", acc->organisation, acc->budget, rows[i].name);
      write_quantiles(out, rows[i].q);
      fputc('\n', out);
    }
    fprintf(out, "%s,%s,probability_npv_positive,%.4f,,,\n", acc->organisation, acc->budget, acc->probability_positive);
  }
}

void cc_scenario_write_demand(const cc_scenario_result *r, FILE *out) {
  fputs("series_id,unit_cost,year,measure,future,mean,p10,p50,p90\n", out);
  for (size_t i = 0; i < r->n_activities; i++) {
    const cc_activity_result *a = &r->activities[i];
    for (int y = 0; y < r->years; y++)
      for (int future = 0; future < 2; future++) {
        char year[CC_PERIOD_TEXT_MAX];
        year_name(r, y, year, sizeof year);
        fprintf(out, "%s,%s,%s,%s,%s", a->series_id, a->unit_cost, year, a->is_stock ? "average_stock" : "total_flow",
                future ? "scenario" : "baseline");
        write_quantiles(out, future ? a->scenario[y] : a->baseline[y]);
        fputc('\n', out);
      }
  }
}

void cc_scenario_write_sensitivity(const cc_scenario_result *r, FILE *out) {
  fputs("lever,low,high,npv_at_low,npv_at_high,swing,variance_share\n", out);
  for (size_t l = 0; l < r->n_levers; l++) {
    const cc_lever_sensitivity *s = &r->sensitivity[l];
    fprintf(out, "%s,%g,%g,%.2f,%.2f,%.2f,%.4f\n", s->name, s->low, s->high, s->npv_low, s->npv_high, s->swing, s->variance_share);
  }
}

/* "£1.23m" or "£123k". */
static void money_text(double amount, char *buf, size_t len) {
  double size = fabs(amount);
  if (isinf(amount) || isnan(amount)) snprintf(buf, len, "-");
  else if (size >= GBP_MILLIONS) snprintf(buf, len, "%s\u00a3%.2fm", amount < 0 ? "-" : "", size / GBP_MILLIONS);
  else snprintf(buf, len, "%s\u00a3%.0fk", amount < 0 ? "-" : "", size / GBP_THOUSANDS);
}

static void payback_text(double years, char *buf, size_t len) {
  if (isinf(years) || isnan(years)) snprintf(buf, len, "not within the appraisal");
  else snprintf(buf, len, "%.1f years", years);
}

void cc_scenario_write_text(const cc_scenario_result *r, FILE *out) {
  const cc_account_result *total = &r->accounts[r->n_accounts - 1];
  char first[CC_PERIOD_TEXT_MAX], last[CC_PERIOD_TEXT_MAX], a[32], b[32], c[32];
  year_name(r, 0, first, sizeof first);
  year_name(r, r->years - 1, last, sizeof last);
  fprintf(out, "Scenario %s: %s to %s, %zu draws, baseline forecast run %s\n", r->name, first, last, r->draws, r->forecast_run);
  money_text(total->npv.p50, a, sizeof a);
  money_text(total->npv.p10, b, sizeof b);
  money_text(total->npv.p90, c, sizeof c);
  fprintf(out, "  Net present value %s (P10 %s, P90 %s); probability it is positive %.0f%%\n", a, b, c,
          100.0 * total->probability_positive);
  double gross = 0, cost = 0;
  for (int y = 0; y < r->years; y++) gross += total->gross_saving[y].mean, cost += total->intervention_cost[y].mean;
  money_text(gross, a, sizeof a);
  money_text(cost, b, sizeof b);
  fprintf(out, "  Gross savings %s over the years (mean, cash), intervention cost %s\n", a, b);
  if (!isnan(total->roi.p50)) fprintf(out, "  Return on investment %.2f (P10 %.2f, P90 %.2f)\n", total->roi.p50, total->roi.p10, total->roi.p90);
  if (!isnan(total->payback.p50)) {
    payback_text(total->payback.p50, a, sizeof a);
    fprintf(out, "  Payback (median) %s\n", a);
  }
  fprintf(out, "  Where the net saving falls (NPV, P50):\n");
  for (size_t i = 0; i + 1 < r->n_accounts; i++) {
    money_text(r->accounts[i].npv.p50, a, sizeof a);
    fprintf(out, "    %-12s %-24s %s\n", r->accounts[i].organisation, r->accounts[i].budget, a);
  }
  fprintf(out, "  Net saving by year (P50, P10 to P90):\n");
  for (int y = 0; y < r->years; y++) {
    char year[CC_PERIOD_TEXT_MAX];
    year_name(r, y, year, sizeof year);
    money_text(total->net_saving[y].p50, a, sizeof a);
    money_text(total->net_saving[y].p10, b, sizeof b);
    money_text(total->net_saving[y].p90, c, sizeof c);
    fprintf(out, "    %s  %s (%s to %s)\n", year, a, b, c);
  }
  if (r->n_levers) {
    fprintf(out, "  What drives the uncertainty (NPV swing from each lever's low to high end):\n");
    for (size_t l = 0; l < r->n_levers; l++) {
      money_text(r->sensitivity[l].swing, a, sizeof a);
      fprintf(out, "    %-40s %s (%.0f%% of the variance)\n", r->sensitivity[l].name, a, 100.0 * r->sensitivity[l].variance_share);
    }
  }
}

void cc_scenario_write_comparison(cc_scenario_result *const *results, size_t n, FILE *out) {
  fprintf(out, "%-28s %14s %14s %14s %8s %10s %9s\n", "scenario", "NPV P50", "NPV P10", "NPV P90", "P(NPV>0)", "ROI P50",
          "payback");
  for (size_t i = 0; i < n; i++) {
    const cc_account_result *t = &results[i]->accounts[results[i]->n_accounts - 1];
    char a[32], b[32], c[32], payback[32];
    money_text(t->npv.p50, a, sizeof a);
    money_text(t->npv.p10, b, sizeof b);
    money_text(t->npv.p90, c, sizeof c);
    if (isinf(t->payback.p50) || isnan(t->payback.p50)) snprintf(payback, sizeof payback, "-");
    else snprintf(payback, sizeof payback, "%.1fy", t->payback.p50);
    char roi[32];
    if (isnan(t->roi.p50)) snprintf(roi, sizeof roi, "-");
    else snprintf(roi, sizeof roi, "%.2f", t->roi.p50);
    fprintf(out, "%-28s %14s %14s %14s %7.0f%% %10s %9s\n", results[i]->name, a, b, c, 100.0 * t->probability_positive, roi,
            payback);
  }
}

/* A table written to memory, for the store. */
static char *table_text(const cc_scenario_result *r, void (*write)(const cc_scenario_result *, FILE *)) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (!mem) return NULL;
  write(r, mem);
  if (fclose(mem) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

cc_status cc_scenario_store(cc_store *store, const cc_scenario *s, const cc_scenario_result *r, const char *timestamp,
                            char *run_id, cc_error *err) {
  cc_status st = cc_store_run_create(store, "scenarios", timestamp, run_id, err);
  char draws[32], seedless[32];
  snprintf(draws, sizeof draws, "%zu", r->draws);
  snprintf(seedless, sizeof seedless, "%d", r->years);
  if (!st) st = cc_store_run_describe(store, "scenarios", run_id, "name", s->name, err);
  if (!st) st = cc_store_run_describe(store, "scenarios", run_id, "scenario", s->text, err);
  if (!st) st = cc_store_run_describe(store, "scenarios", run_id, "scenario_path", s->path, err);
  if (!st) st = cc_store_run_describe(store, "scenarios", run_id, "forecast_run", r->forecast_run, err);
  if (!st) st = cc_store_run_describe(store, "scenarios", run_id, "draws", draws, err);
  if (!st) st = cc_store_run_describe(store, "scenarios", run_id, "years", seedless, err);
  struct {
    const char *name;
    void (*write)(const cc_scenario_result *, FILE *);
  } tables[] = {{"by_year", cc_scenario_write_by_year},
                {"summary", cc_scenario_write_summary},
                {"demand", cc_scenario_write_demand},
                {"sensitivity", cc_scenario_write_sensitivity}};
  for (size_t t = 0; !st && t < sizeof tables / sizeof *tables; t++) {
    char *text = table_text(r, tables[t].write);
    if (!text) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    st = cc_store_scenario_table(store, run_id, tables[t].name, text, err);
    free(text);
  }
  if (!st) st = cc_store_scenario_values(store, run_id, "npv_draws", r->npv_draws, r->draws, err);
  return st;
}
