/* finance.c: Green Book discounting, inflation, NPV and payback (finance.h). */
#include "carecast/finance.h"

#include <math.h>

/* The rate applying from year s to year s + 1. */
static double rate_in_year(double rate, int s) {
  if (s < CC_GREEN_BOOK_YEARS) return rate;
  if (s < CC_GREEN_BOOK_YEARS_LONG) return CC_GREEN_BOOK_RATE_LONG;
  return CC_GREEN_BOOK_RATE_LONGER;
}

double cc_discount_factor(double rate, int year) {
  double factor = 1.0;
  for (int s = 0; s < year; s++) factor /= 1.0 + rate_in_year(rate, s);
  return factor;
}

double cc_inflate(double price, double inflation, int base_year, int year) {
  return price * pow(1.0 + inflation, (double)(year - base_year));
}

double cc_npv(const double *amounts, size_t years, double rate) {
  double npv = 0.0;
  for (size_t t = 0; t < years; t++) npv += amounts[t] * cc_discount_factor(rate, (int)t);
  return npv;
}

double cc_payback(const double *net, size_t years, double rate) {
  double cumulative = 0.0;
  int ever_negative = 0;
  for (size_t t = 0; t < years; t++) {
    double step = net[t] * cc_discount_factor(rate, (int)t), before = cumulative;
    cumulative += step;
    if (cumulative < 0.0) ever_negative = 1;
    if (ever_negative && before < 0.0 && cumulative >= 0.0) return (double)t + (-before / step);
  }
  if (!ever_negative) return 0.0;
  return INFINITY;
}
