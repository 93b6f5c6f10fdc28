/* wipe.c: zeroing memory that held secrets (see wipe.h). */
#include "carecast/wipe.h"

void cc_secure_wipe(void *p, size_t len) {
  if (!p) return;
  volatile unsigned char *bytes = p;
  for (size_t i = 0; i < len; i++) bytes[i] = 0;
}
