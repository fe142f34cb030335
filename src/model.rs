//! The input spec: the typed model of a merged base + overlay.
//!
//! This is the single source of truth for the spec's shape: serde reads the
//! merged tree into it, and schemars derives the JSON Schema that validates
//! the tree first (so that errors point at spans) and that editors use.
//! Every struct rejects unknown fields. Secrets have no field that could hold
//! them: credentials are always references to a Kubernetes Secret.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A jhubgen spec: one JupyterHub deployment, after the overlay is merged over the base.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The environment (`overlays/NAME.toml`) or shared layer (`layers/NAME.toml`)
    /// this file builds on; without it, an overlay or layer extends the base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Key paths to delete from what this file inherits, applied before its
    /// values are merged: `"monitoring.labels.release"`, `"profiles[gpu-large]"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delete: Vec<String>,
    pub environment: Environment,
    #[serde(default)]
    pub hub: Hub,
    pub ingress: Ingress,
    pub tls: Tls,
    pub auth: Auth,
    pub image: Image,
    pub storage: Storage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<Scheduling>,
    /// What the cluster is and has: facts jhubgen cannot see, which the
    /// emitters follow and the rules check profiles, CI and security against.
    #[serde(default)]
    pub cluster: Cluster,
    /// What user servers may reach on the network.
    #[serde(default)]
    pub network: Network,
    #[schemars(length(min = 1))]
    pub profiles: Vec<Profile>,
    pub culling: Culling,
    pub monitoring: Monitoring,
    /// A Cloudflare Tunnel in front of the ingress (environments with edge TLS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tunnel: Option<Tunnel>,
    pub ci: Ci,
    /// Raw Zero to JupyterHub chart values, deep-merged into the generated
    /// values last and checked against the chart's schema (escape hatch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<BTreeMap<String, serde_json::Value>>")]
    pub values: Option<serde_json::Map<String, serde_json::Value>>,
    /// Lint settings: warnings accepted on purpose, each with its reason.
    #[serde(default, skip_serializing_if = "Lint::is_empty")]
    pub lint: Lint,
}

/// A Cloudflare Tunnel: cloudflared forwards the public host (the ingress
/// host) to the ingress controller; Cloudflare terminates TLS.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tunnel {
    /// The tunnel's name or UUID, as `cloudflared tunnel create` made it.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"), length(max = 63))]
    pub name: String,
    /// Where cloudflared runs: `host`, a daemon on the server (it reads
    /// `cloudflared/config.yml`); `cluster`, a Deployment in the namespace.
    #[serde(default)]
    pub runs: TunnelRuns,
    /// What cloudflared forwards the hub's host to: the ingress controller's
    /// address, such as Traefik's `http://192.168.1.93:80` (scheme, host, port; no path).
    pub origin: String,
    /// `host`: where the tunnel's credentials JSON is on the server (never its content).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_file: Option<String>,
    /// `cluster`: the Secret key that holds the credentials JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_secret: Option<SecretKey>,
    /// Other services through the same tunnel, before the hub's route.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<TunnelRoute>,
    /// What answers a request that no route matches (cloudflared needs a
    /// catch-all last).
    #[serde(default = "default_catch_all")]
    pub catch_all: String,
    /// `cluster`: the cloudflared image.
    #[serde(default = "default_cloudflared_image")]
    pub image: String,
}

fn default_catch_all() -> String {
    "http_status:404".into()
}

fn default_cloudflared_image() -> String {
    "cloudflare/cloudflared:2025.11.1".into()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TunnelRuns {
    #[default]
    Host,
    Cluster,
}

/// One more ingress rule of cloudflared's config.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TunnelRoute {
    /// Public host name (`*` allowed as the first character only; no port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// A regular expression (RE2) the request path must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `http://host:port`, `https://…`, `tcp://…`, `ssh://…`, `unix:PATH`,
    /// `http_status:N`, `hello_world`, `bastion` or `socks-proxy`.
    pub service: String,
}

/// `[lint]`: which warnings this spec accepts, and why.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    /// `[[lint.allow]] code = "auth/allow-all", key = "auth.allow_all", reason = "…"`:
    /// the warning is not reported (SARIF lists it as suppressed, the summary counts it).
    /// Errors cannot be allowed; an allow that matches nothing is itself a warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Allow>,
}

impl Lint {
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty()
    }
}

/// One accepted warning.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// The warning's code (`jhubgen rule` lists them).
    #[schemars(length(min = 1))]
    pub code: String,
    /// Only the warning on this spec key or below it (`auth.allow_all`,
    /// `profiles[gpu-large]`); without it, every warning of the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Why it is accepted: required, for the next reader.
    #[schemars(length(min = 1))]
    pub reason: String,
}

/// Where and how the environment is deployed.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Kubernetes namespace of the Helm release.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 63))]
    pub namespace: String,
    /// Helm release name.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"), length(max = 53))]
    pub release: String,
    /// Version of the `jupyterhub/jupyterhub` chart (the chart, not JupyterHub).
    #[serde(default = "default_chart_version")]
    #[schemars(regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$"))]
    pub chart_version: String,
    /// What the environment is for; only `test` environments may use the dummy authenticator.
    #[serde(default)]
    pub purpose: Purpose,
}

fn default_chart_version() -> String {
    "4.4.0".to_string()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    #[default]
    Production,
    Staging,
    Lab,
    Test,
}

/// Facts about the cluster. Each is optional: a rule that needs an unknown
/// fact does not guess, and `jhubgen checklist` lists what is left to confirm.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// `on-prem` (no cloud metadata server; internal services on private
    /// addresses) or `cloud`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Who can reach the Kubernetes API server: `public` (hosted CI runners
    /// can), or `private` (behind NAT or a corporate firewall: deploys must
    /// run on a runner inside the network).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiAccess>,
    /// The Pod Security Admission level the namespace *enforces*
    /// (`pod-security.kubernetes.io/enforce`): `privileged`, `baseline` or
    /// `restricted`. Default: `baseline` in the Namespace jhubgen writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_security: Option<PodSecurity>,
    /// The GPU nodes.
    #[serde(default)]
    pub gpu: GpuNodes,
    /// Write the environment's Namespace (`namespace.yaml`, applied before the
    /// chart) with its Pod Security labels. `false` where the cluster's owners
    /// create namespaces: then say what they enforce in `pod_security`.
    #[serde(default = "yes")]
    pub manage_namespace: bool,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            location: None,
            api: None,
            pod_security: None,
            gpu: GpuNodes::default(),
            manage_namespace: true,
        }
    }
}

impl Spec {
    /// The Pod Security level user pods must pass: the one the spec names,
    /// else `baseline` where jhubgen writes the Namespace (it enforces
    /// that), else `privileged` (nothing known).
    pub fn pod_security(&self) -> PodSecurity {
        self.cluster
            .pod_security
            .unwrap_or(if self.cluster.manage_namespace {
                PodSecurity::Baseline
            } else {
                PodSecurity::Privileged
            })
    }
}

/// Where the cluster runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Location {
    OnPrem,
    Cloud,
}

/// Who can reach the API server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ApiAccess {
    Public,
    Private,
}

/// A Pod Security Standard level, in increasing strictness.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PodSecurity {
    Privileged,
    Baseline,
    Restricted,
}

impl PodSecurity {
    pub fn name(self) -> &'static str {
        match self {
            PodSecurity::Privileged => "privileged",
            PodSecurity::Baseline => "baseline",
            PodSecurity::Restricted => "restricted",
        }
    }
}

/// The cluster's GPU nodes.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GpuNodes {
    /// NVIDIA GPUs on the largest GPU node: no profile can ask for more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 64))]
    pub per_node: Option<u32>,
    /// Does the NVIDIA GPU Operator (or GPU Feature Discovery) run? Only then
    /// do GPU nodes carry `nvidia.com/gpu.present = "true"` and the other
    /// `nvidia.com/…` labels profiles select on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<bool>,
    /// Other labels the GPU nodes carry (set by hand or by another tool).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_labels: BTreeMap<String, String>,
}

impl GpuNodes {
    /// Is anything known about which labels GPU nodes carry?
    pub fn labels_known(&self) -> bool {
        self.operator.is_some() || !self.node_labels.is_empty()
    }
}

/// Egress of user servers. The chart's NetworkPolicy lets them reach the
/// internet and DNS, but no private address (10/8, 172.16/12, 192.168/16):
/// on-prem, that is where the package mirrors, Git and object storage are.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Let user servers reach every private address (the chart's
    /// `egressAllowRules.privateIPs`). Default: `true` for `production` and
    /// `staging` environments of an `on-prem` cluster, else `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_egress: Option<bool>,
    /// Private networks user servers may reach, when not all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<EgressRule>,
}

/// One allowed destination.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EgressRule {
    /// An IPv4 network in CIDR notation (`10.20.0.0/16`).
    #[schemars(regex(
        pattern = r"^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$"
    ))]
    pub cidr: String,
    /// TCP ports; empty means every port.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<u16>,
}

/// Hub settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hub {
    /// Path prefix JupyterHub is served under; starts and ends with `/`.
    #[serde(default = "default_base_url")]
    #[schemars(regex(pattern = r"^/([^/\s]+/)*$"))]
    pub base_url: String,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            base_url: default_base_url(),
        }
    }
}

fn default_base_url() -> String {
    "/".to_string()
}

/// The Ingress in front of the `proxy-public` service.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ingress {
    /// Public host name users open (`jupyterhub.example.org`).
    #[schemars(regex(
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$"
    ))]
    pub host: String,
    /// `ingressClassName`: the controller that serves it (`traefik`, `nginx`).
    pub class: String,
    /// Annotations for the ingress controller.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// How HTTPS is provided.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    pub mode: TlsMode,
    /// Name of the `kubernetes.io/tls` Secret (mode `secret`; optional for `cert-manager`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// cert-manager issuer (mode `cert-manager`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Issuer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// TLS ends before the cluster (Cloudflare Tunnel, a load balancer): no `tls` block.
    Edge,
    /// A Kubernetes TLS Secret that exists in the namespace (a corporate-CA certificate).
    Secret,
    /// cert-manager issues the certificate into a Secret.
    CertManager,
}

/// A cert-manager issuer.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    pub name: String,
    #[serde(default)]
    pub kind: IssuerKind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum IssuerKind {
    #[default]
    ClusterIssuer,
    Issuer,
}

/// Authentication.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub provider: AuthProvider,
    /// Users who are admins (and therefore allowed).
    #[serde(default)]
    pub admin_users: Vec<String>,
    /// Users allowed to log in, besides those allowed by organisation or group.
    #[serde(default)]
    pub allowed_users: Vec<String>,
    /// Let every user who can authenticate log in. Use on purpose only.
    #[serde(default)]
    pub allow_all: bool,
    /// The OAuth client's id and secret, as keys of a Kubernetes Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientSecret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GitHubAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azuread: Option<AzureAdAuth>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AuthProvider {
    /// GitHub OAuth (`GitHubOAuthenticator`).
    Github,
    /// Entra ID / Azure AD (`AzureAdOAuthenticator`, chart 4.x for group gating).
    Azuread,
    /// JupyterHub's dummy authenticator: any password works. Test environments only.
    Dummy,
}

/// The Kubernetes Secret that holds the OAuth client credentials.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientSecret {
    /// Secret name, in the release namespace.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"))]
    pub secret: String,
    /// Key holding the client id.
    #[serde(default = "default_client_id_key")]
    pub id_key: String,
    /// Key holding the client secret.
    #[serde(default = "default_client_secret_key")]
    pub secret_key: String,
}

fn default_client_id_key() -> String {
    "client_id".to_string()
}

fn default_client_secret_key() -> String {
    "client_secret".to_string()
}

/// GitHub OAuth settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitHubAuth {
    /// Organisations whose members may log in (`org`), or teams (`org:team`).
    #[serde(default)]
    pub organizations: Vec<String>,
    /// OAuth scopes; `read:org` is added whenever `organizations` gate access (without it
    /// GitHub shows only public membership).
    #[serde(default)]
    pub scope: Vec<String>,
}

/// Entra ID / Azure AD settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AzureAdAuth {
    /// Tenant id: a GUID, or a reference to a Secret key (read as `AAD_TENANT_ID`).
    pub tenant_id: Reference,
    /// Groups whose members may log in, as the claim at `groups_key` carries them:
    /// object ids for `user.groups` (Entra ID's `groups` claim), app role values
    /// for `user.roles` (the `roles` claim).
    #[serde(default)]
    pub allowed_groups: Vec<String>,
    /// Groups whose members are admins.
    #[serde(default)]
    pub admin_groups: Vec<String>,
    /// Claim that becomes the username. `oid` (the default): the user's object
    /// id, present for every user (guests included) and never changed by a
    /// rename. `upn` is readable, but guests have none and it changes when a
    /// user is renamed (a new JupyterHub user with an empty home).
    /// OAuthenticator's own default `name` is a display name, not unique.
    #[serde(default = "default_username_claim")]
    pub username_claim: String,
    /// Where groups are read from in the auth state: `user.groups` (the id token's
    /// `groups` claim: group object ids, and only when the app registration emits
    /// it, with an overage claim instead past 200 groups) or `user.roles` (the
    /// `roles` claim: the app roles assigned to the user or their groups).
    #[serde(default = "default_groups_key")]
    pub groups_key: String,
    /// OAuth scopes.
    #[serde(default = "default_azure_scope")]
    pub scope: Vec<String>,
}

fn default_username_claim() -> String {
    "oid".to_string()
}

fn default_groups_key() -> String {
    "user.groups".to_string()
}

fn default_azure_scope() -> Vec<String> {
    vec!["openid".into(), "email".into(), "profile".into()]
}

/// A value given literally, or read from a Kubernetes Secret key.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Reference {
    Literal(String),
    Secret(SecretKey),
}

/// A key of a Kubernetes Secret.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretKey {
    pub secret: String,
    pub key: String,
}

/// The notebook image.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Registry host (`ghcr.io`, `artifactory.example.internal`).
    pub registry: String,
    /// Repository path in the registry (`org/base-notebook`).
    pub name: String,
    /// Tag; always a string.
    pub tag: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_policy: Option<PullPolicy>,
    /// Names of existing `kubernetes.io/dockerconfigjson` Secrets used to pull images.
    #[serde(default)]
    pub pull_secrets: Vec<String>,
}

impl Image {
    /// `registry/name`, as the chart's `singleuser.image.name`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.registry.trim_end_matches('/'), self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum PullPolicy {
    IfNotPresent,
    Always,
    Never,
}

/// Users' home directories.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// StorageClass of the users' PVCs (and of the hub database PVC).
    pub class: String,
    /// Size of each user's volume, as a Kubernetes quantity (`10Gi`). Not every
    /// provisioner enforces it: `local-path` volumes are host directories that
    /// can fill the node's disk whatever the request says.
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$"))]
    pub capacity: String,
    #[serde(default = "default_access_modes")]
    pub access_modes: Vec<AccessMode>,
    #[serde(default = "default_home")]
    pub home_mount_path: String,
    /// Delete a user's volume (their home directory) when the user is deleted
    /// in the admin panel (KubeSpawner's `delete_pvc`). Default: `false` in
    /// `production` and `staging`, KubeSpawner's `true` elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_with_user: Option<bool>,
}

fn default_access_modes() -> Vec<AccessMode> {
    vec![AccessMode::ReadWriteOnce]
}

fn default_home() -> String {
    "/home/jovyan".to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadWriteOncePod,
    ReadOnlyMany,
    ReadWriteMany,
}

/// Where user pods run, for every profile.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scheduling {
    /// Node labels every user pod needs, unless a profile gives its own `node_selector`.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Tolerations added to the chart's user-pod tolerations for every user pod.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
}

/// A server option users pick at spawn time.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Stable identifier; users' last choice is remembered by it.
    #[schemars(regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))]
    pub slug: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The profile preselected in the spawn form.
    #[serde(default)]
    pub default: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Cpu>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,
    /// NVIDIA GPUs per user server; becomes the `nvidia.com/gpu` limit. At most
    /// `cluster.gpu.per_node`, or the server never schedules.
    #[serde(default)]
    #[schemars(range(max = 64))]
    pub gpus: u32,
    /// The complete node selector of this profile (replaces `scheduling.node_selector`).
    /// `nvidia.com/gpu.present` exists only where the NVIDIA GPU Operator (or GPU
    /// Feature Discovery) labels nodes: say so with `cluster.gpu.operator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Tolerations added to the chart's and `scheduling` tolerations for this profile.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// Another image for this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ProfileImage>,
}

/// CPU cores.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cpu {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub guarantee: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub limit: Option<f64>,
}

/// Memory, as JupyterHub byte specifications: a number with K, M, G or T
/// (powers of 1024), e.g. `"4G"` (checked by the `profiles/memory-unit` rule).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Memory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// A Kubernetes toleration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toleration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default = "default_operator")]
    pub operator: TolerationOperator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
}

fn default_operator() -> TolerationOperator {
    TolerationOperator::Equal
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum TolerationOperator {
    Equal,
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

/// A profile's own image; the registry defaults to `image.registry`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileImage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    pub name: String,
    pub tag: String,
}

/// Stopping idle user servers (jupyterhub-idle-culler).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Culling {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Seconds of inactivity before a server is stopped.
    #[schemars(range(min = 1))]
    pub timeout: u64,
    /// Seconds between culler runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub every: Option<u64>,
    /// Seconds after which a server is stopped even if active (0: never).
    #[serde(default)]
    pub max_age: u64,
    /// Also delete users who have been inactive (not only their servers).
    #[serde(default)]
    pub users: bool,
}

fn yes() -> bool {
    true
}

/// Prometheus scraping of the hub's `/hub/metrics`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Emit a prometheus-operator ServiceMonitor.
    #[serde(default = "yes")]
    pub service_monitor: bool,
    /// Labels the Prometheus `serviceMonitorSelector` matches (`release = "prometheus"`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Scrape interval (`30s`).
    #[serde(default = "default_interval")]
    #[schemars(regex(
        pattern = r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"
    ))]
    pub interval: String,
    /// `token`: keep `/hub/metrics` authenticated and give Prometheus a `read:metrics` token;
    /// `none`: make the metrics public (they are then readable through the ingress too).
    #[serde(default)]
    pub scrape_auth: ScrapeAuth,
    /// Namespace Prometheus runs in, let through the hub's NetworkPolicy to the
    /// hub's metrics port (the chart admits no other namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus_namespace: Option<String>,
    /// Labels of the Prometheus pods (prometheus-operator labels its pods
    /// `app.kubernetes.io/name = "prometheus"`). With `prometheus_namespace`,
    /// both must match; alone, they match in every namespace.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prometheus_pod_labels: BTreeMap<String, String>,
    /// The Grafana that shows the dashboard (`https://grafana.example.internal`),
    /// for the environment file and the checklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^https?://[^\s/]+(/[^\s]*)?$"))]
    pub grafana_url: Option<String>,
    /// The Grafana dashboard: the same JSON in every environment.
    #[serde(default)]
    pub dashboard: Dashboard,
    /// Alert rules (a PrometheusRule selected by the same `labels` as the ServiceMonitor).
    #[serde(default, skip_serializing_if = "Alerts::is_unset")]
    pub alerts: Alerts,
    /// What the cluster's monitoring provides, which jhubgen cannot emit into
    /// someone else's Prometheus (panels that need it say so until it is declared).
    #[serde(default)]
    pub exporters: Exporters,
}

/// How Grafana gets the dashboard.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    /// Emit the dashboard; by default, when there is a ServiceMonitor (a
    /// Prometheus to read from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `configmap`: a ConfigMap labelled `grafana_dashboard: "1"`, which the Grafana
    /// sidecar of kube-prometheus-stack imports; `file`: `dashboard.json`, to import
    /// into a Grafana by hand or by its provisioning.
    #[serde(default)]
    pub delivery: DashboardDelivery,
    /// GPU panels (dcgm-exporter); by default, when a profile asks for GPUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<bool>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DashboardDelivery {
    #[default]
    File,
    Configmap,
}

/// The alert rules and their thresholds. Each alert takes `enabled`,
/// `threshold` (in the alert's unit), `window` and `for` (durations such as
/// `15m`) and `severity`; what is not set has the default of the README's table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Emit the PrometheusRule; by default, when there is a ServiceMonitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The hub's metrics endpoint is down or gone.
    #[serde(default, skip_serializing_if = "Alert::is_unset")]
    pub hub_down: Alert,
    /// Failed server starts in `window` (an `increase`, so a hub restart, which
    /// resets the counter, does not hide them); threshold: a count.
    #[serde(default, skip_serializing_if = "Alert::is_unset")]
    pub spawn_failures: Alert,
    /// The 95th percentile of successful server starts over `window`; threshold: seconds.
    #[serde(default, skip_serializing_if = "Alert::is_unset")]
    pub slow_spawns: Alert,
    /// The hub failed to add or remove a proxy route in `window`; threshold: a count.
    #[serde(default, skip_serializing_if = "Alert::is_unset")]
    pub proxy_route_failures: Alert,
    /// A user pod pending for `for` (no node with a free GPU, CPU or memory); threshold: pods.
    #[serde(default, skip_serializing_if = "Alert::is_unset")]
    pub pending_user_pods: Alert,
    /// The hub database's volume is fuller than the threshold; threshold: percent.
    #[serde(default, skip_serializing_if = "Alert::is_unset")]
    pub hub_db_volume: Alert,
}

impl Alerts {
    /// Nothing set: every alert as its defaults say.
    pub fn is_unset(&self) -> bool {
        self.enabled.is_none()
            && [
                &self.hub_down,
                &self.spawn_failures,
                &self.slow_spawns,
                &self.proxy_route_failures,
                &self.pending_user_pods,
                &self.hub_db_volume,
            ]
            .iter()
            .all(|a| a.is_unset())
    }
}

/// One alert's settings; unset ones take the alert's default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alert {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// In the alert's unit (a count, seconds, pods or percent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The range the alert looks back over (`15m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?$"))]
    pub window: Option<String>,
    /// How long the condition must hold before the alert fires (`5m`; `0s` at once).
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?$"))]
    pub for_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<AlertSeverity>,
}

impl Alert {
    /// Nothing set: every setting is the alert's default.
    pub fn is_unset(&self) -> bool {
        *self == Alert::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AlertSeverity {
    Critical,
    Warning,
    Info,
}

impl AlertSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Critical => "critical",
            AlertSeverity::Warning => "warning",
            AlertSeverity::Info => "info",
        }
    }
}

/// What the environment's Prometheus is set up to export.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exporters {
    /// kube-state-metrics exports the user pods' labels `component` and
    /// `hub.jupyter.org/profile` (`metricLabelsAllowlist:
    /// ["pods=[app,component,hub.jupyter.org/username,hub.jupyter.org/profile]"]`;
    /// kube-prometheus-stack's default is none). The per-profile panels need it.
    #[serde(default)]
    pub kube_state_metrics_pod_labels: bool,
    /// NVIDIA dcgm-exporter maps GPUs to pods (its Kubernetes mode) and its
    /// ServiceMonitor keeps those `namespace`/`pod` labels (`honorLabels`).
    /// The GPU panels need it.
    #[serde(default)]
    pub dcgm_pod_labels: bool,
}

fn default_interval() -> String {
    "30s".to_string()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ScrapeAuth {
    #[default]
    Token,
    None,
}

/// The CI system that deploys this environment.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ci {
    pub provider: CiProvider,
    /// Name of the pipeline; the GitHub workflow file is `<name>.yml`.
    #[serde(default = "default_ci_name")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"), length(max = 64))]
    pub name: String,
    /// Branches whose pushes build and deploy (GitHub glob patterns allowed, e.g. `release/*`).
    #[serde(default = "default_branches")]
    #[schemars(length(min = 1))]
    pub deploy_branches: Vec<String>,
    /// Where the pipeline is written. `root` (the default): where the CI system reads it,
    /// `.github/workflows/<name>.yml` or `.gitlab-ci.yml`, one pipeline shared by every
    /// environment of the provider (GitHub: of the same `name`), deploying in promotion order.
    /// `environment`: this environment's own pipeline, inside `environments/<env>/`.
    #[serde(default)]
    pub location: CiLocation,
    /// How the pipeline installs jhubgen.
    #[serde(default)]
    pub jhubgen: JhubgenInstall,
    /// Runner (`runs-on` label for GitHub; runner tags for GitLab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<String>,
    /// Building and pushing the notebook image (`image.registry/name`, tags commit SHA and `image.tag`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_build: Option<ImageBuild>,
    /// Deploying the chart and the manifests.
    pub deploy: Deploy,
    /// Container images the GitLab jobs run in.
    #[serde(default)]
    pub gitlab_images: GitlabImages,
}

fn default_ci_name() -> String {
    "jhubgen".to_string()
}

fn default_branches() -> Vec<String> {
    vec!["main".to_string()]
}

/// How CI gets jhubgen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "from", rename_all = "kebab-case", deny_unknown_fields)]
pub enum JhubgenInstall {
    /// `cargo install --locked --path <path>`: jhubgen's source in this repository.
    Path {
        #[serde(default = "default_dot")]
        path: String,
    },
    /// `cargo install --locked jhubgen --version <version>` from crates.io.
    CratesIo { version: String },
}

fn default_dot() -> String {
    ".".to_string()
}

impl Default for JhubgenInstall {
    fn default() -> Self {
        JhubgenInstall::Path {
            path: default_dot(),
        }
    }
}

/// The image build.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageBuild {
    /// Build context, relative to the repository root.
    #[serde(default = "default_dot")]
    pub context: String,
    /// Dockerfile, relative to the repository root.
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
    /// CI variable with the registry user (GitHub: default the workflow's actor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub username_variable: Option<String>,
    /// CI secret or variable with the registry password or token (GitHub: default `GITHUB_TOKEN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub password_variable: Option<String>,
}

fn default_dockerfile() -> String {
    "Dockerfile".to_string()
}

/// The deploy step.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// CI secret (GitHub: the kubeconfig's content) or File-type variable (GitLab: its path)
    /// that gives access to the cluster.
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub kubeconfig_variable: String,
    /// kubeconfig context to use, if not its current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_context: Option<String>,
    /// The CI environment (GitHub environment or GitLab environment) deploys run in;
    /// protect it to require approval.
    pub environment: String,
    /// Require a person to start each deploy (GitLab `when: manual`; on GitHub, give the
    /// environment required reviewers).
    #[serde(default)]
    pub manual: bool,
    /// `helm upgrade --timeout` (the image pre-puller can take minutes).
    #[serde(default = "default_timeout")]
    #[schemars(regex(pattern = r"^([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub timeout: String,
    /// The chart repository.
    #[serde(default = "default_chart_repo")]
    pub chart_repo: String,
    /// Runner labels of the deploy job (GitHub `runs-on`, GitLab `tags`), when it must
    /// run elsewhere than the other jobs: on a `private` cluster, a self-hosted runner
    /// inside its network (`["self-hosted", "lab"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runner: Vec<String>,
    /// The notebook image tag a deploy rolls out: `commit` (the default when
    /// `ci.image_build` is set) is the immutable tag the pipeline built for the
    /// deployed commit, so every deploy pulls what it built; `spec` is
    /// `image.tag` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<DeployImageTag>,
}

/// Which image tag a deploy rolls out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeployImageTag {
    Commit,
    Spec,
}

impl Ci {
    /// Does the deploy roll out the image the pipeline built for the commit?
    pub fn deploys_commit_image(&self) -> bool {
        self.image_build.is_some() && self.deploy.image_tag != Some(DeployImageTag::Spec)
    }
}

fn default_timeout() -> String {
    "10m0s".to_string()
}

fn default_chart_repo() -> String {
    "https://hub.jupyter.org/helm-chart/".to_string()
}

/// Images of the GitLab jobs.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitlabImages {
    /// For validate (needs cargo).
    #[serde(default = "default_rust_image")]
    pub rust: String,
    /// For the image build (with a `-dind` service of the same tag).
    #[serde(default = "default_docker_image")]
    pub docker: String,
    /// For deploy (needs helm and kubectl).
    #[serde(default = "default_deploy_image")]
    pub deploy: String,
}

fn default_rust_image() -> String {
    "rust:1.95-bookworm".to_string()
}

fn default_docker_image() -> String {
    "docker:27".to_string()
}

fn default_deploy_image() -> String {
    "alpine/k8s:1.30.14".to_string()
}

impl Default for GitlabImages {
    fn default() -> Self {
        GitlabImages {
            rust: default_rust_image(),
            docker: default_docker_image(),
            deploy: default_deploy_image(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CiProvider {
    Github,
    Gitlab,
}

/// Where a pipeline file is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CiLocation {
    /// Where the CI system reads it, shared by the environments of the provider.
    #[default]
    Root,
    /// Inside `environments/<env>/`, this environment's alone.
    Environment,
}

/// The JSON Schema of a merged spec (what `validate` checks).
///
/// Draft-07, like the chart's own schema: editors (taplo) support it, and one
/// draft means jsonschema compiles one meta-schema per process, not two.
pub fn schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Spec>();
    let mut schema = serde_json::to_value(schema).expect("schemas serialize");
    drop_null(&mut schema);
    schema
}

/// TOML has no null: an optional key is absent, never null. schemars writes
/// an `Option<T>` as `anyOf: [T, {type: null}]` (or `type: [T, "null"]`),
/// which turns every mistake inside an optional table into "not valid under
/// any of the schemas listed in the 'anyOf' keyword" at the table, and tells
/// editors that `null` is allowed. Without the null branch the table's own
/// schema speaks: the unknown key, the wrong type, at its own line.
fn drop_null(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    m.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(values)) = m.get_mut("enum") {
                values.retain(|x| !x.is_null());
            }
            for key in ["anyOf", "oneOf"] {
                let Some(Value::Array(branches)) = m.get_mut(key) else {
                    continue;
                };
                let before = branches.len();
                branches.retain(|b| *b != serde_json::json!({"type": "null"}));
                if before > 1 && branches.len() == 1 {
                    let only = branches.pop().expect("one branch");
                    m.remove(key);
                    // the branch's own keywords, kept beside the description
                    // (draft-07 ignores the siblings of a `$ref`, so wrap it)
                    if only.get("$ref").is_some() {
                        m.insert("allOf".into(), Value::Array(vec![only]));
                    } else if let Value::Object(o) = only {
                        for (k, x) in o {
                            m.entry(k).or_insert(x);
                        }
                    }
                }
            }
            m.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// The JSON Schema of one spec *file* (for editors): the same, but nothing is
/// required, since a base or an overlay holds only part of a spec.
pub fn file_schema() -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("required");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut s = schema();
    strip(&mut s);
    if let Some(m) = s.as_object_mut() {
        m.insert(
            "title".into(),
            "jhubgen spec file (base, overlay or layer)".into(),
        );
        m.insert(
            "description".into(),
            "One file of a jhubgen spec: base/*.toml, overlays/<env>.toml or layers/<name>.toml. An environment is the chain base → the layers it extends → its overlay, merged in that order; the merged spec must then have every required key, which `jhubgen lint` checks."
                .into(),
        );
    }
    s
}
