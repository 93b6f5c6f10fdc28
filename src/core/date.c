/* date.c: day numbers of calendar dates (date.h). The conversions are
 * Hinnant's civil-from-days algorithms over 400-year eras. */
#include "carecast/date.h"

#include <stdio.h>
#include <string.h>

#include "carecast/period.h"

#define DAYS_PER_ERA 146097L       /* days in 400 Gregorian years */
#define EPOCH_SHIFT 719468L        /* days from 0000-03-01 to 1970-01-01 */

long cc_date_from_civil(int year, int month, int day) {
  long y = month <= 2 ? year - 1 : year;
  long era = (y >= 0 ? y : y - 399) / 400;
  long year_of_era = y - era * 400;
  long day_of_year = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT;
}

void cc_date_to_civil(long days, int *year, int *month, int *day) {
  long z = days + EPOCH_SHIFT;
  long era = (z >= 0 ? z : z - DAYS_PER_ERA + 1) / DAYS_PER_ERA;
  long day_of_era = z - era * DAYS_PER_ERA;
  long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  long mp = (5 * day_of_year + 2) / 153;
  *day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
  *month = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = (int)(year_of_era + era * 400 + (*month <= 2));
}

int cc_date_month_days(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

long cc_date_month_end(int year, int month) { return cc_date_from_civil(year, month, cc_date_month_days(year, month)); }

static int digits(const char *text, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (text[i] < '0' || text[i] > '9') return 0;
  return 1;
}

static int number(const char *text, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) v = v * 10 + (text[i] - '0');
  return v;
}

cc_status cc_date_parse(const char *text, long *days, cc_error *err) {
  int year, month, day;
  size_t len = strlen(text);
  if (len == 10 && text[4] == '-' && text[7] == '-' && digits(text, 4) && digits(text + 5, 2) && digits(text + 8, 2)) {
    year = number(text, 4);
    month = number(text + 5, 2);
    day = number(text + 8, 2);
  } else if (len == 10 && text[2] == '/' && text[5] == '/' && digits(text, 2) && digits(text + 3, 2) &&
             digits(text + 6, 4)) {
    day = number(text, 2);
    month = number(text + 3, 2);
    year = number(text + 6, 4);
  } else {
    return cc_error_set(err, CC_EINPUT, NULL, 0, "date", "'%s' is not a date (YYYY-MM-DD or DD/MM/YYYY)", text);
  }
  if (year < CC_PERIOD_YEAR_MIN || year > CC_PERIOD_YEAR_MAX || month < 1 || month > 12 || day < 1 ||
      day > cc_date_month_days(year, month))
    return cc_error_set(err, CC_EINPUT, NULL, 0, "date", "'%s' is not a real date", text);
  *days = cc_date_from_civil(year, month, day);
  return CC_OK;
}

int cc_date_age(long birth, long day) {
  int by, bm, bd, y, m, d;
  cc_date_to_civil(birth, &by, &bm, &bd);
  cc_date_to_civil(day, &y, &m, &d);
  int age = y - by;
  if (m < bm || (m == bm && d < bd)) age--;
  return age;
}
