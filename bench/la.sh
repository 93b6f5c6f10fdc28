#!/usr/bin/env bash
# la.sh: which method forecasts council demand best? A backtest on the real
# DfE series of every English local authority.
#
# For each council and measure (children in need at 31 March, referrals,
# child protection plans at 31 March and starting, children looked after at
# 31 March) every method is fitted on the reporting years up to the one
# ending 31 March 2022 (DfE's time_period 2022, carecast's 2021/22) and
# forecasts the three after it (2022/23 to 2024/25, DfE's 2023 to 2025),
# scored by MASE (bench/la_score.c says how). The methods: naive, automatic
# ETS, automatic ARIMA, Theta, the combination when this build has it, and
# the cohort model (rate per child x the ONS child population), with the
# rate held at its last year (cohort) or forecast by automatic ETS
# (cohort_ets). See bench/README.md for what is measured and the caveats.
#
# Everything goes through the carecast command as a user would run it:
# import (the publishers' files), ingest, fit, forecast. Only the scoring
# is a separate program (la_score.c, linked against libcarecast).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
DATA_DIR="$REPO_DIR/../shared/data"
BUILD_DIR="$BENCH_DIR/build"
KEEP_DIR=""
JOBS=2
# The methods, as `carecast fit --model` requests. Adding a family is one word here.
METHODS="naive ets arima theta combo"
LAST_TRAIN="2021/22"  # the last reporting year fitted on (DfE time_period 2022, the year ending 31 March 2022)
HORIZON=3             # years forecast: 2022/23, 2023/24, 2024/25
MIN_TRAIN_VALUES=5    # a council's series enters the cohort model files with at least this many training values

usage() {
  cat <<EOF
usage: bench/la.sh [--data DIR] [--build DIR] [--keep DIR] [--jobs N]
  --data DIR   the shared data folder holding uk/dfe-children-in-need and uk/dfe-children-looked-after
               (default: ../shared/data relative to the repository root; the repository's own
               data folder holds byte copies of the same files: --data data)
  --build DIR  where to build carecast and la_score (default: bench/build)
  --keep DIR   keep the sources, stores, model files and per-series scores in DIR
               (default: a temporary directory, removed)
  --jobs N     threads for carecast fit and forecast (default 2)
EOF
}

fail() { echo "la.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA_DIR=${2:?--data needs a directory}; shift 2 ;;
    --build) BUILD_DIR=${2:?--build needs a directory}; shift 2 ;;
    --keep) KEEP_DIR=${2:?--keep needs a directory}; shift 2 ;;
    --jobs) JOBS=${2:?--jobs needs a number}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || fail "--jobs must be a whole number, not '$JOBS'"

CIN="$DATA_DIR/uk/dfe-children-in-need"
CLA="$DATA_DIR/uk/dfe-children-looked-after"
REQUIRED=(
  "$CIN/b1_children_in_need_2013_to_2025.csv|DfE CIN census table b1 (children in need at 31 March)"
  "$CIN/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv|DfE table c1 (referrals)"
  "$CIN/d3_cpps_subsequent_plan_2013_to_2025.csv|DfE table d3 (child protection plans starting)"
  "$CIN/d5_cpps_at31march_by_duration_2013_to_2025.csv|DfE table d5 (child protection plans at 31 March)"
  "$CIN/ons_mid-year_population_estimates_2012_to_2024.csv|DfE's copy of the ONS mid-year estimates, children 0-17"
  "$CLA/cla_number_and_rate_per_10k_children.csv|DfE children looked after at 31 March, 2021-2025"
  "$CLA/SFR36_CLA2013.csv|DfE SFR36/2013 LA tables (children looked after at 31 March 2013)"
  "$CLA/SFR36_CLA2014.csv|DfE SFR36/2014 LA tables"
  "$CLA/SFR34_CLA2015.csv|DfE SFR34/2015 LA tables"
  "$CLA/SFR41_CLA2016.csv|DfE SFR41/2016 LA tables"
  "$CLA/SFR50_CLA2017.csv|DfE SFR50/2017 LA tables"
)
missing=0
for item in "${REQUIRED[@]}"; do
  file=${item%%|*}
  if [ ! -r "$file" ]; then echo "la.sh: missing $file: ${item#*|}" >&2; missing=1; fi
done
[ $missing -eq 0 ] || fail "the DfE data is missing: pass --data DIR where DIR/uk holds the folders described in
  ../shared/data/uk/README.md (dfe-children-in-need and dfe-children-looked-after, the EES and SFR csv files above;
  the repository's data/uk has byte copies: --data data).
  Nothing was measured."
for tool in cmake cc pkg-config awk; do command -v $tool >/dev/null || fail "$tool is missing (needed to build carecast)"; done

echo "building carecast (Release) in $BUILD_DIR ..." >&2
cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCARECAST_TESTS=OFF >/dev/null ||
  fail "configuring carecast failed (cmake -S $REPO_DIR -B $BUILD_DIR)"
cmake --build "$BUILD_DIR" --target carecast carecast_lib -j 2 >"$BUILD_DIR/la_build.log" 2>&1 ||
  fail "building carecast failed (cmake --build $BUILD_DIR; see $BUILD_DIR/la_build.log)"
CARECAST="$BUILD_DIR/carecast"
LIB=$(find "$BUILD_DIR" -maxdepth 2 -name libcarecast.a | head -n 1)
[ -x "$CARECAST" ] && [ -n "$LIB" ] || fail "carecast or libcarecast.a not found under $BUILD_DIR"
cc -std=c11 -O2 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -I"$REPO_DIR/include" -I"$BUILD_DIR/include" \
  "$BENCH_DIR/la_score.c" "$LIB" $(pkg-config --libs gsl hdf5 yaml-0.1 nettle lapacke openblas) -lcsv -lm \
  -o "$BUILD_DIR/la_score" || fail "compiling bench/la_score.c failed"
SCORE="$BUILD_DIR/la_score"

if [ -n "$KEEP_DIR" ]; then mkdir -p "$KEEP_DIR"; WORK=$KEEP_DIR; else WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
rm -rf "$WORK/imported" "$WORK/full" "$WORK/train" "$WORK/models" "$WORK"/*.h5
mkdir -p "$WORK/imported" "$WORK/full" "$WORK/train" "$WORK/models"

# ---- 1. the publishers' files as carecast sources ----------------------------
echo "importing the DfE files ..." >&2
imp() { "$CARECAST" import --out "$WORK/imported" "$@" >>"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; fail "carecast import $* failed"; }; }
ees() { imp --format dfe-ees --age-band 0-17 --level "Local authority" "$@"; }
ees --source-id dfe_b1 "$CIN/b1_children_in_need_2013_to_2025.csv"
ees --source-id dfe_c1 "$CIN/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
ees --source-id dfe_d3 "$CIN/d3_cpps_subsequent_plan_2013_to_2025.csv"
ees --source-id dfe_d5 "$CIN/d5_cpps_at31march_by_duration_2013_to_2025.csv"
ees --source-id dfe_cla --rename "Children looked after on 31 March each year=at31" \
  --rename "Children starting to be looked after each year=starts" \
  --rename "Children ceasing to be looked after each year=ceased" "$CLA/cla_number_and_rate_per_10k_children.csv"
# time_period is the mid-year here (2024 = mid-2024), not a year ending 31 March
imp --format dfe-ees --reporting-year calendar --age-column age_group --level "Local authority" \
  --source-id dfe_population --measure-prefix dfe_ons_ "$CIN/ons_mid-year_population_estimates_2012_to_2024.csv"
for f in "$CLA"/SFR36_CLA2013.csv "$CLA"/SFR36_CLA2014.csv "$CLA"/SFR34_CLA2015.csv "$CLA"/SFR41_CLA2016.csv "$CLA"/SFR50_CLA2017.csv; do
  imp --format dfe-sfr --age-band 0-17 --level LA "$f"
done

# ---- 2. one benchmark source, whole and cut at the last training year -------
# The measures compared, each from one imported measure (children looked after
# joins the SFR files, 2012/13-2016/17, and the EES table, 2020/21-2024/25; the
# shared data has no local figures for the three years between). Population:
# the mid-year estimates, and the same with mid-2025 held at mid-2024 as the
# "projection", so that 2024/25 (April 2024 to March 2025) has a population.
cat "$WORK"/imported/*.csv | awk -F, -v OFS=, -v last="$LAST_TRAIN" -v full="$WORK/full/la_bench.csv" -v train="$WORK/train/la_bench.csv" '
  BEGIN {
    rename["dfe_at31_episodes"] = "lab_cin"; rename["dfe_referral_count"] = "lab_referrals"
    rename["dfe_cpp_at31"] = "lab_cpp"; rename["dfe_cpp_start"] = "lab_cpp_starts"
    rename["dfe_cla_mar"] = "lab_cla"; rename["dfe_children_count_at31"] = "lab_cla"
    rename["dfe_ons_population_estimate"] = "ons_population"
    header = "geography_code,period,measure,age_band,value"; print header > full; print header > train
  }
  $1 == "geography_code" || !($3 in rename) { next }
  {
    $3 = rename[$3]; print > full
    if ($3 == "ons_population") {
      print > train; p = $0; sub(/,ons_population,/, ",ons_population_foresight,", p); print p > full; print p > train
      if ($2 == "2024") { sub(/,2024,/, ",2025,", p); print p > full; print p > train }
    } else if ($2 <= last) print > train
  }'
manifest() { # DIR WHAT
  cat >"$1/la_bench.yaml" <<EOF
source_id: la_bench
organisation: government
organisation_name: "Department for Education"
data_sharing_agreement: "none (open data)"
licence: OGL-3.0
refreshed: $(date +%Y-%m-%d)
attribution: "Contains public sector information licensed under the Open Government Licence v3.0."
description: "bench/la.sh: $2 Made by carecast import from DfE tables b1, c1, d3, d5, cla_number_and_rate_per_10k_children, SFR36/2013, SFR36/2014, SFR34/2015, SFR41/2016, SFR50/2017 and DfE's copy of the ONS mid-year estimates (../shared/data/uk), one measure each, values as imported."
measures:
  lab_cin: {frequency: financial_year, kind: stock, unit: episodes, description: "children in need at 31 March (b1 At31_episodes)"}
  lab_referrals: {frequency: financial_year, kind: flow, unit: referrals, description: "referrals in the year (c1 referral_count)"}
  lab_cpp: {frequency: financial_year, kind: stock, unit: children, description: "children on a child protection plan at 31 March (d5 CPP_At31)"}
  lab_cpp_starts: {frequency: financial_year, kind: flow, unit: plans, description: "child protection plans starting in the year (d3 CPP_start)"}
  lab_cla: {frequency: financial_year, kind: stock, unit: children, description: "children looked after at 31 March (SFR CLA_MarYYYY to 2016/17, EES from 2020/21)"}
  ons_population: {frequency: year, kind: stock, unit: persons, description: "ONS mid-year estimate, children 0-17"}
  ons_population_foresight: {frequency: year, kind: stock, unit: persons, description: "the estimates as a perfect-foresight projection, mid-2025 held at mid-2024"}
EOF
}
manifest "$WORK/full" "every reporting year, 2012/13 to 2024/25."
manifest "$WORK/train" "the reporting years up to $LAST_TRAIN only (population: every year)."
echo "ingesting ..." >&2
"$CARECAST" ingest --store "$WORK/full.h5" "$WORK/full/la_bench.csv" >"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; fail "ingest failed"; }
"$CARECAST" ingest --store "$WORK/train.h5" "$WORK/train/la_bench.csv" >>"$WORK/ingest.log" 2>&1 || { cat "$WORK/ingest.log" >&2; fail "ingest failed"; }

# ---- 3. fit and forecast every method on the training store ------------------
PAIRS=()
NOTES=()
fit_forecast() { # NAME LOG FIT_ARGS...: fit, forecast HORIZON, add NAME=RUN to PAIRS; output in WORK/LOG.log
  local name=$1 log="$WORK/$2.log" run
  shift 2
  if ! "$CARECAST" fit --store "$WORK/train.h5" --jobs "$JOBS" "$@" >"$log" 2>&1; then
    NOTES+=("$name: carecast fit failed: $(tail -n 1 "$log")"); return 0
  fi
  run=$(sed -n 's/^fit: run \([^:]*\):.*/\1/p' "$log" | tail -n 1)
  if ! "$CARECAST" forecast --store "$WORK/train.h5" --run "$run" --horizon "$HORIZON" --jobs "$JOBS" >>"$log" 2>&1; then
    NOTES+=("$name: carecast forecast failed: $(tail -n 1 "$log")"); return 0
  fi
  run=$(sed -n 's/^forecast: run \([^ ]*\) from models.*/\1/p' "$log" | tail -n 1)
  [ -n "$run" ] || { NOTES+=("$name: no forecast run found in $log"); return 0; }
  PAIRS+=("$name=$run")
}
for method in $METHODS; do
  if ! "$SCORE" --has-family "${method%%:*}"; then NOTES+=("$method: not in this build of carecast (skipped)"); continue; fi
  echo "fitting and forecasting $method ..." >&2
  fit_forecast "$method" "$method" --series 'lab_*' --model "$method"
done

# Cohort models: one file per measure listing every council with enough
# training values and a population (a council the model cannot fit would stop the run).
MEASURES="lab_cin lab_referrals lab_cpp lab_cpp_starts lab_cla"
for rate in constant ets; do
  name=$([ $rate = constant ] && echo cohort || echo cohort_$rate)
  for measure in $MEASURES; do
    geos=$(awk -F, -v m="$measure" -v last="$LAST_TRAIN" -v need="$MIN_TRAIN_VALUES" '
      $3 == "ons_population" && $5 ~ /^[0-9.]+$/ { pop[$1]++ }
      $3 == m && $5 ~ /^[0-9.]+$/ { n[$1]++; if ($2 == last) at_last[$1] = 1 }
      END { for (g in n) if (n[g] >= need && at_last[g] && pop[g] >= 13) print g }' "$WORK/train/la_bench.csv" | sort | paste -sd, -)
    cat >"$WORK/models/${name}_$measure.yaml" <<EOF
# Written by bench/la.sh: $measure as a rate per child 0-17 times the ONS mid-year estimates.
type: cohort
name: ${name}_$measure
description: $measure per child times the child population (perfect foresight)
geographies: [$geos]
bands: [0-17]
demand: $measure/{geography}/{band}
population: ons_population/{geography}/{band}
projection: ons_population_foresight/{geography}/{band}
rate_model: $rate
EOF
  done
done
for rate in constant ets; do
  name=$([ $rate = constant ] && echo cohort || echo cohort_$rate)
  echo "fitting and forecasting $name ..." >&2
  runs=()
  for measure in $MEASURES; do
    before=${#PAIRS[@]}
    fit_forecast "$name" "${name}_$measure" --model "cohort:$WORK/models/${name}_$measure.yaml"
    if [ ${#PAIRS[@]} -gt "$before" ]; then runs+=("${PAIRS[-1]#*=}"); unset 'PAIRS[-1]'; fi
  done
  # la_score takes one run per method: score each measure's run under the method's name
  for r in "${runs[@]}"; do PAIRS+=("$name=$r"); done
done

# ---- 4. score -----------------------------------------------------------------
commit=$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)
echo "carecast $commit; fitted on reporting years to $LAST_TRAIN (DfE time_period 2022), forecast 2022/23-2024/25 (2023-2025)"
echo "MASE: mean |actual - forecast| over the 3 years / in-sample MAE of naive on the training years; per measure only the councils every method scored"
for note in "${NOTES[@]+"${NOTES[@]}"}"; do echo "note: $note"; done
"$SCORE" --actual "$WORK/full.h5" --train "$WORK/train.h5" --measures "${MEASURES// /,}" \
  --series-out "$WORK/la_scores.csv" "${PAIRS[@]}"
