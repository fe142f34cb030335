//! A draft as a commented TOML spec (TOML 1.0: inline tables on one line).

use super::map::Draft;
use crate::tree::{escape_pointer, quote_key};
use serde_json::{Map, Value};

/// The order of a spec's top-level tables.
const ORDER: &[&str] = &[
    "extends",
    "delete",
    "environment",
    "hub",
    "ingress",
    "tls",
    "auth",
    "image",
    "storage",
    "scheduling",
    "cluster",
    "network",
    "profiles",
    "culling",
    "monitoring",
    "tunnel",
    "ci",
    "values",
    "lint",
];

/// Spec tables written inline (`cpu = { guarantee = 1, limit = 2 }`).
const INLINE: &[&str] = &[
    "cpu",
    "memory",
    "client",
    "deploy",
    "tenant_id",
    "node_selector",
    "image_build",
    "issuer",
];

pub fn render(d: &Draft, header: &str) -> String {
    let doc = canonical(&d.doc);
    let d = &Draft {
        doc,
        notes: d.notes.clone(),
    };
    let mut out = String::from(header);
    let mut keys: Vec<&String> = d.doc.keys().collect();
    keys.sort_by_key(|k| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    // top-level scalars first (`extends`, `delete`)
    for k in &keys {
        let v = &d.doc[*k];
        if !v.is_object() && (k.as_str() != "profiles") {
            line(
                &mut out,
                k,
                v,
                d.notes.get(&format!("/{}", escape_pointer(k))),
            );
        }
    }
    for k in keys {
        let v = &d.doc[k];
        let p = format!("/{}", escape_pointer(k));
        match (k.as_str(), v) {
            ("profiles", Value::Array(list)) => {
                for (i, item) in list.iter().enumerate() {
                    let ip = format!("{p}/{i}");
                    out.push('\n');
                    if let Some(n) = d.notes.get(&ip) {
                        out.push_str(&format!("# {n}\n"));
                    }
                    out.push_str("[[profiles]]\n");
                    if let Value::Object(m) = item {
                        for (k2, v2) in m {
                            line(
                                &mut out,
                                k2,
                                v2,
                                d.notes.get(&format!("{ip}/{}", escape_pointer(k2))),
                            );
                        }
                    }
                }
            }
            (_, Value::Object(m)) => table(&mut out, d, &p, &quote_key(k), m, k == "values"),
            _ => {}
        }
    }
    out
}

fn table(out: &mut String, d: &Draft, p: &str, name: &str, m: &Map<String, Value>, raw: bool) {
    let inline = |k: &str, v: &Value| match v {
        Value::Object(o) => o.is_empty() || (!raw && INLINE.contains(&k)),
        _ => true,
    };
    let leaves: Vec<(&String, &Value)> = m.iter().filter(|(k, v)| inline(k, v)).collect();
    let subs: Vec<(&String, &Value)> = m.iter().filter(|(k, v)| !inline(k, v)).collect();
    if !leaves.is_empty() || subs.is_empty() {
        out.push('\n');
        if let Some(n) = d.notes.get(p).filter(|_| !leaves.is_empty()) {
            out.push_str(&format!("# {n}\n"));
        }
        out.push_str(&format!("[{name}]\n"));
        for (k, v) in leaves {
            line(
                out,
                k,
                v,
                d.notes.get(&format!("{p}/{}", escape_pointer(k))),
            );
        }
    }
    for (k, v) in subs {
        if let Value::Object(sub) = v {
            table(
                out,
                d,
                &format!("{p}/{}", escape_pointer(k)),
                &format!("{name}.{}", quote_key(k)),
                sub,
                raw,
            );
        }
    }
}

fn line(out: &mut String, k: &str, v: &Value, note: Option<&String>) {
    let text = value(v);
    match note {
        Some(n) if !text.contains('\n') => {
            out.push_str(&format!("{} = {text} # {n}\n", quote_key(k)))
        }
        Some(n) => out.push_str(&format!("# {n}\n{} = {text}\n", quote_key(k))),
        None => out.push_str(&format!("{} = {text}\n", quote_key(k))),
    }
}

/// A JSON value as a TOML value. `null` has no TOML form: the callers keep
/// it out (the proof reports a deleted default it cannot express).
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s)
            if s.contains('\n')
                && !s.contains("'''")
                && !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') =>
        {
            format!("'''\n{s}'''")
        }
        Value::String(s) => serde_json::to_string(s).expect("strings serialise"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "\"\"".into(),
        Value::Array(a) => format!("[{}]", a.iter().map(value).collect::<Vec<_>>().join(", ")),
        Value::Object(o) if o.is_empty() => "{}".into(),
        Value::Object(o) => format!(
            "{{ {} }}",
            o.iter()
                .map(|(k, v)| format!("{} = {}", quote_key(k), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The draft in one order whatever order it was made in, so that the same
/// configuration is always the same text: spec tables in the order of the
/// spec's schema (the model's field order), `[values]` in the order of the
/// chart's own defaults, and keys neither knows in alphabetical order.
fn canonical(doc: &Map<String, Value>) -> Map<String, Value> {
    use std::sync::OnceLock;
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        serde_json::from_str(&crate::schema_text()).expect("the spec schema is JSON")
    });
    let mut out = Map::new();
    let order: Vec<String> = ORDER.iter().map(|s| s.to_string()).collect();
    for (k, v) in sorted(doc, &order) {
        let v = if k == "values" {
            by_defaults(v, Some(crate::emit::chart::defaults()))
        } else {
            by_schema(v, props(schema, schema).and_then(|p| p.get(k)), schema)
        };
        out.insert(k.clone(), v);
    }
    out
}

/// The keys of `m`, those in `order` first in its order, then the rest alphabetically.
fn sorted<'a>(m: &'a Map<String, Value>, order: &[String]) -> Vec<(&'a String, &'a Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by_key(|(k, _)| {
        (
            order.iter().position(|o| o == *k).unwrap_or(usize::MAX),
            (*k).clone(),
        )
    });
    v
}

/// What `pick` finds in a schema node, through `$ref`, `allOf`, `anyOf` and
/// `oneOf` (how schemars wraps optional and documented fields).
fn through<'a, T>(
    node: &'a Value,
    root: &'a Value,
    pick: &dyn Fn(&'a Value) -> Option<T>,
) -> Option<T> {
    let node = crate::validate::deref(root, node);
    pick(node).or_else(|| {
        ["allOf", "anyOf", "oneOf"].iter().find_map(|k| {
            node.get(*k)?
                .as_array()?
                .iter()
                .find_map(|n| through(n, root, pick))
        })
    })
}

/// The properties of a schema node.
fn props<'a>(node: &'a Value, root: &'a Value) -> Option<&'a Map<String, Value>> {
    through(node, root, &|n| {
        n.get("properties").and_then(Value::as_object)
    })
}

/// The schema of a list's items.
fn items<'a>(node: &'a Value, root: &'a Value) -> Option<&'a Value> {
    through(node, root, &|n| n.get("items"))
}

fn by_schema(v: &Value, node: Option<&Value>, root: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let p = node.and_then(|n| props(n, root));
            let order: Vec<String> = p.map(|p| p.keys().cloned().collect()).unwrap_or_default();
            let mut out = Map::new();
            for (k, x) in sorted(m, &order) {
                out.insert(k.clone(), by_schema(x, p.and_then(|p| p.get(k)), root));
            }
            Value::Object(out)
        }
        Value::Array(a) => {
            let item = node.and_then(|n| items(n, root));
            Value::Array(a.iter().map(|x| by_schema(x, item, root)).collect())
        }
        other => other.clone(),
    }
}

fn by_defaults(v: &Value, defaults: Option<&Value>) -> Value {
    match v {
        Value::Object(m) => {
            let d = defaults.and_then(Value::as_object);
            let order: Vec<String> = d.map(|d| d.keys().cloned().collect()).unwrap_or_default();
            let mut out = Map::new();
            for (k, x) in sorted(m, &order) {
                out.insert(k.clone(), by_defaults(x, d.and_then(|d| d.get(k))));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}
