//! Renaming the chart's objects breaks the Ingress and the ServiceMonitor.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "values/name-override",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "`fullnameOverride` or `nameOverride`, which renames the Services jhubgen targets",
    docs: r#"## What it does
Flags a non-empty `fullnameOverride` or `nameOverride` in `[values]`.

## Why is this bad?
They rename the chart's Services (`proxy-public`, `hub`) and the `app` label,
which the generated Ingress and ServiceMonitor point at, so both stop
matching. The chart's schema also says changing them after install "isn't
supported": it resets the database and orphans users' storage.

## Fix
Remove it.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for (p, key) in [
        ("/fullnameOverride", "fullnameOverride"),
        ("/nameOverride", "nameOverride"),
    ] {
        if let Some((Value::String(s), origin)) = cx.raw_value(p)
            && !s.is_empty()
        {
            out.push(
                    cx.diag(&RULE, format!("`{key}` renames the Services the Ingress and ServiceMonitor target"))
                        .at(origin, "renames chart objects")
                        .key(format!("values.{key}"))
                        .help("remove it: the generated Ingress targets `proxy-public` and the ServiceMonitor the `hub` Service"),
                );
        }
    }
}
