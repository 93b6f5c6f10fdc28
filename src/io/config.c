/* config.c: a thin layer over libyaml's document API (see config.h). */
#include "carecast/config.h"

#include "carecast/file.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define CC_CONFIG_MAX_BYTES (16u << 20) /* refuse configuration files over 16 MiB */

struct cc_config {
  yaml_document_t document;
  char *name;
};

static yaml_node_t *node_of(cc_config_node node) {
  if (!node.doc || node.id == 0) return NULL;
  return yaml_document_get_node((yaml_document_t *)&node.doc->document, node.id);
}

cc_status cc_config_parse(const char *text, size_t len, const char *name, cc_config **out, cc_error *err) {
  *out = NULL;
  cc_config *doc = calloc(1, sizeof *doc);
  if (!doc || !(doc->name = strdup(name))) {
    free(doc);
    return cc_error_set(err, CC_ENOMEM, name, 0, NULL, "out of memory");
  }
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    free(doc->name);
    free(doc);
    return cc_error_set(err, CC_ENOMEM, name, 0, NULL, "out of memory starting the YAML parser");
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc->document)) {
    /* libyaml places an error at the end of a file without a final newline on the line after it. */
    long lines = 1;
    for (size_t k = 0; k + 1 < len; k++) lines += text[k] == '\n';
    long line = (long)parser.problem_mark.line + 1;
    if (line > lines) line = lines;
    cc_status status = cc_error_set(err, CC_EINPUT, name, line, NULL,
                                    "not valid YAML: %s%s%s", parser.problem ? parser.problem : "parse error",
                                    parser.context ? " " : "", parser.context ? parser.context : "");
    yaml_parser_delete(&parser);
    free(doc->name);
    free(doc);
    return status;
  }
  yaml_parser_delete(&parser);
  if (!yaml_document_get_root_node(&doc->document)) {
    cc_config_free(doc);
    return cc_error_set(err, CC_EINPUT, name, 1, NULL, "the file is empty");
  }
  *out = doc;
  return CC_OK;
}

cc_status cc_config_load(const char *path, cc_config **out, cc_error *err) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  cc_status status = cc_file_read(path, CC_CONFIG_MAX_BYTES, &text, &len, err);
  if (status) return status;
  status = cc_config_parse(text, len, path, out, err);
  free(text);
  return status;
}

void cc_config_free(cc_config *doc) {
  if (!doc) return;
  yaml_document_delete(&doc->document);
  free(doc->name);
  free(doc);
}

const char *cc_config_name(const cc_config *doc) { return doc->name; }

cc_config_node cc_config_root(const cc_config *doc) { return (cc_config_node){doc, 1}; }

cc_config_type cc_config_node_type(cc_config_node node) {
  yaml_node_t *n = node_of(node);
  if (!n) return CC_CONFIG_NONE;
  switch (n->type) {
  case YAML_SCALAR_NODE: return CC_CONFIG_SCALAR;
  case YAML_SEQUENCE_NODE: return CC_CONFIG_SEQUENCE;
  case YAML_MAPPING_NODE: return CC_CONFIG_MAPPING;
  default: return CC_CONFIG_NONE;
  }
}

long cc_config_node_line(cc_config_node node) {
  yaml_node_t *n = node_of(node);
  return n ? (long)n->start_mark.line + 1 : 0;
}

const char *cc_config_scalar(cc_config_node node) {
  yaml_node_t *n = node_of(node);
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

size_t cc_config_length(cc_config_node node) {
  yaml_node_t *n = node_of(node);
  if (!n) return 0;
  if (n->type == YAML_MAPPING_NODE) return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  if (n->type == YAML_SEQUENCE_NODE) return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  return 0;
}

const char *cc_config_key_at(cc_config_node mapping, size_t i) {
  yaml_node_t *n = node_of(mapping);
  if (!n || n->type != YAML_MAPPING_NODE || i >= cc_config_length(mapping)) return NULL;
  return cc_config_scalar((cc_config_node){mapping.doc, n->data.mapping.pairs.start[i].key});
}

cc_config_node cc_config_value_at(cc_config_node mapping, size_t i) {
  yaml_node_t *n = node_of(mapping);
  if (!n || n->type != YAML_MAPPING_NODE || i >= cc_config_length(mapping)) return (cc_config_node){mapping.doc, 0};
  return (cc_config_node){mapping.doc, n->data.mapping.pairs.start[i].value};
}

long cc_config_key_line(cc_config_node mapping, size_t i) {
  yaml_node_t *n = node_of(mapping);
  if (!n || n->type != YAML_MAPPING_NODE || i >= cc_config_length(mapping)) return 0;
  return cc_config_node_line((cc_config_node){mapping.doc, n->data.mapping.pairs.start[i].key});
}

cc_config_node cc_config_get(cc_config_node mapping, const char *key) {
  size_t count = cc_config_length(mapping);
  if (cc_config_node_type(mapping) != CC_CONFIG_MAPPING) return (cc_config_node){mapping.doc, 0};
  for (size_t i = 0; i < count; i++) {
    const char *k = cc_config_key_at(mapping, i);
    if (k && strcmp(k, key) == 0) return cc_config_value_at(mapping, i);
  }
  return (cc_config_node){mapping.doc, 0};
}

cc_config_node cc_config_item(cc_config_node sequence, size_t i) {
  yaml_node_t *n = node_of(sequence);
  if (!n || n->type != YAML_SEQUENCE_NODE || i >= cc_config_length(sequence)) return (cc_config_node){sequence.doc, 0};
  return (cc_config_node){sequence.doc, n->data.sequence.items.start[i]};
}

/* ---- checking documents --------------------------------------------------- */

cc_status cc_config_check_keys(cc_config_node mapping, const char *const *allowed, const char *where, cc_error *err) {
  const char *name = cc_config_name(mapping.doc);
  size_t count = cc_config_length(mapping);
  for (size_t i = 0; i < count; i++) {
    const char *key = cc_config_key_at(mapping, i);
    long line = cc_config_node_line(cc_config_value_at(mapping, i));
    if (!key) return cc_error_set(err, CC_EINPUT, name, line, where, "a key must be plain text");
    int known = 0;
    for (const char *const *a = allowed; *a; a++) known |= strcmp(*a, key) == 0;
    if (!known) return cc_error_set(err, CC_EINPUT, name, line, key, "unknown field%s%s", where ? " in " : "", where ? where : "");
    for (size_t j = 0; j < i; j++)
      if (strcmp(cc_config_key_at(mapping, j), key) == 0) return cc_error_set(err, CC_EINPUT, name, line, key, "given twice");
  }
  return CC_OK;
}

cc_status cc_config_require_text(cc_config_node mapping, const char *key, const char *where, const char **out,
                                 cc_error *err) {
  const char *name = cc_config_name(mapping.doc);
  cc_config_node node = cc_config_get(mapping, key);
  if (node.id == 0)
    return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(mapping), key, "required field missing%s%s",
                        where ? " in " : "", where ? where : "");
  const char *text = cc_config_scalar(node);
  if (!text) return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(node), key, "must be a single value");
  const char *p = text;
  while (isspace((unsigned char)*p)) p++;
  if (!*p) return cc_error_set(err, CC_EINPUT, name, cc_config_node_line(node), key, "must not be empty");
  *out = text;
  return CC_OK;
}

cc_status cc_config_optional_text(cc_config_node mapping, const char *key, const char **out, cc_error *err) {
  cc_config_node node = cc_config_get(mapping, key);
  *out = NULL;
  if (node.id == 0) return CC_OK;
  const char *text = cc_config_scalar(node);
  if (!text)
    return cc_error_set(err, CC_EINPUT, cc_config_name(mapping.doc), cc_config_node_line(node), key, "must be a single value");
  *out = text;
  return CC_OK;
}

cc_status cc_config_error_at(cc_error *err, cc_status status, cc_config_node node) {
  if (status && err) {
    snprintf(err->file, sizeof err->file, "%s", cc_config_name(node.doc));
    err->line = cc_config_node_line(node);
  }
  return status;
}

cc_status cc_config_fail(cc_config_node node, const char *key, cc_error *err, const char *format, ...) {
  char reason[CC_ERROR_MESSAGE_MAX];
  va_list args;
  va_start(args, format);
  vsnprintf(reason, sizeof reason, format, args);
  va_end(args);
  return cc_error_set(err, CC_EINPUT, cc_config_name(node.doc), cc_config_node_line(node), key, "%s", reason);
}
