//! Instruments (treaties, conventions, arrangements) and their parties.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::{CalendarDate, PartialDate};
use crate::requirement::Requirement;
use crate::vocabulary::{Assistance, InstrumentKind, Matter, TreatyType};

mod field;

pub use field::{InstrumentField, changed_fields};

/// What sort of statement a [`Reservation`] record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// A reservation (excludes or modifies a provision for the reserving party).
    Reservation,
    /// A declaration (a choice the instrument allows, e.g. Hague Service Art. 5(3), 8(2), 15(2)).
    Declaration,
    /// An objection (to a means of transmission, or to another state's accession or reservation).
    Objection,
    /// The withdrawal of an earlier statement; ends it from `effective_from`.
    Withdrawal,
    /// A notification (authorities, languages, legal basis under UNTOC Art. 16(5)).
    Notification,
}

impl StatementKind {
    /// Every value, in contract order.
    pub const ALL: &'static [StatementKind] = &[
        StatementKind::Reservation,
        StatementKind::Declaration,
        StatementKind::Objection,
        StatementKind::Withdrawal,
        StatementKind::Notification,
    ];

    /// The snake_case name used in datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::Reservation => "reservation",
            StatementKind::Declaration => "declaration",
            StatementKind::Objection => "objection",
            StatementKind::Withdrawal => "withdrawal",
            StatementKind::Notification => "notification",
        }
    }

    /// Parses a name case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        Self::ALL.iter().copied().find(|k| k.as_str() == t)
    }
}

impl std::fmt::Display for StatementKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whom a statement binds: which requests must respect it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binds {
    /// Requests sent to the declaring state (executed or served in its territory):
    /// China's Art. 10 objection, its Art. 5(3) language requirement, its Evidence Art. 23 declaration.
    RequestsToDeclaringState,
    /// Requests the declaring state sends.
    RequestsFromDeclaringState,
    /// Requests either way (a reservation excluding a kind of assistance; Evidence Art. 33(3) reciprocity).
    Both,
    /// Not about requests at all (dispute settlement between states: UNTOC Art. 35(2), UNCAC Art. 66(2)).
    NotAboutRequests,
}

impl Binds {
    /// Every value, in contract order.
    pub const ALL: &'static [Binds] = &[
        Binds::RequestsToDeclaringState,
        Binds::RequestsFromDeclaringState,
        Binds::Both,
        Binds::NotAboutRequests,
    ];

    /// The snake_case name used in datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            Binds::RequestsToDeclaringState => "requests_to_declaring_state",
            Binds::RequestsFromDeclaringState => "requests_from_declaring_state",
            Binds::Both => "both",
            Binds::NotAboutRequests => "not_about_requests",
        }
    }

    /// Parses a name case-insensitively.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.iter().copied().find(|k| k.as_str() == t)
    }
}

impl std::fmt::Display for Binds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statement of a party: a reservation, declaration, objection, withdrawal
/// or notification, with what it excludes or requires, whom it binds and the
/// period it covers. (The wire and file name `reservations` is kept for
/// compatibility; [`Statement`] is the same type.)
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Reservation {
    /// The article concerned (`Art. 10`).
    pub article: String,
    /// Its text or a summary.
    pub text: String,
    /// Kinds of assistance it excludes for this party.
    pub excluded_assistances: Vec<Assistance>,
    /// Means of transmission it excludes (`postal`; old names are aliases, see [`canonical_means`]).
    pub excluded_transmissions: Vec<String>,
    /// What sort of statement it is; None when the record does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<StatementKind>,
    /// Whom it binds; None derives it: exclusions of a means bind requests
    /// to the declaring state, anything else binds both ways.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binds: Option<Binds>,
    /// First day it has effect; None: from the party's participation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<PartialDate>,
    /// Last day it has effect (withdrawn after); None: still in effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<PartialDate>,
    /// Where it comes from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// A language the documents must be in or translated into (`Chinese`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub required_language: String,
    /// States whose accession (or statement) an objection concerns; an
    /// objection to a state's accession needing acceptance is a refusal.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects_to: Vec<String>,
    /// Where it applies: empty for the party's whole territory; otherwise the
    /// codes it covers, the party's own code standing for its territory
    /// without the regions it extended the instrument to (`["CN"]`: the Mainland).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Notes (inferred, conflicting sources).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// A party's statement; the same type as [`Reservation`].
pub type Statement = Reservation;

/// Whether something dated holds on a day: yes, no, or unknown because a
/// partial date straddles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InEffect {
    /// It holds on the day.
    Yes,
    /// It does not hold on the day.
    No,
    /// A partial date makes it undecidable.
    Unknown,
}

impl Reservation {
    /// Whom it binds, derived when the record does not say.
    #[allow(clippy::unnecessary_lazy_evaluations)]
    pub fn binds(&self) -> Binds {
        let derived =
            if !self.excluded_transmissions.is_empty() && self.excluded_assistances.is_empty() {
                Binds::RequestsToDeclaringState
            } else {
                Binds::Both
            };
        self.binds.unwrap_or(derived)
    }

    /// Whether it has effect on `on` (from `effective_from` through `effective_until`).
    pub fn in_effect(&self, on: CalendarDate) -> InEffect {
        period(self.effective_from, self.effective_until, on)
    }

    /// Whether it applies to `region` of the declaring party `party` (the
    /// party's own code for its territory without its regions).
    pub fn applies_in(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|r| r == region)
    }

    /// Whether it binds a request travelling `to` (true) or `from` (false) the declaring state.
    pub fn binds_request(&self, to_declaring_state: bool) -> bool {
        match self.binds() {
            Binds::Both => true,
            Binds::RequestsToDeclaringState => to_declaring_state,
            Binds::RequestsFromDeclaringState => !to_declaring_state,
            Binds::NotAboutRequests => false,
        }
    }
}

/// Whether a period from `from` through `until` holds on `on`.
pub fn period(from: Option<PartialDate>, until: Option<PartialDate>, on: CalendarDate) -> InEffect {
    let started = match from {
        None => InEffect::Yes,
        Some(d) if d.latest() <= on => InEffect::Yes,
        Some(d) if d.earliest() > on => InEffect::No,
        Some(_) => InEffect::Unknown,
    };
    let ended = match until {
        None => InEffect::No,
        Some(d) if d.latest() < on => InEffect::Yes,
        Some(d) if d.earliest() >= on => InEffect::No,
        Some(_) => InEffect::Unknown,
    };
    match (started, ended) {
        (InEffect::No, _) | (_, InEffect::Yes) => InEffect::No,
        (InEffect::Yes, InEffect::No) => InEffect::Yes,
        _ => InEffect::Unknown,
    }
}

/// The means of transmission, as the Hague texts split them, and the old
/// names kept as aliases. Returns the canonical names a name stands for
/// (an alias may stand for several); an unknown name stands for itself.
///
/// Canonical: `central_authority` (Service Arts 2-6; Evidence Ch. I
/// `letter_of_request`), `consular_indirect` (Service Art. 9(1)),
/// `diplomatic_exceptional` (Service Art. 9(2)), `consular_own_nationals`
/// (Service Art. 8; Evidence Art. 15), `postal` (Service Art. 10(a)),
/// `judicial_officers_direct` (Art. 10(b)), `interested_persons_direct`
/// (Art. 10(c)), `consular_other_nationals` (Evidence Art. 16),
/// `commissioners` (Evidence Art. 17).
///
/// Aliases: `diplomatic_consular` = the Service Arts 8-9 means;
/// `direct_judicial_officers` = Art. 10(b) and (c); `diplomatic_consular_officers`
/// = Evidence Arts 15-16.
pub fn canonical_means(name: &str) -> Vec<&str> {
    match name {
        "diplomatic_consular" => vec![
            "consular_indirect",
            "diplomatic_exceptional",
            "consular_own_nationals",
        ],
        "direct_judicial_officers" => vec!["judicial_officers_direct", "interested_persons_direct"],
        "diplomatic_consular_officers" => {
            vec!["consular_own_nationals", "consular_other_nationals"]
        }
        other => vec![other],
    }
}

/// The acceptance of a party's accession by another state (Hague Evidence
/// Art. 39(4)), recorded on the acceding party's entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Acceptance {
    /// The accepting state.
    pub by: String,
    /// Deposit of the declaration of acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposited: Option<PartialDate>,
    /// Effect between the two states, when a source gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<PartialDate>,
    /// Regions of `by` it is limited to (`["MO"]`); empty for the whole state.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub territories: Vec<String>,
    /// Where it comes from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Notes.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// Days after the deposit of an acceptance that it takes effect (Hague Evidence Art. 39(5)).
pub const ACCEPTANCE_EFFECT_DAYS: i64 = 60;

impl Acceptance {
    /// The day it takes effect and whether that day is computed (the 60th
    /// day after a deposit known to the day, Art. 39(5)) rather than stated.
    /// None when neither is known.
    pub fn effect(&self) -> Option<(PartialDate, bool)> {
        if let Some(e) = self.effective {
            return Some((e, false));
        }
        let d = self.deposited?;
        if d.month == 0 || d.day == 0 {
            return None;
        }
        let day = CalendarDate::new(d.year, d.month, d.day)?.add_days(ACCEPTANCE_EFFECT_DAYS);
        Some((PartialDate::day(day.year, day.month, day.day), true))
    }

    /// Whether it covers the whole of `by` (no territorial limit).
    pub fn is_whole_state(&self) -> bool {
        self.territories.is_empty()
    }
}

/// Application of an instrument to a region of a party (HK, MO), as a dated event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Extension {
    /// The region.
    pub region: String,
    /// First day it applies there; None when not known (then the party's dates are assumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<PartialDate>,
    /// Last day it applies there, if it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<PartialDate>,
    /// The region's own authorities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub central_authorities: Vec<CentralAuthority>,
    /// Where it comes from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Notes.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// How complete an instrument's party list is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PartyList {
    /// The list holds every party as of this date; None: partial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete_as_of: Option<PartialDate>,
    /// What a partial list covers (`the UN Treaty Collection table as of 2015-03-14 plus later joiners found`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub covers: String,
    /// Where the completeness statement comes from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl PartyList {
    /// Whether the list is known complete on `on`: complete as of a date on or after it.
    pub fn complete_on(&self, on: CalendarDate) -> bool {
        self.complete_as_of.is_some_and(|d| d.earliest() >= on)
    }

    /// "the party list is complete as of 2024-03-21", or what a partial list covers.
    pub fn describe(&self) -> String {
        match (self.complete_as_of, self.covers.is_empty()) {
            (Some(d), _) => format!("the party list is complete as of {}", d.describe()),
            (None, false) => format!("the party list is partial ({})", self.covers),
            (None, true) => "the party list is partial".to_owned(),
        }
    }
}

/// A party's authority for some matter and assistance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CentralAuthority {
    /// The matter it serves; None for every matter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matter: Option<Matter>,
    /// The assistance it serves; None for every kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assistance: Option<Assistance>,
    /// Its name.
    pub name: String,
    /// Notes: address, languages, legal basis.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl CentralAuthority {
    /// Returns whether it serves (matter, assistance).
    pub fn serves(&self, matter: Matter, assistance: Assistance) -> bool {
        self.matter.is_none_or(|m| m == matter) && self.assistance.is_none_or(|a| a == assistance)
    }
}

/// One jurisdiction's participation in an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Party {
    /// Jurisdiction code.
    pub jurisdiction: String,
    /// Signature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed: Option<PartialDate>,
    /// Ratification, approval, accession or succession.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratified: Option<PartialDate>,
    /// Entry into force for this party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_into_force: Option<PartialDate>,
    /// Notice of termination or denunciation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_notice: Option<PartialDate>,
    /// Termination or denunciation takes effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_effective: Option<PartialDate>,
    /// A date a source attests the instrument in force for this party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force_as_of: Option<PartialDate>,
    /// Reservations and declarations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reservations: Vec<Reservation>,
    /// Central or liaison authorities.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub central_authorities: Vec<CentralAuthority>,
    /// The accession takes effect only with states that accept it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub accession_requires_acceptance: bool,
    /// States known to have accepted the accession.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted_by: Vec<String>,
    /// Regions the instrument was extended to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extended_to: Vec<String>,
    /// Notes.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// A transitional end: what the instrument still governs after its
    /// termination takes effect, with the clause that says so ("judgments
    /// under choice-of-court agreements concluded before 2024-01-29 (2019
    /// Arrangement Art. 30)"); empty when termination ends it outright.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub continues_for: String,
    /// Acceptances of this party's accession by other states, dated
    /// (`accepted_by` is the legacy undated form; both count).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub acceptances: Vec<Acceptance>,
    /// Application to its regions as dated events (with `extended_to` kept in step).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// The articles whose statements by this party are all recorded
    /// (`Art. 10`), or `all`. For an article not listed, the means it
    /// governs are shown as subject to declarations not recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub statements_recorded: Vec<String>,
    /// Where this party's dates come from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Party {
    /// A party with only its jurisdiction set.
    pub fn new(jurisdiction: impl Into<String>) -> Self {
        Self {
            jurisdiction: jurisdiction.into(),
            ..Self::default()
        }
    }

    /// The authority serving (matter, assistance), most specific first.
    pub fn authority_for(
        &self,
        matter: Matter,
        assistance: Assistance,
    ) -> Option<&CentralAuthority> {
        let specificity = |a: &CentralAuthority| {
            u8::from(a.assistance.is_some()) * 2 + u8::from(a.matter.is_some())
        };
        self.central_authorities
            .iter()
            .filter(|a| a.serves(matter, assistance))
            .max_by_key(|a| specificity(a))
    }

    /// Whether every statement of this party under `article` is recorded
    /// (`Art. 10(a)` is covered by `Art. 10`).
    pub fn statements_recorded_for(&self, article: &str) -> bool {
        self.statements_recorded.iter().any(|a| {
            a == "all"
                || article == a
                || article
                    .strip_prefix(a.as_str())
                    .is_some_and(|rest| rest.starts_with('('))
        })
    }

    /// The recorded acceptance of this party's accession by `by`, or a
    /// legacy undated one (`accepted_by`).
    pub fn acceptance_by(&self, by: &str) -> Option<Acceptance> {
        self.acceptances
            .iter()
            .find(|a| a.by == by && a.is_whole_state())
            .or_else(|| self.acceptances.iter().find(|a| a.by == by))
            .cloned()
            .or_else(|| {
                self.accepted_by
                    .iter()
                    .any(|x| x == by)
                    .then(|| Acceptance {
                        by: by.to_owned(),
                        ..Acceptance::default()
                    })
            })
    }

    /// The dated extension to `region`, if recorded.
    pub fn extension(&self, region: &str) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.region == region)
    }

    /// Whether the instrument is extended to `region` (undated or dated record).
    pub fn is_extended_to(&self, region: &str) -> bool {
        self.extended_to.iter().any(|r| r == region) || self.extension(region).is_some()
    }
}

/// A (matter, assistance) pair an instrument covers, with articles and means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The matter.
    pub matter: Matter,
    /// The assistance.
    pub assistance: Assistance,
    /// Articles providing for it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub articles: String,
    /// Means of transmission, most formal first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transmissions: Vec<String>,
    /// The article providing for each means (`postal` → `Art. 10(a)`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub transmission_articles: BTreeMap<String, String>,
    /// Conditions every channel under this coverage carries (UNTOC Art. 16(5):
    /// only where the requested state takes the Convention as the legal basis).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

impl Coverage {
    /// Coverage of (matter, assistance) with no articles or means recorded.
    pub fn new(matter: Matter, assistance: Assistance) -> Self {
        Self {
            matter,
            assistance,
            articles: String::new(),
            transmissions: Vec::new(),
            transmission_articles: BTreeMap::new(),
            conditions: Vec::new(),
        }
    }
}

/// A treaty, convention or arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// Stable id (`cn-fr-civil-1987`).
    pub id: String,
    /// Kind.
    pub kind: InstrumentKind,
    /// Treaty type, for bilateral treaties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treaty_type: Option<TreatyType>,
    /// Official title.
    #[serde(default)]
    pub title: String,
    /// English title, when the official one is in another language.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_en: String,
    /// Short name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short_name: String,
    /// Parties.
    #[serde(default)]
    pub parties: Vec<Party>,
    /// Coverage.
    #[serde(default)]
    pub coverage: Vec<Coverage>,
    /// Offences it is limited to (words of [`crate::offence`]); empty for no limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offence_scope: Vec<String>,
    /// How complete the party list is; None: not stated (treated as partial).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_list: Option<PartyList>,
    /// Sources.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Revision that last changed it (server-kept).
    #[serde(default)]
    pub revision: u64,
    /// Version tag (server-kept).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub etag: String,
    /// Last change, Unix milliseconds (server-kept).
    #[serde(default)]
    pub update_time_ms: i64,
    /// What requests through it must satisfy (form, language, copies, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

impl Instrument {
    /// An instrument with no parties, coverage or sources yet.
    pub fn new(id: impl Into<String>, kind: InstrumentKind, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind,
            treaty_type: None,
            title: title.into(),
            title_en: String::new(),
            short_name: String::new(),
            parties: Vec::new(),
            coverage: Vec::new(),
            offence_scope: Vec::new(),
            party_list: None,
            sources: Vec::new(),
            notes: String::new(),
            revision: 0,
            etag: String::new(),
            update_time_ms: 0,
            requirements: Vec::new(),
        }
    }

    /// The resource name, `instruments/{id}`.
    pub fn resource_name(&self) -> String {
        format!("instruments/{}", self.id)
    }

    /// The party entry of a jurisdiction, if it is one.
    pub fn party(&self, code: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.jurisdiction == code)
    }

    /// The coverage entry for (matter, assistance), if covered.
    pub fn covers(&self, matter: Matter, assistance: Assistance) -> Option<&Coverage> {
        self.coverage
            .iter()
            .find(|c| c.matter == matter && c.assistance == assistance)
    }

    /// The title to show people: the English title when there is one.
    pub fn display_title(&self) -> &str {
        if !self.title_en.is_empty() {
            &self.title_en
        } else if !self.title.is_empty() {
            &self.title
        } else {
            &self.short_name
        }
    }

    /// Returns a copy without the server-kept fields, for content comparison.
    pub fn content(&self) -> Instrument {
        Instrument {
            revision: 0,
            etag: String::new(),
            update_time_ms: 0,
            ..self.clone()
        }
    }

    /// Jurisdictions other than `home` that are parties.
    pub fn counterparts<'a>(&'a self, home: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.parties
            .iter()
            .map(|p| p.jurisdiction.as_str())
            .filter(move |j| *j != home)
    }
}
