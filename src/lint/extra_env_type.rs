//! `extraEnv` map values are strings or EnvVar maps.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "values/extra-env",
    severity: Severity::Error,
    stage: Stage::Values,
    summary: "an `extraEnv` value that is neither a string nor a map, or braces KubeSpawner expands",
    docs: r#"## What it does
Checks `hub.extraEnv` and `singleuser.extraEnv` (map form) in `[values]`:
every value must be a string or a map (`valueFrom` …). Warns on `{` or `}` in
`singleuser.extraEnv` strings.

## Why is this bad?
The chart's `jupyterhub.extraEnv` helper fails rendering with "had an
unexpected type" on a number or boolean (TOML `PORT = 8080`). Since
KubeSpawner 6, `{…}` in user environment values is expanded as a template
(`{username}`), so a literal brace must be written `{{` / `}}`.

## Fix
Quote numbers and booleans (`PORT = "8080"`); double literal braces.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for base in ["/hub/extraEnv", "/singleuser/extraEnv"] {
        let Some((Value::Object(env), _)) = cx.raw_value(base) else {
            continue;
        };
        for (name, v) in env {
            let p = format!("{base}/{}", crate::tree::escape_pointer(name));
            let origin = cx.value_origin(&p).unwrap_or_else(|| cx.at("/values"));
            let key = format!("values{}.{name}", base.replace('/', "."));
            match v {
                Value::String(s)
                    if base == "/singleuser/extraEnv"
                        && (s.contains('{') || s.contains('}'))
                        && !s.contains("{{") =>
                {
                    out.push(
                        Diag::warning(RULE.code, format!("`{name}` has braces that KubeSpawner expands"))
                            .at(origin, "`{…}` is a template field")
                            .key(key)
                            .help("write literal braces as `{{` and `}}`; `{username}` and friends are expanded"),
                    );
                }
                Value::String(_) | Value::Object(_) => {}
                other => {
                    let t = match other {
                        Value::Bool(_) => "a boolean",
                        Value::Number(_) => "a number",
                        Value::Array(_) => "an array",
                        _ => "null",
                    };
                    out.push(
                        cx.diag(&RULE, format!("`{name}` is {t}; the chart renders only strings and maps"))
                            .at(origin, "fails chart rendering")
                            .key(key)
                            .help("quote it (`\"8080\"`), or give a map such as `{ valueFrom = { secretKeyRef = { name = \"…\", key = \"…\" } } }`"),
                    );
                }
            }
        }
    }
}
