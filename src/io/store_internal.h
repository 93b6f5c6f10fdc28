/* store_internal.h: the store handle, shared by store*.c. Not public. */
#ifndef CARECAST_STORE_INTERNAL_H
#define CARECAST_STORE_INTERNAL_H

#include <hdf5.h>

#include "carecast/store.h"

struct cc_store {
  char *path;               /* the store the user named */
  char *partial_path;       /* the working copy while writing, else NULL */
  int lock_fd;              /* descriptor holding the write lock, or -1 */
  hid_t file;               /* open HDF5 file (the working copy when writing) */
  cc_store_mode mode;       /* read or write */
  cc_store_options options; /* checkpoint hook */
  int committed;            /* a commit succeeded: no more writes */
};

/* Fail with CC_EUSAGE unless the store is open for writing and not yet committed. */
CC_MUST_CHECK cc_status cc_store_require_writable(const cc_store *store, cc_error *err);

/* Point an HDF5 error (which has no file) at the store's path. */
cc_status cc_store_error_here(const cc_store *store, cc_error *err, cc_status status);

/* Write series s into the group at path (replacing it), as /series/<id> is written. */
CC_MUST_CHECK cc_status cc_store_series_write_at(cc_store *store, const char *path, const cc_series *s, cc_error *err);

/* Read the series group at path (which must exist); id names it in errors. */
CC_MUST_CHECK cc_status cc_store_series_read_at(cc_store *store, const char *path, const char *id, cc_series **out,
                                                cc_error *err);

/* The sorted names, relative to root, of the links `depth` slashes below root
 * (0: its direct children); none when root is absent. `what` names the list in
 * errors ("the sources"). The caller frees the array with cc_store_free_names. */
CC_MUST_CHECK cc_status cc_store_names_at(cc_store *store, const char *root, int depth, const char *what, char ***names,
                                          size_t *n, cc_error *err);

/* Write model m and its context into the group at path (as /models/<run>/<series_id> is written). */
CC_MUST_CHECK cc_status cc_store_model_write_at(cc_store *store, const char *path, const cc_model *m,
                                                const cc_model_context *context, cc_error *err);

/* Read the model group at path back; series_id names it in errors and fills context->series_id. */
CC_MUST_CHECK cc_status cc_store_model_read_at(cc_store *store, const char *path, const char *series_id, cc_model **out,
                                               cc_model_context *context, cc_error *err);

/* Sort names in place, in strcmp order. */
void cc_store_sort_names(char **names, size_t n);

#endif
