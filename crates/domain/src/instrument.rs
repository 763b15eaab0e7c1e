//! Instruments (treaties, conventions, arrangements) and their parties.

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::vocabulary::{Assistance, InstrumentKind, Matter, TreatyType};

/// A reservation, declaration or objection, with what it excludes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Reservation {
    /// The article concerned (`Art. 10`).
    pub article: String,
    /// Its text or a summary.
    pub text: String,
    /// Kinds of assistance it excludes for this party.
    pub excluded_assistances: Vec<Assistance>,
    /// Means of transmission it excludes (`postal`).
    pub excluded_transmissions: Vec<String>,
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
}

impl Coverage {
    /// Coverage of (matter, assistance) with no articles or means recorded.
    pub fn new(matter: Matter, assistance: Assistance) -> Self {
        Self {
            matter,
            assistance,
            articles: String::new(),
            transmissions: Vec::new(),
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
    /// Offences it is limited to; empty for no limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offence_scope: Vec<String>,
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
            sources: Vec::new(),
            notes: String::new(),
            revision: 0,
            etag: String::new(),
            update_time_ms: 0,
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
