/* cmd_publish.c: carecast publish. Writes the observed and forecast counts of
 * the store as a CSV fit for publication: every count passes the disclosure
 * rule its measure follows (disclosure.h, data/disclosure.yaml), and the
 * measures a rules file declares additive (a total and its parts) are
 * protected together as tables, so that no suppressed part can be worked out
 * from the total. Only counts are published (flow and stock measures); rates
 * and amounts are left out and counted. --internal turns the rules off and
 * marks every row "internal". */
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carecast/disclosure.h"
#include "cli.h"

#define RULES_FILE_NAME "disclosure.yaml" /* in the data folder */

const char *cc_cli_disclosure_rules_path(const char *option, char *buf, size_t len) {
  if (option && *option) return option;
  snprintf(buf, len, "%s/%s", cc_cli_data_dir(NULL), RULES_FILE_NAME);
  return buf;
}

typedef struct publish_context {
  cc_store *store;
  const cc_disclosure_rules *rules; /* NULL with --internal */
  FILE *out;
  size_t rows;                      /* rows written */
  size_t suppressed;                /* of which suppressed */
  size_t forecast_series;           /* series with forecast rows */
} publish_context;

/* The declared table measure belongs to (as its total or a part): its index
 * in rules->sums and the column (n_parts for the total), or -1. */
static long sum_of(const cc_disclosure_rules *rules, const char *measure, size_t *column) {
  if (!rules) return -1;
  for (size_t s = 0; s < rules->n_sums; s++) {
    const cc_disclosure_sum *sum = &rules->sums[s];
    if (strcmp(sum->total, measure) == 0) return *column = sum->n_parts, (long)s;
    for (size_t p = 0; p < sum->n_parts; p++)
      if (strcmp(sum->parts[p], measure) == 0) return *column = p, (long)s;
  }
  return -1;
}

/* Column `column` of declared table `sum` at every slot of series s (which is
 * that column), protected as a one-row table whose row total is the total
 * measure, into texts[i] and outcomes[i]. The other columns are read from the
 * store (absent ones are missing), whatever --series selected: a table is
 * protected as if all of it were published. */
static cc_status protect_column(publish_context *c, const cc_disclosure_sum *sum, size_t column, const cc_series *s,
                                char (*texts)[CC_DISCLOSURE_TEXT_MAX], uint8_t *outcomes, cc_error *err) {
  size_t n_columns = sum->n_parts + 1;
  const cc_disclosure_rule *rule = cc_disclosure_rule_for(c->rules, sum->total);
  cc_series **members = calloc(n_columns, sizeof *members);
  cc_disclosure_table *t = cc_disclosure_table_alloc(1, sum->n_parts, CC_SDC_ROW_TOTALS);
  cc_status st = members && t ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  for (size_t m = 0; !st && m < n_columns; m++) {
    char id[CC_SERIES_ID_MAX];
    cc_series_make_id(m < sum->n_parts ? sum->parts[m] : sum->total, s->geography, s->age_band, id, sizeof id);
    if (cc_store_series_exists(c->store, id)) st = cc_store_series_read(c->store, id, &members[m], err);
  }
  for (size_t i = 0; !st && i < s->n; i++) {
    cc_period period = cc_series_period(s, i);
    for (size_t m = 0; m < n_columns; m++) {
      size_t k = cc_disclosure_table_index(t, 0, m); /* m == n_parts: the row total */
      t->value[k] = NAN;
      t->withheld[k] = 0;
      const cc_series *member = members[m];
      if (!member || member->freq != s->freq) continue;
      long slot = cc_period_diff(member->start, period);
      if (slot < 0 || (size_t)slot >= member->n) continue;
      t->value[k] = member->values[slot];
      t->withheld[k] = (member->flags[slot] & CC_OBS_SUPPRESSED) != 0;
    }
    if ((st = cc_disclosure_table_apply(rule, t, NULL, err))) break;
    size_t k = cc_disclosure_table_index(t, 0, column);
    snprintf(texts[i], sizeof texts[i], "%s", t->text[k]);
    outcomes[i] = t->outcome[k];
  }
  for (size_t m = 0; members && m < n_columns; m++) cc_series_free(members[m]);
  free(members);
  cc_disclosure_table_free(t);
  return st;
}

static void write_row(publish_context *c, const char *id, cc_period period, const char *type, const char *text,
                      int outcome, const cc_disclosure_rule *rule) {
  char name[CC_PERIOD_TEXT_MAX];
  fprintf(c->out, "%s,%s,%s,%s,%s\n", id, cc_period_format(period, name, sizeof name), type, text, rule->name);
  c->rows++;
  c->suppressed += outcome == CC_SDC_PRIMARY || outcome == CC_SDC_SECONDARY || outcome == CC_SDC_WITHHELD;
}

/* The observed rows of series s: every slot with a value or suppressed by its source. */
static cc_status publish_observed(publish_context *c, const cc_series *s, const cc_disclosure_rule *rule, cc_error *err) {
  char (*texts)[CC_DISCLOSURE_TEXT_MAX] = calloc(s->n ? s->n : 1, sizeof *texts);
  uint8_t *outcomes = calloc(s->n ? s->n : 1, 1);
  cc_status st = texts && outcomes ? CC_OK : cc_error_set(err, CC_ENOMEM, NULL, 0, NULL, "out of memory");
  size_t column = 0;
  long sum = st ? -1 : sum_of(c->rules, s->measure, &column);
  if (!st && sum >= 0) {
    rule = cc_disclosure_rule_for(c->rules, c->rules->sums[sum].total); /* a table follows its total's rule */
    st = protect_column(c, &c->rules->sums[sum], column, s, texts, outcomes, err);
  }
  for (size_t i = 0; !st && sum < 0 && i < s->n; i++) {
    if (s->flags[i] & CC_OBS_SUPPRESSED) {
      snprintf(texts[i], sizeof texts[i], "%s", rule->symbol);
      outcomes[i] = CC_SDC_WITHHELD;
    } else {
      outcomes[i] = (uint8_t)cc_disclosure_cell(rule, s->values[i], texts[i], sizeof texts[i]);
    }
  }
  for (size_t i = 0; !st && i < s->n; i++)
    if (outcomes[i] != CC_SDC_MISSING && outcomes[i] != CC_SDC_UNPUBLISHED)
      write_row(c, s->id, cc_series_period(s, i), "observed", texts[i], outcomes[i], rule);
  free(texts);
  free(outcomes);
  return st;
}

/* The forecast rows of series s: the means of run_option, or of the newest run that forecast s, one
 * cell each (none when no run has it). Forecasts of the parts of a table do not add up to the
 * forecast of its total, so no cell can be worked out from the others. */
static cc_status publish_forecast(publish_context *c, const char *run_option, const cc_series *s,
                                  const cc_disclosure_rule *rule, cc_error *err) {
  cc_forecast *f = NULL;
  cc_period first;
  char run[CC_RUN_ID_MAX];
  int found = 0;
  cc_status st = CC_OK;
  if (run_option) {
    char **ids = NULL;
    size_t n = 0;
    snprintf(run, sizeof run, "%s", run_option);
    st = cc_store_run_series(c->store, "forecasts", run, &ids, &n, err);
    for (size_t i = 0; !st && i < n && !found; i++) found = strcmp(ids[i], s->id) == 0;
    cc_store_free_names(ids, n);
  } else {
    st = cc_store_forecast_newest_run(c->store, s->id, NULL, run, &found, err);
  }
  if (st || !found) return st;
  c->forecast_series++;
  st = cc_store_forecast_read(c->store, run, s->id, &f, &first, err);
  for (size_t i = 0; !st && i < f->h; i++) {
    char text[CC_DISCLOSURE_TEXT_MAX];
    cc_disclosure_outcome outcome = cc_disclosure_cell(rule, f->mean[i], text, sizeof text);
    if (outcome != CC_SDC_MISSING) write_row(c, s->id, cc_period_add(first, (int32_t)i), "forecast", text, outcome, rule);
  }
  cc_forecast_free(f);
  return st;
}

static int publish(const char *store_path, const char *out_path, const char *rules_path, const char *glob,
                   const char *run_option, int internal) {
  cc_error err;
  cc_error_clear(&err);
  cc_disclosure_rules *rules = NULL;
  publish_context c = {0};
  char **ids = NULL, partial[CC_ERROR_FILE_MAX + 16];
  size_t n_ids = 0, series_written = 0, not_counts = 0;
  snprintf(partial, sizeof partial, "%s.partial", out_path);
  cc_status st = internal ? CC_OK : cc_disclosure_rules_load(rules_path, &rules, &err);
  c.rules = rules;
  if (!st) st = cc_store_open(store_path, CC_STORE_READ, NULL, &c.store, &err);
  if (!st && run_option && !cc_store_run_exists(c.store, "forecasts", run_option))
    st = cc_error_set(&err, CC_EINPUT, store_path, 0, "run", "no forecast run %s in the store", run_option);
  if (!st) st = cc_store_series_ids(c.store, &ids, &n_ids, &err);
  if (!st && !(c.out = fopen(partial, "w"))) st = cc_error_set(&err, CC_EINPUT, out_path, 0, NULL, "cannot write the CSV");
  if (!st) fputs("series_id,period,type,value,rule\n", c.out);
  for (size_t i = 0; !st && i < n_ids; i++) {
    if (glob && fnmatch(glob, ids[i], 0) != 0) continue;
    cc_series *s = NULL;
    if ((st = cc_store_series_read(c.store, ids[i], &s, &err))) break;
    if (s->kind == CC_KIND_FLOW || s->kind == CC_KIND_STOCK) {
      const cc_disclosure_rule *rule = rules ? cc_disclosure_rule_for(rules, s->measure) : cc_disclosure_rule_internal();
      st = publish_observed(&c, s, rule, &err);
      if (!st) st = publish_forecast(&c, run_option, s, rule, &err);
      series_written++;
    } else {
      not_counts++;
    }
    cc_series_free(s);
  }
  if (c.out && fclose(c.out) != 0 && !st) st = cc_error_set(&err, CC_EIO, out_path, 0, NULL, "cannot finish writing");
  if (!st && rename(partial, out_path) != 0) st = cc_error_set(&err, CC_EIO, out_path, 0, NULL, "cannot rename %s into place", partial);
  if (st && c.out) remove(partial);
  cc_store_free_names(ids, n_ids);
  cc_store_close(c.store);
  cc_disclosure_rules_free(rules);
  if (st) return cc_cli_report(&err);
  fprintf(stderr, "publish: %zu rows of %zu count series (%zu with forecasts) to %s; %zu suppressed; %zu rate or amount "
          "series left out\n", c.rows, series_written, c.forecast_series, out_path, c.suppressed, not_counts);
  if (internal)
    fprintf(stderr, "publish: --internal: NO DISCLOSURE CONTROL; every row is marked internal; not for publication\n");
  else
    fprintf(stderr, "publish: disclosure rules from %s\n", rules_path);
  return CC_EXIT_OK;
}

int cc_cmd_publish(int argc, char **argv) {
  static const struct option options[] = {{"store", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
                                          {"rules", required_argument, NULL, 'r'}, {"series", required_argument, NULL, 'g'},
                                          {"run", required_argument, NULL, 'R'},   {"internal", no_argument, NULL, 'i'},
                                          {"help", no_argument, NULL, 'h'},        {0}};
  const char *store_path = NULL, *out_path = NULL, *rules_option = NULL, *glob = NULL, *run = NULL;
  int internal = 0, opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:o:r:g:R:ih", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'o': out_path = optarg; break;
    case 'r': rules_option = optarg; break;
    case 'g': glob = optarg; break;
    case 'R': run = optarg; break;
    case 'i': internal = 1; break;
    case 'h': cc_cli_print_usage("publish", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("publish", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("publish", "--store is required");
  if (!out_path) return cc_cli_usage_error("publish", "--out is required");
  if (internal && rules_option) return cc_cli_usage_error("publish", "--internal and --rules contradict each other");
  if (optind < argc) return cc_cli_usage_error("publish", "unexpected argument: %s", argv[optind]);
  char buf[CC_ERROR_FILE_MAX];
  return publish(store_path, out_path, cc_cli_disclosure_rules_path(rules_option, buf, sizeof buf), glob, run, internal);
}
