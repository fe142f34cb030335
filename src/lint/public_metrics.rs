//! Unauthenticated hub metrics are public through the ingress.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::ScrapeAuth;

pub const RULE: Rule = Rule {
    code: "monitoring/public-metrics",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "hub metrics without authentication",
    docs: r#"## What it does
Warns when `monitoring.scrape_auth = "none"`.

## Why is this bad?
It sets `hub.authenticatePrometheus: false`, and `/hub/metrics` is routed by
the public proxy like the rest of `/hub/`, so anyone who can reach the host
reads user counts, spawn activity and server names.

## Fix
Use `scrape_auth = "token"` (the default): jhubgen gives Prometheus a
`read:metrics` token through the chart and the ServiceMonitor reads it.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let m = &cx.r.spec.monitoring;
    if m.scrape_auth == ScrapeAuth::None {
        out.push(
            cx.diag(
                &RULE,
                "`/hub/metrics` becomes readable by anyone who reaches the host",
            )
            .at(
                cx.at("/monitoring/scrape_auth"),
                "metrics without authentication",
            )
            .key("monitoring.scrape_auth")
            .help("use `scrape_auth = \"token\"`: Prometheus gets a `read:metrics` token"),
        );
    }
}
