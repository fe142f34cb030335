//! Generates one `#[test]` per case of the bad-input corpus
//! (`tests/fixtures/bad/<case>/`, for `tests/diagnostics.rs`) and of the
//! import corpus (`tests/fixtures/import/<case>/`, for `tests/import.rs`),
//! so that a run reports every failing case, and runs them in parallel. No
//! effect on the library or the binary.

use std::fmt::Write as _;

fn generate(dir: &str, function: &str, file: &str) {
    let dir = std::path::Path::new(dir);
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
        if ident.starts_with(|c: char| c.is_ascii_digit()) {
            ident.insert(0, '_');
        }
        let _ = writeln!(
            out,
            "#[test]\nfn {ident}() {{\n    {function}({case:?});\n}}\n"
        );
    }
    let path =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(file);
    std::fs::write(path, out).expect("OUT_DIR is writable");
}

fn main() {
    generate("tests/fixtures/bad", "bad_case", "bad_cases.rs");
    generate("tests/fixtures/import", "import_case", "import_cases.rs");
}
