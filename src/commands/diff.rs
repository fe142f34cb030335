//! `jhubgen diff`: two environments side by side, or one environment against
//! another revision (`--against REV`) or checkout (`--against-dir DIR`).

use super::{Ctx, Exit};
use crate::cli::{DiffArgs, DiffFormat};
use jhubgen::diff::{self, FileDiff, SpecDiff};
use jhubgen::emit::Output;
use jhubgen::project::Project;

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
) -> Result<Side, Exit> {
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
            ctx.note(format_args!("error: the specs of {label} do not compile:"))?;
            ctx.report(&diags, &project.sources, crate::cli::Format::Human)?;
            Err(Exit::Failed)
        }
    }
}

impl DiffArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let root = &self.root.dir();
        let review = self.against.is_some() || self.against_dir.is_some();
        if review != (self.envs.len() == 1) {
            return Err(ctx.fatal(if review {
                "--against / --against-dir compare one environment with itself: give one ENV"
            } else {
                "give two environments (`jhubgen diff lab aiv`), or one with --against REV"
            }));
        }
        let project = ctx.open(root, &self.envs)?;
        let (a, b) = if review {
            let env = &self.envs[0];
            let (old, label) = if let Some(rev) = &self.against {
                match jhubgen::git::project_at(root, rev) {
                    Ok(p) => (p, format!("{env}@{rev}")),
                    Err(e) => return Err(ctx.fatal(&e.0)),
                }
            } else {
                let dir = self.against_dir.clone().expect("one of the two is set");
                match jhubgen::project::open(&dir) {
                    Ok(p) => (p, format!("{env}@{}", dir.display())),
                    Err(e) => return Err(ctx.fatal(&e.0)),
                }
            };
            let a = compile(ctx, &old, env, label, true)?;
            let b = compile(ctx, &project, env, env.clone(), false)?;
            (a, b)
        } else {
            let a = compile(ctx, &project, &self.envs[0], self.envs[0].clone(), false)?;
            let b = compile(ctx, &project, &self.envs[1], self.envs[1].clone(), false)?;
            (a, b)
        };
        let color = ctx.stdout_color();
        let (a_prefix, b_prefix) = if review { ("a/", "b/") } else { ("", "") };
        let files = diff::rendered(&a.env, &a.outputs, &b.env, &b.outputs, a_prefix, b_prefix);
        let spec = diff::spec_diff(&a.label, a.leaves, &b.label, b.leaves);
        let show_spec = review || !self.rendered;
        let show_files = review || self.rendered;
        ctx.out(&self.render(&spec, &files, show_spec, show_files, color))?;
        if review
            && spec.rows.iter().all(|r| r.change == diff::Change::Same)
            && files.iter().all(|f| f.diff.is_empty())
        {
            ctx.note(format_args!("no change"))?;
        }
        Ok(())
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
