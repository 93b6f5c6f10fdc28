/* cmd_fit.c: carecast fit and carecast models.
 *
 * fit reads the series in chunks, fits each chunk on --jobs threads
 * (OpenMP) and writes the chunk's models before reading the next, so memory
 * is bounded by the chunk whatever the number of series. Each series' fit
 * depends on that series alone, so results are the same for any --jobs. */
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/demand.h"
#include "carecast/select.h"
#include "cli.h"

#define CC_FIT_CHUNK 256      /* series held in memory at once */
#define CC_SKIPS_SHOWN 5      /* skipped series named one by one; the rest are counted */
#define CC_XREG_MAX 32        /* regressors one fit may take (the ARIMA limit) */
#define CC_DEMAND_SEED 20250401UL /* seed of the demand models' bootstrap */

typedef struct fit_slot {
  cc_series *series;
  double *xreg;       /* series->n x n_xreg regressor values aligned on its periods, or NULL */
  int prepared;       /* 1: status and err were set before fitting (the series is skipped) */
  cc_model *model;
  cc_status status;
  cc_error err;
} fit_slot;

/* The regressors of a fit run (--xreg): series of the store, read once. */
typedef struct fit_regressors {
  size_t n;
  cc_series *series[CC_XREG_MAX];
  const char *names[CC_XREG_MAX]; /* their ids */
} fit_regressors;

static size_t count_observed(const cc_series *s) {
  size_t count = 0;
  for (size_t i = 0; i < s->n; i++) count += !isnan(s->values[i]);
  return count;
}

int cc_cli_jobs(const char *text, int *jobs) {
  if (!text) {
    *jobs = omp_get_num_procs();
    return CC_EXIT_OK;
  }
  char *end;
  long value = strtol(text, &end, 10);
  if (*end || value < 1 || value > 1024) return cc_cli_usage_error("fit", "--jobs must be a whole number from 1 to 1024");
  *jobs = (int)value;
  return CC_EXIT_OK;
}

/* Align the regressors on slot's series (slot->xreg); a series they cannot
 * serve (another frequency, no overlap, one of them) is marked skipped. */
static cc_status prepare_regressors(fit_slot *slot, const fit_regressors *regs, cc_error *err) {
  if (regs->n == 0) return CC_OK;
  const cc_series *s = slot->series;
  cc_error_clear(&slot->err);
  for (size_t j = 0; j < regs->n; j++) {
    const cc_series *r = regs->series[j];
    const char *why = strcmp(r->id, s->id) == 0 ? "it is one of the regressors"
                      : r->freq != s->freq      ? "its frequency differs from the regressor's"
                                                : NULL;
    if (why) {
      slot->status = cc_error_set(&slot->err, CC_EINPUT, NULL, 0, "xreg", "%s (%s)", why, r->id);
      slot->prepared = 1;
      return CC_OK;
    }
  }
  slot->xreg = malloc((s->n ? s->n : 1) * regs->n * sizeof *slot->xreg);
  if (!slot->xreg) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t j = 0; j < regs->n; j++)
    if (cc_series_values_at(regs->series[j], s->start, s->n, slot->xreg + j * s->n) == 0) {
      slot->status = cc_error_set(&slot->err, CC_EINPUT, NULL, 0, "xreg", "regressor %s has no values in its periods",
                                  regs->names[j]);
      slot->prepared = 1;
      return CC_OK;
    }
  return CC_OK;
}

/* Fit every slot in parallel. */
static void fit_chunk(fit_slot *slots, size_t n, const cc_model_request *request, const fit_regressors *regs,
                      int jobs) {
#pragma omp parallel for schedule(dynamic) num_threads(jobs)
  for (size_t i = 0; i < n; i++) {
    fit_slot *slot = &slots[i];
    if (slot->prepared) continue;
    cc_error_clear(&slot->err);
    if (count_observed(slot->series) < 2) {
      slot->status = cc_error_set(&slot->err, CC_EINPUT, NULL, 0, "series", "fewer than two observed values");
      continue;
    }
    /* with regressors the regression is fitted to the values as they are; without, the
     * quality flags decide how imputed values and breaks count (select.h) */
    slot->status = regs->n ? cc_model_fit_request_xreg(request, slot->series->values, slot->series->n,
                                                       cc_freq_per_year(slot->series->freq), regs->n, slot->xreg,
                                                       regs->names, &slot->model, &slot->err)
                           : cc_model_fit_series(request, slot->series, &slot->model, &slot->err);
  }
}

/* Write the chunk's models; report the series skipped. */
static cc_status write_chunk(cc_store *store, const char *run_id, fit_slot *slots, size_t n, size_t *fitted,
                             size_t *skipped, cc_error *err) {
  for (size_t i = 0; i < n; i++) {
    fit_slot *slot = &slots[i];
    if (slot->status == CC_EINPUT) {
      if (*skipped < CC_SKIPS_SHOWN) fprintf(stderr, "carecast: skipped %s: %s\n", slot->series->id, slot->err.message);
      (*skipped)++;
      continue;
    }
    if (slot->status) {
      *err = slot->err;
      return slot->status;
    }
    cc_model_context context = {.kind = slot->series->kind, .freq = slot->series->freq,
                                .next = cc_period_add(slot->series->start, (int32_t)slot->series->n),
                                .ljung_box_p = cc_model_residual_check(slot->model)};
    snprintf(context.series_id, sizeof context.series_id, "%s", slot->series->id);
    cc_status status = cc_store_model_write(store, run_id, slot->model, &context, err);
    if (status) return status;
    (*fitted)++;
  }
  return CC_OK;
}

static void free_chunk(fit_slot *slots, size_t n) {
  for (size_t i = 0; i < n; i++) {
    cc_series_free(slots[i].series);
    free(slots[i].xreg);
    cc_model_free(slots[i].model);
    memset(&slots[i], 0, sizeof slots[i]);
  }
}

/* Fit a demand model file (cohort:FILE, stockflow:FILE) as one run. */
static int fit_demand(const char *store_path, const char *model_text, const char *spec_path, FILE *out) {
  cc_error err;
  cc_error_clear(&err);
  cc_demand_spec *spec = NULL;
  cc_status status = cc_demand_spec_load(spec_path, &spec, &err);
  if (!status && (strncmp(model_text, "cohort:", 7) == 0) != (spec->type == CC_DEMAND_COHORT))
    status = cc_error_set(&err, CC_EINPUT, spec_path, 1, "type", "the file is a %s model, not what --model %s asks for",
                          spec->type == CC_DEMAND_COHORT ? "cohort" : "stockflow", model_text);
  if (status) {
    cc_demand_spec_free(spec);
    return cc_cli_report(&err);
  }
  cc_store_options options = cc_cli_store_options();
  cc_store *store = NULL;
  char run_id[CC_RUN_ID_MAX], now[32], run_stamp[32];
  size_t fitted = 0;
  cc_cli_timestamp(now, sizeof now);
  cc_cli_run_stamp(run_stamp, sizeof run_stamp);
  status = cc_store_open(store_path, CC_STORE_WRITE, &options, &store, &err);
  if (!status) status = cc_store_run_create(store, "models", run_stamp, run_id, &err);
  if (!status) status = cc_store_run_describe(store, "models", run_id, "model_request", model_text, &err);
  if (!status) status = cc_store_run_describe(store, "models", run_id, "created_at", now, &err);
  if (!status) status = cc_demand_fit(store, run_id, spec, CC_DEMAND_SEED, &fitted, &err);
  if (!status) status = cc_store_commit(store, &err);
  cc_store_close(store);
  if (status) {
    cc_demand_spec_free(spec);
    return cc_cli_report_unwritten(&err, store_path);
  }
  fprintf(out, "fit: run %s: %s model %s fitted for %zu council%s\n", run_id,
          spec->type == CC_DEMAND_COHORT ? "cohort" : "stock-and-flow", spec->name, fitted, fitted == 1 ? "" : "s");
  cc_demand_spec_free(spec);
  return CC_EXIT_OK;
}

int cc_cli_fit(const char *store_path, const char *glob, const char *model_text, const char *lambda_text, int biasadj,
               int jobs, FILE *out) {
  return cc_cli_fit_xreg(store_path, glob, model_text, lambda_text, biasadj, NULL, jobs, out);
}

/* Split "A,B,C" (owned copy in *text_copy) into regs->names; an exit code. */
static int parse_regressor_ids(const char *text, char **text_copy, fit_regressors *regs) {
  memset(regs, 0, sizeof *regs);
  if (!(*text_copy = strdup(text))) {
    cc_error err;
    cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    return cc_cli_report(&err);
  }
  for (char *id = strtok(*text_copy, ","); id; id = strtok(NULL, ",")) {
    if (regs->n == CC_XREG_MAX) return cc_cli_usage_error("fit", "--xreg takes at most %d series", CC_XREG_MAX);
    regs->names[regs->n++] = id;
  }
  if (regs->n == 0) return cc_cli_usage_error("fit", "--xreg needs series ids, e.g. nhs_emergency_admissions/E08000019/65+");
  return CC_EXIT_OK;
}

int cc_cli_fit_xreg(const char *store_path, const char *glob, const char *model_text, const char *lambda_text,
                    int biasadj, const char *xreg_text, int jobs, FILE *out) {
  const char *spec_path;
  if (cc_demand_request(model_text, &spec_path)) {
    if (glob || lambda_text || biasadj || xreg_text)
      return cc_cli_usage_error("fit", "--series, --lambda, --biasadj and --xreg do not apply to %s", model_text);
    return fit_demand(store_path, model_text, spec_path, out);
  }
  cc_model_request request;
  cc_error err;
  cc_error_clear(&err);
  if (cc_model_request_parse(model_text, &request, &err)) return cc_cli_usage_error("fit", "%s", err.message);
  fit_regressors regs = {0};
  char *xreg_copy = NULL;
  if (xreg_text) {
    if (request.type && strcmp(request.type->name, "arima") != 0)
      return cc_cli_usage_error("fit", "--xreg needs --model arima[:ORDERS] or auto (regression with ARIMA errors)");
    int code = parse_regressor_ids(xreg_text, &xreg_copy, &regs);
    if (code) {
      free(xreg_copy);
      return code;
    }
  }
  if (lambda_text && cc_model_request_set_lambda(&request, lambda_text, &err)) return cc_cli_usage_error("fit", "%s", err.message);
  if (biasadj && !lambda_text) return cc_cli_usage_error("fit", "--biasadj needs --lambda");
  request.biasadj = biasadj;
  cc_store_options options = cc_cli_store_options();
  cc_store *store = NULL;
  char **ids = NULL, run_id[CC_RUN_ID_MAX], now[32];
  size_t n_ids = 0, fitted = 0, skipped = 0, matched = 0;
  fit_slot *slots = calloc(CC_FIT_CHUNK, sizeof *slots);
  cc_status status = slots ? CC_OK : cc_error_set(&err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_cli_timestamp(now, sizeof now);
  char run_stamp[32];
  cc_cli_run_stamp(run_stamp, sizeof run_stamp);
  if (!status) status = cc_store_open(store_path, CC_STORE_WRITE, &options, &store, &err);
  if (!status) status = cc_store_model_series_ids(store, &ids, &n_ids, &err);
  if (!status) status = cc_store_run_create(store, "models", run_stamp, run_id, &err);
  if (!status) status = cc_store_run_describe(store, "models", run_id, "model_request", model_text, &err);
  if (!status) status = cc_store_run_describe(store, "models", run_id, "created_at", now, &err);
  if (!status) status = cc_store_run_describe(store, "models", run_id, "series_glob", glob ? glob : "*", &err);
  if (!status) status = cc_store_run_describe(store, "models", run_id, "lambda", lambda_text ? lambda_text : "none", &err);
  if (!status && xreg_text) status = cc_store_run_describe(store, "models", run_id, "xreg", xreg_text, &err);
  for (size_t j = 0; !status && j < regs.n; j++) {
    if (!cc_store_model_series_exists(store, regs.names[j]))
      status = cc_error_set(&err, CC_EINPUT, store_path, 0, "xreg", "no series '%s' in the store (see carecast list)",
                            regs.names[j]);
    else
      status = cc_store_model_series_read(store, regs.names[j], &regs.series[j], &err);
  }
  size_t i = 0;
  while (!status && i < n_ids) {
    size_t in_chunk = 0;
    for (; !status && i < n_ids && in_chunk < CC_FIT_CHUNK; i++) {
      if (glob && fnmatch(glob, ids[i], 0) != 0) continue;
      matched++;
      status = cc_store_model_series_read(store, ids[i], &slots[in_chunk].series, &err);
      if (!status) status = prepare_regressors(&slots[in_chunk], &regs, &err);
      if (slots[in_chunk].series) in_chunk++;
    }
    if (!status) fit_chunk(slots, in_chunk, &request, &regs, jobs);
    if (!status) status = write_chunk(store, run_id, slots, in_chunk, &fitted, &skipped, &err);
    free_chunk(slots, in_chunk);
    if (!status && in_chunk) fprintf(out, "fit: %zu of %zu series done\n", fitted + skipped, matched);
  }
  if (!status && matched == 0)
    status = cc_error_set(&err, CC_EINPUT, store_path, 0, "series", "no series matches '%s'", glob ? glob : "*");
  if (!status) status = cc_store_commit(store, &err);
  cc_store_close(store);
  cc_store_free_names(ids, n_ids);
  free(slots);
  for (size_t j = 0; j < regs.n; j++) cc_series_free(regs.series[j]);
  free(xreg_copy);
  if (status) return cc_cli_report_unwritten(&err, store_path);
  if (skipped > CC_SKIPS_SHOWN)
    fprintf(stderr, "carecast: ... and %zu more series skipped (too short or no model fits them)\n", skipped - CC_SKIPS_SHOWN);
  fprintf(out, "fit: run %s: %zu series fitted with --model %s%s%s, %zu skipped, on %d thread%s\n", run_id, fitted,
          model_text, xreg_text ? " --xreg " : "", xreg_text ? xreg_text : "", skipped, jobs, jobs == 1 ? "" : "s");
  return CC_EXIT_OK;
}

int cc_cmd_fit(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'}, {"series", required_argument, NULL, 'g'},
                                          {"model", required_argument, NULL, 'm'}, {"jobs", required_argument, NULL, 'j'},
                                          {"lambda", required_argument, NULL, 'L'}, {"biasadj", no_argument, NULL, 'B'},
                                          {"xreg", required_argument, NULL, 'x'},  {"help", no_argument, NULL, 'h'},
                                          {0}};
  const char *store_path = NULL, *glob = NULL, *model = "auto", *jobs_text = NULL, *lambda = NULL, *xreg = NULL;
  int opt, biasadj = 0;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:g:m:j:L:x:Bh", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'g': glob = optarg; break;
    case 'm': model = optarg; break;
    case 'j': jobs_text = optarg; break;
    case 'L': lambda = optarg; break;
    case 'B': biasadj = 1; break;
    case 'x': xreg = optarg; break;
    case 'h': cc_cli_print_usage("fit", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("fit", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("fit", "--store is required");
  if (optind < argc) return cc_cli_usage_error("fit", "unexpected argument: %s", argv[optind]);
  int jobs = 1, code = cc_cli_jobs(jobs_text, &jobs);
  if (code) return code;
  return cc_cli_fit_xreg(store_path, glob, model, lambda, biasadj, xreg, jobs, stdout);
}

/* ---- carecast models ------------------------------------------------------------ */

static void print_csv_number(FILE *out, double value) {
  if (isnan(value)) fputs("", out);
  else fprintf(out, "%.10g", value);
}

/* A stock-and-flow state's entries regressed on a leading indicator: the
 * model and the indicator's coefficient with its standard error. Nothing
 * when the state has no such model. */
static void print_entry_regression(cc_store *store, const char *run_id, const char *key, const char *part, FILE *out) {
  cc_model *m = NULL;
  cc_model_context context;
  cc_error ignored;
  if (cc_store_demand_model_read(store, run_id, key, part, &m, &context, &ignored) != CC_OK) return;
  if (m->n_xreg) {
    size_t at = m->n_params - m->n_xreg;
    fprintf(out, ";entries(%s)=%s on %s: b=%.4g", part, m->spec, m->xreg_names[0], m->params[at]);
    if (!isnan(m->std_errors[at])) fprintf(out, " (se %.2g)", m->std_errors[at]);
  }
  cc_model_free(m);
}

/* One row per demand model of the run: for a stock-and-flow model each
 * allowed move's monthly probability with its bootstrap standard error and
 * each state's mean stay in months (and the regression of entries that
 * follow a leading indicator); for a cohort model each band's rate
 * (constant) or the series its rate is forecast as. */
static cc_status print_demand_models(cc_store *store, const char *run_id, FILE *out, cc_error *err) {
  char **keys = NULL;
  size_t n = 0;
  cc_status status = cc_store_demand_list(store, run_id, &keys, &n, err);
  for (size_t i = 0; !status && i < n; i++) {
    cc_demand_record *r = NULL;
    if ((status = cc_store_demand_read(store, run_id, keys[i], &r, err))) break;
    const cc_multistate *m = r->transitions;
    fprintf(out, "%s,%s,\"", keys[i], m ? "StockFlow" : "Cohort");
    for (size_t a = 0; a < r->n_parts; a++) {
      if (!m) {
        if (r->driver_ids[a][0]) fprintf(out, "%srate(%s)=forecast as %s", a ? ";" : "", r->part_names[a], r->driver_ids[a]);
        else fprintf(out, "%srate(%s)=%.6g", a ? ";" : "", r->part_names[a], r->values[a]);
        continue;
      }
      fprintf(out, "%sstay(%s)=%.4g months", a ? ";" : "", r->part_names[a], cc_multistate_mean_stay(m, a));
      for (size_t b = 0; b <= m->k; b++) {
        size_t at = cc_multistate_at(m, a, b);
        if (!m->allowed[at]) continue;
        fprintf(out, ";p(%s>%s)=%.4g", r->part_names[a], b == m->k ? "ended" : r->part_names[b], m->p[at]);
        if (!isnan(m->se[at])) fprintf(out, " (se %.2g)", m->se[at]);
      }
      if (!isnan(r->shrink_weight[a])) fprintf(out, ";shrink(%s)=own weight %.3g", r->part_names[a], r->shrink_weight[a]);
      if (r->n_recent) print_entry_regression(store, run_id, keys[i], r->part_names[a], out);
    }
    fputs("\",,,\n", out);
    cc_demand_record_free(r);
  }
  cc_store_free_names(keys, n);
  return status;
}

int cc_cmd_models(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'}, {"run", required_argument, NULL, 'r'},
                                          {"out", required_argument, NULL, 'o'},   {"help", no_argument, NULL, 'h'},
                                          {0}};
  const char *store_path = NULL, *run = NULL, *out_path = NULL;
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:r:o:h", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'r': run = optarg; break;
    case 'o': out_path = optarg; break;
    case 'h': cc_cli_print_usage("models", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("models", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("models", "--store is required");
  if (optind < argc) return cc_cli_usage_error("models", "unexpected argument: %s", argv[optind]);
  cc_error err;
  cc_error_clear(&err);
  cc_store *store = NULL;
  char run_id[CC_RUN_ID_MAX], **ids = NULL;
  size_t n = 0;
  int found = 1;
  cc_status status = cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err);
  if (!status && run) snprintf(run_id, sizeof run_id, "%s", run);
  else if (!status) status = cc_store_run_latest(store, "models", run_id, &found, &err);
  if (!status && !found) status = cc_error_set(&err, CC_EINPUT, store_path, 0, NULL, "no fitted models (run carecast fit first)");
  if (!status) status = cc_store_run_series(store, "models", run_id, &ids, &n, &err);
  FILE *out = stdout;
  if (!status && out_path && !(out = fopen(out_path, "w")))
    status = cc_error_set(&err, CC_EINPUT, out_path, 0, NULL, "cannot write");
  if (!status) fprintf(out, "series_id,model,parameters,loglik,aicc,ljung_box_p\n");
  for (size_t i = 0; !status && i < n; i++) {
    cc_model *m = NULL;
    cc_model_context context;
    if ((status = cc_store_model_read(store, run_id, ids[i], &m, &context, &err))) break;
    fprintf(out, "%s,%s,\"", ids[i], m->spec);
    for (size_t k = 0; k < m->n_params; k++) {
      size_t first_xreg = m->n_params - m->n_xreg; /* regressors go by their full names (series ids) */
      fprintf(out, "%s%s=%.6g", k ? ";" : "", k >= first_xreg ? m->xreg_names[k - first_xreg] : m->param_names[k],
              m->params[k]);
      if (isfinite(m->std_errors[k])) fprintf(out, " (s.e. %.4g)", m->std_errors[k]);
    }
    for (size_t c = 0; c < m->n_components; c++) /* a combination: the models it combines */
      fprintf(out, "%s%s", m->n_params || c ? ";" : "", m->components[c]->spec);
    if (!isnan(m->lambda)) fprintf(out, ";lambda=%.6g%s", m->lambda, m->biasadj ? ";biasadj=1" : "");
    fputs("\",", out);
    print_csv_number(out, m->loglik);
    fputc(',', out);
    print_csv_number(out, m->aicc);
    fputc(',', out);
    print_csv_number(out, context.ljung_box_p);
    fputc('\n', out);
    cc_model_free(m);
  }
  if (!status) status = print_demand_models(store, run_id, out, &err);
  if (out && out != stdout && fclose(out) != 0 && !status)
    status = cc_error_set(&err, CC_EIO, out_path, 0, NULL, "cannot finish writing");
  cc_store_free_names(ids, n);
  cc_store_close(store);
  if (status) return cc_cli_report(&err);
  if (out_path) printf("models: %zu models of run %s written to %s\n", n, run_id, out_path);
  return CC_EXIT_OK;
}
