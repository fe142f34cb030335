//! `jhubgen checklist`: what an environment needs that jhubgen cannot create,
//! read off the resolved spec — every Secret it references (with the command
//! that creates it), DNS, the CI variables its pipeline reads, what the
//! cluster must run, and the values still to confirm — grouped by who
//! provides it, in the order of the seed's migration phases.
//!
//! The items are derived, never written down: remove a Secret reference from
//! a spec and its item goes (a test does).

use crate::diag::Diag;
use crate::model::{AuthProvider, CiProvider, Reference, TlsMode, TunnelRuns};
use crate::resolve::Resolved;
use crate::source::Sources;
use indexmap::IndexMap;
use serde::Serialize;

/// Who provides an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Who {
    /// The identity provider's admins (OAuth app, tenant, groups).
    Identity,
    /// The cluster's owners (ingress, storage, GPUs, monitoring, certificates).
    Cluster,
    /// DNS, or Cloudflare for a tunnel.
    Dns,
    /// Whoever administers the CI project.
    Ci,
    /// The platform team: values the specs still hold as placeholders.
    Platform,
}

impl Who {
    pub fn title(self) -> &'static str {
        match self {
            Who::Identity => "Identity provider (OAuth app, tenant, groups)",
            Who::Cluster => "Cluster owners",
            Who::Dns => "DNS and tunnel",
            Who::Ci => "CI administrators",
            Who::Platform => "Platform team: values to confirm",
        }
    }
}

/// One thing to provide.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// 1 gather, 2 create in the cluster, 3 DNS/tunnel, 4 CI, 5 confirm.
    pub phase: u8,
    pub who: Who,
    /// `secret`, `dns`, `tunnel`, `ci-secret`, `ci-variable`, `cluster`, `confirm`.
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    /// A command that does it, with `<placeholders>` for what only people know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// The spec places that make it needed (`file:line:col`).
    pub from: Vec<String>,
}

/// A Kubernetes Secret the environment references.
#[derive(Debug, Clone, Default)]
struct SecretNeed {
    kind: &'static str,
    keys: IndexMap<String, String>,
    from: Vec<String>,
    purpose: Vec<&'static str>,
}

/// The checklist of one environment, `warnings` being its lint warnings
/// (reported or allowed), whose asks become items to confirm.
pub fn items(r: &Resolved, sources: &Sources, warnings: &[Diag]) -> Vec<Item> {
    let s = &r.spec;
    let ns = &s.environment.namespace;
    let at = |pointer: &str| sources.locate(&r.origin(pointer));
    let mut out = Vec::new();

    // Secrets, by name: what they must hold
    let mut secrets: IndexMap<String, SecretNeed> = IndexMap::new();
    let mut need = |name: &str,
                    kind: &'static str,
                    keys: &[(&str, String)],
                    from: String,
                    purpose: &'static str| {
        let e = secrets
            .entry(name.to_string())
            .or_insert_with(|| SecretNeed {
                kind,
                ..SecretNeed::default()
            });
        for (k, what) in keys {
            e.keys.insert(k.to_string(), what.clone());
        }
        if !e.from.contains(&from) {
            e.from.push(from);
        }
        if !e.purpose.contains(&purpose) {
            e.purpose.push(purpose);
        }
    };
    if let Some(c) = &s.auth.client {
        let idp = match s.auth.provider {
            AuthProvider::Github => "the GitHub OAuth app's",
            AuthProvider::Azuread => "the Entra ID app registration's",
            AuthProvider::Dummy => "the OAuth client's",
        };
        need(
            &c.secret,
            "generic",
            &[
                (c.id_key.as_str(), format!("{idp} client id")),
                (c.secret_key.as_str(), format!("{idp} client secret")),
            ],
            at("/auth/client"),
            "the OAuth client",
        );
    }
    if let Some(a) = &s.auth.azuread
        && let Reference::Secret(k) = &a.tenant_id
    {
        need(
            &k.secret,
            "generic",
            &[(k.key.as_str(), "the Entra ID tenant id".into())],
            at("/auth/azuread/tenant_id"),
            "the tenant id",
        );
    }
    if s.tls.mode == TlsMode::Secret
        && let Some(name) = &s.tls.secret
    {
        need(
            name,
            "tls",
            &[
                ("tls.crt", "the certificate chain".into()),
                ("tls.key", "its private key".into()),
            ],
            at("/tls/secret"),
            "the Ingress' TLS certificate",
        );
    }
    for (i, name) in s.image.pull_secrets.iter().enumerate() {
        need(
            name,
            "docker-registry",
            &[(".dockerconfigjson", "credentials for the registry".into())],
            at(&format!("/image/pull_secrets/{i}")),
            "pulling the notebook image",
        );
    }
    if let Some(t) = &s.tunnel
        && t.runs == TunnelRuns::Cluster
        && let Some(k) = &t.credentials_secret
    {
        need(
            &k.secret,
            "generic",
            &[(k.key.as_str(), "the tunnel's credentials JSON".into())],
            at("/tunnel/credentials_secret"),
            "the Cloudflare Tunnel's credentials",
        );
    }
    for (name, n) in &secrets {
        let command = match n.kind {
            "tls" => format!(
                "kubectl create secret tls {name} --namespace {ns} --cert=<certificate chain file> --key=<key file>"
            ),
            "docker-registry" => format!(
                "kubectl create secret docker-registry {name} --namespace {ns} --docker-server={} --docker-username=<user> --docker-password=<password or token>",
                s.image.registry
            ),
            _ => {
                let mut c = format!("kubectl create secret generic {name} --namespace {ns}");
                for (k, what) in &n.keys {
                    if what.contains("JSON") {
                        c.push_str(&format!(" --from-file={k}=<{what} file>"));
                    } else {
                        c.push_str(&format!(" --from-literal={k}=<{what}>"));
                    }
                }
                c
            }
        };
        out.push(Item {
            phase: 2,
            who: Who::Cluster,
            kind: "secret",
            title: format!("Secret `{name}` in `{ns}` ({})", n.kind),
            detail: format!(
                "for {}; keys: {}",
                n.purpose.join(", "),
                n.keys
                    .iter()
                    .map(|(k, w)| format!("`{k}` ({w})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            command: Some(command),
            from: n.from.clone(),
        });
    }

    // the metrics token: in the chart's own Secret, read by the ServiceMonitor
    if s.monitoring.service_monitor && s.monitoring.scrape_auth == crate::model::ScrapeAuth::Token {
        out.push(Item {
            phase: 2,
            who: Who::Cluster,
            kind: "secret",
            title: format!("Secret `hub` in `{ns}` (created by the chart)"),
            detail: format!(
                "nothing to create: the chart generates the `{}` service's token into key `hub.services.{}.apiToken`, which the ServiceMonitor names; prometheus-operator reads it, so its RBAC must allow Secrets in `{ns}`",
                crate::emit::values::METRICS_SERVICE,
                crate::emit::values::METRICS_SERVICE
            ),
            command: None,
            from: vec![at("/monitoring/scrape_auth")],
        });
    }

    // what the identity provider gives
    match s.auth.provider {
        AuthProvider::Github => out.push(Item {
            phase: 1,
            who: Who::Identity,
            kind: "identity",
            title: "A GitHub OAuth app".into(),
            detail: format!(
                "callback URL `https://{}{}/hub/oauth_callback`; its client id and secret go into the Secret of phase 2",
                s.ingress.host,
                r.base_path()
            ),
            command: None,
            from: vec![at("/auth/provider")],
        }),
        AuthProvider::Azuread => out.push(Item {
            phase: 1,
            who: Who::Identity,
            kind: "identity",
            title: "An Entra ID app registration".into(),
            detail: format!(
                "redirect URI `https://{}{}/hub/oauth_callback`; the tenant id, client id and a client secret go into the Secrets of phase 2; the groups or app roles the spec names",
                s.ingress.host,
                r.base_path()
            ),
            command: None,
            from: vec![at("/auth/provider")],
        }),
        AuthProvider::Dummy => {}
    }

    // DNS, or the tunnel
    match &s.tunnel {
        Some(t) => {
            out.push(Item {
                phase: 3,
                who: Who::Dns,
                kind: "tunnel",
                title: format!("The Cloudflare Tunnel `{}`", t.name),
                detail: match t.runs {
                    TunnelRuns::Host => format!(
                        "create it and install cloudflared as a service on the server; its credentials JSON at `{}`; copy `environments/{}/cloudflared/config.yml` to `/etc/cloudflared/config.yml`",
                        t.credentials_file.as_deref().unwrap_or("<credentials file>"),
                        r.env
                    ),
                    TunnelRuns::Cluster => "create it; its credentials JSON goes into the Secret of phase 2; the pipeline applies cloudflared's Deployment".into(),
                },
                command: Some(format!("cloudflared tunnel create {}", t.name)),
                from: vec![at("/tunnel/name")],
            });
            out.push(Item {
                phase: 3,
                who: Who::Dns,
                kind: "dns",
                title: format!("DNS: `{}` through the tunnel", s.ingress.host),
                detail: "a CNAME to the tunnel, which this command creates in Cloudflare".into(),
                command: Some(format!(
                    "cloudflared tunnel route dns {} {}",
                    t.name, s.ingress.host
                )),
                from: vec![at("/ingress/host")],
            });
        }
        None => out.push(Item {
            phase: 3,
            who: Who::Dns,
            kind: "dns",
            title: format!("DNS: `{}`", s.ingress.host),
            detail: format!(
                "an A (or CNAME) record to the external address of the `{}` ingress controller",
                s.ingress.class
            ),
            command: None,
            from: vec![at("/ingress/host")],
        }),
    }

    // the cluster
    out.push(Item {
        phase: 1,
        who: Who::Cluster,
        kind: "cluster",
        title: format!("Ingress class `{}`", s.ingress.class),
        detail: "an ingress controller serving this class".into(),
        command: None,
        from: vec![at("/ingress/class")],
    });
    out.push(Item {
        phase: 1,
        who: Who::Cluster,
        kind: "cluster",
        title: format!("Storage class `{}`", s.storage.class),
        detail: format!(
            "for the hub's database and the users' home volumes ({} each, {})",
            s.storage.capacity,
            s.storage
                .access_modes
                .iter()
                .map(|m| format!("{m:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        command: None,
        from: vec![at("/storage/class")],
    });
    let gpus: Vec<&str> = s
        .profiles
        .iter()
        .filter(|p| p.gpus > 0)
        .map(|p| p.slug.as_str())
        .collect();
    if !gpus.is_empty() {
        let operator = s.cluster.gpu.operator.unwrap_or(false);
        out.push(Item {
            phase: 1,
            who: Who::Cluster,
            kind: "cluster",
            title: "GPU nodes".into(),
            detail: format!(
                "for the profiles {}: {}",
                gpus.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", "),
                if operator {
                    "the NVIDIA GPU operator (device plugin, `nvidia.com/gpu.present` labels, dcgm-exporter)"
                } else {
                    "the NVIDIA device plugin and the node labels the spec names"
                }
            ),
            command: None,
            from: vec![at("/cluster/gpu")],
        });
    }
    let m = &s.monitoring;
    if m.service_monitor {
        let mut detail = format!(
            "prometheus-operator selecting ServiceMonitors and PrometheusRules labelled {}",
            m.labels
                .iter()
                .map(|(k, v)| format!("`{k}: {v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(n) = &m.prometheus_namespace {
            detail.push_str(&format!(
                "; Prometheus in namespace `{n}` (the hub's NetworkPolicy admits it)"
            ));
        }
        out.push(Item {
            phase: 1,
            who: Who::Cluster,
            kind: "cluster",
            title: "Prometheus".into(),
            detail,
            command: None,
            from: vec![at("/monitoring")],
        });
        let dashboard = crate::emit::dashboard::emitted(r);
        if dashboard {
            let e = &m.exporters;
            for (declared, title, detail, pointer) in [
                (
                    e.kube_state_metrics_pod_labels,
                    "kube-state-metrics exporting the user pods' labels",
                    "`metricLabelsAllowlist: [\"pods=[app,component,hub.jupyter.org/username,hub.jupyter.org/profile]\"]`, for the per-profile panels",
                    "/monitoring/exporters/kube_state_metrics_pod_labels",
                ),
                (
                    e.dcgm_pod_labels || !crate::emit::dashboard::gpu_panels(r),
                    "dcgm-exporter mapping GPUs to pods",
                    "its Kubernetes pod mapping, and `honorLabels: true` on its ServiceMonitor, for the GPU panels",
                    "/monitoring/exporters/dcgm_pod_labels",
                ),
            ] {
                if !declared {
                    out.push(Item {
                        phase: 1,
                        who: Who::Cluster,
                        kind: "cluster",
                        title: title.into(),
                        detail: format!("{detail}; then declare it under `[monitoring.exporters]`"),
                        command: None,
                        from: vec![at(pointer)],
                    });
                }
            }
            out.push(Item {
                phase: 1,
                who: Who::Cluster,
                kind: "cluster",
                title: match &m.grafana_url {
                    Some(u) => format!("Grafana at {u}"),
                    None => "A Grafana (its URL: `monitoring.grafana_url`)".into(),
                },
                detail: match m.dashboard.delivery {
                    crate::model::DashboardDelivery::Configmap => "its dashboard sidecar importing ConfigMaps labelled `grafana_dashboard: \"1\"`".into(),
                    crate::model::DashboardDelivery::File => format!(
                        "import `environments/{}/dashboard.json` (uid `{}`: a re-import replaces it)",
                        r.env,
                        crate::emit::dashboard::UID
                    ),
                },
                command: None,
                from: vec![at("/monitoring/dashboard")],
            });
        }
    }

    // CI
    let ci = &s.ci;
    let provider = match ci.provider {
        CiProvider::Github => "GitHub Actions secret",
        CiProvider::Gitlab => "GitLab CI/CD variable (masked, protected)",
    };
    out.push(Item {
        phase: 4,
        who: Who::Ci,
        kind: "ci-secret",
        title: format!("{provider} `{}`", ci.deploy.kubeconfig_variable),
        detail: format!(
            "a kubeconfig (base64) with rights on namespace `{ns}`{}",
            match ci.provider {
                CiProvider::Github =>
                    format!(", in the GitHub environment `{}`", ci.deploy.environment),
                CiProvider::Gitlab =>
                    format!(", scoped to the environment `{}`", ci.deploy.environment),
            }
        ),
        command: None,
        from: vec![at("/ci/deploy/kubeconfig_variable")],
    });
    if let Some(b) = &ci.image_build {
        for (var, what, pointer) in [
            (
                &b.username_variable,
                "the registry user",
                "/ci/image_build/username_variable",
            ),
            (
                &b.password_variable,
                "the registry password or token",
                "/ci/image_build/password_variable",
            ),
        ] {
            if let Some(v) = var {
                out.push(Item {
                    phase: 4,
                    who: Who::Ci,
                    kind: "ci-secret",
                    title: format!("{provider} `{v}`"),
                    detail: format!("{what}, with push rights on `{}`", s.image.repository()),
                    command: None,
                    from: vec![at(pointer)],
                });
            }
        }
    }
    if ci.provider == CiProvider::Github && !ci.deploy.runner.is_empty() {
        out.push(Item {
            phase: 4,
            who: Who::Ci,
            kind: "ci-runner",
            title: format!(
                "A self-hosted runner labelled {}",
                ci.deploy.runner.join(", ")
            ),
            detail: "with helm and kubectl, able to reach the cluster's API".into(),
            command: None,
            from: vec![at("/ci/deploy/runner")],
        });
    }

    // values to confirm: placeholders in the specs, and what warnings ask for
    for (pointer, value) in placeholders(r) {
        out.push(Item {
            phase: 5,
            who: Who::Platform,
            kind: "confirm",
            title: format!(
                "`{}` is a placeholder: `{value}`",
                crate::tree::display_path(&r.doc, &pointer)
            ),
            detail: "replace it with the real value".into(),
            command: None,
            from: vec![at(&pointer)],
        });
    }
    for d in warnings {
        let from = d
            .primary
            .as_ref()
            .map(|l| sources.locate(&l.origin))
            .into_iter()
            .collect();
        out.push(Item {
            phase: 5,
            who: Who::Platform,
            kind: "confirm",
            title: format!("{} ({})", d.message, d.code),
            detail: match &d.suppressed {
                Some(reason) => format!("accepted for now: {reason}"),
                None => d.help.clone().unwrap_or_default(),
            },
            command: None,
            from,
        });
    }
    out.sort_by_key(|i| (i.phase, i.who));
    out
}

/// String values that are the seed's placeholders (`your-github-org`,
/// `jupyterhub.yourcompany.com`, `<provided-by-aiv-it>`).
fn placeholders(r: &Resolved) -> Vec<(String, String)> {
    fn is_placeholder(s: &str) -> bool {
        let l = s.to_lowercase();
        ["your-", "your_", "yourcompany", "changeme", "example.com"]
            .iter()
            .any(|p| l.contains(p))
            || (l.starts_with('<') && l.ends_with('>'))
    }
    let mut out = Vec::new();
    crate::diff::walk(
        &r.doc,
        String::new(),
        String::new(),
        true,
        &mut |_, pointer, v| {
            let strings: Vec<(String, &str)> = match v {
                serde_json::Value::String(s) => vec![(pointer.clone(), s.as_str())],
                serde_json::Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| x.as_str().map(|s| (format!("{pointer}/{i}"), s)))
                    .collect(),
                _ => Vec::new(),
            };
            for (p, s) in strings {
                if is_placeholder(s) {
                    out.push((p, s.to_string()));
                }
            }
        },
    );
    out
}

/// Markdown: the seed's `docs/aiv-requirements-checklist.md`, generated.
pub fn markdown(r: &Resolved, items: &[Item], header: &str) -> String {
    let mut out = String::from(header);
    out.push_str(&format!(
        "# `{}`: what to provide before the first deploy\n\n",
        r.env
    ));
    out.push_str(&format!(
        "Namespace `{}`, release `{}`, host `{}`. Each item names the spec file that needs it (`jhubgen checklist {}` gives the lines).\n",
        r.spec.environment.namespace, r.spec.environment.release, r.spec.ingress.host, r.env
    ));
    let phases = [
        (1, "Phase 1: gather"),
        (2, "Phase 2: create in the cluster"),
        (3, "Phase 3: DNS and tunnel"),
        (4, "Phase 4: CI"),
        (5, "Phase 5: confirm"),
    ];
    for (phase, title) in phases {
        let here: Vec<&Item> = items.iter().filter(|i| i.phase == phase).collect();
        if here.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n"));
        let mut who = None;
        for i in here {
            if who != Some(i.who) {
                out.push_str(&format!("\n### {}\n\n", i.who.title()));
                who = Some(i.who);
            }
            out.push_str(&format!("- [ ] **{}** — {}", i.title, i.detail));
            // the file, not the line: a checklist that changes with every
            // edit above the line would be noise in every review
            let mut files: Vec<&str> = i
                .from
                .iter()
                .map(|f| f.split(':').next().unwrap_or(f))
                .collect();
            files.dedup();
            if !files.is_empty() {
                out.push_str(&format!(" <sub>{}</sub>", files.join(", ")));
            }
            out.push('\n');
            if let Some(c) = &i.command {
                out.push_str(&format!("  ```sh\n  {c}\n  ```\n"));
            }
        }
    }
    out
}

/// Plain text for the terminal.
pub fn text(r: &Resolved, items: &[Item]) -> String {
    let mut out = format!("{}: {} item(s)\n", r.env, items.len());
    for i in items {
        out.push_str(&format!(
            "[{}] {}: {}\n    {}\n",
            i.phase,
            i.who.title(),
            i.title,
            i.detail
        ));
        if let Some(c) = &i.command {
            out.push_str(&format!("    $ {c}\n"));
        }
        for f in &i.from {
            out.push_str(&format!("    from {f}\n"));
        }
    }
    out
}

/// The warnings of one environment (reported or allowed).
pub fn warnings_of(diags: &[Diag], env: &str) -> Vec<Diag> {
    diags
        .iter()
        .filter(|d| !d.is_error())
        .filter(|d| d.environments.is_empty() || d.environments.iter().any(|e| e == env))
        .cloned()
        .collect()
}
