//! Where each line of a file starts, found once per file when it is loaded.
//!
//! Checks and the prose compiler look up a line of a file for every FAQ answer, troubleshooting
//! entry and block scalar. Counting newlines from the start of the file for each lookup made
//! checking a 30,000-entry FAQ take seconds (quadratic in the file); with the index a lookup is
//! an array access, and the index costs one pass over the text.

/// The byte offset of the start of every line of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// `starts[i]` is where the 0-based line `i` starts; `starts[0]` is 0. A text ending in a
    /// newline has a last entry equal to its length (an empty line that `str::lines` leaves out).
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` in one pass (`memchr` finds the newlines).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The byte offset where the 0-based line `index` starts, if the text has that many lines
    /// (the position just after a final newline counts, as a line with no text).
    pub fn start(&self, index: usize) -> Option<usize> {
        self.starts.get(index).copied()
    }

    /// The 0-based line `index` of `text` (the text this index was made from), as `str::lines`
    /// gives it: without its `\n` or `\r\n`.
    pub fn line<'a>(&self, text: &'a str, index: usize) -> Option<&'a str> {
        let start = self.start(index)?;
        let end = self.start(index + 1).unwrap_or(text.len());
        text.get(start..end)?.lines().next()
    }

    /// The 1-based line and column (in characters) of byte `offset` of `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|s| *s <= offset).saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line + 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    /// The index gives what `str::lines().nth()` gives, for every line of texts with and without
    /// a final newline, with CRLF endings, empty lines and multi-byte characters.
    #[test]
    fn lines_are_what_str_lines_gives() {
        for text in ["", "a", "a\n", "a\nb", "a\n\nb\n", "é\r\nü\r\n", "\n\n", "x\ny\nz\n\n"] {
            let index = LineIndex::new(text);
            for i in 0..text.len() + 3 {
                assert_eq!(index.line(text, i), text.lines().nth(i), "line {i} of {text:?}");
            }
        }
    }

    #[test]
    fn positions_count_characters_from_one() {
        let text = "ab\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 2), (1, 3));
        assert_eq!(index.position(text, 3), (2, 1));
        // `ç` is two bytes: `d` is the second character.
        assert_eq!(index.position(text, 5), (2, 2));
        assert_eq!(index.position(text, 7), (3, 1));
        assert_eq!(index.position(text, 8), (4, 1));
        assert_eq!(index.position(text, 99), (4, 2));
    }

    /// The work is one entry per line, made once: a 30,000-entry FAQ file is indexed in one pass
    /// and every later lookup is an array access, not a scan from the start of the file.
    #[test]
    fn a_large_file_is_indexed_once_with_one_entry_per_line() {
        let text: String = (0..30_000)
            .map(|i| format!("- question: Q{i}?\n  answer: A{i}.\n"))
            .collect();
        let index = LineIndex::new(&text);
        assert_eq!(index.starts.len(), 60_001);
        assert_eq!(index.line(&text, 59_998), Some("- question: Q29999?"));
        assert_eq!(index.start(59_999).map(|s| &text[s..s + 10]), Some("  answer: "));
    }
}
