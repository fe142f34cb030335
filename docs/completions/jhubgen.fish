# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_jhubgen_global_optspecs
    string join \n color= h/help V/version
end

function __fish_jhubgen_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_jhubgen_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_jhubgen_using_subcommand
    set -l cmd (__fish_jhubgen_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c jhubgen -n "__fish_jhubgen_needs_command" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_needs_command" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -s V -l version -d 'Print version'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "build" -d 'Compile base + overlays into environments/<env>/'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "lint" -d 'Check the specs (schema and domain rules) without writing anything'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "diff" -d 'Compare two environments, or one with another revision'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "explain" -d 'Where a value comes from and where it goes'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "rule" -d 'List the lint rules, or explain one'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "schema" -d 'Print the JSON Schema of the input spec'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "checklist" -d 'What each environment needs that jhubgen cannot create: Secrets, DNS, CI variables, cluster prerequisites, values to confirm'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "init" -d 'Start a project: a commented base and one overlay that lint and build clean'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "import" -d 'Adopt existing Helm values files: a base and one overlay per environment, proven by a round trip before anything is written'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "man" -d 'Print the manual page (roff; `jhubgen man | man -l -`)'
complete -c jhubgen -n "__fish_jhubgen_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand build" -l root -d 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand build" -l format -d 'How to print diagnostics' -r -f -a "human\t'miette\'s graphical report, on standard error'
json\t'one JSON object on standard output (see the README)'
sarif\t'SARIF 2.1.0 on standard output (GitHub code scanning)'
github\t'GitHub Actions workflow commands on standard output (annotations)'
gitlab\t'GitLab Code Quality report on standard output'"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand build" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand build" -l check -d 'Write nothing; print a unified diff of every stale, missing or orphaned file and exit 1 if any'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand build" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand lint" -l root -d 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand lint" -l format -d 'How to print diagnostics' -r -f -a "human\t'miette\'s graphical report, on standard error'
json\t'one JSON object on standard output (see the README)'
sarif\t'SARIF 2.1.0 on standard output (GitHub code scanning)'
github\t'GitHub Actions workflow commands on standard output (annotations)'
gitlab\t'GitLab Code Quality report on standard output'"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand lint" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand lint" -l deny-warnings -d 'Exit 1 on warnings too'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l root -d 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l format -r -f -a "text\t'aligned and coloured, for a terminal'
markdown\t'tables for a merge-request description or job summary'
json\t'stable JSON for scripts'"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l against -d 'Compare ENV with itself at this git revision (read with git; no network)' -r
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l against-dir -d 'Compare ENV with itself in another checkout of the project' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l rendered -d 'Compare the generated files (unified diffs) instead of the resolved values'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -l all -d 'List the settings that are the same too'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand explain" -l root -d 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand explain" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand explain" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand rule" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand rule" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand schema" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand schema" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand checklist" -l root -d 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand checklist" -l format -d '`text` for the terminal, `markdown` (what `build` writes to checklist.md), `json` (see the README)' -r -f -a "text\t''
markdown\t''
json\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand checklist" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand checklist" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand init" -l env -d 'The first environment\'s name' -r
complete -c jhubgen -n "__fish_jhubgen_using_subcommand init" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand init" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l env -d 'An environment and its values files, stacked as `helm -f a -f b` stacks them (maps merge, lists replace, null deletes); repeat for each environment' -r
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l set -d 'A spec value the values files cannot tell (`lab.ingress.class=traefik`, `prod.tls.mode=edge`); the value is TOML, or text' -r
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l out -d 'The folder to write the project to (created if missing)' -r -F
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l format -d 'How problems are printed' -r -f -a "human\t'miette\'s graphical report, on standard error'
json\t'one JSON object on standard output (see the README)'
sarif\t'SARIF 2.1.0 on standard output (GitHub code scanning)'
github\t'GitHub Actions workflow commands on standard output (annotations)'
gitlab\t'GitLab Code Quality report on standard output'"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l keep-templates -d 'Import template placeholders (`${x}`, `{{ .Values.x }}`) as literal text instead of refusing them'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -l force -d 'Replace the specs of a folder that already has `base/` or `overlays/`'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand completions" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand completions" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand man" -l color -d 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c jhubgen -n "__fish_jhubgen_using_subcommand man" -s h -l help -d 'Print help'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "build" -d 'Compile base + overlays into environments/<env>/'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "lint" -d 'Check the specs (schema and domain rules) without writing anything'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "diff" -d 'Compare two environments, or one with another revision'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "explain" -d 'Where a value comes from and where it goes'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "rule" -d 'List the lint rules, or explain one'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "schema" -d 'Print the JSON Schema of the input spec'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "checklist" -d 'What each environment needs that jhubgen cannot create: Secrets, DNS, CI variables, cluster prerequisites, values to confirm'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "init" -d 'Start a project: a commented base and one overlay that lint and build clean'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "import" -d 'Adopt existing Helm values files: a base and one overlay per environment, proven by a round trip before anything is written'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "man" -d 'Print the manual page (roff; `jhubgen man | man -l -`)'
complete -c jhubgen -n "__fish_jhubgen_using_subcommand help; and not __fish_seen_subcommand_from build lint diff explain rule schema checklist init import completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
