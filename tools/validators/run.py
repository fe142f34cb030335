#!/usr/bin/env python3
"""Check jhubgen's generated files with third-party validators.

Usage (with the venv that setup.sh makes):

    target/validators-venv/bin/python tools/validators/run.py ENVDIR [ENVDIR...]

Each ENVDIR holds values.yaml, ingress.yaml and servicemonitor.yaml, and
namespace.yaml where the environment writes its Namespace. Every check
prints one line per file, "ok" or "FAIL" followed by the validator's errors,
and the exit code is 1 if any check failed, 0 otherwise. A validator that
cannot run (missing tool, import error, crash) is a FAIL, never a skip.

Checks (README.md in this folder says more):
  chart-schema          values.yaml merged over the chart 4.4.0 defaults the
                        way Helm does, then JSON Schema draft-07 against the
                        chart's values.schema.json.
  hub-config            hub.config sections and keys against the real traitlets
                        classes of JupyterHub 5.5.0, OAuthenticator 17.4.0 and
                        KubeSpawner 7.0.0; the authenticator is instantiated;
                        singleuser.profileList overrides against KubeSpawner.
  namespace             kubernetes-validate --strict for Kubernetes 1.30, and
                        Pod Security Admission labels with valid levels/versions.
  ingress               kubernetes-validate --strict for Kubernetes 1.30.
  servicemonitor        check-jsonschema CLI with the ServiceMonitor CRD schema.
  servicemonitor-strict the same schema with unknown fields rejected, the way
                        `kubectl apply` (strict field validation) does.
  dashboard-configmap, cloudflared-config, cloudflared
                        kubernetes-validate --strict on the dashboard's ConfigMap
                        and cloudflared's ConfigMap and Deployment, where the
                        environment has them ("absent" otherwise).
  (The PrometheusRule and the dashboard JSON: tools/monitoring/check.py.)
"""

from __future__ import annotations

import copy
import difflib
import importlib.resources
import json
import logging
import os
import re
import subprocess
import sys
import traceback
import warnings
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
VALUES_SCHEMA = REPO / "schema/upstream/z2jh/values.schema.json"
VALUES_DEFAULTS = REPO / "schema/upstream/z2jh/values.defaults.json"
SERVICEMONITOR_SCHEMA = REPO / "schema/upstream/prometheus-operator/servicemonitor.schema.json"

KUBERNETES_VERSION = "1.30.0"
BIN = Path(sys.executable).parent  # the venv's bin/, where the CLIs live


class CheckError(Exception):
    """A check could not even start (unreadable file, wrong document shape)."""


# --------------------------------------------------------------------------
# YAML loading
# --------------------------------------------------------------------------


from strict_yaml import StrictLoader  # noqa: E402 (this folder is on sys.path)


def load_document(path: str) -> dict:
    """The single YAML document of a generated file (after its # header)."""
    try:
        with open(path) as stream:  # a stream, so YAML errors name the file
            docs = [d for d in yaml.load_all(stream, Loader=StrictLoader) if d is not None]
    except OSError as e:
        raise CheckError(f"cannot read: {e}")
    except yaml.YAMLError as e:
        raise CheckError(f"invalid YAML: {e}")
    if len(docs) != 1:
        raise CheckError(f"expected exactly one YAML document, found {len(docs)}")
    if not isinstance(docs[0], dict):
        raise CheckError(f"top level is a {type(docs[0]).__name__}, not a mapping")
    return docs[0]


def fmt_path(parts) -> str:
    """["spec", "endpoints", 0, "port"] -> "spec.endpoints[0].port"."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(root)"


# --------------------------------------------------------------------------
# a. chart-schema
# --------------------------------------------------------------------------


from helm_values import helm_merge  # noqa: E402 (this folder is on sys.path)


def merged_values(path: str) -> dict:
    defaults = json.loads(VALUES_DEFAULTS.read_text())
    return helm_merge(defaults, load_document(path))


def check_chart_schema(path: str):
    from jsonschema import Draft7Validator

    schema = json.loads(VALUES_SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    merged = merged_values(path)
    errors = sorted(
        Draft7Validator(schema).iter_errors(merged),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    return [f"{fmt_path(e.absolute_path)}: {e.message}" for e in errors], []


# --------------------------------------------------------------------------
# b. hub-config (traitlets)
# --------------------------------------------------------------------------

# Packages whose Configurable classes may be named as hub.config sections.
# jupyter_events is there for EventLogger, which the hub instantiates.
CONFIG_PACKAGES = ("jupyterhub", "oauthenticator", "kubespawner", "jupyter_events")
ENTRY_POINT_GROUPS = ("jupyterhub.authenticators", "jupyterhub.spawners", "jupyterhub.proxies")

# Keys a KubeSpawner profile may have (kubespawner 7.0.0 profile_list help).
PROFILE_KEYS = {"display_name", "description", "slug", "default", "kubespawner_override", "profile_options"}
OPTION_KEYS = {"display_name", "choices", "unlisted_choice"}
CHOICE_KEYS = {"display_name", "default", "kubespawner_override"}
UNLISTED_KEYS = {"enabled", "display_name", "display_name_in_choices", "validation_regex",
                 "validation_message", "kubespawner_override"}

# The chart's jupyterhub_config.py turns these singleuser.* values into traits.
CHART_TO_KUBESPAWNER = [
    (("singleuser", "memory", "limit"), "mem_limit"),
    (("singleuser", "memory", "guarantee"), "mem_guarantee"),
    (("singleuser", "cpu", "limit"), "cpu_limit"),
    (("singleuser", "cpu", "guarantee"), "cpu_guarantee"),
]

_registry = None


def config_registry():
    """Map class name -> [Configurable classes] that a hub.config section can name.

    Imports the hub application, KubeSpawner (the chart's spawner), and every
    class registered under JupyterHub's entry-point groups, then collects every
    Configurable subclass defined in CONFIG_PACKAGES plus all their bases
    (Application, LoggingConfigurable, ...), as traitlets matches sections by
    class name anywhere in an instance's MRO.
    """
    global _registry
    if _registry is not None:
        return _registry
    from importlib.metadata import entry_points

    from traitlets.config import Configurable

    import jupyterhub.app  # noqa: F401
    import kubespawner  # noqa: F401
    import kubespawner.proxy  # noqa: F401

    broken = {}
    for group in ENTRY_POINT_GROUPS:
        for ep in entry_points(group=group):
            try:
                ep.load()
            except Exception as e:  # e.g. mediawiki needs the optional mwoauth
                broken[ep.name] = f"{ep.value}: {e!r}"

    def all_subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from all_subclasses(sub)

    by_name = defaultdict(list)
    for cls in set(all_subclasses(Configurable)):
        module = cls.__module__
        if module.split(".")[0] not in CONFIG_PACKAGES or ".tests" in module:
            continue
        for base in cls.__mro__:
            if isinstance(base, type) and issubclass(base, Configurable) and base not in by_name[base.__name__]:
                by_name[base.__name__].append(base)
    _registry = (dict(by_name), broken)
    return _registry


def bare(cls):
    """An instance with traits set up but __init__ not run (no side effects)."""
    return cls.__new__(cls)


def validate_trait(cls, name, value):
    """Value as the trait accepts it, or raises (TraitError, ValueError, ...).

    trait._validate is what setattr runs when traitlets loads config: the
    trait's validate() (with casting, e.g. list -> set) plus the class's
    @validate cross-validators; observers are not fired here.
    """
    trait = cls.class_traits(config=True)[name]
    return trait._validate(bare(cls), copy.deepcopy(value))


def suggest(word, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def effective_config_value(config: dict, cls, key):
    """The value traitlets would give `key` on `cls`: most derived section wins."""
    found = None
    for c in reversed(cls.__mro__):
        section = config.get(c.__name__)
        if isinstance(section, dict) and key in section:
            found = (c.__name__, section[key])
    return found


def check_hub_config_sections(hub_config: dict, by_name: dict, errors: list):
    """Every section is a class, every key a config trait, every value valid."""
    resolved = {}
    for section, body in hub_config.items():
        where = f"hub.config.{section}"
        classes = by_name.get(str(section))
        if not classes:
            errors.append(f"{where}: no traitlets Configurable class named {section!r} in "
                          f"{', '.join(CONFIG_PACKAGES)}{suggest(str(section), by_name)}")
            continue
        if not isinstance(body, dict):
            errors.append(f"{where}: section must be a mapping, got {type(body).__name__}")
            continue
        for key, value in body.items():
            owners = [c for c in classes if key in c.class_traits(config=True)]
            if not owners:
                known = set().union(*(c.class_traits(config=True) for c in classes))
                errors.append(f"{where}.{key}: not a configurable trait of "
                              f"{section}{suggest(str(key), known)}")
                continue
            problems = []
            for cls in owners:
                try:
                    resolved[(section, key)] = validate_trait(cls, key, value)
                    problems = []
                    break
                except Exception as e:
                    problems.append(f"{type(e).__name__}: {e}")
            for p in problems:
                errors.append(f"{where}.{key} = {value!r}: {p}")
    return resolved


def check_authenticator(hub_config: dict, merged: dict, resolved: dict, broken: dict,
                        errors: list, notes: list):
    """Load the authenticator class as the hub does, instantiate it with the
    whole hub.config as a traitlets Config (so observers fire), and check
    oauth_callback_url."""
    from importlib.metadata import entry_points

    from jupyterhub.app import JupyterHub
    from traitlets.config import Config

    section = hub_config.get("JupyterHub")
    name = section.get("authenticator_class") if isinstance(section, dict) else None
    if ("JupyterHub", "authenticator_class") in resolved:
        auth_cls = resolved[("JupyterHub", "authenticator_class")]
    elif name is None:  # not configured: the hub's default
        auth_cls = validate_trait(JupyterHub, "authenticator_class",
                                  JupyterHub.class_traits()["authenticator_class"].default_value)
    else:  # given but rejected: the section check has reported it; add why
        if isinstance(name, str) and name in broken:
            errors.append(f"entry point {name!r} is registered but fails to load: {broken[name]}")
        elif isinstance(name, str) and "." not in name:
            names = sorted(ep.name for ep in entry_points(group="jupyterhub.authenticators"))
            errors.append(f"{name!r} is not a jupyterhub.authenticators entry point name"
                          f"{suggest(name, names)}; registered: {', '.join(names)}")
        return
    if isinstance(name, str):
        how = "entry point" if "." not in name else "import"
        notes.append(f"authenticator_class {name!r} -> {auth_cls.__module__}.{auth_cls.__name__} ({how})")

    # Instantiate. Warnings the instance logs are shown as notes.
    captured = []

    class Capture(logging.Handler):
        def emit(self, record):
            captured.append(record.getMessage())

    handler = Capture(level=logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            auth_cls(config=Config(copy.deepcopy(hub_config)))
        captured.extend(str(w.message) for w in caught)
    except Exception as e:
        errors.append(f"instantiating {auth_cls.__name__} with hub.config failed: "
                      f"{type(e).__name__}: {e}")
    finally:
        root.removeHandler(handler)
    for message in captured:
        notes.append(f"{auth_cls.__name__} warned: {message.splitlines()[0]}")

    # oauth_callback_url: set explicitly, https, path <baseUrl>hub/oauth_callback.
    if "oauth_callback_url" not in auth_cls.class_traits(config=True):
        return
    found = effective_config_value(hub_config, auth_cls, "oauth_callback_url")
    if not found or not found[1]:
        errors.append(f"hub.config.{auth_cls.__name__}.oauth_callback_url is not set "
                      "(the hub would guess it from the request, which breaks behind TLS-terminating proxies)")
        return
    from urllib.parse import urlsplit

    section, url = found
    base_url = merged.get("hub", {}).get("baseUrl") or "/"
    want_path = base_url.rstrip("/") + "/hub/oauth_callback"
    parts = urlsplit(str(url))
    if parts.scheme != "https" or not parts.netloc or parts.path != want_path:
        errors.append(f"hub.config.{section}.oauth_callback_url = {url!r}: expected "
                      f"https://<public host>{want_path} (hub.baseUrl is {base_url!r})")


def check_override(where: str, override, errors: list, keys_only: bool = False):
    """A kubespawner_override: keys are KubeSpawner config traits and values
    are accepted, computed as KubeSpawner._apply_overrides would: a dict
    onto a dict-valued trait is merged into the default with
    kubespawner.utils.recursive_update (None deletes a key), anything else
    replaces the value."""
    from kubespawner import KubeSpawner
    from kubespawner.utils import recursive_update

    if not isinstance(override, dict):
        errors.append(f"{where}: must be a mapping, got {type(override).__name__}")
        return
    traits = KubeSpawner.class_traits(config=True)
    spawner = bare(KubeSpawner)
    for key, value in override.items():
        if key not in traits:
            errors.append(f"{where}.{key}: not a configurable trait of KubeSpawner{suggest(str(key), traits)}")
            continue
        if keys_only:
            continue
        candidate = copy.deepcopy(value)
        try:
            current = getattr(spawner, key)
        except Exception:
            current = None
        if isinstance(value, dict) and isinstance(current, dict):
            candidate = copy.deepcopy(current)
            recursive_update(candidate, copy.deepcopy(value))
        try:
            traits[key]._validate(spawner, candidate)
        except Exception as e:
            errors.append(f"{where}.{key} = {value!r}: {type(e).__name__}: {e}")


def check_profiles(merged: dict, errors: list, notes: list):
    from kubespawner import KubeSpawner
    from slugify import slugify

    profiles = (merged.get("singleuser") or {}).get("profileList")
    if not profiles:
        return
    try:
        validate_trait(KubeSpawner, "profile_list", profiles)
    except Exception as e:
        errors.append(f"singleuser.profileList: KubeSpawner.profile_list rejects it: {e}")
        return
    slugs = defaultdict(list)
    defaults = []
    for i, profile in enumerate(profiles):
        where = f"singleuser.profileList[{i}]"
        for key in profile:
            if key not in PROFILE_KEYS:
                errors.append(f"{where}.{key}: not a key KubeSpawner reads from a profile{suggest(str(key), PROFILE_KEYS)}")
        if "display_name" not in profile:
            errors.append(f"{where}: display_name is required")
        slug = profile.get("slug") or slugify(str(profile.get("display_name", "")))
        slugs[slug].append(i)
        if profile.get("default"):
            defaults.append(i)
        check_override(f"{where}.kubespawner_override", profile.get("kubespawner_override", {}), errors)
        options = profile.get("profile_options") or {}
        if not isinstance(options, dict):
            errors.append(f"{where}.profile_options: must be a mapping")
            continue
        for opt_name, option in options.items():
            owhere = f"{where}.profile_options.{opt_name}"
            if not isinstance(option, dict):
                errors.append(f"{owhere}: must be a mapping")
                continue
            for key in option:
                if key not in OPTION_KEYS:
                    errors.append(f"{owhere}.{key}: not a key KubeSpawner reads{suggest(str(key), OPTION_KEYS)}")
            choices = option.get("choices") or {}
            if sum(1 for c in choices.values() if isinstance(c, dict) and c.get("default")) > 1:
                errors.append(f"{owhere}.choices: more than one choice has default: true")
            for cname, choice in choices.items():
                cwhere = f"{owhere}.choices.{cname}"
                if not isinstance(choice, dict):
                    errors.append(f"{cwhere}: must be a mapping")
                    continue
                for key in choice:
                    if key not in CHOICE_KEYS:
                        errors.append(f"{cwhere}.{key}: not a key KubeSpawner reads{suggest(str(key), CHOICE_KEYS)}")
                check_override(f"{cwhere}.kubespawner_override", choice.get("kubespawner_override", {}), errors)
            unlisted = option.get("unlisted_choice") or {}
            for key in unlisted:
                if key not in UNLISTED_KEYS:
                    errors.append(f"{owhere}.unlisted_choice.{key}: not a key KubeSpawner reads{suggest(str(key), UNLISTED_KEYS)}")
            # Values are templates filled with the user's input: keys only.
            check_override(f"{owhere}.unlisted_choice.kubespawner_override",
                           unlisted.get("kubespawner_override", {}), errors, keys_only=True)
    for slug, where in slugs.items():
        if len(where) > 1:
            errors.append(f"singleuser.profileList: slug {slug!r} is used by profiles {where} (first match wins)")
    if len(defaults) > 1:
        errors.append(f"singleuser.profileList: profiles {defaults} all have default: true (at most one may)")
    notes.append(f"{len(profiles)} profile(s): {', '.join(slugs)}")


def check_chart_kubespawner(merged: dict, errors: list):
    from kubespawner import KubeSpawner

    for path, trait in CHART_TO_KUBESPAWNER:
        value = merged
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        try:
            validate_trait(KubeSpawner, trait, value)
        except Exception as e:
            errors.append(f"{'.'.join(path)} = {value!r} (-> KubeSpawner.{trait}): {e}")


def check_hub_config(path: str):
    merged = merged_values(path)
    try:
        by_name, broken = config_registry()
    except Exception as e:
        raise CheckError(f"cannot import jupyterhub/oauthenticator/kubespawner ({e!r}); "
                         "run with target/validators-venv/bin/python after tools/validators/setup.sh")
    errors, notes = [], []
    hub_config = (merged.get("hub") or {}).get("config") or {}
    if not isinstance(hub_config, dict):
        return [f"hub.config must be a mapping, got {type(hub_config).__name__}"], notes
    resolved = check_hub_config_sections(hub_config, by_name, errors)
    check_authenticator(hub_config, merged, resolved, broken, errors, notes)
    check_chart_kubespawner(merged, errors)
    check_profiles(merged, errors, notes)
    return errors, notes


# --------------------------------------------------------------------------
# c. ingress (kubernetes-validate)
# --------------------------------------------------------------------------


def assert_kind(doc: dict, api_version: str, kind: str) -> list:
    errors = []
    if doc.get("apiVersion") != api_version:
        errors.append(f"apiVersion is {doc.get('apiVersion')!r}, expected {api_version!r}")
    if doc.get("kind") != kind:
        errors.append(f"kind is {doc.get('kind')!r}, expected {kind!r}")
    return errors


def run_tool(argv: list) -> tuple[int, str]:
    exe = BIN / argv[0]
    if not exe.exists():
        raise CheckError(f"{argv[0]} not found at {exe}; run tools/validators/setup.sh")
    proc = subprocess.run([str(exe), *argv[1:]], capture_output=True, text=True)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def kubernetes_validate(path: str) -> list:
    """kubernetes-validate --strict for KUBERNETES_VERSION; its complaints, if any."""
    rc, output = run_tool(["kubernetes-validate", "--kubernetes-version", KUBERNETES_VERSION, "--strict", path])
    lines = output.splitlines()
    # Exit 0 is not enough: a kind without a schema is only a WARN with exit 0.
    passed = any(line.startswith("INFO ") and " passed " in line for line in lines)
    bad = [line for line in lines if line.split(" ", 1)[0] in ("WARN", "ERROR", "FATAL")]
    if rc != 0 or bad or not passed:
        return [f"kubernetes-validate exit {rc}:"] + ["  " + line for line in lines]
    return []


def check_ingress(path: str):
    errors = assert_kind(load_document(path), "networking.k8s.io/v1", "Ingress")
    return errors + kubernetes_validate(path), []


PSA_LEVELS = {"privileged", "baseline", "restricted"}
PSA_VERSION = re.compile(r"^(latest|v1\.[0-9]+)$")


def check_namespace(path: str):
    """kubernetes-validate --strict, and Pod Security Admission labels with
    the values the admission controller accepts (an unknown level or version
    is not an error there: it falls back, silently, to another level)."""
    if not os.path.exists(path):
        return [], ["no namespace.yaml: the environment does not write its Namespace"]
    doc = load_document(path)
    errors = assert_kind(doc, "v1", "Namespace")
    labels = ((doc.get("metadata") or {}).get("labels") or {})
    psa = {k.split("/", 1)[1]: v for k, v in labels.items() if k.startswith("pod-security.kubernetes.io/")}
    if "enforce" not in psa:
        errors.append("no pod-security.kubernetes.io/enforce label")
    for mode, value in sorted(psa.items()):
        if mode in ("enforce", "warn", "audit"):
            if value not in PSA_LEVELS:
                errors.append(f"pod-security.kubernetes.io/{mode}: {value!r} is not a level ({', '.join(sorted(PSA_LEVELS))})")
        elif mode in ("enforce-version", "warn-version", "audit-version"):
            if not PSA_VERSION.match(str(value)):
                errors.append(f"pod-security.kubernetes.io/{mode}: {value!r} is not `latest` or `v1.N`")
        else:
            errors.append(f"pod-security.kubernetes.io/{mode}: not a Pod Security Admission label")
    errors += kubernetes_validate(path)
    return errors, [f"enforces {psa.get('enforce')}"]


# --------------------------------------------------------------------------
# d. servicemonitor (check-jsonschema) and servicemonitor-strict
# --------------------------------------------------------------------------


def servicemonitor_absent(path: str):
    """An environment without a ServiceMonitor is right only when its values
    expose no metrics service to scrape (`[monitoring] service_monitor =
    false`): a missing file beside a hub that Prometheus should scrape fails."""
    if os.path.exists(path):
        return None
    values = load_document(os.path.join(os.path.dirname(path), "values.yaml"))
    hub = values.get("hub") or {}
    if "prometheus" in (hub.get("services") or {}) or hub.get("authenticatePrometheus") is False:
        return ["missing: the values give Prometheus access to the hub's metrics, but there is no ServiceMonitor"], []
    return [], ["absent: the environment's values expose no metrics service (service_monitor = false)"]


def check_servicemonitor(path: str):
    absent = servicemonitor_absent(path)
    if absent is not None:
        return absent
    errors = assert_kind(load_document(path), "monitoring.coreos.com/v1", "ServiceMonitor")
    rc, output = run_tool(["check-jsonschema", "--schemafile", str(SERVICEMONITOR_SCHEMA),
                           "--color", "never", path])
    if rc != 0:
        errors.append(f"check-jsonschema exit {rc}:")
        errors.extend("  " + line for line in output.splitlines())
    return errors, []


def forbid_unknown_fields(schema):
    """Add additionalProperties: false to every object schema that lists
    properties and has neither additionalProperties nor
    x-kubernetes-preserve-unknown-fields; walks subschemas only."""
    if not isinstance(schema, dict):
        return
    if ("properties" in schema and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")):
        schema["additionalProperties"] = False
    for sub in (schema.get("properties") or {}).values():
        forbid_unknown_fields(sub)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            forbid_unknown_fields(schema[key])
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key) or []:
            forbid_unknown_fields(sub)
    if isinstance(schema.get("items"), list):
        for sub in schema["items"]:
            forbid_unknown_fields(sub)


def object_meta_validator():
    """Kubernetes 1.30 ObjectMeta (strict) from the kubernetes-validate package."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    defs_file = (importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema"
                 / f"v{KUBERNETES_VERSION}-local-strict" / "_definitions.json")
    defs = json.loads(defs_file.read_text())
    registry = Resource.from_contents(defs) @ Registry()
    ref = defs["$id"] + "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    return Draft202012Validator({"$ref": ref}, registry=registry)


def check_servicemonitor_strict(path: str):
    from jsonschema import Draft7Validator

    absent = servicemonitor_absent(path)
    if absent is not None:
        return absent
    doc = load_document(path)
    schema = json.loads(SERVICEMONITOR_SCHEMA.read_text())
    forbid_unknown_fields(schema)
    errors = [f"{fmt_path(e.absolute_path)}: {e.message}"
              for e in sorted(Draft7Validator(schema).iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])]
    if isinstance(doc.get("metadata"), dict):
        errors += [f"{fmt_path(['metadata', *e.absolute_path])}: {e.message} (Kubernetes {KUBERNETES_VERSION} ObjectMeta)"
                   for e in object_meta_validator().iter_errors(doc["metadata"])]
    return errors, []


# --------------------------------------------------------------------------

def check_optional_manifest(path: str):
    """kubernetes-validate --strict on a manifest an environment may have
    (the dashboard's ConfigMap, cloudflared's ConfigMap and Deployment)."""
    if not os.path.exists(path):
        return [], ["absent: this environment does not have it"]
    doc = load_document(path)
    return kubernetes_validate(path), [f"{doc.get('kind')} {doc.get('metadata', {}).get('name')}"]


CHECKS = [
    ("namespace", "namespace.yaml", check_namespace),
    ("chart-schema", "values.yaml", check_chart_schema),
    ("hub-config", "values.yaml", check_hub_config),
    ("ingress", "ingress.yaml", check_ingress),
    ("servicemonitor", "servicemonitor.yaml", check_servicemonitor),
    ("servicemonitor-strict", "servicemonitor.yaml", check_servicemonitor_strict),
    ("dashboard-configmap", "dashboard.yaml", check_optional_manifest),
    ("cloudflared-config", "cloudflared-config.yaml", check_optional_manifest),
    ("cloudflared", "cloudflared.yaml", check_optional_manifest),
]
# These mostly wait for a CLI subprocess (about a second each), so they run in
# a thread pool while the in-process checks run; the output order is kept.
SUBPROCESS_CHECKS = {check_namespace, check_ingress, check_servicemonitor, check_optional_manifest}


def run_check(check, path: str):
    try:
        return check(path)
    except CheckError as e:
        return [str(e)], []
    except Exception:
        return ["validator crashed:"] + traceback.format_exc().rstrip().splitlines(), []


def print_result(name: str, path: str, errors: list, notes: list) -> None:
    print(f"{'FAIL' if errors else 'ok':<5}{name:<22}{path}")
    for text, prefix in [(e, "") for e in errors] + [(n, "note: ") for n in notes]:
        text = re.sub(r" (object )?at 0x[0-9a-f]+>", ">", str(text))  # stable output
        for line in (prefix + text).splitlines():
            print(f"      {line}")
    sys.stdout.flush()


def main(argv: list) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 2 if not argv else 0
    jobs = [(name, os.path.join(os.path.normpath(envdir), filename), check)
            for envdir in argv for name, filename, check in CHECKS]
    failed = False
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        background = {i: pool.submit(run_check, check, path)
                      for i, (_, path, check) in enumerate(jobs) if check in SUBPROCESS_CHECKS}
        for i, (name, path, check) in enumerate(jobs):
            errors, notes = background[i].result() if i in background else run_check(check, path)
            failed = failed or bool(errors)
            print_result(name, path, errors, notes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
