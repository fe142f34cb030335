"""Proves the alert tests can fail: each mutation is a mistake a hand-written
alert commonly makes; with it, `check.py`'s rule-tests must FAIL (and pass
without it). Run on a generated environment folder:

    target/validators-venv/bin/python tools/monitoring/selftest.py ENVDIR
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (what the mistake is, text in prometheusrule.yaml, what replaces it)
MUTATIONS = [
    ("spawn failures read as a raw counter (a hub restart resets it)",
     "sum(increase(jupyterhub_server_spawn_duration_seconds_count{namespace=\"{ns}\", status=\"failure\"}[15m]))",
     "sum(jupyterhub_server_spawn_duration_seconds_count{namespace=\"{ns}\", status=\"failure\"})"),
    ("hub down without absent() (a vanished target never alerts)",
     " or absent(up{job=\"hub\", namespace=\"{ns}\"})", ""),
    ("pending pods of every kind (the hub's own pod counted as a user's)",
     "pod=~\"jupyter-.+\", phase=\"Pending\"", "phase=\"Pending\""),
    ("slow spawns over failures too", "status=\"success\"}[30m]", "}[30m]"),
    ("proxy failures of adds only (a failed delete leaves a route to a stopped server)",
     " + sum(increase(jupyterhub_proxy_delete_duration_seconds_count{namespace=\"{ns}\", status=\"failure\"}[15m]))", ""),
    ("volume threshold as a fraction", "persistentvolumeclaim=\"hub-db-dir\"} > 90",
     "persistentvolumeclaim=\"hub-db-dir\"} > 0.9"),
]


def rule_tests(env: Path) -> tuple[bool, str]:
    p = subprocess.run([sys.executable, str(HERE / "check.py"), str(env)], capture_output=True, text=True)
    line = next((l for l in p.stdout.splitlines() if " rule-tests " in l), "")
    return line.startswith("ok "), p.stdout


def main(argv):
    env = Path(argv[0])
    import yaml
    ns = yaml.safe_load((env / "prometheusrule.yaml").read_text())["metadata"]["namespace"]
    ok, out = rule_tests(env)
    failures = 0 if ok else 1
    print(f"{'ok' if ok else 'FAIL'} unmutated rules pass their tests")
    if not ok:
        print(out)
    text = (env / "prometheusrule.yaml").read_text()
    for what, old, new in MUTATIONS:
        old, new = old.replace("{ns}", ns), new.replace("{ns}", ns)
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / env.name
            shutil.copytree(env, copy)
            if old not in text:
                print(f"FAIL {what}: the mutation does not apply (the rule changed?)")
                failures += 1
                continue
            (copy / "prometheusrule.yaml").write_text(text.replace(old, new))
            passed, _ = rule_tests(copy)
            print(f"{'FAIL' if passed else 'ok'} caught: {what}")
            failures += passed
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
