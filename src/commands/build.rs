//! `jhubgen build`: compile every environment and write `environments/`,
//! or with `--check` compare instead and exit 1 on any difference.

use super::{Ctx, Exit};
use crate::cli::{BuildArgs, Format};
use jhubgen::write::Drift;

impl BuildArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let root = &self.root.dir();
        let project = ctx.open(root, &self.envs)?;
        let build = match jhubgen::build(&project, &self.envs) {
            Ok(b) => b,
            Err(diags) => {
                ctx.report(&diags, &project.sources, self.format)?;
                return Err(Exit::Failed);
            }
        };
        let names: Vec<&str> = build.envs.iter().map(|r| r.env.as_str()).collect();
        let all = self.envs.is_empty();
        let machine = self.format != Format::Human;
        if !(self.check && machine) {
            ctx.report(&build.diags, &project.sources, self.format)?;
        }
        if self.check {
            let drift = match jhubgen::write::check(root, &build.outputs, &names, all) {
                Ok(d) => d,
                Err(problems) => {
                    let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
                    return Err(ctx.fatal(&format!(
                        "cannot compare the generated files:\n{}",
                        list.join("\n")
                    )));
                }
            };
            if machine {
                // one document: the warnings and every drifted file as a diagnostic
                let mut sources = project.sources.clone();
                let mut diags = build.diags.clone();
                diags.extend(drift.iter().map(|d| d.diagnostic(&mut sources)));
                ctx.report(&diags, &sources, self.format)?;
                return if drift.is_empty() {
                    Ok(())
                } else {
                    Err(Exit::Failed)
                };
            }
            if drift.is_empty() {
                ctx.note(format_args!(
                    "up to date: {} environment(s), {} file(s)",
                    names.len(),
                    build.outputs.len()
                ))?;
                return Ok(());
            }
            let diffs: String = drift.iter().map(|d| d.unified_diff()).collect();
            ctx.out(&diffs)?;
            let (mut stale, mut missing, mut orphaned, mut interrupted) = (0, 0, 0, 0);
            for d in &drift {
                let (what, note) = match d {
                    Drift::Stale { .. } => {
                        stale += 1;
                        ("stale:   ", "")
                    }
                    Drift::Missing { .. } => {
                        missing += 1;
                        ("missing: ", "")
                    }
                    Drift::Orphan { .. } => {
                        orphaned += 1;
                        ("orphaned:", "  (no environment generates it any more)")
                    }
                    Drift::Interrupted { .. } => {
                        interrupted += 1;
                        (
                            "leftover:",
                            "  (a build was killed: the tree may be half-written)",
                        )
                    }
                };
                ctx.note(format_args!("{what} {}{note}", d.path()))?;
            }
            let files = drift.len() - interrupted;
            let mut summary = format!(
                "{files} generated file(s) differ from the specs ({stale} stale, {missing} missing, {orphaned} orphaned)"
            );
            if interrupted > 0 {
                summary.push_str(&format!(
                    ", and {interrupted} file(s) of an interrupted build"
                ));
            }
            ctx.note(format_args!(
                "{summary}: run `jhubgen build` and commit the result"
            ))?;
            return Err(Exit::Failed);
        }
        match jhubgen::write::write(root, &build.outputs, &names, all) {
            Ok(w) => {
                for r in &w.recovered {
                    ctx.note(format_args!("note: {r}"))?;
                }
                ctx.note(format_args!(
                    "built {} environment(s): {} file(s) written, {} unchanged, {} removed",
                    names.len(),
                    w.written.len(),
                    w.unchanged.len(),
                    w.removed.len()
                ))?;
                Ok(())
            }
            Err(e) => Err(ctx.fatal(&format!("cannot write the generated files: {e}"))),
        }
    }
}
