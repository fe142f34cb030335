//! The GitLab CI pipeline, one for every GitLab environment of the project
//! (`.gitlab-ci.yml` at the repository root, where GitLab reads it).
//!
//! Stages validate (jhubgen lint as a Code Quality report, the drift check,
//! and on merge requests the rendered change of every environment as an
//! artifact), build (each distinct notebook image once, `docker login
//! --password-stdin`), deploy (one job per environment: a protected
//! `environment:`, `when: manual` when the spec asks for approval, one deploy
//! at a time per environment through `resource_group`). Environments deploy in
//! promotion order: one that extends another (staging extends production)
//! deploys first, and the other's job `needs` it, so production can only be
//! started once staging deployed in the same pipeline. `rules:` everywhere, no
//! `only:`. Spec values are `variables:` of the jobs that use them (with
//! `expand: false` where they hold `$`), credentials are CI/CD variables
//! referenced by name.
//!
//! The pipeline is built as typed data (`Pipeline` and the structs below):
//! keys are written in the order their fields are declared, maps (the jobs
//! among them) in insertion order.

use super::ci::{
    BUILD_VARIABLES, CiValue, PIPELINE_VARIABLES, descends_from, promotion_order, values,
};
use crate::model::JhubgenInstall;
use crate::resolve::Resolved;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

/// A `variables:` block: variable name → value.
type Variables = IndexMap<&'static str, Variable>;

/// The `.gitlab-ci.yml` file: the global keywords, then the jobs by name.
#[derive(Serialize)]
struct Pipeline {
    workflow: Workflow,
    stages: [Stage; 3],
    variables: Variables,
    #[serde(flatten)]
    jobs: IndexMap<String, Job>,
}

/// When a pipeline is created at all.
#[derive(Serialize)]
struct Workflow {
    rules: Vec<Rule>,
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Stage {
    Validate,
    Build,
    Deploy,
}

#[derive(Serialize, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
enum When {
    Always,
    Manual,
}

#[derive(Serialize, Clone, PartialEq)]
struct Rule {
    #[serde(rename = "if")]
    if_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<When>,
}

impl Rule {
    /// The rule that runs the job (or creates the pipeline) when `condition` holds.
    fn new(condition: impl Into<String>) -> Self {
        Rule {
            if_: condition.into(),
            when: None,
        }
    }
}

/// A value of `variables:`. GitLab expands `$NAME` in a plain value.
#[derive(Serialize, Clone, PartialEq)]
#[serde(untagged)]
enum Variable {
    /// Expanded: for the values jhubgen writes itself (`$CI_REGISTRY_USER`).
    Plain(String),
    /// `{value, expand: false}`: taken as written.
    Literal { value: String, expand: bool },
}

impl Variable {
    /// A spec value, which GitLab must not expand (see [`super::ci`]).
    fn spec(value: &str) -> Self {
        if value.contains('$') {
            Variable::Literal {
                value: value.to_string(),
                expand: false,
            }
        } else {
            Variable::Plain(value.to_string())
        }
    }
}

#[derive(Serialize)]
struct Job {
    stage: Stage,
    image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    services: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<Environment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_group: Option<String>,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    variables: Variables,
    script: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    needs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    artifacts: Option<Artifacts>,
    rules: Vec<Rule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

impl Job {
    /// A job with only what every job has; the others add the rest.
    fn new(stage: Stage, image: &str, script: Vec<String>, rules: Vec<Rule>) -> Self {
        Job {
            stage,
            image: image.to_string(),
            services: Vec::new(),
            environment: None,
            resource_group: None,
            variables: Variables::new(),
            script,
            needs: Vec::new(),
            artifacts: None,
            rules,
            tags: Vec::new(),
        }
    }
}

/// The GitLab environment a deploy job runs in.
#[derive(Serialize)]
struct Environment {
    name: String,
    url: String,
}

#[derive(Serialize, Default)]
struct Artifacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<When>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reports: Option<Reports>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expose_as: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<&'static str>,
}

#[derive(Serialize)]
struct Reports {
    codequality: &'static str,
}

/// One rule per deploy branch, for pushes (not scheduled pipelines).
fn branch_rules<'a>(
    branches: impl IntoIterator<Item = &'a String>,
    when: Option<When>,
) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    for b in branches {
        let rule = Rule {
            when,
            ..Rule::new(format!(
                "$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == \"{b}\""
            ))
        };
        if !out.contains(&rule) {
            out.push(rule);
        }
    }
    out
}

/// The jobs run on `ci.runner`'s tags when given.
fn tags(r: &Resolved) -> Vec<String> {
    r.spec.ci.runner.iter().cloned().collect()
}

/// The deploy job runs on `ci.deploy.runner`'s tags when given.
fn deploy_tags(r: &Resolved) -> Vec<String> {
    if r.spec.ci.deploy.runner.is_empty() {
        tags(r)
    } else {
        r.spec.ci.deploy.runner.clone()
    }
}

fn variables<'a>(vals: impl IntoIterator<Item = &'a CiValue>) -> Variables {
    vals.into_iter()
        .map(|cv| (cv.name, Variable::spec(&cv.value)))
        .collect()
}

fn script(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

/// What makes two environments' image builds one job.
#[derive(PartialEq)]
struct Build {
    variables: Variables,
    image: String,
    tags: Vec<String>,
}

/// The pipeline of these (GitLab) environments.
pub fn pipeline(envs: &[&Resolved]) -> Value {
    let envs = promotion_order(envs);
    let Some(first) = envs.first() else {
        return Value::Object(Default::default());
    };
    let ci = &first.spec.ci;
    let per_env: Vec<Vec<CiValue>> = envs.iter().map(|r| values(r)).collect();
    let mut global = variables(
        per_env[0]
            .iter()
            .filter(|cv| PIPELINE_VARIABLES.contains(&cv.name)),
    );
    let names: Vec<&str> = envs.iter().map(|r| r.env.as_str()).collect();
    global.insert("JHUBGEN_ENVS", Variable::Plain(names.join(" ")));
    let install = [
        match ci.jhubgen {
            JhubgenInstall::Path { .. } => "cargo install --locked --path \"$JHUBGEN_PATH\"",
            JhubgenInstall::CratesIo { .. } => {
                "cargo install --locked jhubgen --version \"$JHUBGEN_VERSION\""
            }
        },
        "export PATH=\"$CARGO_HOME/bin:$HOME/.cargo/bin:$PATH\"",
    ];
    let all_branches = branch_rules(envs.iter().flat_map(|r| &r.spec.ci.deploy_branches), None);
    let merge_request = Rule::new("$CI_PIPELINE_SOURCE == \"merge_request_event\"");
    let mut mr_or_branch = vec![
        merge_request.clone(),
        Rule::new("$CI_PIPELINE_SOURCE == \"schedule\""),
    ];
    mr_or_branch.extend(all_branches);
    let mut jobs = IndexMap::new();
    jobs.insert(
        "validate".to_string(),
        Job {
            artifacts: Some(Artifacts {
                when: Some(When::Always),
                reports: Some(Reports {
                    codequality: "gl-code-quality-report.json",
                }),
                ..Artifacts::default()
            }),
            tags: tags(first),
            ..Job::new(
                Stage::Validate,
                &ci.gitlab_images.rust,
                script(&[
                    install[0],
                    install[1],
                    "jhubgen lint --format gitlab > gl-code-quality-report.json",
                    "jhubgen build --check",
                ]),
                mr_or_branch.clone(),
            )
        },
    );
    jobs.insert(
        "review".to_string(),
        Job {
            artifacts: Some(Artifacts {
                expose_as: Some("jhubgen diff"),
                paths: vec!["jhubgen-diff.md"],
                ..Artifacts::default()
            }),
            tags: tags(first),
            ..Job::new(
                Stage::Validate,
                &ci.gitlab_images.rust,
                script(&[
                    install[0],
                    install[1],
                    "git fetch --depth=1 origin \"$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\"",
                    "for env in $JHUBGEN_ENVS; do jhubgen diff \"$env\" --against FETCH_HEAD --format markdown >> jhubgen-diff.md; done",
                ]),
                vec![merge_request],
            )
        },
    );

    // each distinct image build once, shared by the environments that deploy it
    let mut builds: Vec<(Build, Vec<usize>)> = Vec::new();
    for (i, r) in envs.iter().enumerate() {
        let Some(b) = &r.spec.ci.image_build else {
            continue;
        };
        let user = b.username_variable.as_deref().unwrap_or("CI_REGISTRY_USER");
        let password = b
            .password_variable
            .as_deref()
            .unwrap_or("CI_REGISTRY_PASSWORD");
        let mut vars = variables(
            per_env[i]
                .iter()
                .filter(|cv| BUILD_VARIABLES.contains(&cv.name)),
        );
        vars.insert("DOCKER_TLS_CERTDIR", Variable::Plain("/certs".into()));
        vars.insert("REGISTRY_USER", Variable::Plain(format!("${user}")));
        vars.insert("REGISTRY_PASSWORD", Variable::Plain(format!("${password}")));
        let key = Build {
            variables: vars,
            image: r.spec.ci.gitlab_images.docker.clone(),
            tags: tags(r),
        };
        match builds.iter_mut().find(|(k, _)| *k == key) {
            Some((_, users)) => users.push(i),
            None => builds.push((key, vec![i])),
        }
    }
    let mut build_job: Vec<Option<String>> = vec![None; envs.len()];
    let single_build = builds.len() == 1;
    for (key, users) in builds {
        let name = if single_build {
            "build-image".to_string()
        } else {
            format!("build-image-{}", envs[users[0]].env)
        };
        let rules = branch_rules(
            users.iter().flat_map(|&u| &envs[u].spec.ci.deploy_branches),
            None,
        );
        jobs.insert(
            name.clone(),
            Job {
                services: vec![format!("{}-dind", key.image)],
                variables: key.variables,
                needs: vec!["validate".to_string()],
                tags: key.tags,
                ..Job::new(
                    Stage::Build,
                    &key.image,
                    script(&[
                        "printf '%s' \"$REGISTRY_PASSWORD\" | docker login \"$REGISTRY\" --username \"$REGISTRY_USER\" --password-stdin",
                        "docker build --file \"$DOCKERFILE\" --tag \"$IMAGE:$CI_COMMIT_SHA\" --tag \"$IMAGE:$MOVING_TAG\" \"$BUILD_CONTEXT\"",
                        "docker push \"$IMAGE:$CI_COMMIT_SHA\"",
                        "docker push \"$IMAGE:$MOVING_TAG\"",
                    ]),
                    rules,
                )
            },
        );
        for u in users {
            build_job[u] = Some(name.clone());
        }
    }

    for (i, r) in envs.iter().enumerate() {
        let ci = &r.spec.ci;
        let mut vars = variables(per_env[i].iter().filter(|cv| {
            !BUILD_VARIABLES.contains(&cv.name) && !PIPELINE_VARIABLES.contains(&cv.name)
        }));
        // a File-type CI/CD variable named in the spec (names are checked identifiers)
        vars.insert(
            "KUBECONFIG",
            Variable::Plain(format!("${}", ci.deploy.kubeconfig_variable)),
        );
        let mut needs = vec!["validate".to_string()];
        needs.extend(build_job[i].clone());
        // promotion: what extends this environment deploys first
        for child in &envs[..i] {
            if descends_from(child, r) {
                needs.push(format!("deploy-{}", child.env));
            }
        }
        let mut script = vec![
            "if [ -n \"${KUBE_CONTEXT:-}\" ]; then kubectl config use-context \"$KUBE_CONTEXT\"; fi"
                .to_string(),
        ];
        script.extend(super::ci::deploy_lines(r, "$CI_COMMIT_SHA"));
        let when = ci.deploy.manual.then_some(When::Manual);
        jobs.insert(
            format!("deploy-{}", r.env),
            Job {
                environment: Some(Environment {
                    name: ci.deploy.environment.clone(),
                    url: format!("https://{}{}", r.spec.ingress.host, r.spec.hub.base_url),
                }),
                resource_group: Some(format!("deploy-{}", r.env)),
                variables: vars,
                needs,
                tags: deploy_tags(r),
                ..Job::new(
                    Stage::Deploy,
                    &ci.gitlab_images.deploy,
                    script,
                    branch_rules(&ci.deploy_branches, when),
                )
            },
        );
    }
    let doc = Pipeline {
        workflow: Workflow {
            rules: mr_or_branch,
        },
        stages: [Stage::Validate, Stage::Build, Stage::Deploy],
        variables: global,
        jobs,
    };
    serde_json::to_value(&doc).expect("the pipeline serializes")
}
