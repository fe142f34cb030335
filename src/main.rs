//! The `jhubgen` binary: parse the command line, run one subcommand, exit
//! with its code (0 success, 1 input errors or drift, 2 cannot run).

mod cli;
mod commands;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

// Compiling the JSON Schemas allocates many small objects: with mimalloc a
// reference build executes a fifth fewer instructions than with glibc's
// malloc (callgrind: 25.5 M → 20.0 M), and runs about 15 % faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = commands::Ctx { color: cli.color };
    let code = match cli.command {
        Command::Build(args) => args.run(&ctx),
        Command::Lint(args) => args.run(&ctx),
        Command::Diff(args) => args.run(&ctx),
        Command::Explain(args) => args.run(&ctx),
        Command::Rule(args) => args.run(&ctx),
        Command::Schema(args) => args.run(&ctx),
    };
    ExitCode::from(code)
}
