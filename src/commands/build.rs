//! `jhubgen build`: compile every environment and write `environments/`,
//! or with `--check` compare instead and exit 1 on any difference.

use super::{CANNOT_RUN, Ctx, FAILED, OK};
use crate::cli::{Format, RootArgs};
use jhubgen::write::Drift;

#[derive(Debug, clap::Args)]
pub struct Args {
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

impl Args {
    pub fn run(self, ctx: &Ctx) -> u8 {
        let root = &self.root.root;
        let project = match ctx.open(root, &self.envs) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let build = match jhubgen::build(&project, &self.envs) {
            Ok(b) => b,
            Err(diags) => {
                ctx.report(&diags, &project.sources, self.format);
                return FAILED;
            }
        };
        ctx.report(&build.diags, &project.sources, self.format);
        let names: Vec<&str> = build.envs.iter().map(|r| r.env.as_str()).collect();
        let all = self.envs.is_empty();
        if self.check {
            let drift = jhubgen::write::check(root, &build.outputs, &names, all);
            if drift.is_empty() {
                eprintln!(
                    "up to date: {} environment(s), {} file(s)",
                    names.len(),
                    build.outputs.len()
                );
                return OK;
            }
            let diffs: String = drift.iter().map(|d| d.unified_diff()).collect();
            super::stdout(&diffs);
            let (mut stale, mut missing, mut orphaned) = (0, 0, 0);
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
                };
                eprintln!("{what} {}{note}", d.path());
            }
            eprintln!(
                "{} generated file(s) differ from the specs ({stale} stale, {missing} missing, {orphaned} orphaned): run `jhubgen build` and commit the result",
                drift.len()
            );
            return FAILED;
        }
        match jhubgen::write::write(root, &build.outputs, &names, all) {
            Ok(w) => {
                eprintln!(
                    "built {} environment(s): {} file(s) written, {} unchanged, {} removed",
                    names.len(),
                    w.written.len(),
                    w.unchanged.len(),
                    w.removed.len()
                );
                OK
            }
            Err(e) => {
                eprintln!("error: cannot write the generated files: {e}");
                CANNOT_RUN
            }
        }
    }
}
