//! The gRPC adapter of the router: converts messages, maps errors once.

use std::sync::Arc;
use std::time::Duration;

use judicial_domain::routing::{Channel, Direction, NotApplicableReason, RouteError};
use judicial_domain::validation::Violations;
use judicial_domain::{CalendarDate, ChannelKind};
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::router_service_server::RouterService;
use judicial_server::status::{deadline, invalid_argument, with_reason};
use tonic::{Code, Request, Response, Status};

use crate::router::{Answer, Query, Router, RouterError};

/// Most queries in one BatchRoute.
pub const MAX_BATCH: usize = 1000;

/// `judicial.v1.RouterService` over a [`Router`].
#[derive(Debug, Clone)]
pub struct RouterGrpc {
    router: Arc<Router>,
    max_wait: Duration,
}

impl RouterGrpc {
    /// Wraps a router; `max_wait` bounds min_revision waits without a deadline.
    pub fn new(router: Arc<Router>, max_wait: Duration) -> Self {
        RouterGrpc { router, max_wait }
    }

    fn wait_budget(&self, metadata: &tonic::metadata::MetadataMap) -> Duration {
        // Leave a little of the caller's deadline to carry the answer back.
        deadline(metadata)
            .map(|d| d.mul_f64(0.9))
            .unwrap_or(self.max_wait)
            .min(self.max_wait)
    }
}

impl From<RouterError> for Status {
    fn from(e: RouterError) -> Status {
        let message = e.to_string();
        match e {
            RouterError::Route(RouteError::UnknownCounterpart(_)) => {
                with_reason(Code::NotFound, message, "UNKNOWN_JURISDICTION")
            }
            RouterError::Route(RouteError::CounterpartIsHome(_)) => {
                let mut v = Violations::default();
                v.add("counterpart", message);
                invalid_argument(&v)
            }
            RouterError::Route(RouteError::UnknownOffence(..)) => {
                let mut v = Violations::default();
                v.add("offence", message);
                invalid_argument(&v)
            }
            RouterError::NotCaughtUp { .. } => {
                with_reason(Code::Unavailable, message, "NOT_CAUGHT_UP")
            }
            RouterError::NotSynced => with_reason(Code::Unavailable, message, "NOT_SYNCED"),
        }
    }
}

fn query(r: &pb::RouteRequest, prefix: &str, v: &mut Violations) -> Query {
    let counterpart = r.counterpart.trim().to_ascii_uppercase();
    if !judicial_domain::jurisdiction::is_code(&counterpart) {
        v.add(
            format!("{prefix}counterpart"),
            format!(
                "counterpart {:?} is not an ISO 3166-1 alpha-2 code",
                r.counterpart
            ),
        );
    }
    let matter = convert::matter_from_proto(r.matter);
    if matter.is_none() {
        v.add(
            format!("{prefix}matter"),
            "matter must be CIVIL_COMMERCIAL or CRIMINAL",
        );
    }
    let assistance = convert::assistance_from_proto(r.assistance);
    if assistance.is_none() {
        v.add(
            format!("{prefix}assistance"),
            "assistance must be set (SERVICE_OF_DOCUMENTS, EXTRADITION, ...)",
        );
    }
    let on = r
        .on_date
        .as_ref()
        .and_then(|d| convert::calendar_from_proto(d, &format!("{prefix}on_date"), v));
    let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    Query {
        counterpart,
        matter: matter.unwrap_or(judicial_domain::Matter::CivilCommercial),
        assistance: assistance.unwrap_or(judicial_domain::Assistance::ServiceOfDocuments),
        on,
        offence: text(&r.offence),
        transmission: text(&r.transmission),
        explain: r.explain,
        direction: match pb::Direction::try_from(r.direction) {
            Ok(pb::Direction::Outgoing) => Direction::Outgoing,
            Ok(pb::Direction::Incoming) => Direction::Incoming,
            Ok(pb::Direction::Unspecified) => Direction::Both,
            Err(_) => {
                v.add(
                    format!("{prefix}direction"),
                    format!("unknown direction {}", r.direction),
                );
                Direction::Both
            }
        },
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

/// Converts a domain channel to the wire.
pub fn channel_to_proto(c: &Channel) -> pb::Channel {
    pb::Channel {
        kind: convert::channel_kind_to_proto(c.kind) as i32,
        instrument: c
            .instrument_id
            .as_ref()
            .map(|id| format!("instruments/{id}"))
            .unwrap_or_default(),
        title: c.title.clone(),
        articles: c.articles.clone(),
        home_authority: c.home_authority.clone(),
        foreign_authority: c.foreign_authority.clone(),
        transmission: c.transmission.clone(),
        conditions: c.conditions.clone(),
        explanation: c.explanation.clone(),
        uncertain: c.uncertain.is_some(),
        uncertainty: c.uncertain.clone().unwrap_or_default(),
    }
}

fn answer_to_proto(a: Answer) -> pb::RouteResponse {
    pb::RouteResponse {
        channels: a.answer.channels.iter().map(channel_to_proto).collect(),
        not_applicable: a
            .answer
            .not_applicable
            .iter()
            .map(|n| pb::NotApplicable {
                instrument: format!("instruments/{}", n.instrument_id),
                reason: n.reason.clone(),
                title: n.title.clone(),
                code: reason_code(n.code) as i32,
            })
            .collect(),
        revision: a.revision,
        stale: a.stale,
        on_date: Some(convert::calendar_to_proto(a.on)),
        view_age: Some(prost_types::Duration {
            seconds: a.view_age.as_secs() as i64,
            nanos: a.view_age.subsec_nanos() as i32,
        }),
        counterpart: a.counterpart,
    }
}

#[tonic::async_trait]
impl RouterService for RouterGrpc {
    async fn route(
        &self,
        request: Request<pb::RouteRequest>,
    ) -> Result<Response<pb::RouteResponse>, Status> {
        let budget = self.wait_budget(request.metadata());
        let req = request.into_inner();
        let mut v = Violations::default();
        let q = query(&req, "", &mut v);
        if !v.is_empty() {
            return Err(invalid_argument(&v));
        }
        let view = self.router.wait_for(req.min_revision, budget).await?;
        let answer = self.router.route_in(&view, &q)?;
        Ok(Response::new(answer_to_proto(answer)))
    }

    async fn batch_route(
        &self,
        request: Request<pb::BatchRouteRequest>,
    ) -> Result<Response<pb::BatchRouteResponse>, Status> {
        let budget = self.wait_budget(request.metadata());
        let req = request.into_inner();
        let mut v = Violations::default();
        if req.requests.len() > MAX_BATCH {
            v.add(
                "requests",
                format!(
                    "at most {MAX_BATCH} queries per batch, not {}",
                    req.requests.len()
                ),
            );
            return Err(invalid_argument(&v));
        }
        let queries: Vec<Query> = req
            .requests
            .iter()
            .enumerate()
            .map(|(i, r)| query(r, &format!("requests[{i}]."), &mut v))
            .collect();
        if !v.is_empty() {
            return Err(invalid_argument(&v));
        }
        let min = req
            .requests
            .iter()
            .map(|r| r.min_revision)
            .max()
            .unwrap_or(0);
        let view = self.router.wait_for(min, budget).await?;
        let mut responses = Vec::with_capacity(queries.len());
        for (i, q) in queries.iter().enumerate() {
            match self.router.route_in(&view, q) {
                Ok(answer) => responses.push(answer_to_proto(answer)),
                Err(RouterError::Route(RouteError::UnknownCounterpart(code))) => {
                    return Err(with_reason(
                        Code::NotFound,
                        format!("requests[{i}]: unknown counterpart jurisdiction {code}"),
                        "UNKNOWN_JURISDICTION",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Response::new(pb::BatchRouteResponse { responses }))
    }

    async fn get_coverage(
        &self,
        request: Request<pb::GetCoverageRequest>,
    ) -> Result<Response<pb::GetCoverageResponse>, Status> {
        let req = request.into_inner();
        let mut v = Violations::default();
        let matter = convert::matter_from_proto(req.matter);
        if matter.is_none() {
            v.add("matter", "matter must be CIVIL_COMMERCIAL or CRIMINAL");
        }
        let assistance = convert::assistance_from_proto(req.assistance);
        if assistance.is_none() {
            v.add("assistance", "assistance must be set");
        }
        let on: Option<CalendarDate> = req
            .on_date
            .as_ref()
            .and_then(|d| convert::calendar_from_proto(d, "on_date", &mut v));
        let (Some(matter), Some(assistance)) = (matter, assistance) else {
            return Err(invalid_argument(&v));
        };
        if !v.is_empty() {
            return Err(invalid_argument(&v));
        }
        let view = self.router.wait_for(0, Duration::ZERO).await?;
        let on = on.unwrap_or_else(|| self.router.today());
        let entries = self
            .router
            .coverage(&view, matter, assistance, on)
            .into_iter()
            .map(|e| pb::CoverageEntry {
                jurisdiction: e.jurisdiction,
                primary_kind: convert::channel_kind_to_proto(e.channel.kind) as i32,
                instrument: e
                    .channel
                    .instrument_id
                    .as_ref()
                    .map(|id| format!("instruments/{id}"))
                    .unwrap_or_default(),
                title: if e.channel.kind == ChannelKind::Reciprocity {
                    String::new()
                } else {
                    e.channel.title.clone()
                },
                uncertain: e.channel.uncertain.is_some(),
            })
            .collect();
        Ok(Response::new(pb::GetCoverageResponse {
            entries,
            revision: view.revision,
            stale: self.router.is_stale(),
            on_date: Some(convert::calendar_to_proto(on)),
        }))
    }
}
