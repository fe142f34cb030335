//! Fuzzes the whole front end — load, merge, validate, resolve, lint, emit,
//! chart check — and every report renderer, from arbitrary bytes.
//!
//! The input is split at its first NUL byte into `base/platform.toml` and
//! `overlays/lab.toml` (without a NUL, into two halves; TOML text cannot
//! contain a raw NUL anyway, so the split loses nothing interesting).
//! Property: no panic, no hang, no abort.

#![no_main]

mod common;

use common::File;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (base, overlay) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => data.split_at(data.len() / 2),
    };
    common::run(
        &[File {
            name: "base/platform.toml",
            bytes: base,
        }],
        "lab",
        File {
            name: "overlays/lab.toml",
            bytes: overlay,
        },
    );
});
