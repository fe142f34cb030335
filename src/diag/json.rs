//! The machine-readable report (DESIGN §4, a contract):
//! `{"diagnostics":[{code,severity,message,file,line,column,key,help}],"summary":{errors,warnings}}`.

use super::{Diag, summary};
use crate::source::Sources;
use serde_json::{Value, json};

/// Renders diagnostics as the contract's JSON object, with a final newline.
pub fn render(diags: &[Diag], sources: &Sources) -> String {
    let items: Vec<Value> = diags
        .iter()
        .map(|d| {
            let (file, line, column) = match d.location(sources) {
                Some((f, l, c)) => (Value::from(f), Value::from(l), Value::from(c)),
                None => (Value::Null, Value::Null, Value::Null),
            };
            json!({
                "code": d.code,
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": file,
                "line": line,
                "column": column,
                "key": d.key,
                "help": d.help,
            })
        })
        .collect();
    let (errors, warnings) = summary(diags);
    let doc = json!({
        "diagnostics": items,
        "summary": {"errors": errors, "warnings": warnings},
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialize");
    out.push('\n');
    out
}
