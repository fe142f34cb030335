//! jhubgen compiles a JupyterHub-on-Kubernetes platform described in TOML —
//! one base spec plus one overlay per environment — into the files each
//! environment needs: Helm values for the Zero to JupyterHub chart, an
//! Ingress and a ServiceMonitor.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! project ─▶ load ─▶ merge ─▶ validate ─▶ resolve ─▶ lint ─▶ emit ─▶ lint ─▶ chart check ─▶ write | check
//! files      spans   overlay   schema      typed      spec    one     values   values over     atomic  drift
//!                    over base (+spans)    model      rules   module  rules    chart defaults
//!                    provenance                               per file
//! ```
//!
//! Problems are [`diag::Diag`] values that point at the file and span that
//! set the offending value; nothing is written unless every environment
//! compiled cleanly.

pub mod chain;
pub mod checklist;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod explain;
pub mod git;
pub mod import;
pub mod lint;
pub mod load;
pub mod merge;
pub mod model;
pub mod project;
pub mod resolve;
pub mod source;
pub mod tree;
pub mod validate;
pub mod write;

use diag::Diag;
use emit::Output;
use project::Project;
use resolve::Resolved;
use source::FileId;
use std::collections::{BTreeMap, HashMap};
use tree::Entry;

/// The result of compiling some environments.
#[derive(Debug)]
pub struct Build {
    pub envs: Vec<Resolved>,
    pub outputs: Vec<Output>,
    /// Warnings (a build with errors is an `Err`).
    pub diags: Vec<Diag>,
}

/// Compiles the named environments (all when `only` is empty).
/// `Err` carries every diagnostic; `Ok` may carry warnings.
///
/// Each environment is the chain base → [layers …] → its overlay (see
/// [`chain`]). Merged trees are memoised per file, so the part that several
/// environments share (the base, a production overlay that staging extends)
/// is merged once.
pub fn build(project: &Project, only: &[String]) -> Result<Build, Vec<Diag>> {
    warm_up();
    let (chains, mut diags) = merge_chains(project, only);
    let mut envs = Vec::new();
    let mut outputs = Vec::new();
    for m in chains {
        let chain: Vec<source::FileId> = m
            .inputs
            .iter()
            .filter_map(|name| {
                project
                    .sources
                    .iter()
                    .find(|(_, f)| &f.name == name)
                    .map(|(id, _)| id)
            })
            .collect();
        match compile_merged(&m.env, m.inputs, m.tree, m.tombstones) {
            Ok((r, outs, mut warnings)) => {
                diag::primary_on_latest(&mut warnings, &chain);
                diags.extend(warnings);
                outputs.extend(outs);
                envs.push(r);
            }
            Err(mut d) => {
                diag::primary_on_latest(&mut d, &chain);
                diags.extend(d);
            }
        }
    }
    diags.extend(duplicate_identities(&envs));
    diags.extend(pipeline_mismatches(&envs));
    let whole = only.is_empty() || project.overlays.iter().all(|(n, _)| only.contains(n));
    outputs.extend(emit::pipeline_outputs(&envs, whole));
    if whole && !envs.is_empty() {
        outputs.push(Output {
            path: emit::deploy::PATH.into(),
            contents: emit::deploy::script(),
        });
    }
    diag::sort(&mut diags);
    diag::merge_environments(&mut diags);
    diag::cap(&mut diags);
    // each environment's checklist: what it needs that jhubgen cannot create
    // (it names spec lines and reads the warnings, so it is made here)
    for r in &envs {
        let items = checklist::items(r, &project.sources, &checklist::warnings_of(&diags, &r.env));
        outputs.push(Output {
            path: format!("environments/{}/checklist.md", r.env),
            contents: checklist::markdown(r, &items, &emit::markdown_header(&r.inputs)),
        });
    }
    if diags.iter().any(Diag::is_error) {
        Err(diags)
    } else {
        Ok(Build {
            envs,
            outputs,
            diags,
        })
    }
}

/// One environment's merged chain, before validation.
#[derive(Debug)]
pub struct MergedEnv {
    pub env: String,
    /// The chain's files, lowest first.
    pub inputs: Vec<String>,
    pub tree: Entry,
    pub tombstones: Vec<merge::Tombstone>,
}

/// The front end of [`build`]: loads every file, resolves the `extends`
/// chains and merges each named environment's chain (all when `only` is
/// empty). Merged trees are memoised per file, so what several environments
/// share is merged once. An environment whose chain failed is left out, its
/// problems among the diagnostics.
pub fn merge_chains(project: &Project, only: &[String]) -> (Vec<MergedEnv>, Vec<Diag>) {
    let mut diags = project.diags.clone();
    let mut base: Vec<Entry> = Vec::new();
    for &id in &project.base {
        match load::load(&project.sources, id) {
            Ok(e) => base.push(e),
            Err(d) => diags.extend(d),
        }
    }
    let mut loaded: BTreeMap<FileId, Entry> = BTreeMap::new();
    for (_, id) in project.overlays.iter().chain(&project.layers) {
        match load::load(&project.sources, *id) {
            Ok(e) => {
                loaded.insert(*id, e);
            }
            Err(d) => diags.extend(d),
        }
    }
    let base_ok = diags.is_empty();
    let chains = chain::resolve(project, &loaded, &base, &mut diags);
    base.iter_mut().for_each(chain::strip);
    let base_merged = if base_ok && !base.is_empty() {
        merge::merge_recording(base)
            .map_err(|d| diags.extend(d))
            .ok()
    } else {
        None
    };
    let mut merged: HashMap<FileId, Option<Merged>> = HashMap::new();
    let mut out = Vec::new();
    for (name, id) in &project.overlays {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let (Some(base_tree), Some(files)) = (&base_merged, chains.files(*id)) else {
            continue;
        };
        if files.iter().any(|f| !loaded.contains_key(f)) {
            continue;
        }
        let Some((tree, tombstones)) =
            merge_chain(base_tree, &files, &loaded, &mut merged, &mut diags)
        else {
            continue;
        };
        let inputs: Vec<String> = project
            .base
            .iter()
            .chain(&files)
            .map(|&f| project.sources.name(f).to_string())
            .collect();
        out.push(MergedEnv {
            env: name.clone(),
            inputs,
            tree,
            tombstones,
        });
    }
    (out, diags)
}

/// The merged tree of the chain `files` (lowest first) over the merged base,
/// reusing what an earlier environment merged; a file whose merge failed
/// reports once and fails every chain through it.
fn merge_chain(
    base: &(Entry, Vec<merge::Tombstone>),
    files: &[FileId],
    loaded: &BTreeMap<FileId, Entry>,
    memo: &mut HashMap<FileId, Option<Merged>>,
    diags: &mut Vec<Diag>,
) -> Option<Merged> {
    let mut acc = base.clone();
    for f in files {
        if let Some(done) = memo.get(f) {
            acc = done.clone()?;
            continue;
        }
        let mut layer = loaded[f].clone();
        chain::strip(&mut layer);
        match merge::merge_recording(vec![acc.0, layer]) {
            Ok((tree, gone)) => {
                let mut tombstones = acc.1;
                tombstones.extend(gone);
                let m = (tree, tombstones);
                memo.insert(*f, Some(m.clone()));
                acc = m;
            }
            Err(d) => {
                diags.extend(d);
                memo.insert(*f, None);
                return None;
            }
        }
    }
    Some(acc)
}

/// A merged tree and what its `delete`s removed.
type Merged = (Entry, Vec<merge::Tombstone>);

/// Two environments that would deploy over each other: the same namespace
/// and release, or the same host.
fn duplicate_identities(envs: &[Resolved]) -> Vec<Diag> {
    let mut out = Vec::new();
    for (i, b) in envs.iter().enumerate() {
        for a in &envs[..i] {
            let (ea, eb) = (&a.spec.environment, &b.spec.environment);
            let (what, pointer) = if ea.namespace == eb.namespace && ea.release == eb.release {
                (
                    format!("release `{}` in namespace `{}`", eb.release, eb.namespace),
                    "/environment/release",
                )
            } else if a.spec.ingress.host == b.spec.ingress.host {
                (format!("host `{}`", b.spec.ingress.host), "/ingress/host")
            } else {
                continue;
            };
            let (oa, ob) = (a.origin(pointer), b.origin(pointer));
            let mut d = Diag::error(
                "environment/duplicate",
                format!(
                    "environments `{}` and `{}` both deploy {what}",
                    a.env, b.env
                ),
            );
            d = if oa == ob {
                // both inherit it: the layer that set it is where to look
                d.at(ob, format!("set for `{}` and `{}`", a.env, b.env))
            } else {
                d.at(ob, format!("`{}`", b.env))
                    .also(oa, format!("`{}`", a.env))
            };
            out.push(
                d
                .key(pointer.trim_start_matches('/').replace('/', "."))
                .help("give each environment its own namespace and release, and its own host: one would overwrite the other"),
            );
        }
    }
    out
}

/// Compiling the chart's values schema is the largest fixed cost of a run
/// (about a third of a reference build); with a second core, it is done there
/// while this one loads, merges and checks the specs. Once per process.
fn warm_up() {
    static WARM: std::sync::Once = std::sync::Once::new();
    WARM.call_once(|| {
        if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
            std::thread::spawn(emit::chart::warm_up);
        }
    });
}

/// Environments that share a pipeline but disagree on what the pipeline as a
/// whole does (how it installs jhubgen, where its checks run): one would win
/// silently.
fn pipeline_mismatches(envs: &[Resolved]) -> Vec<Diag> {
    let refs: Vec<&Resolved> = envs.iter().collect();
    let mut out = Vec::new();
    for (path, group) in emit::pipelines(&refs) {
        let first = group[0];
        let shared = |r: &Resolved| {
            let ci = &r.spec.ci;
            let mut keys = vec![
                ("/ci/jhubgen", serde_json::to_value(&ci.jhubgen).ok()),
                ("/ci/runner", serde_json::to_value(&ci.runner).ok()),
            ];
            if ci.provider == model::CiProvider::Gitlab {
                keys.push((
                    "/ci/gitlab_images/rust",
                    serde_json::to_value(&ci.gitlab_images.rust).ok(),
                ));
            }
            keys
        };
        for r in &group[1..] {
            for ((pointer, a), (_, b)) in shared(first).into_iter().zip(shared(r)) {
                if a == b {
                    continue;
                }
                let key = pointer.trim_start_matches('/').replace('/', ".");
                out.push(
                    Diag::error(
                        "ci/pipeline-mismatch",
                        format!(
                            "`{}` and `{}` share the pipeline `{path}` but set different `{key}`",
                            first.env, r.env
                        ),
                    )
                    .at(r.origin(pointer), format!("`{}`", r.env))
                    .also(first.origin(pointer), format!("`{}`", first.env))
                    .key(key)
                    .help("the pipeline's own jobs (lint, drift check) run once for all of them: set it once, in a layer both share, or give one environment its own pipeline (`ci.name`, or `ci.location = \"environment\"`)"),
                );
            }
        }
    }
    out
}

/// Merges, validates, resolves and emits one environment.
pub fn compile_env(
    env: &str,
    inputs: Vec<String>,
    mut layers: Vec<Entry>,
    overlay: Entry,
) -> Result<(Resolved, Vec<Output>, Vec<Diag>), Vec<Diag>> {
    layers.push(overlay);
    layers.iter_mut().for_each(chain::strip);
    let (merged, tombstones) = merge::merge_recording(layers)?;
    compile_merged(env, inputs, merged, tombstones)
}

/// Validates, resolves and emits one merged environment; every diagnostic
/// names it.
pub fn compile_merged(
    env: &str,
    inputs: Vec<String>,
    merged: Entry,
    tombstones: Vec<merge::Tombstone>,
) -> Result<(Resolved, Vec<Output>, Vec<Diag>), Vec<Diag>> {
    let name = |mut diags: Vec<Diag>| {
        for d in &mut diags {
            d.environments = vec![env.to_string()];
        }
        diags
    };
    match compile_one(env, inputs, merged, tombstones) {
        Ok((r, outputs, diags)) => Ok((r, outputs, name(diags))),
        Err(diags) => Err(name(diags)),
    }
}

fn compile_one(
    env: &str,
    inputs: Vec<String>,
    merged: Entry,
    tombstones: Vec<merge::Tombstone>,
) -> Result<(Resolved, Vec<Output>, Vec<Diag>), Vec<Diag>> {
    let (doc, provs) = merged.to_json();
    compile_doc(env, inputs, doc, provs, tombstones)
}

/// The compiler from the merged document on: schema, resolve, every lint
/// rule, the values, the chart's schema, the outputs. `explain` runs it on a
/// perturbed document, so that a change it measures is one the compiler
/// accepts.
pub fn compile_doc(
    env: &str,
    inputs: Vec<String>,
    doc: serde_json::Value,
    provs: tree::ProvMap,
    tombstones: Vec<merge::Tombstone>,
) -> Result<(Resolved, Vec<Output>, Vec<Diag>), Vec<Diag>> {
    let mut errors = validate::check(&doc, &provs);
    if !errors.is_empty() {
        // a committed secret is reported whatever else is wrong
        errors.extend(lint::secrets(&doc, &provs));
        lint::set_layers(&provs, &mut errors);
        errors.extend(rules_on_the_rest(
            env,
            &inputs,
            &doc,
            &provs,
            &tombstones,
            &errors,
        ));
        return Err(errors);
    }
    let r = resolve::resolve(env, inputs, doc, provs, tombstones)?;
    let mut diags = lint::run(
        lint::Stage::Spec,
        &lint::Ctx {
            r: &r,
            values: None,
        },
    );
    diags.extend(reflected(&r, &diags));
    if diags.iter().any(Diag::is_error) {
        return Err(diags);
    }
    let values = emit::values::values(&r);
    diags.extend(lint::run(
        lint::Stage::Values,
        &lint::Ctx {
            r: &r,
            values: Some(&values),
        },
    ));
    if diags.iter().any(Diag::is_error) {
        return Err(diags);
    }
    let errors = emit::chart::check(&values, &r);
    if !errors.is_empty() {
        diags.extend(errors);
        return Err(diags);
    }
    allow(&r, &mut diags);
    if diags.iter().any(Diag::is_error) {
        return Err(diags);
    }
    let outputs = emit::emit_all(&r, &values);
    Ok((r, outputs, diags))
}

/// Domain rules on the parts of a spec that validated, so that independent
/// mistakes are reported together rather than one fix at a time: the values
/// the schema rejected are taken out, and if what is left validates, it is
/// compiled and its diagnostics kept — except those that involve a value
/// taken out (a rule cannot judge what it never saw), internal ones, and
/// ones already reported.
fn rules_on_the_rest(
    env: &str,
    inputs: &[String],
    doc: &serde_json::Value,
    provs: &tree::ProvMap,
    tombstones: &[merge::Tombstone],
    reported: &[Diag],
) -> Vec<Diag> {
    // a file with hundreds of mistakes needs no more of them
    if reported.len() > 50 {
        return Vec::new();
    }
    let Some(rejected) = validate::rejected(doc) else {
        return Vec::new();
    };
    let mut rest = doc.clone();
    // by parent, so that a table with 100,000 unknown keys is filtered once
    let mut by_parent: std::collections::BTreeMap<&str, std::collections::HashSet<String>> =
        Default::default();
    for p in &rejected {
        if let (Some((parent, _)), Some(key)) =
            (p.rsplit_once('/'), tree::pointer_segments(p).pop())
        {
            by_parent.entry(parent).or_default().insert(key);
        }
    }
    for (parent, keys) in &by_parent {
        if let Some(serde_json::Value::Object(m)) = rest.pointer_mut(parent) {
            m.retain(|k, _| !keys.contains(k));
        }
    }
    if !validate::check(&rest, provs).is_empty() {
        return Vec::new();
    }
    // each taken-out value with its key: (file, from the key to the value's end)
    let taken: Vec<(source::FileId, std::ops::Range<usize>)> = rejected
        .iter()
        .filter_map(|p| provs.get(p))
        .map(|p| {
            let (k, v) = (p.key_or_value(), p.origin());
            (
                v.file,
                k.span.start.min(v.span.start)..v.span.end.max(k.span.end),
            )
        })
        .collect();
    let taken_keys: Vec<String> = rejected
        .iter()
        .map(|p| tree::display_path(doc, p))
        .collect();
    let involves_taken = |d: &Diag| {
        // a rule about a key taken out (it sees the default instead)
        d.key.as_ref().is_some_and(|k| {
            taken_keys.iter().any(|t| {
                k == t || k.starts_with(&format!("{t}.")) || k.starts_with(&format!("{t}["))
            })
        }) || d.primary.iter().chain(&d.secondary).any(|l| {
            taken.iter().any(|(f, r)| {
                *f == l.origin.file && l.origin.span.start >= r.start && l.origin.span.end <= r.end
            })
        })
    };
    let diags = match compile_doc(
        env,
        inputs.to_vec(),
        rest,
        provs.clone(),
        tombstones.to_vec(),
    ) {
        Ok((_, _, warnings)) => warnings,
        Err(diags) => diags,
    };
    diags
        .into_iter()
        .filter(|d| !d.code.starts_with("internal/") && !involves_taken(d))
        .filter(|d| {
            !reported
                .iter()
                .any(|r| r.code == d.code && r.primary == d.primary)
        })
        .collect()
}

/// Chart values that `[values]` may set and a spec key models, leaf for
/// leaf: (chart pointer, spec pointer).
const REFLECTED: &[(&str, &str)] = &[
    ("/cull/enabled", "/culling/enabled"),
    ("/cull/timeout", "/culling/timeout"),
    ("/cull/every", "/culling/every"),
    ("/cull/maxAge", "/culling/max_age"),
    ("/cull/users", "/culling/users"),
    ("/singleuser/image/tag", "/image/tag"),
    ("/singleuser/image/pullPolicy", "/image/pull_policy"),
    ("/singleuser/storage/capacity", "/storage/capacity"),
    ("/hub/baseUrl", "/hub/base_url"),
    ("/hub/config/Authenticator/allow_all", "/auth/allow_all"),
    ("/hub/config/Authenticator/admin_users", "/auth/admin_users"),
    (
        "/hub/config/Authenticator/allowed_users",
        "/auth/allowed_users",
    ),
    (
        "/hub/config/AzureAdOAuthenticator/username_claim",
        "/auth/azuread/username_claim",
    ),
];

/// The spec rules on the *final* values: what `[values]` sets in place of a
/// spec key is judged as if the spec had set it, and reported at the
/// `[values]` line — so an unsafe value is the same error whichever way it
/// arrives. (`values/overrides-spec` still says to use the spec key.)
fn reflected(r: &Resolved, already: &[Diag]) -> Vec<Diag> {
    let Some(raw) = &r.spec.values else {
        return Vec::new();
    };
    let raw = serde_json::Value::Object(raw.clone());
    let mut doc = r.doc.clone();
    let mut provs = r.provs.clone();
    let mut origins = Vec::new();
    for (chart, spec) in REFLECTED {
        let (Some(v), Some(prov)) = (raw.pointer(chart), r.provs.get(&format!("/values{chart}")))
        else {
            continue;
        };
        let Some((parent, key)) = spec.rsplit_once('/') else {
            continue;
        };
        let Some(serde_json::Value::Object(table)) = doc.pointer_mut(parent) else {
            continue;
        };
        table.insert(key.to_string(), v.clone());
        provs.insert((*spec).to_string(), prov.clone());
        origins.push(prov.origin().clone());
    }
    if origins.is_empty() {
        return Vec::new();
    }
    // a value the spec's type cannot hold: the chart's schema judges it
    let Ok(shadow) = resolve::resolve(&r.env, r.inputs.clone(), doc, provs, Vec::new()) else {
        return Vec::new();
    };
    lint::run(
        lint::Stage::Spec,
        &lint::Ctx {
            r: &shadow,
            values: None,
        },
    )
    .into_iter()
    .filter(|d| {
        d.primary
            .as_ref()
            .is_some_and(|p| origins.contains(&p.origin))
            && !already.contains(d)
    })
    .collect()
}

/// Applies the spec's `[[lint.allow]]`: each marks the warnings of its code
/// (on its key, if given) as suppressed with its reason. Naming an unknown
/// code or an error is an error; an allow that matches nothing, a warning.
fn allow(r: &Resolved, diags: &mut Vec<Diag>) {
    let mut found = Vec::new();
    for (i, a) in r.spec.lint.allow.iter().enumerate() {
        let at = format!("/lint/allow/{i}");
        let Some((severity, _)) = diag::codes::describe(&a.code) else {
            let hint = validate::closest(&a.code, &diag::codes::all())
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            found.push(
                Diag::error(
                    "lint/unknown-code",
                    format!("no rule `{}` to allow", a.code),
                )
                .at(r.origin(&format!("{at}/code")), "not a diagnostic code")
                .key(format!("lint.allow[{i}].code"))
                .help(format!("{hint}`jhubgen rule` lists the codes")),
            );
            continue;
        };
        if severity == "error" {
            found.push(
                Diag::error(
                    "lint/allow-error",
                    format!("`{}` is an error, and errors cannot be allowed", a.code),
                )
                .at(r.origin(&format!("{at}/code")), "an error")
                .key(format!("lint.allow[{i}].code"))
                .help(format!(
                    "fix what it reports (`jhubgen rule {}` says how); only warnings can be accepted",
                    a.code
                )),
            );
            continue;
        }
        let under = |key: &str, prefix: &str| {
            key == prefix
                || key.starts_with(&format!("{prefix}."))
                || key.starts_with(&format!("{prefix}["))
        };
        let mut matched = 0;
        for d in diags.iter_mut() {
            if d.code == a.code
                && !d.is_error()
                && a.key
                    .as_deref()
                    .is_none_or(|k| d.key.as_deref().is_some_and(|dk| under(dk, k)))
            {
                d.suppressed = Some(a.reason.clone());
                matched += 1;
            }
        }
        if matched == 0 {
            found.push(
                Diag::warning(
                    "lint/unused-allow",
                    format!(
                        "`{}`{} is allowed, but `{}` reports nothing there",
                        a.code,
                        a.key.as_deref().map(|k| format!(" on `{k}`")).unwrap_or_default(),
                        r.env
                    ),
                )
                .at(r.origin(&at), "matches no warning")
                .key(format!("lint.allow[{i}]"))
                .help("remove it (what it accepted is gone), fix its `code` / `key`, or move it into the layer of the environments that need it"),
            );
        }
    }
    diags.extend(found);
}

/// The JSON Schema of a spec file, as committed in `schema/jhubgen.schema.json`.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&model::file_schema()).expect("schemas serialize");
    s.push('\n');
    s
}
