/* finance.h: the arithmetic of a public-sector business case.
 *
 * Discounting follows HM Treasury's Green Book (2022): the social time
 * preference rate is 3.5% a year for years 0 to 30 and 3.0% for years 31 to
 * 75 (and 2.5% to 125), applied as a schedule, so the factor of year t is
 * the product of 1 / (1 + r_s) over the years s before it; year 0 (the
 * first year of the appraisal) is not discounted. Prices move from their
 * base year by compound inflation. Optimism bias is a proportional uplift
 * on costs. Payback is the time at which the cumulative discounted net
 * saving first reaches zero, interpolated linearly within that year. */
#ifndef CARECAST_FINANCE_H
#define CARECAST_FINANCE_H

#include <stddef.h>

#define CC_GREEN_BOOK_RATE 0.035        /* years 0-30 */
#define CC_GREEN_BOOK_RATE_LONG 0.030   /* years 31-75 */
#define CC_GREEN_BOOK_RATE_LONGER 0.025 /* years 76-125 */
#define CC_GREEN_BOOK_YEARS 30          /* last year at the first rate */
#define CC_GREEN_BOOK_YEARS_LONG 75     /* last year at the second rate */

/* The discount factor of year t (0 for the first year) under a constant
 * rate for years 0 to 30 (the Green Book's first rate when rate is
 * CC_GREEN_BOOK_RATE), then the Green Book's later rates. */
double cc_discount_factor(double rate, int year);

/* The price of something costing `price` in base year prices, in year
 * `year`, after compound inflation at `inflation` a year. */
double cc_inflate(double price, double inflation, int base_year, int year);

/* The net present value of amounts[0..years) (year 0 first) at rate. */
double cc_npv(const double *amounts, size_t years, double rate);

/* Payback: years until the cumulative discounted net saving (savings minus
 * costs, per year) first reaches zero, counting whole years and the
 * fraction of the year it happens in (linear within the year); 0 when it
 * is never negative; INFINITY when it does not happen within `years`. */
double cc_payback(const double *net, size_t years, double rate);

#endif
