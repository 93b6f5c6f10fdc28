#!/usr/bin/python3
"""Build carecast's embedded default data for two English councils.

    /usr/bin/python3 data/generate.py [--raw DIR] [--data DIR]

Councils: E08000019 Sheffield (metropolitan district) and E06000012 North East
Lincolnshire (unitary). Output: one long-format CSV plus a YAML manifest per
source in data/sources/ (format: docs/sources.md), and the published input files
under data/uk/.

What is real and what is generated
----------------------------------
* REAL, values unchanged (organisation: government / ons):
    dfe_children_in_need, dfe_children_looked_after, oflog_asc_metrics,
    mhclg_ro3_2024_25, and the non-flagged rows of ons_population.
* GENERATED (synthetic, seeded): the monthly council, NHS and police sources.
  No council publishes these monthly series, so they are simulated here and
  calibrated to the published annual figures:
    - the months of a financial year add up EXACTLY to the published annual
      count (DfE referrals, child protection plan starts);
    - the month-end stock at March equals EXACTLY the published stock at
      31 March (children in need, child protection plans, children looked
      after, and children in foster placements where the DfE published it);
    - reablement outcomes reproduce the published Oflog percentage to within
      integer rounding.
  Where nothing is published (adult social care volumes, NHS, police) levels
  come from published rates (Oflog, RO3 spend divided by assumed unit costs,
  rough national rates per head of population) and the assumptions are
  written next to the numbers below (search for "ASSUMPTION").

Inputs
------
Small published files (< 1 MB) are byte copies in data/uk/<folder>/ with the
original names. Large ones are read from --raw (default /work/shared/data/uk)
and only a filtered extract (the two councils) is written to data/uk/. When
--raw does not exist the script works from data/uk/ alone, so anyone with
this repository can rebuild data/sources/ byte for byte.

Quirks
------
The synthetic sources carry the defects real extracts have (suppressed small
counts, a gap of missing rows and one of empty values, four outliers, exact
duplicate rows, an unflagged definitional break, area names instead of codes,
provisional flags, a quarterly series); see the QUIRKS section below and the
table in data/README.md.

Determinism
-----------
Every series draws from its own random.Random seeded with
crc32("<SEED>:<series key>"), rows are written in a fixed order, and nothing
depends on the clock, the locale or dict ordering of inputs. Running twice
gives byte-identical files (the final line prints a digest of all outputs).

Checks
------
After writing, the script reads every CSV and manifest back and asserts the
format rules of docs/sources.md and the annual consistency listed above; it
exits with status 1 if any check fails.
"""

import argparse
import calendar
import csv
import hashlib
import math
import os
import random
import re
import shutil
import sys
import zipfile
import zlib
import xml.etree.ElementTree as ET

SEED = 20250430

# ---------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------
SHEFFIELD = "E08000019"
NEL = "E06000012"
COUNCILS = [SHEFFIELD, NEL]
AREA_NAME = {SHEFFIELD: "Sheffield", NEL: "North East Lincolnshire"}
OLD_LA_CODE = {SHEFFIELD: "373", NEL: "812"}
SOURCE_PREFIX = {SHEFFIELD: "scc", NEL: "nelc"}
COUNCIL_NAME = {SHEFFIELD: "Sheffield City Council", NEL: "North East Lincolnshire Council"}

FIRST_MONTH = (2014, 4)
LAST_MONTH = (2025, 3)
MONTHS = [(y, m) for y in range(2014, 2026) for m in range(1, 13) if FIRST_MONTH <= (y, m) <= LAST_MONTH]
N_MONTHS = len(MONTHS)  # 132
FY_STARTS = list(range(2014, 2025))  # financial years 2014/15 .. 2024/25

# "refreshed" dates written in the manifests (constants, so output never depends on the clock).
SYNTHETIC_REFRESHED = "2025-04-30"  # the date the imaginary monthly extracts were taken
PUBLISHED_REFRESHED = "2026-11-29"  # the date the published files were filtered from the shared snapshot

OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
SYNTHETIC_ATTRIBUTION = (OGL_ATTRIBUTION + " Monthly values are SYNTHETIC (data/generate.py), calibrated to "
                         "DfE, Oflog, MHCLG and ONS statistics; they are not the organisation's own figures.")
SYNTHETIC_DSA = "none (synthetic demonstration data)"

# ---------------------------------------------------------------------------
# Input files: (folder, file name, how). "copy" = byte copy of a small file;
# "extract" = filtered to the two councils because the original is large
# (or would push data/ over its ~3 MB budget). See data/README.md.
# ---------------------------------------------------------------------------
INPUTS = [
    ("dfe-children-in-need", "b1_children_in_need_2013_to_2025.csv", "copy"),
    ("dfe-children-in-need", "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "copy"),
    ("dfe-children-in-need", "d3_cpps_subsequent_plan_2013_to_2025.csv", "copy"),
    ("dfe-children-in-need", "d5_cpps_at31march_by_duration_2013_to_2025.csv", "copy"),
    ("dfe-children-in-need", "ons_mid-year_population_estimates_2012_to_2024.csv", "copy"),
    ("dfe-children-looked-after", "cla_number_and_rate_per_10k_children.csv", "copy"),
    ("dfe-children-looked-after", "SFR36_CLA2013.csv", "copy"),
    ("dfe-children-looked-after", "SFR36_CLA2014.csv", "copy"),
    ("dfe-children-looked-after", "SFR34_CLA2015.csv", "copy"),
    ("dfe-children-looked-after", "SFR41_CLA2016.csv", "copy"),
    ("dfe-children-looked-after", "SFR50_CLA2017.csv", "copy"),
    ("ons-snpp-2022-sheffield-nel", "snpp2022_migcat_2023geog_persons_E08000019_E06000012.csv", "copy"),
    ("oflog-asc-metrics", "ASC_data.csv", "extract"),
    ("mhclg-ro3-social-care-outturn", "RO3_LA_Data_2024-25_data_by_LA.ods", "extract"),
    ("ons-snpp-2016-age60plus-all-la", "local_authority_pop_estimates.csv", "extract"),
]
EXTRACT_NAME = {
    "ASC_data.csv": "ASC_data_E08000019_E06000012.csv",
    "RO3_LA_Data_2024-25_data_by_LA.ods": "RO3_LA_Data_2024-25_data_by_LA_E08000019_E06000012.csv",
    "local_authority_pop_estimates.csv": "local_authority_pop_estimates_E08000019_E06000012.csv",
}


def write_text(path, text):
    """Write text with LF line ends, creating folders; the only way this script writes files."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def csv_text(rows):
    out = []
    for row in rows:
        cells = []
        for c in row:
            c = str(c)
            if any(ch in c for ch in ',"\n\r'):
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


def extract_ro3(src, dst):
    """Write the RO3 worksheet's header row and the two councils' rows as CSV.

    Numbers are the cells' stored values (office:value, e.g. 75605 for the
    displayed "75,605"); text cells ("[x]") are kept as shown."""
    t = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    o = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
    p = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
    root = ET.fromstring(zipfile.ZipFile(src).read("content.xml"))
    sheet = [s for s in root.iter(t + "table") if s.get(t + "name") == "RO3_LA_Data_202425"][0]
    header, picked = None, {}
    for row in sheet.iter(t + "table-row"):
        cells = []
        for cell in row:
            if cell.tag not in (t + "table-cell", t + "covered-table-cell"):
                continue
            text = "\n".join("".join(q.itertext()) for q in cell.findall(p))
            value = cell.get(o + "value")
            repeat = int(cell.get(t + "number-columns-repeated", "1"))
            cells.extend([value if value is not None else text] * min(repeat, 1000 - len(cells)))
            if len(cells) >= 1000:
                break
        if cells and cells[0] == "E-code":
            header = cells
        elif header and len(cells) > 1 and cells[1] in COUNCILS:
            picked[cells[1]] = cells
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    rows = [header[:width]] + [(picked[c] + [""] * width)[:width] for c in COUNCILS]
    write_text(dst, csv_text(rows))


def extract_rows(src, dst, code_column):
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(code_column)
    keep = [rows[0]] + [r for r in rows[1:] if r[col] in COUNCILS]
    write_text(dst, csv_text(keep))


def sync_inputs(raw, uk):
    """Refresh data/uk from the shared snapshot when it is there; otherwise check data/uk is complete."""
    have_raw = os.path.isdir(raw)
    for folder, name, how in INPUTS:
        local = os.path.join(uk, folder, name if how == "copy" else EXTRACT_NAME[name])
        if have_raw:
            src = os.path.join(raw, folder, name)
            if how == "copy":
                os.makedirs(os.path.dirname(local), exist_ok=True)
                shutil.copyfile(src, local)
            elif name.endswith(".ods"):
                extract_ro3(src, local)
            elif name == "ASC_data.csv":
                extract_rows(src, local, "Local authority code")
            else:
                extract_rows(src, local, "AREA_CODE")
        elif not os.path.isfile(local):
            sys.exit(f"{local}: missing, and the raw folder {raw} does not exist (pass --raw)")
    return have_raw


# ---------------------------------------------------------------------------
# Readers of the published files (from data/uk)
# ---------------------------------------------------------------------------
def read_csv(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as f:
        return [{(k or "").strip(): (v if v is not None else "") for k, v in r.items()} for r in csv.DictReader(f)]


def fy_label(start):
    """Financial year starting in April of `start`: 2023 -> '2023/24'."""
    return f"{start}/{(start + 1) % 100:02d}"


def dfe_period(time_period):
    """DfE 'year ending 31 March 2024' (time_period 2024) is financial year 2023/24."""
    return fy_label(int(time_period) - 1)


def read_dfe_la(path):
    """Rows of a DfE LA table for the two councils, keyed by (code, time_period)."""
    out = {}
    for r in read_csv(path):
        if r.get("geographic_level") == "Local authority" and r.get("new_la_code") in COUNCILS:
            out[(r["new_la_code"], int(r["time_period"]))] = r
    return out


def to_int(text):
    return int(text) if re.fullmatch(r"-?\d+", text or "") else None


# ---------------------------------------------------------------------------
# Random numbers and rounding
# ---------------------------------------------------------------------------
def rng_for(*key):
    return random.Random(zlib.crc32(f"{SEED}:{':'.join(map(str, key))}".encode()))


def poisson(rng, lam):
    """Poisson draw: Knuth's product method below 50, rounded normal approximation above."""
    if lam <= 0:
        return 0
    if lam < 50:
        limit, k, prod = math.exp(-lam), 0, rng.random()
        while prod > limit:
            k += 1
            prod *= rng.random()
        return k
    return max(0, int(math.floor(rng.gauss(lam, math.sqrt(lam)) + 0.5)))


def binomial(rng, n, p):
    """Binomial draw: Bernoulli sum for n < 200, clamped normal approximation otherwise."""
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n < 200:
        return sum(1 for _ in range(n) if rng.random() < p)
    x = int(math.floor(rng.gauss(n * p, math.sqrt(n * p * (1 - p))) + 0.5))
    return min(n, max(0, x))


def lognormal_factor(rng, sigma):
    """Mean-one multiplicative noise exp(sigma*z - sigma^2/2)."""
    return math.exp(sigma * rng.gauss(0.0, 1.0) - sigma * sigma / 2.0)


def overdispersed_count(rng, lam, phi):
    """Poisson-lognormal count: Poisson noise plus extra relative noise phi (NOISE ASSUMPTION)."""
    return poisson(rng, lam * lognormal_factor(rng, phi))


def apportion(weights, total):
    """Split the integer `total` in proportion to `weights` (largest remainder, ties to the earlier
    position). The parts are non-negative integers that add up to `total` exactly."""
    assert total >= 0 and all(w >= 0 for w in weights)
    s = float(sum(weights))
    if s <= 0:
        weights, s = [1.0] * len(weights), float(len(weights))
    raw = [w * total / s for w in weights]
    parts = [int(math.floor(x)) for x in raw]
    short = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:short]:
        parts[i] += 1
    return parts


def round_half_up(x):
    return int(math.floor(x + 0.5))


# ---------------------------------------------------------------------------
# Calendar helpers, seasonality and COVID-19 disruption
# ---------------------------------------------------------------------------
def month_label(ym):
    return f"{ym[0]}-{ym[1]:02d}"


def fy_start_of(ym):
    return ym[0] if ym[1] >= 4 else ym[0] - 1


def months_of_fy(start):
    return [i for i, ym in enumerate(MONTHS) if fy_start_of(ym) == start]


def decimal_year(ym):
    return ym[0] + (ym[1] - 0.5) / 12.0


def days_factor(ym):
    """Monthly flows are daily rates times days in the month (so February is short)."""
    return calendar.monthrange(ym[0], ym[1])[1] / 30.4375


# SEASONALITY ASSUMPTIONS: relative daily rate by calendar month (Jan..Dec), normalised to mean 1.
SEASON = {
    # children's social care contacts/referrals follow the school year: low in August and
    # over Christmas, high in the autumn and spring terms.
    "cs": [1.05, 1.03, 1.07, 0.93, 1.02, 1.03, 0.99, 0.78, 1.00, 1.08, 1.08, 0.90],
    # child protection activity: the same shape at about half the amplitude.
    "cp": [1.03, 1.02, 1.04, 0.97, 1.01, 1.02, 1.00, 0.89, 1.00, 1.04, 1.04, 0.95],
    # adult social care requests and reablement: winter pressure peak, August dip.
    "asc": [1.08, 1.02, 1.04, 0.97, 0.98, 0.97, 1.00, 0.93, 0.98, 1.02, 1.02, 1.00],
    # care home / nursing admissions follow hospital discharges (winter peak).
    "care_home": [1.12, 1.06, 1.04, 0.98, 0.96, 0.94, 0.95, 0.94, 0.96, 1.00, 1.02, 1.03],
    # ends of long-term care (mostly deaths) peak in winter.
    "exits": [1.20, 1.10, 1.02, 0.97, 0.95, 0.92, 0.92, 0.92, 0.94, 0.98, 1.00, 1.10],
    # emergency admissions aged 65+: winter peak.
    "emergency": [1.10, 1.02, 1.00, 0.97, 0.98, 0.96, 0.98, 0.95, 0.97, 1.00, 1.02, 1.08],
    # A&E attendances peak in late spring and summer.
    "ae": [0.94, 0.96, 1.01, 1.01, 1.05, 1.05, 1.05, 1.00, 0.99, 0.99, 0.97, 0.96],
    # falls admissions aged 65+: icy months.
    "falls": [1.12, 1.05, 1.00, 0.96, 0.96, 0.95, 0.96, 0.95, 0.97, 1.00, 1.02, 1.08],
    # domestic abuse incidents: summer and Christmas/New Year peaks.
    "domestic": [1.01, 0.92, 0.95, 0.97, 1.01, 1.05, 1.08, 1.07, 0.98, 0.97, 0.95, 1.05],
    # police child concern notifications: school-term shape, milder August dip.
    "ccn": [1.03, 1.02, 1.05, 0.96, 1.02, 1.03, 1.00, 0.88, 1.00, 1.05, 1.04, 0.92],
}
for _k, _v in SEASON.items():
    _mean = sum(_v) / 12.0
    SEASON[_k] = [x / _mean for x in _v]

# COVID-19 ASSUMPTIONS: multipliers on the expected level by month (1 elsewhere), shaped on the
# national picture (first lockdown from 23 March 2020, schools closed again in January 2021).
COVID = {
    "cs": {(2020, 4): 0.70, (2020, 5): 0.80, (2020, 6): 0.90, (2020, 7): 0.97, (2020, 9): 1.05,
           (2021, 1): 0.90, (2021, 2): 0.92},
    "asc": {(2020, 4): 0.75, (2020, 5): 0.85, (2020, 6): 0.92},
    "care_home": {(2020, 4): 0.55, (2020, 5): 0.65, (2020, 6): 0.80, (2020, 7): 0.90, (2021, 1): 0.85,
                  (2021, 2): 0.90},
    "home_care": {(2020, 4): 1.15, (2020, 5): 1.10, (2020, 6): 1.05},
    "exits_care_home": {(2020, 4): 2.20, (2020, 5): 1.60, (2020, 6): 1.10, (2021, 1): 1.40, (2021, 2): 1.20},
    "exits_home_care": {(2020, 4): 1.30, (2020, 5): 1.15, (2021, 1): 1.15},
    "reablement": {(2020, 4): 0.80, (2020, 5): 0.88},
    "emergency": {(2020, 4): 0.65, (2020, 5): 0.78, (2020, 6): 0.88, (2020, 7): 0.93, (2020, 11): 0.92,
                  (2021, 1): 0.88, (2021, 2): 0.90},
    "ae": {(2020, 4): 0.43, (2020, 5): 0.60, (2020, 6): 0.72, (2020, 7): 0.80, (2020, 8): 0.85,
           (2020, 9): 0.88, (2020, 10): 0.86, (2020, 11): 0.75, (2020, 12): 0.78, (2021, 1): 0.65,
           (2021, 2): 0.70, (2021, 3): 0.85},
    "falls": {(2020, 4): 0.80, (2020, 5): 0.88},
    "domestic": {(2020, 4): 1.08, (2020, 5): 1.10, (2020, 6): 1.06},
    "ccn": {(2020, 4): 0.75, (2020, 5): 0.82, (2020, 6): 0.90, (2021, 1): 0.88},
}


def shape(ym, season=None, covid=None, per_day=True):
    f = SEASON[season][ym[1] - 1] if season else 1.0
    if covid:
        f *= COVID[covid].get(ym, 1.0)
    if per_day:
        f *= days_factor(ym)
    return f


def interp(points, x):
    """Piecewise-linear interpolation through sorted (x, y) points, flat outside."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


# ---------------------------------------------------------------------------
# Population (ONS): real values where published, documented estimates elsewhere
# ---------------------------------------------------------------------------
BANDS_POP = ["0-17", "18-64", "65-74", "75-84", "85+"]
BAND_RANGE = {"0-17": (0, 17), "18-64": (18, 64), "65-74": (65, 74), "75-84": (75, 84), "85+": (85, 999)}


def read_snpp2022(path):
    """{code: {band or 'all': {year: persons}}} from the 2022-based SNPP single-year file."""
    out = {c: {b: {} for b in BANDS_POP + ["all"]} for c in COUNCILS}
    for r in read_csv(path):
        code, age = r["AREA_CODE"], r["AGE_GROUP"]
        for y in range(2022, 2048):
            v = float(r[str(y)])
            if age == "All ages":
                out[code]["all"][y] = v
                continue
            a = 90 if age == "90 and over" else int(age)
            for b, (lo, hi) in BAND_RANGE.items():
                if lo <= a <= hi:
                    out[code][b][y] = out[code][b].get(y, 0.0) + v
    return out


def read_snpp2016(path):
    """{code: {band: {year: persons}}} for 65-74, 75-84, 85+ from the 2016-based SNPP (ages 60..90+)."""
    out = {c: {b: {} for b in ["65-74", "75-84", "85+"]} for c in COUNCILS}
    for r in read_csv(path):
        a = int(r["AGE_GROUP"])
        for b in ["65-74", "75-84", "85+"]:
            lo, hi = BAND_RANGE[b]
            if lo <= a <= hi:
                for y in range(2016, 2042):
                    out[r["AREA_CODE"]][b][y] = out[r["AREA_CODE"]][b].get(y, 0.0) + float(r[str(y)])
    return out


def build_population(uk):
    """Mid-year population by council, band and year 2012..2040: {code: {band: {year: (value, real)}}}.

    REAL: 0-17 for 2012..2024 (ONS mid-year estimates as used by DfE);
          65-74, 75-84, 85+ for 2016 (base year of the 2016-based SNPP = mid-2016 estimate);
          every band and 'all' for 2022 (base year of the 2022-based SNPP = mid-2022 estimate).
    ESTIMATED (flag 'estimated'), POPULATION ASSUMPTIONS:
      * 65-74, 75-84, 85+ in 2017..2021: the 2016-based projection for that year times a correction
        that grows linearly from 1 in 2016 to (mid-2022 estimate / 2016-based projection for 2022) in
        2022, so the series joins both real end points;
      * 65-74, 75-84, 85+ before 2016: back-cast at the band's average annual growth 2016->2022;
      * 18-64 before 2022: held flat at the mid-2022 estimate (the shared snapshot has no 18-64
        estimate before 2022; a deliberately simple assumption - replace with the ONS series);
      * every band after 2022 (and 0-17 after 2024): the 2022-based projection, 0-17 scaled so it
        joins the 2024 estimate;
      * 65+ is the sum of its three bands; 'all' (except the real 2022 value) the sum of 0-17, 18-64
        and 65+.
    Note: in 2022 the real 'all' (564,702 for Sheffield) differs from the sum of the real bands
    because 0-17 comes from an earlier vintage of the mid-2022 estimate (113,795) than the SNPP
    base (113,514). Both are left as published."""
    snpp22 = read_snpp2022(os.path.join(uk, "ons-snpp-2022-sheffield-nel",
                                        "snpp2022_migcat_2023geog_persons_E08000019_E06000012.csv"))
    snpp16 = read_snpp2016(os.path.join(uk, "ons-snpp-2016-age60plus-all-la", EXTRACT_NAME["local_authority_pop_estimates.csv"]))
    child = {}
    for r in read_csv(os.path.join(uk, "dfe-children-in-need", "ons_mid-year_population_estimates_2012_to_2024.csv")):
        if r["geographic_level"] == "Local authority" and r["new_la_code"] in COUNCILS:
            child[(r["new_la_code"], int(r["time_period"]))] = float(r["population_estimate"])
    pop = {}
    for c in COUNCILS:
        p = {b: {} for b in BANDS_POP + ["65+", "all"]}
        for y in range(2012, 2041):
            if y <= 2024:
                p["0-17"][y] = (child[(c, y)], True)
            else:
                p["0-17"][y] = (snpp22[c]["0-17"][y] * child[(c, 2024)] / snpp22[c]["0-17"][2024], False)
            p["18-64"][y] = (snpp22[c]["18-64"][max(y, 2022)], y == 2022)
            for b in ["65-74", "75-84", "85+"]:
                v16, v22 = snpp16[c][b][2016], snpp22[c][b][2022]
                if y == 2016:
                    p[b][y] = (v16, True)
                elif y >= 2022:
                    p[b][y] = (snpp22[c][b][y], y == 2022)
                elif y > 2016:
                    corr = 1.0 + (y - 2016) / 6.0 * (v22 / snpp16[c][b][2022] - 1.0)
                    p[b][y] = (snpp16[c][b][y] * corr, False)
                else:
                    growth = (v22 / v16) ** (1.0 / 6.0)
                    p[b][y] = (v16 / growth ** (2016 - y), False)
            p["65+"][y] = (sum(p[b][y][0] for b in ["65-74", "75-84", "85+"]),
                           all(p[b][y][1] for b in ["65-74", "75-84", "85+"]))
            if y == 2022:
                p["all"][y] = (snpp22[c]["all"][2022], True)
            else:
                p["all"][y] = (p["0-17"][y][0] + p["18-64"][y][0] + p["65+"][y][0], False)
        pop[c] = p
    return pop, snpp22


def monthly_population(pop):
    """{code: {band: [persons per month]}} interpolated linearly between mid-year (30 June) values."""
    out = {}
    for c in COUNCILS:
        out[c] = {}
        for b in BANDS_POP + ["65+", "all"]:
            pts = [(y + 0.5, pop[c][b][y][0]) for y in range(2012, 2041)]
            out[c][b] = [interp(pts, decimal_year(ym)) for ym in MONTHS]
    return out


# ---------------------------------------------------------------------------
# Rows and sources
# ---------------------------------------------------------------------------
class Source:
    """One CSV + manifest. rows: (geography, period, measure, age_band, value[, flag]) tuples."""

    def __init__(self, source_id, organisation, organisation_name, licence, refreshed, dsa,
                 description, attribution=OGL_ATTRIBUTION, publisher_url=None, suppression_max=None,
                 with_flag=False):
        self.source_id = source_id
        self.organisation = organisation
        self.organisation_name = organisation_name
        self.licence = licence
        self.refreshed = refreshed
        self.dsa = dsa
        self.description = description
        self.attribution = attribution
        self.publisher_url = publisher_url
        self.suppression_max = suppression_max
        self.with_flag = with_flag
        self.measures = {}  # name -> (frequency, kind, unit, description), in declaration order
        self.rows = []

    def measure(self, name, frequency, kind, unit, description):
        assert name not in self.measures, name
        self.measures[name] = (frequency, kind, unit, description)

    def add(self, geo, period, measure, band, value, flag=""):
        assert measure in self.measures, measure
        self.rows.append((geo, period, measure, band, "" if value is None else str(value), flag))


def yaml_scalar(text):
    text = str(text)
    if re.fullmatch(r"[A-Za-z0-9(][A-Za-z0-9 ,.()/+&'%;=_\-]*", text) and not text.endswith(" "):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest_text(src):
    lines = ["# Generated by data/generate.py - edit the script, not this file.",
             f"source_id: {src.source_id}",
             f"organisation: {src.organisation}",
             f"organisation_name: {yaml_scalar(src.organisation_name)}",
             f"data_sharing_agreement: {yaml_scalar(src.dsa)}",
             f"licence: {yaml_scalar(src.licence)}",
             f"refreshed: {src.refreshed}"]
    if src.publisher_url:
        lines.append(f"publisher_url: {yaml_scalar(src.publisher_url)}")
    lines.append(f"attribution: {yaml_scalar(src.attribution)}")
    lines.append(f"description: {yaml_scalar(src.description)}")
    if src.suppression_max is not None:
        lines.append(f"suppression_max: {src.suppression_max}")
    lines.append("measures:")
    for name, (freq, kind, unit, desc) in src.measures.items():
        lines += [f"  {name}:", f"    frequency: {freq}", f"    kind: {kind}",
                  f"    unit: {yaml_scalar(unit)}", f"    description: {yaml_scalar(desc)}"]
    return "\n".join(lines) + "\n"


GEO_ORDER = {SHEFFIELD: 0, NEL: 1, "Sheffield": 0, "North East Lincolnshire": 1}
BAND_ORDER = {b: i for i, b in enumerate(["all", "0-17", "18-64", "65+", "65-74", "75-84", "85+"])}


def period_key(p):
    """Chronological order of any period form."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", p)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    m = re.fullmatch(r"(\d{4})-Q(\d)", p)
    if m:
        return (int(m.group(1)), 3 * int(m.group(2)))
    m = re.fullmatch(r"(\d{4})/\d{2}", p)
    if m:
        return (int(m.group(1)) + 1, 3)
    return (int(p), 6)


def write_source(src, out_dir):
    order = {m: i for i, m in enumerate(src.measures)}
    rows = sorted(src.rows, key=lambda r: (order[r[2]], GEO_ORDER[r[0]], BAND_ORDER[r[3]], period_key(r[1])))
    header = ["geography_code", "period", "measure", "age_band", "value"] + (["flag"] if src.with_flag else [])
    body = [list(r) if src.with_flag else list(r[:5]) for r in rows]
    write_text(os.path.join(out_dir, src.source_id + ".csv"), csv_text([header] + body))
    write_text(os.path.join(out_dir, src.source_id + ".yaml"), manifest_text(src))


# ---------------------------------------------------------------------------
# REAL: DfE children in need (CIN census) - values exactly as published
# ---------------------------------------------------------------------------
CIN_COLUMNS = [  # (file, column, measure, kind, unit, description)
    ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "referral_count", "cs_dfe_referrals", "flow",
     "referrals", "Referrals to children's social care in the year (CIN census table C1 referral_count)"),
    ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "rereferral_count", "cs_dfe_rereferrals",
     "flow", "referrals", "Re-referrals within 12 months of a previous referral (C1 rereferral_count)"),
    ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", "no_further_action_count",
     "cs_dfe_referrals_nfa", "flow", "referrals", "Referrals resulting in no further action (C1 no_further_action_count)"),
    ("b1_children_in_need_2013_to_2025.csv", "Started_episodes", "cs_dfe_cin_starts", "flow", "episodes",
     "Children in need episodes starting in the year (B1 Started_episodes)"),
    ("b1_children_in_need_2013_to_2025.csv", "Ended_episodes", "cs_dfe_cin_ends", "flow", "episodes",
     "Children in need episodes ending in the year (B1 Ended_episodes)"),
    ("b1_children_in_need_2013_to_2025.csv", "At31_episodes", "cs_dfe_cin_at31", "stock", "episodes",
     "Children in need episodes open at 31 March (B1 At31_episodes)"),
    ("d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_start", "cs_dfe_cpp_starts", "flow", "plans",
     "Child protection plans starting in the year (D3 CPP_start)"),
    ("d3_cpps_subsequent_plan_2013_to_2025.csv", "CPP_subsequent", "cs_dfe_cpp_starts_subsequent", "flow", "plans",
     "Plans starting in the year that were a second or subsequent plan (D3 CPP_subsequent)"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "CPP_At31", "cs_dfe_cpp_at31", "stock", "children",
     "Children on a child protection plan at 31 March (D5 CPP_At31)"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "3_months_or_less", "cs_dfe_cpp_at31_le_3m", "stock",
     "children", "Children on a plan at 31 March for 3 months or less (D5)"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "more_than_3_months_6_months", "cs_dfe_cpp_at31_3m_6m",
     "stock", "children", "Children on a plan at 31 March for more than 3 and up to 6 months (D5)"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "more_than_6_months_less_than_1_year",
     "cs_dfe_cpp_at31_6m_1y", "stock", "children", "Children on a plan at 31 March for more than 6 months and less than 1 year (D5)"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "1_year_less_than_2_years", "cs_dfe_cpp_at31_1y_2y", "stock",
     "children", "Children on a plan at 31 March for 1 year and less than 2 years (D5)"),
    ("d5_cpps_at31march_by_duration_2013_to_2025.csv", "2_years_or_more", "cs_dfe_cpp_at31_2y_plus", "stock",
     "children", "Children on a plan at 31 March for 2 years or more (D5)"),
]


def build_dfe_cin(uk):
    src = Source("dfe_children_in_need", "government", "Department for Education", "OGL-3.0",
                 PUBLISHED_REFRESHED, "none (open data)",
                 "REAL published statistics, values unchanged. DfE Explore Education Statistics release "
                 "'Children in need' (CIN census), local authority tables B1 (children in need), C1 (referrals and "
                 "re-referrals), D3 (child protection plans starting) and D5 (plans at 31 March by duration), years "
                 "ending 31 March 2013 to 2025 (DfE time_period 2024 = financial year 2023/24). Filtered to Sheffield "
                 "and North East Lincolnshire from the byte copies in data/uk/dfe-children-in-need. c = suppressed "
                 "(1 to 5, or secondary suppression).",
                 publisher_url="https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need",
                 suppression_max=5)
    tables = {}
    for f, col, measure, kind, unit, desc in CIN_COLUMNS:
        src.measure(measure, "financial_year", kind, unit, desc)
        if f not in tables:
            tables[f] = read_dfe_la(os.path.join(uk, "dfe-children-in-need", f))
        for (code, tp), r in sorted(tables[f].items()):
            src.add(code, dfe_period(tp), measure, "0-17", r[col])
    return src, tables


# ---------------------------------------------------------------------------
# REAL: DfE children looked after - values exactly as published
# ---------------------------------------------------------------------------
SFR_FILES = {2013: "SFR36_CLA2013.csv", 2014: "SFR36_CLA2014.csv", 2015: "SFR34_CLA2015.csv",
             2016: "SFR41_CLA2016.csv", 2017: "SFR50_CLA2017.csv"}
# SFR placement columns -> (measure, carecast placement group used for the monthly split)
SFR_PLACEMENTS = [
    ("CLA_Fost", "cs_dfe_cla_at31_foster", "foster", "in foster placements"),
    ("CLA_Adopt", "cs_dfe_cla_at31_placed_for_adoption", "other", "placed for adoption"),
    ("CLA_Parent", "cs_dfe_cla_at31_placed_with_parents", "other", "placed with parents"),
    ("CLA_Ocom", "cs_dfe_cla_at31_other_community", "other", "in other placements in the community"),
    ("CLA_Secure", "cs_dfe_cla_at31_secure_homes_hostels", "residential",
     "in secure units, children's homes and hostels"),
    ("CLA_Ores", "cs_dfe_cla_at31_other_residential", "residential", "in other residential settings"),
    ("CLA_RSch", "cs_dfe_cla_at31_residential_school", "residential", "in residential schools"),
    ("CLA_OthPl", "cs_dfe_cla_at31_other_placement", "other", "in other placements"),
    ("CLA_Miss", "cs_dfe_cla_at31_missing", "other", "missing from placement"),
]
CLA_POPULATION_TYPES = {
    "Children looked after on 31 March each year": ("cs_dfe_cla_at31", "cs_dfe_cla_at31_rate_per_10k"),
    "Children starting to be looked after each year": ("cs_dfe_cla_starts", "cs_dfe_cla_starts_rate_per_10k"),
    "Children ceasing to be looked after each year": ("cs_dfe_cla_ceased", "cs_dfe_cla_ceased_rate_per_10k"),
}


def read_sfr(uk):
    """{(code, year): {column: text}} from the SFR LA files (31 March 2013..2017)."""
    out = {}
    for year, name in SFR_FILES.items():
        for r in read_csv(os.path.join(uk, "dfe-children-looked-after", name), encoding="latin-1"):
            if r.get("New_geog_code") in COUNCILS and r.get("geog_l") == "LA":
                out[(r["New_geog_code"], year)] = r
    return out


def build_dfe_cla(uk):
    src = Source("dfe_children_looked_after", "government", "Department for Education", "OGL-3.0",
                 PUBLISHED_REFRESHED, "none (open data)",
                 "REAL published statistics, values unchanged. DfE 'Children looked after in England including "
                 "adoption' (SSDA903 return): LA underlying data of SFR36/2013, SFR36/2014, SFR34/2015, SFR41/2016 and "
                 "SFR50/2017 (children looked after at 31 March by placement type, and during the year) and the LA table "
                 "'CLA number and rate per 10,000 children' for years ending 31 March 2021 to 2025. Years ending 31 "
                 "March 2018, 2019 and 2020 are not in the shared snapshot, so those periods are absent (a real gap). "
                 "x = suppressed (1 to 5, or secondary suppression so the value can be larger).",
                 publisher_url="https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions",
                 suppression_max=5)
    src.measure("cs_dfe_cla_at31", "financial_year", "stock", "children", "Children looked after at 31 March")
    src.measure("cs_dfe_cla_during_year", "financial_year", "flow", "children",
                "Children looked after at any time during the year (SFR CLA_YYYY)")
    for col, measure, _, what in SFR_PLACEMENTS:
        src.measure(measure, "financial_year", "stock", "children", f"Children looked after at 31 March {what} (SFR {col})")
    src.measure("cs_dfe_cla_starts", "financial_year", "flow", "children", "Children starting to be looked after in the year")
    src.measure("cs_dfe_cla_ceased", "financial_year", "flow", "children", "Children ceasing to be looked after in the year")
    src.measure("cs_dfe_cla_at31_rate_per_10k", "financial_year", "rate", "per 10,000 children",
                "Children looked after at 31 March per 10,000 children aged 0-17")
    src.measure("cs_dfe_cla_starts_rate_per_10k", "financial_year", "rate", "per 10,000 children",
                "Children starting to be looked after per 10,000 children aged 0-17")
    src.measure("cs_dfe_cla_ceased_rate_per_10k", "financial_year", "rate", "per 10,000 children",
                "Children ceasing to be looked after per 10,000 children aged 0-17")
    sfr = read_sfr(uk)
    for (code, year), r in sorted(sfr.items()):
        period = dfe_period(year)
        src.add(code, period, "cs_dfe_cla_at31", "0-17", r[f"CLA_Mar{year}"])
        src.add(code, period, "cs_dfe_cla_during_year", "0-17", r[f"CLA_{year}"])
        for col, measure, _, _ in SFR_PLACEMENTS:
            if col in r:
                src.add(code, period, measure, "0-17", r[col])
    cla_at31 = {}
    for r in read_csv(os.path.join(uk, "dfe-children-looked-after", "cla_number_and_rate_per_10k_children.csv")):
        if r["geographic_level"] != "Local authority" or r["new_la_code"] not in COUNCILS:
            continue
        count_measure, rate_measure = CLA_POPULATION_TYPES[r["population_type"]]
        period = dfe_period(r["time_period"])
        src.add(r["new_la_code"], period, count_measure, "0-17", r["children_count"])
        src.add(r["new_la_code"], period, rate_measure, "0-17", r["rate_per_10000"])
        if count_measure == "cs_dfe_cla_at31":
            cla_at31[(r["new_la_code"], int(r["time_period"]))] = int(r["children_count"])
    for (code, year), r in sfr.items():
        cla_at31[(code, year)] = int(r[f"CLA_Mar{year}"])
    return src, sfr, cla_at31


# ---------------------------------------------------------------------------
# REAL: Oflog adult social care metrics - values exactly as published
# ---------------------------------------------------------------------------
OFLOG_MEASURES = {  # code -> (measure, unit, description)
    "ASC1": ("asc_oflog_carer_quality_of_life", "score",
             "Outcome, ASC Carer Quality of Life (carer-reported quality of life score, ASCOF 1D-type; Survey of Adult "
             "Carers, biennial)"),
    "ASC2": ("asc_oflog_quality_of_life", "index",
             "Outcome, ASC Quality of Life (values near 0.4 suggest the ASCOF 1J impact measure; unverified)"),
    "ASC3": ("asc_oflog_ease_info_users", "percent",
             "Outcome, Ease of finding information about services - service users (ASCOF 3D(1)-type)"),
    "ASC4": ("asc_oflog_ease_info_carers", "percent",
             "Outcome, Ease of finding information about support - carers (ASCOF 3D(2)-type, biennial)"),
    "ASC5": ("asc_oflog_reablement_no_ongoing_support_pct", "percent",
             "Outcome of short-term services - sequel to service: percent of short-term (reablement) episodes for "
             "new clients ending with no ongoing support (ASCOF 2D-type)"),
    "ASC6": ("asc_oflog_requests_resulting_in_service", "per 100,000 adults (unverified)",
             "Outcome, Requests resulting in a service. The values (hundreds to thousands) are a rate, probably per "
             "100,000 adults; the national median for 2015/16 is half that of later years (definition change?)"),
    "ASC7": ("asc_oflog_workforce_turnover", "percent", "Outcome, Workforce turnover rate (Skills for Care)"),
}


def build_oflog(uk):
    src = Source("oflog_asc_metrics", "government", "Office for Local Government (Oflog), MHCLG", "OGL-3.0",
                 PUBLISHED_REFRESHED, "none (open data)",
                 "REAL published statistics, values unchanged. Oflog Local Authority Data Explorer, adult social care "
                 "metrics ASC1-ASC7 (drawing on NHS England SALT and ASCOF, the Adult Social Care Survey, the Survey of "
                 "Adult Carers and Skills for Care), financial years 2015/16 to 2022/23, adults aged 18+ (age band "
                 "'all'). Read from communitiesuk/oflog-automated-text src/lib/ASC_data.csv (filtered extract in "
                 "data/uk/oflog-asc-metrics). Metric definitions are not in the file and are unverified. An empty value "
                 "is missing in the original (North East Lincolnshire workforce turnover 2020/21).",
                 publisher_url="https://oflog.data.gov.uk/")
    for code, (measure, unit, desc) in OFLOG_MEASURES.items():
        src.measure(measure, "financial_year", "rate", unit, desc)
    values = {}
    path = os.path.join(uk, "oflog-asc-metrics", EXTRACT_NAME["ASC_data.csv"])
    for r in read_csv(path):
        code = r["Local authority code"]
        start = int(r["Financial year"][:4])
        measure = OFLOG_MEASURES[r["Code"]][0]
        src.add(code, fy_label(start), measure, "all", r["Value"])
        values[(code, r["Code"], start)] = r
    return src, values


# ---------------------------------------------------------------------------
# REAL: MHCLG Revenue Outturn RO3 2024-25 - values exactly as published (GBP thousand)
# ---------------------------------------------------------------------------
RO3_LINES = [  # (column prefix in the RO3 header, measure stem, age band, description)
    ("Children's social care - Children Looked After - ", "cs_ro3_cla", "0-17", "Children looked after"),
    ("Children's social care - Children Looked After of which residential care - ", "cs_ro3_cla_residential", "0-17",
     "Children looked after, of which residential care"),
    ("Children's social care - Children Looked After of which fostering services - ", "cs_ro3_cla_fostering", "0-17",
     "Children looked after, of which fostering services"),
    ("Children's social care - Children Looked After of which asylum seeking children who are looked after - ",
     "cs_ro3_cla_asylum", "0-17", "Children looked after, of which asylum-seeking children"),
    ("Children's social care - Children Looked After of which other - ", "cs_ro3_cla_other", "0-17",
     "Children looked after, of which other"),
    ("Children's social care - Family Support Services - ", "cs_ro3_family_support", "0-17", "Family support services"),
    ("Children's social care: Safeguarding children and young people\u2019s services - ", "cs_ro3_safeguarding", "0-17",
     "Safeguarding children and young people's services"),
    ("TOTAL CHILDREN SOCIAL CARE - ", "cs_ro3_total", "0-17", "Total children's social care"),
    ("Physical support - adults (18\u201364) - ", "asc_ro3_physical_support", "18-64", "Physical support"),
    ("Physical support - older people (65+) - ", "asc_ro3_physical_support", "65+", "Physical support"),
    ("Sensory support - adults (18\u201364) - ", "asc_ro3_sensory_support", "18-64", "Sensory support"),
    ("Sensory support - older people (65+) - ", "asc_ro3_sensory_support", "65+", "Sensory support"),
    ("Support with memory and cognition - adults (18\u201364) - ", "asc_ro3_memory_cognition", "18-64",
     "Support with memory and cognition"),
    ("Support with memory and cognition - older people (65+) - ", "asc_ro3_memory_cognition", "65+",
     "Support with memory and cognition"),
    ("Learning disability support - adults (18\u201364) - ", "asc_ro3_learning_disability", "18-64",
     "Learning disability support"),
    ("Learning disability support - older people (65+) - ", "asc_ro3_learning_disability", "65+",
     "Learning disability support"),
    ("Mental health support - adults (18\u201364) - ", "asc_ro3_mental_health", "18-64", "Mental health support"),
    ("Mental health support - older people (65+) - ", "asc_ro3_mental_health", "65+", "Mental health support"),
    ("Social support: Support for carer - adults (18-64) - ", "asc_ro3_carer_support", "18-64", "Support for carers"),
    ("Social support: Support for carer - older people (65+) - ", "asc_ro3_carer_support", "65+", "Support for carers"),
    ("Subcategory: Assistive equipment and technology - adults (18-64) - ", "asc_ro3_assistive_technology", "18-64",
     "Assistive equipment and technology"),
    ("Subcategory: Assistive equipment and technology - older people (65+) - ", "asc_ro3_assistive_technology", "65+",
     "Assistive equipment and technology"),
    ("Subcategory: Care assessment and safeguarding - adults (18-64) - ", "asc_ro3_assessment_safeguarding", "18-64",
     "Care assessment and safeguarding"),
    ("Subcategory: Care assessment and safeguarding - older people (65+) - ", "asc_ro3_assessment_safeguarding", "65+",
     "Care assessment and safeguarding"),
    ("Subcategory: Information and early intervention - adults (18-64) - ", "asc_ro3_early_intervention", "18-64",
     "Information and early intervention"),
    ("Subcategory: Information and early intervention - older people (65+) - ", "asc_ro3_early_intervention", "65+",
     "Information and early intervention"),
    ("Subcategory: Commissioning, strategy and admin support - adults (18-64) - ", "asc_ro3_commissioning", "18-64",
     "Commissioning, strategy and admin support"),
    ("Subcategory: Commissioning, strategy and admin support - older people (65+) - ", "asc_ro3_commissioning", "65+",
     "Commissioning, strategy and admin support"),
    ("TOTAL ADULT SOCIAL CARE [note 2] - ", "asc_ro3_total", "all", "Total adult social care"),
]
RO3_COLUMNS = [("Total Expenditure (C3", "gross", "total expenditure (C3 = employees + running expenses)"),
               ("Net Current Expenditure (C7", "net", "net current expenditure (C7 = C3 - income)")]


def read_ro3(uk):
    with open(os.path.join(uk, "mhclg-ro3-social-care-outturn", EXTRACT_NAME["RO3_LA_Data_2024-25_data_by_LA.ods"]),
              encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    by_code = {r[1]: r for r in rows[1:]}
    values = {}
    for prefix, stem, band, _ in RO3_LINES:
        for col_key, suffix, _ in RO3_COLUMNS:
            idx = [i for i, h in enumerate(header) if h.startswith(prefix) and col_key in h]
            assert len(idx) == 1, (prefix, col_key, idx)
            for code in COUNCILS:
                values[(code, f"{stem}_{suffix}", band)] = by_code[code][idx[0]]
    return values


def build_ro3(uk):
    src = Source("mhclg_ro3_2024_25", "government", "Ministry of Housing, Communities and Local Government",
                 "OGL-3.0", PUBLISHED_REFRESHED, "none (open data)",
                 "REAL published statistics, values unchanged (GBP thousand). MHCLG 'General Fund Revenue Account "
                 "Outturn - RO3 Social Care and Public Health Services 2024-25' (RO3_LA_Data_2024-25_data_by_LA.ods, "
                 "worksheet RO3_LA_Data_202425, updated 4 December 2025): selected children's and adult social care "
                 "lines, gross total expenditure (C3) and net current expenditure (C7). Values are the cells' stored "
                 "numbers (the sheet displays them with thousands separators).",
                 publisher_url="https://www.gov.uk/government/collections/local-authority-revenue-expenditure-and-financing")
    values = read_ro3(uk)
    for prefix, stem, band, desc in RO3_LINES:
        for _, suffix, col_desc in RO3_COLUMNS:
            name = f"{stem}_{suffix}"
            if name not in src.measures:
                src.measure(name, "financial_year", "amount", "GBP thousand", f"RO3 {desc}: {col_desc}")
            for code in COUNCILS:
                src.add(code, "2024/25", name, band, values[(code, name, band)])
    return src, values


# ---------------------------------------------------------------------------
# ONS population source
# ---------------------------------------------------------------------------
def build_population_source(pop, snpp22):
    src = Source("ons_population", "ons", "Office for National Statistics", "OGL-3.0", PUBLISHED_REFRESHED,
                 "none (open data)",
                 "Mid-year population by age band. 'population': ONS mid-year estimates - REAL where the flag is empty "
                 "(0-17 for 2012-2024 from the ONS estimates DfE publishes with the CIN tables; 65-74, 75-84 and 85+ for "
                 "2016 from the base year of the 2016-based SNPP; all bands for 2022 from the base year of the "
                 "2022-based SNPP), DERIVED where the flag is 'estimated' (method in data/README.md and "
                 "data/generate.py build_population). 'population_projection': ONS 2022-based subnational population "
                 "projections, migration category variant, 2023 boundaries (Z1, published 24 June 2025), summed from "
                 "single years of age and rounded to whole persons. In 2022 the real 'all' differs from the sum of the "
                 "real bands because 0-17 is an earlier vintage of the mid-2022 estimate.",
                 publisher_url="https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationprojections",
                 with_flag=True)
    src.measure("population", "year", "stock", "persons",
                "Mid-year (30 June) population estimate; flag estimated = derived by carecast, not published by ONS")
    src.measure("population_projection", "year", "stock", "persons",
                "ONS 2022-based subnational population projection (migration category variant), mid-year")
    for c in COUNCILS:
        for b in ["0-17", "18-64", "65+", "65-74", "75-84", "85+", "all"]:
            first = 2012 if b == "0-17" else 2014
            for y in range(first, 2025):
                v, real = pop[c][b][y]
                src.add(c, str(y), "population", b, round_half_up(v), "" if real else "estimated")
            for y in range(2022, 2041):
                if b == "65+":
                    v = sum(snpp22[c][x][y] for x in ["65-74", "75-84", "85+"])
                else:
                    v = snpp22[c][b][y]
                src.add(c, str(y), "population_projection", b, round_half_up(v))
    return src


# ---------------------------------------------------------------------------
# Generic generators
# ---------------------------------------------------------------------------
def constrained_flow(rng, annual, weights_fn, phi):
    """Monthly integer flows whose financial-year sums equal `annual` {fy_start: total} exactly.

    The expected level is a smooth line through the annual means (placed at each year's middle), times
    weights_fn(month index) (seasonality, COVID, days); NOISE ASSUMPTION: lognormal with
    sigma = sqrt(1/level + phi^2) (Poisson-like plus extra variation phi). Each year is then scaled to
    its published total and rounded by largest remainder."""
    pts = [(months_of_fy(fy)[0] + 5.5, annual[fy] / 12.0) for fy in FY_STARTS]
    level = [interp(pts, t) for t in range(N_MONTHS)]
    w = []
    for t in range(N_MONTHS):
        mean = max(level[t] * weights_fn(t), 1e-9)
        sigma = math.sqrt(1.0 / max(mean, 1.0) + phi * phi)
        w.append(mean * lognormal_factor(rng, sigma))
    out = [0] * N_MONTHS
    for fy in FY_STARTS:
        idx = months_of_fy(fy)
        for i, v in zip(idx, apportion([w[i] for i in idx], annual[fy])):
            out[i] = v
    return out


def stock_from_flows(rng, inflow, anchors, season, phi, quick_share):
    """Month-end stock consistent with the inflow and EXACTLY equal to the published 31 March anchors.

    anchors: {year: stock at 31 March of that year} for 2014..2025. For the financial year from March
    S0 to March S12 the ends (closures) total E = S0 + sum(inflow) - S12 (asserted >= 0). ASSUMPTION:
    a share `quick_share` of the ends follows the month's inflow (cases closed soon after they open,
    e.g. referrals ending in no further action); the rest is in proportion to the straight line from
    S0 to S12 times the seasonal shape. Lognormal noise phi on each month's weight. Then
    stock(t) = stock(t-1) + inflow(t) - ends(t): the implied ends are non-negative integers and the
    March values are the published ones."""
    out = [0] * N_MONTHS
    for fy in FY_STARTS:
        idx = months_of_fy(fy)
        s0, s12 = anchors[fy], anchors[fy + 1]
        total_ends = s0 + sum(inflow[i] for i in idx) - s12
        assert total_ends >= 0, ("negative ends", fy, s0, s12)
        slow = [max(s0 + (s12 - s0) * (j + 1) / 12.0, 1.0) * SEASON[season][MONTHS[i][1] - 1] for j, i in enumerate(idx)]
        fast = [max(inflow[i], 0.5) for i in idx]
        w = [(quick_share * f / sum(fast) + (1 - quick_share) * sl / sum(slow)) * lognormal_factor(rng, phi)
             for f, sl in zip(fast, slow)]
        ends = apportion(w, total_ends)
        stock = s0
        for j, i in enumerate(idx):
            stock = stock + inflow[i] - ends[j]
            out[i] = stock
        assert out[idx[-1]] == s12
    assert min(out) >= 0
    return out


def bridge_stock(rng, anchors, rel_sd):
    """Month-end stock through the published 31 March anchors {year: value} (years may be missing):
    geometric interpolation between consecutive published anchors plus a Brownian bridge (pinned to 0 at
    both anchors) with monthly step sd = rel_sd x level. NOISE ASSUMPTION."""
    years = sorted(anchors)
    out = {}
    for y0, y1 in zip(years, years[1:]):
        n = 12 * (y1 - y0)
        steps = [rng.gauss(0.0, 1.0) for _ in range(n)]
        walk = [0.0]
        for s in steps:
            walk.append(walk[-1] + s)
        for j in range(1, n + 1):
            trend = anchors[y0] * (anchors[y1] / anchors[y0]) ** (j / n)
            bridge = (walk[j] - j / n * walk[n]) * rel_sd * trend
            ym = (y0 + (3 + j - 1) // 12, (3 + j - 1) % 12 + 1)
            out[ym] = anchors[y1] if j == n else max(0, round_half_up(trend + bridge))
    return [out[ym] for ym in MONTHS]


# ---------------------------------------------------------------------------
# Children's services (synthetic monthly, calibrated to DfE)
# ---------------------------------------------------------------------------
# CHILDREN'S SERVICES ASSUMPTIONS
CONTACT_TO_REFERRAL = {SHEFFIELD: 0.30, NEL: 0.36}  # share of contacts that become referrals
ASSESSMENTS_PER_REFERRAL = 0.92  # assessments completed per referral, one month later (C2 not in snapshot)
ICPC_TO_CPP = 0.85  # share of initial child protection conferences that result in a plan
S47_TO_ICPC = 0.40  # share of section 47 enquiries that lead to an initial conference
# CLA placement split at 31 March 2025 from RO3 2024-25 spend / assumed unit cost:
RESIDENTIAL_COST_PER_WEEK = 5200.0  # GBP per child per week in children's homes etc. (order of magnitude)
FOSTERING_COST_PER_YEAR = 42000.0  # GBP per child per year, blend of in-house and agency fostering


def sfr_groups(r, total):
    """Foster / residential / other counts at a 31 March from an SFR row. Suppressed cells (x) share
    the remainder (total minus published cells) equally; the foster count is always published here."""
    known = {"foster": 0, "residential": 0, "other": 0}
    suppressed = []
    for col, _, group, _ in SFR_PLACEMENTS:
        if col not in r:
            continue
        v = to_int(r[col])
        if v is None:
            suppressed.append(group)
        else:
            known[group] += v
    remainder = total - sum(known.values())
    assert remainder >= len(suppressed), (total, known, suppressed)
    for group, share in zip(suppressed, apportion([1.0] * len(suppressed), remainder) if suppressed else []):
        known[group] += share
    return known, suppressed


def build_childrens(code, dfe_tables, sfr, cla_at31, ro3, log):
    """Monthly children's services series for one council (see CHILDREN'S SERVICES ASSUMPTIONS)."""
    tp = lambda f, col, year: to_int(dfe_tables[f][(code, year)][col])
    c1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    b1 = "b1_children_in_need_2013_to_2025.csv"
    d3 = "d3_cpps_subsequent_plan_2013_to_2025.csv"
    d5 = "d5_cpps_at31march_by_duration_2013_to_2025.csv"
    referrals_fy = {fy: tp(c1, "referral_count", fy + 1) for fy in FY_STARTS}
    cpp_fy = {fy: tp(d3, "CPP_start", fy + 1) for fy in FY_STARTS}
    cin_at31 = {y: tp(b1, "At31_episodes", y) for y in range(2014, 2026)}
    cpp_at31 = {y: tp(d5, "CPP_At31", y) for y in range(2014, 2026)}
    assert None not in list(referrals_fy.values()) + list(cpp_fy.values()) + list(cin_at31.values()) + list(cpp_at31.values())
    # Derived annual totals (no published LA figure in the snapshot):
    icpc_fy = {fy: round_half_up(cpp_fy[fy] / ICPC_TO_CPP) for fy in FY_STARTS}
    s47_fy = {fy: round_half_up(icpc_fy[fy] / S47_TO_ICPC) for fy in FY_STARTS}

    cs_w = lambda t: shape(MONTHS[t], "cs", "cs")
    # Child protection: one shared monthly "pressure" factor (lognormal, sd 0.05) moves enquiries,
    # conferences (half a month later) and plan starts together; each also has its own Poisson noise.
    pressure_rng = rng_for(code, "cs_cp_pressure")
    pressure = [lognormal_factor(pressure_rng, 0.05) for _ in range(N_MONTHS)]
    cp_w = lambda t: shape(MONTHS[t], "cp", "cs") * pressure[t]
    icpc_w = lambda t: 0.5 * (cp_w(t) + cp_w(max(t - 1, 0)))
    series = {}
    series["cs_referrals"] = constrained_flow(rng_for(code, "cs_referrals"), referrals_fy, cs_w, 0.06)
    # Contacts: referrals smoothed over three years (contacts move less than referrals, whose
    # definition and thresholds change) divided by the contact-to-referral conversion.
    smooth = {}
    for fy in FY_STARTS:
        near = [referrals_fy[y] for y in (fy - 1, fy, fy + 1) if y in referrals_fy]
        smooth[fy] = sum(near) / len(near)
    rng = rng_for(code, "cs_contacts")
    pts = [(months_of_fy(fy)[0] + 5.5, smooth[fy] / 12.0 / CONTACT_TO_REFERRAL[code]) for fy in FY_STARTS]
    series["cs_contacts"] = [overdispersed_count(rng, interp(pts, t) * cs_w(t), 0.07) for t in range(N_MONTHS)]
    rng = rng_for(code, "cs_assessments")
    series["cs_assessments"] = [
        overdispersed_count(rng, ASSESSMENTS_PER_REFERRAL * series["cs_referrals"][max(t - 1, 0)], 0.05)
        for t in range(N_MONTHS)]
    series["cs_s47_enquiries"] = constrained_flow(rng_for(code, "cs_s47"), s47_fy, cp_w, 0.0)
    series["cs_icpcs"] = constrained_flow(rng_for(code, "cs_icpc"), icpc_fy, icpc_w, 0.0)
    series["cs_cpp_starts"] = constrained_flow(rng_for(code, "cs_cpp_starts"), cpp_fy, icpc_w, 0.0)
    series["cs_cpp_open"] = stock_from_flows(rng_for(code, "cs_cpp_open"), series["cs_cpp_starts"], cpp_at31, "cp", 0.08, 0.0)
    series["cs_cin_open"] = stock_from_flows(rng_for(code, "cs_cin_open"), series["cs_referrals"], cin_at31, "cs", 0.02, 0.7)

    # Children looked after: bridge through the published 31 March totals (2014-2017, 2021-2025).
    # MISSING PUBLISHED YEARS: 31 March 2018, 2019 and 2020 are not in the snapshot; the path runs
    # from March 2017 to March 2021 by geometric interpolation plus bridge noise, unconstrained between.
    anchors = {y: v for (c, y), v in cla_at31.items() if c == code and y >= 2014}
    total = bridge_stock(rng_for(code, "cs_cla"), anchors, 0.008)
    series["cs_cla"] = total
    # Placement shares: published at 31 March 2014..2017 (SFR), derived for 31 March 2025 from RO3
    # spend / unit costs (ASSUMPTION), linear in time in between.
    share_pts = []
    exact = {}
    for y in range(2014, 2018):
        groups, _ = sfr_groups(sfr[(code, y)], cla_at31[(code, y)])
        n = cla_at31[(code, y)]
        share_pts.append((y + 0.25 - 1.0 / 24, {g: groups[g] / n for g in groups}))
        exact[(y, 3)] = groups
    res_2025 = float(ro3[(code, "cs_ro3_cla_residential_gross", "0-17")]) * 1000.0 / (RESIDENTIAL_COST_PER_WEEK * 365.25 / 7)
    fos_2025 = float(ro3[(code, "cs_ro3_cla_fostering_gross", "0-17")]) * 1000.0 / FOSTERING_COST_PER_YEAR
    n25 = cla_at31[(code, 2025)]
    share_pts.append((2025 + 0.25 - 1.0 / 24, {"foster": fos_2025 / n25, "residential": res_2025 / n25,
                                               "other": 1.0 - (fos_2025 + res_2025) / n25}))
    log.append(f"  {code} CLA at 31 March 2025 from RO3/unit costs: foster {fos_2025:.0f}, residential "
               f"{res_2025:.0f} of {n25} (other {n25 - fos_2025 - res_2025:.0f})")
    rng = rng_for(code, "cs_cla_split")
    split = {g: [] for g in ["foster", "residential", "other"]}
    for t, ym in enumerate(MONTHS):
        if ym in exact:
            parts = [exact[ym][g] for g in ["foster", "residential", "other"]]
        else:
            x = decimal_year(ym)
            shares = [interp([(p, s[g]) for p, s in share_pts], x) * lognormal_factor(rng, 0.02)
                      for g in ["foster", "residential", "other"]]
            parts = apportion(shares, total[t])
        for g, v in zip(["foster", "residential", "other"], parts):
            split[g].append(v)
    series["cs_cla_foster"] = split["foster"]
    series["cs_cla_residential"] = split["residential"]
    series["cs_cla_other"] = split["other"]
    derived = {"icpc_fy": icpc_fy, "s47_fy": s47_fy, "referrals_fy": referrals_fy, "cpp_fy": cpp_fy,
               "cin_at31": cin_at31, "cpp_at31": cpp_at31, "cla_anchors": anchors, "exact_split": exact}
    return series, derived


CS_MEASURES = [
    ("cs_contacts", "month", "flow", "contacts", "Contacts received by children's social care (front door)"),
    ("cs_referrals", "month", "flow", "referrals", "Referrals accepted by children's social care"),
    ("cs_assessments", "month", "flow", "assessments", "Children and family (single) assessments completed"),
    ("cs_s47_enquiries", "month", "flow", "enquiries", "Section 47 enquiries started"),
    ("cs_icpcs", "month", "flow", "conferences", "Initial child protection conferences held"),
    ("cs_cpp_starts", "month", "flow", "plans", "Child protection plans starting"),
    ("cs_cpp_open", "month", "stock", "children", "Children on a child protection plan at month end"),
    ("cs_cin_open", "month", "stock", "episodes", "Children in need episodes open at month end"),
    ("cs_cla", "month", "stock", "children", "Children looked after at month end (all placements)"),
    ("cs_cla_foster", "month", "stock", "children", "Children looked after in foster placements at month end"),
    ("cs_cla_residential", "month", "stock", "children",
     "Children looked after in residential placements at month end (secure units, children's homes, hostels, "
     "other residential, residential schools)"),
    ("cs_cla_other", "month", "stock", "children",
     "Children looked after in other placements at month end (placed for adoption, with parents, other "
     "community, other)"),
]


# ---------------------------------------------------------------------------
# Adult social care (synthetic monthly, calibrated to Oflog, RO3 and national rates)
# ---------------------------------------------------------------------------
# ADULT SOCIAL CARE ASSUMPTIONS (rough national magnitudes, SALT/ASCOF-like; not council figures)
REQUESTS_PER_100K = {"18-64": 1950.0, "65+": 12000.0}  # requests from new clients per 100,000 per year
REQUEST_TREND = 0.015  # +1.5% a year in the request rate (national pressure), centred on 2019/20
REABLEMENT_PER_100K = {"18-64": 140.0, "65+": 1800.0}  # short-term (reablement) episodes per 100,000 per year
# Long-term care: month-end clients per 1,000 population (18-64 from national rates x damped need index;
# 65+ derived from RO3 below), mean length of stay in months, and annual change in the rate.
LTC_18_64_PER_1000 = {"home_care": 1.40, "residential": 0.55, "nursing": 0.10}
LOS_MONTHS = {("home_care", "18-64"): 48.0, ("residential", "18-64"): 72.0, ("nursing", "18-64"): 36.0,
              ("home_care", "65+"): 20.0, ("residential", "65+"): 26.0, ("nursing", "65+"): 15.0}
RATE_TREND = {"home_care": 0.005, "residential": -0.02, "nursing": -0.01}  # per year (65+); 18-64 below
RATE_TREND_18_64 = {"home_care": 0.01, "residential": -0.01, "nursing": 0.0}
# 65+ level at 2024/25: RO3 gross spend on physical support, memory and cognition, sensory and mental
# health support for people 65+, times the share assumed to buy these three settings, split by an
# assumed national cost mix and divided by assumed gross weekly unit costs (2024/25 prices).
RO3_65_LINES = ["asc_ro3_physical_support_gross", "asc_ro3_memory_cognition_gross", "asc_ro3_sensory_support_gross",
                "asc_ro3_mental_health_gross"]
SETTING_SHARE_OF_SPEND = 0.65
SETTING_COST_MIX = {"residential": 0.45, "nursing": 0.25, "home_care": 0.30}
WEEKLY_UNIT_COST = {"residential": 950.0, "nursing": 1150.0, "home_care": 330.0}
SETTINGS = ["home_care", "residential", "nursing"]
START_MEASURE = {"home_care": "asc_home_care_starts", "residential": "asc_residential_admissions",
                 "nursing": "asc_nursing_admissions"}
CLIENT_MEASURE = {"home_care": "asc_home_care_clients", "residential": "asc_residential_clients",
                  "nursing": "asc_nursing_clients"}


def need_index(oflog, code):
    """Council's requests-resulting-in-service rate relative to the national median (Oflog ASC6),
    median over 2015/16..2022/23. Using the ratio to that year's median cancels the 2015/16 definition
    change. Requests use the index as it is; reablement and 18-64 long-term care use its square
    root (damped), as care volumes vary less between councils than front-door activity."""
    ratios = sorted(float(r["Value"]) / float(r["MEDIAN"]) for (c, k, _), r in oflog.items()
                    if c == code and k == "ASC6" and r["Value"] and r["MEDIAN"])
    n = len(ratios)
    return ratios[n // 2] if n % 2 else 0.5 * (ratios[n // 2 - 1] + ratios[n // 2])


def reablement_share(oflog, code, fy):
    """Oflog ASC5 percent for the year; 2014/15 uses 2015/16 and 2023/24-2024/25 use 2022/23 (held)."""
    y = min(max(fy, 2015), 2022)
    return float(oflog[(code, "ASC5", y)]["Value"]) / 100.0


def build_adult(code, oflog, ro3, pop_m, log):
    idx = need_index(oflog, code)
    damped = math.sqrt(idx)
    log.append(f"  {code} Oflog need index {idx:.3f} (damped {damped:.3f})")
    series, internal = {}, {}
    # Requests for support from new clients
    for band in ["18-64", "65+"]:
        rng = rng_for(code, "asc_requests", band)
        vals = []
        for t, ym in enumerate(MONTHS):
            trend = (1 + REQUEST_TREND) ** (decimal_year(ym) - 2019.75)
            lam = pop_m[code][band][t] * REQUESTS_PER_100K[band] / 1e5 / 12.0 * idx * trend * shape(ym, "asc", "asc")
            vals.append(overdispersed_count(rng, lam, 0.05))
        series[("asc_requests", band)] = vals
    # Reablement episodes and their outcome (share with no ongoing support = Oflog ASC5)
    for band in ["18-64", "65+"]:
        rng = rng_for(code, "asc_reablement", band)
        series[("asc_reablement_starts", band)] = [
            overdispersed_count(rng, pop_m[code][band][t] * REABLEMENT_PER_100K[band] / 1e5 / 12.0 * damped
                                * shape(ym, "asc", "reablement"), 0.05) for t, ym in enumerate(MONTHS)]
    rng = rng_for(code, "asc_reablement_outcome")
    for band in ["18-64", "65+"]:
        series[("asc_reablement_no_ongoing_support", band)] = [0] * N_MONTHS
    for fy in FY_STARTS:
        months = months_of_fy(fy)
        cells = [(band, t) for band in ["18-64", "65+"] for t in months]
        episodes = [series[("asc_reablement_starts", b)][t] for b, t in cells]
        target = round_half_up(reablement_share(oflog, code, fy) * sum(episodes))
        weights = [e * lognormal_factor(rng, 0.05) for e in episodes]
        parts = apportion(weights, target)
        # never more successes than episodes in a cell: move any excess to cells with room
        for _ in range(100):
            excess = sum(max(0, p - e) for p, e in zip(parts, episodes))
            if not excess:
                break
            parts = [min(p, e) for p, e in zip(parts, episodes)]
            room = [e - p for p, e in zip(parts, episodes)]
            parts = [p + a for p, a in zip(parts, apportion(room, excess))]
        for (b, t), p in zip(cells, parts):
            series[("asc_reablement_no_ongoing_support", b)][t] = p
    # Long-term care: starts (Poisson-lognormal) and month-end clients simulated as
    # clients(t) = clients(t-1) + starts(t) - ends(t), ends ~ Binomial(clients(t-1), hazard(t)),
    # hazard = seasonal / length of stay (x COVID excess deaths in 2020-21).
    spend65 = sum(float(ro3[(code, line, "65+")]) for line in RO3_65_LINES) * 1000.0
    for setting in SETTINGS:
        for band in ["18-64", "65+"]:
            los = LOS_MONTHS[(setting, band)]
            if band == "65+":
                level_2024 = spend65 * SETTING_SHARE_OF_SPEND * SETTING_COST_MIX[setting] / (WEEKLY_UNIT_COST[setting] * 365.25 / 7)
                t_mid = [t for t, ym in enumerate(MONTHS) if ym == (2024, 10)][0]
                rate_2024 = level_2024 / pop_m[code]["65+"][t_mid]
                trend = RATE_TREND[setting]
                log.append(f"  {code} {setting} 65+ clients at 2024/25 from RO3: {level_2024:.0f} "
                           f"({1000 * rate_2024:.1f} per 1,000 aged 65+)")
            else:
                rate_2024 = LTC_18_64_PER_1000[setting] / 1000.0 * damped
                trend = RATE_TREND_18_64[setting]
            target = [pop_m[code][band][t] * rate_2024 * (1 + trend) ** (decimal_year(ym) - 2024.75)
                      for t, ym in enumerate(MONTHS)]
            season_in = "care_home" if setting != "home_care" else "asc"
            covid_in = "care_home" if setting != "home_care" else "home_care"
            covid_out = "exits_care_home" if setting != "home_care" else "exits_home_care"
            rng = rng_for(code, "asc_ltc", setting, band)
            stock = round_half_up(target[0])
            starts, clients, ends_all = [], [], []
            for t, ym in enumerate(MONTHS):
                growth = target[t] - (target[t - 1] if t else target[0])
                lam = max(target[t] / los * days_factor(ym) + growth, 0.0) * shape(ym, season_in, covid_in, per_day=False)
                s = overdispersed_count(rng, lam, 0.06)
                hazard = min(0.95, days_factor(ym) / los * SEASON["exits"][ym[1] - 1] * COVID[covid_out].get(ym, 1.0))
                e = binomial(rng, stock, hazard)
                stock = stock + s - e
                starts.append(s)
                clients.append(stock)
                ends_all.append(e)
            series[(START_MEASURE[setting], band)] = starts
            series[(CLIENT_MEASURE[setting], band)] = clients
            internal[(setting, band)] = ends_all
    return series, internal


ASC_MEASURES = [
    ("asc_requests", "month", "flow", "requests", "Requests for support from new clients"),
    ("asc_home_care_starts", "month", "flow", "clients", "New long-term support starts: home care"),
    ("asc_residential_admissions", "month", "flow", "clients", "New long-term support starts: permanent residential care"),
    ("asc_nursing_admissions", "month", "flow", "clients", "New long-term support starts: permanent nursing care"),
    ("asc_home_care_clients", "month", "stock", "clients", "Clients receiving long-term home care at month end"),
    ("asc_residential_clients", "month", "stock", "clients", "Clients in permanent residential care at month end"),
    ("asc_nursing_clients", "month", "stock", "clients", "Clients in permanent nursing care at month end"),
    ("asc_reablement_starts", "month", "flow", "episodes", "Reablement (short-term support to maximise independence) episodes started"),
    ("asc_reablement_no_ongoing_support", "month", "flow", "episodes",
     "Reablement episodes started in the month whose outcome was no ongoing support"),
]


# ---------------------------------------------------------------------------
# NHS and police (synthetic, from national-magnitude rates per head)
# ---------------------------------------------------------------------------
# NHS ASSUMPTIONS (per head of the council's resident population, 2014/15 level, and yearly trend)
EMERGENCY_65_PER_1000 = {SHEFFIELD: 245.0, NEL: 270.0}  # emergency admissions per 1,000 aged 65+ per year
EMERGENCY_TREND = 0.01
AE_PER_1000 = {SHEFFIELD: 390.0, NEL: 460.0}  # A&E attendances (all types) per 1,000 residents per year
AE_TREND = 0.015
FALLS_65_PER_100K = {SHEFFIELD: 2000.0, NEL: 2250.0}  # emergency admissions for falls per 100,000 aged 65+
FALLS_TREND = 0.005
DELAYED_PER_100K_QUARTER = 230.0  # patients with a delayed discharge per 100,000 adults per quarter
DELAYED_AREA = {SHEFFIELD: 1.10, NEL: 0.75}
DELAYED_ERA = {2014: 0.85, 2015: 1.00, 2016: 1.25, 2017: 1.20, 2018: 0.95, 2019: 0.95, 2020: 0.70, 2021: 0.95,
               2022: 1.35, 2023: 1.25, 2024: 1.20}  # by financial year: DToC crisis 2016-17, recovery, post-COVID rise
DELAYED_COVID = {"2020-Q2": 0.45, "2020-Q3": 0.85, "2020-Q4": 1.0, "2021-Q1": 1.05}  # on top of the era factor
DELAYED_SHARE_65 = 0.78
# POLICE ASSUMPTIONS
DOMESTIC_PER_1000 = {SHEFFIELD: 20.0, NEL: 26.0}  # domestic abuse incidents per 1,000 residents, 2014/15
DOMESTIC_GROWTH = (0.06, 0.01)  # a year until 2019/20 (better recording), then after
CCN_PER_1000 = {SHEFFIELD: 32.0, NEL: 48.0}  # child concern notifications per 1,000 children, 2014/15
CCN_TREND = 0.03
CCN_BREAK = (SHEFFIELD, (2019, 4), 1.35)  # DEFINITIONAL BREAK (quirk): South Yorkshire Police counts more from April 2019


def build_nhs(pop_m):
    series = {}
    for code in COUNCILS:
        for measure, band, rate, per, trend, season, phi in [
                ("nhs_emergency_admissions", "65+", EMERGENCY_65_PER_1000[code], 1e3, EMERGENCY_TREND, "emergency", 0.03),
                ("nhs_ae_attendances", "all", AE_PER_1000[code], 1e3, AE_TREND, "ae", 0.03),
                ("nhs_falls_admissions", "65+", FALLS_65_PER_100K[code], 1e5, FALLS_TREND, "falls", 0.05)]:
            rng = rng_for(code, measure, band)
            covid = {"nhs_emergency_admissions": "emergency", "nhs_ae_attendances": "ae", "nhs_falls_admissions": "falls"}[measure]
            series[(code, measure, band)] = [
                overdispersed_count(rng, pop_m[code][band][t] * rate / per / 12.0 * (1 + trend) ** (decimal_year(ym) - 2014.75)
                                    * shape(ym, season, covid), phi) for t, ym in enumerate(MONTHS)]
        # Delayed discharges: quarterly (calendar quarters 2014-Q2 .. 2025-Q1)
        rng = rng_for(code, "nhs_delayed_discharges")
        for q in range(N_MONTHS // 3):
            ym = MONTHS[3 * q]
            label = f"{ym[0]}-Q{(ym[1] - 1) // 3 + 1}"
            t = 3 * q + 1
            adults = pop_m[code]["18-64"][t] + pop_m[code]["65+"][t]
            lam = adults / 1e5 * DELAYED_PER_100K_QUARTER * DELAYED_AREA[code] * DELAYED_ERA[fy_start_of(ym)] * DELAYED_COVID.get(label, 1.0)
            for band, share in [("18-64", 1 - DELAYED_SHARE_65), ("65+", DELAYED_SHARE_65)]:
                series.setdefault((code, "nhs_delayed_discharges", band), []).append((label, overdispersed_count(rng, lam * share, 0.08)))
    return series


def build_police(pop_m):
    series = {}
    for code in COUNCILS:
        rng = rng_for(code, "police_domestic")
        vals = []
        for t, ym in enumerate(MONTHS):
            years = decimal_year(ym) - 2014.75
            g0, g1 = DOMESTIC_GROWTH
            level = (1 + g0) ** min(years, 5.0) * (1 + g1) ** max(years - 5.0, 0.0)
            vals.append(overdispersed_count(rng, pop_m[code]["all"][t] * DOMESTIC_PER_1000[code] / 1e3 / 12.0 * level
                                            * shape(ym, "domestic", "domestic"), 0.05))
        series[(code, "police_domestic_abuse_incidents", "all")] = vals
        rng = rng_for(code, "police_ccn")
        vals = []
        for t, ym in enumerate(MONTHS):
            brk = CCN_BREAK[2] if code == CCN_BREAK[0] and ym >= CCN_BREAK[1] else 1.0
            vals.append(overdispersed_count(rng, pop_m[code]["0-17"][t] * CCN_PER_1000[code] / 1e3 / 12.0
                                            * (1 + CCN_TREND) ** (decimal_year(ym) - 2014.75) * brk
                                            * shape(ym, "ccn", "ccn"), 0.06))
        series[(code, "police_child_concern_notifications", "0-17")] = vals
    return series


# ---------------------------------------------------------------------------
# QUIRKS deliberately put into the synthetic sources (documented in data/README.md)
# ---------------------------------------------------------------------------
# Applied only when rows are written (emit_monthly), after every calibration, and never to a series
# that is tied to a published total, so the agreement checks hold on the files as written.
# None of them is flagged in the flag column: finding them is the job of carecast's quality stage.
#
# * Suppression: NEL writes every cell of 1..5 in its long-term-care tables (starts and clients,
#   both age bands) as 'c' (zeros stay 0), as a small council publishing small counts would. Sheffield's
#   extract is internal management information and unsuppressed. Manifest: suppression_max 5.
# * Gaps: Sheffield contacts Oct-Dec 2019 are absent (a case-management system migration, in the
#   story); NEL domestic abuse incidents Oct-Dec 2017 are present with an empty value.
# * Outliers: the four below (value x multiplier, rounded).
# * Exact duplicate rows: NEL falls admissions Jan-Mar 2019 appear twice with identical values (an
#   overlapping extract); docs/sources.md reads an identical repeat once.
# * Break: CCN_BREAK (police section) - Sheffield child concern notifications x1.35 from 2019-04.
# * Area names: the police source writes "Sheffield" / "North East Lincolnshire" in geography_code.
# * Flags: NHS rows for the last three months and the last quarter are 'provisional'.
SUPPRESS_NEL_ASC = True  # NEL publishes its long-term-care tables with 1..5 written as 'c'
SUPPRESSED_NEL_MEASURES = set(START_MEASURE.values()) | set(CLIENT_MEASURE.values())
GAP_MISSING_ROWS = (SHEFFIELD, "cs_contacts", "0-17", [(2019, 10), (2019, 11), (2019, 12)])  # rows absent
GAP_EMPTY_VALUES = (NEL, "police_domestic_abuse_incidents", "all", [(2017, 10), (2017, 11), (2017, 12)])  # value ''
OUTLIERS = [  # (code, measure, band, month, multiplier, story)
    (SHEFFIELD, "asc_requests", "65+", (2018, 11), 10.0, "data-entry spike: an extra digit typed"),
    (SHEFFIELD, "nhs_ae_attendances", "all", (2017, 8), 2.0, "the month was loaded twice"),
    (NEL, "cs_contacts", "0-17", (2023, 2), 2.6, "a backlog of police notifications bulk-loaded"),
    (NEL, "police_child_concern_notifications", "0-17", (2021, 6), 0.2, "partial extract (system outage)"),
]
DUPLICATE_ROWS = (NEL, "nhs_falls_admissions", "65+", [(2019, 1), (2019, 2), (2019, 3)])  # identical repeats
PROVISIONAL_MONTHS = [(2025, 1), (2025, 2), (2025, 3)]  # NHS: latest quarter still provisional


def outlier_factor(code, measure, band, ym):
    for c, m, b, when, mult, _ in OUTLIERS:
        if (c, m, b, when) == (code, measure, band, ym):
            return mult
    return 1.0


def emit_monthly(src, geo, code, measure, band, values, flag_fn=None):
    for t, ym in enumerate(MONTHS):
        v = values[t]
        if (code, measure, band) == GAP_MISSING_ROWS[:3] and ym in GAP_MISSING_ROWS[3]:
            continue
        mult = outlier_factor(code, measure, band, ym)
        if mult != 1.0:
            v = round_half_up(v * mult)
        if (code, measure, band) == GAP_EMPTY_VALUES[:3] and ym in GAP_EMPTY_VALUES[3]:
            v = None
        elif SUPPRESS_NEL_ASC and code == NEL and measure in SUPPRESSED_NEL_MEASURES and 1 <= v <= 5:
            v = "c"
        flag = flag_fn(ym) if flag_fn else ""
        src.add(geo, month_label(ym), measure, band, v, flag)
        if (code, measure, band) == DUPLICATE_ROWS[:3] and ym in DUPLICATE_ROWS[3]:
            src.add(geo, month_label(ym), measure, band, v, flag)


# ---------------------------------------------------------------------------
# Checks: read every file back and assert the rules
# ---------------------------------------------------------------------------
SUPPRESSION_MARKERS = {"*", "c", "x", "[c]", "..", "[low]", "[x]"}
PERIOD_RE = {"month": r"\d{4}-(0[1-9]|1[0-2])", "quarter": r"\d{4}-Q[1-4]", "financial_year": r"\d{4}/\d{2}",
             "year": r"\d{4}"}
REQUIRED = ["source_id", "organisation", "organisation_name", "data_sharing_agreement", "licence", "refreshed", "measures"]
ALLOWED_TOP = set(REQUIRED) | {"publisher_url", "attribution", "description", "suppression_max"}
ORGANISATIONS = {"council", "nhs_trust", "icb", "ccg", "police", "fire_rescue", "ons", "government"}


def parse_manifest(text):
    """Minimal reader for the manifests this script writes (two levels of mapping, scalars)."""
    top, measures, current = {}, {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        key, _, value = line.strip().partition(":")
        value = value.strip()
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if indent == 0:
            top[key] = value
        elif indent == 2:
            current = measures.setdefault(key, {})
        else:
            current[key] = value
    top["measures"] = measures
    return top


class Checker:
    def __init__(self):
        self.failures = []
        self.count = 0

    def ok(self, cond, message):
        self.count += 1
        if not cond:
            self.failures.append(message)


def load_source(out_dir, source_id):
    with open(os.path.join(out_dir, source_id + ".csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with open(os.path.join(out_dir, source_id + ".yaml"), encoding="utf-8") as f:
        manifest = parse_manifest(f.read())
    return rows, manifest


def check_format(chk, out_dir, source_id):
    rows, man = load_source(out_dir, source_id)
    header, body = rows[0], rows[1:]
    chk.ok(header in (["geography_code", "period", "measure", "age_band", "value"],
                      ["geography_code", "period", "measure", "age_band", "value", "flag"]), f"{source_id}: header {header}")
    for field in REQUIRED:
        chk.ok(field in man and man[field] not in ("", {}), f"{source_id}: manifest lacks {field}")
    chk.ok(set(man) <= ALLOWED_TOP, f"{source_id}: unknown manifest fields {set(man) - ALLOWED_TOP}")
    chk.ok(man.get("source_id") == source_id and re.fullmatch(r"[a-z0-9_]+", source_id), f"{source_id}: source_id")
    chk.ok(man.get("organisation") in ORGANISATIONS, f"{source_id}: organisation")
    chk.ok(re.fullmatch(r"\d{4}-\d{2}-\d{2}", man.get("refreshed", "")), f"{source_id}: refreshed")
    for name, m in man["measures"].items():
        chk.ok(re.fullmatch(r"[a-z][a-z0-9_]*", name) and len(name) < 64, f"{source_id}: measure name {name}")
        chk.ok(m.get("frequency") in PERIOD_RE, f"{source_id}: {name} frequency")
        chk.ok(m.get("kind") in {"flow", "stock", "rate", "amount"}, f"{source_id}: {name} kind")
        chk.ok(0 < len(m.get("unit", "")) < 64, f"{source_id}: {name} unit")
    used, seen = set(), {}
    stats = {"rows": len(body), "suppressed": 0, "empty": 0, "flags": {}}
    for n, r in enumerate(body, start=2):
        where = f"{source_id}.csv:{n}"
        chk.ok(len(r) == len(header), f"{where}: {len(r)} fields")
        geo, period, measure, band, value = r[:5]
        flag = r[5] if len(r) > 5 else ""
        used.add(measure)
        chk.ok(geo and "/" not in geo and len(geo) < 64, f"{where}: geography {geo!r}")
        chk.ok(measure in man["measures"], f"{where}: undeclared measure {measure}")
        m = man["measures"].get(measure, {})
        chk.ok(re.fullmatch(PERIOD_RE.get(m.get("frequency"), "x^"), period), f"{where}: period {period} for {m.get('frequency')}")
        chk.ok(re.fullmatch(r"all|\d+-\d+|\d+\+", band), f"{where}: age band {band}")
        chk.ok(flag in ("", "observed", "provisional", "estimated", "outlier", "break"), f"{where}: flag {flag}")
        if value == "":
            stats["empty"] += 1
        elif value in SUPPRESSION_MARKERS or re.fullmatch(r"<\d+", value):
            stats["suppressed"] += 1
        else:
            chk.ok(re.fullmatch(r"-?\d+(\.\d+)?", value), f"{where}: value {value!r}")
            if m.get("kind") in ("flow", "stock", "rate"):
                chk.ok(not value.startswith("-"), f"{where}: negative {value}")
            if m.get("kind") in ("flow", "stock") and m.get("unit") != "GBP thousand":
                chk.ok(re.fullmatch(r"\d+", value), f"{where}: count {value!r} is not an integer")
        if flag:
            stats["flags"][flag] = stats["flags"].get(flag, 0) + 1
        key = (geo, period, measure, band)
        chk.ok(key not in seen or seen[key] == value, f"{where}: {key} repeated with a different value")
        seen[key] = value
    chk.ok(used == set(man["measures"]), f"{source_id}: declared but unused {set(man['measures']) - used}")
    return stats


def monthly_values(out_dir, source_id):
    rows, _ = load_source(out_dir, source_id)
    vals = {}
    for r in rows[1:]:
        vals[(r[0], r[2], r[3], r[1])] = r[4]
    return vals


def check_consistency(chk, out_dir, derived, dfe_tables, sfr, cla_at31, oflog, asc_internal, log):
    for code in COUNCILS:
        cs = monthly_values(out_dir, f"{SOURCE_PREFIX[code]}_childrens_services")
        d = derived[code]
        get = lambda measure, ym: int(cs[(code, measure, "0-17", month_label(ym))])
        for fy in FY_STARTS:
            months = [MONTHS[i] for i in months_of_fy(fy)]
            for measure, annual in [("cs_referrals", d["referrals_fy"]), ("cs_cpp_starts", d["cpp_fy"]),
                                    ("cs_icpcs", d["icpc_fy"]), ("cs_s47_enquiries", d["s47_fy"])]:
                total = sum(get(measure, ym) for ym in months)
                chk.ok(total == annual[fy], f"{code} {measure} {fy_label(fy)}: months sum {total} != annual {annual[fy]}")
            march = (fy + 1, 3)
            for measure, at31 in [("cs_cin_open", d["cin_at31"]), ("cs_cpp_open", d["cpp_at31"])]:
                chk.ok(get(measure, march) == at31[fy + 1], f"{code} {measure} March {fy + 1} != published {at31[fy + 1]}")
            if fy + 1 in d["cla_anchors"]:
                chk.ok(get("cs_cla", march) == d["cla_anchors"][fy + 1], f"{code} cs_cla March {fy + 1}")
        # the DfE published values the script was calibrated to really are the ones in the government source
        dfe = monthly_values(out_dir, "dfe_children_in_need")
        for fy in FY_STARTS:
            chk.ok(int(dfe[(code, "cs_dfe_referrals", "0-17", fy_label(fy))]) == d["referrals_fy"][fy], "dfe referrals")
            chk.ok(int(dfe[(code, "cs_dfe_cpp_starts", "0-17", fy_label(fy))]) == d["cpp_fy"][fy], "dfe cpp")
            chk.ok(int(dfe[(code, "cs_dfe_cpp_at31", "0-17", fy_label(fy))]) == d["cpp_at31"][fy + 1], "dfe cpp at31")
            chk.ok(int(dfe[(code, "cs_dfe_cin_at31", "0-17", fy_label(fy))]) == d["cin_at31"][fy + 1], "dfe cin at31")
        for t, ym in enumerate(MONTHS):
            parts = sum(get(m, ym) for m in ["cs_cla_foster", "cs_cla_residential", "cs_cla_other"])
            chk.ok(parts == get("cs_cla", ym), f"{code} CLA placements {month_label(ym)} do not add up")
            prev_cpp = d["cpp_at31"][2014] if t == 0 else get("cs_cpp_open", MONTHS[t - 1])
            chk.ok(prev_cpp + get("cs_cpp_starts", ym) - get("cs_cpp_open", ym) >= 0, f"{code} CPP ends < 0 {ym}")
            prev_cin = d["cin_at31"][2014] if t == 0 else get("cs_cin_open", MONTHS[t - 1])
            chk.ok(prev_cin + get("cs_referrals", ym) - get("cs_cin_open", ym) >= 0, f"{code} CIN ends < 0 {ym}")
        for (y, m), groups in d["exact_split"].items():
            if (y, m) in MONTHS:
                fost = to_int(sfr[(code, y)]["CLA_Fost"])
                chk.ok(get("cs_cla_foster", (y, m)) == fost, f"{code} foster March {y} != published {fost}")
        asc = monthly_values(out_dir, f"{SOURCE_PREFIX[code]}_adult_social_care")
        for fy in FY_STARTS:
            months = [month_label(MONTHS[i]) for i in months_of_fy(fy)]
            eps = sum(int(asc[(code, "asc_reablement_starts", b, p)]) for b in ["18-64", "65+"] for p in months)
            ok_ = sum(int(asc[(code, "asc_reablement_no_ongoing_support", b, p)]) for b in ["18-64", "65+"] for p in months)
            if 2015 <= fy <= 2022:
                pct = float(oflog[(code, "ASC5", fy)]["Value"])
                chk.ok(abs(100.0 * ok_ / eps - pct) <= 100.0 * 0.5 / eps + 1e-9,
                       f"{code} reablement {fy_label(fy)}: {100.0 * ok_ / eps:.2f}% vs Oflog {pct}%")
        for (setting, band), ends in asc_internal[code].items():
            chk.ok(min(ends) >= 0, f"{code} {setting} {band}: negative ends")
        log.append(f"  {code}: referrals, CPP starts, ICPC, s47 sums; CIN/CPP/CLA March stocks; CLA foster "
                   f"(March 2015-2017); reablement % ({sum(1 for fy in FY_STARTS if 2015 <= fy <= 2022)} years) - checked")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--raw", default="/work/shared/data/uk",
                    help="folder with the published originals (default /work/shared/data/uk); if it does not exist, "
                         "data/uk is used as it is")
    ap.add_argument("--data", default=here, help="the data folder to write (default: the folder of this script)")
    args = ap.parse_args()
    uk = os.path.join(args.data, "uk")
    out_dir = os.path.join(args.data, "sources")
    log = []

    used_raw = sync_inputs(args.raw, uk)
    log.append(f"inputs: {'refreshed from ' + args.raw if used_raw else 'data/uk as committed (no --raw folder)'}")

    # Real sources
    cin_src, dfe_tables = build_dfe_cin(uk)
    cla_src, sfr, cla_at31 = build_dfe_cla(uk)
    oflog_src, oflog = build_oflog(uk)
    ro3_src, ro3 = build_ro3(uk)
    pop, snpp22 = build_population(uk)
    pop_src = build_population_source(pop, snpp22)
    pop_m = monthly_population(pop)
    sources = [cin_src, cla_src, oflog_src, ro3_src, pop_src]

    # Councils
    derived, asc_internal = {}, {}
    for code in COUNCILS:
        name = COUNCIL_NAME[code]
        cs_series, derived[code] = build_childrens(code, dfe_tables, sfr, cla_at31, ro3, log)
        cs = Source(f"{SOURCE_PREFIX[code]}_childrens_services", "council", f"{name} (synthetic demonstration data)",
                    "OGL-3.0", SYNTHETIC_REFRESHED, SYNTHETIC_DSA,
                    "SYNTHETIC monthly children's social care management information, April 2014 to March 2025, made by "
                    "data/generate.py. Referrals and child protection plan starts add up to the DfE CIN census totals "
                    "for each financial year; children in need, child protection plans and children looked after at "
                    "the end of March equal the DfE figures at 31 March (CLA: not 2018-2020, unpublished in the "
                    "snapshot). Contacts, assessments, section 47 enquiries and initial conferences are derived with "
                    "stated ratios. Not the council's own data.",
                    attribution=SYNTHETIC_ATTRIBUTION)
        for m in CS_MEASURES:
            cs.measure(*m)
            emit_monthly(cs, code, code, m[0], "0-17", cs_series[m[0]])
        asc_series, asc_internal[code] = build_adult(code, oflog, ro3, pop_m, log)
        asc = Source(f"{SOURCE_PREFIX[code]}_adult_social_care", "council", f"{name} (synthetic demonstration data)",
                     "OGL-3.0", SYNTHETIC_REFRESHED, SYNTHETIC_DSA,
                     "SYNTHETIC monthly adult social care management information, April 2014 to March 2025, made by "
                     "data/generate.py from published rates: request and reablement volumes scaled by the council's "
                     "Oflog 'requests resulting in a service' index, reablement outcomes matching the Oflog percentage "
                     "each year, 65+ care volumes from RO3 2024-25 spend divided by assumed unit costs. Not the "
                     "council's own data." + (" Cells 1 to 5 in the long-term care tables are suppressed as c." if code == NEL else ""),
                     attribution=SYNTHETIC_ATTRIBUTION, suppression_max=5 if code == NEL else None)
        for m in ASC_MEASURES:
            asc.measure(*m)
            for band in ["18-64", "65+"]:
                emit_monthly(asc, code, code, m[0], band, asc_series[(m[0], band)])
        sources += [asc, cs]

    # NHS (one source, both councils, with provisional flags and a quarterly measure)
    nhs_series = build_nhs(pop_m)
    nhs = Source("nhs_hospital_activity", "icb",
                 "NHS South Yorkshire ICB and NHS Humber and North Yorkshire ICB (synthetic demonstration data)",
                 "OGL-3.0", SYNTHETIC_REFRESHED, SYNTHETIC_DSA,
                 "SYNTHETIC hospital activity for residents of each council (local authority of residence), made by "
                 "data/generate.py from rough national rates per head: emergency admissions and falls admissions aged "
                 "65+ and A&E attendances monthly, delayed discharges quarterly (calendar quarters). The latest three "
                 "months and the latest quarter are flagged provisional. Not NHS data.",
                 attribution=SYNTHETIC_ATTRIBUTION, with_flag=True)
    nhs.measure("nhs_emergency_admissions", "month", "flow", "admissions", "Emergency hospital admissions of residents aged 65+")
    nhs.measure("nhs_ae_attendances", "month", "flow", "attendances", "A&E attendances of residents, all types")
    nhs.measure("nhs_falls_admissions", "month", "flow", "admissions", "Emergency admissions due to falls, residents aged 65+")
    nhs.measure("nhs_delayed_discharges", "quarter", "flow", "patients",
                "Patients discharged after a delay (no longer meeting the criteria to reside), by calendar quarter")
    provisional = lambda ym: "provisional" if ym in PROVISIONAL_MONTHS else ""
    for code in COUNCILS:
        for measure, band in [("nhs_emergency_admissions", "65+"), ("nhs_ae_attendances", "all"), ("nhs_falls_admissions", "65+")]:
            emit_monthly(nhs, code, code, measure, band, nhs_series[(code, measure, band)], provisional)
        for band in ["18-64", "65+"]:
            for label, v in nhs_series[(code, "nhs_delayed_discharges", band)]:
                nhs.add(code, label, "nhs_delayed_discharges", band, v, "provisional" if label == "2025-Q1" else "")
    sources.append(nhs)

    # Police (area NAMES, not codes, in geography_code - a deliberate quirk)
    police_series = build_police(pop_m)
    police = Source("police_safeguarding", "police",
                    "South Yorkshire Police and Humberside Police (synthetic demonstration data)",
                    "OGL-3.0", SYNTHETIC_REFRESHED, SYNTHETIC_DSA,
                    "SYNTHETIC monthly police safeguarding activity by local authority area, made by data/generate.py "
                    "from rough rates per head. The geography column holds area NAMES (Sheffield, North East "
                    "Lincolnshire), not GSS codes, as police extracts often do; carecast link maps them to codes. "
                    "Not police data.",
                    attribution=SYNTHETIC_ATTRIBUTION)
    police.measure("police_domestic_abuse_incidents", "month", "flow", "incidents",
                   "Domestic abuse related incidents and crimes recorded")
    police.measure("police_child_concern_notifications", "month", "flow", "notifications",
                   "Child concern notifications sent to children's social care")
    for code in COUNCILS:
        for measure, band in [("police_domestic_abuse_incidents", "all"), ("police_child_concern_notifications", "0-17")]:
            emit_monthly(police, AREA_NAME[code], code, measure, band, police_series[(code, measure, band)])
    sources.append(police)

    # Write
    if os.path.isdir(out_dir):
        for f in os.listdir(out_dir):
            if f.endswith((".csv", ".yaml")):
                os.remove(os.path.join(out_dir, f))
    for src in sources:
        write_source(src, out_dir)

    # Check
    chk = Checker()
    summary = []
    for src in sources:
        st = check_format(chk, out_dir, src.source_id)
        freqs = sorted({m[0] for m in src.measures.values()})
        summary.append(f"  {src.source_id:28s} {src.organisation:10s} {st['rows']:6d} rows  {len(src.measures):3d} measures  "
                       f"{'/'.join(freqs):22s} suppressed {st['suppressed']:4d}  empty {st['empty']:3d}  flags {st['flags'] or '-'}")
    check_consistency(chk, out_dir, derived, dfe_tables, sfr, cla_at31, oflog, asc_internal, log)

    total_bytes = 0
    digest = hashlib.sha256()
    for folder in [out_dir, uk]:
        for dirpath, _, files in sorted(os.walk(folder)):
            for f in sorted(files):
                p = os.path.join(dirpath, f)
                total_bytes += os.path.getsize(p)
                if folder == out_dir:
                    with open(p, "rb") as fh:
                        digest.update(f.encode() + b"\0" + fh.read())
    total_bytes += os.path.getsize(os.path.abspath(__file__))
    print("carecast embedded data")
    print("\n".join(log))
    print("sources:")
    print("\n".join(summary))
    print(f"checks: {chk.count} run, {len(chk.failures)} failed")
    for f in chk.failures[:40]:
        print("  FAIL", f)
    print(f"size of data/ (sources + uk + script): {total_bytes / 1e6:.2f} MB")
    print(f"sha256 of data/sources: {digest.hexdigest()}")
    if chk.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
