//! Cooperation without an instrument: the home state's rules for requests
//! through diplomatic channels on the principle of reciprocity, kept as data,
//! and the default authorities used when an instrument names none.

use crate::vocabulary::{Assistance, ChannelKind, InstrumentKind, Matter};

use super::{Channel, Context, Place};

/// One row of a home state's rules for a matter (and, optionally, one kind of
/// assistance). `{home}` in a condition is replaced with the home state's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReciprocityRule {
    /// The matter the row serves.
    pub matter: Matter,
    /// The assistance it serves; None for every kind not listed in its own row.
    pub assistance: Option<Assistance>,
    /// The legal basis, shown as the channel's articles.
    pub basis: &'static str,
    /// The home authority for requests on reciprocity.
    pub authority: &'static str,
    /// The home authority assumed when a treaty or convention names none.
    pub instrument_authority: &'static str,
    /// The home authority for an arrangement that names none, and for
    /// case-by-case cooperation with the home state's own regions.
    pub inter_regional_authority: &'static str,
    /// Conditions of cooperation on reciprocity.
    pub conditions: &'static [&'static str],
}

/// A written reciprocity undertaking, required of a requesting state without a treaty.
const UNDERTAKING: &str = "a written reciprocity undertaking from the requesting state's \
     diplomatic mission or a central-level authority (ICJA Art. 13; 2024 Provisions Art. 2)";

/// China's rules. Sources (see /work/shared/facts/central-authorities.md):
/// the Extradition Law of the PRC (2000) Arts 3 and 4, with double
/// criminality, the one-year threshold and the refusal to extradite nationals
/// taken from prior notes on the same law; the International Criminal
/// Judicial Assistance Law (2018) Arts 5, 11, 13 and 15, and Chapter VIII for
/// transfers; the 2024 implementing Provisions Art. 2; the Civil Procedure
/// Law's judicial-assistance chapter; the conditions of China's transfer
/// treaties (Ukraine, Australia, Thailand Art. 4). Article numbers appear only
/// where a source states them.
const CHINA: &[ReciprocityRule] = &[
    ReciprocityRule {
        matter: Matter::Criminal,
        assistance: Some(Assistance::Extradition),
        basis: "Extradition Law Arts 3, 4",
        authority: "Ministry of Foreign Affairs (Extradition Law Art. 4)",
        instrument_authority: "Ministry of Foreign Affairs (Extradition Law Art. 4)",
        inter_regional_authority: "not designated: arranged case by case",
        conditions: &[
            "assurance of reciprocity (Extradition Law Art. 3)",
            "dual criminality: the conduct is an offence under the laws of both states",
            "the offence carries at least one year's imprisonment, or at least six months \
             of the sentence remain to be served",
            "China does not extradite its own nationals",
            "must not harm China's sovereignty, security or public interest \
             (Extradition Law Art. 3)",
        ],
    },
    ReciprocityRule {
        matter: Matter::Criminal,
        assistance: Some(Assistance::TransferOfSentencedPersons),
        basis: "International Criminal Judicial Assistance Law Art. 5, Chapter VIII",
        authority: "Ministry of Justice (ICJA Art. 5)",
        instrument_authority: "Ministry of Justice",
        inter_regional_authority: "not designated: arranged case by case",
        conditions: &[
            UNDERTAKING,
            "as in China's transfer treaties: the sentenced person is a national of the \
             receiving state, the conduct is an offence in both states, at least one year \
             of the sentence remains, and the person and both states consent",
        ],
    },
    ReciprocityRule {
        matter: Matter::Criminal,
        assistance: None,
        basis: "International Criminal Judicial Assistance Law Arts 5, 13",
        authority: "Ministry of Justice (liaison authority, ICJA Art. 5)",
        instrument_authority: "Ministry of Justice",
        inter_regional_authority: "not designated: arranged case by case",
        conditions: &[
            UNDERTAKING,
            "the request comes with a Chinese translation (ICJA Art. 13)",
            "may be refused where it harms China's sovereignty, security or public \
             interest (ICJA Art. 15)",
            "assurances a requested state demands of China are given by the Ministry of \
             Foreign Affairs (ICJA Art. 11)",
        ],
    },
    ReciprocityRule {
        matter: Matter::CivilCommercial,
        assistance: None,
        basis: "Civil Procedure Law (judicial assistance chapter)",
        authority: "Ministry of Justice / Supreme People's Court (Civil Procedure Law)",
        instrument_authority: "Ministry of Justice",
        inter_regional_authority: "Supreme People's Court (through the higher people's courts)",
        conditions: &[
            "requests through diplomatic channels on the principle of reciprocity",
            "documents in or translated into Chinese",
            "executed by the people's courts; no foreign body or person may serve documents \
             or take evidence in China without approval, and foreign embassies and \
             consulates may serve or take evidence only from their own nationals, without \
             compulsion (Civil Procedure Law)",
        ],
    },
];

/// Rules for a home state with none recorded: general terms only.
const GENERIC: &[ReciprocityRule] = &[
    ReciprocityRule {
        matter: Matter::Criminal,
        assistance: Some(Assistance::Extradition),
        basis: "principle of reciprocity (no national rules recorded)",
        authority: "Ministry of Foreign Affairs",
        instrument_authority: "not recorded",
        inter_regional_authority: "not recorded",
        conditions: &[
            "assurance of reciprocity",
            "dual criminality",
            "{home} may refuse to extradite its own nationals",
        ],
    },
    ReciprocityRule {
        matter: Matter::Criminal,
        assistance: None,
        basis: "principle of reciprocity (no national rules recorded)",
        authority: "not recorded",
        instrument_authority: "not recorded",
        inter_regional_authority: "not recorded",
        conditions: &["an undertaking of reciprocity from the requesting state"],
    },
    ReciprocityRule {
        matter: Matter::CivilCommercial,
        assistance: None,
        basis: "principle of reciprocity (no national rules recorded)",
        authority: "not recorded",
        instrument_authority: "not recorded",
        inter_regional_authority: "not recorded",
        conditions: &["requests through diplomatic channels on the principle of reciprocity"],
    },
];

/// Returns the home state's rules for cooperation without an instrument:
/// China's for `CN`, general terms for any other state.
pub fn reciprocity_rules(home: &str) -> &'static [ReciprocityRule] {
    match home {
        "CN" => CHINA,
        _ => GENERIC,
    }
}

/// Returns the rule for (matter, assistance): the row naming the assistance,
/// else the matter's general row.
pub fn reciprocity_rule(
    home: &str,
    matter: Matter,
    assistance: Assistance,
) -> &'static ReciprocityRule {
    let rules = reciprocity_rules(home);
    rules
        .iter()
        .find(|r| r.matter == matter && r.assistance == Some(assistance))
        .or_else(|| {
            rules
                .iter()
                .find(|r| r.matter == matter && r.assistance.is_none())
        })
        .expect("every rule table has a general row per matter")
}

/// The home authority assumed for an instrument of `kind` that names none.
pub(super) fn default_authority(ctx: &Context<'_>, kind: InstrumentKind) -> String {
    let rule = reciprocity_rule(ctx.home, ctx.query.matter, ctx.query.assistance);
    match kind {
        InstrumentKind::Arrangement => rule.inter_regional_authority,
        InstrumentKind::BilateralTreaty
        | InstrumentKind::MultilateralConvention
        | InstrumentKind::DomesticLaw => rule.instrument_authority,
    }
    .to_owned()
}

/// The last channel of every answer: case-by-case inter-regional cooperation
/// for a region of the home state, reciprocity through diplomatic channels
/// for anyone else. `others` says whether an instrument applies too.
pub(super) fn fallback(ctx: &Context<'_>, others: bool) -> Channel {
    let q = ctx.query;
    let rule = reciprocity_rule(ctx.home, q.matter, q.assistance);
    let home_name = ctx.name(ctx.home);
    let name = ctx.name(ctx.counterpart);
    let request = format!("{} {}", q.matter, q.assistance);
    if ctx.place == Place::OwnRegion {
        let mut explanation = if others {
            format!(
                "Fallback: case-by-case cooperation with {name} where no arrangement covers the request"
            )
        } else {
            format!(
                "No arrangement between {home_name} and {name} covers {request}: cooperation is agreed case by case"
            )
        };
        if q.explain {
            explanation.push_str(&format!(
                ". {name} is a region of {home_name}: treaties and conventions between states, \
                 and reciprocity through diplomatic channels, do not govern their cooperation. \
                 Offered last, whatever else applies"
            ));
        }
        return Channel {
            kind: ChannelKind::Reciprocity,
            instrument_id: None,
            title: "Case-by-case inter-regional cooperation (no arrangement covers this request)"
                .to_owned(),
            articles: String::new(),
            home_authority: rule.inter_regional_authority.to_owned(),
            foreign_authority: "not recorded".to_owned(),
            transmission: "case_by_case".to_owned(),
            conditions: vec![
                format!(
                    "only where no arrangement between {} and {} covers the request",
                    ctx.home, ctx.counterpart
                ),
                format!(
                    "{} is a region of {}: not diplomatic channels or reciprocity between states",
                    ctx.counterpart, ctx.home
                ),
                "agreed case by case between the competent authorities of both sides".to_owned(),
            ],
            explanation,
            uncertain: None,
        };
    }
    let mut explanation = if others {
        format!(
            "Fallback: case-by-case cooperation with {name} through diplomatic channels on the principle of reciprocity"
        )
    } else {
        format!(
            "No treaty or convention applies: cooperation with {name} through diplomatic channels on the principle of reciprocity"
        )
    };
    if q.explain {
        let whose = if reciprocity_rules(ctx.home) == CHINA {
            format!("its conditions are {home_name}'s rules for {request}")
        } else {
            format!("no rules are recorded for {home_name}, so its conditions are general terms")
        };
        explanation.push_str(&format!(
            ". Legal basis: {}. Reciprocity needs no instrument and is offered last, whatever \
             else applies; an instrument that applies is preferred; {whose}",
            rule.basis
        ));
    }
    Channel {
        kind: ChannelKind::Reciprocity,
        instrument_id: None,
        title: "Diplomatic channels on the principle of reciprocity".to_owned(),
        articles: rule.basis.to_owned(),
        home_authority: rule.authority.to_owned(),
        foreign_authority: "not recorded".to_owned(),
        transmission: "diplomatic_channels".to_owned(),
        conditions: rule
            .conditions
            .iter()
            .map(|c| c.replace("{home}", home_name))
            .collect(),
        explanation,
        uncertain: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_answers_every_request() {
        for home in ["CN", "FR"] {
            for &m in Matter::ALL {
                for &a in Assistance::ALL {
                    let rule = reciprocity_rule(home, m, a);
                    assert_eq!(rule.matter, m);
                    assert!(!rule.conditions.is_empty(), "{home} {m} {a}");
                }
            }
        }
    }
}
