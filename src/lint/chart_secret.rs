//! The chart's own secret-bearing values must not be literals.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "secrets/chart-secret",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "a literal at one of the chart's secret-bearing values, or `imagePullSecret.create`",
    docs: r#"## What it does
Flags `[values]` that put a secret into the chart values: `hub.cookieSecret`,
`proxy.secretToken`, `hub.db.password`, a password in `hub.db.url`,
`imagePullSecret.password`, `proxy.https.manual.key`,
`hub.config.CryptKeeper.keys`, `hub.config.JupyterHub.cookie_secret`,
`hub.config.ConfigurableHTTPProxy.auth_token`,
`hub.config.DummyAuthenticator.password`, `hub.services.*.apiToken`; and
`imagePullSecret.create = true`, whose schema then requires a registry
password in the values.

## Why is this bad?
The whole values tree is stored in the chart-managed `hub` Secret and in
Helm's release record, and here also in Git. Leave the generated ones unset
(the chart generates and keeps them) and give the others through an existing
Secret (`hub.existingSecret`, `imagePullSecrets`).

## Fix
Delete the key; for registry credentials, create a
`kubernetes.io/dockerconfigjson` Secret and list it in `[image] pull_secrets`.
"#,
    check,
};

const PATHS: &[&str] = &[
    "/hub/cookieSecret",
    "/proxy/secretToken",
    "/hub/db/password",
    "/imagePullSecret/password",
    "/proxy/https/manual/key",
    "/hub/config/CryptKeeper/keys",
    "/hub/config/JupyterHub/cookie_secret",
    "/hub/config/ConfigurableHTTPProxy/auth_token",
    "/hub/config/DummyAuthenticator/password",
];

/// Is this chart pointer (or a value under it) one this rule reports?
pub fn covers(chart_pointer: &str) -> bool {
    let under = |p: &str| chart_pointer == p || chart_pointer.starts_with(&format!("{p}/"));
    PATHS.iter().any(|p| under(p))
        || under("/hub/db/url")
        || (chart_pointer.starts_with("/hub/services/")
            && (chart_pointer.ends_with("/apiToken") || chart_pointer.ends_with("/api_token")))
}

fn literal(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Null => false,
        _ => true,
    }
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let mut found: Vec<(String, Value, crate::source::Origin)> = Vec::new();
    for p in PATHS {
        if let Some((v, o)) = cx.raw_value(p) {
            found.push((p.to_string(), v.clone(), o));
        }
    }
    if let Some((Value::String(url), o)) = cx.raw_value("/hub/db/url")
        && url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('@').next())
            .is_some_and(|userinfo| userinfo.contains(':') && url.contains('@'))
    {
        found.push(("/hub/db/url".into(), Value::String(url.clone()), o));
    }
    if let Some((Value::Object(services), _)) = cx.raw_value("/hub/services") {
        for (name, svc) in services {
            for key in ["apiToken", "api_token"] {
                if svc.get(key).is_some() {
                    let p = format!("/hub/services/{}/{key}", crate::tree::escape_pointer(name));
                    if let Some((v, o)) = cx.raw_value(&p) {
                        found.push((p, v.clone(), o));
                    }
                }
            }
        }
    }
    for (p, v, o) in found {
        if !literal(&v) {
            continue;
        }
        let key = p.trim_start_matches('/').replace('/', ".");
        out.push(
            cx.diag(&RULE, format!("`values.{key}` puts a secret into the chart values"))
                .at(o, "secret in values")
                .key(format!("values.{key}"))
                .help("remove it: the chart generates its own tokens and keeps them in its Secret; give other secrets through an existing Secret (`hub.existingSecret`)"),
        );
    }
    if let Some((Value::Bool(true), o)) = cx.raw_value("/imagePullSecret/create") {
        out.push(
            cx.diag(&RULE, "`imagePullSecret.create` needs a registry password in the values")
                .at(o, "chart-made pull secret")
                .key("values.imagePullSecret.create")
                .help("create a `kubernetes.io/dockerconfigjson` Secret yourself and list it in `[image] pull_secrets`"),
        );
    }
}
