//! The Cloudflare Tunnel: cloudflared's `config.yml`, and in cluster mode its
//! ConfigMap and Deployment.
//!
//! The hub's route is built from the spec, so it cannot drift from the
//! Ingress: its hostname *is* `ingress.host`, forwarded to `tunnel.origin`
//! (the ingress controller) with `httpHostHeader` set to that host — the
//! Ingress routes by host, and cloudflared would otherwise send the origin's
//! address as the Host header. The user's extra routes come first, the
//! catch-all (`http_status:404` by default) last, as cloudflared requires
//! (`../shared/domain/monitoring-notes.md` §5; the `tunnel/*` rules check
//! the whole list the way `cloudflared tunnel ingress validate` does).

use super::ingress::{Metadata, labels};
use crate::model::TunnelRuns;
use crate::resolve::Resolved;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Value, json};

/// Where the cluster Deployment mounts its credentials and config.
const CREDENTIALS: &str = "/etc/cloudflared/creds/credentials.json";
const CONFIG_DIR: &str = "/etc/cloudflared/config";

/// One rule of cloudflared's `ingress:` list, and the spec pointer that set it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub service: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_request: Option<OriginRequest>,
    /// The spec value this rule comes from (for diagnostics).
    #[serde(skip)]
    pub pointer: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginRequest {
    http_host_header: String,
}

/// The ingress rules, in cloudflared's order.
pub fn rules(r: &Resolved) -> Vec<Rule> {
    let Some(t) = &r.spec.tunnel else {
        return Vec::new();
    };
    let mut out: Vec<Rule> = t
        .routes
        .iter()
        .enumerate()
        .map(|(i, route)| Rule {
            hostname: route.hostname.clone(),
            path: route.path.clone(),
            service: route.service.clone(),
            origin_request: None,
            pointer: format!("/tunnel/routes/{i}"),
        })
        .collect();
    out.push(Rule {
        hostname: Some(r.spec.ingress.host.clone()),
        path: None,
        service: t.origin.clone(),
        origin_request: Some(OriginRequest {
            http_host_header: r.spec.ingress.host.clone(),
        }),
        pointer: "/tunnel/origin".into(),
    });
    out.push(Rule {
        hostname: None,
        path: None,
        service: t.catch_all.clone(),
        origin_request: None,
        pointer: "/tunnel/catch_all".into(),
    });
    out
}

#[derive(Serialize)]
pub struct Config {
    tunnel: String,
    #[serde(rename = "credentials-file")]
    credentials_file: String,
    metrics: &'static str,
    #[serde(rename = "no-autoupdate")]
    no_autoupdate: bool,
    ingress: Vec<Rule>,
}

/// cloudflared's configuration.
pub fn config(r: &Resolved) -> Config {
    let t = r.spec.tunnel.as_ref().expect("only for a tunnel");
    let cluster = t.runs == TunnelRuns::Cluster;
    Config {
        tunnel: t.name.clone(),
        credentials_file: if cluster {
            CREDENTIALS.to_string()
        } else {
            t.credentials_file.clone().unwrap_or_default()
        },
        // in the cluster the kubelet probes /ready on the pod's address
        metrics: if cluster {
            "0.0.0.0:2000"
        } else {
            "localhost:2000"
        },
        no_autoupdate: true,
        ingress: rules(r),
    }
}

pub fn runs(r: &Resolved, how: TunnelRuns) -> bool {
    r.spec.tunnel.as_ref().is_some_and(|t| t.runs == how)
}

fn meta(r: &Resolved) -> Metadata {
    let mut l = labels(r);
    l.insert("app.kubernetes.io/name".into(), "cloudflared".into());
    Metadata {
        name: "cloudflared",
        namespace: r.spec.environment.namespace.clone(),
        labels: l,
        annotations: IndexMap::new(),
    }
}

/// The ConfigMap with `config.yaml` (cluster mode).
pub fn config_map(r: &Resolved) -> Value {
    let text = super::yaml_text(&serde_json::to_value(config(r)).expect("serializes"));
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(r),
        "data": {"config.yaml": text},
    })
}

/// The Deployment (cluster mode): two replicas of cloudflared, its config
/// from the ConfigMap, its credentials from the Secret, probed on `/ready`.
pub fn deployment(r: &Resolved) -> Value {
    let t = r.spec.tunnel.as_ref().expect("only for a tunnel");
    let m = meta(r);
    let selector = json!({
        "app.kubernetes.io/name": "cloudflared",
        "app.kubernetes.io/instance": r.spec.environment.release,
    });
    let creds = t.credentials_secret.clone();
    let probe = json!({"httpGet": {"path": "/ready", "port": 2000}, "periodSeconds": 10, "failureThreshold": 3});
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": m,
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "securityContext": {"runAsNonRoot": true, "runAsUser": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{
                        "name": "cloudflared",
                        "image": t.image,
                        "args": ["tunnel", "--config", format!("{CONFIG_DIR}/config.yaml"), "run"],
                        "ports": [{"name": "metrics", "containerPort": 2000}],
                        "livenessProbe": {"initialDelaySeconds": 10, "httpGet": probe["httpGet"], "periodSeconds": 10, "failureThreshold": 3},
                        "readinessProbe": probe,
                        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
                        "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}},
                        "volumeMounts": [
                            {"name": "config", "mountPath": CONFIG_DIR, "readOnly": true},
                            {"name": "credentials", "mountPath": "/etc/cloudflared/creds", "readOnly": true},
                        ],
                    }],
                    "volumes": [
                        {"name": "config", "configMap": {"name": "cloudflared", "items": [{"key": "config.yaml", "path": "config.yaml"}]}},
                        {"name": "credentials", "secret": {
                            "secretName": creds.as_ref().map(|c| c.secret.clone()).unwrap_or_default(),
                            "items": [{"key": creds.as_ref().map(|c| c.key.clone()).unwrap_or_default(), "path": "credentials.json"}],
                        }},
                    ],
                },
            },
        },
    })
}
