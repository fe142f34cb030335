//! A GPU profile must not inherit the CPU nodes' selector.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "gpu/inherited-node-selector",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "a GPU profile that inherits the global node selector",
    docs: r#"## What it does
Warns when a profile with `gpus > 0` has no `node_selector` of its own while
`scheduling.node_selector` is set.

## Why is this bad?
The global selector usually picks the CPU nodes (`node-type = "cpu"`). A GPU
profile that inherits it asks for a GPU on nodes that have none:
`FailedScheduling ... Insufficient nvidia.com/gpu` (z2jh #3801). (When a
profile does give its own selector, jhubgen clears the inherited keys with
`null`, because KubeSpawner merges selector dicts.)

## Fix
Give the GPU profile its own `node_selector`, e.g.
`{ "nvidia.com/gpu.present" = "true" }`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let Some(global) = s
        .scheduling
        .as_ref()
        .filter(|g| !g.node_selector.is_empty())
    else {
        return;
    };
    for (i, p) in s.profiles.iter().enumerate() {
        if p.gpus > 0 && p.node_selector.is_none() {
            let keys: Vec<String> = global
                .node_selector
                .keys()
                .map(|k| format!("`{k}`"))
                .collect();
            out.push(
                cx.diag(&RULE, format!("GPU profile `{}` inherits the global node selector {}", p.slug, keys.join(", ")))
                    .at(cx.at(&format!("/profiles/{i}/gpus")), "asks for a GPU")
                    .also(cx.at("/scheduling/node_selector"), "global selector")
                    .key(format!("profiles[{}].node_selector", p.slug))
                    .help("give the profile its own `node_selector` (e.g. `{ \"nvidia.com/gpu.present\" = \"true\" }`): it replaces the global one"),
            );
        }
    }
}
