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
//!
//! The document is typed: each struct below is one table of the chart's
//! values, its fields declared in the order they are written (serialisation
//! follows declaration order, so field order is output key order). The chart's
//! own keys are camelCase; the traitlets under `hub.config` and KubeSpawner's
//! `kubespawner_override` keys are snake_case, as their Python names.

use super::chart;
use crate::model::{
    AccessMode, AuthProvider, Location, PodSecurity, Profile, PullPolicy, Purpose, Reference,
    ScrapeAuth, Spec, Toleration,
};
use crate::resolve::Resolved;
use indexmap::IndexMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// The service name and role that give Prometheus a `read:metrics` token.
pub const METRICS_SERVICE: &str = "prometheus";
pub const METRICS_ROLE: &str = "prometheus-metrics";

/// The root of the Helm values.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image_pull_secrets: Vec<String>,
    hub: Hub,
    proxy: Proxy,
    singleuser: Singleuser,
    scheduling: Scheduling,
    #[serde(skip_serializing_if = "Option::is_none")]
    pre_puller: Option<PrePuller>,
    ingress: Enabled,
    cull: Cull,
}

/// `{enabled: …}`, as `ingress` and `scheduling.userScheduler`.
#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
struct Proxy {
    service: ProxyService,
}

#[derive(Serialize)]
struct ProxyService {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Scheduling {
    user_scheduler: Enabled,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrePuller {
    extra_tolerations: Vec<Toleration>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Hub {
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<String>,
    config: HubConfig,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    extra_env: IndexMap<&'static str, EnvVar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    db: Option<Db>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    services: IndexMap<&'static str, Service>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    load_roles: IndexMap<&'static str, Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authenticate_prometheus: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_policy: Option<HubNetworkPolicy>,
}

/// `hub.config`: one table per traitlets class, its traits snake_case.
#[derive(Serialize)]
struct HubConfig {
    #[serde(rename = "JupyterHub")]
    jupyterhub: JupyterHubConfig,
    #[serde(rename = "Authenticator", skip_serializing_if = "Option::is_none")]
    authenticator: Option<AuthenticatorConfig>,
    #[serde(
        rename = "GitHubOAuthenticator",
        skip_serializing_if = "Option::is_none"
    )]
    github: Option<GitHubConfig>,
    #[serde(
        rename = "AzureAdOAuthenticator",
        skip_serializing_if = "Option::is_none"
    )]
    azuread: Option<AzureAdConfig>,
    #[serde(rename = "KubeSpawner", skip_serializing_if = "Option::is_none")]
    kubespawner: Option<KubeSpawnerConfig>,
}

#[derive(Serialize)]
struct JupyterHubConfig {
    authenticator_class: &'static str,
}

#[derive(Serialize)]
struct AuthenticatorConfig {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    admin_users: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    allowed_users: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    allow_all: bool,
}

#[derive(Serialize)]
struct GitHubConfig {
    oauth_callback_url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    allowed_organizations: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scope: Vec<String>,
}

#[derive(Serialize)]
struct AzureAdConfig {
    oauth_callback_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_id: Option<String>,
    username_claim: String,
    scope: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manage_groups: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_state_groups_key: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    allowed_groups: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    admin_groups: Vec<String>,
}

#[derive(Serialize, Default)]
struct KubeSpawnerConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    delete_pvc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    container_security_context: Option<ContainerSecurityContext>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContainerSecurityContext {
    run_as_non_root: bool,
    capabilities: Capabilities,
    seccomp_profile: SeccompProfile,
}

#[derive(Serialize)]
struct Capabilities {
    drop: Vec<&'static str>,
}

#[derive(Serialize)]
struct SeccompProfile {
    #[serde(rename = "type")]
    kind: &'static str,
}

/// A `hub.extraEnv` entry read from a Secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvVar {
    value_from: ValueFrom,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValueFrom {
    secret_key_ref: SecretKeyRef,
}

#[derive(Serialize)]
struct SecretKeyRef {
    name: String,
    key: String,
}

#[derive(Serialize)]
struct Db {
    pvc: DbPvc,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DbPvc {
    storage_class_name: String,
}

/// A `hub.services` entry; the chart fills in its token.
#[derive(Serialize)]
struct Service {}

#[derive(Serialize)]
struct Role {
    description: &'static str,
    scopes: Vec<&'static str>,
    services: Vec<&'static str>,
}

#[derive(Serialize)]
struct HubNetworkPolicy {
    ingress: Vec<IngressRule>,
}

#[derive(Serialize)]
struct IngressRule {
    from: Vec<Peer>,
    ports: Vec<NamedPort>,
}

#[derive(Serialize)]
struct NamedPort {
    port: &'static str,
}

/// A NetworkPolicy peer.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<LabelSelector>,
}

/// A Kubernetes label selector; without labels it selects everything.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Singleuser {
    image: SingleuserImage,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_metadata: Option<CloudMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    network_policy: Option<SingleuserNetworkPolicy>,
    storage: SingleuserStorage,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_tolerations: Vec<Toleration>,
    profile_list: Vec<ProfileEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SingleuserImage {
    name: String,
    tag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_policy: Option<PullPolicy>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CloudMetadata {
    block_with_iptables: bool,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct SingleuserNetworkPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    egress_allow_rules: Option<EgressAllowRules>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    egress: Vec<EgressRule>,
}

#[derive(Serialize)]
struct EgressAllowRules {
    #[serde(rename = "privateIPs")]
    private_ips: bool,
}

#[derive(Serialize)]
struct EgressRule {
    to: Vec<EgressPeer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<EgressPort>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EgressPeer {
    ip_block: IpBlock,
}

#[derive(Serialize)]
struct IpBlock {
    cidr: String,
}

#[derive(Serialize)]
struct EgressPort {
    port: u16,
    protocol: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SingleuserStorage {
    #[serde(rename = "type")]
    kind: &'static str,
    capacity: String,
    home_mount_path: String,
    dynamic: DynamicStorage,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DynamicStorage {
    storage_class: String,
    storage_access_modes: Vec<AccessMode>,
}

/// A `singleuser.profileList` entry (KubeSpawner's `profile_list`, snake_case).
#[derive(Serialize)]
struct ProfileEntry {
    display_name: String,
    slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    default: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kubespawner_override: Option<Override>,
}

/// A profile's `kubespawner_override`: KubeSpawner traits, snake_case.
#[derive(Serialize, Default, PartialEq)]
struct Override {
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu_guarantee: Option<Cores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu_limit: Option<Cores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mem_guarantee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mem_limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_resource_limits: Option<ExtraResourceLimits>,
    /// `None` values are written as `null`, which clears an inherited key.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    node_selector: IndexMap<String, Option<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tolerations: Vec<Toleration>,
    /// Merged with the chart's `singleuser.extraLabels` (KubeSpawner merges
    /// dict overrides): the profile's slug, which kube-state-metrics can export
    /// for the dashboard's per-profile panels.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    extra_labels: IndexMap<&'static str, String>,
}

#[derive(Serialize, PartialEq)]
struct ExtraResourceLimits {
    #[serde(rename = "nvidia.com/gpu")]
    nvidia_gpu: String,
}

/// CPU cores: a whole number as an integer (`2`, not `2.0`), anything else as a float.
#[derive(PartialEq, Clone, Copy)]
struct Cores(f64);

impl Serialize for Cores {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        if x.fract() == 0.0 && x.abs() < 1e15 {
            s.serialize_i64(x as i64)
        } else {
            s.serialize_f64(x)
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cull {
    enabled: bool,
    timeout: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    every: Option<u64>,
    max_age: u64,
    users: bool,
}

/// The Helm values of an environment.
pub fn values(r: &Resolved) -> Value {
    let s = &r.spec;
    let puller = prepuller_tolerations(s);
    let doc = Values {
        image_pull_secrets: s.image.pull_secrets.clone(),
        hub: hub(r),
        proxy: Proxy {
            service: ProxyService { kind: "ClusterIP" },
        },
        singleuser: singleuser(s),
        scheduling: Scheduling {
            user_scheduler: Enabled { enabled: false },
        },
        pre_puller: (!puller.is_empty()).then_some(PrePuller {
            extra_tolerations: puller,
        }),
        ingress: Enabled { enabled: false },
        cull: cull(s),
    };
    let mut values = serde_json::to_value(doc).expect("the Helm values serialise to JSON");
    if let Some(raw) = &s.values {
        chart::merge_values(&mut values, &Value::Object(raw.clone()));
    }
    values
}

fn secret_env(secret: &str, key: &str) -> EnvVar {
    EnvVar {
        value_from: ValueFrom {
            secret_key_ref: SecretKeyRef {
                name: secret.to_string(),
                key: key.to_string(),
            },
        },
    }
}

fn hub(r: &Resolved) -> Hub {
    let s = &r.spec;
    let auth = &s.auth;
    let base_url = (s.hub.base_url != "/").then(|| s.hub.base_url.clone());

    let mut env = IndexMap::new();
    let authenticator_class = match auth.provider {
        AuthProvider::Github => "github",
        AuthProvider::Azuread => "azuread",
        AuthProvider::Dummy => "dummy",
    };
    let common = AuthenticatorConfig {
        admin_users: auth.admin_users.clone(),
        allowed_users: auth.allowed_users.clone(),
        allow_all: auth.allow_all,
    };
    let has_common =
        !common.admin_users.is_empty() || !common.allowed_users.is_empty() || common.allow_all;
    let mut config = HubConfig {
        jupyterhub: JupyterHubConfig {
            authenticator_class,
        },
        authenticator: has_common.then_some(common),
        github: None,
        azuread: None,
        kubespawner: None,
    };
    match auth.provider {
        AuthProvider::Github => {
            let gh = auth.github.clone().unwrap_or_default();
            // Without `read:org` GitHub answers membership questions only for
            // *public* members, so private members of an allowed organisation
            // are refused (OAuthenticator's `allowed_organizations` help).
            let mut scope = gh.scope.clone();
            if !gh.organizations.is_empty() && !scope.iter().any(|x| x == "read:org") {
                scope.push("read:org".into());
            }
            config.github = Some(GitHubConfig {
                oauth_callback_url: r.callback_url(),
                allowed_organizations: gh.organizations,
                scope,
            });
            if let Some(client) = &auth.client {
                env.insert(
                    "GITHUB_CLIENT_ID",
                    secret_env(&client.secret, &client.id_key),
                );
                env.insert(
                    "GITHUB_CLIENT_SECRET",
                    secret_env(&client.secret, &client.secret_key),
                );
            }
        }
        AuthProvider::Azuread => {
            // without `[auth.azuread]` the `auth/provider-table` rule has failed the build;
            // emitting stays total so that `explain` can perturb any spec
            let Some(az) = auth.azuread.as_ref() else {
                return Hub {
                    base_url,
                    config,
                    extra_env: IndexMap::new(),
                    db: None,
                    services: IndexMap::new(),
                    load_roles: IndexMap::new(),
                    authenticate_prometheus: None,
                    network_policy: None,
                };
            };
            let tenant_id = match &az.tenant_id {
                Reference::Literal(t) => Some(t.clone()),
                Reference::Secret(k) => {
                    env.insert("AAD_TENANT_ID", secret_env(&k.secret, &k.key));
                    None
                }
            };
            let groups = !az.allowed_groups.is_empty() || !az.admin_groups.is_empty();
            config.azuread = Some(AzureAdConfig {
                oauth_callback_url: r.callback_url(),
                tenant_id,
                username_claim: az.username_claim.clone(),
                scope: az.scope.clone(),
                manage_groups: groups.then_some(true),
                auth_state_groups_key: groups.then(|| az.groups_key.clone()),
                allowed_groups: az.allowed_groups.clone(),
                admin_groups: az.admin_groups.clone(),
            });
            if let Some(client) = &auth.client {
                env.insert(
                    "OAUTH_CLIENT_ID",
                    secret_env(&client.secret, &client.id_key),
                );
                env.insert(
                    "OAUTH_CLIENT_SECRET",
                    secret_env(&client.secret, &client.secret_key),
                );
            }
        }
        AuthProvider::Dummy => {}
    }
    let kubespawner = KubeSpawnerConfig {
        // KubeSpawner deletes a user's PVC with the user (`delete_pvc`, default true)
        delete_pvc: (!r.delete_pvc()).then_some(false),
        container_security_context: restricted_container_context(s),
    };
    if kubespawner.delete_pvc.is_some() || kubespawner.container_security_context.is_some() {
        config.kubespawner = Some(kubespawner);
    }

    let mut hub = Hub {
        base_url,
        config,
        extra_env: env,
        db: Some(Db {
            pvc: DbPvc {
                storage_class_name: s.storage.class.clone(),
            },
        }),
        services: IndexMap::new(),
        load_roles: IndexMap::new(),
        authenticate_prometheus: None,
        network_policy: None,
    };

    let m = &s.monitoring;
    if m.service_monitor {
        match m.scrape_auth {
            ScrapeAuth::Token => {
                // The chart generates the service's token into the `hub` Secret as
                // `hub.services.prometheus.apiToken`; the role grants it `read:metrics`.
                hub.services.insert(METRICS_SERVICE, Service {});
                hub.load_roles.insert(
                    METRICS_ROLE,
                    Role {
                        description: "Read the hub's Prometheus metrics",
                        scopes: vec!["read:metrics"],
                        services: vec![METRICS_SERVICE],
                    },
                );
            }
            ScrapeAuth::None => {
                hub.authenticate_prometheus = Some(false);
            }
        }
        // The hub's NetworkPolicy admits only labelled pods of its own
        // namespace: let Prometheus in, to the hub's port only. Without a
        // namespace or pod labels there is nothing to admit, and the
        // `monitoring/unreachable-hub` rule has failed the build.
        if let Some(peer) = prometheus_peer(m) {
            hub.network_policy = Some(HubNetworkPolicy {
                ingress: vec![IngressRule {
                    from: vec![peer],
                    ports: vec![NamedPort { port: "http" }],
                }],
            });
        }
    }
    hub
}

/// The NetworkPolicy peer that selects the Prometheus pods (namespace and pod
/// selectors in one peer must both match).
pub fn prometheus_peer(m: &crate::model::Monitoring) -> Option<Peer> {
    let mut peer = Peer::default();
    if let Some(ns) = &m.prometheus_namespace {
        peer.namespace_selector = Some(LabelSelector {
            match_labels: Some(BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                ns.clone(),
            )])),
        });
    } else if !m.prometheus_pod_labels.is_empty() {
        peer.namespace_selector = Some(LabelSelector::default());
    }
    if !m.prometheus_pod_labels.is_empty() {
        peer.pod_selector = Some(LabelSelector {
            match_labels: Some(m.prometheus_pod_labels.clone()),
        });
    }
    (peer.namespace_selector.is_some() || peer.pod_selector.is_some()).then_some(peer)
}

/// Under Pod Security `restricted`, what KubeSpawner adds to the chart's user
/// container security context (`runAsUser`, `allowPrivilegeEscalation: false`).
fn restricted_container_context(s: &Spec) -> Option<ContainerSecurityContext> {
    (s.pod_security() == PodSecurity::Restricted).then(|| ContainerSecurityContext {
        run_as_non_root: true,
        capabilities: Capabilities { drop: vec!["ALL"] },
        seccomp_profile: SeccompProfile {
            kind: "RuntimeDefault",
        },
    })
}

fn singleuser(s: &Spec) -> Singleuser {
    // The chart's default runs a root init container with NET_ADMIN to
    // block 169.254.169.254, which Pod Security `baseline` refuses and an
    // on-prem cluster does not need; the singleuser NetworkPolicy still
    // denies the metadata address (`egressAllowRules.cloudMetadataServer`).
    let cloud_metadata = (!block_metadata_with_iptables(s)).then_some(CloudMetadata {
        block_with_iptables: false,
    });
    let sched = s.scheduling.clone().unwrap_or_default();
    Singleuser {
        image: SingleuserImage {
            name: s.image.repository(),
            tag: s.image.tag.clone(),
            pull_policy: s.image.pull_policy,
        },
        cloud_metadata,
        network_policy: singleuser_network_policy(s),
        storage: SingleuserStorage {
            kind: "dynamic",
            capacity: s.storage.capacity.clone(),
            home_mount_path: s.storage.home_mount_path.clone(),
            dynamic: DynamicStorage {
                storage_class: s.storage.class.clone(),
                storage_access_modes: s.storage.access_modes.clone(),
            },
        },
        node_selector: sched.node_selector,
        extra_tolerations: sched.tolerations,
        profile_list: s.profiles.iter().map(|p| profile(s, p)).collect(),
    }
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
fn singleuser_network_policy(s: &Spec) -> Option<SingleuserNetworkPolicy> {
    let np = SingleuserNetworkPolicy {
        egress_allow_rules: private_egress(s).then_some(EgressAllowRules { private_ips: true }),
        egress: s
            .network
            .egress
            .iter()
            .map(|e| EgressRule {
                to: vec![EgressPeer {
                    ip_block: IpBlock {
                        cidr: e.cidr.clone(),
                    },
                }],
                ports: e
                    .ports
                    .iter()
                    .map(|&port| EgressPort {
                        port,
                        protocol: "TCP",
                    })
                    .collect(),
            })
            .collect(),
    };
    (np.egress_allow_rules.is_some() || !np.egress.is_empty()).then_some(np)
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

fn profile(s: &Spec, p: &Profile) -> ProfileEntry {
    let mut o = Override {
        image: p.image.as_ref().map(|img| {
            let registry = img.registry.as_deref().unwrap_or(&s.image.registry);
            format!(
                "{}/{}:{}",
                registry.trim_end_matches('/'),
                img.name,
                img.tag
            )
        }),
        cpu_guarantee: p.cpu.as_ref().and_then(|c| c.guarantee).map(Cores),
        cpu_limit: p.cpu.as_ref().and_then(|c| c.limit).map(Cores),
        mem_guarantee: p.memory.as_ref().and_then(|m| m.guarantee.clone()),
        mem_limit: p.memory.as_ref().and_then(|m| m.limit.clone()),
        extra_labels: IndexMap::from([(super::dashboard::PROFILE_LABEL, p.slug.clone())]),
        ..Override::default()
    };
    if p.gpus > 0 {
        // A GPU is a limit (a request alone is invalid in Kubernetes); the
        // chart's docs quote the count.
        o.extra_resource_limits = Some(ExtraResourceLimits {
            nvidia_gpu: p.gpus.to_string(),
        });
    }
    if let Some(sel) = &p.node_selector {
        o.node_selector = sel
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        // node_selector dicts merge with the global one: clear what this profile drops.
        for k in global_selector(s).keys() {
            if !sel.contains_key(k) {
                o.node_selector.insert(k.clone(), None);
            }
        }
    }
    if !p.tolerations.is_empty() {
        // tolerations replace the global list: re-list the chart's and the spec's own.
        let mut all = user_pod_tolerations(s);
        for t in &p.tolerations {
            if !all.contains(t) {
                all.push(t.clone());
            }
        }
        o.tolerations = all;
    }
    ProfileEntry {
        display_name: p.display_name.clone(),
        slug: p.slug.clone(),
        description: p.description.clone(),
        default: p.default,
        kubespawner_override: (o != Override::default()).then_some(o),
    }
}

fn global_selector(s: &Spec) -> BTreeMap<String, String> {
    s.scheduling
        .as_ref()
        .map(|x| x.node_selector.clone())
        .unwrap_or_default()
}

/// What KubeSpawner's `tolerations` is without a profile: the chart's
/// `scheduling.userPods.tolerations` plus `singleuser.extraTolerations`.
fn user_pod_tolerations(s: &Spec) -> Vec<Toleration> {
    let mut all: Vec<Toleration> = chart::defaults()
        .pointer("/scheduling/userPods/tolerations")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    if let Some(sched) = &s.scheduling {
        for t in &sched.tolerations {
            if !all.contains(t) {
                all.push(t.clone());
            }
        }
    }
    all
}

/// Tolerations the image pullers need to reach the nodes that only profiles tolerate.
fn prepuller_tolerations(s: &Spec) -> Vec<Toleration> {
    let mut out: Vec<Toleration> = Vec::new();
    let global: Vec<&Toleration> = s
        .scheduling
        .as_ref()
        .map(|x| x.tolerations.iter().collect())
        .unwrap_or_default();
    for p in &s.profiles {
        for t in &p.tolerations {
            if !global.contains(&t) && !out.contains(t) {
                out.push(t.clone());
            }
        }
    }
    out
}

fn cull(s: &Spec) -> Cull {
    let c = &s.culling;
    Cull {
        enabled: c.enabled,
        timeout: c.timeout,
        every: c.every,
        max_age: c.max_age,
        users: c.users,
    }
}
