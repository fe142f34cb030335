//! Entra ID usernames must come from a unique claim.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "auth/azuread-username-claim",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "an Entra ID username claim that is not unique, or may be missing",
    docs: r#"## What it does
Warns when `auth.azuread.username_claim` is a display name (`name`,
`given_name`, `family_name`) or a claim the v1 id token may not carry
(`email`, `preferred_username`).

## Why is this bad?
`AzureAdOAuthenticator.username_claim` defaults to `name`, the display name:
not unique, with spaces (oauthenticator #499). Two "Jane Smith"s share one
server and one home directory. OAuthenticator uses the v1 endpoints, whose id
token does not always include `email` or `preferred_username`.

## Fix
Use `upn` (jhubgen's default), `unique_name` or `oid`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let Some(az) = &cx.r.spec.auth.azuread else {
        return;
    };
    let why = match az.username_claim.as_str() {
        "name" | "given_name" | "family_name" => "is a display name: not unique, and it has spaces",
        "email" | "preferred_username" => {
            "may be missing from the v1 id tokens OAuthenticator uses"
        }
        _ => return,
    };
    out.push(
        cx.diag(
            &RULE,
            format!("username claim `{}` {why}", az.username_claim),
        )
        .at(
            cx.at("/auth/azuread/username_claim"),
            "not a reliable username",
        )
        .key("auth.azuread.username_claim")
        .help("use `upn`, `unique_name` or `oid`"),
    );
}
