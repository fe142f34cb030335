//! A generated corpus of mistakes over every table of the reference specs.
//!
//! For every table (header, array-of-tables element or inline table) of
//! `base/` and `overlays/`, a near miss of its first key is inserted
//! (`host` → `hostt`); for every scalar, a value of the wrong type replaces
//! it. Each mutant is compiled as a whole project, and must give exactly one
//! error: coded, at the line of the change, naming the key — and for the
//! near miss, suggesting the key it misses. Tables whose keys are free
//! (`[values]`, `hub.config`, label maps) are skipped: the schema says which.

mod common;

use jhubgen::diag::{Diag, Severity};
use jhubgen::project::{Project, open};
use jhubgen::source::{FileId, Sources};
use jhubgen::tree::{Entry, Node};
use serde_json::Value;

/// The same project with one file's text changed.
fn with_text(p: &Project, file: FileId, text: &str) -> Project {
    let mut sources = Sources::new();
    for (id, f) in p.sources.iter() {
        sources.add(
            f.name.clone(),
            if id == file {
                text.to_string()
            } else {
                f.text.clone()
            },
        );
    }
    Project {
        root: p.root.clone(),
        sources,
        base: p.base.clone(),
        overlays: p.overlays.clone(),
        layers: p.layers.clone(),
        diags: Vec::new(),
    }
}

fn deref<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        s = root.pointer(r.trim_start_matches('#')).unwrap();
    }
    s
}

/// The schema of a key below `s`, through `$ref`s and `allOf`/`anyOf` wrappers.
fn child<'a>(root: &'a Value, s: &'a Value, key: Option<&str>) -> Option<&'a Value> {
    let s = deref(root, s);
    let found = match key {
        Some(k) => s
            .get("properties")
            .and_then(|p| p.get(k))
            .or_else(|| s.get("additionalProperties").filter(|a| a.is_object())),
        None => s.get("items"),
    };
    if let Some(f) = found {
        return Some(deref(root, f));
    }
    for list in ["allOf", "anyOf", "oneOf"] {
        for b in s.get(list).and_then(Value::as_array).into_iter().flatten() {
            if let Some(f) = child(root, b, key) {
                return Some(f);
            }
        }
    }
    None
}

/// Whether a table of this schema takes only the keys it names.
fn closed(root: &Value, s: &Value) -> bool {
    let s = deref(root, s);
    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
        return true;
    }
    ["allOf", "anyOf", "oneOf"].iter().any(|l| {
        s.get(l)
            .and_then(Value::as_array)
            .is_some_and(|bs| bs.iter().any(|b| closed(root, b)))
    })
}

struct Site {
    /// Where to insert (tables) or what to replace (scalars).
    at: std::ops::Range<usize>,
    with: String,
    /// The key the diagnostic must name, and the one it must suggest.
    key: String,
    suggest: Option<String>,
}

fn sites(root: &Value, schema: &Value, e: &Entry, text: &str, name: &str, out: &mut Vec<Site>) {
    match &e.node {
        Node::Table(t) => {
            let span = e.prov.value.span.clone();
            let written = &text[span.clone()];
            if closed(root, schema) && (written.starts_with('[') || written.starts_with('{')) {
                let first = t.keys().next().cloned();
                let typo = match &first {
                    Some(k) => format!("{k}{}", k.chars().last().unwrap()),
                    None => "zzunknown".to_string(),
                };
                if !t.contains_key(&typo) {
                    let (at, with) = if written.starts_with('{') {
                        let sep = if first.is_some() { "," } else { "" };
                        (span.start + 1..span.start + 1, format!(" {typo} = 1{sep}"))
                    } else {
                        let eol = text[span.end..]
                            .find('\n')
                            .map_or(text.len(), |i| span.end + i);
                        (eol..eol, format!("\n{typo} = 1"))
                    };
                    out.push(Site {
                        at,
                        with,
                        key: typo,
                        suggest: first,
                    });
                }
            }
            for (k, child_entry) in t {
                if let Some(s) = child(root, schema, Some(k)) {
                    sites(root, s, child_entry, text, k, out);
                }
            }
        }
        Node::Array(items) => {
            if let Some(s) = child(root, schema, None) {
                for i in items {
                    sites(root, s, i, text, name, out);
                }
            }
        }
        Node::Scalar(v) => {
            let with = match v {
                Value::String(_) => "1",
                _ => "\"x\"",
            };
            out.push(Site {
                at: e.prov.value.span.clone(),
                with: with.to_string(),
                key: name.to_string(),
                suggest: None,
            });
        }
    }
}

#[test]
fn one_coded_error_at_every_mistake_in_every_table() {
    let project = open(&common::repo()).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("schema/jhubgen.schema.json")).unwrap(),
    )
    .unwrap();
    let files: Vec<FileId> = project
        .base
        .iter()
        .copied()
        .chain(project.overlays.iter().map(|(_, id)| *id))
        .chain(project.layers.iter().map(|(_, id)| *id))
        .collect();
    let (mut tables, mut scalars, mut failures) = (0, 0, Vec::new());
    for file in files {
        let name = project.sources.name(file).to_string();
        let text = project.sources.get(file).text.clone();
        let tree = jhubgen::load::load(&project.sources, file).expect("reference loads");
        let mut all = Vec::new();
        sites(&schema, &schema, &tree, &text, "", &mut all);
        for site in all {
            let mut mutant = text.clone();
            mutant.replace_range(site.at.clone(), &site.with);
            // 0-based line of the change (an inserted line starts with its newline)
            let line = mutant[..site.at.start + site.with.len().min(1)]
                .matches('\n')
                .count();
            if site.suggest.is_some() || site.with.contains('=') {
                tables += 1;
            } else {
                scalars += 1;
            }
            let p = with_text(&project, file, &mutant);
            let errors: Vec<Diag> = match jhubgen::build(&p, &[]) {
                Ok(_) => Vec::new(),
                Err(d) => d
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect(),
            };
            let what = format!(
                "{name}:{}: `{}` → `{}`",
                line + 1,
                &text[site.at.clone()],
                site.with.trim()
            );
            let [e] = errors.as_slice() else {
                failures.push(format!(
                    "{what}: {} errors: {:?}",
                    errors.len(),
                    errors
                        .iter()
                        .map(|d| (d.code, &d.message))
                        .collect::<Vec<_>>()
                ));
                continue;
            };
            let at_line = e.primary.as_ref().map(|l| {
                (
                    p.sources.name(l.origin.file).to_string(),
                    p.sources.line_col(l.origin.file, l.origin.span.start).0,
                )
            });
            let help = e.help.clone().unwrap_or_default();
            let problems = [
                (!e.code.contains('/')).then_some("no code"),
                (at_line != Some((name.clone(), line + 1))).then_some("not at the changed line"),
                (!e.message.contains(&site.key)).then_some("does not name the key"),
                site.suggest
                    .as_ref()
                    .filter(|s| !help.contains(&format!("`{s}`")))
                    .map(|_| "no suggestion"),
                help.is_empty().then_some("no hint"),
            ];
            let problems: Vec<&str> = problems.into_iter().flatten().collect();
            if !problems.is_empty() {
                failures.push(format!(
                    "{what}: {}: {} {} at {:?} (help: {help})",
                    problems.join(", "),
                    e.code,
                    e.message,
                    at_line
                ));
            }
        }
    }
    eprintln!(
        "corpus: {tables} tables with a near-miss key, {scalars} scalars with a wrong type, {} failures",
        failures.len()
    );
    assert!(
        tables > 30 && scalars > 100,
        "{tables} tables, {scalars} scalars"
    );
    assert!(
        failures.is_empty(),
        "{} of {} mutants:\n{}",
        failures.len(),
        tables + scalars,
        failures.join("\n")
    );
}
