//! Deploy branches must be branch names (or GitHub globs).
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::emit::ci::valid_branch_pattern;

pub const RULE: Rule = Rule {
    code: "ci/branch-pattern",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a deploy branch that is not a valid branch name or pattern",
    docs: r#"## What it does
Checks each `ci.deploy_branches` entry: git branch-name characters (letters,
digits, `.`, `_`, `/`, `-`), plus the glob characters GitHub's `branches:`
filter understands (`*`, `**`, `+`, `?`, `!`) for GitHub; GitLab rules compare
exact names.

## Why is this bad?
A pattern that matches nothing deploys nothing, silently; and branch names are
written into the pipeline's conditions (`$CI_COMMIT_BRANCH == "main"`,
`github.ref == 'refs/heads/main'`), where a quote would change the condition.

## Fix
Use the branch's name, e.g. `deploy_branches = ["main"]`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let ci = &cx.r.spec.ci;
    for (i, b) in ci.deploy_branches.iter().enumerate() {
        if let Err(why) = valid_branch_pattern(b, ci.provider) {
            out.push(
                cx.diag(&RULE, format!("`{b}` is not a usable deploy branch"))
                    .at(cx.at(&format!("/ci/deploy_branches/{i}")), why)
                    .key(format!("ci.deploy_branches[{i}]"))
                    .help("use a branch name such as `main` (GitHub also takes globs like `release/*`)"),
            );
        }
    }
}
