/* file.h: small, careful file operations the store and the readers share:
 * reading a whole file with a size limit, SHA-256 of bytes (GNU Nettle),
 * copying a file, and making a rename durable. */
#ifndef CARECAST_FILE_H
#define CARECAST_FILE_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_SHA256_HEX_LEN 64 /* hex digits of a SHA-256 digest, without the NUL */

/* Read the whole file at path into a new NUL-terminated buffer *data of
 * *len bytes (the NUL not counted). Files over max_bytes are refused with
 * CC_EINPUT. The caller frees *data. */
CC_MUST_CHECK cc_status cc_file_read(const char *path, size_t max_bytes, char **data, size_t *len, cc_error *err);

/* SHA-256 of len bytes as 64 lower-case hex digits and a NUL into hex (65 bytes). */
void cc_sha256_hex(const void *data, size_t len, char hex[CC_SHA256_HEX_LEN + 1]);

/* Copy the file at from to to (created or truncated), and fsync it. */
CC_MUST_CHECK cc_status cc_file_copy(const char *from, const char *to, cc_error *err);

/* fsync the file at path (data and metadata). */
CC_MUST_CHECK cc_status cc_file_sync(const char *path, cc_error *err);

/* fsync the directory holding path, so that a rename into it survives a crash. */
CC_MUST_CHECK cc_status cc_file_sync_dir(const char *path, cc_error *err);

/* Write len bytes to path through path.partial, fsync and an atomic rename
 * (the directory fsynced too), so a reader sees the old file or the whole
 * new one, never a part. On failure the partial file is removed. */
CC_MUST_CHECK cc_status cc_file_write_atomic(const char *path, const void *data, size_t len, cc_error *err);

/* 1 when path exists (any type), 0 otherwise. */
int cc_file_exists(const char *path);

/* The final component of path (a pointer into path). */
const char *cc_file_basename(const char *path);

#endif
