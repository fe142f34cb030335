//! `jhubgen lint`: run the schema and every domain rule on the environments,
//! report in a format CI tools read, and write nothing.

use super::{Ctx, Exit};
use crate::cli::{Format, LintArgs};

impl LintArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let project = ctx.open(&self.root.dir(), &self.envs)?;
        let (diags, failed) = match jhubgen::build(&project, &self.envs) {
            Ok(b) => {
                let failed =
                    self.deny_warnings && jhubgen::diag::reported(&b.diags).next().is_some();
                (b.diags, failed)
            }
            Err(d) => (d, true),
        };
        ctx.report(&diags, &project.sources, self.format)?;
        if self.format == Format::Human && diags.is_empty() {
            ctx.note(format_args!(
                "no problems in {} environment(s)",
                if self.envs.is_empty() {
                    project.overlays.len()
                } else {
                    self.envs.len()
                }
            ))?;
        }
        if failed { Err(Exit::Failed) } else { Ok(()) }
    }
}
