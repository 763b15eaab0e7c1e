//! A real `nats-server` with JetStream, for the notifier's sink tests and
//! the fanout benchmark: started on 127.0.0.1 with a temporary store
//! directory, stopped and restarted on the same port and store.
//!
//! nats-server cannot listen on port 0, so a free port is found by binding
//! 127.0.0.1:0 and releasing it; when another process takes it first the
//! server fails with "address already in use" and another port is tried.
//! Readiness is the server's own "Server is ready" log line, then a client
//! connection that receives the server's INFO: no sleeps.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// A nats-server process with JetStream enabled.
pub struct NatsServer {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    binary: PathBuf,
    store: PathBuf,
    args: Vec<String>,
    _dir: tempfile::TempDir,
    child: Option<Child>,
}

impl std::fmt::Debug for NatsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NatsServer")
            .field("port", &self.port)
            .field("store", &self.store)
            .finish()
    }
}

/// The nats-server binary: `$NATS_SERVER`, then `PATH`, then the Debian
/// package's `/usr/sbin/nats-server`.
pub fn binary() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("NATS_SERVER") {
        candidates.push(p.into());
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|d| d.join("nats-server")));
    }
    candidates.push("/usr/sbin/nats-server".into());
    candidates.push("/usr/local/bin/nats-server".into());
    candidates.into_iter().find(|p| p.is_file())
}

impl NatsServer {
    /// Starts a server, or returns None after saying why when nats-server
    /// is not installed (callers skip their test).
    pub async fn start() -> Option<NatsServer> {
        Self::start_with(&[]).await
    }

    /// Like [`NatsServer::start`], with more nats-server arguments (kept
    /// for restarts), e.g. `--tls --tlscert FILE --tlskey FILE`.
    pub async fn start_with(args: &[&str]) -> Option<NatsServer> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let Some(binary) = binary() else {
            eprintln!(
                "skipping: nats-server is not installed (apt-get install nats-server; .ci/run does)"
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = dir.path().join("jetstream");
        for _ in 0..20 {
            let port = free_port();
            match spawn(&binary, port, &store, &args).await {
                Ok(child) => {
                    return Some(NatsServer {
                        port,
                        binary,
                        store,
                        args,
                        _dir: dir,
                        child: Some(child),
                    });
                }
                Err(Spawn::PortTaken) => continue,
                Err(Spawn::Failed(why)) => panic!("nats-server did not start: {why}"),
            }
        }
        panic!("nats-server: no free port after 20 attempts");
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: nothing is flushed beyond what JetStream
    /// already synced) and waits for it to exit.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts the server again on the same port and store directory.
    pub async fn restart(&mut self) {
        self.stop().await;
        match spawn(&self.binary, self.port, &self.store, &self.args).await {
            Ok(child) => self.child = Some(child),
            Err(Spawn::PortTaken) => panic!("nats-server: port {} was taken meanwhile", self.port),
            Err(Spawn::Failed(why)) => panic!("nats-server did not restart: {why}"),
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

enum Spawn {
    PortTaken,
    Failed(String),
}

async fn spawn(binary: &Path, port: u16, store: &Path, args: &[String]) -> Result<Child, Spawn> {
    let mut child = Command::new(binary)
        .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
        .arg(store)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Spawn::Failed(format!("{}: {e}", binary.display())))?;
    let mut lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let mut seen = Vec::new();
    loop {
        match lines.next_line().await {
            Ok(Some(line)) => {
                if line.contains("Server is ready") {
                    break;
                }
                seen.push(line);
            }
            _ => {
                let _ = child.wait().await;
                let log = seen.join("\n");
                return Err(if log.contains("address already in use") {
                    Spawn::PortTaken
                } else {
                    Spawn::Failed(log)
                });
            }
        }
    }
    // Keep draining its log so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    // A client connection is answered with INFO: the port is this server's.
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| Spawn::Failed(format!("connect to port {port}: {e}")))?;
    let mut info = [0u8; 4];
    stream
        .read_exact(&mut info)
        .await
        .map_err(|e| Spawn::Failed(format!("read INFO on port {port}: {e}")))?;
    if &info != b"INFO" {
        return Err(Spawn::Failed(format!("port {port} did not answer INFO")));
    }
    Ok(child)
}
