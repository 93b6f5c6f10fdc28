#!/usr/bin/env bash
# run.sh: carecast's automatic ETS and Theta against R's forecast::ets() and
# forecast::thetaf() on the M3 and tourism competition data, in one command;
# with --models also automatic ARIMA against auto.arima() and the combination
# of the three against the same combination computed in R.
# See bench/README.md. Builds libcarecast (Release, no tests) and
# bench/m3_bench.c, then for each subset runs carecast and R one after the
# other on one core and prints a table. Writes nothing into the repository
# except the build directory (bench/build by default, ignored by git).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
DATA_DIR="$REPO_DIR/../shared/data"
BUILD_DIR="$BENCH_DIR/build"
KEEP_DIR=""
LIMIT=0
SUBSETS="m3_yearly m3_quarterly m3_monthly m3_other tourism_yearly tourism_quarterly tourism_monthly"
MODELS="ets,theta"
R_MODELS=""
M3_WALL=0

usage() {
  cat <<EOF
usage: bench/run.sh [--data DIR] [--limit N] [--subsets "m3_yearly m3_quarterly ..."] [--build DIR] [--keep DIR]
                    [--models ets,theta,arima,combo] [--r-models LIST|none] [--m3-wall]
  --data DIR     competition data: DIR/m3/m3_*.csv and DIR/tourism/tourism_*.csv
                 (default: ../shared/data relative to the repository root)
  --limit N      only the first N series of each subset (a quick check)
  --subsets S    space-separated subsets (default: all seven)
                 $SUBSETS
  --build DIR    where to build libcarecast and m3_bench (default: bench/build)
  --keep DIR     keep the per-series results (C and R) in DIR (default: a temporary directory, removed)
  --models LIST  methods to compare, comma-separated, of ets, theta, arima, combo (default ets,theta)
  --r-models L   the methods R runs (default: those of --models; none for no R at all): R's
                 auto.arima takes about 0.3 s per M3 monthly series
  --m3-wall      also time the combination on all 3003 M3 series on two cores (m3_bench --jobs 2)
EOF
}

fail() { echo "run.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA_DIR=${2:?--data needs a directory}; shift 2 ;;
    --limit) LIMIT=${2:?--limit needs a number}; shift 2 ;;
    --subsets) SUBSETS=${2:?--subsets needs a list}; shift 2 ;;
    --build) BUILD_DIR=${2:?--build needs a directory}; shift 2 ;;
    --keep) KEEP_DIR=${2:?--keep needs a directory}; shift 2 ;;
    --models) MODELS=${2:?--models needs a list}; shift 2 ;;
    --r-models) R_MODELS=${2:?--r-models needs a list}; shift 2 ;;
    --m3-wall) M3_WALL=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "$LIMIT" =~ ^[0-9]+$ ]] || fail "--limit must be a whole number, not '$LIMIT'"
[[ "$MODELS" =~ ^(ets|theta|arima|combo)(,(ets|theta|arima|combo))*$ ]] || fail "--models takes ets, theta, arima, combo separated by commas, not '$MODELS'"
[ -n "$R_MODELS" ] || R_MODELS=$MODELS
[[ "$R_MODELS" =~ ^(none|(ets|theta|arima|combo)(,(ets|theta|arima|combo))*)$ ]] || fail "--r-models takes methods as --models, or none, not '$R_MODELS'"

# ---- what is needed, and what is missing ---------------------------------------
subset_file() {
  case "$1" in
    m3_yearly|m3_quarterly|m3_monthly|m3_other) echo "$DATA_DIR/m3/$1.csv" ;;
    tourism_yearly|tourism_quarterly|tourism_monthly) echo "$DATA_DIR/tourism/$1.csv" ;;
    *) return 1 ;;
  esac
}
missing=0
for s in $SUBSETS; do
  f=$(subset_file "$s") || fail "unknown subset '$s' (known: m3_yearly m3_quarterly m3_monthly m3_other tourism_yearly tourism_quarterly tourism_monthly)"
  if [ ! -r "$f" ]; then echo "run.sh: missing data file $f" >&2; missing=1; fi
done
[ $missing -eq 0 ] || fail "competition data missing: pass --data DIR where DIR holds m3/m3_*.csv and tourism/tourism_*.csv (the long-format files described in DIR/m3/README.md)"
if [ "$R_MODELS" != none ]; then
command -v Rscript >/dev/null || fail "R is missing: install R and the forecast package (Debian/Ubuntu: apt-get install r-base-core r-cran-forecast)"
Rscript -e 'quit(status = if (suppressMessages(requireNamespace("forecast", quietly = TRUE))) 0 else 1)' 2>/dev/null ||
  fail "the R package 'forecast' is missing (Debian/Ubuntu: apt-get install r-cran-forecast; or in R: install.packages(\"forecast\"))"
fi
for tool in cmake cc pkg-config; do command -v $tool >/dev/null || fail "$tool is missing (needed to build carecast)"; done

# ---- build ------------------------------------------------------------------------
echo "building libcarecast (Release) in $BUILD_DIR ..." >&2
cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCARECAST_TESTS=OFF >/dev/null ||
  fail "configuring carecast failed (cmake -S $REPO_DIR -B $BUILD_DIR)"
cmake --build "$BUILD_DIR" --target carecast_lib -j 2 >/dev/null || fail "building libcarecast failed (cmake --build $BUILD_DIR --target carecast_lib)"
LIB=$(find "$BUILD_DIR" -maxdepth 2 -name libcarecast.a | head -n 1)
[ -n "$LIB" ] || fail "libcarecast.a not found under $BUILD_DIR"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c11 -O2 -fopenmp -Wall -Wextra -D_POSIX_C_SOURCE=200809L -I"$REPO_DIR/include" -I"$BUILD_DIR/include" \
  "$BENCH_DIR/m3_bench.c" "$LIB" $(pkg-config --libs gsl hdf5 yaml-0.1 nettle lapacke openblas) -lcsv -lm \
  -o "$BUILD_DIR/m3_bench" || fail "compiling bench/m3_bench.c failed"

# ---- one core, one thread -------------------------------------------------------------
n_cores=$(nproc) # before OMP_NUM_THREADS is set: GNU nproc honours it
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 GOTO_NUM_THREADS=1 MKL_NUM_THREADS=1
PIN=()
if command -v taskset >/dev/null; then
  cpu=$(taskset -cp $$ | sed 's/.*: *//; s/[,-].*//')
  PIN=(taskset -c "$cpu")
fi

if [ -n "$KEEP_DIR" ]; then mkdir -p "$KEEP_DIR"; WORK=$KEEP_DIR; else WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi

commit=$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
r_version="R not run"
[ "$R_MODELS" = none ] || r_version=$(Rscript -e 'cat(R.version.string, "forecast", as.character(packageVersion("forecast")))' 2>/dev/null)
echo "carecast $commit (Release, $(cc --version | head -n 1)); $r_version"
echo "machine: ${cpu_model:-unknown CPU}, $n_cores cores available; each program runs alone, ${PIN[*]:-unpinned}, 1 BLAS/OpenMP thread"
echo "limit: $([ "$LIMIT" -gt 0 ] && echo "first $LIMIT series per subset" || echo "all series")"

# ---- run and report ---------------------------------------------------------------------
report() { # subset c.csv r.csv c_series.csv r_series.csv
  awk -F, -v subset="$1" -v models="$MODELS" '
    FNR == 1 { file++; next }
    file <= 2 { side = file == 1 ? "carecast" : "R"; key = side SUBSEP $2
                n[key] = $3; smape[key] = $4; mase[key] = $5; cpu[key] = $6; cov80[key] = $7; cov95[key] = $8; next }
    { k = $2 SUBSEP $3; if (file == 3) { cm[k] = $4; cs[k] = $5 } else { rm[k] = $4; rs[k] = $5 } }
    END {
      r_name["ets"] = "ets"; r_name["theta"] = "thetaf"; r_name["arima"] = "auto.arima"; r_name["combo"] = "combination"
      n_methods = split(models, methods, ",")
      printf "\n== %s ==\n", subset
      printf "%-22s %8s %9s %9s %12s %7s %7s\n", "method", "series", "sMAPE", "MASE", "CPU seconds", "cov80", "cov95"
      for (i = 1; i <= n_methods; i++) {
        m = methods[i]; c = "carecast" SUBSEP m; r = "R" SUBSEP m
        printf "%-22s %8s %9.3f %9.4f %12.3f %7.3f %7.3f\n", "carecast " m, n[c], smape[c], mase[c], cpu[c], cov80[c], cov95[c]
        if (r in n) printf "%-22s %8s %9.3f %9.4f %12.3f\n", "R " r_name[m], n[r], smape[r], mase[r], cpu[r]
        else printf "%-22s %8s\n", "R " r_name[m], "not run"
      }
      for (k in cm) { split(k, part, SUBSEP); if (part[2] == "combo" && cm[k] !~ /ARIMA/) without_arima++ }
      for (i = 1; i <= n_methods; i++) {
        m = methods[i]; c = cpu["carecast" SUBSEP m]; r = cpu["R" SUBSEP m]
        if (!(("R" SUBSEP m) in n)) continue
        if (m == "combo" && without_arima) {
          printf "CPU ratio R / carecast, %-5s: n/a (carecast combined without ARIMA on %d series, R with it)\n", m, without_arima
          continue
        }
        if (n["carecast" SUBSEP m] != n["R" SUBSEP m]) {
          printf "CPU ratio R / carecast, %-5s: n/a (carecast forecast %d series, R %d)\n", m, n["carecast" SUBSEP m], n["R" SUBSEP m]
          continue
        }
        printf "CPU ratio R / carecast, %-5s: %s\n", m, (c > 0 ? sprintf("%.1f", r / c) : "n/a (carecast time below resolution)")
      }
      for (k in cs) { split(k, part, SUBSEP); if (!(k in rs)) continue
        total[part[2]]++; if (cm[k] == rm[k]) same[part[2]]++
        else if (part[2] == "ets" && ++n_other <= 5) other = other sprintf(" %s (carecast %s, R %s)", part[1], cm[k], rm[k])
        else if (part[2] == "arima" && ++n_other_arima <= 5) other_arima = other_arima sprintf(" %s (carecast %s, R %s)", part[1], cm[k], rm[k])
        d = cs[k] - rs[k]; if (d < 0) d = -d; if (d > 1) far[part[2]]++
        if (d > worst[part[2]]) { worst[part[2]] = d; worst_id[part[2]] = part[1] } }
      if (total["ets"]) printf "same ETS model as R: %d of %d series\n", same["ets"], total["ets"]
      if (n_other) printf "ETS models that differ (up to 5 shown):%s\n", other
      if (total["arima"]) printf "same ARIMA model as R: %d of %d series\n", same["arima"], total["arima"]
      if (n_other_arima) printf "ARIMA models that differ (up to 5 shown):%s\n", other_arima
      for (i = 1; i <= n_methods; i++) { m = methods[i]
        if (!total[m]) continue
        printf "series whose sMAPE differs from R by more than 1 point, %-5s: %d of %d\n", m, far[m], total[m]
        if (worst_id[m] == "") { printf "largest sMAPE difference, %-5s: none (the same to 10 significant digits on every series)\n", m; continue }
        k = worst_id[m] SUBSEP m
        printf "largest sMAPE difference, %-5s: %s (carecast %s %.2f, R %s %.2f)\n", m, worst_id[m], cm[k], cs[k], rm[k], rs[k] }
    }' "$2" "$3" "$4" "$5"
}

limit_args=()
[ "$LIMIT" -gt 0 ] && limit_args=(--limit "$LIMIT")
for s in $SUBSETS; do
  f=$(subset_file "$s")
  echo "running $s: carecast ($MODELS) ..." >&2
  "${PIN[@]}" "$BUILD_DIR/m3_bench" "${limit_args[@]}" --models "$MODELS" --subset "$s" --out "$WORK/$s.c.csv" \
    --series-out "$WORK/$s.c_series.csv" "$f" || fail "m3_bench failed on $f"
  if [ "$R_MODELS" = none ]; then
    echo "subset,method,n_series,smape,mase,cpu_seconds" >"$WORK/$s.r.csv"
    echo "subset,series_id,method,model,smape,mase,cpu_seconds" >"$WORK/$s.r_series.csv"
  else
    echo "running $s: R ($R_MODELS) ..." >&2
    "${PIN[@]}" Rscript "$BENCH_DIR/m3_r.R" "${limit_args[@]}" --models "$R_MODELS" --subset "$s" --out "$WORK/$s.r.csv" \
      --series-out "$WORK/$s.r_series.csv" "$f" || fail "m3_r.R failed on $f"
  fi
  report "$s" "$WORK/$s.c.csv" "$WORK/$s.r.csv" "$WORK/$s.c_series.csv" "$WORK/$s.r_series.csv"
done

# ---- the combination on the whole of M3, two cores ---------------------------------------
if [ "$M3_WALL" = 1 ]; then
  [ "$n_cores" -ge 2 ] || echo "run.sh: only $n_cores core(s): the two-thread timing runs on fewer cores" >&2
  wall_total=0 series_total=0
  echo
  echo "== the combination (ETS + ARIMA + Theta, with 80% and 95% intervals) on all of M3, m3_bench --jobs 2 =="
  for s in m3_yearly m3_quarterly m3_monthly m3_other; do
    f=$(subset_file "$s")
    [ -r "$f" ] || fail "missing data file $f"
    echo "running $s: carecast combo on two threads ..." >&2
    OMP_NUM_THREADS=2 "$BUILD_DIR/m3_bench" --models combo --jobs 2 --subset "$s" --out "$WORK/$s.wall.csv" "$f" ||
      fail "m3_bench failed on $f"
    line=$(sed -n 2p "$WORK/$s.wall.csv")
    IFS=, read -r _ _ n_series smape mase cpu cov80 cov95 wall <<<"$line"
    printf "%-14s %5s series  sMAPE %7.3f  MASE %7.4f  wall %7.2f s  CPU %7.2f s\n" "$s" "$n_series" "$smape" "$mase" "$wall" "$cpu"
    wall_total=$(awk -v a="$wall_total" -v b="$wall" 'BEGIN { print a + b }')
    series_total=$((series_total + n_series))
  done
  printf "all of M3: %d series in %.2f s wall clock on two threads\n" "$series_total" "$wall_total"
fi
[ -n "$KEEP_DIR" ] && echo "per-series results kept in $KEEP_DIR" >&2
exit 0
