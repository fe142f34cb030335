//! Usernames are compared after JupyterHub lowercases them.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "auth/username-case",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "a username with capitals in `admin_users` or `allowed_users`",
    docs: r#"## What it does
Warns when an entry of `auth.admin_users` or `auth.allowed_users` has
uppercase letters.

## Why is this bad?
`Authenticator.normalize_username` lowercases every username before it is
compared with these lists, so `Jane.Doe@corp.example` never matches the user
who logs in as it: the admin is not an admin, the allowed user gets a 403.

## Fix
Write the usernames in lowercase.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let a = &cx.r.spec.auth;
    for (key, users) in [
        ("admin_users", &a.admin_users),
        ("allowed_users", &a.allowed_users),
    ] {
        for (i, u) in users.iter().enumerate() {
            if u.chars().any(char::is_uppercase) {
                out.push(
                    cx.diag(
                        &RULE,
                        format!("`{u}` never matches: JupyterHub lowercases usernames"),
                    )
                    .at(cx.at(&format!("/auth/{key}/{i}")), "has capitals")
                    .key(format!("auth.{key}[{i}]"))
                    .help(format!("write `{}`", u.to_lowercase())),
                );
            }
        }
    }
}
