//! Some rule must let users in.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::AuthProvider;

pub const RULE: Rule = Rule {
    code: "auth/nobody-allowed",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "no allow rule at all: nobody can log in",
    docs: r#"## What it does
Checks that at least one of `admin_users`, `allowed_users`, `allow_all`,
`auth.github.organizations`, `auth.azuread.allowed_groups` or
`auth.azuread.admin_groups` lets someone in.

## Why is this bad?
Since JupyterHub 5 and OAuthenticator 16, an authenticator with no allow
configuration allows nobody (z2jh `upgrade-3-to-4.md`): every user gets
"403 Forbidden" after a successful login (oauthenticator #548 is this symptom).

## Fix
List who may log in, e.g. `[auth.github] organizations = ["my-org"]` or
`[auth.azuread] allowed_groups = ["<group object id>"]`; `allow_all = true`
only on purpose.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let a = &cx.r.spec.auth;
    if a.provider == AuthProvider::Dummy {
        return;
    }
    let orgs = a
        .github
        .as_ref()
        .is_some_and(|g| !g.organizations.is_empty());
    let groups = a
        .azuread
        .as_ref()
        .is_some_and(|z| !z.allowed_groups.is_empty() || !z.admin_groups.is_empty());
    if a.admin_users.is_empty() && a.allowed_users.is_empty() && !a.allow_all && !orgs && !groups {
        out.push(
            cx.diag(&RULE, "no allow rule: nobody can log in")
                .at(cx.key_at("/auth"), "no admin_users, allowed_users, organizations, groups or allow_all")
                .key("auth")
                .help("JupyterHub 5 allows nobody by default: list who may log in (`admin_users`, `allowed_users`, `[auth.github] organizations`, `[auth.azuread] allowed_groups`), or set `allow_all = true` on purpose"),
        );
    }
}
