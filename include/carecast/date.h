/* date.h: calendar dates as day numbers.
 *
 * A date is a count of days since 1970-01-01 in the proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil algorithm), so differences are
 * subtractions and month ends are one call. Partners' files write dates as
 * YYYY-MM-DD (ISO 8601) or DD/MM/YYYY (the British form); both are read. */
#ifndef CARECAST_DATE_H
#define CARECAST_DATE_H

#include "carecast/error.h"

#define CC_ISO_DATE_LEN 10 /* "YYYY-MM-DD" */

/* Days since 1970-01-01 of year-month-day (month 1-12, day 1-31, not checked). */
long cc_date_from_civil(int year, int month, int day);

/* The year, month and day of a day number. */
void cc_date_to_civil(long days, int *year, int *month, int *day);

/* The number of days in a month of a year. */
int cc_date_month_days(int year, int month);

/* The day number of the last day of a month. */
long cc_date_month_end(int year, int month);

/* Parse YYYY-MM-DD or DD/MM/YYYY into *days. CC_EINPUT (field "date", no
 * file or line: the caller adds those) when the text is not a real date. */
CC_MUST_CHECK cc_status cc_date_parse(const char *text, long *days, cc_error *err);

/* Whole years from the day `birth` to the day `day` (an age). */
int cc_date_age(long birth, long day);

#endif
