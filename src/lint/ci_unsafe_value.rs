//! Spec values that reach a CI file must be inert there.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::emit::ci::unsafe_reason;
use crate::tree::display_path;

pub const RULE: Rule = Rule {
    code: "ci/unsafe-value",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a spec value that could inject into the generated CI pipeline",
    docs: r#"## What it does
Checks every spec value that the CI pipeline uses (the `[ci]` table, the
image, the environment's names and versions, the host): none may contain a
control character (a newline, a tab …), and for GitHub none may contain `${{`.

## Why is this bad?
jhubgen never pastes a value into a `run:` or `script:` line: values become
`env:` / `variables:` entries that the fixed scripts read as `"$NAME"`, and
YAML serialisation quotes them. Two things survive that: GitHub evaluates
`${{ … }}` anywhere in a workflow file before YAML or the shell see it
(`${{ github.event.issue.title }}` in a value would run attacker-controlled
text), and a newline can smuggle a second line into tools that read these
values. (GitLab variables holding `$` are written with `expand: false`, so
they are safe as they are.)

## Fix
Remove the expression or control character from the value.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let provider = cx.r.spec.ci.provider;
    let mut all = Vec::new();
    for p in [
        "/ci",
        "/image",
        "/environment",
        "/ingress/host",
        "/hub/base_url",
    ] {
        if let Some(v) = cx.r.doc.pointer(p) {
            super::strings(v, p.to_string(), &mut all);
        }
    }
    for (pointer, s) in all {
        if let Some(why) = unsafe_reason(s, provider) {
            let path = display_path(&cx.r.doc, &pointer);
            out.push(
                cx.diag(&RULE, format!("`{path}` cannot be written safely into the CI pipeline"))
                    .at(cx.at(&pointer), why)
                    .key(path)
                    .help("remove the `${{ … }}` expression or the control character: spec values reach the pipeline as data only"),
            );
        }
    }
}
