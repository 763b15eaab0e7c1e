#!/usr/bin/env python3
"""Writes crates/dataset/data/conventions.toml from the fact base.

    python3 crates/dataset/tools/import_facts.py [FACTS_DIR]   # default /work/shared/facts

Reads hague-service-1965-parties.csv, hague-evidence-1970-parties.csv and
un-conventions-parties.csv. Every party keeps its row's sources; Art. 10
positions (Service) and acceptances (Evidence) are read from the rows' notes
through the hand-checked tables below (each entry cites the row it reads).
Then check: cargo test -p judicial-dataset.
"""
import csv
import os
import sys

FACTS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/facts"
OUT = os.path.join(os.path.dirname(__file__), "..", "data", "conventions.toml")
ISO = {l.split("\t")[0] for l in open(os.path.join(os.path.dirname(__file__), "..", "..", "domain", "src", "iso3166.tsv"))}
README = "shared/facts/README.md"


def q(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append("\\u%04X" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def lst(xs):
    return "[" + ", ".join(q(x) for x in xs) + "]"


def inline(fields):
    parts = []
    for k, v in fields:
        if v is None or v == "" or v == []:
            continue
        if isinstance(v, list):
            parts.append(f"{k} = {lst(v)}")
        elif isinstance(v, dict):
            parts.append(f"{k} = {{ " + ", ".join(f"{a} = {q(b)}" for a, b in v.items()) + " }")
        elif isinstance(v, bool):
            parts.append(f"{k} = {'true' if v else 'false'}")
        else:
            parts.append(f"{k} = {q(v)}")
    return "{ " + ", ".join(parts) + " }"


def sources_of(cell):
    parts = [s.strip() for s in cell.replace(" ; ", "\n").split("\n") if s.strip()]
    return parts or []


out = []
w = out.append


def instrument(meta):
    w("\n[[instruments]]")
    for k in ["id", "kind", "title", "short_name"]:
        w(f"{k} = {q(meta[k])}")
    if meta.get("offence_scope"):
        w(f"offence_scope = {lst(meta['offence_scope'])}")
    w(f"notes = {q(meta['notes'])}")
    w("sources = [")
    for s in meta["sources"]:
        w(f"  {q(s)},")
    w("]")
    w("coverage = [")
    for c in meta["coverage"]:
        w("  " + inline(c) + ",")
    w("]")
    pl = meta["party_list"]
    w("\n[instruments.party_list]")
    if pl.get("complete_as_of"):
        w(f"complete_as_of = {q(pl['complete_as_of'])}")
    if pl.get("covers"):
        w(f"covers = {q(pl['covers'])}")
    w(f"sources = {lst(pl['sources'])}")


def party(p):
    w("\n[[instruments.parties]]")
    w(f"jurisdiction = {q(p['jurisdiction'])}")
    for k in ["signed", "ratified", "entry_into_force", "in_force_as_of"]:
        if p.get(k):
            w(f"{k} = {q(p[k])}")
    if p.get("accession_requires_acceptance"):
        w("accession_requires_acceptance = true")
    if p.get("extended_to"):
        w(f"extended_to = {lst(p['extended_to'])}")
    for key in ["central_authorities", "reservations", "acceptances", "extensions"]:
        if p.get(key):
            w(f"{key} = [")
            for r in p[key]:
                w("  " + inline(r) + ",")
            w("]")
    if p.get("statements_recorded"):
        w(f"statements_recorded = {lst(p['statements_recorded'])}")
    if p.get("sources"):
        w(f"sources = {lst(p['sources'])}")
    if p.get("notes"):
        w(f"notes = {q(p['notes'])}")


def rows(name):
    return list(csv.DictReader(open(os.path.join(FACTS, name), encoding="utf-8")))


def base_party(r, date_keys=("signature", "ratification_or_accession", "entry_into_force")):
    p = {"jurisdiction": r["iso2"], "sources": sources_of(r["source"])}
    if r.get("signature"):
        p["signed"] = r["signature"]
    if r.get("ratification_or_accession"):
        p["ratified"] = r["ratification_or_accession"]
    if r.get("entry_into_force"):
        p["entry_into_force"] = r["entry_into_force"]
    return p


# ---------------------------------------------------------------- Hague Service
SERVICE_MEANS = ["central_authority", "consular_indirect", "diplomatic_exceptional", "consular_own_nationals",
                 "postal", "judicial_officers_direct", "interested_persons_direct"]
SERVICE_ARTICLES = {
    "central_authority": "Arts 2-6", "consular_own_nationals": "Art. 8", "consular_indirect": "Art. 9(1)",
    "diplomatic_exceptional": "Art. 9(2)", "postal": "Art. 10(a)", "judicial_officers_direct": "Art. 10(b)",
    "interested_persons_direct": "Art. 10(c)",
}
P, J, I = "postal", "judicial_officers_direct", "interested_persons_direct"
# Art. 10 positions read from each row's `Art10:` note (facts README: 49 direct, 10 inferred).
# code: (excluded means, effective_from, inferred, articles recorded); None = position unknown.
ART10 = {
    "AD": ([], None, False), "AR": ([P, J, I], None, False), "AU": ([], None, False),
    "AT": ([], None, True), "BE": ([], None, True), "BW": ([J, I], None, False),
    "BR": ([P, J, I], None, False), "BG": ([P, J, I], None, False), "CA": ([], None, True),
    "CO": ([], None, True), "HR": ([P, J, I], None, False), "CY": ([], None, False),
    "CZ": ([P], None, False), "DK": ([I], None, False), "EG": ([P, J, I], None, False),
    "SV": ([], None, True), "FI": ([J, I], None, False), "FR": ([], None, True),
    "GE": ([J, I], None, False), "DE": ([P, J, I], None, False),
    "GR": ([P, J, I], "2000-04-21", False), "HU": ([P, J, I], None, False),
    "IS": ([J, I], None, False), "IN": ([P, J, I], None, False), "IE": ([J, I], None, False),
    "IT": ([], None, True), "KZ": ([], None, True), "KR": ([P, J, I], None, False),
    "KW": ([P, J, I], None, False), "LV": ([J, I], None, False), "MH": ([P], None, False),
    "MX": ([P, J, I], None, False), "MD": ([P, J, I], None, False), "MC": ([P], None, False),
    "ME": ([P, J, I], None, False), "NL": ([], None, False), "NI": ([P, J, I], None, False),
    "MK": ([P, J, I], None, False), "NO": ([P, J, I], None, False), "PY": ([P, J, I], None, False),
    "PH": ([P, I], None, False), "PL": ([P, J, I], None, False), "PT": ([], None, True),
    "RO": ([], None, False), "RS": ([P, I], None, False), "SI": ([J, I], "2012-12-18", False),
    "ES": ([], None, True), "LK": ([P, I], None, False), "CH": ([P, J, I], None, False),
    "TN": ([], None, False), "TR": ([P, J, I], None, False), "GB": ([], None, False),
    "US": ([], None, True), "VE": ([P], None, False), "VN": ([J, I], None, False),
}
# Japan: 10(b)/(c) objected from the start; 10(a) only from the 2018-12-21 notification.
# Luxembourg: the postal objection was withdrawn by Note of 1978-06-02.
# Pakistan: no objection to 10(a) or 10(b); 10(c) not mentioned.
SPECIAL = {
    "JP": [([J, I], None, None), ([P], "2018-12-21", None)],
    "LU": [([P], None, "1978-06-02")],
    "PK": [],
}


def art10_text(note):
    i = note.find("Art10:")
    if i < 0:
        return ""
    seg = note[i:]
    j = seg.find("Art10 (replaces")
    if j >= 0:
        seg = seg[j:]
    return seg.split(" ; ")[0].strip()


def service():
    meta = {
        "id": "hague-service-1965", "kind": "multilateral_convention",
        "title": "Convention on the Service Abroad of Judicial and Extrajudicial Documents in Civil or Commercial Matters",
        "short_name": "Hague Service 1965",
        "notes": "Adopted 1965-11-15. Parties: the 84 rows of the fact base (consistent with complete as of 2024-03-21: HCCH counted 82 parties in Dec 2023 - Jan 2024, plus the two states that joined in March 2024). Imported by crates/dataset/tools/import_facts.py. Means split as the Convention does: Central Authority (Arts 2-6), consular service on the sending state's own nationals (Art. 8), the indirect consular channel (Art. 9(1)) and the exceptional diplomatic channel (Art. 9(2)), and the Art. 10(a)-(c) means, each subject to the State of destination's declarations. Art. 10 positions are statements with their dates (Greece from 2000, Slovenia from 2012, Japan's 10(a) objection from 2018); positions marked inferred rest on the HCCH status table listing no Art. 10 declaration. Where a state's Art. 10 position is unknown its Art. 10 means are shown as subject to declarations not recorded. Arts 15-16 default judgment / relief.",
        "sources": [
            "https://www.hcch.net/en/instruments/conventions/status-table/print/?cid=17",
            "https://moj.gov.vn:443/tttp/tintuc/Pages/quoc-gia-tham-gia-cong-uoc.aspx?ItemID=41",
            "https://www.hcch.net/en/instruments/specialised-sections/service/",
            "http://test8.baloubj.cn/pfkt/flfg/110953.html (NPCSC decision of 1991-03-02 on accession, SPC Gazette repost)",
            "castglobal-china.biz/laws/1784 (NPCSC decision of 1991-03-02, item 1)",
        ],
        "coverage": [[("matter", "civil_commercial"), ("assistance", "service_of_documents"), ("articles", "Arts 2-6, 8-10"),
                      ("transmissions", SERVICE_MEANS), ("transmission_articles", SERVICE_ARTICLES)]],
        "party_list": {"complete_as_of": "2024-03-21", "sources": [README + ", hague-service-1965-parties.csv: 84 rows = HCCH's 82 parties (Dec 2023 - Jan 2024) plus the two March 2024 accessions"]},
    }
    instrument(meta)
    for r in rows("hague-service-1965-parties.csv"):
        p = base_party(r)
        c = r["iso2"]
        note = r["declarations_note"]
        p["notes"] = f"HCCH type {r['type']}. " + note + (f" Extensions: {r['extensions']}." if r["extensions"] else "")
        if c == "CN":
            cn_service(p, r)
        else:
            text = art10_text(note)
            srcs = p["sources"]
            stmts = []
            if c in SPECIAL:
                for ex, frm, until in SPECIAL[c]:
                    stmts.append([("article", "Art. 10"), ("text", text), ("excluded_transmissions", ex), ("kind", "objection"),
                                  ("binds", "requests_to_declaring_state"), ("effective_from", frm), ("effective_until", until), ("sources", srcs)])
                p["statements_recorded"] = ["Art. 10(a)", "Art. 10(b)"] if c == "PK" else ["Art. 10"]
                if c == "PK":
                    stmts.append([("article", "Art. 10"), ("text", text), ("kind", "declaration"), ("binds", "requests_to_declaring_state"), ("sources", srcs)])
            elif c in ART10:
                ex, frm, inferred = ART10[c]
                if ex:
                    stmts.append([("article", "Art. 10"), ("text", text), ("excluded_transmissions", ex), ("kind", "objection"),
                                  ("binds", "requests_to_declaring_state"), ("effective_from", frm), ("sources", srcs),
                                  ("notes", "inferred" if inferred else "")])
                elif not inferred and text and ("condition" in text or "registered" in text or "only" in text):
                    stmts.append([("article", "Art. 10"), ("text", text), ("kind", "declaration"), ("binds", "requests_to_declaring_state"), ("sources", srcs)])
                p["statements_recorded"] = ["Art. 10"]
                if inferred:
                    p["notes"] += " Art. 10 position inferred (no Art. 10 declaration listed by HCCH)."
            p["reservations"] = [dict_fields(s) for s in stmts]
        party(p)


def dict_fields(fields):
    return [(k, v) for k, v in fields]


def cn_service(p, r):
    npc = "http://test8.baloubj.cn/pfkt/flfg/110953.html (NPCSC decision of 1991-03-02 on accession)"
    vn = "https://moj.gov.vn:443/tttp/tintuc/Pages/quoc-gia-tham-gia-cong-uoc.aspx?ItemID=41"
    p["extended_to"] = ["HK", "MO"]
    p["extensions"] = [
        [("region", "HK"), ("central_authorities", None), ("sources", [vn]), ("notes", "Own Central Authority: Chief Secretary for Administration; documents in English or Chinese; no Art. 10 objection. Date of application not in the facts.")],
        [("region", "MO"), ("sources", [vn]), ("notes", "Own Central Authority: Procuratorate of the Macao SAR; documents in Chinese or Portuguese; no Art. 10 objection. Date of application not in the facts.")],
    ]
    p["central_authorities"] = [[("name", "Ministry of Justice (International Legal Cooperation Center)"), ("notes", "Central Authority (Art. 2) and the authority receiving documents through consular channels (Art. 9), NPCSC decision of 1991-03-02 item 1.")]]
    p["reservations"] = [
        [("article", "Art. 5(3)"), ("text", "Documents to be served in China must be written in, or translated into, Chinese unless a treaty between China and the other State provides otherwise (Hong Kong SAR: English or Chinese; Macao SAR: Chinese or Portuguese)."), ("kind", "declaration"), ("binds", "requests_to_declaring_state"), ("required_language", "Chinese"), ("regions", ["CN"]), ("sources", [vn, "central-authorities.md section 1"])],
        [("article", "Art. 8(2)"), ("text", "Service in China by diplomatic or consular agents only on nationals of the State in which the documents originate."), ("kind", "declaration"), ("binds", "requests_to_declaring_state"), ("regions", ["CN"]), ("sources", [npc])],
        [("article", "Art. 9"), ("text", "The Ministry of Justice is the authority that receives documents forwarded through consular channels (Art. 9(1))."), ("kind", "declaration"), ("binds", "requests_to_declaring_state"), ("regions", ["CN"]), ("sources", [npc])],
        [("article", "Art. 10"), ("text", "China objects to service by the Art. 10 methods in its territory (postal channels, judicial officers, officials or other competent persons). Hong Kong SAR and Macao SAR do not object."), ("excluded_transmissions", [P, J, I]), ("kind", "objection"), ("binds", "requests_to_declaring_state"), ("regions", ["CN"]), ("sources", [npc, vn])],
        [("article", "Art. 15(2)"), ("text", "A judge may give judgment even if no certificate of service or delivery has been received, if the conditions of Art. 15(2) are met."), ("kind", "declaration"), ("binds", "both"), ("regions", ["CN"]), ("sources", [npc])],
        [("article", "Art. 16(3)"), ("text", "An application for relief from the effects of the expiration of the time for appeal will not be entertained if filed after one year following the date of the judgment."), ("kind", "declaration"), ("binds", "both"), ("regions", ["CN"]), ("sources", [npc])],
    ]
    p["statements_recorded"] = ["Art. 5", "Art. 8", "Art. 9", "Art. 10", "Art. 15", "Art. 16"]
    p["notes"] = "Accession 1991-05-06; in force 1992-01-01. Declarations per the NPCSC decision of 1991-03-02 (items 1-5) and the HCCH table (D,N 5,8,10,15,16). " + r["declarations_note"]
    for e in p["extensions"]:
        pass


# ---------------------------------------------------------------- Hague Evidence
EV_MEANS = ["letter_of_request", "consular_own_nationals", "consular_other_nationals", "commissioners"]
EV_ARTICLES = {"letter_of_request": "Chapter I (Arts 1-14)", "consular_own_nationals": "Art. 15",
               "consular_other_nationals": "Art. 16", "commissioners": "Art. 17"}
DE_CN = "https://www.ir-online.nrw.de/Dateiablage/ir_htm/1998-1729.htm (IR BGBl II 1998 p.1729)"
# China's acceptances of others' accessions (CN-accepts in the rows): code: (deposited, effective, territories, note)
CN_ACCEPTS = {
    "AL": ("2010-10-15", "2010-12-14", [], ""), "AD": ("2017-11-07", "2018-01-06", [], ""),
    "MT": ("2011-12-02", "2012-01-31", [], "also for Hong Kong and Macao SARs"),
    "RS": ("2010-11-09", "2011-01-08", [], "including the Hong Kong and Macao SARs"),
    "ZA": ("1998-09-25", "1998-11-24", ["HK"], "HCCH footnote: on behalf of the Hong Kong SAR"),
    "ME": ("2016-11-16", "2017-01-15", ["HK", "MO"], "HCCH English footnote reads 'on behalf of the SAR of Hong Kong and Macao': whether it covers the Mainland is not certain, so it is recorded for the SARs only"),
    "MC": (None, "2009-03-06", [], "the Macao notice states the Convention in force between the PRC (incl. Macao SAR) and Monaco from 2009-03-06 without saying who accepted whose accession; both acceded, so either acceptance creates the relation"),
}
for c in ["BY", "BG", "KW", "LT", "RU", "SI", "LK", "UA"]:
    CN_ACCEPTS[c] = ("2003-06-25", None, ["MO"], "notified on the proposal of the Macao SAR Government (Macao CE Notice 5/2004); the source does not say whether it is limited to Macao, so it is recorded for Macao only")
for c in ["AM", "CO", "HU", "IS", "IN", "LI", "SC"]:
    CN_ACCEPTS[c] = (None, None, ["MO"], "Macao CE Notice 37/2017 announces the Convention in effect between Macao and this State (date not given)")


def evidence():
    meta = {
        "id": "hague-evidence-1970", "kind": "multilateral_convention",
        "title": "Convention on the Taking of Evidence Abroad in Civil or Commercial Matters",
        "short_name": "Hague Evidence 1970",
        "notes": "Adopted 1970-03-18. Parties: the 65 rows of the fact base (consistent with complete as of 2023-01-19; one source gives 66). Imported by crates/dataset/tools/import_facts.py. Accessions (A*) take effect only between the acceding State and the States that accepted it (Art. 39(4)), from the 60th day after the deposit of the acceptance (Art. 39(5)). Acceptances are recorded with their dates where the facts give them: Germany accepted China's accession (in force between them from 1998-07-06); China's acceptances of 23 accessions, several for Macao or Hong Kong only. Any other acceptance is unknown, not refused. Chapter I Letters of Request via Central Authority; Chapter II evidence by consuls and commissioners (for China only Art. 15 applies).",
        "sources": [
            "https://www.hcch.net/fr/instruments/conventions/status-table/print/?cid=82",
            "https://www.hcch.net/de/instruments/conventions/status-table/notifications/?csid=493&disp=resdn",
            "https://www.hcch.net/en/instruments/conventions/status-table/acceptances/?mid=1131",
            "law808.infoeach.com/view-ODA4fDIyNjA4.html (NPCSC decision of 1997-07-03 on accession)",
        ],
        "coverage": [[("matter", "civil_commercial"), ("assistance", "taking_of_evidence"), ("articles", "Chapter I (Arts 1-14); Chapter II (Arts 15-22)"),
                      ("transmissions", EV_MEANS), ("transmission_articles", EV_ARTICLES)]],
        "party_list": {"complete_as_of": "2023-01-19", "sources": [README + ", hague-evidence-1970-parties.csv: 65 rows = HCCH's 64 parties (2021-05-31) plus El Salvador (2023-01-19); one source gives 66"]},
    }
    instrument(meta)
    for r in rows("hague-evidence-1970-parties.csv"):
        p = base_party(r)
        c = r["iso2"]
        p["notes"] = (f"HCCH type {r['type']}. " if r["type"] else "") + r["declarations_note"] + (f" Extensions: {r['extensions']}." if r["extensions"] else "")
        if r["type"] == "A*":
            p["accession_requires_acceptance"] = True
        if c in CN_ACCEPTS:
            dep, eff, terr, note = CN_ACCEPTS[c]
            p["acceptances"] = [[("by", "CN"), ("deposited", dep), ("effective", eff), ("territories", terr), ("sources", sources_of(r["source"])), ("notes", note)]]
        if c == "CN":
            npc = "law808.infoeach.com/view-ODA4fDIyNjA4.html (NPCSC decision of 1997-07-03 on accession, item 3)"
            hc = "https://www.hcch.net/de/instruments/conventions/status-table/notifications/?csid=493&disp=resdn"
            p["accession_requires_acceptance"] = True
            p["extended_to"] = ["HK", "MO"]
            p["extensions"] = [
                [("region", "HK"), ("sources", [hc]), ("notes", "Continued application; in force for Hong Kong since 1978-08-22 (Embassy note of 1997-06-10).")],
                [("region", "MO"), ("sources", [hc]), ("notes", "China's acceptances of later accessions are stated to cover the Macao SAR.")],
            ]
            p["acceptances"] = [[("by", "DE"), ("effective", "1998-07-06"), ("sources", [DE_CN]), ("notes", "Germany accepted China's accession (hague-evidence-1970-parties.csv, Germany row)")]]
            p["central_authorities"] = [[("name", "Ministry of Justice"), ("notes", "Central Authority, NPCSC decision of 1997-07-03 item 1.")]]
            p["reservations"] = [
                [("article", "Art. 33"), ("text", "Chapter II (taking of evidence by diplomatic officers, consular agents and commissioners) does not apply, except Art. 15 (consuls may take evidence, without compulsion, from nationals of the State they represent). Other States may apply the same rule to China (Art. 33(3))."), ("excluded_transmissions", ["consular_other_nationals", "commissioners"]), ("kind", "reservation"), ("binds", "both"), ("regions", ["CN"]), ("sources", [npc, hc])],
                [("article", "Art. 23"), ("text", "For Letters of Request for pre-trial discovery of documents, only requests for documents clearly enumerated in the Letter and of direct and close connection with the subject matter of the litigation will be executed."), ("kind", "declaration"), ("binds", "requests_to_declaring_state"), ("regions", ["CN"]), ("sources", [hc])],
            ]
            # Art. 15 is kept whole by the Art. 33 reservation, and the HCCH
            # column (Res 4,16,23,33) lists no Art. 15 or 17 statement: those are
            # recorded (none). Arts 4 and 16 stay unrecorded: their texts were not
            # retrieved (the row's note). Review finding 14.
            p["statements_recorded"] = ["Art. 15", "Art. 17", "Art. 23", "Art. 33"]
        party(p)


# ---------------------------------------------------------------- UN conventions
UNTC = "https://treaties.un.org (UN Treaty Collection status, as scraped in github.com/zmjones/untreaties, last commit 2015-03-14)"
UN = [
    ("UNTOC 2000", "untoc-2000", "United Nations Convention against Transnational Organized Crime", ["organized_crime"],
     [("extradition", "Art. 16", ["only if the requested state takes the Convention as the legal basis for extradition where it makes extradition conditional on a treaty (Art. 16(4)-(5)); the requested state's Art. 16(5) notification is not recorded"]),
      ("service_of_documents", "Art. 18", []), ("taking_of_evidence", "Art. 18", []),
      ("asset_recovery", "Art. 13 (confiscation, with Arts 12 and 14); Art. 18", []), ("legal_information", "Art. 18", [])],
     {"complete_as_of": "2024-05-04", "sources": [README + ", un-conventions-parties.csv: 192 rows = the UN Treaty Collection count of 192 parties as at 2024-05-04"]},
     "Art. 17 only invites States Parties to consider agreements on the transfer of sentenced persons: it is no legal basis for a transfer, so transfer is not covered (review finding 10)."),
    ("UNCAC 2003", "uncac-2003", "United Nations Convention against Corruption", ["corruption"],
     [("extradition", "Art. 44", ["only if the requested state takes the Convention as the legal basis for extradition where it makes extradition conditional on a treaty (Art. 44(5)-(6)); the requested state's Art. 44(6) notification is not recorded"]),
      ("service_of_documents", "Art. 46", []), ("taking_of_evidence", "Art. 46", []),
      ("asset_recovery", "Chapter V (Arts 51-59)", []), ("legal_information", "Art. 46", [])],
     {"complete_as_of": "2026-02-07", "sources": [README + ", un-conventions-parties.csv: 192 rows = 192 parties per a 2026-02-07 source"]}, ""),
    ("UN 1988 narcotics", "un-narcotics-1988", "United Nations Convention against Illicit Traffic in Narcotic Drugs and Psychotropic Substances", ["drug_trafficking"],
     [("extradition", "Art. 6", []), ("service_of_documents", "Art. 7", []), ("taking_of_evidence", "Art. 7", []),
      ("asset_recovery", "Art. 5", []), ("legal_information", "Art. 7", [])],
     {"covers": "191 parties as of June 2020 plus South Sudan (2023): probably complete as of 2023, but no source states 192", "sources": [README]}, ""),
    ("TF 1999", "un-terrorist-financing-1999", "International Convention for the Suppression of the Financing of Terrorism", ["terrorist_financing"],
     [("extradition", "Arts 9-11", []), ("service_of_documents", "Art. 12", []), ("taking_of_evidence", "Art. 12", []),
      ("legal_information", "Art. 12", [])],
     {"covers": "190 rows, consistent with a recent list of the UN member states that are not parties; no dated count found", "sources": [README]}, ""),
    ("Terrorist Bombings 1997", "un-terrorist-bombings-1997", "International Convention for the Suppression of Terrorist Bombings", ["terrorist_bombing"],
     [("extradition", "", []), ("service_of_documents", "", []), ("taking_of_evidence", "", [])],
     {"covers": "the UN Treaty Collection table as of 2014-2015 (zmjones/untreaties, last commit 2015-03-14) plus later joiners found", "sources": [README]},
     "The extradition and mutual-assistance article numbers are not in the fact base, so none are given."),
    ("Nuclear Terrorism 2005", "un-nuclear-terrorism-2005", "International Convention for the Suppression of Acts of Nuclear Terrorism", ["nuclear_terrorism"],
     [("extradition", "", []), ("service_of_documents", "", []), ("taking_of_evidence", "", [])],
     {"covers": "the UN Treaty Collection table as of 2014-2015 (zmjones/untreaties, last commit 2015-03-14) plus later joiners found", "sources": [README]},
     "The extradition and mutual-assistance article numbers are not in the fact base, so none are given."),
    ("Hostages 1979", "un-hostages-1979", "International Convention against the Taking of Hostages", ["hostage_taking"],
     [("extradition", "", []), ("service_of_documents", "", []), ("taking_of_evidence", "", [])],
     {"covers": "the UN Treaty Collection table as of 2014-2015 (zmjones/untreaties, last commit 2015-03-14) plus later joiners found", "sources": [README]},
     "The extradition and mutual-assistance article numbers are not in the fact base, so none are given."),
    ("CAT 1984", "un-cat-1984", "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment", ["torture"],
     [("extradition", "", []), ("service_of_documents", "", []), ("taking_of_evidence", "", [])],
     {"covers": "the UN Treaty Collection table as of 2014-2015 (zmjones/untreaties, last commit 2015-03-14) plus later joiners found", "sources": [README]},
     "The extradition and mutual-assistance article numbers are not in the fact base, so none are given."),
    ("Protected Persons 1973", "un-protected-persons-1973", "Convention on the Prevention and Punishment of Crimes against Internationally Protected Persons, including Diplomatic Agents", ["crimes_against_protected_persons"],
     [("extradition", "", []), ("service_of_documents", "", []), ("taking_of_evidence", "", [])],
     {"covers": "the UN Treaty Collection table as of 2014-2015 (zmjones/untreaties, last commit 2015-03-14); no entry-into-force dates (the entry-into-force article was not retrieved)", "sources": [README]},
     "No entry-into-force dates are recorded (the fact base did not retrieve the entry-into-force article), so the Convention is offered only as uncertain. The extradition and mutual-assistance article numbers are not in the fact base, so none are given."),
]
UN_HK_MO = {
    "untoc-2000": ([("MO", "2003-10-23", "Applies to Macao SAR from China's ratification (Macao Official Bulletin 2004/36).")],
                   [("HK", None, "On 2006-10-25 China told the Conference of the Parties it was completing procedures to apply the Convention to the HKSAR (MFA statement); the date of application was not found.")]),
    "uncac-2003": ([("HK", "2006-02-12", "In force for Hong Kong SAR the same day as for China (Yuan Baishun, CCLS/BNU)."), ("MO", "2006-02-12", "In force for Macao SAR the same day as for China (Yuan Baishun, CCLS/BNU).")], []),
    "un-terrorist-financing-1999": ([("HK", None, "Applies to Hong Kong SAR (prior notes, MFA); date not recorded."), ("MO", None, "Applies to Macao SAR (prior notes, MFA); date not recorded.")], []),
}
DISPUTE = {"untoc-2000": "Art. 35(2)", "uncac-2003": "Art. 66(2)", "un-terrorist-financing-1999": "Art. 24(1)",
           "un-terrorist-bombings-1997": "Art. 20(1)", "un-nuclear-terrorism-2005": "Art. 23(1)", "un-hostages-1979": "Art. 16(1)",
           "un-cat-1984": "Art. 30(1)", "un-protected-persons-1973": "Art. 13(1)"}


def un():
    allrows = rows("un-conventions-parties.csv")
    for short, iid, title, scope, cov, pl, extra in UN:
        rs = [r for r in allrows if r["convention_short_name"] == short]
        skipped = [r["party"] for r in rs if r["iso2"] not in ISO]
        notes = f"{len(rs)} parties in the fact base (un-conventions-parties.csv), imported by crates/dataset/tools/import_facts.py; entry into force per party as stated by a source or computed by the Convention's rule (the party's notes say which)."
        if skipped:
            notes += " Not recorded as parties (no ISO 3166 code): " + ", ".join(skipped) + "."
        if extra:
            notes += " " + extra
        coverage = []
        for a, arts, conds in cov:
            coverage.append([("matter", "criminal"), ("assistance", a), ("articles", arts), ("conditions", conds)])
        meta = {"id": iid, "kind": "multilateral_convention", "title": title, "short_name": short.replace("TF 1999", "Terrorist Financing 1999"),
                "offence_scope": scope, "notes": notes, "sources": [UNTC, README + " (un-conventions-parties.csv)"],
                "coverage": coverage, "party_list": pl}
        instrument(meta)
        for r in rs:
            if r["iso2"] not in ISO:
                continue
            p = base_party(r)
            basis = r["entry_into_force_basis"]
            p["notes"] = "; ".join(x for x in [r["action_type"] and f"{r['action_type']}", basis and f"entry into force {basis}", r["declarations_note"]] if x)
            if r["iso2"] == "CN":
                dated, undated = UN_HK_MO.get(iid, ([], []))
                ext = dated + undated
                if ext:
                    p["extended_to"] = [e[0] for e in ext]
                    p["extensions"] = [[("region", e[0]), ("effective_from", e[1]), ("sources", p["sources"]), ("notes", e[2])] for e in ext]
                if iid in DISPUTE:
                    p["reservations"] = [[("article", DISPUTE[iid]), ("text", f"China is not bound by {DISPUTE[iid]} (settlement of disputes between States Parties by arbitration or the International Court of Justice)."),
                                          ("kind", "reservation"), ("binds", "not_about_requests"), ("sources", p["sources"])]]
            party(p)


def sco():
    meta = {
        "id": "sco-counter-terrorism-2009", "kind": "multilateral_convention",
        "title": "Shanghai Cooperation Organisation Convention on Counter-Terrorism", "short_name": "SCO Counter-Terrorism 2009",
        "offence_scope": ["terrorism"],
        "notes": "Adopted 2009-06-16. Only China is recorded as a party (the other parties are not in the fact base). The Convention's extradition and legal assistance articles were not sourced, so no articles are given.",
        "sources": ["http://english.court.gov.cn/2015-08/15/content_21528406.htm"],
        "coverage": [[("matter", "criminal"), ("assistance", a)] for a in ["extradition", "service_of_documents", "taking_of_evidence", "asset_recovery", "legal_information"]],
        "party_list": {"covers": "China only: the other SCO member states' participation is not in the fact base", "sources": ["multilateral-conventions.csv"]},
    }
    instrument(meta)
    party({"jurisdiction": "CN", "signed": "2009-06-16", "ratified": "2014-12-28",
           "sources": ["http://english.court.gov.cn/2015-08/15/content_21528406.htm"],
           "notes": "Ratified = NPCSC approval 2014-12-28. China's entry-into-force date was not retrieved. NPCSC decision: the Convention does not currently apply to Hong Kong SAR. Application to Macao SAR not recorded."})


w("# Multilateral conventions with judicial-assistance or extradition articles, with their parties.")
w("#")
w("# GENERATED by crates/dataset/tools/import_facts.py from shared/facts (do not edit by hand:")
w("# change the script or the facts and rerun it). Format: crates/dataset/README.md. Dates are")
w("# strings: \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"; a date no source gives is left out.")
service()
evidence()
un()
sco()
open(OUT, "w", encoding="utf-8").write("\n".join(out) + "\n")
print("wrote", OUT)
