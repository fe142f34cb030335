//! Third-party validators on every generated file (tools/validators/):
//! the chart's values schema, a traitlets check of `hub.config` and the
//! profiles against JupyterHub/OAuthenticator/KubeSpawner, kubernetes-validate
//! on the Ingress, check-jsonschema (and a strict pass) on the ServiceMonitor.
//! A validator that cannot run fails the test: there is no skip.

mod common;

use common::{jhubgen, project_with, repo};
use std::process::Command;

fn setup() {
    common::validators_setup();
}

fn run_validators(dirs: &[std::path::PathBuf]) -> String {
    common::run_validator("run.py", dirs)
}

fn run_ci_validators(dirs: &[std::path::PathBuf]) -> String {
    common::run_validator("ci_check.py", dirs)
}

fn assert_all_checks_ran(text: &str, envs: &[&str]) {
    for env in envs {
        for (check, file) in [
            ("namespace", "namespace.yaml"),
            ("chart-schema", "values.yaml"),
            ("hub-config", "values.yaml"),
            ("ingress", "ingress.yaml"),
            ("servicemonitor", "servicemonitor.yaml"),
            ("servicemonitor-strict", "servicemonitor.yaml"),
        ] {
            let ok = text.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() >= 3
                    && f[0] == "ok"
                    && f[1] == check
                    && f[2].ends_with(&format!("{env}/{file}"))
            });
            assert!(ok, "no `ok {check}` line for {env}/{file}:\n{text}");
        }
    }
}

/// Every check that applies to the files in `dirs` reported `ok` for it.
fn assert_checks_ran_on(text: &str, dirs: &[std::path::PathBuf]) {
    for dir in dirs {
        let mut ran = 0;
        for (check, file) in [
            ("namespace", "namespace.yaml"),
            ("chart-schema", "values.yaml"),
            ("hub-config", "values.yaml"),
            ("ingress", "ingress.yaml"),
            ("servicemonitor", "servicemonitor.yaml"),
            ("servicemonitor-strict", "servicemonitor.yaml"),
        ] {
            let path = dir.join(file);
            if !path.exists() {
                continue;
            }
            let path = path.display().to_string();
            let ok = text.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() >= 3 && f[0] == "ok" && f[1] == check && f[2] == path
            });
            assert!(ok, "no `ok {check}` line for {path}:\n{text}");
            ran += 1;
        }
        assert!(
            ran >= 4,
            "{}: only {ran} checks ran:\n{text}",
            dir.display()
        );
    }
}

/// Every CI check reported `ok` for the pipeline in each of `dirs`.
fn assert_ci_checks_ran_on(text: &str, dirs: &[std::path::PathBuf]) {
    for dir in dirs {
        let gitlab = dir.join(".gitlab-ci.yml");
        let (file, checks): (std::path::PathBuf, &[&str]) = if gitlab.is_file() {
            (gitlab, &["yamllint", "ci-schema"])
        } else {
            let wf = std::fs::read_dir(dir.join(".github/workflows"))
                .unwrap()
                .flatten()
                .next()
                .unwrap()
                .path();
            (
                wf,
                &[
                    "yamllint",
                    "ci-schema",
                    "actionlint",
                    "shellcheck",
                    "zizmor",
                    "gh-permissions",
                    "gh-pinned-uses",
                ],
            )
        };
        let file = file.display().to_string();
        for check in checks {
            let ok = text.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() >= 3 && f[0] == "ok" && f[1] == *check && f[2] == file
            });
            assert!(ok, "no `ok {check}` line for {file}:\n{text}");
        }
    }
}

#[test]
fn fresh_builds_pass_every_validator() {
    let p = project_with(None);
    let out = jhubgen(&["build"], p.path());
    assert!(out.status.success());
    let dirs = ["lab", "aiv", "aiv-staging"].map(|e| p.path().join("environments").join(e));
    let text = run_validators(&dirs);
    assert_all_checks_ran(&text, &["lab", "aiv", "aiv-staging"]);
}

#[test]
fn committed_environments_pass_every_validator() {
    let dirs = ["lab", "aiv", "aiv-staging"].map(|e| repo().join("environments").join(e));
    let text = run_validators(&dirs);
    assert_all_checks_ran(&text, &["lab", "aiv", "aiv-staging"]);
}

#[test]
fn ci_pipelines_pass_actionlint_zizmor_and_the_schemas() {
    let (_scratch, dirs) = common::ci_dirs(&repo());
    let text = run_ci_validators(&dirs);
    for (check, file) in [
        (
            "actionlint",
            "github-0/.github/workflows/jupyterhub-lab.yml",
        ),
        ("zizmor", "github-0/.github/workflows/jupyterhub-lab.yml"),
        ("schema", "github-0/.github/workflows/jupyterhub-lab.yml"),
        ("yamllint", "github-0/.github/workflows/jupyterhub-lab.yml"),
        ("schema", "gitlab/.gitlab-ci.yml"),
        ("yamllint", "gitlab/.gitlab-ci.yml"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("ok") && l.contains(check) && l.ends_with(file)),
            "no `ok {check}` line for {file}:\n{text}"
        );
    }
}

#[test]
fn every_ci_validator_can_fail() {
    setup();
    let out = Command::new(repo().join("tools/validators/ci_selftest.sh"))
        .current_dir(repo())
        .output()
        .expect("run the CI validators' self-test");
    assert!(
        out.status.success(),
        "CI validator self-test failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_validator_can_fail() {
    setup();
    let out = Command::new(repo().join("tools/validators/selftest.sh"))
        .current_dir(repo())
        .output()
        .expect("run the validators' self-test");
    assert!(
        out.status.success(),
        "validator self-test failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `tests/fixtures/good/<case>/`: variants laid over the reference specs that
/// exercise what the reference leaves out. Each must build cleanly; its
/// outputs are snapshotted beside it and pass every validator.
#[test]
fn good_variants_build_and_pass_every_validator() {
    let good = repo().join("tests/fixtures/good");
    let mut cases: Vec<_> = std::fs::read_dir(&good)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut projects = Vec::new();
    let mut dirs = Vec::new();
    let mut ci_dirs = Vec::new();
    for case in cases {
        let p = project_with(Some(&case));
        let project = jhubgen::project::open(p.path()).unwrap();
        let build = jhubgen::build(&project, &[]).unwrap_or_else(|d| {
            panic!(
                "{}:\n{}",
                case.display(),
                jhubgen::diag::human::render(&d, &project.sources, false)
            )
        });
        // snapshot what the case changes: its environments' files (all of them if it
        // changes the base), and files written outside `environments/`
        let patch = std::fs::read_to_string(case.join("patch.toml")).unwrap_or_default();
        let changes_base = case.join("base").exists() || patch.contains("\"base/");
        let changed = |path: &str| {
            changes_base
                || !path.starts_with("environments/")
                || build.envs.iter().any(|r| {
                    path.starts_with(&format!("environments/{}/", r.env))
                        && (case.join(format!("overlays/{}.toml", r.env)).exists()
                            || patch.contains(&format!("\"overlays/{}.toml\"", r.env)))
                })
        };
        let mut all = String::new();
        for o in build.outputs.iter().filter(|o| changed(&o.path)) {
            all.push_str(&format!("==> {} <==\n{}\n", o.path, o.contents));
        }
        insta::with_settings!({
            snapshot_path => case.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => std::fs::read_to_string(case.join("README.md")).unwrap_or_default(),
        }, {
            insta::assert_snapshot!("outputs", all);
        });
        assert!(jhubgen(&["build"], p.path()).status.success());
        for r in &build.envs {
            dirs.push(p.path().join("environments").join(&r.env));
        }
        let (scratch, ci) = common::ci_dirs(p.path());
        ci_dirs.extend(ci);
        projects.push((p, scratch));
    }
    let text = run_validators(&dirs);
    assert_checks_ran_on(&text, &dirs);
    let text = run_ci_validators(&ci_dirs);
    assert_ci_checks_ran_on(&text, &ci_dirs);
}

/// The committed schema is what editors use through each file's `#:schema`
/// directive: every reference file must carry it and pass it (check-jsonschema
/// reads TOML), and a misspelt key must fail it.
#[test]
fn spec_files_pass_their_editor_schema() {
    setup();
    let mut files = Vec::new();
    for dir in ["base", "overlays"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(
                text.starts_with("#:schema ../schema/jhubgen.schema.json\n"),
                "{} lacks the #:schema directive",
                e.path().display()
            );
            files.push(e.path());
        }
    }
    let tool = repo().join("target/validators-venv/bin/check-jsonschema");
    let schema = repo().join("schema/jhubgen.schema.json");
    let out = Command::new(&tool)
        .arg("--schemafile")
        .arg(&schema)
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[culling]\ntimout = 60\n").unwrap();
    let out = Command::new(&tool)
        .arg("--schemafile")
        .arg(&schema)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the schema accepted an unknown key");
}

/// What `jhubgen import` writes, once built, passes the same validators: the
/// chart's schema, the traitlets check of `hub.config` (lifted and kept keys
/// must be real traits), kubernetes-validate, the ServiceMonitor schema, and
/// actionlint, zizmor and the schemas on the pipelines.
#[test]
fn imported_projects_pass_every_validator() {
    let corpus = repo().join("tests/fixtures/import");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut kept = Vec::new();
    let mut dirs = Vec::new();
    let mut ci_dirs = Vec::new();
    for case in cases {
        let work = tempfile::tempdir().unwrap();
        common::copy_tree(&case, work.path());
        let args = common::import_args(&case);
        let all: Vec<&str> = args.iter().map(String::as_str).collect();
        if !jhubgen(&all, work.path()).status.success() {
            continue; // a refused case (tests/import.rs asserts which)
        }
        let root = work.path().join("out");
        let out = jhubgen(&["build"], &root);
        assert!(
            out.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut envs: Vec<_> = std::fs::read_dir(root.join("environments"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        envs.sort();
        dirs.extend(envs);
        let (scratch, ci) = common::ci_dirs(&root);
        ci_dirs.extend(ci);
        kept.push((work, scratch));
    }
    assert!(
        dirs.len() >= 12,
        "only {} imported environments",
        dirs.len()
    );
    let text = run_validators(&dirs);
    assert_checks_ran_on(&text, &dirs);
    let text = run_ci_validators(&ci_dirs);
    assert_ci_checks_ran_on(&text, &ci_dirs);
}
