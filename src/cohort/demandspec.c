/* demandspec.c: loading and checking demand model files (demandspec.h). */
#include "carecast/demandspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/cohort.h"
#include "carecast/config.h"
#include "carecast/file.h"
#include "carecast/select.h"
#include "carecast/ssda903.h"

#define DEFAULT_BOOTSTRAP 200              /* replicates, as multistate.h's default */
#define MODEL_FILE_MAX_BYTES ((size_t)1 << 20)
#define SAMPLE_GEOGRAPHY "E00000000"       /* stands in for {geography} when a template is checked */
#define SAMPLE_BAND "all"                  /* stands in for {band} */

static const char *const stockflow_keys[] = {"type", "name", "description", "geographies", "states", "moves",
                                             "entry_model", "bootstrap", "from", "shrink", "episodes", NULL};
static const char *const shrink_keys[] = {"neighbours", "lookup", "rates", "states", NULL};
static const char *const episodes_keys[] = {"file", "header", "councils", "to", "states", NULL};
static const char *const cohort_keys[] = {"type", "name", "description", "geographies", "bands", "demand",
                                          "population", "projection", "variants", "rate_model", "population_bands", NULL};
static const char *const state_keys[] = {"stock", "entries", "starts", "ends", "indicator", "indicator_lag", "indicator_future", NULL};

void cc_demand_spec_free(cc_demand_spec *s) {
  if (!s) return;
  free(s->path);
  free(s->text);
  free(s->geographies);
  free(s->states);
  free(s->allowed);
  free(s->bands);
  free(s->population_bands);
  free(s->band_ranges);
  free(s->population_ranges);
  free(s->episodes.councils);
  free(s);
}

/* Read an optional (required when `required`) template under key of mapping. */
static cc_status read_template(cc_config_node mapping, const char *key, const char *label, int required, int band_ok,
                               cc_demand_template *t, cc_error *err) {
  const char *text;
  cc_status st = required ? cc_config_require_text(mapping, key, NULL, &text, err)
                          : cc_config_optional_text(mapping, key, &text, err);
  memset(t, 0, sizeof *t);
  if (st || !text) return st;
  cc_config_node node = cc_config_get(mapping, key);
  snprintf(t->key, sizeof t->key, "%s", label);
  t->line = cc_config_node_line(node);
  if (strlen(text) >= sizeof t->text) return cc_config_fail(node, label, err, "'%s' is too long for a series id", text);
  if (!band_ok && strstr(text, "{band}")) return cc_config_fail(node, label, err, "'%s': {band} has no meaning in this model", text);
  for (const char *brace = strchr(text, '{'); brace; brace = strchr(brace + 1, '{'))
    if (strncmp(brace, "{geography}", 11) != 0 && strncmp(brace, "{band}", 6) != 0)
      return cc_config_fail(node, label, err, "'%s': only {geography} and {band} may be filled in", text);
  char id[CC_SERIES_ID_MAX], measure[CC_MEASURE_MAX], geography[CC_GEOGRAPHY_MAX], band[CC_AGE_BAND_MAX];
  cc_error inner;
  if (!cc_series_template_fill(text, SAMPLE_GEOGRAPHY, SAMPLE_BAND, id, sizeof id) ||
      cc_series_split_id(id, measure, geography, band, &inner) != CC_OK)
    return cc_config_fail(node, label, err, "'%s' is not a series id (measure/geography/age_band)", text);
  snprintf(t->text, sizeof t->text, "%s", text);
  return CC_OK;
}

/* A sequence of distinct scalars no longer than width - 1 into *out (n items). */
static cc_status read_names(cc_config_node root, const char *key, size_t max, size_t width, char **out, size_t *n,
                            cc_error *err) {
  cc_config_node list = cc_config_get(root, key);
  if (list.id == 0) return cc_config_fail(root, key, err, "required field missing");
  if (cc_config_node_type(list) != CC_CONFIG_SEQUENCE || cc_config_length(list) == 0)
    return cc_config_fail(list, key, err, "must be a list of at least one name");
  size_t count = cc_config_length(list);
  if (count > max) return cc_config_fail(list, key, err, "too many entries (at most %zu)", max);
  char *names = calloc(count, width);
  if (!names) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < count; i++) {
    cc_config_node item = cc_config_item(list, i);
    const char *text = cc_config_scalar(item);
    cc_status st = CC_OK;
    if (!text || !*text) st = cc_config_fail(item, key, err, "each entry must be a single name");
    else if (strlen(text) >= width) st = cc_config_fail(item, key, err, "'%s' is too long", text);
    for (size_t j = 0; j < i && st == CC_OK; j++)
      if (strcmp(names + j * width, text) == 0) st = cc_config_fail(item, key, err, "'%s' is listed twice", text);
    if (st) {
      free(names);
      return st;
    }
    snprintf(names + i * width, width, "%s", text);
  }
  *out = names;
  *n = count;
  return CC_OK;
}

static cc_status read_request(cc_config_node root, const char *key, int constant_ok, char *out, cc_error *err) {
  const char *text;
  cc_status st = cc_config_optional_text(root, key, &text, err);
  if (st) return st;
  snprintf(out, CC_DEMAND_REQUEST_MAX, "%s", text ? text : "auto");
  if (constant_ok && strcmp(out, "constant") == 0) return CC_OK;
  cc_model_request request;
  cc_error inner;
  if (cc_model_request_parse(out, &request, &inner) != CC_OK) {
    cc_config_node node = cc_config_get(root, key);
    return cc_config_fail(node, key, err, "%s", inner.message);
  }
  return CC_OK;
}

static int state_index(const cc_demand_spec *s, const char *name) {
  for (size_t i = 0; i < s->n_states; i++)
    if (strcmp(s->states[i].name, name) == 0) return (int)i;
  return -1;
}

/* A state's leading indicator of its entries: indicator (a template) and indicator_lag (months). */
static cc_status read_state_indicator(cc_config_node entry, const char *name, cc_demand_state *state, cc_error *err) {
  char label[CC_ERROR_FIELD_MAX], lag_label[CC_ERROR_FIELD_MAX], future_label[CC_ERROR_FIELD_MAX];
  snprintf(label, sizeof label, "states.%.24s.indicator", name);
  snprintf(lag_label, sizeof lag_label, "states.%.24s.indicator_lag", name);
  snprintf(future_label, sizeof future_label, "states.%.24s.indicator_future", name);
  cc_status st = read_template(entry, "indicator", label, 0, 0, &state->indicator, err);
  if (!st) st = read_template(entry, "indicator_future", future_label, 0, 0, &state->indicator_future, err);
  if (!st && state->indicator_future.text[0] && !state->indicator.text[0])
    return cc_config_fail(cc_config_get(entry, "indicator_future"), future_label, err, "a future needs an indicator");
  const char *text;
  if (!st) st = cc_config_optional_text(entry, "indicator_lag", &text, err);
  if (st) return st;
  if (state->indicator.text[0] && !state->entries.text[0])
    return cc_config_fail(cc_config_get(entry, "indicator"), label, err, "state %s has no entries for its indicator to lead", name);
  if (!text) return CC_OK;
  cc_config_node node = cc_config_get(entry, "indicator_lag");
  if (!state->indicator.text[0]) return cc_config_fail(node, lag_label, err, "a lag needs an indicator");
  char *end;
  long lag = strtol(text, &end, 10);
  if (*end || end == text || lag < 0 || lag > CC_DEMAND_MAX_LAG)
    return cc_config_fail(node, lag_label, err, "'%s' is not a whole number of months from 0 to %d", text, CC_DEMAND_MAX_LAG);
  state->indicator_lag = (int)lag;
  return CC_OK;
}

static cc_status read_states(cc_config_node root, cc_demand_spec *s, cc_error *err) {
  cc_config_node states = cc_config_get(root, "states");
  if (states.id == 0) return cc_config_fail(root, "states", err, "required field missing");
  if (cc_config_node_type(states) != CC_CONFIG_MAPPING || cc_config_length(states) == 0)
    return cc_config_fail(states, "states", err, "must map each state's name to its series");
  size_t k = cc_config_length(states);
  if (k > CC_MULTISTATE_MAX_STATES) return cc_config_fail(states, "states", err, "more than %d states", CC_MULTISTATE_MAX_STATES);
  s->states = calloc(k, sizeof *s->states);
  s->allowed = calloc(k * (k + 1), 1);
  if (!s->states || !s->allowed) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < k; i++) {
    const char *name = cc_config_key_at(states, i);
    cc_config_node entry = cc_config_value_at(states, i);
    cc_demand_state *state = &s->states[i];
    if (!name || cc_check_measure_name(name, NULL) != CC_OK || strlen(name) >= sizeof state->name)
      return cc_config_fail(entry, "states", err, "'%s' is not a state name (lower case letters, digits and _)", name ? name : "");
    if (state_index(s, name) >= 0) return cc_config_fail(entry, "states", err, "state '%s' is named twice", name);
    if (cc_config_node_type(entry) != CC_CONFIG_MAPPING)
      return cc_config_fail(entry, name, err, "state %s must be a mapping with its stock (and entries, starts, ends)", name);
    cc_status st = cc_config_check_keys(entry, state_keys, name, err);
    char label[4][CC_ERROR_FIELD_MAX];
    for (int f = 0; f < 4; f++) snprintf(label[f], sizeof label[f], "states.%.24s.%s", name, state_keys[f]);
    if (!st) st = read_template(entry, "stock", label[0], 1, 0, &state->stock, err);
    if (!st) st = read_template(entry, "entries", label[1], 0, 0, &state->entries, err);
    if (!st) st = read_template(entry, "starts", label[2], 0, 0, &state->starts, err);
    if (!st) st = read_template(entry, "ends", label[3], 0, 0, &state->ends, err);
    if (!st) st = read_state_indicator(entry, name, state, err);
    if (st) return st;
    snprintf(state->name, sizeof state->name, "%s", name);
    s->n_states = i + 1;
    s->allowed[i * (k + 1) + i] = 1; /* staying */
    s->allowed[i * (k + 1) + k] = 1; /* ending */
  }
  cc_config_node moves = cc_config_get(root, "moves");
  if (moves.id == 0) return CC_OK;
  if (cc_config_node_type(moves) != CC_CONFIG_SEQUENCE) return cc_config_fail(moves, "moves", err, "must be a list of [from, to] pairs");
  for (size_t m = 0; m < cc_config_length(moves); m++) {
    cc_config_node pair = cc_config_item(moves, m);
    if (cc_config_node_type(pair) != CC_CONFIG_SEQUENCE || cc_config_length(pair) != 2)
      return cc_config_fail(pair, "moves", err, "each move must be a pair [from, to]");
    const char *from = cc_config_scalar(cc_config_item(pair, 0)), *to = cc_config_scalar(cc_config_item(pair, 1));
    int i = from ? state_index(s, from) : -1, j = to ? state_index(s, to) : -1;
    if (i < 0) return cc_config_fail(pair, "moves", err, "'%s' is not one of the states", from ? from : "");
    if (j < 0) return cc_config_fail(pair, "moves", err, "'%s' is not one of the states (staying and ending are always allowed)", to ? to : "");
    if (i == j) return cc_config_fail(pair, "moves", err, "'%s' to itself: staying is always allowed", from);
    s->allowed[(size_t)i * (k + 1) + (size_t)j] = 1;
  }
  return CC_OK;
}

/* A file named under key of mapping `parent`, resolved against the model file's folder into out. */
static cc_status read_path(cc_config_node mapping, const char *parent, const char *key, const char *model_path, char *out,
                           cc_error *err) {
  const char *text;
  char label[CC_ERROR_FIELD_MAX];
  snprintf(label, sizeof label, "%s.%s", parent, key);
  cc_status st = cc_config_require_text(mapping, key, parent, &text, err);
  if (st) return st;
  const char *slash = strrchr(model_path, '/');
  int folder = text[0] != '/' && slash ? (int)(slash - model_path) + 1 : 0;
  if ((size_t)snprintf(out, CC_DEMAND_PATH_MAX, "%.*s%s", folder, model_path, text) >= CC_DEMAND_PATH_MAX)
    return cc_config_fail(cc_config_get(mapping, key), label, err, "'%s' is too long a path", text);
  return CC_OK;
}

/* shrink: {neighbours, lookup, rates, states: {model state: rate state}} */
static cc_status read_shrink(cc_config_node root, cc_demand_spec *s, cc_error *err) {
  cc_config_node shrink = cc_config_get(root, "shrink");
  if (shrink.id == 0) return CC_OK;
  if (cc_config_node_type(shrink) != CC_CONFIG_MAPPING)
    return cc_config_fail(shrink, "shrink", err, "must be a mapping: neighbours, lookup, rates, states");
  cc_status st = cc_config_check_keys(shrink, shrink_keys, "shrink", err);
  if (!st) st = read_path(shrink, "shrink", "neighbours", s->path, s->shrink.neighbours, err);
  if (!st) st = read_path(shrink, "shrink", "lookup", s->path, s->shrink.lookup, err);
  if (!st) st = read_path(shrink, "shrink", "rates", s->path, s->shrink.rates, err);
  if (st) return st;
  cc_config_node states = cc_config_get(shrink, "states");
  if (states.id == 0) return cc_config_fail(shrink, "shrink.states", err, "required field missing");
  if (cc_config_node_type(states) != CC_CONFIG_MAPPING || cc_config_length(states) == 0)
    return cc_config_fail(states, "shrink.states", err, "must map model states to their states in the rates file");
  for (size_t i = 0; i < cc_config_length(states); i++) {
    const char *name = cc_config_key_at(states, i), *rate = cc_config_scalar(cc_config_value_at(states, i));
    int at = name ? state_index(s, name) : -1;
    if (at < 0) return cc_config_fail(cc_config_value_at(states, i), "shrink.states", err, "'%s' is not one of the states", name ? name : "");
    if (!rate || !*rate || strlen(rate) >= CC_STATE_NAME_MAX)
      return cc_config_fail(cc_config_value_at(states, i), "shrink.states", err, "%s: give its state in the rates file", name);
    snprintf(s->states[at].shrink_rate, CC_STATE_NAME_MAX, "%s", rate);
  }
  s->shrink.line = cc_config_node_line(shrink);
  s->has_shrink = 1;
  return CC_OK;
}

/* episodes.councils: every geography's value of the LA column. */
static cc_status read_councils(cc_config_node episodes, cc_demand_spec *s, cc_error *err) {
  cc_config_node councils = cc_config_get(episodes, "councils");
  if (councils.id == 0) return cc_config_fail(episodes, "episodes.councils", err, "required field missing");
  if (cc_config_node_type(councils) != CC_CONFIG_MAPPING)
    return cc_config_fail(councils, "episodes.councils", err, "must map each geography to its council's value of the LA column");
  s->episodes.councils_line = cc_config_node_line(councils);
  if (!(s->episodes.councils = calloc(s->n_geographies, sizeof *s->episodes.councils)))
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < cc_config_length(councils); i++) {
    const char *geography = cc_config_key_at(councils, i), *la = cc_config_scalar(cc_config_value_at(councils, i));
    size_t g = 0;
    while (geography && g < s->n_geographies && strcmp(s->geographies[g], geography) != 0) g++;
    if (!geography || g == s->n_geographies)
      return cc_config_fail(cc_config_value_at(councils, i), "episodes.councils", err, "'%s' is not one of the geographies",
                            geography ? geography : "");
    if (!la || !*la || strlen(la) >= CC_GEOGRAPHY_MAX)
      return cc_config_fail(cc_config_value_at(councils, i), "episodes.councils", err, "%s: give its value of the LA column", geography);
    snprintf(s->episodes.councils[g], CC_GEOGRAPHY_MAX, "%s", la);
  }
  for (size_t g = 0; g < s->n_geographies; g++)
    if (!s->episodes.councils[g][0])
      return cc_config_fail(councils, "episodes.councils", err, "geography %s has no council: give its value of the LA column",
                            s->geographies[g]);
  return CC_OK;
}

/* episodes.states: every model state gathers SSDA903 states, each SSDA903 state in exactly one. */
static cc_status read_episode_states(cc_config_node episodes, cc_demand_spec *s, cc_error *err) {
  static const char *const key = "episodes.states";
  cc_config_node states = cc_config_get(episodes, "states");
  if (states.id == 0) return cc_config_fail(episodes, key, err, "required field missing");
  if (cc_config_node_type(states) != CC_CONFIG_MAPPING)
    return cc_config_fail(states, key, err, "must map each model state to the SSDA903 states it gathers");
  unsigned seen = 0;
  for (size_t i = 0; i < cc_config_length(states); i++) {
    const char *name = cc_config_key_at(states, i);
    cc_config_node list = cc_config_value_at(states, i);
    int at = name ? state_index(s, name) : -1;
    if (at < 0) return cc_config_fail(list, key, err, "'%s' is not one of the states", name ? name : "");
    if (cc_config_node_type(list) != CC_CONFIG_SEQUENCE || cc_config_length(list) == 0)
      return cc_config_fail(list, key, err, "%s: list the SSDA903 states it gathers, e.g. [foster] or [16-18 other]", name);
    cc_demand_state *state = &s->states[at];
    state->ssda903_line = cc_config_node_line(list);
    for (size_t j = 0; j < cc_config_length(list); j++) {
      const char *text = cc_config_scalar(cc_config_item(list, j));
      unsigned mask = text ? cc_ssda903_match(text) : 0;
      if (!mask)
        return cc_config_fail(cc_config_item(list, j), key, err,
                              "%s: '%s' is not an SSDA903 state (a placement foster, residential or other, an age bracket "
                              "0-1, 1-5, 5-10, 10-16 or 16-18, or both)", name, text ? text : "");
      if (mask & seen) {
        char first[CC_STATE_NAME_MAX];
        size_t s903 = 0;
        while (!((mask & seen) >> s903 & 1u)) s903++;
        cc_ssda903_state_name(s903, first, sizeof first);
        return cc_config_fail(cc_config_item(list, j), key, err, "%s: SSDA903 state '%s' is gathered twice", name, first);
      }
      seen |= mask;
      state->ssda903_states |= mask;
    }
  }
  for (size_t i = 0; i < s->n_states; i++)
    if (!s->states[i].ssda903_states)
      return cc_config_fail(states, key, err, "state %s is not mapped to any SSDA903 state", s->states[i].name);
  for (size_t s903 = 0; s903 < CC_SSDA903_STATES; s903++)
    if (!(seen >> s903 & 1u)) {
      char name[CC_STATE_NAME_MAX];
      cc_ssda903_state_name(s903, name, sizeof name);
      return cc_config_fail(states, key, err, "SSDA903 state '%s' is not mapped to any model state", name);
    }
  return CC_OK;
}

/* episodes: {file, header, councils, to, states}: the model counted from SSDA903 episodes. */
static cc_status read_episodes(cc_config_node root, cc_demand_spec *s, cc_error *err) {
  cc_config_node episodes = cc_config_get(root, "episodes");
  if (episodes.id == 0) return CC_OK;
  if (cc_config_node_type(episodes) != CC_CONFIG_MAPPING)
    return cc_config_fail(episodes, "episodes", err, "must be a mapping: file, header, councils, states");
  cc_status st = cc_config_check_keys(episodes, episodes_keys, "episodes", err);
  if (!st) st = read_path(episodes, "episodes", "file", s->path, s->episodes.file, err);
  if (!st) st = read_path(episodes, "episodes", "header", s->path, s->episodes.header, err);
  if (!st) st = read_councils(episodes, s, err);
  if (!st) st = read_episode_states(episodes, s, err);
  const char *text;
  if (!st) st = cc_config_optional_text(episodes, "to", &text, err);
  if (st) return st;
  if (text) {
    cc_error inner;
    if (cc_period_parse(text, &s->episodes.to, &inner) != CC_OK || s->episodes.to.freq != CC_FREQ_MONTH)
      return cc_config_fail(cc_config_get(episodes, "to"), "episodes.to", err, "'%s' is not a month (YYYY-MM)", text);
    s->episodes.has_to = 1;
  }
  for (size_t i = 0; i < s->n_states; i++) /* the episodes give every flow: aggregates would go unused */
    for (const cc_demand_template *t = &s->states[i].starts; t <= &s->states[i].ends; t++)
      if (t->text[0])
        return cc_error_set(err, CC_EINPUT, s->path, t->line, t->key, "a model counted from episodes takes no %s series",
                            t == &s->states[i].starts ? "starts" : "ends");
  s->episodes.file_line = cc_config_node_line(cc_config_get(episodes, "file"));
  s->episodes.header_line = cc_config_node_line(cc_config_get(episodes, "header"));
  s->episodes.line = cc_config_node_line(episodes);
  s->has_episodes = 1;
  return CC_OK;
}

static cc_status read_stockflow(cc_config_node root, cc_demand_spec *s, cc_error *err) {
  cc_status st = cc_config_check_keys(root, stockflow_keys, NULL, err);
  if (!st) st = read_states(root, s, err);
  if (!st) st = read_shrink(root, s, err);
  if (!st) st = read_episodes(root, s, err);
  if (!st) st = read_request(root, "entry_model", 0, s->entry_model, err);
  if (st) return st;
  s->bootstrap = DEFAULT_BOOTSTRAP;
  const char *text;
  if ((st = cc_config_optional_text(root, "bootstrap", &text, err))) return st;
  if (text) {
    char *end;
    long value = strtol(text, &end, 10);
    if (*end || value < 0 || value > CC_DEMAND_BOOTSTRAP_MAX)
      return cc_config_fail(cc_config_get(root, "bootstrap"), "bootstrap", err, "'%s' is not a whole number from 0 to %d", text, CC_DEMAND_BOOTSTRAP_MAX);
    s->bootstrap = (size_t)value;
  }
  if ((st = cc_config_optional_text(root, "from", &text, err))) return st;
  if (text) {
    cc_error inner;
    if (cc_period_parse(text, &s->from, &inner) != CC_OK || s->from.freq != CC_FREQ_MONTH)
      return cc_config_fail(cc_config_get(root, "from"), "from", err, "'%s' is not a month (YYYY-MM)", text);
    s->has_from = 1;
  }
  return CC_OK;
}

/* population_bands (optional): the bands the population series are read at,
 * each demand band's population built from them (demandspec.h). Checked
 * here: every band an age band, no two population bands sharing an age, and
 * every demand band buildable from them (no age uncovered, no open band cut). */
static cc_status read_population_bands(cc_config_node root, cc_demand_spec *s, cc_error *err) {
  cc_config_node list = cc_config_get(root, "population_bands");
  if (list.id == 0) return CC_OK;
  cc_status st = read_names(root, "population_bands", CC_DEMAND_MAX_POPULATION_BANDS, CC_AGE_BAND_MAX,
                            (char **)&s->population_bands, &s->n_population_bands, err);
  if (st) return st;
  s->population_bands_line = cc_config_node_line(list);
  s->band_ranges = calloc(s->n_bands, sizeof *s->band_ranges);
  s->population_ranges = calloc(s->n_population_bands, sizeof *s->population_ranges);
  if (!s->band_ranges || !s->population_ranges) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  char a[CC_AGE_BAND_MAX], b[CC_AGE_BAND_MAX];
  cc_error inner;
  for (size_t j = 0; j < s->n_population_bands; j++) {
    cc_config_node item = cc_config_item(list, j);
    if (cc_age_parse(s->population_bands[j], &s->population_ranges[j], &inner) != CC_OK)
      return cc_config_fail(item, "population_bands", err, "'%s' is not an age band (all, N-M or N+)", s->population_bands[j]);
    for (size_t i = 0; i < j; i++)
      if (cc_age_overlap(s->population_ranges[i], s->population_ranges[j]))
        return cc_config_fail(item, "population_bands", err,
                              "%s and %s share ages: population bands must not overlap, or people are counted twice",
                              cc_age_format(s->population_ranges[i], a, sizeof a),
                              cc_age_format(s->population_ranges[j], b, sizeof b));
  }
  cc_config_node bands = cc_config_get(root, "bands");
  for (size_t d = 0; d < s->n_bands; d++)
    if (cc_age_parse(s->bands[d], &s->band_ranges[d], &inner) != CC_OK)
      return cc_config_fail(cc_config_item(bands, d), "bands", err,
                            "'%s' is not an age band (all, N-M or N+): population_bands needs the demand bands' ages", s->bands[d]);
  /* every demand band can be built: try it with one person in each population band */
  double ones[CC_DEMAND_MAX_POPULATION_BANDS], built[CC_DEMAND_MAX_BANDS];
  for (size_t j = 0; j < s->n_population_bands; j++) ones[j] = 1.0;
  cc_age_reference ref = {s->population_ranges, ones, s->n_population_bands};
  if (cc_cohort_band_population(s->band_ranges, s->n_bands, &ref, built, &inner) != CC_OK)
    return cc_config_fail(list, "population_bands", err, "%s", inner.message);
  return CC_OK;
}

static cc_status read_cohort(cc_config_node root, cc_demand_spec *s, cc_error *err) {
  cc_status st = cc_config_check_keys(root, cohort_keys, NULL, err);
  if (!st) st = read_names(root, "bands", CC_DEMAND_MAX_BANDS, CC_AGE_BAND_MAX, (char **)&s->bands, &s->n_bands, err);
  if (!st) st = read_population_bands(root, s, err);
  if (!st) st = read_template(root, "demand", "demand", 1, 1, &s->demand, err);
  if (!st) st = read_template(root, "population", "population", 1, 1, &s->population, err);
  if (!st) st = read_template(root, "projection", "projection", 1, 1, &s->projection, err);
  if (!st) st = read_request(root, "rate_model", 1, s->rate_model, err);
  if (st) return st;
  /* the population series are read at the population bands when given, else at the demand bands */
  size_t population_count = s->n_population_bands ? s->n_population_bands : s->n_bands;
  for (const cc_demand_template *t = &s->demand; t <= &s->projection; t++) {
    size_t count = t == &s->demand ? s->n_bands : population_count;
    if (count > 1 && !strstr(t->text, "{band}"))
      return cc_error_set(err, CC_EINPUT, s->path, t->line, t->key, "'%s' must contain {band}: it is read at %zu bands",
                          t->text, count);
  }
  cc_config_node variants = cc_config_get(root, "variants");
  if (variants.id == 0) return CC_OK;
  if (cc_config_node_type(variants) != CC_CONFIG_SEQUENCE || cc_config_length(variants) > CC_DEMAND_MAX_VARIANTS)
    return cc_config_fail(variants, "variants", err, "must be a list of at most %d projection series templates", CC_DEMAND_MAX_VARIANTS);
  for (size_t v = 0; v < cc_config_length(variants); v++) {
    cc_config_node item = cc_config_item(variants, v);
    const char *text = cc_config_scalar(item);
    if (!text) return cc_config_fail(item, "variants", err, "each variant must be a series id template");
    cc_demand_template *t = &s->variants[v];
    memset(t, 0, sizeof *t);
    snprintf(t->key, sizeof t->key, "variants");
    t->line = cc_config_node_line(item);
    if (strlen(text) >= sizeof t->text || (population_count > 1 && !strstr(text, "{band}")))
      return cc_config_fail(item, "variants", err, "'%s' is not a projection series template with {band}", text);
    snprintf(t->text, sizeof t->text, "%s", text);
    s->n_variants = v + 1;
  }
  return CC_OK;
}

cc_status cc_demand_spec_parse(const char *text, size_t len, const char *name, cc_demand_spec **out, cc_error *err) {
  *out = NULL;
  cc_config *doc = NULL;
  cc_status st = cc_config_parse(text, len, name, &doc, err);
  if (st) return st;
  cc_demand_spec *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(name)) || !(s->text = strndup(text, len))) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_config_node root = cc_config_root(doc);
  if (!st && cc_config_node_type(root) != CC_CONFIG_MAPPING) st = cc_config_fail(root, "type", err, "a model file is a mapping of fields");
  const char *type = NULL, *model_name = NULL;
  if (!st) st = cc_config_require_text(root, "type", NULL, &type, err);
  if (!st) {
    if (strcmp(type, "cohort") == 0) s->type = CC_DEMAND_COHORT;
    else if (strcmp(type, "stockflow") == 0) s->type = CC_DEMAND_STOCKFLOW;
    else st = cc_config_fail(cc_config_get(root, "type"), "type", err, "'%s' is not a model type (cohort or stockflow)", type);
  }
  if (!st) st = cc_config_require_text(root, "name", NULL, &model_name, err);
  if (!st && cc_check_measure_name(model_name, NULL) != CC_OK)
    st = cc_config_fail(cc_config_get(root, "name"), "name", err, "'%s' must be lower case letters, digits and _", model_name);
  if (!st) snprintf(s->name, sizeof s->name, "%s", model_name);
  if (!st)
    st = read_names(root, "geographies", CC_DEMAND_MAX_GEOGRAPHIES, CC_GEOGRAPHY_MAX, (char **)&s->geographies,
                    &s->n_geographies, err);
  if (!st) st = s->type == CC_DEMAND_STOCKFLOW ? read_stockflow(root, s, err) : read_cohort(root, s, err);
  cc_config_free(doc);
  if (st) {
    cc_demand_spec_free(s);
    return st;
  }
  *out = s;
  return CC_OK;
}

cc_status cc_demand_spec_load(const char *path, cc_demand_spec **out, cc_error *err) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  cc_status st = cc_file_read(path, MODEL_FILE_MAX_BYTES, &text, &len, err);
  if (st) return st;
  st = cc_demand_spec_parse(text, len, path, out, err);
  free(text);
  return st;
}

cc_status cc_demand_series_id(const cc_demand_spec *s, const cc_demand_template *t, const char *geography,
                              const char *band, char *buf, size_t len, cc_error *err) {
  if (!cc_series_template_fill(t->text, geography, band, buf, len))
    return cc_error_set(err, CC_EINPUT, s->path, t->line, t->key, "'%s' for %s is too long for a series id", t->text, geography);
  return CC_OK;
}
