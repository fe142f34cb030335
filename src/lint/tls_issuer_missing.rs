//! TLS mode `cert-manager` needs an issuer.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::TlsMode;

pub const RULE: Rule = Rule {
    code: "tls/issuer-missing",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "TLS mode `cert-manager` without an issuer",
    docs: r#"## What it does
Checks that `tls.issuer` is set when `tls.mode = "cert-manager"`.

## Why is this bad?
cert-manager's ingress-shim issues a certificate only for an Ingress annotated
with `cert-manager.io/cluster-issuer` or `cert-manager.io/issuer`. Without the
issuer, no certificate is ever made.

## Fix
```toml
[tls]
mode = "cert-manager"
issuer = { name = "letsencrypt", kind = "ClusterIssuer" }
```
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let tls = &cx.r.spec.tls;
    if tls.mode == TlsMode::CertManager && tls.issuer.is_none() {
        out.push(
            cx.diag(&RULE, "TLS mode `cert-manager` needs an issuer")
                .at(cx.at("/tls/mode"), "mode chosen here")
                .key("tls.issuer")
                .help("add `issuer = { name = \"letsencrypt\", kind = \"ClusterIssuer\" }` to `[tls]`"),
        );
    }
}
