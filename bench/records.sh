#!/bin/bash
# records.sh: time and memory of carecast link-records on synthetic extracts
# of a chosen size (made by data/records/generate.py), with precision and
# recall against the generator's truth.
#
#   bench/records.sh [--discharges N] [--care-starts M] [--build DIR] [--keep DIR]
#
# Defaults: 100000 x 100000 (two thirds of the care starts are true matches),
# build in /tmp/build-bench-records. Prints /usr/bin/time -v's elapsed time and
# maximum resident set size, the linker's own progress lines, and precision and
# recall. Not part of the test suite: timings are never asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(dirname "$here")
discharges=100000
care_starts=100000
build=/tmp/build-bench-records
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --discharges) discharges=$2; shift 2 ;;
    --care-starts) care_starts=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: bench/records.sh [--discharges N] [--care-starts M] [--build DIR] [--keep DIR]" >&2; exit 2 ;;
  esac
done
work=${keep:-$(mktemp -d /tmp/carecast-records-XXXXXX)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
cmake -S "$project" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARECAST_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target carecast >/dev/null
/usr/bin/python3 "$project/data/records/generate.py" --out "$work" --discharges "$discharges" --care-starts "$care_starts"
key="$project/data/records/DEMO-KEY-NOT-SECRET.key"
/usr/bin/time -v "$build/carecast" link-records --key "$key" --out "$work/linked.csv" \
  "$work/discharges.csv" "$work/care_starts.csv" 2>"$work/time.txt" || { cat "$work/time.txt" >&2; exit 1; }
grep -v -E '^\s+(Average|Exit|Page|Swaps|File|Socket|Signals|Volun|Invol|Percent|Major|Minor|System time|User time|Command)' \
  "$work/time.txt" | grep -v '^\s*$'
/usr/bin/python3 - "$key" "$work/truth.csv" "$work/linked.csv" <<'PY'
import csv, hashlib, hmac, sys
key = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
def pseudonym(domain, value):
    return hmac.new(key, domain.encode() + b"\0" + value.encode(), hashlib.sha256).hexdigest()
truth = {(pseudonym("record_id:a", r["discharge_record_id"]), pseudonym("record_id:b", r["care_start_record_id"]))
         for r in csv.DictReader(open(sys.argv[2]))}
links = {(r["a_pseudonym"], r["b_pseudonym"]) for r in csv.DictReader(open(sys.argv[3]))}
found = len(truth & links)
print("links %d, true pairs %d: precision %.4f, recall %.4f" % (len(links), len(truth), found / max(len(links), 1),
                                                              found / max(len(truth), 1)))
PY
