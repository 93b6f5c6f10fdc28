#!/usr/bin/python3
"""Build carecast's geography lookups (data/lookups/*.csv).

Names, GSS codes, DfE LA codes and regions of every English local authority
with social care responsibilities (upper tier: unitaries, metropolitan
districts, London boroughs, the City of London, Isles of Scilly, counties) are
read from the DfE children-in-need table B1 (data/uk/dfe-children-in-need,
OGL v3.0). Everything in the TYPED_* tables below is typed from published
knowledge of the ONS and NHS lookups, not copied from a file: the police force
area and the ICB of each authority, the codes of ICBs and police force areas,
and the 2009-2023 boundary changes. The old ONS "00CG"-style codes typed there
are only compared: the tables take them from mySociety's compiled table.
data/lookups/README.md says which column comes from where.

The typed police force areas and ICBs are checked against the ONS LAD23-to-PFA
and July 2022 sub-ICB-to-ICB lookups and against the ICBs of each authority's
CQC care homes (data/lookups/sources); a published value replaces a typed one
that disagrees, and the disagreement is printed.

Lower-tier districts and the county each belongs to are read from the ONS
"Local Authority District to County" lookups of December 2018 and April 2020
(data/lookups/sources, OGL v3.0); the typed values are cross-checked against
every published file that can confirm them, and what no file confirms is
reported as unconfirmed (data/lookups/README.md, "Cross-check").

Run: /usr/bin/python3 data/lookups/build.py   (standard library only)
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
B1 = os.path.join(HERE, "..", "uk", "dfe-children-in-need", "b1_children_in_need_2013_to_2025.csv")
SOURCES = os.path.join(HERE, "sources")
# ONS Local Authority District to County lookups (older first): file, code, name, county, county name, year.
# mySociety's compilation of local authority names and codes (CC BY 4.0): old ONS SNAC codes, end dates, successors.
MYSOCIETY = os.path.join(SOURCES, "mysociety_la_england_snac.csv")
# ONS LAD (December 2023) to police force area lookup: LAD23CD -> PFA23CD, PFA23NM.
LAD_PFA = os.path.join(SOURCES, "lad23_pfa23_en.csv")
# ONS sub-ICB location to ICB (July 2022) lookup: the 42 ICB codes and names, and the
# 106 sub-ICB locations (sub_icb_locations.csv).
LOC_ICB = os.path.join(SOURCES, "loc22_icb22_en.csv")
# Pairs (local authority name, ICB) of the CQC care homes of November 2022 joined to LOC_ICB.
CQC_ICB = os.path.join(SOURCES, "cqc_icb22_la.csv")
# The CQC pairs describe the areas as they were in November 2022.
CQC_ICB_YEAR = 2022
LAD_CTY = [("lad18_cty18_en_districts.csv", "LAD18CD", "LAD18NM", "CTY18CD", "CTY18NM", 2018),
           ("lad20_cty20_en_districts.csv", "LAD20CD", "LAD20NM", "CTY20CD", "CTY20NM", 2020)]

# ---- police force areas (ONS PFA codes E23000001..E23000039), typed ----
TYPED_PFA = [
    ("E23000001", "Metropolitan Police"), ("E23000002", "Cumbria"), ("E23000003", "Lancashire"),
    ("E23000004", "Merseyside"), ("E23000005", "Greater Manchester"), ("E23000006", "Cheshire"),
    ("E23000007", "Northumbria"), ("E23000008", "Durham"), ("E23000009", "North Yorkshire"),
    ("E23000010", "West Yorkshire"), ("E23000011", "South Yorkshire"), ("E23000012", "Humberside"),
    ("E23000013", "Cleveland"), ("E23000014", "West Midlands"), ("E23000015", "Staffordshire"),
    ("E23000016", "West Mercia"), ("E23000017", "Warwickshire"), ("E23000018", "Derbyshire"),
    ("E23000019", "Nottinghamshire"), ("E23000020", "Lincolnshire"), ("E23000021", "Leicestershire"),
    ("E23000022", "Northamptonshire"), ("E23000023", "Cambridgeshire"), ("E23000024", "Norfolk"),
    ("E23000025", "Suffolk"), ("E23000026", "Bedfordshire"), ("E23000027", "Hertfordshire"),
    ("E23000028", "Essex"), ("E23000029", "Thames Valley"), ("E23000030", "Hampshire"),
    ("E23000031", "Surrey"), ("E23000032", "Kent"), ("E23000033", "Sussex"),
    ("E23000034", "London, City of"), ("E23000035", "Devon & Cornwall"), ("E23000036", "Avon and Somerset"),
    ("E23000037", "Gloucestershire"), ("E23000038", "Wiltshire"), ("E23000039", "Dorset"),
]

# ---- integrated care boards (ONS ICB 2022 codes), typed ----
TYPED_ICB = [
    ("E54000008", "NHS Cheshire and Merseyside Integrated Care Board"),
    ("E54000010", "NHS Staffordshire and Stoke-on-Trent Integrated Care Board"),
    ("E54000011", "NHS Shropshire, Telford and Wrekin Integrated Care Board"),
    ("E54000013", "NHS Lincolnshire Integrated Care Board"),
    ("E54000015", "NHS Leicester, Leicestershire and Rutland Integrated Care Board"),
    ("E54000018", "NHS Coventry and Warwickshire Integrated Care Board"),
    ("E54000019", "NHS Herefordshire and Worcestershire Integrated Care Board"),
    ("E54000022", "NHS Norfolk and Waveney Integrated Care Board"),
    ("E54000023", "NHS Suffolk and North East Essex Integrated Care Board"),
    ("E54000024", "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board"),
    ("E54000025", "NHS Hertfordshire and West Essex Integrated Care Board"),
    ("E54000026", "NHS Mid and South Essex Integrated Care Board"),
    ("E54000027", "NHS North West London Integrated Care Board"),
    ("E54000028", "NHS North Central London Integrated Care Board"),
    ("E54000029", "NHS North East London Integrated Care Board"),
    ("E54000030", "NHS South East London Integrated Care Board"),
    ("E54000031", "NHS South West London Integrated Care Board"),
    ("E54000032", "NHS Kent and Medway Integrated Care Board"),
    ("E54000034", "NHS Frimley Integrated Care Board"),
    ("E54000036", "NHS Cornwall and the Isles of Scilly Integrated Care Board"),
    ("E54000037", "NHS Devon Integrated Care Board"),
    ("E54000038", "NHS Somerset Integrated Care Board"),
    ("E54000039", "NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board"),
    ("E54000040", "NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board"),
    ("E54000041", "NHS Dorset Integrated Care Board"),
    ("E54000042", "NHS Hampshire and Isle of Wight Integrated Care Board"),
    ("E54000043", "NHS Gloucestershire Integrated Care Board"),
    ("E54000044", "NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board"),
    ("E54000048", "NHS Lancashire and South Cumbria Integrated Care Board"),
    ("E54000050", "NHS North East and North Cumbria Integrated Care Board"),
    ("E54000051", "NHS Humber and North Yorkshire Integrated Care Board"),
    ("E54000052", "NHS Surrey Heartlands Integrated Care Board"),
    ("E54000053", "NHS Sussex Integrated Care Board"),
    ("E54000054", "NHS West Yorkshire Integrated Care Board"),
    ("E54000055", "NHS Birmingham and Solihull Integrated Care Board"),
    ("E54000056", "NHS Cambridgeshire and Peterborough Integrated Care Board"),
    ("E54000057", "NHS Greater Manchester Integrated Care Board"),
    ("E54000058", "NHS Derby and Derbyshire Integrated Care Board"),
    ("E54000059", "NHS Northamptonshire Integrated Care Board"),
    ("E54000060", "NHS Nottingham and Nottinghamshire Integrated Care Board"),
    ("E54000061", "NHS South Yorkshire Integrated Care Board"),
    ("E54000062", "NHS Black Country Integrated Care Board"),
]

# ---- per authority: old ONS code, police force area, ICB(s) (first = main), typed ----
# An ICB list "A;B" means the authority is covered by more than one ICB
# ("part" coverage in la_icb.csv); a single ICB covers it whole.
TYPED_LA = {
    # North East
    "E06000001": ("00EB", "E23000013", "E54000050"), "E06000002": ("00EC", "E23000013", "E54000050"),
    "E06000003": ("00EE", "E23000013", "E54000050"), "E06000004": ("00EF", "E23000013", "E54000050"),
    "E06000005": ("00EH", "E23000008", "E54000050"), "E06000047": ("", "E23000008", "E54000050"),
    "E06000057": ("", "E23000007", "E54000050"), "E08000021": ("00CJ", "E23000007", "E54000050"),
    "E08000022": ("00CK", "E23000007", "E54000050"), "E08000023": ("00CL", "E23000007", "E54000050"),
    "E08000024": ("00CM", "E23000007", "E54000050"), "E08000037": ("00CH", "E23000007", "E54000050"),
    # North West
    "E06000006": ("00ET", "E23000006", "E54000008"), "E06000007": ("00EU", "E23000006", "E54000008"),
    "E06000008": ("00EX", "E23000003", "E54000048"), "E06000009": ("00EY", "E23000003", "E54000048"),
    "E06000049": ("", "E23000006", "E54000008"), "E06000050": ("", "E23000006", "E54000008"),
    "E06000063": ("", "E23000002", "E54000050"), "E06000064": ("", "E23000002", "E54000048;E54000050"),
    "E10000006": ("16", "E23000002", "E54000050;E54000048"), "E10000017": ("30", "E23000003", "E54000048"),
    "E08000001": ("00BL", "E23000005", "E54000057"), "E08000002": ("00BM", "E23000005", "E54000057"),
    "E08000003": ("00BN", "E23000005", "E54000057"), "E08000004": ("00BP", "E23000005", "E54000057"),
    "E08000005": ("00BQ", "E23000005", "E54000057"), "E08000006": ("00BR", "E23000005", "E54000057"),
    "E08000007": ("00BS", "E23000005", "E54000057"), "E08000008": ("00BT", "E23000005", "E54000057"),
    "E08000009": ("00BU", "E23000005", "E54000057"), "E08000010": ("00BW", "E23000005", "E54000057"),
    "E08000011": ("00BX", "E23000004", "E54000008"), "E08000012": ("00BY", "E23000004", "E54000008"),
    "E08000013": ("00BZ", "E23000004", "E54000008"), "E08000014": ("00CA", "E23000004", "E54000008"),
    "E08000015": ("00CB", "E23000004", "E54000008"),
    # Yorkshire and The Humber
    "E06000010": ("00FA", "E23000012", "E54000051"), "E06000011": ("00FB", "E23000012", "E54000051"),
    "E06000012": ("00FC", "E23000012", "E54000051"), "E06000013": ("00FD", "E23000012", "E54000051"),
    "E06000014": ("00FF", "E23000009", "E54000051"), "E06000065": ("", "E23000009", "E54000051"),
    "E10000023": ("36", "E23000009", "E54000051"),
    "E08000016": ("00CC", "E23000011", "E54000061"), "E08000017": ("00CE", "E23000011", "E54000061"),
    "E08000018": ("00CF", "E23000011", "E54000061"), "E08000019": ("00CG", "E23000011", "E54000061"),
    "E08000032": ("00CX", "E23000010", "E54000054"), "E08000033": ("00CY", "E23000010", "E54000054"),
    "E08000034": ("00CZ", "E23000010", "E54000054"), "E08000035": ("00DA", "E23000010", "E54000054"),
    "E08000036": ("00DB", "E23000010", "E54000054"),
    # East Midlands
    "E06000015": ("00FK", "E23000018", "E54000058"), "E06000016": ("00FN", "E23000021", "E54000015"),
    "E06000017": ("00FP", "E23000021", "E54000015"), "E06000018": ("00FY", "E23000019", "E54000060"),
    "E06000061": ("", "E23000022", "E54000059"), "E06000062": ("", "E23000022", "E54000059"),
    "E10000007": ("17", "E23000018", "E54000058"), "E10000018": ("31", "E23000021", "E54000015"),
    "E10000019": ("32", "E23000020", "E54000013"), "E10000021": ("34", "E23000022", "E54000059"),
    "E10000024": ("37", "E23000019", "E54000060;E54000061"),
    # West Midlands
    "E06000019": ("00GA", "E23000016", "E54000019"), "E06000020": ("00GF", "E23000016", "E54000011"),
    "E06000021": ("00GL", "E23000015", "E54000010"), "E06000051": ("", "E23000016", "E54000011"),
    "E10000028": ("41", "E23000015", "E54000010"), "E10000031": ("44", "E23000017", "E54000018"),
    "E10000034": ("46", "E23000016", "E54000019"),
    "E08000025": ("00CN", "E23000014", "E54000055"), "E08000026": ("00CQ", "E23000014", "E54000018"),
    "E08000027": ("00CR", "E23000014", "E54000062"), "E08000028": ("00CS", "E23000014", "E54000062"),
    "E08000029": ("00CT", "E23000014", "E54000055"), "E08000030": ("00CU", "E23000014", "E54000062"),
    "E08000031": ("00CW", "E23000014", "E54000062"),
    # East of England
    "E06000031": ("00JA", "E23000023", "E54000056"), "E06000032": ("00KA", "E23000026", "E54000024"),
    "E06000033": ("00KF", "E23000028", "E54000026"), "E06000034": ("00KG", "E23000028", "E54000026"),
    "E06000055": ("", "E23000026", "E54000024"), "E06000056": ("", "E23000026", "E54000024"),
    "E10000003": ("12", "E23000023", "E54000056"), "E10000012": ("22", "E23000028", "E54000026;E54000023;E54000025"),
    "E10000015": ("26", "E23000027", "E54000025"), "E10000020": ("33", "E23000024", "E54000022"),
    "E10000029": ("42", "E23000025", "E54000023;E54000022"),
    # London
    "E09000001": ("00AA", "E23000034", "E54000029"), "E09000002": ("00AB", "E23000001", "E54000029"),
    "E09000003": ("00AC", "E23000001", "E54000028"), "E09000004": ("00AD", "E23000001", "E54000030"),
    "E09000005": ("00AE", "E23000001", "E54000027"), "E09000006": ("00AF", "E23000001", "E54000030"),
    "E09000007": ("00AG", "E23000001", "E54000028"), "E09000008": ("00AH", "E23000001", "E54000031"),
    "E09000009": ("00AJ", "E23000001", "E54000027"), "E09000010": ("00AK", "E23000001", "E54000028"),
    "E09000011": ("00AL", "E23000001", "E54000030"), "E09000012": ("00AM", "E23000001", "E54000029"),
    "E09000013": ("00AN", "E23000001", "E54000027"), "E09000014": ("00AP", "E23000001", "E54000028"),
    "E09000015": ("00AQ", "E23000001", "E54000027"), "E09000016": ("00AR", "E23000001", "E54000029"),
    "E09000017": ("00AS", "E23000001", "E54000027"), "E09000018": ("00AT", "E23000001", "E54000027"),
    "E09000019": ("00AU", "E23000001", "E54000028"), "E09000020": ("00AW", "E23000001", "E54000027"),
    "E09000021": ("00AX", "E23000001", "E54000031"), "E09000022": ("00AY", "E23000001", "E54000030"),
    "E09000023": ("00AZ", "E23000001", "E54000030"), "E09000024": ("00BA", "E23000001", "E54000031"),
    "E09000025": ("00BB", "E23000001", "E54000029"), "E09000026": ("00BC", "E23000001", "E54000029"),
    "E09000027": ("00BD", "E23000001", "E54000031"), "E09000028": ("00BE", "E23000001", "E54000030"),
    "E09000029": ("00BF", "E23000001", "E54000031"), "E09000030": ("00BG", "E23000001", "E54000029"),
    "E09000031": ("00BH", "E23000001", "E54000029"), "E09000032": ("00BJ", "E23000001", "E54000031"),
    "E09000033": ("00BK", "E23000001", "E54000027"),
    # South East
    "E06000035": ("00LC", "E23000032", "E54000032"), "E06000036": ("00MA", "E23000029", "E54000034"),
    "E06000037": ("00MB", "E23000029", "E54000044"), "E06000038": ("00MC", "E23000029", "E54000044"),
    "E06000039": ("00MD", "E23000029", "E54000034"), "E06000040": ("00ME", "E23000029", "E54000034"),
    "E06000041": ("00MF", "E23000029", "E54000044"), "E06000042": ("00MG", "E23000029", "E54000024"),
    "E06000043": ("00ML", "E23000033", "E54000053"), "E06000044": ("00MR", "E23000030", "E54000042"),
    "E06000045": ("00MS", "E23000030", "E54000042"), "E06000046": ("00MW", "E23000030", "E54000042"),
    "E06000060": ("", "E23000029", "E54000044"), "E10000002": ("11", "E23000029", "E54000044"),
    "E10000011": ("21", "E23000033", "E54000053"), "E10000014": ("24", "E23000030", "E54000042;E54000034"),
    "E10000016": ("29", "E23000032", "E54000032"), "E10000025": ("38", "E23000029", "E54000044"),
    "E10000030": ("43", "E23000031", "E54000052;E54000034"), "E10000032": ("45", "E23000033", "E54000053"),
    # South West
    "E06000022": ("00HA", "E23000036", "E54000040"), "E06000023": ("00HB", "E23000036", "E54000039"),
    "E06000024": ("00HC", "E23000036", "E54000039"), "E06000025": ("00HD", "E23000036", "E54000039"),
    "E06000026": ("00HG", "E23000035", "E54000037"), "E06000027": ("00HH", "E23000035", "E54000037"),
    "E06000028": ("00HN", "E23000039", "E54000041"), "E06000029": ("00HP", "E23000039", "E54000041"),
    "E06000030": ("00HX", "E23000038", "E54000040"), "E06000052": ("", "E23000035", "E54000036"),
    "E06000053": ("", "E23000035", "E54000036"), "E06000054": ("", "E23000038", "E54000040"),
    "E06000058": ("", "E23000039", "E54000041"), "E06000059": ("", "E23000039", "E54000041"),
    "E06000066": ("", "E23000036", "E54000038"), "E10000008": ("18", "E23000035", "E54000037"),
    "E10000009": ("19", "E23000039", "E54000041"), "E10000013": ("23", "E23000037", "E54000043"),
    "E10000027": ("40", "E23000036", "E54000038"),
}

# ---- codes missing from B1 (DfE re-coded its history), typed ----
TYPED_EXTRA_LA = [
    # code, name, region, dfe_code
    ("E06000048", "Northumberland", "North East", "929"),
    ("E08000020", "Gateshead", "North East", "390"),
]
TYPED_EXTRA_LA_LINKS = {"E06000048": ("", "E23000007", "E54000050"), "E08000020": ("00CH", "E23000007", "E54000050")}

# ---- boundary changes 2009-2023, typed ----
# kind: recoded (same area, new code: follow), merged (the area became part of a
# larger one: not followed), split (divided between several: not followed).
TYPED_CHANGES = [
    # old code, kind, successors, year the change took effect (1 April)
    ("E06000048", "recoded", "E06000057", 2020),
    ("E08000020", "recoded", "E08000037", 2013),
    ("E10000002", "recoded", "E06000060", 2020),
    ("E10000023", "recoded", "E06000065", 2023),
    ("E10000027", "recoded", "E06000066", 2023),
    ("E06000028", "merged", "E06000058", 2019),
    ("E06000029", "merged", "E06000058", 2019),
    ("E10000009", "split", "E06000059;E06000058", 2019),
    ("E10000021", "split", "E06000061;E06000062", 2021),
    ("E10000006", "split", "E06000063;E06000064", 2023),
]

# ---- districts merged into new districts, 1 April 2019 ----
# Typed from ONS's own notes to its "Local Authority District to County (April
# 2019) Lookup in England" (quoted in sources/README.md): "E07000244 - East
# Suffolk - new local authority district (Suffolk Coastal and Waveney districts
# abolished)", and the same for West Suffolk and Somerset West and Taunton.
# build.py checks them against the December 2018 and April 2020 lookups.
DISTRICT_MERGES = [
    # old district, the new district it became part of, year (1 April)
    ("E07000205", "E07000244", 2019), ("E07000206", "E07000244", 2019),
    ("E07000201", "E07000245", 2019), ("E07000204", "E07000245", 2019),
    ("E07000190", "E07000246", 2019), ("E07000191", "E07000246", 2019),
]

# ---- name variants normalisation cannot reach, typed ----
TYPED_ALIASES = [
    ("Hull", "E06000010"), ("Hull City Council", "E06000010"), ("City of Kingston upon Hull", "E06000010"),
    ("NE Lincs", "E06000012"), ("NE Lincolnshire", "E06000012"), ("North East Lincs", "E06000012"),
    ("N Lincs", "E06000013"), ("Bristol", "E06000023"), ("City of Bristol", "E06000023"),
    ("Herefordshire", "E06000019"), ("County of Herefordshire", "E06000019"),
    ("Durham", "E06000047"), ("Durham County Council", "E06000047"),
    ("Stockton", "E06000004"), ("Stockton on Tees", "E06000004"), ("St Helens", "E08000013"),
    ("Newcastle", "E08000021"), ("Kingston", "E09000021"), ("Richmond", "E09000027"),
    ("Southend", "E06000033"), ("Telford", "E06000020"), ("Windsor & Maidenhead", "E06000040"),
    ("Royal Borough of Windsor and Maidenhead", "E06000040"), ("Blackburn", "E06000008"),
    ("BCP", "E06000058"), ("BCP Council", "E06000058"), ("Brighton", "E06000043"),
    ("East Riding", "E06000011"), ("Redcar", "E06000003"), ("BANES", "E06000022"), ("B&NES", "E06000022"),
    ("Stoke", "E06000021"), ("Hammersmith & Fulham", "E09000013"), ("Kensington & Chelsea", "E09000020"),
    ("Royal Borough of Kensington and Chelsea", "E09000020"), ("Royal Borough of Greenwich", "E09000011"),
    ("City of Westminster", "E09000033"), ("Corporation of London", "E09000001"), ("City of York", "E06000014"),
    ("Cheshire West", "E06000050"), ("Isles of Scilly Council", "E06000053"), ("Council of the Isles of Scilly", "E06000053"),
    ("Barking & Dagenham", "E09000002"), ("Wrekin", "E06000020"),
]



def read_b1():
    """From DfE B1: code -> [name, region, dfe_code] (the latest year winning), and
    code -> (first, last) reporting year (to 31 March)."""
    out, years = {}, {}
    with open(B1, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["geographic_level"] != "Local authority":
                continue
            code, year = row["new_la_code"], int(row["time_period"])
            if code not in out or year >= max(years[code]):
                out[code] = [row["la_name"], row["region_name"], row["old_la_code"]]
            years.setdefault(code, set()).add(year)
    return out, {code: (min(y), max(y)) for code, y in years.items()}


def read_mysociety():
    """gss code -> row, and mySociety's three-letter code -> gss code."""
    with open(MYSOCIETY, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {r["gss-code"]: r for r in rows}, {r["local-authority-code"]: r["gss-code"] for r in rows}


def legacy_codes(las, changes, mysoc):
    """code -> old ONS (SNAC) code from mySociety's table; an old code that table
    lacks takes its successor's when it was recoded (the same area)."""
    out = {}
    for code in las:
        if code in mysoc:
            out[code] = mysoc[code]["snac"]
        elif code in changes and changes[code][1] == "recoded" and changes[code][2] in mysoc:
            out[code] = mysoc[changes[code][2]]["snac"]
    return out


def split_unitaries(districts, changes, mysoc, mysoc_ids, problems):
    """code -> the unitary a district of a split county became part of, from
    mySociety's replaced-by, when that unitary is made of districts alone (not
    BCP, which took two unitaries as well); each must be a typed successor of
    the county."""
    made_of_others = {s for old, kind, succ, _ in TYPED_CHANGES if not old.startswith("E10") for s in succ.split(";")}
    out = {}
    for code, (name, county, _, _) in districts.items():
        if changes.get(county, (0, ""))[1] != "split" or code not in mysoc:
            continue
        unitary = mysoc_ids.get(mysoc[code]["replaced-by"])
        if unitary not in changes[county][2].split(";"):
            problems.append(f"{code} ({name}): mySociety says it became {unitary}, not a typed successor of {county}")
        elif unitary not in made_of_others:
            out[code] = unitary
    return out


def read_districts(las, problems):
    """code -> [name, county, first year, last year] from the ONS district-to-county lookups.
    A county code that is not an authority of the lookup is a problem."""
    out = {}
    for name, code_col, name_col, county_col, county_name_col, year in LAD_CTY:
        with open(os.path.join(SOURCES, name), newline="", encoding="utf-8-sig") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                code, county = row[code_col], row[county_col]
                where = f"sources/{name}:{line}"
                if not code.startswith("E07") or not county.startswith("E10"):
                    problems.append(f"{where}: {code} -> {county} is not a district (E07) in a county (E10)")
                elif county not in las:
                    problems.append(f"{where}: county {county} is not an authority of the lookup")
                elif code in out and out[code][1] != county:
                    problems.append(f"{where}: {code} moved from county {out[code][1]} to {county}")
                first = out[code][2] if code in out else year
                out[code] = [row[name_col], county, first, year]
    return out


def district_rows(districts, problems):
    """Rows of districts.csv: a district missing from the latest lookup while
    its county still has districts there was merged into a new district
    (DISTRICT_MERGES, checked here); one whose county has none left keeps its
    county, so that its figures add up to the county's, whose own change applies."""
    latest = max(entry[-1] for entry in LAD_CTY)
    counties_latest = {d[1] for d in districts.values() if d[3] == latest}
    merges = {old: (new, year) for old, new, year in DISTRICT_MERGES}
    rows = []
    for code in sorted(districts):
        name, county, first, last = districts[code]
        status, successors, changed = "current", "", ""
        if last < latest and county in counties_latest:
            if code not in merges:
                problems.append(f"{code} ({name}) left the lookups while {county} kept its districts, "
                                "but DISTRICT_MERGES does not say what it became")
                continue
            new, year = merges[code]
            if new not in districts or districts[new][1] != county or not last < year <= districts[new][2]:
                problems.append(f"{code} ({name}): DISTRICT_MERGES says it became {new} in {year}, "
                                "which the lookups do not show (a new district of the same county after it)")
            status, successors, changed = "merged", new, year
        elif code in merges:
            problems.append(f"{code} ({name}) is in DISTRICT_MERGES but stays in the lookups until {last}")
        rows.append([code, name, county, status, successors, changed])
    return rows


def cross_check(las, years, districts, changes, mysoc, mysoc_ids, legacy):
    """Compare the typed values with the published files. Returns lines:
    wrong (a typed value still used that a file contradicts: fatal), replaced
    (a typed value no longer used that a file contradicts), confirmed, unconfirmed."""
    wrong, replaced, confirmed, unconfirmed = [], [], [], []
    for old, kind, successors, year in TYPED_CHANGES:
        succ = successors.split(";")
        if old not in years or any(s not in years for s in succ):
            unconfirmed.append(f"{old} {kind} {successors} {year}: not in DfE B1 under both codes")
        elif years[old][1] == year and all(years[s][0] == year + 1 for s in succ):
            confirmed.append(f"{old} {kind} {successors} {year}: DfE B1 has {old} to {year}, the successors from {year + 1}")
        else:
            wrong.append(f"{old} {kind} {successors} {year}: DfE B1 has {old} to {years[old][1]}, "
                         + ", ".join(f"{s} from {years[s][0]}" for s in succ))
    # Counties whose districts end between the two ONS lookups ended between December 2018 and April 2020.
    first_year, last_year = LAD_CTY[0][-1], LAD_CTY[-1][-1]
    for county in sorted({d[1] for d in districts.values()}):
        last = max(d[3] for d in districts.values() if d[1] == county)
        typed = changes.get(county)
        if last < last_year and not (typed and first_year < typed[3] <= last_year):
            wrong.append(f"{county}: the ONS lookups end its districts before {last_year}, but no change of it "
                         f"between {first_year} and {last_year} is typed")
        elif last < last_year:
            confirmed.append(f"{county} {typed[1]} {typed[3]}: its districts are in the ONS {first_year} lookup, not the {last_year} one")
        elif typed and typed[3] <= last_year:
            wrong.append(f"{county}: typed as {typed[1]} in {typed[3]}, but the ONS {last_year} lookup still lists its districts")
    # Boundary changes against mySociety's successors.
    for old, kind, successors, year in TYPED_CHANGES:
        if old not in mysoc:
            continue
        theirs = {mysoc_ids[c] for c in mysoc[old]["replaced-by"].split(",") if c}
        if theirs == set(successors.split(";")):
            confirmed.append(f"{old} {kind} {successors}: mySociety names the same successors")
        else:
            unconfirmed.append(f"{old} {kind} {successors}: mySociety names {';'.join(sorted(theirs)) or 'none'} "
                               "(Dorset county's area went to both; kept as typed)")
    for old, new, year in DISTRICT_MERGES:
        theirs = mysoc_ids.get(mysoc[old]["replaced-by"]) if old in mysoc else None
        (confirmed if theirs == new else wrong).append(
            f"district {old} merged into {new} in {year}: mySociety names {theirs}")
    # Old ONS codes: the typed ones against mySociety's (which the tables now use).
    typed_legacy = {code: v[0] for code, v in list(TYPED_LA.items()) + list(TYPED_EXTRA_LA_LINKS.items())}
    same = 0
    for code in sorted(typed_legacy):
        typed, published = typed_legacy[code], legacy.get(code)
        if published is None:
            unconfirmed.append(f"old ONS code of {code} ('{typed}'): not in mySociety's table")
        elif typed == published:
            same += 1
        else:
            replaced.append(f"old ONS code of {code} ({las[code][0]}): typed '{typed or 'none'}', "
                            f"mySociety has '{published or 'none'}'")
    confirmed.append(f"{same} typed old ONS codes equal mySociety's")
    # Every current county has districts in the ONS lookups.
    for code, (name, _, _) in sorted(las.items()):
        if code.startswith("E10") and code not in changes and not any(d[1] == code for d in districts.values()):
            wrong.append(f"{code} ({name}): a current county with no district in the ONS lookups")
    unconfirmed.append("names, regions and DfE codes of E06000048 and E08000020 (not in DfE B1 or mySociety's table)")
    return wrong, replaced, confirmed, unconfirmed


def read_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def name_key(name):
    """A name reduced to letters and digits, '&' read as 'and'."""
    return "".join(c for c in name.lower().replace("&", "and") if c.isalnum())


def same_area(changes):
    """code -> codes of the same area under another code (the recodings, both ways)."""
    out = {}
    for old, kind, successors, _ in TYPED_CHANGES:
        if kind == "recoded":
            out.setdefault(old, []).append(successors)
            out.setdefault(successors, []).append(old)
    return out


def published_pfa(las, districts, changes, lad_pfa):
    """code -> set of PFA codes from the ONS LAD23-to-PFA lookup: an authority's own
    row, else its districts' rows, else (replaced before 2023) its successors'."""
    lad = {r["LAD23CD"]: r["PFA23CD"] for r in lad_pfa}
    out = {}
    for code in las:
        if code in lad:
            out[code] = {lad[code]}
        elif code.startswith("E10"):
            mine = {lad[d] for d, v in districts.items() if v[1] == code and d in lad}
            if mine:
                out[code] = mine
    for code in las:
        if code not in out and code in changes:
            succ = changes[code][2].split(";")
            if all(s in out for s in succ):
                out[code] = set().union(*(out[s] for s in succ))
    return out


def existed_in(year, code, changes):
    """Whether an authority existed in the given year (after 1 April)."""
    created = {s for _, _, succ, y in TYPED_CHANGES if y > year for s in succ.split(";")}
    return code not in created and not (code in changes and changes[code][3] <= year)


def published_icb(las, changes, problems):
    """code -> list of ICB codes in which the CQC table places a care home of the
    authority (by name, as the areas were in 2022; recodings share theirs)."""
    by_name = {}
    for code, (name, _, _) in las.items():
        if existed_in(CQC_ICB_YEAR, code, changes):
            by_name.setdefault(name_key(name), []).append(code)
    out = {}
    for line, row in enumerate(read_rows(CQC_ICB), start=2):
        name = row["Location.Local.Authority"]
        codes = by_name.get(name_key(name), [])
        if len(codes) != 1:
            problems.append(f"sources/cqc_icb22_la.csv:{line}: Location.Local.Authority '{name}' "
                            f"matches {len(codes)} authorities of {CQC_ICB_YEAR}")
            continue
        icbs = out.setdefault(codes[0], [])
        if row["ICB22CD"] not in icbs:
            icbs.append(row["ICB22CD"])
    for code, others in same_area(changes).items():
        for other in others:
            if code not in out and other in out:
                out[code] = out[other]
    # A split area's ICBs are its successors'; a merged area lies within its successor's single ICB.
    for old, kind, successors, _ in TYPED_CHANGES:
        succ = successors.split(";")
        if old in out or not all(s in out for s in succ):
            continue
        icbs = [c for s in succ for c in out[s]]
        icbs = [c for i, c in enumerate(icbs) if c not in icbs[:i]]
        if kind == "split" or len(icbs) == 1:
            out[old] = icbs
    return out


def check_codes(kind, typed, published, replaced, confirmed):
    """Compare typed code -> name tables with a published one."""
    same = 0
    for code in sorted(set(typed) | set(published)):
        if typed.get(code) == published.get(code):
            same += 1
        else:
            replaced.append(f"{kind} {code}: typed '{typed.get(code, 'absent')}', "
                            f"the ONS lookup has '{published.get(code, 'absent')}'")
    confirmed.append(f"{same} of {len(typed)} typed {kind} codes and names equal the ONS lookup's")


def check_links(las, links, pfa_pub, icb_pub, replaced, confirmed, unconfirmed):
    """Each authority's police force area and ICBs against the published ones.
    Returns code -> (pfa, [icb, ...]) as used: the published value where there is one."""
    out, same_pfa, same_icb = {}, 0, 0
    no_pfa, no_icb = [], []
    for code in sorted(las):
        _, pfa, icbs = links[code]
        icbs = icbs.split(";")
        pub = pfa_pub.get(code)
        if pub is None:
            no_pfa.append(code)
        elif pub == {pfa}:
            same_pfa += 1
        elif len(pub) == 1:
            replaced.append(f"police force area of {code} ({las[code][0]}): typed {pfa}, the ONS lookup has {min(pub)}")
            pfa = min(pub)
        else:
            unconfirmed.append(f"police force area of {code} ({las[code][0]}): its districts are in {sorted(pub)}")
        pub = icb_pub.get(code)
        if pub is None:
            no_icb.append(code)
        elif set(pub) == set(icbs):
            same_icb += 1
        else:
            replaced.append(f"ICBs of {code} ({las[code][0]}): typed {';'.join(icbs)}, "
                            f"CQC care homes lie in {';'.join(pub)}")
            icbs = [c for c in icbs if c in pub] + [c for c in pub if c not in icbs]
        out[code] = (pfa, icbs)
    confirmed.append(f"{same_pfa} typed police force areas equal the ONS LAD23-to-PFA lookup's")
    confirmed.append(f"{same_icb} typed ICB sets equal the ICBs holding the authority's CQC care homes")
    if no_pfa:
        unconfirmed.append(f"police force area of {len(no_pfa)} authorities not in the lookup: {' '.join(no_pfa)}")
    if no_icb:
        unconfirmed.append(f"ICBs of {len(no_icb)} authorities without CQC care home rows: {' '.join(no_icb)}")
    return out


def la_type(code):
    return {"E06": "unitary", "E08": "metropolitan_district", "E09": "london_borough", "E10": "county"}[code[:3]]


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    las, b1_years = read_b1()
    lad_pfa, loc_icb = read_rows(LAD_PFA), read_rows(LOC_ICB)
    for code, name, region, dfe in TYPED_EXTRA_LA:
        assert code not in las
        las[code] = [name, region, dfe]
    links = dict(TYPED_LA)
    links.update(TYPED_EXTRA_LA_LINKS)
    changes = {c[0]: c for c in TYPED_CHANGES}
    pfa = dict(TYPED_PFA)
    icb = dict(TYPED_ICB)
    problems = [c for c in las if c not in links] + [c for c in links if c not in las]
    for code, (legacy, pfa_code, icb_codes) in links.items():
        if pfa_code not in pfa:
            problems.append(f"{code}: unknown police force area {pfa_code}")
        problems += [f"{code}: unknown ICB {c}" for c in icb_codes.split(";") if c not in icb]
    for old, kind, successors, _ in TYPED_CHANGES:
        problems += [f"{old}: unknown successor {s}" for s in successors.split(";") if s not in las or s in changes]
    districts = read_districts(las, problems)
    district_table = district_rows(districts, problems)
    if problems:
        sys.exit("build.py: " + "; ".join(problems))
    mysoc, mysoc_ids = read_mysociety()
    legacy = legacy_codes(las, changes, mysoc)
    unitaries = split_unitaries(districts, changes, mysoc, mysoc_ids, problems)
    if problems:
        sys.exit("build.py: " + "; ".join(problems))
    wrong, replaced, confirmed, unconfirmed = cross_check(las, b1_years, districts, changes, mysoc, mysoc_ids, legacy)
    if wrong:
        sys.exit("build.py: typed values contradicted by a published file:\n  " + "\n  ".join(wrong))
    pfa_table = {r["PFA23CD"]: r["PFA23NM"] for r in lad_pfa}
    icb_table = {r["ICB22CD"]: r["ICB22NM"] for r in loc_icb}
    check_codes("police force area", pfa, pfa_table, replaced, confirmed)
    check_codes("ICB", icb, icb_table, replaced, confirmed)
    icb_pub = published_icb(las, changes, problems)
    if problems:
        sys.exit("build.py: " + "; ".join(problems))
    used = check_links(las, links, published_pfa(las, districts, changes, lad_pfa), icb_pub, replaced, confirmed, unconfirmed)
    rows, la_icb = [], []
    for code in sorted(las):
        name, region, dfe = las[code]
        pfa_code, parts = used[code]
        kind, successors, year = (changes[code][1], changes[code][2], changes[code][3]) if code in changes else ("current", "", "")
        rows.append([code, name, la_type(code), region, dfe, legacy.get(code, ""), pfa_code, kind, successors, year])
        la_icb += [[code, c, "whole" if len(parts) == 1 else "part"] for c in parts]
    write("local_authorities.csv",
          ["code", "name", "type", "region", "dfe_code", "ons_legacy_code", "police_force_area", "status", "successors", "changed"],
          rows)
    write("la_icb.csv", ["la_code", "icb_code", "coverage"], la_icb)
    write("integrated_care_boards.csv", ["code", "name"], sorted(icb_table.items()))
    write("police_force_areas.csv", ["code", "name"], sorted(pfa_table.items()))
    write("sub_icb_locations.csv", ["code", "ods_code", "name", "icb"],
          [[r["LOC22CD"], r["LOC22CDH"], r["LOC22NM"], r["ICB22CD"]] for r in sorted(loc_icb, key=lambda r: r["LOC22CD"])])
    write("aliases.csv", ["alias", "code"], sorted(TYPED_ALIASES, key=lambda a: (a[1], a[0])))
    in_2025 = sum(1 for r in district_table if r[3] == "current" and r[2] not in changes)
    for row in district_table:
        row[3:3] = [unitaries.get(row[0], ""), mysoc[row[0]]["snac"] if row[0] in mysoc else ""]
    write("districts.csv", ["code", "name", "county", "unitary", "ons_legacy_code", "status", "successors", "changed"],
          district_table)
    print(f"{len(rows)} local authorities, {len(district_table)} districts ({in_2025} in counties of 2025), "
          f"{len(la_icb)} LA-ICB rows, {len(icb_table)} ICBs, {len(loc_icb)} sub-ICB locations, "
          f"{len(pfa_table)} police force areas, "
          f"{len(TYPED_ALIASES)} aliases")
    print(f"cross-check: {len(replaced)} typed values contradicted by a published file (the file's value is used), "
          f"{len(confirmed)} confirmations, {len(unconfirmed)} unconfirmed")
    for title, lines in (("WRONG", replaced), ("confirmed", confirmed), ("unconfirmed", unconfirmed)):
        for line in lines:
            print(f"  {title}: {line}")


if __name__ == "__main__":
    main()
