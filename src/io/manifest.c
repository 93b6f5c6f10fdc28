/* manifest.c: reading and validating source manifests (see manifest.h).
 *
 * Validation is strict because a manifest is the provenance a business case
 * will be audited against: every required field must be present and
 * non-empty, unknown fields are rejected (a misspelt "licnce" would
 * otherwise vanish silently), and each measure must say its frequency,
 * kind and unit. */
#include "carecast/manifest.h"

#include "carecast/date.h"
#include "carecast/file.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const organisation_names[CC_ORG_COUNT] = {
    "council", "nhs_trust", "icb", "ccg", "police", "fire_rescue", "ons", "government"};

static const char *const top_fields[] = {
    "source_id", "organisation", "organisation_name", "data_sharing_agreement", "licence", "refreshed",
    "publisher_url", "attribution", "description", "title", "release", "original_file", "original_sha256",
    "geographies", "suppression_max", "measures", NULL};

static const char *const measure_fields[] = {"frequency", "kind", "unit", "description", NULL};

#define CC_MANIFEST_MAX_BYTES (1u << 20) /* a manifest is small; refuse anything over 1 MiB */

const char *cc_organisation_name(cc_organisation org) {
  return (unsigned)org < CC_ORG_COUNT ? organisation_names[org] : "unknown";
}

void cc_manifest_free(cc_manifest *m) {
  if (!m) return;
  free(m->organisation_name);
  free(m->data_sharing_agreement);
  free(m->licence);
  free(m->publisher_url);
  free(m->attribution);
  free(m->description);
  free(m->title);
  free(m->release);
  free(m->original_file);
  for (size_t i = 0; i < m->n_areas; i++) free(m->areas[i].name);
  free(m->areas);
  for (size_t i = 0; i < m->n_measures; i++) free(m->measures[i].description);
  free(m->measures);
  free(m->text);
  free(m);
}

const cc_measure_def *cc_manifest_measure(const cc_manifest *m, const char *name) {
  for (size_t i = 0; i < m->n_measures; i++)
    if (strcmp(m->measures[i].name, name) == 0) return &m->measures[i];
  return NULL;
}

/* strdup of an optional scalar field into *out (NULL when absent). */
static cc_status optional_text(cc_config_node mapping, const char *key, char **out, cc_error *err) {
  const char *text;
  cc_status status = cc_config_optional_text(mapping, key, &text, err);
  *out = NULL;
  if (status || !text) return status;
  if (!(*out = strdup(text))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  return CC_OK;
}

static cc_status dup_text(const char *text, char **out, cc_error *err) {
  if (!(*out = strdup(text))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  return CC_OK;
}

static cc_status parse_measure(cc_config_node entry, const char *measure_name, long key_line, cc_measure_def *def,
                               cc_error *err) {
  const char *name = cc_config_name(entry.doc);
  cc_status status = cc_check_measure_name(measure_name, err);
  if (status) {
    if (err) snprintf(err->file, sizeof err->file, "%s", name), err->line = key_line;
    return status;
  }
  if (cc_config_node_type(entry) != CC_CONFIG_MAPPING)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(entry), measure_name,
                        "must be a mapping with frequency, kind and unit");
  if ((status = cc_config_check_keys(entry, measure_fields, measure_name, err))) return status;
  snprintf(def->name, sizeof def->name, "%s", measure_name);
  char where[CC_MEASURE_MAX + 16];
  snprintf(where, sizeof where, "measure %s", measure_name);
  const char *text;
  if ((status = cc_config_require_text(entry, "frequency", where, &text, err))) return status;
  if ((status = cc_config_error_at(err, cc_freq_parse(text, &def->freq, err), cc_config_get(entry, "frequency")))) return status;
  if ((status = cc_config_require_text(entry, "kind", where, &text, err))) return status;
  if ((status = cc_config_error_at(err, cc_kind_parse(text, &def->kind, err), cc_config_get(entry, "kind")))) return status;
  if ((status = cc_config_require_text(entry, "unit", where, &text, err))) return status;
  if (strlen(text) >= sizeof def->unit)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(cc_config_get(entry, "unit")), "unit",
                        "longer than %zu characters", sizeof def->unit - 1);
  snprintf(def->unit, sizeof def->unit, "%s", text);
  return optional_text(entry, "description", &def->description, err);
}

static cc_status parse_measures(cc_config_node root, cc_manifest *m, cc_error *err) {
  const char *name = cc_config_name(root.doc);
  cc_config_node measures = cc_config_get(root, "measures");
  if (measures.id == 0) return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(root), "measures", "required field missing");
  size_t count = cc_config_length(measures);
  if (cc_config_node_type(measures) != CC_CONFIG_MAPPING || count == 0)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(measures), "measures",
                        "must map each measure name to its frequency, kind and unit");
  if (!(m->measures = calloc(count, sizeof *m->measures))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < count; i++) {
    const char *measure_name = cc_config_key_at(measures, i);
    cc_config_node entry = cc_config_value_at(measures, i);
    if (!measure_name) return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(entry), "measures", "a measure name must be plain text");
    for (size_t j = 0; j < i; j++)
      if (strcmp(m->measures[j].name, measure_name) == 0)
        return cc_error_set(err, CC_EINPUT, name, cc_config_key_line(measures, i), measure_name, "declared twice");
    m->n_measures = i + 1;
    cc_status status = parse_measure(entry, measure_name, cc_config_key_line(measures, i), &m->measures[i], err);
    if (status) return status;
  }
  return CC_OK;
}

static cc_status parse_suppression_max(cc_config_node root, cc_manifest *m, cc_error *err) {
  m->suppression_max = CC_SUPPRESSION_MAX_DEFAULT;
  cc_config_node node = cc_config_get(root, "suppression_max");
  if (node.id == 0) return CC_OK;
  const char *text = cc_config_scalar(node);
  char *end = NULL;
  int plain = text && text[0] && strspn(text, "0123456789.") == strlen(text);
  double value = plain ? strtod(text, &end) : NAN;
  if (!plain || end == text || *end || !isfinite(value) || value < 0)
    return cc_error_set(err, CC_EINPUT, cc_config_name(root.doc), cc_config_node_line(node), "suppression_max",
                        "must be a non-negative number");
  m->suppression_max = value;
  return CC_OK;
}

static cc_status parse_original_sha256(cc_config_node root, cc_manifest *m, cc_error *err) {
  cc_config_node node = cc_config_get(root, "original_sha256");
  if (node.id == 0) return CC_OK;
  const char *text = cc_config_scalar(node);
  if (!text || strlen(text) != CC_SHA256_HEX_LEN || strspn(text, "0123456789abcdef") != CC_SHA256_HEX_LEN)
    return cc_error_set(err, CC_EINPUT, cc_config_name(root.doc), cc_config_node_line(node), "original_sha256",
                        "must be %d lower-case hex digits", CC_SHA256_HEX_LEN);
  memcpy(m->original_sha256, text, CC_SHA256_HEX_LEN + 1);
  return CC_OK;
}

/* geographies: a mapping of geography code (as in the CSV) to the publisher's name. */
static cc_status parse_geographies(cc_config_node root, cc_manifest *m, cc_error *err) {
  const char *name = cc_config_name(root.doc);
  cc_config_node node = cc_config_get(root, "geographies");
  if (node.id == 0) return CC_OK;
  size_t count = cc_config_length(node);
  if (cc_config_node_type(node) != CC_CONFIG_MAPPING || count == 0)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(node), "geographies",
                        "must map each geography code to its name");
  if (!(m->areas = calloc(count, sizeof *m->areas))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < count; i++) {
    const char *code = cc_config_key_at(node, i);
    const char *area = cc_config_scalar(cc_config_value_at(node, i));
    long line = cc_config_key_line(node, i);
    if (!code || cc_check_geography(code, NULL))
      return cc_error_set(err, CC_EINPUT, name, line, "geographies", "'%s' is not a geography code", code ? code : "");
    if (!area || !*area) return cc_error_set(err, CC_EINPUT, name, line, code, "the name must be a single, non-empty value");
    for (size_t j = 0; j < i; j++)
      if (strcmp(m->areas[j].code, code) == 0) return cc_error_set(err, CC_EINPUT, name, line, code, "given twice");
    snprintf(m->areas[i].code, sizeof m->areas[i].code, "%s", code);
    m->n_areas = i + 1;
    if (!(m->areas[i].name = strdup(area))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  return CC_OK;
}

static cc_status parse_fields(cc_config_node root, cc_manifest *m, cc_error *err) {
  const char *name = cc_config_name(root.doc);
  const char *text;
  cc_status status;
  if (cc_config_node_type(root) != CC_CONFIG_MAPPING)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(root), NULL, "a manifest must be a mapping of fields");
  if ((status = cc_config_check_keys(root, top_fields, NULL, err))) return status;

  if ((status = cc_config_require_text(root, "source_id", NULL, &text, err))) return status;
  if ((status = cc_config_error_at(err, cc_check_source_id(text, err), cc_config_get(root, "source_id")))) return status;
  snprintf(m->source_id, sizeof m->source_id, "%s", text);

  if ((status = cc_config_require_text(root, "organisation", NULL, &text, err))) return status;
  m->organisation = CC_ORG_COUNT;
  for (int o = 0; o < CC_ORG_COUNT; o++)
    if (strcmp(text, organisation_names[o]) == 0) m->organisation = (cc_organisation)o;
  if (m->organisation == CC_ORG_COUNT)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(cc_config_get(root, "organisation")), "organisation",
                        "'%s' is not an organisation type (expected council, nhs_trust, icb, ccg, police, fire_rescue, ons or government)", text);

  if ((status = cc_config_require_text(root, "organisation_name", NULL, &text, err)) || (status = dup_text(text, &m->organisation_name, err)))
    return status;
  if ((status = cc_config_require_text(root, "data_sharing_agreement", NULL, &text, err)) ||
      (status = dup_text(text, &m->data_sharing_agreement, err)))
    return status;
  if ((status = cc_config_require_text(root, "licence", NULL, &text, err)) || (status = dup_text(text, &m->licence, err))) return status;
  if ((status = cc_config_require_text(root, "refreshed", NULL, &text, err))) return status;
  long refreshed_day;
  if (strlen(text) != CC_ISO_DATE_LEN || text[4] != '-' || cc_date_parse(text, &refreshed_day, NULL) != CC_OK)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(cc_config_get(root, "refreshed")), "refreshed",
                        "'%s' is not a calendar date written YYYY-MM-DD", text);
  snprintf(m->refreshed, sizeof m->refreshed, "%s", text);
  if ((status = optional_text(root, "publisher_url", &m->publisher_url, err)) ||
      (status = optional_text(root, "attribution", &m->attribution, err)) ||
      (status = optional_text(root, "description", &m->description, err)) ||
      (status = optional_text(root, "title", &m->title, err)) ||
      (status = optional_text(root, "release", &m->release, err)) ||
      (status = optional_text(root, "original_file", &m->original_file, err)) ||
      (status = parse_original_sha256(root, m, err)) || (status = parse_geographies(root, m, err)))
    return status;
  if ((status = parse_suppression_max(root, m, err))) return status;
  return parse_measures(root, m, err);
}

cc_status cc_manifest_parse(const char *text, size_t len, const char *name, cc_manifest **out, cc_error *err) {
  *out = NULL;
  cc_config *doc = NULL;
  cc_status status = cc_config_parse(text, len, name, &doc, err);
  if (status) return status;
  cc_manifest *m = calloc(1, sizeof *m);
  if (!m || !(m->text = malloc(len + 1))) {
    free(m);
    cc_config_free(doc);
    return cc_error_set(err, CC_ENOMEM, name, 0, NULL, "out of memory");
  }
  memcpy(m->text, text, len);
  m->text[len] = '\0';
  status = parse_fields(cc_config_root(doc), m, err);
  cc_config_free(doc);
  if (status) {
    cc_manifest_free(m);
    return status;
  }
  *out = m;
  return CC_OK;
}

cc_status cc_manifest_load(const char *path, cc_manifest **out, cc_error *err) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  cc_status status = cc_file_read(path, CC_MANIFEST_MAX_BYTES, &text, &len, err);
  if (status) return status;
  status = cc_manifest_parse(text, len, path, out, err);
  free(text);
  return status;
}
