//! Generates one `#[test]` per case of the bad-input corpus
//! (`tests/fixtures/bad/<case>/`), so that a run reports every failing case,
//! and runs them in parallel; `tests/diagnostics.rs` includes the list. No
//! effect on the library or the binary.

use std::fmt::Write as _;

fn main() {
    let dir = std::path::Path::new("tests/fixtures/bad");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut cases: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    cases.sort();
    let mut out = String::new();
    for case in &cases {
        let mut ident = String::new();
        for c in case.chars() {
            let c = if c.is_ascii_alphanumeric() { c } else { '_' };
            if !(c == '_' && ident.ends_with('_')) {
                ident.push(c);
            }
        }
        let _ = writeln!(
            out,
            "#[test]\nfn {ident}() {{\n    bad_case({case:?});\n}}\n"
        );
    }
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("bad_cases.rs");
    std::fs::write(path, out).expect("OUT_DIR is writable");
}
