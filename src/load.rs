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
    // jhubgen reads TOML 1.0, as taplo and the editor schema do: the parser
    // also takes 1.1's multi-line inline tables, and a `{` left open makes
    // it report every later line. One error at the brace says both.
    let inline = inline_table_problem(text);
    if let Some((brace, problem)) = &inline {
        let cascade = |start: usize| start >= *brace;
        let mut diags: Vec<Diag> = errors
            .iter()
            .filter(|e| !cascade(e.span().map_or(0, |s| s.start)))
            .map(|e| syntax(file, e))
            .collect();
        diags.push(inline_diag(file, *brace, *problem));
        crate::diag::sort(&mut diags);
        diags.dedup();
        return Err(diags);
    }
    if !errors.is_empty() {
        let mut diags: Vec<Diag> = errors.iter().map(|e| syntax(file, e)).collect();
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

fn syntax(file: FileId, e: &toml::de::Error) -> Diag {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    Diag::error(
        "toml/syntax",
        format!("invalid TOML: {}", first_line(&message)),
    )
    .at(Origin::new(file, span), first_line(&message))
    .help("fix the TOML syntax; https://toml.io/en/v1.0.0 describes the format")
}

/// What is wrong with an inline table, for TOML 1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InlineProblem {
    /// The line (or the file) ends before its `}`.
    Unclosed,
    /// Closed on a later line (TOML 1.1 allows it; 1.0 does not).
    SpansLines,
    /// `, }` (TOML 1.1 allows it; 1.0 does not).
    TrailingComma,
}

fn inline_diag(file: FileId, brace: usize, problem: InlineProblem) -> Diag {
    let (message, label, help) = match problem {
        InlineProblem::Unclosed => (
            "inline table is not closed",
            "this `{` has no `}` on its line",
            "close it with `}` on the same line; an inline table is one line in TOML 1.0 — for a longer one write a `[table]` section",
        ),
        InlineProblem::SpansLines => (
            "inline table spans several lines",
            "this `{` is closed on a later line",
            "TOML 1.0 (which jhubgen, taplo and the editor schema read) keeps an inline table on one line: join the lines, or write a `[table]` section",
        ),
        InlineProblem::TrailingComma => (
            "trailing comma in an inline table",
            "this inline table ends with `, }`",
            "drop the comma before `}`: TOML 1.0 does not allow it",
        ),
    };
    Diag::error("toml/syntax", format!("invalid TOML: {message}"))
        .at(Origin::new(file, brace..brace + 1), label)
        .help(format!(
            "{help}; https://toml.io/en/v1.0.0#inline-table describes the format"
        ))
}

/// The first inline table that TOML 1.0 rejects: the offset of its
/// (outermost) `{` and why. Strings and comments are skipped; arrays may
/// span lines.
pub fn inline_table_problem(text: &str) -> Option<(usize, InlineProblem)> {
    #[derive(PartialEq)]
    enum S {
        Normal,
        Comment,
        Basic,
        Literal,
        MlBasic,
        MlLiteral,
    }
    let b = text.as_bytes();
    let mut state = S::Normal;
    // open brackets: (byte, offset)
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut last_sig: u8 = b'\n';
    let outer_brace =
        |stack: &[(u8, usize)]| stack.iter().find(|(c, _)| *c == b'{').map(|(_, at)| *at);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match state {
            S::Normal => match c {
                b'#' => state = S::Comment,
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    state = S::MlBasic;
                    i += 2;
                }
                b'"' => state = S::Basic,
                b'\'' if b[i..].starts_with(b"'''") => {
                    state = S::MlLiteral;
                    i += 2;
                }
                b'\'' => state = S::Literal,
                b'[' | b'{' => stack.push((c, i)),
                b']' if stack.last().is_some_and(|(o, _)| *o == b'[') => {
                    stack.pop();
                }
                b'}' => {
                    if last_sig == b','
                        && let Some((b'{', at)) = stack.last()
                    {
                        return Some((*at, InlineProblem::TrailingComma));
                    }
                    if stack.last().is_some_and(|(o, _)| *o == b'{') {
                        stack.pop();
                    }
                }
                b'\n' => {
                    if let Some(at) = outer_brace(&stack) {
                        let closed = closes_later(text, at);
                        return Some((
                            at,
                            if closed {
                                InlineProblem::SpansLines
                            } else {
                                InlineProblem::Unclosed
                            },
                        ));
                    }
                    // a header or key line ended: forget unbalanced `[` of a
                    // broken header, keep multi-line arrays
                    if stack.iter().all(|(c, _)| *c == b'[') && last_sig != b',' && last_sig != b'['
                    {
                        let value_array = stack.first().is_some_and(|(_, at)| {
                            text[..*at]
                                .rsplit('\n')
                                .next()
                                .is_some_and(|l| l.contains('='))
                        });
                        if !value_array {
                            stack.clear();
                        }
                    }
                }
                _ => {}
            },
            S::Comment => {
                if c == b'\n' {
                    state = S::Normal;
                    continue; // the newline is seen by Normal
                }
            }
            S::Basic => match c {
                b'\\' => i += 1,
                b'"' => state = S::Normal,
                b'\n' => {
                    state = S::Normal;
                    continue;
                }
                _ => {}
            },
            S::Literal => match c {
                b'\'' => state = S::Normal,
                b'\n' => {
                    state = S::Normal;
                    continue;
                }
                _ => {}
            },
            S::MlBasic => match c {
                b'\\' => i += 1,
                b'"' if b[i..].starts_with(b"\"\"\"") => {
                    state = S::Normal;
                    i += 2;
                }
                _ => {}
            },
            S::MlLiteral => {
                if b[i..].starts_with(b"'''") {
                    state = S::Normal;
                    i += 2;
                }
            }
        }
        if state == S::Normal && !c.is_ascii_whitespace() || c == b'\n' {
            last_sig = c;
        }
        i += 1;
    }
    outer_brace(&stack).map(|at| (at, InlineProblem::Unclosed))
}

/// Whether the `{` at `at` is closed at all, on any later line (by a
/// brace count that skips basic strings).
fn closes_later(text: &str, at: usize) -> bool {
    let mut depth = 0usize;
    let mut in_str = false;
    let mut escape = false;
    for c in text[at..].chars() {
        if in_str {
            match (escape, c) {
                (true, _) => escape = false,
                (false, '\\') => escape = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
            // a new table header: the table was never closed
            '[' if depth == 1 => {}
            _ => {}
        }
    }
    false
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

#[cfg(test)]
mod inline_tests {
    use super::{InlineProblem::*, inline_table_problem as p};

    #[test]
    fn inline_tables_are_one_line() {
        assert_eq!(
            p("a = { b = 1 }\nc = [\n  { d = 2 },\n  { e = 3 },\n]\n"),
            None
        );
        assert_eq!(p("a = { b = \"}{\" } # {\n[t]\nx = '{'\n"), None);
        assert_eq!(p("s = \"\"\"\n{\n\"\"\"\n"), None);
        assert_eq!(p("a = { b = 1\nc = 2\n"), Some((4, Unclosed)));
        assert_eq!(p("a = { b = 1"), Some((4, Unclosed)));
        assert_eq!(p("a = {\n  b = 1,\n}\n"), Some((4, SpansLines)));
        assert_eq!(p("a = { b = 1, }\n"), Some((4, TrailingComma)));
        assert_eq!(p("x = [1, 2,]\n[broken\ny = { z = 1 }\n"), None);
    }
}
