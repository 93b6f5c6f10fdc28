/* report_sections.c: the report's summary page (demand by service now and
 * in one, three and five years) and its sections for analysts: data quality
 * and model diagnostics (model, parameters, residual checks, backtest). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/html.h"
#include "carecast/numfmt.h"
#include "report_internal.h"

#define WORST_SERIES_SHOWN 10 /* the data-quality section lists this many lowest scores of the whole store */
#define PARAMS_SHOWN 8        /* parameters listed per model (the seasonal states are not parameters) */
#define LJUNG_BOX_ALPHA 0.05  /* below: the residuals are flagged as autocorrelated */
#define SUMMARY_COLUMNS (2 + 1 + 3)

static const int years_ahead[] = {1, 3, CC_REPORT_YEARS_AHEAD_MAX};
#define N_AHEAD (sizeof years_ahead / sizeof *years_ahead)

/* One cell of the summary: its year and its text without the year. */
typedef struct summary_cell {
  int has;                      /* 0: the forecast does not reach that year */
  cc_period year;
  char text[3 * CC_NUMFMT_MAX + 16]; /* "1,300 (1,200 to 1,400)" */
} summary_cell;

#define SUMMARY_YEARS (1 + N_AHEAD) /* now and each year ahead */

/* The cell of one year: "1,234" observed, "1,300 (1,200 to 1,400)" forecast. */
static void year_cell(const report *r, const report_series *s, const report_year *y, summary_cell *c) {
  char year[CC_PERIOD_TEXT_MAX], v[CC_NUMFMT_MAX], lo[CC_NUMFMT_MAX], hi[CC_NUMFMT_MAX];
  cc_period_format(y->year, year, sizeof year);
  cc_count_origin origin = y->modelled ? CC_COUNT_MODELLED : CC_COUNT_OBSERVED;
  double centre = y->modelled && !isnan(y->p50) ? y->p50 : y->mean;
  report_year_text(r, s, "summary", y, centre, v, sizeof v);
  c->has = 1;
  c->year = y->year;
  if (y->modelled && !isnan(y->lo80))
    snprintf(c->text, sizeof c->text, "%s (%s to %s)", v,
             report_count_text(r, s->id, "summary", year, origin, y->lo80, lo, sizeof lo),
             report_count_text(r, s->id, "summary", year, origin, y->hi80, hi, sizeof hi));
  else snprintf(c->text, sizeof c->text, "%s", v);
}

/* The summary's cells of series s: now and each year ahead. */
static cc_status summary_cells(const report *r, const report_series *s, summary_cell cells[SUMMARY_YEARS], cc_error *err) {
  report_year *years = NULL;
  size_t n = 0;
  memset(cells, 0, SUMMARY_YEARS * sizeof *cells);
  cc_status st = report_series_years(s, &years, &n, err);
  if (st) return st;
  long now = -1;
  for (size_t k = 0; k < n; k++)
    if (!years[k].modelled) now = (long)k;
  if (now >= 0) year_cell(r, s, &years[now], &cells[0]);
  for (size_t a = 0; a < N_AHEAD; a++) {
    /* the year years_ahead[a] after the last whole observed year, or the years_ahead[a]-th forecast year */
    size_t seen = 0;
    for (size_t k = 0; k < n; k++) {
      if (!years[k].modelled) continue;
      seen++;
      int hit = now >= 0 ? years[k].year.index == years[now].year.index + years_ahead[a] : seen == (size_t)years_ahead[a];
      if (hit) year_cell(r, s, &years[k], &cells[1 + a]);
    }
  }
  free(years);
  return CC_OK;
}

/* The year every row of a column shares, or 0 when they differ (*year set when 1). */
static int common_year(const summary_cell (*cells)[SUMMARY_YEARS], size_t n_rows, size_t column, cc_period *year) {
  int any = 0;
  for (size_t i = 0; i < n_rows; i++) {
    const summary_cell *c = &cells[i][column];
    if (!c->has) continue;
    if (any && (c->year.index != year->index || c->year.freq != year->freq)) return 0;
    *year = c->year;
    any = 1;
  }
  return any;
}

static cc_status summary_table(report *r, int service, cc_error *err) {
  static const char *const titles[SUMMARY_YEARS] = {"now", "in 1 year", "in 3 years", "in 5 years"};
  size_t n_rows = 0;
  for (size_t i = 0; i < r->n_series; i++) n_rows += r->series[i].service == service;
  summary_cell (*cells)[SUMMARY_YEARS] = calloc(n_rows ? n_rows : 1, sizeof *cells);
  const report_series **rows = calloc(n_rows ? n_rows : 1, sizeof *rows);
  cc_status st = cells && rows ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t k = 0;
  for (size_t i = 0; !st && i < r->n_series; i++) {
    if (r->series[i].service != service) continue;
    rows[k] = &r->series[i];
    st = summary_cells(r, rows[k], cells[k], err);
    k++;
  }
  if (!st) {
    char headers_text[SUMMARY_YEARS][64], year[CC_PERIOD_TEXT_MAX];
    const char *headers[SUMMARY_COLUMNS] = {"series", "measured as"};
    int shared[SUMMARY_YEARS];
    for (size_t c = 0; c < SUMMARY_YEARS; c++) {
      cc_period p;
      shared[c] = common_year((const summary_cell(*)[SUMMARY_YEARS])cells, n_rows, c, &p);
      if (shared[c]) snprintf(headers_text[c], sizeof headers_text[c], "%s: %s", titles[c], cc_period_format(p, year, sizeof year));
      else snprintf(headers_text[c], sizeof headers_text[c], "%s", titles[c]);
      headers[2 + c] = headers_text[c];
    }
    cc_html_table_begin(r->out, NULL, SUMMARY_COLUMNS, headers, "llrrrr");
    for (size_t i = 0; i < n_rows; i++) {
      char texts[SUMMARY_YEARS][sizeof cells[0][0].text + CC_PERIOD_TEXT_MAX + 2], title[2 * CC_SERIES_ID_MAX];
      report_series_title(r, rows[i], title, sizeof title);
      const char *row[SUMMARY_COLUMNS] = {title, rows[i]->kind == CC_KIND_FLOW || rows[i]->kind == CC_KIND_AMOUNT
                                                           ? "total in the year"
                                                           : "at the year's end"};
      for (size_t c = 0; c < SUMMARY_YEARS; c++) {
        const summary_cell *cell = &cells[i][c];
        if (!cell->has) snprintf(texts[c], sizeof texts[c], CC_NUMFMT_MISSING);
        else if (shared[c]) snprintf(texts[c], sizeof texts[c], "%s", cell->text);
        else snprintf(texts[c], sizeof texts[c], "%s: %s", cc_period_format(cell->year, year, sizeof year), cell->text);
        row[2 + c] = texts[c];
      }
      cc_html_table_row(r->out, SUMMARY_COLUMNS, row, "llrrrr");
    }
    cc_html_table_end(r->out);
  }
  free(cells);
  free(rows);
  return st;
}

cc_status report_write_summary(report *r, cc_error *err) {
  FILE *out = r->out;
  cc_html_section_begin(out, "summary", "Summary: demand by service");
  cc_html_paragraph(out, NULL,
                    "Demand now (the last whole year observed) and in one, three and five years, per series: the "
                    "median forecast with its 80% interval in brackets (the range in which the year's figure falls "
                    "in 8 of 10 simulated futures). Flows (referrals, admissions) are totals over the year, stocks "
                    "(people in a service) are at the year's end. Years run April to March. A dash: the forecast "
                    "does not reach that year.");
  cc_status st = CC_OK;
  for (int service = 0; !st && service < REPORT_SERVICES; service++) {
    int any = 0;
    for (size_t i = 0; i < r->n_series; i++) any |= r->series[i].service == service;
    if (!any) continue;
    cc_html_heading(out, 3, report_services[service].id, report_services[service].name);
    st = summary_table(r, service, err);
  }
  cc_html_section_end(out);
  return st;
}

/* ---- data quality -------------------------------------------------------------------- */

typedef struct quality_row {
  char id[CC_SERIES_ID_MAX];
  cc_quality q;              /* counts only: marks and replacements freed */
  char break_text[48];       /* "no", or "yes, from 2020-04" */
} quality_row;

#define QUALITY_COLUMNS 8

static int compare_scores(const void *a, const void *b) {
  const quality_row *x = a, *y = b;
  if (x->q.score != y->q.score) return x->q.score < y->q.score ? -1 : 1;
  return strcmp(x->id, y->id);
}

static void quality_table(FILE *out, const char *caption, size_t n, const quality_row *const *rows) {
  static const char *const headers[QUALITY_COLUMNS] = {"series", "periods", "missing", "suppressed", "outliers",
                                                       "unexpected zeros", "break", "score (0-100)"};
  cc_html_table_begin(out, caption, QUALITY_COLUMNS, headers, "lrrrrrlr");
  for (size_t i = 0; i < n; i++) {
    const cc_quality *q = &rows[i]->q;
    char cells[QUALITY_COLUMNS - 2][24];
    snprintf(cells[0], sizeof cells[0], "%zu", q->n);
    snprintf(cells[1], sizeof cells[1], "%zu", q->missing);
    snprintf(cells[2], sizeof cells[2], "%zu", q->suppressed);
    snprintf(cells[3], sizeof cells[3], "%zu", q->outliers);
    snprintf(cells[4], sizeof cells[4], "%zu", q->zeros);
    snprintf(cells[5], sizeof cells[5], "%.0f", q->score);
    const char *row[QUALITY_COLUMNS] = {rows[i]->id, cells[0], cells[1], cells[2], cells[3], cells[4],
                                        rows[i]->break_text, cells[5]};
    cc_html_table_row(out, QUALITY_COLUMNS, row, "lrrrrrlr");
  }
  cc_html_table_end(out);
}

/* Assess every series of the store (the original when quality handled it), as carecast quality does. */
static cc_status assess_store(cc_store *store, quality_row **rows, size_t *n_rows, cc_error *err) {
  char **ids = NULL;
  size_t n = 0;
  cc_status st = cc_store_series_ids(store, &ids, &n, err);
  quality_row *out = st ? NULL : calloc(n ? n : 1, sizeof *out);
  if (!st && !out) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !st && i < n; i++) {
    cc_series *s = NULL;
    int kept = 0;
    st = cc_store_series_read_original(store, ids[i], &s, &kept, err);
    if (!st && !kept) st = cc_store_series_read(store, ids[i], &s, err);
    cc_quality *q = st ? NULL : cc_quality_alloc(s->n);
    if (!st && !q) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    if (!st) st = cc_quality_assess(s, q, err);
    if (!st) {
      snprintf(out[i].id, sizeof out[i].id, "%s", ids[i]);
      out[i].q = *q;
      out[i].q.marks = NULL;
      out[i].q.replacements = NULL;
      char period[CC_PERIOD_TEXT_MAX];
      if (q->has_break)
        snprintf(out[i].break_text, sizeof out[i].break_text, "yes, from %s",
                 cc_period_format(cc_series_period(s, q->break_index), period, sizeof period));
      else snprintf(out[i].break_text, sizeof out[i].break_text, "no");
    }
    cc_quality_free(q);
    cc_series_free(s);
  }
  cc_store_free_names(ids, n);
  if (st) {
    free(out);
    return st;
  }
  *rows = out;
  *n_rows = n;
  return CC_OK;
}

cc_status report_write_quality(report *r, cc_error *err) {
  FILE *out = r->out;
  quality_row *rows = NULL;
  size_t n = 0;
  cc_status st = assess_store(r->store, &rows, &n, err);
  if (st) return st;
  cc_html_section_begin(out, "quality", "Data quality");
  size_t slots = 0, missing = 0, suppressed = 0, outliers = 0, zeros = 0, breaks = 0;
  double score = 0;
  for (size_t i = 0; i < n; i++) {
    slots += rows[i].q.n, missing += rows[i].q.missing, suppressed += rows[i].q.suppressed;
    outliers += rows[i].q.outliers, zeros += rows[i].q.zeros, breaks += (size_t)rows[i].q.has_break;
    score += rows[i].q.score;
  }
  char text[1024];
  snprintf(text, sizeof text,
           "The store holds %zu series with %zu periods in all: %zu missing, %zu suppressed by the publisher, %zu "
           "outliers, %zu unexpected zeros; %zu series show a break (a level shift or a change of definition, "
           "p < %g). Mean score %.1f of 100. The score (carecast quality) falls with each missing, suppressed or "
           "unusual value and with a break. Values as ingested are assessed, before any imputation.",
           n, slots, missing, suppressed, outliers, zeros, breaks, CC_QUALITY_BREAK_ALPHA, n ? score / (double)n : NAN);
  cc_html_paragraph(out, NULL, text);
  qsort(rows, n, sizeof *rows, compare_scores);
  size_t worst = n < WORST_SERIES_SHOWN ? n : WORST_SERIES_SHOWN, shown = 0;
  const quality_row **list = malloc((worst + r->n_series + 1) * sizeof *list);
  if (!list) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !st && i < worst; i++) list[i] = &rows[i];
  if (!st) quality_table(out, "The series of the store with the lowest scores", worst, list);
  for (size_t i = 0; !st && i < r->n_series; i++)
    for (size_t k = 0; k < n; k++)
      if (strcmp(rows[k].id, r->series[i].id) == 0) list[shown++] = &rows[k];
  if (!st && shown) quality_table(out, "The series shown in this report", shown, list);
  cc_html_section_end(out);
  free(list);
  free(rows);
  return st;
}

/* ---- model diagnostics ---------------------------------------------------------------- */

/* Mean, standard deviation and lag-1 autocorrelation of the model's residuals (NaN skipped). */
static void residual_summary(const cc_model *m, double *mean, double *sd, double *acf1) {
  double sum = 0, sq = 0, cross = 0;
  size_t n = 0, pairs = 0;
  for (size_t i = 0; i < m->n; i++)
    if (isfinite(m->residuals[i])) sum += m->residuals[i], n++;
  *mean = n ? sum / (double)n : NAN;
  for (size_t i = 0; i < m->n; i++) {
    if (!isfinite(m->residuals[i])) continue;
    double d = m->residuals[i] - *mean;
    sq += d * d;
    if (i + 1 < m->n && isfinite(m->residuals[i + 1])) cross += d * (m->residuals[i + 1] - *mean), pairs++;
  }
  *sd = n > 1 ? sqrt(sq / (double)(n - 1)) : NAN;
  *acf1 = sq > 0 && pairs ? cross / sq : NAN;
}

static void parameters_text(const cc_model *m, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < m->n_params && i < PARAMS_SHOWN && used + 1 < len; i++) {
    int wrote;
    if (m->std_errors && isfinite(m->std_errors[i]))
      wrote = snprintf(buf + used, len - used, "%s%s = %.4g (se %.2g)", i ? "; " : "", m->param_names[i], m->params[i],
                       m->std_errors[i]);
    else wrote = snprintf(buf + used, len - used, "%s%s = %.4g", i ? "; " : "", m->param_names[i], m->params[i]);
    if (wrote < 0) break;
    used += (size_t)wrote < len - used ? (size_t)wrote : len - used - 1;
  }
  if (m->n_params > PARAMS_SHOWN && used + 1 < len) snprintf(buf + used, len - used, "; and %zu more", m->n_params - PARAMS_SHOWN);
}

static void model_table(report *r) {
  static const char *const headers[] = {"series", "model", "parameters", "AICc", "residual sd", "lag-1 autocorrelation",
                                        "Ljung-Box p"};
  cc_html_table_begin(r->out, "Chosen models and residual checks", 7, headers, "lllrrrr");
  for (size_t i = 0; i < r->n_series; i++) {
    const report_series *s = &r->series[i];
    char params[512], aicc[CC_NUMFMT_MAX] = "", sd[CC_NUMFMT_MAX] = "", acf[CC_NUMFMT_MAX] = "", lb[CC_NUMFMT_MAX] = "",
                      model[CC_MEASURE_MAX + 48];
    if (s->model) {
      double mean, sdev, acf1;
      residual_summary(s->model, &mean, &sdev, &acf1);
      parameters_text(s->model, params, sizeof params);
      snprintf(model, sizeof model, "%s", s->model->spec);
      cc_numfmt_grouped(s->model->aicc, 1, aicc, sizeof aicc);
      snprintf(sd, sizeof sd, "%.4g", sdev);
      snprintf(acf, sizeof acf, "%.2f", acf1);
      double p = s->context.ljung_box_p;
      if (isnan(p)) snprintf(lb, sizeof lb, CC_NUMFMT_MISSING);
      else snprintf(lb, sizeof lb, "%.3f%s", p, p < LJUNG_BOX_ALPHA ? " (autocorrelated)" : "");
    } else {
      snprintf(model, sizeof model, "%s", s->demand_model[0] ? "demand model" : "not stored");
      snprintf(params, sizeof params, "%s%s", s->demand_model[0] ? "projected by the demand model " : "",
               s->demand_model[0] ? s->demand_model : "");
    }
    const char *row[] = {s->id, model, params, aicc, sd, acf, lb};
    cc_html_table_row(r->out, 7, row, "lllrrrr");
  }
  cc_html_table_end(r->out);
}

static void backtest_table(report *r) {
  static const char *const headers[] = {"series", "backtest", "MAE", "MASE", "sMAPE %", "80% coverage",
                                        "95% coverage"};
  cc_html_table_begin(r->out, "Rolling-origin backtest accuracy", 7, headers, "llrrrrr");
  for (size_t i = 0; i < r->n_series; i++) {
    const report_series *s = &r->series[i];
    char mae[CC_NUMFMT_MAX] = "", mase[CC_NUMFMT_MAX] = "", smape[CC_NUMFMT_MAX] = "", c80[CC_NUMFMT_MAX] = "",
         c95[CC_NUMFMT_MAX] = "";
    if (s->backtest) {
      const cc_accuracy *a = &s->backtest->accuracy;
      cc_numfmt_grouped(a->mae, 2, mae, sizeof mae);
      cc_numfmt_grouped(a->mase, 2, mase, sizeof mase);
      cc_numfmt_grouped(a->smape, 1, smape, sizeof smape);
      for (size_t l = 0; l < a->n_levels; l++) {
        if (fabs(a->levels[l] - 80) < 1e-9) cc_numfmt_percent(a->coverage[l], 0, c80, sizeof c80);
        if (fabs(a->levels[l] - 95) < 1e-9) cc_numfmt_percent(a->coverage[l], 0, c95, sizeof c95);
      }
    }
    const char *row[] = {s->id, s->backtest_note, mae, mase, smape, c80, c95};
    cc_html_table_row(r->out, 7, row, "llrrrrr");
  }
  cc_html_table_end(r->out);
}

void report_write_diagnostics(report *r) {
  FILE *out = r->out;
  cc_html_section_begin(out, "diagnostics", "Model diagnostics (for analysts)");
  cc_html_paragraph(out, NULL,
                    "The model behind each forecast, its estimated parameters (standard errors where the family "
                    "gives them), its information criterion and checks of its one-step residuals: their spread, "
                    "their lag-1 autocorrelation and the Ljung-Box test (a p-value below 0.05 says the residuals "
                    "are autocorrelated, so the intervals may be too narrow). The backtest refits the model's "
                    "family at the last origins before the forecast and scores a year of forecasts from each "
                    "against what followed: MAE in the series' units, MASE (below 1: better than a seasonal "
                    "naive forecast), sMAPE, and the share of outcomes inside the 80% and 95% intervals.");
  model_table(r);
  backtest_table(r);
  cc_html_section_end(out);
}
