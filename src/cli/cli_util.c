/* cli_util.c: what the verbs share: error reports, usage errors, store
 * options, timestamps and the data folder. */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cc_cli_report(const cc_error *err) {
  char text[CC_ERROR_FILE_MAX + CC_ERROR_FIELD_MAX + CC_ERROR_MESSAGE_MAX + 32];
  fprintf(stderr, "carecast: %s\n", cc_error_format(err, text, sizeof text));
  return cc_status_exit_code(err->status);
}

int cc_cli_report_unwritten(const cc_error *err, const char *store_path) {
  int code = cc_cli_report(err);
  fprintf(stderr, "carecast: nothing was written to %s\n", store_path);
  return code;
}

void cc_cli_run_stamp(char *buf, size_t len) {
  char now[32];
  cc_cli_timestamp(now, sizeof now);
  size_t k = 0;
  for (const char *p = now; *p && k + 1 < len; p++)
    if (*p != '-' && *p != ':') buf[k++] = *p;
  buf[k] = '\0';
}

void cc_cli_print_usage(const char *verb, FILE *out) {
  for (const cc_verb *v = cc_verbs; v->name; v++)
    if (strcmp(v->name, verb) == 0) fputs(v->usage, out);
}

int cc_cli_usage_error(const char *verb, const char *format, ...) {
  va_list args;
  fprintf(stderr, "carecast %s: ", verb);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fprintf(stderr, "\n\n");
  cc_cli_print_usage(verb, stderr);
  return CC_EXIT_USAGE;
}

/* The fault hook's state: which stage, and after how many arrivals. */
typedef struct fault_plan {
  char stage[64];
  long remaining;
} fault_plan;

static void kill_at_stage(void *context, const char *stage) {
  fault_plan *plan = context;
  if (strcmp(plan->stage, stage) == 0 && --plan->remaining <= 0) raise(SIGKILL);
}

cc_store_options cc_cli_store_options(void) {
  /* One plan per process: the hook exists for the kill tests and is off unless the variable is set. */
  static fault_plan plan;
  cc_store_options options = {0};
  const char *spec = getenv("CARECAST_FAULT_KILL_AT");
  if (!spec || !*spec) return options;
  snprintf(plan.stage, sizeof plan.stage, "%s", spec);
  char *colon = strchr(plan.stage, ':');
  plan.remaining = 1;
  if (colon) {
    *colon = '\0';
    plan.remaining = strtol(colon + 1, NULL, 10);
  }
  options.checkpoint = kill_at_stage;
  options.checkpoint_context = &plan;
  return options;
}

void cc_cli_timestamp(char *buf, size_t len) {
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  time_t now = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
  struct tm utc;
  gmtime_r(&now, &utc);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

const char *cc_cli_data_dir(const char *option) {
  if (option && *option) return option;
  const char *env = getenv("CARECAST_DATA");
  if (env && *env) return env;
  return CC_DEFAULT_DATA_DIR;
}

const char *cc_cli_models_dir(const char *option) {
  if (option && *option) return option;
  const char *env = getenv("CARECAST_MODELS");
  if (env && *env) return env;
  return CC_DEFAULT_MODELS_DIR;
}

const char *cc_cli_scenarios_dir(const char *option) {
  if (option && *option) return option;
  const char *env = getenv("CARECAST_SCENARIOS");
  if (env && *env) return env;
  return CC_DEFAULT_SCENARIOS_DIR;
}
