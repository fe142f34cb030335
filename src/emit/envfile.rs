//! `config.env`: the environment's settings for shell scripts (the seed's
//! `lab-config.env` / `aiv-production-config.env`), from the same resolved
//! spec as the values, so the two cannot disagree.
//!
//! Every value is single-quoted (`'` written as `'\''`), so sourcing the file
//! (`. environments/lab/config.env`) runs nothing, whatever a value holds;
//! a value with a newline is refused by the `envfile/unsafe-value` rule
//! before this is written. No secret is ever a value: the specs hold only
//! the names of Secrets and CI variables.

use super::Delivery;
use crate::resolve::Resolved;
use indexmap::IndexMap;

/// The second line of the file's header (and of the registry's row).
pub const WHAT: &str = "The environment's settings for scripts (`. config.env`): every value single-quoted, no secret.";

/// The variables, in the order they are written.
pub fn variables(r: &Resolved) -> IndexMap<&'static str, String> {
    let s = &r.spec;
    let dir = format!("environments/{}", r.env);
    let files = |when: Delivery| {
        super::artifacts(r)
            .filter(|a| a.delivery == when)
            .map(|a| format!("{dir}/{}", (a.file)(r)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut v: IndexMap<&'static str, String> = IndexMap::new();
    v.insert("ENVIRONMENT", r.env.clone());
    v.insert("REGISTRY", s.image.registry.clone());
    v.insert("IMAGE_NAME", s.image.name.clone());
    v.insert("IMAGE_TAG", s.image.tag.clone());
    v.insert("JHUB_NAMESPACE", s.environment.namespace.clone());
    v.insert("JHUB_HOST", s.ingress.host.clone());
    v.insert("RELEASE_NAME", s.environment.release.clone());
    v.insert("STORAGE_CLASS", s.storage.class.clone());
    v.insert("VALUES_FILE", format!("{dir}/values.yaml"));
    v.insert("CHART_REPO", s.ci.deploy.chart_repo.clone());
    v.insert("CHART_VERSION", s.environment.chart_version.clone());
    v.insert("HELM_TIMEOUT", s.ci.deploy.timeout.clone());
    // what `kubectl apply` deploys before and after the chart, in order
    v.insert("APPLY_BEFORE", files(Delivery::ApplyBefore));
    v.insert("APPLY_AFTER", files(Delivery::ApplyAfter));
    if let Some(t) = &s.tunnel {
        v.insert("CLOUDFLARE_TUNNEL_NAME", t.name.clone());
        v.insert(
            "CLOUDFLARE_TUNNEL_RUNS",
            format!("{:?}", t.runs).to_lowercase(),
        );
        if s.ingress.class == "traefik" {
            v.insert("TRAEFIK_SERVICE", t.origin.clone());
        } else {
            v.insert("TUNNEL_ORIGIN", t.origin.clone());
        }
    }
    if let Some(g) = &s.monitoring.grafana_url {
        v.insert("GRAFANA_URL", g.clone());
    }
    v
}

/// A value as a single-quoted shell word.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The file: header, then `NAME='value'` lines.
pub fn text(r: &Resolved) -> String {
    let mut out = super::header(&r.inputs, WHAT);
    for (name, value) in variables(r) {
        out.push_str(&format!("{name}={}\n", quote(&value)));
    }
    out
}
