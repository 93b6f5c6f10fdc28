/* csvrows.c: cutting CSV text into rows with line numbers (see csvrows.h).
 *
 * libcsv is fed one physical line at a time, so the line a row starts on is
 * known when its first field arrives. Fields are copied into a fixed table
 * of CC_CSV_FIELDS_MAX buffers; the row callback sees them as C strings. */
#include "carecast/csvrows.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/wipe.h"

typedef struct row_state {
  const char *path;          /* for messages */
  unsigned flags;            /* CC_CSV_ROWS_* */
  long line;                 /* physical line being fed */
  long row_line;             /* line the current row started on */
  int row_started;           /* a row is in progress */
  size_t n_fields;           /* fields of the current row so far */
  char (*field)[CC_CSV_FIELD_MAX]; /* CC_CSV_FIELDS_MAX buffers */
  char *pointers[CC_CSV_FIELDS_MAX]; /* field[i], as the row hands them out */
  cc_csv_row_fn on_row;      /* the caller's callback */
  void *context;             /* its context */
  cc_error *err;             /* where a stop is explained */
  cc_status status;          /* CC_OK until something stops the parse */
} row_state;

static void stop(row_state *s, cc_status status) {
  if (s->status == CC_OK) s->status = status;
}

static void on_field(void *data, size_t len, void *user) {
  row_state *s = user;
  if (s->status) return;
  if (!s->row_started) { /* a row begun after a lone CR, in the middle of a line */
    s->row_started = 1;
    s->row_line = s->line;
  }
  if (s->n_fields >= CC_CSV_FIELDS_MAX) {
    stop(s, cc_error_set(s->err, CC_EINPUT, s->path, s->row_line, "row", "more than %d fields", CC_CSV_FIELDS_MAX));
    return;
  }
  if (len >= CC_CSV_FIELD_MAX) {
    stop(s, cc_error_set(s->err, CC_EINPUT, s->path, s->row_line, "row", "field %zu is longer than %d characters",
                         s->n_fields + 1, CC_CSV_FIELD_MAX - 1));
    return;
  }
  char *slot = s->field[s->n_fields++];
  if (len) memcpy(slot, data, len);
  slot[len] = '\0';
}

static void wipe_row(row_state *s) {
  if (!(s->flags & CC_CSV_ROWS_WIPE)) return;
  for (size_t i = 0; i < s->n_fields; i++) cc_secure_wipe(s->field[i], CC_CSV_FIELD_MAX);
}

static void on_row(int terminator, void *user) {
  row_state *s = user;
  (void)terminator;
  if (s->status == CC_OK) {
    cc_csv_row row = {s->row_line, s->n_fields, s->pointers};
    stop(s, s->on_row(&row, s->context, s->err));
  }
  wipe_row(s);
  s->n_fields = 0;
  s->row_started = 0;
}

/* 1 when a line holds nothing libcsv would make a field of. */
static int is_blank(const char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return 0;
  return 1;
}

static const char utf8_bom[] = "\xEF\xBB\xBF";

cc_status cc_csv_rows_parse(const char *path, const char *text, size_t len, unsigned flags, cc_csv_row_fn on_row_fn,
                            void *context, cc_error *err) {
  row_state s = {.path = path, .flags = flags, .on_row = on_row_fn, .context = context, .err = err};
  s.field = calloc(CC_CSV_FIELDS_MAX, sizeof *s.field);
  if (!s.field) return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  for (size_t i = 0; i < CC_CSV_FIELDS_MAX; i++) s.pointers[i] = s.field[i];
  struct csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    free(s.field);
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory starting the CSV parser");
  }
  if (len >= 3 && memcmp(text, utf8_bom, 3) == 0) text += 3, len -= 3;
  size_t pos = 0;
  int failed = 0;
  while (pos < len && !failed && s.status == CC_OK) {
    const char *newline = memchr(text + pos, '\n', len - pos);
    size_t chunk = newline ? (size_t)(newline - (text + pos)) + 1 : len - pos;
    s.line++;
    if (!s.row_started && !is_blank(text + pos, chunk)) {
      s.row_started = 1;
      s.row_line = s.line;
    }
    if (csv_parse(&parser, text + pos, chunk, on_field, on_row, &s) != chunk) failed = 1;
    pos += chunk;
  }
  if (!failed && s.status == CC_OK && csv_fini(&parser, on_field, on_row, &s) != 0) failed = 1;
  if (s.status == CC_OK && failed) {
    if (csv_error(&parser) == CSV_EPARSE)
      s.status = cc_error_set(err, CC_EINPUT, path, s.row_started ? s.row_line : s.line, "row", "%s",
                              "malformed quoting (a quote inside an unquoted field, text after a closing quote, "
                              "or a quote never closed)");
    else
      s.status = cc_error_set(err, CC_ENOMEM, path, s.line, NULL, "CSV parser failed: %s",
                              csv_strerror(csv_error(&parser)));
  }
  if ((flags & CC_CSV_ROWS_WIPE) && parser.entry_buf) cc_secure_wipe(parser.entry_buf, parser.entry_size);
  csv_free(&parser);
  wipe_row(&s);
  free(s.field);
  return s.status;
}
