//! Faults a real machine has, injected into the real binary with strace's
//! `-e inject=` (no test hook in the code): a failed rename, link or write at
//! every position, a full disk, SIGINT and SIGKILL mid-build, a folder in the
//! way, two builds at once, unreadable files, and standard output or error
//! that cannot be written. Each asserts the whole tree before and after, and
//! that no staged, backup, journal or lock file is left behind (DESIGN §5).

mod common;

use common::{project_with, snapshot_tree};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_jhubgen");

type Tree = Vec<(String, Vec<u8>)>;

/// strace, which scripts/test installs; a missing one is a failure, not a skip.
fn strace() -> Command {
    let ok = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "strace is not installed (scripts/test installs it with apt-get)"
    );
    Command::new("strace")
}

/// Runs jhubgen under strace with `inject` (one `-e inject=…` expression),
/// optionally only on syscalls that touch `path` (`-P`, which compares the
/// paths as the syscalls spell them: so the build gets an absolute `--root`).
fn injected(dir: &Path, inject: &str, path: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = strace();
    cmd.args([
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        &format!("inject={inject}"),
    ]);
    if let Some(p) = path {
        cmd.arg("-P").arg(dir.join(p));
    }
    cmd.arg(BIN).args(args);
    if path.is_some() {
        cmd.arg("--root").arg(dir);
    }
    cmd.current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::jhubgen(args, dir)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A built project whose specs then change every generated file (a new image
/// tag), so that the next build would replace all of them: the tree before.
fn changed_project() -> (tempfile::TempDir, Tree) {
    let p = project_with(None);
    assert!(run(p.path(), &["build"]).status.success());
    let base = p.path().join("base/platform.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    assert!(text.contains("\ntag = \"v1\"\n"));
    std::fs::write(&base, text.replace("\ntag = \"v1\"\n", "\ntag = \"v2\"\n")).unwrap();
    let before = snapshot_tree(p.path());
    (p, before)
}

/// Files a build must never leave: staged copies, backups, the journal, the lock.
fn scratch(tree: &Tree) -> Vec<&str> {
    tree.iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            name.contains(".jhubgen-") || name == ".jhubgen.journal" || name == ".jhubgen.lock"
        })
        .collect()
}

fn assert_unchanged(dir: &Path, before: &Tree, what: &str, out: &Output) {
    let after = snapshot_tree(dir);
    assert!(
        scratch(&after).is_empty(),
        "{what}: left {:?}\n{}",
        scratch(&after),
        stderr(out)
    );
    let changed: Vec<&str> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|(p, _)| p.as_str())
        .chain(
            before
                .iter()
                .filter(|f| !after.contains(f))
                .map(|(p, _)| p.as_str()),
        )
        .collect();
    assert!(
        changed.is_empty(),
        "{what}: the tree changed: {changed:?}\n{}",
        stderr(out)
    );
}

/// How often a clean build of the changed project makes `syscall`.
fn count(syscall: &str) -> usize {
    let (p, _) = changed_project();
    let scratch = tempfile::tempdir().unwrap();
    let log = scratch.path().join("strace.log");
    let out = strace()
        .args(["-f", "-qq", "-e", &format!("trace={syscall}"), "-o"])
        .arg(&log)
        .arg(BIN)
        .arg("build")
        .current_dir(p.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    text.lines()
        .filter(|l| l.contains(&format!("{syscall}(")))
        .count()
}

/// The tree a clean build of the changed specs leaves.
fn clean_result() -> Tree {
    let (p, _) = changed_project();
    assert!(run(p.path(), &["build"]).status.success());
    snapshot_tree(p.path())
}

/// Runs jhubgen with its `when`-th rename failing (EIO): exit 2, the error named.
fn failed_rename(dir: &Path, when: usize, args: &[&str]) -> Output {
    let out = injected(dir, &format!("rename:error=EIO:when={when}"), None, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "rename {when}: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Input/output error"),
        "{}",
        stderr(&out)
    );
    out
}

#[test]
fn a_failed_rename_at_any_position_changes_nothing() {
    // the journal, then one rename per replaced file
    let n = count("rename");
    assert!(n >= 6, "{n} renames");
    for when in 1..=n {
        let (p, before) = changed_project();
        let out = failed_rename(p.path(), when, &["build"]);
        assert!(
            stderr(&out).contains("no file was changed"),
            "{}",
            stderr(&out)
        );
        assert_unchanged(p.path(), &before, &format!("rename {when}"), &out);
    }
}

#[test]
fn a_failed_backup_link_at_any_position_changes_nothing() {
    let n = count("linkat");
    assert!(n >= 5, "{n} links");
    for when in 1..=n {
        let (p, before) = changed_project();
        let out = injected(
            p.path(),
            &format!("linkat:error=EMLINK:when={when}"),
            None,
            &["build"],
        );
        assert_eq!(out.status.code(), Some(2), "link {when}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot back up `"),
            "{}",
            stderr(&out)
        );
        assert_unchanged(p.path(), &before, &format!("link {when}"), &out);
    }
}

#[test]
fn a_failed_write_or_a_full_disk_changes_nothing() {
    // the writes into files (the lock's holder, the journal, each staged file),
    // as the k-th write call of the process
    let (p, _) = changed_project();
    let scratch = tempfile::tempdir().unwrap();
    let log = scratch.path().join("writes.log");
    let out = strace()
        .args(["-f", "-qq", "-y", "-e", "trace=write", "-o"])
        .arg(&log)
        .arg(BIN)
        .arg("build")
        .current_dir(p.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    let writes: Vec<&str> = text.lines().filter(|l| l.contains("write(")).collect();
    let into_files: Vec<usize> = writes
        .iter()
        .enumerate()
        // the journal and each staged file (the lock's note of its holder may fail harmlessly)
        .filter(|(_, l)| l.contains(".jhubgen") && !l.contains(".jhubgen.lock"))
        .map(|(i, _)| i + 1)
        .collect();
    assert!(into_files.len() >= 6, "{writes:#?}");
    for &when in &into_files {
        // that write fails for want of space: said, with the file
        let (p, before) = changed_project();
        let out = injected(
            p.path(),
            &format!("write:error=ENOSPC:when={when}"),
            None,
            &["build"],
        );
        assert_eq!(out.status.code(), Some(2), "write {when}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("cannot write") && err.contains("`: No space left on device"),
            "write {when}: {err}"
        );
        assert_unchanged(p.path(), &before, &format!("write {when}"), &out);
        // the disk is full from there on: this write and every later one fail,
        // the message on standard error included (the exit code still says it)
        let (p, before) = changed_project();
        let out = injected(
            p.path(),
            &format!("write:error=ENOSPC:when={when}+"),
            None,
            &["build"],
        );
        assert_eq!(out.status.code(), Some(2), "ENOSPC from write {when}");
        assert_unchanged(
            p.path(),
            &before,
            &format!("ENOSPC from write {when}"),
            &out,
        );
    }
}

#[test]
fn sigint_mid_build_rolls_back() {
    let n = count("rename");
    for when in 1..=n {
        let (p, before) = changed_project();
        let out = injected(
            p.path(),
            &format!("rename:signal=SIGINT:when={when}"),
            None,
            &["build"],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "SIGINT at rename {when}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("interrupted; no file was changed"),
            "{}",
            stderr(&out)
        );
        assert_unchanged(p.path(), &before, &format!("SIGINT at rename {when}"), &out);
    }
}

#[test]
fn sigkill_mid_build_then_the_next_build_recovers() {
    let n = count("rename");
    let clean = clean_result();
    for when in 2..=n {
        let (p, _) = changed_project();
        let out = injected(
            p.path(),
            &format!("rename:signal=SIGKILL:when={when}"),
            None,
            &["build"],
        );
        assert_ne!(out.status.code(), Some(0), "SIGKILL at rename {when}");
        let killed = snapshot_tree(p.path());
        assert!(
            killed.iter().any(|(f, _)| f == ".jhubgen.journal"),
            "SIGKILL at rename {when}: no journal"
        );
        // the killed build's lock file is still there, unlocked
        assert!(p.path().join(".jhubgen.lock").exists());
        // --check writes nothing and does not call a half-written tree clean
        let check = run(p.path(), &["build", "--check"]);
        assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
        assert!(
            stderr(&check).contains("a build was killed"),
            "{}",
            stderr(&check)
        );
        assert_eq!(snapshot_tree(p.path()), killed, "--check changed the tree");
        // the next build takes the lock over, rolls back, and builds
        let out = run(p.path(), &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("rolled back the"), "{}", stderr(&out));
        assert_eq!(
            snapshot_tree(p.path()),
            clean,
            "after SIGKILL at rename {when}"
        );
        assert!(run(p.path(), &["build", "--check"]).status.success());
    }
}

#[test]
fn every_unwritable_target_is_reported_before_anything_changes() {
    let (p, before_setup) = changed_project();
    drop(before_setup);
    // a folder where a file goes, a file where a folder goes, a folder jhubgen may not write
    std::fs::remove_file(p.path().join("environments/lab/values.yaml")).unwrap();
    std::fs::create_dir(p.path().join("environments/lab/values.yaml")).unwrap();
    std::fs::remove_dir_all(p.path().join("environments/aiv-staging")).unwrap();
    std::fs::write(p.path().join("environments/aiv-staging"), "a file\n").unwrap();
    let before = snapshot_tree(p.path());
    // root may write anywhere: access(2) says EACCES for this folder all the same
    let out = injected(
        p.path(),
        "access:error=EACCES",
        Some(".github/workflows"),
        &["build"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for line in [
        "3 generated file(s) cannot be written; no file was changed:",
        "cannot write in the folder `.github/workflows`: permission denied",
        "cannot create the folder `environments/aiv-staging`: a file is in the way",
        "cannot replace `environments/lab/values.yaml`: a folder is in the way",
    ] {
        assert!(err.contains(line), "no `{line}` in:\n{err}");
    }
    assert_unchanged(p.path(), &before, "pre-flight", &out);
}

#[test]
fn two_builds_at_once_never_interleave() {
    let (p, _) = changed_project();
    // A builds tag v2, slowly (each rename waits 0.3 s); B starts with tag v3 while A holds the lock
    let a = strace()
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "inject=rename:delay_enter=300000",
        ])
        .arg(BIN)
        .arg("build")
        .current_dir(p.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let journal = p.path().join(".jhubgen.journal");
    let start = std::time::Instant::now();
    while !journal.exists() {
        assert!(start.elapsed().as_secs() < 30, "A never started writing");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let base = p.path().join("base/platform.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("\ntag = \"v2\"\n", "\ntag = \"v3\"\n")).unwrap();
    // a build that will not wait says who holds the lock
    let impatient = Command::new(BIN)
        .arg("build")
        .current_dir(p.path())
        .env("JHUBGEN_LOCK_WAIT", "0")
        .output()
        .unwrap();
    assert_eq!(impatient.status.code(), Some(2), "{}", stderr(&impatient));
    assert!(
        stderr(&impatient).contains("another jhubgen build is writing this tree (pid "),
        "{}",
        stderr(&impatient)
    );
    // one that waits builds after A, from its own inputs
    let b = run(p.path(), &["build"]);
    let a = a.wait_with_output().unwrap();
    assert!(a.status.success(), "A: {}", stderr(&a));
    assert!(b.status.success(), "B: {}", stderr(&b));
    // the tree is exactly B's build (v3): nothing of A's left in between
    let fresh = project_with(None);
    let base = fresh.path().join("base/platform.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replace("\ntag = \"v1\"\n", "\ntag = \"v3\"\n")).unwrap();
    assert!(run(fresh.path(), &["build"]).status.success());
    assert_eq!(snapshot_tree(p.path()), snapshot_tree(fresh.path()));
}

#[test]
fn check_names_a_file_it_cannot_read() {
    let p = project_with(None);
    assert!(run(p.path(), &["build"]).status.success());
    let out = injected(
        p.path(),
        "openat:error=EACCES",
        Some("environments/lab/values.yaml"),
        &["build", "--check"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot read `environments/lab/values.yaml`: Permission denied"),
        "{}",
        stderr(&out)
    );
}

/// Every command, with standard output (or error) on a full device: exit 2
/// and a message, never 0.
#[test]
fn dev_full_makes_every_command_fail() {
    let p = project_with(None);
    assert!(run(p.path(), &["build"]).status.success());
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let stdout_commands: &[&[&str]] = &[
        &["lint", "--format", "json"],
        &["lint", "--format", "sarif"],
        &["lint", "--format", "gitlab"],
        &["diff", "lab", "aiv"],
        &["diff", "lab", "aiv", "--rendered", "--format", "json"],
        &["explain", "lab"],
        &["explain", "aiv", "ingress.host"],
        &["rule"],
        &["rule", "auth/allow-all"],
        &["schema"],
        &["--help"],
        &["--version"],
    ];
    for args in stdout_commands {
        let out = Command::new(BIN)
            .args(*args)
            .current_dir(p.path())
            .stdout(full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("cannot write to standard output: No space left on device"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // commands that speak on standard error
    let stderr_commands: &[&[&str]] = &[&["lint"], &["build"], &["build", "--check"], &["bogus"]];
    for args in stderr_commands {
        let out = Command::new(BIN)
            .args(*args)
            .current_dir(p.path())
            .stderr(full())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// A reader that stopped early is not an error: the command ends quietly.
#[test]
fn a_closed_pipe_ends_quietly() {
    let p = project_with(None);
    for args in [&["schema"][..], &["rule"], &["explain", "lab"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader); // every write now fails with EPIPE
        let out = Command::new(BIN)
            .args(args)
            .current_dir(p.path())
            .stdout(writer)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

/// `jhubgen import` writes through the same writer: a failed rename at any
/// position leaves no spec behind (and no scratch file).
#[test]
fn a_failed_rename_during_import_writes_nothing() {
    let case = common::repo().join("tests/fixtures/import/seed");
    let args = common::import_args(&case);
    let all: Vec<&str> = args.iter().map(String::as_str).collect();
    // how many renames a clean import makes
    let clean = tempfile::tempdir().unwrap();
    common::copy_tree(&case, clean.path());
    let log = clean.path().join("strace.log");
    let out = strace()
        .args(["-f", "-qq", "-e", "trace=rename", "-o"])
        .arg(&log)
        .arg(BIN)
        .args(&all)
        .current_dir(clean.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let n = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| l.contains("rename("))
        .count();
    assert!(n >= 4, "{n} renames");
    for when in 1..=n {
        let dir = tempfile::tempdir().unwrap();
        common::copy_tree(&case, dir.path());
        let before = snapshot_tree(dir.path());
        let out = failed_rename(dir.path(), when, &all);
        assert_unchanged(dir.path(), &before, &format!("import, rename {when}"), &out);
    }
}
