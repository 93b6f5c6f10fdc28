/* series.h: a time series of one measure in one place for one age band.
 *
 * A series is regular: one slot per period from `start`, NaN where nothing
 * was observed. Each slot carries flags saying what the value is (observed,
 * suppressed below a bound, imputed, outlier, start of a definitional break).
 * Its id is "<measure>/<geography>/<age_band>", readable and stable, for
 * example "asc_residential_admissions/E08000019/65+". */
#ifndef CARECAST_SERIES_H
#define CARECAST_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"
#include "carecast/period.h"

/* Observation flags (a bit set per slot). A slot with no flag is missing. */
enum {
  CC_OBS_OBSERVED = 1u << 0,    /* a value as published */
  CC_OBS_SUPPRESSED = 1u << 1,  /* the publisher hid a small count: value NaN, bound holds its upper bound */
  CC_OBS_IMPUTED = 1u << 2,     /* value estimated (by the publisher or by carecast) */
  CC_OBS_OUTLIER = 1u << 3,     /* value marked as an outlier */
  CC_OBS_BREAK = 1u << 4,       /* a definitional break starts at this slot */
  CC_OBS_PROVISIONAL = 1u << 5, /* published as provisional, may be revised */
};

/* What a measure counts, which decides how it may be aggregated and checked. */
typedef enum cc_kind {
  CC_KIND_FLOW = 0,   /* events in the period (referrals, admissions): non-negative, summed */
  CC_KIND_STOCK = 1,  /* people at the period's end (children on a plan): non-negative */
  CC_KIND_RATE = 2,   /* a rate or percentage: non-negative, never summed */
  CC_KIND_AMOUNT = 3, /* money or another signed quantity */
} cc_kind;

#define CC_KIND_COUNT 4
#define CC_MEASURE_MAX 64    /* longest measure name, with its NUL */
#define CC_GEOGRAPHY_MAX 64  /* longest geography code or area name, with its NUL */
#define CC_AGE_BAND_MAX 16   /* longest age band, with its NUL */
#define CC_SERIES_ID_MAX (CC_MEASURE_MAX + CC_GEOGRAPHY_MAX + CC_AGE_BAND_MAX)
#define CC_SOURCE_ID_MAX 64  /* longest source id, with its NUL */

typedef struct cc_series {
  char id[CC_SERIES_ID_MAX];         /* "<measure>/<geography>/<age_band>" */
  char measure[CC_MEASURE_MAX];      /* measure name, as declared by its source */
  char geography[CC_GEOGRAPHY_MAX];  /* ONS GSS code, or an area name not yet linked */
  char age_band[CC_AGE_BAND_MAX];    /* "all", "18-64", "65+", ... */
  char unit[CC_MEASURE_MAX];         /* what one unit of value is ("people", "GBP thousand") */
  cc_kind kind;                      /* flow, stock, rate or amount */
  cc_freq freq;                      /* frequency of every slot */
  cc_period start;                   /* period of slot 0 */
  size_t n;                          /* number of slots */
  double *values;                    /* n values, NaN when missing or suppressed */
  double *bounds;                    /* n upper bounds of suppressed values, NaN elsewhere */
  uint8_t *flags;                    /* n flag sets (CC_OBS_*) */
  char *source_ids;                  /* comma-separated ids of the sources that supplied it */
} cc_series;

/* Allocate a series of n slots, all missing (NaN, no flags). Returns NULL
 * when out of memory. The caller owns it and frees it with cc_series_free. */
cc_series *cc_series_alloc(size_t n);

/* A series of n slots, all missing, with s's description: id, measure,
 * geography, age band, unit, kind, frequency, start and source ids. Returns
 * NULL when out of memory. The caller owns it and frees it with cc_series_free. */
cc_series *cc_series_alloc_like(const cc_series *s, size_t n);

/* Free s and everything it holds. No operation when s is NULL. */
void cc_series_free(cc_series *s);

/* The values of s at the n periods from start (which must have s's
 * frequency) into out[n], NaN where s has none (outside it or missing):
 * aligning a regressor on a series. Returns how many are not NaN. */
size_t cc_series_values_at(const cc_series *s, cc_period start, size_t n, double *out);

/* Build "<measure>/<geography>/<age_band>" into buf (CC_SERIES_ID_MAX bytes). */
void cc_series_make_id(const char *measure, const char *geography, const char *age_band, char *buf, size_t len);

/* Fill a series-id template (a model or scenario file's "measure/{geography}/{band}")
 * into buf: {geography} becomes geography and {band} becomes band; with band NULL,
 * {band} is left as written. Returns 0 when the result does not fit in len bytes. */
int cc_series_template_fill(const char *pattern, const char *geography, const char *band, char *buf, size_t len);

/* Split a series id into its three parts. CC_EINPUT when malformed. */
CC_MUST_CHECK cc_status cc_series_split_id(const char *id, char *measure, char *geography, char *age_band,
                                           cc_error *err);

/* Period of slot i. */
cc_period cc_series_period(const cc_series *s, size_t i);

/* Counts of slots by state. */
size_t cc_series_count_flag(const cc_series *s, unsigned flag);
size_t cc_series_count_missing(const cc_series *s); /* no value and not suppressed */

/* Validation of the parts of a key, with the reason in err (field set, no file/line). */
CC_MUST_CHECK cc_status cc_check_measure_name(const char *text, cc_error *err);
CC_MUST_CHECK cc_status cc_check_geography(const char *text, cc_error *err);
CC_MUST_CHECK cc_status cc_check_age_band(const char *text, cc_error *err);
CC_MUST_CHECK cc_status cc_check_source_id(const char *text, cc_error *err);

/* 1 when text is shaped like an ONS GSS code (E08000019), 0 otherwise. */
int cc_geography_is_code(const char *text);

const char *cc_kind_name(cc_kind kind);
CC_MUST_CHECK cc_status cc_kind_parse(const char *text, cc_kind *out, cc_error *err);

#endif
