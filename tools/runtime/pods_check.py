"""pods: the user pods KubeSpawner would create, from the chart's own config.

The rendered `hub` Secret and ConfigMap are laid out in a temporary folder and
the chart's `jupyterhub_config.py` is loaded with traitlets'
PyFileConfigLoader, as `jupyterhub --config` loads it, with the hub
container's environment. Then, for every profile of `singleuser.profileList`,
a KubeSpawner 7.0.0 with that config and a stand-in user runs what its
`_start` runs before it calls the Kubernetes API — `load_user_options()` with
`{"profile": slug}`, `get_pod_manifest()`, the `modify_pod_hook` — and the
manifest is compared with the environment's spec and checked against the Pod
Security Standard the cluster enforces — and so are the chart's own pods (hub,
proxy, image pullers, user scheduler, placeholders), from the security contexts
the merged values give their templates. No Kubernetes API is called: the
kubeconfig points at 127.0.0.1:1 and the in-cluster variables are removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import pss
from common import CheckError, Env, Result, dig, hub_container_env, hub_secret, lay_out_hub, parse_bytes

FAKE_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: nobody
  user: {token: not-a-token}
contexts:
- name: nowhere
  context: {cluster: nowhere, user: nobody}
current-context: nowhere
"""

# Kubernetes sets these in a pod; with them, kubernetes_asyncio would use the
# cluster this harness might run in (a CI runner pod).
IN_CLUSTER_VARS = ("KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")


@contextlib.contextmanager
def environ(values: dict, remove=()):
    saved = dict(os.environ)
    try:
        for key in remove:
            os.environ.pop(key, None)
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def load_chart_config(config_file: Path):
    """The traitlets Config that `jupyterhub --config config_file` builds.
    The chart's prints go to a buffer, returned for the report."""
    from traitlets.config.loader import PyFileConfigLoader

    out = io.StringIO()
    saved_path = list(sys.path)
    sys.modules.pop("z2jh", None)  # the chart's helper, imported from the config's folder
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            loader = PyFileConfigLoader(config_file.name, path=str(config_file.parent))
            config = loader.load_config()
    except SystemExit as e:
        last = "\n".join(out.getvalue().strip().splitlines()[-3:])
        raise CheckError(f"the chart's jupyterhub_config.py exited with status {e.code}:\n{last}")
    except Exception as e:
        raise CheckError(f"the chart's jupyterhub_config.py failed: {type(e).__name__}: {e}\n"
                         f"{out.getvalue().strip()}")
    finally:
        sys.path[:] = saved_path
        sys.modules.pop("z2jh", None)
    return config, out.getvalue()


class StandInUser:
    """What KubeSpawner and JupyterHub's Spawner read from a user."""

    def __init__(self, name: str):
        self.name = name
        self.escaped_name = name
        self.id = 1
        self.url = f"/user/{name}/"
        self.admin = False


def stand_in_hub(base_url: str):
    from jupyterhub.objects import Hub

    return Hub(base_url=base_url.rstrip("/") + "/hub/", ip="127.0.0.1", port=8081)


def canonical(items) -> list[str]:
    """Order-free comparable form of a list of mappings (nulls dropped)."""
    return sorted(json.dumps({k: v for k, v in (i or {}).items() if v is not None}, sort_keys=True)
                  for i in items or [])


def short_toleration(text: str) -> str:
    """`key=value:Effect` (or `key:Effect` for Exists), as kubectl writes taints."""
    t = json.loads(text)
    key = t.get("key", "*")
    value = f"={t['value']}" if t.get("value") is not None else ""
    return f"{key}{value}:{t.get('effect', '*')}" + (" (Exists)" if t.get("operator") == "Exists" else "")


def as_number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def expected_image(env: Env, profile: dict) -> str:
    own = profile.get("image")
    if own:
        registry = own.get("registry") or env.s("image.registry")
        return f"{registry.rstrip('/')}/{own['name']}:{own['tag']}"
    return f"{env.s('image.registry').rstrip('/')}/{env.s('image.name')}:{env.s('image.tag')}"


def expected_delete_pvc(env: Env) -> bool:
    given = env.s("storage.delete_with_user")
    if given is not None:
        return bool(given)
    return env.s("environment.purpose", "production") not in ("production", "staging")


async def profile_pod(config, env: Env, slug: str):
    from kubernetes_asyncio.client import ApiClient
    from kubespawner import KubeSpawner

    spawner = KubeSpawner(config=config, user=StandInUser("jovyan-test"),
                          hub=stand_in_hub(env.s("hub.base_url", "/")))
    spawner.user_options = {"profile": slug}
    await spawner.load_user_options()
    pod = await spawner.get_pod_manifest()
    if spawner.modify_pod_hook:
        result = spawner.modify_pod_hook(spawner, pod)
        pod = await result if asyncio.iscoroutine(result) else result
    pvc = spawner.get_pvc_manifest() if spawner.storage_pvc_ensure else None
    api = ApiClient()
    try:
        manifest = api.sanitize_for_serialization(pod)
        pvc_manifest = api.sanitize_for_serialization(pvc) if pvc is not None else None
    finally:
        await api.close()
    return spawner, manifest, pvc_manifest


def check_profile(env: Env, r: Result, slug: str, profile: dict, spawner, pod: dict, pvc):
    where = f"profile {slug!r}"
    spec = pod.get("spec") or {}
    containers = spec.get("containers") or []
    notebook = next((c for c in containers if c.get("name") == "notebook"), None)
    if notebook is None:
        r.fail(f"{where}: the pod has no `notebook` container (containers: "
               f"{[c.get('name') for c in containers]})")
        return
    resources = notebook.get("resources") or {}
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}

    gpus = int(profile.get("gpus") or 0)
    got = limits.get("nvidia.com/gpu")
    if gpus:
        r.expect(got is not None and str(got) == str(gpus), f"{where}: nvidia.com/gpu limit {gpus}",
                 f"the pod's limit is {got!r}")
    else:
        r.expect(got is None, f"{where}: no nvidia.com/gpu limit", f"the pod asks for {got!r}")
    per_node = env.s("cluster.gpu.per_node")
    if per_node and got is not None:
        r.expect(int(str(got)) <= int(per_node), f"{where}: {got} GPUs fit on one GPU node ({per_node})",
                 f"the pod asks for {got}, the largest GPU node has {per_node}: it never schedules")
    if "nvidia.com/gpu" in requests:
        r.expect(str(requests["nvidia.com/gpu"]) == str(got), f"{where}: GPU request equals its limit",
                 f"request {requests['nvidia.com/gpu']!r}, limit {got!r}")

    want_selector = profile.get("node_selector")
    if want_selector is None:
        want_selector = env.s("scheduling.node_selector", {})
    got_selector = spec.get("nodeSelector") or {}
    r.expect(got_selector == want_selector, f"{where}: node selector {want_selector}",
             f"the pod's is {got_selector} (a key inherited and not cleared, or one missing)")

    chart_tolerations = dig(env.merged, "scheduling.userPods.tolerations") or []
    want_tolerations = (list(chart_tolerations) + list(env.s("scheduling.tolerations", []))
                        + list(profile.get("tolerations") or []))
    got_tolerations = spec.get("tolerations") or []
    want_c, got_c = canonical(want_tolerations), canonical(got_tolerations)
    missing = [short_toleration(t) for t in want_c if t not in got_c]
    extra = [short_toleration(t) for t in got_c if t not in want_c]
    r.expect(want_c == got_c, f"{where}: tolerations = the chart's user-pod ones + scheduling + the profile's",
             "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                     extra and f"not asked for {', '.join(extra)}"]))
             or f"want {want_c}, the pod has {got_c}")

    singleuser = env.merged.get("singleuser") or {}
    for kind, spec_key, chart_key, parse in (
            ("cpu", "cpu", "cpu", as_number), ("memory", "memory", "memory", parse_bytes)):
        for bound, table, spec_field in (("limit", limits, "limit"), ("guarantee", requests, "guarantee")):
            want = dig(profile, f"{spec_key}.{spec_field}")
            if want is None:
                want = dig(singleuser, f"{chart_key}.{spec_field}")
            try:
                want_n = parse(want) if want is not None else None
                got_n = parse(table.get(kind)) if table.get(kind) is not None else None
            except CheckError as e:
                r.fail(f"{where}: {kind} {bound}: {e}")
                continue
            r.expect(want_n == got_n, f"{where}: {kind} {bound} {want}",
                     f"the pod has {table.get(kind)!r}")

    image = expected_image(env, profile)
    r.expect(notebook.get("image") == image, f"{where}: image {image}",
             f"the pod runs {notebook.get('image')!r}")

    secrets = {s.get("name") for s in spec.get("imagePullSecrets") or []}
    missing = [s for s in env.s("image.pull_secrets", []) if s not in secrets]
    r.expect(not missing, f"{where}: image pull secrets {env.s('image.pull_secrets', [])}",
             f"missing {missing} (the pod has {sorted(secrets)})")

    r.expect(spawner.namespace == env.namespace, f"{where}: namespace {env.namespace}",
             f"KubeSpawner uses {spawner.namespace!r}")

    level = env.s("cluster.pod_security", "privileged")
    try:
        found = pss.violations(pod, level)
    except ValueError as e:
        r.fail(f"{where}: {e}")
    else:
        for problem in found:
            r.fail(f"{where}: not admitted under Pod Security Standard {level!r}: {problem}")
        if not found:
            r.passed.append(f"{where}: admitted under Pod Security Standard {level!r}")

    if pvc is not None:
        pvc_spec = pvc.get("spec") or {}
        want_class = env.s("storage.class")
        r.expect(pvc_spec.get("storageClassName") == want_class, f"{where}: PVC storage class {want_class}",
                 f"the PVC asks for {pvc_spec.get('storageClassName')!r}")
        want_size = env.s("storage.capacity")
        got_size = dig(pvc_spec, "resources.requests.storage")
        r.expect(got_size == want_size, f"{where}: PVC size {want_size}", f"the PVC asks for {got_size!r}")
        want_modes = env.s("storage.access_modes", ["ReadWriteOnce"])
        r.expect(sorted(pvc_spec.get("accessModes") or []) == sorted(want_modes),
                 f"{where}: PVC access modes {want_modes}", f"the PVC has {pvc_spec.get('accessModes')}")



# The chart's own pods, as its templates build them (chart 4.4.0): the security
# contexts come from the merged values; the templates add no host namespaces,
# hostPath volumes, host ports or capabilities to any of them.
CHART_PODS = [
    # (component, pod securityContext key, container securityContext keys, enabled when)
    ("hub", "hub.podSecurityContext", ["hub.containerSecurityContext"], None),
    ("proxy", None, ["proxy.chp.containerSecurityContext"], None),
    ("hook-image-puller", None,
     ["prePuller.containerSecurityContext", "prePuller.pause.containerSecurityContext"],
     "prePuller.hook.enabled"),
    ("hook-image-awaiter", None, ["prePuller.hook.containerSecurityContext"], "prePuller.hook.enabled"),
    ("continuous-image-puller", None,
     ["prePuller.containerSecurityContext", "prePuller.pause.containerSecurityContext"],
     "prePuller.continuous.enabled"),
    ("user-scheduler", None, ["scheduling.userScheduler.containerSecurityContext"],
     "scheduling.userScheduler.enabled"),
    ("user-placeholder", None, ["scheduling.userPlaceholder.containerSecurityContext"],
     "scheduling.userPlaceholder.enabled"),
]


def check_chart_pods(env: Env, r: Result, level: str):
    """Every pod the chart itself runs must pass the enforced level too."""
    for component, psc_key, csc_keys, enabled in CHART_PODS:
        if enabled and not dig(env.merged, enabled):
            continue
        pod = {
            "metadata": {"name": component},
            "spec": {
                "securityContext": dig(env.merged, psc_key) if psc_key else {},
                "containers": [
                    {"name": key.rsplit(".", 2)[-2], "securityContext": dig(env.merged, key) or {}}
                    for key in csc_keys
                ],
            },
        }
        found = pss.violations(pod, level)
        r.expect(not found, f"chart pod {component}: passes Pod Security {level!r}", "; ".join(found))


def check(env: Env) -> Result:
    r = Result()
    profiles = {p["slug"]: p for p in env.s("profiles", [])}
    listed = dig(env.merged, "singleuser.profileList") or []
    slugs = [p.get("slug") for p in listed]
    r.expect(sorted(s for s in slugs if s) == sorted(profiles) and None not in slugs,
             f"singleuser.profileList has the spec's profiles {sorted(profiles)}",
             f"it has {slugs}")
    with tempfile.TemporaryDirectory(prefix="jhubgen-pods-") as tmp:
        root = Path(tmp)
        secret = hub_secret(env)
        config_file = lay_out_hub(env, root, secret)
        kubeconfig = root / "kubeconfig"
        kubeconfig.write_text(FAKE_KUBECONFIG)
        variables = hub_container_env(env, secret, {"hub": 8081, "proxy-api": 8001, "proxy-public": 80})
        variables["KUBECONFIG"] = str(kubeconfig)
        with environ(variables, remove=IN_CLUSTER_VARS):
            config, _ = load_chart_config(config_file)

            async def run_all():
                results = []
                for slug in slugs:
                    if not slug:
                        continue
                    try:
                        results.append((slug, *await profile_pod(config, env, slug)))
                    except Exception as e:
                        r.fail(f"profile {slug!r}: KubeSpawner could not build its pod: "
                               f"{type(e).__name__}: {e}")
                # let kubespawner's shared-client closers finish
                for task in asyncio.all_tasks() - {asyncio.current_task()}:
                    task.cancel()
                return results

            built = asyncio.run(run_all())
        for slug, spawner, pod, pvc in built:
            profile = profiles.get(slug)
            if profile is None:
                r.fail(f"profile {slug!r} is in singleuser.profileList but not in the spec")
                continue
            check_profile(env, r, slug, profile, spawner, pod, pvc)
        if built:
            want = expected_delete_pvc(env)
            spawner = built[0][1]
            r.expect(spawner.delete_pvc == want,
                     f"a user's volume is {'deleted' if want else 'kept'} when the user is deleted",
                     f"KubeSpawner.delete_pvc is {spawner.delete_pvc} (spec storage.delete_with_user, "
                     f"default: kept in production and staging)")
    check_chart_pods(env, r, env.s("cluster.pod_security", "privileged"))
    return r
