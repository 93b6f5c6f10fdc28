/* table.h: a small CSV table with a header row, read whole into memory.
 *
 * For reference tables carecast ships with its data (the geography lookups
 * of data/lookups): every field is kept as text, and each row remembers its
 * line in the file so that a problem can be reported as FILE:LINE: field. */
#ifndef CARECAST_TABLE_H
#define CARECAST_TABLE_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_TABLE_MAX_BYTES (64u * 1024u * 1024u) /* a lookup table larger than this is refused */

typedef struct cc_table {
  char *path;        /* file read (owned) */
  size_t n_columns;  /* columns in the header */
  char **columns;    /* header names (owned) */
  size_t n_rows;     /* data rows */
  char ***rows;      /* rows[r][c], n_columns fields each (owned) */
  long *lines;       /* line in the file of each row */
} cc_table;

/* Read the CSV file at path. The header must name every column in `required`
 * (a NULL-terminated list; may be NULL); every row must have as many fields
 * as the header. Blank lines are skipped. The caller frees *out with
 * cc_table_free. Errors name the file and line. */
CC_MUST_CHECK cc_status cc_table_read(const char *path, const char *const *required, cc_table **out, cc_error *err);

/* Free t. No operation when NULL. */
void cc_table_free(cc_table *t);

/* The index of column name, or -1 when the header has none. */
int cc_table_column(const cc_table *t, const char *name);

/* The text of row r in column c (c from cc_table_column, >= 0). */
const char *cc_table_field(const cc_table *t, size_t r, int c);

#endif
