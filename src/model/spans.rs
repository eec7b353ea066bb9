//! Where each value of a YAML file stands, so a finding about `servers.imap[0].port` points at
//! its line and column. Loading records them ([`crate::load`]); the model keeps them with each
//! [`super::Source`], which is why the type lives here, below the loader.

use crate::diagnostics::Location;
use rustc_hash::FxHashMap;

/// Where a value stands in its file: 1-based line and column, its length on that line, and
/// whether it is a block scalar (`|` or `>`), whose text starts on the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
    pub block: bool,
}

/// Value positions by path: `name`, `servers.imap[0].port`, `[2].answer`. Keys are also recorded,
/// as `path#key`, for findings about a key rather than its value. (Every file's values are
/// recorded and few are looked up: FxHash hashes these short keys several times faster than the
/// standard hasher, and the paths come from the site's own files.)
#[derive(Debug, Clone, Default)]
pub struct Spans {
    map: FxHashMap<String, Span>,
}

impl Spans {
    pub fn get(&self, path: &str) -> Option<Span> {
        self.map.get(path).copied()
    }

    /// The location of a path in `file`, falling back to the closest recorded parent path
    /// and finally to the start of the file.
    pub fn location(&self, file: &str, path: &str) -> Location {
        let mut p = path;
        loop {
            if let Some(span) = self.map.get(p) {
                return Location::new(file, span.line, span.column).with_len(span.len);
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return Location::file(file),
            }
        }
    }

    /// Records where the value at `path` stands.
    pub fn record(&mut self, path: String, span: Span) {
        self.map.insert(path, span);
    }

    /// Records where the value at `path` stands unless a position is already known.
    pub fn record_first(&mut self, path: String, span: Span) {
        self.map.entry(path).or_insert(span);
    }
}
