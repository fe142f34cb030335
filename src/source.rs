//! Source files and positions.
//!
//! Every input file is read once into [`Sources`] and named by a [`FileId`].
//! An [`Origin`] is a byte range in one of them; it is turned into a
//! 1-based line and column (in characters) only when a human or a report
//! needs it, so spans stay cheap to carry through the pipeline.

use std::ops::Range;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// One input file: its name relative to the project root, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, with `/` separators (`overlays/lab.toml`).
    pub name: String,
    pub text: String,
    /// Byte offset of the start of each line, for line:column look-ups.
    line_starts: Vec<usize>,
}

/// All input files of a run.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

/// A place in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub span: Range<usize>,
}

impl Origin {
    pub fn new(file: FileId, span: Range<usize>) -> Self {
        Origin { file, span }
    }
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    /// A copy in which the text of each span is masked (`"ghp_****…"`): the
    /// first four characters kept, the rest `*`, byte for byte, so every
    /// other span still points where it did.
    pub fn masked(&self, spans: &[Origin]) -> Sources {
        let mut out = self.clone();
        for o in spans {
            let Some(f) = out.files.get_mut(o.file.0 as usize) else {
                continue;
            };
            let Some(value) = f.text.get(o.span.clone()) else {
                continue;
            };
            let inner = value.trim_matches(|c| c == '"' || c == '\'');
            let start = o.span.start + value.find(inner).unwrap_or(0);
            let mut masked = String::with_capacity(inner.len());
            for (i, c) in inner.chars().enumerate() {
                if i < 4 {
                    masked.push(c);
                } else {
                    masked.extend(std::iter::repeat_n('*', c.len_utf8()));
                }
            }
            f.text.replace_range(start..start + inner.len(), &masked);
        }
        out
    }

    /// A copy in which every file name starts with `prefix/` (the project's
    /// folder within its repository, for annotations that a forge resolves
    /// against the repository's root).
    pub fn prefixed(&self, prefix: &str) -> Sources {
        let mut out = self.clone();
        if !prefix.is_empty() {
            for f in &mut out.files {
                f.name = format!("{}/{}", prefix.trim_end_matches('/'), f.name);
            }
        }
        out
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.files.push(SourceFile {
            name: name.into(),
            text,
            line_starts,
        });
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn name(&self, id: FileId) -> &str {
        &self.get(id).name
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// 1-based line and column (counted in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let file = self.get(id);
        let text = &file.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = file.line_starts.partition_point(|&s| s <= offset);
        let line_start = file.line_starts[line - 1];
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }

    /// `file:line:col` of an origin, for plain-text messages.
    pub fn locate(&self, origin: &Origin) -> String {
        let (line, col) = self.line_col(origin.file, origin.span.start);
        format!("{}:{}:{}", self.name(origin.file), line, col)
    }

    /// The source text an origin covers.
    pub fn snippet(&self, origin: &Origin) -> &str {
        let text = &self.get(origin.file).text;
        let start = floor_char_boundary(text, origin.span.start.min(text.len()));
        let end = floor_char_boundary(text, origin.span.end.min(text.len())).max(start);
        &text[start..end]
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut s = Sources::new();
        let id = s.add("a.toml", "a = 1\nb = \"é\" # x\n");
        assert_eq!(s.line_col(id, 0), (1, 1));
        assert_eq!(s.line_col(id, 6), (2, 1));
        // byte 13 is the quote after `é` (2 bytes): character column 7
        assert_eq!(s.line_col(id, 13), (2, 7));
        assert_eq!(s.line_col(id, 999), (3, 1));
    }
}
