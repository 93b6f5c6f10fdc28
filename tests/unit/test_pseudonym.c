/* test_pseudonym.c: HMAC-SHA256 against the published test vectors of RFC
 * 4231 section 4 (all seven cases, case 5 truncated to 128 bits as the RFC
 * gives it), pseudonyms (domain separation, independence of the copy of the
 * keyed state), and loading keys: a missing file, a key too short, line
 * ends stripped. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/pseudonym.h"
#include "testutil.h"

typedef struct rfc4231_case {
  int number;            /* test case number in RFC 4231 section 4 */
  unsigned char key_byte; /* the key is key_len copies of this byte, unless key_text */
  size_t key_len;
  const char *key_text;  /* a text key, or NULL */
  unsigned char data_byte; /* the data is data_len copies of this byte, unless data_text */
  size_t data_len;
  const char *data_text; /* text data, or NULL */
  const char *hmac_hex;  /* HMAC-SHA-256 as printed in the RFC */
  size_t compared;       /* bytes of it the RFC gives (16 for the truncated case 5) */
} rfc4231_case;

static const rfc4231_case cases[] = {
    {1, 0x0b, 20, NULL, 0, 0, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 32},
    {2, 0, 4, "Jefe", 0, 0, "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", 32},
    {3, 0xaa, 20, NULL, 0xdd, 50, NULL, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", 32},
    {4, 0, 25, NULL, 0xcd, 50, NULL, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", 32},
    {5, 0x0c, 20, NULL, 0, 0, "Test With Truncation", "a3b6167473100ee06e0c796c2955552b", 16},
    {6, 0xaa, 131, NULL, 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", 32},
    {7, 0xaa, 131, NULL, 0, 0,
     "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
     "hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", 32},
};

START_TEST(test_rfc4231) {
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const rfc4231_case *t = &cases[c];
    unsigned char key[200], data[200];
    if (t->key_text) memcpy(key, t->key_text, t->key_len);
    else if (t->number == 4)
      for (size_t i = 0; i < t->key_len; i++) key[i] = (unsigned char)(i + 1); /* 0x01, 0x02, ..., 0x19 */
    else memset(key, t->key_byte, t->key_len);
    size_t data_len = t->data_text ? strlen(t->data_text) : t->data_len;
    if (t->data_text) memcpy(data, t->data_text, data_len);
    else memset(data, t->data_byte, data_len);
    uint8_t digest[CC_HMAC_SHA256_SIZE];
    char hex[CC_PSEUDONYM_HEX_LEN + 1];
    cc_hmac_sha256(key, t->key_len, data, data_len, digest);
    cc_pseudonym_hex(digest, hex);
    ck_assert_msg(strncmp(hex, t->hmac_hex, 2 * t->compared) == 0, "RFC 4231 case %d: got %s", t->number, hex);
  }
}
END_TEST

#define TEST_KEY "0123456789abcdef0123456789abcdef0123456789abcdef" /* 48 bytes */

START_TEST(test_pseudonym_is_hmac_of_domain_and_value) {
  cc_pseudonym_key *key = NULL;
  cc_error err;
  ck_assert_int_eq(cc_pseudonym_key_from_bytes(TEST_KEY, strlen(TEST_KEY), "test", &key, &err), CC_OK);
  uint8_t got[CC_HMAC_SHA256_SIZE], want[CC_HMAC_SHA256_SIZE], other[CC_HMAC_SHA256_SIZE];
  const char message[] = "nhs_number\0" "9990000018"; /* domain, NUL, value */
  cc_hmac_sha256(TEST_KEY, strlen(TEST_KEY), message, sizeof message - 1, want);
  cc_pseudonym(key, "nhs_number", "9990000018", 10, got);
  ck_assert_mem_eq(got, want, CC_HMAC_SHA256_SIZE);
  cc_pseudonym(key, "nhs_number", "9990000018", 10, got); /* the keyed state is not used up */
  ck_assert_mem_eq(got, want, CC_HMAC_SHA256_SIZE);
  cc_pseudonym(key, "record_id:a", "9990000018", 10, other); /* another domain: another pseudonym */
  ck_assert(memcmp(got, other, CC_HMAC_SHA256_SIZE) != 0);
  cc_pseudonym_key_free(key);
  cc_pseudonym_key_free(NULL);
}
END_TEST

START_TEST(test_key_files) {
  char *dir = cc_test_tmpdir();
  cc_pseudonym_key *key = NULL;
  cc_error err;
  char *missing = cc_test_path(dir, "absent.key");
  ck_assert_int_eq(cc_pseudonym_key_load(missing, &key, &err), CC_EINPUT);
  ck_assert_str_eq(err.field, "key");
  ck_assert_ptr_null(key);
  char *short_key = cc_test_write(dir, "short.key", "0123456789abcdef0123456789abcde\n"); /* 31 bytes and a LF */
  ck_assert_int_eq(cc_pseudonym_key_load(short_key, &key, &err), CC_EINPUT);
  ck_assert_msg(strstr(err.message, "31 bytes") != NULL, "%s", err.message);
  char *crlf = cc_test_write(dir, "crlf.key", TEST_KEY "\r\n");
  ck_assert_int_eq(cc_pseudonym_key_load(crlf, &key, &err), CC_OK);
  uint8_t from_file[CC_HMAC_SHA256_SIZE], want[CC_HMAC_SHA256_SIZE];
  cc_pseudonym(key, "d", "v", 1, from_file);
  cc_pseudonym_key_free(key);
  ck_assert_int_eq(cc_pseudonym_key_from_bytes(TEST_KEY, strlen(TEST_KEY), "test", &key, &err), CC_OK);
  cc_pseudonym(key, "d", "v", 1, want);
  ck_assert_mem_eq(from_file, want, CC_HMAC_SHA256_SIZE); /* line ends are not part of the key */
  cc_pseudonym_key_free(key);
  free(missing), free(short_key), free(crlf);
  cc_test_rmtree(dir);
  free(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("pseudonym");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_rfc4231);
  tcase_add_test(tc, test_pseudonym_is_hmac_of_domain_and_value);
  tcase_add_test(tc, test_key_files);
  suite_add_tcase(s, tc);
  return cc_test_run_suite(s);
}
