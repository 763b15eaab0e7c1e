//! The closed vocabulary of offences that limit the criminal conventions'
//! scope (`Instrument::offence_scope`), and the query's `offence` word.
//!
//! A convention with an offence scope is offered, when no offence is given,
//! with the condition "only for offences within its scope: ..."; with an
//! offence outside it, it is not applicable (`offence_out_of_scope`); a
//! word outside this list is refused (`RouteError::UnknownOffence`, over
//! gRPC INVALID_ARGUMENT listing the known words). `judicial offences`
//! lists them.

/// One offence word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offence {
    /// The snake_case word used in datasets, queries and the CLI.
    pub word: &'static str,
    /// Other spellings accepted for it (kept for older data and clients).
    pub aliases: &'static [&'static str],
    /// What it covers, with the convention and article that define it.
    pub description: &'static str,
}

/// Every offence word, in a stable order.
pub const OFFENCES: &[Offence] = &[
    Offence {
        word: "organized_crime",
        aliases: &["organised_crime"],
        description: "offences within UNTOC Art. 3: participation in an organized criminal group, laundering, corruption and obstruction of justice (Arts 5, 6, 8, 23) and serious crime, where transnational and involving an organized criminal group",
    },
    Offence {
        word: "corruption",
        aliases: &[],
        description: "the corruption offences of UNCAC Chapter III (Arts 15-25)",
    },
    Offence {
        word: "drug_trafficking",
        aliases: &["narcotics"],
        description: "illicit traffic in narcotic drugs and psychotropic substances, UN 1988 Convention Art. 3(1)",
    },
    Offence {
        word: "terrorist_financing",
        aliases: &[],
        description: "financing of terrorism, Terrorist Financing Convention 1999 Art. 2",
    },
    Offence {
        word: "terrorism",
        aliases: &[],
        description: "terrorism as defined by the SCO Counter-Terrorism Convention 2009",
    },
    Offence {
        word: "terrorist_bombing",
        aliases: &[],
        description: "terrorist bombings, Terrorist Bombings Convention 1997 Art. 2",
    },
    Offence {
        word: "nuclear_terrorism",
        aliases: &[],
        description: "acts of nuclear terrorism, Nuclear Terrorism Convention 2005 Art. 2",
    },
    Offence {
        word: "hostage_taking",
        aliases: &[],
        description: "taking of hostages, Hostages Convention 1979 Art. 1",
    },
    Offence {
        word: "torture",
        aliases: &[],
        description: "torture, Convention against Torture 1984 Arts 1 and 4",
    },
    Offence {
        word: "crimes_against_protected_persons",
        aliases: &[],
        description: "crimes against internationally protected persons, including diplomatic agents, Protected Persons Convention 1973 Art. 2",
    },
];

/// Normalises a word: lower case, `-` and spaces as `_`.
fn normal(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

/// The offence a word (or alias) names, if it is in the vocabulary.
pub fn parse(text: &str) -> Option<&'static Offence> {
    let t = normal(text);
    OFFENCES
        .iter()
        .find(|o| o.word == t || o.aliases.iter().any(|a| *a == t))
}

/// The canonical word for a word or alias, if known.
pub fn canonical(text: &str) -> Option<&'static str> {
    parse(text).map(|o| o.word)
}

/// Every known word, comma-separated, for error messages.
pub fn known_words() -> String {
    OFFENCES
        .iter()
        .map(|o| o.word)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_aliases_parse() {
        assert_eq!(canonical("corruption"), Some("corruption"));
        assert_eq!(canonical("Drug-Trafficking"), Some("drug_trafficking"));
        assert_eq!(canonical("narcotics"), Some("drug_trafficking"));
        assert_eq!(canonical("jaywalking"), None);
        assert!(known_words().contains("hostage_taking"));
    }

    #[test]
    fn words_are_unique_tokens() {
        let mut seen = std::collections::HashSet::new();
        for o in OFFENCES {
            for w in std::iter::once(&o.word).chain(o.aliases) {
                assert!(seen.insert(*w), "{w} twice");
                assert_eq!(normal(w), *w);
            }
        }
    }
}
