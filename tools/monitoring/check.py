"""Real tools on the generated monitoring files of each environment folder.

    target/validators-venv/bin/python tools/monitoring/check.py ENVDIR...

For `prometheusrule.yaml`:
  rule-schema   check-jsonschema against the PrometheusRule CRD's schema (../shared/oracles)
  rule-check    `promtool check rules` on the manifest's `spec` (a rules file)
  rule-tests    `promtool test rules`: every alert of the file has a test in
                alert-tests/<Alert>.yml, which must fire on series that should
                trigger it (a counter reset in the window included) and stay
                silent on healthy ones
For the dashboard (`dashboard.json`, or the JSON in `dashboard.yaml`'s ConfigMap):
  dashboard-schema   check-jsonschema against Grafana's dashboard model
  dashboard-promql   every panel query, its variables expanded, through `promtool check rules`
  dashboard-metrics  every `jupyterhub_*` metric it reads is in JupyterHub's own registry;
                     every other one belongs to an exporter the notes name
  dashboard-wiring   every panel and target reads the `$datasource` variable; queries
                     filter on `$namespace`

One line per check: `ok CHECK FILE` or `FAIL CHECK FILE` and indented details.
Exit 1 if any check failed. A tool that cannot run is a FAIL, never a skip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# copies of ../shared/oracles (each folder's SOURCE.md says where from)
UPSTREAM = REPO / "schema" / "upstream"
RULE_SCHEMA = UPSTREAM / "prometheus-operator" / "prometheusrule.schema.json"
DASHBOARD_SCHEMA = UPSTREAM / "grafana" / "dashboard.schema.json"
VENV_BIN = Path(sys.executable).parent

# Metrics of exporters other than the hub, by the exporter that exports them
# (../shared/domain/monitoring-notes.md §2).
EXPORTERS = {
    "cAdvisor (kubelet)": {"container_cpu_usage_seconds_total", "container_memory_working_set_bytes"},
    "kube-state-metrics": {"kube_pod_labels", "kube_pod_status_phase"},
    "kubelet volume stats": {"kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes"},
    "NVIDIA dcgm-exporter": {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE",
                             "DCGM_FI_DEV_POWER_USAGE"},
    "Prometheus": {"up"},
}

PROMQL_WORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
                "group_left", "group_right", "inf", "nan", "Inf", "NaN"}


def tool(name: str) -> str:
    found = shutil.which(name) or (str(VENV_BIN / name) if (VENV_BIN / name).exists() else None)
    if not found:
        raise RuntimeError(f"`{name}` is not installed")
    return found


def run(argv, cwd=None) -> tuple[int, str]:
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)
    return p.returncode, (p.stdout + p.stderr).strip()


class Report:
    def __init__(self):
        self.failed = False

    def line(self, ok: bool, check: str, file: Path, details=()):
        print(f"{'ok' if ok else 'FAIL'} {check} {file}")
        for d in details:
            print(f"    {d}")
        self.failed |= not ok

    def attempt(self, check, file, fn):
        try:
            problems = fn()
        except Exception as e:  # a check that cannot run fails
            problems = [f"! could not run: {e}"]
        self.line(not problems, check, file, problems)


def jupyterhub_metrics() -> set[str]:
    """Every metric family name JupyterHub 5.5.0 registers (its own registry)."""
    import prometheus_client
    import jupyterhub.metrics  # noqa: F401  registers the hub's metrics

    names = set()
    for collector in list(prometheus_client.REGISTRY._collector_to_names):
        for family in collector.collect():
            if family.name.startswith("jupyterhub_"):
                names.add(family.name)
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads."""
    e = re.sub(r'"(\\.|[^"\\])*"', '""', expr)          # strings
    e = re.sub(r"\{[^}]*\}", " ", e)                     # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)                    # ranges
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        word = m.group(0)
        rest = e[m.end():].lstrip()
        if rest.startswith("(") or word in PROMQL_WORDS:
            continue                                     # a function or keyword
        names.add(word)
    return names


def family(name: str) -> str:
    for suffix in ("_bucket", "_count", "_sum", "_created"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def expand(expr: str, namespace: str) -> str:
    """Grafana's variables, as Grafana would send them."""
    for var in ("$__rate_interval", "$__interval", "$__range"):
        expr = expr.replace(var, "5m")
    return expr.replace("$namespace", namespace)


def check_rules(env: Path, report: Report, rule_file: Path):
    manifest = yaml.safe_load(rule_file.read_text())
    namespace = manifest["metadata"]["namespace"]
    env_name = env.name

    def schema():
        # The CRD's patterns are Go (RE2) regexes; one puts its flag after
        # `^` (`^(?i)(abort|warn)?$`), which Python's `re` only takes first:
        # moved to the front, the same regex, judged with Python's regexes.
        text = re.sub(r'"\^\(\?([a-z]+)\)', r'"(?\1)^', RULE_SCHEMA.read_text())
        with tempfile.TemporaryDirectory() as tmp:
            schema_file = Path(tmp) / "prometheusrule.schema.json"
            schema_file.write_text(text)
            code, out = run([tool("check-jsonschema"), "--regex-variant", "python", "--color", "never",
                             "--schemafile", str(schema_file), str(rule_file)])
        return [] if code == 0 else [f"! {l}" for l in out.splitlines()]

    report.attempt("rule-schema", rule_file, schema)
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.yml"
        rules.write_text(yaml.safe_dump(manifest["spec"], sort_keys=False))

        def promtool_check():
            code, out = run([tool("promtool"), "check", "rules", str(rules)])
            return [] if code == 0 else [f"! {l}" for l in out.splitlines()]

        report.attempt("rule-check", rule_file, promtool_check)

        def promtool_test():
            problems, passed = [], []
            by_name = {r["alert"]: r for g in manifest["spec"]["groups"] for r in g["rules"] if "alert" in r}
            for alert, rule in by_name.items():
                test = HERE / "alert-tests" / f"{alert}.yml"
                if not test.exists():
                    problems.append(f"! no test for {alert}: write {test.relative_to(REPO)}")
                    continue
                text = test.read_text().replace("{ns}", namespace).replace("{env}", env_name)
                doc = yaml.safe_load(text)
                doc["rule_files"] = [str(rules)]
                for t in doc["tests"]:
                    for a in t.get("alert_rule_test", []):
                        for exp in a.get("exp_alerts", []):
                            value = exp.pop("value")
                            labels = exp["exp_labels"]
                            exp["exp_annotations"] = {
                                k: re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels.get(m.group(1), ""),
                                          v.replace("{{ $value }}", value))
                                for k, v in rule["annotations"].items()
                            }
                case = Path(tmp) / f"{alert}.yml"
                case.write_text(yaml.safe_dump(doc, sort_keys=False))
                code, out = run([tool("promtool"), "test", "rules", str(case)])
                if code == 0:
                    passed.append(f"+ {alert}: {len(doc['tests'])} cases")
                else:
                    problems.append(f"! {alert}:")
                    problems.extend(f"    {l}" for l in out.splitlines())
            return problems

        report.attempt("rule-tests", rule_file, promtool_test)


def dashboard_of(env: Path):
    if (env / "dashboard.json").exists():
        return env / "dashboard.json", (env / "dashboard.json").read_text()
    if (env / "dashboard.yaml").exists():
        cm = yaml.safe_load((env / "dashboard.yaml").read_text())
        labels = cm["metadata"].get("labels", {})
        if labels.get("grafana_dashboard") != "1":
            raise RuntimeError("the ConfigMap is not labelled grafana_dashboard: \"1\"")
        return env / "dashboard.yaml", cm["data"]["jupyterhub.json"]
    return None, None


def targets(dash: dict):
    for p in dash["panels"]:
        for t in p.get("targets", []):
            yield p, t


def check_dashboard(env: Path, report: Report, namespace: str, registry: set[str]):
    file, text = dashboard_of(env)
    if file is None:
        return
    dash = json.loads(text)
    with tempfile.TemporaryDirectory() as tmp:
        as_json = Path(tmp) / "dashboard.json"
        as_json.write_text(text)

        def schema():
            code, out = run([tool("check-jsonschema"), "--color", "never", "--schemafile",
                             str(DASHBOARD_SCHEMA), str(as_json)])
            return [] if code == 0 else [f"! {l}" for l in out.splitlines()]

        report.attempt("dashboard-schema", file, schema)

        def promql():
            rules = {"groups": [{"name": "dashboard", "rules": [
                {"record": f"dashboard:panel_{p['id']}_{t['refId']}", "expr": expand(t["expr"], namespace)}
                for p, t in targets(dash)]}]}
            path = Path(tmp) / "queries.yml"
            path.write_text(yaml.safe_dump(rules, sort_keys=False))
            code, out = run([tool("promtool"), "check", "rules", str(path)])
            if code != 0:
                return [f"! {l}" for l in out.splitlines()]
            return [] if rules["groups"][0]["rules"] else ["! no queries"]

        report.attempt("dashboard-promql", file, promql)

    def metrics():
        problems = []
        known = set().union(*EXPORTERS.values())
        for p, t in targets(dash):
            for name in metric_names(t["expr"]):
                if name.startswith("jupyterhub_"):
                    if family(name) not in registry:
                        problems.append(f"! panel {p['title']!r} reads {name}, which JupyterHub does not export")
                elif name not in known:
                    problems.append(f"! panel {p['title']!r} reads {name}, which no exporter of the notes exports")
        return problems

    report.attempt("dashboard-metrics", file, metrics)

    def wiring():
        problems = []
        names = [v["name"] for v in dash.get("templating", {}).get("list", [])]
        for var in ("datasource", "namespace"):
            if var not in names:
                problems.append(f"! no `{var}` variable")
        for p, t in targets(dash):
            for what, ds in (("panel", p.get("datasource")), ("target", t.get("datasource"))):
                if not ds or ds.get("uid") != "${datasource}":
                    problems.append(f"! {what} of {p['title']!r} does not read $datasource")
            if '"$namespace"' not in t["expr"]:
                problems.append(f"! {p['title']!r}: query does not filter on $namespace")
        return problems

    report.attempt("dashboard-wiring", file, wiring)


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    report = Report()
    registry = jupyterhub_metrics()
    for arg in argv:
        env = Path(arg)
        rules = env / "prometheusrule.yaml"
        namespace = None
        if rules.exists():
            check_rules(env, report, rules)
            namespace = yaml.safe_load(rules.read_text())["metadata"]["namespace"]
        if namespace is None:
            ns_file = env / "namespace.yaml"
            namespace = yaml.safe_load(ns_file.read_text())["metadata"]["name"] if ns_file.exists() else "default"
        check_dashboard(env, report, namespace, registry)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
