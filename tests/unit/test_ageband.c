/* test_ageband.c: age bands (ageband.h). Parsing and formatting, and the
 * population-weighted split of straddling bands against figures worked by
 * hand from a made-up population (written out beside each case), with every
 * refusal triggered. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "carecast/ageband.h"
#include "testutil.h"

#define SHARE_TOLERANCE 1e-12 /* the splits are a few multiplications: exact up to rounding */

static cc_age_range band(const char *text) {
  cc_age_range r;
  cc_error err;
  ck_assert_msg(cc_age_parse(text, &r, &err) == CC_OK, "%s: %s", text, err.message);
  return r;
}

/* A population: 0-17 1,800 (100 a year), 18-64 4,700 (100 a year),
 * 65-74 1,000, 75-84 600, 85+ 300. */
static const char *const pop_bands[] = {"0-17", "18-64", "65-74", "75-84", "85+"};
static const double pop_counts[] = {1800, 4700, 1000, 600, 300};

static void split(const char *source, const double expected[CC_AGE_COMMON_COUNT]) {
  cc_age_range bands[5], targets[CC_AGE_COMMON_COUNT];
  for (size_t i = 0; i < 5; i++) bands[i] = band(pop_bands[i]);
  for (size_t i = 0; i < CC_AGE_COMMON_COUNT; i++) targets[i] = band(cc_age_common_band(i));
  cc_age_reference ref = {bands, pop_counts, 5};
  double shares[CC_AGE_COMMON_COUNT];
  cc_error err;
  ck_assert_msg(cc_age_split(band(source), targets, CC_AGE_COMMON_COUNT, &ref, shares, &err) == CC_OK, "%s: %s", source,
                err.message);
  for (size_t i = 0; i < CC_AGE_COMMON_COUNT; i++)
    ck_assert_msg(fabs(shares[i] - expected[i]) < SHARE_TOLERANCE, "%s: share in %s %.15g, expected %.15g", source,
                  cc_age_common_band(i), shares[i], expected[i]);
}

START_TEST(test_parse_and_format) {
  static const struct {
    const char *text;
    int low, high;
  } cases[] = {{"all", 0, CC_AGE_END}, {"18-64", 18, 65}, {"65+", 65, CC_AGE_END}, {"0-17", 0, 18}, {"5-5", 5, 6}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cc_age_range r = band(cases[i].text);
    ck_assert_int_eq(r.low, cases[i].low);
    ck_assert_int_eq(r.high, cases[i].high);
    char buf[16];
    ck_assert_str_eq(cc_age_format(r, buf, sizeof buf), cases[i].text);
  }
  cc_age_range r;
  cc_error err;
  static const char *const bad[] = {"", "adults", "64-18", "18-", "+65", "18 - 64"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ck_assert_msg(cc_age_parse(bad[i], &r, &err) == CC_EINPUT, "'%s' accepted", bad[i]);
    ck_assert_str_eq(err.field, "age_band");
  }
  ck_assert(cc_age_overlap(band("16-24"), band("0-17")));
  ck_assert(!cc_age_overlap(band("0-17"), band("18-64")));
  ck_assert(cc_age_within(band("85+"), band("65+")));
  ck_assert(!cc_age_within(band("60+"), band("65+")));
}
END_TEST

START_TEST(test_split_hand_computed) {
  /* 16-24: ages 16-17 are 2/18 of 1,800 = 200, ages 18-24 are 7/47 of 4,700 = 700; 200/900 and 700/900. */
  split("16-24", (const double[]){200.0 / 900.0, 700.0 / 900.0, 0.0});
  /* 60+: 60-64 = 5/47 of 4,700 = 500; 65+ = 1,000 + 600 + 300 = 1,900; of 2,400. */
  split("60+", (const double[]){0.0, 500.0 / 2400.0, 1900.0 / 2400.0});
  /* 50-69: 50-64 = 15/47 of 4,700 = 1,500; 65-69 = 5/10 of 1,000 = 500; of 2,000. */
  split("50-69", (const double[]){0.0, 0.75, 0.25});
  /* 10-79: 10-17 = 800; 18-64 = 4,700; 65-74 = 1,000; 75-79 = 5/10 of 600 = 300; of 6,800. */
  split("10-79", (const double[]){800.0 / 6800.0, 4700.0 / 6800.0, 1300.0 / 6800.0});
  /* Inside one common band: all of it there, no population needed. */
  split("90+", (const double[]){0.0, 0.0, 1.0});
  split("5-9", (const double[]){1.0, 0.0, 0.0});
  split("18-64", (const double[]){0.0, 1.0, 0.0});
  /* 16-24 of 90 referrals: 20 and 70, as a person would work it out. */
  cc_age_range bands[5], targets[CC_AGE_COMMON_COUNT];
  for (size_t i = 0; i < 5; i++) bands[i] = band(pop_bands[i]);
  for (size_t i = 0; i < CC_AGE_COMMON_COUNT; i++) targets[i] = band(cc_age_common_band(i));
  cc_age_reference ref = {bands, pop_counts, 5};
  double shares[CC_AGE_COMMON_COUNT];
  cc_error err;
  ck_assert(cc_age_split(band("16-24"), targets, CC_AGE_COMMON_COUNT, &ref, shares, &err) == CC_OK);
  ck_assert(fabs(90 * shares[0] - 20) < 1e-9 && fabs(90 * shares[1] - 70) < 1e-9);
}
END_TEST

START_TEST(test_split_refusals) {
  cc_age_range targets[CC_AGE_COMMON_COUNT];
  for (size_t i = 0; i < CC_AGE_COMMON_COUNT; i++) targets[i] = band(cc_age_common_band(i));
  double shares[CC_AGE_COMMON_COUNT];
  cc_error err;
  /* No population for a straddling band. */
  ck_assert(cc_age_split(band("16-24"), targets, CC_AGE_COMMON_COUNT, NULL, shares, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "no population"), "%s", err.message);
  /* Population bands that leave ages out. */
  cc_age_range adults[] = {band("18-64"), band("65+")};
  double adult_counts[] = {4700, 1900};
  cc_age_reference ref = {adults, adult_counts, 2};
  ck_assert(cc_age_split(band("16-24"), targets, CC_AGE_COMMON_COUNT, &ref, shares, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "do not cover"), "%s", err.message);
  /* Cutting an open band: how many of the 65+ are 65-69 is unknown from "65+" alone. */
  ck_assert(cc_age_split(band("50-69"), targets, CC_AGE_COMMON_COUNT, &ref, shares, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "open population band 65+"), "%s", err.message);
  /* Zero population. */
  double zero[] = {0, 0};
  ref.population = zero;
  ck_assert(cc_age_split(band("60+"), targets, CC_AGE_COMMON_COUNT, &ref, shares, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "zero"), "%s", err.message);
  /* Targets that do not cover the source. */
  ck_assert(cc_age_split(band("60+"), targets, 2, &ref, shares, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "common bands do not cover"), "%s", err.message);
}
END_TEST

START_TEST(test_reference_select) {
  cc_age_range bands[] = {band("all"), band("0-17"), band("18-64"), band("65+"), band("65-74"), band("75-84"),
                          band("85+")};
  int keep[7];
  cc_error err;
  ck_assert(cc_age_reference_select(bands, 7, keep, &err) == CC_OK);
  static const int expected[] = {0, 1, 1, 0, 1, 1, 1};
  for (size_t i = 0; i < 7; i++) ck_assert_int_eq(keep[i], expected[i]);
  cc_age_range crossing[] = {band("60-74"), band("65-84")};
  ck_assert(cc_age_reference_select(crossing, 2, keep, &err) == CC_EINPUT);
  ck_assert_msg(strstr(err.message, "overlap"), "%s", err.message);
}
END_TEST

static Suite *ageband_suite(void) {
  Suite *suite = suite_create("ageband");
  TCase *bands = tcase_create("bands");
  tcase_add_test(bands, test_parse_and_format);
  tcase_add_test(bands, test_split_hand_computed);
  tcase_add_test(bands, test_split_refusals);
  tcase_add_test(bands, test_reference_select);
  suite_add_tcase(suite, bands);
  return suite;
}

int main(void) { return cc_test_run_suite(ageband_suite()); }
