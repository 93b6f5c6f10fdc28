/* fixture.c: see fixture.h. */
#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE_LINE_MAX 65536

/* Split one CSV line into fields, honouring double quotes ("" inside quotes is a quote). */
static char **split(char *line, size_t *count) {
  size_t capacity = 16, n = 0, len = strlen(line);
  char **fields = malloc(capacity * sizeof *fields);
  char *field = malloc(len + 1);
  size_t used = 0;
  int quoted = 0;
  line[strcspn(line, "\r\n")] = '\0';
  for (char *p = line;; p++) {
    if (quoted && *p == '"' && p[1] == '"') {
      field[used++] = '"';
      p++;
    } else if (*p == '"') {
      quoted = !quoted;
    } else if (*p == '\0' || (*p == ',' && !quoted)) {
      field[used] = '\0';
      if (n == capacity) fields = realloc(fields, (capacity *= 2) * sizeof *fields);
      fields[n++] = strdup(field);
      used = 0;
      if (*p == '\0') break;
    } else {
      field[used++] = *p;
    }
  }
  free(field);
  *count = n;
  return fields;
}

cc_fixture *cc_fixture_load(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/reference/fixtures/%s", CC_PROJECT_DIR, name);
  FILE *file = fopen(path, "r");
  if (!file) return NULL;
  cc_fixture *f = calloc(1, sizeof *f);
  char *line = malloc(FIXTURE_LINE_MAX);
  size_t capacity = 0;
  if (fgets(line, FIXTURE_LINE_MAX, file)) f->columns = split(line, &f->n_columns);
  while (fgets(line, FIXTURE_LINE_MAX, file)) {
    if (line[0] == '\n' || line[0] == '\0') continue;
    size_t count;
    char **fields = split(line, &count);
    for (size_t k = f->n_columns; k < count; k++) free(fields[k]);
    while (count < f->n_columns) {
      fields = realloc(fields, f->n_columns * sizeof *fields);
      fields[count++] = strdup("");
    }
    if (f->n_rows == capacity) f->rows = realloc(f->rows, (capacity = capacity ? 2 * capacity : 256) * sizeof *f->rows);
    f->rows[f->n_rows++] = fields;
  }
  free(line);
  fclose(file);
  return f;
}

void cc_fixture_free(cc_fixture *f) {
  if (!f) return;
  for (size_t r = 0; r < f->n_rows; r++) {
    for (size_t c = 0; c < f->n_columns; c++) free(f->rows[r][c]);
    free(f->rows[r]);
  }
  for (size_t c = 0; c < f->n_columns; c++) free(f->columns[c]);
  free(f->rows);
  free(f->columns);
  free(f);
}

int cc_fixture_column(const cc_fixture *f, const char *name) {
  for (size_t c = 0; c < f->n_columns; c++)
    if (strcmp(f->columns[c], name) == 0) return (int)c;
  return -1;
}

const char *cc_fixture_text(const cc_fixture *f, size_t r, const char *name) {
  int c = cc_fixture_column(f, name);
  return c < 0 || r >= f->n_rows ? "" : f->rows[r][c];
}

double cc_fixture_number(const cc_fixture *f, size_t r, const char *name) {
  const char *text = cc_fixture_text(f, r, name);
  if (!*text || strcmp(text, "NA") == 0) return NAN;
  char *end;
  double value = strtod(text, &end);
  return *end ? NAN : value;
}

int cc_fixture_close(double got, double expected, double tolerance) {
  if (isnan(expected)) return isnan(got);
  return fabs(got - expected) <= tolerance * fmax(1, fabs(expected));
}

size_t cc_fixture_series_part(const cc_fixture *f, const char *case_name, const char *split, double *values, size_t max,
                              int *period) {
  size_t count = 0;
  for (size_t r = 0; r < f->n_rows; r++) {
    if (strcmp(cc_fixture_text(f, r, "case"), case_name) != 0) continue;
    if (split && strcmp(cc_fixture_text(f, r, "split"), split) != 0) continue;
    if (count < max) values[count] = cc_fixture_number(f, r, "value");
    count++;
    if (period) *period = atoi(cc_fixture_text(f, r, "period"));
  }
  return count;
}

size_t cc_fixture_words(const char *text, char words[][CC_FIXTURE_WORD_MAX], size_t max) {
  size_t count = 0;
  const char *p = text;
  while (*p && count < max) {
    while (*p == ' ') p++;
    if (!*p) break;
    size_t len = strcspn(p, " ");
    snprintf(words[count], CC_FIXTURE_WORD_MAX, "%.*s", (int)len, p);
    count++;
    p += len;
  }
  return count;
}

void cc_fixture_arima_variant(const cc_fixture *f, size_t r, char *variant, size_t size) {
  int order[6];
  const char *columns[6] = {"p", "d", "q", "P", "D", "Q"};
  for (int i = 0; i < 6; i++) order[i] = (int)cc_fixture_number(f, r, columns[i]);
  snprintf(variant, size, "%d,%d,%d:%d,%d,%d:%s", order[0], order[1], order[2], order[3], order[4], order[5],
           cc_fixture_text(f, r, "constant"));
}
