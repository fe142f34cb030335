//! Merge: fold the base files and one overlay into a single spec tree.
//!
//! Files are applied in order (base files by name, then the overlay). For each
//! file, first its top-level `delete = [...]` list removes inherited keys or
//! profiles, then its values are merged:
//!
//! - tables merge key by key, recursively;
//! - scalars and plain arrays replace the inherited value whole;
//! - arrays with an identity key (`profiles`, by `slug`) merge element by
//!   element: an element whose slug exists merges into it as a table, a new
//!   slug is appended;
//! - a value of another type than the inherited one replaces it (the schema
//!   check then says whether the new type is allowed).
//!
//! Every value keeps the [`Prov`] of the file that set it; a replacing value
//! records the value and provenance it replaced, which is what `explain` and
//! the "base value was set here" labels show. Deleting something that is not
//! there is an error: it is almost always a typo or a stale overlay.

use crate::diag::Diag;
use crate::source::Origin;
use crate::tree::{Entry, Node, Prov, Replaced};
use serde_json::Value;

/// Arrays whose elements are merged by an identity key: (JSON pointer, key).
pub const IDENTITY_ARRAYS: &[(&str, &str)] = &[("/profiles", "slug")];

/// The key that lists what a file deletes from what it inherits.
pub const DELETE_KEY: &str = "delete";

/// What a `delete` removed: kept so that `explain` can say why a key is missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Tombstone {
    /// The path as the `delete` entry wrote it (`profiles[gpu-large]`).
    pub path: String,
    /// The `delete` entry.
    pub at: Origin,
    /// What it removed, and where that had been set.
    pub value: Value,
    pub prov: crate::tree::Prov,
}

/// Merges `layers` (base files first, overlay last) into one tree.
pub fn merge(layers: Vec<Entry>) -> Result<Entry, Vec<Diag>> {
    merge_recording(layers).map(|(tree, _)| tree)
}

/// [`merge`], also returning what every `delete` removed, in order.
pub fn merge_recording(layers: Vec<Entry>) -> Result<(Entry, Vec<Tombstone>), Vec<Diag>> {
    let mut diags = Vec::new();
    let mut tombstones = Vec::new();
    let mut acc: Option<Entry> = None;
    for mut layer in layers {
        let deletes = match &mut layer.node {
            Node::Table(t) => t.shift_remove(DELETE_KEY),
            _ => None,
        };
        check_identities(&layer, "", &mut diags);
        match acc.as_mut() {
            None => {
                if let Some(d) = deletes {
                    apply_deletes(None, d, &mut diags, &mut tombstones);
                }
                acc = Some(layer);
            }
            Some(tree) => {
                if let Some(d) = deletes {
                    apply_deletes(Some(tree), d, &mut diags, &mut tombstones);
                }
                merge_into(tree, layer, "");
            }
        }
    }
    if diags.is_empty() {
        Ok((acc.expect("merge is given at least one layer"), tombstones))
    } else {
        Err(diags)
    }
}

fn identity_key(pointer: &str) -> Option<&'static str> {
    IDENTITY_ARRAYS
        .iter()
        .find(|(p, _)| *p == pointer)
        .map(|(_, k)| *k)
}

fn identity_of<'a>(e: &'a Entry, key: &str) -> Option<&'a str> {
    e.as_table()?.get(key)?.as_str()
}

fn merge_into(dst: &mut Entry, src: Entry, pointer: &str) {
    match (&mut dst.node, src.node) {
        (Node::Table(d), Node::Table(s)) => {
            for (k, v) in s {
                let child = format!("{pointer}/{}", crate::tree::escape_pointer(&k));
                match d.get_mut(&k) {
                    Some(existing) => merge_into(existing, v, &child),
                    None => {
                        d.insert(k, v);
                    }
                }
            }
        }
        (Node::Array(d), Node::Array(s)) if identity_key(pointer).is_some() => {
            let key = identity_key(pointer).expect("checked by the guard");
            for item in s {
                let id = identity_of(&item, key).map(str::to_string);
                let slot = id.as_deref().and_then(|id| {
                    d.iter_mut()
                        .find(|existing| identity_of(existing, key) == Some(id))
                });
                match slot {
                    Some(existing) => merge_into(existing, item, &format!("{pointer}/*")),
                    None => d.push(item),
                }
            }
        }
        (_, node) => {
            let old = std::mem::replace(
                dst,
                Entry {
                    node,
                    prov: src.prov,
                },
            );
            dst.prov.replaced = Some(Box::new(Replaced {
                value: old.value(),
                prov: old.prov,
            }));
        }
    }
}

/// Every element of an identity array must be a table with a string identity, once.
fn check_identities(e: &Entry, pointer: &str, diags: &mut Vec<Diag>) {
    match &e.node {
        Node::Table(t) => {
            for (k, v) in t {
                check_identities(
                    v,
                    &format!("{pointer}/{}", crate::tree::escape_pointer(k)),
                    diags,
                );
            }
        }
        Node::Array(items) => {
            let Some(key) = identity_key(pointer) else {
                return;
            };
            let name = &pointer[1..];
            let mut seen: Vec<(&str, &Prov)> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if item.as_table().is_none() {
                    diags.push(
                        Diag::error(
                            "merge/not-a-table",
                            format!("each of `{name}` must be a table"),
                        )
                        .at(
                            item.prov.value.clone(),
                            format!("this is {}", item.type_name()),
                        )
                        .key(format!("{name}[{i}]"))
                        .help(format!("write it as `[[{name}]]` with a `{key}` key")),
                    );
                    continue;
                }
                let id_entry = item.as_table().and_then(|t| t.get(key));
                match id_entry.and_then(Entry::as_str) {
                    None => {
                        let at = id_entry.map_or(&item.prov.value, |e| &e.prov.value);
                        diags.push(
                            Diag::error(
                                "merge/missing-identity",
                                format!("an entry of `{name}` has no string `{key}`"),
                            )
                            .at(at.clone(), format!("`{key}` missing here"))
                            .key(format!("{name}[{i}]"))
                            .help(format!(
                                "give every entry a `{key}` (e.g. `{key} = \"gpu-large\"`): overlays change, add and delete entries by it"
                            )),
                        );
                    }
                    Some(id) => {
                        let here = &id_entry.expect("has a string id").prov;
                        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
                            diags.push(
                                Diag::error(
                                    "merge/duplicate-identity",
                                    format!("`{name}` has two entries with {key} `{id}`"),
                                )
                                .at(here.value.clone(), "second entry")
                                .also(first.value.clone(), "first entry")
                                .key(format!("{name}[{id}]"))
                                .help(format!("give each entry its own `{key}`, or merge the two")),
                            );
                        } else {
                            seen.push((id, here));
                        }
                    }
                }
            }
        }
        Node::Scalar(_) => {}
    }
}

/// One step of a delete path: a key, or an identity-array element.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Id(String),
}

fn apply_deletes(
    tree: Option<&mut Entry>,
    deletes: Entry,
    diags: &mut Vec<Diag>,
    tombstones: &mut Vec<Tombstone>,
) {
    let items = match deletes.node {
        Node::Array(items) => items,
        _ => {
            diags.push(
                Diag::error(
                    "merge/delete-syntax",
                    "`delete` must be an array of key paths",
                )
                .at(
                    deletes.prov.value.clone(),
                    format!("this is {}", deletes.type_name()),
                )
                .key(DELETE_KEY)
                .help("e.g. `delete = [\"profiles[gpu-large]\", \"ingress.annotations\"]`"),
            );
            return;
        }
    };
    let mut tree = tree;
    for item in items {
        let origin = item.prov.value.clone();
        let Some(text) = item.as_str() else {
            diags.push(
                Diag::error(
                    "merge/delete-syntax",
                    "each `delete` entry must be a string key path",
                )
                .at(origin, format!("this is {}", item.type_name()))
                .key(DELETE_KEY)
                .help("e.g. `\"monitoring.labels.release\"` or `\"profiles[gpu-large]\"`"),
            );
            continue;
        };
        let steps = match parse_path(text) {
            Ok(s) => s,
            Err(why) => {
                diags.push(
                    Diag::error("merge/delete-syntax", format!("invalid key path `{text}`: {why}"))
                        .at(origin, why)
                        .key(DELETE_KEY)
                        .help("write dotted keys, quote keys with dots (`labels.\"app.kubernetes.io/name\"`), and name profiles by slug (`profiles[gpu-large]`)"),
                );
                continue;
            }
        };
        let removed = tree.as_deref_mut().and_then(|t| remove_path(t, &steps, ""));
        if let Some(gone) = removed {
            tombstones.push(Tombstone {
                path: text.to_string(),
                at: origin,
                value: gone.value(),
                prov: gone.prov,
            });
        } else {
            diags.push(
                Diag::error("merge/delete-nothing", format!("nothing to delete at `{text}`"))
                    .at(origin, "no inherited value here")
                    .key(DELETE_KEY)
                    .help("a delete removes a key or profile that a layer below this file set (the base, or what it `extends`); remove this entry or fix its path"),
            );
        }
    }
}

fn remove_path(e: &mut Entry, steps: &[Step], pointer: &str) -> Option<Entry> {
    let (first, rest) = steps.split_first()?;
    match (&mut e.node, first) {
        (Node::Table(t), Step::Key(k)) => {
            let child = format!("{pointer}/{}", crate::tree::escape_pointer(k));
            if rest.is_empty() {
                t.shift_remove(k)
            } else {
                remove_path(t.get_mut(k)?, rest, &child)
            }
        }
        (Node::Array(items), Step::Id(id)) => {
            let key = identity_key(pointer)?;
            let i = items.iter().position(|x| identity_of(x, key) == Some(id))?;
            if rest.is_empty() {
                Some(items.remove(i))
            } else {
                remove_path(&mut items[i], rest, &format!("{pointer}/*"))
            }
        }
        _ => None,
    }
}

/// Parses `a.b."c.d"[slug].e` into steps.
fn parse_path(text: &str) -> Result<Vec<Step>, &'static str> {
    let mut steps = Vec::new();
    let mut chars = text.chars().peekable();
    let mut expect_key = true;
    while let Some(&c) = chars.peek() {
        match c {
            '"' => {
                if !expect_key {
                    return Err("expected `.` or `[` before a quoted key");
                }
                chars.next();
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => key.push(c),
                            None => return Err("unterminated quoted key"),
                        },
                        Some(c) => key.push(c),
                        None => return Err("unterminated quoted key"),
                    }
                }
                steps.push(Step::Key(key));
                expect_key = false;
            }
            '.' => {
                if expect_key {
                    return Err("empty key");
                }
                chars.next();
                expect_key = true;
            }
            '[' => {
                if expect_key {
                    return Err("`[` must follow a key");
                }
                chars.next();
                let mut id = String::new();
                loop {
                    match chars.next() {
                        Some(']') => break,
                        Some(c) => id.push(c),
                        None => return Err("unterminated `[`"),
                    }
                }
                if id.is_empty() {
                    return Err("empty `[]`");
                }
                steps.push(Step::Id(id));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                if !expect_key {
                    return Err("expected `.` between keys");
                }
                let mut key = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        key.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                steps.push(Step::Key(key));
                expect_key = false;
            }
            _ => return Err("unexpected character; quote keys that are not bare TOML keys"),
        }
    }
    if expect_key {
        return Err("the path ends without a key");
    }
    Ok(steps)
}

/// The provenance of the value a replacing value overrode, if any (for labels).
pub fn replaced_origin(prov: &Prov) -> Option<&Origin> {
    prov.replaced.as_ref().map(|r| r.prov.origin())
}

/// Renders a replaced value compactly for `explain`-style notes.
pub fn short_value(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;
    use crate::source::Sources;
    use serde_json::json;

    fn run(files: &[(&str, &str)]) -> (Sources, Result<Entry, Vec<Diag>>) {
        let mut s = Sources::new();
        let ids: Vec<_> = files.iter().map(|(n, t)| s.add(*n, *t)).collect();
        let layers = ids
            .iter()
            .map(|&id| load(&s, id).expect("valid TOML"))
            .collect();
        let r = merge(layers);
        (s, r)
    }

    const BASE: &str = r#"
[image]
name = "base"
tag = "v1"
[storage]
access_modes = ["ReadWriteOnce"]
[[profiles]]
slug = "cpu"
display_name = "CPU"
cpu = { limit = 2.0 }
[[profiles]]
slug = "gpu"
gpus = 1
"#;

    #[test]
    fn tables_merge_deeply_and_scalars_replace() {
        let (s, r) = run(&[("base.toml", BASE), ("o.toml", "[image]\ntag = \"v2\"\n")]);
        let (v, map) = r.unwrap().to_json();
        assert_eq!(v["image"], json!({"name": "base", "tag": "v2"}));
        let prov = &map["/image/tag"];
        assert_eq!(s.locate(prov.origin()), "o.toml:2:7");
        let old = prov.replaced.as_ref().unwrap();
        assert_eq!(old.value, json!("v1"));
        assert_eq!(s.locate(old.prov.origin()), "base.toml:4:7");
        assert_eq!(s.locate(map["/image/name"].origin()), "base.toml:3:8");
    }

    #[test]
    fn plain_arrays_replace() {
        let (_, r) = run(&[
            ("b", BASE),
            ("o", "[storage]\naccess_modes = [\"ReadWriteMany\"]\n"),
        ]);
        let (v, map) = r.unwrap().to_json();
        assert_eq!(v["storage"]["access_modes"], json!(["ReadWriteMany"]));
        assert_eq!(
            map["/storage/access_modes"]
                .replaced
                .as_ref()
                .unwrap()
                .value,
            json!(["ReadWriteOnce"])
        );
    }

    #[test]
    fn profiles_merge_by_slug() {
        let overlay =
            "[[profiles]]\nslug = \"gpu\"\ngpus = 2\n[[profiles]]\nslug = \"big\"\ngpus = 4\n";
        let (s, r) = run(&[("b", BASE), ("o", overlay)]);
        let (v, map) = r.unwrap().to_json();
        let slugs: Vec<_> = v["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["slug"].clone())
            .collect();
        assert_eq!(slugs, vec![json!("cpu"), json!("gpu"), json!("big")]);
        assert_eq!(v["profiles"][1]["gpus"], json!(2));
        assert_eq!(s.locate(map["/profiles/1/gpus"].origin()), "o:3:8");
        assert_eq!(
            map["/profiles/1/gpus"].replaced.as_ref().unwrap().value,
            json!(1)
        );
        assert_eq!(v["profiles"][0]["cpu"], json!({"limit": 2.0}));
    }

    #[test]
    fn delete_removes_keys_and_profiles() {
        let overlay = "delete = [\"profiles[gpu]\", \"image.tag\", \"profiles[cpu].cpu.limit\"]\n";
        let (_, r) = run(&[("b", BASE), ("o", overlay)]);
        let (v, _) = r.unwrap().to_json();
        assert_eq!(v["profiles"].as_array().unwrap().len(), 1);
        assert_eq!(v["image"], json!({"name": "base"}));
        assert_eq!(v["profiles"][0]["cpu"], json!({}));
        assert!(v.get("delete").is_none());
    }

    #[test]
    fn delete_then_redefine_in_the_same_overlay() {
        let overlay =
            "delete = [\"profiles[gpu]\"]\n[[profiles]]\nslug = \"gpu\"\ndisplay_name = \"new\"\n";
        let (_, r) = run(&[("b", BASE), ("o", overlay)]);
        let (v, _) = r.unwrap().to_json();
        assert_eq!(
            v["profiles"][1],
            json!({"slug": "gpu", "display_name": "new"})
        );
    }

    #[test]
    fn delete_of_nothing_is_an_error_at_the_entry() {
        let overlay = "delete = [\"profiles[nope]\", \"image.nope\", \"a..b\"]\n";
        let (s, r) = run(&[("b", BASE), ("o", overlay)]);
        let diags = r.unwrap_err();
        let codes: Vec<_> = diags
            .iter()
            .map(|d| (d.code, s.locate(&d.primary.as_ref().unwrap().origin)))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("merge/delete-nothing", "o:1:11".to_string()),
                ("merge/delete-nothing", "o:1:29".to_string()),
                ("merge/delete-syntax", "o:1:43".to_string()),
            ]
        );
    }

    #[test]
    fn profiles_need_a_unique_slug() {
        let overlay = "[[profiles]]\ndisplay_name = \"x\"\n[[profiles]]\nslug = \"a\"\n[[profiles]]\nslug = \"a\"\n";
        let (_, r) = run(&[("b", BASE), ("o", overlay)]);
        let codes: Vec<_> = r.unwrap_err().iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec!["merge/missing-identity", "merge/duplicate-identity"]
        );
    }

    #[test]
    fn path_parser() {
        assert_eq!(
            parse_path(r#"a.b."c.d"[x].e"#).unwrap(),
            vec![
                Step::Key("a".into()),
                Step::Key("b".into()),
                Step::Key("c.d".into()),
                Step::Id("x".into()),
                Step::Key("e".into())
            ]
        );
        for bad in ["", "a.", ".a", "a..b", "[x]", "a[", "a b", "\"a"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }
}
