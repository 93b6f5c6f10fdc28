#!/bin/bash
# link_scale.sh: time carecast link on a synthetic store covering every current
# authority in data/lookups: MEASURES monthly measures (default 10) over 132
# months in four publisher bands (0-15, 16-24, 25-64, 65+: every 16-24 series is
# split by population), areas named by name rather than code, and a population
# series per band. Prints the store size and the wall time of ingest and link.
#   bench/link_scale.sh [--measures N] [--build DIR] [--keep DIR]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEASURES=10
BUILD=$ROOT/bench/build-link # inside the checkout: a build folder configured by another checkout makes cmake fail
KEEP=
while [ $# -gt 0 ]; do
  case $1 in
    --measures) MEASURES=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    *) echo "usage: $0 [--measures N] [--build DIR] [--keep DIR]" >&2; exit 2 ;;
  esac
done
WORK=${KEEP:-$(mktemp -d /tmp/carecast-link-bench-XXXXXX)}
mkdir -p "$WORK"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target carecast >/dev/null
/usr/bin/python3 - "$ROOT/data/lookups/local_authorities.csv" "$WORK" "$MEASURES" <<'PY'
import csv, random, sys
lookup, out, n_measures = sys.argv[1], sys.argv[2], int(sys.argv[3])
las = [r for r in csv.DictReader(open(lookup)) if r["status"] == "current"]
rng = random.Random(1)
bands = ["0-15", "16-24", "25-64", "65+"]
months = [f"{2014 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}" for m in range(132)]
with open(f"{out}/bench_activity.yaml", "w") as f:
    f.write("source_id: bench_activity\norganisation: nhs_trust\norganisation_name: Bench\n"
            "data_sharing_agreement: none\nlicence: OGL-3.0\nrefreshed: 2025-04-30\nmeasures:\n")
    for k in range(n_measures):
        f.write(f"  bench_m{k}: {{frequency: month, kind: flow, unit: events}}\n")
    f.write("  population: {frequency: year, kind: stock, unit: people}\n")
with open(f"{out}/bench_activity.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["geography_code", "period", "measure", "age_band", "value"])
    for la in las:
        for k in range(n_measures):
            for b in bands:
                for p in months:
                    w.writerow([la["name"], p, f"bench_m{k}", b, rng.randint(0, 400)])
        for b, size in (("0-17", 40000), ("18-64", 120000), ("65+", 35000)):
            for y in range(2014, 2026):
                w.writerow([la["code"], y, "population", b, size + rng.randint(-500, 500)])
print(f"{len(las)} authorities x {n_measures} measures x {len(bands)} bands x {len(months)} months")
PY
rm -f "$WORK/store.h5"
start=$(date +%s.%N)
"$BUILD/carecast" ingest --store "$WORK/store.h5" "$WORK/bench_activity.csv" >/dev/null
mid=$(date +%s.%N)
"$BUILD/carecast" link --store "$WORK/store.h5" --data "$ROOT/data" >"$WORK/link.txt" 2>/dev/null
end=$(date +%s.%N)
"$BUILD/carecast" link --store "$WORK/store.h5" --data "$ROOT/data" >/dev/null 2>&1
again=$(date +%s.%N)
head -1 "$WORK/link.txt"
printf 'places matched by name: %s, series split by population: %s\n' "$(grep -c ' -> E' "$WORK/link.txt")" \
  "$(grep -c 'in proportion to population' "$WORK/link.txt")"
printf 'ingest %.1f s, link %.1f s, link again (unchanged) %.1f s, store %s\n' \
  "$(echo "$mid - $start" | bc)" "$(echo "$end - $mid" | bc)" "$(echo "$again - $end" | bc)" "$(du -h "$WORK/store.h5" | cut -f1)"
[ -n "$KEEP" ] || rm -rf "$WORK"
