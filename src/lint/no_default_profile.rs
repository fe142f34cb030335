//! Say which profile is preselected.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "profiles/no-default",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "no profile is marked `default`",
    docs: r#"## What it does
Warns when no profile has `default = true`.

## Why is this bad?
KubeSpawner then preselects the first profile in the list, so reordering
profiles in an overlay silently changes what users get — possibly a GPU
profile that holds a scarce GPU for every quick login.

## Fix
Mark one profile (usually the smallest) `default = true`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let profiles = &cx.r.spec.profiles;
    if !profiles.is_empty() && !profiles.iter().any(|p| p.default) {
        out.push(
            cx.diag(
                &RULE,
                format!(
                    "no default profile: the first one, `{}`, is preselected",
                    profiles[0].slug
                ),
            )
            .at(cx.key_at("/profiles/0"), "first profile")
            .key("profiles")
            .help("mark the profile users should get by default with `default = true`"),
        );
    }
}
