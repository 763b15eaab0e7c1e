//! Builders of the contract's messages that tests write again and again:
//! dates, parties, bilateral treaties with the home state (CN) and
//! conventions.
//!
//! A treaty starts as the plainest one the registry accepts: `CN` and the
//! counterpart as parties with no dates, civil and commercial service of
//! documents, titled `treaty {id}`, sourced `test`; a test says only what it
//! is about:
//!
//! ```
//! use judicial_proto::v1 as pb;
//! use judicial_test_support::fixtures::{date, treaty};
//!
//! let t = treaty("cn-fr-extradition-2007", "FR")
//!     .treaty_type(pb::TreatyType::Extradition)
//!     .covering(pb::Matter::Criminal, pb::Assistance::Extradition)
//!     .in_force_from(date(2008, 7, 20))
//!     .build();
//! assert_eq!(t.parties[1].jurisdiction, "FR");
//! ```

use judicial_proto::v1 as pb;

/// The home state every fixture treaty is concluded with.
pub const HOME: &str = "CN";

/// A wire date, as the optional date fields take it (`date(1987, 5, 4)`);
/// a zero month or day means unknown.
pub fn date(year: i32, month: i32, day: i32) -> Option<pb::Date> {
    Some(pb::Date { year, month, day })
}

/// A party with no dates yet; see [`PartyBuilder`].
pub fn party(jurisdiction: &str) -> PartyBuilder {
    PartyBuilder(pb::Party {
        jurisdiction: jurisdiction.into(),
        ..Default::default()
    })
}

/// Builds a [`pb::Party`] one date at a time.
#[derive(Debug, Clone)]
#[must_use]
pub struct PartyBuilder(pb::Party);

impl PartyBuilder {
    /// Sets the signature date.
    pub fn signed(mut self, on: Option<pb::Date>) -> Self {
        self.0.signed = on;
        self
    }

    /// Sets the entry into force.
    pub fn in_force_from(mut self, on: Option<pb::Date>) -> Self {
        self.0.entry_into_force = on;
        self
    }

    /// Sets the date the termination takes effect.
    pub fn terminated(mut self, on: Option<pb::Date>) -> Self {
        self.0.termination_effective = on;
        self
    }

    /// The party.
    pub fn build(self) -> pb::Party {
        self.0
    }
}

impl From<PartyBuilder> for pb::Party {
    fn from(b: PartyBuilder) -> pb::Party {
        b.build()
    }
}

/// A bilateral civil and commercial treaty between [`HOME`] and
/// `counterpart`, covering service of documents; see [`InstrumentBuilder`].
pub fn treaty(id: &str, counterpart: &str) -> InstrumentBuilder {
    InstrumentBuilder {
        instrument: pb::Instrument {
            treaty_type: pb::TreatyType::CivilCommercial as i32,
            ..plain(
                id,
                pb::InstrumentKind::BilateralTreaty,
                format!("treaty {id}"),
            )
        },
        parties: [HOME, counterpart].into_iter().map(party).collect(),
    }
}

/// A multilateral convention titled `id` among `parties`, covering civil and
/// commercial service of documents; see [`InstrumentBuilder`].
pub fn convention(id: &str, parties: &[&str]) -> InstrumentBuilder {
    InstrumentBuilder {
        instrument: plain(id, pb::InstrumentKind::MultilateralConvention, id.into()),
        parties: parties.iter().copied().map(party).collect(),
    }
}

fn plain(id: &str, kind: pb::InstrumentKind, title: String) -> pb::Instrument {
    pb::Instrument {
        id: id.into(),
        kind: kind as i32,
        title,
        coverage: vec![coverage(
            pb::Matter::CivilCommercial,
            pb::Assistance::ServiceOfDocuments,
        )],
        sources: vec!["test".into()],
        ..Default::default()
    }
}

/// One coverage entry with no articles or transmissions.
pub fn coverage(matter: pb::Matter, assistance: pb::Assistance) -> pb::Coverage {
    pb::Coverage {
        matter: matter as i32,
        assistance: assistance as i32,
        ..Default::default()
    }
}

/// Builds a [`pb::Instrument`]; the date setters apply to every party (a
/// bilateral treaty binds both from the same day).
#[derive(Debug, Clone)]
#[must_use]
pub struct InstrumentBuilder {
    instrument: pb::Instrument,
    parties: Vec<PartyBuilder>,
}

impl InstrumentBuilder {
    /// Sets the treaty type.
    pub fn treaty_type(mut self, t: pb::TreatyType) -> Self {
        self.instrument.treaty_type = t as i32;
        self
    }

    /// Replaces the coverage with one (matter, assistance) entry.
    pub fn covering(self, matter: pb::Matter, assistance: pb::Assistance) -> Self {
        self.coverage(vec![coverage(matter, assistance)])
    }

    /// Replaces the coverage.
    pub fn coverage(mut self, coverage: Vec<pb::Coverage>) -> Self {
        self.instrument.coverage = coverage;
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.instrument.title = title.into();
        self
    }

    /// Replaces the sources with one.
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.instrument.sources = vec![source.into()];
        self
    }

    /// Sets every party's signature date.
    pub fn signed(mut self, on: Option<pb::Date>) -> Self {
        self.parties = self.parties.into_iter().map(|p| p.signed(on)).collect();
        self
    }

    /// Sets every party's entry into force.
    pub fn in_force_from(mut self, on: Option<pb::Date>) -> Self {
        self.parties = self
            .parties
            .into_iter()
            .map(|p| p.in_force_from(on))
            .collect();
        self
    }

    /// Sets the date every party's termination takes effect.
    pub fn terminated(mut self, on: Option<pb::Date>) -> Self {
        self.parties = self.parties.into_iter().map(|p| p.terminated(on)).collect();
        self
    }

    /// The instrument.
    pub fn build(self) -> pb::Instrument {
        pb::Instrument {
            parties: self.parties.into_iter().map(PartyBuilder::build).collect(),
            ..self.instrument
        }
    }
}

impl From<InstrumentBuilder> for pb::Instrument {
    fn from(b: InstrumentBuilder) -> pb::Instrument {
        b.build()
    }
}
