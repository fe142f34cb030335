//! jhubgen emits its own Ingress; the chart's stays off.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "ingress/chart-ingress",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "the chart's own Ingress turned on beside jhubgen's",
    docs: r#"## What it does
Flags `ingress.enabled = true` in `[values]`.

## Why is this bad?
jhubgen writes `ingress.yaml` with the TLS mode of the environment and turns
the chart's Ingress off. Both together are two Ingresses for one host: the
controller picks one, and the other's TLS and annotations silently do
nothing (or the admission webhook rejects the duplicate host).

## Fix
Remove it, and set the host, class, annotations and TLS in the spec's
`[ingress]` and `[tls]`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    if let Some((Value::Bool(true), origin)) = cx.raw_value("/ingress/enabled") {
        out.push(
            cx.diag(&RULE, "a second Ingress for the same host")
                .at(origin, "chart Ingress enabled")
                .also(cx.at("/ingress/host"), "jhubgen's Ingress host")
                .key("values.ingress.enabled")
                .help("remove it: configure `[ingress]` and `[tls]` in the spec instead"),
        );
    }
}
