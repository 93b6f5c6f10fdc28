/* main.c: the carecast command. Finds the verb and hands over to it. */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "carecast/version.h"
#include "cli.h"

static void print_help(FILE *out) {
  fprintf(out, "carecast %s: demand forecasting for adult social care and child protection\n\n", CC_VERSION_STRING);
  fprintf(out, "usage: carecast <verb> [options]\n       carecast <verb> --help\n\nverbs:\n");
  for (const cc_verb *v = cc_verbs; v->name; v++) fprintf(out, "  %-10s %s\n", v->name, v->summary);
  fprintf(out, "\nexit codes: 0 ok, 1 bad input, 2 usage, 3 internal error\n");
}

int main(int argc, char **argv) {
  /* GSL's default error handler aborts the process; carecast's code checks every GSL
   * status and reports errors itself, so the handler is turned off for the whole program. */
  gsl_set_error_handler_off();
  /* carecast runs series side by side on OpenMP threads, and its BLAS and LAPACK calls are on
   * small matrices (state-space models, regressions of a few columns). OpenBLAS's own worker
   * threads would only spin beside them (measured on `carecast demo`: a fifth more CPU, 5 s of it
   * in the kernel), so BLAS runs on the calling thread. */
  openblas_set_num_threads(1);
  if (argc < 2) {
    print_help(stderr);
    return CC_EXIT_USAGE;
  }
  const char *verb = argv[1];
  if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 || strcmp(verb, "help") == 0) {
    print_help(stdout);
    return CC_EXIT_OK;
  }
  if (strcmp(verb, "--version") == 0 || strcmp(verb, "-V") == 0) {
    printf("carecast %s\n", CC_VERSION_STRING);
    return CC_EXIT_OK;
  }
  for (const cc_verb *v = cc_verbs; v->name; v++)
    if (strcmp(v->name, verb) == 0) return v->run(argc - 1, argv + 1);
  fprintf(stderr, "carecast: '%s' is not a verb; see carecast --help\n", verb);
  return CC_EXIT_USAGE;
}
