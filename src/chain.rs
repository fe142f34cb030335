//! Chain: which files an environment is made of, from the base up.
//!
//! An overlay or a shared layer (`layers/<name>.toml`) may start with
//! `extends = "NAME"`: NAME is another environment (`overlays/NAME.toml`) or a
//! layer. Without `extends` a file extends the base. So every environment is
//! a chain `base → … → overlays/<env>.toml`, of any depth, merged with the
//! same rules at every step (see [`crate::merge`]).
//!
//! Problems with the chain itself are diagnostics at the `extends` value: a
//! parent that does not exist (with the closest name), a cycle (reported once,
//! never followed forever), an `extends` in a base file, one that is not a
//! string.

use crate::diag::Diag;
use crate::project::Project;
use crate::source::{FileId, Origin, Sources};
use crate::tree::{Entry, Node};
use std::collections::BTreeMap;

/// The key that names a file's parent.
pub const EXTENDS_KEY: &str = "extends";

/// An overlay or a layer, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Overlay,
    Layer,
}

/// What a file says it extends.
#[derive(Debug, Clone)]
pub enum Parent {
    Base,
    /// The parent file, and the span of the `extends` value.
    File(FileId, Origin),
}

/// The chains of a project: for each overlay or layer, its parent.
#[derive(Debug, Default)]
pub struct Chains {
    parents: BTreeMap<FileId, Parent>,
}

impl Chains {
    pub fn parent(&self, id: FileId) -> Option<&Parent> {
        self.parents.get(&id)
    }

    /// The files above the base that make up `id`, lowest first, `id` last;
    /// `None` if the chain is broken (unknown parent, cycle: already reported).
    pub fn files(&self, id: FileId) -> Option<Vec<FileId>> {
        let mut out = vec![id];
        let mut at = id;
        loop {
            match self.parents.get(&at)? {
                Parent::Base => break,
                Parent::File(p, _) => {
                    if out.contains(p) {
                        return None;
                    }
                    out.push(*p);
                    at = *p;
                }
            }
        }
        out.reverse();
        Some(out)
    }
}

/// The `extends` of a loaded file, if any (left in the tree: merge drops it).
pub fn extends_of(entry: &Entry) -> Option<&Entry> {
    entry.as_table()?.get(EXTENDS_KEY)
}

/// Resolves every `extends` of the loaded overlays and layers.
pub fn resolve(
    project: &Project,
    loaded: &BTreeMap<FileId, Entry>,
    base: &[Entry],
    diags: &mut Vec<Diag>,
) -> Chains {
    let sources = &project.sources;
    for b in base {
        if let Some(e) = extends_of(b) {
            diags.push(
                Diag::error("layers/extends-in-base", "a base file cannot extend anything")
                    .at(e.prov.key_or_value().clone(), "the base is the bottom of every chain")
                    .key(EXTENDS_KEY)
                    .help("remove `extends`; to share settings between some environments, put them in `layers/<name>.toml` and let those overlays `extends = \"<name>\"`"),
            );
        }
    }
    let mut names: BTreeMap<&str, (Kind, FileId)> = BTreeMap::new();
    for (name, id) in &project.overlays {
        names.insert(name, (Kind::Overlay, *id));
    }
    for (name, id) in &project.layers {
        if let Some((_, other)) = names.get(name.as_str()) {
            diags.push(
                Diag::error(
                    "layers/ambiguous-name",
                    format!("`{name}` is both an environment and a layer"),
                )
                .at(Origin::new(*id, 0..0), "this layer")
                .also(Origin::new(*other, 0..0), "this environment")
                .help("rename the layer: `extends` names one file"),
            );
            continue;
        }
        names.insert(name, (Kind::Layer, *id));
    }
    let mut chains = Chains::default();
    for (&id, entry) in loaded {
        let Some(ext) = extends_of(entry) else {
            chains.parents.insert(id, Parent::Base);
            continue;
        };
        let origin = ext.prov.value.clone();
        let Some(parent) = ext.as_str() else {
            diags.push(
                Diag::error(
                    "layers/extends-type",
                    format!("`extends` must be the name of an environment or layer, not {}", ext.type_name()),
                )
                .at(origin, "not a name")
                .key(EXTENDS_KEY)
                .help("write `extends = \"aiv\"` (overlays/aiv.toml) or the name of a file in layers/"),
            );
            continue;
        };
        match names.get(parent) {
            Some((_, pid)) if *pid == id => diags.push(
                Diag::error(
                    "layers/cycle",
                    format!("`{}` extends itself", sources.name(id)),
                )
                .at(origin, "names this file")
                .key(EXTENDS_KEY)
                .help("name another environment or layer, or remove `extends` to extend the base"),
            ),
            Some((_, pid)) => {
                chains.parents.insert(id, Parent::File(*pid, origin));
            }
            None => {
                let candidates: Vec<&str> = names.keys().copied().collect();
                let hint = crate::validate::closest(parent, &candidates)
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                diags.push(
                    Diag::error(
                        "layers/unknown-parent",
                        format!(
                            "`{}` extends `{parent}`, which is neither an environment nor a layer",
                            sources.name(id)
                        ),
                    )
                    .at(origin, "no such environment or layer")
                    .key(EXTENDS_KEY)
                    .help(format!(
                        "{hint}`extends` names `overlays/<name>.toml` or `layers/<name>.toml` ({})",
                        if candidates.is_empty() {
                            "there are none".to_string()
                        } else {
                            candidates.join(", ")
                        }
                    )),
                );
            }
        }
    }
    report_cycles(&chains, sources, diags);
    chains
}

/// Each cycle once, at the `extends` of its first file by name.
fn report_cycles(chains: &Chains, sources: &Sources, diags: &mut Vec<Diag>) {
    let mut reported: Vec<FileId> = Vec::new();
    for &start in chains.parents.keys() {
        let mut path = vec![start];
        let mut at = start;
        while let Some(Parent::File(p, _)) = chains.parents.get(&at) {
            if let Some(i) = path.iter().position(|x| x == p) {
                let cycle = &path[i..];
                if cycle.iter().any(|c| reported.contains(c)) {
                    break;
                }
                reported.extend_from_slice(cycle);
                let first = *cycle.iter().min().expect("a cycle has files");
                let Some(Parent::File(_, origin)) = chains.parents.get(&first) else {
                    break;
                };
                let mut names: Vec<&str> = Vec::new();
                let mut c = first;
                loop {
                    names.push(sources.name(c));
                    let Some(Parent::File(next, _)) = chains.parents.get(&c) else {
                        break;
                    };
                    c = *next;
                    if c == first {
                        names.push(sources.name(c));
                        break;
                    }
                }
                diags.push(
                    Diag::error("layers/cycle", format!("a cycle of `extends`: {}", names.join(" → ")))
                        .at(origin.clone(), "starts the cycle")
                        .key(EXTENDS_KEY)
                        .help("one of these files must extend another environment, a layer, or the base (no `extends`)"),
                );
                break;
            }
            path.push(*p);
            at = *p;
        }
    }
}

/// Removes `extends` from a loaded file before it is merged.
pub fn strip(entry: &mut Entry) {
    if let Node::Table(t) = &mut entry.node {
        t.shift_remove(EXTENDS_KEY);
    }
}

/// "overlays/aiv-staging.toml, over overlays/aiv.toml, over base/platform.toml".
pub fn describe(files: &[&str]) -> String {
    files
        .iter()
        .rev()
        .copied()
        .collect::<Vec<_>>()
        .join(", over ")
}
