//! The loader alone: arbitrary bytes as one spec file, parsed into the
//! spanned tree (`load::load`), flattened with provenance (`to_json`), its
//! `extends` read, and every diagnostic rendered in every format. Fast, so
//! the TOML edge cases get millions of tries. Property: no panic, no hang.

#![no_main]

use jhubgen::diag::{github, gitlab, human, json, sarif};
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
            black_box(human::render(&diags, &sources, false));
            black_box(json::render(&diags, &sources));
            black_box(sarif::render(&diags, &sources));
            black_box(github::render(&diags, &sources));
            black_box(gitlab::render(&diags, &sources));
        }
    }
});
