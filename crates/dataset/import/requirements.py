#!/usr/bin/env python3
"""Writes crates/dataset/data/requirements.toml from the fact base's
practical-requirements.csv (columns channel,applies_to,topic,requirement,
article,source,notes).

Usage (from the repository root):
    python3 crates/dataset/import/requirements.py [PATH/TO/practical-requirements.csv]
then `cargo test -p judicial-dataset` to validate the result.

What it does, and nothing more:
- one [[requirements]] record per CSV row, with the row's text, article and
  sources verbatim; `applies_to` becomes direction + party ("requests to CN"
  -> to CN, "requests from CN" -> from CN, "HK" -> to HK, "both" -> both);
- the home state's statutes (Civil Procedure Law, ICJA 2018, Extradition Law
  2000, the diplomatic-channel rules, the data-export rules) become
  instruments of kind domestic_law with CN as their one party;
- the kinds of assistance a row applies to are narrowed only where its
  article is in a part of the law that deals with one kind (the tables below);
- validity periods come from dates the fact base itself gives (ICJA in force
  2018-10-26; the 2023 Civil Procedure Law text in force 2024-01-01);
- a row whose note records a conflict keeps it in `conflict`;
- reported durations carry the latest year their text gives as `reported`;
- the Extradition Law's Arts 11-13 and 30 are also recorded for requests
  from CN, by analogy, because Art. 49 says outgoing requests may follow
  Chapter II Sections 2, 4 and 7 where no treaty provides;
- rows whose instrument is not in the dataset are listed, not imported.
Nothing is invented: a row's missing article stays missing (and validation
rejects it for a statute).
"""

import csv
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DATA = os.path.join(ROOT, "crates", "dataset", "data")
OUT = os.path.join(DATA, "requirements.toml")
DEFAULT_CSV = os.path.join(ROOT, "..", "shared", "facts", "practical-requirements.csv")

HOME = "CN"

# CSV channel -> dataset instrument id, where the two spell it differently.
RENAMED = {
    "cn-mn-civil-criminal": "cn-mn-civil-criminal-undated",
    "cn-ro-civil-criminal-1991": "cn-ro-civil-criminal-undated",
    "cn-ru-civil-criminal": "cn-ru-civil-criminal-undated",
    "diplomatic-channel-reciprocity": "cn-diplomatic-channel",
    "cross-strait-2009": "cn-tw-cross-strait-2009",
}

CIVIL = "civil_commercial"
CRIMINAL = "criminal"
SERVICE = "service_of_documents"
EVIDENCE = "taking_of_evidence"
RECOGNITION = "recognition_and_enforcement"
ASSETS = "asset_recovery"
INFORMATION = "legal_information"
EXTRADITION = "extradition"
TRANSFER = "transfer_of_sentenced_persons"

# Statutes apply to requests through treaties, conventions and reciprocity:
# they govern cooperation with foreign states; inter-regional arrangements
# carry their own rules.
FOREIGN_CHANNELS = ["bilateral_treaty", "multilateral_convention", "reciprocity"]

STATUTES = {
    "cn-civil-procedure-law": {
        "title": "中华人民共和国民事诉讼法",
        "short_name": "Civil Procedure Law",
        "coverage": [(CIVIL, SERVICE), (CIVIL, EVIDENCE), (CIVIL, RECOGNITION)],
        "notes": "The home state's rules for judicial assistance in civil and commercial matters: "
        "Arts 293-304 of the 2023 text (in force 2024-01-01), with the 2021 numbers alongside "
        "where the fact base gives them. Its requirements apply to treaty, convention and "
        "reciprocity channels.",
    },
    "cn-icja-2018": {
        "title": "中华人民共和国国际刑事司法协助法",
        "short_name": "International Criminal Judicial Assistance Law (2018)",
        "coverage": [(CRIMINAL, SERVICE), (CRIMINAL, EVIDENCE), (CRIMINAL, ASSETS), (CRIMINAL, TRANSFER)],
        "notes": "Adopted and in force 2018-10-26 (Art. 70). Covers service, evidence-taking, "
        "arranging witnesses, seizure and freezing, confiscation and return of proceeds, and "
        "transfer of sentenced persons (Art. 2); extradition is the Extradition Law's.",
    },
    "cn-extradition-law-2000": {
        "title": "中华人民共和国引渡法",
        "short_name": "Extradition Law (2000)",
        "coverage": [(CRIMINAL, EXTRADITION)],
        "notes": "Adopted 2000-12-28. Chapter II governs requests to China (Section 2, Arts 10-15: "
        "the request; Section 4, Arts 30-37: provisional measures); Chapter III (Arts 47-51) "
        "requests from China, which under Art. 49 may follow Chapter II Sections 2, 4 and 7 "
        "where no treaty provides.",
    },
    "cn-diplomatic-channel": {
        "title": "",  # the notice's official title is not in the fact base
        "short_name": "Diplomatic channel on reciprocity (1986 notice, Wai Fa [1986] No. 47)",
        "coverage": [(CIVIL, SERVICE), (CIVIL, EVIDENCE)],
        "channels": ["reciprocity"],
        "notes": "Joint notice of the SPC, MFA and MOJ of 1986-08-14 on service through diplomatic "
        "channels where no treaty applies, with the related rule of the 2022 CPL Interpretation "
        "(Art. 547). Its requirements apply to the reciprocity channel only.",
    },
    "cn-data-blocking-rules": {
        "title": "中华人民共和国数据安全法 第三十六条; 中华人民共和国个人信息保护法 第四十一条",
        "short_name": "Data-export rules (Data Security Law 2021 Art. 36, PIPL 2021 Art. 41)",
        "coverage": [(CIVIL, EVIDENCE), (CRIMINAL, EVIDENCE)],
        "notes": "Data or personal information stored in China goes to foreign judicial or "
        "law-enforcement bodies only with the competent authority's approval.",
    },
}

MLA = [SERVICE, EVIDENCE, ASSETS, INFORMATION]


def assistances(channel, article, text):
    """The kinds of assistance a row is confined to; [] for every kind the
    instrument covers."""
    a = article
    if channel == "cn-icja-2018":
        if "Arts 21, 23" in a or "Art. 22(" in a:
            return [SERVICE]
        if any(s in a for s in ("Arts 26, 28", "Art. 29", "Arts 32, 36")):
            return [EVIDENCE]
        if any(s in a for s in ("Arts 40, 42", "Arts 48, 50", "Arts 53, 54")):
            return [ASSETS]
        if "Art. 56" in a or "Art. 57" in a:
            return [TRANSFER]
        return []
    if channel == "cn-civil-procedure-law":
        first = re.match(r"CPL (?:Interpretation \(2022\) )?Arts?\.? (\d+)", a)
        if "Minutes" in a:
            return [RECOGNITION]
        if not first:
            return []
        n = int(first.group(1))
        if "Interpretation" in a:  # Arts 541, 542: recognition of judgments
            return [RECOGNITION]
        if n in (297, 298, 299, 250, 303, 304):
            return [RECOGNITION]
        if n in (293, 294, 295, 296):
            return [SERVICE, EVIDENCE]
        if n in (283, 285):
            return [SERVICE]
        if n == 284:
            return [EVIDENCE]
        return []
    if channel == "diplomatic-channel-reciprocity":
        return [SERVICE, EVIDENCE] if "Art. 547" in a else [SERVICE]
    if channel in ("untoc-2000", "uncac-2003"):
        return MLA  # Arts 18 and 46 are the mutual legal assistance articles
    if channel == "cn-fr-civil-1987":
        return [SERVICE, EVIDENCE, INFORMATION] if a == "Art. 3" else [SERVICE]
    if channel == "cn-it-civil-1991":
        return [RECOGNITION] if a == "Art. 28" else [SERVICE]
    if channel in ("cn-es-civil-1992", "cn-pl-civil-criminal-1987", "cn-ru-civil-criminal",
                   "cn-ro-civil-criminal-1991"):
        return [SERVICE]  # the 1992 note's third-language rule for documents served
    return []


def channels(channel, article, text):
    if channel == "diplomatic-channel-reciprocity":
        return ["reciprocity"]
    if channel == "cn-icja-2018" and text.startswith("Without an MLA treaty"):
        return ["reciprocity"]
    if channel in STATUTES or RENAMED.get(channel) in STATUTES:
        return FOREIGN_CHANNELS
    return []


def valid_from(channel, article, text, notes):
    if channel == "cn-icja-2018":
        return "2018-10-26"
    if channel == "cn-civil-procedure-law":
        new = "new in 2023" in notes.lower() or text.startswith("Since 2024")
        only_2023 = "(2023)" in article and "(2021)" not in article and "(2017)" not in article
        if new or only_2023:
            return "2024-01-01"
    return None


def split_conflict(notes):
    for marker in ("Conflict", "Contrast "):
        i = notes.find(marker)
        if i >= 0:
            return notes[:i].strip(), notes[i:].strip()
    return notes, ""


def reported(topic, text):
    if topic != "duration":
        return None
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    return str(max(years)) if years else None


def direction(applies_to):
    if applies_to == "both":
        return "both", ""
    m = re.fullmatch(r"requests (to|from) ([A-Z]{2})", applies_to)
    if m:
        return m.group(1), m.group(2)
    if re.fullmatch(r"[A-Z]{2}", applies_to):
        return "to", applies_to  # the rows for HK and MO concern requests to them
    raise SystemExit(f"unknown applies_to {applies_to!r}")


# Extradition Law articles that Art. 49 applies to outgoing requests by analogy.
ANALOGY = ("Ext. Law Art. 11", "Ext. Law Art. 12", "Ext. Law Art. 13", "Ext. Law Art. 30")
ANALOGY_NOTE = ("Recorded for requests from CN by analogy: under Art. 49, where no extradition "
                "treaty provides, outgoing requests may follow Chapter II Sections 2, 4 and 7 "
                "(Arts 10-15, 30-37, 44-46), or the requested State's special requirements.")


def q(value):
    return json.dumps(value, ensure_ascii=False)


def dataset_ids():
    ids = set()
    for name in sorted(os.listdir(DATA)):
        if name.endswith(".toml") and name != "requirements.toml":
            with open(os.path.join(DATA, name), encoding="utf-8") as f:
                ids.update(re.findall(r'^id = "([^"]+)"', f.read(), re.M))
    return ids


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_CSV
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    known = dataset_ids() | set(STATUTES)
    records, skipped, statute_sources = [], {}, {k: [] for k in STATUTES}
    for line, row in enumerate(rows, start=2):
        channel = row["channel"].strip()
        inst = RENAMED.get(channel, channel)
        if inst not in known:
            skipped.setdefault(inst, []).append(line)
            continue
        sources = [s.strip() for s in row["source"].split(" ; ") if s.strip()]
        if inst in statute_sources:
            for s in sources:
                if s not in statute_sources[inst]:
                    statute_sources[inst].append(s)
        notes, conflict = split_conflict(row["notes"].strip())
        d, party = direction(row["applies_to"].strip())
        article, text, topic = row["article"].strip(), row["requirement"].strip(), row["topic"].strip()
        record = {
            "line": line,
            "instrument": inst,
            "topic": topic,
            "direction": d,
            "party": party,
            "assistances": assistances(channel, article, text),
            "channels": channels(channel, article, text),
            "article": article,
            "text": text,
            "valid_from": valid_from(channel, article, text, notes),
            "reported": reported(topic, text),
            "conflict": conflict,
            "sources": sources,
            "notes": notes,
        }
        records.append(record)
        if inst == "cn-extradition-law-2000" and article in ANALOGY and d == "to":
            records.append(dict(record, direction="from", article=article + ", by analogy (Art. 49)",
                                notes=(notes + " " if notes else "") + ANALOGY_NOTE))

    out = [
        "# Requirements of requests, per instrument and per statute of the home state.",
        "#",
        "# GENERATED by crates/dataset/import/requirements.py from the fact base's",
        "# practical-requirements.csv; edit the CSV (or the registry) and re-run it.",
        "# Each [[requirements]] names its instrument; the loader merges it into that",
        "# instrument. `direction` is relative to `party`: \"to\" CN = requests to CN.",
        "# Check with `cargo test -p judicial-dataset`.",
    ]
    if skipped:
        out.append("#")
        out.append("# Not imported (instrument not in the dataset), by CSV line:")
        for inst, lines in sorted(skipped.items()):
            out.append(f"#   {inst}: {len(lines)} rows, lines {lines[0]}-{lines[-1]}")
    for inst, meta in STATUTES.items():
        out.append("")
        out.append("[[instruments]]")
        out.append(f"id = {q(inst)}")
        out.append('kind = "domestic_law"')
        if meta["title"]:
            out.append(f"title = {q(meta['title'])}")
        out.append(f"short_name = {q(meta['short_name'])}")
        out.append(f"notes = {q(meta['notes'])}")
        out.append("sources = [")
        out.extend(f"  {q(s)}," for s in statute_sources[inst])
        out.append("]")
        out.append("coverage = [")
        out.extend(f"  {{ matter = {q(m)}, assistance = {q(a)} }}," for m, a in meta["coverage"])
        out.append("]")
        out.append("")
        out.append("[[instruments.parties]]")
        out.append(f'jurisdiction = "{HOME}"')
    for r in records:
        out.append("")
        out.append(f"# practical-requirements.csv line {r['line']}")
        out.append("[[requirements]]")
        for key in ("instrument", "topic", "direction", "party"):
            if r[key]:
                out.append(f"{key} = {q(r[key])}")
        for key in ("assistances", "channels"):
            if r[key]:
                out.append(f"{key} = [{', '.join(q(v) for v in r[key])}]")
        for key in ("article", "text", "valid_from", "reported", "conflict"):
            if r[key]:
                out.append(f"{key} = {q(r[key])}")
        out.append(f"sources = [{', '.join(q(s) for s in r['sources'])}]")
        if r["notes"]:
            out.append(f"notes = {q(r['notes'])}")
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {OUT}: {len(records)} requirements from {len(rows)} rows; "
          f"{sum(len(v) for v in skipped.values())} rows not imported")


if __name__ == "__main__":
    main()
