/* period.h: the calendar periods carecast series are observed in.
 *
 * Four frequencies, each written in one way only:
 *   month           2024-03
 *   calendar quarter 2024-Q1   (January to March)
 *   financial year  2024/25    (1 April 2024 to 31 March 2025)
 *   calendar year   2024
 * A period is a frequency and an integer index, so arithmetic is integer
 * arithmetic and periods of one frequency compare with < and ==. Parsing
 * is strict: anything else is an error, never a guess. */
#ifndef CARECAST_PERIOD_H
#define CARECAST_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"

typedef enum cc_freq {
  CC_FREQ_MONTH = 0,
  CC_FREQ_QUARTER = 1,
  CC_FREQ_FYEAR = 2, /* financial year, April to March */
  CC_FREQ_YEAR = 3,
} cc_freq;

#define CC_FREQ_COUNT 4
#define CC_PERIOD_YEAR_MIN 1900 /* years outside this range are typing errors */
#define CC_PERIOD_YEAR_MAX 2200
#define CC_PERIOD_TEXT_MAX 16   /* longest formatted period, with its NUL */

typedef struct cc_period {
  cc_freq freq;  /* frequency */
  int32_t index; /* month: year*12+month-1; quarter: year*4+q-1; financial or calendar year: starting year */
} cc_period;

/* Parse text (exactly one of the four forms) into *out. On failure returns
 * CC_EINPUT with the reason in err (field "period", no file or line: the
 * caller adds those). */
CC_MUST_CHECK cc_status cc_period_parse(const char *text, cc_period *out, cc_error *err);

/* Write p in its canonical form into buf (at least CC_PERIOD_TEXT_MAX bytes). Returns buf. */
char *cc_period_format(cc_period p, char *buf, size_t len);

/* The period n steps after p (before, when n < 0), same frequency. */
cc_period cc_period_add(cc_period p, int32_t n);

/* Steps from a to b (b - a); both must have the same frequency. */
int32_t cc_period_diff(cc_period a, cc_period b);

/* The first and last month of p. */
void cc_period_months(cc_period p, cc_period *first_month, cc_period *last_month);

/* The period of frequency `to` containing p. Fails with CC_EINPUT when p does
 * not nest inside one period of that frequency (a financial year is not
 * inside one calendar year; a year cannot become a month). */
CC_MUST_CHECK cc_status cc_period_convert(cc_period p, cc_freq to, cc_period *out, cc_error *err);

/* Calendar year and month (1..12) of the first month of p. */
void cc_period_start_ym(cc_period p, int *year, int *month);

/* Frequency names: "month", "quarter", "financial_year", "year". */
const char *cc_freq_name(cc_freq freq);
CC_MUST_CHECK cc_status cc_freq_parse(const char *text, cc_freq *out, cc_error *err);

/* Observations per year (the seasonal period): 12, 4, 1, 1. */
int cc_freq_per_year(cc_freq freq);

#define CC_HORIZON_MAX 1000 /* the longest horizon, in periods or years */

/* The steps of a horizon for a series of frequency freq: "24" is 24
 * periods, "3y" three years of them (36 months, 12 quarters). Returns 0
 * when text is not a horizon of 1 to CC_HORIZON_MAX. */
int cc_period_horizon(const char *text, cc_freq freq, size_t *steps);

/* Months in one period: 1, 3, 12, 12. */
int cc_freq_months(cc_freq freq);

#endif
