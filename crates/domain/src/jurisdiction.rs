//! States and regions, and the built-in ISO 3166-1 list.

use serde::{Deserialize, Serialize};

/// Whether a jurisdiction is a state or a region of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JurisdictionKind {
    /// A sovereign state.
    State,
    /// A region with its own legal system, under a parent state.
    Region,
}

/// A state or region that can be a party to an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jurisdiction {
    /// ISO 3166-1 alpha-2 code, upper case.
    pub code: String,
    /// Human-readable name.
    pub display_name: String,
    /// State or region.
    pub kind: JurisdictionKind,
    /// The parent state of a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Registry revision that last changed it (0 before it is stored).
    #[serde(default)]
    pub revision: u64,
}

impl Jurisdiction {
    /// The resource name, `jurisdictions/{code}`.
    pub fn resource_name(&self) -> String {
        format!("jurisdictions/{}", self.code)
    }

    /// Returns whether this jurisdiction is a region of `state`.
    pub fn is_region_of(&self, state: &str) -> bool {
        self.kind == JurisdictionKind::Region && self.parent.as_deref() == Some(state)
    }
}

/// ISO 3166-1 codes that the registry treats as regions of a parent state.
const REGIONS: &[(&str, &str)] = &[("HK", "CN"), ("MO", "CN"), ("TW", "CN")];

const ISO_3166: &str = include_str!("iso3166.tsv");

/// Returns the built-in jurisdictions: every ISO 3166-1 alpha-2 code, with
/// Hong Kong, Macao and Taiwan as regions of China (as ISO 3166-1 names Taiwan
/// "Province of China"), in code order.
pub fn builtin() -> Vec<Jurisdiction> {
    ISO_3166
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (code, name) = line.split_once('\t').expect("iso3166.tsv: code<TAB>name");
            let parent = REGIONS
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, p)| p.to_string());
            Jurisdiction {
                code: code.to_owned(),
                display_name: if code == "TW" {
                    "Taiwan, Province of China".to_owned()
                } else {
                    name.to_owned()
                },
                kind: if parent.is_some() {
                    JurisdictionKind::Region
                } else {
                    JurisdictionKind::State
                },
                parent,
                revision: 0,
            }
        })
        .collect()
}

/// Returns whether a string has the shape of an alpha-2 code (two ASCII upper-case letters).
pub fn is_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_is_complete_and_sorted() {
        let all = builtin();
        assert_eq!(all.len(), 249);
        assert!(all.windows(2).all(|w| w[0].code < w[1].code));
        assert!(all.iter().all(|j| is_code(&j.code)));
        let hk = all.iter().find(|j| j.code == "HK").unwrap();
        assert!(hk.is_region_of("CN"));
        let fr = all.iter().find(|j| j.code == "FR").unwrap();
        assert_eq!(fr.kind, JurisdictionKind::State);
    }
}
