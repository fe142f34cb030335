#!/usr/bin/env bash
# Prove that every validator in run.py can pass and can fail.
#
# selftest/good*/ must pass every check. Each selftest/bad-*/ must fail exactly
# the checks named at the start of its README ("check[,check...]: what is
# wrong") and pass all the others, so a validator that silently accepts
# everything, or fails for an unrelated reason, is caught.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

"$here/setup.sh"
python="$repo/target/validators-venv/bin/python"
cases="tools/validators/selftest"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

passed=0
failed=0
pass() { echo "pass  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

# run.py's output for one case folder.
show() {
    awk -v dir="$1/" 'index($3, dir) == 1 { on = 1; print; next } /^[^ ]/ { on = 0 } on' "$2"
}

# Checks that failed for one case folder, sorted, comma-joined.
failed_checks() {
    awk -v dir="$1/" '$1 == "FAIL" && index($3, dir) == 1 { print $2 }' "$2" | sort -u | paste -sd, -
}

# The good cases must exit 0 with no FAIL line.
good_dirs=("$cases"/good*)
rc=0
"$python" tools/validators/run.py "${good_dirs[@]}" >"$out/good.txt" || rc=$?
if [[ $rc -eq 0 ]]; then
    pass "run.py exits 0 on the good cases"
else
    fail "run.py exited $rc on the good cases, expected 0"
fi
for dir in "${good_dirs[@]}"; do
    got="$(failed_checks "$dir" "$out/good.txt")"
    if [[ -z "$got" ]]; then
        pass "$(basename "$dir") (all checks ok)"
    else
        fail "$(basename "$dir"): failed [$got]"
        show "$dir" "$out/good.txt"
    fi
done

# All bad cases in one run (one interpreter start); it must exit 1.
bad_dirs=("$cases"/bad-*)
rc=0
"$python" tools/validators/run.py "${bad_dirs[@]}" >"$out/bad.txt" || rc=$?
if [[ $rc -eq 1 ]]; then
    pass "run.py exits 1 on the bad cases"
else
    fail "run.py exited $rc on the bad cases, expected 1"
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

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
