//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=CODE::message`,
//! which the runner turns into annotations on the pull request.

use super::{Diag, Severity};
use crate::source::Sources;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per diagnostic.
pub fn render(diags: &[Diag], sources: &Sources) -> String {
    let mut out = String::new();
    for d in super::reported(diags) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(label) = &d.primary {
            let (line, col) = sources.line_col(label.origin.file, label.origin.span.start);
            let (end_line, end_col) = sources.line_col(label.origin.file, label.origin.span.end);
            props.push(format!(
                "file={}",
                escape_property(sources.name(label.origin.file))
            ));
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
            if end_line == line {
                props.push(format!("endColumn={end_col}"));
            }
            props.push(format!("endLine={end_line}"));
        }
        props.push(format!("title={}", escape_property(d.code)));
        let mut message = d.message.clone();
        if let Some(envs) = d.environments_text() {
            message.push_str(&format!(" ({envs})"));
        }
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}
