//! Subscriptions: durable resources with a filter and delivery cursors.

use judicial_domain::Assistance;
use judicial_domain::validation::{Violations, is_valid_id};
use serde::{Deserialize, Serialize};

use crate::error::NotifierError;
use crate::event::{EventFilter, EventType};

/// Where a new subscription starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartPosition {
    /// The oldest retained event.
    Earliest,
    /// Only events after the subscription is created.
    Latest,
    /// The event with this sequence (it must be retained, or the next one).
    Sequence(u64),
}

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// Id (`ministry-x`); the resource name is `subscriptions/{id}`.
    pub id: String,
    /// Which events it receives.
    pub filter: EventFilter,
    /// How its start was asked for.
    pub start: StartPosition,
    /// First sequence it may receive.
    pub start_sequence: u64,
    /// Every event up to this sequence is acknowledged.
    pub acked_sequence: u64,
    /// Highest sequence ever handed to a stream (recorded durably before
    /// the event is sent, so an ack of anything received is valid even
    /// after a restart).
    pub delivered_sequence: u64,
    /// Creation time, Unix milliseconds.
    pub create_time_ms: i64,
    /// The principal that created it, the only one (with admins) that may
    /// use it. Subscriptions stored before owners were recorded read as
    /// `anonymous`: what every caller was without TLS.
    #[serde(default = "anonymous")]
    pub owner: String,
}

fn anonymous() -> String {
    judicial_server::auth::ANONYMOUS.to_owned()
}

impl Subscription {
    /// The resource name, `subscriptions/{id}`.
    pub fn resource_name(&self) -> String {
        format!("subscriptions/{}", self.id)
    }
}

/// A subscription to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// Id; must be new.
    pub id: String,
    /// Which events it receives.
    pub filter: EventFilter,
    /// Where it starts.
    pub start: StartPosition,
    /// The principal creating it.
    pub owner: String,
}

/// Who is calling, as far as subscriptions care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The caller's identity (`anonymous` without TLS).
    pub principal: String,
    /// Whether it holds the admin role (every caller does without a policy).
    pub admin: bool,
}

impl Caller {
    /// Whether the caller may see and use `subscription`.
    pub fn may_use(&self, subscription: &Subscription) -> bool {
        self.admin || subscription.owner == self.principal
    }

    /// Refuses a subscription the caller does not own.
    pub fn check(&self, subscription: &Subscription) -> Result<(), NotifierError> {
        if self.may_use(subscription) {
            Ok(())
        } else {
            Err(NotifierError::NotOwner {
                subscription: subscription.resource_name(),
                principal: self.principal.clone(),
            })
        }
    }
}

/// A filter as a client wrote it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterRequest {
    /// Jurisdiction codes.
    pub counterparts: Vec<String>,
    /// CloudEvents types.
    pub event_types: Vec<String>,
    /// Kinds of assistance; None for an unspecified or unknown value.
    pub assistances: Vec<Option<Assistance>>,
}

impl FilterRequest {
    /// Validates every entry, reporting each bad one under `{prefix}{list}[i]`
    /// (`subscription.filter.event_types[0]`); `known` says whether a
    /// jurisdiction code exists.
    pub fn validate(
        &self,
        prefix: &str,
        known: &dyn Fn(&str) -> bool,
        v: &mut Violations,
    ) -> EventFilter {
        let mut filter = EventFilter::default();
        for (i, code) in self.counterparts.iter().enumerate() {
            let normal = code.trim().to_ascii_uppercase();
            if known(&normal) {
                filter.counterparts.insert(normal);
            } else {
                v.add(
                    format!("{prefix}counterparts[{i}]"),
                    format!("{code:?} is not a known jurisdiction code"),
                );
            }
        }
        for (i, name) in self.event_types.iter().enumerate() {
            match EventType::parse(name.trim()) {
                Some(t) => {
                    filter.event_types.insert(t);
                }
                None => v.add(
                    format!("{prefix}event_types[{i}]"),
                    format!(
                        "{name:?} is not an event type; expected one of {}",
                        EventType::ALL
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        for (i, a) in self.assistances.iter().enumerate() {
            match a {
                Some(a) => {
                    filter.assistances.insert(*a);
                }
                None => v.add(
                    format!("{prefix}assistances[{i}]"),
                    "assistance must be a specified kind of assistance",
                ),
            }
        }
        filter
    }
}

/// Checks a subscription id like the registry checks instrument ids.
pub fn validate_id(id: &str, field: &str, v: &mut Violations) {
    if id.is_empty() {
        v.add(field, "a subscription id is required");
    } else if !is_valid_id(id) {
        v.add(
            field,
            format!(
                "subscription id {id:?} must be 1 to 100 lower-case letters, digits and hyphens, not starting or ending with a hyphen"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_entry_is_named() {
        let request = FilterRequest {
            counterparts: vec!["fr".into(), "XX".into()],
            event_types: vec!["judicial.v1.channel.changed".into(), "nope".into()],
            assistances: vec![Some(Assistance::Extradition), None],
        };
        let mut v = Violations::default();
        let filter = request.validate("subscription.filter.", &|c| c == "FR", &mut v);
        let fields: Vec<_> = v.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "subscription.filter.counterparts[1]",
                "subscription.filter.event_types[1]",
                "subscription.filter.assistances[1]",
            ]
        );
        assert!(filter.counterparts.contains("FR"));
        assert!(filter.event_types.contains(&EventType::ChannelChanged));
    }

    #[test]
    fn only_the_owner_or_an_admin_may_use_a_subscription() {
        let s = Subscription {
            id: "ministry-x".into(),
            filter: EventFilter::default(),
            start: StartPosition::Latest,
            start_sequence: 1,
            acked_sequence: 0,
            delivered_sequence: 0,
            create_time_ms: 0,
            owner: "a.example".into(),
        };
        let caller = |p: &str, admin| Caller {
            principal: p.into(),
            admin,
        };
        assert!(caller("a.example", false).check(&s).is_ok());
        assert!(caller("ops.example", true).check(&s).is_ok());
        let err = caller("b.example", false).check(&s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.example does not own subscriptions/ministry-x"
        );
    }

    /// Subscriptions written before owners were recorded still read, as
    /// `anonymous`'s; the owner is one additive field.
    #[test]
    fn stored_subscriptions_without_an_owner_still_read() {
        let old = r#"{"id":"ministry-x","filter":{"counterparts":[],"event_types":[],"assistances":[]},"start":"latest","start_sequence":3,"acked_sequence":2,"delivered_sequence":2,"create_time_ms":5}"#;
        let s: Subscription = serde_json::from_str(old).unwrap();
        assert_eq!(s.owner, "anonymous");
        assert_eq!(s.start_sequence, 3);
        let round: Subscription =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(round, s);
    }

    #[test]
    fn ids() {
        for (id, ok) in [
            ("ministry-x", true),
            ("", false),
            ("A", false),
            ("-a", false),
        ] {
            let mut v = Violations::default();
            validate_id(id, "subscription.id", &mut v);
            assert_eq!(v.is_empty(), ok, "{id:?}");
        }
    }
}
