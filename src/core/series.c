/* series.c: the series type and the rules for the parts of a series id. */
#include "carecast/series.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[CC_KIND_COUNT] = {"flow", "stock", "rate", "amount"};

cc_series *cc_series_alloc(size_t n) {
  cc_series *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  size_t slots = n ? n : 1;
  s->values = malloc(slots * sizeof *s->values);
  s->bounds = malloc(slots * sizeof *s->bounds);
  s->flags = calloc(slots, sizeof *s->flags);
  if (!s->values || !s->bounds || !s->flags) {
    cc_series_free(s);
    return NULL;
  }
  for (size_t i = 0; i < slots; i++) s->values[i] = s->bounds[i] = NAN;
  s->n = n;
  return s;
}

cc_series *cc_series_alloc_like(const cc_series *s, size_t n) {
  cc_series *r = cc_series_alloc(n);
  if (!r) return NULL;
  if (s->source_ids && !(r->source_ids = strdup(s->source_ids))) {
    cc_series_free(r);
    return NULL;
  }
  memcpy(r->id, s->id, sizeof r->id);
  memcpy(r->measure, s->measure, sizeof r->measure);
  memcpy(r->geography, s->geography, sizeof r->geography);
  memcpy(r->age_band, s->age_band, sizeof r->age_band);
  memcpy(r->unit, s->unit, sizeof r->unit);
  r->kind = s->kind;
  r->freq = s->freq;
  r->start = s->start;
  return r;
}

void cc_series_free(cc_series *s) {
  if (!s) return;
  free(s->values);
  free(s->bounds);
  free(s->flags);
  free(s->source_ids);
  free(s);
}

void cc_series_make_id(const char *measure, const char *geography, const char *age_band, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s/%s", measure, geography, age_band);
}

#define PLACEHOLDER_GEOGRAPHY "{geography}"
#define PLACEHOLDER_BAND "{band}"

int cc_series_template_fill(const char *pattern, const char *geography, const char *band, char *buf, size_t len) {
  const size_t geography_len = strlen(PLACEHOLDER_GEOGRAPHY), band_len = strlen(PLACEHOLDER_BAND);
  size_t out = 0;
  for (const char *p = pattern; *p;) {
    const char *part = p;
    size_t n = 1, skip = 1;
    if (strncmp(p, PLACEHOLDER_GEOGRAPHY, geography_len) == 0) part = geography, n = strlen(geography), skip = geography_len;
    else if (band && strncmp(p, PLACEHOLDER_BAND, band_len) == 0) part = band, n = strlen(band), skip = band_len;
    if (out + n >= len) return 0;
    memcpy(buf + out, part, n);
    out += n;
    p += skip;
  }
  buf[out] = '\0';
  return 1;
}

cc_status cc_series_split_id(const char *id, char *measure, char *geography, char *age_band, cc_error *err) {
  const char *first = strchr(id, '/');
  const char *second = first ? strchr(first + 1, '/') : NULL;
  if (!first || !second || strchr(second + 1, '/'))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "series", "'%s' is not a series id (expected measure/geography/age_band)", id);
  size_t measure_len = (size_t)(first - id), geography_len = (size_t)(second - first - 1);
  if (measure_len >= CC_MEASURE_MAX || geography_len >= CC_GEOGRAPHY_MAX || strlen(second + 1) >= CC_AGE_BAND_MAX)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "series", "'%s': a part of the series id is too long", id);
  memcpy(measure, id, measure_len);
  measure[measure_len] = '\0';
  memcpy(geography, first + 1, geography_len);
  geography[geography_len] = '\0';
  strcpy(age_band, second + 1);
  return CC_OK;
}

cc_period cc_series_period(const cc_series *s, size_t i) { return cc_period_add(s->start, (int32_t)i); }

size_t cc_series_count_flag(const cc_series *s, unsigned flag) {
  size_t count = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->flags[i] & flag) count++;
  return count;
}

size_t cc_series_count_missing(const cc_series *s) {
  size_t count = 0;
  for (size_t i = 0; i < s->n; i++)
    if (isnan(s->values[i]) && !(s->flags[i] & CC_OBS_SUPPRESSED)) count++;
  return count;
}

cc_status cc_check_measure_name(const char *text, cc_error *err) {
  size_t len = strlen(text);
  if (len == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "measure", "empty");
  if (len >= CC_MEASURE_MAX)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "measure", "'%s' is longer than %d characters", text, CC_MEASURE_MAX - 1);
  if (!islower((unsigned char)text[0]))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "measure", "'%s' must start with a lower-case letter", text);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (!(islower(c) || isdigit(c) || c == '_'))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "measure",
                          "'%s' may hold only lower-case letters, digits and '_'", text);
  }
  return CC_OK;
}

cc_status cc_check_source_id(const char *text, cc_error *err) {
  size_t len = strlen(text);
  if (len == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "source_id", "empty");
  if (len >= CC_SOURCE_ID_MAX)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "source_id", "'%s' is longer than %d characters", text, CC_SOURCE_ID_MAX - 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (!(islower(c) || isdigit(c) || c == '_'))
      return cc_error_set(err, CC_EINPUT, NULL, 0, "source_id",
                          "'%s' may hold only lower-case letters, digits and '_'", text);
  }
  return CC_OK;
}

/* A GSS code: E, W, S, N or K, then digits. */
static int code_shaped(const char *text) {
  if (!strchr("EWSNK", text[0]) || text[0] == '\0') return 0;
  if (!text[1]) return 0;
  for (const char *p = text + 1; *p; p++)
    if (!isdigit((unsigned char)*p)) return 0;
  return 1;
}

int cc_geography_is_code(const char *text) { return code_shaped(text) && strlen(text) == 9; }

cc_status cc_check_geography(const char *text, cc_error *err) {
  size_t len = strlen(text);
  if (len == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "geography_code", "empty");
  if (len >= CC_GEOGRAPHY_MAX)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography_code", "'%s' is longer than %d characters", text,
                        CC_GEOGRAPHY_MAX - 1);
  if (code_shaped(text) && len != 9)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography_code",
                        "'%s' looks like an ONS code but has %zu characters (codes have 9, e.g. E08000019)", text, len);
  if (isspace((unsigned char)text[0]) || isspace((unsigned char)text[len - 1]))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography_code", "'%s' starts or ends with a space", text);
  for (const char *p = text; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '/' || c < 0x20 || c == 0x7f)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "geography_code", "'%s' holds a '/' or a control character", text);
  }
  if (text[0] == '.')
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography_code", "'%s' may not start with '.'", text);
  return CC_OK;
}

/* Parse an unsigned age of 1 to 3 digits at *p, advancing p; -1 when none. */
static int parse_age(const char **p) {
  int age = 0, digits = 0;
  while (isdigit((unsigned char)**p) && digits < 4) {
    age = age * 10 + (**p - '0');
    (*p)++;
    digits++;
  }
  return digits == 0 || digits > 3 ? -1 : age;
}

#define CC_AGE_MAX 120 /* no band starts above this age */

cc_status cc_check_age_band(const char *text, cc_error *err) {
  if (strcmp(text, "all") == 0) return CC_OK;
  const char *p = text;
  int low = parse_age(&p);
  if (low >= 0 && low <= CC_AGE_MAX) {
    if (p[0] == '+' && p[1] == '\0') return CC_OK;
    if (p[0] == '-') {
      p++;
      int high = parse_age(&p);
      if (high >= 0 && *p == '\0') {
        if (high < low)
          return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "'%s' ends before it starts", text);
        if (high > CC_AGE_MAX)
          return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "'%s' ends above age %d", text, CC_AGE_MAX);
        return CC_OK;
      }
    }
  }
  return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band",
                      "'%s' is not an age band (expected all, N-M such as 18-64, or N+ such as 65+)", text);
}

const char *cc_kind_name(cc_kind kind) { return (unsigned)kind < CC_KIND_COUNT ? kind_names[kind] : "unknown"; }

cc_status cc_kind_parse(const char *text, cc_kind *out, cc_error *err) {
  for (int k = 0; k < CC_KIND_COUNT; k++) {
    if (strcmp(text, kind_names[k]) == 0) {
      *out = (cc_kind)k;
      return CC_OK;
    }
  }
  return cc_error_set(err, CC_EINPUT, NULL, 0, "kind", "'%s' is not a kind (expected flow, stock, rate or amount)", text);
}

size_t cc_series_values_at(const cc_series *s, cc_period start, size_t n, double *out) {
  size_t found = 0;
  int32_t offset = cc_period_diff(s->start, start); /* slot of s at out[0] */
  for (size_t i = 0; i < n; i++) {
    int64_t slot = (int64_t)offset + (int64_t)i;
    out[i] = slot >= 0 && (uint64_t)slot < s->n ? s->values[slot] : NAN;
    found += !isnan(out[i]);
  }
  return found;
}
