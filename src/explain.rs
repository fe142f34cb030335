//! Explain: where a value comes from, and where it goes.
//!
//! Where it comes from is provenance (see [`crate::tree`]). Where it goes is
//! found by perturbation rather than by a hand-kept table: the value is
//! changed in a copy of the resolved spec, the outputs are emitted again, and
//! every output value that changed is one it flows into. This is exact for
//! the emitters as they are, and cannot drift from them.

use crate::diff::{Leaf, walk};
use crate::emit;
use crate::resolve::Resolved;
use serde_json::Value;

/// One value of a generated file.
#[derive(Debug, Clone, PartialEq)]
pub struct OutLeaf {
    /// File name within the environment folder (`values.yaml`).
    pub file: String,
    /// Dotted path in the file (`singleuser.profileList[gpu-large].kubespawner_override.image`).
    pub key: String,
    pub value: Value,
}

/// Every generated document of an environment, from the artifact registry.
fn documents(r: &Resolved) -> Vec<(String, Value)> {
    let values = emit::values::values(r);
    let mut docs: Vec<(String, Value)> = emit::artifacts(r)
        .map(|a| ((a.file)(r), (a.document)(r, &values)))
        .collect();
    // this environment's jobs of its pipeline, which may be shared
    let path = emit::ci::pipeline_path(r);
    let dir = format!("environments/{}/", r.env);
    let file = match path.strip_prefix(&dir) {
        Some(inside) => inside.to_string(),
        None => format!("../../{path}"),
    };
    docs.push((file, (emit::pipeline_of(r.spec.ci.provider).document)(&[r])));
    docs
}

/// Every value of an environment's generated files.
pub fn output_leaves(r: &Resolved) -> Vec<OutLeaf> {
    let mut out = Vec::new();
    for (file, doc) in documents(r) {
        walk(
            &doc,
            String::new(),
            String::new(),
            true,
            &mut |key, _, value| {
                out.push(OutLeaf {
                    file: file.clone(),
                    key,
                    value: value.clone(),
                });
            },
        );
    }
    out
}

/// Changed versions of a value, to try in order.
fn mutations(v: &Value, pointer: &str) -> Vec<Value> {
    match v {
        Value::String(s) => {
            let mut c = vec![Value::String(format!("{s}x"))];
            c.extend(
                crate::validate::alternatives(pointer)
                    .into_iter()
                    .filter(|a| a != s)
                    .map(Value::String),
            );
            c
        }
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Number(n) => match (n.as_u64(), n.as_f64()) {
            (Some(u), _) => vec![Value::from(u + 1)],
            (None, Some(f)) => vec![Value::from(f + 1.0)],
            _ => Vec::new(),
        },
        Value::Array(items) if !items.is_empty() => mutations(&items[0], &format!("{pointer}/0"))
            .into_iter()
            .map(|first| {
                let mut a = items.clone();
                a[0] = first;
                Value::Array(a)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The output values that change when `leaf` changes.
pub fn flows_into(r: &Resolved, leaf: &Leaf) -> Vec<OutLeaf> {
    let before = output_leaves(r);
    let typed = serde_json::to_value(&r.spec).expect("specs serialize");
    for m in mutations(&leaf.value, &leaf.pointer) {
        let mut changed = typed.clone();
        let Some(slot) = changed.pointer_mut(&leaf.pointer) else {
            return Vec::new();
        };
        *slot = m;
        let Ok(spec) = serde_json::from_value(changed) else {
            continue;
        };
        let perturbed = Resolved { spec, ..r.clone() };
        let after = output_leaves(&perturbed);
        let mut hit: Vec<OutLeaf> = before
            .iter()
            .filter(|b| {
                !after
                    .iter()
                    .any(|a| a.file == b.file && a.key == b.key && a.value == b.value)
            })
            .cloned()
            .collect();
        for a in &after {
            if !before.iter().any(|b| b.file == a.file && b.key == a.key)
                && !hit.iter().any(|h| h.file == a.file && h.key == a.key)
            {
                hit.push(OutLeaf {
                    value: Value::Null,
                    ..a.clone()
                });
            }
        }
        return hit;
    }
    Vec::new()
}
