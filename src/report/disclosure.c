/* disclosure.c: disclosure rules files and single published counts
 * (disclosure.h). Tables with totals are disclosure_table.c. */
#include "carecast/disclosure.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/config.h"
#include "carecast/file.h"

#define RULES_FILE_MAX_BYTES ((size_t)1 << 20)
#define SUPPRESS_LIMIT 1000000L /* no rule suppresses counts past a million: a typo, not a rule */
#define ROUND_LIMIT 1000L       /* rounding to a multiple above 1000 is no rule of any publisher */
#define INTERNAL_DIGITS 10      /* significant digits of unprotected output */

static const char *const top_keys[] = {"rules", "measures", "default", "tables", NULL};
static const char *const rule_keys[] = {"description", "suppress", "symbol", "round_to", "secondary", NULL};
static const char *const table_keys[] = {"total", "parts", NULL};

static const cc_disclosure_rule internal_rule = {
    .name = CC_DISCLOSURE_INTERNAL,
    .description = "internal use only: no disclosure control",
    .suppress_from = 1,
    .suppress_to = 0,
    .symbol = "",
    .round_to = 0, /* 0: not rounded, shown to INTERNAL_DIGITS significant digits */
    .secondary = 0,
};

const cc_disclosure_rule *cc_disclosure_rule_internal(void) { return &internal_rule; }

void cc_disclosure_rules_free(cc_disclosure_rules *rules) { free(rules); }

/* ---- reading a rules file ----------------------------------------------- */

/* A whole number in [lo, hi] from a scalar node. */
static cc_status read_whole(cc_config_node node, const char *key, long lo, long hi, long *out, cc_error *err) {
  const char *text = cc_config_scalar(node);
  char *end = NULL;
  long value = text && *text ? strtol(text, &end, 10) : 0;
  if (!text || !*text || *end) return cc_config_fail(node, key, err, "must be a whole number");
  if (value < lo || value > hi) return cc_config_fail(node, key, err, "%ld is outside %ld..%ld", value, lo, hi);
  *out = value;
  return CC_OK;
}

static int is_name(const char *text) {
  if (!text || !*text || strlen(text) >= CC_DISCLOSURE_NAME_MAX) return 0;
  for (const char *p = text; *p; p++)
    if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) return 0;
  return 1;
}

/* suppress: [FROM, TO], the range of whole counts suppressed. */
static cc_status read_suppress(cc_config_node rule_node, cc_disclosure_rule *rule, cc_error *err) {
  cc_config_node node = cc_config_get(rule_node, "suppress");
  rule->suppress_from = 1, rule->suppress_to = 0; /* nothing suppressed when absent */
  if (node.id == 0) return CC_OK;
  if (cc_config_node_type(node) != CC_CONFIG_SEQUENCE || cc_config_length(node) != 2)
    return cc_config_fail(node, "suppress", err, "must be [FROM, TO], the smallest and largest counts suppressed");
  cc_status st = read_whole(cc_config_item(node, 0), "suppress", 0, SUPPRESS_LIMIT, &rule->suppress_from, err);
  if (!st) st = read_whole(cc_config_item(node, 1), "suppress", 0, SUPPRESS_LIMIT, &rule->suppress_to, err);
  if (!st && rule->suppress_to < rule->suppress_from)
    st = cc_config_fail(node, "suppress", err, "[%ld, %ld]: the largest count suppressed is below the smallest",
                        rule->suppress_from, rule->suppress_to);
  return st;
}

/* symbol: required when the rule suppresses anything. */
static cc_status read_symbol(cc_config_node rule_node, cc_disclosure_rule *rule, cc_error *err) {
  const char *text = NULL;
  int suppresses = rule->suppress_to >= rule->suppress_from;
  cc_status st = suppresses ? cc_config_require_text(rule_node, "symbol", rule->name, &text, err)
                            : cc_config_optional_text(rule_node, "symbol", &text, err);
  if (st || !text) return st;
  cc_config_node node = cc_config_get(rule_node, "symbol");
  if (strlen(text) >= CC_DISCLOSURE_SYMBOL_MAX)
    return cc_config_fail(node, "symbol", err, "'%s' is longer than %d characters", text, CC_DISCLOSURE_SYMBOL_MAX - 1);
  for (const char *p = text; *p; p++)
    if (isdigit((unsigned char)*p) || *p == ',' || *p == '"' || isspace((unsigned char)*p))
      return cc_config_fail(node, "symbol", err, "'%s' must not contain digits, commas, quotes or spaces "
                                                 "(it must never read as a count)", text);
  snprintf(rule->symbol, sizeof rule->symbol, "%s", text);
  return CC_OK;
}

static cc_status read_rule(const char *name, cc_config_node node, cc_disclosure_rule *rule, cc_error *err) {
  memset(rule, 0, sizeof *rule);
  if (!is_name(name))
    return cc_config_fail(node, "rules", err, "'%s' is not a rule name (lower case letters, digits and _)", name ? name : "");
  if (strcmp(name, CC_DISCLOSURE_INTERNAL) == 0)
    return cc_config_fail(node, "rules", err, "'%s' is reserved for --internal output", name);
  if (cc_config_node_type(node) != CC_CONFIG_MAPPING)
    return cc_config_fail(node, name, err, "rule %s must be a mapping (suppress, symbol, round_to, secondary)", name);
  snprintf(rule->name, sizeof rule->name, "%s", name);
  cc_status st = cc_config_check_keys(node, rule_keys, name, err);
  const char *text = NULL;
  if (!st) st = cc_config_optional_text(node, "description", &text, err);
  if (!st && text) snprintf(rule->description, sizeof rule->description, "%s", text);
  if (!st) st = read_suppress(node, rule, err);
  if (!st) st = read_symbol(node, rule, err);
  rule->round_to = 1;
  cc_config_node round = cc_config_get(node, "round_to");
  if (!st && round.id) st = read_whole(round, "round_to", 1, ROUND_LIMIT, &rule->round_to, err);
  if (!st) st = cc_config_optional_text(node, "secondary", &text, err);
  if (!st && text) {
    if (strcmp(text, "true") == 0) rule->secondary = 1;
    else if (strcmp(text, "false") == 0) rule->secondary = 0;
    else st = cc_config_fail(cc_config_get(node, "secondary"), "secondary", err, "must be true or false, not '%s'", text);
  }
  return st;
}

static long rule_index(const cc_disclosure_rules *rules, const char *name) {
  for (size_t i = 0; i < rules->n_rules; i++)
    if (strcmp(rules->rules[i].name, name) == 0) return (long)i;
  return -1;
}

/* A rule name used by `key` at node: its index, or an error naming the rules there are. */
static cc_status rule_reference(const cc_disclosure_rules *rules, cc_config_node node, const char *key, size_t *out,
                                cc_error *err) {
  const char *name = cc_config_scalar(node);
  long index = name ? rule_index(rules, name) : -1;
  if (index < 0) {
    char known[CC_DISCLOSURE_RULES_MAX * CC_DISCLOSURE_NAME_MAX] = "";
    for (size_t i = 0; i < rules->n_rules; i++) {
      if (i) strcat(known, ", ");
      strcat(known, rules->rules[i].name);
    }
    return cc_config_fail(node, key, err, "'%s' is not a rule of this file (rules: %s)", name ? name : "", known);
  }
  *out = (size_t)index;
  return CC_OK;
}

static cc_status read_rules(cc_config_node root, cc_disclosure_rules *rules, cc_error *err) {
  cc_config_node node = cc_config_get(root, "rules");
  if (node.id == 0) return cc_config_fail(root, "rules", err, "required field missing");
  if (cc_config_node_type(node) != CC_CONFIG_MAPPING || cc_config_length(node) == 0)
    return cc_config_fail(node, "rules", err, "must map each rule's name to its settings");
  if (cc_config_length(node) > CC_DISCLOSURE_RULES_MAX)
    return cc_config_fail(node, "rules", err, "more than %d rules", CC_DISCLOSURE_RULES_MAX);
  for (size_t i = 0; i < cc_config_length(node); i++) {
    const char *name = cc_config_key_at(node, i);
    cc_config_node value = cc_config_value_at(node, i);
    if (name && rule_index(rules, name) >= 0) return cc_config_fail(value, "rules", err, "rule '%s' is defined twice", name);
    cc_status st = read_rule(name, value, &rules->rules[rules->n_rules], err);
    if (st) return st;
    rules->n_rules++;
  }
  return CC_OK;
}

/* measures: {PREFIX: RULE, ...} */
static cc_status read_prefixes(cc_config_node root, cc_disclosure_rules *rules, cc_error *err) {
  cc_config_node node = cc_config_get(root, "measures");
  if (node.id == 0) return CC_OK;
  if (cc_config_node_type(node) != CC_CONFIG_MAPPING)
    return cc_config_fail(node, "measures", err, "must map measure-name prefixes to rule names");
  if (cc_config_length(node) > CC_DISCLOSURE_PREFIXES_MAX)
    return cc_config_fail(node, "measures", err, "more than %d prefixes", CC_DISCLOSURE_PREFIXES_MAX);
  for (size_t i = 0; i < cc_config_length(node); i++) {
    const char *prefix = cc_config_key_at(node, i);
    cc_config_node value = cc_config_value_at(node, i);
    if (!prefix || !*prefix || strlen(prefix) >= sizeof rules->prefixes[0])
      return cc_config_fail(value, "measures", err, "'%s' is not a measure-name prefix", prefix ? prefix : "");
    for (size_t j = 0; j < rules->n_prefixes; j++)
      if (strcmp(rules->prefixes[j], prefix) == 0)
        return cc_config_fail(value, "measures", err, "prefix '%s' is given twice", prefix);
    cc_status st = rule_reference(rules, value, prefix, &rules->prefix_rule[rules->n_prefixes], err);
    if (st) return st;
    snprintf(rules->prefixes[rules->n_prefixes++], sizeof rules->prefixes[0], "%s", prefix);
  }
  return CC_OK;
}

/* A measure name of a table at node into out. */
static cc_status read_measure_name(cc_config_node node, const char *key, char *out, size_t len, cc_error *err) {
  const char *text = cc_config_scalar(node);
  cc_error inner;
  if (!text || strlen(text) >= len || cc_check_measure_name(text, &inner) != CC_OK)
    return cc_config_fail(node, key, err, "'%s' is not a measure name", text ? text : "");
  snprintf(out, len, "%s", text);
  return CC_OK;
}

/* tables: [{total: M, parts: [M, M, ...]}, ...] */
static cc_status read_tables(cc_config_node root, cc_disclosure_rules *rules, cc_error *err) {
  cc_config_node node = cc_config_get(root, "tables");
  if (node.id == 0) return CC_OK;
  if (cc_config_node_type(node) != CC_CONFIG_SEQUENCE)
    return cc_config_fail(node, "tables", err, "must be a list of {total: MEASURE, parts: [MEASURE, ...]}");
  if (cc_config_length(node) > CC_DISCLOSURE_TABLES_MAX)
    return cc_config_fail(node, "tables", err, "more than %d tables", CC_DISCLOSURE_TABLES_MAX);
  for (size_t i = 0; i < cc_config_length(node); i++) {
    cc_config_node item = cc_config_item(node, i);
    cc_disclosure_sum *sum = &rules->sums[rules->n_sums];
    memset(sum, 0, sizeof *sum);
    if (cc_config_node_type(item) != CC_CONFIG_MAPPING)
      return cc_config_fail(item, "tables", err, "each table must be {total: MEASURE, parts: [MEASURE, ...]}");
    cc_status st = cc_config_check_keys(item, table_keys, "a table", err);
    const char *total = NULL;
    if (!st) st = cc_config_require_text(item, "total", "a table", &total, err);
    if (!st) st = read_measure_name(cc_config_get(item, "total"), "total", sum->total, sizeof sum->total, err);
    cc_config_node parts = cc_config_get(item, "parts");
    if (!st && parts.id == 0) st = cc_config_fail(item, "parts", err, "required field missing in a table");
    if (!st && (cc_config_node_type(parts) != CC_CONFIG_SEQUENCE || cc_config_length(parts) < 2 ||
                cc_config_length(parts) > CC_DISCLOSURE_PARTS_MAX))
      st = cc_config_fail(parts, "parts", err, "must list 2 to %d measures", CC_DISCLOSURE_PARTS_MAX);
    for (size_t j = 0; !st && j < cc_config_length(parts); j++) {
      st = read_measure_name(cc_config_item(parts, j), "parts", sum->parts[j], sizeof sum->parts[j], err);
      if (!st && strcmp(sum->parts[j], sum->total) == 0)
        st = cc_config_fail(cc_config_item(parts, j), "parts", err, "'%s' is the total itself", sum->total);
      for (size_t k = 0; !st && k < j; k++)
        if (strcmp(sum->parts[k], sum->parts[j]) == 0)
          st = cc_config_fail(cc_config_item(parts, j), "parts", err, "'%s' is listed twice", sum->parts[j]);
      sum->n_parts = j + 1;
    }
    if (st) return st;
    rules->n_sums++;
  }
  return CC_OK;
}

cc_status cc_disclosure_rules_parse(const char *text, size_t len, const char *name, cc_disclosure_rules **out,
                                    cc_error *err) {
  *out = NULL;
  cc_config *doc = NULL;
  cc_status st = cc_config_parse(text, len, name, &doc, err);
  if (st) return st;
  cc_disclosure_rules *rules = calloc(1, sizeof *rules);
  if (!rules) st = cc_error_set(err, CC_ENOMEM, name, 0, NULL, "out of memory");
  cc_config_node root = cc_config_root(doc);
  if (!st && cc_config_node_type(root) != CC_CONFIG_MAPPING)
    st = cc_config_fail(root, NULL, err, "a rules file is a mapping with rules, measures, default and tables");
  if (!st) st = cc_config_check_keys(root, top_keys, NULL, err);
  if (!st) snprintf(rules->path, sizeof rules->path, "%s", name);
  if (!st) st = read_rules(root, rules, err);
  if (!st) st = read_prefixes(root, rules, err);
  cc_config_node def = cc_config_get(root, "default");
  if (!st && def.id == 0) st = cc_config_fail(root, "default", err, "required field missing (the rule of any other measure)");
  if (!st) st = rule_reference(rules, def, "default", &rules->default_rule, err);
  if (!st) st = read_tables(root, rules, err);
  cc_config_free(doc);
  if (st) {
    free(rules);
    return st;
  }
  *out = rules;
  return CC_OK;
}

cc_status cc_disclosure_rules_load(const char *path, cc_disclosure_rules **out, cc_error *err) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  cc_status st = cc_file_read(path, RULES_FILE_MAX_BYTES, &text, &len, err);
  if (st) return st;
  st = cc_disclosure_rules_parse(text, len, path, out, err);
  free(text);
  return st;
}

const cc_disclosure_rule *cc_disclosure_rule_named(const cc_disclosure_rules *rules, const char *name) {
  long index = rule_index(rules, name);
  return index < 0 ? NULL : &rules->rules[index];
}

const cc_disclosure_rule *cc_disclosure_rule_for(const cc_disclosure_rules *rules, const char *measure) {
  size_t best = rules->default_rule, best_len = 0;
  for (size_t i = 0; i < rules->n_prefixes; i++) {
    size_t n = strlen(rules->prefixes[i]);
    if (n > best_len && strncmp(measure, rules->prefixes[i], n) == 0) best = rules->prefix_rule[i], best_len = n;
  }
  return &rules->rules[best];
}

char *cc_disclosure_describe(const cc_disclosure_rule *rule, char *buf, size_t len) {
  if (rule->round_to == 0) {
    snprintf(buf, len, "INTERNAL USE ONLY: no disclosure control; not for publication");
    return buf;
  }
  char hidden[96] = "", rounded[64] = "";
  int suppresses = rule->suppress_to >= rule->suppress_from;
  if (suppresses && rule->suppress_from == rule->suppress_to)
    snprintf(hidden, sizeof hidden, "counts of %ld are shown as %s", rule->suppress_from, rule->symbol);
  else if (suppresses)
    snprintf(hidden, sizeof hidden, "counts of %ld to %ld are shown as %s", rule->suppress_from, rule->suppress_to,
             rule->symbol);
  if (rule->round_to > 1)
    snprintf(rounded, sizeof rounded, "%s counts are rounded to the nearest %ld", suppresses ? "other" : "all",
             rule->round_to);
  snprintf(buf, len, "%s%s%s%s (%s)", hidden, *hidden && *rounded ? "; " : "", rounded,
           suppresses && rule->secondary ? ", and further cells are hidden where a total would reveal them" : "",
           rule->name);
  if (!*hidden && !*rounded) snprintf(buf, len, "counts are shown as they are (%s)", rule->name);
  return buf;
}

/* ---- single counts -------------------------------------------------------- */

/* A count as a whole number: halves away from zero (round()). */
static double whole(double value) { return round(value); }

int cc_disclosure_is_small(const cc_disclosure_rule *rule, double value) {
  if (isnan(value)) return 0;
  double w = whole(value);
  return w >= (double)rule->suppress_from && w <= (double)rule->suppress_to;
}

cc_disclosure_outcome cc_disclosure_cell(const cc_disclosure_rule *rule, double value, char *out, size_t len) {
  if (isnan(value)) {
    snprintf(out, len, "%s", "");
    return CC_SDC_MISSING;
  }
  if (rule->round_to == 0) { /* internal: as it is */
    snprintf(out, len, "%.*g", INTERNAL_DIGITS, value);
    return CC_SDC_SHOWN;
  }
  if (cc_disclosure_is_small(rule, value)) {
    snprintf(out, len, "%s", rule->symbol);
    return CC_SDC_PRIMARY;
  }
  double base = (double)rule->round_to;
  double shown = round(whole(value) / base) * base; /* the nearest multiple; whole counts never tie when base is odd */
  snprintf(out, len, "%.0f", shown == 0 ? 0.0 : shown); /* never "-0" */
  return CC_SDC_SHOWN;
}

cc_disclosure_outcome cc_disclosure_apply_cell(const cc_disclosure_rules *rules, const char *measure, double value,
                                               char *out, size_t len) {
  return cc_disclosure_cell(cc_disclosure_rule_for(rules, measure), value, out, len);
}
