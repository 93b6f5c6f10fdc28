/* import.h: publishers' own table layouts to carecast sources.
 *
 * Published statistics arrive wide (one column per measure or per year),
 * with the publisher's geography columns and suppression symbols. An
 * importer reads such a file and makes a source (docs/sources.md): the
 * long CSV and its manifest, with the symbols turned into carecast's
 * treatments and the provenance (publisher, title, release, URL, licence,
 * the original file's name and SHA-256, the publisher's area names) kept.
 * Formats are a table (cc_import_formats); each is one function. How each
 * format is read is documented in docs/import.md. */
#ifndef CARECAST_IMPORT_H
#define CARECAST_IMPORT_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/file.h"
#include "carecast/series.h"

#define CC_IMPORT_SELECT_MAX 16 /* --filter and --kind options one import may take */
#define CC_IMPORT_MAX_BYTES ((size_t)1 << 30) /* refuse publishers' files over 1 GiB */

typedef struct cc_import_options {
  const char *source_id;      /* source id; NULL: from the file's name */
  const char *measure_prefix; /* put before every measure name; NULL: the format's default */
  const char *measure;        /* ons-snpp: the measure's name; NULL: the format's default */
  const char *age_band;       /* age band of values not broken down by age; NULL: "all" */
  const char *age_column;     /* dfe-ees: a filter column whose values are ages; NULL: none */
  const char *age_bands;      /* ons-snpp: "0-17,18-64,65+": sum single years into these; NULL: keep single years */
  const char *indicators;     /* dfe-ees: comma-separated measure columns; NULL: every numeric column */
  const char *levels;         /* dfe-ees, dfe-sfr: geographic levels kept, comma-separated; NULL: every supported level */
  const char *filters[CC_IMPORT_SELECT_MAX]; /* "COLUMN=VALUE": keep only rows with that value */
  size_t n_filters;
  const char *kinds[CC_IMPORT_SELECT_MAX];   /* "NAME=KIND": measure or column NAME is flow|stock|rate|amount */
  size_t n_kinds;
  const char *renames[CC_IMPORT_SELECT_MAX]; /* "TEXT=NAME": a column or filter value TEXT is NAME in measure names */
  size_t n_renames;
  int reporting_year_calendar; /* dfe-ees: read "Reporting year" as a calendar year (default: year ending 31 March) */
  const char *refreshed;       /* ISO date of the extract (required) */
  const char *title;           /* provenance overrides; NULL: the format's defaults */
  const char *release;
  const char *url;
  double suppression_max;      /* upper bound of a suppressed cell; NaN: the format's publisher rule */
} cc_import_options;

/* Options with every field at its default (refreshed still to be set). */
cc_import_options cc_import_options_default(void);

typedef struct cc_import_result cc_import_result;

/* What an import made, for the command line's report. */
typedef struct cc_import_summary {
  const char *source_id;  /* the source's id */
  size_t rows_read;       /* data rows of the publisher's file */
  size_t rows_kept;       /* of them, rows that gave observations */
  size_t observations;    /* rows of the source CSV */
  size_t areas;           /* distinct geography codes */
  size_t local_authorities; /* of them, local authorities (E06, E07, E08, E09, E10, W06) */
  size_t measures;        /* measures declared */
  size_t suppressed;      /* cells written as suppressed (c, k) */
  size_t not_available;   /* cells written as missing (x, u, ..) */
  size_t not_applicable;  /* cells left out (z) */
} cc_import_summary;

/* A format: its name on the command line and its converter. */
typedef struct cc_import_format {
  const char *name;    /* "dfe-ees", "dfe-sfr", "ons-snpp" */
  const char *summary; /* one line for --help */
  /* Read the table at path per opt into a new result. */
  cc_status (*convert)(const char *path, const cc_import_options *opt, cc_import_result **out, cc_error *err);
} cc_import_format;

/* The formats, terminated by an entry with a NULL name. */
extern const cc_import_format cc_import_formats[];

/* The format called name, or NULL. */
const cc_import_format *cc_import_format_find(const char *name);

/* Import the file at path in format `format` (a name from cc_import_formats).
 * On success the caller owns *out (free with cc_import_result_free). Bad
 * input (unknown format, a missing column, a bad cell) is CC_EINPUT with
 * FILE:LINE: field: reason. */
CC_MUST_CHECK cc_status cc_import_file(const char *format, const char *path, const cc_import_options *opt,
                                       cc_import_result **out, cc_error *err);

/* Write the source to dir/<source_id>.csv and dir/<source_id>.yaml (each
 * written to a temporary file, synced and renamed, so neither is ever
 * half-written). csv_path receives the CSV's path. */
CC_MUST_CHECK cc_status cc_import_write(const cc_import_result *res, const char *dir, char *csv_path, size_t len,
                                        cc_error *err);

/* Counts of what was made. */
cc_import_summary cc_import_result_summary(const cc_import_result *res);

/* Free res. No operation when res is NULL. */
void cc_import_result_free(cc_import_result *res);

#endif
