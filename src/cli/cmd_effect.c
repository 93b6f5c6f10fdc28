/* cmd_effect.c: carecast effect. The effect of a change introduced at a
 * period on one series (effect.h): the estimates as CSV (name, estimate,
 * lo95, hi95, unit), stored as a new run under /effects/<run_id>/, and one
 * plain-language line on the relative difference from the counterfactual. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/effect.h"
#include "cli.h"

#define CC_EFFECT_RAMP_MAX 120 /* --ramp months at most (ten years) */

/* What one effect run reads and writes. */
typedef struct effect_request {
  const char *store_path;
  const char *series_id;
  const char *at_text;      /* the change's period as typed */
  const char *control_id;   /* NULL for none */
  const char *out_path;     /* CSV file, NULL for standard output */
  int ramp_months;          /* 0: a step */
} effect_request;

/* "month" -> "months", "financial_year" -> "financial years". */
static void plural_period(cc_freq freq, char *buf, size_t len) {
  snprintf(buf, len, "%ss", cc_freq_name(freq));
  for (char *p = buf; *p; p++)
    if (*p == '_') *p = ' ';
}

static void write_csv(FILE *out, const cc_effect_result *r) {
  fprintf(out, "name,estimate,lo%g,hi%g,unit\n", r->level, r->level);
  for (size_t i = 0; i < r->n_estimates; i++) {
    const cc_effect_estimate *e = &r->estimates[i];
    fprintf(out, "%s,%.10g,%.10g,%.10g,%s\n", e->name, e->estimate, e->lo, e->hi, e->unit);
  }
}

/* "referrals were 12% (95% CI 5% to 19%) below the counterfactual in the 12 months from 2019-04". */
static void print_summary(FILE *out, const cc_series *s, const cc_effect_result *r, const char *at_text) {
  const cc_effect_estimate *rel = cc_effect_find(r, "relative_difference");
  const cc_effect_estimate *level = cc_effect_find(r, "level_change"), *slope = cc_effect_find(r, "slope_change");
  char periods[64];
  plural_period(s->freq, periods, sizeof periods);
  const char *side = rel->estimate < 0 ? "below" : "above";
  fprintf(out, "%s were %.0f%% (%g%% CI ", s->measure, fabs(rel->estimate), r->level);
  if (rel->lo < 0 && rel->hi > 0)
    fprintf(out, "%.0f%% below to %.0f%% above", -rel->lo, rel->hi);
  else if (rel->estimate < 0)
    fprintf(out, "%.0f%% to %.0f%%", -rel->hi, -rel->lo);
  else
    fprintf(out, "%.0f%% to %.0f%%", rel->lo, rel->hi);
  fprintf(out, ") %s the counterfactual in the %zu %s from %s\n", side, r->n_after, periods, at_text);
  fprintf(out, "segmented regression, %s: level change %.4g (%g%% CI %.4g to %.4g) %s; slope change %.4g (%.4g to %.4g) %s\n",
          r->model, level->estimate, r->level, level->lo, level->hi, level->unit, slope->estimate, slope->lo, slope->hi,
          slope->unit);
}

/* The change's index in s from --at, and the ramp in s's periods; CC_EINPUT or CC_EUSAGE naming the problem. */
static cc_status locate_change(const cc_series *s, const effect_request *q, size_t *change, int *ramp_periods,
                               cc_error *err) {
  cc_period at;
  cc_status status = cc_period_parse(q->at_text, &at, err);
  if (status) return cc_error_set(err, CC_EUSAGE, NULL, 0, "at", "'%s' is not a period (2019-04, 2019-Q2, 2019/20, 2019)", q->at_text);
  char first[CC_PERIOD_TEXT_MAX], last[CC_PERIOD_TEXT_MAX];
  cc_period_format(s->start, first, sizeof first);
  cc_period_format(cc_period_add(s->start, (int32_t)s->n - 1), last, sizeof last);
  if (at.freq != s->freq)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "at", "%s is not a %s period, as %s's are (%s to %s)", q->at_text,
                        cc_freq_name(s->freq), s->id, first, last);
  int32_t index = cc_period_diff(s->start, at);
  if (index < 0 || (size_t)index >= s->n)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "at", "%s is outside %s (%s to %s)", q->at_text, s->id, first, last);
  *change = (size_t)index;
  int months = cc_freq_months(s->freq);
  if (q->ramp_months % months != 0)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "ramp", "%d months is not a whole number of %s periods", q->ramp_months,
                        cc_freq_name(s->freq));
  *ramp_periods = q->ramp_months / months;
  return CC_OK;
}

/* The control series aligned on s (*control, caller frees); CC_EINPUT when it cannot be. */
static cc_status read_control(cc_store *store, const cc_series *s, const char *control_id, double **control,
                              cc_error *err) {
  *control = NULL;
  if (!control_id) return CC_OK;
  if (!cc_store_model_series_exists(store, control_id))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "control", "no series '%s' in the store (see carecast list)", control_id);
  cc_series *c = NULL;
  cc_status status = cc_store_model_series_read(store, control_id, &c, err);
  if (status) return status;
  if (c->freq != s->freq) {
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "control", "control series %s is %s, %s is %s", control_id,
                          cc_freq_name(c->freq), s->id, cc_freq_name(s->freq));
  } else if (!(*control = malloc((s->n ? s->n : 1) * sizeof **control))) {
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  } else if (cc_series_values_at(c, s->start, s->n, *control) == 0) {
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "control", "control series %s does not overlap %s", control_id, s->id);
  }
  cc_series_free(c);
  if (status) {
    free(*control);
    *control = NULL;
  }
  return status;
}

static int run_effect(const effect_request *q) {
  cc_error err;
  cc_error_clear(&err);
  cc_store_options store_options = cc_cli_store_options();
  cc_store *store = NULL;
  cc_series *s = NULL;
  double *control = NULL;
  cc_effect_result *r = NULL;
  size_t change = 0;
  int ramp_periods = 0;
  char run_id[CC_RUN_ID_MAX], stamp[32], now[32];
  cc_cli_timestamp(now, sizeof now);
  cc_cli_run_stamp(stamp, sizeof stamp);
  cc_status status = cc_store_open(q->store_path, CC_STORE_WRITE, &store_options, &store, &err);
  if (!status && !cc_store_model_series_exists(store, q->series_id))
    status = cc_error_set(&err, CC_EINPUT, q->store_path, 0, "series", "no series '%s' in the store (see carecast list)",
                          q->series_id);
  if (!status) status = cc_store_model_series_read(store, q->series_id, &s, &err);
  if (!status) status = locate_change(s, q, &change, &ramp_periods, &err);
  if (!status) status = read_control(store, s, q->control_id, &control, &err);
  if (!status) {
    fprintf(stderr, "effect: fitting the segmented regression and the counterfactual of %s\n", s->id);
    cc_effect_options options;
    cc_effect_options_default(&options);
    options.ramp_periods = ramp_periods;
    options.period = cc_freq_per_year(s->freq); /* seasonal ARIMA errors for monthly and quarterly series */
    options.nonnegative = s->kind != CC_KIND_AMOUNT;
    options.unit = s->unit[0] ? s->unit : NULL;
    options.period_name = cc_freq_name(s->freq);
    status = cc_effect_compute(s->values, s->n, change, control, &options, &r, &err);
  }
  cc_period at = s ? cc_period_add(s->start, (int32_t)change) : (cc_period){0};
  if (!status) status = cc_store_run_create(store, "effects", stamp, run_id, &err);
  if (!status) status = cc_store_run_describe(store, "effects", run_id, "created_at", now, &err);
  if (!status) status = cc_store_effect_write(store, run_id, s->id, r, at, ramp_periods, q->control_id, &err);
  FILE *out = stdout;
  if (!status && q->out_path && !(out = fopen(q->out_path, "w")))
    status = cc_error_set(&err, CC_EINPUT, q->out_path, 0, NULL, "cannot write the effect CSV");
  if (!status) write_csv(out, r);
  if (out && out != stdout && fclose(out) != 0 && !status)
    status = cc_error_set(&err, CC_EIO, q->out_path, 0, NULL, "cannot finish writing");
  if (!status) status = cc_store_commit(store, &err);
  cc_store_close(store);
  int code = CC_EXIT_OK;
  if (status) {
    code = cc_cli_report_unwritten(&err, q->store_path);
  } else {
    char at_text[CC_PERIOD_TEXT_MAX];
    print_summary(stdout, s, r, cc_period_format(at, at_text, sizeof at_text));
    printf("effect: run %s stored under /effects/%s/%s%s%s\n", run_id, run_id, s->id, q->out_path ? ", CSV " : "",
           q->out_path ? q->out_path : "");
  }
  cc_effect_result_free(r);
  free(control);
  cc_series_free(s);
  return code;
}

int cc_cmd_effect(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'}, {"series", required_argument, NULL, 'g'},
                                          {"at", required_argument, NULL, 'a'},    {"ramp", required_argument, NULL, 'r'},
                                          {"control", required_argument, NULL, 'c'}, {"out", required_argument, NULL, 'o'},
                                          {"help", no_argument, NULL, 'h'},        {0}};
  effect_request q = {0};
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:g:a:r:c:o:h", options, NULL)) != -1) {
    char *end;
    long value;
    switch (opt) {
    case 's': q.store_path = optarg; break;
    case 'g': q.series_id = optarg; break;
    case 'a': q.at_text = optarg; break;
    case 'r':
      value = strtol(optarg, &end, 10);
      if (*end || end == optarg || value < 1 || value > CC_EFFECT_RAMP_MAX)
        return cc_cli_usage_error("effect", "--ramp takes months from 1 to %d", CC_EFFECT_RAMP_MAX);
      q.ramp_months = (int)value;
      break;
    case 'c': q.control_id = optarg; break;
    case 'o': q.out_path = optarg; break;
    case 'h': cc_cli_print_usage("effect", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("effect", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!q.store_path) return cc_cli_usage_error("effect", "--store is required");
  if (!q.series_id) return cc_cli_usage_error("effect", "--series is required");
  if (!q.at_text) return cc_cli_usage_error("effect", "--at is required (the period the change was introduced)");
  if (optind < argc) return cc_cli_usage_error("effect", "unexpected argument: %s", argv[optind]);
  if (q.control_id && strcmp(q.control_id, q.series_id) == 0)
    return cc_cli_usage_error("effect", "--control must be another series than --series");
  return run_effect(&q);
}
