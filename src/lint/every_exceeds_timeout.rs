//! The culler should run more often than the timeout.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "culling/every-exceeds-timeout",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "the culler runs less often than the idle timeout",
    docs: r#"## What it does
Warns when `culling.every` is larger than `culling.timeout`.

## Why is this bad?
An idle server is only culled when the culler runs, so it can live up to
`timeout + every` seconds. The culler's own default is `timeout / 2`.

## Fix
Set `every` to at most `timeout` (half of it is the culler's default).
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let c = &cx.r.spec.culling;
    if let Some(every) = c.every.filter(|&e| c.enabled && e > c.timeout) {
        out.push(
            cx.diag(
                &RULE,
                format!(
                    "the culler runs every {every} s, more than the {} s timeout",
                    c.timeout
                ),
            )
            .at(cx.at("/culling/every"), "longer than the timeout")
            .peer(cx.at("/culling/timeout"), "idle timeout")
            .key("culling.every")
            .help(format!(
                "use `every = {}` (half the timeout) or less",
                c.timeout / 2
            )),
        );
    }
}
