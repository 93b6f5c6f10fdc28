/* testutil.h: helpers shared by the unit tests (temporary folders, running
 * the carecast binary, writing small files). */
#ifndef CARECAST_TESTUTIL_H
#define CARECAST_TESTUTIL_H

#include <stddef.h>

/* Make a fresh temporary folder; returns a malloc'd path (caller frees). */
char *cc_test_tmpdir(void);

/* Remove a folder and everything in it. */
void cc_test_rmtree(const char *path);

/* Write text to dir/name; returns the malloc'd full path. */
char *cc_test_write(const char *dir, const char *name, const char *text);

/* Join dir and name into a malloc'd path. */
char *cc_test_path(const char *dir, const char *name);

/* Run a shell command, capturing stdout+stderr into *output (malloc'd, may be NULL). Returns the exit status, or -1. */
int cc_test_run(const char *command, char **output);

/* Run every test of suite (which it frees) and return the process exit status:
 * EXIT_SUCCESS when none failed. */
struct Suite;
int cc_test_run_suite(struct Suite *suite);

#endif
