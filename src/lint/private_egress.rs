//! On-prem notebooks need the private network.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::{Location, Purpose};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "network/private-egress-blocked",
    severity: Severity::Warning,
    stage: Stage::Values,
    summary: "user servers of an on-prem production environment that cannot reach any private address",
    docs: r#"## What it does
Warns when a `production` or `staging` environment of an `on-prem` cluster
ends with the chart's default egress for user servers: no private address
allowed (`network.private_egress = false` and no `network.egress`, nor an
egress rule in `[values]`).

## Why is this bad?
The chart's singleuser NetworkPolicy allows the internet and DNS but denies
10/8, 172.16/12 and 192.168/16 (`egressAllowRules.privateIPs: false`, chart
4.4.0 `values.yaml`). On-prem, that is where everything is: the package
mirrors (Artifactory's PyPI and conda), Git, object storage and in-cluster
services. `pip install` hangs, and so does `git clone`.

## Fix
Allow what notebooks need: `network.egress = [{ cidr = "10.20.0.0/16",
ports = [443] }]`, or all private networks with
`network.private_egress = true` (the default for on-prem production).
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    if s.cluster.location != Some(Location::OnPrem)
        || !matches!(
            s.environment.purpose,
            Purpose::Production | Purpose::Staging
        )
    {
        return;
    }
    let np = |p: &str| cx.value(&format!("/singleuser/networkPolicy{p}"));
    if np("/enabled") == Some(&Value::Bool(false))
        || np("/egressAllowRules/privateIPs") == Some(&Value::Bool(true))
        || np("/egress")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    {
        return;
    }
    let origin = if cx.is_set("/network/private_egress") {
        cx.at("/network/private_egress")
    } else {
        cx.value_origin("/singleuser/networkPolicy/egressAllowRules/privateIPs")
            .unwrap_or_else(|| cx.at("/cluster/location"))
    };
    out.push(
        cx.diag(&RULE, "user servers cannot reach any private address: on-prem package mirrors, Git and storage are unreachable")
            .at(origin, "private egress blocked")
            .key("network.private_egress")
            .help("allow the networks notebooks need (`network.egress = [{ cidr = \"…\", ports = [443] }]`), or `network.private_egress = true`"),
    );
}
