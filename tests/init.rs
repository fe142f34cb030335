//! `jhubgen init`: a project that lints and builds clean, and is never
//! written over an existing one.

mod common;

use common::{jhubgen, snapshot_tree};

#[test]
fn a_new_project_lints_and_builds_clean() {
    let top = tempfile::tempdir().unwrap();
    let dir = top.path().join("platform");
    let out = jhubgen(
        &["init", dir.to_str().unwrap(), "--env", "staging"],
        top.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in [
        "base/platform.toml",
        "overlays/staging.toml",
        "schema/jhubgen.schema.json",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let out = jhubgen(&["lint", "--deny-warnings"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("no problems in 1 environment(s)"), "{err}");
    let out = jhubgen(&["build"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("environments/staging/values.yaml").is_file());
    // ready for the checklist: it lists the placeholders the overlay holds
    let out = jhubgen(&["checklist", "staging"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for needle in [
        "your-github-org",
        "jupyterhub.example.com",
        "Secret `jupyterhub-oauth`",
        "STAGING_KUBECONFIG",
    ] {
        assert!(text.contains(needle), "no `{needle}` in\n{text}");
    }
    // the editor schema it wrote is the one `jhubgen schema` prints
    let schema = jhubgen(&["schema"], &dir);
    assert_eq!(
        std::fs::read(dir.join("schema/jhubgen.schema.json")).unwrap(),
        schema.stdout
    );
}

#[test]
fn init_never_overwrites_and_refuses_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    assert!(jhubgen(&["init"], dir.path()).status.success());
    let before = snapshot_tree(dir.path());
    let out = jhubgen(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never overwrites"));
    assert_eq!(snapshot_tree(dir.path()), before);

    let empty = tempfile::tempdir().unwrap();
    for bad in ["Prod", "-x", "a_b", "x-"] {
        let out = jhubgen(&["init", ".", "--env", bad], empty.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    assert!(snapshot_tree(empty.path()).is_empty());
}
