//! Write and check: put generated files on disk, or compare them with it.
//!
//! Writing is all or nothing as far as the file system allows: every file is
//! first written to a temporary file beside its target, and only when all of
//! them exist are they renamed into place (a rename is atomic on POSIX).
//! Unchanged files are left alone, so a build touches nothing when nothing
//! changed. Generated files that the build no longer produces (recognised by
//! their header) are removed from the environments that were built.
//! [`check`] writes nothing and reports every difference.

use crate::emit::{HEADER_MARK, Output};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// How a file on disk differs from what the build generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// Generated but not on disk.
    Missing { path: String, expected: String },
    /// On disk with other contents.
    Stale {
        path: String,
        actual: String,
        expected: String,
    },
    /// A generated file on disk that the build no longer produces.
    Orphan { path: String, actual: String },
}

impl Drift {
    pub fn path(&self) -> &str {
        match self {
            Drift::Missing { path, .. }
            | Drift::Stale { path, .. }
            | Drift::Orphan { path, .. } => path,
        }
    }

    /// A unified diff from the file on disk to the generated one.
    pub fn unified_diff(&self) -> String {
        let (old, new) = match self {
            Drift::Missing { expected, .. } => ("", expected.as_str()),
            Drift::Stale {
                actual, expected, ..
            } => (actual.as_str(), expected.as_str()),
            Drift::Orphan { actual, .. } => (actual.as_str(), ""),
        };
        let path = self.path();
        let a = if matches!(self, Drift::Missing { .. }) {
            "/dev/null".to_string()
        } else {
            format!("a/{path}")
        };
        let b = if matches!(self, Drift::Orphan { .. }) {
            "/dev/null".to_string()
        } else {
            format!("b/{path}")
        };
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string()
    }
}

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

fn is_generated(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.starts_with(HEADER_MARK).then_some(text)
}

/// Every file below `dir`, relative to `root`, `/`-separated.
fn files_below(root: &Path, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(root) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    out.sort();
    out
}

/// Generated files under `environments/<env>/` for `envs` that are not in `outputs`;
/// with `all`, also those of environment folders that have no overlay any more.
fn orphans(root: &Path, outputs: &[Output], envs: &[&str], all: bool) -> Vec<(String, String)> {
    let produced: BTreeSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let mut dirs: Vec<String> = envs.iter().map(|e| format!("environments/{e}")).collect();
    let listing = all
        .then(|| std::fs::read_dir(root.join("environments")).ok())
        .flatten();
    for e in listing.into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() && !envs.contains(&name.as_str()) {
            dirs.push(format!("environments/{name}"));
        }
    }
    dirs.sort();
    let mut out = Vec::new();
    for d in dirs {
        for f in files_below(root, &d) {
            if produced.contains(f.as_str()) {
                continue;
            }
            if let Some(text) = is_generated(&root.join(&f)) {
                out.push((f, text));
            }
        }
    }
    out
}

/// Compares `outputs` with the files under `root`; empty means up to date.
pub fn check(root: &Path, outputs: &[Output], envs: &[&str], all: bool) -> Vec<Drift> {
    let mut drift = Vec::new();
    for o in outputs {
        match std::fs::read(root.join(&o.path)) {
            Ok(bytes) if bytes == o.contents.as_bytes() => {}
            Ok(bytes) => drift.push(Drift::Stale {
                path: o.path.clone(),
                actual: String::from_utf8_lossy(&bytes).into_owned(),
                expected: o.contents.clone(),
            }),
            Err(_) => drift.push(Drift::Missing {
                path: o.path.clone(),
                expected: o.contents.clone(),
            }),
        }
    }
    for (path, actual) in orphans(root, outputs, envs, all) {
        drift.push(Drift::Orphan { path, actual });
    }
    drift.sort_by(|a, b| a.path().cmp(b.path()));
    drift
}

fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.jhubgen-{}.tmp", std::process::id()))
}

/// Writes `outputs` under `root`: all to temporary files first, then renamed
/// into place; on any failure the temporary files are removed and nothing
/// was replaced.
pub fn write(
    root: &Path,
    outputs: &[Output],
    envs: &[&str],
    all: bool,
) -> std::io::Result<Written> {
    let mut done = Written::default();
    let stale = orphans(root, outputs, envs, all);
    let mut staged: Vec<(PathBuf, PathBuf, String)> = Vec::new();
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    let result = (|| {
        for o in outputs {
            let target = root.join(&o.path);
            if std::fs::read(&target).is_ok_and(|b| b == o.contents.as_bytes()) {
                done.unchanged.push(o.path.clone());
                continue;
            }
            if let Some(parent) = target.parent().filter(|p| !made.contains(*p)) {
                std::fs::create_dir_all(parent)?;
                made.insert(parent.to_path_buf());
            }
            let tmp = temp_path(&target);
            let mut f = std::fs::File::create(&tmp)?;
            staged.push((tmp.clone(), target, o.path.clone()));
            // no fsync: the rename keeps readers from seeing a partial file, and
            // a build is cheap to redo after a crash (an fsync per file made
            // 1000 environments take seconds)
            f.write_all(o.contents.as_bytes())?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (tmp, _, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, target, rel) in staged {
        std::fs::rename(&tmp, &target)?;
        done.written.push(rel);
    }
    for (rel, _) in stale {
        std::fs::remove_file(root.join(&rel))?;
        done.removed.push(rel);
    }
    Ok(done)
}
