/* svg.c: a small SVG chart writer (svg.h).
 *
 * Marks are written with presentation attributes (fill, stroke, dash)
 * rather than classes, so a chart looks the same pasted anywhere. Data
 * marks carry class "mark": the report's check script counts them to tell
 * that a chart has drawn. Coordinates are written with one decimal, which
 * is a tenth of a pixel and keeps the markup small. */
#include "carecast/svg.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "carecast/numfmt.h"

#define TICK_LENGTH 4.0       /* px */
#define LABEL_GAP 3.0         /* px between a tick and its label */
#define CHAR_WIDTH 6.6        /* px, the average width of a character at CC_SVG_FONT_SIZE (legend layout) */
#define LEGEND_SWATCH 14.0    /* px, width of a legend swatch */
#define LEGEND_GAP 16.0       /* px between legend items */
#define LEGEND_ROW 16.0       /* px between legend rows */
#define TITLE_OFFSET 14.0     /* px from the plot to an axis title, beyond the tick labels */
#define Y_LABEL_WIDTH 52.0    /* px of the left margin tick labels may take */
#define TICKS_MAX 64          /* a guard: an axis never writes more ticks than this */

#define COLOUR_GRID "#e3e3e3"
#define COLOUR_AXIS "#404040"
#define COLOUR_TEXT "#1a1a1a"

typedef struct ink_style {
  const char *fill;   /* "none" for lines */
  const char *stroke; /* "none" for plain fills */
  double width;       /* stroke width, px */
  const char *dash;   /* stroke-dasharray, NULL for solid */
} ink_style;

/* Lightness steps (relative luminance in brackets) keep the inks apart in
 * greyscale: the bands 0.81 > 0.51 > 0.27, the point forecast 0.03 over
 * them and dashed, history solid near black, bars 0.16 against costs 0.66. */
static const ink_style palette[CC_SVG_INK_COUNT] = {
    [CC_SVG_INK_HISTORY] = {"none", "#1a1a1a", 1.6, NULL},
    [CC_SVG_INK_FORECAST] = {"none", "#08306b", 2.0, "6 3"},
    [CC_SVG_INK_BAND95] = {"#deebf7", "none", 0, NULL},
    [CC_SVG_INK_BAND80] = {"#9ecae1", "none", 0, NULL},
    [CC_SVG_INK_BAND50] = {"#4292c6", "none", 0, NULL},
    [CC_SVG_INK_BAR] = {"#2171b5", "#08306b", 1.0, NULL},
    [CC_SVG_INK_BAR_NEGATIVE] = {"#fdd0a2", "#a63603", 1.0, NULL},
    [CC_SVG_INK_LOW] = {"#c6dbef", "#4292c6", 1.0, NULL},
    [CC_SVG_INK_HIGH] = {"#08519c", "#08306b", 1.0, NULL},
    [CC_SVG_INK_WHISKER] = {"none", "#000000", 1.3, NULL},
    [CC_SVG_INK_MARKER] = {"none", "#737373", 1.0, "2 3"},
};

void cc_svg_escape(FILE *out, const char *text) {
  for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
    switch (*p) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default:
      if (*p >= 0x20 || *p == '\t' || *p == '\n') fputc(*p, out);
    }
  }
}

static void write_ink(FILE *out, cc_svg_ink ink) {
  assert(ink < CC_SVG_INK_COUNT);
  const ink_style *s = &palette[ink];
  fprintf(out, " fill=\"%s\" stroke=\"%s\"", s->fill, s->stroke);
  if (s->width > 0) fprintf(out, " stroke-width=\"%.1f\"", s->width);
  if (s->dash) fprintf(out, " stroke-dasharray=\"%s\"", s->dash);
}

void cc_svg_open(cc_svg *svg, FILE *out, const char *id, const cc_svg_frame *frame, const char *title,
                 const char *description) {
  assert(isfinite(frame->x_min) && isfinite(frame->x_max) && frame->x_max > frame->x_min);
  assert(isfinite(frame->y_min) && isfinite(frame->y_max) && frame->y_max > frame->y_min);
  svg->out = out;
  svg->frame = *frame;
  size_t i = 0;
  for (; id && id[i] && i + 1 < sizeof svg->id; i++) {
    char c = id[i];
    int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    svg->id[i] = plain ? c : '_';
  }
  svg->id[i] = '\0';
  fprintf(out,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"%s\" width=\"%.0f\" height=\"%.0f\" "
          "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"%s-title\" font-family=\"sans-serif\" "
          "font-size=\"%d\">\n<title id=\"%s-title\">",
          svg->id, frame->width, frame->height, frame->width, frame->height, svg->id, CC_SVG_FONT_SIZE, svg->id);
  cc_svg_escape(out, title);
  fputs("</title>\n", out);
  if (description) {
    fputs("<desc>", out);
    cc_svg_escape(out, description);
    fputs("</desc>\n", out);
  }
}

void cc_svg_close(cc_svg *svg) { fputs("</svg>\n", svg->out); }

double cc_svg_px(const cc_svg *svg, double x) {
  const cc_svg_frame *f = &svg->frame;
  return f->left + (x - f->x_min) / (f->x_max - f->x_min) * (f->width - f->left - f->right);
}

double cc_svg_py(const cc_svg *svg, double y) {
  const cc_svg_frame *f = &svg->frame;
  return f->height - f->bottom - (y - f->y_min) / (f->y_max - f->y_min) * (f->height - f->top - f->bottom);
}

void cc_svg_nice_range(double lo, double hi, int target, double *axis_lo, double *axis_hi, double *step) {
  if (!isfinite(lo) || !isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (hi - lo < 1e-12 * fmax(1.0, fabs(hi))) { /* a flat series: show its value in the middle */
    double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1.0;
    lo -= pad;
    hi += pad;
  }
  if (target < 1) target = 1;
  double raw = (hi - lo) / target, power = pow(10.0, floor(log10(raw))), fraction = raw / power;
  double nice = fraction <= 1.0 ? 1.0 : fraction <= 2.0 ? 2.0 : fraction <= 2.5 ? 2.5 : fraction <= 5.0 ? 5.0 : 10.0;
  *step = nice * power;
  *axis_lo = floor(lo / *step + 1e-9) * *step;
  *axis_hi = ceil(hi / *step - 1e-9) * *step;
  if (*axis_hi <= *axis_lo) *axis_hi = *axis_lo + *step;
}

static void tick_label(double value, double step, double scale, cc_svg_numbers numbers, char *buf, size_t len) {
  if (fabs(value) < 1e-9 * step) value = 0;
  if (numbers == CC_SVG_NUMBERS_MONEY) cc_numfmt_money_tick(value, step, scale, buf, len);
  else cc_numfmt_tick(value, step, buf, len);
}

void cc_svg_axis_y(cc_svg *svg, double step, cc_svg_numbers numbers, const char *label) {
  const cc_svg_frame *f = &svg->frame;
  FILE *out = svg->out;
  double x0 = f->left, x1 = f->width - f->right, scale = fmax(fabs(f->y_min), fabs(f->y_max));
  fputs("<g class=\"axis y\">\n", out);
  for (int i = 0; i < TICKS_MAX && step > 0; i++) {
    double value = f->y_min + i * step;
    if (value > f->y_max + 1e-9 * step) break;
    double y = cc_svg_py(svg, value);
    char text[CC_NUMFMT_MAX];
    tick_label(value, step, scale, numbers, text, sizeof text);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x0, y, x1, y, COLOUR_GRID);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"%s\">%s</text>\n",
            x0 - TICK_LENGTH - LABEL_GAP, y, COLOUR_TEXT, text);
  }
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x0, (double)f->top, x0,
          f->height - f->bottom, COLOUR_AXIS);
  if (label) {
    double cx = fmax(CC_SVG_FONT_SIZE, x0 - Y_LABEL_WIDTH - TITLE_OFFSET), cy = (f->top + f->height - f->bottom) / 2;
    fprintf(out, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" "
                 "transform=\"rotate(-90 %.1f %.1f)\">", cx, cy, COLOUR_TEXT, cx, cy);
    cc_svg_escape(out, label);
    fputs("</text>\n", out);
  }
  fputs("</g>\n", out);
}

/* The horizontal axis line and its title below the tick labels. */
static void x_axis_frame(cc_svg *svg, const char *label) {
  const cc_svg_frame *f = &svg->frame;
  double y = f->height - f->bottom;
  fprintf(svg->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", (double)f->left, y,
          f->width - f->right, y, COLOUR_AXIS);
  if (label) {
    fprintf(svg->out, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">",
            (f->left + f->width - f->right) / 2, y + TICK_LENGTH + LABEL_GAP + 2 * CC_SVG_FONT_SIZE + TITLE_OFFSET / 2,
            COLOUR_TEXT);
    cc_svg_escape(svg->out, label);
    fputs("</text>\n", svg->out);
  }
}

/* One tick below the plot at pixel x, labelled. */
static void x_tick(cc_svg *svg, double x, const char *text) {
  const cc_svg_frame *f = &svg->frame;
  double y = f->height - f->bottom;
  fprintf(svg->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x, y, x, y + TICK_LENGTH,
          COLOUR_AXIS);
  fprintf(svg->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" dominant-baseline=\"hanging\" fill=\"%s\">", x,
          y + TICK_LENGTH + LABEL_GAP, COLOUR_TEXT);
  cc_svg_escape(svg->out, text);
  fputs("</text>\n", svg->out);
}

void cc_svg_axis_x(cc_svg *svg, double step, cc_svg_numbers numbers, const char *label) {
  const cc_svg_frame *f = &svg->frame;
  double scale = fmax(fabs(f->x_min), fabs(f->x_max));
  fputs("<g class=\"axis x\">\n", svg->out);
  for (int i = 0; i < TICKS_MAX && step > 0; i++) {
    double value = f->x_min + i * step;
    if (value > f->x_max + 1e-9 * step) break;
    double x = cc_svg_px(svg, value);
    char text[CC_NUMFMT_MAX];
    tick_label(value, step, scale, numbers, text, sizeof text);
    fprintf(svg->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x, (double)f->top, x,
            f->height - f->bottom, COLOUR_GRID);
    x_tick(svg, x, text);
  }
  x_axis_frame(svg, label);
  fputs("</g>\n", svg->out);
}

void cc_svg_axis_x_labels(cc_svg *svg, size_t n, const double *at, const char *const *labels, const char *label) {
  fputs("<g class=\"axis x\">\n", svg->out);
  for (size_t i = 0; i < n; i++) x_tick(svg, cc_svg_px(svg, at[i]), labels[i]);
  x_axis_frame(svg, label);
  fputs("</g>\n", svg->out);
}

void cc_svg_line(cc_svg *svg, size_t n, const double *x, const double *y, cc_svg_ink ink) {
  int drawing = 0, any = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(y[i]) || !isfinite(x[i])) {
      drawing = 0;
      continue;
    }
    if (!any) fputs("<path class=\"mark\" d=\"", svg->out);
    fprintf(svg->out, "%s%.1f %.1f", drawing ? " L" : (any ? " M" : "M"), cc_svg_px(svg, x[i]), cc_svg_py(svg, y[i]));
    drawing = any = 1;
  }
  if (!any) return;
  fputc('"', svg->out);
  write_ink(svg->out, ink);
  fputs(" stroke-linejoin=\"round\"/>\n", svg->out);
}

void cc_svg_band(cc_svg *svg, size_t n, const double *x, const double *lo, const double *hi, cc_svg_ink ink) {
  size_t i = 0;
  while (i < n) {
    while (i < n && !(isfinite(lo[i]) && isfinite(hi[i]) && isfinite(x[i]))) i++;
    size_t start = i;
    while (i < n && isfinite(lo[i]) && isfinite(hi[i]) && isfinite(x[i])) i++;
    if (i == start) continue;
    fputs("<path class=\"mark\" d=\"", svg->out);
    for (size_t j = start; j < i; j++)
      fprintf(svg->out, "%s%.1f %.1f", j == start ? "M" : " L", cc_svg_px(svg, x[j]), cc_svg_py(svg, hi[j]));
    for (size_t j = i; j-- > start;) fprintf(svg->out, " L%.1f %.1f", cc_svg_px(svg, x[j]), cc_svg_py(svg, lo[j]));
    fputs(" Z\"", svg->out);
    write_ink(svg->out, ink);
    fputs("/>\n", svg->out);
  }
}

void cc_svg_rect(cc_svg *svg, double x0, double y0, double x1, double y1, cc_svg_ink ink, const char *title) {
  double px0 = cc_svg_px(svg, x0), px1 = cc_svg_px(svg, x1), py0 = cc_svg_py(svg, y0), py1 = cc_svg_py(svg, y1);
  fprintf(svg->out, "<rect class=\"mark\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", fmin(px0, px1),
          fmin(py0, py1), fabs(px1 - px0), fabs(py1 - py0));
  write_ink(svg->out, ink);
  if (!title) {
    fputs("/>\n", svg->out);
    return;
  }
  fputs("><title>", svg->out);
  cc_svg_escape(svg->out, title);
  fputs("</title></rect>\n", svg->out);
}

void cc_svg_whisker(cc_svg *svg, double x0, double y0, double x1, double y1, double cap) {
  double px0 = cc_svg_px(svg, x0), px1 = cc_svg_px(svg, x1), py0 = cc_svg_py(svg, y0), py1 = cc_svg_py(svg, y1);
  int vertical = fabs(px1 - px0) < fabs(py1 - py0);
  double h = cap / 2;
  fprintf(svg->out, "<path class=\"mark\" d=\"M%.1f %.1f L%.1f %.1f", px0, py0, px1, py1);
  if (vertical)
    fprintf(svg->out, " M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\"", px0 - h, py0, px0 + h, py0, px1 - h, py1,
            px1 + h, py1);
  else
    fprintf(svg->out, " M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\"", px0, py0 - h, px0, py0 + h, px1, py1 - h, px1,
            py1 + h);
  write_ink(svg->out, CC_SVG_INK_WHISKER);
  fputs("/>\n", svg->out);
}

void cc_svg_vline(cc_svg *svg, double x, const char *label) {
  const cc_svg_frame *f = &svg->frame;
  double px = cc_svg_px(svg, x);
  fprintf(svg->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"", px, (double)f->top, px,
          f->height - f->bottom);
  write_ink(svg->out, CC_SVG_INK_MARKER);
  fputs("/>\n", svg->out);
  if (label) cc_svg_text(svg, px + LABEL_GAP, f->top + CC_SVG_FONT_SIZE, "start", label);
}

void cc_svg_hline(cc_svg *svg, double y) {
  const cc_svg_frame *f = &svg->frame;
  double py = cc_svg_py(svg, y);
  fprintf(svg->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"", (double)f->left, py, f->width - f->right,
          py);
  write_ink(svg->out, CC_SVG_INK_MARKER);
  fputs("/>\n", svg->out);
}

void cc_svg_text(cc_svg *svg, double px, double py, const char *anchor, const char *text) {
  fprintf(svg->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">", px, py, anchor, COLOUR_TEXT);
  cc_svg_escape(svg->out, text);
  fputs("</text>\n", svg->out);
}

void cc_svg_legend(cc_svg *svg, size_t n, const cc_svg_legend_item *items) {
  const cc_svg_frame *f = &svg->frame;
  double x = f->left, y = LEGEND_ROW;
  fputs("<g class=\"legend\">\n", svg->out);
  for (size_t i = 0; i < n; i++) {
    double width = LEGEND_SWATCH + LABEL_GAP + CHAR_WIDTH * (double)strlen(items[i].label ? items[i].label : "");
    if (x > f->left && x + width > f->width - f->right) { /* wrap to a new row */
      x = f->left;
      y += LEGEND_ROW;
    }
    double mid = y - CC_SVG_FONT_SIZE / 3.0;
    if (items[i].as_line) fprintf(svg->out, "<path d=\"M%.1f %.1f L%.1f %.1f\"", x, mid, x + LEGEND_SWATCH, mid);
    else fprintf(svg->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, mid - 5, LEGEND_SWATCH, 10.0);
    write_ink(svg->out, items[i].ink);
    fputs("/>", svg->out);
    cc_svg_text(svg, x + LEGEND_SWATCH + LABEL_GAP, y, "start", items[i].label);
    x += width + LEGEND_GAP;
  }
  fputs("</g>\n", svg->out);
}
