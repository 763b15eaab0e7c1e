//! Writes a dataset in the file format the loader reads: one `[[instruments]]`
//! table per instrument, coverage and authorities as one-line inline tables,
//! one `[[instruments.parties]]` table per party, dates as strings.

use std::fmt::Write;

use judicial_domain::{
    Acceptance, CentralAuthority, Coverage, Extension, Instrument, Jurisdiction, JurisdictionKind,
    PartialDate, Party, PartyList, Reservation,
};

use crate::Dataset;

/// Returns the dataset as TOML in the format of the bundled files. Server-kept
/// fields (revision, etag, update time) are not written; everything else is,
/// so that `parse(name, &to_toml(&d))` gives back `d` for a valid dataset.
pub fn to_toml(dataset: &Dataset) -> String {
    let mut out = String::from(
        "# Judicial Channels dataset (format: crates/dataset/README.md).\n\
         # Dates are \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"; unknown parts are left out.\n",
    );
    for j in &dataset.jurisdictions {
        write_jurisdiction(&mut out, j);
    }
    for i in &dataset.instruments {
        write_instrument(&mut out, i);
    }
    crate::requirements::write_all(&mut out, &dataset.instruments);
    out
}

fn write_jurisdiction(out: &mut String, j: &Jurisdiction) {
    out.push_str("\n[[jurisdictions]]\n");
    key(out, "code", &j.code);
    key(out, "display_name", &j.display_name);
    let kind = match j.kind {
        JurisdictionKind::State => "state",
        JurisdictionKind::Region => "region",
    };
    key(out, "kind", kind);
    if let Some(parent) = &j.parent {
        key(out, "parent", parent);
    }
}

fn write_instrument(out: &mut String, i: &Instrument) {
    out.push_str("\n[[instruments]]\n");
    key(out, "id", &i.id);
    key(out, "kind", i.kind.as_str());
    if let Some(t) = i.treaty_type {
        key(out, "treaty_type", t.as_str());
    }
    optional_key(out, "title", &i.title);
    optional_key(out, "title_en", &i.title_en);
    optional_key(out, "short_name", &i.short_name);
    list_key(out, "offence_scope", &i.offence_scope);
    optional_key(out, "notes", &i.notes);
    out.push_str("sources = [\n");
    for s in &i.sources {
        let _ = writeln!(out, "  {},", quote(s));
    }
    out.push_str("]\n");
    out.push_str("coverage = [\n");
    for c in &i.coverage {
        let _ = writeln!(out, "  {},", coverage(c));
    }
    out.push_str("]\n");
    if let Some(l) = &i.party_list {
        write_party_list(out, l);
    }
    for p in &i.parties {
        write_party(out, p);
    }
}

fn write_party_list(out: &mut String, l: &PartyList) {
    out.push_str("\n[instruments.party_list]\n");
    if let Some(d) = l.complete_as_of {
        key(out, "complete_as_of", &date_text(d));
    }
    optional_key(out, "covers", &l.covers);
    list_key(out, "sources", &l.sources);
}

fn write_party(out: &mut String, p: &Party) {
    out.push_str("\n[[instruments.parties]]\n");
    key(out, "jurisdiction", &p.jurisdiction);
    let dates = [
        ("signed", p.signed),
        ("ratified", p.ratified),
        ("entry_into_force", p.entry_into_force),
        ("termination_notice", p.termination_notice),
        ("termination_effective", p.termination_effective),
        ("in_force_as_of", p.in_force_as_of),
    ];
    for (name, date) in dates {
        if let Some(d) = date {
            key(out, name, &date_text(d));
        }
    }
    if p.accession_requires_acceptance {
        out.push_str("accession_requires_acceptance = true\n");
    }
    list_key(out, "accepted_by", &p.accepted_by);
    list_key(out, "extended_to", &p.extended_to);
    if !p.central_authorities.is_empty() {
        out.push_str("central_authorities = [\n");
        for a in &p.central_authorities {
            let _ = writeln!(out, "  {},", authority(a));
        }
        out.push_str("]\n");
    }
    if !p.reservations.is_empty() {
        out.push_str("reservations = [\n");
        for r in &p.reservations {
            let _ = writeln!(out, "  {},", reservation(r));
        }
        out.push_str("]\n");
    }
    if !p.acceptances.is_empty() {
        out.push_str("acceptances = [\n");
        for a in &p.acceptances {
            let _ = writeln!(out, "  {},", acceptance(a));
        }
        out.push_str("]\n");
    }
    if !p.extensions.is_empty() {
        out.push_str("extensions = [\n");
        for e in &p.extensions {
            let _ = writeln!(out, "  {},", extension(e));
        }
        out.push_str("]\n");
    }
    list_key(out, "statements_recorded", &p.statements_recorded);
    list_key(out, "sources", &p.sources);
    optional_key(out, "notes", &p.notes);
    optional_key(out, "continues_for", &p.continues_for);
}

fn acceptance(a: &Acceptance) -> String {
    let mut fields = vec![("by", quote(&a.by))];
    if let Some(d) = a.deposited {
        fields.push(("deposited", quote(&date_text(d))));
    }
    if let Some(d) = a.effective {
        fields.push(("effective", quote(&date_text(d))));
    }
    if !a.territories.is_empty() {
        fields.push(("territories", list(&a.territories)));
    }
    if !a.sources.is_empty() {
        fields.push(("sources", list(&a.sources)));
    }
    if !a.notes.is_empty() {
        fields.push(("notes", quote(&a.notes)));
    }
    inline_table(&fields)
}

fn extension(e: &Extension) -> String {
    let mut fields = vec![("region", quote(&e.region))];
    if let Some(d) = e.effective_from {
        fields.push(("effective_from", quote(&date_text(d))));
    }
    if let Some(d) = e.effective_until {
        fields.push(("effective_until", quote(&date_text(d))));
    }
    if !e.central_authorities.is_empty() {
        let items: Vec<String> = e.central_authorities.iter().map(authority).collect();
        fields.push(("central_authorities", format!("[{}]", items.join(", "))));
    }
    if !e.sources.is_empty() {
        fields.push(("sources", list(&e.sources)));
    }
    if !e.notes.is_empty() {
        fields.push(("notes", quote(&e.notes)));
    }
    inline_table(&fields)
}

fn date_text(d: PartialDate) -> String {
    d.to_string()
}

fn coverage(c: &Coverage) -> String {
    let mut fields = vec![
        ("matter", quote(c.matter.as_str())),
        ("assistance", quote(c.assistance.as_str())),
    ];
    if !c.articles.is_empty() {
        fields.push(("articles", quote(&c.articles)));
    }
    if !c.transmissions.is_empty() {
        fields.push(("transmissions", list(&c.transmissions)));
    }
    if !c.transmission_articles.is_empty() {
        let items: Vec<(&str, String)> = c
            .transmission_articles
            .iter()
            .map(|(k, v)| (k.as_str(), quote(v)))
            .collect();
        fields.push(("transmission_articles", inline_table(&items)));
    }
    if !c.conditions.is_empty() {
        fields.push(("conditions", list(&c.conditions)));
    }
    inline_table(&fields)
}

fn authority(a: &CentralAuthority) -> String {
    let mut fields = vec![("name", quote(&a.name))];
    if let Some(m) = a.matter {
        fields.push(("matter", quote(m.as_str())));
    }
    if let Some(x) = a.assistance {
        fields.push(("assistance", quote(x.as_str())));
    }
    if !a.notes.is_empty() {
        fields.push(("notes", quote(&a.notes)));
    }
    inline_table(&fields)
}

fn reservation(r: &Reservation) -> String {
    let mut fields = Vec::new();
    if !r.article.is_empty() {
        fields.push(("article", quote(&r.article)));
    }
    if !r.text.is_empty() {
        fields.push(("text", quote(&r.text)));
    }
    if !r.excluded_assistances.is_empty() {
        let names: Vec<&str> = r.excluded_assistances.iter().map(|a| a.as_str()).collect();
        fields.push(("excluded_assistances", list(&names)));
    }
    if !r.excluded_transmissions.is_empty() {
        fields.push(("excluded_transmissions", list(&r.excluded_transmissions)));
    }
    if let Some(k) = r.kind {
        fields.push(("kind", quote(k.as_str())));
    }
    if let Some(b) = r.binds {
        fields.push(("binds", quote(b.as_str())));
    }
    if let Some(d) = r.effective_from {
        fields.push(("effective_from", quote(&date_text(d))));
    }
    if let Some(d) = r.effective_until {
        fields.push(("effective_until", quote(&date_text(d))));
    }
    if !r.required_language.is_empty() {
        fields.push(("required_language", quote(&r.required_language)));
    }
    if !r.objects_to.is_empty() {
        fields.push(("objects_to", list(&r.objects_to)));
    }
    if !r.regions.is_empty() {
        fields.push(("regions", list(&r.regions)));
    }
    if !r.sources.is_empty() {
        fields.push(("sources", list(&r.sources)));
    }
    if !r.notes.is_empty() {
        fields.push(("notes", quote(&r.notes)));
    }
    inline_table(&fields)
}

fn inline_table(fields: &[(&str, String)]) -> String {
    if fields.is_empty() {
        return "{}".to_owned();
    }
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", body.join(", "))
}

fn key(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{name} = {}", quote(value));
}

fn optional_key(out: &mut String, name: &str, value: &str) {
    if !value.is_empty() {
        key(out, name, value);
    }
}

fn list_key<S: AsRef<str>>(out: &mut String, name: &str, values: &[S]) {
    if !values.is_empty() {
        let _ = writeln!(out, "{name} = {}", list(values));
    }
}

fn list<S: AsRef<str>>(values: &[S]) -> String {
    let items: Vec<String> = values.iter().map(|v| quote(v.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// Quotes a TOML basic string, escaping what TOML does not allow raw.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_toml_needs_escaped() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\u{1}"), r#""x\ny\u0001""#);
        assert_eq!(quote("中华–"), "\"中华–\"");
    }
}
