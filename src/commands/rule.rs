//! `jhubgen rule [CODE]`: list the lint rules, or explain one (like `ruff rule`).

use super::{Ctx, Exit};
use crate::cli::RuleArgs;
use jhubgen::diag::codes::BUILTIN;
use jhubgen::lint::RULES;
use std::fmt::Write as _;

impl RuleArgs {
    pub fn run(self, ctx: &Ctx) -> Result<(), Exit> {
        let Some(code) = self.code else {
            let width = RULES.iter().map(|r| r.code.len()).max().unwrap_or(0);
            let mut out = String::new();
            let _ = writeln!(out, "lint rules ({}):", RULES.len());
            let mut rules: Vec<_> = RULES.iter().collect();
            rules.sort_by_key(|r| r.code);
            for r in rules {
                let _ = writeln!(
                    out,
                    "  {:width$}  {:7}  {}",
                    r.code,
                    r.severity.as_str(),
                    r.summary
                );
            }
            let _ = writeln!(out, "\nbuilt-in checks:");
            for (c, s, d) in BUILTIN {
                let _ = writeln!(out, "  {c:width$}  {s:7}  {d}");
            }
            let _ = writeln!(out, "\n`jhubgen rule CODE` explains one.");
            ctx.out(&out)?;
            return Ok(());
        };
        if let Some(r) = jhubgen::lint::rule(&code) {
            ctx.out(&format!(
                "# {}\n\n{} ({}). {}\n\n{}\n",
                r.code,
                capitalise(r.summary),
                r.severity.as_str(),
                stage(r),
                r.docs.trim()
            ))?;
            return Ok(());
        }
        if let Some((c, s, d)) = BUILTIN.iter().find(|(c, _, _)| *c == code) {
            ctx.out(&format!(
                "# {c}\n\n{} ({s}). A built-in check of the pipeline; see the README.\n",
                capitalise(d)
            ))?;
            return Ok(());
        }
        let hint = jhubgen::validate::closest(&code, &jhubgen::diag::codes::all())
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        Err(ctx.fatal(&format!(
            "no rule `{code}`{hint} (`jhubgen rule` lists them)"
        )))
    }
}

fn stage(r: &jhubgen::lint::Rule) -> &'static str {
    match r.stage {
        jhubgen::lint::Stage::Spec => "Checks the merged spec.",
        jhubgen::lint::Stage::Values => "Checks `[values]` and the generated Helm values.",
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
