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
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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
    /// A journal, staged file or backup of a build that was killed: the tree
    /// may be half-written (`jhubgen build` undoes it).
    Interrupted { path: String },
}

impl Drift {
    pub fn path(&self) -> &str {
        match self {
            Drift::Missing { path, .. }
            | Drift::Stale { path, .. }
            | Drift::Orphan { path, .. }
            | Drift::Interrupted { path } => path,
        }
    }

    /// A unified diff from the file on disk to the generated one.
    pub fn unified_diff(&self) -> String {
        let (old, new) = match self {
            Drift::Interrupted { .. } => return String::new(),
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
    /// What was undone first: a killed build's journal, stray staged files.
    pub recovered: Vec<String>,
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
    let mut candidates: Vec<String> = dirs.iter().flat_map(|d| files_below(root, d)).collect();
    if all {
        // pipelines at the root, where a renamed or moved pipeline leaves its old file
        candidates.extend(files_below(root, ".github/workflows"));
        candidates.push(".gitlab-ci.yml".to_string());
    }
    let mut out = Vec::new();
    for f in candidates {
        if produced.contains(f.as_str()) || is_scratch(f.rsplit('/').next().unwrap_or(&f)) {
            continue;
        }
        if let Some(text) = is_generated(&root.join(&f)) {
            out.push((f, text));
        }
    }
    out
}

/// Compares `outputs` with the files under `root`; empty means up to date.
/// Writes nothing. A file that exists but cannot be read is an error, named.
pub fn check(
    root: &Path,
    outputs: &[Output],
    envs: &[&str],
    all: bool,
) -> Result<Vec<Drift>, Vec<Problem>> {
    let mut drift = Vec::new();
    let mut unreadable = Vec::new();
    for o in outputs {
        match std::fs::read(root.join(&o.path)) {
            Ok(bytes) if bytes == o.contents.as_bytes() => {}
            Ok(bytes) => drift.push(Drift::Stale {
                path: o.path.clone(),
                actual: String::from_utf8_lossy(&bytes).into_owned(),
                expected: o.contents.clone(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.push(Drift::Missing {
                path: o.path.clone(),
                expected: o.contents.clone(),
            }),
            Err(e) => unreadable.push(problem(&o.path, "read", e)),
        }
    }
    if !unreadable.is_empty() {
        return Err(unreadable);
    }
    for (path, actual) in orphans(root, outputs, envs, all) {
        drift.push(Drift::Orphan { path, actual });
    }
    if root.join(JOURNAL).exists() {
        drift.push(Drift::Interrupted {
            path: JOURNAL.to_string(),
        });
    }
    for path in leftovers(root) {
        drift.push(Drift::Interrupted { path });
    }
    drift.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(drift)
}

/// The lock file that keeps two builds of one tree from interleaving.
pub const LOCK: &str = ".jhubgen.lock";
/// The journal of a build in progress: what to undo if it never finishes.
pub const JOURNAL: &str = ".jhubgen.journal";
/// How long a build waits for another one to finish before it gives up:
/// 30 s, or `JHUBGEN_LOCK_WAIT` seconds.
pub fn lock_wait() -> Duration {
    std::env::var("JHUBGEN_LOCK_WAIT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(30), Duration::from_secs)
}

/// An operation on one path that failed (or would fail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Relative to the root, `/`-separated.
    pub path: String,
    /// What was being done (`replace`, `create the folder`, `write`, …).
    pub operation: &'static str,
    pub error: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot {} `{}`: {}",
            self.operation, self.path, self.error
        )
    }
}

/// Why nothing (or, after a kill, not everything) was written.
#[derive(Debug)]
pub enum WriteError {
    /// Found before anything was touched: every target that cannot be written.
    Preflight(Vec<Problem>),
    /// Another build holds the lock.
    Locked { holder: String, waited: Duration },
    /// An operation failed midway; every change was rolled back (and, if
    /// rolling back failed too, what could not be restored).
    Failed {
        problem: Problem,
        unrestored: Vec<Problem>,
    },
    /// SIGINT, SIGTERM or SIGHUP arrived; every change was rolled back.
    Interrupted { unrestored: Vec<Problem> },
    /// The journal of an interrupted build could not be read or undone.
    Recovery(Vec<Problem>),
    /// Every new file is in place, but backups could not be removed (the
    /// next build removes them).
    Leftover(Vec<Problem>),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unrestored = |f: &mut std::fmt::Formatter<'_>, list: &[Problem]| {
            if list.is_empty() {
                write!(f, "; no file was changed")
            } else {
                write!(f, "; rolling back failed too:")?;
                for p in list {
                    write!(f, "\n  {p}")?;
                }
                write!(
                    f,
                    "\n`jhubgen build` retries the roll-back ({JOURNAL} lists it)"
                )
            }
        };
        match self {
            WriteError::Preflight(problems) => {
                write!(
                    f,
                    "{} generated file(s) cannot be written; no file was changed:",
                    problems.len()
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            WriteError::Locked { holder, waited } => write!(
                f,
                "another jhubgen build is writing this tree ({holder}); waited {} s for it (JHUBGEN_LOCK_WAIT). No file was changed",
                waited.as_secs()
            ),
            WriteError::Failed {
                problem,
                unrestored: list,
            } => {
                write!(f, "{problem}")?;
                unrestored(f, list)
            }
            WriteError::Interrupted { unrestored: list } => {
                write!(f, "interrupted")?;
                unrestored(f, list)
            }
            WriteError::Leftover(problems) => {
                write!(
                    f,
                    "the generated files are written, but cleaning up failed:"
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
            WriteError::Recovery(problems) => {
                write!(
                    f,
                    "an interrupted build left {JOURNAL}, and undoing it failed:"
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

fn problem(path: &str, operation: &'static str, e: impl std::fmt::Display) -> Problem {
    Problem {
        path: path.to_string(),
        operation,
        error: e.to_string(),
    }
}

/// The exclusive right to write a tree, for as long as it lives.
///
/// A lock file at the root, locked with `flock`: the kernel releases the lock
/// when its holder exits, however it exits, so a lock left by a killed build
/// is simply taken over by the next one (which then undoes the killed
/// build's journal). The file says who holds it, for the message of a build
/// that waits too long.
pub struct Lock {
    _file: std::fs::File,
    path: PathBuf,
    /// The process of a killed build whose lock this one took over.
    pub took_over: Option<String>,
}

impl Lock {
    pub fn acquire(root: &Path, wait: Duration) -> Result<Lock, WriteError> {
        use std::io::Read as _;
        use std::os::unix::fs::MetadataExt as _;
        let path = root.join(LOCK);
        let start = Instant::now();
        loop {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| WriteError::Preflight(vec![problem(LOCK, "create the lock", e)]))?;
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        let holder = holder.trim();
                        return Err(WriteError::Locked {
                            waited: wait,
                            holder: if holder.is_empty() {
                                format!("{} is locked", path.display())
                            } else {
                                holder.to_string()
                            },
                        });
                    }
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(WriteError::Preflight(vec![problem(LOCK, "lock", e)]));
                }
            }
            // the holder that just finished removed the file we opened: lock the one there now
            let same = match (file.metadata(), std::fs::metadata(&path)) {
                (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                _ => false,
            };
            if !same {
                continue;
            }
            let me = format!("pid {} since {}", std::process::id(), now());
            // who holds it is for others' messages only: a full disk must not stop the build here
            let _ = file
                .set_len(0)
                .and_then(|()| std::io::Write::write_all(&mut file, me.as_bytes()));
            let holder = holder.trim();
            return Ok(Lock {
                _file: file,
                path,
                took_over: (!holder.is_empty()).then(|| holder.to_string()),
            });
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // removed while still locked; a waiting build notices and locks afresh
        let _ = std::fs::remove_file(&self.path);
    }
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{secs} (seconds since 1970)")
}

/// One change of a build, as the journal records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Step {
    /// The generated file, relative to the root.
    target: String,
    /// Its new contents, staged beside it (`None`: the file is removed).
    temp: Option<String>,
    /// A hard link to its old contents (`None`: it did not exist).
    backup: Option<String>,
}

/// What a build changes, written before it changes anything.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    pid: u32,
    steps: Vec<Step>,
    /// Folders the build created, in order.
    dirs: Vec<String>,
}

/// `.name.jhubgen-<pid>.<kind>` beside `rel`.
fn beside(rel: &str, kind: &str) -> String {
    let (dir, name) = match rel.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), rel),
    };
    format!("{dir}.{name}.jhubgen-{}.{kind}", std::process::id())
}

/// Is `name` a staged or backup file of some build (`.x.jhubgen-123.tmp`)?
fn is_scratch(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".tmp")
        .or_else(|| name.strip_suffix(".bak"))
    else {
        return false;
    };
    name.starts_with('.')
        && stem
            .rsplit_once(".jhubgen-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// From here on SIGINT, SIGTERM and SIGHUP only set a flag, which the writer
/// checks between operations: an interrupted build rolls back and says so.
fn catch_signals() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(sig, on_signal as *const () as libc::sighandler_t);
        }
    }
}

fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Undoes `journal` (lowest step last), however far it got: old contents
/// back from their hard links, new files removed, staged files removed, then
/// the folders it created if they are empty.
fn roll_back(root: &Path, journal: &Journal) -> Vec<Problem> {
    let mut failed = Vec::new();
    for step in journal.steps.iter().rev() {
        let target = root.join(&step.target);
        match &step.backup {
            Some(bak) if root.join(bak).exists() => {
                // not replaced yet, the backup a second name of the file itself
                // (a rename between two links of one file does nothing): drop the link
                let result = if same_file(&root.join(bak), &target) {
                    std::fs::remove_file(root.join(bak))
                } else {
                    std::fs::rename(root.join(bak), &target)
                };
                if let Err(e) = result {
                    failed.push(problem(&step.target, "restore", e));
                }
            }
            Some(_) => {} // not yet replaced
            None => {
                // new: remove it if it got there (the lock kept everyone else out)
                if step.temp.is_some()
                    && target.is_file()
                    && let Err(e) = std::fs::remove_file(&target)
                {
                    failed.push(problem(&step.target, "remove the new", e));
                }
            }
        }
        if let Some(tmp) = &step.temp {
            match std::fs::remove_file(root.join(tmp)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => failed.push(problem(tmp, "remove the staged", e)),
            }
        }
    }
    for d in journal.dirs.iter().rev() {
        let _ = std::fs::remove_dir(root.join(d));
    }
    failed
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

/// Before a build writes, and under its lock: undo what a killed build left
/// (its journal), and remove stray staged or backup files of dead builds in
/// the folders generated files live in.
fn recover(root: &Path) -> Result<Vec<String>, WriteError> {
    let mut undone = Vec::new();
    let journal_path = root.join(JOURNAL);
    match std::fs::read(&journal_path) {
        Ok(bytes) => {
            let journal: Journal = serde_json::from_slice(&bytes)
                .map_err(|e| WriteError::Recovery(vec![problem(JOURNAL, "read the journal", e)]))?;
            let failed = roll_back(root, &journal);
            if !failed.is_empty() {
                return Err(WriteError::Recovery(failed));
            }
            std::fs::remove_file(&journal_path)
                .map_err(|e| WriteError::Recovery(vec![problem(JOURNAL, "remove", e)]))?;
            undone.push(format!(
                "rolled back the {} change(s) of a build that was killed (pid {})",
                journal.steps.len(),
                journal.pid
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(WriteError::Recovery(vec![problem(JOURNAL, "read", e)])),
    }
    for rel in leftovers(root) {
        std::fs::remove_file(root.join(&rel))
            .map_err(|e| WriteError::Recovery(vec![problem(&rel, "remove the leftover", e)]))?;
        undone.push(format!("removed `{rel}`, left by a build that was killed"));
    }
    Ok(undone)
}

/// Staged or backup files of builds that are gone, where generated files live.
pub fn leftovers(root: &Path) -> Vec<String> {
    let mut files = files_below(root, "environments");
    files.extend(files_below(root, ".github/workflows"));
    if let Ok(entries) = std::fs::read_dir(root) {
        files.extend(
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned()),
        );
    }
    files.retain(|f| is_scratch(f.rsplit('/').next().unwrap_or(f)));
    files.sort();
    files
}

/// Checks, before anything is touched, that every change can be made: no
/// folder where a file goes, no file where a folder goes, write permission,
/// and room on the disk. Every problem, not just the first.
fn preflight(root: &Path, writes: &[&Output], removes: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut need: std::collections::BTreeMap<PathBuf, u64> = Default::default();
    for o in writes {
        let target = root.join(&o.path);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => {
                problems.push(problem(&o.path, "replace", "a folder is in the way"));
                continue;
            }
            Ok(_) if !writable(&target) => {
                problems.push(problem(&o.path, "replace", "the file is read-only"));
                continue;
            }
            _ => {}
        }
        // the nearest folder that exists must be a folder, and writable
        let mut dir = target.parent();
        while let Some(d) = dir {
            match std::fs::symlink_metadata(d) {
                Ok(m) if m.is_dir() || (m.file_type().is_symlink() && d.is_dir()) => {
                    if seen.insert(d.to_path_buf()) && !writable(d) {
                        problems.push(problem(
                            &rel(root, d),
                            "write in the folder",
                            "permission denied",
                        ));
                    }
                    *need.entry(d.to_path_buf()).or_default() += o.contents.len() as u64;
                    break;
                }
                Ok(_) => {
                    if seen.insert(d.to_path_buf()) {
                        problems.push(problem(
                            &rel(root, d),
                            "create the folder",
                            "a file is in the way",
                        ));
                    }
                    break;
                }
                Err(_) => dir = d.parent(),
            }
        }
    }
    for r in removes {
        let d = root.join(r);
        if let Some(parent) = d.parent()
            && seen.insert(parent.to_path_buf())
            && !writable(parent)
        {
            problems.push(problem(r, "remove", "its folder is not writable"));
        }
    }
    // room for the staged copies (old and new exist side by side until the end)
    for (dir, bytes) in need {
        if let Some(free) = free_bytes(&dir)
            && free < bytes + 64 * 1024
        {
            problems.push(problem(
                &rel(root, &dir),
                "write in the folder",
                format!("{bytes} bytes to write, {free} free on its file system"),
            ));
        }
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems.dedup();
    problems
}

fn rel(root: &Path, p: &Path) -> String {
    let r = p
        .strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned();
    if r.is_empty() { ".".to_string() } else { r }
}

fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt as _;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct it is given; `c` is a valid path.
    unsafe {
        let mut s: libc::statvfs = std::mem::zeroed();
        (libc::statvfs(c.as_ptr(), &mut s) == 0).then(|| s.f_bavail as u64 * s.f_frsize as u64)
    }
}

/// Writes `outputs` under `root`, all or nothing (DESIGN §5).
///
/// Under the tree's [`Lock`], after undoing whatever a killed build left: a
/// pre-flight check of every target; a journal of every change; the new
/// contents staged beside their targets; then each target in turn
/// hard-linked to a backup and replaced by a rename (so a reader sees the
/// old file or the new one, never none), orphans renamed to backups. Removing
/// the journal is the commit point; the backups go after it. Any failure or
/// interrupt before it rolls every change back; a kill leaves the journal, and
/// the next build rolls back first.
pub fn write(
    root: &Path,
    outputs: &[Output],
    envs: &[&str],
    all: bool,
) -> Result<Written, WriteError> {
    catch_signals();
    let lock = Lock::acquire(root, lock_wait())?;
    let mut done = Written {
        recovered: recover(root)?,
        ..Written::default()
    };
    let stale: Vec<String> = orphans(root, outputs, envs, all)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    let mut writes: Vec<&Output> = Vec::new();
    for o in outputs {
        if std::fs::read(root.join(&o.path)).is_ok_and(|b| b == o.contents.as_bytes()) {
            done.unchanged.push(o.path.clone());
        } else {
            writes.push(o);
        }
    }
    let problems = preflight(root, &writes, &stale);
    if !problems.is_empty() {
        return Err(WriteError::Preflight(problems));
    }
    if writes.is_empty() && stale.is_empty() {
        drop(lock);
        return Ok(done);
    }
    let mut journal = Journal {
        pid: std::process::id(),
        ..Journal::default()
    };
    for o in &writes {
        let existed = root.join(&o.path).is_file();
        journal.steps.push(Step {
            target: o.path.clone(),
            temp: Some(beside(&o.path, "tmp")),
            backup: existed.then(|| beside(&o.path, "bak")),
        });
    }
    for r in &stale {
        journal.steps.push(Step {
            target: r.clone(),
            temp: None,
            backup: Some(beside(r, "bak")),
        });
    }
    // the folders to create, recorded before they are
    for o in &writes {
        let mut missing = Vec::new();
        let mut dir = Path::new(&o.path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if root.join(d).is_dir() {
                break;
            }
            missing.push(d.to_string_lossy().replace('\\', "/"));
            dir = d.parent();
        }
        for d in missing.into_iter().rev() {
            if !journal.dirs.contains(&d) {
                journal.dirs.push(d);
            }
        }
    }
    let fail = |journal: &Journal, p: Problem| {
        let unrestored = roll_back(root, journal);
        if unrestored.is_empty() {
            let _ = std::fs::remove_file(root.join(JOURNAL));
        }
        WriteError::Failed {
            problem: p,
            unrestored,
        }
    };
    let save = |journal: &Journal| -> Result<(), Problem> {
        let text = serde_json::to_vec(journal).expect("journals serialize");
        let tmp = beside(JOURNAL, "tmp");
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(root.join(&tmp))?;
            f.write_all(&text)?;
            f.sync_all()?;
            std::fs::rename(root.join(&tmp), root.join(JOURNAL))
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(root.join(&tmp));
            problem(JOURNAL, "write the journal", e)
        })
    };
    if let Err(p) = save(&journal) {
        return Err(WriteError::Failed {
            problem: p,
            unrestored: Vec::new(),
        });
    }
    let interrupt = |journal: &Journal| {
        let unrestored = roll_back(root, journal);
        if unrestored.is_empty() {
            let _ = std::fs::remove_file(root.join(JOURNAL));
        }
        WriteError::Interrupted { unrestored }
    };
    // stage: folders, then every new file beside its target
    for d in &journal.dirs {
        if let Err(e) = std::fs::create_dir(root.join(d)) {
            return Err(fail(&journal, problem(d, "create the folder", e)));
        }
    }
    for (o, step) in writes.iter().zip(&journal.steps) {
        if interrupted() {
            return Err(interrupt(&journal));
        }
        let tmp = step.temp.as_deref().expect("writes are staged");
        let staged = std::fs::File::create(root.join(tmp)).and_then(|mut f| {
            // no fsync: the rename keeps readers from seeing a partial file, and
            // a build is cheap to redo after a crash (an fsync per file made
            // 1000 environments take seconds)
            f.write_all(o.contents.as_bytes())
        });
        if let Err(e) = staged {
            return Err(fail(&journal, problem(&o.path, "write", e)));
        }
    }
    // commit: each target replaced, each orphan moved aside
    for step in &journal.steps {
        if interrupted() {
            return Err(interrupt(&journal));
        }
        let target = root.join(&step.target);
        let result = match (&step.temp, &step.backup) {
            (Some(tmp), backup) => backup
                .as_ref()
                .map_or(Ok(()), |bak| std::fs::hard_link(&target, root.join(bak)))
                .map_err(|e| problem(&step.target, "back up", e))
                .and_then(|()| {
                    std::fs::rename(root.join(tmp), &target)
                        .map_err(|e| problem(&step.target, "replace", e))
                }),
            (None, Some(bak)) => std::fs::rename(&target, root.join(bak))
                .map_err(|e| problem(&step.target, "remove", e)),
            (None, None) => Ok(()),
        };
        if let Err(p) = result {
            return Err(fail(&journal, p));
        }
    }
    if interrupted() {
        return Err(interrupt(&journal));
    }
    // the commit point: from here the new tree stands, whatever happens
    if let Err(e) = std::fs::remove_file(root.join(JOURNAL)) {
        return Err(fail(&journal, problem(JOURNAL, "remove", e)));
    }
    let mut leftover = Vec::new();
    for step in &journal.steps {
        if let Some(bak) = &step.backup
            && let Err(e) = std::fs::remove_file(root.join(bak))
        {
            leftover.push(problem(bak, "remove the backup", e));
        }
        if step.temp.is_some() {
            done.written.push(step.target.clone());
        } else {
            done.removed.push(step.target.clone());
            // and the folders it leaves empty (`.github/workflows/`), below the root
            let mut dir = Path::new(&step.target).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                if std::fs::remove_dir(root.join(d)).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
    drop(lock);
    if !leftover.is_empty() {
        return Err(WriteError::Leftover(leftover));
    }
    Ok(done)
}
