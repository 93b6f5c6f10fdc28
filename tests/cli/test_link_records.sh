# link_records.sh: carecast link-records on the shipped synthetic extracts:
# usage and bad-input errors, the links and the aggregate series in a store,
# and no raw identifier (NHS number, postcode, date of birth, record id) nor
# the key anywhere in the output or the store.
. "$(dirname "$0")/lib.sh"

REC="$PROJECT/data/records"
KEY="$REC/DEMO-KEY-NOT-SECRET.key"
A="$REC/discharges.csv"
B="$REC/care_starts.csv"

# Usage errors: exit 2.
expect_exit 0 "$CARECAST" link-records --help
expect_grep "$WORK/out" "usage: carecast link-records"
expect_grep "$WORK/out" "--target-fmr R       target false-match rate among links (default 0.01)"
expect_exit 2 "$CARECAST" link-records --out "$WORK/l.csv" "$A" "$B"
expect_grep "$WORK/err" "--key KEYFILE is required"
expect_exit 2 "$CARECAST" link-records --key "$KEY" --out "$WORK/l.csv" "$A"
expect_exit 2 "$CARECAST" link-records --key "$KEY" --out "$WORK/l.csv" --aggregate within=91 "$A" "$B"
expect_grep "$WORK/err" "--aggregate needs --store STORE and --measure NAME"
expect_exit 2 "$CARECAST" link-records --key "$KEY" --out "$WORK/l.csv" --aggregate 91 --store "$WORK/s.h5" --measure m "$A" "$B"
expect_exit 2 "$CARECAST" link-records --key "$KEY" --out "$WORK/l.csv" --target-fmr 1.5 "$A" "$B"

# Bad input: exit 1, FILE:LINE: field: reason, nothing written.
expect_exit 1 "$CARECAST" link-records --key "$WORK/absent.key" --out "$WORK/l.csv" "$A" "$B"
expect_grep "$WORK/err" "$WORK/absent.key: key: no key file here"
printf 'too-short-key\n' >"$WORK/short.key"
expect_exit 1 "$CARECAST" link-records --key "$WORK/short.key" --out "$WORK/l.csv" "$A" "$B"
expect_grep "$WORK/err" "the key is 13 bytes; at least 32 are needed"
sed '1s/postcode/post_code/' "$B" >"$WORK/badcol.csv"
expect_exit 1 "$CARECAST" link-records --key "$KEY" --out "$WORK/l.csv" "$A" "$WORK/badcol.csv"
expect_grep "$WORK/err" "$WORK/badcol.csv:1: header: unknown column 'post_code'"
sed '5s/,\([0-9]\{4\}\)-\([0-9][0-9]\)-\([0-9][0-9]\),\([MF]\?\),/,\3\/\2\/\1,\4,/' "$B" >"$WORK/baddate.csv"
expect_exit 1 "$CARECAST" link-records --key "$KEY" --out "$WORK/l.csv" "$A" "$WORK/baddate.csv"
expect_grep "$WORK/err" "$WORK/baddate.csv:5: date_of_birth: not a date YYYY-MM-DD"
checks=$((checks + 1)); [ ! -e "$WORK/l.csv" ] || fail "links were written from bad input"

# Link and aggregate into a new store.
expect_exit 0 "$CARECAST" link-records --key "$KEY" --out "$WORK/linked.csv" --aggregate within=91 \
  --store "$WORK/store.h5" --measure asc_starts_after_discharge "$A" "$B"
expect_grep "$WORK/err" "EM: converged"
expect_grep "$WORK/err" "candidate pairs (union of passes)"
expect_grep "$WORK/out" "source linked_asc_starts_after_discharge new (version 1"
expect_grep "$WORK/linked.csv" "a_pseudonym,b_pseudonym,weight,match_probability,nhs_number,date_of_birth,sex,postcode,days_a_to_b"
links=$(($(wc -l <"$WORK/linked.csv") - 1))
checks=$((checks + 1)); [ "$links" -ge 900 ] || fail "only $links links"
expect_exit 0 "$CARECAST" list --store "$WORK/store.h5" --csv
expect_grep "$WORK/out" "asc_starts_after_discharge/E08000019/85+"
expect_grep "$WORK/out" "asc_starts_after_discharge/E06000012/65-74"
# The same run again leaves the store alone.
expect_exit 0 "$CARECAST" link-records --key "$KEY" --out "$WORK/linked2.csv" --aggregate within=91 \
  --store "$WORK/store.h5" --measure asc_starts_after_discharge "$A" "$B"
expect_same "$WORK/linked2.csv" "$WORK/linked.csv"

# Killed while writing a second measure into the store: the store is as it was.
cp "$WORK/store.h5" "$WORK/before.h5"
checks=$((checks + 1))
CARECAST_FAULT_KILL_AT=source-written "$CARECAST" link-records --key "$KEY" --out "$WORK/linked3.csv" \
  --aggregate within=28 --store "$WORK/store.h5" --measure asc_starts_within_28d "$A" "$B" >/dev/null 2>&1
[ $? -eq 137 ] || fail "the fault hook did not kill link-records"
checks=$((checks + 1)); cmp -s "$WORK/store.h5" "$WORK/before.h5" || fail "a killed run changed the store's bytes"
expect_exit 0 "$CARECAST" list --store "$WORK/store.h5" --csv
checks=$((checks + 1)); ! grep -q asc_starts_within_28d "$WORK/out" || fail "a killed run left its series in the store"
expect_grep "$WORK/out" "asc_starts_after_discharge/E08000019/85+"

# No raw identifier and no key in any output or the store. The patterns: every
# NHS number, full postcode, date of birth and record id of both extracts (a
# postcode is searched with and without its space), and the key's text.
: >"$WORK/raw"
for f in "$A" "$B"; do
  tail -n +2 "$f" | cut -d, -f1,2,3 | tr ',' '\n' | grep -v '^$' >>"$WORK/raw"
  tail -n +2 "$f" | cut -d, -f5 | grep ' ' >>"$WORK/raw.postcodes"
done
cat "$WORK/raw.postcodes" >>"$WORK/raw"
tr -d ' ' <"$WORK/raw.postcodes" | grep '^.\{6,\}$' >>"$WORK/raw"
tr -d '\r\n' <"$KEY" >>"$WORK/raw"; echo >>"$WORK/raw"
patterns=$(wc -l <"$WORK/raw")
checks=$((checks + 1)); [ "$patterns" -gt 15000 ] || fail "only $patterns raw values to look for"
for out in "$WORK/linked.csv" "$WORK/store.h5"; do
  checks=$((checks + 1))
  if LC_ALL=C grep -a -F -f "$WORK/raw" "$out" >"$WORK/leak"; then
    fail "$out holds raw identifiers: $(head -c 200 "$WORK/leak")"
  fi
done
# The check itself finds what it looks for (a test that cannot fail is no test).
checks=$((checks + 1))
LC_ALL=C grep -a -q -F -f "$WORK/raw" "$B" || fail "the leak check finds nothing even in the extract"

finish
