
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'jhubgen' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'jhubgen'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'jhubgen' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Compile base + overlays into environments/<env>/')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check the specs (schema and domain rules) without writing anything')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two environments, or one with another revision')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Where a value comes from and where it goes')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'List the lint rules, or explain one')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the input spec')
            [CompletionResult]::new('checklist', 'checklist', [CompletionResultType]::ParameterValue, 'What each environment needs that jhubgen cannot create: Secrets, DNS, CI variables, cluster prerequisites, values to confirm')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a project: a commented base and one overlay that lint and build clean')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Adopt existing Helm values files: a base and one overlay per environment, proven by a round trip before anything is written')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff; `jhubgen man | man -l -`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jhubgen;build' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Write nothing; print a unified diff of every stale, missing or orphaned file and exit 1 if any')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jhubgen;lint' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print diagnostics')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('--deny-warnings', '--deny-warnings', [CompletionResultType]::ParameterName, 'Exit 1 on warnings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jhubgen;diff' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'format')
            [CompletionResult]::new('--against', '--against', [CompletionResultType]::ParameterName, 'Compare ENV with itself at this git revision (read with git; no network)')
            [CompletionResult]::new('--against-dir', '--against-dir', [CompletionResultType]::ParameterName, 'Compare ENV with itself in another checkout of the project')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('--rendered', '--rendered', [CompletionResultType]::ParameterName, 'Compare the generated files (unified diffs) instead of the resolved values')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'List the settings that are the same too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jhubgen;explain' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;rule' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;schema' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;checklist' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'The project folder holding `base/` and `overlays/` [default: the nearest such folder at or above the current one]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, '`text` for the terminal, `markdown` (what `build` writes to checklist.md), `json` (see the README)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;init' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'The first environment''s name')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;import' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'An environment and its values files, stacked as `helm -f a -f b` stacks them (maps merge, lists replace, null deletes); repeat for each environment')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'A spec value the values files cannot tell (`lab.ingress.class=traefik`, `prod.tls.mode=edge`); the value is TOML, or text')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'The folder to write the project to (created if missing)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How problems are printed')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('--keep-templates', '--keep-templates', [CompletionResultType]::ParameterName, 'Import template placeholders (`${x}`, `{{ .Values.x }}`) as literal text instead of refusing them')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace the specs of a folder that already has `base/` or `overlays/`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'jhubgen;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour human-readable output (`auto` follows the terminal and NO_COLOR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'jhubgen;help' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Compile base + overlays into environments/<env>/')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check the specs (schema and domain rules) without writing anything')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two environments, or one with another revision')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Where a value comes from and where it goes')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'List the lint rules, or explain one')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema of the input spec')
            [CompletionResult]::new('checklist', 'checklist', [CompletionResultType]::ParameterValue, 'What each environment needs that jhubgen cannot create: Secrets, DNS, CI variables, cluster prerequisites, values to confirm')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Start a project: a commented base and one overlay that lint and build clean')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Adopt existing Helm values files: a base and one overlay per environment, proven by a round trip before anything is written')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff; `jhubgen man | man -l -`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'jhubgen;help;build' {
            break
        }
        'jhubgen;help;lint' {
            break
        }
        'jhubgen;help;diff' {
            break
        }
        'jhubgen;help;explain' {
            break
        }
        'jhubgen;help;rule' {
            break
        }
        'jhubgen;help;schema' {
            break
        }
        'jhubgen;help;checklist' {
            break
        }
        'jhubgen;help;init' {
            break
        }
        'jhubgen;help;import' {
            break
        }
        'jhubgen;help;completions' {
            break
        }
        'jhubgen;help;man' {
            break
        }
        'jhubgen;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
