//! `jhubgen diff` and `jhubgen explain` on the reference environments, and a
//! change review against a revision of a scratch git repository.

mod common;

use common::{jhubgen, project_with, repo};
use std::path::Path;

fn run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = jhubgen(args, cwd);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn snap(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn semantic_diff_in_every_format() {
    for (format, name) in [
        ("text", "diff_lab_aiv_text"),
        ("markdown", "diff_lab_aiv_markdown"),
        ("json", "diff_lab_aiv_json"),
    ] {
        let (code, out, _) = run(&["diff", "lab", "aiv", "--format", format], &repo());
        assert_eq!(code, 0);
        snap(name, &out);
    }
    let (_, json, _) = run(
        &["diff", "lab", "aiv", "--format", "json", "--all"],
        &repo(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["spec"]["rows"].as_array().unwrap();
    let host = rows.iter().find(|r| r["key"] == "ingress.host").unwrap();
    assert_eq!(host["change"], "differs");
    assert_eq!(host["a"]["file"], "overlays/lab.toml");
    assert_eq!(host["b"]["value"], "jupyterhub.aiv.internal");
    let tag = rows.iter().find(|r| r["key"] == "image.tag").unwrap();
    assert_eq!(tag["change"], "same");
    assert_eq!(tag["a"]["file"], "base/platform.toml");
    // the same input gives the same bytes
    assert_eq!(
        run(
            &["diff", "lab", "aiv", "--format", "json", "--all"],
            &repo()
        )
        .1,
        json
    );
}

#[test]
fn rendered_diff() {
    let (code, out, _) = run(&["diff", "lab", "aiv", "--rendered"], &repo());
    assert_eq!(code, 0);
    assert!(
        out.contains("--- environments/lab/values.yaml\n+++ environments/aiv/values.yaml"),
        "{out}"
    );
    assert!(out.contains("+      admin_groups:"), "{out}");
    assert!(out.trim_end().ends_with("removed"), "{out}");
    snap("diff_lab_aiv_rendered", &out);
    let (_, md, _) = run(
        &["diff", "lab", "aiv", "--rendered", "--format", "markdown"],
        &repo(),
    );
    assert!(
        md.starts_with("### Rendered files\n\n10 file(s) changed"),
        "{md}"
    );
    let (_, json, _) = run(
        &["diff", "lab", "aiv", "--rendered", "--format", "json"],
        &repo(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rendered"]["summary"]["changed"], 10);
}

use common::git;

#[test]
fn change_review_against_a_revision() {
    let p = project_with(None);
    let dir = p.path();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "reference"]);
    // the change under review: bigger lab volumes, and a new profile in the base
    let lab = dir.join("overlays/lab.toml");
    let text = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(
        &lab,
        text.replace("capacity = \"10Gi\"", "capacity = \"20Gi\""),
    )
    .unwrap();
    let mut base = std::fs::read_to_string(dir.join("base/platform.toml")).unwrap();
    base.push_str("\n[[profiles]]\nslug = \"highmem\"\ndisplay_name = \"High memory\"\nmemory = { guarantee = \"64G\", limit = \"128G\" }\n");
    std::fs::write(dir.join("base/platform.toml"), base).unwrap();

    let (code, out, err) = run(
        &["diff", "lab", "--against", "HEAD", "--format", "markdown"],
        dir,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("## `lab@HEAD` vs `lab`"), "{out}");
    assert!(out.contains("| **`storage.capacity`** | `10Gi`"), "{out}");
    assert!(
        out.contains("**`profiles[highmem].memory.limit`** | — | `128G`"),
        "{out}"
    );
    assert!(
        out.contains("--- a/environments/lab/values.yaml\n+++ b/environments/lab/values.yaml"),
        "{out}"
    );
    snap("diff_review_markdown", &out);

    let (code, out, _) = run(
        &["diff", "lab", "--against", "HEAD", "--format", "json"],
        dir,
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["spec"]["summary"]["differs"], 1);
    // the values, and the checklist's storage item (which names the capacity)
    assert_eq!(v["rendered"]["summary"]["changed"], 2);

    // the same comparison against another checkout
    let old = project_with(None);
    let (code, out2, _) = run(
        &[
            "diff",
            "lab",
            "--against-dir",
            old.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        dir,
    );
    assert_eq!(code, 0);
    let v2: serde_json::Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(v2["spec"]["rows"], v["spec"]["rows"]);

    // nothing changed against itself
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "bigger volumes"]);
    let (code, out, err) = run(&["diff", "lab", "--against", "HEAD"], dir);
    assert_eq!(code, 0);
    assert!(err.contains("no change"), "{out}{err}");

    // bad revisions and broken old specs
    let (code, _, err) = run(&["diff", "lab", "--against", "no-such-rev"], dir);
    assert_eq!(code, 2);
    assert!(err.contains("unknown git revision `no-such-rev`"), "{err}");
    std::fs::write(dir.join("overlays/lab.toml"), "[culling\n").unwrap();
    git(dir, &["commit", "-q", "-am", "broken"]);
    git(
        dir,
        &["checkout", "-q", "HEAD~1", "--", "overlays/lab.toml"],
    );
    let (code, _, err) = run(&["diff", "lab", "--against", "HEAD"], dir);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the specs of lab@HEAD do not compile") && err.contains("toml/syntax"),
        "{err}"
    );
}

#[test]
fn explain_keys_from_base_overlay_and_derived() {
    let mut all = String::new();
    for key in [
        "ingress.host",
        "profiles[gpu-large].memory.limit",
        "hub.base_url",
        "values.yaml:hub.config.AzureAdOAuthenticator.oauth_callback_url",
        "singleuser.image.name",
        "proxy.service.type",
    ] {
        let (code, out, err) = run(&["explain", "aiv", key], &repo());
        assert_eq!(code, 0, "{key}: {err}");
        all.push_str(&format!("$ jhubgen explain aiv {key}\n{out}\n"));
    }
    assert!(
        all.contains("ingress.host = jupyterhub.aiv.internal\n  set at     overlays/aiv.toml:23:8"),
        "{all}"
    );
    assert!(
        all.contains(
            "profiles[gpu-large].memory.limit = 64G\n  set at     base/platform.toml:41:39"
        ),
        "{all}"
    );
    assert!(
        all.contains("    ingress.host = jupyterhub.aiv.internal  (overlays/aiv.toml:23:8)"),
        "{all}"
    );
    snap("explain_aiv", &all);

    let (code, out, _) = run(&["explain", "lab"], &repo());
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("image.tag") && l.ends_with("base/platform.toml:10:7")),
        "{out}"
    );
    snap("explain_lab_blame", &out);

    // an overlay value that overrides the base
    let p = project_with(None);
    let lab = p.path().join("overlays/lab.toml");
    let mut text = std::fs::read_to_string(&lab).unwrap();
    text.push_str("\n[culling]\ntimeout = 7200\n");
    std::fs::write(&lab, text).unwrap();
    let (code, out, _) = run(&["explain", "lab", "culling.timeout"], p.path());
    assert_eq!(code, 0);
    assert!(
        out.contains("set in 2 layers, lowest first:\n    base/platform.toml:48:11  3600  shadowed\n    overlays/lab.toml:75:11   7200  wins\n"),
        "{out}"
    );
    assert!(
        out.contains("environments/lab/values.yaml  cull.timeout"),
        "{out}"
    );
}

#[test]
fn bad_arguments_exit_2_with_suggestions() {
    let (code, _, err) = run(&["explain", "lab", "ingres.host"], &repo());
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `ingress.host`?"), "{err}");
    let (code, _, err) = run(&["diff", "lab", "aiv2"], &repo());
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `aiv`?"), "{err}");
    let (code, _, _) = run(&["diff", "lab"], &repo());
    assert_eq!(code, 2);
    let (code, _, _) = run(&["diff", "lab", "aiv", "--against", "HEAD"], &repo());
    assert_eq!(code, 2);
}

#[test]
fn readme_shows_the_current_markdown_diff() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start =
        readme.find("<!-- diff:begin -->\n").expect("marker") + "<!-- diff:begin -->\n".len();
    let end = readme.find("<!-- diff:end -->").expect("marker");
    let (_, md, _) = run(&["diff", "lab", "aiv", "--format", "markdown"], &repo());
    assert_eq!(
        &readme[start..end],
        md,
        "README.md's diff is stale: paste `jhubgen diff lab aiv --format markdown`"
    );
}

#[test]
fn explain_follows_chains_and_deletes() {
    // aiv-staging extends aiv: the chain, lowest to highest
    let (code, out, err) = run(&["explain", "aiv-staging", "ingress.host"], &repo());
    assert_eq!(code, 0, "{err}");
    let chain: Vec<&str> = out.lines().skip(2).take(2).collect();
    assert!(
        chain[0].starts_with("    overlays/aiv.toml:23:8")
            && chain[0].contains(" jupyterhub.aiv.internal ")
            && chain[0].ends_with("shadowed"),
        "{out}"
    );
    assert!(
        chain[1].starts_with("    overlays/aiv-staging.toml:13:8")
            && chain[1].ends_with("jupyterhub-staging.aiv.internal  wins"),
        "{out}"
    );
    // what a layer deleted is explained, not "no such key"
    let (code, out, err) = run(&["explain", "lab", "profiles[gpu-large].gpus"], &repo());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("is not set: a layer deleted `profiles[gpu-large]`")
            && out.contains("deleted at overlays/lab.toml:")
            && out.contains("at base/platform.toml:"),
        "{out}"
    );

    // four deep: base → aiv → aiv-staging → layers/gpu-heavy → overlays/aiv-gpu
    let p = project_with(Some(&repo().join("tests/fixtures/good/four-deep-chain")));
    let (code, out, err) = run(&["explain", "aiv-gpu", "culling.timeout"], p.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("culling.timeout = 7200\n  set in 2 layers, lowest first:\n    base/platform.toml:48:11    3600  shadowed\n    layers/gpu-heavy.toml:6:11  7200  wins\n"),
        "{out}"
    );
    // every layer of the chain that set it, lowest first
    let (code, out, _) = run(&["explain", "aiv-gpu", "environment.namespace"], p.path());
    assert_eq!(code, 0);
    assert!(
        out.contains("  set in 3 layers, lowest first:\n    overlays/aiv.toml:6:13          jupyterhub-prod     shadowed\n    overlays/aiv-staging.toml:8:13  jupyterhub-staging  shadowed\n    overlays/aiv-gpu.toml:5:13      jupyterhub-gpu      wins\n"),
        "{out}"
    );
    let (code, out, _) = run(
        &["explain", "aiv-gpu", "profiles[gpu-large].default"],
        p.path(),
    );
    assert_eq!(code, 0);
    assert!(out.contains("set at     layers/gpu-heavy.toml:"), "{out}");
    // inherited field by field from two layers below
    let (code, out, _) = run(&["explain", "aiv-gpu", "tls.secret"], p.path());
    assert_eq!(code, 0);
    assert!(
        out.contains("tls.secret = aiv-staging-tls\n  set in 2 layers, lowest first:\n    overlays/aiv.toml:29:10          aiv-corporate-tls  shadowed\n    overlays/aiv-staging.toml:16:10  aiv-staging-tls    wins\n"),
        "{out}"
    );
    let (code, out, _) = run(&["explain", "aiv-gpu", "auth.azuread.groups_key"], p.path());
    assert_eq!(code, 0);
    assert!(out.contains("set at     overlays/aiv.toml:"), "{out}");
}

#[test]
fn explain_answers_the_cases_that_were_wrong() {
    let (code, out, _) = run(
        &["explain", "aiv", "profiles[gpu-standard].tolerations"],
        &repo(),
    );
    assert_eq!(code, 0);
    assert!(out.contains("prePuller.extraTolerations"), "{out}");
    assert!(
        out.contains("singleuser.profileList[gpu-standard].kubespawner_override.tolerations"),
        "{out}"
    );
    let (_, out, _) = run(&["explain", "lab", "ci.name"], &repo());
    assert!(
        out.contains("names the file .github/workflows/jupyterhub-lab.yml"),
        "{out}"
    );
    assert!(!out.contains("labx"), "an invented name is shown: {out}");
    let (_, out, _) = run(&["explain", "lab", "profiles[gpu-standard].slug"], &repo());
    assert!(!out.contains("gpu-standardx"), "{out}");
    let (_, out, _) = run(
        &["explain", "lab", "ci.deploy.kubeconfig_variable"],
        &repo(),
    );
    assert!(out.contains("KUBECONFIG_DATA"), "{out}");
    let (code, out, err) = run(&["explain", "aiv", "profiles[gpu-xl]"], &repo());
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("did you mean `profiles[gpu-large]`?"), "{err}");
    assert!(err.contains("[cpu], [gpu-large], [gpu-standard]"), "{err}");
    assert!(!err.contains("gpu-xlx") && out.is_empty(), "{err}");
}
