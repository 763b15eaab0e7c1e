//! The coverage tables of the crate README are generated from the bundled
//! data (`judicial_dataset::quality`) and this test fails when they differ,
//! so the README cannot drift from the data.
//!
//! Set `JUDICIAL_REGENERATE=1` to rewrite the tables in README.md instead.

use std::fmt::Write as _;
use std::path::Path;

use judicial_dataset::quality::{
    FOUNDING_COUNTRIES, FOUNDING_FIGURES, closest_to_founding_figures, report,
};
use judicial_dataset::{HOME, bundled};

/// A generated block: the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
struct Block {
    name: &'static str,
    text: String,
}

fn blocks() -> Vec<Block> {
    vec![
        Block {
            name: "bilateral",
            text: bilateral_table(),
        },
        Block {
            name: "conventions",
            text: conventions_table(),
        },
        Block {
            name: "founding",
            text: founding_table(),
        },
    ]
}

fn bilateral_table() -> String {
    let r = report(&bundled().instruments, HOME);
    let mut s = String::from(
        "| type | rows | states | signed | China ratified | entry into force | only `in_force_as_of` | neither | official title | one source | known total |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut sum = [0; 9];
    for t in &r.treaty_types {
        let row = [
            t.rows,
            t.counterparts,
            t.signed,
            t.ratified,
            t.entry_into_force,
            t.in_force_as_of_only,
            t.no_in_force_evidence,
            t.with_title,
            t.single_source,
        ];
        for (total, n) in sum.iter_mut().zip(row) {
            *total += n;
        }
        let cells: Vec<String> = row.iter().map(usize::to_string).collect();
        writeln!(
            s,
            "| {} | {} | {} |",
            t.treaty_type,
            cells.join(" | "),
            t.known_total
        )
        .unwrap();
    }
    sum[1] = r.bilateral_counterparts;
    let cells: Vec<String> = sum.iter().map(|n| format!("**{n}**")).collect();
    writeln!(
        s,
        "| all | {} | {} |",
        cells.join(" | "),
        r.bilateral_known_total
    )
    .unwrap();
    s
}

fn conventions_table() -> String {
    let r = report(&bundled().instruments, HOME);
    let mut s = String::from(
        "| convention | id | parties recorded | with entry into force | known total | completeness |\n\
         |---|---|---|---|---|---|\n",
    );
    for c in &r.conventions {
        let known = if c.known_total.is_empty() {
            "not recorded"
        } else {
            c.known_total
        };
        writeln!(
            s,
            "| {} | `{}` | {} | {} | {} | {} |",
            c.name, c.id, c.parties, c.with_entry_into_force, known, c.completeness
        )
        .unwrap();
    }
    writeln!(s, "\nArrangements recorded: {}.", r.arrangements).unwrap();
    s
}

fn founding_table() -> String {
    let (closest, distance) = closest_to_founding_figures(&bundled().instruments, HOME);
    let mut s = format!(
        "Closest date: **{}** (distance {distance}: the sum of the differences per type and in countries).\n\n\
         | | founding document | concluded by {} |\n|---|---|---|\n",
        closest.on, closest.on
    );
    let mut founding_sum = 0;
    for (t, want) in FOUNDING_FIGURES {
        founding_sum += want;
        let have = closest.by_type.get(t).copied().unwrap_or(0);
        writeln!(s, "| {t} | {want} | {have} |").unwrap();
    }
    writeln!(
        s,
        "| treaties | 66 (the five figures sum to {founding_sum}) | {} |",
        closest.total
    )
    .unwrap();
    writeln!(
        s,
        "| countries | {FOUNDING_COUNTRIES} | {} |",
        closest.counterpart_states
    )
    .unwrap();
    writeln!(
        s,
        "\n{} treaties have no date at all for China and are never counted.",
        closest.undated
    )
    .unwrap();
    s
}

/// Replaces every block of `readme` with its generated text.
fn regenerate(readme: &str) -> String {
    let mut out = readme.to_owned();
    for b in blocks() {
        let begin = format!("<!-- {}:begin -->\n", b.name);
        let end = format!("<!-- {}:end -->", b.name);
        let start = out
            .find(&begin)
            .unwrap_or_else(|| panic!("README.md lacks {begin:?}"))
            + begin.len();
        let stop = start
            + out[start..]
                .find(&end)
                .unwrap_or_else(|| panic!("README.md lacks {end:?}"));
        out.replace_range(start..stop, &b.text);
    }
    out
}

#[test]
fn readme_coverage_tables_match_the_bundled_data() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let fresh = regenerate(&readme);
    if std::env::var_os("JUDICIAL_REGENERATE").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    assert!(
        fresh == readme,
        "crates/dataset/README.md is out of date with data/: \
         run `JUDICIAL_REGENERATE=1 cargo test -p judicial-dataset --test readme`"
    );
}
