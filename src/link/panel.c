/* panel.c: the link run (see panel.h). Four passes over the store's series:
 *   1. resolve each distinct geography once, add up the series of a county's
 *      lower-tier districts into series of the county (when every district of
 *      the county has one), and keep the population series;
 *   2. decide, series by series, which panel series it feeds and how (whole,
 *      as a part, or split by population), refusing overlaps: series whose band
 *      is a common band go first, so a band given whole wins over its parts;
 *   3. build each panel series slot by slot from its pieces, keeping a slot
 *      only when the pieces with a value there cover the whole band;
 *   4. add the aggregated (and requested disaggregated) frequencies.
 * The result's SHA-256 is compared with the digest stored with the panel and
 * the panel is written only when they differ, so that a second run changes
 * nothing (and need not read the panel back to know). */
#include <assert.h>
#include <math.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/ageband.h"
#include "carecast/frequency.h"
#include "carecast/panel.h"
#include "strmap.h"

#define PANEL_KEY_MAX (CC_SERIES_ID_MAX + 32)
#define POPULATION_BANDS_MAX 256 /* population bands of one place (single years of age 0-120 and their groups fit) */
#define COUNTY_DISTRICTS_MAX 32  /* districts of one county (Essex, Kent and Lancashire have 12) */
#define NO_SUM SIZE_MAX          /* sum_of of a series that feeds no county sum */

typedef enum piece_mode { PIECE_WHOLE, PIECE_PART, PIECE_SPLIT } piece_mode;

typedef struct piece {
  size_t series;       /* index into the series read */
  cc_age_range range;  /* the ages of the panel band it supplies */
  piece_mode mode;
} piece;

typedef struct entry {
  char measure[CC_MEASURE_MAX];
  char code[CC_GEOGRAPHY_MAX];
  char band[CC_AGE_BAND_MAX];
  cc_age_range target;
  size_t parts;       /* how many pieces cover each age: 1, or the districts a county sum adds up */
  piece *pieces;
  size_t n_pieces, capacity;
} entry;

typedef struct geo_entry {
  const char *text;                    /* the series' geography (points into a series) */
  cc_status status;                    /* CC_OK when resolved */
  cc_geo_match match;
  char reason[CC_ERROR_MESSAGE_MAX];   /* why not, when not */
  size_t series;                       /* series using it */
  size_t read;                         /* of them, series read from the store (not county sums of districts) */
} geo_entry;

/* Everything one run holds. */
typedef struct link_run {
  const cc_link_options *options;
  cc_link_report *report;
  cc_geo_lookup *lookup;
  cc_series **series;     /* every series of the store, then the county sums of districts */
  size_t n_series;        /* all of them */
  size_t n_read;          /* of them, read from the store */
  size_t *sum_of;         /* per series, the county sum it feeds, or NO_SUM */
  geo_entry *geos;        /* distinct geographies */
  size_t n_geos;
  size_t *geo_of;         /* geo index of each series */
  int *linked;            /* 1 when a series feeds the panel */
  unsigned *split_into;   /* per series, a bit per common band it was split into */
  size_t *pop_next;       /* per series, the next population series of the same place (or n_series) */
  cc_strmap geo_map;      /* geography text -> index into geos */
  cc_strmap pop_map;      /* GSS code -> its first population series */
  cc_strmap entry_map;    /* "measure/code/band" -> index into entries */
  entry *entries;
  size_t n_entries, entries_capacity;
  cc_series **out;        /* the panel */
  size_t n_out, out_capacity;
} link_run;

/* ---- report lines ------------------------------------------------------ */

static cc_status add_line(cc_link_lines *lines, cc_error *err, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static cc_status add_line(cc_link_lines *lines, cc_error *err, const char *format, ...) {
  if (lines->n == lines->capacity) {
    size_t capacity = lines->capacity ? 2 * lines->capacity : 16;
    char **grown = realloc(lines->items, capacity * sizeof *grown);
    if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    lines->items = grown;
    lines->capacity = capacity;
  }
  va_list args;
  va_start(args, format);
  int len = vsnprintf(NULL, 0, format, args);
  va_end(args);
  char *line = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (!line) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  va_start(args, format);
  vsnprintf(line, (size_t)len + 1, format, args);
  va_end(args);
  lines->items[lines->n++] = line;
  return CC_OK;
}

static void free_lines(cc_link_lines *lines) {
  for (size_t i = 0; i < lines->n; i++) free(lines->items[i]);
  free(lines->items);
  memset(lines, 0, sizeof *lines);
}

void cc_link_report_free(cc_link_report *report) {
  if (!report) return;
  free_lines(&report->matched);
  free_lines(&report->split);
  free_lines(&report->combined);
  free_lines(&report->superseded);
  free_lines(&report->disaggregated);
  free_lines(&report->unlinked);
}

cc_link_options cc_link_options_default(void) {
  return (cc_link_options){.population_measure = CC_LINK_POPULATION_MEASURE, .geo = cc_geo_options_default()};
}

/* ---- pass 1: geographies and population ------------------------------- */

/* Resolve the geography of series i (once per distinct text) and count the series using it. */
static cc_status resolve_series(link_run *run, size_t i, cc_error *err) {
  const char *text = run->series[i]->geography;
  size_t g;
  if (!cc_strmap_get(&run->geo_map, text, &g)) {
    g = run->n_geos++;
    geo_entry *ge = &run->geos[g];
    cc_error problem;
    ge->text = text;
    ge->status = cc_geo_resolve(run->lookup, text, &run->options->geo, &ge->match, &problem);
    if (ge->status == CC_ENOMEM) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    if (ge->status) snprintf(ge->reason, sizeof ge->reason, "%s", problem.message);
    cc_status status = cc_strmap_put(&run->geo_map, text, g, err);
    if (status) return status;
  }
  run->geo_of[i] = g;
  run->geos[g].series++;
  if (i < run->n_read) run->geos[g].read++;
  return CC_OK;
}

/* The series read can add at most one county sum each: room for both. */
static cc_status resolve_geographies(link_run *run, cc_error *err) {
  size_t room = 2 * run->n_series + 1;
  if (!(run->geos = calloc(room, sizeof *run->geos)) || !(run->geo_of = calloc(room, sizeof *run->geo_of)) ||
      !(run->pop_next = calloc(room, sizeof *run->pop_next)))
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = CC_OK;
  for (size_t i = 0; i < run->n_series && !status; i++) status = resolve_series(run, i, err);
  return status;
}

/* The population series of each place, and a report line for every place not given as its own GSS code. */
static cc_status index_places(link_run *run, cc_error *err) {
  cc_status status = CC_OK;
  /* The population series of each place, as a list threaded through pop_next (newest first). */
  for (size_t i = 0; i < run->n_series && !status; i++) {
    const geo_entry *ge = &run->geos[run->geo_of[i]];
    run->pop_next[i] = run->n_series;
    if (ge->status || strcmp(run->series[i]->measure, run->options->population_measure) != 0) continue;
    size_t head;
    if (cc_strmap_get(&run->pop_map, ge->match.code, &head)) run->pop_next[i] = head;
    status = cc_strmap_put(&run->pop_map, ge->match.code, i, err);
  }
  for (size_t g = 0; g < run->n_geos && !status; g++) {
    const geo_entry *ge = &run->geos[g];
    if (ge->status) continue;
    if (ge->match.method == CC_GEO_BY_CODE && !ge->match.followed[0]) {
      if (ge->read) run->report->by_code++; /* not a county code only the sums of its districts use */
      continue;
    }
    const cc_geo_area *area = cc_geo_find(run->lookup, ge->match.code);
    char score[32] = "";
    if (ge->match.method == CC_GEO_BY_APPROXIMATE_NAME) snprintf(score, sizeof score, ", score %.3f", ge->match.score);
    char followed[64] = "";
    if (ge->match.followed[0]) snprintf(followed, sizeof followed, ", recoded from %s", ge->match.followed);
    status = add_line(&run->report->matched, err, "%s -> %s %s (%s, by %s%s%s; %zu series)%s%s", ge->text, ge->match.code,
                      area->name, cc_geo_kind_name(ge->match.kind), cc_geo_method_name(ge->match.method), score, followed,
                      ge->series, ge->match.note[0] ? "; " : "", ge->match.note);
  }
  return status;
}

/* The population of code by band in year (nearest year a band has), as a split reference. */
static cc_status population_reference(const link_run *run, const char *code, int year, cc_age_range *bands,
                                      double *counts, size_t *n, cc_error *err) {
  cc_age_range found[POPULATION_BANDS_MAX];
  double values[POPULATION_BANDS_MAX];
  size_t n_found = 0, i;
  if (!cc_strmap_get(&run->pop_map, code, &i)) i = run->n_series;
  for (; i < run->n_series; i = run->pop_next[i]) {
    const cc_series *s = run->series[i];
    if (n_found == POPULATION_BANDS_MAX)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "%s has more than %d '%s' bands", code,
                          POPULATION_BANDS_MAX, run->options->population_measure);
    /* The slot nearest the year with a value. */
    double best = NAN;
    int best_distance = 0;
    for (size_t t = 0; t < s->n; t++) {
      if (isnan(s->values[t])) continue;
      int y, m;
      cc_period_start_ym(cc_series_period(s, t), &y, &m);
      int distance = abs(y - year);
      if (isnan(best) || distance < best_distance) best = s->values[t], best_distance = distance;
    }
    cc_age_range r;
    if (isnan(best) || cc_age_parse(s->age_band, &r, NULL)) continue;
    found[n_found] = r;
    values[n_found++] = best;
  }
  int keep[POPULATION_BANDS_MAX];
  cc_status status = cc_age_reference_select(found, n_found, keep, err);
  if (status) return status;
  *n = 0;
  for (size_t b = 0; b < n_found; b++)
    if (keep[b]) bands[*n] = found[b], counts[(*n)++] = values[b];
  if (*n == 0)
    return cc_error_set(err, CC_EINPUT, NULL, 0, "age_band", "there is no '%s' series for %s to split age bands by",
                        run->options->population_measure, code);
  return CC_OK;
}

/* ---- pass 2: which panel series each series feeds ---------------------- */

static entry *find_entry(link_run *run, const char *measure, const char *code, const char *band) {
  char key[CC_SERIES_ID_MAX];
  size_t i;
  cc_series_make_id(measure, code, band, key, sizeof key);
  return cc_strmap_get(&run->entry_map, key, &i) ? &run->entries[i] : NULL;
}

static cc_status get_entry(link_run *run, const char *measure, const char *code, const char *band, entry **out,
                           cc_error *err) {
  if ((*out = find_entry(run, measure, code, band))) return CC_OK;
  char key[CC_SERIES_ID_MAX];
  cc_series_make_id(measure, code, band, key, sizeof key);
  cc_status status = cc_strmap_put(&run->entry_map, key, run->n_entries, err);
  if (status) return status;
  if (run->n_entries == run->entries_capacity) {
    size_t capacity = run->entries_capacity ? 2 * run->entries_capacity : 64;
    entry *grown = realloc(run->entries, capacity * sizeof *grown);
    if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    run->entries = grown;
    run->entries_capacity = capacity;
  }
  entry *e = &run->entries[run->n_entries++];
  memset(e, 0, sizeof *e);
  snprintf(e->measure, sizeof e->measure, "%s", measure);
  snprintf(e->code, sizeof e->code, "%s", code);
  snprintf(e->band, sizeof e->band, "%s", band);
  e->parts = 1;
  status = cc_age_parse(band, &e->target, err);
  *out = e;
  return status;
}

static cc_status add_piece(entry *e, piece p, cc_error *err) {
  if (e->n_pieces == e->capacity) {
    size_t capacity = e->capacity ? 2 * e->capacity : 4;
    piece *grown = realloc(e->pieces, capacity * sizeof *grown);
    if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    e->pieces = grown;
    e->capacity = capacity;
  }
  e->pieces[e->n_pieces++] = p;
  return CC_OK;
}

/* The series an existing piece of e overlapping range comes from, or NULL. */
static const cc_series *overlapping(const link_run *run, const entry *e, cc_age_range range, int *whole) {
  for (size_t i = 0; i < e->n_pieces; i++)
    if (cc_age_overlap(e->pieces[i].range, range)) {
      *whole = e->pieces[i].mode == PIECE_WHOLE;
      return run->series[e->pieces[i].series];
    }
  return NULL;
}

/* The common bands as ranges. */
static void common_targets(cc_age_range targets[CC_AGE_COMMON_COUNT]) {
  for (size_t t = 0; t < CC_AGE_COMMON_COUNT; t++) {
    cc_status status = cc_age_parse(cc_age_common_band(t), &targets[t], NULL);
    assert(status == CC_OK); /* the common bands are well formed */
    (void)status;
  }
}

/* Plan series i (whose geography resolved): the panel bands it feeds. */
static cc_status plan_series(link_run *run, size_t i, cc_error *err) {
  const cc_series *s = run->series[i];
  const char *code = run->geos[run->geo_of[i]].match.code;
  cc_age_range source, targets[CC_AGE_COMMON_COUNT];
  cc_error problem;
  if (cc_age_parse(s->age_band, &source, &problem))
    return add_line(&run->report->unlinked, err, "%s: %s", s->id, problem.message);
  common_targets(targets);
  int is_all = source.low == 0 && source.high == CC_AGE_END;
  size_t first = CC_AGE_COMMON_COUNT, count = 0;
  for (size_t t = 0; t < CC_AGE_COMMON_COUNT; t++)
    if (!is_all && cc_age_overlap(source, targets[t])) {
      if (first == CC_AGE_COMMON_COUNT) first = t;
      count++;
    }
  if (!is_all && count == 0)
    return add_line(&run->report->unlinked, err, "%s: the band %s is in no common band", s->id, s->age_band);
  if (!is_all && s->kind == CC_KIND_RATE &&
      !(count == 1 && source.low == targets[first].low && source.high == targets[first].high))
    return add_line(&run->report->unlinked, err,
                    "%s: a rate in the band %s cannot be carried to the common bands without its numerator and denominator",
                    s->id, s->age_band);
  /* Check every panel band it would feed before adding any piece. */
  char band_text[CC_AGE_BAND_MAX];
  for (size_t t = is_all ? 0 : first; t < (is_all ? 1 : first + count); t++) {
    const char *band = is_all ? "all" : cc_age_common_band(t);
    cc_age_range target = is_all ? source : targets[t];
    cc_age_range part = {source.low > target.low ? source.low : target.low,
                         source.high < target.high ? source.high : target.high};
    const entry *e = find_entry(run, s->measure, code, band);
    int whole = 0;
    const cc_series *other = e ? overlapping(run, e, part, &whole) : NULL;
    int mine_whole = part.low == target.low && part.high == target.high;
    if (other && whole && mine_whole)
      return add_line(&run->report->unlinked, err, "%s: %s/%s/%s is already supplied by %s", s->id, s->measure, code, band,
                      other->id);
    if (other && whole)
      return add_line(&run->report->superseded, err, "%s (the panel's %s comes whole from %s)", s->id, band, other->id);
    if (other)
      return add_line(&run->report->unlinked, err, "%s: ages %s of %s/%s/%s are already supplied by %s", s->id,
                      cc_age_format(part, band_text, sizeof band_text), s->measure, code, band, other->id);
  }
  for (size_t t = is_all ? 0 : first; t < (is_all ? 1 : first + count); t++) {
    const char *band = is_all ? "all" : cc_age_common_band(t);
    cc_age_range target = is_all ? source : targets[t];
    entry *e;
    cc_status status = get_entry(run, s->measure, code, band, &e, err);
    piece p = {.series = i,
               .range = {source.low > target.low ? source.low : target.low, source.high < target.high ? source.high : target.high}};
    p.mode = count > 1                                                        ? PIECE_SPLIT
             : p.range.low == target.low && p.range.high == target.high ? PIECE_WHOLE
                                                                            : PIECE_PART;
    if (!status) status = add_piece(e, p, err);
    if (status) return status;
    if (p.mode == PIECE_SPLIT) run->split_into[i] |= 1u << t;
  }
  run->linked[i] = 1;
  return CC_OK;
}

/* ---- pass 3: build a panel series from its pieces --------------------- */

/* The share of series s's slot t (period p) that goes to e (a split piece). */
static cc_status split_share(const link_run *run, const entry *e, const piece *pc, cc_period p, double *share,
                             cc_error *err) {
  const cc_series *s = run->series[pc->series];
  cc_age_range source, targets[CC_AGE_COMMON_COUNT], bands[POPULATION_BANDS_MAX];
  double counts[POPULATION_BANDS_MAX], shares[CC_AGE_COMMON_COUNT];
  size_t n_bands = 0, mine = 0;
  cc_status status = cc_age_parse(s->age_band, &source, err);
  common_targets(targets);
  for (size_t t = 0; t < CC_AGE_COMMON_COUNT; t++)
    if (!strcmp(cc_age_common_band(t), e->band)) mine = t;
  int year, month;
  cc_period_start_ym(p, &year, &month);
  if (!status) status = population_reference(run, e->code, year, bands, counts, &n_bands, err);
  cc_age_reference ref = {bands, counts, n_bands};
  if (!status) status = cc_age_split(source, targets, CC_AGE_COMMON_COUNT, &ref, shares, err);
  if (!status) *share = shares[mine];
  return status;
}

/* Append the source ids of s to the comma list *ids, once each. */
static cc_status merge_sources(char **ids, const char *more, cc_error *err) {
  if (!more || !*more) return CC_OK;
  char *copy = strdup(more);
  if (!copy) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  cc_status status = CC_OK;
  for (char *save = NULL, *id = strtok_r(copy, ",", &save); id && !status; id = strtok_r(NULL, ",", &save)) {
    size_t len = strlen(id), have = *ids ? strlen(*ids) : 0;
    int present = 0;
    for (const char *p = *ids; p && (p = strstr(p, id)); p += len)
      if ((p == *ids || p[-1] == ',') && (p[len] == ',' || p[len] == '\0')) present = 1;
    if (present) continue;
    char *grown = realloc(*ids, have + len + 2);
    if (!grown) { status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory"); break; }
    if (have) grown[have++] = ',';
    memcpy(grown + have, id, len + 1);
    *ids = grown;
  }
  free(copy);
  return status;
}

static cc_status push_out(link_run *run, cc_series *s, cc_error *err) {
  if (run->n_out == run->out_capacity) {
    size_t capacity = run->out_capacity ? 2 * run->out_capacity : 256;
    cc_series **grown = realloc(run->out, capacity * sizeof *grown);
    if (!grown) {
      cc_series_free(s);
      return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    run->out = grown;
    run->out_capacity = capacity;
  }
  run->out[run->n_out++] = s;
  return CC_OK;
}

/* Add piece pc's contribution to the sums of panel series r (per-slot work arrays). */
static cc_status accumulate(const link_run *run, const entry *e, const piece *pc, cc_series *r, int *covered,
                            uint8_t *all_observed, cc_error *err) {
  const cc_series *s = run->series[pc->series];
  int width = pc->range.high - pc->range.low, cached_year = -1;
  double cached_share = NAN; /* the split share of the last year asked for */
  for (size_t t = 0; t < s->n; t++) {
    int has_value = !isnan(s->values[t]), suppressed = (s->flags[t] & CC_OBS_SUPPRESSED) != 0;
    if (!has_value && !suppressed) continue;
    cc_period p = cc_series_period(s, t);
    size_t j = (size_t)cc_period_diff(r->start, p);
    double share = 1.0;
    if (pc->mode == PIECE_SPLIT) {
      int year, month;
      cc_period_start_ym(p, &year, &month);
      if (year != cached_year) {
        cc_status status = split_share(run, e, pc, p, &cached_share, err);
        if (status) return status;
        cached_year = year;
      }
      share = cached_share;
    }
    if (has_value) r->values[j] += share * s->values[t];
    r->bounds[j] += share * (has_value ? s->values[t] : s->bounds[t]);
    if (suppressed) r->flags[j] |= CC_OBS_SUPPRESSED;
    r->flags[j] |= s->flags[t] & (CC_OBS_IMPUTED | CC_OBS_OUTLIER | CC_OBS_BREAK | CC_OBS_PROVISIONAL);
    if (pc->mode == PIECE_SPLIT) r->flags[j] |= CC_OBS_IMPUTED;
    if (!(s->flags[t] & CC_OBS_OBSERVED) || pc->mode == PIECE_SPLIT) all_observed[j] = 0;
    covered[j] += width;
  }
  return CC_OK;
}

/* Build entry e as a series at its own frequency; *out NULL when its pieces never cover the band. */
static cc_status build_entry(link_run *run, const entry *e, cc_series **out, cc_error *err) {
  *out = NULL;
  const cc_series *first = run->series[e->pieces[0].series];
  cc_period start = first->start, end = cc_period_add(first->start, (int32_t)first->n - 1);
  for (size_t k = 1; k < e->n_pieces; k++) {
    const cc_series *s = run->series[e->pieces[k].series];
    cc_period last = cc_period_add(s->start, (int32_t)s->n - 1);
    if (s->freq != first->freq)
      return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "%s and %s share a measure but not a frequency", first->id, s->id);
    if (cc_period_diff(start, s->start) < 0) start = s->start;
    if (cc_period_diff(end, last) > 0) end = last;
  }
  size_t n = first->n ? (size_t)cc_period_diff(start, end) + 1 : 0;
  cc_series *r = cc_series_alloc(n);
  int *covered = calloc(n + 1, sizeof *covered);
  uint8_t *all_observed = malloc(n + 1);
  cc_status status = r && covered && all_observed ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) {
    cc_series_make_id(e->measure, e->code, e->band, r->id, sizeof r->id);
    snprintf(r->measure, sizeof r->measure, "%s", e->measure);
    snprintf(r->geography, sizeof r->geography, "%s", e->code);
    snprintf(r->age_band, sizeof r->age_band, "%s", e->band);
    snprintf(r->unit, sizeof r->unit, "%s", first->unit);
    r->kind = first->kind;
    r->freq = first->freq;
    r->start = start;
    for (size_t j = 0; j < n; j++) r->values[j] = r->bounds[j] = 0.0, all_observed[j] = 1;
  }
  for (size_t k = 0; k < e->n_pieces && !status; k++) {
    status = accumulate(run, e, &e->pieces[k], r, covered, all_observed, err);
    if (!status) status = merge_sources(&r->source_ids, run->series[e->pieces[k].series]->source_ids, err);
  }
  int width = (e->target.high - e->target.low) * (int)e->parts, any = 0;
  for (size_t j = 0; j < n && !status; j++) {
    if (covered[j] != width) {
      r->values[j] = r->bounds[j] = NAN;
      r->flags[j] = 0;
      continue;
    }
    any = 1;
    if (r->flags[j] & CC_OBS_SUPPRESSED) r->values[j] = NAN;
    else r->bounds[j] = NAN;
    if (all_observed[j] && !(r->flags[j] & CC_OBS_SUPPRESSED)) r->flags[j] |= CC_OBS_OBSERVED;
  }
  free(covered);
  free(all_observed);
  if (status || !any) {
    cc_series_free(r);
    return status;
  }
  *out = r;
  return CC_OK;
}

/* Describe an entry built from parts or splits. */
/* The ids of e's pieces joined by " + " into parts (len bytes, cut when full),
 * each split by population marked so. */
static void join_pieces(const link_run *run, const entry *e, char *parts, size_t len) {
  size_t used = 0;
  parts[0] = '\0';
  for (size_t k = 0; k < e->n_pieces && used < len; k++) {
    const cc_series *s = run->series[e->pieces[k].series];
    int w = snprintf(parts + used, len - used, "%s%s%s", k ? " + " : "", s->id,
                     e->pieces[k].mode == PIECE_SPLIT ? " (split by population)" : "");
    if (w < 0) break;
    used += (size_t)w;
  }
}

static cc_status report_entry(link_run *run, const entry *e, const cc_series *built, cc_error *err) {
  cc_link_report *rep = run->report;
  if (e->n_pieces == 1 && e->pieces[0].mode == PIECE_WHOLE) return CC_OK;
  if (!built) {
    for (size_t k = 0; k < e->n_pieces; k++) {
      const cc_series *s = run->series[e->pieces[k].series];
      cc_status status = add_line(&rep->unlinked, err, "%s: its part of %s/%s/%s is never completed by other series", s->id,
                                  e->measure, e->code, e->band);
      if (status) return status;
    }
    return CC_OK;
  }
  char parts[CC_ERROR_MESSAGE_MAX];
  join_pieces(run, e, parts, sizeof parts);
  return add_line(&rep->combined, err, "%s <- %s", built->id, parts);
}

/* ---- pass 1 (continued): districts added up to their county ----------- */

static const cc_geo_area *district_of(const link_run *run, size_t i) {
  const geo_entry *ge = &run->geos[run->geo_of[i]];
  return ge->status || ge->match.kind != CC_GEO_DISTRICT ? NULL : cc_geo_find(run->lookup, ge->match.code);
}

/* 1 when series j goes into the same sum as series i: a district adding up
 * to the same authority, with the same measure, age band and frequency. */
static int same_sum(const link_run *run, size_t i, size_t j) {
  const cc_geo_area *a = district_of(run, i), *b = district_of(run, j);
  const cc_series *s = run->series[i], *t = run->series[j];
  return a && b && !strcmp(cc_geo_district_total(a), cc_geo_district_total(b)) && !strcmp(s->measure, t->measure) &&
         !strcmp(s->age_band, t->age_band) && s->freq == t->freq;
}

/* Leave the n series of group out, each reported with reason. */
static cc_status unlink_group(link_run *run, const size_t *group, size_t n, const char *reason, cc_error *err) {
  cc_status status = CC_OK;
  for (size_t k = 0; k < n && !status; k++) {
    const cc_geo_area *d = district_of(run, group[k]), *total = cc_geo_find(run->lookup, cc_geo_district_total(d));
    status = add_line(&run->report->unlinked, err, "%s: %s (%s) is a district of %s (%s): %s", run->series[group[k]]->id,
                      d->code, d->name, total->code, total->name, reason);
  }
  return status;
}

/* "CODE (NAME), ..." of the districts of list missing from group. */
#define TRUNCATED_MARK "..." /* ends a message that did not fit */

static void missing_districts(const link_run *run, const cc_geo_area *const *list, size_t n_list, const size_t *group,
                              size_t n, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t d = 0; d < n_list && used < len; d++) {
    int present = 0;
    for (size_t k = 0; k < n && !present; k++) present = district_of(run, group[k]) == list[d];
    if (present) continue;
    int w = snprintf(buf + used, len - used, "%s%s (%s)", used ? ", " : "", list[d]->code, list[d]->name);
    if (w < 0) break;
    used += (size_t)w;
  }
}

/* Add up group (n series of one county's districts, one measure, band and
 * frequency, a district at most once) into a new series of the county, when
 * the group holds every current district of the county. */
static cc_status sum_districts(link_run *run, const size_t *group, size_t n, cc_error *err) {
  const cc_series *first = run->series[group[0]];
  const cc_geo_area *county = cc_geo_find(run->lookup, cc_geo_district_total(district_of(run, group[0])));
  const cc_geo_area *list[COUNTY_DISTRICTS_MAX];
  size_t n_list = cc_geo_districts_of(run->lookup, county->code, list, COUNTY_DISTRICTS_MAX);
  char reason[CC_ERROR_MESSAGE_MAX / 2], missing[CC_ERROR_MESSAGE_MAX / 2];
  if (n_list > COUNTY_DISTRICTS_MAX)
    return cc_error_set(err, CC_EINTERNAL, NULL, 0, NULL, "%s has more than %d districts", county->code, COUNTY_DISTRICTS_MAX);
  if (first->kind == CC_KIND_RATE) return unlink_group(run, group, n, "a rate cannot be added up to the county (only counts can)", err);
  if (n < n_list) {
    missing_districts(run, list, n_list, group, n, missing, sizeof missing);
    int written = snprintf(reason, sizeof reason, "%s/%s/%s is the sum of all %zu of its districts, and %zu %s missing: %s",
                           first->measure, county->code, first->age_band, n_list, n_list - n,
                           n_list - n == 1 ? "is" : "are", missing);
    if (written < 0 || (size_t)written >= sizeof reason) /* a long list: say that it was cut */
      memcpy(reason + sizeof reason - sizeof TRUNCATED_MARK, TRUNCATED_MARK, sizeof TRUNCATED_MARK);
    return unlink_group(run, group, n, reason, err);
  }
  entry e = {.parts = n};
  snprintf(e.measure, sizeof e.measure, "%s", first->measure);
  snprintf(e.code, sizeof e.code, "%s", county->code);
  snprintf(e.band, sizeof e.band, "%s", first->age_band);
  cc_error problem;
  cc_status made = cc_age_parse(first->age_band, &e.target, &problem);
  for (size_t k = 0; k < n && !made; k++)
    made = add_piece(&e, (piece){.series = group[k], .range = e.target, .mode = PIECE_WHOLE}, &problem);
  cc_series *built = NULL;
  if (!made) made = build_entry(run, &e, &built, &problem);
  char parts[CC_ERROR_MESSAGE_MAX];
  join_pieces(run, &e, parts, sizeof parts); /* the districts' series, in the group's order */
  free(e.pieces);
  if (made == CC_ENOMEM) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (made || !built) {
    return unlink_group(run, group, n, made ? problem.message : "its districts never all have a value in the same period", err);
  }
  size_t idx = run->n_series++;
  run->series[idx] = built;
  cc_status status = resolve_series(run, idx, err);
  for (size_t k = 0; k < n; k++) run->sum_of[group[k]] = idx;
  if (!status)
    status = add_line(&run->report->combined, err, "%s <- the %zu districts of %s (%s): %s", built->id, n, county->code,
                      county->name, parts);
  return status;
}

/* Add up the series of every county's districts (sum_districts); a second
 * series of one district for the same panel series is left out. */
static cc_status add_district_sums(link_run *run, cc_error *err) {
  size_t n_read = run->n_series;
  unsigned char *done = calloc(n_read + 1, 1);
  size_t *group = calloc(n_read + 1, sizeof *group);
  cc_status status = done && group ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; i < n_read && !status; i++) {
    if (done[i] || !district_of(run, i)) continue;
    size_t n = 0;
    for (size_t j = i; j < n_read && !status; j++) {
      if (done[j] || !same_sum(run, i, j)) continue;
      done[j] = 1;
      const cc_series *other = NULL;
      for (size_t k = 0; k < n && !other; k++)
        if (district_of(run, group[k]) == district_of(run, j)) other = run->series[group[k]];
      if (other)
        status = add_line(&run->report->unlinked, err, "%s: the district's %s/%s is already supplied by %s",
                          run->series[j]->id, run->series[j]->measure, run->series[j]->age_band, other->id);
      else
        group[n++] = j;
    }
    if (!status) status = sum_districts(run, group, n, err);
  }
  free(done);
  free(group);
  return status;
}

/* ---- pass 4: frequencies ---------------------------------------------- */

static int wants_months(const cc_link_options *opt, const char *measure) {
  for (size_t i = 0; opt->disaggregate && opt->disaggregate[i]; i++)
    if (!strcmp(opt->disaggregate[i], "all") || !strcmp(opt->disaggregate[i], measure)) return 1;
  return 0;
}

static cc_status add_frequencies(link_run *run, const cc_series *s, cc_error *err) {
  static const cc_freq coarser[] = {CC_FREQ_QUARTER, CC_FREQ_FYEAR, CC_FREQ_YEAR};
  cc_status status = CC_OK;
  for (size_t f = 0; f < sizeof coarser / sizeof *coarser && !status; f++) {
    if (s->kind == CC_KIND_RATE || !cc_freq_aggregates_to(s->freq, coarser[f])) continue;
    cc_series *agg;
    status = cc_freq_aggregate(s, coarser[f], &agg, err);
    if (!status) status = push_out(run, agg, err);
    if (!status) run->report->aggregated[coarser[f]]++;
  }
  if (status || s->freq == CC_FREQ_MONTH || !wants_months(run->options, s->measure)) return status;
  cc_series *monthly;
  cc_error problem;
  cc_status made = cc_freq_disaggregate(s, &monthly, &problem);
  if (made == CC_ENOMEM) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (made) return add_line(&run->report->unlinked, err, "%s: not disaggregated to months: %s", s->id, problem.message);
  if ((status = push_out(run, monthly, err))) return status;
  return add_line(&run->report->disaggregated, err, "%s: %s -> month (Denton, flat indicator)", s->id, cc_freq_name(s->freq));
}

/* ---- comparing and writing ------------------------------------------- */

static void panel_key(const cc_series *s, char *buf, size_t len) { snprintf(buf, len, "%s/%s", cc_freq_name(s->freq), s->id); }

static int compare_out(const void *a, const void *b) {
  char ka[PANEL_KEY_MAX], kb[PANEL_KEY_MAX];
  panel_key(*(cc_series *const *)a, ka, sizeof ka);
  panel_key(*(cc_series *const *)b, kb, sizeof kb);
  return strcmp(ka, kb);
}

/* Add len bytes to the digest, preceded by their length so that fields cannot run together. */
static void digest_bytes(struct sha256_ctx *ctx, const void *data, size_t len) {
  uint64_t n = len;
  sha256_update(ctx, sizeof n, (const uint8_t *)&n);
  if (len) sha256_update(ctx, len, data);
}

/* SHA-256 of everything the panel holds (every series' key, description and
 * slots, in key order, then the note), as hex: equal digests, equal panels. */
static void panel_digest(const link_run *run, const char *note, char hex[CC_SHA256_HEX_LEN + 1]) {
  struct sha256_ctx ctx;
  sha256_init(&ctx);
  for (size_t i = 0; i < run->n_out; i++) {
    const cc_series *s = run->out[i];
    char key[PANEL_KEY_MAX];
    panel_key(s, key, sizeof key);
    int32_t header[4] = {(int32_t)s->kind, (int32_t)s->freq, s->start.index, (int32_t)s->n};
    digest_bytes(&ctx, key, strlen(key));
    digest_bytes(&ctx, s->unit, strlen(s->unit));
    digest_bytes(&ctx, s->source_ids ? s->source_ids : "", s->source_ids ? strlen(s->source_ids) : 0);
    digest_bytes(&ctx, header, sizeof header);
    digest_bytes(&ctx, s->values, s->n * sizeof *s->values);
    digest_bytes(&ctx, s->bounds, s->n * sizeof *s->bounds);
    digest_bytes(&ctx, s->flags, s->n * sizeof *s->flags);
  }
  digest_bytes(&ctx, note, strlen(note));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  for (size_t i = 0; i < sizeof digest; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* The report's unlinked lines as one text, kept in the panel for later readers. */
static char *unlinked_text(const cc_link_report *rep) {
  size_t len = 1;
  for (size_t i = 0; i < rep->unlinked.n; i++) len += strlen(rep->unlinked.items[i]) + 1;
  char *text = malloc(len), *p = text;
  if (!text) return NULL;
  *p = '\0';
  for (size_t i = 0; i < rep->unlinked.n; i++) p += sprintf(p, "%s\n", rep->unlinked.items[i]);
  return text;
}

static cc_status write_panel(link_run *run, cc_store *store, cc_error *err) {
  qsort(run->out, run->n_out, sizeof *run->out, compare_out);
  run->report->panel_series = run->n_out;
  char *note = unlinked_text(run->report);
  if (!note) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  char digest[CC_SHA256_HEX_LEN + 1], *stored = NULL;
  panel_digest(run, note, digest);
  cc_status status = cc_store_panel_get_note(store, "digest", &stored, err);
  int same = !status && stored && strcmp(stored, digest) == 0;
  free(stored);
  if (!status && !same) {
    run->report->changed = 1;
    status = cc_store_panel_clear(store, err);
    for (size_t i = 0; i < run->n_out && !status; i++) {
      status = cc_store_panel_write(store, run->out[i], err);
      if (!status && i % 256 == 255) cc_store_checkpoint(store, "panel-written");
    }
    if (!status) status = cc_store_panel_set_note(store, "unlinked", note, err);
    if (!status) status = cc_store_panel_set_note(store, "digest", digest, err);
  }
  free(note);
  return status;
}

/* ---- the run ---------------------------------------------------------- */

static cc_status read_all(link_run *run, cc_store *store, cc_error *err) {
  char **ids = NULL;
  size_t n = 0;
  cc_status status = cc_store_series_ids(store, &ids, &n, err);
  size_t room = 2 * n + 1; /* the series read, and a county sum of districts for each at most */
  if (!status && !(run->series = calloc(room, sizeof *run->series))) status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status && (!(run->linked = calloc(room, sizeof *run->linked)) || !(run->split_into = calloc(room, sizeof *run->split_into)) ||
                  !(run->sum_of = malloc(room * sizeof *run->sum_of))))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t i = 0; !status && i < room; i++) run->sum_of[i] = NO_SUM;
  for (size_t i = 0; i < n && !status; i++) {
    status = cc_store_series_read(store, ids[i], &run->series[i], err);
    if (!status) run->n_series++;
  }
  cc_store_free_names(ids, n);
  run->n_read = run->report->series_read = run->n_series;
  return status;
}

/* 1 when the band of s is "all" or a common band (planned first). */
static int whole_band(const cc_series *s) {
  if (!strcmp(s->age_band, "all")) return 1;
  for (size_t t = 0; t < CC_AGE_COMMON_COUNT; t++)
    if (!strcmp(s->age_band, cc_age_common_band(t))) return 1;
  return 0;
}

static cc_status plan_all(link_run *run, cc_error *err) {
  cc_status status = CC_OK;
  for (int pass = 0; pass < 2 && !status; pass++)
    for (size_t i = 0; i < run->n_series && !status; i++) {
      if (whole_band(run->series[i]) != (pass == 0)) continue;
      const geo_entry *ge = &run->geos[run->geo_of[i]];
      if (district_of(run, i)) continue; /* carried by its county's sum, or reported when there is none */
      if (run->series[i]->n == 0) status = add_line(&run->report->unlinked, err, "%s: no periods", run->series[i]->id);
      else if (ge->status) status = add_line(&run->report->unlinked, err, "%s: %s", run->series[i]->id, ge->reason);
      else status = plan_series(run, i, err);
    }
  return status;
}

static cc_status build_all(link_run *run, cc_error *err) {
  cc_status status = CC_OK;
  for (size_t k = 0; k < run->n_entries && !status; k++) {
    cc_series *built = NULL;
    cc_error problem;
    cc_status made = build_entry(run, &run->entries[k], &built, &problem);
    if (made == CC_EINPUT) {
      /* A band that cannot be split (no population, an open band cut): its series are not linked. */
      const entry *e = &run->entries[k];
      for (size_t p = 0; p < e->n_pieces && !status; p++) {
        size_t i = e->pieces[p].series;
        if (!run->linked[i]) continue; /* reported with another panel series */
        run->linked[i] = 0;
        status = add_line(&run->report->unlinked, err, "%s: %s/%s/%s cannot be built: %s", run->series[i]->id, e->measure,
                          e->code, e->band, problem.message);
      }
      continue;
    }
    if (made) return cc_error_set(err, made, problem.file, problem.line, problem.field, "%s", problem.message);
    status = report_entry(run, &run->entries[k], built, err);
    if (!built) {
      for (size_t p = 0; p < run->entries[k].n_pieces; p++) run->linked[run->entries[k].pieces[p].series] = 0;
      continue;
    }
    if (!status) status = push_out(run, built, err);
    else cc_series_free(built);
    if (!status) status = add_frequencies(run, built, err);
  }
  return status;
}

static cc_status report_splits(link_run *run, cc_error *err) {
  cc_status status = CC_OK;
  for (size_t i = 0; i < run->n_series && !status; i++) {
    if (run->sum_of[i] != NO_SUM) run->linked[i] = run->linked[run->sum_of[i]]; /* a district goes as its county goes */
    if (!run->linked[i]) continue;
    if (i < run->n_read) run->report->series_linked++;
    if (!run->split_into[i]) continue;
    char bands[64] = "";
    size_t count = 0;
    for (size_t t = 0; t < CC_AGE_COMMON_COUNT; t++)
      if (run->split_into[i] & (1u << t)) {
        size_t used = strlen(bands);
        snprintf(bands + used, sizeof bands - used, "%s%s", count++ ? ", " : "", cc_age_common_band(t));
      }
    if (count) status = add_line(&run->report->split, err, "%s -> %s (in proportion to population)", run->series[i]->id, bands);
  }
  return status;
}

static void free_run(link_run *run) {
  for (size_t i = 0; i < run->n_series; i++) cc_series_free(run->series[i]);
  free(run->series);
  for (size_t i = 0; i < run->n_out; i++) cc_series_free(run->out[i]);
  free(run->out);
  for (size_t k = 0; k < run->n_entries; k++) free(run->entries[k].pieces);
  free(run->entries);
  free(run->geos);
  free(run->geo_of);
  free(run->linked);
  free(run->split_into);
  free(run->pop_next);
  free(run->sum_of);
  cc_strmap_clear(&run->geo_map);
  cc_strmap_clear(&run->pop_map);
  cc_strmap_clear(&run->entry_map);
  cc_geo_lookup_free(run->lookup);
}

cc_status cc_link_run(cc_store *store, const cc_link_options *options, cc_link_report *report, cc_error *err) {
  memset(report, 0, sizeof *report);
  cc_link_options opt = *options;
  if (!opt.population_measure) opt.population_measure = CC_LINK_POPULATION_MEASURE;
  if (!opt.lookups_dir) return cc_error_set(err, CC_EUSAGE, NULL, 0, "lookups", "no folder of geography lookups given");
  link_run run = {.options = &opt, .report = report};
  cc_status status = cc_geo_lookup_load(opt.lookups_dir, &run.lookup, err);
  if (!status) status = read_all(&run, store, err);
  if (!status) status = resolve_geographies(&run, err);
  if (!status) status = add_district_sums(&run, err);
  if (!status) status = index_places(&run, err);
  if (!status) status = plan_all(&run, err);
  if (!status) status = build_all(&run, err);
  if (!status) status = report_splits(&run, err);
  if (!status) status = write_panel(&run, store, err);
  free_run(&run);
  if (status) cc_link_report_free(report);
  return status;
}
