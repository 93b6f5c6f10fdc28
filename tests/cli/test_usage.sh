# usage.sh: version, help, exit codes and the shape of error messages.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "$CARECAST" --version
expect_grep "$WORK/out" "carecast 0.1.0"
expect_exit 0 "$CARECAST" --help
cp "$WORK/out" "$WORK/help"
for verb in demo ingest link list show fit models forecast backtest; do
  expect_grep "$WORK/help" "  $verb "
  expect_exit 0 "$CARECAST" "$verb" --help
  expect_grep "$WORK/out" "usage: carecast $verb"
done
expect_exit 2 "$CARECAST"
expect_exit 2 "$CARECAST" frobnicate
expect_grep "$WORK/err" "'frobnicate' is not a verb"
expect_exit 2 "$CARECAST" ingest some.csv
expect_grep "$WORK/err" "--store is required"
expect_exit 2 "$CARECAST" ingest --store "$WORK/s.h5"
expect_exit 2 "$CARECAST" list --store "$WORK/s.h5" --bogus
expect_exit 2 "$CARECAST" show --store "$WORK/s.h5"

# Bad input: FILE:LINE: field: reason, exit 1, and no store is created.
cat >"$WORK/bad.yaml" <<'YAML'
source_id: bad_source
organisation: police
organisation_name: Test Police
data_sharing_agreement: DSA-1
licence: OGL-3.0
refreshed: 2025-01-31
measures:
  police_incidents: {frequency: month, kind: flow, unit: incidents}
YAML
printf 'geography_code,period,measure,age_band,value\nE08000019,2024-01,police_incidents,all,4\nE08000019,2024-13,police_incidents,all,5\nE08000019,2024-03,police_incidents,all,-2\n' >"$WORK/bad.csv"
expect_exit 1 "$CARECAST" ingest --store "$WORK/s.h5" "$WORK/bad.csv"
expect_grep "$WORK/err" "$WORK/bad.csv:3: period: '2024-13' is not a period"
expect_grep "$WORK/err" "$WORK/bad.csv:4: value: -2 is negative"
expect_grep "$WORK/err" "nothing was written"
checks=$((checks + 1)); [ ! -e "$WORK/s.h5" ] || fail "a store was created from a bad file"

# --dry-run validates without writing.
sed -i '3,4d' "$WORK/bad.csv"
expect_exit 0 "$CARECAST" ingest --dry-run --store "$WORK/s.h5" "$WORK/bad.csv"
checks=$((checks + 1)); [ ! -e "$WORK/s.h5" ] || fail "--dry-run created a store"
expect_exit 0 "$CARECAST" ingest --store "$WORK/s.h5" "$WORK/bad.csv"
expect_exit 1 "$CARECAST" show --store "$WORK/s.h5" no/such/series
expect_grep "$WORK/err" "no series 'no/such/series'"
expect_exit 1 "$CARECAST" list --store "$WORK/missing.h5"
expect_grep "$WORK/err" "missing.h5: no store here"
echo "not hdf5" >"$WORK/junk.h5"
expect_exit 1 "$CARECAST" list --store "$WORK/junk.h5"
expect_grep "$WORK/err" "junk.h5: not a readable HDF5 file"

finish
