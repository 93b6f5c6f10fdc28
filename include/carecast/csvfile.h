/* csvfile.h: reading CSV text with libcsv, one row at a time or whole.
 *
 * Every CSV reader in carecast (the long-format source reader, the importer
 * of publishers' tables) shares this: a UTF-8 byte-order mark is skipped,
 * the text must be valid UTF-8, CRLF and LF line ends and quoted fields
 * are accepted, blank lines are skipped, and every row knows the physical
 * line it started on so that errors can say FILE:LINE. */
#ifndef CARECAST_CSVFILE_H
#define CARECAST_CSVFILE_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/file.h"

/* Called for each row: n_fields fields (NUL-terminated, valid until the call
 * returns) and the line the row started on. Return 0 to go on, non-zero to
 * stop reading (cc_csv_parse then returns CC_OK). */
typedef int (*cc_csv_row_fn)(const char *const *fields, size_t n_fields, long line, void *user);

/* Parse len bytes of CSV text (path is used in messages only) and call
 * on_row for every row, header included. Returns CC_EINPUT with FILE:LINE
 * for text that is not UTF-8 (field empty) or has malformed quoting (field
 * "row"), CC_ENOMEM when out of memory. */
CC_MUST_CHECK cc_status cc_csv_parse(const char *path, const char *text, size_t len, cc_csv_row_fn on_row, void *user,
                                     cc_error *err);

/* cc_csv_parse for text holding personal identifiers: every buffer that
 * held field text (the row's fields, libcsv's own buffer) is overwritten
 * with zeros after each row and before it is freed. */
CC_MUST_CHECK cc_status cc_csv_parse_sensitive(const char *path, const char *text, size_t len, cc_csv_row_fn on_row,
                                               void *user, cc_error *err);

/* A whole CSV file in memory: a header and rows of cells. */
typedef struct cc_csv_table {
  char *path;                         /* path as given */
  char sha256[CC_SHA256_HEX_LEN + 1]; /* of the file's bytes */
  size_t n_cols;                      /* columns of the header */
  size_t n_rows;                      /* data rows (the header not counted) */
  char **cells;                       /* (n_rows + 1) * n_cols cells, row 0 the header; point into `text` */
  long *lines;                        /* n_rows + 1 lines the rows started on */
  char *text;                         /* owned storage of every cell */
} cc_csv_table;

/* Read the CSV file at path (at most max_bytes) into a new table the caller
 * frees with cc_csv_table_free. Every row must have as many fields as the
 * header: otherwise CC_EINPUT naming FILE:LINE. An empty file is an error. */
CC_MUST_CHECK cc_status cc_csv_table_read(const char *path, size_t max_bytes, cc_csv_table **out, cc_error *err);

/* Free t. No operation when t is NULL. */
void cc_csv_table_free(cc_csv_table *t);

/* The cell of data row `row` (0-based, header excluded) in column col. */
const char *cc_csv_table_cell(const cc_csv_table *t, size_t row, size_t col);

/* The line data row `row` started on. */
long cc_csv_table_line(const cc_csv_table *t, size_t row);

/* The name of column col (its header cell). */
const char *cc_csv_table_header(const cc_csv_table *t, size_t col);

/* Index of the column whose header is name (case-insensitive, surrounding
 * spaces ignored), or -1 when there is none. */
long cc_csv_table_column(const cc_csv_table *t, const char *name);

#endif
