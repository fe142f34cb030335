//! The hub and the proxy run as one replica each.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "availability/replicas",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "more than one hub or proxy replica, which this chart cannot run",
    docs: r#"## What it does
Flags `hub.replicas`, `proxy.replicas` and `proxy.chp.replicas` in `[values]`.

## Why is this bad?
The seed's picture of AIV production shows two "Hub Pod (HA)" replicas; the
chart cannot build that. `hub.replicas` is not in its schema, and the hub
Deployment hard-codes `replicas: 1` with the `Recreate` strategy: "JupyterHub
isn't designed to support being run in parallel" (`values.yaml`), since its
state (sqlite, the proxy's routes) lives in one process. The proxy
(configurable-http-proxy) is `replicas: 1` too: its pods "carry individual
state".

What high availability *is* possible: several ingress controller replicas and
load balancers in front; user servers spread over several nodes, so a node
failure stops only its users; storage that survives a node (Ceph); and a hub
that restarts quickly (`Recreate`, a PVC or an external database). Running
user servers keep working while the hub restarts.

## Fix
Remove the replica count; make the layers around the hub redundant instead.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for (p, what) in [
        ("/hub/replicas", "hub"),
        ("/proxy/replicas", "proxy"),
        ("/proxy/chp/replicas", "proxy"),
    ] {
        if let Some((_, origin)) = cx.raw_value(p) {
            out.push(
                cx.diag(&RULE, format!("the chart runs exactly one {what} replica"))
                    .at(origin, "replicas cannot be set")
                    .key(format!("values{}", p.replace('/', ".")))
                    .help("JupyterHub's hub and proxy keep state in one process; make the ingress controllers, nodes and storage redundant instead (`jhubgen rule availability/replicas`)"),
            );
        }
    }
}
