/* csvrows.h: a CSV text cut into rows of fields, each row knowing the
 * physical line it started on, so that readers can name FILE:LINE in their
 * errors. libcsv does the quoting rules (strict mode); this module feeds it
 * one line at a time and hands each complete row to a callback.
 *
 * For text holding personal identifiers, CC_CSV_ROWS_WIPE makes the parser
 * overwrite its own buffers (the fields of each row, libcsv's entry buffer)
 * with zeros before they are freed. */
#ifndef CARECAST_CSVROWS_H
#define CARECAST_CSVROWS_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_CSV_FIELD_MAX 256 /* longest field kept, with its NUL; longer fields are an error */
#define CC_CSV_FIELDS_MAX 64 /* most fields in a row; more is an error */

enum {
  CC_CSV_ROWS_WIPE = 1u << 0, /* zero every buffer that held field text before it is freed or reused */
};

/* One row: fields[0..n_fields) are NUL-terminated texts valid only during the call. */
typedef struct cc_csv_row {
  long line;             /* 1-based physical line the row started on */
  size_t n_fields;       /* fields in the row */
  char *const *fields;   /* the fields' texts */
} cc_csv_row;

/* Called once per row (the header included). Return CC_OK to go on; any
 * other status stops the parse and is returned by cc_csv_rows_parse (the
 * callback fills err). */
typedef cc_status (*cc_csv_row_fn)(const cc_csv_row *row, void *context, cc_error *err);

/* Parse len bytes of text (a UTF-8 byte-order mark is skipped; blank lines
 * are skipped), calling on_row for each row. path names the file in errors.
 * Malformed quoting, a field over CC_CSV_FIELD_MAX - 1 bytes or a row of more
 * than CC_CSV_FIELDS_MAX fields is CC_EINPUT naming the line. flags: CC_CSV_ROWS_*. */
CC_MUST_CHECK cc_status cc_csv_rows_parse(const char *path, const char *text, size_t len, unsigned flags,
                                          cc_csv_row_fn on_row, void *context, cc_error *err);

#endif
