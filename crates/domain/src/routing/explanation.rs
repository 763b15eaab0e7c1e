//! Words for answers: why an instrument does not apply, what is uncertain,
//! and the summaries and traces that explain a channel.

use crate::date::PartialDate;
use crate::instrument::{Coverage, Instrument, Party, Reservation};
use crate::status::Status;
use crate::vocabulary::{Assistance, InstrumentKind, Matter};

use super::{Context, NotApplicableReason};

/// "covers civil_commercial service_of_documents, taking_of_evidence; not criminal extradition".
pub(super) fn not_covered(inst: &Instrument, matter: Matter, assistance: Assistance) -> String {
    let mut groups: Vec<(Matter, Vec<&str>)> = Vec::new();
    for c in &inst.coverage {
        match groups.iter_mut().find(|(m, _)| *m == c.matter) {
            Some((_, list)) => list.push(c.assistance.as_str()),
            None => groups.push((c.matter, vec![c.assistance.as_str()])),
        }
    }
    let covered = if groups.is_empty() {
        "no coverage recorded".to_owned()
    } else {
        let parts: Vec<String> = groups
            .iter()
            .map(|(m, list)| format!("{m} {}", list.join(", ")))
            .collect();
        format!("covers {}", parts.join("; "))
    };
    format!("{covered}; not {matter} {assistance}")
}

/// The reason code for a status that cannot be offered.
pub(super) fn status_code(status: &Status) -> NotApplicableReason {
    match status {
        Status::NotYetInForce(_) => NotApplicableReason::NotYetInForce,
        Status::Terminated(_) => NotApplicableReason::Terminated,
        // Offerable statuses never reach here; NotInForce is the honest default.
        Status::NotInForce { .. } | Status::InForce | Status::Uncertain(_) => {
            NotApplicableReason::NotInForce
        }
    }
}

/// The dates behind a status that cannot be offered: "signed 1987-05-04;
/// enters into force 1988-02-08".
pub(super) fn status_dates(party: &Party, status: &Status) -> String {
    let signed = party.signed.map(|s| format!("signed {}; ", s.describe()));
    let signed = signed.as_deref().unwrap_or("");
    match status {
        Status::NotYetInForce(eif) => format!("{signed}enters into force {}", eif.describe()),
        Status::NotInForce { .. } => format!("{signed}no entry into force recorded"),
        Status::Terminated(end) => {
            let started = party
                .entry_into_force
                .map(|e| format!("in force from {}; ", e.describe()))
                .unwrap_or_default();
            let notice = party
                .termination_notice
                .map(|n| format!(" (notice given {})", n.describe()))
                .unwrap_or_default();
            format!(
                "{started}terminated with effect from {}{notice}",
                end.describe()
            )
        }
        Status::InForce | Status::Uncertain(_) => status.to_string(),
    }
}

/// Whether two parties record the same dates (as bilateral treaties usually do).
pub(super) fn same_dates(a: &Party, b: &Party) -> bool {
    (
        a.signed,
        a.entry_into_force,
        a.in_force_as_of,
        a.termination_effective,
    ) == (
        b.signed,
        b.entry_into_force,
        b.in_force_as_of,
        b.termination_effective,
    )
}

/// What is unknown about a pair whose status is uncertain. Prefixes a code
/// when the two parties' uncertainties differ, or when only one party of a
/// convention is uncertain.
pub(super) fn uncertainty(
    kind: InstrumentKind,
    home: (&Party, &Status),
    other: (&Party, &Status),
) -> String {
    let text = |s: &Status| match s {
        Status::Uncertain(t) => Some(t.clone()),
        _ => None,
    };
    match (text(home.1), text(other.1)) {
        (Some(a), Some(b)) if a == b => a,
        (Some(a), Some(b)) => format!(
            "for {}, {a}; for {}, {b}",
            home.0.jurisdiction, other.0.jurisdiction
        ),
        (Some(t), None) | (None, Some(t)) if kind != InstrumentKind::MultilateralConvention => t,
        (Some(t), None) => format!("for {}, {t}", home.0.jurisdiction),
        (None, Some(t)) => format!("for {}, {t}", other.0.jurisdiction),
        (None, None) => "in force status unknown".to_owned(),
    }
}

/// "in force since 1988-02-08", or "possibly in force (what is unknown)".
pub(super) fn in_force_phrase(home: &Party, other: &Party, uncertain: Option<&str>) -> String {
    if let Some(what) = uncertain {
        return format!("possibly in force ({what})");
    }
    match (home.entry_into_force, other.entry_into_force) {
        (Some(a), Some(b)) => {
            let later = if a.latest() >= b.latest() { a } else { b };
            format!("in force since {later}")
        }
        _ => {
            let attested = [home, other]
                .iter()
                .filter(|p| p.entry_into_force.is_none())
                .filter_map(|p| p.in_force_as_of)
                .max_by_key(PartialDate::latest);
            match attested {
                Some(d) => format!("in force (attested as of {d})"),
                None => "in force".to_owned(),
            }
        }
    }
}

/// "China–France treaty in force since 1988-02-08 covers civil_commercial service_of_documents".
pub(super) fn summary(
    inst: &Instrument,
    ctx: &Context<'_>,
    home: &Party,
    other: &Party,
    via: Option<&str>,
    uncertain: Option<&str>,
) -> String {
    let q = ctx.query;
    let h = ctx.name(ctx.home);
    let o = ctx.name(&other.jurisdiction);
    let phrase = in_force_phrase(home, other, uncertain);
    let reach = via
        .map(|region| format!(" (extended to {})", ctx.name(region)))
        .unwrap_or_default();
    let label = match inst.kind {
        InstrumentKind::BilateralTreaty => format!("{h}–{o} treaty{reach} {phrase}"),
        InstrumentKind::Arrangement => format!("{h}–{o} arrangement {phrase}"),
        InstrumentKind::DomesticLaw => format!("{h} law {phrase}"),
        InstrumentKind::MultilateralConvention => {
            let name = if inst.short_name.is_empty() {
                inst.display_title()
            } else {
                &inst.short_name
            };
            let between = phrase.replacen(
                "in force",
                &format!("in force between {h} and {o}{reach}"),
                1,
            );
            format!("{name} {between}")
        }
    };
    format!("{label} covers {} {}", q.matter, q.assistance)
}

/// A party's recorded dates, for traces: "signed 1987-05-04, entry into force 1988-02-08".
pub(super) fn party_dates(party: &Party) -> String {
    let dates = [
        ("signed", party.signed),
        ("ratified or acceded", party.ratified),
        ("entry into force", party.entry_into_force),
        ("attested in force as of", party.in_force_as_of),
        ("termination notice", party.termination_notice),
        ("termination effective", party.termination_effective),
    ];
    let parts: Vec<String> = dates
        .iter()
        .filter_map(|(label, d)| d.map(|d| format!("{label} {d}")))
        .collect();
    if parts.is_empty() {
        "no dates recorded".to_owned()
    } else {
        parts.join(", ")
    }
}

/// One reservation in a trace: "CN Art. 10 (excludes postal)".
pub(super) fn reservation(code: &str, r: &Reservation) -> String {
    let mut excluded: Vec<&str> = r.excluded_assistances.iter().map(|a| a.as_str()).collect();
    excluded.extend(r.excluded_transmissions.iter().map(String::as_str));
    let article = if r.article.is_empty() {
        "reservation"
    } else {
        &r.article
    };
    if excluded.is_empty() {
        format!("{code} {article}")
    } else {
        format!("{code} {article} (excludes {})", excluded.join(", "))
    }
}

/// " under Art. 10", or nothing when no article is recorded.
pub(super) fn under(r: &Reservation) -> String {
    if r.article.is_empty() {
        String::new()
    } else {
        format!(" under {}", r.article)
    }
}

/// The step-by-step trace that follows the summary when a query asks for it.
pub(super) struct Trace<'a> {
    pub inst: &'a Instrument,
    pub coverage: &'a Coverage,
    pub home: (&'a str, &'a Party, &'a Status),
    pub other: (&'a str, &'a Party, &'a Status),
    pub via: Option<&'a str>,
    pub acceptance: Option<String>,
    pub offence: Option<&'a str>,
    pub transmission: &'a str,
}

impl Trace<'_> {
    pub(super) fn render(&self) -> String {
        let inst = self.inst;
        let kind = match inst.treaty_type {
            Some(t) => format!("{} ({t})", inst.kind),
            None => inst.kind.to_string(),
        };
        let mut s = vec![format!("Considered {} ({kind})", inst.id)];
        for (name, party, status) in [self.home, self.other] {
            s.push(format!(
                "{name} ({}): {status}; {}",
                party.jurisdiction,
                party_dates(party)
            ));
        }
        if let Some(region) = self.via {
            s.push(format!(
                "{region} is reached through {}'s extension of the instrument",
                self.other.1.jurisdiction
            ));
        }
        if let Some(a) = &self.acceptance {
            s.push(a.clone());
        }
        let articles = if self.coverage.articles.is_empty() {
            String::new()
        } else {
            format!(" under {}", self.coverage.articles)
        };
        s.push(format!(
            "It covers {} {}{articles}",
            self.coverage.matter, self.coverage.assistance
        ));
        if !inst.offence_scope.is_empty() {
            s.push(format!(
                "Offence scope: {}; offence {}",
                inst.offence_scope.join(", "),
                self.offence.unwrap_or("not given")
            ));
        }
        let reservations: Vec<String> = [self.home.1, self.other.1]
            .iter()
            .flat_map(|p| {
                p.reservations
                    .iter()
                    .map(|r| reservation(&p.jurisdiction, r))
            })
            .collect();
        s.push(if reservations.is_empty() {
            "Reservations considered: none recorded".to_owned()
        } else {
            format!("Reservations considered: {}", reservations.join("; "))
        });
        s.push(format!("Transmission: {}", self.transmission));
        s.join(". ")
    }
}
