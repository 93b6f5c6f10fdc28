/* cmd_show.c: carecast show. A series' observations and flags as CSV. */
#include <getopt.h>
#include <math.h>
#include <string.h>

#include "cli.h"

static const struct {
  unsigned flag;
  const char *name;
} flag_names[] = {{CC_OBS_OBSERVED, "observed"}, {CC_OBS_SUPPRESSED, "suppressed"}, {CC_OBS_IMPUTED, "imputed"},
                  {CC_OBS_OUTLIER, "outlier"},   {CC_OBS_BREAK, "break"},           {CC_OBS_PROVISIONAL, "provisional"}};

static void print_flags(FILE *out, unsigned flags, int has_value) {
  int printed = 0;
  if (!has_value && !(flags & CC_OBS_SUPPRESSED)) fputs("missing", out), printed = 1;
  for (size_t k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
    if (flags & flag_names[k].flag) fprintf(out, "%s%s", printed++ ? "+" : "", flag_names[k].name);
}

int cc_cmd_show(int argc, char **argv) {
  static const struct option options[] = {
      {"store", required_argument, NULL, 's'}, {"panel", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, {0}};
  const char *store_path = NULL, *panel_freq = NULL;
  int opt;
  opterr = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "+s:h", options, NULL)) != -1) {
    switch (opt) {
    case 's': store_path = optarg; break;
    case 'p': panel_freq = optarg; break;
    case 'h': cc_cli_print_usage("show", stdout); return CC_EXIT_OK;
    default: return cc_cli_usage_error("show", "unknown option or missing value: %s", argv[optind - 1]);
    }
  }
  if (!store_path) return cc_cli_usage_error("show", "--store is required");
  if (optind != argc - 1) return cc_cli_usage_error("show", "name exactly one SERIES_ID");
  cc_error err;
  cc_error_clear(&err);
  cc_store *store = NULL;
  cc_series *s = NULL;
  cc_status status = cc_store_open(store_path, CC_STORE_READ, NULL, &store, &err);
  cc_freq freq;
  if (!status && panel_freq) status = cc_freq_parse(panel_freq, &freq, &err);
  char key[CC_SERIES_ID_MAX + 32];
  if (panel_freq) snprintf(key, sizeof key, "%s/%s", panel_freq, argv[optind]);
  if (!status) status = panel_freq ? cc_store_panel_read(store, key, &s, &err) : cc_store_series_read(store, argv[optind], &s, &err);
  cc_store_close(store);
  if (status) return cc_cli_report(&err);
  printf("period,value,upper_bound,flags\n");
  for (size_t i = 0; i < s->n; i++) {
    char period[CC_PERIOD_TEXT_MAX];
    printf("%s,", cc_period_format(cc_series_period(s, i), period, sizeof period));
    if (!isnan(s->values[i])) printf("%.15g", s->values[i]);
    putchar(',');
    if (!isnan(s->bounds[i])) printf("%.15g", s->bounds[i]);
    putchar(',');
    print_flags(stdout, s->flags[i], !isnan(s->values[i]));
    putchar('\n');
  }
  cc_series_free(s);
  return CC_EXIT_OK;
}
