/* panel.h: the link run. Every series of the store is carried into the
 * linked panel (/panel, docs/store.md):
 *   - its geography resolved to a GSS code (geography.h);
 *   - its age band mapped to the common bands 0-17, 18-64, 65+ ("all" kept):
 *     a band inside one common band is a part of it, a straddling band is split
 *     in proportion to the population of the place in that year (ageband.h),
 *     and parts that together cover a common band add up to it;
 *   - at its own frequency, plus months aggregated to quarters, financial years
 *     and years and quarters to financial years and years (frequency.h);
 *   - quarterly and annual series disaggregated to months (Denton) only for the
 *     measures asked for;
 *   - the series of a county's lower-tier districts added up into a series of
 *     the county (counts only, one measure, band and frequency at a time) when
 *     every current district of the county has one, and then linked as above.
 * What cannot be linked (an unknown or ambiguous place, a merged or split
 * area, a rate in a band that is not a common band, a band no population can
 * split, two series claiming the same panel series, an incomplete set of
 * districts) is left out and named in the report, never guessed. */
#ifndef CARECAST_PANEL_H
#define CARECAST_PANEL_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/geography.h"
#include "carecast/period.h"
#include "carecast/store.h"

#define CC_LINK_POPULATION_MEASURE "population" /* the measure whose series weight band splits */

typedef struct cc_link_options {
  const char *lookups_dir;               /* folder of the geography lookups (data/lookups) */
  const char *population_measure;        /* CC_LINK_POPULATION_MEASURE when NULL */
  cc_geo_options geo;                    /* matching thresholds */
  const char *const *disaggregate;       /* measures to disaggregate to months, NULL-terminated; NULL for none; "all" for every one */
} cc_link_options;

/* A growing list of report lines. */
typedef struct cc_link_lines {
  char **items; /* owned */
  size_t n, capacity;
} cc_link_lines;

typedef struct cc_link_report {
  size_t series_read;                  /* series in /series */
  size_t series_linked;                /* of them, carried into the panel */
  size_t by_code;                      /* distinct geographies already GSS codes in the lookup */
  cc_link_lines matched;               /* "TEXT -> CODE (kind, method[, score])" for names, legacy and replaced codes */
  cc_link_lines split;                 /* "SERIES -> BANDS" for bands split by population */
  cc_link_lines combined;              /* "PANEL SERIES <- PARTS" for common bands added up from parts, and county sums of districts */
  cc_link_lines superseded;            /* "SERIES: reason" for finer bands whose common band a source gives whole */
  size_t aggregated[CC_FREQ_COUNT];    /* panel series made by aggregation, by frequency */
  cc_link_lines disaggregated;         /* "SERIES: FREQ -> month (Denton)" */
  cc_link_lines unlinked;              /* "SERIES: reason" */
  size_t panel_series;                 /* series in the panel */
  int changed;                         /* 1 when the panel differs from the one stored (and was rewritten) */
} cc_link_report;

/* The defaults: no lookups folder, the population measure, default matching, no disaggregation. */
cc_link_options cc_link_options_default(void);

/* Link the store's series into its panel (store open for writing). When the
 * new panel equals the stored one, nothing is written and report->changed is
 * 0, so the caller need not commit; otherwise the panel is replaced and the
 * caller commits. Series that cannot be linked are listed in report->unlinked
 * and do not make the run fail; a broken lookup or store does. The caller
 * frees the report with cc_link_report_free. */
CC_MUST_CHECK cc_status cc_link_run(cc_store *store, const cc_link_options *options, cc_link_report *report,
                                    cc_error *err);

/* Free what report holds (not report itself). */
void cc_link_report_free(cc_link_report *report);

#endif
