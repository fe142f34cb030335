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

# shellcheck source-path=SCRIPTDIR source=selftest_lib.sh
source "$here/selftest_lib.sh"

# The good cases must exit 0 with no FAIL line.
good_dirs=("$cases"/good*)
run_expecting 0 "$out/good.txt" run.py "$python" tools/validators/run.py "${good_dirs[@]}"
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
run_expecting 1 "$out/bad.txt" run.py "$python" tools/validators/run.py "${bad_dirs[@]}"
check_bad_cases "$out/bad.txt" "${bad_dirs[@]}"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
