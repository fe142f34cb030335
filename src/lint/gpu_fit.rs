//! A profile must fit on the largest GPU node.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "profiles/gpu-fit",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a profile that asks for more GPUs than any node has",
    docs: r#"## What it does
Flags a profile whose `gpus` exceeds `cluster.gpu.per_node`, the GPUs of the
cluster's largest GPU node. Without that fact nothing is checked.

## Why is this bad?
A pod's `nvidia.com/gpu` limit must fit on one node: no scheduler splits it.
The user's server stays `Pending` ("0/1 nodes are available: Insufficient
nvidia.com/gpu") until KubeSpawner's `start_timeout` (300 s) ends the spawn
with an error (Kubernetes "Schedule GPUs"; KubeSpawner 7.0.0).

## Fix
Lower the profile's `gpus`, or drop it in this environment's overlay:
`delete = ["profiles[gpu-large]"]`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let Some(max) = s.cluster.gpu.per_node else {
        return;
    };
    for (i, p) in s.profiles.iter().enumerate() {
        if p.gpus > max {
            out.push(
                cx.diag(
                    &RULE,
                    format!(
                        "profile `{}` asks for {} GPUs; the largest node has {max}: its servers never start",
                        p.slug, p.gpus
                    ),
                )
                .at(cx.at(&format!("/profiles/{i}/gpus")), "more than one node has")
                .peer(cx.at("/cluster/gpu/per_node"), "GPUs on the largest node")
                .key(format!("profiles[{}].gpus", p.slug))
                .help(format!(
                    "lower `gpus` to at most {max}, or drop the profile here: `delete = [\"profiles[{}]\"]`",
                    p.slug
                )),
            );
        }
    }
}
