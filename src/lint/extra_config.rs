//! Python in `hub.extraConfig` is unchecked and overrides everything.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "values/extra-config",
    severity: Severity::Warning,
    stage: Stage::Values,
    summary: "Python code in `hub.extraConfig`",
    docs: r#"## What it does
Warns on any `hub.extraConfig` entry in `[values]`.

## Why is this bad?
It is Python run at hub start-up with no validation until then, and since
chart 2.0 it runs *after* `hub.config`, so it silently overrides what jhubgen
generated and checked (the seed's authentication was written this way, with
the client secret pasted in). Everything it is commonly used for has a
`hub.config` form.

## Fix
Express it as `hub.config` traits (or spec keys); keep `extraConfig` for what
truly needs code, and accept the warning.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    if let Some((serde_json::Value::Object(m), origin)) = cx.raw_value("/hub/extraConfig")
        && !m.is_empty()
    {
        out.push(
            cx.diag(
                &RULE,
                "`hub.extraConfig` runs unchecked Python after `hub.config`",
            )
            .at(origin, "Python configuration")
            .key("values.hub.extraConfig")
            .help("use `hub.config` traits (validated, and overridden by nothing) where possible"),
        );
    }
}
