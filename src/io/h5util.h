/* h5util.h: private helpers shared by the store's modules for HDF5
 * attributes, groups and one-dimensional datasets. Every helper returns a
 * cc_status and names the object it failed on. Not a public header. */
#ifndef CARECAST_H5UTIL_H
#define CARECAST_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"

/* Write (or replace) a UTF-8 variable-length string attribute on obj. */
CC_MUST_CHECK cc_status cc_h5_attr_put_text(hid_t obj, const char *name, const char *value, cc_error *err);

/* Write (or replace) a 64-bit integer attribute. */
CC_MUST_CHECK cc_status cc_h5_attr_put_int(hid_t obj, const char *name, int64_t value, cc_error *err);

/* Read a string attribute into a new malloc'd string *out (caller frees). */
CC_MUST_CHECK cc_status cc_h5_attr_get_text(hid_t obj, const char *name, char **out, cc_error *err);

/* Read a string attribute into buf of len bytes; too long is an error. */
CC_MUST_CHECK cc_status cc_h5_attr_get_text_buf(hid_t obj, const char *name, char *buf, size_t len, cc_error *err);

/* Read an integer attribute. */
CC_MUST_CHECK cc_status cc_h5_attr_get_int(hid_t obj, const char *name, int64_t *out, cc_error *err);

/* 1 when obj has an attribute called name. */
int cc_h5_attr_exists(hid_t obj, const char *name);

/* 1 when a link path exists below loc (each intermediate group checked). */
int cc_h5_path_exists(hid_t loc, const char *path);

/* Open the group at path, creating it and its parents when absent. */
CC_MUST_CHECK cc_status cc_h5_group_require(hid_t loc, const char *path, hid_t *out, cc_error *err);

/* Delete the link at path (and empty parent groups up to, not including, stop_at levels). No error when absent. */
CC_MUST_CHECK cc_status cc_h5_delete(hid_t loc, const char *path, cc_error *err);

/* Write a new 1-D dataset of n elements of memory type `type` (replacing any old one). */
CC_MUST_CHECK cc_status cc_h5_dataset_put(hid_t loc, const char *name, hid_t file_type, hid_t mem_type, size_t n,
                                          const void *data, cc_error *err);

/* Length of the 1-D dataset at name. */
CC_MUST_CHECK cc_status cc_h5_dataset_length(hid_t loc, const char *name, size_t *n, cc_error *err);

/* Read all n elements of a 1-D dataset into data (n from cc_h5_dataset_length). */
CC_MUST_CHECK cc_status cc_h5_dataset_get(hid_t loc, const char *name, hid_t mem_type, void *data, cc_error *err);

#endif
