/* registry.c: the table of model families. The command line, the
 * backtester and the store know families only through this table. */
#include <string.h>

#include "carecast/model.h"
#include "carecast/models.h"

const cc_model_type *const cc_model_types[] = {
    &cc_model_ets, &cc_model_theta, &cc_model_naive, &cc_model_snaive, &cc_model_drift, &cc_model_mean, &cc_model_naive2,
    &cc_model_croston, &cc_model_sba, &cc_model_tsb, &cc_model_arima, &cc_model_combo,
    NULL,
};

const cc_model_type *cc_model_type_find(const char *name) {
  for (const cc_model_type *const *t = cc_model_types; *t; t++)
    if (strcmp((*t)->name, name) == 0) return *t;
  return NULL;
}
