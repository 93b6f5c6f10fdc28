/* verbs.c: the table of verbs and their help texts. */
#include "cli.h"

const cc_verb cc_verbs[] = {
    {"backtest", "rolling-origin evaluation of a model on each series",
     "usage: carecast backtest --store STORE --horizon H --origins K [--series GLOB]\n"
     "                         [--model MODEL] [--level 80,95] [--out FILE.csv] [--jobs N]\n\n"
     "Refits the model at K forecast origins (the last leaving exactly H observations after\n"
     "it, the others one period earlier each) and scores each H-step forecast against what\n"
     "followed: MAE, RMSE, MASE (scaled by the in-sample seasonal naive error of each origin's\n"
     "own training data), sMAPE (percent), coverage of each interval level, mean pinball\n"
     "loss. One row per series and a last row ALL (the mean over series). The store is not\n"
     "changed. MODEL as for carecast fit.\n",
     cc_cmd_backtest},
    {"demo", "run the pipeline on the embedded default data",
     "usage: carecast demo [--out DIR] [--data DIR]\n\n"
     "Runs the pipeline on the embedded default data (two councils, 2014-04 to 2025-03):\n"
     "ingests every source in DATA/sources into DIR/store.h5, links them into the panel\n"
     "(carecast link, with the lookups in DATA/lookups), lists the series, fits the\n"
     "automatic model to each and forecasts three years ahead (DIR/forecasts.csv).\n\n"
     "  --out DIR    where to write (default: carecast-demo)\n"
     "  --data DIR   the data folder (default: $CARECAST_DATA, else the project's data/)\n",
     cc_cmd_demo},
    {"effect", "estimate the effect of a change introduced at a period",
     "usage: carecast effect --store STORE --series ID --at PERIOD [--ramp MONTHS]\n"
     "                       [--control SERIES_ID] [--out FILE.csv]\n\n"
     "Estimates the effect of a change introduced at PERIOD (e.g. a new service) on the\n"
     "series ID, two ways: a segmented regression with ARIMA errors (a level change, a\n"
     "step at PERIOD or a ramp reaching full size after MONTHS, and a slope change; the\n"
     "error orders chosen automatically, non-seasonally for now) with 95% intervals; and\n"
     "the counterfactual, an automatic ARIMA fitted before PERIOD and forecast over the\n"
     "periods from it, with the cumulative and relative difference of what was observed\n"
     "(intervals from its sample paths). Writes name,estimate,lo95,hi95,unit (to FILE or\n"
     "standard output), stores the run under /effects/<run_id>/ and prints one line\n"
     "on the relative difference. At least 12 observed values before PERIOD and 3 from it\n"
     "are needed.\n\n"
     "  --ramp MONTHS        the change builds up over MONTHS (a whole number of periods)\n"
     "  --control SERIES_ID  a series the change did not affect, as a regressor in both\n"
     "                       estimates; it must have values over every period from PERIOD\n",
     cc_cmd_effect},
    {"fit", "fit a forecasting model to each series",
     "usage: carecast fit --store STORE [--series GLOB] [--model MODEL] [--lambda auto|L [--biasadj]]\n"
     "                    [--xreg SERIES_ID[,SERIES_ID...]] [--jobs N]\n\n"
     "Fits a model to every series (or those whose id matches GLOB, e.g. 'cs_*/E08000019/*')\n"
     "and stores them as a new run under /models/<run_id>/. Suppressed values count as missing.\n\n"
     "  --model MODEL  auto (default: SBA for intermittent counts, else the exponential\n"
     "                 smoothing model with the lowest AICc, or naive when the series is too\n"
     "                 short for one), ets, ets:MAdM (any error A|M, trend N|A|Ad, season\n"
     "                 N|A|M), theta, naive, snaive, drift, mean, naive2, croston, sba, tsb\n"
     "                 (croston/sba/tsb take :alpha=V, :beta=V for tsb, or :optimal)\n"
     "  --lambda L     fit on the Box-Cox transformed series (auto: Guerrero's lambda per\n"
     "                 series; exponential smoothing is then additive only, as forecast::ets);\n"
     "                 forecasts are transformed back\n"
     "  --biasadj      back-transformed forecasts are means rather than medians\n"
     "  --xreg IDS     regression with ARIMA errors on other series of the store (comma-\n"
     "                 separated ids, aligned on period): needs --model arima:ORDERS or auto\n"
     "                 (automatic orders, non-seasonal series only for now); carecast forecast\n"
     "                 then takes their future values from the newest forecast that has them\n"
     "  --jobs N       threads (default: every core); results do not depend on N\n",
     cc_cmd_fit},
    {"forecast", "forecast every fitted series with intervals and sample paths",
     "usage: carecast forecast --store STORE --horizon H [--level 80,95] [--out FILE.csv]\n"
     "                         [--run RUN_ID] [--paths N] [--seed S] [--jobs N]\n\n"
     "Forecasts the models of a fit run (the newest unless --run) H periods ahead (or Hy:\n"
     "H years of each series' own periods) and stores means, interval bounds and sample\n"
     "paths under /forecasts/<run_id>/. --out writes series_id,period,h,mean,lo80,hi80,\n"
     "lo95,hi95,model. Counts are never forecast below zero.\n\n"
     "  --level L,L    interval levels in percent (default 80,95)\n"
     "  --paths N      sample paths kept per series for scenarios (default 1000)\n"
     "  --seed S       seed of the random streams (default 20250401)\n"
     "  --jobs N       threads (default: every core); results do not depend on N\n",
     cc_cmd_forecast},
    {"import", "convert a publisher's table (DfE EES or SFR, ONS SNPP) into a source",
     "usage: carecast import --format FORMAT [--out DIR] [options] FILE\n\n"
     "Reads a publisher's own table and writes a carecast source: DIR/ID.csv (geography_code,\n"
     "period,measure,age_band,value) and DIR/ID.yaml (publisher, title, release, URL, licence,\n"
     "the original file's name and SHA-256, the publisher's area names, the measures), then\n"
     "reads it back as carecast ingest would. Suppression symbols become suppressed, missing\n"
     "or left-out values as docs/import.md describes (dfe-ees: c suppressed at most 5, k\n"
     "below half a unit, x and u missing, z left out; dfe-sfr: x suppressed, .. missing).\n"
     "Bad cells are reported as FILE:LINE: column: reason.\n\n"
     "  --format FORMAT        dfe-ees, dfe-sfr or ons-snpp (listed below)\n"
     "  --out DIR              where to write (default: the current directory)\n"
     "  --source-id ID         the source's id (default: the file's name, e.g. b1_children_in_need)\n"
     "  --measure-prefix P     put before every measure name (dfe-ees, dfe-sfr default: dfe_)\n"
     "  --measure NAME         ons-snpp: the measure (default: ons_snpp_population)\n"
     "  --age-band BAND        age band of values not broken down by age (default: all)\n"
     "  --age-column COLUMN    dfe-ees: a filter column of ages ('1 to 4 years') read as age bands\n"
     "  --age-bands B,B,...    ons-snpp: sum single years into these bands (e.g. 0-17,18-64,65+,all)\n"
     "  --indicators C,C,...   dfe-ees: the measure columns (default: every all-numeric column)\n"
     "  --level L,L,...        dfe-ees, dfe-sfr: geographic levels kept (default: every level;\n"
     "                         dfe-ees: National, Regional, Local authority, Local authority\n"
     "                         district; dfe-sfr: NATIONAL, REGION, LA)\n"
     "  --filter COLUMN=VALUE  keep only rows with VALUE in COLUMN (repeatable); a filter column\n"
     "                         left with several values names one measure per value\n"
     "  --rename TEXT=NAME     a column or filter value TEXT is NAME in measure names (repeatable)\n"
     "  --kind NAME=KIND       measure or column NAME is flow, stock, rate or amount (repeatable;\n"
     "                         default: guessed from the name)\n"
     "  --reporting-year Y     dfe-ees 'Reporting year': financial (year ending 31 March, the\n"
     "                         default: 2025 = 2024/25) or calendar\n"
     "  --refreshed DATE       the date of the extract (default: today)\n"
     "  --title T, --release R, --url U   provenance for the manifest\n"
     "  --suppression-max N    upper bound of a suppressed cell (default: the publisher's rule)\n",
     cc_cmd_import},
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
    {"link", "link the store's series into one panel (GSS codes, common age bands, frequencies)",
     "usage: carecast link --store STORE [--lookups DIR | --data DIR] [--disaggregate M[,M...]|all]\n"
     "                     [--strict]\n\n"
     "Links every series of STORE into the panel (/panel/<frequency>/<series_id>, see\n"
     "docs/store.md): places named by area names, legacy codes (DfE \"373\", ONS \"00CG\") or\n"
     "replaced GSS codes are matched to current GSS codes through the lookups (exact, then\n"
     "normalised names, then Jaro-Winkler with the score printed; an ambiguous or unknown\n"
     "place, or an area since merged or split, is named, never guessed); age bands are\n"
     "mapped to 0-17, 18-64 and 65+ (\"all\" is kept), splitting a band that straddles two\n"
     "in proportion to the place's population that year; months are added up to quarters,\n"
     "financial years and years, quarters to financial years and years. Prints what it\n"
     "matched, split, combined and aggregated, and what it could not link. Running it again\n"
     "on the same store changes nothing.\n\n"
     "  --lookups DIR       the geography lookups (default: DATA/lookups)\n"
     "  --data DIR          the data folder (default: $CARECAST_DATA, else the project's data/)\n"
     "  --disaggregate M    also spread these quarterly or annual measures over months\n"
     "                      (Denton's proportional method, flagged imputed); all for every one\n"
     "  --strict            exit 1 when any series could not be linked (the panel of what\n"
     "                      could be linked is still written)\n",
     cc_cmd_link},
    {"link-records", "link two pseudonymised person-level extracts (Fellegi-Sunter, EM)",
     "usage: carecast link-records --key KEYFILE --out LINKED.csv [--target-fmr R] A.csv B.csv\n"
     "                             [--aggregate within=DAYS --store STORE --measure NAME\n"
     "                              [--source-id ID] [--dsa REF]]\n\n"
     "Links the records of two person-level extracts (for example emergency discharges, A,\n"
     "and starts of long-term care, B; columns in docs/records.md) that belong to the same\n"
     "person. Record ids and NHS numbers are replaced on read by HMAC-SHA256 pseudonyms\n"
     "under the key in KEYFILE (at least 32 bytes; read, never stored or written); raw\n"
     "identifiers, dates of birth and postcodes never reach any output or the store.\n"
     "Candidate pairs share the pseudonymised NHS number, the date of birth (day and month\n"
     "either way round), or year and month, or day and month of birth with sex and district.\n"
     "Each pair is compared on NHS number, date of birth (exact, partial, year within one),\n"
     "sex and postcode (same pseudonymised postcode, same district, district one edit away);\n"
     "Fellegi-Sunter m and u probabilities are estimated by EM over all pairs (those not\n"
     "blocked from a seeded sample); pairs are assigned one to one by weight; the links are\n"
     "the assigned pairs at or above the lowest weight at which the estimated false-match\n"
     "rate among accepted links (the mean of 1 - match probability) is at most R.\n"
     "LINKED.csv: a_pseudonym,b_pseudonym,weight,match_probability, the agreement level\n"
     "of each field, days_a_to_b. Progress and the estimated model go to stderr.\n\n"
     "  --key KEYFILE        the pseudonymisation key (the same for both extracts)\n"
     "  --out LINKED.csv     the links (written whole or not at all)\n"
     "  --target-fmr R       target false-match rate among links (default 0.01)\n"
     "  --aggregate within=DAYS\n"
     "                       count, per month of B's event, B's geography and age band,\n"
     "                       the B records linked to an A record 0 to DAYS days before\n"
     "                       (91 is a quarter), and add them to STORE as measure NAME\n"
     "                       (series NAME/GEOGRAPHY/AGE_BAND) from a new source ID\n"
     "                       (default linked_NAME) whose manifest records the files,\n"
     "                       their SHA-256 and the threshold; atomic like ingest\n"
     "  --dsa REF            the data sharing agreement the extracts came under\n",
     cc_cmd_link_records},
    {"list", "list the series in a store",
     "usage: carecast list --store STORE [--measure M] [--geography G] [--csv]\n\n"
     "Lists the series with frequency, span, counts of missing and suppressed\n"
     "values, and sources.\n\n"
     "  --store STORE    the store to read\n"
     "  --measure M      only series of measure M\n"
     "  --geography G    only series of geography G (code or area name)\n"
     "  --csv            write CSV instead of a table\n",
     cc_cmd_list},
    {"models", "list the fitted models of a run",
     "usage: carecast models --store STORE [--run RUN_ID] [--out FILE.csv]\n\n"
     "Lists series_id,model,parameters,loglik,aicc,ljung_box_p for the newest fit run\n"
     "(or RUN_ID); a parameter's standard error follows it where the model has one. ljung_box_p tests the residuals for autocorrelation (lags as\n"
     "forecast::checkresiduals); a small value says the model missed structure.\n",
     cc_cmd_models},
    {"quality", "report and handle the data quality of each series",
     "usage: carecast quality --store STORE [--out FILE.csv] [--series GLOB] [--impute]\n"
     "                        [--replace-outliers] [--breaks step|shorten]\n\n"
     "Reports per series: n, missing values, runs of missing values and the longest,\n"
     "suppressed cells, outliers (as forecast::tsoutliers: robust STL and super-smoother\n"
     "residuals beyond 3 interquartile ranges), zeros where counts were expected, a break\n"
     "in level or slope (sup-F test, reported when p < 0.001) and a score from 0 to 100;\n"
     "then a row ALL. CSV to standard output, or to FILE.csv with --out.\n"
     "With a handling option the handled series replace the stored ones in one atomic\n"
     "write; each series as ingested is kept under /original/ and is what every later run\n"
     "assesses and handles (docs/store.md). Outliers are always flagged.\n\n"
     "  --impute            fill missing and suppressed values by Kalman smoothing of a\n"
     "                      structural model (suppressed ones within [0, bound]), flagged imputed\n"
     "  --replace-outliers  replace outliers by interpolation, flagged imputed\n"
     "  --breaks step       flag the break; fitting then removes the step, estimated by\n"
     "                      least squares, from the values before it\n"
     "  --breaks shorten    keep only the part of the series from the break on\n"
     "  --series GLOB       only the series whose id matches GLOB\n",
     cc_cmd_quality},
    {"show", "print one series' observations as CSV",
     "usage: carecast show --store STORE [--panel FREQUENCY] SERIES_ID\n\n"
     "Prints period,value,upper_bound,flags for every period of the series.\n"
     "SERIES_ID is measure/geography/age_band, e.g. cs_referrals/E08000019/0-17.\n"
     "flags: observed, suppressed (value hidden, at most upper_bound), missing,\n"
     "imputed, outlier, break, provisional, joined by '+'.\n\n"
     "  --store STORE  the store to read\n"
     "  --panel FREQ   the linked panel's series at FREQ (month, quarter, financial_year,\n"
     "                 year; see carecast link) instead of the stored series\n",
     cc_cmd_show},
    {NULL, NULL, NULL, NULL},
};
