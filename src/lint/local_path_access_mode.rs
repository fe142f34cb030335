//! local-path volumes are ReadWriteOnce only.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::AccessMode;

pub const RULE: Rule = Rule {
    code: "storage/local-path-access-mode",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "the `local-path` storage class with an access mode other than ReadWriteOnce",
    docs: r#"## What it does
Checks that `storage.access_modes` is `ReadWriteOnce` (or `ReadWriteOncePod`)
when `storage.class` is `local-path`.

## Why is this bad?
rancher's local-path-provisioner refuses anything else: "Only support
ReadWriteOnce access mode" (`provisioner.go`; kubernetes-sigs/kind #2371), so
every user's volume stays Pending and no server starts. local-path volumes are
host directories pinned to one node.

## Fix
`access_modes = ["ReadWriteOnce"]`; for shared storage use a class that
supports ReadWriteMany (NFS, CephFS).
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec.storage;
    if s.class != "local-path" {
        return;
    }
    for (i, m) in s.access_modes.iter().enumerate() {
        if !matches!(m, AccessMode::ReadWriteOnce | AccessMode::ReadWriteOncePod) {
            out.push(
                cx.diag(&RULE, format!("`local-path` volumes cannot be `{m:?}`"))
                    .at(cx.at(&format!("/storage/access_modes/{i}")), "not supported by local-path")
                    .also(cx.at("/storage/class"), "storage class set here")
                    .key(format!("storage.access_modes[{i}]"))
                    .help("use `ReadWriteOnce`; for shared storage choose a class that supports ReadWriteMany"),
            );
        }
    }
}
