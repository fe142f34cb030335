//! Keeps the repository's real `base/platform.toml` and fuzzes only the
//! overlay, so that most inputs get past loading and merging into the
//! schema, resolve, lint rules, emitters and the chart check.
//! Property: no panic, no hang, no abort.

#![no_main]

mod common;

use common::File;
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../base/platform.toml");

fuzz_target!(|data: &[u8]| {
    common::run(
        &[File {
            name: "base/platform.toml",
            bytes: BASE.as_bytes(),
        }],
        "lab",
        File {
            name: "overlays/lab.toml",
            bytes: data,
        },
    );
});
