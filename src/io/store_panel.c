/* store_panel.c: the linked panel in the store (see store.h, docs/store.md).
 *
 * /panel/<frequency>/<measure>/<geography>/<age_band> holds series written
 * exactly as /series holds them (values, bounds, flags, attributes), one
 * frequency per branch, so that a month and its quarter never share a path.
 *
 * The series models are fitted to (cc_store_model_series_*) are the panel's
 * once carecast link has written one, each at the finest frequency the panel
 * has for it (its own, or months where Denton disaggregation was asked for),
 * and /series before that. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

#define CC_PANEL_GROUP "panel"
#define CC_PANEL_KEY_MAX (CC_SERIES_ID_MAX + 32) /* "<frequency>/" and the series id */

static void panel_path(const char *key, char *buf, size_t len) { snprintf(buf, len, CC_PANEL_GROUP "/%s", key); }

cc_status cc_store_panel_keys(cc_store *store, char ***keys, size_t *n, cc_error *err) {
  return cc_store_names_at(store, CC_PANEL_GROUP, 3, "the panel", keys, n, err);
}

cc_status cc_store_panel_read(cc_store *store, const char *key, cc_series **out, cc_error *err) {
  *out = NULL;
  char path[CC_PANEL_KEY_MAX + 16];
  panel_path(key, path, sizeof path);
  if (strlen(key) >= CC_PANEL_KEY_MAX || !cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no panel series '%s' in the store", key);
  return cc_store_series_read_at(store, path, key, out, err);
}

cc_status cc_store_panel_write(cc_store *store, const cc_series *s, cc_error *err) {
  char path[CC_PANEL_KEY_MAX + 16];
  snprintf(path, sizeof path, CC_PANEL_GROUP "/%s/%s", cc_freq_name(s->freq), s->id);
  return cc_store_series_write_at(store, path, s, err);
}

cc_status cc_store_panel_clear(cc_store *store, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (!status && cc_h5_path_exists(store->file, CC_PANEL_GROUP)) status = cc_h5_delete(store->file, CC_PANEL_GROUP, err);
  return status ? cc_store_error_here(store, err, status) : CC_OK;
}

cc_status cc_store_panel_set_note(cc_store *store, const char *name, const char *value, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  hid_t group;
  if ((status = cc_h5_group_require(store->file, CC_PANEL_GROUP, &group, err))) return cc_store_error_here(store, err, status);
  status = cc_h5_attr_put_text(group, name, value, err);
  H5Gclose(group);
  return status ? cc_store_error_here(store, err, status) : CC_OK;
}

cc_status cc_store_panel_get_note(cc_store *store, const char *name, char **value, cc_error *err) {
  *value = NULL;
  if (!cc_h5_path_exists(store->file, CC_PANEL_GROUP)) return CC_OK;
  hid_t group = H5Gopen2(store->file, CC_PANEL_GROUP, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open the panel");
  cc_status status = cc_h5_attr_exists(group, name) ? cc_h5_attr_get_text(group, name, value, err) : CC_OK;
  H5Gclose(group);
  return status ? cc_store_error_here(store, err, status) : CC_OK;
}

/* The frequencies tried for a model series, finest first. */
static const cc_freq model_frequencies[] = {CC_FREQ_MONTH, CC_FREQ_QUARTER, CC_FREQ_FYEAR, CC_FREQ_YEAR};
#define N_MODEL_FREQUENCIES (sizeof model_frequencies / sizeof *model_frequencies)

int cc_store_has_panel(cc_store *store) { return cc_h5_path_exists(store->file, CC_PANEL_GROUP); }

/* The panel key of series id at its finest frequency into key; 0 when the panel has none. */
static int finest_key(cc_store *store, const char *id, char *key, size_t len) {
  for (size_t f = 0; f < N_MODEL_FREQUENCIES; f++) {
    char path[CC_PANEL_KEY_MAX + 16];
    snprintf(key, len, "%s/%s", cc_freq_name(model_frequencies[f]), id);
    panel_path(key, path, sizeof path);
    if (cc_h5_path_exists(store->file, path)) return 1;
  }
  return 0;
}

int cc_store_model_series_exists(cc_store *store, const char *id) {
  char key[CC_PANEL_KEY_MAX];
  if (strlen(id) >= CC_SERIES_ID_MAX) return 0;
  return cc_store_has_panel(store) ? finest_key(store, id, key, sizeof key) : cc_store_series_exists(store, id);
}

cc_status cc_store_model_series_read(cc_store *store, const char *id, cc_series **out, cc_error *err) {
  if (!cc_store_has_panel(store)) return cc_store_series_read(store, id, out, err);
  char key[CC_PANEL_KEY_MAX];
  *out = NULL;
  if (strlen(id) >= CC_SERIES_ID_MAX || !finest_key(store, id, key, sizeof key))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no series '%s' in the linked panel", id);
  return cc_store_panel_read(store, key, out, err);
}

cc_status cc_store_model_series_ids(cc_store *store, char ***ids, size_t *n, cc_error *err) {
  if (!cc_store_has_panel(store)) return cc_store_series_ids(store, ids, n, err);
  char **keys = NULL;
  size_t n_keys = 0, kept = 0;
  cc_status status = cc_store_panel_keys(store, &keys, &n_keys, err);
  if (status) return status;
  /* keys are "<frequency>/<id>": cut the frequency off, sort, keep each id once */
  for (size_t k = 0; k < n_keys; k++) {
    const char *slash = strchr(keys[k], '/');
    if (slash) memmove(keys[k], slash + 1, strlen(slash + 1) + 1);
  }
  cc_store_sort_names(keys, n_keys);
  for (size_t k = 0; k < n_keys; k++) {
    if (kept > 0 && strcmp(keys[kept - 1], keys[k]) == 0) free(keys[k]);
    else keys[kept++] = keys[k];
  }
  *ids = keys;
  *n = kept;
  return CC_OK;
}
