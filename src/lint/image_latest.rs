//! `latest` is not a version.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "image/latest-tag",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "an image tagged `latest`",
    docs: r#"## What it does
Warns when the notebook image or a profile image uses the tag `latest`.

## Why is this bad?
With `pull_policy = "IfNotPresent"` each node keeps whichever `latest` it
pulled first, so users get different images on different nodes; the
generated values also stop changing when the image does, so a deploy does not
roll anything out. Rollbacks have nothing to roll back to.

## Fix
Tag images with a version or the commit SHA.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let mut tags = vec![(
        "/image/tag".to_string(),
        "image.tag".to_string(),
        s.image.tag.as_str(),
    )];
    for (i, p) in s.profiles.iter().enumerate() {
        if let Some(img) = &p.image {
            tags.push((
                format!("/profiles/{i}/image/tag"),
                format!("profiles[{}].image.tag", p.slug),
                &img.tag,
            ));
        }
    }
    for (ptr, key, tag) in tags {
        if tag == "latest" {
            out.push(
                cx.diag(&RULE, "the tag `latest` is not reproducible")
                    .at(cx.at(&ptr), "moving tag")
                    .key(key)
                    .help("use a version or commit tag, e.g. `v1`"),
            );
        }
    }
}
