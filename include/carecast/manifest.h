/* manifest.h: the YAML manifest that describes a source file.
 *
 * Every source CSV has a manifest beside it (same name, .yaml) saying who
 * supplied it, under which data sharing agreement and licence, when it was
 * refreshed, and what each measure in it is (frequency, kind, unit). The
 * format is documented in docs/sources.md. */
#ifndef CARECAST_MANIFEST_H
#define CARECAST_MANIFEST_H

#include <stddef.h>

#include "carecast/config.h"
#include "carecast/error.h"
#include "carecast/file.h"
#include "carecast/period.h"
#include "carecast/series.h"

#define CC_SUPPRESSION_MAX_DEFAULT 5.0 /* upper bound of a suppressed cell unless the manifest says otherwise */

typedef enum cc_organisation {
  CC_ORG_COUNCIL = 0,
  CC_ORG_NHS_TRUST,
  CC_ORG_ICB,
  CC_ORG_CCG,
  CC_ORG_POLICE,
  CC_ORG_FIRE_RESCUE,
  CC_ORG_ONS,
  CC_ORG_GOVERNMENT,
  CC_ORG_COUNT
} cc_organisation;

typedef struct cc_measure_def {
  char name[CC_MEASURE_MAX]; /* measure name as used in the CSV */
  cc_freq freq;              /* the only frequency its periods may have */
  cc_kind kind;              /* flow, stock, rate or amount */
  char unit[CC_MEASURE_MAX]; /* unit of one value */
  char *description;         /* optional, may be NULL */
} cc_measure_def;

/* An area a source names, as its publisher wrote it (for the linker). */
typedef struct cc_area_name {
  char code[CC_GEOGRAPHY_MAX]; /* the geography code used in the CSV */
  char *name;                  /* the publisher's name for it */
} cc_area_name;

typedef struct cc_manifest {
  char source_id[CC_SOURCE_ID_MAX]; /* unique id of the source within a store */
  cc_organisation organisation;     /* kind of organisation that supplied it */
  char *organisation_name;          /* e.g. "Sheffield City Council" */
  char *data_sharing_agreement;     /* reference of the agreement, or "none (open data)" */
  char *licence;                    /* e.g. "OGL-3.0" */
  char refreshed[11];               /* ISO date YYYY-MM-DD the extract was taken */
  char *publisher_url;              /* optional, may be NULL */
  char *attribution;                /* optional, may be NULL */
  char *description;                /* optional, may be NULL */
  char *title;                      /* optional: the publisher's title of the release or table */
  char *release;                    /* optional: release, edition or vintage ("2022-based, published 24 June 2025") */
  char *original_file;              /* optional: name of the publisher's file the source was made from */
  char original_sha256[CC_SHA256_HEX_LEN + 1]; /* SHA-256 of that file, "" when not given */
  cc_area_name *areas;              /* optional `geographies`: code -> publisher's name, may be NULL */
  size_t n_areas;                   /* number of areas */
  double suppression_max;           /* upper bound of a suppressed cell */
  cc_measure_def *measures;         /* measures declared */
  size_t n_measures;                /* number of measures */
  char *text;                       /* the manifest file as read, kept for provenance */
} cc_manifest;

/* Read and validate the manifest at path. On success the caller owns *out
 * and frees it with cc_manifest_free. Errors name the file, line and field. */
CC_MUST_CHECK cc_status cc_manifest_load(const char *path, cc_manifest **out, cc_error *err);

/* Validate a manifest held in memory; name is used in error messages. */
CC_MUST_CHECK cc_status cc_manifest_parse(const char *text, size_t len, const char *name, cc_manifest **out,
                                          cc_error *err);

/* Free m. No operation when m is NULL. */
void cc_manifest_free(cc_manifest *m);

/* The declared measure called name, or NULL. */
const cc_measure_def *cc_manifest_measure(const cc_manifest *m, const char *name);

const char *cc_organisation_name(cc_organisation org);

#endif
