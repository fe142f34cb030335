//! Third-party validators on every generated file (tools/validators/):
//! the chart's values schema, a traitlets check of `hub.config` and the
//! profiles against JupyterHub/OAuthenticator/KubeSpawner, kubernetes-validate
//! on the Ingress, check-jsonschema (and a strict pass) on the ServiceMonitor.
//! A validator that cannot run fails the test: there is no skip.

mod common;

use common::{jhubgen, project_with, repo};
use std::process::Command;
use std::sync::Once;

fn setup() {
    static SETUP: Once = Once::new();
    SETUP.call_once(|| {
        let st = Command::new(repo().join("tools/validators/setup.sh"))
            .status()
            .expect("run tools/validators/setup.sh");
        assert!(
            st.success(),
            "tools/validators/setup.sh failed: the validators could not be installed"
        );
    });
}

fn run_validators(dirs: &[std::path::PathBuf]) -> String {
    setup();
    let python = repo().join("target/validators-venv/bin/python");
    let out = Command::new(python)
        .arg(repo().join("tools/validators/run.py"))
        .args(dirs)
        .current_dir(repo())
        .output()
        .expect("run the validators");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "validators failed:\n{text}");
    text
}

fn assert_all_checks_ran(text: &str, envs: &[&str]) {
    for env in envs {
        for (check, file) in [
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

#[test]
fn fresh_builds_pass_every_validator() {
    let p = project_with(None);
    let out = jhubgen(&["build"], p.path());
    assert!(out.status.success());
    let dirs = ["lab", "aiv"].map(|e| p.path().join("environments").join(e));
    let text = run_validators(&dirs);
    assert_all_checks_ran(&text, &["lab", "aiv"]);
}

#[test]
fn committed_environments_pass_every_validator() {
    let dirs = ["lab", "aiv"].map(|e| repo().join("environments").join(e));
    let text = run_validators(&dirs);
    assert_all_checks_ran(&text, &["lab", "aiv"]);
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
