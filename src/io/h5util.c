/* h5util.c: HDF5 helpers for the store (see h5util.h).
 *
 * Strings are written as variable-length UTF-8 so that h5py reads them as
 * str; datasets are one-dimensional and written whole, compressed with
 * deflate when large enough for it to matter. */
#include "h5util.h"

#include <stdlib.h>
#include <string.h>

#define CC_H5_CHUNK_MIN 4096 /* datasets this long or longer are chunked and compressed */
#define CC_H5_DEFLATE_LEVEL 4

static hid_t utf8_string_type(void) {
  hid_t type = H5Tcopy(H5T_C_S1);
  if (type < 0) return type;
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

static cc_status h5_fail(cc_error *err, const char *what, const char *name) {
  return cc_error_set(err, CC_EIO, NULL, 0, NULL, "HDF5 could not %s '%s'", what, name);
}

int cc_h5_attr_exists(hid_t obj, const char *name) { return H5Aexists(obj, name) > 0; }

static cc_status attr_put(hid_t obj, const char *name, hid_t type, const void *value, cc_error *err) {
  if (cc_h5_attr_exists(obj, name) && H5Adelete(obj, name) < 0) return h5_fail(err, "replace attribute", name);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = space < 0 ? -1 : H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t rc = attr < 0 ? -1 : H5Awrite(attr, type, value);
  if (attr >= 0) H5Aclose(attr);
  if (space >= 0) H5Sclose(space);
  return rc < 0 ? h5_fail(err, "write attribute", name) : CC_OK;
}

cc_status cc_h5_attr_put_text(hid_t obj, const char *name, const char *value, cc_error *err) {
  hid_t type = utf8_string_type();
  if (type < 0) return h5_fail(err, "make a string type for", name);
  const char *text = value ? value : "";
  cc_status status = attr_put(obj, name, type, &text, err);
  H5Tclose(type);
  return status;
}

cc_status cc_h5_attr_put_int(hid_t obj, const char *name, int64_t value, cc_error *err) {
  return attr_put(obj, name, H5T_NATIVE_INT64, &value, err);
}

cc_status cc_h5_attr_get_text(hid_t obj, const char *name, char **out, cc_error *err) {
  *out = NULL;
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the store lacks attribute '%s'", name);
  hid_t file_type = H5Aget_type(attr);
  cc_status status = CC_OK;
  if (file_type < 0 || H5Tget_class(file_type) != H5T_STRING) {
    status = cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "attribute '%s' in the store is not text", name);
  } else if (H5Tis_variable_str(file_type) > 0) {
    hid_t type = utf8_string_type();
    char *text = NULL;
    if (type < 0 || H5Aread(attr, type, &text) < 0) status = h5_fail(err, "read attribute", name);
    else if (!(*out = strdup(text ? text : ""))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    if (text) H5free_memory(text);
    if (type >= 0) H5Tclose(type);
  } else {
    size_t size = H5Tget_size(file_type);
    char *text = calloc(size + 1, 1);
    hid_t type = H5Tcopy(file_type);
    if (!text) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    else if (type < 0 || H5Aread(attr, type, text) < 0) status = h5_fail(err, "read attribute", name);
    if (type >= 0) H5Tclose(type);
    if (status) free(text);
    else *out = text;
  }
  if (file_type >= 0) H5Tclose(file_type);
  H5Aclose(attr);
  return status;
}

cc_status cc_h5_attr_get_text_buf(hid_t obj, const char *name, char *buf, size_t len, cc_error *err) {
  char *text = NULL;
  cc_status status = cc_h5_attr_get_text(obj, name, &text, err);
  if (status) return status;
  if (strlen(text) >= len) status = cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "attribute '%s' in the store is too long", name);
  else strcpy(buf, text);
  free(text);
  return status;
}

cc_status cc_h5_attr_get_int(hid_t obj, const char *name, int64_t *out, cc_error *err) {
  hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  if (attr < 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the store lacks attribute '%s'", name);
  hid_t file_type = H5Aget_type(attr);
  cc_status status = CC_OK;
  if (file_type < 0 || H5Tget_class(file_type) != H5T_INTEGER)
    status = cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "attribute '%s' in the store is not an integer", name);
  else if (H5Aread(attr, H5T_NATIVE_INT64, out) < 0)
    status = h5_fail(err, "read attribute", name);
  if (file_type >= 0) H5Tclose(file_type);
  H5Aclose(attr);
  return status;
}

int cc_h5_path_exists(hid_t loc, const char *path) {
  size_t len = strlen(path);
  char *prefix = malloc(len + 1);
  if (!prefix) return 0;
  int exists = 1;
  for (size_t i = 1; i <= len && exists; i++) {
    if (path[i] != '/' && path[i] != '\0') continue;
    memcpy(prefix, path, i);
    prefix[i] = '\0';
    exists = H5Lexists(loc, prefix, H5P_DEFAULT) > 0;
  }
  free(prefix);
  return exists;
}

cc_status cc_h5_group_require(hid_t loc, const char *path, hid_t *out, cc_error *err) {
  if (cc_h5_path_exists(loc, path)) {
    *out = H5Gopen2(loc, path, H5P_DEFAULT);
    return *out < 0 ? h5_fail(err, "open group", path) : CC_OK;
  }
  hid_t links = H5Pcreate(H5P_LINK_CREATE);
  if (links < 0) return h5_fail(err, "create group", path);
  H5Pset_create_intermediate_group(links, 1);
  H5Pset_char_encoding(links, H5T_CSET_UTF8);
  *out = H5Gcreate2(loc, path, links, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(links);
  return *out < 0 ? h5_fail(err, "create group", path) : CC_OK;
}

cc_status cc_h5_delete(hid_t loc, const char *path, cc_error *err) {
  if (!cc_h5_path_exists(loc, path)) return CC_OK;
  return H5Ldelete(loc, path, H5P_DEFAULT) < 0 ? h5_fail(err, "delete", path) : CC_OK;
}

cc_status cc_h5_dataset_put(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, size_t n, const void *data,
                            cc_error *err) {
  if (H5Lexists(loc, name, H5P_DEFAULT) > 0 && H5Ldelete(loc, name, H5P_DEFAULT) < 0)
    return h5_fail(err, "replace dataset", name);
  hsize_t dims[1] = {n};
  hid_t space = H5Screate_simple(1, dims, NULL);
  hid_t create = H5Pcreate(H5P_DATASET_CREATE);
  if (space < 0 || create < 0) {
    if (space >= 0) H5Sclose(space);
    if (create >= 0) H5Pclose(create);
    return h5_fail(err, "create dataset", name);
  }
  if (n >= CC_H5_CHUNK_MIN) {
    hsize_t chunk[1] = {CC_H5_CHUNK_MIN};
    H5Pset_chunk(create, 1, chunk);
    H5Pset_shuffle(create);
    H5Pset_deflate(create, CC_H5_DEFLATE_LEVEL);
  }
  hid_t set = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, create, H5P_DEFAULT);
  herr_t rc = set < 0 ? -1 : (n ? H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0);
  if (set >= 0) H5Dclose(set);
  H5Pclose(create);
  H5Sclose(space);
  return rc < 0 ? h5_fail(err, "write dataset", name) : CC_OK;
}

cc_status cc_h5_dataset_length(hid_t loc, const char *name, size_t *n, cc_error *err) {
  hid_t set = H5Dopen2(loc, name, H5P_DEFAULT);
  if (set < 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the store lacks dataset '%s'", name);
  hid_t space = H5Dget_space(set);
  hsize_t dims[1] = {0};
  int rank = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
  if (rank == 1) H5Sget_simple_extent_dims(space, dims, NULL);
  if (space >= 0) H5Sclose(space);
  H5Dclose(set);
  if (rank != 1) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "dataset '%s' in the store is not one-dimensional", name);
  *n = (size_t)dims[0];
  return CC_OK;
}

cc_status cc_h5_dataset_get(hid_t loc, const char *name, hid_t mem_type, void *data, cc_error *err) {
  hid_t set = H5Dopen2(loc, name, H5P_DEFAULT);
  if (set < 0) return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "the store lacks dataset '%s'", name);
  herr_t rc = H5Dread(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(set);
  return rc < 0 ? h5_fail(err, "read dataset", name) : CC_OK;
}
