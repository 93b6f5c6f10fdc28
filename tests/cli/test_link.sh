# test_link.sh: carecast link on the embedded data and on a small source with
# the cases the embedded data lacks (an approximate name, a legacy code, a
# straddling age band split by population, unknown and merged areas);
# idempotence, --strict, a kill mid-write, and bad lookups leaving the store as it was.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"

expect_exit 2 "$CARECAST" link
expect_grep "$WORK/err" "--store is required"
expect_exit 1 "$CARECAST" link --store "$WORK/none.h5" --data "$PROJECT/data"
expect_grep "$WORK/err" "no store here"
checks=$((checks + 1)); [ ! -e "$WORK/none.h5" ] || fail "link created a store"

expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
expect_exit 0 "$CARECAST" link --store "$STORE" --data "$PROJECT/data"
expect_grep "$WORK/out" "Sheffield -> E08000019 Sheffield (local authority, by name; 2 series)"
expect_grep "$WORK/out" "North East Lincolnshire -> E06000012 North East Lincolnshire (local authority, by name; 2 series)"
expect_grep "$WORK/out" "aggregated: 70 to quarter, 74 to financial_year, 74 to year"
expect_grep "$WORK/out" "population/E08000019/85+ (the panel's 65+ comes whole from population/E08000019/65+)"
expect_grep "$WORK/out" "could not link: none"
expect_grep "$WORK/out" "updated"
# The police names are now codes; months add up to quarters (886 + 1002 + 900), stocks take the quarter's end.
expect_exit 0 "$CARECAST" show --store "$STORE" --panel month police_domestic_abuse_incidents/E08000019/all
expect_grep "$WORK/out" "2014-04,886,,observed"
expect_exit 0 "$CARECAST" show --store "$STORE" --panel quarter police_domestic_abuse_incidents/E08000019/all
expect_grep "$WORK/out" "2014-Q2,2788,,observed"

expect_exit 0 "$CARECAST" show --store "$STORE" --panel quarter police_domestic_abuse_incidents/E06000012/all
expect_grep "$WORK/out" "2017-Q4,,,missing"  # three empty months make a missing quarter, not a zero
expect_exit 0 "$CARECAST" show --store "$STORE" --panel financial_year asc_nursing_admissions/E06000012/18-64
expect_grep "$WORK/out" "2014/15,,15,suppressed"
expect_exit 1 "$CARECAST" show --store "$STORE" --panel quarter police_domestic_abuse_incidents/Sheffield/all
expect_exit 1 "$CARECAST" show --store "$STORE" --panel fortnight police_domestic_abuse_incidents/E08000019/all

# A second run changes nothing, byte for byte.
cp "$STORE" "$WORK/before.h5"
expect_exit 0 "$CARECAST" link --store "$STORE" --data "$PROJECT/data"
expect_grep "$WORK/out" "unchanged: the panel was already this"
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/before.h5" || fail "a second link rewrote the store"

# Killed while writing a changed panel: the store is as it was.
CARECAST_FAULT_KILL_AT=panel-written expect_exit 137 "$CARECAST" link --store "$STORE" --data "$PROJECT/data" \
  --disaggregate nhs_delayed_discharges
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/before.h5" || fail "a killed link changed the store"
# Bad lookups: exit 1, nothing written.
mkdir "$WORK/lookups"
cp "$PROJECT"/data/lookups/*.csv "$WORK/lookups/"
sed -i 's/^E08000019,Sheffield,metropolitan_district,Yorkshire and The Humber,373,00CG,E23000011,current,,$/E08000019,Sheffield,metropolitan_district,Yorkshire and The Humber,373,00CG,E23000099,current,,/' \
  "$WORK/lookups/local_authorities.csv"
expect_exit 1 "$CARECAST" link --store "$STORE" --lookups "$WORK/lookups" --disaggregate all
expect_grep "$WORK/err" "local_authorities.csv:"
expect_grep "$WORK/err" "police_force_area: 'E23000099' is not a code of any lookup table"
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/before.h5" || fail "bad lookups changed the store"

# Disaggregation on request: Denton months, flagged imputed, adding up to the quarter.
expect_exit 0 "$CARECAST" link --store "$STORE" --data "$PROJECT/data" --disaggregate nhs_delayed_discharges
expect_grep "$WORK/out" "nhs_delayed_discharges/E08000019/65+: quarter -> month (Denton, flat indicator)"
expect_exit 0 "$CARECAST" show --store "$STORE" --panel month nhs_delayed_discharges/E08000019/65+
expect_grep "$WORK/out" "imputed"
months=$(awk -F, '$1 ~ /^2015-0[123]$/ {s += $2} END {printf "%.6f", s}' "$WORK/out")
expect_exit 0 "$CARECAST" show --store "$STORE" nhs_delayed_discharges/E08000019/65+
quarter=$(awk -F, '$1 == "2015-Q1" {printf "%.6f", $2}' "$WORK/out")
checks=$((checks + 1)); [ "$months" = "$quarter" ] || fail "Denton months add to $months, the quarter is $quarter"

# A publisher with its own bands and names.
cat >"$WORK/visits.yaml" <<'YAML'
source_id: test_visits
organisation: nhs_trust
organisation_name: Test Trust
data_sharing_agreement: DSA-1
licence: OGL-3.0
refreshed: 2025-01-31
measures:
  test_visits: {frequency: month, kind: flow, unit: visits}
YAML
cat >"$WORK/visits.csv" <<'CSV'
geography_code,period,measure,age_band,value
Sheffeild,2024-01,test_visits,0-15,40
Sheffeild,2024-01,test_visits,16-24,90
Sheffeild,2024-01,test_visits,25-64,200
Sheffeild,2024-01,test_visits,65+,70
00FC,2024-01,test_visits,all,12
Atlantis,2024-01,test_visits,all,5
E06000028,2024-01,test_visits,all,7
Cherwell,2024-01,test_visits,all,1
Oxford City Council,2024-01,test_visits,all,2
E07000179,2024-01,test_visits,all,3
Vale of White Horse,2024-01,test_visits,all,4
West Oxfordshire District Council,2024-01,test_visits,all,5
Lincoln,2024-01,test_visits,all,6
CSV
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$WORK/visits.csv"
expect_exit 0 "$CARECAST" link --store "$STORE" --data "$PROJECT/data"
expect_grep "$WORK/out" "Sheffeild -> E08000019 Sheffield (local authority, by approximate name, score 0.9"
expect_grep "$WORK/out" "00FC -> E06000012 North East Lincolnshire (local authority, by legacy code; 1 series)"
expect_grep "$WORK/out" "test_visits/Sheffeild/16-24 -> 0-17, 18-64 (in proportion to population)"
expect_grep "$WORK/out" "test_visits/E08000019/0-17 <- test_visits/Sheffeild/0-15 + test_visits/Sheffeild/16-24 (split by population)"
expect_grep "$WORK/out" "test_visits/Atlantis/all: 'Atlantis' matches no area"
expect_grep "$WORK/out" "test_visits/E06000028/all: 'E06000028' is E06000028 (Bournemouth), which was merged into a larger area in 2019 (successors E06000058)"
# Lower-tier districts: Oxfordshire's five add up to the county; Lincoln alone cannot.
expect_grep "$WORK/out" "Oxford City Council -> E07000178 Oxford (district, by normalised name; 1 series); district of county E10000025 (Oxfordshire)"
expect_grep "$WORK/out" "test_visits/E10000025/all <- the 5 districts of E10000025 (Oxfordshire): "
expect_grep "$WORK/out" "test_visits/Lincoln/all: E07000138 (Lincoln) is a district of E10000019 (Lincolnshire): test_visits/E10000019/all is the sum of all 7 of its districts, and 6 are missing: E07000136 (Boston)"
expect_exit 0 "$CARECAST" show --store "$STORE" --panel month test_visits/E10000025/all
expect_grep "$WORK/out" "2024-01,15,,observed"
# By hand: Sheffield's population in 2024 (data/sources/ons_population.csv): 0-17 116,279, 18-64 374,971.
# Aged 16-17: 2/18 of 116,279; aged 18-24: 7/47 of 374,971. 0-17 gets 40 + 90 x the first share.
expected=$(awk 'BEGIN {a = 116279 * 2 / 18; b = 374971 * 7 / 47; printf "%.6f %.6f", 40 + 90 * a / (a + b), 200 + 90 * b / (a + b)}')
expect_exit 0 "$CARECAST" show --store "$STORE" --panel month test_visits/E08000019/0-17
young=$(awk -F, '$1 == "2024-01" {printf "%.6f", $2}' "$WORK/out")
expect_grep "$WORK/out" "imputed"
expect_exit 0 "$CARECAST" show --store "$STORE" --panel month test_visits/E08000019/18-64
adult=$(awk -F, '$1 == "2024-01" {printf "%.6f", $2}' "$WORK/out")
checks=$((checks + 1)); [ "$young $adult" = "$expected" ] || fail "split gave $young $adult, by hand $expected"
expect_exit 0 "$CARECAST" show --store "$STORE" --panel month test_visits/E08000019/65+
expect_grep "$WORK/out" "2024-01,70,,observed"
expect_exit 1 "$CARECAST" link --store "$STORE" --data "$PROJECT/data" --strict
expect_grep "$WORK/err" "3 series could not be linked (--strict)"
finish
