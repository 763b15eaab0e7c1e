//! The gRPC adapter of the router: converts requests to domain queries,
//! calls [`Router`] once per RPC, and sends answers in their kept
//! encoding. Errors map to `Status` once, in `error.rs`.
//!
//! Route and BatchRoute answers are not `pb::RouteResponse` values: they
//! are bytes encoded once per answer and completed per request (see
//! `answer.rs`), so [`RouterServer`] serves `judicial.v1.RouterService`
//! itself with a codec that writes those bytes, where tonic's generated
//! server would encode a message. Requests are decoded by prost as usual.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use judicial_domain::routing::{Direction, RouteQuery};
use judicial_domain::validation::Violations;
use judicial_domain::{Assistance, Channel, ChannelKind, Matter};
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_server::admission::ReadSlot;
use judicial_server::status::{deadline, invalid_argument};
use prost::Message;
use tonic::codec::{BufferSettings, Codec, EncodeBuf, Encoder};
use tonic::codegen::{Body, BoxFuture, Service, StdError, http};
use tonic::server::{NamedService, UnaryService};
use tonic::{Request, Response, Status};

use crate::answer::{self, Detail, MAX_PAGE, Reply, Shape};
use crate::router::{Coverage, CoverageEntry, Router};

/// Most queries in one BatchRoute.
pub const MAX_BATCH: usize = 1000;

/// `judicial.v1.RouterService` over a [`Router`].
#[derive(Debug, Clone)]
pub struct RouterGrpc {
    router: Arc<Router>,
    max_wait: Duration,
    page_size: u32,
}

impl RouterGrpc {
    /// Wraps a router; `max_wait` bounds min_revision waits without a
    /// deadline; `page_size` is the default number of not-applicable entries.
    pub fn new(router: Arc<Router>, max_wait: Duration, page_size: u32) -> Self {
        RouterGrpc {
            router,
            max_wait,
            page_size: page_size.clamp(1, MAX_PAGE),
        }
    }

    fn wait_budget(&self, metadata: &tonic::metadata::MetadataMap) -> Duration {
        // Leave a little of the caller's deadline to carry the answer back.
        deadline(metadata)
            .map(|d| d.mul_f64(0.9))
            .unwrap_or(self.max_wait)
            .min(self.max_wait)
    }

    /// The domain query and shape of a request, its date defaulting to the
    /// router's today; problems go to `v` with `prefix` before field names.
    fn query(&self, r: &pb::RouteRequest, prefix: &str, v: &mut Violations) -> (RouteQuery, Shape) {
        let pb::RouteRequest {
            counterpart: raw_counterpart,
            matter,
            assistance,
            on_date,
            offence,
            min_revision: _,
            explain,
            transmission,
            direction,
            view,
            not_applicable_page_size,
            not_applicable_page_token,
            include_checklist,
        } = r;
        let counterpart = raw_counterpart.trim().to_ascii_uppercase();
        if !judicial_domain::jurisdiction::is_code(&counterpart) {
            v.add(
                format!("{prefix}counterpart"),
                format!("counterpart {raw_counterpart:?} is not an ISO 3166-1 alpha-2 code"),
            );
        }
        let matter = convert::matter_from_proto(*matter).unwrap_or_else(|| {
            v.add(
                format!("{prefix}matter"),
                "matter must be CIVIL_COMMERCIAL or CRIMINAL",
            );
            Matter::CivilCommercial
        });
        let assistance = convert::assistance_from_proto(*assistance).unwrap_or_else(|| {
            v.add(
                format!("{prefix}assistance"),
                "assistance must be set (SERVICE_OF_DOCUMENTS, EXTRADITION, ...)",
            );
            Assistance::ServiceOfDocuments
        });
        let on = on_date
            .as_ref()
            .and_then(|d| convert::calendar_from_proto(d, &format!("{prefix}on_date"), v))
            .unwrap_or_else(|| self.router.today());
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let direction = match pb::Direction::try_from(*direction) {
            Ok(pb::Direction::Outgoing) => Direction::Outgoing,
            Ok(pb::Direction::Incoming) => Direction::Incoming,
            Ok(pb::Direction::Unspecified) => Direction::Both,
            Err(_) => {
                v.add(
                    format!("{prefix}direction"),
                    format!("unknown direction {direction}"),
                );
                Direction::Both
            }
        };
        let detail = match pb::RouteView::try_from(*view) {
            Ok(pb::RouteView::Basic) => Detail::Basic,
            Ok(pb::RouteView::Full | pb::RouteView::Unspecified) => Detail::Full,
            Err(_) => {
                v.add(format!("{prefix}view"), format!("unknown view {view}"));
                Detail::Full
            }
        };
        let page_size = match u32::try_from(*not_applicable_page_size) {
            Ok(0) => self.page_size,
            Ok(n) if n <= MAX_PAGE => n,
            _ => {
                v.add(
                    format!("{prefix}not_applicable_page_size"),
                    format!(
                        "not_applicable_page_size must be 0 (the default) to {MAX_PAGE}, not {not_applicable_page_size}"
                    ),
                );
                self.page_size
            }
        };
        let page_offset = if not_applicable_page_token.is_empty() {
            0
        } else {
            not_applicable_page_token
                .parse::<u32>()
                .unwrap_or_else(|_| {
                    v.add(
                    format!("{prefix}not_applicable_page_token"),
                    format!(
                        "{not_applicable_page_token:?} is not a page token from a previous answer"
                    ),
                );
                    0
                })
        };
        let query = RouteQuery {
            counterpart,
            matter,
            assistance,
            on,
            offence: text(offence),
            transmission: text(transmission),
            explain: *explain,
            direction,
        };
        let shape = Shape {
            detail,
            // BASIC has no pages: one key for every page size asked.
            page_size: if detail == Detail::Basic {
                0
            } else {
                page_size
            },
            page_offset: if detail == Detail::Basic {
                0
            } else {
                page_offset
            },
            checklist: *include_checklist,
        };
        (query, shape)
    }

    /// Route.
    pub async fn route(&self, request: Request<pb::RouteRequest>) -> Result<Reply, Status> {
        let budget = self.wait_budget(request.metadata());
        let slot = request.extensions().get::<ReadSlot>().cloned();
        let req = request.into_inner();
        let mut v = Violations::default();
        let (query, shape) = self.query(&req, "", &mut v);
        if !v.is_empty() {
            return Err(invalid_argument(&v));
        }
        // A call that will wait for a revision waits in the bulk share, or
        // is shed now: it must not hold a slot quick Routes need (issue 11).
        if let Some(slot) = slot
            && self.router.must_wait(req.min_revision)
        {
            slot.wait_in_bulk("Route", &format!("for min_revision {}", req.min_revision))?;
        }
        Ok(self
            .router
            .route(query, shape, req.min_revision, budget)
            .await?)
    }

    /// BatchRoute.
    pub async fn batch_route(
        &self,
        request: Request<pb::BatchRouteRequest>,
    ) -> Result<Vec<Reply>, Status> {
        let budget = self.wait_budget(request.metadata());
        let pb::BatchRouteRequest { requests } = request.into_inner();
        let mut v = Violations::default();
        if requests.len() > MAX_BATCH {
            v.add(
                "requests",
                format!(
                    "at most {MAX_BATCH} queries per batch, not {}",
                    requests.len()
                ),
            );
            return Err(invalid_argument(&v));
        }
        let queries: Vec<(RouteQuery, Shape)> = requests
            .iter()
            .enumerate()
            .map(|(i, r)| self.query(r, &format!("requests[{i}]."), &mut v))
            .collect();
        if !v.is_empty() {
            return Err(invalid_argument(&v));
        }
        let min = requests.iter().map(|r| r.min_revision).max().unwrap_or(0);
        Ok(self.router.batch_route(queries, min, budget).await?)
    }

    /// GetCoverage.
    pub async fn get_coverage(
        &self,
        request: Request<pb::GetCoverageRequest>,
    ) -> Result<pb::GetCoverageResponse, Status> {
        let pb::GetCoverageRequest {
            matter,
            assistance,
            on_date,
        } = request.into_inner();
        let mut v = Violations::default();
        let matter = convert::matter_from_proto(matter);
        if matter.is_none() {
            v.add("matter", "matter must be CIVIL_COMMERCIAL or CRIMINAL");
        }
        let assistance = convert::assistance_from_proto(assistance);
        if assistance.is_none() {
            v.add("assistance", "assistance must be set");
        }
        let on = on_date
            .as_ref()
            .and_then(|d| convert::calendar_from_proto(d, "on_date", &mut v));
        let (Some(matter), Some(assistance)) = (matter, assistance) else {
            return Err(invalid_argument(&v));
        };
        if !v.is_empty() {
            return Err(invalid_argument(&v));
        }
        let on = on.unwrap_or_else(|| self.router.today());
        let Coverage {
            entries,
            revision,
            stale,
        } = self.router.coverage(matter, assistance, on).await?;
        let entries = entries.into_iter().map(coverage_entry_to_proto).collect();
        Ok(pb::GetCoverageResponse {
            entries,
            revision,
            stale,
            on_date: Some(convert::calendar_to_proto(on)),
        })
    }
}

/// Converts a jurisdiction's primary channel to its coverage summary: the
/// kind, instrument, title and whether it is uncertain, not the details.
fn coverage_entry_to_proto(e: CoverageEntry) -> pb::CoverageEntry {
    let CoverageEntry {
        jurisdiction,
        channel:
            Channel {
                kind,
                instrument_id,
                title,
                articles: _,
                home_authority: _,
                foreign_authority: _,
                transmission: _,
                conditions: _,
                explanation: _,
                uncertain,
            },
    } = e;
    pb::CoverageEntry {
        jurisdiction,
        primary_kind: convert::channel_kind_to_proto(kind) as i32,
        instrument: instrument_id
            .map(|id| format!("instruments/{id}"))
            .unwrap_or_default(),
        title: if kind == ChannelKind::Reciprocity {
            String::new()
        } else {
            title
        },
        uncertain: uncertain.is_some(),
    }
}

/// A response written from bytes already encoded.
pub trait Wire: Send + 'static {
    /// Writes the message's encoding.
    fn write(&self, buf: &mut EncodeBuf<'_>);
}

/// A RouteResponse.
#[derive(Debug)]
pub struct RouteWire(pub Reply);

impl Wire for RouteWire {
    fn write(&self, buf: &mut EncodeBuf<'_>) {
        self.0.write(buf);
    }
}

/// A BatchRouteResponse.
#[derive(Debug)]
pub struct BatchWire(pub Vec<Reply>);

impl Wire for BatchWire {
    fn write(&self, buf: &mut EncodeBuf<'_>) {
        answer::write_batch(&self.0, buf);
    }
}

/// Decodes requests with prost; writes [`Wire`] responses as they are.
#[derive(Debug)]
pub struct WireCodec<Req, Resp>(PhantomData<fn() -> (Req, Resp)>);

impl<Req, Resp> Default for WireCodec<Req, Resp> {
    fn default() -> Self {
        WireCodec(PhantomData)
    }
}

/// The encoder of [`WireCodec`].
#[derive(Debug)]
pub struct WireEncoder<Resp>(PhantomData<fn() -> Resp>);

impl<Resp: Wire> Encoder for WireEncoder<Resp> {
    type Item = Resp;
    type Error = Status;

    fn encode(&mut self, item: Resp, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.write(dst);
        Ok(())
    }
}

impl<Req, Resp> Codec for WireCodec<Req, Resp>
where
    Req: Message + Default + Send + 'static,
    Resp: Wire,
{
    type Encode = Resp;
    type Decode = Req;
    type Encoder = WireEncoder<Resp>;
    type Decoder = tonic_prost::ProstDecoder<Req>;

    fn encoder(&mut self) -> Self::Encoder {
        WireEncoder(PhantomData)
    }

    fn decoder(&mut self) -> Self::Decoder {
        tonic_prost::ProstCodec::<Req, Req>::raw_decoder(BufferSettings::default())
    }
}

/// The tower service of `judicial.v1.RouterService` (what tonic's generated
/// `RouterServiceServer` would be, with [`WireCodec`] for Route and
/// BatchRoute).
#[derive(Debug, Clone)]
pub struct RouterServer {
    inner: Arc<RouterGrpc>,
    max_decoding: Option<usize>,
    max_encoding: Option<usize>,
}

impl RouterServer {
    /// Serves `grpc`.
    pub fn new(grpc: RouterGrpc) -> Self {
        RouterServer {
            inner: Arc::new(grpc),
            max_decoding: None,
            max_encoding: None,
        }
    }

    /// Limits decoded requests to `limit` bytes.
    #[must_use]
    pub fn max_decoding_message_size(mut self, limit: usize) -> Self {
        self.max_decoding = Some(limit);
        self
    }

    /// Limits encoded responses to `limit` bytes.
    #[must_use]
    pub fn max_encoding_message_size(mut self, limit: usize) -> Self {
        self.max_encoding = Some(limit);
        self
    }

    fn grpc<C: Codec>(&self, codec: C) -> tonic::server::Grpc<C> {
        tonic::server::Grpc::new(codec)
            .apply_max_message_size_config(self.max_decoding, self.max_encoding)
    }
}

impl NamedService for RouterServer {
    const NAME: &'static str = "judicial.v1.RouterService";
}

/// One RPC of [`RouterGrpc`] as a tonic unary service.
struct Rpc<F>(Arc<RouterGrpc>, F);

impl<Req, Resp, F, Fut> UnaryService<Req> for Rpc<F>
where
    F: Fn(Arc<RouterGrpc>, Request<Req>) -> Fut,
    Fut: Future<Output = Result<Resp, Status>> + Send + 'static,
{
    type Response = Resp;
    type Future = BoxFuture<Response<Resp>, Status>;

    fn call(&mut self, request: Request<Req>) -> Self::Future {
        let fut = (self.1)(self.0.clone(), request);
        Box::pin(async move { fut.await.map(Response::new) })
    }
}

impl<B> Service<http::Request<B>> for RouterServer
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let inner = self.inner.clone();
        match req.uri().path() {
            "/judicial.v1.RouterService/Route" => {
                let mut grpc = self.grpc(WireCodec::<pb::RouteRequest, RouteWire>::default());
                let rpc = Rpc(inner, |g: Arc<RouterGrpc>, r| async move {
                    g.route(r).await.map(RouteWire)
                });
                Box::pin(async move { Ok(grpc.unary(rpc, req).await) })
            }
            "/judicial.v1.RouterService/BatchRoute" => {
                let mut grpc = self.grpc(WireCodec::<pb::BatchRouteRequest, BatchWire>::default());
                let rpc = Rpc(inner, |g: Arc<RouterGrpc>, r| async move {
                    g.batch_route(r).await.map(BatchWire)
                });
                Box::pin(async move { Ok(grpc.unary(rpc, req).await) })
            }
            "/judicial.v1.RouterService/GetCoverage" => {
                let mut grpc = self.grpc(tonic_prost::ProstCodec::<
                    pb::GetCoverageResponse,
                    pb::GetCoverageRequest,
                >::default());
                let rpc = Rpc(inner, |g: Arc<RouterGrpc>, r| async move {
                    g.get_coverage(r).await
                });
                Box::pin(async move { Ok(grpc.unary(rpc, req).await) })
            }
            _ => Box::pin(async move { Ok(Status::unimplemented("").into_http()) }),
        }
    }
}
