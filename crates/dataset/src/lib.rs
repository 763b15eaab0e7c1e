//! The bundled, sourced treaty dataset (TOML) and its loader.
//!
//! The dataset lives in human-editable TOML files under `data/` (one
//! `[[instruments]]` table per treaty, convention or arrangement; see the
//! crate README for the format). [`bundled`] returns those files, embedded at
//! build time, parsed and validated; [`load_path`] and [`parse`] read files of
//! the same format from disk or from memory, and [`to_toml`] writes it.
//!
//! Every problem a file has is reported with its file, line and field path:
//! TOML syntax, unknown fields and values, impossible dates, and every
//! violation that `judicial_domain::validation` finds for the home state
//! [`HOME`] against the built-in ISO 3166-1 jurisdictions.

mod error;
mod export;
mod location;
pub mod quality;
mod record;
mod requirements;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use judicial_domain::jurisdiction::builtin;
use judicial_domain::validation::validate_dataset;
use judicial_domain::{Instrument, Jurisdiction};

pub use error::{LoadError, Problem};
pub use export::to_toml;

use record::ParsedFile;

/// The home state the dataset is written for and validated against.
pub const HOME: &str = "CN";

/// The bundled files, in the order [`load_path`] reads a directory (by name).
const BUNDLED_FILES: &[(&str, &str)] = &[
    (
        "arrangements.toml",
        include_str!("../data/arrangements.toml"),
    ),
    ("bilateral.toml", include_str!("../data/bilateral.toml")),
    ("conventions.toml", include_str!("../data/conventions.toml")),
    ("new-york.toml", include_str!("../data/new-york.toml")),
    (
        "requirements.toml",
        include_str!("../data/requirements.toml"),
    ),
];

/// Jurisdictions and instruments, as read from dataset files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dataset {
    /// Jurisdictions the files declare beyond, or instead of, the built-in
    /// ISO 3166-1 list (`judicial_domain::jurisdiction::builtin`). The bundled
    /// dataset declares none.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Treaties, conventions and arrangements, in file and record order.
    pub instruments: Vec<Instrument>,
}

impl Dataset {
    /// Returns the instrument with this id, if present.
    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }

    /// Returns the built-in jurisdictions with the dataset's own added or
    /// substituted, in code order.
    pub fn all_jurisdictions(&self) -> Vec<Jurisdiction> {
        let mut all: BTreeMap<String, Jurisdiction> =
            builtin().into_iter().map(|j| (j.code.clone(), j)).collect();
        for j in &self.jurisdictions {
            all.insert(j.code.clone(), j.clone());
        }
        all.into_values().collect()
    }
}

/// Returns the bundled dataset, parsed and validated once per process.
///
/// # Panics
///
/// Panics if the embedded files are invalid, which the crate's tests rule out.
pub fn bundled() -> &'static Dataset {
    static BUNDLED: OnceLock<Dataset> = OnceLock::new();
    BUNDLED.get_or_init(|| {
        parse_files(BUNDLED_FILES.iter().map(|(name, text)| (*name, *text)))
            .unwrap_or_else(|e| panic!("the bundled dataset is invalid:\n{e}"))
    })
}

/// Parses and validates one file's text; `file_name` names it in problems.
pub fn parse(file_name: &str, text: &str) -> Result<Dataset, LoadError> {
    parse_files([(file_name, text)])
}

/// Loads a `.toml` file, or every `.toml` file of a directory (in name order)
/// as one dataset, and validates it.
pub fn load_path(path: &Path) -> Result<Dataset, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io(path))? {
            let file = entry.map_err(io(path))?.path();
            if file.extension().is_some_and(|e| e == "toml") && file.is_file() {
                files.push(file);
            }
        }
        if files.is_empty() {
            return Err(LoadError::NoFiles {
                path: path.to_path_buf(),
            });
        }
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut texts = Vec::with_capacity(files.len());
    for file in &files {
        let text = std::fs::read_to_string(file).map_err(io(file))?;
        texts.push((file.display().to_string(), text));
    }
    parse_files(
        texts
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str())),
    )
}

/// Parses several files as one dataset: each file's own problems first, then,
/// if there are none, validation of the whole (so ids are unique across files).
fn parse_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Dataset, LoadError> {
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in files {
        match ParsedFile::parse(name, text) {
            Ok(file) => parsed.push(file),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid { problems });
    }
    let mut dataset = Dataset {
        jurisdictions: parsed
            .iter()
            .flat_map(|f| f.jurisdictions.iter().cloned())
            .collect(),
        instruments: parsed
            .iter()
            .flat_map(|f| f.instruments.iter().cloned())
            .collect(),
    };
    let origins = requirements::merge(&parsed, &mut dataset.instruments)
        .map_err(|problems| LoadError::Invalid { problems })?;
    let violations = validate_dataset(
        &dataset.jurisdictions,
        &dataset.instruments,
        known_jurisdictions(),
        HOME,
    );
    if violations.is_empty() {
        return Ok(dataset);
    }
    let problems = violations
        .0
        .into_iter()
        .map(|v| {
            requirements::locate(&parsed, &origins, &v.field, &v.description)
                .unwrap_or_else(|| locate(&parsed, v.field, v.description))
        })
        .collect();
    Err(LoadError::Invalid { problems })
}

/// The built-in jurisdictions by code, built once.
fn known_jurisdictions() -> &'static HashMap<String, Jurisdiction> {
    static KNOWN: OnceLock<HashMap<String, Jurisdiction>> = OnceLock::new();
    KNOWN.get_or_init(|| builtin().into_iter().map(|j| (j.code.clone(), j)).collect())
}

/// Turns a validation path over the merged dataset (`instruments[140].id`)
/// into a problem in the file that holds the record, with the file's own index.
fn locate(files: &[ParsedFile], field: String, message: String) -> Problem {
    let record = ["instruments", "jurisdictions"]
        .into_iter()
        .find_map(|list| {
            let rest = field.strip_prefix(list)?.strip_prefix('[')?;
            let (index, tail) = rest.split_once(']')?;
            Some((list, index.parse::<usize>().ok()?, tail.to_owned()))
        });
    if let Some((list, mut index, tail)) = record {
        for file in files {
            let len = if list == "instruments" {
                file.instruments.len()
            } else {
                file.jurisdictions.len()
            };
            if index < len {
                return file.problem(format!("{list}[{index}]{tail}"), message);
            }
            index -= len;
        }
    }
    let file = files.first().map(|f| f.name.clone()).unwrap_or_default();
    Problem {
        file,
        line: None,
        field,
        message,
    }
}
