//! The registry follower: list-watch with resume.

use std::time::Duration;

use judicial_domain::{Instrument, Jurisdiction};
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use rand::Rng;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic_types::StatusExt;

/// One change of a revision, in domain types.
#[derive(Debug, Clone)]
pub enum Change {
    /// A jurisdiction was created or replaced.
    PutJurisdiction(Jurisdiction),
    /// An instrument was created or replaced.
    PutInstrument(Instrument),
    /// An instrument was deleted (its last state).
    DeleteInstrument(Instrument),
    /// A jurisdiction was deleted.
    DeleteJurisdiction(Jurisdiction),
}

impl Change {
    /// Converts one change of a Watch stream; None when it carries no resource.
    pub fn from_proto(c: &pb::ResourceChange) -> Option<Change> {
        let delete = c.r#type == pb::ChangeType::Delete as i32;
        Some(match c.resource.as_ref()? {
            pb::resource_change::Resource::Instrument(i) => {
                let i = convert::stored_instrument(i);
                if delete {
                    Change::DeleteInstrument(i)
                } else {
                    Change::PutInstrument(i)
                }
            }
            pb::resource_change::Resource::Jurisdiction(j) => {
                let j = convert::stored_jurisdiction(j);
                if delete {
                    Change::DeleteJurisdiction(j)
                } else {
                    Change::PutJurisdiction(j)
                }
            }
        })
    }
}

/// What the follower tells its owner, in order.
#[derive(Debug, Clone)]
pub enum FollowEvent {
    /// A complete snapshot at `revision`: replace everything.
    Reset {
        /// Revision of the snapshot.
        revision: u64,
        /// Every jurisdiction.
        jurisdictions: Vec<Jurisdiction>,
        /// Every instrument.
        instruments: Vec<Instrument>,
    },
    /// Every change of one revision, to apply together.
    Revision {
        /// The revision.
        revision: u64,
        /// Its changes, in commit order.
        changes: Vec<Change>,
    },
    /// The registry is at `revision` and nothing changed.
    Progress {
        /// The registry's revision.
        revision: u64,
    },
    /// The stream to the registry broke; the follower is reconnecting.
    Disconnected {
        /// Why.
        error: String,
    },
}

/// Reconnection tunables.
#[derive(Debug, Clone)]
pub struct FollowerOptions {
    /// First retry delay.
    pub min_backoff: Duration,
    /// Largest retry delay.
    pub max_backoff: Duration,
}

impl Default for FollowerOptions {
    fn default() -> Self {
        FollowerOptions {
            min_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// Follows a registry and hands every event to a callback.
pub struct Follower {
    client: RegistryServiceClient<Channel>,
    options: FollowerOptions,
    /// Last revision fully applied by the owner (0: no state yet).
    revision: u64,
}

enum Broken {
    /// Re-sync from a snapshot (compacted or a gap).
    Resync(String),
    /// Reconnect and resume.
    Retry(String),
}

impl Follower {
    /// A follower of the registry on `channel`.
    pub fn new(channel: Channel, options: FollowerOptions) -> Self {
        Follower {
            client: RegistryServiceClient::new(channel).max_decoding_message_size(64 * 1024 * 1024),
            options,
            revision: 0,
        }
    }

    /// Runs until `shutdown` fires (a server's `Shutdown` converts into a
    /// token), calling `on_event` for every event.
    pub async fn run(
        mut self,
        shutdown: impl Into<CancellationToken>,
        mut on_event: impl FnMut(FollowEvent) + Send,
    ) {
        let shutdown: CancellationToken = shutdown.into();
        let mut backoff = self.options.min_backoff;
        let mut synced = false;
        loop {
            let start = if synced { self.revision + 1 } else { 0 };
            let outcome = tokio::select! {
                outcome = self.session(start, &mut on_event, &mut synced, &mut backoff) => outcome,
                _ = shutdown.cancelled() => return,
            };
            match outcome {
                Broken::Resync(why) => {
                    tracing::warn!(
                        revision = self.revision,
                        "registry watch needs a re-sync: {why}"
                    );
                    synced = false;
                    continue;
                }
                Broken::Retry(why) => {
                    tracing::warn!(
                        revision = self.revision,
                        retry_in_ms = backoff.as_millis() as u64,
                        "registry watch broke: {why}"
                    );
                    on_event(FollowEvent::Disconnected { error: why });
                }
            }
            let jitter = rand::thread_rng().gen_range(0.5..1.0);
            let delay = backoff.mul_f64(jitter);
            backoff = (backoff * 2).min(self.options.max_backoff);
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shutdown.cancelled() => return,
            }
        }
    }

    async fn session(
        &mut self,
        start: u64,
        on_event: &mut (impl FnMut(FollowEvent) + Send),
        synced: &mut bool,
        backoff: &mut Duration,
    ) -> Broken {
        let mut stream = match self
            .client
            .watch(pb::WatchRequest {
                start_revision: start,
            })
            .await
        {
            Ok(s) => s.into_inner(),
            Err(status) => return classify(&status),
        };
        let mut snapshot: Option<(u64, Vec<Jurisdiction>, Vec<Instrument>)> = None;
        let mut pending: Vec<Change> = Vec::new();
        let mut pending_revision = 0;
        loop {
            let event = match stream.message().await {
                Ok(Some(e)) => e,
                Ok(None) => return Broken::Retry("the registry closed the watch".into()),
                Err(status) => return classify(&status),
            };
            *backoff = self.options.min_backoff;
            use pb::watch_event::Event;
            match event.event {
                Some(Event::Snapshot(s)) => {
                    let entry =
                        snapshot.get_or_insert_with(|| (event.revision, Vec::new(), Vec::new()));
                    entry
                        .1
                        .extend(s.jurisdictions.iter().map(convert::stored_jurisdiction));
                    entry
                        .2
                        .extend(s.instruments.iter().map(convert::stored_instrument));
                }
                Some(Event::Synced(_)) => {
                    let (revision, jurisdictions, instruments) =
                        snapshot
                            .take()
                            .unwrap_or((event.revision, Vec::new(), Vec::new()));
                    tracing::info!(
                        revision,
                        instruments = instruments.len(),
                        "synced with the registry"
                    );
                    self.revision = revision;
                    *synced = true;
                    on_event(FollowEvent::Reset {
                        revision,
                        jurisdictions,
                        instruments,
                    });
                }
                Some(Event::Change(c)) => {
                    if !*synced {
                        return Broken::Resync(
                            "a change arrived before the snapshot was complete".into(),
                        );
                    }
                    if pending.is_empty() {
                        if event.revision != self.revision + 1 {
                            return Broken::Resync(format!(
                                "expected revision {}, got {}",
                                self.revision + 1,
                                event.revision
                            ));
                        }
                        pending_revision = event.revision;
                    } else if event.revision != pending_revision {
                        return Broken::Resync(format!(
                            "revision {pending_revision} ended without its last change"
                        ));
                    }
                    pending.extend(Change::from_proto(&c));
                    if c.last_in_revision {
                        self.revision = pending_revision;
                        on_event(FollowEvent::Revision {
                            revision: pending_revision,
                            changes: std::mem::take(&mut pending),
                        });
                    }
                }
                Some(Event::Progress(_)) if *synced && pending.is_empty() => {
                    on_event(FollowEvent::Progress {
                        revision: event.revision,
                    });
                }
                Some(Event::Progress(_)) | None => {}
            }
        }
    }
}

fn classify(status: &tonic::Status) -> Broken {
    let compacted = status
        .get_details_error_info()
        .is_some_and(|info| info.reason == judicial_proto::Reason::RevisionCompacted.as_str());
    if status.code() == tonic::Code::OutOfRange || compacted {
        Broken::Resync(status.message().to_owned())
    } else {
        Broken::Retry(format!("{}: {}", status.code(), status.message()))
    }
}
