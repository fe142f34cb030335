//! Raw values should not redo what the spec models.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "values/overrides-spec",
    severity: Severity::Warning,
    stage: Stage::Values,
    summary: "`[values]` sets a chart value that a spec key models",
    docs: r#"## What it does
Warns when the `[values]` escape hatch sets a chart value that jhubgen
generates from a spec key (the authenticator, the image, storage, profiles,
culling, …), and names the spec key to use.

## Why is this bad?
`[values]` is merged last, so it wins — past the checks that the spec key
gets (callback URL, GPU limits, node selector clearing, …), and in a place
`jhubgen diff` and reviewers do not look for it.

## Fix
Use the spec key the warning names.
"#,
    check,
};

const MODELLED: &[(&str, &str)] = &[
    (
        "/hub/config/JupyterHub/authenticator_class",
        "auth.provider",
    ),
    ("/hub/config/Authenticator/admin_users", "auth.admin_users"),
    (
        "/hub/config/Authenticator/allowed_users",
        "auth.allowed_users",
    ),
    ("/hub/config/Authenticator/allow_all", "auth.allow_all"),
    (
        "/hub/config/GitHubOAuthenticator/allowed_organizations",
        "auth.github.organizations",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/allowed_groups",
        "auth.azuread.allowed_groups",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/admin_groups",
        "auth.azuread.admin_groups",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/tenant_id",
        "auth.azuread.tenant_id",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/username_claim",
        "auth.azuread.username_claim",
    ),
    ("/hub/baseUrl", "hub.base_url"),
    ("/imagePullSecrets", "image.pull_secrets"),
    ("/singleuser/image", "image"),
    ("/singleuser/storage", "storage"),
    ("/singleuser/profileList", "profiles"),
    ("/singleuser/nodeSelector", "scheduling.node_selector"),
    ("/singleuser/extraTolerations", "scheduling.tolerations"),
    ("/cull", "culling"),
    ("/hub/services/prometheus", "monitoring.scrape_auth"),
    ("/hub/authenticatePrometheus", "monitoring.scrape_auth"),
];

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for (p, spec_key) in MODELLED {
        if let Some((_, origin)) = cx.raw_value(p) {
            let chart_key = p.trim_start_matches('/').replace('/', ".");
            out.push(
                cx.diag(
                    &RULE,
                    format!("`values.{chart_key}` overrides what `{spec_key}` generates"),
                )
                .at(origin, "overrides a modelled value")
                .key(format!("values.{chart_key}"))
                .help(format!(
                    "set `{spec_key}` in the spec instead; `[values]` bypasses its checks"
                )),
            );
        }
    }
}
