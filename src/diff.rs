//! Diff: environments side by side, as resolved values with their origins
//! (the semantic diff) or as generated files (the rendered diff).
//!
//! A resolved spec is flattened into [`Leaf`]s — one per scalar, plain array
//! or table-less value, keyed by the dotted path users write
//! (`profiles[gpu-large].memory.limit`), defaults included — each with the
//! `file:line:col` that set it. Two environments' leaves are joined by key;
//! the order is the spec's, with keys only in the second side placed after
//! their predecessor there, so nothing depends on map ordering.

use crate::emit::Output;
use crate::resolve::Resolved;
use crate::source::Sources;
use crate::tree::{escape_pointer, quote_key};
use serde_json::{Value, json};

/// One value of a resolved spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// Dotted key (`profiles[gpu-large].memory.limit`).
    pub key: String,
    /// JSON pointer into the spec.
    pub pointer: String,
    pub value: Value,
    /// `file:line:col` that set it; `None` for a default.
    pub origin: Option<String>,
    /// What it replaced: (`file:line:col`, value).
    pub replaced: Vec<(String, Value)>,
}

/// Every leaf of an environment's resolved spec (defaults included).
pub fn leaves(r: &Resolved, sources: &Sources) -> Vec<Leaf> {
    let typed = serde_json::to_value(&r.spec).expect("specs serialize");
    let mut out = Vec::new();
    walk(
        &typed,
        String::new(),
        String::new(),
        false,
        &mut |key, pointer, value| {
            let prov = r.provs.get(&pointer);
            let mut replaced = Vec::new();
            let mut next = prov.and_then(|p| p.replaced.as_deref());
            while let Some(rep) = next {
                replaced.push((sources.locate(rep.prov.origin()), rep.value.clone()));
                next = rep.prov.replaced.as_deref();
            }
            // as written in the file (`2`, not the typed `2.0`) when a file set it
            let value = r
                .doc
                .pointer(&pointer)
                .filter(|_| prov.is_some())
                .unwrap_or(value)
                .clone();
            out.push(Leaf {
                key,
                origin: prov.map(|p| sources.locate(p.origin())),
                pointer,
                value,
                replaced,
            });
        },
    );
    out
}

/// Calls `f(key, pointer, value)` for every leaf: scalars, arrays of
/// scalars, empty tables; arrays of tables with a `slug` are walked by slug,
/// other arrays of tables are leaves — or, with `index_arrays`, walked by index.
pub fn walk(
    v: &Value,
    key: String,
    pointer: String,
    index_arrays: bool,
    f: &mut dyn FnMut(String, String, &Value),
) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                let ck = if key.is_empty() {
                    quote_key(k)
                } else {
                    format!("{key}.{}", quote_key(k))
                };
                walk(
                    child,
                    ck,
                    format!("{pointer}/{}", escape_pointer(k)),
                    index_arrays,
                    f,
                );
            }
        }
        Value::Array(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.get("slug").and_then(Value::as_str).is_some()) =>
        {
            for (i, item) in items.iter().enumerate() {
                let slug = item["slug"].as_str().expect("checked above");
                walk(
                    item,
                    format!("{key}[{slug}]"),
                    format!("{pointer}/{i}"),
                    index_arrays,
                    f,
                );
            }
        }
        Value::Array(items)
            if index_arrays && items.iter().any(|i| i.is_object() || i.is_array()) =>
        {
            for (i, item) in items.iter().enumerate() {
                walk(
                    item,
                    format!("{key}[{i}]"),
                    format!("{pointer}/{i}"),
                    index_arrays,
                    f,
                );
            }
        }
        _ => f(key, pointer, v),
    }
}

/// How a key compares between two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Differs,
    OnlyA,
    OnlyB,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Differs => "differs",
            Change::OnlyA => "only-a",
            Change::OnlyB => "only-b",
        }
    }
}

/// One key of a semantic diff.
#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub change: Change,
    pub a: Option<Leaf>,
    pub b: Option<Leaf>,
}

/// The semantic diff of two environments.
#[derive(Debug, Clone)]
pub struct SpecDiff {
    pub a: String,
    pub b: String,
    pub rows: Vec<Row>,
}

impl SpecDiff {
    pub fn count(&self, c: Change) -> usize {
        self.rows.iter().filter(|r| r.change == c).count()
    }

    /// `N differ, N only in A, N only in B, N same`, with `quote` around names.
    fn summary(&self, quote: &str) -> String {
        format!(
            "{} setting(s) differ, {} only in {quote}{}{quote}, {} only in {quote}{}{quote}, {} the same",
            self.count(Change::Differs),
            self.count(Change::OnlyA),
            self.a,
            self.count(Change::OnlyB),
            self.b,
            self.count(Change::Same)
        )
    }
}

/// Joins two sides' leaves by key.
pub fn spec_diff(a_name: &str, a: Vec<Leaf>, b_name: &str, b: Vec<Leaf>) -> SpecDiff {
    let mut order: Vec<String> = a.iter().map(|l| l.key.clone()).collect();
    let mut prev: Option<String> = None;
    for l in &b {
        if !order.contains(&l.key) {
            let at = prev
                .as_ref()
                .and_then(|p| order.iter().position(|k| k == p))
                .map_or(0, |i| i + 1);
            order.insert(at, l.key.clone());
        }
        prev = Some(l.key.clone());
    }
    let rows = order
        .into_iter()
        .map(|key| {
            let la = a.iter().find(|l| l.key == key).cloned();
            let lb = b.iter().find(|l| l.key == key).cloned();
            let change = match (&la, &lb) {
                (Some(x), Some(y)) if x.value == y.value => Change::Same,
                (Some(_), Some(_)) => Change::Differs,
                (Some(_), None) => Change::OnlyA,
                _ => Change::OnlyB,
            };
            Row {
                key,
                change,
                a: la,
                b: lb,
            }
        })
        .collect();
    SpecDiff {
        a: a_name.to_string(),
        b: b_name.to_string(),
        rows,
    }
}

/// A value as users read it: strings bare, everything else as compact JSON.
/// A value as `diff` and `explain` print it; a string that looks like a
/// credential is masked (`ghp_****`): the outputs of these commands land in
/// CI logs and merge-request descriptions.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) if crate::lint::looks_secret(s) => mask(s),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first four characters of a secret, then `****`.
pub fn mask(s: &str) -> String {
    let head: String = s.chars().take(4).collect();
    format!("{head}****")
}

const RESET: &str = "\x1b[0m";

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}{RESET}")
    } else {
        s.to_string()
    }
}

fn side(l: &Option<Leaf>) -> (String, String) {
    match l {
        Some(l) => (
            show(&l.value),
            l.origin.clone().unwrap_or_else(|| "default".into()),
        ),
        None => ("—".into(), String::new()),
    }
}

/// Aligned text for a terminal.
pub fn text(d: &SpecDiff, all: bool, color: bool) -> String {
    let rows: Vec<&Row> = d
        .rows
        .iter()
        .filter(|r| all || r.change != Change::Same)
        .collect();
    let kw = rows
        .iter()
        .map(|r| r.key.chars().count())
        .max()
        .unwrap_or(0);
    let vw = rows
        .iter()
        .flat_map(|r| [side(&r.a).0, side(&r.b).0])
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    let mut out = format!("{} ↔ {}: {}\n", d.a, d.b, d.summary(""));
    let nw = d.a.chars().count().max(d.b.chars().count());
    for r in rows {
        let (mark, code) = match r.change {
            Change::Same => (" ", "2"),
            Change::Differs => ("~", "33"),
            Change::OnlyA => ("-", "31"),
            Change::OnlyB => ("+", "32"),
        };
        let (av, ao) = side(&r.a);
        let (bv, bo) = side(&r.b);
        out.push_str(&format!(
            "{} {:kw$}  {:nw$}  {:vw$}  {}\n",
            paint(color, code, mark),
            r.key,
            d.a,
            av,
            paint(color, "2", &ao)
        ));
        out.push_str(&format!(
            "  {:kw$}  {:nw$}  {:vw$}  {}\n",
            "",
            d.b,
            bv,
            paint(color, "2", &bo)
        ));
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn md_value(l: &Option<Leaf>) -> String {
    match l {
        Some(l) => {
            let v = show(&l.value);
            let v = if v.is_empty() {
                "`\"\"`".to_string()
            } else {
                format!("`{}`", md_cell(&v).replace('`', "'"))
            };
            match &l.origin {
                Some(o) => format!("{v}<br><sub>{}</sub>", md_cell(o)),
                None => format!("{v}<br><sub>default</sub>"),
            }
        }
        None => "—".to_string(),
    }
}

/// (heading, top-level spec key) of the per-section tables, in order.
const SECTIONS: &[(&str, &str)] = &[
    ("Environment", "environment"),
    ("Hub", "hub"),
    ("Domain & ingress", "ingress"),
    ("TLS", "tls"),
    ("Authentication", "auth"),
    ("Container registry & image", "image"),
    ("Storage", "storage"),
    ("Scheduling", "scheduling"),
    ("User profiles", "profiles"),
    ("Culling", "culling"),
    ("Monitoring", "monitoring"),
    ("CI/CD", "ci"),
    ("Raw chart values", "values"),
];

/// (aspect, keys whose values make up the cell) of the quick reference.
const QUICK: &[(&str, &[&str])] = &[
    ("Domain", &["ingress.host"]),
    ("Ingress controller", &["ingress.class"]),
    ("TLS", &["tls.mode", "tls.secret"]),
    ("Auth", &["auth.provider"]),
    ("Registry", &["image.registry"]),
    ("Image", &["image.name", "image.tag"]),
    ("Storage", &["storage.class", "storage.capacity"]),
    (
        "Namespace / release",
        &["environment.namespace", "environment.release"],
    ),
    ("Monitoring", &["monitoring.labels.release"]),
    ("CI/CD", &["ci.provider"]),
];

fn section_of(key: &str) -> &str {
    key.split(['.', '[']).next().unwrap_or(key)
}

fn quick_cell(d: &SpecDiff, keys: &[&str], side_a: bool) -> String {
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            let row = d.rows.iter().find(|r| r.key == *k)?;
            let leaf = if side_a {
                row.a.as_ref()
            } else {
                row.b.as_ref()
            }?;
            Some(format!(
                "`{}`",
                md_cell(&show(&leaf.value)).replace('`', "'")
            ))
        })
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" ")
    }
}

/// A Markdown report for a merge request: a quick reference, a table per
/// section, and what stays the same.
pub fn markdown(d: &SpecDiff, all: bool) -> String {
    let mut out = format!("## `{}` vs `{}`\n\n", d.a, d.b);
    out.push_str(&format!("{}.\n\n", d.summary("`")));
    out.push_str(&format!(
        "### Quick reference\n\n| Aspect | {} | {} |\n|--------|----|----|\n",
        d.a, d.b
    ));
    for (aspect, keys) in QUICK {
        let (a, b) = (quick_cell(d, keys, true), quick_cell(d, keys, false));
        if a == "—" && b == "—" {
            continue;
        }
        out.push_str(&format!("| **{aspect}** | {a} | {b} |\n"));
    }
    for (heading, section) in SECTIONS {
        let rows: Vec<&Row> = d
            .rows
            .iter()
            .filter(|r| section_of(&r.key) == *section && (all || r.change != Change::Same))
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n### {heading}\n\n| Setting | {} | {} |\n|---------|----|----|\n",
            d.a, d.b
        ));
        for r in rows {
            let key = if r.change == Change::Same {
                format!("`{}`", r.key)
            } else {
                format!("**`{}`**", r.key)
            };
            out.push_str(&format!(
                "| {key} | {} | {} |\n",
                md_value(&r.a),
                md_value(&r.b)
            ));
        }
    }
    if !all {
        let same: Vec<&Row> = d
            .rows
            .iter()
            .filter(|r| {
                r.change == Change::Same && r.a.as_ref().is_some_and(|l| l.origin.is_some())
            })
            .collect();
        if !same.is_empty() {
            out.push_str("\n### What stays the same\n\n");
            for r in same {
                let l = r.a.as_ref().expect("same rows have both sides");
                out.push_str(&format!(
                    "- `{}` = `{}` <sub>{}</sub>\n",
                    r.key,
                    md_cell(&show(&l.value)).replace('`', "'"),
                    md_cell(l.origin.as_deref().unwrap_or("default"))
                ));
            }
        }
    }
    out
}

fn leaf_json(l: &Option<Leaf>) -> Value {
    match l {
        None => Value::Null,
        Some(l) => {
            let mut m = json!({"value": l.value});
            let parts: Option<Vec<&str>> = l.origin.as_deref().map(|o| o.rsplitn(3, ':').collect());
            match parts.as_deref() {
                Some([col, line, file]) => {
                    m["file"] = json!(file);
                    m["line"] = json!(line.parse::<u64>().ok());
                    m["column"] = json!(col.parse::<u64>().ok());
                }
                _ => m["default"] = json!(true),
            }
            m
        }
    }
}

/// Stable JSON for scripts.
pub fn json(d: &SpecDiff, all: bool) -> String {
    let rows: Vec<Value> = d
        .rows
        .iter()
        .filter(|r| all || r.change != Change::Same)
        .map(|r| json!({"key": r.key, "change": r.change.as_str(), "a": leaf_json(&r.a), "b": leaf_json(&r.b)}))
        .collect();
    let doc = json!({
        "a": d.a,
        "b": d.b,
        "summary": {
            "differs": d.count(Change::Differs),
            "only_a": d.count(Change::OnlyA),
            "only_b": d.count(Change::OnlyB),
            "same": d.count(Change::Same),
        },
        "rows": rows,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    s.push('\n');
    s
}

/// One file of a rendered diff.
#[derive(Debug, Clone)]
pub struct FileDiff {
    pub a_path: String,
    pub b_path: String,
    pub added: usize,
    pub removed: usize,
    /// Unified diff (empty when the files are equal).
    pub diff: String,
}

/// Unified diffs of two environments' generated files, matched by file name
/// within the environment folder.
pub fn rendered(
    a_env: &str,
    a: &[Output],
    b_env: &str,
    b: &[Output],
    a_label: &str,
    b_label: &str,
) -> Vec<FileDiff> {
    let strip = |env: &str, p: &str| {
        p.strip_prefix(&format!("environments/{env}/"))
            .unwrap_or(p)
            .to_string()
    };
    let mut names: Vec<String> = a.iter().map(|o| strip(a_env, &o.path)).collect();
    for o in b {
        let n = strip(b_env, &o.path);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
        .into_iter()
        .map(|n| {
            let fa = a.iter().find(|o| strip(a_env, &o.path) == n);
            let fb = b.iter().find(|o| strip(b_env, &o.path) == n);
            let a_path = fa.map_or("/dev/null".to_string(), |o| format!("{a_label}{}", o.path));
            let b_path = fb.map_or("/dev/null".to_string(), |o| format!("{b_label}{}", o.path));
            let (ta, tb) = (
                fa.map_or("", |o| o.contents.as_str()),
                fb.map_or("", |o| o.contents.as_str()),
            );
            let td = similar::TextDiff::from_lines(ta, tb);
            let (mut added, mut removed) = (0, 0);
            for c in td.iter_all_changes() {
                match c.tag() {
                    similar::ChangeTag::Insert => added += 1,
                    similar::ChangeTag::Delete => removed += 1,
                    similar::ChangeTag::Equal => {}
                }
            }
            let diff = if ta == tb {
                String::new()
            } else {
                td.unified_diff()
                    .context_radius(3)
                    .header(&a_path, &b_path)
                    .to_string()
            };
            FileDiff {
                a_path,
                b_path,
                added,
                removed,
                diff,
            }
        })
        .collect()
}

/// `N file(s) changed, +A −R`.
pub fn rendered_summary(files: &[FileDiff]) -> String {
    let changed = files.iter().filter(|f| !f.diff.is_empty()).count();
    let added: usize = files.iter().map(|f| f.added).sum();
    let removed: usize = files.iter().map(|f| f.removed).sum();
    format!("{changed} file(s) changed, {added} line(s) added, {removed} removed")
}

fn colour_diff(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_string();
    }
    diff.lines()
        .map(|l| {
            let code = if l.starts_with("+++") || l.starts_with("---") {
                "1"
            } else if l.starts_with('+') {
                "32"
            } else if l.starts_with('-') {
                "31"
            } else if l.starts_with("@@") {
                "36"
            } else {
                ""
            };
            if code.is_empty() {
                format!("{l}\n")
            } else {
                format!("{}\n", paint(true, code, l))
            }
        })
        .collect()
}

pub fn rendered_text(files: &[FileDiff], color: bool) -> String {
    let mut out: String = files.iter().map(|f| colour_diff(&f.diff, color)).collect();
    out.push_str(&rendered_summary(files));
    out.push('\n');
    out
}

pub fn rendered_markdown(files: &[FileDiff]) -> String {
    let mut out = format!("### Rendered files\n\n{}.\n", rendered_summary(files));
    for f in files {
        if f.diff.is_empty() {
            continue;
        }
        let fence = if f.diff.contains("```") {
            "````"
        } else {
            "```"
        };
        out.push_str(&format!(
            "\n<details><summary><code>{}</code> → <code>{}</code> (+{} −{})</summary>\n\n{fence}diff\n{}{fence}\n\n</details>\n",
            f.a_path, f.b_path, f.added, f.removed, f.diff
        ));
    }
    out
}

pub fn rendered_json(files: &[FileDiff]) -> Value {
    json!({
        "files": files.iter().map(|f| json!({
            "a": f.a_path, "b": f.b_path, "added": f.added, "removed": f.removed, "diff": f.diff,
        })).collect::<Vec<_>>(),
        "summary": {
            "changed": files.iter().filter(|f| !f.diff.is_empty()).count(),
            "added": files.iter().map(|f| f.added).sum::<usize>(),
            "removed": files.iter().map(|f| f.removed).sum::<usize>(),
        },
    })
}
