/* test_store.c: the HDF5 store: round trip, refusal of unknown versions and
 * corrupt files, source versioning through ingest, and atomicity when the
 * writer is killed at every stage of a write. */
#include <check.h>
#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "carecast/file.h"
#include "carecast/ingest.h"
#include "carecast/source.h"
#include "carecast/store.h"
#include "testutil.h"

static const char *manifest_a =
    "source_id: council_a\n"
    "organisation: council\n"
    "organisation_name: Test Council\n"
    "data_sharing_agreement: DSA-TEST-1\n"
    "licence: OGL-3.0\n"
    "refreshed: 2025-04-30\n"
    "measures:\n"
    "  asc_requests: {frequency: month, kind: flow, unit: requests}\n"
    "  cs_cla: {frequency: month, kind: stock, unit: children}\n";

static const char *csv_a_v1 =
    "geography_code,period,measure,age_band,value\n"
    "E08000019,2024-01,asc_requests,65+,10\n"
    "E08000019,2024-02,asc_requests,65+,c\n"
    "E08000019,2024-04,asc_requests,65+,12\n"
    "E06000012,2024-01,cs_cla,0-17,300\n";

static const char *csv_a_v2 = /* new value, cs_cla dropped */
    "geography_code,period,measure,age_band,value\n"
    "E08000019,2024-01,asc_requests,65+,11\n"
    "E08000019,2024-02,asc_requests,65+,13\n";

static char *dir;

static void setup(void) { dir = cc_test_tmpdir(); }
static void teardown(void) {
  cc_test_rmtree(dir);
  free(dir);
}

/* Ingest one CSV (with manifest text) into the store at store_path and commit. */
static cc_status ingest_text(const char *store_path, const char *name, const char *csv, const char *manifest,
                             cc_ingest_outcome *outcome, cc_error *err) {
  char csv_name[128], yaml_name[128];
  snprintf(csv_name, sizeof csv_name, "%s.csv", name);
  snprintf(yaml_name, sizeof yaml_name, "%s.yaml", name);
  char *csv_path = cc_test_write(dir, csv_name, csv);
  free(cc_test_write(dir, yaml_name, manifest));
  cc_source *src = NULL;
  cc_store *store = NULL;
  cc_ingest_outcome ignored;
  cc_status status = cc_source_read(csv_path, &src, NULL, err);
  if (!status) status = cc_store_open(store_path, CC_STORE_WRITE, NULL, &store, err);
  if (!status) status = cc_ingest_sources(store, &src, 1, "2025-05-01T00:00:00Z", outcome ? outcome : &ignored, err);
  if (!status) status = cc_store_commit(store, err);
  cc_store_close(store);
  cc_source_free(src);
  free(csv_path);
  return status;
}

static cc_series *read_series(const char *store_path, const char *id) {
  cc_store *store = NULL;
  cc_series *s = NULL;
  cc_error err;
  ck_assert_int_eq(cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_status status = cc_store_series_read(store, id, &s, &err);
  cc_store_close(store);
  return status ? NULL : s;
}

START_TEST(test_series_round_trip) {
  char *path = cc_test_path(dir, "store.h5");
  cc_series *s = cc_series_alloc(5);
  snprintf(s->measure, sizeof s->measure, "cs_referrals");
  snprintf(s->geography, sizeof s->geography, "North East Lincolnshire");
  snprintf(s->age_band, sizeof s->age_band, "0-17");
  cc_series_make_id(s->measure, s->geography, s->age_band, s->id, sizeof s->id);
  snprintf(s->unit, sizeof s->unit, "referrals");
  s->kind = CC_KIND_FLOW;
  s->freq = CC_FREQ_QUARTER;
  s->start = (cc_period){CC_FREQ_QUARTER, 2019 * 4 + 1};
  double values[5] = {12.5, NAN, 0.0, 1e6, NAN};
  uint8_t flags[5] = {CC_OBS_OBSERVED, CC_OBS_SUPPRESSED, CC_OBS_OBSERVED | CC_OBS_BREAK, CC_OBS_OBSERVED | CC_OBS_OUTLIER, 0};
  for (int i = 0; i < 5; i++) s->values[i] = values[i], s->flags[i] = flags[i];
  s->bounds[1] = 5;
  s->source_ids = strdup("a,b");
  cc_store *store = NULL;
  cc_error err;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_write(store, s, &err), CC_OK);
  ck_assert_int_eq(cc_store_commit(store, &err), CC_OK);
  cc_store_close(store);

  cc_series *back = read_series(path, "cs_referrals/North East Lincolnshire/0-17");
  ck_assert_ptr_nonnull(back);
  ck_assert_str_eq(back->id, s->id);
  ck_assert_str_eq(back->geography, "North East Lincolnshire");
  ck_assert_str_eq(back->unit, "referrals");
  ck_assert_str_eq(back->source_ids, "a,b");
  ck_assert_int_eq(back->kind, CC_KIND_FLOW);
  ck_assert_int_eq(back->freq, CC_FREQ_QUARTER);
  ck_assert_int_eq(back->start.index, s->start.index);
  ck_assert_uint_eq(back->n, 5);
  for (int i = 0; i < 5; i++) {
    ck_assert_int_eq(isnan(back->values[i]), isnan(values[i]));
    if (!isnan(values[i])) ck_assert_double_eq(back->values[i], values[i]);
    ck_assert_uint_eq(back->flags[i], flags[i]);
  }
  ck_assert_double_eq(back->bounds[1], 5);
  ck_assert(isnan(back->bounds[0]));
  cc_series_free(back);
  cc_series_free(s);
  free(path);
}
END_TEST

START_TEST(test_uncommitted_changes_vanish) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, NULL, &err), CC_OK);
  cc_store *store = NULL;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_delete(store, "asc_requests/E08000019/65+", &err), CC_OK);
  ck_assert(!cc_store_series_exists(store, "asc_requests/E08000019/65+"));
  cc_store_close(store); /* no commit */
  cc_series *s = read_series(path, "asc_requests/E08000019/65+");
  ck_assert_ptr_nonnull(s);
  cc_series_free(s);
  char *partial = cc_test_path(dir, "store.h5.partial");
  ck_assert(!cc_file_exists(partial));
  free(partial);
  free(path);
}
END_TEST

START_TEST(test_read_mode_refuses_writes) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, NULL, &err), CC_OK);
  cc_store *store = NULL;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_series_delete(store, "asc_requests/E08000019/65+", &err), CC_EUSAGE);
  ck_assert_int_eq(cc_store_commit(store, &err), CC_EUSAGE);
  cc_store_close(store);
  free(path);
}
END_TEST

/* The shrinkage weights of a demand record round-trip; a store written
 * before they were kept (no shrink_weight dataset) reads them as NaN. */
START_TEST(test_demand_shrink_weights) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  cc_store *store = NULL;
  char run[CC_RUN_ID_MAX];
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_OK);
  ck_assert_int_eq(cc_store_run_create(store, "models", "20250401T000000Z", run, &err), CC_OK);
  cc_demand_record *r = cc_demand_record_alloc(2);
  snprintf(r->type, sizeof r->type, "cohort");
  snprintf(r->name, sizeof r->name, "m");
  snprintf(r->geography, sizeof r->geography, "E08000019");
  r->spec_text = strdup("type: cohort\n");
  r->last = (cc_period){CC_FREQ_YEAR, 2024};
  r->shrink_weight[0] = 0.25;
  ck_assert_msg(cc_store_demand_write(store, run, r, &err) == CC_OK, "%s", err.message);
  cc_demand_record_free(r);
  ck_assert_int_eq(cc_store_commit(store, &err), CC_OK);
  cc_store_close(store);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  ck_assert_msg(cc_store_demand_read(store, run, "m/E08000019", &r, &err) == CC_OK, "%s", err.message);
  ck_assert_double_eq(r->shrink_weight[0], 0.25);
  ck_assert(isnan(r->shrink_weight[1]));
  cc_demand_record_free(r);
  cc_store_close(store);
  /* remove the dataset, as in a store written before it existed */
  char dataset[256];
  snprintf(dataset, sizeof dataset, "/models/%s/_demand/m/E08000019/shrink_weight", run);
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  ck_assert_int_ge(file, 0);
  ck_assert_int_ge(H5Ldelete(file, dataset, H5P_DEFAULT), 0);
  H5Fclose(file);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  ck_assert_msg(cc_store_demand_read(store, run, "m/E08000019", &r, &err) == CC_OK, "%s", err.message);
  ck_assert(isnan(r->shrink_weight[0]) && isnan(r->shrink_weight[1]));
  cc_demand_record_free(r);
  cc_store_close(store);
  free(path);
}
END_TEST

/* Open the store with HDF5 directly and change its format_version. */
static void set_format_version(const char *path, long long version) {
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  ck_assert_int_ge(file, 0);
  hid_t attr = H5Aopen(file, "format_version", H5P_DEFAULT);
  ck_assert_int_ge(attr, 0);
  ck_assert_int_ge(H5Awrite(attr, H5T_NATIVE_LLONG, &version), 0);
  H5Aclose(attr);
  H5Fclose(file);
}

START_TEST(test_unknown_version_refused) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, NULL, &err), CC_OK);
  set_format_version(path, 99);
  cc_store *store = NULL;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_EINPUT);
  ck_assert_ptr_null(store);
  ck_assert_ptr_nonnull(strstr(err.message, "store format version 99"));
  ck_assert_ptr_nonnull(strstr(err.message, "newer carecast"));
  ck_assert_str_eq(err.file, path);
  /* Writing is refused too, and the file is left as it was. */
  ck_assert_int_eq(cc_store_open(path, CC_STORE_WRITE, NULL, &store, &err), CC_EINPUT);
  set_format_version(path, CC_STORE_FORMAT_VERSION);
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_store_close(store);
  free(path);
}
END_TEST

START_TEST(test_corrupt_files_refused) {
  char *text_path = cc_test_write(dir, "notes.h5", "this is not HDF5\n");
  cc_store *store = NULL;
  cc_error err;
  ck_assert_int_eq(cc_store_open(text_path, CC_STORE_READ, NULL, &store, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "not a readable HDF5 file"));
  ck_assert_int_eq(cc_store_open(text_path, CC_STORE_WRITE, NULL, &store, &err), CC_EINPUT);

  /* A store cut short, as a full disk or a bad copy would leave it. */
  char *path = cc_test_path(dir, "store.h5");
  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, NULL, &err), CC_OK);
  char *cut = cc_test_path(dir, "cut.h5");
  char command[1024];
  snprintf(command, sizeof command, "head -c $(( $(stat -c %%s '%s') / 2 )) '%s' > '%s'", path, path, cut);
  ck_assert_int_eq(system(command), 0);
  ck_assert_int_eq(cc_store_open(cut, CC_STORE_READ, NULL, &store, &err), CC_EINPUT);

  /* An HDF5 file that is not a carecast store. */
  char *other = cc_test_path(dir, "other.h5");
  hid_t file = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(file);
  ck_assert_int_eq(cc_store_open(other, CC_STORE_READ, NULL, &store, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "not a carecast store"));
  ck_assert_int_eq(cc_store_open("/nonexistent/store.h5", CC_STORE_READ, NULL, &store, &err), CC_EINPUT);
  free(text_path);
  free(path);
  free(cut);
  free(other);
}
END_TEST

START_TEST(test_source_versions) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  cc_ingest_outcome outcome;
  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, &outcome, &err), CC_OK);
  ck_assert_int_eq(outcome.action, CC_INGEST_NEW);
  ck_assert_int_eq(outcome.version, 1);
  ck_assert_uint_eq(outcome.series_written, 2);

  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, &outcome, &err), CC_OK);
  ck_assert_int_eq(outcome.action, CC_INGEST_UNCHANGED);
  ck_assert_int_eq(outcome.version, 1);

  ck_assert_int_eq(ingest_text(path, "a", csv_a_v2, manifest_a, &outcome, &err), CC_OK);
  ck_assert_int_eq(outcome.action, CC_INGEST_REPLACED);
  ck_assert_int_eq(outcome.version, 2);
  ck_assert_uint_eq(outcome.series_removed, 1);

  cc_store *store = NULL;
  ck_assert_int_eq(cc_store_open(path, CC_STORE_READ, NULL, &store, &err), CC_OK);
  cc_source_record *versions = NULL;
  size_t n = 0;
  ck_assert_int_eq(cc_store_source_versions(store, "council_a", &versions, &n, &err), CC_OK);
  ck_assert_uint_eq(n, 2);
  char expect1[CC_SHA256_HEX_LEN + 1], expect2[CC_SHA256_HEX_LEN + 1];
  cc_sha256_hex(csv_a_v1, strlen(csv_a_v1), expect1);
  cc_sha256_hex(csv_a_v2, strlen(csv_a_v2), expect2);
  ck_assert_str_eq(versions[0].sha256, expect1);
  ck_assert_str_eq(versions[1].sha256, expect2);
  ck_assert_str_eq(versions[1].file_name, "a.csv");
  ck_assert_str_eq(versions[1].organisation, "council");
  ck_assert_str_eq(versions[1].refreshed, "2025-04-30");
  ck_assert_int_eq(versions[0].rows_read, 4);
  ck_assert_int_eq(versions[1].rows_read, 2);
  ck_assert_int_eq(versions[1].rows_rejected, 0);
  free(versions);
  char *manifest = NULL;
  ck_assert_int_eq(cc_store_source_manifest(store, "council_a", &manifest, &err), CC_OK);
  ck_assert_str_eq(manifest, manifest_a);
  free(manifest);
  char **ids;
  ck_assert_int_eq(cc_store_series_ids(store, &ids, &n, &err), CC_OK);
  ck_assert_uint_eq(n, 1); /* cs_cla went with the old version */
  ck_assert_str_eq(ids[0], "asc_requests/E08000019/65+");
  cc_store_free_names(ids, n);
  cc_store_close(store);
  cc_series *s = read_series(path, "asc_requests/E08000019/65+");
  ck_assert_uint_eq(s->n, 2);
  ck_assert_double_eq(s->values[0], 11);
  ck_assert_double_eq(s->values[1], 13);
  cc_series_free(s);
  free(path);
}
END_TEST

/* The SHA-256 the store records is the one everyone else computes (FIPS 180-2 test vector, and sha256sum). */
START_TEST(test_sha256_reference) {
  char hex[CC_SHA256_HEX_LEN + 1];
  cc_sha256_hex("abc", 3, hex);
  ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  char *csv = cc_test_write(dir, "x.csv", csv_a_v1), command[512], *out = NULL;
  snprintf(command, sizeof command, "sha256sum '%s' | cut -c1-64", csv);
  ck_assert_int_eq(cc_test_run(command, &out), 0);
  cc_sha256_hex(csv_a_v1, strlen(csv_a_v1), hex);
  ck_assert_int_eq(strncmp(out, hex, CC_SHA256_HEX_LEN), 0);
  free(out);
  free(csv);
}
END_TEST

START_TEST(test_overlapping_sources_refused) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  ck_assert_int_eq(ingest_text(path, "a", csv_a_v1, manifest_a, NULL, &err), CC_OK);
  char *manifest_b = strdup(manifest_a);
  memcpy(strstr(manifest_b, "council_a"), "council_b", 9);
  const char *csv_b = "geography_code,period,measure,age_band,value\n"
                      "E08000019,2024-05,asc_requests,65+,9\n"  /* new period: fine */
                      "E08000019,2024-04,asc_requests,65+,12\n"; /* already from council_a */
  ck_assert_int_eq(ingest_text(path, "b", csv_b, manifest_b, NULL, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "already supplied by source 'council_a'"));
  ck_assert_int_eq(err.line, 3);
  /* The store is as it was. */
  cc_series *s = read_series(path, "asc_requests/E08000019/65+");
  ck_assert_uint_eq(s->n, 4);
  ck_assert_str_eq(s->source_ids, "council_a");
  cc_series_free(s);
  /* Without the overlap, both sources feed one series. */
  const char *csv_b_ok = "geography_code,period,measure,age_band,value\nE08000019,2024-06,asc_requests,65+,9\n";
  ck_assert_int_eq(ingest_text(path, "b", csv_b_ok, manifest_b, NULL, &err), CC_OK);
  s = read_series(path, "asc_requests/E08000019/65+");
  ck_assert_uint_eq(s->n, 6);
  ck_assert_str_eq(s->source_ids, "council_a,council_b");
  ck_assert_double_eq(s->values[5], 9);
  ck_assert_double_eq(s->values[0], 10);
  cc_series_free(s);
  /* A measure declared differently by another source is refused. */
  char *manifest_c = strdup(manifest_b);
  memcpy(strstr(manifest_c, "council_b"), "council_c", 9);
  char *month = strstr(manifest_c, "frequency: month, kind: flow");
  memcpy(month, "frequency: year ", 16);
  const char *csv_c = "geography_code,period,measure,age_band,value\nE08000019,2024,asc_requests,65+,90\n";
  ck_assert_int_eq(ingest_text(path, "c", csv_c, manifest_c, NULL, &err), CC_EINPUT);
  ck_assert_ptr_nonnull(strstr(err.message, "declared as year"));
  ck_assert_ptr_nonnull(strstr(err.file, "c.yaml"));
  free(manifest_b);
  free(manifest_c);
  free(path);
}
END_TEST

/* ---- atomicity: kill the writer at each stage ------------------------------------ */

/* A CSV of n_series monthly series of 24 months each. */
static char *big_csv(int n_series, int base) {
  size_t capacity = (size_t)n_series * 24 * 64 + 128, used = 0;
  char *text = malloc(capacity);
  used += (size_t)snprintf(text, capacity, "geography_code,period,measure,age_band,value\n");
  for (int s = 0; s < n_series; s++)
    for (int m = 0; m < 24; m++)
      used += (size_t)snprintf(text + used, capacity - used, "E%08d,%d-%02d,asc_requests,65+,%d\n", 6000000 + s,
                               2022 + m / 12, m % 12 + 1, base + s + m);
  return text;
}

/* Listing of the store by the CLI (the reader a user would run). */
static char *listing(const char *path) {
  char command[1024], *out = NULL;
  snprintf(command, sizeof command, "'%s' list --csv --store '%s'", CC_CARECAST_BIN, path);
  ck_assert_int_eq(cc_test_run(command, &out), 0);
  return out;
}

/* Run carecast ingest with the fault hook set; return the wait status. */
static int ingest_killed_at(const char *store, const char *csv, const char *stage) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("CARECAST_FAULT_KILL_AT", stage, 1);
    int devnull = open("/dev/null", 1);
    dup2(devnull, 1);
    execl(CC_CARECAST_BIN, "carecast", "ingest", "--store", store, csv, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

START_TEST(test_kill_during_ingest_keeps_old_store) {
  static const char *stages[] = {"copied", "series-written", "series-written:3", "source-written", "before-rename"};
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  char *v1 = big_csv(200, 0), *v2 = big_csv(200, 1000);
  ck_assert_int_eq(ingest_text(path, "big", v1, manifest_a, NULL, &err), CC_OK);
  char *before = listing(path);
  cc_series *old = read_series(path, "asc_requests/E06000007/65+");
  char *csv = cc_test_write(dir, "big.csv", v2); /* a new version of the same source */
  for (size_t k = 0; k < sizeof stages / sizeof stages[0]; k++) {
    int status = ingest_killed_at(path, csv, stages[k]);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "ingest was not killed at %s", stages[k]);
    char *after = listing(path);
    ck_assert_msg(strcmp(before, after) == 0, "store listing changed after a kill at %s", stages[k]);
    free(after);
    cc_series *s = read_series(path, "asc_requests/E06000007/65+");
    ck_assert_double_eq(s->values[0], old->values[0]);
    cc_series_free(s);
  }
  /* Killed just after the rename: the new version is complete. */
  int status = ingest_killed_at(path, csv, "committed");
  ck_assert(WIFSIGNALED(status));
  cc_series *s = read_series(path, "asc_requests/E06000007/65+");
  ck_assert_double_eq(s->values[0], old->values[0] + 1000);
  cc_series_free(s);
  /* And a normal ingest still works after all those kills (stale working copies and locks are harmless). */
  ck_assert_int_eq(ingest_text(path, "big", v1, manifest_a, NULL, &err), CC_OK);
  s = read_series(path, "asc_requests/E06000007/65+");
  ck_assert_double_eq(s->values[0], old->values[0]);
  cc_series_free(s);
  cc_series_free(old);
  free(before);
  free(csv);
  free(v1);
  free(v2);
  free(path);
}
END_TEST

/* Kill at random moments with no hook: the store is always the old one or the new one. */
START_TEST(test_kill_at_random_times) {
  char *path = cc_test_path(dir, "store.h5");
  cc_error err;
  char *v1 = big_csv(400, 0), *v2 = big_csv(400, 1000);
  ck_assert_int_eq(ingest_text(path, "big", v1, manifest_a, NULL, &err), CC_OK);
  char *old_listing = listing(path);
  char *csv = cc_test_write(dir, "big.csv", v2);
  srand(20261129);
  int saw_old = 0, saw_new = 0;
  for (int round = 0; round < 12; round++) {
    pid_t pid = fork();
    if (pid == 0) {
      int devnull = open("/dev/null", 1);
      dup2(devnull, 1);
      execl(CC_CARECAST_BIN, "carecast", "ingest", "--store", path, csv, (char *)NULL);
      _exit(127);
    }
    struct timespec pause = {0, (long)(rand() % 150) * 1000000L};
    nanosleep(&pause, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    cc_series *s = read_series(path, "asc_requests/E06000007/65+");
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(s->values[0] == 7 || s->values[0] == 1007, "store holds neither version: %g", s->values[0]);
    if (s->values[0] == 7) {
      saw_old++;
      char *now = listing(path);
      ck_assert_str_eq(now, old_listing);
      free(now);
    } else {
      saw_new++;
      ck_assert_int_eq(ingest_text(path, "big", v1, manifest_a, NULL, &err), CC_OK); /* back to the old version */
      free(csv);
      csv = cc_test_write(dir, "big.csv", v2);
    }
    cc_series_free(s);
  }
  fprintf(stderr, "random kills: %d left the old store, %d the new one\n", saw_old, saw_new);
  free(old_listing);
  free(csv);
  free(v1);
  free(v2);
  free(path);
}
END_TEST

static Suite *store_suite(void) {
  Suite *suite = suite_create("store");
  TCase *basic = tcase_create("basic");
  tcase_add_checked_fixture(basic, setup, teardown);
  tcase_add_test(basic, test_series_round_trip);
  tcase_add_test(basic, test_uncommitted_changes_vanish);
  tcase_add_test(basic, test_read_mode_refuses_writes);
  tcase_add_test(basic, test_unknown_version_refused);
  tcase_add_test(basic, test_demand_shrink_weights);
  tcase_add_test(basic, test_corrupt_files_refused);
  tcase_add_test(basic, test_source_versions);
  tcase_add_test(basic, test_sha256_reference);
  tcase_add_test(basic, test_overlapping_sources_refused);
  suite_add_tcase(suite, basic);
  TCase *atomic = tcase_create("atomicity");
  tcase_add_checked_fixture(atomic, setup, teardown);
  tcase_set_timeout(atomic, 300);
  tcase_add_test(atomic, test_kill_during_ingest_keeps_old_store);
  tcase_add_test(atomic, test_kill_at_random_times);
  suite_add_tcase(suite, atomic);
  return suite;
}

int main(void) {
  return cc_test_run_suite(store_suite());
}
