/* verbs.c: the table of verbs and their help texts. */
#include "cli.h"

const cc_verb cc_verbs[] = {
    {"demo", "run the pipeline on the embedded default data",
     "usage: carecast demo [--out DIR] [--data DIR]\n\n"
     "Runs the pipeline on the embedded default data (two councils, 2014-04 to 2025-03):\n"
     "ingests every source in DATA/sources into DIR/store.h5 and lists the series.\n\n"
     "  --out DIR    where to write (default: carecast-demo)\n"
     "  --data DIR   the data folder (default: $CARECAST_DATA, else the project's data/)\n",
     cc_cmd_demo},
    {"ingest", "validate source CSVs and add them to a store",
     "usage: carecast ingest --store STORE [--dry-run] FILE.csv [FILE.csv ...]\n\n"
     "Reads each long-format CSV (geography_code,period,measure,age_band,value[,flag])\n"
     "with the YAML manifest beside it (FILE.yaml), checks every row, and adds the\n"
     "sources to STORE (an HDF5 file, created when absent). If any file has an error,\n"
     "every error is printed as FILE:LINE: field: reason and nothing is written.\n"
     "A file already stored byte for byte is left alone; a new version of a source\n"
     "replaces its observations and is recorded in the source's history.\n"
     "The format is described in docs/sources.md.\n\n"
     "  --store STORE  the store to write\n"
     "  --dry-run      validate only; do not touch the store\n",
     cc_cmd_ingest},
    {"list", "list the series in a store",
     "usage: carecast list --store STORE [--measure M] [--geography G] [--csv]\n\n"
     "Lists the series with frequency, span, counts of missing and suppressed\n"
     "values, and sources.\n\n"
     "  --store STORE    the store to read\n"
     "  --measure M      only series of measure M\n"
     "  --geography G    only series of geography G (code or area name)\n"
     "  --csv            write CSV instead of a table\n",
     cc_cmd_list},
    {"show", "print one series' observations as CSV",
     "usage: carecast show --store STORE SERIES_ID\n\n"
     "Prints period,value,upper_bound,flags for every period of the series.\n"
     "SERIES_ID is measure/geography/age_band, e.g. cs_referrals/E08000019/0-17.\n"
     "flags: observed, suppressed (value hidden, at most upper_bound), missing,\n"
     "imputed, outlier, break, provisional, joined by '+'.\n\n"
     "  --store STORE  the store to read\n",
     cc_cmd_show},
    {NULL, NULL, NULL, NULL},
};
