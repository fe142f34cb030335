#!/usr/bin/env bash
# Prove that validate.sh (and the pinned Microsoft SARIF validator behind it)
# can pass and can fail:
#   - every selftest/good*.sarif passes with zero errors AND zero warnings;
#   - every selftest/bad-*.sarif fails (exit 1, not 2) and reports, at level
#     error, each rule id that selftest/expected.txt lists for it;
#   - a missing file and a call without files are tool errors (exit 2), and a
#     good file does not hide a bad one in the same call.
# Ends with the line 'N passed, N failed'; exits non-zero if anything failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cases="$here/selftest"
validate="$here/validate.sh"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

passed=0
failed=0
pass() { echo "pass  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

# Install first (once), so its messages do not mix with the checks' output.
"$here/setup.sh" >/dev/null

cd "$cases"

# validate.sh's lines about one file.
lines_for() { grep -F -- "$1:" "$2" || true; }

# --- good cases: exit 0, and the summary says 0 errors and 0 warnings.
good=(good*.sarif)
rc=0
"$validate" "${good[@]}" >"$out/good.txt" 2>&1 || rc=$?
if [[ $rc -eq 0 ]]; then
    pass "validate.sh exits 0 on ${good[*]}"
else
    fail "validate.sh exited $rc on ${good[*]}, expected 0"
fi
for f in "${good[@]}"; do
    summary="$(grep -F -- "$f: ok (" "$out/good.txt" || true)"
    if [[ "$summary" =~ ^"$f: ok (0 error(s), 0 warning(s), "[0-9]+" note(s))"$ ]]; then
        pass "$f: 0 errors, 0 warnings"
    else
        fail "$f: expected 0 errors and 0 warnings"
        lines_for "$f" "$out/good.txt" | sed 's/^/      /'
    fi
done

# --- bad cases: all in one call, which must exit 1; each must show its ids.
bad=(bad-*.sarif)
rc=0
"$validate" "${bad[@]}" >"$out/bad.txt" 2>&1 || rc=$?
if [[ $rc -eq 1 ]]; then
    pass "validate.sh exits 1 on the ${#bad[@]} bad cases"
else
    fail "validate.sh exited $rc on the bad cases, expected 1"
fi
for f in "${bad[@]}"; do
    ids="$(awk -v f="$f" '$1 == f { print $2 }' expected.txt)"
    if [[ -z "$ids" ]]; then
        fail "$f: no line in selftest/expected.txt"
        continue
    fi
    mine="$(lines_for "$f" "$out/bad.txt")"
    missing=()
    IFS=, read -r -a want <<<"$ids"
    for id in "${want[@]}"; do
        if ! grep -Eq -- ": error ${id//./\\.}[.:]" <<<"$mine"; then
            missing+=("$id")
        fi
    done
    if ! grep -qF -- "$f: INVALID (" <<<"$mine"; then
        missing+=("(no INVALID summary)")
    fi
    if [[ ${#missing[@]} -eq 0 ]]; then
        pass "$f fails with $ids"
    else
        fail "$f: expected error(s) ${missing[*]}; validate.sh said:"
        sed 's/^/      /' <<<"$mine"
    fi
done

# --- a good file does not hide a bad one in the same call.
rc=0
"$validate" good.sarif bad-invalid-level.sarif >"$out/mixed.txt" 2>&1 || rc=$?
if [[ $rc -eq 1 ]]; then
    pass "good + bad in one call exits 1"
else
    fail "good + bad in one call exited $rc, expected 1"
fi

# --- tool errors are exit 2, not 1.
rc=0
"$validate" does-not-exist.sarif >"$out/missing.txt" 2>&1 || rc=$?
if [[ $rc -eq 2 ]] && grep -q 'TOOL-ERROR' "$out/missing.txt"; then
    pass "a missing file is a tool error (exit 2)"
else
    fail "a missing file: exit $rc, expected 2 with TOOL-ERROR"
fi
rc=0
"$validate" >"$out/none.txt" 2>&1 || rc=$?
if [[ $rc -eq 2 ]]; then
    pass "no arguments: usage, exit 2"
else
    fail "no arguments: exit $rc, expected 2"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
