#!/bin/sh
# Install everything carecast needs to build and test, from Debian packages.
# Safe to run any number of times: it installs only what is missing.
#   GSL (numerics, optimisation), OpenBLAS + LAPACKE (linear algebra), libcsv (CSV),
#   HDF5 (the store), Check (unit tests), libyaml (manifests and model/scenario files),
#   Nettle (SHA-256 of sources, HMAC-SHA256 pseudonyms), cmake, pkg-config and a C compiler.
#   For the report's tests: Chromium (renders the HTML report headless:
#   tests/cli/test_report_browser.sh), python3 (checks the report's SVG as XML and the
#   screenshot) and the DejaVu fonts (text in the screenshot).
#   The analysts' notebooks (notebooks/, run by tests/cli/test_notebooks.sh): Debian's python3
#   with h5py, matplotlib, pandas, Jupyter's nbconvert and the python3 kernel (ipykernel).
#   python3-munkres satisfies matplotlib's fonttools' "python3-scipy | python3-munkres", which
#   would otherwise bring scipy, pythran and the Boost headers (about 230 MB more).
set -eu

packages="build-essential cmake pkg-config libgsl-dev libopenblas-dev liblapacke-dev libcsv-dev \
libhdf5-dev check libyaml-dev nettle-dev ca-certificates chromium python3 fonts-dejavu-core \
python3-h5py python3-matplotlib python3-pandas jupyter-nbconvert python3-ipykernel python3-munkres"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: every package is already installed"
  exit 0
fi

as_root=""
if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
echo "install-deps: installing$missing"
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split into words
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
