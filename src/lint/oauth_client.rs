//! An OAuth provider needs the Secret holding its client credentials.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::AuthProvider;

pub const RULE: Rule = Rule {
    code: "auth/oauth-client",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "an OAuth provider without the Secret that holds its client id and secret",
    docs: r#"## What it does
Checks that `auth.client` names the Kubernetes Secret with the OAuth client's
id and secret when the provider is `github` or `azuread`.

## Why is this bad?
OAuthenticator reads the client id and secret from `GITHUB_CLIENT_ID` /
`GITHUB_CLIENT_SECRET` (GitHub) or `OAUTH_CLIENT_ID` / `OAUTH_CLIENT_SECRET`
(Entra ID) when they are not in its config (`oauth2.py`, OAuthenticator
17.4.0). jhubgen feeds those variables from the Secret through `hub.extraEnv`
`secretKeyRef`; without it the hub starts, and every login fails.

## Example
```toml
[auth]
provider = "github"
```

## Fix
```toml
[auth]
provider = "github"
client = { secret = "jhub-github-oauth" }   # keys client_id and client_secret
```
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let auth = &cx.r.spec.auth;
    if auth.provider != AuthProvider::Dummy && auth.client.is_none() {
        let p = if auth.provider == AuthProvider::Github {
            "github"
        } else {
            "azuread"
        };
        out.push(
            cx.diag(&RULE, format!("provider `{p}` needs the OAuth client's Secret"))
                .at(cx.at("/auth/provider"), "OAuth provider chosen here")
                .key("auth.client")
                .help("add `client = { secret = \"<secret name>\" }` to `[auth]`: the Secret holds keys `client_id` and `client_secret` (other names with `id_key` / `secret_key`)"),
        );
    }
}
