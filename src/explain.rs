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

/// Changed versions of a value, to try in order. A table or a list of
/// tables changes one of its scalars (the first that can change first).
pub fn mutations(v: &Value, pointer: &str) -> Vec<Value> {
    match v {
        Value::String(s) => {
            let mut c = vec![Value::String(format!("{s}x"))];
            // a path keeps its trailing `/`
            if let Some(stem) = s.strip_suffix('/') {
                c.push(Value::String(format!("{stem}/x/")));
            }
            // `4G` → `5G`, `4.4.0` → `4.4.1`, `30s` → `31s`: the same shape
            if let Some(bumped) = bump_last_number(s) {
                c.push(Value::String(bumped));
            }
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
            (Some(u), _) => {
                let mut c = vec![Value::from(u + 1)];
                c.extend(u.checked_sub(1).map(Value::from));
                c
            }
            (None, Some(f)) => vec![Value::from(f + 1.0)],
            _ => Vec::new(),
        },
        // a list of names gains one
        Value::Array(items) if items.is_empty() => vec![Value::Array(vec![Value::from("x")])],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                mutations(item, &format!("{pointer}/{i}"))
                    .into_iter()
                    .map(move |m| {
                        let mut a = items.clone();
                        a[i] = m;
                        Value::Array(a)
                    })
            })
            .collect(),
        Value::Object(fields) => {
            for (k, field) in fields {
                let inner = format!("{pointer}/{}", crate::tree::escape_pointer(k));
                let tried = mutations(field, &inner);
                if !tried.is_empty() {
                    return tried
                        .into_iter()
                        .map(|m| {
                            let mut o = fields.clone();
                            o.insert(k.clone(), m);
                            Value::Object(o)
                        })
                        .collect();
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The string with its last run of digits increased by one.
fn bump_last_number(s: &str) -> Option<String> {
    let end = s.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = s[..end]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let n: u64 = s[start..end].parse().ok()?;
    Some(format!("{}{}{}", &s[..start], n.checked_add(1)?, &s[end..]))
}

/// Sets `pointer` in `doc`, creating the tables on the way.
fn set(doc: &mut Value, pointer: &str, v: Value) -> bool {
    let mut at = doc;
    let parts = crate::tree::pointer_segments(pointer);
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        at = match at {
            Value::Object(m) => {
                if last {
                    m.insert(part.clone(), v);
                    return true;
                }
                m.entry(part.clone())
                    .or_insert_with(|| Value::Object(Default::default()))
            }
            Value::Array(a) => match part.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(slot) if last => {
                    *slot = v;
                    return true;
                }
                Some(slot) => slot,
                None => return false,
            },
            _ => return false,
        };
    }
    false
}

/// What changing one spec value does to the generated files.
#[derive(Debug, Clone, Default)]
pub struct Flow {
    /// The changed value that was tried (`None`: no change of this value
    /// gives a valid spec, so nothing was measured).
    pub mutation: Option<Value>,
    /// Whether the compiler accepts the spec with that change (when no
    /// change is accepted, the answer is about a spec that cannot be built).
    pub accepted: bool,
    /// Every output value that changed, vanished or appeared (`value` is the
    /// original; `Null` for one that appeared), under the names the changed
    /// spec gives them: what a diff of the generated files shows.
    pub raw: Vec<OutLeaf>,
    /// Generated files whose *name* the value sets (`.github/workflows/<ci.name>.yml`).
    pub names_files: Vec<String>,
    /// `raw` as a reader wants it: output keys that only carried the changed
    /// string in their name (a profile's slug, a workflow file's name) are
    /// matched to the original, so no key the perturbation invented is shown;
    /// the bool is true for a value that only appears when this one changes.
    pub shown: Vec<(OutLeaf, bool)>,
}

/// The output values that change when `leaf` changes.
///
/// Each change of the value is tried in turn on the merged document, and the
/// first one the whole compiler accepts (schema, resolve, every rule, the
/// chart's schema) is measured: an answer about a spec that cannot be built
/// would describe outputs that never exist. When no change is accepted, the
/// first that makes a spec at all is measured, and `accepted` says so.
pub fn flows_into(r: &Resolved, leaf: &Leaf) -> Flow {
    let candidates = mutations(&leaf.value, &leaf.pointer);
    let accepted = candidates.iter().find_map(|m| {
        let mut doc = r.doc.clone();
        if !set(&mut doc, &leaf.pointer, m.clone()) {
            return None;
        }
        crate::compile_doc(
            &r.env,
            r.inputs.clone(),
            doc,
            r.provs.clone(),
            r.tombstones.clone(),
        )
        .ok()
        .map(|(perturbed, _, _)| (m.clone(), perturbed, true))
    });
    let typed = serde_json::to_value(&r.spec).expect("specs serialize");
    let fallback = || {
        candidates.iter().find_map(|m| {
            let mut changed = typed.clone();
            *changed.pointer_mut(&leaf.pointer)? = m.clone();
            let spec = serde_json::from_value(changed).ok()?;
            Some((m.clone(), Resolved { spec, ..r.clone() }, false))
        })
    };
    let Some((m, perturbed, accepted)) = accepted.or_else(fallback) else {
        return Flow::default();
    };
    let before = output_leaves(r);
    {
        let after = output_leaves(&perturbed);
        let same = |a: &OutLeaf, b: &OutLeaf| a.file == b.file && a.key == b.key;
        let mut raw: Vec<OutLeaf> = before
            .iter()
            .filter(|b| !after.iter().any(|a| same(a, b) && a.value == b.value))
            .cloned()
            .collect();
        for a in &after {
            if !before.iter().any(|b| same(a, b)) && !raw.iter().any(|h| same(a, h)) {
                raw.push(OutLeaf {
                    value: Value::Null,
                    ..a.clone()
                });
            }
        }

        // names the perturbation made up, mapped back to the original's
        let back: Box<dyn Fn(&str) -> String> = match (&leaf.value, &m) {
            (Value::String(s), Value::String(t)) if t.contains(s.as_str()) && !s.is_empty() => {
                let (s, t) = (s.clone(), t.clone());
                Box::new(move |x: &str| x.replace(&t, &s))
            }
            _ => Box::new(|x: &str| x.to_string()),
        };
        let mapped: Vec<OutLeaf> = after
            .iter()
            .map(|a| OutLeaf {
                file: back(&a.file),
                key: back(&a.key),
                value: a.value.clone(),
            })
            .collect();
        let mut names_files: Vec<String> = Vec::new();
        for b in &before {
            let gone = !after.iter().any(|a| a.file == b.file);
            let renamed = mapped.iter().any(|a| a.file == b.file);
            if gone && renamed && !names_files.contains(&b.file) {
                names_files.push(b.file.clone());
            }
        }
        let mut shown: Vec<(OutLeaf, bool)> = before
            .iter()
            .filter(|b| !mapped.iter().any(|a| same(a, b) && a.value == b.value))
            .map(|b| (b.clone(), false))
            .collect();
        for a in &mapped {
            if !before.iter().any(|b| same(a, b)) && !shown.iter().any(|(h, _)| same(a, h)) {
                shown.push((a.clone(), true));
            }
        }
        Flow {
            mutation: Some(m),
            accepted,
            raw,
            names_files,
            shown,
        }
    }
}
