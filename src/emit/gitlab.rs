//! The GitLab CI pipeline of an environment (`environments/<env>/.gitlab-ci.yml`).
//!
//! Stages validate (jhubgen lint as a Code Quality report, the drift check,
//! and on merge requests the rendered change as an artifact), build (the
//! notebook image, `docker login --password-stdin`), deploy (a protected
//! `environment:`, `when: manual` when the spec asks for approval, one deploy
//! at a time through `resource_group`). `rules:` everywhere, no `only:`.
//! Spec values are `variables:` (with `expand: false` where they hold `$`),
//! credentials are CI/CD variables referenced by name.

use super::ci::{gitlab_variable, values};
use crate::model::JhubgenInstall;
use crate::resolve::Resolved;
use serde_json::{Map, Value, json};

/// One rule per deploy branch, for pushes (not scheduled pipelines).
fn branch_rules(r: &Resolved, when: Option<&str>) -> Value {
    Value::Array(
        r.spec
            .ci
            .deploy_branches
            .iter()
            .map(|b| {
                let mut rule = json!({"if": format!("$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == \"{b}\"")});
                if let Some(w) = when {
                    rule["when"] = json!(w);
                }
                rule
            })
            .collect(),
    )
}

fn with_tags(mut job: Value, r: &Resolved) -> Value {
    if let Some(runner) = &r.spec.ci.runner {
        job["tags"] = json!([runner]);
    }
    job
}

/// The deploy job runs on `ci.deploy.runner`'s tags when given.
fn with_deploy_tags(job: Value, r: &Resolved) -> Value {
    let mut job = with_tags(job, r);
    if !r.spec.ci.deploy.runner.is_empty() {
        job["tags"] = json!(r.spec.ci.deploy.runner);
    }
    job
}

pub fn pipeline(r: &Resolved) -> Value {
    let ci = &r.spec.ci;
    let mut variables = Map::new();
    for cv in values(r) {
        variables.insert(cv.name.into(), gitlab_variable(&cv.value));
    }
    let install = [
        match ci.jhubgen {
            JhubgenInstall::Path { .. } => "cargo install --locked --path \"$JHUBGEN_PATH\"",
            JhubgenInstall::CratesIo { .. } => {
                "cargo install --locked jhubgen --version \"$JHUBGEN_VERSION\""
            }
        },
        "export PATH=\"$CARGO_HOME/bin:$HOME/.cargo/bin:$PATH\"",
    ];
    let mut mr_or_branch = vec![
        json!({"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""}),
        json!({"if": "$CI_PIPELINE_SOURCE == \"schedule\""}),
    ];
    if let Value::Array(b) = branch_rules(r, None) {
        mr_or_branch.extend(b);
    }
    let mut doc = Map::new();
    doc.insert("workflow".into(), json!({"rules": mr_or_branch.clone()}));
    doc.insert("stages".into(), json!(["validate", "build", "deploy"]));
    doc.insert("variables".into(), Value::Object(variables));
    doc.insert(
        "validate".into(),
        with_tags(
            json!({
                "stage": "validate",
                "image": ci.gitlab_images.rust,
                "script": [
                    install[0],
                    install[1],
                    "jhubgen lint \"$JHUBGEN_ENV\" --format gitlab > gl-code-quality-report.json",
                    "jhubgen build --check",
                ],
                "artifacts": {
                    "when": "always",
                    "reports": {"codequality": "gl-code-quality-report.json"},
                },
                "rules": mr_or_branch.clone(),
            }),
            r,
        ),
    );
    doc.insert(
        "review".into(),
        with_tags(
            json!({
                "stage": "validate",
                "image": ci.gitlab_images.rust,
                "script": [
                    install[0],
                    install[1],
                    "git fetch --depth=1 origin \"$CI_MERGE_REQUEST_TARGET_BRANCH_NAME\"",
                    "jhubgen diff \"$JHUBGEN_ENV\" --against FETCH_HEAD --format markdown > jhubgen-diff.md",
                ],
                "artifacts": {"expose_as": "jhubgen diff", "paths": ["jhubgen-diff.md"]},
                "rules": [{"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""}],
            }),
            r,
        ),
    );
    let mut deploy_needs = vec![json!("validate")];
    if let Some(b) = &ci.image_build {
        let user = b.username_variable.as_deref().unwrap_or("CI_REGISTRY_USER");
        let password = b
            .password_variable
            .as_deref()
            .unwrap_or("CI_REGISTRY_PASSWORD");
        doc.insert(
            "build-image".into(),
            with_tags(
                json!({
                    "stage": "build",
                    "image": ci.gitlab_images.docker,
                    "services": [format!("{}-dind", ci.gitlab_images.docker)],
                    "variables": {
                        "DOCKER_TLS_CERTDIR": "/certs",
                        "REGISTRY_USER": format!("${user}"),
                        "REGISTRY_PASSWORD": format!("${password}"),
                    },
                    "script": [
                        "printf '%s' \"$REGISTRY_PASSWORD\" | docker login \"$REGISTRY\" --username \"$REGISTRY_USER\" --password-stdin",
                        "docker build --file \"$DOCKERFILE\" --tag \"$IMAGE:$CI_COMMIT_SHA\" --tag \"$IMAGE:$MOVING_TAG\" \"$BUILD_CONTEXT\"",
                        "docker push \"$IMAGE:$CI_COMMIT_SHA\"",
                        "docker push \"$IMAGE:$MOVING_TAG\"",
                    ],
                    "needs": ["validate"],
                    "rules": branch_rules(r, None),
                }),
                r,
            ),
        );
        deploy_needs.push(json!("build-image"));
    }
    let when = if ci.deploy.manual {
        Some("manual")
    } else {
        None
    };
    let mut deploy_script = vec![
        "if [ -n \"${KUBE_CONTEXT:-}\" ]; then kubectl config use-context \"$KUBE_CONTEXT\"; fi"
            .to_string(),
    ];
    deploy_script.extend(super::ci::deploy_lines(r, "$CI_COMMIT_SHA"));
    doc.insert(
        "deploy".into(),
        with_deploy_tags(
            json!({
                "stage": "deploy",
                "image": ci.gitlab_images.deploy,
                "environment": {
                    "name": ci.deploy.environment,
                    "url": format!("https://{}{}", r.spec.ingress.host, r.spec.hub.base_url),
                },
                "resource_group": format!("deploy-{}", r.env),
                // a File-type CI/CD variable named in the spec (names are checked identifiers)
                "variables": {"KUBECONFIG": format!("${}", ci.deploy.kubeconfig_variable)},
                "script": deploy_script,
                "needs": deploy_needs,
                "rules": branch_rules(r, when),
            }),
            r,
        ),
    );
    Value::Object(doc)
}
