//! Validation of jurisdictions, instruments and datasets. Every problem is
//! reported with its field path, so a client can fix them all at once.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::date::PartialDate;
use crate::instrument::{Instrument, Party};
use crate::jurisdiction::{self, Jurisdiction, JurisdictionKind};
use crate::vocabulary::InstrumentKind;

/// Longest id accepted.
pub const MAX_ID_LEN: usize = 100;
/// Longest title accepted.
pub const MAX_TITLE_LEN: usize = 1_000;
/// Longest notes accepted (instrument or party).
pub const MAX_NOTES_LEN: usize = 20_000;
/// Longest single source, reservation text or authority entry.
pub const MAX_TEXT_LEN: usize = 4_000;
/// Most parties an instrument may have.
pub const MAX_PARTIES: usize = 300;
/// Most sources, coverage entries, reservations or authorities per list.
pub const MAX_LIST_LEN: usize = 100;

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path to the field (`instrument.parties[1].entry_into_force`).
    pub field: String,
    /// What is wrong, lower case, naming the thing.
    pub description: String,
}

/// Every problem found in one input, in field order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Violations(pub Vec<FieldViolation>);

impl Violations {
    /// Records a problem with a field.
    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.into(),
        });
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Ok when nothing was found, else the violations.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Appends another set of violations.
    pub fn extend(&mut self, other: Violations) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", v.field, v.description)?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Looks jurisdictions up by code.
pub trait JurisdictionLookup {
    /// The jurisdiction with this code, if known.
    fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction>;
}

impl JurisdictionLookup for HashMap<String, Jurisdiction> {
    fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.get(code)
    }
}

impl JurisdictionLookup for std::collections::BTreeMap<String, Jurisdiction> {
    fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.get(code)
    }
}

/// Returns whether an id is lower-case letters, digits and hyphens, starting
/// with a letter or digit, of 1..=100 characters.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Validates a jurisdiction against those already known (for a region's parent).
pub fn validate_jurisdiction(
    j: &Jurisdiction,
    known: &dyn JurisdictionLookup,
    prefix: &str,
) -> Violations {
    let mut v = Violations::default();
    if !jurisdiction::is_code(&j.code) {
        v.add(
            format!("{prefix}code"),
            format!(
                "jurisdiction code {:?} is not two upper-case letters (ISO 3166-1 alpha-2)",
                j.code
            ),
        );
    }
    if j.display_name.trim().is_empty() {
        v.add(format!("{prefix}display_name"), "display name is required");
    } else if j.display_name.len() > 200 {
        v.add(
            format!("{prefix}display_name"),
            "display name is longer than 200 bytes",
        );
    }
    match (j.kind, j.parent.as_deref()) {
        (JurisdictionKind::State, Some(p)) if !p.is_empty() => {
            v.add(format!("{prefix}parent"), "a state has no parent")
        }
        (JurisdictionKind::Region, None) | (JurisdictionKind::Region, Some("")) => {
            v.add(format!("{prefix}parent"), "a region needs its parent state")
        }
        (JurisdictionKind::Region, Some(p)) => match known.jurisdiction(p) {
            Some(parent) if parent.kind == JurisdictionKind::State => {}
            Some(_) => v.add(
                format!("{prefix}parent"),
                format!("parent {p} is not a state"),
            ),
            None => v.add(
                format!("{prefix}parent"),
                format!("unknown jurisdiction {p}"),
            ),
        },
        _ => {}
    }
    v
}

fn check_len(v: &mut Violations, field: String, text: &str, max: usize) {
    if text.len() > max {
        v.add(field, format!("longer than {max} bytes ({})", text.len()));
    }
}

fn check_date(v: &mut Violations, field: String, date: Option<PartialDate>) {
    if let Some(d) = date
        && !d.is_valid()
    {
        v.add(
            field,
            format!("impossible date {}-{}-{}", d.year, d.month, d.day),
        );
    }
}

/// Returns whether `a` is certainly before `b` (every reading of `a` precedes every reading of `b`).
fn certainly_before(a: PartialDate, b: PartialDate) -> bool {
    a.is_valid() && b.is_valid() && a.latest() < b.earliest()
}

/// Validates an instrument for home state `home` against the known jurisdictions.
/// `prefix` is prepended to every field path (`instrument.`).
pub fn validate_instrument(
    inst: &Instrument,
    known: &dyn JurisdictionLookup,
    home: &str,
    prefix: &str,
) -> Violations {
    let mut v = Violations::default();
    let f = |name: &str| format!("{prefix}{name}");
    let who = if inst.id.is_empty() {
        "instrument".to_owned()
    } else {
        format!("instrument {}", inst.id)
    };

    if !is_valid_id(&inst.id) {
        v.add(
            f("id"),
            format!(
                "id {:?} must be 1-{MAX_ID_LEN} lower-case letters, digits and hyphens",
                inst.id
            ),
        );
    }
    if inst.title.trim().is_empty()
        && inst.title_en.trim().is_empty()
        && inst.short_name.trim().is_empty()
    {
        v.add(
            f("title"),
            format!("{who}: a title, title_en or short_name is required"),
        );
    }
    check_len(&mut v, f("title"), &inst.title, MAX_TITLE_LEN);
    check_len(&mut v, f("title_en"), &inst.title_en, MAX_TITLE_LEN);
    check_len(&mut v, f("short_name"), &inst.short_name, 200);
    check_len(&mut v, f("notes"), &inst.notes, MAX_NOTES_LEN);

    match (inst.kind, inst.treaty_type) {
        (InstrumentKind::BilateralTreaty, None) => v.add(
            f("treaty_type"),
            format!("{who}: a bilateral treaty needs its treaty type"),
        ),
        (InstrumentKind::MultilateralConvention | InstrumentKind::Arrangement, Some(t)) => v.add(
            f("treaty_type"),
            format!("{who}: treaty type {t} applies only to bilateral treaties"),
        ),
        _ => {}
    }

    // Parties.
    if inst.parties.len() > MAX_PARTIES {
        v.add(
            f("parties"),
            format!(
                "{who}: more than {MAX_PARTIES} parties ({})",
                inst.parties.len()
            ),
        );
    }
    let mut seen = HashSet::new();
    for (i, party) in inst.parties.iter().enumerate() {
        let p = format!("{prefix}parties[{i}].");
        if !seen.insert(party.jurisdiction.as_str()) {
            v.add(
                format!("{p}jurisdiction"),
                format!("{who}: {} is listed twice as a party", party.jurisdiction),
            );
        }
        validate_party(&mut v, &who, party, known, &p);
    }
    let is_party = |code: &str| inst.parties.iter().any(|p| p.jurisdiction == code);
    match inst.kind {
        InstrumentKind::BilateralTreaty => {
            if inst.parties.len() != 2 {
                v.add(
                    f("parties"),
                    format!(
                        "{who}: a bilateral treaty has exactly two parties, not {}",
                        inst.parties.len()
                    ),
                );
            } else if !is_party(home) {
                v.add(
                    f("parties"),
                    format!("{who}: a bilateral treaty must have the home state {home} as a party"),
                );
            }
            for (i, party) in inst.parties.iter().enumerate() {
                if known
                    .jurisdiction(&party.jurisdiction)
                    .is_some_and(|j| j.kind == JurisdictionKind::Region)
                {
                    v.add(format!("{prefix}parties[{i}].jurisdiction"), format!("{who}: {} is a region; regions are parties to arrangements, not treaties", party.jurisdiction));
                }
            }
        }
        InstrumentKind::Arrangement => {
            if inst.parties.len() < 2 {
                v.add(
                    f("parties"),
                    format!("{who}: an arrangement has at least two parties"),
                );
            }
            for (i, party) in inst.parties.iter().enumerate() {
                let ok = party.jurisdiction == home
                    || known
                        .jurisdiction(&party.jurisdiction)
                        .is_some_and(|j| j.is_region_of(home));
                if !ok {
                    v.add(format!("{prefix}parties[{i}].jurisdiction"), format!("{who}: an arrangement is between {home} and its regions; {} is neither", party.jurisdiction));
                }
            }
        }
        InstrumentKind::MultilateralConvention => {
            if inst.parties.is_empty() {
                v.add(
                    f("parties"),
                    format!("{who}: a convention needs at least one recorded party"),
                );
            }
        }
    }

    // Coverage.
    if inst.coverage.is_empty() {
        v.add(
            f("coverage"),
            format!(
                "{who}: coverage is empty; list the (matter, assistance) pairs it provides for"
            ),
        );
    }
    if inst.coverage.len() > MAX_LIST_LEN {
        v.add(
            f("coverage"),
            format!("{who}: more than {MAX_LIST_LEN} coverage entries"),
        );
    }
    let mut pairs = HashSet::new();
    for (i, c) in inst.coverage.iter().enumerate() {
        let field = format!("{prefix}coverage[{i}]");
        if !pairs.insert((c.matter, c.assistance)) {
            v.add(
                field.clone(),
                format!("{who}: ({}, {}) is listed twice", c.matter, c.assistance),
            );
        }
        if c.assistance.only_matter().is_some_and(|m| m != c.matter) {
            v.add(
                field.clone(),
                format!(
                    "{who}: {} is a criminal matter, not {}",
                    c.assistance, c.matter
                ),
            );
        }
        if let Some(t) = inst.treaty_type
            && !t.may_cover(c.matter, c.assistance)
        {
            v.add(
                field.clone(),
                format!(
                    "{who}: a {t} treaty cannot cover ({}, {})",
                    c.matter, c.assistance
                ),
            );
        }
        check_len(&mut v, format!("{field}.articles"), &c.articles, 500);
        for (k, t) in c.transmissions.iter().enumerate() {
            if !is_token(t) {
                v.add(
                    format!("{field}.transmissions[{k}]"),
                    format!("transmission {t:?} must be a lower_snake_case word"),
                );
            }
        }
    }
    for (i, o) in inst.offence_scope.iter().enumerate() {
        if crate::offence::parse(o).is_none() {
            v.add(
                format!("{prefix}offence_scope[{i}]"),
                format!(
                    "unknown offence {o:?}; known offences: {}",
                    crate::offence::known_words()
                ),
            );
        }
    }
    if let Some(list) = &inst.party_list {
        check_date(&mut v, f("party_list.complete_as_of"), list.complete_as_of);
        if list.complete_as_of.is_some() && list.sources.iter().all(|s| s.trim().is_empty()) {
            v.add(
                f("party_list.sources"),
                format!("{who}: a party list marked complete needs the source of that statement"),
            );
        }
        if let Some(as_of) = list.complete_as_of {
            // A state another record of this instrument shows as a party
            // (an acceptance's or objection's author) must be listed.
            for (i, party) in inst.parties.iter().enumerate() {
                for (k, a) in party.acceptances.iter().enumerate() {
                    let dated_before = a
                        .deposited
                        .or(a.effective)
                        .is_none_or(|d| d.earliest() <= as_of.latest());
                    if dated_before && !is_party(&a.by) && known.jurisdiction(&a.by).is_some() {
                        v.add(
                            format!("{prefix}party_list.complete_as_of"),
                            format!(
                                "{who}: the party list is marked complete as of {as_of} but lacks {}, which parties[{i}].acceptances[{k}] shows as a party",
                                a.by
                            ),
                        );
                    }
                }
            }
        }
    }
    if inst.sources.len() > MAX_LIST_LEN {
        v.add(
            f("sources"),
            format!("{who}: more than {MAX_LIST_LEN} sources"),
        );
    }
    for (i, s) in inst.sources.iter().enumerate() {
        if s.trim().is_empty() {
            v.add(format!("{prefix}sources[{i}]"), "empty source");
        }
        check_len(&mut v, format!("{prefix}sources[{i}]"), s, MAX_TEXT_LEN);
    }
    v
}

fn check_sources(v: &mut Violations, field: &str, sources: &[String]) {
    if sources.len() > MAX_LIST_LEN {
        v.add(
            field.to_owned(),
            format!("more than {MAX_LIST_LEN} sources"),
        );
    }
    for (i, s) in sources.iter().enumerate() {
        if s.trim().is_empty() {
            v.add(format!("{field}[{i}]"), "empty source");
        }
        check_len(v, format!("{field}[{i}]"), s, MAX_TEXT_LEN);
    }
}

fn is_token(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 60
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn validate_party(
    v: &mut Violations,
    who: &str,
    party: &Party,
    known: &dyn JurisdictionLookup,
    p: &str,
) {
    if known.jurisdiction(&party.jurisdiction).is_none() {
        v.add(
            format!("{p}jurisdiction"),
            format!("{who}: unknown jurisdiction {:?}", party.jurisdiction),
        );
    }
    let dates = [
        ("signed", party.signed),
        ("ratified", party.ratified),
        ("entry_into_force", party.entry_into_force),
        ("termination_notice", party.termination_notice),
        ("termination_effective", party.termination_effective),
        ("in_force_as_of", party.in_force_as_of),
    ];
    for (name, date) in dates {
        check_date(v, format!("{p}{name}"), date);
    }
    let j = &party.jurisdiction;
    if let (Some(s), Some(e)) = (party.signed, party.entry_into_force)
        && certainly_before(e, s)
    {
        v.add(
            format!("{p}entry_into_force"),
            format!("{who}: entry into force {e} precedes signature {s} for {j}"),
        );
    }
    if let (Some(e), Some(t)) = (party.entry_into_force, party.termination_effective)
        && certainly_before(t, e)
    {
        v.add(
            format!("{p}termination_effective"),
            format!("{who}: termination {t} precedes entry into force {e} for {j}"),
        );
    }
    if let (Some(n), Some(t)) = (party.termination_notice, party.termination_effective)
        && certainly_before(t, n)
    {
        v.add(
            format!("{p}termination_effective"),
            format!("{who}: termination {t} precedes its notice {n} for {j}"),
        );
    }
    check_len(v, format!("{p}notes"), &party.notes, MAX_NOTES_LEN);
    if party.reservations.len() > MAX_LIST_LEN {
        v.add(
            format!("{p}reservations"),
            format!("more than {MAX_LIST_LEN} reservations"),
        );
    }
    for (k, r) in party.reservations.iter().enumerate() {
        check_len(
            v,
            format!("{p}reservations[{k}].text"),
            &r.text,
            MAX_TEXT_LEN,
        );
        check_date(
            v,
            format!("{p}reservations[{k}].effective_from"),
            r.effective_from,
        );
        check_date(
            v,
            format!("{p}reservations[{k}].effective_until"),
            r.effective_until,
        );
        if let (Some(a), Some(b)) = (r.effective_from, r.effective_until)
            && certainly_before(b, a)
        {
            v.add(
                format!("{p}reservations[{k}].effective_until"),
                format!(
                    "{who}: {j}'s statement{} ends {b} before it starts {a}",
                    if r.article.is_empty() {
                        String::new()
                    } else {
                        format!(" under {}", r.article)
                    }
                ),
            );
        }
        for (m, code) in r.objects_to.iter().enumerate() {
            if known.jurisdiction(code).is_none() {
                v.add(
                    format!("{p}reservations[{k}].objects_to[{m}]"),
                    format!("{who}: unknown jurisdiction {code:?}"),
                );
            }
        }
        for (m, code) in r.regions.iter().enumerate() {
            let ok = code == j || known.jurisdiction(code).is_some_and(|x| x.is_region_of(j));
            if !ok {
                v.add(
                    format!("{p}reservations[{k}].regions[{m}]"),
                    format!("{who}: {code} is neither {j} nor a region of {j}"),
                );
            }
        }
        check_sources(v, &format!("{p}reservations[{k}].sources"), &r.sources);
        for (m, t) in r.excluded_transmissions.iter().enumerate() {
            if !is_token(t) {
                v.add(
                    format!("{p}reservations[{k}].excluded_transmissions[{m}]"),
                    format!("transmission {t:?} must be a lower_snake_case word"),
                );
            }
        }
    }
    if party.central_authorities.len() > MAX_LIST_LEN {
        v.add(
            format!("{p}central_authorities"),
            format!("more than {MAX_LIST_LEN} authorities"),
        );
    }
    for (k, a) in party.central_authorities.iter().enumerate() {
        if a.name.trim().is_empty() {
            v.add(
                format!("{p}central_authorities[{k}].name"),
                "authority name is required",
            );
        }
        check_len(v, format!("{p}central_authorities[{k}].name"), &a.name, 500);
        check_len(
            v,
            format!("{p}central_authorities[{k}].notes"),
            &a.notes,
            MAX_TEXT_LEN,
        );
    }
    let accession = party.ratified.or(party.signed);
    for (k, a) in party.acceptances.iter().enumerate() {
        let field = format!("{p}acceptances[{k}]");
        match known.jurisdiction(&a.by) {
            None => v.add(
                format!("{field}.by"),
                format!("{who}: acceptance by unknown jurisdiction {:?}", a.by),
            ),
            Some(_) if a.by == *j => v.add(
                format!("{field}.by"),
                format!("{who}: {j} cannot accept its own accession"),
            ),
            Some(_) => {}
        }
        for (name, date) in [("deposited", a.deposited), ("effective", a.effective)] {
            check_date(v, format!("{field}.{name}"), date);
            if let (Some(d), Some(acc)) = (date, accession)
                && certainly_before(d, acc)
            {
                v.add(
                    format!("{field}.{name}"),
                    format!(
                        "{who}: acceptance by {} {name} {d} precedes {j}'s accession {acc}",
                        a.by
                    ),
                );
            }
        }
        if let (Some(d), Some(e)) = (a.deposited, a.effective)
            && certainly_before(e, d)
        {
            v.add(
                format!("{field}.effective"),
                format!(
                    "{who}: acceptance by {} takes effect {e} before its deposit {d}",
                    a.by
                ),
            );
        }
        for (m, t) in a.territories.iter().enumerate() {
            if !known.jurisdiction(t).is_some_and(|r| r.is_region_of(&a.by)) {
                v.add(
                    format!("{field}.territories[{m}]"),
                    format!("{who}: {t} is not a region of {}", a.by),
                );
            }
        }
        check_sources(v, &format!("{field}.sources"), &a.sources);
    }
    for (k, e) in party.extensions.iter().enumerate() {
        let field = format!("{p}extensions[{k}]");
        if !known
            .jurisdiction(&e.region)
            .is_some_and(|r| r.is_region_of(j))
        {
            v.add(
                format!("{field}.region"),
                format!("{who}: {} is not a region of {j}", e.region),
            );
        }
        check_date(v, format!("{field}.effective_from"), e.effective_from);
        check_date(v, format!("{field}.effective_until"), e.effective_until);
        if let (Some(a), Some(b)) = (e.effective_from, e.effective_until)
            && certainly_before(b, a)
        {
            v.add(
                format!("{field}.effective_until"),
                format!(
                    "{who}: extension to {} ends {b} before it starts {a}",
                    e.region
                ),
            );
        }
        check_sources(v, &format!("{field}.sources"), &e.sources);
    }
    for (k, a) in party.statements_recorded.iter().enumerate() {
        if a.trim().is_empty() {
            v.add(format!("{p}statements_recorded[{k}]"), "empty article");
        }
    }
    check_sources(v, &format!("{p}sources"), &party.sources);
    for (k, code) in party.accepted_by.iter().enumerate() {
        if known.jurisdiction(code).is_none() {
            v.add(
                format!("{p}accepted_by[{k}]"),
                format!("unknown jurisdiction {code:?}"),
            );
        }
    }
    for (k, code) in party.extended_to.iter().enumerate() {
        match known.jurisdiction(code) {
            None => v.add(
                format!("{p}extended_to[{k}]"),
                format!("unknown jurisdiction {code:?}"),
            ),
            Some(r) if !r.is_region_of(j) => v.add(
                format!("{p}extended_to[{k}]"),
                format!("{code} is not a region of {j}"),
            ),
            Some(_) => {}
        }
    }
}

/// Validates a whole dataset: every jurisdiction and instrument, and
/// duplicate codes and ids. Jurisdictions in the dataset count as known
/// alongside `known`.
pub fn validate_dataset(
    jurisdictions: &[Jurisdiction],
    instruments: &[Instrument],
    known: &dyn JurisdictionLookup,
    home: &str,
) -> Violations {
    let mut v = Violations::default();
    let mut merged: HashMap<String, Jurisdiction> = HashMap::new();
    let mut first_code: HashMap<&str, usize> = HashMap::new();
    for (i, j) in jurisdictions.iter().enumerate() {
        if let Some(prev) = first_code.insert(&j.code, i) {
            v.add(
                format!("jurisdictions[{i}].code"),
                format!("duplicate code {} (also jurisdictions[{prev}])", j.code),
            );
        }
        merged.insert(j.code.clone(), j.clone());
    }
    struct Both<'a>(
        &'a HashMap<String, Jurisdiction>,
        &'a dyn JurisdictionLookup,
    );
    impl JurisdictionLookup for Both<'_> {
        fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
            self.0.get(code).or_else(|| self.1.jurisdiction(code))
        }
    }
    let both = Both(&merged, known);
    for (i, j) in jurisdictions.iter().enumerate() {
        v.extend(validate_jurisdiction(
            j,
            &both,
            &format!("jurisdictions[{i}]."),
        ));
    }
    let mut first_id: HashMap<&str, usize> = HashMap::new();
    for (i, inst) in instruments.iter().enumerate() {
        if let Some(prev) = first_id.insert(&inst.id, i) {
            v.add(
                format!("instruments[{i}].id"),
                format!("duplicate id {} (also instruments[{prev}])", inst.id),
            );
        }
        v.extend(validate_instrument(
            inst,
            &both,
            home,
            &format!("instruments[{i}]."),
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Coverage;
    use crate::jurisdiction::builtin;
    use crate::vocabulary::{Assistance, Matter, TreatyType};

    fn known() -> HashMap<String, Jurisdiction> {
        builtin().into_iter().map(|j| (j.code.clone(), j)).collect()
    }

    fn treaty() -> Instrument {
        let mut t = Instrument::new(
            "cn-fr-civil-1987",
            InstrumentKind::BilateralTreaty,
            "China–France civil",
        );
        t.treaty_type = Some(TreatyType::CivilCommercial);
        for code in ["CN", "FR"] {
            t.parties.push(Party {
                signed: PartialDate::parse("1987-05-04"),
                entry_into_force: PartialDate::parse("1988-02-08"),
                ..Party::new(code)
            });
        }
        t.coverage.push(Coverage::new(
            Matter::CivilCommercial,
            Assistance::ServiceOfDocuments,
        ));
        t.sources.push("https://example.org".into());
        t
    }

    fn fields(inst: &Instrument) -> Vec<String> {
        validate_instrument(inst, &known(), "CN", "instrument.")
            .0
            .into_iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn valid_treaty_passes() {
        assert_eq!(fields(&treaty()), Vec::<String>::new());
    }

    #[test]
    fn each_problem_names_its_field() {
        type Break = fn(&mut Instrument);
        let cases: &[(Break, &str)] = &[
            (|t| t.id = "Bad Id".into(), "instrument.id"),
            (
                |t| t.parties[1].jurisdiction = "XX".into(),
                "instrument.parties[1].jurisdiction",
            ),
            (
                |t| t.parties[1].jurisdiction = "HK".into(),
                "instrument.parties[1].jurisdiction",
            ),
            (
                |t| {
                    t.parties.pop();
                },
                "instrument.parties",
            ),
            (
                |t| t.parties[0].jurisdiction = "DE".into(),
                "instrument.parties",
            ),
            (
                |t| t.parties[0].entry_into_force = PartialDate::parse("1986"),
                "instrument.parties[0].entry_into_force",
            ),
            (
                |t| t.parties[0].termination_effective = PartialDate::parse("1980-01-01"),
                "instrument.parties[0].termination_effective",
            ),
            (
                |t| {
                    t.parties[0].signed = Some(PartialDate {
                        year: 1987,
                        month: 2,
                        day: 30,
                    })
                },
                "instrument.parties[0].signed",
            ),
            (|t| t.coverage.clear(), "instrument.coverage"),
            (
                |t| t.coverage[0].matter = Matter::Criminal,
                "instrument.coverage[0]",
            ),
            (|t| t.treaty_type = None, "instrument.treaty_type"),
            (
                |t| t.title = "x".repeat(MAX_TITLE_LEN + 1),
                "instrument.title",
            ),
            (
                |t| t.sources = vec!["s".into(); MAX_LIST_LEN + 1],
                "instrument.sources",
            ),
            (
                |t| t.parties[1] = t.parties[0].clone(),
                "instrument.parties[1].jurisdiction",
            ),
        ];
        for (breaker, field) in cases {
            let mut t = treaty();
            breaker(&mut t);
            let got = fields(&t);
            assert!(
                got.iter().any(|f| f == field),
                "expected {field} in {got:?}"
            );
        }
    }

    #[test]
    fn reports_every_problem_at_once() {
        let mut t = treaty();
        t.id = String::new();
        t.coverage.clear();
        t.parties[1].jurisdiction = "ZZ".into();
        assert!(fields(&t).len() >= 3);
    }

    #[test]
    fn dataset_reports_duplicate_ids() {
        let v = validate_dataset(&[], &[treaty(), treaty()], &known(), "CN");
        assert_eq!(v.0.len(), 1, "{v}");
        assert_eq!(v.0[0].field, "instruments[1].id");
    }

    #[test]
    fn regions_need_a_state_parent() {
        let k = known();
        let region = Jurisdiction {
            code: "XK".into(),
            display_name: "X".into(),
            kind: JurisdictionKind::Region,
            parent: Some("HK".into()),
            revision: 0,
        };
        assert_eq!(validate_jurisdiction(&region, &k, "").0[0].field, "parent");
    }
}
