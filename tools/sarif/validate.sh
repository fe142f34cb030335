#!/usr/bin/env bash
# Validate SARIF files with Microsoft's SARIF validator (Sarif.Multitool
# `validate`, pinned in package-lock.json, installed by setup.sh), with the
# SARIF rules plus the GitHub code scanning rules, at every level.
#
#   tools/sarif/validate.sh FILE.sarif [FILE...]
#
# Prints every finding (error, warning, note) as FILE:LINE:COL: LEVEL ID: text
# and a summary line per file. Exit status:
#   0  every file passed: the validator reported no error-level finding
#      (warnings and notes are printed but do not fail);
#   1  at least one file has an error-level finding;
#   2  usage error, install failure, or the validator itself could not run.
#
# The validator's own exit status says nothing about the findings (it is 0
# even when it reports errors), so this runs it with --output and reads the
# SARIF log it writes (report.js). Each file is also loaded with the tool's
# `rewrite` command, because `validate` reports nothing at all (and success)
# for a file the SARIF SDK cannot load, e.g. one with "level": "critical";
# such a file gets error MULTITOOL-LOAD.
#
# SARIF_RULE_KINDS overrides the rule kinds (default "Sarif;Ghas"; the other
# kinds the tool has are "AI" and "Ado", for other services' profiles).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rule_kinds="${SARIF_RULE_KINDS:-Sarif;Ghas}"

if [[ $# -eq 0 || "$1" == -h || "$1" == --help ]]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
fi

bin="$("$here/setup.sh")" || { echo "tools/sarif/validate.sh: setup.sh failed" >&2; exit 2; }
command -v node >/dev/null || { echo "tools/sarif/validate.sh: node not found" >&2; exit 2; }

# The validator is a .NET program; invariant globalization mode lets it start
# on machines without libicu, and changes nothing in its findings.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

worst=0
n=0
for file in "$@"; do
    n=$((n + 1))
    if [[ ! -f "$file" || ! -r "$file" ]]; then
        echo "$file: TOOL-ERROR: not a readable file"
        worst=2
        continue
    fi
    # The validator takes file specifiers (wildcards allowed): hand it one
    # absolute path, and refuse names it would expand.
    abs="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
    if [[ "$abs" == *[\*\?]* ]]; then
        echo "$file: TOOL-ERROR: file names with '*' or '?' are not supported"
        worst=2
        continue
    fi
    out="$tmp/$n.sarif"
    console="$tmp/$n.console"
    # --max-file-size-in-kb: the default (10000 KB) would skip larger files.
    rc=0
    "$bin" validate "$abs" \
        --rule-kind "$rule_kinds" \
        --level "Error;Warning;Note" \
        --max-file-size-in-kb 1048576 \
        --output "$out" \
        --log "ForceOverwrite;PrettyPrint" \
        >"$console" 2>&1 || rc=$?
    if [[ $rc -ne 0 || ! -s "$out" ]]; then
        echo "$file: TOOL-ERROR: Sarif.Multitool validate exited $rc; its output:"
        sed 's/^/    /' "$console"
        worst=2
        continue
    fi
    # Second pass: load the file into the SDK's object model. `validate`
    # silently drops every finding for a file whose load throws (see report.js).
    load_rc=0
    "$bin" rewrite "$abs" --output "$tmp/$n.rewritten.sarif" --log ForceOverwrite \
        >"$tmp/$n.load" 2>&1 || load_rc=$?
    rc=0
    node "$here/report.js" "$out" "$file" "$load_rc" "$tmp/$n.load" || rc=$?
    if [[ $rc -ne 0 && $rc -gt $worst ]]; then
        worst=$rc
    fi
    if [[ $rc -eq 2 ]]; then
        sed 's/^/    /' "$console"
    fi
done
exit "$worst"
