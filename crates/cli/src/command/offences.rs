//! `judicial offences`: the offence vocabulary, offline.

use judicial_domain::offence::OFFENCES;

/// Prints every offence word, its aliases and what it covers.
pub fn run(json: bool) {
    if json {
        let list: Vec<serde_json::Value> = OFFENCES
            .iter()
            .map(|o| {
                serde_json::json!({
                    "word": o.word,
                    "aliases": o.aliases,
                    "description": o.description,
                })
            })
            .collect();
        crate::output::json(&serde_json::Value::Array(list));
        return;
    }
    for o in OFFENCES {
        let aliases = if o.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also: {})", o.aliases.join(", "))
        };
        crate::outln!("{}{aliases}\n    {}", o.word, o.description);
    }
}
