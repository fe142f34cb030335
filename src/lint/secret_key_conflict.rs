//! One Secret, one shape: a key holds one value, a Secret has one type.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::{Reference, TlsMode, TunnelRuns};

pub const RULE: Rule = Rule {
    code: "secrets/key-conflict",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "one Secret key read for two different values, or one Secret of two types",
    docs: r#"## What it does
Collects every Kubernetes Secret the spec references — the OAuth client
(`id_key`, `secret_key`), the Entra tenant id, the TLS certificate, the image
pull secrets, the tunnel's credentials — and reports a key that two of them
read for different values, and a Secret used as two types (`generic`,
`kubernetes.io/tls`, `kubernetes.io/dockerconfigjson`).

## Why is this bad?
A Secret key holds one value: if the tenant id and the client id both read
`jhub-entra-oauth`/`client_id`, one of them is wrong at login time, and no
`kubectl create secret` command (`jhubgen checklist`) can satisfy both. A
Secret has one type: a TLS Secret cannot also be a registry credential.

## Fix
Give each value its own key, and each type its own Secret.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    // (secret, key, what it holds, type, pointer)
    let mut refs: Vec<(String, String, &'static str, &'static str, String)> = Vec::new();
    if let Some(c) = &s.auth.client {
        refs.push((
            c.secret.clone(),
            c.id_key.clone(),
            "the OAuth client id",
            "generic",
            "/auth/client/id_key".into(),
        ));
        refs.push((
            c.secret.clone(),
            c.secret_key.clone(),
            "the OAuth client secret",
            "generic",
            "/auth/client/secret_key".into(),
        ));
    }
    if let Some(a) = &s.auth.azuread
        && let Reference::Secret(k) = &a.tenant_id
    {
        refs.push((
            k.secret.clone(),
            k.key.clone(),
            "the tenant id",
            "generic",
            "/auth/azuread/tenant_id/key".into(),
        ));
    }
    if s.tls.mode == TlsMode::Secret
        && let Some(name) = &s.tls.secret
    {
        refs.push((
            name.clone(),
            "tls.crt".into(),
            "the TLS certificate",
            "kubernetes.io/tls",
            "/tls/secret".into(),
        ));
    }
    for (i, name) in s.image.pull_secrets.iter().enumerate() {
        refs.push((
            name.clone(),
            ".dockerconfigjson".into(),
            "registry credentials",
            "kubernetes.io/dockerconfigjson",
            format!("/image/pull_secrets/{i}"),
        ));
    }
    if let Some(t) = &s.tunnel
        && t.runs == TunnelRuns::Cluster
        && let Some(k) = &t.credentials_secret
    {
        refs.push((
            k.secret.clone(),
            k.key.clone(),
            "the tunnel's credentials",
            "generic",
            "/tunnel/credentials_secret/key".into(),
        ));
    }
    for (i, (secret, key, what, kind, pointer)) in refs.iter().enumerate() {
        for (secret2, key2, what2, kind2, pointer2) in &refs[..i] {
            if secret != secret2 {
                continue;
            }
            if kind != kind2 {
                out.push(
                    cx.diag(
                        &RULE,
                        format!("Secret `{secret}` is used as two types: {kind2} and {kind}"),
                    )
                    .at(cx.at(pointer), format!("{what} ({kind})"))
                    .also(cx.at(pointer2), format!("{what2} ({kind2})"))
                    .key(pointer.trim_start_matches('/').replace('/', "."))
                    .help("a Secret has one type: name another Secret here"),
                );
                break;
            }
            if key == key2 && what != what2 {
                out.push(
                    cx.diag(
                        &RULE,
                        format!(
                            "key `{key}` of Secret `{secret}` is read for {what2} and for {what}"
                        ),
                    )
                    .at(cx.at(pointer), what.to_string())
                    .also(cx.at(pointer2), what2.to_string())
                    .key(pointer.trim_start_matches('/').replace('/', "."))
                    .help(format!(
                        "a key holds one value: read {what} from a key of its own"
                    )),
                );
                break;
            }
        }
    }
}
