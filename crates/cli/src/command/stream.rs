//! Streams: `judicial watch` (registry changes) and `judicial subscribe`
//! (notifier events).

use judicial_proto::v1 as pb;
use judicial_proto::v1::notifier_service_client::NotifierServiceClient;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use serde_json::json;

use super::{Context, Service};
use crate::cli::{SubscribeArgs, WatchArgs};
use crate::error::CliError;
use crate::output::{self, bold, dim};

/// `judicial watch`.
pub async fn watch(ctx: &Context, args: WatchArgs) -> Result<(), CliError> {
    let (url, channel) = ctx.channel(Service::Registry)?;
    let mut client =
        RegistryServiceClient::new(channel).max_decoding_message_size(256 * 1024 * 1024);
    let fail = |s| CliError::from_status(&url, s);
    let start = match args.from {
        Some(n) => n,
        None => {
            client
                .get_stats(ctx.request(pb::GetStatsRequest::default()))
                .await
                .map_err(fail)?
                .into_inner()
                .revision
                + 1
        }
    };
    if !ctx.json() {
        eprintln!(
            "{}",
            dim(&format!(
                "watching {url} from revision {start} (Ctrl-C to stop)"
            ))
        );
    }
    let mut stream = client
        .watch(pb::WatchRequest {
            start_revision: start,
        })
        .await
        .map_err(fail)?
        .into_inner();
    let mut seen = 0;
    while let Some(event) = stream.message().await.map_err(fail)? {
        use pb::watch_event::Event;
        let revision = event.revision;
        match event.event {
            Some(Event::Snapshot(s)) => {
                if ctx.json() {
                    crate::outln!(
                        "{}",
                        json!({"revision": revision, "snapshot": {"jurisdictions": s.jurisdictions.len(), "instruments": s.instruments.iter().map(|i| &i.id).collect::<Vec<_>>()}})
                    );
                } else {
                    crate::outln!(
                        "{:>8}  snapshot  {} jurisdictions, {} instruments",
                        revision,
                        s.jurisdictions.len(),
                        s.instruments.len()
                    );
                }
            }
            Some(Event::Synced(_)) => {
                if ctx.json() {
                    crate::outln!("{}", json!({"revision": revision, "synced": true}));
                } else {
                    crate::outln!("{:>8}  {}", revision, bold("synced"));
                }
            }
            Some(Event::Change(c)) => {
                let kind = if c.r#type == pb::ChangeType::Delete as i32 {
                    "delete"
                } else {
                    "put"
                };
                let (name, title) = match &c.resource {
                    Some(pb::resource_change::Resource::Instrument(i)) => (
                        i.name.clone(),
                        if i.title_en.is_empty() {
                            if i.title.is_empty() {
                                i.short_name.clone()
                            } else {
                                i.title.clone()
                            }
                        } else {
                            i.title_en.clone()
                        },
                    ),
                    Some(pb::resource_change::Resource::Jurisdiction(j)) => {
                        (j.name.clone(), j.display_name.clone())
                    }
                    None => (String::new(), String::new()),
                };
                if ctx.json() {
                    crate::outln!(
                        "{}",
                        json!({"revision": revision, "type": kind, "name": name, "title": title})
                    );
                } else {
                    crate::outln!("{revision:>8}  {kind:<8}  {name}  {}", dim(&title));
                }
                seen += 1;
                if args.limit.is_some_and(|l| seen >= l) {
                    return Ok(());
                }
            }
            Some(Event::Progress(_)) | None => {}
        }
    }
    Err(CliError::Server {
        endpoint: url,
        message: "the registry ended the watch".into(),
    })
}

/// `judicial subscribe`.
pub async fn subscribe(ctx: &Context, args: SubscribeArgs) -> Result<(), CliError> {
    let (url, channel) = ctx.channel(Service::Notifier)?;
    let mut client = NotifierServiceClient::new(channel);
    let fail = |s| CliError::from_status(&url, s);
    let name = format!("subscriptions/{}", args.name);
    match client
        .get_subscription(ctx.request(pb::GetSubscriptionRequest { name: name.clone() }))
        .await
    {
        Ok(_) => {}
        Err(s) if s.code() == tonic::Code::NotFound => {
            let start = match args.start.as_str() {
                "earliest" => pb::StartPosition::Earliest,
                "latest" => pb::StartPosition::Latest,
                other => {
                    return Err(CliError::Usage(format!(
                        "--start {other:?}: use earliest or latest"
                    )));
                }
            };
            let subscription = pb::Subscription {
                id: args.name.clone(),
                filter: Some(pb::SubscriptionFilter {
                    counterparts: args
                        .counterparts
                        .iter()
                        .map(|c| c.to_ascii_uppercase())
                        .collect(),
                    event_types: args.types.clone(),
                    assistances: Vec::new(),
                }),
                start: start as i32,
                ..Default::default()
            };
            client
                .create_subscription(ctx.request(pb::CreateSubscriptionRequest {
                    subscription: Some(subscription),
                    subscription_id: args.name.clone(),
                }))
                .await
                .map_err(fail)?;
            if !ctx.json() {
                eprintln!("{}", dim(&format!("created {name}")));
            }
        }
        Err(s) => return Err(fail(s)),
    }
    if !ctx.json() {
        eprintln!(
            "{}",
            dim(&format!("streaming {name} from {url} (Ctrl-C to stop)"))
        );
    }
    let mut stream = client
        .stream_events(pb::StreamEventsRequest {
            subscription: name.clone(),
            max_in_flight: 0,
        })
        .await
        .map_err(fail)?
        .into_inner();
    let mut seen = 0;
    while let Some(e) = stream.message().await.map_err(fail)? {
        if ctx.json() {
            let data: serde_json::Value =
                serde_json::from_str(&e.data).unwrap_or(serde_json::Value::String(e.data.clone()));
            crate::outln!(
                "{}",
                json!({"sequence": e.sequence, "id": e.id, "source": e.source, "type": e.r#type, "time_seconds": e.time.map(|t| t.seconds), "subject": e.subject, "data": data})
            );
        } else {
            crate::outln!(
                "{:>8}  {:<45}  {}  {}",
                e.sequence,
                bold(&e.r#type),
                e.subject,
                output::dim(&e.data)
            );
        }
        if !args.no_ack {
            client
                .ack_events(ctx.request(pb::AckEventsRequest {
                    subscription: name.clone(),
                    sequence: e.sequence,
                }))
                .await
                .map_err(fail)?;
        }
        seen += 1;
        if args.limit.is_some_and(|l| seen >= l) {
            return Ok(());
        }
    }
    Err(CliError::Server {
        endpoint: url,
        message: "the notifier ended the stream".into(),
    })
}
