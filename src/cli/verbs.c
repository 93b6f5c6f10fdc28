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
     "ingests every source in DATA/sources into DIR/store.h5, lists the series, fits the\n"
     "automatic model to each and forecasts three years ahead (DIR/forecasts.csv).\n\n"
     "  --out DIR    where to write (default: carecast-demo)\n"
     "  --data DIR   the data folder (default: $CARECAST_DATA, else the project's data/)\n",
     cc_cmd_demo},
    {"fit", "fit a forecasting model to each series",
     "usage: carecast fit --store STORE [--series GLOB] [--model MODEL] [--lambda auto|L [--biasadj]]\n"
     "                    [--jobs N]\n\n"
     "Fits a model to every series (or those whose id matches GLOB, e.g. 'cs_*/E08000019/*')\n"
     "and stores them as a new run under /models/<run_id>/. Suppressed values count as missing.\n\n"
     "  --model MODEL  auto (default: SBA for intermittent counts, else combo when ETS and\n"
     "                 another of its models fit, else the exponential smoothing model with\n"
     "                 the lowest AICc, or naive when the series is too short for one), ets,\n"
     "                 ets:MAdM (any error A|M, trend N|A|Ad, season N|A|M), theta, naive,\n"
     "                 snaive, drift, mean, naive2, croston, sba, tsb (croston/sba/tsb take\n"
     "                 :alpha=V, :beta=V for tsb, or :optimal), arima (automatic orders,\n"
     "                 non-seasonal series for now), arima:p,d,q[:P,D,Q][:mean|:drift],\n"
     "                 combo (the mean of automatic ETS, ARIMA and Theta, those that fit;\n"
     "                 intervals from the components' simulated paths)\n"
     "  --lambda L     fit on the Box-Cox transformed series (auto: Guerrero's lambda per\n"
     "                 series; exponential smoothing is then additive only, as forecast::ets);\n"
     "                 forecasts are transformed back\n"
     "  --biasadj      back-transformed forecasts are means rather than medians\n"
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
    {"models", "list the fitted models of a run",
     "usage: carecast models --store STORE [--run RUN_ID] [--out FILE.csv]\n\n"
     "Lists series_id,model,parameters,loglik,aicc,ljung_box_p for the newest fit run\n"
     "(or RUN_ID); a combination's parameters are the models it combines.\n"
     "ljung_box_p tests the residuals for autocorrelation (lags as\n"
     "forecast::checkresiduals); a small value says the model missed structure.\n",
     cc_cmd_models},
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
