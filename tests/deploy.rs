//! The one deploy script (`scripts/deploy.sh`), run against stub `helm` and
//! `kubectl` that record their arguments: it does what the CI deploy jobs
//! need, in the registry's order; values arrive as single arguments; hostile
//! values stay inert; `--dry-run` changes nothing; shellcheck passes.

mod common;

use common::{jhubgen, project_with, repo};
use std::path::Path;
use std::process::Command;

/// A folder with `helm` and `kubectl` that append their argv (one argument
/// per line, then a blank line) to `calls.log`.
fn stubs(dir: &Path) {
    for tool in ["helm", "kubectl"] {
        let path = dir.join(tool);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\n{{ printf '%s\\n' {tool}; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; printf '\\n'; }} >> \"$STUB_LOG\"\n"
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn calls(log: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .split("\n\n")
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.lines().map(str::to_string).collect())
        .collect()
}

fn deploy(
    project: &Path,
    env: &str,
    args: &[&str],
    tag: Option<&str>,
) -> (bool, Vec<Vec<String>>, String) {
    let bin = tempfile::tempdir().unwrap();
    stubs(bin.path());
    let log = bin.path().join("calls.log");
    let mut cmd = Command::new("bash");
    cmd.arg("scripts/deploy.sh")
        .arg(format!("environments/{env}/config.env"))
        .args(args)
        .current_dir(project)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.path().display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("STUB_LOG", &log)
        .env_remove("JHUBGEN_IMAGE_TAG");
    if let Some(t) = tag {
        cmd.env("JHUBGEN_IMAGE_TAG", t);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        calls(&log),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn built() -> tempfile::TempDir {
    common::built_reference()
}

#[test]
fn deploys_in_the_registry_order_with_single_arguments() {
    let p = built();
    let hostile = "x; touch pwned $(touch pwned2) `touch pwned3` \"' *";
    let (ok, calls, err) = deploy(p.path(), "aiv", &[], Some(hostile));
    assert!(ok, "{err}");
    let heads: Vec<String> = calls
        .iter()
        .map(|c| c[..3.min(c.len())].join(" "))
        .collect();
    assert_eq!(
        heads,
        [
            "kubectl apply --filename",
            "helm repo add",
            "helm upgrade --cleanup-on-fail",
            "kubectl apply --namespace",
            "kubectl apply --namespace",
            "kubectl apply --namespace",
        ],
        "{calls:?}"
    );
    assert_eq!(calls[0][3], "environments/aiv/namespace.yaml");
    let upgrade = &calls[2];
    let at = |flag: &str| upgrade[upgrade.iter().position(|a| a == flag).unwrap() + 1].clone();
    assert_eq!(upgrade[3], "--install");
    assert_eq!(upgrade[4], "jhub-production");
    assert_eq!(at("--namespace"), "jupyterhub-prod");
    assert_eq!(at("--version"), "4.4.0");
    assert_eq!(at("--values"), "environments/aiv/values.yaml");
    assert_eq!(at("--timeout"), "10m0s");
    assert!(upgrade.contains(&"--wait".to_string()));
    // the hostile tag is one argument, as it was given (the stub logs by line)
    let tag_arg = upgrade.iter().position(|a| a == "--set-string").unwrap() + 1;
    assert!(upgrade[tag_arg].starts_with("singleuser.image.tag=x; touch pwned $(touch pwned2)"));
    for f in ["pwned", "pwned2", "pwned3"] {
        assert!(!p.path().join(f).exists(), "{f} was created: a value ran");
    }
    let applied: Vec<&str> = calls[3..]
        .iter()
        .map(|c| c.last().unwrap().as_str())
        .collect();
    assert_eq!(
        applied,
        [
            "environments/aiv/ingress.yaml",
            "environments/aiv/servicemonitor.yaml",
            "environments/aiv/prometheusrule.yaml",
        ]
    );
    // without an override, the file's tag
    let (_, calls, _) = deploy(p.path(), "lab", &[], None);
    let upgrade = calls.iter().find(|c| c[1] == "upgrade").unwrap();
    assert!(
        upgrade.contains(&"singleuser.image.tag=v1".to_string()),
        "{upgrade:?}"
    );
    // the lab applies its dashboard's ConfigMap too; its tunnel runs on the host
    assert!(
        calls
            .iter()
            .any(|c| c.last().unwrap() == "environments/lab/dashboard.yaml")
    );
}

#[test]
fn dry_run_renders_and_changes_nothing() {
    let p = built();
    let (ok, calls, err) = deploy(p.path(), "lab", &["--dry-run"], None);
    assert!(ok, "{err}");
    assert!(calls.iter().all(|c| c[1] != "upgrade"), "{calls:?}");
    assert!(calls.iter().any(|c| c[1] == "template"));
    for c in calls.iter().filter(|c| c[0] == "kubectl") {
        assert!(c.contains(&"--dry-run=client".to_string()), "{c:?}");
    }
}

#[test]
fn bad_arguments_and_files_exit_2() {
    let p = built();
    let (ok, calls, err) = deploy(p.path(), "nowhere", &[], None);
    assert!(!ok && calls.is_empty(), "{err}");
    let (ok, _, _) = deploy(p.path(), "lab", &["--force"], None);
    assert!(!ok);
}

#[test]
fn hostile_spec_values_stay_inert_when_the_file_is_sourced() {
    let p = project_with(None);
    let lab = p.path().join("overlays/lab.toml");
    let text = std::fs::read_to_string(&lab).unwrap();
    let text = text.replace(
        "class = \"local-path\"",
        "class = \"local-path'; touch pwned; echo '$(touch pwned2)\"",
    );
    std::fs::write(&lab, text).unwrap();
    let out = jhubgen(&["build"], p.path());
    // the storage class is refused by its rule or schema, or carried inert
    if out.status.success() {
        let env = std::fs::read_to_string(p.path().join("environments/lab/config.env")).unwrap();
        let sourced = Command::new("bash")
            .arg("-c")
            .arg(". environments/lab/config.env && printf '%s' \"$STORAGE_CLASS\"")
            .current_dir(p.path())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&sourced.stdout),
            "local-path'; touch pwned; echo '$(touch pwned2)",
            "{env}"
        );
    }
    assert!(!p.path().join("pwned").exists() && !p.path().join("pwned2").exists());
}

#[test]
fn the_script_passes_shellcheck() {
    common::validators_setup();
    let p = built();
    let out = Command::new(repo().join("target/validators-venv/bin/shellcheck"))
        .args(["--shell=bash", "--severity=style"])
        .arg(p.path().join("scripts/deploy.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
