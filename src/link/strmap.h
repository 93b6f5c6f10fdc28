/* strmap.h: a string-to-index hash map (open addressing, FNV-1a), private to
 * src/link, so that a link run over every area of England looks places and
 * panel series up in constant time. Keys are copied. */
#ifndef CARECAST_STRMAP_H
#define CARECAST_STRMAP_H

#include <stddef.h>

#include "carecast/error.h"

typedef struct cc_strmap {
  char **keys;    /* capacity slots, NULL when empty (owned) */
  size_t *values; /* the value of each filled slot */
  size_t capacity;
  size_t count;
} cc_strmap;

/* Find key: 1 and *value when present, 0 when absent. */
int cc_strmap_get(const cc_strmap *map, const char *key, size_t *value);

/* Insert or replace key -> value. CC_ENOMEM when out of memory. */
CC_MUST_CHECK cc_status cc_strmap_put(cc_strmap *map, const char *key, size_t value, cc_error *err);

/* Free what map holds (map itself is the caller's) and empty it. */
void cc_strmap_clear(cc_strmap *map);

#endif
