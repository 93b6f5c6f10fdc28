/* pseudonym.h: keyed hashing of personal identifiers (HMAC-SHA256, RFC 2104
 * and FIPS 180-4, computed by GNU Nettle).
 *
 * A pseudonym is HMAC-SHA256(key, domain || 0x00 || value): the same value
 * under the same key always gives the same pseudonym, so two organisations
 * holding the key can link their records, while without the key a pseudonym
 * cannot be turned back into the identifier or checked against a guess. The
 * domain ("nhs_number", "record_id:discharges.csv", ...) keeps pseudonyms of
 * different kinds of identifier apart.
 *
 * The key is read from a file each time and held only in memory; it is
 * never written anywhere, and cc_pseudonym_key_free overwrites it. */
#ifndef CARECAST_PSEUDONYM_H
#define CARECAST_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"

#define CC_HMAC_SHA256_SIZE 32   /* bytes of an HMAC-SHA256 digest */
#define CC_PSEUDONYM_HEX_LEN 64  /* hex digits of a pseudonym, without the NUL */
/* Shortest key accepted, in bytes: RFC 2104 section 3 advises against keys
 * shorter than the hash's output (32 bytes for SHA-256). */
#define CC_PSEUDONYM_KEY_MIN 32
#define CC_PSEUDONYM_KEY_MAX 4096 /* longest key file read, in bytes */

typedef struct cc_pseudonym_key cc_pseudonym_key;

/* Read the key from the file at path: its bytes, without trailing line ends
 * (CR, LF) so that a key typed into an editor works. A missing file, or a
 * key shorter than CC_PSEUDONYM_KEY_MIN bytes, is CC_EINPUT. The file's
 * bytes are wiped from memory once copied. Free *out with cc_pseudonym_key_free. */
CC_MUST_CHECK cc_status cc_pseudonym_key_load(const char *path, cc_pseudonym_key **out, cc_error *err);

/* A key from len bytes (at least CC_PSEUDONYM_KEY_MIN). name is used in errors. */
CC_MUST_CHECK cc_status cc_pseudonym_key_from_bytes(const void *bytes, size_t len, const char *name,
                                                    cc_pseudonym_key **out, cc_error *err);

/* Wipe and free key. No operation when key is NULL. */
void cc_pseudonym_key_free(cc_pseudonym_key *key);

/* HMAC-SHA256 of msg[msg_len] under key[key_len] into digest (RFC 2104; any key length). */
void cc_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                    uint8_t digest[CC_HMAC_SHA256_SIZE]);

/* The pseudonym of value[len] in domain: HMAC-SHA256(key, domain || 0x00 || value). Thread-safe. */
void cc_pseudonym(const cc_pseudonym_key *key, const char *domain, const void *value, size_t len,
                  uint8_t digest[CC_HMAC_SHA256_SIZE]);

/* digest as 64 lower-case hex digits and a NUL into hex. */
void cc_pseudonym_hex(const uint8_t digest[CC_HMAC_SHA256_SIZE], char hex[CC_PSEUDONYM_HEX_LEN + 1]);

#endif
