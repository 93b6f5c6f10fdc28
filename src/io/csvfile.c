/* csvfile.c: CSV text to rows with their line numbers (see csvfile.h).
 *
 * libcsv is fed one physical line at a time so that every row knows the
 * line it started on; fields are gathered in one growing buffer per row
 * and handed to the caller when the row ends. The table reader builds on
 * the row reader and keeps every cell of a file in one allocation. */
#include "carecast/csvfile.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carecast/wipe.h"

#define CC_CSV_FIELDS_INITIAL 32     /* field slots allocated first; grown by doubling */
#define CC_CSV_BYTES_INITIAL 1024    /* row text bytes allocated first; grown by doubling */

/* State while libcsv calls back. */
typedef struct row_reader {
  const char *path;    /* for messages */
  long line;           /* physical line being fed */
  long row_line;       /* line the current row started on */
  int row_started;     /* a row is in progress */
  char *bytes;         /* the current row's fields, each NUL-terminated */
  size_t bytes_used;   /* bytes of `bytes` in use */
  size_t bytes_cap;    /* allocated size of `bytes` */
  size_t *offsets;     /* start of each field in `bytes` */
  const char **fields; /* pointers handed to the caller */
  size_t n_fields;     /* fields of the current row so far */
  size_t fields_cap;   /* allocated length of offsets and fields */
  cc_csv_row_fn on_row;
  void *user;
  int stopped;       /* the caller asked to stop */
  int wipe;          /* zero the row's text after each row (personal identifiers) */
  int out_of_memory; /* an allocation failed: stop */
} row_reader;

static int grow(void **block, size_t *cap, size_t need, size_t unit, size_t initial) {
  if (need <= *cap) return 0;
  size_t capacity = *cap ? *cap : initial;
  while (capacity < need) capacity *= 2;
  void *grown = realloc(*block, capacity * unit);
  if (!grown) return 1;
  *block = grown;
  *cap = capacity;
  return 0;
}

static void on_field(void *data, size_t len, void *user) {
  row_reader *r = user;
  if (r->out_of_memory || r->stopped) return;
  if (!r->row_started) { /* a row begun after a lone CR, in the middle of a line */
    r->row_started = 1;
    r->row_line = r->line;
  }
  size_t fields_cap = r->fields_cap;
  if (grow((void **)&r->offsets, &fields_cap, r->n_fields + 1, sizeof *r->offsets, CC_CSV_FIELDS_INITIAL) ||
      grow((void **)&r->fields, &r->fields_cap, r->n_fields + 1, sizeof *r->fields, CC_CSV_FIELDS_INITIAL) ||
      grow((void **)&r->bytes, &r->bytes_cap, r->bytes_used + len + 1, 1, CC_CSV_BYTES_INITIAL)) {
    r->out_of_memory = 1;
    return;
  }
  if (len) memcpy(r->bytes + r->bytes_used, data, len);
  r->bytes[r->bytes_used + len] = '\0';
  r->offsets[r->n_fields++] = r->bytes_used;
  r->bytes_used += len + 1;
}

static void on_row(int terminator, void *user) {
  row_reader *r = user;
  (void)terminator;
  if (!r->out_of_memory && !r->stopped) {
    for (size_t i = 0; i < r->n_fields; i++) r->fields[i] = r->bytes + r->offsets[i];
    if (r->on_row(r->fields, r->n_fields, r->row_line, r->user)) r->stopped = 1;
  }
  if (r->wipe && r->bytes) cc_secure_wipe(r->bytes, r->bytes_used);
  r->n_fields = 0;
  r->bytes_used = 0;
  r->row_started = 0;
}

/* Line of the first byte that is not valid UTF-8, or 0 when all is valid.
 * Well-formed means Unicode's Table 3-7: no overlong forms, no UTF-16
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF. */
static long invalid_utf8_line(const unsigned char *p, size_t len) {
  long line = 1;
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    if (c == '\n') line++;
    if (c == 0) return line;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t extra;
    unsigned char second_min = 0x80, second_max = 0xbf; /* allowed range of the byte after c */
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      if (c == 0xe0) second_min = 0xa0; /* below is an overlong form */
      if (c == 0xed) second_max = 0x9f; /* above is a surrogate */
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      if (c == 0xf0) second_min = 0x90; /* below is an overlong form */
      if (c == 0xf4) second_max = 0x8f; /* above is past U+10FFFF */
    } else {
      return line;
    }
    if (len - i <= extra) return line;
    if (p[i + 1] < second_min || p[i + 1] > second_max) return line;
    for (size_t k = 2; k <= extra; k++)
      if ((p[i + k] & 0xc0) != 0x80) return line;
    i += extra + 1;
  }
  return 0;
}

/* 1 when a line holds nothing libcsv would make a field of: spaces, tabs and
 * line ends only. (isspace would also take \f and \v, which libcsv keeps as
 * text, and the row they start would get the line of the row before.) */
static int is_blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return 0;
  return 1;
}

static const char utf8_bom[] = "\xEF\xBB\xBF";

/* The parse itself; with wipe every buffer that held field text is zeroed
 * after each row and before it is freed. */
static cc_status parse_rows(const char *path, const char *text, size_t len, int wipe, cc_csv_row_fn row_fn, void *user,
                            cc_error *err) {
  if (len >= 3 && memcmp(text, utf8_bom, 3) == 0) text += 3, len -= 3;
  long bad_line = invalid_utf8_line((const unsigned char *)text, len);
  if (bad_line) return cc_error_set(err, CC_EINPUT, path, bad_line, NULL, "%s", "not valid UTF-8 text (or holds a NUL byte)");

  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory starting the CSV parser");
  row_reader r = {.path = path, .on_row = row_fn, .user = user, .wipe = wipe};
  size_t pos = 0;
  int failed = 0;
  while (pos < len && !failed && !r.out_of_memory && !r.stopped) {
    const char *newline = memchr(text + pos, '\n', len - pos);
    size_t chunk = newline ? (size_t)(newline - (text + pos)) + 1 : len - pos;
    r.line++;
    if (!r.row_started && !is_blank(text + pos, chunk)) {
      r.row_started = 1;
      r.row_line = r.line;
    }
    if (csv_parse(&parser, text + pos, chunk, on_field, on_row, &r) != chunk) failed = 1;
    pos += chunk;
  }
  if (!failed && !r.out_of_memory && !r.stopped && csv_fini(&parser, on_field, on_row, &r) != 0) failed = 1;
  cc_status status = CC_OK;
  if (r.out_of_memory) status = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  else if (failed && csv_error(&parser) == CSV_EPARSE)
    status = cc_error_set(err, CC_EINPUT, path, r.row_started ? r.row_line : r.line, "row", "%s",
                          "malformed quoting (a quote inside an unquoted field, text after a closing quote, or a quote never closed)");
  else if (failed)
    status = cc_error_set(err, CC_ENOMEM, path, r.line, NULL, "CSV parser failed: %s", csv_strerror(csv_error(&parser)));
  if (wipe && parser.entry_buf) cc_secure_wipe(parser.entry_buf, parser.entry_size);
  csv_free(&parser);
  if (wipe && r.bytes) cc_secure_wipe(r.bytes, r.bytes_cap);
  free(r.bytes);
  free(r.offsets);
  free(r.fields);
  return status;
}

cc_status cc_csv_parse(const char *path, const char *text, size_t len, cc_csv_row_fn row_fn, void *user,
                       cc_error *err) {
  return parse_rows(path, text, len, 0, row_fn, user, err);
}

cc_status cc_csv_parse_sensitive(const char *path, const char *text, size_t len, cc_csv_row_fn row_fn, void *user,
                                 cc_error *err) {
  return parse_rows(path, text, len, 1, row_fn, user, err);
}

/* State while a table is gathered. Cells are kept as offsets until the end,
 * because the text buffer moves as it grows. */
typedef struct table_builder {
  cc_csv_table *table;
  size_t *offsets;      /* (rows + 1) * n_cols cell offsets into text */
  size_t offsets_cap;
  size_t lines_cap;
  size_t text_used;
  size_t text_cap;
  size_t rows;          /* rows gathered, header included */
  cc_error problem;     /* a row with the wrong number of fields */
  int out_of_memory;
} table_builder;

static int gather_row(const char *const *fields, size_t n_fields, long line, void *user) {
  table_builder *b = user;
  cc_csv_table *t = b->table;
  if (b->rows == 0) {
    t->n_cols = n_fields;
  } else if (n_fields != t->n_cols) {
    cc_error_set(&b->problem, CC_EINPUT, t->path, line, "row", "expected %zu fields as the header has, found %zu",
                 t->n_cols, n_fields);
    return 1;
  }
  size_t bytes = 0;
  for (size_t i = 0; i < n_fields; i++) bytes += strlen(fields[i]) + 1;
  if (grow((void **)&b->offsets, &b->offsets_cap, (b->rows + 1) * t->n_cols, sizeof *b->offsets, CC_CSV_FIELDS_INITIAL) ||
      grow((void **)&t->lines, &b->lines_cap, b->rows + 1, sizeof *t->lines, CC_CSV_FIELDS_INITIAL) ||
      grow((void **)&t->text, &b->text_cap, b->text_used + bytes, 1, CC_CSV_BYTES_INITIAL)) {
    b->out_of_memory = 1;
    return 1;
  }
  for (size_t i = 0; i < n_fields; i++) {
    size_t n = strlen(fields[i]) + 1;
    memcpy(t->text + b->text_used, fields[i], n);
    b->offsets[b->rows * t->n_cols + i] = b->text_used;
    b->text_used += n;
  }
  t->lines[b->rows++] = line;
  return 0;
}

void cc_csv_table_free(cc_csv_table *t) {
  if (!t) return;
  free(t->path);
  free(t->cells);
  free(t->lines);
  free(t->text);
  free(t);
}

cc_status cc_csv_table_read(const char *path, size_t max_bytes, cc_csv_table **out, cc_error *err) {
  *out = NULL;
  char *data = NULL;
  size_t len = 0;
  cc_status status = cc_file_read(path, max_bytes, &data, &len, err);
  if (status) return status;
  cc_csv_table *t = calloc(1, sizeof *t);
  if (!t || !(t->path = strdup(path))) {
    free(t);
    free(data);
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  }
  cc_sha256_hex(data, len, t->sha256);
  table_builder b = {.table = t};
  status = cc_csv_parse(path, data, len, gather_row, &b, err);
  free(data);
  if (!status && b.out_of_memory) status = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  if (!status && b.problem.status) {
    if (err) *err = b.problem;
    status = b.problem.status;
  }
  if (!status && b.rows == 0) status = cc_error_set(err, CC_EINPUT, path, 1, "header", "the file is empty (no header row)");
  if (!status && !(t->cells = malloc(b.rows * t->n_cols * sizeof *t->cells)))
    status = cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  if (status) {
    free(b.offsets);
    cc_csv_table_free(t);
    return status;
  }
  for (size_t i = 0; i < b.rows * t->n_cols; i++) t->cells[i] = t->text + b.offsets[i];
  free(b.offsets);
  t->n_rows = b.rows - 1;
  *out = t;
  return CC_OK;
}

const char *cc_csv_table_cell(const cc_csv_table *t, size_t row, size_t col) {
  return t->cells[(row + 1) * t->n_cols + col];
}

long cc_csv_table_line(const cc_csv_table *t, size_t row) { return t->lines[row + 1]; }

const char *cc_csv_table_header(const cc_csv_table *t, size_t col) { return t->cells[col]; }

/* strcasecmp of a header cell and name, ignoring spaces around the cell. */
static int header_is(const char *cell, const char *name) {
  while (*cell == ' ') cell++;
  size_t n = strlen(cell);
  while (n > 0 && cell[n - 1] == ' ') n--;
  return strlen(name) == n && strncasecmp(cell, name, n) == 0;
}

long cc_csv_table_column(const cc_csv_table *t, const char *name) {
  for (size_t c = 0; c < t->n_cols; c++)
    if (header_is(t->cells[c], name)) return (long)c;
  return -1;
}
