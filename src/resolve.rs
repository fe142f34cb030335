//! Resolve: from a schema-valid merged tree to the typed spec, plus the
//! checks that need several fields at once to decide whether the spec can be
//! emitted at all (the provider's own table, the TLS mode's secret or issuer,
//! the OAuth client's Secret). Lint rules that judge a buildable spec live in
//! the linter; these are the ones without which no correct output exists.

use crate::diag::Diag;
use crate::model::{AuthProvider, Spec, TlsMode};
use crate::source::Origin;
use crate::tree::{ProvMap, lookup};
use serde_json::Value;

/// A merged, checked environment, ready to emit.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Environment name (the overlay's file stem).
    pub env: String,
    /// The input files, relative to the root, in merge order.
    pub inputs: Vec<String>,
    pub spec: Spec,
    /// The merged tree as JSON, and where each value in it came from.
    pub doc: Value,
    pub provs: ProvMap,
}

impl Resolved {
    /// The span that set the value at a JSON pointer (or its nearest ancestor).
    pub fn origin(&self, pointer: &str) -> Origin {
        lookup(&self.provs, pointer)
            .map(|(_, p)| p.origin().clone())
            .expect("the root of a merged tree always has a provenance")
    }

    /// The span of the key at a JSON pointer, else of its value.
    pub fn key_origin(&self, pointer: &str) -> Origin {
        lookup(&self.provs, pointer)
            .map(|(_, p)| p.key_or_value().clone())
            .expect("the root of a merged tree always has a provenance")
    }

    /// `https://<host><base_url>hub/oauth_callback`.
    pub fn callback_url(&self) -> String {
        format!(
            "https://{}{}hub/oauth_callback",
            self.spec.ingress.host, self.spec.hub.base_url
        )
    }

    /// The hub's base URL without its trailing slash (`""` for `/`).
    pub fn base_path(&self) -> &str {
        self.spec.hub.base_url.trim_end_matches('/')
    }
}

/// Deserializes the merged tree and checks cross-field requirements.
pub fn resolve(
    env: &str,
    inputs: Vec<String>,
    doc: Value,
    provs: ProvMap,
) -> Result<Resolved, Vec<Diag>> {
    let spec: Spec = match serde_json::from_value(doc.clone()) {
        Ok(s) => s,
        Err(e) => {
            // The schema is derived from the same types, so this is a jhubgen bug.
            let origin = lookup(&provs, "").map(|(_, p)| p.origin().clone());
            let mut d = Diag::error(
                "internal/model",
                format!("jhubgen bug: the spec passed its schema but not its model: {e}"),
            )
            .help("please report this with the spec that caused it");
            if let Some(o) = origin {
                d = d.at(o, "");
            }
            return Err(vec![d]);
        }
    };
    let r = Resolved {
        env: env.to_string(),
        inputs,
        spec,
        doc,
        provs,
    };
    let diags = cross_checks(&r);
    if diags.iter().any(Diag::is_error) {
        Err(diags)
    } else {
        Ok(r)
    }
}

fn cross_checks(r: &Resolved) -> Vec<Diag> {
    let mut out = Vec::new();
    let s = &r.spec;
    let auth = &s.auth;
    let provider = match auth.provider {
        AuthProvider::Github => "github",
        AuthProvider::Azuread => "azuread",
        AuthProvider::Dummy => "dummy",
    };
    let own_table = |name: &str| match name {
        "github" => auth.github.is_some(),
        "azuread" => auth.azuread.is_some(),
        _ => false,
    };
    for other in ["github", "azuread"] {
        if other != provider && own_table(other) {
            out.push(
                Diag::error(
                    "spec/auth-table-mismatch",
                    format!("`auth.{other}` is set but the provider is `{provider}`"),
                )
                .at(r.key_origin(&format!("/auth/{other}")), "settings of another provider")
                .also(r.origin("/auth/provider"), "provider chosen here")
                .key(format!("auth.{other}"))
                .help(format!(
                    "remove `[auth.{other}]`, or add `delete = [\"auth.{other}\"]` to the overlay that changes the provider"
                )),
            );
        }
    }
    if auth.provider == AuthProvider::Azuread && auth.azuread.is_none() {
        out.push(
            Diag::error(
                "spec/auth-table-missing",
                "provider `azuread` needs an `[auth.azuread]` table",
            )
            .at(r.origin("/auth/provider"), "provider chosen here")
            .key("auth.azuread")
            .help("add `[auth.azuread]` with at least `tenant_id`"),
        );
    }
    if auth.provider != AuthProvider::Dummy && auth.client.is_none() {
        out.push(
            Diag::error(
                "spec/oauth-client-missing",
                format!("provider `{provider}` needs the OAuth client's Secret"),
            )
            .at(r.origin("/auth/provider"), "OAuth provider chosen here")
            .key("auth.client")
            .help("add `client = { secret = \"<secret name>\" }` to `[auth]`: the Secret holds keys `client_id` and `client_secret` (names can be changed with `id_key` / `secret_key`)"),
        );
    }
    match s.tls.mode {
        TlsMode::Secret if s.tls.secret.is_none() => out.push(
            Diag::error(
                "spec/tls-secret-missing",
                "TLS mode `secret` needs the Secret's name",
            )
            .at(r.origin("/tls/mode"), "mode chosen here")
            .key("tls.secret")
            .help("add `secret = \"<name of the kubernetes.io/tls Secret>\"` to `[tls]`"),
        ),
        TlsMode::CertManager if s.tls.issuer.is_none() => out.push(
            Diag::error(
                "spec/tls-issuer-missing",
                "TLS mode `cert-manager` needs an issuer",
            )
            .at(r.origin("/tls/mode"), "mode chosen here")
            .key("tls.issuer")
            .help("add `issuer = { name = \"letsencrypt\", kind = \"ClusterIssuer\" }` to `[tls]`"),
        ),
        TlsMode::Edge if s.tls.secret.is_some() || s.tls.issuer.is_some() => {
            let key = if s.tls.secret.is_some() {
                "secret"
            } else {
                "issuer"
            };
            out.push(
                Diag::error("spec/tls-edge-extra", format!("TLS mode `edge` takes no `{key}`"))
                    .at(r.key_origin(&format!("/tls/{key}")), "not used at the edge")
                    .also(r.origin("/tls/mode"), "mode chosen here")
                    .key(format!("tls.{key}"))
                    .help("TLS ends before the cluster in `edge` mode; remove it, or choose mode `secret` / `cert-manager`"),
            );
        }
        _ => {}
    }
    let major = s.environment.chart_version.split('.').next().unwrap_or("");
    if major != "4" {
        out.push(
            Diag::error(
                "spec/chart-version",
                "jhubgen emits values for the 4.x line of the jupyterhub chart",
            )
            .at(r.origin("/environment/chart_version"), "not a 4.x version")
            .key("environment.chart_version")
            .help("use chart 4.4.0 (JupyterHub 5.5.0, OAuthenticator 17.4.0, KubeSpawner 7.0.0)"),
        );
    }
    out
}
