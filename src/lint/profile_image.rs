//! A profile image is a repository plus a tag, given apart.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "profiles/image-reference",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "an image name that already carries a tag or digest",
    docs: r#"## What it does
Checks that `image.name` and each profile's `image.name` hold no `:tag` or
`@digest`, and that tags hold no `:` or `@`.

## Why is this bad?
jhubgen joins them as `registry/name:tag`; a name with a tag gives
`name:1:2`, which is no image reference. KubeSpawner and the chart's
pre-puller use the joined string verbatim, so every pull fails.

## Fix
Put the tag in `tag`: `name = "org/notebook"`, `tag = "v1"`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let mut images = vec![(
        "/image".to_string(),
        "image".to_string(),
        s.image.name.as_str(),
        s.image.tag.as_str(),
    )];
    for (i, p) in s.profiles.iter().enumerate() {
        if let Some(img) = &p.image {
            images.push((
                format!("/profiles/{i}/image"),
                format!("profiles[{}].image", p.slug),
                &img.name,
                &img.tag,
            ));
        }
    }
    for (ptr, key, name, tag) in images {
        let last = name.rsplit('/').next().unwrap_or(name);
        if last.contains(':') || name.contains('@') {
            out.push(
                cx.diag(
                    &RULE,
                    format!("image name `{name}` carries a tag or digest"),
                )
                .at(cx.at(&format!("{ptr}/name")), "tag or digest in the name")
                .key(format!("{key}.name"))
                .help("move the tag to `tag` (`name = \"org/notebook\"`, `tag = \"v1\"`)"),
            );
        }
        if tag.is_empty() || tag.contains([':', '@', '/']) {
            out.push(
                cx.diag(&RULE, format!("`{tag}` is not an image tag"))
                    .at(cx.at(&format!("{ptr}/tag")), "not a tag")
                    .key(format!("{key}.tag"))
                    .help("a tag is letters, digits, `_`, `.` and `-` (e.g. `v1`)"),
            );
        }
    }
}
