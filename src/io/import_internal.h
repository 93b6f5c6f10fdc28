/* import_internal.h: what the import formats share (import.c), private to
 * src/io. A format reads the publisher's table (csvfile.h), and for every
 * value it keeps calls import_add: the result gathers areas, measures and
 * rows, and import.c sorts, checks and writes them as a source. */
#ifndef CARECAST_IMPORT_INTERNAL_H
#define CARECAST_IMPORT_INTERNAL_H

#include <stdint.h>

#include "carecast/csvfile.h"
#include "carecast/import.h"
#include "carecast/period.h"

#define IMPORT_VALUE_MAX 48 /* longest value text kept (published numbers are far shorter) */

/* The publisher's facts a format fills in before rows are added. */
typedef struct import_provenance {
  const char *organisation;      /* manifest organisation type: "government", "ons" */
  const char *organisation_name; /* the publisher */
  const char *title;             /* default title */
  const char *release;           /* default release text, may be NULL */
  const char *url;               /* default publisher URL */
  double suppression_max;        /* the publisher's bound of a suppressed cell */
} import_provenance;

typedef struct import_measure {
  char name[CC_MEASURE_MAX];
  cc_freq freq;
  cc_kind kind;
  char unit[CC_MEASURE_MAX];
  char *description; /* owned */
} import_measure;

typedef struct import_area {
  char code[CC_GEOGRAPHY_MAX];
  char *name;           /* owned, the name on the row of the latest period; may be NULL */
  int32_t name_period;  /* period index that name was read on */
} import_area;

typedef struct import_row {
  uint32_t area;                  /* index into areas */
  uint32_t measure;               /* index into measures */
  cc_period period;
  char age_band[CC_AGE_BAND_MAX];
  char value[IMPORT_VALUE_MAX];   /* as written in the source CSV: a number, "c", "<0.5" or "" */
  long line;                      /* line of the publisher's file */
} import_row;

struct cc_import_result {
  char source_id[CC_SOURCE_ID_MAX];
  char *original_path;                         /* owned */
  char original_sha256[CC_SHA256_HEX_LEN + 1];
  import_provenance provenance;                /* organisation texts (static); title, release, url NULL: see below */
  char *title, *release, *url;                 /* owned, resolved from options and provenance */
  char *description;                           /* owned: how the file was read (import_describe) */
  char refreshed[11];
  double suppression_max;
  import_measure *measures;
  size_t n_measures, measures_cap;
  import_area *areas;
  size_t n_areas, areas_cap;
  size_t last_area;                            /* cache: rows of one area usually come together */
  import_row *rows;
  size_t n_rows, rows_cap;
  cc_import_summary summary;                   /* counts; source_id points at source_id */
};

/* The formats (import_ees.c, import_snpp.c), as listed in cc_import_formats. */
cc_status import_dfe_ees(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err);
cc_status import_dfe_sfr(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err);
cc_status import_ons_snpp(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err);

/* Start a result for the table read from path. */
CC_MUST_CHECK cc_status import_result_start(const cc_csv_table *table, const cc_import_options *opt,
                                            const import_provenance *provenance, cc_import_result **out, cc_error *err);

/* The area with this code (added when new), its name updated when period is later. */
CC_MUST_CHECK cc_status import_area_add(cc_import_result *res, const char *code, const char *name, cc_period period,
                                    uint32_t *index, cc_error *err);

/* The measure with this name (added when new). A measure seen with another
 * frequency is an error at FILE:LINE. description is copied. */
CC_MUST_CHECK cc_status import_measure_add(cc_import_result *res, const char *name, cc_freq freq, cc_kind kind,
                                           const char *unit, const char *description, const char *file, long line,
                                           uint32_t *index, cc_error *err);

/* Add one observation. value is the source CSV's text for it; column and
 * line say where it was read (a negative count is an error there). */
CC_MUST_CHECK cc_status import_add(cc_import_result *res, uint32_t area, uint32_t measure, cc_period period,
                                   const char *age_band, const char *value, const char *column, long line,
                                   cc_error *err);

/* Set the manifest's description: how the file was read, symbols counted. */
CC_MUST_CHECK cc_status import_describe(cc_import_result *res, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Sort the rows, refuse a key given twice with different values (naming
 * both lines of file), and count. */
CC_MUST_CHECK cc_status import_finish(cc_import_result *res, const char *file, cc_error *err);

/* text in lower case, every run of other characters than a-z0-9 as one '_',
 * none at either end, into buf. */
void import_slug(const char *text, char *buf, size_t len);

/* The name a column or filter value goes by in measure names: NAME when
 * opt->renames has TEXT=NAME for it, else text itself. */
const char *import_part_name(const cc_import_options *opt, const char *text);

/* prefix + the parts joined by '_' as a measure name into buf (CC_MEASURE_MAX);
 * an error at FILE:LINE when it is too long or not a valid name. */
CC_MUST_CHECK cc_status import_measure_name(const char *prefix, const char *const *parts, size_t n_parts,
                                            const char *file, long line, char *buf, cc_error *err);

/* The kind of a measure: opt->kinds override by measure or column name;
 * else *fallback when not NULL; else guessed from the name: rates and
 * percentages, stocks (at or on 31 March, populations), else flows.
 * CC_EINPUT when an override is malformed. */
CC_MUST_CHECK cc_status import_kind(const cc_import_options *opt, const char *measure, const char *column,
                                    const cc_kind *fallback, cc_kind *kind, cc_error *err);

/* The unit of a measure of that kind named so ("percent", "per 10,000", "rate", counts: count_unit). */
const char *import_unit(cc_kind kind, const char *name, const char *count_unit);

/* An age as the publishers write it ("Under 1 year", "1 to 4 years",
 * "16 years", "18 years and over", "90 and over", "65+", "7") as an age
 * band into buf; "Total", "All ages" and "All" give total_band. 0 when text
 * is not an age. */
int import_age_band(const char *text, const char *total_band, char *buf, size_t len);

/* 1 when name is in the NULL-terminated list (case-insensitive). */
int import_in_list(const char *const *list, const char *name);

/* 1 when name is in the comma-separated list (case-insensitive, spaces around items ignored). */
int import_in_comma_list(const char *list, const char *name);

/* The --filter selections resolved to columns of a table. */
typedef struct import_filters {
  long column[CC_IMPORT_SELECT_MAX];
  const char *value[CC_IMPORT_SELECT_MAX]; /* point into opt->filters */
  size_t n;
} import_filters;

/* Resolve opt->filters against the table: a missing column or a malformed
 * selection is CC_EINPUT (field "--filter"). */
CC_MUST_CHECK cc_status import_filters_resolve(const cc_csv_table *table, const cc_import_options *opt,
                                               import_filters *filters, cc_error *err);

/* 1 when data row `row` passes every selection. */
int import_filters_pass(const cc_csv_table *table, const import_filters *filters, size_t row);

/* 1 when column col of table is one of the selected filter columns. */
int import_filters_has(const import_filters *filters, long col);

/* Of the columns cols[0..n), those holding more than one value over the
 * rows where keep[row] is set: each becomes part of the measure name.
 * split receives them (room for n); *n_split their count. */
void import_split_columns(const cc_csv_table *table, const unsigned char *keep, const long *cols, size_t n,
                          long *split, size_t *n_split);

#endif
