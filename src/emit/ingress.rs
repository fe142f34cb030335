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
use indexmap::IndexMap;
use serde::Serialize;

/// Labels on every object jhubgen emits beside the chart.
pub fn labels(r: &Resolved) -> IndexMap<String, String> {
    IndexMap::from([
        ("app.kubernetes.io/name".into(), "jupyterhub".into()),
        (
            "app.kubernetes.io/instance".into(),
            r.spec.environment.release.clone(),
        ),
        ("app.kubernetes.io/managed-by".into(), "jhubgen".into()),
    ])
}

/// The Secret cert-manager writes when the spec names none.
pub fn tls_secret_name(r: &Resolved) -> String {
    r.spec
        .tls
        .secret
        .clone()
        .unwrap_or_else(|| format!("{}-tls", r.spec.environment.release))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ingress {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
    spec: Spec,
}

/// Object metadata of the manifests jhubgen emits beside the chart.
#[derive(Serialize)]
pub struct Metadata {
    pub name: &'static str,
    pub namespace: String,
    pub labels: IndexMap<String, String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub annotations: IndexMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    ingress_class_name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tls: Vec<Tls>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tls {
    hosts: Vec<String>,
    secret_name: String,
}

#[derive(Serialize)]
struct Rule {
    host: String,
    http: Http,
}

#[derive(Serialize)]
struct Http {
    paths: Vec<Path>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Path {
    path: String,
    path_type: &'static str,
    backend: Backend,
}

#[derive(Serialize)]
struct Backend {
    service: Service,
}

#[derive(Serialize)]
struct Service {
    name: &'static str,
    port: Port,
}

#[derive(Serialize)]
struct Port {
    name: &'static str,
}

pub fn ingress(r: &Resolved) -> Ingress {
    let s = &r.spec;
    let mut annotations = s
        .ingress
        .annotations
        .clone()
        .into_iter()
        .collect::<IndexMap<_, _>>();
    if let (TlsMode::CertManager, Some(issuer)) = (s.tls.mode, &s.tls.issuer) {
        let key = match issuer.kind {
            IssuerKind::ClusterIssuer => "cert-manager.io/cluster-issuer",
            IssuerKind::Issuer => "cert-manager.io/issuer",
        };
        annotations.insert(key.into(), issuer.name.clone());
    }
    let path = if r.base_path().is_empty() {
        "/".to_string()
    } else {
        r.base_path().to_string()
    };
    let tls = if s.tls.mode == TlsMode::Edge {
        Vec::new()
    } else {
        vec![Tls {
            hosts: vec![s.ingress.host.clone()],
            secret_name: tls_secret_name(r),
        }]
    };
    Ingress {
        api_version: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: Metadata {
            name: "jupyterhub",
            namespace: s.environment.namespace.clone(),
            labels: labels(r),
            annotations,
        },
        spec: Spec {
            ingress_class_name: s.ingress.class.clone(),
            tls,
            rules: vec![Rule {
                host: s.ingress.host.clone(),
                http: Http {
                    paths: vec![Path {
                        path,
                        path_type: "Prefix",
                        backend: Backend {
                            service: Service {
                                name: "proxy-public",
                                port: Port { name: "http" },
                            },
                        },
                    }],
                },
            }],
        },
    }
}
