//! The OAuth callback must be the public host's.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "auth/callback-url",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "an OAuth callback URL that is not `https://<ingress host><base url>hub/oauth_callback`",
    docs: r#"## What it does
Checks the `oauth_callback_url` of every authenticator in the generated
values. jhubgen derives it from `ingress.host` and `hub.base_url`; this rule
catches a `[values]` override that disagrees with them.

## Why is this bad?
The identity provider redirects to exactly this URL after login. A host that
differs from the Ingress's (a stale domain, `http://` behind a TLS-terminating
proxy) gives "redirect URI mismatch" errors or redirect loops (z2jh #1466).
Left unset, OAuthenticator guesses it from the request, which behind
Cloudflare or an ingress comes out as `http://`.

## Fix
Remove the override: jhubgen always emits the right URL.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let Some(Value::Object(config)) = cx.value("/hub/config") else {
        return;
    };
    let expected = cx.r.callback_url();
    for (section, traits) in config {
        let Some(Value::String(url)) = traits.get("oauth_callback_url") else {
            continue;
        };
        if *url == expected {
            continue;
        }
        let ptr = format!(
            "/hub/config/{}/oauth_callback_url",
            crate::tree::escape_pointer(section)
        );
        let origin = cx.value_origin(&ptr).unwrap_or_else(|| cx.at(""));
        out.push(
            cx.diag(
                &RULE,
                format!("`{section}.oauth_callback_url` does not match the ingress host"),
            )
            .at(origin, "callback set here")
            .also(cx.at("/ingress/host"), "ingress host set here")
            .key(format!("values.hub.config.{section}.oauth_callback_url"))
            .help(format!(
                "the callback must be `{expected}`; remove the override and jhubgen emits it"
            )),
        );
    }
}
