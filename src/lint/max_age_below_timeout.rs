//! A max age below the idle timeout pre-empts the idle policy.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "culling/max-age-below-timeout",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "a culling max age shorter than the idle timeout",
    docs: r#"## What it does
Warns when `culling.max_age` is set (non-zero) and smaller than `culling.timeout`.

## Why is this bad?
`--max-age` culls servers older than it "even if they are active" (culler
README), so a max age below the idle timeout stops every server before the idle
rule could ever apply: users lose running work on a fixed clock.

## Fix
Make `max_age` larger than `timeout`, or `0` to turn it off.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let c = &cx.r.spec.culling;
    if c.enabled && c.max_age > 0 && c.max_age < c.timeout {
        out.push(
            cx.diag(
                &RULE,
                format!(
                    "max age {} s is shorter than the idle timeout {} s",
                    c.max_age, c.timeout
                ),
            )
            .at(cx.at("/culling/max_age"), "culls active servers first")
            .peer(cx.at("/culling/timeout"), "idle timeout")
            .key("culling.max_age")
            .help("make `max_age` larger than `timeout`, or 0 to turn it off"),
        );
    }
}
