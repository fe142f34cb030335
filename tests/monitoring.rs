//! The dashboard and the alert rules, judged by real tools
//! (tools/monitoring/): check-jsonschema against the PrometheusRule CRD and
//! Grafana's dashboard model, `promtool check rules` on the rules and on every
//! panel query, `promtool test rules` with a unit test per alert (and a self-
//! test that each test catches the mistake it is for), every metric against
//! JupyterHub's registry and the exporters', and an end-to-end run: a real
//! Prometheus scraping a real JupyterHub 5.5.0 on loopback.

mod common;

use common::repo;
use std::path::{Path, PathBuf};
use std::process::Command;

fn built() -> (tempfile::TempDir, Vec<PathBuf>) {
    let p = common::built_reference();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(p.path().join("environments"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    (p, dirs)
}

fn python(script: &str, args: &[&Path]) -> (bool, String) {
    common::validators_setup();
    let out = Command::new(repo().join("target/validators-venv/bin/python"))
        .arg(repo().join("tools/monitoring").join(script))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn rules_and_dashboard_pass_the_real_tools() {
    let (_p, dirs) = built();
    let args: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let (ok, text) = python("check.py", &args);
    assert!(ok, "tools/monitoring/check.py failed:\n{text}");
    for dir in &dirs {
        let env = dir.file_name().unwrap().to_string_lossy();
        let dashboard = if dir.join("dashboard.json").exists() {
            "dashboard.json"
        } else {
            "dashboard.yaml"
        };
        for (check, file) in [
            ("rule-schema", "prometheusrule.yaml"),
            ("rule-check", "prometheusrule.yaml"),
            ("rule-tests", "prometheusrule.yaml"),
            ("dashboard-schema", dashboard),
            ("dashboard-promql", dashboard),
            ("dashboard-metrics", dashboard),
            ("dashboard-wiring", dashboard),
        ] {
            let line = format!("ok {check} ");
            assert!(
                text.lines()
                    .any(|l| l.starts_with(&line) && l.ends_with(&format!("{env}/{file}"))),
                "no `ok {check}` for {env}/{file}:\n{text}"
            );
        }
    }
}

#[test]
fn each_alert_test_catches_its_mistake() {
    let (_p, dirs) = built();
    let aiv = dirs.iter().find(|d| d.ends_with("aiv")).unwrap();
    let (ok, text) = python("selftest.py", &[aiv]);
    assert!(ok, "tools/monitoring/selftest.py:\n{text}");
    assert_eq!(text.matches("ok caught: ").count(), 6, "{text}");
}

#[test]
fn one_dashboard_for_every_environment() {
    let (_p, dirs) = built();
    let mut seen = Vec::new();
    for dir in &dirs {
        let json = if dir.join("dashboard.json").exists() {
            std::fs::read_to_string(dir.join("dashboard.json")).unwrap()
        } else {
            let cm: serde_json::Value = serde_saphyr::from_str(
                &std::fs::read_to_string(dir.join("dashboard.yaml")).unwrap(),
            )
            .unwrap();
            assert_eq!(cm["metadata"]["labels"]["grafana_dashboard"], "1");
            cm["data"]["jupyterhub.json"].as_str().unwrap().to_string()
        };
        seen.push((dir.clone(), json));
    }
    assert_eq!(seen.len(), 3);
    for (dir, json) in &seen[1..] {
        assert_eq!(
            json,
            &seen[0].1,
            "{} differs from {}",
            dir.display(),
            seen[0].0.display()
        );
    }
}

#[test]
fn a_real_prometheus_scrapes_a_real_hub_and_alerts() {
    common::runtime_setup();
    let (_p, dirs) = built();
    let aiv = dirs.iter().find(|d| d.ends_with("aiv")).unwrap();
    let (ok, text) = python("e2e.py", &[aiv]);
    eprintln!("{text}");
    assert!(ok, "tools/monitoring/e2e.py:\n{text}");
    for needle in [
        "ok Prometheus scrapes /hub/metrics with the read:metrics token",
        "ok JupyterHubSpawnFailures is pending or firing",
        "ok JupyterHubDown is pending or firing once the hub is stopped",
        "ok panel 'Running servers' A returns data",
    ] {
        assert!(text.contains(needle), "no `{needle}`:\n{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");
}
