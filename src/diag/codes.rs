//! The built-in diagnostic codes (everything that is not a lint rule), with
//! one-line summaries for `jhubgen rule` and for SARIF rule metadata.

/// (code, severity, summary) of every diagnostic the pipeline itself emits.
pub const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "lint/unknown-code",
        "error",
        "a `[[lint.allow]]` naming a code that no rule or check has",
    ),
    (
        "lint/allow-error",
        "error",
        "a `[[lint.allow]]` naming an error (only warnings can be accepted)",
    ),
    (
        "lint/unused-allow",
        "warning",
        "a `[[lint.allow]]` that matches no warning of the environment",
    ),
    (
        "drift/stale",
        "error",
        "`build --check`: a generated file that differs from what the specs generate",
    ),
    (
        "drift/missing",
        "error",
        "`build --check`: a generated file that is not on disk",
    ),
    (
        "drift/orphaned",
        "error",
        "`build --check`: a generated file that no environment generates any more",
    ),
    (
        "drift/interrupted",
        "error",
        "`build --check`: the journal or a staged file of a build that was killed",
    ),
    (
        "io/env-name",
        "error",
        "an overlay file name that is not a valid environment name",
    ),
    (
        "io/not-a-file",
        "error",
        "a folder where a TOML file should be",
    ),
    ("io/not-utf8", "error", "a spec file that is not UTF-8 text"),
    ("io/unreadable", "error", "a spec file that cannot be read"),
    (
        "io/too-many",
        "error",
        "more problems than are reported at once",
    ),
    (
        "layers/unknown-parent",
        "error",
        "`extends` names no environment and no layer",
    ),
    (
        "layers/cycle",
        "error",
        "files that extend each other in a circle, or a file that extends itself",
    ),
    (
        "layers/extends-type",
        "error",
        "an `extends` that is not the name of an environment or layer",
    ),
    (
        "layers/extends-in-base",
        "error",
        "an `extends` in a base file (the base extends nothing)",
    ),
    (
        "layers/ambiguous-name",
        "error",
        "a layer with the name of an environment",
    ),
    (
        "ci/pipeline-mismatch",
        "error",
        "environments sharing one pipeline that disagree on how it installs jhubgen or where its checks run",
    ),
    (
        "environment/duplicate",
        "error",
        "two environments that deploy the same release into the same namespace, or serve the same host",
    ),
    ("toml/syntax", "error", "invalid TOML"),
    (
        "toml/number",
        "error",
        "a number TOML allows but a spec cannot hold (too large, `inf`, `nan`)",
    ),
    (
        "toml/datetime",
        "error",
        "a TOML date or time where a string was meant (quote it)",
    ),
    (
        "merge/not-a-table",
        "error",
        "an entry of a merged-by-identity array (`profiles`) that is not a table",
    ),
    (
        "merge/missing-identity",
        "error",
        "a profile without a `slug`, which overlays merge by",
    ),
    (
        "merge/duplicate-identity",
        "error",
        "two profiles with the same `slug` in one file",
    ),
    ("merge/delete-syntax", "error", "a malformed `delete` entry"),
    (
        "merge/delete-nothing",
        "error",
        "a `delete` of a key or profile that nothing set",
    ),
    (
        "schema/unknown-key",
        "error",
        "a key the spec does not have (typos get a suggestion)",
    ),
    (
        "schema/missing-key",
        "error",
        "a required key that no file of the environment's chain sets",
    ),
    ("schema/type", "error", "a value of the wrong type"),
    (
        "schema/enum",
        "error",
        "a value that is not one of the accepted ones",
    ),
    (
        "schema/format",
        "error",
        "a string not in the expected format (names, hosts, versions, quantities)",
    ),
    ("schema/range", "error", "a number or length out of range"),
    (
        "schema/invalid",
        "error",
        "a value the spec's schema rejects",
    ),
    (
        "chart/schema",
        "error",
        "raw `[values]` that the chart's own values schema rejects",
    ),
    (
        "internal/model",
        "error",
        "a jhubgen bug: the spec passed its schema but not its model",
    ),
    (
        "internal/chart-schema",
        "error",
        "a jhubgen bug: generated values fail the chart's schema",
    ),
    (
        "import/arguments",
        "error",
        "`jhubgen import`: an `--env` or `--set` that cannot be read, an invalid or repeated environment name",
    ),
    (
        "import/missing-file",
        "error",
        "`jhubgen import`: a values file of a stack that cannot be read",
    ),
    (
        "import/yaml",
        "error",
        "`jhubgen import`: a values file that is not YAML Helm can read (syntax, several documents, an alias to no anchor)",
    ),
    (
        "import/duplicate-key",
        "error",
        "`jhubgen import`: a mapping key given twice (Helm refuses it)",
    ),
    (
        "import/not-mapping",
        "error",
        "`jhubgen import`: a values file that is not a mapping",
    ),
    (
        "import/other-chart",
        "error",
        "`jhubgen import`: a values file with no key of the jupyterhub chart (another chart's values)",
    ),
    (
        "import/template",
        "error",
        "`jhubgen import`: a template placeholder (`${x}`, `{{ … }}`) where a value should be (`--keep-templates` keeps it as text)",
    ),
    (
        "import/yaml11-boolean",
        "warning",
        "`jhubgen import`: a plain `yes`/`no`/`on`/`off` that Helm reads as a boolean",
    ),
    (
        "import/ignored",
        "warning",
        "`jhubgen import`: a parent chart's own value beside `jupyterhub:`, not imported",
    ),
    (
        "import/not-a-chart-key",
        "error",
        "`jhubgen import`: a key the chart's schema does not have (the chart would refuse the values)",
    ),
    (
        "import/chart-schema",
        "error",
        "`jhubgen import`: a value the chart's schema refuses",
    ),
    (
        "import/python",
        "error",
        "`jhubgen import`: a `hub.extraConfig` snippet that is not valid Python",
    ),
    (
        "import/kept-raw",
        "warning",
        "`jhubgen import`: a `hub.extraConfig` snippet kept verbatim in `[values]`, with the statement that kept it",
    ),
    (
        "import/required",
        "error",
        "`jhubgen import`: a spec value the values cannot tell (give it with `--set`)",
    ),
    (
        "import/unsupported",
        "error",
        "`jhubgen import`: values jhubgen's spec cannot hold (storage not `dynamic`, an Ingress with several hosts)",
    ),
    (
        "import/profile",
        "error",
        "`jhubgen import`: a profile with keys jhubgen's profiles do not model, or no slug",
    ),
    (
        "import/secret",
        "error",
        "`jhubgen import`: a literal secret the import cannot move to a Secret reference itself",
    ),
    (
        "import/round-trip",
        "error",
        "`jhubgen import`: a value the imported specs would change (a limit or a bug of the import)",
    ),
    (
        "import/not-buildable",
        "error",
        "`jhubgen import`: the imported specs fail one of jhubgen's checks",
    ),
];

/// Every code any command can emit: the lint rules', then the built-in ones.
pub fn all() -> Vec<&'static str> {
    let mut all: Vec<&str> = crate::lint::RULES.iter().map(|r| r.code).collect();
    all.extend(BUILTIN.iter().map(|(c, _, _)| *c));
    all
}

/// Severity and summary of a code: a lint rule's, or a built-in one's.
pub fn describe(code: &str) -> Option<(&'static str, &'static str)> {
    if let Some(r) = crate::lint::rule(code) {
        return Some((r.severity.as_str(), r.summary));
    }
    BUILTIN
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, d)| (*s, *d))
}
