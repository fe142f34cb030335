//! The proof: what the chart reads from the imported specs against what it
//! read from the values files, key by key, both over the chart's defaults.
//!
//! A difference is one of three things. A transformation the import made on
//! purpose (a literal secret moved to a Secret, the chart's Ingress replaced
//! by jhubgen's), listed. A value jhubgen's generator sets, each with its
//! reason from [`JHUBGEN`], listed. Anything else would change what the
//! values said: the import pins it in `[values]` when it can, and otherwise
//! it is an import bug, reported, and nothing is written.

use super::map::canonical_authenticator;
use crate::tree::{escape_pointer, pointer_segments};
use serde_json::Value;

/// What jhubgen's generator sets, by chart path (`*` is any one key or index).
pub const JHUBGEN: &[(&str, &str)] = &[
    (
        "/proxy/service/type",
        "the proxy sits behind jhubgen's Ingress (environments/<env>/ingress.yaml): its service needs no external address",
    ),
    (
        "/ingress/enabled",
        "the chart's Ingress is off: jhubgen writes its own (environments/<env>/ingress.yaml)",
    ),
    (
        "/scheduling/userScheduler/enabled",
        "jhubgen turns the chart's user scheduler off (a second scheduler that packs pods; not needed on these clusters)",
    ),
    (
        "/singleuser/cloudMetadata/blockWithIptables",
        "on-prem clusters and Pod Security `baseline` have no metadata server to hide; the iptables init container would be refused",
    ),
    (
        "/hub/db/pvc/storageClassName",
        "the hub's database volume gets the spec's storage class (an existing hub volume keeps its own: a volume's class cannot change)",
    ),
    (
        "/singleuser/profileList/*/kubespawner_override/extra_labels",
        "each user pod is labelled with its profile (`hub.jupyter.org/profile`), for the dashboard and alerts",
    ),
    (
        "/singleuser/profileList/*/kubespawner_override/tolerations",
        "a profile's tolerations replace the pod's: jhubgen re-lists the chart's `hub.jupyter.org/dedicated` ones, so the pods still schedule on user nodes",
    ),
    (
        "/singleuser/profileList/*/kubespawner_override/node_selector",
        "a profile's node selector merges with the global one: jhubgen clears the global keys the profile drops",
    ),
    (
        "/prePuller/extraTolerations",
        "the image pre-puller tolerates the GPU profiles' taints, so images are pulled on GPU nodes too",
    ),
    (
        "/hub/config/GitHubOAuthenticator/scope",
        "`read:org` is added where organisations gate logins: without it GitHub reports only public members, and private members are refused",
    ),
    (
        "/hub/config/GitHubOAuthenticator/oauth_callback_url",
        "the OAuth callback URL, from the ingress host and base URL",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/oauth_callback_url",
        "the OAuth callback URL, from the ingress host and base URL",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/manage_groups",
        "with chart 4.x (OAuthenticator 16), groups gate logins only when the authenticator manages groups",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/auth_state_groups_key",
        "where the groups are read from (`user.groups`: the id token's `groups` claim)",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/scope",
        "jhubgen's scopes for Entra ID (`openid`, `email`, `profile`)",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/username_claim",
        "the username claim, written out",
    ),
    (
        "/hub/config/JupyterHub/authenticator_class",
        "the authenticator, by its entry-point name",
    ),
    (
        "/hub/config/KubeSpawner/container_security_context",
        "user containers run restricted where Pod Security requires it",
    ),
    (
        "/hub/config/KubeSpawner/delete_pvc",
        "home volumes are kept when a user is deleted",
    ),
    (
        "/hub/extraEnv/GITHUB_CLIENT_ID",
        "the OAuth client id, from its Secret",
    ),
    (
        "/hub/extraEnv/GITHUB_CLIENT_SECRET",
        "the OAuth client secret, from its Secret",
    ),
    (
        "/hub/extraEnv/OAUTH_CLIENT_ID",
        "the OAuth client id, from its Secret",
    ),
    (
        "/hub/extraEnv/OAUTH_CLIENT_SECRET",
        "the OAuth client secret, from its Secret",
    ),
    (
        "/hub/extraEnv/AAD_TENANT_ID",
        "the Entra ID tenant, from its Secret",
    ),
    (
        "/hub/services/prometheus",
        "the hub's metrics service for Prometheus (monitoring)",
    ),
    (
        "/hub/loadRoles/prometheus-metrics",
        "the role that lets Prometheus read the hub's metrics (monitoring)",
    ),
    (
        "/hub/networkPolicy/ingress",
        "the hub's NetworkPolicy lets Prometheus in (monitoring)",
    ),
    (
        "/hub/authenticatePrometheus",
        "metrics readable without a token (monitoring)",
    ),
    (
        "/singleuser/networkPolicy",
        "user servers' egress as the spec's [network] says",
    ),
    (
        "/singleuser/extraTolerations",
        "the spec's [scheduling] tolerations",
    ),
    (
        "/singleuser/nodeSelector",
        "the spec's [scheduling] node selector",
    ),
];

/// The settings of [`JHUBGEN`] that are jhubgen's even over a value the
/// values set: its fixes and its design (an Ingress in front of the proxy).
/// Every other one is documented only where the values left the chart's
/// default: over a value they set, a difference is pinned or reported.
const OVER_VALUES: &[&str] = &[
    "/proxy/service/type",
    "/ingress/enabled",
    "/singleuser/profileList/*/kubespawner_override/extra_labels",
    "/singleuser/profileList/*/kubespawner_override/tolerations",
    "/singleuser/profileList/*/kubespawner_override/node_selector",
    "/prePuller/extraTolerations",
    "/hub/config/GitHubOAuthenticator/scope",
];

/// Whether jhubgen's setting at `at` (a path [`reason`] gave) stands over a
/// value the values set.
pub fn over_values(at: &str) -> bool {
    let segs = pointer_segments(at);
    OVER_VALUES.iter().any(|pattern| {
        let pat = pointer_segments(pattern);
        pat.len() == segs.len() && pat.iter().zip(&segs).all(|(p, s)| p == "*" || p == s)
    })
}

/// Whether jhubgen's setting keeps what the values had: every entry of a
/// list, every key of a mapping (jhubgen adds; it must not take away). A
/// scalar (the proxy's service type) is jhubgen's design.
pub fn keeps(ours: Option<&Value>, theirs: Option<&Value>) -> bool {
    match (ours, theirs) {
        (_, None) => true,
        (Some(Value::Array(o)), Some(Value::Array(t))) => t.iter().all(|x| o.contains(x)),
        (Some(Value::Object(o)), Some(Value::Object(t))) => {
            t.iter().all(|(k, v)| keeps(o.get(k), Some(v)))
        }
        (Some(o), Some(t))
            if !o.is_array() && !o.is_object() && !t.is_array() && !t.is_object() =>
        {
            true
        }
        _ => false,
    }
}

/// Why jhubgen sets a chart path, if it does.
/// The chart path the reason is about (the pattern's length of `pointer`)
/// comes with it.
pub fn reason(pointer: &str) -> Option<(String, &'static str)> {
    let segs = pointer_segments(pointer);
    JHUBGEN.iter().find_map(|(pattern, why)| {
        let pat = pointer_segments(pattern);
        (pat.len() <= segs.len() && pat.iter().zip(&segs).all(|(p, s)| p == "*" || p == s)).then(
            || {
                let at: String = segs[..pat.len()]
                    .iter()
                    .map(|s| format!("/{}", escape_pointer(s)))
                    .collect();
                (at, *why)
            },
        )
    })
}

/// One difference between what the chart reads from the values and from
/// the specs.
#[derive(Debug, Clone)]
pub struct Difference {
    pub pointer: String,
    pub input: Option<Value>,
    pub output: Option<Value>,
}

/// Equal spellings of the same value, made the same before comparing.
pub fn normalise(v: &mut Value) {
    if let Some(c) = v.pointer_mut("/hub/config/JupyterHub/authenticator_class")
        && let Some(n) = c.as_str().and_then(canonical_authenticator)
    {
        *c = Value::String(n.into());
    }
    for p in ["/singleuser/image/tag"] {
        if let Some(t) = v.pointer_mut(p)
            && let Value::Number(n) = t
        {
            *t = Value::String(n.to_string());
        }
    }
    if let Some(n) = v.pointer_mut("/singleuser/image/name")
        && let Some(s) = n.as_str()
    {
        let plain = s.strip_prefix("docker.io/").unwrap_or(s);
        *n = Value::String(plain.to_string());
    }
    if let Some(list) = v
        .pointer_mut("/imagePullSecrets")
        .and_then(Value::as_array_mut)
    {
        for s in list {
            if let Some(name) = s.get("name").and_then(Value::as_str).map(str::to_string)
                && s.as_object().is_some_and(|m| m.len() == 1)
            {
                *s = Value::String(name);
            }
        }
    }
    if let Some(list) = v
        .pointer_mut("/singleuser/profileList")
        .and_then(Value::as_array_mut)
    {
        for p in list {
            if let Some(Value::Object(o)) = p.get_mut("kubespawner_override") {
                for k in ["mem_guarantee", "mem_limit"] {
                    if let Some(Value::Number(n)) = o.get(k) {
                        let s = n.to_string();
                        o.insert(k.into(), Value::String(s));
                    }
                }
                if let Some(Value::Object(l)) = o.get_mut("extra_resource_limits") {
                    for (_, g) in l.iter_mut() {
                        if let Value::Number(n) = g {
                            *g = Value::String(n.to_string());
                        }
                    }
                }
            }
        }
    }
}

/// Every difference, at the deepest path where the two part; `compared`
/// counts the leaves looked at.
pub fn diff(a: &Value, b: &Value, at: &str, out: &mut Vec<Difference>, compared: &mut usize) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{at}/{}", escape_pointer(k));
                match y.get(k) {
                    Some(w) => diff(v, w, &p, out, compared),
                    // a `null` in a mapping deletes a key (none to compare); inside
                    // a list it is a value KubeSpawner reads (`zone: null` clears)
                    None if v.is_null() && !through_list(&p) => {}
                    None if v.as_object().is_some_and(|m| !m.is_empty()) => {
                        diff(v, &Value::Object(Default::default()), &p, out, compared)
                    }
                    None => {
                        *compared += 1;
                        out.push(Difference {
                            pointer: p,
                            input: Some(v.clone()),
                            output: None,
                        });
                    }
                }
            }
            for (k, w) in y {
                if !x.contains_key(k) && w.as_object().is_some_and(|m| !m.is_empty()) {
                    diff(
                        &Value::Object(Default::default()),
                        w,
                        &format!("{at}/{}", escape_pointer(k)),
                        out,
                        compared,
                    );
                } else if !x.contains_key(k) && !w.is_null() {
                    *compared += 1;
                    out.push(Difference {
                        pointer: format!("{at}/{}", escape_pointer(k)),
                        input: None,
                        output: Some(w.clone()),
                    });
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, &format!("{at}/{i}"), out, compared);
            }
        }
        _ => {
            *compared += 1;
            if !same(a, b) {
                out.push(Difference {
                    pointer: at.to_string(),
                    input: Some(a.clone()),
                    output: Some(b.clone()),
                });
            }
        }
    }
}

/// Numbers compare by value (`2` and `2.0` are the same quantity to the chart).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Whether a chart path goes through a list (it cannot be pinned in `[values]`
/// without replacing the list).
pub fn through_list(pointer: &str) -> bool {
    pointer_segments(pointer)
        .iter()
        .any(|s| s.parse::<usize>().is_ok())
}
