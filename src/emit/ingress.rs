//! `ingress.yaml`: a `networking.k8s.io/v1` Ingress to the chart's
//! `proxy-public` Service, port name `http` (what the chart's own Ingress
//! template targets). The chart's Ingress is switched off in the values so
//! that this one, with the TLS mode's block, is the only one.
//!
//! TLS modes: `edge` has no `tls` block (TLS ends at Cloudflare or a load
//! balancer); `secret` names an existing TLS Secret; `cert-manager` adds the
//! issuer annotation and the Secret cert-manager fills.

use crate::model::{IssuerKind, TlsMode};
use crate::resolve::Resolved;
use serde_json::{Map, Value, json};

/// Labels on every object jhubgen emits beside the chart.
pub fn labels(r: &Resolved) -> Value {
    json!({
        "app.kubernetes.io/name": "jupyterhub",
        "app.kubernetes.io/instance": r.spec.environment.release,
        "app.kubernetes.io/managed-by": "jhubgen",
    })
}

/// The Secret cert-manager writes when the spec names none.
pub fn tls_secret_name(r: &Resolved) -> String {
    r.spec
        .tls
        .secret
        .clone()
        .unwrap_or_else(|| format!("{}-tls", r.spec.environment.release))
}

pub fn ingress(r: &Resolved) -> Value {
    let s = &r.spec;
    let mut annotations: Map<String, Value> = s
        .ingress
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    if let (TlsMode::CertManager, Some(issuer)) = (s.tls.mode, &s.tls.issuer) {
        let key = match issuer.kind {
            IssuerKind::ClusterIssuer => "cert-manager.io/cluster-issuer",
            IssuerKind::Issuer => "cert-manager.io/issuer",
        };
        annotations.insert(key.into(), json!(issuer.name));
    }
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!("jupyterhub"));
    metadata.insert("namespace".into(), json!(s.environment.namespace));
    metadata.insert("labels".into(), labels(r));
    if !annotations.is_empty() {
        metadata.insert("annotations".into(), Value::Object(annotations));
    }
    let path = if r.base_path().is_empty() {
        "/".to_string()
    } else {
        r.base_path().to_string()
    };
    let mut spec = Map::new();
    spec.insert("ingressClassName".into(), json!(s.ingress.class));
    if s.tls.mode != TlsMode::Edge {
        spec.insert(
            "tls".into(),
            json!([{"hosts": [s.ingress.host], "secretName": tls_secret_name(r)}]),
        );
    }
    spec.insert(
        "rules".into(),
        json!([{
            "host": s.ingress.host,
            "http": {"paths": [{
                "path": path,
                "pathType": "Prefix",
                "backend": {"service": {"name": "proxy-public", "port": {"name": "http"}}},
            }]},
        }]),
    );
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": spec,
    })
}
