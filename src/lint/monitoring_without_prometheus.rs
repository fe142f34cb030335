//! A dashboard or alerts need a Prometheus that scrapes the hub.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "monitoring/without-prometheus",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a dashboard or alerts enabled with no ServiceMonitor to feed them",
    docs: r#"## What it does
Reports `monitoring.dashboard.enabled = true` or
`monitoring.alerts.enabled = true` when `monitoring.service_monitor = false`.

## Why is this bad?
Every `jupyterhub_*` series the dashboard draws and the alerts evaluate comes
from the hub's `/hub/metrics`, which only a ServiceMonitor (with its
`read:metrics` token and the NetworkPolicy opening) has Prometheus scrape:
without it the panels say "No data", the spawn-failure alert never fires,
and `JupyterHubDown` fires at once.

## Fix
Set `monitoring.service_monitor = true`, or drop the explicit `enabled`
(both default to the ServiceMonitor's setting).
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let m = &cx.r.spec.monitoring;
    if m.service_monitor {
        return;
    }
    for (what, on, pointer) in [
        (
            "dashboard",
            m.dashboard.enabled,
            "/monitoring/dashboard/enabled",
        ),
        ("alerts", m.alerts.enabled, "/monitoring/alerts/enabled"),
    ] {
        if on == Some(true) {
            out.push(
                cx.diag(
                    &RULE,
                    format!("the {what} are enabled, but nothing has Prometheus scrape the hub"),
                )
                .at(cx.at(pointer), "enabled here")
                .also(cx.at("/monitoring/service_monitor"), "no ServiceMonitor")
                .key(format!("monitoring.{what}.enabled"))
                .help("set `monitoring.service_monitor = true`, or drop `enabled` (it follows the ServiceMonitor)"),
            );
        }
    }
}
