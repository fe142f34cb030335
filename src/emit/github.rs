//! The GitHub Actions workflow of the environments that share it
//! (`.github/workflows/<name>.yml`: those of one `ci.name`).
//!
//! Jobs: `validate` (jhubgen lint as annotations, the drift check, and on pull
//! requests the rendered change of every environment in the job summary),
//! `build` (each distinct notebook image once, pushed with the commit SHA and
//! the moving tag), `deploy-<env>` (the registry's manifests and helm) on pushes
//! to the environment's deploy branches, in promotion order: an environment
//! that extends another deploys first and the other's job `needs` it. Secure by
//! default: the one action is pinned by commit SHA, the workflow has no
//! permissions and each job only what it needs (`packages: write` only where
//! it pushes), checkouts keep no credentials, deploys do not overlap, and no
//! expression of a spec- or user-controlled value reaches a `run:` script —
//! values come through `env:` (see [`super::ci`]).
//!
//! The workflow is built as typed data (`Workflow` and the structs below):
//! keys are written in the order their fields are declared, maps in insertion
//! order.

use super::ci::{
    BUILD_VARIABLES, CHECKOUT, CiValue, PIPELINE_VARIABLES, descends_from, promotion_order, values,
};
use crate::model::JhubgenInstall;
use crate::resolve::Resolved;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

/// An `env:` block (of the workflow, a job or a step): variable name → value.
type Env = IndexMap<&'static str, String>;

/// The workflow file.
#[derive(Serialize)]
struct Workflow {
    name: String,
    on: On,
    permissions: Permissions,
    env: Env,
    jobs: IndexMap<String, Job>,
}

/// What starts the workflow.
#[derive(Serialize)]
struct On {
    push: Branches,
    pull_request: Branches,
    workflow_dispatch: WorkflowDispatch,
}

#[derive(Serialize)]
struct Branches {
    branches: Vec<String>,
}

/// `workflow_dispatch: {}`: manual runs, without inputs.
#[derive(Serialize)]
struct WorkflowDispatch {}

/// A `permissions:` block; what it does not name is `none` (so the
/// workflow's, which names nothing, is `{}`).
#[derive(Serialize, Default)]
struct Permissions {
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Access>,
    #[serde(skip_serializing_if = "Option::is_none")]
    packages: Option<Access>,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Access {
    Read,
    Write,
}

impl Permissions {
    /// `contents: read`: what every job needs to check out.
    fn read_contents() -> Self {
        Permissions {
            contents: Some(Access::Read),
            packages: None,
        }
    }
}

#[derive(Serialize)]
struct Job {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    needs: Option<Needs>,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    if_: Option<String>,
    #[serde(rename = "runs-on")]
    runs_on: RunsOn,
    permissions: Permissions,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<Environment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concurrency: Option<Concurrency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    env: Option<Env>,
    steps: Vec<Step>,
}

/// A job's `needs:`: one job's name, or a list of them.
#[derive(Serialize)]
#[serde(untagged)]
enum Needs {
    One(&'static str),
    All(Vec<String>),
}

/// A job's `runs-on:`: one label, or labels the runner must all have.
#[derive(Serialize)]
#[serde(untagged)]
enum RunsOn {
    Label(String),
    Labels(Vec<String>),
}

/// The GitHub environment a deploy job runs in.
#[derive(Serialize)]
struct Environment {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct Concurrency {
    group: String,
    #[serde(rename = "cancel-in-progress")]
    cancel_in_progress: bool,
}

/// A step: an action (`uses:` and `with:`) or a script (`run:`).
#[derive(Serialize, Default)]
struct Step {
    name: &'static str,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    if_: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uses: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    with: Option<CheckoutInputs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    env: Option<Env>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<String>,
}

/// The `with:` of [`CHECKOUT`].
#[derive(Serialize)]
struct CheckoutInputs {
    #[serde(rename = "persist-credentials")]
    persist_credentials: bool,
    #[serde(rename = "fetch-depth", skip_serializing_if = "Option::is_none")]
    fetch_depth: Option<u32>,
}

impl Step {
    /// A step that runs `script`.
    fn run(name: &'static str, script: impl Into<String>) -> Self {
        Step {
            name,
            run: Some(script.into()),
            ..Step::default()
        }
    }

    /// The step, with these `env:` variables.
    fn with_env(self, env: Env) -> Self {
        Step {
            env: Some(env),
            ..self
        }
    }
}

fn checkout(fetch_all: bool) -> Step {
    Step {
        name: "Check out",
        uses: Some(CHECKOUT.0),
        with: Some(CheckoutInputs {
            persist_credentials: false,
            fetch_depth: fetch_all.then_some(0),
        }),
        ..Step::default()
    }
}

fn install(r: &Resolved) -> Step {
    let run = match r.spec.ci.jhubgen {
        JhubgenInstall::Path { .. } => "cargo install --locked --path \"$JHUBGEN_PATH\"",
        JhubgenInstall::CratesIo { .. } => {
            "cargo install --locked jhubgen --version \"$JHUBGEN_VERSION\""
        }
    };
    Step::run("Install jhubgen", run)
}

/// A job's `env:` from spec values.
fn env_of<'a>(vals: impl IntoIterator<Item = &'a CiValue>) -> Env {
    vals.into_iter()
        .map(|cv| (cv.name, cv.value.clone()))
        .collect()
}

/// The `if:` of the jobs that build or deploy for `branches`: pushes are
/// filtered by `on.push.branches`; a manual run deploys only from an exact
/// deploy branch (branch names are checked to hold no quote, see `ci/branch-pattern`).
fn deploy_if<'a>(branches: impl IntoIterator<Item = &'a String>) -> String {
    let mut exact: Vec<String> = Vec::new();
    for b in branches {
        let test = format!("github.ref == 'refs/heads/{b}'");
        if !b.contains(['*', '?', '+', '!']) && !exact.contains(&test) {
            exact.push(test);
        }
    }
    if exact.is_empty() {
        "github.event_name == 'push'".to_string()
    } else {
        format!(
            "github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && ({}))",
            exact.join(" || ")
        )
    }
}

/// What makes two environments' image builds one job.
#[derive(PartialEq)]
struct Build {
    env: Env,
    login: Env,
    runs_on: String,
}

/// The workflow of these (GitHub) environments, as data; comments (the
/// pinned versions) are added by [`render`].
pub fn workflow(envs: &[&Resolved]) -> Value {
    let envs = promotion_order(envs);
    let Some(first) = envs.first() else {
        return Value::Object(Default::default());
    };
    let runner_of = |r: &Resolved| {
        r.spec
            .ci
            .runner
            .clone()
            .unwrap_or_else(|| "ubuntu-24.04".to_string())
    };
    let runner = runner_of(first);
    let per_env: Vec<Vec<CiValue>> = envs.iter().map(|r| values(r)).collect();
    let mut env = env_of(
        per_env[0]
            .iter()
            .filter(|cv| PIPELINE_VARIABLES.contains(&cv.name)),
    );
    let names: Vec<&str> = envs.iter().map(|r| r.env.as_str()).collect();
    env.insert("JHUBGEN_ENVS", names.join(" "));
    let mut jobs = IndexMap::new();
    jobs.insert(
        "validate".to_string(),
        Job {
            name: "Lint and check drift".into(),
            needs: None,
            if_: None,
            runs_on: RunsOn::Label(runner),
            permissions: Permissions::read_contents(),
            environment: None,
            concurrency: None,
            env: None,
            steps: vec![
                checkout(true),
                install(first),
                Step::run(
                    "Lint",
                    "read -ra envs <<< \"$JHUBGEN_ENVS\"\njhubgen lint \"${envs[@]}\" --format github\n",
                ),
                Step::run(
                    "Check that the generated files are up to date",
                    "jhubgen build --check",
                ),
                Step {
                    if_: Some("github.event_name == 'pull_request'"),
                    ..Step::run(
                        "Show the change in the job summary",
                        "read -ra envs <<< \"$JHUBGEN_ENVS\"\nfor env in \"${envs[@]}\"; do\n  jhubgen diff \"$env\" --against \"origin/$BASE_REF\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"\ndone\n",
                    )
                    .with_env(Env::from([("BASE_REF", "${{ github.base_ref }}".into())]))
                },
            ],
        },
    );

    // each distinct image build once, shared by the environments that deploy it
    let mut builds: Vec<(Build, Vec<usize>)> = Vec::new();
    for (i, r) in envs.iter().enumerate() {
        let Some(b) = &r.spec.ci.image_build else {
            continue;
        };
        let user = b
            .username_variable
            .as_ref()
            .map_or("${{ github.actor }}".to_string(), |v| {
                format!("${{{{ secrets.{v} }}}}")
            });
        let password = format!(
            "${{{{ secrets.{} }}}}",
            b.password_variable.as_deref().unwrap_or("GITHUB_TOKEN")
        );
        let key = Build {
            env: env_of(
                per_env[i]
                    .iter()
                    .filter(|cv| BUILD_VARIABLES.contains(&cv.name)),
            ),
            login: Env::from([("REGISTRY_USER", user), ("REGISTRY_PASSWORD", password)]),
            runs_on: runner_of(r),
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
            "build".to_string()
        } else {
            format!("build-{}", envs[users[0]].env)
        };
        jobs.insert(
            name.clone(),
            Job {
                name: "Build and push the notebook image".into(),
                needs: Some(Needs::One("validate")),
                if_: Some(deploy_if(
                    users.iter().flat_map(|&u| &envs[u].spec.ci.deploy_branches),
                )),
                runs_on: RunsOn::Label(key.runs_on),
                permissions: Permissions {
                    packages: Some(Access::Write),
                    ..Permissions::read_contents()
                },
                environment: None,
                concurrency: None,
                env: Some(key.env),
                steps: vec![
                    checkout(false),
                    Step::run(
                        "Log in to the registry",
                        "printf '%s' \"$REGISTRY_PASSWORD\" | docker login \"$REGISTRY\" --username \"$REGISTRY_USER\" --password-stdin",
                    )
                    .with_env(key.login),
                    Step::run(
                        "Build and push",
                        "docker build --file \"$DOCKERFILE\" --tag \"$IMAGE:$COMMIT_SHA\" --tag \"$IMAGE:$MOVING_TAG\" \"$BUILD_CONTEXT\"\ndocker push \"$IMAGE:$COMMIT_SHA\"\ndocker push \"$IMAGE:$MOVING_TAG\"\n",
                    )
                    .with_env(Env::from([("COMMIT_SHA", "${{ github.sha }}".into())])),
                ],
            },
        );
        for u in users {
            build_job[u] = Some(name.clone());
        }
    }

    for (i, r) in envs.iter().enumerate() {
        let ci = &r.spec.ci;
        let mut needs = vec!["validate".to_string()];
        needs.extend(build_job[i].clone());
        // promotion: what extends this environment deploys first
        for child in &envs[..i] {
            if descends_from(child, r) {
                needs.push(format!("deploy-{}", child.env));
            }
        }
        let mut deploy_env = Env::from([(
            "KUBECONFIG_DATA",
            format!("${{{{ secrets.{} }}}}", ci.deploy.kubeconfig_variable),
        )]);
        if ci.deploys_commit_image() {
            deploy_env.insert("IMAGE_TAG", "${{ github.sha }}".into());
        }
        let mut steps = vec![checkout(false)];
        let deploy_runner = if ci.deploy.runner.is_empty() {
            RunsOn::Label(runner_of(r))
        } else {
            // a self-hosted runner brings its own tools: say so before helm is missing
            steps.push(Step::run(
                "Check the runner's tools",
                super::ci::TOOLS_CHECK,
            ));
            RunsOn::Labels(ci.deploy.runner.clone())
        };
        steps.push(Step::run("Deploy", deploy_script(r)).with_env(deploy_env));
        jobs.insert(
            format!("deploy-{}", r.env),
            Job {
                name: format!("Deploy {}", r.env),
                needs: Some(Needs::All(needs)),
                if_: Some(deploy_if(&ci.deploy_branches)),
                runs_on: deploy_runner,
                permissions: Permissions::read_contents(),
                environment: Some(Environment {
                    name: ci.deploy.environment.clone(),
                    url: format!("https://{}{}", r.spec.ingress.host, r.spec.hub.base_url),
                }),
                concurrency: Some(Concurrency {
                    group: format!("deploy-{}", r.env),
                    cancel_in_progress: false,
                }),
                env: Some(env_of(per_env[i].iter().filter(|cv| {
                    !BUILD_VARIABLES.contains(&cv.name) && !PIPELINE_VARIABLES.contains(&cv.name)
                }))),
                steps,
            },
        );
    }
    let mut branches: Vec<String> = Vec::new();
    for b in envs.iter().flat_map(|r| &r.spec.ci.deploy_branches) {
        if !branches.contains(b) {
            branches.push(b.clone());
        }
    }
    let doc = Workflow {
        name: format!("jhubgen {}", names.join(", ")),
        on: On {
            push: Branches {
                branches: branches.clone(),
            },
            pull_request: Branches { branches },
            workflow_dispatch: WorkflowDispatch {},
        },
        permissions: Permissions::default(),
        env,
        jobs,
    };
    serde_json::to_value(&doc).expect("the workflow serializes")
}

/// The deploy script: kubeconfig from the secret into a private file, then
/// the registry's deploy lines.
pub fn deploy_script(r: &Resolved) -> String {
    let mut script = String::from(
        r#"umask 077
KUBECONFIG="$(mktemp)"
export KUBECONFIG
trap 'rm -f "$KUBECONFIG"' EXIT
printf '%s' "$KUBECONFIG_DATA" > "$KUBECONFIG"
if [ -n "${KUBE_CONTEXT:-}" ]; then kubectl config use-context "$KUBE_CONTEXT"; fi
"#,
    );
    for line in super::ci::deploy_lines(r, "$IMAGE_TAG") {
        script.push_str(&line);
        script.push('\n');
    }
    script
}

/// The workflow file's text: the YAML, with the pinned action's release as a comment.
pub fn render(header: &str, workflow: &Value) -> String {
    let text = super::yaml_file(header, workflow);
    let (uses, release) = CHECKOUT;
    text.replace(
        &format!("uses: {uses}\n"),
        &format!("uses: {uses} # {release}\n"),
    )
}
