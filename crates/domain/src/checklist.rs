//! The request checklist of one channel: what the instrument, the home
//! state's law and the counterpart require of a request through it, ordered
//! by topic, for the direction asked, with every topic the facts are silent
//! on shown as not recorded.

use crate::instrument::Instrument;
use crate::requirement::{Requirement, RequirementDirection, Topic};
use crate::routing::{Channel, Direction, RouteQuery};
use crate::vocabulary::InstrumentKind;

/// Whose rule an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemOrigin {
    /// The channel's instrument (its text, or its parties' declarations).
    Instrument,
    /// The home state's law, which applies whatever the channel.
    HomeLaw,
    /// The counterpart: its law, or what the instrument says of it alone.
    Counterpart,
}

impl ItemOrigin {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemOrigin::Instrument => "instrument",
            ItemOrigin::HomeLaw => "home_law",
            ItemOrigin::Counterpart => "counterpart",
        }
    }
}

/// One line of a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// What it is about.
    pub topic: Topic,
    /// Whose rule it is.
    pub origin: ItemOrigin,
    /// The instrument or statute it comes from; empty when not recorded.
    pub instrument_id: String,
    /// Its title; empty when not recorded.
    pub instrument_title: String,
    /// The requirement; None when no source records anything on the topic.
    pub requirement: Option<Requirement>,
    /// Who it binds, when the query left the direction open and it binds one
    /// way only (`requests to CN`).
    pub direction_label: Option<String>,
}

impl ChecklistItem {
    /// Whether the facts record something here.
    pub fn is_recorded(&self) -> bool {
        self.requirement.is_some()
    }
}

/// Returns the checklist of `channel` for `query` from home state `home`.
///
/// `instrument` is the channel's instrument (None for reciprocity); `laws`
/// are statutes (`domestic_law` instruments) of any state: those of `home`
/// and of the counterpart are used, others ignored. Items come in
/// [`Topic::ALL`] order; within a topic the instrument's first, then the
/// home law's, then the counterpart's, each in record order. A topic nothing
/// records gets one item without a requirement.
pub fn checklist(
    home: &str,
    query: &RouteQuery,
    channel: &Channel,
    instrument: Option<&Instrument>,
    laws: &[&Instrument],
) -> Vec<ChecklistItem> {
    let counterpart = query.counterpart.as_str();
    let mut found: Vec<ChecklistItem> = Vec::new();
    let mut take = |inst: &Instrument, origin: fn(&Requirement) -> ItemOrigin| {
        // A requirement's own matters and assistances narrow its
        // instrument's coverage; they never widen it.
        if inst.covers(query.matter, query.assistance).is_none() {
            return;
        }
        for r in &inst.requirements {
            let Some(topic) = r.topic else { continue };
            if !r.applies(query.matter, query.assistance, channel.kind, query.on) {
                continue;
            }
            let Some(direction_label) = binds(r, home, counterpart, query.direction) else {
                continue;
            };
            found.push(ChecklistItem {
                topic,
                origin: origin(r),
                instrument_id: inst.id.clone(),
                instrument_title: title(inst),
                requirement: Some(r.clone()),
                direction_label,
            });
        }
    };
    if let Some(inst) = instrument {
        take(inst, |_| ItemOrigin::Instrument);
    }
    let law_of = |law: &Instrument, code: &str| {
        law.kind == InstrumentKind::DomesticLaw
            && law.parties.len() == 1
            && law.parties[0].jurisdiction == code
    };
    for law in laws.iter().filter(|l| law_of(l, home)) {
        take(law, |_| ItemOrigin::HomeLaw);
    }
    for law in laws.iter().filter(|l| law_of(l, counterpart)) {
        take(law, |_| ItemOrigin::Counterpart);
    }
    // What the instrument says of the counterpart alone is the counterpart's.
    for item in &mut found {
        if item.origin == ItemOrigin::Instrument
            && item
                .requirement
                .as_ref()
                .is_some_and(|r| r.party == counterpart)
        {
            item.origin = ItemOrigin::Counterpart;
        }
    }
    // Stable sort: record order survives within (topic, origin).
    found.sort_by_key(|i| (i.topic, i.origin));
    let mut out = Vec::with_capacity(found.len() + Topic::ALL.len());
    for topic in Topic::ALL {
        let before = out.len();
        out.extend(found.iter().filter(|i| i.topic == *topic).cloned());
        if out.len() == before {
            out.push(ChecklistItem {
                topic: *topic,
                origin: ItemOrigin::Instrument,
                instrument_id: String::new(),
                instrument_title: String::new(),
                requirement: None,
                direction_label: None,
            });
        }
    }
    out
}

/// Whether `r` binds a request between `home` and `counterpart` travelling
/// `direction`: None when it does not; Some(label) when it does, with a
/// label only when the direction is open and `r` binds one way.
fn binds(
    r: &Requirement,
    home: &str,
    counterpart: &str,
    direction: Direction,
) -> Option<Option<String>> {
    // Which jurisdiction receives the request, for each direction asked.
    let to = |receiver: &str| match r.direction {
        RequirementDirection::Both => true,
        RequirementDirection::To => r.party == receiver,
        RequirementDirection::From => {
            let sender = if receiver == home { counterpart } else { home };
            r.party == sender
        }
    };
    match direction {
        Direction::Incoming => to(home).then_some(None),
        Direction::Outgoing => to(counterpart).then_some(None),
        Direction::Both => {
            if r.direction == RequirementDirection::Both {
                Some(None)
            } else if to(home) || to(counterpart) {
                Some(Some(r.direction_label()))
            } else {
                None
            }
        }
    }
}

fn title(inst: &Instrument) -> String {
    if inst.short_name.is_empty() {
        inst.display_title().to_owned()
    } else {
        inst.short_name.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::{CalendarDate, PartialDate};
    use crate::instrument::{Coverage, Party};
    use crate::vocabulary::{Assistance, ChannelKind, Matter};

    fn req(topic: Topic, direction: RequirementDirection, party: &str, text: &str) -> Requirement {
        Requirement {
            topic: Some(topic),
            direction,
            party: party.into(),
            text: text.into(),
            article: "Art. 1".into(),
            ..Requirement::default()
        }
    }

    fn fixtures() -> (Instrument, Instrument, Channel) {
        let mut conv =
            Instrument::new("conv", InstrumentKind::MultilateralConvention, "Convention");
        conv.coverage = vec![Coverage::new(
            Matter::CivilCommercial,
            Assistance::ServiceOfDocuments,
        )];
        conv.requirements = vec![
            req(Topic::Copies, RequirementDirection::Both, "", "two copies"),
            req(
                Topic::Translation,
                RequirementDirection::To,
                "CN",
                "into Chinese",
            ),
            req(
                Topic::Translation,
                RequirementDirection::To,
                "FR",
                "into French",
            ),
            req(
                Topic::Translation,
                RequirementDirection::To,
                "HK",
                "into English",
            ),
            req(
                Topic::Form,
                RequirementDirection::Both,
                "",
                "the model form",
            ),
        ];
        let mut law = Instrument::new("cn-law", InstrumentKind::DomesticLaw, "Law");
        law.parties = vec![Party::new("CN")];
        law.coverage = conv.coverage.clone();
        law.requirements = vec![
            req(
                Topic::Translation,
                RequirementDirection::To,
                "CN",
                "law: Chinese",
            ),
            req(
                Topic::Translation,
                RequirementDirection::From,
                "CN",
                "law: foreign language",
            ),
            Requirement {
                channels: vec![ChannelKind::Reciprocity],
                ..req(
                    Topic::Authority,
                    RequirementDirection::To,
                    "CN",
                    "through the MFA",
                )
            },
            Requirement {
                valid_from: Some(PartialDate::day(2024, 1, 1)),
                ..req(
                    Topic::Alternative,
                    RequirementDirection::From,
                    "CN",
                    "ten methods",
                )
            },
            Requirement {
                matters: vec![Matter::Criminal],
                ..req(
                    Topic::Costs,
                    RequirementDirection::Both,
                    "",
                    "criminal costs",
                )
            },
        ];
        let channel = Channel {
            kind: ChannelKind::MultilateralConvention,
            instrument_id: Some("conv".into()),
            title: "Convention".into(),
            articles: String::new(),
            home_authority: String::new(),
            foreign_authority: String::new(),
            transmission: String::new(),
            conditions: Vec::new(),
            explanation: String::new(),
            uncertain: None,
        };
        (conv, law, channel)
    }

    fn texts(items: &[ChecklistItem]) -> Vec<String> {
        items
            .iter()
            .filter_map(|i| {
                let r = i.requirement.as_ref()?;
                Some(match &i.direction_label {
                    Some(l) => format!("{}: {} [{l}]", i.topic, r.text),
                    None => format!("{}: {}", i.topic, r.text),
                })
            })
            .collect()
    }

    fn query(direction: Direction, on: CalendarDate) -> RouteQuery {
        let mut q = RouteQuery::new(
            "FR",
            Matter::CivilCommercial,
            Assistance::ServiceOfDocuments,
            on,
        );
        q.direction = direction;
        q
    }

    #[test]
    fn items_follow_the_direction_asked() {
        let (conv, law, channel) = fixtures();
        let on = CalendarDate::new(2025, 1, 1).unwrap();
        let cases: &[(Direction, &[&str])] = &[
            (
                Direction::Incoming,
                &[
                    "form: the model form",
                    "translation: into Chinese",
                    "translation: law: Chinese",
                    "copies: two copies",
                ],
            ),
            (
                Direction::Outgoing,
                &[
                    "form: the model form",
                    "translation: law: foreign language",
                    "translation: into French",
                    "copies: two copies",
                    "alternative: ten methods",
                ],
            ),
            (
                Direction::Both,
                &[
                    "form: the model form",
                    "translation: into Chinese [requests to CN]",
                    "translation: law: Chinese [requests to CN]",
                    "translation: law: foreign language [requests from CN]",
                    "translation: into French [requests to FR]",
                    "copies: two copies",
                    "alternative: ten methods [requests from CN]",
                ],
            ),
        ];
        for (direction, want) in cases {
            let items = checklist("CN", &query(*direction, on), &channel, Some(&conv), &[&law]);
            assert_eq!(texts(&items), *want, "{direction:?}");
        }
    }

    #[test]
    fn the_counterparts_own_rule_is_labelled_as_its() {
        let (conv, law, channel) = fixtures();
        let on = CalendarDate::new(2025, 1, 1).unwrap();
        let items = checklist(
            "CN",
            &query(Direction::Outgoing, on),
            &channel,
            Some(&conv),
            &[&law],
        );
        let french = items
            .iter()
            .find(|i| {
                i.requirement
                    .as_ref()
                    .is_some_and(|r| r.text == "into French")
            })
            .unwrap();
        assert_eq!(french.origin, ItemOrigin::Counterpart);
    }

    #[test]
    fn silent_topics_are_not_recorded_and_every_topic_appears() {
        let (conv, law, channel) = fixtures();
        let on = CalendarDate::new(2025, 1, 1).unwrap();
        let items = checklist(
            "CN",
            &query(Direction::Incoming, on),
            &channel,
            Some(&conv),
            &[&law],
        );
        for topic in Topic::ALL {
            assert!(items.iter().any(|i| i.topic == *topic), "{topic}");
        }
        let address = items.iter().find(|i| i.topic == Topic::Address).unwrap();
        assert!(!address.is_recorded());
        let topics: Vec<Topic> = items.iter().map(|i| i.topic).collect();
        let mut sorted = topics.clone();
        sorted.sort();
        assert_eq!(topics, sorted, "ordered by topic");
    }

    #[test]
    fn validity_and_channel_kind_filter_the_law() {
        let (conv, law, mut channel) = fixtures();
        let before = CalendarDate::new(2023, 6, 1).unwrap();
        let items = checklist(
            "CN",
            &query(Direction::Outgoing, before),
            &channel,
            Some(&conv),
            &[&law],
        );
        assert!(!texts(&items).iter().any(|t| t.contains("ten methods")));
        let on = CalendarDate::new(2025, 1, 1).unwrap();
        let items = checklist(
            "CN",
            &query(Direction::Incoming, on),
            &channel,
            Some(&conv),
            &[&law],
        );
        assert!(!texts(&items).iter().any(|t| t.contains("MFA")));
        channel.kind = ChannelKind::Reciprocity;
        let items = checklist(
            "CN",
            &query(Direction::Incoming, on),
            &channel,
            None,
            &[&law],
        );
        assert!(texts(&items).iter().any(|t| t.contains("MFA")));
        assert!(!texts(&items).iter().any(|t| t.contains("model form")));
    }
}
