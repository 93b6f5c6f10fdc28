/* store_forecasts.c: reading stored forecasts back as the future values of
 * a regressor (see store.h). A model with regressors (regression with ARIMA
 * errors) is forecast with its regressors' future values; in the store they
 * are the mean forecast of the regressor series in the newest forecast run
 * that holds one, matched to the periods needed by their labels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

typedef struct newest_holder {
  const char *series_id;    /* the series looked for */
  const char *exclude;      /* a run not to consider, or NULL */
  hid_t forecasts;          /* the /forecasts group */
  char run_id[CC_RUN_ID_MAX];
  int found;
} newest_holder;

static herr_t keep_newest_holder(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  (void)group, (void)info;
  newest_holder *h = data;
  if (strlen(name) >= CC_RUN_ID_MAX || (h->exclude && strcmp(name, h->exclude) == 0)) return 0;
  if (h->found && strcmp(name, h->run_id) <= 0) return 0;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 8];
  snprintf(path, sizeof path, "%s/%s", name, h->series_id);
  if (!cc_h5_path_exists(h->forecasts, path)) return 0;
  snprintf(h->run_id, sizeof h->run_id, "%s", name);
  h->found = 1;
  return 0;
}

cc_status cc_store_forecast_newest_run(cc_store *store, const char *series_id, const char *exclude_run, char *run_id,
                                       int *found, cc_error *err) {
  *found = 0;
  if (!cc_h5_path_exists(store->file, "forecasts")) return CC_OK;
  newest_holder holder = {.series_id = series_id, .exclude = exclude_run};
  holder.forecasts = H5Gopen2(store->file, "forecasts", H5P_DEFAULT);
  herr_t rc = holder.forecasts < 0 ? -1
                                   : H5Literate(holder.forecasts, H5_INDEX_NAME, H5_ITER_INC, NULL, keep_newest_holder,
                                                &holder);
  if (holder.forecasts >= 0) H5Gclose(holder.forecasts);
  if (rc < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot list the forecast runs");
  if (holder.found) snprintf(run_id, CC_RUN_ID_MAX, "%s", holder.run_id);
  *found = holder.found;
  return CC_OK;
}

cc_status cc_store_forecast_mean(cc_store *store, const char *run_id, const char *series_id, cc_period first, size_t h,
                                 double *out, size_t *covered, cc_error *err) {
  *covered = 0;
  for (size_t i = 0; i < h; i++) out[i] = NAN;
  char path[CC_RUN_ID_MAX + CC_SERIES_ID_MAX + 32];
  snprintf(path, sizeof path, "forecasts/%s/%s", run_id, series_id);
  if (!cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no forecast of '%s' in run %s", series_id, run_id);
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open %s", path);
  size_t n = 0, n_mean = 0;
  cc_status status = cc_h5_dataset_length(group, "periods", &n, err);
  if (!status) status = cc_h5_dataset_length(group, "mean", &n_mean, err);
  if (!status && n != n_mean)
    status = cc_error_set(err, CC_EINPUT, store->path, 0, "mean", "%s: %zu periods but %zu means", path, n, n_mean);
  char(*periods)[CC_PERIOD_TEXT_MAX] = status ? NULL : calloc(n ? n : 1, sizeof *periods);
  double *mean = status ? NULL : calloc(n ? n : 1, sizeof *mean);
  if (!status && (!periods || !mean)) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status && n) {
    hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, CC_PERIOD_TEXT_MAX);
    H5Tset_strpad(text, H5T_STR_NULLTERM);
    status = cc_h5_dataset_get(group, "periods", text, periods, err);
    H5Tclose(text);
  }
  if (!status && n) status = cc_h5_dataset_get(group, "mean", H5T_NATIVE_DOUBLE, mean, err);
  for (size_t k = 0; !status && k < n; k++) {
    cc_period p;
    if ((status = cc_period_parse(periods[k], &p, err))) break;
    if (p.freq != first.freq) continue; /* another frequency cannot be matched period by period */
    int32_t step = cc_period_diff(first, p);
    if (step >= 0 && (size_t)step < h && isnan(out[step])) {
      out[step] = mean[k];
      (*covered)++;
    }
  }
  free(periods);
  free(mean);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}
