//! Entra ID puts group object ids, not names, in the `groups` claim.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "auth/azuread-group-ids",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "Entra ID groups given by name where the token carries object ids",
    docs: r#"## What it does
Warns when an entry of `auth.azuread.allowed_groups` or `admin_groups` is not
a GUID.

## Why is this bad?
jhubgen reads groups from the id token's `groups` claim
(`auth_state_groups_key = "user.groups"`). Unless the app registration is set
to emit group names (`sAMAccountName`, for groups synchronised from on-prem
AD), Entra ID puts the groups' object ids there, so a group given by name never
matches and nobody in it can log in.

## Fix
Use the groups' object ids (Entra admin centre → Groups → Object ID), or make
sure the app registration's group claim emits names, and keep the warning.
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
                        .help("use the group's object id, or configure the app registration to emit group names (sAMAccountName)"),
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
