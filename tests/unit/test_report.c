/* test_report.c: the report's writers (src/report): number formatting
 * against hand-worked texts, nice axis ranges, the SVG charts parsed as XML
 * by Python's xml.dom.minidom (well-formed, labelled, special characters
 * escaped), fan bands against closed-form quantiles and their nesting, and
 * the disclosure hook: on a small store built with the carecast binary,
 * every count the report prints passes through it (a hook that suppresses
 * everything leaves no count of people on the page), and --internal marks
 * the page. */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/charts.h"
#include "carecast/html.h"
#include "carecast/numfmt.h"
#include "carecast/report.h"
#include "carecast/svg.h"
#include "testutil.h"

#define QUANTILE_TOLERANCE 1e-12 /* type-7 quantiles of an exact grid are exact up to rounding */

static void check_text(const char *got, const char *expected) { ck_assert_str_eq(got, expected); }

START_TEST(test_numbers) {
  char b[CC_NUMFMT_MAX];
  check_text(cc_numfmt_grouped(1234567.8, 0, b, sizeof b), "1,234,568");
  check_text(cc_numfmt_grouped(-1234.56, 1, b, sizeof b), "-1,234.6");
  check_text(cc_numfmt_grouped(999.5, 0, b, sizeof b), "1,000");
  check_text(cc_numfmt_grouped(-0.001, 2, b, sizeof b), "0.00");
  check_text(cc_numfmt_grouped(12, 0, b, sizeof b), "12");
  check_text(cc_numfmt_grouped(NAN, 0, b, sizeof b), CC_NUMFMT_MISSING);
  check_text(cc_numfmt_grouped(-INFINITY, 0, b, sizeof b), "-\u221e");
  check_text(cc_numfmt_count(2.8, b, sizeof b), "2.8");
  check_text(cc_numfmt_count(3, b, sizeof b), "3");
  check_text(cc_numfmt_count(12345.4, b, sizeof b), "12,345");
  check_text(cc_numfmt_money(1234567, b, sizeof b), "\u00a31.23m");
  check_text(cc_numfmt_money(-834154.33, b, sizeof b), "-\u00a3834k");
  check_text(cc_numfmt_money(640.2, b, sizeof b), "\u00a3640");
  check_text(cc_numfmt_money(-0.2, b, sizeof b), "\u00a30");
  check_text(cc_numfmt_percent(0.873, 1, b, sizeof b), "87.3%");
  ck_assert_int_eq(cc_numfmt_step_decimals(5), 0);
  ck_assert_int_eq(cc_numfmt_step_decimals(0.5), 1);
  ck_assert_int_eq(cc_numfmt_step_decimals(0.25), 2);
  ck_assert_int_eq(cc_numfmt_step_decimals(0.1), 1);
  ck_assert_int_eq(cc_numfmt_step_decimals(2e-3), 3);
  check_text(cc_numfmt_tick(2500, 500, b, sizeof b), "2,500");
  check_text(cc_numfmt_tick(0.75, 0.25, b, sizeof b), "0.75");
  check_text(cc_numfmt_money_tick(2.5e6, 2.5e6, 15e6, b, sizeof b), "\u00a32.5m");
  check_text(cc_numfmt_money_tick(-2e6, 2e6, 6e6, b, sizeof b), "-\u00a32m");
  check_text(cc_numfmt_money_tick(250e3, 250e3, 900e3, b, sizeof b), "\u00a3250k");
  check_text(cc_numfmt_money_tick(0, 2.5e6, 15e6, b, sizeof b), "\u00a30");
  /* a buffer too short is cut, never overrun */
  char small[4];
  cc_numfmt_grouped(1234567, 0, small, sizeof small);
  ck_assert_uint_eq(strlen(small), 3);
}
END_TEST

START_TEST(test_nice_range) {
  double lo, hi, step;
  cc_svg_nice_range(3, 97, 6, &lo, &hi, &step);
  ck_assert(step == 20 && lo == 0 && hi == 100);
  cc_svg_nice_range(0.012, 0.049, 6, &lo, &hi, &step); /* 0.037 / 6 = 0.0062: up to the next nice step, 0.01 */
  ck_assert_msg(fabs(step - 0.01) < 1e-15 && fabs(lo - 0.01) < 1e-15 && fabs(hi - 0.05) < 1e-15, "step %g lo %g hi %g",
                step, lo, hi);
  cc_svg_nice_range(-1.2e6, 3.4e6, 6, &lo, &hi, &step);
  ck_assert(step == 1e6 && lo == -2e6 && hi == 4e6);
  cc_svg_nice_range(50, 50, 6, &lo, &hi, &step); /* a flat series still gets a range around its value */
  ck_assert(lo < 50 && hi > 50 && step > 0);
  cc_svg_nice_range(NAN, 1, 6, &lo, &hi, &step);
  ck_assert(isfinite(lo) && isfinite(hi) && hi > lo);
}
END_TEST

/* The fan bands of paths whose values at each step are 0, 1, ..., n-1 (shuffled)
 * are the type-7 quantiles (n - 1) q, in closed form. */
START_TEST(test_fan_bands_exact) {
  enum { N_PATHS = 1000, H = 3 };
  double *paths = malloc(N_PATHS * H * sizeof *paths), lower[CC_FAN_LEVELS * H], upper[CC_FAN_LEVELS * H], median[H];
  for (size_t p = 0; p < N_PATHS; p++)
    for (size_t i = 0; i < H; i++) paths[p * H + i] = (double)((p * 7919 + i * 13) % N_PATHS) + 10.0 * (double)i;
  cc_error err;
  ck_assert_int_eq(cc_fan_bands(paths, N_PATHS, H, lower, upper, median, &err), CC_OK);
  for (size_t i = 0; i < H; i++) {
    ck_assert_double_eq_tol(median[i], 499.5 + 10.0 * (double)i, QUANTILE_TOLERANCE);
    for (size_t l = 0; l < CC_FAN_LEVELS; l++) {
      double tail = (1 - cc_fan_levels[l] / 100) / 2;
      ck_assert_double_eq_tol(lower[l * H + i], (N_PATHS - 1) * tail + 10.0 * (double)i, 1e-9);
      ck_assert_double_eq_tol(upper[l * H + i], (N_PATHS - 1) * (1 - tail) + 10.0 * (double)i, 1e-9);
    }
  }
  ck_assert_int_eq(cc_fan_bands(paths, 0, H, lower, upper, median, &err), CC_EUSAGE);
  free(paths);
}
END_TEST

/* On skewed random paths the bands nest: 95 outside 80 outside 50 around the median. */
START_TEST(test_fan_bands_nested) {
  enum { N_PATHS = 500, H = 24 };
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 42);
  double *paths = malloc(N_PATHS * H * sizeof *paths), lower[CC_FAN_LEVELS * H], upper[CC_FAN_LEVELS * H], median[H];
  for (size_t p = 0; p < N_PATHS; p++)
    for (size_t i = 0; i < H; i++) paths[p * H + i] = gsl_ran_lognormal(rng, 3, 0.1 * (double)(i + 1));
  paths[5 * H + 3] = NAN; /* a missing value is left out, not read as zero */
  cc_error err;
  ck_assert_int_eq(cc_fan_bands(paths, N_PATHS, H, lower, upper, median, &err), CC_OK);
  for (size_t i = 0; i < H; i++) {
    for (size_t l = 0; l + 1 < CC_FAN_LEVELS; l++) {
      ck_assert(cc_fan_levels[l] > cc_fan_levels[l + 1]);
      ck_assert(lower[l * H + i] <= lower[(l + 1) * H + i]);
      ck_assert(upper[l * H + i] >= upper[(l + 1) * H + i]);
    }
    ck_assert(lower[(CC_FAN_LEVELS - 1) * H + i] <= median[i] && median[i] <= upper[(CC_FAN_LEVELS - 1) * H + i]);
    ck_assert(lower[i] > 0); /* the lognormal is positive: no NaN read as 0 */
  }
  free(paths);
  gsl_rng_free(rng);
}
END_TEST

/* Write the markup to a file in a fresh folder and return its text (the path in *path). */
static char *capture(void (*draw)(FILE *), char **dir, char **path) {
  *dir = cc_test_tmpdir();
  *path = cc_test_path(*dir, "chart.svg");
  FILE *out = fopen(*path, "w");
  ck_assert_ptr_nonnull(out);
  draw(out);
  ck_assert_int_eq(fclose(out), 0);
  FILE *in = fopen(*path, "r");
  char *text = calloc(1, 1 << 20);
  size_t n = fread(text, 1, (1 << 20) - 1, in);
  fclose(in);
  text[n] = '\0';
  return text;
}

/* python3 parses the file as XML: well-formed. */
static void assert_well_formed(const char *path) {
  char command[1024], *output = NULL;
  snprintf(command, sizeof command, "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '%s'",
           path);
  int status = cc_test_run(command, &output);
  ck_assert_msg(status == 0, "not well-formed XML: %s", output ? output : "");
  free(output);
}

static size_t count(const char *text, const char *what) {
  size_t n = 0;
  for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) n++;
  return n;
}

/* 1 when word appears where printf would put a number (after a space, quote, sign or path command),
 * not inside a word such as "financial". */
static int printed_as_number(const char *text, const char *word) {
  for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
    if (p > text && strchr(" \"-ML", p[-1])) return 1;
  return 0;
}

#define NASTY "<b> & \"quoted\" 'single'"

static void draw_fan(FILE *out) {
  enum { N = 30, H = 6 };
  double history[N], mean[H], lower[CC_FAN_LEVELS * H], upper[CC_FAN_LEVELS * H];
  for (int i = 0; i < N; i++) history[i] = 100 + 10 * sin(i / 3.0);
  history[7] = NAN; /* a gap breaks the line */
  for (int i = 0; i < H; i++) {
    mean[i] = 100 + i;
    for (int l = 0; l < CC_FAN_LEVELS; l++) {
      lower[l * H + i] = mean[i] - (3 - l) * (i + 1);
      upper[l * H + i] = mean[i] + (3 - l) * (i + 1);
    }
  }
  cc_period start, first;
  cc_error err;
  ck_assert_int_eq(cc_period_parse("2023-01", &start, &err), CC_OK);
  first = cc_period_add(start, N);
  cc_fan_chart c = {"fan-1", "title " NASTY, "people " NASTY, start, N, history, first, H, mean, lower, upper};
  fputs("<div xmlns:x=\"x\">\n", out);
  cc_chart_fan(out, &c);
  cc_tornado_bar bars[] = {{"lever " NASTY, 1e6, -2e6}, {"second", 5e5, -4e5}};
  cc_tornado_chart t = {"tornado 1", NASTY, "NPV, \u00a3", CC_SVG_NUMBERS_MONEY, 0, 2, bars};
  cc_chart_tornado(out, &t);
  cc_bar_item items[] = {{"2025/26", -8e5, -1.2e6, -4e5}, {"2026/27", 9e5, -5e5, 2.4e6}};
  cc_bar_chart b = {"savings-1", "savings", "\u00a3", "financial year", "P50", "P10 to P90", CC_SVG_NUMBERS_MONEY, 2, items};
  cc_chart_bars(out, &b);
  fputs("</div>\n", out);
}

/* Relative luminance (WCAG 2: sRGB linearised, 0.2126 R + 0.7152 G + 0.0722 B) of "#rrggbb". */
static double luminance(const char *hex) {
  unsigned rgb[3];
  ck_assert_int_eq(sscanf(hex, "#%2x%2x%2x", &rgb[0], &rgb[1], &rgb[2]), 3);
  double channel[3];
  for (int i = 0; i < 3; i++) {
    double c = rgb[i] / 255.0;
    channel[i] = c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2];
}

/* The colour of attribute `name` ("fill", "stroke") of the k-th data mark. */
static void mark_colour(const char *text, size_t k, const char *name, char *buf) {
  const char *p = strstr(text, "class=\"mark\"");
  for (size_t i = 0; i < k && p; i++) p = strstr(p + 1, "class=\"mark\"");
  ck_assert_ptr_nonnull(p);
  char key[16];
  snprintf(key, sizeof key, " %s=\"", name);
  const char *at = strstr(p, key);
  ck_assert_ptr_nonnull(at);
  snprintf(buf, 8, "%s", at + strlen(key));
}

#define GREY_STEP_MIN 0.15 /* bands at least this far apart in luminance stay apart printed in grey */

START_TEST(test_charts_xml) {
  char *dir, *path, *text = capture(draw_fan, &dir, &path);
  assert_well_formed(path);
  ck_assert_uint_eq(count(text, "<svg "), 3);
  ck_assert_ptr_nonnull(strstr(text, "&lt;b&gt; &amp; &quot;quoted&quot; &#39;single&#39;"));
  ck_assert_ptr_null(strstr(text, "<b>"));
  ck_assert_ptr_nonnull(strstr(text, ">people &lt;b&gt;")); /* the value axis title */
  ck_assert_ptr_nonnull(strstr(text, ">2023/24<"));         /* a financial-year tick */
  ck_assert_ptr_nonnull(strstr(text, "month (ticks at the start of each financial year, April)"));
  ck_assert_ptr_nonnull(strstr(text, ">95% interval<"));
  ck_assert_ptr_nonnull(strstr(text, ">\u00a31m<"));       /* a money tick */
  ck_assert_ptr_nonnull(strstr(text, "id=\"tornado_1\""));  /* ids are made safe */
  ck_assert_msg(!printed_as_number(text, "nan"), "a NaN coordinate");
  ck_assert_msg(!printed_as_number(text, "inf"), "an infinite coordinate");
  /* fan: three bands, the history in two pieces (one path with a move), the forecast line */
  const char *fan_end = strstr(text, "</svg>");
  size_t marks = 0;
  for (const char *p = strstr(text, "class=\"mark\""); p && p < fan_end; p = strstr(p + 1, "class=\"mark\"")) marks++;
  ck_assert_uint_eq(marks, 3 + 1 + 1);
  /* greyscale: the bands (marks 0-2: 95, 80, 50) step down in lightness, the forecast line (mark 4) is darker still */
  char band[3][8], line[8];
  for (int l = 0; l < 3; l++) mark_colour(text, (size_t)l, "fill", band[l]);
  mark_colour(text, 4, "stroke", line);
  ck_assert_msg(luminance(band[0]) - luminance(band[1]) > GREY_STEP_MIN, "%s %s", band[0], band[1]);
  ck_assert_msg(luminance(band[1]) - luminance(band[2]) > GREY_STEP_MIN, "%s %s", band[1], band[2]);
  ck_assert_msg(luminance(band[2]) - luminance(line) > GREY_STEP_MIN, "%s %s", band[2], line);
  ck_assert_ptr_nonnull(strstr(text, "stroke-dasharray")); /* and the forecast is dashed, the history solid */
  cc_test_rmtree(dir);
  free(dir), free(path), free(text);
}
END_TEST

static void draw_table(FILE *out) {
  static const char *const headers[] = {"a<b", "n"};
  static const char *const row[] = {"<script>alert(1)</script>", "1,234"};
  cc_html_page page = {"t & t", "s", 1};
  cc_html_begin(out, &page);
  cc_html_table_begin(out, "cap\"tion", 2, headers, "lr");
  cc_html_table_row(out, 2, row, "lr");
  cc_html_table_end(out);
  cc_html_end(out, &page);
}

START_TEST(test_html_escaping) {
  char *dir, *path, *text = capture(draw_table, &dir, &path);
  ck_assert_ptr_nonnull(strstr(text, "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"r\">1,234</td>"));
  ck_assert_ptr_nonnull(strstr(text, "<caption>cap&quot;tion</caption>"));
  ck_assert_ptr_nonnull(strstr(text, "<title>t &amp; t</title>"));
  ck_assert_uint_eq(count(text, CC_HTML_INTERNAL_TEXT), 2);
  ck_assert_ptr_null(strstr(text, "src="));
  cc_test_rmtree(dir);
  free(dir), free(path), free(text);
}
END_TEST

/* ---- the disclosure hook on a small store ---- */

typedef struct hook_log {
  size_t calls, observed, modelled, history, summary, by_year;
} hook_log;

static double suppress_all(void *context, const cc_published_count *count) {
  hook_log *log = context;
  log->calls++;
  log->observed += count->origin == CC_COUNT_OBSERVED;
  log->modelled += count->origin == CC_COUNT_MODELLED;
  log->history += strcmp(count->table, "history") == 0;
  log->summary += strcmp(count->table, "summary") == 0;
  log->by_year += strcmp(count->table, "forecast_by_year") == 0;
  return NAN;
}

/* A store with the NHS source, naive models and a forecast, built with the carecast binary. */
static char *small_store(char *dir) {
  char *store = cc_test_path(dir, "s.h5"), command[4096], *output = NULL;
  snprintf(command, sizeof command,
           "%s ingest --store %s %s/data/sources/nhs_hospital_activity.csv && %s fit --store %s --model naive "
           "--series 'nhs_emergency_admissions/*' && %s forecast --store %s --horizon 2y --paths 100",
           CC_CARECAST_BIN, store, CC_PROJECT_DIR, CC_CARECAST_BIN, store, CC_CARECAST_BIN, store);
  int status = cc_test_run(command, &output);
  ck_assert_msg(status == 0, "building the store: %s", output ? output : "");
  free(output);
  return store;
}

static char *write_report(const char *store_path, cc_report_options *options, cc_status *status) {
  cc_store *store = NULL;
  cc_error err;
  ck_assert_int_eq(cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  *status = cc_report_write(store, options, out, NULL, &err);
  fclose(out);
  cc_store_close(store);
  return text;
}

START_TEST(test_disclosure_hook) {
  char *dir = cc_test_tmpdir(), *store = small_store(dir);
  hook_log log = {0};
  cc_report_options options;
  cc_report_options_default(&options);
  options.backtest = 0;
  options.disclosure = (cc_disclosure){"test: suppress everything", suppress_all, &log, "[c]"};
  cc_status status;
  char *html = write_report(store, &options, &status);
  ck_assert_int_eq(status, CC_OK);
  ck_assert(log.observed > 0 && log.modelled > 0 && log.history > 0 && log.summary > 0 && log.by_year > 0);
  ck_assert_ptr_nonnull(strstr(html, "[c]"));
  ck_assert_ptr_nonnull(strstr(html, "test: suppress everything"));
  ck_assert_ptr_null(strstr(html, CC_HTML_INTERNAL_TEXT));
  /* with every count suppressed, no table cell of the summary holds a digit after the year */
  const char *summary = strstr(html, "id=\"summary\""), *end = strstr(html, "id=\"forecasts\"");
  ck_assert(summary && end);
  for (const char *p = strstr(summary, "<td class=\"r\">"); p && p < end; p = strstr(p + 1, "<td class=\"r\">")) {
    const char *cell = p + strlen("<td class=\"r\">");
    ck_assert_msg(strncmp(cell, "[c]", 3) == 0 || strncmp(cell, CC_NUMFMT_MISSING, strlen(CC_NUMFMT_MISSING)) == 0,
                  "a count escaped the hook: %.40s", cell);
  }
  free(html);
  /* internal: the no-op hook, the banner */
  cc_report_options_default(&options);
  options.backtest = 0;
  options.internal = 1;
  html = write_report(store, &options, &status);
  ck_assert_int_eq(status, CC_OK);
  ck_assert_uint_ge(count(html, CC_HTML_INTERNAL_TEXT), 2);
  ck_assert_ptr_null(strstr(html, "[c]"));
  free(html);
  /* a scenario run that is not there is named */
  const char *runs[] = {"20990101T000000Z"};
  options.scenario_runs = runs;
  options.n_scenario_runs = 1;
  html = write_report(store, &options, &status);
  ck_assert_int_eq(status, CC_EINPUT);
  free(html);
  cc_test_rmtree(dir);
  free(dir), free(store);
}
END_TEST

/* Suppresses one month of history (January 2025) and publishes everything else as it is. */
static double suppress_one_month(void *context, const cc_published_count *count) {
  (void)context;
  if (strcmp(count->table, "history") == 0 && count->period && strcmp(count->period, "2025-01") == 0) return NAN;
  return count->value;
}

static double publish_all(void *context, const cc_published_count *count) {
  (void)context;
  return count->value;
}

/* The number of suppressed cells ("[c]") between the summary's start and the forecasts section. */
static size_t suppressed_in_summary(const char *html) {
  const char *summary = strstr(html, "id=\"summary\""), *end = strstr(html, "id=\"forecasts\"");
  ck_assert(summary && end);
  size_t n = 0;
  for (const char *p = strstr(summary, "[c]"); p && p < end; p = strstr(p + 1, "[c]")) n++;
  return n;
}

/* Secondary suppression over time: a year's observed total is withheld when one
 * of its months is, or the total less the other months would give the month away. */
START_TEST(test_year_total_withheld) {
  char *dir = cc_test_tmpdir(), *store = small_store(dir);
  cc_report_options options;
  cc_report_options_default(&options);
  options.backtest = 0;
  options.disclosure = (cc_disclosure){"test: publish all", publish_all, NULL, "[c]"};
  cc_status status;
  char *html = write_report(store, &options, &status);
  ck_assert_int_eq(status, CC_OK);
  ck_assert_uint_eq(suppressed_in_summary(html), 0);
  free(html);
  options.disclosure = (cc_disclosure){"test: one month", suppress_one_month, NULL, "[c]"};
  html = write_report(store, &options, &status);
  ck_assert_int_eq(status, CC_OK);
  /* the summary's "now" column is 2024/25, which holds January 2025: one cell per series shown */
  ck_assert_uint_ge(suppressed_in_summary(html), 1);
  free(html);
  cc_test_rmtree(dir);
  free(dir), free(store);
}
END_TEST

static Suite *report_suite(void) {
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_numbers);
  tcase_add_test(tc, test_nice_range);
  tcase_add_test(tc, test_fan_bands_exact);
  tcase_add_test(tc, test_fan_bands_nested);
  tcase_add_test(tc, test_charts_xml);
  tcase_add_test(tc, test_html_escaping);
  tcase_add_test(tc, test_disclosure_hook);
  tcase_add_test(tc, test_year_total_withheld);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return cc_test_run_suite(report_suite()); }
