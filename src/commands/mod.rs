//! One module per subcommand, each the `run` of its arguments (`crate::cli`),
//! which ends in `Ok(())` or an [`Exit`] that carries the exit code.

pub mod build;
pub mod checklist;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod import;
pub mod init;
pub mod lint;
pub mod rule;
pub mod schema;

use crate::cli::{Color, Format};
use jhubgen::diag::{self, Diag};
use jhubgen::source::Sources;
use std::io::IsTerminal;

/// How a command that did not succeed ends (DESIGN §4): what `main` turns
/// into the exit code. Success is `Ok(())`.
#[derive(Debug)]
pub enum Exit {
    /// The input has errors, or drift was found (exit 1); already reported.
    Failed,
    /// The command could not run (exit 2): a bad argument, an unreadable
    /// root, a file that cannot be written — the message names it.
    CannotRun(String),
    /// Writing to standard output or standard error failed (exit 2).
    Output(&'static str, std::io::Error),
}

impl Exit {
    pub fn code(&self) -> u8 {
        match self {
            Exit::Failed => 1,
            Exit::CannotRun(_) | Exit::Output(..) => 2,
        }
    }

    /// What to print on standard error, if anything.
    pub fn message(&self) -> Option<String> {
        match self {
            Exit::Failed => None,
            Exit::CannotRun(m) => Some(format!("error: {m}")),
            Exit::Output(stream, e) => Some(format!("error: cannot write to {stream}: {e}")),
        }
    }
}

/// Shared state of a run.
pub struct Ctx {
    pub color: Color,
    /// A reader of standard output or error stopped early (`| head`): the
    /// command goes on quietly, writing nothing more there.
    closed: [std::cell::Cell<bool>; 2],
    /// The opened project's git work tree and the project's folder within
    /// it, for paths in annotations (see [`Ctx::report`]).
    repository: std::cell::RefCell<Option<(std::path::PathBuf, String)>>,
}

impl Ctx {
    pub fn new(color: Color) -> Ctx {
        Ctx {
            color,
            closed: Default::default(),
            repository: Default::default(),
        }
    }

    fn write(&self, stream: usize, text: &[u8]) -> Result<(), Exit> {
        use std::io::Write;
        if self.closed[stream].get() {
            return Ok(());
        }
        let result = if stream == 0 {
            let mut out = std::io::stdout().lock();
            out.write_all(text).and_then(|()| out.flush())
        } else {
            std::io::stderr().lock().write_all(text)
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed[stream].set(true);
                Ok(())
            }
            Err(e) => Err(Exit::Output(
                if stream == 0 {
                    "standard output"
                } else {
                    "standard error"
                },
                e,
            )),
        }
    }

    /// Writes to standard output.
    pub fn out(&self, text: &str) -> Result<(), Exit> {
        self.write(0, text.as_bytes())
    }

    /// Writes a line to standard error.
    pub fn note(&self, line: std::fmt::Arguments) -> Result<(), Exit> {
        self.write(1, format!("{line}\n").as_bytes())
    }

    /// Writes to standard error.
    pub fn err(&self, text: &str) -> Result<(), Exit> {
        self.write(1, text.as_bytes())
    }

    /// Whether to colour what goes to standard error.
    pub fn stderr_color(&self) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        }
    }

    /// Whether to colour what goes to standard output.
    pub fn stdout_color(&self) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }

    /// Prints diagnostics in the chosen format.
    pub fn report(&self, diags: &[Diag], sources: &Sources, format: Format) -> Result<(), Exit> {
        match format {
            Format::Human => {
                if diags.is_empty() {
                    return Ok(());
                }
                if diag::reported(diags).next().is_none() {
                    let s = diag::suppressed(diags);
                    return self.note(format_args!("{s} warning(s) allowed by [[lint.allow]]"));
                }
                self.err(&diag::human::render(diags, sources, self.stderr_color()))?;
                let (e, w) = diag::summary(diags);
                match diag::suppressed(diags) {
                    0 => self.note(format_args!("{e} error(s), {w} warning(s)")),
                    s => self.note(format_args!(
                        "{e} error(s), {w} warning(s), {s} allowed by [[lint.allow]]"
                    )),
                }
            }
            Format::Json => self.out(&diag::json::render(diags, sources)),
            // a forge resolves paths against the repository's root, whatever
            // `--root` is: name files from there
            Format::Sarif | Format::Github | Format::Gitlab => {
                let repo = self.repository.borrow().clone();
                let prefix = repo.as_ref().map_or("", |(_, p)| p.as_str());
                let named = sources.prefixed(prefix);
                self.out(&match format {
                    Format::Sarif => diag::sarif::render_in(
                        diags,
                        &named,
                        repo.as_ref().map(|(top, _)| top.as_path()),
                    ),
                    Format::Github => diag::github::render(diags, &named),
                    _ => diag::gitlab::render(diags, &named),
                })
            }
        }
    }

    /// Opens the project and checks the named environments exist.
    pub fn open(
        &self,
        root: &std::path::Path,
        envs: &[String],
    ) -> Result<jhubgen::project::Project, Exit> {
        let project = match jhubgen::project::open(root) {
            Ok(p) => p,
            Err(e) => return Err(self.fatal(&e.0)),
        };
        *self.repository.borrow_mut() = jhubgen::project::repository_of(root);
        let known = project.env_names();
        for e in envs {
            if !known.contains(&e.as_str()) {
                let hint = jhubgen::validate::closest(e, &known)
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                return Err(self.fatal(&format!(
                    "unknown environment `{e}`{hint} (environments: {})",
                    known.join(", ")
                )));
            }
        }
        Ok(project)
    }

    /// A command that could not run, and why (printed by `main`).
    pub fn fatal(&self, message: &str) -> Exit {
        Exit::CannotRun(message.to_string())
    }
}
