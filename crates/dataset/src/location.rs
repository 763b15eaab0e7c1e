//! Where things are in a dataset file: line numbers of byte offsets, the
//! enclosing field of a path, and a best guess at the field path of an
//! offset when the TOML parser gives only a position.

/// Byte offsets of line starts, to turn spans into 1-based line numbers.
#[derive(Debug)]
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self(starts)
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

/// Returns the path one level up: `a[1].b` → `a[1]` → `a`; None at the top.
pub(crate) fn parent_path(path: &str) -> Option<&str> {
    if let Some(stripped) = path.strip_suffix(']') {
        return stripped.rfind('[').map(|i| &path[..i]);
    }
    path.rfind('.').map(|i| &path[..i])
}

/// Guesses the field path at a byte offset from the table headers and keys
/// above it, for errors the TOML parser reports with a position only.
pub(crate) fn field_at(text: &str, offset: usize) -> String {
    let mut instrument: Option<usize> = None;
    let mut jurisdiction: Option<usize> = None;
    let mut party: Option<usize> = None;
    let mut in_jurisdictions = false;
    let mut key: Option<String> = None;
    let mut element: Option<usize> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if start > offset {
            break;
        }
        start += line.len();
        let trimmed = line.trim();
        match trimmed {
            "[[instruments]]" => {
                instrument = Some(instrument.map_or(0, |i| i + 1));
                party = None;
                in_jurisdictions = false;
                key = None;
            }
            "[[instruments.parties]]" => {
                party = Some(party.map_or(0, |i| i + 1));
                key = None;
            }
            "[[jurisdictions]]" => {
                jurisdiction = Some(jurisdiction.map_or(0, |i| i + 1));
                in_jurisdictions = true;
                key = None;
            }
            _ if trimmed.starts_with('{') => {
                element = Some(element.map_or(0, |i| i + 1));
            }
            _ => {
                if let Some((name, _)) = trimmed.split_once('=') {
                    let name = name.trim();
                    if !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    {
                        key = Some(name.to_owned());
                        element = None;
                    }
                }
            }
        }
    }
    let mut path = match (in_jurisdictions, jurisdiction, instrument) {
        (true, Some(j), _) => format!("jurisdictions[{j}]"),
        (_, _, Some(i)) => format!("instruments[{i}]"),
        _ => String::new(),
    };
    if let (false, Some(p)) = (in_jurisdictions, party) {
        path.push_str(&format!(".parties[{p}]"));
    }
    if let Some(key) = key {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&key);
        if let Some(e) = element {
            path.push_str(&format!("[{e}]"));
            if let Some(inner) = inline_key_at(text, offset) {
                path.push('.');
                path.push_str(inner);
            }
        }
    }
    path
}

/// The key of an inline table (`{ matter = 3 }`) that an offset points at or into.
fn inline_key_at(text: &str, offset: usize) -> Option<&str> {
    let is_key = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[offset..];
    let at_key = rest.bytes().take_while(|b| is_key(*b)).count();
    if at_key > 0 && rest[at_key..].trim_start().starts_with('=') {
        return Some(&rest[..at_key]);
    }
    let before = text[line_start..offset].rsplit_once('=')?.0.trim_end();
    let start = before
        .bytes()
        .rposition(|b| !is_key(b))
        .map_or(0, |i| i + 1);
    Some(&before[start..]).filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_paths() {
        assert_eq!(
            parent_path("instruments[3].parties[1].signed"),
            Some("instruments[3].parties[1]")
        );
        assert_eq!(
            parent_path("instruments[3].parties[1]"),
            Some("instruments[3].parties")
        );
        assert_eq!(
            parent_path("instruments[3].parties"),
            Some("instruments[3]")
        );
        assert_eq!(parent_path("instruments[3]"), Some("instruments"));
        assert_eq!(parent_path("instruments"), None);
    }

    #[test]
    fn lines_are_one_based() {
        let lines = LineIndex::new("a\nbb\n\nc");
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(5), 3);
        assert_eq!(lines.line(6), 4);
    }

    #[test]
    fn field_guess_follows_headers_and_keys() {
        let text = "[[instruments]]\nid = \"x\"\ncoverage = [\n  { matter = 1 },\n  { matter = 2 },\n]\n\n[[instruments.parties]]\njurisdiction = \"CN\"\nsigned = 1\n";
        let at = |needle: &str| field_at(text, text.find(needle).unwrap());
        assert_eq!(at("id"), "instruments[0].id");
        assert_eq!(at("{ matter = 2"), "instruments[0].coverage[1]");
        assert_eq!(at("matter = 2"), "instruments[0].coverage[1].matter");
        assert_eq!(at("2 }"), "instruments[0].coverage[1].matter");
        assert_eq!(at("signed"), "instruments[0].parties[0].signed");
    }
}
