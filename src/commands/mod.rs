//! One module per subcommand; each has `Args` and `run`, returning the exit code.

pub mod build;
pub mod schema;

use crate::cli::{Color, Format};
use jhubgen::diag::{self, Diag};
use jhubgen::source::Sources;
use std::io::IsTerminal;

/// Exit codes (DESIGN §4).
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const CANNOT_RUN: u8 = 2;

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
            Format::Json => print!("{}", diag::json::render(diags, sources)),
        }
    }

    /// A message for a command that could not run.
    pub fn fatal(&self, message: &str) -> u8 {
        eprintln!("error: {message}");
        CANNOT_RUN
    }
}
