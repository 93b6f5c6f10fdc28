/* extract.h: reading a pseudonymised person-level extract (one row per
 * event: a hospital discharge, a start of social care) for record linkage.
 *
 * The CSV has a header row naming its columns, in any order:
 *   record_id       required  the organisation's id of the row
 *   event_date      required  YYYY-MM-DD
 *   age_band        required  as in docs/sources.md (65-74, 85+, ...)
 *   geography_code  required  ONS GSS code of the council
 *   nhs_number      optional  10 digits (spaces allowed); empty when unknown
 *   date_of_birth   optional  YYYY-MM-DD, empty when unknown
 *   year_of_birth   optional  YYYY (when only the year is shared)
 *   sex             optional  M/F (or the NHS codes 1/2); empty, U, 0, 9 when unknown
 *   postcode        optional  full postcode or its outward code (district)
 * Any other column is an error, so that a misspelt column is never ignored.
 *
 * Identifiers are pseudonymised as each row is read: the record id and the
 * NHS number become HMAC-SHA256 digests (pseudonym.h), and the raw text is
 * wiped from the reader's buffers and from the file's bytes in memory. The
 * full postcode is pseudonymised too; what is kept in the clear is only what
 * comparison needs: the date of birth, the sex and the postcode district.
 * None of these is ever written out by carecast. */
#ifndef CARECAST_EXTRACT_H
#define CARECAST_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"
#include "carecast/pseudonym.h"
#include "carecast/series.h"

#define CC_EXTRACT_MAX_BYTES ((size_t)1 << 31) /* refuse extracts over 2 GiB */
#define CC_DISTRICT_MAX 8                      /* longest postcode district ("DN41", "EC1A"), with its NUL */

typedef struct cc_person_record {
  uint8_t id_digest[CC_HMAC_SHA256_SIZE];  /* pseudonym of the record id */
  uint8_t nhs_digest[CC_HMAC_SHA256_SIZE]; /* pseudonym of the NHS number (when has_nhs) */
  uint8_t has_nhs;                         /* 1 when a valid NHS number was given */
  char sex;                                /* 'F', 'M', or 0 when unknown */
  int16_t birth_year;                      /* 0 when unknown */
  int8_t birth_month, birth_day;           /* 0 when unknown (or only the year is known) */
  uint8_t postcode_digest[CC_HMAC_SHA256_SIZE]; /* pseudonym of the full postcode (when has_postcode) */
  uint8_t has_postcode;                    /* 1 when a full postcode (not only a district) was given */
  char district[CC_DISTRICT_MAX];          /* postcode district, "" when unknown */
  int32_t event_day;                       /* event date, days since 1970-01-01 */
  int32_t line;                            /* line of the CSV */
  char age_band[CC_AGE_BAND_MAX];          /* age band at the event */
  char geography[CC_GEOGRAPHY_MAX];        /* ONS GSS code */
} cc_person_record;

typedef struct cc_extract {
  char *path;                  /* the CSV as given */
  char sha256[65];             /* of the CSV's bytes, for provenance */
  cc_person_record *records;   /* in file order */
  size_t n;                    /* number of records */
  size_t nhs_missing;          /* rows with no NHS number */
  size_t nhs_invalid;          /* rows whose NHS number failed its check digit (treated as missing) */
  size_t postcode_invalid;     /* rows whose postcode could not be read (treated as missing) */
} cc_extract;

/* Read the extract at path, pseudonymising identifiers with key. domain
 * names the extract in record-id pseudonyms (for example "discharges"), so
 * that the same id in two extracts gives different pseudonyms. Errors are
 * CC_EINPUT as FILE:LINE: field: reason (unknown or missing column,
 * malformed date, bad NHS number, duplicate record id, ...); the first
 * problem stops the read. Free *out with cc_extract_free. */
CC_MUST_CHECK cc_status cc_extract_read(const char *path, const cc_pseudonym_key *key, const char *domain,
                                        cc_extract **out, cc_error *err);

/* Free extract. No operation when NULL. */
void cc_extract_free(cc_extract *extract);

/* 1 when text (spaces removed) is a 10-digit NHS number with a valid modulus-11 check digit. */
int cc_nhs_number_valid(const char *digits10);

#endif
