//! A moving tag with `IfNotPresent` never reaches the nodes that have it.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::PullPolicy;

pub const RULE: Rule = Rule {
    code: "image/moving-tag",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a moving image tag (`v1`, `main`) pulled `IfNotPresent`, so a rebuilt image never rolls out",
    docs: r#"## What it does
Flags an image whose tag looks *moving* — anything but a commit SHA, a full
version (`1.4.2`, `v2.0.1-rc1`) or a date (`2024.06.01`, `2024-06-01-ab12`) —
when it is pulled `IfNotPresent` (the policy written, or Kubernetes' default
for any tag but `latest`) and nothing else makes a new image reach the pods:
the notebook image, unless the pipeline builds it and deploys the commit's
tag (`ci.image_build` with `ci.deploy.image_tag = "commit"`, the default), and
every profile image. `latest` is the `image/latest-tag` rule's.

## Why is this bad?
CI rebuilds and pushes `v1`; the values still say `v1`, so `helm upgrade`
changes nothing, and a node that already has `v1` never pulls again
(Kubernetes "Images": `IfNotPresent` pulls only when the image is not on the
node). Users keep the old image on some nodes and get the new one on others.

## Fix
Let the pipeline deploy the commit's image (`ci.image_build`, with
`ci.deploy.image_tag = "commit"`), tag the image immutably (a version or
date you change with every build), or pull `Always`.
"#,
    check,
};

/// Does `tag` name one build for good: a commit SHA, a full version, a date?
pub fn is_immutable(tag: &str) -> bool {
    let hex = tag.len() >= 7
        && tag.len() <= 64
        && tag.chars().all(|c| c.is_ascii_hexdigit())
        && tag.chars().any(|c| c.is_ascii_digit());
    let version = {
        let t = tag.strip_prefix('v').unwrap_or(tag);
        let core = t.split(['-', '+']).next().unwrap_or("");
        let parts: Vec<&str> = core.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let date = {
        let b = tag.as_bytes();
        b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && matches!(b[4], b'.' | b'-')
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b[4]
            && b[8..10].iter().all(u8::is_ascii_digit)
    };
    hex || version || date
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let if_not_present = match s.image.pull_policy {
        Some(PullPolicy::IfNotPresent) | None => true,
        Some(PullPolicy::Always | PullPolicy::Never) => false,
    };
    if !if_not_present {
        return;
    }
    let policy = if cx.is_set("/image/pull_policy") {
        Some(cx.at("/image/pull_policy"))
    } else {
        None
    };
    let mut flag = |pointer: String, key: String, tag: &str, why: &str| {
        if tag == "latest" || is_immutable(tag) {
            return;
        }
        let mut d = cx
            .diag(
                &RULE,
                format!("`{key}` = `{tag}` is a moving tag pulled `IfNotPresent`: {why}"),
            )
            .at(cx.at(&pointer), "moving tag")
            .key(key)
            .help("let CI deploy the commit's image (`ci.image_build`, `ci.deploy.image_tag = \"commit\"`), use an immutable tag (a version or date), or `pull_policy = \"Always\"`");
        if let Some(p) = policy.clone() {
            d = d.also(p, "pulled only when missing");
        }
        out.push(d);
    };
    if !s.ci.deploys_commit_image() {
        flag(
            "/image/tag".into(),
            "image.tag".into(),
            &s.image.tag,
            "a rebuilt image never reaches nodes that have this tag",
        );
    }
    for (i, p) in s.profiles.iter().enumerate() {
        if let Some(img) = &p.image {
            flag(
                format!("/profiles/{i}/image/tag"),
                format!("profiles[{}].image.tag", p.slug),
                &img.tag,
                "a new image under this tag never reaches nodes that have it",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn immutable_tags() {
        for t in [
            "3d3c42e5aac5ba805825da76410c181273ba90b1",
            "3d3c42e",
            "1.4.2",
            "v2.0.1-rc1",
            "2024.06.01",
            "2024-06-01-ab12",
        ] {
            assert!(super::is_immutable(t), "{t}");
        }
        for t in [
            "v1",
            "main",
            "stable",
            "1.4",
            "python-3.11",
            "deadbeef-x",
            "lab",
        ] {
            assert!(!super::is_immutable(t), "{t}");
        }
    }
}
