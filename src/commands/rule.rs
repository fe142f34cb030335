//! `jhubgen rule [CODE]`: list the lint rules, or explain one (like `ruff rule`).

use super::{CANNOT_RUN, Ctx, OK, stdout};
use jhubgen::diag::codes::BUILTIN;
use jhubgen::lint::RULES;
use std::fmt::Write as _;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code (`auth/nobody-allowed`) or built-in code (`schema/unknown-key`)
    pub code: Option<String>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> u8 {
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
            stdout(&out);
            return OK;
        };
        if let Some(r) = jhubgen::lint::rule(&code) {
            stdout(&format!(
                "# {}\n\n{} ({}). {}\n\n{}\n",
                r.code,
                capitalise(r.summary),
                r.severity.as_str(),
                stage(r),
                r.docs.trim()
            ));
            return OK;
        }
        if let Some((c, s, d)) = BUILTIN.iter().find(|(c, _, _)| *c == code) {
            stdout(&format!(
                "# {c}\n\n{} ({s}). A built-in check of the pipeline; see the README.\n",
                capitalise(d)
            ));
            return OK;
        }
        let mut all: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        all.extend(BUILTIN.iter().map(|(c, _, _)| *c));
        let hint = jhubgen::validate::closest(&code, &all)
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        ctx.fatal(&format!(
            "no rule `{code}`{hint} (`jhubgen rule` lists them)"
        ));
        CANNOT_RUN
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
