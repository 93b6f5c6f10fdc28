/* testutil.c: see testutil.h. */
#include "testutil.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

char *cc_test_tmpdir(void) {
  char templ[] = "/tmp/carecast-test-XXXXXX";
  if (!mkdtemp(templ)) return NULL;
  return strdup(templ);
}

void cc_test_rmtree(const char *path) {
  if (!path || strncmp(path, "/tmp/carecast-test-", 19) != 0) return;
  char command[512];
  snprintf(command, sizeof command, "rm -rf '%s'", path);
  if (system(command) != 0) fprintf(stderr, "could not remove %s\n", path);
}

char *cc_test_path(const char *dir, const char *name) {
  size_t len = strlen(dir) + strlen(name) + 2;
  char *path = malloc(len);
  snprintf(path, len, "%s/%s", dir, name);
  return path;
}

char *cc_test_write(const char *dir, const char *name, const char *text) {
  char *path = cc_test_path(dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return path;
  fputs(text, f);
  fclose(f);
  return path;
}

int cc_test_run(const char *command, char **output) {
  size_t len = strlen(command) + 16;
  char *full = malloc(len);
  snprintf(full, len, "%s 2>&1", command);
  FILE *pipe = popen(full, "r");
  free(full);
  if (!pipe) return -1;
  size_t capacity = 4096, used = 0;
  char *buf = malloc(capacity);
  size_t got;
  while ((got = fread(buf + used, 1, capacity - used - 1, pipe)) > 0) {
    used += got;
    if (capacity - used < 2) buf = realloc(buf, capacity *= 2);
  }
  buf[used] = '\0';
  int status = pclose(pipe);
  if (output) *output = buf;
  else free(buf);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cc_test_run_suite(Suite *suite) {
  SRunner *runner = srunner_create(suite);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
