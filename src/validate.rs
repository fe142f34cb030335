//! Validate: check a merged spec tree against the spec's JSON Schema.
//!
//! The schema is derived from [`crate::model`] and compiled once per process.
//! Each jsonschema error's `instance_path` is a JSON pointer, which is also
//! the key of the provenance map, so every error points at the span that set
//! the offending value — in the overlay when the overlay set it, with the
//! base value it replaced as a secondary label. Messages never echo values
//! (a value may be a secret): they name keys and expected shapes.

use crate::diag::Diag;
use crate::tree::{ProvMap, display_path, escape_pointer, lookup, quote_key};
use jsonschema::Validator;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;
use std::sync::OnceLock;

struct Compiled {
    schema: Value,
    validator: Validator,
}

fn compiled() -> &'static Compiled {
    static SPEC: OnceLock<Compiled> = OnceLock::new();
    SPEC.get_or_init(|| {
        let schema = crate::model::schema();
        let validator =
            jsonschema::validator_for(&schema).expect("the derived spec schema compiles");
        Compiled { schema, validator }
    })
}

/// Checks a merged spec; returns one diagnostic per problem.
pub fn check(doc: &Value, provs: &ProvMap) -> Vec<Diag> {
    let c = compiled();
    let mut out = Vec::new();
    let errors: Vec<_> = c.validator.iter_errors(doc).collect();
    // one cause, one message: a required key that is missing because it was
    // misspelt is reported once, as the unknown key with its suggestion
    let typos: Vec<(String, String)> = errors
        .iter()
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                Some((e.instance_path().as_str().to_string(), unexpected.clone()))
            }
            _ => None,
        })
        .flat_map(|(p, keys)| keys.into_iter().map(move |k| (p.clone(), k)))
        .collect();
    // a value outside an enum that is also of the wrong type: the enum's
    // message (which lists what to write) says both
    let enums: Vec<String> = errors
        .iter()
        .filter(|e| matches!(e.kind(), ValidationErrorKind::Enum { .. }))
        .map(|e| e.instance_path().as_str().to_string())
        .collect();
    let mut reported_slugs: Vec<String> = Vec::new();
    for err in &errors {
        let pointer = err.instance_path().as_str().to_string();
        if matches!(err.kind(), ValidationErrorKind::Type { .. }) && enums.contains(&pointer) {
            continue;
        }
        if let ValidationErrorKind::Required { property } = err.kind()
            && let Some(name) = property.as_str()
            && typos
                .iter()
                .any(|(p, k)| *p == pointer && closest(k, &[name]).is_some())
        {
            continue;
        }
        // a profile that lacks required keys because its slug misses an
        // inherited one: one error at the slug, with the slug it meant
        if let ValidationErrorKind::Required { .. } = err.kind()
            && let Some(d) = misspelt_slug(doc, provs, &pointer, &errors)
        {
            if !reported_slugs.contains(&pointer) {
                reported_slugs.push(pointer);
                out.push(d);
            }
            continue;
        }
        out.extend(diagnose(
            &c.schema,
            doc,
            provs,
            &pointer,
            err.kind(),
            &err.masked().to_string(),
        ));
    }
    out
}

/// The values the schema rejects, as JSON pointers into `doc` (an unknown
/// key, a wrong type, a value outside its enum, pattern or range), when
/// taking them out would leave a document the schema may accept: `None` when
/// a required key is missing or a rejected value is an array element
/// (removing it would renumber the rest).
pub fn rejected(doc: &Value) -> Option<Vec<String>> {
    let c = compiled();
    let mut out: Vec<String> = Vec::new();
    for e in c.validator.iter_errors(doc) {
        let at = e.instance_path().as_str().to_string();
        match e.kind() {
            ValidationErrorKind::Required { .. } => return None,
            ValidationErrorKind::AdditionalProperties { unexpected } => out.extend(
                unexpected
                    .iter()
                    .map(|k| format!("{at}/{}", crate::tree::escape_pointer(k))),
            ),
            _ if at.is_empty() => return None,
            _ => out.push(at),
        }
    }
    out.sort();
    out.dedup();
    // the outermost of nested ones (by ancestor lookup: files can hold
    // 100,000 unknown keys)
    let all: std::collections::HashSet<&str> = out.iter().map(String::as_str).collect();
    let keep: Vec<String> = out
        .iter()
        .filter(|p| {
            !p.match_indices('/')
                .skip(1)
                .any(|(i, _)| all.contains(&p[..i]))
        })
        .cloned()
        .collect();
    for p in &keep {
        let (parent, _) = p.rsplit_once('/')?;
        if !doc.pointer(parent).is_some_and(Value::is_object) {
            return None;
        }
    }
    Some(keep)
}

/// `/profiles/N` whose slug is a near miss of another profile's: the
/// diagnostic that says so, naming every required key it lacks.
fn misspelt_slug(
    doc: &Value,
    provs: &ProvMap,
    pointer: &str,
    errors: &[jsonschema::ValidationError<'_>],
) -> Option<Diag> {
    let index = pointer.strip_prefix("/profiles/")?;
    index.parse::<usize>().ok()?;
    let profiles = doc.get("profiles")?.as_array()?;
    let slug = doc.pointer(&format!("{pointer}/slug"))?.as_str()?;
    let others: Vec<&str> = profiles
        .iter()
        .filter_map(|p| p.get("slug").and_then(Value::as_str))
        .filter(|s| *s != slug)
        .collect();
    let meant = closest(slug, &others)?;
    let missing: Vec<String> = errors
        .iter()
        .filter(|e| e.instance_path().as_str() == pointer)
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Required { property } => {
                property.as_str().map(|p| format!("`{p}`"))
            }
            _ => None,
        })
        .collect();
    let at = provs.get(&format!("{pointer}/slug"))?;
    Some(
        Diag::error(
            "schema/missing-key",
            format!(
                "profile `{slug}` is a new profile, and lacks {}",
                missing.join(", ")
            ),
        )
        .at(at.origin().clone(), format!("did you mean `{meant}`?"))
        .key(format!("profiles[{slug}]"))
        .help(format!(
            "did you mean `{meant}`? A `[[profiles]]` entry changes the inherited profile of the same slug; another slug starts a new profile, which needs every required key — write `slug = \"{meant}\"`"
        )),
    )
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn type_name(t: &str) -> &str {
    match t {
        "object" => "a table",
        "array" => "an array",
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "null" => "nothing",
        other => other,
    }
}

fn describe(path: &str) -> String {
    if path.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{path}`")
    }
}

fn diagnose(
    schema: &Value,
    doc: &Value,
    provs: &ProvMap,
    pointer: &str,
    kind: &ValidationErrorKind,
    masked: &str,
) -> Vec<Diag> {
    let path = display_path(doc, pointer);
    let instance = resolve(doc, pointer);
    let sub = subschema(schema, schema, pointer);
    let Some((_, prov)) = lookup(provs, pointer) else {
        return vec![Diag::error("schema/invalid", masked.to_string()).key(path)];
    };
    let with_base = |d: Diag| match &prov.replaced {
        Some(r) => d.also(r.prov.origin().clone(), "replaces the value set here"),
        None => d,
    };
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|key| {
                let child = format!("{pointer}/{}", escape_pointer(key));
                let origin = provs
                    .get(&child)
                    .map(|p| p.key_or_value().clone())
                    .unwrap_or_else(|| prov.origin().clone());
                let known: Vec<&str> = sub.map(|s| object_keys(schema, s)).unwrap_or_default();
                let top_level = ["delete", "extends"].contains(&key.as_str()) && !pointer.is_empty();
                let help = match closest(key, &known) {
                    // TOML puts every key after a `[header]` into that table
                    _ if top_level => format!(
                        "`{key}` belongs at the top of the file, before the first `[table]` header (TOML puts every key after a header into that table): move it up"
                    ),
                    Some(k) => format!("did you mean `{k}`?"),
                    None if known.is_empty() => "remove it".to_string(),
                    None => format!(
                        "remove it; {} takes {}",
                        describe(&path),
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let full = if path.is_empty() {
                    quote_key(key)
                } else {
                    format!("{path}.{}", quote_key(key))
                };
                Diag::error(
                    "schema/unknown-key",
                    format!("unknown key `{key}` in {}", describe(&path)),
                )
                .at(origin, "unknown key")
                .key(full)
                .help(help)
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            let prop = property.as_str().unwrap_or_default();
            let full = if path.is_empty() {
                quote_key(prop)
            } else {
                format!("{path}.{}", quote_key(prop))
            };
            let what = sub
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(prop))
                .and_then(|p| description(schema, p));
            let mut help = format!("set `{full}` in the base, the overlay, or a layer it extends");
            if let Some(w) = what {
                help.push_str(&format!(" ({})", w.trim_end_matches('.')));
            }
            vec![
                Diag::error(
                    "schema/missing-key",
                    format!("missing key `{prop}` in {}", describe(&path)),
                )
                .at(
                    prov.key_or_value().clone(),
                    format!("`{prop}` is required here"),
                )
                .key(full)
                .help(help),
            ]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_name(&t.to_string()).to_string(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| type_name(&t.to_string()).to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = instance.map_or("nothing", json_type);
            let help = if expected == "a string" && found != "a table" && found != "an array" {
                "quote the value to make it a string".to_string()
            } else {
                format!("write {expected} here")
            };
            vec![with_base(
                Diag::error(
                    "schema/type",
                    format!("`{path}` must be {expected}, not {found}"),
                )
                .at(prov.origin().clone(), format!("expected {expected}"))
                .key(path.clone())
                .help(help),
            )]
        }
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| {
                            format!(
                                "`{}`",
                                o.as_str().map_or_else(|| o.to_string(), str::to_string)
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let given = instance.and_then(Value::as_str).unwrap_or("");
            let names: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut help = format!("use one of {}", opts.join(", "));
            if let Some(k) = closest(given, &names) {
                help = format!("did you mean `{k}`? ({help})");
            }
            vec![with_base(
                Diag::error(
                    "schema/enum",
                    format!("`{path}` must be one of {}", opts.join(", ")),
                )
                .at(prov.origin().clone(), "not an accepted value")
                .key(path.clone())
                .help(help),
            )]
        }
        ValidationErrorKind::Pattern { pattern } => {
            let what = sub
                .and_then(|s| description(schema, s))
                .map(|w| w.trim_end_matches('.').to_string());
            let given = instance.and_then(Value::as_str).unwrap_or("");
            // a reason and the value to write, not the regex
            let (label, help) = match repair(given, pattern) {
                Some((how, fixed)) => (
                    how.clone(),
                    match &what {
                        Some(w) => format!("{how}: `{fixed}` ({w})"),
                        None => format!("{how}: `{fixed}`"),
                    },
                ),
                None => (
                    "not in the expected format".to_string(),
                    match &what {
                        Some(w) => format!("{w}; `jhubgen schema` has the exact pattern"),
                        None => format!("see `{path}` in `jhubgen schema` for the exact pattern"),
                    },
                ),
            };
            vec![with_base(
                Diag::error(
                    "schema/format",
                    format!("`{path}` is not in the expected format"),
                )
                .at(prov.origin().clone(), label)
                .key(path.clone())
                .help(help),
            )]
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            let (word, sign) = match kind {
                ValidationErrorKind::Minimum { .. } => ("at least", ""),
                ValidationErrorKind::Maximum { .. } => ("at most", ""),
                ValidationErrorKind::ExclusiveMinimum { .. } => ("more than", ""),
                _ => ("less than", ""),
            };
            vec![with_base(
                Diag::error(
                    "schema/range",
                    format!("`{path}` must be {word} {sign}{limit}"),
                )
                .at(prov.origin().clone(), format!("must be {word} {limit}"))
                .key(path.clone())
                .help(format!("use a value {word} {limit}")),
            )]
        }
        ValidationErrorKind::MinItems { limit } | ValidationErrorKind::MinLength { limit } => {
            vec![with_base(
                Diag::error(
                    "schema/range",
                    format!("`{path}` must have at least {limit} item(s) or character(s)"),
                )
                .at(prov.origin().clone(), "too short")
                .key(path.clone())
                .help("give it a value"),
            )]
        }
        ValidationErrorKind::MaxLength { limit } | ValidationErrorKind::MaxItems { limit } => {
            vec![with_base(
                Diag::error(
                    "schema/range",
                    format!("`{path}` must have at most {limit} item(s) or character(s)"),
                )
                .at(prov.origin().clone(), "too long")
                .key(path.clone())
                .help("shorten it"),
            )]
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if sub.is_some_and(|s| !consts(s).is_empty()) =>
        {
            let options = consts(sub.expect("checked by the guard"));
            let names: Vec<&str> = options.iter().map(|(n, _)| n.as_str()).collect();
            let list = names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let given = instance.and_then(Value::as_str).unwrap_or("");
            let explained: Vec<String> = options
                .iter()
                .map(|(n, d)| match d {
                    Some(d) => format!("`{n}`: {}", d.trim_end_matches('.')),
                    None => format!("`{n}`"),
                })
                .collect();
            let help = match closest(given, &names) {
                Some(k) => format!("did you mean `{k}`? ({})", explained.join("; ")),
                None => format!("use one of {}", explained.join("; ")),
            };
            vec![with_base(
                Diag::error("schema/enum", format!("`{path}` must be one of {list}"))
                    .at(prov.origin().clone(), "not an accepted value")
                    .key(path.clone())
                    .help(help),
            )]
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if sub.is_some() && instance.is_some() =>
        {
            // shapes a value may take (`"a GUID"` or `{ secret, key }`): find the
            // one this value was meant as, by its type, and report that one's errors
            let s = unwrap(schema, sub.expect("checked by the guard"));
            let branches: Vec<&Value> = s
                .get("anyOf")
                .or_else(|| s.get("oneOf"))
                .and_then(Value::as_array)
                .map(|b| b.iter().map(|b| deref(schema, b)).collect())
                .unwrap_or_default();
            let value = instance.expect("checked by the guard");
            let meant: Vec<&&Value> = branches
                .iter()
                .filter(|b| shape_type(b) == Some(value_type(value)))
                .collect();
            if let [branch] = meant[..] {
                let mut wrapper = serde_json::Map::new();
                if let Some(defs) = schema.get("definitions") {
                    wrapper.insert("definitions".into(), defs.clone());
                }
                wrapper.insert("allOf".into(), Value::Array(vec![(*branch).clone()]));
                let wrapper = Value::Object(wrapper);
                if let Ok(v) = jsonschema::validator_for(&wrapper) {
                    let found: Vec<Diag> = v
                        .iter_errors(value)
                        .flat_map(|e| {
                            let inner = format!("{pointer}{}", e.instance_path().as_str());
                            diagnose(
                                schema,
                                doc,
                                provs,
                                &inner,
                                e.kind(),
                                &e.masked().to_string(),
                            )
                        })
                        .collect();
                    if !found.is_empty() {
                        return found;
                    }
                }
            }
            let shapes: Vec<String> = branches.iter().map(|b| shape(b)).collect();
            vec![with_base(
                Diag::error(
                    "schema/type",
                    format!("`{path}` must be {}", shapes.join(" or ")),
                )
                .at(prov.origin().clone(), format!("{} here", json_type(value)))
                .key(path.clone())
                .help(
                    sub.and_then(|s| description(schema, s))
                        .unwrap_or_else(|| format!("write {}", shapes.join(" or "))),
                ),
            )]
        }
        _ => {
            let what = sub.and_then(|s| description(schema, s));
            let mut d = Diag::error("schema/invalid", format!("`{path}`: {masked}"))
                .at(prov.origin().clone(), "invalid value")
                .key(path.clone());
            d = d.help(match what {
                Some(w) => w,
                None => format!("see `{path}` in schema/jhubgen.schema.json (`jhubgen schema`)"),
            });
            vec![with_base(d)]
        }
    }
}

/// What is wrong with a value that does not match `pattern`, and the value
/// to write: the first of the usual mistakes (or pair of them) whose repair
/// matches — an uppercase host, a scheme or a port on a host, a trailing dot,
/// a base URL without its slashes, `_` in a Kubernetes name.
fn repair(value: &str, pattern: &str) -> Option<(String, String)> {
    type Fix = (&'static str, fn(&str) -> String);
    const FIXES: &[Fix] = &[
        ("lowercase it", |v| v.to_lowercase()),
        ("drop the scheme", |v| {
            v.split_once("://")
                .map_or(v, |(_, rest)| rest)
                .trim_end_matches('/')
                .to_string()
        }),
        ("drop the port", |v| match v.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host.to_string()
            }
            _ => v.to_string(),
        }),
        ("drop the trailing dot", |v| {
            v.trim_end_matches('.').to_string()
        }),
        ("start it with `/`", |v| {
            format!("/{}", v.trim_start_matches('/'))
        }),
        ("end it with `/`", |v| {
            format!("{}/", v.trim_end_matches('/'))
        }),
        ("use `-`, not `_`", |v| v.replace('_', "-")),
        ("remove the spaces", |v| v.replace(char::is_whitespace, "")),
    ];
    if crate::lint::looks_secret(value) {
        return None; // never echo a credential, even repaired
    }
    let schema = serde_json::json!({"type": "string", "pattern": pattern});
    let validator = jsonschema::validator_for(&schema).ok()?;
    let ok = |v: &str| v != value && validator.is_valid(&Value::from(v));
    for (how, f) in FIXES {
        let fixed = f(value);
        if ok(&fixed) {
            return Some((how.to_string(), fixed));
        }
    }
    for (i, (how_a, a)) in FIXES.iter().enumerate() {
        let once = a(value);
        if once == value {
            continue;
        }
        for (how_b, b) in &FIXES[i + 1..] {
            let fixed = b(&once);
            if ok(&fixed) {
                return Some((format!("{how_a}, and {}", how_b), fixed));
            }
        }
    }
    None
}

/// The JSON type a shape of an `anyOf` accepts, if it says.
fn shape_type(s: &Value) -> Option<&'static str> {
    match s.get("type").and_then(Value::as_str) {
        Some("object") => Some("object"),
        Some("string") => Some("string"),
        Some("array") => Some("array"),
        Some("boolean") => Some("boolean"),
        Some("integer") | Some("number") => Some("number"),
        _ if s.get("properties").is_some() => Some("object"),
        _ => None,
    }
}

/// A value's JSON type, as [`shape_type`] names it.
fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A shape in the spec's words: "a string", "a table with `secret`, `key`".
fn shape(s: &Value) -> String {
    match shape_type(s) {
        Some("object") => {
            let keys: Vec<String> = s
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            if keys.is_empty() {
                "a table".to_string()
            } else {
                format!("a table of {}", keys.join(", "))
            }
        }
        Some(t) => type_name(t).to_string(),
        None => "a value of another shape".to_string(),
    }
}

/// The keys a table may have: its properties, through `$ref`s, a wrapping
/// `allOf` and the table shapes of an `anyOf`.
fn object_keys<'a>(root: &'a Value, s: &'a Value) -> Vec<&'a str> {
    let s = unwrap(root, s);
    let mut keys: Vec<&str> = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for b in s
        .get("anyOf")
        .or_else(|| s.get("oneOf"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for k in object_keys(root, b) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// Follows `$ref`s and the one-branch `allOf` that wraps a described `$ref`.
fn unwrap<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    let mut s = deref(root, s);
    for _ in 0..16 {
        match s.get("allOf").and_then(Value::as_array) {
            Some(all) if all.len() == 1 && s.get("anyOf").is_none() && s.get("oneOf").is_none() => {
                s = deref(root, &all[0]);
            }
            _ => break,
        }
    }
    s
}

/// The `const` alternatives of a `oneOf`/`anyOf` (documented enums), with their descriptions.
fn consts(s: &Value) -> Vec<(String, Option<String>)> {
    let branches = s
        .get("oneOf")
        .or_else(|| s.get("anyOf"))
        .and_then(Value::as_array);
    let Some(branches) = branches else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for b in branches {
        if let Some(c) = b.get("const").and_then(Value::as_str) {
            out.push((
                c.to_string(),
                b.get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            ));
        } else if let Some(e) = b.get("enum").and_then(Value::as_array) {
            out.extend(
                e.iter()
                    .filter_map(Value::as_str)
                    .map(|c| (c.to_string(), None)),
            );
        } else {
            return Vec::new();
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    doc.pointer(pointer)
}

/// Follows `$ref` within the same document.
pub(crate) fn deref<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    let mut s = s;
    for _ in 0..16 {
        match s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(p) => match root.pointer(p) {
                Some(t) => s = t,
                None => break,
            },
            None => break,
        }
    }
    s
}

fn description(root: &Value, s: &Value) -> Option<String> {
    s.get("description")
        .or_else(|| deref(root, s).get("description"))
        .and_then(Value::as_str)
        .map(|d| d.split("\n\n").next().unwrap_or(d).replace('\n', " "))
}

/// The subschema that describes the node at `pointer` (first matching branch of `anyOf`).
fn subschema<'a>(root: &'a Value, s: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut s = deref(root, s);
    for seg in crate::tree::pointer_segments(pointer) {
        s = step(root, s, &seg)?;
    }
    Some(s)
}

fn step<'a>(root: &'a Value, s: &'a Value, seg: &str) -> Option<&'a Value> {
    let s = deref(root, s);
    if let Some(p) = s.get("properties").and_then(|p| p.get(seg)) {
        return Some(deref(root, p));
    }
    if let Some(i) = s.get("items") {
        return Some(deref(root, i));
    }
    if let Some(a) = s.get("additionalProperties").filter(|a| a.is_object()) {
        return Some(deref(root, a));
    }
    for branch in s
        .get("anyOf")
        .or_else(|| s.get("oneOf"))
        .or_else(|| s.get("allOf"))
        .and_then(Value::as_array)?
    {
        if let Some(found) = step(root, branch, seg) {
            return Some(found);
        }
    }
    None
}

/// The accepted strings at a spec pointer, when the schema enumerates them.
pub fn alternatives(pointer: &str) -> Vec<String> {
    let c = compiled();
    let Some(sub) = subschema(&c.schema, &c.schema, pointer) else {
        return Vec::new();
    };
    let sub = unwrap(&c.schema, sub);
    let mut out: Vec<String> = consts(sub).into_iter().map(|(n, _)| n).collect();
    if let Some(e) = sub.get("enum").and_then(Value::as_array) {
        out.extend(e.iter().filter_map(Value::as_str).map(str::to_string));
    }
    out
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| {
            let d = strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase());
            (d, *c)
        })
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("imagee", &["image", "storage"]), Some("image"));
        assert_eq!(
            closest("organisations", &["organizations", "scope"]),
            Some("organizations")
        );
        assert_eq!(closest("zzz", &["image", "storage"]), None);
        // a swap of two letters is one edit
        assert_eq!(closest("avi", &["aiv", "lab"]), Some("aiv"));
    }
}
