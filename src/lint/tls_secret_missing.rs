//! TLS mode `secret` needs the Secret's name.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::TlsMode;

pub const RULE: Rule = Rule {
    code: "tls/secret-missing",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "TLS mode `secret` without the name of the TLS Secret",
    docs: r#"## What it does
Checks that `tls.secret` is set when `tls.mode = "secret"`.

## Why is this bad?
The Ingress's `tls` block must name the `kubernetes.io/tls` Secret holding the
certificate (a corporate-CA certificate, say). Without it the controller serves
its default certificate, which browsers reject.

## Fix
```toml
[tls]
mode = "secret"
secret = "aiv-corporate-tls"
```
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let tls = &cx.r.spec.tls;
    if tls.mode == TlsMode::Secret && tls.secret.is_none() {
        out.push(
            cx.diag(&RULE, "TLS mode `secret` needs the Secret's name")
                .at(cx.at("/tls/mode"), "mode chosen here")
                .key("tls.secret")
                .help("add `secret = \"<name of the kubernetes.io/tls Secret>\"` to `[tls]`"),
        );
    }
}
