/* ageband.c: age bands as intervals and population-weighted splitting
 * (see ageband.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/ageband.h"
#include "carecast/series.h"

static const char *const common_bands[CC_AGE_COMMON_COUNT] = {"0-17", "18-64", "65+"};

const char *cc_age_common_band(size_t i) { return i < CC_AGE_COMMON_COUNT ? common_bands[i] : NULL; }

cc_status cc_age_parse(const char *text, cc_age_range *out, cc_error *err) {
  cc_status status = cc_check_age_band(text, err);
  if (status) return status;
  if (strcmp(text, "all") == 0) {
    *out = (cc_age_range){0, CC_AGE_END};
    return CC_OK;
  }
  char *end;
  long low = strtol(text, &end, 10);
  if (*end == '+') {
    *out = (cc_age_range){(int)low, CC_AGE_END};
  } else {
    long high = strtol(end + 1, NULL, 10);
    *out = (cc_age_range){(int)low, (int)high + 1};
  }
  return CC_OK;
}

/* An age as written in a band: within 0..AGE_TEXT_MAX, so a band always fits CC_AGE_BAND_MAX. */
#define AGE_TEXT_MAX 999
static int age_text(int age) { return age < 0 ? 0 : age > AGE_TEXT_MAX ? AGE_TEXT_MAX : age; }

char *cc_age_format(cc_age_range r, char *buf, size_t len) {
  if (r.low == 0 && r.high == CC_AGE_END) snprintf(buf, len, "all");
  else if (r.high == CC_AGE_END) snprintf(buf, len, "%d+", age_text(r.low));
  else snprintf(buf, len, "%d-%d", age_text(r.low), age_text(r.high - 1));
  return buf;
}

int cc_age_overlap(cc_age_range a, cc_age_range b) { return a.low < b.high && b.low < a.high; }

int cc_age_within(cc_age_range inner, cc_age_range outer) { return inner.low >= outer.low && inner.high <= outer.high; }

cc_status cc_age_population(cc_age_range r, const cc_age_reference *ref, double *out, cc_error *err) {
  char band[CC_AGE_BAND_MAX], other[CC_AGE_BAND_MAX];
  double total = 0.0;
  int covered = 0; /* years of r found in some reference band */
  for (size_t i = 0; i < ref->n; i++) {
    cc_age_range b = ref->bands[i];
    if (!cc_age_overlap(r, b)) continue;
    int low = r.low > b.low ? r.low : b.low, high = r.high < b.high ? r.high : b.high;
    if (b.high == CC_AGE_END) {
      if (low != b.low || r.high != CC_AGE_END)
        return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band",
                            "cannot split the open population band %s to find the population aged %s",
                            cc_age_format(b, other, sizeof other), cc_age_format(r, band, sizeof band));
      total += ref->population[i];
    } else {
      total += ref->population[i] * (double)(high - low) / (double)(b.high - b.low);
    }
    covered += high - low;
  }
  if (covered != r.high - r.low)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "the population bands do not cover every age in %s",
                        cc_age_format(r, band, sizeof band));
  *out = total;
  return CC_OK;
}

cc_status cc_age_split(cc_age_range source, const cc_age_range *targets, size_t n, const cc_age_reference *ref,
                       double *shares, cc_error *err) {
  char band[CC_AGE_BAND_MAX];
  size_t overlapping = 0;
  int covered = 0;
  for (size_t i = 0; i < n; i++) shares[i] = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (cc_age_within(source, targets[i])) {
      shares[i] = 1.0;
      return CC_OK;
    }
    if (cc_age_overlap(source, targets[i])) {
      overlapping++;
      int low = source.low > targets[i].low ? source.low : targets[i].low;
      int high = source.high < targets[i].high ? source.high : targets[i].high;
      covered += high - low;
    }
  }
  if (covered != source.high - source.low)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "the common bands do not cover every age in %s",
                        cc_age_format(source, band, sizeof band));
  if (!ref)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "%s straddles %zu common bands and there is no population to split it by",
                        cc_age_format(source, band, sizeof band), overlapping);
  double whole;
  cc_status status = cc_age_population(source, ref, &whole, err);
  if (status) return status;
  if (!(whole > 0.0))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "the population aged %s is zero: no proportions to split by",
                        cc_age_format(source, band, sizeof band));
  for (size_t i = 0; i < n && !status; i++) {
    if (!cc_age_overlap(source, targets[i])) continue;
    cc_age_range part = {source.low > targets[i].low ? source.low : targets[i].low,
                         source.high < targets[i].high ? source.high : targets[i].high};
    double population;
    status = cc_age_population(part, ref, &population, err);
    if (!status) shares[i] = population / whole;
  }
  return status;
}

cc_status cc_age_reference_select(const cc_age_range *bands, size_t n, int *keep, cc_error *err) {
  for (size_t i = 0; i < n; i++) {
    keep[i] = !(bands[i].low == 0 && bands[i].high == CC_AGE_END);
    for (size_t j = 0; j < n && keep[i]; j++)
      if (j != i && cc_age_within(bands[j], bands[i]) &&
          (bands[j].low != bands[i].low || bands[j].high != bands[i].high))
        keep[i] = 0;
  }
  char a[CC_AGE_BAND_MAX], b[CC_AGE_BAND_MAX];
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (keep[i] && keep[j] && cc_age_overlap(bands[i], bands[j]))
        return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "population bands %s and %s overlap without one holding the other",
                            cc_age_format(bands[i], a, sizeof a), cc_age_format(bands[j], b, sizeof b));
  return CC_OK;
}
