//! Entra ID puts group object ids, not names, in the `groups` claim.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "auth/azuread-group-ids",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "Entra ID groups given by name where the token carries object ids",
    docs: r#"## What it does
Warns when `auth.azuread.groups_key` reads the `groups` claim (`user.groups`,
the default) and an entry of `allowed_groups` or `admin_groups` is not a GUID.

## Why is this bad?
`AzureAdOAuthenticator` decodes the id token into `auth_state["user"]`, and
`check_allowed` lets in a user whose groups at `auth_state_groups_key`
intersect `allowed_groups` (OAuthenticator 17.4.0, `oauth2.py`). Entra ID's
`groups` claim carries the groups' **object ids**, and only when the app
registration is configured to emit it; past 200 groups it carries an overage
claim instead of a list. A group given by name never matches, and every user
is refused with 403.

## Fix
The working paths, in order of preference:
1. **App roles**: define roles (`jupyterhub-users`, `jupyterhub-admins`) in
   the app registration, assign the AD groups to them, and set
   `groups_key = "user.roles"`: the id token's `roles` claim carries the role
   values by name, with no overage limit.
2. Object ids: list the groups' object ids (Entra admin centre → Groups →
   Object ID), and have IT set the app registration's group claim
   ("Security groups" or "Groups assigned to the application").
"#,
    check,
};

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let Some(az) = &cx.r.spec.auth.azuread else {
        return;
    };
    if az.groups_key != "user.groups" {
        return;
    }
    for (key, groups) in [
        ("allowed_groups", &az.allowed_groups),
        ("admin_groups", &az.admin_groups),
    ] {
        for (i, g) in groups.iter().enumerate() {
            if !is_guid(g) {
                out.push(
                    cx.diag(&RULE, format!("group `{g}` is a name; the `groups` claim holds object ids"))
                        .at(cx.at(&format!("/auth/azuread/{key}/{i}")), "not an object id")
                        .key(format!("auth.azuread.{key}[{i}]"))
                        .help("use app roles (`groups_key = \"user.roles\"`, roles named as here), or list the group's object id"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn guids() {
        assert!(super::is_guid("11111111-2222-3333-4444-555555555555"));
        assert!(!super::is_guid("jupyterhub-users"));
    }
}
