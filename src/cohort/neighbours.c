/* neighbours.c: the DfE statistical-neighbour table, keyed by GSS code
 * (neighbours.h). */
#include "carecast/neighbours.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/csvfile.h"

#define STATUS_CURRENT "current" /* local_authorities.csv's status of a council that exists today */

/* The GSS code of DfE code dfe in the lookup table (the current council's
 * row when the code appears more than once), or NULL. */
static const char *gss_of(const cc_csv_table *lookup, long code_col, long dfe_col, long status_col, const char *dfe) {
  const char *found = NULL;
  for (size_t r = 0; r < lookup->n_rows; r++) {
    if (strcmp(cc_csv_table_cell(lookup, r, (size_t)dfe_col), dfe) != 0) continue;
    int current = status_col < 0 || strcmp(cc_csv_table_cell(lookup, r, (size_t)status_col), STATUS_CURRENT) == 0;
    if (!found || current) found = cc_csv_table_cell(lookup, r, (size_t)code_col);
    if (current) break;
  }
  return found;
}

static cc_status column(const cc_csv_table *t, const char *name, long *out, cc_error *err) {
  *out = cc_csv_table_column(t, name);
  if (*out < 0) return cc_error_set(err, CC_EINPUT, t->path, 1, name, "no such column");
  return CC_OK;
}

/* Translate DfE code `dfe` (row `row`, column `col` of sn) into buf. */
static cc_status translate(const cc_csv_table *sn, size_t row, long col, const cc_csv_table *lookup, const long lookup_cols[3],
                           char *buf, cc_error *err) {
  const char *dfe = cc_csv_table_cell(sn, row, (size_t)col);
  const char *gss = gss_of(lookup, lookup_cols[0], lookup_cols[1], lookup_cols[2], dfe);
  if (!gss)
    return cc_error_set(err, CC_EINPUT, sn->path, cc_csv_table_line(sn, row), cc_csv_table_header(sn, (size_t)col),
                        "DfE code '%s' has no council in %s", dfe, lookup->path);
  snprintf(buf, CC_GEOGRAPHY_MAX, "%s", gss);
  return CC_OK;
}

cc_status cc_neighbours_load(const char *sn_path, const char *lookup_path, cc_neighbours **out, cc_error *err) {
  cc_csv_table *sn = NULL, *lookup = NULL;
  cc_neighbours *t = NULL;
  long own_col = -1, sn_cols[CC_NEIGHBOURS_PER_COUNCIL], lookup_cols[3];
  *out = NULL;
  cc_status st = cc_csv_table_read(sn_path, CC_NEIGHBOURS_MAX_BYTES, &sn, err);
  if (!st) st = cc_csv_table_read(lookup_path, CC_NEIGHBOURS_MAX_BYTES, &lookup, err);
  if (!st) st = column(sn, "old_la_code", &own_col, err);
  for (size_t i = 0; !st && i < CC_NEIGHBOURS_PER_COUNCIL; i++) {
    char name[16];
    snprintf(name, sizeof name, "SN_%zu", i + 1);
    st = column(sn, name, &sn_cols[i], err);
  }
  if (!st) st = column(lookup, "code", &lookup_cols[0], err);
  if (!st) st = column(lookup, "dfe_code", &lookup_cols[1], err);
  if (!st) lookup_cols[2] = cc_csv_table_column(lookup, "status"); /* optional */
  if (!st) {
    t = calloc(1, sizeof *t);
    if (t) {
      t->codes = calloc(sn->n_rows + 1, sizeof *t->codes);
      t->dfe_codes = calloc(sn->n_rows + 1, sizeof *t->dfe_codes);
      t->neighbours = calloc(sn->n_rows + 1, sizeof *t->neighbours);
    }
    if (!t || !t->codes || !t->dfe_codes || !t->neighbours) st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t r = 0; !st && r < sn->n_rows; r++) {
    st = translate(sn, r, own_col, lookup, lookup_cols, t->codes[r], err);
    snprintf(t->dfe_codes[r], CC_GEOGRAPHY_MAX, "%s", cc_csv_table_cell(sn, r, (size_t)own_col));
    for (size_t i = 0; !st && i < CC_NEIGHBOURS_PER_COUNCIL; i++)
      st = translate(sn, r, sn_cols[i], lookup, lookup_cols, t->neighbours[r][i], err);
    for (size_t q = 0; !st && q < r; q++)
      if (strcmp(t->codes[q], t->codes[r]) == 0)
        st = cc_error_set(err, CC_EINPUT, sn_path, cc_csv_table_line(sn, r), "old_la_code",
                          "council %s (DfE %s) is listed twice (line %ld)", t->codes[r], t->dfe_codes[r], cc_csv_table_line(sn, q));
    if (!st) t->n = r + 1;
  }
  cc_csv_table_free(sn);
  cc_csv_table_free(lookup);
  if (st) {
    cc_neighbours_free(t);
    return st;
  }
  *out = t;
  return CC_OK;
}

void cc_neighbours_free(cc_neighbours *t) {
  if (!t) return;
  free(t->codes);
  free(t->dfe_codes);
  free(t->neighbours);
  free(t);
}

const char (*cc_neighbours_of(const cc_neighbours *t, const char *code))[CC_GEOGRAPHY_MAX] {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->codes[i], code) == 0) return t->neighbours[i];
  return NULL;
}

/* ---- the neighbours' exit rates ---------------------------------------- */

void cc_exit_rates_free(cc_exit_rates *r) {
  if (!r) return;
  free(r->codes);
  free(r->states);
  free(r->probability);
  free(r->person_months);
  free(r);
}

/* A number in [low, high] from cell (row, col) of t into *out. */
static cc_status number_cell(const cc_csv_table *t, size_t row, long col, double low, double high, double *out, cc_error *err) {
  const char *text = cc_csv_table_cell(t, row, (size_t)col);
  char *end;
  double v = strtod(text, &end);
  if (end == text || *end || !(v >= low && v <= high))
    return cc_error_set(err, CC_EINPUT, t->path, cc_csv_table_line(t, row), cc_csv_table_header(t, (size_t)col),
                        "'%s' is not a number from %g to %g", text, low, high);
  *out = v;
  return CC_OK;
}

cc_status cc_exit_rates_load(const char *path, cc_exit_rates **out, cc_error *err) {
  cc_csv_table *t = NULL;
  cc_exit_rates *r = NULL;
  long cols[4];
  static const char *const names[4] = {"geography_code", "state", "exit_probability", "person_months"};
  *out = NULL;
  cc_status st = cc_csv_table_read(path, CC_NEIGHBOURS_MAX_BYTES, &t, err);
  for (int c = 0; !st && c < 4; c++) st = column(t, names[c], &cols[c], err);
  if (!st) {
    r = calloc(1, sizeof *r);
    if (r) {
      r->codes = calloc(t->n_rows + 1, sizeof *r->codes);
      r->states = calloc(t->n_rows + 1, sizeof *r->states);
      r->probability = calloc(t->n_rows + 1, sizeof *r->probability);
      r->person_months = calloc(t->n_rows + 1, sizeof *r->person_months);
    }
    if (!r || !r->codes || !r->states || !r->probability || !r->person_months)
      st = cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t row = 0; !st && row < t->n_rows; row++) {
    const char *code = cc_csv_table_cell(t, row, (size_t)cols[0]), *state = cc_csv_table_cell(t, row, (size_t)cols[1]);
    if (!*code || strlen(code) >= CC_GEOGRAPHY_MAX || !*state || strlen(state) >= CC_STATE_NAME_MAX) {
      st = cc_error_set(err, CC_EINPUT, path, cc_csv_table_line(t, row), !*code || strlen(code) >= CC_GEOGRAPHY_MAX ? names[0] : names[1],
                        "empty or too long");
      break;
    }
    st = number_cell(t, row, cols[2], 0.0, 1.0, &r->probability[row], err);
    if (!st) st = number_cell(t, row, cols[3], 0.0, HUGE_VAL, &r->person_months[row], err);
    double p, n;
    if (!st && cc_exit_rates_get(r, code, state, &p, &n))
      st = cc_error_set(err, CC_EINPUT, path, cc_csv_table_line(t, row), names[0], "%s in state %s is given twice", code, state);
    if (!st) {
      snprintf(r->codes[row], CC_GEOGRAPHY_MAX, "%s", code);
      snprintf(r->states[row], CC_STATE_NAME_MAX, "%s", state);
      r->n = row + 1;
    }
  }
  cc_csv_table_free(t);
  if (st) {
    cc_exit_rates_free(r);
    return st;
  }
  *out = r;
  return CC_OK;
}

int cc_exit_rates_get(const cc_exit_rates *r, const char *code, const char *state, double *probability,
                      double *person_months) {
  for (size_t i = 0; i < r->n; i++)
    if (strcmp(r->codes[i], code) == 0 && strcmp(r->states[i], state) == 0) {
      *probability = r->probability[i];
      *person_months = r->person_months[i];
      return 1;
    }
  return 0;
}
