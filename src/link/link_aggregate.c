/* link_aggregate.c: from links to a monthly series of counts (see
 * cc_records_aggregate in recordlink.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/date.h"
#include "carecast/recordlink.h"

/* One (geography, age band) of B. */
typedef struct group {
  const char *geography;
  const char *age_band;
} group;

static int compare_group(const void *x, const void *y) {
  const group *a = x, *b = y;
  int c = strcmp(a->geography, b->geography);
  return c ? c : strcmp(a->age_band, b->age_band);
}

static int32_t month_index(int32_t day) {
  int year, month, mday;
  cc_date_to_civil((long)day, &year, &month, &mday);
  return year * 12 + month - 1; /* as cc_period's month index */
}

/* The distinct groups of b's records, sorted; *index_of[j] is record j's group. */
static cc_status collect_groups(const cc_extract *b, group **groups, size_t *n_groups, size_t **index_of,
                                cc_error *err) {
  group *all = malloc(b->n * sizeof *all);
  size_t *index = malloc(b->n * sizeof *index);
  if (!all || !index) {
    free(all);
    free(index);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t j = 0; j < b->n; j++) all[j] = (group){b->records[j].geography, b->records[j].age_band};
  qsort(all, b->n, sizeof *all, compare_group);
  size_t kept = 0;
  for (size_t j = 0; j < b->n; j++)
    if (kept == 0 || compare_group(&all[kept - 1], &all[j]) != 0) all[kept++] = all[j];
  for (size_t j = 0; j < b->n; j++) {
    group key = {b->records[j].geography, b->records[j].age_band};
    index[j] = (size_t)((group *)bsearch(&key, all, kept, sizeof *all, compare_group) - all);
  }
  *groups = all;
  *n_groups = kept;
  *index_of = index;
  return CC_OK;
}

cc_status cc_records_aggregate(const cc_extract *a, const cc_extract *b, const cc_records_result *result, int within_days,
                            const char *measure, cc_observation **obs, size_t *n_obs, cc_error *err) {
  *obs = NULL;
  *n_obs = 0;
  if (within_days < 0) return cc_error_set(err, CC_EUSAGE, NULL, 0, "within", "%d days is negative", within_days);
  cc_error checked;
  if (cc_check_measure_name(measure, &checked)) return cc_error_set(err, CC_EUSAGE, NULL, 0, "measure", "%s", checked.message);
  if (b->n == 0) return cc_error_set(err, CC_EINPUT, b->path, 0, NULL, "%s", "no records to count");
  int32_t first = month_index(b->records[0].event_day), last = first;
  for (size_t j = 1; j < b->n; j++) {
    int32_t m = month_index(b->records[j].event_day);
    if (m < first) first = m;
    if (m > last) last = m;
  }
  size_t n_months = (size_t)(last - first + 1);
  group *groups = NULL;
  size_t n_groups = 0, *group_of = NULL;
  cc_status status = collect_groups(b, &groups, &n_groups, &group_of, err);
  if (status) return status;
  double *counts = calloc(n_groups * n_months, sizeof *counts);
  cc_observation *out = calloc(n_groups * n_months, sizeof *out);
  if (!counts || !out) {
    free(counts);
    free(out);
    free(groups);
    free(group_of);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t i = 0; i < result->n_links; i++) {
    const cc_person_record *ra = &a->records[result->links[i].a], *rb = &b->records[result->links[i].b];
    int32_t gap = rb->event_day - ra->event_day;
    if (gap < 0 || gap > within_days) continue;
    counts[group_of[result->links[i].b] * n_months + (size_t)(month_index(rb->event_day) - first)] += 1;
  }
  for (size_t g = 0; g < n_groups; g++)
    for (size_t m = 0; m < n_months; m++) {
      cc_observation *o = &out[g * n_months + m];
      snprintf(o->measure, sizeof o->measure, "%s", measure);
      snprintf(o->geography, sizeof o->geography, "%s", groups[g].geography);
      snprintf(o->age_band, sizeof o->age_band, "%s", groups[g].age_band);
      o->period = (cc_period){CC_FREQ_MONTH, first + (int32_t)m};
      o->value = counts[g * n_months + m];
      o->bound = NAN;
      o->flags = CC_OBS_OBSERVED;
      o->line = 0;
    }
  free(counts);
  free(groups);
  free(group_of);
  *obs = out;
  *n_obs = n_groups * n_months;
  return CC_OK;
}

/* Append text to buf as a YAML single-quoted scalar ('' for a quote). */
static void yaml_quoted(char *buf, size_t len, const char *text) {
  size_t k = strlen(buf);
  if (k + 1 < len) buf[k++] = '\'';
  for (const char *p = text; *p && k + 2 < len; p++) {
    if (*p == '\'') buf[k++] = '\'';
    if (*p == '\n' || *p == '\r') continue;
    buf[k++] = *p;
  }
  if (k + 1 < len) buf[k++] = '\'';
  buf[k] = '\0';
}

#define MANIFEST_MAX 4096     /* bytes of the generated manifest */
#define DESCRIPTION_MAX 1536 /* bytes of its description (two file names, three SHA-256, figures) */
#define MEASURE_TEXT_MAX 512  /* bytes of the measure's description */

cc_status cc_records_source_make(const cc_records_provenance *prov, cc_observation *obs, size_t n_obs, cc_source **out,
                              cc_error *err) {
  *out = NULL;
  char description[DESCRIPTION_MAX], measure_description[MEASURE_TEXT_MAX], manifest[MANIFEST_MAX];
  snprintf(description, sizeof description,
           "Made by carecast link-records: %s (SHA-256 %s, %zu records) linked to %s (SHA-256 %s, %zu records) "
           "by Fellegi-Sunter weights estimated by EM on pseudonymised identifiers; %zu links at weight >= %.3f "
           "(estimated false-match rate %.4f, target %.4f). Linked pairs: %s (SHA-256 %s).",
           cc_file_basename(prov->a->path), prov->a->sha256, prov->a->n, cc_file_basename(prov->b->path),
           prov->b->sha256, prov->b->n, prov->result->n_links, prov->result->threshold, prov->result->estimated_fmr,
           prov->target_fmr, cc_file_basename(prov->linked_path), prov->linked_sha256);
  snprintf(measure_description, sizeof measure_description,
           "Records of %s linked to a record of %s dated 0 to %d days before, per month of the %s record, by its "
           "geography and age band",
           cc_file_basename(prov->b->path), cc_file_basename(prov->a->path), prov->within_days,
           cc_file_basename(prov->b->path));
  snprintf(manifest, sizeof manifest,
           "source_id: %s\norganisation: council\norganisation_name: carecast link-records\n"
           "data_sharing_agreement: ",
           prov->source_id);
  yaml_quoted(manifest, sizeof manifest, prov->data_sharing_agreement);
  strncat(manifest, "\nlicence: 'internal: derived from pseudonymised person-level extracts'\nrefreshed: ",
          sizeof manifest - strlen(manifest) - 1);
  strncat(manifest, prov->refreshed, sizeof manifest - strlen(manifest) - 1);
  strncat(manifest, "\ndescription: ", sizeof manifest - strlen(manifest) - 1);
  yaml_quoted(manifest, sizeof manifest, description);
  size_t used = strlen(manifest);
  snprintf(manifest + used, sizeof manifest - used, "\nmeasures:\n  %s:\n    frequency: month\n    kind: flow\n"
           "    unit: people\n    description: ", prov->measure);
  yaml_quoted(manifest, sizeof manifest, measure_description);
  strncat(manifest, "\n", sizeof manifest - strlen(manifest) - 1);

  cc_source *src = calloc(1, sizeof *src);
  cc_status status = CC_OK;
  if (!src || !(src->path = strdup(prov->linked_path))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = cc_manifest_parse(manifest, strlen(manifest), prov->linked_path, &src->manifest, err);
  if (status) {
    cc_source_free(src);
    free(obs);
    return status;
  }
  snprintf(src->sha256, sizeof src->sha256, "%s", prov->linked_sha256);
  src->rows_read = prov->result->n_links;
  src->obs = obs;
  src->n_obs = n_obs;
  *out = src;
  return CC_OK;
}
