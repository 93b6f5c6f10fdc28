/* geography.h: linking the names and codes organisations use for places to
 * ONS GSS codes, through the lookup tables of data/lookups.
 *
 * A text is resolved in stages, stopping at the first that finds anything:
 *   1. a GSS code in the lookup (any status);
 *   2. a legacy code: DfE's three-digit LA code, the old ONS code ("00CG"), or
 *      a sub-ICB location's ODS code ("00L");
 *   3. a name or alias, exactly as written;
 *   4. a normalised name ("Sheffield City Council", "SHEFFIELD", "Sheffield MD");
 *   5. an approximate name: Jaro-Winkler similarity of normalised names, with
 *      the score reported; below the threshold, or with a runner-up within the
 *      ambiguity margin, it is an error listing the candidates, never a guess.
 * A code that a boundary change replaced by one other code ("recoded") is
 * followed to its successor; a merged or split area is an error naming its
 * successors. When one name is both a local authority and an NHS or police
 * area, the local authority is taken and the match says what else it named.
 * A sub-ICB location (E38, or its three-to-five-character ODS code such as
 * "00L") is matched as itself, and the match's note names the ICB it is part
 * of (its icbs field).
 * A lower-tier district (E07) is matched like any area, after the upper-tier
 * authorities, and the match's note names the county it is part of: its
 * figures count only when added up with the county's other districts
 * (panel.h). */
#ifndef CARECAST_GEOGRAPHY_H
#define CARECAST_GEOGRAPHY_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_GEO_CODE_MAX 16        /* a GSS or legacy code, with its NUL */
#define CC_GEO_NAME_MAX 128       /* an area name or alias, with its NUL */
#define CC_GEO_LIST_MAX 64        /* semicolon-separated code lists, with NUL */
#define CC_GEO_NOTE_MAX 256       /* what else a name matched */
#define CC_GEO_MIN_SCORE_DEFAULT 0.92     /* Jaro-Winkler score below which no approximate match is accepted */
#define CC_GEO_MARGIN_DEFAULT 0.02        /* a runner-up this close to the best makes the match ambiguous */
#define CC_GEO_FOLLOW_MAX 8               /* longest chain of recodings followed */

/* What kind of area a code is. For a name several kinds share, the local
 * authority is taken first, then the district, the ICB, the police force area
 * and the sub-ICB location. */
typedef enum cc_geo_kind {
  CC_GEO_LOCAL_AUTHORITY = 0,   /* E06, E08, E09, E10: authorities with social care duties */
  CC_GEO_ICB = 1,               /* integrated care board, E54 */
  CC_GEO_POLICE_FORCE_AREA = 2, /* E23 */
  CC_GEO_DISTRICT = 3,          /* lower-tier district of a county, E07 */
  CC_GEO_SUB_ICB = 4,           /* sub-ICB location of an ICB (a former CCG area), E38 */
} cc_geo_kind;

#define CC_GEO_KIND_COUNT 5

/* Which stage matched. */
typedef enum cc_geo_method {
  CC_GEO_BY_CODE = 0,
  CC_GEO_BY_LEGACY_CODE = 1,
  CC_GEO_BY_NAME = 2,
  CC_GEO_BY_NORMALISED_NAME = 3,
  CC_GEO_BY_APPROXIMATE_NAME = 4,
} cc_geo_method;

/* What a boundary change did to a code. */
typedef enum cc_geo_status {
  CC_GEO_CURRENT = 0, /* in use */
  CC_GEO_RECODED = 1, /* the same area under one new code: followed */
  CC_GEO_MERGED = 2,  /* became part of a larger area: not followed */
  CC_GEO_SPLIT = 3,   /* divided between several areas: not followed */
} cc_geo_status;

typedef struct cc_geo_area {
  char code[CC_GEO_CODE_MAX];             /* GSS code */
  char name[CC_GEO_NAME_MAX];             /* official name */
  cc_geo_kind kind;                       /* local authority, ICB or police force area */
  cc_geo_status status;                   /* current, or what replaced it */
  char successors[CC_GEO_LIST_MAX];       /* codes that replaced it, ';'-separated, or "" */
  int changed;                            /* year the change took effect, 0 when current */
  char police_force_area[CC_GEO_CODE_MAX];/* local authorities: the police force area covering it */
  char icbs[CC_GEO_LIST_MAX];             /* local authorities: the ICBs covering it, ';'-separated;
                                             sub-ICB locations: the ICB it is part of */
  int icb_whole;                          /* 1 when one ICB covers the whole authority (always for a sub-ICB location) */
  char county[CC_GEO_CODE_MAX];           /* districts: the county (E10) it is part of */
  char unitary[CC_GEO_CODE_MAX];          /* districts of a split county: the unitary (E06) it became part of, or "" */
} cc_geo_area;

typedef struct cc_geo_lookup cc_geo_lookup;

typedef struct cc_geo_options {
  double min_score;        /* CC_GEO_MIN_SCORE_DEFAULT */
  double ambiguity_margin; /* CC_GEO_MARGIN_DEFAULT */
} cc_geo_options;

/* The defaults above. */
cc_geo_options cc_geo_options_default(void);

typedef struct cc_geo_match {
  char code[CC_GEO_CODE_MAX];      /* the GSS code linked to */
  cc_geo_kind kind;                /* its kind */
  cc_geo_method method;            /* which stage matched */
  double score;                    /* 1 for exact stages, the Jaro-Winkler score for approximate */
  char matched[CC_GEO_NAME_MAX];   /* the lookup's name, alias or code that matched */
  char followed[CC_GEO_CODE_MAX];  /* the old code a recoding was followed from, or "" */
  char note[CC_GEO_NOTE_MAX];      /* other kinds of area the same name names, or "" */
} cc_geo_match;

/* Load the lookups in dir: local_authorities.csv, districts.csv,
 * integrated_care_boards.csv, sub_icb_locations.csv, police_force_areas.csv,
 * la_icb.csv and aliases.csv (data/lookups/README.md).
 * Every code a table refers to must be defined. Caller frees with cc_geo_lookup_free. */
CC_MUST_CHECK cc_status cc_geo_lookup_load(const char *dir, cc_geo_lookup **out, cc_error *err);

/* Free lookup. No operation when NULL. */
void cc_geo_lookup_free(cc_geo_lookup *lookup);

/* Resolve text to a GSS code (see the stages above). options may be NULL for
 * the defaults. CC_EINPUT when it matches nothing, is ambiguous, or is an area
 * that was merged or split; the message lists the candidates. */
CC_MUST_CHECK cc_status cc_geo_resolve(const cc_geo_lookup *lookup, const char *text, const cc_geo_options *options,
                                       cc_geo_match *out, cc_error *err);

/* The area with code, or NULL. */
const cc_geo_area *cc_geo_find(const cc_geo_lookup *lookup, const char *code);

/* The current districts of a county, or of a unitary made of districts of a
 * split county, (in code order) into out, at most max of them; returns how
 * many there are (which may exceed max). */
size_t cc_geo_districts_of(const cc_geo_lookup *lookup, const char *code, const cc_geo_area **out, size_t max);

/* The authority a district's figures add up to: its unitary when its county
 * was split, otherwise its county. */
const char *cc_geo_district_total(const cc_geo_area *district);

/* Number of areas, and area i (0 <= i < count), in code order. */
size_t cc_geo_count(const cc_geo_lookup *lookup);
const cc_geo_area *cc_geo_area_at(const cc_geo_lookup *lookup, size_t i);

/* The comparable form of a name into buf: lower case, '&' as "and",
 * punctuation dropped, and the words organisations add to a place name
 * ("city council", "metropolitan borough of", "MD", ", City of", "police",
 * "integrated care board", ...) removed. */
void cc_geo_normalise(const char *name, char *buf, size_t len);

/* Jaro-Winkler similarity of a and b in [0, 1] (Winkler 1990, as his strcmp95
 * code: prefix scale 0.1, prefix up to 4 characters, rewarded only when the
 * Jaro score is above 0.7). 1 for equal strings, 0 when either is empty. */
double cc_jaro_winkler(const char *a, const char *b);

const char *cc_geo_kind_name(cc_geo_kind kind);
const char *cc_geo_method_name(cc_geo_method method);

#endif
