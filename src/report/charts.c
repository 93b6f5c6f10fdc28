/* charts.c: fan, tornado and bar charts (charts.h), laid out in pixels
 * and drawn with the SVG writer. */
#include "carecast/charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/forecast.h"

const double cc_fan_levels[CC_FAN_LEVELS] = {95.0, 80.0, 50.0};

#define FAN_MARGIN_LEFT 84.0
#define FAN_MARGIN_RIGHT 18.0
#define FAN_MARGIN_TOP 44.0    /* room for a two-row legend */
#define FAN_MARGIN_BOTTOM 54.0 /* tick labels and the axis title */
#define TICK_SPACING_MIN 64.0  /* px between period ticks at least ("2019/20" and a gap) */
#define ZERO_BASE_SHARE 0.4    /* start the value axis at zero when the lowest value is below this share of the highest */
#define BAR_ROW 30.0           /* px per tornado bar */
#define BAR_FILL 0.6           /* share of a row or slot a bar fills */
#define TORNADO_LABEL_MAX 300.0/* px, the widest lever label column */
#define CHAR_WIDTH 6.6         /* px per character at the chart font size */
#define WHISKER_CAP 8.0        /* px */
#define BAR_HEIGHT 280.0       /* px of a bar chart */

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

cc_status cc_fan_bands(const double *paths, size_t n_paths, size_t h, double *lower, double *upper, double *median,
                       cc_error *err) {
  if (n_paths == 0 || h == 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "paths", "a fan chart needs sample paths");
  double *column = malloc(n_paths * sizeof *column);
  if (!column) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < h; i++) {
    size_t n = 0;
    for (size_t p = 0; p < n_paths; p++)
      if (!isnan(paths[p * h + i])) column[n++] = paths[p * h + i];
    qsort(column, n, sizeof *column, compare_doubles);
    median[i] = n ? cc_quantile_sorted(column, n, 0.5) : NAN;
    for (size_t l = 0; l < CC_FAN_LEVELS; l++) {
      double tail = (1.0 - cc_fan_levels[l] / 100.0) / 2.0;
      lower[l * h + i] = n ? cc_quantile_sorted(column, n, tail) : NAN;
      upper[l * h + i] = n ? cc_quantile_sorted(column, n, 1.0 - tail) : NAN;
    }
  }
  free(column);
  return CC_OK;
}

/* Widen [*lo, *hi] to take in v[0..n) (NaN skipped). */
static void take_in(const double *v, size_t n, double *lo, double *hi) {
  for (size_t i = 0; v && i < n; i++) {
    if (!isfinite(v[i])) continue;
    if (v[i] < *lo) *lo = v[i];
    if (v[i] > *hi) *hi = v[i];
  }
}

/* The first slot of each year on the time axis (April for months and
 * quarters: English public services plan in financial years), labelled with
 * the financial or calendar year; thinned to every k-th year to fit. */
static size_t period_ticks(cc_period start, size_t n, double plot_width, double *at, char (*labels)[CC_PERIOD_TEXT_MAX],
                           size_t max_ticks) {
  int per_year = cc_freq_per_year(start.freq);
  size_t years = n / (size_t)per_year + 1, fit = (size_t)(plot_width / TICK_SPACING_MIN);
  size_t every = fit > 0 && years > fit ? (years + fit - 1) / fit : 1, count = 0, seen = 0;
  for (size_t i = 0; i < n && count < max_ticks; i++) {
    cc_period p = cc_period_add(start, (int32_t)i);
    int year, month;
    cc_period_start_ym(p, &year, &month);
    int year_start = per_year == 1 || month == 4;
    if (!year_start) continue;
    if (seen++ % every != 0) continue;
    cc_period label = p;
    cc_error ignored;
    if (p.freq == CC_FREQ_MONTH || p.freq == CC_FREQ_QUARTER) {
      if (cc_period_convert(p, CC_FREQ_FYEAR, &label, &ignored) != CC_OK) label = p;
    }
    at[count] = (double)i;
    cc_period_format(label, labels[count], CC_PERIOD_TEXT_MAX);
    count++;
  }
  return count;
}

/* The axis title under the periods. */
static const char *period_axis_title(cc_freq freq) {
  switch (freq) {
  case CC_FREQ_MONTH: return "month (ticks at the start of each financial year, April)";
  case CC_FREQ_QUARTER: return "quarter (ticks at the start of each financial year, April)";
  case CC_FREQ_FYEAR: return "financial year (April to March)";
  case CC_FREQ_YEAR: return "calendar year";
  }
  return "period";
}

#define FAN_TICKS_MAX 64

void cc_chart_fan(FILE *out, const cc_fan_chart *c) {
  size_t offset = (size_t)(c->n_history ? cc_period_diff(c->start, c->first) : 0); /* x of the first forecast */
  size_t n_slots = offset + c->h;
  double lo = INFINITY, hi = -INFINITY;
  take_in(c->history, c->n_history, &lo, &hi);
  take_in(c->mean, c->h, &lo, &hi);
  take_in(c->lower, CC_FAN_LEVELS * c->h, &lo, &hi);
  take_in(c->upper, CC_FAN_LEVELS * c->h, &lo, &hi);
  if (!isfinite(lo)) lo = 0, hi = 1;
  if (lo >= 0 && lo < ZERO_BASE_SHARE * hi) lo = 0;
  cc_svg_frame frame = {.width = CC_CHART_WIDTH, .height = CC_CHART_HEIGHT, .left = FAN_MARGIN_LEFT,
                        .right = FAN_MARGIN_RIGHT, .top = FAN_MARGIN_TOP, .bottom = FAN_MARGIN_BOTTOM,
                        .x_min = -0.5, .x_max = (double)(n_slots ? n_slots : 1) - 0.5};
  double step;
  cc_svg_nice_range(lo, hi, CC_SVG_TICKS_TARGET, &frame.y_min, &frame.y_max, &step);
  cc_svg svg;
  char description[256];
  snprintf(description, sizeof description,
           "%zu observed periods and a forecast of %zu periods with 50%%, 80%% and 95%% intervals", c->n_history, c->h);
  cc_svg_open(&svg, out, c->id, &frame, c->title, description);
  double at[FAN_TICKS_MAX];
  char labels[FAN_TICKS_MAX][CC_PERIOD_TEXT_MAX];
  const char *label_ptrs[FAN_TICKS_MAX];
  cc_period axis_start = c->n_history ? c->start : c->first;
  size_t ticks = period_ticks(axis_start, n_slots, frame.width - frame.left - frame.right, at, labels, FAN_TICKS_MAX);
  for (size_t i = 0; i < ticks; i++) label_ptrs[i] = labels[i];
  cc_svg_axis_y(&svg, step, CC_SVG_NUMBERS_PLAIN, c->y_label);
  cc_svg_axis_x_labels(&svg, ticks, at, label_ptrs, period_axis_title(axis_start.freq));
  /* The forecast's x positions; the last observed value joins the bands
   * and the point forecast to the history. */
  size_t joined = c->h + 1;
  double *x = malloc(joined * sizeof *x), *lower = malloc(joined * sizeof *lower), *upper = malloc(joined * sizeof *upper);
  double *hx = malloc((c->n_history ? c->n_history : 1) * sizeof *hx);
  if (x && lower && upper && hx) {
    double anchor = c->n_history ? c->history[c->n_history - 1] : NAN;
    x[0] = (double)offset - 1.0;
    for (size_t i = 0; i < c->h; i++) x[i + 1] = (double)(offset + i);
    for (size_t l = 0; l < CC_FAN_LEVELS; l++) {
      lower[0] = upper[0] = anchor;
      memcpy(lower + 1, c->lower + l * c->h, c->h * sizeof *lower);
      memcpy(upper + 1, c->upper + l * c->h, c->h * sizeof *upper);
      size_t skip = isfinite(anchor) ? 0 : 1;
      cc_svg_band(&svg, joined - skip, x + skip, lower + skip, upper + skip, (cc_svg_ink)(CC_SVG_INK_BAND95 + l));
    }
    for (size_t i = 0; i < c->n_history; i++) hx[i] = (double)i;
    if (c->n_history) cc_svg_line(&svg, c->n_history, hx, c->history, CC_SVG_INK_HISTORY);
    lower[0] = anchor;
    memcpy(lower + 1, c->mean, c->h * sizeof *lower);
    size_t skip = isfinite(anchor) ? 0 : 1;
    cc_svg_line(&svg, joined - skip, x + skip, lower + skip, CC_SVG_INK_FORECAST);
  }
  free(x);
  free(lower);
  free(upper);
  free(hx);
  if (c->n_history) cc_svg_vline(&svg, (double)offset - 0.5, "forecast");
  const cc_svg_legend_item legend[] = {
      {CC_SVG_INK_HISTORY, 1, "observed"},      {CC_SVG_INK_FORECAST, 1, "forecast (mean)"},
      {CC_SVG_INK_BAND50, 0, "50% interval"},   {CC_SVG_INK_BAND80, 0, "80% interval"},
      {CC_SVG_INK_BAND95, 0, "95% interval"},
  };
  cc_svg_legend(&svg, sizeof legend / sizeof *legend, legend);
  cc_svg_close(&svg);
}

void cc_chart_tornado(FILE *out, const cc_tornado_chart *c) {
  size_t longest = 0;
  for (size_t i = 0; i < c->n; i++) {
    size_t len = strlen(c->bars[i].label ? c->bars[i].label : "");
    if (len > longest) longest = len;
  }
  double lo = c->centre, hi = c->centre;
  for (size_t i = 0; i < c->n; i++) {
    take_in(&c->bars[i].at_low, 1, &lo, &hi);
    take_in(&c->bars[i].at_high, 1, &lo, &hi);
  }
  cc_svg_frame frame = {.width = CC_CHART_WIDTH, .left = fmin(TORNADO_LABEL_MAX, CHAR_WIDTH * (double)longest + 16),
                        .right = 24, .top = FAN_MARGIN_TOP, .bottom = FAN_MARGIN_BOTTOM,
                        .y_min = 0, .y_max = (double)(c->n ? c->n : 1)};
  frame.height = frame.top + frame.bottom + BAR_ROW * frame.y_max;
  double step;
  cc_svg_nice_range(lo, hi, CC_SVG_TICKS_TARGET, &frame.x_min, &frame.x_max, &step);
  cc_svg svg;
  cc_svg_open(&svg, out, c->id, &frame, c->title,
              "each lever's low and high end with the other levers central; the largest swing on top");
  cc_svg_axis_x(&svg, step, c->numbers, c->x_label);
  for (size_t i = 0; i < c->n; i++) {
    const cc_tornado_bar *b = &c->bars[i];
    double top = frame.y_max - (double)i - (1 - BAR_FILL) / 2, bottom = top - BAR_FILL;
    char tip[160];
    snprintf(tip, sizeof tip, "%s at its low end", b->label);
    /* the longer side first, so the shorter stays visible where they overlap */
    int low_first = fabs(b->at_low - c->centre) >= fabs(b->at_high - c->centre);
    for (int k = 0; k < 2; k++) {
      int low = (k == 0) == low_first;
      double end = low ? b->at_low : b->at_high;
      if (!isfinite(end)) continue;
      snprintf(tip, sizeof tip, "%s at its %s end", b->label, low ? "low" : "high");
      cc_svg_rect(&svg, c->centre, bottom, end, top, low ? CC_SVG_INK_LOW : CC_SVG_INK_HIGH, tip);
    }
    cc_svg_text(&svg, frame.left - 6, cc_svg_py(&svg, (top + bottom) / 2) + CC_SVG_FONT_SIZE / 3.0, "end", b->label);
  }
  cc_svg_vline(&svg, c->centre, NULL);
  const cc_svg_legend_item legend[] = {{CC_SVG_INK_LOW, 0, "lever at the low end of its range"},
                                       {CC_SVG_INK_HIGH, 0, "lever at the high end"},
                                       {CC_SVG_INK_MARKER, 1, "all levers central"}};
  cc_svg_legend(&svg, sizeof legend / sizeof *legend, legend);
  cc_svg_close(&svg);
}

void cc_chart_bars(FILE *out, const cc_bar_chart *c) {
  double lo = 0, hi = 0;
  for (size_t i = 0; i < c->n; i++) {
    take_in(&c->items[i].value, 1, &lo, &hi);
    take_in(&c->items[i].lo, 1, &lo, &hi);
    take_in(&c->items[i].hi, 1, &lo, &hi);
  }
  cc_svg_frame frame = {.width = CC_CHART_WIDTH, .height = BAR_HEIGHT, .left = FAN_MARGIN_LEFT,
                        .right = FAN_MARGIN_RIGHT, .top = FAN_MARGIN_TOP, .bottom = FAN_MARGIN_BOTTOM,
                        .x_min = -0.5, .x_max = (double)(c->n ? c->n : 1) - 0.5};
  double step;
  cc_svg_nice_range(lo, hi, CC_SVG_TICKS_TARGET, &frame.y_min, &frame.y_max, &step);
  cc_svg svg;
  cc_svg_open(&svg, out, c->id, &frame, c->title, c->interval_name);
  cc_svg_axis_y(&svg, step, c->numbers, c->y_label);
  double at[FAN_TICKS_MAX];
  const char *labels[FAN_TICKS_MAX];
  size_t n_ticks = c->n < FAN_TICKS_MAX ? c->n : FAN_TICKS_MAX;
  for (size_t i = 0; i < n_ticks; i++) {
    at[i] = (double)i;
    labels[i] = c->items[i].label;
  }
  cc_svg_axis_x_labels(&svg, n_ticks, at, labels, c->x_label);
  int any_negative = 0;
  for (size_t i = 0; i < c->n; i++) {
    const cc_bar_item *b = &c->items[i];
    if (!isfinite(b->value)) continue;
    any_negative |= b->value < 0;
    cc_svg_rect(&svg, (double)i - BAR_FILL / 2, 0, (double)i + BAR_FILL / 2, b->value,
                b->value < 0 ? CC_SVG_INK_BAR_NEGATIVE : CC_SVG_INK_BAR, b->label);
    if (isfinite(b->lo) && isfinite(b->hi)) cc_svg_whisker(&svg, (double)i, b->lo, (double)i, b->hi, WHISKER_CAP);
  }
  cc_svg_hline(&svg, 0);
  cc_svg_legend_item legend[] = {{CC_SVG_INK_BAR, 0, c->value_name},
                                 {CC_SVG_INK_WHISKER, 1, c->interval_name},
                                 {CC_SVG_INK_BAR_NEGATIVE, 0, "below zero (a net cost)"}};
  cc_svg_legend(&svg, any_negative ? 3 : 2, legend);
  cc_svg_close(&svg);
}
