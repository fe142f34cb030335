//! A layer that sets a list replaces the whole list below it.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::tree::display_path;
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "layers/list-replaced",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "a layer sets a list that replaces, and drops entries of, a list a lower layer set",
    docs: r#"## What it does
Warns when a file sets a list (an array other than `profiles`) that a file
below it in the chain — the base, or an environment or layer it extends —
also set, and the new list leaves out some of the old entries.

## Why is this bad?
Tables merge key by key, but a list replaces the list below it whole, as
Helm's `-f` files do ("lists are replaced while dictionaries are updated",
the chart's `values.schema.yaml`). A staging overlay that adds one toleration,
one admin or one pull secret by writing the list again silently drops every
entry it did not repeat — the failure multi-hub operators report most (a
staging file that replaced production's whole profile list).

## Fix
Repeat the entries you mean to keep, or, where you mean to drop something,
say so: `delete = ["image.pull_secrets"]` and set the new list. Profiles
never need this: they merge by `slug`, field by field.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for (pointer, prov) in &cx.r.provs {
        let Some(Value::Array(new)) = cx.r.doc.pointer(pointer) else {
            continue;
        };
        let Some(old) = &prov.replaced else {
            continue;
        };
        let Value::Array(before) = &old.value else {
            continue;
        };
        let dropped: Vec<&Value> = before.iter().filter(|v| !new.contains(v)).collect();
        if dropped.is_empty() {
            continue;
        }
        let path = display_path(&cx.r.doc, pointer);
        let shown: Vec<String> = dropped
            .iter()
            .map(|v| format!("`{}`", crate::diff::show(v)))
            .collect();
        out.push(
            cx.diag(
                &RULE,
                format!(
                    "`{path}` replaces the whole list set below it, dropping {}",
                    shown.join(", ")
                ),
            )
            .at(prov.origin().clone(), "replaces the list")
            .also(old.prov.origin().clone(), "the list it replaces")
            .key(path.clone())
            .help(format!(
                "repeat the entries to keep, or make the drop explicit: `delete = [\"{path}\"]` before setting the new list"
            )),
        );
    }
}
