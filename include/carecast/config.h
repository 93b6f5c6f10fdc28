/* config.h: reading YAML files (manifests, model and scenario files).
 *
 * A loaded document is a tree of mappings, sequences and scalars. Nodes are
 * small handles into the document; every node knows its line, so that a
 * caller can say "FILE:LINE: field: reason" about any value it rejects.
 * Built on libyaml (Debian's libyaml-dev): a well-kept, strict YAML 1.1
 * parser whose document API keeps source positions. */
#ifndef CARECAST_CONFIG_H
#define CARECAST_CONFIG_H

#include <stddef.h>

#include "carecast/error.h"

typedef struct cc_config cc_config;

typedef enum cc_config_type {
  CC_CONFIG_NONE = 0, /* a node that does not exist */
  CC_CONFIG_SCALAR,
  CC_CONFIG_SEQUENCE,
  CC_CONFIG_MAPPING,
} cc_config_type;

typedef struct cc_config_node {
  const cc_config *doc; /* the document the node belongs to */
  int id;               /* libyaml node id; 0 when the node does not exist */
} cc_config_node;

/* Parse `len` bytes of YAML; `name` is used in error messages. On success
 * *out is a document the caller frees with cc_config_free. An empty
 * document is an error. */
CC_MUST_CHECK cc_status cc_config_parse(const char *text, size_t len, const char *name, cc_config **out, cc_error *err);

/* Read and parse the file at path. */
CC_MUST_CHECK cc_status cc_config_load(const char *path, cc_config **out, cc_error *err);

/* Free a document. No operation when doc is NULL. */
void cc_config_free(cc_config *doc);

/* The name given at parse time (the file path). */
const char *cc_config_name(const cc_config *doc);

cc_config_node cc_config_root(const cc_config *doc);
cc_config_type cc_config_node_type(cc_config_node node);
long cc_config_node_line(cc_config_node node); /* 1-based */

/* The scalar text of node, or NULL when node is not a scalar. Owned by the document. */
const char *cc_config_scalar(cc_config_node node);

/* Value for `key` in a mapping node; a node with id 0 when absent or node is not a mapping. */
cc_config_node cc_config_get(cc_config_node mapping, const char *key);

/* Number of entries of a mapping or items of a sequence (0 for other nodes). */
size_t cc_config_length(cc_config_node node);

/* Entry i of a mapping: its key text and value node. */
const char *cc_config_key_at(cc_config_node mapping, size_t i);
cc_config_node cc_config_value_at(cc_config_node mapping, size_t i);

/* Line of the key of entry i of a mapping (1-based), 0 when absent. */
long cc_config_key_line(cc_config_node mapping, size_t i);

/* Item i of a sequence. */
cc_config_node cc_config_item(cc_config_node sequence, size_t i);

/* ---- checking documents (for every reader of a YAML file) ----------------
 * Each returns CC_EINPUT with err naming the document, the line and the key. */

/* Reject keys of mapping not in allowed (NULL-terminated) and keys given
 * twice. where, when not NULL, names what holds the mapping in the message
 * ("unknown field in WHERE"). */
CC_MUST_CHECK cc_status cc_config_check_keys(cc_config_node mapping, const char *const *allowed, const char *where,
                                             cc_error *err);

/* The text of a required, non-empty scalar field (owned by the document).
 * where, when not NULL, is added to the message ("required field missing in WHERE"). */
CC_MUST_CHECK cc_status cc_config_require_text(cc_config_node mapping, const char *key, const char *where,
                                               const char **out, cc_error *err);

/* The text of an optional scalar field, or NULL when absent (owned by the document). */
CC_MUST_CHECK cc_status cc_config_optional_text(cc_config_node mapping, const char *key, const char **out,
                                                cc_error *err);

/* CC_EINPUT at node's document and line, under key, with a printf-style reason. */
cc_status cc_config_fail(cc_config_node node, const char *key, cc_error *err, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Point an error from a checker that knows no file (status != CC_OK) at node:
 * its document and line. Returns status. */
cc_status cc_config_error_at(cc_error *err, cc_status status, cc_config_node node);

#endif
