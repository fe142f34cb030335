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

use super::ci::{
    BUILD_VARIABLES, CiValue, PIPELINE_VARIABLES, descends_from, gitlab_variable, promotion_order,
    values,
};
use crate::model::JhubgenInstall;
use crate::resolve::Resolved;
use serde_json::{Map, Value, json};

/// One rule per deploy branch, for pushes (not scheduled pipelines).
fn branch_rules<'a>(
    branches: impl IntoIterator<Item = &'a String>,
    when: Option<&str>,
) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for b in branches {
        let mut rule = json!({"if": format!("$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == \"{b}\"")});
        if let Some(w) = when {
            rule["when"] = json!(w);
        }
        if !out.contains(&rule) {
            out.push(rule);
        }
    }
    out
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

fn variables<'a>(vals: impl IntoIterator<Item = &'a CiValue>) -> Map<String, Value> {
    vals.into_iter()
        .map(|cv| (cv.name.to_string(), gitlab_variable(&cv.value)))
        .collect()
}

/// The pipeline of these (GitLab) environments.
pub fn pipeline(envs: &[&Resolved]) -> Value {
    let envs = promotion_order(envs);
    let Some(first) = envs.first() else {
        return json!({});
    };
    let ci = &first.spec.ci;
    let per_env: Vec<Vec<CiValue>> = envs.iter().map(|r| values(r)).collect();
    let mut global = variables(
        per_env[0]
            .iter()
            .filter(|cv| PIPELINE_VARIABLES.contains(&cv.name)),
    );
    let names: Vec<&str> = envs.iter().map(|r| r.env.as_str()).collect();
    global.insert("JHUBGEN_ENVS".into(), json!(names.join(" ")));
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
    let mut mr_or_branch = vec![
        json!({"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""}),
        json!({"if": "$CI_PIPELINE_SOURCE == \"schedule\""}),
    ];
    mr_or_branch.extend(all_branches);
    let mut doc = Map::new();
    doc.insert("workflow".into(), json!({"rules": mr_or_branch.clone()}));
    doc.insert("stages".into(), json!(["validate", "build", "deploy"]));
    doc.insert("variables".into(), Value::Object(global));
    doc.insert(
        "validate".into(),
        with_tags(
            json!({
                "stage": "validate",
                "image": ci.gitlab_images.rust,
                "script": [
                    install[0],
                    install[1],
                    "jhubgen lint --format gitlab > gl-code-quality-report.json",
                    "jhubgen build --check",
                ],
                "artifacts": {
                    "when": "always",
                    "reports": {"codequality": "gl-code-quality-report.json"},
                },
                "rules": mr_or_branch.clone(),
            }),
            first,
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
                    "for env in $JHUBGEN_ENVS; do jhubgen diff \"$env\" --against FETCH_HEAD --format markdown >> jhubgen-diff.md; done",
                ],
                "artifacts": {"expose_as": "jhubgen diff", "paths": ["jhubgen-diff.md"]},
                "rules": [{"if": "$CI_PIPELINE_SOURCE == \"merge_request_event\""}],
            }),
            first,
        ),
    );

    // each distinct image build once, shared by the environments that deploy it
    let mut builds: Vec<(Value, Vec<usize>)> = Vec::new();
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
        vars.insert("DOCKER_TLS_CERTDIR".into(), json!("/certs"));
        vars.insert("REGISTRY_USER".into(), json!(format!("${user}")));
        vars.insert("REGISTRY_PASSWORD".into(), json!(format!("${password}")));
        let key = json!({"vars": vars, "image": r.spec.ci.gitlab_images.docker, "tags": r.spec.ci.runner});
        match builds.iter_mut().find(|(k, _)| *k == key) {
            Some((_, users)) => users.push(i),
            None => builds.push((key, vec![i])),
        }
    }
    let mut build_job: Vec<Option<String>> = vec![None; envs.len()];
    for (key, users) in &builds {
        let r = envs[users[0]];
        let name = if builds.len() == 1 {
            "build-image".to_string()
        } else {
            format!("build-image-{}", r.env)
        };
        let docker = &r.spec.ci.gitlab_images.docker;
        let rules = branch_rules(
            users.iter().flat_map(|&u| &envs[u].spec.ci.deploy_branches),
            None,
        );
        doc.insert(
            name.clone(),
            with_tags(
                json!({
                    "stage": "build",
                    "image": docker,
                    "services": [format!("{docker}-dind")],
                    "variables": key["vars"],
                    "script": [
                        "printf '%s' \"$REGISTRY_PASSWORD\" | docker login \"$REGISTRY\" --username \"$REGISTRY_USER\" --password-stdin",
                        "docker build --file \"$DOCKERFILE\" --tag \"$IMAGE:$CI_COMMIT_SHA\" --tag \"$IMAGE:$MOVING_TAG\" \"$BUILD_CONTEXT\"",
                        "docker push \"$IMAGE:$CI_COMMIT_SHA\"",
                        "docker push \"$IMAGE:$MOVING_TAG\"",
                    ],
                    "needs": ["validate"],
                    "rules": rules,
                }),
                r,
            ),
        );
        for &u in users {
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
            "KUBECONFIG".into(),
            json!(format!("${}", ci.deploy.kubeconfig_variable)),
        );
        let mut needs = vec![json!("validate")];
        if let Some(b) = &build_job[i] {
            needs.push(json!(b));
        }
        // promotion: what extends this environment deploys first
        for child in &envs[..i] {
            if descends_from(child, r) {
                needs.push(json!(format!("deploy-{}", child.env)));
            }
        }
        let mut script = vec![
            "if [ -n \"${KUBE_CONTEXT:-}\" ]; then kubectl config use-context \"$KUBE_CONTEXT\"; fi"
                .to_string(),
        ];
        script.extend(super::ci::deploy_lines(r, "$CI_COMMIT_SHA"));
        let when = ci.deploy.manual.then_some("manual");
        doc.insert(
            format!("deploy-{}", r.env),
            with_deploy_tags(
                json!({
                    "stage": "deploy",
                    "image": ci.gitlab_images.deploy,
                    "environment": {
                        "name": ci.deploy.environment,
                        "url": format!("https://{}{}", r.spec.ingress.host, r.spec.hub.base_url),
                    },
                    "resource_group": format!("deploy-{}", r.env),
                    "variables": vars,
                    "script": script,
                    "needs": needs,
                    "rules": branch_rules(&ci.deploy_branches, when),
                }),
                r,
            ),
        );
    }
    Value::Object(doc)
}
