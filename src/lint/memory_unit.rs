//! Memory sizes are JupyterHub byte specifications: K, M, G, T.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "profiles/memory-unit",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a memory size that is not a number with a K, M, G or T suffix",
    docs: r#"## What it does
Checks every profile's `memory.guarantee` and `memory.limit`.

## Why is this bad?
KubeSpawner's `mem_limit` and `mem_guarantee` are JupyterHub
`ByteSpecification`s: a number with one of the suffixes K, M, G, T (powers of
1024). `"32Gi"` — the Kubernetes spelling — fails with "is not a valid memory
specification", and the chart's schema does not catch it, so the hub accepts
the config and every spawn of the profile fails.

## Fix
Write `"32G"` (which JupyterHub reads as 32 GiB), not `"32Gi"` or `"32GB"`.
"#,
    check,
};

/// Is `s` a valid JupyterHub byte specification string?
pub fn valid(s: &str) -> bool {
    let Some(num) = s.strip_suffix(['K', 'M', 'G', 'T']) else {
        return false;
    };
    let mult = match s.as_bytes()[s.len() - 1] {
        b'K' => 1024f64,
        b'M' => 1024f64.powi(2),
        b'G' => 1024f64.powi(3),
        _ => 1024f64.powi(4),
    };
    // JupyterHub converts to an integer count of bytes: `1e308G` overflows there
    !num.is_empty()
        && !num.starts_with(['+', '-'])
        && num
            .parse::<f64>()
            .is_ok_and(|n| n >= 0.0 && (n * mult).is_finite() && n * mult < 9.2e18)
}

/// Bytes of a valid byte specification.
pub fn bytes(s: &str) -> Option<f64> {
    if !valid(s) {
        return None;
    }
    let (num, unit) = s.split_at(s.len() - 1);
    let mult = match unit {
        "K" => 1024f64,
        "M" => 1024f64.powi(2),
        "G" => 1024f64.powi(3),
        _ => 1024f64.powi(4),
    };
    num.parse::<f64>().ok().map(|n| n * mult)
}

fn suggestion(s: &str) -> Option<String> {
    let t = s.trim();
    for (bad, good) in [
        ("Ki", "K"),
        ("Mi", "M"),
        ("Gi", "G"),
        ("Ti", "T"),
        ("KB", "K"),
        ("MB", "M"),
        ("GB", "G"),
        ("TB", "T"),
        ("k", "K"),
        ("m", "M"),
        ("g", "G"),
        ("t", "T"),
    ] {
        if let Some(n) = t.strip_suffix(bad) {
            let fixed = format!("{n}{good}");
            if valid(&fixed) {
                return Some(fixed);
            }
        }
    }
    None
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for (i, p) in cx.r.spec.profiles.iter().enumerate() {
        let Some(m) = &p.memory else { continue };
        for (key, v) in [("guarantee", &m.guarantee), ("limit", &m.limit)] {
            let Some(v) = v else { continue };
            if valid(v) {
                continue;
            }
            let help = match suggestion(v) {
                Some(f) => format!("write `\"{f}\"`: JupyterHub reads K/M/G/T as powers of 1024"),
                None => "write a number with a K, M, G or T suffix, e.g. `\"4G\"`".to_string(),
            };
            out.push(
                cx.diag(
                    &RULE,
                    format!("`{v}` is not a memory size JupyterHub accepts"),
                )
                .at(cx.at(&format!("/profiles/{i}/memory/{key}")), "not K/M/G/T")
                .key(format!("profiles[{}].memory.{key}", p.slug))
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn byte_specifications() {
        assert!(valid("4G") && valid("1.5G") && valid("512M"));
        assert!(!valid("4Gi") && !valid("4") && !valid("G") && !valid("-1G") && !valid("4GB"));
        // found by hand while fuzzing: finite before the unit, infinite after
        assert!(!valid("1e308G") && !valid("infK") && !valid("NaNK"));
        assert_eq!(bytes("1K"), Some(1024.0));
        assert_eq!(suggestion("32Gi").as_deref(), Some("32G"));
        assert_eq!(suggestion("32GB").as_deref(), Some("32G"));
    }
}
