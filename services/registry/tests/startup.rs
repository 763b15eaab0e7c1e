//! A data directory the registry cannot use makes the process exit non-zero
//! with a message naming the path, and is never overwritten.

use std::process::{Command, Stdio};

fn start(dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_judicial-registry"))
        .args(["--listen", "127.0.0.1:0", "--seed", "none"])
        .arg("--data-dir")
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run judicial-registry")
}

#[tokio::test]
async fn a_locked_directory_is_refused_naming_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        judicial_registry::Config::for_data_dir(dir.path(), judicial_registry::config::Seed::None);
    // Hold the directory open in this process (sled takes an exclusive lock).
    let _held = judicial_registry::Registry::open(&config).await.unwrap();
    let out = start(dir.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );
}

#[test]
fn a_corrupt_directory_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&db, &garbage).unwrap();
    std::fs::write(dir.path().join("conf"), b"not a sled config\n").unwrap();
    let out = start(dir.path());
    assert!(!out.status.success(), "a corrupt store must not start");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        garbage,
        "the data was not overwritten"
    );
}

#[test]
fn a_file_where_the_directory_should_be_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("registry-data");
    std::fs::write(&file, b"I am a file").unwrap();
    let out = start(&file);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&file.display().to_string()));
    assert_eq!(std::fs::read(&file).unwrap(), b"I am a file");
}
