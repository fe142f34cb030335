//! `prometheusrule.yaml`: the environment's alert rules, a prometheus-operator
//! `PrometheusRule` labelled like the ServiceMonitor (`release: …`), so the
//! same Prometheus selects both.
//!
//! Every expression is scoped to the environment's namespace. Counters are
//! read through `increase` over a window, never raw: the hub restarts after
//! `consecutiveFailureLimit` failed spawns, which resets every counter.

use super::dashboard::{HUB_DB_PVC, USER_POD};
use super::ingress::{Metadata, labels};
use crate::model::{Alert, AlertSeverity};
use crate::resolve::Resolved;
use indexmap::IndexMap;
use serde::Serialize;

/// One alert of the table: its defaults and its expression.
pub struct Def {
    /// The key under `[monitoring.alerts]`.
    pub key: &'static str,
    /// The alert's name.
    pub name: &'static str,
    /// What the threshold counts (`None`: the alert takes none).
    pub unit: Option<&'static str>,
    pub threshold: Option<f64>,
    /// The default window (`None`: the alert takes none).
    pub window: Option<&'static str>,
    pub for_: &'static str,
    pub severity: AlertSeverity,
    /// (namespace, threshold, window) → PromQL.
    pub expr: fn(&str, f64, &str) -> String,
    /// What it means, for the README and the summary.
    pub summary: &'static str,
    /// What to check first.
    pub check: &'static str,
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Every alert, in the order of the rule group.
pub const ALERTS: &[Def] = &[
    Def {
        key: "hub_down",
        name: "JupyterHubDown",
        unit: None,
        threshold: None,
        window: None,
        for_: "5m",
        severity: AlertSeverity::Critical,
        expr: |ns, _, _| {
            format!(
                "up{{job=\"hub\", namespace=\"{ns}\"}} == 0 or absent(up{{job=\"hub\", namespace=\"{ns}\"}})"
            )
        },
        summary: "the hub's metrics endpoint is down or gone: nobody can log in or start a server",
        check: "`kubectl -n {ns} get pods -l component=hub` and the hub's log (`kubectl -n {ns} logs deploy/hub`); a hub that restarts after repeated failed spawns (`hub.consecutiveFailureLimit`) shows it there",
    },
    Def {
        key: "spawn_failures",
        name: "JupyterHubSpawnFailures",
        unit: Some("failed starts"),
        threshold: Some(3.0),
        window: Some("15m"),
        for_: "1m",
        severity: AlertSeverity::Warning,
        expr: |ns, t, w| {
            format!(
                "sum(increase(jupyterhub_server_spawn_duration_seconds_count{{namespace=\"{ns}\", status=\"failure\"}}[{w}])) >= {}",
                num(t)
            )
        },
        summary: "user servers fail to start",
        check: "the events of the failed `jupyter-…` pods (`kubectl -n {ns} get events --sort-by=.lastTimestamp`): an image that cannot be pulled, a quota, a volume that does not bind",
    },
    Def {
        key: "slow_spawns",
        name: "JupyterHubSlowSpawns",
        unit: Some("seconds"),
        threshold: Some(300.0),
        window: Some("30m"),
        for_: "15m",
        severity: AlertSeverity::Warning,
        expr: |ns, t, w| {
            format!(
                "histogram_quantile(0.95, sum by (le) (rate(jupyterhub_server_spawn_duration_seconds_bucket{{namespace=\"{ns}\", status=\"success\"}}[{w}]))) > {}",
                num(t)
            )
        },
        summary: "user servers take long to start (95th percentile)",
        check: "image pulls (is the pre-puller running, is the registry slow?) and node autoscaling; `kubectl -n {ns} describe pod jupyter-…` shows where the time goes",
    },
    Def {
        key: "proxy_route_failures",
        name: "JupyterHubProxyRouteFailures",
        unit: Some("failed route changes"),
        threshold: Some(1.0),
        window: Some("15m"),
        for_: "0s",
        severity: AlertSeverity::Warning,
        expr: |ns, t, w| {
            format!(
                "sum(increase(jupyterhub_proxy_add_duration_seconds_count{{namespace=\"{ns}\", status=\"failure\"}}[{w}])) + sum(increase(jupyterhub_proxy_delete_duration_seconds_count{{namespace=\"{ns}\", status=\"failure\"}}[{w}])) >= {}",
                num(t)
            )
        },
        summary: "the hub cannot add or remove proxy routes: users reach no server, or a stopped one",
        check: "the proxy pod (`kubectl -n {ns} logs deploy/proxy`) and the hub's NetworkPolicy to the proxy's API port 8001",
    },
    Def {
        key: "pending_user_pods",
        name: "JupyterHubUserPodPending",
        unit: None,
        threshold: None,
        window: None,
        for_: "10m",
        severity: AlertSeverity::Warning,
        expr: |ns, _, _| {
            format!(
                "max by (namespace, pod) (kube_pod_status_phase{{namespace=\"{ns}\", pod=~\"{USER_POD}\", phase=\"Pending\"}}) == 1"
            )
        },
        summary: "a user server waits for a node: usually no free GPU",
        check: "`kubectl -n {ns} describe pod {{ $labels.pod }}` (Insufficient nvidia.com/gpu, cpu or memory) and the GPU nodes' allocations",
    },
    Def {
        key: "hub_db_volume",
        name: "JupyterHubDatabaseVolumeFull",
        unit: Some("percent"),
        threshold: Some(90.0),
        window: None,
        for_: "15m",
        severity: AlertSeverity::Warning,
        expr: |ns, t, _| {
            format!(
                "100 * kubelet_volume_stats_used_bytes{{namespace=\"{ns}\", persistentvolumeclaim=\"{HUB_DB_PVC}\"}} / kubelet_volume_stats_capacity_bytes{{namespace=\"{ns}\", persistentvolumeclaim=\"{HUB_DB_PVC}\"}} > {}",
                num(t)
            )
        },
        summary: "the hub's database volume is nearly full: when it is, the hub stops",
        check: "the `hub-db-dir` claim (`kubectl -n {ns} get pvc hub-db-dir`): grow it, or prune old users and tokens",
    },
];

/// An alert's settings from the spec.
pub fn settings<'a>(r: &'a Resolved, key: &str) -> &'a Alert {
    let a = &r.spec.monitoring.alerts;
    match key {
        "hub_down" => &a.hub_down,
        "spawn_failures" => &a.spawn_failures,
        "slow_spawns" => &a.slow_spawns,
        "proxy_route_failures" => &a.proxy_route_failures,
        "pending_user_pods" => &a.pending_user_pods,
        "hub_db_volume" => &a.hub_db_volume,
        other => unreachable!("no alert `{other}`"),
    }
}

/// Whether the environment has a rule file: alerts on (by default, when a
/// ServiceMonitor feeds Prometheus) and at least one alert enabled.
pub fn applies(r: &Resolved) -> bool {
    let m = &r.spec.monitoring;
    m.alerts.enabled.unwrap_or(m.service_monitor)
        && ALERTS
            .iter()
            .any(|d| settings(r, d.key).enabled.unwrap_or(true))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRule {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Serialize)]
struct Spec {
    groups: Vec<Group>,
}

#[derive(Serialize)]
struct Group {
    name: String,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    alert: &'static str,
    expr: String,
    #[serde(rename = "for")]
    for_: String,
    labels: IndexMap<&'static str, String>,
    annotations: IndexMap<&'static str, String>,
}

pub fn prometheus_rule(r: &Resolved) -> PrometheusRule {
    let s = &r.spec;
    let ns = s.environment.namespace.as_str();
    let mut meta_labels = labels(r);
    for (k, v) in &s.monitoring.labels {
        meta_labels.insert(k.clone(), v.clone());
    }
    let rules = ALERTS
        .iter()
        .filter(|d| settings(r, d.key).enabled.unwrap_or(true))
        .map(|d| {
            let a = settings(r, d.key);
            let threshold = a.threshold.or(d.threshold).unwrap_or(0.0);
            let window = a.window.as_deref().or(d.window).unwrap_or("5m");
            let severity = a.severity.unwrap_or(d.severity);
            let check = d.check.replace("{ns}", ns);
            let limit = match d.unit {
                Some(unit) => format!(" (threshold: {} {unit}", num(threshold)),
                None => String::new(),
            };
            let limit = match (d.unit, d.window) {
                (Some(_), Some(_)) => format!("{limit} in {window})"),
                (Some(_), None) => format!("{limit})"),
                _ => limit,
            };
            Rule {
                alert: d.name,
                expr: (d.expr)(ns, threshold, window),
                for_: a.for_.clone().unwrap_or_else(|| d.for_.to_string()),
                labels: IndexMap::from([
                    ("severity", severity.as_str().to_string()),
                    ("environment", r.env.clone()),
                ]),
                annotations: IndexMap::from([
                    (
                        "summary",
                        format!("JupyterHub {} ({ns}): {}", r.env, d.summary),
                    ),
                    (
                        "description",
                        format!(
                            "{}{limit}, value {{{{ $value }}}}. Check first: {check}.",
                            capitalise(d.summary)
                        ),
                    ),
                ]),
            }
        })
        .collect();
    PrometheusRule {
        api_version: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: Metadata {
            name: "jupyterhub-alerts",
            namespace: s.environment.namespace.clone(),
            labels: meta_labels,
            annotations: IndexMap::new(),
        },
        spec: Spec {
            groups: vec![Group {
                name: format!("jupyterhub-{}", r.env),
                rules,
            }],
        },
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
