//! What an empty data directory starts with.

use judicial_domain::{Instrument, Jurisdiction, jurisdiction};

use crate::config::Seed;

/// Jurisdictions, instruments, and a description of where they came from.
pub type SeedContents = (Vec<Jurisdiction>, Vec<Instrument>, String);

/// The jurisdictions and instruments to seed, and a description for the log
/// and the audit trail. The built-in ISO 3166-1 list always comes first.
pub fn contents(
    seed: &Seed,
    home: &str,
) -> Result<SeedContents, Box<dyn std::error::Error + Send + Sync>> {
    let mut jurisdictions = jurisdiction::builtin();
    let (dataset, what) = match seed {
        Seed::None => {
            return Ok((
                jurisdictions,
                Vec::new(),
                "built-in ISO 3166-1 jurisdictions".into(),
            ));
        }
        Seed::Bundled => (
            judicial_dataset::bundled().clone(),
            "built-in ISO 3166-1 jurisdictions and the bundled dataset".to_owned(),
        ),
        Seed::Path(path) => (
            judicial_dataset::load_path(path)?,
            format!("built-in ISO 3166-1 jurisdictions and {}", path.display()),
        ),
    };
    for j in dataset.jurisdictions {
        match jurisdictions.iter_mut().find(|b| b.code == j.code) {
            Some(existing) => *existing = j,
            None => jurisdictions.push(j),
        }
    }
    let known: std::collections::HashMap<String, Jurisdiction> = jurisdictions
        .iter()
        .map(|j| (j.code.clone(), j.clone()))
        .collect();
    judicial_domain::validation::validate_dataset(&[], &dataset.instruments, &known, home)
        .into_result()
        .map_err(|v| format!("seed dataset is invalid for home state {home}: {v}"))?;
    Ok((jurisdictions, dataset.instruments, what))
}
