# test_report_browser.sh: the report opened in a real browser, headless
# Chromium (Debian's chromium package, scripts/install-deps.sh): the page
# loads with no console message (a script error, a malformed SVG path), the
# page's own check finds every chart drawn (each <svg class="chart"> has a
# size and data marks with finite, non-empty boxes), and a screenshot is
# taken that is not blank. The same checks are then run on two copies of
# the report broken on purpose -- one chart's path given a NaN coordinate,
# one chart emptied of its marks -- and must fail on each: the test can fail.
. "$(dirname "$0")/lib.sh"
BROWSER=${CARECAST_CHROMIUM:-chromium}
if ! command -v "$BROWSER" >/dev/null 2>&1; then
  echo "FAIL: $BROWSER is not installed (scripts/install-deps.sh installs Debian's chromium)" >&2
  exit 1
fi
BROWSER_TIMEOUT=120 # seconds a headless browser may take to load and draw the page

STORE="$WORK/store.h5"
expect_exit 0 "$CARECAST" ingest --store "$STORE" "$PROJECT"/data/sources/*.csv
expect_exit 0 "$CARECAST" fit --store "$STORE" --model stockflow:"$PROJECT/models/asc_older_people.yaml"
expect_exit 0 "$CARECAST" forecast --store "$STORE" --horizon 5y --paths 200
expect_exit 0 "$CARECAST" scenario --store "$STORE" "$PROJECT/scenarios/reablement_expansion.yaml" --draws 500
HTML="$WORK/report.html"
expect_exit 0 "$CARECAST" report --store "$STORE" --out "$HTML" --internal --no-backtest

# browse HTML NAME: load the page, keep its DOM after the scripts ran in
# $WORK/NAME.dom and the browser's log (console messages) in $WORK/NAME.log.
browse() {
  timeout "$BROWSER_TIMEOUT" "$BROWSER" --headless --disable-gpu --no-sandbox --user-data-dir="$WORK/profile" \
    --enable-logging=stderr --v=0 --dump-dom "file://$1" >"$WORK/$2.dom" 2>"$WORK/$2.log"
}

# page_ok NAME: 0 when the page loaded without a console message and every chart drew.
page_ok() {
  if grep -q ':CONSOLE' "$WORK/$1.log"; then
    grep ':CONSOLE' "$WORK/$1.log" | head -3 | sed 's/^/  console: /' >&2
    return 1
  fi
  python3 - "$WORK/$1.dom" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
body = re.search(r"<body([^>]*)>", dom)
if not body:
    sys.exit("no body in the page")
attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', body.group(1)))
charts, drawn, errors = (attributes.get(k) for k in ("data-charts", "data-charts-drawn", "data-errors"))
if charts is None:
    sys.exit("the page's chart check did not run")
svgs = dom.count("<svg ")
if int(charts) != svgs or int(charts) == 0:
    sys.exit("the check saw %s charts, the page has %d" % (charts, svgs))
if drawn != charts:
    sys.exit("%s of %s charts drawn; not drawn: %s" % (drawn, charts,
             re.findall(r'<svg [^>]*id="([^"]*)"[^>]*data-drawn="no"', dom)))
if errors != "0":
    sys.exit("%s script errors" % errors)
PY
}

browse "$HTML" report
checks=$((checks + 1))
page_ok report || fail "the report did not load cleanly in $BROWSER"
expect_grep "$WORK/report.dom" 'data-drawn="yes"'

# A screenshot, as a reader sees the top of the page: it exists and is not blank.
SHOT="$WORK/report.png"
timeout "$BROWSER_TIMEOUT" "$BROWSER" --headless --disable-gpu --no-sandbox --user-data-dir="$WORK/profile" \
  --hide-scrollbars --screenshot="$SHOT" --window-size=1280,2000 "file://$HTML" >"$WORK/shot.log" 2>&1
checks=$((checks + 1))
python3 - "$SHOT" <<'PY' || fail "the screenshot is missing or blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, chunks = 8, {}
idat = b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG format"
channels = 3 if colour == 2 else 4
raw, stride = zlib.decompress(idat), width * channels
rows, previous, at = [], bytearray(stride), 0
decoded = min(height, 800)  # the top of the page is enough to judge, and pure Python is slow
for _ in range(decoded):  # undo the PNG row filters (RFC 2083, 6.3)
    kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
    at += 1 + stride
    for i in range(stride):
        left = line[i - channels] if i >= channels else 0
        up, corner = previous[i], previous[i - channels] if i >= channels else 0
        if kind == 1: line[i] = (line[i] + left) & 255
        elif kind == 2: line[i] = (line[i] + up) & 255
        elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
    rows.append(line)
    previous = line
assert width == 1280 and height == 2000, (width, height)
inked, colours = 0, set()
for line in rows[::4]:
    for x in range(0, stride, channels * 4):
        pixel = bytes(line[x:x + 3])
        colours.add(pixel)
        inked += pixel != b"\xff\xff\xff"
sampled = (decoded // 4) * (width // 4)
assert inked > 0.02 * sampled, "blank: %d of %d sampled pixels are not white" % (inked, sampled)
assert len(colours) > 20, "only %d colours" % len(colours)
PY

# Broken on purpose, the checks fail: a NaN in one chart's path ...
sed '0,/<path class="mark" d="M/s//<path class="mark" d="Mnan /' "$HTML" >"$WORK/broken_nan.html"
browse "$WORK/broken_nan.html" broken_nan
checks=$((checks + 1))
! page_ok broken_nan 2>/dev/null || fail "a chart with a NaN coordinate passed the browser check"
checks=$((checks + 1))
grep -q ':CONSOLE' "$WORK/broken_nan.log" || fail "the browser did not complain about the NaN path"
# ... and one chart without any mark.
python3 - "$HTML" "$WORK/broken_empty.html" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
start = text.rindex('<svg ', 0, text.index('id="fan-2"'))
end = text.index('</svg>', start)
chart = re.sub(r'<path class="mark"[^>]*/>', "", text[start:end])
open(sys.argv[2], "w", encoding="utf-8").write(text[:start] + chart + text[end:])
PY
browse "$WORK/broken_empty.html" broken_empty
checks=$((checks + 1))
! page_ok broken_empty 2>/dev/null || fail "a chart without marks passed the browser check"
checks=$((checks + 1))
grep -q 'id="fan-2"[^>]*data-drawn="no"' "$WORK/broken_empty.dom" || fail "the emptied chart was not marked as not drawn"
finish
