//! Placeholders must be filled in before a build.
use super::{Ctx, Rule, Stage, strings};
use crate::diag::{Diag, Severity};
use crate::tree::display_path;

pub const RULE: Rule = Rule {
    code: "secrets/placeholder",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a placeholder left unfilled (`<provided-by-…>`, `YOUR_…`, `TODO`, `CHANGEME`)",
    docs: r#"## What it does
Flags strings that are placeholders: `<provided-by-it>`-style angle brackets,
`YOUR_CLIENT_ID`-style capitals, `TODO`, `FIXME`, `CHANGEME`, `REPLACE_ME`.

## Why is this bad?
Templates such as the seed's `AIV_ENTRA_TENANT_ID="<provided-by-aiv-it>"`
deploy fine and fail at the first login, or worse, configure a tenant, group
or host that does not exist. `lint` lists every one; `build` refuses them.

## Fix
Fill in the real value, or — for values IT provides and that are secret or
may change — reference a Kubernetes Secret key instead
(`tenant_id = { secret = "…", key = "tenant_id" }`).
"#,
    check,
};

/// Is `s` a placeholder?
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    if t.starts_with('<') && t.ends_with('>') && t.len() > 2 {
        return true;
    }
    if t.contains("YOUR_") || t.contains("<provided") {
        return true;
    }
    let words = [
        "TODO",
        "FIXME",
        "CHANGEME",
        "CHANGE_ME",
        "REPLACE_ME",
        "REPLACEME",
        "TBD",
    ];
    t.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| words.contains(&w) || w.eq_ignore_ascii_case("changeme"))
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let mut all = Vec::new();
    strings(&cx.r.doc, String::new(), &mut all);
    for (pointer, s) in all {
        if is_placeholder(s) {
            let path = display_path(&cx.r.doc, &pointer);
            out.push(
                cx.diag(&RULE, format!("`{path}` is still a placeholder"))
                    .at(cx.at(&pointer), "placeholder")
                    .key(path)
                    .help("fill in the real value, or reference a Kubernetes Secret key (`{ secret = \"…\", key = \"…\" }`) where the spec allows it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders() {
        for p in [
            "<provided-by-aiv-it>",
            "YOUR_GITHUB_CLIENT_ID",
            "TODO",
            "set me TODO",
            "changeme",
            "REPLACE_ME",
        ] {
            assert!(super::is_placeholder(p), "{p}");
        }
        for v in [
            "your-github-username",
            "jupyterhub.aiv.internal",
            "todolist",
            "v1",
        ] {
            assert!(!super::is_placeholder(v), "{v}");
        }
    }
}
