//! `values.yaml`: Helm values for the Zero to JupyterHub chart 4.x.
//!
//! Follows the chart's and its components' own semantics (see
//! `domain/z2jh-notes.md` §2): authentication through `hub.config` only (no
//! Python in `hub.extraConfig`), OAuth credentials through `hub.extraEnv`
//! `secretKeyRef` so no secret is ever a value, an explicit callback URL,
//! `manage_groups` wherever groups gate, and profiles whose
//! `kubespawner_override` accounts for KubeSpawner's merge rules — dicts
//! such as `node_selector` merge (so inherited keys are cleared with `null`),
//! lists such as `tolerations` replace (so the chart's are re-listed).
//! The spec's `[values]` table is deep-merged last.

use super::chart;
use crate::model::{
    AuthProvider, Location, PodSecurity, Profile, Purpose, Reference, ScrapeAuth, Spec, Toleration,
};
use crate::resolve::Resolved;
use serde_json::{Map, Value, json};

/// The service name and role that give Prometheus a `read:metrics` token.
pub const METRICS_SERVICE: &str = "prometheus";
pub const METRICS_ROLE: &str = "prometheus-metrics";

/// The Helm values of an environment.
pub fn values(r: &Resolved) -> Value {
    let s = &r.spec;
    let mut root = Map::new();
    if !s.image.pull_secrets.is_empty() {
        root.insert("imagePullSecrets".into(), json!(s.image.pull_secrets));
    }
    root.insert("hub".into(), hub(r));
    root.insert("proxy".into(), json!({"service": {"type": "ClusterIP"}}));
    root.insert("singleuser".into(), singleuser(s));
    root.insert(
        "scheduling".into(),
        json!({"userScheduler": {"enabled": false}}),
    );
    let puller = prepuller_tolerations(s);
    if !puller.is_empty() {
        root.insert("prePuller".into(), json!({"extraTolerations": puller}));
    }
    root.insert("ingress".into(), json!({"enabled": false}));
    root.insert("cull".into(), cull(s));
    let mut values = Value::Object(root);
    if let Some(raw) = &s.values {
        chart::merge_values(&mut values, &Value::Object(raw.clone()));
    }
    values
}

fn secret_env(secret: &str, key: &str) -> Value {
    json!({"valueFrom": {"secretKeyRef": {"name": secret, "key": key}}})
}

fn hub(r: &Resolved) -> Value {
    let s = &r.spec;
    let auth = &s.auth;
    let mut hub = Map::new();
    if s.hub.base_url != "/" {
        hub.insert("baseUrl".into(), json!(s.hub.base_url));
    }

    let mut config = Map::new();
    let mut env = Map::new();
    let class = match auth.provider {
        AuthProvider::Github => "github",
        AuthProvider::Azuread => "azuread",
        AuthProvider::Dummy => "dummy",
    };
    config.insert("JupyterHub".into(), json!({"authenticator_class": class}));
    let mut common = Map::new();
    if !auth.admin_users.is_empty() {
        common.insert("admin_users".into(), json!(auth.admin_users));
    }
    if !auth.allowed_users.is_empty() {
        common.insert("allowed_users".into(), json!(auth.allowed_users));
    }
    if auth.allow_all {
        common.insert("allow_all".into(), json!(true));
    }
    if !common.is_empty() {
        config.insert("Authenticator".into(), Value::Object(common));
    }
    match auth.provider {
        AuthProvider::Github => {
            let gh = auth.github.clone().unwrap_or_default();
            let mut c = Map::new();
            c.insert("oauth_callback_url".into(), json!(r.callback_url()));
            if !gh.organizations.is_empty() {
                c.insert("allowed_organizations".into(), json!(gh.organizations));
            }
            // Without `read:org` GitHub answers membership questions only for
            // *public* members, so private members of an allowed organisation
            // are refused (OAuthenticator's `allowed_organizations` help).
            let mut scope = gh.scope.clone();
            if !gh.organizations.is_empty() && !scope.iter().any(|x| x == "read:org") {
                scope.push("read:org".into());
            }
            if !scope.is_empty() {
                c.insert("scope".into(), json!(scope));
            }
            config.insert("GitHubOAuthenticator".into(), Value::Object(c));
            if let Some(client) = &auth.client {
                env.insert(
                    "GITHUB_CLIENT_ID".into(),
                    secret_env(&client.secret, &client.id_key),
                );
                env.insert(
                    "GITHUB_CLIENT_SECRET".into(),
                    secret_env(&client.secret, &client.secret_key),
                );
            }
        }
        AuthProvider::Azuread => {
            // without `[auth.azuread]` the `auth/provider-table` rule has failed the build;
            // emitting stays total so that `explain` can perturb any spec
            let Some(az) = auth.azuread.as_ref() else {
                hub.insert("config".into(), Value::Object(config));
                return Value::Object(hub);
            };
            let mut c = Map::new();
            c.insert("oauth_callback_url".into(), json!(r.callback_url()));
            match &az.tenant_id {
                Reference::Literal(t) => {
                    c.insert("tenant_id".into(), json!(t));
                }
                Reference::Secret(k) => {
                    env.insert("AAD_TENANT_ID".into(), secret_env(&k.secret, &k.key));
                }
            }
            c.insert("username_claim".into(), json!(az.username_claim));
            c.insert("scope".into(), json!(az.scope));
            if !az.allowed_groups.is_empty() || !az.admin_groups.is_empty() {
                c.insert("manage_groups".into(), json!(true));
                c.insert("auth_state_groups_key".into(), json!(az.groups_key));
                if !az.allowed_groups.is_empty() {
                    c.insert("allowed_groups".into(), json!(az.allowed_groups));
                }
                if !az.admin_groups.is_empty() {
                    c.insert("admin_groups".into(), json!(az.admin_groups));
                }
            }
            config.insert("AzureAdOAuthenticator".into(), Value::Object(c));
            if let Some(client) = &auth.client {
                env.insert(
                    "OAUTH_CLIENT_ID".into(),
                    secret_env(&client.secret, &client.id_key),
                );
                env.insert(
                    "OAUTH_CLIENT_SECRET".into(),
                    secret_env(&client.secret, &client.secret_key),
                );
            }
        }
        AuthProvider::Dummy => {}
    }
    if !r.delete_pvc() {
        // KubeSpawner deletes a user's PVC with the user (`delete_pvc`, default true)
        config.insert("KubeSpawner".into(), json!({"delete_pvc": false}));
    }
    if let Some(ctx) = restricted_container_context(s) {
        config
            .entry("KubeSpawner")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("KubeSpawner is a table")
            .insert("container_security_context".into(), ctx);
    }
    hub.insert("config".into(), Value::Object(config));
    if !env.is_empty() {
        hub.insert("extraEnv".into(), Value::Object(env));
    }
    hub.insert(
        "db".into(),
        json!({"pvc": {"storageClassName": s.storage.class}}),
    );

    let m = &s.monitoring;
    if m.service_monitor {
        match m.scrape_auth {
            ScrapeAuth::Token => {
                // The chart generates the service's token into the `hub` Secret as
                // `hub.services.prometheus.apiToken`; the role grants it `read:metrics`.
                hub.insert("services".into(), json!({METRICS_SERVICE: {}}));
                hub.insert(
                    "loadRoles".into(),
                    json!({METRICS_ROLE: {
                        "description": "Read the hub's Prometheus metrics",
                        "scopes": ["read:metrics"],
                        "services": [METRICS_SERVICE],
                    }}),
                );
            }
            ScrapeAuth::None => {
                hub.insert("authenticatePrometheus".into(), json!(false));
            }
        }
        // The hub's NetworkPolicy admits only labelled pods of its own
        // namespace: let Prometheus in, to the hub's port only. Without a
        // namespace or pod labels there is nothing to admit, and the
        // `monitoring/unreachable-hub` rule has failed the build.
        if let Some(peer) = prometheus_peer(m) {
            hub.insert(
                "networkPolicy".into(),
                json!({"ingress": [{"from": [peer], "ports": [{"port": "http"}]}]}),
            );
        }
    }
    Value::Object(hub)
}

/// The NetworkPolicy peer that selects the Prometheus pods (namespace and pod
/// selectors in one peer must both match).
pub fn prometheus_peer(m: &crate::model::Monitoring) -> Option<Value> {
    let mut peer = Map::new();
    if let Some(ns) = &m.prometheus_namespace {
        peer.insert(
            "namespaceSelector".into(),
            json!({"matchLabels": {"kubernetes.io/metadata.name": ns}}),
        );
    } else if !m.prometheus_pod_labels.is_empty() {
        peer.insert("namespaceSelector".into(), json!({}));
    }
    if !m.prometheus_pod_labels.is_empty() {
        peer.insert(
            "podSelector".into(),
            json!({"matchLabels": m.prometheus_pod_labels}),
        );
    }
    (!peer.is_empty()).then_some(Value::Object(peer))
}

/// Under Pod Security `restricted`, what KubeSpawner adds to the chart's user
/// container security context (`runAsUser`, `allowPrivilegeEscalation: false`).
fn restricted_container_context(s: &Spec) -> Option<Value> {
    (s.pod_security() == PodSecurity::Restricted).then(|| {
        json!({
            "runAsNonRoot": true,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        })
    })
}

fn singleuser(s: &Spec) -> Value {
    let mut su = Map::new();
    let mut image = Map::new();
    image.insert("name".into(), json!(s.image.repository()));
    image.insert("tag".into(), json!(s.image.tag));
    if let Some(p) = s.image.pull_policy {
        image.insert("pullPolicy".into(), json!(p));
    }
    su.insert("image".into(), Value::Object(image));
    if !block_metadata_with_iptables(s) {
        // The chart's default runs a root init container with NET_ADMIN to
        // block 169.254.169.254, which Pod Security `baseline` refuses and an
        // on-prem cluster does not need; the singleuser NetworkPolicy still
        // denies the metadata address (`egressAllowRules.cloudMetadataServer`).
        su.insert("cloudMetadata".into(), json!({"blockWithIptables": false}));
    }
    if let Some(netpol) = singleuser_network_policy(s) {
        su.insert("networkPolicy".into(), netpol);
    }
    su.insert(
        "storage".into(),
        json!({
            "type": "dynamic",
            "capacity": s.storage.capacity,
            "homeMountPath": s.storage.home_mount_path,
            "dynamic": {
                "storageClass": s.storage.class,
                "storageAccessModes": s.storage.access_modes,
            },
        }),
    );
    if let Some(sched) = &s.scheduling {
        if !sched.node_selector.is_empty() {
            su.insert("nodeSelector".into(), json!(sched.node_selector));
        }
        if !sched.tolerations.is_empty() {
            su.insert("extraTolerations".into(), json!(sched.tolerations));
        }
    }
    su.insert(
        "profileList".into(),
        Value::Array(s.profiles.iter().map(|p| profile(s, p)).collect()),
    );
    Value::Object(su)
}

/// Does the chart's iptables init container stay on? Off on-prem (no
/// metadata server to hide) and wherever Pod Security `baseline` or stricter
/// is enforced (the container would be refused).
pub fn block_metadata_with_iptables(s: &Spec) -> bool {
    let on_prem = s.cluster.location == Some(Location::OnPrem);
    let strict = s.pod_security() >= PodSecurity::Baseline;
    !(on_prem || strict)
}

/// Egress of user servers beyond the chart's default (internet and DNS).
fn singleuser_network_policy(s: &Spec) -> Option<Value> {
    let mut np = Map::new();
    if private_egress(s) {
        np.insert("egressAllowRules".into(), json!({"privateIPs": true}));
    }
    if !s.network.egress.is_empty() {
        let rules: Vec<Value> = s
            .network
            .egress
            .iter()
            .map(|e| {
                let mut rule = json!({"to": [{"ipBlock": {"cidr": e.cidr}}]});
                if !e.ports.is_empty() {
                    rule["ports"] = e
                        .ports
                        .iter()
                        .map(|p| json!({"port": p, "protocol": "TCP"}))
                        .collect();
                }
                rule
            })
            .collect();
        np.insert("egress".into(), Value::Array(rules));
    }
    (!np.is_empty()).then_some(Value::Object(np))
}

/// May user servers reach every private address?
pub fn private_egress(s: &Spec) -> bool {
    s.network.private_egress.unwrap_or_else(|| {
        s.cluster.location == Some(Location::OnPrem)
            && matches!(
                s.environment.purpose,
                Purpose::Production | Purpose::Staging
            )
    })
}

fn profile(s: &Spec, p: &Profile) -> Value {
    let mut out = Map::new();
    out.insert("display_name".into(), json!(p.display_name));
    out.insert("slug".into(), json!(p.slug));
    if let Some(d) = &p.description {
        out.insert("description".into(), json!(d));
    }
    if p.default {
        out.insert("default".into(), json!(true));
    }
    let mut o = Map::new();
    if let Some(img) = &p.image {
        let registry = img.registry.as_deref().unwrap_or(&s.image.registry);
        o.insert(
            "image".into(),
            json!(format!(
                "{}/{}:{}",
                registry.trim_end_matches('/'),
                img.name,
                img.tag
            )),
        );
    }
    if let Some(cpu) = &p.cpu {
        if let Some(g) = cpu.guarantee {
            o.insert("cpu_guarantee".into(), number(g));
        }
        if let Some(l) = cpu.limit {
            o.insert("cpu_limit".into(), number(l));
        }
    }
    if let Some(mem) = &p.memory {
        if let Some(g) = &mem.guarantee {
            o.insert("mem_guarantee".into(), json!(g));
        }
        if let Some(l) = &mem.limit {
            o.insert("mem_limit".into(), json!(l));
        }
    }
    if p.gpus > 0 {
        // A GPU is a limit (a request alone is invalid in Kubernetes); the
        // chart's docs quote the count.
        o.insert(
            "extra_resource_limits".into(),
            json!({"nvidia.com/gpu": p.gpus.to_string()}),
        );
    }
    if let Some(sel) = &p.node_selector {
        let mut m = Map::new();
        for (k, v) in sel {
            m.insert(k.clone(), json!(v));
        }
        // node_selector dicts merge with the global one: clear what this profile drops.
        for k in global_selector(s).keys() {
            if !sel.contains_key(k) {
                m.insert(k.clone(), Value::Null);
            }
        }
        if !m.is_empty() {
            o.insert("node_selector".into(), Value::Object(m));
        }
    }
    if !p.tolerations.is_empty() {
        // tolerations replace the global list: re-list the chart's and the spec's own.
        let mut all = user_pod_tolerations(s);
        for t in &p.tolerations {
            let t = json!(t);
            if !all.contains(&t) {
                all.push(t);
            }
        }
        o.insert("tolerations".into(), Value::Array(all));
    }
    if !o.is_empty() {
        out.insert("kubespawner_override".into(), Value::Object(o));
    }
    Value::Object(out)
}

/// A whole number as an integer (`2`, not `2.0`), anything else as a float.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

fn global_selector(s: &Spec) -> std::collections::BTreeMap<String, String> {
    s.scheduling
        .as_ref()
        .map(|x| x.node_selector.clone())
        .unwrap_or_default()
}

/// What KubeSpawner's `tolerations` is without a profile: the chart's
/// `scheduling.userPods.tolerations` plus `singleuser.extraTolerations`.
fn user_pod_tolerations(s: &Spec) -> Vec<Value> {
    let chart: Vec<Toleration> = chart::defaults()
        .pointer("/scheduling/userPods/tolerations")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut all: Vec<Value> = chart.iter().map(|t| json!(t)).collect();
    if let Some(sched) = &s.scheduling {
        for t in &sched.tolerations {
            let t = json!(t);
            if !all.contains(&t) {
                all.push(t);
            }
        }
    }
    all
}

/// Tolerations the image pullers need to reach the nodes that only profiles tolerate.
fn prepuller_tolerations(s: &Spec) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let global: Vec<&Toleration> = s
        .scheduling
        .as_ref()
        .map(|x| x.tolerations.iter().collect())
        .unwrap_or_default();
    for p in &s.profiles {
        for t in &p.tolerations {
            let v = json!(t);
            if !global.contains(&t) && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

fn cull(s: &Spec) -> Value {
    let c = &s.culling;
    let mut m = Map::new();
    m.insert("enabled".into(), json!(c.enabled));
    m.insert("timeout".into(), json!(c.timeout));
    if let Some(every) = c.every {
        m.insert("every".into(), json!(every));
    }
    m.insert("maxAge".into(), json!(c.max_age));
    m.insert("users".into(), json!(c.users));
    Value::Object(m)
}
