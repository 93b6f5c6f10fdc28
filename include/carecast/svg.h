/* svg.h: a small writer of SVG charts, inline in the HTML report.
 *
 * A chart is a frame (its size in pixels, margins, and the data ranges of
 * its two axes) and marks drawn in data coordinates: lines (broken at NaN),
 * bands between two lines, rectangles, whiskers, text, axes with ticks and
 * labels, and a legend. Every text is XML-escaped. Colours come from one
 * palette whose entries differ in lightness and dash pattern, not only in
 * hue, so charts stay readable printed in greyscale.
 *
 * Output goes straight to a FILE; the caller checks ferror() at the end.
 * The writer holds no memory: a cc_svg lives on the caller's stack. */
#ifndef CARECAST_SVG_H
#define CARECAST_SVG_H

#include <stddef.h>
#include <stdio.h>

#define CC_SVG_ID_MAX 48          /* an element id, with its NUL */
#define CC_SVG_TICKS_TARGET 6     /* about how many ticks a numeric axis gets */
#define CC_SVG_FONT_SIZE 12       /* px, tick and legend labels */

/* The palette: what a mark shows. Each entry has a fill, a stroke, a width
 * and a dash pattern chosen to stay distinct in greyscale. */
typedef enum cc_svg_ink {
  CC_SVG_INK_HISTORY = 0,  /* observed values: near black, solid */
  CC_SVG_INK_FORECAST,     /* point forecast: dark blue, dashed */
  CC_SVG_INK_BAND95,       /* 95% band: lightest fill */
  CC_SVG_INK_BAND80,       /* 80% band: light fill */
  CC_SVG_INK_BAND50,       /* 50% band: mid fill */
  CC_SVG_INK_BAR,          /* a bar (a saving): mid-dark fill */
  CC_SVG_INK_BAR_NEGATIVE, /* a bar below zero (a cost): light fill, dark outline */
  CC_SVG_INK_LOW,          /* tornado: a lever at its low end, light */
  CC_SVG_INK_HIGH,         /* tornado: a lever at its high end, dark */
  CC_SVG_INK_WHISKER,      /* an interval's whisker: black */
  CC_SVG_INK_MARKER,       /* a reference line (forecast start, zero): grey, dotted */
  CC_SVG_INK_COUNT
} cc_svg_ink;

/* How a numeric axis labels its ticks. */
typedef enum cc_svg_numbers {
  CC_SVG_NUMBERS_PLAIN = 0, /* grouped: 1,250 */
  CC_SVG_NUMBERS_MONEY = 1, /* pounds: £1.5m, £250k */
} cc_svg_numbers;

typedef struct cc_svg_frame {
  double width, height;           /* the picture, px */
  double left, right, top, bottom;/* margins around the plot area, px */
  double x_min, x_max;            /* data range across the plot area */
  double y_min, y_max;            /* data range up the plot area */
} cc_svg_frame;

typedef struct cc_svg {
  FILE *out;            /* where the markup goes */
  cc_svg_frame frame;   /* as opened */
  char id[CC_SVG_ID_MAX]; /* the chart's id, unique in its document */
} cc_svg;

typedef struct cc_svg_legend_item {
  cc_svg_ink ink;     /* its swatch */
  int as_line;        /* 1: a line swatch (for lines), 0: a filled box (bands, bars) */
  const char *label;  /* what it means (escaped when written) */
} cc_svg_legend_item;

/* Start a chart with id (unique in the document; letters, digits, '-' and
 * '_' only, others are replaced by '_'), an accessible title and a longer
 * description (both may be NULL). The frame's ranges must be finite with
 * max > min. */
void cc_svg_open(cc_svg *svg, FILE *out, const char *id, const cc_svg_frame *frame, const char *title,
                 const char *description);

/* End the chart. */
void cc_svg_close(cc_svg *svg);

/* Pixel coordinates of data x and y. */
double cc_svg_px(const cc_svg *svg, double x);
double cc_svg_py(const cc_svg *svg, double y);

/* Nice ticks for a data range [lo, hi]: a step of 1, 2, 2.5 or 5 times a
 * power of ten giving about `target` intervals, and the range widened to
 * multiples of it (*axis_lo <= lo, *axis_hi >= hi). A range of zero width
 * is widened around its value first. */
void cc_svg_nice_range(double lo, double hi, int target, double *axis_lo, double *axis_hi, double *step);

/* The vertical axis: gridlines and labelled ticks every `step` from the
 * frame's y_min (which should be a multiple of step, cc_svg_nice_range),
 * and the axis title `label` (e.g. "people", "£ per year") written up the side. */
void cc_svg_axis_y(cc_svg *svg, double step, cc_svg_numbers numbers, const char *label);

/* The horizontal axis as numbers (as cc_svg_axis_y, for horizontal bars). */
void cc_svg_axis_x(cc_svg *svg, double step, cc_svg_numbers numbers, const char *label);

/* The horizontal axis with n ticks at data x positions at[] labelled
 * labels[] (periods, categories), and its title. */
void cc_svg_axis_x_labels(cc_svg *svg, size_t n, const double *at, const char *const *labels, const char *label);

/* A line through (x[i], y[i]), broken where y is NaN. */
void cc_svg_line(cc_svg *svg, size_t n, const double *x, const double *y, cc_svg_ink ink);

/* The area between lo[] and hi[] over x[] (NaN points break it into pieces). */
void cc_svg_band(cc_svg *svg, size_t n, const double *x, const double *lo, const double *hi, cc_svg_ink ink);

/* A rectangle between data corners (x0, y0) and (x1, y1), with a tooltip title (may be NULL). */
void cc_svg_rect(cc_svg *svg, double x0, double y0, double x1, double y1, cc_svg_ink ink, const char *title);

/* An interval: a whisker from (x0, y0) to (x1, y1) with caps `cap` px wide at its ends. */
void cc_svg_whisker(cc_svg *svg, double x0, double y0, double x1, double y1, double cap);

/* A vertical reference line at data x (marker ink) labelled `label` (may be NULL) at its top. */
void cc_svg_vline(cc_svg *svg, double x, const char *label);

/* A horizontal reference line at data y (marker ink). */
void cc_svg_hline(cc_svg *svg, double y);

/* Text at pixel position (px, py); anchor "start", "middle" or "end". */
void cc_svg_text(cc_svg *svg, double px, double py, const char *anchor, const char *text);

/* A legend of n items in one row along the top margin. */
void cc_svg_legend(cc_svg *svg, size_t n, const cc_svg_legend_item *items);

/* Write text with XML's special characters (& < > " ') escaped and control
 * characters other than tab and newline dropped (XML 1.0 forbids them). */
void cc_svg_escape(FILE *out, const char *text);

#endif
