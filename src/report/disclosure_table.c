/* disclosure_table.c: primary and secondary suppression of two-way tables
 * with totals (disclosure.h explains the graph view: cells are edges between
 * row and column vertices, totals included, and a suppressed cell is
 * determined by the published numbers exactly when it lies on no cycle of
 * unknown cells).
 *
 * Secondary suppression is the shortest-path heuristic for two-way tables,
 * in the family of network heuristics for complementary suppression (Cox 1980,
 * "Suppression methodology and statistical disclosure control", JASA 75;
 * Kelly, Golden and Assad 1992, "Cell suppression: disclosure protection for
 * sensitive tabular data", Networks 22; Castro 2002, "Network flows heuristics
 * for complementary cell suppression", LNCS 2316): for a sensitive cell (r, c) on no
 * cycle, find the cheapest path from vertex r to vertex c avoiding the cell,
 * where unknown cells are free, and suppress the published cells on it. The
 * graph has (rows + 1) + (cols + 1) vertices and every pair of a row and a
 * column vertex is joined, so a path always exists. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/disclosure.h"

/* Cost of suppressing a published zero as a complement: zeros are often known
 * to be zero (structural) and a zero on a cycle bounds its partners on one side,
 * so a zero is used only when no path avoids one. */
#define ZERO_COMPLEMENT_COST 1e12
/* Cost of any published cell besides its count, so that, of two paths hiding
 * the same number of people, the one with fewer cells wins. */
#define CELL_COMPLEMENT_COST 1.0
/* Relative difference at which a given total no longer counts as the sum of its
 * cells (counts are whole numbers; this only forgives floating-point sums). */
#define TOTAL_TOLERANCE 1e-9

cc_disclosure_table *cc_disclosure_table_alloc(size_t rows, size_t cols, unsigned margins) {
  if (rows == 0 || cols == 0) return NULL;
  size_t n = (rows + 1) * (cols + 1);
  cc_disclosure_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->rows = rows, t->cols = cols, t->margins = margins;
  t->value = malloc(n * sizeof *t->value);
  t->withheld = calloc(n, 1);
  t->outcome = calloc(n, 1);
  t->text = calloc(n, sizeof *t->text);
  if (!t->value || !t->withheld || !t->outcome || !t->text) {
    cc_disclosure_table_free(t);
    return NULL;
  }
  for (size_t k = 0; k < n; k++) t->value[k] = NAN;
  return t;
}

void cc_disclosure_table_free(cc_disclosure_table *t) {
  if (!t) return;
  free(t->value);
  free(t->withheld);
  free(t->outcome);
  free(t->text);
  free(t);
}

size_t cc_disclosure_table_index(const cc_disclosure_table *t, size_t i, size_t j) {
  assert(i <= t->rows && j <= t->cols);
  return i * (t->cols + 1) + j;
}

void cc_disclosure_table_sum(cc_disclosure_table *t) {
  size_t R = t->rows, C = t->cols;
  for (size_t i = 0; i <= R; i++)
    for (size_t j = 0; j <= C; j++) {
      if (i < R && j < C) continue;
      double sum = 0;
      for (size_t a = 0; a < R; a++)
        for (size_t b = 0; b < C; b++)
          if ((i == R || a == i) && (j == C || b == j)) sum += t->value[cc_disclosure_table_index(t, a, b)];
      t->value[cc_disclosure_table_index(t, i, j)] = sum;
    }
}

/* Whether cell (i, j) is published at all: interior cells always, totals per t->margins. */
static int published(const cc_disclosure_table *t, size_t i, size_t j) {
  int row_total = j == t->cols, col_total = i == t->rows;
  if (row_total && col_total) return (t->margins & CC_SDC_GRAND_TOTAL) != 0;
  if (row_total) return (t->margins & CC_SDC_ROW_TOTALS) != 0;
  if (col_total) return (t->margins & CC_SDC_COL_TOTALS) != 0;
  return 1;
}

static int is_unknown(uint8_t outcome) { return outcome != CC_SDC_SHOWN; }
static int is_suppressed(uint8_t outcome) {
  return outcome == CC_SDC_PRIMARY || outcome == CC_SDC_SECONDARY || outcome == CC_SDC_WITHHELD;
}

/* ---- the graph ------------------------------------------------------------
 * Vertex v < rows + 1 is row v (row `rows` is the column totals' row); vertex
 * rows + 1 + j is column j (column `cols` the row totals' column). */

typedef struct graph {
  const cc_disclosure_table *t;
  size_t n_rows, n_cols, n_vertices; /* rows + 1, cols + 1, their sum */
} graph;

static graph graph_of(const cc_disclosure_table *t) {
  graph g = {t, t->rows + 1, t->cols + 1, t->rows + t->cols + 2};
  return g;
}

/* The cell joining vertices u and v (one a row, one a column), or SIZE_MAX when both are rows or both columns. */
static size_t edge(const graph *g, size_t u, size_t v) {
  if (u > v) {
    size_t swap = u;
    u = v, v = swap;
  }
  if (u >= g->n_rows || v < g->n_rows) return SIZE_MAX;
  return u * g->n_cols + (v - g->n_rows);
}

/* Whether vertices `from` and `to` are joined by a path of unknown cells other than cell `skip`. */
static int joined_without(const graph *g, size_t from, size_t to, size_t skip, uint8_t *seen, size_t *queue) {
  memset(seen, 0, g->n_vertices);
  size_t head = 0, tail = 0;
  queue[tail++] = from;
  seen[from] = 1;
  while (head < tail) {
    size_t u = queue[head++];
    if (u == to) return 1;
    size_t lo = u < g->n_rows ? g->n_rows : 0, hi = u < g->n_rows ? g->n_vertices : g->n_rows;
    for (size_t v = lo; v < hi; v++) {
      size_t k = edge(g, u, v);
      if (seen[v] || k == skip || !is_unknown(g->t->outcome[k])) continue;
      seen[v] = 1;
      queue[tail++] = v;
    }
  }
  return 0;
}

size_t cc_disclosure_table_exposed(const cc_disclosure_table *t, uint8_t *exposed) {
  graph g = graph_of(t);
  size_t n = g.n_rows * g.n_cols, count = 0;
  uint8_t *seen = malloc(g.n_vertices);
  size_t *queue = malloc(g.n_vertices * sizeof *queue);
  if (exposed) memset(exposed, 0, n);
  for (size_t k = 0; seen && queue && k < n; k++) {
    if (!is_suppressed(t->outcome[k])) continue;
    size_t i = k / g.n_cols, j = k % g.n_cols;
    if (joined_without(&g, i, g.n_rows + j, k, seen, queue)) continue;
    if (exposed) exposed[k] = 1;
    count++;
  }
  if (!seen || !queue) count = n; /* out of memory: claim everything is exposed rather than nothing */
  free(seen);
  free(queue);
  return count;
}

/* What it costs to suppress cell k as a complement (0 when it is unknown already). */
static double complement_cost(const cc_disclosure_table *t, size_t k) {
  if (is_unknown(t->outcome[k])) return 0;
  double v = fabs(t->value[k]);
  return v == 0 ? ZERO_COMPLEMENT_COST : v + CELL_COMPLEMENT_COST;
}

typedef struct path_workspace {
  double *dist;     /* n_vertices */
  size_t *previous; /* n_vertices: the vertex before, SIZE_MAX at the start */
  uint8_t *done;    /* n_vertices */
} path_workspace;

/* Put the sensitive cell `k` on a cycle of unknown cells: the cheapest path
 * between its row and its column avoiding it (Dijkstra on the dense graph),
 * whose published cells become secondary suppressions; *added counts them. */
static void protect(const graph *g, cc_disclosure_table *t, size_t k, path_workspace *w, size_t *added) {
  size_t from = k / g->n_cols, to = g->n_rows + k % g->n_cols;
  for (size_t v = 0; v < g->n_vertices; v++) w->dist[v] = INFINITY, w->previous[v] = SIZE_MAX, w->done[v] = 0;
  w->dist[from] = 0;
  for (;;) {
    size_t u = SIZE_MAX;
    for (size_t v = 0; v < g->n_vertices; v++)
      if (!w->done[v] && isfinite(w->dist[v]) && (u == SIZE_MAX || w->dist[v] < w->dist[u])) u = v;
    if (u == SIZE_MAX || u == to) break;
    w->done[u] = 1;
    size_t lo = u < g->n_rows ? g->n_rows : 0, hi = u < g->n_rows ? g->n_vertices : g->n_rows;
    for (size_t v = lo; v < hi; v++) {
      size_t e = edge(g, u, v);
      if (w->done[v] || e == k) continue;
      double d = w->dist[u] + complement_cost(t, e);
      if (d < w->dist[v]) w->dist[v] = d, w->previous[v] = u;
    }
  }
  assert(isfinite(w->dist[to])); /* the graph is complete bipartite with at least two vertices a side */
  if (w->dist[to] == 0) return;  /* already on a cycle */
  for (size_t v = to; w->previous[v] != SIZE_MAX; v = w->previous[v]) {
    size_t e = edge(g, w->previous[v], v);
    if (!is_unknown(t->outcome[e])) {
      t->outcome[e] = CC_SDC_SECONDARY;
      (*added)++;
    }
  }
}

/* Primary outcomes: unpublished totals, missing values, withheld and small counts. */
static void classify(const cc_disclosure_rule *rule, cc_disclosure_table *t) {
  for (size_t i = 0; i <= t->rows; i++)
    for (size_t j = 0; j <= t->cols; j++) {
      size_t k = cc_disclosure_table_index(t, i, j);
      double v = t->value[k];
      if (!published(t, i, j)) t->outcome[k] = CC_SDC_UNPUBLISHED;
      else if (t->withheld[k]) t->outcome[k] = CC_SDC_WITHHELD;
      else if (isnan(v)) t->outcome[k] = CC_SDC_MISSING;
      else if (cc_disclosure_is_small(rule, v)) t->outcome[k] = CC_SDC_PRIMARY;
      else t->outcome[k] = CC_SDC_SHOWN;
    }
}

cc_status cc_disclosure_table_apply(const cc_disclosure_rule *rule, cc_disclosure_table *t, size_t *n_secondary,
                                    cc_error *err) {
  size_t added = 0, n = (t->rows + 1) * (t->cols + 1);
  classify(rule, t);
  if (rule->secondary) {
    graph g = graph_of(t);
    path_workspace w = {malloc(g.n_vertices * sizeof *w.dist), malloc(g.n_vertices * sizeof *w.previous),
                        malloc(g.n_vertices)};
    if (!w.dist || !w.previous || !w.done) {
      free(w.dist), free(w.previous), free(w.done);
      return cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory protecting a table");
    }
    for (size_t k = 0; k < n; k++)
      if (t->outcome[k] == CC_SDC_PRIMARY || t->outcome[k] == CC_SDC_WITHHELD) protect(&g, t, k, &w, &added);
    free(w.dist), free(w.previous), free(w.done);
  }
  for (size_t k = 0; k < n; k++) {
    if (is_suppressed(t->outcome[k])) snprintf(t->text[k], sizeof t->text[k], "%s", rule->symbol);
    else if (t->outcome[k] == CC_SDC_SHOWN) cc_disclosure_cell(rule, t->value[k], t->text[k], sizeof t->text[k]);
    else t->text[k][0] = '\0';
  }
  if (n_secondary) *n_secondary = added;
  return CC_OK;
}

/* ---- feasible intervals ------------------------------------------------------
 * With counts non-negative the table is a circulation: cell (i, j) is an arc
 * from row i to column j when it is an interior cell or the grand total, and
 * from column j to row i when it is a row or column total; conservation at each
 * vertex is the totals. The true table is a feasible circulation f. A hidden
 * cell e = (u -> v) can grow by as much flow as can return from v to u through
 * the residual network of the other unknown cells (forward capacity unbounded,
 * backward capacity their value), and shrink by as much as can go from u to v
 * (Ahuja, Magnanti and Orlin 1993, "Network flows", ch. 6, the residual
 * network), at most its own value. Each is one maximum flow (Edmonds-Karp). */

typedef struct flow_workspace {
  size_t n;          /* vertices */
  double *capacity;  /* n x n residual capacities of the unknown cells */
  double *work;      /* n x n copy consumed by one maximum flow */
  size_t *previous;  /* n, BFS tree */
  size_t *queue;     /* n */
} flow_workspace;

/* The maximum flow from s to t in w->work (INFINITY when unbounded). */
static double max_flow(flow_workspace *w, size_t s, size_t t) {
  size_t n = w->n;
  double total = 0;
  for (;;) {
    for (size_t v = 0; v < n; v++) w->previous[v] = SIZE_MAX;
    size_t head = 0, tail = 0;
    w->queue[tail++] = s;
    w->previous[s] = s;
    while (head < tail && w->previous[t] == SIZE_MAX) {
      size_t u = w->queue[head++];
      for (size_t v = 0; v < n; v++)
        if (w->previous[v] == SIZE_MAX && w->work[u * n + v] > 0) w->previous[v] = u, w->queue[tail++] = v;
    }
    if (w->previous[t] == SIZE_MAX) return total;
    double push = INFINITY;
    for (size_t v = t; v != s; v = w->previous[v]) push = fmin(push, w->work[w->previous[v] * n + v]);
    if (isinf(push)) return INFINITY;
    for (size_t v = t; v != s; v = w->previous[v]) {
      size_t u = w->previous[v];
      w->work[u * n + v] -= push;
      w->work[v * n + u] += push;
    }
    total += push;
  }
}

/* The true flow of every cell into flow[] (unpublished totals summed from
 * their cells). 0 when some cell the intervals need is unknown to carecast too
 * (missing, or withheld without a value); CC_EINPUT in *st when a published
 * total is not the sum of its cells. */
static int true_flows(const cc_disclosure_table *t, double *flow, cc_status *st, cc_error *err) {
  size_t R = t->rows, C = t->cols;
  *st = CC_OK;
  for (size_t i = 0; i < R; i++)
    for (size_t j = 0; j < C; j++) {
      size_t k = cc_disclosure_table_index(t, i, j);
      if (isnan(t->value[k])) return 0;
      flow[k] = t->value[k];
    }
  for (size_t i = 0; i <= R; i++)
    for (size_t j = 0; j <= C; j++) {
      if (i < R && j < C) continue;
      double sum = 0;
      for (size_t a = 0; a < R; a++)
        for (size_t b = 0; b < C; b++)
          if ((i == R || a == i) && (j == C || b == j)) sum += flow[a * (C + 1) + b];
      size_t k = cc_disclosure_table_index(t, i, j);
      double given = t->value[k];
      if (!isnan(given) && fabs(given - sum) > TOTAL_TOLERANCE * (1 + fabs(sum)))
        *st = cc_error_set(err, CC_EINPUT, NULL, 0, "total", "a total of %.10g is given where its cells add up to %.10g", given, sum);
      flow[k] = sum;
      if (*st) return 0;
    }
  return 1;
}

cc_status cc_disclosure_table_intervals(const cc_disclosure_table *t, double *lower, double *upper, cc_error *err) {
  graph g = graph_of(t);
  size_t n_cells = g.n_rows * g.n_cols, n = g.n_vertices;
  for (size_t k = 0; k < n_cells; k++) lower[k] = upper[k] = NAN;
  flow_workspace w = {n, calloc(n * n, sizeof(double)), malloc(n * n * sizeof(double)), malloc(n * sizeof(size_t)),
                      malloc(n * sizeof(size_t))};
  double *flow = malloc(n_cells * sizeof *flow);
  cc_status st = w.capacity && w.work && w.previous && w.queue && flow
                     ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  if (!st && true_flows(t, flow, &st, err)) {
    /* arcs of the unknown cells: tail and head of cell k */
    for (size_t k = 0; k < n_cells; k++) {
      if (!is_unknown(t->outcome[k])) continue;
      size_t i = k / g.n_cols, j = k % g.n_cols, row = i, col = g.n_rows + j;
      int forward = (i < t->rows) == (j < t->cols); /* interior and grand total: row -> column */
      size_t tail = forward ? row : col, head = forward ? col : row;
      w.capacity[tail * n + head] = INFINITY;
      w.capacity[head * n + tail] = flow[k];
    }
    for (size_t k = 0; k < n_cells; k++) {
      if (!is_suppressed(t->outcome[k])) continue;
      size_t i = k / g.n_cols, j = k % g.n_cols, row = i, col = g.n_rows + j;
      int forward = (i < t->rows) == (j < t->cols);
      size_t tail = forward ? row : col, head = forward ? col : row;
      memcpy(w.work, w.capacity, n * n * sizeof(double));
      w.work[tail * n + head] = w.work[head * n + tail] = 0; /* the cell itself carries nothing back */
      upper[k] = flow[k] + max_flow(&w, head, tail);
      memcpy(w.work, w.capacity, n * n * sizeof(double));
      w.work[tail * n + head] = w.work[head * n + tail] = 0;
      lower[k] = flow[k] - fmin(flow[k], max_flow(&w, tail, head));
    }
  }
  free(w.capacity), free(w.work), free(w.previous), free(w.queue), free(flow);
  return st;
}
