//! Ceph RBD is block storage: not ReadWriteMany for home directories.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::AccessMode;

pub const RULE: Rule = Rule {
    code: "storage/rbd-read-write-many",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a Ceph RBD storage class with ReadWriteMany home directories",
    docs: r#"## What it does
Checks that a storage class whose name says RBD (`ceph-rbd`, `rook-ceph-block`)
is not used with `ReadWriteMany`.

## Why is this bad?
docs.ceph.com (CSI): RBD volumes are "ReadWriteOnce with a local file system
such as EXT4 or XFS; ReadWriteMany raw block for specialized workloads", and
"not safe for ReadWriteMany access unless the workloads themselves coordinate
access". KubeSpawner mounts home directories as file systems.

## Fix
`access_modes = ["ReadWriteOnce"]`, or a CephFS class for shared storage.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec.storage;
    let class = s.class.to_lowercase();
    if !(class.contains("rbd") || class.contains("ceph-block")) {
        return;
    }
    for (i, m) in s.access_modes.iter().enumerate() {
        if *m == AccessMode::ReadWriteMany {
            out.push(
                cx.diag(
                    &RULE,
                    format!(
                        "`{}` is Ceph RBD: block storage, not shared file systems",
                        s.class
                    ),
                )
                .at(
                    cx.at(&format!("/storage/access_modes/{i}")),
                    "ReadWriteMany on RBD",
                )
                .also(cx.at("/storage/class"), "RBD class set here")
                .key(format!("storage.access_modes[{i}]"))
                .help("use `ReadWriteOnce`, or a CephFS storage class for ReadWriteMany"),
            );
        }
    }
}
