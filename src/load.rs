//! Load: one TOML file into a spanned [`Entry`] tree.
//!
//! Takes a file's text, returns a tree in which every key and value, array
//! elements included, keeps its byte span (toml's `DeTable`, which borrows
//! from the input). Every syntax error of the file is reported, not only the
//! first. TOML dates and times have no meaning in a spec, and are the usual
//! sign of a value that should have been quoted (`tag = 2024-06-01`), so they
//! are errors here rather than strings that change shape on the way to YAML.

use crate::diag::Diag;
use crate::source::{FileId, Origin, Sources};
use crate::tree::{Entry, Node, Prov};
use indexmap::IndexMap;
use serde_json::{Number, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Parses file `file` of `sources`; `Err` holds its syntax and value errors.
pub fn load(sources: &Sources, file: FileId) -> Result<Entry, Vec<Diag>> {
    let text = &sources.get(file).text;
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut diags: Vec<Diag> = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let message = e.message().trim().to_string();
                Diag::error(
                    "toml/syntax",
                    format!("invalid TOML: {}", first_line(&message)),
                )
                .at(Origin::new(file, span), first_line(&message))
                .help("fix the TOML syntax; https://toml.io/en/v1.0.0 describes the format")
            })
            .collect();
        crate::diag::sort(&mut diags);
        diags.dedup();
        return Err(diags);
    }
    let mut diags = Vec::new();
    let table = convert_table(root.get_ref(), file, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Entry {
        node: Node::Table(table),
        prov: Prov {
            key: None,
            value: Origin::new(file, 0..0),
            replaced: None,
        },
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn convert_table(
    table: &DeTable<'_>,
    file: FileId,
    diags: &mut Vec<Diag>,
) -> IndexMap<String, Entry> {
    let mut out = IndexMap::with_capacity(table.len());
    for (key, value) in table.iter() {
        let key_origin = Origin::new(file, key.span());
        let mut entry = convert(value, file, diags);
        entry.prov.key = Some(key_origin);
        out.insert(key.get_ref().to_string(), entry);
    }
    out
}

fn convert(value: &Spanned<DeValue<'_>>, file: FileId, diags: &mut Vec<Diag>) -> Entry {
    let origin = Origin::new(file, value.span());
    let node = match value.get_ref() {
        DeValue::String(s) => Node::Scalar(Value::String(s.to_string())),
        DeValue::Boolean(b) => Node::Scalar(Value::Bool(*b)),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Node::Scalar(Value::from(n)),
            Err(_) => {
                diags.push(
                    Diag::error("toml/number", "integer does not fit in 64 bits")
                        .at(origin.clone(), "too large")
                        .help("use a smaller number"),
                );
                Node::Scalar(Value::Null)
            }
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Node::Scalar(Value::Number(n)),
            None => {
                diags.push(
                    Diag::error(
                        "toml/number",
                        format!("`{}` is not a finite number", f.as_str()),
                    )
                    .at(origin.clone(), "not finite")
                    .help("use a finite number; `inf` and `nan` have no meaning in a spec"),
                );
                Node::Scalar(Value::Null)
            }
        },
        DeValue::Datetime(_) => {
            diags.push(
                Diag::error("toml/datetime", "TOML dates and times are not spec values")
                    .at(origin.clone(), "this is a TOML date or time, not a string")
                    .help("quote it to make it a string, e.g. `tag = \"2024-06-01\"`"),
            );
            Node::Scalar(Value::Null)
        }
        DeValue::Array(items) => {
            Node::Array(items.iter().map(|v| convert(v, file, diags)).collect())
        }
        DeValue::Table(t) => Node::Table(convert_table(t, file, diags)),
    };
    Entry {
        node,
        prov: Prov {
            key: None,
            value: origin,
            replaced: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> (Sources, Result<Entry, Vec<Diag>>) {
        let mut s = Sources::new();
        let id = s.add("t.toml", text);
        let r = load(&s, id);
        (s, r)
    }

    #[test]
    fn every_value_keeps_its_span() {
        let (s, r) = load_str("a.b = 1\n[[p]]\nslug = \"x\"\nl = [1, {q = true}]\n");
        let (_, map) = r.unwrap().to_json();
        let at = |p: &str| s.locate(map[p].origin());
        assert_eq!(at("/a/b"), "t.toml:1:7");
        assert_eq!(at("/p/0/slug"), "t.toml:3:8");
        assert_eq!(at("/p/0/l/1/q"), "t.toml:4:14");
        assert_eq!(
            s.locate(map["/p/0/slug"].key.as_ref().unwrap()),
            "t.toml:3:1"
        );
    }

    #[test]
    fn syntax_errors_are_all_reported() {
        let (_, r) = load_str("a = \nb = [1,\n");
        let diags = r.unwrap_err();
        assert!(!diags.is_empty());
        assert!(diags.iter().all(|d| d.code == "toml/syntax"));
    }

    #[test]
    fn dates_are_rejected_with_a_hint() {
        let (s, r) = load_str("tag = 2024-06-01\n");
        let d = &r.unwrap_err()[0];
        assert_eq!(d.code, "toml/datetime");
        assert_eq!(d.location(&s).unwrap(), ("t.toml".into(), 1, 7));
    }
}
