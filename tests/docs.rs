//! The shell completions and the manual page under `docs/` are what
//! `jhubgen completions SHELL` and `jhubgen man` print now (both generated
//! from the parser's own clap definitions): regenerate them when a flag
//! changes.

mod common;

use common::{jhubgen, repo};
use std::process::Command;

#[test]
fn completions_and_man_page_are_current() {
    for (args, file) in [
        (
            &["completions", "bash"][..],
            "docs/completions/jhubgen.bash",
        ),
        (&["completions", "zsh"], "docs/completions/_jhubgen"),
        (&["completions", "fish"], "docs/completions/jhubgen.fish"),
        (
            &["completions", "powershell"],
            "docs/completions/_jhubgen.ps1",
        ),
        (&["man"], "docs/man/jhubgen.1"),
    ] {
        let out = jhubgen(args, &repo());
        assert!(out.status.success());
        let committed = std::fs::read(repo().join(file)).unwrap();
        assert!(
            committed == out.stdout,
            "{file} is stale: run `jhubgen {}` > {file}",
            args.join(" ")
        );
    }
}

#[test]
fn bash_completion_loads_and_completes_subcommands() {
    let script = format!(
        "source {}; COMP_WORDS=(jhubgen chec); COMP_CWORD=1; _jhubgen jhubgen chec jhubgen; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        repo().join("docs/completions/jhubgen.bash").display()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.lines().any(|l| l == "checklist"), "{text}");
}

#[test]
fn the_man_page_lists_every_command() {
    let page = std::fs::read_to_string(repo().join("docs/man/jhubgen.1")).unwrap();
    for command in [
        "build",
        "lint",
        "diff",
        "explain",
        "checklist",
        "init",
        "import",
        "completions",
    ] {
        assert!(page.contains(command), "no `{command}` in the man page");
    }
}
