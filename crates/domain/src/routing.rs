//! The routing rules: through which channels the home state cooperates with a
//! counterpart for one request on one date, in order of preference, and why
//! each other instrument considered does not apply.
//!
//! The rules (see DESIGN.md, "Routing rules"):
//! 1. With a region of the home state only an arrangement between the two
//!    applies; the state's treaties and conventions never govern its
//!    cooperation with its own regions, extended to them or not (an extension
//!    governs the region's relations with other states), and are reported as
//!    not reaching it; the last resort is inter-regional cooperation outside
//!    the arrangements, never diplomatic reciprocity.
//! 2. A bilateral treaty applies when in force for both parties on the date
//!    and covering the matter and assistance.
//! 3. A multilateral convention applies when in force for both parties,
//!    accessions accepted, covering the request, within its offence scope and
//!    not excluded by a reservation of either party.
//! 4. The home law's channel without an instrument (diplomatic channels on
//!    reciprocity; for foreign judgments and awards, the party's application
//!    to the court) is offered last, from the statute text in force on the
//!    date. When a certain instrument applies, the home law confines it to
//!    what the instrument does not govern (CN: CPL Art. 294(1); ICJA Arts
//!    5(3), 13(2); Extradition Law Art. 15) and the channel says so.
//!
//! Channels are ordered: certain before uncertain; within each, arrangements,
//! then bilateral treaties, then conventions; among treaties the more specific
//! treaty type first, then the most recent entry into force; then by id; the
//! reciprocity (or inter-regional) fallback last.

use std::cmp::Reverse;
use std::collections::HashSet;

use thiserror::Error;

use crate::date::CalendarDate;
use crate::instrument::{Instrument, Party};
use crate::jurisdiction::{Jurisdiction, JurisdictionKind};
use crate::validation::JurisdictionLookup;
use crate::vocabulary::{Assistance, ChannelKind, InstrumentKind, Matter, TreatyType};

mod assessment;
mod catalog;
mod explanation;
mod interval;
mod reciprocity;

#[cfg(test)]
mod answer_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod review_tests;
#[cfg(test)]
mod tests;

pub use catalog::{Catalog, Listed};
pub use interval::{DateBoundaries, DateInterval, instrument_dates, party_dates};
pub use reciprocity::{
    Applies, Condition as ReciprocityCondition, ReciprocityRule, has_national_rules,
    reciprocity_rule,
};

/// One channel query: the counterpart, the request and the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteQuery {
    /// Jurisdiction code of the foreign state or region (`FR`, `HK`).
    pub counterpart: String,
    /// Civil/commercial or criminal.
    pub matter: Matter,
    /// The assistance requested.
    pub assistance: Assistance,
    /// The date the request would be made.
    pub on: CalendarDate,
    /// The offence, for instruments limited to some offences (`corruption`).
    pub offence: Option<String>,
    /// A means of transmission the requester intends (`postal`).
    pub transmission: Option<String>,
    /// Whether each channel carries a step-by-step explanation.
    pub explain: bool,
    /// Which way the request travels; decides whose objections to a means
    /// of transmission apply.
    pub direction: Direction,
}

/// Which way a request travels between the home state and the counterpart.
///
/// An objection to a means of transmission (such as an objection under
/// Art. 10 of the Hague Service Convention to service by post) protects the
/// objecting state's territory: it binds requests sent *to* that state.
/// Reservations that exclude a kind of assistance bind both ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Not stated: every objection of either state applies (the cautious answer).
    #[default]
    Both,
    /// The home state requests; the counterpart's objections apply.
    Outgoing,
    /// The counterpart requests; the home state's objections apply.
    Incoming,
}

impl RouteQuery {
    /// A query with no offence, no intended transmission and no trace.
    pub fn new(
        counterpart: impl Into<String>,
        matter: Matter,
        assistance: Assistance,
        on: CalendarDate,
    ) -> Self {
        Self {
            counterpart: counterpart.into(),
            matter,
            assistance,
            on,
            offence: None,
            transmission: None,
            explain: false,
            direction: Direction::Both,
        }
    }
}

/// A channel through which the request can travel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Treaty, convention, arrangement or reciprocity.
    pub kind: ChannelKind,
    /// The instrument's id; None for reciprocity and inter-regional cooperation.
    pub instrument_id: Option<String>,
    /// The instrument's title, or a description of the fallback.
    pub title: String,
    /// Articles (or, for the fallback, the legal basis) providing for it.
    pub articles: String,
    /// The home state's central or liaison authority for this request.
    pub home_authority: String,
    /// The counterpart's authority, or `not recorded`.
    pub foreign_authority: String,
    /// Means of transmission, comma-separated (`central_authority, diplomatic`).
    pub transmission: String,
    /// Conditions and caveats: reservations, scope, assurances.
    pub conditions: Vec<String>,
    /// A one-line summary; with `explain`, followed by the full trace.
    pub explanation: String,
    /// What is unknown when the dates cannot prove the instrument in force.
    pub uncertain: Option<String>,
}

/// Why an instrument considered does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NotApplicableReason {
    /// Entry into force is after the date.
    NotYetInForce,
    /// No entry into force is recorded.
    NotInForce,
    /// Termination took effect on or before the date.
    Terminated,
    /// It does not cover the matter and assistance.
    NotCovered,
    /// The counterpart (or the home state) is not a recorded party.
    NotAParty,
    /// A reservation of either party excludes the assistance or transmission.
    Reservation,
    /// The offence is outside its scope.
    OffenceOutOfScope,
    /// The counterpart is a region it does not reach.
    RegionNotCovered,
    /// An accession needing acceptance has not been accepted.
    AccessionNotAccepted,
}

impl NotApplicableReason {
    /// The stable snake_case name (`not_yet_in_force`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotApplicableReason::NotYetInForce => "not_yet_in_force",
            NotApplicableReason::NotInForce => "not_in_force",
            NotApplicableReason::Terminated => "terminated",
            NotApplicableReason::NotCovered => "not_covered",
            NotApplicableReason::NotAParty => "not_a_party",
            NotApplicableReason::Reservation => "reservation",
            NotApplicableReason::OffenceOutOfScope => "offence_out_of_scope",
            NotApplicableReason::RegionNotCovered => "region_not_covered",
            NotApplicableReason::AccessionNotAccepted => "accession_not_accepted",
        }
    }
}

/// An instrument that was considered and does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotApplicable {
    /// The instrument's id.
    pub instrument_id: String,
    /// The instrument's title.
    pub title: String,
    /// Why, as a code.
    pub code: NotApplicableReason,
    /// Why, in words, with the dates involved.
    pub reason: String,
}

/// The answer to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteAnswer {
    /// Channels that apply, primary first; the fallback is always last.
    pub channels: Vec<Channel>,
    /// Instruments considered that do not apply, by instrument id.
    pub not_applicable: Vec<NotApplicable>,
}

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RouteError {
    /// The counterpart code is not a known jurisdiction.
    #[error("unknown counterpart jurisdiction {0}")]
    UnknownCounterpart(String),
    /// The counterpart is the home state itself.
    #[error("counterpart {0} is the home state")]
    CounterpartIsHome(String),
    /// The offence is not a word of the offence vocabulary (`crate::offence`).
    #[error("unknown offence {0:?}; known offences: {1}")]
    UnknownOffence(String, String),
}

/// Returns the channels through which `home` cooperates with the query's
/// counterpart, in order of preference with the fallback last, and the
/// instruments that do not apply with their reasons.
///
/// The rules choose from `catalog` the instruments to consider: those
/// naming the counterpart, every multilateral convention, and for a region
/// its parent's (a foreign region) or the home state's treaties extended to
/// it (a region of the home state). Each id is considered once.
pub fn route(
    home: &str,
    catalog: &dyn Catalog,
    query: &RouteQuery,
) -> Result<RouteAnswer, RouteError> {
    let ctx = Context::new(home, catalog, query)?;
    let candidates = catalog::candidates(home, ctx.counterpart, ctx.place, catalog);
    let mut offers = Vec::new();
    let mut not_applicable = Vec::new();
    let mut seen = HashSet::new();
    for inst in candidates {
        if !seen.insert(inst.id.as_str()) {
            continue;
        }
        match assessment::assess(inst, &ctx) {
            Assessment::Ignored => {}
            Assessment::Offered(offer) => offers.push(offer),
            Assessment::NotApplicable(na) => match transitional(inst, &ctx, na) {
                Ok(offer) => offers.push(offer),
                Err(na) => not_applicable.push(na),
            },
        }
    }
    offers.sort_by(|a, b| a.order.cmp(&b.order));
    not_applicable.sort_by(|a, b| a.instrument_id.cmp(&b.instrument_id));
    // A convention whose party list does not name the counterpart may apply
    // (issue 16 item 3): the fallback says so.
    let may_apply: Vec<String> = offers
        .iter()
        .filter(|o| o.unlisted)
        .map(|o| {
            let why = o.channel.uncertain.as_deref().unwrap_or_default();
            format!("a convention may apply: {} ({why})", o.channel.title)
        })
        .collect();
    let mut channels: Vec<Channel> = offers.into_iter().map(|o| o.channel).collect();
    let mut fallback = reciprocity::fallback(&ctx, &channels);
    fallback.conditions.extend(may_apply);
    channels.push(fallback);
    Ok(RouteAnswer {
        channels,
        not_applicable,
    })
}

/// A terminated instrument whose home party records a transitional end
/// (`Party::continues_for`) still governs what that clause names: it is
/// offered with the limit as its first condition, the termination date in
/// its explanation (review finding 16: the 2006 Mainland-HK choice-of-court
/// arrangement for agreements concluded before 2024-01-29). Anything else
/// comes back unchanged.
fn transitional(
    inst: &Instrument,
    ctx: &Context<'_>,
    na: NotApplicable,
) -> Result<Offer, NotApplicable> {
    let Some(home) = inst.party(ctx.home) else {
        return Err(na);
    };
    if na.code != NotApplicableReason::Terminated || home.continues_for.is_empty() {
        return Err(na);
    }
    let mut alive = inst.clone();
    for p in &mut alive.parties {
        p.termination_effective = None;
        p.termination_notice = None;
    }
    match assessment::assess(&alive, ctx) {
        Assessment::Offered(mut offer) => {
            let end = home
                .termination_effective
                .map(|d| d.describe())
                .unwrap_or_else(|| "a date not recorded".to_owned());
            offer.channel.conditions.insert(
                0,
                format!(
                    "only for {}; otherwise terminated with effect from {end}",
                    home.continues_for
                ),
            );
            offer.channel.explanation = format!(
                "{}; terminated with effect from {end}, it still governs {} (a transitional end)",
                offer.channel.explanation, home.continues_for
            );
            Ok(offer)
        }
        Assessment::Ignored | Assessment::NotApplicable(_) => Err(na),
    }
}

/// Returns the primary channel only: the first that [`route`] returns (the
/// fallback when nothing else applies). "Primary" means the first channel the
/// recorded dates *prove* available: a certain convention comes before a
/// bilateral treaty whose entry into force is uncertain, although that
/// treaty, if in force, takes precedence (its conditions say so).
pub fn primary(
    home: &str,
    catalog: &dyn Catalog,
    query: &RouteQuery,
) -> Result<Channel, RouteError> {
    let answer = route(home, catalog, query)?;
    Ok(answer
        .channels
        .into_iter()
        .next()
        .expect("route always offers the fallback channel"))
}

/// How the counterpart relates to the home state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place<'a> {
    /// A state (or a jurisdiction recorded without a parent).
    State,
    /// A region of the home state (HK, MO for CN).
    OwnRegion,
    /// A region of another state.
    ForeignRegion { parent: &'a str },
}

impl<'a> Place<'a> {
    /// Where `found` stands relative to `home`.
    fn of(home: &str, found: &'a Jurisdiction) -> Place<'a> {
        if found.is_region_of(home) {
            Place::OwnRegion
        } else {
            match (found.kind, found.parent.as_deref()) {
                (JurisdictionKind::Region, Some(parent)) => Place::ForeignRegion { parent },
                _ => Place::State,
            }
        }
    }
}

/// Everything the rules need about one query, resolved once.
struct Context<'a> {
    home: &'a str,
    counterpart: &'a str,
    place: Place<'a>,
    jurisdictions: &'a dyn JurisdictionLookup,
    query: &'a RouteQuery,
    /// The query's offence, normalised to a snake_case token.
    offence: Option<String>,
    /// The query's intended transmission, normalised.
    transmission: Option<String>,
}

impl<'a> Context<'a> {
    fn new(
        home: &'a str,
        jurisdictions: &'a dyn JurisdictionLookup,
        query: &'a RouteQuery,
    ) -> Result<Self, RouteError> {
        let counterpart = query.counterpart.as_str();
        if counterpart == home {
            return Err(RouteError::CounterpartIsHome(counterpart.to_owned()));
        }
        let found = jurisdictions
            .jurisdiction(counterpart)
            .ok_or_else(|| RouteError::UnknownCounterpart(counterpart.to_owned()))?;
        let place = Place::of(home, found);
        let offence = match query.offence.as_deref().and_then(token) {
            Some(word) => Some(
                crate::offence::canonical(&word)
                    .ok_or_else(|| {
                        RouteError::UnknownOffence(word.clone(), crate::offence::known_words())
                    })?
                    .to_owned(),
            ),
            None => None,
        };
        Ok(Self {
            home,
            counterpart,
            place,
            jurisdictions,
            query,
            offence,
            transmission: query.transmission.as_deref().and_then(token),
        })
    }

    /// The display name of a jurisdiction, or its code when unknown.
    fn name(&self, code: &'a str) -> &'a str {
        self.jurisdictions
            .jurisdiction(code)
            .map_or(code, |j| j.display_name.as_str())
    }
}

/// Normalises free text to the snake_case tokens instruments use; None when empty.
fn token(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    (!t.is_empty()).then_some(t)
}

/// The outcome of considering one candidate.
enum Assessment {
    /// Not relevant to this home state and counterpart.
    Ignored,
    /// Applies.
    Offered(Offer),
    /// Relevant, but does not apply.
    NotApplicable(NotApplicable),
}

/// A channel with the key that orders it among the others.
struct Offer {
    channel: Channel,
    order: Order,
    /// Offered although the counterpart is absent from a party list not
    /// known complete: the fallback says such a convention may apply.
    unlisted: bool,
}

/// Sort key: fields compare in declaration order, smallest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    /// Certain channels come before uncertain ones.
    uncertain: bool,
    /// Arrangements, then bilateral treaties, then conventions.
    kind: u8,
    /// The more specific instrument first (an extradition treaty before a
    /// civil-and-criminal one; a convention whose offence scope names the
    /// offence before a general one).
    specificity: u8,
    /// The most recent entry into force first (unknown last).
    since: Reverse<Option<CalendarDate>>,
    /// Stable tie-break.
    id: String,
}

impl Order {
    /// The key of a channel offered from `inst` between `home` and `other`.
    fn of(
        inst: &Instrument,
        ctx: &Context<'_>,
        home: &Party,
        other: &Party,
        channel: &Channel,
    ) -> Order {
        let kind = match inst.kind {
            InstrumentKind::Arrangement => 0,
            InstrumentKind::BilateralTreaty => 1,
            InstrumentKind::MultilateralConvention => 2,
            InstrumentKind::DomesticLaw => 3,
        };
        let specificity = match (inst.kind, inst.treaty_type) {
            (InstrumentKind::BilateralTreaty, Some(t)) => match t {
                TreatyType::Extradition | TreatyType::TransferOfSentencedPersons => 0,
                TreatyType::CivilCommercial | TreatyType::Criminal => 1,
                TreatyType::CivilAndCriminal => 2,
            },
            (InstrumentKind::MultilateralConvention, _) => {
                match (inst.offence_scope.is_empty(), ctx.offence.is_some()) {
                    (false, true) => 0, // its scope names the offence
                    (true, _) => 1,
                    (false, false) => 2, // offered only on condition of scope
                }
            }
            _ => 0,
        };
        Order {
            uncertain: channel.uncertain.is_some(),
            kind,
            specificity,
            since: Reverse(start(home).max(start(other))),
            id: inst.id.clone(),
        }
    }
}

/// The latest day a party's participation can have started, for recency.
fn start(party: &Party) -> Option<CalendarDate> {
    party
        .entry_into_force
        .or(party.in_force_as_of)
        .map(|d| d.latest())
}
