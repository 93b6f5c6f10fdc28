# test_report.sh: carecast report on a small store (the embedded data, the
# older people's stock-and-flow model, naive models of the NHS series, one
# scenario run): the HTML is self-contained (nothing fetched from a network,
# no external script, style or font), every chart is an inline <svg> that
# parses as XML, the sections and the scenario are there, --internal marks
# the page, and the errors: an unknown scenario run, a store without
# forecasts, a glob that matches nothing, a folder that does not exist
# (nothing half-written left behind), missing options.
. "$(dirname "$0")/lib.sh"
STORE="$WORK/store.h5"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
cp "$STORE" "$WORK/no_forecasts.h5"
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$PROJECT/models/asc_older_people.yaml"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 5y --paths 200
expect_exit 0 "$CARECAST" scenario --store "$STORE" "$PROJECT/scenarios/reablement_expansion.yaml" --draws 500
run_id=$(sed -n 's#.*Stored as /scenarios/\([^;]*\);.*#\1#p; s#.*Stored as /scenarios/\([^ ]*\)$#\1#p' "$WORK/out" | head -1)
checks=$((checks + 1)); [ -n "$run_id" ] || fail "no scenario run id in the scenario's output"
expect_exit 0 "$CARECAST" fit --store "$STORE" --series 'nhs_*' --model naive
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 3y --paths 200

HTML="$WORK/report.html"
expect_exit 0 "$CARECAST" report --store "$STORE" --out "$HTML"
expect_grep "$WORK/err" "report: "
expect_grep "$WORK/err" "1 scenario run"
expect_grep "$HTML" "<!DOCTYPE html>"
expect_grep "$HTML" "Summary: demand by service"
expect_grep "$HTML" "Adult social care"
expect_grep "$HTML" "NHS"
expect_grep "$HTML" "asc_residential_clients/E08000019/65+"
expect_grep "$HTML" "asc_residential_clients, Sheffield (E08000019), 65+"
expect_grep "$HTML" "Data quality"
expect_grep "$HTML" "Chosen models and residual checks"
expect_grep "$HTML" "Rolling-origin backtest accuracy"
expect_grep "$HTML" "reablement_expansion (run $run_id)"
expect_grep "$HTML" "Savings by year and organisation"
expect_grep "$HTML" "id=\"tornado-1\""
expect_grep "$HTML" "id=\"savings-1\""
expect_grep "$HTML" "Disclosure control of the counts shown: published counts follow data/disclosure.yaml"
checks=$((checks + 1))
! grep -q "internal: not for publication" "$HTML" || fail "a report for publication says it is internal"

# Self-contained: nothing to load from elsewhere.
checks=$((checks + 1))
! grep -Eiq '(src|href)=["'"'"']?(https?:)?//' "$HTML" || fail "the report loads something from a network"
checks=$((checks + 1))
! grep -Eiq '<script[^>]*src=|<link[^>]*>|@import|url\(|<img|<iframe|<object|<embed' "$HTML" || fail "the report refers to an external file"
# Every chart is an inline svg, and each one (and the page's markup around them) parses as XML.
charts=$(grep -o '<svg ' "$HTML" | wc -l)
checks=$((checks + 1)); [ "$charts" -ge 20 ] || fail "only $charts charts"
checks=$((checks + 1))
[ "$(grep -o 'class="chart"' "$HTML" | wc -l)" -eq "$charts" ] || fail "an svg that is not a chart, or a chart that is not an svg"
checks=$((checks + 1))
python3 - "$HTML" "$charts" <<'PY' || fail "a chart is not well-formed XML"
import re, sys, xml.dom.minidom
text = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg .*?</svg>", text, re.S)
assert len(svgs) == int(sys.argv[2]), (len(svgs), sys.argv[2])
for svg in svgs:
    doc = xml.dom.minidom.parseString(svg.encode("utf-8"))
    root = doc.documentElement
    assert root.getElementsByTagName("title"), "a chart without a title"
    texts = [t.firstChild.data for t in root.getElementsByTagName("text") if t.firstChild]
    assert any(t for t in texts), "a chart without labels"
    assert root.getElementsByTagName("g"), "a chart without axes"
PY

# --internal: every page says so (the banner is fixed on every printed page), and --series chooses.
expect_exit 0 "$CARECAST" report --store "$STORE" --out "$WORK/internal.html" --internal --series 'nhs_ae_*' --no-backtest
expect_grep "$WORK/internal.html" '<div class="internal-banner" role="note">internal: not for publication</div>'
expect_grep "$WORK/internal.html" "nhs_ae_attendances/E08000019/all"
checks=$((checks + 1))
! grep '<h4 id="series-' "$WORK/internal.html" | grep -vq '>nhs_ae_attendances, ' || fail "--series did not choose"
expect_exit 0 "$CARECAST" report --store "$STORE" --out "$WORK/one.html" --scenario "$run_id" --no-backtest
expect_grep "$WORK/one.html" "reablement_expansion (run $run_id)"

# Errors: clear, non-zero, and no report written.
expect_exit 1 "$CARECAST" report --store "$STORE" --out "$WORK/bad.html" --scenario 20990101T000000Z
expect_grep "$WORK/err" "no scenario run '20990101T000000Z' in the store"
expect_exit 1 "$CARECAST" report --store "$WORK/no_forecasts.h5" --out "$WORK/bad.html"
expect_grep "$WORK/err" "the store has no forecasts"
expect_exit 1 "$CARECAST" report --store "$STORE" --out "$WORK/bad.html" --series 'nothing_like_this/*'
expect_grep "$WORK/err" "no forecast series matches the --series patterns"
expect_exit 3 "$CARECAST" report --store "$STORE" --out "$WORK/no/such/folder/r.html" --no-backtest
expect_grep "$WORK/err" "cannot create"
checks=$((checks + 1)); [ ! -e "$WORK/bad.html" ] && [ ! -e "$WORK/bad.html.partial" ] || fail "a failed report left a file"
expect_exit 1 "$CARECAST" report --store "$WORK/missing.h5" --out "$WORK/bad.html"
expect_exit 1 "$CARECAST" report --store "$STORE" --out "$WORK/bad.html" --lookups "$WORK/no_lookups"
expect_grep "$WORK/err" "no_lookups/local_authorities.csv: cannot open"
expect_exit 2 "$CARECAST" report --store "$STORE"
expect_grep "$WORK/err" "--out is required"
expect_exit 2 "$CARECAST" report --out "$WORK/bad.html"
expect_grep "$WORK/err" "--store is required"
expect_exit 0 "$CARECAST" report --help
expect_grep "$WORK/out" "usage: carecast report"
finish
