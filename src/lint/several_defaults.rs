//! At most one profile is the default.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "profiles/several-defaults",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "more than one profile is marked `default`",
    docs: r#"## What it does
Checks that at most one profile has `default = true`.

## Why is this bad?
KubeSpawner takes the first profile marked default and ignores the others'
flag; which one wins depends on list order, which overlays change. It is
almost always an overlay that added a default without clearing the base's.

## Fix
Keep `default = true` on one profile; set `default = false` on the others.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let defaults: Vec<usize> =
        cx.r.spec
            .profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| p.default)
            .map(|(i, _)| i)
            .collect();
    if let [first, rest @ ..] = defaults.as_slice() {
        for &i in rest {
            let p = &cx.r.spec.profiles[i];
            out.push(
                cx.diag(&RULE, format!("`{}` is a second default profile", p.slug))
                    .at(cx.at(&format!("/profiles/{i}/default")), "second default")
                    .also(
                        cx.at(&format!("/profiles/{first}/default")),
                        "first default",
                    )
                    .key(format!("profiles[{}].default", p.slug))
                    .help("keep `default = true` on one profile only"),
            );
        }
    }
}
