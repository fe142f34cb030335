"""End to end: a real Prometheus scraping a real JupyterHub, on loopback.

    target/validators-venv/bin/python tools/monitoring/e2e.py ENVDIR

ENVDIR is a generated environment folder (values.yaml, servicemonitor.yaml,
prometheusrule.yaml, dashboard.json or dashboard.yaml). The test starts:

- JupyterHub 5.5.0 from the pinned venv on 127.0.0.1 (dummy authenticator,
  configurable-http-proxy from target/runtime-chp) with the Prometheus
  service and the `read:metrics` role exactly as the generated values grant
  them (`hub.services`, `hub.loadRoles`), and a local spawner whose server
  exits at once, so that every spawn really fails in JupyterHub's own code;
- Prometheus (Debian's package) on 127.0.0.1, scraping `/hub/metrics` the way
  the generated ServiceMonitor says (path, bearer token), with the labels
  prometheus-operator adds (job = the Service's name, namespace) and those
  its `targetLabels` copy, and the generated rules loaded.

Then it provokes failed spawns through the hub's REST API and asserts, over
Prometheus' HTTP API, that every dashboard query that reads `jupyterhub_*`
returns data and that JupyterHubSpawnFailures becomes pending or firing; it
stops the hub and asserts that JupyterHubDown does. Both servers are stopped
by the script, whatever happens; everything is bounded by DEADLINE seconds.
Prints one line per assertion (`ok …` / `FAIL …`) and the times; exit 1 on
any failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV_BIN = Path(sys.executable).parent
CHP_BIN = REPO / "target/runtime-chp/node_modules/configurable-http-proxy/bin/configurable-http-proxy"
DEADLINE = 150
RATE_INTERVAL = "1m"  # what Grafana's $__rate_interval is at a 1 s scrape interval, and then some
PDEATHSIG = [shutil.which("setpriv"), "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []
METRICS_TOKEN = "e2e-prometheus-" + os.urandom(8).hex()
ADMIN_TOKEN = "e2e-admin-" + os.urandom(8).hex()
FAILED_SPAWNS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, token=None, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"token {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError):
        return 0, b""  # not listening (yet, or any more)


class Run:
    def __init__(self):
        self.procs = []
        self.failed = False
        self.start = time.monotonic()

    def left(self):
        return DEADLINE - (time.monotonic() - self.start)

    def spawn(self, name, argv, env, log):
        out = open(log, "wb")
        p = subprocess.Popen([*PDEATHSIG, *argv], env=env, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs.append((name, p, log))
        return p

    def stop(self, proc):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)

    def stop_all(self):
        for _, p, _ in reversed(self.procs):
            self.stop(p)

    def check(self, ok, what, detail=""):
        print(f"{'ok' if ok else 'FAIL'} {what}{'' if ok or not detail else ': ' + detail}")
        self.failed |= not ok
        return ok

    def wait(self, what, probe, timeout):
        """Polls probe() until it returns a true value; returns it or None."""
        end = time.monotonic() + min(timeout, max(self.left(), 0))
        while time.monotonic() < end:
            for name, p, log in self.procs:
                if name == "prometheus" and p.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{Path(log).read_text()[-3000:]}")
            got = probe()
            if got:
                return got
            time.sleep(0.5)
        return None


def load(env: Path):
    values = yaml.safe_load((env / "values.yaml").read_text())
    monitor = yaml.safe_load((env / "servicemonitor.yaml").read_text())
    rules = yaml.safe_load((env / "prometheusrule.yaml").read_text())
    if (env / "dashboard.json").exists():
        dashboard = json.loads((env / "dashboard.json").read_text())
    else:
        cm = yaml.safe_load((env / "dashboard.yaml").read_text())
        dashboard = json.loads(cm["data"]["jupyterhub.json"])
    return values, monitor, rules, dashboard


def hub_config(values, ports, tmp: Path) -> Path:
    hub = values["hub"]
    services = hub.get("services", {})
    roles = hub.get("loadRoles", {})
    # the generated grant: a service named in hub.services and a role that gives it read:metrics
    grants = [(name, r) for name, r in roles.items() if "read:metrics" in r.get("scopes", [])]
    if not grants:
        raise RuntimeError("the values grant no role with read:metrics")
    role_name, role = grants[0]
    (service,) = role["services"]
    if service not in services:
        raise RuntimeError(f"role {role_name} names service {service}, which hub.services lacks")
    config = f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports['public']}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports['hub']}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['api']}"
c.ConfigurableHTTPProxy.command = [{str(CHP_BIN)!r}]
c.JupyterHub.db_url = "sqlite:///{tmp / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / 'cookie_secret')!r}
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
# a server that exits at once: each spawn fails in JupyterHub's own code
c.Spawner.cmd = ["/bin/false"]
c.Spawner.start_timeout = 5
c.Spawner.http_timeout = 3
c.JupyterHub.services = [
    {{"name": {service!r}, "api_token": {METRICS_TOKEN!r}}},
    {{"name": "e2e-admin", "api_token": {ADMIN_TOKEN!r}}},
]
c.JupyterHub.load_roles = [
    {{"name": {role_name!r}, "scopes": {role['scopes']!r}, "services": [{service!r}]}},
    {{"name": "e2e-admin", "scopes": ["admin:users", "admin:servers"], "services": ["e2e-admin"]}},
]
"""
    path = tmp / "jupyterhub_config.py"
    path.write_text(config)
    return path


def prometheus_config(monitor, rules, ports, tmp: Path) -> Path:
    ep = monitor["spec"]["endpoints"][0]
    namespace = monitor["metadata"]["namespace"]
    # what prometheus-operator makes of the ServiceMonitor: job = the Service's
    # name, namespace/service labels, and the Service labels targetLabels copies
    service_labels = dict(monitor["spec"]["selector"]["matchLabels"])
    labels = {"namespace": namespace, "service": "hub"}
    for name in monitor["spec"].get("targetLabels", []):
        labels[name] = service_labels[name]
    scrape = {
        "job_name": "hub",
        "metrics_path": ep["path"],
        "scheme": ep.get("scheme", "http"),
        "static_configs": [{"targets": [f"127.0.0.1:{ports['hub']}"], "labels": labels}],
    }
    if "authorization" in ep:
        scrape["authorization"] = {"type": ep["authorization"]["type"], "credentials": METRICS_TOKEN}
    rules_file = tmp / "rules.yml"
    rules_file.write_text(yaml.safe_dump(rules["spec"], sort_keys=False))
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules_file)],
        "scrape_configs": [scrape],
    }
    path = tmp / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def query(ports, expr):
    url = f"http://127.0.0.1:{ports['prometheus']}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    status, body = http("GET", url)
    if status != 200:
        return None, body.decode(errors="replace")
    return json.loads(body)["data"]["result"], ""


def alert_state(ports, name):
    status, body = http("GET", f"http://127.0.0.1:{ports['prometheus']}/api/v1/alerts")
    if status != 200:
        return None
    for a in json.loads(body)["data"]["alerts"]:
        if a["labels"].get("alertname") == name:
            return a["state"]
    return None


def main(argv):
    env = Path(argv[0])
    values, monitor, rules, dashboard = load(env)
    namespace = monitor["metadata"]["namespace"]
    for tool in ("prometheus",):
        if not shutil.which(tool):
            print(f"FAIL {tool} is not installed (Debian: apt-get install prometheus)")
            return 1
    if not CHP_BIN.exists():
        print(f"FAIL configurable-http-proxy is not installed: run tools/runtime/setup.sh")
        return 1
    run = Run()
    times = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        ports = {k: free_port() for k in ("public", "api", "hub", "prometheus")}
        try:
            env_vars = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
                        "CONFIGPROXY_AUTH_TOKEN": os.urandom(16).hex()}
            hub = run.spawn("hub", [str(VENV_BIN / "jupyterhub"), "--config", str(hub_config(values, ports, tmp))],
                            env_vars, tmp / "hub.log")
            prom = run.spawn("prometheus", [
                shutil.which("prometheus"), f"--config.file={prometheus_config(monitor, rules, ports, tmp)}",
                f"--storage.tsdb.path={tmp / 'tsdb'}", f"--web.listen-address=127.0.0.1:{ports['prometheus']}",
                "--storage.tsdb.retention.time=1h"], os.environ.copy(), tmp / "prometheus.log")
            hub_api = f"http://127.0.0.1:{ports['hub']}/hub/api"
            if not run.check(run.wait("hub up", lambda: http("GET", hub_api)[0] == 200, 60) is not None,
                             "the hub answers on 127.0.0.1", (tmp / "hub.log").read_text()[-3000:]):
                return 1
            times["hub up"] = time.monotonic() - run.start
            up = run.wait("scraped", lambda: (query(ports, f'up{{job="hub", namespace="{namespace}"}} == 1')[0]
                                              or None), 30)
            if not run.check(bool(up), "Prometheus scrapes /hub/metrics with the read:metrics token",
                             (tmp / "prometheus.log").read_text()[-2000:]):
                return 1
            times["first scrape"] = time.monotonic() - run.start

            # real failed spawns, through the REST API
            users = [f"e2e-user-{i}" for i in range(FAILED_SPAWNS)]
            for user in users:
                http("POST", f"{hub_api}/users/{user}", ADMIN_TOKEN)
                http("POST", f"{hub_api}/users/{user}/server", ADMIN_TOKEN)

            def settled():
                for user in users:
                    status, body = http("GET", f"{hub_api}/users/{user}", ADMIN_TOKEN)
                    model = json.loads(body) if status == 200 else {}
                    if status != 200 or model.get("pending") or model.get("servers"):
                        return False
                return True
            run.wait("spawns over", settled, 40)
            counted = run.wait("failures scraped", lambda: (query(
                ports, f'sum(jupyterhub_server_spawn_duration_seconds_count{{namespace="{namespace}", '
                       f'status="failure"}}) >= {FAILED_SPAWNS}')[0] or None), 20)
            run.check(bool(counted), f"the hub counted {FAILED_SPAWNS} failed spawns",
                      (tmp / "hub.log").read_text()[-2000:])
            times["spawns failed"] = time.monotonic() - run.start

            # every dashboard query on the hub's metrics returns data
            for p in dashboard["panels"]:
                for target in p.get("targets", []):
                    expr = target["expr"]
                    if "jupyterhub_" not in expr:
                        continue
                    expr = expr.replace("$__rate_interval", RATE_INTERVAL).replace("$namespace", namespace)
                    got = run.wait(p["title"], lambda expr=expr: query(ports, expr)[0], 20)
                    run.check(bool(got), f"panel {p['title']!r} {target['refId']} returns data",
                              query(ports, expr)[1] or "an empty result")
            times["panels"] = time.monotonic() - run.start

            state = run.wait("spawn alert", lambda: alert_state(ports, "JupyterHubSpawnFailures")
                             in ("pending", "firing"), 30)
            run.check(bool(state), "JupyterHubSpawnFailures is pending or firing after real failed spawns",
                      f"state {alert_state(ports, 'JupyterHubSpawnFailures')}")
            run.check(alert_state(ports, "JupyterHubDown") is None, "JupyterHubDown is silent while the hub runs")
            times["spawn alert"] = time.monotonic() - run.start

            run.stop(hub)
            state = run.wait("down alert", lambda: alert_state(ports, "JupyterHubDown") in ("pending", "firing"), 30)
            run.check(bool(state), "JupyterHubDown is pending or firing once the hub is stopped",
                      f"state {alert_state(ports, 'JupyterHubDown')}")
            times["down alert"] = time.monotonic() - run.start
        except Exception as e:  # noqa: BLE001 - any failure is a FAIL line
            run.check(False, "the end-to-end run", f"{type(e).__name__}: {e}")
        finally:
            run.stop_all()
    print("times: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
