//! `servicemonitor.yaml`: a prometheus-operator ServiceMonitor for the hub's
//! `/hub/metrics`.
//!
//! It selects the chart's hub Service by the legacy labels the chart's own
//! selectors use (`app`, `component`, `release`), port name `hub`. With
//! `scrape_auth = "token"` the endpoint sends the token the chart generates
//! for the `prometheus` service (granted `read:metrics` in the values), read
//! from the chart's `hub` Secret in the same namespace; without it JupyterHub
//! answers 403. The values also open the hub's NetworkPolicy to Prometheus.

use super::ingress::labels;
use super::values::METRICS_SERVICE;
use crate::model::ScrapeAuth;
use crate::resolve::Resolved;
use serde_json::{Map, Value, json};

pub fn service_monitor(r: &Resolved) -> Value {
    let s = &r.spec;
    let m = &s.monitoring;
    let mut meta_labels = labels(r);
    if let Value::Object(l) = &mut meta_labels {
        for (k, v) in &m.labels {
            l.insert(k.clone(), json!(v));
        }
    }
    let mut endpoint = Map::new();
    endpoint.insert("port".into(), json!("hub"));
    endpoint.insert(
        "path".into(),
        json!(format!("{}/hub/metrics", r.base_path())),
    );
    endpoint.insert("scheme".into(), json!("http"));
    endpoint.insert("interval".into(), json!(m.interval));
    if m.scrape_auth == ScrapeAuth::Token {
        endpoint.insert(
            "authorization".into(),
            json!({
                "type": "Bearer",
                "credentials": {"name": "hub", "key": format!("hub.services.{METRICS_SERVICE}.apiToken")},
            }),
        );
    }
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {
            "name": "jupyterhub-hub",
            "namespace": s.environment.namespace,
            "labels": meta_labels,
        },
        "spec": {
            "selector": {"matchLabels": {
                "app": "jupyterhub",
                "component": "hub",
                "release": s.environment.release,
            }},
            "namespaceSelector": {"matchNames": [s.environment.namespace]},
            "endpoints": [endpoint],
        },
    })
}
