//! A GPU profile may select only labels the GPU nodes carry.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::tree::escape_pointer;

pub const RULE: Rule = Rule {
    code: "profiles/gpu-node-labels",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a GPU profile that selects a node label nothing sets",
    docs: r#"## What it does
When the spec says how GPU nodes are labelled (`cluster.gpu.operator`,
`cluster.gpu.node_labels`), flags a GPU profile whose node selector (its own,
or the inherited `scheduling.node_selector`) needs a label no GPU node
carries: an `nvidia.com/…` label without the GPU Operator, or another label
not in `node_labels`.

## Why is this bad?
`nvidia.com/gpu.present = "true"` and the other `nvidia.com/…` node labels
are set by GPU Feature Discovery, which the NVIDIA GPU Operator runs; the
device plugin alone sets none. A selector no node satisfies keeps the server
`Pending` until the spawn times out (300 s).

## Fix
Select a label the nodes have (list hand-set labels in
`cluster.gpu.node_labels`), or set `cluster.gpu.operator = true` if the
GPU Operator runs there.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let gpu = &s.cluster.gpu;
    if !gpu.labels_known() {
        return;
    }
    let operator = gpu.operator == Some(true);
    for (i, p) in s.profiles.iter().enumerate() {
        if p.gpus == 0 {
            continue;
        }
        let (selector, base) = match (&p.node_selector, &s.scheduling) {
            (Some(sel), _) => (sel, format!("/profiles/{i}/node_selector")),
            (None, Some(sched)) => (
                &sched.node_selector,
                "/scheduling/node_selector".to_string(),
            ),
            (None, None) => continue,
        };
        for (k, v) in selector {
            let labelled =
                (operator && k.starts_with("nvidia.com/")) || gpu.node_labels.get(k) == Some(v);
            if labelled {
                continue;
            }
            let why = if k.starts_with("nvidia.com/") {
                "only the NVIDIA GPU Operator (GPU Feature Discovery) sets `nvidia.com/…` labels, and the cluster has none"
            } else {
                "it is not among `cluster.gpu.node_labels`"
            };
            let mut d = cx
                .diag(
                    &RULE,
                    format!("GPU profile `{}` selects `{k}={v}`, which no GPU node carries: {why}", p.slug),
                )
                .at(cx.at(&format!("{base}/{}", escape_pointer(k))), "no node has this label")
                .key(format!("profiles[{}].node_selector", p.slug))
                .help("select a label the GPU nodes carry (list hand-set ones in `cluster.gpu.node_labels`), or set `cluster.gpu.operator = true` where the GPU Operator runs");
            if cx.is_set("/cluster/gpu/operator") {
                d = d.also(cx.at("/cluster/gpu/operator"), "the GPU Operator");
            }
            out.push(d);
        }
    }
}
