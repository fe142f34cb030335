//! The chart's values of one environment → a jhubgen spec (a draft: JSON
//! data in spec order, and a comment for each value saying where it came
//! from). What the spec does not model stays for `[values]`, which the
//! proof fills.

use super::lift::{ENV_MARK, Lift};
use super::stack::display;
use super::yaml::Places;
use crate::diag::Diag;
use crate::source::{Origin, Sources};
use crate::tree::escape_pointer;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// A spec being written.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub doc: Map<String, Value>,
    /// Comments by spec pointer: where the value came from.
    pub notes: BTreeMap<String, String>,
}

impl Draft {
    pub fn put(&mut self, pointer: &str, v: Value, note: impl Into<String>) {
        let mut root = Value::Object(std::mem::take(&mut self.doc));
        super::lift::set(&mut root, pointer, v);
        self.doc = match root {
            Value::Object(m) => m,
            _ => unreachable!("the root stays a mapping"),
        };
        let note = note.into();
        if !note.is_empty() {
            self.notes.insert(pointer.to_string(), note);
        }
    }

    pub fn get(&self, pointer: &str) -> Option<&Value> {
        let segs = crate::tree::pointer_segments(pointer);
        let mut cur = self.doc.get(segs.first()?)?;
        for s in &segs[1..] {
            cur = match cur {
                Value::Object(m) => m.get(s)?,
                Value::Array(a) => a.get(s.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

/// A Secret the import made a reference to, for the report and the checklist.
#[derive(Debug, Clone)]
pub struct SecretMove {
    /// Chart pointer the literal was at (`/hub/config/GitHubOAuthenticator/client_secret`).
    pub from: String,
    pub place: Option<Origin>,
    pub secret: String,
    pub key: String,
    /// The value was a placeholder (`YOUR_GITHUB_SECRET`): still to provide.
    pub placeholder: bool,
}

/// A spec value the values could not tell: a convention, or `--set`.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub key: String,
    pub value: String,
    pub why: String,
}

/// What mapping one environment produced.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub draft: Draft,
    pub secrets: Vec<SecretMove>,
    pub chosen: Vec<Chosen>,
    /// Chart pointers whose input the import changed on purpose, each with
    /// what it did (the proof lists them instead of comparing them).
    pub transformed: Vec<(String, String)>,
}

/// `--set ENV.key=value`.
#[derive(Debug, Clone)]
pub struct Set {
    pub env: String,
    pub key: String,
    pub value: Value,
}

pub struct Input<'a> {
    pub env: &'a str,
    /// The values after lifting (user values, `null`s kept), and over the chart's defaults.
    pub user: &'a Value,
    pub effective: &'a Value,
    pub places: &'a Places,
    pub sources: &'a Sources,
    pub lift: &'a Lift,
    pub sets: Vec<&'a Set>,
}

impl Input<'_> {
    fn eff(&self, p: &str) -> Option<&Value> {
        self.effective.pointer(p).filter(|v| !v.is_null())
    }
    fn user_set(&self, p: &str) -> bool {
        self.user.pointer(p).is_some()
    }
    /// `file:line` of a chart pointer, or what it is when the input did not set it.
    fn from(&self, p: &str) -> String {
        match self.places.get(p) {
            Some(o) => {
                let (line, _) = self.sources.line_col(o.file, o.span.start);
                format!("from {}:{line}", self.sources.name(o.file))
            }
            None if self.user_set(p) => "from the values".into(),
            None => "the chart's default".into(),
        }
    }
    /// The `--set` value of a spec key (or of a table that has it).
    fn set(&self, key: &str) -> Option<&Value> {
        self.sets.iter().rev().find_map(|s| {
            if s.key == key {
                return Some(&s.value);
            }
            let rest = key.strip_prefix(&format!("{}.", s.key))?;
            rest.split('.').try_fold(&s.value, |v, k| v.get(k))
        })
    }
}

pub const SET_NOTE: &str = "set with --set";

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The entry-point name of an authenticator class, however it is spelled.
pub fn canonical_authenticator(v: &str) -> Option<&'static str> {
    match v {
        "github"
        | "GitHubOAuthenticator"
        | "oauthenticator.GitHubOAuthenticator"
        | "oauthenticator.github.GitHubOAuthenticator" => Some("github"),
        "azuread"
        | "AzureAdOAuthenticator"
        | "oauthenticator.AzureAdOAuthenticator"
        | "oauthenticator.azuread.AzureAdOAuthenticator" => Some("azuread"),
        "dummy" | "DummyAuthenticator" | "jupyterhub.auth.DummyAuthenticator" => Some("dummy"),
        _ => None,
    }
}

fn looks_placeholder(s: &str) -> bool {
    crate::lint::placeholder::is_placeholder(s)
        || s.contains("${")
        || (s.contains("{{") && s.contains("}}"))
        || (s.len() >= 3
            && s.contains('_')
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
}

/// Maps one environment. Errors name what the values cannot tell and the
/// `--set` that tells it.
pub fn map(i: &Input) -> Result<Mapped, Vec<Diag>> {
    let mut m = Mapped::default();
    let mut errors = Vec::new();
    let env = i.env;
    let d = &mut m.draft;

    // [environment]: not in any values file
    let conventions = [
        (
            "environment.namespace",
            json!(format!("jupyterhub-{env}")),
            "the Kubernetes namespace: `jupyterhub-<env>`",
        ),
        (
            "environment.release",
            json!("jupyterhub"),
            "the Helm release name",
        ),
    ];
    for (key, v, why) in conventions {
        let ptr = format!("/{}", key.replace('.', "/"));
        if i.set(key).is_none() {
            d.put(
                &ptr,
                v.clone(),
                "not in the values: chosen by import, review",
            );
            m.chosen.push(Chosen {
                key: key.into(),
                value: str_of(&v).unwrap_or_default(),
                why: why.into(),
            });
        }
    }
    d.put(
        "/environment/chart_version",
        json!("4.4.0"),
        "the chart version whose defaults the import subtracted",
    );
    let purpose = if env.contains("lab") {
        Some("lab")
    } else if env.contains("stag") {
        Some("staging")
    } else if env.contains("test") || env == "dev" || env.starts_with("dev-") {
        Some("test")
    } else {
        None
    };
    if let (Some(p), None) = (purpose, i.set("environment.purpose")) {
        d.put(
            "/environment/purpose",
            json!(p),
            "from the environment's name",
        );
    }

    // [hub]
    if let Some(b) = i
        .eff("/hub/baseUrl")
        .and_then(Value::as_str)
        .filter(|b| *b != "/")
    {
        let b = if b.ends_with('/') {
            b.to_string()
        } else {
            format!("{b}/")
        };
        d.put("/hub/base_url", json!(b), i.from("/hub/baseUrl"));
    }

    // [ingress] and [tls]
    let callback_host = [
        "GitHubOAuthenticator",
        "AzureAdOAuthenticator",
        "GenericOAuthenticator",
        "OAuthenticator",
    ]
    .iter()
    .find_map(|s| {
        i.eff(&format!("/hub/config/{s}/oauth_callback_url"))
            .and_then(Value::as_str)
            .map(|u| (s, u))
    })
    .and_then(|(s, u)| {
        let rest = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix("http://"))?;
        Some((
            rest.split(['/', ':']).next()?.to_string(),
            format!("/hub/config/{s}/oauth_callback_url"),
        ))
    });
    let chart_ingress = i.eff("/ingress/enabled") == Some(&Value::Bool(true));
    if chart_ingress {
        let hosts = i
            .eff("/ingress/hosts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(h) = hosts.first().and_then(Value::as_str) {
            d.put("/ingress/host", json!(h), i.from("/ingress/hosts/0"));
        }
        if hosts.len() > 1 {
            errors.push(
                Diag::error(
                    "import/unsupported",
                    format!(
                        "environment `{env}`: the chart's Ingress has {} hosts; jhubgen's has one",
                        hosts.len()
                    ),
                )
                .help("import with one host, and add the others' Ingress by hand"),
            );
        }
        let mut annotations = i
            .eff("/ingress/annotations")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let class = i
            .eff("/ingress/ingressClassName")
            .and_then(Value::as_str)
            .map(|c| (c.to_string(), i.from("/ingress/ingressClassName")))
            .or_else(|| {
                annotations
                    .remove("kubernetes.io/ingress.class")
                    .and_then(|v| {
                        v.as_str().map(|c| {
                            (
                                c.to_string(),
                                i.from("/ingress/annotations/kubernetes.io~1ingress.class"),
                            )
                        })
                    })
            });
        if let Some((c, note)) = class {
            d.put("/ingress/class", json!(c), note);
        }
        let issuer = ["cert-manager.io/cluster-issuer", "cert-manager.io/issuer"]
            .iter()
            .find_map(|k| {
                annotations
                    .remove(*k)
                    .map(|v| (k.ends_with("cluster-issuer"), v))
            });
        annotations.remove("kubernetes.io/tls-acme");
        if !annotations.is_empty() {
            d.put(
                "/ingress/annotations",
                Value::Object(annotations),
                i.from("/ingress/annotations"),
            );
        }
        let tls_secret = i.eff("/ingress/tls/0/secretName").and_then(Value::as_str);
        match (issuer, tls_secret) {
            (Some((cluster, name)), secret) => {
                d.put(
                    "/tls/mode",
                    json!("cert-manager"),
                    i.from("/ingress/annotations"),
                );
                d.put("/tls/issuer/name", name, i.from("/ingress/annotations"));
                if !cluster {
                    d.put("/tls/issuer/kind", json!("Issuer"), "");
                }
                if let Some(s) = secret {
                    d.put("/tls/secret", json!(s), i.from("/ingress/tls/0/secretName"));
                }
            }
            (None, Some(s)) => {
                d.put("/tls/mode", json!("secret"), i.from("/ingress/tls"));
                d.put("/tls/secret", json!(s), i.from("/ingress/tls/0/secretName"));
            }
            (None, None) => {}
        }
        m.transformed.push((
            "/ingress".into(),
            format!("the chart's Ingress becomes environments/{env}/ingress.yaml (same host, class, annotations and TLS); the chart's is switched off"),
        ));
    } else if let Some((h, from)) = &callback_host
        && i.set("ingress.host").is_none()
    {
        d.put(
            "/ingress/host",
            json!(h),
            format!("the host of the OAuth callback URL, {}", i.from(from)),
        );
    }
    if d.get("/ingress/host").is_none() && i.set("ingress.host").is_none() {
        need(
            &mut errors,
            env,
            "ingress.host",
            "no chart Ingress and no OAuth callback URL",
            "jupyter.example.org",
        );
    }
    if d.get("/ingress/class").is_none() && i.set("ingress.class").is_none() {
        need(
            &mut errors,
            env,
            "ingress.class",
            "jhubgen writes an Ingress: which controller serves it",
            "nginx",
        );
    }
    if d.get("/tls/mode").is_none() && i.set("tls.mode").is_none() {
        need(
            &mut errors,
            env,
            "tls.mode",
            "how HTTPS is provided: `edge` (a tunnel or load balancer ends TLS), `secret` or `cert-manager`",
            "edge",
        );
    }

    // [auth]
    let class_ptr = "/hub/config/JupyterHub/authenticator_class";
    let class = i
        .eff(class_ptr)
        .and_then(Value::as_str)
        .unwrap_or("dummy")
        .to_string();
    let kept_sets_class = i.lift.kept.iter().find(|k| {
        i.user
            .pointer(&format!("/hub/extraConfig/{}", escape_pointer(&k.key)))
            .and_then(Value::as_str)
            .is_some_and(|code| {
                super::python::mentions(code)
                    .iter()
                    .any(|(s, n)| s == "JupyterHub" && n.as_deref() == Some("authenticator_class"))
            })
    });
    let provider = if let Some(k) = kept_sets_class {
        let code = i
            .user
            .pointer(&format!("/hub/extraConfig/{}", escape_pointer(&k.key)))
            .and_then(Value::as_str)
            .unwrap_or("");
        if code.contains("GitHubOAuthenticator") {
            Some((
                "github",
                format!("the base class of the snippet `{}`, which stays", k.key),
            ))
        } else if code.contains("AzureAdOAuthenticator") {
            Some((
                "azuread",
                format!("the base class of the snippet `{}`, which stays", k.key),
            ))
        } else {
            None
        }
    } else {
        canonical_authenticator(&class).map(|p| (p, i.from(class_ptr)))
    };
    let provider = match (provider, i.set("auth.provider")) {
        (_, Some(p)) => p.as_str().unwrap_or("").to_string(),
        (Some((p, note)), None) => {
            d.put("/auth/provider", json!(p), note);
            p.to_string()
        }
        (None, None) => {
            need(
                &mut errors,
                env,
                "auth.provider",
                &format!(
                    "the authenticator `{class}` is not one jhubgen models (github, azuread, dummy)"
                ),
                "github",
            );
            String::new()
        }
    };
    let section = match provider.as_str() {
        "github" => "GitHubOAuthenticator",
        "azuread" => "AzureAdOAuthenticator",
        _ => "",
    };
    for (k, spec) in [
        ("admin_users", "admin_users"),
        ("allowed_users", "allowed_users"),
    ] {
        let p = format!("/hub/config/Authenticator/{k}");
        if let Some(list) = i
            .eff(&p)
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
        {
            d.put(
                &format!("/auth/{spec}"),
                Value::Array(list.clone()),
                i.from(&p),
            );
        }
    }
    if i.eff("/hub/config/Authenticator/allow_all") == Some(&Value::Bool(true)) {
        d.put(
            "/auth/allow_all",
            json!(true),
            i.from("/hub/config/Authenticator/allow_all"),
        );
    }
    let sec = |name: &str| format!("/hub/config/{section}/{name}");
    if provider == "github" {
        if let Some(orgs) = i
            .eff(&sec("allowed_organizations"))
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
        {
            d.put(
                "/auth/github/organizations",
                Value::Array(orgs.clone()),
                i.from(&sec("allowed_organizations")),
            );
            if let Some(scope) = i.eff(&sec("scope")).and_then(Value::as_array) {
                let rest: Vec<Value> = scope
                    .iter()
                    .filter(|s| s.as_str() != Some("read:org"))
                    .cloned()
                    .collect();
                if !rest.is_empty() {
                    d.put(
                        "/auth/github/scope",
                        Value::Array(rest),
                        i.from(&sec("scope")),
                    );
                }
            }
        } else if let Some(scope) = i
            .eff(&sec("scope"))
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
        {
            d.put(
                "/auth/github/scope",
                Value::Array(scope.clone()),
                i.from(&sec("scope")),
            );
        }
        if d.get("/auth/github").is_none() {
            d.put("/auth/github", json!({}), "");
        }
    }
    if provider == "azuread" {
        for (k, spec) in [
            ("allowed_groups", "allowed_groups"),
            ("admin_groups", "admin_groups"),
            ("scope", "scope"),
        ] {
            let spec_default = json!(["openid", "email", "profile"]);
            if let Some(list) = i.eff(&sec(k)).and_then(Value::as_array).filter(|l| {
                !(l.is_empty() || k == "scope" && Value::Array(l.to_vec()) == spec_default)
            }) {
                d.put(
                    &format!("/auth/azuread/{spec}"),
                    Value::Array(list.clone()),
                    i.from(&sec(k)),
                );
            }
        }
        match i.eff(&sec("username_claim")).and_then(Value::as_str) {
            Some(c) => d.put("/auth/azuread/username_claim", json!(c), i.from(&sec("username_claim"))),
            // OAuthenticator's own default: usernames (and so homes) stay as they are
            None => d.put("/auth/azuread/username_claim", json!("name"), "not set in the values: OAuthenticator's default `name`, kept so that usernames do not change"),
        }
        match i.eff(&sec("tenant_id")) {
            Some(Value::String(t)) if crate::lint::secret_literal::is_guid(t) => d.put(
                "/auth/azuread/tenant_id",
                json!(t),
                i.from(&sec("tenant_id")),
            ),
            Some(Value::String(t)) => {
                let (secret, key, placeholder, note) = if let Some(var) = t.strip_prefix(ENV_MARK) {
                    match env_secret(i, var) {
                        Some((s, k)) => (
                            s,
                            k,
                            false,
                            format!("read from `{var}`, {}", i.from(&sec("tenant_id"))),
                        ),
                        None => (
                            client_secret_name(env),
                            "tenant_id".to_string(),
                            true,
                            format!("`{var}` is not from a Secret: to provide"),
                        ),
                    }
                } else {
                    (
                        client_secret_name(env),
                        "tenant_id".to_string(),
                        looks_placeholder(t),
                        format!("was a literal, {}", i.from(&sec("tenant_id"))),
                    )
                };
                d.put(
                    "/auth/azuread/tenant_id",
                    json!({"secret": secret, "key": key}),
                    note,
                );
                m.secrets.push(SecretMove {
                    from: sec("tenant_id"),
                    place: i.places.get(&sec("tenant_id")).cloned(),
                    secret,
                    key,
                    placeholder,
                });
                m.transformed.push((
                    sec("tenant_id"),
                    "moved to a Secret key, read as `AAD_TENANT_ID`".into(),
                ));
            }
            _ => match env_secret(i, "AAD_TENANT_ID") {
                Some((secret, key)) => d.put(
                    "/auth/azuread/tenant_id",
                    json!({"secret": secret, "key": key}),
                    format!(
                        "the Secret `hub.extraEnv.AAD_TENANT_ID` reads, {}",
                        i.from("/hub/extraEnv/AAD_TENANT_ID")
                    ),
                ),
                None => need(
                    &mut errors,
                    env,
                    "auth.azuread.tenant_id",
                    "the Entra ID tenant",
                    "<tenant GUID>",
                ),
            },
        }
    }
    if !section.is_empty() {
        client(i, &mut m, section, &provider);
    }
    other_secrets(i, &mut m);

    // [image]
    let name_ptr = "/singleuser/image/name";
    if let Some(name) = i.eff(name_ptr).and_then(Value::as_str) {
        let (registry, repo) = split_image(name);
        m.draft
            .put("/image/registry", json!(registry), i.from(name_ptr));
        m.draft.put("/image/name", json!(repo), i.from(name_ptr));
    }
    if let Some(tag) = i.eff("/singleuser/image/tag").and_then(str_of) {
        m.draft
            .put("/image/tag", json!(tag), i.from("/singleuser/image/tag"));
    }
    if let Some(p) = i
        .eff("/singleuser/image/pullPolicy")
        .and_then(Value::as_str)
    {
        m.draft.put(
            "/image/pull_policy",
            json!(p),
            i.from("/singleuser/image/pullPolicy"),
        );
    }
    if let Some(list) = i
        .eff("/imagePullSecrets")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    {
        let names: Vec<Value> = list
            .iter()
            .filter_map(|x| {
                x.as_str()
                    .or_else(|| x.get("name").and_then(Value::as_str))
                    .map(|s| json!(s))
            })
            .collect();
        if names.len() == list.len() {
            m.draft.put(
                "/image/pull_secrets",
                Value::Array(names),
                i.from("/imagePullSecrets"),
            );
        }
    }

    // [storage]
    let mut errors2 = Vec::new();
    let st = |p: &str| format!("/singleuser/storage/{p}");
    match i.eff(&st("type")).and_then(Value::as_str) {
        Some("dynamic") => {}
        other => errors2.push(
            Diag::error(
                "import/unsupported",
                format!("environment `{env}`: `singleuser.storage.type` is `{}`; jhubgen models dynamic volumes only", other.unwrap_or("null")),
            )
            .at(i.places.get(&st("type")).cloned().unwrap_or(Origin::new(crate::source::FileId(0), 0..0)), "not `dynamic`")
            .help("import from values with `singleuser.storage.type: dynamic`"),
        ),
    }
    match i.eff(&st("dynamic/storageClass")).and_then(Value::as_str) {
        Some(c) => m.draft.put("/storage/class", json!(c), i.from(&st("dynamic/storageClass"))),
        None if i.set("storage.class").is_some() => m.transformed.push((
            st("dynamic/storageClass"),
            "the values used the cluster's default StorageClass; the spec names it (`--set`)".into(),
        )),
        None => errors2.push(
            Diag::error(
                "import/required",
                format!("environment `{env}`: the values do not say `storage.class` (they use the cluster's default StorageClass; jhubgen names it)"),
            )
            .help(format!("tell it: `--set {env}.storage.class=NAME` (the cluster's default class: `kubectl get storageclass`)")),
        ),
    }
    if let Some(c) = i.eff(&st("capacity")).and_then(str_of) {
        m.draft
            .put("/storage/capacity", json!(c), i.from(&st("capacity")));
    }
    if let Some(a) = i
        .eff(&st("dynamic/storageAccessModes"))
        .filter(|a| **a != json!(["ReadWriteOnce"]))
    {
        m.draft.put(
            "/storage/access_modes",
            a.clone(),
            i.from(&st("dynamic/storageAccessModes")),
        );
    }
    if let Some(h) = i
        .eff(&st("homeMountPath"))
        .and_then(Value::as_str)
        .filter(|h| *h != "/home/jovyan")
    {
        m.draft.put(
            "/storage/home_mount_path",
            json!(h),
            i.from(&st("homeMountPath")),
        );
    }

    // [[profiles]]
    match profiles(i, &mut m.draft) {
        Ok(())
            if i.eff("/singleuser/profileList")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty) =>
        {
            m.transformed.push((
                "/singleuser/profileList".into(),
                "the values have no profiles and a spec needs one: `default`, with nothing of its own (the servers are as before; KubeSpawner may show its one-option form)".into(),
            ));
        }
        Ok(()) => {}
        Err(e) => errors2.extend(e),
    }

    // [culling]
    let cull = |k: &str| format!("/cull/{k}");
    for (k, spec) in [
        ("enabled", "enabled"),
        ("timeout", "timeout"),
        ("every", "every"),
        ("maxAge", "max_age"),
        ("users", "users"),
    ] {
        if let Some(v) = i.eff(&cull(k)) {
            m.draft
                .put(&format!("/culling/{spec}"), v.clone(), i.from(&cull(k)));
        }
    }

    // [monitoring]: the hub's metrics service, when the values have it
    let token_service = i.eff("/hub/services/prometheus").is_some()
        && i.eff("/hub/loadRoles")
            .and_then(Value::as_object)
            .is_some_and(|roles| {
                roles.values().any(|r| {
                    r.get("scopes").is_some_and(|s| {
                        s.as_array()
                            .is_some_and(|s| s.iter().any(|x| x == "read:metrics"))
                    }) && r.get("services").is_some_and(|s| {
                        s.as_array()
                            .is_some_and(|s| s.iter().any(|x| x == "prometheus"))
                    })
                })
            });
    if token_service {
        m.draft.put(
            "/monitoring/service_monitor",
            json!(true),
            i.from("/hub/services/prometheus"),
        );
        if let Some(ns) = i.eff("/hub/networkPolicy/ingress/0/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name") {
            m.draft.put("/monitoring/prometheus_namespace", ns.clone(), i.from("/hub/networkPolicy/ingress"));
        }
    } else {
        m.draft.put(
            "/monitoring/service_monitor",
            json!(false),
            "the values have no metrics service for Prometheus: turn it on when ready",
        );
    }

    // [ci]: not in any values file
    let upper = env.to_uppercase().replace('-', "_");
    m.draft.put(
        "/ci/provider",
        json!("github"),
        "not in the values: chosen by import, review",
    );
    m.draft
        .put("/ci/name", json!(format!("jupyterhub-{env}")), "");
    m.draft.put(
        "/ci/deploy",
        json!({"kubeconfig_variable": format!("KUBECONFIG_{upper}"), "environment": env}),
        "not in the values: chosen by import, review",
    );
    if i.set("ci.provider").is_none() || i.set("ci.deploy").is_none() {
        m.chosen.push(Chosen {
            key: "ci".into(),
            value: format!("github, deploy with the CI variable KUBECONFIG_{upper}"),
            why: "the pipeline that deploys it".into(),
        });
    }

    for s in &i.sets {
        m.draft.put(
            &format!(
                "/{}",
                s.key
                    .split('.')
                    .map(escape_pointer)
                    .collect::<Vec<_>>()
                    .join("/")
            ),
            s.value.clone(),
            SET_NOTE,
        );
    }
    errors.extend(errors2);
    if errors.is_empty() {
        Ok(m)
    } else {
        Err(errors)
    }
}

/// The key of `hub.extraConfig` that sets moved secrets from the
/// environment: it sorts before any snippet a team writes (`00-…`, `10-…`),
/// so every snippet sees the value as it saw it in `hub.config`.
pub const SECRETS_SNIPPET: &str = "!jhubgen-secrets";

/// The Secret that holds the other literal secrets of an environment.
pub fn other_secret_name(env: &str) -> String {
    format!("jupyterhub-{env}-secrets")
}

/// A URL with a password in it (`postgresql://user:pass@host/db`).
pub fn has_credentials(s: &str) -> bool {
    s.match_indices("://").any(|(i, _)| {
        let rest = &s[i + 3..];
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        authority.rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo
                .split_once(':')
                .is_some_and(|(_, pass)| !pass.is_empty())
        })
    })
}

/// A secret-looking literal the values set (by its key's name, or its shape).
fn secret_literal(key: &str, v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        !s.is_empty()
            && !s.starts_with(ENV_MARK)
            && (crate::lint::secret_literal::secret_key(key)
                || crate::lint::secret_literal::token_kind(s).is_some())
    })
}

/// Literal secrets other than the OAuth client's, moved out of the spec:
/// the chart's generated ones (`hub.cookieSecret`, `proxy.secretToken`, a
/// service's `apiToken`) are left for the chart to generate; a `hub.config`
/// trait is set from an environment variable read from a Secret, by a
/// snippet that runs first; an `extraEnv` variable reads the Secret itself.
fn other_secrets(i: &Input, m: &mut Mapped) {
    let env = i.env;
    let done = |m: &Mapped, p: &str| m.transformed.iter().any(|(t, _)| t == p);
    let secret = other_secret_name(env);
    // the chart's generated secrets
    let mut generated: Vec<String> = vec!["/hub/cookieSecret".into(), "/proxy/secretToken".into()];
    if let Some(services) = i.user.pointer("/hub/services").and_then(Value::as_object) {
        generated.extend(
            services
                .keys()
                .map(|s| format!("/hub/services/{}/apiToken", escape_pointer(s))),
        );
    }
    for p in generated {
        if i.user
            .pointer(&p)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
        {
            m.transformed.push((
                p.clone(),
                "dropped: the chart generates one and keeps it in its own Secret (the old one stops working: sessions signed with it end, and a service must read the new token)".into(),
            ));
        }
    }
    // hub.config traits
    let mut lines = Vec::new();
    if let Some(config) = i.user.pointer("/hub/config").and_then(Value::as_object) {
        for (section, traits) in config {
            let Some(traits) = traits.as_object() else {
                continue;
            };
            for (name, v) in traits {
                let p = format!(
                    "/hub/config/{}/{}",
                    escape_pointer(section),
                    escape_pointer(name)
                );
                if done(m, &p) || crate::lint::chart_secret::covers(&p) || !secret_literal(name, v)
                {
                    continue;
                }
                let var = format!("JHUBGEN_{}_{}", section.to_uppercase(), name.to_uppercase());
                let key = format!("{section}.{name}");
                m.draft.put(
                    &format!("/values/hub/extraEnv/{}", escape_pointer(&var)),
                    json!({"valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}),
                    format!(
                        "the literal at hub.config.{section}.{name}, {}, moved to this Secret",
                        i.from(&p)
                    ),
                );
                lines.push(format!("c.{section}.{name} = os.environ[\"{var}\"]"));
                m.secrets.push(SecretMove {
                    from: p.clone(),
                    place: i.places.get(&p).cloned(),
                    secret: secret.clone(),
                    key,
                    placeholder: v.as_str().is_some_and(looks_placeholder),
                });
                m.transformed.push((p, format!("moved to the Secret `{secret}`, set from `{var}` by the snippet `{SECRETS_SNIPPET}`")));
                m.transformed.push((
                    format!("/hub/extraEnv/{}", escape_pointer(&var)),
                    "reads the moved secret from its Secret".into(),
                ));
            }
        }
    }
    if !lines.is_empty() {
        let code = format!(
            "# Written by `jhubgen import`: literal secrets of hub.config, now read from\n# the Secret `{secret}` (hub.extraEnv).\nimport os\n\n{}\n",
            lines.join("\n")
        );
        let p = format!("/hub/extraConfig/{SECRETS_SNIPPET}");
        m.draft.put(
            &format!("/values{p}"),
            Value::String(code),
            "sets the moved secrets; runs before every other snippet",
        );
        m.transformed
            .push((p, "added: sets the moved secrets from their Secret".into()));
    }
    // extraEnv variables with a literal secret
    for at in ["/hub/extraEnv", "/singleuser/extraEnv"] {
        let Some(vars) = i.user.pointer(at).and_then(Value::as_object) else {
            continue;
        };
        for (var, v) in vars {
            let p = format!("{at}/{}", escape_pointer(var));
            // `NAME: literal` or `NAME: {value: literal}`
            let literal = v
                .get("value")
                .filter(|_| v.as_object().is_some_and(|o| o.len() == 1))
                .unwrap_or(v);
            if done(m, &p)
                || !(secret_literal(var, literal) || literal.as_str().is_some_and(has_credentials))
            {
                continue;
            }
            m.draft.put(
                &format!("/values{p}"),
                json!({"valueFrom": {"secretKeyRef": {"name": secret, "key": var}}}),
                format!("the literal, {}, moved to this Secret", i.from(&p)),
            );
            m.secrets.push(SecretMove {
                from: p.clone(),
                place: i.places.get(&p).cloned(),
                secret: secret.clone(),
                key: var.clone(),
                placeholder: literal.as_str().is_some_and(looks_placeholder),
            });
            m.transformed.push((
                p,
                format!("read from the Secret `{secret}` key `{var}` instead of the literal"),
            ));
        }
    }
}

pub fn client_secret_name(env: &str) -> String {
    format!("jupyterhub-{env}-oauth")
}

/// The Secret key an environment variable of `hub.extraEnv` is read from.
fn env_secret(i: &Input, var: &str) -> Option<(String, String)> {
    let e = i.eff(&format!("/hub/extraEnv/{}", escape_pointer(var)))?;
    let r = e.pointer("/valueFrom/secretKeyRef")?;
    Some((
        r.get("name")?.as_str()?.to_string(),
        r.get("key")?.as_str()?.to_string(),
    ))
}

/// The OAuth client: from the Secret the environment reads, or a literal
/// (a secret, or a placeholder) moved to a Secret.
fn client(i: &Input, m: &mut Mapped, section: &str, provider: &str) {
    let env = i.env;
    let (id_env, secret_env) = if provider == "github" {
        ("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")
    } else {
        ("OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET")
    };
    // (trait, the variable the authenticator reads, its Secret key, a literal)
    type Found<'a> = (&'a str, &'a str, Option<(String, String)>, Option<String>);
    let mut found: Vec<Found> = Vec::new();
    for (trait_, var) in [("client_id", id_env), ("client_secret", secret_env)] {
        let p = format!("/hub/config/{section}/{trait_}");
        match i.eff(&p).and_then(Value::as_str) {
            Some(v) if v.starts_with(ENV_MARK) => {
                found.push((trait_, var, env_secret(i, &v[ENV_MARK.len()..]), None));
            }
            Some(v) => found.push((trait_, var, None, Some(v.to_string()))),
            None => found.push((trait_, var, env_secret(i, var), None)),
        }
    }
    let refs: Vec<&(String, String)> = found.iter().filter_map(|f| f.2.as_ref()).collect();
    let literals = found.iter().filter(|f| f.3.is_some()).count();
    if refs.len() == 2 && refs[0].0 == refs[1].0 && literals == 0 {
        let mut c = Map::new();
        c.insert("secret".into(), json!(refs[0].0));
        if refs[0].1 != "client_id" {
            c.insert("id_key".into(), json!(refs[0].1));
        }
        if refs[1].1 != "client_secret" {
            c.insert("secret_key".into(), json!(refs[1].1));
        }
        m.draft.put(
            "/auth/client",
            Value::Object(c),
            format!(
                "the Secret `hub.extraEnv` reads, {}",
                i.from(&format!("/hub/extraEnv/{id_env}"))
            ),
        );
        for (trait_, _, _, _) in &found {
            let p = format!("/hub/config/{section}/{trait_}");
            if i.eff(&p).is_some() {
                m.transformed.push((
                    p,
                    "read from the same Secret key, through the variable the authenticator reads"
                        .into(),
                ));
            }
        }
        return;
    }
    if refs.is_empty() && literals > 0 {
        let secret = client_secret_name(env);
        m.draft.put(
            "/auth/client",
            json!({"secret": secret}),
            "the literal client id and secret moved to this Secret (see the import report)",
        );
        for (trait_, _, _, lit) in &found {
            let p = format!("/hub/config/{section}/{trait_}");
            let key = trait_.to_string();
            let placeholder = lit.as_deref().is_none_or(looks_placeholder);
            m.secrets.push(SecretMove {
                from: p.clone(),
                place: i.places.get(&p).cloned(),
                secret: secret.clone(),
                key,
                placeholder,
            });
            m.transformed
                .push((p, format!("moved to the Secret `{secret}`")));
        }
    }
    // otherwise (one from a Secret, one literal; two Secrets): left as the values have it
}

/// `registry/name` of an image reference; Docker Hub's when it has no registry.
pub fn split_image(name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first.to_string(), rest.to_string())
        }
        _ => ("docker.io".to_string(), name.to_string()),
    }
}

const PROFILE_KEYS: &[&str] = &[
    "display_name",
    "slug",
    "description",
    "default",
    "kubespawner_override",
];
const OVERRIDE_KEYS: &[&str] = &[
    "cpu_guarantee",
    "cpu_limit",
    "mem_guarantee",
    "mem_limit",
    "extra_resource_limits",
    "node_selector",
    "tolerations",
    "image",
    "extra_labels",
];

fn profiles(i: &Input, d: &mut Draft) -> Result<(), Vec<Diag>> {
    let list = i
        .eff("/singleuser/profileList")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut errors = Vec::new();
    let fail = |p: &str, msg: String, help: &str| {
        Diag::error("import/profile", msg)
            .at(
                i.places
                    .get(p)
                    .cloned()
                    .unwrap_or(Origin::new(crate::source::FileId(0), 0..0)),
                "jhubgen's [[profiles]] cannot hold this",
            )
            .key(display(p))
            .help(help.to_string())
    };
    if list.is_empty() {
        d.put(
            "/profiles",
            json!([{"slug": "default", "display_name": "Default", "default": true}]),
            "",
        );
        d.notes.insert("/profiles/0".into(), "no profileList in the values: a spec needs one profile, and this one adds nothing of its own".into());
        return Ok(());
    }
    let chart_tolerations = crate::emit::chart::defaults()
        .pointer("/scheduling/userPods/tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for (n, p) in list.iter().enumerate() {
        let at = format!("/singleuser/profileList/{n}");
        let Some(obj) = p.as_object() else { continue };
        for k in obj.keys() {
            if !PROFILE_KEYS.contains(&k.as_str()) {
                errors.push(fail(&format!("{at}/{}", escape_pointer(k)), format!("profile {n}: `{k}` is not modelled by jhubgen's profiles"), "remove it before importing, or keep this profile list in the chart's values by hand"));
            }
        }
        let Some(slug) = obj.get("slug").and_then(Value::as_str) else {
            errors.push(fail(&at, format!("profile {n} has no `slug`"), "give it the slug users' servers have now (KubeSpawner derives one from `display_name`)"));
            continue;
        };
        let mut e = Map::new();
        e.insert("slug".into(), json!(slug));
        if let Some(v) = obj.get("display_name") {
            e.insert("display_name".into(), v.clone());
        }
        if let Some(v) = obj.get("description") {
            e.insert("description".into(), v.clone());
        }
        if obj.get("default") == Some(&Value::Bool(true)) {
            e.insert("default".into(), json!(true));
        }
        let o = obj
            .get("kubespawner_override")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let op = format!("{at}/kubespawner_override");
        for (k, v) in &o {
            let kp = format!("{op}/{}", escape_pointer(k));
            let bad = match k.as_str() {
                k if !OVERRIDE_KEYS.contains(&k) => Some(format!("`{k}`")),
                "extra_resource_limits" => v
                    .as_object()
                    .filter(|m| m.keys().any(|x| x != "nvidia.com/gpu"))
                    .map(|_| "resource limits other than `nvidia.com/gpu`".to_string()),
                "extra_labels" => v
                    .as_object()
                    .filter(|m| {
                        m.iter().any(|(x, y)| {
                            x != "hub.jupyter.org/profile" || y.as_str() != Some(slug)
                        })
                    })
                    .map(|_| "`extra_labels`".to_string()),
                _ => None,
            };
            if let Some(b) = bad {
                errors.push(fail(&kp, format!("profile `{slug}`: its kubespawner_override has {b}, which jhubgen's profiles do not model"), "remove it before importing, or keep this profile list in the chart's values by hand"));
            }
        }
        let mut cpu = Map::new();
        for (k, spec) in [("cpu_guarantee", "guarantee"), ("cpu_limit", "limit")] {
            if let Some(v) = o.get(k) {
                cpu.insert(spec.into(), v.clone());
            }
        }
        if !cpu.is_empty() {
            e.insert("cpu".into(), Value::Object(cpu));
        }
        let mut mem = Map::new();
        for (k, spec) in [("mem_guarantee", "guarantee"), ("mem_limit", "limit")] {
            if let Some(v) = o.get(k) {
                mem.insert(spec.into(), json!(str_of(v).unwrap_or_default()));
            }
        }
        if !mem.is_empty() {
            e.insert("memory".into(), Value::Object(mem));
        }
        if let Some(g) = o
            .get("extra_resource_limits")
            .and_then(|m| m.get("nvidia.com/gpu"))
            .and_then(str_of)
        {
            match g.parse::<u32>() {
                Ok(n) => {
                    e.insert("gpus".into(), json!(n));
                }
                Err(_) => errors.push(fail(
                    &format!("{op}/extra_resource_limits"),
                    format!("profile `{slug}`: `nvidia.com/gpu` is `{g}`, not a count"),
                    "a whole number of GPUs",
                )),
            }
        }
        if let Some(sel) = o.get("node_selector").and_then(Value::as_object) {
            let kept: Map<String, Value> = sel
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            e.insert("node_selector".into(), Value::Object(kept));
        }
        if let Some(t) = o.get("tolerations").and_then(Value::as_array) {
            let own: Vec<Value> = t
                .iter()
                .filter(|x| !chart_tolerations.contains(x))
                .cloned()
                .collect();
            if !own.is_empty() {
                e.insert("tolerations".into(), Value::Array(own));
            }
        }
        if let Some(img) = o.get("image").and_then(Value::as_str) {
            let (name, tag) = match img.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
                Some((n, t)) => (n, t),
                None => (img, "latest"),
            };
            let (registry, repo) = split_image(name);
            e.insert(
                "image".into(),
                json!({"registry": registry, "name": repo, "tag": tag}),
            );
        }
        d.notes
            .insert(format!("/profiles/{}", out.len()), i.from(&at));
        out.push(Value::Object(e));
    }
    d.put("/profiles", Value::Array(out), "");
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn need(errors: &mut Vec<Diag>, env: &str, key: &str, why: &str, example: &str) {
    errors.push(
        Diag::error(
            "import/required",
            format!("environment `{env}`: the values do not say `{key}` ({why})"),
        )
        .help(format!("tell it: `--set {env}.{key}={example}`")),
    );
}
