//! Layers: the loader, the `extends` chains and the merge, without the
//! schema and the emitters. The input is split at NUL bytes into up to four
//! files — `overlays/a.toml`, `overlays/b.toml`, `layers/l.toml`, and an
//! extra base file `base/zz.toml` — over the repository's real
//! `base/platform.toml`, so chains (`extends = "a"`, `"l"`, cycles, unknown
//! parents), deletes of inherited keys and profiles merged by slug through
//! several layers all get reached. Every merged environment is flattened with
//! provenance, and every diagnostic's spans checked to lie in their files.
//! Property: no panic, no hang.

#![no_main]

use jhubgen::project::Project;
use jhubgen::source::Sources;
use libfuzzer_sys::fuzz_target;
use std::hint::black_box;

const BASE: &str = include_str!("../../base/platform.toml");

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0);
    let mut sources = Sources::new();
    let mut base = vec![sources.add("base/platform.toml", BASE)];
    let mut overlays = Vec::new();
    let mut layers = Vec::new();
    for (i, name) in ["overlays/a.toml", "overlays/b.toml", "layers/l.toml", "base/zz.toml"]
        .iter()
        .enumerate()
    {
        let Some(bytes) = parts.next() else { break };
        let id = sources.add(*name, String::from_utf8_lossy(bytes).as_ref());
        match i {
            0 => overlays.push(("a".to_string(), id)),
            1 => overlays.push(("b".to_string(), id)),
            2 => layers.push(("l".to_string(), id)),
            _ => base.push(id),
        }
    }
    let project = Project {
        root: ".".into(),
        sources,
        base,
        overlays,
        layers,
        diags: Vec::new(),
    };
    let (merged, diags) = jhubgen::merge_chains(&project, &[]);
    for m in &merged {
        let (doc, provs) = m.tree.to_json();
        black_box((doc.is_object(), provs.len(), m.tombstones.len(), m.inputs.len()));
    }
    // every span lies in its file (the renderers, slow, are the other targets' work)
    for d in &diags {
        for label in d.primary.iter().chain(&d.secondary) {
            let text = &project.sources.get(label.origin.file).text;
            let span = &label.origin.span;
            assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
        }
        black_box(d.location(&project.sources));
    }
});
