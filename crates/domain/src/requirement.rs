//! What a request must satisfy to travel through an instrument: its form,
//! contents, language, copies, authority, address, costs, time limits and
//! the rest, each with its article, the period it is valid and its sources.
//!
//! Requirements are data on the instrument they come from. The home state's
//! own statutes (its civil procedure law, its criminal-assistance and
//! extradition laws, the diplomatic-channel notice, its data-export rules)
//! are instruments of kind `domestic_law`, which routing never offers as a
//! channel: their requirements are added to the checklist of every channel
//! they apply to.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::{CalendarDate, PartialDate};
use crate::instrument::Instrument;
use crate::validation::Violations;
use crate::vocabulary::{Assistance, ChannelKind, InstrumentKind, Matter};

/// What a requirement is about, in the order a person prepares a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// The form the request must follow (a model form).
    Form,
    /// What the request must contain or have attached.
    Contents,
    /// The language of the request.
    Language,
    /// Translations of the request and documents.
    Translation,
    /// How many copies or sets.
    Copies,
    /// Legalisation, notarisation, apostille.
    Legalisation,
    /// The authority to send it to.
    Authority,
    /// That authority's address.
    Address,
    /// How it is sent and executed.
    Transmission,
    /// Fees and costs.
    Costs,
    /// Time limits the law or practice sets.
    TimeLimit,
    /// How long requests take, as reported (never a promise).
    Duration,
    /// Declarations and reservations that shape the request.
    Declaration,
    /// Grounds on which the request may or must be refused.
    Refusal,
    /// What the instrument covers and the limits on using what is obtained.
    Scope,
    /// Other routes available beside this one.
    Alternative,
}

impl Topic {
    /// Every topic, in checklist order.
    pub const ALL: &'static [Topic] = &[
        Topic::Form,
        Topic::Contents,
        Topic::Language,
        Topic::Translation,
        Topic::Copies,
        Topic::Legalisation,
        Topic::Authority,
        Topic::Address,
        Topic::Transmission,
        Topic::Costs,
        Topic::TimeLimit,
        Topic::Duration,
        Topic::Declaration,
        Topic::Refusal,
        Topic::Scope,
        Topic::Alternative,
    ];

    /// The snake_case name used in datasets and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Form => "form",
            Topic::Contents => "contents",
            Topic::Language => "language",
            Topic::Translation => "translation",
            Topic::Copies => "copies",
            Topic::Legalisation => "legalisation",
            Topic::Authority => "authority",
            Topic::Address => "address",
            Topic::Transmission => "transmission",
            Topic::Costs => "costs",
            Topic::TimeLimit => "time_limit",
            Topic::Duration => "duration",
            Topic::Declaration => "declaration",
            Topic::Refusal => "refusal",
            Topic::Scope => "scope",
            Topic::Alternative => "alternative",
        }
    }

    /// A heading for people (`Time limits`).
    pub fn heading(self) -> &'static str {
        match self {
            Topic::Form => "Form",
            Topic::Contents => "Contents",
            Topic::Language => "Language",
            Topic::Translation => "Translation",
            Topic::Copies => "Copies",
            Topic::Legalisation => "Legalisation",
            Topic::Authority => "Authority",
            Topic::Address => "Address",
            Topic::Transmission => "Transmission",
            Topic::Costs => "Costs",
            Topic::TimeLimit => "Time limits",
            Topic::Duration => "Expected duration",
            Topic::Declaration => "Declarations",
            Topic::Refusal => "Grounds for refusal",
            Topic::Scope => "Scope",
            Topic::Alternative => "Alternatives",
        }
    }

    /// Parses a name case-insensitively, with `-` or `_` separators.
    pub fn parse(text: &str) -> Option<Topic> {
        let normal = text.trim().to_ascii_lowercase().replace('-', "_");
        Topic::ALL.iter().copied().find(|t| t.as_str() == normal)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which requests a requirement binds, relative to its `party`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementDirection {
    /// Requests either way.
    #[default]
    Both,
    /// Requests sent to the party (`requests to CN`).
    To,
    /// Requests sent by the party (`requests from CN`).
    From,
}

impl RequirementDirection {
    /// Every direction, in contract order.
    pub const ALL: &'static [RequirementDirection] = &[
        RequirementDirection::Both,
        RequirementDirection::To,
        RequirementDirection::From,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RequirementDirection::Both => "both",
            RequirementDirection::To => "to",
            RequirementDirection::From => "from",
        }
    }

    /// Parses a name case-insensitively.
    pub fn parse(text: &str) -> Option<RequirementDirection> {
        let normal = text.trim().to_ascii_lowercase();
        Self::ALL.iter().copied().find(|d| d.as_str() == normal)
    }
}

impl fmt::Display for RequirementDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One requirement an instrument (or a statute) sets for requests.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Requirement {
    /// What it is about.
    pub topic: Option<Topic>,
    /// Which requests it binds, relative to `party`.
    pub direction: RequirementDirection,
    /// The jurisdiction the direction is relative to (`CN`: `to` means
    /// requests to CN); empty when the direction is `both`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub party: String,
    /// Matters it applies to; empty for every matter the instrument covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matters: Vec<Matter>,
    /// Kinds of assistance it applies to; empty for every kind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assistances: Vec<Assistance>,
    /// For a statute, the channels it applies to; empty for every channel.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelKind>,
    /// The requirement, one sentence in plain language.
    pub text: String,
    /// The article (`Art. 3(2)`, `CPL Art. 295(1) (2023)`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub article: String,
    /// First day it applies, when it did not always.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<PartialDate>,
    /// First day it no longer applies (replaced, renumbered, repealed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<PartialDate>,
    /// For a reported duration or practice, when it was reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<PartialDate>,
    /// Where sources disagree, what the other sources say.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub conflict: String,
    /// Where it comes from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Caveats.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

impl Requirement {
    /// Returns whether it applies to (matter, assistance) through a channel
    /// of `kind` on `on`.
    pub fn applies(
        &self,
        matter: Matter,
        assistance: Assistance,
        kind: ChannelKind,
        on: CalendarDate,
    ) -> bool {
        (self.matters.is_empty() || self.matters.contains(&matter))
            && (self.assistances.is_empty() || self.assistances.contains(&assistance))
            && (self.channels.is_empty() || self.channels.contains(&kind))
            && self.valid_on(on)
    }

    /// Returns whether it may be valid on `on` (an unknown day counts as valid).
    pub fn valid_on(&self, on: CalendarDate) -> bool {
        self.valid_from.is_none_or(|f| f.earliest() <= on)
            && self.valid_until.is_none_or(|u| on < u.latest())
    }

    /// Who it binds, in words (`requests to CN`, `both directions`).
    pub fn direction_label(&self) -> String {
        match self.direction {
            RequirementDirection::Both => "both directions".to_owned(),
            RequirementDirection::To => format!("requests to {}", self.party),
            RequirementDirection::From => format!("requests from {}", self.party),
        }
    }
}

/// Longest requirement text, article or note accepted.
const MAX_REQUIREMENT_TEXT: usize = 4_000;
/// Most requirements one instrument may carry.
pub const MAX_REQUIREMENTS: usize = 500;

/// Validates the requirements of `inst` into `v`; `prefix` is the
/// instrument's field prefix (`instrument.`).
pub fn validate_requirements(v: &mut Violations, inst: &Instrument, prefix: &str) {
    let who = format!("instrument {}", inst.id);
    if inst.requirements.len() > MAX_REQUIREMENTS {
        v.add(
            format!("{prefix}requirements"),
            format!("{who}: more than {MAX_REQUIREMENTS} requirements"),
        );
    }
    for (i, r) in inst.requirements.iter().enumerate() {
        let f = |name: &str| format!("{prefix}requirements[{i}].{name}");
        if r.topic.is_none() {
            let all: Vec<&str> = Topic::ALL.iter().map(|t| t.as_str()).collect();
            v.add(
                f("topic"),
                format!(
                    "{who}: requirement {i} has no topic; one of {}",
                    all.join(", ")
                ),
            );
        }
        if r.text.trim().is_empty() {
            v.add(f("text"), format!("{who}: requirement {i} has no text"));
        }
        if inst.kind == InstrumentKind::DomesticLaw && r.article.trim().is_empty() {
            v.add(
                f("article"),
                format!("{who}: a statute's requirement needs its article"),
            );
        }
        match (r.direction, r.party.trim().is_empty()) {
            (RequirementDirection::To | RequirementDirection::From, true) => v.add(
                f("party"),
                format!(
                    "{who}: requirement {i} binds requests {} a party; name it",
                    r.direction
                ),
            ),
            (RequirementDirection::Both, false) => v.add(
                f("party"),
                format!("{who}: requirement {i} binds both directions; it names no party"),
            ),
            _ => {}
        }
        if !r.party.is_empty() && !crate::jurisdiction::is_code(&r.party) {
            v.add(
                f("party"),
                format!("{who}: party {:?} is not a jurisdiction code", r.party),
            );
        }
        for (name, date) in [
            ("valid_from", r.valid_from),
            ("valid_until", r.valid_until),
            ("reported", r.reported),
        ] {
            if let Some(d) = date
                && !d.is_valid()
            {
                v.add(
                    f(name),
                    format!("impossible date {}-{}-{}", d.year, d.month, d.day),
                );
            }
        }
        if let (Some(from), Some(until)) = (r.valid_from, r.valid_until)
            && from.is_valid()
            && until.is_valid()
            && until.latest() < from.earliest()
        {
            v.add(
                f("valid_until"),
                format!(
                    "{who}: requirement {i} stops applying on {until}, before it starts on {from}"
                ),
            );
        }
        for (name, text) in [
            ("text", &r.text),
            ("article", &r.article),
            ("conflict", &r.conflict),
            ("notes", &r.notes),
        ] {
            if text.len() > MAX_REQUIREMENT_TEXT {
                v.add(
                    f(name),
                    format!("longer than {MAX_REQUIREMENT_TEXT} bytes ({})", text.len()),
                );
            }
        }
        for (k, s) in r.sources.iter().enumerate() {
            if s.trim().is_empty() {
                v.add(
                    format!("{prefix}requirements[{i}].sources[{k}]"),
                    "empty source",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::PartialDate;

    fn statute() -> Instrument {
        let mut i = Instrument::new("cn-law", InstrumentKind::DomesticLaw, "law");
        i.requirements.push(Requirement {
            topic: Some(Topic::Translation),
            direction: RequirementDirection::To,
            party: "CN".into(),
            text: "A Chinese translation.".into(),
            article: "Art. 1".into(),
            ..Requirement::default()
        });
        i
    }

    fn violations(i: &Instrument) -> Vec<(String, String)> {
        let mut v = Violations::default();
        validate_requirements(&mut v, i, "instrument.");
        v.0.into_iter().map(|f| (f.field, f.description)).collect()
    }

    #[test]
    fn bad_requirements_are_named_by_field() {
        type Edit = fn(&mut Requirement);
        let cases: &[(&str, Edit, &str, &str)] = &[
            ("valid", |_| {}, "", ""),
            (
                "no topic",
                |r| r.topic = None,
                "instrument.requirements[0].topic",
                "has no topic",
            ),
            (
                "statute without article",
                |r| r.article = " ".into(),
                "instrument.requirements[0].article",
                "needs its article",
            ),
            (
                "period ends before it starts",
                |r| {
                    r.valid_from = Some(PartialDate::day(2024, 1, 1));
                    r.valid_until = Some(PartialDate::year(2021));
                },
                "instrument.requirements[0].valid_until",
                "before it starts",
            ),
            (
                "impossible date",
                |r| {
                    r.valid_from = Some(PartialDate {
                        year: 2024,
                        month: 2,
                        day: 30,
                    })
                },
                "instrument.requirements[0].valid_from",
                "impossible date",
            ),
            (
                "direction without party",
                |r| r.party.clear(),
                "instrument.requirements[0].party",
                "name it",
            ),
            (
                "both with a party",
                |r| r.direction = RequirementDirection::Both,
                "instrument.requirements[0].party",
                "names no party",
            ),
            (
                "no text",
                |r| r.text.clear(),
                "instrument.requirements[0].text",
                "has no text",
            ),
        ];
        for (name, edit, field, message) in cases {
            let mut i = statute();
            edit(&mut i.requirements[0]);
            let found = violations(&i);
            if field.is_empty() {
                assert!(found.is_empty(), "{name}: {found:?}");
            } else {
                assert_eq!(found.len(), 1, "{name}: {found:?}");
                assert_eq!(found[0].0, *field, "{name}");
                assert!(found[0].1.contains(message), "{name}: {}", found[0].1);
            }
        }
    }

    #[test]
    fn an_articleless_requirement_is_fine_outside_statutes() {
        let mut i = statute();
        i.kind = InstrumentKind::MultilateralConvention;
        i.requirements[0].article.clear();
        assert!(violations(&i).is_empty());
    }

    #[test]
    fn validity_is_a_half_open_period() {
        let mut r = statute().requirements.remove(0);
        r.valid_from = Some(PartialDate::day(2024, 1, 1));
        r.valid_until = Some(PartialDate::day(2025, 1, 1));
        let d = |y, m, d| CalendarDate::new(y, m, d).unwrap();
        assert!(!r.valid_on(d(2023, 12, 31)));
        assert!(r.valid_on(d(2024, 1, 1)));
        assert!(r.valid_on(d(2024, 12, 31)));
        assert!(!r.valid_on(d(2025, 1, 1)));
    }

    #[test]
    fn topics_parse_their_names() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.as_str()), Some(*t));
        }
        assert_eq!(Topic::parse("time-limit"), Some(Topic::TimeLimit));
        assert_eq!(Topic::parse("fees"), None);
    }
}
