//! What the namespace's Pod Security level refuses.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::PodSecurity;
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "security/pod-security",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "user pods that the namespace's enforced Pod Security level refuses",
    docs: r#"## What it does
Where the namespace enforces `baseline` or `restricted` — `cluster.pod_security`,
or `baseline` in the Namespace jhubgen writes by default — flags generated values that make KubeSpawner create
user pods that level refuses:
- `singleuser.cloudMetadata.blockWithIptables: true`: the chart's
  `block-cloud-metadata` init container runs as root with `NET_ADMIN` and
  `privileged: true` (chart 4.4.0 `jupyterhub_config.py`); baseline allows
  neither;
- `hub.config.KubeSpawner.privileged: true` (baseline);
- under `restricted`: `singleuser.allowPrivilegeEscalation: true`, or
  `singleuser.uid: 0`.

## Why is this bad?
Pod Security Admission rejects the pod at creation ("violates PodSecurity
\"baseline:latest\": privileged, non-default capabilities"), so every spawn
fails (Kubernetes "Pod Security Standards").

## Fix
Leave these to jhubgen: on-prem or under baseline it writes
`blockWithIptables: false` — there is no cloud metadata server to hide, and
the singleuser NetworkPolicy denies 169.254.169.254 anyway
(`egressAllowRules.cloudMetadataServer: false`); under `restricted` it adds
`runAsNonRoot`, `drop: [ALL]` and the `RuntimeDefault` seccomp profile.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let level = cx.r.spec.pod_security();
    if level == PodSecurity::Privileged {
        return;
    }
    let t = Value::Bool(true);
    let mut found: Vec<(&str, &str)> = Vec::new();
    // the chart's default is `true`: without a value the init container runs
    if cx.value("/singleuser/cloudMetadata/blockWithIptables") != Some(&Value::Bool(false)) {
        found.push((
            "/singleuser/cloudMetadata/blockWithIptables",
            "the `block-cloud-metadata` init container runs as root with NET_ADMIN",
        ));
    }
    if cx.value("/hub/config/KubeSpawner/privileged") == Some(&t) {
        found.push((
            "/hub/config/KubeSpawner/privileged",
            "user containers run privileged",
        ));
    }
    if level == PodSecurity::Restricted {
        if cx.value("/singleuser/allowPrivilegeEscalation") == Some(&t) {
            found.push((
                "/singleuser/allowPrivilegeEscalation",
                "user containers may escalate privileges",
            ));
        }
        if cx.value("/singleuser/uid").and_then(Value::as_i64) == Some(0) {
            found.push(("/singleuser/uid", "user containers run as root"));
        }
    }
    for (pointer, why) in found {
        let key = format!("values{}", pointer.replace('/', "."));
        let origin = cx.value_origin(pointer).unwrap_or_else(|| cx.at("/values"));
        out.push(
            cx.diag(
                &RULE,
                format!(
                    "Pod Security `{}` refuses every user pod: {why}",
                    level.name()
                ),
            )
            .at(origin, "refused by Pod Security")
            .also(
                cx.at("/cluster/pod_security"),
                "the enforced level (baseline by default)",
            )
            .key(key)
            .help("remove the override: jhubgen writes what the enforced level admits"),
        );
    }
}
