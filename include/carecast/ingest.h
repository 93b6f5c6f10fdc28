/* ingest.h: adding sources to the store.
 *
 * Ingest turns validated sources (source.h) into the store's sources,
 * measures and series. A source whose CSV and manifest are byte-for-byte
 * the ones already stored is left alone; a new version of a source
 * replaces that source's observations (its history keeps every version);
 * a measure declared differently by two sources, or one observation
 * supplied by two sources, is refused. All changes are made in the store's
 * working copy: nothing is visible until the caller commits. */
#ifndef CARECAST_INGEST_H
#define CARECAST_INGEST_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/source.h"
#include "carecast/store.h"

typedef enum cc_ingest_action {
  CC_INGEST_NEW = 0,       /* the source was not in the store */
  CC_INGEST_REPLACED = 1,  /* a new version replaced the stored one */
  CC_INGEST_UNCHANGED = 2, /* the same bytes were already stored: nothing done */
} cc_ingest_action;

typedef struct cc_ingest_outcome {
  char source_id[CC_SOURCE_ID_MAX]; /* which source */
  cc_ingest_action action;          /* what was done */
  int64_t version;                  /* the source's current version after ingest */
  size_t observations;              /* observations now held for it */
  size_t series_written;            /* series created or rewritten */
  size_t series_removed;            /* series left with no observation and deleted */
} cc_ingest_outcome;

/* Add the n sources to a store open for writing, in order. ingested_at is
 * the ISO 8601 time recorded for new versions. outcomes has room for n.
 * Errors name the source file, line and field. On error the working copy
 * may be partly changed: the caller must close the store without commit. */
CC_MUST_CHECK cc_status cc_ingest_sources(cc_store *store, cc_source *const *sources, size_t n, const char *ingested_at,
                                          cc_ingest_outcome *outcomes, cc_error *err);

/* "new", "replaced", "unchanged". */
const char *cc_ingest_action_name(cc_ingest_action action);

#endif
