//! The content fields of an instrument, listed once: what an update mask may
//! name and what an amendment reports as changed.

use super::Instrument;

/// A top-level content field of an [`Instrument`], by its contract name.
/// The identity (`id`) and the server-kept fields (`revision`, `etag`,
/// `update_time`) are not content fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstrumentField {
    /// `kind`.
    Kind,
    /// `treaty_type`.
    TreatyType,
    /// `title`.
    Title,
    /// `title_en`.
    TitleEn,
    /// `short_name`.
    ShortName,
    /// `parties`.
    Parties,
    /// `coverage`.
    Coverage,
    /// `offence_scope`.
    OffenceScope,
    /// `sources`.
    Sources,
    /// `notes`.
    Notes,
    /// `requirements`.
    Requirements,
    /// `party_list`.
    PartyList,
}

impl InstrumentField {
    /// Every content field, in the order they are listed and reported.
    pub const ALL: [InstrumentField; 12] = [
        Self::Kind,
        Self::TreatyType,
        Self::Title,
        Self::TitleEn,
        Self::ShortName,
        Self::Parties,
        Self::Coverage,
        Self::OffenceScope,
        Self::Sources,
        Self::Notes,
        Self::Requirements,
        Self::PartyList,
    ];

    /// Returns the contract name (`treaty_type`), as an update mask names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::TreatyType => "treaty_type",
            Self::Title => "title",
            Self::TitleEn => "title_en",
            Self::ShortName => "short_name",
            Self::Parties => "parties",
            Self::Coverage => "coverage",
            Self::OffenceScope => "offence_scope",
            Self::Sources => "sources",
            Self::Notes => "notes",
            Self::Requirements => "requirements",
            Self::PartyList => "party_list",
        }
    }

    /// Returns the field with this contract name, if it is a content field.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether `a` and `b` differ in this field.
    pub fn differs(self, a: &Instrument, b: &Instrument) -> bool {
        // The one exhaustive destructure of an instrument's fields: a field
        // added to `Instrument` is a compile error here until it is either a
        // content field (a variant, compared below) or named as not one.
        let Instrument {
            id: _,
            revision: _,
            etag: _,
            update_time_ms: _,
            kind,
            treaty_type,
            title,
            title_en,
            short_name,
            parties,
            coverage,
            offence_scope,
            party_list,
            sources,
            notes,
            requirements,
        } = a;
        match self {
            Self::Kind => *kind != b.kind,
            Self::TreatyType => *treaty_type != b.treaty_type,
            Self::Title => *title != b.title,
            Self::TitleEn => *title_en != b.title_en,
            Self::ShortName => *short_name != b.short_name,
            Self::Parties => *parties != b.parties,
            Self::Coverage => *coverage != b.coverage,
            Self::OffenceScope => *offence_scope != b.offence_scope,
            Self::Sources => *sources != b.sources,
            Self::Notes => *notes != b.notes,
            Self::Requirements => *requirements != b.requirements,
            Self::PartyList => *party_list != b.party_list,
        }
    }

    /// Copies this field from `from` into `into`.
    pub fn copy(self, from: &Instrument, into: &mut Instrument) {
        match self {
            Self::Kind => into.kind = from.kind,
            Self::TreatyType => into.treaty_type = from.treaty_type,
            Self::Title => into.title.clone_from(&from.title),
            Self::TitleEn => into.title_en.clone_from(&from.title_en),
            Self::ShortName => into.short_name.clone_from(&from.short_name),
            Self::Parties => into.parties.clone_from(&from.parties),
            Self::Coverage => into.coverage.clone_from(&from.coverage),
            Self::OffenceScope => into.offence_scope.clone_from(&from.offence_scope),
            Self::Sources => into.sources.clone_from(&from.sources),
            Self::Notes => into.notes.clone_from(&from.notes),
            Self::Requirements => into.requirements.clone_from(&from.requirements),
            Self::PartyList => into.party_list.clone_from(&from.party_list),
        }
    }
}

impl std::fmt::Display for InstrumentField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returns the content fields in which `old` and `new` differ, in the order
/// of [`InstrumentField::ALL`].
pub fn changed_fields(old: &Instrument, new: &Instrument) -> Vec<InstrumentField> {
    InstrumentField::ALL
        .into_iter()
        .filter(|f| f.differs(old, new))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::InstrumentKind;

    #[test]
    fn all_lists_every_field_once_and_names_round_trip() {
        // No `_` arm: a new variant is a compile error here until ALL has it.
        let position = |f: InstrumentField| match f {
            InstrumentField::Kind => 0,
            InstrumentField::TreatyType => 1,
            InstrumentField::Title => 2,
            InstrumentField::TitleEn => 3,
            InstrumentField::ShortName => 4,
            InstrumentField::Parties => 5,
            InstrumentField::Coverage => 6,
            InstrumentField::OffenceScope => 7,
            InstrumentField::Sources => 8,
            InstrumentField::Notes => 9,
            InstrumentField::Requirements => 10,
            InstrumentField::PartyList => 11,
        };
        for (i, f) in InstrumentField::ALL.into_iter().enumerate() {
            assert_eq!(position(f), i, "{f}");
            assert_eq!(InstrumentField::parse(f.as_str()), Some(f));
        }
        assert_eq!(InstrumentField::parse("revision"), None);
        assert_eq!(InstrumentField::parse("id"), None);
    }

    #[test]
    fn copying_a_field_changes_only_that_field() {
        let old = Instrument::new("x", InstrumentKind::BilateralTreaty, "old");
        let mut new = Instrument::new("x", InstrumentKind::MultilateralConvention, "new");
        new.notes = "n".into();
        new.revision = 7;
        assert_eq!(
            changed_fields(&old, &new),
            [
                InstrumentField::Kind,
                InstrumentField::Title,
                InstrumentField::Notes
            ]
        );
        let mut merged = old.clone();
        InstrumentField::Title.copy(&new, &mut merged);
        assert_eq!(changed_fields(&old, &merged), [InstrumentField::Title]);
        assert_eq!(merged.title, "new");
    }
}
