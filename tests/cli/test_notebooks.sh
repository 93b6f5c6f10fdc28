# test_notebooks.sh: the analysts' notebooks (notebooks/) run top to bottom, headless, against the
# store that `carecast demo` makes, with Debian's python3 and Jupyter (scripts/install-deps.sh), and
# notebooks/carecast_store.py reads the store as carecast does (tests/cli/notebooks_check.py).
source "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3              # Debian's python3, whatever python3 comes first on PATH
NBCONVERT=/usr/bin/jupyter-nbconvert # Debian's jupyter-nbconvert
NOTEBOOKS=$PROJECT/notebooks

# Debian's python only: no user site packages, no PYTHONPATH; no Jupyter configuration or
# kernels of the user's; nothing written into the source tree (bytecode) or the home directory.
unset PYTHONPATH PYTHONHOME JUPYTER_PATH
export PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 PYDEVD_DISABLE_FILE_VALIDATION=1
export JUPYTER_CONFIG_DIR=$WORK/jupyter/config JUPYTER_DATA_DIR=$WORK/jupyter/data
export JUPYTER_RUNTIME_DIR=$WORK/jupyter/runtime IPYTHONDIR=$WORK/ipython MPLCONFIGDIR=$WORK/matplotlib

checks=$((checks + 1))
if ! [ -x "$NBCONVERT" ] || ! "$PYTHON" -c 'import h5py, matplotlib, pandas, nbconvert, ipykernel' 2>"$WORK/err"; then
  fail "Debian's python3-h5py, python3-matplotlib, python3-pandas, jupyter-nbconvert and python3-ipykernel are needed (scripts/install-deps.sh)"
  sed 's/^/  /' "$WORK/err" | tail -3 >&2
  finish
  exit 1
fi

# The kernel nbconvert starts by default (python3) must be Debian's python3.
checks=$((checks + 1))
kernel=$("$PYTHON" -c 'from jupyter_client.kernelspec import KernelSpecManager
print(KernelSpecManager().get_kernel_spec("python3").argv[0])' 2>&1)
if [ "$(readlink -f "$kernel")" != "$(readlink -f "$PYTHON")" ]; then
  fail "the python3 Jupyter kernel runs '$kernel', not $PYTHON"
fi

# elapsed WHAT: how long WHAT took (wall clock; printed, never asserted).
last=$(date +%s.%N)
elapsed() {
  now=$(date +%s.%N)
  echo "time: $1 $(awk "BEGIN { printf \"%.1f\", $now - $last }") s"
  last=$now
}

expect_exit 0 "$CARECAST" demo --out "$WORK/demo"
elapsed "carecast demo"
export CARECAST_STORE=$WORK/demo/store.h5 CARECAST_BIN=$CARECAST

# The helper module against carecast list, show, forecast, quality and backtest.
expect_exit 0 "$PYTHON" "$PROJECT/tests/cli/notebooks_check.py" "$PROJECT" "$CARECAST_STORE" "$WORK"
cat "$WORK/out"
elapsed "notebooks_check.py"

# execute NOTEBOOK OUTPUT MIN_FIGURES: run the notebook headless (a cell error fails nbconvert),
# then check that the result has no error output and at least MIN_FIGURES figures.
execute() {
  expect_exit 0 "$NBCONVERT" --to notebook --execute --ExecutePreprocessor.timeout=300 \
    --output-dir "$WORK" --output "$2" "$NOTEBOOKS/$1.ipynb"
  expect_exit 0 "$PYTHON" -c 'import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
errors = [o["ename"] + ": " + o["evalue"] for o in outputs if o["output_type"] == "error"]
figures = sum("image/png" in o.get("data", {}) for o in outputs)
unrun = sum(c["execution_count"] is None for c in cells if c["cell_type"] == "code")
print(f"{sys.argv[1]}: {figures} figures, {len(errors)} errors, {unrun} cells not run")
sys.exit(1 if errors or unrun or figures < int(sys.argv[2]) else 0)' "$WORK/$2.ipynb" "$3"
  cat "$WORK/out"
  elapsed "$2"
}

execute explore_series explore_series 4
expect_grep "$WORK/explore_series.ipynb" "marked: 0 missing, 0 suppressed, 3 imputed, "
# Other kinds of series: a financial-year series with missing years, a monthly one with suppressed cells.
CARECAST_SERIES=cs_dfe_cla_at31/E08000019/0-17 execute explore_series explore_series_fy 4
expect_grep "$WORK/explore_series_fy.ipynb" "13 financial_year periods from 2012/13 to 2024/25"
CARECAST_SERIES=asc_nursing_admissions/E06000012/65+ execute explore_series explore_series_suppressed 4
expect_grep "$WORK/explore_series_suppressed.ipynb" "marked: 0 missing, 65 suppressed"

execute compare_scenarios compare_scenarios 4
expect_grep "$WORK/compare_scenarios.ipynb" "comparing 4 scenarios: complex_needs_service, do_nothing, early_help, reablement_expansion"

# Nothing written into the source tree.
checks=$((checks + 1))
if [ -n "$(find "$NOTEBOOKS" -newer "$WORK/demo/store.h5" -print -quit)" ]; then
  fail "running the notebooks wrote into $NOTEBOOKS: $(find "$NOTEBOOKS" -newer "$WORK/demo/store.h5" | head -3)"
fi

finish
