//! What `jhubgen import` tells the user: per environment, what was read,
//! lifted, kept, moved and chosen, and what the proof compared.

use super::{Outcome, stack::display};
use serde_json::Value;

fn short(v: Option<&Value>) -> String {
    match v {
        None => "absent".into(),
        Some(v) => {
            let t = v.to_string();
            if t.chars().count() > 48 {
                format!("{}…", t.chars().take(47).collect::<String>())
            } else {
                t
            }
        }
    }
}

/// The report, as text for the terminal (and the tests' snapshots).
pub fn text(o: &Outcome) -> String {
    let mut out = String::new();
    let mut secrets_to_create = Vec::new();
    for e in &o.envs {
        out.push_str(&format!(
            "environment `{}`: {} ({} lines of YAML)\n",
            e.name,
            e.files.join(" + "),
            e.lines_in
        ));
        for (file, parent) in &e.nested {
            out.push_str(&format!(
                "  {file}: the jupyterhub chart's values are under `{parent}:`; read from there\n"
            ));
        }
        for (key, at, n) in &e.lifted {
            out.push_str(&format!("  lifted  hub.extraConfig.{key} ({at}): {n} assignment(s) to spec keys and hub.config\n"));
        }
        for (key, at, why) in &e.kept {
            out.push_str(&format!(
                "  kept    hub.extraConfig.{key} ({at}) verbatim in [values]: it {why}\n"
            ));
        }
        for s in &e.secrets {
            out.push_str(&format!(
                "  secret  {} → Secret `{}` key `{}`{}\n",
                display(&s.from),
                s.secret,
                s.key,
                if s.placeholder {
                    " (the values had a placeholder: still to provide)"
                } else {
                    " (the literal is not written anywhere)"
                }
            ));
            secrets_to_create.push((e.namespace.clone(), s.secret.clone(), s.key.clone()));
        }
        for c in &e.chosen {
            out.push_str(&format!(
                "  chosen  {} = {} ({}; not in the values: review, or `--set`)\n",
                c.key, c.value, c.why
            ));
        }
        if !e.proof.pinned.is_empty() {
            out.push_str(&format!(
                "  [values] keeps {} value(s) the spec does not model: {}\n",
                e.proof.pinned.len(),
                e.proof.pinned.join(", ")
            ));
        }
        out.push_str(&format!(
            "  proof   {} values compared, over the chart 4.4.0 defaults: equal, except\n",
            e.proof.compared
        ));
        for (p, what) in &e.proof.transformed {
            out.push_str(&format!("    moved    {}: {what}\n", display(p)));
        }
        for (p, a, b, why) in &e.proof.jhubgen {
            out.push_str(&format!(
                "    jhubgen  {}: {} → {} ({why})\n",
                display(p),
                short(a.as_ref()),
                short(b.as_ref())
            ));
        }
        if e.proof.transformed.is_empty() && e.proof.jhubgen.is_empty() {
            out.push_str("    nothing\n");
        }
    }
    out.push_str(&format!(
        "round trip: importing the generated values again {}\n",
        if o.round_trip {
            "gives the same specs, byte for byte (comments aside: they name the files read)"
        } else {
            "gives other specs: please report it"
        }
    ));
    if !secrets_to_create.is_empty() {
        out.push_str("create the Secrets (`jhubgen checklist` lists them too):\n");
        let mut by: Vec<(String, String, Vec<String>)> = Vec::new();
        for (ns, name, key) in secrets_to_create {
            match by.iter_mut().find(|(n, s, _)| *n == ns && *s == name) {
                Some((_, _, keys)) => keys.push(key),
                None => by.push((ns, name, vec![key])),
            }
        }
        for (ns, name, keys) in by {
            let lits: Vec<String> = keys
                .iter()
                .map(|k| format!("--from-literal={k}=<{k}>"))
                .collect();
            out.push_str(&format!(
                "  kubectl create secret generic {name} --namespace {ns} {}\n",
                lits.join(" ")
            ));
        }
    }
    out
}
