/* numfmt.h: numbers written for people (the HTML report's tables and chart labels).
 *
 * Counts are grouped in thousands ("12,345"), money is in pounds with a
 * thousands or millions suffix ("£850k", "-£1.20m"), axis labels carry as
 * many decimals as their tick step needs and no more. A missing value (NaN)
 * is written as an en dash, an infinite one as "∞" (or "-∞"). Every function
 * writes a NUL-terminated text into buf of len bytes (cut when too short)
 * and returns buf. */
#ifndef CARECAST_NUMFMT_H
#define CARECAST_NUMFMT_H

#include <stddef.h>

#define CC_NUMFMT_MAX 48            /* a buffer every formatter here fits in */
#define CC_NUMFMT_MISSING "\u2013"  /* en dash: no value */
#define CC_NUMFMT_DECIMALS_MAX 6    /* the most decimals an axis label gets */

/* value rounded to `decimals` places (0..CC_NUMFMT_DECIMALS_MAX) with
 * commas between thousands: 1234567.8 -> "1,234,568" (0 decimals),
 * -0.25 -> "-0.25" (2). A value that rounds to zero is "0", never "-0". */
char *cc_numfmt_grouped(double value, int decimals, char *buf, size_t len);

/* A count: whole numbers grouped ("12,345"); values below 10 that are not
 * whole keep one decimal ("2.8"), so small forecasts are not shown as 0 or 3. */
char *cc_numfmt_count(double value, char *buf, size_t len);

/* An amount of money in pounds: "£1.23m" from a million, "£850k" from a
 * thousand, "£640" below; negative amounts "-£1.20m". */
char *cc_numfmt_money(double pounds, char *buf, size_t len);

/* A share (0.873) as a percentage with `decimals` places: "87.3%". */
char *cc_numfmt_percent(double share, int decimals, char *buf, size_t len);

/* The decimals a tick label needs when ticks are `step` apart (0 for a step
 * of 1 or more, 1 for 0.5, 2 for 0.25 and 0.05, ...), at most CC_NUMFMT_DECIMALS_MAX. */
int cc_numfmt_step_decimals(double step);

/* An axis tick label: grouped, with cc_numfmt_step_decimals(step) decimals. */
char *cc_numfmt_tick(double value, double step, char *buf, size_t len);

/* A money axis tick label: in millions ("£1.5m") when scale (the largest
 * absolute value on the axis) is a million or more, in thousands ("£250k")
 * from a thousand, else pounds; as many decimals as the step needs. */
char *cc_numfmt_money_tick(double pounds, double step, double scale, char *buf, size_t len);

#endif
