//! The chart's own contract: its default values and its values schema
//! (chart 4.4.0, vendored under `schema/upstream/z2jh/`).
//!
//! Helm validates the user's values merged over the chart defaults — maps
//! merge, lists and scalars replace, `null` deletes a default — so that is
//! what [`check`] validates. A failure inside the spec's `[values]` table is
//! the user's, reported at the line that set it; any other failure means
//! jhubgen emitted something the chart rejects, which is a jhubgen bug and is
//! reported as one (and nothing is written).

use crate::diag::Diag;
use crate::resolve::Resolved;
use crate::tree::{display_path, escape_pointer, lookup};
use jsonschema::Validator;
use serde_json::Value;
use std::sync::OnceLock;

const DEFAULTS: &str = include_str!("../../schema/upstream/z2jh/values.defaults.json");
const SCHEMA: &str = include_str!("../../schema/upstream/z2jh/values.schema.json");

/// The chart's default values.
pub fn defaults() -> &'static Value {
    static D: OnceLock<Value> = OnceLock::new();
    D.get_or_init(|| serde_json::from_str(DEFAULTS).expect("vendored chart defaults are JSON"))
}

pub fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("vendored chart schema is JSON");
        jsonschema::validator_for(&schema).expect("vendored chart schema compiles")
    })
}

/// Parses the chart defaults and compiles the chart's schema now (see `jhubgen::build`).
pub fn warm_up() {
    defaults();
    validator();
}

/// Deep-merges `src` into `dst` as Helm does: maps merge, anything else
/// replaces, and `null` deletes the key.
pub fn merge_values(dst: &mut Value, src: &Value) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                if v.is_null() {
                    d.remove(k);
                } else if let Some(existing) = d.get_mut(k) {
                    merge_values(existing, v);
                } else {
                    d.insert(k.clone(), v.clone());
                }
            }
        }
        (d, s) => *d = s.clone(),
    }
}

/// Validates generated values merged over the chart defaults.
pub fn check(values: &Value, r: &Resolved) -> Vec<Diag> {
    let mut merged = defaults().clone();
    merge_values(&mut merged, values);
    let mut out = Vec::new();
    for err in validator().iter_errors(&merged) {
        let pointer = err.instance_path().as_str().to_string();
        let message = err.masked().to_string();
        let spec_pointer = format!("/values{pointer}");
        // Was the failing value (or a key under it) set through `[values]`?
        let user = unexpected_key_prov(err.kind(), &spec_pointer, r).or_else(|| {
            lookup(&r.provs, &spec_pointer)
                .filter(|(p, _)| p.starts_with("/values"))
                .map(|(_, prov)| prov.clone())
        });
        let path = display_path(&merged, &pointer);
        out.push(match user {
            Some(prov) => Diag::error(
                "chart/schema",
                format!("chart values fail the chart's schema at `{path}`: {message}"),
            )
            .at(prov.key_or_value().clone(), "set here")
            .key(display_path(&r.doc, &spec_pointer))
            .help(format!(
                "the jupyterhub chart {} rejects this value; see its values reference, or use the spec key that models it",
                r.spec.environment.chart_version
            )),
            None => Diag::error(
                "internal/chart-schema",
                format!("jhubgen bug: generated values fail the chart's schema at `{path}`: {message}"),
            )
            .at(r.origin(""), "while building this environment")
            .help("nothing was written; please report this with the specs that caused it"),
        });
    }
    out
}

fn unexpected_key_prov(
    kind: &jsonschema::error::ValidationErrorKind,
    spec_pointer: &str,
    r: &Resolved,
) -> Option<crate::tree::Prov> {
    if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } = kind {
        for key in unexpected {
            let p = format!("{spec_pointer}/{}", escape_pointer(key));
            if let Some(prov) = r.provs.get(&p) {
                return Some(prov.clone());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn helm_merge_semantics() {
        let mut d = json!({"a": {"b": 1, "c": [1, 2]}, "x": 1});
        merge_values(&mut d, &json!({"a": {"c": [3], "d": 4}, "x": null}));
        assert_eq!(d, json!({"a": {"b": 1, "c": [3], "d": 4}}));
    }

    #[test]
    fn chart_defaults_alone_pass_the_chart_schema() {
        assert!(validator().is_valid(defaults()));
    }

    #[test]
    fn chart_schema_rejects_what_the_chart_rejects() {
        let mut v = defaults().clone();
        merge_values(
            &mut v,
            &json!({"hub": {"replicas": 2}, "cull": {"timeout": "3600"}}),
        );
        assert_eq!(validator().iter_errors(&v).count(), 2);
    }
}
