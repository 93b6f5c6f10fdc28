#!/usr/bin/python3
"""Reference values for Denton's proportional (modified, first-difference)
benchmarking: statsmodels.tsa.interp.denton.dentonm (statsmodels 0.13.5,
Debian's python3-statsmodels), which minimises sum((X[t]/I[t] - X[t-1]/I[t-1])**2)
subject to the sum of X over each low-frequency period equalling the benchmark.

Writes tests/reference/fixtures/denton.csv: case,k,role,i,value with role
indicator, benchmark or expected. Run from the repository root:
    /usr/bin/python3 tests/reference/denton_reference.py
"""
import csv
import math
import os

import numpy as np
from statsmodels.tsa.interp.denton import dentonm

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "denton.csv")


def cases():
    # statsmodels' own docstring example: annual to quarterly.
    yield ("docstring_aq", 4,
           [50, 100, 150, 100] * 5,
           [500, 400, 300, 400, 500])
    # quarterly to monthly with a flat indicator (how carecast disaggregates by default).
    yield ("flat_qm", 3, [1.0] * 24,
           [120, 135, 150, 141, 129, 160, 171, 166])
    # financial years to months with a seasonal indicator with a winter peak.
    season = [1 + 0.2 * math.cos(2 * math.pi * (m - 9) / 12) for m in range(12)]
    yield ("seasonal_am", 12, season * 6,
           [2400, 2520, 2310, 2650, 2790, 2730])
    # annual to monthly, flat, a trending count.
    yield ("flat_am", 12, [1.0] * 60, [1200, 1320, 1500, 1470, 1620])
    # one low-frequency period only: the indicator's shape, scaled.
    yield ("single_qm", 3, [2.0, 3.0, 5.0], [50])


def main():
    rows = []
    for name, k, indicator, benchmark in cases():
        got = dentonm(np.array(indicator, float), np.array(benchmark, float), freq="other", k=k)
        got = np.asarray(got).ravel()
        for i, v in enumerate(indicator):
            rows.append([name, k, "indicator", i, repr(float(v))])
        for i, v in enumerate(benchmark):
            rows.append([name, k, "benchmark", i, repr(float(v))])
        for i, v in enumerate(got):
            rows.append([name, k, "expected", i, repr(float(v))])
    with open(OUT, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["case", "k", "role", "i", "value"])
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} rows")


if __name__ == "__main__":
    main()
