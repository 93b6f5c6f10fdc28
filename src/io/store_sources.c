/* store_sources.c: sources in the store (see store.h).
 *
 * /sources/<id> holds
 *   observations  the current version's observations (compound dataset)
 *   versions      one provenance record per version ever read, oldest first
 *   manifests     the manifest text of each version, same order
 * and, as attributes, the current record's main fields for h5py readers. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5util.h"
#include "store_internal.h"

/* An observation as stored: the period as text so that h5py reads it plainly. */
typedef struct stored_observation {
  char measure[CC_MEASURE_MAX];
  char geography[CC_GEOGRAPHY_MAX];
  char age_band[CC_AGE_BAND_MAX];
  char period[CC_PERIOD_TEXT_MAX];
  double value;
  double bound;
  uint8_t flags;
  int32_t line;
} stored_observation;

static hid_t fixed_string(size_t size) {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, size);
  H5Tset_strpad(type, H5T_STR_NULLTERM);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

/* Add a fixed string member to a compound type. */
static void add_text(hid_t compound, const char *name, size_t offset, size_t size) {
  hid_t type = fixed_string(size);
  H5Tinsert(compound, name, offset, type);
  H5Tclose(type);
}

static hid_t observation_type(void) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(stored_observation));
  add_text(t, "measure", offsetof(stored_observation, measure), CC_MEASURE_MAX);
  add_text(t, "geography", offsetof(stored_observation, geography), CC_GEOGRAPHY_MAX);
  add_text(t, "age_band", offsetof(stored_observation, age_band), CC_AGE_BAND_MAX);
  add_text(t, "period", offsetof(stored_observation, period), CC_PERIOD_TEXT_MAX);
  H5Tinsert(t, "value", offsetof(stored_observation, value), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "bound", offsetof(stored_observation, bound), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "flags", offsetof(stored_observation, flags), H5T_NATIVE_UINT8);
  H5Tinsert(t, "line", offsetof(stored_observation, line), H5T_NATIVE_INT32);
  return t;
}

#define RECORD_TEXT(t, field) add_text(t, #field, offsetof(cc_source_record, field), sizeof(((cc_source_record *)0)->field))
#define RECORD_INT(t, field) H5Tinsert(t, #field, offsetof(cc_source_record, field), H5T_NATIVE_INT64)

static hid_t record_type(void) {
  hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cc_source_record));
  RECORD_TEXT(t, source_id);
  RECORD_TEXT(t, file_name);
  RECORD_TEXT(t, sha256);
  RECORD_TEXT(t, manifest_sha256);
  RECORD_TEXT(t, organisation);
  RECORD_TEXT(t, organisation_name);
  RECORD_TEXT(t, refreshed);
  RECORD_TEXT(t, ingested_at);
  RECORD_INT(t, version);
  RECORD_INT(t, rows_read);
  RECORD_INT(t, rows_rejected);
  RECORD_INT(t, rows_duplicate);
  RECORD_INT(t, observations);
  return t;
}

static void source_path(const char *source_id, char *buf, size_t len) { snprintf(buf, len, "sources/%s", source_id); }

static cc_status open_source(cc_store *store, const char *source_id, hid_t *group, int *found, cc_error *err) {
  char path[CC_SOURCE_ID_MAX + 16];
  source_path(source_id, path, sizeof path);
  *found = cc_h5_path_exists(store->file, path);
  *group = -1;
  if (!*found) return CC_OK;
  *group = H5Gopen2(store->file, path, H5P_DEFAULT);
  return *group < 0 ? cc_error_set(err, CC_EIO, store->path, 0, "source", "cannot open source '%s'", source_id) : CC_OK;
}

cc_status cc_store_source_versions(cc_store *store, const char *source_id, cc_source_record **versions, size_t *n,
                                   cc_error *err) {
  *versions = NULL;
  *n = 0;
  hid_t group;
  int found;
  cc_status status = open_source(store, source_id, &group, &found, err);
  if (status || !found) return status;
  size_t count = 0;
  status = cc_h5_dataset_length(group, "versions", &count, err);
  cc_source_record *records = NULL;
  if (!status && count && !(records = calloc(count, sizeof *records)))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status && count) {
    hid_t type = record_type();
    status = cc_h5_dataset_get(group, "versions", type, records, err);
    H5Tclose(type);
  }
  H5Gclose(group);
  if (status) {
    free(records);
    return cc_store_error_here(store, err, status);
  }
  *versions = records;
  *n = count;
  return CC_OK;
}

cc_status cc_store_source_record(cc_store *store, const char *source_id, cc_source_record *record, int *found,
                                 cc_error *err) {
  cc_source_record *versions;
  size_t n;
  cc_status status = cc_store_source_versions(store, source_id, &versions, &n, err);
  if (status) return status;
  *found = n > 0;
  if (n) *record = versions[n - 1];
  free(versions);
  return CC_OK;
}

/* Read the VL-string dataset "manifests" into a new array of n strings. */
static cc_status read_manifests(hid_t group, char ***texts, size_t *n, cc_error *err) {
  *texts = NULL;
  cc_status status = cc_h5_dataset_length(group, "manifests", n, err);
  if (status || *n == 0) return status;
  char **raw = calloc(*n, sizeof *raw), **copies = calloc(*n, sizeof *copies);
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  if (!raw || !copies) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  else status = cc_h5_dataset_get(group, "manifests", type, raw, err);
  for (size_t i = 0; !status && i < *n; i++)
    if (!(copies[i] = strdup(raw[i] ? raw[i] : ""))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (raw) {
    for (size_t i = 0; i < *n; i++) H5free_memory(raw[i]);
    free(raw);
  }
  H5Tclose(type);
  if (status) {
    cc_store_free_names(copies, *n);
    *n = 0;
    return status;
  }
  *texts = copies;
  return CC_OK;
}

cc_status cc_store_source_manifest(cc_store *store, const char *source_id, char **text, cc_error *err) {
  *text = NULL;
  hid_t group;
  int found;
  cc_status status = open_source(store, source_id, &group, &found, err);
  if (status) return status;
  if (!found) return cc_error_set(err, CC_EINPUT, store->path, 0, "source", "no source '%s' in the store", source_id);
  char **texts;
  size_t n;
  status = read_manifests(group, &texts, &n, err);
  H5Gclose(group);
  if (status) return cc_store_error_here(store, err, status);
  if (n == 0) return cc_error_set(err, CC_EINPUT, store->path, 0, "source", "source '%s' has no manifest (corrupt store)", source_id);
  *text = texts[n - 1];
  texts[n - 1] = NULL;
  cc_store_free_names(texts, n);
  return CC_OK;
}

cc_status cc_store_source_observations(cc_store *store, const char *source_id, cc_observation **obs, size_t *n,
                                       cc_error *err) {
  *obs = NULL;
  *n = 0;
  hid_t group;
  int found;
  cc_status status = open_source(store, source_id, &group, &found, err);
  if (status) return status;
  if (!found) return cc_error_set(err, CC_EINPUT, store->path, 0, "source", "no source '%s' in the store", source_id);
  size_t count = 0;
  status = cc_h5_dataset_length(group, "observations", &count, err);
  stored_observation *rows = NULL;
  cc_observation *out = NULL;
  if (!status && count && (!(rows = malloc(count * sizeof *rows)) || !(out = malloc(count * sizeof *out))))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status && count) {
    hid_t type = observation_type();
    status = cc_h5_dataset_get(group, "observations", type, rows, err);
    H5Tclose(type);
  }
  for (size_t i = 0; !status && i < count; i++) {
    cc_observation *o = &out[i];
    memcpy(o->measure, rows[i].measure, sizeof o->measure);
    memcpy(o->geography, rows[i].geography, sizeof o->geography);
    memcpy(o->age_band, rows[i].age_band, sizeof o->age_band);
    o->value = rows[i].value;
    o->bound = rows[i].bound;
    o->flags = rows[i].flags;
    o->line = rows[i].line;
    status = cc_period_parse(rows[i].period, &o->period, err);
  }
  H5Gclose(group);
  free(rows);
  if (status) {
    free(out);
    return cc_store_error_here(store, err, status);
  }
  *obs = out;
  *n = count;
  return CC_OK;
}

static cc_status write_observations(hid_t group, const cc_source *src, cc_error *err) {
  stored_observation *rows = calloc(src->n_obs ? src->n_obs : 1, sizeof *rows);
  if (!rows) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < src->n_obs; i++) {
    const cc_observation *o = &src->obs[i];
    memcpy(rows[i].measure, o->measure, sizeof rows[i].measure);
    memcpy(rows[i].geography, o->geography, sizeof rows[i].geography);
    memcpy(rows[i].age_band, o->age_band, sizeof rows[i].age_band);
    cc_period_format(o->period, rows[i].period, sizeof rows[i].period);
    rows[i].value = o->value;
    rows[i].bound = o->bound;
    rows[i].flags = o->flags;
    rows[i].line = o->line;
  }
  hid_t type = observation_type();
  cc_status status = cc_h5_dataset_put(group, "observations", type, type, src->n_obs, rows, err);
  H5Tclose(type);
  free(rows);
  return status;
}

static cc_status write_history(hid_t group, cc_source_record *versions, size_t n_versions, char **manifests,
                               cc_error *err) {
  hid_t type = record_type();
  cc_status status = cc_h5_dataset_put(group, "versions", type, type, n_versions, versions, err);
  H5Tclose(type);
  if (status) return status;
  hid_t text = H5Tcopy(H5T_C_S1);
  H5Tset_size(text, H5T_VARIABLE);
  H5Tset_cset(text, H5T_CSET_UTF8);
  status = cc_h5_dataset_put(group, "manifests", text, text, n_versions, manifests, err);
  H5Tclose(text);
  return status;
}

static cc_status write_summary(hid_t group, const cc_source *src, const cc_source_record *record, cc_error *err) {
  const cc_manifest *m = src->manifest;
  cc_status status = cc_h5_attr_put_text(group, "source_id", record->source_id, err);
  if (!status) status = cc_h5_attr_put_text(group, "file_name", record->file_name, err);
  if (!status) status = cc_h5_attr_put_text(group, "sha256", record->sha256, err);
  if (!status) status = cc_h5_attr_put_text(group, "organisation", cc_organisation_name(m->organisation), err);
  if (!status) status = cc_h5_attr_put_text(group, "organisation_name", m->organisation_name, err);
  if (!status) status = cc_h5_attr_put_text(group, "data_sharing_agreement", m->data_sharing_agreement, err);
  if (!status) status = cc_h5_attr_put_text(group, "licence", m->licence, err);
  if (!status) status = cc_h5_attr_put_text(group, "refreshed", m->refreshed, err);
  if (!status) status = cc_h5_attr_put_text(group, "ingested_at", record->ingested_at, err);
  if (!status) status = cc_h5_attr_put_int(group, "version", record->version, err);
  if (!status) status = cc_h5_attr_put_int(group, "rows_read", record->rows_read, err);
  if (!status) status = cc_h5_attr_put_int(group, "rows_rejected", record->rows_rejected, err);
  return status;
}

cc_status cc_store_source_put(cc_store *store, const cc_source *src, const cc_source_record *record, cc_error *err) {
  cc_status status = cc_store_require_writable(store, err);
  if (status) return status;
  const char *id = src->manifest->source_id;
  cc_source_record *versions = NULL;
  size_t n_versions = 0, n_manifests = 0;
  char **manifests = NULL;
  hid_t group;
  int found;
  if ((status = cc_store_source_versions(store, id, &versions, &n_versions, err))) return status;
  if ((status = open_source(store, id, &group, &found, err))) goto done;
  if (found) {
    status = read_manifests(group, &manifests, &n_manifests, err);
    H5Gclose(group);
    if (status) goto done;
  }
  cc_source_record *grown = realloc(versions, (n_versions + 1) * sizeof *grown);
  char **grown_texts = realloc(manifests, (n_manifests + 1) * sizeof *grown_texts);
  if (grown) versions = grown;
  if (grown_texts) manifests = grown_texts;
  if (!grown || !grown_texts || n_manifests != n_versions) {
    status = grown && grown_texts ? cc_error_set(err, CC_EINPUT, store->path, 0, "source", "source '%s' has mismatched history (corrupt store)", id)
                                  : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    goto done;
  }
  versions[n_versions++] = *record;
  manifests[n_manifests++] = src->manifest->text;

  char path[CC_SOURCE_ID_MAX + 16];
  source_path(id, path, sizeof path);
  if ((status = cc_h5_group_require(store->file, path, &group, err))) goto done;
  status = write_observations(group, src, err);
  if (!status) status = write_history(group, versions, n_versions, manifests, err);
  if (!status) status = write_summary(group, src, record, err);
  H5Gclose(group);
  manifests[--n_manifests] = NULL; /* borrowed from the manifest: not ours to free */
done:
  free(versions);
  cc_store_free_names(manifests, n_manifests);
  return cc_store_error_here(store, err, status);
}
