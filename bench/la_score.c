/* la_score.c: scores the council backtest of bench/la.sh.
 *
 * la.sh fits every method on a store that holds the DfE series up to the
 * last training year (the "training store") and forecasts the years after
 * it; the whole series are in a second store (the "actual store"). For
 * each method's forecast run, each series forecast and each step h:
 *
 *   MASE = mean over the steps of |y - f| / scale,
 *   scale = mean |y_t - y_{t-1}| over the training years (the in-sample
 *           MAE of the naive method; forecast::accuracy's scaling for
 *           non-seasonal annual data, Hyndman & Koehler 2006),
 *
 * pairs or steps with a missing value being left out (the children looked
 * after series have no local figures for 2017/18 to 2019/20 in the shared
 * files). A series whose scale is zero or missing has no MASE and is named
 * on stderr.
 *
 * The table compares the methods on the same councils: per measure, only
 * the councils that every method scored. It prints, per measure and method,
 * the mean and median MASE and the number of councils, the best method per
 * measure (lowest mean), and overall (the mean over every measure and
 * council in the comparison, and the count of measures won).
 *
 *   la_score --has-family NAME      exit 0 when the library has that model family
 *   la_score --actual FULL.h5 --train TRAIN.h5 [--series-out FILE] --measures a,b,...
 *            METHOD=FORECAST_RUN ...   (a method may be named with several runs: their series are pooled)
 *
 * It is not part of the main build (la.sh compiles it against libcarecast). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/accuracy.h"
#include "carecast/model.h"
#include "carecast/store.h"

#define MAX_METHODS 16   /* methods compared in one table */
#define MAX_MEASURES 16  /* measures in one table */
#define NAME_MAX_LEN 64  /* a method or measure name, with NUL */
#define MAX_RUNS 64      /* forecast runs scored (a method may have one per measure) */

/* One scored series. */
typedef struct score {
  int method, measure;                /* indexes into the name tables */
  char geography[CC_GEOGRAPHY_MAX];
  double mase;
} score;

typedef struct scores {
  score *items;
  size_t n, capacity;
} scores;

typedef struct names {
  char text[MAX_MEASURES > MAX_METHODS ? MAX_MEASURES : MAX_METHODS][NAME_MAX_LEN];
  size_t n;
} names;

static int name_index(const names *table, const char *text) {
  for (size_t i = 0; i < table->n; i++)
    if (strcmp(table->text[i], text) == 0) return (int)i;
  return -1;
}

static int push(scores *s, const score *item) {
  if (s->n == s->capacity) {
    size_t capacity = s->capacity ? 2 * s->capacity : 1024;
    score *items = realloc(s->items, capacity * sizeof *items);
    if (!items) return 0;
    s->items = items;
    s->capacity = capacity;
  }
  s->items[s->n++] = *item;
  return 1;
}

/* MASE of forecast f (first period `first`) against series `full`, scaled on `train`. */
static double series_mase(const cc_series *train, const cc_series *full, const cc_forecast *f, cc_period first) {
  double scale = cc_accuracy_mase_scale(train->values, train->n, 1);
  if (!(scale > 0.0)) return NAN;
  double sum = 0.0;
  size_t used = 0;
  for (size_t i = 0; i < f->h; i++) {
    int32_t at = cc_period_diff(full->start, cc_period_add(first, (int32_t)i));
    if (at < 0 || (size_t)at >= full->n || isnan(full->values[at]) || isnan(f->mean[i])) continue;
    sum += fabs(full->values[at] - f->mean[i]);
    used++;
  }
  return used ? sum / (double)used / scale : NAN;
}

static int report_error(const char *what, const cc_error *err) {
  fprintf(stderr, "la_score: %s: %s\n", what, err->message);
  return 1;
}

/* Score every series of forecast run `run` whose measure is in `measures`. */
static int score_run(cc_store *actual, cc_store *train, int method, const char *run, const names *measures, scores *out,
                     FILE *series_out, const char *method_name) {
  cc_error err = {0};
  char **ids = NULL;
  size_t n = 0, unscaled = 0;
  if (cc_store_run_series(train, "forecasts", run, &ids, &n, &err)) return report_error(run, &err);
  int failed = 0;
  for (size_t i = 0; i < n && !failed; i++) {
    cc_series *t = NULL, *a = NULL;
    cc_forecast *f = NULL;
    cc_period first;
    char measure_name[NAME_MAX_LEN];
    snprintf(measure_name, sizeof measure_name, "%.*s", (int)strcspn(ids[i], "/"), ids[i]);
    int measure = name_index(measures, measure_name); /* a cohort run also forecasts its rates: not scored */
    if (measure < 0) continue;
    if (cc_store_series_read(train, ids[i], &t, &err)) { failed = report_error(ids[i], &err); break; }
    if (cc_store_series_exists(actual, ids[i])) {
      if (cc_store_series_read(actual, ids[i], &a, &err) || cc_store_forecast_read(train, run, ids[i], &f, &first, &err))
        failed = report_error(ids[i], &err);
      else {
        score item = {.method = method, .measure = measure, .mase = series_mase(t, a, f, first)};
        snprintf(item.geography, sizeof item.geography, "%s", t->geography);
        if (isnan(item.mase)) {
          if (unscaled++ < 5) fprintf(stderr, "la_score: %s, %s: no MASE (no change in the training years, or no actual)\n", method_name, ids[i]);
        } else if (!push(out, &item)) {
          fprintf(stderr, "la_score: out of memory\n");
          failed = 1;
        } else if (series_out)
          fprintf(series_out, "%s,%s,%s,%.6f\n", measures->text[measure], t->geography, method_name, item.mase);
      }
    }
    cc_forecast_free(f);
    cc_series_free(a);
    cc_series_free(t);
  }
  if (unscaled > 5) fprintf(stderr, "la_score: %s: ... %zu series without a MASE in all\n", method_name, unscaled);
  cc_store_free_names(ids, n);
  return failed;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *x, size_t n) {
  if (n == 0) return NAN;
  qsort(x, n, sizeof *x, compare_double);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* 1 when every method scored measure m for geography g. */
static int scored_by_all(const scores *s, size_t methods, int m, const char *g) {
  unsigned seen = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->items[i].measure == m && strcmp(s->items[i].geography, g) == 0) seen |= 1u << s->items[i].method;
  return seen == (1u << methods) - 1u;
}

static void print_table(const scores *s, const names *methods, const names *measures) {
  double *values = malloc((s->n + 1) * sizeof *values);
  unsigned char *common = calloc(s->n + 1, 1);
  if (!values || !common) {
    fprintf(stderr, "la_score: out of memory\n");
    free(values);
    free(common);
    return;
  }
  for (size_t i = 0; i < s->n; i++) common[i] = (unsigned char)scored_by_all(s, methods->n, s->items[i].measure, s->items[i].geography);
  double overall_sum[MAX_METHODS] = {0};
  size_t overall_n[MAX_METHODS] = {0}, wins[MAX_METHODS] = {0};
  printf("%-14s %-10s %8s %8s %5s\n", "measure", "method", "mean", "median", "LAs");
  for (size_t m = 0; m < measures->n; m++) {
    double best = INFINITY;
    int best_method = -1;
    for (size_t k = 0; k < methods->n; k++) {
      size_t n = 0;
      double sum = 0.0;
      for (size_t i = 0; i < s->n; i++)
        if (common[i] && s->items[i].measure == (int)m && s->items[i].method == (int)k) {
          values[n++] = s->items[i].mase;
          sum += s->items[i].mase;
        }
      overall_sum[k] += sum;
      overall_n[k] += n;
      double mean = n ? sum / (double)n : NAN;
      printf("%-14s %-10s %8.3f %8.3f %5zu\n", measures->text[m], methods->text[k], mean, median(values, n), n);
      if (n && mean < best) best = mean, best_method = (int)k;
    }
    if (best_method >= 0) {
      wins[best_method]++;
      printf("%-14s best: %s (mean MASE %.3f)\n", measures->text[m], methods->text[best_method], best);
    }
  }
  double best = INFINITY;
  int best_method = -1;
  printf("%-14s %-10s %8s %8s %5s\n", "overall", "method", "mean", "wins", "pairs");
  for (size_t k = 0; k < methods->n; k++) {
    double mean = overall_n[k] ? overall_sum[k] / (double)overall_n[k] : NAN;
    printf("%-14s %-10s %8.3f %8zu %5zu\n", "overall", methods->text[k], mean, wins[k], overall_n[k]);
    if (overall_n[k] && mean < best) best = mean, best_method = (int)k;
  }
  if (best_method >= 0) printf("overall best: %s (mean MASE %.3f over every measure and council)\n", methods->text[best_method], best);
  free(values);
  free(common);
}

static int usage(void) {
  fprintf(stderr, "usage: la_score --has-family NAME\n"
                  "       la_score --actual FULL.h5 --train TRAIN.h5 --measures a,b,... [--series-out FILE] METHOD=RUN ...\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--has-family") == 0) return cc_model_type_find(argv[2]) ? 0 : 1;
  const char *actual_path = NULL, *train_path = NULL, *series_path = NULL;
  char *measure_list = NULL;
  names methods = {0}, measures = {0};
  const char *runs[MAX_RUNS];
  int run_method[MAX_RUNS];
  size_t n_runs = 0;
  for (int i = 1; i < argc; i++) {
    if (i + 1 < argc && strcmp(argv[i], "--actual") == 0) actual_path = argv[++i];
    else if (i + 1 < argc && strcmp(argv[i], "--train") == 0) train_path = argv[++i];
    else if (i + 1 < argc && strcmp(argv[i], "--series-out") == 0) series_path = argv[++i];
    else if (i + 1 < argc && strcmp(argv[i], "--measures") == 0) measure_list = argv[++i];
    else {
      char *eq = strchr(argv[i], '='), name[NAME_MAX_LEN];
      if (!eq || eq == argv[i] || n_runs == MAX_RUNS || (size_t)(eq - argv[i]) >= NAME_MAX_LEN) return usage();
      snprintf(name, sizeof name, "%.*s", (int)(eq - argv[i]), argv[i]);
      int method = name_index(&methods, name);
      if (method < 0) {
        if (methods.n == MAX_METHODS) return usage();
        snprintf(methods.text[methods.n], NAME_MAX_LEN, "%s", name);
        method = (int)methods.n++;
      }
      run_method[n_runs] = method;
      runs[n_runs++] = eq + 1;
    }
  }
  if (!actual_path || !train_path || !measure_list || methods.n == 0) return usage();
  for (char *save = NULL, *m = strtok_r(measure_list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
    if (measures.n == MAX_MEASURES || strlen(m) >= NAME_MAX_LEN) return usage();
    snprintf(measures.text[measures.n++], NAME_MAX_LEN, "%s", m);
  }
  cc_error err = {0};
  cc_store *actual = NULL, *train = NULL;
  if (cc_store_open(actual_path, CC_STORE_READ, NULL, &actual, &err)) return report_error(actual_path, &err);
  if (cc_store_open(train_path, CC_STORE_READ, NULL, &train, &err)) {
    cc_store_close(actual);
    return report_error(train_path, &err);
  }
  FILE *series_out = series_path ? fopen(series_path, "w") : NULL;
  if (series_out) fprintf(series_out, "measure,geography,method,mase\n");
  scores s = {0};
  int failed = series_path && !series_out;
  if (failed) fprintf(stderr, "la_score: cannot write %s\n", series_path);
  for (size_t r = 0; r < n_runs && !failed; r++)
    failed = score_run(actual, train, run_method[r], runs[r], &measures, &s, series_out, methods.text[run_method[r]]);
  if (!failed) print_table(&s, &methods, &measures);
  if (series_out) fclose(series_out);
  free(s.items);
  cc_store_close(train);
  cc_store_close(actual);
  return failed;
}
