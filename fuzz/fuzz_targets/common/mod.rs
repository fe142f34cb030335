//! What both fuzz targets share: build an in-memory [`Project`] from raw
//! bytes, compile it, and render every diagnostic in every report format.
//!
//! The property is "no panic, no hang, no abort": any input, however
//! malformed, must come back as diagnostics (or outputs), never a crash.
//! One more check is free: an `internal/...` diagnostic is, by jhubgen's own
//! definition, a jhubgen bug (the spec passed its schema but not its model,
//! or generated values fail the chart's schema without `[values]` being to
//! blame), so the harness panics on one too, and libFuzzer keeps the input.

use jhubgen::diag::{Diag, github, gitlab, human, json, sarif};
use jhubgen::project::Project;
use jhubgen::source::{FileId, Origin, Sources};
use std::hint::black_box;
use std::path::PathBuf;

/// One input file: its name relative to the root and its raw bytes.
pub struct File<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Compiles `base` files plus one overlay for environment `env`.
///
/// Valid UTF-8 goes straight in. Invalid UTF-8 is run twice: once the way
/// `project::open` treats it (lossy text in `Sources`, an `io/not-utf8`
/// diagnostic whose span may fall inside a U+FFFD, the file left out of the
/// build), and once with the lossy text compiled as if it were the file, so
/// that the bytes around the bad sequence still reach the TOML parser.
pub fn run(base: &[File<'_>], env: &str, overlay: File<'_>) {
    let all_utf8 = base
        .iter()
        .chain(std::iter::once(&overlay))
        .all(|f| std::str::from_utf8(f.bytes).is_ok());
    if !all_utf8 {
        compile(&project(base, env, &overlay, true));
    }
    compile(&project(base, env, &overlay, false));
}

/// Mirrors `project::read`: adds the file to `sources`; on invalid UTF-8
/// (and `strict`), records `io/not-utf8` and returns `None`.
fn read(
    sources: &mut Sources,
    diags: &mut Vec<Diag>,
    f: &File<'_>,
    strict: bool,
) -> Option<FileId> {
    match std::str::from_utf8(f.bytes) {
        Ok(text) => Some(sources.add(f.name, text)),
        Err(e) => {
            let text = String::from_utf8_lossy(f.bytes).into_owned();
            let id = sources.add(f.name, text);
            if !strict {
                return Some(id);
            }
            let at = e.valid_up_to();
            diags.push(
                Diag::error("io/not-utf8", format!("`{}` is not UTF-8 text", f.name))
                    .at(Origin::new(id, at..at + 1), "invalid UTF-8 here")
                    .help("TOML files must be UTF-8; re-save the file as UTF-8"),
            );
            None
        }
    }
}

fn project(base: &[File<'_>], env: &str, overlay: &File<'_>, strict: bool) -> Project {
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let base = base
        .iter()
        .filter_map(|f| read(&mut sources, &mut diags, f, strict))
        .collect();
    let overlays = read(&mut sources, &mut diags, overlay, strict)
        .map(|id| vec![(env.to_string(), id)])
        .unwrap_or_default();
    Project {
        root: PathBuf::from("."),
        sources,
        base,
        overlays,
        layers: Vec::new(),
        diags,
    }
}

fn compile(project: &Project) {
    match jhubgen::build(project, &[]) {
        Ok(build) => {
            render(&build.diags, &project.sources);
            for out in &build.outputs {
                black_box(out.path.len());
                black_box(out.contents.len());
            }
            black_box(build.envs.len());
        }
        Err(diags) => {
            assert!(
                diags.iter().any(Diag::is_error),
                "build returned Err without an error diagnostic: {diags:?}"
            );
            render(&diags, &project.sources);
        }
    }
}

fn render(diags: &[Diag], sources: &Sources) {
    if let Some(d) = diags.iter().find(|d| d.code.starts_with("internal/")) {
        panic!(
            "jhubgen reported its own bug, {}:\n{}",
            d.code,
            human::render(std::slice::from_ref(d), sources, false)
        );
    }
    black_box(human::render(diags, sources, false));
    black_box(json::render(diags, sources));
    black_box(sarif::render(diags, sources));
    black_box(github::render(diags, sources));
    black_box(gitlab::render(diags, sources));
}
