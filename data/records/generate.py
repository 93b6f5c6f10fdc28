#!/usr/bin/python3
"""Build the synthetic pair of person-level extracts for `carecast link-records`.

    /usr/bin/python3 data/records/generate.py [--out DIR] [--discharges N]
                                              [--care-starts M] [--shared K]
                                              [--truth FILE] [--seed S]

With no options it rewrites the shipped files:
    data/records/discharges.csv    hospital emergency discharges, people 65+
                                   (what an NHS trust would share)
    data/records/care_starts.csv   starts of long-term social care support, 65+
                                   (what a council would share)
    tests/data/records/truth.csv   TEST TRUTH ONLY: the record-id pairs that are
                                   the same person (never given to the linker)
Larger pairs for timing (bench/) come from --out DIR --discharges N ...; their
truth goes to DIR/truth.csv.

EVERY PERSON HERE IS INVENTED. NHS numbers are drawn from the 999 range the
NHS reserves for test data and carry a valid modulus-11 check digit;
postcodes are a real district of the two councils followed by an invented
inward code.

The people
----------
A population of people aged 65 to 100 on 2024-01-01 living in the two embedded
councils (E08000019 Sheffield, 70%; E06000012 North East Lincolnshire, 30%),
each with a unique NHS number, a date of birth, a sex (55% female) and a
postcode in one of the council's districts. Each discharge is a different
person (the extract keeps one emergency discharge per person); each care
start is a different person; `--shared` people appear in both (the true
matches). Of those, 70% start care 0 to 91 days after the discharge, 20% 92
to 365 days after, and 10% up to 180 days before it. Among the people who are
not shared, 3% of care starts are the spouse of a discharged person: same
postcode, age within 3 years, other sex (hard non-matches).

The error model (what each organisation gets wrong)
---------------------------------------------------
Applied independently per record, with these probabilities:

                                            discharges   care starts
    NHS number missing                          3%           20%
    date of birth: day and month swapped        1%            4%   (only when day <= 12 and day != month)
    date of birth: year off by one              1%            3%
    date of birth: a typo in the day            0.5%          2%
    date of birth missing                       0%            1%
    sex missing                                 0.5%          1%
    sex recorded wrongly                        0.2%          0.5%
    postcode missing                            1%            3%
    postcode district typo                      1%            4%   (a digit changed, dropped, added or swapped)
    postcode of another address (moved)         1%            4%   (same council)

The age band of each record is computed by its organisation from the date
of birth it holds, at the event date (65-74, 75-84, 85+), so a wrong date of
birth can move a person between bands, as it would in real extracts.

Determinism
-----------
One random.Random(seed) drives everything in a fixed order; records are
written in a shuffled but seeded order; nothing depends on the clock. Two
runs with the same options give byte-identical files (the last line printed
is a SHA-256 of the outputs).
"""

import argparse
import csv
import datetime
import hashlib
import io
import os
import random
import sys

SEED = 20250401
HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(HERE))

N_DISCHARGES = 4000   # shipped extract sizes: small enough to commit, large enough to test
N_CARE_STARTS = 1500
N_SHARED = 1000       # people in both: the true matches

SHEFFIELD = "E08000019"
NEL = "E06000012"
# Postcode districts of each council (Royal Mail). Shares within a council are equal.
DISTRICTS = {
    SHEFFIELD: ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "S12", "S13", "S14",
                "S17", "S20", "S21", "S35", "S36"],
    NEL: ["DN31", "DN32", "DN33", "DN34", "DN35", "DN36", "DN37", "DN41"],
}
COUNCIL_SHARE = {SHEFFIELD: 0.70, NEL: 0.30}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters Royal Mail uses in inward codes

REFERENCE_DATE = datetime.date(2024, 1, 1)   # ages 65..100 on this day
FIRST_EVENT = datetime.date(2023, 4, 1)      # extracts cover financial years 2023/24 and 2024/25
LAST_EVENT = datetime.date(2025, 3, 31)

# error probabilities: (discharges, care starts); see the table above
ERRORS = {
    "nhs_missing": (0.03, 0.20),
    "dob_swap": (0.01, 0.04),
    "dob_year": (0.01, 0.03),
    "dob_day_typo": (0.005, 0.02),
    "dob_missing": (0.0, 0.01),
    "sex_missing": (0.005, 0.01),
    "sex_wrong": (0.002, 0.005),
    "postcode_missing": (0.01, 0.03),
    "district_typo": (0.01, 0.04),
    "moved": (0.01, 0.04),
}
SPOUSE_SHARE = 0.03
COLUMNS = ["record_id", "nhs_number", "date_of_birth", "sex", "postcode", "event_date", "age_band", "geography_code"]


def nhs_number(rng, used):
    """A unique 10-digit NHS number in the 999 test range with a valid modulus-11 check digit."""
    while True:
        body = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * (10 - i) for i, d in enumerate(body))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check == 10:
            continue  # numbers whose check digit would be 10 are never issued
        number = "".join(map(str, body)) + str(check)
        if number not in used:
            used.add(number)
            return number


def postcode(rng, council):
    district = rng.choice(DISTRICTS[council])
    inward = str(rng.randrange(10)) + rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
    return district + " " + inward


def birth_date(rng):
    # more people at younger ages: age 65 + 35 * u^1.6
    age_days = int((65 + 35 * rng.random() ** 1.6) * 365.25)
    return REFERENCE_DATE - datetime.timedelta(days=age_days)


def person(rng, used):
    council = SHEFFIELD if rng.random() < COUNCIL_SHARE[SHEFFIELD] else NEL
    return {"nhs": nhs_number(rng, used), "dob": birth_date(rng), "sex": "F" if rng.random() < 0.55 else "M",
            "council": council, "postcode": postcode(rng, council)}


def random_date(rng, first, last):
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def clamp_date(day):
    return min(max(day, FIRST_EVENT), LAST_EVENT)


def age_band(dob, on):
    age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    if age < 75:
        return "65-74"
    if age < 85:
        return "75-84"
    return "85+"


def typo_district(rng, district):
    letters = district.rstrip("0123456789")
    digits = district[len(letters):]
    kind = rng.randrange(4)
    if kind == 0:  # a digit changed
        i = rng.randrange(len(digits))
        digits = digits[:i] + str((int(digits[i]) + rng.randrange(1, 10)) % 10) + digits[i + 1:]
    elif kind == 1 and len(digits) > 1:  # a digit dropped
        i = rng.randrange(len(digits))
        digits = digits[:i] + digits[i + 1:]
    elif kind == 2:  # a digit added
        digits = digits + str(rng.randrange(10))
    else:  # two characters swapped (digits, or the last letter and the first digit)
        if len(digits) > 1 and digits[0] != digits[1]:
            digits = digits[1] + digits[0] + digits[2:]
        else:
            return letters[:-1] + digits[0] + letters[-1] + digits[1:]
    return letters + digits


def recorded(rng, who, side, event):
    """The record an organisation holds for person who: the truth with errors (side 0 trust, 1 council)."""
    p = {k: v[side] for k, v in ERRORS.items()}
    dob = who["dob"]
    if rng.random() < p["dob_swap"] and dob.day <= 12 and dob.day != dob.month:
        dob = dob.replace(day=dob.month, month=dob.day)
    if rng.random() < p["dob_year"]:
        year = dob.year + rng.choice((-1, 1))
        dob = dob.replace(year=year, day=min(dob.day, 28) if dob.month == 2 else dob.day)
    if rng.random() < p["dob_day_typo"]:
        day = dob.day
        while day == dob.day:
            day = rng.randrange(1, 29)
        dob = dob.replace(day=day)
    sex = who["sex"]
    if rng.random() < p["sex_wrong"]:
        sex = "M" if sex == "F" else "F"
    code = who["postcode"]
    if rng.random() < p["moved"]:
        code = postcode(rng, who["council"])
    if rng.random() < p["district_typo"]:
        district, inward = code.split(" ")
        code = typo_district(rng, district) + " " + inward
    band = age_band(dob, event)
    return {
        "nhs_number": "" if rng.random() < p["nhs_missing"] else who["nhs"],
        "date_of_birth": "" if rng.random() < p["dob_missing"] else dob.isoformat(),
        "sex": "" if rng.random() < p["sex_missing"] else sex,
        "postcode": "" if rng.random() < p["postcode_missing"] else code,
        "event_date": event.isoformat(),
        "age_band": band,
        "geography_code": who["council"],
    }


def spouse_of(rng, who, used):
    other = person(rng, used)
    other["council"], other["postcode"] = who["council"], who["postcode"]
    other["sex"] = "M" if who["sex"] == "F" else "F"
    other["dob"] = who["dob"] + datetime.timedelta(days=rng.randrange(-3 * 365, 3 * 365 + 1))
    if other["dob"] > REFERENCE_DATE - datetime.timedelta(days=int(65 * 365.25)):
        other["dob"] = who["dob"]  # keep the spouse 65+ too
    return other


def care_start_after(rng, discharge):
    u = rng.random()
    if u < 0.70:
        gap = rng.randrange(0, 92)
    elif u < 0.90:
        gap = rng.randrange(92, 366)
    else:
        gap = -rng.randrange(1, 181)
    return clamp_date(discharge + datetime.timedelta(days=gap))


def build(rng, n_a, n_b, n_shared):
    if not 0 <= n_shared <= min(n_a, n_b):
        sys.exit("--shared must be between 0 and the smaller extract size")
    used = set()
    a_people = [person(rng, used) for _ in range(n_a)]
    a_events = [random_date(rng, FIRST_EVENT, LAST_EVENT) for _ in range(n_a)]
    shared = rng.sample(range(n_a), n_shared)
    b_people, b_events, b_truth = [], [], []
    for i in shared:
        b_people.append(a_people[i])
        b_events.append(care_start_after(rng, a_events[i]))
        b_truth.append(i)
    for _ in range(n_b - n_shared):
        if rng.random() < SPOUSE_SHARE:
            b_people.append(spouse_of(rng, rng.choice(a_people), used))
        else:
            b_people.append(person(rng, used))
        b_events.append(random_date(rng, FIRST_EVENT, LAST_EVENT))
        b_truth.append(None)
    a_ids = ["DIS%07d" % k for k in rng.sample(range(10 ** 7), n_a)]
    b_ids = ["ASC%07d" % k for k in rng.sample(range(10 ** 7), n_b)]
    a_rows = [dict(record_id=a_ids[i], **recorded(rng, a_people[i], 0, a_events[i])) for i in range(n_a)]
    b_rows = [dict(record_id=b_ids[j], **recorded(rng, b_people[j], 1, b_events[j])) for j in range(n_b)]
    truth = sorted((a_ids[i], b_ids[j]) for j, i in enumerate(b_truth) if i is not None)
    rng.shuffle(a_rows)
    rng.shuffle(b_rows)
    return a_rows, b_rows, truth


def csv_text(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def write_text(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=HERE, help="folder for discharges.csv and care_starts.csv")
    parser.add_argument("--discharges", type=int, default=N_DISCHARGES)
    parser.add_argument("--care-starts", type=int, default=N_CARE_STARTS)
    parser.add_argument("--shared", type=int, default=None, help="true matches (default 2/3 of the care starts)")
    parser.add_argument("--truth", default=None, help="truth file (default tests/data/records/truth.csv for the "
                        "shipped files, else OUT/truth.csv)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    shared = args.shared if args.shared is not None else (
        N_SHARED if args.care_starts == N_CARE_STARTS else args.care_starts * 2 // 3)
    shipped = os.path.abspath(args.out) == HERE
    truth_path = args.truth or (os.path.join(PROJECT, "tests", "data", "records", "truth.csv") if shipped
                                else os.path.join(args.out, "truth.csv"))
    rng = random.Random(args.seed)
    a_rows, b_rows, truth = build(rng, args.discharges, args.care_starts, shared)
    outputs = [
        (os.path.join(args.out, "discharges.csv"), csv_text(COLUMNS, ([r[c] for c in COLUMNS] for r in a_rows))),
        (os.path.join(args.out, "care_starts.csv"), csv_text(COLUMNS, ([r[c] for c in COLUMNS] for r in b_rows))),
        (truth_path, csv_text(["discharge_record_id", "care_start_record_id"], truth)),
    ]
    digest = hashlib.sha256()
    for path, text in outputs:
        write_text(path, text)
        digest.update(text.encode("utf-8"))
        print("wrote %s" % path)
    print("%d discharges, %d care starts, %d true matches; sha256 %s" %
          (len(a_rows), len(b_rows), len(truth), digest.hexdigest()))


if __name__ == "__main__":
    main()
