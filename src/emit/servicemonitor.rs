//! `servicemonitor.yaml`: a prometheus-operator ServiceMonitor for the hub's
//! `/hub/metrics`.
//!
//! It selects the chart's hub Service by the legacy labels the chart's own
//! selectors use (`app`, `component`, `release`), port name `hub`. With
//! `scrape_auth = "token"` the endpoint sends the token the chart generates
//! for the `prometheus` service (granted `read:metrics` in the values), read
//! from the chart's `hub` Secret in the same namespace; without it JupyterHub
//! answers 403. The values also open the hub's NetworkPolicy to Prometheus.

use super::ingress::{Metadata, labels};
use super::values::METRICS_SERVICE;
use crate::model::ScrapeAuth;
use crate::resolve::Resolved;
use indexmap::IndexMap;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitor {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: Spec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    /// The hub Service's labels copied onto every series, so queries can
    /// filter on `app` / `component` (the chart's legacy labels).
    target_labels: Vec<&'static str>,
    selector: Selector,
    namespace_selector: NamespaceSelector,
    endpoints: Vec<Endpoint>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector {
    match_labels: IndexMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NamespaceSelector {
    match_names: Vec<String>,
}

#[derive(Serialize)]
struct Endpoint {
    port: &'static str,
    path: String,
    scheme: &'static str,
    interval: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization: Option<Authorization>,
}

#[derive(Serialize)]
struct Authorization {
    #[serde(rename = "type")]
    kind: &'static str,
    credentials: SecretKey,
}

#[derive(Serialize)]
struct SecretKey {
    name: &'static str,
    key: String,
}

pub fn service_monitor(r: &Resolved) -> ServiceMonitor {
    let s = &r.spec;
    let m = &s.monitoring;
    let mut meta_labels = labels(r);
    for (k, v) in &m.labels {
        meta_labels.insert(k.clone(), v.clone());
    }
    let authorization = (m.scrape_auth == ScrapeAuth::Token).then(|| Authorization {
        kind: "Bearer",
        credentials: SecretKey {
            name: "hub",
            key: format!("hub.services.{METRICS_SERVICE}.apiToken"),
        },
    });
    ServiceMonitor {
        api_version: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: Metadata {
            name: "jupyterhub-hub",
            namespace: s.environment.namespace.clone(),
            labels: meta_labels,
            annotations: IndexMap::new(),
        },
        spec: Spec {
            target_labels: vec!["app", "component"],
            selector: Selector {
                match_labels: IndexMap::from([
                    ("app", "jupyterhub".to_string()),
                    ("component", "hub".to_string()),
                    ("release", s.environment.release.clone()),
                ]),
            },
            namespace_selector: NamespaceSelector {
                match_names: vec![s.environment.namespace.clone()],
            },
            endpoints: vec![Endpoint {
                port: "hub",
                path: format!("{}/hub/metrics", r.base_path()),
                scheme: "http",
                interval: m.interval.clone(),
                authorization,
            }],
        },
    }
}
