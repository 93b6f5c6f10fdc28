/* fixture.h: reading the reference fixtures in tests/reference/fixtures
 * (plain CSV with a header, written by the scripts beside them; "NA" is
 * missing). Fields past the header's count (free-text notes holding
 * commas) are ignored. */
#ifndef CARECAST_FIXTURE_H
#define CARECAST_FIXTURE_H

#include <stddef.h>

typedef struct cc_fixture {
  size_t n_columns;
  char **columns;  /* header names */
  size_t n_rows;
  char ***rows;    /* rows[r][c], owned */
} cc_fixture;

/* Load tests/reference/fixtures/<name> from the project directory; NULL when absent. */
cc_fixture *cc_fixture_load(const char *name);
void cc_fixture_free(cc_fixture *f);

/* Column index of name, or -1. */
int cc_fixture_column(const cc_fixture *f, const char *name);

/* Field of row r in column name: text ("" when absent) and number (NaN for NA or absent). */
const char *cc_fixture_text(const cc_fixture *f, size_t r, const char *name);
double cc_fixture_number(const cc_fixture *f, size_t r, const char *name);

/* 1 when got is within `tolerance` of expected, relative to |expected| (absolute below 1); NaN matches only NaN. */
int cc_fixture_close(double got, double expected, double tolerance);

/* The `value` column of the rows whose `case` is case_name and `split` is split
 * (any split when split is NULL), in order, into values[max]; returns how many
 * rows matched (more than max is the caller's error to assert) and sets *period,
 * unless period is NULL, from the rows' `period`. */
size_t cc_fixture_series_part(const cc_fixture *f, const char *case_name, const char *split, double *values, size_t max,
                              int *period);

#define CC_FIXTURE_WORD_MAX 64 /* one word of a space-separated field, with NUL */

/* Split a space-separated field ("ar1 ma1 drift") into words[max]; returns how many. */
size_t cc_fixture_words(const char *text, char words[][CC_FIXTURE_WORD_MAX], size_t max);

/* carecast's ARIMA variant string ("p,d,q:P,D,Q:constant") for row r of an
 * arima fits fixture (columns p, d, q, P, D, Q and constant). */
void cc_fixture_arima_variant(const cc_fixture *f, size_t r, char *variant, size_t size);

#endif
