/* cmd_backtest.c: carecast backtest. Rolling-origin evaluation (backtest.h)
 * of a model request on every matching series, on --jobs threads in chunks,
 * reported per series and overall (the mean over series, as the M4 reports)
 * as CSV. Read-only: the store is not changed. */
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/backtest.h"
#include "carecast/intermittent.h"
#include "carecast/models.h"
#include "carecast/select.h"
#include "cli.h"

#define CC_BACKTEST_CHUNK 256 /* series held in memory at once */

typedef struct backtest_slot {
  cc_series *series;
  cc_backtest_result *result;
  const char *model_used; /* the family the result is for ("naive" when ETS could not be fitted) */
  cc_status status;
  cc_error err;
} backtest_slot;

typedef struct backtest_plan {
  cc_model_request request;
  cc_backtest_options options;
  double levels[CC_LEVELS_MAX];
  size_t n_levels;
  int jobs;
} backtest_plan;

/* "auto" in a backtest: the rule of select.h with one family for every origin. SBA
 * when the series is intermittent; otherwise the first of these that can be fitted
 * at every origin, and the name each is reported under. */
static const cc_model_type *const auto_chain[] = {&cc_model_combo, &cc_model_ets, &cc_model_naive};
static const char *const auto_chain_names[] = {"auto", "auto (ETS: too short for the combination)",
                                               "auto (naive: too short for ETS)"};

/* Backtest one series with the plan's family, or by the automatic rule. */
static void backtest_one(backtest_slot *slot, const backtest_plan *plan) {
  const cc_series *s = slot->series;
  cc_fit_options fit;
  cc_fit_options_default(&fit);
  fit.period = cc_freq_per_year(s->freq);
  cc_backtest_options options = plan->options;
  options.nonnegative = s->kind != CC_KIND_AMOUNT;
  const char *variant = plan->request.variant[0] ? plan->request.variant : NULL;
  if (plan->request.type) {
    slot->model_used = plan->request.type->name;
    slot->status = cc_backtest_run(s->values, s->n, plan->request.type, variant, &fit, plan->levels, plan->n_levels,
                                   &options, &slot->result, &slot->err);
    return;
  }
  if (cc_demand_is_intermittent(s->values, s->n)) {
    slot->model_used = "auto (SBA: intermittent)";
    slot->status = cc_backtest_run(s->values, s->n, &cc_model_sba, NULL, &fit, plan->levels, plan->n_levels, &options,
                                   &slot->result, &slot->err);
    return;
  }
  const size_t n_chain = sizeof auto_chain / sizeof *auto_chain;
  for (size_t k = 0; k < n_chain; k++) {
    if (k) cc_error_clear(&slot->err);
    slot->model_used = auto_chain_names[k];
    slot->status = cc_backtest_run(s->values, s->n, auto_chain[k], NULL, &fit, plan->levels, plan->n_levels, &options,
                                   &slot->result, &slot->err);
    if (!(slot->status == CC_EINPUT && strstr(slot->err.message, "origin"))) return;
  }
}

static void print_number(FILE *out, double value) {
  if (isnan(value)) fputs(",", out);
  else fprintf(out, ",%.6g", value);
}

static void print_row(FILE *out, const char *id, const char *model, const cc_accuracy *a, size_t n_levels) {
  fprintf(out, "%s,%s,%zu", id, model, a->n);
  print_number(out, a->mae);
  print_number(out, a->rmse);
  print_number(out, a->mase);
  print_number(out, a->smape);
  for (size_t l = 0; l < n_levels; l++) print_number(out, a->coverage[l]);
  print_number(out, a->pinball);
  fputc('\n', out);
}

static int run_backtest(const char *store_path, const char *glob, backtest_plan *plan, FILE *out) {
  cc_error err;
  cc_error_clear(&err);
  cc_store *store = NULL;
  char **ids = NULL;
  size_t n_ids = 0, matched = 0, scored = 0, skipped = 0;
  backtest_slot *slots = calloc(CC_BACKTEST_CHUNK, sizeof *slots);
  cc_accuracy_total total;
  cc_status status = slots ? CC_OK : cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = cc_accuracy_total_init(&total, plan->levels, plan->n_levels, &err);
  if (!status) status = cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err);
  if (!status) status = cc_store_model_series_ids(store, &ids, &n_ids, &err);
  if (!status) {
    fputs("series_id,model,points,mae,rmse,mase,smape", out);
    for (size_t l = 0; l < plan->n_levels; l++) fprintf(out, ",coverage%g", plan->levels[l]);
    fputs(",pinball\n", out);
  }
  size_t i = 0;
  while (!status && i < n_ids) {
    size_t in_chunk = 0;
    for (; !status && i < n_ids && in_chunk < CC_BACKTEST_CHUNK; i++) {
      if (glob && fnmatch(glob, ids[i], 0) != 0) continue;
      matched++;
      status = cc_store_model_series_read(store, ids[i], &slots[in_chunk].series, &err);
      if (!status) in_chunk++;
    }
#pragma omp parallel for schedule(dynamic) num_threads(plan->jobs)
    for (size_t k = 0; k < in_chunk; k++) backtest_one(&slots[k], plan);
    for (size_t k = 0; k < in_chunk; k++) {
      backtest_slot *slot = &slots[k];
      if (!status && slot->status == CC_EINPUT) {
        fprintf(stderr, "carecast: skipped %s: %s\n", slot->series->id, slot->err.message);
        skipped++;
      } else if (!status && slot->status) {
        status = slot->status;
        err = slot->err;
      } else if (!status) {
        print_row(out, slot->series->id, slot->model_used, &slot->result->accuracy, plan->n_levels);
        status = cc_accuracy_total_add(&total, &slot->result->accuracy, &err);
        scored++;
      }
      cc_series_free(slot->series);
      cc_backtest_result_free(slot->result);
      memset(slot, 0, sizeof *slot);
    }
  }
  if (!status && matched == 0)
    status = cc_error_set(&err, CC_EINPUT, store_path, 0, "series", "no series matches '%s'", glob ? glob : "*");
  if (!status && scored) {
    cc_accuracy overall;
    cc_accuracy_total_finish(&total, &overall);
    print_row(out, "ALL", plan->request.type ? plan->request.type->name : "auto", &overall, plan->n_levels);
  }
  cc_store_free_names(ids, n_ids);
  cc_store_close(store);
  free(slots);
  if (status) return cc_cli_report(&err);
  fprintf(stderr, "backtest: %zu series scored over %zu origins of %zu steps, %zu skipped\n", scored,
          plan->options.n_origins, plan->options.horizon, skipped);
  return CC_EXIT_OK;
}

static int parse_count(const char *text, size_t *out) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*end || value < 1 || value > 100000) return 0;
  *out = (size_t)value;
  return 1;
}

static int backtest_to(const char *store_path, const char *glob, backtest_plan *plan, const char *out_path);

int cc_cli_backtest(const char *store_path, const char *glob, const char *model, size_t horizon, size_t origins, int jobs,
                    const char *out_path) {
  backtest_plan plan;
  memset(&plan, 0, sizeof plan);
  cc_backtest_options_default(&plan.options);
  plan.options.horizon = horizon;
  plan.options.n_origins = origins;
  forecast_plan levels = {0};
  cc_cli_parse_levels("80,95", &levels);
  memcpy(plan.levels, levels.levels, sizeof plan.levels);
  plan.n_levels = levels.n_levels;
  plan.jobs = jobs;
  cc_error err;
  if (cc_model_request_parse(model, &plan.request, &err)) return cc_cli_usage_error("backtest", "%s", err.message);
  return backtest_to(store_path, glob, &plan, out_path);
}

int cc_cmd_backtest(int argc, char **argv) {
  static const struct option options[] = {
      {"store", required_argument, NULL, 's'}, {"series", required_argument, NULL, 'g'},  {"model", required_argument, NULL, 'm'},
      {"horizon", required_argument, NULL, 'H'}, {"origins", required_argument, NULL, 'K'}, {"level", required_argument, NULL, 'l'},
      {"out", required_argument, NULL, 'o'},   {"jobs", required_argument, NULL, 'j'},    {"help", no_argument, NULL, 'h'},
      {0}};
  const char *store_path = NULL, *glob = NULL, *model = "auto", *out_path = NULL, *jobs_text = NULL;
  backtest_plan plan;
  memset(&plan, 0, sizeof plan);
  cc_backtest_options_default(&plan.options);
  plan.options.horizon = plan.options.n_origins = 0;
  forecast_plan levels = {0};
  cc_cli_parse_levels("80,95", &levels);
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:g:m:H:K:l:o:j:h", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'g': glob = optarg; break;
    case 'm': model = optarg; break;
    case 'H':
      if (!parse_count(optarg, &plan.options.horizon)) return cc_cli_usage_error("backtest", "--horizon must be a whole number of periods, at least 1");
      break;
    case 'K':
      if (!parse_count(optarg, &plan.options.n_origins)) return cc_cli_usage_error("backtest", "--origins must be a whole number, at least 1");
      break;
    case 'l':
      if (!cc_cli_parse_levels(optarg, &levels)) return cc_cli_usage_error("backtest", "--level takes levels between 0 and 100, e.g. 80,95");
      break;
    case 'o': out_path = optarg; break;
    case 'j': jobs_text = optarg; break;
    case 'h': cc_cli_print_usage("backtest", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("backtest", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("backtest", "--store is required");
  if (!plan.options.horizon || !plan.options.n_origins) return cc_cli_usage_error("backtest", "--horizon and --origins are required");
  if (optind < argc) return cc_cli_usage_error("backtest", "unexpected argument: %s", argv[optind]);
  cc_error err;
  if (cc_model_request_parse(model, &plan.request, &err)) return cc_cli_usage_error("backtest", "%s", err.message);
  memcpy(plan.levels, levels.levels, sizeof plan.levels);
  plan.n_levels = levels.n_levels;
  int code = cc_cli_jobs(jobs_text, &plan.jobs);
  if (code) return code;
  return backtest_to(store_path, glob, &plan, out_path);
}

/* Run the plan, writing the CSV to out_path (standard output when NULL). */
static int backtest_to(const char *store_path, const char *glob, backtest_plan *plan, const char *out_path) {
  int code;
  FILE *out = stdout;
  if (out_path && !(out = fopen(out_path, "w"))) {
    fprintf(stderr, "carecast: %s: cannot write\n", out_path);
    return CC_EXIT_INPUT;
  }
  code = run_backtest(store_path, glob, plan, out);
  if (out != stdout && fclose(out) != 0 && code == CC_EXIT_OK) {
    fprintf(stderr, "carecast: %s: cannot finish writing\n", out_path);
    code = CC_EXIT_INTERNAL;
  }
  return code;
}
