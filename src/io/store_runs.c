/* store_runs.c: runs of fitted models and forecasts in the store (see store.h).
 *
 * /models/<run_id>/<measure>/<geography>/<age_band> holds one fitted model:
 * its family and spec, integer settings, named parameters, final states,
 * innovation variance, likelihood and criteria, fitted values, residuals,
 * and what forecasting it needs of its series (kind, frequency, next
 * period). /forecasts/<run_id>/<series> holds the periods forecast, the
 * mean, the bounds per level (levels x h) and the sample paths
 * (paths x h, float32: the scenario engine's input). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/combination.h"
#include "h5util.h"
#include "store_internal.h"

static void run_path(const char *kind, const char *run_id, const char *series_id, char *buf, size_t len) {
  if (series_id) snprintf(buf, len, "%s/%s/%s", kind, run_id, series_id);
  else snprintf(buf, len, "%s/%s", kind, run_id);
}

int cc_store_run_exists(cc_store *store, const char *kind, const char *run_id) {
  char path[CC_RUN_ID_MAX + 32];
  run_path(kind, run_id, NULL, path, sizeof path);
  return cc_h5_path_exists(store->file, path);
}

cc_status cc_store_run_create(cc_store *store, const char *kind, const char *timestamp, char *run_id, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  snprintf(run_id, CC_RUN_ID_MAX, "%s", timestamp);
  for (int suffix = 2; cc_store_run_exists(store, kind, run_id); suffix++)
    snprintf(run_id, CC_RUN_ID_MAX, "%s-%03d", timestamp, suffix); /* zero-padded: ids sort in the order made */
  char path[CC_RUN_ID_MAX + 32];
  run_path(kind, run_id, NULL, path, sizeof path);
  hid_t group;
  if ((status = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, status);
  status = cc_h5_attr_put_text(group, "run_id", run_id, err);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}

cc_status cc_store_run_describe(cc_store *store, const char *kind, const char *run_id, const char *name,
                                const char *value, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char path[CC_RUN_ID_MAX + 32];
  run_path(kind, run_id, NULL, path, sizeof path);
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EINPUT, store->path, 0, "run", "no run %s/%s", kind, run_id);
  status = cc_h5_attr_put_text(group, name, value, err);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}

typedef struct latest_run {
  char id[CC_RUN_ID_MAX];
  int found;
} latest_run;

static herr_t keep_latest(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  (void)group, (void)info;
  latest_run *latest = data;
  if (strlen(name) < CC_RUN_ID_MAX && (!latest->found || strcmp(name, latest->id) > 0)) {
    strcpy(latest->id, name);
    latest->found = 1;
  }
  return 0;
}

cc_status cc_store_run_latest(cc_store *store, const char *kind, char *run_id, int *found, cc_error *err) {
  latest_run latest = {{0}, 0};
  *found = 0;
  if (!cc_h5_path_exists(store->file, kind)) return CC_OK;
  hid_t group = H5Gopen2(store->file, kind, H5P_DEFAULT);
  herr_t rc = group < 0 ? -1 : H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, NULL, keep_latest, &latest);
  if (group >= 0) H5Gclose(group);
  if (rc < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot list the runs in /%s", kind);
  if (latest.found) strcpy(run_id, latest.id);
  *found = latest.found;
  return CC_OK;
}

cc_status cc_store_run_series(cc_store *store, const char *kind, const char *run_id, char ***ids, size_t *n,
                              cc_error *err) {
  *ids = NULL;
  *n = 0;
  char path[CC_RUN_ID_MAX + 32], what[CC_RUN_ID_MAX + 64];
  run_path(kind, run_id, NULL, path, sizeof path);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "run", "no run '%s' in /%s", run_id, kind);
  snprintf(what, sizeof what, "run %s/%s", kind, run_id);
  /* Series are three levels below the run (measure/geography/age_band); the demand models' group is not a series. */
  cc_status status = cc_store_names_at(store, path, 2, what, ids, n, err);
  if (status) return status;
  size_t kept = 0;
  for (size_t i = 0; i < *n; i++) {
    if (strncmp((*ids)[i], CC_DEMAND_GROUP "/", sizeof CC_DEMAND_GROUP) == 0) free((*ids)[i]);
    else (*ids)[kept++] = (*ids)[i];
  }
  *n = kept;
  return CC_OK;
}

/* The fixed-width string type of width bytes (the caller closes it). */
static hid_t fixed_text_type(size_t width) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  return type;
}

/* The regressors' names (a model with regressors) and the standard errors. */
static cc_status put_regression(hid_t group, const cc_model *m, cc_error *err) {
  cc_status status = cc_h5_dataset_put(group, "std_errors", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n_params,
                                       m->std_errors, err);
  if (!status && m->covariance && m->n_params > 0)
    status = cc_h5_dataset_put(group, "covariance", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n_params * m->n_params,
                               m->covariance, err);
  if (!status && m->n_xreg > 0) {
    hid_t type = fixed_text_type(CC_XREG_NAME_MAX);
    status = cc_h5_dataset_put(group, "xreg_names", type, type, m->n_xreg, m->xreg_names, err);
    H5Tclose(type);
  }
  return status;
}

/* Read them back; a model stored before they were kept has NaN errors and no regressors. */
static cc_status get_regression(hid_t group, cc_model *m, cc_error *err) {
  cc_status status = CC_OK;
  if (m->n_params && cc_h5_path_exists(group, "std_errors"))
    status = cc_h5_dataset_get(group, "std_errors", H5T_NATIVE_DOUBLE, m->std_errors, err);
  size_t n_covariance = 0;
  if (!status && m->n_params && cc_h5_path_exists(group, "covariance")) {
    status = cc_h5_dataset_length(group, "covariance", &n_covariance, err);
    if (!status && n_covariance != m->n_params * m->n_params)
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "covariance", "a stored model's covariance has %zu values for %zu parameters",
                            n_covariance, m->n_params);
    if (!status && !(m->covariance = malloc(n_covariance * sizeof *m->covariance)))
      status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    if (!status) status = cc_h5_dataset_get(group, "covariance", H5T_NATIVE_DOUBLE, m->covariance, err);
  }
  if (status || !cc_h5_path_exists(group, "xreg_names")) return status;
  size_t n_xreg = 0;
  status = cc_h5_dataset_length(group, "xreg_names", &n_xreg, err);
  char(*names)[CC_XREG_NAME_MAX] = status ? NULL : calloc(n_xreg ? n_xreg : 1, sizeof *names);
  const char **pointers = status ? NULL : calloc(n_xreg ? n_xreg : 1, sizeof *pointers);
  if (!status && (!names || !pointers)) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) {
    hid_t type = fixed_text_type(CC_XREG_NAME_MAX);
    status = cc_h5_dataset_get(group, "xreg_names", type, names, err);
    H5Tclose(type);
  }
  for (size_t j = 0; !status && j < n_xreg; j++) pointers[j] = names[j];
  if (!status && n_xreg > m->n_params)
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "xreg_names", "a stored model has more regressors than parameters");
  if (!status) status = cc_model_set_xreg(m, n_xreg, pointers, err);
  free(names);
  free(pointers);
  return status;
}

/* Parameter names as one fixed-width string dataset. */
static cc_status put_names(hid_t group, const cc_model *m, cc_error *err) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, CC_PARAM_NAME_MAX);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  cc_status status = cc_h5_dataset_put(group, "param_names", type, type, m->n_params, m->param_names, err);
  H5Tclose(type);
  return status;
}

/* A numeric attribute (scalar float64). */
static cc_status put_number(hid_t group, const char *name, double value, cc_error *err) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(group, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  cc_status status = CC_OK;
  if (attr < 0 || H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) < 0)
    status = cc_error_set(err, CC_EIO, NULL, 0, NULL, "HDF5 could not write attribute '%s'", name);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  return status;
}

#define MODEL_NUMBERS 6 /* the float64 attributes every stored model has */
static const char *const model_number_names[MODEL_NUMBERS] = {"sigma2", "loglik", "aic", "aicc", "bic", "lambda"};

/* The fitted model itself (not its series context) into group; a
 * combination's components into the subgroups components/0, components/1, ... */
static cc_status put_model(hid_t group, const cc_model *m, cc_error *err) {
  int settings[CC_MODEL_SETTINGS];
  memcpy(settings, m->settings, sizeof settings);
  cc_status status = cc_h5_attr_put_text(group, "family", m->type->name, err);
  if (!status) status = cc_h5_attr_put_text(group, "model", m->spec, err);
  if (!status) status = cc_h5_attr_put_int(group, "period", m->period, err);
  if (!status) status = cc_h5_attr_put_int(group, "n", (int64_t)m->n, err);
  if (!status) status = cc_h5_attr_put_int(group, "nobs", (int64_t)m->nobs, err);
  if (!status) status = cc_h5_attr_put_int(group, "n_estimated", m->n_estimated, err);
  if (!status) status = cc_h5_dataset_put(group, "settings", H5T_STD_I32LE, H5T_NATIVE_INT, CC_MODEL_SETTINGS, settings, err);
  if (!status) status = put_names(group, m, err);
  if (!status) status = cc_h5_dataset_put(group, "params", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n_params, m->params, err);
  if (!status) status = cc_h5_dataset_put(group, "states", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n_states, m->states, err);
  if (!status) status = cc_h5_dataset_put(group, "fitted", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n, m->fitted, err);
  if (!status) status = cc_h5_dataset_put(group, "residuals", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n, m->residuals, err);
  if (!status) status = cc_h5_attr_put_int(group, "biasadj", m->biasadj, err);
  if (!status) status = put_regression(group, m, err);
  double numbers[MODEL_NUMBERS] = {m->sigma2, m->loglik, m->aic, m->aicc, m->bic, m->lambda};
  for (int k = 0; !status && k < MODEL_NUMBERS; k++) status = put_number(group, model_number_names[k], numbers[k], err);
  if (!status && m->n_components) status = cc_h5_attr_put_int(group, "n_components", (int64_t)m->n_components, err);
  for (size_t c = 0; !status && c < m->n_components; c++) {
    char name[32];
    snprintf(name, sizeof name, "components/%zu", c);
    hid_t part;
    if ((status = cc_h5_group_require(group, name, &part, err))) break;
    status = put_model(part, m->components[c], err);
    H5Gclose(part);
  }
  return status;
}

cc_status cc_store_model_write(cc_store *store, const char *run_id, const cc_model *m, const cc_model_context *context,
                               cc_error *err) {
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32];
  run_path("models", run_id, context->series_id, path, sizeof path);
  return cc_store_model_write_at(store, path, m, context, err);
}

cc_status cc_store_model_write_at(cc_store *store, const char *path, const cc_model *m, const cc_model_context *context,
                                  cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char period[CC_PERIOD_TEXT_MAX];
  hid_t group;
  if ((status = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, status);
  status = put_model(group, m, err);
  if (!status) status = cc_h5_attr_put_text(group, "series_id", context->series_id, err);
  if (!status) status = cc_h5_attr_put_text(group, "kind", cc_kind_name(context->kind), err);
  if (!status) status = cc_h5_attr_put_text(group, "frequency", cc_freq_name(context->freq), err);
  if (!status) status = cc_h5_attr_put_text(group, "next_period", cc_period_format(context->next, period, sizeof period), err);
  if (!status) status = put_number(group, "ljung_box_p", context->ljung_box_p, err);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}

static cc_status get_number(hid_t group, const char *name, double *out, cc_error *err) {
  hid_t attr = H5Aopen(group, name, H5P_DEFAULT);
  if (attr < 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "a stored model lacks '%s'", name);
  herr_t rc = H5Aread(attr, H5T_NATIVE_DOUBLE, out);
  H5Aclose(attr);
  return rc < 0 ? cc_error_set(err, CC_EIO, NULL, 0, NULL, "cannot read '%s'", name) : CC_OK;
}

#define MODEL_DEPTH_MAX 2 /* a combination's components are plain models: no deeper nesting */

/* Read the model stored in group (see put_model); depth counts the
 * combinations it is nested in. */
static cc_status get_model(hid_t group, int depth, cc_model **out, cc_error *err) {
  *out = NULL;
  char text[CC_MODEL_SPEC_MAX];
  size_t n = 0, n_params = 0, n_states = 0;
  int64_t period = 1, nobs = 0, n_estimated = 0, biasadj = 0, n_components = 0;
  cc_status status = cc_h5_attr_get_text_buf(group, "family", text, sizeof text, err);
  const cc_model_type *type = status ? NULL : cc_model_type_find(text);
  if (!status && !type) status = cc_error_set(err, CC_EINPUT, NULL, 0, "model", "unknown model family '%s'", text);
  if (!status) status = cc_h5_dataset_length(group, "fitted", &n, err);
  if (!status) status = cc_h5_dataset_length(group, "params", &n_params, err);
  if (!status) status = cc_h5_dataset_length(group, "states", &n_states, err);
  if (!status && cc_h5_attr_exists(group, "n_components")) status = cc_h5_attr_get_int(group, "n_components", &n_components, err);
  if (!status && (n_components < 0 || n_components > CC_COMBINATION_MAX_COMPONENTS || (n_components && depth + 1 >= MODEL_DEPTH_MAX)))
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "n_components", "a stored model has %lld components", (long long)n_components);
  cc_model *m = NULL;
  if (!status && !(m = cc_model_alloc(type, n, n_params, n_states))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = cc_h5_attr_get_text_buf(group, "model", m->spec, sizeof m->spec, err);
  if (!status) status = cc_h5_attr_get_int(group, "period", &period, err);
  if (!status) status = cc_h5_attr_get_int(group, "nobs", &nobs, err);
  if (!status) status = cc_h5_attr_get_int(group, "n_estimated", &n_estimated, err);
  if (!status) status = cc_h5_dataset_get(group, "settings", H5T_NATIVE_INT, m->settings, err);
  if (!status && n_params) {
    hid_t type_names = H5Tcopy(H5T_C_S1);
    H5Tset_size(type_names, CC_PARAM_NAME_MAX);
    H5Tset_strpad(type_names, H5T_STR_NULLTERM);
    status = cc_h5_dataset_get(group, "param_names", type_names, m->param_names, err);
    H5Tclose(type_names);
  }
  if (!status && n_params) status = cc_h5_dataset_get(group, "params", H5T_NATIVE_DOUBLE, m->params, err);
  if (!status && n_states) status = cc_h5_dataset_get(group, "states", H5T_NATIVE_DOUBLE, m->states, err);
  if (!status && n) status = cc_h5_dataset_get(group, "fitted", H5T_NATIVE_DOUBLE, m->fitted, err);
  if (!status && n) status = cc_h5_dataset_get(group, "residuals", H5T_NATIVE_DOUBLE, m->residuals, err);
  double *numbers[MODEL_NUMBERS] = {m ? &m->sigma2 : NULL, m ? &m->loglik : NULL, m ? &m->aic : NULL,
                                    m ? &m->aicc : NULL, m ? &m->bic : NULL, m ? &m->lambda : NULL};
  for (int k = 0; !status && k < MODEL_NUMBERS; k++) status = get_number(group, model_number_names[k], numbers[k], err);
  if (!status) status = cc_h5_attr_get_int(group, "biasadj", &biasadj, err);
  if (!status) status = get_regression(group, m, err);
  if (!status && n_components && !(m->components = calloc((size_t)n_components, sizeof *m->components)))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (int64_t c = 0; !status && c < n_components; c++) {
    char name[32];
    snprintf(name, sizeof name, "components/%lld", (long long)c);
    hid_t part = cc_h5_path_exists(group, name) ? H5Gopen2(group, name, H5P_DEFAULT) : H5I_INVALID_HID;
    if (part < 0) {
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "components", "a stored combination lacks its component %lld", (long long)c);
      break;
    }
    status = get_model(part, depth + 1, &m->components[c], err);
    H5Gclose(part);
    if (!status) m->n_components++;
  }
  if (status) {
    cc_model_free(m);
    return status;
  }
  m->period = (int)period;
  m->nobs = (size_t)nobs;
  m->n_estimated = (int)n_estimated;
  m->biasadj = (int)biasadj;
  *out = m;
  return CC_OK;
}

cc_status cc_store_model_read(cc_store *store, const char *run_id, const char *series_id, cc_model **out,
                              cc_model_context *context, cc_error *err) {
  *out = NULL;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32];
  run_path("models", run_id, series_id, path, sizeof path);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no model of '%s' in run %s", series_id, run_id);
  return cc_store_model_read_at(store, path, series_id, out, context, err);
}

cc_status cc_store_model_read_at(cc_store *store, const char *path, const char *series_id, cc_model **out,
                                 cc_model_context *context, cc_error *err) {
  *out = NULL;
  char text[CC_MODEL_SPEC_MAX];
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open %s", path);
  cc_model *m = NULL;
  cc_status status = get_model(group, 0, &m, err);
  memset(context, 0, sizeof *context);
  snprintf(context->series_id, sizeof context->series_id, "%s", series_id);
  if (!status) status = get_number(group, "ljung_box_p", &context->ljung_box_p, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "kind", text, sizeof text, err);
  if (!status) status = cc_kind_parse(text, &context->kind, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "frequency", text, sizeof text, err);
  if (!status) status = cc_freq_parse(text, &context->freq, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "next_period", text, sizeof text, err);
  if (!status) status = cc_period_parse(text, &context->next, err);
  H5Gclose(group);
  if (status) {
    cc_model_free(m);
    return cc_store_error_here(store, err, status);
  }
  *out = m;
  return CC_OK;
}

cc_status cc_store_forecast_write(cc_store *store, const char *run_id, const char *series_id, const cc_forecast *f,
                                  cc_period first, const char *model_spec, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32];
  run_path("forecasts", run_id, series_id, path, sizeof path);
  hid_t group;
  if ((status = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, status);
  char (*periods)[CC_PERIOD_TEXT_MAX] = malloc(f->h * sizeof *periods);
  size_t n_values = f->n_paths * f->h > 0 ? f->n_paths * f->h : 1;
  float *paths = malloc(n_values * sizeof *paths);
  if (!periods || !paths) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !status && i < f->h; i++) cc_period_format(cc_period_add(first, (int32_t)i), periods[i], CC_PERIOD_TEXT_MAX);
  for (size_t k = 0; !status && k < f->n_paths * f->h; k++) paths[k] = (float)f->paths[k];
  hid_t text = H5Tcopy(H5T_C_S1);
  H5Tset_size(text, CC_PERIOD_TEXT_MAX);
  H5Tset_strpad(text, H5T_STR_NULLTERM);
  if (!status) status = cc_h5_dataset_put(group, "periods", text, text, f->h, periods, err);
  H5Tclose(text);
  if (!status) status = cc_h5_dataset_put(group, "mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, f->h, f->mean, err);
  if (!status) status = cc_h5_dataset_put(group, "levels", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, f->n_levels, f->levels, err);
  if (!status) status = cc_h5_dataset_put(group, "lower", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, f->n_levels * f->h, f->lower, err);
  if (!status) status = cc_h5_dataset_put(group, "upper", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, f->n_levels * f->h, f->upper, err);
  if (!status) status = cc_h5_dataset_put(group, "paths", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, f->n_paths * f->h, paths, err);
  if (!status) status = cc_h5_attr_put_int(group, "horizon", (int64_t)f->h, err);
  if (!status) status = cc_h5_attr_put_int(group, "n_paths", (int64_t)f->n_paths, err);
  if (!status) status = cc_h5_attr_put_text(group, "model", model_spec, err);
  if (!status) status = cc_h5_attr_put_text(group, "intervals", f->analytic ? "analytic" : "simulated", err);
  free(periods);
  free(paths);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}

cc_status cc_store_run_ids(cc_store *store, const char *kind, char ***ids, size_t *n, cc_error *err) {
  char what[64];
  snprintf(what, sizeof what, "the runs in /%s", kind);
  return cc_store_names_at(store, kind, 0, what, ids, n, err);
}

cc_status cc_store_run_attribute(cc_store *store, const char *kind, const char *run_id, const char *name, char *buf,
                                 size_t len, int *found, cc_error *err) {
  char path[CC_RUN_ID_MAX + 32];
  run_path(kind, run_id, NULL, path, sizeof path);
  *found = 0;
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EINPUT, store->path, 0, "run", "no run %s/%s", kind, run_id);
  cc_status status = CC_OK;
  if (cc_h5_attr_exists(group, name)) {
    status = cc_h5_attr_get_text_buf(group, name, buf, len, err);
    *found = status == CC_OK;
  }
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}
