//! Tables, targets and the JSON document of a run.

use serde::Serialize;

use crate::load::Stats;
use crate::machine::Machine;

/// A Markdown table (pastes into BENCHMARKS.md as it is).
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Caption printed above it.
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Cells, row by row.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with a caption and columns.
    pub fn new(title: impl Into<String>, header: &[&str]) -> Table {
        Table {
            title: title.into(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Appends a row of latency statistics after `label` cells.
    pub fn stats_row(&mut self, label: &[&str], s: &Stats) {
        let mut cells: Vec<String> = label.iter().map(|s| s.to_string()).collect();
        cells.extend(stats_cells(s));
        self.rows.push(cells);
    }

    /// Renders the table as Markdown.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(cell.chars().count());
                }
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:<w$}", w = widths.get(i).copied().unwrap_or(0)))
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = format!("**{}**\n\n", self.title);
        out.push_str(&line(&self.header));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// Column names matching [`stats_cells`].
pub const STATS_HEADER: &[&str] = &[
    "requests",
    "errors",
    "req/s",
    "p50 µs",
    "p90 µs",
    "p99 µs",
    "max µs",
    "CPU µs/req",
    "cores",
];

/// The cells of a latency summary: count, errors, req/s, p50, p90, p99,
/// max, CPU per request and cores used.
pub fn stats_cells(s: &Stats) -> Vec<String> {
    vec![
        s.count.to_string(),
        s.errors.to_string(),
        s.rps
            .map(|r| format!("{r:.0}"))
            .unwrap_or_else(|| "-".into()),
        format!("{:.0}", s.p50_us),
        format!("{:.0}", s.p90_us),
        format!("{:.0}", s.p99_us),
        format!("{:.0}", s.max_us),
        s.cpu_us_per_request
            .map(|c| format!("{c:.1}"))
            .unwrap_or_else(|| "-".into()),
        s.cores
            .map(|c| format!("{c:.2}"))
            .unwrap_or_else(|| "-".into()),
    ]
}

/// One target of the issue, and whether this run met it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Scenario.
    pub scenario: String,
    /// What is measured (`route/echo req/s`).
    pub metric: String,
    /// The target (`>= 0.80`).
    pub target: String,
    /// The measured value, formatted.
    pub measured: String,
    /// Met (true), missed (false), or not measured (None).
    pub met: Option<bool>,
}

impl Verdict {
    /// A target `measured >= bound`.
    pub fn at_least(
        scenario: &str,
        metric: &str,
        bound: f64,
        measured: f64,
        unit: &str,
    ) -> Verdict {
        Verdict {
            scenario: scenario.into(),
            metric: metric.into(),
            target: format!("≥ {}", number(bound, unit)),
            measured: number(measured, unit),
            met: Some(measured >= bound),
        }
    }

    /// A target `measured <= bound`.
    pub fn at_most(scenario: &str, metric: &str, bound: f64, measured: f64, unit: &str) -> Verdict {
        Verdict {
            scenario: scenario.into(),
            metric: metric.into(),
            target: format!("≤ {}", number(bound, unit)),
            measured: number(measured, unit),
            met: Some(measured <= bound),
        }
    }

    /// A target that could not be measured in this run, and why.
    pub fn not_measured(scenario: &str, metric: &str, target: &str, why: &str) -> Verdict {
        Verdict {
            scenario: scenario.into(),
            metric: metric.into(),
            target: target.into(),
            measured: why.into(),
            met: None,
        }
    }

    /// `met`, `MISSED` or `not run`.
    pub fn outcome(&self) -> &'static str {
        match self.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        }
    }
}

fn number(v: f64, unit: &str) -> String {
    match unit {
        "x" => format!("{v:.2}×"),
        "ms" => format!("{v:.2} ms"),
        "s" => format!("{v:.2} s"),
        "MiB" => format!("{v:.1} MiB"),
        "/s" => format!("{v:.0}/s"),
        _ => format!("{v:.2} {unit}"),
    }
}

/// What one scenario produced.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    /// Its name (`route`).
    pub name: String,
    /// Its tables.
    pub tables: Vec<Table>,
    /// Notes printed under the tables.
    pub notes: Vec<String>,
    /// Its targets.
    pub verdicts: Vec<Verdict>,
    /// Everything it measured, for machines.
    pub data: serde_json::Value,
}

impl ScenarioReport {
    /// Renders the tables, notes and verdicts as Markdown.
    pub fn render(&self) -> String {
        let mut out = format!("## {}\n\n", self.name);
        for t in &self.tables {
            out.push_str(&t.render());
            out.push('\n');
        }
        for n in &self.notes {
            out.push_str(&format!("- {n}\n"));
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
        if !self.verdicts.is_empty() {
            out.push_str(&verdict_table("targets", &self.verdicts).render());
            out.push('\n');
        }
        out
    }
}

/// A table of targets.
pub fn verdict_table(title: &str, verdicts: &[Verdict]) -> Table {
    let mut t = Table::new(
        title,
        &["scenario", "metric", "target", "measured", "outcome"],
    );
    for v in verdicts {
        t.row(vec![
            v.scenario.clone(),
            v.metric.clone(),
            v.target.clone(),
            v.measured.clone(),
            v.outcome().into(),
        ]);
    }
    t
}

/// A whole run, as `--json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The machine.
    pub machine: Machine,
    /// Load average when the run ended.
    pub load_average_at_end: String,
    /// Window and warm-up settings.
    pub settings: serde_json::Value,
    /// Each scenario run, in order.
    pub scenarios: Vec<ScenarioReport>,
    /// Every target of every scenario run.
    pub summary: Vec<Verdict>,
}
