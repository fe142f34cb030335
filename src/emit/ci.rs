//! What the CI pipelines share: the spec values that reach a CI file, and the
//! one path that makes them inert there.
//!
//! No spec value is ever written into a `run:` or `script:` line. Each one is
//! a variable — `env:` in GitHub Actions, `variables:` in GitLab CI — that the
//! fixed scripts read as `"$NAME"`, so the shell sees data, never code. What
//! quoting cannot neutralise is refused (the `ci/unsafe-value` rule): GitHub
//! evaluates `${{ … }}` anywhere in a workflow before YAML or the shell see
//! it, and control characters have no business in these values. GitLab would
//! expand `$VAR` inside a variable's value, so values with `$` are written with
//! `expand: false`.

use crate::model::{CiLocation, CiProvider, JhubgenInstall};
use crate::resolve::Resolved;

/// A spec value as a CI variable.
#[derive(Debug, Clone, PartialEq)]
pub struct CiValue {
    /// Variable name (`NAMESPACE`).
    pub name: &'static str,
    pub value: String,
    /// The spec pointers that make up the value (for diagnostics).
    pub from: Vec<String>,
}

/// The pinned actions: (uses, release). SHAs are the release tags' commits,
/// read from the actions' own repositories.
pub const CHECKOUT: (&str, &str) = (
    "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
    "v7.0.1",
);

/// The pipeline file's name where the CI system reads it.
pub fn file_name(r: &Resolved) -> String {
    match r.spec.ci.provider {
        CiProvider::Github => format!(".github/workflows/{}.yml", r.spec.ci.name),
        CiProvider::Gitlab => ".gitlab-ci.yml".to_string(),
    }
}

/// Where the pipeline of an environment is written, relative to the project root.
pub fn pipeline_path(r: &Resolved) -> String {
    match r.spec.ci.location {
        CiLocation::Root => file_name(r),
        CiLocation::Environment => format!("environments/{}/{}", r.env, file_name(r)),
    }
}

/// Variables only the image build reads.
pub const BUILD_VARIABLES: &[&str] = &[
    "REGISTRY",
    "IMAGE",
    "MOVING_TAG",
    "BUILD_CONTEXT",
    "DOCKERFILE",
];
/// Variables of the whole pipeline (how jhubgen is installed).
pub const PIPELINE_VARIABLES: &[&str] = &["JHUBGEN_PATH", "JHUBGEN_VERSION"];

/// Does `child` build on `parent` (is `overlays/<parent>.toml` in its chain)?
pub fn descends_from(child: &Resolved, parent: &Resolved) -> bool {
    child.env != parent.env
        && child
            .inputs
            .iter()
            .any(|i| *i == format!("overlays/{}.toml", parent.env))
}

/// The environments in promotion order: every environment after those that
/// extend it (staging before production); otherwise by name.
pub fn promotion_order<'a>(envs: &[&'a Resolved]) -> Vec<&'a Resolved> {
    let mut left: Vec<&Resolved> = envs.to_vec();
    left.sort_by(|a, b| a.env.cmp(&b.env));
    let mut out = Vec::new();
    while !left.is_empty() {
        // chains have no cycles, so some environment has no descendant left
        let i = left
            .iter()
            .position(|e| !left.iter().any(|c| descends_from(c, e)))
            .unwrap_or(0);
        out.push(left.remove(i));
    }
    out
}

fn v(name: &'static str, value: impl Into<String>, from: &[&str]) -> CiValue {
    CiValue {
        name,
        value: value.into(),
        from: from.iter().map(|s| s.to_string()).collect(),
    }
}

/// Every spec-derived value the pipeline uses, in the order they are written.
pub fn values(r: &Resolved) -> Vec<CiValue> {
    let s = &r.spec;
    let ci = &s.ci;
    let dir = format!("environments/{}", r.env);
    let mut out = vec![v("JHUBGEN_ENV", r.env.clone(), &[])];
    match &ci.jhubgen {
        JhubgenInstall::Path { path } => {
            out.push(v("JHUBGEN_PATH", path.clone(), &["/ci/jhubgen/path"]))
        }
        JhubgenInstall::CratesIo { version } => out.push(v(
            "JHUBGEN_VERSION",
            version.clone(),
            &["/ci/jhubgen/version"],
        )),
    }
    if let Some(b) = &ci.image_build {
        out.push(v(
            "REGISTRY",
            s.image.registry.clone(),
            &["/image/registry"],
        ));
        out.push(v(
            "IMAGE",
            s.image.repository(),
            &["/image/registry", "/image/name"],
        ));
        out.push(v("MOVING_TAG", s.image.tag.clone(), &["/image/tag"]));
        out.push(v(
            "BUILD_CONTEXT",
            b.context.clone(),
            &["/ci/image_build/context"],
        ));
        out.push(v(
            "DOCKERFILE",
            b.dockerfile.clone(),
            &["/ci/image_build/dockerfile"],
        ));
    }
    out.push(v(
        "RELEASE",
        s.environment.release.clone(),
        &["/environment/release"],
    ));
    out.push(v(
        "NAMESPACE",
        s.environment.namespace.clone(),
        &["/environment/namespace"],
    ));
    out.push(v(
        "CHART_REPO",
        ci.deploy.chart_repo.clone(),
        &["/ci/deploy/chart_repo"],
    ));
    out.push(v(
        "CHART_VERSION",
        s.environment.chart_version.clone(),
        &["/environment/chart_version"],
    ));
    out.push(v(
        "HELM_TIMEOUT",
        ci.deploy.timeout.clone(),
        &["/ci/deploy/timeout"],
    ));
    if let Some(c) = &ci.deploy.kube_context {
        out.push(v("KUBE_CONTEXT", c.clone(), &["/ci/deploy/kube_context"]));
    }
    // the files the deploy reads, from the artifact registry
    for a in super::artifacts(r) {
        if let Some(var) = a.variable {
            out.push(v(var, format!("{dir}/{}", (a.file)(r)), &[]));
        }
    }
    out
}

/// The deploy, as shell lines: the one deploy script (`scripts/deploy.sh`,
/// which applies what the registry marks, in its order, around the chart)
/// on the environment's `config.env`. Only variable names reach the line.
/// With `commit_image`, the notebook image is the one the pipeline built for
/// this commit (`tag_var`, a CI variable holding the commit SHA): an
/// immutable tag, so every node pulls it and every deploy changes the pods.
pub fn deploy_lines(r: &Resolved, tag_var: &str) -> Vec<String> {
    let mut line = String::new();
    if r.spec.ci.deploys_commit_image() {
        line.push_str(&format!("JHUBGEN_IMAGE_TAG=\"{tag_var}\" "));
    }
    line.push_str(&format!("bash {} \"$ENV_FILE\"", super::deploy::PATH));
    vec![line]
}

/// A self-hosted deploy runner must bring helm and kubectl.
pub const TOOLS_CHECK: &str = r#"for tool in helm kubectl; do
  command -v "$tool" >/dev/null || { echo "::error::$tool is not installed on this runner"; exit 1; }
done
"#;

/// Why a value cannot be made inert in a CI file of `provider`, if it cannot.
pub fn unsafe_reason(value: &str, provider: CiProvider) -> Option<&'static str> {
    if value.chars().any(char::is_control) {
        return Some("it contains a control character (a newline, a tab …)");
    }
    if provider == CiProvider::Github && value.contains("${{") {
        return Some(
            "it contains `${{`, which GitHub evaluates as an expression anywhere in a workflow",
        );
    }
    None
}

/// Is `pattern` a branch name or glob the CI system accepts?
pub fn valid_branch_pattern(pattern: &str, provider: CiProvider) -> Result<(), &'static str> {
    if pattern.is_empty() {
        return Err("it is empty");
    }
    let globs = provider == CiProvider::Github;
    for c in pattern.chars() {
        let ok = c.is_ascii_alphanumeric() || "._/-".contains(c) || (globs && "*+?!".contains(c));
        if !ok {
            return Err(if globs {
                "branch patterns may use letters, digits, `.`, `_`, `/`, `-` and the globs `*`, `**`, `+`, `?`, `!`"
            } else {
                "GitLab branches are exact names: letters, digits, `.`, `_`, `/` and `-`"
            });
        }
    }
    if pattern.starts_with(['/', '.', '-'])
        || pattern.ends_with(['/', '.'])
        || pattern.contains("..")
        || pattern.contains("//")
        || pattern.ends_with(".lock")
    {
        return Err("it is not a valid git branch name");
    }
    Ok(())
}
