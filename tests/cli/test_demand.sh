# test_demand.sh: the shipped demand model files (models/*.yaml) fitted and
# forecast on the embedded data: stock-and-flow and cohort runs, their
# projections in the forecast CSV (never negative, bounds in order, the
# same for the same seed), the estimated moves in `carecast models`, and the
# errors of a model file: a missing series, a population of the wrong age
# band, inconsistent states, each naming the file, line and key; and a
# cohort model whose demand bands are built from other population bands
# (population_bands), against figures worked by hand, with its refusals.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
M="$PROJECT/models"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv


# Adults 65+: stock and flow.
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$M/asc_older_people.yaml"
expect_grep "$WORK/out" "stock-and-flow model asc_older_people fitted for 2 councils"
adults=$(run_of)
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$adults"
expect_grep "$WORK/out" "asc_older_people/E08000019,StockFlow,\"stay(home_care)="
expect_grep "$WORK/out" "p(residential>ended)="
expect_grep "$WORK/out" "asc_residential_admissions/E08000019/65+,"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$adults" --horizon 3y --paths 200 --out "$WORK/adults.csv"
expect_grep "$WORK/out" "6 series projected by demand models"
expect_grep "$WORK/adults.csv" "asc_residential_clients/E08000019/65+,2025-04,1,"
expect_grep "$WORK/adults.csv" "asc_nursing_clients/E06000012/65+,2028-03,36,"
expect_grep "$WORK/adults.csv" ",StockFlow(asc_older_people)"
check_csv "$WORK/adults.csv"
# the same seed gives the same projection
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$adults" --horizon 3y --paths 200 --out "$WORK/adults2.csv"
expect_same "$WORK/adults2.csv" "$WORK/adults.csv"
# the first month's projection starts from the last observed stock (709 residents, March 2025)
checks=$((checks + 1))
awk -F, '$1 == "asc_residential_clients/E08000019/65+" && $3 == 1 { exit !($4 > 680 && $4 < 740) }' "$WORK/adults.csv" ||
  fail "April 2025 residential projection is not near the March stock of 709"

# Children: stock and flow with moves between states.
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$M/children_social_care.yaml"
children=$(run_of)
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$children" --horizon 24 --paths 100 --out "$WORK/children.csv"
expect_grep "$WORK/children.csv" "cs_cla_residential/E06000012/0-17,2027-03,24,"
check_csv "$WORK/children.csv"

# The same with its exits shrunk towards each council's DfE statistical neighbours
# (shrink:, paths relative to the model file): the own weight of each state is kept
# and shown, and the projection draws from the shrunk posterior.
mkdir -p "$WORK/shrunk"
sed -e 's/^name: children_social_care$/name: children_shrunk/' -e '/^# Small councils see few moves/,$d' "$M/children_social_care.yaml" >"$WORK/shrunk/children.yaml"
cat >>"$WORK/shrunk/children.yaml" <<EOF
shrink:
  neighbours: $PROJECT/data/neighbours/dfe_statistical_neighbours_2025.csv
  lookup: $PROJECT/data/lookups/local_authorities.csv
  rates: rates.csv
  states:
    child_in_need: child_in_need
    child_protection_plan: child_protection_plan
    looked_after_residential: looked_after
EOF
cp "$PROJECT/data/neighbours/dfe_exit_rates.csv" "$WORK/shrunk/rates.csv"
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/shrunk/children.yaml"
shrunk=$(run_of)
expect_exit 0 "$CARECAST" models --store "$STORE" --run "$shrunk"
expect_grep "$WORK/out" "shrink(child_in_need)=own weight 0.9"
expect_grep "$WORK/out" "shrink(looked_after_residential)=own weight"
checks=$((checks + 1))
! grep -q "shrink(looked_after_foster)" "$WORK/out" || fail "a state not listed under shrink.states was shrunk"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$shrunk" --horizon 24 --paths 100 --out "$WORK/shrunk.csv"
expect_grep "$WORK/shrunk.csv" "cs_cla_residential/E06000012/0-17,2027-03,24,"
check_csv "$WORK/shrunk.csv"
# errors: a state that is not the model's, a rates file that is not there, a council without neighbours
sed 's/    looked_after_residential: looked_after/    looked_after_secure: looked_after/' "$WORK/shrunk/children.yaml" >"$WORK/shrunk/bad_state.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/shrunk/bad_state.yaml"
expect_grep "$WORK/err" "bad_state.yaml:46: shrink.states: 'looked_after_secure' is not one of the states"
sed 's/^  rates: rates.csv$/  rates: none.csv/' "$WORK/shrunk/children.yaml" >"$WORK/shrunk/no_rates.yaml"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/shrunk/no_rates.yaml"
expect_grep "$WORK/err" "shrunk/none.csv"
sed "s#^  neighbours: .*#  neighbours: sn.csv#" "$WORK/shrunk/children.yaml" >"$WORK/shrunk/no_sheffield.yaml"
grep -v "^373," "$PROJECT/data/neighbours/dfe_statistical_neighbours_2025.csv" >"$WORK/shrunk/sn.csv"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$WORK/shrunk/no_sheffield.yaml"
expect_grep "$WORK/err" "shrink.neighbours: E08000019 has no statistical neighbours in"

# Older people's residential care as a cohort model: rate x population.
expect_exit 0 "$CARECAST" fit --store "$STORE" --model cohort:"$M/asc_older_people_cohort.yaml"
cohort=$(run_of)
expect_exit 0 "$CARECAST" forecast --store "$STORE" --run "$cohort" --horizon 5y --paths 100 --out "$WORK/cohort.csv"
expect_grep "$WORK/cohort.csv" "asc_residential_clients_rate/E08000019/65+,2025-04,1,"
expect_grep "$WORK/cohort.csv" "asc_residential_clients/E08000019/65+,2030-03,60,"
expect_grep "$WORK/cohort.csv" ",Cohort(asc_residential_65)"
check_csv "$WORK/cohort.csv"

# Demand bands other than the population's (population_bands), by hand: demand at
# 18-49, 50-64 and 65+, population at 0-17, 18-39, 40-64, 65-79 and 80+, 40-64 split
# 10:15 by its years. Estimates 2012-2022 (1000, 2200, 2500, 900, 300) give the demand
# bands 3200, 1500 and 1200 people, so demand of 64, 45 and 120 in 2014-2021 is a rate
# of 0.02, 0.03 and 0.10; the projection from 2023 (1000, 2000, 5000, 1200, 600) gives
# 2000 + 5000 x 10/25 = 4000, 5000 x 15/25 = 3000 and 1200 + 600 = 1800 people, so
# 2024 and 2025 (the years wholly after mid-2023) are 80, 90 and 180. A high variant
# half as large again (1500, 3000, 7500, 1800, 900) gives 120, 135 and 270 on every
# other path, so with both the mean is 100, 112.5 and 225.
mkdir -p "$WORK/bands"
{
  echo "geography_code,period,measure,age_band,value"
  for year in 2014 2015 2016 2017 2018 2019 2020 2021; do
    printf 'E08000019,%s,hb_demand,%s\n' "$year" 18-49,64 "$year" 50-64,45 "$year" 65+,120
  done
  for year in 2012 2013 2014 2015 2016 2017 2018 2019 2020 2021 2022; do
    printf 'E08000019,%s,hb_population,%s\n' "$year" 0-17,1000 "$year" 18-39,2200 "$year" 40-64,2500 "$year" 65-79,900 "$year" 80+,300
  done
  for year in 2023 2024 2025 2026 2027; do
    printf 'E08000019,%s,hb_projection,%s\n' "$year" 0-17,1000 "$year" 18-39,2000 "$year" 40-64,5000 "$year" 65-79,1200 "$year" 80+,600
    printf 'E08000019,%s,hb_projection_high,%s\n' "$year" 0-17,1500 "$year" 18-39,3000 "$year" 40-64,7500 "$year" 65-79,1800 "$year" 80+,900
  done
} >"$WORK/bands/hb.csv"
cat >"$WORK/bands/hb.yaml" <<EOF
source_id: hb
organisation: council
organisation_name: "Test council"
data_sharing_agreement: "none (made up)"
licence: OGL-3.0
refreshed: 2025-04-01
attribution: "Made up for the test."
description: "Demand and population in different age bands."
measures:
  hb_demand: {frequency: year, kind: stock, unit: people, description: "demand"}
  hb_population: {frequency: year, kind: stock, unit: persons, description: "mid-year estimates"}
  hb_projection: {frequency: year, kind: stock, unit: persons, description: "projection"}
  hb_projection_high: {frequency: year, kind: stock, unit: persons, description: "high variant"}
EOF
cat >"$WORK/bands/model.yaml" <<EOF
type: cohort
name: hb_cohort
geographies: [E08000019]
bands: [18-49, 50-64, 65+]
population_bands: [0-17, 18-39, 40-64, 65-79, 80+]
demand: hb_demand/{geography}/{band}
population: hb_population/{geography}/{band}
projection: hb_projection/{geography}/{band}
rate_model: constant
EOF
expect_exit 0 "$CARECAST" ingest --store "$WORK/bands.h5" "$WORK/bands/hb.csv"
expect_exit 0 "$CARECAST" fit --store "$WORK/bands.h5" --model cohort:"$WORK/bands/model.yaml"
bands_run=$(run_of)
expect_exit 0 "$CARECAST" forecast --store "$WORK/bands.h5" --run "$bands_run" --horizon 4 --out "$WORK/bands.csv"
expect_mean() { # CSV BAND,YEAR,MEAN...: the forecast mean of hb_demand/E08000019/BAND in YEAR
  local csv=$1 want band year value
  shift
  for want in "$@"; do
    IFS=, read -r band year value <<<"$want"
    checks=$((checks + 1))
    awk -F, -v id="hb_demand/E08000019/$band" -v year="$year" -v value="$value" '
      $1 == id && $2 == year && ($4 - value) ^ 2 < 1e-12 { found = 1 } END { exit !found }' "$csv" ||
      fail "$csv: hb_demand/E08000019/$band in $year is not $value"
  done
}
expect_mean "$WORK/bands.csv" 18-49,2024,80 50-64,2024,90 65+,2024,180 18-49,2025,80 50-64,2025,90 65+,2025,180
sed 's#^projection: .*#&\nvariants:\n  - hb_projection_high/{geography}/{band}#' "$WORK/bands/model.yaml" >"$WORK/bands/variants.yaml"
expect_exit 0 "$CARECAST" fit --store "$WORK/bands.h5" --model cohort:"$WORK/bands/variants.yaml"
bands_run=$(run_of)
expect_exit 0 "$CARECAST" forecast --store "$WORK/bands.h5" --run "$bands_run" --horizon 4 --paths 100 --out "$WORK/variants.csv"
expect_mean "$WORK/variants.csv" 18-49,2024,100 50-64,2024,112.5 65+,2024,225 65+,2025,225
bands_refused() { # NAME POPULATION_BANDS MESSAGE: the model with these population bands is refused with MESSAGE
  sed "s/^population_bands: .*/population_bands: $2/" "$WORK/bands/model.yaml" >"$WORK/bands/$1.yaml"
  expect_exit 1 "$CARECAST" fit --store "$WORK/bands.h5" --model cohort:"$WORK/bands/$1.yaml"
  expect_grep "$WORK/err" "$1.yaml:$3"
}
# population bands that leave 40-44 uncovered or overlap, naming the file, line and key; one the store lacks
bands_refused gap "[0-17, 18-39, 45-64, 65-79, 80+]" \
  "5: population_bands: cannot build the population of demand band 18-49: the population bands do not cover every age in 18-49"
bands_refused overlap "[0-17, 18-44, 40-64, 65+]" "5: population_bands: 18-44 and 40-64 share ages"
bands_refused missing "[0-17, 18-39, 40-64, 65-84, 85+]" "7: population: series 'hb_population/E08000019/65-84' is not in the store"

# A model file's errors name the file, the line and the key; nothing is written.
bad="$WORK/bad.yaml"
sed 's#asc_nursing_clients/{geography}/65+#asc_nursing_residents/{geography}/65+#' "$M/asc_older_people.yaml" >"$bad"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$bad"
expect_grep "$WORK/err" "bad.yaml:24: states.nursing.stock: series 'asc_nursing_residents/E08000019/65+' is not in the store"
expect_grep "$WORK/err" "nothing was written"
sed 's#^population_bands: .*#population_bands: [65-69, 70-84, 85+]#' "$M/asc_older_people_cohort.yaml" >"$bad"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model cohort:"$bad"
expect_grep "$WORK/err" "population: series 'population/E08000019/65-69' is not in the store"
printf '  - [nursing, hospice]\n' | cat "$M/asc_older_people.yaml" - | sed 's/^from: 2021-04/moves:/' >"$bad"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$bad"
expect_grep "$WORK/err" "moves: 'hospice' is not one of the states"
sed 's/^  residential:/  home_care:/' "$M/asc_older_people.yaml" >"$bad"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$bad"
expect_grep "$WORK/err" "is named twice"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model cohort:"$M/asc_older_people.yaml"
expect_grep "$WORK/err" "the file is a stockflow model"
expect_exit 2 "$CARECAST" fit --store "$STORE" --model stockflow:"$M/asc_older_people.yaml" --series 'x*'

# Once linked, the store's model series are the panel's, whose age bands are only 0-17,
# 18-64, 65+ and all: the cohort model reads population bands the panel lacks (65-74,
# 75-84, 85+) from the series as ingested, and the demand from the panel.
expect_exit 0 "$CARECAST" link --store "$STORE"
expect_exit 0 "$CARECAST" fit --store "$STORE" --model cohort:"$M/asc_older_people_cohort.yaml"
expect_grep "$WORK/out" "cohort model asc_residential_65 fitted for 2 councils"
finish
