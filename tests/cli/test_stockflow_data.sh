# test_stockflow_data.sh: stock-and-flow models fed by more than the
# aggregates: moves counted from SSDA903 episodes of care (episodes:) and
# entry flows led by an indicator (indicator:, indicator_lag:, and a
# scenario's future of it, indicator_future:). The shipped
# files fit and forecast on the embedded data; a hand-made return gives the
# probabilities counted by hand (tests/unit/test_ssda903.c works them out);
# a bad file is refused naming the file, line and key, and nothing is written.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
M="$PROJECT/models"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv

# Children looked after, counted from the synthetic SSDA903 sample.
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$M/children_looked_after_903.yaml"
expect_grep "$WORK/out" "stock-and-flow model children_looked_after_903 fitted for 3 councils"
counted=$(run_of)
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$counted"
expect_grep "$WORK/out" "children_looked_after_903/E09000028,StockFlow,\"stay(foster_under_16)="
expect_grep "$WORK/out" "p(foster_under_16>foster_16_17)="
expect_grep "$WORK/out" "cla903_entries_residential/E09000006/0-17,"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$counted" --horizon 2y --paths 200 --out "$WORK/counted.csv"
expect_grep "$WORK/out" "12 series projected by demand models"
expect_grep "$WORK/counted.csv" "cla903_foster_16_17/E09000017/16-17,2022-04,1,"
expect_grep "$WORK/counted.csv" "cla903_other/E09000028/0-17,2024-03,24,"
check_csv "$WORK/counted.csv"

# A hand-made return: children A, B, G and H of council X over the 13 month ends
# January 2020 to January 2021, gathered into under 10 and 10 or over.
cat >"$WORK/hand.yaml" <<EOF
type: stockflow
name: hand
geographies: [E00000001]
states:
  under_10:
    stock: hand_under_10/{geography}/0-9
    entries: hand_entries_under_10/{geography}/0-9
  over_10:
    stock: hand_over_10/{geography}/10-17
moves:
  - [under_10, over_10]
bootstrap: 50
from: 2020-01
episodes:
  file: $PROJECT/tests/data/ssda903/episodes.csv
  header: $PROJECT/tests/data/ssda903/header.csv
  councils:
    E00000001: X
  to: 2021-01
  states:
    under_10: [0-1, 1-5, 5-10]
    over_10: [10-16, 16-18]
EOF
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/hand.yaml"
hand=$(run_of)
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$hand"
# 10, 2 and 1 of 13 month-pairs under 10; 18 and 1 of 19 at 10 or over
expect_grep "$WORK/out" "p(under_10>under_10)=0.7692 (se 0.12);p(under_10>over_10)=0.1538 (se 0.1);p(under_10>ended)=0.07692 (se 0.074)"
expect_grep "$WORK/out" "p(over_10>over_10)=0.9474 (se 0.051);p(over_10>ended)=0.05263 (se 0.051)"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$hand" --horizon 12 --paths 100 --out "$WORK/hand.csv"
expect_grep "$WORK/hand.csv" "hand_over_10/E00000001/10-17,2021-02,1,"
check_csv "$WORK/hand.csv"

# Its errors name the model file, the line and the key, and write nothing.
sed 's#^  file: .*#  file: none.csv#' "$WORK/hand.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "bad.yaml:15: episodes.file: there is no episodes file $WORK/none.csv"
expect_grep "$WORK/err" "nothing was written"
sed 's#^    E00000001: X$#    E00000001: Nowhere#' "$WORK/hand.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "bad.yaml:18: episodes.councils: E00000001: no episodes with LA 'Nowhere'"
grep -v '^    over_10: ' "$WORK/hand.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "bad.yaml:21: episodes.states: state over_10 is not mapped to any SSDA903 state"
sed 's#^    over_10: \[10-16, 16-18\]#    over_10: [10-16]#' "$WORK/hand.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "episodes.states: SSDA903 state '16-18 foster' is not mapped to any model state"
grep -v '^moves:\|^  - \[under_10' "$WORK/hand.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "moves: E00000001: the episodes have 2 moves from under_10 to over_10, which moves: does not list"

# Older people's admissions led by emergency hospital admissions a month before.
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$M/asc_older_people_led.yaml"
led=$(run_of)
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$led"
expect_grep "$WORK/out" "entries(residential)=ARIMA"
expect_grep "$WORK/out" "+xreg on nhs_emergency_admissions/E08000019/65+: b="
expect_grep "$WORK/out" "entries(nursing)="
expect_grep "$WORK/out" "nhs_emergency_admissions/E06000012/65+," # the indicator's own model drives the projection
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$led" --horizon 3y --paths 200 --out "$WORK/led.csv"
expect_grep "$WORK/out" "10 series projected by demand models" # 6 stocks and the 4 led entry flows
expect_grep "$WORK/led.csv" "asc_nursing_clients/E06000012/65+,2028-03,36,"
expect_grep "$WORK/led.csv" "asc_residential_admissions/E08000019/65+,2025-04,1,"
expect_grep "$WORK/led.csv" "+xreg"
expect_grep "$WORK/led.csv" ",StockFlow(asc_older_people_led)"
check_csv "$WORK/led.csv"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$led" --horizon 3y --paths 200 --out "$WORK/led2.csv"
expect_same "$WORK/led2.csv" "$WORK/led.csv"
# A scenario's future of the indicator (indicator_future) in place of its forecast:
# emergency admissions 65+ held at a low level for three years, ingested as a series.
mkdir -p "$WORK/scenario"
printf '%s\n' "source_id: hospital_low" "organisation: icb" "organisation_name: a scenario (test)" "licence: OGL-3.0" \
  "data_sharing_agreement: none (test)" "attribution: test" "refreshed: 2025-04-30" "description: admissions held low" \
  "measures:" "  nhs_emergency_admissions_low:" "    frequency: month" "    kind: flow" "    unit: admissions" \
  "    description: Emergency admissions 65+, low scenario" >"$WORK/scenario/hospital_low.yaml"
awk 'BEGIN { print "geography_code,period,measure,age_band,value,flag"
  for (i = 0; i < 36; i++) { m = (3 + i) % 12 + 1; y = 2025 + int((3 + i) / 12)
    printf "E08000019,%d-%02d,nhs_emergency_admissions_low,65+,1000,\n", y, m
    printf "E06000012,%d-%02d,nhs_emergency_admissions_low,65+,300,\n", y, m } }' >"$WORK/scenario/hospital_low.csv"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$WORK/scenario/hospital_low.csv"
sed -e 's/^name: asc_older_people_led/name: led_low/' \
  -e 's#^    indicator_lag: 1 .*#    indicator_lag: 1\n    indicator_future: nhs_emergency_admissions_low/{geography}/65+#' \
  "$M/asc_older_people_led.yaml" >"$WORK/scenario/low.yaml"
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/scenario/low.yaml"
low=$(run_of)
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$low" --horizon 3y --paths 200 --out "$WORK/low.csv"
expect_grep "$WORK/low.csv" "asc_residential_admissions/E06000012/65+,2028-03,36,"
check_csv "$WORK/low.csv"
expect_exit 1 "$CARECAST" forecast --store "$STORE" --run "$low" --horizon 4y --paths 200
expect_grep "$WORK/err" "low.yaml:28: states.residential.indicator_future: 'nhs_emergency_admissions_low/E06000012/65+' has no value in 2028-04"

# an indicator that is not in the store; an entry model that takes no regressors
sed 's#^    indicator: nhs_emergency_admissions/{geography}/65+   \#.*#    indicator: nhs_emergency_admission/{geography}/65+#' \
  "$M/asc_older_people_led.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "bad.yaml:26: states.residential.indicator: series 'nhs_emergency_admission/E08000019/65+' is not in the store"
sed 's#^entry_model: auto .*#entry_model: ets#' "$M/asc_older_people_led.yaml" >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/bad.yaml"
expect_grep "$WORK/err" "states.residential.indicator: model 'ets' takes no regressors"
finish
