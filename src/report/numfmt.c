/* numfmt.c: numbers written for people (numfmt.h). */
#include "carecast/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define POUNDS_MILLION 1e6
#define POUNDS_THOUSAND 1e3
#define COUNT_SMALL 10.0         /* counts below this keep a decimal when not whole */
#define WHOLE_TOLERANCE 1e-9     /* how close to a whole number counts as whole */
#define STEP_DECIMALS_SLACK 1e-9 /* a step of 0.1 computed as 0.09999999 still needs one decimal */

/* NaN and infinities; 1 when value was one of them (buf written). */
static int write_special(double value, char *buf, size_t len) {
  if (isnan(value)) snprintf(buf, len, "%s", CC_NUMFMT_MISSING);
  else if (isinf(value)) snprintf(buf, len, "%s\u221e", value < 0 ? "-" : "");
  else return 0;
  return 1;
}

char *cc_numfmt_grouped(double value, int decimals, char *buf, size_t len) {
  if (len == 0) return buf;
  if (write_special(value, buf, len)) return buf;
  if (decimals < 0) decimals = 0;
  if (decimals > CC_NUMFMT_DECIMALS_MAX) decimals = CC_NUMFMT_DECIMALS_MAX;
  char plain[CC_NUMFMT_MAX + 320]; /* %f of the largest double has 309 digits */
  snprintf(plain, sizeof plain, "%.*f", decimals, fabs(value));
  int negative = value < 0 && strspn(plain, "0.") != strlen(plain); /* "-0.00" is "0.00" */
  const char *point = strchr(plain, '.');
  size_t whole = point ? (size_t)(point - plain) : strlen(plain);
  size_t out = 0;
  if (negative && out + 1 < len) buf[out++] = '-';
  for (size_t i = 0; i < whole && out + 1 < len; i++) {
    if (i > 0 && (whole - i) % 3 == 0) {
      buf[out++] = ',';
      if (out + 1 >= len) break;
    }
    buf[out++] = plain[i];
  }
  for (const char *p = point; p && *p && out + 1 < len; p++) buf[out++] = *p;
  buf[out] = '\0';
  return buf;
}

char *cc_numfmt_count(double value, char *buf, size_t len) {
  int whole = fabs(value - round(value)) < WHOLE_TOLERANCE;
  return cc_numfmt_grouped(value, !whole && fabs(value) < COUNT_SMALL ? 1 : 0, buf, len);
}

char *cc_numfmt_money(double pounds, char *buf, size_t len) {
  if (write_special(pounds, buf, len)) return buf;
  double size = fabs(pounds);
  const char *sign = pounds < 0 ? "-" : "";
  if (size >= POUNDS_MILLION) snprintf(buf, len, "%s\u00a3%.2fm", sign, size / POUNDS_MILLION);
  else if (size >= POUNDS_THOUSAND) snprintf(buf, len, "%s\u00a3%.0fk", sign, size / POUNDS_THOUSAND);
  else snprintf(buf, len, "%s\u00a3%.0f", round(size) == 0 ? "" : sign, size);
  return buf;
}

char *cc_numfmt_percent(double share, int decimals, char *buf, size_t len) {
  if (write_special(share, buf, len)) return buf;
  char number[CC_NUMFMT_MAX];
  cc_numfmt_grouped(100.0 * share, decimals, number, sizeof number);
  snprintf(buf, len, "%s%%", number);
  return buf;
}

int cc_numfmt_step_decimals(double step) {
  if (!(step > 0) || isinf(step)) return 0;
  int decimals = 0;
  double scaled = step;
  while (decimals < CC_NUMFMT_DECIMALS_MAX && fabs(scaled - round(scaled)) > STEP_DECIMALS_SLACK * fmax(1.0, scaled)) {
    scaled *= 10;
    decimals++;
  }
  return decimals;
}

char *cc_numfmt_tick(double value, double step, char *buf, size_t len) {
  return cc_numfmt_grouped(value, cc_numfmt_step_decimals(step), buf, len);
}

char *cc_numfmt_money_tick(double pounds, double step, double scale, char *buf, size_t len) {
  if (write_special(pounds, buf, len)) return buf;
  double unit = fabs(scale) >= POUNDS_MILLION ? POUNDS_MILLION : fabs(scale) >= POUNDS_THOUSAND ? POUNDS_THOUSAND : 1.0;
  const char *suffix = unit == POUNDS_MILLION ? "m" : unit == POUNDS_THOUSAND ? "k" : "";
  char number[CC_NUMFMT_MAX];
  cc_numfmt_tick(fabs(pounds) / unit, step / unit, number, sizeof number);
  int zero = strspn(number, "0.") == strlen(number);
  if (zero) snprintf(buf, len, "\u00a30");
  else snprintf(buf, len, "%s\u00a3%s%s", pounds < 0 ? "-" : "", number, suffix);
  return buf;
}
