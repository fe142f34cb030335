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

/// Standard output of every command in every machine format is exactly one
/// document (or, for `github`, nothing but workflow commands): on a clean
/// project, with warnings, and with drift for `build --check` — whose drift
/// is then a diagnostic per file, not a unified diff after the document.
#[test]
fn every_command_prints_one_document_per_machine_format() {
    let p = project_with(Some(
        &repo().join("tests/fixtures/bad/rule-auth-azuread-group-ids"),
    ));
    assert!(jhubgen(&["build"], p.path()).status.success());
    // drift: a stale file, a missing one, an orphan
    let values = p.path().join("environments/lab/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    let stale_line = text
        .lines()
        .position(|l| l.contains("timeout: 3600"))
        .unwrap()
        + 1;
    std::fs::write(&values, text.replace("timeout: 3600", "timeout: 60")).unwrap();
    std::fs::remove_file(p.path().join("environments/aiv/ingress.yaml")).unwrap();
    std::fs::create_dir_all(p.path().join("environments/old")).unwrap();
    std::fs::write(
        p.path().join("environments/old/values.yaml"),
        "# Generated by jhubgen from base/platform.toml + overlays/old.toml. Do not edit.\nhub: {}\n",
    )
    .unwrap();
    for command in [&["lint"][..], &["build", "--check"]] {
        for format in ["json", "sarif", "gitlab", "github"] {
            let mut args = command.to_vec();
            args.extend(["--format", format]);
            let out = jhubgen(&args, p.path());
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let codes: Vec<String> = match format {
                "github" => stdout
                    .lines()
                    .map(|l| {
                        assert!(
                            l.starts_with("::warning ") || l.starts_with("::error "),
                            "{args:?}: {l}"
                        );
                        l.split("title=")
                            .nth(1)
                            .unwrap()
                            .split("::")
                            .next()
                            .unwrap()
                            .to_string()
                    })
                    .collect(),
                _ => {
                    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
                        panic!("{args:?}: not one JSON document ({e}):\n{stdout}")
                    });
                    let items = match format {
                        "json" => doc["diagnostics"].clone(),
                        "sarif" => doc["runs"][0]["results"].clone(),
                        _ => doc.clone(),
                    };
                    items
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| {
                            d.get("code")
                                .or_else(|| d.get("ruleId"))
                                .or_else(|| d.get("check_name"))
                                .and_then(Value::as_str)
                                .unwrap()
                                .to_string()
                        })
                        .collect()
                }
            };
            assert!(
                codes.iter().any(|c| c == "auth/azuread-group-ids"),
                "{args:?}: {codes:?}"
            );
            if command.len() == 2 {
                assert_eq!(out.status.code(), Some(1), "{args:?}");
                for code in ["drift/stale", "drift/missing", "drift/orphaned"] {
                    assert!(
                        codes.iter().any(|c| c == code),
                        "{args:?}: no {code} in {codes:?}"
                    );
                }
                assert!(
                    !stdout.contains("+++ "),
                    "{args:?}: a diff on standard output"
                );
            }
        }
    }
    // the stale file is reported at its first line that differs
    let out = jhubgen(&["build", "--check", "--format", "json"], p.path());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stale = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "drift/stale")
        .unwrap();
    assert_eq!(stale["file"], "environments/lab/values.yaml");
    assert_eq!(stale["line"], stale_line);
}

/// `[[lint.allow]]` accepts a warning, with its reason: not reported (so
/// `--deny-warnings` passes), counted in the summary, and listed in SARIF as
/// a suppressed result with the justification. Only the key it names.
#[test]
fn allowed_warnings_are_suppressed_with_their_reason() {
    let p = project_with(Some(
        &repo().join("tests/fixtures/bad/rule-auth-azuread-group-ids"),
    ));
    let aiv = p.path().join("overlays/aiv.toml");
    let mut text = std::fs::read_to_string(&aiv).unwrap();
    text.push_str(
        "\n[[lint.allow]]\ncode = \"auth/azuread-group-ids\"\nkey = \"auth.azuread.allowed_groups\"\nreason = \"IT gives display names until the app roles exist\"\n",
    );
    std::fs::write(&aiv, &text).unwrap();
    let out = jhubgen(&["lint", "aiv", "--format", "json"], p.path());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    // the admin_groups warning is not on the allowed key: still reported
    assert_eq!(keys, ["auth.azuread.admin_groups[1]"], "{doc}");
    // this allow, and the reference's own (monitoring/exporter-prerequisite, twice)
    assert_eq!(doc["summary"]["suppressed"], 3, "{doc}");
    let sarif: Value =
        serde_json::from_slice(&jhubgen(&["lint", "aiv", "--format", "sarif"], p.path()).stdout)
            .unwrap();
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .filter(|r| r["ruleId"] == "auth/azuread-group-ids")
        .collect();
    assert_eq!(suppressed.len(), 1, "{sarif}");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "IT gives display names until the app roles exist"
    );
    // allowing the second key too: nothing left to report
    text.push_str("\n[[lint.allow]]\ncode = \"auth/azuread-group-ids\"\nkey = \"auth.azuread.admin_groups\"\nreason = \"same\"\n");
    std::fs::write(&aiv, &text).unwrap();
    let out = jhubgen(&["lint", "aiv", "--deny-warnings"], p.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("4 warning(s) allowed by [[lint.allow]]")
    );
}

/// A literal secret is never printed: not in the quoted source line of the
/// human report, not in any machine format, not by `build` or `build
/// --check` — even when the schema rejects the table that holds it.
#[test]
fn secrets_are_masked_in_every_format() {
    const TOKEN: &str = "ghp_0123456789abcdefABCDEF0123456789abcd";
    let p = project_with(Some(
        &repo().join("tests/fixtures/bad/secrets-under-schema-error"),
    ));
    for args in [
        &["lint"][..],
        &["lint", "--format", "json"],
        &["lint", "--format", "sarif"],
        &["lint", "--format", "github"],
        &["lint", "--format", "gitlab"],
        &["build"],
        &["build", "--check"],
        &["explain", "lab"],
        &["diff", "lab", "aiv"],
    ] {
        let out = jhubgen(args, p.path());
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains(&TOKEN[18..30]),
            "{args:?} printed the secret:\n{text}"
        );
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        if args[0] == "lint" && args.len() == 1 {
            assert!(
                text.contains("secrets/literal") && text.contains("ghp_****"),
                "{text}"
            );
        }
    }
}

/// A project in `infra/jhub` of a repository, linted from a folder below it
/// without `--root`: the project is found by searching upward, and every
/// forge format names files from the repository's root.
#[test]
fn paths_are_relative_to_the_repository_from_anywhere_inside_it() {
    let case = project_with(Some(&repo().join("tests/fixtures/bad").join(CASE)));
    let top = tempfile::tempdir().unwrap();
    std::fs::create_dir(top.path().join(".git")).unwrap();
    let project = top.path().join("infra/jhub");
    std::fs::create_dir_all(&project).unwrap();
    common::copy_tree(case.path(), &project);
    let below = project.join("overlays");
    for (format, needle) in [
        ("github", "file=infra/jhub/overlays/"),
        ("gitlab", "\"path\": \"infra/jhub/overlays/"),
        ("sarif", "\"uri\": \"infra/jhub/overlays/"),
    ] {
        let out = jhubgen(&["lint", "--format", format], &below);
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert!(text.contains(needle), "{format}: no `{needle}` in\n{text}");
        assert!(!text.contains("file=overlays/"), "{format}: {text}");
    }
    let out = jhubgen(&["lint", "--format", "sarif"], &below);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let base = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let top_uri = format!("file://{}/", top.path().canonicalize().unwrap().display());
    assert_eq!(base, top_uri);
    // the human report keeps paths relative to the project, as before
    let out = jhubgen(&["lint"], &below);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("╭─[overlays/"), "{err}");
    // outside any project, the error names the folder
    let empty = tempfile::tempdir().unwrap();
    let out = jhubgen(&["lint"], empty.path());
    assert_eq!(out.status.code(), Some(2));
}
