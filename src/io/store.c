/* store.c: opening, committing and closing the HDF5 store (see store.h).
 *
 * Atomicity. A write never touches the store file itself. cc_store_open in
 * write mode takes an exclusive flock on STORE.lock (released by the kernel
 * if the process dies), copies STORE to STORE.partial (or creates a fresh
 * store there) and opens the copy. cc_store_commit closes the copy, fsyncs
 * it, renames it over STORE and fsyncs the directory. rename(2) is atomic,
 * so a reader sees the old store or the new one, never a mixture, and a
 * kill at any moment leaves at worst a stale STORE.partial that the next
 * writer overwrites. */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "carecast/version.h"
#include "h5util.h"

static const char *const top_groups[] = {"sources", "measures", "series", "models", "forecasts", "scenarios", NULL};

cc_status cc_store_error_here(const cc_store *store, cc_error *err, cc_status status) {
  if (err && status && !err->file[0]) snprintf(err->file, sizeof err->file, "%s", store->path);
  return status;
}

cc_status cc_store_require_writable(const cc_store *store, cc_error *err) {
  if (store->mode != CC_STORE_WRITE || store->committed)
    return cc_error_set(err, CC_EUSAGE, store->path, 0, NULL, "the store is not open for writing");
  return CC_OK;
}

const char *cc_store_path(const cc_store *store) { return store->path; }

void cc_store_checkpoint(cc_store *store, const char *stage) {
  if (store->options.checkpoint) store->options.checkpoint(store->options.checkpoint_context, stage);
}

static char *path_with_suffix(const char *path, const char *suffix) {
  size_t len = strlen(path) + strlen(suffix) + 1;
  char *out = malloc(len);
  if (out) snprintf(out, len, "%s%s", path, suffix);
  return out;
}

/* Check the root attributes of an open file: format and version. */
static cc_status check_format(hid_t file, const char *path, cc_error *err) {
  char format[64];
  int64_t version = 0;
  if (!cc_h5_attr_exists(file, "format") || cc_h5_attr_get_text_buf(file, "format", format, sizeof format, NULL) ||
      strcmp(format, CC_STORE_FORMAT) != 0)
    return cc_error_set(err, CC_EINPUT, path, 0, NULL, "an HDF5 file, but not a carecast store (no format attribute '%s')",
                        CC_STORE_FORMAT);
  if (cc_h5_attr_get_int(file, "format_version", &version, NULL))
    return cc_error_set(err, CC_EINPUT, path, 0, "format_version", "the store has no format version");
  if (version != CC_STORE_FORMAT_VERSION)
    return cc_error_set(err, CC_EINPUT, path, 0, "format_version",
                        "store format version %lld is not one this carecast (%s) can read (it reads version %d)%s",
                        (long long)version, CC_VERSION_STRING, CC_STORE_FORMAT_VERSION,
                        version > CC_STORE_FORMAT_VERSION ? "; use a newer carecast" : "");
  return CC_OK;
}

static cc_status open_existing(const char *path, unsigned flags, hid_t *out, cc_error *err) {
  #if H5_VERSION_GE(1, 12, 0)
  htri_t is_hdf5 = H5Fis_accessible(path, H5P_DEFAULT);
#else
  htri_t is_hdf5 = H5Fis_hdf5(path);
#endif
  if (is_hdf5 <= 0)
    return cc_error_set(err, CC_EINPUT, path, 0, NULL, "not a readable HDF5 file (corrupt, truncated or not a store)");
  *out = H5Fopen(path, flags, H5P_DEFAULT);
  if (*out < 0) return cc_error_set(err, CC_EINPUT, path, 0, NULL, "cannot open as HDF5 (corrupt or truncated)");
  cc_status status = check_format(*out, path, err);
  if (status) {
    H5Fclose(*out);
    *out = -1;
  }
  return status;
}

static cc_status create_fresh(const char *path, const char *shown_path, hid_t *out, cc_error *err) {
  hid_t create = H5Pcreate(H5P_FILE_CREATE);
  /* Track free space across sessions so that replaced datasets' space is reused. */
  if (create >= 0) H5Pset_file_space_strategy(create, H5F_FSPACE_STRATEGY_FSM_AGGR, 1, 1);
  *out = H5Fcreate(path, H5F_ACC_TRUNC, create < 0 ? H5P_DEFAULT : create, H5P_DEFAULT);
  if (create >= 0) H5Pclose(create);
  if (*out < 0) return cc_error_set(err, CC_EIO, shown_path, 0, NULL, "cannot create an HDF5 file at %s", path);
  cc_status status = cc_h5_attr_put_text(*out, "format", CC_STORE_FORMAT, err);
  if (!status) status = cc_h5_attr_put_int(*out, "format_version", CC_STORE_FORMAT_VERSION, err);
  if (!status) status = cc_h5_attr_put_text(*out, "created_by", "carecast " CC_VERSION_STRING, err);
  for (const char *const *g = top_groups; !status && *g; g++) {
    hid_t group;
    status = cc_h5_group_require(*out, *g, &group, err);
    if (!status) H5Gclose(group);
  }
  return status;
}

static cc_status take_lock(cc_store *store, cc_error *err) {
  char *lock_path = path_with_suffix(store->path, ".lock");
  if (!lock_path) return cc_error_set(err, CC_ENOMEM, store->path, 0, NULL, "out of memory");
  store->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  cc_status status = CC_OK;
  if (store->lock_fd < 0)
    status = cc_error_set(err, CC_EIO, lock_path, 0, NULL, "cannot create the lock file: %s", strerror(errno));
  else
    while (flock(store->lock_fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      status = cc_error_set(err, CC_EIO, lock_path, 0, NULL, "cannot lock: %s", strerror(errno));
      break;
    }
  free(lock_path);
  return status;
}

static cc_status open_for_writing(cc_store *store, cc_error *err) {
  cc_status status = take_lock(store, err);
  if (status) return status;
  if (!(store->partial_path = path_with_suffix(store->path, ".partial")))
    return cc_error_set(err, CC_ENOMEM, store->path, 0, NULL, "out of memory");
  unlink(store->partial_path); /* a stale copy from a killed writer */
  if (cc_file_exists(store->path)) {
    hid_t check;
    if ((status = open_existing(store->path, H5F_ACC_RDONLY, &check, err))) return status;
    H5Fclose(check);
    if ((status = cc_file_copy(store->path, store->partial_path, err))) return status;
    cc_store_checkpoint(store, "copied");
    store->file = H5Fopen(store->partial_path, H5F_ACC_RDWR, H5P_DEFAULT);
    if (store->file < 0) return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot open the working copy");
    return CC_OK;
  }
  return create_fresh(store->partial_path, store->path, &store->file, err);
}

cc_status cc_store_open(const char *path, cc_store_mode mode, const cc_store_options *options, cc_store **out,
                        cc_error *err) {
  *out = NULL;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors are reported through cc_error, not printed by HDF5 */
  cc_store *store = calloc(1, sizeof *store);
  if (!store || !(store->path = strdup(path))) {
    free(store);
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  }
  store->lock_fd = -1;
  store->file = -1;
  store->mode = mode;
  if (options) store->options = *options;
  cc_status status;
  if (mode == CC_STORE_READ) {
    if (!cc_file_exists(path)) status = cc_error_set(err, CC_EINPUT, path, 0, NULL, "no store here (run carecast ingest first)");
    else status = open_existing(path, H5F_ACC_RDONLY, &store->file, err);
  } else {
    status = open_for_writing(store, err);
  }
  if (status) {
    cc_store_close(store);
    return status;
  }
  *out = store;
  return CC_OK;
}

cc_status cc_store_commit(cc_store *store, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  if (H5Fflush(store->file, H5F_SCOPE_GLOBAL) < 0 || H5Fclose(store->file) < 0) {
    store->file = -1;
    return cc_error_set(err, CC_EIO, store->path, 0, NULL, "HDF5 could not finish writing the working copy");
  }
  store->file = -1;
  if ((status = cc_file_sync(store->partial_path, err))) return status;
  cc_store_checkpoint(store, "before-rename");
  if (rename(store->partial_path, store->path) != 0)
    return cc_error_set(err, CC_EIO, store->path, 0, NULL, "cannot replace the store: %s", strerror(errno));
  store->committed = 1;
  if ((status = cc_file_sync_dir(store->path, err))) return status;
  cc_store_checkpoint(store, "committed");
  return CC_OK;
}

void cc_store_close(cc_store *store) {
  if (!store) return;
  if (store->file >= 0) H5Fclose(store->file);
  if (store->partial_path && !store->committed) unlink(store->partial_path);
  if (store->lock_fd >= 0) close(store->lock_fd); /* releases the flock */
  free(store->partial_path);
  free(store->path);
  free(store);
}

void cc_store_free_names(char **names, size_t n) {
  if (!names) return;
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}
