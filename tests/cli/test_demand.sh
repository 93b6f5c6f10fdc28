# test_demand.sh: the shipped demand model files (models/*.yaml) fitted and
# forecast on the embedded data: stock-and-flow and cohort runs, their
# projections in the forecast CSV (never negative, bounds in order, the
# same for the same seed), the estimated moves in `carecast models`, and the
# errors of a model file: a missing series, a population of the wrong age
# band, inconsistent states, each naming the file, line and key.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
M="$PROJECT/models"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv

run_of() { sed -n 's/^fit: run \([^:]*\):.*/\1/p' "$WORK/out"; }

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

# A model file's errors name the file, the line and the key; nothing is written.
bad="$WORK/bad.yaml"
sed 's#asc_nursing_clients/{geography}/65+#asc_nursing_residents/{geography}/65+#' "$M/asc_older_people.yaml" >"$bad"
expect_exit 1 "$CARECAST" fit --store "$STORE" --model stockflow:"$bad"
expect_grep "$WORK/err" "bad.yaml:24: states.nursing.stock: series 'asc_nursing_residents/E08000019/65+' is not in the store"
expect_grep "$WORK/err" "nothing was written"
sed 's#^population: population/{geography}/{band}#population: population/{geography}/65-69#' "$M/asc_older_people_cohort.yaml" >"$bad"
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
finish
