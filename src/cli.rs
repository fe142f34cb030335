//! The command line (DESIGN §4, a contract): clap derive, one struct per
//! subcommand. Only the types: each command runs in `crate::commands`, which
//! reads these; this module imports nothing from there.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "jhubgen",
    version,
    about = "Compile and check JupyterHub-on-Kubernetes configuration: a TOML base + one overlay per environment → Helm values and the manifests, dashboard, alerts, pipelines and checklist around them"
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
    Build(BuildArgs),
    /// Check the specs (schema and domain rules) without writing anything
    Lint(LintArgs),
    /// Compare two environments, or one with another revision
    Diff(DiffArgs),
    /// Where a value comes from and where it goes
    Explain(ExplainArgs),
    /// List the lint rules, or explain one
    Rule(RuleArgs),
    /// Print the JSON Schema of the input spec
    Schema(SchemaArgs),
    /// What each environment needs that jhubgen cannot create: Secrets, DNS, CI variables, cluster prerequisites, values to confirm
    Checklist(ChecklistArgs),
    /// Start a project: a commented base and one overlay that lint and build clean
    Init(InitArgs),
    /// Adopt existing Helm values files: a base and one overlay per environment, proven by a round trip before anything is written
    Import(ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// Print the manual page (roff; `jhubgen man | man -l -`)
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// An environment and its values files, stacked as `helm -f a -f b` stacks them (maps merge, lists replace, null deletes); repeat for each environment
    #[arg(long = "env", value_name = "NAME=FILE[,FILE...]", required = true)]
    pub envs: Vec<String>,
    /// A spec value the values files cannot tell (`lab.ingress.class=traefik`, `prod.tls.mode=edge`); the value is TOML, or text
    #[arg(long = "set", value_name = "ENV.KEY=VALUE")]
    pub sets: Vec<String>,
    /// Import template placeholders (`${x}`, `{{ .Values.x }}`) as literal text instead of refusing them
    #[arg(long)]
    pub keep_templates: bool,
    /// The folder to write the project to (created if missing)
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Replace the specs of a folder that already has `base/` or `overlays/`
    #[arg(long)]
    pub force: bool,
    /// How problems are printed
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to start the project in (created if missing)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The first environment's name
    #[arg(long, default_value = "dev")]
    pub env: String,
}

#[derive(Debug, clap::Args)]
pub struct ChecklistArgs {
    /// Environments (overlay names); all when none is given
    pub envs: Vec<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// `text` for the terminal, `markdown` (what `build` writes to checklist.md), `json` (see the README)
    #[arg(long, value_enum, default_value_t = ChecklistFormat::Text)]
    pub format: ChecklistFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChecklistFormat {
    Text,
    Markdown,
    Json,
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
    /// The project folder holding `base/` and `overlays/` [default: the
    /// nearest such folder at or above the current one]
    #[arg(long)]
    pub root: Option<PathBuf>,
}

impl RootArgs {
    /// The project folder: `--root`, or found by searching upward.
    pub fn dir(&self) -> PathBuf {
        match &self.root {
            Some(r) => r.clone(),
            None => jhubgen::project::find_root(std::path::Path::new(".")),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Environments to build (overlay names); all when none is given
    pub envs: Vec<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// Write nothing; print a unified diff of every stale, missing or orphaned file and exit 1 if any
    #[arg(long)]
    pub check: bool,
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Environments to lint (overlay names); all when none is given
    pub envs: Vec<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// aligned and coloured, for a terminal
    Text,
    /// tables for a merge-request description or job summary
    Markdown,
    /// stable JSON for scripts
    Json,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The environment(s): two to compare them, one with --against / --against-dir
    #[arg(required = true, num_args = 1..=2)]
    pub envs: Vec<String>,
    #[command(flatten)]
    pub root: RootArgs,
    /// Compare the generated files (unified diffs) instead of the resolved values
    #[arg(long)]
    pub rendered: bool,
    /// List the settings that are the same too
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Compare ENV with itself at this git revision (read with git; no network)
    #[arg(long, value_name = "REV", conflicts_with = "against_dir")]
    pub against: Option<String>,
    /// Compare ENV with itself in another checkout of the project
    #[arg(long, value_name = "DIR")]
    pub against_dir: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The environment
    pub env: String,
    /// A spec key (`profiles[gpu-large].memory.limit`, `ingress.host`) or an
    /// output path (`values.yaml:hub.config.GitHubOAuthenticator.oauth_callback_url`,
    /// or without the file name); a table or profile lists everything under it
    pub key: Option<String>,
    #[command(flatten)]
    pub root: RootArgs,
}

#[derive(Debug, clap::Args)]
pub struct RuleArgs {
    /// A rule code (`auth/nobody-allowed`) or built-in code (`schema/unknown-key`)
    pub code: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}
