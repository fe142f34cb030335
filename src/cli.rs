//! The command line (DESIGN §4, a contract): clap derive, one struct per subcommand.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "jhubgen",
    version,
    about = "Compile and check JupyterHub-on-Kubernetes configuration: a TOML base + one overlay per environment → Helm values, Ingress, ServiceMonitor"
)]
pub struct Cli {
    /// When to colour human-readable output (`auto` follows the terminal and NO_COLOR).
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile base + overlays into environments/<env>/
    Build(crate::commands::build::Args),
    /// Check the specs (schema and domain rules) without writing anything
    Lint(crate::commands::lint::Args),
    /// Compare two environments, or one with another revision
    Diff(crate::commands::diff::Args),
    /// Where a value comes from and where it goes
    Explain(crate::commands::explain::Args),
    /// List the lint rules, or explain one
    Rule(crate::commands::rule::Args),
    /// Print the JSON Schema of the input spec
    Schema(crate::commands::schema::Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette's graphical report, on standard error
    Human,
    /// one JSON object on standard output (see the README)
    Json,
    /// SARIF 2.1.0 on standard output (GitHub code scanning)
    Sarif,
    /// GitHub Actions workflow commands on standard output (annotations)
    Github,
    /// GitLab Code Quality report on standard output
    Gitlab,
}

/// Options every command that reads a project takes.
#[derive(Debug, clap::Args)]
pub struct RootArgs {
    /// The project folder holding `base/` and `overlays/`
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}
