#!/usr/bin/env bash
# Install the pinned Microsoft SARIF validator (npm package
# @microsoft/sarif-multitool-linux, exact version in package-lock.json) into
# <repo>/target/sarif-tools with `npm ci`. Nothing is written under tools/.
#
# Idempotent: a stamp file holds the sha256 of package-lock.json; when it
# matches and the binary is there, this returns at once. Otherwise the install
# is redone from scratch (in a temporary folder, moved into place at the end),
# under a flock so that parallel callers install once. Needs only node + npm
# (and the npm registry) on Linux x86-64.
#
#   tools/sarif/setup.sh          # prints the validator binary's path on stdout
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="$repo/target/sarif-tools"
lock="$here/package-lock.json"
stamp="$dest/.package-lock.sha256"
pkg="@microsoft/sarif-multitool-linux"
rel_bin="node_modules/$pkg/Sarif.Multitool"
bin="$dest/$rel_bin"

die() {
    echo "tools/sarif/setup.sh: ERROR: $*" >&2
    exit 1
}

command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"
[[ -f "$lock" && -f "$here/package.json" ]] || die "missing $here/package.json or package-lock.json"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
ready() { [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
if ready; then
    echo "$bin"
    exit 0
fi

# One installer at a time: wait for the lock, then look again, since whoever
# held it may have just finished the install.
mkdir -p "$repo/target"
command -v flock >/dev/null || die "flock not found (util-linux); it keeps parallel callers from installing twice"
exec 9>"$repo/target/sarif-tools.lock"
flock 9
if ready; then
    echo "$bin"
    exit 0
fi

# The package ships one self-contained .NET executable for Linux x86-64.
[[ "$(uname -s)" == Linux ]] || die "$pkg only runs on Linux (this is $(uname -s))"
[[ "$(uname -m)" == x86_64 ]] || die "$pkg ships an x86-64 binary only (this machine is $(uname -m))"
command -v node >/dev/null || die "node not found; install Node.js (v18 or later) with npm"
command -v npm >/dev/null || die "npm not found; install npm (it comes with Node.js)"

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

echo "tools/sarif/setup.sh: installing $pkg@$version into $dest (npm ci)" >&2
tmp="$dest.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$here/package.json" "$lock" "$tmp/"
# --ignore-scripts: the package's only script is 'chmod u+x Sarif.Multitool',
# done below, so no package code runs at install time (and newer npm versions,
# which hold back install scripts until approved, behave the same).
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >&2 \
    || die "'npm ci' failed in $tmp (see npm's output above; is the npm registry reachable?)"
[[ -f "$tmp/$rel_bin" ]] || die "npm ci succeeded but $rel_bin is missing"
chmod u+x "$tmp/$rel_bin"

# Smoke test: the binary starts and is the pinned version.
got="$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tmp/$rel_bin" --version 2>&1)" \
    || die "the validator does not start: $got"
[[ "$got" == *"SARIF Multitool $version"* ]] \
    || die "expected 'SARIF Multitool $version' from --version, got: $got"

echo "$want" >"$tmp/.package-lock.sha256"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "tools/sarif/setup.sh: ready: $(echo "$got" | head -n1)" >&2
echo "$bin"
