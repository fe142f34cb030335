//! Hostile inputs: binary garbage, huge files, deep nesting, empty files.
//! Each gets coded diagnostics and exit code 1 — never a panic or a hang —
//! and nothing is written.

mod common;

use common::{jhubgen, project_with, snapshot_tree};

fn assert_rejected(p: &tempfile::TempDir, what: &str) -> String {
    let out = jhubgen(&["build", "--format", "json"], p.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
    assert!(
        !p.path().join("environments").exists(),
        "{what}: wrote files"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let first = &json["diagnostics"][0];
    assert!(
        first["code"].is_string() && first["line"].is_u64(),
        "{what}: {json}"
    );
    // the human report renders too
    let human = jhubgen(&["build"], p.path());
    assert_eq!(human.status.code(), Some(1), "{what}");
    json.to_string()
}

fn lcg(seed: &mut u64) -> u8 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 33) as u8
}

#[test]
fn binary_garbage() {
    let p = project_with(None);
    let mut seed = 7;
    let bytes: Vec<u8> = (0..64 * 1024).map(|_| lcg(&mut seed)).collect();
    std::fs::write(p.path().join("overlays/lab.toml"), bytes).unwrap();
    let report = assert_rejected(&p, "binary garbage");
    assert!(report.contains("io/not-utf8"), "{report}");
}

#[test]
fn printable_garbage() {
    let p = project_with(None);
    let mut seed = 11;
    let text: String = (0..64 * 1024)
        .map(|_| (b' ' + lcg(&mut seed) % 95) as char)
        .collect();
    std::fs::write(p.path().join("base/platform.toml"), text).unwrap();
    let report = assert_rejected(&p, "printable garbage");
    assert!(report.contains("toml/syntax"), "{report}");
}

#[test]
fn huge_file_with_many_mistakes() {
    let p = project_with(None);
    let mut text = std::fs::read_to_string(p.path().join("overlays/lab.toml")).unwrap();
    text.push_str("\n[culling]\n");
    for i in 0..100_000 {
        text.push_str(&format!("unknown_key_{i} = \"{}\"\n", "x".repeat(40)));
    }
    std::fs::write(p.path().join("overlays/lab.toml"), text).unwrap();
    let report = assert_rejected(&p, "huge file");
    assert!(report.contains("io/too-many"), "the report is not capped");
}

#[test]
fn deep_nesting() {
    for (name, text) in [
        (
            "arrays",
            format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000)),
        ),
        (
            "inline tables",
            format!(
                "[values]\na = {}1{}\n",
                "{ b = ".repeat(5_000),
                " }".repeat(5_000)
            ),
        ),
        (
            "dotted keys",
            format!("[values]\n{} = 1\n", vec!["a"; 50_000].join(".")),
        ),
        (
            "table headers",
            format!("[{}]\nb = 1\n", vec!["a"; 50_000].join(".")),
        ),
    ] {
        let p = project_with(None);
        std::fs::write(p.path().join("overlays/lab.toml"), text).unwrap();
        assert_rejected(&p, name);
    }
}

#[test]
fn empty_and_odd_files() {
    let p = project_with(None);
    std::fs::write(p.path().join("overlays/lab.toml"), "").unwrap();
    let report = assert_rejected(&p, "empty overlay");
    assert!(report.contains("schema/missing-key"), "{report}");
}

/// A byte-order mark and CRLF line ends (an editor on Windows): the same spec,
/// the same outputs byte for byte, and a mistake reported at its own line and
/// column (the BOM and the CRs do not shift them).
#[test]
fn bom_and_crlf_read_as_the_same_spec() {
    let plain = project_with(None);
    assert!(jhubgen(&["build"], plain.path()).status.success());
    let odd = project_with(None);
    for file in ["base/platform.toml", "overlays/lab.toml"] {
        let path = odd.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains('\r'));
        std::fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    }
    let out = jhubgen(&["build"], odd.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = |p: &tempfile::TempDir| {
        let mut t = snapshot_tree(&p.path().join("environments"));
        t.extend(snapshot_tree(&p.path().join(".github")));
        t
    };
    assert_eq!(generated(&odd), generated(&plain));

    let p = project_with(None);
    let lab = p.path().join("overlays/lab.toml");
    let text = std::fs::read_to_string(&lab).unwrap();
    let text = text.replacen("namespace = \"jupyterhub-test\"", "namespace = 1", 1);
    std::fs::write(&lab, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    let json = assert_rejected(&p, "BOM and CRLF");
    let line = text.lines().position(|l| l == "namespace = 1").unwrap() + 1;
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["file"], "overlays/lab.toml", "{json}");
    assert_eq!(d["line"], line, "{json}");
    assert_eq!(d["column"], 13, "{json}");
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 1, "{json}");
}
