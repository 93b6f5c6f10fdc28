# test_import.sh: carecast import on trimmed real files (tests/data/import: DfE
# EES tables for every English local authority, 2023/24 and 2024/25; ONS SNPP
# 2022-based for the two councils and 2016-based ages 60+), then ingest of the
# results into a fresh store together with the embedded data/sources. The
# embedded DfE and ONS sources were built from the same published files
# (data/README.md), so where both hold a figure for Sheffield (E08000019) or
# North East Lincolnshire (E06000012) the two must agree: exactly for DfE
# counts, and to the whole person for the SNPP bands (the embedded projection
# is rounded). With CARECAST_IMPORT_FULL=DIR (e.g. /work/shared/data/uk) the
# full published files in DIR are imported and ingested as well.
. "$(dirname "$0")/lib.sh"
DATA="$PROJECT/tests/data/import"
OUT="$WORK/sources"
STORE="$WORK/store.h5"
mkdir "$OUT"

# --help lists the formats; usage errors.
expect_exit 0 "$CARECAST" import --help
expect_grep "$WORK/out" "dfe-ees"
expect_grep "$WORK/out" "ons-snpp"
expect_exit 2 "$CARECAST" import --format dfe-xyz "$DATA/ees_cpp_excerpt.csv"
expect_grep "$WORK/err" "'dfe-xyz' is not a format"
expect_grep "$WORK/err" "ons-snpp"
expect_exit 2 "$CARECAST" import "$DATA/ees_cpp_excerpt.csv"
expect_exit 2 "$CARECAST" import --format dfe-ees
expect_exit 2 "$CARECAST" import --format dfe-ees --reporting-year school "$DATA/ees_cpp_excerpt.csv"

# A file in another format: the missing column is named; nothing is written.
expect_exit 1 "$CARECAST" import --format ons-snpp --out "$OUT" "$DATA/ees_cpp_excerpt.csv"
expect_grep "$WORK/err" "ees_cpp_excerpt.csv:1: AREA_CODE: no such column"
expect_exit 1 "$CARECAST" import --format dfe-ees --out "$OUT" "$DATA/snpp2016_excerpt.csv"
expect_grep "$WORK/err" "snpp2016_excerpt.csv:1: time_period: no such column"
# A bad cell: FILE:LINE: column.
sed '5s/,502,/,5O2,/' "$DATA/ees_cpp_excerpt.csv" >"$WORK/bad_cell.csv"
expect_exit 1 "$CARECAST" import --format dfe-ees --out "$OUT" "$WORK/bad_cell.csv"
expect_grep "$WORK/err" "bad_cell.csv:5: CPP_start: '5O2' is not a number"
expect_exit 1 "$CARECAST" import --format dfe-ees --out "$WORK/no/such/folder" "$DATA/ees_cpp_excerpt.csv"
expect_grep "$WORK/err" "--out: no such folder"
checks=$((checks + 1)); [ -z "$(ls "$OUT")" ] || fail "a failed import left files in $OUT"

# Each real format, as a user would import it.
ees() { expect_exit 0 "$CARECAST" import --format dfe-ees --out "$OUT" --age-band 0-17 --refreshed 2026-11-29 "$@"; }
ees "$DATA/b1_children_in_need_2013_to_2025_2024_2025.csv" --source-id dfe_b1
expect_grep "$WORK/out" "in 165 areas (153 local authorities)"
ees "$DATA/c1_children_in_need_referrals_and_rereferrals_2013_to_2025_2024_2025.csv" --source-id dfe_c1
ees "$DATA/d5_cpps_at31march_by_duration_2013_to_2025_2024_2025.csv" --source-id dfe_d5
expect_grep "$WORK/out" "suppressed"
# DfE's copy of ONS's mid-year estimates: time_period is the mid-year (2024), not a year ending 31 March.
expect_exit 0 "$CARECAST" import --format dfe-ees --out "$OUT" --reporting-year calendar --age-column age_group \
  --source-id dfe_ons_population --measure-prefix dfe_ons_ "$DATA/ons_mid-year_population_estimates_2012_to_2024_2023_2024.csv"
ees "$DATA/cla_number_and_rate_per_10k_children_2024_2025.csv" --source-id dfe_cla \
  --rename "Children looked after on 31 March each year=at31" \
  --rename "Children starting to be looked after each year=starts" \
  --rename "Children ceasing to be looked after each year=ceased"
expect_grep "$WORK/out" "not applicable (left out)"
expect_exit 0 "$CARECAST" import --format ons-snpp --out "$OUT" --source-id snpp2022 --measure snpp2022_population \
  --age-bands 0-17,18-64,65+,65-74,75-84,85+,all --release "2022-based, migration category variant, 24 June 2025" \
  "$DATA/snpp2022_migcat_2023geog_persons_E08000019_E06000012.csv"
expect_exit 0 "$CARECAST" import --format ons-snpp --out "$OUT" --source-id snpp2016 --measure snpp2016_population \
  --age-bands 65-74,75-84,85+,65+ --release "2016-based, 24 May 2018" "$DATA/snpp2016_excerpt.csv"
# The older DfE layout: one statistical first release file per year, 2012/13 to 2016/17.
for f in "$DATA"/SFR*_CLA20*.csv; do
  expect_exit 0 "$CARECAST" import --format dfe-sfr --out "$OUT" --age-band 0-17 --refreshed 2026-11-29 "$f"
done
expect_grep "$OUT/sfr50_cla2017.yaml" "(INNER LONDON, OUTER LONDON)"
expect_grep "$OUT/snpp2016.yaml" "original_sha256: $(sha256sum "$DATA/snpp2016_excerpt.csv" | cut -c1-64)"
expect_grep "$OUT/dfe_b1.yaml" "  E08000019: \"Sheffield\""
expect_grep "$OUT/dfe_b1.yaml" "licence: OGL-3.0"

# The results ingest cleanly together with the embedded data.
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv "$OUT"/*.csv
expect_grep "$WORK/out" "source dfe_cla new (version 1"

# same EMBEDDED IMPORTED BAND [ROUND [PERIOD]]: for both councils, every period
# the two series share (or only PERIOD) has the same value (ROUND=1: the
# imported value rounded to a whole number).
same() {
  for area in E08000019 E06000012; do
    checks=$((checks + 1))
    "$CARECAST" show --store "$STORE" "$1/$area/$3" >"$WORK/a" 2>"$WORK/err" &&
      "$CARECAST" show --store "$STORE" "$2/$area/$3" >"$WORK/b" 2>>"$WORK/err" || {
      fail "cannot show $1 or $2 for $area/$3: $(head -1 "$WORK/err")"
      continue
    }
    verdict=$(awk -F, -v round="${4:-0}" -v only="${5:-}" '
      FNR == 1 { next }
      only != "" && $1 != only { next }
      NR == FNR { if ($2 != "") a[$1] = $2; next }
      ($1 in a) && $2 != "" { n++; v = round ? sprintf("%.0f", $2) : $2; if (v + 0 != a[$1] + 0) bad = bad " " $1 ":" a[$1] "/" $2 }
      END { if (bad != "") print "differ" bad; else if (n == 0) print "no common period"; else print "ok " n }' "$WORK/a" "$WORK/b")
    case "$verdict" in ok*) ;; *) fail "$1 vs $2 for $area/$3: $verdict" ;; esac
  done
}
same cs_dfe_referrals dfe_referral_count 0-17
same cs_dfe_rereferrals dfe_rereferral_count 0-17
same cs_dfe_cin_starts dfe_started_episodes 0-17
same cs_dfe_cin_ends dfe_ended_episodes 0-17
same cs_dfe_cin_at31 dfe_at31_episodes 0-17
same cs_dfe_cpp_at31 dfe_cpp_at31 0-17
same cs_dfe_cpp_at31_le_3m dfe_3_months_or_less 0-17
same cs_dfe_cpp_at31_1y_2y dfe_1_year_less_than_2_years 0-17
same cs_dfe_cla_at31 dfe_children_count_at31 0-17
same cs_dfe_cla_starts dfe_children_count_starts 0-17
same cs_dfe_cla_ceased dfe_children_count_ceased 0-17
same population dfe_ons_population_estimate 0-17
same cs_dfe_cla_at31 dfe_cla_mar 0-17
same cs_dfe_cla_during_year dfe_cla 0-17
same cs_dfe_cla_at31_foster dfe_cla_fost 0-17
same cs_dfe_cla_at31_placed_with_parents dfe_cla_parent 0-17
same cs_dfe_cla_at31_other_residential dfe_cla_ores 0-17
same cs_dfe_cla_at31_secure_homes_hostels dfe_cla_secure 0-17
for band in 0-17 18-64 65+ 65-74 75-84 85+ all; do same population_projection snpp2022_population "$band" 1; done
# Of the embedded population by band, only mid-2016 is the 2016-based SNPP's own (its base year); other years are estimated.
for band in 65-74 75-84 85+; do same population snpp2016_population "$band" 0 2016; done

# Imported at local-authority level, the real tables link cleanly with the embedded data:
# every council's code is in the lookups (national and regional rows are not councils and
# are left out with --level; the lookups hold local authorities, ICBs and police areas).
LA="$WORK/la"
mkdir -p "$LA"
for f in b1_children_in_need_2013_to_2025_2024_2025 c1_children_in_need_referrals_and_rereferrals_2013_to_2025_2024_2025 \
  d5_cpps_at31march_by_duration_2013_to_2025_2024_2025; do
  expect_exit 0 "$CARECAST" import --format dfe-ees --out "$LA" --age-band 0-17 --refreshed 2026-11-29 \
    --level "Local authority" --source-id "la_$(echo "$f" | cut -c1-2)" "$DATA/$f.csv"
done
expect_exit 0 "$CARECAST" ingest --store "$WORK/linked.h5" "$PROJECT"/data/sources/*.csv "$LA"/*.csv
expect_exit 0 "$CARECAST" link --store "$WORK/linked.h5" --data "$PROJECT/data" --strict
expect_grep "$WORK/out" "could not link: none"

# The full published files, when a folder of them is given.
if [ -n "${CARECAST_IMPORT_FULL:-}" ] && [ -d "$CARECAST_IMPORT_FULL" ]; then
  FULL="$WORK/full"
  mkdir "$FULL"
  for f in "$CARECAST_IMPORT_FULL"/dfe-children-in-need/[bcd][0-9]_*.csv \
    "$CARECAST_IMPORT_FULL"/dfe-children-in-need/ons_mid-year_population_estimates_2012_to_2024.csv; do
    expect_exit 0 "$CARECAST" import --format dfe-ees --out "$FULL" --age-band 0-17 --measure-prefix full_ "$f"
    cat "$WORK/out"
  done
  expect_exit 0 "$CARECAST" import --format ons-snpp --out "$FULL" --measure full_snpp2016 \
    "$CARECAST_IMPORT_FULL"/ons-snpp-2016-age60plus-all-la/local_authority_pop_estimates.csv
  cat "$WORK/out"
  expect_exit 0 "$CARECAST" ingest --store "$WORK/full.h5" "$PROJECT"/data/sources/*.csv "$FULL"/*.csv
fi
finish
