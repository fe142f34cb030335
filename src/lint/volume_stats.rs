//! The hub-database alert needs volume stats, which local-path volumes lack.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::emit::alerts::{applies, settings};

pub const RULE: Rule = Rule {
    code: "monitoring/volume-stats-unavailable",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "the hub-database volume alert on a storage class that reports no volume stats",
    docs: r#"## What it does
Warns when the `hub_db_volume` alert is on and the hub's database volume is
of the `local-path` storage class.

## Why is this bad?
The alert (and the dashboard's database panel) read the kubelet's
`kubelet_volume_stats_*` series. The kubelet reports them only for volumes
whose plugin measures them (CSI drivers such as Ceph RBD); local-path
provisioner volumes are host paths, which it does not measure. The alert
can never fire: a full disk on the node stops the hub without warning.

## Fix
Watch the node's disk instead (node-exporter's `node_filesystem_avail_bytes`)
and turn the alert off: `[monitoring.alerts.hub_db_volume] enabled = false`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    if s.storage.class == "local-path"
        && applies(cx.r)
        && settings(cx.r, "hub_db_volume").enabled.unwrap_or(true)
    {
        out.push(
            cx.diag(
                &RULE,
                "`local-path` volumes report no volume stats: the hub-database alert can never fire",
            )
            .at(cx.at("/storage/class"), "a host-path class")
            .key("monitoring.alerts.hub_db_volume")
            .help("turn it off (`[monitoring.alerts.hub_db_volume] enabled = false`) and watch the node's disk with node-exporter"),
        );
    }
}
