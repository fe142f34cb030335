//! `jhubgen completions SHELL` and `jhubgen man`: generated from the clap
//! definitions the parser uses (`crate::cli`), so they cannot drift from it.
//! The committed copies under `docs/` are drift-checked by a test.

use super::{Ctx, Exit};
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use clap::CommandFactory;

impl CompletionsArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let mut buf = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "jhubgen", &mut buf);
        ctx.out(&String::from_utf8_lossy(&buf))
    }
}

impl ManArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let mut buf = Vec::new();
        if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut buf) {
            return Err(ctx.fatal(&format!("cannot render the manual page: {e}")));
        }
        ctx.out(&String::from_utf8_lossy(&buf))
    }
}
