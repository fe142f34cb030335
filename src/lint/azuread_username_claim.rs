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
`given_name`, `family_name`), a claim the v1 id token may not carry (`email`,
`preferred_username`, and `upn` for guests), or one that changes when a user
is renamed (`upn`, `unique_name`).

## Why is this bad?
`AzureAdOAuthenticator.username_claim` defaults to `name`, the display name:
not unique, with spaces (oauthenticator #499). Two "Jane Smith"s share one
server and one home directory. OAuthenticator uses the v1 endpoints, whose id
token does not always include `email` or `preferred_username`; guest (B2B)
users have no `upn`, and `user_info_to_username` then raises
`ValueError: No upn found` — the guest cannot log in (OAuthenticator 17.4.0,
`oauth2.py`). A renamed user gets a new `upn`: JupyterHub sees a new user,
with a new, empty home directory.

## Fix
Use `oid` (jhubgen's default): the user's object id, present for every user
and never changed. Usernames are then GUIDs; admins see them in the admin
panel. Keep `upn` only where there are no guests and renames are handled.
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
        "upn" => {
            "is missing for guest users (login fails with `No upn found`) and changes on renames"
        }
        "unique_name" => "changes when a user is renamed (a new user with an empty home)",
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
        .help("use `oid`: present for every user and never changed"),
    );
}
