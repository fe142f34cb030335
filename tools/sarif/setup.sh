#!/usr/bin/env bash
# Install the pinned Microsoft SARIF validator (npm package
# @microsoft/sarif-multitool-linux, exact version in package-lock.json) into
# <repo>/target/sarif-tools with `npm ci`. Nothing is written under tools/.
#
# How: tools/npm_pinned.sh (idempotent, locked, from the lockfile only).
# Needs only node + npm (and the npm registry) on Linux x86-64.
#
#   tools/sarif/setup.sh          # prints the validator binary's path on stdout
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
name="tools/sarif/setup.sh"
dest="$repo/target/sarif-tools"
pkg="@microsoft/sarif-multitool-linux"
rel_bin="node_modules/$pkg/Sarif.Multitool"
bin="$dest/$rel_bin"
print="$bin"
export node_min=18 # read by npm_pinned.sh

installed() { [[ -x "$1/$rel_bin" ]]; }
# shellcheck disable=SC2154 # version: set by npm_pinned_install before it calls verify
verify() {
    local tmp="$1"
    [[ -f "$tmp/$rel_bin" ]] || die "npm ci succeeded but $rel_bin is missing"
    # the package's only install script, done here instead
    chmod u+x "$tmp/$rel_bin"
    # Smoke test: the binary starts and is the pinned version.
    got="$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tmp/$rel_bin" --version 2>&1)" \
        || die "the validator does not start: $got"
    [[ "$got" == *"SARIF Multitool $version"* ]] \
        || die "expected 'SARIF Multitool $version' from --version, got: $got"
}

# shellcheck source-path=SCRIPTDIR source=../npm_pinned.sh
source "$here/../npm_pinned.sh"
# The package ships one self-contained .NET executable for Linux x86-64.
[[ "$(uname -s)" == Linux ]] || die "$pkg only runs on Linux (this is $(uname -s))"
[[ "$(uname -m)" == x86_64 ]] || die "$pkg ships an x86-64 binary only (this machine is $(uname -m))"
npm_pinned_install
echo "$name: ready: $(echo "$got" | head -n1)" >&2
echo "$print"
