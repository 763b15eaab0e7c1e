//! The contract from outside Rust: `python/run.sh` runs a grpcio client
//! (`python/test_contract.py`, stubs generated from `proto/`) against a
//! registry started here with the built-in jurisdictions only.
//!
//! Needs `python3` (3.9 or newer, with `venv`) and PyPI for the first run;
//! without Python the test fails, it never skips.

use std::process::Stdio;
use std::time::{Duration, Instant};

use judicial_registry::config::Seed;
use judicial_test_support::RegistryHandle;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;

const RUN_SH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/run.sh");
const WORKSPACE_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
/// Generous: the first run creates the virtualenv and installs from PyPI.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Fails (never skips) when the interpreter run.sh would use is missing.
fn require_python() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    match std::process::Command::new(&python)
        .arg("--version")
        .output()
    {
        Ok(out) if out.status.success() => {
            let version = String::from_utf8_lossy(&out.stdout);
            let version = if version.trim().is_empty() {
                String::from_utf8_lossy(&out.stderr)
            } else {
                version
            };
            println!("python_contract: using {python} ({})", version.trim());
        }
        Ok(out) => panic!(
            "`{python} --version` failed ({}): the Python contract test needs Python 3.9+ with venv; stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!(
            "`{python}` is not on PATH ({e}): the Python contract test needs Python 3.9+ with venv \
             (e.g. `apt-get install python3 python3-venv`, or set PYTHON to an interpreter)"
        ),
    }
}

/// Copies a child's output line by line to this test's output.
async fn forward(stream: impl AsyncRead + Unpin, to_stderr: bool) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_grpcio_client_speaks_the_contract() {
    require_python();
    let dir = tempfile::tempdir().expect("temporary data directory");
    let registry = RegistryHandle::start(dir.path(), Seed::None).await;

    let started = Instant::now();
    let mut child = Command::new("bash")
        .arg(RUN_SH)
        .current_dir(WORKSPACE_ROOT)
        .env("JUDICIAL_REGISTRY_ADDR", registry.addr.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `bash {RUN_SH}`: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");

    // Joined on this task (not spawned) so libtest captures the output; the
    // registry serves on the runtime's worker threads meanwhile.
    let outcome = tokio::time::timeout(TIMEOUT, async {
        let (status, (), ()) =
            tokio::join!(child.wait(), forward(stdout, false), forward(stderr, true));
        status
    })
    .await;
    let status = match outcome {
        Ok(status) => status.expect("wait for run.sh"),
        Err(_) => {
            let _ = child.start_kill();
            panic!("run.sh did not finish within {TIMEOUT:?}");
        }
    };
    println!(
        "python_contract: run.sh finished in {:.1?} with {status}",
        started.elapsed()
    );

    registry.stop().await.expect("registry stops cleanly");
    assert!(
        status.success(),
        "the Python contract test failed ({status}); its output is above"
    );
}
