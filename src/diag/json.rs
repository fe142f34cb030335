//! The machine-readable report (DESIGN §4, a contract):
//! `{"diagnostics":[{code,severity,message,file,line,column,key,help,layers}],"summary":{errors,warnings}}`
//! plus `layers` — the files that set the value, highest first — when it replaced inherited ones.

use super::{Diag, summary};
use crate::source::Sources;
use serde_json::{Value, json};

/// Renders diagnostics as the contract's JSON object, with a final newline.
pub fn render(diags: &[Diag], sources: &Sources) -> String {
    let items: Vec<Value> = super::reported(diags)
        .map(|d| {
            let (file, line, column) = match d.location(sources) {
                Some((f, l, c)) => (Value::from(f), Value::from(l), Value::from(c)),
                None => (Value::Null, Value::Null, Value::Null),
            };
            let mut item = json!({
                "code": d.code,
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": file,
                "line": line,
                "column": column,
                "key": d.key,
                "help": d.help,
                "environments": d.environments,
            });
            if !d.layers.is_empty() {
                item["layers"] = json!(
                    d.layers
                        .iter()
                        .map(|f| sources.name(*f))
                        .collect::<Vec<_>>()
                );
            }
            item
        })
        .collect();
    let (errors, warnings) = summary(diags);
    let doc = json!({
        "diagnostics": items,
        "summary": {"errors": errors, "warnings": warnings, "suppressed": super::suppressed(diags)},
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    out.push('\n');
    out
}
