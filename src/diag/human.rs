//! Human-readable diagnostics, rendered by miette's graphical handler.
//!
//! This is the only file that knows miette. One miette diagnostic has one
//! source file, so labels that sit in another file than the primary label
//! become `related` diagnostics, each rendered with its own snippet.

use super::{Diag, Label, Severity};
use crate::source::{FileId, Sources};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use std::fmt;

/// Renders diagnostics for a terminal; `color` picks the themed or plain output.
pub fn render(diags: &[Diag], sources: &Sources, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    // a literal secret is never shown, not even in the quoted source line
    let secrets: Vec<crate::source::Origin> = diags
        .iter()
        .filter(|d| d.code == "secrets/literal")
        .filter_map(|d| d.primary.as_ref().map(|l| l.origin.clone()))
        .collect();
    let masked;
    let sources = if secrets.is_empty() {
        sources
    } else {
        masked = sources.masked(&secrets);
        &masked
    };
    let mut out = String::new();
    for d in super::reported(diags) {
        let view = View::new(d, sources);
        // rendering into a String cannot fail
        let _ = handler.render_report(&mut out, &view);
        out.push('\n');
    }
    out
}

struct View {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

impl View {
    fn new(d: &Diag, sources: &Sources) -> View {
        let primary_file = d.primary.as_ref().map(|l| l.origin.file);
        let mut labels = Vec::new();
        if let Some(p) = &d.primary {
            labels.push(labeled(p, true));
        }
        let mut related: Vec<View> = Vec::new();
        for s in &d.secondary {
            if Some(s.origin.file) == primary_file {
                labels.push(labeled(s, false));
            } else if let Some(r) = related
                .iter_mut()
                .find(|r| r.file_is(s.origin.file, sources))
            {
                r.labels.push(labeled(s, false));
            } else {
                related.push(View {
                    code: "note".to_string(),
                    severity: Severity::Warning,
                    message: format!("also involved: {}", sources.name(s.origin.file)),
                    help: None,
                    source: Some(named(s.origin.file, sources)),
                    labels: vec![labeled(s, false)],
                    related: Vec::new(),
                });
            }
        }
        View {
            code: d.code.to_string(),
            severity: d.severity,
            message: d.message.clone(),
            help: {
                let lines: Vec<String> = [
                    d.environments_text(),
                    d.layers_text(sources),
                    d.help.clone(),
                ]
                .into_iter()
                .flatten()
                .collect();
                (!lines.is_empty()).then(|| lines.join("\n"))
            },
            source: primary_file.map(|f| named(f, sources)),
            labels,
            related,
        }
    }

    fn file_is(&self, file: FileId, sources: &Sources) -> bool {
        self.source
            .as_ref()
            .is_some_and(|s| s.name() == sources.name(file))
    }
}

fn named(file: FileId, sources: &Sources) -> NamedSource<String> {
    let f = sources.get(file);
    NamedSource::new(f.name.clone(), f.text.clone()).with_language("toml")
}

fn labeled(l: &Label, primary: bool) -> LabeledSpan {
    let len = l.origin.span.end.saturating_sub(l.origin.span.start);
    let text = (!l.text.is_empty()).then(|| l.text.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, (l.origin.span.start, len))
    } else {
        LabeledSpan::new_with_span(text, (l.origin.span.start, len))
    }
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (self.code != "note").then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning if self.code == "note" => miette::Severity::Advice,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}
