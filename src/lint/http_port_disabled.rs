//! The Ingress needs the proxy's `http` port.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "ingress/http-port-disabled",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "`proxy.service.disableHttpPort` while the Ingress targets port `http`",
    docs: r#"## What it does
Flags `proxy.service.disableHttpPort = true` in `[values]`.

## Why is this bad?
The Ingress's backend is service `proxy-public`, port name `http` (as the
chart's own Ingress template); without that port every request gets a 503.

## Fix
Remove it.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    if let Some((Value::Bool(true), origin)) = cx.raw_value("/proxy/service/disableHttpPort") {
        out.push(
            cx.diag(&RULE, "the Ingress targets the `http` port this removes")
                .at(origin, "http port disabled")
                .key("values.proxy.service.disableHttpPort")
                .help("remove it: the Ingress sends traffic to `proxy-public` port `http`"),
        );
    }
}
