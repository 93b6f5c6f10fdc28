# test_quality.sh: carecast quality on the embedded data finds the quirks that
# data/README.md says were planted, handles them when asked (flagged, atomic,
# originals kept) and refuses bad usage.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
REPORT="$WORK/report.csv"

# field ROW_ID COLUMN: the value of COLUMN in the report row of ROW_ID.
field() {
  awk -F, -v id="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $1 == id { print $c[col] }' "$REPORT"
}
# expect_field ROW_ID COLUMN VALUE: the field equals VALUE.
expect_field() {
  checks=$((checks + 1))
  got=$(field "$1" "$2")
  [ "$got" = "$3" ] || fail "$1 $2: '$got', expected '$3'"
}
# expect_field_has ROW_ID COLUMN TEXT: the field contains TEXT.
expect_field_has() {
  checks=$((checks + 1))
  case "$(field "$1" "$2")" in *"$3"*) ;; *) fail "$1 $2: '$(field "$1" "$2")' lacks '$3'" ;; esac
}

expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
cp "$STORE" "$WORK/before.h5"
expect_exit 0 "$CARECAST" quality --store "$STORE" --out "$REPORT"
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/before.h5" || fail "a report-only run changed the store"

# Outliers planted (data/README.md, "Quirks"): each found at its month.
expect_field_has "asc_requests/E08000019/65+" outlier_periods "2018-11"                        # extra digit typed
expect_field_has "nhs_ae_attendances/E08000019/all" outlier_periods "2017-08"                  # month loaded twice
expect_field_has "cs_contacts/E06000012/0-17" outlier_periods "2023-02"                        # backlog bulk load
expect_field_has "police_child_concern_notifications/North East Lincolnshire/0-17" outlier_periods "2021-06"  # partial extract
# The definitional break from April 2019.
expect_field "police_child_concern_notifications/Sheffield/0-17" break_period "2019-04"
# Gaps: three rows absent, three values empty.
expect_field "cs_contacts/E08000019/0-17" missing 3
expect_field "cs_contacts/E08000019/0-17" longest_gap 3
expect_field "police_domestic_abuse_incidents/North East Lincolnshire/all" missing 3
expect_field "police_domestic_abuse_incidents/North East Lincolnshire/all" missing_runs 1
# Suppressed small counts, as many as were planted.
expect_field "asc_home_care_starts/E06000012/18-64" suppressed 109
expect_field "asc_residential_admissions/E06000012/18-64" suppressed 64
expect_field "asc_residential_admissions/E06000012/65+" suppressed 46
expect_field "asc_nursing_admissions/E06000012/18-64" suppressed 22
expect_field "asc_nursing_admissions/E06000012/65+" suppressed 65
expect_field "asc_nursing_clients/E06000012/18-64" suppressed 26
# A clean series scores 100; the overall row closes the report.
expect_field "asc_nursing_admissions/E08000019/18-64" score "100.0"
expect_grep "$REPORT" "ALL,"
expect_exit 0 "$CARECAST" quality --store "$STORE" --series 'cs_contacts/*'
expect_grep "$WORK/out" "cs_contacts/E08000019/0-17,132,3,1,3,"

# Handling: everything at once, in one atomic write.
expect_exit 0 "$CARECAST" quality --store "$STORE" --impute --replace-outliers --breaks step --out "$WORK/report2.csv"
expect_grep "$WORK/err" "carecast: handled"
expect_same "$WORK/report2.csv" "$REPORT"                      # the report reads the originals
expect_exit 0 "$CARECAST" show --store "$STORE" cs_contacts/E08000019/0-17
expect_grep "$WORK/out" "2019-11,"
checks=$((checks + 1)); grep -q '^2019-11,[0-9]' "$WORK/out" || fail "the gap was not imputed"
expect_grep "$WORK/out" "imputed"
expect_exit 0 "$CARECAST" show --store "$STORE" asc_requests/E08000019/65+
checks=$((checks + 1)); grep '^2018-11,' "$WORK/out" | grep -q 'outlier' || fail "2018-11 not flagged an outlier"
checks=$((checks + 1)); grep '^2018-11,' "$WORK/out" | awk -F, '{ exit !($2 < 5000) }' || fail "2018-11 not replaced"
expect_exit 0 "$CARECAST" show --store "$STORE" "police_child_concern_notifications/Sheffield/0-17"
checks=$((checks + 1)); grep '^2019-04,' "$WORK/out" | grep -q 'break' || fail "the break is not flagged"
# Suppressed cells imputed inside their bound.
expect_exit 0 "$CARECAST" show --store "$STORE" asc_nursing_admissions/E06000012/65+
checks=$((checks + 1))
awk -F, '/suppressed/ && /imputed/ { n++; if ($2 == "" || $2 < 0 || $2 > $3) bad++ } END { exit !(n > 0 && bad == 0) }' "$WORK/out" ||
  fail "suppressed cells not imputed within [0, bound]"
# The models use the flags: fitting the handled series works.
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'police_child_concern_notifications/*' --jobs 1

# Shortening starts the series at the break; the original is still what is assessed.
expect_exit 0 "$CARECAST" quality --store "$STORE" --breaks shorten --series 'police_child_concern_notifications/Sheffield/*'
expect_exit 0 "$CARECAST" show --store "$STORE" "police_child_concern_notifications/Sheffield/0-17"
checks=$((checks + 1)); [ "$(sed -n 2p "$WORK/out" | cut -d, -f1)" = "2019-04" ] || fail "not shortened to 2019-04"
expect_exit 0 "$CARECAST" quality --store "$STORE" --series 'police_child_concern_notifications/Sheffield/*'
expect_grep "$WORK/out" "police_child_concern_notifications/Sheffield/0-17,132,"

# A new version of a source rebuilds its series from the sources: the handled
# series and the kept original are replaced by the new original.
mkdir "$WORK/v2"
cp "$PROJECT/data/sources/police_safeguarding.yaml" "$WORK/v2/"
grep -v ',2025-03,' "$PROJECT/data/sources/police_safeguarding.csv" >"$WORK/v2/police_safeguarding.csv"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$WORK/v2/police_safeguarding.csv"
expect_exit 0 "$CARECAST" show --store "$STORE" "police_child_concern_notifications/Sheffield/0-17"
checks=$((checks + 1)); [ "$(sed -n 2p "$WORK/out" | cut -d, -f1)" = "2014-04" ] || fail "the series was not rebuilt"
checks=$((checks + 1)); grep -q 'break\|imputed' "$WORK/out" && fail "the rebuilt series kept handled flags"
expect_exit 0 "$CARECAST" quality --store "$STORE" --series 'police_child_concern_notifications/Sheffield/*'
expect_grep "$WORK/out" "police_child_concern_notifications/Sheffield/0-17,131,"

# A crash before the commit leaves the store as it was.
cp "$STORE" "$WORK/kept.h5"
checks=$((checks + 1))
bash -c 'CARECAST_FAULT_KILL_AT=before-rename "$0" quality --store "$1" --impute >/dev/null 2>&1; exit $?' \
  "$CARECAST" "$STORE" 2>/dev/null
code=$?
[ "$code" -eq 137 ] || fail "exit $code from a run killed before its commit, expected 137 (SIGKILL)"
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/kept.h5" || fail "a killed run changed the store"

# Usage and bad input.
expect_exit 2 "$CARECAST" quality
expect_exit 2 "$CARECAST" quality --store "$STORE" --breaks sideways
expect_grep "$WORK/err" "not a break handling"
expect_exit 2 "$CARECAST" quality --store "$STORE" extra
expect_exit 1 "$CARECAST" quality --store "$WORK/absent.h5"
expect_exit 0 "$CARECAST" quality --help
expect_grep "$WORK/out" "usage: carecast quality"
finish
