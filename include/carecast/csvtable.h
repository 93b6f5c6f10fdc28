/* csvtable.h: a whole CSV file as a table of text cells, with the line each
 * row started on, for the readers of publishers' and partners' files whose
 * columns are found by name (SSDA903 episodes, person-level extracts, ...).
 *
 * Parsing is libcsv's strict mode (RFC 4180 quoting), fed one physical line
 * at a time so that every row knows its line for error messages. The first
 * row is the header; blank lines are skipped; a UTF-8 byte-order mark is
 * dropped; cells keep their text exactly (no trimming, no conversion). A
 * row with a different number of fields from the header, or malformed
 * quoting, is an error naming the file and line. */
#ifndef CARECAST_CSVTABLE_H
#define CARECAST_CSVTABLE_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_CSV_TABLE_MAX_BYTES ((size_t)1 << 30) /* refuse files over 1 GiB */

typedef struct cc_csv_table {
  char *path;          /* the file read, as given */
  size_t n_cols;       /* fields per row, as in the header */
  size_t n_rows;       /* data rows (the header not counted) */
  char **header;       /* n_cols column names */
  char **cells;        /* n_rows x n_cols cell texts, row-major, NUL-terminated */
  long *lines;         /* n_rows: the line of the file each row started on (1-based) */
  char *text;          /* storage of every cell (owned) */
} cc_csv_table;

/* Read the CSV at path. On success *out is a table the caller frees with
 * cc_csv_table_free. CC_EINPUT (FILE:LINE) for an unreadable or malformed
 * file, CC_ENOMEM when out of memory. */
CC_MUST_CHECK cc_status cc_csv_table_read(const char *path, cc_csv_table **out, cc_error *err);

/* Free t. No operation when t is NULL. */
void cc_csv_table_free(cc_csv_table *t);

/* The index of the column called name, or -1 when there is none. */
int cc_csv_table_column(const cc_csv_table *t, const char *name);

/* Like cc_csv_table_column, but a missing column is CC_EINPUT naming the file
 * and the column. */
CC_MUST_CHECK cc_status cc_csv_table_require(const cc_csv_table *t, const char *name, int *column, cc_error *err);

/* The text of row r, column c. */
static inline const char *cc_csv_table_cell(const cc_csv_table *t, size_t r, size_t c) {
  return t->cells[r * t->n_cols + c];
}

#endif
