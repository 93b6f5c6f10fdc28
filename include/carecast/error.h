/* error.h: how every carecast function reports failure.
 *
 * Functions that can fail return a cc_status and, when given a cc_error,
 * fill it with where and why. All errors go through cc_error_set(), so one
 * breakpoint there catches them all. The library never prints or exits: the
 * command line turns a cc_error into a message and an exit code. */
#ifndef CARECAST_ERROR_H
#define CARECAST_ERROR_H

#include <stddef.h>

#define CC_MUST_CHECK __attribute__((warn_unused_result))

typedef enum cc_status {
  CC_OK = 0,
  CC_EINPUT = 1,    /* bad input from a file or a user: exit code 1 */
  CC_EUSAGE = 2,    /* wrong command-line usage: exit code 2 */
  CC_EINTERNAL = 3, /* a bug or an invariant broken: exit code 3 */
  CC_ENOMEM = 4,    /* out of memory: exit code 3 */
  CC_EIO = 5,       /* the operating system or HDF5 failed: exit code 3 */
} cc_status;

#define CC_ERROR_FILE_MAX 512
#define CC_ERROR_FIELD_MAX 64
#define CC_ERROR_MESSAGE_MAX 768

typedef struct cc_error {
  cc_status status;                   /* CC_OK when nothing failed */
  char file[CC_ERROR_FILE_MAX];       /* file the problem is in, or "" */
  long line;                          /* 1-based line in file, or 0 when none */
  char field[CC_ERROR_FIELD_MAX];     /* field or option at fault, or "" */
  char message[CC_ERROR_MESSAGE_MAX]; /* the reason, for a person to act on */
} cc_error;

/* Record an error in err (which may be NULL) and return status, so callers
 * can write `return cc_error_set(err, CC_EINPUT, path, line, "period", "...")`.
 * file and field may be NULL; line 0 means no line. */
cc_status cc_error_set(cc_error *err, cc_status status, const char *file, long line,
                       const char *field, const char *format, ...)
    __attribute__((format(printf, 6, 7)));

/* Reset err to "no error". err may be NULL. */
void cc_error_clear(cc_error *err);

/* Format err as "FILE:LINE: field: reason" (parts that are empty are left
 * out) into buf of size len. Returns buf. */
char *cc_error_format(const cc_error *err, char *buf, size_t len);

/* The process exit code for a status: 0 ok, 1 bad input, 2 usage, 3 internal. */
int cc_status_exit_code(cc_status status);

/* A short English name for a status ("bad input", "out of memory", ...). */
const char *cc_status_name(cc_status status);

/* A bounded list of errors, for readers that go on after the first bad row
 * so that a person can fix a file in one pass. The first CC_ERROR_LIST_KEPT
 * errors are kept; `total` counts them all. */
#define CC_ERROR_LIST_KEPT 20

typedef struct cc_error_list {
  cc_error items[CC_ERROR_LIST_KEPT]; /* the first errors, in the order found */
  size_t kept;                        /* how many of items are filled */
  size_t total;                       /* how many errors were found */
} cc_error_list;

/* Add a copy of e to list (no operation when list is NULL). */
void cc_error_list_add(cc_error_list *list, const cc_error *e);

#endif
