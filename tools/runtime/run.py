#!/usr/bin/env python3
"""Run what the cluster would run on jhubgen's generated values.

Usage (with the venv that tools/validators/setup.sh makes):

    target/validators-venv/bin/python tools/runtime/run.py [--check CHECK]... ENVDIR...

Each ENVDIR holds values.yaml (as jhubgen writes it), spec.json (the
environment's resolved spec) and, when there is one, servicemonitor.yaml.
Checks (all three unless --check picks some; README.md says more):

  auth      the configured authenticator, built from hub.config as the chart
            applies it, fed representative identities through its own code
            path (token exchange, user info, check_allowed, admin status);
  pods      the chart's jupyterhub_config.py loaded, and for every profile the
            pod KubeSpawner builds, against the spec and the Pod Security
            Standard the cluster enforces;
  hub-boot  the real JupyterHub and configurable-http-proxy booted on
            127.0.0.1 with the chart's config: health, metrics with the
            ServiceMonitor's token, the OAuth redirect.

Prints one line per check and folder, "ok CHECK ENVDIR" or "FAIL CHECK ENVDIR"
followed by indented details; exits 1 if any check failed, 2 on a usage error.
A check that cannot run is a FAIL, never a skip.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True  # no __pycache__/ in tools/runtime/
import auth_check  # noqa: E402
import hub_check  # noqa: E402
import pods_check  # noqa: E402
from common import CheckError, Env, Result  # noqa: E402

CHECKS = ("auth", "pods", "hub-boot")
RUN = {"auth": auth_check.check, "pods": pods_check.check, "hub-boot": hub_check.check}


def run_one(check: str, path: str) -> Result:
    return RUN[check](Env(path))


def on_signal(signum, frame):
    """Interrupted or terminated: end every process a hub boot started, then exit."""
    hub_check.stop_all()
    sys.exit(128 + signum)


def run_timed(check: str, path: str):
    started = time.monotonic()
    try:
        result = run_one(check, path)
        problems = result.failed
    except CheckError as e:
        result, problems = Result(), [str(e)]
    except Exception as e:  # a crash is a failure, with its traceback
        result = Result()
        problems = [f"{type(e).__name__}: {e}", *traceback.format_exc().rstrip().splitlines()]
    return result, problems, time.monotonic() - started


def report(check, path, outcome, verbose) -> bool:
    result, problems, seconds = outcome
    print(f"{'FAIL' if problems else 'ok'} {check} {path}")
    for line in problems:
        for i, part in enumerate(str(line).splitlines() or [""]):
            print(f"  {'! ' if i == 0 else '  '}{part}")
    if verbose or problems:
        for line in result.passed:
            print(f"  + {line}")
    for line in result.notes:
        print(f"  - {line}")
    print(f"  - {seconds:.1f} s")
    sys.stdout.flush()
    return not problems


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="append", choices=CHECKS,
                        help="run only this check (repeatable); default: all")
    parser.add_argument("--jobs", "-j", type=int, default=min(4, os.cpu_count() or 1),
                        help="hub boots to run at once (default: min(4, CPUs))")
    parser.add_argument("--verbose", "-v", action="store_true", help="list what passed too")
    parser.add_argument("dirs", nargs="+", metavar="ENVDIR")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if args.jobs < 1:
        parser.print_usage(sys.stderr)
        print("run.py: error: --jobs must be at least 1", file=sys.stderr)
        return 2
    checks = [c for c in CHECKS if c in (args.check or CHECKS)]
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)
    logging.basicConfig(level=logging.CRITICAL)
    warnings.simplefilter("ignore")
    tasks = [(path, check) for path in args.dirs for check in checks]
    outcomes = {}
    # Hub boots are processes to wait for: run them side by side, while the
    # in-process checks (which set os.environ and import the chart's helper)
    # run one at a time in this thread.
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        boots = {t: pool.submit(run_timed, t[1], t[0]) for t in tasks if t[1] == "hub-boot"}
        for t in tasks:
            if t[1] != "hub-boot":
                outcomes[t] = run_timed(t[1], t[0])
        for t, future in boots.items():
            outcomes[t] = future.result()
    ok = True
    for path, check in tasks:
        ok &= report(check, path, outcomes[(path, check)], args.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
