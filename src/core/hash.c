/* hash.c: FNV-1a 64-bit (see hash.h). */
#include "carecast/hash.h"

#define FNV_PRIME 1099511628211ull /* FNV-1a 64-bit prime */

uint64_t cc_fnv1a(uint64_t hash, const void *data, size_t len) {
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) hash = (hash ^ p[i]) * FNV_PRIME;
  return hash;
}

uint64_t cc_fnv1a_text(const char *text) {
  uint64_t hash = CC_FNV_OFFSET;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) hash = (hash ^ *p) * FNV_PRIME;
  return hash;
}
