//! `jhubgen checklist [ENV...]`: what each environment needs that jhubgen
//! cannot create, from its resolved spec (see `jhubgen::checklist`).

use super::{Ctx, Exit};
use crate::cli::{ChecklistArgs, ChecklistFormat, Format};
use jhubgen::checklist;

impl ChecklistArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let project = ctx.open(&self.root.dir(), &self.envs)?;
        let build = match jhubgen::build(&project, &self.envs) {
            Ok(b) => b,
            Err(diags) => {
                ctx.report(&diags, &project.sources, Format::Human)?;
                return Err(Exit::Failed);
            }
        };
        let mut json = Vec::new();
        let mut out = String::new();
        for r in &build.envs {
            let items = checklist::items(
                r,
                &project.sources,
                &checklist::warnings_of(&build.diags, &r.env),
            );
            match self.format {
                ChecklistFormat::Text => out.push_str(&checklist::text(r, &items)),
                ChecklistFormat::Markdown => {
                    out.push_str(&checklist::markdown(r, &items, ""));
                }
                ChecklistFormat::Json => json.push(serde_json::json!({
                    "environment": r.env,
                    "namespace": r.spec.environment.namespace,
                    "items": items,
                })),
            }
        }
        if self.format == ChecklistFormat::Json {
            out = serde_json::to_string_pretty(&serde_json::json!({ "environments": json }))
                .expect("JSON values serialize");
            out.push('\n');
        }
        ctx.out(&out)
    }
}
