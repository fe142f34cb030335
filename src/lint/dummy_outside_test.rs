//! The dummy authenticator belongs to test environments only.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::model::{AuthProvider, Purpose};

pub const RULE: Rule = Rule {
    code: "auth/dummy-outside-test",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "the dummy authenticator in an environment that is not a test environment",
    docs: r#"## What it does
Checks that `auth.provider = "dummy"` is only used with `environment.purpose = "test"`.

## Why is this bad?
JupyterHub's `DummyAuthenticator` accepts any username with any password (or a
single shared one): anyone who reaches the host gets a server. It is also the
chart's default `authenticator_class`, so a forgotten auth section deploys it.

## Fix
Configure `github` or `azuread`, or mark the environment `purpose = "test"`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let s = &cx.r.spec;
    if s.auth.provider == AuthProvider::Dummy && s.environment.purpose != Purpose::Test {
        out.push(
            cx.diag(&RULE, "the dummy authenticator lets anyone log in")
                .at(cx.at("/auth/provider"), "dummy authenticator")
                .also(cx.at("/environment/purpose"), "not a test environment")
                .key("auth.provider")
                .help("use `github` or `azuread`; keep `dummy` for environments with `purpose = \"test\"`"),
        );
    }
}
