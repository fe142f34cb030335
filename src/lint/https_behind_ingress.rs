//! The chart's autohttps does not work behind an Ingress.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "ingress/https-behind-ingress",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "`proxy.https.enabled` behind an Ingress",
    docs: r#"## What it does
Flags `proxy.https.enabled = true` in `[values]`.

## Why is this bad?
"When using an ingress object, the default automatic HTTPS support does not
work" (z2jh `advanced.md`): the autohttps Traefik pod wants ports 80/443 and
its own Let's Encrypt challenge, while the Ingress targets the plain `http`
port. TLS belongs to the Ingress (`[tls]`) or the edge.

## Fix
Remove it and choose a `[tls]` mode.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    if let Some((Value::Bool(true), origin)) = cx.raw_value("/proxy/https/enabled") {
        out.push(
            cx.diag(&RULE, "automatic HTTPS does not work behind an Ingress")
                .at(origin, "autohttps enabled")
                .also(cx.at("/tls/mode"), "TLS mode set here")
                .key("values.proxy.https.enabled")
                .help("remove it: TLS is the Ingress's job (`[tls] mode = \"secret\"` or `\"cert-manager\"`) or the edge's"),
        );
    }
}
