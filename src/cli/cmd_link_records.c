/* cmd_link_records.c: carecast link-records. Reads two person-level
 * extracts with identifiers pseudonymised on read, links them (recordlink.h),
 * writes the links (pseudonyms only) and, with --aggregate, adds the monthly
 * series of linked events to a store as a new source. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carecast/extract.h"
#include "carecast/file.h"
#include "carecast/ingest.h"
#include "carecast/pseudonym.h"
#include "carecast/recordlink.h"
#include "cli.h"

#define VERB "link-records"
#define DEFAULT_DSA "not stated (see the extracts' data sharing agreement)"
#define WITHIN_DAYS_MAX 3660 /* --aggregate within=DAYS: at most ten years */

typedef struct plan {
  const char *key_path, *out_path, *store_path, *measure, *source_id, *dsa;
  const char *a_path, *b_path;
  double target_fmr;
  int aggregate;   /* --aggregate was given */
  int within_days; /* its window */
} plan;

static double seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
}

static int parse_aggregate(const char *text, plan *p) {
  const char *prefix = "within=";
  if (strncmp(text, prefix, strlen(prefix)) != 0) return 0;
  char *end;
  long days = strtol(text + strlen(prefix), &end, 10);
  if (*end || end == text + strlen(prefix) || days < 0 || days > WITHIN_DAYS_MAX) return 0;
  p->within_days = (int)days;
  p->aggregate = 1;
  return 1;
}

static int ends_with(const char *text, const char *suffix) {
  size_t n = strlen(text), k = strlen(suffix);
  return n >= k && strcmp(text + n - k, suffix) == 0;
}

static int parse_args(int argc, char **argv, plan *p) {
  static const struct option options[] = {{"key", required_argument, NULL, 'k'},
                                          {"out", required_argument, NULL, 'o'},
                                          {"target-fmr", required_argument, NULL, 'f'},
                                          {"aggregate", required_argument, NULL, 'a'},
                                          {"store", required_argument, NULL, 's'},
                                          {"measure", required_argument, NULL, 'm'},
                                          {"source-id", required_argument, NULL, 'i'},
                                          {"dsa", required_argument, NULL, 'd'},
                                          {"help", no_argument, NULL, 'h'},
                                          {0}};
  memset(p, 0, sizeof *p);
  p->target_fmr = CC_RECORDS_TARGET_FMR;
  p->within_days = CC_RECORDS_WITHIN_DAYS;
  p->dsa = DEFAULT_DSA;
  int opt;
  char *end;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+k:o:f:a:s:m:i:d:h", options, NULL)) != -1) {
    switch (opt) {
    case 'k': p->key_path = optarg; break;
    case 'o': p->out_path = optarg; break;
    case 'f':
      p->target_fmr = strtod(optarg, &end);
      if (*end || end == optarg || !(p->target_fmr >= 0 && p->target_fmr < 1))
        return cc_cli_usage_error(VERB, "--target-fmr %s is not a rate in [0, 1)", optarg);
      break;
    case 'a':
      if (!parse_aggregate(optarg, p)) return cc_cli_usage_error(VERB, "--aggregate takes within=DAYS, not %s", optarg);
      break;
    case 's': p->store_path = optarg; break;
    case 'm': p->measure = optarg; break;
    case 'i': p->source_id = optarg; break;
    case 'd': p->dsa = optarg; break;
    case 'h': cc_cli_print_usage(VERB, stdout); return -1;
    default: return cc_cli_usage_error(VERB, "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!p->key_path) return cc_cli_usage_error(VERB, "--key KEYFILE is required");
  if (!p->out_path) return cc_cli_usage_error(VERB, "--out LINKED.csv is required");
  if (!ends_with(p->out_path, ".csv")) return cc_cli_usage_error(VERB, "--out must name a .csv file");
  if (argc - optind != 2) return cc_cli_usage_error(VERB, "name two extracts, A.csv and B.csv");
  p->a_path = argv[optind];
  p->b_path = argv[optind + 1];
  if (p->aggregate && (!p->store_path || !p->measure))
    return cc_cli_usage_error(VERB, "--aggregate needs --store STORE and --measure NAME");
  if (!p->aggregate && (p->store_path || p->measure || p->source_id))
    return cc_cli_usage_error(VERB, "--store, --measure and --source-id go with --aggregate within=DAYS");
  return 0;
}

/* The links as CSV text in *text (caller frees): pseudonyms, weight, probability, levels, days between events. */
static int links_csv(const cc_extract *a, const cc_extract *b, const cc_records_result *r, char **text, size_t *len) {
  FILE *out = open_memstream(text, len);
  if (!out) return 1;
  fprintf(out, "a_pseudonym,b_pseudonym,weight,match_probability");
  for (int k = 0; k < CC_RECORDS_FIELDS; k++) fprintf(out, ",%s", cc_records_field_name(k));
  fprintf(out, ",days_a_to_b\n");
  char a_hex[CC_PSEUDONYM_HEX_LEN + 1], b_hex[CC_PSEUDONYM_HEX_LEN + 1];
  for (size_t i = 0; i < r->n_links; i++) {
    const cc_records_match *m = &r->links[i];
    cc_pseudonym_hex(a->records[m->a].id_digest, a_hex);
    cc_pseudonym_hex(b->records[m->b].id_digest, b_hex);
    fprintf(out, "%s,%s,%.4f,%.6f", a_hex, b_hex, m->weight, m->probability);
    for (int k = 0; k < CC_RECORDS_FIELDS; k++) fprintf(out, ",%s", cc_records_level_name(k, m->levels[k]));
    fprintf(out, ",%ld\n", (long)b->records[m->b].event_day - (long)a->records[m->a].event_day);
  }
  return fclose(out) != 0;
}

static void report_link(const cc_records_result *r, double target_fmr, FILE *progress) {
  for (int pass = 0; pass < CC_RECORDS_BLOCK_PASSES; pass++)
    fprintf(progress, "blocking on %s: %zu candidate pairs\n", cc_records_block_name(pass), r->per_pass[pass]);
  fprintf(progress, "candidate pairs (union of passes): %zu, %zu comparison patterns\n", r->candidates, r->patterns);
  fprintf(progress, "EM: %s after %d iterations, share of matches among all pairs %.3g, log-likelihood %.3f\n",
          r->model.converged ? "converged" : "NOT converged", r->model.iterations, r->model.p, r->model.loglik);
  for (int k = 0; k < CC_RECORDS_FIELDS; k++)
    for (int l = cc_records_levels[k] - 1; l >= 0; l--)
      fprintf(progress, "  %-18s %-17s m %.4f  u %.4f  weight %+7.3f\n", cc_records_field_name(k),
              cc_records_level_name(k, (uint8_t)l), r->model.m[k][l], r->model.u[k][l],
              log2(r->model.m[k][l] / r->model.u[k][l]));
  fprintf(progress, "one-to-one assignment: %zu pairs; threshold weight %.3f (estimated false-match rate %.4f, "
          "target %.4f)\n", r->assigned, r->threshold, r->estimated_fmr, target_fmr);
}

/* The series of the links into the store, as a new version of source source_id. */
static int store_aggregate(const plan *p, const cc_extract *a, const cc_extract *b, const cc_records_result *r,
                           const char *linked_sha256, FILE *out) {
  cc_error err;
  cc_error_clear(&err);
  char source_id[CC_SOURCE_ID_MAX], now[32], refreshed[11];
  if (p->source_id) snprintf(source_id, sizeof source_id, "%s", p->source_id);
  else if (snprintf(source_id, sizeof source_id, "linked_%s", p->measure) >= (int)sizeof source_id)
    return cc_cli_usage_error(VERB, "the measure name is too long to make a source id; give --source-id");
  if (cc_check_source_id(source_id, &err)) return cc_cli_usage_error(VERB, "--source-id: %s", err.message);
  cc_cli_timestamp(now, sizeof now);
  snprintf(refreshed, sizeof refreshed, "%.10s", now);
  cc_observation *obs = NULL;
  size_t n_obs = 0;
  cc_source *src = NULL;
  cc_status status = cc_records_aggregate(a, b, r, p->within_days, p->measure, &obs, &n_obs, &err);
  cc_records_provenance prov = {source_id, p->measure, refreshed, p->out_path, linked_sha256, a, b, r,
                             p->target_fmr, p->within_days, p->dsa};
  if (!status) status = cc_records_source_make(&prov, obs, n_obs, &src, &err);
  cc_store *store = NULL;
  cc_ingest_outcome outcome;
  cc_store_options options = cc_cli_store_options();
  if (!status) status = cc_store_open(p->store_path, CC_STORE_WRITE, &options, &store, &err);
  if (!status) status = cc_ingest_sources(store, &src, 1, now, &outcome, &err);
  if (!status && outcome.action != CC_INGEST_UNCHANGED) status = cc_store_commit(store, &err);
  cc_store_close(store);
  cc_source_free(src);
  if (status) return cc_cli_report_unwritten(&err, p->store_path);
  fprintf(out, "stored %s: source %s %s (version %lld, %zu observations, %zu series written)\n", p->store_path,
          outcome.source_id, cc_ingest_action_name(outcome.action), (long long)outcome.version, outcome.observations,
          outcome.series_written);
  return CC_EXIT_OK;
}

static int link_and_write(const plan *p, FILE *out, FILE *progress) {
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  cc_error err;
  cc_error_clear(&err);
  cc_pseudonym_key *key = NULL;
  cc_extract *a = NULL, *b = NULL;
  cc_records_result *r = NULL;
  cc_status status = cc_pseudonym_key_load(p->key_path, &key, &err);
  if (!status) status = cc_extract_read(p->a_path, key, "a", &a, &err);
  if (!status) status = cc_extract_read(p->b_path, key, "b", &b, &err);
  cc_pseudonym_key_free(key); /* wiped: not needed once identifiers are pseudonymised */
  if (!status) {
    fprintf(progress, "read %s: %zu records (%zu without a valid NHS number); %s: %zu records (%zu without) in %.2f s\n",
            p->a_path, a->n, a->nhs_missing, p->b_path, b->n, b->nhs_missing, seconds_since(&start));
    cc_records_options options = cc_records_default_options();
    options.target_fmr = p->target_fmr;
    status = cc_records_run(a, b, &options, &r, &err);
  }
  int code = CC_EXIT_OK;
  if (status) {
    code = cc_cli_report(&err);
  } else {
    report_link(r, p->target_fmr, progress);
    char *text = NULL;
    size_t len = 0;
    char sha256[CC_SHA256_HEX_LEN + 1];
    if (links_csv(a, b, r, &text, &len)) {
      fprintf(stderr, "carecast: out of memory writing the links\n");
      code = CC_EXIT_INTERNAL;
    } else {
      cc_sha256_hex(text, len, sha256);
      if ((status = cc_file_write_atomic(p->out_path, text, len, &err))) code = cc_cli_report(&err);
    }
    free(text);
    if (code == CC_EXIT_OK) {
      fprintf(out, "linked %zu of %zu records of %s to %s; wrote %s (%.2f s)\n", r->n_links, b->n, p->b_path,
              p->a_path, p->out_path, seconds_since(&start));
      if (p->aggregate) code = store_aggregate(p, a, b, r, sha256, out);
    }
  }
  cc_records_result_free(r);
  cc_extract_free(a);
  cc_extract_free(b);
  return code;
}

int cc_cmd_link_records(int argc, char **argv) {
  plan p;
  int code = parse_args(argc, argv, &p);
  if (code < 0) return CC_EXIT_OK; /* --help */
  if (code) return code;
  return link_and_write(&p, stdout, stderr);
}
