# shellcheck shell=bash
# Shared by selftest.sh and ci_selftest.sh (sourced, not run): counting,
# reading a checker's `ok|FAIL <check> <path>` report per case folder, and the
# bad-case rule — each bad-*/ folder fails exactly the checks named at the
# start of its README ("check[,check...]: what is wrong").

passed=0
failed=0
pass() { echo "pass  $1"; passed=$((passed + 1)); }
fail() { echo "FAIL  $1"; failed=$((failed + 1)); }

# The report's lines for one case folder (a line may name the folder itself,
# or a file in it).
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

# run_expecting CODE REPORT LABEL COMMAND...: runs COMMAND into REPORT and
# checks its exit code.
run_expecting() {
    local want="$1" report="$2" label="$3" rc=0
    shift 3
    "$@" >"$report" || rc=$?
    if [[ $rc -eq $want ]]; then
        pass "$label exits $want on the $(basename "$report" .txt) cases"
    else
        fail "$label exited $rc on the $(basename "$report" .txt) cases, expected $want"
    fi
}

# check_bad_cases REPORT DIR...: each bad case fails exactly its README's checks.
check_bad_cases() {
    local report="$1" dir name want got
    shift
    for dir in "$@"; do
        name="$(basename "$dir")"
        if [[ ! -f "$dir/README" ]]; then
            fail "$name: no README saying which check must fail"
            continue
        fi
        want="$(head -n1 "$dir/README" | cut -d: -f1 | tr ',' '\n' | tr -d ' ' | sort -u | paste -sd, -)"
        got="$(failed_checks "$dir" "$report")"
        if [[ "$got" == "$want" ]]; then
            pass "$name (fails $got)"
        else
            fail "$name: expected to fail [$want], failed [${got:-none}]"
            show "$dir" "$report"
        fi
    done
}
