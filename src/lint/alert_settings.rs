//! Alert thresholds and windows that mean what they say.
use super::{Ctx, Rule, Stage};
use crate::diag::{Diag, Severity};
use crate::emit::alerts::{ALERTS, settings};

pub const RULE: Rule = Rule {
    code: "monitoring/alert-settings",
    severity: Severity::Error,
    stage: Stage::Spec,
    summary: "an alert threshold or window of the wrong unit, sign or kind",
    docs: r#"## What it does
Checks each `[monitoring.alerts.<alert>]`: the threshold is positive and in
the alert's unit (a whole count of failures, seconds, percent from 1 to 100),
a window is longer than zero, and neither is set on an alert that takes none
(`hub_down` and `pending_user_pods` have no threshold; `hub_down`,
`pending_user_pods` and `hub_db_volume` no window).

## Why is this bad?
A threshold is pasted into the alert's PromQL as it is: `threshold = 0.9`
for the database volume is 0.9 %, so the alert fires on an empty volume; a
negative count fires for ever; `window = "0s"` is not a PromQL range, and
Prometheus rejects the whole rule file, every alert of the environment with
it. A setting the alert does not read is a mistake the reader cannot see.

## Fix
Write the threshold in the unit of the README's alert table (`90` for 90 %),
a window such as `15m`, and drop settings the alert does not take.
"#,
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Diag>) {
    for d in ALERTS {
        let a = settings(cx.r, d.key);
        let base = format!("/monitoring/alerts/{}", d.key);
        let key = format!("monitoring.alerts.{}", d.key);
        if let Some(t) = a.threshold {
            let at = cx.at(&format!("{base}/threshold"));
            let problem = match d.unit {
                None => Some((
                    format!("`{}` takes no threshold", d.key),
                    format!(
                        "drop it; the alert fires on its condition alone, after `for` (default {})",
                        d.for_
                    ),
                )),
                Some(_) if !t.is_finite() || t <= 0.0 => Some((
                    format!("alert threshold {t} is not positive"),
                    format!(
                        "a threshold is a positive number of {}",
                        d.unit.unwrap_or_default()
                    ),
                )),
                Some("percent") if t < 1.0 => Some((
                    format!("alert threshold {t} reads as {t} %, not {} %", t * 100.0),
                    format!(
                        "the threshold is in percent: write `threshold = {}`",
                        t * 100.0
                    ),
                )),
                Some("percent") if t > 100.0 => Some((
                    format!("alert threshold {t} % can never be reached"),
                    "a volume is at most 100 % full: use a value from 1 to 100 (default 90)".into(),
                )),
                Some(unit) if unit.starts_with("failed") && t.fract() != 0.0 => Some((
                    format!("alert threshold {t} is not a whole count"),
                    format!("count {unit} in whole numbers: `threshold = {}`", t.ceil()),
                )),
                _ => None,
            };
            if let Some((message, help)) = problem {
                out.push(
                    cx.diag(&RULE, message)
                        .at(at, "threshold")
                        .key(format!("{key}.threshold"))
                        .help(help),
                );
            }
        }
        if let Some(w) = &a.window {
            let at = cx.at(&format!("{base}/window"));
            if d.window.is_none() {
                out.push(
                    cx.diag(&RULE, format!("`{}` takes no window", d.key))
                        .at(at, "window")
                        .key(format!("{key}.window"))
                        .help("drop it; `for` says how long the condition must hold"),
                );
            } else if w.chars().all(|c| !c.is_ascii_digit() || c == '0') {
                out.push(
                    cx.diag(&RULE, format!("alert window `{w}` is empty"))
                        .at(at, "window")
                        .key(format!("{key}.window"))
                        .help(format!(
                            "a window is a PromQL range longer than zero, such as `{}`",
                            d.window.unwrap_or("15m")
                        )),
                );
            }
        }
    }
}
