//! Requirements live in their own records (`[[requirements]]`, in
//! `data/requirements.toml`, written by `import/requirements.py` from the
//! fact base) and are merged into the instruments they name at load; a
//! problem in a merged requirement is reported at the record it came from.

use std::collections::HashMap;
use std::fmt::Write;

use judicial_domain::{Instrument, PartialDate, Requirement};

use crate::error::Problem;
use crate::export::quote;
use crate::record::ParsedFile;

/// Where each merged requirement came from: (instrument index in the merged
/// dataset, requirement index) → (file index, record index in that file).
#[derive(Debug, Default)]
pub(crate) struct Origins(HashMap<(usize, usize), (usize, usize)>);

/// Appends every file's requirements to the instruments they name, in file
/// and record order; an unknown instrument id is a problem at its record.
pub(crate) fn merge(
    files: &[ParsedFile],
    instruments: &mut [Instrument],
) -> Result<Origins, Vec<Problem>> {
    let index: HashMap<String, usize> = instruments
        .iter()
        .enumerate()
        .map(|(i, inst)| (inst.id.clone(), i))
        .collect();
    let mut origins = Origins::default();
    let mut problems = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for (j, (id, requirement)) in file.requirements.iter().enumerate() {
            match index.get(id) {
                Some(&i) => {
                    let k = instruments[i].requirements.len();
                    instruments[i].requirements.push(requirement.clone());
                    origins.0.insert((i, k), (f, j));
                }
                None => problems.push(file.problem(
                    format!("requirements[{j}].instrument"),
                    format!("unknown instrument {id:?}: no instrument or statute has this id"),
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(origins)
    } else {
        Err(problems)
    }
}

/// Locates a validation path inside a merged requirement
/// (`instruments[140].requirements[3].article`) at the record it came from
/// (`requirements.toml:88: requirements[57].article`); None for other paths.
pub(crate) fn locate(
    files: &[ParsedFile],
    origins: &Origins,
    field: &str,
    message: &str,
) -> Option<Problem> {
    let rest = field.strip_prefix("instruments[")?;
    let (i, rest) = rest.split_once(']')?;
    let rest = rest.strip_prefix(".requirements[")?;
    let (k, tail) = rest.split_once(']')?;
    let key = (i.parse().ok()?, k.parse().ok()?);
    let &(f, j) = origins.0.get(&key)?;
    Some(files[f].problem(format!("requirements[{j}]{tail}"), message.to_owned()))
}

/// Writes every instrument's requirements as `[[requirements]]` records.
pub(crate) fn write_all(out: &mut String, instruments: &[Instrument]) {
    for inst in instruments {
        for r in &inst.requirements {
            write(out, &inst.id, r);
        }
    }
}

fn write(out: &mut String, instrument: &str, r: &Requirement) {
    let key = |out: &mut String, name: &str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "{name} = {}", quote(value));
        }
    };
    let list = |out: &mut String, name: &str, values: Vec<&str>| {
        if !values.is_empty() {
            let items: Vec<String> = values.iter().map(|v| quote(v)).collect();
            let _ = writeln!(out, "{name} = [{}]", items.join(", "));
        }
    };
    let date = |out: &mut String, name: &str, value: Option<PartialDate>| {
        if let Some(d) = value {
            let _ = writeln!(out, "{name} = {}", quote(&d.to_string()));
        }
    };
    out.push_str("\n[[requirements]]\n");
    key(out, "instrument", instrument);
    key(
        out,
        "topic",
        r.topic.map(|t| t.as_str()).unwrap_or_default(),
    );
    key(out, "direction", r.direction.as_str());
    key(out, "party", &r.party);
    list(
        out,
        "matters",
        r.matters.iter().map(|m| m.as_str()).collect(),
    );
    list(
        out,
        "assistances",
        r.assistances.iter().map(|a| a.as_str()).collect(),
    );
    list(
        out,
        "channels",
        r.channels.iter().map(|c| c.as_str()).collect(),
    );
    key(out, "article", &r.article);
    key(out, "text", &r.text);
    date(out, "valid_from", r.valid_from);
    date(out, "valid_until", r.valid_until);
    date(out, "reported", r.reported);
    key(out, "conflict", &r.conflict);
    list(
        out,
        "sources",
        r.sources.iter().map(String::as_str).collect(),
    );
    key(out, "notes", &r.notes);
}
