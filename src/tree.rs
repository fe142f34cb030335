//! The spec tree: TOML values with the place that set each of them.
//!
//! [`load`](crate::load) turns each TOML file into an [`Entry`] tree;
//! [`merge`](crate::merge) folds the trees of the base and an overlay into
//! one. Every entry carries a [`Prov`]: the key and value spans that set it
//! and, when it replaced an inherited value, that value and its provenance.
//! [`Entry::to_json`] flattens the tree into the `serde_json::Value` that the
//! schema check and serde consume, plus a [`ProvMap`] keyed by JSON pointer
//! (RFC 6901) — the same shape as a jsonschema error's `instance_path`, so an
//! error maps to its span in one lookup.

use crate::source::Origin;
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::BTreeMap;

/// A node of the spec tree.
#[derive(Debug, Clone)]
pub enum Node {
    Table(IndexMap<String, Entry>),
    Array(Vec<Entry>),
    /// A string, number or boolean.
    Scalar(Value),
}

/// A node with its provenance.
#[derive(Debug, Clone)]
pub struct Entry {
    pub node: Node,
    pub prov: Prov,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Prov {
    /// The key that named it (`None` for array elements and file roots).
    pub key: Option<Origin>,
    /// The value itself (for a table, its header or inline braces).
    pub value: Origin,
    /// The inherited value this one replaced, if any.
    pub replaced: Option<Box<Replaced>>,
}

/// An inherited value that an overlay replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    pub value: Value,
    pub prov: Prov,
}

impl Prov {
    /// The most useful span to point at: the value.
    pub fn origin(&self) -> &Origin {
        &self.value
    }

    /// The key's span if there is one, else the value's.
    pub fn key_or_value(&self) -> &Origin {
        self.key.as_ref().unwrap_or(&self.value)
    }
}

/// Provenance of every node of a merged document, keyed by JSON pointer.
pub type ProvMap = BTreeMap<String, Prov>;

impl Entry {
    pub fn as_table(&self) -> Option<&IndexMap<String, Entry>> {
        match &self.node {
            Node::Table(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.node {
            Node::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The node's type with its article (`an integer`), for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.node {
            Node::Table(_) => "a table",
            Node::Array(_) => "an array",
            Node::Scalar(Value::String(_)) => "a string",
            Node::Scalar(Value::Bool(_)) => "a boolean",
            Node::Scalar(Value::Number(n)) if n.is_f64() => "a float",
            Node::Scalar(Value::Number(_)) => "an integer",
            Node::Scalar(_) => "a value",
        }
    }

    /// The value without provenance.
    pub fn value(&self) -> Value {
        match &self.node {
            Node::Scalar(v) => v.clone(),
            Node::Array(items) => Value::Array(items.iter().map(Entry::value).collect()),
            Node::Table(t) => {
                Value::Object(t.iter().map(|(k, e)| (k.clone(), e.value())).collect())
            }
        }
    }

    /// The value, and the provenance of every node in it by JSON pointer.
    pub fn to_json(&self) -> (Value, ProvMap) {
        let mut map = ProvMap::new();
        let value = self.collect(String::new(), &mut map);
        (value, map)
    }

    fn collect(&self, pointer: String, map: &mut ProvMap) -> Value {
        let value = match &self.node {
            Node::Scalar(v) => v.clone(),
            Node::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| e.collect(format!("{pointer}/{i}"), map))
                    .collect(),
            ),
            Node::Table(t) => Value::Object(
                t.iter()
                    .map(|(k, e)| {
                        (
                            k.clone(),
                            e.collect(format!("{pointer}/{}", escape_pointer(k)), map),
                        )
                    })
                    .collect(),
            ),
        };
        map.insert(pointer, self.prov.clone());
        value
    }
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Splits a JSON pointer into unescaped segments.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// The provenance of the node at `pointer`, or of its nearest recorded ancestor.
pub fn lookup<'a>(map: &'a ProvMap, pointer: &str) -> Option<(&'a str, &'a Prov)> {
    let mut p = pointer;
    loop {
        if let Some((k, v)) = map.get_key_value(p) {
            return Some((k.as_str(), v));
        }
        if p.is_empty() {
            return None;
        }
        p = &p[..p.rfind('/').unwrap_or(0)];
    }
}

/// The dotted key path of a JSON pointer into `doc`, as users write it:
/// `profiles[gpu-large].memory.limit`, quoting keys that are not bare TOML keys.
pub fn display_path(doc: &Value, pointer: &str) -> String {
    let mut out = String::new();
    let mut node = Some(doc);
    for seg in pointer_segments(pointer) {
        match node {
            Some(Value::Array(items)) => {
                let item = seg.parse::<usize>().ok().and_then(|i| items.get(i));
                match item.and_then(|v| v.get("slug")).and_then(Value::as_str) {
                    Some(slug) => out.push_str(&format!("[{slug}]")),
                    None => out.push_str(&format!("[{seg}]")),
                }
                node = item;
            }
            other => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&quote_key(&seg));
                node = other.and_then(|v| v.get(&seg));
            }
        }
    }
    out
}

/// A key as written in TOML: bare when it can be, quoted otherwise.
pub fn quote_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        serde_json::to_string(key).expect("strings always serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn display_path_uses_slugs_and_quotes() {
        let doc = json!({"profiles": [{"slug": "cpu"}, {"slug": "gpu", "node_selector": {"a.b/c": "x"}}]});
        assert_eq!(
            display_path(&doc, "/profiles/1/node_selector/a.b~1c"),
            "profiles[gpu].node_selector.\"a.b/c\""
        );
        assert_eq!(display_path(&doc, ""), "");
    }

    #[test]
    fn pointer_escaping_round_trips() {
        let p = format!("/{}/{}", escape_pointer("a/b"), escape_pointer("c~d"));
        assert_eq!(p, "/a~1b/c~0d");
        assert_eq!(pointer_segments(&p), vec!["a/b", "c~d"]);
    }
}
