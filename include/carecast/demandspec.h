/* demandspec.h: model files for the cohort and stock-and-flow demand models.
 *
 * A model file in models/ says which series of the store play which part,
 * for each council it applies to. Series ids are written as templates in
 * which {geography} and {band} stand for the council's code and the age
 * band, for example `asc_residential_clients/{geography}/65+` (in YAML's
 * block style; inside a flow mapping {...} a template must be quoted).
 *
 *   type: stockflow                 # or cohort
 *   name: asc_older_people          # lower case, digits, _
 *   description: ...
 *   geographies: [E08000019, E06000012]
 *
 *   # stockflow: the live states (in order), each with its end-of-month
 *   # stock and optionally its arrivals from outside (entries; none when
 *   # absent), all its arrivals (starts) and departures (ends); moves between live states
 *   # the model allows besides staying and ending (both always allowed).
 *   states:
 *     home_care:
 *       stock: asc_home_care_clients/{geography}/65+
 *       entries: asc_home_care_starts/{geography}/65+
 *     residential:
 *       stock: asc_residential_clients/{geography}/65+
 *   moves:
 *     - [home_care, residential]
 *   entry_model: auto               # how entry flows are forecast (a --model request)
 *   bootstrap: 200                  # replicates for the rates' uncertainty
 *   from: 2019-04                   # estimate on the months from here (optional)
 *   shrink:                         # optional: exits shrunk towards the statistical neighbours'
 *     neighbours: ../data/neighbours/dfe_statistical_neighbours_2025.csv
 *     lookup: ../data/lookups/local_authorities.csv
 *     rates: ../data/neighbours/dfe_exit_rates.csv
 *     states: {home_care: home_care}  # model state: its state in the rates file
 *
 *   # stockflow, optional: a state's entries may follow a leading indicator
 *   # (a monthly series of the store), `indicator_lag` months later (0 to
 *   # CC_DEMAND_MAX_LAG, default 0); the entries are then fitted by
 *   # regression with ARIMA errors on the lagged indicator, and projected on
 *   # the indicator's own forecast sample paths (demand.h):
 *   #   residential:
 *   #     stock: ...
 *   #     entries: asc_residential_admissions/{geography}/65+
 *   #     indicator: nhs_emergency_admissions/{geography}/65+
 *   #     indicator_lag: 1
 *   #     indicator_future: nhs_emergency_admissions_low/{geography}/65+  # optional: a
 *   #       scenario's values of the indicator over the horizon, used in place of its forecast
 *
 *   # stockflow, optional: stocks, entries and the moves between states
 *   # counted from SSDA903 episodes of care (ssda903.h) instead of the
 *   # store; the states' stock and entries templates then name the series
 *   # the counts and forecasts are given, and the probabilities are the
 *   # counted moves' shares (multistate.h, cc_multistate_from_counts).
 *   episodes:
 *     file: ../data/ssda903/episodes.csv
 *     header: ../data/ssda903/header.csv
 *     councils: {E09000028: Southwark}  # every geography: its value of the LA column
 *     to: 2022-03                       # last month end counted (default: the last before the latest date)
 *     states:                           # every model state: the SSDA903 states it gathers, each a
 *       foster: [foster, residential]   #   placement (foster, residential, other), an age bracket
 *       older_other: [16-18 other]      #   (0-1, 1-5, 5-10, 10-16, 16-18) or both ("16-18 other");
 *       other: [0-1 other, 1-5 other, 5-10 other, 10-16 other]  # each SSDA903 state in exactly one
 *
 *   # cohort: demand and population per band
 *   bands: [65-74, 75-84, 85+]
 *   demand: asc_residential_clients/{geography}/{band}
 *   population: population/{geography}/{band}          # history
 *   projection: population_projection/{geography}/{band}
 *   variants: [population_projection_high/{geography}/{band}, ...]  # optional
 *   rate_model: auto                # or constant (the mean of the last year)
 *   population_bands: [65-69, 70-74, 75-79, 80-84, 85+]   # optional
 *
 * Without population_bands the population series are read at the demand
 * bands themselves. With it they are read at these bands instead ({band} in
 * population, projection and variants is each of them) and the population
 * of each demand band is built from them year by year, for the estimates,
 * the projection and every variant alike (cc_cohort_band_population): bands
 * inside a demand band are summed, a band straddling two demand bands or
 * holding a finer one is split in proportion to the years of it each takes.
 * The population bands must not overlap, and must cover every age of every
 * demand band without cutting an open band (85+); both are checked on
 * loading, naming the line and key population_bands. In a linked store,
 * whose panel keeps only the common bands, a population series the panel
 * lacks is read from the series as ingested (demand.h).
 *
 * Loading checks the file on its own (unknown keys, missing keys, unknown
 * type, states named twice, a move naming an unknown state, bad templates,
 * an indicator without entries, a state or SSDA903 state not mapped, a
 * geography without its council),
 * naming the file, line and key; the series themselves are checked against
 * the store when the model is fitted (demand.h), again naming the key. */
#ifndef CARECAST_DEMANDSPEC_H
#define CARECAST_DEMANDSPEC_H

#include <stddef.h>

#include "carecast/ageband.h"
#include "carecast/error.h"
#include "carecast/multistate.h"
#include "carecast/period.h"
#include "carecast/series.h"

#define CC_DEMAND_TEMPLATE_MAX 160   /* a series id template, with NUL */
#define CC_DEMAND_MAX_GEOGRAPHIES 400/* every English council fits */
#define CC_DEMAND_MAX_BANDS 24       /* age bands of a cohort model */
#define CC_DEMAND_MAX_POPULATION_BANDS 128 /* population bands it is built from: single years of age 0 to 90+ fit */
#define CC_DEMAND_MAX_VARIANTS 4     /* population variants besides the principal */
#define CC_DEMAND_REQUEST_MAX 64     /* a model request ("auto", "ets:AAN") with NUL */
#define CC_DEMAND_BOOTSTRAP_MAX 10000
#define CC_DEMAND_PATH_MAX 1024      /* a file a model file names (shrink:, episodes:), resolved, with NUL */
#define CC_DEMAND_MAX_LAG 24         /* months an entry flow may follow its leading indicator by */

typedef enum cc_demand_type {
  CC_DEMAND_COHORT = 0,    /* population x rate per age band */
  CC_DEMAND_STOCKFLOW = 1, /* multistate Markov model of care states */
} cc_demand_type;

/* A series template and the line of the file it came from. */
typedef struct cc_demand_template {
  char text[CC_DEMAND_TEMPLATE_MAX]; /* "" when not given */
  long line;                         /* line in the model file, 0 when not given */
  char key[CC_ERROR_FIELD_MAX];      /* the key it was given under, for messages ("states.home_care.stock") */
} cc_demand_template;

typedef struct cc_demand_state {
  char name[CC_STATE_NAME_MAX];
  cc_demand_template stock, entries, starts, ends;
  char shrink_rate[CC_STATE_NAME_MAX];         /* the exit-rate state it is shrunk with (shrink.states), "" for none */
  cc_demand_template indicator;                /* leading indicator of the entries ("" text when none) */
  cc_demand_template indicator_future;         /* a scenario's future of the indicator, in place of its forecast ("" when none) */
  int indicator_lag;                           /* months the entries follow the indicator by (0..CC_DEMAND_MAX_LAG) */
  unsigned ssda903_states;                     /* episodes: bit s set when SSDA903 state s (ssda903.h) counts as this state */
  long ssda903_line;                           /* line of its entry under episodes.states */
} cc_demand_state;

/* shrink: a stock-and-flow model's exit probabilities pulled towards the
 * council's statistical neighbours' (shrink.h, neighbours.h). Paths are
 * resolved against the model file's folder. */
typedef struct cc_demand_shrink {
  char neighbours[CC_DEMAND_PATH_MAX];         /* the DfE statistical-neighbour file */
  char lookup[CC_DEMAND_PATH_MAX];             /* local_authorities.csv: DfE codes to GSS codes */
  char rates[CC_DEMAND_PATH_MAX];              /* every council's exit rates (cc_exit_rates_load) */
  long line;                                   /* line where shrink's mapping starts in the model file */
} cc_demand_shrink;

/* episodes: a stock-and-flow model counted from SSDA903 episodes of care
 * (ssda903.h) instead of the store's aggregates. Paths are resolved against
 * the model file's folder. */
typedef struct cc_demand_episodes {
  char file[CC_DEMAND_PATH_MAX];               /* the episodes file */
  char header[CC_DEMAND_PATH_MAX];             /* the header file (dates of birth) */
  char (*councils)[CC_GEOGRAPHY_MAX];          /* n_geographies: each geography's value of the files' LA column */
  long councils_line;                          /* line of episodes.councils */
  int has_to;
  cc_period to;                                /* the last month end counted, when has_to */
  long file_line, header_line;                 /* lines of episodes.file and episodes.header */
  long line;                                   /* line where episodes' mapping starts */
} cc_demand_episodes;

typedef struct cc_demand_spec {
  char *path;                                  /* the file, as given */
  char *text;                                  /* its whole text (kept with a fit, for reproducibility) */
  cc_demand_type type;
  char name[CC_MEASURE_MAX];
  size_t n_geographies;
  char (*geographies)[CC_GEOGRAPHY_MAX];
  /* stockflow */
  size_t n_states;
  cc_demand_state *states;
  unsigned char *allowed;                      /* n_states x (n_states + 1), multistate.h's layout */
  char entry_model[CC_DEMAND_REQUEST_MAX];
  size_t bootstrap;
  int has_from;
  cc_period from;                              /* first month estimated on, when has_from */
  int has_shrink;                              /* 1 when the file has shrink: */
  cc_demand_shrink shrink;
  int has_episodes;                            /* 1 when the file has episodes: */
  cc_demand_episodes episodes;
  /* cohort */
  size_t n_bands;
  char (*bands)[CC_AGE_BAND_MAX];
  cc_demand_template demand, population, projection;
  size_t n_variants;
  cc_demand_template variants[CC_DEMAND_MAX_VARIANTS];
  char rate_model[CC_DEMAND_REQUEST_MAX];      /* a model request, or "constant" */
  size_t n_population_bands;                   /* 0: the population is read at the demand bands */
  char (*population_bands)[CC_AGE_BAND_MAX];   /* the bands the population series are read at (population_bands) */
  cc_age_range *band_ranges;                   /* n_bands demand bands as ages, when population_bands is given */
  cc_age_range *population_ranges;             /* n_population_bands population bands as ages */
  long population_bands_line;                  /* its line in the file, for messages */
} cc_demand_spec;

/* Load and check the model file at path. The caller frees *out with
 * cc_demand_spec_free. CC_EINPUT naming the file, line and key. */
CC_MUST_CHECK cc_status cc_demand_spec_load(const char *path, cc_demand_spec **out, cc_error *err);

/* The same from len bytes of text; name is used in messages. */
CC_MUST_CHECK cc_status cc_demand_spec_parse(const char *text, size_t len, const char *name, cc_demand_spec **out,
                                             cc_error *err);

/* Free s. No operation when s is NULL. */
void cc_demand_spec_free(cc_demand_spec *s);

/* Fill template t for a geography and a band (band may be NULL when t has
 * no {band}) into buf. CC_EINPUT naming the template's key and line when the
 * result is too long. */
CC_MUST_CHECK cc_status cc_demand_series_id(const cc_demand_spec *s, const cc_demand_template *t,
                                            const char *geography, const char *band, char *buf, size_t len,
                                            cc_error *err);

#endif
