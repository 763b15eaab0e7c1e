//! What can go wrong loading a dataset, located by file, line and field.

use std::fmt;
use std::path::PathBuf;

/// One problem in a dataset file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the caller named it (`bilateral.toml`, `data/extra.toml`).
    pub file: String,
    /// The 1-based line the problem was found on, when known.
    pub line: Option<usize>,
    /// Path to the field (`instruments[3].parties[1].entry_into_force`); empty
    /// when the problem is not in a field (a syntax error between records).
    pub field: String,
    /// What is wrong, lower case, naming the thing.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A directory holds no `.toml` file.
    #[error("{}: no .toml files in the directory", path.display())]
    NoFiles {
        /// The directory.
        path: PathBuf,
    },
    /// The files were read but are not a valid dataset; every problem found,
    /// in file and record order.
    #[error("{}", ProblemLines(problems))]
    Invalid {
        /// The problems, at least one.
        problems: Vec<Problem>,
    },
}

impl LoadError {
    /// Returns the located problems (empty for I/O errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid { problems } => problems,
            LoadError::Io { .. } | LoadError::NoFiles { .. } => &[],
        }
    }
}

/// Displays problems one per line.
struct ProblemLines<'a>(&'a [Problem]);

impl fmt::Display for ProblemLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}
