//! `judicial dev` as a child process, for tests that drive the `judicial`
//! binary: the suite on an ephemeral port of its own, and the CLI pointed
//! at it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// A running `judicial dev`, killed when dropped.
#[derive(Debug)]
pub struct DevSuite {
    /// The `judicial` binary (`env!("CARGO_BIN_EXE_judicial")`).
    pub bin: String,
    /// The child process.
    pub child: Child,
    /// Where the suite listens (`http://127.0.0.1:PORT`).
    pub endpoint: String,
    /// The data directory; kept so it lives as long as the suite.
    pub dir: tempfile::TempDir,
}

impl DevSuite {
    /// Starts `bin dev` on an ephemeral port; its banner line (printed
    /// once the port is bound) tells the address.
    pub fn start(bin: &str) -> DevSuite {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(bin)
            .args(["dev", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start judicial dev");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let endpoint = loop {
            let line = lines.next().expect("judicial dev exited early").unwrap();
            if let Some(rest) = line.split("dev suite on ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        DevSuite {
            bin: bin.to_owned(),
            child,
            endpoint,
            dir,
        }
    }

    /// Runs the CLI against the suite, without colours.
    pub fn judicial(&self, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .arg("--endpoint")
            .arg(&self.endpoint)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// Runs the CLI with `--json`, which must succeed, and parses its output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.judicial(&[&["--json"], args].concat());
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json output")
    }
}

impl Drop for DevSuite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
