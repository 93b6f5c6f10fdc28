/* hash.h: the FNV-1a 64-bit hash (Fowler, Noll, Vo).
 *
 * Not cryptographic: it gives a stable number for a text or a run of bytes,
 * used to key hash tables, to block records, and to give each series or
 * council its own random stream. The same input gives the same hash on every
 * machine, so a seeded run can be reproduced. */
#ifndef CARECAST_HASH_H
#define CARECAST_HASH_H

#include <stddef.h>
#include <stdint.h>

#define CC_FNV_OFFSET 1469598103934665603ull /* FNV-1a 64-bit offset basis */

/* Fold len bytes at data into hash; start from CC_FNV_OFFSET. */
uint64_t cc_fnv1a(uint64_t hash, const void *data, size_t len);

/* The hash of a NUL-terminated text (its bytes, not the terminator). */
uint64_t cc_fnv1a_text(const char *text);

#endif
