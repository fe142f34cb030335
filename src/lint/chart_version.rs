//! jhubgen emits values for chart 4.x.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "environment/chart-version",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a chart version outside the 4.x line jhubgen emits values for",
    docs: r#"## What it does
Checks that `environment.chart_version` is a 4.x version of `jupyterhub/jupyterhub`,
and warns when it is not the 4.4.0 whose schema the values are validated against.

## Why is this bad?
The values follow chart 4.x: OAuthenticator 17 (Entra ID groups need it: on
charts 2.x and 3.x `AzureAdOAuthenticator` has no `allowed_groups`, so group
gating silently does nothing), KubeSpawner 7, JupyterHub 5. `--version` of
`helm upgrade` is the *chart* version, not JupyterHub's.

## Fix
Use `chart_version = "4.4.0"`.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let v = &cx.r.spec.environment.chart_version;
    if v.split('.').next() != Some("4") {
        out.push(
            cx.diag(&RULE, format!("chart `{v}` is not a 4.x version"))
                .at(cx.at("/environment/chart_version"), "not a 4.x version")
                .key("environment.chart_version")
                .help(
                    "use chart 4.4.0 (JupyterHub 5.5.0, OAuthenticator 17.4.0, KubeSpawner 7.0.0)",
                ),
        );
    } else if v != "4.4.0" {
        out.push(
            Diag::warning(
                RULE.code,
                format!("values are checked against chart 4.4.0's schema, not `{v}`'s"),
            )
            .at(cx.at("/environment/chart_version"), "another 4.x version")
            .key("environment.chart_version")
            .help("use chart 4.4.0, or check the chart's changelog for changes since"),
        );
    }
}
