/* ssda903.h: children looked after, read from the SSDA903 return.
 *
 * Every English council sends the DfE an SSDA903 return each year: one row
 * per episode of care (CHILD, DECOM the start date, DEC the end date, PLACE
 * the placement code, REC the reason it ended, YEAR the return), and a header
 * file with each child's date of birth. Successive returns repeat open
 * episodes, so the same episode appears in several years.
 *
 * cc_ssda903_read cleans the episodes as the DfE's own demand-modelling
 * tools do: rows without a child id or a start date are dropped, as are
 * children without a date of birth; an episode repeated across returns is
 * kept once (its latest return wins); an episode ending before it starts is
 * dropped; an episode that overlaps the child's next one is cut at the next
 * one's start. Every rule's count is reported. A date that is present but
 * not a date (YYYY-MM-DD or DD/MM/YYYY) is an error naming file, line and
 * field.
 *
 * cc_ssda903_count turns the episodes into the stock-and-flow model's data
 * (multistate.h): at each month end a child in care is in one state, an age
 * bracket crossed with a placement category, and moves between consecutive
 * month ends are counted, ageing into the next bracket included. Reaching
 * 18 or leaving care is "ended". A stay that starts and ends within one
 * month is not seen at any month end, as in any monthly stock model. */
#ifndef CARECAST_SSDA903_H
#define CARECAST_SSDA903_H

#include <stddef.h>

#include "carecast/error.h"

#define CC_CHILD_ID_MAX 32        /* longest child id, with its NUL */
#define CC_PLACE_CODE_MAX 8       /* "U1", "K2", ... with NUL */
#define CC_SSDA903_OPEN 0x7fffffffL /* end day of an episode still open */

/* Placement categories (the DfE's groups of the PLACE codes). */
typedef enum cc_placement {
  CC_PLACEMENT_FOSTER = 0,      /* U1-U6: foster placements */
  CC_PLACEMENT_RESIDENTIAL = 1, /* K1, K2, R1, S1: secure units, children's homes, residential care and schools */
  CC_PLACEMENT_OTHER = 2,       /* everything else: with parents, independent or supported living, adoption, ... */
} cc_placement;

#define CC_PLACEMENT_COUNT 3
#define CC_AGE_BRACKETS 5         /* 0-1, 1-5, 5-10, 10-16, 16-18 (the DfE demand model's) */
#define CC_SSDA903_STATES (CC_AGE_BRACKETS * CC_PLACEMENT_COUNT)
#define CC_CARE_LEAVING_AGE 18    /* a child leaves care at 18 */

typedef struct cc_ssda903_episode {
  char child[CC_CHILD_ID_MAX];  /* the council's child id */
  char place[CC_PLACE_CODE_MAX];/* PLACE code */
  cc_placement placement;       /* its category */
  long start, end;              /* days since 1970-01-01; end CC_SSDA903_OPEN when open */
  long birth;                   /* date of birth, days since 1970-01-01 */
} cc_ssda903_episode;

/* What cleaning did. */
typedef struct cc_ssda903_report {
  size_t rows;            /* episode rows read */
  size_t no_child;        /* dropped: no child id */
  size_t no_start;        /* dropped: no start date */
  size_t no_birth;        /* dropped: child without a date of birth in the header file */
  size_t duplicates;      /* dropped: an episode repeated in another return */
  size_t end_before_start;/* dropped: ends before it starts */
  size_t overlaps;        /* cut: overlapped the child's next episode */
  size_t kept;            /* episodes kept */
  size_t children;        /* distinct children kept */
} cc_ssda903_report;

typedef struct cc_ssda903 {
  size_t n;                       /* episodes kept */
  cc_ssda903_episode *episodes;   /* sorted by child, then start */
  cc_ssda903_report report;
} cc_ssda903;

/* Read the episodes file and the header file (CHILD, DOB) of one council
 * (rows whose LA column differs from la are skipped; la NULL keeps all):
 * cc_ssda903_return_read, cc_ssda903_select and cc_ssda903_return_free in
 * one. The caller frees *out with cc_ssda903_free. */
CC_MUST_CHECK cc_status cc_ssda903_read(const char *episodes_path, const char *header_path, const char *la,
                                        cc_ssda903 **out, cc_error *err);

/* The two files of a return as read, every council's rows, so that several
 * councils can be selected from one reading. */
typedef struct cc_ssda903_return cc_ssda903_return;

/* Read the episodes file and the header file. The caller frees *out with
 * cc_ssda903_return_free. */
CC_MUST_CHECK cc_status cc_ssda903_return_read(const char *episodes_path, const char *header_path,
                                               cc_ssda903_return **out, cc_error *err);

/* Free ret. No operation when ret is NULL. */
void cc_ssda903_return_free(cc_ssda903_return *ret);

/* The cleaned episodes of council la (NULL: every row) of ret, as
 * cc_ssda903_read gives them. The caller frees *out with cc_ssda903_free. */
CC_MUST_CHECK cc_status cc_ssda903_select(const cc_ssda903_return *ret, const char *la, cc_ssda903 **out,
                                          cc_error *err);

/* Free d. No operation when d is NULL. */
void cc_ssda903_free(cc_ssda903 *d);

/* The placement category of a PLACE code. */
cc_placement cc_ssda903_placement(const char *place);

/* The state of an age bracket and a category, and its name ("10-16 foster"). */
size_t cc_ssda903_state(int bracket, cc_placement placement);
void cc_ssda903_state_name(size_t state, char *buf, size_t len);

/* The age bracket of a child born on day `birth` on day `day`, or -1 when 18 or over. */
int cc_ssda903_bracket(long birth, long day);

/* Month-end stocks, entries and counted moves. */
typedef struct cc_ssda903_counts {
  int first_year, first_month;  /* the first month end counted */
  size_t months;                /* month ends counted */
  double *stocks;               /* months x CC_SSDA903_STATES children in care at each month end */
  double *entries;              /* (months - 1) x states: in care at a month end, not at the one before */
  double counts[CC_SSDA903_STATES * (CC_SSDA903_STATES + 1)]; /* moves between consecutive month ends, column STATES: ended */
} cc_ssda903_counts;

/* Count month ends from (first_year, first_month) for `months` months
 * (at least 2). The caller frees *out with cc_ssda903_counts_free. */
CC_MUST_CHECK cc_status cc_ssda903_count(const cc_ssda903 *d, int first_year, int first_month, size_t months,
                                         cc_ssda903_counts **out, cc_error *err);

void cc_ssda903_counts_free(cc_ssda903_counts *c);

/* The SSDA903 states text names, as a bit set (bit s: state s): a placement
 * category ("foster", "residential", "other": every age bracket), an age
 * bracket ("10-16": every category) or both ("10-16 foster"). 0 when text
 * names none. */
unsigned cc_ssda903_match(const char *text);

/* The latest date (a start, or an end that is not open) of d's episodes, in
 * days since 1970-01-01; 0 when d has none. */
long cc_ssda903_last_day(const cc_ssda903 *d);

/* Gather c's SSDA903 states into k model states, SSDA903 state s going to
 * model state map[s] (0 <= map[s] < k): counts (k x (k + 1), column k
 * ended; a move between SSDA903 states of the same model state is staying),
 * stocks (c->months x k) and entries ((c->months - 1) x k). */
void cc_ssda903_gather(const cc_ssda903_counts *c, const int map[CC_SSDA903_STATES], size_t k, double *counts,
                       double *stocks, double *entries);

#endif
