//! `jhubgen lint`: run the schema and every domain rule on the environments,
//! report in a format CI tools read, and write nothing.

use super::{Ctx, FAILED, OK};
use crate::cli::{Format, RootArgs};

#[derive(Debug, clap::Args)]
pub struct Args {
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

impl Args {
    pub fn run(self, ctx: &Ctx) -> u8 {
        let project = match ctx.open(&self.root.root, &self.envs) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let (diags, failed) = match jhubgen::build(&project, &self.envs) {
            Ok(b) => {
                let failed = self.deny_warnings && !b.diags.is_empty();
                (b.diags, failed)
            }
            Err(d) => (d, true),
        };
        ctx.report(&diags, &project.sources, self.format);
        if self.format == Format::Human && diags.is_empty() {
            eprintln!(
                "no problems in {} environment(s)",
                if self.envs.is_empty() {
                    project.overlays.len()
                } else {
                    self.envs.len()
                }
            );
        }
        if failed { FAILED } else { OK }
    }
}
