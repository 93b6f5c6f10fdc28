/* store_series.c: series and measures in the store (see store.h).
 *
 * A series lives in the group /series/<measure>/<geography>/<age_band>
 * with three datasets of equal length (values, bounds, flags) and its
 * description as attributes, so that it reads naturally from h5py. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

#define CC_SERIES_GROUP "series"
#define CC_MEASURES_GROUP "measures"

static void series_path(const char *id, char *buf, size_t len) { snprintf(buf, len, CC_SERIES_GROUP "/%s", id); }

int cc_store_series_exists(cc_store *store, const char *id) {
  char path[CC_SERIES_ID_MAX + 16];
  series_path(id, path, sizeof path);
  return cc_h5_path_exists(store->file, path);
}

cc_status cc_store_series_write(cc_store *store, const cc_series *s, cc_error *err) {
  char path[CC_SERIES_ID_MAX + 16];
  series_path(s->id, path, sizeof path);
  return cc_store_series_write_at(store, path, s, err);
}

cc_status cc_store_series_write_at(cc_store *store, const char *path, const cc_series *s, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char start[CC_PERIOD_TEXT_MAX];
  if ((status = cc_h5_delete(store->file, path, err))) return cc_store_error_here(store, err, status);
  hid_t group;
  if ((status = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, status);
  status = cc_h5_dataset_put(group, "values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s->n, s->values, err);
  if (!status) status = cc_h5_dataset_put(group, "bounds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s->n, s->bounds, err);
  if (!status) status = cc_h5_dataset_put(group, "flags", H5T_STD_U8LE, H5T_NATIVE_UINT8, s->n, s->flags, err);
  if (!status) status = cc_h5_attr_put_text(group, "series_id", s->id, err);
  if (!status) status = cc_h5_attr_put_text(group, "measure", s->measure, err);
  if (!status) status = cc_h5_attr_put_text(group, "geography", s->geography, err);
  if (!status) status = cc_h5_attr_put_text(group, "age_band", s->age_band, err);
  if (!status) status = cc_h5_attr_put_text(group, "unit", s->unit, err);
  if (!status) status = cc_h5_attr_put_text(group, "kind", cc_kind_name(s->kind), err);
  if (!status) status = cc_h5_attr_put_text(group, "frequency", cc_freq_name(s->freq), err);
  if (!status) status = cc_h5_attr_put_text(group, "start", cc_period_format(s->start, start, sizeof start), err);
  if (!status) status = cc_h5_attr_put_text(group, "source_ids", s->source_ids ? s->source_ids : "", err);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}

static cc_status read_series_attrs(hid_t group, cc_series *s, cc_error *err) {
  char text[CC_MEASURE_MAX];
  cc_status status = cc_h5_attr_get_text_buf(group, "series_id", s->id, sizeof s->id, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "measure", s->measure, sizeof s->measure, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "geography", s->geography, sizeof s->geography, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "age_band", s->age_band, sizeof s->age_band, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "unit", s->unit, sizeof s->unit, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "kind", text, sizeof text, err);
  if (!status) status = cc_kind_parse(text, &s->kind, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "frequency", text, sizeof text, err);
  if (!status) status = cc_freq_parse(text, &s->freq, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "start", text, sizeof text, err);
  if (!status) status = cc_period_parse(text, &s->start, err);
  if (!status && s->start.freq != s->freq)
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "start", "series '%s' starts in a period of another frequency", s->id);
  if (!status) status = cc_h5_attr_get_text(group, "source_ids", &s->source_ids, err);
  return status;
}

cc_status cc_store_series_read(cc_store *store, const char *id, cc_series **out, cc_error *err) {
  *out = NULL;
  char path[CC_SERIES_ID_MAX + 16];
  series_path(id, path, sizeof path);
  if (strlen(id) >= CC_SERIES_ID_MAX || !cc_h5_path_exists(store->file, path))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no series '%s' in the store", id);
  return cc_store_series_read_at(store, path, id, out, err);
}

cc_status cc_store_series_read_at(cc_store *store, const char *path, const char *id, cc_series **out, cc_error *err) {
  *out = NULL;
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, "series", "cannot open series '%s'", id);
  size_t n = 0, n_bounds = 0, n_flags = 0;
  cc_status status = cc_h5_dataset_length(group, "values", &n, err);
  if (!status) status = cc_h5_dataset_length(group, "bounds", &n_bounds, err);
  if (!status) status = cc_h5_dataset_length(group, "flags", &n_flags, err);
  if (!status && (n_bounds != n || n_flags != n))
    status = cc_error_set(err, CC_EINPUT, NULL, 0, "series", "series '%s' has datasets of different lengths (corrupt store)", id);
  cc_series *s = NULL;
  if (!status && !(s = cc_series_alloc(n))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status && n) status = cc_h5_dataset_get(group, "values", H5T_NATIVE_DOUBLE, s->values, err);
  if (!status && n) status = cc_h5_dataset_get(group, "bounds", H5T_NATIVE_DOUBLE, s->bounds, err);
  if (!status && n) status = cc_h5_dataset_get(group, "flags", H5T_NATIVE_UINT8, s->flags, err);
  if (!status) status = read_series_attrs(group, s, err);
  H5Gclose(group);
  if (status) {
    cc_series_free(s);
    return cc_store_error_here(store, err, status);
  }
  *out = s;
  return CC_OK;
}

/* ---- originals kept by the quality stage (/original/<series_id>) ---- */

#define CC_ORIGINAL_GROUP "original"

static void original_path(const char *id, char *buf, size_t len) { snprintf(buf, len, CC_ORIGINAL_GROUP "/%s", id); }

cc_status cc_store_series_keep_original(cc_store *store, const char *id, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char from[CC_SERIES_ID_MAX + 16], to[CC_SERIES_ID_MAX + 16];
  series_path(id, from, sizeof from);
  original_path(id, to, sizeof to);
  if (cc_h5_path_exists(store->file, to)) return CC_OK;
  if (!cc_h5_path_exists(store->file, from))
    return cc_error_set(err, CC_EINPUT, store->path, 0, "series", "no series '%s' in the store", id);
  /* A copy through our own reader and writer (H5Ocopy fails on variable-length string attributes). */
  cc_series *s = NULL;
  if ((status = cc_store_series_read_at(store, from, id, &s, err))) return status;
  status = cc_store_series_write_at(store, to, s, err);
  cc_series_free(s);
  return status;
}

cc_status cc_store_series_read_original(cc_store *store, const char *id, cc_series **out, int *found, cc_error *err) {
  char path[CC_SERIES_ID_MAX + 16];
  original_path(id, path, sizeof path);
  *out = NULL;
  *found = strlen(id) < CC_SERIES_ID_MAX && cc_h5_path_exists(store->file, path);
  return *found ? cc_store_series_read_at(store, path, id, out, err) : CC_OK;
}

cc_status cc_store_series_forget_original(cc_store *store, const char *id, cc_error *err) {
  char path[CC_SERIES_ID_MAX + 16];
  original_path(id, path, sizeof path);
  if (!cc_h5_path_exists(store->file, path)) return CC_OK;
  cc_status status = cc_h5_delete(store->file, path, err);
  return status ? cc_store_error_here(store, err, status) : CC_OK;
}

cc_status cc_store_series_delete(cc_store *store, const char *id, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char path[CC_SERIES_ID_MAX + 16];
  series_path(id, path, sizeof path);
  if ((status = cc_h5_delete(store->file, path, err))) return cc_store_error_here(store, err, status);
  /* Remove the parents the series leaves empty: /series/<measure>/<geography>, then /series/<measure>. */
  for (int level = 0; level < 2; level++) {
    char *slash = strrchr(path, '/');
    if (!slash) break;
    *slash = '\0';
    H5G_info_t info;
    if (!cc_h5_path_exists(store->file, path) || H5Gget_info_by_name(store->file, path, &info, H5P_DEFAULT) < 0) break;
    if (info.nlinks > 0) break;
    if ((status = cc_h5_delete(store->file, path, err))) return cc_store_error_here(store, err, status);
  }
  return CC_OK;
}

typedef struct name_list {
  char **names;
  size_t n, capacity;
  int failed;
  int depth; /* slashes in the names kept, below the root visited */
} name_list;

static int push_name(name_list *list, const char *name) {
  if (list->n == list->capacity) {
    size_t capacity = list->capacity ? 2 * list->capacity : 256;
    char **grown = realloc(list->names, capacity * sizeof *grown);
    if (!grown) return list->failed = 1;
    list->names = grown;
    list->capacity = capacity;
  }
  if (!(list->names[list->n] = strdup(name))) return list->failed = 1;
  list->n++;
  return 0;
}

/* Visit callback: keep the links `depth` slashes deep below the root. */
static herr_t collect_at_depth(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  (void)group, (void)info;
  int slashes = 0;
  for (const char *p = name; *p; p++) slashes += *p == '/';
  if (slashes == ((name_list *)data)->depth && push_name(data, name)) return -1;
  return 0;
}

/* Iterate callback: keep every direct child. */
static herr_t collect_child(hid_t group, const char *name, const H5L_info_t *info, void *data) {
  (void)group, (void)info;
  return push_name(data, name) ? -1 : 0;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void cc_store_sort_names(char **names, size_t n) {
  if (n) qsort(names, n, sizeof *names, compare_names); /* qsort(NULL, 0) is undefined */
}

cc_status cc_store_names_at(cc_store *store, const char *root, int depth, const char *what, char ***names, size_t *n,
                            cc_error *err) {
  *names = NULL;
  *n = 0;
  name_list list = {.depth = depth};
  if (cc_h5_path_exists(store->file, root)) {
    /* Direct children are iterated; deeper links need the whole subtree visited. */
    hid_t group = H5Gopen2(store->file, root, H5P_DEFAULT);
    herr_t rc = group < 0    ? -1
                : depth == 0 ? H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_child, &list)
                             : H5Lvisit(group, H5_INDEX_NAME, H5_ITER_INC, collect_at_depth, &list);
    if (group >= 0) H5Gclose(group);
    if (rc < 0 || list.failed) {
      cc_store_free_names(list.names, list.n);
      return cc_error_set(err, list.failed ? CC_ENOMEM : CC_EIO, store->path, 0, NULL, "cannot list %s", what);
    }
  }
  cc_store_sort_names(list.names, list.n);
  *names = list.names;
  *n = list.n;
  return CC_OK;
}

cc_status cc_store_series_ids(cc_store *store, char ***ids, size_t *n, cc_error *err) {
  return cc_store_names_at(store, CC_SERIES_GROUP, 2, "the series", ids, n, err);
}

cc_status cc_store_source_ids(cc_store *store, char ***ids, size_t *n, cc_error *err) {
  return cc_store_names_at(store, "sources", 0, "the sources", ids, n, err);
}

cc_status cc_store_measure_get(cc_store *store, const char *name, cc_measure_record *record, int *found, cc_error *err) {
  char path[CC_MEASURE_MAX + 16], text[CC_MEASURE_MAX];
  memset(record, 0, sizeof *record);
  *found = 0;
  snprintf(path, sizeof path, CC_MEASURES_GROUP "/%s", name);
  if (!cc_h5_path_exists(store->file, path)) return CC_OK;
  hid_t group = H5Gopen2(store->file, path, H5P_DEFAULT);
  if (group < 0) return cc_error_set(err, CC_EIO, store->path, 0, "measure", "cannot open measure '%s'", name);
  snprintf(record->def.name, sizeof record->def.name, "%s", name);
  cc_status status = cc_h5_attr_get_text_buf(group, "frequency", text, sizeof text, err);
  if (!status) status = cc_freq_parse(text, &record->def.freq, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "kind", text, sizeof text, err);
  if (!status) status = cc_kind_parse(text, &record->def.kind, err);
  if (!status) status = cc_h5_attr_get_text_buf(group, "unit", record->def.unit, sizeof record->def.unit, err);
  if (!status) status = cc_h5_attr_get_text(group, "source_ids", &record->source_ids, err);
  H5Gclose(group);
  if (status) {
    free(record->source_ids);
    record->source_ids = NULL;
    return cc_store_error_here(store, err, status);
  }
  *found = 1;
  return CC_OK;
}

cc_status cc_store_measure_put(cc_store *store, const cc_measure_record *record, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  char path[CC_MEASURE_MAX + 16];
  snprintf(path, sizeof path, CC_MEASURES_GROUP "/%s", record->def.name);
  if ((status = cc_h5_delete(store->file, path, err))) return cc_store_error_here(store, err, status);
  if (!record->source_ids || !record->source_ids[0]) return CC_OK;
  hid_t group;
  if ((status = cc_h5_group_require(store->file, path, &group, err))) return cc_store_error_here(store, err, status);
  status = cc_h5_attr_put_text(group, "frequency", cc_freq_name(record->def.freq), err);
  if (!status) status = cc_h5_attr_put_text(group, "kind", cc_kind_name(record->def.kind), err);
  if (!status) status = cc_h5_attr_put_text(group, "unit", record->def.unit, err);
  if (!status) status = cc_h5_attr_put_text(group, "source_ids", record->source_ids, err);
  H5Gclose(group);
  return cc_store_error_here(store, err, status);
}
