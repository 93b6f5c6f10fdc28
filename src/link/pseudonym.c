/* pseudonym.c: keyed hashing of identifiers with Nettle's HMAC-SHA256 (see pseudonym.h). */
#include "carecast/pseudonym.h"

#include <nettle/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/file.h"
#include "carecast/wipe.h"

struct cc_pseudonym_key {
  struct hmac_sha256_ctx keyed; /* HMAC state with the key set and no message yet */
};

cc_status cc_pseudonym_key_from_bytes(const void *bytes, size_t len, const char *name, cc_pseudonym_key **out,
                                      cc_error *err) {
  *out = NULL;
  if (len < CC_PSEUDONYM_KEY_MIN)
    return cc_error_set(err, CC_EINPUT, name, 0, "key",
                        "the key is %zu bytes; at least %d are needed (for example 64 random hex digits)", len,
                        CC_PSEUDONYM_KEY_MIN);
  cc_pseudonym_key *key = malloc(sizeof *key);
  if (!key) return cc_error_set(err, CC_ENOMEM, name, 0, NULL, "out of memory");
  hmac_sha256_set_key(&key->keyed, len, bytes);
  *out = key;
  return CC_OK;
}

cc_status cc_pseudonym_key_load(const char *path, cc_pseudonym_key **out, cc_error *err) {
  *out = NULL;
  if (!cc_file_exists(path)) return cc_error_set(err, CC_EINPUT, path, 0, "key", "no key file here");
  char *bytes = NULL;
  size_t len = 0;
  cc_status status = cc_file_read(path, CC_PSEUDONYM_KEY_MAX, &bytes, &len, err);
  if (status) return status;
  while (len > 0 && (bytes[len - 1] == '\n' || bytes[len - 1] == '\r')) len--;
  status = cc_pseudonym_key_from_bytes(bytes, len, path, out, err);
  cc_secure_wipe(bytes, len);
  free(bytes);
  return status;
}

void cc_pseudonym_key_free(cc_pseudonym_key *key) {
  if (!key) return;
  cc_secure_wipe(key, sizeof *key);
  free(key);
}

void cc_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                    uint8_t digest[CC_HMAC_SHA256_SIZE]) {
  struct hmac_sha256_ctx ctx;
  hmac_sha256_set_key(&ctx, key_len, key);
  hmac_sha256_update(&ctx, msg_len, msg);
  hmac_sha256_digest(&ctx, CC_HMAC_SHA256_SIZE, digest);
  cc_secure_wipe(&ctx, sizeof ctx);
}

void cc_pseudonym(const cc_pseudonym_key *key, const char *domain, const void *value, size_t len,
                  uint8_t digest[CC_HMAC_SHA256_SIZE]) {
  static const uint8_t separator = 0;
  struct hmac_sha256_ctx ctx = key->keyed; /* a copy: the key's state is shared by threads and never changed */
  hmac_sha256_update(&ctx, strlen(domain), (const uint8_t *)domain);
  hmac_sha256_update(&ctx, 1, &separator);
  hmac_sha256_update(&ctx, len, value);
  hmac_sha256_digest(&ctx, CC_HMAC_SHA256_SIZE, digest);
  cc_secure_wipe(&ctx, sizeof ctx);
}

void cc_pseudonym_hex(const uint8_t digest[CC_HMAC_SHA256_SIZE], char hex[CC_PSEUDONYM_HEX_LEN + 1]) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < CC_HMAC_SHA256_SIZE; i++) {
    hex[2 * i] = digits[digest[i] >> 4];
    hex[2 * i + 1] = digits[digest[i] & 15];
  }
  hex[CC_PSEUDONYM_HEX_LEN] = '\0';
}
