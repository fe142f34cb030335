//! Two ways to block the cloud metadata server, both on, is a chart failure.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "values/cloud-metadata-conflict",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "`blockWithIptables` together with a network policy that allows the metadata server",
    docs: r#"## What it does
Flags `singleuser.cloudMetadata.blockWithIptables = true` together with
`singleuser.networkPolicy.egressAllowRules.cloudMetadataServer = true` (with
the network policy enabled, its default).

## Why is this bad?
The chart's `NOTES.txt` fails the install or upgrade on this "ambiguous
configuration" (since 3.0.0).

## Fix
Choose one: on restricted on-prem clusters, `blockWithIptables = false`
(it runs a privileged init container with `NET_ADMIN`) and leave
`cloudMetadataServer` at its default `false`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let on = |p: &str| cx.value(p) == Some(&Value::Bool(true));
    let block = on("/singleuser/cloudMetadata/blockWithIptables")
        || (cx
            .value("/singleuser/cloudMetadata/blockWithIptables")
            .is_none());
    let allow = on("/singleuser/networkPolicy/egressAllowRules/cloudMetadataServer");
    let netpol = cx.value("/singleuser/networkPolicy/enabled") != Some(&Value::Bool(false));
    if block && allow && netpol {
        let origin = cx
            .value_origin("/singleuser/networkPolicy/egressAllowRules/cloudMetadataServer")
            .unwrap_or_else(|| cx.at("/values"));
        out.push(
            cx.diag(&RULE, "the chart refuses `blockWithIptables` with `cloudMetadataServer` allowed")
                .at(origin, "allows the metadata server")
                .key("values.singleuser.networkPolicy.egressAllowRules.cloudMetadataServer")
                .help("choose one: set `singleuser.cloudMetadata.blockWithIptables = false`, or leave `cloudMetadataServer` false"),
        );
    }
}
