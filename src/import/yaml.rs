//! Values files read the way Helm reads them, with the place of every value.
//!
//! Helm parses values with go-yaml v2 (through `sigs.k8s.io/yaml`): YAML 1.1
//! scalars, so a plain `yes`, `on` or `y` is `true`; anchors, aliases and
//! `<<` merge keys are resolved; a mapping key given twice is an error. The
//! document becomes JSON data, and each value's place (its key, or its list
//! item) is kept under its JSON pointer, so that what `import` writes can say
//! which file and line it came from.

use crate::diag::Diag;
use crate::source::{FileId, Origin, Sources};
use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::{BTreeMap, HashMap};

/// Where each value of a document was written, by JSON pointer (`""` is the
/// whole document). For a mapping entry it is the key; for a list item, the item.
pub type Places = BTreeMap<String, Origin>;

/// A values file read into data.
#[derive(Debug, Clone)]
pub struct Doc {
    pub value: Value,
    pub places: Places,
    /// Plain scalars that YAML 1.1 reads as booleans (`yes`, `on`): Helm
    /// reads them so, and so does `import`, which says so.
    pub yaml11_booleans: Vec<(String, Origin, String)>,
}

/// A place key no JSON pointer can be: marks a plain `<<` (a merge key).
const MERGE_TOKEN: &str = "<<merge>>";

/// How many values aliases may copy in one file.
const MAX_ALIASED: usize = 100_000;

struct Frame {
    kind: FrameKind,
    anchor: usize,
    places: Places,
    /// Where the collection starts.
    start: Origin,
}

enum FrameKind {
    Seq(Vec<Value>),
    Map {
        map: Map<String, Value>,
        /// The key read, waiting for its value, and where it was.
        key: Option<(String, Origin)>,
        /// The keys written in this mapping (not merged in): a repeated one is an error.
        explicit: std::collections::HashSet<String>,
        merge_key: bool,
    },
}

/// Reads one values file. An empty file is an empty mapping (as in Helm).
pub fn parse(sources: &Sources, file: FileId) -> Result<Doc, Box<Diag>> {
    let text = &sources.get(file).text;
    let offsets = LineOffsets::new(text);
    let at = |span: &Span| -> Origin {
        let start = offsets.byte(span.start.line(), span.start.col());
        let end = offsets.byte(span.end.line(), span.end.col()).max(start);
        Origin::new(file, start..end)
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Value, Places, String)> = HashMap::new();
    let mut result: Option<(Value, Places)> = None;
    let mut documents = 0;
    // values copied by aliases so far, against a document of exponential size
    let mut expanded = 0usize;
    let mut yaml11 = Vec::new();
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let m = e.marker();
                let start = offsets.byte(m.line(), m.col());
                return Err(Box::new(Diag::error("import/yaml", format!("not valid YAML: {}", e.info()))
                    .at(Origin::new(file, start..start), e.info())
                    .help("Helm could not read this file either: fix the YAML (indentation with spaces, closed brackets and quotes)")));
            }
        };
        let origin = at(&span);
        // a node: its value and the places below it, relative to its own pointer
        let node: Option<(Value, Places, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => None,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(Box::new(Diag::error(
                        "import/yaml",
                        "a values file with more than one YAML document",
                    )
                    .at(origin, "a second document starts here")
                    .help("Helm reads one document per values file: split it into files and stack them (`--env NAME=a.yaml,b.yaml`)")));
                }
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((_, p, _))
                    if {
                        expanded += p.len().max(1);
                        expanded > MAX_ALIASED
                    } =>
                {
                    return Err(Box::new(
                        Diag::error("import/yaml", "excessive aliasing: the aliases expand to more than 100,000 values")
                            .at(origin, "one alias too many")
                            .help("Helm refuses this too (a \"billion laughs\" document): write the values out"),
                    ));
                }
                Some((v, p, _)) => Some((v.clone(), p.clone(), 0)),
                None => {
                    return Err(Box::new(
                        Diag::error("import/yaml", "an alias to no anchor")
                            .at(origin, "no anchor of this name before it")
                            .help("define the anchor (`&name`) before its alias (`*name`)"),
                    ));
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| t.to_string());
                let v = scalar(&text, style, tag.as_deref());
                if style == ScalarStyle::Plain
                    && v.is_boolean()
                    && !matches!(text.to_ascii_lowercase().as_str(), "true" | "false")
                {
                    yaml11.push((String::new(), origin.clone(), text.to_string()));
                }
                let mut places = Places::new();
                places.insert(String::new(), origin.clone());
                // go-yaml v2 merges on a plain `<<` (or one tagged `!!merge`), not a quoted one
                if text == "<<"
                    && (style == ScalarStyle::Plain
                        || tag.as_deref().is_some_and(|t| t.ends_with("merge")))
                {
                    places.insert(MERGE_TOKEN.into(), origin.clone());
                }
                Some((v, places, anchor))
            }
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Frame {
                    kind: FrameKind::Seq(Vec::new()),
                    anchor,
                    places: Places::new(),
                    start: origin.clone(),
                });
                None
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Frame {
                    kind: FrameKind::Map {
                        map: Map::new(),
                        key: None,
                        explicit: Default::default(),
                        merge_key: false,
                    },
                    anchor,
                    places: Places::new(),
                    start: origin.clone(),
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop().expect("the parser balances collections");
                let value = match frame.kind {
                    FrameKind::Seq(items) => Value::Array(items),
                    FrameKind::Map { map, .. } => {
                        let places = frame.places;
                        let value = Value::Object(map);
                        let anchor = frame.anchor;
                        deliver(
                            &mut stack,
                            &mut anchors,
                            &mut result,
                            (value, places, anchor),
                            frame.start,
                        )?;
                        continue;
                    }
                };
                deliver(
                    &mut stack,
                    &mut anchors,
                    &mut result,
                    (value, frame.places, frame.anchor),
                    frame.start,
                )?;
                continue;
            }
            _ => None,
        };
        if let Some(node) = node {
            deliver(&mut stack, &mut anchors, &mut result, node, origin)?;
        }
    }
    let (value, places) = result.unwrap_or((Value::Object(Map::new()), Places::new()));
    // the YAML 1.1 booleans' pointers: found by their origin
    let yaml11_booleans = yaml11
        .into_iter()
        .map(|(_, o, t)| {
            // the value's key (or list item): the last place that starts before it
            let p = places
                .iter()
                .filter(|(_, po)| po.file == o.file && po.span.start <= o.span.start)
                .max_by_key(|(_, po)| po.span.start)
                .map(|(p, _)| p.clone())
                .unwrap_or_default();
            (p, o, t)
        })
        .collect();
    Ok(Doc {
        value,
        places,
        yaml11_booleans,
    })
}

/// Hands a finished node to its parent (a list item, a key, a key's value,
/// a merge), or makes it the document.
fn deliver(
    stack: &mut [Frame],
    anchors: &mut HashMap<usize, (Value, Places, String)>,
    result: &mut Option<(Value, Places)>,
    (value, places, anchor): (Value, Places, usize),
    origin: Origin,
) -> Result<(), Box<Diag>> {
    if anchor != 0 {
        anchors.insert(anchor, (value.clone(), places.clone(), String::new()));
    }
    let Some(parent) = stack.last_mut() else {
        *result = Some((value, places));
        return Ok(());
    };
    match &mut parent.kind {
        FrameKind::Seq(items) => {
            let rel = format!("/{}", items.len());
            for (p, o) in places {
                parent.places.insert(format!("{rel}{p}"), o);
            }
            parent.places.insert(rel, origin);
            items.push(value);
        }
        FrameKind::Map {
            map,
            key,
            explicit,
            merge_key,
        } => match key.take() {
            None => {
                let name = match &value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".to_string(),
                    _ => {
                        return Err(Box::new(
                            Diag::error("import/yaml", "a mapping key that is not a scalar")
                                .at(origin, "a list or mapping as a key")
                                .help("Helm values need text keys"),
                        ));
                    }
                };
                *merge_key = name == "<<" && places.contains_key(MERGE_TOKEN);
                if !*merge_key && !explicit.insert(name.clone()) {
                    return Err(Box::new(
                        Diag::error(
                            "import/duplicate-key",
                            format!("`{name}` is given twice in one mapping"),
                        )
                        .at(origin, "given again here")
                        .help("Helm refuses a mapping with a repeated key: keep one"),
                    ));
                }
                let key_origin = places.get("").cloned().unwrap_or(origin);
                *key = Some((name, key_origin));
            }
            Some((name, key_origin)) => {
                if *merge_key {
                    *merge_key = false;
                    // go-yaml v2 merges in place, in document order: a merge
                    // overrides the keys before it, the keys after it
                    // override the merge; of `<<: [*a, *b]`, the first wins
                    let mut merge_in = |m: Map<String, Value>, mp: Places| {
                        for (k, v) in m {
                            let rel = format!("/{}", crate::tree::escape_pointer(&k));
                            let under = format!("{rel}/");
                            parent
                                .places
                                .retain(|p, _| p != &rel && !p.starts_with(&under));
                            for (p, o) in &mp {
                                if p == &rel || p.starts_with(&under) {
                                    parent.places.insert(p.clone(), o.clone());
                                }
                            }
                            map.insert(k, v);
                        }
                    };
                    match value {
                        Value::Array(list) => {
                            let n = list.len();
                            for (i, v) in list.into_iter().enumerate().rev() {
                                let Value::Object(m) = v else {
                                    return Err(Box::new(Diag::error("import/yaml", "a `<<` merge of something that is not a mapping")
                                        .at(key_origin, format!("item {} of {n} is not a mapping", i + 1))
                                        .help("`<<:` takes an alias of a mapping (`<<: *defaults`) or a list of them")));
                                };
                                merge_in(m, below(&places, &format!("/{i}")));
                            }
                        }
                        Value::Object(m) => merge_in(m, places),
                        _ => {
                            return Err(Box::new(Diag::error("import/yaml", "a `<<` merge of something that is not a mapping")
                                .at(key_origin, "merges a scalar")
                                .help("`<<:` takes an alias of a mapping (`<<: *defaults`) or a list of them")));
                        }
                    }
                    return Ok(());
                }
                let rel = format!("/{}", crate::tree::escape_pointer(&name));
                for (p, o) in places {
                    if !p.is_empty() {
                        parent.places.insert(format!("{rel}{p}"), o);
                    }
                }
                parent.places.insert(rel, key_origin);
                map.insert(name, value);
            }
        },
    }
    Ok(())
}

/// The places under `prefix`, relative to it.
pub fn below(places: &Places, prefix: &str) -> Places {
    places
        .iter()
        .filter_map(|(p, o)| {
            p.strip_prefix(prefix)
                .filter(|r| r.is_empty() || r.starts_with('/'))
                .map(|r| (r.to_string(), o.clone()))
        })
        .collect()
}

/// A scalar as go-yaml v2 resolves it.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    if let Some(tag) = tag
        && (tag.ends_with(":str") || tag == "!!str" || tag.ends_with("str"))
    {
        return Value::String(text.to_string());
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    resolve_plain(text)
}

/// YAML 1.1 resolution of a plain scalar (go-yaml v2's table).
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            // JSON has no infinities: kept as text (Helm would carry a float)
            return Value::String(text.to_string());
        }
        _ => {}
    }
    // go-yaml v2: underscores dropped, then strconv.ParseInt(s, 0, 64),
    // ParseUint, then its float pattern
    let plain = text.replace('_', "");
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let (radix, body) = if let Some(b) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, b)
    } else if let Some(b) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, b)
    } else if let Some(b) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if !body.is_empty()
        && body.chars().all(|c| c.is_digit(radix))
        && let Ok(u) = u64::from_str_radix(body, radix)
    {
        match (neg, i64::try_from(u)) {
            (false, Ok(i)) => return Value::from(i),
            (false, Err(_)) => return Value::from(u),
            (true, Ok(i)) => return Value::from(-i),
            (true, Err(_)) if u == i64::MIN.unsigned_abs() => return Value::from(i64::MIN),
            (true, Err(_)) => {}
        }
    }
    // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
    let float_like = {
        let (mantissa, exponent) = match digits.find(['e', 'E']) {
            Some(k) => (&digits[..k], Some(&digits[k + 1..])),
            None => (digits, None),
        };
        let mantissa_ok = match mantissa.split_once('.') {
            Some((a, b)) => {
                a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit())
                    && (!a.is_empty() || !b.is_empty())
            }
            None => !mantissa.is_empty() && mantissa.bytes().all(|c| c.is_ascii_digit()),
        };
        let exponent_ok = exponent.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
        });
        mantissa_ok && exponent_ok
    };
    if float_like
        && let Ok(f) = plain.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

/// Line and column (the parser's: 1-based line, 0-based character column)
/// to a byte offset.
struct LineOffsets<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineOffsets { text, starts }
    }

    fn byte(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        start
            + rest
                .char_indices()
                .nth(col)
                .map(|(i, _)| i)
                .unwrap_or(rest.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Doc {
        let mut s = Sources::new();
        let id = s.add("v.yaml", text);
        parse(&s, id).unwrap()
    }

    #[test]
    fn yaml11_scalars_as_helm_reads_them() {
        let d = read(
            "a: yes\nb: 'yes'\nc: 0755\nd: 1.5\ne: ~\nf: 1_000\ng: 0x1F\nh: v1\ni: 08\nj: 0o17\nk: 0X1F\nl: 18446744073709551615\nm: 1e3\no: .5\n",
        );
        assert_eq!(
            d.value,
            serde_json::json!({"a": true, "b": "yes", "c": 493, "d": 1.5, "e": null, "f": 1000, "g": 31, "h": "v1",
                "i": 8.0, "j": 15, "k": 31, "l": 18446744073709551615u64, "m": 1000.0, "o": 0.5})
        );
        assert_eq!(d.yaml11_booleans.len(), 1);
        assert_eq!(d.yaml11_booleans[0].0, "/a");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let d =
            read("base: &b\n  x: 1\n  z: 2\nuse:\n  <<: *b\n  z: 3\nlist: &l [1, 2]\nagain: *l\n");
        assert_eq!(d.value["use"], serde_json::json!({"z": 3, "x": 1}));
        assert_eq!(d.value["again"], serde_json::json!([1, 2]));
        // the merged key's place is the anchor's line
        let s = &d.places["/use/x"];
        assert_eq!(s.span.start, 11);
        // as go-yaml v2: a merge overrides the keys before it; a quoted `<<` is a key
        let d = read("a: &a {k: 1}\nb:\n  k: 4\n  <<: *a\nc: {\"<<\": 2}\n");
        assert_eq!(d.value["b"], serde_json::json!({"k": 1}));
        assert_eq!(d.value["c"], serde_json::json!({"<<": 2}));
    }

    #[test]
    fn places_are_the_keys() {
        let text = "hub:\n  config:\n    A:\n      b: [1, 2]\n";
        let d = read(text);
        let o = &d.places["/hub/config/A/b"];
        assert_eq!(&text[o.span.clone()], "b");
        assert!(d.places.contains_key("/hub/config/A/b/1"));
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut text = String::from("custom:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let p = i - 1;
            text.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let mut s = Sources::new();
        let id = s.add("v.yaml", text);
        let e = parse(&s, id).unwrap_err();
        assert!(e.message.contains("excessive aliasing"), "{}", e.message);
    }

    #[test]
    fn duplicate_keys_and_bad_yaml_are_errors() {
        let mut s = Sources::new();
        let id = s.add("v.yaml", "a: 1\na: 2\n");
        assert_eq!(parse(&s, id).unwrap_err().code, "import/duplicate-key");
        let id = s.add("w.yaml", "a: [1, 2\n");
        assert_eq!(parse(&s, id).unwrap_err().code, "import/yaml");
    }
}
