//! Deleting a user in production should not delete their home directory.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::Purpose;
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "storage/delete-with-user",
    severity: Severity::Warning,
    stage: Stage::Values,
    summary: "home directories deleted with their user in a production or staging environment",
    docs: r#"## What it does
Warns when a `production` or `staging` environment lets KubeSpawner delete a
user's volume when the user is deleted (`storage.delete_with_user = true`, or
`hub.config.KubeSpawner.delete_pvc` in `[values]`).

## Why is this bad?
`KubeSpawner.delete_pvc` defaults to `true` (KubeSpawner 7.0.0): an admin who
removes a user in the admin panel — to reset a login, or by mistake — deletes
their home directory with it, and with a `Delete` reclaim policy the data is
gone. jhubgen writes `delete_pvc: false` for production and staging unless
told otherwise.

## Fix
Leave `storage.delete_with_user` unset (or `false`) and remove volumes of
departed users on purpose; or keep `true` and say why in a comment.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    if !matches!(
        s.environment.purpose,
        Purpose::Production | Purpose::Staging
    ) {
        return;
    }
    if cx.value("/hub/config/KubeSpawner/delete_pvc") == Some(&Value::Bool(false)) {
        return;
    }
    let origin = cx
        .value_origin("/hub/config/KubeSpawner/delete_pvc")
        .unwrap_or_else(|| cx.at("/storage/delete_with_user"));
    out.push(
        cx.diag(&RULE, "deleting a user deletes their home directory")
            .at(origin, "volumes deleted with their user")
            .also(cx.at("/environment/purpose"), "a production environment")
            .key("storage.delete_with_user")
            .help("remove `delete_with_user = true` (jhubgen then writes `delete_pvc: false`)"),
    );
}
