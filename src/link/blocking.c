/* blocking.c: the candidate pairs of record linkage (see recordlink.h).
 *
 * Each pass gives every record a 64-bit key (0: the record has no key in
 * this pass). B's records are sorted by key and each A record is joined with
 * the run of B records that share its key. Keys are hashes of the blocking
 * fields, so two different values may rarely share a key: that only adds a
 * candidate pair, which comparison then scores, and never loses one. */
#include <stdlib.h>
#include <string.h>

#include "carecast/hash.h"
#include "carecast/recordlink.h"

#define PAIRS_FIRST_CAPACITY 4096         /* pairs allocated at first; the list doubles from there */

const char *cc_records_block_name(int pass) {
  static const char *const names[CC_RECORDS_BLOCK_PASSES] = {
      "nhs_number", "date_of_birth (day and month either way)", "birth_year_month+sex+postcode_district",
      "birth_day_month+sex+postcode_district"};
  return pass >= 0 && pass < CC_RECORDS_BLOCK_PASSES ? names[pass] : "unknown";
}

/* The key of record r in pass, 0 when r lacks a field the pass needs. */
static uint64_t block_key(const cc_person_record *r, int pass) {
  uint64_t key = cc_fnv1a(CC_FNV_OFFSET, &pass, sizeof pass);
  int16_t year = r->birth_year, month = r->birth_month, day = r->birth_day;
  int16_t unordered[3] = {year, month < day ? month : day, month < day ? day : month}; /* a swap gives the same key */
  int16_t year_month[2] = {year, month}, day_month[2] = {day, month};
  int full_birth = year && month, has_sex_district = r->sex && r->district[0];
  switch (pass) {
  case 0:
    if (!r->has_nhs) return 0;
    key = cc_fnv1a(key, r->nhs_digest, sizeof r->nhs_digest);
    break;
  case 1:
    if (!full_birth) return 0;
    key = cc_fnv1a(key, unordered, sizeof unordered);
    break;
  case 2:
    if (!full_birth || !has_sex_district) return 0;
    key = cc_fnv1a(key, year_month, sizeof year_month);
    break;
  default:
    if (!full_birth || !has_sex_district) return 0;
    key = cc_fnv1a(key, day_month, sizeof day_month);
    break;
  }
  if (pass >= 2) {
    key = cc_fnv1a(key, &r->sex, 1);
    key = cc_fnv1a(key, r->district, strlen(r->district));
  }
  return key ? key : 1;
}

typedef struct keyed {
  uint64_t key;
  uint32_t index;
} keyed;

static int by_key(const void *x, const void *y) {
  const keyed *a = x, *b = y;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

static int by_value(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return (a > b) - (a < b);
}

/* A growable array of pairs. */
typedef struct pair_list {
  uint64_t *items;
  size_t n, capacity;
} pair_list;

static int push(pair_list *list, uint64_t pair) {
  if (list->n == list->capacity) {
    size_t capacity = list->capacity ? 2 * list->capacity : PAIRS_FIRST_CAPACITY;
    uint64_t *grown = realloc(list->items, capacity * sizeof *grown);
    if (!grown) return 1;
    list->items = grown;
    list->capacity = capacity;
  }
  list->items[list->n++] = pair;
  return 0;
}

/* First position in sorted[0..n) with key >= key. */
static size_t lower_bound(const keyed *sorted, size_t n, uint64_t key) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sorted[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Add the pairs of one pass to list; returns 1 when out of memory. */
static int run_pass(const cc_extract *a, const cc_extract *b, int pass, keyed *b_sorted, pair_list *list,
                    size_t *count) {
  size_t n_keyed = 0;
  for (size_t j = 0; j < b->n; j++) {
    uint64_t key = block_key(&b->records[j], pass);
    if (key) b_sorted[n_keyed++] = (keyed){key, (uint32_t)j};
  }
  qsort(b_sorted, n_keyed, sizeof *b_sorted, by_key);
  size_t before = list->n;
  for (size_t i = 0; i < a->n; i++) {
    uint64_t key = block_key(&a->records[i], pass);
    if (!key) continue;
    for (size_t k = lower_bound(b_sorted, n_keyed, key); k < n_keyed && b_sorted[k].key == key; k++)
      if (push(list, (uint64_t)i << 32 | b_sorted[k].index)) return 1;
  }
  *count = list->n - before;
  return 0;
}

cc_status cc_records_block(const cc_extract *a, const cc_extract *b, uint64_t **pairs, size_t *n_pairs,
                        size_t per_pass[CC_RECORDS_BLOCK_PASSES], cc_error *err) {
  *pairs = NULL;
  *n_pairs = 0;
  if (a->n > UINT32_MAX || b->n > UINT32_MAX)
    return cc_error_set(err, CC_EINPUT, NULL, 0, NULL, "an extract has more than %u records", UINT32_MAX);
  pair_list list = {0};
  keyed *b_sorted = malloc((b->n ? b->n : 1) * sizeof *b_sorted);
  int failed = !b_sorted;
  for (int pass = 0; pass < CC_RECORDS_BLOCK_PASSES && !failed; pass++)
    failed = run_pass(a, b, pass, b_sorted, &list, &per_pass[pass]);
  free(b_sorted);
  if (failed) {
    free(list.items);
    return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory collecting candidate pairs");
  }
  if (list.n) qsort(list.items, list.n, sizeof *list.items, by_value);
  size_t kept = 0;
  for (size_t i = 0; i < list.n; i++)
    if (kept == 0 || list.items[kept - 1] != list.items[i]) list.items[kept++] = list.items[i];
  uint64_t *fitted = kept ? realloc(list.items, kept * sizeof *fitted) : NULL; /* give back the growth room */
  *pairs = fitted ? fitted : list.items;
  *n_pairs = kept;
  return CC_OK;
}
