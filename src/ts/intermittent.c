/* intermittent.c: the intermittent-demand families croston, sba and tsb, and
 * the demand classification of intermittent.h.
 *
 * All three smooth two things separately: the size of the non-zero demands
 * (z) and how often a demand occurs. They differ in the second and in the
 * forecast, flat over the horizon:
 *   croston  Croston (1972), "Forecasting and stock control for intermittent
 *            demands", Operational Research Quarterly 23(3), 289-303, as
 *            forecast::croston() does it in R forecast 8.20: simple
 *            exponential smoothing, with one constant alpha (default 0.1),
 *            of the non-zero sizes and of the intervals between them, each
 *            updated only in a period with demand. Both start at their
 *            first value (ses(initial = "simple")): z = the first non-zero
 *            value, q = the first interval, counted from the start of the
 *            series (so leading zeros lengthen it). Forecast z / q.
 *   sba      Syntetos and Boylan (2005), "The accuracy of intermittent
 *            demand estimates", International Journal of Forecasting
 *            21(2), 303-314: Croston's forecast times (1 - alpha / 2), which
 *            removes most of Croston's bias.
 *   tsb      Teunter, Syntetos and Babai (2011), "Intermittent demand:
 *            linking forecasting to inventory obsolescence", European
 *            Journal of Operational Research 214(3), 606-615: the demand
 *            probability p is smoothed every period with beta towards 1
 *            (demand) or 0 (none); the size z, in periods with demand only,
 *            with alpha -- the paper's naming (alpha for the size, beta for
 *            the probability). Defaults alpha = beta = 0.1. Initialised like
 *            Croston at the first demand: z = its size and p = 1 / its
 *            interval. Forecast p z.
 * Before the first demand every method forecasts 0 (as R's croston does for
 * a prefix of zeros); a series with no demand at all forecasts 0.
 *
 * Variants (the text after "croston:" etc. on the command line): comma-
 * separated "alpha=V", "beta=V" (tsb only), with V in [0, 1], and
 * "optimal", which estimates every constant not fixed that way by
 * minimising the in-sample mean squared one-step error of the method's own
 * forecasts (Brent for one constant, the shared Nelder-Mead for two). The
 * default is no estimation: fixed constants are what forecast::croston and
 * the literature recommend for short, sparse series, where the squared
 * error surface is flat and noisy.
 *
 * Missing values (NaN) are dropped: the period is treated as if it did not
 * exist, so no update happens, it does not lengthen an interval, and the
 * fitted value there is NaN. A series with NaN gives exactly the forecast of
 * the same series with those periods deleted. Negative or infinite values
 * are an input error: these are counts. Non-integer values are accepted.
 *
 * Forecast distribution. None of these methods has an agreed likelihood, so
 * loglik and the criteria are NaN, forecast() returns *analytic = 0 and the
 * generic code takes interval quantiles from simulated paths. The paths come
 * from this count model, independent across future periods:
 *     demand = B S,  B ~ Bernoulli(P),  S ~ size distribution with mean z,
 * P = 1 / q (croston), (1 - alpha / 2) / q (sba; q >= 1 so P <= 1) or p
 * (tsb), so that the model's mean P z is exactly the point forecast. S is
 * integer and at least 1 (a demand is at least one unit): S = 1 + X with X
 * negative binomial of mean z - 1 and variance v, v the sample variance of
 * the non-zero values in the series ("size_var"), when v > z - 1; X Poisson
 * (z - 1) when v <= z - 1 (the sizes are under-dispersed; S then has
 * variance z - 1 >= v); S = 1 when z = 1. Only for non-integer data with
 * z < 1 is S instead Bernoulli(z). Every path is thus a non-negative integer
 * with mean exactly the point forecast; forecast() also reports the model's
 * variance, P (Var S + z^2) - (P z)^2. Uncertainty in z, q and p themselves
 * is not simulated.
 *
 * What a fitted model holds:
 *   settings  method, has_demand (0 when no demand was seen)
 *   params    alpha, [beta (tsb)], size_var
 *   states    z, then q (croston, sba) or p (tsb)
 *   sigma2    the mean squared one-step error (informative; not used for intervals)
 *   fitted    one-step forecasts: NaN at the first non-missing period and at missing ones */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/intermittent.h"
#include "carecast/model.h"
#include "carecast/models.h"
#include "carecast/optim.h"

#define DEFAULT_SMOOTHING 0.1      /* alpha (and beta) unless the variant says otherwise, as forecast::croston */
#define SMOOTHING_X_TOLERANCE 1e-6 /* Brent's tolerance on a smoothing constant when estimating it */
#define VARIANT_MAX 128            /* longest variant text accepted */

enum method { METHOD_CROSTON = 0, METHOD_SBA = 1, METHOD_TSB = 2 };

/* The layout of cc_model.settings and .states for these families. */
enum { SETTING_METHOD = 0, SETTING_HAS_DEMAND = 1 };
enum { STATE_SIZE = 0, STATE_OCCURRENCE = 1, N_STATES = 2 };
enum { PARAM_ALPHA = 0, PARAM_BETA = 1 };

/* What distinguishes one family from another. */
typedef struct intermittent_spec {
  const cc_model_type *type; /* the family */
  const char *label;         /* cc_model.spec */
  enum method method;        /* how occurrence is smoothed and the forecast formed */
} intermittent_spec;

static const intermittent_spec spec_croston = {&cc_model_croston, "Croston", METHOD_CROSTON};
static const intermittent_spec spec_sba = {&cc_model_sba, "SBA", METHOD_SBA};
static const intermittent_spec spec_tsb = {&cc_model_tsb, "TSB", METHOD_TSB};

/* The smoothing constants and which of them to estimate. */
typedef struct smoothing {
  double alpha, beta;     /* size (all) and probability (tsb) constants */
  int fit_alpha, fit_beta;/* 1 to estimate by least squares */
} smoothing;

/* The running state of a method over a series. */
typedef struct smoother {
  int has_demand;    /* 1 once a non-zero value has been seen */
  double size;       /* z: smoothed non-zero demand size */
  double occurrence; /* q: smoothed interval (croston, sba), or p: smoothed probability (tsb) */
  size_t since;      /* non-missing periods since the last demand (or the start) */
} smoother;

/* The probability that a future period has demand. */
static double occurrence_probability(enum method method, double alpha, int has_demand, double occurrence) {
  if (!has_demand) return 0;
  switch (method) {
  case METHOD_CROSTON: return 1 / occurrence;
  case METHOD_SBA: return (1 - alpha / 2) / occurrence;
  case METHOD_TSB: return occurrence;
  }
  return NAN;
}

/* Run method over y[0..n), skipping NaN, from the empty state into *s. When
 * fitted is not NULL it receives the one-step forecasts (NaN at the first
 * non-missing and at missing periods). Returns the sum of squared one-step
 * errors and sets *n_errors to how many there were. Allocates nothing: this
 * is the objective of the estimation. */
static double smooth_series(const double *y, size_t n, enum method method, double alpha, double beta, smoother *s,
                            double *fitted, size_t *n_errors) {
  *s = (smoother){0, 0, 0, 0};
  double squares = 0;
  int seen = 0;
  *n_errors = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) {
      if (fitted) fitted[t] = NAN;
      continue;
    }
    double forecast = seen ? occurrence_probability(method, alpha, s->has_demand, s->occurrence) * s->size : NAN;
    if (fitted) fitted[t] = forecast;
    if (seen) squares += (y[t] - forecast) * (y[t] - forecast), (*n_errors)++;
    seen = 1;
    s->since++;
    int demand = y[t] > 0;
    if (!s->has_demand) {
      if (demand) {
        s->has_demand = 1;
        s->size = y[t];
        s->occurrence = method == METHOD_TSB ? 1 / (double)s->since : (double)s->since;
        s->since = 0;
      }
      continue;
    }
    if (method == METHOD_TSB) s->occurrence = beta * demand + (1 - beta) * s->occurrence;
    if (demand) {
      s->size = alpha * y[t] + (1 - alpha) * s->size; /* as forecast:::zzhw writes the level update */
      if (method != METHOD_TSB) s->occurrence = alpha * (double)s->since + (1 - alpha) * s->occurrence;
      s->since = 0;
    }
  }
  return squares;
}

/* ---- estimation of the smoothing constants ---- */

typedef struct objective_context {
  const double *y;     /* the series */
  size_t n;            /* its length */
  enum method method;  /* the family's method */
  smoothing *constants;/* fixed constants; the free ones are overwritten by the search */
} objective_context;

static double sse_at(objective_context *c) {
  smoother s;
  size_t count;
  return smooth_series(c->y, c->n, c->method, c->constants->alpha, c->constants->beta, &s, NULL, &count);
}

/* One free constant: x replaces alpha if it is free, else beta. */
static double objective1(double x, void *context) {
  objective_context *c = context;
  if (c->constants->fit_alpha) c->constants->alpha = x;
  else c->constants->beta = x;
  return sse_at(c);
}

/* Both free (tsb): x = (alpha, beta), +Inf outside [0, 1]^2. */
static double objective2(const double *x, size_t n, void *context) {
  objective_context *c = context;
  if (x[0] < 0 || x[0] > 1 || x[1] < 0 || x[1] > 1) return INFINITY;
  c->constants->alpha = x[0];
  c->constants->beta = x[1];
  return sse_at(c);
}

/* Estimate the free constants in *k by least squares on y. */
static cc_status estimate_smoothing(const double *y, size_t n, enum method method, const cc_fit_options *options,
                                    smoothing *k, cc_error *err) {
  objective_context context = {y, n, method, k};
  if (k->fit_alpha && k->fit_beta) {
    cc_nm_options nm;
    cc_nm_options_default(&nm);
    nm.rel_tol = options->tolerance;
    nm.max_evaluations = options->max_iterations;
    cc_nm_workspace *w = cc_nm_workspace_alloc(2);
    if (!w) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    double x[2] = {k->alpha, k->beta};
    cc_nm_result result;
    cc_status status = cc_nelder_mead(objective2, &context, x, 2, &nm, w, &result, err);
    cc_nm_workspace_free(w);
    if (status) return status;
    k->alpha = x[0];
    k->beta = x[1];
  } else if (k->fit_alpha || k->fit_beta) {
    double best = cc_minimize_brent(objective1, &context, 0, 1, SMOOTHING_X_TOLERANCE);
    if (k->fit_alpha) k->alpha = best;
    else k->beta = best;
  }
  return CC_OK;
}

/* ---- fitting ---- */

/* Parse variant (NULL or "" for the defaults) into *k. */
static cc_status parse_variant(const intermittent_spec *spec, const char *variant, smoothing *k, cc_error *err) {
  *k = (smoothing){DEFAULT_SMOOTHING, spec->method == METHOD_TSB ? DEFAULT_SMOOTHING : NAN, 0, 0};
  if (!variant || !*variant) return CC_OK;
  char text[VARIANT_MAX];
  if (strlen(variant) >= sizeof text)
    return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "the %s variant is too long", spec->type->name);
  strcpy(text, variant);
  int optimal = 0, alpha_given = 0, beta_given = 0;
  char *saved = NULL;
  for (char *item = strtok_r(text, ",", &saved); item; item = strtok_r(NULL, ",", &saved)) {
    double *target = NULL;
    if (strcmp(item, "optimal") == 0) {
      optimal = 1;
      continue;
    }
    if (strncmp(item, "alpha=", 6) == 0) target = &k->alpha, alpha_given = 1;
    else if (strncmp(item, "beta=", 5) == 0 && spec->method == METHOD_TSB) target = &k->beta, beta_given = 1;
    if (!target)
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model",
                          "%s takes \"alpha=V\"%s and \"optimal\", separated by commas; not \"%s\"", spec->type->name,
                          spec->method == METHOD_TSB ? ", \"beta=V\"" : "", item);
    const char *number = strchr(item, '=') + 1;
    char *end;
    *target = strtod(number, &end);
    if (end == number || *end || !(*target >= 0 && *target <= 1))
      return cc_error_set(err, CC_EUSAGE, NULL, 0, "model", "%s: \"%s\" is not a smoothing constant between 0 and 1",
                          spec->type->name, item);
  }
  k->fit_alpha = optimal && !alpha_given;
  k->fit_beta = optimal && !beta_given && spec->method == METHOD_TSB;
  return CC_OK;
}

/* Check that y holds counts: no negative or infinite values, some non-missing. */
static cc_status check_counts(const double *y, size_t n, size_t *nobs, cc_error *err) {
  if (n == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the series is empty");
  *nobs = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    if (isinf(y[t])) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "value %zu of the series is infinite", t + 1);
    if (y[t] < 0)
      return cc_error_set(err, CC_EINPUT, NULL, 0, NULL,
                          "value %zu of the series is negative (%g); intermittent-demand models need counts", t + 1,
                          y[t]);
    (*nobs)++;
  }
  if (*nobs == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the series has no non-missing values");
  return CC_OK;
}

/* Sample variance of the non-zero values of y (0 with fewer than two). */
static double size_variance(const double *y, size_t n) {
  double sum = 0, squares = 0;
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    if (y[t] > 0) sum += y[t], count++; /* NaN > 0 is false */
  if (count < 2) return 0;
  double mean = sum / (double)count;
  for (size_t t = 0; t < n; t++)
    if (y[t] > 0) squares += (y[t] - mean) * (y[t] - mean);
  return squares / (double)(count - 1);
}

/* The fit shared by the three families. */
static cc_status intermittent_fit(const intermittent_spec *spec, const double *y, size_t n, const char *variant,
                                  const cc_fit_options *options, cc_model **out, cc_error *err) {
  *out = NULL;
  cc_fit_options defaults;
  cc_fit_options_default(&defaults);
  const cc_fit_options *o = options ? options : &defaults;
  smoothing k;
  size_t nobs = 0;
  cc_status status = parse_variant(spec, variant, &k, err);
  if (!status) status = check_counts(y, n, &nobs, err);
  if (!status) status = estimate_smoothing(y, n, spec->method, o, &k, err);
  if (status) return status;

  int tsb = spec->method == METHOD_TSB;
  cc_model *m = cc_model_alloc(spec->type, n, tsb ? 3 : 2, N_STATES);
  if (!m) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  smoother s;
  size_t n_errors;
  double squares = smooth_series(y, n, spec->method, k.alpha, k.beta, &s, m->fitted, &n_errors);
  snprintf(m->spec, sizeof m->spec, "%s", spec->label);
  m->settings[SETTING_METHOD] = (int)spec->method;
  m->settings[SETTING_HAS_DEMAND] = s.has_demand;
  cc_model_set_param(m, PARAM_ALPHA, "alpha", k.alpha);
  if (tsb) cc_model_set_param(m, PARAM_BETA, "beta", k.beta);
  cc_model_set_param(m, m->n_params - 1, "size_var", size_variance(y, n));
  m->n_estimated = k.fit_alpha + k.fit_beta;
  m->states[STATE_SIZE] = s.size;
  m->states[STATE_OCCURRENCE] = s.occurrence;
  m->sigma2 = n_errors ? squares / (double)n_errors : NAN;
  m->nobs = nobs;
  cc_model_set_residuals(m, y);
  *out = m;
  return CC_OK;
}

/* ---- forecasting and simulation ---- */

/* The demand probability P and size mean z of a fitted model's future periods. */
static void future_demand(const cc_model *m, double *probability, double *size) {
  enum method method = (enum method)m->settings[SETTING_METHOD];
  int has_demand = m->settings[SETTING_HAS_DEMAND];
  *probability = occurrence_probability(method, m->params[PARAM_ALPHA], has_demand, m->states[STATE_OCCURRENCE]);
  *size = has_demand ? m->states[STATE_SIZE] : 0;
}

static double size_var_of(const cc_model *m) { return m->params[m->n_params - 1]; }

/* Variance of the simulated size S (see the top of the file). */
static double size_distribution_variance(double mean, double variance) {
  if (mean < 1) return mean * (1 - mean);
  return variance > mean - 1 ? variance : mean - 1;
}

/* One draw of the size S of a demand: an integer >= 1 with mean `mean` (or,
 * for mean < 1, a Bernoulli(mean)), variance as size_distribution_variance. */
static double draw_size(double mean, double variance, gsl_rng *rng) {
  if (mean < 1) return gsl_rng_uniform(rng) < mean ? 1 : 0;
  double excess = mean - 1; /* the mean of S - 1 */
  if (excess <= 0) return 1;
  if (variance > excess) { /* negative binomial as a gamma mixture of Poissons */
    double shape = excess * excess / (variance - excess), scale = (variance - excess) / excess;
    return 1 + (double)gsl_ran_poisson(rng, gsl_ran_gamma(rng, shape, scale));
  }
  return 1 + (double)gsl_ran_poisson(rng, excess);
}

static cc_status intermittent_forecast(const cc_model *m, size_t h, double *mean, double *variance, int *analytic,
                                       cc_error *err) {
  double probability, size;
  future_demand(m, &probability, &size);
  double second_moment = size_distribution_variance(size, size_var_of(m)) + size * size;
  *analytic = 0;
  for (size_t i = 0; i < h; i++) {
    mean[i] = probability * size;
    variance[i] = probability * second_moment - mean[i] * mean[i];
  }
  return CC_OK;
}

static cc_status intermittent_simulate(const cc_model *m, size_t h, gsl_rng *rng, double *path, cc_error *err) {
  double probability, size;
  future_demand(m, &probability, &size);
  for (size_t i = 0; i < h; i++)
    path[i] = probability > 0 && gsl_rng_uniform(rng) < probability ? draw_size(size, size_var_of(m), rng) : 0;
  return CC_OK;
}

static cc_status fit_croston_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                    cc_model **out, cc_error *err) {
  return intermittent_fit(&spec_croston, y, n, variant, options, out, err);
}
static cc_status fit_sba_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                cc_model **out, cc_error *err) {
  return intermittent_fit(&spec_sba, y, n, variant, options, out, err);
}
static cc_status fit_tsb_family(const double *y, size_t n, const char *variant, const cc_fit_options *options,
                                cc_model **out, cc_error *err) {
  return intermittent_fit(&spec_tsb, y, n, variant, options, out, err);
}

const cc_model_type cc_model_croston = {"croston", "Croston's method for intermittent counts, as forecast::croston",
                                        fit_croston_family, intermittent_forecast, intermittent_simulate};
const cc_model_type cc_model_sba = {"sba", "Syntetos-Boylan approximation: Croston x (1 - alpha/2)", fit_sba_family,
                                    intermittent_forecast, intermittent_simulate};
const cc_model_type cc_model_tsb = {"tsb", "Teunter-Syntetos-Babai: smoothed demand probability x size",
                                    fit_tsb_family, intermittent_forecast, intermittent_simulate};

/* ---- classification (Syntetos, Boylan and Croston 2005) ---- */

cc_intermittent_class cc_demand_class_of(double adi, double cv2) {
  if (isnan(adi)) return CC_DEMAND_NONE;
  int intermittent = adi > CC_INTERMITTENT_ADI_CUTOFF, variable = cv2 > CC_INTERMITTENT_CV2_CUTOFF;
  if (intermittent) return variable ? CC_DEMAND_LUMPY : CC_DEMAND_INTERMITTENT;
  return variable ? CC_DEMAND_ERRATIC : CC_DEMAND_SMOOTH;
}

cc_intermittent_class cc_demand_classify(const double *y, size_t n, double *adi, double *cv2) {
  double interval_mean = NAN, variation = NAN;
  size_t position = 0, last_demand = 0, demands = 0;
  double sum = 0;
  int invalid = 0;
  for (size_t t = 0; t < n; t++) {
    if (isnan(y[t])) continue;
    if (y[t] < 0 || isinf(y[t])) invalid = 1;
    position++;
    if (y[t] > 0) last_demand = position, demands++, sum += y[t];
  }
  if (!invalid && demands > 0) {
    interval_mean = (double)last_demand / (double)demands;
    if (demands > 1) {
      double mean = sum / (double)demands, squares = 0;
      for (size_t t = 0; t < n; t++)
        if (y[t] > 0) squares += (y[t] - mean) * (y[t] - mean);
      variation = squares / (double)(demands - 1) / (mean * mean);
    }
  }
  if (adi) *adi = interval_mean;
  if (cv2) *cv2 = variation;
  return invalid ? CC_DEMAND_INVALID : cc_demand_class_of(interval_mean, variation);
}

int cc_demand_is_intermittent(const double *y, size_t n) {
  double adi;
  cc_intermittent_class c = cc_demand_classify(y, n, &adi, NULL);
  return (c == CC_DEMAND_INTERMITTENT || c == CC_DEMAND_LUMPY) && adi > CC_INTERMITTENT_ADI_CUTOFF;
}

const char *cc_demand_class_name(cc_intermittent_class c) {
  switch (c) {
  case CC_DEMAND_SMOOTH: return "smooth";
  case CC_DEMAND_ERRATIC: return "erratic";
  case CC_DEMAND_INTERMITTENT: return "intermittent";
  case CC_DEMAND_LUMPY: return "lumpy";
  case CC_DEMAND_NONE: return "no demand";
  case CC_DEMAND_INVALID: return "invalid";
  }
  return "unknown";
}
