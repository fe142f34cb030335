"""hub-boot: the real JupyterHub 5.5.0 and configurable-http-proxy 5.2.0,
booted on loopback with the chart's own configuration.

What the hub pod would have is laid out in a temporary folder: the rendered
`hub` Secret (the merged values as `values.yaml`, generated tokens for the
proxy, the cookie secret, CryptKeeper and every `hub.services` entry) and
ConfigMap (the resource names, the chart's `jupyterhub_config.py` and
`z2jh.py`), the container's environment from the rendered Deployment (with
fake values for Secret references, and the `<SERVICE>_SERVICE_HOST/PORT`
variables pointing at free 127.0.0.1 ports), and one file in
`jupyterhub_config.d/` — the chart's own extension point — that binds the hub
and the proxy API to those ports (the chart's Service names do not resolve
here) and points the culler, which the chart tells to use localhost:8081, at
the hub's port. The proxy runs with the arguments of the chart's proxy
Deployment. The database is sqlite in the temporary folder.

Then it asks what Kubernetes, Prometheus and a browser would ask:
`/hub/health` (the probes), `/hub/metrics` with the ServiceMonitor's token and
without one, and `/hub/oauth_login` (the redirect to the identity provider).
Every wait is bounded; both processes run in their own process groups, which
are killed when the check ends, whatever happens. Nothing listens beyond
127.0.0.1, and nothing is contacted beyond it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from common import (REPO, CheckError, Env, Result, chart_names, dig, hub_container_env, hub_secret,
                    lay_out_hub, secret_env)
from pods_check import FAKE_KUBECONFIG

BOOT_TIMEOUT = float(os.environ.get("JHUBGEN_RUNTIME_BOOT_TIMEOUT", "60"))
CHP_DIR = REPO / "target/runtime-chp"
CHP_BIN = CHP_DIR / "node_modules/configurable-http-proxy/bin/configurable-http-proxy"
VENV_BIN = Path(sys.executable).parent

OVERRIDE = """\
# Written by jhubgen's runtime check: the hub pod's network, on loopback.
# In the pod the hub listens on :8081 and reaches the proxy API through the
# proxy-api Service; here both are free ports on 127.0.0.1.
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub}"
c.JupyterHub.hub_connect_url = "http://127.0.0.1:{hub}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api}"
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {public}
# The chart starts the culler with --url=http://localhost:8081/...: the hub's
# container port, which is {hub} here. Managed services also die with the hub
# (in a pod, the container's end takes them along): {pdeathsig!r} before the command.
for _service in c.JupyterHub.services:
    if _service.get("command"):
        _service["command"] = {pdeathsig!r} + [
            _arg.replace("http://localhost:8081", "http://127.0.0.1:{hub}") for _arg in _service["command"]
        ]
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every Processes not yet stopped, for stop_all() (run.py's signal handler).
LIVE: set = set()
_LIVE_LOCK = threading.Lock()
# setpriv (util-linux) makes the kernel kill a started process if the thread
# that started it dies without stopping it (a SIGKILLed test run).
PDEATHSIG = [shutil.which("setpriv"), "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


class Processes:
    """Started processes, each in its own process group; stop() ends them all."""

    def __init__(self, marker: str):
        self.procs = []
        self.marker = marker
        with _LIVE_LOCK:
            LIVE.add(self)

    def start(self, name, argv, env, cwd, log: Path):
        with open(log, "wb") as out:
            proc = subprocess.Popen([*PDEATHSIG, *argv], env=env, cwd=cwd, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        self.procs.append((name, proc, log))
        return proc

    def stop(self):
        try:
            self._stop()
        finally:
            kill_leftovers(self.marker)
            with _LIVE_LOCK:
                LIVE.discard(self)

    def _stop(self):
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for _, proc, _ in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def stop_all():
    with _LIVE_LOCK:
        live = list(LIVE)
    for procs in live:
        procs.stop()


def kill_leftovers(marker: str):
    """The hub starts managed services (the culler) in their own sessions;
    should one outlive the hub, end it: it is the process whose command line
    names this run's hub URL."""
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline and "jupyterhub_idle_culler" in cmdline:
            try:
                os.kill(int(pid_dir.name), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "0A": "LISTEN"}
LOOPBACK = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}


def _sockets():
    """inode -> (state, local address, remote address) of every TCP socket."""
    table = {}
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            local, remote, state, inode = f[1], f[2], f[3], f[9]
            table[inode] = (TCP_STATES.get(state, state), local, remote)
    return table


def _address(hex_address: str) -> str:
    """/proc/net/tcp's `0100007F:1F90` as `127.0.0.1:8080`."""
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        host = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:
        host = "[" + socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))) + "]"
    return f"{host}:{int(port, 16)}"


def _descendants(pids):
    """PIDS and every process whose parent chain leads to one of them, plus
    the processes started in their own sessions that name this run's hub."""
    children = {}
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            ppid = (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid_dir.name)
    found, todo = set(), [str(p) for p in pids]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo += children.get(pid, [])
    return found


def foreign_sockets(pids) -> list[str]:
    """TCP sockets of these processes that listen beyond 127.0.0.1 or are
    connected to an address other than 127.0.0.1."""
    table = _sockets()
    out = []
    for pid in _descendants(pids):
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            m = re.fullmatch(r"socket:\[(\d+)\]", target)
            if not m or m.group(1) not in table:
                continue
            state, local, remote = table[m.group(1)]
            if state == "LISTEN" and local.split(":")[0] not in LOOPBACK:
                out.append(f"{comm} (pid {pid}) listens on {_address(local)} (not 127.0.0.1)")
            elif state in ("ESTABLISHED", "SYN_SENT") and remote.split(":")[0] not in LOOPBACK:
                out.append(f"{comm} (pid {pid}) is connected to {_address(remote)} (not 127.0.0.1)")
    return out


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace").rstrip().splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])


def request(port, path, headers=None, timeout=10):
    """One HTTP request to 127.0.0.1 (never through a proxy, no redirects)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def wait_for(what, probe, procs: Processes, deadline):
    """Poll PROBE until it returns a true value; fail when a process died or
    the deadline passed."""
    last = None
    while time.monotonic() < deadline:
        for name, proc, log in procs.procs:
            if proc.poll() is not None:
                raise CheckError(f"{name} exited with status {proc.returncode} while waiting for {what}:\n"
                                 f"{tail(log)}")
        try:
            got = probe()
            if got:
                return got
        except OSError as e:
            last = e
        time.sleep(0.2)
    logs = "\n".join(f"--- {name} log:\n{tail(log)}" for name, _, log in procs.procs)
    raise CheckError(f"timed out after {BOOT_TIMEOUT:.0f} s waiting for {what} (last error: {last})\n{logs}")


def chp_argv(env: Env, names, ports) -> list[str]:
    """The proxy Deployment's command, bound to loopback."""
    hub = f"http://127.0.0.1:{ports['hub']}"
    argv = [str(CHP_BIN), "--ip=127.0.0.1", "--api-ip=127.0.0.1", f"--api-port={ports['api']}",
            f"--default-target={dig(env.merged, 'proxy.chp.defaultTarget') or hub}",
            f"--error-target={dig(env.merged, 'proxy.chp.errorTarget') or hub + '/hub/error'}",
            f"--port={ports['public']}"]
    if dig(env.merged, "debug.enabled"):
        argv.append("--log-level=debug")
    if dig(env.merged, "hub.config.JupyterHub.subdomain_host"):
        argv.append("--host-routing")
    argv += [str(f) for f in dig(env.merged, "proxy.chp.extraCommandLineFlags") or []]
    return argv


def hub_argv(env: Env, config_file: Path) -> list[str]:
    """The hub Deployment's args."""
    args = dig(env.merged, "hub.args")
    if args:
        raise CheckError("hub.args replaces the chart's hub command; this check runs the chart's")
    argv = [str(VENV_BIN / "jupyterhub"), "--config", str(config_file)]
    if dig(env.merged, "debug.enabled"):
        argv.append("--debug")
    upgrade = dig(env.merged, "hub.db.upgrade")
    if upgrade is True or (upgrade is None and dig(env.merged, "hub.db.type") == "sqlite-pvc"):
        argv.append("--upgrade-db")
    return argv


def expected_client(env: Env, container_env: dict):
    """The client id the spec's Secret holds, as the hub container sees it."""
    client = env.s("auth.client") or {}
    return secret_env(env, container_env, client.get("secret"), client.get("id_key", "client_id"))[1]


def expected_tenant(env: Env, container_env: dict):
    tenant = env.s("auth.azuread.tenant_id")
    if not isinstance(tenant, dict):
        return tenant
    return secret_env(env, container_env, tenant.get("secret"), tenant.get("key"))[1]


def metrics_endpoint(env: Env, names, secret: dict, r: Result):
    """Path and token Prometheus would use: the ServiceMonitor's, when there is one."""
    base = env.s("hub.base_url", "/")
    default_path = f"{base}hub/metrics"
    monitor = env.servicemonitor
    if monitor is None:
        key = "hub.services.prometheus.apiToken"
        r.note("no servicemonitor.yaml: using hub.services.prometheus's token")
        return default_path, secret.get(key), key
    endpoints = dig(monitor, "spec.endpoints") or []
    if not endpoints:
        raise CheckError("servicemonitor.yaml has no endpoints")
    ep = endpoints[0]
    r.expect(ep.get("port") == "hub", "the ServiceMonitor scrapes the hub Service's port `hub`",
             f"it names port {ep.get('port')!r}")
    r.expect(ep.get("scheme", "http") == "http", "the ServiceMonitor scrapes over http",
             f"scheme {ep.get('scheme')!r}")
    path = ep.get("path") or "/metrics"
    credentials = dig(ep, "authorization.credentials") or dig(ep, "bearerTokenSecret")
    if not credentials:
        return path, None, None
    r.expect(credentials.get("name") == names["hub"],
             f"the ServiceMonitor's token comes from the chart's Secret {names['hub']!r}",
             f"it reads Secret {credentials.get('name')!r}")
    key = credentials.get("key")
    return path, secret.get(key), key


def check_metrics(env: Env, r: Result, hub_port, names, secret):
    if env.s("monitoring.service_monitor", True) is False:
        # nothing scrapes the hub: its metrics must stay behind a token
        path = f"{env.s('hub.base_url', '/')}hub/metrics"
        r.expect(env.servicemonitor is None, "no ServiceMonitor, as spec monitoring.service_monitor = false says",
                 "there is a servicemonitor.yaml")
        status, _, _ = request(hub_port, path)
        r.expect(status == 403, f"GET {path} without a token: 403 (no ServiceMonitor; the metrics stay private)",
                 f"got {status}")
        return
    path, token, key = metrics_endpoint(env, names, secret, r)
    authenticated = dig(env.merged, "hub.authenticatePrometheus") is not False
    scrape_auth = env.s("monitoring.scrape_auth", "token")
    r.expect(authenticated == (scrape_auth == "token"),
             f"metrics {'need' if authenticated else 'do not need'} a token, as spec monitoring.scrape_auth "
             f"{scrape_auth!r} says", f"hub.authenticatePrometheus is {dig(env.merged, 'hub.authenticatePrometheus')}")
    status, _, body = request(hub_port, path)
    want = 403 if authenticated else 200
    r.expect(status == want, f"GET {path} without a token: {want}", f"got {status}")
    if authenticated:
        if not token:
            r.fail(f"GET {path} with the ServiceMonitor's token: there is none "
                   f"(the Secret has no key {key!r})" if key else
                   f"GET {path}: the ServiceMonitor sends no token, and the hub requires one")
            return
        status, _, body = request(hub_port, path, {"Authorization": f"Bearer {token}"})
        if not r.expect(status == 200, f"GET {path} with the ServiceMonitor's token ({key}): 200",
                        f"got {status}: {body[:200].decode(errors='replace')}"):
            return
    text = body.decode(errors="replace")
    r.expect("jupyterhub_" in text and "# TYPE" in text, f"{path} serves JupyterHub's metrics",
             f"the body does not look like them: {text[:200]!r}")


def check_login(env: Env, r: Result, public_port, container_env):
    host = env.s("ingress.host")
    base = env.s("hub.base_url", "/")
    provider = env.s("auth.provider")
    headers = {"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1",
               "X-Forwarded-Host": host}
    if provider == "dummy":
        status, _, _ = request(public_port, f"{base}hub/login", headers)
        r.expect(status == 200, f"GET {base}hub/login: 200", f"got {status}")
        return
    status, response_headers, body = request(public_port, f"{base}hub/oauth_login", headers)
    if not r.expect(status == 302, f"GET {base}hub/oauth_login: 302 to the identity provider",
                    f"got {status}: {body[:200].decode(errors='replace')}"):
        return
    location = response_headers.get("Location") or response_headers.get("location") or ""
    url = urlsplit(location)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    callback = f"https://{host}{base}hub/oauth_callback"
    r.expect(query.get("redirect_uri") == callback, f"redirect_uri is {callback}",
             f"it is {query.get('redirect_uri')!r}")
    client_id = expected_client(env, container_env)
    r.expect(bool(client_id) and query.get("client_id") == client_id,
             "client_id is the one the spec's Secret holds (through hub.extraEnv)",
             f"it is {query.get('client_id')!r}, the Secret's is {client_id!r}")
    r.expect(query.get("response_type") == "code", "response_type is code",
             f"it is {query.get('response_type')!r}")
    scopes = (query.get("scope") or "").split()
    if provider == "github":
        r.expect(url.scheme == "https" and url.netloc == "github.com" and url.path == "/login/oauth/authorize",
                 "it goes to https://github.com/login/oauth/authorize", f"it goes to {location.split('?')[0]}")
        if env.s("auth.github.organizations", []):
            r.expect("read:org" in scopes, "the requested scope has read:org (private organization "
                     "and team membership)", f"scope is {scopes}")
        for s in env.s("auth.github.scope", []):
            r.expect(s in scopes, f"the requested scope has the spec's {s!r}", f"scope is {scopes}")
    elif provider == "azuread":
        tenant = expected_tenant(env, container_env)
        want = f"/{tenant}/oauth2/authorize"
        r.expect(bool(tenant) and url.netloc == "login.microsoftonline.com" and url.path == want,
                 f"it goes to the tenant's https://login.microsoftonline.com{want}",
                 f"it goes to {location.split('?')[0]}")
        for s in env.s("auth.azuread.scope", []):
            r.expect(s in scopes, f"the requested scope has the spec's {s!r}", f"scope is {scopes}")
    r.note(f"authorize URL: {location.split('?')[0]} scope={scopes}")


def check_culler(env: Env, r: Result, log: Path, deadline):
    if not dig(env.merged, "cull.enabled"):
        return
    pattern = re.compile(r"\b200 GET \S*/hub/api/users\S* \(jupyterhub-idle-culler@")
    while time.monotonic() < deadline:
        if pattern.search(log.read_text(errors="replace")):
            r.passed.append("the idle culler runs and reads the hub API with its token")
            return
        time.sleep(0.2)
    r.fail(f"the idle culler did not reach the hub API within {BOOT_TIMEOUT:.0f} s:\n{tail(log, 15)}")


def check(env: Env) -> Result:
    if not CHP_BIN.exists():
        raise CheckError(f"configurable-http-proxy is not installed at {CHP_BIN} (run tools/runtime/setup.sh)")
    try:
        return boot(env)
    except CheckError as e:
        # Another process may have taken a port between free_port() and the bind: once more.
        if "EADDRINUSE" not in str(e) and "address already in use" not in str(e).lower():
            raise
    return boot(env)


def boot(env: Env) -> Result:
    r = Result()
    names = chart_names(env.merged, env.release)
    ports = {"hub": free_port(), "api": free_port(), "public": free_port()}
    with ExitStack() as stack:
        if os.environ.get("JHUBGEN_RUNTIME_KEEP"):  # for debugging: keep the folder and its logs
            root = Path(tempfile.mkdtemp(prefix="jhubgen-hub-"))
            r.note(f"kept {root}")
        else:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jhubgen-hub-")))
        secret = hub_secret(env)
        config_file = lay_out_hub(env, root, secret)
        (config_file.parent / "jupyterhub_config.d" / "zz-jhubgen-runtime-loopback.py").write_text(
            OVERRIDE.format(**ports, pdeathsig=PDEATHSIG))
        (root / "home").mkdir()
        kubeconfig = root / "kubeconfig"
        kubeconfig.write_text(FAKE_KUBECONFIG)
        container_env = hub_container_env(env, secret, {"hub": ports["hub"], "proxy-api": ports["api"],
                                                        "proxy-public": ports["public"]})
        base_env = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": str(root / "home"),
                    "LANG": "C.UTF-8", "KUBECONFIG": str(kubeconfig)}
        procs = Processes(marker=f"http://127.0.0.1:{ports['hub']}/")
        stack.callback(procs.stop)
        proxy_env = {**base_env, "CONFIGPROXY_AUTH_TOKEN": container_env["CONFIGPROXY_AUTH_TOKEN"]}
        node = os.environ.get("NODE") or shutil.which("node")
        if not node:
            raise CheckError("node not found (configurable-http-proxy needs Node.js 20 or later)")
        deadline = time.monotonic() + BOOT_TIMEOUT
        procs.start("configurable-http-proxy", [node, *chp_argv(env, names, ports)], proxy_env, root,
                    root / "proxy.log")
        wait_for("the proxy API", lambda: request(ports["api"], "/api/routes",
                                                  {"Authorization": f"token {proxy_env['CONFIGPROXY_AUTH_TOKEN']}"}
                                                  )[0] == 200, procs, deadline)
        hub_log = root / "hub.log"
        procs.start("jupyterhub", hub_argv(env, config_file), {**base_env, **container_env}, root / "srv",
                    hub_log)
        base = env.s("hub.base_url", "/")
        wait_for("the hub", lambda: request(ports["hub"], f"{base}hub/health")[0] == 200, procs, deadline)
        r.passed.append(f"the hub boots ({time.monotonic() - (deadline - BOOT_TIMEOUT):.1f} s)")

        status, _, body = request(ports["hub"], f"{base}hub/health")
        r.expect(status == 200, f"GET {base}hub/health on the hub's port (the probes): 200", f"got {status}")
        def through_proxy():
            got = request(ports["public"], f"{base}hub/health")
            return got if got[0] == 200 else None

        wait_for("the hub's route in the proxy", through_proxy, procs, deadline)
        r.passed.append(f"GET {base}hub/health through the proxy: 200")
        status, _, body = request(ports["hub"], f"{base}hub/api/")
        version = json.loads(body or b"{}").get("version") if status == 200 else None
        r.expect(version == "5.5.0", "the hub is JupyterHub 5.5.0", f"GET {base}hub/api/: {status} {version}")
        check_metrics(env, r, ports["hub"], names, secret)
        check_login(env, r, ports["public"], container_env)
        check_culler(env, r, hub_log, deadline)
        foreign = foreign_sockets([proc.pid for _, proc, _ in procs.procs])
        for line in foreign:
            r.fail(f"network: {line}")
        if not foreign:
            r.passed.append("the hub, the proxy and the culler use 127.0.0.1 only (their TCP sockets)")
        fatal = [line for line in hub_log.read_text(errors="replace").splitlines()
                 if line.startswith(("[E ", "[C ")) or line.startswith("Traceback")]
        for line in fatal[:5]:
            r.fail(f"the hub logged an error: {line.strip()[:300]}")
    return r
