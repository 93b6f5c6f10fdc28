#!/usr/bin/python3
"""Build data/neighbours/dfe_exit_rates.csv: every council's monthly chance of
leaving child in need, a child protection plan and care, from the DfE's
annual local-authority tables (data/uk, OGL v3.0).

These are the "neighbours' rates" a stock-and-flow model file can shrink a
council's estimated monthly probabilities towards (models/README.md, shrink:):
data every council has, unlike the monthly series of one council.

For each council and state, over the reporting years FIRST..LAST (years
ending 31 March):
    person-years at risk  = sum over years of (stock at the start + stock at the end) / 2
    exit hazard (per year) = sum of ends / sum of person-years at risk
    monthly probability    = 1 - exp(-hazard / 12)
    person_months          = 12 x person-years at risk
The hazard form is used, not ends / (stock at the start + starts / 2),
because child-in-need episodes are short: a council ends more episodes in a
year than that denominator holds and the proportion would pass one.

    child_in_need           b1: At31_episodes (stock), Ended_episodes (ends)
    child_protection_plan   d5: CPP_At31 (stock), d3: CPP_start; ends = stock before + starts - stock after
    looked_after            cla_number_and_rate_per_10k_children: children looked after at 31 March,
                            children ceasing to be looked after each year

A council-year with a suppressed, missing or negative figure is left out;
a council with no complete year has no row for that state.

Run: /usr/bin/python3 data/neighbours/build.py   (standard library only)
"""
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
UK = os.path.join(HERE, "..", "uk")
CIN = os.path.join(UK, "dfe-children-in-need")
CLA = os.path.join(UK, "dfe-children-looked-after")
FIRST, LAST = 2023, 2025  # DfE time_period: the years ending 31 March 2023 .. 2025 (2022/23 .. 2024/25)
OUT = os.path.join(HERE, "dfe_exit_rates.csv")
MONTHS_PER_YEAR = 12


def read(path, column, where=None):
    """{(gss code, year): value} of one column at local-authority level (None when not a number)."""
    out = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["geographic_level"] != "Local authority":
                continue
            if where and row[where[0]] != where[1]:
                continue
            try:
                value = float(row[column])
            except ValueError:
                value = None
            out[(row["new_la_code"], int(row["time_period"]))] = value
    return out


def rates(stock, ends):
    """{code: (monthly probability, person-months)} from stocks and ends by (code, year)."""
    result = {}
    for code in sorted({c for c, _ in stock}):
        years, exits = 0.0, 0.0
        for year in range(FIRST, LAST + 1):
            before, after, out = stock.get((code, year - 1)), stock.get((code, year)), ends.get((code, year))
            if before is None or after is None or out is None or min(before, after, out) < 0:
                continue
            years += (before + after) / 2.0
            exits += out
        if years > 0:
            hazard = exits / years
            result[code] = (1.0 - math.exp(-hazard / MONTHS_PER_YEAR), MONTHS_PER_YEAR * years)
    return result


def main():
    b1 = os.path.join(CIN, "b1_children_in_need_2013_to_2025.csv")
    cin = rates(read(b1, "At31_episodes"), read(b1, "Ended_episodes"))
    cpp_stock = read(os.path.join(CIN, "d5_cpps_at31march_by_duration_2013_to_2025.csv"), "CPP_At31")
    cpp_starts = read(os.path.join(CIN, "d3_cpps_subsequent_plan_2013_to_2025.csv"), "CPP_start")
    cpp_ends = {}
    for (code, year), start in cpp_starts.items():
        before, after = cpp_stock.get((code, year - 1)), cpp_stock.get((code, year))
        if None not in (start, before, after):
            cpp_ends[(code, year)] = before + start - after
    cpp = rates(cpp_stock, cpp_ends)
    cla_file = os.path.join(CLA, "cla_number_and_rate_per_10k_children.csv")
    cla = rates(read(cla_file, "children_count", ("population_type", "Children looked after on 31 March each year")),
                read(cla_file, "children_count", ("population_type", "Children ceasing to be looked after each year")))
    with open(OUT, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["geography_code", "state", "exit_probability", "person_months"])
        for state, table in (("child_in_need", cin), ("child_protection_plan", cpp), ("looked_after", cla)):
            for code in sorted(table):
                p, months = table[code]
                w.writerow([code, state, "%.6f" % p, "%.1f" % months])
    print("wrote %s: %d, %d and %d councils" % (OUT, len(cin), len(cpp), len(cla)))


if __name__ == "__main__":
    main()
