/* period.c: parsing, formatting, arithmetic and conversion of periods.
 *
 * Every period maps to an integer index so that adding steps and counting
 * the distance between two periods never touches a calendar table. Parsing
 * accepts exactly the four canonical forms of period.h: leading or trailing
 * spaces, a month without its leading zero, a financial year written with four
 * digits twice ("2024/2025") or with the wrong second year ("2024/26") are all
 * rejected with the reason, so that a file's problem is found where it is. */
#include "carecast/period.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const freq_names[CC_FREQ_COUNT] = {"month", "quarter", "financial_year", "year"};

static int32_t floor_div(int32_t a, int32_t b) {
  int32_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int32_t floor_mod(int32_t a, int32_t b) { return a - floor_div(a, b) * b; }

/* Parse exactly `count` decimal digits at text; -1 when any is not a digit. */
static int parse_digits(const char *text, int count) {
  int value = 0;
  for (int i = 0; i < count; i++) {
    if (!isdigit((unsigned char)text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

static cc_status bad_period(cc_error *err, const char *text, const char *why) {
  return cc_error_set(err, CC_EINPUT, NULL, 0, "period",
                      "'%s' is not a period (%s; expected 2024-03, 2024-Q1, 2024/25 or 2024)", text, why);
}

static cc_status check_year(int year, const char *text, cc_error *err) {
  if (year < CC_PERIOD_YEAR_MIN || year > CC_PERIOD_YEAR_MAX) {
    char why[64];
    snprintf(why, sizeof why, "year outside %d..%d", CC_PERIOD_YEAR_MIN, CC_PERIOD_YEAR_MAX);
    return bad_period(err, text, why);
  }
  return CC_OK;
}

cc_status cc_period_parse(const char *text, cc_period *out, cc_error *err) {
  size_t len = strlen(text);
  if (len < 4) return bad_period(err, text, len == 0 ? "empty" : "too short");
  int year = parse_digits(text, 4);
  if (year < 0) return bad_period(err, text, "does not start with a four-digit year");
  if (check_year(year, text, err)) return CC_EINPUT;

  if (len == 4) {
    *out = (cc_period){CC_FREQ_YEAR, year};
    return CC_OK;
  }
  if (len == 7 && text[4] == '-' && text[5] == 'Q') {
    int quarter = parse_digits(text + 6, 1);
    if (quarter < 1 || quarter > 4) return bad_period(err, text, "quarter must be Q1 to Q4");
    *out = (cc_period){CC_FREQ_QUARTER, year * 4 + quarter - 1};
    return CC_OK;
  }
  if (len == 7 && text[4] == '-') {
    int month = parse_digits(text + 5, 2);
    if (month < 1 || month > 12) return bad_period(err, text, "month must be 01 to 12");
    *out = (cc_period){CC_FREQ_MONTH, year * 12 + month - 1};
    return CC_OK;
  }
  if (len == 7 && text[4] == '/') {
    int end = parse_digits(text + 5, 2);
    if (end < 0) return bad_period(err, text, "financial year must end in two digits");
    if (end != (year + 1) % 100) return bad_period(err, text, "a financial year's second year must follow its first");
    *out = (cc_period){CC_FREQ_FYEAR, year};
    return CC_OK;
  }
  if (strchr(text, ' ') || strchr(text, '\t')) return bad_period(err, text, "holds spaces");
  if (text[4] == '-' && len == 6) return bad_period(err, text, "a month needs two digits, e.g. 2024-03");
  return bad_period(err, text, "unrecognised form");
}

char *cc_period_format(cc_period p, char *buf, size_t len) {
  switch (p.freq) {
  case CC_FREQ_MONTH:
    snprintf(buf, len, "%04d-%02d", (int)floor_div(p.index, 12), (int)floor_mod(p.index, 12) + 1);
    break;
  case CC_FREQ_QUARTER:
    snprintf(buf, len, "%04d-Q%d", (int)floor_div(p.index, 4), (int)floor_mod(p.index, 4) + 1);
    break;
  case CC_FREQ_FYEAR:
    snprintf(buf, len, "%04d/%02d", (int)p.index, (int)floor_mod(p.index + 1, 100));
    break;
  case CC_FREQ_YEAR:
    snprintf(buf, len, "%04d", (int)p.index);
    break;
  }
  return buf;
}

cc_period cc_period_add(cc_period p, int32_t n) {
  p.index += n;
  return p;
}

int32_t cc_period_diff(cc_period a, cc_period b) { return b.index - a.index; }

/* Index of the first month (year*12+month-1) of p. */
static int32_t first_month_index(cc_period p) {
  switch (p.freq) {
  case CC_FREQ_MONTH: return p.index;
  case CC_FREQ_QUARTER: return p.index * 3;
  case CC_FREQ_FYEAR: return p.index * 12 + 3;
  case CC_FREQ_YEAR: return p.index * 12;
  }
  return p.index;
}

void cc_period_months(cc_period p, cc_period *first_month, cc_period *last_month) {
  int32_t first = first_month_index(p);
  if (first_month) *first_month = (cc_period){CC_FREQ_MONTH, first};
  if (last_month) *last_month = (cc_period){CC_FREQ_MONTH, first + cc_freq_months(p.freq) - 1};
}

void cc_period_start_ym(cc_period p, int *year, int *month) {
  int32_t first = first_month_index(p);
  *year = (int)floor_div(first, 12);
  *month = (int)floor_mod(first, 12) + 1;
}

/* The period of frequency `to` that contains month index m. */
static cc_period containing(int32_t m, cc_freq to) {
  switch (to) {
  case CC_FREQ_MONTH: return (cc_period){to, m};
  case CC_FREQ_QUARTER: return (cc_period){to, floor_div(m, 3)};
  case CC_FREQ_FYEAR: return (cc_period){to, floor_div(m - 3, 12)};
  case CC_FREQ_YEAR: return (cc_period){to, floor_div(m, 12)};
  }
  return (cc_period){to, m};
}

cc_status cc_period_convert(cc_period p, cc_freq to, cc_period *out, cc_error *err) {
  cc_period first, last;
  cc_period_months(p, &first, &last);
  cc_period a = containing(first.index, to), b = containing(last.index, to);
  if (a.index != b.index) {
    char text[CC_PERIOD_TEXT_MAX];
    return cc_error_set(err, CC_EINPUT, NULL, 0, "period", "%s does not fit inside one %s",
                        cc_period_format(p, text, sizeof text), cc_freq_name(to));
  }
  *out = a;
  return CC_OK;
}

const char *cc_freq_name(cc_freq freq) {
  return (unsigned)freq < CC_FREQ_COUNT ? freq_names[freq] : "unknown";
}

cc_status cc_freq_parse(const char *text, cc_freq *out, cc_error *err) {
  for (int f = 0; f < CC_FREQ_COUNT; f++) {
    if (strcmp(text, freq_names[f]) == 0) {
      *out = (cc_freq)f;
      return CC_OK;
    }
  }
  return cc_error_set(err, CC_EINPUT, NULL, 0, "frequency",
                      "'%s' is not a frequency (expected month, quarter, financial_year or year)", text);
}

int cc_freq_per_year(cc_freq freq) {
  switch (freq) {
  case CC_FREQ_MONTH: return 12;
  case CC_FREQ_QUARTER: return 4;
  default: return 1;
  }
}

int cc_freq_months(cc_freq freq) {
  switch (freq) {
  case CC_FREQ_MONTH: return 1;
  case CC_FREQ_QUARTER: return 3;
  default: return 12;
  }
}

int cc_period_horizon(const char *text, cc_freq freq, size_t *steps) {
  char *end;
  long value = strtol(text, &end, 10);
  if (end == text || value < 1 || value > CC_HORIZON_MAX) return 0;
  if (*end == '\0') *steps = (size_t)value;
  else if ((*end == 'y' || *end == 'Y') && end[1] == '\0') *steps = (size_t)value * (size_t)cc_freq_per_year(freq);
  else return 0;
  return 1;
}
