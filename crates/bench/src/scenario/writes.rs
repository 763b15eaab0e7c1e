//! `writes`: acknowledged durable writes per second (CreateInstrument over
//! gRPC) with 1 and 64 concurrent writers, and the same at the store
//! (`judicial_store::Store::commit`, no gRPC, no validation), so that the
//! cost of the service above the group commit is visible.

use std::sync::Arc;

use judicial_domain::TreatyType;
use judicial_proto::convert;
use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_registry::config::Seed;
use judicial_store::{Commit, Store, StoreOptions, Write};
use judicial_test_support::RegistryHandle;
use serde_json::json;

use super::{CONNECTIONS, progress};
use crate::cli::Options;
use crate::load::{self, Load, Stats, Window};
use crate::report::{STATS_HEADER, ScenarioReport, Table, Verdict};
use crate::synth::{self, Rng};

/// The writer counts measured.
pub const WRITERS: [usize; 2] = [1, 64];

const TYPES: [TreatyType; 3] = [
    TreatyType::CivilCommercial,
    TreatyType::Criminal,
    TreatyType::Extradition,
];

/// A fresh, valid treaty for write number `n` of run `tag`.
pub fn instrument(tag: &str, n: u64, states: &[String]) -> judicial_domain::Instrument {
    let mut rng = Rng::new(n + 1);
    synth::treaty(
        format!("bench-{tag}-{n}"),
        &states[n as usize % states.len()],
        TYPES[n as usize % TYPES.len()],
        &mut rng,
    )
}

/// Acknowledged CreateInstrument calls over gRPC with `writers` in flight.
async fn grpc(registry: &RegistryHandle, writers: usize, opts: &Options) -> Window {
    let connections = load::connections(&registry.url(), writers.min(CONNECTIONS))
        .await
        .expect("connect to the registry");
    let states = Arc::new(synth::builtin_counterparts());
    let tag = format!("grpc{writers}");
    let load = Load {
        in_flight: writers,
        warmup: opts.warmup,
        window: opts.duration,
    };
    load::on_connections(&connections, load, move |channel, n| {
        let inst = instrument(&tag, n, &states);
        async move {
            RegistryServiceClient::new(channel)
                .create_instrument(pb::CreateInstrumentRequest {
                    instrument: Some(convert::instrument_to_proto(&inst)),
                    reason: "judicial-bench writes".into(),
                })
                .await
                .map(|_| ())
        }
    })
    .await
}

/// Acknowledged commits of one CreateInstrument each, straight to the store.
async fn store(store: &Store, writers: usize, opts: &Options) -> Window {
    let states = Arc::new(synth::builtin_counterparts());
    let store = store.clone();
    let tag = format!("store{writers}");
    let load = Load {
        in_flight: writers,
        warmup: opts.warmup,
        window: opts.duration,
    };
    load::closed_loop(load, move |_, n| {
        let commit = Commit {
            writes: vec![Write::CreateInstrument(instrument(&tag, n, &states))],
            actor: "judicial-bench".into(),
            reason: "judicial-bench writes".into(),
        };
        let store = store.clone();
        async move { store.commit(commit).await }
    })
    .await
}

/// Runs the scenario.
pub async fn run(opts: &Options) -> ScenarioReport {
    let dir = tempfile::tempdir().expect("temporary directory");
    let registry = RegistryHandle::start(&dir.path().join("registry"), Seed::None).await;
    let mut over_grpc = Vec::new();
    for writers in WRITERS {
        progress(format!("writes over gRPC, {writers} writers"));
        over_grpc.push((writers, grpc(&registry, writers, opts).await));
    }
    let _ = registry.stop().await;
    let at_store = {
        let store =
            Store::open(&dir.path().join("store"), StoreOptions::default()).expect("open a store");
        let mut out = Vec::new();
        for writers in WRITERS {
            progress(format!("writes at the store, {writers} writers"));
            out.push((writers, self::store(&store, writers, opts).await));
        }
        let _ = store.close();
        out
    };
    progress("raw sled floor");
    let floor_dir = dir.path().join("floor");
    let window = opts.duration.min(std::time::Duration::from_secs(2));
    let floor = tokio::task::spawn_blocking(move || {
        super::sled_floor::measure(&floor_dir, &[1, 16, 64], window)
    })
    .await
    .expect("sled floor");
    report(&over_grpc, &at_store, &floor)
}

fn report(
    over_grpc: &[(usize, Window)],
    at_store: &[(usize, Window)],
    floor: &[super::sled_floor::Floor],
) -> ScenarioReport {
    let mut header = vec!["path", "writers"];
    header.extend(STATS_HEADER);
    let mut t = Table::new(
        "acknowledged durable writes (one instrument per commit)",
        &header,
    );
    let mut data = Vec::new();
    let mut notes = Vec::new();
    let mut rate = |path: &str, runs: &[(usize, Window)]| -> Vec<Stats> {
        runs.iter()
            .map(|(writers, w)| {
                let s = w.stats();
                t.stats_row(&[path, &writers.to_string()], &s);
                data.push(json!({ "path": path, "writers": writers, "stats": s }));
                if let Some(e) = &w.first_error {
                    notes.push(format!(
                        "{path}, {writers} writers: {} errors, first: {e}",
                        w.errors
                    ));
                }
                s
            })
            .collect()
    };
    let g = rate("gRPC CreateInstrument", over_grpc);
    let s = rate("Store::commit", at_store);
    let rps = |v: &[Stats], i: usize| v.get(i).and_then(|s| s.rps).unwrap_or(0.0);
    let (g1, g64, s1, s64) = (rps(&g, 0), rps(&g, 1), rps(&s, 0), rps(&s, 1));
    let mut ratios = Table::new("ratios", &["ratio", "value"]);
    ratios.row(vec![
        "gRPC: 64 writers / 1 writer".into(),
        format!("{:.2}", g64 / g1),
    ]);
    ratios.row(vec![
        "store: 64 writers / 1 writer".into(),
        format!("{:.2}", s64 / s1),
    ]);
    ratios.row(vec![
        "gRPC / store, 1 writer".into(),
        format!("{:.2}", g1 / s1),
    ]);
    ratios.row(vec![
        "gRPC / store, 64 writers".into(),
        format!("{:.2}", g64 / s64),
    ]);
    let mut sled_table = Table::new(
        "floor: raw sled on the same disk, one thread, one flush per batch (records of an instrument and its change record)",
        &["records per flush", "shape", "records/s", "µs per batch"],
    );
    for f in floor {
        sled_table.row(vec![
            f.batch.to_string(),
            f.shape.into(),
            format!("{:.0}", f.records_per_s),
            format!("{:.0}", f.batch_us),
        ]);
    }
    ScenarioReport {
        name: "writes".into(),
        tables: vec![t, ratios, sled_table],
        notes,
        verdicts: vec![
            Verdict::at_least("writes", "gRPC writes/s at 64 writers", 10_000.0, g64, "/s"),
            Verdict::at_least(
                "writes",
                "gRPC 64-writer / 1-writer rate",
                5.0,
                g64 / g1,
                "x",
            ),
        ],
        data: json!({
            "runs": data,
            "grpc_64_over_1": g64 / g1,
            "store_64_over_1": s64 / s1,
            "grpc_over_store_1": g1 / s1,
            "grpc_over_store_64": g64 / s64,
            "sled_floor": floor,
        }),
    }
}
