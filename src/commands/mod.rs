//! One module per subcommand; each has `Args` and `run`, returning the exit code.

pub mod build;
pub mod diff;
pub mod explain;
pub mod lint;
pub mod rule;
pub mod schema;

use crate::cli::{Color, Format};
use jhubgen::diag::{self, Diag};
use jhubgen::source::Sources;
use std::io::IsTerminal;

/// Exit codes (DESIGN §4).
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const CANNOT_RUN: u8 = 2;

/// Writes to standard output; a closed pipe (`jhubgen rule | head`) is not an error.
pub fn stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Shared state of a run.
pub struct Ctx {
    pub color: Color,
}

impl Ctx {
    fn use_color(&self) -> bool {
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
    pub fn report(&self, diags: &[Diag], sources: &Sources, format: Format) {
        match format {
            Format::Human => {
                if !diags.is_empty() {
                    eprint!("{}", diag::human::render(diags, sources, self.use_color()));
                    let (e, w) = diag::summary(diags);
                    eprintln!("{e} error(s), {w} warning(s)");
                }
            }
            Format::Json => stdout(&diag::json::render(diags, sources)),
            Format::Sarif => stdout(&diag::sarif::render(diags, sources)),
            Format::Github => stdout(&diag::github::render(diags, sources)),
            Format::Gitlab => stdout(&diag::gitlab::render(diags, sources)),
        }
    }

    /// Opens the project and checks the named environments exist.
    pub fn open(
        &self,
        root: &std::path::Path,
        envs: &[String],
    ) -> Result<jhubgen::project::Project, u8> {
        let project = match jhubgen::project::open(root) {
            Ok(p) => p,
            Err(e) => return Err(self.fatal(&e.0)),
        };
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

    /// A message for a command that could not run.
    pub fn fatal(&self, message: &str) -> u8 {
        eprintln!("error: {message}");
        CANNOT_RUN
    }
}
