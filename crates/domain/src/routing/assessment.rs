//! Whether one instrument applies to a query, and if not, why.

use crate::date::PartialDate;
use crate::instrument::{InEffect, Instrument, Party, Reservation, StatementKind, canonical_means};
use crate::status::Status;
use crate::vocabulary::{Assistance, ChannelKind, InstrumentKind};

use super::explanation::{self, Trace};
use super::reciprocity;
use super::{
    Assessment, Channel, Context, Direction, NotApplicable, NotApplicableReason, Offer, Order,
    Place,
};

/// Considers one candidate for the query.
pub(super) fn assess(inst: &Instrument, ctx: &Context<'_>) -> Assessment {
    // A statute is never a channel; its requirements join the checklists.
    if inst.kind == InstrumentKind::DomesticLaw {
        return Assessment::Ignored;
    }
    let covered = inst
        .covers(ctx.query.matter, ctx.query.assistance)
        .is_some();
    let Some(home) = inst.party(ctx.home) else {
        return without_home(inst, ctx, covered);
    };
    match (ctx.place, inst.kind) {
        (Place::OwnRegion, InstrumentKind::Arrangement) => match inst.party(ctx.counterpart) {
            Some(region) => applicable(inst, ctx, home, region, None),
            None => Assessment::Ignored,
        },
        (Place::OwnRegion, _) => own_region(inst, ctx, home, covered),
        // Arrangements are between the home state and its own regions.
        (_, InstrumentKind::Arrangement) => Assessment::Ignored,
        (_, kind) => match position(inst, ctx) {
            Position::Party(other) => applicable(inst, ctx, home, other, None),
            Position::Extended(parent) => {
                applicable(inst, ctx, home, parent, Some(ctx.counterpart))
            }
            Position::NotExtended(parent) if covered => not_applicable(
                inst,
                NotApplicableReason::RegionNotCovered,
                format!(
                    "{} is a region of {}, which has not extended the {} to it",
                    ctx.counterpart,
                    parent.jurisdiction,
                    noun(kind)
                ),
            ),
            Position::Absent if covered && kind == InstrumentKind::MultilateralConvention => {
                unlisted(inst, ctx, home)
            }
            Position::NotExtended(_) | Position::Absent => Assessment::Ignored,
        },
    }
}

/// A convention whose party list does not name the counterpart (review
/// finding 1): not a party only when the list is known complete on the date;
/// otherwise an uncertain channel saying what is unknown.
fn unlisted(inst: &Instrument, ctx: &Context<'_>, home: &Party) -> Assessment {
    let list = inst.party_list.clone().unwrap_or_default();
    let c = ctx.counterpart;
    if list.complete_on(ctx.query.on) {
        return not_applicable(
            inst,
            NotApplicableReason::NotAParty,
            format!("{c} is not a party ({})", list.describe()),
        );
    }
    let note = format!("{c}'s participation is not recorded; {}", list.describe());
    let other = Party::new(c);
    match applicable_with(inst, ctx, home, &other, None, Some(note)) {
        Assessment::Offered(offer) => Assessment::Offered(Offer {
            unlisted: true,
            ..offer
        }),
        other => other,
    }
}

/// An instrument the home state is not a party to is ignored, except an
/// arrangement between the home state's region and another region: it names
/// the counterpart, so the user learns why it does not serve the home state.
fn without_home(inst: &Instrument, ctx: &Context<'_>, covered: bool) -> Assessment {
    let names_counterpart = inst.party(ctx.counterpart).is_some();
    if ctx.place == Place::OwnRegion
        && inst.kind == InstrumentKind::Arrangement
        && names_counterpart
        && covered
    {
        let parties: Vec<&str> = inst
            .parties
            .iter()
            .map(|p| p.jurisdiction.as_str())
            .collect();
        return not_applicable(
            inst,
            NotApplicableReason::NotAParty,
            format!(
                "{} is not a party: the arrangement is between {}",
                ctx.home,
                parties.join(" and ")
            ),
        );
    }
    Assessment::Ignored
}

/// A treaty or convention of the home state, asked about one of its own
/// regions: never a channel, since such instruments are between states.
/// Conventions covering the request are reported; bilateral treaties with
/// other states are ignored unless they name or are extended to the region.
fn own_region(inst: &Instrument, ctx: &Context<'_>, home: &Party, covered: bool) -> Assessment {
    let (h, c) = (ctx.home, ctx.counterpart);
    let own_party = inst.party(c).is_some();
    let extended = home.extended_to.iter().any(|r| r == c);
    if !covered || (inst.kind == InstrumentKind::BilateralTreaty && !own_party && !extended) {
        return Assessment::Ignored;
    }
    let noun = noun(inst.kind);
    let standing = match (own_party, extended) {
        (true, _) => "a party in its own right",
        (false, true) => "extended to it",
        (false, false) => "not extended to it",
    };
    let reason = format!(
        "{c} is a region of {h} ({standing}); a {noun} between states does not govern {h}'s cooperation with its own region"
    );
    not_applicable(inst, NotApplicableReason::RegionNotCovered, reason)
}

fn noun(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::BilateralTreaty => "treaty",
        InstrumentKind::MultilateralConvention => "convention",
        InstrumentKind::Arrangement => "arrangement",
        InstrumentKind::DomesticLaw => "law",
    }
}

/// Where the counterpart stands in an instrument.
enum Position<'i> {
    /// A party in its own right.
    Party(&'i Party),
    /// A foreign region its parent extended the instrument to.
    Extended(&'i Party),
    /// A foreign region whose parent is a party without extending it.
    NotExtended(&'i Party),
    /// Not named at all.
    Absent,
}

fn position<'i>(inst: &'i Instrument, ctx: &Context<'_>) -> Position<'i> {
    if let Some(p) = inst.party(ctx.counterpart) {
        return Position::Party(p);
    }
    if let Place::ForeignRegion { parent } = ctx.place
        && let Some(p) = inst.party(parent)
    {
        return if p.extended_to.iter().any(|r| r == ctx.counterpart) {
            Position::Extended(p)
        } else {
            Position::NotExtended(p)
        };
    }
    Position::Absent
}

fn not_applicable(inst: &Instrument, code: NotApplicableReason, reason: String) -> Assessment {
    Assessment::NotApplicable(NotApplicable {
        instrument_id: inst.id.clone(),
        title: inst.display_title().to_owned(),
        code,
        reason,
    })
}

/// Applies the rules shared by every kind once both sides are known: `other`
/// is the counterpart's party entry, or its parent's when `via` names the
/// region reached by extension. Checks, in order: coverage, in-force status
/// of the pair, acceptance of accessions, offence scope, reservations
/// excluding the assistance, reservations excluding the intended
/// transmission, and that some means of transmission remains.
fn applicable(
    inst: &Instrument,
    ctx: &Context<'_>,
    home: &Party,
    other: &Party,
    via: Option<&str>,
) -> Assessment {
    applicable_with(inst, ctx, home, other, via, None)
}

/// [`applicable`], with `unlisted` set when the counterpart is absent from a
/// party list not known complete: its status is then unknown, not "not in force".
fn applicable_with(
    inst: &Instrument,
    ctx: &Context<'_>,
    home: &Party,
    other: &Party,
    via: Option<&str>,
    unlisted: Option<String>,
) -> Assessment {
    use NotApplicableReason as R;
    let q = ctx.query;
    // A region reached by extension keeps its own dates when recorded (review finding 20).
    let region_party;
    let extension = via.and_then(|r| other.extension(r));
    let other = match extension.and_then(|e| e.effective_from.map(|d| (e, d))) {
        Some((e, from)) => {
            region_party = Party {
                entry_into_force: Some(from),
                termination_effective: e.effective_until.or(other.termination_effective),
                ..other.clone()
            };
            &region_party
        }
        None => other,
    };
    let Some(coverage) = inst.covers(q.matter, q.assistance) else {
        return not_applicable(
            inst,
            R::NotCovered,
            explanation::not_covered(inst, q.matter, q.assistance),
        );
    };

    let home_status = Status::of_party(home, q.on);
    let other_status = match &unlisted {
        Some(note) => Status::Uncertain(note.clone()),
        None => convention_status(inst, other, q.on),
    };
    let pair = Status::between(home_status.clone(), other_status.clone());
    if !pair.is_offerable() {
        // `between` returns the worse status; name the party it came from
        // unless both record the same dates.
        let (party, status) = if pair == other_status {
            (other, &other_status)
        } else {
            (home, &home_status)
        };
        let dates = explanation::status_dates(party, status);
        let reason = if explanation::same_dates(home, other)
            && inst.kind != InstrumentKind::MultilateralConvention
        {
            dates
        } else {
            format!("for {}: {dates}", party.jurisdiction)
        };
        return not_applicable(inst, explanation::status_code(&pair), reason);
    }

    let mut acceptance_uncertain = None;
    let mut acceptance_effect = None;
    let acceptance = if unlisted.is_some() {
        None
    } else {
        match acceptance(home, other, ctx) {
            Acceptance::NotNeeded => None,
            Acceptance::Accepted { note, effect } => {
                if let Some((d, _)) = effect {
                    if d.earliest() > q.on {
                        return not_applicable(
                            inst,
                            R::NotYetInForce,
                            format!("{note}; in force between them only from {}", d.describe()),
                        );
                    }
                    if d.latest() > q.on {
                        acceptance_uncertain =
                            Some(format!("{note}; it takes effect {}", d.describe()));
                    }
                }
                acceptance_effect = effect.map(|(d, _)| d);
                Some(note)
            }
            Acceptance::Unknown(note) => {
                acceptance_uncertain = Some(note.clone());
                Some(note)
            }
            Acceptance::Refused(reason) => {
                return not_applicable(inst, R::AccessionNotAccepted, reason);
            }
        }
    };

    let mut conditions = Vec::new();
    conditions.extend(coverage.conditions.iter().cloned());
    let offence = ctx.offence.as_deref();
    let scope_words: Vec<&str> = inst
        .offence_scope
        .iter()
        .map(|s| crate::offence::canonical(s).unwrap_or(s.as_str()))
        .collect();
    if !inst.offence_scope.is_empty() {
        let scope = scope_words.join(", ");
        match offence {
            Some(o) if !scope_words.contains(&o) => {
                return not_applicable(
                    inst,
                    R::OffenceOutOfScope,
                    format!("covers only offences of {scope}; not {o}"),
                );
            }
            Some(_) => {}
            None => conditions.push(format!("only for offences within its scope: {scope}")),
        }
    }

    // The statements that bind this request (review findings 5, 13): in
    // effect on the date, in the territory concerned, and binding requests
    // in the query's direction. The requested state's first.
    let statements = binding_statements(ctx, home, other, via);
    let excluding: Vec<String> = statements
        .iter()
        .filter(|(_, r)| r.excluded_assistances.contains(&q.assistance))
        .map(|(p, r)| {
            format!(
                "{} excludes {}{}",
                ctx.name(&p.jurisdiction),
                q.assistance,
                explanation::under(r)
            )
        })
        .collect();
    if !excluding.is_empty() {
        return not_applicable(inst, R::Reservation, excluding.join("; "));
    }
    let means = if q.assistance == Assistance::ServiceOfDocuments {
        "service"
    } else {
        "transmission"
    };
    let excluded: Vec<(&Party, &Reservation, &str)> = statements
        .iter()
        .flat_map(|(p, r)| {
            r.excluded_transmissions
                .iter()
                .flat_map(|t| canonical_means(t))
                .map(move |t| (*p, *r, t))
        })
        .collect();
    let offered: Vec<&str> = coverage
        .transmissions
        .iter()
        .flat_map(|t| canonical_means(t))
        .collect();
    let mut allowed: Vec<&str> = offered
        .iter()
        .copied()
        .filter(|t| !excluded.iter().any(|(_, _, x)| x == t))
        .collect();
    allowed.dedup();
    let mut exclusions: Vec<(&str, String)> = Vec::new();
    for (p, r, t) in &excluded {
        let line = format!(
            "no {means} by {t} ({} objects{})",
            p.jurisdiction,
            explanation::under(r)
        );
        if !exclusions.iter().any(|(_, l)| *l == line) {
            exclusions.push((t, line));
        }
    }
    if !coverage.transmissions.is_empty() && allowed.is_empty() {
        let lines: Vec<&str> = exclusions.iter().map(|(_, l)| l.as_str()).collect();
        return not_applicable(
            inst,
            R::Reservation,
            format!(
                "every recorded means of transmission is excluded: {}",
                lines.join("; ")
            ),
        );
    }
    // The means the caller intends, if any (review finding 21, below).
    let wanted: Vec<&str> = ctx
        .transmission
        .as_deref()
        .map(canonical_means)
        .unwrap_or_default();
    // Means governed by an article under which the requested state's
    // statements are not recorded are not listed as available (finding 5).
    let requested: &[&Party] = match q.direction {
        Direction::Both => &[other, home],
        Direction::Outgoing => &[other],
        Direction::Incoming => &[home],
    };
    let mut unrecorded: Vec<(String, Vec<String>)> = Vec::new();
    if unlisted.is_none() {
        allowed.retain(|t| {
            let Some(article) = coverage.transmission_articles.get(*t) else {
                return true;
            };
            if *t == "central_authority" || *t == "letter_of_request" {
                return true;
            }
            let missing: Vec<&&Party> = requested
                .iter()
                .filter(|p| !p.statements_recorded_for(article))
                .collect();
            if missing.is_empty() {
                return true;
            }
            for p in missing {
                let who = ctx.name(&p.jurisdiction).to_owned();
                let entry = format!("{t} ({article})");
                match unrecorded.iter_mut().find(|(w, _)| *w == who) {
                    Some((_, list)) => list.push(entry),
                    None => unrecorded.push((who, vec![entry])),
                }
            }
            false
        });
    }
    let transmission = if allowed.is_empty() {
        default_transmission(inst.kind).to_owned()
    } else {
        allowed.join(", ")
    };
    // An excluded intended means gets its own line below, not this one too.
    conditions.extend(
        exclusions
            .into_iter()
            .filter(|(t, _)| !wanted.contains(t))
            .map(|(_, line)| line),
    );
    for (who, list) in unrecorded {
        conditions.push(format!(
            "{}: subject to {who}'s declarations, not recorded",
            list.join(", ")
        ));
    }
    // An intended means that is not available keeps the instrument and says
    // why, whether a statement excludes it or the instrument does not provide
    // for it (review finding 21): the request can still go by the means left.
    if let Some(t) = ctx.transmission.as_deref() {
        let mut objections: Vec<String> = excluded
            .iter()
            .filter(|(_, _, x)| wanted.contains(x))
            .map(|(p, r, _)| {
                format!(
                    "{} objects{}",
                    ctx.name(&p.jurisdiction),
                    explanation::under(r)
                )
            })
            .collect();
        objections.dedup();
        let unavailable = if !objections.is_empty() {
            Some(objections.join("; "))
        } else if !coverage.transmissions.is_empty() && !wanted.iter().any(|w| offered.contains(w))
        {
            Some("not a recorded means of transmission under this instrument".to_owned())
        } else {
            None
        };
        if let Some(why) = unavailable {
            let by = if transmission.is_empty() {
                String::new()
            } else {
                format!("; use {transmission}")
            };
            conditions.insert(0, format!("{t} {means} not available: {why}{by}"));
        }
    }
    // Statements that exclude nothing still bind (languages, time limits).
    for (p, r) in &statements {
        if r.excluded_assistances.is_empty() && r.excluded_transmissions.is_empty() {
            if matches!(r.kind, Some(StatementKind::Withdrawal)) {
                continue;
            }
            let kind = r.kind.map_or("declaration", |k| k.as_str());
            let article = if r.article.is_empty() {
                String::new()
            } else {
                format!(" under {}", r.article)
            };
            let text = if r.text.is_empty() {
                String::new()
            } else {
                format!(": {}", r.text)
            };
            conditions.push(format!("{} {kind}{article}{text}", p.jurisdiction));
        }
    }
    if let Some(region) = via {
        conditions.push(match extension.and_then(|e| e.effective_from) {
            Some(from) => format!(
                "applies to {region} through {}'s extension, from {}; {}'s declarations apply to {region} only where they say so",
                other.jurisdiction,
                from.describe(),
                other.jurisdiction
            ),
            None => format!(
                "applies to {region} through {}'s extension; {}'s dates are assumed for {region}, and its declarations apply there only where they say so",
                other.jurisdiction, other.jurisdiction
            ),
        });
    }
    if inst.kind == InstrumentKind::BilateralTreaty && matches!(pair, Status::Uncertain(_)) {
        // Review finding 19.
        conditions.push(
            "if it is in force, this treaty is the more specific instrument and takes precedence over a convention offered before it; the order rests only on what the recorded dates prove"
                .to_owned(),
        );
    }

    let mut uncertain = matches!(pair, Status::Uncertain(_))
        .then(|| explanation::uncertainty(inst.kind, (home, &home_status), (other, &other_status)));
    if let Some(a) = acceptance_uncertain {
        uncertain = Some(match uncertain {
            Some(u) => format!("{u}; {a}"),
            None => a,
        });
    }
    let mut summary = explanation::summary(inst, ctx, home, other, via, uncertain.as_deref());
    if let Some(d) = acceptance_effect
        && uncertain.is_none()
    {
        summary.push_str(&format!(
            " (between them from {}, the acceptance's effect)",
            d.describe()
        ));
    }
    if q.explain {
        let trace = Trace {
            inst,
            coverage,
            home: (ctx.name(ctx.home), home, &home_status),
            other: (ctx.name(&other.jurisdiction), other, &other_status),
            via,
            acceptance,
            offence,
            transmission: &transmission,
        };
        summary.push_str(". ");
        summary.push_str(&trace.render());
    }
    let channel = Channel {
        kind: channel_kind(inst.kind),
        instrument_id: Some(inst.id.clone()),
        title: inst.display_title().to_owned(),
        articles: coverage.articles.clone(),
        home_authority: home
            .authority_for(q.matter, q.assistance)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| reciprocity::default_authority(ctx, inst.kind)),
        foreign_authority: match (via, extension) {
            (None, _) => other
                .authority_for(q.matter, q.assistance)
                .map(|a| a.name.clone()),
            (Some(_), Some(e)) => e
                .central_authorities
                .iter()
                .find(|a| a.serves(q.matter, q.assistance))
                .map(|a| a.name.clone()),
            (Some(_), None) => None,
        }
        .unwrap_or_else(|| "not recorded".to_owned()),
        transmission,
        conditions,
        explanation: summary,
        uncertain,
    };
    let order = Order::of(inst, ctx, home, other, &channel);
    Assessment::Offered(Offer {
        channel,
        order,
        unlisted: false,
    })
}

/// What the record says about acceptance of accessions between two parties.
enum Acceptance {
    /// Neither party's accession needs acceptance.
    NotNeeded,
    /// An acceptance is recorded; `effect` is its day of effect, if known.
    Accepted {
        note: String,
        effect: Option<(PartialDate, bool)>,
    },
    /// Nothing is recorded either way: unknown, not refused (review finding 2).
    Unknown(String),
    /// An objection to the accession is recorded.
    Refused(String),
}

/// Whether accessions that need acceptance count between the two parties.
/// A lone accession counts once the other party accepted it; when both
/// acceded, an acceptance either way establishes the relation (Hague
/// Evidence Art. 39(4)), from its effect (Art. 39(5): the 60th day after the
/// deposit, computed when only the deposit is known). An acceptance limited
/// to regions of the accepting state does not establish the relation for the
/// rest of it: uncertain.
fn acceptance(home: &Party, other: &Party, ctx: &Context<'_>) -> Acceptance {
    let (h, o) = (home.jurisdiction.as_str(), other.jurisdiction.as_str());
    fn refused<'a>(
        objector: &'a Party,
        acceding: &str,
        ctx: &Context<'_>,
    ) -> Option<&'a Reservation> {
        objector.reservations.iter().find(|r| {
            r.kind == Some(StatementKind::Objection)
                && r.objects_to.iter().any(|x| x == acceding)
                && r.in_effect(ctx.query.on) != InEffect::No
        })
    }
    // (acceding, accepting) pairs that matter.
    let mut pairs: Vec<(&Party, &Party)> = Vec::new();
    if home.accession_requires_acceptance {
        pairs.push((home, other));
    }
    if other.accession_requires_acceptance {
        pairs.push((other, home));
    }
    if pairs.is_empty() {
        return Acceptance::NotNeeded;
    }
    let mut partial = Vec::new();
    for (acceding, accepting) in &pairs {
        if let Some(a) = acceding.acceptance_by(&accepting.jurisdiction) {
            let who = format!(
                "{} accepted {}'s accession",
                accepting.jurisdiction, acceding.jurisdiction
            );
            if !a.is_whole_state() {
                partial.push(format!(
                    "{who} for {} only; for the rest of {} it is not recorded",
                    a.territories.join(" and "),
                    accepting.jurisdiction
                ));
                continue;
            }
            let effect = a.effect();
            let note = match effect {
                Some((d, false)) => format!("{who}, with effect from {}", d.describe()),
                Some((d, true)) => format!(
                    "{who}; deposited {}, effect from {} (computed: 60th day after deposit, Art. 39(5))",
                    a.deposited.map(|x| x.describe()).unwrap_or_default(),
                    d.describe()
                ),
                None => format!("{who} (date not recorded)"),
            };
            let note = if pairs.len() == 2 {
                format!("both acceded; the relation rests on {note}")
            } else {
                note
            };
            return Acceptance::Accepted { note, effect };
        }
    }
    for (acceding, accepting) in &pairs {
        if let Some(r) = refused(accepting, &acceding.jurisdiction, ctx) {
            return Acceptance::Refused(format!(
                "{} objects to {}'s accession{}",
                accepting.jurisdiction,
                acceding.jurisdiction,
                explanation::under(r)
            ));
        }
    }
    if !partial.is_empty() {
        return Acceptance::Unknown(partial.join("; "));
    }
    Acceptance::Unknown(if pairs.len() == 2 {
        format!(
            "both acceded and neither {h}'s acceptance of {o}'s accession nor {o}'s of {h}'s is recorded (unknown, not refused)"
        )
    } else {
        let (acceding, accepting) = pairs[0];
        format!(
            "{}'s accession needs acceptance and {}'s acceptance is not recorded (unknown, not refused)",
            acceding.jurisdiction, accepting.jurisdiction
        )
    })
}

/// The statements of the two parties that bind this request, the requested
/// state's first: in effect (or possibly in effect) on the date, applying in
/// the territory concerned, and binding requests in the query's direction.
fn binding_statements<'p>(
    ctx: &Context<'_>,
    home: &'p Party,
    other: &'p Party,
    via: Option<&str>,
) -> Vec<(&'p Party, &'p Reservation)> {
    let q = ctx.query;
    let mut out = Vec::new();
    for (p, is_other) in [(other, true), (home, false)] {
        let territory = if is_other {
            via.unwrap_or(p.jurisdiction.as_str())
        } else {
            p.jurisdiction.as_str()
        };
        for r in &p.reservations {
            if r.in_effect(q.on) == InEffect::No || !r.applies_in(territory) {
                continue;
            }
            // `to_declaring`: the request is sent to this party.
            let binds = match q.direction {
                Direction::Both => r.binds_request(true) || r.binds_request(false),
                Direction::Outgoing => r.binds_request(is_other),
                Direction::Incoming => r.binds_request(!is_other),
            };
            if binds {
                out.push((p, r));
            }
        }
    }
    out
}

/// A convention party's status; a listed party with an accession or
/// ratification but no entry-into-force date is a party whose date is
/// unknown, not one for which nothing is in force.
fn convention_status(inst: &Instrument, party: &Party, on: crate::date::CalendarDate) -> Status {
    let status = Status::of_party(party, on);
    match status {
        Status::NotInForce { .. }
            if inst.kind == InstrumentKind::MultilateralConvention
                && party.termination_effective.is_none()
                && (party.ratified.is_some() || party.sources.iter().any(|s| !s.is_empty())) =>
        {
            let acted = party
                .ratified
                .map(|r| format!("ratified or acceded {}; ", r.describe()))
                .unwrap_or_default();
            if party.ratified.is_some_and(|r| r.earliest() > on) {
                return Status::NotYetInForce(party.ratified.expect("checked"));
            }
            Status::Uncertain(format!("{acted}entry-into-force date not recorded"))
        }
        other => other,
    }
}

/// The means assumed when the coverage records none.
fn default_transmission(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Arrangement => "designated_authorities",
        InstrumentKind::BilateralTreaty
        | InstrumentKind::MultilateralConvention
        | InstrumentKind::DomesticLaw => "central_authority",
    }
}

fn channel_kind(kind: InstrumentKind) -> ChannelKind {
    match kind {
        InstrumentKind::BilateralTreaty => ChannelKind::BilateralTreaty,
        InstrumentKind::MultilateralConvention => ChannelKind::MultilateralConvention,
        InstrumentKind::Arrangement => ChannelKind::Arrangement,
        // Never offered (`assess` ignores statutes); the law's own channel.
        InstrumentKind::DomesticLaw => ChannelKind::Reciprocity,
    }
}
