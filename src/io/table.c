/* table.c: reading a CSV table with a header row (see table.h), through
 * libcsv so quoting follows RFC 4180 as it does for sources. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/file.h"
#include "carecast/table.h"

/* Parser state: the row being built and the table so far. */
typedef struct table_reader {
  cc_table *table;
  char **fields;       /* fields of the row being read */
  size_t n_fields, capacity;
  size_t row_capacity;
  long line;           /* physical line being fed */
  long row_line;       /* line the current row started on */
  int in_row;          /* a row has started and not yet ended */
  int header_done;
  int out_of_memory;
  int width_error;     /* a row with the wrong number of fields */
  long width_line;
} table_reader;

static void on_field(void *data, size_t len, void *context) {
  table_reader *r = context;
  if (r->out_of_memory) return;
  if (r->n_fields == r->capacity) {
    size_t capacity = r->capacity ? 2 * r->capacity : 16;
    char **grown = realloc(r->fields, capacity * sizeof *grown);
    if (!grown) { r->out_of_memory = 1; return; }
    r->fields = grown;
    r->capacity = capacity;
  }
  char *text = malloc(len + 1);
  if (!text) { r->out_of_memory = 1; return; }
  if (len) memcpy(text, data, len);
  text[len] = '\0';
  r->fields[r->n_fields++] = text;
}

static void drop_fields(table_reader *r) {
  for (size_t i = 0; i < r->n_fields; i++) free(r->fields[i]);
  r->n_fields = 0;
}

static void on_row(int terminator, void *context) {
  (void)terminator;
  table_reader *r = context;
  cc_table *t = r->table;
  r->in_row = 0;
  if (r->out_of_memory || r->width_error) { drop_fields(r); return; }
  if (!r->header_done) {
    t->columns = r->fields;
    t->n_columns = r->n_fields;
    r->fields = NULL;
    r->n_fields = r->capacity = 0;
    r->header_done = 1;
    return;
  }
  if (r->n_fields != t->n_columns) {
    r->width_error = 1;
    r->width_line = r->row_line;
    drop_fields(r);
    return;
  }
  if (t->n_rows == r->row_capacity) {
    size_t capacity = r->row_capacity ? 2 * r->row_capacity : 64;
    char ***rows = realloc(t->rows, capacity * sizeof *rows);
    long *lines = rows ? realloc(t->lines, capacity * sizeof *lines) : NULL;
    if (rows) t->rows = rows;
    if (!rows || !lines) { r->out_of_memory = 1; drop_fields(r); return; }
    t->lines = lines;
    r->row_capacity = capacity;
  }
  t->rows[t->n_rows] = r->fields;
  t->lines[t->n_rows++] = r->row_line;
  r->fields = NULL;
  r->n_fields = r->capacity = 0;
}

static int is_blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return 0;
  return 1;
}

/* Feed text a line at a time so rows know their line. */
static cc_status parse(table_reader *r, const char *text, size_t len, cc_error *err) {
  const char *path = r->table->path;
  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  size_t pos = 0;
  int failed = 0;
  while (pos < len && !failed && !r->out_of_memory && !r->width_error) {
    const char *newline = memchr(text + pos, '\n', len - pos);
    size_t chunk = newline ? (size_t)(newline - (text + pos)) + 1 : len - pos;
    r->line++;
    if (!r->in_row && !is_blank(text + pos, chunk)) {
      r->in_row = 1;
      r->row_line = r->line;
    }
    if (csv_parse(&parser, text + pos, chunk, on_field, on_row, r) != chunk) failed = 1;
    pos += chunk;
  }
  if (!failed && !r->out_of_memory && !r->width_error && csv_fini(&parser, on_field, on_row, r) != 0) failed = 1;
  cc_status status = CC_OK;
  if (r->out_of_memory) status = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  else if (r->width_error)
    status = cc_error_set(err, CC_EINPUT, path, r->width_line, "row", "expected %zu fields as in the header", r->table->n_columns);
  else if (failed) status = cc_error_set(err, CC_EINPUT, path, r->line, "row", "malformed quoting");
  csv_free(&parser);
  drop_fields(r);
  free(r->fields);
  return status;
}

cc_status cc_table_read(const char *path, const char *const *required, cc_table **out, cc_error *err) {
  *out = NULL;
  cc_table *t = calloc(1, sizeof *t);
  if (!t || !(t->path = strdup(path))) {
    free(t);
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  }
  char *text = NULL;
  size_t len = 0;
  cc_status status = cc_file_read(path, CC_TABLE_MAX_BYTES, &text, &len, err);
  if (!status) {
    size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* UTF-8 byte-order mark */
    table_reader r = {.table = t};
    status = parse(&r, text + skip, len - skip, err);
  }
  free(text);
  if (!status && t->n_columns == 0) status = cc_error_set(err, CC_EINPUT, path, 1, "header", "the file is empty");
  for (size_t i = 0; !status && required && required[i]; i++)
    if (cc_table_column(t, required[i]) < 0)
      status = cc_error_set(err, CC_EINPUT, path, 1, "header", "no column '%s'", required[i]);
  if (status) {
    cc_table_free(t);
    return status;
  }
  *out = t;
  return CC_OK;
}

void cc_table_free(cc_table *t) {
  if (!t) return;
  for (size_t r = 0; r < t->n_rows; r++) {
    for (size_t c = 0; c < t->n_columns; c++) free(t->rows[r][c]);
    free(t->rows[r]);
  }
  for (size_t c = 0; c < t->n_columns; c++) free(t->columns[c]);
  free(t->rows);
  free(t->lines);
  free(t->columns);
  free(t->path);
  free(t);
}

int cc_table_column(const cc_table *t, const char *name) {
  for (size_t c = 0; c < t->n_columns; c++)
    if (strcmp(t->columns[c], name) == 0) return (int)c;
  return -1;
}

const char *cc_table_field(const cc_table *t, size_t r, int c) { return t->rows[r][c]; }
