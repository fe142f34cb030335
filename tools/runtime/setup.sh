#!/usr/bin/env bash
# Install the pinned configurable-http-proxy (npm package
# configurable-http-proxy, the proxy z2jh chart 4.4.0 runs; exact versions in
# package-lock.json) into <repo>/target/runtime-chp with `npm ci`, for the
# hub-boot check of tools/runtime/run.py. Nothing is written under tools/.
# The Python side (JupyterHub, OAuthenticator, KubeSpawner, pycurl, the idle
# culler) is in the validators' venv: tools/validators/setup.sh.
#
# Idempotent: a stamp file holds the sha256 of package-lock.json; when it
# matches and the proxy is there, this returns at once. Otherwise the install
# is redone from scratch (in a temporary folder, moved into place at the end),
# under a flock so that parallel callers install once. Needs node (v20 or
# later) + npm and the npm registry.
#
#   tools/runtime/setup.sh         # prints the install folder
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="$repo/target/runtime-chp"
lock="$here/package-lock.json"
stamp="$dest/.package-lock.sha256"
pkg="configurable-http-proxy"
bin="node_modules/$pkg/bin/configurable-http-proxy"

die() {
    echo "tools/runtime/setup.sh: ERROR: $*" >&2
    exit 1
}

command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"
[[ -f "$lock" && -f "$here/package.json" ]] || die "missing $here/package.json or package-lock.json"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
ready() { [[ -f "$dest/$bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
if ready; then
    echo "$dest"
    exit 0
fi

mkdir -p "$repo/target"
command -v flock >/dev/null || die "flock not found (util-linux); it keeps parallel callers from installing twice"
exec 9>"$repo/target/runtime-chp.lock"
flock 9
if ready; then
    echo "$dest"
    exit 0
fi

command -v node >/dev/null || die "node not found; install Node.js (v20 or later) with npm"
command -v npm >/dev/null || die "npm not found; install npm (it comes with Node.js)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" -ge 20 ]] || die "$pkg 5.2.0 needs Node.js 20 or later (this is $(node --version))"

# The lockfile must not send npm anywhere but the npm registry.
if grep -Eo '"resolved": *"[^"]*"' "$lock" | grep -Ev '"https://registry\.npmjs\.org/' >&2; then
    die "$lock has a 'resolved' URL outside https://registry.npmjs.org/ (listed above)"
fi
version="$(node -e '
    const lock = require(process.argv[1]);
    const p = lock.packages && lock.packages["node_modules/" + process.argv[2]];
    if (!p || !p.version) process.exit(1);
    process.stdout.write(p.version);
' "$lock" "$pkg")" || die "$lock does not pin $pkg"

echo "tools/runtime/setup.sh: installing $pkg@$version into $dest (npm ci)" >&2
tmp="$dest.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$here/package.json" "$lock" "$tmp/"
# --ignore-scripts: no package in the lockfile has an install script
# (no "hasInstallScript"), so nothing is lost, and no package code runs at
# install time.
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >&2 \
    || die "'npm ci' failed in $tmp (see npm's output above; is the npm registry reachable?)"
[[ -f "$tmp/$bin" ]] || die "npm ci succeeded but $bin is missing"
got="$(node "$tmp/$bin" --version)" || die "$bin --version failed"
[[ "$got" == "$version" ]] || die "installed $pkg reports $got, expected $version"

echo "$want" >"$tmp/.package-lock.sha256"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "tools/runtime/setup.sh: ready: $pkg@$version in $dest" >&2
echo "$dest"
