//! `jhubgen explain ENV [KEY]`: the value of a key, the file:line that set
//! it, what it overrode, and which outputs it flows into — or, for an output
//! path, the spec values it is derived from. Without KEY, a blame of every
//! value of the environment.

use super::{Ctx, Exit};
use crate::cli::{ExplainArgs, Format};
use jhubgen::diff::{Leaf, show};
use jhubgen::explain::{OutLeaf, flows_into, output_leaves};
use std::fmt::Write as _;

fn origin(l: &Leaf) -> String {
    l.origin
        .clone()
        .unwrap_or_else(|| "default (set in no file)".into())
}

/// A generated file's path from the root (shared files sit above the environment's folder).
fn out_path(dir: &str, file: &str) -> String {
    match file.strip_prefix("../../") {
        Some(root) => root.to_string(),
        None => format!("{dir}/{file}"),
    }
}

/// The ways to shorten a dotted key: `a`, `a.b`, `a.b[c]`, … (the key itself last).
fn prefixes(key: &str) -> Vec<&str> {
    let mut out: Vec<&str> = key
        .char_indices()
        .filter(|&(i, c)| i > 0 && (c == '.' || c == '['))
        .map(|(i, _)| &key[..i])
        .collect();
    out.push(key);
    out
}

/// "no key …": the nearest key of the same depth (a profile for a profile,
/// a table for a table) and what the deepest existing parent holds.
fn unknown_key(key: &str, env: &str, candidates: &[String]) -> String {
    let depth = prefixes(key).len();
    let mut same_depth: Vec<&str> = candidates
        .iter()
        .flat_map(|c| prefixes(c))
        .filter(|p| prefixes(p).len() == depth)
        .collect();
    same_depth.sort_unstable();
    same_depth.dedup();
    let near = same_depth
        .iter()
        .map(|c| (strsim::jaro_winkler(key, c), *c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c);
    let mut message = format!("no key `{key}` in environment `{env}`");
    if let Some(c) = near {
        message.push_str(&format!("; did you mean `{c}`?"));
    }
    // the deepest parent that exists, and its children
    let parents = prefixes(key);
    if let Some(parent) = parents[..parents.len() - 1]
        .iter()
        .rev()
        .find(|p| same_depth.iter().any(|c| c.starts_with(*p)))
    {
        let mut children: Vec<&str> = same_depth
            .iter()
            .filter(|c| c.starts_with(parent) && prefixes(c).contains(parent))
            .map(|c| &c[parent.len()..])
            .map(|c| c.trim_start_matches('.'))
            .collect();
        children.dedup();
        if !children.is_empty() && children.len() <= 24 {
            message.push_str(&format!("; `{parent}` has {}", children.join(", ")));
        }
    }
    message.push_str(&format!(" (`jhubgen explain {env}` lists every spec key)"));
    message
}

fn under(key: &str, prefix: &str) -> bool {
    key == prefix
        || key.starts_with(&format!("{prefix}."))
        || key.starts_with(&format!("{prefix}["))
}

impl ExplainArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let project = ctx.open(&self.root.dir(), std::slice::from_ref(&self.env))?;
        let build = match jhubgen::build(&project, std::slice::from_ref(&self.env)) {
            Ok(b) => b,
            Err(diags) => {
                ctx.report(&diags, &project.sources, Format::Human)?;
                return Err(Exit::Failed);
            }
        };
        let r = &build.envs[0];
        let leaves = jhubgen::diff::leaves(r, &project.sources);
        let dir = format!("environments/{}", r.env);
        let mut out = String::new();

        let Some(key) = self.key else {
            let kw = leaves
                .iter()
                .map(|l| l.key.chars().count())
                .max()
                .unwrap_or(0);
            let vw = leaves
                .iter()
                .map(|l| show(&l.value).chars().count().min(50))
                .max()
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "{}: {} values ({})",
                r.env,
                leaves.len(),
                r.inputs.join(" + ")
            );
            for l in &leaves {
                let mut line = format!("{:kw$}  {:vw$}  {}", l.key, show(&l.value), origin(l));
                if let Some((o, v)) = l.replaced.first() {
                    let _ = write!(line, "  (overrides {} at {o})", show(v));
                }
                let _ = writeln!(out, "{}", line.trim_end());
            }
            ctx.out(&out)?;
            return Ok(());
        };

        // a spec key, or a table / profile of them
        let matched: Vec<&Leaf> = leaves.iter().filter(|l| under(&l.key, &key)).collect();
        if !matched.is_empty() {
            for l in matched {
                let _ = writeln!(out, "{}: {} = {}", r.env, l.key, show(&l.value));
                if l.replaced.is_empty() {
                    let _ = writeln!(out, "  set at     {}", origin(l));
                } else {
                    // every layer that set it, lowest first; the last one wins
                    let _ = writeln!(
                        out,
                        "  set in {} layers, lowest first:",
                        l.replaced.len() + 1
                    );
                    let mut chain: Vec<(String, String)> = l
                        .replaced
                        .iter()
                        .rev()
                        .map(|(o, v)| (o.clone(), show(v)))
                        .collect();
                    chain.push((origin(l), show(&l.value)));
                    let ow = chain.iter().map(|(o, _)| o.len()).max().unwrap_or(0);
                    let vw = chain
                        .iter()
                        .map(|(_, v)| v.chars().count().min(50))
                        .max()
                        .unwrap_or(0);
                    let last = chain.len() - 1;
                    for (i, (o, v)) in chain.iter().enumerate() {
                        let mark = if i == last { "wins" } else { "shadowed" };
                        let _ = writeln!(out, "    {o:ow$}  {v:vw$}  {mark}");
                    }
                }
                let flow = flows_into(r, l);
                if let (Some(m), false) = (&flow.mutation, flow.accepted) {
                    // an answer about a spec that cannot be built would be a guess
                    let _ = writeln!(
                        out,
                        "  a switch: no change of it alone builds (to {} it needs other keys with it), so where it flows cannot be measured; `jhubgen explain {} OUTPUT` answers from the outputs' side",
                        show(m),
                        r.env
                    );
                    continue;
                }
                for f in &flow.names_files {
                    let _ = writeln!(out, "  names the file {}", out_path(&dir, f));
                }
                if flow.shown.is_empty() && flow.names_files.is_empty() {
                    let _ = writeln!(
                        out,
                        "  flows into nothing jhubgen writes (it is checked, or used by a rule)"
                    );
                } else if !flow.shown.is_empty() {
                    let _ = writeln!(out, "  flows into");
                    for (f, appears) in &flow.shown {
                        let what = if *appears {
                            " (appears when it changes)"
                        } else {
                            ""
                        };
                        let _ = writeln!(out, "    {}  {}{what}", out_path(&dir, &f.file), f.key);
                    }
                }
            }
            ctx.out(&out)?;
            return Ok(());
        }

        // a key that a layer deleted: say which `delete`, and what it removed
        let gone: Vec<&jhubgen::merge::Tombstone> = r
            .tombstones
            .iter()
            .filter(|t| under(&key, &t.path) || under(&t.path, &key))
            .collect();
        if !gone.is_empty() {
            for t in gone {
                if t.path == key {
                    let _ = writeln!(out, "{}: {key} is not set: a layer deleted it", r.env);
                } else {
                    let _ = writeln!(
                        out,
                        "{}: {key} is not set: a layer deleted `{}`",
                        r.env, t.path
                    );
                }
                let _ = writeln!(out, "  deleted at {}", project.sources.locate(&t.at));
                let mut was = show(&t.value);
                if was.chars().count() > 72 {
                    was = format!("{}…", was.chars().take(71).collect::<String>());
                }
                let _ = writeln!(
                    out,
                    "  it was     {was} at {}",
                    project.sources.locate(t.prov.origin())
                );
            }
            let _ = writeln!(
                out,
                "  chain      {}",
                jhubgen::chain::describe(&r.inputs.iter().map(String::as_str).collect::<Vec<_>>())
            );
            ctx.out(&out)?;
            return Ok(());
        }

        // an output path
        let outputs = output_leaves(r);
        let (file, path) = match key.rsplit_once(':') {
            Some((f, p)) if f.ends_with(".yaml") => (
                Some(f.rsplit('/').next().unwrap_or(f).to_string()),
                p.to_string(),
            ),
            _ => (None, key.clone()),
        };
        let targets: Vec<&OutLeaf> = outputs
            .iter()
            .filter(|o| file.as_deref().is_none_or(|f| f == o.file) && under(&o.key, &path))
            .collect();
        if targets.is_empty() {
            let mut candidates: Vec<String> = leaves.iter().map(|l| l.key.clone()).collect();
            candidates.extend(outputs.iter().map(|o| format!("{}:{}", o.file, o.key)));
            return Err(ctx.fatal(&unknown_key(&key, &r.env, &candidates)));
        }
        let flows: Vec<(&Leaf, jhubgen::explain::Flow)> =
            leaves.iter().map(|l| (l, flows_into(r, l))).collect();
        for t in targets {
            let _ = writeln!(
                out,
                "{}: {} = {}",
                out_path(&dir, &t.file),
                t.key,
                show(&t.value)
            );
            let sources: Vec<&Leaf> = flows
                .iter()
                .filter(|(_, f)| {
                    f.shown
                        .iter()
                        .any(|(o, _)| o.file == t.file && o.key == t.key)
                })
                .map(|(l, _)| *l)
                .collect();
            if sources.is_empty() {
                let _ = writeln!(
                    out,
                    "  a constant: jhubgen writes it for every environment (see the README's notes on the values)"
                );
            } else {
                let _ = writeln!(out, "  derived from");
                for l in sources {
                    let _ = writeln!(out, "    {} = {}  ({})", l.key, show(&l.value), origin(l));
                }
            }
        }
        ctx.out(&out)?;
        Ok(())
    }
}
