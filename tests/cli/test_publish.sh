# test_publish.sh: carecast publish on the embedded data applies the disclosure rules
# (data/disclosure.yaml): no children's count of 1 to 5 and no health count of 1 to 7
# appears as a number, health counts are multiples of 5, values the DfE suppressed
# stay suppressed, a table with its total gets a complementary suppression,
# --internal says so on every row, and a bad rules file is named by line and key.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
OUT="$WORK/published.csv"

expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'cs_cla*' --model naive
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 12 --paths 10
cp "$STORE" "$WORK/before.h5"
expect_exit 0 "$CARECAST" publish --store "$STORE" --out "$OUT"
checks=$((checks + 1)); cmp -s "$STORE" "$WORK/before.h5" || fail "publish changed the store"
expect_grep "$WORK/err" "disclosure rules from $PROJECT/data/disclosure.yaml"
checks=$((checks + 1)); [ "$(head -1 "$OUT")" = "series_id,period,type,value,rule" ] || fail "header: $(head -1 "$OUT")"

# count_rows AWK_CONDITION: data rows of the output matching the condition (fields $1..$5).
count_rows() { awk -F, "NR > 1 && ($1)" "$OUT" | wc -l; }
# expect_none AWK_CONDITION WHAT: no row matches.
expect_none() {
  checks=$((checks + 1))
  n=$(count_rows "$1")
  [ "$n" -eq 0 ] || { fail "$n rows with $2"; awk -F, "NR > 1 && ($1)" "$OUT" | head -3 >&2; }
}
# expect_some AWK_CONDITION WHAT: at least one row matches.
expect_some() {
  checks=$((checks + 1))
  [ "$(count_rows "$1")" -gt 0 ] || fail "no row with $2"
}
number='$4 ~ /^-?[0-9.]+$/'
expect_none "\$1 ~ /^cs_/ && $number && \$4 + 0 >= 1 && \$4 + 0 <= 5" "a children's count of 1 to 5 shown"
expect_none "\$1 ~ /^cs_/ && \$5 != \"dfe\"" "a children's count not under the dfe rule"
expect_some "\$1 ~ /^cs_/ && \$4 == \"c\"" "a children's count suppressed"
expect_none "\$1 ~ /^(nhs|asc)_/ && $number && \$4 + 0 >= 1 && \$4 + 0 <= 7" "a health count of 1 to 7 shown"
expect_none "\$1 ~ /^(nhs|asc)_/ && $number && \$4 % 5 != 0" "a health count not rounded to 5"
expect_some "\$1 ~ /^asc_/ && \$4 == \"*\"" "a health count suppressed"
expect_none "\$1 ~ /(_rate_per_10k|^asc_oflog|_ro3_)/" "a rate or amount published"
expect_grep "$OUT" "population/E06000012/0-17,2013,observed,34275,ons"   # ONS estimates as published
expect_some "\$1 ~ /^cs_cla\\// && \$3 == \"forecast\"" "a forecast"
# DfE's own suppression (2022/23, North East Lincolnshire, plans by duration) is kept, totals shown.
expect_grep "$OUT" "cs_dfe_cpp_at31_le_3m/E06000012/0-17,2022/23,observed,c,dfe"
expect_grep "$OUT" "cs_dfe_cpp_at31_2y_plus/E06000012/0-17,2022/23,observed,c,dfe"
expect_grep "$OUT" "cs_dfe_cpp_at31/E06000012/0-17,2022/23,observed,282,dfe"
expect_grep "$OUT" "cs_dfe_cpp_at31_3m_6m/E06000012/0-17,2022/23,observed,82,dfe"

# A total and its parts with one small part: a second part is hidden with it.
cat >"$WORK/cla.yaml" <<'YAML'
source_id: test_cla
organisation: council
organisation_name: Test Council
data_sharing_agreement: DSA-1
licence: OGL-3.0
refreshed: 2025-01-31
measures:
  cs_cla: {frequency: month, kind: stock, unit: children}
  cs_cla_foster: {frequency: month, kind: stock, unit: children}
  cs_cla_residential: {frequency: month, kind: stock, unit: children}
  cs_cla_other: {frequency: month, kind: stock, unit: children}
YAML
cat >"$WORK/cla.csv" <<'CSV'
geography_code,period,measure,age_band,value
E08000019,2024-01,cs_cla,0-17,120
E08000019,2024-01,cs_cla_foster,0-17,90
E08000019,2024-01,cs_cla_residential,0-17,27
E08000019,2024-01,cs_cla_other,0-17,3
E08000019,2024-02,cs_cla,0-17,121
E08000019,2024-02,cs_cla_foster,0-17,91
E08000019,2024-02,cs_cla_residential,0-17,22
E08000019,2024-02,cs_cla_other,0-17,8
CSV
expect_exit 0 "$CARECAST" ingest --store "$WORK/cla.h5" "$WORK/cla.csv"
expect_exit 0 "$CARECAST" publish --store "$WORK/cla.h5" --out "$WORK/cla_out.csv"
expect_grep "$WORK/cla_out.csv" "cs_cla_other/E08000019/0-17,2024-01,observed,c,dfe"
expect_grep "$WORK/cla_out.csv" "cs_cla_residential/E08000019/0-17,2024-01,observed,c,dfe"   # the complement
expect_grep "$WORK/cla_out.csv" "cs_cla_foster/E08000019/0-17,2024-01,observed,90,dfe"
expect_grep "$WORK/cla_out.csv" "cs_cla/E08000019/0-17,2024-01,observed,120,dfe"
expect_grep "$WORK/cla_out.csv" "cs_cla_residential/E08000019/0-17,2024-02,observed,22,dfe"  # nothing small in February
# A part selected alone is protected as part of its table all the same.
expect_exit 0 "$CARECAST" publish --store "$WORK/cla.h5" --out "$WORK/one.csv" --series 'cs_cla_residential/*'
expect_grep "$WORK/one.csv" "cs_cla_residential/E08000019/0-17,2024-01,observed,c,dfe"
checks=$((checks + 1)); [ "$(wc -l <"$WORK/one.csv")" -eq 3 ] || fail "--series kept $(wc -l <"$WORK/one.csv") lines"

# --internal: everything as it is, and every row says so.
expect_exit 0 "$CARECAST" publish --store "$WORK/cla.h5" --out "$WORK/internal.csv" --internal
expect_grep "$WORK/internal.csv" "cs_cla_other/E08000019/0-17,2024-01,observed,3,internal"
expect_grep "$WORK/err" "NO DISCLOSURE CONTROL"
checks=$((checks + 1)); [ "$(awk -F, 'NR > 1 && $5 != "internal"' "$WORK/internal.csv" | wc -l)" -eq 0 ] || fail "an --internal row not marked internal"

# Another rules file; a bad one is named by file, line and key and nothing is written.
cat >"$WORK/strict.yaml" <<'YAML'
rules:
  strict:
    suppress: [1, 10]
    symbol: x
default: strict
YAML
expect_exit 0 "$CARECAST" publish --store "$WORK/cla.h5" --out "$WORK/strict.csv" --rules "$WORK/strict.yaml"
expect_grep "$WORK/strict.csv" "cs_cla_other/E08000019/0-17,2024-02,observed,x,strict"
printf 'rules:\n  strict:\n    suppress: [10, 1]\n    symbol: x\ndefault: strict\n' >"$WORK/bad.yaml"
expect_exit 1 "$CARECAST" publish --store "$WORK/cla.h5" --out "$WORK/bad.csv" --rules "$WORK/bad.yaml"
expect_grep "$WORK/err" "$WORK/bad.yaml:3: suppress: [10, 1]: the largest count suppressed is below the smallest"
checks=$((checks + 1)); [ ! -e "$WORK/bad.csv" ] && [ ! -e "$WORK/bad.csv.partial" ] || fail "a CSV was written from a bad rules file"

# Usage.
expect_exit 2 "$CARECAST" publish --store "$STORE"
expect_grep "$WORK/err" "--out is required"
expect_exit 2 "$CARECAST" publish --store "$STORE" --out "$WORK/x.csv" --internal --rules "$WORK/strict.yaml"
expect_exit 1 "$CARECAST" publish --store "$STORE" --out "$WORK/x.csv" --run 19990101T000000Z
expect_exit 0 "$CARECAST" publish --help
expect_grep "$WORK/out" "usage: carecast publish"
finish
