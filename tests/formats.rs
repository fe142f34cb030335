//! The machine-readable formats of `jhubgen lint`, on a case with errors and
//! warnings in two files: SARIF (checked by Microsoft's SARIF validator),
//! GitHub workflow commands (parsed back) and the GitLab Code Quality report
//! (its required fields).

mod common;

use common::{jhubgen, project_with, repo};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn lint(case: &str, format: &str) -> (tempfile::TempDir, String) {
    let p = project_with(Some(&repo().join("tests/fixtures/bad").join(case)));
    let out = jhubgen(&["lint", "--format", format], p.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (p, String::from_utf8(out.stdout).unwrap())
}

const CASE: &str = "mixed-severities";

fn known_code(code: &str) -> bool {
    jhubgen::diag::codes::describe(code).is_some()
}

#[test]
fn github_annotations_parse_back() {
    let (p, text) = lint(CASE, "github");
    let mut kinds = BTreeSet::new();
    for line in text.lines() {
        let rest = line.strip_prefix("::").expect("a workflow command");
        let (head, message) = rest.split_once("::").expect("`::command props::message`");
        let (kind, props) = head.split_once(' ').expect("command and properties");
        assert!(kind == "error" || kind == "warning", "{line}");
        kinds.insert(kind);
        assert!(!message.contains('\n') && !message.is_empty());
        let props: std::collections::BTreeMap<&str, &str> = props
            .split(',')
            .map(|kv| kv.split_once('=').expect("key=value"))
            .collect();
        let file = props["file"]
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%");
        assert!(p.path().join(&file).is_file(), "{file}");
        for n in ["line", "col", "endLine"] {
            assert!(props[n].parse::<u32>().unwrap() >= 1, "{line}");
        }
        assert!(known_code(props["title"]), "{line}");
    }
    assert_eq!(kinds, BTreeSet::from(["error", "warning"]));
    insta::assert_snapshot!("lint_github", text);
}

#[test]
fn gitlab_code_quality_has_the_required_fields() {
    let (p, text) = lint(CASE, "gitlab");
    let issues: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(issues.len() >= 3);
    let mut fingerprints = BTreeSet::new();
    for i in &issues {
        for field in ["description", "check_name", "fingerprint"] {
            assert!(
                i[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {i}"
            );
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap()),
            "{i}"
        );
        let path = i["location"]["path"].as_str().unwrap();
        assert!(p.path().join(path).is_file(), "{path}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(known_code(i["check_name"].as_str().unwrap()));
        assert!(
            fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()),
            "duplicate fingerprint"
        );
    }
    // fingerprints are stable across runs
    let (_, again) = lint(CASE, "gitlab");
    assert_eq!(text, again);
    insta::assert_snapshot!("lint_gitlab", text);
}

#[test]
fn sarif_passes_microsofts_validator() {
    let (p, text) = lint(CASE, "sarif");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() > jhubgen::lint::RULES.len());
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(p.path().join(uri).is_file(), "{uri}");
    }
    let file = p.path().join("lint.sarif");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new(repo().join("tools/sarif/validate.sh"))
        .arg(&file)
        .output()
        .expect("run tools/sarif/validate.sh");
    assert!(
        out.status.success(),
        "SARIF validator:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
