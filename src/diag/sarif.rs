//! SARIF 2.1.0, for GitHub code scanning and other SARIF consumers: one run
//! whose driver lists every rule jhubgen has (lint rules with their full
//! documentation, and the built-in codes), and one result per diagnostic with
//! a `%SRCROOT%`-relative location.

use super::{Diag, Severity, codes};
use crate::source::Sources;
use serde_json::{Value, json};

fn level(s: &str) -> &'static str {
    if s == "error" { "error" } else { "warning" }
}

/// Every rule id with its metadata, lint rules first (in registry order).
fn rules() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for r in crate::lint::RULES {
        out.push((
            r.code.to_string(),
            json!({
                "id": r.code,
                "name": rule_name(r.code),
                "shortDescription": {"text": sentence(r.summary)},
                "fullDescription": {"text": sentence(r.summary)},
                "help": {"text": r.docs.trim(), "markdown": r.docs.trim()},
                "defaultConfiguration": {"level": level(r.severity.as_str())},
                "properties": {"tags": [r.code.split('/').next().unwrap_or("lint")]},
            }),
        ));
    }
    for (code, sev, summary) in codes::BUILTIN {
        out.push((
            code.to_string(),
            json!({
                "id": code,
                "name": rule_name(code),
                "shortDescription": {"text": sentence(summary)},
                "fullDescription": {"text": sentence(summary)},
                "help": {"text": sentence(summary), "markdown": sentence(summary)},
                "defaultConfiguration": {"level": level(sev)},
                "properties": {"tags": [code.split('/').next().unwrap_or("jhubgen")]},
            }),
        ));
    }
    out
}

/// `auth/nobody-allowed` → `AuthNobodyAllowed` (SARIF rule names are identifiers).
fn rule_name(code: &str) -> String {
    code.split(['/', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn sentence(s: &str) -> String {
    let mut t = s.to_string();
    if let Some(f) = t.get(..1) {
        let up = f.to_uppercase();
        t.replace_range(..1, &up);
    }
    if !t.ends_with('.') {
        t.push('.');
    }
    t
}

pub fn render(diags: &[Diag], sources: &Sources) -> String {
    render_in(diags, sources, None)
}

/// SARIF whose `%SRCROOT%` is the repository at `top` (file names are then
/// relative to it), stated in the run's `originalUriBaseIds`.
pub fn render_in(diags: &[Diag], sources: &Sources, top: Option<&std::path::Path>) -> String {
    let rules = rules();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let index = rules.iter().position(|(id, _)| id == d.code);
            let mut text = sentence(&d.message);
            if let Some(h) = &d.help {
                text.push_str(" Help: ");
                text.push_str(&sentence(h));
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": text},
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if !d.environments.is_empty() {
                result["properties"] = json!({"environments": d.environments});
            }
            if let Some(reason) = &d.suppressed {
                result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            if let Some(label) = &d.primary {
                let file = label.origin.file;
                let (sl, sc) = sources.line_col(file, label.origin.span.start);
                let (el, ec) = sources.line_col(file, label.origin.span.end.max(label.origin.span.start));
                let mut region = json!({"startLine": sl, "startColumn": sc});
                if (el, ec) > (sl, sc) {
                    region["endLine"] = json!(el);
                    region["endColumn"] = json!(ec);
                }
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": sources.name(file), "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }]);
                let related: Vec<Value> = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let (l, c) = sources.line_col(s.origin.file, s.origin.span.start);
                        json!({
                            "id": i,
                            "message": {"text": sentence(&s.text)},
                            "physicalLocation": {
                                "artifactLocation": {"uri": sources.name(s.origin.file), "uriBaseId": "%SRCROOT%"},
                                "region": {"startLine": l, "startColumn": c},
                            }
                        })
                    })
                    .collect();
                if !related.is_empty() {
                    result["relatedLocations"] = json!(related);
                }
            }
            if let Some(k) = &d.key {
                result["properties"]["key"] = json!(k);
            }
            result
        })
        .collect();
    let mut doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jhubgen",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_iter().map(|(_, r)| r).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    if let Some(top) = top {
        doc["runs"][0]["originalUriBaseIds"] = json!({"%SRCROOT%": {"uri": file_uri(top), "description": {"text": "the repository's root"}}});
    }
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    out.push('\n');
    out
}

/// `file:///…/` for a folder, percent-encoding what a URI cannot hold.
fn file_uri(dir: &std::path::Path) -> String {
    let mut uri = String::from("file://");
    for b in dir.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}
