//! The `[auth.<provider>]` table must match `auth.provider`.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::AuthProvider;

pub const RULE: Rule = Rule {
    code: "auth/provider-table",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "the provider's settings table is missing, or another provider's is present",
    docs: r#"## What it does
Checks that `[auth.azuread]` is present when `auth.provider = "azuread"`, and
that no table of another provider is left over (`[auth.github]` under Entra ID).

## Why is this bad?
A leftover table is usually an overlay that switched provider without deleting
the base's settings: they would silently do nothing. Entra ID cannot work
without its tenant.

## Example
```toml
[auth]
provider = "azuread"
[auth.github]                # left over from the base
organizations = ["my-org"]
```

## Fix
Add `delete = ["auth.github"]` to the overlay that changes the provider, or
add the missing `[auth.azuread]` table with `tenant_id`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let auth = &cx.r.spec.auth;
    let provider = match auth.provider {
        AuthProvider::Github => "github",
        AuthProvider::Azuread => "azuread",
        AuthProvider::Dummy => "dummy",
    };
    for (other, present) in [
        ("github", auth.github.is_some()),
        ("azuread", auth.azuread.is_some()),
    ] {
        if other != provider && present {
            out.push(
                cx.diag(&RULE, format!("`auth.{other}` is set but the provider is `{provider}`"))
                    .at(cx.key_at(&format!("/auth/{other}")), "settings of another provider")
                    .also(cx.at("/auth/provider"), "provider chosen here")
                    .key(format!("auth.{other}"))
                    .help(format!(
                        "remove `[auth.{other}]`, or add `delete = [\"auth.{other}\"]` to the overlay that changes the provider"
                    )),
            );
        }
    }
    if auth.provider == AuthProvider::Azuread && auth.azuread.is_none() {
        out.push(
            cx.diag(&RULE, "provider `azuread` needs an `[auth.azuread]` table")
                .at(cx.at("/auth/provider"), "provider chosen here")
                .key("auth.azuread")
                .help("add `[auth.azuread]` with at least `tenant_id` (a GUID, or `{ secret = \"…\", key = \"…\" }`)"),
        );
    }
}
