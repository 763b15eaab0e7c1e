//! The gRPC adapter: converts messages, calls [`Registry`], maps errors once.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use judicial_domain::validation::Violations;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_server::RegistryService;
use judicial_server::Shutdown;
use judicial_server::auth::principal;
use judicial_store::{ChangeKind, ChangeRecord, Resource};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::error::RegistryError;
use crate::query::{self, ChangeFilter, InstrumentFilter, JurisdictionFilter};
use crate::registry::Registry;
use crate::watch::{self, WatchItem};

/// `judicial.v1.RegistryService` over a [`Registry`].
#[derive(Debug, Clone)]
pub struct RegistryGrpc {
    registry: Arc<Registry>,
    shutdown: Shutdown,
}

impl RegistryGrpc {
    /// Wraps a registry; `shutdown` ends open watch streams.
    pub fn new(registry: Arc<Registry>, shutdown: Shutdown) -> Self {
        RegistryGrpc { registry, shutdown }
    }
}

fn checked<T>(v: Violations, value: T) -> Result<T, Status> {
    if v.is_empty() {
        Ok(value)
    } else {
        Err(RegistryError::Invalid(v).into())
    }
}

/// Extracts `{id}` from `{collection}/{id}`.
fn resource_id<'a>(name: &'a str, collection: &str, field: &str, v: &mut Violations) -> &'a str {
    match name
        .strip_prefix(collection)
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(id) if !id.is_empty() && !id.contains('/') => id,
        _ => {
            v.add(
                field,
                format!("{name:?} is not a resource name like {collection}/ID"),
            );
            ""
        }
    }
}

fn as_of(
    date: Option<&pb::Date>,
    field: &str,
    today: judicial_domain::CalendarDate,
    v: &mut Violations,
) -> judicial_domain::CalendarDate {
    match date {
        None => today,
        Some(d) => convert::calendar_from_proto(d, field, v).unwrap_or(today),
    }
}

/// Converts a store resource to the wire.
pub fn resource_to_proto(r: &Resource) -> pb::Resource {
    pb::Resource {
        kind: Some(match r {
            Resource::Jurisdiction(j) => {
                pb::resource::Kind::Jurisdiction(convert::jurisdiction_to_proto(j))
            }
            Resource::Instrument(i) => {
                pb::resource::Kind::Instrument(convert::instrument_to_proto(i))
            }
        }),
    }
}

fn change_type(kind: ChangeKind) -> pb::ChangeType {
    match kind {
        ChangeKind::Put => pb::ChangeType::Put,
        ChangeKind::Delete => pb::ChangeType::Delete,
    }
}

/// Converts a change record to its audit-trail message.
pub fn change_to_proto(c: &ChangeRecord) -> pb::Change {
    // The index and last-in-revision mark are the watch's, not the audit trail's.
    let ChangeRecord {
        revision,
        index: _,
        kind,
        name,
        before,
        after,
        actor,
        time_ms,
        reason,
        last_in_revision: _,
        hash,
    } = c;
    pb::Change {
        revision: *revision,
        r#type: change_type(*kind) as i32,
        name: name.clone(),
        before: before.as_ref().map(resource_to_proto),
        after: after.as_ref().map(resource_to_proto),
        actor: actor.clone(),
        time: convert::timestamp_to_proto(*time_ms),
        reason: reason.clone(),
        hash: hash.clone(),
    }
}

fn watch_event(item: WatchItem) -> pb::WatchEvent {
    use pb::watch_event::Event;
    match item {
        WatchItem::Snapshot {
            revision,
            jurisdictions,
            instruments,
        } => pb::WatchEvent {
            revision,
            event: Some(Event::Snapshot(pb::Snapshot {
                jurisdictions: jurisdictions
                    .iter()
                    .map(|j| convert::jurisdiction_to_proto(j))
                    .collect(),
                instruments: instruments
                    .iter()
                    .map(|i| convert::instrument_to_proto(i))
                    .collect(),
            })),
        },
        WatchItem::Synced { revision } => pb::WatchEvent {
            revision,
            event: Some(Event::Synced(pb::Synced {})),
        },
        WatchItem::Progress { revision } => pb::WatchEvent {
            revision,
            event: Some(Event::Progress(pb::Progress {})),
        },
        WatchItem::Change(c) => {
            let resource = c.resource().map(|r| match r {
                Resource::Jurisdiction(j) => {
                    pb::resource_change::Resource::Jurisdiction(convert::jurisdiction_to_proto(j))
                }
                Resource::Instrument(i) => {
                    pb::resource_change::Resource::Instrument(convert::instrument_to_proto(i))
                }
            });
            pb::WatchEvent {
                revision: c.revision,
                event: Some(Event::Change(pb::ResourceChange {
                    r#type: change_type(c.kind) as i32,
                    resource,
                    last_in_revision: c.last_in_revision,
                })),
            }
        }
    }
}

type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::WatchEvent, Status>> + Send>>;

#[tonic::async_trait]
impl RegistryService for RegistryGrpc {
    async fn create_jurisdiction(
        &self,
        request: Request<pb::CreateJurisdictionRequest>,
    ) -> Result<Response<pb::Jurisdiction>, Status> {
        let actor = principal(&request);
        let pb::CreateJurisdictionRequest {
            jurisdiction,
            reason,
        } = request.into_inner();
        let mut v = Violations::default();
        let Some(j) = jurisdiction.as_ref() else {
            return Err(RegistryError::invalid("jurisdiction", "jurisdiction is required").into());
        };
        let j = convert::jurisdiction_from_proto(j, "jurisdiction.", &mut v);
        let j = checked(v, j)?;
        let created = self
            .registry
            .create_jurisdiction(j, &actor, &reason)
            .await?;
        Ok(Response::new(convert::jurisdiction_to_proto(&created)))
    }

    async fn get_jurisdiction(
        &self,
        request: Request<pb::GetJurisdictionRequest>,
    ) -> Result<Response<pb::Jurisdiction>, Status> {
        let pb::GetJurisdictionRequest { name } = request.into_inner();
        let mut v = Violations::default();
        let code = resource_id(&name, "jurisdictions", "name", &mut v).to_owned();
        checked(v, ())?;
        Ok(Response::new(convert::jurisdiction_to_proto(
            &*self.registry.get_jurisdiction(&code)?,
        )))
    }

    async fn list_jurisdictions(
        &self,
        request: Request<pb::ListJurisdictionsRequest>,
    ) -> Result<Response<pb::ListJurisdictionsResponse>, Status> {
        let pb::ListJurisdictionsRequest {
            page_size,
            page_token,
            filter,
        } = request.into_inner();
        let mut v = Violations::default();
        let page = query::page(page_size, &page_token, &mut v);
        let filter = JurisdictionFilter::parse(&filter, &mut v);
        checked(v, ())?;
        let (items, next) = self.registry.list_jurisdictions(&page, &filter);
        Ok(Response::new(pb::ListJurisdictionsResponse {
            jurisdictions: items
                .iter()
                .map(|j| convert::jurisdiction_to_proto(j))
                .collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn create_instrument(
        &self,
        request: Request<pb::CreateInstrumentRequest>,
    ) -> Result<Response<pb::Instrument>, Status> {
        let actor = principal(&request);
        let pb::CreateInstrumentRequest { instrument, reason } = request.into_inner();
        let Some(i) = instrument.as_ref() else {
            return Err(RegistryError::invalid("instrument", "instrument is required").into());
        };
        let mut v = Violations::default();
        let inst = convert::instrument_from_proto(i, "instrument.", &mut v);
        let inst = checked(v, inst)?;
        let created = self
            .registry
            .create_instrument(inst, &actor, &reason)
            .await?;
        Ok(Response::new(convert::instrument_to_proto(&created)))
    }

    async fn get_instrument(
        &self,
        request: Request<pb::GetInstrumentRequest>,
    ) -> Result<Response<pb::Instrument>, Status> {
        let pb::GetInstrumentRequest { name } = request.into_inner();
        let mut v = Violations::default();
        let id = resource_id(&name, "instruments", "name", &mut v).to_owned();
        checked(v, ())?;
        Ok(Response::new(convert::instrument_to_proto(
            &*self.registry.get_instrument(&id)?,
        )))
    }

    async fn list_instruments(
        &self,
        request: Request<pb::ListInstrumentsRequest>,
    ) -> Result<Response<pb::ListInstrumentsResponse>, Status> {
        let pb::ListInstrumentsRequest {
            page_size,
            page_token,
            filter,
            as_of: on,
        } = request.into_inner();
        let mut v = Violations::default();
        let page = query::page(page_size, &page_token, &mut v);
        let on = as_of(on.as_ref(), "as_of", self.registry.today(), &mut v);
        let filter = InstrumentFilter::parse(&filter, on, &mut v);
        checked(v, ())?;
        let (items, next) = self.registry.list_instruments(&page, &filter);
        Ok(Response::new(pb::ListInstrumentsResponse {
            instruments: items
                .iter()
                .map(|i| convert::instrument_to_proto(i))
                .collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn update_instrument(
        &self,
        request: Request<pb::UpdateInstrumentRequest>,
    ) -> Result<Response<pb::Instrument>, Status> {
        let actor = principal(&request);
        let pb::UpdateInstrumentRequest {
            instrument,
            update_mask,
            reason,
        } = request.into_inner();
        let Some(i) = instrument.as_ref() else {
            return Err(RegistryError::invalid("instrument", "instrument is required").into());
        };
        let mut v = Violations::default();
        let mut patch = convert::instrument_from_proto(i, "instrument.", &mut v);
        if !i.name.is_empty() {
            patch.id = resource_id(&i.name, "instruments", "instrument.name", &mut v).to_owned();
        }
        if patch.id.is_empty() {
            v.add(
                "instrument.name",
                "name (or id) of the instrument to update is required",
            );
        }
        let mask = update_mask.map(|m| m.paths).filter(|p| !p.is_empty());
        // Fields outside the mask are not read, so their violations do not count.
        if let Some(paths) = &mask {
            v.0.retain(|x| {
                x.field == "instrument.name"
                    || paths.iter().any(|p| {
                        x.field
                            .strip_prefix("instrument.")
                            .is_some_and(|f| f.starts_with(p.as_str()))
                    })
            });
        }
        let patch = checked(v, patch)?;
        let updated = self
            .registry
            .update_instrument(patch, mask, &actor, &reason)
            .await?;
        Ok(Response::new(convert::instrument_to_proto(&updated)))
    }

    async fn delete_instrument(
        &self,
        request: Request<pb::DeleteInstrumentRequest>,
    ) -> Result<Response<()>, Status> {
        let actor = principal(&request);
        let pb::DeleteInstrumentRequest { name, etag, reason } = request.into_inner();
        let mut v = Violations::default();
        let id = resource_id(&name, "instruments", "name", &mut v).to_owned();
        checked(v, ())?;
        self.registry
            .delete_instrument(&id, &etag, &actor, &reason)
            .await?;
        Ok(Response::new(()))
    }

    type WatchStream = WatchStream;

    async fn watch(
        &self,
        request: Request<pb::WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let pb::WatchRequest {
            start_revision: start,
        } = request.into_inner();
        let rx = watch::start(self.registry.clone(), start, self.shutdown.clone())?;
        let stream =
            ReceiverStream::new(rx).map(|item| item.map(watch_event).map_err(Status::from));
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::Stats>, Status> {
        let pb::GetStatsRequest { as_of: on } = request.into_inner();
        let mut v = Violations::default();
        let on = as_of(on.as_ref(), "as_of", self.registry.today(), &mut v);
        checked(v, ())?;
        let crate::stats::Stats {
            revision,
            by_treaty_type,
            in_force,
            signed_not_in_force,
            terminated,
            uncertain,
            counterpart_states,
            multilateral_conventions,
            bilateral_treaties,
            arrangements,
            jurisdictions,
            concluded_by_treaty_type,
            concluded,
            concluded_counterpart_states,
            concluded_undated,
        } = crate::stats::compute(&self.registry.store().state(), self.registry.home(), on);
        Ok(Response::new(pb::Stats {
            revision,
            instruments_by_treaty_type: by_treaty_type.into_iter().collect(),
            in_force,
            signed_not_in_force,
            terminated,
            counterpart_states,
            multilateral_conventions,
            as_of: Some(convert::calendar_to_proto(on)),
            uncertain,
            bilateral_treaties,
            arrangements,
            jurisdictions,
            concluded_by_treaty_type: concluded_by_treaty_type.into_iter().collect(),
            concluded,
            concluded_counterpart_states,
            concluded_undated,
        }))
    }

    async fn import_dataset(
        &self,
        request: Request<pb::ImportDatasetRequest>,
    ) -> Result<Response<pb::ImportDatasetResponse>, Status> {
        let actor = principal(&request);
        let pb::ImportDatasetRequest {
            jurisdictions,
            instruments,
            reason,
        } = request.into_inner();
        let mut v = Violations::default();
        let jurisdictions = jurisdictions
            .iter()
            .enumerate()
            .map(|(i, j)| {
                convert::jurisdiction_from_proto(j, &format!("jurisdictions[{i}]."), &mut v)
            })
            .collect();
        let instruments = instruments
            .iter()
            .enumerate()
            .map(|(i, x)| convert::instrument_from_proto(x, &format!("instruments[{i}]."), &mut v))
            .collect();
        checked(v, ())?;
        let reason = if reason.is_empty() {
            "import".to_owned()
        } else {
            reason
        };
        let outcome = self
            .registry
            .import(jurisdictions, instruments, &actor, &reason)
            .await?;
        Ok(Response::new(pb::ImportDatasetResponse {
            revision: outcome.revision,
            created: outcome.created as i32,
            updated: outcome.updated as i32,
            unchanged: outcome.unchanged as i32,
        }))
    }

    async fn export_dataset(
        &self,
        request: Request<pb::ExportDatasetRequest>,
    ) -> Result<Response<pb::ExportDatasetResponse>, Status> {
        let pb::ExportDatasetRequest {} = request.into_inner();
        let (revision, jurisdictions, instruments) = self.registry.export();
        Ok(Response::new(pb::ExportDatasetResponse {
            revision,
            jurisdictions: jurisdictions
                .iter()
                .map(|j| convert::jurisdiction_to_proto(j))
                .collect(),
            instruments: instruments
                .iter()
                .map(|i| convert::instrument_to_proto(i))
                .collect(),
        }))
    }

    async fn list_changes(
        &self,
        request: Request<pb::ListChangesRequest>,
    ) -> Result<Response<pb::ListChangesResponse>, Status> {
        let pb::ListChangesRequest {
            page_size,
            page_token,
            filter,
        } = request.into_inner();
        let mut v = Violations::default();
        let page = query::change_page(page_size, &page_token, &mut v);
        let filter = ChangeFilter::parse(&filter, &mut v);
        checked(v, ())?;
        let (changes, next) = self.registry.list_changes(&page, &filter)?;
        Ok(Response::new(pb::ListChangesResponse {
            changes: changes.iter().map(change_to_proto).collect(),
            next_page_token: next.unwrap_or_default(),
        }))
    }

    async fn verify_changes(
        &self,
        request: Request<pb::VerifyChangesRequest>,
    ) -> Result<Response<pb::VerifyChangesResponse>, Status> {
        let pb::VerifyChangesRequest {} = request.into_inner();
        let store = self.registry.store().clone();
        let v = tokio::task::spawn_blocking(move || store.verify_chain())
            .await
            .map_err(|e| Status::internal(format!("verification task failed: {e}")))?
            .map_err(RegistryError::from)?;
        let bad = v.first_bad.clone();
        Ok(Response::new(pb::VerifyChangesResponse {
            ok: bad.is_none(),
            first_revision: v.first_revision,
            last_revision: v.last_revision,
            records: v.records,
            first_bad_revision: bad.as_ref().map_or(0, |b| b.revision),
            first_bad_index: bad.as_ref().map_or(0, |b| b.index),
            problem: bad.map(|b| b.problem).unwrap_or_default(),
        }))
    }

    type BackupStream = Pin<Box<dyn Stream<Item = Result<pb::BackupChunk, Status>> + Send>>;

    async fn backup(
        &self,
        request: Request<pb::BackupRequest>,
    ) -> Result<Response<Self::BackupStream>, Status> {
        let pb::BackupRequest {} = request.into_inner();
        const CHUNK: usize = 1 << 20;
        let store = self.registry.store().clone();
        let (bytes, summary) = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            store.backup(&mut out).map(|s| (out, s))
        })
        .await
        .map_err(|e| Status::internal(format!("backup task failed: {e}")))?
        .map_err(RegistryError::from)?;
        tracing::info!(
            revision = summary.revision,
            changes = summary.changes,
            bytes = bytes.len(),
            "backup taken"
        );
        let revision = summary.revision;
        let chunks: Vec<Result<pb::BackupChunk, Status>> = bytes
            .chunks(CHUNK)
            .map(|c| {
                Ok(pb::BackupChunk {
                    data: c.to_vec(),
                    revision,
                })
            })
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(chunks))))
    }
}
