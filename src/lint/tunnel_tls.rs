//! A Cloudflare Tunnel only in front of edge TLS, with its credentials where it runs.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::{TlsMode, TunnelRuns};

pub const RULE: Rule = Rule {
    code: "tunnel/setup",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a tunnel on an environment without edge TLS, or its credentials not where it runs",
    docs: r#"## What it does
Reports a `[tunnel]` on an environment whose `tls.mode` is not `edge`, and
credentials that do not fit where cloudflared runs: `runs = "host"` needs
`credentials_file` (the JSON on the server), `runs = "cluster"` needs
`credentials_secret` (the Secret the Deployment mounts).

## Why is this bad?
Cloudflare terminates TLS and forwards plain HTTP: behind a tunnel the
Ingress must not carry a certificate of its own (`edge`), and with `secret` or
`cert-manager` the two disagree about who holds the certificate. A tunnel
without its credentials cannot connect — cloudflared exits at start.

## Fix
Set `tls.mode = "edge"` for a tunnel (or drop `[tunnel]`), and give the
credentials' location for where it runs — never their content.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let Some(t) = &s.tunnel else { return };
    if s.tls.mode != TlsMode::Edge {
        out.push(
            cx.diag(
                &RULE,
                "a Cloudflare Tunnel in front of an Ingress with its own TLS",
            )
            .at(cx.at("/tunnel/name"), "tunnel")
            .also(cx.at("/tls/mode"), "not `edge`")
            .key("tunnel")
            .help("Cloudflare terminates TLS: set `tls.mode = \"edge\"`, or drop `[tunnel]`"),
        );
    }
    match t.runs {
        TunnelRuns::Host if t.credentials_file.is_none() => out.push(
            cx.diag(&RULE, "cloudflared on the host needs `credentials_file`")
                .at(cx.at("/tunnel/runs"), "runs on the host")
                .key("tunnel.credentials_file")
                .help("set `credentials_file` to where `cloudflared tunnel create` wrote the JSON, e.g. `/etc/cloudflared/<tunnel-id>.json`"),
        ),
        TunnelRuns::Cluster if t.credentials_secret.is_none() => out.push(
            cx.diag(&RULE, "cloudflared in the cluster needs `credentials_secret`")
                .at(cx.at("/tunnel/runs"), "runs in the cluster")
                .key("tunnel.credentials_secret")
                .help("set `credentials_secret = { secret = \"cloudflared-credentials\", key = \"credentials.json\" }` (`jhubgen checklist` prints the command that creates it)"),
        ),
        _ => {}
    }
}
