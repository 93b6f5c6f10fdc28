/* disclosure.h: statistical disclosure control of published counts.
 *
 * Every count that leaves carecast for publication (carecast publish, the
 * report) passes a rule read from a YAML rules file (data/disclosure.yaml;
 * the format is in docs/disclosure.md). A rule says which small counts are
 * suppressed and with what symbol, to what multiple the others are rounded,
 * and whether tables with totals get secondary suppression:
 *
 *   dfe  children's figures, as the Department for Education publishes them:
 *        counts of 1 to 5 shown as "c", zero shown, secondary suppression so
 *        that no suppressed cell can be recovered from published totals.
 *   nhs  sub-national health counts, as NHS Digital's disclosure control for
 *        Hospital Episode Statistics (September 2018): 1 to 7 shown as "*",
 *        every other count rounded to the nearest 5; totals are computed from
 *        unrounded values and rounded themselves, so no secondary suppression.
 *
 * Single counts go through cc_disclosure_cell. A two-way table with row
 * totals, column totals and a grand total (any of them published or not) goes
 * through cc_disclosure_table_apply: primary suppression of every small cell
 * (totals included), then, when the rule asks, complementary suppressions
 * chosen so that no suppressed cell is determined by the published numbers.
 *
 * When is a suppressed cell determined? Write the table with its margins as an
 * (R+1) x (C+1) array whose last row and column hold the totals with their sign
 * flipped; then every row and every column of the array sums to zero. Each
 * cell is an edge of the complete bipartite graph between the R+1 row
 * vertices and the C+1 column vertices, and the sums are flow conservation at
 * each vertex. The unknown cells (suppressed, missing, unpublished totals) form
 * a subgraph; the null space of the published equations restricted to the
 * unknowns is that subgraph's cycle space. So an unknown cell is determined
 * exactly by the published numbers if and only if it lies on no cycle of
 * unknown cells (it is a bridge of the subgraph) - the linear-algebra test
 * "its unit vector lies in the row space of the constraint matrix restricted
 * to the unknowns" in graph form, exact and without rounding error. The
 * familiar rule "every row and column with a suppressed cell has at least two"
 * is necessary but not sufficient (two cycles joined by one suppressed cell
 * satisfy it and leak that cell); tests/unit/test_disclosure.c checks the
 * graph test against a rank computation by LAPACK's SVD.
 *
 * Secondary suppression: for each sensitive cell that is a bridge, the
 * cheapest path of cells between its row and its column (Dijkstra; an unknown
 * cell costs nothing, a published one its count plus one, a published zero a
 * prohibitive amount because it is usually known to be zero and bounds its
 * partner on one side) is suppressed, which puts the cell on a cycle. Adding
 * suppressions never takes another cell off its cycle, so one pass suffices.
 * The result protects against exact recovery from the linear equations; with
 * non-negativity a suppressed cell is still bounded to an interval, which
 * cc_disclosure_table_intervals computes (a maximum flow per bound). */
#ifndef CARECAST_DISCLOSURE_H
#define CARECAST_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

#include "carecast/error.h"
#include "carecast/series.h"

#define CC_DISCLOSURE_NAME_MAX 32        /* longest rule name, with its NUL */
#define CC_DISCLOSURE_SYMBOL_MAX 8       /* longest suppression symbol, with its NUL */
#define CC_DISCLOSURE_TEXT_MAX 32        /* room for any displayed cell, with its NUL */
#define CC_DISCLOSURE_DESCRIPTION_MAX 256
#define CC_DISCLOSURE_RULES_MAX 16       /* rules one file may define */
#define CC_DISCLOSURE_PREFIXES_MAX 64    /* measure prefixes one file may map */
#define CC_DISCLOSURE_TABLES_MAX 32      /* additive tables one file may declare */
#define CC_DISCLOSURE_PARTS_MAX 16       /* parts of one declared table */
#define CC_DISCLOSURE_INTERNAL "internal" /* the rule name of unprotected output (--internal) */

/* One publisher's rule. */
typedef struct cc_disclosure_rule {
  char name[CC_DISCLOSURE_NAME_MAX];          /* "dfe", "nhs", ... */
  char description[CC_DISCLOSURE_DESCRIPTION_MAX]; /* where the rule comes from */
  long suppress_from;                         /* whole counts from suppress_from ... */
  long suppress_to;                           /* ... to suppress_to are suppressed; to < from: none */
  char symbol[CC_DISCLOSURE_SYMBOL_MAX];      /* shown for a suppressed count: "c", "*" */
  long round_to;                              /* other counts are shown as the nearest multiple (1: whole numbers) */
  int secondary;                              /* 1: tables with totals get complementary suppression */
} cc_disclosure_rule;

/* A declared additive table: the measure `total` is the sum of the measures
 * `parts` in every place, age band and period (carecast publish protects it). */
typedef struct cc_disclosure_sum {
  char total[CC_MEASURE_MAX];                 /* measure name of the total */
  char parts[CC_DISCLOSURE_PARTS_MAX][CC_MEASURE_MAX]; /* measure names of the parts */
  size_t n_parts;
} cc_disclosure_sum;

/* A rules file: the rules, which measures follow which, and declared tables. */
typedef struct cc_disclosure_rules {
  char path[CC_ERROR_FILE_MAX];               /* where it was read from */
  cc_disclosure_rule rules[CC_DISCLOSURE_RULES_MAX];
  size_t n_rules;
  char prefixes[CC_DISCLOSURE_PREFIXES_MAX][CC_MEASURE_MAX]; /* measure-name prefixes ... */
  size_t prefix_rule[CC_DISCLOSURE_PREFIXES_MAX]; /* ... and the index of the rule each follows */
  size_t n_prefixes;
  size_t default_rule;                        /* index of the rule of any other measure */
  cc_disclosure_sum sums[CC_DISCLOSURE_TABLES_MAX];
  size_t n_sums;
} cc_disclosure_rules;

/* ---- rules files ------------------------------------------------------ */

/* Parse a rules file's text (name is used in messages). Unknown keys,
 * impossible thresholds, symbols that read as numbers and unknown rule names
 * are CC_EINPUT naming the file, line and key. On success *out is owned by the
 * caller (cc_disclosure_rules_free). */
CC_MUST_CHECK cc_status cc_disclosure_rules_parse(const char *text, size_t len, const char *name,
                                                  cc_disclosure_rules **out, cc_error *err);

/* Read and parse the rules file at path. */
CC_MUST_CHECK cc_status cc_disclosure_rules_load(const char *path, cc_disclosure_rules **out, cc_error *err);

/* Free rules. No operation when NULL. */
void cc_disclosure_rules_free(cc_disclosure_rules *rules);

/* The rule called name, or NULL. */
const cc_disclosure_rule *cc_disclosure_rule_named(const cc_disclosure_rules *rules, const char *name);

/* The rule measure follows: the longest matching prefix, else the default. Never NULL. */
const cc_disclosure_rule *cc_disclosure_rule_for(const cc_disclosure_rules *rules, const char *measure);

/* The rule of unprotected internal output (name "internal": nothing
 * suppressed, counts shown to 10 significant digits). A static constant. */
const cc_disclosure_rule *cc_disclosure_rule_internal(void);

/* A one-line note of what rule does, for a footnote on every page or table
 * that uses it, into buf (len bytes, truncated): "counts of 1 to 5 are shown
 * as c, and further cells are hidden where a total would reveal them (dfe)";
 * the internal rule says "INTERNAL USE ONLY: no disclosure control; not for
 * publication". Returns buf. */
char *cc_disclosure_describe(const cc_disclosure_rule *rule, char *buf, size_t len);

/* ---- single counts ---------------------------------------------------- */

/* What happened to a cell. */
typedef enum cc_disclosure_outcome {
  CC_SDC_SHOWN = 0,      /* shown (rounded where the rule rounds) */
  CC_SDC_PRIMARY = 1,    /* suppressed: a small count */
  CC_SDC_SECONDARY = 2,  /* suppressed to protect a small count in the same table */
  CC_SDC_WITHHELD = 3,   /* suppressed already by the source's publisher: shown as suppressed */
  CC_SDC_MISSING = 4,    /* no value: shown empty */
  CC_SDC_UNPUBLISHED = 5, /* a total the table does not publish */
} cc_disclosure_outcome;

/* The text of one published count under rule into out (len bytes, at least
 * CC_DISCLOSURE_TEXT_MAX): NaN is "" (missing); a value is first rounded to a
 * whole number (half away from zero: forecasts are not whole), then shown as
 * the rule's symbol when it lies in the suppressed range, else as the nearest
 * multiple of round_to (halves away from zero: 12.5 -> 15; whole counts never
 * tie). Returns what was done (CC_SDC_SHOWN, CC_SDC_PRIMARY or CC_SDC_MISSING). */
cc_disclosure_outcome cc_disclosure_cell(const cc_disclosure_rule *rule, double value, char *out, size_t len);

/* cc_disclosure_cell with the rule that measure follows in rules. */
cc_disclosure_outcome cc_disclosure_apply_cell(const cc_disclosure_rules *rules, const char *measure, double value,
                                               char *out, size_t len);

/* Whether the rule suppresses the count value (rounded to a whole number). */
int cc_disclosure_is_small(const cc_disclosure_rule *rule, double value);

/* ---- tables with totals ----------------------------------------------- */

/* Which totals a table publishes. */
enum {
  CC_SDC_ROW_TOTALS = 1u << 0,   /* a total at the end of each row */
  CC_SDC_COL_TOTALS = 1u << 1,   /* a total at the foot of each column */
  CC_SDC_GRAND_TOTAL = 1u << 2,  /* the total of everything */
};

/* A two-way table of counts with its totals. Cell (i, j) for i <= rows,
 * j <= cols is at index i * (cols + 1) + j: row `rows` holds the column totals,
 * column `cols` the row totals, (rows, cols) the grand total. */
typedef struct cc_disclosure_table {
  size_t rows, cols;     /* interior size */
  unsigned margins;      /* CC_SDC_* totals published */
  double *value;         /* (rows+1)*(cols+1) counts; NaN = missing. Totals are the sums of their cells */
  uint8_t *withheld;     /* (rows+1)*(cols+1): 1 where the source already suppressed the cell (value may be NaN) */
  uint8_t *outcome;      /* (rows+1)*(cols+1) cc_disclosure_outcome, filled by cc_disclosure_table_apply */
  char (*text)[CC_DISCLOSURE_TEXT_MAX]; /* (rows+1)*(cols+1) displayed texts, filled by apply */
} cc_disclosure_table;

/* Allocate a table of rows x cols cells with the given margins (CC_SDC_*),
 * every value NaN and nothing withheld. NULL when out of memory or a size is 0. */
cc_disclosure_table *cc_disclosure_table_alloc(size_t rows, size_t cols, unsigned margins);

/* Free t. No operation when NULL. */
void cc_disclosure_table_free(cc_disclosure_table *t);

/* Index of cell (i, j) (i == rows: column totals; j == cols: row totals). */
size_t cc_disclosure_table_index(const cc_disclosure_table *t, size_t i, size_t j);

/* Set every published total to the sum of its cells (NaN when one is NaN). */
void cc_disclosure_table_sum(cc_disclosure_table *t);

/* Apply rule to t: primary suppression of small counts (totals included) and
 * of withheld cells, then, when rule->secondary, complementary suppression
 * until no suppressed cell is determined by the published numbers; fills
 * t->outcome and t->text. *n_secondary (may be NULL) receives the number of
 * complementary suppressions. Totals are taken to be the sums of their cells
 * (the analysis needs only which cells are published, not their values, so a
 * total that does not add up is protected as if it did). CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_disclosure_table_apply(const cc_disclosure_rule *rule, cc_disclosure_table *t,
                                                  size_t *n_secondary, cc_error *err);

/* The feasible interval of every suppressed cell of t (after apply): the
 * smallest and largest value it can take given the published numbers and
 * that counts are not negative, into lower[k] and upper[k] ((rows+1)*(cols+1)
 * each; NaN for cells not suppressed; upper may be INFINITY when no published
 * total bounds the cell). All NaN when an interior cell is missing or withheld
 * without a value (carecast does not know the table either). CC_EINPUT when a
 * given total is not the sum of its cells, CC_ENOMEM. */
CC_MUST_CHECK cc_status cc_disclosure_table_intervals(const cc_disclosure_table *t, double *lower, double *upper,
                                                      cc_error *err);

/* The suppressed cells of t (after apply) that the published numbers
 * determine exactly: exposed[k] = 1 for each (may be NULL); returns how many.
 * Missing and unpublished cells count as unknown but are not reported. */
size_t cc_disclosure_table_exposed(const cc_disclosure_table *t, uint8_t *exposed);

#endif
