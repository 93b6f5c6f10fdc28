/* error.c: the one place errors are recorded (see error.h). */
#include "carecast/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void copy_text(char *dst, size_t size, const char *src) {
  if (!src) src = "";
  snprintf(dst, size, "%s", src);
}

cc_status cc_error_set(cc_error *err, cc_status status, const char *file, long line,
                       const char *field, const char *format, ...) {
  if (!err) return status;
  err->status = status;
  copy_text(err->file, sizeof err->file, file);
  err->line = line;
  copy_text(err->field, sizeof err->field, field);
  va_list args;
  va_start(args, format);
  vsnprintf(err->message, sizeof err->message, format, args);
  va_end(args);
  return status;
}

void cc_error_clear(cc_error *err) {
  if (!err) return;
  memset(err, 0, sizeof *err);
}

char *cc_error_format(const cc_error *err, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  if (err->file[0] && err->line > 0)
    used += (size_t)snprintf(buf, len, "%s:%ld: ", err->file, err->line);
  else if (err->file[0])
    used += (size_t)snprintf(buf, len, "%s: ", err->file);
  if (used < len && err->field[0]) used += (size_t)snprintf(buf + used, len - used, "%s: ", err->field);
  if (used < len) snprintf(buf + used, len - used, "%s", err->message);
  return buf;
}

int cc_status_exit_code(cc_status status) {
  switch (status) {
  case CC_OK: return 0;
  case CC_EINPUT: return 1;
  case CC_EUSAGE: return 2;
  default: return 3;
  }
}

const char *cc_status_name(cc_status status) {
  switch (status) {
  case CC_OK: return "ok";
  case CC_EINPUT: return "bad input";
  case CC_EUSAGE: return "usage";
  case CC_EINTERNAL: return "internal error";
  case CC_ENOMEM: return "out of memory";
  case CC_EIO: return "input/output error";
  }
  return "unknown status";
}

void cc_error_list_add(cc_error_list *list, const cc_error *e) {
  if (!list) return;
  if (list->kept < CC_ERROR_LIST_KEPT) list->items[list->kept++] = *e;
  list->total++;
}
