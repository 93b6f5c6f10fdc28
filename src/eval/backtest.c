/* backtest.c: rolling-origin evaluation (see backtest.h).
 *
 * At each origin the family is refitted through the model interface and
 * forecast through cc_forecast_compute with no sample paths kept, the
 * forecast is scored into running sums (accuracy.h) -- once for the series
 * and once for its step ahead -- and freed. Nothing grows with the number
 * of origins unless the caller asks to keep the forecasts.
 *
 * Origins are scored in order with one set of sums, so the result does not
 * depend on threads; a caller that wants parallelism runs series (not
 * origins) in parallel, each with its own result. */
#include "carecast/backtest.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/forecast.h"

static const double default_levels[] = {80, 95};

void cc_backtest_options_default(cc_backtest_options *options) {
  options->horizon = 1;
  options->n_origins = 1;
  options->step = 1;
  options->min_train = CC_BACKTEST_MIN_TRAIN_DEFAULT;
  options->nonnegative = 0;
  options->seed = CC_BACKTEST_SEED_DEFAULT;
  options->interval_paths = CC_FORECAST_INTERVAL_PATHS;
  options->keep_forecasts = 0;
}

cc_backtest_result *cc_backtest_result_alloc(size_t horizon, size_t n_origins, size_t n_levels, int keep) {
  cc_backtest_result *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->horizon = horizon;
  r->n_origins = n_origins;
  r->n_levels = n_levels;
  r->by_h = calloc(horizon ? horizon : 1, sizeof *r->by_h);
  int ok = r->by_h != NULL;
  if (ok && keep) {
    size_t values = n_origins * horizon > 0 ? n_origins * horizon : 1;
    size_t bounds = values * (n_levels > 0 ? n_levels : 1);
    r->kept = 1;
    r->mean = malloc(values * sizeof *r->mean);
    r->errors = malloc(values * sizeof *r->errors);
    r->lower = malloc(bounds * sizeof *r->lower);
    r->upper = malloc(bounds * sizeof *r->upper);
    ok = r->mean && r->errors && r->lower && r->upper;
  }
  if (!ok) {
    cc_backtest_result_free(r);
    return NULL;
  }
  return r;
}

void cc_backtest_result_free(cc_backtest_result *r) {
  if (!r) return;
  free(r->by_h);
  free(r->mean);
  free(r->errors);
  free(r->lower);
  free(r->upper);
  free(r);
}

size_t cc_backtest_min_length(const cc_backtest_options *options) {
  size_t origins = options->n_origins ? options->n_origins - 1 : 0;
  if (options->step && origins > (SIZE_MAX - options->min_train - options->horizon) / options->step) return SIZE_MAX;
  if (options->min_train > SIZE_MAX - options->horizon) return SIZE_MAX;
  return options->min_train + options->horizon + origins * options->step;
}

/* splitmix64's finaliser (Steele, Lea and Flood 2014) of seed and origin,
 * folded to 32 bits: gsl's mt19937 uses only the low 32 bits of a seed, so
 * the high ones must be mixed in. */
unsigned long cc_backtest_origin_seed(unsigned long seed, size_t origin) {
  uint64_t z = (uint64_t)seed + 0x9E3779B97F4A7C15ULL * ((uint64_t)origin + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return (unsigned long)((z ^ (z >> 32)) & 0xFFFFFFFFULL);
}

/* Check what the caller asked for; CC_OK or the error. */
static cc_status check_request(const double *y, size_t n, const cc_model_type *type, const cc_backtest_options *o,
                               size_t n_levels, cc_error *err) {
  if (!type) return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "no model family given");
  if (o->horizon == 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "horizon", "must be at least 1");
  if (o->n_origins == 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "origins", "must be at least 1");
  if (o->step == 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "step", "must be at least 1");
  if (o->min_train == 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "min_train", "must be at least 1");
  if (n_levels > CC_ACCURACY_LEVELS_MAX)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "level", "at most %d interval levels can be scored, got %zu",
                        CC_ACCURACY_LEVELS_MAX, n_levels);
  size_t needed = cc_backtest_min_length(o);
  if (n < needed)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                        "the series has %zu values, too few for %zu origins %zu apart with a horizon of %zu: "
                        "that needs at least %zu values (%zu to fit the first origin on, then %zu)",
                        n, o->n_origins, o->step, o->horizon, needed, o->min_train, needed - o->min_train);
  for (size_t t = 0; t < n; t++)
    if (isinf(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is infinite", t + 1);
  return CC_OK;
}

/* Put the origin in front of the message a family left in err. */
static cc_status at_origin(cc_error *err, cc_status status, size_t k, size_t n_origins, size_t origin) {
  if (!err) return status;
  char reason[CC_ERROR_MESSAGE_MAX], field[CC_ERROR_FIELD_MAX];
  memcpy(reason, err->message, sizeof reason);
  memcpy(field, err->field, sizeof field);
  reason[sizeof reason - 1] = '\0';
  field[sizeof field - 1] = '\0';
  return cc_error_set(err, status, NULL, 0, field, "origin %zu of %zu (fitted on the first %zu values): %.600s", k + 1,
                      n_origins, origin, reason);
}

/* Everything one run carries from origin to origin. */
typedef struct backtest_run {
  const double *y;              /* the series */
  const cc_model_type *type;    /* the family */
  const char *variant;          /* its variant, or NULL */
  const cc_fit_options *fit;    /* fit options (never NULL here) */
  const cc_backtest_options *o; /* backtest options (never NULL here) */
  cc_accuracy_sums overall;     /* every origin and step */
  cc_accuracy_sums *by_h;       /* horizon sums, one per step ahead */
  cc_backtest_result *result;   /* filled as origins are scored */
} backtest_run;

/* Score forecast f made at origin k (fitted on `origin` values). */
static void score_origin(backtest_run *run, size_t k, size_t origin, const cc_forecast *f) {
  size_t h = run->o->horizon, n_levels = f->n_levels;
  const double *actual = run->y + origin;
  double scale = cc_accuracy_mase_scale(run->y, origin, run->fit->period);
  cc_accuracy_sums_add(&run->overall, actual, f->mean, f->lower, f->upper, h, scale);
  for (size_t i = 0; i < h; i++) {
    double lower[CC_ACCURACY_LEVELS_MAX], upper[CC_ACCURACY_LEVELS_MAX];
    for (size_t l = 0; l < n_levels; l++) {
      lower[l] = f->lower[l * h + i];
      upper[l] = f->upper[l * h + i];
    }
    cc_accuracy_sums_add(&run->by_h[i], actual + i, f->mean + i, lower, upper, 1, scale);
  }
  cc_backtest_result *r = run->result;
  if (!r->kept) return;
  for (size_t i = 0; i < h; i++) {
    r->mean[k * h + i] = f->mean[i];
    r->errors[k * h + i] = actual[i] - f->mean[i];
  }
  memcpy(r->lower + k * n_levels * h, f->lower, n_levels * h * sizeof *r->lower);
  memcpy(r->upper + k * n_levels * h, f->upper, n_levels * h * sizeof *r->upper);
}

/* Fit, forecast and score origin k. */
static cc_status run_origin(backtest_run *run, size_t k, const double *levels, size_t n_levels, cc_error *err) {
  const cc_backtest_options *o = run->o;
  size_t origin = run->result->first_origin + k * o->step;
  cc_model *m = NULL;
  cc_forecast *f = NULL;
  cc_status status = run->type->fit(run->y, origin, run->variant, run->fit, &m, err);
  if (!status) {
    cc_forecast_options forecast_options;
    cc_forecast_options_default(&forecast_options);
    forecast_options.n_paths = 0;
    forecast_options.interval_paths = o->interval_paths;
    forecast_options.seed = cc_backtest_origin_seed(o->seed, origin);
    forecast_options.nonnegative = o->nonnegative;
    status = cc_forecast_compute(m, o->horizon, levels, n_levels, &forecast_options, &f, err);
  }
  if (!status) {
    score_origin(run, k, origin, f);
    memcpy(run->result->last_spec, m->spec, sizeof m->spec);
    run->result->last_spec[sizeof run->result->last_spec - 1] = '\0';
  }
  cc_forecast_free(f);
  cc_model_free(m);
  return status ? at_origin(err, status, k, o->n_origins, origin) : CC_OK;
}

cc_status cc_backtest_run(const double *y, size_t n, const cc_model_type *type, const char *variant,
                          const cc_fit_options *fit_options, const double *levels, size_t n_levels,
                          const cc_backtest_options *options, cc_backtest_result **out, cc_error *err) {
  *out = NULL;
  cc_backtest_options default_options;
  cc_backtest_options_default(&default_options);
  cc_fit_options default_fit;
  cc_fit_options_default(&default_fit);
  if (!levels) {
    levels = default_levels;
    n_levels = sizeof default_levels / sizeof *default_levels;
  }
  backtest_run run = {.y = y, .type = type, .variant = variant, .fit = fit_options ? fit_options : &default_fit,
                      .o = options ? options : &default_options};
  const cc_backtest_options *o = run.o;
  if (run.fit->n_xreg > 0) /* each origin would need the regressors cut to it and their future values */
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "xreg", "backtests of models with regressors are not supported yet");
  cc_status status = check_request(y, n, type, o, n_levels, err);
  if (!status) status = cc_accuracy_sums_init(&run.overall, levels, n_levels, err);
  if (status) return status;

  run.result = cc_backtest_result_alloc(o->horizon, o->n_origins, n_levels, o->keep_forecasts ? 1 : 0);
  run.by_h = malloc(o->horizon * sizeof *run.by_h);
  if (!run.result || !run.by_h) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !status && i < o->horizon; i++) status = cc_accuracy_sums_init(&run.by_h[i], levels, n_levels, err);
  if (!status) {
    cc_backtest_result *r = run.result;
    r->n = n;
    r->step = o->step;
    r->first_origin = n - o->horizon - (o->n_origins - 1) * o->step;
    memcpy(r->levels, levels, n_levels * sizeof *levels);
  }
  for (size_t k = 0; !status && k < o->n_origins; k++) status = run_origin(&run, k, levels, n_levels, err);
  if (!status) {
    cc_accuracy_sums_finish(&run.overall, &run.result->accuracy);
    for (size_t i = 0; i < o->horizon; i++) cc_accuracy_sums_finish(&run.by_h[i], &run.result->by_h[i]);
  }
  free(run.by_h);
  if (status) {
    cc_backtest_result_free(run.result);
    return status;
  }
  *out = run.result;
  return CC_OK;
}
