//! Behind an Ingress, the proxy needs no load balancer.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "ingress/load-balancer",
    severity: Severity::Warning,
    stage: Stage::Values,
    summary: "`proxy.service.type` other than `ClusterIP` behind an Ingress",
    docs: r#"## What it does
Warns when `[values]` sets `proxy.service.type` to `LoadBalancer` or
`NodePort` (jhubgen emits `ClusterIP`).

## Why is this bad?
The chart's default is `LoadBalancer`; behind an Ingress it exposes the proxy
a second time, around the Ingress's TLS and annotations. On k3s, ServiceLB
also tries to bind ports 80/443 that Traefik already holds.

## Fix
Remove the override.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    if let Some((Value::String(t), origin)) = cx.raw_value("/proxy/service/type")
        && t != "ClusterIP"
    {
        out.push(
            cx.diag(&RULE, format!("a `{t}` proxy service bypasses the Ingress"))
                .at(origin, "exposes the proxy directly")
                .key("values.proxy.service.type")
                .help("remove it: behind an Ingress the proxy service is `ClusterIP`"),
        );
    }
}
