//! Events, their CloudEvents types, and the filters subscribers choose.

use std::collections::BTreeSet;
use std::fmt;

use judicial_domain::Assistance;
use serde::{Deserialize, Serialize};

/// What happened. The CloudEvents `type` is [`EventType::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// An instrument was created in the registry.
    #[serde(rename = "judicial.v1.instrument.created")]
    InstrumentCreated,
    /// An instrument was changed; the data lists the changed fields.
    #[serde(rename = "judicial.v1.instrument.amended")]
    InstrumentAmended,
    /// An instrument was deleted.
    #[serde(rename = "judicial.v1.instrument.deleted")]
    InstrumentDeleted,
    /// A recorded entry-into-force date arrived.
    #[serde(rename = "judicial.v1.instrument.entered_into_force")]
    EnteredIntoForce,
    /// A recorded termination date arrived.
    #[serde(rename = "judicial.v1.instrument.termination_effective")]
    TerminationEffective,
    /// The primary channel for a (counterpart, matter, assistance) changed.
    #[serde(rename = "judicial.v1.channel.changed")]
    ChannelChanged,
}

impl EventType {
    /// Every type, in contract order.
    pub const ALL: &'static [EventType] = &[
        EventType::InstrumentCreated,
        EventType::InstrumentAmended,
        EventType::InstrumentDeleted,
        EventType::EnteredIntoForce,
        EventType::TerminationEffective,
        EventType::ChannelChanged,
    ];

    /// The CloudEvents type (`judicial.v1.instrument.created`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::InstrumentCreated => "judicial.v1.instrument.created",
            EventType::InstrumentAmended => "judicial.v1.instrument.amended",
            EventType::InstrumentDeleted => "judicial.v1.instrument.deleted",
            EventType::EnteredIntoForce => "judicial.v1.instrument.entered_into_force",
            EventType::TerminationEffective => "judicial.v1.instrument.termination_effective",
            EventType::ChannelChanged => "judicial.v1.channel.changed",
        }
    }

    /// Parses a CloudEvents type exactly as [`EventType::as_str`] writes it.
    pub fn parse(text: &str) -> Option<EventType> {
        EventType::ALL.iter().copied().find(|t| t.as_str() == text)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event as derived, before the log gives it a sequence and an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// What happened.
    pub event_type: EventType,
    /// CloudEvents subject (`instruments/cn-fr-civil-1987`).
    pub subject: String,
    /// JSON payload.
    pub data: String,
    /// Registry revision it came from (0 for a date arriving).
    pub registry_revision: u64,
    /// Counterpart jurisdictions it concerns, sorted.
    pub counterparts: Vec<String>,
    /// Kinds of assistance it concerns, sorted.
    pub assistances: Vec<Assistance>,
}

/// A stored event with its CloudEvents attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Gapless sequence across the log, from 1.
    pub sequence: u64,
    /// CloudEvents id, unique per event (`{log id}-{sequence}`).
    pub id: String,
    /// CloudEvents source.
    pub source: String,
    /// CloudEvents type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the notifier derived it, Unix milliseconds.
    pub time_ms: i64,
    /// CloudEvents subject.
    pub subject: String,
    /// JSON payload.
    pub data: String,
    /// Registry revision it came from (0 for a date arriving).
    pub registry_revision: u64,
    /// Counterpart jurisdictions it concerns.
    pub counterparts: Vec<String>,
    /// Kinds of assistance it concerns.
    pub assistances: Vec<Assistance>,
}

/// Which events a subscriber receives; an empty set matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventFilter {
    /// Counterpart codes; an event matches when it concerns any of them.
    pub counterparts: BTreeSet<String>,
    /// Event types.
    pub event_types: BTreeSet<EventType>,
    /// Kinds of assistance; an event matches when it concerns any of them.
    pub assistances: BTreeSet<Assistance>,
}

impl EventFilter {
    /// Returns whether `event` passes every non-empty part of the filter.
    pub fn matches(&self, event: &Event) -> bool {
        (self.event_types.is_empty() || self.event_types.contains(&event.event_type))
            && (self.counterparts.is_empty()
                || event
                    .counterparts
                    .iter()
                    .any(|c| self.counterparts.contains(c)))
            && (self.assistances.is_empty()
                || event
                    .assistances
                    .iter()
                    .any(|a| self.assistances.contains(a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t: EventType, counterparts: &[&str], assistances: &[Assistance]) -> Event {
        Event {
            sequence: 1,
            id: "x-1".into(),
            source: "/judicial/registry".into(),
            event_type: t,
            time_ms: 0,
            subject: "instruments/a".into(),
            data: "{}".into(),
            registry_revision: 1,
            counterparts: counterparts.iter().map(|c| c.to_string()).collect(),
            assistances: assistances.to_vec(),
        }
    }

    #[test]
    fn types_round_trip_and_serialize_as_cloudevents_types() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
            assert_eq!(
                serde_json::to_string(t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!(EventType::parse("instrument.created"), None);
    }

    #[test]
    fn filter_table() {
        use Assistance::*;
        let e = event(
            EventType::InstrumentCreated,
            &["FR"],
            &[ServiceOfDocuments, TakingOfEvidence],
        );
        let f = |c: &[&str], t: &[EventType], a: &[Assistance]| EventFilter {
            counterparts: c.iter().map(|s| s.to_string()).collect(),
            event_types: t.iter().copied().collect(),
            assistances: a.iter().copied().collect(),
        };
        let cases = [
            (f(&[], &[], &[]), true),
            (f(&["FR"], &[], &[]), true),
            (f(&["DE"], &[], &[]), false),
            (f(&["DE", "FR"], &[], &[]), true),
            (f(&[], &[EventType::InstrumentCreated], &[]), true),
            (f(&[], &[EventType::ChannelChanged], &[]), false),
            (f(&[], &[], &[TakingOfEvidence]), true),
            (f(&[], &[], &[Extradition]), false),
            (
                f(&["FR"], &[EventType::InstrumentCreated], &[Extradition]),
                false,
            ),
        ];
        for (i, (filter, want)) in cases.iter().enumerate() {
            assert_eq!(filter.matches(&e), *want, "case {i}: {filter:?}");
        }
    }
}
