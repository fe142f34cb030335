//! A ServiceMonitor is useless if the hub's NetworkPolicy keeps Prometheus out.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "monitoring/unreachable-hub",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "a ServiceMonitor whose Prometheus no NetworkPolicy rule lets reach the hub",
    docs: r#"## What it does
Flags `monitoring.service_monitor = true` when nothing in the hub's
NetworkPolicy admits Prometheus: no `monitoring.prometheus_namespace`, no
`monitoring.prometheus_pod_labels`, and no ingress rule, open port or
`interNamespaceAccessLabels` in `[values]`.

## Why is this bad?
The chart's hub NetworkPolicy (`templates/hub/netpol.yaml`, chart 4.4.0)
admits only pods labelled `hub.jupyter.org/network-access-hub` of the hub's
own namespace. Prometheus runs elsewhere: every scrape times out, the target
is down and every panel and alert on hub metrics is empty.
`interNamespaceAccessLabels: accept` is no fix on its own: it admits only
namespaces or pods carrying that label, which nobody sets on Prometheus, and
then admits *any* labelled pod of the cluster.

## Fix
Name Prometheus' namespace (`monitoring.prometheus_namespace`), and its pods'
labels where known (`prometheus_pod_labels`; prometheus-operator labels them
`app.kubernetes.io/name = "prometheus"`): jhubgen adds one ingress rule for
them, to the hub's port only.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let m = &cx.r.spec.monitoring;
    if !m.service_monitor {
        return;
    }
    let np = |p: &str| cx.value(&format!("/hub/networkPolicy{p}"));
    if np("/enabled") == Some(&Value::Bool(false)) {
        return;
    }
    let nonempty = |v: Option<&Value>| v.and_then(Value::as_array).is_some_and(|a| !a.is_empty());
    let open_port = np("/allowedIngressPorts")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|p| p == "http" || p == 8081));
    let labels = np("/interNamespaceAccessLabels") == Some(&Value::String("accept".into()));
    if nonempty(np("/ingress")) || open_port || labels {
        return;
    }
    out.push(
        cx.diag(&RULE, "the ServiceMonitor's Prometheus cannot reach the hub: its NetworkPolicy admits no other namespace")
            .at(cx.at("/monitoring"), "scraped through a closed NetworkPolicy")
            .key("monitoring.prometheus_namespace")
            .help("set `monitoring.prometheus_namespace` (and `prometheus_pod_labels`, e.g. `{ \"app.kubernetes.io/name\" = \"prometheus\" }`)"),
    );
}
