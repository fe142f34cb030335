//! `jhubgen import`: existing Zero to JupyterHub values files → a jhubgen
//! project (base + overlays), proven by a round trip before anything is
//! written.
//!
//! For each environment: its files are read ([`yaml`]) and stacked as Helm
//! stacks `-f` files, un-nested from a parent chart and checked against the
//! chart ([`stack`]); `hub.extraConfig` snippets that are plain
//! configuration are lifted into `hub.config` ([`lift`], [`python`]); what
//! the spec models becomes spec keys, literal credentials become Secret
//! references ([`map`]). Then the [`proof`]: the spec is built, and what the
//! chart reads from it (over the chart's defaults) is compared with what it
//! read from the values. What differs because the values set it is pinned
//! in `[values]`; what differs on purpose is listed; anything else is an
//! import bug. Last, what every environment shares goes to the base, and
//! the written project is built once more and must give the same values.

pub mod lift;
pub mod map;
pub mod proof;
pub mod python;
pub mod render;
pub mod report;
pub mod stack;
pub mod yaml;

use crate::diag::Diag;
use crate::emit::{Output, chart};
use crate::project::{self, Content};
use crate::source::{FileId, Origin, Sources};
use crate::tree::escape_pointer;
use map::{Chosen, Draft, SecretMove, Set};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One `--env NAME=FILE[,FILE...]`.
#[derive(Debug, Clone)]
pub struct EnvRequest {
    pub name: String,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Request {
    pub envs: Vec<EnvRequest>,
    pub sets: Vec<Set>,
    pub keep_templates: bool,
}

/// What the proof found for one environment.
#[derive(Debug, Clone, Default)]
pub struct Proof {
    /// Values compared (leaves of both sides, over the chart's defaults).
    pub compared: usize,
    /// Transformations made on purpose: (chart path, what was done).
    pub transformed: Vec<(String, String)>,
    /// What jhubgen's generator sets: (chart path, values', generated, why).
    pub jhubgen: Vec<(String, Option<Value>, Option<Value>, &'static str)>,
    /// Values the spec could not say, pinned in `[values]`.
    pub pinned: Vec<String>,
}

/// The import of one environment, for the report.
#[derive(Debug, Clone, Default)]
pub struct EnvReport {
    pub name: String,
    pub files: Vec<String>,
    pub lines_in: usize,
    pub nested: Vec<(String, String)>,
    pub lifted: Vec<(String, String, usize)>,
    pub kept: Vec<(String, String, String)>,
    pub secrets: Vec<SecretMove>,
    pub chosen: Vec<Chosen>,
    pub proof: Proof,
    pub namespace: String,
}

/// A finished import: the files to write and what to tell the user.
#[derive(Debug)]
pub struct Outcome {
    pub outputs: Vec<Output>,
    pub envs: Vec<EnvReport>,
    pub warnings: Vec<Diag>,
    /// The re-import of the generated values gave the same specs (as data).
    pub round_trip: bool,
}

/// Runs an import. `read` gives a file's text; `Err` carries every
/// diagnostic (and nothing may be written).
pub fn import(
    sources: &mut Sources,
    req: &Request,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Outcome, Vec<Diag>> {
    chart::warm_up();
    let mut errors = check_request(req);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut warnings = Vec::new();
    let mut drafts = Vec::new();
    let mut reports = Vec::new();
    let mut inputs = Vec::new();
    for env in &req.envs {
        match import_env(sources, req, env, read, &mut warnings) {
            Ok((draft, report, effective)) => {
                drafts.push(draft);
                reports.push(report);
                inputs.push(effective);
            }
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let names: Vec<&str> = req.envs.iter().map(|e| e.name.as_str()).collect();
    let plain = factor(&names, &drafts, &reports, false);
    let plain_built = verify(req, &plain, &drafts, &inputs, &reports)?;
    let extended = factor(&names, &drafts, &reports, true);
    let (outputs, built) = if extended
        .iter()
        .zip(&plain)
        .all(|(a, b)| a.contents == b.contents)
    {
        (plain, plain_built)
    } else {
        // `extends` only when the project it writes is as good: the same
        // values (verified) and no more warnings
        match verify(req, &extended, &drafts, &inputs, &reports) {
            Ok(b) if b.diags.len() <= plain_built.diags.len() => (extended, b),
            _ => (plain, plain_built),
        }
    };
    // importing the generated values again gives the same specs
    let round_trip = reimport(req, &built, &drafts);
    if !round_trip {
        return Err(vec![Diag::error(
            "import/round-trip",
            "importing the generated values again gives other specs: an import that does not reproduce itself is not written",
        )
        .help("nothing was written; this is a bug of `jhubgen import`: please report it with the values files")]);
    }
    // a file several environments stack is read once per environment: its
    // warnings are said once
    let mut seen = std::collections::BTreeSet::new();
    warnings.retain(|d| {
        let at = d
            .primary
            .as_ref()
            .map(|l| sources.locate(&l.origin))
            .unwrap_or_default();
        seen.insert((d.code, d.message.clone(), at))
    });
    Ok(Outcome {
        outputs,
        envs: reports,
        warnings,
        round_trip,
    })
}

fn check_request(req: &Request) -> Vec<Diag> {
    let mut out = Vec::new();
    if req.envs.is_empty() {
        out.push(
            Diag::error("import/arguments", "no environment to import")
                .help("name each environment and its values files: `--env lab=values-lab.yaml --env prod=values-common.yaml,values-prod.yaml`"),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for e in &req.envs {
        if !project::valid_new_env_name(&e.name) {
            out.push(
                Diag::error("import/arguments", format!("`{}` is not an environment name", e.name))
                    .help("lowercase letters, digits and `-`, starting with a letter (it names overlays/<env>.toml and the namespace)"),
            );
        }
        if !seen.insert(e.name.clone()) {
            out.push(
                Diag::error(
                    "import/arguments",
                    format!("environment `{}` is given twice", e.name),
                )
                .help(
                    "give each environment once; stack its files in one `--env NAME=a.yaml,b.yaml`",
                ),
            );
        }
        if e.files.is_empty() || e.files.iter().any(String::is_empty) {
            out.push(
                Diag::error(
                    "import/arguments",
                    format!("environment `{}` names no file (or an empty one)", e.name),
                )
                .help("`--env NAME=FILE[,FILE...]`"),
            );
        }
    }
    for s in &req.sets {
        if !req.envs.iter().any(|e| e.name == s.env) {
            out.push(
                Diag::error(
                    "import/arguments",
                    format!(
                        "`--set {}.{}`: no environment `{}` is imported",
                        s.env, s.key, s.env
                    ),
                )
                .help("`--set ENV.key=value`, with ENV one of the `--env` names"),
            );
        }
    }
    out
}

fn import_env(
    sources: &mut Sources,
    req: &Request,
    env: &EnvRequest,
    read: &dyn Fn(&str) -> Result<String, String>,
    warnings: &mut Vec<Diag>,
) -> Result<(Draft, EnvReport, Value), Vec<Diag>> {
    let first_file = FileId(sources.iter().count() as u32);
    let stacked = stack::stack(
        sources,
        &env.name,
        &env.files,
        read,
        req.keep_templates,
        warnings,
    )?;
    stack::check_chart(&stacked, first_file)?;
    let mut user = stacked.value.clone();
    let mut places = stacked.places.clone();
    let lifted = lift::lift(sources, &mut user, &mut places, first_file)?;
    for k in &lifted.kept {
        warnings.push(
            Diag::warning(
                "import/kept-raw",
                format!("the `hub.extraConfig` snippet `{}` stays as it is, in `[values]`: it {}", k.key, k.reason),
            )
            .at(k.place.clone(), "kept verbatim")
            .key(format!("hub.extraConfig.{}", k.key))
            .help("jhubgen lifts a snippet only when all of it is plain configuration (imports of OAuthenticator classes and literal `c.Class.trait = …`); this one keeps working as it did"),
        );
    }
    let mut effective = chart::defaults().clone();
    chart::merge_values(&mut effective, &user);
    let sets: Vec<&Set> = req.sets.iter().filter(|s| s.env == env.name).collect();
    let input = map::Input {
        env: &env.name,
        user: &user,
        effective: &effective,
        places: &places,
        sources,
        lift: &lifted,
        sets,
    };
    let mut mapped = map::map(&input)?;
    let mut report = EnvReport {
        name: env.name.clone(),
        files: env.files.clone(),
        lines_in: stacked.lines,
        nested: stacked.nested.clone(),
        lifted: lifted
            .lifted
            .iter()
            .map(|l| (l.key.clone(), sources.locate(&l.place), l.assigns.len()))
            .collect(),
        kept: lifted
            .kept
            .iter()
            .map(|k| (k.key.clone(), sources.locate(&k.place), k.reason.clone()))
            .collect(),
        secrets: mapped.secrets.clone(),
        chosen: mapped.chosen.clone(),
        ..EnvReport::default()
    };
    let mut expected = effective.clone();
    proof::normalise(&mut expected);
    let bug = |pointer: &str, what: String| {
        let mut d = Diag::error(
            "import/round-trip",
            format!("environment `{}`: `{}` {what}", env.name, stack::display(pointer)),
        )
        .key(stack::display(pointer))
        .help("nothing was written; this is a limit or a bug of `jhubgen import`: keep this value out of the import and set it by hand, and please report it");
        if let Some(o) = places.get(pointer) {
            d = d.at(o.clone(), "this value would not survive the import");
        }
        d
    };
    for round in 0..2 {
        let generated = build_one(&env.name, &mapped.draft)?;
        let mut got = chart::defaults().clone();
        chart::merge_values(&mut got, &generated);
        proof::normalise(&mut got);
        let mut diffs = Vec::new();
        let mut compared = 0;
        proof::diff(&expected, &got, "", &mut diffs, &mut compared);
        let mut p = Proof {
            compared,
            transformed: mapped.transformed.clone(),
            pinned: report.proof.pinned.clone(),
            ..Proof::default()
        };
        let mut errors = Vec::new();
        let mut deletions: Vec<String> = Vec::new();
        let mut pins = Vec::new();
        for d in diffs {
            let under =
                |prefix: &str| d.pointer == prefix || d.pointer.starts_with(&format!("{prefix}/"));
            if mapped.transformed.iter().any(|(t, _)| under(t)) {
                continue;
            }
            if let Some((at, why)) = proof::reason(&d.pointer)
                && (user.pointer(&at).is_none_or(Value::is_null)
                    || (proof::over_values(&at)
                        && proof::keeps(got.pointer(&at), expected.pointer(&at))))
            {
                if !p.jhubgen.iter().any(|(q, ..)| *q == at) {
                    let a = expected.pointer(&at).filter(|v| !v.is_null()).cloned();
                    let b = got.pointer(&at).filter(|v| !v.is_null()).cloned();
                    p.jhubgen.push((at, a, b, why));
                }
                continue;
            }
            // a `null` of the values (here or above) deleted a chart default
            if let Some(deleted) = deleted_by_null(&user, &d.pointer) {
                if !deletions.contains(&deleted) {
                    let what = if proof::through_list(&deleted) {
                        "is a `null` inside a list (KubeSpawner reads it: a `null` selector or limit clears the global one), which a spec cannot say"
                    } else {
                        "deletes a chart default, which a spec cannot say: the chart would read the default back"
                    };
                    let mut e = Diag::error(
                        "import/round-trip",
                        format!("environment `{}`: `{}: null` {what}", env.name, stack::display(&deleted)),
                    )
                    .key(stack::display(&deleted))
                    .help("nothing was written: `[values]` merges over the chart's defaults and cannot delete one; keep the default (drop the `null`), or set the keys you want off to values that turn them off, and import again");
                    if let Some(o) = places.get(&deleted) {
                        e = e.at(
                            o.clone(),
                            if proof::through_list(&deleted) {
                                "a value KubeSpawner reads"
                            } else {
                                "deletes the chart's default"
                            },
                        );
                    }
                    errors.push(e);
                    deletions.push(deleted);
                }
                continue;
            }
            let set_by_input = user.pointer(&d.pointer).is_some();
            match (&d.input, round) {
                (Some(v), 0) if set_by_input && !proof::through_list(&d.pointer) && !contains_env_mark(v) => {
                    pins.push((d.pointer.clone(), strip_nulls(v)));
                }
                (Some(v), _) if set_by_input && proof::through_list(&d.pointer) => errors.push(bug(
                    &d.pointer,
                    format!("is {} in the values but {} from the spec, inside a list the spec cannot keep as it is", show(Some(v)), show(d.output.as_ref())),
                )),
                _ => errors.push(bug(
                    &d.pointer,
                    format!("would change: {} in the values, {} from the spec", show(d.input.as_ref()), show(d.output.as_ref())),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if let Some((ptr, _)) = pins.iter().find(|(_, v)| v.is_null()) {
            return Err(vec![bug(
                ptr,
                "deletes a chart default (`null`), which a TOML spec cannot say".into(),
            )]);
        }
        if pins.is_empty() || round == 1 {
            report.proof = p;
            break;
        }
        for (ptr, v) in pins {
            let note = places
                .get(&ptr)
                .map(|o| {
                    let (line, _) = sources.line_col(o.file, o.span.start);
                    format!("from {}:{line}", sources.name(o.file))
                })
                .unwrap_or_default();
            notes_below(
                &mut mapped.draft,
                &format!("/values{ptr}"),
                &v,
                &ptr,
                &places,
                sources,
            );
            mapped.draft.put(&format!("/values{ptr}"), v, note);
            report.proof.pinned.push(stack::display(&ptr));
        }
    }
    // the chart's Ingress, replaced by jhubgen's: the same host, class, TLS
    // no literal secret may stay in what is kept
    if let Some(values) = mapped.draft.doc.get("values") {
        let doc = serde_json::json!({ "values": values });
        let at = |p: &str| {
            places
                .get(&p["/values".len()..])
                .cloned()
                .unwrap_or(Origin::new(first_file, 0..0))
        };
        let mut found = crate::lint::secret_literal::scan(&doc, &at);
        // what the spec's rule does not look at: an environment variable's
        // `{name, value}` or `{value}` named like a secret, a URL with a password
        let mut more = Vec::new();
        env_secrets(values, String::new(), &mut more);
        for (p, why) in more {
            found.push(
                Diag::error(
                    "import/secret",
                    format!("`{}` holds a literal secret ({why})", stack::display(&p)),
                )
                .at(at(&format!("/values{p}")), "a literal secret"),
            );
        }
        let mut chart_secrets = Vec::new();
        secret_paths(values, String::new(), &mut chart_secrets);
        for p in chart_secrets {
            found.push(
                Diag::error(
                    "import/secret",
                    format!("`{}` holds a secret the chart uses", stack::display(&p)),
                )
                .at(at(&format!("/values{p}")), "a literal secret"),
            );
        }
        if !found.is_empty() {
            return Err(found
                .into_iter()
                .map(|d| {
                    Diag {
                        code: "import/secret",
                        ..d
                    }
                    .help("jhubgen writes no secret into a spec and import cannot move this one to a Secret itself: put it in a Kubernetes Secret, reference it in the values (`valueFrom.secretKeyRef`, or the chart's `existingSecret`), and import again")
                })
                .collect());
        }
    }
    report.namespace = mapped
        .draft
        .get("/environment/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Ok((mapped.draft, report, effective))
}

fn env_secrets(v: &Value, at: String, out: &mut Vec<(String, &'static str)>) {
    match v {
        Value::String(s) if map::has_credentials(s) => out.push((at, "a URL with a password")),
        Value::Object(m) => {
            let named = m.get("name").and_then(Value::as_str);
            let value = m.get("value").and_then(Value::as_str);
            let key = named.or_else(|| at.rsplit('/').next());
            if let (Some(k), Some(val)) = (key, value)
                && !val.is_empty()
                && crate::lint::secret_literal::secret_key(k)
                && !map::has_credentials(val)
            {
                out.push((
                    format!("{at}/value"),
                    "an environment variable named like a secret",
                ));
            }
            for (k, x) in m {
                env_secrets(x, format!("{at}/{}", escape_pointer(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                env_secrets(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn secret_paths(v: &Value, at: String, out: &mut Vec<String>) {
    if crate::lint::chart_secret::covers(&at) && !matches!(v, Value::Null | Value::Object(_)) {
        out.push(at);
        return;
    }
    if let Value::Object(m) = v {
        for (k, x) in m {
            secret_paths(x, format!("{at}/{}", escape_pointer(k)), out);
        }
    }
}

/// The pointer, or its nearest ancestor, that the values set to `null`.
fn deleted_by_null(user: &Value, pointer: &str) -> Option<String> {
    let segs = crate::tree::pointer_segments(pointer);
    (1..=segs.len()).find_map(|n| {
        let p: String = segs[..n]
            .iter()
            .map(|s| format!("/{}", escape_pointer(s)))
            .collect();
        user.pointer(&p).is_some_and(Value::is_null).then_some(p)
    })
}

fn contains_env_mark(v: &Value) -> bool {
    match v {
        Value::String(s) => s.starts_with(lift::ENV_MARK),
        Value::Array(a) => a.iter().any(contains_env_mark),
        Value::Object(m) => m.values().any(contains_env_mark),
        _ => false,
    }
}

fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), strip_nulls(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Notes for the leaves of a pinned mapping (each leaf's own line).
fn notes_below(
    d: &mut Draft,
    spec: &str,
    v: &Value,
    chart: &str,
    places: &yaml::Places,
    sources: &Sources,
) {
    if let Value::Object(m) = v {
        for (k, x) in m {
            let c = format!("{chart}/{}", escape_pointer(k));
            let s = format!("{spec}/{}", escape_pointer(k));
            if let Some(o) = places.get(&c)
                && !x.is_object()
            {
                let (line, _) = sources.line_col(o.file, o.span.start);
                d.notes
                    .insert(s.clone(), format!("from {}:{line}", sources.name(o.file)));
            }
            notes_below(d, &s, x, &c, places, sources);
        }
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "absent".into(),
        Some(v) => {
            let t = v.to_string();
            if t.len() > 60 {
                format!(
                    "`{}…`",
                    &t[..t.char_indices().nth(57).map(|(i, _)| i).unwrap_or(t.len())]
                )
            } else {
                format!("`{t}`")
            }
        }
    }
}

/// Builds the project as it will be written and checks that every
/// environment gets the values its own proof gave, and jhubgen's Ingress.
fn verify(
    req: &Request,
    outputs: &[Output],
    drafts: &[Draft],
    inputs: &[Value],
    reports: &[EnvReport],
) -> Result<crate::Build, Vec<Diag>> {
    // the written project, built as it will be on disk, must give what each
    // environment's own proof gave
    let files: Vec<(String, Content)> = outputs
        .iter()
        .filter(|o| o.path.ends_with(".toml"))
        .map(|o| {
            (
                o.path.clone(),
                Content::Bytes(o.contents.clone().into_bytes()),
            )
        })
        .collect();
    let project = project::from_files(std::path::Path::new("."), files);
    let built = match crate::build(&project, &[]) {
        Ok(b) => b,
        Err(d) => return Err(not_buildable(None, d)),
    };
    for ((env, draft), (input, report)) in
        req.envs.iter().zip(drafts).zip(inputs.iter().zip(reports))
    {
        let single = build_one(&env.name, draft)?;
        let Some(r) = built.envs.iter().find(|r| r.env == env.name) else {
            continue;
        };
        if report
            .proof
            .transformed
            .iter()
            .any(|(t, _)| t == "/ingress")
        {
            check_ingress(&env.name, r, input)?;
        }
        if crate::emit::values::values(r) != single {
            return Err(vec![Diag::error(
                "import/round-trip",
                format!(
                    "environment `{}`: the factored specs give other values than the environment's own spec (a bug of `jhubgen import`)",
                    env.name
                ),
            )]);
        }
    }
    Ok(built)
}

/// Builds one environment from its draft alone and returns its Helm values.
fn build_one(env: &str, draft: &Draft) -> Result<Value, Vec<Diag>> {
    let text = render::render(draft, "");
    let files = vec![
        (
            "base/platform.toml".to_string(),
            Content::Bytes(text.into_bytes()),
        ),
        (format!("overlays/{env}.toml"), Content::Bytes(Vec::new())),
    ];
    let project = project::from_files(std::path::Path::new("."), files);
    match crate::build(&project, &[]) {
        Ok(b) => Ok(b
            .envs
            .first()
            .map(crate::emit::values::values)
            .unwrap_or(Value::Null)),
        Err(d) => Err(not_buildable(Some(env), d)),
    }
}

/// The imported specs fail jhubgen's own checks: the problems, as one
/// error each, naming the value of the spec.
fn not_buildable(env: Option<&str>, diags: Vec<Diag>) -> Vec<Diag> {
    let errors: Vec<&Diag> = diags.iter().filter(|d| d.is_error()).collect();
    let mut out = Vec::new();
    let of = env
        .map(|e| format!("environment `{e}`: "))
        .unwrap_or_default();
    for d in errors.iter().take(10) {
        out.push(
            Diag::error(
                "import/not-buildable",
                format!("{of}the spec imported from these values fails `{}`: {}", d.code, d.message),
            )
            .key(d.key.clone().unwrap_or_default())
            .help(format!(
                "{}; then import again (a spec key the values cannot say is given with `--set ENV.KEY=VALUE`)",
                d.help.clone().unwrap_or_else(|| "fix the values".into())
            )),
        );
    }
    if out.is_empty() {
        out.push(Diag::error(
            "import/not-buildable",
            "the imported specs do not build",
        ));
    }
    out
}

/// The chart's Ingress, replaced by jhubgen's: the same host, class, TLS
/// Secret, and the same annotations (jhubgen may add its own).
fn check_ingress(env: &str, r: &crate::resolve::Resolved, input: &Value) -> Result<(), Vec<Diag>> {
    let ours = serde_json::to_value(crate::emit::ingress::ingress(r)).unwrap_or(Value::Null);
    let theirs = |p: &str| input.pointer(p).filter(|v| !v.is_null());
    let mut wrong = Vec::new();
    let class = theirs("/ingress/ingressClassName")
        .or_else(|| theirs("/ingress/annotations/kubernetes.io~1ingress.class"));
    let checks = [
        (
            "host",
            theirs("/ingress/hosts/0"),
            ours.pointer("/spec/rules/0/host"),
        ),
        ("class", class, ours.pointer("/spec/ingressClassName")),
        (
            "TLS Secret",
            theirs("/ingress/tls/0/secretName"),
            ours.pointer("/spec/tls/0/secretName"),
        ),
    ];
    for (what, a, b) in checks {
        if a.is_some() && a != b {
            wrong.push(format!(
                "its {what} would be {} instead of {}",
                show(b),
                show(a)
            ));
        }
    }
    // what jhubgen's Ingress does not take from the chart's: one path `/`,
    // `Prefix`, TLS for its one host
    if let Some(t) = theirs("/ingress/pathType")
        .and_then(Value::as_str)
        .filter(|t| *t != "Prefix")
    {
        wrong.push(format!("its pathType would be `Prefix` instead of `{t}`"));
    }
    if let Some(s) = theirs("/ingress/pathSuffix")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        wrong.push(format!("its path would lose the suffix `{s}`"));
    }
    if let Some(Value::Array(hosts)) = theirs("/ingress/tls/0/hosts")
        && ours.pointer("/spec/tls/0/hosts").and_then(Value::as_array) != Some(hosts)
    {
        wrong.push(format!(
            "its TLS would cover {} instead of {}",
            show(ours.pointer("/spec/tls/0/hosts")),
            show(Some(&Value::Array(hosts.clone())))
        ));
    }
    if theirs("/ingress/tls")
        .and_then(Value::as_array)
        .is_some_and(|t| t.len() > 1)
    {
        wrong.push("it would have one TLS entry instead of several".into());
    }
    if let Some(Value::Object(m)) = theirs("/ingress/annotations") {
        for (k, v) in m {
            if k != "kubernetes.io/ingress.class"
                && ours.pointer(&format!("/metadata/annotations/{}", escape_pointer(k))) != Some(v)
            {
                wrong.push(format!("it would lose the annotation `{k}`"));
            }
        }
    }
    if wrong.is_empty() {
        return Ok(());
    }
    Err(wrong
        .into_iter()
        .map(|w| {
            Diag::error("import/round-trip", format!("environment `{env}`: jhubgen's Ingress differs from the chart's: {w}"))
                .help("nothing was written; this is a limit or a bug of `jhubgen import`: please report it")
        })
        .collect())
}

/// Keys that name an environment: always in its overlay.
const OWN: &[&str] = &[
    "/environment/namespace",
    "/environment/release",
    "/environment/purpose",
    "/ingress",
    "/tls",
    "/ci/name",
    "/ci/deploy",
];

/// Splits the environments' drafts into the base (what every environment
/// has, equal) and one overlay each.
fn factor(names: &[&str], drafts: &[Draft], reports: &[EnvReport], extends: bool) -> Vec<Output> {
    let docs: Vec<Value> = drafts
        .iter()
        .map(|d| Value::Object(d.doc.clone()))
        .collect();
    let (base, shared) = shared_part(&docs.iter().collect::<Vec<_>>());
    let mut outputs = Vec::new();
    let mut base_draft = Draft::default();
    if let Value::Object(m) = &base {
        base_draft.doc = m.clone();
    }
    // a base note is the environments' note when they agree
    let mut all_pointers = Vec::new();
    pointers(&base, String::new(), &mut all_pointers);
    for p in all_pointers.iter().chain(
        (0..shared)
            .map(|i| format!("/profiles/{i}"))
            .collect::<Vec<_>>()
            .iter(),
    ) {
        let notes: Vec<Option<&String>> = drafts.iter().map(|d| d.notes.get(p)).collect();
        if let Some(Some(first)) = notes.first() {
            if notes.iter().all(|n| *n == Some(*first)) {
                base_draft.notes.insert(p.clone(), (*first).clone());
            } else {
                let each: Vec<String> = names
                    .iter()
                    .zip(&notes)
                    .filter_map(|(n, note)| note.map(|t| format!("{n}: {t}")))
                    .collect();
                base_draft.notes.insert(p.clone(), each.join("; "));
            }
        }
    }
    let all: Vec<String> = reports.iter().map(|r| r.name.clone()).collect();
    let header = format!(
        "#:schema ../schema/jhubgen.schema.json\n# Imported by `jhubgen import` from the values files of {}.\n# What every environment has, equal; each overlays/<env>.toml adds what differs.\n# Each value's comment says where it came from; the import report lists what changed.\n",
        all.join(", ")
    );
    outputs.push(Output {
        path: "base/platform.toml".into(),
        contents: render::render(&base_draft, &header),
    });
    // each environment's own part: what the base does not have
    let mut owns: Vec<Value> = Vec::new();
    for draft in drafts {
        let mut own = Value::Object(draft.doc.clone());
        subtract(&mut own, &base);
        if let (Value::Object(o), true) = (&mut own, shared > 0)
            && let Some(Value::Array(l)) = o.get_mut("profiles")
        {
            l.drain(..shared);
            if l.is_empty() {
                o.remove("profiles");
            }
        }
        owns.push(own);
    }
    // environments whose stacks share files beyond what every environment
    // stacks (org-a-common under a-staging and a-prod) share a layer
    let mut layers: Vec<Layer> = Vec::new();
    let mut layer_of: Vec<Option<usize>> = vec![None; owns.len()];
    if extends {
        for layer in shared_layers(names, reports, &owns) {
            for &m in &layer.members {
                layer_of[m] = Some(layers.len());
                let mut rest = owns[m].clone();
                subtract(&mut rest, &layer.doc);
                if let Value::Object(o) = &mut rest
                    && let Some(Value::Array(l)) = o.get_mut("profiles")
                {
                    l.drain(..profile_count(&layer.doc));
                    if l.is_empty() {
                        o.remove("profiles");
                    }
                }
                owns[m] = rest;
            }
            layers.push(layer);
        }
    }
    for layer in &layers {
        let mut ld = draft_of(&layer.doc);
        let member_notes: Vec<&Draft> = layer.members.iter().map(|&m| &drafts[m]).collect();
        let mut all = Vec::new();
        pointers(&layer.doc, String::new(), &mut all);
        // a layer's profile i is its members' profile `shared + i`
        let profiles = (0..profile_count(&layer.doc)).map(|i| {
            (
                format!("/profiles/{i}"),
                format!("/profiles/{}", shared + i),
            )
        });
        for (p, theirs) in all.into_iter().map(|p| (p.clone(), p)).chain(profiles) {
            let notes: Vec<Option<&String>> =
                member_notes.iter().map(|d| d.notes.get(&theirs)).collect();
            if let Some(Some(first)) = notes.first()
                && notes.iter().all(|n| *n == Some(*first))
            {
                ld.notes.insert(p, (*first).clone());
            }
        }
        let members: Vec<&str> = layer.members.iter().map(|&m| names[m]).collect();
        let header = format!(
            "#:schema ../schema/jhubgen.schema.json\n# Layer `{}`, imported by `jhubgen import`: what {} share beyond the base\n# (their stacks share {}).\n",
            layer.name,
            members.join(" and "),
            layer.files.join(" + ")
        );
        outputs.push(Output {
            path: format!("layers/{}.toml", layer.name),
            contents: render::render(&ld, &header),
        });
    }
    // an environment whose stack starts with another's whole stack (staging
    // = common + prod + staging) and has all of its own part extends it,
    // when that does not make its overlay longer
    let mut parents: Vec<Option<usize>> = vec![None; owns.len()];
    if extends {
        for b in 0..owns.len() {
            let mut best: Option<(usize, Value, usize)> = None;
            for a in 0..owns.len() {
                let (fa, fb) = (&reports[a].files, &reports[b].files);
                if a == b
                    || layer_of[a] != layer_of[b]
                    || parents[a].is_some()
                    || parents.contains(&Some(b))
                    || fa.len() >= fb.len()
                    || fb[..fa.len()] != fa[..]
                {
                    continue;
                }
                let Some(rest) = beyond(&owns[b], &owns[a]) else {
                    continue;
                };
                let lines = render::render(&draft_of(&rest), "").lines().count();
                let now = render::render(&draft_of(&owns[b]), "").lines().count();
                if lines <= now && best.as_ref().is_none_or(|(_, _, l)| lines < *l) {
                    best = Some((a, rest, lines));
                }
            }
            if let Some((a, rest, _)) = best {
                parents[b] = Some(a);
                owns[b] = rest;
            }
        }
    }
    for (n, ((name, draft), report)) in names.iter().zip(drafts).zip(reports).enumerate() {
        let mut od = draft_of(&owns[n]);
        // profiles the base or the parent has are not repeated: shift the notes
        let parent_profiles = parents[n]
            .map(|a| profile_count(&Value::Object(draft_of(&owns[a]).doc)))
            .unwrap_or(0);
        let layer_profiles = layer_of[n].map_or(0, |l| profile_count(&layers[l].doc));
        let shift = shared + layer_profiles + parent_profiles;
        if let (Some(l), None) = (layer_of[n], parents[n]) {
            od.doc
                .insert("extends".into(), Value::String(layers[l].name.clone()));
            od.notes.insert(
                "/extends".into(),
                format!(
                    "layers/{}.toml: what it shares with its group",
                    layers[l].name
                ),
            );
        }
        if let Some(a) = parents[n] {
            od.doc
                .insert("extends".into(), Value::String(names[a].to_string()));
            od.notes.insert(
                "/extends".into(),
                format!("its values are {}'s plus what follows", names[a]),
            );
        }
        for (p, note) in &draft.notes {
            let q = match p.strip_prefix("/profiles/").and_then(|r| {
                let (i, rest) = r.split_once('/').unwrap_or((r, ""));
                i.parse::<usize>().ok().map(|i| (i, rest))
            }) {
                Some((i, _)) if i < shift => continue,
                Some((i, "")) => format!("/profiles/{}", i - shift),
                Some((i, rest)) => format!("/profiles/{}/{rest}", i - shift),
                None => p.clone(),
            };
            od.notes.insert(q, note.clone());
        }
        let header = format!(
            "#:schema ../schema/jhubgen.schema.json\n# Environment `{name}`, imported by `jhubgen import` from {}.\n",
            report.files.join(" + ")
        );
        outputs.push(Output {
            path: format!("overlays/{name}.toml"),
            contents: render::render(&od, &header),
        });
    }
    outputs.push(Output {
        path: "schema/jhubgen.schema.json".into(),
        contents: crate::schema_text(),
    });
    outputs
}

/// A layer the import writes: its name, the stack files its members share,
/// the members, and what they share beyond the base.
struct Layer {
    name: String,
    files: Vec<String>,
    members: Vec<usize>,
    doc: Value,
}

/// Groups of two or more environments (not all) whose stacks start with the
/// same files, beyond what every stack starts with, and a strict prefix of
/// each member's stack (an environment whose whole stack is the prefix is
/// extended instead); longest shared prefixes first, each environment in one.
fn shared_layers(names: &[&str], reports: &[EnvReport], owns: &[Value]) -> Vec<Layer> {
    let stacks: Vec<&Vec<String>> = reports.iter().map(|r| &r.files).collect();
    let n = stacks.len();
    if n < 3 {
        return Vec::new();
    }
    let global = (0..)
        .take_while(|&i| stacks.iter().all(|s| s.len() > i && s[i] == stacks[0][i]))
        .count();
    let mut candidates: Vec<Vec<String>> = Vec::new();
    for s in &stacks {
        for len in global + 1..s.len() {
            let prefix = s[..len].to_vec();
            if !candidates.contains(&prefix) {
                candidates.push(prefix);
            }
        }
    }
    candidates.sort_by_key(|c| std::cmp::Reverse(c.len()));
    let mut taken = vec![false; n];
    let mut out: Vec<Layer> = Vec::new();
    for prefix in candidates {
        let members: Vec<usize> = (0..n)
            .filter(|&m| {
                !taken[m]
                    && stacks[m].len() > prefix.len()
                    && stacks[m][..prefix.len()] == prefix[..]
            })
            .collect();
        if members.len() < 2 || members.len() == n {
            continue;
        }
        let docs: Vec<&Value> = members.iter().map(|&m| &owns[m]).collect();
        let (doc, _) = shared_part(&docs);
        if doc.as_object().is_none_or(Map::is_empty) {
            continue;
        }
        let stem = prefix.last().map(|f| layer_name(f)).unwrap_or_default();
        let mut name = stem.clone();
        let mut k = 2;
        while !crate::project::valid_new_env_name(&name)
            || names.contains(&name.as_str())
            || out.iter().any(|l| l.name == name)
        {
            name = format!("{}-{k}", if stem.is_empty() { "shared" } else { &stem });
            k += 1;
        }
        for &m in &members {
            taken[m] = true;
        }
        out.push(Layer {
            name,
            files: prefix,
            members,
            doc,
        });
    }
    out
}

/// A layer's name from a values file's (`org-a-common.values.yaml` → `org-a-common`).
fn layer_name(file: &str) -> String {
    let base = file.rsplit('/').next().unwrap_or(file);
    let stem = base
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .trim_end_matches(".values")
        .trim_start_matches("values-")
        .to_lowercase();
    let mut out = String::new();
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// What every one of `docs` has, equal (the profiles they all start with,
/// in order), without the keys that name an environment; and how many
/// profiles that is.
fn shared_part(docs: &[&Value]) -> (Value, usize) {
    let mut doc = common(docs).unwrap_or(Value::Object(Map::new()));
    let lists: Vec<Vec<Value>> = docs
        .iter()
        .map(|d| {
            d.get("profiles")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let same = (0..)
        .take_while(|&i| lists.iter().all(|l| l.len() > i && l[i] == lists[0][i]))
        .count();
    if let Value::Object(o) = &mut doc {
        o.remove("profiles");
        if same > 0 {
            o.insert("profiles".into(), Value::Array(lists[0][..same].to_vec()));
        }
    }
    for own in OWN {
        remove(&mut doc, own);
    }
    prune_empty_tables(&mut doc);
    (doc, same)
}

fn draft_of(v: &Value) -> Draft {
    Draft {
        doc: v.as_object().cloned().unwrap_or_default(),
        notes: BTreeMap::new(),
    }
}

fn profile_count(v: &Value) -> usize {
    v.get("profiles")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

/// What `b` has beyond `a`, when `b` has all of `a` (every key of `a`, its
/// profiles first and equal): `b` can extend `a` with no `delete`.
fn beyond(b: &Value, a: &Value) -> Option<Value> {
    fn covers(b: &Value, a: &Value) -> bool {
        match (b, a) {
            (Value::Object(bm), Value::Object(am)) => am.iter().all(|(k, av)| {
                k == "profiles"
                    || bm.get(k).is_some_and(|bv| match (bv, av) {
                        (Value::Object(_), Value::Object(_)) => covers(bv, av),
                        (Value::Object(_), _) | (_, Value::Object(_)) => false,
                        _ => true,
                    })
            }),
            _ => false,
        }
    }
    let ap = a
        .get("profiles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let bp = b
        .get("profiles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if ap.is_empty() && profile_count(a) == 0 && a.as_object().is_some_and(Map::is_empty) {
        return None;
    }
    if !covers(b, a) || bp.len() < ap.len() || bp[..ap.len()] != ap[..] {
        return None;
    }
    let mut rest = b.clone();
    subtract(&mut rest, a);
    if let Value::Object(o) = &mut rest {
        o.remove("profiles");
        if bp.len() > ap.len() {
            o.insert("profiles".into(), Value::Array(bp[ap.len()..].to_vec()));
        }
    }
    Some(rest)
}

/// What all of `docs` have, equal: mappings by key, anything else whole.
fn common(docs: &[&Value]) -> Option<Value> {
    let first = docs.first()?;
    if let Value::Object(f) = first
        && docs.iter().all(|d| d.is_object())
    {
        let mut out = Map::new();
        for k in f.keys() {
            let children: Option<Vec<&Value>> = docs.iter().map(|d| d.get(k)).collect();
            if let Some(children) = children
                && let Some(c) = common(&children)
            {
                out.insert(k.clone(), c);
            }
        }
        return (!out.is_empty()).then_some(Value::Object(out));
    }
    docs.iter().all(|d| d == first).then(|| (*first).clone())
}

/// Drops the top-level tables that removing the environments' own keys
/// left empty (`[environment]` without namespace and release).
fn prune_empty_tables(v: &mut Value) {
    if let Value::Object(m) = v {
        m.retain(|_, x| !x.as_object().is_some_and(Map::is_empty));
    }
}

fn remove(v: &mut Value, pointer: &str) {
    let segs = crate::tree::pointer_segments(pointer);
    let mut cur = v;
    for (i, s) in segs.iter().enumerate() {
        let Value::Object(m) = cur else { return };
        if i + 1 == segs.len() {
            m.remove(s);
            return;
        }
        match m.get_mut(s) {
            Some(next) => cur = next,
            None => return,
        }
    }
}

/// Removes from `v` what `base` has (equal leaves, and mappings left empty).
fn subtract(v: &mut Value, base: &Value) {
    if let (Value::Object(m), Value::Object(b)) = (&mut *v, base) {
        for (k, bv) in b {
            if k == "profiles" {
                continue;
            }
            let drop = match m.get_mut(k) {
                Some(x) if x.is_object() && bv.is_object() => {
                    subtract(x, bv);
                    x.as_object().is_some_and(Map::is_empty)
                }
                Some(x) => x == bv,
                None => false,
            };
            if drop {
                m.remove(k);
            }
        }
    }
}

/// The pointer of every value below `v`: mappings (an inline table's note
/// is its own) and what they hold.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    if let Value::Object(m) = v {
        for (k, x) in m {
            let p = format!("{at}/{}", escape_pointer(k));
            out.push(p.clone());
            pointers(x, p, out);
        }
    }
}

/// Imports the generated values again (the facts that live in other
/// generated files given as `--set`) and compares each environment's spec,
/// rendered without its comments, byte for byte.
fn reimport(req: &Request, built: &crate::Build, drafts: &[Draft]) -> bool {
    let mut texts = BTreeMap::new();
    let mut sets = Vec::new();
    for (env, draft) in req.envs.iter().zip(drafts) {
        let Some(r) = built.envs.iter().find(|r| r.env == env.name) else {
            return false;
        };
        let values = crate::emit::values::values(r);
        texts.insert(
            format!("{}.yaml", env.name),
            crate::emit::yaml_text(&values),
        );
        for key in [
            "/ingress",
            "/tls",
            "/storage/class",
            "/environment",
            "/ci",
            "/monitoring",
            "/auth/provider",
        ] {
            if let Some(v) = draft.get(key) {
                sets.push(Set {
                    env: env.name.clone(),
                    key: key[1..].replace('/', "."),
                    value: v.clone(),
                });
            }
        }
    }
    let again = Request {
        envs: req
            .envs
            .iter()
            .map(|e| EnvRequest {
                name: e.name.clone(),
                files: vec![format!("{}.yaml", e.name)],
            })
            .collect(),
        sets,
        keep_templates: true,
    };
    let mut sources = Sources::new();
    let mut warnings = Vec::new();
    let read = |p: &str| {
        texts
            .get(p)
            .cloned()
            .ok_or_else(|| "not generated".to_string())
    };
    for (env, draft) in again.envs.iter().zip(drafts) {
        match import_env(&mut sources, &again, env, &read, &mut warnings) {
            // byte for byte, once the comments (which name the files read) are gone
            Ok((d, _, _))
                if render::render(&draft_of(&Value::Object(d.doc.clone())), "")
                    == render::render(&draft_of(&Value::Object(draft.doc.clone())), "") => {}
            _ => return false,
        }
    }
    true
}
