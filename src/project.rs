//! The project on disk: `base/*.toml` shared by every environment, one
//! `overlays/<env>.toml` per environment, and shared layers `layers/<name>.toml`
//! that environments extend (never built on their own).
//!
//! Reading the tree is the only I/O before writing. Problems with the files
//! themselves (not UTF-8, a folder where a file should be) are diagnostics
//! like any other; a missing `base/` or `overlays/` folder means the command
//! cannot run at all and is a [`Fatal`] error (exit code 2).

use crate::diag::Diag;
use crate::source::{FileId, Origin, Sources};
use std::fmt;
use std::path::{Path, PathBuf};

/// An error that stops the command before any input is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal(pub String);

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The inputs of a project, read into memory.
#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub sources: Sources,
    /// Base files in merge order (sorted by name).
    pub base: Vec<FileId>,
    /// Environments (overlay stem) and their overlay, sorted by name.
    pub overlays: Vec<(String, FileId)>,
    /// Shared layers (file stem) that overlays or other layers extend, sorted by name.
    pub layers: Vec<(String, FileId)>,
    /// Problems with the files themselves.
    pub diags: Vec<Diag>,
}

impl Project {
    /// Names of all environments.
    pub fn env_names(&self) -> Vec<&str> {
        self.overlays.iter().map(|(n, _)| n.as_str()).collect()
    }
}

fn toml_files(dir: &Path, rel: &str) -> Result<Vec<(String, PathBuf)>, Fatal> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Fatal(format!(
            "cannot read `{}`: {e} (a jhubgen project has `base/` and `overlays/` folders of TOML files; use --root to point at one)",
            dir.display()
        ))
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Fatal(format!("cannot read `{}`: {e}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !name.starts_with('.') {
            out.push((format!("{rel}/{name}"), entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// What was found at a spec file's path.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// A folder where a file should be.
    Folder,
    /// The file could not be read (the reason).
    Unreadable(String),
}

fn read_disk(path: &Path) -> Content {
    if path.is_dir() {
        return Content::Folder;
    }
    match std::fs::read(path) {
        Ok(b) => Content::Bytes(b),
        Err(e) => Content::Unreadable(e.to_string()),
    }
}

fn add(
    sources: &mut Sources,
    rel: &str,
    content: Content,
    diags: &mut Vec<Diag>,
) -> Option<FileId> {
    match content {
        Content::Folder => {
            let id = sources.add(rel, "");
            diags.push(
                Diag::error(
                    "io/not-a-file",
                    format!("`{rel}` is a folder, not a TOML file"),
                )
                .at(Origin::new(id, 0..0), "")
                .help("rename the folder, or move the TOML file there instead"),
            );
            None
        }
        Content::Bytes(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(sources.add(rel, text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(rel, text);
                diags.push(
                    Diag::error("io/not-utf8", format!("`{rel}` is not UTF-8 text"))
                        .at(Origin::new(id, at..at + 1), "invalid UTF-8 here")
                        .help("TOML files must be UTF-8; re-save the file as UTF-8"),
                );
                None
            }
        },
        Content::Unreadable(e) => {
            let id = sources.add(rel, "");
            diags.push(
                Diag::error("io/unreadable", format!("cannot read `{rel}`: {e}"))
                    .at(Origin::new(id, 0..0), "")
                    .help("check the file's permissions"),
            );
            None
        }
    }
}

/// A name `init` and `import` give a new environment: lowercase letters,
/// digits and `-`, starting with a letter, since it names
/// `overlays/<env>.toml` and the default namespace (stricter than
/// [`valid_env_name`], which an existing overlay's name must meet).
pub fn valid_new_env_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
}

/// Is `name` usable as an environment (and folder) name?
pub fn valid_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Reads `root/base/*.toml` and `root/overlays/*.toml`.
/// Where a project is when no `--root` is given: the nearest folder at or
/// above `start` that holds both `base/` and `overlays/` (as git and cargo
/// search upward), or `start` itself when none does.
pub fn find_root(start: &Path) -> std::path::PathBuf {
    let is_project = |d: &Path| d.join("base").is_dir() && d.join("overlays").is_dir();
    if is_project(start) {
        return start.to_path_buf();
    }
    let Ok(abs) = start.canonicalize() else {
        return start.to_path_buf();
    };
    abs.ancestors()
        .find(|d| is_project(d))
        .map_or_else(|| start.to_path_buf(), Path::to_path_buf)
}

/// The git work tree a folder is in: (its top level, the folder's path
/// within it, `/`-separated; empty at the top). Found by looking for `.git`
/// upward, without running git.
pub fn repository_of(root: &Path) -> Option<(std::path::PathBuf, String)> {
    let abs = root.canonicalize().ok()?;
    let top = abs.ancestors().find(|d| d.join(".git").exists())?;
    let inside = abs.strip_prefix(top).ok()?;
    let prefix = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Some((top.to_path_buf(), prefix))
}

pub fn open(root: &Path) -> Result<Project, Fatal> {
    if !root.is_dir() {
        return Err(Fatal(format!("`{}` is not a folder", root.display())));
    }
    let base_files = toml_files(&root.join("base"), "base")?;
    let overlay_files = toml_files(&root.join("overlays"), "overlays")?;
    let layer_dir = root.join("layers");
    let layer_files = if layer_dir.is_dir() {
        toml_files(&layer_dir, "layers")?
    } else {
        Vec::new()
    };
    if base_files.is_empty() {
        return Err(Fatal(format!(
            "no `base/*.toml` in `{}`: the base spec shared by every environment is missing",
            root.display()
        )));
    }
    if overlay_files.is_empty() {
        return Err(Fatal(format!(
            "no `overlays/*.toml` in `{}`: each environment is an overlay file (`overlays/lab.toml` is environment `lab`)",
            root.display()
        )));
    }
    let files = base_files
        .iter()
        .chain(&overlay_files)
        .chain(&layer_files)
        .map(|(rel, path)| (rel.clone(), read_disk(path)))
        .collect();
    Ok(from_files(root, files))
}

/// A project from files already read: `(path relative to the root, content)`,
/// with paths `base/<name>.toml`, `overlays/<env>.toml` and `layers/<name>.toml`
/// (others are ignored).
pub fn from_files(root: &Path, mut files: Vec<(String, Content)>) -> Project {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let mut base = Vec::new();
    let mut overlays = Vec::new();
    let mut layers = Vec::new();
    for (rel, content) in files {
        if let Some(stem) = rel
            .strip_prefix("layers/")
            .and_then(|r| r.strip_suffix(".toml"))
        {
            let stem = stem.to_string();
            if let Some(id) = add(&mut sources, &rel, content, &mut diags) {
                if valid_env_name(&stem) {
                    layers.push((stem, id));
                } else {
                    diags.push(
                        Diag::error("io/env-name", format!("`{stem}` is not a valid layer name"))
                            .at(Origin::new(id, 0..0), "")
                            .help("name layers with lowercase letters, digits, `-` and `_`"),
                    );
                }
            }
            continue;
        }
        if rel.starts_with("base/") {
            if let Some(id) = add(&mut sources, &rel, content, &mut diags) {
                base.push(id);
            }
            continue;
        }
        let Some(stem) = rel
            .strip_prefix("overlays/")
            .and_then(|r| r.strip_suffix(".toml"))
        else {
            continue;
        };
        let stem = stem.to_string();
        let Some(id) = add(&mut sources, &rel, content, &mut diags) else {
            continue;
        };
        if !valid_env_name(&stem) {
            diags.push(
                Diag::error("io/env-name", format!("`{stem}` is not a valid environment name"))
                    .at(Origin::new(id, 0..0), "")
                    .help("name overlays with lowercase letters, digits, `-` and `_` (the name becomes `environments/<name>/`)"),
            );
            continue;
        }
        overlays.push((stem, id));
    }
    Project {
        root: root.to_path_buf(),
        sources,
        base,
        overlays,
        layers,
        diags,
    }
}
