"""carecast_store: read a carecast store (one HDF5 file) into pandas.

Only h5py, numpy and pandas (Debian 12: python3-h5py, python3-pandas). The
store's layout is in docs/store.md; this module reads it and never writes.

    import carecast_store as cs
    store = cs.open_store("carecast-demo/store.h5")
    cs.list_series(store)                                    # one row per series
    y = cs.read_series(store, "cs_referrals/E08000019/0-17")  # pandas Series, PeriodIndex
    fc = cs.read_forecast(store, "cs_referrals/E08000019/0-17")  # newest forecast, 50/80/95 bands
    sc = cs.read_scenario(store, cs.newest_scenarios(store)["early_help"])

Periods. carecast writes a period as text; here each becomes a pandas Period:

    carecast   frequency        pandas
    2024-03    month            Period("2024-03", "M")
    2024-Q1    quarter          Period("2024Q1", "Q-DEC")    (calendar quarter, January to March)
    2024/25    financial_year   Period("2025", "A-MAR")      (April 2024 to March 2025)
    2024       year             Period("2024", "A-DEC")

A financial year is a pandas year that ends in March, and pandas names such a
year by the calendar year it ends in: "2024/25" is Period(2025, "A-MAR"), whose
start_time is 2024-04-01 and end_time 2025-03-31. period_label() turns it back
into "2024/25". (pandas 2.2 renamed "A-MAR" to "Y-MAR"; FINANCIAL_YEAR_FREQ
holds whichever this pandas takes.)

Running carecast itself (backtest, quality): carecast_binary() is $CARECAST_BIN,
else `carecast` on PATH, else build/carecast of this repository.
"""

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import h5py
import numpy as np
import pandas as pd

STORE_FORMAT = "carecast-store"   # the root attribute `format` of every store
STORE_FORMAT_VERSION = 1          # the store format this module reads (docs/store.md)

# The flag bits of /series/<id>/flags (docs/store.md), in the order `carecast show` prints them.
FLAG_BITS = {"observed": 1, "suppressed": 2, "imputed": 4, "outlier": 8, "break": 16, "provisional": 32}

# Forecast bands drawn from the sample paths: central intervals at these levels (percent).
DEFAULT_LEVELS = (50, 80, 95)


def _first_valid_freq(candidates):
    """The first pandas frequency alias in candidates this pandas accepts."""
    for alias in candidates:
        try:
            pd.Period(year=2000, freq=alias)
            return alias
        except ValueError:
            continue
    raise ValueError("pandas accepts none of " + ", ".join(candidates))


FINANCIAL_YEAR_FREQ = _first_valid_freq(["Y-MAR", "A-MAR"])
CALENDAR_YEAR_FREQ = _first_valid_freq(["Y-DEC", "A-DEC"])
PANDAS_FREQ = {"month": "M", "quarter": "Q-DEC", "financial_year": FINANCIAL_YEAR_FREQ, "year": CALENDAR_YEAR_FREQ}
# Periods per year of each frequency (the seasonal period).
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "financial_year": 1, "year": 1}


def _text(value):
    """An HDF5 string (bytes or str) as str."""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _attrs(obj):
    """An HDF5 object's attributes as a plain dict of str and numbers."""
    out = {}
    for key, value in obj.attrs.items():
        if isinstance(value, (bytes, np.bytes_)):
            value = _text(value)
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


# --- periods -------------------------------------------------------------------------------

def parse_period(text, frequency=None):
    """A carecast period text ("2024-03", "2024-Q1", "2024/25", "2024") as a pandas Period.
    The form of the text says the frequency; frequency, when given, must agree."""
    text = _text(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        found, period = "month", pd.Period(text, freq="M")
    elif re.fullmatch(r"\d{4}-Q[1-4]", text):
        found, period = "quarter", pd.Period(text.replace("-", ""), freq="Q-DEC")
    elif re.fullmatch(r"\d{4}/\d{2}", text):
        first = int(text[:4])
        if (first + 1) % 100 != int(text[5:]):
            raise ValueError(f"{text!r} is not a financial year (the second year must follow the first)")
        found, period = "financial_year", pd.Period(year=first + 1, freq=FINANCIAL_YEAR_FREQ)
    elif re.fullmatch(r"\d{4}", text):
        found, period = "year", pd.Period(year=int(text), freq=CALENDAR_YEAR_FREQ)
    else:
        raise ValueError(f"{text!r} is not a carecast period (2024-03, 2024-Q1, 2024/25 or 2024)")
    if frequency is not None and frequency != found:
        raise ValueError(f"{text!r} is a {found} period, not a {frequency} one")
    return period


def period_frequency(period):
    """The carecast frequency name of a pandas Period made by parse_period."""
    for name, alias in PANDAS_FREQ.items():
        if period.freqstr == pd.Period(year=2000, freq=alias).freqstr:
            return name
    raise ValueError(f"{period} has no carecast frequency")


def period_label(period):
    """A pandas Period as carecast writes it: "2024-03", "2024-Q1", "2024/25" or "2024"."""
    frequency = period_frequency(period)
    if frequency == "month":
        return f"{period.year:04d}-{period.month:02d}"
    if frequency == "quarter":
        return f"{period.year:04d}-Q{period.quarter}"
    if frequency == "financial_year":
        return f"{period.year - 1:04d}/{period.year % 100:02d}"
    return f"{period.year:04d}"


def period_index(start, length, frequency):
    """length consecutive periods from the period text start, as a PeriodIndex."""
    first = parse_period(start, frequency)
    return pd.period_range(start=first, periods=length, freq=first.freq)


def flag_text(flags, has_value):
    """A flags byte as `carecast show` prints it: "observed", "suppressed+imputed", "missing", ..."""
    names = [] if has_value or flags & FLAG_BITS["suppressed"] else ["missing"]
    names += [name for name, bit in FLAG_BITS.items() if flags & bit]
    return "+".join(names)


# --- the store -------------------------------------------------------------------------------

def open_store(path):
    """Open a carecast store read-only (an h5py.File; close it, or use it in a `with`).
    Raises ValueError when the file is not a carecast store of the format this module reads."""
    store = h5py.File(path, "r")
    attrs = _attrs(store)
    if attrs.get("format") != STORE_FORMAT or attrs.get("format_version") != STORE_FORMAT_VERSION:
        store.close()
        raise ValueError(f"{path}: not a carecast store of format version {STORE_FORMAT_VERSION} "
                         f"(format={attrs.get('format')!r}, format_version={attrs.get('format_version')!r})")
    return store


def _series_root(panel):
    """The group holding series: /series, or /panel/<frequency> for the linked panel."""
    return "series" if panel is None else f"panel/{panel}"


def _walk_series(group):
    """Every series group (one with a `values` dataset) below group, in name order."""
    for name in sorted(group):
        child = group[name]
        if isinstance(child, h5py.Group):
            if "values" in child:
                yield child
            else:
                yield from _walk_series(child)


def list_series(store, measure=None, geography=None, panel=None):
    """One row per series (index series_id): measure, geography, age_band, frequency, kind,
    unit, start, end, periods, missing, suppressed, sources. panel: a frequency of the linked
    panel (month, quarter, financial_year, year) instead of the stored series."""
    root = _series_root(panel)
    rows = []
    if root in store:
        for group in _walk_series(store[root]):
            a = _attrs(group)
            if measure is not None and a["measure"] != measure:
                continue
            if geography is not None and a["geography"] != geography:
                continue
            values = group["values"][()]
            flags = group["flags"][()]
            end = period_index(a["start"], len(values), a["frequency"])[-1] if len(values) else None
            suppressed = (flags & FLAG_BITS["suppressed"]) != 0
            rows.append({"series_id": a["series_id"], "measure": a["measure"], "geography": a["geography"],
                         "age_band": a["age_band"], "frequency": a["frequency"], "kind": a.get("kind", ""),
                         "unit": a.get("unit", ""), "start": a["start"],
                         "end": period_label(end) if end is not None else "",
                         "periods": len(values), "missing": int(np.sum(np.isnan(values) & ~suppressed)),
                         "suppressed": int(np.sum(suppressed)), "sources": a.get("source_ids", "")})
    columns = ["series_id", "measure", "geography", "age_band", "frequency", "kind", "unit", "start", "end",
               "periods", "missing", "suppressed", "sources"]
    return pd.DataFrame(rows, columns=columns).set_index("series_id")


def _series_group(store, series_id, panel=None):
    path = f"{_series_root(panel)}/{series_id}"
    if path not in store or "values" not in store[path]:
        where = "the store" if panel is None else f"the {panel} panel"
        raise KeyError(f"series {series_id!r} is not in {where}")
    return store[path]


def read_series_frame(store, series_id, panel=None):
    """A series' observations as a DataFrame indexed by period (PeriodIndex): value (NaN where
    missing or suppressed), upper_bound (of a suppressed value), flags (the byte), flag_text (as
    `carecast show`), and one boolean column per flag: observed, suppressed, imputed, outlier,
    break, provisional, plus missing. attrs holds the series' attributes."""
    group = _series_group(store, series_id, panel)
    a = _attrs(group)
    values = group["values"][()].astype(float)
    bounds = group["bounds"][()].astype(float)
    flags = group["flags"][()].astype(np.uint8)
    index = period_index(a["start"], len(values), a["frequency"])
    index.name = "period"
    frame = pd.DataFrame({"value": values, "upper_bound": bounds, "flags": flags}, index=index)
    frame["flag_text"] = [flag_text(int(f), not np.isnan(v)) for f, v in zip(flags, values)]
    for name, bit in FLAG_BITS.items():
        frame[name] = (flags & bit) != 0
    frame["missing"] = np.isnan(values) & ~frame["suppressed"].to_numpy()
    frame.attrs = a
    return frame


def read_series(store, series_id, panel=None):
    """A series' values as a pandas Series (float, NaN where missing or suppressed) with a
    PeriodIndex; name is the series id, attrs its attributes (unit, kind, frequency, ...)."""
    frame = read_series_frame(store, series_id, panel)
    series = frame["value"].rename(series_id)
    series.attrs = dict(frame.attrs)
    return series


# --- runs ------------------------------------------------------------------------------------

RUN_KINDS = ("models", "forecasts", "scenarios", "effects")


def list_runs(store, kind):
    """The runs of one kind (models, forecasts, scenarios, effects), oldest first, one row per
    run id with the run's attributes (long texts such as a scenario file left out)."""
    if kind not in RUN_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RUN_KINDS)}, not {kind!r}")
    rows = []
    if kind in store:
        for run_id in sorted(store[kind]):
            a = _attrs(store[kind][run_id])
            a.pop("scenario", None)
            a["run_id"] = run_id
            rows.append(a)
    frame = pd.DataFrame(rows)
    return frame.set_index("run_id") if len(frame) else frame


def newest_run(store, kind, series_id=None):
    """The newest run id of a kind (run ids sort in the order they were made), or the newest
    that holds series_id; None when there is none."""
    if kind not in store:
        return None
    for run_id in sorted(store[kind], reverse=True):
        if series_id is None or series_id in store[kind][run_id]:
            return run_id
    return None


def _run_group(store, kind, series_id, run):
    run = run or newest_run(store, kind, series_id)
    if run is None or f"{kind}/{run}/{series_id}" not in store:
        raise KeyError(f"no {kind} run{' ' + run if run else ''} holds {series_id!r}")
    return run, store[f"{kind}/{run}/{series_id}"]


# --- models ----------------------------------------------------------------------------------

@dataclass
class Model:
    """One fitted model of a series (/models/<run>/<series_id>)."""
    run: str
    series_id: str
    attrs: dict                 # family, model (e.g. "ETS(M,N,M)"), aicc, loglik, sigma2, ljung_box_p, ...
    params: pd.DataFrame        # index: parameter name; columns estimate and, where stored, std_error
    fitted: pd.Series           # in-sample one-step fitted values, PeriodIndex
    residuals: pd.Series        # the model's residuals, PeriodIndex
    run_attrs: dict = field(default_factory=dict)  # the run's attributes (model_request, created_at, ...)

    @property
    def name(self):
        return self.attrs.get("model", self.attrs.get("family", ""))


def read_model(store, series_id, run=None):
    """The fitted model of series_id in run (default: the newest models run that holds it)."""
    run, group = _run_group(store, "models", series_id, run)
    a = _attrs(group)
    names = [_text(n) for n in group["param_names"][()]] if "param_names" in group else []
    params = pd.DataFrame({"estimate": group["params"][()] if "params" in group else []},
                          index=pd.Index(names, name="parameter"))
    if "std_errors" in group:
        params["std_error"] = group["std_errors"][()]
    fitted = group["fitted"][()] if "fitted" in group else np.array([])
    residuals = group["residuals"][()] if "residuals" in group else np.array([])
    # The fitted values end just before next_period, the first period the model forecasts.
    first = parse_period(a["next_period"], a.get("frequency")) - len(residuals)
    index = pd.period_range(start=first, periods=len(residuals), freq=first.freq, name="period")
    return Model(run=run, series_id=series_id, attrs=a, params=params,
                 fitted=pd.Series(fitted, index=index, name="fitted"),
                 residuals=pd.Series(residuals, index=index, name="residuals"),
                 run_attrs=_attrs(store[f"models/{run}"]))


# --- forecasts -------------------------------------------------------------------------------

def read_forecast_paths(store, series_id, run=None):
    """The stored sample paths of a forecast as a DataFrame: one row per path, one column per
    period (PeriodIndex). Empty when the run kept no paths."""
    run, group = _run_group(store, "forecasts", series_id, run)
    periods = pd.PeriodIndex([parse_period(p) for p in group["periods"][()]], name="period")
    # paths is stored flat and path-major: paths[p * h + i] is path p at step i (float32).
    paths = group["paths"][()].astype(float)
    n_paths = len(paths) // len(periods) if len(periods) else 0
    return pd.DataFrame(paths.reshape(n_paths, len(periods)), columns=periods)


def read_forecast(store, series_id, run=None, levels=DEFAULT_LEVELS):
    """A forecast of series_id from run (default: the newest forecast run that holds it), one
    row per period (PeriodIndex): mean (the stored point forecast), median, and lower_L/upper_L
    for each level L in levels: the central L% band of the sample paths (empirical quantiles,
    numpy's default = R's type 7). When the run kept no paths, the stored interval levels are
    used instead (the others are NaN). attrs: run, series_id, model_run, model, intervals
    ("analytic" or "simulated"), n_paths. The intervals carecast itself stored (analytic where
    the model has them): read_forecast_intervals."""
    run, group = _run_group(store, "forecasts", series_id, run)
    a = _attrs(group)
    stored = read_forecast_intervals(store, series_id, run)
    paths = read_forecast_paths(store, series_id, run).to_numpy()
    columns = {"mean": stored["mean"]}
    if len(paths):
        tails = [(1 - level / 100) / 2 for level in levels]
        quantiles = np.quantile(paths, [0.5] + tails + [1 - tail for tail in tails], axis=0)
        columns["median"] = quantiles[0]
        for k, level in enumerate(levels):
            columns[f"lower_{level:g}"] = quantiles[1 + k]
            columns[f"upper_{level:g}"] = quantiles[1 + len(levels) + k]
    else:
        columns["median"] = np.nan
        for level in levels:
            for side in ("lower", "upper"):
                name = f"{side}_{level:g}"
                columns[name] = stored[name] if name in stored else np.nan
    frame = pd.DataFrame(columns, index=stored.index)
    frame.attrs = {"run": run, "series_id": series_id, "model_run": _attrs(store[f"forecasts/{run}"]).get("model_run", ""),
                   "model": a.get("model", ""), "intervals": a.get("intervals", ""), "n_paths": len(paths)}
    return frame


def read_forecast_intervals(store, series_id, run=None):
    """The point forecast and intervals carecast stored for series_id in run (default: the
    newest forecast run that holds it): mean, lower_L and upper_L for each stored level L
    (80 and 95 unless `carecast forecast --level` said otherwise), PeriodIndex."""
    run, group = _run_group(store, "forecasts", series_id, run)
    periods = pd.PeriodIndex([parse_period(p) for p in group["periods"][()]], name="period")
    levels = group["levels"][()]
    # lower and upper are stored level-major: lower[l * h + i] is level l at step i.
    lower = group["lower"][()].reshape(len(levels), len(periods))
    upper = group["upper"][()].reshape(len(levels), len(periods))
    frame = pd.DataFrame({"mean": group["mean"][()]}, index=periods)
    for k, level in enumerate(levels):
        frame[f"lower_{level:g}"] = lower[k]
        frame[f"upper_{level:g}"] = upper[k]
    return frame


# --- scenarios -------------------------------------------------------------------------------

@dataclass
class Scenario:
    """One scenario run (/scenarios/<run>): its tables as carecast scenario wrote them."""
    run: str
    name: str
    forecast_run: str
    draws: int
    years: int
    text: str                   # the scenario file as read
    by_year: pd.DataFrame       # organisation, budget, year, measure, mean, p10, p50, p90
    summary: pd.DataFrame       # organisation, budget, measure (npv, roi, payback_years, ...), mean, p10, p50, p90
    demand: pd.DataFrame        # series_id, unit_cost, year, measure, future, mean, p10, p50, p90
    sensitivity: pd.DataFrame   # lever, low, high, npv_at_low, npv_at_high, swing, variance_share
    npv_draws: np.ndarray       # the total NPV of every draw


def _csv_table(dataset):
    """A dataset of CSV lines (one text line per element, the first the header) as a DataFrame.
    Years such as 2025/26 stay text; "inf" (payback never reached) reads as infinity."""
    text = "\n".join(_text(line) for line in dataset[()])
    return pd.read_csv(io.StringIO(text), dtype={"year": str, "organisation": str, "budget": str})


def read_scenario(store, run):
    """A scenario run's tables, by run id."""
    path = f"scenarios/{run}"
    if path not in store:
        raise KeyError(f"no scenario run {run!r}")
    group = store[path]
    a = _attrs(group)
    return Scenario(run=run, name=a.get("name", ""), forecast_run=a.get("forecast_run", ""),
                    draws=int(a.get("draws", 0)), years=int(a.get("years", 0)), text=a.get("scenario", ""),
                    by_year=_csv_table(group["by_year"]), summary=_csv_table(group["summary"]),
                    demand=_csv_table(group["demand"]), sensitivity=_csv_table(group["sensitivity"]),
                    npv_draws=group["npv_draws"][()].astype(float))


def newest_scenarios(store):
    """The newest run id of each scenario name, as a dict name -> run id, names in order."""
    runs = list_runs(store, "scenarios")
    if not len(runs):
        return {}
    newest = runs.reset_index().groupby("name")["run_id"].max()
    return dict(sorted(newest.items()))


# --- running carecast ------------------------------------------------------------------------

def carecast_binary():
    """The carecast command: $CARECAST_BIN, else `carecast` on PATH, else build/carecast of
    this repository."""
    if os.environ.get("CARECAST_BIN"):
        return os.environ["CARECAST_BIN"]
    on_path = shutil.which("carecast")
    if on_path:
        return on_path
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "build", "carecast")


def run_carecast(*args):
    """Run carecast with args and return its standard output; raise RuntimeError with its
    error message when it fails."""
    command = [carecast_binary(), *map(str, args)]
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise FileNotFoundError(f"carecast not found at {command[0]}: set CARECAST_BIN to the carecast binary") from None
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def _store_path(store):
    return store.filename if isinstance(store, h5py.File) else str(store)


def backtest(store, series_id, horizon, origins, model="auto", levels="80,95"):
    """carecast backtest of one series (store: an open store or its path): a DataFrame with
    one row for the series (index series_id) and its scores mae, rmse, mase, smape,
    coverage80, coverage95, pinball."""
    out = run_carecast("backtest", "--store", _store_path(store), "--horizon", horizon, "--origins", origins,
                       "--series", series_id, "--model", model, "--level", levels)
    table = pd.read_csv(io.StringIO(out)).set_index("series_id")
    return table.drop(index="ALL", errors="ignore")


def quality(store, series_id=None):
    """carecast quality (store: an open store or its path) for one series or all: a DataFrame
    indexed by series_id with n, missing, suppressed, outliers, break_period, break_p, score,
    outlier_periods (text, space separated) and the other columns; the ALL row left out."""
    args = ["quality", "--store", _store_path(store)] + (["--series", series_id] if series_id else [])
    table = pd.read_csv(io.StringIO(run_carecast(*args)), dtype={"break_period": str, "outlier_periods": str})
    table = table.set_index("series_id").drop(index="ALL", errors="ignore")
    table["outlier_periods"] = table["outlier_periods"].fillna("")
    return table
