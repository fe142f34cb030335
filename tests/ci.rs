//! The generated CI pipelines: hostile spec values stay inert — valid YAML,
//! never part of a script, and data when the scripts run — and the
//! pre-commit hooks work through the real pre-commit.

mod common;

use common::{jhubgen, project_with, repo};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Payloads that run `jhubgen_pwned` (a stub that leaves a mark) if they are ever executed.
const SUBST: &str = "$(jhubgen_pwned)";
const BREAKOUT: &str = "\"; jhubgen_pwned; echo \"";
const BACKTICK: &str = "`jhubgen_pwned`";

fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(text)).unwrap();
}

fn hostile_project() -> tempfile::TempDir {
    let p = project_with(None);
    edit(p.path(), "overlays/lab.toml", |t| {
        assert_eq!(
            t.matches("environment = \"lab\",").count(),
            1,
            "the lab overlay changed"
        );
        let t = t.replace(
            "environment = \"lab\",",
            &format!(
                "environment = \"lab: # not a comment\", kube_context = {},",
                toml_str(&format!("{SUBST}{BREAKOUT}{BACKTICK} $HOME ; rm -rf /"))
            ),
        );
        format!(
            "{t}\n[ci.image_build]\ncontext = {}\ndockerfile = {}\n",
            toml_str(&format!("ctx {SUBST}")),
            toml_str(&format!("Dockerfile{BREAKOUT}"))
        )
    });
    edit(p.path(), "overlays/aiv.toml", |t| {
        assert_eq!(
            t.matches("manual = true }").count(),
            1,
            "the aiv overlay changed"
        );
        t.replace(
            "manual = true }",
            &format!(
                "manual = true, kube_context = {} }}",
                toml_str(&format!("$CI_JOB_TOKEN ${{HOME}} {SUBST}{BREAKOUT}"))
            ),
        )
    });
    p
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn scripts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("run", Value::String(s)) => out.push(s.clone()),
                    ("script", Value::Array(lines)) => {
                        out.extend(lines.iter().filter_map(|l| l.as_str().map(str::to_string)))
                    }
                    _ => scripts(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| scripts(x, out)),
        _ => {}
    }
}

/// Runs `script` with `bash -eo pipefail`, the environment `env`, and stub
/// `helm`, `kubectl` and `jhubgen_pwned`; returns the stubs' calls (argv lists)
/// and whether the payload ran.
fn execute(script: &str, env: &[(String, String)], project: &Path) -> (Vec<Vec<String>>, bool) {
    let dir = tempfile::tempdir().unwrap();
    // the deploy step runs the project's scripts/deploy.sh on its config.env
    for sub in ["scripts", "environments"] {
        if project.join(sub).is_dir() {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            common::copy_tree(&project.join(sub), &dir.path().join(sub));
        }
    }
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("calls");
    let mark = dir.path().join("pwned");
    for tool in ["helm", "kubectl"] {
        let stub = format!(
            "#!/bin/sh\nfor a in \"$(basename \"$0\")\" \"$@\"; do printf '%s\\036' \"$a\"; done >> '{}'\nprintf '\\n' >> '{}'\n",
            log.display(),
            log.display()
        );
        std::fs::write(bin.join(tool), stub).unwrap();
    }
    std::fs::write(
        bin.join("jhubgen_pwned"),
        format!("#!/bin/sh\ntouch '{}'\n", mark.display()),
    )
    .unwrap();
    for f in std::fs::read_dir(&bin).unwrap().flatten() {
        Command::new("chmod")
            .arg("+x")
            .arg(f.path())
            .status()
            .unwrap();
    }
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.path())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            l.split('\u{1e}')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    (calls, mark.exists())
}

#[test]
fn hostile_values_stay_inert() {
    let p = hostile_project();
    let out = jhubgen(&["build"], p.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lab_context = format!("{SUBST}{BREAKOUT}{BACKTICK} $HOME ; rm -rf /");
    let aiv_context = format!("$CI_JOB_TOKEN ${{HOME}} {SUBST}{BREAKOUT}");

    // GitHub: the values are `env:` data, exactly as written, and in no script
    let wf = yaml(&p.path().join(".github/workflows/jupyterhub-lab.yml"));
    assert_eq!(
        wf["jobs"]["deploy-lab"]["env"]["KUBE_CONTEXT"],
        Value::from(lab_context.clone())
    );
    assert_eq!(
        wf["jobs"]["build"]["env"]["BUILD_CONTEXT"],
        Value::from(format!("ctx {SUBST}"))
    );
    assert_eq!(
        wf["jobs"]["build"]["env"]["DOCKERFILE"],
        Value::from(format!("Dockerfile{BREAKOUT}"))
    );
    assert_eq!(
        wf["jobs"]["deploy-lab"]["environment"]["name"],
        "lab: # not a comment"
    );
    let mut runs = Vec::new();
    scripts(&wf, &mut runs);
    assert!(runs.len() >= 6);
    for r in &runs {
        assert!(
            !r.contains("jhubgen_pwned") && !r.contains("rm -rf") && !r.contains("${{"),
            "a value reached a script: {r}"
        );
    }

    // GitLab: `$` values are not expanded by GitLab, and in no script
    let gl = yaml(&p.path().join(".gitlab-ci.yml"));
    assert_eq!(
        gl["deploy-aiv"]["variables"]["KUBE_CONTEXT"],
        serde_json::json!({"value": aiv_context, "expand": false})
    );
    let mut lines = Vec::new();
    scripts(&gl, &mut lines);
    for l in &lines {
        assert!(
            !l.contains("jhubgen_pwned"),
            "a value reached a script: {l}"
        );
    }

    // and when the deploy scripts run, the values arrive as single arguments and nothing runs
    // (first, the harness itself: a payload that does run is seen)
    assert!(execute(&format!("echo \"{SUBST}\""), &[], p.path()).1);
    let deploy = runs
        .iter()
        .find(|r| r.contains("scripts/deploy.sh"))
        .unwrap();
    let mut env: Vec<(String, String)> = wf["env"]
        .as_object()
        .unwrap()
        .iter()
        .chain(wf["jobs"]["deploy-lab"]["env"].as_object().unwrap())
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    env.push(("KUBECONFIG_DATA".into(), "apiVersion: v1\n".into()));
    let (calls, pwned) = execute(deploy, &env, p.path());
    assert!(!pwned, "a payload ran");
    assert_eq!(
        calls[0],
        ["kubectl", "config", "use-context", lab_context.as_str()]
    );
    assert!(
        calls
            .iter()
            .any(|c| c[0] == "helm" && c[1] == "upgrade" && c.contains(&"jhub-lab".to_string()))
    );

    let gl_script = gl["deploy-aiv"]["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let env: Vec<(String, String)> = gl["variables"]
        .as_object()
        .unwrap()
        .iter()
        .chain(gl["deploy-aiv"]["variables"].as_object().unwrap().iter())
        .map(|(k, v)| {
            (
                k.clone(),
                v.get("value").unwrap_or(v).as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (calls, pwned) = execute(&gl_script, &env, p.path());
    assert!(!pwned, "a payload ran");
    assert_eq!(
        calls[0],
        ["kubectl", "config", "use-context", aiv_context.as_str()]
    );

    // and the files stay valid for every CI validator
    let (_scratch, dirs) = common::ci_dirs(p.path());
    common::run_validator("ci_check.py", &dirs);
}

#[test]
fn pre_commit_hooks_run_through_pre_commit() {
    common::validators_setup();
    let pre_commit = repo().join("target/validators-venv/bin/pre-commit");
    let p = project_with(None);
    let dir = p.path();
    let git = |args: &[&str]| common::git(dir, args);
    assert!(jhubgen(&["build"], dir).status.success());
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "specs"]);
    // the hooks repository: this one's hook definitions, committed in a scratch repo
    let hooks = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@jhubgen.invalid",
            "commit",
            "-q",
            "-m",
            "hooks",
        ],
    ] {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(hooks.path())
                .status()
                .unwrap()
                .success()
        );
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_jhubgen"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |hook: &str| {
        Command::new(&pre_commit)
            .args([
                "try-repo",
                hooks.path().to_str().unwrap(),
                hook,
                "--all-files",
                "--color",
                "never",
            ])
            .current_dir(dir)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.join(".pre-commit-cache"))
            .output()
            .unwrap()
    };
    for hook in ["jhubgen-lint", "jhubgen-check"] {
        let o = run(hook);
        assert!(
            o.status.success(),
            "{hook}: {}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
    // a stale environment and a broken spec fail their hooks
    edit(dir, "overlays/lab.toml", |t| {
        t.replace("capacity = \"10Gi\"", "capacity = \"20Gi\"")
    });
    let o = run("jhubgen-check");
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("environments/lab/values.yaml"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    edit(dir, "overlays/lab.toml", |t| {
        t.replace("[culling]", "") + "\n[culling]\ntimeout = 30\n"
    });
    let o = run("jhubgen-lint");
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("culling/timeout-too-short"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
