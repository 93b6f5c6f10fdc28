/* charts.h: the report's three kinds of chart, drawn with svg.h.
 *
 * - A fan chart: a series' history and its forecast, the point forecast
 *   with the 50%, 80% and 95% intervals around it as nested bands, the
 *   widest lightest (Bank of England style). The bands come from the
 *   forecast's sample paths (cc_fan_bands) so that every level is on the
 *   same footing; where a forecast kept no paths its stored bounds are used.
 * - A tornado chart: how far the net present value moves when each lever
 *   goes from the low to the high end of its range, largest swing on top.
 * - A bar chart with whiskers: a median per category (a year) with its P10
 *   to P90 interval.
 * Axes, units, periods and legends are labelled on every chart. */
#ifndef CARECAST_CHARTS_H
#define CARECAST_CHARTS_H

#include <stddef.h>
#include <stdio.h>

#include "carecast/error.h"
#include "carecast/period.h"
#include "carecast/svg.h"

#define CC_FAN_LEVELS 3 /* the bands of a fan chart */

/* The bands' levels in percent, widest first (the order they are drawn in
 * and the order of the bounds in cc_fan_chart): 95, 80, 50. */
extern const double cc_fan_levels[CC_FAN_LEVELS];

#define CC_CHART_WIDTH 760.0   /* px: fits a laptop screen and an A4 page in portrait */
#define CC_CHART_HEIGHT 300.0  /* px of a fan chart */

/* Bands from n_paths sample paths of h steps (path-major: paths[p * h + i]):
 * for each step i, lower[l * h + i] and upper[l * h + i] are the
 * (1 - level/100)/2 and (1 + level/100)/2 quantiles (R's type 7,
 * cc_quantile_sorted) of the paths' values at that step for each level of
 * cc_fan_levels, and median[i] their median. NaN values in a path are left
 * out; a step with no value gets NaN bounds. The caller gives arrays of
 * CC_FAN_LEVELS * h (lower, upper) and h (median). CC_EUSAGE when n_paths
 * or h is 0, CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_fan_bands(const double *paths, size_t n_paths, size_t h, double *lower, double *upper,
                                     double *median, cc_error *err);

typedef struct cc_fan_chart {
  const char *id;          /* unique in the document */
  const char *title;       /* what the series is */
  const char *y_label;     /* the unit, e.g. "people at month end" */
  cc_period start;         /* period of history[0] */
  size_t n_history;        /* values of history shown */
  const double *history;   /* NaN where missing or suppressed */
  cc_period first;         /* the first forecast period (same frequency as start) */
  size_t h;                /* forecast steps */
  const double *mean;      /* h point forecasts */
  const double *lower;     /* CC_FAN_LEVELS * h bounds, level-major in cc_fan_levels' order; NaN: level absent */
  const double *upper;     /* same layout */
} cc_fan_chart;

/* Draw c as an inline SVG to out. */
void cc_chart_fan(FILE *out, const cc_fan_chart *c);

typedef struct cc_tornado_bar {
  const char *label;  /* the lever */
  double at_low;      /* the outcome with the lever at the low end of its range */
  double at_high;     /* ... at the high end */
} cc_tornado_bar;

typedef struct cc_tornado_chart {
  const char *id, *title;
  const char *x_label;           /* e.g. "net present value, £" */
  cc_svg_numbers numbers;        /* how the outcome axis is labelled */
  double centre;                 /* the outcome with every lever central: the bars start there */
  size_t n;
  const cc_tornado_bar *bars;    /* drawn in this order, top to bottom */
} cc_tornado_chart;

/* Draw c as an inline SVG to out. */
void cc_chart_tornado(FILE *out, const cc_tornado_chart *c);

typedef struct cc_bar_item {
  const char *label;   /* the category (a year) */
  double value;        /* the bar (P50) */
  double lo, hi;       /* the whisker (P10, P90); NaN for none */
} cc_bar_item;

typedef struct cc_bar_chart {
  const char *id, *title;
  const char *y_label, *x_label;
  const char *value_name;     /* legend of the bars, e.g. "net saving, P50" */
  const char *interval_name;  /* legend of the whiskers, e.g. "P10 to P90" */
  cc_svg_numbers numbers;
  size_t n;
  const cc_bar_item *items;
} cc_bar_chart;

/* Draw c as an inline SVG to out. */
void cc_chart_bars(FILE *out, const cc_bar_chart *c);

#endif
