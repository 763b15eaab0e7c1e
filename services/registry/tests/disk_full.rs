//! The registry's data directory on a small tmpfs that fills up: writes fail
//! cleanly (RESOURCE_EXHAUSTED, STORAGE_FULL, a message naming the directory),
//! reads go on, health reports NOT_SERVING for writes only, and once space is
//! freed writes succeed again without a restart; nothing acknowledged is lost.
//!
//! Mounting needs root; the test says so and passes without running otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

use judicial_proto::v1 as pb;
use judicial_registry::config::Seed;
use judicial_server::status::{STORAGE_FULL, reason, writes_health_name};
use judicial_test_support::{RegistryHandle, fixtures, wait_serving};
use tonic::Code;
use tonic_health::pb::health_client::HealthClient;

/// A tmpfs mounted for the test, unmounted when dropped.
pub struct Tmpfs(PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `8m`), or None when this process may not.
    pub fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.path().to_owned(), dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the filesystem of `dir` with one file until it is full.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
    path
}

fn instrument(id: &str) -> pb::Instrument {
    fixtures::convention(id, &["CN"])
        .title(format!("{id} {}", "x".repeat(900)))
        .source("disk full test")
        .build()
}

async fn create(
    client: &mut pb::registry_service_client::RegistryServiceClient<tonic::transport::Channel>,
    id: &str,
) -> Result<u64, tonic::Status> {
    client
        .create_instrument(pb::CreateInstrumentRequest {
            instrument: Some(instrument(id)),
            reason: "disk full test".into(),
        })
        .await
        .map(|r| r.into_inner().revision)
}

async fn health(addr: std::net::SocketAddr, service: &str) -> i32 {
    let mut client = HealthClient::new(judicial_test_support::channel(addr));
    client
        .check(tonic_health::pb::HealthCheckRequest {
            service: service.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_cleanly_and_recovers_without_restart() {
    let Some(fs) = Tmpfs::mount("16m") else {
        eprintln!("skipped: cannot mount a tmpfs (needs root); the disk-full test did not run");
        return;
    };
    let data_dir = fs.path().join("registry");
    let registry = RegistryHandle::start(&data_dir, Seed::None).await;
    let service = "judicial.v1.RegistryService";
    let writes = writes_health_name(service);
    wait_serving(registry.addr, &writes).await;
    let mut client = registry.client();
    let mut acked = Vec::new();
    for i in 0..5 {
        let id = format!("before-{i}");
        create(&mut client, &id)
            .await
            .expect("write before the disk fills");
        acked.push(id);
    }

    let filler = fill(fs.path());
    let mut refused = None;
    for i in 0..2000 {
        let id = format!("full-{i}");
        match create(&mut client, &id).await {
            Ok(_) => acked.push(id),
            Err(status) => {
                refused = Some(status);
                break;
            }
        }
    }
    let before_full = acked.len();
    let status = refused.expect("a write on a full disk fails");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(reason(&status).as_deref(), Some(STORAGE_FULL));
    let message = status.message();
    assert!(
        message.contains(&data_dir.display().to_string()),
        "{message}"
    );
    assert!(message.contains("full"), "{message}");
    assert!(
        !message.contains("Custom") && !message.contains("Io("),
        "no debug dump: {message}"
    );
    // Later writes are refused the same way while the disk stays full.
    let again = create(&mut client, "while-full").await.unwrap_err();
    assert_eq!(again.code(), Code::ResourceExhausted, "{again:?}");

    // Reads go on; health keeps the service SERVING and only writes NOT_SERVING.
    let serving = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;
    let not_serving = tonic_health::pb::health_check_response::ServingStatus::NotServing as i32;
    assert_eq!(health(registry.addr, service).await, serving);
    assert_eq!(health(registry.addr, &writes).await, not_serving);
    for id in &acked {
        client
            .get_instrument(pb::GetInstrumentRequest {
                name: format!("instruments/{id}"),
            })
            .await
            .unwrap_or_else(|s| panic!("read {id} while the disk is full: {s:?}"));
    }

    // Space returns: the store recovers by itself.
    std::fs::remove_file(&filler).unwrap();
    wait_serving(registry.addr, &writes).await;
    for i in 0..5 {
        let id = format!("after-{i}");
        create(&mut client, &id)
            .await
            .expect("write after space returned");
        acked.push(id);
    }
    registry.stop().await.unwrap();

    // Nothing acknowledged was lost, also across a restart.
    let registry = RegistryHandle::start(&data_dir, Seed::None).await;
    let mut client = registry.client();
    for id in &acked {
        client
            .get_instrument(pb::GetInstrumentRequest {
                name: format!("instruments/{id}"),
            })
            .await
            .unwrap_or_else(|s| panic!("acknowledged {id} lost: {s:?}"));
    }
    eprintln!(
        "disk full: {} writes acknowledged ({before_full} before the disk filled, {} after space returned), none lost; refused with {:?}: {message}",
        acked.len(),
        acked.len() - before_full,
        status.code()
    );
    registry.stop().await.unwrap();
}
