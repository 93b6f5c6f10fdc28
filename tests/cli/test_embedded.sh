# test_embedded.sh: carecast ingest, list and show on the embedded default data,
# against golden files (regenerate with UPDATE_GOLDEN=1 after a deliberate data change).
. "$(dirname "$0")/lib.sh"
GOLDEN="$PROJECT/tests/cli/golden"
STORE="$WORK/store.h5"

expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
expect_grep "$WORK/out" "source scc_childrens_services new (version 1"
expect_exit 0 "$CARECAST" list --csv --store "$STORE"
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$WORK/out" "$GOLDEN/embedded_list.csv"; fi
expect_same "$WORK/out" "$GOLDEN/embedded_list.csv"

# The quirks the data carries arrive in the store as they should.
expect_exit 0 "$CARECAST" show --store "$STORE" cs_contacts/E08000019/0-17
expect_grep "$WORK/out" "2019-10,,,missing"          # a gap of three months
expect_grep "$WORK/out" "2019-12,,,missing"
expect_exit 0 "$CARECAST" show --store "$STORE" asc_nursing_admissions/E06000012/18-64
expect_grep "$WORK/out" ",,5,suppressed"               # small counts kept as suppressed, bound 5
expect_exit 0 "$CARECAST" list --store "$STORE" --geography Sheffield
expect_grep "$WORK/out" "police_child_concern_notifications/Sheffield/0-17"   # a source with area names
expect_exit 0 "$CARECAST" show --store "$STORE" nhs_delayed_discharges/E08000019/65+
expect_grep "$WORK/out" "2014-Q2,"                     # a quarterly source
expect_exit 0 "$CARECAST" list --store "$STORE" --measure cs_dfe_cin_at31
expect_grep "$WORK/out" "financial_year"               # an annual source

# Ingesting the same files again changes nothing.
cp "$STORE" "$WORK/before.h5"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
expect_grep "$WORK/out" "unchanged: every file was already stored"
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/before.h5" || fail "re-ingest rewrote the store"

# A new version of one source replaces its observations and keeps the history.
mkdir "$WORK/v2"
cp "$PROJECT/data/sources/police_safeguarding.yaml" "$WORK/v2/"
grep -v ',2025-03,' "$PROJECT/data/sources/police_safeguarding.csv" >"$WORK/v2/police_safeguarding.csv"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$WORK/v2/police_safeguarding.csv"
expect_grep "$WORK/out" "source police_safeguarding replaced (version 2"
expect_exit 0 "$CARECAST" list --csv --store "$STORE" --measure police_domestic_abuse_incidents
expect_grep "$WORK/out" "police_domestic_abuse_incidents/Sheffield/all,month,2014-04,2025-02,131"

# demo runs end to end into its own folder.
expect_exit 0 "$CARECAST" demo --out "$WORK/demo" --data "$PROJECT/data"
expect_grep "$WORK/out" "done: store $WORK/demo/store.h5"
expect_grep "$WORK/out" "[3/10] link: GSS codes, common age bands and frequencies"
expect_grep "$WORK/out" "could not link: none"
finish
