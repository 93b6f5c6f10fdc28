/* store_panel.c: the linked panel in the store (see store.h, docs/store.md).
 *
 * /panel/<frequency>/<measure>/<geography>/<age_band> holds series written
 * exactly as /series holds them (values, bounds, flags, attributes), one
 * frequency per branch, so that a month and its quarter never share a path. */
#include <stdio.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

#define CC_PANEL_GROUP "panel"
#define CC_PANEL_KEY_MAX (CC_SERIES_ID_MAX + 32) /* "<frequency>/" and the series id */

static void panel_path(const char *key, char *buf, size_t len) { snprintf(buf, len, CC_PANEL_GROUP "/%s", key); }

cc_status cc_store_panel_keys(cc_store *store, char ***keys, size_t *n, cc_error *err) {
  return cc_store_series_ids_at(store, CC_PANEL_GROUP, 3, keys, n, err);
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
