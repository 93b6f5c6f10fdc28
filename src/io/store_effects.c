/* store_effects.c: intervention effects in the store (see store.h, effect.h).
 *
 * /effects/<run_id>/<measure>/<geography>/<age_band> holds one effect
 * estimate (carecast effect): datasets `names`, `estimate`, `lo`, `hi`,
 * `units` (one element per estimate: level_change, slope_change, ...), and
 * over the periods from the change `periods`, `observed`, `counterfactual`,
 * `counterfactual_lo`, `counterfactual_hi`; attributes `at` (the change),
 * `ramp_periods`, `control` ("" for none), `level`, `model` and
 * `counterfactual_model`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

static hid_t text_type(size_t width) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  return type;
}

static void effect_path(const char *run_id, const char *series_id, char *buf, size_t len) {
  snprintf(buf, len, "effects/%s/%s", run_id, series_id);
}

/* The estimates as parallel datasets. */
static cc_status put_estimates(hid_t group, const cc_effect_result *r, cc_error *err) {
  size_t n = r->n_estimates;
  char names[CC_EFFECT_ESTIMATES][CC_EFFECT_NAME_MAX], units[CC_EFFECT_ESTIMATES][CC_EFFECT_UNIT_MAX];
  double estimate[CC_EFFECT_ESTIMATES], lo[CC_EFFECT_ESTIMATES], hi[CC_EFFECT_ESTIMATES];
  for (size_t i = 0; i < n; i++) {
    memcpy(names[i], r->estimates[i].name, CC_EFFECT_NAME_MAX);
    memcpy(units[i], r->estimates[i].unit, CC_EFFECT_UNIT_MAX);
    estimate[i] = r->estimates[i].estimate, lo[i] = r->estimates[i].lo, hi[i] = r->estimates[i].hi;
  }
  hid_t name_type = text_type(CC_EFFECT_NAME_MAX), unit_type = text_type(CC_EFFECT_UNIT_MAX);
  cc_status status = cc_h5_dataset_put(group, "names", name_type, name_type, n, names, err);
  if (!status) status = cc_h5_dataset_put(group, "units", unit_type, unit_type, n, units, err);
  H5Tclose(name_type), H5Tclose(unit_type);
  if (!status) status = cc_h5_dataset_put(group, "estimate", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, estimate, err);
  if (!status) status = cc_h5_dataset_put(group, "lo", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, lo, err);
  if (!status) status = cc_h5_dataset_put(group, "hi", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, hi, err);
  return status;
}

/* The periods from the change: labels, observed and counterfactual. */
static cc_status put_periods(hid_t group, const cc_effect_result *r, cc_period at, cc_error *err) {
  size_t h = r->n_after;
  char(*periods)[CC_PERIOD_TEXT_MAX] = malloc((h ? h : 1) * sizeof *periods);
  if (!periods) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < h; i++) cc_period_format(cc_period_add(at, (int32_t)i), periods[i], CC_PERIOD_TEXT_MAX);
  hid_t type = text_type(CC_PERIOD_TEXT_MAX);
  cc_status status = cc_h5_dataset_put(group, "periods", type, type, h, periods, err);
  H5Tclose(type);
  free(periods);
  const char *names[4] = {"observed", "counterfactual", "counterfactual_lo", "counterfactual_hi"};
  const double *values[4] = {r->observed, r->counterfactual, r->counterfactual_lo, r->counterfactual_hi};
  for (int k = 0; !status && k < 4; k++)
    status = cc_h5_dataset_put(group, names[k], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, h, values[k], err);
  return status;
}

cc_status cc_store_effect_write(cc_store *store, const char *run_id, const char *series_id, const cc_effect_result *r,
                                cc_period at, int ramp_periods, const char *control_id, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32], period[CC_PERIOD_TEXT_MAX];
  effect_path(run_id, series_id, path, sizeof path);
  hid_t group;
  if ((status = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, status);
  status = put_estimates(group, r, err);
  if (!status) status = put_periods(group, r, at, err);
  if (!status) status = cc_h5_attr_put_text(group, "series_id", series_id, err);
  if (!status) status = cc_h5_attr_put_text(group, "at", cc_period_format(at, period, sizeof period), err);
  if (!status) status = cc_h5_attr_put_int(group, "ramp_periods", ramp_periods, err);
  if (!status) status = cc_h5_attr_put_text(group, "control", control_id ? control_id : "", err);
  if (!status) status = cc_h5_attr_put_text(group, "model", r->model, err);
  if (!status) status = cc_h5_attr_put_text(group, "counterfactual_model", r->counterfactual_model, err);
  if (!status) {
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(group, "level", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, H5T_NATIVE_DOUBLE, &r->level) < 0)
      status = cc_error_set(err, CC_EIO, NULL, 0, NULL, "HDF5 could not write attribute 'level'");
    if (attr >= 0) H5Aclose(attr);
    H5Sclose(space);
  }
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}

cc_status cc_store_effect_read(cc_store *store, const char *run_id, const char *series_id,
                               cc_effect_estimate estimates[CC_EFFECT_ESTIMATES], size_t *n, cc_error *err) {
  *n = 0;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32];
  effect_path(run_id, series_id, path, sizeof path);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no effect of '%s' in run %s", series_id, run_id);
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open %s", path);
  size_t count = 0;
  cc_status status = cc_h5_dataset_length(group, "names", &count, err);
  if (!status && count > CC_EFFECT_ESTIMATES)
    status = cc_error_set(err, CC_EINPUT, store->path, 0, "names", "%s holds %zu estimates, more than %d", path, count,
                          CC_EFFECT_ESTIMATES);
  char names[CC_EFFECT_ESTIMATES][CC_EFFECT_NAME_MAX], units[CC_EFFECT_ESTIMATES][CC_EFFECT_UNIT_MAX];
  double estimate[CC_EFFECT_ESTIMATES], lo[CC_EFFECT_ESTIMATES], hi[CC_EFFECT_ESTIMATES];
  hid_t name_type = text_type(CC_EFFECT_NAME_MAX), unit_type = text_type(CC_EFFECT_UNIT_MAX);
  if (!status && count) status = cc_h5_dataset_get(group, "names", name_type, names, err);
  if (!status && count) status = cc_h5_dataset_get(group, "units", unit_type, units, err);
  H5Tclose(name_type), H5Tclose(unit_type);
  if (!status && count) status = cc_h5_dataset_get(group, "estimate", H5T_NATIVE_DOUBLE, estimate, err);
  if (!status && count) status = cc_h5_dataset_get(group, "lo", H5T_NATIVE_DOUBLE, lo, err);
  if (!status && count) status = cc_h5_dataset_get(group, "hi", H5T_NATIVE_DOUBLE, hi, err);
  H5Gclose(group);
  if (status) return cc_store_error_here(store, err, status);
  for (size_t i = 0; i < count; i++) {
    memcpy(estimates[i].name, names[i], CC_EFFECT_NAME_MAX);
    estimates[i].name[CC_EFFECT_NAME_MAX - 1] = '\0';
    memcpy(estimates[i].unit, units[i], CC_EFFECT_UNIT_MAX);
    estimates[i].unit[CC_EFFECT_UNIT_MAX - 1] = '\0';
    estimates[i].estimate = estimate[i], estimates[i].lo = lo[i], estimates[i].hi = hi[i];
  }
  *n = count;
  return CC_OK;
}
