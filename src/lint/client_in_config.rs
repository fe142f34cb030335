//! OAuth client credentials never go into `hub.config`.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "auth/client-in-config",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "`client_id` or `client_secret` under `hub.config`",
    docs: r#"## What it does
Flags `client_id` and `client_secret` in any `hub.config` section set through
`[values]`, even empty.

## Why is this bad?
OAuthenticator reads them from the environment (`GITHUB_CLIENT_*`,
`OAUTH_CLIENT_*`) only when the trait is not configured; any value, `""`
included, overrides the Secret that jhubgen wires in. A non-empty one is also
a secret in the values, stored in the `hub` Secret, Helm's release and Git.

## Fix
Remove it, and set `[auth] client = { secret = "…" }`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let Some((Value::Object(config), _)) = cx.raw_value("/hub/config") else {
        return;
    };
    for (section, traits) in config {
        for key in ["client_id", "client_secret"] {
            if traits.get(key).is_none() {
                continue;
            }
            let ptr = format!("/hub/config/{}/{key}", crate::tree::escape_pointer(section));
            let origin = cx.value_origin(&ptr).unwrap_or_else(|| cx.at("/values"));
            out.push(
                cx.diag(
                    &RULE,
                    format!("`{section}.{key}` in `hub.config` overrides the client Secret"),
                )
                .at(origin, "blocks the environment fallback")
                .key(format!("values.hub.config.{section}.{key}"))
                .help(
                    "remove it and reference the Secret with `[auth] client = { secret = \"…\" }`",
                ),
            );
        }
    }
}
