//! The culler's timeout must outlast JupyterHub's activity reporting.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "culling/timeout-too-short",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a culling timeout of 90 seconds or less culls active servers",
    docs: r#"## What it does
Checks that `culling.timeout` is more than 90 seconds when culling is enabled.

## Why is this bad?
The idle culler's README says the timeout "should be greater than the sum of"
the single-user websocket ping interval (30 s) and
`JupyterHub.last_activity_interval`, which the chart sets to 60 s. Below that,
servers in active use look idle and are stopped under their users.

## Fix
Use a timeout well above 90 s: `timeout = 3600` is common.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let c = &cx.r.spec.culling;
    if c.enabled && c.timeout <= 90 {
        out.push(
            cx.diag(
                &RULE,
                format!("a timeout of {} s culls servers that are in use", c.timeout),
            )
            .at(cx.at("/culling/timeout"), "90 s or less")
            .key("culling.timeout")
            .help(
                "activity is reported every 30 s + 60 s; use a timeout well above 90 s, e.g. 3600",
            ),
        );
    }
}
