//! `jhubgen diff`: two environments side by side, or one environment against
//! another revision (`--against REV`) or checkout (`--against-dir DIR`).

use super::{CANNOT_RUN, Ctx, FAILED, OK, stdout};
use crate::cli::RootArgs;
use clap::ValueEnum;
use jhubgen::diff::{self, FileDiff, SpecDiff};
use jhubgen::emit::Output;
use jhubgen::project::Project;
use std::path::PathBuf;

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
pub struct Args {
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

/// One compiled side.
struct Side {
    label: String,
    env: String,
    leaves: Vec<diff::Leaf>,
    outputs: Vec<Output>,
}

fn compile(
    ctx: &Ctx,
    project: &Project,
    env: &str,
    label: String,
    missing_ok: bool,
) -> Result<Side, u8> {
    if !project.env_names().contains(&env) {
        if missing_ok {
            return Ok(Side {
                label,
                env: env.to_string(),
                leaves: Vec::new(),
                outputs: Vec::new(),
            });
        }
        return Err(ctx.fatal(&format!("unknown environment `{env}` in {label}")));
    }
    match jhubgen::build(project, &[env.to_string()]) {
        Ok(b) => {
            let r = b
                .envs
                .into_iter()
                .next()
                .expect("one environment was built");
            Ok(Side {
                label,
                env: env.to_string(),
                leaves: diff::leaves(&r, &project.sources),
                outputs: b.outputs,
            })
        }
        Err(diags) => {
            eprintln!("error: the specs of {label} do not compile:");
            ctx.report(&diags, &project.sources, crate::cli::Format::Human);
            Err(FAILED)
        }
    }
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> u8 {
        let root = &self.root.root;
        let review = self.against.is_some() || self.against_dir.is_some();
        if review != (self.envs.len() == 1) {
            return ctx.fatal(if review {
                "--against / --against-dir compare one environment with itself: give one ENV"
            } else {
                "give two environments (`jhubgen diff lab aiv`), or one with --against REV"
            });
        }
        let project = match ctx.open(root, &self.envs) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let (a, b) = if review {
            let env = &self.envs[0];
            let (old, label) = if let Some(rev) = &self.against {
                match jhubgen::git::project_at(root, rev) {
                    Ok(p) => (p, format!("{env}@{rev}")),
                    Err(e) => return ctx.fatal(&e.0),
                }
            } else {
                let dir = self.against_dir.clone().expect("one of the two is set");
                match jhubgen::project::open(&dir) {
                    Ok(p) => (p, format!("{env}@{}", dir.display())),
                    Err(e) => return ctx.fatal(&e.0),
                }
            };
            let a = match compile(ctx, &old, env, label, true) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let b = match compile(ctx, &project, env, env.clone(), false) {
                Ok(s) => s,
                Err(c) => return c,
            };
            (a, b)
        } else {
            let a = match compile(ctx, &project, &self.envs[0], self.envs[0].clone(), false) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let b = match compile(ctx, &project, &self.envs[1], self.envs[1].clone(), false) {
                Ok(s) => s,
                Err(c) => return c,
            };
            (a, b)
        };
        let color = ctx.stdout_color();
        let (a_prefix, b_prefix) = if review { ("a/", "b/") } else { ("", "") };
        let files = diff::rendered(&a.env, &a.outputs, &b.env, &b.outputs, a_prefix, b_prefix);
        let spec = diff::spec_diff(&a.label, a.leaves, &b.label, b.leaves);
        let show_spec = review || !self.rendered;
        let show_files = review || self.rendered;
        stdout(&self.render(&spec, &files, show_spec, show_files, color));
        if review
            && spec.rows.iter().all(|r| r.change == diff::Change::Same)
            && files.iter().all(|f| f.diff.is_empty())
        {
            eprintln!("no change");
        }
        let _ = CANNOT_RUN;
        OK
    }

    fn render(
        &self,
        spec: &SpecDiff,
        files: &[FileDiff],
        show_spec: bool,
        show_files: bool,
        color: bool,
    ) -> String {
        match self.format {
            DiffFormat::Text => {
                let mut s = String::new();
                if show_spec {
                    s.push_str(&diff::text(spec, self.all, color));
                }
                if show_files {
                    if show_spec {
                        s.push('\n');
                    }
                    s.push_str(&diff::rendered_text(files, color));
                }
                s
            }
            DiffFormat::Markdown => {
                let mut s = String::new();
                if show_spec {
                    s.push_str(&diff::markdown(spec, self.all));
                }
                if show_files {
                    if show_spec {
                        s.push('\n');
                    }
                    s.push_str(&diff::rendered_markdown(files));
                }
                s
            }
            DiffFormat::Json => {
                let mut doc = serde_json::Map::new();
                if show_spec {
                    let v: serde_json::Value =
                        serde_json::from_str(&diff::json(spec, self.all)).expect("our own JSON");
                    doc.insert("spec".into(), v);
                }
                if show_files {
                    doc.insert("rendered".into(), diff::rendered_json(files));
                }
                let mut s = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
                s.push('\n');
                s
            }
        }
    }
}
