//! OAuthenticator 17's group settings require `manage_groups`.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "auth/groups-without-manage-groups",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "`allowed_groups`, `admin_groups` or `auth_state_groups_key` without `manage_groups: true`",
    docs: r#"## What it does
Checks every authenticator section of the generated `hub.config`: where
`allowed_groups`, `admin_groups` or `auth_state_groups_key` is set,
`manage_groups` must be `true`. jhubgen emits it for `[auth.azuread]` groups;
this catches `[values]` that add group settings without it.

## Why is this bad?
OAuthenticator 17 raises `ValueError` at start-up ("... requires
manage_groups to also be set", observer `_requires_manage_groups` in
`oauth2.py`): the hub crash-loops.

## Fix
Set groups through `[auth.azuread]`, or add `manage_groups = true` beside them.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let Some(Value::Object(config)) = cx.value("/hub/config") else {
        return;
    };
    for (section, traits) in config {
        let Value::Object(t) = traits else { continue };
        if t.get("manage_groups") == Some(&Value::Bool(true)) {
            continue;
        }
        for key in ["allowed_groups", "admin_groups", "auth_state_groups_key"] {
            if t.get(key).is_none() {
                continue;
            }
            let ptr = format!("/hub/config/{}/{key}", crate::tree::escape_pointer(section));
            let origin = cx.value_origin(&ptr).unwrap_or_else(|| cx.at(""));
            out.push(
                cx.diag(&RULE, format!("`{section}.{key}` requires `manage_groups: true`"))
                    .at(origin, "group setting")
                    .key(format!("values.hub.config.{section}.{key}"))
                    .help("OAuthenticator 17 raises ValueError without it: add `manage_groups = true`, or set groups in `[auth.azuread]`"),
            );
        }
    }
}
