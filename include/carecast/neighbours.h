/* neighbours.h: the DfE's children's services statistical neighbours.
 *
 * The Department for Education publishes, for every English council with
 * children's services, the ten councils most like it (its "statistical
 * neighbours", closest first), from a model of socio-economic indicators;
 * data/neighbours/dfe_statistical_neighbours_2025.csv is the 2025 model as
 * published (old three-digit DfE codes). The table here maps those codes
 * to ONS GSS codes through data/lookups/local_authorities.csv (its dfe_code
 * column; where councils were reorganised and a DfE code appears more than
 * once, the current council's row wins), so that a council's neighbours can
 * be found by the codes the store uses. shrink.h pulls a council's rates
 * towards its neighbours'. */
#ifndef CARECAST_NEIGHBOURS_H
#define CARECAST_NEIGHBOURS_H

#include <stddef.h>

#include "carecast/error.h"
#include "carecast/multistate.h"
#include "carecast/series.h"

#define CC_NEIGHBOURS_PER_COUNCIL 10            /* the DfE lists ten, SN_1 (closest) to SN_10 */
#define CC_NEIGHBOURS_MAX_BYTES (4u << 20)      /* the statistical-neighbour and lookup files are far smaller */

typedef struct cc_neighbours {
  size_t n;                                               /* councils */
  char (*codes)[CC_GEOGRAPHY_MAX];                        /* n GSS codes of the councils, in file order */
  char (*dfe_codes)[CC_GEOGRAPHY_MAX];                    /* n DfE codes as published ("373") */
  char (*neighbours)[CC_NEIGHBOURS_PER_COUNCIL][CC_GEOGRAPHY_MAX]; /* n x 10 GSS codes, closest first */
} cc_neighbours;

/* Read the statistical-neighbour file sn_path (columns old_la_code and
 * SN_1 .. SN_10) and translate its DfE codes to GSS codes with the lookup
 * table lookup_path (columns code, dfe_code, status). The caller frees
 * *out with cc_neighbours_free. CC_EINPUT naming FILE:LINE and the column
 * when a column is missing, a council is listed twice, or a code has no
 * council in the lookup. */
CC_MUST_CHECK cc_status cc_neighbours_load(const char *sn_path, const char *lookup_path, cc_neighbours **out,
                                           cc_error *err);

/* Free t. No operation when t is NULL. */
void cc_neighbours_free(cc_neighbours *t);

/* The ten neighbours of the council with GSS code `code`, closest first:
 * a pointer into t (valid while t is), or NULL when the council is not in
 * the table. */
const char (*cc_neighbours_of(const cc_neighbours *t, const char *code))[CC_GEOGRAPHY_MAX];

/* Every council's monthly chance of leaving a state, from data all
 * councils publish (data/neighbours/dfe_exit_rates.csv, made by
 * data/neighbours/build.py from the DfE's annual tables): the rates a
 * council is shrunk towards. One row per council and state:
 *   geography_code,state,exit_probability,person_months */
typedef struct cc_exit_rates {
  size_t n;                                /* rows */
  char (*codes)[CC_GEOGRAPHY_MAX];         /* n GSS codes */
  char (*states)[CC_STATE_NAME_MAX];       /* n state names ("child_in_need") */
  double *probability;                     /* n monthly exit probabilities, in [0, 1] */
  double *person_months;                   /* n person-months at risk behind each (its evidence) */
} cc_exit_rates;

/* Read an exit-rate file. The caller frees *out with cc_exit_rates_free.
 * CC_EINPUT naming FILE:LINE and the column for a missing column, a
 * probability outside [0, 1], a negative or missing exposure, or a council
 * and state given twice. */
CC_MUST_CHECK cc_status cc_exit_rates_load(const char *path, cc_exit_rates **out, cc_error *err);

/* Free r. No operation when r is NULL. */
void cc_exit_rates_free(cc_exit_rates *r);

/* 1 and *probability, *person_months when r has council `code` in state
 * `state`, else 0. */
int cc_exit_rates_get(const cc_exit_rates *r, const char *code, const char *state, double *probability,
                      double *person_months);

#endif
