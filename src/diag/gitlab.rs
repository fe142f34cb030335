//! GitLab Code Quality report: a JSON array of issues with `description`,
//! `check_name`, `fingerprint`, `severity` and `location.path` /
//! `location.lines.begin`, which merge requests show as a widget.

use super::{Diag, Severity};
use crate::source::Sources;
use serde_json::{Value, json};

/// A stable 128-bit fingerprint (two FNV-1a passes), as 32 hex digits.
fn fingerprint(parts: &[&str]) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x6c62_272e_07bb_0142;
    for p in parts {
        for &byte in p.as_bytes().iter().chain(std::iter::once(&0u8)) {
            a = (a ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ u64::from(byte))
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(7);
        }
    }
    format!("{a:016x}{b:016x}")
}

pub fn render(diags: &[Diag], sources: &Sources) -> String {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let issues: Vec<Value> = super::reported(diags)
        .map(|d| {
            let (path, line) = match d.location(sources) {
                Some((f, l, _)) => (f, l),
                None => (String::new(), 1),
            };
            let base = fingerprint(&[d.code, &path, d.key.as_deref().unwrap_or(""), &d.message]);
            // identical problems on several lines stay distinct
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fp = if *n == 1 { base } else { fingerprint(&[&base, &n.to_string()]) };
            let mut description = d.message.clone();
            if let Some(envs) = d.environments_text() {
                description.push_str(&format!(" ({envs})"));
            }
            if let Some(h) = &d.help {
                description.push_str(" — ");
                description.push_str(h);
            }
            json!({
                "description": description,
                "check_name": d.code,
                "fingerprint": fp,
                "severity": match d.severity { Severity::Error => "major", Severity::Warning => "minor" },
                "location": {"path": path, "lines": {"begin": line}},
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("JSON values serialize");
    out.push('\n');
    out
}
