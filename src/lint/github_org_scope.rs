//! GitHub organisations gate access only with the `read:org` scope.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "auth/github-org-scope",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "GitHub organisations gate access without the `read:org` scope",
    docs: r#"## What it does
Flags generated values whose `GitHubOAuthenticator` has
`allowed_organizations` but a `scope` without `read:org` — which happens when
`[values]` replaces the scope list jhubgen writes.

## Why is this bad?
OAuthenticator checks membership with the user's token
(`GET /orgs/{org}/members/{user}`). Its own help for `allowed_organizations`
says that without `read:org` only *public* membership is visible: private
members — most members — are refused (OAuthenticator 17.4.0, `github.py`).

## Fix
Leave `scope` to jhubgen (it adds `read:org` whenever organisations are set),
or list `read:org` in `auth.github.scope`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let base = "/hub/config/GitHubOAuthenticator";
    let orgs = cx
        .value(&format!("{base}/allowed_organizations"))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if !orgs {
        return;
    }
    let scope = cx.value(&format!("{base}/scope"));
    let has = scope
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|s| s == "read:org"));
    if has {
        return;
    }
    let origin = cx
        .value_origin(&format!("{base}/scope"))
        .unwrap_or_else(|| cx.at("/auth/github"));
    out.push(
        cx.diag(&RULE, "GitHub organisations gate access, but the scope lacks `read:org`: private members are refused")
            .at(origin, "no `read:org`")
            .key("values.hub.config.GitHubOAuthenticator.scope")
            .help("remove the `scope` override (jhubgen adds `read:org`), or add `read:org` to it"),
    );
}
