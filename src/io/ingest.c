/* ingest.c: folding a source into the store (see ingest.h).
 *
 * Series are derived data: a series is the union of the observations of
 * every source that supplies it. Ingesting a source therefore rewrites the
 * series that its old and new versions touch, gathering the other sources'
 * observations for those series from /sources. Sources that share no series
 * with the one being ingested are never read. */
#include "carecast/ingest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CC_CHECKPOINT_EVERY 64 /* series written between checkpoint calls */

const char *cc_ingest_action_name(cc_ingest_action action) {
  switch (action) {
  case CC_INGEST_NEW: return "new";
  case CC_INGEST_REPLACED: return "replaced";
  case CC_INGEST_UNCHANGED: return "unchanged";
  }
  return "unknown";
}

/* Observations of other sources, loaded at most once per ingest. */
typedef struct loaded_source {
  char id[CC_SOURCE_ID_MAX];
  cc_observation *obs;
  size_t n;
} loaded_source;

typedef struct ingest_state {
  cc_store *store;
  const cc_source *src;        /* the source being ingested */
  const char *manifest_path;   /* for messages about measures */
  cc_observation *old_obs;     /* the stored version's observations */
  size_t n_old;
  loaded_source **others;      /* other sources read so far (each allocated alone: pointers stay valid) */
  size_t n_others;
  size_t series_written, series_removed;
} ingest_state;

static void free_state(ingest_state *st) {
  free(st->old_obs);
  for (size_t i = 0; i < st->n_others; i++) {
    free(st->others[i]->obs);
    free(st->others[i]);
  }
  free(st->others);
}

static cc_status load_other(ingest_state *st, const char *id, loaded_source **out, cc_error *err) {
  for (size_t i = 0; i < st->n_others; i++)
    if (strcmp(st->others[i]->id, id) == 0) return *out = st->others[i], CC_OK;
  loaded_source **grown = realloc(st->others, (st->n_others + 1) * sizeof *grown);
  if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  st->others = grown;
  loaded_source *slot = calloc(1, sizeof *slot);
  if (!slot) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  snprintf(slot->id, sizeof slot->id, "%s", id);
  cc_status status = cc_store_source_observations(st->store, id, &slot->obs, &slot->n, err);
  if (status) {
    free(slot);
    return status;
  }
  st->others[st->n_others++] = slot;
  *out = slot;
  return CC_OK;
}

/* The run [*first, *last) of obs (sorted by key) belonging to the series of key. */
static void series_run(const cc_observation *obs, size_t n, const cc_observation *key, size_t *first, size_t *last) {
  size_t lo = 0, hi = n;
  while (lo < hi) { /* first observation not before key's series */
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(obs[mid].measure, key->measure);
    if (!c) c = strcmp(obs[mid].geography, key->geography);
    if (!c) c = strcmp(obs[mid].age_band, key->age_band);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  *first = lo;
  while (lo < n && cc_observation_same_series(&obs[lo], key)) lo++;
  *last = lo;
}

/* One contribution to a series: a slice of some source's observations. */
typedef struct contribution {
  const char *source_id;
  const cc_observation *obs;
  size_t n;
} contribution;

static int compare_text(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* Comma-joined sorted source ids of the contributions. */
static char *join_source_ids(const contribution *parts, size_t n_parts) {
  const char *ids[n_parts ? n_parts : 1];
  size_t len = 1;
  for (size_t i = 0; i < n_parts; i++) ids[i] = parts[i].source_id, len += strlen(parts[i].source_id) + 1;
  qsort(ids, n_parts, sizeof *ids, compare_text);
  char *out = malloc(len);
  if (!out) return NULL;
  out[0] = '\0';
  for (size_t i = 0; i < n_parts; i++) {
    if (i) strcat(out, ",");
    strcat(out, ids[i]);
  }
  return out;
}

/* Two sources give the same observation: name the line of the source being ingested and the other source. */
static cc_status overlap_error(const ingest_state *st, const char *series_id, const contribution *first,
                               const cc_observation *first_obs, const contribution *second,
                               const cc_observation *second_obs, cc_error *err) {
  const char *self = st->src->manifest->source_id;
  int first_is_self = strcmp(first->source_id, self) == 0;
  const cc_observation *mine = first_is_self ? first_obs : second_obs;
  const char *other = first_is_self ? second->source_id : first->source_id;
  char period[CC_PERIOD_TEXT_MAX];
  return cc_error_set(err, CC_EINPUT, st->src->path, mine->line, "period",
                      "series %s in %s is already supplied by source '%s'; one observation may come from one source only",
                      series_id, cc_period_format(mine->period, period, sizeof period), other);
}

/* Build the series from its contributions and write it (or delete it when empty). */
static cc_status write_series(ingest_state *st, const cc_observation *key, const cc_measure_def *def,
                              const contribution *parts, size_t n_parts, cc_error *err) {
  char id[CC_SERIES_ID_MAX];
  cc_series_make_id(key->measure, key->geography, key->age_band, id, sizeof id);
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (size_t p = 0; p < n_parts; p++)
    for (size_t i = 0; i < parts[p].n; i++) {
      if (parts[p].obs[i].period.index < lo) lo = parts[p].obs[i].period.index;
      if (parts[p].obs[i].period.index > hi) hi = parts[p].obs[i].period.index;
    }
  if (lo > hi) {
    st->series_removed++;
    cc_status status = cc_store_series_forget_original(st->store, id, err);
    return status ? status : cc_store_series_delete(st->store, id, err);
  }
  cc_series *s = cc_series_alloc((size_t)(hi - lo) + 1);
  if (!s) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  memcpy(s->id, id, sizeof s->id);
  memcpy(s->measure, key->measure, sizeof s->measure);
  memcpy(s->geography, key->geography, sizeof s->geography);
  memcpy(s->age_band, key->age_band, sizeof s->age_band);
  memcpy(s->unit, def->unit, sizeof s->unit);
  s->kind = def->kind;
  s->freq = def->freq;
  s->start = (cc_period){def->freq, lo};
  const contribution **supplier = calloc(s->n, sizeof *supplier);  /* which part filled each slot */
  const cc_observation **filled = calloc(s->n, sizeof *filled);    /* and with which observation */
  cc_status status = supplier && filled ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t p = 0; !status && p < n_parts; p++)
    for (size_t i = 0; !status && i < parts[p].n; i++) {
      const cc_observation *o = &parts[p].obs[i];
      size_t slot = (size_t)(o->period.index - lo);
      if (supplier[slot]) {
        status = overlap_error(st, id, supplier[slot], filled[slot], &parts[p], o, err);
        break;
      }
      supplier[slot] = &parts[p];
      filled[slot] = o;
      s->values[slot] = o->value;
      s->bounds[slot] = o->bound;
      s->flags[slot] = o->flags;
    }
  if (!status && !(s->source_ids = join_source_ids(parts, n_parts)))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = cc_store_series_forget_original(st->store, id, err); /* the sources' version is the original now */
  if (!status) status = cc_store_series_write(st->store, s, err);
  if (!status && ++st->series_written % CC_CHECKPOINT_EVERY == 0) cc_store_checkpoint(st->store, "series-written");
  free(supplier);
  free(filled);
  cc_series_free(s);
  return status;
}

/* The series of key: its definition, and the other sources that supply it. */
static cc_status rebuild_series(ingest_state *st, const cc_observation *key, const cc_observation *new_obs, size_t n_new,
                                cc_error *err) {
  const char *id_self = st->src->manifest->source_id;
  const cc_measure_def *def = cc_manifest_measure(st->src->manifest, key->measure);
  cc_measure_record stored = {0};
  int found = 0;
  cc_status status = CC_OK;
  if (!def) { /* the series is only in the old version: its definition is the store's */
    if ((status = cc_store_measure_get(st->store, key->measure, &stored, &found, err))) return status;
    if (!found) return cc_error_set(err, CC_EINPUT, cc_store_path(st->store), 0, "measure", "measure '%s' is not described in the store (corrupt store)", key->measure);
    def = &stored.def;
  }
  contribution parts[64];
  size_t n_parts = 0;
  if (n_new) parts[n_parts++] = (contribution){id_self, new_obs, n_new};

  char id[CC_SERIES_ID_MAX];
  cc_series_make_id(key->measure, key->geography, key->age_band, id, sizeof id);
  cc_series *existing = NULL;
  if (cc_store_series_exists(st->store, id) && (status = cc_store_series_read(st->store, id, &existing, err))) goto done;
  char *ids = existing && existing->source_ids ? existing->source_ids : NULL;
  for (char *save = NULL, *other = ids ? strtok_r(ids, ",", &save) : NULL; other; other = strtok_r(NULL, ",", &save)) {
    if (strcmp(other, id_self) == 0) continue;
    if (n_parts == sizeof parts / sizeof parts[0]) {
      status = cc_error_set(err, CC_EINPUT, cc_store_path(st->store), 0, "series", "series %s has too many sources", id);
      goto done;
    }
    loaded_source *loaded = NULL;
    if ((status = load_other(st, other, &loaded, err))) goto done;
    size_t first, last;
    series_run(loaded->obs, loaded->n, key, &first, &last);
    if (last > first) parts[n_parts++] = (contribution){loaded->id, loaded->obs + first, last - first};
  }
  status = write_series(st, key, def, parts, n_parts, err);
done:
  cc_series_free(existing);
  free(stored.source_ids);
  return status;
}

/* Rewrite every series the old or the new version touches (both lists are sorted by key). */
static cc_status rebuild_touched(ingest_state *st, cc_error *err) {
  const cc_observation *new_obs = st->src->obs, *old_obs = st->old_obs;
  size_t n_new = st->src->n_obs, n_old = st->n_old, i = 0, j = 0;
  while (i < n_new || j < n_old) {
    const cc_observation *key;
    if (i >= n_new) key = &old_obs[j];
    else if (j >= n_old) key = &new_obs[i];
    else {
      int c = strcmp(new_obs[i].measure, old_obs[j].measure);
      if (!c) c = strcmp(new_obs[i].geography, old_obs[j].geography);
      if (!c) c = strcmp(new_obs[i].age_band, old_obs[j].age_band);
      key = c <= 0 ? &new_obs[i] : &old_obs[j];
    }
    size_t i_end = i, j_end = j;
    while (i_end < n_new && cc_observation_same_series(&new_obs[i_end], key)) i_end++;
    while (j_end < n_old && cc_observation_same_series(&old_obs[j_end], key)) j_end++;
    cc_status status = rebuild_series(st, key, new_obs + i, i_end - i, err);
    if (status) return status;
    i = i_end;
    j = j_end;
  }
  return CC_OK;
}

/* Remove `id` from a comma-separated list in place. */
static void remove_id(char *list, const char *id) {
  size_t id_len = strlen(id);
  char *p = list;
  while (*p) {
    char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == id_len && strncmp(p, id, len) == 0) {
      if (end) memmove(p, end + 1, strlen(end + 1) + 1);
      else if (p > list) p[-1] = '\0';
      else *p = '\0';
      continue;
    }
    p += len + (end ? 1 : 0);
  }
}

/* Record the new version's measure declarations, refusing ones that disagree with another source's. */
static cc_status update_measures(ingest_state *st, const cc_manifest *old_manifest, cc_error *err) {
  const cc_manifest *m = st->src->manifest;
  cc_status status = CC_OK;
  for (size_t k = 0; !status && k < m->n_measures; k++) {
    const cc_measure_def *def = &m->measures[k];
    cc_measure_record rec;
    int found;
    if ((status = cc_store_measure_get(st->store, def->name, &rec, &found, err))) break;
    if (found) remove_id(rec.source_ids, m->source_id);
    if (found && rec.source_ids[0] &&
        (rec.def.freq != def->freq || rec.def.kind != def->kind || strcmp(rec.def.unit, def->unit) != 0)) {
      status = cc_error_set(err, CC_EINPUT, st->manifest_path, 0, def->name,
                            "declared as %s %s in %s here, but as %s %s in %s by source(s) %s",
                            cc_freq_name(def->freq), cc_kind_name(def->kind), def->unit, cc_freq_name(rec.def.freq),
                            cc_kind_name(rec.def.kind), rec.def.unit, rec.source_ids);
      free(rec.source_ids);
      break;
    }
    size_t len = (found ? strlen(rec.source_ids) : 0) + strlen(m->source_id) + 2;
    char *ids = malloc(len);
    if (!ids) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    else {
      snprintf(ids, len, "%s%s%s", found ? rec.source_ids : "", found && rec.source_ids[0] ? "," : "", m->source_id);
      cc_measure_record updated = {.def = *def, .source_ids = ids};
      status = cc_store_measure_put(st->store, &updated, err);
      free(ids);
    }
    if (found) free(rec.source_ids);
  }
  /* Measures the old version declared and the new one does not. */
  for (size_t k = 0; !status && old_manifest && k < old_manifest->n_measures; k++) {
    const char *name = old_manifest->measures[k].name;
    if (cc_manifest_measure(m, name)) continue;
    cc_measure_record rec;
    int found;
    if ((status = cc_store_measure_get(st->store, name, &rec, &found, err)) || !found) continue;
    remove_id(rec.source_ids, m->source_id);
    status = cc_store_measure_put(st->store, &rec, err);
    free(rec.source_ids);
  }
  return status;
}

static void now_record(const cc_source *src, const char *ingested_at, int64_t version, cc_source_record *rec) {
  memset(rec, 0, sizeof *rec);
  const cc_manifest *m = src->manifest;
  snprintf(rec->source_id, sizeof rec->source_id, "%s", m->source_id);
  snprintf(rec->file_name, sizeof rec->file_name, "%s", cc_file_basename(src->path));
  memcpy(rec->sha256, src->sha256, sizeof rec->sha256);
  cc_sha256_hex(m->text, strlen(m->text), rec->manifest_sha256);
  snprintf(rec->organisation, sizeof rec->organisation, "%s", cc_organisation_name(m->organisation));
  snprintf(rec->organisation_name, sizeof rec->organisation_name, "%s", m->organisation_name);
  memcpy(rec->refreshed, m->refreshed, sizeof rec->refreshed);
  snprintf(rec->ingested_at, sizeof rec->ingested_at, "%s", ingested_at);
  rec->version = version;
  rec->rows_read = (int64_t)src->rows_read;
  rec->rows_rejected = (int64_t)src->rows_rejected;
  rec->rows_duplicate = (int64_t)src->rows_duplicate;
  rec->observations = (int64_t)src->n_obs;
}

static cc_status ingest_one(cc_store *store, const cc_source *src, const char *ingested_at, cc_ingest_outcome *out,
                            cc_error *err) {
  const cc_manifest *m = src->manifest;
  memset(out, 0, sizeof *out);
  snprintf(out->source_id, sizeof out->source_id, "%s", m->source_id);
  cc_source_record current, next;
  int found;
  cc_status status = cc_store_source_record(store, m->source_id, &current, &found, err);
  if (status) return status;
  now_record(src, ingested_at, found ? current.version + 1 : 1, &next);
  if (found && strcmp(current.sha256, next.sha256) == 0 && strcmp(current.manifest_sha256, next.manifest_sha256) == 0) {
    out->action = CC_INGEST_UNCHANGED;
    out->version = current.version;
    out->observations = (size_t)current.observations;
    return CC_OK;
  }
  char manifest_path[CC_ERROR_FILE_MAX];
  if ((status = cc_source_manifest_path(src->path, manifest_path, sizeof manifest_path, err))) return status;
  ingest_state st = {.store = store, .src = src, .manifest_path = manifest_path};
  cc_manifest *old_manifest = NULL;
  if (found) {
    char *old_text = NULL;
    status = cc_store_source_observations(store, m->source_id, &st.old_obs, &st.n_old, err);
    if (!status) status = cc_store_source_manifest(store, m->source_id, &old_text, err);
    if (!status) status = cc_manifest_parse(old_text, strlen(old_text), cc_store_path(store), &old_manifest, err);
    free(old_text);
  }
  if (!status) status = update_measures(&st, old_manifest, err);
  if (!status) status = rebuild_touched(&st, err);
  if (!status) status = cc_store_source_put(store, src, &next, err);
  if (!status) cc_store_checkpoint(store, "source-written");
  out->action = found ? CC_INGEST_REPLACED : CC_INGEST_NEW;
  out->version = next.version;
  out->observations = src->n_obs;
  out->series_written = st.series_written;
  out->series_removed = st.series_removed;
  cc_manifest_free(old_manifest);
  free_state(&st);
  return status;
}

cc_status cc_ingest_sources(cc_store *store, cc_source *const *sources, size_t n, const char *ingested_at,
                            cc_ingest_outcome *outcomes, cc_error *err) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(sources[i]->manifest->source_id, sources[j]->manifest->source_id) == 0)
        return cc_error_set(err, CC_EINPUT, sources[i]->path, 0, "source_id",
                            "'%s' is also the source id of %s; each source needs its own id",
                            sources[i]->manifest->source_id, sources[j]->path);
  for (size_t i = 0; i < n; i++) {
    cc_status status = ingest_one(store, sources[i], ingested_at, &outcomes[i], err);
    if (status) return status;
  }
  return CC_OK;
}
