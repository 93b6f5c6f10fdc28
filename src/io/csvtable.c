/* csvtable.c: reading a CSV file into a table of text cells (csvtable.h).
 * Cells are gathered into one growing text buffer and addressed by offset
 * while reading (the buffer moves as it grows), then turned into pointers. */
#include "carecast/csvtable.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/file.h"

static const char utf8_bom[] = "\xEF\xBB\xBF";

typedef struct table_reader {
  const char *path;
  char *text;            /* cell texts, NUL-terminated, back to back */
  size_t text_len, text_cap;
  size_t *offsets;       /* cell offsets into text, row-major, header first */
  size_t n_cells, cells_cap;
  long *lines;           /* line each row (header included) started on */
  size_t n_rows, rows_cap;
  size_t row_fields;     /* fields of the row being read */
  size_t n_cols;         /* fields of the header (0 before it is read) */
  long line, row_line;   /* physical line being fed; line the current row started on */
  int row_started;
  int out_of_memory;
  cc_error *err;
  int bad_row;           /* set when a row had the wrong number of fields */
} table_reader;

static int grow(void **buffer, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return 1;
  size_t cap_new = *cap ? *cap : 64;
  while (cap_new < need) cap_new *= 2;
  void *p = realloc(*buffer, cap_new * size);
  if (!p) return 0;
  *buffer = p;
  *cap = cap_new;
  return 1;
}

static void on_field(void *data, size_t len, void *user) {
  table_reader *r = user;
  if (r->out_of_memory) return;
  if (!grow((void **)&r->text, &r->text_cap, r->text_len + len + 1, 1) ||
      !grow((void **)&r->offsets, &r->cells_cap, r->n_cells + 1, sizeof *r->offsets)) {
    r->out_of_memory = 1;
    return;
  }
  r->offsets[r->n_cells++] = r->text_len;
  if (len) memcpy(r->text + r->text_len, data, len);
  r->text[r->text_len + len] = '\0';
  r->text_len += len + 1;
  r->row_fields++;
}

static void on_row(int terminator, void *user) {
  table_reader *r = user;
  if (r->out_of_memory) return;
  size_t fields = r->row_fields;
  r->row_fields = 0;
  r->row_started = 0;
  if (r->n_rows == 0) r->n_cols = fields;
  else if (fields != r->n_cols && !r->bad_row) {
    r->bad_row = 1;
    cc_error_set(r->err, CC_EINPUT, r->path, r->row_line, "row", "%zu fields where the header has %zu", fields, r->n_cols);
  }
  if (!grow((void **)&r->lines, &r->rows_cap, r->n_rows + 1, sizeof *r->lines)) {
    r->out_of_memory = 1;
    return;
  }
  r->lines[r->n_rows++] = r->row_line;
}

static int is_blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return 0;
  return 1;
}

static cc_status parse(table_reader *r, const char *text, size_t len) {
  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    return cc_error_set(r->err, CC_ENOMEM, r->path, 0, NULL, "out of memory starting the CSV parser");
  size_t pos = 0;
  int failed = 0;
  while (pos < len && !failed && !r->out_of_memory && !r->bad_row) {
    const char *newline = memchr(text + pos, '\n', len - pos);
    size_t chunk = newline ? (size_t)(newline - (text + pos)) + 1 : len - pos;
    r->line++;
    if (!r->row_started && !is_blank(text + pos, chunk)) {
      r->row_started = 1;
      r->row_line = r->line;
    }
    if (csv_parse(&parser, text + pos, chunk, on_field, on_row, r) != chunk) failed = 1;
    pos += chunk;
  }
  if (!failed && !r->out_of_memory && !r->bad_row && csv_fini(&parser, on_field, on_row, r) != 0) failed = 1;
  cc_status status = CC_OK;
  if (r->out_of_memory) status = cc_error_set(r->err, CC_ENOMEM, r->path, 0, NULL, "out of memory");
  else if (r->bad_row) status = CC_EINPUT;
  else if (failed)
    status = cc_error_set(r->err, CC_EINPUT, r->path, r->row_started ? r->row_line : r->line, "row",
                          "malformed CSV: %s", csv_strerror(csv_error(&parser)));
  csv_free(&parser);
  return status;
}

cc_status cc_csv_table_read(const char *path, cc_csv_table **out, cc_error *err) {
  *out = NULL;
  char *data = NULL;
  size_t len = 0;
  cc_status st = cc_file_read(path, CC_CSV_TABLE_MAX_BYTES, &data, &len, err);
  if (st != CC_OK) return st;
  table_reader r = {.path = path, .err = err};
  size_t skip = len >= 3 && memcmp(data, utf8_bom, 3) == 0 ? 3 : 0;
  st = parse(&r, data + skip, len - skip);
  free(data);
  if (st == CC_OK && r.n_rows == 0) st = cc_error_set(err, CC_EINPUT, path, 1, "header", "the file is empty: a header row is needed");
  cc_csv_table *t = NULL;
  if (st == CC_OK && !(t = calloc(1, sizeof *t))) st = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  if (st == CC_OK) {
    t->path = strdup(path);
    t->n_cols = r.n_cols;
    t->n_rows = r.n_rows - 1;
    t->text = r.text;
    r.text = NULL;
    t->header = malloc((r.n_cells ? r.n_cells : 1) * sizeof *t->header);
    t->lines = malloc((t->n_rows ? t->n_rows : 1) * sizeof *t->lines);
    if (!t->path || !t->header || !t->lines) {
      st = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
    } else {
      for (size_t c = 0; c < r.n_cells; c++) t->header[c] = t->text + r.offsets[c];
      t->cells = t->header + t->n_cols;
      if (t->n_rows) memcpy(t->lines, r.lines + 1, t->n_rows * sizeof *t->lines);
    }
  }
  free(r.text);
  free(r.offsets);
  free(r.lines);
  if (st != CC_OK) {
    cc_csv_table_free(t);
    return st;
  }
  *out = t;
  return CC_OK;
}

void cc_csv_table_free(cc_csv_table *t) {
  if (!t) return;
  free(t->path);
  free(t->header); /* the cells follow the header in the same array */
  free(t->lines);
  free(t->text);
  free(t);
}

int cc_csv_table_column(const cc_csv_table *t, const char *name) {
  for (size_t c = 0; c < t->n_cols; c++)
    if (strcmp(t->header[c], name) == 0) return (int)c;
  return -1;
}

cc_status cc_csv_table_require(const cc_csv_table *t, const char *name, int *column, cc_error *err) {
  *column = cc_csv_table_column(t, name);
  if (*column < 0) return cc_error_set(err, CC_EINPUT, t->path, 1, name, "the header has no column '%s'", name);
  return CC_OK;
}
