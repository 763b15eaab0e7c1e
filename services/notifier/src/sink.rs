//! The JetStream sink: publishes every event of the log, in sequence order,
//! to a NATS JetStream stream, so subscribers past a few thousand, or whose
//! integration runs through a message bus, consume the events with the
//! NATS client libraries they already have.
//!
//! One task reads the durable log from the sink's cursor and publishes one
//! message at a time, waiting for JetStream's acknowledgement before the
//! next: the stream's order is the log's order even when a connection drops
//! between two publishes. The cursor ([`cursor`]) moves only after an
//! acknowledgement; after a crash the sink resumes from it and JetStream's
//! duplicate window drops what was already stored (`Nats-Msg-Id`), so the
//! stream holds every message once.
//!
//! The sink is a reader of the log like any subscriber: it never holds up
//! the committer or gRPC delivery. When NATS is down or slow it lags —
//! `judicial_notifier_sink_lag`, a warning, and NOT_SERVING for
//! [`HEALTH_SERVICE`] only — and catches up when NATS is back.

pub mod cloudevent;
pub mod cursor;
pub mod stream;

use std::time::{Duration, Instant};

use async_nats::jetstream::{self, message::PublishMessage};
use async_nats::{ConnectOptions, ServerAddr};
use judicial_server::Shutdown;
use tokio::task::JoinHandle;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::config::SinkArgs;
use crate::error::NotifierError;
use crate::event::Event;
use crate::storage::{READ_BATCH, Storage};
use cloudevent::{CONTENT_TYPE, Message, SEQUENCE_HEADER};
use cursor::Cursor;
use stream::StreamSpec;

/// The health service name that reports the sink alone: SERVING while it
/// publishes, NOT_SERVING while NATS is unreachable or the stream unusable.
pub const HEALTH_SERVICE: &str = "judicial.v1.NotifierService.sink";

/// First and longest pause between two attempts after a failure.
const RETRY_MIN: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(5);
/// How often a lagging sink repeats its warning.
const WARN_EVERY: Duration = Duration::from_secs(30);
/// How long a moved cursor may stay unflushed when nothing else flushes.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Why the sink cannot publish (it retries; none of these stop the notifier).
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// A flag is unusable; the notifier does not start.
    #[error("--{flag}: {detail}")]
    Config {
        /// The flag.
        flag: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// JetStream refused or did not answer about the stream.
    #[error("stream {stream}: {detail}")]
    Stream {
        /// Stream name.
        stream: String,
        /// What happened.
        detail: String,
    },
    /// The existing stream cannot hold the events as promised.
    #[error("stream {stream} is not compatible with the sink: {}", problems.join("; "))]
    Incompatible {
        /// Stream name.
        stream: String,
        /// Every incompatible setting.
        problems: Vec<String>,
    },
    /// A publish failed or was not acknowledged in time.
    #[error("publish of event {sequence} to {subject}: {detail}")]
    Publish {
        /// The event's sequence.
        sequence: u64,
        /// The subject.
        subject: String,
        /// What happened.
        detail: String,
    },
    /// The notifier's store failed.
    #[error(transparent)]
    Store(#[from] NotifierError),
}

/// Checks the flags, connects (in the background: the notifier starts even
/// when NATS is down) and spawns the sink task; it stops on `shutdown`.
pub async fn spawn(
    storage: Storage,
    args: &SinkArgs,
    health: HealthReporter,
    shutdown: Shutdown,
) -> Result<JoinHandle<()>, SinkError> {
    let config = |flag, detail: String| SinkError::Config { flag, detail };
    let prefix = &args.subject_prefix;
    if prefix.is_empty()
        || prefix
            .split('.')
            .any(|t| t.is_empty() || t == "*" || t == ">" || t.contains(char::is_whitespace))
    {
        return Err(config(
            "sink-subject-prefix",
            format!("{prefix:?} is not a literal subject like judicial.events"),
        ));
    }
    if args.stream.is_empty()
        || args
            .stream
            .contains(|c: char| c == '.' || c == '*' || c == '>' || c.is_whitespace())
    {
        return Err(config(
            "sink-stream",
            format!(
                "{:?} is not a stream name (no dots, spaces or wildcards)",
                args.stream
            ),
        ));
    }
    let servers = args
        .servers
        .iter()
        .map(|s| {
            s.parse::<ServerAddr>()
                .map_err(|e| config("sink", format!("{s:?} is not a NATS server URL: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = ConnectOptions::new()
        .name("judicial-notifier")
        .retry_on_initial_connect()
        .max_reconnects(None)
        .event_callback(|event| async move {
            tracing::info!(%event, "sink: nats connection");
        });
    if let Some(ca) = &args.tls_ca {
        std::fs::metadata(ca)
            .map_err(|e| config("sink-tls-ca", format!("{}: {e}", ca.display())))?;
        options = options.add_root_certificates(ca.clone()).require_tls(true);
    }
    if let Some(creds) = &args.creds {
        options = options
            .credentials_file(creds)
            .await
            .map_err(|e| config("sink-creds", format!("{}: {e}", creds.display())))?;
    }
    let client = options
        .connect(servers)
        .await
        .map_err(|e| config("sink", e.to_string()))?;
    let mut js = jetstream::new(client);
    js.set_timeout(args.publish_timeout);
    let cursor = Cursor::open(&storage)?;
    health
        .set_service_status(HEALTH_SERVICE, ServingStatus::NotServing)
        .await;
    let sink = Sink {
        spec: StreamSpec::from_args(args),
        prefix: args.subject_prefix.clone(),
        servers: args.servers.join(","),
        storage,
        js,
        cursor,
        health,
        shutdown,
        lag: Lag::default(),
    };
    tracing::info!(servers = %sink.servers, stream = %sink.spec.name, prefix = %sink.prefix, "sink starting");
    Ok(tokio::spawn(sink.run()))
}

/// Whether the sink is behind because publishing fails, and when it last said so.
#[derive(Debug, Default)]
struct Lag {
    since: Option<Instant>,
    warned: Option<Instant>,
    serving: bool,
}

struct Sink {
    spec: StreamSpec,
    prefix: String,
    servers: String,
    /// The notifier's log, read from the cursor on.
    storage: Storage,
    js: jetstream::Context,
    cursor: Cursor,
    health: HealthReporter,
    shutdown: Shutdown,
    lag: Lag,
}

impl Sink {
    async fn run(mut self) {
        let mut pause = RETRY_MIN;
        while !self.shutdown.is_triggered() {
            match self.session().await {
                Ok(()) => break,
                Err(e) => {
                    if self.failed(&e).await {
                        // It was publishing: retry soon.
                        pause = RETRY_MIN;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = self.shutdown.wait() => break,
                    }
                    pause = (pause * 2).min(RETRY_MAX);
                }
            }
        }
        if let Err(e) = self.cursor.flush().await {
            tracing::error!(error = %e, "sink: cannot flush its cursor");
        }
        tracing::info!(
            published = self.cursor.published().unwrap_or(0),
            "sink stopped"
        );
    }

    /// Makes sure of the stream, then publishes until shutdown (`Ok`) or a
    /// failure (`Err`, retried by the caller).
    async fn session(&mut self) -> Result<(), SinkError> {
        let mut stream = stream::ensure(&self.js, &self.spec).await?;
        let mut published = self.cursor.published()?;
        if let Some(ahead) = self.stream_position(&mut stream).await?
            && ahead > published
        {
            // The stream holds events the cursor had not recorded yet
            // (acknowledged, then the process died before a flush).
            tracing::info!(
                cursor = published,
                stream_has = ahead,
                "sink: cursor moved to the stream's last event"
            );
            self.cursor.advance(ahead)?;
            published = ahead;
        }
        let storage = self.storage.clone();
        let mut sequences = storage.sequences();
        let mut dirty_since: Option<Instant> = None;
        loop {
            let last = *sequences.borrow_and_update();
            metrics::gauge!("judicial_notifier_sink_lag")
                .set(last.saturating_sub(published) as f64);
            metrics::gauge!("judicial_notifier_sink_published_sequence").set(published as f64);
            if published >= last {
                self.serving(published).await;
                let flush_in = dirty_since.map(|d| FLUSH_EVERY.saturating_sub(d.elapsed()));
                tokio::select! {
                    changed = sequences.changed() => {
                        if changed.is_err() {
                            return Ok(());
                        }
                    }
                    _ = tokio::time::sleep(flush_in.unwrap_or(Duration::MAX)), if flush_in.is_some() => {
                        self.cursor.flush().await?;
                        dirty_since = None;
                    }
                    _ = self.shutdown.wait() => return Ok(()),
                }
                continue;
            }
            let batch = storage.read_events(published + 1, READ_BATCH)?;
            let Some(first) = batch.first() else {
                // Everything after the cursor was dropped by retention.
                tracing::error!(
                    from = published + 1,
                    to = last,
                    "sink: events were dropped by the notifier's retention before they were published; the stream skips them"
                );
                metrics::counter!("judicial_notifier_sink_skipped_total")
                    .increment(last - published);
                self.cursor.advance(last)?;
                published = last;
                continue;
            };
            if first.sequence > published + 1 {
                tracing::error!(
                    from = published + 1,
                    to = first.sequence - 1,
                    "sink: events were dropped by the notifier's retention before they were published; the stream skips them"
                );
                metrics::counter!("judicial_notifier_sink_skipped_total")
                    .increment(first.sequence - published - 1);
            }
            for event in &batch {
                for message in cloudevent::messages(&self.prefix, event) {
                    tokio::select! {
                        result = self.publish(event.sequence, message) => result?,
                        _ = self.shutdown.wait() => return Ok(()),
                    }
                }
                self.cursor.advance(event.sequence)?;
                published = event.sequence;
                dirty_since.get_or_insert_with(Instant::now);
                self.serving(published).await;
            }
            metrics::counter!("judicial_notifier_sink_published_total")
                .increment(batch.len() as u64);
        }
    }

    async fn publish(&self, sequence: u64, message: Message) -> Result<(), SinkError> {
        let failed = |detail: String, subject: &str| SinkError::Publish {
            sequence,
            subject: subject.to_owned(),
            detail,
        };
        let publish = PublishMessage::build()
            .payload(message.payload)
            .message_id(&message.msg_id)
            .expected_stream(&self.spec.name)
            .header(SEQUENCE_HEADER, sequence.to_string().as_str())
            .header("Content-Type", CONTENT_TYPE);
        let ack = self
            .js
            .send_publish(message.subject.clone(), publish)
            .await
            .map_err(|e| failed(e.to_string(), &message.subject))?;
        ack.await
            .map_err(|e| failed(e.to_string(), &message.subject))?;
        Ok(())
    }

    /// The newest event of this log the stream holds completely, if the
    /// stream's last message is one of ours.
    async fn stream_position(
        &self,
        stream: &mut jetstream::stream::Stream,
    ) -> Result<Option<u64>, SinkError> {
        let info = stream.info().await.map_err(|e| SinkError::Stream {
            stream: self.spec.name.clone(),
            detail: e.to_string(),
        })?;
        let last = info.state.last_sequence;
        if last == 0 {
            return Ok(None);
        }
        let Ok(message) = stream.get_raw_message(last).await else {
            return Ok(None);
        };
        let header = |name: &str| message.headers.get(name).map(|v| v.as_str().to_owned());
        let (Some(sequence), Some(msg_id)) = (
            header(SEQUENCE_HEADER).and_then(|s| s.parse::<u64>().ok()),
            header("Nats-Msg-Id"),
        ) else {
            return Ok(None);
        };
        let Some(event): Option<Event> = self
            .storage
            .read_events(sequence, 1)?
            .into_iter()
            .find(|e| e.sequence == sequence)
        else {
            return Ok(None);
        };
        let ids: Vec<String> = cloudevent::messages(&self.prefix, &event)
            .into_iter()
            .map(|m| m.msg_id)
            .collect();
        Ok(match ids.iter().position(|id| *id == msg_id) {
            // The last message is the event's last: it is complete.
            Some(i) if i + 1 == ids.len() => Some(sequence),
            Some(_) => Some(sequence - 1),
            // Another log (a wiped data directory, another notifier).
            None => None,
        })
    }

    async fn serving(&mut self, published: u64) {
        if let Some(since) = self.lag.since.take() {
            tracing::info!(
                published,
                lagged_ms = since.elapsed().as_millis() as u64,
                "sink caught up with nats again"
            );
        }
        if !self.lag.serving {
            self.lag.serving = true;
            self.health
                .set_service_status(HEALTH_SERVICE, ServingStatus::Serving)
                .await;
        }
    }

    /// Reports a failure; returns whether the sink was serving until now.
    async fn failed(&mut self, error: &SinkError) -> bool {
        metrics::counter!("judicial_notifier_sink_failures_total").increment(1);
        let now = Instant::now();
        self.lag.since.get_or_insert(now);
        let published = self.cursor.published().unwrap_or(0);
        let lag = self.storage.state().last_sequence.saturating_sub(published);
        metrics::gauge!("judicial_notifier_sink_lag").set(lag as f64);
        if self
            .lag
            .warned
            .is_none_or(|w| now.duration_since(w) >= WARN_EVERY)
            || self.lag.serving
        {
            self.lag.warned = Some(now);
            tracing::warn!(
                error = %error,
                servers = %self.servers,
                published,
                lag,
                "sink lagging: cannot publish to nats (gRPC delivery is not affected)"
            );
        }
        let was_serving = self.lag.serving;
        if was_serving {
            self.lag.serving = false;
            self.health
                .set_service_status(HEALTH_SERVICE, ServingStatus::NotServing)
                .await;
        }
        was_serving
    }
}
