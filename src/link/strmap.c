/* strmap.c: a string-to-index hash map (see strmap.h). Linear probing over a
 * power-of-two table kept at most half full. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/hash.h"
#include "strmap.h"

#define STRMAP_INITIAL 64        /* slots of a new table */

/* The slot holding key, or the empty slot where it would go. */
static size_t find_slot(const cc_strmap *map, const char *key) {
  size_t mask = map->capacity - 1, i = (size_t)cc_fnv1a_text(key) & mask;
  while (map->keys[i] && strcmp(map->keys[i], key) != 0) i = (i + 1) & mask;
  return i;
}

int cc_strmap_get(const cc_strmap *map, const char *key, size_t *value) {
  if (map->capacity == 0) return 0;
  size_t i = find_slot(map, key);
  if (!map->keys[i]) return 0;
  *value = map->values[i];
  return 1;
}

static cc_status grow(cc_strmap *map, cc_error *err) {
  cc_strmap bigger = {.capacity = map->capacity ? 2 * map->capacity : STRMAP_INITIAL};
  bigger.keys = calloc(bigger.capacity, sizeof *bigger.keys);
  bigger.values = calloc(bigger.capacity, sizeof *bigger.values);
  if (!bigger.keys || !bigger.values) {
    free(bigger.keys);
    free(bigger.values);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  }
  for (size_t i = 0; i < map->capacity; i++) {
    if (!map->keys[i]) continue;
    size_t j = find_slot(&bigger, map->keys[i]);
    bigger.keys[j] = map->keys[i];
    bigger.values[j] = map->values[i];
  }
  bigger.count = map->count;
  free(map->keys);
  free(map->values);
  *map = bigger;
  return CC_OK;
}

cc_status cc_strmap_put(cc_strmap *map, const char *key, size_t value, cc_error *err) {
  if (2 * (map->count + 1) > map->capacity) {
    cc_status status = grow(map, err);
    if (status) return status;
  }
  size_t i = find_slot(map, key);
  if (!map->keys[i]) {
    if (!(map->keys[i] = strdup(key))) return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
    map->count++;
  }
  map->values[i] = value;
  return CC_OK;
}

void cc_strmap_clear(cc_strmap *map) {
  for (size_t i = 0; i < map->capacity; i++) free(map->keys[i]);
  free(map->keys);
  free(map->values);
  memset(map, 0, sizeof *map);
}
