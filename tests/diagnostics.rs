//! The corpus of bad inputs: `tests/fixtures/bad/<case>/` holds files laid
//! over the reference specs (and a README saying what is wrong); its report —
//! the human rendering and the JSON — is the snapshot `report.snap` beside
//! them. Over the whole corpus: no panic; a case with errors fails `build`
//! and `lint` with exit code 1 and writes nothing; a warning-only case builds
//! and fails only `lint --deny-warnings`. `rule-<area>-<name>[-base]/` cases
//! belong to a lint rule, and every rule has one.

mod common;

use common::{jhubgen, project_with, repo, snapshot_tree};
use jhubgen::diag::{self, Diag};
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let bad = repo().join("tests/fixtures/bad");
    let mut cases: Vec<_> = std::fs::read_dir(&bad)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    cases
}

fn diagnose(root: &Path) -> (Vec<Diag>, jhubgen::source::Sources) {
    let project = jhubgen::project::open(root).expect("the fixture is a project");
    let diags = match jhubgen::build(&project, &[]) {
        Ok(b) => b.diags,
        Err(d) => d,
    };
    (diags, project.sources)
}

/// The rule a `rule-…` case belongs to.
fn rule_of(case: &str) -> Option<&'static jhubgen::lint::Rule> {
    let name = case.strip_prefix("rule-")?;
    // `rule-<code>--<variant>`: another case of the same rule
    let name = name.split("--").next().unwrap_or(name);
    let name = name.strip_suffix("-base").unwrap_or(name);
    jhubgen::lint::RULES
        .iter()
        .copied()
        .find(|r| r.code.replacen('/', "-", 1) == name)
}

#[test]
fn bad_inputs() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus shrank to {}", cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let p = project_with(Some(&case));
        let (diags, sources) = diagnose(p.path());
        assert!(!diags.is_empty(), "{name}: no diagnostic");
        for d in &diags {
            assert!(d.primary.is_some(), "{name}: no location: {d:?}");
            assert!(d.help.is_some(), "{name}: no help: {d:?}");
        }
        let text = format!(
            "{}\n{}",
            diag::human::render(&diags, &sources, false),
            diag::json::render(&diags, &sources)
        );
        insta::with_settings!({
            snapshot_path => case.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => std::fs::read_to_string(case.join("README.md")).unwrap_or_default(),
        }, {
            insta::assert_snapshot!("report", text);
        });

        if let Some(rule) = rule_of(&name) {
            assert!(
                diags.iter().any(|d| d.code == rule.code),
                "{name}: no `{}` diagnostic",
                rule.code
            );
        } else {
            assert!(!name.starts_with("rule-"), "{name} names no known rule");
        }

        let errors = diags.iter().any(Diag::is_error);
        let before = snapshot_tree(p.path());
        let out = jhubgen(&["build"], p.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        if errors {
            assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
            assert_eq!(
                snapshot_tree(p.path()),
                before,
                "{name}: a failed build wrote files"
            );
            assert!(!p.path().join("environments").exists(), "{name}");
        } else {
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name}: warnings must not fail a build: {stderr}"
            );
        }

        let out = jhubgen(&["lint", "--format", "json"], p.path());
        assert_eq!(
            out.status.code(),
            Some(if errors { 1 } else { 0 }),
            "{name}"
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            json["diagnostics"].as_array().unwrap().len(),
            diags.len(),
            "{name}"
        );
        for d in json["diagnostics"].as_array().unwrap() {
            for field in [
                "code", "severity", "message", "file", "line", "column", "help",
            ] {
                assert!(!d[field].is_null(), "{name}: `{field}` missing in {d}");
            }
        }
        let out = jhubgen(&["lint", "--deny-warnings", "--format", "github"], p.path());
        assert_eq!(out.status.code(), Some(1), "{name}: --deny-warnings");
    }
}

#[test]
fn every_rule_has_fixtures_and_docs() {
    let names: Vec<String> = cases()
        .iter()
        .map(|c| c.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut codes = std::collections::BTreeSet::new();
    for rule in jhubgen::lint::RULES {
        assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
        let (area, name) = rule.code.split_once('/').expect("codes are area/name");
        assert!(!area.is_empty() && !name.is_empty());
        let dir = format!("rule-{}", rule.code.replacen('/', "-", 1));
        assert!(
            names.contains(&dir),
            "no fixture folder tests/fixtures/bad/{dir}/ for {}",
            rule.code
        );
        for section in ["## What it does", "## Why is this bad?", "## Fix"] {
            assert!(
                rule.docs.contains(section),
                "{}: docs lack `{section}`",
                rule.code
            );
        }
        assert!(!rule.summary.ends_with('.'), "{}", rule.code);
        let out = jhubgen(&["rule", rule.code], &repo());
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains(rule.docs.trim()));
    }
    assert!(jhubgen::lint::RULES.len() >= 25);
    let out = jhubgen(&["rule", "auth/nobody-alowed"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `auth/nobody-allowed`?"));
}

#[test]
fn reference_environments_lint_clean() {
    let out = jhubgen(&["lint", "--format", "json"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 0);
    // the reference environments are clean: every fixture's report shows only its own case
    assert_eq!(json["summary"]["warnings"], 0, "{json}");
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for rule in jhubgen::lint::RULES {
        assert!(
            readme.contains(&format!(
                "| `{}` | {} | {} |",
                rule.code,
                rule.severity.as_str(),
                rule.summary
            )),
            "README.md's rule table lacks or misstates `{}`",
            rule.code
        );
    }
}

/// Every code the source passes to a `Diag` constructor as a literal is
/// explained by `jhubgen rule CODE` (lint rules are checked above).
#[test]
fn every_emitted_code_is_explained() {
    fn scan(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for ctor in ["Diag::error(", "Diag::warning(", "Diag::new("] {
                    for (at, _) in text.match_indices(ctor) {
                        let rest = text[at + ctor.len()..].trim_start();
                        let Some(lit) = rest.strip_prefix('"') else {
                            continue; // a variable: a rule's code, checked by the registry
                        };
                        let code = &lit[..lit.find('"').unwrap()];
                        out.push((code.to_string(), path.display().to_string()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    scan(&repo().join("src"), &mut found);
    assert!(found.len() >= 20, "the scan found only {found:?}");
    for (code, file) in found {
        assert!(
            jhubgen::diag::codes::describe(&code).is_some(),
            "{file} emits `{code}`, which `jhubgen rule` does not explain (add it to src/diag/codes.rs)"
        );
        let out = jhubgen(&["rule", &code], &repo());
        assert!(out.status.success(), "jhubgen rule {code}");
    }
}
