//! Output for people (aligned tables, colour only on a terminal) and for
//! machines (`--json`).

use std::io::IsTerminal;

/// `println!` that ends the process quietly when standard output is closed
/// (`judicial route ... | head`), instead of panicking on a broken pipe.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// `print!` with the same broken-pipe handling as [`outln!`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if write!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

use comfy_table::presets::UTF8_BORDERS_ONLY;
use comfy_table::{ContentArrangement, Table};

/// Whether standard output is a terminal (colour and progress allowed).
pub fn is_terminal() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Wraps text in an ANSI style when writing to a terminal.
pub fn style(text: &str, code: &str) -> String {
    if is_terminal() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Bold.
pub fn bold(text: &str) -> String {
    style(text, "1")
}

/// Dimmed.
pub fn dim(text: &str) -> String {
    style(text, "2")
}

/// Green.
pub fn green(text: &str) -> String {
    style(text, "32")
}

/// Yellow.
pub fn yellow(text: &str) -> String {
    style(text, "33")
}

/// A table with a header row, sized to the terminal.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    if !is_terminal() {
        t.set_width(160);
    }
    t
}

/// Prints a JSON value, pretty.
pub fn json(value: &serde_json::Value) {
    crate::outln!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// A spinner on standard error while a long call runs (only on a terminal).
pub fn spinner(message: &str) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// `YYYY-MM-DD` (or partial) of a wire date.
pub fn date(d: &Option<judicial_proto::v1::Date>) -> String {
    match d {
        None => String::new(),
        Some(d) => match (d.month, d.day) {
            (0, _) => format!("{:04}", d.year),
            (m, 0) => format!("{:04}-{m:02}", d.year),
            (m, day) => format!("{:04}-{m:02}-{day:02}", d.year),
        },
    }
}

/// Human name of a channel kind.
pub fn channel_kind(kind: i32) -> &'static str {
    use judicial_proto::v1::ChannelKind;
    match ChannelKind::try_from(kind).unwrap_or(ChannelKind::Unspecified) {
        ChannelKind::BilateralTreaty => "bilateral treaty",
        ChannelKind::MultilateralConvention => "convention",
        ChannelKind::Arrangement => "arrangement",
        ChannelKind::Reciprocity => "reciprocity",
        ChannelKind::Unspecified => "unspecified",
    }
}
