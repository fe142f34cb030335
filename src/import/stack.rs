//! An environment's values: its files read, un-nested from a parent chart,
//! stacked the way Helm stacks `-f` files, and checked against the chart.

use super::yaml::{self, Places};
use crate::diag::Diag;
use crate::emit::chart;
use crate::source::{FileId, Origin, Sources};
use crate::tree::{escape_pointer, pointer_segments};
use serde_json::{Map, Value};

/// One environment's input, stacked.
#[derive(Debug, Clone)]
pub struct Stacked {
    /// The merged values, `null`s kept (they delete chart defaults).
    pub value: Value,
    /// Where each value was set (the file that won).
    pub places: Places,
    /// `(file, parent key)` for files whose values were nested.
    pub nested: Vec<(String, String)>,
    /// Lines of YAML read.
    pub lines: usize,
}

/// Parent-chart keys that hold the jupyterhub chart's values.
const PARENTS: &[&[&str]] = &[&["jupyterhub"], &["basehub", "jupyterhub"]];

/// Reads, un-nests and stacks the files of one environment.
/// `read` gives a file's text (or why it cannot be read).
pub fn stack(
    sources: &mut Sources,
    env: &str,
    files: &[String],
    read: &dyn Fn(&str) -> Result<String, String>,
    keep_templates: bool,
    warnings: &mut Vec<Diag>,
) -> Result<Stacked, Vec<Diag>> {
    let chart_keys: Vec<&str> = chart::defaults()
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut out = Stacked {
        value: Value::Object(Map::new()),
        places: Places::new(),
        nested: Vec::new(),
        lines: 0,
    };
    let mut errors = Vec::new();
    for name in files {
        let text = match read(name) {
            Ok(t) => t,
            Err(why) => {
                errors.push(
                    Diag::error(
                        "import/missing-file",
                        format!("environment `{env}`: cannot read `{name}`: {why}"),
                    )
                    .help("every file of `--env NAME=FILE[,FILE...]` must exist; paths are relative to the current folder"),
                );
                continue;
            }
        };
        out.lines += text.lines().count();
        let id = sources.add(name.clone(), text);
        let doc = match yaml::parse(sources, id) {
            Ok(d) => d,
            Err(d) => {
                errors.push(*d);
                continue;
            }
        };
        let whole = doc.places.get("").cloned().unwrap_or(Origin::new(id, 0..0));
        let Value::Object(top) = doc.value else {
            errors.push(
                Diag::error(
                    "import/not-mapping",
                    format!("`{name}` is not a mapping of values ({})", kind(&doc.value)),
                )
                .at(whole, "the document")
                .help("a Helm values file is a YAML mapping (`hub:`, `singleuser:` …)"),
            );
            continue;
        };
        let (values, places, parent) = match unnest(&top, &doc.places, &chart_keys) {
            Some(x) => x,
            None => (Value::Object(top.clone()), doc.places.clone(), None),
        };
        if let Some(parent) = &parent {
            out.nested.push((name.clone(), parent.clone()));
            for k in top
                .keys()
                .filter(|k| *k != parent.split('.').next().unwrap_or(""))
            {
                warnings.push(
                    Diag::warning(
                        "import/ignored",
                        format!("`{k}` is not a value of the jupyterhub chart: not imported"),
                    )
                    .at(place_of(&doc.places, &format!("/{}", escape_pointer(k)), id), "a parent chart's own value")
                    .help(format!("the jupyterhub chart's values were read from under `{parent}`; jhubgen generates the jupyterhub chart's values only")),
                );
            }
        }
        let obj = values.as_object().cloned().unwrap_or_default();
        if !obj.is_empty() && !obj.keys().any(|k| chart_keys.contains(&k.as_str())) {
            let keys: Vec<String> = obj.keys().take(4).map(|k| format!("`{k}`")).collect();
            errors.push(
                Diag::error(
                    "import/other-chart",
                    format!("`{name}` holds no values of the jupyterhub chart ({} …)", keys.join(", ")),
                )
                .at(whole, "none of its keys is the jupyterhub chart's")
                .help("give the Zero to JupyterHub values file (keys `hub`, `singleuser`, `proxy` …), or the parent chart's file that has them under `jupyterhub:`"),
            );
            continue;
        }
        if !keep_templates {
            let mut found = Vec::new();
            templates(&values, String::new(), &mut found);
            for (pointer, what) in found {
                errors.push(
                    Diag::error(
                        "import/template",
                        format!("`{}` holds a template placeholder ({what}), not a value", display(&pointer)),
                    )
                    .at(place_of(&places, &pointer, id), "filled in by another tool before Helm reads it")
                    .help("import the rendered values (what Helm receives), or pass `--keep-templates` to import the placeholder as literal text"),
                );
            }
        }
        for (pointer, origin, text) in doc.yaml11_booleans {
            warnings.push(
                Diag::warning(
                    "import/yaml11-boolean",
                    format!("Helm reads the plain `{text}` as the boolean {}", yaml::resolve_plain(&text)),
                )
                .at(origin, "YAML 1.1: `yes`, `no`, `on`, `off`, `y`, `n` are booleans")
                .key(display(&pointer))
                .help("imported as a boolean, as Helm reads it; quote it in the values file if text was meant"),
            );
        }
        stack_merge(&mut out.value, &mut out.places, &values, &places, "");
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "a list",
        Value::Null => "empty",
        Value::Object(_) => "a mapping",
        _ => "a scalar",
    }
}

/// The place of a pointer, or of its nearest ancestor that has one.
pub fn place_of(places: &Places, pointer: &str, file: FileId) -> Origin {
    let mut p = pointer.to_string();
    loop {
        if let Some(o) = places.get(&p) {
            return o.clone();
        }
        match p.rfind('/') {
            Some(i) => p.truncate(i),
            None => return Origin::new(file, 0..0),
        }
    }
}

/// `hub.config.X` from `/hub/config/X`.
pub fn display(pointer: &str) -> String {
    let segs = pointer_segments(pointer);
    let mut out = String::new();
    for s in segs {
        if s.parse::<usize>().is_ok() {
            out.push_str(&format!("[{s}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&s);
        }
    }
    out
}

fn unnest(
    top: &Map<String, Value>,
    places: &Places,
    chart_keys: &[&str],
) -> Option<(Value, Places, Option<String>)> {
    if top.keys().any(|k| chart_keys.contains(&k.as_str())) {
        return None;
    }
    for path in PARENTS {
        let mut v = top.get(path[0])?;
        let mut ok = true;
        for k in &path[1..] {
            match v.get(*k) {
                Some(x) => v = x,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok || !v.is_object() {
            continue;
        }
        let prefix: String = path.iter().map(|k| format!("/{k}")).collect();
        return Some((
            v.clone(),
            yaml::below(places, &prefix),
            Some(path.join(".")),
        ));
    }
    None
}

/// Helm's merge of `-f` files: maps merge, anything else replaces (a `null`
/// is kept: it deletes the chart's default when the values meet the chart).
fn stack_merge(dst: &mut Value, dplaces: &mut Places, src: &Value, splaces: &Places, at: &str) {
    match (dst, src) {
        (Value::Object(d), Value::Object(s)) => {
            for (k, v) in s {
                let p = format!("{at}/{}", escape_pointer(k));
                match d.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        if let Some(o) = splaces.get(&p) {
                            dplaces.insert(p.clone(), o.clone());
                        }
                        stack_merge(existing, dplaces, v, splaces, &p);
                    }
                    _ => {
                        let under = format!("{p}/");
                        dplaces.retain(|q, _| q != &p && !q.starts_with(&under));
                        for (q, o) in splaces.range(p.clone()..) {
                            if q == &p || q.starts_with(&under) {
                                dplaces.insert(q.clone(), o.clone());
                            } else if !q.starts_with(&p) {
                                break;
                            }
                        }
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (d, s) => *d = s.clone(),
    }
}

fn templates(v: &Value, at: String, out: &mut Vec<(String, &'static str)>) {
    match v {
        Value::String(s) => {
            let what = if s.contains("{{") && s.contains("}}") {
                Some("`{{ … }}`")
            } else if s.contains("${") && s[s.find("${").unwrap_or(0)..].contains('}') {
                Some("`${…}`")
            } else if s.contains("%{") {
                Some("`%{ … }`")
            } else {
                None
            };
            if let Some(w) = what {
                out.push((at, w));
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                templates(x, format!("{at}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                templates(x, format!("{at}/{}", escape_pointer(k)), out);
            }
        }
        _ => {}
    }
}

/// The values over the chart's defaults (what the chart reads), checked
/// against the chart's schema; errors point at the file and line.
pub fn check_chart(stacked: &Stacked, file: FileId) -> Result<Value, Vec<Diag>> {
    let mut effective = chart::defaults().clone();
    chart::merge_values(&mut effective, &stacked.value);
    let mut out = Vec::new();
    for err in chart::validator().iter_errors(&effective) {
        let pointer = err.instance_path().as_str().to_string();
        if let jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } =
            err.kind()
        {
            for key in unexpected {
                let p = format!("{pointer}/{}", escape_pointer(key));
                let mut d = Diag::error(
                    "import/not-a-chart-key",
                    format!(
                        "`{}` is not a key of the jupyterhub chart 4.4.0",
                        display(&p)
                    ),
                )
                .at(
                    place_of(&stacked.places, &p, file),
                    "the chart's schema has no such key",
                )
                .key(display(&p));
                if let Some(h) = where_else(key, &pointer) {
                    d = d.help(h);
                } else {
                    d = d.help("the chart would refuse the values (`helm install` fails on its schema): remove it, or fix its name");
                }
                out.push(d);
            }
            continue;
        }
        out.push(
            Diag::error(
                "import/chart-schema",
                format!("`{}`: {}", display(&pointer), err.masked()),
            )
            .at(
                place_of(&stacked.places, &pointer, file),
                "the chart's schema refuses this",
            )
            .key(display(&pointer))
            .help("the chart would refuse these values: `helm install` fails on its schema"),
        );
    }
    if out.is_empty() {
        Ok(effective)
    } else {
        Err(out)
    }
}

/// Where the chart does have a key of this name (or a near one).
fn where_else(key: &str, parent: &str) -> Option<String> {
    let mut found = Vec::new();
    fn walk(v: &Value, at: String, key: &str, found: &mut Vec<String>) {
        if let Value::Object(m) = v {
            for (k, x) in m {
                let p = format!("{at}/{}", escape_pointer(k));
                if k.eq_ignore_ascii_case(key) {
                    found.push(p.clone());
                }
                walk(x, p, key, found);
            }
        }
    }
    walk(chart::defaults(), String::new(), key, &mut found);
    found.retain(|p| p != &format!("{parent}/{}", escape_pointer(key)));
    if !found.is_empty() {
        let list: Vec<String> = found.iter().map(|p| format!("`{}`", display(p))).collect();
        return Some(format!(
            "the chart has `{key}` at {}: move it there",
            list.join(" and ")
        ));
    }
    let siblings: Vec<String> = chart::defaults()
        .pointer(parent)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let refs: Vec<&str> = siblings.iter().map(String::as_str).collect();
    crate::validate::closest(key, &refs).map(|c| format!("did you mean `{c}`?"))
}
