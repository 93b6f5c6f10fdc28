"""notebooks_check.py: checks notebooks/carecast_store.py against the carecast command.

Run by tests/cli/test_notebooks.sh with Debian's python3:
    /usr/bin/python3 notebooks_check.py PROJECT_DIR STORE WORK_DIR
(CARECAST_BIN set to the carecast binary). Everything the module reads is compared with
what carecast itself prints for the same store, so the two readers of the store (C and
Python) are checked against each other. Prints one line per failed check and a count;
exits 1 when any check fails.
"""

import csv
import io
import json
import math
import os
import subprocess
import sys

PROJECT, STORE, WORK = sys.argv[1:4]
sys.path.insert(0, os.path.join(PROJECT, "notebooks"))
import carecast_store as cs  # noqa: E402

import numpy as np  # noqa: E402

CARECAST = os.environ["CARECAST_BIN"]
VALUE_RTOL = 1e-13        # carecast show prints %.15g: 15 significant digits
MEAN_TOL = 0.10           # |mean of paths - stored mean| within this share of the 95% band's width
BAND_TOL = 0.25           # path 80% band vs carecast's stored (analytic or simulated) 80% interval, same unit
PROBABILITY_TOL = 5e-5    # the summary prints the probability with 4 decimals

checks = 0
failures = 0


def check(ok, message):
    global checks, failures
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", message)


def carecast(*args):
    return subprocess.run([CARECAST, *args], check=True, capture_output=True, text=True).stdout


def same_number(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= VALUE_RTOL * max(abs(a), abs(b), 1.0)


def number(text):
    return float(text) if text != "" else math.nan


# --- the notebooks are stored clean -----------------------------------------------------------
for name in ("explore_series.ipynb", "compare_scenarios.ipynb"):
    with open(os.path.join(PROJECT, "notebooks", name), encoding="utf-8") as f:
        notebook = json.load(f)
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    check(code and all(c.get("outputs") == [] and c.get("execution_count") is None and "execution" not in c["metadata"]
                       for c in code),
          f"{name} is stored with outputs, execution counts or timings (clear it as notebooks/README.md says)")
    check(notebook["metadata"].get("kernelspec", {}).get("name") == "python3", f"{name}: kernel is not python3")

# --- periods -------------------------------------------------------------------------------
for text, freq, start in [("2024-03", "month", "2024-03-01"), ("2024-Q1", "quarter", "2024-01-01"),
                          ("2024/25", "financial_year", "2024-04-01"), ("1999/00", "financial_year", "1999-04-01"),
                          ("2024", "year", "2024-01-01")]:
    period = cs.parse_period(text)
    check(cs.period_label(period) == text and cs.period_frequency(period) == freq
          and str(period.start_time.date()) == start, f"period {text}: {period} {period.start_time}")
fy = cs.parse_period("2024/25")
check(fy.end_time.strftime("%Y-%m-%d") == "2025-03-31" and cs.period_label(fy + 1) == "2025/26",
      "financial year 2024/25 does not end on 31 March 2025 or is not followed by 2025/26")
for bad in ("2024/26", "2024-13", "2024-Q5", "24/25", "2024-3"):
    try:
        cs.parse_period(bad)
        check(False, f"{bad!r} accepted as a period")
    except ValueError:
        check(True, "")

store = cs.open_store(STORE)

# --- the list of series equals carecast list ---------------------------------------------------
listed = {row["series_id"]: row for row in csv.DictReader(io.StringIO(carecast("list", "--store", STORE, "--csv")))}
catalogue = cs.list_series(store)
check(set(listed) == set(catalogue.index), f"list_series has {len(catalogue)} series, carecast list {len(listed)}")
for series_id, row in listed.items():
    if series_id not in catalogue.index:
        continue
    mine = catalogue.loc[series_id]
    same = (mine["frequency"] == row["frequency"] and mine["start"] == row["first"] and mine["end"] == row["last"]
            and mine["periods"] == int(row["periods"]) and mine["missing"] == int(row["missing"])
            and mine["suppressed"] == int(row["suppressed"]))
    check(same, f"list_series row of {series_id} differs from carecast list: {dict(mine)} vs {row}")

# --- series read back equal carecast show -------------------------------------------------------
frequencies = catalogue.groupby("frequency").head(1).index.tolist()   # the first series of each frequency
with_flags = catalogue[(catalogue["suppressed"] > 0)].index[:1].tolist() + catalogue[(catalogue["missing"] > 0)].index[:1].tolist()
chosen = sorted(set(frequencies + with_flags + ["cs_referrals/E08000019/0-17", "cs_contacts/E08000019/0-17"]))
check(len(chosen) >= 6, f"only {len(chosen)} series to compare with carecast show")


def compare_with_show(series_id, panel=None):
    args = ["show", "--store", STORE] + (["--panel", panel] if panel else []) + [series_id]
    shown = list(csv.DictReader(io.StringIO(carecast(*args))))
    frame = cs.read_series_frame(store, series_id, panel=panel)
    where = f"{series_id}{' (panel ' + panel + ')' if panel else ''}"
    check(len(shown) == len(frame), f"{where}: {len(frame)} periods read, carecast show prints {len(shown)}")
    for row, (period, mine) in zip(shown, frame.iterrows()):
        same = (cs.period_label(period) == row["period"] and same_number(mine["value"], number(row["value"]))
                and same_number(mine["upper_bound"], number(row["upper_bound"])) and mine["flag_text"] == row["flags"])
        if not same:
            check(False, f"{where} at {row['period']}: read {cs.period_label(period)} {mine['value']} "
                         f"{mine['upper_bound']} {mine['flag_text']}, carecast show {row}")
            return
    series = cs.read_series(store, series_id, panel=panel)
    check(series.index.equals(frame.index) and series.name == series_id, f"{where}: read_series differs from the frame")
    check(True, "")


for series_id in chosen:
    compare_with_show(series_id)
# In the linked panel, for each frequency, the first series with each flag (split age bands are imputed).
flags_seen = set()
for panel in ("month", "quarter", "financial_year", "year"):
    for series_id in cs.list_series(store, panel=panel).index:
        flags = set(cs.read_series_frame(store, series_id, panel=panel)["flag_text"])
        if not flags <= flags_seen | {"observed"}:
            flags_seen |= flags
            compare_with_show(series_id, panel=panel)
check({"suppressed", "missing", "observed+imputed", "observed+provisional"} <= flags_seen,
       f"the panel's series do not show every kind of flag: {sorted(flags_seen)}")

# --- models: fitted + residuals = the series, on the same periods --------------------------------
for run in cs.list_runs(store, "models").index:
    for series_id in ("cs_referrals/E08000019/0-17", "cs_dfe_cla_at31/E08000019/0-17"):
        if f"models/{run}/{series_id}" not in store:
            continue
        model = cs.read_model(store, series_id, run)
        values = cs.read_series(store, series_id).reindex(model.fitted.index)
        gap = np.nanmax(np.abs((model.fitted + model.residuals - values).to_numpy()))
        check(len(model.fitted) > 0 and gap <= 1e-6 * np.nanmax(np.abs(values.to_numpy())),
              f"model {run}/{series_id}: fitted + residuals differs from the series by {gap}")
        group = store[f"models/{run}/{series_id}"]
        family = group.attrs.get("family")
        family = family.decode() if isinstance(family, bytes) else family
        if family == "combo":  # a combination's parameters are its component models
            check(int(group.attrs.get("n_components", 0)) >= 2 and "components" in group,
                  f"model {run}/{series_id}: a combination without its components")
        else:
            check(len(model.params) == len(model.params.dropna(subset=["estimate"])) and len(model.params) > 0,
                  f"model {run}/{series_id}: parameters missing")

# --- forecast bands ordered, paths consistent with the stored forecast ----------------------------
compared = 0
for run in cs.list_runs(store, "forecasts").index:
    for series_id in catalogue.index:
        if f"forecasts/{run}/{series_id}" not in store:
            continue
        fc = cs.read_forecast(store, series_id, run)
        columns = ["lower_95", "lower_80", "lower_50", "median", "upper_50", "upper_80", "upper_95"]
        ordered = all((fc[a] <= fc[b] + 1e-9).all() for a, b in zip(columns, columns[1:]))
        check(ordered and (fc["lower_95"] >= 0).all(), f"forecast {run}/{series_id}: bands not ordered or negative")
        width = (fc["upper_95"] - fc["lower_95"]).to_numpy()
        if fc.attrs["n_paths"] < 100 or (fc["lower_95"] <= 0).any() or (width <= 0).any():
            continue  # censored at zero or too few paths: the mean of the paths is not the stored mean
        compared += 1
        paths = cs.read_forecast_paths(store, series_id, run)
        mean_gap = np.max(np.abs(paths.mean().to_numpy() - fc["mean"].to_numpy()) / width)
        check(mean_gap <= MEAN_TOL, f"forecast {run}/{series_id}: mean of paths off the stored mean by {mean_gap:.3f} widths")
        stored = cs.read_forecast_intervals(store, series_id, run)
        if "lower_80" in stored:
            band_gap = max(np.max(np.abs((fc[c] - stored[c]).to_numpy()) / width) for c in ("lower_80", "upper_80"))
            check(band_gap <= BAND_TOL, f"forecast {run}/{series_id}: 80% band off the stored interval by {band_gap:.3f} widths")
check(compared >= 50, f"only {compared} forecasts compared with their sample paths")

# --- the stored intervals equal the CSV that carecast demo wrote (carecast forecast --out) -------------
# The demo's forecasts.csv comes from forecasting its automatic fit (model_request auto), 10 significant digits.
forecast_runs = cs.list_runs(store, "forecasts")
auto_runs = [run for run, model_run in forecast_runs["model_run"].items()
             if cs.list_runs(store, "models").loc[model_run, "model_request"] == "auto"]
check(len(auto_runs) == 1, f"{len(auto_runs)} forecast runs of the automatic fit in the demo store")
with open(os.path.join(os.path.dirname(STORE), "forecasts.csv"), encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
intervals = {}
mismatch = None
for row in rows:
    if row["series_id"] not in intervals:
        intervals[row["series_id"]] = cs.read_forecast_intervals(store, row["series_id"], auto_runs[0])
    mine = intervals[row["series_id"]].loc[cs.parse_period(row["period"])]
    for column, key in [("mean", "mean"), ("lower_80", "lo80"), ("upper_80", "hi80"), ("lower_95", "lo95"), ("upper_95", "hi95")]:
        if abs(mine[column] - float(row[key])) > 1e-9 * max(abs(float(row[key])), 1.0):
            mismatch = f"{row['series_id']} {row['period']} {column}: {mine[column]} read, {row[key]} in forecasts.csv"
check(len(rows) > 1000 and mismatch is None, f"stored intervals differ from forecasts.csv: {mismatch}")

newest = cs.newest_run(store, "forecasts", "cs_contacts/E08000019/0-17")
check(newest is not None and cs.read_forecast(store, "cs_contacts/E08000019/0-17").attrs["run"] == newest,
      "read_forecast does not take the newest run that holds the series")

# --- scenarios: the tables agree with the draws ---------------------------------------------------
newest_runs = cs.newest_scenarios(store)
check(len(newest_runs) >= 2, f"{len(newest_runs)} scenarios in the demo store")
for name, run in newest_runs.items():
    s = cs.read_scenario(store, run)
    total = s.summary[(s.summary["organisation"] == "all") & (s.summary["budget"] == "all")].set_index("measure")
    check(s.name == name and len(s.npv_draws) == s.draws, f"scenario {name}: {len(s.npv_draws)} draws, {s.draws} stated")
    probability = float(np.mean(s.npv_draws > 0))
    check(abs(probability - total.loc["probability_npv_positive", "mean"]) <= PROBABILITY_TOL,
          f"scenario {name}: P(NPV > 0) {probability} from the draws, {total.loc['probability_npv_positive', 'mean']} stored")
    low, high = np.quantile(s.npv_draws, [0.499, 0.501])
    p50 = total.loc["npv", "p50"]
    check(low - 1e-6 * abs(p50) - 0.01 <= p50 <= high + 1e-6 * abs(p50) + 0.01,
          f"scenario {name}: NPV P50 {p50} is not the median of the draws ({low} to {high})")
    years = s.by_year["year"].unique()
    check(len(years) == s.years and all(cs.period_frequency(cs.parse_period(y)) == "financial_year" for y in years),
          f"scenario {name}: years {list(years)}")

# --- backtest and quality through carecast ------------------------------------------------------
scores = cs.backtest(store, "cs_referrals/E08000019/0-17", 12, 4)
check(list(scores.index) == ["cs_referrals/E08000019/0-17"] and 0 < scores["mase"].iloc[0] < 10
      and 0 <= scores["coverage95"].iloc[0] <= 1, f"backtest: {scores}")
report = cs.quality(store)
out = os.path.join(WORK, "quality.csv")
carecast("quality", "--store", STORE, "--out", out)
with open(out, encoding="utf-8") as f:
    rows = {row["series_id"]: row for row in csv.DictReader(f) if row["series_id"] != "ALL"}
check(set(rows) == set(report.index) == set(catalogue.index), "quality: not one row per series")
for series_id, row in rows.items():
    mine = report.loc[series_id]
    if not (mine["outliers"] == int(row["outliers"]) and mine["outlier_periods"] == row["outlier_periods"]
            and same_number(float(mine["score"]), float(row["score"]))):
        check(False, f"quality row of {series_id}: {dict(mine)} vs {row}")
        break
else:
    check(True, "")
for series_id, row in rows.items():
    for text in row["outlier_periods"].split():
        cs.parse_period(text, catalogue.loc[series_id, "frequency"])  # every outlier period parses

store.close()
print(f"carecast_store: {checks - failures} checks passed, {failures} failed")
sys.exit(1 if failures else 0)
