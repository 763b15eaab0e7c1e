//! Request checklists on an answer (`RouteRequest.include_checklist`): each
//! channel gets what its instrument, the home state's statutes and the
//! counterpart's require, computed by `judicial_domain::checklist` from the
//! same view the answer came from.

use judicial_domain::checklist::{ChecklistItem, checklist};
use judicial_domain::routing::{Catalog, Channel, RouteQuery};
use judicial_domain::{Instrument, InstrumentKind};
use judicial_proto::convert;
use judicial_proto::v1 as pb;

use crate::view::View;

/// The checklist of every channel of an answer to `query`, in channel order.
pub fn checklists(
    home: &str,
    view: &View,
    query: &RouteQuery,
    channels: &[Channel],
) -> Vec<Vec<pb::ChecklistItem>> {
    let q = RouteQuery {
        explain: false,
        ..query.clone()
    };
    // The statutes of either side; conventions are never statutes.
    let laws: Vec<&Instrument> = view
        .naming(home)
        .into_iter()
        .chain(view.naming(&query.counterpart))
        .filter(|i| i.kind == InstrumentKind::DomesticLaw)
        .collect();
    channels
        .iter()
        .map(|channel| {
            let instrument = channel
                .instrument_id
                .as_deref()
                .and_then(|id| view.instrument(id));
            checklist(home, &q, channel, instrument, &laws)
                .iter()
                .map(item_to_proto)
                .collect()
        })
        .collect()
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
