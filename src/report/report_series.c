/* report_series.c: the series the report shows -- loading each one (its
 * history, forecast, fan bands, model and a quick backtest),
 * summing it into years, and the per-series sections: fan charts and tables
 * by year. The summary page and the analysts' sections are in
 * report_sections.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/html.h"
#include "carecast/numfmt.h"
#include "report_internal.h"

#define TAIL_80 0.10  /* the 80% interval's lower quantile */
#define TAIL_95 0.025 /* the 95% interval's lower quantile */
#define OBSERVED_YEARS_SHOWN 3 /* observed years in a series' table before its forecast years */

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* ---- loading ------------------------------------------------------------------ */

/* The stored bounds at `level` percent as band l, or NaN when the forecast has no such level. */
static void stored_band(const cc_forecast *f, double level, double *lower, double *upper) {
  for (size_t i = 0; i < f->h; i++) lower[i] = upper[i] = NAN;
  for (size_t l = 0; l < f->n_levels; l++) {
    if (fabs(f->levels[l] - level) > 1e-9) continue;
    memcpy(lower, f->lower + l * f->h, f->h * sizeof *lower);
    memcpy(upper, f->upper + l * f->h, f->h * sizeof *upper);
  }
}

static cc_status load_bands(report_series *s, cc_error *err) {
  const cc_forecast *f = s->forecast;
  s->lower = malloc(CC_FAN_LEVELS * f->h * sizeof *s->lower);
  s->upper = malloc(CC_FAN_LEVELS * f->h * sizeof *s->upper);
  s->median = malloc(f->h * sizeof *s->median);
  if (!s->lower || !s->upper || !s->median) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (f->n_paths > 0) return cc_fan_bands(f->paths, f->n_paths, f->h, s->lower, s->upper, s->median, err);
  for (size_t l = 0; l < CC_FAN_LEVELS; l++) stored_band(f, cc_fan_levels[l], s->lower + l * f->h, s->upper + l * f->h);
  memcpy(s->median, f->mean, f->h * sizeof *s->median);
  return CC_OK;
}

/* A quick rolling-origin backtest of the model's family (its automatic
 * choice refitted at each origin) on the values before the forecast. */
static void run_backtest(report *r, report_series *s) {
  if (!s->model || !s->history) {
    snprintf(s->backtest_note, sizeof s->backtest_note, "not run: %s",
             s->demand_model[0] ? "a demand model's projection, not a fitted series model" : "no fitted model");
    return;
  }
  if (r->backtests >= CC_REPORT_BACKTEST_SERIES_MAX) {
    snprintf(s->backtest_note, sizeof s->backtest_note, "not run: at most %d series are backtested",
             CC_REPORT_BACKTEST_SERIES_MAX);
    return;
  }
  cc_fit_options fit;
  cc_fit_options_default(&fit);
  fit.period = cc_freq_per_year(s->history->freq);
  cc_backtest_options options;
  cc_backtest_options_default(&options);
  options.horizon = (size_t)cc_freq_per_year(s->history->freq);
  options.n_origins = CC_REPORT_BACKTEST_ORIGINS;
  options.nonnegative = s->kind != CC_KIND_AMOUNT;
  cc_error err;
  cc_status st = cc_backtest_run(s->history->values, s->n_history, s->model->type, NULL, &fit, NULL, 0, &options,
                                 &s->backtest, &err);
  if (st) {
    snprintf(s->backtest_note, sizeof s->backtest_note, "not run: %.120s", err.message);
    return;
  }
  r->backtests++;
  snprintf(s->backtest_note, sizeof s->backtest_note, "%s refitted at %zu origins, %zu steps ahead", s->model->type->name,
           options.n_origins, options.horizon);
}

cc_status report_series_load(report *r, report_series *s, cc_error *err) {
  cc_status st = cc_store_forecast_read(r->store, s->run, s->id, &s->forecast, &s->first, err);
  if (!st && cc_store_series_exists(r->store, s->id)) st = cc_store_series_read(r->store, s->id, &s->history, err);
  if (st) return st;
  s->kind = CC_KIND_STOCK; /* a demand model's outputs are people */
  if (s->history) {
    s->kind = s->history->kind;
    int32_t before = s->history->freq == s->first.freq ? cc_period_diff(s->history->start, s->first) : 0;
    s->n_history = before <= 0 ? 0 : (size_t)before < s->history->n ? (size_t)before : s->history->n;
  }
  if (!s->demand_model[0] && s->model_run[0]) {
    cc_error ignored;
    if (cc_store_model_read(r->store, s->model_run, s->id, &s->model, &s->context, &ignored) == CC_OK && !s->history)
      s->kind = s->context.kind;
  }
  if (!st) st = load_bands(s, err);
  if (!st && r->options->backtest) run_backtest(r, s);
  else if (!st) snprintf(s->backtest_note, sizeof s->backtest_note, "not run (turned off)");
  return st;
}

void report_series_clear(report_series *s) {
  cc_series_free(s->history);
  cc_forecast_free(s->forecast);
  free(s->lower);
  free(s->upper);
  free(s->median);
  cc_model_free(s->model);
  cc_backtest_result_free(s->backtest);
}

/* ---- years ---------------------------------------------------------------------- */

static int summed(cc_kind kind) { return kind == CC_KIND_FLOW || kind == CC_KIND_AMOUNT; }

/* Slot i's value along path p (-1: the mean forecast): observed before offset, forecast after. */
static double slot_value(const report_series *s, size_t offset, size_t i, long path) {
  if (i < offset) return s->history && i < s->history->n ? s->history->values[i] : NAN;
  size_t j = i - offset;
  return path < 0 ? s->forecast->mean[j] : s->forecast->paths[(size_t)path * s->forecast->h + j];
}

/* The year's value over slots [from, to) along path. */
static double year_value(const report_series *s, size_t offset, size_t from, size_t to, long path) {
  if (!summed(s->kind)) return slot_value(s, offset, to - 1, path);
  double total = 0;
  for (size_t i = from; i < to; i++) total += slot_value(s, offset, i, path);
  return total;
}

cc_status report_series_years(const report_series *s, report_year **years, size_t *n, cc_error *err) {
  *years = NULL;
  *n = 0;
  const cc_forecast *f = s->forecast;
  cc_period base = s->n_history ? s->history->start : s->first;
  size_t offset = s->n_history ? (size_t)cc_period_diff(base, s->first) : 0, n_slots = offset + f->h;
  cc_freq year_freq = base.freq == CC_FREQ_YEAR ? CC_FREQ_YEAR : CC_FREQ_FYEAR;
  size_t per_year = (size_t)cc_freq_per_year(base.freq);
  report_year *out = calloc(n_slots / per_year + 2, sizeof *out);
  double *values = malloc((f->n_paths ? f->n_paths : 1) * sizeof *values);
  if (!out || !values) {
    free(out), free(values);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  size_t count = 0;
  for (size_t from = 0; from < n_slots;) {
    cc_period year;
    cc_error ignored;
    if (cc_period_convert(cc_period_add(base, (int32_t)from), year_freq, &year, &ignored) != CC_OK) break;
    size_t to = from + 1;
    for (cc_period next; to < n_slots; to++) {
      if (cc_period_convert(cc_period_add(base, (int32_t)to), year_freq, &next, &ignored) != CC_OK) break;
      if (next.index != year.index) break;
    }
    int complete = to - from == per_year;
    double mean = complete ? year_value(s, offset, from, to, -1) : NAN;
    if (complete && isfinite(mean)) {
      report_year *y = &out[count++];
      y->year = year;
      y->modelled = to > offset;
      y->mean = mean;
      y->p50 = y->lo80 = y->hi80 = y->lo95 = y->hi95 = NAN;
      size_t k = 0;
      for (size_t p = 0; y->modelled && p < f->n_paths; p++) {
        double v = year_value(s, offset, from, to, (long)p);
        if (!isnan(v)) values[k++] = v;
      }
      if (k) {
        qsort(values, k, sizeof *values, compare_doubles);
        y->p50 = cc_quantile_sorted(values, k, 0.5);
        y->lo80 = cc_quantile_sorted(values, k, TAIL_80);
        y->hi80 = cc_quantile_sorted(values, k, 1 - TAIL_80);
        y->lo95 = cc_quantile_sorted(values, k, TAIL_95);
        y->hi95 = cc_quantile_sorted(values, k, 1 - TAIL_95);
      }
    }
    from = to;
  }
  free(values);
  *years = out;
  *n = count;
  return CC_OK;
}

/* ---- the forecasts section ---------------------------------------------------------- */

/* "people at the end of each month", "referrals in each month". */
static void unit_text(const report_series *s, char *buf, size_t len) {
  const char *unit = s->history && s->history->unit[0] ? s->history->unit : "people";
  const char *period = cc_freq_name(s->first.freq);
  if (s->first.freq == CC_FREQ_FYEAR) period = "financial year";
  switch (s->kind) {
  case CC_KIND_STOCK: snprintf(buf, len, "%s at the end of each %s", unit, period); break;
  case CC_KIND_FLOW: snprintf(buf, len, "%s in each %s", unit, period); break;
  default: snprintf(buf, len, "%s", unit);
  }
}

static const char *year_basis(const report_series *s) {
  return summed(s->kind) ? "total in the year" : "at the end of the year";
}

/* Values passed through the disclosure hook for the chart (NaN where suppressed). */
static void publish_array(const report *r, const char *series_id, const char *table, cc_count_origin origin,
                          const double *in, double *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    cc_published_count count = {series_id, table, NULL, origin, in[i]};
    out[i] = cc_report_publish_count(&r->options->disclosure, &count);
  }
}

static cc_status write_fan(report *r, size_t index, const report_series *s, cc_error *err) {
  size_t h = s->forecast->h, bands = CC_FAN_LEVELS * h;
  double *history = malloc((s->n_history ? s->n_history : 1) * sizeof *history), *mean = malloc(h * sizeof *mean);
  double *lower = malloc(bands * sizeof *lower), *upper = malloc(bands * sizeof *upper);
  if (!history || !mean || !lower || !upper) {
    free(history), free(mean), free(lower), free(upper);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  const int counts = s->kind == CC_KIND_FLOW || s->kind == CC_KIND_STOCK;
  if (counts) {
    if (s->n_history) publish_array(r, s->id, "history", CC_COUNT_OBSERVED, s->history->values, history, s->n_history);
    publish_array(r, s->id, "forecast", CC_COUNT_MODELLED, s->forecast->mean, mean, h);
    publish_array(r, s->id, "forecast", CC_COUNT_MODELLED, s->lower, lower, bands);
    publish_array(r, s->id, "forecast", CC_COUNT_MODELLED, s->upper, upper, bands);
  } else {
    if (s->n_history) memcpy(history, s->history->values, s->n_history * sizeof *history);
    memcpy(mean, s->forecast->mean, h * sizeof *mean);
    memcpy(lower, s->lower, bands * sizeof *lower);
    memcpy(upper, s->upper, bands * sizeof *upper);
  }
  char id[32], y_label[CC_MEASURE_MAX + 48], title[2 * CC_SERIES_ID_MAX];
  snprintf(id, sizeof id, "fan-%zu", index + 1);
  unit_text(s, y_label, sizeof y_label);
  report_series_title(r, s, title, sizeof title);
  cc_fan_chart chart = {.id = id, .title = title, .y_label = y_label,
                        .start = s->n_history ? s->history->start : s->first, .n_history = s->n_history,
                        .history = history, .first = s->first, .h = h, .mean = mean, .lower = lower, .upper = upper};
  cc_html_figure_begin(r->out);
  cc_chart_fan(r->out, &chart);
  r->charts++;
  char caption[512], first[CC_PERIOD_TEXT_MAX];
  cc_period_format(s->first, first, sizeof first);
  const char *model = s->model ? s->model->spec : s->demand_model[0] ? "demand model" : "model not stored";
  if (s->forecast->n_paths)
    snprintf(caption, sizeof caption,
             "%s: %s, forecast from %s (run %s). Bands: quantiles of %zu simulated sample paths.", s->id,
             s->demand_model[0] ? s->demand_model : model, first, s->run, s->forecast->n_paths);
  else
    snprintf(caption, sizeof caption, "%s: %s, forecast from %s (run %s). Bands: the stored 80%% and 95%% intervals.",
             s->id, model, first, s->run);
  cc_html_figure_end(r->out, caption);
  free(history), free(mean), free(lower), free(upper);
  return CC_OK;
}

static cc_status write_year_table(report *r, const report_series *s, cc_error *err) {
  report_year *years = NULL;
  size_t n = 0;
  cc_status st = report_series_years(s, &years, &n, err);
  if (st) return st;
  size_t first_shown = 0, observed = 0;
  for (size_t i = 0; i < n; i++) observed += !years[i].modelled;
  if (observed > OBSERVED_YEARS_SHOWN) first_shown = observed - OBSERVED_YEARS_SHOWN;
  static const char *const headers[] = {"year", "", "value or median", "80% interval", "95% interval", "mean"};
  char caption[CC_SERIES_ID_MAX + 64];
  snprintf(caption, sizeof caption, "%s by year (%s)", s->id, year_basis(s));
  const int counts = s->kind == CC_KIND_FLOW || s->kind == CC_KIND_STOCK;
  cc_html_table_begin(r->out, caption, 6, headers, "llrrrr");
  for (size_t i = first_shown; i < n; i++) {
    const report_year *y = &years[i];
    char year[CC_PERIOD_TEXT_MAX], value[CC_NUMFMT_MAX], mean[CC_NUMFMT_MAX], i80[2 * CC_NUMFMT_MAX + 8],
        i95[2 * CC_NUMFMT_MAX + 8], a[CC_NUMFMT_MAX], b[CC_NUMFMT_MAX];
    cc_period_format(y->year, year, sizeof year);
#define SHOW(v, buf) (counts ? report_year_text(r, s, "forecast_by_year", y, (v), buf, sizeof buf) \
                             : cc_numfmt_grouped((v), 2, buf, sizeof buf))
    SHOW(y->modelled ? y->p50 : y->mean, value);
    SHOW(y->mean, mean);
    i80[0] = i95[0] = '\0';
    if (y->modelled && !isnan(y->lo80)) {
      snprintf(i80, sizeof i80, "%s to %s", SHOW(y->lo80, a), SHOW(y->hi80, b));
      snprintf(i95, sizeof i95, "%s to %s", SHOW(y->lo95, a), SHOW(y->hi95, b));
    }
#undef SHOW
    const char *cells[] = {year, y->modelled ? "forecast" : "observed", value, i80, i95, y->modelled ? mean : ""};
    cc_html_table_row(r->out, 6, cells, "llrrrr");
  }
  cc_html_table_end(r->out);
  free(years);
  return CC_OK;
}

cc_status report_write_forecasts(report *r, cc_error *err) {
  FILE *out = r->out;
  cc_html_section_begin(out, "forecasts", "Forecasts by series");
  cc_html_paragraph(out, NULL,
                    "Each chart shows what was observed (solid line) and the forecast (dashed line: the mean) with "
                    "its 50%, 80% and 95% intervals as bands, darkest in the middle. The table under it gives whole "
                    "years: flows as the year's total, stocks at the year's end, with intervals from the same "
                    "sample paths (a year that straddles the forecast's start adds the observed months to the "
                    "simulated ones).");
  cc_status st = CC_OK;
  int service = -1;
  for (size_t i = 0; !st && i < r->n_series; i++) {
    const report_series *s = &r->series[i];
    if (s->service != service) {
      service = s->service;
      cc_html_heading(out, 3, NULL, report_services[service].name);
    }
    char anchor[32], title[2 * CC_SERIES_ID_MAX];
    report_series_anchor(i, anchor, sizeof anchor);
    report_series_title(r, s, title, sizeof title);
    cc_html_heading(out, 4, anchor, title);
    st = write_fan(r, i, s, err);
    if (!st) st = write_year_table(r, s, err);
  }
  cc_html_section_end(out);
  return st;
}
