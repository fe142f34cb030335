//! Lifting `hub.extraConfig` snippets into `hub.config`.
//!
//! The chart applies `hub.config` first, then runs the snippets in the
//! sorted order of their keys. Applying a liftable snippet's assignments
//! over `hub.config`, in that order, is the same configuration — as long as
//! no snippet that stays reads or sets the same traits (then the order of
//! the two would change). Such a snippet keeps the other one raw too.

use super::python::{self, Assign, Lit, Snippet};
use super::stack::place_of;
use super::yaml::Places;
use crate::diag::Diag;
use crate::source::{FileId, Origin, Sources};
use crate::tree::escape_pointer;
use serde_json::{Map, Value};

/// A snippet lifted into `hub.config`.
#[derive(Debug, Clone)]
pub struct Lifted {
    pub key: String,
    pub place: Origin,
    pub assigns: Vec<Assign>,
}

/// A snippet kept verbatim, and why.
#[derive(Debug, Clone)]
pub struct Kept {
    pub key: String,
    pub place: Origin,
    pub reason: String,
}

/// The snippets of one environment, sorted as the chart runs them.
#[derive(Debug, Default, Clone)]
pub struct Lift {
    pub lifted: Vec<Lifted>,
    pub kept: Vec<Kept>,
}

/// Traits the chart's `jupyterhub_config.py` takes out of `hub.config` (it
/// sets them itself): lifted there, a snippet's value would be lost.
const POPPED: &[(&str, &str)] = &[
    ("JupyterHub", "services"),
    ("JupyterHub", "cookie_secret"),
    ("JupyterHub", "proxy_auth_token"),
    ("ConfigurableHTTPProxy", "auth_token"),
    ("CryptKeeper", "keys"),
];

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.iter().any(has_null),
        Value::Object(m) => m.values().any(has_null),
        _ => false,
    }
}

/// Whether a lifted assignment can be represented without the snippet.
fn representable(a: &Assign) -> Result<(), String> {
    if POPPED.contains(&(a.section.as_str(), a.name.as_str())) {
        return Err(format!(
            "sets `c.{}.{}`, which the chart takes out of `hub.config`",
            a.section, a.name
        ));
    }
    match &a.value {
        // a `null` in the chart's values deletes the key: `None` cannot be said there
        Lit::Data(v) if has_null(v) => Err(format!(
            "sets `c.{}.{}` to (or with) `None`, which the chart's values cannot say",
            a.section, a.name
        )),
        Lit::Data(_) => Ok(()),
        Lit::Class(_) if a.section == "JupyterHub" && a.name == "authenticator_class" => Ok(()),
        Lit::Class(c) => Err(format!(
            "sets `c.{}.{}` to the class `{c}`",
            a.section, a.name
        )),
        Lit::Env(_)
            if matches!(
                (a.section.as_str(), a.name.as_str()),
                (
                    "GitHubOAuthenticator" | "AzureAdOAuthenticator",
                    "client_id" | "client_secret"
                ) | ("AzureAdOAuthenticator", "tenant_id")
            ) =>
        {
            Ok(())
        }
        Lit::Env(v) => Err(format!(
            "sets `c.{}.{}` from the environment variable `{v}` (jhubgen models only GitHub's and Entra ID's client and tenant)",
            a.section, a.name
        )),
    }
}

/// Reads every snippet of `hub.extraConfig`, lifts what can be lifted into
/// `hub.config` of `values` (and removes it from `extraConfig`), and records
/// the places of the lifted assignments.
pub fn lift(
    sources: &Sources,
    values: &mut Value,
    places: &mut Places,
    file: FileId,
) -> Result<Lift, Vec<Diag>> {
    let Some(snippets) = values
        .pointer("/hub/extraConfig")
        .and_then(Value::as_object)
        .cloned()
    else {
        return Ok(Lift::default());
    };
    let mut keys: Vec<&String> = snippets.keys().collect();
    keys.sort();
    let mut errors = Vec::new();
    let mut read = Vec::new();
    for key in keys {
        let pointer = format!("/hub/extraConfig/{}", escape_pointer(key));
        let place = place_of(places, &pointer, file);
        let Some(code) = snippets[key].as_str() else {
            continue; // null (deleted) or not text: the chart's schema has said so
        };
        match python::analyse(code) {
            Ok(s) => read.push((key.clone(), place, code.to_string(), s)),
            Err(e) => {
                let at = locate(sources, &place, code, e.range.start);
                errors.push(
                    Diag::error(
                        "import/python",
                        format!("the `hub.extraConfig` snippet `{key}` is not valid Python: {}", e.message),
                    )
                    .at(at, e.message.clone())
                    .key(format!("hub.extraConfig.{key}"))
                    .help("the hub would fail to start on it (the chart `exec`s every snippet): fix the snippet"),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // decide: lifted unless a statement, a representation or a neighbour keeps it
    let mut raw: Vec<Option<String>> = read
        .iter()
        .map(|(key, _, _, s)| match s {
            _ if key == super::map::SECRETS_SNIPPET => {
                Some("is the one `jhubgen import` writes for moved secrets".to_string())
            }
            Snippet::Raw(r) => Some(r.reason.clone()),
            Snippet::Liftable(assigns) => assigns.iter().find_map(|a| representable(a).err()),
        })
        .collect();
    loop {
        let mut changed = false;
        for i in 0..read.len() {
            if raw[i].is_some() {
                continue;
            }
            let Snippet::Liftable(assigns) = &read[i].3 else {
                continue;
            };
            for j in 0..read.len() {
                if raw[j].is_none() {
                    continue;
                }
                if let Some(name) = python::imported_names(&read[i].2)
                    .into_iter()
                    .find(|n| n != "os" && python::uses_name(&read[j].2, n))
                {
                    raw[i] = Some(format!(
                        "the snippet `{}`, which stays, uses `{name}`, which this one imports (the chart runs every snippet in one namespace)",
                        read[j].0
                    ));
                    changed = true;
                    break;
                }
                let touched = python::mentions(&read[j].2);
                if let Some(a) = assigns.iter().find(|a| {
                    touched
                        .iter()
                        .any(|(s, n)| s == &a.section && n.as_ref().is_none_or(|n| n == &a.name))
                }) {
                    raw[i] = Some(format!(
                        "the snippet `{}`, which stays, also uses `c.{}.{}`",
                        read[j].0, a.section, a.name
                    ));
                    changed = true;
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut out = Lift::default();
    for ((key, place, code, snippet), why) in read.into_iter().zip(raw) {
        match (snippet, why) {
            (Snippet::Liftable(assigns), None) => {
                let ptr = format!("/hub/extraConfig/{}", escape_pointer(&key));
                if let Some(m) = values
                    .pointer_mut("/hub/extraConfig")
                    .and_then(Value::as_object_mut)
                {
                    m.remove(&key);
                }
                places.remove(&ptr);
                for a in &assigns {
                    let target = format!(
                        "/hub/config/{}/{}",
                        escape_pointer(&a.section),
                        escape_pointer(&a.name)
                    );
                    let v = match &a.value {
                        Lit::Data(v) => v.clone(),
                        Lit::Class(c) => Value::String(c.clone()),
                        Lit::Env(var) => Value::String(format!("{ENV_MARK}{var}")),
                    };
                    set(values, &target, v);
                    let at = locate(sources, &place, &code, a.range.start);
                    let under = format!("{target}/");
                    places.retain(|p, _| !p.starts_with(&under));
                    places.insert(target, at);
                }
                out.lifted.push(Lifted {
                    key,
                    place,
                    assigns,
                });
            }
            (_, Some(reason)) => out.kept.push(Kept { key, place, reason }),
            (Snippet::Raw(r), None) => out.kept.push(Kept {
                key,
                place,
                reason: r.reason,
            }),
        }
    }
    if values
        .pointer("/hub/extraConfig")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
        && let Some(h) = values.pointer_mut("/hub").and_then(Value::as_object_mut)
    {
        h.remove("extraConfig");
    }
    Ok(out)
}

/// How an environment read stands in the lifted configuration until the
/// mapping resolves it (`\u{0}env:NAME`): never a value a file could hold.
pub const ENV_MARK: &str = "\u{0}env:";

/// Sets a value at a pointer, creating mappings on the way.
pub fn set(root: &mut Value, pointer: &str, v: Value) {
    let segs = crate::tree::pointer_segments(pointer);
    let mut cur = root;
    for (i, s) in segs.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let m = cur.as_object_mut().expect("made a mapping");
        if i + 1 == segs.len() {
            m.insert(s.clone(), v);
            return;
        }
        cur = m
            .entry(s.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// The place in the file of an offset into a snippet of a block scalar:
/// the snippet's lines are found after its key.
fn locate(sources: &Sources, key: &Origin, code: &str, offset: usize) -> Origin {
    let text = &sources.get(key.file).text;
    let line_in = code[..offset.min(code.len())].matches('\n').count();
    let col = offset
        - code[..offset.min(code.len())]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0);
    let first = code
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let first_index = code.lines().position(|l| l.trim() == first).unwrap_or(0);
    let after = key.span.end.min(text.len());
    let Some(rel) = (!first.is_empty())
        .then(|| text[after..].find(first))
        .flatten()
    else {
        return key.clone();
    };
    let start_of_first = after + rel;
    let line_start = text[..start_of_first]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let indent = start_of_first - line_start;
    // walk forward line by line from the first non-empty line
    let mut pos = line_start;
    let mut lines = line_in as isize - first_index as isize;
    while lines > 0 {
        match text[pos..].find('\n') {
            Some(i) => pos += i + 1,
            None => break,
        }
        lines -= 1;
    }
    // the file's line must be the snippet's (a block scalar); a quoted or
    // folded snippet has no such line: its key is the place
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let wanted = code.lines().nth(line_in).unwrap_or("").trim();
    if text[pos..line_end].trim() != wanted {
        return key.clone();
    }
    let at = (pos + indent + col).min(line_end);
    if !text.is_char_boundary(at) {
        return key.clone();
    }
    Origin::new(key.file, at..line_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lifts the snippets of a values file: what was lifted, the values
    /// after, the places after, and the file's sources.
    fn lifted_with_places(yaml: &str) -> (Lift, Value, Places, Sources) {
        let mut sources = Sources::new();
        let id = sources.add("values.yaml", yaml);
        let doc = super::super::yaml::parse(&sources, id).unwrap();
        let (mut v, mut places) = (doc.value, doc.places);
        let l = lift(&sources, &mut v, &mut places, id).unwrap();
        (l, v, places, sources)
    }

    fn lifted(yaml: &str) -> (Lift, Value) {
        let (l, v, _, _) = lifted_with_places(yaml);
        (l, v)
    }

    #[test]
    fn plain_configuration_is_lifted_in_the_charts_order() {
        let (l, v) = lift_pair();
        assert_eq!(l.lifted.len(), 2);
        assert!(l.kept.is_empty());
        // `20-` runs after `10-`: its value wins, as it did
        assert_eq!(
            v.pointer("/hub/config/KubeSpawner/start_timeout"),
            Some(&serde_json::json!(600))
        );
        assert!(v.pointer("/hub/extraConfig").is_none());
    }

    fn lift_pair() -> (Lift, Value) {
        lifted(
            "hub:\n  extraConfig:\n    20-b: |\n      c.KubeSpawner.start_timeout = 600\n    10-a: |\n      c.KubeSpawner.start_timeout = 300\n      c.KubeSpawner.http_timeout = 60\n",
        )
    }

    #[test]
    fn a_snippet_that_stays_keeps_the_ones_it_reads_in_place() {
        let (l, v) = lifted(
            "hub:\n  extraConfig:\n    10-orgs: |\n      c.GitHubOAuthenticator.allowed_organizations = ['a']\n    20-hook: |\n      if 'b' not in c.GitHubOAuthenticator.allowed_organizations:\n          c.GitHubOAuthenticator.allowed_organizations.append('b')\n",
        );
        assert!(l.lifted.is_empty(), "{:?}", l.lifted);
        assert_eq!(l.kept.len(), 2);
        assert_eq!(
            l.kept[0].reason,
            "the snippet `20-hook`, which stays, also uses `c.GitHubOAuthenticator.allowed_organizations`"
        );
        assert_eq!(l.kept[1].reason, "has a condition (`if`)");
        assert!(v.pointer("/hub/extraConfig/10-orgs").is_some());
    }

    #[test]
    fn a_quoted_snippet_is_placed_at_its_key() {
        // no line of the file is the snippet's: its key is the place (no panic
        // on the multi-byte text after it)
        let yaml = "hub:\n  extraConfig:\n    10-a: \"c.KubeSpawner.start_timeout = 1\\nc.KubeSpawner.http_timeout = 2\\n\"\n# éééééééé\n";
        let (_, _, places, sources) = lifted_with_places(yaml);
        let o = &places["/hub/config/KubeSpawner/http_timeout"];
        assert_eq!(sources.line_col(o.file, o.span.start).0, 3);
    }

    #[test]
    fn an_assignment_points_at_its_line_of_the_file() {
        let yaml = "hub:\n  extraConfig:\n    10-a: |\n      c.A.x = 1\n      c.A.y = 2\n";
        let (_, _, places, sources) = lifted_with_places(yaml);
        let o = &places["/hub/config/A/y"];
        assert_eq!(sources.line_col(o.file, o.span.start), (5, 7));
    }
}
