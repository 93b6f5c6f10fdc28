/* geography.c: the geography lookups and the staged matching of names and
 * codes to GSS codes (see geography.h). The lookup is a sorted array of areas
 * plus an array of keys (names, aliases and legacy codes, each with its
 * normalised form) pointing into it; matching is a linear scan, which for a
 * few hundred areas and a few hundred distinct texts per link run is quick. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/geography.h"
#include "carecast/series.h"
#include "carecast/csvfile.h"

#define JW_PREFIX_SCALE 0.1 /* Winkler's p */
#define JW_PREFIX_MAX 4     /* Winkler's longest rewarded common prefix */
#define JW_BOOST_THRESHOLD 0.7 /* the prefix reward applies only above this Jaro score (strcmp95) */
#define CANDIDATES_LISTED 3 /* nearest names an unmatched error lists */

typedef enum key_type { KEY_NAME, KEY_LEGACY } key_type;

typedef struct geo_key {
  char text[CC_GEO_NAME_MAX];       /* as in the table */
  char normalised[CC_GEO_NAME_MAX]; /* cc_geo_normalise(text) */
  size_t area;                      /* index into areas */
  key_type type;
} geo_key;

struct cc_geo_lookup {
  cc_geo_area *areas; /* sorted by code */
  size_t n_areas;
  geo_key *keys;
  size_t n_keys, keys_capacity;
};

cc_geo_options cc_geo_options_default(void) {
  return (cc_geo_options){.min_score = CC_GEO_MIN_SCORE_DEFAULT, .ambiguity_margin = CC_GEO_MARGIN_DEFAULT};
}

const char *cc_geo_kind_name(cc_geo_kind kind) {
  switch (kind) {
  case CC_GEO_LOCAL_AUTHORITY: return "local authority";
  case CC_GEO_ICB: return "integrated care board";
  case CC_GEO_POLICE_FORCE_AREA: return "police force area";
  case CC_GEO_DISTRICT: return "district";
  case CC_GEO_SUB_ICB: return "sub-ICB location";
  }
  return "?";
}

const char *cc_geo_method_name(cc_geo_method method) {
  switch (method) {
  case CC_GEO_BY_CODE: return "code";
  case CC_GEO_BY_LEGACY_CODE: return "legacy code";
  case CC_GEO_BY_NAME: return "name";
  case CC_GEO_BY_NORMALISED_NAME: return "normalised name";
  case CC_GEO_BY_APPROXIMATE_NAME: return "approximate name";
  }
  return "?";
}

/* ---- normalisation ---------------------------------------------------- */

/* Words organisations put around a place name, removed from the start... */
static const char *const leading_words[] = {
    "the ", "royal borough of ", "london borough of ", "metropolitan borough of ", "county borough of ",
    "borough of ", "city and county of ", "county of ", "city of ", "nhs ", NULL};
/* ...and from the end (longest first where one ends another). "police" is
 * dropped so that "South Yorkshire Police" is the force area "South Yorkshire". */
static const char *const trailing_words[] = {
    " metropolitan borough council", " metropolitan district council", " metropolitan district", " city council",
    " county council", " borough council", " district council", " unitary authority", " council", " mbc", " md",
    " ua", " city of", " county of", " police service", " police",
    " constabulary", NULL};

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* 1 when the len characters at s are "london": "City of London" keeps its
 * "city of", because the City of London is not London. */
static int is_london(const char *s, size_t len) { return len == 6 && strncmp(s, "london", 6) == 0; }

void cc_geo_normalise(const char *name, char *buf, size_t len) {
  if (len == 0) return;
  char work[2 * CC_GEO_NAME_MAX];
  size_t w = 0;
  int space = 1; /* swallow leading spaces */
  for (const unsigned char *p = (const unsigned char *)name; *p && w + 6 < sizeof work; p++) {
    if (isalnum(*p)) {
      work[w++] = (char)tolower(*p);
      space = 0;
    } else if (*p == '&') {
      if (!space) work[w++] = ' ';
      memcpy(work + w, "and ", 4);
      w += 4;
      space = 1;
    } else if (*p == '\'' || *p == '.') {
      continue; /* "King's", "St." */
    } else if (!space) {
      work[w++] = ' ';
      space = 1;
    }
  }
  while (w > 0 && work[w - 1] == ' ') w--;
  work[w] = '\0';
  /* An ICB keeps the word "icb", so that "NHS South Yorkshire ICB" never
   * reads as the police force area "South Yorkshire". */
  if (ends_with(work, " integrated care board")) strcpy(work + strlen(work) - strlen(" integrated care board"), " icb");
  char *text = work;
  for (int changed = 1; changed;) {
    changed = 0;
    for (size_t i = 0; leading_words[i]; i++)
      if (starts_with(text, leading_words[i]) && strlen(text) > strlen(leading_words[i]) &&
          !is_london(text + strlen(leading_words[i]), strlen(text) - strlen(leading_words[i]))) {
        text += strlen(leading_words[i]);
        changed = 1;
      }
    for (size_t i = 0; trailing_words[i]; i++)
      if (ends_with(text, trailing_words[i]) && strlen(text) > strlen(trailing_words[i]) &&
          !is_london(text, strlen(text) - strlen(trailing_words[i]))) {
        text[strlen(text) - strlen(trailing_words[i])] = '\0';
        changed = 1;
      }
  }
  snprintf(buf, len, "%s", text);
}

/* ---- Jaro-Winkler ----------------------------------------------------- */

/* Jaro (1989) similarity, then Winkler's (1990) boost for a common prefix,
 * as Winkler's strcmp95 reference code computes them: transpositions halved
 * in integers, and the prefix rewarded only above a Jaro score of 0.7. */
double cc_jaro_winkler(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la == 0 || lb == 0) return 0.0;
  if (la == lb && memcmp(a, b, la) == 0) return 1.0;
  size_t window = (la > lb ? la : lb) / 2;
  window = window > 0 ? window - 1 : 0;
  unsigned char *used_a = calloc(la + lb, 1);
  if (!used_a) return 0.0; /* only under memory exhaustion: no similarity claimed */
  unsigned char *used_b = used_a + la;
  size_t matches = 0;
  for (size_t i = 0; i < la; i++) {
    size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;
    for (size_t j = lo; j < hi; j++)
      if (!used_b[j] && a[i] == b[j]) {
        used_a[i] = used_b[j] = 1;
        matches++;
        break;
      }
  }
  double jaro = 0.0;
  if (matches > 0) {
    size_t transposed = 0, j = 0;
    for (size_t i = 0; i < la; i++) {
      if (!used_a[i]) continue;
      while (!used_b[j]) j++;
      transposed += a[i] != b[j];
      j++;
    }
    /* Half the out-of-order matches, in whole numbers, as strcmp95 counts them. */
    double m = (double)matches, half_transposed = (double)(transposed / 2);
    jaro = (m / (double)la + m / (double)lb + (m - half_transposed) / m) / 3.0;
  }
  free(used_a);
  if (!(jaro > JW_BOOST_THRESHOLD)) return jaro;
  size_t prefix = 0;
  while (prefix < JW_PREFIX_MAX && prefix < la && prefix < lb && a[prefix] == b[prefix]) prefix++;
  return jaro + (double)prefix * JW_PREFIX_SCALE * (1.0 - jaro);
}

/* ---- loading ---------------------------------------------------------- */

static int compare_areas(const void *a, const void *b) {
  return strcmp(((const cc_geo_area *)a)->code, ((const cc_geo_area *)b)->code);
}

const cc_geo_area *cc_geo_find(const cc_geo_lookup *lookup, const char *code) {
  cc_geo_area probe;
  size_t length = strlen(code);
  if (length >= sizeof probe.code) return NULL; /* longer than any area's code */
  memcpy(probe.code, code, length + 1);
  return bsearch(&probe, lookup->areas, lookup->n_areas, sizeof probe, compare_areas);
}

size_t cc_geo_count(const cc_geo_lookup *lookup) { return lookup->n_areas; }
const cc_geo_area *cc_geo_area_at(const cc_geo_lookup *lookup, size_t i) { return &lookup->areas[i]; }

void cc_geo_lookup_free(cc_geo_lookup *lookup) {
  if (!lookup) return;
  free(lookup->areas);
  free(lookup->keys);
  free(lookup);
}

static cc_status add_key(cc_geo_lookup *lk, const char *text, size_t area, key_type type, cc_error *err) {
  if (!*text) return CC_OK;
  if (lk->n_keys == lk->keys_capacity) {
    size_t capacity = lk->keys_capacity ? 2 * lk->keys_capacity : 512;
    geo_key *grown = realloc(lk->keys, capacity * sizeof *grown);
    if (!grown) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    lk->keys = grown;
    lk->keys_capacity = capacity;
  }
  geo_key *k = &lk->keys[lk->n_keys++];
  snprintf(k->text, sizeof k->text, "%s", text);
  cc_geo_normalise(text, k->normalised, sizeof k->normalised);
  k->area = area;
  k->type = type;
  return CC_OK;
}

/* Copy a field into dst of size len, refusing one too long. */
static cc_status copy_field(const cc_csv_table *t, size_t r, int c, char *dst, size_t len, cc_error *err) {
  const char *text = cc_csv_table_cell(t, r, (size_t)c);
  if (strlen(text) >= len)
    return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), cc_csv_table_header(t, (size_t)c), "'%s' is longer than %zu characters", text,
                        len - 1);
  memcpy(dst, text, strlen(text) + 1);
  return CC_OK;
}

#define GEO_TABLE_MAX_BYTES (64u * 1024u * 1024u) /* a lookup table larger than this is refused */

static cc_status open_table(const char *dir, const char *name, const char *const *required, cc_csv_table **out,
                            cc_error *err) {
  char path[CC_ERROR_FILE_MAX];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
    return cc_error_set(err, CC_EINPUT, dir, 0, NULL, "lookup folder path too long");
  cc_status status = cc_csv_table_read(path, GEO_TABLE_MAX_BYTES, out, err);
  for (size_t i = 0; !status && required && required[i]; i++)
    if (cc_csv_table_column(*out, required[i]) < 0)
      status = cc_error_set(err, CC_EINPUT, path, 1, "header", "no column '%s'", required[i]);
  if (status) {
    cc_csv_table_free(*out);
    *out = NULL;
  }
  return status;
}

static cc_status parse_status(const cc_csv_table *t, size_t r, int c, cc_geo_status *out, cc_error *err) {
  static const char *const names[] = {"current", "recoded", "merged", "split"};
  for (int i = 0; i < 4; i++)
    if (strcmp(cc_csv_table_cell(t, r, (size_t)c), names[i]) == 0) {
      *out = (cc_geo_status)i;
      return CC_OK;
    }
  return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "status", "'%s' is not current, recoded, merged or split",
                      cc_csv_table_cell(t, r, (size_t)c));
}

/* Append the areas of a code,name table of kind (ICBs, police force areas;
 * sub-ICB locations, whose icb column is the one ICB they are part of). */
static cc_status load_named(cc_geo_lookup *lk, const cc_csv_table *t, cc_geo_kind kind, cc_error *err) {
  int code = (int)cc_csv_table_column(t, "code"), name = (int)cc_csv_table_column(t, "name");
  int icb = (int)cc_csv_table_column(t, "icb");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    cc_geo_area *a = &lk->areas[lk->n_areas];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->icb_whole = icb >= 0;
    status = copy_field(t, r, code, a->code, sizeof a->code, err);
    if (!status) status = copy_field(t, r, name, a->name, sizeof a->name, err);
    if (!status && icb >= 0) status = copy_field(t, r, icb, a->icbs, sizeof a->icbs, err);
    if (!status && !cc_geography_is_code(a->code))
      status = cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "code", "'%s' is not a GSS code", a->code);
    if (!status) lk->n_areas++;
  }
  return status;
}

/* Append the rows of an authority table (local_authorities.csv: kind local
 * authority, with police force areas; districts.csv: kind district, with counties). */
static cc_status load_authorities(cc_geo_lookup *lk, const cc_csv_table *t, cc_geo_kind kind, cc_error *err) {
  int code = (int)cc_csv_table_column(t, "code"), name = (int)cc_csv_table_column(t, "name"), status_col = (int)cc_csv_table_column(t, "status");
  int successors = (int)cc_csv_table_column(t, "successors"), changed = (int)cc_csv_table_column(t, "changed");
  int pfa = (int)cc_csv_table_column(t, "police_force_area"), county = (int)cc_csv_table_column(t, "county");
  int unitary = (int)cc_csv_table_column(t, "unitary");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    cc_geo_area *a = &lk->areas[lk->n_areas];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    status = copy_field(t, r, code, a->code, sizeof a->code, err);
    if (!status) status = copy_field(t, r, name, a->name, sizeof a->name, err);
    if (!status) status = copy_field(t, r, successors, a->successors, sizeof a->successors, err);
    if (!status && pfa >= 0) status = copy_field(t, r, pfa, a->police_force_area, sizeof a->police_force_area, err);
    if (!status && county >= 0) status = copy_field(t, r, county, a->county, sizeof a->county, err);
    if (!status && unitary >= 0) status = copy_field(t, r, unitary, a->unitary, sizeof a->unitary, err);
    if (!status) status = parse_status(t, r, status_col, &a->status, err);
    if (!status && !cc_geography_is_code(a->code))
      status = cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "code", "'%s' is not a GSS code", a->code);
    if (!status && (a->status == CC_GEO_CURRENT) != (a->successors[0] == '\0'))
      status = cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "successors",
                            "a current authority has no successors and a replaced one has at least one");
    if (!status && a->status == CC_GEO_RECODED && strchr(a->successors, ';'))
      status = cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "successors",
                            "a recoded authority has exactly one successor (a split has several)");
    if (!status) a->changed = atoi(cc_csv_table_cell(t, r, (size_t)changed));
    if (!status) lk->n_areas++;
  }
  return status;
}

/* Keys of the authorities (or districts): the legacy codes of every row (districts have no DfE code). */
static cc_status authority_keys(cc_geo_lookup *lk, const cc_csv_table *t, cc_error *err) {
  int code = (int)cc_csv_table_column(t, "code"), dfe = (int)cc_csv_table_column(t, "dfe_code");
  int legacy = (int)cc_csv_table_column(t, "ons_legacy_code");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    const cc_geo_area *a = cc_geo_find(lk, cc_csv_table_cell(t, r, (size_t)code));
    size_t i = (size_t)(a - lk->areas);
    if (dfe >= 0) status = add_key(lk, cc_csv_table_cell(t, r, (size_t)dfe), i, KEY_LEGACY, err);
    if (!status) status = add_key(lk, cc_csv_table_cell(t, r, (size_t)legacy), i, KEY_LEGACY, err);
  }
  return status;
}

/* Fail unless code (from column of row r of t) is defined by some table. */
static cc_status require_code(const cc_geo_lookup *lk, const cc_csv_table *t, size_t r, const char *column, const char *code,
                              cc_error *err) {
  if (!cc_geo_find(lk, code))
    return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), column, "'%s' is not a code of any lookup table", code);
  return CC_OK;
}

static cc_status check_references(const cc_geo_lookup *lk, const cc_csv_table *t, cc_error *err) {
  int code = (int)cc_csv_table_column(t, "code");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    const cc_geo_area *a = cc_geo_find(lk, cc_csv_table_cell(t, r, (size_t)code));
    char list[CC_GEO_LIST_MAX];
    snprintf(list, sizeof list, "%s", a->successors);
    for (char *save = NULL, *c = strtok_r(list, ";", &save); c && !status; c = strtok_r(NULL, ";", &save))
      status = require_code(lk, t, r, "successors", c, err);
    if (!status && *a->police_force_area) status = require_code(lk, t, r, "police_force_area", a->police_force_area, err);
    if (!status && a->kind == CC_GEO_DISTRICT) {
      const cc_geo_area *county = cc_geo_find(lk, a->county), *unitary = cc_geo_find(lk, a->unitary);
      if (!county || county->kind != CC_GEO_LOCAL_AUTHORITY || strncmp(a->county, "E10", 3) != 0)
        status = cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "county",
                              "'%s' is not a county (E10) of local_authorities.csv", a->county);
      else if (*a->unitary && (!unitary || unitary->kind != CC_GEO_LOCAL_AUTHORITY || strncmp(a->unitary, "E06", 3) != 0 ||
                               county->status != CC_GEO_SPLIT))
        status = cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "unitary",
                              "'%s' is not a unitary (E06) of local_authorities.csv that %s was split into", a->unitary,
                              a->county);
    }
  }
  return status;
}

const char *cc_geo_district_total(const cc_geo_area *district) {
  return *district->unitary ? district->unitary : district->county;
}

size_t cc_geo_districts_of(const cc_geo_lookup *lookup, const char *code, const cc_geo_area **out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < lookup->n_areas; i++) {
    const cc_geo_area *a = &lookup->areas[i];
    if (a->kind != CC_GEO_DISTRICT || a->status != CC_GEO_CURRENT || (strcmp(a->county, code) && strcmp(a->unitary, code)))
      continue;
    if (n < max) out[n] = a;
    n++;
  }
  return n;
}

static cc_status load_icb_links(cc_geo_lookup *lk, const cc_csv_table *t, cc_error *err) {
  int la = (int)cc_csv_table_column(t, "la_code"), icb = (int)cc_csv_table_column(t, "icb_code"), coverage = (int)cc_csv_table_column(t, "coverage");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    status = require_code(lk, t, r, "la_code", cc_csv_table_cell(t, r, (size_t)la), err);
    if (!status) status = require_code(lk, t, r, "icb_code", cc_csv_table_cell(t, r, (size_t)icb), err);
    if (status) break;
    cc_geo_area *a = (cc_geo_area *)cc_geo_find(lk, cc_csv_table_cell(t, r, (size_t)la));
    size_t used = strlen(a->icbs);
    if (used + strlen(cc_csv_table_cell(t, r, (size_t)icb)) + 2 > sizeof a->icbs)
      return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "icb_code", "too many ICBs for %s", a->code);
    snprintf(a->icbs + used, sizeof a->icbs - used, "%s%s", used ? ";" : "", cc_csv_table_cell(t, r, (size_t)icb));
    a->icb_whole = strcmp(cc_csv_table_cell(t, r, (size_t)coverage), "whole") == 0;
  }
  return status;
}

/* After sorting: each sub-ICB location's ICB is an ICB of the lookup, and its ODS code is a key. */
static cc_status sub_icb_keys(cc_geo_lookup *lk, const cc_csv_table *t, cc_error *err) {
  int code = (int)cc_csv_table_column(t, "code"), ods = (int)cc_csv_table_column(t, "ods_code");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    const cc_geo_area *a = cc_geo_find(lk, cc_csv_table_cell(t, r, (size_t)code));
    const cc_geo_area *icb = cc_geo_find(lk, a->icbs);
    if (!icb || icb->kind != CC_GEO_ICB)
      return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "icb",
                          "'%s' is not an ICB of integrated_care_boards.csv", a->icbs);
    status = add_key(lk, cc_csv_table_cell(t, r, (size_t)ods), (size_t)(a - lk->areas), KEY_LEGACY, err);
  }
  return status;
}

static cc_status load_aliases(cc_geo_lookup *lk, const cc_csv_table *t, cc_error *err) {
  int alias = (int)cc_csv_table_column(t, "alias"), code = (int)cc_csv_table_column(t, "code");
  cc_status status = CC_OK;
  for (size_t r = 0; r < t->n_rows && !status; r++) {
    const cc_geo_area *a = cc_geo_find(lk, cc_csv_table_cell(t, r, (size_t)code));
    if (!a) return require_code(lk, t, r, "code", cc_csv_table_cell(t, r, (size_t)code), err);
    if (a->status != CC_GEO_CURRENT)
      return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, r), "code", "an alias must name a current area, not %s",
                          a->code);
    status = add_key(lk, cc_csv_table_cell(t, r, (size_t)alias), (size_t)(a - lk->areas), KEY_NAME, err);
  }
  return status;
}

cc_status cc_geo_lookup_load(const char *dir, cc_geo_lookup **out, cc_error *err) {
  static const char *const la_cols[] = {"code", "name", "dfe_code", "ons_legacy_code", "police_force_area", "status",
                                        "successors", "changed", NULL};
  static const char *const named_cols[] = {"code", "name", NULL};
  static const char *const sub_icb_cols[] = {"code", "ods_code", "name", "icb", NULL};
  static const char *const icb_cols[] = {"la_code", "icb_code", "coverage", NULL};
  static const char *const alias_cols[] = {"alias", "code", NULL};
  static const char *const district_cols[] = {"code", "name", "county", "unitary", "ons_legacy_code", "status",
                                              "successors", "changed", NULL};
  *out = NULL;
  cc_csv_table *la = NULL, *districts = NULL, *icb = NULL, *sub_icb = NULL, *pfa = NULL, *links = NULL, *aliases = NULL;
  cc_geo_lookup *lk = calloc(1, sizeof *lk);
  cc_status status = lk ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = open_table(dir, "local_authorities.csv", la_cols, &la, err);
  if (!status) status = open_table(dir, "districts.csv", district_cols, &districts, err);
  if (!status) status = open_table(dir, "integrated_care_boards.csv", named_cols, &icb, err);
  if (!status) status = open_table(dir, "sub_icb_locations.csv", sub_icb_cols, &sub_icb, err);
  if (!status) status = open_table(dir, "police_force_areas.csv", named_cols, &pfa, err);
  if (!status) status = open_table(dir, "la_icb.csv", icb_cols, &links, err);
  if (!status) status = open_table(dir, "aliases.csv", alias_cols, &aliases, err);
  if (!status && !(lk->areas = calloc(la->n_rows + districts->n_rows + icb->n_rows + sub_icb->n_rows + pfa->n_rows + 1,
                                     sizeof *lk->areas)))
    status = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!status) status = load_authorities(lk, la, CC_GEO_LOCAL_AUTHORITY, err);
  if (!status) status = load_authorities(lk, districts, CC_GEO_DISTRICT, err);
  if (!status) status = load_named(lk, icb, CC_GEO_ICB, err);
  if (!status) status = load_named(lk, pfa, CC_GEO_POLICE_FORCE_AREA, err);
  if (!status) status = load_named(lk, sub_icb, CC_GEO_SUB_ICB, err);
  if (!status) {
    qsort(lk->areas, lk->n_areas, sizeof *lk->areas, compare_areas);
    for (size_t i = 1; i < lk->n_areas && !status; i++)
      if (strcmp(lk->areas[i - 1].code, lk->areas[i].code) == 0)
        status = cc_error_set(err, CC_EINPUT, dir, 0, "code", "%s is defined twice in the lookups", lk->areas[i].code);
  }
  if (!status) status = check_references(lk, la, err);
  if (!status) status = check_references(lk, districts, err);
  if (!status) status = load_icb_links(lk, links, err);
  for (size_t i = 0; i < lk->n_areas && !status; i++)
    if (lk->areas[i].status == CC_GEO_CURRENT) status = add_key(lk, lk->areas[i].name, i, KEY_NAME, err);
  if (!status) status = authority_keys(lk, la, err);
  if (!status) status = authority_keys(lk, districts, err);
  if (!status) status = sub_icb_keys(lk, sub_icb, err);
  if (!status) status = load_aliases(lk, aliases, err);
  cc_csv_table_free(la);
  cc_csv_table_free(districts);
  cc_csv_table_free(icb);
  cc_csv_table_free(sub_icb);
  cc_csv_table_free(pfa);
  cc_csv_table_free(links);
  cc_csv_table_free(aliases);
  if (status) {
    cc_geo_lookup_free(lk);
    return status;
  }
  *out = lk;
  return CC_OK;
}

/* ---- matching --------------------------------------------------------- */

typedef struct candidate {
  const cc_geo_area *area; /* the area after following recodings */
  const char *key;         /* the lookup text that matched */
  const char *followed;    /* the code a recoding was followed from, or NULL */
  double score;            /* 1 for exact stages */
} candidate;

/* Follow the recodings of a; a merged or split area is an error naming its successors. */
static cc_status follow(const cc_geo_lookup *lk, const char *text, const cc_geo_area *a, const cc_geo_area **out,
                        cc_error *err) {
  for (int step = 0; step < CC_GEO_FOLLOW_MAX; step++) {
    if (a->status == CC_GEO_CURRENT) {
      *out = a;
      return CC_OK;
    }
    if (a->status != CC_GEO_RECODED)
      return cc_error_set(err, CC_EINPUT, NULL, 0, "geography",
                          "'%s' is %s (%s), which was %s in %d (successors %s): its figures cannot be carried to the new "
                          "areas without the rest of their parts",
                          text, a->code, a->name, a->status == CC_GEO_MERGED ? "merged into a larger area" : "split",
                          a->changed, a->successors);
    const cc_geo_area *next = cc_geo_find(lk, a->successors);
    assert(next); /* checked when loading */
    a = next;
  }
  return cc_error_set(err, CC_EINPUT, NULL, 0, "geography", "'%s': the lookup's recodings go round in a circle", text);
}

/* Add area (after following it) to the candidates unless already there. */
static cc_status add_candidate(const cc_geo_lookup *lk, const char *text, const geo_key *key, const cc_geo_area *area,
                               double score, candidate *list, size_t *n, cc_error *err) {
  const cc_geo_area *final = NULL;
  cc_status status = follow(lk, text, area, &final, err);
  if (status) return status;
  for (size_t i = 0; i < *n; i++)
    if (list[i].area == final) {
      if (score > list[i].score) list[i].score = score, list[i].key = key ? key->text : area->code;
      return CC_OK;
    }
  list[*n] = (candidate){.area = final, .key = key ? key->text : area->code, .followed = final != area ? area->code : NULL,
                         .score = score};
  (*n)++;
  return CC_OK;
}

static void fill_match(const candidate *c, cc_geo_method method, cc_geo_match *out) {
  memset(out, 0, sizeof *out);
  snprintf(out->code, sizeof out->code, "%s", c->area->code);
  out->kind = c->area->kind;
  out->method = method;
  out->score = c->score;
  snprintf(out->matched, sizeof out->matched, "%s", c->key);
  if (c->followed) snprintf(out->followed, sizeof out->followed, "%s", c->followed);
}

/* "E06000061 (North Northamptonshire), E06000062 (West ...)" for an error. */
static void list_candidates(const candidate *list, size_t n, int with_scores, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < len; i++) {
    int w = with_scores ? snprintf(buf + used, len - used, "%s%s (%s, %s, score %.3f)", i ? "; " : "", list[i].area->code,
                                   list[i].area->name, cc_geo_kind_name(list[i].area->kind), list[i].score)
                        : snprintf(buf + used, len - used, "%s%s (%s, %s)", i ? "; " : "", list[i].area->code,
                                   list[i].area->name, cc_geo_kind_name(list[i].area->kind));
    if (w < 0) break;
    used += (size_t)w;
  }
}

/* Precedence of a kind for a name several kinds share (geography.h): lower first. */
static int kind_rank(cc_geo_kind kind) {
  static const int rank[CC_GEO_KIND_COUNT] = {[CC_GEO_LOCAL_AUTHORITY] = 0, [CC_GEO_DISTRICT] = 1, [CC_GEO_ICB] = 2,
                                              [CC_GEO_POLICE_FORCE_AREA] = 3, [CC_GEO_SUB_ICB] = 4};
  return rank[kind];
}

/* An exact stage found candidates: one area of the most local kind is a
 * match (the others are named in the note); two of that kind are an error. */
static cc_status choose_exact(const char *text, candidate *list, size_t n, cc_geo_method method, cc_geo_match *out,
                              cc_error *err) {
  cc_geo_kind best = list[0].area->kind;
  for (size_t i = 1; i < n; i++)
    if (kind_rank(list[i].area->kind) < kind_rank(best)) best = list[i].area->kind;
  size_t chosen = n, same_kind = 0;
  for (size_t i = 0; i < n; i++)
    if (list[i].area->kind == best) {
      same_kind++;
      if (chosen == n) chosen = i;
    }
  char names[CC_ERROR_MESSAGE_MAX / 2];
  if (same_kind > 1) {
    list_candidates(list, n, 0, names, sizeof names);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography", "'%s' is ambiguous: it names %s", text, names);
  }
  fill_match(&list[chosen], method, out);
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    if (i == chosen) continue;
    int w = snprintf(out->note + used, sizeof out->note - used, "%salso the %s %s (%s)", used ? "; " : "",
                     cc_geo_kind_name(list[i].area->kind), list[i].area->code, list[i].area->name);
    if (w < 0 || (size_t)w >= sizeof out->note - used) break;
    used += (size_t)w;
  }
  return CC_OK;
}

static int compare_scores(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? 1 : -1;
  return strcmp(x->area->code, y->area->code);
}

/* Stage 5: the best Jaro-Winkler score over every name, per area. */
static cc_status choose_approximate(const cc_geo_lookup *lk, const char *text, const char *normalised,
                                    const cc_geo_options *opt, candidate *list, cc_geo_match *out, cc_error *err) {
  size_t n = 0;
  for (size_t k = 0; k < lk->n_keys; k++) {
    const geo_key *key = &lk->keys[k];
    if (key->type != KEY_NAME) continue;
    double score = cc_jaro_winkler(normalised, key->normalised);
    cc_status status = add_candidate(lk, text, key, &lk->areas[key->area], score, list, &n, err);
    if (status) return status;
  }
  char names[CC_ERROR_MESSAGE_MAX / 2];
  if (n == 0) return cc_error_set(err, CC_EINPUT, NULL, 0, "geography", "'%s' matches no area: the lookup has no names", text);
  qsort(list, n, sizeof *list, compare_scores);
  if (list[0].score < opt->min_score) {
    list_candidates(list, n < CANDIDATES_LISTED ? n : CANDIDATES_LISTED, 1, names, sizeof names);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography",
                        "'%s' matches no area (no name scores %.2f or more); nearest: %s", text, opt->min_score, names);
  }
  if (n > 1 && list[1].score >= list[0].score - opt->ambiguity_margin) {
    size_t close = 1;
    while (close < n && list[close].score >= list[0].score - opt->ambiguity_margin) close++;
    list_candidates(list, close, 1, names, sizeof names);
    return cc_error_set(err, CC_EINPUT, NULL, 0, "geography",
                        "'%s' is ambiguous: its nearest names score within %.2f of each other: %s", text,
                        opt->ambiguity_margin, names);
  }
  fill_match(&list[0], CC_GEO_BY_APPROXIMATE_NAME, out);
  return CC_OK;
}

/* Put what a district or sub-ICB location is part of before the rest of its
 * match's note: "district of county CODE (NAME)", "sub-ICB location of ICB CODE (NAME)". */
static void note_parent(const cc_geo_lookup *lookup, cc_geo_match *m) {
  if (m->kind != CC_GEO_DISTRICT && m->kind != CC_GEO_SUB_ICB) return;
  const cc_geo_area *area = cc_geo_find(lookup, m->code);
  char rest[CC_GEO_NOTE_MAX];
  snprintf(rest, sizeof rest, "%s", m->note);
  int w;
  if (m->kind == CC_GEO_SUB_ICB) {
    const cc_geo_area *icb = cc_geo_find(lookup, area->icbs);
    w = snprintf(m->note, sizeof m->note, "sub-ICB location of ICB %s (%s)", icb->code, icb->name);
  } else {
    const cc_geo_area *county = cc_geo_find(lookup, area->county), *unitary = cc_geo_find(lookup, area->unitary);
    w = unitary ? snprintf(m->note, sizeof m->note, "district of county %s (%s), now part of %s (%s)", county->code,
                           county->name, unitary->code, unitary->name)
                : snprintf(m->note, sizeof m->note, "district of county %s (%s)", county->code, county->name);
  }
  if (*rest && w > 0 && (size_t)w < sizeof m->note)
    snprintf(m->note + w, sizeof m->note - (size_t)w, "; %.*s", (int)(sizeof m->note - (size_t)w), rest);
}

cc_status cc_geo_resolve(const cc_geo_lookup *lookup, const char *text, const cc_geo_options *options,
                         cc_geo_match *out, cc_error *err) {
  cc_geo_options defaults = cc_geo_options_default();
  const cc_geo_options *opt = options ? options : &defaults;
  memset(out, 0, sizeof *out);
  candidate *list = calloc(lookup->n_areas + 1, sizeof *list);
  if (!list) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t n = 0;
  cc_status status = CC_OK;
  /* 1: a GSS code the lookup defines. */
  if (cc_geography_is_code(text)) {
    const cc_geo_area *a = cc_geo_find(lookup, text);
    if (a) status = add_candidate(lookup, text, NULL, a, 1.0, list, &n, err);
    if (!status && n) status = choose_exact(text, list, n, CC_GEO_BY_CODE, out, err);
    else if (!status)
      status = cc_error_set(err, CC_EINPUT, NULL, 0, "geography", "'%s' is shaped like a GSS code but is not in the lookup",
                            text);
    free(list);
    if (!status) note_parent(lookup, out);
    return status;
  }
  char normalised[CC_GEO_NAME_MAX];
  cc_geo_normalise(text, normalised, sizeof normalised);
  /* 2-4: legacy code, name, normalised name. */
  static const cc_geo_method stages[] = {CC_GEO_BY_LEGACY_CODE, CC_GEO_BY_NAME, CC_GEO_BY_NORMALISED_NAME};
  for (size_t s = 0; s < sizeof stages / sizeof *stages && !status && n == 0; s++) {
    for (size_t k = 0; k < lookup->n_keys && !status; k++) {
      const geo_key *key = &lookup->keys[k];
      int hit = stages[s] == CC_GEO_BY_LEGACY_CODE ? key->type == KEY_LEGACY && strcmp(key->text, text) == 0
                : stages[s] == CC_GEO_BY_NAME     ? key->type == KEY_NAME && strcmp(key->text, text) == 0
                                                  : key->type == KEY_NAME && *normalised &&
                                                    strcmp(key->normalised, normalised) == 0;
      if (hit) status = add_candidate(lookup, text, key, &lookup->areas[key->area], 1.0, list, &n, err);
    }
    if (!status && n) status = choose_exact(text, list, n, stages[s], out, err);
  }
  /* 5: approximate. */
  if (!status && n == 0) status = choose_approximate(lookup, text, normalised, opt, list, out, err);
  free(list);
  if (!status) note_parent(lookup, out);
  return status;
}
