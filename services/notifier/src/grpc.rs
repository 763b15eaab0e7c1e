//! The gRPC adapter: converts messages, calls [`Notifier`], maps errors once.

use std::pin::Pin;
use std::sync::Arc;

use judicial_domain::validation::Violations;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_server::NotifierService;
use judicial_server::Shutdown;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use crate::error::NotifierError;
use crate::event::{Event, EventFilter};
use crate::notifier::Notifier;
use crate::subscription::{
    self, Caller, FilterRequest, NewSubscription, StartPosition, Subscription,
};

/// Default page size when a request leaves it 0.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size.
pub const MAX_PAGE_SIZE: usize = 1000;

/// `judicial.v1.NotifierService` over a [`Notifier`].
#[derive(Debug, Clone)]
pub struct NotifierGrpc {
    notifier: Arc<Notifier>,
    shutdown: Shutdown,
}

impl NotifierGrpc {
    /// Wraps a notifier; `shutdown` ends open event streams.
    pub fn new(notifier: Arc<Notifier>, shutdown: Shutdown) -> Self {
        NotifierGrpc { notifier, shutdown }
    }

    fn filter(
        &self,
        f: Option<&pb::SubscriptionFilter>,
        prefix: &str,
        v: &mut Violations,
    ) -> EventFilter {
        let request = f
            .map(|f| {
                let pb::SubscriptionFilter {
                    counterparts,
                    event_types,
                    assistances,
                } = f;
                FilterRequest {
                    counterparts: counterparts.clone(),
                    event_types: event_types.clone(),
                    assistances: assistances
                        .iter()
                        .map(|a| convert::assistance_from_proto(*a))
                        .collect(),
                }
            })
            .unwrap_or_default();
        let known = |code: &str| self.notifier.is_known_jurisdiction(code);
        request.validate(prefix, &known, v)
    }

    fn subscription_to_proto(&self, s: &Subscription) -> pb::Subscription {
        subscription_to_proto(s, self.notifier.backlog(&s.id).unwrap_or(0))
    }
}

/// The caller, as the server stack identified it.
fn caller<T>(request: &Request<T>) -> Caller {
    Caller {
        principal: judicial_server::auth::principal(request),
        admin: judicial_server::auth::is_admin(request),
    }
}

fn checked<T>(v: Violations, value: T) -> Result<T, Status> {
    if v.is_empty() {
        Ok(value)
    } else {
        Err(NotifierError::Invalid(v).into())
    }
}

/// Extracts `{id}` from `subscriptions/{id}`.
fn subscription_id<'a>(name: &'a str, field: &str, v: &mut Violations) -> &'a str {
    match name.strip_prefix("subscriptions/") {
        Some(id) if !id.is_empty() && !id.contains('/') => id,
        _ => {
            v.add(
                field,
                format!("{name:?} is not a resource name like subscriptions/ID"),
            );
            ""
        }
    }
}

fn page_size(size: i32, v: &mut Violations) -> usize {
    match size {
        0 => DEFAULT_PAGE_SIZE,
        n if n < 0 => {
            v.add("page_size", "page_size must not be negative");
            DEFAULT_PAGE_SIZE
        }
        n if n as usize > MAX_PAGE_SIZE => {
            v.add(
                "page_size",
                format!("page_size must be at most {MAX_PAGE_SIZE}"),
            );
            DEFAULT_PAGE_SIZE
        }
        n => n as usize,
    }
}

/// Page tokens: `s:{id}` (subscriptions) or `e:{sequence}` (events).
fn token<'a>(token: &'a str, prefix: &str, v: &mut Violations) -> Option<&'a str> {
    if token.is_empty() {
        return None;
    }
    let value = token.strip_prefix(prefix).filter(|t| !t.is_empty());
    if value.is_none() {
        v.add("page_token", "page_token is not one this server issued");
    }
    value
}

fn start_to_proto(start: StartPosition) -> pb::StartPosition {
    match start {
        StartPosition::Earliest => pb::StartPosition::Earliest,
        StartPosition::Latest => pb::StartPosition::Latest,
        StartPosition::Sequence(_) => pb::StartPosition::Sequence,
    }
}

/// Converts a subscription to the wire, with its backlog.
pub fn subscription_to_proto(s: &Subscription, backlog: u64) -> pb::Subscription {
    let Subscription {
        id,
        filter:
            EventFilter {
                counterparts,
                event_types,
                assistances,
            },
        start,
        start_sequence,
        acked_sequence,
        delivered_sequence,
        create_time_ms,
        owner,
    } = s;
    pb::Subscription {
        name: s.resource_name(),
        id: id.clone(),
        filter: Some(pb::SubscriptionFilter {
            counterparts: counterparts.iter().cloned().collect(),
            event_types: event_types.iter().map(|t| t.as_str().to_owned()).collect(),
            assistances: assistances
                .iter()
                .map(|a| convert::assistance_to_proto(*a) as i32)
                .collect(),
        }),
        start_sequence: *start_sequence,
        acked_sequence: *acked_sequence,
        start: start_to_proto(*start) as i32,
        create_time: convert::timestamp_to_proto(*create_time_ms),
        delivered_sequence: *delivered_sequence,
        backlog,
        owner: owner.clone(),
    }
}

/// Converts an event to the wire.
pub fn event_to_proto(e: Event) -> pb::Event {
    let Event {
        sequence,
        id,
        source,
        event_type,
        time_ms,
        subject,
        data,
        registry_revision,
        counterparts,
        assistances,
    } = e;
    pb::Event {
        sequence,
        id,
        source,
        r#type: event_type.as_str().to_owned(),
        time: convert::timestamp_to_proto(time_ms),
        subject,
        data,
        registry_revision,
        counterparts,
        assistances: assistances
            .into_iter()
            .map(|a| convert::assistance_to_proto(a) as i32)
            .collect(),
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<pb::Event, Status>> + Send>>;

#[tonic::async_trait]
impl NotifierService for NotifierGrpc {
    async fn create_subscription(
        &self,
        request: Request<pb::CreateSubscriptionRequest>,
    ) -> Result<Response<pb::Subscription>, Status> {
        let owner = caller(&request).principal;
        let pb::CreateSubscriptionRequest {
            subscription,
            subscription_id,
        } = request.into_inner();
        let mut v = Violations::default();
        // The name and the server-kept fields are not taken from the caller.
        let pb::Subscription {
            name: _,
            id: given_id,
            filter,
            start_sequence,
            acked_sequence: _,
            start,
            create_time: _,
            delivered_sequence: _,
            backlog: _,
            owner: _,
        } = subscription.unwrap_or_default();
        let (id, field) = if subscription_id.is_empty() {
            (given_id, "subscription.id")
        } else {
            (subscription_id, "subscription_id")
        };
        subscription::validate_id(&id, field, &mut v);
        let filter = self.filter(filter.as_ref(), "subscription.filter.", &mut v);
        let start = match pb::StartPosition::try_from(start) {
            Ok(pb::StartPosition::Unspecified | pb::StartPosition::Latest) => StartPosition::Latest,
            Ok(pb::StartPosition::Earliest) => StartPosition::Earliest,
            Ok(pb::StartPosition::Sequence) => {
                if start_sequence == 0 {
                    v.add(
                        "subscription.start_sequence",
                        "start SEQUENCE needs a start_sequence of at least 1",
                    );
                }
                StartPosition::Sequence(start_sequence)
            }
            Err(_) => {
                v.add(
                    "subscription.start",
                    format!("{start} is not a start position"),
                );
                StartPosition::Latest
            }
        };
        let new = checked(
            v,
            NewSubscription {
                id,
                filter,
                start,
                owner,
            },
        )?;
        let created = self.notifier.create_subscription(new).await?;
        Ok(Response::new(self.subscription_to_proto(&created)))
    }

    async fn get_subscription(
        &self,
        request: Request<pb::GetSubscriptionRequest>,
    ) -> Result<Response<pb::Subscription>, Status> {
        let caller = caller(&request);
        let pb::GetSubscriptionRequest { name } = request.into_inner();
        let mut v = Violations::default();
        let id = subscription_id(&name, "name", &mut v).to_owned();
        checked(v, ())?;
        let s = self.notifier.owned_subscription(&id, &caller)?;
        Ok(Response::new(self.subscription_to_proto(&s)))
    }

    async fn list_subscriptions(
        &self,
        request: Request<pb::ListSubscriptionsRequest>,
    ) -> Result<Response<pb::ListSubscriptionsResponse>, Status> {
        let caller = caller(&request);
        let pb::ListSubscriptionsRequest {
            page_size: size,
            page_token,
        } = request.into_inner();
        let mut v = Violations::default();
        let size = page_size(size, &mut v);
        let after = token(&page_token, "s:", &mut v).map(str::to_owned);
        checked(v, ())?;
        let (page, next) = self.notifier.subscriptions(&caller, after.as_deref(), size);
        Ok(Response::new(pb::ListSubscriptionsResponse {
            subscriptions: page.iter().map(|s| self.subscription_to_proto(s)).collect(),
            next_page_token: next.map(|id| format!("s:{id}")).unwrap_or_default(),
        }))
    }

    async fn delete_subscription(
        &self,
        request: Request<pb::DeleteSubscriptionRequest>,
    ) -> Result<Response<()>, Status> {
        let caller = caller(&request);
        let pb::DeleteSubscriptionRequest { name } = request.into_inner();
        let mut v = Violations::default();
        let id = subscription_id(&name, "name", &mut v).to_owned();
        checked(v, ())?;
        self.notifier.owned_subscription(&id, &caller)?;
        self.notifier.delete_subscription(&id).await?;
        Ok(Response::new(()))
    }

    type StreamEventsStream = EventStream;

    async fn stream_events(
        &self,
        request: Request<pb::StreamEventsRequest>,
    ) -> Result<Response<Self::StreamEventsStream>, Status> {
        let caller = caller(&request);
        let pb::StreamEventsRequest {
            subscription,
            max_in_flight,
        } = request.into_inner();
        let mut v = Violations::default();
        let id = subscription_id(&subscription, "subscription", &mut v).to_owned();
        checked(v, ())?;
        self.notifier.owned_subscription(&id, &caller)?;
        let rx = self
            .notifier
            .stream(&id, max_in_flight, self.shutdown.clone())?;
        let stream =
            ReceiverStream::new(rx).map(|item| item.map(event_to_proto).map_err(Status::from));
        Ok(Response::new(Box::pin(stream)))
    }

    async fn ack_events(
        &self,
        request: Request<pb::AckEventsRequest>,
    ) -> Result<Response<pb::AckEventsResponse>, Status> {
        let caller = caller(&request);
        let pb::AckEventsRequest {
            subscription,
            sequence,
        } = request.into_inner();
        let mut v = Violations::default();
        let id = subscription_id(&subscription, "subscription", &mut v).to_owned();
        checked(v, ())?;
        self.notifier.owned_subscription(&id, &caller)?;
        let acked_sequence = self.notifier.ack(&id, sequence).await?;
        Ok(Response::new(pb::AckEventsResponse { acked_sequence }))
    }

    async fn list_events(
        &self,
        request: Request<pb::ListEventsRequest>,
    ) -> Result<Response<pb::ListEventsResponse>, Status> {
        let pb::ListEventsRequest {
            page_size: size,
            page_token,
            start_sequence,
            filter,
        } = request.into_inner();
        let mut v = Violations::default();
        let size = page_size(size, &mut v);
        let resume = token(&page_token, "e:", &mut v).map(|t| t.parse::<u64>());
        let start = match resume {
            None => start_sequence,
            Some(Ok(sequence)) => sequence,
            Some(Err(_)) => {
                v.add("page_token", "page_token is not one this server issued");
                0
            }
        };
        let filter = self.filter(filter.as_ref(), "filter.", &mut v);
        checked(v, ())?;
        let (events, next) = self.notifier.events(start, &filter, size)?;
        Ok(Response::new(pb::ListEventsResponse {
            events: events.into_iter().map(event_to_proto).collect(),
            next_page_token: next.map(|s| format!("e:{s}")).unwrap_or_default(),
        }))
    }
}
