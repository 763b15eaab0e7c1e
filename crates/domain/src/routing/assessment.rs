//! Whether one instrument applies to a query, and if not, why.

use crate::instrument::{Instrument, Party, Reservation};
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
                not_applicable(
                    inst,
                    NotApplicableReason::NotAParty,
                    format!("{} is not a recorded party", ctx.counterpart),
                )
            }
            Position::NotExtended(_) | Position::Absent => Assessment::Ignored,
        },
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
    use NotApplicableReason as R;
    let q = ctx.query;
    let Some(coverage) = inst.covers(q.matter, q.assistance) else {
        return not_applicable(
            inst,
            R::NotCovered,
            explanation::not_covered(inst, q.matter, q.assistance),
        );
    };

    let home_status = Status::of_party(home, q.on);
    let other_status = Status::of_party(other, q.on);
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

    let acceptance = match acceptance(home, other) {
        Ok(note) => note,
        Err(reason) => return not_applicable(inst, R::AccessionNotAccepted, reason),
    };

    let mut conditions = Vec::new();
    let offence = ctx.offence.as_deref();
    if !inst.offence_scope.is_empty() {
        let scope = inst.offence_scope.join(", ");
        match offence {
            Some(o) if !inst.offence_scope.iter().any(|s| s == o) => {
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

    // The requested state's reservations first: when the home state
    // requests, that is the counterpart.
    let sides = [other, home];
    let reservations = || {
        sides
            .into_iter()
            .flat_map(|p| p.reservations.iter().map(move |r| (p, r)))
    };
    let excluding: Vec<String> = reservations()
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
    // Objections to a means of transmission bind requests sent to the
    // objecting state only (see `Direction`).
    let objecting: &[&Party] = match q.direction {
        Direction::Both => &[other, home],
        Direction::Outgoing => &[other],
        Direction::Incoming => &[home],
    };
    let objections_of = || {
        objecting
            .iter()
            .copied()
            .flat_map(|p| p.reservations.iter().map(move |r| (p, r)))
    };
    if let Some(t) = ctx.transmission.as_deref() {
        let objections: Vec<String> = objections_of()
            .filter(|(_, r)| r.excluded_transmissions.iter().any(|x| x == t))
            .map(|(p, r)| {
                format!(
                    "{} objects{} to {t} {means}",
                    ctx.name(&p.jurisdiction),
                    explanation::under(r)
                )
            })
            .collect();
        if !objections.is_empty() {
            return not_applicable(inst, R::Reservation, objections.join("; "));
        }
    }

    let excluded: Vec<(&Party, &Reservation, &str)> = objections_of()
        .flat_map(|(p, r)| {
            r.excluded_transmissions
                .iter()
                .map(move |t| (p, r, t.as_str()))
        })
        .collect();
    let allowed: Vec<&str> = coverage
        .transmissions
        .iter()
        .map(String::as_str)
        .filter(|t| !excluded.iter().any(|(_, _, x)| x == t))
        .collect();
    let exclusions: Vec<String> = excluded
        .iter()
        .map(|(p, r, t)| {
            format!(
                "no {means} by {t} ({} objects{})",
                p.jurisdiction,
                explanation::under(r)
            )
        })
        .collect();
    if !coverage.transmissions.is_empty() && allowed.is_empty() {
        return not_applicable(
            inst,
            R::Reservation,
            format!(
                "every recorded means of transmission is excluded: {}",
                exclusions.join("; ")
            ),
        );
    }
    let transmission = if allowed.is_empty() {
        default_transmission(inst.kind).to_owned()
    } else {
        allowed.join(", ")
    };
    conditions.extend(exclusions);
    if let Some(t) = ctx.transmission.as_deref()
        && !coverage.transmissions.is_empty()
        && !coverage.transmissions.iter().any(|x| x == t)
    {
        conditions.push(format!(
            "{t} is not a recorded means of transmission under this instrument"
        ));
    }
    // Declarations that exclude nothing still bind (languages, time limits).
    for (p, r) in reservations() {
        if r.excluded_assistances.is_empty() && r.excluded_transmissions.is_empty() {
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
            conditions.push(format!("{} declaration{article}{text}", p.jurisdiction));
        }
    }
    if let Some(region) = via {
        conditions.push(format!(
            "applies to {region} through {}'s extension; {}'s dates and declarations are assumed for {region}",
            other.jurisdiction, other.jurisdiction
        ));
    }

    let uncertain = matches!(pair, Status::Uncertain(_))
        .then(|| explanation::uncertainty(inst.kind, (home, &home_status), (other, &other_status)));
    let mut summary = explanation::summary(inst, ctx, home, other, via, uncertain.as_deref());
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
        foreign_authority: via
            .is_none()
            .then(|| other.authority_for(q.matter, q.assistance))
            .flatten()
            .map_or_else(|| "not recorded".to_owned(), |a| a.name.clone()),
        transmission,
        conditions,
        explanation: summary,
        uncertain,
    };
    let order = Order::of(inst, ctx, home, other, &channel);
    Assessment::Offered(Offer { channel, order })
}

/// Whether accessions that need acceptance count between the two parties.
/// A lone accession counts once the other party accepted it; when both
/// acceded, an acceptance either way establishes the relation (Hague
/// Evidence Art. 39(4): in force between the acceding state and the state
/// that declared acceptance). Ok carries a note for the trace.
fn acceptance(home: &Party, other: &Party) -> Result<Option<String>, String> {
    let (h, o) = (home.jurisdiction.as_str(), other.jurisdiction.as_str());
    let o_accepted_h = home.accepted_by.iter().any(|x| x == o);
    let h_accepted_o = other.accepted_by.iter().any(|x| x == h);
    match (
        home.accession_requires_acceptance,
        other.accession_requires_acceptance,
    ) {
        (false, false) => Ok(None),
        (true, false) if o_accepted_h => Ok(Some(format!("{o} accepted {h}'s accession"))),
        (true, false) => Err(format!(
            "{h}'s accession needs acceptance and {o} is not recorded as accepting it"
        )),
        (false, true) if h_accepted_o => Ok(Some(format!("{h} accepted {o}'s accession"))),
        (false, true) => Err(format!(
            "{o}'s accession needs acceptance and {h} is not recorded as accepting it"
        )),
        (true, true) if o_accepted_h || h_accepted_o => Ok(Some(format!(
            "both acceded; the relation rests on {}",
            if o_accepted_h {
                format!("{o}'s acceptance of {h}'s accession")
            } else {
                format!("{h}'s acceptance of {o}'s accession")
            }
        ))),
        (true, true) => Err(format!(
            "both acceded and neither {h} nor {o} is recorded as accepting the other's accession"
        )),
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
