//! The machine a run measured: cores, kernel, CPU model, memory, load.

use serde::Serialize;

/// What every report states about where it ran.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// Cores this process may use (`std::thread::available_parallelism`).
    pub cores: usize,
    /// Kernel release (`uname -r`).
    pub kernel: String,
    /// CPU model name from /proc/cpuinfo.
    pub cpu_model: String,
    /// Total memory from /proc/meminfo, in MiB.
    pub memory_mib: u64,
    /// The 1, 5 and 15 minute load averages when the run started.
    pub load_average: String,
    /// Whether this is an optimised build (numbers from a debug build are meaningless).
    pub release_build: bool,
    /// Where the temporary sled directories live.
    pub temp_dir: String,
}

impl Machine {
    /// Reads the facts of this machine.
    pub fn detect() -> Machine {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| {
                l.strip_prefix("model name")
                    .and_then(|rest| rest.split_once(':'))
            })
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_else(|| "unknown".into());
        let memory_kib = read("/proc/meminfo")
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0);
        Machine {
            cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
            cpu_model,
            memory_mib: memory_kib / 1024,
            load_average: load_average(),
            release_build: !cfg!(debug_assertions),
            temp_dir: std::env::temp_dir().display().to_string(),
        }
    }

    /// One line for the top of a report.
    pub fn summary(&self) -> String {
        format!(
            "machine: {} cores ({}), Linux {}, {} MiB RAM, load average {} at start, temp dir {}{}",
            self.cores,
            self.cpu_model,
            self.kernel,
            self.memory_mib,
            self.load_average,
            self.temp_dir,
            if self.release_build {
                ""
            } else {
                " — DEBUG BUILD: numbers are meaningless, use --release"
            }
        )
    }
}

/// The 1, 5 and 15 minute load averages (`0.35 0.76 0.68`).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Resident set size and its peak of a process, in KiB, from
/// /proc/PID/status (`VmRSS`, `VmHWM`).
pub fn rss_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
