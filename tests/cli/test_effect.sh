# test_effect.sh: regression with ARIMA errors (fit --xreg, forecast with the
# regressors' future values, standard errors in models) and carecast effect,
# on the embedded data built by carecast demo; and the mistakes a user can make.
. "$(dirname "$0")/lib.sh"
expect_exit 0 "$CARECAST" demo --out "$WORK/demo" --data "$PROJECT/data"
STORE="$WORK/demo/store.h5"
REQUESTS='asc_requests/E08000019/65+'
ADMISSIONS='nhs_emergency_admissions/E08000019/65+'

# Social care requests on NHS emergency admissions 65+ (the leading indicator).
expect_exit 0 "$CARECAST" fit --store "$STORE" --series "$REQUESTS" --model arima:1,0,0:0,1,1 --xreg "$ADMISSIONS"
expect_grep "$WORK/out" "1 series fitted with --model arima:1,0,0:0,1,1 --xreg $ADMISSIONS"
expect_exit 0 "$CARECAST" models --store "$STORE"
expect_grep "$WORK/out" "ARIMA(1,0,0)(0,1,1)[12]+xreg"
expect_grep "$WORK/out" ";$ADMISSIONS="
expect_grep "$WORK/out" "ar1="
expect_grep "$WORK/out" " (s.e. "
# The demo forecast admissions 5 years ahead (as the indicator of models/asc_older_people_led.yaml,
# at the demand models' horizon): 12 months are covered, 6 years are not.
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 12 --out "$WORK/f.csv"
expect_grep "$WORK/f.csv" "$REQUESTS,2025-04,1,"
expect_grep "$WORK/f.csv" "$REQUESTS,2026-03,12,"
expect_exit 1 "$CARECAST" forecast --store "$STORE" --horizon 6y
expect_grep "$WORK/err" "needs its regressor $ADMISSIONS from 2025-04 to 2031-03"
expect_grep "$WORK/err" "covers only 60 of those 72 periods"
# A regressor with no forecast at all is named (a fresh store has none).
FRESH="$WORK/fresh.h5"
expect_exit 0 "$CARECAST" ingest --store "$FRESH" "$PROJECT"/data/sources/*.csv
expect_exit 0 "$CARECAST" fit --store "$FRESH" --series "$REQUESTS" --model arima:1,0,0 --xreg "$ADMISSIONS"
expect_exit 1 "$CARECAST" forecast --store "$FRESH" --horizon 6
expect_grep "$WORK/err" "$REQUESTS needs the future values of its regressor $ADMISSIONS: no forecast of it in the store"
# Regressors of another frequency skip the series; unknown ones and other families are refused.
expect_exit 0 "$CARECAST" fit --store "$STORE" --series "$REQUESTS" --model arima:1,0,0 --xreg 'nhs_delayed_discharges/E08000019/65+'
expect_grep "$WORK/err" "frequency differs"
expect_exit 1 "$CARECAST" fit --store "$STORE" --series "$REQUESTS" --model arima:1,0,0 --xreg 'no_such/E0/all'
expect_grep "$WORK/err" "no series 'no_such/E0/all'"
expect_exit 2 "$CARECAST" fit --store "$STORE" --series "$REQUESTS" --model ets --xreg "$ADMISSIONS"

# The effect of a change in 2019-04, a step and a ramp with a control.
expect_exit 0 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2019-04 --out "$WORK/e.csv"
expect_grep "$WORK/e.csv" "name,estimate,lo95,hi95,unit"
for name in level_change slope_change observed_total counterfactual_total cumulative_difference relative_difference; do
  expect_grep "$WORK/e.csv" "$name,"
done
expect_grep "$WORK/e.csv" ",requests per month"
expect_grep "$WORK/out" "the counterfactual in the 72 months from 2019-04"
expect_grep "$WORK/out" "asc_requests were "
expect_grep "$WORK/out" "stored under /effects/"
checks=$((checks + 1))
awk -F, 'NR > 1 && !($3 <= $2 && $2 <= $4) { print; bad = 1 } END { exit bad }' "$WORK/e.csv" \
  || fail "an estimate lies outside its interval"
expect_exit 0 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2019-04 --ramp 6 --control "$ADMISSIONS"
expect_grep "$WORK/out" "level_change,"

# Mistakes: unknown series, a period outside or too near an end, a control that does not fit.
expect_exit 1 "$CARECAST" effect --store "$STORE" --series 'no_such/E0/all' --at 2019-04
expect_grep "$WORK/err" "no series 'no_such/E0/all'"
expect_exit 1 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2030-01
expect_grep "$WORK/err" "is outside $REQUESTS (2014-04 to 2025-03)"
expect_exit 1 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2014-09
expect_grep "$WORK/err" "at least 12"
expect_exit 1 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2025-02
expect_grep "$WORK/err" "at least 3"
expect_exit 1 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2019-Q2
expect_exit 1 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2019-04 --control 'population/E08000019/65+'
expect_grep "$WORK/err" "control series population/E08000019/65+ is year"
expect_exit 2 "$CARECAST" effect --store "$STORE" --series "$REQUESTS"
expect_exit 2 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at 2019-04 --ramp 0
expect_exit 2 "$CARECAST" effect --store "$STORE" --series "$REQUESTS" --at April
expect_exit 0 "$CARECAST" effect --help
expect_grep "$WORK/out" "usage: carecast effect"
finish
