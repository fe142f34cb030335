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

pub mod diag;
pub mod diff;
pub mod emit;
pub mod explain;
pub mod git;
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
pub fn build(project: &Project, only: &[String]) -> Result<Build, Vec<Diag>> {
    warm_up();
    let mut diags = project.diags.clone();
    let mut base: Vec<Entry> = Vec::new();
    for &id in &project.base {
        match load::load(&project.sources, id) {
            Ok(e) => base.push(e),
            Err(d) => diags.extend(d),
        }
    }
    let base_ok = diags.is_empty();
    let mut envs = Vec::new();
    let mut outputs = Vec::new();
    for (name, id) in &project.overlays {
        if !only.is_empty() && !only.iter().any(|o| o == name) {
            continue;
        }
        let overlay = match load::load(&project.sources, *id) {
            Ok(e) => e,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        if !base_ok {
            continue;
        }
        let inputs: Vec<String> = project
            .base
            .iter()
            .chain(std::iter::once(id))
            .map(|&f| project.sources.name(f).to_string())
            .collect();
        match compile_env(name, inputs, base.clone(), overlay) {
            Ok((r, outs, warnings)) => {
                diags.extend(warnings);
                outputs.extend(outs);
                envs.push(r);
            }
            Err(d) => diags.extend(d),
        }
    }
    diags.extend(duplicate_outputs(&envs, &outputs));
    diag::sort(&mut diags);
    diags.dedup();
    diag::cap(&mut diags);
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

/// Two environments writing the same file (`ci.write_to_repo` of two GitLab
/// environments both want the root `.gitlab-ci.yml`).
fn duplicate_outputs(envs: &[Resolved], outputs: &[Output]) -> Vec<Diag> {
    let mut out = Vec::new();
    for (i, o) in outputs.iter().enumerate() {
        if outputs[..i].iter().any(|p| p.path == o.path) {
            let writers: Vec<&Resolved> = envs
                .iter()
                .filter(|r| r.spec.ci.write_to_repo && o.path == emit::ci::file_name(r))
                .collect();
            let mut d = Diag::error(
                "ci/duplicate-output",
                format!("two environments write `{}`", o.path),
            )
            .help("set `ci.write_to_repo = true` in one environment only, or give the GitHub workflows different `ci.name`s");
            if let Some(second) = writers.last() {
                d = d.at(second.origin("/ci/write_to_repo"), "writes the same file");
                if let Some(first) = writers.first().filter(|f| f.env != second.env) {
                    d = d.also(first.origin("/ci/write_to_repo"), "as this environment");
                }
            }
            out.push(d);
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
    let merged = merge::merge(layers)?;
    let (doc, provs) = merged.to_json();
    let errors = validate::check(&doc, &provs);
    if !errors.is_empty() {
        return Err(errors);
    }
    let r = resolve::resolve(env, inputs, doc, provs)?;
    let mut diags = lint::run(
        lint::Stage::Spec,
        &lint::Ctx {
            r: &r,
            values: None,
        },
    );
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
    let outputs = emit::emit_all(&r, &values);
    Ok((r, outputs, diags))
}

/// The JSON Schema of a spec file, as committed in `schema/jhubgen.schema.json`.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&model::file_schema()).expect("schemas serialize");
    s.push('\n');
    s
}
