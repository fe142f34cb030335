//! `jhubgen import --env NAME=FILE[,FILE...] ... [--set ENV.KEY=VALUE] [--out DIR]`:
//! adopt existing values files (see `jhubgen::import`). Nothing is written
//! unless every environment imports and the proof holds; existing specs are
//! never replaced without `--force`; the files are written by the same
//! all-or-nothing writer as `build`.

use super::{Ctx, Exit};
use crate::cli::ImportArgs;
use jhubgen::diag::Diag;
use jhubgen::import::{self, EnvRequest, Request, map::Set};
use jhubgen::source::Sources;

/// `--set ENV.KEY=VALUE`: the value read as TOML, or as text.
fn parse_set(arg: &str) -> Result<Set, String> {
    let (lhs, value) = arg
        .split_once('=')
        .ok_or_else(|| format!("`--set {arg}`: expected ENV.KEY=VALUE"))?;
    let (env, key) = lhs.split_once('.').ok_or_else(|| {
        format!("`--set {arg}`: expected ENV.KEY=VALUE (the environment, a dot, the spec key)")
    })?;
    let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|t| t.get("v").cloned())
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or_else(|| serde_json::Value::String(value.to_string()));
    Ok(Set {
        env: env.to_string(),
        key: key.to_string(),
        value,
    })
}

impl ImportArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let mut req = Request {
            keep_templates: self.keep_templates,
            ..Request::default()
        };
        let mut problems = Vec::new();
        for e in &self.envs {
            match e.split_once('=') {
                Some((name, files)) => req.envs.push(EnvRequest {
                    name: name.to_string(),
                    files: files.split(',').map(str::to_string).collect(),
                }),
                None => problems.push(
                    Diag::error("import/arguments", format!("`--env {e}`: expected NAME=FILE[,FILE...]"))
                        .help("`--env lab=values-lab.yaml`, or a stack: `--env prod=common.yaml,prod.yaml`"),
                ),
            }
        }
        for s in &self.sets {
            match parse_set(s) {
                Ok(s) => req.sets.push(s),
                Err(m) => problems.push(Diag::error("import/arguments", m)),
            }
        }
        let mut sources = Sources::new();
        if !problems.is_empty() {
            ctx.report(&problems, &sources, self.format)?;
            return Err(Exit::Failed);
        }
        let read = |path: &str| std::fs::read_to_string(path).map_err(|e| e.to_string());
        let outcome = match import::import(&mut sources, &req, &read) {
            Ok(o) => o,
            Err(diags) => {
                ctx.report(&diags, &sources, self.format)?;
                ctx.note(format_args!("nothing was written"))?;
                return Err(Exit::Failed);
            }
        };
        let root = &self.out;
        if !self.force {
            for taken in ["base", "overlays"] {
                if root.join(taken).exists() {
                    ctx.report(&outcome.warnings, &sources, self.format)?;
                    return Err(ctx.fatal(&format!(
                        "`{}` already has `{taken}/`: import never replaces specs unless told (`--force`), or choose another `--out`",
                        root.display()
                    )));
                }
            }
        }
        ctx.report(&outcome.warnings, &sources, self.format)?;
        if let Err(e) = std::fs::create_dir_all(root) {
            return Err(ctx.fatal(&format!("cannot create `{}`: {e}", root.display())));
        }
        if let Err(e) = jhubgen::write::write(root, &outcome.outputs, &[], false) {
            return Err(ctx.fatal(&format!("cannot write the project: {e}")));
        }
        // standard output is the diagnostics' in the machine formats
        let report = import::report::text(&outcome);
        if self.format == crate::cli::Format::Human {
            ctx.out(&report)?;
        } else {
            ctx.err(&report)?;
        }
        let files: Vec<&str> = outcome.outputs.iter().map(|o| o.path.as_str()).collect();
        ctx.note(format_args!(
            "wrote {} in {}\nnext: `jhubgen build`, then `jhubgen checklist` for what to provide",
            files.join(", "),
            root.display()
        ))
    }
}
