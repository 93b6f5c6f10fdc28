/* test_period.c: periods (period.h): parsing every valid form and refusing
 * everything else, canonical formatting, arithmetic across year ends,
 * months of each frequency, conversion between frequencies, and an oracle
 * test of conversion to financial years against the obvious rule. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/period.h"
#include "testutil.h"

/* Parse text, which must be valid. */
static cc_period parse(const char *text) {
  cc_period p;
  cc_error err;
  ck_assert_msg(cc_period_parse(text, &p, &err) == CC_OK, "'%s' refused: %s", text, err.message);
  return p;
}

/* p formatted into buf. */
static const char *format(cc_period p, char buf[CC_PERIOD_TEXT_MAX]) { return cc_period_format(p, buf, CC_PERIOD_TEXT_MAX); }

static void assert_period(cc_period p, cc_freq freq, const char *text) {
  char buf[CC_PERIOD_TEXT_MAX];
  ck_assert_msg(p.freq == freq, "%s has frequency %s, expected %s", format(p, buf), cc_freq_name(p.freq), cc_freq_name(freq));
  ck_assert_str_eq(format(p, buf), text);
}

START_TEST(test_parse_valid_forms) {
  static const struct {
    const char *text;
    cc_freq freq;
    int32_t index;
  } valid[] = {
      {"2024-03", CC_FREQ_MONTH, 2024 * 12 + 2},  {"2024-01", CC_FREQ_MONTH, 2024 * 12},
      {"2024-12", CC_FREQ_MONTH, 2024 * 12 + 11}, {"1900-01", CC_FREQ_MONTH, 1900 * 12},
      {"2200-12", CC_FREQ_MONTH, 2200 * 12 + 11}, {"2024-Q1", CC_FREQ_QUARTER, 2024 * 4},
      {"2024-Q4", CC_FREQ_QUARTER, 2024 * 4 + 3}, {"2024/25", CC_FREQ_FYEAR, 2024},
      {"1999/00", CC_FREQ_FYEAR, 1999},           {"2099/00", CC_FREQ_FYEAR, 2099},
      {"2200/01", CC_FREQ_FYEAR, 2200},           {"2024", CC_FREQ_YEAR, 2024},
      {"1900", CC_FREQ_YEAR, 1900},               {"2200", CC_FREQ_YEAR, 2200},
  };
  for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
    cc_period p = parse(valid[i].text);
    ck_assert_msg(p.freq == valid[i].freq && p.index == valid[i].index, "'%s' parsed as %s index %d", valid[i].text,
                  cc_freq_name(p.freq), (int)p.index);
  }
}
END_TEST

START_TEST(test_parse_invalid_forms) {
  static const char *const invalid[] = {
      "",           "2024-13",    "2024-00",   "2024-3",    "2024-003",  " 2024-03",  "2024-03 ",  "24-03",
      "03-2024",    "2024-Q0",    "2024-Q5",   "2024-q1",   "2024Q1",    "2024-Q",    "2024-Q12",  "2024/26",
      "2024/24",    "2024/2025",  "2024/5",    "2024-25",   "1850",      "1899",      "2201",      "1899-12",
      "2201/02",    "202",        "20245",     "abcd",      "2024.03",   "2024-03-01", "2024-1Q",  "+2024",
      "-2024",      "2024/",      "2024-",     "2024 ",     "FY2024/25", "2024/25 ", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94",
  };
  for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
    cc_period p = {CC_FREQ_YEAR, -1};
    cc_error err;
    cc_error_clear(&err);
    ck_assert_msg(cc_period_parse(invalid[i], &p, &err) == CC_EINPUT, "'%s' was accepted", invalid[i]);
    ck_assert_int_eq(err.status, CC_EINPUT);
    ck_assert_str_eq(err.field, "period");
    ck_assert_msg(err.message[0] != '\0', "'%s': refused without a reason", invalid[i]);
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.file, "");
  }
  ck_assert_uint_ge(sizeof invalid / sizeof *invalid, 20);
}
END_TEST

/* The reason says what is wrong, naming the text. */
START_TEST(test_parse_reasons) {
  cc_period p;
  cc_error err;
  ck_assert_int_eq(cc_period_parse("2024-13", &p, &err), CC_EINPUT);
  ck_assert_str_eq(err.message, "'2024-13' is not a period (month must be 01 to 12; expected 2024-03, 2024-Q1, 2024/25 or 2024)");
  ck_assert_int_eq(cc_period_parse("2024-Q5", &p, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "quarter must be Q1 to Q4"));
  ck_assert_int_eq(cc_period_parse("2024/26", &p, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "second year must follow its first"));
  ck_assert_int_eq(cc_period_parse("1850", &p, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "year outside 1900..2200"));
  ck_assert_int_eq(cc_period_parse("", &p, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "empty"));
}
END_TEST

/* format(parse(x)) == x for every month, quarter, financial year and year of a range of years. */
START_TEST(test_round_trips) {
  char text[CC_PERIOD_TEXT_MAX], back[CC_PERIOD_TEXT_MAX];
  for (int year = CC_PERIOD_YEAR_MIN; year <= CC_PERIOD_YEAR_MAX; year++) {
    for (int month = 1; month <= 12; month++) {
      snprintf(text, sizeof text, "%04d-%02d", year, month);
      ck_assert_str_eq(format(parse(text), back), text);
    }
    for (int quarter = 1; quarter <= 4; quarter++) {
      snprintf(text, sizeof text, "%04d-Q%d", year, quarter);
      ck_assert_str_eq(format(parse(text), back), text);
    }
    snprintf(text, sizeof text, "%04d/%02d", year, (year + 1) % 100);
    ck_assert_str_eq(format(parse(text), back), text);
    snprintf(text, sizeof text, "%04d", year);
    ck_assert_str_eq(format(parse(text), back), text);
  }
}
END_TEST

START_TEST(test_arithmetic_across_year_ends) {
  assert_period(cc_period_add(parse("2024-11"), 3), CC_FREQ_MONTH, "2025-02");
  assert_period(cc_period_add(parse("2025-02"), -3), CC_FREQ_MONTH, "2024-11");
  assert_period(cc_period_add(parse("2024-01"), -1), CC_FREQ_MONTH, "2023-12");
  assert_period(cc_period_add(parse("2024-12"), 1), CC_FREQ_MONTH, "2025-01");
  assert_period(cc_period_add(parse("2024-03"), 24), CC_FREQ_MONTH, "2026-03");
  assert_period(cc_period_add(parse("2024-03"), 0), CC_FREQ_MONTH, "2024-03");
  assert_period(cc_period_add(parse("2024-Q4"), 1), CC_FREQ_QUARTER, "2025-Q1");
  assert_period(cc_period_add(parse("2024-Q1"), -1), CC_FREQ_QUARTER, "2023-Q4");
  assert_period(cc_period_add(parse("2024-Q2"), 9), CC_FREQ_QUARTER, "2026-Q3");
  assert_period(cc_period_add(parse("2024/25"), -1), CC_FREQ_FYEAR, "2023/24");
  assert_period(cc_period_add(parse("1999/00"), 1), CC_FREQ_FYEAR, "2000/01");
  assert_period(cc_period_add(parse("2000/01"), -1), CC_FREQ_FYEAR, "1999/00");
  assert_period(cc_period_add(parse("2024"), 2), CC_FREQ_YEAR, "2026");
}
END_TEST

START_TEST(test_diff) {
  ck_assert_int_eq(cc_period_diff(parse("2024-11"), parse("2025-02")), 3);
  ck_assert_int_eq(cc_period_diff(parse("2025-02"), parse("2024-11")), -3);
  ck_assert_int_eq(cc_period_diff(parse("2024-03"), parse("2024-03")), 0);
  ck_assert_int_eq(cc_period_diff(parse("2020-01"), parse("2024-12")), 59);
  ck_assert_int_eq(cc_period_diff(parse("2023-Q3"), parse("2025-Q1")), 6);
  ck_assert_int_eq(cc_period_diff(parse("2019/20"), parse("2024/25")), 5);
  ck_assert_int_eq(cc_period_diff(parse("2024"), parse("2020")), -4);
  /* diff undoes add */
  cc_period start = parse("2023-07");
  for (int32_t n = -40; n <= 40; n++) ck_assert_int_eq(cc_period_diff(start, cc_period_add(start, n)), n);
}
END_TEST

static void assert_months(const char *text, const char *first_text, const char *last_text) {
  cc_period first, last;
  char buf[CC_PERIOD_TEXT_MAX];
  cc_period_months(parse(text), &first, &last);
  assert_period(first, CC_FREQ_MONTH, first_text);
  assert_period(last, CC_FREQ_MONTH, last_text);
  ck_assert_msg(cc_period_diff(first, last) + 1 == cc_freq_months(parse(text).freq), "%s: %d months", format(parse(text), buf),
                (int)cc_period_diff(first, last) + 1);
}

START_TEST(test_months_of_each_frequency) {
  assert_months("2024-03", "2024-03", "2024-03");
  assert_months("2024-Q1", "2024-01", "2024-03");
  assert_months("2024-Q2", "2024-04", "2024-06");
  assert_months("2024-Q4", "2024-10", "2024-12");
  assert_months("2024/25", "2024-04", "2025-03");
  assert_months("1999/00", "1999-04", "2000-03");
  assert_months("2024", "2024-01", "2024-12");
  cc_period only_first;
  cc_period_months(parse("2024/25"), &only_first, NULL); /* either output may be NULL */
  assert_period(only_first, CC_FREQ_MONTH, "2024-04");
  int year, month;
  cc_period_start_ym(parse("2024/25"), &year, &month);
  ck_assert(year == 2024 && month == 4);
  cc_period_start_ym(parse("2024-Q3"), &year, &month);
  ck_assert(year == 2024 && month == 7);
  cc_period_start_ym(parse("2025-02"), &year, &month);
  ck_assert(year == 2025 && month == 2);
}
END_TEST

static void assert_converts(const char *text, cc_freq to, const char *expected) {
  cc_period out;
  cc_error err;
  ck_assert_msg(cc_period_convert(parse(text), to, &out, &err) == CC_OK, "%s to %s refused: %s", text, cc_freq_name(to),
                err.message);
  assert_period(out, to, expected);
}

static void assert_does_not_convert(const char *text, cc_freq to) {
  cc_period out = {CC_FREQ_YEAR, -1};
  cc_error err;
  cc_error_clear(&err);
  ck_assert_msg(cc_period_convert(parse(text), to, &out, &err) == CC_EINPUT, "%s converted to %s", text, cc_freq_name(to));
  ck_assert_str_eq(err.field, "period");
  ck_assert_ptr_nonnull(strstr(err.message, text));
  ck_assert_ptr_nonnull(strstr(err.message, cc_freq_name(to)));
  ck_assert_int_eq(out.index, -1); /* untouched */
}

START_TEST(test_convert) {
  assert_converts("2025-02", CC_FREQ_QUARTER, "2025-Q1");
  assert_converts("2025-02", CC_FREQ_FYEAR, "2024/25");
  assert_converts("2025-02", CC_FREQ_YEAR, "2025");
  assert_converts("2025-02", CC_FREQ_MONTH, "2025-02");
  assert_converts("2024-03", CC_FREQ_FYEAR, "2023/24");
  assert_converts("2024-04", CC_FREQ_FYEAR, "2024/25");
  assert_converts("2024-Q2", CC_FREQ_FYEAR, "2024/25");
  assert_converts("2024-Q1", CC_FREQ_FYEAR, "2023/24");
  assert_converts("2024-Q4", CC_FREQ_FYEAR, "2024/25");
  assert_converts("2024-Q3", CC_FREQ_YEAR, "2024");
  assert_converts("2024-Q3", CC_FREQ_QUARTER, "2024-Q3");
  assert_converts("2024/25", CC_FREQ_FYEAR, "2024/25");
  assert_converts("2024", CC_FREQ_YEAR, "2024");
  assert_does_not_convert("2024/25", CC_FREQ_YEAR);
  assert_does_not_convert("2024", CC_FREQ_FYEAR);
  assert_does_not_convert("2024-Q2", CC_FREQ_MONTH);
  assert_does_not_convert("2024/25", CC_FREQ_QUARTER);
  assert_does_not_convert("2024/25", CC_FREQ_MONTH);
  assert_does_not_convert("2024", CC_FREQ_QUARTER);
  assert_does_not_convert("2024", CC_FREQ_MONTH);
}
END_TEST

/* Oracle: every month from 1990-01 to 2040-12 against the obvious rules
 * (financial year: the year when the month is April or later, else the year
 * before; quarter: (month + 2) / 3; year: the year). */
START_TEST(test_convert_oracle) {
  char text[CC_PERIOD_TEXT_MAX], expected[CC_PERIOD_TEXT_MAX], got[CC_PERIOD_TEXT_MAX];
  int checked = 0;
  for (int year = 1990; year <= 2040; year++) {
    for (int month = 1; month <= 12; month++) {
      snprintf(text, sizeof text, "%04d-%02d", year, month);
      cc_period m = parse(text), out;
      cc_error err;

      int fy_start = month >= 4 ? year : year - 1;
      snprintf(expected, sizeof expected, "%04d/%02d", fy_start, (fy_start + 1) % 100);
      ck_assert_int_eq(cc_period_convert(m, CC_FREQ_FYEAR, &out, &err), CC_OK);
      ck_assert_msg(out.freq == CC_FREQ_FYEAR && strcmp(format(out, got), expected) == 0, "%s: financial year %s, expected %s",
                    text, got, expected);

      snprintf(expected, sizeof expected, "%04d-Q%d", year, (month + 2) / 3);
      ck_assert_int_eq(cc_period_convert(m, CC_FREQ_QUARTER, &out, &err), CC_OK);
      ck_assert_msg(strcmp(format(out, got), expected) == 0, "%s: quarter %s, expected %s", text, got, expected);

      snprintf(expected, sizeof expected, "%04d", year);
      ck_assert_int_eq(cc_period_convert(m, CC_FREQ_YEAR, &out, &err), CC_OK);
      ck_assert_msg(strcmp(format(out, got), expected) == 0, "%s: year %s, expected %s", text, got, expected);
      checked++;
    }
  }
  ck_assert_int_eq(checked, 51 * 12);
}
END_TEST

START_TEST(test_frequencies) {
  static const struct {
    cc_freq freq;
    const char *name;
    int per_year, months;
  } freqs[] = {{CC_FREQ_MONTH, "month", 12, 1},
               {CC_FREQ_QUARTER, "quarter", 4, 3},
               {CC_FREQ_FYEAR, "financial_year", 1, 12},
               {CC_FREQ_YEAR, "year", 1, 12}};
  for (size_t i = 0; i < sizeof freqs / sizeof *freqs; i++) {
    cc_freq parsed;
    cc_error err;
    ck_assert_str_eq(cc_freq_name(freqs[i].freq), freqs[i].name);
    ck_assert_int_eq(cc_freq_parse(freqs[i].name, &parsed, &err), CC_OK);
    ck_assert_int_eq(parsed, freqs[i].freq);
    ck_assert_int_eq(cc_freq_per_year(freqs[i].freq), freqs[i].per_year);
    ck_assert_int_eq(cc_freq_months(freqs[i].freq), freqs[i].months);
  }
  static const char *const bad[] = {"monthly", "Month", "", "fy", "financial year", "annual"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cc_freq parsed;
    cc_error err;
    ck_assert_msg(cc_freq_parse(bad[i], &parsed, &err) == CC_EINPUT, "'%s' accepted as a frequency", bad[i]);
    ck_assert_str_eq(err.field, "frequency");
  }
  ck_assert_str_eq(cc_freq_name((cc_freq)CC_FREQ_COUNT), "unknown");
}
END_TEST

static Suite *period_suite(void) {
  Suite *suite = suite_create("period");
  TCase *parsing = tcase_create("parsing");
  tcase_add_test(parsing, test_parse_valid_forms);
  tcase_add_test(parsing, test_parse_invalid_forms);
  tcase_add_test(parsing, test_parse_reasons);
  tcase_add_test(parsing, test_round_trips);
  suite_add_tcase(suite, parsing);
  TCase *arithmetic = tcase_create("arithmetic");
  tcase_add_test(arithmetic, test_arithmetic_across_year_ends);
  tcase_add_test(arithmetic, test_diff);
  tcase_add_test(arithmetic, test_months_of_each_frequency);
  tcase_add_test(arithmetic, test_convert);
  tcase_add_test(arithmetic, test_convert_oracle);
  tcase_add_test(arithmetic, test_frequencies);
  suite_add_tcase(suite, arithmetic);
  return suite;
}

int main(void) {
  return cc_test_run_suite(period_suite());
}
