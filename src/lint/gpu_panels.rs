//! GPU panels need GPU profiles.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "monitoring/gpu-panels-without-gpus",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "GPU panels on an environment whose profiles ask for no GPU",
    docs: r#"## What it does
Reports `monitoring.dashboard.gpu = true` when no profile of the environment
has `gpus` above zero.

## Why is this bad?
The GPU panels read dcgm-exporter's `DCGM_FI_DEV_*` series of user pods; with
no GPU profile there are none, so the panels can only ever say "No data" —
which an operator reads as a broken exporter.

## Fix
Drop `gpu = true` (the default shows GPU panels exactly when a profile asks
for GPUs), or add a GPU profile.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    if s.monitoring.dashboard.gpu == Some(true) && !s.profiles.iter().any(|p| p.gpus > 0) {
        out.push(
            cx.diag(&RULE, "GPU panels, but no profile asks for a GPU")
                .at(cx.at("/monitoring/dashboard/gpu"), "GPU panels")
                .key("monitoring.dashboard.gpu")
                .help("drop `gpu = true`: by default the panels appear exactly when a profile has `gpus`"),
        );
    }
}
