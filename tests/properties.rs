//! Property tests (proptest): random edits of the reference specs — lines
//! dropped, duplicated or moved, values swapped for others of any type, keys
//! and tables of the spec added — either build, or come back as diagnostics
//! that each carry a registered code, a location and a help; never a panic,
//! never an `internal/…` code. What builds, builds byte-identically twice.

mod common;

use jhubgen::diag::{self, Diag};
use proptest::prelude::*;

/// The files an edit may land in: the base and a three-deep chain.
const FILES: &[&str] = &[
    "base/platform.toml",
    "overlays/lab.toml",
    "overlays/aiv.toml",
    "overlays/aiv-staging.toml",
];

/// Values of every type a spec holds, and some it must refuse.
const VALUES: &[&str] = &[
    "\"\"",
    "\"latest\"",
    "\"x\"",
    "\"16G\"",
    "\"0.5\"",
    "\"aiv\"",
    "\"lab\"",
    "\"main\"",
    "\"${{ github.token }}\"",
    "\"a\\nb\"",
    "0",
    "-1",
    "1",
    "2",
    "30",
    "3600",
    "1e9",
    "9223372036854775807",
    "0.5",
    "true",
    "false",
    "[]",
    "[\"x\"]",
    "{}",
    "{ secret = \"s\" }",
    "1979-05-27",
    "inf",
    "nan",
];

/// Lines of the spec's own vocabulary, including the layering keys.
const LINES: &[&str] = &[
    "extends = \"aiv\"",
    "extends = \"lab\"",
    "extends = \"aiv-staging\"",
    "extends = \"nope\"",
    "delete = [\"profiles[gpu-large]\"]",
    "delete = [\"auth.github\"]",
    "delete = [\"culling\"]",
    "[culling]",
    "timeout = 30",
    "[[profiles]]",
    "slug = \"gpu-large\"",
    "gpus = 8",
    "[cluster]",
    "gpu = { per_node = 1 }",
    "pod_security = \"restricted\"",
    "[values.singleuser.image]",
    "tag = \"latest\"",
    "[tls]",
    "mode = \"secret\"",
    "[ci]",
    "provider = \"github\"",
    "provider = \"gitlab\"",
    "location = \"environment\"",
    "[auth]",
    "allow_all = true",
    "[monitoring]",
    "service_monitor = false",
    "[environment]",
    "purpose = \"production\"",
];

#[derive(Debug, Clone)]
enum Edit {
    Drop(usize),
    Duplicate(usize),
    Move(usize, usize),
    Value(usize, usize),
    Insert(usize, usize),
}

fn edit() -> impl Strategy<Value = (usize, Edit)> {
    let e = prop_oneof![
        any::<usize>().prop_map(Edit::Drop),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Move(a, b)),
        (any::<usize>(), 0..VALUES.len()).prop_map(|(a, v)| Edit::Value(a, v)),
        (any::<usize>(), 0..LINES.len()).prop_map(|(a, l)| Edit::Insert(a, l)),
    ];
    (0..FILES.len(), e)
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match *edit {
        Edit::Drop(i) => {
            lines.remove(i % n);
        }
        Edit::Duplicate(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::Move(a, b) => {
            let l = lines.remove(a % n);
            lines.insert(b % n, l);
        }
        Edit::Value(i, v) => {
            // the value of the first `key = value` line from i on
            if let Some(j) = (0..n)
                .map(|k| (i + k) % n)
                .find(|&j| lines[j].contains(" = "))
            {
                let key = lines[j].split(" = ").next().unwrap_or_default().to_string();
                lines[j] = format!("{key} = {}", VALUES[v]);
            }
        }
        Edit::Insert(i, l) => lines.insert(i % (n + 1), LINES[l].to_string()),
    }
    lines.join("\n") + "\n"
}

fn registered(code: &str) -> bool {
    jhubgen::lint::RULES.iter().any(|r| r.code == code)
        || jhubgen::diag::codes::BUILTIN
            .iter()
            .any(|(c, _, _)| *c == code)
}

fn check(diags: &[Diag], sources: &jhubgen::source::Sources) -> Result<(), TestCaseError> {
    for d in diags {
        prop_assert!(registered(d.code), "unregistered code {}: {d:?}", d.code);
        prop_assert!(!d.code.starts_with("internal/"), "a jhubgen bug: {d:?}");
        prop_assert!(d.primary.is_some(), "no location: {d:?}");
        prop_assert!(d.help.is_some(), "no help: {d:?}");
    }
    // every report renders
    let _ = diag::human::render(diags, sources, false);
    let json: serde_json::Value = serde_json::from_str(&diag::json::render(diags, sources))
        .map_err(|e| TestCaseError::fail(format!("JSON report: {e}")))?;
    // what [[lint.allow]] accepts is counted, not listed
    prop_assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(diag::reported(diags).count())
    );
    let _ = diag::sarif::render(diags, sources);
    let _ = diag::github::render(diags, sources);
    let _ = diag::gitlab::render(diags, sources);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_build_or_diagnose(edits in proptest::collection::vec(edit(), 1..5)) {
        let p = common::project_with(None);
        for (file, e) in &edits {
            let path = p.path().join(FILES[*file]);
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, apply(&text, e)).unwrap();
        }
        let project = jhubgen::project::open(p.path()).unwrap();
        match jhubgen::build(&project, &[]) {
            Ok(b) => {
                check(&b.diags, &project.sources)?;
                let again = jhubgen::build(&jhubgen::project::open(p.path()).unwrap(), &[])
                    .expect("the same inputs build again");
                prop_assert_eq!(&b.outputs, &again.outputs);
            }
            Err(diags) => {
                prop_assert!(diags.iter().any(Diag::is_error));
                check(&diags, &project.sources)?;
            }
        }
    }
}
