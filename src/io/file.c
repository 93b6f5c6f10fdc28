/* file.c: whole-file reads, hashing, copies and durable renames (see file.h). */
#include "carecast/file.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CC_COPY_CHUNK (1u << 20) /* bytes copied per read/write */

cc_status cc_file_read(const char *path, size_t max_bytes, char **data, size_t *len, cc_error *err) {
  *data = NULL;
  *len = 0;
  FILE *file = fopen(path, "rb");
  if (!file) return cc_error_set(err, CC_EINPUT, path, 0, NULL, "cannot open: %s", strerror(errno));
  struct stat info;
  if (fstat(fileno(file), &info) != 0 || !S_ISREG(info.st_mode)) {
    fclose(file);
    return cc_error_set(err, CC_EINPUT, path, 0, NULL, "not a regular file");
  }
  if ((unsigned long long)info.st_size > max_bytes) {
    fclose(file);
    return cc_error_set(err, CC_EINPUT, path, 0, NULL, "larger than the limit of %zu bytes", max_bytes);
  }
  size_t size = (size_t)info.st_size;
  char *buf = malloc(size + 1);
  if (!buf) {
    fclose(file);
    return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory reading %zu bytes", size);
  }
  size_t got = fread(buf, 1, size, file);
  int failed = ferror(file) || got != size;
  fclose(file);
  if (failed) {
    free(buf);
    return cc_error_set(err, CC_EIO, path, 0, NULL, "cannot read");
  }
  buf[size] = '\0';
  *data = buf;
  *len = size;
  return CC_OK;
}

void cc_sha256_hex(const void *data, size_t len, char hex[CC_SHA256_HEX_LEN + 1]) {
  struct sha256_ctx ctx;
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_init(&ctx);
  sha256_update(&ctx, len, data);
  sha256_digest(&ctx, sizeof digest, digest);
  for (size_t i = 0; i < sizeof digest; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

cc_status cc_file_copy(const char *from, const char *to, cc_error *err) {
  int in = open(from, O_RDONLY);
  if (in < 0) return cc_error_set(err, CC_EIO, from, 0, NULL, "cannot open: %s", strerror(errno));
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    close(in);
    return cc_error_set(err, CC_EIO, to, 0, NULL, "cannot create: %s", strerror(errno));
  }
  char *buf = malloc(CC_COPY_CHUNK);
  cc_status status = buf ? CC_OK : cc_error_set(err, CC_ENOMEM, to, 0, NULL, "out of memory");
  while (status == CC_OK) {
    ssize_t got = read(in, buf, CC_COPY_CHUNK);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      status = cc_error_set(err, CC_EIO, from, 0, NULL, "cannot read: %s", strerror(errno));
      break;
    }
    for (ssize_t done = 0; done < got && status == CC_OK;) {
      ssize_t put = write(out, buf + done, (size_t)(got - done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) status = cc_error_set(err, CC_EIO, to, 0, NULL, "cannot write: %s", strerror(errno));
      else done += put;
    }
  }
  if (status == CC_OK && fsync(out) != 0) status = cc_error_set(err, CC_EIO, to, 0, NULL, "cannot sync: %s", strerror(errno));
  free(buf);
  close(in);
  if (close(out) != 0 && status == CC_OK) status = cc_error_set(err, CC_EIO, to, 0, NULL, "cannot close: %s", strerror(errno));
  return status;
}

static cc_status sync_path(const char *path, int flags, cc_error *err) {
  int fd = open(path, flags);
  if (fd < 0) return cc_error_set(err, CC_EIO, path, 0, NULL, "cannot open to sync: %s", strerror(errno));
  int rc = fsync(fd);
  int saved = errno;
  close(fd);
  /* Some file systems refuse fsync on a directory (EINVAL): nothing more can be done there. */
  if (rc != 0 && saved != EINVAL) return cc_error_set(err, CC_EIO, path, 0, NULL, "cannot sync: %s", strerror(saved));
  return CC_OK;
}

cc_status cc_file_sync(const char *path, cc_error *err) { return sync_path(path, O_RDONLY, err); }

cc_status cc_file_sync_dir(const char *path, cc_error *err) {
  size_t len = strlen(path);
  char *dir = malloc(len + 2);
  if (!dir) return cc_error_set(err, CC_ENOMEM, path, 0, NULL, "out of memory");
  memcpy(dir, path, len + 1);
  char *slash = strrchr(dir, '/');
  if (!slash) strcpy(dir, ".");
  else if (slash == dir) dir[1] = '\0';
  else *slash = '\0';
  cc_status status = sync_path(dir, O_RDONLY | O_DIRECTORY, err);
  free(dir);
  return status;
}

int cc_file_exists(const char *path) {
  struct stat info;
  return stat(path, &info) == 0;
}

const char *cc_file_basename(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

cc_status cc_file_write_atomic(const char *path, const void *data, size_t len, cc_error *err) {
  char partial[CC_ERROR_FILE_MAX];
  if (snprintf(partial, sizeof partial, "%s.partial", path) >= (int)sizeof partial)
    return cc_error_set(err, CC_EUSAGE, path, 0, NULL, "the path is too long");
  FILE *out = fopen(partial, "wb");
  if (!out) return cc_error_set(err, CC_EIO, partial, 0, NULL, "cannot create: %s", strerror(errno));
  int failed = fwrite(data, 1, len, out) != len;
  failed |= fclose(out) != 0;
  cc_status status = failed ? cc_error_set(err, CC_EIO, partial, 0, NULL, "cannot write: %s", strerror(errno)) : CC_OK;
  if (!status) status = cc_file_sync(partial, err);
  if (!status && rename(partial, path) != 0)
    status = cc_error_set(err, CC_EIO, path, 0, NULL, "cannot rename %s into place: %s", partial, strerror(errno));
  if (!status) status = cc_file_sync_dir(path, err);
  if (status) remove(partial);
  return status;
}
