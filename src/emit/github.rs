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

use super::ci::{
    BUILD_VARIABLES, CHECKOUT, CiValue, PIPELINE_VARIABLES, descends_from, promotion_order, values,
};
use crate::model::JhubgenInstall;
use crate::resolve::Resolved;
use serde_json::{Map, Value, json};

fn checkout(fetch_all: bool) -> Value {
    let mut with = Map::new();
    with.insert("persist-credentials".into(), json!(false));
    if fetch_all {
        with.insert("fetch-depth".into(), json!(0));
    }
    json!({"name": "Check out", "uses": CHECKOUT.0, "with": with})
}

fn install(r: &Resolved) -> Value {
    let run = match r.spec.ci.jhubgen {
        JhubgenInstall::Path { .. } => "cargo install --locked --path \"$JHUBGEN_PATH\"",
        JhubgenInstall::CratesIo { .. } => {
            "cargo install --locked jhubgen --version \"$JHUBGEN_VERSION\""
        }
    };
    json!({"name": "Install jhubgen", "run": run})
}

/// A job's `env:` from spec values.
fn env_of<'a>(vals: impl IntoIterator<Item = &'a CiValue>) -> Map<String, Value> {
    vals.into_iter()
        .map(|cv| (cv.name.to_string(), json!(cv.value)))
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

/// The workflow of these (GitHub) environments, as data; comments (the
/// pinned versions) are added by [`render`].
pub fn workflow(envs: &[&Resolved]) -> Value {
    let envs = promotion_order(envs);
    let Some(first) = envs.first() else {
        return json!({});
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
    env.insert("JHUBGEN_ENVS".into(), json!(names.join(" ")));
    let mut jobs = Map::new();
    jobs.insert(
        "validate".into(),
        json!({
            "name": "Lint and check drift",
            "runs-on": runner,
            "permissions": {"contents": "read"},
            "steps": [
                checkout(true),
                install(first),
                {"name": "Lint", "run": "read -ra envs <<< \"$JHUBGEN_ENVS\"\njhubgen lint \"${envs[@]}\" --format github\n"},
                {"name": "Check that the generated files are up to date", "run": "jhubgen build --check"},
                {
                    "name": "Show the change in the job summary",
                    "if": "github.event_name == 'pull_request'",
                    "env": {"BASE_REF": "${{ github.base_ref }}"},
                    "run": "read -ra envs <<< \"$JHUBGEN_ENVS\"\nfor env in \"${envs[@]}\"; do\n  jhubgen diff \"$env\" --against \"origin/$BASE_REF\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"\ndone\n",
                },
            ],
        }),
    );

    // each distinct image build once, shared by the environments that deploy it
    let mut builds: Vec<(Value, Vec<usize>)> = Vec::new();
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
        let key = json!({
            "env": env_of(per_env[i].iter().filter(|cv| BUILD_VARIABLES.contains(&cv.name))),
            "login": {"REGISTRY_USER": user, "REGISTRY_PASSWORD": password},
            "runs-on": runner_of(r),
        });
        match builds.iter_mut().find(|(k, _)| *k == key) {
            Some((_, users)) => users.push(i),
            None => builds.push((key, vec![i])),
        }
    }
    let mut build_job: Vec<Option<String>> = vec![None; envs.len()];
    for (key, users) in &builds {
        let name = if builds.len() == 1 {
            "build".to_string()
        } else {
            format!("build-{}", envs[users[0]].env)
        };
        jobs.insert(
            name.clone(),
            json!({
                "name": "Build and push the notebook image",
                "needs": "validate",
                "if": deploy_if(users.iter().flat_map(|&u| &envs[u].spec.ci.deploy_branches)),
                "runs-on": key["runs-on"],
                "permissions": {"contents": "read", "packages": "write"},
                "env": key["env"],
                "steps": [
                    checkout(false),
                    {
                        "name": "Log in to the registry",
                        "env": key["login"],
                        "run": "printf '%s' \"$REGISTRY_PASSWORD\" | docker login \"$REGISTRY\" --username \"$REGISTRY_USER\" --password-stdin",
                    },
                    {
                        "name": "Build and push",
                        "env": {"COMMIT_SHA": "${{ github.sha }}"},
                        "run": "docker build --file \"$DOCKERFILE\" --tag \"$IMAGE:$COMMIT_SHA\" --tag \"$IMAGE:$MOVING_TAG\" \"$BUILD_CONTEXT\"\ndocker push \"$IMAGE:$COMMIT_SHA\"\ndocker push \"$IMAGE:$MOVING_TAG\"\n",
                    },
                ],
            }),
        );
        for &u in users {
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
        let mut deploy_env = Map::new();
        deploy_env.insert(
            "KUBECONFIG_DATA".into(),
            json!(format!(
                "${{{{ secrets.{} }}}}",
                ci.deploy.kubeconfig_variable
            )),
        );
        if ci.deploys_commit_image() {
            deploy_env.insert("IMAGE_TAG".into(), json!("${{ github.sha }}"));
        }
        let mut steps = vec![checkout(false)];
        let deploy_runner = if ci.deploy.runner.is_empty() {
            json!(runner_of(r))
        } else {
            // a self-hosted runner brings its own tools: say so before helm is missing
            steps.push(json!({
                "name": "Check the runner's tools",
                "run": super::ci::TOOLS_CHECK,
            }));
            json!(ci.deploy.runner)
        };
        steps.push(json!({
            "name": "Deploy",
            "env": deploy_env,
            "run": deploy_script(r),
        }));
        jobs.insert(
            format!("deploy-{}", r.env),
            json!({
                "name": format!("Deploy {}", r.env),
                "needs": needs,
                "if": deploy_if(&ci.deploy_branches),
                "runs-on": deploy_runner,
                "permissions": {"contents": "read"},
                "environment": {"name": ci.deploy.environment, "url": format!("https://{}{}", r.spec.ingress.host, r.spec.hub.base_url)},
                "concurrency": {"group": format!("deploy-{}", r.env), "cancel-in-progress": false},
                "env": env_of(per_env[i].iter().filter(|cv| {
                    !BUILD_VARIABLES.contains(&cv.name) && !PIPELINE_VARIABLES.contains(&cv.name)
                })),
                "steps": steps,
            }),
        );
    }
    let mut branches: Vec<&String> = Vec::new();
    for b in envs.iter().flat_map(|r| &r.spec.ci.deploy_branches) {
        if !branches.contains(&b) {
            branches.push(b);
        }
    }
    json!({
        "name": format!("jhubgen {}", names.join(", ")),
        "on": {
            "push": {"branches": branches},
            "pull_request": {"branches": branches},
            "workflow_dispatch": {},
        },
        "permissions": {},
        "env": env,
        "jobs": jobs,
    })
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
