//! A ServiceMonitor must carry the labels Prometheus selects.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "monitoring/selector-labels",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "a ServiceMonitor without the labels Prometheus selects it by",
    docs: r#"## What it does
Warns when `monitoring.service_monitor` is on and `monitoring.labels` is empty.

## Why is this bad?
A Prometheus resource only loads ServiceMonitors that match its
`serviceMonitorSelector`; kube-prometheus-stack selects `release: <its release
name>` by default. Without labels the ServiceMonitor is applied and never
scraped, and nothing reports it.

## Fix
`labels = { release = "<prometheus release>" }` (the seed's AIV uses
`release = "aiv-prometheus"`).
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let m = &cx.r.spec.monitoring;
    if m.service_monitor && m.labels.is_empty() {
        out.push(
            cx.diag(&RULE, "the ServiceMonitor has no labels for Prometheus to select it by")
                .at(cx.key_at("/monitoring"), "no `labels`")
                .key("monitoring.labels")
                .help("add the label your Prometheus's `serviceMonitorSelector` matches, e.g. `labels = { release = \"prometheus\" }`"),
        );
    }
}
