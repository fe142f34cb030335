//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where the reference `base/` and `overlays/` live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies every file below `from` into `to`, creating folders.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Files of a case folder that describe it rather than belong to the project.
const CASE_META: &[&str] = &["README.md", "report.snap", "outputs.snap", "patch.toml"];

/// A temporary project: the reference specs, with `case`'s files laid over them
/// and the edits of its `patch.toml` applied (`[[edit]]` with `file` and one of
/// `replace` + `with`, `append`, `prepend` — after the file's leading comments).
pub fn project_with(case: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["base", "overlays"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        copy_tree(&repo().join(sub), &dir.path().join(sub));
    }
    let Some(case) = case else { return dir };
    for entry in std::fs::read_dir(case).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if CASE_META.contains(&name.as_str()) {
            continue;
        }
        let target = dir.path().join(&name);
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let Ok(patch) = std::fs::read_to_string(case.join("patch.toml")) else {
        return dir;
    };
    let patch: toml::Table = toml::from_str(&patch).expect("patch.toml is TOML");
    for edit in patch["edit"].as_array().expect("[[edit]] entries") {
        let file = dir.path().join(edit["file"].as_str().expect("edit.file"));
        let text = std::fs::read_to_string(&file).unwrap();
        let text = if let Some(old) = edit.get("replace").and_then(|v| v.as_str()) {
            assert_eq!(
                text.matches(old).count(),
                1,
                "{}: `{old}` must occur once in {} (the fixture is stale: update its patch.toml)",
                case.display(),
                file.display()
            );
            text.replacen(old, edit["with"].as_str().expect("edit.with"), 1)
        } else if let Some(tail) = edit.get("append").and_then(|v| v.as_str()) {
            text + tail
        } else {
            let head = edit["prepend"]
                .as_str()
                .expect("edit.append, .replace or .prepend");
            let at = text
                .lines()
                .take_while(|l| l.starts_with('#'))
                .map(|l| l.len() + 1)
                .sum::<usize>();
            format!("{}{head}{}", &text[..at], &text[at..])
        };
        std::fs::write(&file, text).unwrap();
    }
    dir
}

/// Runs the jhubgen binary.
pub fn jhubgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jhubgen"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Every file below `dir`, relative, sorted, with contents.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs git in `dir` with a fixed identity; panics on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=jhubgen tests",
            "-c",
            "user.email=tests@jhubgen.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Installs the pinned Python validators (`tools/validators/setup.sh`, idempotent).
pub fn validators_setup() {
    static SETUP: std::sync::Once = std::sync::Once::new();
    SETUP.call_once(|| {
        let st = Command::new(repo().join("tools/validators/setup.sh"))
            .status()
            .expect("run tools/validators/setup.sh");
        assert!(
            st.success(),
            "tools/validators/setup.sh failed: the validators could not be installed"
        );
    });
}

/// Runs a validator script of `tools/validators/` with the venv's Python on
/// `dirs`; panics with its report unless it passes, else returns the report.
pub fn run_validator(script: &str, dirs: &[PathBuf]) -> String {
    validators_setup();
    let out = Command::new(repo().join("target/validators-venv/bin/python"))
        .arg(repo().join("tools/validators").join(script))
        .args(dirs)
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script} failed:\n{text}");
    text
}

/// The folders to give `ci_check.py` (one CI file each): every environment
/// folder that holds its own workflow (`ci.location = "environment"`), and
/// each pipeline at the root — every `.github/workflows/*.yml` and the
/// `.gitlab-ci.yml` — copied into a folder of its own.
pub fn ci_dirs(root: &Path) -> (tempfile::TempDir, Vec<PathBuf>) {
    let scratch = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("environments")) {
        let mut envs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        envs.sort();
        dirs.extend(
            envs.into_iter()
                .filter(|d| d.join(".github").is_dir() || d.join(".gitlab-ci.yml").is_file()),
        );
    }
    let workflows = root.join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&workflows)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for (i, file) in files.iter().enumerate() {
        let dir = scratch.path().join(format!("github-{i}"));
        std::fs::create_dir_all(dir.join(".github/workflows")).unwrap();
        std::fs::copy(
            file,
            dir.join(".github/workflows")
                .join(file.file_name().unwrap()),
        )
        .unwrap();
        dirs.push(dir);
    }
    let gitlab = root.join(".gitlab-ci.yml");
    if gitlab.is_file() {
        let dir = scratch.path().join("gitlab");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&gitlab, dir.join(".gitlab-ci.yml")).unwrap();
        dirs.push(dir);
    }
    (scratch, dirs)
}

/// Installs configurable-http-proxy for the tests that boot a hub
/// (tools/runtime/setup.sh: idempotent, and locked against a parallel run).
pub fn runtime_setup() {
    validators_setup();
    static CHP: std::sync::Once = std::sync::Once::new();
    CHP.call_once(|| {
        let out = Command::new(repo().join("tools/runtime/setup.sh"))
            .output()
            .expect("run tools/runtime/setup.sh");
        assert!(
            out.status.success(),
            "tools/runtime/setup.sh failed: configurable-http-proxy could not be installed\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

/// The arguments of an import case (`tests/fixtures/import/<case>/args`,
/// one per line) as a whole `jhubgen import … --out out` command line.
pub fn import_args(case: &Path) -> Vec<String> {
    let mut all = vec!["import".to_string()];
    all.extend(
        std::fs::read_to_string(case.join("args"))
            .unwrap_or_else(|_| panic!("{}: no args file", case.display()))
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string),
    );
    all.extend(["--out".to_string(), "out".to_string()]);
    all
}

/// The reference project, built into a temporary folder (the build must succeed).
pub fn built_reference() -> tempfile::TempDir {
    let p = project_with(None);
    let out = jhubgen(&["build"], p.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p
}
