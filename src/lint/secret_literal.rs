//! No literal secret in a spec.
use super::{Ctx, Rule, Stage, strings};
use crate::diag::{Diag, Severity};
use crate::tree::{display_path, pointer_segments};

pub const RULE: Rule = Rule {
    code: "secrets/literal",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a literal secret in a spec",
    docs: r#"## What it does
Flags strings that are secrets: any value under a key named like a secret
(`password`, `token`, `client_secret`, `apiKey`, `cookieSecret` …) in the raw
`[values]`, and anywhere in the spec, strings shaped like credentials
(GitHub, GitLab, Slack and AWS tokens, private keys, JWTs, long random strings).
The value itself is never printed.

## Why is this bad?
Specs are committed, and everything in the generated values ends up in Git,
in the chart-managed `hub` Secret and in Helm's release record (z2jh #2270,
#1915). Secrets belong in Kubernetes Secrets or CI variables, which a spec
only names.

## Fix
Put the value in a Kubernetes Secret and reference it: OAuth credentials with
`[auth] client = { secret = "…" }`, other hub environment variables with
`hub.extraEnv.NAME.valueFrom.secretKeyRef` in `[values]`.
"#,
    check,
};

const SECRET_KEY_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "privatekey",
    "private_key",
    "credential",
    "cookiesecret",
    "cookie_secret",
    "auth_token",
    "authtoken",
];

/// Keys whose values are *names* of secrets, not secrets.
fn names_a_secret(key: &str) -> bool {
    let k = key.to_lowercase();
    k.ends_with("name")
        || k.ends_with("names")
        || k.ends_with("ref")
        || k.ends_with("secrets")
        || k == "existingsecret"
        || k == "secret_key"
        || k == "id_key"
}

/// Is a key named like one that holds a secret (`password`, `api_token` …)?
pub fn secret_key(key: &str) -> bool {
    let k = key.to_lowercase().replace('-', "_");
    !names_a_secret(key) && SECRET_KEY_WORDS.iter().any(|w| k.contains(w))
}

/// What credential a string looks like, if any.
pub fn token_kind(s: &str) -> Option<&'static str> {
    let prefixes: &[(&str, &str)] = &[
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghu_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("ghr_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
    ];
    for (p, what) in prefixes {
        if s.starts_with(p) && s.len() > p.len() + 15 {
            return Some(what);
        }
    }
    if s.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    if s.len() == 20
        && s.starts_with("AKIA")
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("an AWS access key");
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() == 3 && s.starts_with("eyJ") && parts.iter().all(|p| p.len() > 8) {
        return Some("a JSON Web Token");
    }
    if s.len() >= 32
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c))
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_alphabetic())
        && !is_guid(s)
        && entropy(s) >= 3.5
    {
        return Some("a random secret");
    }
    None
}

/// A GUID (`8-4-4-4-12` hex digits): an Entra ID tenant or object id, not a secret.
pub fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    out.extend(scan(&cx.r.doc, &|p| cx.at(p)));
}

/// Every literal secret in a merged spec, `at` giving a pointer's span. Also
/// run on a spec the schema rejected (`client = { id = "…", secret = "…" }`
/// is both a schema error and a committed secret), so that it is never missed.
pub fn scan(doc: &serde_json::Value, at: &dyn Fn(&str) -> crate::source::Origin) -> Vec<Diag> {
    let mut out = Vec::new();
    let mut all = Vec::new();
    strings(doc, String::new(), &mut all);
    for (pointer, s) in all {
        if s.is_empty() {
            continue;
        }
        let segs = pointer_segments(&pointer);
        // the key that holds the value (for a list, the list's key)
        let key = segs
            .iter()
            .rev()
            .find(|k| k.parse::<usize>().is_err())
            .map(String::as_str)
            .unwrap_or("");
        let in_values = segs.first().is_some_and(|f| f == "values");
        if in_values && super::chart_secret::covers(&pointer["/values".len()..]) {
            continue; // secrets/chart-secret says it better
        }
        let under_secret_key =
            in_values && secret_key(key) && !segs.iter().any(|k| k == "valueFrom");
        let why = match token_kind(s) {
            Some(kind) => format!("this looks like {kind}"),
            None if under_secret_key => format!("`{key}` holds a literal value"),
            None => continue,
        };
        let path = display_path(doc, &pointer);
        out.push(
            Diag::new(RULE.code, RULE.severity, format!("literal secret at `{path}`"))
                .at(at(&pointer), why)
                .key(path)
                .help("never commit a secret: store it in a Kubernetes Secret and reference it (`client = { secret = \"…\" }`, or `valueFrom.secretKeyRef` in `[values]`), then rotate the exposed one"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn tokens_are_recognised_and_names_are_not() {
        assert_eq!(
            token_kind("ghp_0123456789abcdefABCDEF0123456789abcd"),
            Some("a GitHub token")
        );
        assert_eq!(
            token_kind("glpat-abcdefghij0123456789"),
            Some("a GitLab token")
        );
        assert_eq!(
            token_kind("3f9a1c0e7b2d4a6f8e1c3b5d7a9f0e2c4b6d8a0f1e3c5b7d"),
            Some("a random secret")
        );
        assert_eq!(token_kind("00000000-0000-0000-0000-000000000000"), None);
        assert_eq!(
            token_kind("artifactory.aiv.internal/ml-platform/base-notebook"),
            None
        );
        assert_eq!(
            token_kind("jupyterhub-production-corporate-tls-secret-name"),
            None
        );
        assert!(
            secret_key("client_secret") && secret_key("cookieSecret") && secret_key("GITHUB_TOKEN")
        );
        assert!(!secret_key("secretName") && !secret_key("existingSecret"));
    }
}
