//! What goes into `config.env` must stay one line.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "envfile/unsafe-value",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a value of the environment file with a line break or a control character",
    docs: r#"## What it does
Reports a spec value that `config.env` carries (registry, image, host,
storage class, chart repository, tunnel origin, Grafana URL, …) when it holds
a line break or another control character.

## Why is this bad?
`config.env` is sourced by the deploy script and by people's shells. Every
value is single-quoted, so nothing in it runs; but a line break inside a
value is never what was meant — a TOML multi-line string pasted by accident
— and turns one setting into two lines that other tools (`docker --env-file`,
CI variable imports) read as separate, broken entries.

## Fix
Write the value on one line.
"#,
    check,
};

/// The spec strings the environment file carries.
const CARRIED: &[&str] = &[
    "/image/registry",
    "/image/name",
    "/image/tag",
    "/ingress/host",
    "/storage/class",
    "/ci/deploy/chart_repo",
    "/ci/deploy/timeout",
    "/tunnel/name",
    "/tunnel/origin",
    "/monitoring/grafana_url",
];

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    let spec = serde_json::to_value(&cx.r.spec).expect("specs serialize");
    for pointer in CARRIED {
        let Some(value) = spec.pointer(pointer).and_then(|v| v.as_str()) else {
            continue;
        };
        if value.chars().any(char::is_control) {
            let key = pointer.trim_start_matches('/').replace('/', ".");
            out.push(
                cx.diag(
                    &RULE,
                    format!("`{key}` holds a line break or control character"),
                )
                .at(cx.at(pointer), "goes into config.env")
                .key(key)
                .help("write the value on one line (a TOML `\"\"\"` string keeps its line breaks)"),
            );
        }
    }
}
