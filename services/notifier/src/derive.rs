//! Deriving events, as pure functions of views and dates.
//!
//! * A registry revision (or a re-sync diff) yields, per touched instrument,
//!   `instrument.created`, `.amended` (with the changed top-level fields) or
//!   `.deleted`; then a `channel.changed` for every (counterpart, matter,
//!   assistance) the touched resources concern whose primary channel,
//!   computed with the router's rules on the notifier's current day, differs
//!   before and after.
//! * A calendar day arriving yields `instrument.entered_into_force` and
//!   `instrument.termination_effective` for every party date that falls in
//!   the days that passed, and `channel.changed` for the pairs those
//!   instruments concern, comparing the last day checked with today.
//!
//! A date "arrives" on its latest possible day (`2005` arrives on
//! 2005-12-31): that is when the routing rules first call the instrument
//! certainly in force, or certainly terminated. Only dates recorded before
//! they arrive fire: a write that records an entry into force already in the
//! past is `created`/`amended` (and `channel.changed` if the primary channel
//! moved), never `entered_into_force`, because nothing entered into force at
//! that moment; the record merely caught up.

use std::collections::{BTreeMap, BTreeSet};

use judicial_domain::instrument::changed_fields;
use judicial_domain::routing::Channel;
use judicial_domain::{Assistance, CalendarDate, Instrument, InstrumentField, Matter, PartialDate};
use serde_json::json;

use crate::event::{EventType, NewEvent};
use crate::view::{Touched, View};

/// (counterpart, matter, assistance) → the resources that touched it.
type Pairs = BTreeMap<(String, Matter, Assistance), BTreeSet<String>>;

/// The events of one registry revision: `before` and `after` the revision,
/// the resources it touched, the notifier's current day.
pub fn revision_events(
    home: &str,
    before: &View,
    after: &View,
    touched: &Touched,
    on: CalendarDate,
    revision: u64,
) -> Vec<NewEvent> {
    let mut events = Vec::new();
    let mut pairs = Pairs::new();
    for id in &touched.instruments {
        let old = before.instruments.get(id).map(|i| i.as_ref());
        let new = after.instruments.get(id).map(|i| i.as_ref());
        let event = match (old, new) {
            (None, Some(new)) => Some(created(home, new, revision)),
            (Some(old), Some(new)) => amended(home, old, new, revision),
            (Some(old), None) => Some(deleted(home, old, revision)),
            (None, None) => None,
        };
        if let Some(event) = event {
            events.push(event);
            let subject = format!("instruments/{id}");
            for inst in old.into_iter().chain(new) {
                add_pairs(&mut pairs, home, inst, &subject);
            }
        }
    }
    for code in &touched.jurisdictions {
        for (matter, assistance) in all_requests() {
            pairs
                .entry((code.clone(), matter, assistance))
                .or_default()
                .insert(format!("jurisdictions/{code}"));
        }
    }
    events.extend(channel_events(
        home, before, on, after, on, &pairs, revision,
    ));
    events
}

/// The events of the days in (`last_checked`, `today`]: dates that arrived,
/// and the primary channels they moved.
pub fn date_events(
    home: &str,
    view: &View,
    last_checked: CalendarDate,
    today: CalendarDate,
) -> Vec<NewEvent> {
    let arrived =
        |d: Option<PartialDate>| d.is_some_and(|d| in_days(d.latest(), last_checked, today));
    let moves = |d: Option<PartialDate>| {
        d.is_some_and(|d| {
            in_days(d.earliest(), last_checked, today) || in_days(d.latest(), last_checked, today)
        })
    };
    let mut events = Vec::new();
    let mut pairs = Pairs::new();
    for inst in view.instruments.values() {
        let entered: Vec<_> = inst
            .parties
            .iter()
            .filter(|p| arrived(p.entry_into_force))
            .map(|p| (p, p.entry_into_force))
            .collect();
        let terminated: Vec<_> = inst
            .parties
            .iter()
            .filter(|p| arrived(p.termination_effective))
            .map(|p| (p, p.termination_effective))
            .collect();
        for (event_type, parties) in [
            (EventType::EnteredIntoForce, entered),
            (EventType::TerminationEffective, terminated),
        ] {
            if parties.is_empty() {
                continue;
            }
            let home_arrived = parties.iter().any(|(p, _)| p.jurisdiction == home);
            let counterparts = if home_arrived {
                reach(home, inst)
            } else {
                let mut set = BTreeSet::new();
                for (p, _) in &parties {
                    if p.jurisdiction != home {
                        set.insert(p.jurisdiction.clone());
                    }
                    set.extend(p.extended_to.iter().cloned());
                }
                set
            };
            let data = json!({
                "instrument": inst.resource_name(),
                "title": inst.display_title(),
                "parties": parties
                    .iter()
                    .map(|(p, d)| json!({
                        "jurisdiction": p.jurisdiction,
                        "date": d.map(|d| d.to_string()),
                    }))
                    .collect::<Vec<_>>(),
                "as_of": today.to_string(),
            });
            events.push(NewEvent {
                event_type,
                subject: inst.resource_name(),
                data: data.to_string(),
                registry_revision: 0,
                counterparts: counterparts.into_iter().collect(),
                assistances: assistances(inst),
            });
        }
        let dates_move = inst.parties.iter().any(|p| {
            moves(p.entry_into_force) || moves(p.termination_effective) || arrived(p.in_force_as_of)
        });
        if dates_move {
            add_pairs(&mut pairs, home, inst, &inst.resource_name());
        }
    }
    events.extend(channel_events(
        home,
        view,
        last_checked,
        view,
        today,
        &pairs,
        0,
    ));
    events
}

fn in_days(d: CalendarDate, after: CalendarDate, upto: CalendarDate) -> bool {
    after < d && d <= upto
}

/// Every (matter, assistance) a request can be about.
fn all_requests() -> impl Iterator<Item = (Matter, Assistance)> {
    Matter::ALL.iter().flat_map(|m| {
        Assistance::ALL
            .iter()
            .filter(move |a| a.only_matter().is_none_or(|only| only == *m))
            .map(move |a| (*m, *a))
    })
}

/// Jurisdictions other than `home` an instrument reaches: its parties and
/// the regions it was extended to.
fn reach(home: &str, inst: &Instrument) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for p in &inst.parties {
        if p.jurisdiction != home {
            set.insert(p.jurisdiction.clone());
        }
        set.extend(p.extended_to.iter().filter(|r| *r != home).cloned());
    }
    set
}

fn assistances(inst: &Instrument) -> Vec<Assistance> {
    let set: BTreeSet<Assistance> = inst.coverage.iter().map(|c| c.assistance).collect();
    set.into_iter().collect()
}

fn add_pairs(pairs: &mut Pairs, home: &str, inst: &Instrument, cause: &str) {
    for counterpart in reach(home, inst) {
        for c in &inst.coverage {
            pairs
                .entry((counterpart.clone(), c.matter, c.assistance))
                .or_default()
                .insert(cause.to_owned());
        }
    }
}

fn union<T: Ord + Clone>(a: impl IntoIterator<Item = T>, b: impl IntoIterator<Item = T>) -> Vec<T> {
    let set: BTreeSet<T> = a.into_iter().chain(b).collect();
    set.into_iter().collect()
}

fn created(home: &str, inst: &Instrument, revision: u64) -> NewEvent {
    let data = json!({
        "instrument": inst.resource_name(),
        "title": inst.display_title(),
        "kind": inst.kind.as_str(),
        "treaty_type": inst.treaty_type.map(|t| t.as_str()),
        "parties": inst.parties.iter().map(|p| &p.jurisdiction).collect::<Vec<_>>(),
        "revision": revision,
    });
    NewEvent {
        event_type: EventType::InstrumentCreated,
        subject: inst.resource_name(),
        data: data.to_string(),
        registry_revision: revision,
        counterparts: reach(home, inst).into_iter().collect(),
        assistances: assistances(inst),
    }
}

fn deleted(home: &str, inst: &Instrument, revision: u64) -> NewEvent {
    let data = json!({
        "instrument": inst.resource_name(),
        "title": inst.display_title(),
        "revision": revision,
    });
    NewEvent {
        event_type: EventType::InstrumentDeleted,
        subject: inst.resource_name(),
        data: data.to_string(),
        registry_revision: revision,
        counterparts: reach(home, inst).into_iter().collect(),
        assistances: assistances(inst),
    }
}

/// Returns the `amended` event, or None when no field of the content changed.
fn amended(home: &str, old: &Instrument, new: &Instrument, revision: u64) -> Option<NewEvent> {
    let fields: Vec<&str> = changed_fields(old, new)
        .into_iter()
        .map(InstrumentField::as_str)
        .collect();
    if fields.is_empty() {
        return None;
    }
    let codes = union(
        old.parties.iter().map(|p| p.jurisdiction.as_str()),
        new.parties.iter().map(|p| p.jurisdiction.as_str()),
    );
    let changed_parties: Vec<&str> = codes
        .into_iter()
        .filter(|code| old.party(code) != new.party(code))
        .collect();
    let data = json!({
        "instrument": new.resource_name(),
        "title": new.display_title(),
        "changed_fields": fields,
        "changed_parties": changed_parties,
        "revision": revision,
    });
    Some(NewEvent {
        event_type: EventType::InstrumentAmended,
        subject: new.resource_name(),
        data: data.to_string(),
        registry_revision: revision,
        counterparts: union(reach(home, old), reach(home, new)),
        assistances: union(assistances(old), assistances(new)),
    })
}

/// What identifies a primary channel for change detection: its kind and instrument.
fn identity(c: &Channel) -> (judicial_domain::ChannelKind, Option<&str>) {
    (c.kind, c.instrument_id.as_deref())
}

fn describe(c: &Channel) -> serde_json::Value {
    json!({
        "kind": c.kind.as_str(),
        "instrument": c.instrument_id.as_ref().map(|id| format!("instruments/{id}")),
        "title": c.title,
        "uncertain": c.uncertain,
    })
}

/// `channel.changed` for every pair whose primary channel differs between
/// (`before`, `before_on`) and (`after`, `after_on`).
fn channel_events(
    home: &str,
    before: &View,
    before_on: CalendarDate,
    after: &View,
    after_on: CalendarDate,
    pairs: &Pairs,
    revision: u64,
) -> Vec<NewEvent> {
    let mut events = Vec::new();
    for ((counterpart, matter, assistance), causes) in pairs {
        if counterpart == home {
            continue;
        }
        let old = before.primary(home, counterpart, *matter, *assistance, before_on);
        let new = after.primary(home, counterpart, *matter, *assistance, after_on);
        let (Some(old), Some(new)) = (old, new) else {
            // The counterpart is unknown on one side: no channel to compare.
            continue;
        };
        if identity(&old) == identity(&new) {
            continue;
        }
        let data = json!({
            "counterpart": counterpart,
            "matter": matter.as_str(),
            "assistance": assistance.as_str(),
            "on": after_on.to_string(),
            "before": describe(&old),
            "after": describe(&new),
            "causes": causes,
        });
        events.push(NewEvent {
            event_type: EventType::ChannelChanged,
            subject: format!(
                "jurisdictions/{counterpart}/channels/{}/{}",
                matter.as_str(),
                assistance.as_str()
            ),
            data: data.to_string(),
            registry_revision: revision,
            counterparts: vec![counterpart.clone()],
            assistances: vec![*assistance],
        });
    }
    events
}

#[cfg(test)]
mod tests;
