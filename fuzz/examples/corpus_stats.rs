//! How deep does a corpus get? Runs every file of a corpus directory through
//! the same harness as the `overlay` (default) or `pipeline` target, without
//! libFuzzer, and counts the outcomes: builds that succeeded, and for the
//! others the diagnostic codes they produced.
//!
//! ```sh
//! cargo run --release --example corpus_stats -- overlay corpus/overlay
//! cargo run --release --example corpus_stats -- pipeline corpus/pipeline
//! ```
//!
//! With `VERBOSE=1` it also prints every input's diagnostics.

use jhubgen::diag::Diag;
use jhubgen::project::Project;
use jhubgen::source::Sources;
use std::collections::BTreeMap;
use std::path::PathBuf;

const BASE: &str = include_str!("../../base/platform.toml");

fn project(base: &[u8], overlay: &[u8]) -> Project {
    let mut sources = Sources::new();
    let b = sources.add("base/platform.toml", String::from_utf8_lossy(base));
    let o = sources.add("overlays/lab.toml", String::from_utf8_lossy(overlay));
    Project {
        root: PathBuf::from("."),
        sources,
        base: vec![b],
        overlays: vec![("lab".into(), o)],
        layers: Vec::new(),
        diags: Vec::new(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (target, dir) = match args.as_slice() {
        [t, d] => (t.as_str(), d.as_str()),
        _ => ("overlay", "corpus/overlay"),
    };
    let mut ok = 0usize;
    let mut err = 0usize;
    let mut codes: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in &entries {
        let data = std::fs::read(path).expect("corpus file");
        let p = match target {
            "pipeline" => {
                let (b, o) = match data.iter().position(|&b| b == 0) {
                    Some(i) => (&data[..i], &data[i + 1..]),
                    None => data.split_at(data.len() / 2),
                };
                project(b, o)
            }
            _ => project(BASE.as_bytes(), &data),
        };
        let diags: Vec<Diag> = match jhubgen::build(&p, &[]) {
            Ok(b) => {
                ok += 1;
                b.diags
            }
            Err(d) => {
                err += 1;
                d
            }
        };
        if std::env::var_os("VERBOSE").is_some() {
            println!("== {}", path.display());
            print!(
                "{}",
                jhubgen::diag::human::render(&diags, &p.sources, false)
            );
        }
        let mut seen: Vec<&'static str> = diags.iter().map(|d| d.code).collect();
        seen.sort();
        seen.dedup();
        for c in seen {
            *codes.entry(c).or_default() += 1;
        }
    }
    println!("{} inputs: {ok} built, {err} rejected", entries.len());
    println!("inputs with each diagnostic code:");
    for (c, n) in &codes {
        println!("{n:6}  {c}");
    }
}
