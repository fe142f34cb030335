//! The loader alone: arbitrary bytes as one spec file, parsed into the
//! spanned tree (`load::load`), flattened with provenance (`to_json`), its
//! `extends` read, and each diagnostic's span checked to lie in the file (the
//! renderers, slow, are the other targets' work). Fast, so the TOML edge
//! cases get millions of tries. Property: no panic, no hang.

#![no_main]

use jhubgen::source::Sources;
use libfuzzer_sys::fuzz_target;
use std::hint::black_box;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = Sources::new();
    let id = sources.add("overlays/lab.toml", text.as_ref());
    match jhubgen::load::load(&sources, id) {
        Ok(entry) => {
            black_box(jhubgen::chain::extends_of(&entry).is_some());
            let (doc, provs) = entry.to_json();
            black_box((doc.is_object(), provs.len()));
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in &diags {
                if let Some(p) = &d.primary {
                    let span = &p.origin.span;
                    assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
                }
                black_box(d.location(&sources));
            }
        }
    }
});
