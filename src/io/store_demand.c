/* store_demand.c: fitted demand models and scenario results in the store,
 * and reading forecasts back (store.h).
 *
 * /models/<run_id>/_demand/<name>/<geography> holds one council's demand
 * model: attributes type, name, geography, spec (the model file's text),
 * spec_path, last_period; datasets part_names, output_ids, driver_ids,
 * values, shrink_weight (NaN where a state was not shrunk; absent in stores
 * written before it existed, read as NaN); for a stock-and-flow model also allowed, p, se and draws
 * (draws x states x (states + 1)), and, when a state's entries follow a
 * leading indicator, indicator_recent (states x kept values) and the
 * entries' regression model in part_models/<state>. The leading underscore keeps the group
 * out of the run's series (series ids start with a letter).
 *
 * /scenarios/<run_id> holds a scenario's results: one dataset of text lines
 * per CSV table, and number datasets (the draws of the net present value). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

#define SHRINK_WEIGHT "shrink_weight" /* dataset of the own weights; absent in older stores */
#define INDICATOR_RECENT "indicator_recent" /* dataset of the leading indicators' last values; absent when none */
#define PART_MODELS "part_models"           /* group of the models a demand model forecasts itself, by part */

cc_demand_record *cc_demand_record_alloc(size_t n_parts) {
  cc_demand_record *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->n_parts = n_parts;
  size_t n = n_parts ? n_parts : 1;
  r->part_names = calloc(n, sizeof *r->part_names);
  r->output_ids = calloc(n, sizeof *r->output_ids);
  r->driver_ids = calloc(n, sizeof *r->driver_ids);
  r->values = malloc(n * sizeof *r->values);
  r->shrink_weight = malloc(n * sizeof *r->shrink_weight);
  if (!r->part_names || !r->output_ids || !r->driver_ids || !r->values || !r->shrink_weight) {
    cc_demand_record_free(r);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) r->values[i] = r->shrink_weight[i] = NAN;
  return r;
}

void cc_demand_record_free(cc_demand_record *r) {
  if (!r) return;
  free(r->spec_text);
  free(r->part_names);
  free(r->output_ids);
  free(r->driver_ids);
  free(r->values);
  free(r->shrink_weight);
  free(r->indicator_recent);
  cc_multistate_free(r->transitions);
  free(r);
}

static void demand_path(const char *run_id, const char *key, char *buf, size_t len) {
  snprintf(buf, len, "models/%s/%s%s%s", run_id, CC_DEMAND_GROUP, key ? "/" : "", key ? key : "");
}

/* A fixed-width string type of width bytes. */
static hid_t text_type(size_t width) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  return type;
}

static cc_status put_texts(hid_t group, const char *name, size_t width, size_t n, const void *data, cc_error *err) {
  hid_t type = text_type(width);
  cc_status st = cc_h5_dataset_put(group, name, type, type, n, data, err);
  H5Tclose(type);
  return st;
}

static cc_status get_texts(hid_t group, const char *name, size_t width, size_t n, void *data, cc_error *err) {
  size_t stored = 0;
  cc_status st = cc_h5_dataset_length(group, name, &stored, err);
  if (!st && stored != n) return cc_error_set(err, CC_EINPUT, NULL, 0, name, "a stored demand model has %zu %s, not %zu", stored, name, n);
  if (st || n == 0) return st;
  hid_t type = text_type(width);
  st = cc_h5_dataset_get(group, name, type, data, err);
  H5Tclose(type);
  return st;
}

cc_status cc_store_demand_write(cc_store *store, const char *run_id, const cc_demand_record *r, cc_error *err) {
  cc_status st = cc_store_require_writable(store, err);
  if (st) return st;
  char key[CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 2], path[CC_RUN_ID_MAX + sizeof key + 64], period[CC_PERIOD_TEXT_MAX];
  snprintf(key, sizeof key, "%s/%s", r->name, r->geography);
  demand_path(run_id, key, path, sizeof path);
  hid_t group;
  if ((st = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, st);
  size_t n = r->n_parts;
  st = cc_h5_attr_put_text(group, "type", r->type, err);
  if (!st) st = cc_h5_attr_put_text(group, "name", r->name, err);
  if (!st) st = cc_h5_attr_put_text(group, "geography", r->geography, err);
  if (!st) st = cc_h5_attr_put_text(group, "spec", r->spec_text ? r->spec_text : "", err);
  if (!st) st = cc_h5_attr_put_text(group, "spec_path", r->spec_path, err);
  if (!st) st = cc_h5_attr_put_text(group, "last_period", cc_period_format(r->last, period, sizeof period), err);
  if (!st) st = put_texts(group, "part_names", CC_STATE_NAME_MAX, n, r->part_names, err);
  if (!st) st = put_texts(group, "output_ids", CC_SERIES_ID_MAX, n, r->output_ids, err);
  if (!st) st = put_texts(group, "driver_ids", CC_SERIES_ID_MAX, n, r->driver_ids, err);
  if (!st) st = cc_h5_dataset_put(group, "values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, r->values, err);
  if (!st) st = cc_h5_dataset_put(group, SHRINK_WEIGHT, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, r->shrink_weight, err);
  if (!st && r->n_recent)
    st = cc_h5_dataset_put(group, INDICATOR_RECENT, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n * r->n_recent, r->indicator_recent, err);
  const cc_multistate *m = r->transitions;
  if (!st && m) {
    size_t cells = m->k * (m->k + 1);
    st = cc_h5_dataset_put(group, "allowed", H5T_STD_U8LE, H5T_NATIVE_UCHAR, cells, m->allowed, err);
    if (!st) st = cc_h5_dataset_put(group, "p", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cells, m->p, err);
    if (!st) st = cc_h5_dataset_put(group, "se", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cells, m->se, err);
    if (!st) st = cc_h5_dataset_put(group, "draws", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m->n_draws * cells, m->draws, err);
  }
  H5Gclose(group);
  return cc_store_error_here(store, err, st);
}

cc_status cc_store_demand_list(cc_store *store, const char *run_id, char ***keys, size_t *n, cc_error *err) {
  char path[CC_RUN_ID_MAX + 64], what[CC_RUN_ID_MAX + 64];
  demand_path(run_id, NULL, path, sizeof path);
  snprintf(what, sizeof what, "the demand models of run %s", run_id);
  return cc_store_names_at(store, path, 1, what, keys, n, err); /* <name>/<geography> */
}

static cc_status read_transitions(hid_t group, cc_demand_record *r, cc_error *err) {
  size_t k = r->n_parts, cells = k * (k + 1), n_draws = 0;
  cc_multistate *m = cc_multistate_alloc(k);
  if (!m) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  r->transitions = m;
  for (size_t i = 0; i < k; i++) snprintf(m->names[i], CC_STATE_NAME_MAX, "%s", r->part_names[i]);
  cc_status st = cc_h5_dataset_get(group, "allowed", H5T_NATIVE_UCHAR, m->allowed, err);
  if (!st) st = cc_h5_dataset_get(group, "p", H5T_NATIVE_DOUBLE, m->p, err);
  if (!st) st = cc_h5_dataset_get(group, "se", H5T_NATIVE_DOUBLE, m->se, err);
  if (!st) st = cc_h5_dataset_length(group, "draws", &n_draws, err);
  if (!st && n_draws % cells != 0) st = cc_error_set(err, CC_EINPUT, NULL, 0, "draws", "stored draws do not fit %zu states", k);
  if (!st && n_draws) {
    if (!(m->draws = malloc(n_draws * sizeof *m->draws))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    m->n_draws = n_draws / cells;
    st = cc_h5_dataset_get(group, "draws", H5T_NATIVE_DOUBLE, m->draws, err);
  }
  return st;
}

static cc_status read_recent(hid_t group, cc_demand_record *r, cc_error *err) {
  size_t stored = 0;
  cc_status st = cc_h5_dataset_length(group, INDICATOR_RECENT, &stored, err);
  if (!st && stored % r->n_parts != 0)
    st = cc_error_set(err, CC_EINPUT, NULL, 0, INDICATOR_RECENT, "stored indicator values do not fit %zu parts", r->n_parts);
  if (st || stored == 0) return st;
  if (!(r->indicator_recent = malloc(stored * sizeof *r->indicator_recent)))
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  r->n_recent = stored / r->n_parts;
  return cc_h5_dataset_get(group, INDICATOR_RECENT, H5T_NATIVE_DOUBLE, r->indicator_recent, err);
}

/* The path of part `part`'s model under demand record key of run run_id; 0 when too long. */
static int part_model_path(const char *run_id, const char *key, const char *part, char *buf, size_t len) {
  char record[CC_RUN_ID_MAX + CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 64];
  demand_path(run_id, key, record, sizeof record);
  return (size_t)snprintf(buf, len, "%s/%s/%s", record, PART_MODELS, part) < len;
}

cc_status cc_store_demand_model_write(cc_store *store, const char *run_id, const char *key, const char *part,
                                      const cc_model *m, const cc_model_context *context, cc_error *err) {
  char path[CC_RUN_ID_MAX + CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + CC_STATE_NAME_MAX + 96];
  if (!part_model_path(run_id, key, part, path, sizeof path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "model", "demand model '%s' part '%s': name too long", key, part);
  return cc_store_model_write_at(store, path, m, context, err);
}

cc_status cc_store_demand_model_read(cc_store *store, const char *run_id, const char *key, const char *part,
                                     cc_model **out, cc_model_context *context, cc_error *err) {
  char path[CC_RUN_ID_MAX + CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + CC_STATE_NAME_MAX + 96];
  *out = NULL;
  if (!part_model_path(run_id, key, part, path, sizeof path) || !cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "model", "no model of part '%s' of demand model '%s' in run %s", part,
                        key, run_id);
  return cc_store_model_read_at(store, path, part, out, context, err);
}

cc_status cc_store_demand_read(cc_store *store, const char *run_id, const char *key, cc_demand_record **out,
                               cc_error *err) {
  *out = NULL;
  char path[CC_RUN_ID_MAX + CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + 64], text[CC_PERIOD_TEXT_MAX];
  demand_path(run_id, key, path, sizeof path);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "model", "no demand model '%s' in run %s", key, run_id);
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open %s", path);
  size_t n = 0;
  cc_demand_record *r = NULL;
  cc_status st = cc_h5_dataset_length(group, "values", &n, err);
  if (!st && !(r = cc_demand_record_alloc(n))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st) st = cc_h5_attr_get_text_buf(group, "type", r->type, sizeof r->type, err);
  if (!st) st = cc_h5_attr_get_text_buf(group, "name", r->name, sizeof r->name, err);
  if (!st) st = cc_h5_attr_get_text_buf(group, "geography", r->geography, sizeof r->geography, err);
  if (!st) st = cc_h5_attr_get_text(group, "spec", &r->spec_text, err);
  if (!st) st = cc_h5_attr_get_text_buf(group, "spec_path", r->spec_path, sizeof r->spec_path, err);
  if (!st) st = cc_h5_attr_get_text_buf(group, "last_period", text, sizeof text, err);
  if (!st) st = cc_period_parse(text, &r->last, err);
  if (!st) st = get_texts(group, "part_names", CC_STATE_NAME_MAX, n, r->part_names, err);
  if (!st) st = get_texts(group, "output_ids", CC_SERIES_ID_MAX, n, r->output_ids, err);
  if (!st) st = get_texts(group, "driver_ids", CC_SERIES_ID_MAX, n, r->driver_ids, err);
  if (!st && n) st = cc_h5_dataset_get(group, "values", H5T_NATIVE_DOUBLE, r->values, err);
  /* a store written before shrinkage existed has no weights: they stay NaN */
  if (!st && n && cc_h5_path_exists(group, SHRINK_WEIGHT))
    st = cc_h5_dataset_get(group, SHRINK_WEIGHT, H5T_NATIVE_DOUBLE, r->shrink_weight, err);
  if (!st && n && cc_h5_path_exists(group, INDICATOR_RECENT)) st = read_recent(group, r, err);
  if (!st && strcmp(r->type, "stockflow") == 0) st = read_transitions(group, r, err);
  H5Gclose(group);
  if (st) {
    cc_demand_record_free(r);
    return cc_store_error_here(store, err, st);
  }
  *out = r;
  return CC_OK;
}

cc_status cc_store_forecast_read(cc_store *store, const char *run_id, const char *series_id, cc_forecast **out,
                                 cc_period *first, cc_error *err) {
  *out = NULL;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32];
  snprintf(path, sizeof path, "forecasts/%s/%s", run_id, series_id);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "forecast run %s has no forecast of '%s'", run_id, series_id);
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open %s", path);
  size_t h = 0, n_levels = 0, n_values = 0;
  cc_forecast *f = NULL;
  char (*periods)[CC_PERIOD_TEXT_MAX] = NULL;
  float *paths = NULL;
  cc_status st = cc_h5_dataset_length(group, "mean", &h, err);
  if (!st) st = cc_h5_dataset_length(group, "levels", &n_levels, err);
  if (!st) st = cc_h5_dataset_length(group, "paths", &n_values, err);
  if (!st && (h == 0 || n_values % h != 0)) st = cc_error_set(err, CC_EINPUT, store->path, 0, "paths", "a stored forecast of '%s' is malformed", series_id);
  if (!st && !(f = cc_forecast_alloc(h, n_levels, n_values / h))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st && (!(periods = malloc(h * sizeof *periods)) || !(paths = malloc((n_values ? n_values : 1) * sizeof *paths))))
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st) st = cc_h5_dataset_get(group, "mean", H5T_NATIVE_DOUBLE, f->mean, err);
  if (!st && n_levels) st = cc_h5_dataset_get(group, "levels", H5T_NATIVE_DOUBLE, f->levels, err);
  if (!st && n_levels) st = cc_h5_dataset_get(group, "lower", H5T_NATIVE_DOUBLE, f->lower, err);
  if (!st && n_levels) st = cc_h5_dataset_get(group, "upper", H5T_NATIVE_DOUBLE, f->upper, err);
  if (!st && n_values) st = cc_h5_dataset_get(group, "paths", H5T_NATIVE_FLOAT, paths, err);
  if (!st) st = get_texts(group, "periods", CC_PERIOD_TEXT_MAX, h, periods, err);
  if (!st) st = cc_period_parse(periods[0], first, err);
  for (size_t i = 0; !st && i < n_values; i++) f->paths[i] = paths[i];
  H5Gclose(group);
  free(periods);
  free(paths);
  if (st) {
    cc_forecast_free(f);
    return cc_store_error_here(store, err, st);
  }
  *out = f;
  return CC_OK;
}

static cc_status scenario_group(cc_store *store, const char *run_id, hid_t *group, cc_error *err) {
  cc_status st = cc_store_require_writable(store, err);
  if (st) return st;
  char path[CC_RUN_ID_MAX + 32];
  snprintf(path, sizeof path, "scenarios/%s", run_id);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "run", "no scenario run %s", run_id);
  return cc_h5_group_require(store->file, path, group, err);
}

cc_status cc_store_scenario_table(cc_store *store, const char *run_id, const char *name, const char *csv, cc_error *err) {
  hid_t group;
  cc_status st = scenario_group(store, run_id, &group, err);
  if (st) return cc_store_error_here(store, err, st);
  size_t lines = 0, width = 1;
  for (const char *p = csv; *p;) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len + 1 > width) width = len + 1;
    lines++;
    p += len + (end != NULL);
  }
  char *rows = calloc(lines ? lines : 1, width);
  if (!rows) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t i = 0;
  for (const char *p = csv; !st && *p; i++) {
    const char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    memcpy(rows + i * width, p, len);
    p += len + (end != NULL);
  }
  if (!st) st = put_texts(group, name, width, lines, rows, err);
  free(rows);
  H5Gclose(group);
  return cc_store_error_here(store, err, st);
}

cc_status cc_store_scenario_table_read(cc_store *store, const char *run_id, const char *name, char **csv,
                                       cc_error *err) {
  *csv = NULL;
  char path[CC_RUN_ID_MAX + 32];
  snprintf(path, sizeof path, "scenarios/%s", run_id);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "run", "no scenario run %s", run_id);
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open %s", path);
  if (!cc_h5_path_exists(group, name)) {
    H5Gclose(group);
    return cc_error_set(err, CC_EINPUT, store->path, 0, "table", "scenario run %s has no table '%s'", run_id, name);
  }
  size_t lines = 0, width = 0;
  char *rows = NULL, *text = NULL;
  cc_status st = cc_h5_dataset_length(group, name, &lines, err);
  hid_t dataset = st ? -1 : H5Dopen2(group, name, H5P_DEFAULT);
  hid_t type = dataset < 0 ? -1 : H5Dget_type(dataset);
  if (!st && (type < 0 || H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0))
    st = cc_error_set(err, CC_EINPUT, store->path, 0, "table", "table '%s' of scenario run %s is not text lines", name, run_id);
  if (!st) width = H5Tget_size(type);
  if (type >= 0) H5Tclose(type);
  if (dataset >= 0) H5Dclose(dataset);
  if (!st && (!(rows = calloc(lines ? lines : 1, width + 1)) || !(text = malloc(lines * (width + 1) + 1))))
    st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st && lines) st = get_texts(group, name, width, lines, rows, err);
  H5Gclose(group);
  size_t used = 0;
  for (size_t i = 0; !st && i < lines; i++) {
    const char *row = rows + i * width;
    size_t len = strnlen(row, width);
    memcpy(text + used, row, len);
    used += len;
    text[used++] = '\n';
  }
  free(rows);
  if (st) {
    free(text);
    return cc_store_error_here(store, err, st);
  }
  text[used] = '\0';
  *csv = text;
  return CC_OK;
}

cc_status cc_store_scenario_values(cc_store *store, const char *run_id, const char *name, const double *values, size_t n,
                                   cc_error *err) {
  hid_t group;
  cc_status st = scenario_group(store, run_id, &group, err);
  if (!st) {
    st = cc_h5_dataset_put(group, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, values, err);
    H5Gclose(group);
  }
  return cc_store_error_here(store, err, st);
}
