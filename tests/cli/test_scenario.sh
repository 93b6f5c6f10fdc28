# test_scenario.sh: carecast scenario on the embedded data with the shipped
# scenario files: the summary, the CSV tables, the stored run, the same
# result for the same seed whatever --jobs, --compare, and the errors of a
# scenario file (an unknown key, an impossible range, a lever on a series
# that does not exist), each naming the file, line and key, with the store
# left as it was.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
S="$PROJECT/scenarios"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$PROJECT/models/asc_older_people.yaml"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 5y --paths 200

expect_exit 0 "$CARECAST" scenario --store "$STORE" "$S/reablement_expansion.yaml" --draws 1000 --out "$WORK/tables" --jobs 1
expect_grep "$WORK/out" "Scenario reablement_expansion: 2025/26 to 2029/30, 1000 draws"
expect_grep "$WORK/out" "Net present value"
expect_grep "$WORK/out" "council      adult_social_care"
expect_grep "$WORK/out" "fewer_residential_admissions"
expect_grep "$WORK/out" "Stored as /scenarios/"
for table in by_year summary demand sensitivity; do
  checks=$((checks + 1))
  [ -s "$WORK/tables/reablement_expansion_$table.csv" ] || fail "no $table table"
done
expect_grep "$WORK/tables/reablement_expansion_by_year.csv" "organisation,budget,year,measure,mean,p10,p50,p90"
expect_grep "$WORK/tables/reablement_expansion_by_year.csv" "council,adult_social_care,2029/30,net_saving,"
expect_grep "$WORK/tables/reablement_expansion_summary.csv" "all,all,probability_npv_positive,"
expect_grep "$WORK/tables/reablement_expansion_demand.csv" "asc_residential_clients/E06000012/65+,residential_care_65,2027/28,average_stock,scenario,"
expect_grep "$WORK/tables/reablement_expansion_sensitivity.csv" "lever,low,high,npv_at_low,npv_at_high,swing,variance_share"
# fewer admissions mean fewer residents: the scenario's residents are below the baseline's by 2029/30
checks=$((checks + 1))
awk -F, '$1 == "asc_residential_clients/E08000019/65+" && $3 == "2029/30" { v[$5] = $6 } END { exit !(v["scenario"] < v["baseline"]) }' \
  "$WORK/tables/reablement_expansion_demand.csv" || fail "the scenario did not lower residential care"

# The same seed gives the same tables on two threads.
cp "$WORK/tables/reablement_expansion_summary.csv" "$WORK/summary_jobs1.csv"
expect_exit 0 "$CARECAST" scenario --store "$STORE" "$S/reablement_expansion.yaml" --draws 1000 --out "$WORK/tables" --jobs 2
expect_same "$WORK/tables/reablement_expansion_summary.csv" "$WORK/summary_jobs1.csv"

# Side by side.
expect_exit 0 "$CARECAST" scenario --store "$STORE" --compare "$S/do_nothing.yaml" "$S/reablement_expansion.yaml" --draws 300
expect_grep "$WORK/out" "scenario                            NPV P50"
expect_grep "$WORK/out" "do_nothing "

# Errors name the file, line and key; nothing is written.
cp "$STORE" "$WORK/before.h5"
bad="$WORK/bad.yaml"
sed 's/^price_base: 2024\/25/price_base: 2024\/25\nprice_bsae: 2024\/25/' "$S/reablement_expansion.yaml" >"$bad"
expect_exit 1 "$CARECAST" scenario --store "$STORE" "$bad"
expect_grep "$WORK/err" "bad.yaml:17: price_bsae: unknown field"
sed 's/^    low: -0.15/    low: -0.05/; s/^    high: -0.05/    high: -0.15/' "$S/reablement_expansion.yaml" >"$bad"
expect_exit 1 "$CARECAST" scenario --store "$STORE" "$bad"
expect_grep "$WORK/err" "low: the range is impossible"
sed 's#series: asc_nursing_admissions/{geography}/65+#series: asc_hospice_admissions/{geography}/65+#' "$S/reablement_expansion.yaml" >"$bad"
expect_exit 1 "$CARECAST" scenario --store "$STORE" "$bad" --draws 10
expect_grep "$WORK/err" "series: lever 'fewer_nursing_admissions' acts on series 'asc_hospice_admissions/E08000019/65+', which is not in the store"
expect_grep "$WORK/err" "nothing was written"
sed 's/^    budget: adult_social_care/    budget: roads/' "$S/do_nothing.yaml" >"$bad"
expect_exit 1 "$CARECAST" scenario --store "$STORE" "$bad"
expect_grep "$WORK/err" "budget: 'roads' is not a budget line of council"
expect_exit 1 "$CARECAST" scenario --store "$STORE" "$S/early_help.yaml" --draws 10
expect_grep "$WORK/err" "no forecast run projects demand model 'children_social_care'"
checks=$((checks + 1))
cmp -s "$STORE" "$WORK/before.h5" || fail "a failed scenario changed the store"
expect_exit 2 "$CARECAST" scenario --store "$STORE" "$S/do_nothing.yaml" "$S/early_help.yaml"
expect_exit 2 "$CARECAST" scenario --store "$STORE" "$S/do_nothing.yaml" --draws 0
finish
