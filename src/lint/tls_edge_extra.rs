//! Edge TLS takes no Secret and no issuer.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::TlsMode;

pub const RULE: Rule = Rule {
    code: "tls/edge-extra",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "TLS mode `edge` with a Secret or issuer that would never be used",
    docs: r#"## What it does
Checks that `tls.secret` and `tls.issuer` are not set when `tls.mode = "edge"`.

## Why is this bad?
In `edge` mode TLS ends before the cluster (Cloudflare Tunnel, a load
balancer) and the Ingress has no `tls` block, so a Secret or issuer here does
nothing. It usually means the mode is wrong, or an overlay forgot to delete
the base's TLS settings.

## Fix
Remove the key, or choose mode `secret` / `cert-manager`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let tls = &cx.r.spec.tls;
    if tls.mode != TlsMode::Edge {
        return;
    }
    for (key, set) in [
        ("secret", tls.secret.is_some()),
        ("issuer", tls.issuer.is_some()),
    ] {
        if set {
            out.push(
                cx.diag(&RULE, format!("TLS mode `edge` takes no `{key}`"))
                    .at(cx.key_at(&format!("/tls/{key}")), "not used at the edge")
                    .also(cx.at("/tls/mode"), "mode chosen here")
                    .key(format!("tls.{key}"))
                    .help("TLS ends before the cluster in `edge` mode; remove it, or choose mode `secret` / `cert-manager`"),
            );
        }
    }
}
