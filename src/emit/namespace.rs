//! `namespace.yaml`: the environment's Namespace, with the Pod Security
//! Admission labels the seed's "same pod security policies" mean today
//! (PodSecurityPolicy was removed in Kubernetes 1.25).
//!
//! The namespace *enforces* `cluster.pod_security` — `baseline` unless the
//! spec says otherwise: every pod of the chart and every user pod jhubgen's
//! values make passes it (the runtime tests check the user pods against it),
//! while `restricted` also refuses notebook images that run as root, which
//! many CUDA images do. It *warns* and *audits* at `restricted`, so
//! `kubectl apply` and the audit log show what a stricter level would refuse.
//! It is applied before `helm upgrade`, which only creates the namespace
//! (without labels) when it is missing.

use crate::model::PodSecurity;
use crate::resolve::Resolved;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    api_version: &'static str,
    kind: &'static str,
    metadata: Metadata,
}

#[derive(Serialize)]
pub struct Metadata {
    name: String,
    labels: BTreeMap<String, String>,
}

/// Does jhubgen write the environment's Namespace?
pub fn applies(r: &Resolved) -> bool {
    r.spec.cluster.manage_namespace
}

pub fn namespace(r: &Resolved) -> Namespace {
    let enforce = r.spec.pod_security();
    let mut labels = BTreeMap::new();
    let psa = |mode: &str| format!("pod-security.kubernetes.io/{mode}");
    labels.insert(psa("enforce"), enforce.name().to_string());
    labels.insert(psa("enforce-version"), "latest".to_string());
    let report = enforce.max(PodSecurity::Restricted);
    for mode in ["warn", "audit"] {
        labels.insert(psa(mode), report.name().to_string());
        labels.insert(psa(&format!("{mode}-version")), "latest".to_string());
    }
    labels.insert(
        "app.kubernetes.io/managed-by".to_string(),
        "jhubgen".to_string(),
    );
    Namespace {
        api_version: "v1",
        kind: "Namespace",
        metadata: Metadata {
            name: r.spec.environment.namespace.clone(),
            labels,
        },
    }
}
