//! The hub must be replaced, not rolled.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "availability/deployment-strategy",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "a hub or proxy deployment strategy other than `Recreate`",
    docs: r#"## What it does
Flags `hub.deploymentStrategy.type` or `proxy.deploymentStrategy.type` set to
anything but `Recreate` in `[values]`.

## Why is this bad?
"sqlite-pvc backed hubs require the Recreate deployment strategy ... JupyterHub
isn't designed to support being run in parallel" (chart `values.yaml`). A
rolling update runs two hubs on one database and one ReadWriteOnce volume:
the new pod cannot mount it, or both write to it.

## Fix
Remove the override.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for p in [
        "/hub/deploymentStrategy/type",
        "/proxy/deploymentStrategy/type",
    ] {
        if let Some((v, origin)) = cx.raw_value(p)
            && v != &Value::String("Recreate".into())
        {
            out.push(
                cx.diag(&RULE, "the hub and proxy must be replaced, not rolled")
                    .at(origin, "not `Recreate`")
                    .key(format!("values{}", p.replace('/', ".")))
                    .help("remove the override: the chart's `Recreate` keeps one hub at a time"),
            );
        }
    }
}
