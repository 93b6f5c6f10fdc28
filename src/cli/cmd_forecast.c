/* cmd_forecast.c: carecast forecast. Forecasts every model of a fit run
 * (the newest unless --run says), in chunks on --jobs threads, storing
 * means, bounds and sample paths under /forecasts/<run_id>/ and writing
 * the same as CSV. Each series' random stream is seeded from the run seed
 * and the series id, so results do not depend on --jobs. Counts (flow and
 * stock measures) and rates are forecast non-negative; amounts (money) may be negative. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/demand.h"
#include "carecast/forecast.h"
#include "carecast/hash.h"
#include "cli.h"

#define CC_FORECAST_CHUNK 256 /* series held in memory at once */
#define CC_SEED_DEFAULT 20250401UL

typedef struct forecast_slot {
  cc_model *model;
  cc_model_context context;
  cc_forecast *forecast;
  size_t h;
  double *xreg_future; /* h x model->n_xreg regressor values over the horizon, or NULL */
  cc_status status;
  cc_error err;
} forecast_slot;

int cc_cli_parse_levels(const char *text, forecast_plan *plan) {
  plan->n_levels = 0;
  const char *p = text;
  while (*p) {
    char *end;
    double level = strtod(p, &end);
    if (end == p || !(level > 0 && level < 100) || plan->n_levels == CC_LEVELS_MAX) return 0;
    plan->levels[plan->n_levels++] = level;
    if (*end == ',') end++;
    else if (*end) return 0;
    p = end;
  }
  return plan->n_levels > 0;
}

static void forecast_chunk(forecast_slot *slots, size_t n, const forecast_plan *plan) {
#pragma omp parallel for schedule(dynamic) num_threads(plan->jobs)
  for (size_t i = 0; i < n; i++) {
    forecast_slot *slot = &slots[i];
    cc_forecast_options options;
    cc_forecast_options_default(&options);
    options.n_paths = plan->n_paths;
    options.seed = (unsigned long)(cc_fnv1a_text(slot->context.series_id) ^ plan->seed);
    options.nonnegative = slot->context.kind != CC_KIND_AMOUNT; /* counts and rates are never below zero */
    options.xreg_future = slot->xreg_future;
    cc_error_clear(&slot->err);
    slot->status = cc_forecast_compute(slot->model, slot->h, plan->levels, plan->n_levels, &options, &slot->forecast,
                                       &slot->err);
  }
}

static void level_name(double level, char *buf, size_t len) { snprintf(buf, len, "%g", level); }

static void write_csv_header(FILE *out, const forecast_plan *plan) {
  fputs("series_id,period,h,mean", out);
  for (size_t l = 0; l < plan->n_levels; l++) {
    char name[32];
    level_name(plan->levels[l], name, sizeof name);
    fprintf(out, ",lo%s,hi%s", name, name);
  }
  fputs(",model\n", out);
}

static void write_csv_rows(FILE *out, const forecast_slot *slot) {
  const cc_forecast *f = slot->forecast;
  for (size_t i = 0; i < f->h; i++) {
    char period[CC_PERIOD_TEXT_MAX];
    fprintf(out, "%s,%s,%zu,%.10g", slot->context.series_id,
            cc_period_format(cc_period_add(slot->context.next, (int32_t)i), period, sizeof period), i + 1, f->mean[i]);
    for (size_t l = 0; l < f->n_levels; l++) fprintf(out, ",%.10g,%.10g", f->lower[l * f->h + i], f->upper[l * f->h + i]);
    fprintf(out, ",%s\n", slot->model->spec);
  }
}

/* The CSV rows of a demand model's output (cc_demand_emit_fn). */
static void write_demand_rows(void *context, const char *series_id, cc_period first, const cc_forecast *f,
                              const char *model_spec) {
  FILE *out = context;
  if (!out) return;
  for (size_t i = 0; i < f->h; i++) {
    char period[CC_PERIOD_TEXT_MAX];
    fprintf(out, "%s,%s,%zu,%.10g", series_id, cc_period_format(cc_period_add(first, (int32_t)i), period, sizeof period),
            i + 1, f->mean[i]);
    for (size_t l = 0; l < f->n_levels; l++) fprintf(out, ",%.10g,%.10g", f->lower[l * f->h + i], f->upper[l * f->h + i]);
    fprintf(out, ",%s\n", model_spec);
  }
}

static void free_slots(forecast_slot *slots, size_t n) {
  for (size_t i = 0; i < n; i++) {
    cc_model_free(slots[i].model);
    cc_forecast_free(slots[i].forecast);
    free(slots[i].xreg_future);
    memset(&slots[i], 0, sizeof slots[i]);
  }
}

/* The future values of slot's regressors over its horizon: each one's mean
 * forecast in the newest forecast run that has it (not this_run). CC_EINPUT
 * naming the regressor when none has it or it does not cover the horizon. */
static cc_status regressors_future(cc_store *store, const char *this_run, forecast_slot *slot, cc_error *err) {
  const cc_model *m = slot->model;
  if (m->n_xreg == 0) return CC_OK;
  size_t h = slot->h;
  if (!(slot->xreg_future = malloc(h * m->n_xreg * sizeof *slot->xreg_future)))
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t j = 0; j < m->n_xreg; j++) {
    char run[CC_RUN_ID_MAX], first[CC_PERIOD_TEXT_MAX], last[CC_PERIOD_TEXT_MAX];
    int found = 0;
    size_t covered = 0;
    cc_status status = cc_store_forecast_newest_run(store, m->xreg_names[j], this_run, run, &found, err);
    if (!status && !found)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "xreg",
                          "%s needs the future values of its regressor %s: no forecast of it in the store (fit and "
                          "forecast it first)",
                          slot->context.series_id, m->xreg_names[j]);
    if (!status)
      status = cc_store_forecast_mean(store, run, m->xreg_names[j], slot->context.next, h, slot->xreg_future + j * h,
                                      &covered, err);
    if (status) return status;
    if (covered < h)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "xreg",
                          "%s needs its regressor %s from %s to %s, but forecast run %s covers only %zu of those %zu "
                          "periods (forecast it further)",
                          slot->context.series_id, m->xreg_names[j],
                          cc_period_format(slot->context.next, first, sizeof first),
                          cc_period_format(cc_period_add(slot->context.next, (int32_t)h - 1), last, sizeof last), run,
                          covered, h);
  }
  return CC_OK;
}

int cc_cli_forecast(const char *store_path, const char *model_run, const forecast_plan *plan, const char *out_path,
                    FILE *progress) {
  cc_error err;
  cc_error_clear(&err);
  cc_store_options options = cc_cli_store_options();
  cc_store *store = NULL;
  char run_id[CC_RUN_ID_MAX], fit_run[CC_RUN_ID_MAX], now[32], stamp[32], **ids = NULL;
  size_t n_ids = 0, done = 0;
  int found = 1;
  FILE *out = NULL;
  forecast_slot *slots = calloc(CC_FORECAST_CHUNK, sizeof *slots);
  cc_status status = slots ? CC_OK : cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_cli_timestamp(now, sizeof now);
  cc_cli_run_stamp(stamp, sizeof stamp);
  if (!status) status = cc_store_open(store_path, CC_STORE_WRITE, &options, &store, &err);
  if (!status && model_run) snprintf(fit_run, sizeof fit_run, "%s", model_run);
  else if (!status) status = cc_store_run_latest(store, "models", fit_run, &found, &err);
  if (!status && !found) status = cc_error_set(&err, CC_EINPUT, store_path, 0, NULL, "no fitted models (run carecast fit first)");
  if (!status) status = cc_store_run_series(store, "models", fit_run, &ids, &n_ids, &err);
  if (!status) status = cc_store_run_create(store, "forecasts", stamp, run_id, &err);
  if (!status) status = cc_store_run_describe(store, "forecasts", run_id, "model_run", fit_run, &err);
  if (!status) status = cc_store_run_describe(store, "forecasts", run_id, "horizon", plan->horizon, &err);
  if (!status) status = cc_store_run_describe(store, "forecasts", run_id, "created_at", now, &err);
  if (!status && out_path && !(out = fopen(out_path, "w")))
    status = cc_error_set(&err, CC_EINPUT, out_path, 0, NULL, "cannot write the forecast CSV");
  if (out) write_csv_header(out, plan);
  size_t i = 0;
  while (!status && i < n_ids) {
    size_t in_chunk = 0;
    for (; !status && i < n_ids && in_chunk < CC_FORECAST_CHUNK; i++, in_chunk++) {
      forecast_slot *slot = &slots[in_chunk];
      status = cc_store_model_read(store, fit_run, ids[i], &slot->model, &slot->context, &err);
      if (!status && !cc_period_horizon(plan->horizon, slot->context.freq, &slot->h))
        status = cc_error_set(&err, CC_EUSAGE, NULL, 0, "horizon", "'%s' is not a horizon (periods, e.g. 12, or years, e.g. 3y)", plan->horizon);
      if (!status) status = regressors_future(store, run_id, slot, &err);
    }
    if (!status) forecast_chunk(slots, in_chunk, plan);
    for (size_t s = 0; !status && s < in_chunk; s++) {
      if ((status = slots[s].status)) {
        err = slots[s].err;
        break;
      }
      status = cc_store_forecast_write(store, run_id, slots[s].context.series_id, slots[s].forecast, slots[s].context.next,
                                       slots[s].model->spec, &err);
      if (!status && out) write_csv_rows(out, &slots[s]);
      done++;
    }
    free_slots(slots, in_chunk);
    if (!status) fprintf(progress, "forecast: %zu of %zu series done\n", done, n_ids);
  }
  size_t demand_outputs = 0;
  if (!status) {
    cc_demand_forecast_plan demand_plan = {plan->horizon, plan->levels, plan->n_levels, plan->n_paths, plan->seed};
    status = cc_demand_forecast(store, fit_run, run_id, &demand_plan, write_demand_rows, out, &demand_outputs, &err);
    if (!status && demand_outputs) fprintf(progress, "forecast: %zu series projected by demand models\n", demand_outputs);
    done += demand_outputs;
  }
  if (out && fclose(out) != 0 && !status) status = cc_error_set(&err, CC_EIO, out_path, 0, NULL, "cannot finish writing");
  if (!status) status = cc_store_commit(store, &err);
  cc_store_close(store);
  cc_store_free_names(ids, n_ids);
  free(slots);
  if (status) return cc_cli_report_unwritten(&err, store_path);
  fprintf(progress, "forecast: run %s from models %s: %zu series, horizon %s, %zu paths each%s%s\n", run_id, fit_run,
          done, plan->horizon, plan->n_paths, out_path ? ", CSV " : "", out_path ? out_path : "");
  return CC_EXIT_OK;
}

int cc_cmd_forecast(int argc, char **argv) {
  static const struct option options[] = {
      {"store", required_argument, NULL, 's'}, {"horizon", required_argument, NULL, 'H'}, {"level", required_argument, NULL, 'l'},
      {"out", required_argument, NULL, 'o'},   {"run", required_argument, NULL, 'r'},     {"paths", required_argument, NULL, 'p'},
      {"seed", required_argument, NULL, 'S'},  {"jobs", required_argument, NULL, 'j'},    {"help", no_argument, NULL, 'h'},
      {0}};
  const char *store_path = NULL, *out_path = NULL, *run = NULL, *jobs_text = NULL;
  forecast_plan plan = {.horizon = NULL, .n_paths = CC_FORECAST_PATHS_DEFAULT, .seed = CC_SEED_DEFAULT};
  cc_cli_parse_levels("80,95", &plan);
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:H:l:o:r:p:S:j:h", options, NULL)) != -1) {
    char *end;
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'H': plan.horizon = optarg; break;
    case 'l':
      if (!cc_cli_parse_levels(optarg, &plan)) return cc_cli_usage_error("forecast", "--level takes levels between 0 and 100, e.g. 80,95");
      break;
    case 'o': out_path = optarg; break;
    case 'r': run = optarg; break;
    case 'p':
      plan.n_paths = strtoul(optarg, &end, 10);
      if (*end || plan.n_paths > 100000) return cc_cli_usage_error("forecast", "--paths must be a whole number up to 100000");
      break;
    case 'S':
      plan.seed = strtoul(optarg, &end, 10);
      if (*end) return cc_cli_usage_error("forecast", "--seed must be a whole number");
      break;
    case 'j': jobs_text = optarg; break;
    case 'h': cc_cli_print_usage("forecast", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("forecast", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("forecast", "--store is required");
  if (!plan.horizon) return cc_cli_usage_error("forecast", "--horizon is required");
  size_t probe;
  if (!cc_period_horizon(plan.horizon, CC_FREQ_MONTH, &probe))
    return cc_cli_usage_error("forecast", "'%s' is not a horizon (periods, e.g. 12, or years, e.g. 3y)", plan.horizon);
  if (optind < argc) return cc_cli_usage_error("forecast", "unexpected argument: %s", argv[optind]);
  int code = cc_cli_jobs(jobs_text, &plan.jobs);
  if (code) return code;
  return cc_cli_forecast(store_path, run, &plan, out_path, stdout);
}
