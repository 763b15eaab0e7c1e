//! The registry goes down under query load: the router answers every query
//! (marked stale) and, when the registry returns, catches up with no gap.
//!
//! Short version: 1 s outage. `JUDICIAL_OUTAGE_SECS=10` runs the full one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_test_support::{RegistryHandle, RouterHandle, fixtures};

fn treaty(id: &str, counterpart: &str) -> pb::Instrument {
    fixtures::treaty(id, counterpart)
        .title(id)
        .source("outage test")
        .in_force_from(fixtures::date(2001, 1, 1))
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn router_serves_through_a_registry_outage_and_catches_up() {
    let outage = Duration::from_secs(
        std::env::var("JUDICIAL_OUTAGE_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1),
    );
    let dir = tempfile::tempdir().unwrap();
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;
    let addr = registry.addr;
    let router = RouterHandle::start(&registry.url()).await;
    let rev = registry
        .client()
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(treaty("cn-fr-civil-2000", "FR")),
            reason: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .revision;

    // Query load: 8 clients asking continuously; every answer must succeed.
    let stop = Arc::new(AtomicBool::new(false));
    let (answered, stale, failed) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let mut load = Vec::new();
    for _ in 0..8 {
        let mut rt = router.client();
        let (stop, answered, stale, failed) = (
            stop.clone(),
            answered.clone(),
            stale.clone(),
            failed.clone(),
        );
        load.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match rt
                    .route(pb::RouteRequest {
                        counterpart: "FR".into(),
                        matter: 1,
                        assistance: 1,
                        min_revision: rev,
                        ..Default::default()
                    })
                    .await
                {
                    Ok(r) => {
                        let r = r.into_inner();
                        assert_eq!(r.channels[0].instrument, "instruments/cn-fr-civil-2000");
                        answered.fetch_add(1, Ordering::Relaxed);
                        if r.stale {
                            stale.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        eprintln!("query failed: {e:?}");
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }

    registry.stop().await.unwrap();
    tokio::time::sleep(outage).await; // the outage itself, not a readiness wait
    let registry = RegistryHandle::restart_at(addr, dir.path()).await;
    // Writes after the outage reach the router in order.
    let mut client = registry.client();
    let mut last = 0;
    for (i, code) in ["DE", "IT", "ES"].iter().enumerate() {
        let id = format!("cn-{}-civil-{}", code.to_lowercase(), 2000 + i);
        last = client
            .create_instrument(pb::CreateInstrumentRequest {
                instrument: Some(treaty(&id, code)),
                reason: String::new(),
            })
            .await
            .unwrap()
            .into_inner()
            .revision;
    }
    let mut rt = router.client();
    for (i, code) in ["DE", "IT", "ES"].iter().enumerate() {
        let r = rt
            .route(pb::RouteRequest {
                counterpart: (*code).into(),
                matter: 1,
                assistance: 1,
                min_revision: last,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!r.stale);
        assert_eq!(
            r.channels[0].instrument,
            format!("instruments/cn-{}-civil-{}", code.to_lowercase(), 2000 + i)
        );
    }
    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.await.unwrap();
    }
    let (answered, stale, failed) = (
        answered.load(Ordering::Relaxed),
        stale.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    );
    eprintln!(
        "outage {outage:?}: {answered} queries answered, {stale} of them stale, {failed} failed"
    );
    assert_eq!(failed, 0);
    assert!(
        stale > 0,
        "some answers were given during the outage, marked stale"
    );
    router.stop().await.unwrap();
    registry.stop().await.unwrap();
}
