//! How an event becomes NATS messages: subjects, `Nats-Msg-Id`s and
//! CloudEvents JSON (structured mode), with the same attributes as the gRPC
//! `Event`.
//!
//! An event concerns zero, one or several counterparts. It is published
//! once per counterpart, on `{prefix}.{type}.{counterpart}`, so a consumer
//! filtered by `judicial.events.*.FR` sees every event concerning France;
//! an event concerning none is published once on `{prefix}.{type}.none`.
//! The `Nats-Msg-Id` is the event's id when it has one message, and
//! `{id}/{counterpart}` when it has several; every message carries the same
//! CloudEvents `id`, so a consumer of the whole stream can drop the copies.

use bytes::Bytes;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::event::{Event, EventType};

/// The subject token of an event without counterparts.
pub const NO_COUNTERPART: &str = "none";
/// Header with the event's sequence in the notifier's log.
pub const SEQUENCE_HEADER: &str = "Judicial-Sequence";
/// Content type of a structured-mode CloudEvent.
pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// One message to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `{prefix}.{type}.{counterpart}`.
    pub subject: String,
    /// JetStream's de-duplication key.
    pub msg_id: String,
    /// The CloudEvent, JSON.
    pub payload: Bytes,
}

/// The subject token of an event type: its CloudEvents type without the
/// `judicial.v1.` prefix, dots as underscores (`instrument_created`).
pub fn type_token(event_type: EventType) -> &'static str {
    match event_type {
        EventType::InstrumentCreated => "instrument_created",
        EventType::InstrumentAmended => "instrument_amended",
        EventType::InstrumentDeleted => "instrument_deleted",
        EventType::EnteredIntoForce => "instrument_entered_into_force",
        EventType::TerminationEffective => "instrument_termination_effective",
        EventType::ChannelChanged => "channel_changed",
    }
}

/// A counterpart code as a subject token (codes are ISO 3166-1 alpha-2;
/// anything NATS would read as a separator or wildcard becomes `_`).
fn counterpart_token(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '.' || c == '*' || c == '>' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The event as a CloudEvent (JSON, structured mode). `data` is the
/// event's JSON payload itself (a string if it is not JSON); the
/// extensions `sequence`, `registryrevision`, `counterparts` and
/// `assistances` carry the rest of the gRPC `Event` (lists comma-separated,
/// as CloudEvents extension values are scalars).
pub fn cloudevent(event: &Event) -> Value {
    let data: Value =
        serde_json::from_str(&event.data).unwrap_or_else(|_| Value::String(event.data.clone()));
    let time = OffsetDateTime::from_unix_timestamp_nanos(i128::from(event.time_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok());
    let assistances: Vec<&str> = event.assistances.iter().map(|a| a.as_str()).collect();
    json!({
        "specversion": "1.0",
        "id": event.id,
        "source": event.source,
        "type": event.event_type.as_str(),
        "time": time,
        "subject": event.subject,
        "datacontenttype": "application/json",
        "data": data,
        "sequence": event.sequence,
        "registryrevision": event.registry_revision,
        "counterparts": event.counterparts.join(","),
        "assistances": assistances.join(","),
    })
}

/// The messages of one event, in publishing order.
pub fn messages(prefix: &str, event: &Event) -> Vec<Message> {
    let payload = Bytes::from(serde_json::to_vec(&cloudevent(event)).unwrap_or_default());
    let kind = type_token(event.event_type);
    if event.counterparts.len() <= 1 {
        let counterpart = event
            .counterparts
            .first()
            .map(|c| counterpart_token(c))
            .unwrap_or_else(|| NO_COUNTERPART.to_owned());
        return vec![Message {
            subject: format!("{prefix}.{kind}.{counterpart}"),
            msg_id: event.id.clone(),
            payload,
        }];
    }
    event
        .counterparts
        .iter()
        .map(|c| {
            let counterpart = counterpart_token(c);
            Message {
                subject: format!("{prefix}.{kind}.{counterpart}"),
                msg_id: format!("{}/{counterpart}", event.id),
                payload: payload.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use judicial_domain::Assistance;

    use super::*;

    fn event(counterparts: &[&str]) -> Event {
        Event {
            sequence: 7,
            id: "nabc-7".into(),
            source: "/judicial/registry".into(),
            event_type: EventType::EnteredIntoForce,
            time_ms: 1_700_000_000_123,
            subject: "instruments/cn-fr-civil-1987".into(),
            data: r#"{"instrument":"cn-fr-civil-1987"}"#.into(),
            registry_revision: 42,
            counterparts: counterparts.iter().map(|c| c.to_string()).collect(),
            assistances: vec![Assistance::ServiceOfDocuments, Assistance::TakingOfEvidence],
        }
    }

    #[test]
    fn one_counterpart_is_one_message_keyed_by_the_event_id() {
        let m = messages("judicial.events", &event(&["FR"]));
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].subject,
            "judicial.events.instrument_entered_into_force.FR"
        );
        assert_eq!(m[0].msg_id, "nabc-7");
        let v: Value = serde_json::from_slice(&m[0].payload).unwrap();
        assert_eq!(
            v,
            json!({
                "specversion": "1.0",
                "id": "nabc-7",
                "source": "/judicial/registry",
                "type": "judicial.v1.instrument.entered_into_force",
                "time": "2023-11-14T22:13:20.123Z",
                "subject": "instruments/cn-fr-civil-1987",
                "datacontenttype": "application/json",
                "data": {"instrument": "cn-fr-civil-1987"},
                "sequence": 7,
                "registryrevision": 42,
                "counterparts": "FR",
                "assistances": "service_of_documents,taking_of_evidence",
            })
        );
    }

    #[test]
    fn several_counterparts_are_one_message_each_and_none_has_its_token() {
        let m = messages("p", &event(&["DE", "FR"]));
        let pairs: Vec<(&str, &str)> = m
            .iter()
            .map(|m| (m.subject.as_str(), m.msg_id.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("p.instrument_entered_into_force.DE", "nabc-7/DE"),
                ("p.instrument_entered_into_force.FR", "nabc-7/FR"),
            ]
        );
        let m = messages("p", &event(&[]));
        assert_eq!(m[0].subject, "p.instrument_entered_into_force.none");
        assert_eq!(
            messages("p", &event(&["a.b*"]))[0]
                .subject
                .rsplit('.')
                .next(),
            Some("a_b_")
        );
    }

    #[test]
    fn every_type_is_one_subject_token() {
        for t in EventType::ALL {
            let token = type_token(*t);
            assert!(!token.contains('.'), "{token}");
            assert_eq!(
                token,
                t.as_str()
                    .trim_start_matches("judicial.v1.")
                    .replace('.', "_")
            );
        }
    }
}
