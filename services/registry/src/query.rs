//! Paging and the filters of List calls.

use judicial_domain::validation::Violations;
use judicial_domain::{
    CalendarDate, Instrument, InstrumentKind, Jurisdiction, JurisdictionKind, Status, TreatyType,
};
use judicial_store::ChangeRecord;

/// Default page size when a request leaves it 0.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size.
pub const MAX_PAGE_SIZE: usize = 1000;

/// A page request over a keyed collection.
#[derive(Debug, Clone)]
pub struct Page {
    /// Results per page.
    pub size: usize,
    /// Key after which the page starts.
    pub after: Option<String>,
}

/// A page request over the change log.
#[derive(Debug, Clone)]
pub struct ChangePage {
    /// Results per page.
    pub size: usize,
    /// First revision.
    pub from: u64,
    /// First index within `from`.
    pub index: u32,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

/// Checks page_size (0 → default, negative or too large → violation).
pub fn page_size(size: i32, v: &mut Violations) -> usize {
    match size {
        0 => DEFAULT_PAGE_SIZE,
        n if n < 0 => {
            v.add("page_size", "page_size must not be negative");
            DEFAULT_PAGE_SIZE
        }
        n if n as usize > MAX_PAGE_SIZE => {
            v.add(
                "page_size",
                format!("page_size must be at most {MAX_PAGE_SIZE}"),
            );
            DEFAULT_PAGE_SIZE
        }
        n => n as usize,
    }
}

/// Parses a keyed page request.
pub fn page(size: i32, token: &str, v: &mut Violations) -> Page {
    let size = page_size(size, v);
    if token.is_empty() {
        return Page { size, after: None };
    }
    match unhex(token).and_then(|t| t.strip_prefix("k:").map(str::to_owned)) {
        Some(after) => Page {
            size,
            after: Some(after),
        },
        None => {
            v.add("page_token", "page_token is not one this server issued");
            Page { size, after: None }
        }
    }
}

/// Parses a change-log page request.
pub fn change_page(size: i32, token: &str, v: &mut Violations) -> ChangePage {
    let size = page_size(size, v);
    if token.is_empty() {
        return ChangePage {
            size,
            from: 1,
            index: 0,
        };
    }
    let parsed = unhex(token).and_then(|t| {
        let rest = t.strip_prefix("c:")?.to_owned();
        let (r, i) = rest.split_once(':')?;
        Some((r.parse().ok()?, i.parse().ok()?))
    });
    match parsed {
        Some((from, index)) => ChangePage { size, from, index },
        None => {
            v.add("page_token", "page_token is not one this server issued");
            ChangePage {
                size,
                from: 1,
                index: 0,
            }
        }
    }
}

/// The token that resumes a change-log listing at (revision, index).
pub fn change_token(revision: u64, index: u32) -> String {
    hex(format!("c:{revision}:{index}").as_bytes())
}

/// Takes one page from an ordered iterator; the token names the last key.
pub fn take_page<T>(
    items: impl Iterator<Item = T>,
    size: usize,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let mut items = items.peekable();
    let mut out = Vec::with_capacity(size.min(128));
    while out.len() < size {
        match items.next() {
            Some(item) => out.push(item),
            None => break,
        }
    }
    let token = if items.peek().is_some() {
        out.last()
            .map(|last| hex(format!("k:{}", key(last)).as_bytes()))
    } else {
        None
    };
    (out, token)
}

/// Splits `a=b AND c="d"` into (field, value) terms.
fn terms(filter: &str, v: &mut Violations) -> Vec<(String, String)> {
    let filter = filter.trim();
    if filter.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for term in filter.split(" AND ") {
        match term.split_once('=') {
            Some((field, value)) => {
                let value = value.trim().trim_matches('"').to_owned();
                out.push((field.trim().to_ascii_lowercase(), value));
            }
            None => v.add(
                "filter",
                format!("term {term:?} is not field=value (terms are joined by ` AND `)"),
            ),
        }
    }
    out
}

/// Filter of ListJurisdictions.
#[derive(Debug, Clone, Default)]
pub struct JurisdictionFilter {
    kind: Option<JurisdictionKind>,
    parent: Option<String>,
}

impl JurisdictionFilter {
    /// Parses `kind=STATE|REGION` and `parent=CN`.
    pub fn parse(filter: &str, v: &mut Violations) -> Self {
        let mut f = JurisdictionFilter::default();
        for (field, value) in terms(filter, v) {
            match field.as_str() {
                "kind" => match value.to_ascii_uppercase().as_str() {
                    "STATE" => f.kind = Some(JurisdictionKind::State),
                    "REGION" => f.kind = Some(JurisdictionKind::Region),
                    _ => v.add(
                        "filter",
                        format!("kind must be STATE or REGION, not {value:?}"),
                    ),
                },
                "parent" => f.parent = Some(value.to_ascii_uppercase()),
                _ => v.add(
                    "filter",
                    format!("unknown filter field {field:?} (kind, parent)"),
                ),
            }
        }
        f
    }

    /// Whether a jurisdiction passes.
    pub fn matches(&self, j: &Jurisdiction) -> bool {
        self.kind.is_none_or(|k| k == j.kind)
            && self
                .parent
                .as_ref()
                .is_none_or(|p| j.parent.as_ref() == Some(p))
    }
}

/// Filter of ListInstruments.
#[derive(Debug, Clone)]
pub struct InstrumentFilter {
    party: Option<String>,
    kind: Option<InstrumentKind>,
    treaty_type: Option<TreatyType>,
    status: Option<String>,
    as_of: CalendarDate,
}

/// Status names accepted by the status filter.
pub const STATUSES: &[&str] = &[
    "IN_FORCE",
    "UNCERTAIN",
    "SIGNED_NOT_IN_FORCE",
    "NOT_IN_FORCE",
    "TERMINATED",
];

impl InstrumentFilter {
    /// Parses `party=FR`, `kind=...`, `treaty_type=...`, `status=...`.
    pub fn parse(filter: &str, as_of: CalendarDate, v: &mut Violations) -> Self {
        let mut f = InstrumentFilter {
            party: None,
            kind: None,
            treaty_type: None,
            status: None,
            as_of,
        };
        for (field, value) in terms(filter, v) {
            match field.as_str() {
                "party" => f.party = Some(value.to_ascii_uppercase()),
                "kind" => match InstrumentKind::parse(&value) {
                    Some(k) => f.kind = Some(k),
                    None => v.add("filter", format!("kind must be BILATERAL_TREATY, MULTILATERAL_CONVENTION or ARRANGEMENT, not {value:?}")),
                },
                "treaty_type" => match TreatyType::parse(&value) {
                    Some(t) => f.treaty_type = Some(t),
                    None => v.add("filter", format!("unknown treaty_type {value:?}")),
                },
                "status" => {
                    let s = value.to_ascii_uppercase();
                    if STATUSES.contains(&s.as_str()) {
                        f.status = Some(if s == "NOT_IN_FORCE" { "SIGNED_NOT_IN_FORCE".into() } else { s });
                    } else {
                        v.add("filter", format!("status must be one of {}, not {value:?}", STATUSES.join(", ")));
                    }
                }
                _ => v.add("filter", format!("unknown filter field {field:?} (party, kind, treaty_type, status)")),
            }
        }
        f
    }

    /// Whether an instrument passes.
    pub fn matches(&self, i: &Instrument, home: &str) -> bool {
        self.party.as_ref().is_none_or(|p| i.party(p).is_some())
            && self.kind.is_none_or(|k| k == i.kind)
            && self.treaty_type.is_none_or(|t| Some(t) == i.treaty_type)
            && self
                .status
                .as_ref()
                .is_none_or(|s| instrument_status(i, home, self.as_of).name() == s)
    }
}

/// The status of an instrument for the home state on a date: for a
/// convention, the home state's participation; otherwise the status between
/// all parties.
pub fn instrument_status(i: &Instrument, home: &str, on: CalendarDate) -> Status {
    if i.kind == InstrumentKind::MultilateralConvention
        && let Some(p) = i.party(home)
    {
        return Status::of_party(p, on);
    }
    i.parties
        .iter()
        .map(|p| Status::of_party(p, on))
        .reduce(Status::between)
        .unwrap_or(Status::NotInForce { signed: None })
}

/// Filter of ListChanges.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    actor: Option<String>,
    name: Option<String>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
}

impl ChangeFilter {
    /// Parses `actor=`, `name=` (or `instrument=ID`), `since=`, `until=`
    /// (RFC 3339 UTC times or YYYY-MM-DD dates).
    pub fn parse(filter: &str, v: &mut Violations) -> Self {
        let mut f = ChangeFilter::default();
        for (field, value) in terms(filter, v) {
            match field.as_str() {
                "actor" | "principal" => f.actor = Some(value),
                "name" => f.name = Some(value),
                "instrument" => f.name = Some(format!("instruments/{value}")),
                "since" | "until" => match parse_time_ms(&value) {
                    Some(ms) if field == "since" => f.since_ms = Some(ms),
                    Some(ms) => f.until_ms = Some(ms),
                    None => v.add("filter", format!("{field}: {value:?} is not a time like 2026-01-31T12:00:00Z or a date like 2026-01-31")),
                },
                _ => v.add("filter", format!("unknown filter field {field:?} (actor, name, instrument, since, until)")),
            }
        }
        f
    }

    /// Whether a change passes.
    pub fn matches(&self, c: &ChangeRecord) -> bool {
        self.actor.as_ref().is_none_or(|a| &c.actor == a)
            && self.name.as_ref().is_none_or(|n| &c.name == n)
            && self.since_ms.is_none_or(|s| c.time_ms >= s)
            && self.until_ms.is_none_or(|u| c.time_ms < u)
    }
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fff]Z` into Unix milliseconds.
pub fn parse_time_ms(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z')?)),
        None => (text, None),
    };
    let day = CalendarDate::parse(date)?;
    let mut ms = day.to_days() * 86_400_000;
    if let Some(t) = time {
        let (hms, frac) = t.split_once('.').unwrap_or((t, ""));
        let parts: Vec<i64> = hms
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let [h, m, s] = parts[..] else { return None };
        if h > 23 || m > 59 || s > 60 {
            return None;
        }
        let frac_ms: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<3}")[..3].parse().ok()?
        };
        ms += ((h * 60 + m) * 60 + s) * 1000 + frac_ms;
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_rejected() {
        let (items, token) = take_page(["a", "b", "c"].into_iter(), 2, |s| s.to_string());
        assert_eq!(items, ["a", "b"]);
        let mut v = Violations::default();
        assert_eq!(page(2, &token.unwrap(), &mut v).after.as_deref(), Some("b"));
        assert!(v.is_empty());
        page(2, "zz", &mut v);
        assert_eq!(v.0[0].field, "page_token");
    }

    #[test]
    fn filters_report_unknown_fields() {
        let mut v = Violations::default();
        InstrumentFilter::parse(
            "party=FR AND colour=blue",
            CalendarDate::new(2020, 1, 1).unwrap(),
            &mut v,
        );
        assert_eq!(v.0.len(), 1);
        assert_eq!(parse_time_ms("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_time_ms("1970-01-01T00:00:01.5Z"), Some(1500));
    }
}
