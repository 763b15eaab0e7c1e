//! The floor under the store: raw sled on the same disk, one thread, a
//! batch of records then one flush, as the committer does, with records the
//! size the store writes (an instrument and its change record, as JSON).
//! Measured two ways: the store's shape (a transaction over its trees) and
//! the cheapest atomic shape sled has (one `apply_batch` on one tree).

use std::time::{Duration, Instant};

use serde::Serialize;
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use crate::synth::{self, Rng};

/// One raw-sled measurement.
#[derive(Debug, Clone, Serialize)]
pub struct Floor {
    /// Records per flush.
    pub batch: usize,
    /// `transaction (4 trees)` or `apply_batch (1 tree)`.
    pub shape: &'static str,
    /// Records made durable per second.
    pub records_per_s: f64,
    /// Mean time of one batch (apply and flush), µs.
    pub batch_us: f64,
}

/// Measures each shape at each batch size for `window`, on a fresh
/// database under `dir`. Blocking: call from `spawn_blocking`.
pub fn measure(dir: &std::path::Path, batches: &[usize], window: Duration) -> Vec<Floor> {
    let states = synth::builtin_counterparts();
    let mut rng = Rng::new(7);
    let inst = synth::treaty(
        "floor".into(),
        &states[0],
        judicial_domain::TreatyType::Criminal,
        &mut rng,
    );
    let body = serde_json::to_vec(&inst).expect("encode");
    // The change record carries the instrument again, with audit fields.
    let record = [
        body.as_slice(),
        br#","actor":"judicial-bench","reason":"floor""#,
    ]
    .concat();
    let mut out = Vec::new();
    for (i, &batch) in batches.iter().enumerate() {
        for transactional in [true, false] {
            let db = sled::Config::new()
                .path(dir.join(format!("floor-{i}-{transactional}")))
                .open()
                .expect("open sled");
            let trees: Vec<sled::Tree> = ["instruments", "changes", "meta", "jurisdictions"]
                .iter()
                .map(|t| db.open_tree(t).expect("tree"))
                .collect();
            let (mut n, mut batches_done) = (0u64, 0u64);
            let started = Instant::now();
            while started.elapsed() < window {
                if transactional {
                    let first = n;
                    (&trees[3], &trees[0], &trees[1], &trees[2])
                        .transaction(|(_jurisdictions, ins, log, meta)| {
                            for k in first..first + batch as u64 {
                                ins.insert(&k.to_be_bytes(), body.as_slice())?;
                                log.insert(&k.to_be_bytes(), record.as_slice())?;
                            }
                            meta.insert(b"revision", &(first + batch as u64).to_be_bytes())?;
                            Ok::<(), ConflictableTransactionError<()>>(())
                        })
                        .expect("transaction");
                } else {
                    let mut b = sled::Batch::default();
                    for k in n..n + batch as u64 {
                        let key = k.to_be_bytes();
                        b.insert([b"i/".as_slice(), &key].concat(), body.as_slice());
                        b.insert([b"c/".as_slice(), &key].concat(), record.as_slice());
                    }
                    b.insert(b"m/revision".as_slice(), &(n + batch as u64).to_be_bytes());
                    trees[0].apply_batch(b).expect("batch");
                }
                db.flush().expect("flush");
                n += batch as u64;
                batches_done += 1;
            }
            let elapsed = started.elapsed().as_secs_f64();
            out.push(Floor {
                batch,
                shape: if transactional {
                    "transaction (4 trees)"
                } else {
                    "apply_batch (1 tree)"
                },
                records_per_s: n as f64 / elapsed,
                batch_us: elapsed * 1e6 / batches_done.max(1) as f64,
            });
        }
    }
    out
}
