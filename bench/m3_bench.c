/* m3_bench.c: carecast's automatic ETS and Theta on one forecasting-competition
 * subset (M3 or tourism), scored the way bench/m3_r.R scores R's forecast::ets()
 * and forecast::thetaf(), so that run.sh can put the two side by side; with
 * --models also automatic ARIMA (R: auto.arima()) and the combination "combo",
 * the mean of automatic ETS, ARIMA and Theta (R: the mean of the three).
 *
 * Input is one long-format competition CSV (/work/shared/data/m3/README.md):
 *   series_id,category,frequency,horizon,split,t,value
 * Every series is fitted on its `train` rows with the seasonal period of its
 * `frequency` column, forecast `horizon` steps ahead (point forecasts and 80%
 * and 95% intervals, as R's forecast() does by default) and scored against its
 * `test` rows. Values are used exactly as written (M3 N2786 keeps its -1200).
 *
 *   sMAPE  the M3 definition (Makridakis & Hibon 2000): the mean over the
 *          horizon of 200 |y - f| / (y + f), in percent;
 *   MASE   the mean over the horizon of |y - f|, divided by the in-sample MAE
 *          of the seasonal naive method, mean |y_t - y_{t-m}| (m = frequency),
 *          as forecast::accuracy scales it (Hyndman & Koehler 2006).
 * Both are computed per series and averaged over the series of the subset.
 * CPU time is CLOCK_PROCESS_CPUTIME_ID around fitting plus forecasting only.
 *
 * Output (stdout, or --out FILE): a header and one line per method,
 *   subset,method,n_series,smape,mase,cpu_seconds,coverage80,coverage95,wall_seconds
 * where n_series counts the series the method forecast, coverage80/95 the
 * share of test values inside carecast's 80% and 95% intervals, and
 * wall_seconds the elapsed time of the method's loop over the series.
 * --models LIST (default ets,theta) chooses among ets, theta, arima, combo.
 * --jobs N fits N series at a time (OpenMP threads; default 1). With N > 1,
 * cpu_seconds is the process CPU time of the whole loop (all threads) and
 * the per-series times (--series-out) are left empty: timing one series on
 * a busy process is not possible with a process clock. With --series-out FILE
 * also one line per series and method, for comparing with R series by series:
 *   subset,series_id,method,model,smape,mase,cpu_seconds
 * where model is the ETS model chosen without punctuation ("MAdN" for
 * ETS(M,Ad,N)), "Theta", the ARIMA model ("ARIMA(0,1,1) drift" with no
 * commas: "ARIMA011 drift") or the combination's spec without commas.
 * Series a method cannot fit are reported on stderr and left out of its
 * averages (and R's script does the same), so n_series shows them. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carecast/forecast.h"
#include "carecast/models.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define LINE_MAX_CHARS 512 /* longest CSV line accepted */
#define ID_MAX 32          /* longest series id, with NUL */
#define N_FIELDS 7         /* series_id,category,frequency,horizon,split,t,value */

/* One competition series: training values followed by test values. */
typedef struct series {
  char id[ID_MAX];  /* series_id, e.g. "N0001" */
  int period;       /* frequency column: seasonal period */
  size_t horizon;   /* horizon column: test values expected */
  size_t n_train;   /* training values, values[0..n_train) */
  size_t n_test;    /* test values, values[n_train..n_train+n_test) */
  size_t capacity;  /* room in values */
  double *values;   /* the observations in time order */
} series;

/* All series of one file, in file order. */
typedef struct series_set {
  series *items; /* n series */
  size_t n;      /* series read */
  size_t capacity;
} series_set;

/* Scores and time summed over the series one method forecast. */
typedef struct method_totals {
  const char *name;           /* "ets" or "theta" */
  const cc_model_type *type;  /* the carecast family */
  size_t n_series;            /* series forecast */
  size_t n_mase;              /* series with a finite MASE (a zero in-sample scale gives none) */
  double smape_sum, mase_sum; /* sums of per-series scores */
  double cpu_seconds;         /* fitting + forecasting, failures included */
  size_t nonpositive_points;  /* test points with y + f <= 0, where the sMAPE term leaves [0, 200] */
  size_t n_points;            /* test points scored for coverage */
  size_t covered80, covered95;/* test points inside the 80% and 95% intervals */
  double wall_seconds;        /* elapsed time of the method's loop */
} method_totals;

/* Report a problem with the input or the environment and exit 1. */
__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "m3_bench: ");
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static void *checked_realloc(void *p, size_t size) {
  void *q = realloc(p, size);
  if (!q) die("out of memory (%zu bytes)", size);
  return q;
}

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Split line in place at commas into fields[N_FIELDS]; returns the number of
 * fields found (more than N_FIELDS means too many). The files have no quoting. */
static int split_fields(char *line, char **fields) {
  int k = 0;
  line[strcspn(line, "\r\n")] = '\0';
  for (char *p = line;; p++) {
    if (k < N_FIELDS) fields[k] = p;
    k++;
    p = strchr(p, ',');
    if (!p) return k;
    *p = '\0';
  }
}

static long parse_long(const char *text, const char *path, long line_no) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end) die("%s:%ld: not an integer", path, line_no);
  return v;
}

static double parse_value(const char *text, const char *path, long line_no) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end || !isfinite(v)) die("%s:%ld: value is not a finite number", path, line_no);
  return v;
}

/* The series with this id: the last one if it matches, else a new one. */
static series *series_for(series_set *set, const char *id, int period, long horizon, const char *path, long line_no) {
  if (set->n > 0 && strcmp(set->items[set->n - 1].id, id) == 0) return &set->items[set->n - 1];
  for (size_t i = 0; i < set->n; i++)
    if (strcmp(set->items[i].id, id) == 0) die("%s:%ld: rows of a series are not contiguous", path, line_no);
  if (strlen(id) >= ID_MAX) die("%s:%ld: series id too long", path, line_no);
  if (period < 1 || horizon < 1) die("%s:%ld: frequency and horizon must be at least 1", path, line_no);
  if (set->n == set->capacity) {
    set->capacity = set->capacity ? 2 * set->capacity : 256;
    set->items = checked_realloc(set->items, set->capacity * sizeof *set->items);
  }
  series *s = &set->items[set->n++];
  memset(s, 0, sizeof *s);
  strcpy(s->id, id);
  s->period = period;
  s->horizon = (size_t)horizon;
  return s;
}

static void check_complete(const series *s, const char *path) {
  if (s->n_train < 2 || s->n_test != s->horizon)
    die("%s: series %s has %zu training rows and %zu test rows for horizon %zu", path, s->id, s->n_train, s->n_test,
        s->horizon);
}

/* Read the first `limit` series (0: all) of a competition CSV. */
static void read_series(const char *path, size_t limit, series_set *set) {
  FILE *f = fopen(path, "r");
  if (!f) die("cannot open %s: %s", path, strerror(errno));
  char line[LINE_MAX_CHARS], *fields[N_FIELDS];
  long line_no = 1;
  if (!fgets(line, sizeof line, f) || strncmp(line, "series_id,category,frequency,horizon,split,t,value", 50) != 0)
    die("%s:%ld: expected the header series_id,category,frequency,horizon,split,t,value", path, line_no);
  while (fgets(line, sizeof line, f)) {
    line_no++;
    if (!strchr(line, '\n') && !feof(f)) die("%s:%ld: line longer than %d characters", path, line_no, LINE_MAX_CHARS - 2);
    if (split_fields(line, fields) != N_FIELDS) die("%s:%ld: expected 7 comma-separated fields", path, line_no);
    int period = (int)parse_long(fields[2], path, line_no);
    long horizon = parse_long(fields[3], path, line_no), t = parse_long(fields[5], path, line_no);
    int is_test = strcmp(fields[4], "test") == 0;
    if (!is_test && strcmp(fields[4], "train") != 0) die("%s:%ld: split is neither train nor test", path, line_no);
    size_t before = set->n;
    series *s = series_for(set, fields[0], period, horizon, path, line_no);
    if (set->n != before && before > 0) check_complete(&set->items[before - 1], path);
    if (set->n != before && limit && set->n > limit) {
      set->n--;
      break;
    }
    if (s->period != period || (long)s->horizon != horizon) die("%s:%ld: frequency or horizon changes within a series", path, line_no);
    if ((size_t)t != s->n_train + s->n_test + 1) die("%s:%ld: t is not the next position of the series", path, line_no);
    if (!is_test && s->n_test) die("%s:%ld: a train row after test rows", path, line_no);
    if (s->n_train + s->n_test == s->capacity) {
      s->capacity = s->capacity ? 2 * s->capacity : 64;
      s->values = checked_realloc(s->values, s->capacity * sizeof *s->values);
    }
    s->values[s->n_train + s->n_test] = parse_value(fields[6], path, line_no);
    if (is_test) s->n_test++;
    else s->n_train++;
  }
  fclose(f);
  if (set->n == 0) die("%s: no series", path);
  check_complete(&set->items[set->n - 1], path);
}

/* In-sample MAE of the seasonal naive method (lag = period), NaN when undefined. */
static double seasonal_naive_scale(const double *y, size_t n, int period) {
  size_t lag = (size_t)period, count = 0;
  double sum = 0;
  for (size_t t = lag; t < n; t++) sum += fabs(y[t] - y[t - lag]), count++;
  return count ? sum / (double)count : NAN;
}

/* The model name without commas, for a CSV field: "ETS(M,Ad,N)" becomes "MAdN"
 * (bench/m3_r.R shortens R's names the same way); other names are kept. */
static void compact_spec(const char *spec, char *out, size_t len) {
  size_t k = 0;
  int ets = strncmp(spec, "ETS(", 4) == 0;
  for (const char *p = ets ? spec + 4 : spec; *p && k + 1 < len; p++)
    if (*p != ',' && !(ets && *p == ')')) out[k++] = *p;
  out[k] = '\0';
}

/* Fit, forecast and score series s with one method; 0 on success. */
static int run_method(const series *s, method_totals *m, FILE *series_out, const char *subset, int one_thread) {
  static const double levels[] = {80, 95}; /* forecast()'s default intervals, computed by both sides */
  cc_fit_options fit_options;
  cc_fit_options_default(&fit_options);
  fit_options.period = s->period;
  cc_forecast_options forecast_options;
  cc_forecast_options_default(&forecast_options);
  forecast_options.n_paths = 0; /* R's forecast() draws no sample paths */
  cc_error err;
  cc_error_clear(&err);
  cc_model *model = NULL;
  cc_forecast *fc = NULL;

  double start = cpu_now();
  cc_status status = m->type->fit(s->values, s->n_train, NULL, &fit_options, &model, &err);
  if (!status) status = cc_forecast_compute(model, s->horizon, levels, 2, &forecast_options, &fc, &err);
  double seconds = cpu_now() - start;
  if (one_thread) m->cpu_seconds += seconds;

  if (status) {
    char message[1024];
#pragma omp critical(m3_bench_totals)
    fprintf(stderr, "m3_bench: %s %s %s failed: %s\n", subset, s->id, m->name, cc_error_format(&err, message, sizeof message));
    cc_model_free(model);
    return 1;
  }
  const double *actual = s->values + s->n_train;
  double smape = 0, abs_error = 0;
  size_t nonpositive = 0, covered80 = 0, covered95 = 0;
  for (size_t i = 0; i < s->horizon; i++) {
    double y = actual[i], f = fc->mean[i];
    smape += 200 * fabs(y - f) / (y + f);
    abs_error += fabs(y - f);
    if (y + f <= 0) nonpositive++;
    covered80 += y >= fc->lower[i] && y <= fc->upper[i];
    covered95 += y >= fc->lower[s->horizon + i] && y <= fc->upper[s->horizon + i];
  }
  smape /= (double)s->horizon;
  double mase = abs_error / (double)s->horizon / seasonal_naive_scale(s->values, s->n_train, s->period);
  char model_code[CC_MODEL_SPEC_MAX];
  compact_spec(model->spec, model_code, sizeof model_code);
#pragma omp critical(m3_bench_totals)
  {
    m->n_series++;
    m->smape_sum += smape;
    m->nonpositive_points += nonpositive;
    m->n_points += s->horizon;
    m->covered80 += covered80;
    m->covered95 += covered95;
    if (isfinite(mase)) m->mase_sum += mase, m->n_mase++;
    if (series_out && one_thread)
      fprintf(series_out, "%s,%s,%s,%s,%.10g,%.10g,%.6f\n", subset, s->id, m->name, model_code, smape, mase, seconds);
    else if (series_out)
      fprintf(series_out, "%s,%s,%s,%s,%.10g,%.10g,\n", subset, s->id, m->name, model_code, smape, mase);
  }
  cc_forecast_free(fc);
  cc_model_free(model);
  return 0;
}

/* The subset name: the file's base name without ".csv". */
static void subset_name(const char *path, char *out, size_t len) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  snprintf(out, len, "%s", base);
  char *dot = strstr(out, ".csv");
  if (dot && dot[4] == '\0') *dot = '\0';
}

static size_t parse_limit(const char *text) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < 0) die("--limit takes a whole number of series (0 for all), not '%s'", text);
  return (size_t)v;
}

static void usage(void) {
  fprintf(stderr, "usage: m3_bench [--limit N] [--subset NAME] [--models ets,theta,arima,combo] [--jobs N] [--out FILE]\n"
                  "                [--series-out FILE] FILE.csv\n"
                  "  FILE.csv  a long-format competition file (series_id,category,frequency,horizon,split,t,value)\n"
                  "  --limit N  only the first N series\n"
                  "  --models   the methods to run, comma-separated (default ets,theta)\n"
                  "  --jobs N   series fitted at a time (default 1)\n");
  exit(2);
}

/* Every method m3_bench knows, in output order. */
static const method_totals known_methods[] = {
    {.name = "ets", .type = &cc_model_ets},
    {.name = "theta", .type = &cc_model_theta},
    {.name = "arima", .type = &cc_model_arima},
    {.name = "combo", .type = &cc_model_combo},
};
#define N_KNOWN_METHODS (sizeof known_methods / sizeof known_methods[0])

/* The methods named in list ("ets,theta,...") into methods, in known order; returns how many. */
static size_t parse_models(const char *list, method_totals *methods) {
  size_t n = 0;
  char copy[256];
  if (strlen(list) >= sizeof copy) die("--models list too long");
  strcpy(copy, list);
  int wanted[N_KNOWN_METHODS] = {0};
  for (char *save = NULL, *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
    size_t k = 0;
    while (k < N_KNOWN_METHODS && strcmp(known_methods[k].name, name) != 0) k++;
    if (k == N_KNOWN_METHODS) die("--models: unknown method '%s' (known: ets, theta, arima, combo)", name);
    wanted[k] = 1;
  }
  for (size_t k = 0; k < N_KNOWN_METHODS; k++)
    if (wanted[k]) methods[n++] = known_methods[k];
  if (n == 0) die("--models names no method");
  return n;
}

int main(int argc, char **argv) {
  const char *path = NULL, *out_path = NULL, *series_path = NULL, *subset_arg = NULL, *models = "ets,theta";
  size_t limit = 0;
  int jobs = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) limit = parse_limit(argv[++i]);
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out_path = argv[++i];
    else if (strcmp(argv[i], "--series-out") == 0 && i + 1 < argc) series_path = argv[++i];
    else if (strcmp(argv[i], "--subset") == 0 && i + 1 < argc) subset_arg = argv[++i];
    else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc) models = argv[++i];
    else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc) jobs = (int)parse_limit(argv[++i]);
    else if (argv[i][0] == '-' || path) usage();
    else path = argv[i];
  }
  if (!path || jobs < 1) usage();
#ifndef _OPENMP
  if (jobs > 1) die("--jobs needs m3_bench built with OpenMP (-fopenmp)");
#endif
  char subset[256];
  subset_name(subset_arg ? subset_arg : path, subset, sizeof subset);

  series_set set = {0};
  read_series(path, limit, &set);
  FILE *out = out_path ? fopen(out_path, "w") : stdout;
  FILE *series_out = series_path ? fopen(series_path, "w") : NULL;
  if (!out || (series_path && !series_out)) die("cannot write %s: %s", out ? series_path : out_path, strerror(errno));
  if (series_out) fprintf(series_out, "subset,series_id,method,model,smape,mase,cpu_seconds\n");

  method_totals methods[N_KNOWN_METHODS];
  size_t n_methods = parse_models(models, methods);
  /* Method-major, like the R script: all series with ETS, then all with Theta, ... */
  for (size_t k = 0; k < n_methods; k++) {
    double wall_start = wall_now(), cpu_start = cpu_now();
#pragma omp parallel for schedule(dynamic) num_threads(jobs)
    for (size_t i = 0; i < set.n; i++) run_method(&set.items[i], &methods[k], series_out, subset, jobs == 1);
    methods[k].wall_seconds = wall_now() - wall_start;
    if (jobs > 1) methods[k].cpu_seconds = cpu_now() - cpu_start;
  }

  fprintf(out, "subset,method,n_series,smape,mase,cpu_seconds,coverage80,coverage95,wall_seconds\n");
  for (size_t k = 0; k < n_methods; k++) {
    const method_totals *m = &methods[k];
    if (m->n_mase < m->n_series)
      fprintf(stderr, "m3_bench: %s %s: %zu series with an undefined MASE (zero in-sample scale) left out of it\n",
              subset, m->name, m->n_series - m->n_mase);
    if (m->nonpositive_points)
      fprintf(stderr, "m3_bench: %s %s: %zu test points with actual + forecast <= 0 (M3 sMAPE term outside [0, 200])\n",
              subset, m->name, m->nonpositive_points);
    fprintf(out, "%s,%s,%zu,%.4f,%.4f,%.6f,%.4f,%.4f,%.3f\n", subset, m->name, m->n_series,
            m->n_series ? m->smape_sum / (double)m->n_series : NAN, m->n_mase ? m->mase_sum / (double)m->n_mase : NAN,
            m->cpu_seconds, m->n_points ? (double)m->covered80 / (double)m->n_points : NAN,
            m->n_points ? (double)m->covered95 / (double)m->n_points : NAN, m->wall_seconds);
  }
  if (series_out) fclose(series_out);
  if (out != stdout) fclose(out);
  for (size_t i = 0; i < set.n; i++) free(set.items[i].values);
  free(set.items);
  return 0;
}
