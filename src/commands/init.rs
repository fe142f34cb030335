//! `jhubgen init [DIR] [--env NAME]`: a new project — `base/platform.toml`,
//! `overlays/<env>.toml` (both commented, placeholders where only people
//! know the value) and the editor schema — that lints and builds clean and
//! is ready for `jhubgen checklist`. It never overwrites a spec: a folder
//! that already has `base/` or `overlays/` is refused. Written by the same
//! all-or-nothing writer as `build`.

use super::{Ctx, Exit};
use crate::cli::InitArgs;
use jhubgen::emit::Output;

const BASE: &str = include_str!("../../templates/init/base.toml");
const OVERLAY: &str = include_str!("../../templates/init/overlay.toml");

impl InitArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        if !jhubgen::project::valid_new_env_name(&self.env) {
            return Err(ctx.fatal(&format!(
                "`{}` is not an environment name: lowercase letters, digits and `-`, starting with a letter (it names overlays/<env>.toml and the namespace)",
                self.env
            )));
        }
        let root = &self.dir;
        for taken in ["base", "overlays"] {
            if root.join(taken).exists() {
                return Err(ctx.fatal(&format!(
                    "`{}` already has `{taken}/`: init never overwrites specs (start in an empty folder, or add an overlay by hand)",
                    root.display()
                )));
            }
        }
        if let Err(e) = std::fs::create_dir_all(root) {
            return Err(ctx.fatal(&format!("cannot create `{}`: {e}", root.display())));
        }
        let upper = self.env.to_uppercase().replace('-', "_");
        let outputs = vec![
            Output {
                path: "base/platform.toml".into(),
                contents: BASE.into(),
            },
            Output {
                path: format!("overlays/{}.toml", self.env),
                contents: OVERLAY.replace("{env}", &self.env).replace("{ENV}", &upper),
            },
            Output {
                path: "schema/jhubgen.schema.json".into(),
                contents: jhubgen::schema_text(),
            },
        ];
        if let Err(e) = jhubgen::write::write(root, &outputs, &[], false) {
            return Err(ctx.fatal(&format!("cannot write the project: {e}")));
        }
        ctx.note(format_args!(
            "started a project in {}: base/platform.toml, overlays/{}.toml, schema/jhubgen.schema.json\nnext: `jhubgen build`, then `jhubgen checklist {}` for what to provide",
            root.display(),
            self.env,
            self.env
        ))
    }
}
