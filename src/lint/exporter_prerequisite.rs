//! What the cluster's monitoring must export for the dashboard's panels.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::emit::dashboard::{self, PROFILE_LABEL};

pub const RULE: Rule = Rule {
    code: "monitoring/exporter-prerequisite",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "dashboard panels that need an exporter setting the spec does not declare",
    docs: r#"## What it does
Warns when the dashboard is emitted and the spec does not declare, under
`[monitoring.exporters]`, what two of its panel groups need from the cluster's
monitoring — which jhubgen cannot emit into someone else's Prometheus:

- `kube_state_metrics_pod_labels`: kube-state-metrics exports the user pods'
  labels (`metricLabelsAllowlist: ["pods=[app,component,hub.jupyter.org/username,hub.jupyter.org/profile]"]`).
  The per-profile CPU and memory panels join on them.
- `dcgm_pod_labels` (only with GPU panels): NVIDIA dcgm-exporter maps GPUs to
  pods and its ServiceMonitor keeps those `namespace`/`pod` labels.

## Why is this bad?
Without them those panels say "No data" — the most common complaint about
JupyterHub dashboards: kube-prometheus-stack's default allowlist is empty.

## Fix
Configure the exporter (or ask the cluster's owners to), then declare it:
`[monitoring.exporters] kube_state_metrics_pod_labels = true`. Until then,
accept the warning with a reason: `[[lint.allow]] code = "monitoring/exporter-prerequisite"`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let r = cx.r;
    let e = &r.spec.monitoring.exporters;
    if !dashboard::emitted(r) {
        return;
    }
    if !e.kube_state_metrics_pod_labels {
        out.push(
            cx.diag(
                &RULE,
                "the per-profile panels need kube-state-metrics to export the user pods' labels",
            )
            .at(cx.at("/monitoring/exporters/kube_state_metrics_pod_labels"), "not declared")
            .key("monitoring.exporters.kube_state_metrics_pod_labels")
            .help(format!(
                "set kube-state-metrics' `metricLabelsAllowlist: [\"pods=[app,component,hub.jupyter.org/username,{PROFILE_LABEL}]\"]` (kube-prometheus-stack: `kube-state-metrics.metricLabelsAllowlist`), then declare it: `[monitoring.exporters] kube_state_metrics_pod_labels = true`"
            )),
        );
    }
    if dashboard::gpu_panels(r) && !e.dcgm_pod_labels {
        out.push(
            cx.diag(
                &RULE,
                "the GPU panels need dcgm-exporter to label its series with the user pods",
            )
            .at(cx.at("/monitoring/exporters/dcgm_pod_labels"), "not declared")
            .key("monitoring.exporters.dcgm_pod_labels")
            .help("run dcgm-exporter with pod mapping (the GPU operator's default `kubernetes` mode) and `honorLabels: true` on its ServiceMonitor, then declare it: `[monitoring.exporters] dcgm_pod_labels = true`"),
        );
    }
}
