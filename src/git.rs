//! Reading the specs of another revision with git itself (no network): the
//! old side of `jhubgen diff ENV --against REV`.

use crate::project::{Content, Fatal, Project, from_files};
use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The project (`base/*.toml`, `overlays/*.toml` under `root`) as it was at `rev`.
pub fn project_at(root: &Path, rev: &str) -> Result<Project, Fatal> {
    git(root, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        Fatal(format!(
            "`{}` is not in a git repository: {e}",
            root.display()
        ))
    })?;
    if rev.starts_with('-') {
        return Err(Fatal(format!("`{rev}` is not a revision")));
    }
    let spec = format!("{rev}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &spec])
        .map_err(|_| Fatal(format!("unknown git revision `{rev}`")))?;
    let listing = git(
        root,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            rev,
            "--",
            "base",
            "overlays",
        ],
    )
    .map_err(|e| Fatal(format!("cannot list the specs at `{rev}`: {e}")))?;
    let mut files = Vec::new();
    for name in listing.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let rel = String::from_utf8_lossy(name).into_owned();
        let direct = rel.matches('/').count() == 1 && rel.ends_with(".toml");
        if !direct {
            continue;
        }
        let object = format!("{rev}:./{rel}");
        let content = match git(root, &["show", &object]) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(e) => Content::Unreadable(e),
        };
        files.push((rel, content));
    }
    if !files.iter().any(|(r, _)| r.starts_with("base/"))
        || !files.iter().any(|(r, _)| r.starts_with("overlays/"))
    {
        return Err(Fatal(format!(
            "revision `{rev}` has no `base/*.toml` and `overlays/*.toml` under `{}`",
            root.display()
        )));
    }
    Ok(from_files(root, files))
}
