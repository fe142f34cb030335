//! `explain` against a brute-force oracle.
//!
//! `jhubgen explain ENV KEY` answers "what changes in the generated files
//! when this value changes" by perturbing the *resolved* spec in memory and
//! emitting again (`jhubgen::explain::flows_into`). The oracle knows nothing
//! of that: for every leaf that a reference spec file sets, it writes the
//! same changed value into the TOML *text* at the leaf's span, runs the
//! whole compiler (load, merge, validate, resolve, lint, emit, render), parses
//! every generated file back and diffs them value by value. The two answers
//! must be the same set of (file, key).
//!
//! Each environment is compiled as a project of its own chain (an overlay
//! it extends becomes a layer), so a shared pipeline holds only that
//! environment's jobs in both answers.

mod common;

use jhubgen::diff::walk;
use jhubgen::explain::{OutLeaf, flows_into};
use jhubgen::project::{Project, open};
use jhubgen::source::Sources;
use serde_json::Value;
use std::collections::BTreeSet;

/// A project of one environment's chain, with `edit` (file name, span, new text) applied.
fn chain_project(
    full: &Project,
    chain: &[String],
    env: &str,
    edit: Option<(&str, std::ops::Range<usize>, &str)>,
    extra_base: Option<&str>,
) -> Project {
    let mut sources = Sources::new();
    let mut base = Vec::new();
    let mut chain = chain.to_vec();
    if let Some(text) = extra_base {
        // after every base file, before the layers
        let at = chain.iter().rposition(|n| n.starts_with("base/")).unwrap() + 1;
        chain.insert(at, "base/zz-oracle.toml".into());
        sources.add("base/zz-oracle.toml", text);
        base.push(jhubgen::source::FileId(0));
    }
    let mut layers = Vec::new();
    let mut overlays = Vec::new();
    for name in &chain {
        if name == "base/zz-oracle.toml" {
            continue;
        }
        let (_, file) = full
            .sources
            .iter()
            .find(|(_, f)| &f.name == name)
            .expect("every input is a source");
        let mut text = file.text.clone();
        if let Some((f, span, with)) = &edit
            && f == name
        {
            text.replace_range(span.clone(), with);
        }
        let id = sources.add(name.clone(), text);
        let stem = name
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".toml")
            .to_string();
        if name.starts_with("base/") {
            base.push(id);
        } else if stem == env {
            overlays.push((stem, id));
        } else {
            layers.push((stem, id));
        }
    }
    Project {
        root: full.root.clone(),
        sources,
        base,
        overlays,
        layers,
        diags: Vec::new(),
    }
}

/// A spec file that sets the value at `pointer` (a table key, or a key of a
/// profile, which merges by slug); `None` for a place TOML cannot reach so.
fn setting(r: &jhubgen::resolve::Resolved, pointer: &str, v: &Value) -> Option<String> {
    let segs: Vec<&str> = pointer.split('/').skip(1).collect();
    let (header, keys) = match segs.as_slice() {
        ["profiles", i, rest @ ..] => {
            let slug = r.doc.pointer(&format!("/profiles/{i}/slug"))?.as_str()?;
            (
                format!("[[profiles]]\nslug = {}", serde_json::to_string(slug).ok()?),
                rest.to_vec(),
            )
        }
        [tables @ .., _] if tables.iter().all(|t| t.parse::<usize>().is_err()) => {
            (format!("[{}]", tables.join(".")), vec![*segs.last()?])
        }
        _ => return None,
    };
    if keys.iter().any(|k| k.parse::<usize>().is_ok()) || keys.is_empty() {
        return None;
    }
    let header = if header == "[]" {
        String::new()
    } else {
        header
    };
    Some(format!(
        "{header}\n{} = {}\n",
        keys.join("."),
        toml_inline(v)
    ))
}

/// TOML for a JSON value, inline.
fn toml_inline(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(toml_inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{} = {}", serde_json::to_string(k).unwrap(), toml_inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Null => unreachable!("no null in a spec"),
    }
}

/// Every value of every generated file, named the way `explain` names them.
fn generated(p: &Project, env: &str) -> Vec<OutLeaf> {
    let build = match jhubgen::build(p, &[]) {
        Ok(b) => b,
        Err(_) => return Vec::new(),
    };
    let dir = format!("environments/{env}/");
    let mut out = Vec::new();
    for o in &build.outputs {
        let file = match o.path.strip_prefix(&dir) {
            Some(inside) => inside.to_string(),
            None => format!("../../{}", o.path),
        };
        // documentation and the deploy script are no artifact's data
        if o.path.ends_with(".md") || o.path.ends_with(".sh") {
            continue;
        }
        let doc: Value = if o.path.ends_with(".env") {
            // NAME='value' lines, as a shell reads them
            Value::Object(
                o.contents
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.split_once('='))
                    .map(|(k, v)| {
                        let v = v.trim_matches('\'').replace(r"'\''", "'");
                        (k.to_string(), Value::String(v))
                    })
                    .collect(),
            )
        } else {
            serde_saphyr::from_str(&o.contents).expect("generated YAML parses")
        };
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
                })
            },
        );
    }
    out
}

fn changed(before: &[OutLeaf], after: &[OutLeaf]) -> BTreeSet<(String, String)> {
    let same = |a: &OutLeaf, b: &OutLeaf| a.file == b.file && a.key == b.key;
    let mut out = BTreeSet::new();
    for b in before {
        if !after.iter().any(|a| same(a, b) && a.value == b.value) {
            out.insert((b.file.clone(), b.key.clone()));
        }
    }
    for a in after {
        if !before.iter().any(|b| same(a, b)) {
            out.insert((a.file.clone(), a.key.clone()));
        }
    }
    out
}

#[test]
fn explain_agrees_with_perturbing_the_files() {
    let full = open(&common::repo()).unwrap();
    let reference = jhubgen::build(&full, &[]).expect("the reference builds");
    let (mut compared, mut no_change, mut rejected) = (0, Vec::new(), Vec::new());
    let (mut defaults, mut unreachable_defaults) = (0, Vec::new());
    let mut wrong = Vec::new();
    for whole in &reference.envs {
        let env = whole.env.as_str();
        let p = chain_project(&full, &whole.inputs, env, None, None);
        let build = jhubgen::build(&p, &[]).expect("one chain builds");
        let r = &build.envs[0];
        let before = generated(&p, env);
        for leaf in jhubgen::diff::leaves(r, &p.sources) {
            let flow = flows_into(r, &leaf);
            let Some(m) = &flow.mutation else {
                no_change.push(format!("{env} {} = {}", leaf.key, leaf.value));
                continue;
            };
            if !flow.accepted {
                rejected.push(format!("{env} {}", leaf.key));
                continue;
            }
            let edited = match r.provs.get(&leaf.pointer) {
                Some(prov) => {
                    let at = prov.origin();
                    let name = p.sources.name(at.file).to_string();
                    let text = &p.sources.get(at.file).text[at.span.clone()];
                    // only spans that are the value itself (not a table header)
                    let parsed: Result<toml::Table, _> = toml::from_str(&format!("v = {text}"));
                    let Ok(parsed) = parsed else { continue };
                    if serde_json::to_value(&parsed["v"]).unwrap() != leaf.value {
                        continue;
                    }
                    let with = toml_inline(m);
                    chain_project(
                        &full,
                        &whole.inputs,
                        env,
                        Some((&name, at.span.clone(), &with)),
                        None,
                    )
                }
                // a default: a base file of its own sets it
                None => match setting(r, &leaf.pointer, m) {
                    Some(file) => {
                        defaults += 1;
                        chain_project(&full, &whole.inputs, env, None, Some(&file))
                    }
                    None => {
                        unreachable_defaults.push(format!("{env} {}", leaf.key));
                        continue;
                    }
                },
            };
            if let Err(e) = jhubgen::build(&edited, &[]) {
                wrong.push(format!(
                    "{env} {} = {}: explain measured a change the compiler rejects: {}",
                    leaf.key,
                    toml_inline(m),
                    e[0].message
                ));
                continue;
            }
            let oracle = changed(&before, &generated(&edited, env));
            let answer: BTreeSet<(String, String)> = flow
                .raw
                .iter()
                .map(|o| (o.file.clone(), o.key.clone()))
                .collect();
            compared += 1;
            if oracle != answer {
                wrong.push(format!(
                    "{env} {}: explain says {:?}, the files say {:?}",
                    leaf.key,
                    answer.difference(&oracle).collect::<Vec<_>>(),
                    oracle.difference(&answer).collect::<Vec<_>>()
                ));
            }
        }
    }
    eprintln!(
        "explain oracle: {compared} leaves compared ({defaults} of them defaults set by an extra base file; {} defaults out of reach: {unreachable_defaults:?}); {} with no change to try: {no_change:#?}; {} with no change the compiler accepts: {rejected:#?}",
        unreachable_defaults.len(),
        no_change.len(),
        rejected.len()
    );
    assert!(compared > 150, "only {compared} leaves compared");
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
