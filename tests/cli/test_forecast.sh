# test_forecast.sh: carecast fit, models and forecast on the embedded data:
# results that do not depend on --jobs, counts never forecast below zero,
# the CSV shape, and the errors a user can make.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv

# Fit the children's and police series on one thread and on two.
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_*/E0*' --jobs 1
expect_grep "$WORK/out" "series fitted with --model auto"
run1=$(sed -n 's/^fit: run \([^:]*\):.*/\1/p' "$WORK/out")
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_*/E0*' --jobs 2
run2=$(sed -n 's/^fit: run \([^:]*\):.*/\1/p' "$WORK/out")
checks=$((checks + 1)); [ -n "$run1" ] && [ "$run1" != "$run2" ] || fail "two fits did not make two runs ($run1, $run2)"
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$run1" --out "$WORK/models1.csv"
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$run2" --out "$WORK/models2.csv"
expect_same "$WORK/models1.csv" "$WORK/models2.csv"
expect_grep "$WORK/models1.csv" "series_id,model,parameters,loglik,aicc,ljung_box_p"
expect_grep "$WORK/models1.csv" "cs_referrals/E08000019/0-17,Combo(ETS," # ARIMA joins once it is seasonal

# Forecasts from both runs, one and two threads, same seed: identical.
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$run1" --horizon 24 --jobs 1 --out "$WORK/f1.csv"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$run2" --horizon 24 --jobs 2 --out "$WORK/f2.csv"
expect_same "$WORK/f1.csv" "$WORK/f2.csv"
# A horizon in years is that many years of each series' own periods.
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$run1" --horizon 2y --out "$WORK/f2y.csv"
expect_grep "$WORK/f2y.csv" "cs_referrals/E08000019/0-17,2027-03,24,"
expect_grep "$WORK/f2y.csv" "cs_dfe_cin_at31/E08000019/0-17,2026/27,2,"
expect_grep "$WORK/f1.csv" "series_id,period,h,mean,lo80,hi80,lo95,hi95,model"
expect_grep "$WORK/f1.csv" "cs_referrals/E08000019/0-17,2025-04,1,"
expect_grep "$WORK/f1.csv" "cs_referrals/E08000019/0-17,2027-03,24,"
checks=$((checks + 1))
awk -F, 'NR > 1 { for (i = 4; i <= 8; i++) if ($i + 0 < 0) { print "negative: " $0; bad = 1 } } END { exit bad }' \
  "$WORK/f1.csv" || fail "a count was forecast below zero"
checks=$((checks + 1))
awk -F, 'NR > 1 && !($5 <= $4 && $4 <= $6 && $7 <= $5 && $6 <= $8) { print; bad = 1 } END { exit bad }' \
  "$WORK/f1.csv" || fail "bounds out of order (lo95 <= lo80 <= mean <= hi80 <= hi95)"

# Other levels name their columns.
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 3 --level 50,90 --paths 10 --out "$WORK/f3.csv"
expect_grep "$WORK/f3.csv" "series_id,period,h,mean,lo50,hi50,lo90,hi90,model"

# Each family by name.
for model in ets ets:AAdN theta naive snaive drift mean naive2 croston sba tsb arima:0,1,1:0,1,1 arima:1,1,0:drift arima combo; do
  expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_referrals/E06000012/*' --model "$model"
done
# The last run is the combination (of ETS and Theta on these monthly series until automatic
# ARIMA is seasonal); the models it combines come back from the store and forecast with
# ordered bounds.
expect_exit 0 "$CARECAST" models --store "$STORE"
expect_grep "$WORK/out" "cs_referrals/E06000012/0-17,Combo(ETS,"
expect_grep "$WORK/out" "Theta),\"ETS("
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 12 --out "$WORK/fcombo.csv"
checks=$((checks + 1))
awk -F, 'NR > 1 && !($7 <= $5 && $5 <= $6 && $6 <= $8 && $7 >= 0 && $4 >= 0) { bad++ } END { exit bad > 0 }' "$WORK/fcombo.csv" ||
  fail "combination bounds out of order or negative in $WORK/fcombo.csv"

# Backtests: the CSV's shape, one row per series and ALL, identical on one thread and on two.
expect_exit 0 "$CARECAST" backtest --store "$STORE" --series 'cs_referrals/*' --horizon 6 --origins 4 --jobs 1 --out "$WORK/b1.csv"
expect_exit 0 "$CARECAST" backtest --store "$STORE" --series 'cs_referrals/*' --horizon 6 --origins 4 --jobs 2 --out "$WORK/b2.csv"
expect_same "$WORK/b1.csv" "$WORK/b2.csv"
expect_grep "$WORK/b1.csv" "series_id,model,points,mae,rmse,mase,smape,coverage80,coverage95,pinball"
expect_grep "$WORK/b1.csv" "cs_referrals/E06000012/0-17,auto,24,"
expect_grep "$WORK/b1.csv" "ALL,auto,48,"
expect_exit 0 "$CARECAST" backtest --store "$STORE" --series 'cs_dfe_cin_at31/*' --model naive --horizon 3 --origins 20
expect_grep "$WORK/err" "too few for 20 origins"
expect_exit 2 "$CARECAST" backtest --store "$STORE" --origins 3
expect_exit 2 "$CARECAST" backtest --store "$STORE" --horizon 3 --origins 0

# Box-Cox: fitted on the transformed scale, forecast on the original one; lambda shows in models.
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_referrals/*' --lambda auto --biasadj
expect_exit 0 "$CARECAST" models --store "$STORE"
expect_grep "$WORK/out" ";lambda="
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 6 --out "$WORK/fl.csv"
checks=$((checks + 1))
awk -F, 'NR > 1 && !($4 > 50 && $4 < 2000) { print; bad = 1 } END { exit bad }' "$WORK/fl.csv" \
  || fail "back-transformed referral forecasts are not on the data's scale"
expect_exit 2 "$CARECAST" fit --store "$STORE" --lambda 3
expect_exit 2 "$CARECAST" fit --store "$STORE" --biasadj

# Intermittent counts: auto picks SBA; paths and bounds stay whole and non-negative.
cat >"$WORK/sparse.yaml" <<'YAML'
source_id: sparse_counts
organisation: council
organisation_name: Test Council
data_sharing_agreement: DSA-TEST
licence: OGL-3.0
refreshed: 2025-04-30
measures:
  cs_secure_placements: {frequency: month, kind: flow, unit: children}
YAML
{
  echo "geography_code,period,measure,age_band,value"
  i=0
  for y in 2021 2022 2023 2024; do for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    i=$((i + 1)); v=0
    case $((i % 5)) in 0) v=$((1 + i % 3)) ;; esac
    echo "E06000012,$y-$m,cs_secure_placements,0-17,$v"
  done; done
} >"$WORK/sparse.csv"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$WORK/sparse.csv"
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_secure_placements/*'
expect_exit 0 "$CARECAST" models --store "$STORE"
expect_grep "$WORK/out" "cs_secure_placements/E06000012/0-17,SBA"
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_secure_placements/*' --model tsb:optimal

# Many runs in one second: the newest is still the one used (run ids sort in the order made).
for i in 1 2 3 4 5 6 7 8 9 10 11; do
  SOURCE_DATE_EPOCH=4102444800 expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_referrals/E06000012/*' --model naive
done
SOURCE_DATE_EPOCH=4102444800 expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_referrals/E06000012/*' --model mean
expect_grep "$WORK/out" "run 21000101T000000Z-012"
expect_exit 0 "$CARECAST" models --store "$STORE"
expect_grep "$WORK/out" "cs_referrals/E06000012/0-17,Mean"

# Automatic ARIMA: annual and seasonal (monthly) series are fitted alike.
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_dfe_*/E08000019/*' --model arima
expect_grep "$WORK/out" "series fitted with --model arima"
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_referrals/*' --model arima
expect_grep "$WORK/out" "series fitted with --model arima, 0 skipped"

# Mistakes.
expect_exit 2 "$CARECAST" fit --store "$STORE" --model prophet
expect_grep "$WORK/err" "'prophet' is not a model"
expect_exit 2 "$CARECAST" fit --store "$STORE" --model ets:XYZ
expect_exit 2 "$CARECAST" fit --store "$STORE" --jobs 0
expect_exit 1 "$CARECAST" fit --store "$STORE" --series 'no_such_measure/*'
expect_grep "$WORK/err" "no series matches"
expect_exit 2 "$CARECAST" forecast --store "$STORE" --horizon 0
expect_exit 2 "$CARECAST" forecast --store "$STORE" --horizon 3q
expect_exit 2 "$CARECAST" forecast --store "$STORE" --horizon 3 --level 120
expect_exit 1 "$CARECAST" forecast --store "$STORE" --horizon 3 --run 19990101T000000Z
expect_exit 0 "$CARECAST" ingest --store "$WORK/empty.h5" "$PROJECT/data/sources/police_safeguarding.csv"
expect_exit 1 "$CARECAST" forecast --store "$WORK/empty.h5" --horizon 3
expect_grep "$WORK/err" "no fitted models"
finish
