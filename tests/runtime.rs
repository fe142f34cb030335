//! What the cluster would run, run here (tools/runtime/): the generated
//! values go through the real OAuthenticator code path (who is allowed, who
//! is admin), through the chart's own `jupyterhub_config.py` into KubeSpawner
//! pod manifests (GPUs, node selectors, tolerations, resources, image, Pod
//! Security Standards), and boot the real JupyterHub with
//! configurable-http-proxy on loopback (health, metrics with the
//! ServiceMonitor's token, the OAuth redirect). Expectations come from each
//! environment's resolved spec (`spec.json`, written beside its folder).
//! A check that cannot run fails: there is no skip.

mod common;

use common::{jhubgen, project_with, repo};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Installs the pinned venv and configurable-http-proxy (both idempotent).
fn setup() {
    common::runtime_setup();
}

/// Builds the reference project into a temporary folder and writes each
/// environment's resolved spec to `environments/<env>/spec.json`.
fn built_project() -> (tempfile::TempDir, Vec<String>) {
    let p = project_with(None);
    let out = jhubgen(&["build"], p.path());
    assert!(
        out.status.success(),
        "jhubgen build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let project = jhubgen::project::open(p.path()).expect("open the built project");
    let build = jhubgen::build(&project, &[]).unwrap_or_else(|d| {
        panic!(
            "{}",
            jhubgen::diag::human::render(&d, &project.sources, false)
        )
    });
    let mut envs = Vec::new();
    for r in &build.envs {
        let dir = env_dir(p.path(), &r.env);
        assert!(dir.is_dir(), "{} was not built", dir.display());
        // the level the namespace enforces, also where it is jhubgen's default
        let mut spec = r.spec.clone();
        spec.cluster.pod_security = Some(spec.pod_security());
        let spec = serde_json::to_string_pretty(&spec).expect("a spec serializes");
        std::fs::write(dir.join("spec.json"), spec + "\n").unwrap();
        envs.push(r.env.clone());
    }
    (p, envs)
}

fn env_dir(root: &Path, env: &str) -> PathBuf {
    root.join("environments").join(env)
}

/// Runs `tools/runtime/run.py --check CHECK DIR...`; panics with the report
/// unless it exits 0 with an `ok CHECK DIR` line for every folder.
fn run_check(check: &str, dirs: &[PathBuf]) {
    setup();
    let out = Command::new(repo().join("target/validators-venv/bin/python"))
        .arg(repo().join("tools/runtime/run.py"))
        .args(["--check", check])
        .args(dirs)
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("run tools/runtime/run.py: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "runtime check `{check}` failed:\n{text}"
    );
    for dir in dirs {
        let want = format!("ok {check} {}", dir.display());
        assert!(text.lines().any(|l| l == want), "no `{want}` line:\n{text}");
    }
}

/// One check on one reference environment.
fn check_env(check: &str, env: &str) {
    let (p, envs) = built_project();
    assert!(
        envs.iter().any(|e| e == env),
        "the reference project has no environment `{env}` (it has {envs:?}): update tests/runtime.rs"
    );
    run_check(check, &[env_dir(p.path(), env)]);
}

/// Environments with their own tests below; any other is covered by
/// `other_environments_pass_every_check`.
const NAMED: &[&str] = &["lab", "aiv"];

#[test]
fn lab_auth() {
    check_env("auth", "lab");
}

#[test]
fn lab_pods() {
    check_env("pods", "lab");
}

#[test]
fn lab_hub_boot() {
    check_env("hub-boot", "lab");
}

#[test]
fn aiv_auth() {
    check_env("auth", "aiv");
}

#[test]
fn aiv_pods() {
    check_env("pods", "aiv");
}

#[test]
fn aiv_hub_boot() {
    check_env("hub-boot", "aiv");
}

/// Environments added later (a staging layer …) get every check too.
#[test]
fn other_environments_pass_every_check() {
    let (p, envs) = built_project();
    let dirs: Vec<PathBuf> = envs
        .iter()
        .filter(|e| !NAMED.contains(&e.as_str()))
        .map(|e| env_dir(p.path(), e))
        .collect();
    if dirs.is_empty() {
        return;
    }
    for check in ["auth", "pods", "hub-boot"] {
        run_check(check, &dirs);
    }
}

/// tools/runtime/selftest.sh: every check passes its good cases and fails
/// each bad case for the reason its README names.
#[test]
fn every_runtime_check_can_fail() {
    setup();
    let out = Command::new(repo().join("tools/runtime/selftest.sh"))
        .current_dir(repo())
        .output()
        .expect("run tools/runtime/selftest.sh");
    assert!(
        out.status.success(),
        "runtime self-test failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What `jhubgen import` writes from the seed's values files runs too:
/// logins through OAuthenticator's code, KubeSpawner's pods, the hub booted.
#[test]
fn the_imported_seed_passes_every_check() {
    let case = repo().join("tests/fixtures/import/seed");
    let work = tempfile::tempdir().unwrap();
    common::copy_tree(&case, work.path());
    let args = common::import_args(&case);
    let all: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = jhubgen(&all, work.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = work.path().join("out");
    let project = jhubgen::project::open(&root).expect("open the imported project");
    let build = jhubgen::build(&project, &[]).unwrap_or_else(|d| {
        panic!(
            "{}",
            jhubgen::diag::human::render(&d, &project.sources, false)
        )
    });
    assert!(jhubgen(&["build"], &root).status.success());
    let mut dirs = Vec::new();
    for r in &build.envs {
        let dir = env_dir(&root, &r.env);
        let mut spec = r.spec.clone();
        spec.cluster.pod_security = Some(spec.pod_security());
        std::fs::write(
            dir.join("spec.json"),
            serde_json::to_string_pretty(&spec).unwrap() + "\n",
        )
        .unwrap();
        dirs.push(dir);
    }
    assert_eq!(dirs.len(), 2);
    for check in ["auth", "pods", "hub-boot"] {
        run_check(check, &dirs);
    }
}
