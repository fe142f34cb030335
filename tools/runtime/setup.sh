#!/usr/bin/env bash
# Install the pinned configurable-http-proxy (npm package
# configurable-http-proxy, the proxy z2jh chart 4.4.0 runs; exact versions in
# package-lock.json) into <repo>/target/runtime-chp, for the hub-boot check of
# tools/runtime/run.py (see tools/npm_pinned.sh for how). The Python side
# (JupyterHub, OAuthenticator, KubeSpawner, pycurl, the idle culler) is in the
# validators' venv: tools/validators/setup.sh. Needs node (v20 or later) + npm
# and the npm registry.
#
#   tools/runtime/setup.sh         # prints the install folder
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
name="tools/runtime/setup.sh"
dest="$repo/target/runtime-chp"
pkg="configurable-http-proxy"
bin="node_modules/$pkg/bin/configurable-http-proxy"
print="$dest"

installed() { [[ -f "$1/$bin" ]]; }
# shellcheck disable=SC2154 # version: set by npm_pinned_install before it calls verify
verify() {
    local got
    got="$(node "$1/$bin" --version)" || die "$bin --version failed"
    [[ "$got" == "$version" ]] || die "installed $pkg reports $got, expected $version"
}

# shellcheck source-path=SCRIPTDIR source=../npm_pinned.sh
source "$here/../npm_pinned.sh"
npm_pinned_install
echo "$name: ready: $pkg@$version in $dest" >&2
echo "$print"
