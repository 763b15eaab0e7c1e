//! The closed-loop load generator: N requests in flight over M HTTP/2
//! connections, a warm-up, then a measurement window recorded in an
//! hdrhistogram.
//!
//! Closed loop: each of the N workers sends its next request as soon as the
//! previous one completes, so the offered load adapts to the server and the
//! latency measured is what a client with N outstanding calls sees. A
//! request is recorded when it completes inside the window, whenever it
//! started; throughput is recorded completions divided by the window.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;
use tonic::transport::{Channel, Endpoint};

/// Latencies in nanoseconds, 1 ns to 100 s, 3 significant figures.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 100_000_000_000, 3).expect("valid histogram bounds")
}

/// Records a duration into a nanosecond histogram (saturating at its top).
pub fn record(h: &mut Histogram<u64>, d: Duration) {
    h.saturating_record((d.as_nanos() as u64).max(1));
}

/// How hard and how long to load a server.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Requests in flight (workers).
    pub in_flight: usize,
    /// Warm-up, not recorded.
    pub warmup: Duration,
    /// Measurement window.
    pub window: Duration,
}

/// What one window measured.
#[derive(Debug, Clone)]
pub struct Window {
    /// Latency of every recorded request, in nanoseconds.
    pub latency: Histogram<u64>,
    /// Failed requests inside the window (not in `latency`).
    pub errors: u64,
    /// The first failure seen, for the report.
    pub first_error: Option<String>,
    /// Length of the measurement window.
    pub elapsed: Duration,
    /// CPU time this whole process (client and servers) used during the
    /// window, when it could be read.
    pub cpu: Option<Duration>,
}

impl Window {
    /// An empty window (to merge others into).
    pub fn empty() -> Window {
        Window {
            latency: histogram(),
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
            cpu: None,
        }
    }

    /// Adds another window's requests and time to this one.
    pub fn merge(&mut self, other: &Window) {
        self.latency.add(&other.latency).expect("same bounds");
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
        self.elapsed += other.elapsed;
        self.cpu = match (self.cpu, other.cpu) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }

    /// Requests per second over the window.
    pub fn rps(&self) -> f64 {
        if self.elapsed.is_zero() {
            return 0.0;
        }
        self.latency.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The summary the tables and JSON show.
    pub fn stats(&self) -> Stats {
        let mut s = Stats::of(&self.latency, self.errors, Some(self.rps()));
        if let Some(cpu) = self.cpu
            && !self.elapsed.is_zero()
        {
            s.cores = Some(cpu.as_secs_f64() / self.elapsed.as_secs_f64());
            if s.count > 0 {
                s.cpu_us_per_request = Some(cpu.as_secs_f64() * 1e6 / s.count as f64);
            }
        }
        s
    }
}

/// Percentiles, in microseconds, of a latency histogram.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Stats {
    /// Requests recorded.
    pub count: u64,
    /// Requests failed.
    pub errors: u64,
    /// Requests per second, when the histogram covers a window.
    pub rps: Option<f64>,
    /// Median.
    pub p50_us: f64,
    /// 90th percentile.
    pub p90_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Largest.
    pub max_us: f64,
    /// Mean.
    pub mean_us: f64,
    /// CPU time of the whole process (load generator and servers) per
    /// recorded request, in microseconds: independent of how much of the
    /// shared machine the run got.
    pub cpu_us_per_request: Option<f64>,
    /// Cores the process used on average during the window (at most the
    /// machine's; less when other work took the rest).
    pub cores: Option<f64>,
}

impl Stats {
    /// Summarises a nanosecond histogram.
    pub fn of(h: &Histogram<u64>, errors: u64, rps: Option<f64>) -> Stats {
        let us = |ns: u64| ns as f64 / 1000.0;
        if h.is_empty() {
            return Stats {
                errors,
                rps,
                ..Stats::default()
            };
        }
        Stats {
            count: h.len(),
            errors,
            rps,
            p50_us: us(h.value_at_quantile(0.50)),
            p90_us: us(h.value_at_quantile(0.90)),
            p99_us: us(h.value_at_quantile(0.99)),
            max_us: us(h.max()),
            mean_us: h.mean() / 1000.0,
            cpu_us_per_request: None,
            cores: None,
        }
    }
}

/// Opens `count` separate HTTP/2 connections to `url` (one tonic Channel
/// each; a Channel multiplexes its requests over one connection).
pub async fn connections(url: &str, count: usize) -> Result<Vec<Channel>, tonic::transport::Error> {
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let channel = Endpoint::from_shared(url.to_owned())?
            .tcp_nodelay(true)
            .connect()
            .await?;
        out.push(channel);
    }
    Ok(out)
}

/// Runs `load.in_flight` workers, each calling `call(worker, sequence)` in
/// a loop: warm-up, then the measurement window. `sequence` counts requests
/// across all workers (to pick a query from a mix or make a unique id); a
/// gRPC caller uses connection `worker % M`, see [`on_connections`].
pub async fn closed_loop<F, Fut, T, E>(load: Load, call: F) -> Window
where
    F: Fn(usize, u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let sequence = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let measure_from = start + load.warmup;
    let end = measure_from + load.window;
    let mut workers = Vec::with_capacity(load.in_flight);
    for worker in 0..load.in_flight.max(1) {
        let call = call.clone();
        let sequence = sequence.clone();
        workers.push(tokio::spawn(async move {
            let mut window = Window::empty();
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let n = sequence.fetch_add(1, Ordering::Relaxed);
                let outcome = call(worker, n).await;
                let done = Instant::now();
                if done < measure_from || done > end {
                    continue;
                }
                match outcome {
                    Ok(_) => record(&mut window.latency, done - sent),
                    Err(e) => {
                        window.errors += 1;
                        if window.first_error.is_none() {
                            window.first_error = Some(e.to_string());
                        }
                    }
                }
            }
            window
        }));
    }
    let cpu = tokio::spawn(async move {
        tokio::time::sleep_until(measure_from.into()).await;
        let before = process_cpu();
        tokio::time::sleep_until(end.into()).await;
        Some(process_cpu()?.saturating_sub(before?))
    });
    let mut total = Window::empty();
    for worker in workers {
        let window = worker.await.expect("load worker panicked");
        total.merge(&window);
    }
    total.elapsed = load.window;
    total.cpu = cpu.await.ok().flatten();
    total
}

/// CPU time (user and system) of this process so far, from /proc/self/stat
/// (clock ticks of 10 ms, Linux's USER_HZ).
pub fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs [`closed_loop`] with worker `w` sending over `channels[w % M]`:
/// `call(channel, sequence)`.
pub async fn on_connections<F, Fut, T>(channels: &[Channel], load: Load, call: F) -> Window
where
    F: Fn(Channel, u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, tonic::Status>> + Send + 'static,
    T: Send + 'static,
{
    assert!(!channels.is_empty(), "at least one connection");
    let channels: Arc<Vec<Channel>> = Arc::new(channels.to_vec());
    closed_loop(load, move |worker, n| {
        let request = call(channels[worker % channels.len()].clone(), n);
        async move {
            request
                .await
                .map_err(|s| format!("{:?}: {}", s.code(), s.message()))
        }
    })
    .await
}
