//! Answers in their wire form. The router keeps answers encoded, because
//! serving the same answer many times is what it does: the part that
//! depends only on the view, the query and the date's interval is encoded
//! once, and each reply adds the per-request fields (revision, stale,
//! on_date, view_age, counterpart) around it. A protobuf message is the
//! concatenation of its fields, so the result is byte for byte what prost
//! gives for the whole message (fields in number order).

use std::time::Duration;

use judicial_domain::routing::{Channel, NotApplicable, NotApplicableReason, RouteAnswer};
use judicial_domain::{CalendarDate, InstrumentKind};
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use prost::Message;
use prost::bytes::{BufMut, Bytes};

use crate::view::View;

/// The most not-applicable entries one page may hold.
pub const MAX_PAGE: u32 = 1000;

/// How much of an answer to return (`RouteRequest.view`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Detail {
    /// Channels with their one-line explanations only.
    Basic,
    /// Channels, traces when asked, and a page of not-applicable entries.
    #[default]
    Full,
}

/// What part of an answer a reply carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Basic or full.
    pub detail: Detail,
    /// Most not-applicable entries (full only).
    pub page_size: u32,
    /// Not-applicable entries already returned on earlier pages.
    pub page_offset: u32,
    /// Whether each channel carries its request checklist
    /// (`RouteRequest.include_checklist`). Such answers are not cached: a
    /// checklist also depends on the home state's statutes and on the
    /// requirements' validity periods, which the date intervals do not list.
    pub checklist: bool,
}

/// The encoded fields of an answer that do not depend on the request:
/// channels and not-applicable entries (fields 1 and 2) before `split`,
/// the omitted count and page token (fields 8 and 9) after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    bytes: Bytes,
    split: usize,
}

impl Encoded {
    /// Encodes the stable part of `answer` in `shape`; `view` tells
    /// instruments between the two states from conventions.
    pub fn of(
        answer: RouteAnswer,
        shape: Shape,
        view: &View,
        home: &str,
        query: &judicial_domain::routing::RouteQuery,
    ) -> Encoded {
        let RouteAnswer {
            channels,
            mut not_applicable,
        } = answer;
        // Most relevant first: instruments between the two states, then
        // conventions (each group stays in id order: the sort is stable).
        not_applicable.sort_by_key(|n| {
            view.kind_of(&n.instrument_id) == Some(InstrumentKind::MultilateralConvention)
        });
        let total = not_applicable.len();
        let (page, omitted, next) = match shape.detail {
            Detail::Basic => (Vec::new(), total, String::new()),
            Detail::Full => {
                let from = (shape.page_offset as usize).min(total);
                let to = from.saturating_add(shape.page_size as usize).min(total);
                let next = if to < total {
                    to.to_string()
                } else {
                    String::new()
                };
                let page: Vec<NotApplicable> = not_applicable.drain(from..to).collect();
                (page, total - to, next)
            }
        };
        let checklists = if shape.checklist {
            crate::checklist::checklists(home, view, query, &channels)
        } else {
            Vec::new()
        };
        let mut channels: Vec<pb::Channel> = channels.into_iter().map(channel_to_proto).collect();
        for (wire, items) in channels.iter_mut().zip(checklists) {
            wire.checklist = items;
        }
        let head = pb::RouteResponse {
            channels,
            not_applicable: page.into_iter().map(not_applicable_to_proto).collect(),
            ..Default::default()
        };
        let tail = pb::RouteResponse {
            not_applicable_omitted: i32::try_from(omitted).unwrap_or(i32::MAX),
            next_not_applicable_page_token: next,
            ..Default::default()
        };
        let mut bytes = Vec::with_capacity(head.encoded_len() + tail.encoded_len());
        head.encode_raw(&mut bytes);
        let split = bytes.len();
        tail.encode_raw(&mut bytes);
        Encoded {
            bytes: Bytes::from(bytes),
            split,
        }
    }

    /// Bytes held.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it holds nothing (an answer always has a channel, so never).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// One reply: an encoded answer and the fields of this request.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The stable part.
    pub answer: Encoded,
    /// The counterpart, as resolved.
    pub counterpart: String,
    /// The date answered for.
    pub on: CalendarDate,
    /// Revision of the view.
    pub revision: u64,
    /// Whether the router lost the registry.
    pub stale: bool,
    /// Time since the registry was last heard from.
    pub view_age: Duration,
}

impl Reply {
    fn per_request(&self) -> pb::RouteResponse {
        pb::RouteResponse {
            revision: self.revision,
            stale: self.stale,
            on_date: Some(convert::calendar_to_proto(self.on)),
            view_age: Some(prost_types::Duration {
                seconds: self.view_age.as_secs() as i64,
                nanos: self.view_age.subsec_nanos() as i32,
            }),
            counterpart: self.counterpart.clone(),
            ..Default::default()
        }
    }

    /// Length of the whole RouteResponse.
    pub fn encoded_len(&self) -> usize {
        self.answer.len() + self.per_request().encoded_len()
    }

    /// Writes the whole RouteResponse.
    pub fn write(&self, buf: &mut impl BufMut) {
        let (head, tail) = self.answer.bytes.split_at(self.answer.split);
        buf.put_slice(head);
        self.per_request().encode_raw(buf);
        buf.put_slice(tail);
    }

    /// The whole RouteResponse as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write(&mut out);
        out
    }
}

/// Writes a BatchRouteResponse of `replies` (field 1, repeated).
pub fn write_batch(replies: &[Reply], buf: &mut impl BufMut) {
    for r in replies {
        let per = r.per_request();
        let len = r.answer.len() + per.encoded_len();
        prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, buf);
        prost::encoding::encode_varint(len as u64, buf);
        let (head, tail) = r.answer.bytes.split_at(r.answer.split);
        buf.put_slice(head);
        per.encode_raw(buf);
        buf.put_slice(tail);
    }
}

fn reason_code(r: NotApplicableReason) -> pb::NotApplicableReason {
    match r {
        NotApplicableReason::NotYetInForce => pb::NotApplicableReason::NotYetInForce,
        NotApplicableReason::NotInForce => pb::NotApplicableReason::NotInForce,
        NotApplicableReason::Terminated => pb::NotApplicableReason::Terminated,
        NotApplicableReason::NotCovered => pb::NotApplicableReason::NotCovered,
        NotApplicableReason::NotAParty => pb::NotApplicableReason::NotAParty,
        NotApplicableReason::Reservation => pb::NotApplicableReason::Reservation,
        NotApplicableReason::OffenceOutOfScope => pb::NotApplicableReason::OffenceOutOfScope,
        NotApplicableReason::RegionNotCovered => pb::NotApplicableReason::RegionNotCovered,
        NotApplicableReason::AccessionNotAccepted => pb::NotApplicableReason::AccessionNotAccepted,
    }
}

fn not_applicable_to_proto(n: NotApplicable) -> pb::NotApplicable {
    let NotApplicable {
        instrument_id,
        title,
        code,
        reason,
    } = n;
    pb::NotApplicable {
        instrument: format!("instruments/{instrument_id}"),
        reason,
        title,
        code: reason_code(code) as i32,
    }
}

/// Converts a domain channel to the wire, moving its strings.
pub fn channel_to_proto(c: Channel) -> pb::Channel {
    let Channel {
        kind,
        instrument_id,
        title,
        articles,
        home_authority,
        foreign_authority,
        transmission,
        conditions,
        explanation,
        uncertain,
    } = c;
    pb::Channel {
        kind: convert::channel_kind_to_proto(kind) as i32,
        instrument: instrument_id
            .map(|id| format!("instruments/{id}"))
            .unwrap_or_default(),
        title,
        articles,
        home_authority,
        foreign_authority,
        transmission,
        conditions,
        explanation,
        uncertain: uncertain.is_some(),
        uncertainty: uncertain.unwrap_or_default(),
        // Filled by `Encoded::of` when the request asks for checklists.
        checklist: Vec::new(),
    }
}
