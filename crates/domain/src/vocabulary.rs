//! The closed vocabularies of the contract: matters, kinds of assistance,
//! kinds of instrument and channel, and treaty types.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in contract order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The snake_case name used in datasets, filters and the CLI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses a name case-insensitively, with `-` or `_` separators
            /// (`service-of-documents`, `SERVICE_OF_DOCUMENTS`).
            pub fn parse(text: &str) -> Option<Self> {
                let normal = text.trim().to_ascii_lowercase().replace('-', "_");
                Self::ALL.iter().copied().find(|v| v.as_str() == normal)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The branch of law a request belongs to.
    Matter {
        /// Civil and commercial matters.
        CivilCommercial = "civil_commercial",
        /// Criminal matters.
        Criminal = "criminal",
    }
}

vocabulary! {
    /// The kind of assistance requested.
    Assistance {
        /// Service of judicial and extrajudicial documents.
        ServiceOfDocuments = "service_of_documents",
        /// Taking of evidence.
        TakingOfEvidence = "taking_of_evidence",
        /// Recognition and enforcement of judgments (foreign or inter-regional
        /// court decisions). Arbitral awards and interim measures have their
        /// own values; answers to this one say so.
        RecognitionAndEnforcement = "recognition_and_enforcement",
        /// Tracing, freezing, confiscation and return of assets.
        AssetRecovery = "asset_recovery",
        /// Exchange of legal information.
        LegalInformation = "legal_information",
        /// Extradition.
        Extradition = "extradition",
        /// Transfer of sentenced persons.
        TransferOfSentencedPersons = "transfer_of_sentenced_persons",
        /// Recognition and enforcement of arbitral awards (New York
        /// Convention; CPL Art. 304; the inter-regional awards arrangements).
        RecognitionOfArbitralAwards = "recognition_of_arbitral_awards",
        /// Court-ordered interim measures (preservation of property, evidence
        /// or conduct), such as those in aid of arbitral proceedings under the
        /// Mainland-Hong Kong and Mainland-Macao arrangements.
        InterimMeasures = "interim_measures",
    }
}

vocabulary! {
    /// What sort of instrument a record is.
    InstrumentKind {
        /// A treaty between the home state and one other state.
        BilateralTreaty = "bilateral_treaty",
        /// A multilateral convention.
        MultilateralConvention = "multilateral_convention",
        /// An inter-regional arrangement.
        Arrangement = "arrangement",
        /// A statute of one state (its civil procedure or extradition law):
        /// never a channel itself, it carries the requirements its law sets
        /// for every channel.
        DomesticLaw = "domestic_law",
    }
}

vocabulary! {
    /// The subject of a bilateral treaty.
    TreatyType {
        /// Civil and commercial matters.
        CivilCommercial = "civil_commercial",
        /// Criminal matters.
        Criminal = "criminal",
        /// Civil and criminal matters in one treaty.
        CivilAndCriminal = "civil_and_criminal",
        /// Extradition.
        Extradition = "extradition",
        /// Transfer of sentenced persons.
        TransferOfSentencedPersons = "transfer_of_sentenced_persons",
    }
}

vocabulary! {
    /// The channel a request travels through.
    ChannelKind {
        /// A bilateral treaty.
        BilateralTreaty = "bilateral_treaty",
        /// A multilateral convention.
        MultilateralConvention = "multilateral_convention",
        /// An inter-regional arrangement.
        Arrangement = "arrangement",
        /// Diplomatic channels on reciprocity.
        Reciprocity = "reciprocity",
    }
}

impl Assistance {
    /// The matter a kind of assistance necessarily belongs to, if only one.
    pub fn only_matter(self) -> Option<Matter> {
        match self {
            Assistance::Extradition
            | Assistance::TransferOfSentencedPersons
            | Assistance::AssetRecovery => Some(Matter::Criminal),
            Assistance::RecognitionOfArbitralAwards | Assistance::InterimMeasures => {
                Some(Matter::CivilCommercial)
            }
            Assistance::RecognitionAndEnforcement => None,
            Assistance::ServiceOfDocuments
            | Assistance::TakingOfEvidence
            | Assistance::LegalInformation => None,
        }
    }
}

impl TreatyType {
    /// Returns whether a treaty of this type may cover (matter, assistance).
    pub fn may_cover(self, matter: Matter, assistance: Assistance) -> bool {
        use Assistance::*;
        match self {
            TreatyType::CivilCommercial => matter == Matter::CivilCommercial,
            TreatyType::Criminal => {
                matter == Matter::Criminal && !matches!(assistance, Extradition)
            }
            TreatyType::CivilAndCriminal => !matches!(assistance, Extradition),
            TreatyType::Extradition => matter == Matter::Criminal && assistance == Extradition,
            TreatyType::TransferOfSentencedPersons => {
                matter == Matter::Criminal && assistance == TransferOfSentencedPersons
            }
        }
    }

    /// The coverage a treaty of this type has when a source says no more
    /// than its type.
    pub fn default_coverage(self) -> Vec<(Matter, Assistance)> {
        use Assistance::*;
        let civil = [
            ServiceOfDocuments,
            TakingOfEvidence,
            RecognitionAndEnforcement,
            LegalInformation,
        ]
        .map(|a| (Matter::CivilCommercial, a));
        let criminal = [
            ServiceOfDocuments,
            TakingOfEvidence,
            AssetRecovery,
            LegalInformation,
        ]
        .map(|a| (Matter::Criminal, a));
        match self {
            TreatyType::CivilCommercial => civil.to_vec(),
            TreatyType::Criminal => criminal.to_vec(),
            TreatyType::CivilAndCriminal => civil.into_iter().chain(criminal).collect(),
            TreatyType::Extradition => vec![(Matter::Criminal, Extradition)],
            TreatyType::TransferOfSentencedPersons => {
                vec![(Matter::Criminal, TransferOfSentencedPersons)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_cli_and_enum_spellings() {
        assert_eq!(
            Assistance::parse("service-of-documents"),
            Some(Assistance::ServiceOfDocuments)
        );
        assert_eq!(
            Assistance::parse("EXTRADITION"),
            Some(Assistance::Extradition)
        );
        assert_eq!(
            Matter::parse("civil_commercial"),
            Some(Matter::CivilCommercial)
        );
        assert_eq!(Matter::parse("civil"), None);
    }

    #[test]
    fn default_coverage_is_coverable() {
        for t in TreatyType::ALL {
            for (m, a) in t.default_coverage() {
                assert!(t.may_cover(m, a), "{t} {m} {a}");
            }
        }
    }
}
