//! Ingress annotations must be for the controller that serves the Ingress.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "ingress/annotation-controller",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "an Ingress annotation for another ingress controller",
    docs: r#"## What it does
Warns when `ingress.class` names one controller and an annotation belongs to
another: `nginx.ingress.kubernetes.io/*` or `nginx.org/*` on Traefik,
`traefik.ingress.kubernetes.io/*` on NGINX.

## Why is this bad?
Controllers ignore annotations they do not own, silently: a body-size limit
or redirect copied from one environment does nothing in the other.

## Fix
Translate the annotation to the controller's own, or remove it.
"#,
    check,
};

fn owner(annotation: &str) -> Option<&'static str> {
    if annotation.starts_with("nginx.ingress.kubernetes.io/")
        || annotation.starts_with("nginx.org/")
    {
        Some("nginx")
    } else if annotation.starts_with("traefik.ingress.kubernetes.io/") {
        Some("traefik")
    } else {
        None
    }
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let ing = &cx.r.spec.ingress;
    let class = ing.class.to_lowercase();
    let serving = if class.contains("nginx") {
        "nginx"
    } else if class.contains("traefik") {
        "traefik"
    } else {
        return;
    };
    for k in ing.annotations.keys() {
        if let Some(o) = owner(k).filter(|o| *o != serving) {
            out.push(
                cx.diag(
                    &RULE,
                    format!(
                        "`{k}` is a {o} annotation; this Ingress is served by `{}`",
                        ing.class
                    ),
                )
                .at(
                    cx.key_at(&format!(
                        "/ingress/annotations/{}",
                        crate::tree::escape_pointer(k)
                    )),
                    "ignored by the controller",
                )
                .also(cx.at("/ingress/class"), "ingress class set here")
                .key(format!("ingress.annotations.{}", crate::tree::quote_key(k)))
                .help(format!("use the {serving} equivalent, or remove it")),
            );
        }
    }
}
