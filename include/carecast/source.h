/* source.h: reading one source (a long-format CSV and its manifest).
 *
 * cc_source_read validates every row of the CSV against docs/sources.md and
 * the manifest beside it, and returns the observations sorted by series and
 * period. A file with any bad row is refused whole: the store never sees
 * part of a file. */
#ifndef CARECAST_SOURCE_H
#define CARECAST_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"
#include "carecast/file.h"
#include "carecast/manifest.h"
#include "carecast/period.h"
#include "carecast/series.h"

#define CC_SOURCE_MAX_BYTES ((size_t)1 << 30) /* refuse source files over 1 GiB */

typedef struct cc_observation {
  char measure[CC_MEASURE_MAX];     /* measure name */
  char geography[CC_GEOGRAPHY_MAX]; /* GSS code or area name */
  char age_band[CC_AGE_BAND_MAX];   /* age band */
  cc_period period;                 /* when */
  double value;                     /* NaN when missing or suppressed */
  double bound;                     /* upper bound when suppressed, NaN otherwise */
  uint8_t flags;                    /* CC_OBS_* */
  int32_t line;                     /* line of the CSV it came from */
} cc_observation;

typedef struct cc_source {
  cc_manifest *manifest;              /* owned */
  char *path;                         /* path of the CSV as given */
  char sha256[CC_SHA256_HEX_LEN + 1]; /* of the CSV's bytes */
  size_t rows_read;                   /* data rows read (not the header, not blank lines) */
  size_t rows_rejected;               /* rows refused (0 for a source that was read) */
  size_t rows_duplicate;              /* rows repeating an earlier row exactly, read once */
  cc_observation *obs;                /* observations sorted by measure, geography, age band, period */
  size_t n_obs;                       /* number of observations */
} cc_source;

/* Read the CSV at csv_path and the manifest beside it (same path with .yaml
 * in place of .csv). On success *out is a source the caller frees with
 * cc_source_free. On bad input returns CC_EINPUT, *out is NULL, err holds
 * the first problem as FILE:LINE: field: reason, and `errors` (when not
 * NULL) collects every problem found. */
CC_MUST_CHECK cc_status cc_source_read(const char *csv_path, cc_source **out, cc_error_list *errors, cc_error *err);

/* The manifest path for a CSV path into buf. */
CC_MUST_CHECK cc_status cc_source_manifest_path(const char *csv_path, char *buf, size_t len, cc_error *err);

/* Free src. No operation when src is NULL. */
void cc_source_free(cc_source *src);

/* Order of observations: measure, geography, age band, then period. */
int cc_observation_compare_key(const cc_observation *a, const cc_observation *b);

/* 1 when text is a plain decimal number (sign, digits, one point, exponent;
 * no hex, inf, nan, spaces or thousands separators), its value in *out. */
int cc_source_plain_number(const char *text, double *out);

/* 1 when a and b are for the same series (measure, geography, age band). */
int cc_observation_same_series(const cc_observation *a, const cc_observation *b);

#endif
