/* recordlink.h: probabilistic linkage of two pseudonymised person-level
 * extracts (extract.h), for example hospital discharges (A) and starts of
 * social care (B).
 *
 * 1. Blocking: only pairs that share a blocking key are compared. Four
 *    passes, whose candidate pairs are united: the pseudonymised NHS
 *    number; the date of birth with day and month taken either way round
 *    (so a swap still blocks); year and month of birth, sex and postcode
 *    district (catches a wrong day); day and month of birth, sex and
 *    postcode district (catches a wrong year). A pair lacking its NHS
 *    number on one side is thus still found with one error in the date of
 *    birth, given sex and district.
 * 2. Comparison: each candidate pair gets an agreement level per field
 *    (CC_RECORDS_*), CC_FS_MISSING where either side lacks the value. The
 *    postcode is one field with nested levels (same postcode, same
 *    district, districts one edit apart), so that conditional independence
 *    is not broken by comparing a postcode and its own district twice.
 * 3. Fellegi-Sunter: m and u probabilities and the share of matches by EM
 *    (fellegi_sunter.h) over all pairs of A x B: the candidates' comparison
 *    patterns counted exactly, the other pairs' counted exactly when there
 *    are at most CC_RECORDS_SAMPLE_PAIRS, else estimated from a seeded sample;
 *    each candidate's weight and match probability follow.
 * 4. One-to-one assignment: pairs are taken greedily by weight, highest
 *    first, each record of A and of B used at most once (each extract holds
 *    one event per person).
 * 5. Threshold: of the assigned pairs, those at or above the lowest weight
 *    at which the estimated false-match rate among accepted links is at
 *    most the target (cc_fs_threshold) are the links.
 * Event dates are deliberately not compared: the links feed counts of
 * events that follow one another within N days, and using the gap as
 * evidence of a match would bias those counts. */
#ifndef CARECAST_RECORDLINK_H
#define CARECAST_RECORDLINK_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"
#include "carecast/extract.h"
#include "carecast/fellegi_sunter.h"
#include "carecast/source.h"

/* Compared fields and their agreement levels (0 is always "disagree"). */
enum cc_records_field {
  CC_RECORDS_NHS = 0,      /* pseudonymised NHS number: 0 differ, 1 same */
  CC_RECORDS_BIRTH = 1,    /* date of birth: 0 differ, 1 year within one, 2 partial, 3 exact (see cc_records_compare) */
  CC_RECORDS_SEX = 2,      /* 0 differ, 1 same */
  CC_RECORDS_POSTCODE = 3, /* postcode: 0 differ, 1 districts one edit apart, 2 same district, 3 same postcode */
  CC_RECORDS_FIELDS = 4
};

#define CC_RECORDS_BLOCK_PASSES 4    /* blocking passes, in the order of the header comment */
#define CC_RECORDS_TARGET_FMR 0.01   /* default target false-match rate among accepted links */
#define CC_RECORDS_WITHIN_DAYS 91    /* default window of the aggregate: B within 91 days after A */

/* Levels of each field (CC_RECORDS_* order). */
extern const int cc_records_levels[CC_RECORDS_FIELDS];

/* Name of a field ("nhs_number", "date_of_birth", "sex", "postcode") and of one of its levels. */
const char *cc_records_field_name(int field);
const char *cc_records_level_name(int field, uint8_t level);

/* Name of a blocking pass. */
const char *cc_records_block_name(int pass);

/* Compare a and b into levels[CC_RECORDS_FIELDS]. Date of birth: 3 when equal;
 * 2 when day and month are swapped, or two of day, month and year agree and
 * the year is within one; 1 when only the years are known or agree to
 * within one; 0 otherwise. Postcode: 3 when both full postcodes are known
 * and their pseudonyms agree; 2 when the districts agree; 1 when the
 * districts are one insertion, deletion, substitution or swap of
 * neighbours apart. */
void cc_records_compare(const cc_person_record *a, const cc_person_record *b, uint8_t levels[CC_RECORDS_FIELDS]);

/* Optimal string alignment distance (Levenshtein with swaps of neighbours) of two short strings (< 64 bytes). */
int cc_records_edit_distance(const char *a, const char *b);

/* Candidate pairs of blocking: pairs[i] = (index in a) << 32 | (index in b), sorted and distinct.
 * per_pass[p] counts each pass's pairs before the union. Caller frees *pairs. */
CC_MUST_CHECK cc_status cc_records_block(const cc_extract *a, const cc_extract *b, uint64_t **pairs, size_t *n_pairs,
                                      size_t per_pass[CC_RECORDS_BLOCK_PASSES], cc_error *err);

#define CC_RECORDS_SAMPLE_PAIRS 1000000 /* pairs sampled from the cross product for EM (all of them when fewer) */
#define CC_RECORDS_SEED 20250401u       /* seed of that sample */

typedef struct cc_records_options {
  double target_fmr;   /* accepted links' estimated false-match rate at most this (CC_RECORDS_TARGET_FMR) */
  cc_fs_options em;    /* EM settings (start_p is set from the extracts' sizes) */
  size_t sample_pairs; /* CC_RECORDS_SAMPLE_PAIRS */
  uint64_t seed;       /* CC_RECORDS_SEED */
} cc_records_options;

/* The default options. */
cc_records_options cc_records_default_options(void);

typedef struct cc_records_match {
  uint32_t a, b;                  /* record indices in the two extracts */
  double weight;                  /* match weight, log2 */
  double probability;             /* match probability */
  uint8_t levels[CC_RECORDS_FIELDS]; /* the comparison */
} cc_records_match;

typedef struct cc_records_result {
  size_t per_pass[CC_RECORDS_BLOCK_PASSES]; /* candidate pairs of each blocking pass */
  size_t candidates;                     /* distinct candidate pairs compared */
  size_t patterns;                       /* distinct comparison patterns seen */
  cc_fs_model model;                     /* the estimated model */
  size_t assigned;                       /* pairs in the one-to-one assignment */
  double threshold;                      /* weight at or above which assigned pairs are links (+Inf: none) */
  double estimated_fmr;                  /* estimated false-match rate among the links */
  double expected_matches;               /* sum of match probabilities over all candidates (EM's matches) */
  cc_records_match *links;                  /* the links, highest weight first */
  size_t n_links;                        /* number of links */
} cc_records_result;

/* Link a and b. options may be NULL (defaults). Free *out with cc_records_result_free. */
CC_MUST_CHECK cc_status cc_records_run(const cc_extract *a, const cc_extract *b, const cc_records_options *options,
                                    cc_records_result **out, cc_error *err);

/* Free result. No operation when NULL. */
void cc_records_result_free(cc_records_result *result);

/* The aggregate series of the links: for every month of B's event dates
 * (first to last) and every (geography, age band) of B, the number of B
 * records linked to an A record whose event was 0 to within_days days
 * before. Geography and age band are B's. Observations are of measure, all
 * months present (zeros included), sorted by key. Caller frees *obs. */
CC_MUST_CHECK cc_status cc_records_aggregate(const cc_extract *a, const cc_extract *b, const cc_records_result *result,
                                          int within_days, const char *measure, cc_observation **obs, size_t *n_obs,
                                          cc_error *err);

/* What a linked series' source says about where it came from. */
typedef struct cc_records_provenance {
  const char *source_id;         /* id of the new source ([a-z0-9_]+) */
  const char *measure;           /* measure of the series */
  const char *refreshed;         /* YYYY-MM-DD the link was made */
  const char *linked_path;       /* the LINKED.csv written (must end in .csv); its bytes' SHA-256 is the source's */
  const char *linked_sha256;     /* SHA-256 of LINKED.csv's bytes */
  const cc_extract *a, *b;       /* the extracts (their file names and SHA-256 go in the description) */
  const cc_records_result *result;  /* threshold, target and counts, for the description */
  double target_fmr;             /* the target false-match rate used */
  int within_days;               /* the window of the aggregate */
  const char *data_sharing_agreement; /* reference of the agreement the extracts were shared under */
} cc_records_provenance;

/* Make a source (source.h) of the aggregate observations obs[n_obs] (taken
 * over: freed with the source, also on failure) with a manifest saying it
 * was made by carecast link-records, from which files, and how. Ingesting
 * it (ingest.h) writes the series atomically with the store's provenance.
 * Free *out with cc_source_free. */
CC_MUST_CHECK cc_status cc_records_source_make(const cc_records_provenance *prov, cc_observation *obs, size_t n_obs,
                                            cc_source **out, cc_error *err);

#endif
