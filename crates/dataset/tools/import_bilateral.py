#!/usr/bin/env python3
"""Imports the fact base's bilateral-treaties.csv into crates/dataset/data/bilateral.toml.

Usage (from the repository root):

    python3 crates/dataset/tools/import_bilateral.py PATH/TO/bilateral-treaties.csv
    python3 crates/dataset/tools/import_bilateral.py PATH/TO/bilateral-treaties.csv --check

The first form rewrites data/bilateral.toml; `--check` only reports whether it
would change (exit status 1 if it would). Then run `cargo test -p judicial-dataset`.

The CSV (one row per treaty: counterpart_iso2, treaty_type, title, signed,
ratified_by_china, entry_into_force, status_note, source) is merged into the
records already in bilateral.toml, matched by (counterpart, treaty type), which
is unique in both. The rules:

* Ids of existing instruments never change (other code and tests use them),
  even when a signing year is now known for an `-undated` id. A new row gets
  `cn-<iso2>-<civil|criminal|civil-criminal|extradition|transfer>-<year|undated>`.
* A field the TOML already has is never overwritten by an empty CSV cell (the
  TOML's values were sourced from the row's notes by an earlier pass). A CSV
  value fills an empty field; a more precise CSV date that agrees with the
  TOML's partial one (`1987` -> `1987-06-05`) refines it; a TOML date more
  precise than the CSV's is kept. Any other disagreement keeps the TOML value
  and records both in the instrument's notes.
* Partial dates stay partial (`"2005"`, `"2008-11"`).
* `sources` is the union: the TOML's, then the CSV's new ones, in order.
* `notes` is the CSV's status_note (which repeats earlier passes' text and
  adds `s2:`/`s3:` remarks), then the TOML's own `Dataset: ...` remarks, then
  remarks this importer adds; a remark made obsolete by the new data is
  replaced through `REMARK_REPLACEMENTS` below.
* Coverage, the Chinese central authority and the short name of a new row
  follow the records of the same treaty type; foreign authorities and
  attestations a row's note gives are in `NEW_ROW_EXTRAS`.
* The counterpart party carries the same signing and entry-into-force dates as
  China's (a bilateral treaty is signed and enters into force for both);
  China's ratification or approval stays on China's party only.

Running it twice gives the same file.
"""

import csv
import sys
import tomllib
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "bilateral.toml"

HEADER = """\
# China's bilateral treaties: civil/commercial, criminal, civil+criminal, extradition, transfer of sentenced persons.
#
# Part of the bundled dataset of judicial-channels (crates/dataset). Format: see
# crates/dataset/README.md. Dates are strings: "YYYY", "YYYY-MM" or "YYYY-MM-DD";
# a date a source does not give is left out, never guessed. Every fact is sourced
# in `sources`; conflicts and caveats are kept in `notes`. Check a change with
# `cargo test -p judicial-dataset`.
#
# Generated from the fact base's bilateral-treaties.csv merged into the previous
# version of this file by crates/dataset/tools/import_bilateral.py (read its
# docstring before editing by hand: a hand edit survives a re-import only where
# the CSV cell is empty or agrees).
"""

ID_WORD = {
    "civil_commercial": "civil",
    "criminal": "criminal",
    "civil_and_criminal": "civil-criminal",
    "extradition": "extradition",
    "transfer_of_sentenced_persons": "transfer",
}

SHORT_NAME = {
    "civil_commercial": "treaty on civil and commercial judicial assistance",
    "criminal": "treaty on mutual legal assistance in criminal matters",
    "civil_and_criminal": "treaty on civil and criminal judicial assistance",
    "extradition": "extradition treaty",
    "transfer_of_sentenced_persons": "treaty on the transfer of sentenced persons",
}
UNTITLED = " (title not recorded)"

# Remarks of the previous version that the new data makes wrong: (instrument id,
# old remark, new remark or "" to drop it).
REMARK_REPLACEMENTS = [
    (
        "cn-ro-civil-criminal-undated",
        "Dataset: the 1991-01-16 date is not entered as a signature, because the portal's date is not said to be the signing date.",
        "Dataset: signing 1991-01-16 is entered, as the fact base's second pass moved it into the date column (Romanian legislation portal); an earlier version of this dataset had left it out because the portal's date is not said to be the signing date.",
    ),
]

# Remarks added to existing records where the new data conflicts with a value
# the previous version derived from the notes.
ADDED_REMARKS = {
    "cn-vn-extradition-2015": "Dataset: entry into force 2019-12-12 (Viet Nam MOFA notice 03/2020/TB-LPQT) is entered; it conflicts with Viet Nam's ratification '2020' (Safeguard Defenders, entered on Viet Nam's party), which is kept as that source gives it.",
}

# What a new row's note says beyond the CSV's columns: authorities named by the
# treaty, and reports attesting the treaty in force.
MOJ_NAMES = "The treaty names {} as central authorities."
NEW_ROW_EXTRAS = {
    ("MT", "criminal"): {
        "cn_authority_notes": MOJ_NAMES.format("the Ministry of Justice (China) and the Attorney General (Malta)"),
        "other_authorities": ["Attorney General"],
    },
    ("PT", "criminal"): {
        "cn_authority_notes": MOJ_NAMES.format(
            "the Supreme People's Procuratorate and the Ministry of Justice (China) and the Procuradoria-Geral da República (Portugal)"
        ),
        "other_authorities": ["Procuradoria-Geral da República"],
    },
    ("ID", "criminal"): {
        "cn_authority_notes": MOJ_NAMES.format("both Ministries of Justice"),
        "other_authorities": ["Ministry of Justice"],
    },
    ("BR", "criminal"): {
        "in_force_as_of": "2009-10-27",
        "remark": "Dataset: in_force_as_of 2009-10-27 is the CRI Portuguese item of that day, which says the treaty was already in force.",
    },
}


def split_sources(cell):
    return [s.strip() for s in cell.split(" ; ") if s.strip()]


def party(instrument, cn):
    parties = instrument["parties"]
    return next(p for p in parties if (p["jurisdiction"] == "CN") == cn)


def merge_date(field, old, new, conflicts):
    """Returns the merged date of one field; records a disagreement."""
    if not new:
        return old
    if not old or old == new:
        return new
    if new.startswith(old + "-"):
        return new  # the CSV refines the TOML's partial date
    if old.startswith(new + "-"):
        return old  # the TOML's date (from a sourced note) is more precise
    conflicts.append(f"Dataset: {field} {old} (previous version, from the notes) is kept; the fact base's column gives {new}.")
    return old


def split_notes(note, csv_note):
    """Splits a TOML note into the CSV-derived part and its `Dataset:` remarks."""
    base = csv_note.rstrip(".")
    if note.startswith(base):
        rest = note[len(base):].lstrip(".").strip()
        return rest
    idx = note.find(" Dataset:")
    head = note if idx < 0 else note[:idx]
    rest = "" if idx < 0 else note[idx:].strip()
    head = head.rstrip(".")
    if not base.startswith(head):
        # The CSV rewrote the earlier text: keep the earlier text as a remark.
        rest = (f"Earlier note: {head}. " + rest).strip()
    return rest


def remarks_of(rest):
    """Splits `Dataset: a. Dataset: b.` into its remarks."""
    if not rest:
        return []
    parts = [p.strip() for p in rest.split(" Dataset:")]
    return [parts[0]] + ["Dataset: " + p for p in parts[1:]]


def join_note(csv_note, remarks):
    text = csv_note.rstrip(".") + "." if csv_note else ""
    for r in remarks:
        r = r if r.endswith(".") else r + "."
        text = (text + " " + r).strip()
    return text


def template_by_type(instruments):
    """The most common coverage and Chinese authority of each treaty type."""
    cov, auth = {}, {}
    for kind in ID_WORD:
        same = [i for i in instruments if i["treaty_type"] == kind]
        cov[kind] = tomllib.loads("c = " + Counter(dump_inline(i["coverage"]) for i in same).most_common(1)[0][0])["c"]
        auths = Counter(dump_inline(party(i, True).get("central_authorities", [])) for i in same)
        auth[kind] = tomllib.loads("c = " + auths.most_common(1)[0][0])["c"]
    return cov, auth


def country_names(instruments):
    names = {}
    for i in instruments:
        other = party(i, False)["jurisdiction"]
        name = i["short_name"].split("–", 1)[1]
        phrase = SHORT_NAME[i["treaty_type"]]
        if phrase in name:
            names[other] = name[: name.index(phrase)].strip()
    return names


def new_record(row, cov, auth, names):
    kind = row["treaty_type"]
    iso = row["counterpart_iso2"]
    year = row["signed"][:4] if row["signed"] else "undated"
    title = row["title"]
    name = names.get(iso, row["counterpart_country"])
    record = {
        "id": f"cn-{iso.lower()}-{ID_WORD[kind]}-{year}",
        "kind": "bilateral_treaty",
        "treaty_type": kind,
        "short_name": f"China–{name} {SHORT_NAME[kind]}" + ("" if title else UNTITLED),
        "notes": "",
        "sources": [],
        "coverage": cov[kind],
        "parties": [
            {"jurisdiction": "CN", "central_authorities": [dict(a) for a in auth[kind]]},
            {"jurisdiction": iso},
        ],
    }
    if title:
        record["title"] = title
    extras = NEW_ROW_EXTRAS.get((iso, kind), {})
    if "cn_authority_notes" in extras:
        record["parties"][0]["central_authorities"][0]["notes"] = extras["cn_authority_notes"]
    if "other_authorities" in extras:
        record["parties"][1]["central_authorities"] = [{"name": n} for n in extras["other_authorities"]]
    if "in_force_as_of" in extras:
        for p in record["parties"]:
            p["in_force_as_of"] = extras["in_force_as_of"]
    return record, [extras["remark"]] if "remark" in extras else []


def merge(row, record, is_new, extra_remarks):
    conflicts = []
    cn, other = party(record, True), party(record, False)
    if row["title"]:
        if not record.get("title"):
            record["title"] = row["title"]
            if record["short_name"].endswith(UNTITLED):
                record["short_name"] = record["short_name"][: -len(UNTITLED)]
        elif record["title"] != row["title"]:
            conflicts.append(f"Dataset: title {record['title']} is kept; the fact base's column gives {row['title']}.")
    for column, field in [("signed", "signed"), ("ratified_by_china", "ratified"), ("entry_into_force", "entry_into_force")]:
        value = merge_date(field, cn.get(field), row[column], conflicts)
        if value:
            cn[field] = value
    for field in ["signed", "entry_into_force"]:
        value = merge_date(f"{other['jurisdiction']} {field}", other.get(field), cn.get(field), conflicts)
        if value:
            other[field] = value
    sources = list(record["sources"])
    sources += [s for s in split_sources(row["source"]) if s not in sources]
    record["sources"] = sources
    remarks = [] if is_new else remarks_of(split_notes(record["notes"], row["status_note"]))
    for rid, old, new in REMARK_REPLACEMENTS:
        if rid == record["id"] and old in remarks:
            remarks = [new if r == old else r for r in remarks if new or r != old]
    for r in extra_remarks + ([ADDED_REMARKS[record["id"]]] if record["id"] in ADDED_REMARKS else []) + conflicts:
        if r not in remarks:
            remarks.append(r)
    record["notes"] = join_note(row["status_note"], remarks)


# --- writing, in the file's own layout -------------------------------------------------

def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list):
        return "[" + ", ".join(dump_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return dump_table(v)
    raise TypeError(v)


def dump_table(d):
    return "{ " + ", ".join(f"{k} = {dump_value(v)}" for k, v in d.items()) + " }"


def dump_inline(items):
    return "[" + ", ".join(dump_table(x) for x in items) + "]"


def dump_block_list(key, items, value=dump_value):
    lines = [f"{key} = ["]
    lines += [f"  {value(x)}," for x in items]
    lines.append("]")
    return lines


INSTRUMENT_KEYS = ["id", "kind", "treaty_type", "title", "title_en", "short_name", "offence_scope", "notes"]
PARTY_KEYS = ["jurisdiction", "signed", "ratified", "entry_into_force", "termination_notice",
              "termination_effective", "in_force_as_of", "accession_requires_acceptance",
              "accepted_by", "extended_to", "notes"]


def dump(instruments):
    out = [HEADER]
    for i in instruments:
        unknown = set(i) - set(INSTRUMENT_KEYS) - {"sources", "coverage", "parties"}
        assert not unknown, (i["id"], unknown)
        out.append("[[instruments]]")
        out += [f"{k} = {dump_value(i[k])}" for k in INSTRUMENT_KEYS if k in i]
        out += dump_block_list("sources", i["sources"])
        out += dump_block_list("coverage", i["coverage"])
        out.append("")
        for p in i["parties"]:
            unknown = set(p) - set(PARTY_KEYS) - {"central_authorities", "reservations"}
            assert not unknown, (i["id"], unknown)
            out.append("[[instruments.parties]]")
            order = PARTY_KEYS[:-1]
            out += [f"{k} = {dump_value(p[k])}" for k in order if k in p]
            if "central_authorities" in p:
                out += dump_block_list("central_authorities", p["central_authorities"])
            if "reservations" in p:
                out += dump_block_list("reservations", p["reservations"])
            if "notes" in p:
                out.append(f"notes = {dump_value(p['notes'])}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    rows = list(csv.DictReader(open(args[0], encoding="utf-8")))
    previous = tomllib.loads(DATA.read_text(encoding="utf-8"))["instruments"]
    by_key = {(party(i, False)["jurisdiction"], i["treaty_type"]): i for i in previous}
    if len(by_key) != len(previous):
        sys.exit("bilateral.toml: two instruments share a (counterpart, treaty type)")
    keys = [(r["counterpart_iso2"], r["treaty_type"]) for r in rows]
    if len(set(keys)) != len(keys):
        sys.exit("csv: two rows share a (counterpart, treaty type)")
    missing = set(by_key) - set(keys)
    if missing:
        sys.exit(f"bilateral.toml has instruments the csv lacks: {sorted(missing)}")
    cov, auth = template_by_type(previous)
    names = country_names(previous)
    out, ids = [], set()
    for row in rows:
        key = (row["counterpart_iso2"], row["treaty_type"])
        if key in by_key:
            record, extra, is_new = by_key[key], [], False
        else:
            record, extra = new_record(row, cov, auth, names)
            is_new = True
        merge(row, record, is_new, extra)
        if record["id"] in ids:
            sys.exit(f"duplicate id {record['id']}")
        ids.add(record["id"])
        out.append(record)
    text = dump(out)
    old = DATA.read_text(encoding="utf-8")
    if "--check" in argv:
        print("bilateral.toml is up to date" if text == old else "bilateral.toml would change")
        sys.exit(0 if text == old else 1)
    DATA.write_text(text, encoding="utf-8")
    print(f"wrote {DATA.name}: {len(out)} instruments, {len(out) - len(previous)} new")


if __name__ == "__main__":
    main(sys.argv[1:])
