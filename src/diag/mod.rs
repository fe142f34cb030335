//! Diagnostics: problems in the user's inputs, as values.
//!
//! A [`Diag`] says what is wrong (a stable code, a message, a help line) and
//! where (a primary label, and secondary labels that may sit in other files).
//! It knows nothing about terminals: [`human`] renders it with miette and
//! [`json`] in the machine-readable contract shape. Bugs in jhubgen are not
//! `Diag`s unless they must be reported to the user instead of panicking;
//! those carry the `internal/...` codes.

pub mod codes;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;

use crate::source::{Origin, Sources};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a short text shown under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub origin: Origin,
    pub text: String,
}

impl Label {
    pub fn new(origin: Origin, text: impl Into<String>) -> Self {
        Label {
            origin,
            text: text.into(),
        }
    }
}

/// A problem in the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    /// Stable code, `stage/name` (`toml/syntax`, `schema/unknown-key`).
    pub code: &'static str,
    pub severity: Severity,
    /// Lowercase, no final period, user text in backticks.
    pub message: String,
    /// The most specific place: the offending key or value, in the file that set it.
    pub primary: Option<Label>,
    /// Other places involved, possibly in other files ("base value was set here").
    pub secondary: Vec<Label>,
    /// Dotted key path in the spec (`profiles[gpu-large].memory.limit`).
    pub key: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// When the primary value replaced inherited ones: the files of the
    /// layers that set it, highest first ("set in staging, over aiv, over base").
    pub layers: Vec<crate::source::FileId>,
    /// Accepted by a `[[lint.allow]]` of the spec, with its reason: not
    /// reported (SARIF lists it as suppressed), counted in the summary.
    pub suppressed: Option<String>,
    /// The environments it applies to (a base line may be wrong for some
    /// environments only); empty for problems of the files themselves.
    pub environments: Vec<String>,
    /// Its labels are equal parties (a guarantee and its limit): either
    /// value may be the one to change, so the primary label goes to the one
    /// set in the highest layer ([`primary_on_latest`]).
    pub peers: bool,
}

impl Diag {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diag {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            key: None,
            help: None,
            layers: Vec::new(),
            suppressed: None,
            environments: Vec::new(),
            peers: false,
        }
    }

    /// A diagnostic of a given severity (lint rules carry their own).
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diag {
            severity,
            ..Diag::error(code, message)
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, message)
        }
    }

    pub fn at(mut self, origin: Origin, text: impl Into<String>) -> Self {
        self.primary = Some(Label::new(origin, text));
        self
    }

    pub fn also(mut self, origin: Origin, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(origin, text));
        self
    }

    /// A second value that is an equal party to the primary one (see [`Diag::peers`]).
    pub fn peer(mut self, origin: Origin, text: impl Into<String>) -> Self {
        self.secondary.push(Label::new(origin, text));
        self.peers = true;
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// "in lab, aiv" (the environments it applies to), if known.
    pub fn environments_text(&self) -> Option<String> {
        (!self.environments.is_empty()).then(|| format!("in {}", self.environments.join(", ")))
    }

    /// "set in A, over B, over C" when the value replaced inherited ones.
    pub fn layers_text(&self, sources: &Sources) -> Option<String> {
        let (top, rest) = self.layers.split_first()?;
        let mut text = format!("set in {}", sources.name(*top));
        for f in rest {
            text.push_str(&format!(", over {}", sources.name(*f)));
        }
        Some(text)
    }

    /// Where the diagnostic points: file name, 1-based line and column.
    pub fn location(&self, sources: &Sources) -> Option<(String, usize, usize)> {
        let label = self.primary.as_ref()?;
        let (line, col) = sources.line_col(label.origin.file, label.origin.span.start);
        Some((sources.name(label.origin.file).to_string(), line, col))
    }
}

/// Reports one problem found through several environments once, naming them all.
pub fn merge_environments(diags: &mut Vec<Diag>) {
    let mut out: Vec<Diag> = Vec::with_capacity(diags.len());
    for d in diags.drain(..) {
        let same = |a: &Diag| {
            a.code == d.code
                && a.severity == d.severity
                && a.message == d.message
                && a.primary == d.primary
                && a.secondary == d.secondary
                && a.key == d.key
                && a.help == d.help
                && a.layers == d.layers
                && a.suppressed == d.suppressed
        };
        match out.last_mut().filter(|a| same(a)) {
            Some(a) => {
                for e in d.environments {
                    if !a.environments.contains(&e) {
                        a.environments.push(e);
                    }
                }
            }
            None => out.push(d),
        }
    }
    for d in &mut out {
        d.environments.sort();
    }
    *diags = out;
}

/// Sorts diagnostics by file, position and code, so reports are stable.
pub fn sort(diags: &mut [Diag]) {
    diags.sort_by(|a, b| {
        let ka = a
            .primary
            .as_ref()
            .map(|l| (l.origin.file, l.origin.span.start));
        let kb = b
            .primary
            .as_ref()
            .map(|l| (l.origin.file, l.origin.span.start));
        ka.cmp(&kb)
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
    // identical problems found twice (e.g. through two environments) are reported once
}

/// At most this many diagnostics are reported; a file with thousands of
/// mistakes (or a binary file) would otherwise bury the first ones and take
/// long to render.
pub const MAX_REPORTED: usize = 200;

/// Keeps the first [`MAX_REPORTED`] diagnostics (errors first), then one that
/// says how many more there were.
pub fn cap(diags: &mut Vec<Diag>) {
    if diags.len() <= MAX_REPORTED {
        return;
    }
    diags.sort_by_key(|d| d.severity);
    let more = diags.len() - MAX_REPORTED;
    let last = diags[MAX_REPORTED - 1].primary.clone();
    diags.truncate(MAX_REPORTED);
    sort(diags);
    let mut d = Diag::error("io/too-many", format!("{more} more problem(s) not shown"))
        .help("fix the ones above and run again");
    d.primary = last;
    diags.push(d);
}

/// Counts of errors and warnings.
/// (errors, warnings) reported: suppressed warnings not included.
pub fn summary(diags: &[Diag]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, reported(diags).count() - errors)
}

/// Warnings a `[[lint.allow]]` accepted.
pub fn suppressed(diags: &[Diag]) -> usize {
    diags.iter().filter(|d| d.suppressed.is_some()).count()
}

/// The diagnostics that are reported (not suppressed).
pub fn reported(diags: &[Diag]) -> impl Iterator<Item = &Diag> {
    diags.iter().filter(|d| d.suppressed.is_none())
}

/// The primary label goes to the layer whose change made the combination
/// wrong: when a diagnostic of equal parties ([`Diag::peers`]: a guarantee
/// and its limit, not a callback and the host it should match) involves
/// values of several files of one
/// environment's chain (`chain`, lowest first), the value set in the highest
/// layer becomes the primary label and the one it was on a secondary. A
/// memory limit lowered in an overlay below the base's guarantee is then
/// reported at the overlay's line — the file a pull request changed, where
/// an annotation lands.
pub fn primary_on_latest(diags: &mut [Diag], chain: &[crate::source::FileId]) {
    let rank = |f: crate::source::FileId| chain.iter().position(|c| *c == f);
    for d in diags.iter_mut().filter(|d| d.peers) {
        let Some(primary) = &d.primary else { continue };
        let Some(here) = rank(primary.origin.file) else {
            continue;
        };
        let higher = d
            .secondary
            .iter()
            .enumerate()
            .filter_map(|(i, l)| rank(l.origin.file).map(|r| (r, i)))
            .filter(|(r, _)| *r > here)
            .max_by_key(|(r, i)| (*r, std::cmp::Reverse(*i)));
        if let Some((_, i)) = higher {
            let primary = d.primary.take().expect("checked above");
            d.primary = Some(std::mem::replace(&mut d.secondary[i], primary));
            d.layers.clear();
        }
    }
}
