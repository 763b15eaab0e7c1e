//! Request checklists on an answer (`RouteRequest.include_checklist`): each
//! channel gets what its instrument, the home state's statutes and the
//! counterpart's require, computed by `judicial_domain::checklist` from the
//! same view the answer came from.

use judicial_domain::checklist::{ChecklistItem, checklist};
use judicial_domain::routing::RouteQuery;
use judicial_domain::{Instrument, InstrumentKind};
use judicial_proto::convert;
use judicial_proto::v1 as pb;

use crate::router::{Answer, Query};
use crate::view::View;

/// Converts `answer` with `to_proto`, then, when `include` is set, fills
/// every channel's checklist.
pub fn respond(
    home: &str,
    view: &View,
    query: &Query,
    answer: Answer,
    include: bool,
    to_proto: fn(Answer) -> pb::RouteResponse,
) -> pb::RouteResponse {
    if !include {
        return to_proto(answer);
    }
    let mut response = to_proto(answer.clone());
    attach(home, view, query, &answer, &mut response);
    response
}

/// Fills `response.channels[i].checklist` for every channel of `answer`.
pub fn attach(
    home: &str,
    view: &View,
    query: &Query,
    answer: &Answer,
    response: &mut pb::RouteResponse,
) {
    let q = RouteQuery {
        counterpart: answer.counterpart.clone(),
        matter: query.matter,
        assistance: query.assistance,
        on: answer.on,
        offence: query.offence.clone(),
        transmission: query.transmission.clone(),
        explain: false,
        direction: query.direction,
    };
    let around = view.candidates(&answer.counterpart);
    let laws: Vec<&Instrument> = view
        .candidates(home)
        .into_iter()
        .chain(around.iter().copied())
        .filter(|i| i.kind == InstrumentKind::DomesticLaw)
        .collect();
    for (channel, wire) in answer.answer.channels.iter().zip(&mut response.channels) {
        let instrument = channel
            .instrument_id
            .as_deref()
            .and_then(|id| around.iter().copied().find(|i| i.id == id));
        wire.checklist = checklist(home, &q, channel, instrument, &laws)
            .iter()
            .map(item_to_proto)
            .collect();
    }
}

fn item_to_proto(item: &ChecklistItem) -> pb::ChecklistItem {
    let mut wire = pb::ChecklistItem {
        topic: convert::topic_to_proto(item.topic) as i32,
        origin: item.origin.as_str().to_owned(),
        instrument: if item.instrument_id.is_empty() {
            String::new()
        } else {
            format!("instruments/{}", item.instrument_id)
        },
        instrument_title: item.instrument_title.clone(),
        recorded: item.is_recorded(),
        direction_label: item.direction_label.clone().unwrap_or_default(),
        ..pb::ChecklistItem::default()
    };
    if let Some(r) = &item.requirement {
        wire.text = r.text.clone();
        wire.article = r.article.clone();
        wire.sources = r.sources.clone();
        wire.conflict = r.conflict.clone();
        wire.reported = r.reported.map(convert::date_to_proto);
        wire.notes = r.notes.clone();
        wire.direction = convert::requirement_direction_to_proto(r.direction) as i32;
        wire.party = r.party.clone();
    }
    wire
}
