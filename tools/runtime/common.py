"""What the three runtime checks share: reading an environment folder, the
chart's rendering of values into the hub's Secret, ConfigMap and container
environment, and the report format.

Nothing here is copied from the chart: the rendering rules (Helm's merge of
values over the chart defaults, the resource names of `_helpers-names.tpl`,
the keys of `templates/hub/secret.yaml` and `configmap.yaml`, the env of
`templates/hub/deployment.yaml`) are re-implemented from the chart 4.4.0
sources, and the chart's own `jupyterhub_config.py` and `z2jh.py` are used
unchanged except for the mount prefix.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import secrets
import shutil
import string
import uuid
import os
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
VALUES_DEFAULTS = REPO / "schema/upstream/z2jh/values.defaults.json"
# The chart's files/hub/ at tag 4.4.0, read from the team's oracles (shared/
# beside the repository, on every developer machine and in CI; SOURCE.md there
# records their provenance and licence). Never copied into the project: it is
# upstream code. JHUBGEN_ORACLES points elsewhere.
ORACLES = Path(os.environ.get("JHUBGEN_ORACLES", REPO.parent / "shared" / "oracles"))
CHART_HUB_FILES = ORACLES / "z2jh" / "hub"
CHART_HUB_SHA256 = {
    "jupyterhub_config.py": "561cb70a05e1c2f563741edb6aec55fdc5f5be5a6e4ee980e862977feeb3e92a",
    "z2jh.py": "6312594f0c92f920da2d6c9fb232b97ab5e7dc29acdbfae950cb0ef8fe235790",
}
CHART_PREFIX = "/usr/local/etc/jupyterhub"

CHART_NAME = "jupyterhub"
CHART_VERSION = "4.4.0"
CHART_APP_VERSION = "5.5.0"


class CheckError(Exception):
    """A check could not run, or found a problem that stops it early."""


# --------------------------------------------------------------------------
# reading an environment folder
# --------------------------------------------------------------------------


# the validators' loader: duplicate keys are errors
sys.path.insert(0, str(REPO / "tools" / "validators"))
from helm_values import helm_merge  # noqa: E402
from strict_yaml import StrictLoader  # noqa: E402


def load_yaml(path: Path) -> dict:
    try:
        with open(path) as f:
            docs = [d for d in yaml.load_all(f, Loader=StrictLoader) if d is not None]
    except OSError as e:
        raise CheckError(f"cannot read {path}: {e}")
    except yaml.YAMLError as e:
        raise CheckError(f"{path}: invalid YAML: {e}")
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise CheckError(f"{path}: expected one YAML mapping")
    return docs[0]




def chart_defaults() -> dict:
    """The packaged chart's values.yaml: the repository's defaults with the
    image tags chartpress sets at release (`set-by-chartpress` -> 4.4.0)."""
    text = VALUES_DEFAULTS.read_text().replace('"set-by-chartpress"', f'"{CHART_VERSION}"')
    return json.loads(text)


def dig(tree, dotted: str, default=None):
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


class Env:
    """An environment folder: values.yaml (+ servicemonitor.yaml) and spec.json."""

    def __init__(self, path: str):
        self.label = path
        self.dir = Path(path)
        if not self.dir.is_dir():
            raise CheckError(f"{path} is not a folder")
        self.values = load_yaml(self.dir / "values.yaml")
        try:
            self.spec = json.loads((self.dir / "spec.json").read_text())
        except OSError as e:
            raise CheckError(f"cannot read spec.json: {e}")
        except ValueError as e:
            raise CheckError(f"spec.json: invalid JSON: {e}")
        monitor = self.dir / "servicemonitor.yaml"
        self.servicemonitor = load_yaml(monitor) if monitor.exists() else None
        self.merged = helm_merge(chart_defaults(), self.values)

    def s(self, dotted: str, default=None):
        """A spec value (missing keys and nulls give the default)."""
        value = dig(self.spec, dotted, None)
        return default if value is None else value

    @property
    def release(self) -> str:
        return self.s("environment.release", "jupyterhub")

    @property
    def namespace(self) -> str:
        return self.s("environment.namespace", "default")


# --------------------------------------------------------------------------
# the chart's rendering
# --------------------------------------------------------------------------


def chart_names(merged: dict, release: str) -> dict:
    """The ConfigMap's resource names (`jupyterhub.name-templates`)."""
    override = merged.get("fullnameOverride")
    if isinstance(override, str):
        fullname = override
    else:
        name = merged.get("nameOverride") or CHART_NAME
        fullname = release if name in release else f"{release}-{name}"
    dash = f"{fullname}-" if fullname else ""
    existing = dig(merged, "hub.existingSecret") or ""

    def sa(path, default_name):
        if dig(merged, f"{path}.create"):
            return dig(merged, f"{path}.name") or default_name
        return dig(merged, f"{path}.name") or "default"

    n = {
        "fullname": fullname,
        "fullname-dash": dash,
        "hub": f"{dash}hub",
        "proxy": f"{dash}proxy",
        "autohttps": f"{dash}autohttps",
        "user-scheduler-deploy": f"{dash}user-scheduler",
        "user-placeholder": f"{dash}user-placeholder",
        "hook-image-awaiter": f"{dash}hook-image-awaiter",
        "hook-image-puller": f"{dash}hook-image-puller",
        "continuous-image-puller": f"{dash}continuous-image-puller",
        "singleuser": f"{dash}singleuser",
        "image-pull-secret": f"{dash}image-pull-secret",
        "ingress": fullname or "jupyterhub",
    }
    n["hub-serviceaccount"] = sa("hub.serviceAccount", n["hub"])
    n["hub-existing-secret"] = existing
    n["hub-existing-secret-or-default"] = existing or n["hub"]
    n["hub-pvc"] = f"{n['hub']}-db-dir"
    n["proxy-api"] = f"{n['proxy']}-api"
    n["proxy-http"] = f"{n['proxy']}-http"
    n["proxy-public"] = f"{n['proxy']}-public"
    n["proxy-public-tls"] = f"{n['proxy-public']}-tls-acme"
    n["proxy-public-manual-tls"] = f"{n['proxy-public']}-manual-tls"
    n["autohttps-serviceaccount"] = sa("proxy.traefik.serviceAccount", n["autohttps"])
    n["user-scheduler-serviceaccount"] = sa("scheduling.userScheduler.serviceAccount",
                                            n["user-scheduler-deploy"])
    n["user-scheduler-lock"] = f"{n['user-scheduler-deploy']}-lock"
    n["image-puller-priority"] = f"{dash}image-puller" if fullname else f"{release}-image-puller-priority"
    n["hook-image-awaiter-serviceaccount"] = sa("prePuller.hook.serviceAccount", n["hook-image-awaiter"])
    n["hook-image-puller-serviceaccount"] = (dig(merged, "prePuller.hook.serviceAccountImagePuller.name")
                                             or n["hook-image-puller"])
    n["continuous-image-puller-serviceaccount"] = (dig(merged, "prePuller.continuous.serviceAccount.name")
                                                   or n["continuous-image-puller"])
    n["priority"] = fullname or f"{release}-default-priority"
    n["user-placeholder-priority"] = n["user-placeholder"] if fullname else f"{release}-user-placeholder-priority"
    n["user-scheduler"] = n["user-scheduler-deploy"] if fullname else f"{release}-user-scheduler"
    return n


def service_env_name(service: str) -> str:
    """Kubernetes' `<NAME>_SERVICE_HOST` prefix for a Service name."""
    return service.upper().replace("-", "_")


def random_hex(n: int = 64) -> str:
    return secrets.token_hex(n // 2)


def hub_secret(env: Env) -> dict:
    """The keys of the rendered `hub` Secret (`templates/hub/secret.yaml`),
    with the values the chart would generate on a first install."""
    merged = env.merged
    values = copy.deepcopy(merged)
    values["Chart"] = {"Name": CHART_NAME, "Version": CHART_VERSION, "AppVersion": CHART_APP_VERSION}
    values["Release"] = {"Name": env.release, "Namespace": env.namespace, "Service": "Helm"}
    data = {"values.yaml": yaml.safe_dump(values, sort_keys=True)}
    if dig(merged, "hub.db.password"):
        data["hub.db.password"] = str(dig(merged, "hub.db.password"))
    for key, service in (dig(merged, "hub.services") or {}).items():
        service = service or {}
        token = service.get("api_token") or service.get("apiToken") or random_hex()
        data[f"hub.services.{key}.apiToken"] = str(token)
    data["hub.config.ConfigurableHTTPProxy.auth_token"] = str(
        dig(merged, "hub.config.ConfigurableHTTPProxy.auth_token")
        or dig(merged, "proxy.secretToken")
        or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(64)))
    data["hub.config.JupyterHub.cookie_secret"] = str(
        dig(merged, "hub.config.JupyterHub.cookie_secret") or dig(merged, "hub.cookieSecret") or random_hex())
    keys = dig(merged, "hub.config.CryptKeeper.keys")
    data["hub.config.CryptKeeper.keys"] = ";".join(keys) if keys else random_hex()
    return data


def secret_env(env: "Env", variables: dict, secret: str, key: str):
    """(variable, value): the hub.extraEnv variable that reads key KEY of
    Secret SECRET, and the (fake) value the container gets; (None, None)
    when no variable reads it."""
    section = dig(env.merged, "hub.extraEnv") or {}
    if isinstance(section, dict):
        items = section.items()
    else:
        items = [(i.get("name"), i) for i in section if isinstance(i, dict)]
    for name, item in items:
        ref = dig(item, "valueFrom.secretKeyRef") if isinstance(item, dict) else None
        if ref and ref.get("name") == secret and ref.get("key") == key:
            return name, variables.get(name)
    return None, None


def fake_value(name: str, ref: dict) -> str:
    """A stable stand-in for a value the cluster would inject (a GUID, as
    Entra ID's client and tenant ids are)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"jhubgen-runtime/{name}/{json.dumps(ref, sort_keys=True)}"))


def extra_env(section, namespace: str, pod_name: str = "hub-0") -> dict:
    """`hub.extraEnv` (map or list form) as the container sees it, with fake
    values for what Secrets and ConfigMaps would supply."""
    items = []
    if isinstance(section, dict):
        for key, value in section.items():
            if isinstance(value, dict):
                items.append({"name": key, **value})
            else:
                items.append({"name": key, "value": value})
    elif isinstance(section, list):
        items = section
    env = {}
    for item in items:
        name = item.get("name")
        if not name:
            raise CheckError(f"extraEnv entry without a name: {item!r}")
        if "value" in item:
            env[name] = str(item["value"])
            continue
        source = item.get("valueFrom") or {}
        if "fieldRef" in source:
            path = source["fieldRef"].get("fieldPath")
            env[name] = {"metadata.namespace": namespace, "metadata.name": pod_name}.get(path, "fake-field")
        else:
            env[name] = fake_value(name, source)
    return env


def hub_container_env(env: Env, secret: dict, ports: dict) -> dict:
    """The hub container's environment (`templates/hub/deployment.yaml`) and
    the Service variables Kubernetes adds, pointing at loopback ports."""
    names = chart_names(env.merged, env.release)
    out = {
        "PYTHONUNBUFFERED": "1",
        "HELM_RELEASE_NAME": env.release,
        "POD_NAMESPACE": env.namespace,
        "CONFIGPROXY_AUTH_TOKEN": secret["hub.config.ConfigurableHTTPProxy.auth_token"],
    }
    out.update(extra_env(dig(env.merged, "hub.extraEnv"), env.namespace))
    for service, port in (("hub", ports.get("hub")), ("proxy-api", ports.get("proxy-api")),
                          ("proxy-public", ports.get("proxy-public"))):
        if port is None:
            continue
        prefix = service_env_name(names[service])
        out[f"{prefix}_SERVICE_HOST"] = "127.0.0.1"
        out[f"{prefix}_SERVICE_PORT"] = str(port)
    return out


def lay_out_hub(env: Env, root: Path, secret: dict) -> Path:
    """Write what the hub pod mounts under /usr/local/etc/jupyterhub into
    ROOT/etc/jupyterhub (the ConfigMap as `config/`, the Secret as
    `secret/`, the two chart files with the prefix replaced) and return the
    path of jupyterhub_config.py. ROOT/srv is the working directory."""
    etc = root / "etc" / "jupyterhub"
    (etc / "config").mkdir(parents=True)
    (etc / "secret").mkdir()
    (etc / "jupyterhub_config.d").mkdir()
    (root / "srv").mkdir()
    prefix = str(etc)
    for name, sha in CHART_HUB_SHA256.items():
        try:
            raw = (CHART_HUB_FILES / name).read_bytes()
        except OSError as e:
            raise CheckError(
                f"cannot read the chart's {name} at {CHART_HUB_FILES} ({e.strerror}): "
                "the checks need shared/oracles/ beside the repository, or JHUBGEN_ORACLES"
            )
        if hashlib.sha256(raw).hexdigest() != sha:
            raise CheckError(f"{CHART_HUB_FILES / name} is not the chart 4.4.0 file (sha256 differs)")
        source = raw.decode()
        if CHART_PREFIX not in source:
            raise CheckError(f"{CHART_HUB_FILES / name} does not mention {CHART_PREFIX}")
        (etc / name).write_text(source.replace(CHART_PREFIX, prefix))
        # the ConfigMap carries them too (files/hub/* AsConfig)
        shutil.copy(CHART_HUB_FILES / name, etc / "config" / name)
    for key, value in chart_names(env.merged, env.release).items():
        (etc / "config" / key).write_text(value)
    for key, value in secret.items():
        (etc / "secret" / key).write_text(value)
    for key, item in (dig(env.merged, "hub.extraFiles") or {}).items():
        mount = str((item or {}).get("mountPath") or "")
        if not mount.startswith(CHART_PREFIX + "/"):
            continue  # outside the config folder: nothing the hub's config reads
        target = etc / mount[len(CHART_PREFIX) + 1:]
        target.parent.mkdir(parents=True, exist_ok=True)
        if "stringData" in item:
            target.write_text(str(item["stringData"]))
        elif "binaryData" in item:
            target.write_bytes(base64.b64decode(item["binaryData"]))
        elif "data" in item and target.suffix == ".json":
            target.write_text(json.dumps(item["data"]))
        elif "data" in item and target.suffix in (".yaml", ".yml"):
            target.write_text(yaml.safe_dump(item["data"]))
        else:
            raise CheckError(f"hub.extraFiles.{key}: cannot lay out {mount} (only stringData, binaryData, "
                             "or data for .json/.yaml files)")
    return etc / "jupyterhub_config.py"


# --------------------------------------------------------------------------
# memory sizes, as JupyterHub reads them (jupyterhub.traitlets.ByteSpecification)
# --------------------------------------------------------------------------

_UNITS = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}


def parse_bytes(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([KMGT])", str(value))
    if not m:
        raise CheckError(f"{value!r} is not a K/M/G/T memory size")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------


class Result:
    """What one check found: passed steps, failures and notes."""

    def __init__(self):
        self.passed: list[str] = []
        self.failed: list[str] = []
        self.notes: list[str] = []

    def expect(self, ok: bool, what: str, why: str = ""):
        if ok:
            self.passed.append(what)
        else:
            self.failed.append(f"{what}: {why}" if why else what)
        return ok

    def fail(self, what: str):
        self.failed.append(what)

    def note(self, what: str):
        self.notes.append(what)
