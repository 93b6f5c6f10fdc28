#!/bin/sh
# bench/scenario.sh: how long a savings scenario takes (issue 7's target: 10,000
# draws over five years for both councils in under 5 seconds on two cores).
# Builds carecast (Release) in bench/build-scenario of this checkout, or uses the
# one in --build DIR when it holds one, makes a store from the
# embedded data with the adult and children's stock-and-flow models forecast five
# years, then times each shipped scenario at 10,000 draws on --jobs threads.
#   bench/scenario.sh [--build DIR] [--jobs N] [--draws N]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/bench/build-scenario # inside the checkout, so another checkout's build is never timed
JOBS=2
DRAWS=10000
while [ $# -gt 0 ]; do
  case "$1" in
  --build) BUILD=$2; shift 2 ;;
  --jobs) JOBS=$2; shift 2 ;;
  --draws) DRAWS=$2; shift 2 ;;
  *) echo "usage: bench/scenario.sh [--build DIR] [--jobs N] [--draws N]" >&2; exit 2 ;;
  esac
done
if [ "$BUILD" = "$ROOT/bench/build-scenario" ] || [ ! -x "$BUILD/carecast" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCARECAST_TESTS=OFF >/dev/null
  cmake --build "$BUILD" -j2 >/dev/null
fi
CC="$BUILD/carecast"
WORK=$(mktemp -d /tmp/carecast-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
STORE="$WORK/store.h5"
"$CC" ingest --store "$STORE" "$ROOT"/data/sources/*.csv >/dev/null
for model in asc_older_people asc_working_age children_social_care; do
  "$CC" fit --store "$STORE" --model stockflow:"$ROOT/models/$model.yaml" >/dev/null
  "$CC" forecast --store "$STORE" --horizon 5y >/dev/null
done
echo "scenario                      draws  jobs  wall(s)  user(s)  peak RSS (MB)"
for file in "$ROOT"/scenarios/*.yaml; do
  name=$(basename "$file" .yaml)
  /usr/bin/time -f "%e %U %M" -o "$WORK/time" "$CC" scenario --store "$STORE" "$file" --draws "$DRAWS" --jobs "$JOBS" >/dev/null
  read -r wall user rss <"$WORK/time"
  awk -v n="$name" -v d="$DRAWS" -v j="$JOBS" -v w="$wall" -v u="$user" -v r="$rss" 'BEGIN { printf "%-28s %6s %5s %8s %8s %14.0f\n", n, d, j, w, u, r / 1024 }'
done
echo "(each run includes the tornado: 1,000 further draws at each end of each lever)"
