#!/usr/bin/env bash
# Prove that every runtime check in run.py can pass and can fail, for the
# right reason.
#
# selftest/good-*/ must pass every check. Each selftest/bad-*/ must fail
# exactly the checks named at the start of its README ("check[,check...]:
# what is wrong") and pass all the others, so a check that silently accepts
# everything, or fails for an unrelated reason, is caught. Then the usage
# errors (exit 2) and a folder the checks cannot read (a FAIL, not a skip).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

tools/validators/setup.sh
"$here/setup.sh" >/dev/null
python="$repo/target/validators-venv/bin/python"
cases="tools/runtime/selftest"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# shellcheck source-path=SCRIPTDIR source=../validators/selftest_lib.sh
source "$repo/tools/validators/selftest_lib.sh"

# Every case in one run, so the hub boots share the worker pool; the bad
# cases make it exit 1.
good_dirs=("$cases"/good-*)
bad_dirs=("$cases"/bad-*)
run_expecting 1 "$out/cases.txt" run.py "$python" tools/runtime/run.py "${good_dirs[@]}" "${bad_dirs[@]}"
for dir in "${good_dirs[@]}" "${bad_dirs[@]}"; do
    ran="$(ran_checks "$dir" "$out/cases.txt")"
    [[ "$ran" -eq 3 ]] || fail "$(basename "$dir"): $ran of the 3 checks reported"
done
for dir in "${good_dirs[@]}"; do
    got="$(failed_checks "$dir" "$out/cases.txt")"
    if [[ -z "$got" ]]; then
        pass "$(basename "$dir") (all checks ok)"
    else
        fail "$(basename "$dir"): failed [$got]"
        show "$dir" "$out/cases.txt"
    fi
done
check_bad_cases "$out/cases.txt" "${bad_dirs[@]}"

# Usage errors exit 2; a folder that cannot be read fails every check.
run_expecting 2 "$out/no-args.txt" "run.py without folders" "$python" tools/runtime/run.py
run_expecting 2 "$out/bad-check.txt" "run.py --check nope" "$python" tools/runtime/run.py --check nope "${good_dirs[0]}"
missing="$out/no-such-environment"
run_expecting 1 "$out/missing.txt" "run.py on a missing folder" "$python" tools/runtime/run.py "$missing"
if [[ "$(failed_checks "$missing" "$out/missing.txt")" == "auth,hub-boot,pods" ]]; then
    pass "a missing folder fails every check (no skip)"
else
    fail "a missing folder: expected FAIL auth, hub-boot and pods"
    cat "$out/missing.txt"
fi
mkdir "$out/no-spec"
cp "${good_dirs[0]}/values.yaml" "$out/no-spec/"
run_expecting 1 "$out/no-spec.txt" "run.py on a folder without spec.json" "$python" tools/runtime/run.py --check pods "$out/no-spec"
if grep -q "^  ! cannot read spec.json" "$out/no-spec.txt"; then
    pass "a folder without spec.json fails, naming it"
else
    fail "a folder without spec.json: no 'cannot read spec.json'"
    cat "$out/no-spec.txt"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
