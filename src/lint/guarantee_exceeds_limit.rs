//! A guarantee above its limit cannot be scheduled.
use super::memory_unit::bytes;
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};

pub const RULE: Rule = Rule {
    code: "profiles/guarantee-exceeds-limit",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "a CPU or memory guarantee larger than its limit",
    docs: r#"## What it does
Checks that each profile's `cpu.guarantee` ≤ `cpu.limit` and
`memory.guarantee` ≤ `memory.limit`.

## Why is this bad?
KubeSpawner turns guarantees into Kubernetes requests and limits into limits;
the API server rejects a pod whose request exceeds its limit ("must be less
than or equal to ... limit"), so every spawn of the profile fails.

## Fix
Lower the guarantee or raise the limit.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for (i, p) in cx.r.spec.profiles.iter().enumerate() {
        if let Some(c) = &p.cpu
            && let (Some(g), Some(l)) = (c.guarantee, c.limit)
            && g > l
        {
            out.push(
                        cx.diag(&RULE, format!("CPU guarantee {g} is above the limit {l}"))
                            .at(cx.at(&format!("/profiles/{i}/cpu/guarantee")), "guarantee")
                            .peer(cx.at(&format!("/profiles/{i}/cpu/limit")), "limit")
                            .key(format!("profiles[{}].cpu.guarantee", p.slug))
                            .help("a guarantee (request) must not exceed its limit: lower it or raise the limit"),
                    );
        }
        if let Some(m) = &p.memory
            && let (Some(g), Some(l)) = (&m.guarantee, &m.limit)
            && let (Some(gb), Some(lb)) = (bytes(g), bytes(l))
            && gb > lb
        {
            out.push(
                cx.diag(
                    &RULE,
                    format!("memory guarantee {g} is above the limit {l}"),
                )
                .at(
                    cx.at(&format!("/profiles/{i}/memory/guarantee")),
                    "guarantee",
                )
                .peer(cx.at(&format!("/profiles/{i}/memory/limit")), "limit")
                .key(format!("profiles[{}].memory.guarantee", p.slug))
                .help(
                    "a guarantee (request) must not exceed its limit: lower it or raise the limit",
                ),
            );
        }
    }
}
