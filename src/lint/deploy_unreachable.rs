//! A private cluster is deployed from inside its network.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::{ApiAccess, CiProvider};

pub const RULE: Rule = Rule {
    code: "ci/deploy-unreachable",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a deploy job on a GitHub-hosted runner for a cluster whose API is private",
    docs: r#"## What it does
Flags a GitHub Actions deploy job that runs on a GitHub-hosted runner (its
labels do not include `self-hosted`) when `cluster.api = "private"`: the API
server is behind NAT or a corporate firewall.

## Why is this bad?
GitHub-hosted runners run in GitHub's cloud. `helm upgrade` and
`kubectl apply` from there cannot open a connection to a server behind NAT
(the seed's lab at 192.168.1.93, "no public IP needed"): every deploy fails
with a timeout after the image was built and pushed.

## Fix
Register a self-hosted runner inside the cluster's network (on the lab
server) and give the deploy job its labels:
`ci.deploy.runner = ["self-hosted", "lab"]`. The other jobs stay on hosted
runners. (GitLab jobs run on the instance's runners; give the deploy job the
tags of one inside the network with the same key.)
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    if s.cluster.api != Some(ApiAccess::Private) || s.ci.provider != CiProvider::Github {
        return;
    }
    let (labels, pointer): (Vec<&str>, &str) = if !s.ci.deploy.runner.is_empty() {
        (
            s.ci.deploy.runner.iter().map(String::as_str).collect(),
            "/ci/deploy/runner",
        )
    } else if let Some(r) = &s.ci.runner {
        (vec![r.as_str()], "/ci/runner")
    } else {
        (vec!["ubuntu-24.04"], "/ci/deploy")
    };
    if labels.contains(&"self-hosted") {
        return;
    }
    out.push(
        cx.diag(
            &RULE,
            format!(
                "the deploy job runs on a GitHub-hosted runner (`{}`), which cannot reach a private API server",
                labels.join(", ")
            ),
        )
        .at(cx.at(pointer), "GitHub-hosted")
        .also(cx.at("/cluster/api"), "the API server is private")
        .key("ci.deploy.runner")
        .help("run the deploy on a self-hosted runner inside the network: `ci.deploy.runner = [\"self-hosted\", \"<label>\"]`"),
    );
}
