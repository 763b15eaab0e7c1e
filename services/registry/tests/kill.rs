//! SIGKILL the registry process while clients write; every acknowledged write
//! must be there after a restart on the same directory.
//!
//! The short version runs 3 rounds with 8 writers; set
//! `JUDICIAL_FAULT_ROUNDS=20 JUDICIAL_FAULT_WRITERS=64` for the full one.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use judicial_proto::v1 as pb;
use judicial_proto::v1::registry_service_client::RegistryServiceClient;
use judicial_test_support::fixtures;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts the registry binary on an ephemeral port and returns it with the
/// address it logged once serving (the log line is the readiness signal).
fn spawn_registry(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_judicial-registry"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "none",
            "--log-format",
            "json",
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start judicial-registry");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("registry exited before serving")
            .unwrap();
        if line.contains("registry serving") {
            let v: serde_json::Value = serde_json::from_str(&line).expect("json log line");
            break v["addr"].as_str().expect("addr field").to_owned();
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

fn instrument(id: &str) -> pb::Instrument {
    fixtures::convention(id, &["CN"])
        .source("kill test")
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_write() {
    let rounds = env_usize("JUDICIAL_FAULT_ROUNDS", 3);
    let writers = env_usize("JUDICIAL_FAULT_WRITERS", 8);
    let dir = tempfile::tempdir().unwrap();
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    for round in 0..rounds {
        let (mut child, addr) = spawn_registry(dir.path());
        let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        // Kill after a pseudo-random number of acknowledgements in this round.
        let kill_after = 40 + (round * 7919 + 13) % 200;
        let (enough_tx, mut enough_rx) = tokio::sync::mpsc::channel::<()>(1);
        let mut tasks = Vec::new();
        let round_acks = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for w in 0..writers {
            let mut client = RegistryServiceClient::new(channel.clone());
            let acked = acked.clone();
            let round_acks = round_acks.clone();
            let enough = enough_tx.clone();
            tasks.push(tokio::spawn(async move {
                for n in 0.. {
                    let id = format!("r{round}-w{w}-n{n}");
                    let request = pb::CreateInstrumentRequest {
                        instrument: Some(instrument(&id)),
                        reason: "kill test".into(),
                    };
                    match client.create_instrument(request).await {
                        Ok(_) => {
                            acked.lock().unwrap().push(id);
                            if round_acks.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
                                == kill_after
                            {
                                let _ = enough.try_send(());
                            }
                        }
                        Err(_) => return,
                    }
                }
            }));
        }
        enough_rx.recv().await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        for t in tasks {
            t.await.unwrap();
        }
        // Restart and check every acknowledged write.
        let (mut child, addr) = spawn_registry(dir.path());
        let mut client = RegistryServiceClient::connect(format!("http://{addr}"))
            .await
            .unwrap();
        let export = client
            .export_dataset(pb::ExportDatasetRequest {})
            .await
            .unwrap()
            .into_inner();
        let stored: HashSet<String> = export.instruments.into_iter().map(|i| i.id).collect();
        let acked_now = acked.lock().unwrap().clone();
        let lost: Vec<_> = acked_now
            .iter()
            .filter(|id| !stored.contains(*id))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: {} acknowledged writes lost, e.g. {:?}",
            lost.len(),
            &lost[..lost.len().min(5)]
        );
        let changes = client
            .list_changes(pb::ListChangesRequest {
                page_size: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!changes.changes.is_empty());
        eprintln!(
            "round {round}: {} acknowledged so far, all present after SIGKILL",
            acked_now.len()
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
