//! `allow_all` in production lets every account of the provider in.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::{AuthProvider, Purpose};

pub const RULE: Rule = Rule {
    code: "auth/allow-all",
    severity: Severity::Warning,
    stage: Stage::Spec,
    summary: "`allow_all` outside lab and test environments",
    docs: r#"## What it does
Warns when `auth.allow_all = true` in a `production` or `staging` environment.

## Why is this bad?
With GitHub, `allow_all` admits every GitHub account in the world; with Entra
ID, every account of the tenant, guests included. JupyterHub 5 made allowing
nobody the default precisely to stop this happening by accident.

## Fix
Gate by organisation, team or group instead; if everyone really is welcome,
keep it and accept the warning.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    let serious = matches!(
        s.environment.purpose,
        Purpose::Production | Purpose::Staging
    );
    if s.auth.allow_all && serious && s.auth.provider != AuthProvider::Dummy {
        out.push(
            cx.diag(
                &RULE,
                "`allow_all` lets every account of the identity provider log in",
            )
            .at(cx.at("/auth/allow_all"), "everyone allowed")
            .key("auth.allow_all")
            .help(
                "gate by `[auth.github] organizations` or `[auth.azuread] allowed_groups` instead",
            ),
        );
    }
}
