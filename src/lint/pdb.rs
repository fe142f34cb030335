//! A PodDisruptionBudget on a single replica blocks node drains.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "availability/pdb",
    severity: Severity::Warning,
    stage: Stage::Values,
    summary: "a PodDisruptionBudget for the single-replica hub or proxy",
    docs: r#"## What it does
Warns on `hub.pdb.enabled` or `proxy.chp.pdb.enabled` set true in `[values]`.

## Why is this bad?
The chart's pdb description: "Only the user-scheduler currently supports being
run in parallel with multiple replicas. If they are enabled for a Deployment
with only one replica, they will block `kubectl drain`." Node maintenance
then hangs instead of moving the hub.

## Fix
Remove it.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for p in ["/hub/pdb/enabled", "/proxy/chp/pdb/enabled"] {
        if let Some((Value::Bool(true), origin)) = cx.raw_value(p) {
            out.push(
                cx.diag(
                    &RULE,
                    "a PodDisruptionBudget on a single replica blocks `kubectl drain`",
                )
                .at(origin, "pdb enabled")
                .key(format!("values{}", p.replace('/', ".")))
                .help("remove it: only the user scheduler runs several replicas"),
            );
        }
    }
}
