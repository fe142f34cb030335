//! The GitHub Actions workflow of an environment (`environments/<env>/.github/workflows/<name>.yml`).
//!
//! Jobs: `validate` (jhubgen lint as annotations, the drift check, and on pull
//! requests the rendered change in the job summary), `build` (the notebook
//! image, pushed with the commit SHA and the moving tag), `deploy` (helm, then
//! the Ingress and ServiceMonitor) on pushes to the deploy branches. Secure by
//! default: the one action is pinned by commit SHA, the workflow has no
//! permissions and each job only what it needs (`packages: write` only where
//! it pushes), checkouts keep no credentials, deploys do not overlap, and no
//! expression of a spec- or user-controlled value reaches a `run:` script —
//! values come through `env:` (see [`super::ci`]).

use super::ci::{CHECKOUT, values};
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

/// The workflow as data; comments (the pinned versions) are added by [`render`].
pub fn workflow(r: &Resolved) -> Value {
    let ci = &r.spec.ci;
    let runner = ci
        .runner
        .clone()
        .unwrap_or_else(|| "ubuntu-24.04".to_string());
    let mut env = Map::new();
    for cv in values(r) {
        env.insert(cv.name.into(), json!(cv.value));
    }
    let mut jobs = Map::new();
    jobs.insert(
        "validate".into(),
        json!({
            "name": "Lint and check drift",
            "runs-on": runner,
            "permissions": {"contents": "read"},
            "steps": [
                checkout(true),
                install(r),
                {"name": "Lint", "run": "jhubgen lint \"$JHUBGEN_ENV\" --format github"},
                {"name": "Check that the generated files are up to date", "run": "jhubgen build --check"},
                {
                    "name": "Show the change in the job summary",
                    "if": "github.event_name == 'pull_request'",
                    "env": {"BASE_REF": "${{ github.base_ref }}"},
                    "run": "jhubgen diff \"$JHUBGEN_ENV\" --against \"origin/$BASE_REF\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"",
                },
            ],
        }),
    );
    // pushes are filtered by `on.push.branches`; a manual run deploys only from an exact deploy
    // branch (branch names are checked to hold no quote, see `ci/branch-pattern`)
    let exact: Vec<String> = ci
        .deploy_branches
        .iter()
        .filter(|b| !b.contains(['*', '?', '+', '!']))
        .map(|b| format!("github.ref == 'refs/heads/{b}'"))
        .collect();
    let deploy_if = if exact.is_empty() {
        "github.event_name == 'push'".to_string()
    } else {
        format!(
            "github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && ({}))",
            exact.join(" || ")
        )
    };
    let mut needs = vec!["validate"];
    if let Some(b) = &ci.image_build {
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
        jobs.insert(
            "build".into(),
            json!({
                "name": "Build and push the notebook image",
                "needs": "validate",
                "if": deploy_if,
                "runs-on": runner,
                "permissions": {"contents": "read", "packages": "write"},
                "steps": [
                    checkout(false),
                    {
                        "name": "Log in to the registry",
                        "env": {"REGISTRY_USER": user, "REGISTRY_PASSWORD": password},
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
        needs.push("build");
    }
    let kube = format!("${{{{ secrets.{} }}}}", ci.deploy.kubeconfig_variable);
    let mut deploy_env = Map::new();
    deploy_env.insert("KUBECONFIG_DATA".into(), json!(kube));
    if ci.deploys_commit_image() {
        deploy_env.insert("IMAGE_TAG".into(), json!("${{ github.sha }}"));
    }
    let mut steps = vec![checkout(false)];
    let deploy_runner = if ci.deploy.runner.is_empty() {
        json!(runner)
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
        "deploy".into(),
        json!({
            "name": "Deploy",
            "needs": needs,
            "if": deploy_if,
            "runs-on": deploy_runner,
            "permissions": {"contents": "read"},
            "environment": {"name": ci.deploy.environment, "url": format!("https://{}{}", r.spec.ingress.host, r.spec.hub.base_url)},
            "concurrency": {"group": format!("deploy-{}", r.env), "cancel-in-progress": false},
            "steps": steps,
        }),
    );
    let branches = json!(ci.deploy_branches);
    json!({
        "name": format!("jhubgen {}", r.env),
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
