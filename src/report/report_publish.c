/* report_publish.c: the one place where a count the report publishes
 * passes disclosure control (report.h). The statistical disclosure control
 * module plugs in as a cc_disclosure hook; this file never decides what to
 * suppress itself. */
#include <math.h>

#include "carecast/report.h"

static double publish_as_is(void *context, const cc_published_count *count) {
  (void)context;
  return count->value;
}

void cc_disclosure_none(cc_disclosure *d) {
  d->name = "none: every count is shown as computed (internal use)";
  d->apply = publish_as_is;
  d->context = NULL;
  d->suppressed_text = "[c]";
}

double cc_report_publish_count(const cc_disclosure *d, const cc_published_count *count) {
  if (isnan(count->value) || !d || !d->apply) return count->value;
  return d->apply(d->context, count);
}
