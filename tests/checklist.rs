//! `jhubgen checklist`: items derived from the specs, never written down.

mod common;

use common::{jhubgen, project_with, repo};
use serde_json::Value;

fn checklist(root: &std::path::Path, env: &str) -> Value {
    let out = jhubgen(&["checklist", env, "--format", "json"], root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn titles(doc: &Value) -> Vec<String> {
    doc["environments"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_item_names_a_real_spec_line() {
    for env in ["lab", "aiv", "aiv-staging"] {
        let doc = checklist(&repo(), env);
        let items = doc["environments"][0]["items"].as_array().unwrap();
        assert!(items.len() >= 8, "{env}: {doc}");
        for i in items {
            for field in ["phase", "who", "kind", "title", "detail", "from"] {
                assert!(!i[field].is_null(), "{env}: no {field} in {i}");
            }
            for f in i["from"].as_array().unwrap() {
                let f = f.as_str().unwrap();
                let (file, rest) = f.split_once(':').unwrap();
                let line: usize = rest.split(':').next().unwrap().parse().unwrap();
                let text = std::fs::read_to_string(repo().join(file)).unwrap();
                assert!(line >= 1 && line <= text.lines().count(), "{env}: {f}");
            }
        }
    }
    let aiv = titles(&checklist(&repo(), "aiv"));
    for needle in [
        "Secret `jhub-entra-oauth` in `jupyterhub-prod` (generic)",
        "Secret `aiv-corporate-tls` in `jupyterhub-prod` (tls)",
        "Secret `aiv-artifactory-credentials` in `jupyterhub-prod` (docker-registry)",
        "GitLab CI/CD variable (masked, protected) `AIV_KUBECONFIG`",
        "DNS: `jupyterhub.aiv.internal`",
    ] {
        assert!(aiv.iter().any(|t| t == needle), "no `{needle}` in {aiv:#?}");
    }
    let lab = checklist(&repo(), "lab");
    let commands: Vec<&str> = lab["environments"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["command"].as_str())
        .collect();
    assert!(
        commands
            .contains(&"cloudflared tunnel route dns jupyterhub-tunnel jupyterhub.yourcompany.com")
    );
    assert!(commands.iter().any(|c| c.starts_with("kubectl create secret generic jhub-github-oauth --namespace jupyterhub-test --from-literal=client_id=<")));
    let lab = titles(&lab);
    assert!(
        lab.iter().any(|t| t.contains("`your-github-org`")),
        "{lab:#?}"
    );
}

#[test]
fn removing_a_secret_reference_removes_its_item() {
    let p = project_with(None);
    let aiv = p.path().join("overlays/aiv.toml");
    let before = titles(&checklist(p.path(), "aiv"));
    let pull = "Secret `aiv-artifactory-credentials` in `jupyterhub-prod` (docker-registry)";
    assert!(before.iter().any(|t| t == pull));
    let text = std::fs::read_to_string(&aiv).unwrap();
    let cut = text.replace("pull_secrets = [\"aiv-artifactory-credentials\"]\n", "");
    assert_ne!(cut, text, "the edit applies");
    std::fs::write(&aiv, cut).unwrap();
    let after = titles(&checklist(p.path(), "aiv"));
    assert!(!after.iter().any(|t| t == pull), "{after:#?}");
    assert_eq!(
        after.len(),
        before.len() - 1,
        "only that item went: {after:#?}"
    );
}

#[test]
fn markdown_is_the_committed_checklist() {
    for env in ["lab", "aiv"] {
        let out = jhubgen(&["checklist", env, "--format", "markdown"], &repo());
        let md = String::from_utf8(out.stdout).unwrap();
        let committed =
            std::fs::read_to_string(repo().join(format!("environments/{env}/checklist.md")))
                .unwrap();
        // the committed file is the same, after its one-line generated header
        assert_eq!(committed.split_once('\n').unwrap().1, md, "{env}");
    }
}
